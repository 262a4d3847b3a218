// The documentation is scanned by tests/tests/lint_docs.rs, not compiled as doctests.
#![cfg_attr(not(doctest), doc = include_str!("docs/no-panic.md"))]

use proc_macro2::Span;

use crate::lints::rules::{Group, RuleId, RuleInfo, Scope};
use crate::lints::walk::Walk;
use crate::report::{Category, Severity};

/// `no-panic`.
pub const INFO: RuleInfo = RuleInfo {
    rule: RuleId::NoPanic,
    id: "no-panic",
    group: Group::Gates,
    nursery: false,
    phrase: "in library code",
    category: Category::CodeQuality,
    scope: Scope::Everywhere,
    default: Severity::Critical,
    description: "`panic!`, `todo!`, `unimplemented!` or `unreachable!` in library code",
    help: "return an error instead of panicking",
    impact: "a panic in library code aborts the caller's program",
    checks: &[],
    doc: include_str!("docs/no-panic.md"),
};

pub(crate) fn macro_call(cx: &mut Walk<'_>, name: &str, span: Span) {
    // An assertion helper (`starlark::assert`, `fn assert_parses`) panics by contract, as `assert!` does.
    if matches!(name, "panic" | "todo" | "unimplemented" | "unreachable")
        && !in_assertion_helper(cx)
    {
        cx.hit(RuleId::NoPanic, span, format!("{name}!"));
    }
}

/// In a module named `assert` or a fn whose name starts with `assert`: code that exists to panic; or in
/// `Index::index` / `IndexMut::index_mut`, whose contract is to panic on a bad index (no Result to return).
fn in_assertion_helper(cx: &Walk<'_>) -> bool {
    let indexing = matches!(
        (cx.impl_trait.as_deref(), cx.path.last().map(String::as_str)),
        (Some("Index"), Some("index")) | (Some("IndexMut"), Some("index_mut"))
    );
    indexing
        || cx
            .path
            .iter()
            .any(|p| p == "assert" || p == "asserts" || p.starts_with("assert_"))
}
