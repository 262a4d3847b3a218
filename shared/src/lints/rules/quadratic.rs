// The documentation is scanned by tests/tests/lint_docs.rs, not compiled as doctests.
#![cfg_attr(not(doctest), doc = include_str!("docs/quadratic.md"))]

use proc_macro2::Span;
use syn::Expr;
use syn::spanned::Spanned;

use crate::lints::facts::Condition;
use crate::lints::rules::{Group, RuleId, RuleInfo, Scope};
use crate::lints::syntax::{Holds, collection_key, receiver_name};
use crate::lints::walk::{Walk, chain_has};
use crate::report::{Category, ChecklistItem, Severity};

/// `quadratic`.
pub const INFO: RuleInfo = RuleInfo {
    rule: RuleId::Quadratic,
    id: "quadratic",
    group: Group::Checklist,
    nursery: false,
    phrase: "makes the loop quadratic",
    category: Category::Performance,
    scope: Scope::Checklist,
    default: Severity::Warning,
    description: "a linear search or shift inside a loop, or nested loops over the same collection",
    help: "use a set or map for membership, VecDeque for front removal, or one pass",
    impact: "O(n^2) time on input-sized collections",
    checks: &[ChecklistItem::Quadratic, ChecklistItem::CollectionTypes],
    doc: include_str!("docs/quadratic.md"),
};

pub(crate) fn method_call(cx: &mut Walk<'_>, m: &syn::ExprMethodCall, name: &str, span: Span) {
    if !cx.in_loop() {
        return;
    }
    let input_sized = cx.input_sized();
    let receiver = receiver_name(&m.receiver);
    let local = receiver.as_deref().and_then(|r| cx.local(r));
    let holds = local.and_then(|(l, _)| l.holds);
    // A collection made fresh in each iteration stays as small as one iteration makes it.
    let fresh = local.is_some_and(|(_, depth)| cx.fresh_in_loop(depth));
    let first_is_zero = m.args.first().is_some_and(|a| matches!(a, Expr::Lit(l) if matches!(&l.lit, syn::Lit::Int(i) if i.base10_digits() == "0")));
    let grows = input_sized && !fresh && matches!(holds, Some(Holds::Vec | Holds::Deque));
    let shifts = input_sized && !fresh && holds == Some(Holds::Vec);
    let condition = Some(Condition::NotCrateMethod {
        name: name.to_owned(),
        receiver: cx.receiver(&m.receiver),
    });
    match name {
        "contains" if grows && m.args.len() == 1 => cx.hit_if(
            RuleId::Quadratic,
            span,
            ".contains(..) on a Vec in a loop",
            condition,
        ),
        "position" | "nth" | "find"
            if input_sized
                && chain_has(&m.receiver, "iter")
                && iter_of_growing(&m.receiver, cx) =>
        {
            cx.hit(
                RuleId::Quadratic,
                span,
                format!(".iter().{name}(..) in a loop"),
            )
        }
        "remove" if m.args.len() == 1 && first_is_zero && shifts => {
            cx.hit(RuleId::Quadratic, span, ".remove(0) in a loop")
        }
        "insert" if m.args.len() == 2 && first_is_zero && shifts => {
            cx.hit(RuleId::Quadratic, span, ".insert(0, ..) in a loop")
        }
        _ => {}
    }
}

/// Nested loops over the same collection.
pub(crate) fn for_loop(cx: &mut Walk<'_>, f: &syn::ExprForLoop) {
    let Some(key) = collection_key(&f.expr) else {
        return;
    };
    if cx
        .loops
        .iter()
        .any(|outer| outer.key.as_ref() == Some(&key))
        && cx.input_sized()
    {
        cx.hit(
            RuleId::Quadratic,
            f.expr.span(),
            format!("nested loops over `{key}`"),
        );
    }
}

/// True when `.iter()` in the receiver chain is called on a local `Vec` (or set iterated in order)
/// that is not made fresh in the current iteration (`v.iter().position(..)`, `set.iter().nth(i)`).
fn iter_of_growing(expr: &Expr, cx: &Walk<'_>) -> bool {
    let mut expr = expr;
    loop {
        match expr {
            Expr::MethodCall(m) if m.method == "iter" => {
                return receiver_name(&m.receiver)
                    .and_then(|r| cx.local(&r))
                    .is_some_and(|(l, depth)| {
                        matches!(
                            l.holds,
                            Some(Holds::Vec | Holds::Deque | Holds::Ordered | Holds::Hashed)
                        ) && !cx.fresh_in_loop(depth)
                    });
            }
            Expr::MethodCall(m) => expr = &m.receiver,
            _ => return false,
        }
    }
}
