//! The verdict policy: which findings block, and so the exit code of all three tools.
//!
//! `cargo lumen-arch`, `cargo lumen-bench` and `cargo lumen-gate` decide through [`decide`] alone, with the
//! `[gate.verdict]` settings: a finding that blocks here makes each of them exit 1, and nothing else does.

use std::borrow::Borrow;
use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::exit_codes;
use crate::report::{BenchStatus, BenchmarkResult, Category, Finding, Severity, figures};

/// `[gate.verdict]`. By default any new CRITICAL finding, any benchmark regression beyond its threshold,
/// and any architecture violation (CRITICAL or WARNING) requests changes; WARNINGs elsewhere never block
/// unless a budget is set; INFO never blocks; findings that already existed at the base never block.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct VerdictConfig {
    /// New CRITICAL findings block.
    #[serde(default = "yes")]
    pub block_on_critical: bool,
    /// Architecture findings of WARNING severity block too (CRITICAL ones always do with the above).
    #[serde(default = "yes")]
    pub block_on_architecture: bool,
    /// Benchmark regressions beyond their threshold block.
    #[serde(default = "yes")]
    pub block_on_regression: bool,
    /// At most this many new WARNINGs (outside architecture) are accepted; more block. `None`: no limit.
    #[serde(default)]
    pub warning_budget: Option<u32>,
}

fn yes() -> bool {
    true
}

impl Default for VerdictConfig {
    fn default() -> Self {
        VerdictConfig {
            block_on_critical: true,
            block_on_architecture: true,
            block_on_regression: true,
            warning_budget: None,
        }
    }
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
            Verdict::Approved => exit_codes::SUCCESS,
            Verdict::ChangesRequested => exit_codes::CHECK_FAILED,
        }
    }
}

/// What the policy decided about a list of findings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// The verdict.
    pub verdict: Verdict,
    /// Which of the findings block, by index into the list decided on.
    pub blocking: BTreeSet<usize>,
    /// The specific items to fix, one line each.
    pub to_fix: Vec<String>,
}

/// Whether `finding` blocks under `policy` on its own (before the warning budget).
fn blocks(finding: &Finding, policy: &VerdictConfig) -> bool {
    if !finding.baseline.counts() {
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

/// Decides the verdict on `findings` (the ones that count, in the order they are shown) and the run's
/// `benchmarks`, under `policy`. The one place any tool decides what blocks.
pub fn decide<F: Borrow<Finding>>(
    findings: &[F],
    benchmarks: &[BenchmarkResult],
    policy: &VerdictConfig,
) -> Decision {
    let findings: Vec<&Finding> = findings.iter().map(Borrow::borrow).collect();
    let mut blocking: BTreeSet<usize> = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| blocks(f, policy))
        .map(|(i, _)| i)
        .collect();
    let mut to_fix: Vec<String> = blocking.iter().map(|&i| fix_item(findings[i])).collect();

    if let Some(budget) = policy.warning_budget {
        let warnings: Vec<usize> = findings
            .iter()
            .enumerate()
            .filter(|(i, f)| {
                f.severity == Severity::Warning && f.baseline.counts() && !blocking.contains(i)
            })
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

    // A benchmark marked regressed without a finding of its own still blocks.
    if policy.block_on_regression {
        for bench in benchmarks
            .iter()
            .filter(|b| b.status == BenchStatus::Regressed)
        {
            if !findings
                .iter()
                .any(|f| f.benchmark.as_deref() == Some(bench.name.as_str()))
            {
                to_fix.push(format!(
                    "benchmark {} regressed: {}",
                    bench.name,
                    figures::change(&bench.metric, &bench.primary)
                ));
            }
        }
    }

    let verdict = if to_fix.is_empty() {
        Verdict::Approved
    } else {
        Verdict::ChangesRequested
    };
    Decision {
        verdict,
        blocking,
        to_fix,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Baseline, Location, MetricChange};

    fn finding(category: Category, severity: Severity, baseline: Baseline) -> Finding {
        Finding {
            rule_id: "r".into(),
            kind: "k".into(),
            category,
            severity,
            message: "m".into(),
            why: None,
            help: None,
            impact: None,
            location: Some(Location {
                file: "src/lib.rs".into(),
                line: 3,
                column: 1,
                length: 0,
            }),
            package: None,
            crates: vec![],
            paths: vec![],
            benchmark: None,
            code: None,
            baseline,
            cost: None,
            rank: None,
        }
    }

    fn verdict(findings: &[Finding], policy: &VerdictConfig) -> Verdict {
        decide(findings, &[], policy).verdict
    }

    #[test]
    fn new_critical_blocks_and_pre_existing_never_does() {
        let policy = VerdictConfig::default();
        let crit = finding(Category::CodeQuality, Severity::Critical, Baseline::New);
        assert_eq!(verdict(&[crit], &policy), Verdict::ChangesRequested);
        let old = finding(
            Category::CodeQuality,
            Severity::Critical,
            Baseline::PreExisting,
        );
        assert_eq!(verdict(&[old], &policy), Verdict::Approved);
        let info = finding(Category::Architecture, Severity::Info, Baseline::New);
        assert_eq!(verdict(&[info], &policy), Verdict::Approved);
    }

    #[test]
    fn architecture_warnings_block_unless_turned_off() {
        let warn = finding(Category::Architecture, Severity::Warning, Baseline::New);
        let on = VerdictConfig::default();
        assert_eq!(
            verdict(std::slice::from_ref(&warn), &on),
            Verdict::ChangesRequested
        );
        let off = VerdictConfig {
            block_on_architecture: false,
            ..VerdictConfig::default()
        };
        assert_eq!(verdict(&[warn], &off), Verdict::Approved);
    }

    #[test]
    fn the_warning_budget_counts_new_warnings_only() {
        let policy = VerdictConfig {
            warning_budget: Some(1),
            ..VerdictConfig::default()
        };
        let new = finding(Category::CodeQuality, Severity::Warning, Baseline::New);
        let old = finding(
            Category::CodeQuality,
            Severity::Warning,
            Baseline::PreExisting,
        );
        let within = [new.clone(), old.clone(), old.clone()]; // cloned: test data
        assert_eq!(verdict(&within, &policy), Verdict::Approved);
        let over = decide(&[new.clone(), new, old], &[], &policy); // cloned: test data
        assert_eq!(over.verdict, Verdict::ChangesRequested);
        assert_eq!(over.blocking, BTreeSet::from([0, 1]));
        assert!(over.to_fix[0].starts_with("2 new warnings exceed the budget of 1"));
    }

    #[test]
    fn a_regressed_benchmark_blocks_even_without_its_finding_unless_turned_off() {
        let bench = BenchmarkResult {
            name: "calc::sum".into(),
            package: "calc".into(),
            target: "calc".into(),
            runner: "gungraun".into(),
            metric: "Ir".into(),
            primary: MetricChange {
                before: Some(100.0),
                after: 150.0,
                change_pct: Some(50.0),
            },
            other_metrics: Default::default(),
            wall_clock: None,
            status: BenchStatus::Regressed,
            attribution: None,
            flamegraph: None,
            floor: None,
        };
        let on = VerdictConfig::default();
        let d = decide::<Finding>(&[], std::slice::from_ref(&bench), &on);
        assert_eq!(d.verdict, Verdict::ChangesRequested);
        assert_eq!(
            d.to_fix,
            ["benchmark calc::sum regressed: +50 Ir (+50.00%)"]
        );
        // Its own finding names it by the `benchmark` field: listed once, not twice.
        let mut f = finding(Category::Benchmark, Severity::Critical, Baseline::New);
        f.benchmark = Some("calc::sum".into());
        assert_eq!(
            decide(&[f], std::slice::from_ref(&bench), &on).to_fix.len(),
            1
        );
        let off = VerdictConfig {
            block_on_regression: false,
            ..VerdictConfig::default()
        };
        assert_eq!(
            decide::<Finding>(&[], &[bench], &off).verdict,
            Verdict::Approved
        );
    }
}
