//! Benchmark families fitted to complexity classes: one benchmark run at several input sizes `n`, its
//! instruction counts fitted to `O(1)` .. `O(n^3)` at HEAD (and at the base, with `--base`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::report::Location;

/// The finding kind of every complexity finding; the review ranks a class change above the per-size
/// regressions it explains.
pub const COMPLEXITY_KIND: &str = "bench::complexity";

/// Where a family's claimed class was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ClaimSource {
    /// `expect` in its `[[bench.complexity]]` entry.
    Config,
    /// A `/// Complexity: O(..)` line in the benchmark function's doc comment.
    DocComment,
}

/// One benchmark family and its fits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ComplexityFamily {
    /// The family: the benchmark function's path (`algo::families::sort`), or the config glob when it
    /// spans several functions.
    pub family: String,
    /// The package of its bench target.
    pub package: String,
    /// The benchmark function.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The claimed class (`O(n)`), when one is written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claimed: Option<String>,
    /// Where the claim was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_source: Option<ClaimSource>,
    /// The fit at HEAD.
    pub head: ComplexityFit,
    /// The fit at the base revision, with `--base`, when the family ran there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<ComplexityFit>,
    /// The log-log plot (SVG) of Ir against n, drawn for a family that fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plot: Option<String>,
}

/// One revision's measurements of a family, fitted to every class.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ComplexityFit {
    /// The measurements, smallest size first.
    pub points: Vec<SizePoint>,
    /// The chosen class (`O(n log n)`); absent when the family is too small to judge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// The chosen class's RMS of the residuals over the mean Ir, in percent (Google Benchmark's RMS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rms_pct: Option<f64>,
    /// Every class's fit `Ir(n) = intercept + coefficient * f(n)`, lowest class first; empty when too small.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<ClassFit>,
}

/// One measurement of a family.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SizePoint {
    /// The input size.
    pub n: u64,
    /// Its instruction count.
    pub ir: f64,
}

/// One class fitted to a family.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ClassFit {
    /// The class: `O(1)`, `O(log n)`, `O(n)`, `O(n log n)`, `O(n^2)` or `O(n^3)`.
    pub class: String,
    /// The coefficient of `f(n)` (natural logarithms).
    pub coefficient: f64,
    /// The fixed overhead (0 for `O(1)`, whose level is its coefficient).
    pub intercept: f64,
    /// RMS of the residuals over the mean Ir, in percent.
    pub rms_pct: f64,
}
