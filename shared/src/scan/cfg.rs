//! `[gate]` configuration: hot paths, per-rule settings, per-path overrides and the verdict policy.
//!
//! ```toml
//! [gate]
//! hot-paths = ["rust/lumen-vm/src/vm/**", "lumen_vm::values::*"]   # file globs or fn-path globs
//!
//! [gate.rules.no-unwrap]
//! severity = "warning"        # critical | warning | info | off
//! exclude = ["src/legacy/**"] # file globs where the rule is off
//! targets = ["lib", "bin"]    # lib (default), bin, test
//!
//! [[gate.overrides]]
//! paths = ["crates/cli/**"]
//! rules = { clone-justified = "off", format-in-loop = "info" }
//!
//! [gate.verdict]
//! warning-budget = 10
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::gate::cfg::VerdictConfig;

/// `[gate]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct GateConfig {
    /// Hot paths: globs of files (relative to the workspace root) or of fn paths (`crate::module::fn`).
    #[serde(default)]
    pub hot_paths: Vec<Spanned<String>>,
    /// Per-rule settings, keyed by rule id.
    #[serde(default)]
    pub rules: BTreeMap<Spanned<String>, RuleSettings>,
    /// Per-path severity overrides.
    #[serde(default)]
    pub overrides: Vec<PathOverride>,
    /// The verdict policy.
    #[serde(default)]
    pub verdict: VerdictConfig,
}

/// `[gate.rules.<id>]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleSettings {
    /// Severity everywhere (hot paths included), or `off`.
    #[serde(default)]
    pub severity: Option<Spanned<String>>,
    /// File globs where the rule is off.
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
    /// Which targets the rule scans: `lib` (default), `bin`, `test`.
    #[serde(default)]
    pub targets: Option<Vec<Target>>,
}

/// A kind of target a rule can scan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// Library code (the default).
    Lib,
    /// Binary targets.
    Bin,
    /// Test code: `#[cfg(test)]` items, `#[test]` fns and integration tests.
    Test,
}

/// `[[gate.overrides]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PathOverride {
    /// File globs this override applies to.
    pub paths: Vec<Spanned<String>>,
    /// Rule id to severity (or `off`).
    pub rules: BTreeMap<Spanned<String>, Spanned<String>>,
}
