//! `cargo lumen-bench`'s text output: the Benchmark | Before | After | Change table (instruction counts),
//! then the findings and notes.

use crate::output::Verbosity;
use crate::render::escape;
use crate::report::complexity::ComplexityFit;
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

/// The Complexity table's header and one row per family (at most `max_rows`): family, claimed class, fitted
/// class at the base and HEAD, RMS of HEAD's fit; empty when no family was fitted. The family name goes
/// through `name`.
pub fn complexity_table(report: &Report, max_rows: usize, name: fn(&str) -> String) -> String {
    let families = &report.complexity;
    if families.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "| Family | Claimed | Base | HEAD | RMS |\n|--------|---------|------|------|-----|\n",
    );
    let class = |f: &ComplexityFit| f.class.as_deref().unwrap_or("too small").to_owned();
    for f in families.iter().take(max_rows) {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            name(&f.family),
            f.claimed.as_deref().unwrap_or("-"),
            f.base.as_ref().map_or("-".to_owned(), class),
            class(&f.head),
            f.head
                .rms_pct
                .map_or("-".to_owned(), |rms| format!("{rms:.1}%"))
        ));
    }
    if families.len() > max_rows {
        out.push_str(&format!(
            "| ... and {} more families (see the JSON report) | | | | |\n",
            families.len() - max_rows
        ));
    }
    out
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
    let families = complexity_table(report, usize::MAX, escape::terminal);
    if !families.is_empty() {
        out.push_str("\nComplexity:\n");
        out.push_str(&families);
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
