//! Merging the tools' reports and deciding the verdict.

use std::collections::BTreeSet;

use miette::Diagnostic;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::gate::cfg::VerdictConfig;
use crate::gate::checklist::{self, ChecklistLine};
use crate::report::{
    BaseRevision, Baseline, BenchStatus, BenchmarkResult, Category, Finding, REPORT_FORMAT_VERSION,
    Report, Severity, Tool,
};

/// Reports that cannot be merged.
#[derive(Debug, Error, Diagnostic)]
pub enum MergeError {
    /// A report was written by an incompatible version of the tools.
    #[error("{file}: report format version {found}, this tool reads version {expected}")]
    #[diagnostic(
        code(lumen_gate::report_version),
        help("write the report again with the same lumen-gate version as `cargo lumen-gate`")
    )]
    Version {
        /// The report file.
        file: String,
        /// The version in it.
        found: u32,
        /// The version this build reads.
        expected: u32,
    },
    /// Two reports compare against different base commits.
    #[error("reports compare against different base commits: {first} and {second}")]
    #[diagnostic(
        code(lumen_gate::report_base_mismatch),
        help("run every step with the same --base")
    )]
    BaseMismatch {
        /// One base.
        first: String,
        /// The other.
        second: String,
    },
}

/// The review's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Verdict {
    /// Nothing blocks.
    Approved,
    /// Something blocks: see the items to fix.
    ChangesRequested,
}

impl Verdict {
    /// `APPROVED` or `CHANGES REQUESTED`.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Approved => "APPROVED",
            Verdict::ChangesRequested => "CHANGES REQUESTED",
        }
    }

    /// The exit code for CI: 0 approved, 1 changes requested.
    pub fn exit_code(self) -> i32 {
        match self {
            Verdict::Approved => crate::exit_codes::SUCCESS,
            Verdict::ChangesRequested => crate::exit_codes::CHECK_FAILED,
        }
    }
}

/// The finished review, ready to render.
#[derive(Clone, Debug)]
pub struct Review {
    /// The merged report the review was made from.
    pub report: Report,
    /// Findings that count (new, or all without a base), ranked.
    pub issues: Vec<Finding>,
    /// Findings that already existed at the base: listed, never blocking.
    pub pre_existing: Vec<Finding>,
    /// Which of `issues` block, by index.
    pub blocking: BTreeSet<usize>,
    /// The "Architecture Compliance" checklist.
    pub architecture: Vec<ChecklistLine>,
    /// The "Performance Checklist".
    pub performance: Vec<ChecklistLine>,
    /// The verdict.
    pub verdict: Verdict,
    /// The specific items to fix, one line each.
    pub to_fix: Vec<String>,
    /// Which tools contributed.
    pub tools: BTreeSet<ToolName>,
}

/// A tool's name, ordered for display.
pub type ToolName = &'static str;

fn tool_name(tool: Tool) -> ToolName {
    match tool {
        Tool::Arch => "architecture rules",
        Tool::Bench => "benchmarks",
        Tool::Gate => "source gates",
    }
}

/// Merges reports into one gate report: findings de-duplicated, benchmarks by name, rules by id.
///
/// `sources` names each report (a file, or the step that made it) for error messages.
pub fn merge(reports: Vec<(String, Report)>) -> Result<(Report, BTreeSet<ToolName>), MergeError> {
    let mut merged = Report::new(Tool::Gate, String::new());
    let mut tools = BTreeSet::new();
    let mut seen_findings = BTreeSet::new();
    let mut seen_benchmarks = BTreeSet::new();
    let mut seen_rules = BTreeSet::new();
    for (source, report) in reports {
        if report.format_version != REPORT_FORMAT_VERSION {
            return Err(MergeError::Version {
                file: source,
                found: report.format_version,
                expected: REPORT_FORMAT_VERSION,
            });
        }
        merge_base(&mut merged.base, report.base)?;
        if merged.workspace_root.is_empty() {
            merged.workspace_root = report.workspace_root;
        }
        tools.insert(tool_name(report.tool));
        for finding in report.findings {
            if seen_findings.insert(finding.dedup_key()) {
                merged.findings.push(finding);
            }
        }
        for bench in report.benchmarks {
            // cloned: the set keeps the name while the result moves into the report
            if seen_benchmarks.insert(bench.name.clone()) {
                merged.benchmarks.push(bench);
            }
        }
        for rule in report.rules_checked {
            // cloned: as above
            if seen_rules.insert((rule.kind.clone(), rule.id.clone())) {
                merged.rules_checked.push(rule);
            }
        }
        merged.problems.extend(report.problems);
    }
    merged.sort();
    merged.benchmarks.sort_by(|a, b| a.name.cmp(&b.name));
    Ok((merged, tools))
}

fn merge_base(
    into: &mut Option<BaseRevision>,
    base: Option<BaseRevision>,
) -> Result<(), MergeError> {
    match (into.as_ref(), base) {
        (Some(a), Some(b)) if a.commit != b.commit => Err(MergeError::BaseMismatch {
            first: format!("{} ({})", a.rev, a.commit),
            second: format!("{} ({})", b.rev, b.commit),
        }),
        (None, Some(b)) => {
            *into = Some(b);
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Whether `finding` blocks under `policy` (before the warning budget).
pub fn blocks(finding: &Finding, policy: &VerdictConfig) -> bool {
    if finding.baseline == Baseline::PreExisting {
        return false;
    }
    match (finding.category, finding.severity) {
        (_, Severity::Info) => false,
        (Category::Benchmark, _) => policy.block_on_regression,
        (Category::Architecture, Severity::Warning) => policy.block_on_architecture,
        (_, Severity::Critical) => policy.block_on_critical,
        (_, Severity::Warning) => false,
    }
}

/// Ranks findings: severity, then impact (benchmark regressions by size, architecture, code quality,
/// performance checklist), then place.
pub fn rank(findings: &mut [Finding], benchmarks: &[BenchmarkResult]) {
    let regression_size = |f: &Finding| -> i64 {
        benchmarks
            .iter()
            .find(|b| f.crates.first() == Some(&b.name) || f.message.contains(&b.name))
            .and_then(|b| b.primary.change_pct)
            .map(|pct| -(pct * 1000.0) as i64)
            .unwrap_or(0)
    };
    findings.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then_with(|| category_rank(a.category).cmp(&category_rank(b.category)))
            .then_with(|| regression_size(a).cmp(&regression_size(b)))
            .then_with(|| a.location.cmp(&b.location))
            .then_with(|| a.rule_id.cmp(&b.rule_id))
            .then_with(|| a.message.cmp(&b.message))
    });
}

fn category_rank(c: Category) -> u8 {
    match c {
        Category::Benchmark => 0,
        Category::Architecture => 1,
        Category::CodeQuality => 2,
        Category::Performance => 3,
    }
}

/// Makes the review: splits new from pre-existing findings, ranks them, fills the checklists, applies the
/// verdict policy.
pub fn decide(report: Report, tools: BTreeSet<ToolName>, policy: &VerdictConfig) -> Review {
    let (mut issues, mut pre_existing): (Vec<Finding>, Vec<Finding>) = report
        .findings
        .iter()
        .cloned() // cloned: the review keeps the merged report whole beside its ranked lists
        .partition(|f| f.baseline != Baseline::PreExisting);
    rank(&mut issues, &report.benchmarks);
    rank(&mut pre_existing, &report.benchmarks);

    let mut blocking: BTreeSet<usize> = issues
        .iter()
        .enumerate()
        .filter(|(_, f)| blocks(f, policy))
        .map(|(i, _)| i)
        .collect();
    let mut to_fix: Vec<String> = blocking.iter().map(|&i| fix_item(&issues[i])).collect();

    if let Some(budget) = policy.warning_budget {
        let warnings: Vec<usize> = issues
            .iter()
            .enumerate()
            .filter(|(i, f)| f.severity == Severity::Warning && !blocking.contains(i))
            .map(|(i, _)| i)
            .collect();
        if warnings.len() as u64 > u64::from(budget) {
            to_fix.push(format!(
                "{} new warnings exceed the budget of {budget}: fix at least {}",
                warnings.len(),
                warnings.len() as u64 - u64::from(budget)
            ));
            blocking.extend(warnings);
        }
    }

    // A benchmark marked regressed without a finding still blocks.
    if policy.block_on_regression {
        for bench in report
            .benchmarks
            .iter()
            .filter(|b| b.status == BenchStatus::Regressed)
        {
            if !issues
                .iter()
                .any(|f| f.category == Category::Benchmark && f.message.contains(&bench.name))
            {
                to_fix.push(format!(
                    "benchmark {} regressed: {}",
                    bench.name,
                    crate::gate::format::change(&bench.metric, &bench.primary)
                ));
            }
        }
    }

    let verdict = if to_fix.is_empty() {
        Verdict::Approved
    } else {
        Verdict::ChangesRequested
    };
    let architecture =
        checklist::architecture(&report, &issues, tools.contains("architecture rules"));
    let performance = checklist::performance(&report, &issues, tools.contains("source gates"));
    Review {
        report,
        issues,
        pre_existing,
        blocking,
        architecture,
        performance,
        verdict,
        to_fix,
        tools,
    }
}

fn fix_item(f: &Finding) -> String {
    let place = f
        .location
        .as_ref()
        .map(|l| format!(" ({l})"))
        .unwrap_or_default();
    match &f.help {
        Some(help) => format!("{}{place}: {help}", f.message),
        None => format!("{}{place}", f.message),
    }
}
