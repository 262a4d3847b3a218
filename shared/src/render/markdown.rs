//! The review in the spec's "Output Format", heading for heading, ready for a pull-request comment.

use std::fmt::Write;

use crate::gate::checklist::{CheckState, ChecklistLine};
use crate::gate::review::Review;
use crate::gate::verdict::Verdict;
use crate::render::bench::bench_row;
use crate::report::{BenchStatus, Finding, Severity};

/// Renders the review as markdown.
pub fn review(review: &Review) -> Result<String, std::fmt::Error> {
    let mut out = String::new();
    write_review(review, &mut out)?;
    Ok(out)
}

fn write_review(r: &Review, out: &mut String) -> std::fmt::Result {
    writeln!(out, "## Performance Review")?;
    writeln!(out)?;
    writeln!(out, "### Summary")?;
    writeln!(out, "{}", summary(r))?;
    writeln!(out)?;

    writeln!(out, "### Issues Found")?;
    if r.issues.is_empty() && r.pre_existing.is_empty() {
        writeln!(out, "None.")?;
    }
    let mut n = 0;
    for f in &r.issues {
        n += 1;
        writeln!(out, "{n}. {}", issue_line(f, ""))?;
    }
    for f in &r.pre_existing {
        n += 1;
        writeln!(
            out,
            "{n}. {}",
            issue_line(f, "(pre-existing, not blocking) ")
        )?;
    }
    writeln!(out)?;

    writeln!(out, "### Benchmarks Run")?;
    writeln!(out, "| Benchmark | Before | After | Change |")?;
    writeln!(out, "|-----------|--------|-------|--------|")?;
    for b in &r.report.benchmarks {
        writeln!(out, "{}", bench_row(b))?;
    }
    if r.report.benchmarks.is_empty() {
        writeln!(out, "| (none run) | - | - | - |")?;
    }
    writeln!(out)?;

    writeln!(out, "### Architecture Compliance")?;
    for line in &r.architecture {
        writeln!(out, "{}", checklist_line(line))?;
    }
    writeln!(out)?;
    writeln!(out, "Performance Checklist:")?;
    for line in &r.performance {
        writeln!(out, "{}", checklist_line(line))?;
    }
    writeln!(out)?;

    writeln!(out, "### Verdict")?;
    writeln!(out, "{}", r.verdict.label())?;
    if r.verdict == Verdict::ChangesRequested {
        writeln!(out)?;
        writeln!(out, "Fix before merging:")?;
        for (i, item) in r.to_fix.iter().enumerate() {
            writeln!(out, "{}. {item}", i + 1)?;
        }
    }
    Ok(())
}

/// `**[CRITICAL]** description -- file:line -- estimated impact`.
pub fn issue_line(f: &Finding, prefix: &str) -> String {
    let place = match (&f.location, &f.package) {
        (Some(l), _) => l.to_string(),
        (None, Some(package)) => package.to_string(),
        (None, None) => "(workspace)".to_owned(),
    };
    let impact = match (&f.impact, &f.help, f.severity) {
        (Some(i), _, _) => i.as_str(),
        (None, Some(help), _) => help.as_str(),
        (None, None, Severity::Info) => "suggestion",
        (None, None, _) => "see rule",
    };
    format!(
        "**[{}]** {prefix}[{}] {} -- {place} -- {impact}",
        f.severity.label(),
        f.rule_id,
        f.message
    )
}

fn checklist_line(line: &ChecklistLine) -> String {
    let rules = line.checked_by.join(", ");
    match &line.state {
        CheckState::Failed(_) if line.text.starts_with("Issue:") => format!("- [ ] {}", line.text),
        CheckState::Passed if rules.is_empty() => format!("- [x] {}", line.text),
        CheckState::Passed => format!("- [x] {} (checked by {rules})", line.text),
        CheckState::Failed(n) if rules.is_empty() => format!("- [ ] {} ({n} found)", line.text),
        CheckState::Failed(n) => format!("- [ ] {} ({n} found by {rules})", line.text),
        CheckState::NotChecked(why) => format!("- [ ] {} (not checked: {why})", line.text),
    }
}

/// The one-paragraph summary: pass/fail with the key findings and counts.
pub fn summary(r: &Review) -> String {
    let count = |sev: Severity| r.issues.iter().filter(|f| f.severity == sev).count();
    let (crit, warn, info) = (
        count(Severity::Critical),
        count(Severity::Warning),
        count(Severity::Info),
    );
    let mut s = match r.verdict {
        Verdict::Approved => "PASS".to_owned(),
        Verdict::ChangesRequested => "FAIL".to_owned(),
    };
    let tools: Vec<&str> = r.tools.iter().map(|t| t.part_name()).collect();
    let scope = match &r.report.base {
        Some(base) => format!(" against base {} ({})", base.rev, short(&base.commit)),
        None => String::new(),
    };
    s.push_str(&format!(
        ": checked {}{scope} with {} rules. {} {} found ({crit} CRITICAL, {warn} WARNING, {info} INFO), {} blocking.",
        if tools.is_empty() { "nothing".to_owned() } else { tools.join(", ") },
        r.report.rules_checked.len(),
        r.issues.len(),
        plural(r.issues.len(), "issue", "issues"),
        r.blocking.len(),
    ));
    if !r.pre_existing.is_empty() {
        s.push_str(&format!(
            " {} pre-existing {} listed, not blocking.",
            r.pre_existing.len(),
            plural(r.pre_existing.len(), "finding", "findings")
        ));
    }
    let benches = &r.report.benchmarks;
    if !benches.is_empty() {
        let regressed = benches
            .iter()
            .filter(|b| b.status == BenchStatus::Regressed)
            .count();
        let improved = benches
            .iter()
            .filter(|b| b.status == BenchStatus::Improved)
            .count();
        s.push_str(&format!(
            " {} {} run: {regressed} regressed, {improved} improved.",
            benches.len(),
            plural(benches.len(), "benchmark", "benchmarks")
        ));
    }
    let key: Vec<String> = r
        .blocking
        .iter()
        .take(3)
        .filter_map(|&i| r.issues.get(i))
        .map(|f| format!("{} ({})", f.message, f.rule_id))
        .collect();
    if !key.is_empty() {
        s.push_str(&format!(" Key findings: {}.", key.join("; ")));
    }
    if !r.report.problems.is_empty() {
        s.push_str(&format!(
            " {} {} could not be checked.",
            r.report.problems.len(),
            plural(r.report.problems.len(), "file", "files")
        ));
    }
    s
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}
