//! `--explain`: the dependency paths behind each finding, and what a rule means and matches.

use crate::arch::graph::ArchGraph;
use crate::arch::rules::Rule;
use crate::report::{DepPath, Finding, Hop};

/// Every shortest path of a finding, hop by hop with edge kinds, enabling features and manifest lines.
pub fn paths_text(finding: &Finding) -> String {
    let mut out = String::new();
    for (i, path) in finding.paths.iter().enumerate() {
        out.push_str(&format!("  path {}: {}\n", i + 1, path_names(path)));
        for hop in &path.hops {
            out.push_str(&format!("    {}\n", hop_text(hop)));
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

/// `a -> b [normal, optional, enabled by feature x] declared at a/Cargo.toml:7`.
pub fn hop_text(hop: &Hop) -> String {
    let kinds: Vec<&str> = hop.kinds.iter().map(|k| k.label()).collect();
    let mut text = format!("{} -> {} [{}", hop.from, hop.to, kinds.join(", "));
    if hop.kinds == [crate::report::DepKind::Dev] {
        text.push_str(": dev-dependency only");
    }
    if hop.optional {
        text.push_str(", optional");
        if !hop.enabled_by.is_empty() {
            text.push_str(&format!(
                ", enabled by feature {}",
                hop.enabled_by.join(", ")
            ));
        }
    }
    text.push(']');
    match &hop.declared_at {
        Some(loc) => text.push_str(&format!(" declared at {}:{}", loc.file, loc.line)),
        None => text.push_str(" (declaration not found in the manifest)"),
    }
    text
}

/// What a rule means and which crates it matches.
pub fn rule_text(rule: &Rule, graph: &ArchGraph<'_>) -> String {
    let meta = rule.meta();
    let mut out = String::new();
    line(
        &mut out,
        format!(
            "rule `{}` ({}), severity {}",
            meta.id,
            meta.kind,
            meta.severity.label()
        ),
    );
    line(&mut out, format!("  checks: {}", meta.description));
    line(&mut out, format!("  why: {}", meta.why));
    let names: Vec<&str> = graph.packages().iter().map(|p| p.name()).collect();
    let matching = |p: &crate::arch::patterns::CratePattern| -> String {
        let m: Vec<&str> = names.iter().copied().filter(|n| p.matches(n)).collect();
        format!("`{}` matches {}", p.text, m.join(", "))
    };
    match rule {
        Rule::Forbid { from, to, .. } => {
            line(&mut out, format!("  from: {}", matching(from)));
            line(&mut out, format!("  to: {}", matching(to)));
        }
        Rule::Layers { layers, .. } => {
            for (i, layer) in layers.iter().enumerate() {
                let parts: Vec<String> = layer.iter().map(&matching).collect();
                line(
                    &mut out,
                    format!(
                        "  layer {} (may depend on layers below): {}",
                        i + 1,
                        parts.join("; ")
                    ),
                );
            }
        }
        Rule::OnlyThrough {
            from, to, modules, ..
        } => {
            line(&mut out, format!("  from: {}", matching(from)));
            let allowed: Vec<String> = modules.iter().map(|m| m.join("::")).collect();
            line(
                &mut out,
                format!("  to: `{to}`, allowed modules: {}", allowed.join(", ")),
            );
        }
        Rule::Require {
            crates,
            depends_on,
            implements,
            ..
        } => {
            line(&mut out, format!("  crates: {}", matching(crates)));
            line(&mut out, format!("  must depend on: `{depends_on}`"));
            if let Some(t) = implements {
                line(&mut out, format!("  must implement: `{t}`"));
            }
        }
        Rule::Independent { crates, .. } => {
            let parts: Vec<String> = crates.iter().map(&matching).collect();
            line(&mut out, format!("  crates: {}", parts.join("; ")));
        }
        Rule::NoCycles { .. } | Rule::NewCoupling { .. } => {
            line(&mut out, "  applies to every workspace member".to_string());
        }
    }
    out
}

fn line(out: &mut String, text: String) {
    out.push_str(&text);
    out.push('\n');
}
