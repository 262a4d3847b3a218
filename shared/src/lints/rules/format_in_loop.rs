// The documentation is scanned by tests/tests/lint_docs.rs, not compiled as doctests.
#![cfg_attr(not(doctest), doc = include_str!("docs/format-in-loop.md"))]

use proc_macro2::Span;

use crate::lints::rules::{Group, RuleId, RuleInfo, Scope};
use crate::lints::walk::Walk;
use crate::report::{Category, ChecklistItem, Severity};

/// `format-in-loop`.
pub const INFO: RuleInfo = RuleInfo {
    rule: RuleId::FormatInLoop,
    id: "format-in-loop",
    group: Group::HotPath,
    nursery: false,
    phrase: "inside a loop",
    category: Category::Performance,
    scope: Scope::Checklist,
    default: Severity::Warning,
    description: "`format!`, `.to_string()`, `String::from` or `.to_owned()` inside a loop",
    help: "preallocate one String outside the loop and write into it",
    impact: "one heap allocation per loop iteration",
    checks: &[ChecklistItem::FormatInLoops],
    doc: include_str!("docs/format-in-loop.md"),
};

pub(crate) fn macro_call(cx: &mut Walk<'_>, name: &str, span: Span) {
    if name == "format" && cx.per_iteration_candidate() {
        cx.hit(RuleId::FormatInLoop, span, "format!");
    }
}

pub(crate) fn method_call(cx: &mut Walk<'_>, m: &syn::ExprMethodCall, name: &str, span: Span) {
    if matches!(name, "to_string" | "to_owned") && m.args.is_empty() && cx.per_iteration_candidate()
    {
        cx.hit(RuleId::FormatInLoop, span, format!(".{name}()"));
    }
}

pub(crate) fn call(cx: &mut Walk<'_>, prev: Option<&str>, last: &str, span: Span) {
    if prev == Some("String") && last == "from" && cx.per_iteration_candidate() {
        cx.hit(RuleId::FormatInLoop, span, "String::from");
    }
}
