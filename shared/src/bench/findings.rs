//! The findings a benchmark run reports: instruction-count regressions and improvements, benchmarks that do
//! not repeat, and criterion's significant wall-clock changes.

use crate::bench::criterion::CriterionResult;
use crate::bench::limits::Limits;
use crate::gate::format;
use crate::report::{
    Baseline, BenchStatus, BenchmarkResult, Category, Finding, Location, MetricChange, Severity,
};

/// A finding for a regressed or improved instruction count; none for the rest.
pub fn instruction_count(
    name: &str,
    package: &str,
    file: Option<String>,
    ir: &MetricChange,
    status: BenchStatus,
    limits: &Limits,
) -> Option<Finding> {
    let (rule_id, kind, severity, message, help) = match status {
        BenchStatus::Regressed => (
            "ir-regression",
            "bench::regression",
            Severity::Critical,
            format!(
                "{name} regressed: {} -> {} Ir (limit {:.2}%)",
                format::count(ir.before.unwrap_or_default()),
                format::count(ir.after),
                limits.pct_for(name)
            ),
            "find the extra work with `callgrind_annotate` on the runner's output, or raise the limit in [bench]",
        ),
        BenchStatus::Improved => (
            "ir-improvement",
            "bench::improvement",
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
    Some(finding(
        rule_id,
        kind,
        severity,
        message,
        help,
        format::change("Ir", ir),
        Subject {
            package,
            name,
            file,
        },
    ))
}

/// A benchmark whose instruction count differed between two runs of the same code.
pub fn nondeterministic(b: &BenchmarkResult, second: f64) -> Finding {
    finding(
        "nondeterministic-benchmark",
        "bench::nondeterministic",
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
            file: None,
        },
    )
}

/// A criterion benchmark whose mean time changed beyond the noise threshold (the whole confidence
/// interval past it); none otherwise.
pub fn wall_clock(
    c: &CriterionResult,
    package: &str,
    file: Option<String>,
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
    let (rule_id, severity, help) = if slower {
        (
            "wall-clock-regression",
            severity,
            "wall clock is noisy: confirm with an instruction-count benchmark before acting",
        )
    } else {
        (
            "wall-clock-improvement",
            Severity::Info,
            "faster: no action needed",
        )
    };
    Some(finding(
        rule_id,
        "bench::wall-clock",
        severity,
        message,
        help,
        format::change("time_ns", &c.time_ns),
        Subject {
            package,
            name: &c.name,
            file,
        },
    ))
}

/// The benchmark a finding is about.
struct Subject<'a> {
    package: &'a str,
    name: &'a str,
    file: Option<String>,
}

fn finding(
    rule_id: &str,
    kind: &str,
    severity: Severity,
    message: String,
    help: &str,
    impact: String,
    subject: Subject<'_>,
) -> Finding {
    let Subject {
        package,
        name,
        file,
    } = subject;
    Finding {
        rule_id: rule_id.to_owned(),
        kind: kind.to_owned(),
        category: Category::Benchmark,
        severity,
        message,
        why: None,
        help: Some(help.to_owned()),
        impact: Some(impact),
        location: file.map(|file| Location {
            file,
            line: 1,
            column: 1,
            length: 0,
        }),
        package: Some(package.to_owned()),
        crates: vec![name.to_owned()],
        paths: Vec::new(),
        baseline: Baseline::New,
    }
}
