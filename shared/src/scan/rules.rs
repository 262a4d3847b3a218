//! The source rules: ids, default severities, and what each says to do instead.

use crate::report::{Category, Severity};

/// Where a rule applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Everywhere in scanned code; CRITICAL by default.
    Gate,
    /// Everywhere, WARNING by default, CRITICAL inside hot paths.
    Checklist,
    /// Only inside hot paths, CRITICAL.
    HotOnly,
}

/// A rule's fixed description.
#[derive(Debug)]
pub struct RuleInfo {
    /// Rule id (kebab-case).
    pub id: &'static str,
    /// What is wrong with the matched code, after its name: "in library code", "inside a loop".
    pub phrase: &'static str,
    /// Gate or checklist.
    pub category: Category,
    /// Where it applies and its default severity.
    pub scope: Scope,
    /// Default severity outside hot paths.
    pub default: Severity,
    /// One line on what it finds.
    pub description: &'static str,
    /// What to do instead.
    pub help: &'static str,
    /// Estimated impact.
    pub impact: &'static str,
}

/// Every rule the scanner has.
pub const RULES: &[RuleInfo] = &[
    RuleInfo {
        id: "no-unwrap",
        phrase: "in library code",
        category: Category::CodeQuality,
        scope: Scope::Gate,
        default: Severity::Critical,
        description: "`.unwrap()` or `.expect(..)` in library code",
        help: "propagate the error with `?` or handle it explicitly",
        impact: "a panic in library code aborts the caller's program",
    },
    RuleInfo {
        id: "no-panic",
        phrase: "in library code",
        category: Category::CodeQuality,
        scope: Scope::Gate,
        default: Severity::Critical,
        description: "`panic!`, `todo!`, `unimplemented!` or `unreachable!` in library code",
        help: "return an error instead of panicking",
        impact: "a panic in library code aborts the caller's program",
    },
    RuleInfo {
        id: "clone-justified",
        phrase: "without a comment saying why",
        category: Category::CodeQuality,
        scope: Scope::Gate,
        default: Severity::Critical,
        description: "`.clone()` with no comment on its line or the line above saying why",
        help: "borrow instead, or add a comment explaining why the clone is needed",
        impact: "an unexplained allocation or reference-count bump",
    },
    RuleInfo {
        id: "no-box-dyn-any",
        phrase: "instead of a typed enum",
        category: Category::CodeQuality,
        scope: Scope::Gate,
        default: Severity::Critical,
        description: "`Box<dyn Any>` in any spelling",
        help: "use a typed enum",
        impact: "type errors move from compile time to run time",
    },
    RuleInfo {
        id: "no-silent-failure",
        phrase: "drops an error silently",
        category: Category::CodeQuality,
        scope: Scope::Gate,
        default: Severity::Critical,
        description: "an error dropped without a trace (`let _ = ..`, `.ok();`, empty `Err` arms)",
        help: "propagate the error, or log it and say why it is safe to continue",
        impact: "failures vanish and surface later as wrong results",
    },
    RuleInfo {
        id: "bounded-alloc",
        phrase: "sized by a runtime value with no visible bound",
        category: Category::CodeQuality,
        scope: Scope::Gate,
        default: Severity::Warning,
        description: "an allocation sized by a runtime value with no visible bound",
        help: "cap the size (`n.min(LIMIT)`) or stream the data",
        impact: "untrusted input can exhaust memory",
    },
    RuleInfo {
        id: "format-in-loop",
        phrase: "inside a loop",
        category: Category::Performance,
        scope: Scope::Checklist,
        default: Severity::Warning,
        description: "`format!`, `.to_string()`, `String::from` or `.to_owned()` inside a loop",
        help: "preallocate one String outside the loop and write into it",
        impact: "one heap allocation per loop iteration",
    },
    RuleInfo {
        id: "alloc-in-hot-loop",
        phrase: "allocates inside a loop",
        category: Category::Performance,
        scope: Scope::HotOnly,
        default: Severity::Critical,
        description: "`Vec::new`, `vec!`, `Box::new`, `.collect()` or `.to_vec()` inside a loop in a hot path",
        help: "hoist the allocation out of the loop and reuse it",
        impact: "allocation per loop iteration in a hot path",
    },
    RuleInfo {
        id: "hash-in-hot-loop",
        phrase: "hashes inside a loop",
        category: Category::Performance,
        scope: Scope::HotOnly,
        default: Severity::Critical,
        description: "a hash map or set lookup inside a loop in a hot path",
        help: "index a Vec or resolve the key once outside the loop",
        impact: "a hash computation per loop iteration in a hot path",
    },
    RuleInfo {
        id: "quadratic",
        phrase: "makes the loop quadratic",
        category: Category::Performance,
        scope: Scope::Checklist,
        default: Severity::Warning,
        description: "a linear search or shift inside a loop, or nested loops over the same collection",
        help: "use a set or map for membership, VecDeque for front removal, or one pass",
        impact: "O(n^2) time on input-sized collections",
    },
    RuleInfo {
        id: "clone-in-hot-loop",
        phrase: "copies inside a loop",
        category: Category::Performance,
        scope: Scope::HotOnly,
        default: Severity::Critical,
        description: "`.clone()` inside a loop in a hot path",
        help: "borrow, or use Rc and `Rc::make_mut` for copy-on-write",
        impact: "a copy per loop iteration in a hot path",
    },
    RuleInfo {
        id: "catch-unwind-in-hot-path",
        phrase: "sets up unwinding on every call",
        category: Category::Performance,
        scope: Scope::HotOnly,
        default: Severity::Critical,
        description: "`catch_unwind` in a hot path",
        help: "use it only for crash protection at the edge, not for expected errors",
        impact: "unwinding setup cost on every call in a hot path",
    },
    RuleInfo {
        id: "suppression-reason",
        phrase: "needs `-- reason`",
        category: Category::CodeQuality,
        scope: Scope::Gate,
        default: Severity::Warning,
        description: "a `lumen-gate: allow(..)` comment without `-- reason`",
        help: "write `// lumen-gate: allow(rule-id) -- why this is fine`",
        impact: "an unexplained exception to the review's rules",
    },
];

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique_kebab_case() {
        let ids: std::collections::BTreeSet<_> = RULES.iter().map(|r| r.id).collect();
        assert_eq!(ids.len(), RULES.len());
        assert!(
            RULES
                .iter()
                .all(|r| r.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        );
    }
}
