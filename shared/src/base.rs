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
}

/// Checks out `rev` of the repository holding `ws` in a worktree at `dir` (created or reused).
pub fn checkout(ws: &Workspace, rev: &str, dir: &Utf8Path) -> Result<BaseCheckout> {
    let repo = Repo::discover(ws.root.as_std_path())?;
    let commit = repo.resolve_commit(rev)?;
    let rel = repo.relative_path(ws.root.as_std_path())?;
    if let Some(parent) = dir.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("could not create", parent, e))?;
    }
    let worktree = repo.base_worktree(&commit, dir.as_std_path())?;
    Ok(BaseCheckout {
        revision: BaseRevision {
            rev: rev.to_owned(),
            commit,
        },
        root: worktree.join(rel),
    })
}
