//! `[gate]`: the review's own settings (the verdict policy).
//!
//! ```toml
//! [gate]
//! baseline = "lumen-gate-baseline.json"   # the default: accepted findings, written by --write-baseline
//!
//! [gate.review]
//! max-items = 50                  # findings listed one by one in the review; the rest are counted
//!
//! [gate.verdict]
//! warning-budget = 10             # default: warnings never block
//! block-on-architecture = true    # architecture WARNINGs (e.g. new coupling) block
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::gate::verdict::VerdictConfig;
use crate::lints::cfg::{PathOverride, RuleSettings};

/// `[gate.review]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ReviewConfig {
    /// At most this many findings are listed one by one (blocking first); the rest are counted.
    #[serde(default = "default_max_items")]
    pub max_items: usize,
}

impl Default for ReviewConfig {
    fn default() -> Self {
        ReviewConfig {
            max_items: default_max_items(),
        }
    }
}

fn default_max_items() -> usize {
    50
}

/// `[gate]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct GateConfig {
    /// `[gate.verdict]`: when the review requests changes; also decides the exit code of
    /// `cargo lumen-arch` and `cargo lumen-bench`.
    #[serde(default)]
    pub verdict: VerdictConfig,
    /// `[gate.review]`: how the review is written.
    #[serde(default)]
    pub review: ReviewConfig,
    /// The baseline file, relative to the workspace root (default `lumen-gate-baseline.json`).
    #[serde(default)]
    pub baseline: Option<String>,
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
