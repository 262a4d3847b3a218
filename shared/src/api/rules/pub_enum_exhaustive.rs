//! `pub-enum-exhaustive`: a new public error enum without `#[non_exhaustive]` (with `--base`: new since
//! the base; without: every public error enum). An error enum is an enum whose name ends in `Error`.
//!
//! Why it costs: errors grow. Without `#[non_exhaustive]`, callers may `match` every variant, so adding
//! the next way to fail is a breaking change and a major release.
//!
//! Fires: `pub enum LoadError { Io(io::Error), Parse(String) }`.
//! Does not fire: `#[non_exhaustive] pub enum LoadError { .. }`, `pub enum Color { Red, Green }` (not an
//! error), `pub(crate) enum LoadError`, an error enum that existed at the base (adding the attribute
//! later is itself a breaking change: that is a decision for the next major release, not a review
//! finding).
//!
//! Known limits: an enum named otherwise that implements `std::error::Error` is not seen (the surface is
//! read without trait impls).

use crate::api::rules::{CrateApi, Hit, RuleInfo};
use crate::report::Severity;
use crate::source::public::ItemKind;

/// The rule.
pub const RULE: RuleInfo = RuleInfo {
    id: "pub-enum-exhaustive",
    summary: "a new public error enum is not #[non_exhaustive]",
    severity: Severity::Warning,
    check,
};

fn check<'a>(api: &CrateApi<'a>) -> Vec<Hit<'a>> {
    api.visible()
        .filter(|item| item.kind == ItemKind::Enum && !item.non_exhaustive)
        .filter(|item| item.name.ends_with("Error"))
        .filter(|item| api.base.is_none() || api.is_new(item))
        .map(|item| Hit {
            item,
            place: None,
            message: format!(
                "public error enum `{}` is not `#[non_exhaustive]`: adding a variant later breaks every caller that matches on it",
                api.path_of(item)
            ),
            help: "add `#[non_exhaustive]` now, while the enum is new".to_owned(),
        })
        .collect()
}
