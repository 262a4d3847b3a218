//! `[arch.no-cycles]`: no dependency cycle between workspace crates.
//!
//! Cargo refuses a cycle of normal and build dependencies, so in a workspace that loads every cycle is
//! closed by a dev-dependency: crate A's tests, benches or examples depend on B, and B depends on A. Such a
//! cycle is real and has a cost: `cargo test -p A` builds A twice, once as the library B links to and once as
//! A's unit-test binary, and a type of A that reaches those tests through B is the library's copy, not the
//! tests' own, so the two do not match. A cycle with two or more dev edges is never built (cargo does not
//! build a dependency's dev-dependencies) and is not reported.
//!
//! Each dev edge that closes a cycle is one finding, located at that edge's manifest line, with every
//! shortest way back (each a simple cycle: no crate repeated). `kinds` chooses which kinds of closing edge
//! count (all three by default; a normal or build cycle is only seen in a recorded graph), and
//! `allow = [{ from, to, why }]` accepts a cycle by its closing edge.

use std::collections::BTreeSet;

use guppy::graph::PackageMetadata;

use crate::arch::cfg::NoCyclesRule;
use crate::arch::graph::{Edge, EdgeFilter};
use crate::arch::patterns::PatternChecker;
use crate::arch::rules::exceptions::{Ends, Exceptions, unchecked};
use crate::arch::rules::{Context, PATH_LIMIT, RuleMeta};
use crate::report::{DepKind, Finding};

/// The rule's one-line description.
pub(super) const DESCRIPTION: &str =
    "no dependency cycles between workspace crates (a dev-dependency closing a cycle included)";

/// The no-cycles rule.
#[derive(Clone, Debug)]
pub struct NoCycles {
    /// Id, why, severity.
    pub meta: RuleMeta,
    /// Kinds of the closing edge that count.
    pub kinds: Vec<DepKind>,
    /// Accepted cycles, by their closing edge.
    pub allow: Exceptions,
}

impl NoCycles {
    /// Compiles the configured rule.
    pub(super) fn compile(
        r: &NoCyclesRule,
        meta: RuleMeta,
        checker: &mut PatternChecker<'_>,
    ) -> NoCycles {
        NoCycles {
            meta,
            kinds: r.kinds.to_vec(),
            allow: Exceptions::compile(&r.allow, Ends::Crates, checker),
        }
    }

    /// One finding per edge that closes a cycle, from the checked members.
    pub(super) fn check(&self, ctx: &mut Context<'_, '_>) -> Vec<Finding> {
        let graph = ctx.graph;
        let back = EdgeFilter::all(vec![DepKind::Normal, DepKind::Build]);
        let every = EdgeFilter::all(vec![DepKind::Normal, DepKind::Build, DepKind::Dev]);
        let counts_dev = self.kinds.contains(&DepKind::Dev);
        let counts_build = self
            .kinds
            .iter()
            .any(|k| matches!(k, DepKind::Normal | DepKind::Build));
        let mut keyed = Vec::new();
        let mut seen_build_cycles: BTreeSet<BTreeSet<String>> = BTreeSet::new();
        for a in ctx.members {
            for edge in graph.edges(*a, &every) {
                let b = edge.link.to();
                if !b.in_workspace() || b.id() == a.id() {
                    continue;
                }
                let dev = edge.dev_only();
                if (dev && !counts_dev) || (!dev && !counts_build) {
                    continue;
                }
                let tree = graph.path_tree(b, &back);
                if !tree.reaches(a.id()) {
                    continue;
                }
                let cycles: Vec<Vec<Edge<'_>>> = tree
                    .paths_to(a.id(), PATH_LIMIT)
                    .into_iter()
                    .map(|p| std::iter::once(edge.clone()).chain(p).collect()) // cloned: a cheap handle
                    .collect();
                let Some(first) = cycles.first() else {
                    continue;
                };
                let names: Vec<String> = std::iter::once(a.name().to_owned())
                    .chain(first.iter().map(|e| e.link.to().name().to_owned()))
                    .collect();
                if !dev {
                    // A cycle cargo refuses, seen once whichever of its edges it is found from.
                    let set: BTreeSet<String> = names.iter().cloned().collect(); // cloned: the key owns them
                    if !seen_build_cycles.insert(set) {
                        continue;
                    }
                }
                let finding = self.finding(ctx, *a, b, dev, &names, &cycles, cycles.len());
                keyed.push((finding, a.name().to_owned(), b.name().to_owned()));
            }
        }
        let members = graph.ws.members();
        let (mut findings, stale) = self
            .allow
            .apply_keyed(&self.meta, keyed, |x| unchecked(x, ctx.members, &members));
        findings.extend(stale);
        findings
    }

    /// The finding for the cycle(s) `a -> b -> .. -> a` closed by the edge `a -> b`.
    #[allow(clippy::too_many_arguments)]
    fn finding<'g>(
        &self,
        ctx: &Context<'_, 'g>,
        a: PackageMetadata<'g>,
        b: PackageMetadata<'g>,
        dev: bool,
        names: &[String],
        cycles: &[Vec<Edge<'g>>],
        count: usize,
    ) -> Finding {
        let graph = ctx.graph;
        let walk = names.join(" -> ");
        let (a, b) = (a.name(), b.name());
        let message = if dev {
            format!(
                "dev-dependency cycle: {walk}, closed by `{a}`'s dev-dependency on `{b}` (tests, benches and examples)"
            )
        } else {
            format!("dependency cycle of normal or build edges: {walk} (cargo refuses to build it)")
        };
        let paths = cycles.iter().map(|c| graph.dep_path(c)).collect();
        let mut finding = self.meta.finding(message, names.to_vec(), paths);
        finding.impact = Some(if dev {
            format!(
                "`cargo test -p {a}` builds `{a}` twice, as the library `{b}` links to and as its own unit tests: a type of `{a}` that reaches those tests through `{b}` is the library's copy and does not match the tests' own, and the tests wait for `{a}` and then `{b}` to build"
            )
        } else {
            format!(
                "no crate of the cycle can be built: cargo refuses a cycle of normal or build dependencies ({} crates)",
                names.len().saturating_sub(1)
            )
        });
        finding.help = Some(if dev {
            let more = if count > 1 {
                format!(" ({count} shortest ways back)")
            } else {
                String::new()
            };
            format!(
                "move what `{a}`'s tests need from `{b}` into a crate that does not depend on `{a}`, or test through `{b}` in integration tests (`tests/`), which link the same `{a}` as `{b}` does{more}; to accept it, add {{ from = \"{a}\", to = \"{b}\", why = \"..\" }} to the rule's `allow`"
            )
        } else {
            format!("remove one edge of the cycle; `{a}` -> `{b}` closes it here")
        });
        finding
    }
}

#[cfg(test)]
mod tests {
    use crate::arch::rules::tests::{
        at, check, fixture, fixture_on_disk, load, messages, paths, recorded, with_dependency,
        with_dependency_of_kind, without_dependency,
    };
    use crate::report::{DepKind, Severity};

    #[test]
    fn a_cycle_closed_by_a_dev_dependency_is_one_finding_at_the_dev_edge() {
        let findings = check(&fixture_on_disk(), "[arch.no-cycles]\n");
        assert_eq!(
            messages(&findings),
            [
                "dev-dependency cycle: util -> engine -> util, closed by `util`'s dev-dependency on `engine` (tests, benches and examples)"
            ]
        );
        let f = &findings[0];
        assert_eq!(f.rule_id, "no-cycles", "the default id");
        assert_eq!(f.crates, ["util", "engine", "util"]);
        assert_eq!(paths(f), ["util -> engine -> util"]);
        let kinds: Vec<&[DepKind]> = f.paths[0].hops.iter().map(|h| h.kinds.as_slice()).collect();
        assert_eq!(kinds, [&[DepKind::Dev][..], &[DepKind::Normal][..]]);
        let location = at(f.location.as_ref()).unwrap();
        assert!(
            location.starts_with("util/Cargo.toml:"),
            "at util's dev-dependency, not engine's normal edge: {location}"
        );
        let impact = f.impact.as_deref().unwrap();
        assert!(
            impact.starts_with("`cargo test -p util` builds `util` twice"),
            "{impact}"
        );
        assert!(!impact.contains("neither built nor tested"), "{impact}");
    }

    #[test]
    fn kinds_without_dev_leave_dev_cycles_out() {
        let findings = check(
            &fixture(),
            "[arch.no-cycles]\nkinds = [\"normal\", \"build\"]\n",
        );
        assert_eq!(findings, []);
    }

    #[test]
    fn an_accepted_cycle_is_not_reported_and_a_stale_one_is() {
        let rule = r#"
[arch.no-cycles]
allow = [{ from = "util", to = "engine", why = "test fixtures" }]
"#;
        assert_eq!(check(&fixture(), rule), []);
        let mut json = recorded();
        without_dependency(&mut json, "util", "engine");
        let findings = check(&load(&json), rule);
        assert_eq!(
            messages(&findings),
            [
                "stale exception, remove it: rule `no-cycles` finds nothing from `util` to `engine` any more"
            ]
        );
        assert_eq!(findings[0].severity, Severity::Warning);
    }

    #[test]
    fn two_dev_cycles_sharing_a_crate_are_two_simple_cycles() {
        // util -dev-> engine -> util, and (recorded edit) engine -dev-> plugin-a -> engine.
        let mut json = recorded();
        with_dependency_of_kind(&mut json, "engine", "plugin-a", Some("dev"));
        let findings = check(&load(&json), "[arch.no-cycles]\n");
        let walks: Vec<String> = findings.iter().flat_map(paths).collect();
        assert_eq!(
            walks,
            ["engine -> plugin-a -> engine", "util -> engine -> util"]
        );
        for f in &findings {
            let mut names = f.crates[1..].to_vec();
            names.sort();
            names.dedup();
            assert_eq!(
                names.len(),
                f.crates.len() - 1,
                "a crate repeated: {:?}",
                f.crates
            );
        }
    }

    #[test]
    fn a_cycle_of_two_dev_edges_is_never_built_and_not_reported() {
        // util -dev-> engine, and (recorded edit) engine's normal edge to util made a dev edge.
        let mut json = recorded();
        without_dependency(&mut json, "engine", "util");
        with_dependency_of_kind(&mut json, "engine", "util", Some("dev"));
        assert_eq!(check(&load(&json), "[arch.no-cycles]\n"), []);
    }

    #[test]
    fn a_cycle_of_normal_edges_is_reported_once_as_one_cargo_refuses() {
        // plugin-a -> engine, and (recorded edit) engine -> plugin-a: a cycle without util's dev edge.
        let mut json = recorded();
        without_dependency(&mut json, "util", "engine");
        with_dependency(&mut json, "engine", "plugin-a");
        let findings = check(&load(&json), "[arch.no-cycles]\n");
        assert_eq!(
            messages(&findings),
            [
                "dependency cycle of normal or build edges: engine -> plugin-a -> engine (cargo refuses to build it)"
            ]
        );
    }

    #[test]
    fn every_shortest_way_back_is_listed_each_a_simple_cycle() {
        // (recorded edit) util -dev-> plugin-b, which reaches util through engine and through helper.
        let mut json = recorded();
        without_dependency(&mut json, "util", "engine");
        with_dependency_of_kind(&mut json, "util", "plugin-b", Some("dev"));
        let findings = check(&load(&json), "[arch.no-cycles]\n");
        assert_eq!(findings.len(), 1);
        assert_eq!(
            paths(&findings[0]),
            [
                "util -> plugin-b -> engine -> util",
                "util -> plugin-b -> helper -> util"
            ]
        );
        assert!(
            findings[0]
                .help
                .as_deref()
                .unwrap()
                .contains("2 shortest ways back")
        );
    }
}
