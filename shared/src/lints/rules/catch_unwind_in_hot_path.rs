// The documentation is scanned by tests/tests/lint_docs.rs, not compiled as doctests.
#![cfg_attr(not(doctest), doc = include_str!("docs/catch-unwind-in-hot-path.md"))]

use proc_macro2::Span;

use crate::lints::rules::{Group, RuleId, RuleInfo, Scope};
use crate::lints::walk::Walk;
use crate::report::{Category, Severity};

/// `catch-unwind-in-hot-path`.
pub const INFO: RuleInfo = RuleInfo {
    rule: RuleId::CatchUnwindInHotPath,
    id: "catch-unwind-in-hot-path",
    group: Group::HotPath,
    nursery: false,
    phrase: "sets up unwinding on every call",
    category: Category::Performance,
    scope: Scope::HotOnly,
    default: Severity::Critical,
    description: "`catch_unwind` in a hot path",
    help: "use it only for crash protection at the edge, not for expected errors",
    impact: "unwinding setup cost on every call in a hot path",
    checks: &[],
    doc: include_str!("docs/catch-unwind-in-hot-path.md"),
};

pub(crate) fn call(cx: &mut Walk<'_>, last: &str, span: Span) {
    if last == "catch_unwind" && (cx.hot() || cx.per_iteration_candidate()) {
        cx.hit(RuleId::CatchUnwindInHotPath, span, "catch_unwind");
    }
}
