//! `[gate]`: the review's own settings (the verdict policy).
//!
//! ```toml
//! [gate.verdict]
//! warning-budget = 10             # default: warnings never block
//! block-on-architecture = true    # architecture WARNINGs (e.g. new coupling) block
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::gate::verdict::VerdictConfig;
use crate::lints::cfg::{PathOverride, RuleSettings};

/// `[gate]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct GateConfig {
    /// `[gate.verdict]`: when the review requests changes; also decides the exit code of
    /// `cargo lumen-arch` and `cargo lumen-bench`.
    #[serde(default)]
    pub verdict: VerdictConfig,
    /// Deprecated spelling of `[lints] hot-paths` (moved there when the configuration is loaded).
    #[serde(default)]
    pub hot_paths: Option<Spanned<Vec<Spanned<String>>>>,
    /// Deprecated spelling of `[lints.rules]`.
    #[serde(default)]
    pub rules: Option<Spanned<BTreeMap<Spanned<String>, RuleSettings>>>,
    /// Deprecated spelling of `[[lints.overrides]]`.
    #[serde(default)]
    pub overrides: Option<Spanned<Vec<PathOverride>>>,
}
