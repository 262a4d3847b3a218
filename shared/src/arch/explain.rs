//! `--explain RULE`: what a rule means and which crates it matches. (The dependency paths behind each
//! finding are rendered from the report: `crate::render::arch`.)

use crate::arch::graph::ArchGraph;
use crate::arch::rules::Rule;

/// What a rule means and which crates it matches.
pub fn rule_text(rule: &Rule, graph: &ArchGraph<'_>) -> String {
    let meta = rule.meta();
    let names: Vec<&str> = graph.packages().iter().map(|p| p.name()).collect();
    let mut out = format!(
        "rule `{}` ({}), severity {}\n  checks: {}\n  why: {}\n",
        meta.id,
        meta.kind.as_str(),
        meta.severity.label(),
        meta.description,
        meta.why
    );
    for line in rule.describe(&names) {
        out.push_str("  ");
        out.push_str(&line);
        out.push('\n');
    }
    out
}
