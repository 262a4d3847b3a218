//! `[[arch.layers]]`: a lower layer must not depend on a higher one (direct edges).

use guppy::graph::PackageMetadata;

use crate::arch::cfg::Features;
use crate::arch::cfg::LayersRule;
use crate::arch::graph::EdgeFilter;
use crate::arch::patterns::{NamePattern, PatternChecker};
use crate::arch::rules::exceptions::{Ends, Exceptions};
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
    /// Every member must be in a layer.
    pub exhaustive: bool,
    /// Accepted edges.
    pub allow: Exceptions,
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
        "layers, top to bottom: [{}]; a lower layer must not depend on a higher one{}",
        names.join("] > ["),
        if r.exhaustive {
            "; every workspace member is in a layer"
        } else {
            ""
        }
    )
}

impl Layers {
    /// Compiles the configured rule; invalid patterns are left out (the errors are in `checker`).
    pub(super) fn compile(
        r: &LayersRule,
        meta: RuleMeta,
        features: Features,
        checker: &mut PatternChecker<'_>,
    ) -> Layers {
        if r.layers.len() < 2 && !r.exhaustive {
            checker.never_fires(
                &r.id,
                "one layer has no other layer to depend on (and the rule is not `exhaustive`)",
            );
        }
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
                features,
            },
            exhaustive: r.exhaustive,
            allow: Exceptions::compile(&r.allow, Ends::Crates, checker),
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
                if self.exhaustive {
                    findings.push(self.unplaced(ctx, *a));
                }
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

    /// The finding for a member in no layer of an exhaustive rule, located at its manifest's name.
    fn unplaced(&self, ctx: &Context<'_, '_>, pkg: PackageMetadata<'_>) -> Finding {
        let mut f = self.meta.finding(
            format!(
                "`{}` is in no layer of `{}`, which places every workspace member",
                pkg.name(),
                self.meta.id
            ),
            vec![pkg.name().to_owned()],
            Vec::new(),
        );
        f.location = ctx.graph.manifests.package_name(pkg.manifest_path());
        f.help = Some(format!(
            "add `{}` (or a glob matching it) to a layer of rule `{}`",
            pkg.name(),
            self.meta.id
        ));
        f.impact = Some(
            "its dependencies are checked by no layer: it may depend on any layer, and any layer on it"
                .to_owned(),
        );
        f
    }
}

#[cfg(test)]
mod tests {
    use crate::arch::rules::tests::{check, fixture, fixture_on_disk, messages, paths};

    #[test]
    fn layers_the_graph_respects_pass() {
        let findings = check(
            &fixture(),
            r#"
[[arch.layers]]
id = "layers"
why = "w"
layers = [["app"], ["plugin-*", "helper"], ["engine"], ["util"]]
"#,
        );
        assert_eq!(findings, []);
    }

    #[test]
    fn a_lower_layer_depending_on_a_higher_one_is_one_finding_per_edge() {
        let findings = check(
            &fixture_on_disk(),
            r#"
[[arch.layers]]
id = "layers"
why = "w"
layers = [["app"], ["engine"], ["plugin-*", "helper", "util"]]
"#,
        );
        // plugin-b -> plugin-a and helper -> util stay inside layer 3: allowed.
        assert_eq!(
            messages(&findings),
            [
                "`plugin-a` (layer 3) depends on `engine` (layer 2, higher) (normal)",
                "`plugin-b` (layer 3) depends on `engine` (layer 2, higher) (normal)",
            ]
        );
        assert_eq!(findings[1].crates, ["plugin-b", "engine"]);
        assert_eq!(paths(&findings[1]), ["plugin-b -> engine"]);
        let location = findings[1].location.as_ref().unwrap();
        assert_eq!(
            (location.file.as_str(), location.line),
            ("plugin-b/Cargo.toml", 8)
        );
    }

    #[test]
    fn dev_edges_count_only_when_the_rule_says_so() {
        let rule = r#"
[[arch.layers]]
id = "layers"
why = "w"
layers = [["app"], ["plugin-*", "helper"], ["engine"], ["util"]]
"#;
        let ws = fixture();
        assert_eq!(
            check(&ws, rule),
            [],
            "the default kinds are normal and build"
        );
        let findings = check(
            &ws,
            &format!("{rule}kinds = [\"normal\", \"build\", \"dev\"]\n"),
        );
        assert_eq!(
            messages(&findings),
            [
                "`util` (layer 4) depends on `engine` (layer 3, higher) (dev-dependency only: tests, benches and examples)"
            ]
        );
    }

    #[test]
    fn crates_in_no_layer_are_not_checked() {
        // engine and helper depend on util too, but are in no layer.
        let findings = check(
            &fixture(),
            r#"
[[arch.layers]]
id = "layers"
why = "w"
layers = [["util"], ["app"]]
"#,
        );
        assert_eq!(
            messages(&findings),
            ["`app` (layer 2) depends on `util` (layer 1, higher) (normal)"]
        );
    }
}
