//! The report model shared by all three tools, serialized as versioned JSON.
//!
//! `cargo lumen-arch --format json`, `cargo lumen-bench --format json` and `cargo lumen-gate --format json`
//! all write a [`Report`]; `cargo lumen-gate --report FILE` reads them back and merges them. The JSON schema
//! is generated from these types (see [`report_schema`]) and checked in as `report.schema.json`.

pub mod bench;
pub mod complexity;
pub mod figures;
pub mod identity;

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Version of the JSON report format. Bump on any incompatible change.
pub const REPORT_FORMAT_VERSION: u32 = 2;

/// Which tool wrote a report.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Tool {
    /// `cargo lumen-arch`.
    Arch,
    /// `cargo lumen-bench`.
    Bench,
    /// The lints: the source scanner of `cargo lumen-gate` (code-quality gates and performance checklist).
    Lints,
    /// `cargo lumen-gate`: a review merged from the other tools' reports.
    Gate,
}

impl Tool {
    /// The part's name in the review: "architecture rules", "benchmarks", "lints", "review".
    pub fn part_name(self) -> &'static str {
        match self {
            Tool::Arch => "architecture rules",
            Tool::Bench => "benchmarks",
            Tool::Lints => "lints",
            Tool::Gate => "review",
        }
    }
}

/// How serious a finding is. Ordered from most to least serious.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    /// Blocks the change.
    #[serde(alias = "critical")]
    Critical,
    /// Should be fixed; blocks only beyond the configured warning budget.
    #[serde(alias = "warning")]
    Warning,
    /// A suggestion; never blocks.
    #[serde(alias = "info")]
    Info,
}

impl Severity {
    /// The spelling used in the review: `CRITICAL`, `WARNING`, `INFO`.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Critical => "CRITICAL",
            Severity::Warning => "WARNING",
            Severity::Info => "INFO",
        }
    }
}

/// Which part of the review a finding belongs to.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Crate boundaries, layering and coupling (`cargo lumen-arch`).
    Architecture,
    /// The review's "Code Quality Gates".
    CodeQuality,
    /// The review's "Performance Checklist".
    Performance,
    /// A benchmark result (regression or improvement).
    Benchmark,
}

/// Whether a finding is new relative to the base revision.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Baseline {
    /// No base revision was given: every finding counts.
    #[default]
    NoBase,
    /// Introduced since the base revision: it can block.
    New,
    /// Already present at the base revision: reported, never blocks.
    PreExisting,
    /// Accepted by the baseline file (`lumen-gate-baseline.json`): counted, never blocks.
    Accepted,
}

impl Baseline {
    /// True when the finding counts toward the verdict: not pre-existing at the base, not accepted by the
    /// baseline file.
    pub fn counts(self) -> bool {
        matches!(self, Baseline::NoBase | Baseline::New)
    }
}

/// A place in a file. Paths are relative to the workspace root, with `/` separators.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub struct Location {
    /// File path relative to the workspace root (absolute if outside it).
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// Length in bytes of the highlighted text, from `column` on the same line (0: the whole line).
    #[serde(default)]
    pub length: u32,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// The kind of a dependency edge, as declared in a manifest.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum DepKind {
    /// `[dependencies]`.
    Normal,
    /// `[build-dependencies]`.
    Build,
    /// `[dev-dependencies]`: tests, benches and examples only.
    Dev,
}

impl DepKind {
    /// The configuration and display spelling.
    pub fn label(self) -> &'static str {
        match self {
            DepKind::Normal => "normal",
            DepKind::Build => "build",
            DepKind::Dev => "dev",
        }
    }
}

/// One hop of a dependency path: `from` depends on `to`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Hop {
    /// Package that declares the dependency.
    pub from: String,
    /// Package depended on.
    pub to: String,
    /// Dependency kinds under which the edge is declared.
    pub kinds: Vec<DepKind>,
    /// True if the edge is optional (enabled by a feature).
    pub optional: bool,
    /// Features of `from` that enable the edge, when it is optional (those turned on, when the rule judges a
    /// build narrower than all features).
    pub enabled_by: Vec<String>,
    /// When the rule judges a narrower build: how it turns on the first of `enabled_by`, from the features
    /// asked for, each `crate/feature` (a crate alone for its always-on part).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub feature_chain: Vec<String>,
    /// The `cfg(..)` (or target triple) the edge is declared under, when it is platform-specific
    /// (`[target.'cfg(..)'.dependencies]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// The manifest line that declares the edge.
    pub declared_at: Option<Location>,
}

/// A dependency path from one crate to another, hop by hop.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DepPath {
    /// The hops in order; `hops[0].from` is the start, `hops.last().to` the end.
    pub hops: Vec<Hop>,
}

/// One problem found by a rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    /// The id of the rule that produced it (`no-unwrap`, or an architecture rule's configured id).
    pub rule_id: String,
    /// The kind of rule, namespaced by tool: `arch::forbid`, `lints::no-unwrap`, `bench::regression`.
    pub kind: String,
    /// The part of the review it belongs to.
    pub category: Category,
    /// How serious it is.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Why the rule exists (the rule's configured `why`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    /// What to do instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Estimated impact, concrete: an instruction-count change, or the rule's impact note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<String>,
    /// Where: the manifest line of an offending edge, or the source line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The package the finding is in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// For architecture findings: the crates involved, in path order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub crates: Vec<String>,
    /// For architecture findings: every shortest dependency path that explains it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<DepPath>,
    /// For benchmark findings: the name of the benchmark (as in [`BenchmarkResult::name`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub benchmark: Option<String>,
    /// For findings in source code: the code matched, which identifies the finding across unrelated edits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<CodeMatch>,
    /// New relative to the base revision, pre-existing there, or accepted by the baseline file.
    #[serde(default)]
    pub baseline: Baseline,
    /// For findings in source code: where the code runs and how often, as far as the review knows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<Cost>,
    /// Its place in the review's order (1: fix first): by estimated cost, hot paths first. Set by the
    /// review; absent in a single tool's report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<u32>,
}

/// Why source code counts as hot.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum HotBy {
    /// Measured: its fn's share of a benchmark's instructions is over the threshold.
    Measured,
    /// A loop of a declared hot path (`[lints] hot-paths`).
    Declared,
    /// A fn that a hot loop calls, so its body runs once per iteration.
    PerIteration,
}

/// Where a finding's code runs and how often: what the review ranks by.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Cost {
    /// Why it is hot; absent: cold code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hot: Option<HotBy>,
    /// For per-iteration code: the hot fn whose loop runs it; for measured code: the benchmark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// How many loops of its fn enclose it.
    pub loop_depth: u32,
    /// Measured: the fn's inclusive share of the benchmark's instructions (0 to 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    /// Measured: how often the benchmark called the fn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calls: Option<u64>,
    /// In test code (a test, or a helper only tests use).
    #[serde(default)]
    pub test: bool,
}

/// The code a source-level finding matched.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub struct CodeMatch {
    /// The enclosing item's path: `crate::module::Type::fn`.
    pub item: String,
    /// The matched code's tokens, whitespace-normalized (`s . parse () . unwrap ()`).
    pub text: String,
}

impl Finding {
    /// What identifies the same finding across reports, for de-duplication.
    pub fn identity(&self) -> (&str, &str, Option<&Location>, &str) {
        (
            &self.kind,
            &self.rule_id,
            self.location.as_ref(),
            &self.message,
        )
    }
}

/// A metric measured before and after.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MetricChange {
    /// Value at the base revision, if it was measured there.
    pub before: Option<f64>,
    /// Value at HEAD.
    pub after: f64,
    /// Signed change in percent, `(after - before) / before * 100`.
    pub change_pct: Option<f64>,
}

/// What happened to a benchmark between base and HEAD.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum BenchStatus {
    /// Only measured at HEAD (no base, or the benchmark is new).
    New,
    /// Within the thresholds.
    Unchanged,
    /// Fewer instructions than the base.
    Improved,
    /// More instructions than the base, within the limit.
    Slower,
    /// More instructions than the base, beyond the limit: blocks.
    Regressed,
}

/// Criterion's own estimate of a wall-clock change (reported, gated only when configured).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WallClockChange {
    /// Point estimate of the mean change, in percent.
    pub mean_pct: f64,
    /// Lower bound of the confidence interval, in percent.
    pub lower_pct: f64,
    /// Upper bound of the confidence interval, in percent.
    pub upper_pct: f64,
    /// Criterion's noise threshold, in percent.
    pub noise_threshold_pct: f64,
    /// True when the whole interval lies beyond the noise threshold.
    pub significant: bool,
}

/// One benchmark's figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BenchmarkResult {
    /// Full name: `package/bench-target/benchmark-id`.
    pub name: String,
    /// Package that owns the bench target.
    pub package: String,
    /// The bench target (`[[bench]] name`).
    pub target: String,
    /// The runner: `gungraun`, `iai-callgrind` or `criterion`.
    pub runner: String,
    /// The gated metric (instruction count `Ir` for callgrind runners; `time_ns` for criterion).
    pub metric: String,
    /// The gated metric before and after.
    pub primary: MetricChange,
    /// Other metrics (cache hits, estimated cycles...), shown in JSON and `-v`, never gated.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub other_metrics: BTreeMap<String, MetricChange>,
    /// Criterion's estimate, for criterion benchmarks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wall_clock: Option<WallClockChange>,
    /// Verdict on this benchmark.
    pub status: BenchStatus,
    /// Where the instruction-count change went, function by function (a changed benchmark with a base).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<bench::Attribution>,
    /// The flamegraph written for it (SVG; differential with a base), relative to the workspace root when
    /// inside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flamegraph: Option<String>,
    /// The noise floor its change was judged against (instruction-count benchmarks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor: Option<bench::NoiseFloor>,
}

/// An item of the review's "Performance Checklist" (the spec's "apply to every review"), in its order.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ChecklistItem {
    /// No unnecessary allocations in hot paths.
    HotPathAllocations,
    /// No quadratic algorithms on user-controlled input sizes.
    Quadratic,
    /// String operations use interning where applicable.
    StringInterning,
    /// Collections use appropriate types (BTreeSet for ordered, HashMap for lookup).
    CollectionTypes,
    /// Rc cloning is minimized; COW via `make_mut()` where mutation is needed.
    RcCloning,
    /// Error paths don't allocate more than success paths.
    ErrorPathAllocations,
    /// No `format!()` in hot loops -- preallocate strings.
    FormatInLoops,
    /// Const generics used where array sizes are known at compile time.
    ConstGenerics,
}

impl ChecklistItem {
    /// Every item, in the spec's order.
    pub const ALL: [ChecklistItem; 8] = [
        ChecklistItem::HotPathAllocations,
        ChecklistItem::Quadratic,
        ChecklistItem::StringInterning,
        ChecklistItem::CollectionTypes,
        ChecklistItem::RcCloning,
        ChecklistItem::ErrorPathAllocations,
        ChecklistItem::FormatInLoops,
        ChecklistItem::ConstGenerics,
    ];

    /// The item's text, exactly as the spec writes it.
    pub fn text(self) -> &'static str {
        match self {
            ChecklistItem::HotPathAllocations => "No unnecessary allocations in hot paths",
            ChecklistItem::Quadratic => "No quadratic algorithms on user-controlled input sizes",
            ChecklistItem::StringInterning => "String operations use interning where applicable",
            ChecklistItem::CollectionTypes => {
                "Collections use appropriate types (BTreeSet for ordered, HashMap for lookup)"
            }
            ChecklistItem::RcCloning => {
                "Rc cloning is minimized; COW via `make_mut()` where mutation is needed"
            }
            ChecklistItem::ErrorPathAllocations => {
                "Error paths don't allocate more than success paths"
            }
            ChecklistItem::FormatInLoops => "No `format!()` in hot loops -- preallocate strings",
            ChecklistItem::ConstGenerics => {
                "Const generics used where array sizes are known at compile time"
            }
        }
    }
}

/// A rule that was checked, listed so a clean report still says what it covered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RuleChecked {
    /// Rule id.
    pub id: String,
    /// Rule kind (`arch::forbid`, `lints::no-unwrap`...).
    pub kind: String,
    /// One line on what it checks.
    pub description: String,
    /// The Performance Checklist items this rule answers: ticked when it finds nothing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<ChecklistItem>,
}

/// A file or target that could not be checked; the rest of the run went on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Problem {
    /// Where.
    pub location: Option<Location>,
    /// What went wrong.
    pub message: String,
}

/// The base revision a report compares against.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BaseRevision {
    /// As given by the user (`main`, `HEAD~1`...).
    pub rev: String,
    /// The commit it resolved to.
    pub commit: String,
}

/// A deterministic slice of the work (`--partition k/n`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Partition {
    /// 1-based index of this slice.
    pub index: u32,
    /// Number of slices.
    pub count: u32,
}

/// A tool's whole output.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Report {
    /// [`REPORT_FORMAT_VERSION`] at the time of writing.
    pub format_version: u32,
    /// The tool that wrote it.
    pub tool: Tool,
    /// That tool's version.
    pub tool_version: String,
    /// Absolute path of the workspace root.
    pub workspace_root: String,
    /// The base revision, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<BaseRevision>,
    /// The slice of the work this report covers, if partitioned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<Partition>,
    /// Every rule that was checked.
    pub rules_checked: Vec<RuleChecked>,
    /// What the rules found, most serious first.
    pub findings: Vec<Finding>,
    /// Benchmark figures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub benchmarks: Vec<BenchmarkResult>,
    /// Files or targets that could not be checked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
    /// Benchmark families fitted to complexity classes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub complexity: Vec<complexity::ComplexityFamily>,
    /// What the run did that the reader should know and that is not a finding: a base worktree created
    /// again after an interrupted run, a base whose `Cargo.lock` cargo had to update.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Entries the baseline file gained since the base revision (`cargo lumen-gate --base`): each accepts
    /// a finding the change itself brought; they block unless `--accept-baseline-growth` is given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub baseline_growth: Vec<identity::BaselineGrowth>,
    /// The claims of speed or memory changes read from the commit messages (and `--claims`), each with
    /// what the benchmarks measured.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<bench::Claim>,
    /// The workspace functions measured hot by the benchmarks' profiles (see `bench::hot`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub measured_hot: Vec<bench::MeasuredHot>,
}

impl Report {
    /// An empty report for `tool` on the workspace at `workspace_root`.
    pub fn new(tool: Tool, workspace_root: impl Into<String>) -> Report {
        Report {
            format_version: REPORT_FORMAT_VERSION,
            tool,
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
            workspace_root: workspace_root.into(),
            base: None,
            partition: None,
            rules_checked: Vec::new(),
            findings: Vec::new(),
            benchmarks: Vec::new(),
            problems: Vec::new(),
            complexity: Vec::new(),
            notes: Vec::new(),
            baseline_growth: Vec::new(),
            claims: Vec::new(),
            measured_hot: Vec::new(),
        }
    }

    /// Sorts findings: severity, then new before pre-existing, then file and line, then rule.
    pub fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            a.severity
                .cmp(&b.severity)
                .then_with(|| baseline_rank(a.baseline).cmp(&baseline_rank(b.baseline)))
                .then_with(|| explains_rank(a).cmp(&explains_rank(b)))
                .then_with(|| a.location.cmp(&b.location))
                .then_with(|| a.rule_id.cmp(&b.rule_id))
                .then_with(|| a.message.cmp(&b.message))
                .then_with(|| a.kind.cmp(&b.kind))
        });
    }

    /// The findings that count: all but those that already existed at the base or that the baseline
    /// file accepts.
    pub fn counted_findings(&self) -> Vec<&Finding> {
        self.findings
            .iter()
            .filter(|f| f.baseline.counts())
            .collect()
    }

    /// Serializes to pretty JSON.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string_pretty(self)
    }
}

/// A complexity finding explains the per-size regressions of its family: it comes first.
fn explains_rank(f: &Finding) -> u8 {
    u8::from(f.kind != complexity::COMPLEXITY_KIND)
}

fn baseline_rank(b: Baseline) -> u8 {
    match b {
        Baseline::New | Baseline::NoBase => 0,
        Baseline::PreExisting => 1,
        Baseline::Accepted => 2,
    }
}

/// The JSON schema of [`Report`], as checked in at `shared/report.schema.json`.
pub fn report_schema() -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(&schemars::schema_for!(Report))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The checked-in schema must match the types; regenerate with
    /// `LUMEN_GATE_UPDATE_SCHEMA=1 cargo test -p lumen-gate-core report_schema`.
    #[test]
    fn report_schema_is_up_to_date() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/report.schema.json");
        let generated = report_schema().unwrap() + "\n";
        if std::env::var_os("LUMEN_GATE_UPDATE_SCHEMA").is_some() {
            std::fs::write(path, &generated).unwrap();
        }
        let checked_in = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            checked_in == generated,
            "shared/report.schema.json is stale: run LUMEN_GATE_UPDATE_SCHEMA=1 cargo test -p lumen-gate-core report_schema"
        );
    }

    #[test]
    fn severities_order_most_serious_first() {
        assert!(Severity::Critical < Severity::Warning && Severity::Warning < Severity::Info);
    }

    #[test]
    fn report_round_trips_through_json() {
        let mut report = Report::new(Tool::Arch, "/ws");
        report.findings.push(Finding {
            rule_id: "r".into(),
            kind: "arch::forbid".into(),
            category: Category::Architecture,
            severity: Severity::Critical,
            message: "m".into(),
            why: None,
            help: None,
            impact: None,
            location: Some(Location {
                file: "a/Cargo.toml".into(),
                line: 3,
                column: 1,
                length: 0,
            }),
            package: None,
            crates: vec!["a".into(), "b".into()],
            paths: vec![],
            benchmark: None,
            code: None,
            baseline: Baseline::New,
            cost: None,
            rank: None,
        });
        let back: Report = serde_json::from_str(&report.to_json().unwrap()).unwrap();
        assert_eq!(back, report);
    }
}
