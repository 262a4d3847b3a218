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
        let all = EdgeFilter::all(vec![DepKind::Normal, DepKind::Build, DepKind::Dev]);
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
            let size = members.len();
            let mut finding = self
                .meta
                .finding(message, names, vec![graph.dep_path(&edges)]);
            finding.impact = Some(format!(
                "the {size} crates of the cycle can be neither built nor tested apart: a change to any of them rebuilds and retests all {size}"
            ));
            findings.push(finding);
        }
        findings
    }
}

#[cfg(test)]
mod tests {
    use crate::arch::rules::tests::{
        check, fixture, load, messages, paths, recorded, with_dependency, without_dependency,
    };
    use crate::report::DepKind;

    #[test]
    fn a_cycle_closed_by_a_dev_dependency_is_a_finding() {
        let findings = check(&fixture(), "[arch.no-cycles]\n");
        assert_eq!(
            messages(&findings),
            [
                "dependency cycle: engine -> util -> engine (dev-dependency edges: util -> engine; cargo allows these, the rule does not)"
            ]
        );
        let f = &findings[0];
        assert_eq!(f.rule_id, "no-cycles", "the default id");
        assert_eq!(f.crates, ["engine", "util", "engine"]);
        assert_eq!(paths(f), ["engine -> util -> engine"]);
        let kinds: Vec<&[DepKind]> = f.paths[0].hops.iter().map(|h| h.kinds.as_slice()).collect();
        assert_eq!(kinds, [&[DepKind::Normal][..], &[DepKind::Dev][..]]);
    }

    #[test]
    fn no_cycle_no_finding() {
        let mut json = recorded();
        without_dependency(&mut json, "util", "engine");
        let findings = check(
            &load(&json),
            r#"
[arch.no-cycles]
id = "acyclic"
why = "w"
"#,
        );
        assert_eq!(findings, []);
    }

    #[test]
    fn a_cycle_of_normal_edges_has_no_dev_note() {
        // plugin-a -> engine, and (recorded edit) engine -> plugin-a: a cycle without util's dev edge.
        let mut json = recorded();
        without_dependency(&mut json, "util", "engine");
        with_dependency(&mut json, "engine", "plugin-a");
        let findings = check(&load(&json), "[arch.no-cycles]\n");
        assert_eq!(
            messages(&findings),
            ["dependency cycle: engine -> plugin-a -> engine"]
        );
    }

    #[test]
    fn a_cycle_through_three_crates_is_walked_hop_by_hop() {
        // plugin-b -> plugin-a -> engine, and (recorded edit) engine -> plugin-b.
        let mut json = recorded();
        without_dependency(&mut json, "util", "engine");
        with_dependency(&mut json, "engine", "plugin-b");
        let findings = check(&load(&json), "[arch.no-cycles]\n");
        assert_eq!(
            messages(&findings),
            ["dependency cycle: engine -> plugin-b -> plugin-a -> engine"]
        );
        assert_eq!(
            paths(&findings[0]),
            ["engine -> plugin-b -> plugin-a -> engine"]
        );
    }
}
