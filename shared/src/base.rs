//! The workspace at a base revision: checked out in a detached worktree under the workspace's state
//! directory (the user's checkout is never touched), shared by the architecture comparison and the
//! benchmarks. Callers hold the state lock ([`crate::lock`]).

use std::path::PathBuf;

use camino::Utf8Path;

use crate::errors::{Error, Result};
use crate::git::Repo;
use crate::report::BaseRevision;
use crate::workspace::Workspace;

/// A base revision checked out.
pub struct BaseCheckout {
    /// The revision and the commit it names.
    pub revision: BaseRevision,
    /// The workspace root inside the worktree.
    pub root: PathBuf,
    /// Lines for the user and the report (the worktree was recovered after an interrupted run).
    pub notes: Vec<String>,
    /// The base's `Cargo.lock` as committed, if it has one.
    committed_lockfile: Option<Vec<u8>>,
}

impl BaseCheckout {
    /// A line saying that cargo updated the base's `Cargo.lock` in our worktree, once it has run there
    /// without `--locked` (a base commit's lockfile may be stale, and history cannot be fixed; the
    /// worktree is ours, the user's checkout is never touched).
    pub fn lockfile_note(&self) -> Option<String> {
        let now = std::fs::read(self.root.join("Cargo.lock")).ok();
        (self.committed_lockfile.is_some() && now != self.committed_lockfile).then(|| {
            format!(
                "the Cargo.lock of base `{}` ({}) is out of date: cargo updated it in lumen-gate's worktree of the base, not in your checkout",
                self.revision.rev,
                short(&self.revision.commit)
            )
        })
    }
}

/// The first 12 characters of a commit id.
fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

/// Checks out `rev` of the repository holding `ws` in a worktree at `dir` (created or reused).
pub fn checkout(ws: &Workspace, rev: &str, dir: &Utf8Path) -> Result<BaseCheckout> {
    checkout_root(&ws.root, rev, dir)
}

/// Checks out `rev` of the repository holding the workspace at `root` in a worktree at `dir` (created or
/// reused).
pub fn checkout_root(root: &Utf8Path, rev: &str, dir: &Utf8Path) -> Result<BaseCheckout> {
    let repo = Repo::discover(root.as_std_path())?;
    let commit = repo.resolve_commit(rev)?;
    let rel = repo.relative_path(root.as_std_path())?;
    if let Some(parent) = dir.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("could not create", parent, e))?;
    }
    let worktree = repo.base_worktree(&commit, dir.as_std_path())?;
    let root = worktree.dir.join(rel);
    Ok(BaseCheckout {
        revision: BaseRevision {
            rev: rev.to_owned(),
            commit,
        },
        committed_lockfile: std::fs::read(root.join("Cargo.lock")).ok(),
        root,
        notes: worktree.note.into_iter().collect(),
    })
}
