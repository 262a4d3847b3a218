//! `[bench]` configuration: when an instruction-count change is a regression.
//!
//! ```toml
//! [bench]
//! ir-regression-pct = 1.0        # default 1.0: more than 1% more instructions is a regression
//! ir-regression-abs = 500        # optional: and at least this many more instructions
//! floor-ir = 1000                # benchmarks under this many instructions are reported, never fail
//!
//! [[bench.overrides]]
//! benchmarks = "calc::parse::*"  # glob over benchmark names
//! ir-regression-pct = 5.0
//! ```

use serde::Deserialize;
use toml::Spanned;

/// `[bench]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BenchConfig {
    /// A regression is more than this many percent more instructions.
    #[serde(default = "default_pct")]
    pub ir_regression_pct: f64,
    /// ... and at least this many more instructions (when set).
    #[serde(default)]
    pub ir_regression_abs: Option<u64>,
    /// Benchmarks whose base figure is under this never fail.
    #[serde(default)]
    pub floor_ir: u64,
    /// Per-benchmark limits.
    #[serde(default)]
    pub overrides: Vec<BenchOverride>,
}

impl Default for BenchConfig {
    fn default() -> Self {
        BenchConfig {
            ir_regression_pct: default_pct(),
            ir_regression_abs: None,
            floor_ir: 0,
            overrides: Vec::new(),
        }
    }
}

/// `[[bench.overrides]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BenchOverride {
    /// Glob over benchmark names (`module::path.id`).
    pub benchmarks: Spanned<String>,
    /// Percent limit for these.
    #[serde(default)]
    pub ir_regression_pct: Option<f64>,
    /// Absolute limit for these.
    #[serde(default)]
    pub ir_regression_abs: Option<u64>,
}

fn default_pct() -> f64 {
    1.0
}
