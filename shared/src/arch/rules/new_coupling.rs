//! `[arch.new-coupling]`: with `--base`, every workspace-internal edge HEAD has and the base did not.

use std::collections::BTreeSet;

use crate::arch::cfg::NewCouplingRule;
use crate::arch::graph::{ArchGraph, Edge, EdgeFilter};
use crate::arch::rules::{RuleMeta, edge_finding, edge_label};
use crate::report::{DepKind, Finding};

/// The rule's one-line description.
pub(super) const DESCRIPTION: &str =
    "with --base: every workspace-internal edge that HEAD has and the base did not";

/// A compiled new-coupling rule.
#[derive(Clone, Debug)]
pub struct NewCoupling {
    /// Id, why, severity.
    pub meta: RuleMeta,
    /// Edges that count.
    pub filter: EdgeFilter,
}

type EdgeKey = (String, String, DepKind);

impl NewCoupling {
    /// Compiles the configured rule.
    pub(super) fn compile(r: &NewCouplingRule, meta: RuleMeta) -> NewCoupling {
        NewCoupling {
            meta,
            filter: EdgeFilter {
                kinds: r.kinds.to_vec(),
                include_optional: true,
            },
        }
    }

    /// Every internal edge of `head` (under the rule's filter) that `base` did not have.
    pub fn check(&self, head: &ArchGraph<'_>, base: &ArchGraph<'_>) -> Vec<Finding> {
        let before = internal_edges(base, &self.filter);
        let mut findings = Vec::new();
        for member in head.ws.members() {
            for edge in head.edges(member, &self.filter) {
                let to = edge.link.to();
                if !to.in_workspace() {
                    continue;
                }
                let new_kinds: Vec<DepKind> = edge
                    .kinds
                    .iter()
                    .copied()
                    .filter(|k| {
                        !before.contains(&(member.name().to_owned(), to.name().to_owned(), *k))
                    })
                    .collect();
                if new_kinds.is_empty() {
                    continue;
                }
                let shown = Edge {
                    kinds: new_kinds,
                    ..edge
                };
                let message = format!(
                    "new dependency `{}` -> `{}` ({}) since the base",
                    member.name(),
                    to.name(),
                    edge_label(head, &shown)
                );
                findings.push(edge_finding(head, &self.meta, &shown, message));
            }
        }
        findings
    }
}

/// Internal edges (member to member) by (from, to, kind).
fn internal_edges(graph: &ArchGraph<'_>, filter: &EdgeFilter) -> BTreeSet<EdgeKey> {
    let mut edges = BTreeSet::new();
    for member in graph.ws.graph.workspace().iter() {
        for edge in graph.edges(member, filter) {
            if !edge.link.to().in_workspace() {
                continue;
            }
            for kind in &edge.kinds {
                edges.insert((
                    member.name().to_owned(),
                    edge.link.to().name().to_owned(),
                    *kind,
                ));
            }
        }
    }
    edges
}
