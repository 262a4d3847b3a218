// The documentation is scanned by tests/tests/lint_docs.rs, not compiled as doctests.
#![cfg_attr(not(doctest), doc = include_str!("docs/hash-in-hot-loop.md"))]

use proc_macro2::Span;

use crate::lints::advice::LOOKUPS;
use crate::lints::facts::{Condition, Receiver};
use crate::lints::rules::{Group, RuleId, RuleInfo, Scope};
use crate::lints::syntax::Holds;
use crate::lints::walk::Walk;
use crate::report::{Category, ChecklistItem, Severity};

/// `hash-in-hot-loop`.
pub const INFO: RuleInfo = RuleInfo {
    rule: RuleId::HashInHotLoop,
    id: "hash-in-hot-loop",
    group: Group::HotPath,
    nursery: false,
    phrase: "hashes inside a loop",
    category: Category::Performance,
    scope: Scope::HotOnly,
    default: Severity::Critical,
    description: "a hash map or set lookup once per iteration of a hot loop",
    help: "index a Vec (resolve the key to an index once, outside the loop) or cache the slot",
    impact: "a hash computation per loop iteration in a hot path",
    checks: &[ChecklistItem::CollectionTypes],
    doc: include_str!("docs/hash-in-hot-loop.md"),
};

/// Collections that hash their keys, by their last path segment.
pub const HASHING: &[&str] = &[
    "HashMap",
    "HashSet",
    "FxHashMap",
    "FxHashSet",
    "AHashMap",
    "AHashSet",
    "IndexMap",
    "IndexSet",
    "FxIndexMap",
    "FxIndexSet",
    "DashMap",
    "DashSet",
];

pub(crate) fn method_call(cx: &mut Walk<'_>, m: &syn::ExprMethodCall, name: &str, span: Span) {
    if !LOOKUPS.contains(&name) || m.args.is_empty() || !cx.per_iteration_candidate() {
        return;
    }
    let what = format!(".{name}(..) on a hash map/set");
    // A local or parameter whose type the code shows decides at once.
    if let Some(local) = cx.local_of(&m.receiver) {
        match (local.holds, local.type_name.to_owned()) {
            (Some(Holds::Hashed), _) => cx.hit(RuleId::HashInHotLoop, span, what),
            (None, Some(ty)) => {
                let condition = Condition::Hashes {
                    method: name.to_owned(),
                    receiver: Receiver::Type(ty),
                };
                cx.hit_if(RuleId::HashInHotLoop, span, what, Some(condition));
            }
            _ => {}
        }
        return;
    }
    let receiver = cx.receiver(&m.receiver);
    if matches!(receiver, Receiver::Field(..) | Receiver::Type(_)) {
        let condition = Condition::Hashes {
            method: name.to_owned(),
            receiver,
        };
        cx.hit_if(RuleId::HashInHotLoop, span, what, Some(condition));
    }
}
