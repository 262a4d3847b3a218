// The documentation is scanned by tests/tests/lint_docs.rs, not compiled as doctests.
#![cfg_attr(not(doctest), doc = include_str!("docs/no-unwrap.md"))]

use proc_macro2::Span;

use crate::lints::facts::Condition;
use crate::lints::rules::{Group, RuleId, RuleInfo, Scope};
use crate::lints::syntax::cannot_be_str;
use crate::lints::walk::Walk;
use crate::report::{Category, Severity};

/// `no-unwrap`.
pub const INFO: RuleInfo = RuleInfo {
    rule: RuleId::NoUnwrap,
    id: "no-unwrap",
    group: Group::Gates,
    nursery: false,
    phrase: "in library code",
    category: Category::CodeQuality,
    scope: Scope::Everywhere,
    default: Severity::Critical,
    description: "`.unwrap()` or `.expect(..)` in library code",
    help: "propagate the error with `?` or handle it explicitly",
    impact: "a panic in library code aborts the caller's program",
    checks: &[],
    doc: include_str!("docs/no-unwrap.md"),
};

pub(crate) fn method_call(cx: &mut Walk<'_>, m: &syn::ExprMethodCall, name: &str, span: Span) {
    let matched = match (name, m.args.len()) {
        ("unwrap" | "unwrap_err", 0) => format!(".{name}()"),
        // std's `expect` takes a `&str`: another argument means the crate's own `expect`.
        ("expect" | "expect_err", 1) if !cannot_be_str(&m.args[0]) => format!(".{name}(..)"),
        _ => return,
    };
    let condition = Condition::NotCrateMethod {
        name: name.to_owned(),
        receiver: cx.receiver(&m.receiver),
    };
    cx.hit_if(RuleId::NoUnwrap, span, matched, Some(condition));
}
