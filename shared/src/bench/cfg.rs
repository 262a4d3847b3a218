//! `[bench]` configuration: when an instruction-count change is a regression.
//!
//! ```toml
//! [bench]
//! ir-regression-pct = 1.0        # default 1.0: more than 1% more instructions is a regression
//! ir-regression-abs = 500        # optional: and at least this many more instructions
//! floor-ir = 1000                # benchmarks under this many instructions are reported, never fail
//! noise = "0.2%"                 # optional: changes within 0.2% are noise (default: measured, see below)
//! hot-share = "1%"               # default 1%: a workspace function with this inclusive share of a
//!                                # benchmark's instructions is a measured hot path
//! timeout-secs = 1800            # default 1800: a bench target's build and run together, per revision
//! top-functions = 10             # default 10: functions listed per changed benchmark (JSON, -v, review)
//!
//! [bench.criterion]              # wall-clock benchmarks, with --criterion
//! severity = "info"              # default info: a significant slowdown is reported, never blocks
//! noise-threshold-pct = 1.0      # default 1.0 (criterion's own): changes inside +-1% are noise
//!
//! [[bench.overrides]]
//! benchmarks = "calc::parse::*"  # glob over benchmark names
//! ir-regression-pct = 5.0
//! noise = "0.5%"                 # this family's noise floor
//!
//! [[bench.complexity]]           # a benchmark family: see `bench::complexity::cfg`
//! benchmarks = "sort::bench_sort.*"
//! expect = "n log n"
//!
//! [[bench.command]]              # a program run under callgrind at base and HEAD
//! name = "fib"                   # the benchmark's name
//! build = ["--release", "-p", "lumen-cli", "--bin", "lumen"]   # `cargo build` arguments
//! run = ["{bin:lumen}", "run", "bench/fib.lm"]  # {bin:NAME}: the binary NAME built at that revision
//! stdin = "bench/input.txt"      # optional, relative to the revision's root
//! # sizes = [1000, 10000, 100000, 1000000]  # optional: one run per size, `{n}` in run/stdin is the size
//! ```

use serde::Deserialize;
use toml::Spanned;

use crate::report::Severity;

/// `[bench]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BenchConfig {
    /// A regression is more than this many percent more instructions.
    #[serde(default = "default_pct")]
    pub ir_regression_pct: Spanned<f64>,
    /// ... and at least this many more instructions (when set).
    #[serde(default)]
    pub ir_regression_abs: Option<u64>,
    /// Benchmarks whose base figure is under this never fail.
    #[serde(default)]
    pub floor_ir: u64,
    /// The noise floor (`"0.2%"`): a change within it is no change. Without it, the floor is measured
    /// where two runs of the same code exist (see `bench::noise`).
    #[serde(default)]
    pub noise: Option<Spanned<String>>,
    /// A workspace function with at least this inclusive share of a benchmark's instructions (`"1%"`) is
    /// a measured hot path (`bench::hot`).
    #[serde(default)]
    pub hot_share: Option<Spanned<String>>,
    /// Per-benchmark limits.
    #[serde(default)]
    pub overrides: Vec<BenchOverride>,
    /// A bench target's build and run, per revision, is stopped after this many seconds.
    #[serde(default = "default_timeout")]
    pub timeout_secs: Spanned<u64>,
    /// How many functions the attribution of a changed benchmark lists.
    #[serde(default = "default_top_functions")]
    pub top_functions: usize,
    /// Criterion (wall-clock) benchmarks.
    #[serde(default)]
    pub criterion: CriterionConfig,
    /// Benchmark families whose growth is fitted.
    #[serde(default)]
    pub complexity: Vec<crate::bench::complexity::cfg::FamilyConfig>,
    /// Command benchmarks: programs of the workspace run under callgrind.
    #[serde(default)]
    pub command: Vec<CommandConfig>,
}

/// `[[bench.command]]`: a program whose instruction count is measured under callgrind, at the base and at
/// HEAD, each revision running its own build.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CommandConfig {
    /// The benchmark's name.
    pub name: Spanned<String>,
    /// `cargo build` arguments, run at the root of each revision.
    #[serde(default)]
    pub build: Vec<String>,
    /// The command line; `{bin:NAME}` is the binary `NAME` of that revision's build.
    pub run: Spanned<Vec<Spanned<String>>>,
    /// A file fed to the command's standard input, relative to the revision's root.
    #[serde(default)]
    pub stdin: Option<Spanned<String>>,
    /// Input sizes: the command runs once per size, `{n}` in `run` and `stdin` replaced by it, each run a
    /// benchmark `<name>.<n>` and together a complexity family.
    #[serde(default)]
    pub sizes: Option<Spanned<Vec<u64>>>,
}

/// `[bench.criterion]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CriterionConfig {
    /// Severity of a significant slowdown (wall clock is noisy: INFO by default).
    #[serde(default = "default_criterion_severity")]
    pub severity: Severity,
    /// Changes whose whole confidence interval is not beyond this many percent are noise.
    #[serde(default = "default_noise_pct")]
    pub noise_threshold_pct: Spanned<f64>,
}

impl Default for CriterionConfig {
    fn default() -> Self {
        CriterionConfig {
            severity: default_criterion_severity(),
            noise_threshold_pct: default_noise_pct(),
        }
    }
}

impl Default for BenchConfig {
    fn default() -> Self {
        BenchConfig {
            ir_regression_pct: default_pct(),
            ir_regression_abs: None,
            floor_ir: 0,
            noise: None,
            hot_share: None,
            overrides: Vec::new(),
            timeout_secs: default_timeout(),
            top_functions: default_top_functions(),
            criterion: CriterionConfig::default(),
            complexity: Vec::new(),
            command: Vec::new(),
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
    pub ir_regression_pct: Option<Spanned<f64>>,
    /// Absolute limit for these.
    #[serde(default)]
    pub ir_regression_abs: Option<u64>,
    /// The noise floor of these (`"0.5%"`).
    #[serde(default)]
    pub noise: Option<Spanned<String>>,
}

fn default_pct() -> Spanned<f64> {
    Spanned::new(0..0, 1.0)
}

fn default_timeout() -> Spanned<u64> {
    Spanned::new(0..0, 1800)
}

fn default_top_functions() -> usize {
    10
}

fn default_criterion_severity() -> Severity {
    Severity::Info
}

fn default_noise_pct() -> Spanned<f64> {
    Spanned::new(0..0, 1.0)
}
