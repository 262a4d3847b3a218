//! GitHub Actions output: one workflow command per blocking finding (`::error file=..,line=..::message`),
//! and the markdown review appended to `$GITHUB_STEP_SUMMARY` when that variable is set.
//!
//! GitHub shows at most 10 error and 10 warning annotations per step, so only blocking findings are
//! annotated, most severe first (the review is ranked that way); SARIF keeps every finding.

use std::io::Write;

use crate::gate::review::Review;
use crate::gate::verdict::Verdict;
use crate::report::{Finding, Severity};

/// Writes one annotation per blocking finding, most severe first, then the verdict.
pub fn write_annotations(review: &Review, out: &mut dyn Write) -> std::io::Result<()> {
    for f in review.blocking.iter().filter_map(|&i| review.issues.get(i)) {
        writeln!(out, "{}", annotation(f, level(f.severity)))?;
    }
    writeln!(
        out,
        "::{} title=lumen-gate::{}",
        if review.verdict == Verdict::Approved {
            "notice"
        } else {
            "error"
        },
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
/// of a terminal escape sequence the log would run) become spaces.
pub fn escape_data(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() && !matches!(c, '\r' | '\n') {
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
