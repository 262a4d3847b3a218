//! GitHub Actions output: workflow commands (`::error file=..,line=..::message`), and the markdown review
//! appended to `$GITHUB_STEP_SUMMARY` when that variable is set.
//!
//! GitHub shows at most [`PER_KIND`] annotations of each kind (error, warning, notice) per step and
//! [`PER_JOB`] per job, and drops the rest without a word. So the blocking findings are annotated in the
//! review's own order (the most important first: whatever order the review ranks its issues in), as many
//! as fit; then one notice says how many more there are and where the full review is; the verdict comes
//! last. SARIF keeps every finding.

use std::io::Write;

use crate::gate::review::Review;
use crate::gate::verdict::Verdict;
use crate::report::{Finding, Severity};

/// Annotations of one kind GitHub shows per step.
pub const PER_KIND: usize = 10;
/// Annotations GitHub shows per job, all steps together.
pub const PER_JOB: usize = 50;

/// Writes the annotations that fit GitHub's limits, most important first, then a notice counting the
/// rest (when some did not fit), then the verdict.
pub fn write_annotations(review: &Review, out: &mut dyn Write) -> std::io::Result<()> {
    let approved = review.verdict == Verdict::Approved;
    // The verdict takes one error (or notice), the count of the rest one notice: neither is dropped.
    let mut budget = [
        ("error", PER_KIND - usize::from(!approved)),
        ("warning", PER_KIND),
        ("notice", PER_KIND - 1 - usize::from(approved)),
    ];
    let mut job = PER_JOB - 2;
    let mut omitted = 0;
    let blocking = review.blocking.iter().filter_map(|&i| review.issues.get(i));
    for f in blocking {
        let level = level(f.severity);
        match budget.iter_mut().find(|(l, _)| *l == level) {
            Some((_, n)) if *n > 0 && job > 0 => {
                *n -= 1;
                job -= 1;
                writeln!(out, "{}", annotation(f, level))?;
            }
            _ => omitted += 1,
        }
    }
    if omitted > 0 {
        writeln!(
            out,
            "::notice title=lumen-gate::{}",
            escape_data(&format!(
                "{omitted} more blocking {} not annotated (GitHub shows {PER_KIND} annotations of each kind per step): the full review is in the job summary and in `cargo lumen-gate --format json` or `--format sarif`",
                if omitted == 1 {
                    "finding is"
                } else {
                    "findings are"
                }
            ))
        )?;
    }
    writeln!(
        out,
        "::{} title=lumen-gate::{}",
        if approved { "notice" } else { "error" },
        escape_data(&format!("Performance review: {}", review.verdict.label()))
    )
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// One workflow command for a finding.
pub fn annotation(f: &Finding, level: &str) -> String {
    let mut props = Vec::new();
    if let Some(loc) = &f.location {
        props.push(format!("file={}", escape_property(&loc.file)));
        props.push(format!("line={}", loc.line));
        props.push(format!("col={}", loc.column));
    }
    props.push(format!(
        "title={}",
        escape_property(&format!("[{}] {}", f.severity.label(), f.rule_id))
    ));
    let mut message = String::from(f.message.as_str());
    if let Some(help) = &f.help {
        message.push('\n');
        message.push_str(help);
    }
    if let Some(impact) = &f.impact {
        message.push_str("\nimpact: ");
        message.push_str(impact);
    }
    format!("::{level} {}::{}", props.join(","), escape_data(&message))
}

/// Escapes a command's message (`%`, CR, LF), as the runner expects; other control characters (the ESC
/// of a terminal escape sequence the log would run) and bidi overrides become spaces.
pub fn escape_data(s: &str) -> String {
    s.chars()
        .map(|c| {
            if (c.is_control() && !matches!(c, '\r' | '\n')) || crate::output::escape::is_bidi(c) {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value (also `:` and `,`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Appends the markdown review to the step summary file (`$GITHUB_STEP_SUMMARY`).
pub fn append_step_summary(path: &std::path::Path, markdown: &str) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    file.write_all(markdown.as_bytes())?;
    file.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_follow_the_runner_rules() {
        assert_eq!(escape_data("50% a\nb"), "50%25 a%0Ab");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(escape_data("a\x1b[31m\r\nb"), "a [31m%0D%0Ab");
    }
}
