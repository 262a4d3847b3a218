//! `cargo lumen-bench`'s text output: the Benchmark | Before | After | Change table (instruction counts),
//! then the findings, the flamegraphs written and the notes. `-v` adds, under each row, the other metrics
//! and the functions the change went to.

use crate::output::Verbosity;
use crate::render::escape;
use crate::report::bench::{Attribution, FunctionChange, IrPair, Presence};
use crate::report::complexity::ComplexityFit;
use crate::report::figures::{count, percent, value};
use crate::report::{BenchmarkResult, Report};

/// A `| name | before | after | change |` row of the Benchmarks Run table (no line end); the same row in
/// the bench table and the markdown review. The change names the noise floor when it is not 0
/// (`-0.12% (within noise floor 0.40%)`). The name goes through `name` (escaping for where it is shown).
pub fn bench_row(b: &BenchmarkResult, name: fn(&str) -> String) -> String {
    let before = b
        .primary
        .before
        .map(|v| value(&b.metric, v))
        .unwrap_or_else(|| "-".to_owned());
    let mut change = b
        .primary
        .change_pct
        .map(percent)
        .unwrap_or_else(|| "new".to_owned());
    // The noise floor it was judged against, when it is not exact.
    let compared = b.primary.before.is_some();
    if let Some(floor) = b.floor.as_ref().filter(|f| f.pct > 0.0 && compared) {
        let within = b.status == crate::report::BenchStatus::Unchanged;
        change.push_str(&format!(
            " ({} noise floor {:.2}%)",
            if within { "within" } else { "beyond" },
            floor.pct
        ));
    }
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

/// The table, then one line per finding and per note; `-v` adds the other metrics under each row. Names
/// and messages from the repository are escaped for `markdown` (a pull-request comment) or else for a
/// terminal, table cells so that they cannot split.
pub fn table(report: &Report, verbosity: Verbosity, markdown: bool) -> String {
    type Escape = fn(&str) -> String;
    let (cell, text): (Escape, Escape) = if markdown {
        (escape::table_cell, escape::markdown)
    } else {
        (escape::terminal_cell, escape::terminal)
    };
    let mut out = String::from(
        "| Benchmark | Before | After | Change |\n|-----------|--------|-------|--------|\n",
    );
    for b in &report.benchmarks {
        out.push_str(&bench_row(b, cell));
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
            if let Some(a) = &b.attribution {
                for f in &a.functions {
                    out.push_str(&format!(
                        "|   {} | {} |\n",
                        cell(&function_name(f)),
                        function_figures(f).join(" | ")
                    ));
                }
                if let Some(note) = &a.note {
                    out.push_str(&format!("|   ({}) | | | |\n", cell(note)));
                }
            }
        }
    }
    let families = complexity_table(report, usize::MAX, cell);
    if !families.is_empty() {
        out.push_str("\nComplexity:\n");
        out.push_str(&families);
    }
    for f in &report.findings {
        out.push_str(&format!("{}: {}", f.severity.label(), text(&f.message)));
        if let Some(impact) = &f.impact {
            out.push_str(&format!(" ({})", text(impact)));
        }
        out.push('\n');
    }
    if verbosity > Verbosity::Quiet {
        for b in report.benchmarks.iter() {
            if let Some(svg) = &b.flamegraph {
                out.push_str(&format!("flamegraph of {}: {}\n", text(&b.name), text(svg)));
            }
        }
    }
    for p in &report.problems {
        out.push_str(&format!("note: {}\n", text(&p.message)));
    }
    out
}

/// A function of an attribution as listed: `calc::parse (calc/src/lib.rs:12)`, marked when it appeared
/// or vanished.
pub fn function_name(f: &FunctionChange) -> String {
    let place = f
        .location
        .as_ref()
        .map(|l| format!(" ({l})"))
        .unwrap_or_default();
    let mark = match f.presence {
        Presence::Both => "",
        Presence::Appeared => "new: ",
        Presence::Vanished => "gone: ",
    };
    format!("{mark}{}{place}", f.function)
}

/// A function's inclusive count before and after, and the changes of its self and inclusive counts:
/// `["408 Ir", "1,108 Ir", "self +700, incl. +700"]`; `-` for a side it did not run on.
pub fn function_figures(f: &FunctionChange) -> [String; 3] {
    let side = |present: bool, v: u64| {
        if present {
            value("Ir", v as f64)
        } else {
            "-".to_owned()
        }
    };
    [
        side(f.presence != Presence::Appeared, f.inclusive.before),
        side(f.presence != Presence::Vanished, f.inclusive.after),
        format!(
            "self {}, incl. {}",
            signed(&f.exclusive),
            signed(&f.inclusive)
        ),
    ]
}

/// `+700` / `-12` / `+0`.
fn signed(pair: &IrPair) -> String {
    let d = pair.delta();
    format!(
        "{}{}",
        if d < 0 { "-" } else { "+" },
        count(d.unsigned_abs() as f64)
    )
}

/// The one-line summary of an attribution: its culprit's impact, or its note.
pub fn attribution_summary(a: &Attribution) -> String {
    match (&a.culprit, &a.note) {
        (Some(c), _) => crate::report::bench::impact(c),
        (None, Some(note)) => note.to_owned(),
        (None, None) => "no change of its own in any function".to_owned(),
    }
}
