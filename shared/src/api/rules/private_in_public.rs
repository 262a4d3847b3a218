//! `private-in-public`: a public signature names a type that no public path reaches, so users cannot
//! name it (they can hold the value, not write its type in their own signatures or fields).
//!
//! Why it costs: users cannot store the result in a struct field, write a function that takes it, or read
//! its documentation; the type is public in effect but not in name, so changing it is a breaking change
//! nobody can see in the docs.
//!
//! Fires: `mod detail { pub struct Handle; }` with `pub fn open() -> detail::Handle` at the root, and
//! `detail` neither `pub` nor re-exported.
//! Does not fire: the same with `pub use detail::Handle;`, or `pub mod detail`; a type of another crate;
//! generic parameters; a private type alias (users can write the type it stands for); `#[doc(hidden)]`
//! trait items, variants and fields (not part of the promised interface).
//!
//! Known limits: types named through a type alias or a macro, and trait bounds (`impl Trait`, `T: Bound`)
//! are not followed; rustc's `private_interfaces` lint covers `pub(crate)` types in public signatures,
//! which this rule also reports.

use crate::api::rules::{CrateApi, Hit, RuleInfo};
use crate::report::Severity;
use crate::source::public::ItemKind;

/// The rule.
pub const RULE: RuleInfo = RuleInfo {
    id: "private-in-public",
    summary: "a public signature names a type no public path reaches",
    severity: Severity::Warning,
    check,
};

fn check<'a>(api: &CrateApi<'a>) -> Vec<Hit<'a>> {
    let mut hits = Vec::new();
    for item in api.visible() {
        for mention in &item.mentions {
            if mention.path.len() == 1 && mention.path[0] == "Self" {
                continue;
            }
            let path: Vec<&str> = mention.path.iter().map(String::as_str).collect();
            let Some(named) = api.head.resolve_in(&item.module, &path) else {
                continue;
            };
            // A private type alias is transparent: users can write the type it stands for.
            let is_type = matches!(
                named.kind,
                ItemKind::Struct | ItemKind::Enum | ItemKind::Union | ItemKind::Trait
            );
            if !is_type || named.is_public() {
                continue;
            }
            hits.push(Hit {
                item,
                place: Some(mention.place),
                message: format!(
                    "public {} `{}` names `{}`, which no public path reaches: users cannot name its type",
                    item.kind.word(),
                    api.path_of(item),
                    named.display_path()
                ),
                help: format!(
                    "re-export it (`pub use crate::{};`) or make its module public; or keep it out of the signature",
                    named.display_path()
                ),
            });
        }
    }
    hits
}
