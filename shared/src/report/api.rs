//! The API review's figures: each library crate's public surface, and what changed in it since the base.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::report::Location;

/// The public surface of one library crate, compared with the base revision when one was given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ApiSurface {
    /// The package.
    pub package: String,
    /// Its version at HEAD.
    pub version: String,
    /// Its version at the base, when it existed there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_version: Option<String>,
    /// Public items at HEAD (items reachable by a public path, methods of public types included).
    pub items: usize,
    /// Public items added since the base, one by one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<ApiItem>,
    /// Public items (or public paths) removed since the base.
    #[serde(default)]
    pub removed: usize,
    /// Public items whose signature changed since the base (breaking or not).
    #[serde(default)]
    pub changed: usize,
}

/// One public item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ApiItem {
    /// Its public path, crate name first (`config::load`).
    pub path: String,
    /// Its kind (`fn`, `struct`, `method`...).
    pub kind: String,
    /// Its signature as rustfmt prints it.
    pub signature: String,
    /// Where it is declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

/// `+N, -M, ~K` over all crates: added, removed, changed.
pub fn totals(surfaces: &[ApiSurface]) -> (usize, usize, usize) {
    surfaces.iter().fold((0, 0, 0), |(a, r, c), s| {
        (a + s.added.len(), r + s.removed, c + s.changed)
    })
}
