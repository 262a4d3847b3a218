// The documentation is scanned by tests/tests/lint_docs.rs, not compiled as doctests.
#![cfg_attr(not(doctest), doc = include_str!("docs/unreadable-file.md"))]

use crate::lints::rules::{Group, RuleId, RuleInfo, Scope};
use crate::report::{Category, Severity};

/// `unreadable-file`.
pub const INFO: RuleInfo = RuleInfo {
    rule: RuleId::UnreadableFile,
    id: "unreadable-file",
    group: Group::Meta,
    nursery: false,
    phrase: "could not be checked",
    category: Category::CodeQuality,
    scope: Scope::Everywhere,
    default: Severity::Critical,
    description: "a file of the module tree that could not be read or parsed (or is nested too \
                  deeply to parse safely): none of its code is checked",
    help: "fix the file, or say which module it is: a file no rule can read is a file no rule checks",
    impact: "every rule is blind to this file's code",
    checks: &[],
    doc: include_str!("docs/unreadable-file.md"),
};
