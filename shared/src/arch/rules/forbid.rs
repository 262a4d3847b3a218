//! `[[arch.forbid]]`: A must not depend on B (directly, or with `transitive` through any path).

use crate::arch::cfg::ForbidRule;
use crate::arch::graph::EdgeFilter;
use crate::arch::patterns::{NamePattern, PatternChecker};
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
        checker: &mut PatternChecker<'_>,
    ) -> Option<Forbid> {
        let (from, to) = (checker.pattern(&r.from), checker.pattern(&r.to));
        Some(Forbid {
            meta,
            from: from?,
            to: to?,
            transitive: r.transitive,
            filter: EdgeFilter {
                kinds: r.kinds.to_vec(),
                include_optional: r.include_optional,
            },
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
