//! `[[arch.independent]]`: no dependency path between any two crates of a set.

use guppy::graph::PackageMetadata;

use crate::arch::cfg::IndependentRule;
use crate::arch::graph::EdgeFilter;
use crate::arch::patterns::{NamePattern, PatternChecker};
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
        checker: &mut PatternChecker<'_>,
    ) -> Independent {
        Independent {
            meta,
            crates: r.crates.iter().filter_map(|c| checker.pattern(c)).collect(),
            filter: EdgeFilter {
                kinds: r.kinds.to_vec(),
                include_optional: true,
            },
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
