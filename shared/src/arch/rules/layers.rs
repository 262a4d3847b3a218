//! `[[arch.layers]]`: a lower layer must not depend on a higher one (direct edges).

use crate::arch::cfg::LayersRule;
use crate::arch::graph::EdgeFilter;
use crate::arch::patterns::{NamePattern, PatternChecker};
use crate::arch::rules::{Context, RuleMeta, edge_finding, edge_label};
use crate::report::Finding;

/// A compiled layers rule.
#[derive(Clone, Debug)]
pub struct Layers {
    /// Id, why, severity.
    pub meta: RuleMeta,
    /// Top first.
    pub layers: Vec<Vec<NamePattern>>,
    /// Edges that count.
    pub filter: EdgeFilter,
}

/// The rule's one-line description.
pub(super) fn describe(r: &LayersRule) -> String {
    let names: Vec<String> = r
        .layers
        .iter()
        .map(|l| {
            l.iter()
                .map(|p| p.get_ref().as_str())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect();
    format!(
        "layers, top to bottom: [{}]; a lower layer must not depend on a higher one",
        names.join("] > [")
    )
}

impl Layers {
    /// Compiles the configured rule; invalid patterns are left out (the errors are in `checker`).
    pub(super) fn compile(
        r: &LayersRule,
        meta: RuleMeta,
        checker: &mut PatternChecker<'_>,
    ) -> Layers {
        Layers {
            meta,
            layers: r
                .layers
                .iter()
                .map(|l| l.iter().filter_map(|p| checker.pattern(p)).collect())
                .collect(),
            filter: EdgeFilter {
                kinds: r.kinds.to_vec(),
                include_optional: true,
            },
        }
    }

    fn layer_of(&self, name: &str) -> Option<usize> {
        self.layers
            .iter()
            .position(|l| l.iter().any(|p| p.matches(name)))
    }

    /// Every direct edge from a lower layer to a higher one.
    pub(super) fn check(&self, ctx: &mut Context<'_, '_>) -> Vec<Finding> {
        let graph = ctx.graph;
        let mut findings = Vec::new();
        for a in ctx.members {
            let Some(la) = self.layer_of(a.name()) else {
                continue;
            };
            for edge in graph.edges(*a, &self.filter) {
                let b = edge.link.to();
                let Some(lb) = self.layer_of(b.name()) else {
                    continue;
                };
                if la > lb {
                    let message = format!(
                        "`{}` (layer {}) depends on `{}` (layer {}, higher) ({})",
                        a.name(),
                        la + 1,
                        b.name(),
                        lb + 1,
                        edge_label(graph, &edge)
                    );
                    findings.push(edge_finding(graph, &self.meta, &edge, message));
                }
            }
        }
        findings
    }
}
