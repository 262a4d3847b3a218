//! Rules compiled from the configuration (the validation pass), and the graph rules: forbid, layers,
//! independent, no-cycles.

use std::collections::BTreeSet;

use guppy::graph::PackageMetadata;
use toml::Spanned;

use crate::arch::cfg::ArchConfig;
use crate::arch::graph::{ArchGraph, Edge, EdgeFilter};
use crate::arch::patterns::{CratePattern, PatternChecker};
use crate::report::{Category, DepKind, DepPath, Finding, RuleChecked, Severity};

/// Rule kind codes, one per rule kind; findings carry them as `Finding::kind`.
pub const KINDS: &[&str] = &[
    FORBID,
    LAYERS,
    ONLY_THROUGH,
    REQUIRE,
    INDEPENDENT,
    NO_CYCLES,
    NEW_COUPLING,
];
/// `[[arch.forbid]]`.
pub const FORBID: &str = "arch::forbid";
/// `[[arch.layers]]`.
pub const LAYERS: &str = "arch::layers";
/// `[[arch.only-through]]`.
pub const ONLY_THROUGH: &str = "arch::only-through";
/// `[[arch.require]]`.
pub const REQUIRE: &str = "arch::require";
/// `[[arch.independent]]`.
pub const INDEPENDENT: &str = "arch::independent";
/// `[arch.no-cycles]`.
pub const NO_CYCLES: &str = "arch::no-cycles";
/// `[arch.new-coupling]`: the only kind that means "new coupling" rather than a crate-boundary violation.
pub const NEW_COUPLING: &str = "arch::new-coupling";

/// How many shortest paths to list per finding.
pub const PATH_LIMIT: usize = 16;

/// What every rule has.
#[derive(Clone, Debug)]
pub struct RuleMeta {
    /// Rule id.
    pub id: String,
    /// Rule kind code.
    pub kind: &'static str,
    /// Why it exists.
    pub why: String,
    /// Severity of a violation.
    pub severity: Severity,
    /// One line on what it checks.
    pub description: String,
}

impl RuleMeta {
    /// A finding of this rule.
    pub fn finding(&self, message: String, crates: Vec<String>, paths: Vec<DepPath>) -> Finding {
        let location = paths
            .first()
            .and_then(|p| p.hops.first())
            .and_then(|h| h.declared_at.clone()); // cloned: the finding owns its location
        Finding {
            rule_id: self.id.clone(), // cloned: every finding owns its rule id
            kind: self.kind.to_owned(),
            category: Category::Architecture,
            severity: self.severity,
            message,
            why: Some(self.why.clone()), // cloned: as above
            help: None,
            impact: None,
            location,
            package: crates.first().cloned(), // cloned: as above
            crates,
            paths,
            baseline: Default::default(),
        }
    }
}

/// A rule ready to evaluate.
#[derive(Clone, Debug)]
pub enum Rule {
    /// A must not depend on B.
    Forbid {
        /// Id, why, severity.
        meta: RuleMeta,
        /// Depending crates.
        from: CratePattern,
        /// Forbidden dependencies.
        to: CratePattern,
        /// Indirect dependencies count.
        transitive: bool,
        /// Edges that count.
        filter: EdgeFilter,
    },
    /// Lower layers must not depend on higher ones.
    Layers {
        /// Id, why, severity.
        meta: RuleMeta,
        /// Top first.
        layers: Vec<Vec<CratePattern>>,
        /// Edges that count.
        filter: EdgeFilter,
    },
    /// A may use B only through some modules (source-level).
    OnlyThrough {
        /// Id, why, severity.
        meta: RuleMeta,
        /// Using crates.
        from: CratePattern,
        /// The used crate's package name.
        to: String,
        /// Allowed module paths, as segments after the crate name.
        modules: Vec<Vec<String>>,
        /// Check test code too.
        include_tests: bool,
    },
    /// Crates must depend on B and possibly implement its trait.
    Require {
        /// Id, why, severity.
        meta: RuleMeta,
        /// The crates.
        crates: CratePattern,
        /// The required dependency.
        depends_on: String,
        /// The trait to implement.
        implements: Option<String>,
    },
    /// Crates of a set must not depend on each other.
    Independent {
        /// Id, why, severity.
        meta: RuleMeta,
        /// The set.
        crates: Vec<CratePattern>,
        /// Edges that count.
        filter: EdgeFilter,
    },
    /// No cycles among workspace crates, dev edges included.
    NoCycles {
        /// Id, why, severity.
        meta: RuleMeta,
    },
    /// New internal edges since the base.
    NewCoupling {
        /// Id, why, severity.
        meta: RuleMeta,
        /// Edges that count.
        filter: EdgeFilter,
    },
}

impl Rule {
    /// Id, why, severity.
    pub fn meta(&self) -> &RuleMeta {
        match self {
            Rule::Forbid { meta, .. }
            | Rule::Layers { meta, .. }
            | Rule::OnlyThrough { meta, .. }
            | Rule::Require { meta, .. }
            | Rule::Independent { meta, .. }
            | Rule::NoCycles { meta }
            | Rule::NewCoupling { meta, .. } => meta,
        }
    }

    /// The entry of `rules_checked`.
    pub fn checked(&self) -> RuleChecked {
        let meta = self.meta();
        RuleChecked {
            id: meta.id.clone(), // cloned: the report owns its strings
            kind: meta.kind.to_owned(),
            description: meta.description.clone(), // cloned: as above
        }
    }
}

/// Compiles the configured rules. With `strict`, names that match nothing are errors (collected in
/// `checker`); without (for the base revision's graph), such rules simply match nothing.
pub fn compile(cfg: &ArchConfig, checker: &mut PatternChecker<'_>) -> Vec<Rule> {
    let mut rules = Vec::new();
    let mut ids: BTreeSet<String> = BTreeSet::new();
    let mut meta = |checker: &mut PatternChecker<'_>,
                    id: &Spanned<String>,
                    kind: &'static str,
                    why: &str,
                    severity: Severity,
                    description: String| {
        // cloned: the set of ids owns them
        if !ids.insert(id.get_ref().clone()) {
            checker.error(
                id,
                format!("duplicate rule id `{}`", id.get_ref()),
                "used by another rule",
                Some("give every rule its own id".to_owned()),
            );
        }
        RuleMeta {
            id: id.get_ref().clone(), // cloned: the rule owns its id
            kind,
            why: why.to_owned(),
            severity,
            description,
        }
    };
    for r in &cfg.forbid {
        let description = format!(
            "`{}` must not depend on `{}`{} ({})",
            r.from.get_ref(),
            r.to.get_ref(),
            if r.transitive {
                ", directly or not"
            } else {
                ""
            },
            kinds_label(&r.kinds)
        );
        let m = meta(checker, &r.id, FORBID, &r.why, r.severity, description);
        let (from, to) = (checker.pattern(&r.from), checker.pattern(&r.to));
        if let (Some(from), Some(to)) = (from, to) {
            rules.push(Rule::Forbid {
                meta: m,
                from,
                to,
                transitive: r.transitive,
                filter: EdgeFilter {
                    kinds: r.kinds.clone(), // cloned: the compiled rule owns its filter
                    include_optional: r.include_optional,
                },
            });
        }
    }
    for r in &cfg.layers {
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
        let description = format!(
            "layers, top to bottom: [{}]; a lower layer must not depend on a higher one",
            names.join("] > [")
        );
        let m = meta(checker, &r.id, LAYERS, &r.why, r.severity, description);
        let layers: Vec<Vec<CratePattern>> = r
            .layers
            .iter()
            .map(|l| l.iter().filter_map(|p| checker.pattern(p)).collect())
            .collect();
        rules.push(Rule::Layers {
            meta: m,
            layers,
            filter: EdgeFilter {
                kinds: r.kinds.clone(), // cloned: as above
                include_optional: true,
            },
        });
    }
    for r in &cfg.only_through {
        let description = format!(
            "`{}` may use `{}` only through {}",
            r.from.get_ref(),
            r.to.get_ref(),
            r.modules
                .iter()
                .map(|m| format!("`{}`", m.get_ref()))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let m = meta(
            checker,
            &r.id,
            ONLY_THROUGH,
            &r.why,
            r.severity,
            description,
        );
        let crate_ident = r.to.get_ref().replace('-', "_");
        let mut modules = Vec::new();
        for module in &r.modules {
            let mut segments = module.get_ref().split("::").map(str::to_owned);
            if segments.next().as_deref() != Some(crate_ident.as_str()) {
                checker.error(
                    module,
                    format!(
                        "module path `{}` does not start with `{crate_ident}`",
                        module.get_ref()
                    ),
                    "must name a module of the `to` crate",
                    Some(format!("write it as `{crate_ident}::module`")),
                );
                continue;
            }
            modules.push(segments.collect());
        }
        let (from, to) = (checker.pattern(&r.from), checker.pattern(&r.to));
        if let (Some(from), Some(_)) = (from, to) {
            rules.push(Rule::OnlyThrough {
                meta: m,
                from,
                to: r.to.get_ref().clone(), // cloned: the rule owns the name
                modules,
                include_tests: r.include_tests,
            });
        }
    }
    for r in &cfg.require {
        let description = match &r.implements {
            Some(t) => format!(
                "`{}` must depend on `{}` and implement `{}`",
                r.crates.get_ref(),
                r.depends_on.get_ref(),
                t.get_ref()
            ),
            None => format!(
                "`{}` must depend on `{}`",
                r.crates.get_ref(),
                r.depends_on.get_ref()
            ),
        };
        let m = meta(checker, &r.id, REQUIRE, &r.why, r.severity, description);
        let (crates, dep) = (checker.pattern(&r.crates), checker.pattern(&r.depends_on));
        if let (Some(crates), Some(_)) = (crates, dep) {
            rules.push(Rule::Require {
                meta: m,
                crates,
                depends_on: r.depends_on.get_ref().clone(), // cloned: as above
                implements: r.implements.as_ref().map(|t| t.get_ref().clone()), // cloned: as above
            });
        }
    }
    for r in &cfg.independent {
        let description = format!(
            "{} must not depend on each other",
            r.crates
                .iter()
                .map(|c| format!("`{}`", c.get_ref()))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let m = meta(checker, &r.id, INDEPENDENT, &r.why, r.severity, description);
        let crates = r.crates.iter().filter_map(|c| checker.pattern(c)).collect();
        rules.push(Rule::Independent {
            meta: m,
            crates,
            filter: EdgeFilter {
                kinds: r.kinds.clone(), // cloned: as above
                include_optional: true,
            },
        });
    }
    if let Some(r) = &cfg.no_cycles {
        let description =
            "no cycles between workspace crates, dev-dependencies included".to_owned();
        let m = meta(checker, &r.id, NO_CYCLES, &r.why, r.severity, description);
        rules.push(Rule::NoCycles { meta: m });
    }
    if let Some(r) = &cfg.new_coupling {
        let description =
            "with --base: every workspace-internal edge that HEAD has and the base did not"
                .to_owned();
        let m = meta(
            checker,
            &r.id,
            NEW_COUPLING,
            &r.why,
            r.severity,
            description,
        );
        rules.push(Rule::NewCoupling {
            meta: m,
            filter: EdgeFilter {
                kinds: r.kinds.clone(), // cloned: as above
                include_optional: true,
            },
        });
    }
    rules
}

/// "normal, build" for a kinds list.
pub fn kinds_label(kinds: &[DepKind]) -> String {
    kinds
        .iter()
        .map(|k| k.label())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What an edge is, in words: `normal`, `dev-dependency only`, `optional, enabled by feature x`.
pub fn edge_label(graph: &ArchGraph<'_>, edge: &Edge<'_>) -> String {
    let mut label = if edge.dev_only() {
        "dev-dependency only: tests, benches and examples".to_owned()
    } else {
        kinds_label(&edge.kinds)
    };
    if edge.optional {
        let features = graph.enabled_by(edge);
        if features.is_empty() {
            label.push_str(", optional");
        } else {
            label.push_str(&format!(
                ", optional, enabled by feature {}",
                features.join(", ")
            ));
        }
    }
    label
}

/// Evaluates forbid: direct edges, or with `transitive` every reachable match with its shortest paths.
pub fn forbid<'g>(
    graph: &ArchGraph<'g>,
    members: &[PackageMetadata<'g>],
    meta: &RuleMeta,
    from: &CratePattern,
    to: &CratePattern,
    transitive: bool,
    filter: &EdgeFilter,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for a in members.iter().filter(|m| from.matches(m.name())) {
        if !transitive {
            for edge in graph.edges(*a, filter) {
                let b = edge.link.to();
                if b.id() != a.id() && to.matches(b.name()) {
                    let message = format!(
                        "`{}` depends on `{}` ({})",
                        a.name(),
                        b.name(),
                        edge_label(graph, &edge)
                    );
                    let path = graph.dep_path(std::slice::from_ref(&edge));
                    findings.push(meta.finding(
                        message,
                        vec![a.name().to_owned(), b.name().to_owned()],
                        vec![path],
                    ));
                }
            }
            continue;
        }
        let tree = graph.path_tree(*a, filter);
        for b in graph.packages() {
            if b.id() == a.id() || !to.matches(b.name()) || !tree.reaches(b.id()) {
                continue;
            }
            let paths = tree.paths_to(b.id(), PATH_LIMIT);
            findings.extend(path_finding(graph, meta, a.name(), &paths, |via, first| {
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
            }));
        }
    }
    findings
}

/// A finding for the shortest `paths` from `start`: `message` gets the crate names along the first path
/// and its first edge.
fn path_finding<'g>(
    graph: &ArchGraph<'g>,
    meta: &RuleMeta,
    start: &str,
    paths: &[Vec<Edge<'g>>],
    message: impl FnOnce(&[&str], &Edge<'g>) -> String,
) -> Option<Finding> {
    let first = paths.first()?;
    let first_edge = first.first()?;
    let via: Vec<&str> = std::iter::once(start)
        .chain(first.iter().map(|e| e.link.to().name()))
        .collect();
    let text = message(&via, first_edge);
    let dep_paths = paths.iter().map(|p| graph.dep_path(p)).collect();
    Some(meta.finding(
        text,
        via.iter().map(|s| (*s).to_owned()).collect(),
        dep_paths,
    ))
}

/// Evaluates layers on direct edges.
pub fn layers<'g>(
    graph: &ArchGraph<'g>,
    members: &[PackageMetadata<'g>],
    meta: &RuleMeta,
    layers: &[Vec<CratePattern>],
    filter: &EdgeFilter,
) -> Vec<Finding> {
    let layer_of = |name: &str| {
        layers
            .iter()
            .position(|l| l.iter().any(|p| p.matches(name)))
    };
    let mut findings = Vec::new();
    for a in members {
        let Some(la) = layer_of(a.name()) else {
            continue;
        };
        for edge in graph.edges(*a, filter) {
            let b = edge.link.to();
            let Some(lb) = layer_of(b.name()) else {
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
                let path = graph.dep_path(std::slice::from_ref(&edge));
                findings.push(meta.finding(
                    message,
                    vec![a.name().to_owned(), b.name().to_owned()],
                    vec![path],
                ));
            }
        }
    }
    findings
}

/// Evaluates independence: any path between two distinct crates of the set.
pub fn independent<'g>(
    graph: &ArchGraph<'g>,
    members: &[PackageMetadata<'g>],
    meta: &RuleMeta,
    crates: &[CratePattern],
    filter: &EdgeFilter,
) -> Vec<Finding> {
    let in_set = |name: &str| crates.iter().any(|p| p.matches(name));
    let set: Vec<PackageMetadata<'g>> = graph
        .packages()
        .into_iter()
        .filter(|p| in_set(p.name()))
        .collect();
    let mut findings = Vec::new();
    for a in members.iter().filter(|m| in_set(m.name())) {
        let tree = graph.path_tree(*a, filter);
        for b in set
            .iter()
            .filter(|b| b.id() != a.id() && tree.reaches(b.id()))
        {
            let paths = tree.paths_to(b.id(), PATH_LIMIT);
            findings.extend(path_finding(graph, meta, a.name(), &paths, |via, _| {
                format!(
                    "`{}` depends on `{}` ({}), but they must be independent",
                    a.name(),
                    b.name(),
                    via.join(" -> ")
                )
            }));
        }
    }
    findings
}

/// Evaluates no-cycles over workspace members, dev edges included.
pub fn no_cycles<'g>(graph: &ArchGraph<'g>, meta: &RuleMeta) -> Vec<Finding> {
    let all = EdgeFilter {
        kinds: vec![DepKind::Normal, DepKind::Build, DepKind::Dev],
        include_optional: true,
    };
    let mut findings = Vec::new();
    for cycle in graph.ws.graph.cycles().all_cycles() {
        let members: Vec<PackageMetadata<'g>> =
            cycle.iter().filter_map(|id| graph.ws.member(id)).collect();
        if members.len() < 2 && cycle.len() >= 2 {
            continue;
        }
        let Some(first) = members.first() else {
            continue;
        };
        // Walk the cycle from its first member back to itself, one shortest path per hop.
        let mut edges: Vec<Edge<'g>> = Vec::new();
        for (i, pkg) in members.iter().enumerate() {
            let next = members[(i + 1) % members.len()];
            let hop_paths = graph.shortest_paths_within(*pkg, next.id(), &all, &members);
            if let Some(p) = hop_paths {
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
        findings.push(meta.finding(message, names, vec![graph.dep_path(&edges)]));
    }
    findings
}
