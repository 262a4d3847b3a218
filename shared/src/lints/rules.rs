//! The lint rules: ids, default severities, and what each says to do instead.

use crate::report::{Category, ChecklistItem, Severity};

/// A lint rule's id: written in kebab-case in the configuration, suppressions and reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleId {
    /// `no-unwrap`.
    NoUnwrap,
    /// `no-panic`.
    NoPanic,
    /// `clone-justified`.
    CloneJustified,
    /// `no-box-dyn-any`.
    NoBoxDynAny,
    /// `no-silent-failure`.
    NoSilentFailure,
    /// `bounded-alloc`.
    BoundedAlloc,
    /// `format-in-loop`.
    FormatInLoop,
    /// `alloc-in-hot-loop`.
    AllocInHotLoop,
    /// `hash-in-hot-loop`.
    HashInHotLoop,
    /// `quadratic`.
    Quadratic,
    /// `clone-in-hot-loop`.
    CloneInHotLoop,
    /// `catch-unwind-in-hot-path`.
    CatchUnwindInHotPath,
    /// `string-interning`.
    StringInterning,
    /// `collection-types`.
    CollectionTypes,
    /// `rc-copy-on-write`.
    RcCopyOnWrite,
    /// `error-path-alloc`.
    ErrorPathAlloc,
    /// `const-generics`.
    ConstGenerics,
    /// `suppression-reason`.
    SuppressionReason,
    /// `unreadable-file`.
    UnreadableFile,
}

impl serde::Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for RuleId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<RuleId, D::Error> {
        let text = String::deserialize(deserializer)?;
        RuleId::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown rule `{text}`")))
    }
}

impl RuleId {
    /// The id as written: `no-unwrap`.
    pub fn as_str(self) -> &'static str {
        self.info().id
    }

    /// The rule's fixed description.
    pub fn info(self) -> &'static RuleInfo {
        // RULES lists every id once, in the enum's order (a test checks it).
        &RULES[self as usize]
    }

    /// The id written `text`, if there is one.
    pub fn parse(text: &str) -> Option<RuleId> {
        RULES.iter().find(|r| r.id == text).map(|r| r.rule)
    }
}

/// Where a rule applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Everywhere in scanned code, at the rule's default severity.
    Everywhere,
    /// Everywhere, at the rule's default severity outside hot paths and CRITICAL inside them (the
    /// checklist items the spec words as "No ..").
    Checklist,
    /// Only inside hot paths, at the rule's default severity.
    HotOnly,
}

/// A rule's fixed description.
#[derive(Debug)]
pub struct RuleInfo {
    /// The rule.
    pub rule: RuleId,
    /// Its id as written (kebab-case).
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
    /// The Performance Checklist items it answers.
    pub checks: &'static [ChecklistItem],
}

/// Every rule the scanner has.
pub const RULES: &[RuleInfo] = &[
    RuleInfo {
        rule: RuleId::NoUnwrap,
        id: "no-unwrap",
        phrase: "in library code",
        category: Category::CodeQuality,
        scope: Scope::Everywhere,
        default: Severity::Critical,
        description: "`.unwrap()` or `.expect(..)` in library code",
        help: "propagate the error with `?` or handle it explicitly",
        impact: "a panic in library code aborts the caller's program",
        checks: &[],
    },
    RuleInfo {
        rule: RuleId::NoPanic,
        id: "no-panic",
        phrase: "in library code",
        category: Category::CodeQuality,
        scope: Scope::Everywhere,
        default: Severity::Critical,
        description: "`panic!`, `todo!`, `unimplemented!` or `unreachable!` in library code",
        help: "return an error instead of panicking",
        impact: "a panic in library code aborts the caller's program",
        checks: &[],
    },
    RuleInfo {
        rule: RuleId::CloneJustified,
        id: "clone-justified",
        phrase: "without a comment saying why",
        category: Category::CodeQuality,
        scope: Scope::Everywhere,
        default: Severity::Critical,
        description: "`.clone()` with no comment on its line or the line above saying why",
        help: "borrow instead, or add a comment explaining why the clone is needed",
        impact: "an unexplained allocation or reference-count bump",
        checks: &[],
    },
    RuleInfo {
        rule: RuleId::NoBoxDynAny,
        id: "no-box-dyn-any",
        phrase: "instead of a typed enum",
        category: Category::CodeQuality,
        scope: Scope::Everywhere,
        default: Severity::Critical,
        description: "`Box<dyn Any>` in any spelling",
        help: "use a typed enum",
        impact: "type errors move from compile time to run time",
        checks: &[],
    },
    RuleInfo {
        rule: RuleId::NoSilentFailure,
        id: "no-silent-failure",
        phrase: "drops an error silently",
        category: Category::CodeQuality,
        scope: Scope::Everywhere,
        default: Severity::Critical,
        description: "an error dropped without a trace (`let _ = ..`, `.ok();`, empty `Err` arms)",
        help: "propagate the error, or log it and say why it is safe to continue",
        impact: "failures vanish and surface later as wrong results",
        checks: &[],
    },
    RuleInfo {
        rule: RuleId::BoundedAlloc,
        id: "bounded-alloc",
        phrase: "sized by a runtime value with no visible bound",
        category: Category::CodeQuality,
        scope: Scope::Everywhere,
        default: Severity::Warning,
        description: "an allocation sized by a runtime value with no visible bound",
        help: "cap the size (`n.min(LIMIT)`) or stream the data",
        impact: "untrusted input can exhaust memory",
        checks: &[],
    },
    RuleInfo {
        rule: RuleId::FormatInLoop,
        id: "format-in-loop",
        phrase: "inside a loop",
        category: Category::Performance,
        scope: Scope::Checklist,
        default: Severity::Warning,
        description: "`format!`, `.to_string()`, `String::from` or `.to_owned()` inside a loop",
        help: "preallocate one String outside the loop and write into it",
        impact: "one heap allocation per loop iteration",
        checks: &[ChecklistItem::FormatInLoops],
    },
    RuleInfo {
        rule: RuleId::AllocInHotLoop,
        id: "alloc-in-hot-loop",
        phrase: "allocates inside a loop",
        category: Category::Performance,
        scope: Scope::HotOnly,
        default: Severity::Critical,
        description: "`Vec::new`, `vec!`, `Box::new`, `.collect()` or `.to_vec()` inside a loop in a hot path",
        help: "hoist the allocation out of the loop and reuse it",
        impact: "allocation per loop iteration in a hot path",
        checks: &[ChecklistItem::HotPathAllocations],
    },
    RuleInfo {
        rule: RuleId::HashInHotLoop,
        id: "hash-in-hot-loop",
        phrase: "hashes inside a loop",
        category: Category::Performance,
        scope: Scope::HotOnly,
        default: Severity::Critical,
        description: "a hash map or set lookup inside a loop in a hot path",
        help: "index a Vec or resolve the key once outside the loop",
        impact: "a hash computation per loop iteration in a hot path",
        checks: &[ChecklistItem::CollectionTypes],
    },
    RuleInfo {
        rule: RuleId::Quadratic,
        id: "quadratic",
        phrase: "makes the loop quadratic",
        category: Category::Performance,
        scope: Scope::Checklist,
        default: Severity::Warning,
        description: "a linear search or shift inside a loop, or nested loops over the same collection",
        help: "use a set or map for membership, VecDeque for front removal, or one pass",
        impact: "O(n^2) time on input-sized collections",
        checks: &[ChecklistItem::Quadratic, ChecklistItem::CollectionTypes],
    },
    RuleInfo {
        rule: RuleId::CloneInHotLoop,
        id: "clone-in-hot-loop",
        phrase: "copies inside a loop",
        category: Category::Performance,
        scope: Scope::HotOnly,
        default: Severity::Critical,
        description: "`.clone()` inside a loop in a hot path",
        help: "borrow, or use Rc and `Rc::make_mut` for copy-on-write",
        impact: "a copy per loop iteration in a hot path",
        checks: &[ChecklistItem::HotPathAllocations, ChecklistItem::RcCloning],
    },
    RuleInfo {
        rule: RuleId::CatchUnwindInHotPath,
        id: "catch-unwind-in-hot-path",
        phrase: "sets up unwinding on every call",
        category: Category::Performance,
        scope: Scope::HotOnly,
        default: Severity::Critical,
        description: "`catch_unwind` in a hot path",
        help: "use it only for crash protection at the edge, not for expected errors",
        impact: "unwinding setup cost on every call in a hot path",
        checks: &[],
    },
    RuleInfo {
        rule: RuleId::StringInterning,
        id: "string-interning",
        phrase: "hashes or compares a String where the crate interns strings",
        category: Category::Performance,
        scope: Scope::HotOnly,
        default: Severity::Warning,
        description: "in a hot path of a crate with a string interner: a lookup in a collection keyed by \
                      `String`, or a `String` built only to look a key up",
        help: "look keys up by their interned symbol (an integer compare and hash) instead of the text",
        impact: "hashing and comparing the whole text on every lookup",
        checks: &[ChecklistItem::StringInterning],
    },
    RuleInfo {
        rule: RuleId::CollectionTypes,
        id: "collection-types",
        phrase: "orders a hash collection by sorting",
        category: Category::Performance,
        scope: Scope::HotOnly,
        default: Severity::Warning,
        description: "in a hot path: a HashMap or HashSet collected into a Vec and sorted",
        help: "keep the data in a BTreeMap/BTreeSet when it is needed in order",
        impact: "a copy and an O(n log n) sort on every call",
        checks: &[ChecklistItem::CollectionTypes],
    },
    RuleInfo {
        rule: RuleId::RcCopyOnWrite,
        id: "rc-copy-on-write",
        phrase: "copies an Rc's contents to change them",
        category: Category::Performance,
        scope: Scope::Everywhere,
        default: Severity::Warning,
        description: "`let mut x = (*rc).clone()` (or `rc.as_ref().clone()`): a deep copy of an Rc's or \
                      Arc's contents, made to be changed",
        help: "use `Rc::make_mut(&mut rc)`: it copies only when the value is shared",
        impact: "a full copy of the value even when nothing else holds it",
        checks: &[ChecklistItem::RcCloning],
    },
    RuleInfo {
        rule: RuleId::ErrorPathAlloc,
        id: "error-path-alloc",
        phrase: "allocates on an error path",
        category: Category::Performance,
        scope: Scope::HotOnly,
        default: Severity::Warning,
        description: "in a hot path: `Err(format!(..))`, `.map_err(|e| e.to_string())`, a boxed or \
                      formatted error, an allocation in an `Err(..)` arm",
        help: "return a typed error (an enum variant holding the values) and format it where it is shown",
        impact: "an allocation each time the hot path fails",
        checks: &[ChecklistItem::ErrorPathAllocations],
    },
    RuleInfo {
        rule: RuleId::ConstGenerics,
        id: "const-generics",
        phrase: "has a size known at compile time",
        category: Category::Performance,
        scope: Scope::Everywhere,
        default: Severity::Warning,
        description: "`vec![x; N]` with a literal or constant N (up to 1024) that is never grown, moved or \
                      returned; a `&[T]` parameter asserted to have length N",
        help: "use an array `[T; N]` (or `&[T; N]`, a const generic parameter) instead",
        impact: "a heap allocation and a run-time length check the type could remove",
        checks: &[ChecklistItem::ConstGenerics],
    },
    RuleInfo {
        rule: RuleId::SuppressionReason,
        id: "suppression-reason",
        phrase: "needs `-- reason`",
        category: Category::CodeQuality,
        scope: Scope::Everywhere,
        default: Severity::Warning,
        description: "a `lumen-gate: allow(..)` comment without `-- reason`",
        help: "write `// lumen-gate: allow(rule-id) -- why this is fine`",
        impact: "an unexplained exception to the review's rules",
        checks: &[],
    },
    RuleInfo {
        rule: RuleId::UnreadableFile,
        id: "unreadable-file",
        phrase: "could not be checked",
        category: Category::CodeQuality,
        scope: Scope::Everywhere,
        default: Severity::Critical,
        description: "a file of the module tree that could not be read or parsed (or is nested too \
                      deeply to parse safely): none of its code is checked",
        help: "fix the file, or say which module it is: a file no rule can read is a file no rule checks",
        impact: "every rule is blind to this file's code",
        checks: &[],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique_kebab_case_and_in_the_enums_order() {
        let ids: std::collections::BTreeSet<_> = RULES.iter().map(|r| r.id).collect();
        assert_eq!(ids.len(), RULES.len());
        for (i, info) in RULES.iter().enumerate() {
            assert_eq!(info.rule as usize, i, "{} is out of order", info.id);
            assert_eq!(RuleId::parse(info.id), Some(info.rule));
        }
        assert!(
            RULES
                .iter()
                .all(|r| r.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        );
    }
}
