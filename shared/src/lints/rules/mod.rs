//! The lint rules: one file each, with its documentation (`docs/<rule-id>.md`, printed by
//! `cargo lumen-gate --explain <rule-id>`), its fixed description ([`RuleInfo`]) and its checks.
//!
//! The walk ([`crate::lints::walk`]) gathers the facts every rule needs (loops and what they iterate, hot
//! paths, error paths, the declared types of locals, parameters and fields) and calls the dispatchers
//! below at each kind of node; each dispatcher calls the rules that look at that kind of node.

use proc_macro2::Span;

use crate::lints::walk::Walk;
use crate::report::{Category, ChecklistItem, Severity};

pub mod alloc_in_hot_loop;
pub mod bounded_alloc;
pub mod catch_unwind_in_hot_path;
pub mod clone_in_hot_loop;
pub mod clone_justified;
pub mod collection_types;
pub mod const_generics;
pub mod error_path_alloc;
pub mod format_in_loop;
pub mod hash_in_hot_loop;
pub mod no_box_dyn_any;
pub mod no_panic;
pub mod no_silent_failure;
pub mod no_unwrap;
pub mod quadratic;
pub mod rc_copy_on_write;
pub mod string_interning;
pub mod suppression_reason;
pub mod unreadable_file;

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
    /// True for the rules about what runs once per iteration of a loop: their hits count in a hot path
    /// only inside a loop (or in a fn a hot loop calls). The other hot-path rules count anywhere in one.
    pub fn per_iteration(self) -> bool {
        matches!(
            self,
            RuleId::AllocInHotLoop
                | RuleId::HashInHotLoop
                | RuleId::CloneInHotLoop
                | RuleId::FormatInLoop
                | RuleId::Quadratic
        )
    }

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

    /// The id a user asked about: any case, `_` for `-`, with or without a `lints::` prefix.
    pub fn lookup(text: &str) -> Option<RuleId> {
        let text = text.trim().to_ascii_lowercase().replace('_', "-");
        RuleId::parse(text.strip_prefix("lints::").unwrap_or(&text))
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

/// Which part of the review a rule answers, as clippy groups its lints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Group {
    /// The spec's Code Quality Gates.
    Gates,
    /// The spec's hot-path rules: what runs once per iteration of a hot loop.
    HotPath,
    /// The spec's Performance Checklist advice.
    Checklist,
    /// The review's own housekeeping: suppressions, files it could not read.
    Meta,
}

impl Group {
    /// As written in docs: `hot-path`.
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Gates => "gates",
            Group::HotPath => "hot-path",
            Group::Checklist => "checklist",
            Group::Meta => "meta",
        }
    }
}

/// A rule's fixed description.
#[derive(Debug)]
pub struct RuleInfo {
    /// The rule.
    pub rule: RuleId,
    /// Its id as written (kebab-case).
    pub id: &'static str,
    /// Its group.
    pub group: Group,
    /// Off unless the configuration turns it on (ruff's preview, clippy's nursery): its precision on
    /// code nobody tuned it on is not yet known to be at least 0.95.
    pub nursery: bool,
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
    /// Its documentation (markdown): what it finds, why it costs, an example that fires and one that
    /// does not, its known limits and configuration.
    pub doc: &'static str,
}

/// Every rule the scanner has, in [`RuleId`]'s order.
pub const RULES: &[RuleInfo] = &[
    no_unwrap::INFO,
    no_panic::INFO,
    clone_justified::INFO,
    no_box_dyn_any::INFO,
    no_silent_failure::INFO,
    bounded_alloc::INFO,
    format_in_loop::INFO,
    alloc_in_hot_loop::INFO,
    hash_in_hot_loop::INFO,
    quadratic::INFO,
    clone_in_hot_loop::INFO,
    catch_unwind_in_hot_path::INFO,
    string_interning::INFO,
    collection_types::INFO,
    rc_copy_on_write::INFO,
    error_path_alloc::INFO,
    const_generics::INFO,
    suppression_reason::INFO,
    unreadable_file::INFO,
];

/// When two rules match one expression, the one reported: the more specific wins (clippy masks the
/// general lint with the specific one, ruff keeps a table of such pairs). The others are named in the
/// finding's text.
pub const PREFERRED_OVER: &[(RuleId, RuleId)] = &[
    (RuleId::CloneInHotLoop, RuleId::CloneJustified),
    (RuleId::AllocInHotLoop, RuleId::FormatInLoop),
    (RuleId::HashInHotLoop, RuleId::StringInterning),
    (RuleId::Quadratic, RuleId::HashInHotLoop),
];

/// The rules that look at a method call.
pub(crate) fn method_call(cx: &mut Walk<'_>, m: &syn::ExprMethodCall, name: &str, span: Span) {
    no_unwrap::method_call(cx, m, name, span);
    clone_justified::method_call(cx, m, name, span);
    clone_in_hot_loop::method_call(cx, m, name, span);
    no_silent_failure::method_call(cx, m, name, span);
    bounded_alloc::method_call(cx, m, name, span);
    format_in_loop::method_call(cx, m, name, span);
    alloc_in_hot_loop::method_call(cx, m, name, span);
    quadratic::method_call(cx, m, name, span);
    hash_in_hot_loop::method_call(cx, m, name, span);
    string_interning::method_call(cx, m, name, span);
    collection_types::method_call(cx, m, name, span);
    error_path_alloc::method_call(cx, m, name, span);
}

/// The rules that look at a call of a path (`Vec::with_capacity(n)`, `catch_unwind(..)`).
pub(crate) fn call(cx: &mut Walk<'_>, c: &syn::ExprCall, prev: Option<&str>, last: &str) {
    let span = syn::spanned::Spanned::span(&c.func);
    bounded_alloc::call(cx, c, prev, last, span);
    format_in_loop::call(cx, prev, last, span);
    alloc_in_hot_loop::call(cx, c, prev, last, span);
    catch_unwind_in_hot_path::call(cx, last, span);
    clone_in_hot_loop::call(cx, prev, last, span);
    error_path_alloc::call(cx, prev, last, span);
}

/// The rules that look at a macro invocation (its tokens are walked as expressions afterwards).
pub(crate) fn macro_call(cx: &mut Walk<'_>, mac: &syn::Macro, name: &str, span: Span) {
    no_panic::macro_call(cx, name, span);
    if name == "vec" {
        bounded_alloc::vec_repeat(cx, mac);
    }
    format_in_loop::macro_call(cx, name, span);
    alloc_in_hot_loop::macro_call(cx, mac, name, span);
    error_path_alloc::macro_call(cx, mac, name, span);
    const_generics::macro_call(cx, mac, name, span);
}

/// The rules that look at a `let`, before the walk declares its names.
pub(crate) fn local(cx: &mut Walk<'_>, l: &syn::Local) {
    no_silent_failure::local(cx, l);
}

/// The rules that look at a `let` once its name is declared (`name` is `None` for a pattern).
pub(crate) fn declared(cx: &mut Walk<'_>, l: &syn::Local, name: Option<&str>, mutable: bool) {
    alloc_in_hot_loop::declared(cx, l, name, mutable);
    rc_copy_on_write::declared(cx, l, mutable);
}

/// The rules that look at a statement.
pub(crate) fn stmt(cx: &mut Walk<'_>, s: &syn::Stmt) {
    no_silent_failure::stmt(cx, s);
}

/// The rules that look at the statements of a block.
pub(crate) fn block(cx: &mut Walk<'_>, stmts: &[syn::Stmt]) {
    const_generics::block(cx, stmts);
}

/// The rules that look at a `match` arm.
pub(crate) fn arm(cx: &mut Walk<'_>, a: &syn::Arm) {
    no_silent_failure::arm(cx, a);
}

/// The rules that look at an `if`.
pub(crate) fn expr_if(cx: &mut Walk<'_>, i: &syn::ExprIf) {
    no_silent_failure::expr_if(cx, i);
}

/// The rules that look at a `for` loop, before its body.
pub(crate) fn for_loop(cx: &mut Walk<'_>, f: &syn::ExprForLoop) {
    quadratic::for_loop(cx, f);
}

/// The rules that look at a written type.
pub(crate) fn written_type(cx: &mut Walk<'_>, ty: &syn::Type) {
    no_box_dyn_any::written_type(cx, ty);
}

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

    #[test]
    fn explain_accepts_any_case_underscores_and_the_kind_prefix() {
        assert_eq!(RuleId::lookup("No_Unwrap"), Some(RuleId::NoUnwrap));
        assert_eq!(
            RuleId::lookup("lints::hash-in-hot-loop"),
            Some(RuleId::HashInHotLoop)
        );
        assert_eq!(RuleId::lookup("nothing"), None);
    }
}
