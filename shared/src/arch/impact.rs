//! The estimated impact of an architecture finding, concrete as the review's item format asks: what a
//! dependency edge brings into the dependent's build that it would not have otherwise (crates, and lines of
//! workspace code), and how widespread a source-level breach is.

use std::collections::{BTreeMap, HashSet, VecDeque};

use guppy::PackageId;
use guppy::graph::PackageMetadata;

use crate::arch::graph::{ArchGraph, Edge};
use crate::arch::lines::LineCounts;
use crate::report::{DepKind, Finding};

/// Every package `from` builds against (normal and build edges, transitively; its own dev edges at the
/// first hop when `dev` is set), leaving out the edge `skip`.
fn reach<'g>(
    from: PackageMetadata<'g>,
    dev: bool,
    skip: (&PackageId, &PackageId),
) -> HashSet<&'g PackageId> {
    let mut seen: HashSet<&'g PackageId> = HashSet::new();
    let mut queue = VecDeque::from([(from, 0usize)]);
    while let Some((pkg, depth)) = queue.pop_front() {
        for link in pkg.direct_links() {
            let edge = Edge::new(link);
            let counts = edge.kinds.iter().any(|k| match k {
                DepKind::Normal | DepKind::Build => true,
                DepKind::Dev => dev && depth == 0,
            });
            let to = link.to();
            if !counts || (link.from().id() == skip.0 && to.id() == skip.1) {
                continue;
            }
            if seen.insert(to.id()) {
                queue.push_back((to, depth + 1));
            }
        }
    }
    seen
}

/// What `edge` brings into its dependent's build that the dependent would not have otherwise: the crates
/// reachable only through it, and the lines of workspace code among them.
pub fn of_edge(graph: &ArchGraph<'_>, lines: &LineCounts, edge: &Edge<'_>) -> String {
    let (from, to) = (edge.link.from(), edge.link.to());
    let dev = edge.dev_only();
    let skip = (from.id(), to.id());
    let with = {
        let mut all = reach(to, false, (to.id(), to.id()));
        all.insert(to.id());
        all
    };
    let without = reach(from, dev, skip);
    let mut brought: Vec<PackageMetadata<'_>> = with
        .iter()
        .filter(|id| !without.contains(*id) && **id != from.id())
        .filter_map(|id| graph.ws.graph.metadata(id).ok())
        .collect();
    brought.sort_by(|a, b| a.name().cmp(b.name()));
    let build = if dev {
        "tests, benches and examples"
    } else {
        "build"
    };
    if brought.is_empty() {
        return format!(
            "brings nothing new into `{}`'s {build}: `{}` is reachable through its other dependencies too",
            from.name(),
            to.name()
        );
    }
    let members: Vec<&PackageMetadata<'_>> = brought.iter().filter(|p| p.in_workspace()).collect();
    let code: usize = members.iter().map(|p| lines.of(**p)).sum();
    let names: Vec<&str> = brought.iter().take(6).map(|p| p.name()).collect();
    let more = if brought.len() > names.len() {
        format!(", and {} more", brought.len() - names.len())
    } else {
        String::new()
    };
    format!(
        "brings {} {} into `{}`'s {build} that it would not have otherwise ({}{more}), {} of the workspace with {} lines of code",
        brought.len(),
        if brought.len() == 1 {
            "crate"
        } else {
            "crates"
        },
        from.name(),
        names.join(", "),
        members.len(),
        code
    )
}

/// Sets the impact of source-level findings (one per use of a forbidden path): how many such uses the
/// same rule found from the same crate, and in how many files; `what(n)` names n breaches
/// ("2 uses of `lumen_compiler` outside the allowed modules").
pub fn of_uses(findings: &mut [Finding], what: impl Fn(usize) -> String) {
    let mut groups: BTreeMap<(String, Option<String>), (usize, HashSet<String>)> = BTreeMap::new();
    for f in findings.iter() {
        let group = groups
            .entry((f.rule_id.to_owned(), f.package.to_owned()))
            .or_default();
        group.0 += 1;
        if let Some(loc) = &f.location {
            group.1.insert(loc.file.to_owned());
        }
    }
    for f in findings.iter_mut() {
        let key = (f.rule_id.to_owned(), f.package.to_owned());
        if let Some((uses, files)) = groups.get(&key) {
            f.impact = Some(if *uses == 1 {
                format!("{}: this is the only one", what(1))
            } else {
                format!(
                    "one of {}, in {} {}",
                    what(*uses),
                    files.len(),
                    if files.len() == 1 { "file" } else { "files" }
                )
            });
        }
    }
}
