//! `pub-undocumented`: a public item without a doc comment. With `--base`, each public item that is new
//! since the base and has no doc comment is a finding; without a base, one finding per crate counts them.
//!
//! Why it costs: the public surface is what users read on docs.rs; an undocumented item makes them read
//! the source, and every guess they make about it becomes a compatibility promise.
//!
//! Fires (with `--base`): a new `pub fn load() -> Config` with no `///` above it.
//! Does not fire: `/// Loads the file.` above it, `#[doc = "..."]`, an item reachable only by a
//! `#[doc(hidden)]` path, a `pub` item no public path reaches, an undocumented item that existed at the
//! base (it is counted in the per-crate line of a run without `--base`).
//!
//! Known limits: fields and variants are not looked at (rustc's `missing_docs` does); a doc comment
//! added by a macro or `#[cfg_attr(.., doc = ..)]` is not seen.

use crate::api::rules::{CrateApi, Hit, RuleInfo};
use crate::report::Severity;

/// The rule.
pub const RULE: RuleInfo = RuleInfo {
    id: "pub-undocumented",
    summary: "a public item has no doc comment (new items with --base, a count per crate without)",
    severity: Severity::Info,
    check,
};

fn check<'a>(api: &CrateApi<'a>) -> Vec<Hit<'a>> {
    let undocumented = api.visible().filter(|item| !item.documented);
    if api.base.is_some() {
        return undocumented
            .filter(|item| api.is_new(item))
            .map(|item| Hit {
                item,
                place: None,
                message: format!(
                    "new public {} `{}` has no doc comment",
                    item.kind.word(),
                    api.path_of(item)
                ),
                help: "say in a `///` comment what it does, what it returns and when it fails"
                    .to_owned(),
            })
            .collect();
    }
    let items: Vec<_> = undocumented.collect();
    let total = api.visible().count();
    match items.first() {
        Some(first) => vec![Hit {
            item: first,
            place: None,
            message: format!(
                "{} of {total} public items of `{}` have no doc comment (the first: `{}`)",
                items.len(),
                api.package,
                api.path_of(first)
            ),
            help: "add `#![warn(missing_docs)]` to the crate root and document what it lists"
                .to_owned(),
        }],
        None => Vec::new(),
    }
}
