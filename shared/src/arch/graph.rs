//! The crate graph as the rules see it: edges with their kinds, optionality and enabling features, and every
//! shortest path between two crates (guppy has no path API: a BFS that keeps every predecessor at equal
//! depth, as the guppy notes describe).

use std::collections::{HashMap, VecDeque};

use guppy::PackageId;
use guppy::graph::{DependencyReq, PackageLink, PackageMetadata};

use crate::arch::impact::LineCounts;
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
}

impl<'g> Edge<'g> {
    /// The edge of `link`.
    pub fn new(link: PackageLink<'g>) -> Edge<'g> {
        let mut kinds = Vec::new();
        let mut optional = true;
        for (kind, req) in [
            (DepKind::Normal, link.normal()),
            (DepKind::Build, link.build()),
            (DepKind::Dev, link.dev()),
        ] {
            if req.is_present() {
                kinds.push(kind);
                optional &= is_optional(&req);
            }
        }
        Edge {
            link,
            kinds,
            optional,
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

fn is_optional(req: &DependencyReq<'_>) -> bool {
    req.status().required_status().is_never()
}

/// Reading the graph for the rules.
pub struct ArchGraph<'g> {
    /// The workspace.
    pub ws: &'g Workspace,
    /// Manifest spans.
    pub manifests: ManifestIndex,
    /// Lines of code of the members, counted for impacts.
    pub lines: LineCounts,
}

impl<'g> ArchGraph<'g> {
    /// The graph of `ws`.
    pub fn new(ws: &'g Workspace) -> ArchGraph<'g> {
        ArchGraph {
            ws,
            manifests: ManifestIndex::new(&ws.root),
            lines: LineCounts::default(),
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

    /// Edges out of `pkg` that count under `filter`.
    pub fn edges(&self, pkg: PackageMetadata<'g>, filter: &EdgeFilter) -> Vec<Edge<'g>> {
        pkg.direct_links()
            .map(Edge::new)
            .filter(|e| e.matches(filter))
            .collect()
    }

    /// The features of `from` that enable an optional edge.
    pub fn enabled_by(&self, edge: &Edge<'g>) -> Vec<String> {
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
        Hop {
            from: from.name().to_owned(),
            to: edge.link.to().name().to_owned(),
            kinds: edge.kinds.clone(), // cloned: the report owns its data
            optional: edge.optional,
            enabled_by: self.enabled_by(edge),
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
            for edge in self.edges(pkg, filter) {
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

    /// One shortest path from `from` to `to` using only packages in `within`, any edge kind at any hop
    /// (for walking a cycle, where a dev edge is what closes it).
    pub fn shortest_paths_within(
        &self,
        from: PackageMetadata<'g>,
        to: &PackageId,
        filter: &EdgeFilter,
        within: &[PackageMetadata<'g>],
    ) -> Option<Vec<Edge<'g>>> {
        let allowed = |id: &PackageId| within.iter().any(|p| p.id() == id);
        let mut prev: HashMap<&'g PackageId, Edge<'g>> = HashMap::new();
        let mut queue = VecDeque::from([from]);
        while let Some(pkg) = queue.pop_front() {
            for edge in self.edges(pkg, filter) {
                let next = edge.link.to();
                if !allowed(next.id()) || prev.contains_key(next.id()) {
                    continue;
                }
                let reached = next.id() == to;
                prev.insert(next.id(), edge);
                if reached {
                    let mut path = Vec::new();
                    let mut at = to;
                    while let Some(e) = prev.get(at) {
                        path.push(e.clone()); // cloned: a cheap handle into the graph
                        at = e.link.from().id();
                        if at == from.id() {
                            break;
                        }
                    }
                    path.reverse();
                    return Some(path);
                }
                queue.push_back(next);
            }
        }
        None
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
