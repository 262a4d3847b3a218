//! The findings a benchmark run reports: instruction-count regressions and improvements, benchmarks that do
//! not repeat, criterion's significant wall-clock changes, and claims the numbers do not back.

use crate::bench::criterion::CriterionResult;
use crate::bench::limits::Limits;
use crate::report::bench::{Claim, ClaimKind, ClaimVerdict};
use crate::report::figures as format;
use crate::report::{
    Baseline, BenchStatus, BenchmarkResult, Category, Finding, Location, Severity,
};

/// The benchmark rules: what a benchmark finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleId {
    /// More instructions than the base, beyond the limit.
    IrRegression,
    /// Fewer instructions than the base.
    IrImprovement,
    /// Different instruction counts on the same code.
    NondeterministicBenchmark,
    /// A significant wall-clock slowdown (criterion).
    WallClockRegression,
    /// A significant wall-clock speedup (criterion).
    WallClockImprovement,
    /// A claim of a speed or memory change that no benchmark measured.
    ClaimWithoutNumbers,
    /// A claim of a speed-up whose benchmarks got slower.
    ContradictedClaim,
    /// A commit claiming a speed-up that changes several measured functions at once.
    OneOptimizationAtATime,
}

impl RuleId {
    /// Every rule.
    #[cfg(test)]
    const ALL: [RuleId; 8] = [
        RuleId::IrRegression,
        RuleId::IrImprovement,
        RuleId::NondeterministicBenchmark,
        RuleId::WallClockRegression,
        RuleId::WallClockImprovement,
        RuleId::ClaimWithoutNumbers,
        RuleId::ContradictedClaim,
        RuleId::OneOptimizationAtATime,
    ];

    /// The rule id as reported: `ir-regression`.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleId::IrRegression => "ir-regression",
            RuleId::IrImprovement => "ir-improvement",
            RuleId::NondeterministicBenchmark => "nondeterministic-benchmark",
            RuleId::WallClockRegression => "wall-clock-regression",
            RuleId::WallClockImprovement => "wall-clock-improvement",
            RuleId::ClaimWithoutNumbers => "claim-without-numbers",
            RuleId::ContradictedClaim => "contradicted-claim",
            RuleId::OneOptimizationAtATime => "one-optimization-at-a-time",
        }
    }

    /// The finding kind: `bench::regression`, `bench::improvement`, `bench::nondeterministic`,
    /// `bench::wall-clock`, `bench::claim`.
    pub fn kind(self) -> &'static str {
        match self {
            RuleId::IrRegression => "bench::regression",
            RuleId::IrImprovement => "bench::improvement",
            RuleId::NondeterministicBenchmark => "bench::nondeterministic",
            RuleId::WallClockRegression | RuleId::WallClockImprovement => "bench::wall-clock",
            RuleId::ClaimWithoutNumbers
            | RuleId::ContradictedClaim
            | RuleId::OneOptimizationAtATime => "bench::claim",
        }
    }
}

/// A finding for a regressed or improved instruction count; none for the rest. With an attribution naming a
/// culprit, the finding is at the culprit's place and its impact is the culprit's share; the flamegraph, when
/// one was written, is named in its help.
pub fn instruction_count(
    b: &BenchmarkResult,
    location: Option<Location>,
    limits: &Limits,
) -> Option<Finding> {
    let (name, package, ir, status) = (&b.name, &b.package, &b.primary, b.status);
    let (rule, severity, message, help) = match status {
        BenchStatus::Regressed => (
            RuleId::IrRegression,
            Severity::Critical,
            format!(
                "{name} regressed: {} -> {} Ir (limit {:.2}%)",
                format::count(ir.before.unwrap_or_default()),
                format::count(ir.after),
                limits.pct_for(name)
            ),
            "the functions that changed most are in `-v` and the JSON report; make that code do less, or raise the limit in [bench]",
        ),
        BenchStatus::Improved => (
            RuleId::IrImprovement,
            Severity::Info,
            format!(
                "{name} improved: {} -> {} Ir",
                format::count(ir.before.unwrap_or_default()),
                format::count(ir.after)
            ),
            "faster: no action needed",
        ),
        _ => return None,
    };
    let culprit = b.attribution.as_ref().and_then(|a| a.culprit.as_ref());
    let impact = match culprit {
        Some(c) => crate::report::bench::impact(c),
        None => format::change("Ir", ir),
    };
    let help = match &b.flamegraph {
        Some(svg) => format!("{help}; differential flamegraph: {svg}"),
        None => help.to_owned(),
    };
    let mut f = finding(
        rule,
        severity,
        message,
        &help,
        impact,
        Subject {
            package,
            name,
            location,
        },
    );
    if let Some(location) = culprit.and_then(|c| c.location.as_ref()) {
        f.location = Some(location.to_owned());
    }
    Some(f)
}

/// A benchmark whose instruction count differed between two runs of the same code.
pub fn nondeterministic(b: &BenchmarkResult, second: f64) -> Finding {
    finding(
        RuleId::NondeterministicBenchmark,
        Severity::Warning,
        format!(
            "{} is not deterministic: {} Ir, then {} Ir on the same code",
            b.name,
            format::count(b.primary.after),
            format::count(second)
        ),
        "likely a randomly seeded hasher (std HashMap/HashSet), time, or addresses: seed it fixedly in the benchmark",
        "its before/after figures cannot be trusted".to_owned(),
        Subject {
            package: &b.package,
            name: &b.name,
            location: None,
        },
    )
}

/// A criterion benchmark whose mean time changed beyond the noise threshold (the whole confidence
/// interval past it); none otherwise.
pub fn wall_clock(
    c: &CriterionResult,
    package: &str,
    location: Option<Location>,
    severity: Severity,
) -> Option<Finding> {
    let wall = c.change.as_ref().filter(|w| w.significant)?;
    let slower = wall.mean_pct > 0.0;
    let message = format!(
        "{} is {} by {:.2}% wall-clock (95% interval {:+.2}% .. {:+.2}%, noise threshold {:.2}%)",
        c.name,
        if slower { "slower" } else { "faster" },
        wall.mean_pct.abs(),
        wall.lower_pct,
        wall.upper_pct,
        wall.noise_threshold_pct
    );
    let (rule, severity, help) = if slower {
        (
            RuleId::WallClockRegression,
            severity,
            "wall clock is noisy: confirm with an instruction-count benchmark before acting",
        )
    } else {
        (
            RuleId::WallClockImprovement,
            Severity::Info,
            "faster: no action needed",
        )
    };
    Some(finding(
        rule,
        severity,
        message,
        help,
        format::change("time_ns", &c.time_ns),
        Subject {
            package,
            name: &c.name,
            location,
        },
    ))
}

/// A claim the numbers do not back: unmeasured (WARNING) or contradicted (CRITICAL). The message quotes
/// it and says where it was written, the impact gives the numbers (`numbers`, one per benchmark).
pub fn claim(c: &Claim, numbers: &[String], location: Option<Location>) -> Finding {
    let place = match (&c.commit, &c.file) {
        (Some(commit), _) => format!("commit {}", short(commit)),
        (None, Some(file)) => file.to_owned(),
        (None, None) => "a claim".to_owned(),
    };
    let what = match c.kind {
        ClaimKind::Speed => "speed",
        ClaimKind::Memory => "memory",
    };
    let (rule, severity, message, help) = match c.verdict {
        ClaimVerdict::Contradicted => (
            RuleId::ContradictedClaim,
            Severity::Critical,
            format!("{place} says \"{}\", but its benchmarks got slower", c.text),
            "the numbers say the opposite: fix the change, or the claim",
        ),
        _ => (
            RuleId::ClaimWithoutNumbers,
            Severity::Warning,
            format!(
                "claim without numbers: {place} says \"{}\", and no benchmark measured a {what} change beyond its noise floor",
                c.text
            ),
            match c.kind {
                ClaimKind::Speed => {
                    "claims of faster require benchmark numbers: add a benchmark that exercises the change (or a [[bench.command]]), or drop the claim"
                }
                ClaimKind::Memory => {
                    "memory claims need a benchmark measuring heap use: add one, or drop the claim"
                }
            },
        ),
    };
    let impact = if numbers.is_empty() {
        "no benchmark ran against the base".to_owned()
    } else {
        numbers.join("; ")
    };
    Finding {
        rule_id: rule.as_str().to_owned(),
        kind: rule.kind().to_owned(),
        // A review rule about the change, not a benchmark's figure: a WARNING does not block.
        category: Category::Performance,
        severity,
        message,
        why: Some("the spec: claims of 'faster' require benchmark numbers".to_owned()),
        help: Some(help.to_owned()),
        impact: Some(impact),
        location,
        package: None,
        crates: Vec::new(),
        paths: Vec::new(),
        benchmark: None,
        code: None,
        baseline: Baseline::New,
        cost: None,
        rank: None,
    }
}

/// A commit claiming a speed-up that changed several workspace functions beyond the noise at once.
pub fn one_optimization(commit: &str, functions: &[String]) -> Finding {
    let listed: Vec<String> = functions.iter().map(|f| format!("`{f}`")).collect();
    let rule = RuleId::OneOptimizationAtATime;
    Finding {
        rule_id: rule.as_str().to_owned(),
        kind: rule.kind().to_owned(),
        category: Category::Performance,
        severity: Severity::Warning,
        message: format!(
            "commit {} claims a speed-up and changes {} measured functions at once: {}",
            short(commit),
            functions.len(),
            listed.join(", ")
        ),
        why: Some("the spec: one optimization at a time, each measured".to_owned()),
        help: Some("split the commit so that each optimization is measured on its own".to_owned()),
        impact: Some(format!(
            "{} functions moved beyond the noise floor",
            functions.len()
        )),
        location: None,
        package: None,
        crates: Vec::new(),
        paths: Vec::new(),
        benchmark: None,
        code: None,
        baseline: Baseline::New,
        cost: None,
        rank: None,
    }
}

/// The first 12 characters of a commit id.
fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

/// The benchmark a finding is about.
struct Subject<'a> {
    package: &'a str,
    name: &'a str,
    location: Option<Location>,
}

fn finding(
    rule: RuleId,
    severity: Severity,
    message: String,
    help: &str,
    impact: String,
    subject: Subject<'_>,
) -> Finding {
    let Subject {
        package,
        name,
        location,
    } = subject;
    Finding {
        rule_id: rule.as_str().to_owned(),
        kind: rule.kind().to_owned(),
        category: Category::Benchmark,
        severity,
        message,
        why: None,
        help: Some(help.to_owned()),
        impact: Some(impact),
        location,
        package: Some(package.to_owned()),
        crates: Vec::new(),
        paths: Vec::new(),
        benchmark: Some(name.to_owned()),
        code: None,
        baseline: Baseline::New,
        cost: None,
        rank: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique_and_kinds_namespaced() {
        let ids: std::collections::BTreeSet<_> = RuleId::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(ids.len(), RuleId::ALL.len());
        assert!(RuleId::ALL.iter().all(|r| r.kind().starts_with("bench::")));
    }
}
