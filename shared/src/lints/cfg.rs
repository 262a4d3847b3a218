//! `[lints]` configuration: hot paths, per-rule settings and per-path overrides.
//!
//! ```toml
//! [lints]
//! hot-paths = ["rust/lumen-vm/src/vm/**", "lumen_vm::values::*"]   # file globs or fn-path globs
//!
//! [lints.rules.no-unwrap]
//! severity = "warning"        # critical | warning | info | off
//! exclude = ["src/legacy/**", "my_crate::legacy::*"] # file or fn-path globs where it is off
//! targets = ["lib", "bin"]    # lib (default), bin, test
//!
//! interner = "StringTable"  # the crate's string interner type (for string-interning)
//! max-file-size = 4194304   # bytes; larger source files are not read (an unreadable-file finding)
//! nursery = true             # turn on the rules still being measured (off by default)
//!
//! [[lints.overrides]]
//! paths = ["crates/cli/**"]
//! rules = { clone-justified = "off", format-in-loop = "info" }
//! ```
//!
//! Until version 0.1 these keys lived under `[gate]`; they are still read from there, with a warning.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::config::validate::Level;

/// `[lints]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LintsConfig {
    /// Hot paths: globs of files (relative to the workspace root) or of fn paths (`crate::module::fn`).
    #[serde(default)]
    pub hot_paths: Vec<Spanned<String>>,
    /// Per-rule settings, keyed by rule id.
    #[serde(default)]
    pub rules: BTreeMap<Spanned<String>, RuleSettings>,
    /// Per-path severity overrides.
    #[serde(default)]
    pub overrides: Vec<PathOverride>,
    /// The type that interns strings (`StringTable`): `string-interning` reports only in crates that
    /// define it. Without it, a crate interns when it defines a type named `*Interner` or a method
    /// `intern` / `get_or_intern`.
    #[serde(default)]
    pub interner: Option<Spanned<String>>,
    /// Source files larger than this many bytes are not read, each an `unreadable-file` finding
    /// (default 4 MiB).
    #[serde(default)]
    pub max_file_size: Option<Spanned<i64>>,
    /// Turns on every rule of the nursery (off by default until measured), at its default severity.
    #[serde(default)]
    pub nursery: bool,
}

impl LintsConfig {
    /// True when it sets nothing.
    pub fn is_empty(&self) -> bool {
        self.hot_paths.is_empty()
            && self.rules.is_empty()
            && self.overrides.is_empty()
            && self.interner.is_none()
            && self.max_file_size.is_none()
            && !self.nursery
    }
}

/// `[lints.rules.<id>]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleSettings {
    /// Severity everywhere (hot paths included), or `off`.
    #[serde(default)]
    pub severity: Option<Level>,
    /// Where the rule is off: file globs, or fn-path globs (with `::`, as in hot paths).
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
    /// Which targets the rule scans: `lib` (default), `bin`, `test`.
    #[serde(default)]
    pub targets: Option<Vec<Target>>,
}

/// A kind of target a rule can scan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// Library code (the default).
    Lib,
    /// Binary targets.
    Bin,
    /// Test code: `#[cfg(test)]` items, `#[test]` fns and integration tests.
    Test,
}

/// `[[lints.overrides]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PathOverride {
    /// File globs this override applies to.
    pub paths: Vec<Spanned<String>>,
    /// Rule id to level.
    pub rules: BTreeMap<Spanned<String>, Level>,
}
