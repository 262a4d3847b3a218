//! The size of a workspace's state directory (`<target>/lumen-gate/ws-<hash>/`), keeping it under its cap
//! (`[bench] state-size-mb`), and emptying it (`--clean-state`).
//!
//! What a later run can reuse is kept while it fits: the base results cache's entries and the target
//! directories of the builds (incremental next time). Beyond the cap, the least recently used of those go
//! first, never what the current run used; the run's own outputs (runner homes, logs, flamegraphs) and the
//! base worktrees stay (the next run replaces them).

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::bench::cache::Cache;
use crate::errors::{Error, Result, io};
use crate::git::Repo;

/// Written into a build's target directory each time a run uses it: its modification time orders them.
const USED_FILE: &str = ".lumen-gate-used";

/// The build target directories of the state directory that a later run reuses.
pub const TARGET_DIRS: &[&str] = &[
    "bench-base-target",
    "bench-head-target",
    "command-target/base",
    "command-target/head",
];

/// The base worktrees the tools keep in the state directory (`git worktree`s: removed through git).
const WORKTREES: &[&str] = &[
    "bench-base",
    "bench-base-again",
    "arch-base",
    "lints-base",
    "api-base",
];

/// Marks the build target directory `dir` used now.
pub fn mark_used(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(io("could not create", dir))?;
    let path = dir.join(USED_FILE);
    std::fs::write(&path, "").map_err(io("could not write", &path))
}

/// The bytes of every file under `dir` (0 when it does not exist).
pub fn size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => size(&e.path()),
            Ok(t) if t.is_file() => e.metadata().map(|m| m.len()).unwrap_or(0),
            _ => 0,
        })
        .sum()
}

/// What pruning removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pruned {
    /// The directories removed, least recently used first.
    pub removed: Vec<PathBuf>,
    /// The bytes they held.
    pub bytes: u64,
}

/// Removes the least recently used reusable parts of `state` until it holds at most `cap` bytes, sparing
/// those used at or after `since` (this run's).
pub fn prune(state: &Path, cap: u64, since: SystemTime) -> Result<Pruned> {
    let mut total = size(state);
    let mut pruned = Pruned::default();
    if total <= cap {
        return Ok(pruned);
    }
    let mut candidates: Vec<(SystemTime, PathBuf)> = Cache::new(state)
        .entries()
        .into_iter()
        .map(|(dir, used)| (used, dir))
        .collect();
    for name in TARGET_DIRS {
        let dir = state.join(name);
        if !dir.is_dir() {
            continue;
        }
        let used = std::fs::metadata(dir.join(USED_FILE))
            .or_else(|_| std::fs::metadata(&dir))
            .and_then(|m| m.modified())
            .unwrap_or(SystemTime::UNIX_EPOCH);
        candidates.push((used, dir));
    }
    candidates.sort();
    for (used, dir) in candidates {
        if total <= cap {
            break;
        }
        if used >= since {
            continue;
        }
        let bytes = size(&dir);
        std::fs::remove_dir_all(&dir).map_err(io("could not remove", &dir))?;
        total = total.saturating_sub(bytes);
        pruned.bytes += bytes;
        pruned.removed.push(dir);
    }
    Ok(pruned)
}

/// Empties `state` (the lock file stays: the caller holds it); the base worktrees are removed through git
/// so the repository keeps no registration of them. Returns the bytes removed.
pub fn clean(state: &Path, repo_dir: &Path) -> Result<u64> {
    let bytes = size(state);
    let repo = Repo::discover(repo_dir).ok();
    for name in WORKTREES {
        let dir = state.join(name);
        if let Some(repo) = &repo
            && dir.exists()
        {
            repo.remove_worktree(&dir)?;
        }
    }
    let entries = match std::fs::read_dir(state) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(Error::io("could not read", state, e)),
    };
    for entry in entries {
        let entry = entry.map_err(io("could not read", state))?;
        let path = entry.path();
        if entry.file_name() == ".lock" {
            continue;
        }
        let removed = if entry.file_type().is_ok_and(|t| t.is_dir()) {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed.map_err(io("could not remove", &path))?;
    }
    Ok(bytes)
}

/// `bytes` in MiB with one decimal.
pub fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pruning_removes_the_least_recently_used_until_under_the_cap_and_spares_this_runs() {
        let state = tempfile::tempdir().unwrap();
        let s = state.path();
        let write = |rel: &str, bytes: usize| {
            let path = s.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, vec![0u8; bytes]).unwrap();
        };
        // An old cache entry, an old base build, then this run's HEAD build.
        write("base-cache/old/key.json", 1000);
        write(
            &format!("base-cache/old/{}", crate::bench::cache::USED_FILE),
            0,
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
        write("bench-base-target/release/big", 5000);
        mark_used(&s.join("bench-base-target")).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let since = SystemTime::now();
        std::thread::sleep(std::time::Duration::from_millis(20));
        write("bench-head-target/release/big", 5000);
        mark_used(&s.join("bench-head-target")).unwrap();
        write("bench-logs/x.log", 100);

        // Under the cap: nothing goes.
        assert_eq!(prune(s, 1_000_000, since).unwrap(), Pruned::default());
        // Over it: the oldest first, until it fits.
        let pruned = prune(s, 6000, since).unwrap();
        assert_eq!(
            pruned.removed,
            [s.join("base-cache/old"), s.join("bench-base-target")]
        );
        assert!(s.join("bench-head-target/release/big").is_file());
        assert!(s.join("bench-logs/x.log").is_file());
        // This run's build stays even when the cap cannot be met.
        let none = prune(s, 10, since).unwrap();
        assert!(none.removed.is_empty());
        assert_eq!(mib(3 * 1024 * 1024 / 2), "1.5 MiB");
    }

    #[test]
    fn cleaning_empties_the_state_but_the_lock() {
        let state = tempfile::tempdir().unwrap();
        let s = state.path();
        std::fs::write(s.join(".lock"), "").unwrap();
        std::fs::create_dir_all(s.join("bench-home/a")).unwrap();
        std::fs::write(s.join("bench-home/a/f"), "12345").unwrap();
        let removed = clean(s, s).unwrap();
        assert_eq!(removed, 5);
        let left: Vec<_> = std::fs::read_dir(s)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, [std::ffi::OsString::from(".lock")]);
    }
}
