//! `[api]`: the API review's settings.
//!
//! ```toml
//! [api]
//! enable = ["pub-error-type", "private-in-public"]   # hygiene rules (group nursery: all off by default)
//! # enable = ["nursery"]                              # every hygiene rule
//! ```

use serde::Deserialize;
use toml::Spanned;

/// `[api]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ApiConfig {
    /// Hygiene rules to run, by id, or `nursery` for all of them.
    #[serde(default)]
    pub enable: Vec<Spanned<String>>,
}
