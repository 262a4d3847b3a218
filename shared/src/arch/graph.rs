//! The crate graph as the rules see it: edges with their kinds, optionality and enabling features, and every
//! shortest path between two crates (guppy has no path API: a BFS that keeps every predecessor at equal
//! depth, as the guppy notes describe). A rule that judges a narrower build than "all features" sees only the
//! edges cargo really builds for each checked crate ([`Build`], resolved with guppy's feature graph).

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};

use guppy::PackageId;
use guppy::graph::cargo::{BuildPlatform, CargoOptions, CargoSet};
use guppy::graph::feature::{
    FeatureId, FeatureLabel, FeatureSet, StandardFeatures, named_feature_filter,
};
use guppy::graph::{DependencyDirection, DependencyReq, PackageLink, PackageMetadata};
use guppy::platform::PlatformStatus;

use crate::arch::cfg::Features;
use crate::arch::lines::LineCounts;
use crate::arch::spans::ManifestIndex;
use crate::report::{DepKind, DepPath, Hop};
use crate::workspace::Workspace;

/// Which edges count for a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EdgeFilter {
    /// Kinds that count.
    pub kinds: Vec<DepKind>,
    /// Whether optional (feature-gated) edges count.
    pub include_optional: bool,
    /// Which build of the crate a walk starts from is judged.
    pub features: Features,
}

impl EdgeFilter {
    /// Every edge of these kinds, optional ones included, in the union of all features.
    pub fn all(kinds: Vec<DepKind>) -> EdgeFilter {
        EdgeFilter {
            kinds,
            include_optional: true,
            features: Features::All,
        }
    }
}

/// What cargo builds for one crate with some features (`cargo build -p crate --features ..`, dev-dependencies
/// of the crate included, any platform): its dependency edges and the features turned on.
pub struct Build<'g> {
    cargo: CargoSet<'g>,
    /// The features asked for: where every feature chain starts.
    initials: Vec<FeatureId<'g>>,
    /// `(from, to, dependency name)` of every edge built.
    links: HashSet<(&'g PackageId, &'g PackageId, &'g str)>,
}

impl std::fmt::Debug for Build<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Build")
            .field("initials", &self.initials)
            .finish_non_exhaustive()
    }
}

impl<'g> Build<'g> {
    /// The build of `root` with `features` (not [`Features::All`]); `None` if guppy cannot resolve it (it
    /// can only fail for a package outside the graph).
    fn new(root: PackageMetadata<'g>, features: &Features) -> Option<Build<'g>> {
        let graph = root.graph();
        let only_root = graph.resolve_ids([root.id()]).ok()?;
        let initials_set: FeatureSet<'g> = match features {
            Features::All | Features::Default => {
                only_root.to_feature_set(StandardFeatures::Default)
            }
            Features::Named(names) => only_root.to_feature_set(named_feature_filter(
                StandardFeatures::Default,
                names.iter().map(String::as_str),
            )),
        };
        let initials: Vec<FeatureId<'g>> = initials_set
            .feature_ids(DependencyDirection::Forward)
            .collect();
        let mut opts = CargoOptions::new();
        opts.set_include_dev(true);
        let cargo = initials_set.into_cargo_set(&opts).ok()?;
        let links = cargo
            .target_links()
            .chain(cargo.host_links())
            .chain(cargo.build_dep_links())
            .chain(cargo.proc_macro_links())
            .map(|l| (l.from().id(), l.to().id(), l.dep_name()))
            .collect();
        Some(Build {
            cargo,
            initials,
            links,
        })
    }

    /// True if cargo builds `link`.
    pub fn has(&self, link: &PackageLink<'g>) -> bool {
        self.links
            .contains(&(link.from().id(), link.to().id(), link.dep_name()))
    }

    /// True if feature `name` of `pkg` is on (on the target or the host).
    pub fn has_feature(&self, pkg: &PackageId, name: &str) -> bool {
        BuildPlatform::VALUES.iter().any(|p| {
            self.cargo
                .platform_features(*p)
                .contains(FeatureId::named(pkg, name))
                .unwrap_or(false)
        })
    }

    /// How the build turns on feature `name` of `pkg`: the shortest chain of features from the ones asked
    /// for, each written `crate/feature` (a crate alone for its always-on part).
    pub fn chain(&self, pkg: &PackageId, name: &str) -> Vec<String> {
        let target = FeatureId::named(pkg, name);
        let mut next: HashMap<FeatureId<'g>, Vec<FeatureId<'g>>> = HashMap::new();
        for p in BuildPlatform::VALUES {
            for (from, to, _) in self
                .cargo
                .platform_features(*p)
                .links(DependencyDirection::Forward)
            {
                next.entry(from).or_default().push(to);
            }
        }
        let mut prev: HashMap<FeatureId<'g>, Option<FeatureId<'g>>> =
            self.initials.iter().map(|f| (*f, None)).collect();
        let mut queue: VecDeque<FeatureId<'g>> = self.initials.iter().copied().collect();
        while let Some(at) = queue.pop_front() {
            if at == target {
                let mut chain = vec![at];
                let mut cur = at;
                while let Some(Some(p)) = prev.get(&cur) {
                    chain.push(*p);
                    cur = *p;
                }
                chain.reverse();
                let graph = self.cargo.target_features().graph().package_graph();
                return chain
                    .iter()
                    .map(|f| {
                        let crate_name = graph
                            .metadata(f.package_id())
                            .map(|m| m.name())
                            .unwrap_or("?");
                        match f.label() {
                            FeatureLabel::Base => crate_name.to_owned(),
                            label => format!("{crate_name}/{label}"),
                        }
                    })
                    .collect();
            }
            for to in next.get(&at).map(Vec::as_slice).unwrap_or_default() {
                if !prev.contains_key(to) {
                    prev.insert(*to, Some(at));
                    queue.push_back(*to);
                }
            }
        }
        Vec::new()
    }
}

/// A dependency edge with what the rules need to know about it.
#[derive(Clone, Debug)]
pub struct Edge<'g> {
    /// The guppy link.
    pub link: PackageLink<'g>,
    /// Kinds under which it is declared.
    pub kinds: Vec<DepKind>,
    /// True if optional under every kind it is declared under.
    pub optional: bool,
    /// `cfg(..)` or target triples when the edge is declared only under `[target.'..'.*dependencies]`.
    pub platform: Option<String>,
    /// The build the edge was found in, when a rule judges one narrower than all features.
    pub build: Option<Arc<Build<'g>>>,
}

impl<'g> Edge<'g> {
    /// The edge of `link`.
    pub fn new(link: PackageLink<'g>) -> Edge<'g> {
        let mut kinds = Vec::new();
        let mut optional = true;
        let mut specs: Vec<String> = Vec::new();
        let mut always = false;
        for (kind, req) in [
            (DepKind::Normal, link.normal()),
            (DepKind::Build, link.build()),
            (DepKind::Dev, link.dev()),
        ] {
            if req.is_present() {
                kinds.push(kind);
                optional &= is_optional(&req);
                let status = req.status();
                for s in [status.required_status(), status.optional_status()] {
                    match s {
                        PlatformStatus::Never => {}
                        PlatformStatus::Always => always = true,
                        PlatformStatus::PlatformDependent { eval } => {
                            for spec in eval.target_specs() {
                                let spec = as_written(&spec.to_string());
                                if !specs.contains(&spec) {
                                    specs.push(spec);
                                }
                            }
                        }
                    }
                }
            }
        }
        Edge {
            link,
            kinds,
            optional,
            platform: (!always && !specs.is_empty()).then(|| specs.join(" or ")),
            build: None,
        }
    }

    /// Whether the edge counts under `filter`.
    pub fn matches(&self, filter: &EdgeFilter) -> bool {
        (filter.include_optional || !self.optional)
            && self.kinds.iter().any(|k| filter.kinds.contains(k))
    }

    /// True if the edge is declared only under `[dev-dependencies]`.
    pub fn dev_only(&self) -> bool {
        self.kinds == [DepKind::Dev]
    }
}

/// A platform spec as a manifest writes it: a target triple as is, an expression (which guppy shows without
/// its `cfg(..)`) inside `cfg(..)`. A triple has a `-` and neither `=` nor `(`; an expression with a `-` has
/// it inside a quoted value, after an `=`.
fn as_written(spec: &str) -> String {
    if spec.contains('-') && !spec.contains(['=', '(']) {
        spec.to_owned()
    } else {
        format!("cfg({spec})")
    }
}

fn is_optional(req: &DependencyReq<'_>) -> bool {
    req.status().required_status().is_never()
}

/// Builds resolved so far, by crate and features (`None`: guppy could not resolve it).
type BuildCache<'g> = HashMap<(&'g PackageId, Features), Option<Arc<Build<'g>>>>;

/// Reading the graph for the rules.
pub struct ArchGraph<'g> {
    /// The workspace.
    pub ws: &'g Workspace,
    /// Manifest spans.
    pub manifests: ManifestIndex,
    /// Lines of code of the members, counted for impacts.
    pub lines: LineCounts,
    /// Builds resolved so far, by crate and features.
    builds: Mutex<BuildCache<'g>>,
}

impl<'g> ArchGraph<'g> {
    /// The graph of `ws`.
    pub fn new(ws: &'g Workspace) -> ArchGraph<'g> {
        ArchGraph {
            ws,
            manifests: ManifestIndex::new(&ws.root),
            lines: LineCounts::default(),
            builds: Mutex::new(HashMap::new()),
        }
    }

    /// Every package of the graph, workspace members first, by name.
    pub fn packages(&self) -> Vec<PackageMetadata<'g>> {
        let mut all: Vec<_> = self.ws.graph.packages().collect();
        all.sort_by(|a, b| {
            b.in_workspace()
                .cmp(&a.in_workspace())
                .then_with(|| a.name().cmp(b.name()))
                .then_with(|| a.version().cmp(b.version()))
        });
        all
    }

    /// Edges out of `pkg` that count under `filter`, judged in the build of `pkg` itself.
    pub fn edges(&self, pkg: PackageMetadata<'g>, filter: &EdgeFilter) -> Vec<Edge<'g>> {
        self.edges_in(pkg, pkg, filter)
    }

    /// Edges out of `pkg` that count under `filter`, judged in the build of `root` (`filter.features`).
    pub fn edges_in(
        &self,
        root: PackageMetadata<'g>,
        pkg: PackageMetadata<'g>,
        filter: &EdgeFilter,
    ) -> Vec<Edge<'g>> {
        let build = self.build(root, &filter.features);
        pkg.direct_links()
            .map(Edge::new)
            .filter(|e| e.matches(filter))
            .filter(|e| build.as_ref().is_none_or(|b| b.has(&e.link)))
            .map(|mut e| {
                e.build = build.clone(); // cloned: a shared handle
                e
            })
            .collect()
    }

    /// What cargo builds for `root` with `features`; `None` for all features (the whole graph).
    pub fn build(&self, root: PackageMetadata<'g>, features: &Features) -> Option<Arc<Build<'g>>> {
        if *features == Features::All {
            return None;
        }
        let mut builds = self.builds.lock().unwrap_or_else(|e| e.into_inner());
        builds
            .entry((root.id(), features.clone())) // cloned: the cache key owns it
            .or_insert_with(|| Build::new(root, features).map(Arc::new))
            .clone() // cloned: a shared handle
    }

    /// The features of `from` that enable an optional edge (in the edge's build, those turned on).
    pub fn enabled_by(&self, edge: &Edge<'g>) -> Vec<String> {
        let all = self.declared_enabled_by(edge);
        match &edge.build {
            Some(build) => all
                .into_iter()
                .filter(|f| build.has_feature(edge.link.from().id(), f))
                .collect(),
            None => all,
        }
    }

    /// The features of `from` whose definitions enable an optional edge.
    fn declared_enabled_by(&self, edge: &Edge<'g>) -> Vec<String> {
        if !edge.optional {
            return Vec::new();
        }
        let dep = edge.link.dep_name();
        let Some(features) = self.ws.features.get(edge.link.from().id().repr()) else {
            return Vec::new();
        };
        features
            .iter()
            .filter(|(_, enables)| {
                enables.iter().any(|f| {
                    f == dep
                        || f.strip_prefix("dep:") == Some(dep)
                        || f.split_once('/').is_some_and(|(d, _)| d == dep)
                })
            })
            .map(|(name, _)| name.clone()) // cloned: the report owns its strings
            .collect()
    }

    /// The hop of an edge, with the manifest line that declares it.
    pub fn hop(&self, edge: &Edge<'g>) -> Hop {
        let from = edge.link.from();
        let declared_at = edge.kinds.iter().find_map(|kind| {
            self.manifests
                .dependency(from.manifest_path(), edge.link.dep_name(), *kind)
        });
        let enabled_by = self.enabled_by(edge);
        let feature_chain = match (&edge.build, enabled_by.first()) {
            (Some(build), Some(feature)) => build.chain(from.id(), feature),
            _ => Vec::new(),
        };
        Hop {
            from: from.name().to_owned(),
            to: edge.link.to().name().to_owned(),
            kinds: edge.kinds.clone(), // cloned: the report owns its data
            optional: edge.optional,
            enabled_by,
            feature_chain,
            platform: edge.platform.clone(), // cloned: the report owns its data
            declared_at,
        }
    }

    /// A breadth-first search from `from` keeping every predecessor at equal depth, so that every shortest
    /// path to every reachable package can be listed. Dev edges count only as the first hop: cargo never
    /// builds a dependency's dev-dependencies.
    pub fn path_tree(&self, from: PackageMetadata<'g>, filter: &EdgeFilter) -> PathTree<'g> {
        self.path_tree_avoiding(from, filter, &|_| false)
    }

    /// [`ArchGraph::path_tree`] through the packages `avoid` does not hold: they are neither passed
    /// through nor reached.
    pub fn path_tree_avoiding(
        &self,
        from: PackageMetadata<'g>,
        filter: &EdgeFilter,
        avoid: &dyn Fn(PackageMetadata<'g>) -> bool,
    ) -> PathTree<'g> {
        let mut depth: HashMap<&'g PackageId, usize> = HashMap::new();
        let mut preds: HashMap<&'g PackageId, Vec<Edge<'g>>> = HashMap::new();
        let mut queue = VecDeque::new();
        depth.insert(from.id(), 0);
        queue.push_back(from);
        while let Some(pkg) = queue.pop_front() {
            let d = depth.get(pkg.id()).copied().unwrap_or(0);
            for edge in self.edges_in(from, pkg, filter) {
                if d > 0 && edge.dev_only() {
                    continue;
                }
                let next = edge.link.to();
                if avoid(next) {
                    continue;
                }
                match depth.get(next.id()) {
                    Some(&nd) if nd == d + 1 => preds.entry(next.id()).or_default().push(edge),
                    Some(_) => {}
                    None => {
                        depth.insert(next.id(), d + 1);
                        preds.entry(next.id()).or_default().push(edge);
                        queue.push_back(next);
                    }
                }
            }
        }
        PathTree { from, preds }
    }

    /// A report path from edges.
    pub fn dep_path(&self, edges: &[Edge<'g>]) -> DepPath {
        DepPath {
            hops: edges.iter().map(|e| self.hop(e)).collect(),
        }
    }
}

/// The result of [`ArchGraph::path_tree`].
pub struct PathTree<'g> {
    from: PackageMetadata<'g>,
    preds: HashMap<&'g PackageId, Vec<Edge<'g>>>,
}

impl<'g> PathTree<'g> {
    /// True if `to` is reachable (and is not the start).
    pub fn reaches(&self, to: &PackageId) -> bool {
        self.preds.contains_key(to)
    }

    /// How many shortest paths lead to `to` (saturating).
    pub fn count_paths_to(&self, to: &'g PackageId) -> u64 {
        let mut counts: HashMap<&PackageId, u64> = HashMap::new();
        count_paths(to, self.from.id(), &self.preds, &mut counts)
    }

    /// Every shortest path to `to` (at most `limit`), sorted by the names along it.
    pub fn paths_to(&self, to: &PackageId, limit: usize) -> Vec<Vec<Edge<'g>>> {
        let mut paths = Vec::new();
        if self.reaches(to) {
            let mut suffix = Vec::new();
            collect_paths(
                to,
                self.from.id(),
                &self.preds,
                &mut suffix,
                &mut paths,
                limit,
            );
        }
        paths.sort_by_cached_key(|p| p.iter().map(|e| e.link.to().name()).collect::<Vec<_>>());
        paths
    }
}

fn collect_paths<'g>(
    at: &PackageId,
    start: &PackageId,
    preds: &HashMap<&'g PackageId, Vec<Edge<'g>>>,
    suffix: &mut Vec<Edge<'g>>,
    out: &mut Vec<Vec<Edge<'g>>>,
    limit: usize,
) {
    if out.len() >= limit {
        return;
    }
    if at == start {
        out.push(suffix.iter().rev().cloned().collect()); // cloned: each path owns its edges
        return;
    }
    for edge in preds.get(at).map(Vec::as_slice).unwrap_or_default() {
        suffix.push(edge.clone()); // cloned: the edge is a cheap handle into the graph
        collect_paths(edge.link.from().id(), start, preds, suffix, out, limit);
        suffix.pop();
    }
}

/// The number of shortest paths from `start` to `at`, memoized in `counts` (the predecessors form a DAG).
fn count_paths<'g>(
    at: &'g PackageId,
    start: &PackageId,
    preds: &HashMap<&'g PackageId, Vec<Edge<'g>>>,
    counts: &mut HashMap<&'g PackageId, u64>,
) -> u64 {
    if at == start {
        return 1;
    }
    if let Some(&n) = counts.get(at) {
        return n;
    }
    let n = preds
        .get(at)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .fold(0u64, |sum, edge| {
            sum.saturating_add(count_paths(edge.link.from().id(), start, preds, counts))
        });
    counts.insert(at, n);
    n
}

#[cfg(test)]
mod tests {
    use super::as_written;

    #[test]
    fn platform_specs_read_as_the_manifest_writes_them() {
        assert_eq!(as_written("unix"), "cfg(unix)");
        assert_eq!(
            as_written("all(unix, target_env = \"musl-x\")"),
            "cfg(all(unix, target_env = \"musl-x\"))"
        );
        assert_eq!(
            as_written("x86_64-unknown-linux-gnu"),
            "x86_64-unknown-linux-gnu"
        );
    }
}
