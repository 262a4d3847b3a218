// The documentation is scanned by tests/tests/lint_docs.rs, not compiled as doctests.
#![cfg_attr(not(doctest), doc = include_str!("docs/alloc-in-hot-loop.md"))]

use proc_macro2::Span;
use syn::Expr;
use syn::spanned::Spanned;

use crate::lints::rules::{Group, RuleId, RuleInfo, Scope};
use crate::lints::syntax::call_name;
use crate::lints::walk::{Walk, type_name};
use crate::report::{Category, ChecklistItem, Severity};

/// `alloc-in-hot-loop`.
pub const INFO: RuleInfo = RuleInfo {
    rule: RuleId::AllocInHotLoop,
    id: "alloc-in-hot-loop",
    group: Group::HotPath,
    nursery: false,
    phrase: "allocates inside a loop",
    category: Category::Performance,
    scope: Scope::HotOnly,
    default: Severity::Critical,
    description: "`vec![..]`, `Box::new`, `.collect()`, `.to_vec()`, a `Vec`/`String` grown per \
                  iteration or an owned value made by `.into()`, once per iteration of a hot loop",
    help: "hoist the allocation out of the loop and reuse it",
    impact: "allocation per loop iteration in a hot path",
    checks: &[ChecklistItem::HotPathAllocations],
    doc: include_str!("docs/alloc-in-hot-loop.md"),
};

/// `vec![x, y]` and `vec![x; n]` allocate; an empty `vec![]` does not until it grows.
pub(crate) fn macro_call(cx: &mut Walk<'_>, mac: &syn::Macro, name: &str, span: Span) {
    if name == "vec" && !mac.tokens.is_empty() && cx.per_iteration_candidate() {
        cx.hit(RuleId::AllocInHotLoop, span, "vec!");
    }
}

pub(crate) fn method_call(cx: &mut Walk<'_>, m: &syn::ExprMethodCall, name: &str, span: Span) {
    if matches!(name, "collect" | "to_vec") && m.args.is_empty() && cx.per_iteration_candidate() {
        cx.hit(RuleId::AllocInHotLoop, span, format!(".{name}()"));
    }
}

pub(crate) fn call(
    cx: &mut Walk<'_>,
    _c: &syn::ExprCall,
    prev: Option<&str>,
    last: &str,
    span: Span,
) {
    // `Vec::new()` allocates nothing until it grows: see `declared` for a `let mut` one.
    if prev == Some("Box") && last == "new" && cx.per_iteration_candidate() {
        cx.hit(RuleId::AllocInHotLoop, span, "Box::new");
    }
}

/// `let mut v = Vec::new();` grown in the loop (or made `with_capacity`), and `let s: String = x.into();`.
pub(crate) fn declared(cx: &mut Walk<'_>, l: &syn::Local, name: Option<&str>, mutable: bool) {
    let init = l.init.as_ref().map(|i| &*i.expr);
    // `let mut v = Vec::new();` in a hot loop: a buffer made to grow, once per iteration.
    if mutable
        && cx.per_iteration_candidate()
        && let (Some(name), Some(Expr::Call(c))) = (name, init)
        && let Some((Some(ty), last)) = call_name(&c.func)
        && matches!(ty.as_str(), "Vec" | "String")
        && matches!(last.as_str(), "new" | "with_capacity")
    {
        cx.current = Some(c.span());
        let what = if last == "new" {
            format!("{ty}::new, grown in the loop")
        } else {
            format!("{ty}::with_capacity, once per iteration")
        };
        cx.hit(RuleId::AllocInHotLoop, c.func.span(), what);
        if let Some(hit) = cx.out.hits.last() {
            let at = (hit.line, hit.column);
            cx.buffers.insert(name.to_owned(), at);
        }
    }
    // `let s: String = name.into();`: the conversion makes an owned value.
    if let (syn::Pat::Type(pt), Some(Expr::MethodCall(m))) = (&l.pat, init)
        && m.method == "into"
        && m.args.is_empty()
        && type_name(&pt.ty)
            .is_some_and(|t| matches!(t.as_str(), "String" | "Vec" | "Box" | "Rc" | "Arc"))
        && cx.per_iteration_candidate()
    {
        cx.current = Some(m.span());
        let owned = type_name(&pt.ty).unwrap_or_default();
        cx.hit(
            RuleId::AllocInHotLoop,
            m.method.span(),
            format!(".into() a {owned}"),
        );
    }
}
