// The documentation is scanned by tests/tests/lint_docs.rs, not compiled as doctests.
#![cfg_attr(not(doctest), doc = include_str!("docs/suppression-reason.md"))]

use crate::lints::facts::Hit;
use crate::lints::rules::{Group, RuleId, RuleInfo, Scope};
use crate::lints::suppress::Suppressions;
use crate::report::{Category, Severity};

/// `suppression-reason`.
pub const INFO: RuleInfo = RuleInfo {
    rule: RuleId::SuppressionReason,
    id: "suppression-reason",
    group: Group::Meta,
    nursery: false,
    phrase: "needs `-- reason`",
    category: Category::CodeQuality,
    scope: Scope::Everywhere,
    default: Severity::Warning,
    description: "a `lumen-gate: allow(..)` comment without `-- reason`",
    help: "write `// lumen-gate: allow(rule-id) -- why this is fine`",
    impact: "an unexplained exception to the review's rules",
    checks: &[],
    doc: include_str!("docs/suppression-reason.md"),
};

/// The hits of a file's allow comments that give no reason.
pub(crate) fn hits(suppressions: &mut Suppressions) -> Vec<Hit> {
    std::mem::take(&mut suppressions.missing_reason)
        .into_iter()
        .map(|(line, column, comment)| Hit {
            rule: RuleId::SuppressionReason,
            line,
            column,
            length: 0,
            what: "allow(..) without a reason".to_owned(),
            hot: false,
            loop_depth: 0,
            per_call: false,
            test: false,
            item: String::new(),
            code: comment,
            condition: None,
        })
        .collect()
}
