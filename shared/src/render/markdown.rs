//! The review in the spec's "Output Format", heading for heading, ready for a pull-request comment.
//!
//! It fits where it is posted, at any size: the findings that count are listed one by one up to
//! `[gate.review] max-items` (blocking first), then counted; findings that do not block (INFO, pre-existing
//! at the base, accepted by the baseline file) are a table of counts per rule in a collapsed block; and the
//! whole text stays under [`MAX_CHARS`] (GitHub refuses a comment over 65,536 characters), listing fewer
//! items when it would not. Every piece of text from the repository is escaped ([`escape`]).

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::gate::checklist::{CheckState, ChecklistLine};
use crate::gate::review::Review;
use crate::gate::verdict::Verdict;
use crate::render::bench::{
    attribution_summary, bench_row, complexity_table, function_figures, function_name,
};
use crate::render::escape;
use crate::report::{Baseline, BenchStatus, BenchmarkResult, Category, Finding, Severity};

/// The review never exceeds this many characters.
pub const MAX_CHARS: usize = 60_000;

/// Benchmark rows listed before the rest are counted.
const MAX_BENCH_ROWS: usize = 200;

/// Where the text is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// Rendered markdown (a pull-request comment, a step summary): repository text escaped for markdown,
    /// collapsed blocks, a mermaid diagram.
    Markdown,
    /// A terminal: the same text with repository text stripped of control characters, no HTML.
    Terminal,
}

impl Flavor {
    fn text(self, s: &str) -> String {
        match self {
            Flavor::Markdown => escape::markdown(s),
            Flavor::Terminal => escape::terminal(s),
        }
    }

    fn cell(self) -> fn(&str) -> String {
        match self {
            Flavor::Markdown => escape::table_cell,
            Flavor::Terminal => escape::terminal_cell,
        }
    }

    /// Opens a collapsed block with this summary line.
    fn open(self, out: &mut String, summary: &str) -> std::fmt::Result {
        match self {
            Flavor::Markdown => writeln!(out, "<details><summary>{summary}</summary>\n"),
            Flavor::Terminal => writeln!(out, "{summary}:\n"),
        }
    }

    fn close(self, out: &mut String) -> std::fmt::Result {
        match self {
            Flavor::Markdown => writeln!(out, "\n</details>"),
            Flavor::Terminal => Ok(()),
        }
    }
}

/// How much is listed one by one, and for where.
#[derive(Clone, Copy, Debug)]
struct Budget {
    items: usize,
    bench_rows: usize,
    flavor: Flavor,
}

/// Renders the review as markdown, within [`MAX_CHARS`].
pub fn review(review: &Review) -> Result<String, std::fmt::Error> {
    review_for(review, Flavor::Markdown)
}

/// Renders the review for `flavor`, within [`MAX_CHARS`].
pub fn review_for(review: &Review, flavor: Flavor) -> Result<String, std::fmt::Error> {
    let mut budget = Budget {
        items: review.max_items,
        bench_rows: MAX_BENCH_ROWS,
        flavor,
    };
    loop {
        let mut out = String::new();
        write_review(review, budget, &mut out)?;
        if out.chars().count() <= MAX_CHARS || (budget.items == 0 && budget.bench_rows == 0) {
            return Ok(out);
        }
        budget.items /= 2;
        budget.bench_rows /= 2;
    }
}

fn write_review(r: &Review, budget: Budget, out: &mut String) -> std::fmt::Result {
    writeln!(out, "## Performance Review")?;
    writeln!(out)?;
    writeln!(out, "### Summary")?;
    writeln!(out, "{}", summary(r, budget.flavor))?;
    writeln!(out)?;

    writeln!(out, "### Issues Found")?;
    write_issues(r, budget, out)?;
    writeln!(out)?;

    if !r.report.baseline_growth.is_empty() {
        write_baseline_growth(r, budget.flavor, out)?;
        writeln!(out)?;
    }

    writeln!(out, "### Benchmarks Run")?;
    write_benchmarks(r, budget, out)?;
    writeln!(out)?;
    write_complexity(r, budget, out)?;

    writeln!(out, "### Architecture Compliance")?;
    let mut issue_lines = 0;
    for line in &r.architecture {
        let is_issue = line.text.starts_with("Issue:");
        if is_issue {
            issue_lines += 1;
            if issue_lines > budget.items {
                continue;
            }
        }
        writeln!(out, "{}", checklist_line(line, budget.flavor))?;
    }
    if issue_lines > budget.items {
        writeln!(
            out,
            "- [ ] ... and {} more architecture issues (see the JSON report)",
            issue_lines - budget.items
        )?;
    }
    if budget.flavor == Flavor::Markdown {
        write_crate_diagram(r, out)?;
    }
    writeln!(out)?;
    writeln!(out, "Performance Checklist:")?;
    for line in &r.performance {
        writeln!(out, "{}", checklist_line(line, budget.flavor))?;
    }
    writeln!(out)?;

    writeln!(out, "### Verdict")?;
    writeln!(out, "{}", r.verdict.label())?;
    if r.verdict == Verdict::ChangesRequested {
        writeln!(out)?;
        writeln!(out, "Fix before merging:")?;
        for (i, item) in r.to_fix.iter().take(budget.items.max(1)).enumerate() {
            writeln!(out, "{}. {}", i + 1, budget.flavor.text(item))?;
        }
        let rest = r.to_fix.len().saturating_sub(budget.items.max(1));
        if rest > 0 {
            writeln!(out, "... and {rest} more (see the JSON report)")?;
        }
    }
    Ok(())
}

/// The findings that count, blocking first, then the other new CRITICAL and WARNING findings, up to the
/// budget; then the count of the rest; then the table of what does not block.
fn write_issues(r: &Review, budget: Budget, out: &mut String) -> std::fmt::Result {
    let listed: Vec<&Finding> = r
        .blocking
        .iter()
        .filter_map(|&i| r.issues.get(i))
        .chain(
            r.issues
                .iter()
                .enumerate()
                .filter(|(i, f)| !r.blocking.contains(i) && f.severity != Severity::Info)
                .map(|(_, f)| f),
        )
        .collect();
    let not_listed = r.issues.len() - listed.len() + r.pre_existing.len() + r.accepted.len();
    if listed.is_empty() && not_listed == 0 {
        writeln!(out, "None.")?;
    }
    // Many unexplained clones cost little each: a few are listed, the rest counted per crate and file
    // (JSON and SARIF keep every one).
    let clones: Vec<&Finding> = listed
        .iter()
        .copied()
        .filter(|f| f.rule_id == CLONE_RULE)
        .skip(CLONES_LISTED)
        .collect();
    let listed: Vec<&Finding> = if clones.is_empty() {
        listed
    } else {
        let mut kept = 0;
        listed
            .into_iter()
            .filter(|f| {
                f.rule_id != CLONE_RULE || {
                    kept += 1;
                    kept <= CLONES_LISTED
                }
            })
            .collect()
    };
    for (n, f) in listed.iter().take(budget.items).enumerate() {
        writeln!(out, "{}. {}", n + 1, issue_line(f, budget.flavor))?;
    }
    if !clones.is_empty() {
        writeln!(out, "\n{}", clone_summary(&clones, budget.flavor))?;
    }
    if listed.len() > budget.items {
        writeln!(
            out,
            "\n... and {} more new findings ({} of them blocking): the full list is in the JSON report (`--format json`) and SARIF (`--format sarif`).",
            listed.len() - budget.items,
            r.blocking.len().saturating_sub(budget.items)
        )?;
    }
    if not_listed > 0 {
        write_not_blocking(r, not_listed, budget.flavor, out)?;
    }
    Ok(())
}

/// Each entry the baseline file gained since the base: a finding the change accepts for itself.
fn write_baseline_growth(r: &Review, flavor: Flavor, out: &mut String) -> std::fmt::Result {
    let grown = &r.report.baseline_growth;
    writeln!(out, "### Baseline Growth")?;
    writeln!(
        out,
        "The baseline file gained {} {} since the base; {}:",
        grown.len(),
        plural(grown.len(), "entry", "entries"),
        if r.growth_accepted {
            "accepted with `--accept-baseline-growth`"
        } else {
            "each accepts a finding this change brings, so it blocks"
        }
    )?;
    for (n, g) in grown.iter().enumerate() {
        let k = &g.key;
        let mut what = format!("`{}`", k.rule);
        if let Some(file) = &k.file {
            what.push_str(&format!(" in {file}"));
            if let Some(line) = g.line {
                what.push_str(&format!(":{line}"));
            }
        }
        if let Some(item) = &k.item {
            what.push_str(&format!(" (`{item}`)"));
        }
        if let Some(code) = &k.code {
            what.push_str(&format!(": `{code}`"));
        }
        if !k.edge.is_empty() {
            what.push_str(&format!(": {}", k.edge.join(" -> ")));
        }
        writeln!(out, "{}. {}", n + 1, flavor.text(&what))?;
    }
    Ok(())
}

/// The rule whose findings are summarised when there are many.
const CLONE_RULE: &str = "clone-justified";
/// How many `clone-justified` findings the review lists one by one.
const CLONES_LISTED: usize = 5;

/// One line for the unexplained clones not listed: how many, per crate and file (the files with the
/// most first, at most five per crate).
fn clone_summary(clones: &[&Finding], flavor: Flavor) -> String {
    let mut per: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for f in clones {
        let file = f.location.as_ref().map_or("", |l| l.file.as_str());
        *per.entry(f.package.as_deref().unwrap_or(""))
            .or_default()
            .entry(file)
            .or_default() += 1;
    }
    let crates: Vec<String> = per
        .iter()
        .map(|(krate, files)| {
            let mut files: Vec<(&str, usize)> = files.iter().map(|(f, n)| (*f, *n)).collect();
            files.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            let shown: Vec<String> = files
                .iter()
                .take(5)
                .map(|(file, n)| format!("{} ({n})", flavor.text(file)))
                .collect();
            let more = files.len().saturating_sub(5);
            let more = if more > 0 {
                format!(" and {more} more files")
            } else {
                String::new()
            };
            format!("{}: {}{more}", flavor.text(krate), shown.join(", "))
        })
        .collect();
    format!(
        "... and {} more `.clone()` without a comment saying why (clone-justified, blocking new code; each costs little outside hot paths): {}",
        clones.len(),
        crates.join("; ")
    )
}

/// Counts per rule of what does not block: new INFO findings, pre-existing ones, accepted ones.
fn write_not_blocking(
    r: &Review,
    total: usize,
    flavor: Flavor,
    out: &mut String,
) -> std::fmt::Result {
    #[derive(Default)]
    struct Counts {
        info: usize,
        pre_existing: usize,
        accepted: usize,
    }
    let mut rows: BTreeMap<(Severity, &str), Counts> = BTreeMap::new();
    let info = r.issues.iter().filter(|f| f.severity == Severity::Info);
    for f in info.chain(&r.pre_existing).chain(&r.accepted) {
        let row = rows.entry((f.severity, f.rule_id.as_str())).or_default();
        match f.baseline {
            Baseline::PreExisting => row.pre_existing += 1,
            Baseline::Accepted => row.accepted += 1,
            Baseline::NoBase | Baseline::New => row.info += 1,
        }
    }
    writeln!(out)?;
    flavor.open(
        out,
        &format!(
            "{total} {} not block (INFO, pre-existing at the base, accepted by the baseline)",
            plural(total, "finding that does", "findings that do")
        ),
    )?;
    writeln!(
        out,
        "| Rule | Severity | New (INFO) | Pre-existing | Accepted |"
    )?;
    writeln!(
        out,
        "|------|----------|------------|--------------|----------|"
    )?;
    for ((severity, rule), c) in &rows {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            flavor.cell()(rule),
            severity.label(),
            c.info,
            c.pre_existing,
            c.accepted
        )?;
    }
    flavor.close(out)
}

fn write_benchmarks(r: &Review, budget: Budget, out: &mut String) -> std::fmt::Result {
    writeln!(out, "| Benchmark | Before | After | Change |")?;
    writeln!(out, "|-----------|--------|-------|--------|")?;
    let benches = &r.report.benchmarks;
    if benches.is_empty() {
        return writeln!(out, "| (none run) | - | - | - |");
    }
    // Changed benchmarks first when not all fit.
    let changed = |s: BenchStatus| !matches!(s, BenchStatus::Unchanged | BenchStatus::New);
    let mut shown: Vec<_> = benches.iter().filter(|b| changed(b.status)).collect();
    shown.extend(benches.iter().filter(|b| !changed(b.status)));
    for b in shown.iter().take(budget.bench_rows) {
        writeln!(out, "{}", bench_row(b, budget.flavor.cell()))?;
        write_attribution(b, budget.flavor, out)?;
    }
    if shown.len() > budget.bench_rows {
        writeln!(
            out,
            "| ... and {} more benchmarks (see the JSON report) | | | |",
            shown.len() - budget.bench_rows
        )?;
    }
    Ok(())
}

/// The "Complexity" table (see [`complexity_table`]); nothing when no family was fitted.
fn write_complexity(r: &Review, budget: Budget, out: &mut String) -> std::fmt::Result {
    let table = complexity_table(&r.report, budget.bench_rows, budget.flavor.cell());
    if table.is_empty() {
        return Ok(());
    }
    writeln!(out, "Complexity:")?;
    writeln!(out)?;
    writeln!(out, "{table}")
}

/// Under a benchmark's row, where its change went: in markdown a collapsed block in a row of its own (the
/// culprit's share as its summary; each function listed; the flamegraph named), on a terminal the summary
/// and the flamegraph only.
fn write_attribution(b: &BenchmarkResult, flavor: Flavor, out: &mut String) -> std::fmt::Result {
    let summary = b.attribution.as_ref().map(attribution_summary);
    if summary.is_none() && b.flamegraph.is_none() {
        return Ok(());
    }
    let cell = flavor.cell();
    let summary = summary.unwrap_or_else(|| "profile".to_owned());
    match flavor {
        Flavor::Terminal => {
            writeln!(out, "|   where: {} | | | |", cell(&summary))?;
            if let Some(svg) = &b.flamegraph {
                writeln!(out, "|   flamegraph: {} | | | |", cell(svg))?;
            }
            Ok(())
        }
        Flavor::Markdown => {
            let mut lines: Vec<String> = Vec::new();
            for f in b.attribution.iter().flat_map(|a| &a.functions) {
                let [before, after, change] = function_figures(f);
                lines.push(format!(
                    "{}: {before} -&gt; {after} ({})",
                    cell(&format!("`{}`", function_name(f))),
                    cell(&change)
                ));
            }
            if let Some(note) = b.attribution.as_ref().and_then(|a| a.note.as_ref()) {
                lines.push(cell(note));
            }
            if let Some(svg) = &b.flamegraph {
                lines.push(format!("flamegraph: {}", cell(&format!("`{svg}`"))));
            }
            writeln!(
                out,
                "| <details><summary>where: {}</summary>{}</details> | | | |",
                cell(&summary),
                lines.join("<br>")
            )
        }
    }
}

/// The crates of the broken crate-boundary rules and the edges of their paths, as a mermaid diagram
/// (GitHub renders it), violating edges in red.
fn write_crate_diagram(r: &Review, out: &mut String) -> std::fmt::Result {
    const MAX_EDGES: usize = 60;
    let mut nodes: Vec<&str> = Vec::new();
    let mut edges: Vec<(usize, usize, bool)> = Vec::new();
    let boundary = r.issues.iter().filter(|f| {
        f.category == Category::Architecture && f.kind != crate::arch::Kind::NewCoupling.as_str()
    });
    for f in boundary {
        for path in f.paths.iter().take(1) {
            for hop in &path.hops {
                let (from, to) = (node(&mut nodes, &hop.from), node(&mut nodes, &hop.to));
                if !edges.iter().any(|(a, b, _)| (*a, *b) == (from, to)) && edges.len() < MAX_EDGES
                {
                    edges.push((from, to, true));
                }
            }
        }
    }
    if edges.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(
        out,
        "<details><summary>Crates involved ({} crates, violating edges in red)</summary>",
        nodes.len()
    )?;
    writeln!(out)?;
    writeln!(out, "```mermaid")?;
    writeln!(out, "flowchart LR")?;
    for (i, name) in nodes.iter().enumerate() {
        let label: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        writeln!(out, "  n{i}[\"{label}\"]")?;
    }
    for (from, to, _) in &edges {
        writeln!(out, "  n{from} --> n{to}")?;
    }
    for (i, (_, _, violating)) in edges.iter().enumerate() {
        if *violating {
            writeln!(out, "  linkStyle {i} stroke:#d73a49,stroke-width:2px")?;
        }
    }
    writeln!(out, "```")?;
    writeln!(out)?;
    writeln!(out, "</details>")
}

/// The index of `name` in `nodes`, added if new.
fn node<'a>(nodes: &mut Vec<&'a str>, name: &'a str) -> usize {
    match nodes.iter().position(|n| *n == name) {
        Some(i) => i,
        None => {
            nodes.push(name);
            nodes.len() - 1
        }
    }
}

/// `**[CRITICAL]** description -- file:line -- estimated impact`.
pub fn issue_line(f: &Finding, flavor: Flavor) -> String {
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
        "**[{}]** [{}] {} -- {} -- {}",
        f.severity.label(),
        flavor.text(&f.rule_id),
        flavor.text(&f.message),
        flavor.text(&place),
        flavor.text(impact)
    )
}

fn checklist_line(line: &ChecklistLine, flavor: Flavor) -> String {
    let rules = line.checked_by.join(", ");
    let text = flavor.text(&line.text);
    match &line.state {
        CheckState::Failed(_) if line.text.starts_with("Issue:") => format!("- [ ] {text}"),
        CheckState::Passed if rules.is_empty() => format!("- [x] {text}"),
        CheckState::Passed => format!("- [x] {text} (checked by {rules})"),
        CheckState::Failed(n) if rules.is_empty() => format!("- [ ] {text} ({n} found)"),
        CheckState::Failed(n) => format!("- [ ] {text} ({n} found by {rules})"),
        CheckState::NotChecked(why) => format!("- [ ] {text} (not checked: {why})"),
    }
}

/// Counts by severity: `2 CRITICAL, 1 WARNING, 0 INFO`.
fn by_severity(findings: &[Finding]) -> String {
    let count = |sev: Severity| findings.iter().filter(|f| f.severity == sev).count();
    format!(
        "{} CRITICAL, {} WARNING, {} INFO",
        count(Severity::Critical),
        count(Severity::Warning),
        count(Severity::Info)
    )
}

/// The one-paragraph summary: pass/fail, counts of new, pre-existing and accepted findings per severity,
/// the top blocking items.
pub fn summary(r: &Review, flavor: Flavor) -> String {
    let mut s = match r.verdict {
        Verdict::Approved => "PASS".to_owned(),
        Verdict::ChangesRequested => "FAIL".to_owned(),
    };
    let tools: Vec<&str> = r.tools.iter().map(|t| t.part_name()).collect();
    let scope = match &r.report.base {
        Some(base) => format!(
            " against base {} ({})",
            flavor.text(&base.rev),
            short(&base.commit)
        ),
        None => String::new(),
    };
    let new = if r.report.base.is_some() { "new " } else { "" };
    s.push_str(&format!(
        ": checked {}{scope} with {} rules. {} {new}{} ({}), {} blocking.",
        if tools.is_empty() {
            "nothing".to_owned()
        } else {
            tools.join(", ")
        },
        r.report.rules_checked.len(),
        r.issues.len(),
        plural(r.issues.len(), "finding", "findings"),
        by_severity(&r.issues),
        r.blocking.len(),
    ));
    if !r.pre_existing.is_empty() {
        s.push_str(&format!(
            " {} pre-existing at the base ({}), not blocking.",
            r.pre_existing.len(),
            by_severity(&r.pre_existing)
        ));
    }
    if !r.accepted.is_empty() {
        s.push_str(&format!(
            " {} accepted by the baseline ({}), not blocking.",
            r.accepted.len(),
            by_severity(&r.accepted)
        ));
    }
    if let Some(applied) = r.baseline.as_ref().filter(|a| a.fixed > 0) {
        s.push_str(&format!(
            " {} baselined {} fixed: run `cargo lumen-gate --write-baseline` to shrink the baseline.",
            applied.fixed,
            plural(applied.fixed, "finding is", "findings are")
        ));
    }
    let grown = r.report.baseline_growth.len();
    if grown > 0 {
        s.push_str(&format!(
            " The baseline file gained {grown} {} since the base ({}).",
            plural(grown, "entry", "entries"),
            if r.growth_accepted {
                "accepted with `--accept-baseline-growth`"
            } else {
                "blocking"
            }
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
        .map(|f| format!("{} ({})", flavor.text(&f.message), f.rule_id))
        .collect();
    if !key.is_empty() {
        s.push_str(&format!(" Top blocking: {}.", key.join("; ")));
    }
    if !r.report.problems.is_empty() {
        s.push_str(&format!(
            " {} {} could not be checked.",
            r.report.problems.len(),
            plural(r.report.problems.len(), "file", "files")
        ));
    }
    for note in &r.report.notes {
        s.push_str(&format!(" Note: {}.", flavor.text(note)));
    }
    s
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}
