// The documentation is scanned by tests/tests/lint_docs.rs, not compiled as doctests.
#![cfg_attr(not(doctest), doc = include_str!("docs/bounded-alloc.md"))]

use proc_macro2::Span;
use syn::Expr;

use crate::lints::facts::Condition;
use crate::lints::rules::{Group, RuleId, RuleInfo, Scope};
use crate::lints::syntax::{Bound, bound_of, mentions};
use crate::lints::walk::{Walk, chain_has, parse_repeat};
use crate::report::{Category, Severity};

/// `bounded-alloc`.
pub const INFO: RuleInfo = RuleInfo {
    rule: RuleId::BoundedAlloc,
    id: "bounded-alloc",
    group: Group::Gates,
    nursery: true,
    phrase: "sized by a runtime value with no visible bound",
    category: Category::CodeQuality,
    scope: Scope::Everywhere,
    default: Severity::Warning,
    description: "an allocation sized by a runtime value with no visible bound",
    help: "cap the size (`n.min(LIMIT)`) or stream the data",
    impact: "untrusted input can exhaust memory",
    checks: &[],
    doc: include_str!("docs/bounded-alloc.md"),
};

pub(crate) fn method_call(cx: &mut Walk<'_>, m: &syn::ExprMethodCall, name: &str, span: Span) {
    match (name, m.args.len()) {
        ("reserve" | "reserve_exact", 1) => check(cx, &m.args[0], span, format!(".{name}(n)")),
        // `fn read_to_end(&mut self, buf: &mut Vec<u8>)` passing its own `buf` on: the caller's read.
        ("read_to_end", 1) if !chain_has(&m.receiver, "take") && !cx.is_param(&m.args[0]) => cx
            .hit(
                RuleId::BoundedAlloc,
                span,
                ".read_to_end(..) on an unbounded reader",
            ),
        _ => {}
    }
}

pub(crate) fn call(
    cx: &mut Walk<'_>,
    c: &syn::ExprCall,
    prev: Option<&str>,
    last: &str,
    span: Span,
) {
    if let (Some(ty @ ("Vec" | "String" | "VecDeque")), "with_capacity", Some(size)) =
        (prev, last, c.args.first())
    {
        check(cx, size, span, format!("{ty}::with_capacity(n)"));
    }
}

/// `vec![x; n]`: checked by the walk when it meets the macro.
pub(crate) fn vec_repeat(cx: &mut Walk<'_>, mac: &syn::Macro) {
    if let Ok((_, size)) = mac.parse_body_with(parse_repeat) {
        check(
            cx,
            &size,
            syn::spanned::Spanned::span(mac),
            "vec![x; n]".to_owned(),
        );
    }
}

/// A hit for a size with no visible bound (or one that only a narrow field bounds).
fn check(cx: &mut Walk<'_>, size: &Expr, span: Span, what: String) {
    if size_chosen_by_caller(cx, size) {
        return;
    }
    let bounded_local = |name: &str| cx.local(name).is_some_and(|(l, _)| l.bounded);
    match bound_of(size, &bounded_local) {
        Bound::Visible => {}
        Bound::Field(field) => cx.hit_if(
            RuleId::BoundedAlloc,
            span,
            what,
            Some(Condition::NotNarrowField { field }),
        ),
        Bound::None => cx.hit(RuleId::BoundedAlloc, span, what),
    }
}

/// A size that the fn only passes on from its caller, where the caller is the place to judge it: a
/// capacity wrapper's parameter (`fn with_capacity(n: usize) -> Self { Self(Vec::with_capacity(n)) }`),
/// and serde's `len` arguments (a tuple's arity, the length of a sequence already in memory).
fn size_chosen_by_caller(cx: &Walk<'_>, size: &Expr) -> bool {
    const SERDE_SIZED: [&str; 11] = [
        "serialize_seq",
        "serialize_tuple",
        "serialize_tuple_struct",
        "serialize_tuple_variant",
        "serialize_map",
        "serialize_struct",
        "serialize_struct_variant",
        "tuple_variant",
        "deserialize_tuple",
        "deserialize_tuple_struct",
        "tuple",
    ];
    let fn_name = cx.path.last().map(String::as_str).unwrap_or_default();
    // `n` or `n as usize`: the parameter itself, not something computed from it.
    let param = |e: &Expr| match e {
        Expr::Cast(c) => cx.is_param(&c.expr),
        e => cx.is_param(e),
    };
    // A constructor sized by its parameter (`fn new(local_count: u32) -> Self { .. vec![false;
    // local_count as usize] .. }`) is a capacity wrapper under another name.
    let wrapper = fn_name.contains("capacity")
        || fn_name.contains("reserve")
        || fn_name == "new"
        || fn_name.starts_with("with_");
    (wrapper && param(size)) || (SERDE_SIZED.contains(&fn_name) && mentions(size, "len"))
}
