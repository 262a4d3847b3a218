//! `cargo lumen-arch`'s human output: a diagnostic per finding (with every dependency path under
//! `--explain`), the files that could not be checked, and a summary line.

use std::io::Write;

use camino::Utf8Path;

use crate::gate::verdict::Decision;
use crate::output::Verbosity;
use crate::render::escape;
use crate::render::human::{HumanStyle, write_findings};
use crate::report::{Baseline, DepKind, DepPath, Finding, Hop, Report};

/// What to show.
#[derive(Clone, Copy, Debug)]
pub struct ArchView {
    /// Diagnostics style.
    pub style: HumanStyle,
    /// `-q`, `-v`.
    pub verbosity: Verbosity,
    /// `--explain`: every path of each finding, hop by hop.
    pub explain: bool,
}

/// Writes the report for people; `decision` is the verdict policy's, which says how many findings block.
pub fn write_human(
    report: &Report,
    decision: &Decision,
    view: ArchView,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let root = Utf8Path::new(&report.workspace_root);
    for finding in &report.findings {
        write_findings(std::slice::from_ref(finding), root, view.style, out)?;
        if view.explain {
            writeln!(out, "{}", paths_text(finding))?;
        }
    }
    for problem in &report.problems {
        let at = problem
            .location
            .as_ref()
            .map(|l| format!("{}: ", escape::terminal(&l.to_string())))
            .unwrap_or_default();
        writeln!(
            out,
            "warning: could not check {at}{}",
            escape::terminal(&problem.message)
        )?;
    }
    if view.verbosity > Verbosity::Quiet {
        writeln!(out, "{}", summary(report, decision.blocking.len()))?;
    }
    Ok(())
}

/// `lumen-arch: 7 rules checked, 2 violations, 1 pre-existing (base main at 1a2b3c4d5e6f)`.
fn summary(report: &Report, blocking: usize) -> String {
    let pre = report
        .findings
        .iter()
        .filter(|f| f.baseline == Baseline::PreExisting)
        .count();
    let mut line = format!(
        "lumen-arch: {} rules checked, {} {}",
        report.rules_checked.len(),
        blocking,
        if blocking == 1 {
            "violation"
        } else {
            "violations"
        }
    );
    if pre > 0 {
        line.push_str(&format!(", {pre} pre-existing"));
    }
    if let Some(base) = &report.base {
        line.push_str(&format!(
            " (base {} at {})",
            base.rev,
            &base.commit[..base.commit.len().min(12)]
        ));
    }
    line
}

/// Every shortest path of a finding, hop by hop with edge kinds, enabling features and manifest lines.
pub fn paths_text(finding: &Finding) -> String {
    let mut out = String::new();
    for (i, path) in finding.paths.iter().enumerate() {
        out.push_str(&format!("  path {}: {}\n", i + 1, path_names(path)));
        for hop in &path.hops {
            out.push_str(&format!("    {}\n", hop_text(hop)));
            if !hop.feature_chain.is_empty() {
                out.push_str(&format!(
                    "      feature chain: {}\n",
                    hop.feature_chain.join(" -> ")
                ));
            }
        }
    }
    out
}

/// `a -> b -> c`.
pub fn path_names(path: &DepPath) -> String {
    let mut names: Vec<&str> = path
        .hops
        .first()
        .map(|h| h.from.as_str())
        .into_iter()
        .collect();
    names.extend(path.hops.iter().map(|h| h.to.as_str()));
    names.join(" -> ")
}

/// `a -> b [normal, optional, via feature `x` of a, target-specific: cfg(unix)] declared at a/Cargo.toml:7`.
pub fn hop_text(hop: &Hop) -> String {
    let kinds: Vec<&str> = hop.kinds.iter().map(|k| k.label()).collect();
    let mut text = format!("{} -> {} [{}", hop.from, hop.to, kinds.join(", "));
    if hop.kinds == [DepKind::Dev] {
        text.push_str(": dev-dependency only");
    }
    if hop.optional {
        text.push_str(", optional");
        if !hop.enabled_by.is_empty() {
            let named: Vec<String> = hop.enabled_by.iter().map(|f| format!("`{f}`")).collect();
            text.push_str(&format!(
                ", via feature {} of {}",
                named.join(", "),
                hop.from
            ));
        }
    }
    if let Some(platform) = &hop.platform {
        text.push_str(&format!(", target-specific: {platform}"));
    }
    text.push(']');
    match &hop.declared_at {
        Some(loc) => text.push_str(&format!(" declared at {}:{}", loc.file, loc.line)),
        None => text.push_str(" (declaration not found in the manifest)"),
    }
    text
}
