//! Writing a [`Review`] in any `--format`.

use std::io::Write;

use camino::Utf8Path;

use crate::gate::review::{Review, Verdict};
use crate::output::{Format, Verbosity};
use crate::render::human::{self, HumanStyle};
use crate::render::{github, markdown, sarif, write_json};

/// Writes `review` in `format`. Human output shows a diagnostic (with the source line) for each issue that
/// counts, then the review text; `-q` leaves out the diagnostics.
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
            if verbosity > Verbosity::Quiet {
                let root = Utf8Path::new(&review.report.workspace_root);
                human::write_findings(&review.issues, root, style, out)?;
            }
            let text = text()?;
            if style.color {
                out.write_all(colorize(&text, review.verdict).as_bytes())
            } else {
                out.write_all(text.as_bytes())
            }
        }
        Format::Markdown => out.write_all(text()?.as_bytes()),
        Format::Json => write_json(&review.report, out),
        Format::Github => {
            github::write_annotations(review, out)?;
            github::append_step_summary(&text()?).map(|_| ())
        }
        Format::Sarif => {
            let log =
                serde_json::to_string_pretty(&sarif::log(review)).map_err(std::io::Error::other)?;
            writeln!(out, "{log}")
        }
    }
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
