//! `[arch.new-coupling]`: with `--base`, every workspace-internal edge HEAD has and the base did not.

use std::collections::BTreeSet;

use crate::arch::cfg::{Features, NewCouplingRule};
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
    pub(super) fn compile(r: &NewCouplingRule, meta: RuleMeta, features: Features) -> NewCoupling {
        NewCoupling {
            meta,
            filter: EdgeFilter {
                kinds: r.kinds.to_vec(),
                include_optional: true,
                features,
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

#[cfg(test)]
mod tests {
    use crate::arch::graph::ArchGraph;
    use crate::arch::rules::Rule;
    use crate::arch::rules::tests::{
        compile_rules, fixture, load, messages, paths, recorded, without_dependency,
    };
    use crate::report::{DepKind, Finding, Severity};
    use crate::workspace::Workspace;

    /// The findings of the `[arch.new-coupling]` rule in `toml`, HEAD against the base.
    fn new_edges(head: &Workspace, base: &Workspace, toml: &str) -> Vec<Finding> {
        let rules = compile_rules(head, toml);
        let [Rule::NewCoupling(rule)] = rules.as_slice() else {
            panic!("expected one new-coupling rule, got {rules:?}")
        };
        rule.check(&ArchGraph::new(head), &ArchGraph::new(base))
    }

    #[test]
    fn the_same_graph_has_no_new_coupling() {
        assert_eq!(
            new_edges(&fixture(), &fixture(), "[arch.new-coupling]\n"),
            []
        );
    }

    #[test]
    fn an_edge_the_base_did_not_have_is_new() {
        let mut json = recorded();
        without_dependency(&mut json, "plugin-b", "plugin-a");
        let findings = new_edges(&fixture(), &load(&json), "[arch.new-coupling]\n");
        assert_eq!(
            messages(&findings),
            ["new dependency `plugin-b` -> `plugin-a` (normal) since the base"]
        );
        let f = &findings[0];
        assert_eq!(f.rule_id, "new-coupling");
        assert_eq!(f.kind, "arch::new-coupling");
        assert_eq!(f.severity, Severity::Warning, "the default severity");
        assert_eq!(f.crates, ["plugin-b", "plugin-a"]);
        assert_eq!(paths(f), ["plugin-b -> plugin-a"]);
    }

    #[test]
    fn the_kinds_decide_which_new_edges_count() {
        let mut json = recorded();
        without_dependency(&mut json, "util", "engine");
        let base = load(&json);
        let head = fixture();
        let findings = new_edges(&head, &base, "[arch.new-coupling]\n");
        assert_eq!(
            messages(&findings),
            [
                "new dependency `util` -> `engine` (dev-dependency only: tests, benches and examples) since the base"
            ]
        );
        assert_eq!(findings[0].paths[0].hops[0].kinds, [DepKind::Dev]);
        let normal_only = r#"
[arch.new-coupling]
id = "coupling"
why = "w"
severity = "critical"
kinds = ["normal", "build"]
"#;
        assert_eq!(new_edges(&head, &base, normal_only), []);
    }

    #[test]
    fn a_removed_edge_is_not_new_coupling() {
        let mut json = recorded();
        without_dependency(&mut json, "plugin-b", "helper");
        assert_eq!(
            new_edges(&load(&json), &fixture(), "[arch.new-coupling]\n"),
            []
        );
    }
}
