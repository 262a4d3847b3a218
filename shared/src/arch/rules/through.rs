//! `[[arch.through]]`: every dependency path from A to B passes through one of the `via` crates.
//!
//! The graph is searched from each member A that `from` matches with the `via` crates taken out: a B that
//! `to` matches and that is still reachable has a path avoiding all of them, and is a finding with the
//! shortest such paths (at most [`PATH_LIMIT`], the count said when there are more). Edges count as in
//! `[[arch.forbid]]`: by `kinds` (all three by default) and `include-optional`; a dev edge counts only as a
//! path's first hop, since cargo never builds a dependency's dev-dependencies. A crate that `via` matches is
//! never checked as A or B: a path starting or ending at it passes through it.

use crate::arch::cfg::{Features, ThroughRule};
use crate::arch::graph::{ArchGraph, Edge, EdgeFilter};
use crate::arch::patterns::{NamePattern, PatternChecker};
use crate::arch::rules::exceptions::{Ends, Exceptions};
use crate::arch::rules::{Context, PATH_LIMIT, RuleMeta, edge_label, kinds_label, path_finding};
use crate::report::Finding;

/// A compiled through rule.
#[derive(Clone, Debug)]
pub struct Through {
    /// Id, why, severity.
    pub meta: RuleMeta,
    /// Depending crates.
    pub from: NamePattern,
    /// Dependencies reached only through `via`.
    pub to: NamePattern,
    /// The crates every path must pass through.
    pub via: Vec<NamePattern>,
    /// Edges that count.
    pub filter: EdgeFilter,
    /// Accepted edges.
    pub allow: Exceptions,
}

/// The rule's one-line description.
pub(super) fn describe(r: &ThroughRule) -> String {
    let via: Vec<String> = r.via.iter().map(|v| format!("`{}`", v.get_ref())).collect();
    format!(
        "every dependency path from `{}` to `{}` passes through {} ({})",
        r.from.get_ref(),
        r.to.get_ref(),
        via.join(" or "),
        kinds_label(&r.kinds)
    )
}

impl Through {
    /// Compiles the configured rule; `None` when a pattern is invalid or the rule can never fire (the error
    /// is in `checker`).
    pub(super) fn compile(
        r: &ThroughRule,
        meta: RuleMeta,
        features: Features,
        checker: &mut PatternChecker<'_>,
    ) -> Option<Through> {
        let (from, to) = (checker.pattern(&r.from), checker.pattern(&r.to));
        let via: Vec<Option<NamePattern>> = r.via.iter().map(|v| checker.pattern(v)).collect();
        if r.via.is_empty() {
            checker.validator.error(
                &r.id,
                "`via` lists no crate",
                "no crate to pass through",
                Some("name the crates every path must pass through".to_owned()),
            );
            return None;
        }
        let rule = Through {
            meta,
            from: from?,
            to: to?,
            via: via.into_iter().collect::<Option<_>>()?,
            filter: EdgeFilter {
                kinds: r.kinds.to_vec(),
                include_optional: r.include_optional,
                features,
            },
            allow: Exceptions::compile(&r.allow, Ends::Crates, checker),
        };
        let in_via = |name: &str| rule.via.iter().any(|v| v.matches(name));
        let can_fire = checker.pairs_exist(&rule.from, &rule.to, &|a, b| {
            a != b && !in_via(a) && !in_via(b)
        });
        if can_fire == Some(false) {
            checker.never_fires(
                &r.id,
                "every `from` member and `to` crate are the same crate, or one of them is in `via`",
            );
            return None;
        }
        Some(rule)
    }

    fn in_via(&self, name: &str) -> bool {
        self.via.iter().any(|v| v.matches(name))
    }

    /// For each member A, the crates B reachable without passing through `via`.
    pub(super) fn check(&self, ctx: &mut Context<'_, '_>) -> Vec<Finding> {
        let graph = ctx.graph;
        let mut findings = Vec::new();
        for a in ctx
            .members
            .iter()
            .filter(|m| self.from.matches(m.name()) && !self.in_via(m.name()))
        {
            let tree = graph.path_tree_avoiding(*a, &self.filter, &|p| self.in_via(p.name()));
            for b in graph.packages() {
                if b.id() == a.id() || !self.to.matches(b.name()) || !tree.reaches(b.id()) {
                    continue;
                }
                let paths = tree.paths_to(b.id(), PATH_LIMIT);
                let count = tree.count_paths_to(b.id());
                let mut finding = path_finding(graph, &self.meta, a.name(), &paths, |names, _| {
                    format!(
                        "`{}` reaches `{}` without passing through {}: {}",
                        a.name(),
                        b.name(),
                        self.via_text(),
                        names.join(" -> ")
                    )
                });
                if let (Some(f), Some(first)) = (&mut finding, paths.first()) {
                    f.help = Some(self.help(graph, first, count));
                }
                findings.extend(finding);
            }
        }
        findings
    }

    /// `` `a` or `b` ``.
    fn via_text(&self) -> String {
        let via: Vec<String> = self.via.iter().map(|v| format!("`{}`", v.text)).collect();
        via.join(" or ")
    }

    /// The avoiding path hop by hop with its manifest lines, and how many such paths there are (one line:
    /// the terminal output wraps it).
    fn help<'g>(&self, graph: &ArchGraph<'g>, path: &[Edge<'g>], count: u64) -> String {
        let hops: Vec<String> = path
            .iter()
            .map(|edge| {
                let hop = graph.hop(edge);
                let at = hop
                    .declared_at
                    .map(|l| format!("declared at {}:{}", l.file, l.line))
                    .unwrap_or_else(|| "declaration not found in the manifest".to_owned());
                format!(
                    "{} -> {} ({}) {at}",
                    hop.from,
                    hop.to,
                    edge_label(graph, edge)
                )
            })
            .collect();
        let count = match count {
            1 => "the only shortest path that avoids them".to_owned(),
            n if n <= PATH_LIMIT as u64 => {
                format!("{n} shortest paths avoid them, --explain lists them all")
            }
            n => format!("{n} shortest paths avoid them, --explain lists the first {PATH_LIMIT}"),
        };
        format!(
            "route the dependency through {}, or remove an edge of the avoiding path: {} ({count})",
            self.via_text(),
            hops.join(", then ")
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::arch::rules::tests::{check, compile_errors, fixture, fixture_on_disk, paths};

    // The fixture's edges: app -> engine (renamed `kernel`), util, helper (optional, feature `extras`);
    // engine -> util; helper -> util; plugin-a -> engine; plugin-b -> engine, plugin-a, helper;
    // util -> engine (dev).

    #[test]
    fn every_path_through_via_passes() {
        let findings = check(
            &fixture(),
            r#"
[[arch.through]]
id = "b-via"
why = "w"
from = "plugin-b"
to = "util"
via = ["engine", "helper"]
"#,
        );
        assert_eq!(findings, []);
    }

    #[test]
    fn a_path_avoiding_via_is_a_finding_with_the_shortest_avoiding_paths() {
        let findings = check(
            &fixture_on_disk(),
            r#"
[[arch.through]]
id = "b-via-engine"
why = "w"
from = "plugin-b"
to = "util"
via = ["engine"]
"#,
        );
        assert_eq!(findings.len(), 1, "{findings:#?}");
        let f = &findings[0];
        assert_eq!(f.kind, "arch::through");
        assert_eq!(
            f.message,
            "`plugin-b` reaches `util` without passing through `engine`: plugin-b -> helper -> util"
        );
        assert_eq!(paths(f), ["plugin-b -> helper -> util"]);
        let help = f.help.as_deref().unwrap();
        assert!(
            help.contains("plugin-b -> helper (normal) declared at plugin-b/Cargo.toml:10"),
            "{help}"
        );
        assert!(
            help.contains("helper -> util (normal) declared at helper/Cargo.toml:8"),
            "{help}"
        );
        assert!(help.contains("the only shortest path"), "{help}");
    }

    #[test]
    fn a_dev_edge_counts_only_as_the_first_hop_and_kinds_leave_it_out() {
        let rule = |kinds: &str| {
            format!(
                "[[arch.through]]\nid = \"t\"\nwhy = \"w\"\nfrom = \"util\"\nto = \"engine\"\nvia = [\"app\"]\n{kinds}"
            )
        };
        let findings = check(&fixture(), &rule(""));
        assert_eq!(paths(&findings[0]), ["util -> engine"], "{findings:#?}");
        let findings = check(&fixture(), &rule("kinds = [\"normal\", \"build\"]"));
        assert_eq!(findings, []);
    }

    #[test]
    fn a_rule_that_can_never_fire_is_a_configuration_error_at_its_id() {
        let errors = compile_errors(
            &fixture(),
            r#"
[[arch.through]]
id = "self"
why = "w"
from = "app"
to = "app"
via = ["engine"]
"#,
        );
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!((errors[0].0, errors[0].1.as_str()), (3, "\"self\""));
        assert!(errors[0].2.contains("can never fire"), "{errors:?}");
    }
}
