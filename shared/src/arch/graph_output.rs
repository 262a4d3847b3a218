//! `--graph mermaid|dot`: the workspace crate graph, layers as clusters, violating edges marked.

use std::collections::BTreeSet;

use crate::arch::graph::{ArchGraph, EdgeFilter};
use crate::arch::rules::Rule;
use crate::report::{DepKind, Finding};

/// Graph output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// Mermaid flowchart (renders in GitHub markdown).
    Mermaid,
    /// Graphviz dot.
    Dot,
}

struct GraphEdge {
    from: String,
    to: String,
    dev_only: bool,
    violations: Vec<String>,
}

/// Renders the graph of workspace members.
pub fn render(
    graph: &ArchGraph<'_>,
    rules: &[Rule],
    findings: &[Finding],
    format: GraphFormat,
) -> String {
    let members = graph.ws.members();
    let names: Vec<String> = members.iter().map(|m| m.name().to_owned()).collect();
    let layers: Vec<Vec<String>> = rules
        .iter()
        .find_map(|r| match r {
            Rule::Layers(rule) => Some(
                rule.layers
                    .iter()
                    .map(|l| {
                        names
                            .iter()
                            .filter(|n| l.iter().any(|p| p.matches(n)))
                            .cloned()
                            .collect()
                    }) // cloned: the layer lists own names
                    .collect(),
            ),
            _ => None,
        })
        .unwrap_or_default();
    let violating: BTreeSet<(String, String, String)> = findings
        .iter()
        .flat_map(|f| {
            f.paths.iter().flat_map(move |p| {
                p.hops
                    .iter()
                    .map(move |h| (h.from.clone(), h.to.clone(), f.rule_id.clone())) // cloned: the set owns its keys
            })
        })
        .collect();
    let all = EdgeFilter::all(vec![DepKind::Normal, DepKind::Build, DepKind::Dev]);
    let mut edges = Vec::new();
    for m in &members {
        for e in graph.edges(*m, &all) {
            let to = e.link.to();
            if !to.in_workspace() {
                continue;
            }
            let violations = violating
                .iter()
                .filter(|(f, t, _)| f == m.name() && t == to.name())
                .map(|(_, _, r)| r.clone()) // cloned: the edge owns its labels
                .collect();
            edges.push(GraphEdge {
                from: m.name().to_owned(),
                to: to.name().to_owned(),
                dev_only: e.dev_only(),
                violations,
            });
        }
    }
    match format {
        GraphFormat::Mermaid => mermaid(&names, &layers, &edges),
        GraphFormat::Dot => dot(&names, &layers, &edges),
    }
}

fn node_id(name: &str) -> String {
    name.replace(['-', '.'], "_")
}

fn mermaid(names: &[String], layers: &[Vec<String>], edges: &[GraphEdge]) -> String {
    let mut out = String::from("graph TD\n");
    let mut placed = BTreeSet::new();
    for (i, layer) in layers.iter().enumerate() {
        out.push_str(&format!("  subgraph layer{}[\"layer {}\"]\n", i + 1, i + 1));
        for n in layer {
            out.push_str(&format!("    {}[\"{n}\"]\n", node_id(n)));
            placed.insert(n.as_str());
        }
        out.push_str("  end\n");
    }
    for n in names.iter().filter(|n| !placed.contains(n.as_str())) {
        out.push_str(&format!("  {}[\"{n}\"]\n", node_id(n)));
    }
    let mut red = Vec::new();
    for (i, e) in edges.iter().enumerate() {
        let (from, to) = (node_id(&e.from), node_id(&e.to));
        if !e.violations.is_empty() {
            out.push_str(&format!(
                "  {from} -->|\"violates {}\"| {to}\n",
                e.violations.join(", ")
            ));
            red.push(i.to_string());
        } else if e.dev_only {
            out.push_str(&format!("  {from} -.->|dev| {to}\n"));
        } else {
            out.push_str(&format!("  {from} --> {to}\n"));
        }
    }
    if !red.is_empty() {
        out.push_str(&format!(
            "  linkStyle {} stroke:#d00,stroke-width:3px\n",
            red.join(",")
        ));
    }
    out
}

fn dot(names: &[String], layers: &[Vec<String>], edges: &[GraphEdge]) -> String {
    let mut out = String::from("digraph workspace {\n  rankdir=TB;\n  node [shape=box];\n");
    for (i, layer) in layers.iter().enumerate() {
        out.push_str(&format!(
            "  subgraph cluster_layer{} {{\n    label=\"layer {}\";\n",
            i + 1,
            i + 1
        ));
        for n in layer {
            out.push_str(&format!("    \"{n}\";\n"));
        }
        out.push_str("  }\n");
    }
    for n in names {
        out.push_str(&format!("  \"{n}\";\n"));
    }
    for e in edges {
        let attrs = if !e.violations.is_empty() {
            format!(
                " [color=red, penwidth=2, label=\"violates {}\"]",
                e.violations.join(", ")
            )
        } else if e.dev_only {
            " [style=dashed, label=\"dev\"]".to_owned()
        } else {
            String::new()
        };
        out.push_str(&format!("  \"{}\" -> \"{}\"{attrs};\n", e.from, e.to));
    }
    out.push_str("}\n");
    out
}
