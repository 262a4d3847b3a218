// The documentation is scanned by tests/tests/lint_docs.rs, not compiled as doctests.
#![cfg_attr(not(doctest), doc = include_str!("docs/collection-types.md"))]

use proc_macro2::Span;

use crate::lints::rules::{Group, RuleId, RuleInfo, Scope};
use crate::lints::walk::Walk;
use crate::report::{Category, ChecklistItem, Severity};

/// `collection-types`.
pub const INFO: RuleInfo = RuleInfo {
    rule: RuleId::CollectionTypes,
    id: "collection-types",
    group: Group::Checklist,
    nursery: true,
    phrase: "orders a hash collection by sorting",
    category: Category::Performance,
    scope: Scope::HotOnly,
    default: Severity::Warning,
    description: "in a hot path: a HashMap or HashSet collected into a Vec and sorted",
    help: "keep the data in a BTreeMap/BTreeSet when it is needed in order",
    impact: "a copy and an O(n log n) sort on every call",
    checks: &[ChecklistItem::CollectionTypes],
    doc: include_str!("docs/collection-types.md"),
};

pub(crate) fn method_call(cx: &mut Walk<'_>, m: &syn::ExprMethodCall, name: &str, span: Span) {
    if name.starts_with("sort") && cx.local_of(&m.receiver).is_some_and(|l| l.from_hashed) {
        cx.hit(
            RuleId::CollectionTypes,
            span,
            format!(".{name}() of what a hash map or set held"),
        );
    }
}
