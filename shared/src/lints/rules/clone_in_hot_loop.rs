// The documentation is scanned by tests/tests/lint_docs.rs, not compiled as doctests.
#![cfg_attr(not(doctest), doc = include_str!("docs/clone-in-hot-loop.md"))]

use proc_macro2::Span;
use syn::Expr;

use crate::lints::facts::Condition;
use crate::lints::rules::{Group, RuleId, RuleInfo, Scope};
use crate::lints::walk::Walk;
use crate::report::{Category, ChecklistItem, Severity};

/// `clone-in-hot-loop`.
pub const INFO: RuleInfo = RuleInfo {
    rule: RuleId::CloneInHotLoop,
    id: "clone-in-hot-loop",
    group: Group::HotPath,
    nursery: false,
    phrase: "copies inside a loop",
    category: Category::Performance,
    scope: Scope::HotOnly,
    default: Severity::Critical,
    description: "`.clone()` or `Rc::clone` once per iteration of a hot loop",
    help: "borrow, or use Rc and `Rc::make_mut` for copy-on-write",
    impact: "a copy per loop iteration in a hot path",
    checks: &[ChecklistItem::HotPathAllocations, ChecklistItem::RcCloning],
    doc: include_str!("docs/clone-in-hot-loop.md"),
};

pub(crate) fn method_call(cx: &mut Walk<'_>, m: &syn::ExprMethodCall, name: &str, span: Span) {
    match (name, m.args.len()) {
        ("clone", 0) => {
            let start = m.method.span().start();
            let peeking = cx.peeking_clones.contains(&(start.line, start.column));
            if cx.per_iteration_candidate() && !peeking {
                let condition = Condition::NotCrateMethod {
                    name: "clone".to_owned(),
                    receiver: cx.receiver(&m.receiver),
                };
                cx.hit_if(RuleId::CloneInHotLoop, span, ".clone()", Some(condition));
            }
        }
        // `chars.clone().next()`: copying an iterator to look ahead allocates nothing (not a cost in a
        // hot loop; the clone gate still asks for its comment). The outer call is walked first.
        ("next" | "peek" | "nth" | "next_back" | "as_str", _) => {
            if let Expr::MethodCall(inner) = &*m.receiver
                && inner.method == "clone"
                && inner.args.is_empty()
            {
                let start = inner.method.span().start();
                cx.peeking_clones.insert((start.line, start.column));
            }
        }
        _ => {}
    }
}

pub(crate) fn call(cx: &mut Walk<'_>, prev: Option<&str>, last: &str, span: Span) {
    if let (Some(rc @ ("Rc" | "Arc")), "clone") = (prev, last)
        && cx.per_iteration_candidate()
    {
        cx.hit(RuleId::CloneInHotLoop, span, format!("{rc}::clone"));
    }
}
