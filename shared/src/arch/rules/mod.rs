//! The architecture rules: one module per rule kind, each with its compile step (the configuration's
//! validation pass) and its check. This module holds what they share: the kind codes, a rule's id, why and
//! severity ([`RuleMeta`]), and how a finding's message names an edge.

pub mod forbid;
pub mod independent;
pub mod layers;
pub mod module_layers;
pub mod new_coupling;
pub mod no_cycles;
pub mod only_through;
pub mod require;

use std::collections::{BTreeSet, HashMap};

use guppy::PackageId;
use guppy::graph::PackageMetadata;
use toml::Spanned;

use crate::arch::cfg::ArchConfig;
use crate::arch::graph::{ArchGraph, Edge};
use crate::arch::patterns::{NamePattern, PatternChecker};
use crate::report::{Category, DepKind, DepPath, Finding, Problem, RuleChecked, Severity};

/// The kind of an architecture rule; findings carry [`Kind::as_str`] as their `kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `[[arch.forbid]]`.
    Forbid,
    /// `[[arch.layers]]`.
    Layers,
    /// `[[arch.only-through]]`.
    OnlyThrough,
    /// `[[arch.module-layers]]`: layers between the modules of one crate.
    ModuleLayers,
    /// `[[arch.require]]`.
    Require,
    /// `[[arch.independent]]`.
    Independent,
    /// `[arch.no-cycles]`.
    NoCycles,
    /// `[arch.new-coupling]`: the only kind that means "new coupling" rather than a crate-boundary
    /// violation.
    NewCoupling,
}

impl Kind {
    /// Every kind.
    #[cfg(test)]
    const ALL: [Kind; 8] = [
        Kind::Forbid,
        Kind::Layers,
        Kind::OnlyThrough,
        Kind::ModuleLayers,
        Kind::Require,
        Kind::Independent,
        Kind::NoCycles,
        Kind::NewCoupling,
    ];

    /// The kind code: `arch::forbid`, `arch::only-through`...
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Forbid => "arch::forbid",
            Kind::Layers => "arch::layers",
            Kind::OnlyThrough => "arch::only-through",
            Kind::ModuleLayers => "arch::module-layers",
            Kind::Require => "arch::require",
            Kind::Independent => "arch::independent",
            Kind::NoCycles => "arch::no-cycles",
            Kind::NewCoupling => "arch::new-coupling",
        }
    }
}

/// How many shortest paths to list per finding.
pub const PATH_LIMIT: usize = 16;

/// What every rule has.
#[derive(Clone, Debug)]
pub struct RuleMeta {
    /// Rule id.
    pub id: String,
    /// Rule kind.
    pub kind: Kind,
    /// Why it exists.
    pub why: String,
    /// Severity of a violation.
    pub severity: Severity,
    /// One line on what it checks.
    pub description: String,
}

impl RuleMeta {
    /// A finding of this rule, located at the first hop's manifest line when there is a path.
    pub fn finding(&self, message: String, crates: Vec<String>, paths: Vec<DepPath>) -> Finding {
        let location = paths
            .first()
            .and_then(|p| p.hops.first())
            .and_then(|h| h.declared_at.clone()); // cloned: the finding owns its location
        Finding {
            rule_id: self.id.to_owned(),
            kind: self.kind.as_str().to_owned(),
            category: Category::Architecture,
            severity: self.severity,
            message,
            why: Some(self.why.to_owned()),
            help: None,
            impact: None,
            location,
            package: crates.first().map(String::to_owned),
            crates,
            paths,
            benchmark: None,
            baseline: Default::default(),
        }
    }
}

/// A rule ready to evaluate.
#[derive(Clone, Debug)]
pub enum Rule {
    /// A must not depend on B.
    Forbid(forbid::Forbid),
    /// Lower layers must not depend on higher ones.
    Layers(layers::Layers),
    /// A may use B only through some modules (source-level).
    OnlyThrough(only_through::OnlyThrough),
    /// Modules of one crate in layers (source-level).
    ModuleLayers(module_layers::ModuleLayers),
    /// Crates must depend on B and possibly implement its trait.
    Require(require::Require),
    /// Crates of a set must not depend on each other.
    Independent(independent::Independent),
    /// No cycles among workspace crates, dev edges included.
    NoCycles(no_cycles::NoCycles),
    /// New internal edges since the base.
    NewCoupling(new_coupling::NewCoupling),
}

/// What a rule's check reads: the graph, the selected members, and caches shared between rules.
pub struct Context<'a, 'g> {
    /// The graph.
    pub graph: &'a ArchGraph<'g>,
    /// The members whose outgoing edges and sources are checked.
    pub members: &'a [PackageMetadata<'g>],
    /// Files that could not be read.
    pub problems: Vec<Problem>,
    /// Crate surfaces read by only-through rules, by package.
    surfaces: HashMap<PackageId, only_through::CrateSurface>,
    /// Libraries read by module-layers rules, by package and whether test code was read.
    module_scans: HashMap<(PackageId, bool), module_layers::CrateScan>,
}

impl<'a, 'g> Context<'a, 'g> {
    /// A context over `members` of `graph`.
    pub fn new(graph: &'a ArchGraph<'g>, members: &'a [PackageMetadata<'g>]) -> Context<'a, 'g> {
        Context {
            graph,
            members,
            problems: Vec::new(),
            surfaces: HashMap::new(),
            module_scans: HashMap::new(),
        }
    }
}

impl Rule {
    /// Id, why, severity.
    pub fn meta(&self) -> &RuleMeta {
        match self {
            Rule::Forbid(r) => &r.meta,
            Rule::Layers(r) => &r.meta,
            Rule::OnlyThrough(r) => &r.meta,
            Rule::ModuleLayers(r) => &r.meta,
            Rule::Require(r) => &r.meta,
            Rule::Independent(r) => &r.meta,
            Rule::NoCycles(r) => &r.meta,
            Rule::NewCoupling(r) => &r.meta,
        }
    }

    /// The entry of `rules_checked`.
    pub fn checked(&self) -> RuleChecked {
        let meta = self.meta();
        RuleChecked {
            id: meta.id.to_owned(),
            kind: meta.kind.as_str().to_owned(),
            description: meta.description.to_owned(),
            checks: Vec::new(),
        }
    }

    /// Evaluates the rule on `ctx` (new-coupling, which needs a base, finds nothing here).
    pub fn check(&self, ctx: &mut Context<'_, '_>) -> Vec<Finding> {
        match self {
            Rule::Forbid(r) => r.check(ctx),
            Rule::Layers(r) => r.check(ctx),
            Rule::OnlyThrough(r) => r.check(ctx),
            Rule::ModuleLayers(r) => r.check(ctx),
            Rule::Require(r) => r.check(ctx),
            Rule::Independent(r) => r.check(ctx),
            Rule::NoCycles(r) => r.check(ctx),
            Rule::NewCoupling(_) => Vec::new(),
        }
    }

    /// Lines for `--explain RULE`: which crates (or modules) each pattern matches, among `names`.
    pub fn describe(&self, names: &[&str]) -> Vec<String> {
        let matching = |p: &NamePattern| -> String {
            let m: Vec<&str> = names.iter().copied().filter(|n| p.matches(n)).collect();
            format!("`{}` matches {}", p.text, m.join(", "))
        };
        match self {
            Rule::Forbid(r) => vec![
                format!("from: {}", matching(&r.from)),
                format!("to: {}", matching(&r.to)),
            ],
            Rule::Layers(r) => r
                .layers
                .iter()
                .enumerate()
                .map(|(i, layer)| {
                    let parts: Vec<String> = layer.iter().map(matching).collect();
                    format!(
                        "layer {} (may depend on layers below): {}",
                        i + 1,
                        parts.join("; ")
                    )
                })
                .collect(),
            Rule::OnlyThrough(r) => {
                let allowed: Vec<String> = r.modules.iter().map(|m| m.join("::")).collect();
                vec![
                    format!("from: {}", matching(&r.from)),
                    format!("to: `{}`, allowed modules: {}", r.to, allowed.join(", ")),
                ]
            }
            Rule::ModuleLayers(r) => r.explain_lines(),
            Rule::Require(r) => {
                let mut lines = vec![
                    format!("crates: {}", matching(&r.crates)),
                    format!("must depend on: `{}`", r.depends_on),
                ];
                if let Some(t) = &r.implements {
                    lines.push(format!("must implement: `{t}`"));
                }
                lines
            }
            Rule::Independent(r) => {
                let parts: Vec<String> = r.crates.iter().map(matching).collect();
                vec![format!("crates: {}", parts.join("; "))]
            }
            Rule::NoCycles(_) | Rule::NewCoupling(_) => {
                vec!["applies to every workspace member".to_owned()]
            }
        }
    }
}

/// Compiles the configured rules. Names that match nothing and duplicate ids are errors collected in
/// `checker` (a lenient checker, for the base revision's graph, lets such rules match nothing).
pub fn compile(cfg: &ArchConfig, checker: &mut PatternChecker<'_>) -> Vec<Rule> {
    let mut ids = Ids::default();
    let mut rules = Vec::new();
    for r in &cfg.forbid {
        let meta = ids.meta(
            checker,
            &r.id,
            Kind::Forbid,
            &r.why,
            r.severity,
            forbid::describe(r),
        );
        rules.extend(forbid::Forbid::compile(r, meta, checker).map(Rule::Forbid));
    }
    for r in &cfg.layers {
        let meta = ids.meta(
            checker,
            &r.id,
            Kind::Layers,
            &r.why,
            r.severity,
            layers::describe(r),
        );
        rules.push(Rule::Layers(layers::Layers::compile(r, meta, checker)));
    }
    for r in &cfg.only_through {
        let description = only_through::describe(r);
        let meta = ids.meta(
            checker,
            &r.id,
            Kind::OnlyThrough,
            &r.why,
            r.severity,
            description,
        );
        rules.extend(only_through::OnlyThrough::compile(r, meta, checker).map(Rule::OnlyThrough));
    }
    for r in &cfg.module_layers {
        let description = module_layers::describe(r);
        let meta = ids.meta(
            checker,
            &r.id,
            Kind::ModuleLayers,
            &r.why,
            r.severity,
            description,
        );
        rules
            .extend(module_layers::ModuleLayers::compile(r, meta, checker).map(Rule::ModuleLayers));
    }
    for r in &cfg.require {
        let meta = ids.meta(
            checker,
            &r.id,
            Kind::Require,
            &r.why,
            r.severity,
            require::describe(r),
        );
        rules.extend(require::Require::compile(r, meta, checker).map(Rule::Require));
    }
    for r in &cfg.independent {
        let description = independent::describe(r);
        let meta = ids.meta(
            checker,
            &r.id,
            Kind::Independent,
            &r.why,
            r.severity,
            description,
        );
        rules.push(Rule::Independent(independent::Independent::compile(
            r, meta, checker,
        )));
    }
    if let Some(r) = &cfg.no_cycles {
        let description = no_cycles::DESCRIPTION.to_owned();
        let meta = ids.meta(
            checker,
            &r.id,
            Kind::NoCycles,
            &r.why,
            r.severity,
            description,
        );
        rules.push(Rule::NoCycles(no_cycles::NoCycles { meta }));
    }
    if let Some(r) = &cfg.new_coupling {
        let description = new_coupling::DESCRIPTION.to_owned();
        let meta = ids.meta(
            checker,
            &r.id,
            Kind::NewCoupling,
            &r.why,
            r.severity,
            description,
        );
        rules.push(Rule::NewCoupling(new_coupling::NewCoupling::compile(
            r, meta,
        )));
    }
    rules
}

/// The ids seen so far: a duplicate is an error at its place.
#[derive(Default)]
struct Ids(BTreeSet<String>);

impl Ids {
    fn meta(
        &mut self,
        checker: &mut PatternChecker<'_>,
        id: &Spanned<String>,
        kind: Kind,
        why: &str,
        severity: Severity,
        description: String,
    ) -> RuleMeta {
        if !self.0.insert(id.get_ref().to_owned()) {
            checker.validator.error(
                id,
                format!("duplicate rule id `{}`", id.get_ref()),
                "used by another rule",
                Some("give every rule its own id".to_owned()),
            );
        }
        RuleMeta {
            id: id.get_ref().to_owned(),
            kind,
            why: why.to_owned(),
            severity,
            description,
        }
    }
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

/// A finding for one direct edge `a -> b`.
fn edge_finding(
    graph: &ArchGraph<'_>,
    meta: &RuleMeta,
    edge: &Edge<'_>,
    message: String,
) -> Finding {
    let (a, b) = (edge.link.from(), edge.link.to());
    meta.finding(
        message,
        vec![a.name().to_owned(), b.name().to_owned()],
        vec![graph.dep_path(std::slice::from_ref(edge))],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_codes_are_unique_and_namespaced() {
        let unique: BTreeSet<_> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(unique.len(), Kind::ALL.len());
        assert!(Kind::ALL.iter().all(|k| k.as_str().starts_with("arch::")));
    }
}
