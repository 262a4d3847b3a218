//! Git, read-only as far as the user is concerned.
//!
//! The tools never modify the user's working tree, index, stash or branches: no stash, reset, checkout,
//! clean or restore there. A base revision is materialized in a detached `git worktree` under the target
//! directory ([`Repo::base_worktree`]), which is ours to update; file contents at a revision are read with
//! `git show`, and changed lines are found by diffing those contents in memory ([`Repo::changed_lines`]).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use cargo_util::ProcessBuilder;
use miette::Diagnostic;
use thiserror::Error;

/// A git command failed or git is unusable here.
#[derive(Debug, Error, Diagnostic)]
pub enum GitError {
    /// git could not be started.
    #[error("could not run git")]
    #[diagnostic(
        code(lumen_gate::git_missing),
        help("install git and make sure it is on PATH")
    )]
    Spawn {
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The directory is not inside a git repository.
    #[error("{dir} is not inside a git repository")]
    #[diagnostic(
        code(lumen_gate::not_a_git_repo),
        help("--base compares against a git revision; run inside a git checkout, or drop --base")
    )]
    NotARepo {
        /// The directory.
        dir: String,
    },
    /// The revision does not name a commit.
    #[error("revision `{rev}` not found in {repo}")]
    #[diagnostic(
        code(lumen_gate::unknown_revision),
        help(
            "check the name with `git rev-parse --verify '{rev}^{{commit}}'`; in CI, fetch enough history (fetch-depth: 0)"
        )
    )]
    UnknownRevision {
        /// The revision given.
        rev: String,
        /// The repository.
        repo: String,
    },
    /// A directory the tools work on is not inside the repository's working tree (seen as git sees it,
    /// symlinks resolved).
    #[error("{dir} is not inside the working tree of the repository at {repo}")]
    #[diagnostic(
        code(lumen_gate::outside_repository),
        help("run on the workspace through a path inside the repository's working tree")
    )]
    OutsideRepository {
        /// The directory.
        dir: String,
        /// The repository's top-level directory.
        repo: String,
    },
    /// A git command failed.
    #[error("`git {args}` failed: {stderr}")]
    #[diagnostic(code(lumen_gate::git_failed))]
    Failed {
        /// The arguments.
        args: String,
        /// What git printed.
        stderr: String,
    },
}

/// A git repository, addressed through its top-level directory.
#[derive(Clone, Debug)]
pub struct Repo {
    root: PathBuf,
}

impl Repo {
    /// The repository containing `dir`.
    pub fn discover(dir: &Path) -> Result<Repo, GitError> {
        let out = git_in(dir, &["rev-parse", "--show-toplevel"]).map_err(|e| match e {
            GitError::Failed { .. } => GitError::NotARepo {
                dir: dir.display().to_string(),
            },
            other => other,
        })?;
        Ok(Repo {
            root: PathBuf::from(String::from_utf8_lossy(&out).trim()),
        })
    }

    /// `dir` relative to the repository's top-level directory. Symlinks are resolved on both sides first
    /// when a plain prefix does not match (a workspace reached through a symlink).
    pub fn relative_path(&self, dir: &Path) -> Result<PathBuf, GitError> {
        if let Ok(rel) = dir.strip_prefix(&self.root) {
            return Ok(rel.to_owned());
        }
        let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_owned());
        canonical(dir)
            .strip_prefix(canonical(&self.root))
            .map(Path::to_owned)
            .map_err(|_| GitError::OutsideRepository {
                dir: dir.display().to_string(),
                repo: self.root.display().to_string(),
            })
    }

    /// The full commit id `rev` names.
    pub fn resolve_commit(&self, rev: &str) -> Result<String, GitError> {
        let spec = format!("{rev}^{{commit}}");
        let out = git_in(
            &self.root,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                "--end-of-options",
                &spec,
            ],
        )
        .map_err(|e| match e {
            GitError::Failed { .. } => GitError::UnknownRevision {
                rev: rev.to_owned(),
                repo: self.root.display().to_string(),
            },
            other => other,
        })?;
        Ok(String::from_utf8_lossy(&out).trim().to_owned())
    }

    /// The id of `commit`'s tree: the same for two commits with the same files.
    pub fn tree_of(&self, commit: &str) -> Result<String, GitError> {
        let spec = format!("{commit}^{{tree}}");
        let out = git_in(
            &self.root,
            &["rev-parse", "--verify", "--end-of-options", &spec],
        )?;
        Ok(String::from_utf8_lossy(&out).trim().to_owned())
    }

    /// The contents of `path` (relative to the repository root) at `commit`, or `None` if it did not exist.
    pub fn file_at(&self, commit: &str, path: &str) -> Result<Option<Vec<u8>>, GitError> {
        let object = format!("{commit}:{path}");
        let exists = ProcessBuilder::new("git")
            .cwd(&self.root)
            .args(&["cat-file", "-e", &object])
            .build_command()
            .output()
            .map_err(|source| GitError::Spawn { source })?;
        if !exists.status.success() {
            return Ok(None);
        }
        git_in(&self.root, &["cat-file", "blob", &object]).map(Some)
    }

    /// The lines of `path` (relative to the repository root, as it is now in the working tree) that were
    /// added or changed since `commit`. A file that did not exist at `commit` is new in every line.
    pub fn changed_lines(&self, commit: &str, path: &str) -> Result<ChangedLines, GitError> {
        let now = match std::fs::read(self.root.join(path)) {
            Ok(bytes) => bytes,
            // Deleted since the base: it has no lines now, so none changed.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => {
                return Err(GitError::Failed {
                    args: format!("diff {commit} -- {path}"),
                    stderr: format!("could not read {path}: {e}"),
                });
            }
        };
        let Some(before) = self.file_at(commit, path)? else {
            return Ok(ChangedLines::All);
        };
        let before = String::from_utf8_lossy(&before);
        let now = String::from_utf8_lossy(&now);
        let diff = similar::TextDiff::from_lines(before.as_ref(), now.as_ref());
        let mut lines = BTreeSet::new();
        for change in diff.iter_all_changes() {
            if change.tag() == similar::ChangeTag::Insert
                && let Some(index) = change.new_index()
            {
                lines.insert(index as u32 + 1);
            }
        }
        Ok(ChangedLines::Some(lines))
    }

    /// A detached worktree of `commit` at `dir` (under the target directory), created or reused.
    ///
    /// The worktree is ours: it is moved to `commit` with `git switch --detach --discard-changes` inside it,
    /// never touching the user's checkout. Only our own registration is ever removed (never `git worktree
    /// prune`, which would also drop the user's worktrees that are merely moved or on an unmounted disk): a
    /// directory removed by hand or by `cargo clean`, and a worktree left locked or half checked out by a
    /// run that was killed, are removed and created again, and the returned [`Worktree::note`] says so.
    pub fn base_worktree(&self, commit: &str, dir: &Path) -> Result<Worktree, GitError> {
        let registration = self.registration(dir)?;
        let mut note = None;
        if let Some(reg) = &registration {
            if reg.locked {
                note = Some(format!(
                    "the base worktree at {} was left locked by an interrupted run: removed and created again",
                    dir.display()
                ));
            } else if !self.healthy(dir) {
                if dir.exists() {
                    note = Some(format!(
                        "the base worktree at {} was left unusable by an interrupted run: removed and created again",
                        dir.display()
                    ));
                }
            } else {
                match git_in(
                    dir,
                    &["switch", "--detach", "--discard-changes", "--quiet", commit],
                ) {
                    Ok(_) => {
                        return Ok(Worktree {
                            dir: dir.to_owned(),
                            note: None,
                        });
                    }
                    Err(e) => {
                        note = Some(format!(
                            "the base worktree at {} could not be reused ({e}): removed and created again",
                            dir.display()
                        ));
                    }
                }
            }
            if reg.locked {
                git_in(&self.root, &["worktree", "unlock", &reg.path])?;
            }
            // Our registration only; `remove` works when the directory is gone too.
            git_in(&self.root, &["worktree", "remove", "--force", &reg.path])?;
        }
        let dir_str = dir.display().to_string();
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| GitError::Failed {
                args: format!("worktree add {dir_str}"),
                stderr: format!("could not clear stale directory: {e}"),
            })?;
        }
        git_in(
            &self.root,
            &[
                "worktree", "add", "--detach", "--force", "--quiet", &dir_str, commit,
            ],
        )?;
        Ok(Worktree {
            dir: dir.to_owned(),
            note,
        })
    }

    /// Removes our worktree at `dir`: its registration (when the repository has one) and its directory.
    pub fn remove_worktree(&self, dir: &Path) -> Result<(), GitError> {
        if let Some(reg) = self.registration(dir)? {
            if reg.locked {
                git_in(&self.root, &["worktree", "unlock", &reg.path])?;
            }
            git_in(&self.root, &["worktree", "remove", "--force", &reg.path])?;
        }
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| GitError::Failed {
                args: format!("worktree remove {}", dir.display()),
                stderr: format!("could not remove the directory: {e}"),
            })?;
        }
        Ok(())
    }

    /// The repository's registration of a worktree at `dir`, if it has one.
    fn registration(&self, dir: &Path) -> Result<Option<Registration>, GitError> {
        // git records a worktree by its real path; `dir` may not exist, its parent does.
        let real = match (dir.parent(), dir.file_name()) {
            (Some(parent), Some(name)) => std::fs::canonicalize(parent)
                .map(|p| p.join(name))
                .unwrap_or_else(|_| dir.to_owned()),
            _ => dir.to_owned(),
        };
        let out = git_in(&self.root, &["worktree", "list", "--porcelain"])?;
        let out = String::from_utf8_lossy(&out);
        let found = out.split("\n\n").find_map(|entry| {
            let mut lines = entry.lines();
            let path = lines.next()?.strip_prefix("worktree ")?;
            let ours = Path::new(path) == real || Path::new(path) == dir;
            ours.then(|| Registration {
                path: path.to_owned(),
                locked: lines.any(|l| l == "locked" || l.starts_with("locked ")),
            })
        });
        Ok(found)
    }

    /// True when `dir` is a worktree git can use as it is: its own top level, no index lock left behind.
    fn healthy(&self, dir: &Path) -> bool {
        let real = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_owned());
        let toplevel = git_in(dir, &["rev-parse", "--show-toplevel"])
            .is_ok_and(|out| Path::new(String::from_utf8_lossy(&out).trim()) == real);
        let index_lock = git_in(
            dir,
            &[
                "rev-parse",
                "--path-format=absolute",
                "--git-path",
                "index.lock",
            ],
        )
        .map(|out| PathBuf::from(String::from_utf8_lossy(&out).trim()));
        dir.join(".git").is_file() && toplevel && index_lock.is_ok_and(|lock| !lock.exists())
    }
}

/// A base worktree ready to use.
#[derive(Clone, Debug)]
pub struct Worktree {
    /// Its directory.
    pub dir: PathBuf,
    /// One line for the user when it had to be recovered (left locked by a killed run, unusable).
    pub note: Option<String>,
}

/// A worktree as `git worktree list --porcelain` shows it.
struct Registration {
    /// Its path, as git recorded it.
    path: String,
    /// Locked (`git worktree add` locks it while checking out; a killed run leaves the lock).
    locked: bool,
}

/// Which lines of a file changed since the base.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangedLines {
    /// The file is new: every line.
    All,
    /// These 1-based lines.
    Some(BTreeSet<u32>),
}

impl ChangedLines {
    /// True if `line` (1-based) was added or changed.
    pub fn contains(&self, line: u32) -> bool {
        match self {
            ChangedLines::All => true,
            ChangedLines::Some(lines) => lines.contains(&line),
        }
    }
}

/// Runs `git args` in `dir` and returns its standard output.
pub fn git_in(dir: &Path, args: &[&str]) -> Result<Vec<u8>, GitError> {
    let output = ProcessBuilder::new("git")
        .cwd(dir)
        .args(args)
        .build_command()
        .output()
        .map_err(|source| GitError::Spawn { source })?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(GitError::Failed {
            args: args.join(" "),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        })
    }
}
