// The documentation is scanned by tests/tests/lint_docs.rs, not compiled as doctests.
#![cfg_attr(not(doctest), doc = include_str!("docs/string-interning.md"))]

use proc_macro2::Span;

use crate::lints::advice::{LOOKUPS, builds_string};
use crate::lints::facts::Condition;
use crate::lints::rules::{Group, RuleId, RuleInfo, Scope};
use crate::lints::walk::Walk;
use crate::report::{Category, ChecklistItem, Severity};

/// `string-interning`.
pub const INFO: RuleInfo = RuleInfo {
    rule: RuleId::StringInterning,
    id: "string-interning",
    group: Group::Checklist,
    nursery: true,
    phrase: "hashes or compares a String where the crate interns strings",
    category: Category::Performance,
    scope: Scope::HotOnly,
    default: Severity::Warning,
    description: "in a hot path of a crate with a string interner: a lookup in a collection keyed by \
                  `String`, or a `String` built only to look a key up",
    help: "look keys up by their interned symbol (an integer compare and hash) instead of the text",
    impact: "hashing and comparing the whole text on every lookup",
    checks: &[ChecklistItem::StringInterning],
    doc: include_str!("docs/string-interning.md"),
};

pub(crate) fn method_call(cx: &mut Walk<'_>, m: &syn::ExprMethodCall, name: &str, span: Span) {
    if !LOOKUPS.contains(&name) {
        return;
    }
    // `insert(k, v)` stores its key: a key built for it is the key kept, not one built to look up.
    let lookup_only = !matches!(name, "insert" | "entry");
    let fresh_key = lookup_only && m.args.first().is_some_and(builds_string);
    let string_keyed = cx.local_of(&m.receiver).is_some_and(|l| l.string_keyed);
    let what = if fresh_key {
        format!(".{name}(..) with a String built only to look the key up")
    } else if string_keyed && lookup_only {
        format!(".{name}(..) on a collection keyed by String")
    } else {
        return;
    };
    cx.hit_if(
        RuleId::StringInterning,
        span,
        what,
        Some(Condition::CrateInterns),
    );
}
