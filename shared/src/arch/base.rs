//! The workspace at the base revision, for `--base`: checked out in a detached worktree under the
//! workspace's lumen-gate directory (never touching the user's checkout) and loaded, so HEAD's internal
//! edges can be compared with the base's and HEAD's findings marked new or pre-existing.

use crate::errors::{Error, Result};
use crate::report::BaseRevision;
use crate::workspace::{LoadOptions, Workspace};

/// The base revision checked out and loaded.
pub struct Base {
    /// The revision and its commit.
    pub revision: BaseRevision,
    /// The base's workspace.
    pub workspace: Workspace,
    /// Lines for the user and the report: the worktree recovered, the base's lockfile updated.
    pub notes: Vec<String>,
}

/// Checks out `rev` in `<state dir>/arch-base` and loads its workspace (offline: the base's dependencies
/// are expected in the local cache, as HEAD's are; a stale `Cargo.lock` of the base is updated in the
/// worktree, which is ours). The caller holds the workspace's state lock.
pub fn load(ws: &Workspace, rev: &str) -> Result<Base> {
    let base = crate::base::checkout(ws, rev, &ws.state_dir().join("arch-base"))?;
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
        lockfile_is_ours: true,
        ..LoadOptions::default()
    })?;
    let lockfile = base.lockfile_note();
    let mut notes = base.notes;
    notes.extend(lockfile);
    Ok(Base {
        revision: base.revision,
        workspace,
        notes,
    })
}
