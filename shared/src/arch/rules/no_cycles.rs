//! `[arch.no-cycles]`: no dependency cycle between workspace crates, dev-dependencies included (cargo
//! allows dev-dependency cycles; the rule does not).

use guppy::graph::PackageMetadata;

use crate::arch::graph::{Edge, EdgeFilter};
use crate::arch::rules::{Context, RuleMeta};
use crate::report::{DepKind, Finding};

/// The rule's one-line description.
pub(super) const DESCRIPTION: &str =
    "no cycles between workspace crates, dev-dependencies included";

/// The no-cycles rule.
#[derive(Clone, Debug)]
pub struct NoCycles {
    /// Id, why, severity.
    pub meta: RuleMeta,
}

impl NoCycles {
    /// One finding per cycle among workspace members, walked hop by hop.
    pub(super) fn check(&self, ctx: &mut Context<'_, '_>) -> Vec<Finding> {
        let graph = ctx.graph;
        let all = EdgeFilter {
            kinds: vec![DepKind::Normal, DepKind::Build, DepKind::Dev],
            include_optional: true,
        };
        let mut findings = Vec::new();
        for cycle in graph.ws.graph.cycles().all_cycles() {
            let members: Vec<PackageMetadata<'_>> =
                cycle.iter().filter_map(|id| graph.ws.member(id)).collect();
            if members.len() < 2 && cycle.len() >= 2 {
                continue;
            }
            let Some(first) = members.first() else {
                continue;
            };
            // Walk the cycle from its first member back to itself, one shortest path per hop.
            let mut edges: Vec<Edge<'_>> = Vec::new();
            for (i, pkg) in members.iter().enumerate() {
                let next = members[(i + 1) % members.len()];
                if let Some(p) = graph.shortest_paths_within(*pkg, next.id(), &all, &members) {
                    edges.extend(p);
                }
            }
            let names: Vec<String> = std::iter::once(first.name().to_owned())
                .chain(edges.iter().map(|e| e.link.to().name().to_owned()))
                .collect();
            let dev: Vec<String> = edges
                .iter()
                .filter(|e| e.dev_only())
                .map(|e| format!("{} -> {}", e.link.from().name(), e.link.to().name()))
                .collect();
            let note = if dev.is_empty() {
                String::new()
            } else {
                format!(
                    " (dev-dependency edges: {}; cargo allows these, the rule does not)",
                    dev.join(", ")
                )
            };
            let message = format!("dependency cycle: {}{note}", names.join(" -> "));
            findings.push(
                self.meta
                    .finding(message, names, vec![graph.dep_path(&edges)]),
            );
        }
        findings
    }
}
