//! The lock on a workspace's shared lumen-gate state (`<target>/lumen-gate/ws-<hash>/`: base worktrees,
//! runner homes, baselines, logs), as cargo locks its build directory.
//!
//! A run that touches that state holds the lock for as long as it does. A second run waits for it and says
//! so ("waiting for another lumen-bench in this workspace"), or with `--no-wait` fails with exit 2. The
//! lock is an OS file lock (`flock`): it is released when the holding process ends, however it ends
//! (Ctrl-C, SIGKILL, a crash), so a dead run never blocks the next one. Within one process the lock is
//! re-entrant: `cargo lumen-gate --bench --base` runs the architecture rules and the benchmarks under one.

use std::fs::{File, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, Weak};

use crate::errors::{Error, Result, io};

/// The lock file's name in the state directory.
const LOCK_FILE: &str = ".lock";

/// Locks held by this process, by lock file; a second acquire shares the first.
static HELD: Mutex<Vec<(PathBuf, Weak<File>)>> = Mutex::new(Vec::new());

/// A held lock; released when the last handle of this process is dropped, or when the process ends.
#[derive(Clone, Debug)]
pub struct StateLock {
    _file: Arc<File>,
}

/// What to do when another run holds the lock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WhenLocked {
    /// Wait for it, saying so once.
    #[default]
    Wait,
    /// Fail at once (`--no-wait`): exit 2.
    Fail,
}

/// Takes the lock of the state directory `dir` for `tool` ("lumen-bench"). When another run holds it:
/// waits (telling `note` who holds it) or fails, as `when_locked` says.
pub fn acquire(
    dir: &Path,
    tool: &str,
    when_locked: WhenLocked,
    note: &mut dyn FnMut(&str),
) -> Result<StateLock> {
    std::fs::create_dir_all(dir).map_err(io("could not create", dir))?;
    let path = dir.join(LOCK_FILE);
    let mut held = HELD.lock().unwrap_or_else(PoisonError::into_inner);
    held.retain(|(_, w)| w.strong_count() > 0);
    if let Some(file) = held
        .iter()
        .find(|(p, _)| *p == path)
        .and_then(|(_, w)| w.upgrade())
    {
        return Ok(StateLock { _file: file });
    }
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io("could not open the lock", &path))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let holder = holder(&path);
            match when_locked {
                WhenLocked::Fail => {
                    return Err(Error::Locked {
                        holder,
                        lock: path.display().to_string(),
                    });
                }
                WhenLocked::Wait => {
                    note(&format!(
                        "waiting for another {holder} in this workspace (lock {})",
                        path.display()
                    ));
                    file.lock().map_err(io("could not lock", &path))?;
                }
            }
        }
        Err(TryLockError::Error(e)) => return Err(Error::io("could not lock", &path, e)),
    }
    // Say who holds it, for the message of the next run that has to wait.
    file.set_len(0).map_err(io("could not write", &path))?;
    writeln!(file, "{tool} (pid {})", std::process::id()).map_err(io("could not write", &path))?;
    let file = Arc::new(file);
    held.push((path, Arc::downgrade(&file)));
    Ok(StateLock { _file: file })
}

/// Who holds the lock, as the holder wrote it; a generic name when it has not written yet.
fn holder(path: &Path) -> String {
    std::fs::read_to_string(path)
        .ok()
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty())
        .unwrap_or_else(|| "lumen-gate run".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_is_reentrant_in_one_process_and_released_with_its_last_handle() {
        let dir = tempfile::tempdir().unwrap();
        let mut notes = Vec::new();
        let first = acquire(dir.path(), "lumen-bench", WhenLocked::Fail, &mut |n| {
            notes.push(n.to_owned())
        })
        .unwrap();
        // The same process again: shared, not a deadlock.
        let second = acquire(dir.path(), "lumen-arch", WhenLocked::Fail, &mut |_| {}).unwrap();
        let text = std::fs::read_to_string(dir.path().join(LOCK_FILE)).unwrap();
        assert_eq!(text, format!("lumen-bench (pid {})\n", std::process::id()));
        // Another open file description (as another process has) cannot take it meanwhile.
        let other = File::open(dir.path().join(LOCK_FILE)).unwrap();
        assert!(matches!(other.try_lock(), Err(TryLockError::WouldBlock)));
        drop(first);
        assert!(matches!(other.try_lock(), Err(TryLockError::WouldBlock)));
        drop(second);
        other.try_lock().unwrap();
        assert!(notes.is_empty());
    }
}
