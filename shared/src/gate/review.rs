//! Merging the tools' reports into one review, ranking its findings, and deciding its verdict.

use std::collections::BTreeSet;

use crate::errors::{ReportError, Result};
use crate::gate::baseline::Applied;
use crate::gate::cfg::GateConfig;
use crate::gate::checklist::{self, ChecklistLine};
use crate::gate::verdict::{self, Verdict};
use crate::report::{
    BaseRevision, Baseline, BenchmarkResult, Category, Finding, REPORT_FORMAT_VERSION, Report,
    Severity, Tool,
};

/// The finished review, ready to render.
#[derive(Clone, Debug)]
pub struct Review {
    /// The merged report the review was made from.
    pub report: Report,
    /// Findings that count (new, or all without a base), ranked.
    pub issues: Vec<Finding>,
    /// Findings that already existed at the base: counted, never blocking.
    pub pre_existing: Vec<Finding>,
    /// Findings the baseline file accepts: counted, never blocking.
    pub accepted: Vec<Finding>,
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
    pub tools: BTreeSet<Tool>,
    /// At most this many findings are listed one by one (`[gate.review] max-items`).
    pub max_items: usize,
    /// What the baseline file did, when there is one.
    pub baseline: Option<Applied>,
    /// The baseline's growth since the base (`report.baseline_growth`) was accepted with
    /// `--accept-baseline-growth`.
    pub growth_accepted: bool,
}

/// Merges reports into one: findings de-duplicated, benchmarks by name, rules by kind and id.
///
/// Each report comes with a name (its file, or the part that made it) for error messages.
pub fn merge(reports: Vec<(String, Report)>) -> Result<(Report, BTreeSet<Tool>)> {
    let mut merged = Report::new(Tool::Gate, String::new());
    let mut tools = BTreeSet::new();
    for (name, report) in reports {
        if report.format_version != REPORT_FORMAT_VERSION {
            return Err(ReportError::Version {
                file: name,
                found: report.format_version,
                expected: REPORT_FORMAT_VERSION,
            }
            .into());
        }
        merge_base(&mut merged.base, report.base)?;
        if merged.workspace_root.is_empty() {
            merged.workspace_root = report.workspace_root;
        }
        tools.insert(report.tool);
        merged.findings.extend(report.findings);
        merged.benchmarks.extend(report.benchmarks);
        merged.rules_checked.extend(report.rules_checked);
        merged.problems.extend(report.problems);
        merged.complexity.extend(report.complexity);
        merged.notes.extend(report.notes);
        merged.claims.extend(report.claims);
        merged.measured_hot.extend(report.measured_hot);
    }
    // Several parts may say the same thing (the base's lockfile, seen by arch and bench): once each.
    let mut seen_notes = BTreeSet::new();
    merged.notes.retain(|n| seen_notes.insert(n.to_owned()));
    merged.sort();
    merged
        .findings
        .dedup_by(|a, b| a.identity() == b.identity());
    merged.benchmarks.sort_by(|a, b| a.name.cmp(&b.name));
    merged.benchmarks.dedup_by(|a, b| a.name == b.name);
    merged.complexity.sort_by(|a, b| a.family.cmp(&b.family));
    merged.complexity.dedup_by(|a, b| a.family == b.family);
    merged
        .rules_checked
        .sort_by(|a, b| (&a.kind, &a.id).cmp(&(&b.kind, &b.id)));
    merged
        .rules_checked
        .dedup_by(|a, b| (&a.kind, &a.id) == (&b.kind, &b.id));
    Ok((merged, tools))
}

fn merge_base(into: &mut Option<BaseRevision>, base: Option<BaseRevision>) -> Result<()> {
    match (into.as_ref(), base) {
        (Some(a), Some(b)) if a.commit != b.commit => Err(ReportError::BaseMismatch {
            first: format!("{} ({})", a.rev, a.commit),
            second: format!("{} ({})", b.rev, b.commit),
        }
        .into()),
        (None, Some(b)) => {
            *into = Some(b);
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Ranks findings by what they cost, so that the first screen of the review is what to fix first:
/// benchmark regressions (measured), then code in hot paths (by measured share, then how it is hot, then
/// loop depth), then the other blocking findings (architecture, the code-quality gates, unexplained
/// clones last), then warnings, then notes; test code last. Each finding's `rank` is its place.
pub fn rank(findings: &mut [Finding], benchmarks: &[BenchmarkResult]) {
    let regression_size = |f: &Finding| -> i64 {
        // A complexity finding explains its family's per-size regressions: it ranks above them.
        if f.kind == crate::report::complexity::COMPLEXITY_KIND {
            return i64::MIN;
        }
        f.benchmark
            .as_deref()
            .and_then(|name| benchmarks.iter().find(|b| b.name == name))
            .and_then(|b| b.primary.change_pct)
            .map(|pct| -(pct * 1000.0) as i64)
            .unwrap_or(0)
    };
    let hot = |f: &Finding| f.cost.as_ref().and_then(|c| c.hot);
    let tier = |f: &Finding| -> u8 {
        let test = f.cost.as_ref().is_some_and(|c| c.test);
        match () {
            _ if test => 5,
            _ if f.category == Category::Benchmark && f.severity == Severity::Critical => 0,
            _ if hot(f).is_some() && f.category == Category::Performance => 1,
            _ if f.severity == Severity::Critical => 2,
            _ if f.severity == Severity::Warning => 3,
            _ => 4,
        }
    };
    // Within a tier: the larger measured share first, then measured over declared over called.
    let share = |f: &Finding| -> i64 {
        let s = f.cost.as_ref().and_then(|c| c.share).unwrap_or(0.0);
        -(s * 1_000_000.0) as i64
    };
    let depth = |f: &Finding| -> i64 { -i64::from(f.cost.as_ref().map_or(0, |c| c.loop_depth)) };
    // An unexplained clone in cold code costs least of the blocking findings.
    let cheap = |f: &Finding| f.rule_id == "clone-justified";
    findings.sort_by(|a, b| {
        tier(a)
            .cmp(&tier(b))
            .then_with(|| share(a).cmp(&share(b)))
            .then_with(|| hot(a).cmp(&hot(b)))
            .then_with(|| depth(a).cmp(&depth(b)))
            .then_with(|| a.severity.cmp(&b.severity))
            .then_with(|| category_rank(a.category).cmp(&category_rank(b.category)))
            .then_with(|| cheap(a).cmp(&cheap(b)))
            .then_with(|| regression_size(a).cmp(&regression_size(b)))
            .then_with(|| a.location.cmp(&b.location))
            .then_with(|| a.rule_id.cmp(&b.rule_id))
            .then_with(|| a.message.cmp(&b.message))
    });
    for (i, f) in findings.iter_mut().enumerate() {
        f.rank = Some(i as u32 + 1);
    }
}

fn category_rank(c: Category) -> u8 {
    match c {
        Category::Benchmark => 0,
        Category::Architecture => 1,
        Category::CodeQuality => 2,
        Category::Performance => 3,
    }
}

/// Makes the review: splits the findings that count from pre-existing and accepted ones, ranks them, fills
/// the checklists, and decides the verdict with [`verdict::decide`].
pub fn decide(mut report: Report, tools: BTreeSet<Tool>, cfg: &GateConfig) -> Review {
    // The order (and each finding's `rank`) is over every finding, so JSON and SARIF carry it too.
    let mut findings = std::mem::take(&mut report.findings);
    rank(&mut findings, &report.benchmarks);
    report.findings = findings;
    let (mut issues, mut pre_existing, mut accepted) = (Vec::new(), Vec::new(), Vec::new());
    // cloned: the review keeps the merged report whole (for JSON and SARIF) beside its ranked lists
    for f in report.findings.iter().cloned() {
        match f.baseline {
            Baseline::NoBase | Baseline::New => issues.push(f),
            Baseline::PreExisting => pre_existing.push(f),
            Baseline::Accepted => accepted.push(f),
        }
    }
    let decision = verdict::decide(&issues, &report.benchmarks, &cfg.verdict);
    let architecture = checklist::architecture(&report, &issues, tools.contains(&Tool::Arch));
    let performance = checklist::performance(&report, &issues);
    Review {
        report,
        issues,
        pre_existing,
        accepted,
        blocking: decision.blocking,
        architecture,
        performance,
        verdict: decision.verdict,
        to_fix: decision.to_fix,
        tools,
        max_items: cfg.review.max_items,
        baseline: None,
        growth_accepted: false,
    }
}

impl Review {
    /// The baseline file grew since the base (`report.baseline_growth`): unless `accepted`
    /// (`--accept-baseline-growth`, for the commit that adopts the tool), that blocks, since each added
    /// entry accepts a finding the change itself brought.
    pub fn judge_baseline_growth(&mut self, accepted: bool) {
        let grown = self.report.baseline_growth.len();
        self.growth_accepted = accepted;
        if grown == 0 || accepted {
            return;
        }
        self.verdict = Verdict::ChangesRequested;
        self.to_fix.push(format!(
            "the baseline file gained {grown} {} since the base (listed under Baseline Growth): fix the findings instead, or pass --accept-baseline-growth if this change adopts lumen-gate",
            if grown == 1 { "entry" } else { "entries" }
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errors::Error;
    use crate::report::{Location, RuleChecked, Severity};

    fn finding(rule: &str, line: u32, severity: Severity) -> Finding {
        Finding {
            rule_id: rule.into(),
            kind: format!("lints::{rule}"),
            category: Category::CodeQuality,
            severity,
            message: format!("{rule} at {line}"),
            why: None,
            help: None,
            impact: None,
            location: Some(Location {
                file: "src/lib.rs".into(),
                line,
                column: 1,
                length: 0,
            }),
            package: None,
            crates: vec![],
            paths: vec![],
            benchmark: None,
            code: None,
            baseline: Baseline::NoBase,
            cost: None,
            rank: None,
        }
    }

    fn report(tool: Tool, findings: Vec<Finding>) -> Report {
        let mut r = Report::new(tool, "/ws");
        r.findings = findings;
        r.rules_checked.push(RuleChecked {
            id: "no-unwrap".into(),
            kind: "lints::no-unwrap".into(),
            description: "d".into(),
            checks: vec![],
        });
        r
    }

    #[test]
    fn the_review_ranks_by_cost_hot_paths_first_and_unexplained_clones_last_of_what_blocks() {
        use crate::report::{Cost, HotBy};
        let with_cost = |mut f: Finding, hot: Option<HotBy>, depth: u32, test: bool| {
            f.category = if hot.is_some() {
                Category::Performance
            } else {
                f.category
            };
            f.cost = Some(Cost {
                hot,
                loop_depth: depth,
                test,
                ..Cost::default()
            });
            f
        };
        let mut findings = vec![
            finding("clone-justified", 1, Severity::Critical),
            with_cost(finding("no-unwrap", 2, Severity::Critical), None, 0, true),
            finding("no-unwrap", 3, Severity::Critical),
            finding("format-in-loop", 4, Severity::Warning),
            with_cost(
                finding("hash-in-hot-loop", 90, Severity::Critical),
                Some(HotBy::PerIteration),
                0,
                false,
            ),
            with_cost(
                finding("clone-in-hot-loop", 80, Severity::Critical),
                Some(HotBy::Declared),
                2,
                false,
            ),
        ];
        rank(&mut findings, &[]);
        let order: Vec<(&str, u32)> = findings
            .iter()
            .map(|f| {
                (
                    f.rule_id.as_str(),
                    f.location.as_ref().map_or(0, |l| l.line),
                )
            })
            .collect();
        assert_eq!(
            order,
            [
                ("clone-in-hot-loop", 80),
                ("hash-in-hot-loop", 90),
                ("no-unwrap", 3),
                ("clone-justified", 1),
                ("format-in-loop", 4),
                ("no-unwrap", 2),
            ]
        );
        let ranks: Vec<Option<u32>> = findings.iter().map(|f| f.rank).collect();
        assert_eq!(ranks, (1..=6).map(Some).collect::<Vec<_>>());
    }

    #[test]
    fn merging_the_same_report_twice_counts_each_finding_and_rule_once() {
        let a = report(
            Tool::Lints,
            vec![finding("no-unwrap", 3, Severity::Critical)],
        );
        let b = a.clone(); // cloned: the same report given twice
        let (merged, tools) = merge(vec![("a".into(), a), ("b".into(), b)]).unwrap();
        assert_eq!(merged.findings.len(), 1);
        assert_eq!(merged.rules_checked.len(), 1);
        assert_eq!(tools, BTreeSet::from([Tool::Lints]));
    }

    #[test]
    fn an_old_format_version_or_another_base_is_refused() {
        let mut old = report(Tool::Arch, vec![]);
        old.format_version = 1;
        let Err(Error::Report(e)) = merge(vec![("old.json".into(), old)]) else {
            panic!("an old report must be refused")
        };
        assert!(matches!(*e, ReportError::Version { found: 1, .. }));
        let based = |commit: &str| {
            let mut r = report(Tool::Arch, vec![]);
            r.base = Some(BaseRevision {
                rev: "main".into(),
                commit: commit.into(),
            });
            r
        };
        let Err(Error::Report(e)) =
            merge(vec![("a".into(), based("aaa")), ("b".into(), based("bbb"))])
        else {
            panic!("two bases must be refused")
        };
        assert!(matches!(*e, ReportError::BaseMismatch { .. }));
    }

    #[test]
    fn the_review_ranks_critical_first_and_keeps_pre_existing_apart() {
        let mut old = finding("no-panic", 1, Severity::Critical);
        old.baseline = Baseline::PreExisting;
        let r = report(
            Tool::Lints,
            vec![
                finding("format-in-loop", 2, Severity::Warning),
                old,
                finding("no-unwrap", 9, Severity::Critical),
            ],
        );
        let (merged, tools) = merge(vec![("lints".into(), r)]).unwrap();
        let review = decide(merged, tools, &GateConfig::default());
        let order: Vec<&str> = review.issues.iter().map(|f| f.rule_id.as_str()).collect();
        assert_eq!(order, ["no-unwrap", "format-in-loop"]);
        assert_eq!(review.pre_existing.len(), 1);
        assert_eq!(review.blocking, BTreeSet::from([0]));
        assert_eq!(review.verdict, Verdict::ChangesRequested);
    }
}
