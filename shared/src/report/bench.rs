//! The benchmark parts of the report beyond the figures: where an instruction-count change went, function by
//! function (read from the callgrind profiles of base and HEAD).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::report::Location;

/// An instruction count at the base and at HEAD.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct IrPair {
    /// At the base (0 when the function did not run there).
    pub before: u64,
    /// At HEAD (0 when the function no longer runs).
    pub after: u64,
}

impl IrPair {
    /// `after - before`, signed.
    pub fn delta(&self) -> i128 {
        i128::from(self.after) - i128::from(self.before)
    }
}

/// Whether a function ran at the base, at HEAD, or both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Presence {
    /// In both profiles.
    Both,
    /// Only at HEAD: a function that appeared.
    Appeared,
    /// Only at the base: a function that vanished.
    Vanished,
}

/// How one function's instruction counts changed between base and HEAD.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FunctionChange {
    /// The demangled name (`calc::parse::number`).
    pub function: String,
    /// Where it is: relative to the workspace root for the workspace's code, absolute for the rest; `None`
    /// without line information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// In both profiles, or appeared, or vanished.
    pub presence: Presence,
    /// Self cost: the instructions executed in the function itself.
    pub exclusive: IrPair,
    /// Self cost plus the cost of everything it calls.
    pub inclusive: IrPair,
}

/// The workspace function that accounts for most of a benchmark's change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Culprit {
    /// The demangled name.
    pub function: String,
    /// Its code in the workspace (for code inlined into another function, where that code is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// Its own work: its self cost plus that of the non-workspace code (std, dependencies) it calls without
    /// going through another workspace function.
    pub own: IrPair,
    /// Its own work's change as a percentage of the benchmark's whole change.
    pub share_pct: f64,
}

/// Where a benchmark's instruction-count change went.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Attribution {
    /// The workspace function carrying most of the change, when one changed the same way as the total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub culprit: Option<Culprit>,
    /// The functions whose counts changed most (self cost first, then inclusive), largest first, at most
    /// `[bench] top-functions` of them.
    pub functions: Vec<FunctionChange>,
    /// False when the benchmark's own code has no line information: functions are then named without file
    /// and line, and workspace code is told by its crate names.
    pub line_info: bool,
    /// What limits the attribution, when something does (no line information, no single culprit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The impact of a change carried by one function: `+49,900 Ir in `probe::triangle` (src/lib.rs:1), 99.8%
/// of the change`.
pub fn impact(c: &Culprit) -> String {
    let delta = c.own.delta();
    let sign = if delta < 0 { "-" } else { "+" };
    let place = c
        .location
        .as_ref()
        .map(|l| format!(" ({l})"))
        .unwrap_or_default();
    format!(
        "{sign}{} Ir in `{}`{place}, {:.1}% of the change",
        crate::report::figures::count(delta.unsigned_abs() as f64),
        c.function,
        c.share_pct
    )
}

/// The noise floor of a benchmark: how far its count moves with no change of code (start-up in another
/// directory, hash seeds, addresses). A change within it is no change: the benchmark is unchanged, with
/// no finding and no attribution, whichever way it went.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NoiseFloor {
    /// The floor in percent of the base's count (0: the count repeats exactly).
    pub pct: f64,
    /// Where the floor comes from.
    pub source: FloorSource,
    /// The counts it was measured from, run by run (for a measured floor).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub runs: Vec<f64>,
}

/// Where a noise floor comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FloorSource {
    /// `noise` in `[bench]` or `[[bench.overrides]]`.
    Config,
    /// Twice the spread of two runs of the same code (a command benchmark's base in two directories, or
    /// HEAD twice with `--check-determinism`).
    Measured,
    /// One run of each revision and no `noise` configured: the count is taken as exact (0%).
    Exact,
}

/// A claim of a speed or memory change (a sentence of a commit message or of `--claims FILE`), and what
/// the benchmarks measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Claim {
    /// The sentence, as written.
    pub text: String,
    /// The commit whose message says it (its full id), or `None` for the `--claims` file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The `--claims` file, for a claim read from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// What it claims: `speed` or `memory`.
    pub kind: ClaimKind,
    /// What the numbers say.
    pub verdict: ClaimVerdict,
    /// The benchmarks it was checked against, with their change (`fib_30 -3.10%`); those it names when it
    /// names some, else every benchmark measured against the base.
    pub benchmarks: Vec<String>,
}

/// What a claim is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ClaimKind {
    /// Faster, fewer instructions, a better complexity class.
    Speed,
    /// Fewer allocations, less memory.
    Memory,
}

/// What the benchmarks say about a claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ClaimVerdict {
    /// A benchmark it is about improved beyond its noise floor.
    Supported,
    /// No benchmark moved beyond its noise floor, or none ran against a base: a claim without numbers.
    Unmeasured,
    /// The benchmarks it is about got slower beyond their noise floor, none faster.
    Contradicted,
}

/// A function measured hot: a workspace function whose inclusive share of a benchmark's instructions is
/// at least `[bench] hot-share` (default 1%), read from the benchmark's callgrind profile. The lints treat
/// it as a declared hot path, with the share (and call count) as the evidence of their findings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MeasuredHot {
    /// The demangled path, without Rust's hash: `lumen_vm::Vm::dispatch`.
    pub function: String,
    /// Its file, relative to the workspace root (`None` without line information).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Its first line with cost in that file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// The benchmark it is hot in.
    pub benchmark: String,
    /// Its inclusive share of the benchmark's instructions, 0 to 1 (itself and everything it calls).
    pub share: f64,
    /// How often it was called in the benchmark (calls from other functions; recursion not counted).
    pub calls: u64,
    /// The chain of callers that made it hot, outermost first: at each step the workspace caller
    /// spending the most in it (for `--explain`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub callers: Vec<String>,
}
