//! `[[arch.forbid]]`: A must not depend on B (directly, or with `transitive` through any path).

use crate::arch::cfg::Features;
use crate::arch::cfg::ForbidRule;
use crate::arch::graph::EdgeFilter;
use crate::arch::patterns::{NamePattern, PatternChecker};
use crate::arch::rules::exceptions::{Ends, Exceptions};
use crate::arch::rules::{
    Context, PATH_LIMIT, RuleMeta, edge_finding, edge_label, kinds_label, path_finding,
};
use crate::report::Finding;

/// A compiled forbid rule.
#[derive(Clone, Debug)]
pub struct Forbid {
    /// Id, why, severity.
    pub meta: RuleMeta,
    /// Depending crates.
    pub from: NamePattern,
    /// Forbidden dependencies.
    pub to: NamePattern,
    /// Indirect dependencies count.
    pub transitive: bool,
    /// Edges that count.
    pub filter: EdgeFilter,
    /// Accepted edges.
    pub allow: Exceptions,
}

/// The rule's one-line description.
pub(super) fn describe(r: &ForbidRule) -> String {
    format!(
        "`{}` must not depend on `{}`{} ({})",
        r.from.get_ref(),
        r.to.get_ref(),
        if r.transitive {
            ", directly or not"
        } else {
            ""
        },
        kinds_label(&r.kinds)
    )
}

impl Forbid {
    /// Compiles the configured rule; `None` when a pattern is invalid (the error is in `checker`).
    pub(super) fn compile(
        r: &ForbidRule,
        meta: RuleMeta,
        features: Features,
        checker: &mut PatternChecker<'_>,
    ) -> Option<Forbid> {
        let (from, to) = (checker.pattern(&r.from), checker.pattern(&r.to));
        let (from, to) = (from?, to?);
        if checker.pairs_exist(&from, &to, &|a, b| a != b) == Some(false) {
            checker.never_fires(
                &r.id,
                "`from` and `to` match the same single crate, or `from` matches no workspace member",
            );
            return None;
        }
        Some(Forbid {
            meta,
            from,
            to,
            transitive: r.transitive,
            filter: EdgeFilter {
                kinds: r.kinds.to_vec(),
                include_optional: r.include_optional,
                features,
            },
            allow: Exceptions::compile(&r.allow, Ends::Crates, checker),
        })
    }

    /// Direct edges, or with `transitive` every reachable match with its shortest paths.
    pub(super) fn check(&self, ctx: &mut Context<'_, '_>) -> Vec<Finding> {
        let graph = ctx.graph;
        let mut findings = Vec::new();
        for a in ctx.members.iter().filter(|m| self.from.matches(m.name())) {
            if !self.transitive {
                for edge in graph.edges(*a, &self.filter) {
                    let b = edge.link.to();
                    if b.id() != a.id() && self.to.matches(b.name()) {
                        let message = format!(
                            "`{}` depends on `{}` ({})",
                            a.name(),
                            b.name(),
                            edge_label(graph, &edge)
                        );
                        findings.push(edge_finding(graph, &self.meta, &edge, message));
                    }
                }
                continue;
            }
            let tree = graph.path_tree(*a, &self.filter);
            for b in graph.packages() {
                if b.id() == a.id() || !self.to.matches(b.name()) || !tree.reaches(b.id()) {
                    continue;
                }
                let paths = tree.paths_to(b.id(), PATH_LIMIT);
                findings.extend(path_finding(
                    graph,
                    &self.meta,
                    a.name(),
                    &paths,
                    |via, first| {
                        if via.len() == 2 {
                            format!(
                                "`{}` depends on `{}` ({})",
                                a.name(),
                                b.name(),
                                edge_label(graph, first)
                            )
                        } else {
                            format!(
                                "`{}` depends on `{}` through {} (first hop: {})",
                                a.name(),
                                b.name(),
                                via.join(" -> "),
                                edge_label(graph, first)
                            )
                        }
                    },
                ));
            }
        }
        findings
    }
}

#[cfg(test)]
mod tests {
    use crate::arch::rules::tests::{
        at, check, check_members, fixture, fixture_on_disk, messages, paths,
    };
    use crate::report::{DepKind, Hop, Location, Severity};

    #[test]
    fn a_direct_edge_is_one_finding_with_its_one_hop() {
        let findings = check(
            &fixture(),
            r#"
[[arch.forbid]]
id = "app-not-util"
why = "app must go through the engine"
from = "app"
to = "util"
severity = "warning"
"#,
        );
        assert_eq!(findings.len(), 1, "{findings:#?}");
        let f = &findings[0];
        assert_eq!(f.rule_id, "app-not-util");
        assert_eq!(f.kind, "arch::forbid");
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(f.why.as_deref(), Some("app must go through the engine"));
        assert_eq!(f.message, "`app` depends on `util` (normal)");
        assert_eq!(f.crates, ["app", "util"]);
        assert_eq!(f.package.as_deref(), Some("app"));
        assert_eq!(f.paths.len(), 1);
        assert_eq!(
            f.paths[0].hops,
            [Hop {
                from: "app".to_owned(),
                to: "util".to_owned(),
                kinds: vec![DepKind::Normal],
                optional: false,
                enabled_by: Vec::new(),
                feature_chain: Vec::new(),
                platform: None,
                declared_at: None,
            }],
            "no manifest is read under the fake root"
        );
        assert_eq!(f.location, None);
    }

    #[test]
    fn no_finding_when_no_edge_matches() {
        let findings = check(
            &fixture(),
            r#"
[[arch.forbid]]
id = "leaf"
why = "w"
from = "util"
to = "app"
transitive = true
"#,
        );
        assert_eq!(findings, []);
    }

    #[test]
    fn the_manifest_line_of_each_hop_is_the_declaration_of_the_dependency() {
        let findings = check(
            &fixture_on_disk(),
            r#"
[[arch.forbid]]
id = "b-no-util"
why = "w"
from = "plugin-b"
to = "util"
transitive = true
"#,
        );
        assert_eq!(findings.len(), 1, "{findings:#?}");
        let declared: Vec<Vec<Option<String>>> = findings[0]
            .paths
            .iter()
            .map(|p| p.hops.iter().map(|h| at(h.declared_at.as_ref())).collect())
            .collect();
        assert_eq!(
            declared,
            [
                [
                    Some("plugin-b/Cargo.toml:8:1".to_owned()),
                    Some("engine/Cargo.toml:8:1".to_owned())
                ],
                [
                    Some("plugin-b/Cargo.toml:10:1".to_owned()),
                    Some("helper/Cargo.toml:8:1".to_owned())
                ],
            ]
        );
        assert_eq!(
            findings[0].location,
            Some(Location {
                file: "plugin-b/Cargo.toml".to_owned(),
                line: 8,
                column: 1,
                length: 6,
            }),
            "a finding is located at the first hop of its first path"
        );
    }

    #[test]
    fn a_renamed_dependency_is_found_at_its_key() {
        let findings = check(
            &fixture_on_disk(),
            r#"
[[arch.forbid]]
id = "app-not-engine"
why = "w"
from = "app"
to = "engine"
"#,
        );
        assert_eq!(messages(&findings), ["`app` depends on `engine` (normal)"]);
        assert_eq!(
            at(findings[0].location.as_ref()).as_deref(),
            Some("app/Cargo.toml:11:1")
        );
    }

    #[test]
    fn transitive_lists_every_shortest_path_and_direct_only_does_not() {
        let rule = r#"
[[arch.forbid]]
id = "b-no-util"
why = "w"
from = "plugin-b"
to = "util"
"#;
        let ws = fixture();
        assert_eq!(check(&ws, rule), [], "plugin-b has no direct edge to util");
        let findings = check(&ws, &format!("{rule}transitive = true\n"));
        assert_eq!(
            messages(&findings),
            ["`plugin-b` depends on `util` through plugin-b -> engine -> util (first hop: normal)"]
        );
        // plugin-b -> plugin-a -> engine -> util is longer: not a shortest path.
        assert_eq!(
            paths(&findings[0]),
            ["plugin-b -> engine -> util", "plugin-b -> helper -> util"]
        );
        assert_eq!(findings[0].crates, ["plugin-b", "engine", "util"]);
    }

    #[test]
    fn transitive_with_a_direct_edge_says_so() {
        let findings = check(
            &fixture(),
            r#"
[[arch.forbid]]
id = "b-no-engine"
why = "w"
from = "plugin-b"
to = "engine"
transitive = true
"#,
        );
        assert_eq!(
            messages(&findings),
            ["`plugin-b` depends on `engine` (normal)"]
        );
        assert_eq!(paths(&findings[0]), ["plugin-b -> engine"]);
    }

    #[test]
    fn optional_edges_carry_their_features_and_can_be_left_out() {
        let rule = r#"
[[arch.forbid]]
id = "no-helper"
why = "w"
from = "app"
to = "helper"
"#;
        let ws = fixture();
        assert_eq!(check(&ws, &format!("{rule}include-optional = false\n")), []);
        let findings = check(&ws, rule);
        assert_eq!(
            messages(&findings),
            ["`app` depends on `helper` (normal, optional, via feature `extras` of app)"]
        );
        let hop = &findings[0].paths[0].hops[0];
        assert!(hop.optional);
        assert_eq!(hop.enabled_by, ["extras"]);
    }

    #[test]
    fn an_optional_edge_is_judged_on_the_build_the_rule_names() {
        let rule = r#"
[[arch.forbid]]
id = "no-helper"
why = "w"
from = "app"
to = "helper"
"#;
        let ws = fixture();
        assert_eq!(check(&ws, &format!("{rule}features = \"default\"\n")), []);
        assert_eq!(
            check(&ws, &format!("[arch]\nfeatures = \"default\"\n{rule}")),
            [],
            "[arch] features is every rule's default"
        );
        let findings = check(&ws, &format!("{rule}features = [\"extras\"]\n"));
        assert_eq!(
            messages(&findings),
            ["`app` depends on `helper` (normal, optional, via feature `extras` of app)"]
        );
        let hop = &findings[0].paths[0].hops[0];
        assert_eq!(hop.enabled_by, ["extras"]);
        assert_eq!(hop.feature_chain, ["app/extras"]);
        // Edges every build has are there in the default build too.
        let findings = check(
            &ws,
            "[[arch.forbid]]\nid = \"x\"\nwhy = \"w\"\nfrom = \"app\"\nto = \"util\"\nfeatures = \"default\"\n",
        );
        assert_eq!(messages(&findings), ["`app` depends on `util` (normal)"]);
    }

    #[test]
    fn an_exception_silences_its_edge_and_one_that_matches_nothing_is_stale() {
        let findings = check(
            &fixture(),
            r#"
[[arch.forbid]]
id = "nothing-on-util"
why = "w"
from = "*"
to = "util"
kinds = ["normal"]
allow = [
  { from = "engine", to = "util", why = "the engine owns util" },
  { from = "plugin-*", to = "util", why = "old" },
]
"#,
        );
        assert_eq!(
            messages(&findings),
            [
                "`app` depends on `util` (normal)",
                "`helper` depends on `util` (normal)",
                "stale exception, remove it: rule `nothing-on-util` finds nothing from `plugin-*` to `util` any more",
            ]
        );
        assert_eq!(findings[2].severity, Severity::Warning);
    }

    #[test]
    fn dev_edges_are_dev_only_and_filtered_by_kind() {
        let rule = r#"
[[arch.forbid]]
id = "util-no-engine"
why = "w"
from = "util"
to = "engine"
"#;
        let ws = fixture();
        assert_eq!(
            check(&ws, &format!("{rule}kinds = [\"normal\", \"build\"]\n")),
            []
        );
        let findings = check(&ws, &format!("{rule}kinds = [\"dev\"]\n"));
        assert_eq!(
            messages(&findings),
            ["`util` depends on `engine` (dev-dependency only: tests, benches and examples)"]
        );
        assert_eq!(findings[0].paths[0].hops[0].kinds, [DepKind::Dev]);
    }

    #[test]
    fn dev_edges_count_only_as_the_first_hop() {
        // helper -> util is normal, util -> engine is dev: cargo never builds a dependency's dev-dependencies,
        // so engine is not reached from helper.
        let findings = check(
            &fixture(),
            r#"
[[arch.forbid]]
id = "helper-leaf"
why = "w"
from = "helper"
to = "*"
transitive = true
"#,
        );
        assert_eq!(messages(&findings), ["`helper` depends on `util` (normal)"]);
    }

    #[test]
    fn globs_match_several_crates_on_both_sides() {
        let findings = check(
            &fixture(),
            r#"
[[arch.forbid]]
id = "nothing-on-util"
why = "w"
from = "*"
to = "u*"
kinds = ["normal"]
"#,
        );
        assert_eq!(
            messages(&findings),
            [
                "`app` depends on `util` (normal)",
                "`engine` depends on `util` (normal)",
                "`helper` depends on `util` (normal)",
            ]
        );
    }

    #[test]
    fn only_the_members_checked_have_their_edges_checked() {
        let ws = fixture();
        let members: Vec<_> = ws
            .members()
            .into_iter()
            .filter(|m| m.name() == "plugin-a")
            .collect();
        let findings = check_members(
            &ws,
            &members,
            r#"
[[arch.forbid]]
id = "plugins-not-engine"
why = "w"
from = "plugin-*"
to = "engine"
"#,
        );
        assert_eq!(
            messages(&findings),
            ["`plugin-a` depends on `engine` (normal)"]
        );
    }
}
