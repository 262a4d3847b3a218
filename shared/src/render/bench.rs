//! `cargo lumen-bench`'s text output: the Benchmark | Before | After | Change table (instruction counts),
//! then the findings and notes.

use crate::output::Verbosity;
use crate::render::escape;
use crate::report::figures::{count, percent, value};
use crate::report::{BenchmarkResult, Report};

/// A `| name | before | after | change |` row of the Benchmarks Run table (no line end); the same row in
/// the bench table and the markdown review. The name goes through `name` (escaping for where it is shown).
pub fn bench_row(b: &BenchmarkResult, name: fn(&str) -> String) -> String {
    let before = b
        .primary
        .before
        .map(|v| value(&b.metric, v))
        .unwrap_or_else(|| "-".to_owned());
    let change = b
        .primary
        .change_pct
        .map(percent)
        .unwrap_or_else(|| "new".to_owned());
    format!(
        "| {} | {before} | {} | {change} |",
        name(&b.name),
        value(&b.metric, b.primary.after)
    )
}

/// The table, then one line per finding and per note; `-v` adds the other metrics under each row.
pub fn table(report: &Report, verbosity: Verbosity) -> String {
    let mut out = String::from(
        "| Benchmark | Before | After | Change |\n|-----------|--------|-------|--------|\n",
    );
    for b in &report.benchmarks {
        out.push_str(&bench_row(b, escape::terminal));
        out.push('\n');
        if let Some(wall) = &b.wall_clock {
            out.push_str(&format!(
                "|   95% interval | {:+.2}% | {:+.2}% | {} |\n",
                wall.lower_pct,
                wall.upper_pct,
                if wall.significant {
                    "beyond noise"
                } else {
                    "within noise"
                }
            ));
        }
        if verbosity == Verbosity::Verbose {
            for (metric, m) in &b.other_metrics {
                let before = m.before.map(count).unwrap_or_else(|| "-".to_owned());
                out.push_str(&format!(
                    "|   {metric} | {before} | {} | {} |\n",
                    count(m.after),
                    m.change_pct.map(percent).unwrap_or_default()
                ));
            }
        }
    }
    for f in &report.findings {
        out.push_str(&format!(
            "{}: {}",
            f.severity.label(),
            escape::terminal(&f.message)
        ));
        if let Some(impact) = &f.impact {
            out.push_str(&format!(" ({})", escape::terminal(impact)));
        }
        out.push('\n');
    }
    for p in &report.problems {
        out.push_str(&format!("note: {}\n", escape::terminal(&p.message)));
    }
    out
}
