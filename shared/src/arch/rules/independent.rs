//! `[[arch.independent]]`: no dependency path between any two crates of a set.

use guppy::graph::PackageMetadata;

use crate::arch::cfg::Features;
use crate::arch::cfg::IndependentRule;
use crate::arch::graph::EdgeFilter;
use crate::arch::patterns::{NamePattern, PatternChecker};
use crate::arch::rules::exceptions::{Ends, Exceptions};
use crate::arch::rules::{Context, PATH_LIMIT, RuleMeta, path_finding};
use crate::report::Finding;

/// A compiled independence rule.
#[derive(Clone, Debug)]
pub struct Independent {
    /// Id, why, severity.
    pub meta: RuleMeta,
    /// The set.
    pub crates: Vec<NamePattern>,
    /// Edges that count.
    pub filter: EdgeFilter,
    /// Accepted edges.
    pub allow: Exceptions,
}

/// The rule's one-line description.
pub(super) fn describe(r: &IndependentRule) -> String {
    format!(
        "{} must not depend on each other",
        r.crates
            .iter()
            .map(|c| format!("`{}`", c.get_ref()))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

impl Independent {
    /// Compiles the configured rule; invalid patterns are left out (the errors are in `checker`).
    pub(super) fn compile(
        r: &IndependentRule,
        meta: RuleMeta,
        features: Features,
        checker: &mut PatternChecker<'_>,
    ) -> Independent {
        let crates: Vec<NamePattern> = r.crates.iter().filter_map(|c| checker.pattern(c)).collect();
        let pair = crates.iter().any(|p| {
            crates
                .iter()
                .any(|q| checker.pairs_exist(p, q, &|a, b| a != b) != Some(false))
        });
        if !pair && crates.len() == r.crates.len() {
            checker.never_fires(
                &r.id,
                "`crates` match fewer than two crates, a member among them: no pair to keep independent",
            );
        }
        Independent {
            meta,
            crates,
            filter: EdgeFilter {
                kinds: r.kinds.to_vec(),
                include_optional: true,
                features,
            },
            allow: Exceptions::compile(&r.allow, Ends::Crates, checker),
        }
    }

    /// Any path between two distinct crates of the set.
    pub(super) fn check(&self, ctx: &mut Context<'_, '_>) -> Vec<Finding> {
        let graph = ctx.graph;
        let in_set = |name: &str| self.crates.iter().any(|p| p.matches(name));
        let set: Vec<PackageMetadata<'_>> = graph
            .packages()
            .into_iter()
            .filter(|p| in_set(p.name()))
            .collect();
        let mut findings = Vec::new();
        for a in ctx.members.iter().filter(|m| in_set(m.name())) {
            let tree = graph.path_tree(*a, &self.filter);
            for b in set
                .iter()
                .filter(|b| b.id() != a.id() && tree.reaches(b.id()))
            {
                let paths = tree.paths_to(b.id(), PATH_LIMIT);
                findings.extend(path_finding(
                    graph,
                    &self.meta,
                    a.name(),
                    &paths,
                    |via, _| {
                        format!(
                            "`{}` depends on `{}` ({}), but they must be independent",
                            a.name(),
                            b.name(),
                            via.join(" -> ")
                        )
                    },
                ));
            }
        }
        findings
    }
}

#[cfg(test)]
mod tests {
    use crate::arch::rules::tests::{check, fixture, messages, paths};

    #[test]
    fn independent_crates_pass() {
        let findings = check(
            &fixture(),
            r#"
[[arch.independent]]
id = "apps"
why = "w"
crates = ["app", "plugin-a"]
"#,
        );
        assert_eq!(findings, []);
    }

    #[test]
    fn a_direct_edge_inside_the_set_is_a_finding() {
        let findings = check(
            &fixture(),
            r#"
[[arch.independent]]
id = "plugins"
why = "w"
crates = ["plugin-*"]
"#,
        );
        assert_eq!(
            messages(&findings),
            [
                "`plugin-b` depends on `plugin-a` (plugin-b -> plugin-a), but they must be independent"
            ]
        );
        assert_eq!(findings[0].rule_id, "plugins");
        assert_eq!(findings[0].kind, "arch::independent");
        assert_eq!(findings[0].crates, ["plugin-b", "plugin-a"]);
    }

    #[test]
    fn an_indirect_path_counts_with_every_shortest_path() {
        let findings = check(
            &fixture(),
            r#"
[[arch.independent]]
id = "b-and-util"
why = "w"
crates = ["plugin-b", "util"]
"#,
        );
        assert_eq!(
            messages(&findings),
            [
                "`plugin-b` depends on `util` (plugin-b -> engine -> util), but they must be independent"
            ]
        );
        assert_eq!(
            paths(&findings[0]),
            ["plugin-b -> engine -> util", "plugin-b -> helper -> util"]
        );
    }

    #[test]
    fn the_kinds_decide_which_edges_count() {
        let rule = r#"
[[arch.independent]]
id = "engine-util"
why = "w"
crates = ["engine", "util"]
"#;
        let ws = fixture();
        assert_eq!(
            messages(&check(&ws, rule)),
            ["`engine` depends on `util` (engine -> util), but they must be independent"],
            "the default kinds (normal, build) leave util's dev edge out"
        );
        assert_eq!(
            messages(&check(&ws, &format!("{rule}kinds = [\"dev\"]\n"))),
            ["`util` depends on `engine` (util -> engine), but they must be independent"]
        );
    }
}
