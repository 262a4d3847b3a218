//! The architecture rules: one module per rule kind, each with its compile step (the configuration's
//! validation pass) and its check. This module holds what they share: the kind codes, a rule's id, why and
//! severity ([`RuleMeta`]), and how a finding's message names an edge.

pub mod exceptions;
pub mod forbid;
pub mod independent;
pub mod layers;
pub mod module_layers;
pub mod new_coupling;
pub mod no_cycles;
pub mod only_through;
pub mod require;
pub mod through;

use std::collections::{BTreeSet, HashMap};

use guppy::PackageId;
use guppy::graph::PackageMetadata;
use toml::Spanned;

use crate::arch::cfg::{ArchConfig, Features};
use crate::arch::graph::{ArchGraph, Edge};
use crate::arch::impact;
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
    /// `[[arch.through]]`.
    Through,
    /// `[arch.new-coupling]`: the only kind that means "new coupling" rather than a crate-boundary
    /// violation.
    NewCoupling,
    /// An exception (`allow = [..]`) of a rule that accepts nothing any more.
    StaleException,
}

impl Kind {
    /// Every kind.
    #[cfg(test)]
    const ALL: [Kind; 10] = [
        Kind::Forbid,
        Kind::Layers,
        Kind::OnlyThrough,
        Kind::ModuleLayers,
        Kind::Require,
        Kind::Independent,
        Kind::NoCycles,
        Kind::Through,
        Kind::NewCoupling,
        Kind::StaleException,
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
            Kind::Through => "arch::through",
            Kind::NewCoupling => crate::report::NEW_COUPLING_KIND,
            Kind::StaleException => "arch::stale-exception",
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
            code: None,
            baseline: Default::default(),
            cost: None,
            rank: None,
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
    /// Every path from A to B passes through given crates.
    Through(through::Through),
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
    /// Whether the source-level rules skip the files that cannot matter to them unparsed
    /// ([`crate::arch::prefilter`]); off only to show that it changes no finding.
    pub prefilter: bool,
    /// Where the source-level rules keep each file's facts between runs ([`crate::source::facts`]); `None`:
    /// every file is parsed.
    pub facts_dir: Option<std::path::PathBuf>,
    /// Crate surfaces read by only-through rules, by package.
    surfaces: HashMap<PackageId, crate::source::public::Surface>,
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
            prefilter: true,
            facts_dir: None,
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
            Rule::Through(r) => &r.meta,
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
        let members = ctx.graph.ws.members();
        match self {
            Rule::Forbid(r) => r.allow.apply(&r.meta, r.check(ctx), ctx.members, &members),
            Rule::Layers(r) => r.allow.apply(&r.meta, r.check(ctx), ctx.members, &members),
            Rule::OnlyThrough(r) => r.check(ctx),
            Rule::ModuleLayers(r) => r.check(ctx),
            Rule::Require(r) => r.check(ctx),
            Rule::Independent(r) => r.allow.apply(&r.meta, r.check(ctx), ctx.members, &members),
            Rule::NoCycles(r) => r.check(ctx),
            Rule::Through(r) => r.allow.apply(&r.meta, r.check(ctx), ctx.members, &members),
            Rule::NewCoupling(_) => Vec::new(),
        }
    }

    /// The build the rule judges, for the rules that take `features`.
    pub fn features(&self) -> Option<&Features> {
        match self {
            Rule::Forbid(r) => Some(&r.filter.features),
            Rule::Layers(r) => Some(&r.filter.features),
            Rule::Independent(r) => Some(&r.filter.features),
            Rule::NewCoupling(r) => Some(&r.filter.features),
            Rule::Through(r) => Some(&r.filter.features),
            _ => None,
        }
    }

    /// The rule's exceptions (`allow`), for the rules that take them.
    pub fn exceptions(&self) -> Option<&exceptions::Exceptions> {
        match self {
            Rule::Forbid(r) => Some(&r.allow),
            Rule::Layers(r) => Some(&r.allow),
            Rule::Independent(r) => Some(&r.allow),
            Rule::OnlyThrough(r) => Some(&r.allow),
            Rule::ModuleLayers(r) => Some(&r.allow),
            Rule::Through(r) => Some(&r.allow),
            Rule::NoCycles(r) => Some(&r.allow),
            _ => None,
        }
    }

    /// Lines for `--explain RULE`: which crates (or modules) each pattern matches, among `names`; the build
    /// it judges and its exceptions.
    pub fn describe(&self, names: &[&str]) -> Vec<String> {
        let mut lines = self.describe_patterns(names);
        if let Some(features) = self.features() {
            lines.push(format!(
                "judged on: {}",
                match features {
                    Features::All => "all features (the union of every build)".to_owned(),
                    Features::Default => "each crate's default features".to_owned(),
                    Features::Named(f) =>
                        format!("each crate's default features and {}", f.join(", ")),
                }
            ));
        }
        for a in self
            .exceptions()
            .map(|e| e.0.as_slice())
            .unwrap_or_default()
        {
            lines.push(format!(
                "accepted: `{}` -> `{}` ({})",
                a.from.text, a.to.text, a.why
            ));
        }
        lines
    }

    fn describe_patterns(&self, names: &[&str]) -> Vec<String> {
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
            Rule::Through(r) => {
                let parts: Vec<String> = r.via.iter().map(matching).collect();
                vec![
                    format!("from: {}", matching(&r.from)),
                    format!("to: {}", matching(&r.to)),
                    format!("via: {}", parts.join("; ")),
                ]
            }
            Rule::NoCycles(r) => vec![format!(
                "applies to every workspace member; closing edges that count: {}",
                kinds_label(&r.kinds)
            )],
            Rule::NewCoupling(_) => {
                vec!["applies to every workspace member".to_owned()]
            }
        }
    }
}

/// Compiles the configured rules. Names that match nothing and duplicate ids are errors collected in
/// `checker` (a lenient checker, for the base revision's graph, lets such rules match nothing).
pub fn compile(cfg: &ArchConfig, checker: &mut PatternChecker<'_>) -> Vec<Rule> {
    let arch_features = cfg
        .features
        .as_ref()
        .map(|f| checker.features(f))
        .unwrap_or_default();
    let features = |own: &Option<Spanned<Features>>, checker: &mut PatternChecker<'_>| {
        own.as_ref()
            .map(|f| checker.features(f))
            .unwrap_or_else(|| arch_features.clone()) // cloned: each rule owns its build
    };
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
        let features = features(&r.features, checker);
        rules.extend(forbid::Forbid::compile(r, meta, features, checker).map(Rule::Forbid));
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
        let features = features(&r.features, checker);
        rules.push(Rule::Layers(layers::Layers::compile(
            r, meta, features, checker,
        )));
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
        let features = features(&r.features, checker);
        rules.push(Rule::Independent(independent::Independent::compile(
            r, meta, features, checker,
        )));
    }
    for r in &cfg.through {
        let meta = ids.meta(
            checker,
            &r.id,
            Kind::Through,
            &r.why,
            r.severity,
            through::describe(r),
        );
        let features = features(&r.features, checker);
        rules.extend(through::Through::compile(r, meta, features, checker).map(Rule::Through));
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
        rules.push(Rule::NoCycles(no_cycles::NoCycles::compile(
            r, meta, checker,
        )));
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
        let features = features(&r.features, checker);
        rules.push(Rule::NewCoupling(new_coupling::NewCoupling::compile(
            r, meta, features,
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

/// What an edge is, in words: `normal`, `dev-dependency only`, `optional, via feature `x` of a`,
/// `target-specific: cfg(unix)`.
pub fn edge_label<'g>(graph: &ArchGraph<'g>, edge: &Edge<'g>) -> String {
    let mut label = if edge.dev_only() {
        "dev-dependency only: tests, benches and examples".to_owned()
    } else {
        kinds_label(&edge.kinds)
    };
    label.push_str(&edge_marks(graph, edge));
    label
}

/// What sets an edge apart from one every build has: `, optional, via feature `x` of a` and
/// `, target-specific: cfg(unix)`; empty for a plain edge.
fn edge_marks<'g>(graph: &ArchGraph<'g>, edge: &Edge<'g>) -> String {
    let mut marks = String::new();
    if edge.optional {
        marks.push_str(", optional");
        let features = graph.enabled_by(edge);
        if !features.is_empty() {
            let named: Vec<String> = features.iter().map(|f| format!("`{f}`")).collect();
            marks.push_str(&format!(
                ", via feature {} of {}",
                named.join(", "),
                edge.link.from().name()
            ));
        }
    }
    if let Some(platform) = &edge.platform {
        marks.push_str(&format!(", target-specific: {platform}"));
    }
    marks
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
    let mut text = message(&via, first_edge);
    // Later hops of the first path that only some builds have say so too.
    let later: Vec<String> = first
        .iter()
        .skip(1)
        .filter_map(|e| {
            let marks = edge_marks(graph, e);
            let marks = marks.strip_prefix(", ")?;
            Some(format!(
                "{} -> {}: {marks}",
                e.link.from().name(),
                e.link.to().name()
            ))
        })
        .collect();
    if !later.is_empty() {
        text.push_str(&format!(" [{}]", later.join("; ")));
    }
    let dep_paths = paths.iter().map(|p| graph.dep_path(p)).collect();
    let mut finding = meta.finding(
        text,
        via.iter().map(|s| (*s).to_owned()).collect(),
        dep_paths,
    );
    finding.impact = Some(impact::of_edge(graph, &graph.lines, first_edge));
    Some(finding)
}

/// A finding for one direct edge `a -> b`, with what the edge brings into `a`'s build as its impact.
fn edge_finding<'g>(
    graph: &ArchGraph<'g>,
    meta: &RuleMeta,
    edge: &Edge<'g>,
    message: String,
) -> Finding {
    let (a, b) = (edge.link.from(), edge.link.to());
    let mut finding = meta.finding(
        message,
        vec![a.name().to_owned(), b.name().to_owned()],
        vec![graph.dep_path(std::slice::from_ref(edge))],
    );
    finding.impact = Some(impact::of_edge(graph, &graph.lines, edge));
    finding
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

    // What the rules' unit tests share: the `tests/fixtures/arch-rules` workspace, loaded from recorded
    // `cargo metadata` JSON (guppy's `fixtures/small/*.json` habit), and the steps from a TOML string to
    // findings.
    //
    // `testdata/arch-rules.json` was recorded with
    //   cargo metadata --format-version 1 --all-features --offline \
    //     --manifest-path tests/fixtures/arch-rules/Cargo.toml
    // and every absolute path under the fixture rewritten to start with `/fixture`. Record it again when the
    // fixture's manifests change.
    //
    // The fixture's edges (all normal unless noted): app -> engine (renamed `kernel`), util,
    // helper (optional, feature `extras`); engine -> util; helper -> util; plugin-a -> engine;
    // plugin-b -> engine, plugin-a, helper; util -> engine (dev).

    use crate::arch::cfg::ArchSection;
    use crate::config::ConfigSource;
    use crate::errors::Error;
    use crate::report::Location;
    use crate::workspace::Workspace;

    /// The root the recorded JSON was rewritten to.
    pub(super) const FAKE_ROOT: &str = "/fixture";

    /// The recorded `cargo metadata` output of the fixture, rooted at [`FAKE_ROOT`].
    pub(super) fn recorded() -> serde_json::Value {
        serde_json::from_str(include_str!("testdata/arch-rules.json")).unwrap()
    }

    /// The fixture's workspace, rooted at [`FAKE_ROOT`]: nothing is read from disk, so manifest lines
    /// (`declared_at`, a finding's location) and sources are unknown.
    pub(super) fn fixture() -> Workspace {
        load(&recorded())
    }

    /// A workspace from (possibly edited) recorded JSON.
    pub(super) fn load(json: &serde_json::Value) -> Workspace {
        Workspace::from_json(&json.to_string()).unwrap()
    }

    /// The fixture's workspace rooted at the real `tests/fixtures/arch-rules`, for what reads manifests
    /// and sources.
    pub(super) fn fixture_on_disk() -> Workspace {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/arch-rules");
        let dir = std::fs::canonicalize(dir).unwrap();
        // Escaped as a JSON string's contents, so any path stays valid JSON.
        let quoted = serde_json::to_string(dir.to_str().unwrap()).unwrap();
        let text =
            include_str!("testdata/arch-rules.json").replace(FAKE_ROOT, quoted.trim_matches('"'));
        Workspace::from_json(&text).unwrap()
    }

    /// The package id of the fixture's member `name` in the recording.
    fn package_id(name: &str) -> String {
        format!("path+file://{FAKE_ROOT}/{name}#0.1.0")
    }

    /// `json` without the dependency of package `from` on package `to` (every kind of it), in the
    /// manifest's list and in the resolve graph alike.
    pub(super) fn without_dependency(json: &mut serde_json::Value, from: &str, to: &str) {
        let (from_id, to_id) = (package_id(from), package_id(to));
        let mut removed = 0;
        for pkg in json["packages"].as_array_mut().unwrap() {
            if pkg["id"] == from_id.as_str() {
                let deps = pkg["dependencies"].as_array_mut().unwrap();
                let before = deps.len();
                deps.retain(|d| d["name"] != to);
                removed += before - deps.len();
            }
        }
        for node in json["resolve"]["nodes"].as_array_mut().unwrap() {
            if node["id"] == from_id.as_str() {
                node["dependencies"]
                    .as_array_mut()
                    .unwrap()
                    .retain(|d| *d != to_id.as_str());
                node["deps"]
                    .as_array_mut()
                    .unwrap()
                    .retain(|d| d["pkg"] != to_id.as_str());
            }
        }
        assert!(
            removed > 0,
            "{from} has no dependency on {to} in the recording"
        );
    }

    /// `json` with a normal dependency of package `from` on package `to` (by its own name), in the manifest's
    /// list and in the resolve graph alike.
    pub(super) fn with_dependency(json: &mut serde_json::Value, from: &str, to: &str) {
        with_dependency_of_kind(json, from, to, None);
    }

    /// `json` with a dependency of `from` on `to` of `kind` (`None` normal, `"dev"`, `"build"`).
    pub(super) fn with_dependency_of_kind(
        json: &mut serde_json::Value,
        from: &str,
        to: &str,
        kind: Option<&str>,
    ) {
        let (from_id, to_id) = (package_id(from), package_id(to));
        let mut added = 0;
        for pkg in json["packages"].as_array_mut().unwrap() {
            if pkg["id"] == from_id.as_str() {
                pkg["dependencies"]
                    .as_array_mut()
                    .unwrap()
                    .push(serde_json::json!({
                        "name": to, "source": null, "req": "*", "kind": kind, "rename": null,
                        "optional": false, "uses_default_features": true, "features": [],
                        "target": null, "registry": null, "path": format!("{FAKE_ROOT}/{to}"),
                    }));
                added += 1;
            }
        }
        for node in json["resolve"]["nodes"].as_array_mut().unwrap() {
            if node["id"] == from_id.as_str() {
                node["dependencies"]
                    .as_array_mut()
                    .unwrap()
                    .push(to_id.as_str().into());
                node["deps"]
                    .as_array_mut()
                    .unwrap()
                    .push(serde_json::json!({
                        "name": to.replace('-', "_"), "pkg": to_id,
                        "dep_kinds": [{"kind": kind, "target": null}],
                    }));
                added += 1;
            }
        }
        assert_eq!(added, 2, "no package {from} in the recording");
    }

    /// The `[arch]` rules in `toml`, compiled against `ws`'s package names; fails on a configuration error.
    pub(super) fn compile_rules(ws: &Workspace, toml: &str) -> Vec<Rule> {
        let (rules, result) = try_compile(ws, toml);
        result.unwrap();
        rules
    }

    /// The configuration errors of the `[arch]` rules in `toml`: (1-based line and text they point at,
    /// message).
    pub(super) fn compile_errors(ws: &Workspace, toml: &str) -> Vec<(usize, String, String)> {
        match try_compile(ws, toml).1 {
            Err(Error::Config(invalid)) => invalid
                .errors
                .iter()
                .map(|e| {
                    let span = e.span().unwrap();
                    let line = toml[..span.start].matches('\n').count() + 1;
                    (line, toml[span].to_owned(), e.message().to_owned())
                })
                .collect(),
            other => panic!("expected configuration errors, got {other:?}"),
        }
    }

    fn try_compile(ws: &Workspace, toml: &str) -> (Vec<Rule>, Result<(), Error>) {
        let source = ConfigSource {
            path: "lumen-gate.toml".into(),
            text: toml.to_owned(),
        };
        let section: ArchSection = toml::from_str(toml).unwrap();
        let mut checker = PatternChecker::new(Some(&source), &ws.graph);
        let rules = compile(&section.arch, &mut checker);
        let result = checker.validator.finish().map(|_| ());
        (rules, result)
    }

    /// Compiles the rules in `toml` and checks them on every member of `ws`, through [`Rule::check`].
    pub(super) fn check(ws: &Workspace, toml: &str) -> Vec<Finding> {
        let members = ws.members();
        check_members(ws, &members, toml)
    }

    /// Compiles the rules in `toml` and checks them on `members`; fails when a file could not be read.
    pub(super) fn check_members<'g>(
        ws: &'g Workspace,
        members: &[PackageMetadata<'g>],
        toml: &str,
    ) -> Vec<Finding> {
        let rules = compile_rules(ws, toml);
        let graph = ArchGraph::new(ws);
        let mut ctx = Context::new(&graph, members);
        let findings = rules.iter().flat_map(|r| r.check(&mut ctx)).collect();
        assert!(ctx.problems.is_empty(), "{:?}", ctx.problems);
        findings
    }

    /// The findings' messages, in order.
    pub(super) fn messages(findings: &[Finding]) -> Vec<&str> {
        findings.iter().map(|f| f.message.as_str()).collect()
    }

    /// Every path of a finding as `a -> b -> c`.
    pub(super) fn paths(finding: &Finding) -> Vec<String> {
        finding
            .paths
            .iter()
            .map(|p| {
                let mut names: Vec<&str> = p
                    .hops
                    .first()
                    .map(|h| h.from.as_str())
                    .into_iter()
                    .collect();
                names.extend(p.hops.iter().map(|h| h.to.as_str()));
                names.join(" -> ")
            })
            .collect()
    }

    /// `file:line:column` of a location.
    pub(super) fn at(location: Option<&Location>) -> Option<String> {
        location.map(|l| format!("{}:{}:{}", l.file, l.line, l.column))
    }

    #[test]
    fn the_recording_loads_with_every_member_and_its_edges() {
        let ws = fixture();
        assert_eq!(ws.root, FAKE_ROOT);
        let members: Vec<&str> = ws.members().iter().map(|m| m.name()).collect();
        assert_eq!(
            members,
            ["app", "engine", "helper", "plugin-a", "plugin-b", "util"]
        );
        let app = ws.graph.workspace().member_by_name("app").unwrap();
        let mut deps: Vec<(&str, &str)> = app
            .direct_links()
            .map(|l| (l.dep_name(), l.to().name()))
            .collect();
        deps.sort();
        assert_eq!(
            deps,
            [("helper", "helper"), ("kernel", "engine"), ("util", "util")]
        );
        let on_disk = fixture_on_disk();
        assert!(
            on_disk.root.join("app/Cargo.toml").is_file(),
            "{}",
            on_disk.root
        );
    }

    #[test]
    fn a_dependency_can_be_left_out_of_the_recording() {
        let mut json = recorded();
        without_dependency(&mut json, "plugin-b", "plugin-a");
        let ws = load(&json);
        let b = ws.graph.workspace().member_by_name("plugin-b").unwrap();
        let mut deps: Vec<&str> = b.direct_links().map(|l| l.to().name()).collect();
        deps.sort();
        assert_eq!(deps, ["engine", "helper"]);
    }

    #[test]
    fn an_unknown_crate_is_a_configuration_error_at_its_place() {
        let errors = compile_errors(
            &fixture(),
            r#"
[[arch.forbid]]
id = "x"
why = "w"
from = "app"
to = "nothing-*"
"#,
        );
        assert_eq!(
            errors,
            [(
                6,
                "\"nothing-*\"".to_owned(),
                "`nothing-*` matches no crate in the workspace graph".to_owned()
            )]
        );
    }

    #[test]
    fn crates_can_be_named_by_their_directories() {
        let findings = check(
            &fixture(),
            r#"
[[arch.independent]]
id = "plugins"
why = "w"
crates = ["./plugin-*"]
allow = [{ from = "plugin-b/", to = "./plugin-a", why = "w" }]

[[arch.forbid]]
id = "b-not-a"
why = "w"
from = "./plugin-b"
to = "plugin-a"
"#,
        );
        assert_eq!(
            messages(&findings),
            ["`plugin-b` depends on `plugin-a` (normal)"],
            "the independent rule's pair is accepted by its path exception"
        );
        let errors = compile_errors(
            &fixture(),
            r#"
[[arch.forbid]]
id = "x"
why = "w"
from = "crates/*"
to = "app"

[[arch.only-through]]
id = "y"
why = "w"
from = "app"
to = "./plugin-*"
modules = ["plugin_a::x"]
"#,
        );
        let messages: Vec<&str> = errors.iter().map(|e| e.2.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`crates/*` matches no workspace member's directory",
                "`to` names one crate, but `./plugin-*` matches 2: plugin-a, plugin-b",
            ]
        );
    }

    #[test]
    fn a_duplicate_rule_id_is_a_configuration_error() {
        let errors = compile_errors(
            &fixture(),
            r#"
[[arch.forbid]]
id = "same"
why = "w"
from = "app"
to = "util"

[[arch.independent]]
id = "same"
why = "w"
crates = ["app", "util"]
"#,
        );
        assert_eq!(
            errors,
            [(
                9,
                "\"same\"".to_owned(),
                "duplicate rule id `same`".to_owned()
            )]
        );
    }
}
