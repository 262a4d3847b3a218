//! `new-coupling` and base comparison: the base revision's workspace is loaded from a detached worktree
//! under the target directory (never touching the user's checkout), so HEAD's internal edges can be compared
//! with the base's, and HEAD's findings marked new or pre-existing.

use std::collections::BTreeSet;

use crate::arch::graph::{ArchGraph, Edge, EdgeFilter};
use crate::arch::rules::{RuleMeta, edge_label};
use crate::errors::{Error, Result};
use crate::report::{BaseRevision, DepKind, Finding};
use crate::workspace::{LoadOptions, Workspace};

/// The base revision checked out and loaded.
pub struct Base {
    /// The revision and its commit.
    pub revision: BaseRevision,
    /// The base's workspace.
    pub workspace: Workspace,
}

/// Checks out `rev` in `<target>/lumen-gate/arch-base` and loads its workspace (offline: the base's
/// dependencies are expected in the local cache, as HEAD's are).
pub fn load_base(ws: &Workspace, rev: &str) -> Result<Base> {
    let base = crate::base::checkout(ws, rev, &ws.target_dir.join("lumen-gate").join("arch-base"))?;
    let manifest = base.root.join("Cargo.toml");
    if !manifest.is_file() {
        return Err(Error::usage(
            format!(
                "the workspace did not exist at base revision `{rev}` ({})",
                base.revision.commit
            ),
            Some("pick a base revision that has this workspace".to_owned()),
        ));
    }
    let workspace = Workspace::load(&LoadOptions {
        manifest_path: Some(manifest),
        offline: true,
        ..LoadOptions::default()
    })?;
    Ok(Base {
        revision: base.revision,
        workspace,
    })
}

type EdgeKey = (String, String, DepKind);

/// Internal edges (member to member) by (from, to, kind).
pub fn internal_edges(graph: &ArchGraph<'_>, filter: &EdgeFilter) -> BTreeSet<EdgeKey> {
    let mut edges = BTreeSet::new();
    for member in graph.ws.graph.workspace().iter() {
        for edge in graph.edges(member, filter) {
            if !edge.link.to().in_workspace() {
                continue;
            }
            for kind in &edge.kinds {
                edges.insert((
                    member.name().to_owned(),
                    edge.link.to().name().to_owned(),
                    *kind,
                ));
            }
        }
    }
    edges
}

/// Every internal edge of HEAD (under `filter`) that the base did not have.
pub fn new_coupling<'g>(
    head: &ArchGraph<'g>,
    base: &ArchGraph<'_>,
    meta: &RuleMeta,
    filter: &EdgeFilter,
) -> Vec<Finding> {
    let before = internal_edges(base, filter);
    let mut findings = Vec::new();
    let mut members: Vec<_> = head.ws.graph.workspace().iter().collect();
    members.sort_by(|a, b| a.name().cmp(b.name()));
    for member in members {
        for edge in head.edges(member, filter) {
            let to = edge.link.to();
            if !to.in_workspace() {
                continue;
            }
            let new_kinds: Vec<DepKind> = edge
                .kinds
                .iter()
                .copied()
                .filter(|k| !before.contains(&(member.name().to_owned(), to.name().to_owned(), *k)))
                .collect();
            if new_kinds.is_empty() {
                continue;
            }
            let shown = Edge {
                kinds: new_kinds,
                ..edge.clone() // cloned: a cheap handle into the graph
            };
            let message = format!(
                "new dependency `{}` -> `{}` ({}) since the base",
                member.name(),
                to.name(),
                edge_label(head, &shown)
            );
            let path = head.dep_path(std::slice::from_ref(&shown));
            findings.push(meta.finding(
                message,
                vec![member.name().to_owned(), to.name().to_owned()],
                vec![path],
            ));
        }
    }
    findings
}
