//! Writing a [`Review`] in any `--format`.

use std::collections::BTreeMap;
use std::io::Write;

use camino::Utf8Path;

use crate::gate::review::Review;
use crate::gate::verdict::Verdict;
use crate::output::{Format, Verbosity};
use crate::render::human::{self, HumanStyle};
use crate::render::{escape, github, markdown, sarif, write_json};

/// Writes `review` in `format`. Human output shows a diagnostic (with the source line) for each blocking
/// finding up to `[gate.review] max-items` (`-v`: for every finding), then the review text, then the files
/// that could not be checked and a count per rule; `-q` leaves out all but the review text. `--format github` writes the annotations only: the markdown for
/// `$GITHUB_STEP_SUMMARY` is [`markdown::review`].
pub fn write_review(
    review: &Review,
    format: Format,
    style: HumanStyle,
    verbosity: Verbosity,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let text = || markdown::review(review).map_err(std::io::Error::other);
    match format {
        Format::Human => {
            let text = || {
                markdown::review_for(review, markdown::Flavor::Terminal)
                    .map_err(std::io::Error::other)
            };
            let root = Utf8Path::new(&review.report.workspace_root);
            if verbosity == Verbosity::Verbose {
                let all = review
                    .issues
                    .iter()
                    .chain(&review.pre_existing)
                    .chain(&review.accepted);
                human::write_findings(all, root, style, out)?;
            } else if verbosity == Verbosity::Normal {
                let blocking = review.blocking.iter().filter_map(|&i| review.issues.get(i));
                human::write_findings(blocking.take(review.max_items), root, style, out)?;
                let rest = review.blocking.len().saturating_sub(review.max_items);
                if rest > 0 {
                    writeln!(
                        out,
                        "... and {rest} more blocking findings (-v shows every finding)\n"
                    )?;
                }
            }
            let text = text()?;
            if style.color {
                out.write_all(colorize(&text, review.verdict).as_bytes())?;
            } else {
                out.write_all(text.as_bytes())?;
            }
            if verbosity > Verbosity::Quiet {
                write_counts(review, out)?;
            }
            Ok(())
        }
        Format::Markdown => out.write_all(text()?.as_bytes()),
        Format::Json => write_json(&review.report, out),
        Format::Github => github::write_annotations(review, out),
        Format::Sarif => {
            let log =
                serde_json::to_string_pretty(&sarif::log(review)).map_err(std::io::Error::other)?;
            writeln!(out, "{log}")
        }
    }
}

/// The files that could not be checked, and the summary line of counts per rule.
fn write_counts(review: &Review, out: &mut dyn Write) -> std::io::Result<()> {
    for problem in &review.report.problems {
        let at = problem
            .location
            .as_ref()
            .map(|l| format!("{}:{}: ", escape::terminal(&l.file), l.line))
            .unwrap_or_default();
        writeln!(
            out,
            "warning: could not check {at}{}",
            escape::terminal(&problem.message)
        )?;
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &review.report.findings {
        *counts.entry(f.rule_id.as_str()).or_default() += 1;
    }
    let parts: Vec<String> = counts
        .iter()
        .map(|(rule, n)| format!("{}: {n}", escape::terminal(rule)))
        .collect();
    let total = review.report.findings.len();
    writeln!(
        out,
        "lumen-gate: {total} {} ({}); verdict {}",
        if total == 1 { "finding" } else { "findings" },
        if parts.is_empty() {
            "none".to_owned()
        } else {
            parts.join(", ")
        },
        review.verdict.label()
    )
}

/// Bold headings, red/yellow severities, and a green or red verdict.
fn colorize(text: &str, verdict: Verdict) -> String {
    const BOLD: &str = "\x1b[1m";
    const RED: &str = "\x1b[31m";
    const YELLOW: &str = "\x1b[33m";
    const GREEN: &str = "\x1b[32m";
    const RESET: &str = "\x1b[0m";
    let mut out = String::with_capacity(text.len() + 256);
    for line in text.lines() {
        if line.starts_with('#') {
            out.extend([BOLD, line, RESET]);
        } else if line == verdict.label() {
            let color = if verdict == Verdict::Approved {
                GREEN
            } else {
                RED
            };
            out.extend([BOLD, color, line, RESET]);
        } else if let Some(rest) = line.split_once("**[CRITICAL]**") {
            out.extend([rest.0, RED, BOLD, "[CRITICAL]", RESET, rest.1]);
        } else if let Some(rest) = line.split_once("**[WARNING]**") {
            out.extend([rest.0, YELLOW, BOLD, "[WARNING]", RESET, rest.1]);
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}
