//! Per-file facts of the source-level analyses (the uses of a crate one file makes, the traits it
//! implements, what it adds to its crate's public surface), cached under the workspace's state directory
//! (`source-facts/<analysis>.json`) so that an unchanged file is not parsed again. Keyed like the lints'
//! cache: by the file's path, a hash of its text and a hash of what shaped the facts (the names looked
//! for, the file's module), for the build of the tool that wrote them. Each entry also keeps the file's
//! [`FileStamp`] once it is settled, so a later run whose `stat` shows the same stamp takes the facts
//! without reading the file at all. Writes are atomic (a temporary file renamed into place); a cache that
//! cannot be read or written is ignored (the files are parsed).

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::source::modtree::{FileStamp, ModDecl};

/// A stable 64-bit hash (std's SipHash with fixed keys): of a file's text, or of what shaped an analysis
/// besides the text (its context).
pub fn hash_of(value: &impl Hash) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// What identifies the tool that wrote a cache: its version, and its executable's size and time, so a
/// rebuilt tool never trusts an older build's facts or scans. Read once per run.
pub(crate) fn build_id() -> String {
    static BUILD: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BUILD
        .get_or_init(|| {
            let stamp = std::env::current_exe()
                .ok()
                .and_then(|p| std::fs::metadata(p).ok())
                .map(|m| {
                    let nanos = m
                        .modified()
                        .ok()
                        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                        .map(|d| d.as_nanos())
                        .unwrap_or_default();
                    format!("{}-{nanos}", m.len())
                })
                .unwrap_or_default();
            format!("{}-{stamp}", env!("CARGO_PKG_VERSION"))
        })
        .to_owned()
}

/// One file's facts, as cached.
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    text: u64,
    context: u64,
    /// The file's stamp when it was read, once settled (none for a file written just before the run
    /// that read it: the next run reads it again and records its stamp then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stamp: Option<FileStamp>,
    facts: serde_json::Value,
    decls: Vec<ModDecl>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    build: String,
    files: BTreeMap<String, Entry>,
}

/// What this run keeps of a file for the next one.
#[derive(Debug)]
enum Kept {
    /// The earlier run's entry as it was.
    Old,
    /// The earlier run's entry with the stamp of this run's read (the text hashed as it did).
    Restamped(Option<FileStamp>),
    /// Fresh facts.
    New(Entry),
}

/// The facts of one analysis, read at the start of a run and written back at its end.
#[derive(Debug)]
pub struct FactsCache {
    path: PathBuf,
    build: String,
    /// When this run started, in nanoseconds since the Unix epoch: stamps of files written later than
    /// [`crate::source::modtree::STAMP_SETTLE_NS`] before it are not recorded.
    start_ns: i64,
    old: BTreeMap<String, Entry>,
    new: Mutex<BTreeMap<String, Kept>>,
}

impl FactsCache {
    /// The cache of `analysis` (a file name) under `state_dir`; empty when there is none or it was written
    /// by another build.
    pub fn open(state_dir: &Path, analysis: &str) -> FactsCache {
        let path = state_dir
            .join("source-facts")
            .join(format!("{analysis}.json"));
        let build = build_id();
        let old = std::fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Stored>(&bytes).ok())
            .filter(|s| s.build == build)
            .map(|s| s.files)
            .unwrap_or_default();
        let start_ns = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .and_then(|d| i64::try_from(d.as_nanos()).ok())
            .unwrap_or(i64::MIN);
        #[cfg(test)]
        let start_ns = start_ns.saturating_add(tests::CLOCK_AHEAD_NS.with(std::cell::Cell::get));
        FactsCache {
            path,
            build,
            start_ns,
            old,
            new: Mutex::new(BTreeMap::new()),
        }
    }

    /// `stamp` when it may stand for the file's text in a later run.
    fn settled(&self, stamp: Option<&FileStamp>) -> Option<FileStamp> {
        stamp.filter(|s| s.settled(self.start_ns)).copied()
    }

    /// The facts of `file` from an earlier run, when its stamp (taken before any read) is the one recorded
    /// then and its context one of `contexts`: the file need not be read.
    pub fn unchanged<T: DeserializeOwned>(
        &self,
        file: &str,
        stamp: &FileStamp,
        contexts: &[u64],
    ) -> Option<(T, Vec<ModDecl>)> {
        let entry = self.old.get(file)?;
        if entry.stamp.as_ref() != Some(stamp) || !contexts.contains(&entry.context) {
            return None;
        }
        let facts = T::deserialize(&entry.facts).ok()?;
        self.keep(file, Kept::Old);
        Some((facts, entry.decls.to_vec()))
    }

    /// The facts of `file` from an earlier run, when its text and `context` hash as they did then;
    /// `stamp`, taken before the text was read, is recorded with them once settled.
    pub fn get<T: DeserializeOwned>(
        &self,
        file: &str,
        text: &str,
        stamp: Option<&FileStamp>,
        context: u64,
    ) -> Option<(T, Vec<ModDecl>)> {
        let entry = self.old.get(file)?;
        if entry.text != hash_of(&text) || entry.context != context {
            return None;
        }
        let facts = T::deserialize(&entry.facts).ok()?;
        self.keep(file, Kept::Restamped(self.settled(stamp)));
        Some((facts, entry.decls.to_vec()))
    }

    /// Keeps the fresh facts of `file` for the next run; `stamp`, taken before `text` was read, with them
    /// once settled.
    pub fn put<T: Serialize>(
        &self,
        file: &str,
        text: &str,
        stamp: Option<&FileStamp>,
        context: u64,
        facts: &T,
        decls: &[ModDecl],
    ) {
        if let Ok(facts) = serde_json::to_value(facts) {
            self.keep(
                file,
                Kept::New(Entry {
                    text: hash_of(&text),
                    context,
                    stamp: self.settled(stamp),
                    facts,
                    decls: decls.to_vec(),
                }),
            );
        }
    }

    fn keep(&self, file: &str, kept: Kept) {
        self.new
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(file.to_owned(), kept);
    }

    /// Writes the facts kept in this run (entries of files not read again are dropped), unless nothing
    /// changed.
    pub fn save(self) {
        let kept = self
            .new
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let unchanged = kept.len() == self.old.len()
            && kept.iter().all(|(k, kept)| {
                self.old.get(k).is_some_and(|o| match kept {
                    Kept::Old => true,
                    Kept::Restamped(stamp) => o.stamp == *stamp,
                    Kept::New(e) => {
                        o.text == e.text && o.context == e.context && o.stamp == e.stamp
                    }
                })
            });
        if unchanged {
            return;
        }
        let mut old = self.old;
        let files = kept
            .into_iter()
            .filter_map(|(k, kept)| {
                let entry = match kept {
                    Kept::New(e) => e,
                    Kept::Old => old.remove(&k)?,
                    Kept::Restamped(stamp) => Entry {
                        stamp,
                        ..old.remove(&k)?
                    },
                };
                Some((k, entry))
            })
            .collect();
        let stored = Stored {
            build: self.build,
            files,
        };
        // A cache that cannot be written is no error: the next run parses the files again.
        if let Ok(bytes) = serde_json::to_vec(&stored) {
            write_atomically(&self.path, &bytes);
        }
    }
}

/// Writes `bytes` to `path` atomically (a temporary file beside it, renamed into place; its directory
/// created), so two runs at once never see half a file. Best effort, as the caches and records are:
/// returns false when it could not, leaving no temporary file behind.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> bool {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return false;
    };
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&tmp, bytes))
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _removed = std::fs::remove_file(&tmp);
    }
    written.is_ok()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    thread_local! {
        /// How far ahead of the clock a cache opened on this thread takes the run to start: a test's
        /// files, just written, then count as settled without the test waiting.
        pub(crate) static CLOCK_AHEAD_NS: std::cell::Cell<i64> = const { std::cell::Cell::new(0) };
    }

    /// Runs `f` with caches opened on this thread taking the run to start 10 s from now.
    pub(crate) fn with_settled_files<R>(f: impl FnOnce() -> R) -> R {
        CLOCK_AHEAD_NS.with(|c| c.set(10_000_000_000));
        let out = f();
        CLOCK_AHEAD_NS.with(|c| c.set(0));
        out
    }

    fn stamp(mtime_ns: i64) -> FileStamp {
        FileStamp {
            len: 9,
            mtime_ns,
            ctime_ns: mtime_ns,
            inode: 42,
            dev: 1,
        }
    }

    fn now_ns() -> i64 {
        let d = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap();
        i64::try_from(d.as_nanos()).unwrap()
    }

    #[test]
    fn a_settled_stamp_answers_without_the_text_and_only_for_the_same_stamp_and_context() {
        let dir = tempfile::tempdir().unwrap();
        let old = stamp(now_ns() - 60_000_000_000);
        let cache = FactsCache::open(dir.path(), "t");
        cache.put(
            "a.rs",
            "fn a() {}",
            Some(&old),
            7,
            &vec!["x".to_owned()],
            &[],
        );
        cache.save();
        let cache = FactsCache::open(dir.path(), "t");
        let got: Option<(Vec<String>, Vec<ModDecl>)> = cache.unchanged("a.rs", &old, &[3, 7]);
        assert_eq!(got.map(|g| g.0), Some(vec!["x".to_owned()]));
        let touched = FileStamp {
            mtime_ns: old.mtime_ns + 1,
            ..old
        };
        assert!(
            cache
                .unchanged::<Vec<String>>("a.rs", &touched, &[7])
                .is_none()
        );
        let longer = FileStamp { len: 10, ..old };
        assert!(
            cache
                .unchanged::<Vec<String>>("a.rs", &longer, &[7])
                .is_none()
        );
        let other_inode = FileStamp { inode: 43, ..old };
        assert!(
            cache
                .unchanged::<Vec<String>>("a.rs", &other_inode, &[7])
                .is_none()
        );
        assert!(cache.unchanged::<Vec<String>>("a.rs", &old, &[8]).is_none());
        assert!(cache.unchanged::<Vec<String>>("b.rs", &old, &[7]).is_none());
    }

    /// Racy git: a file written within the file system's timestamp granularity of the run can be written
    /// again with the same size and times; its stamp is not recorded, so the next run reads it.
    #[test]
    fn a_stamp_of_a_file_written_just_before_the_run_is_not_recorded() {
        let dir = tempfile::tempdir().unwrap();
        // A file system with whole-second times: the stamp of the first and the second text are the same.
        let fresh = stamp(now_ns() / 1_000_000_000 * 1_000_000_000);
        let cache = FactsCache::open(dir.path(), "t");
        cache.put(
            "a.rs",
            "fn a() {}",
            Some(&fresh),
            0,
            &vec!["a".to_owned()],
            &[],
        );
        cache.save();
        let cache = FactsCache::open(dir.path(), "t");
        assert!(
            cache
                .unchanged::<Vec<String>>("a.rs", &fresh, &[0])
                .is_none(),
            "a racy stamp must not stand for the text"
        );
        // Rewritten with the same length in the same second: the new text is not taken from the cache.
        assert!(
            cache
                .get::<Vec<String>>("a.rs", "fn b() {}", Some(&fresh), 0)
                .is_none()
        );
        // The unchanged text is, and a run that finds it settled records its stamp then.
        let cache = FactsCache::open(dir.path(), "t");
        let settled = stamp(now_ns() - 60_000_000_000);
        let got = cache.get::<Vec<String>>("a.rs", "fn a() {}", Some(&settled), 0);
        assert_eq!(got.map(|g| g.0), Some(vec!["a".to_owned()]));
        cache.save();
        let cache = FactsCache::open(dir.path(), "t");
        let got = cache.unchanged::<Vec<String>>("a.rs", &settled, &[0]);
        assert_eq!(got.map(|g| g.0), Some(vec!["a".to_owned()]));
    }

    #[test]
    fn facts_come_back_for_the_same_text_and_context_only() {
        let dir = tempfile::tempdir().unwrap();
        let cache = FactsCache::open(dir.path(), "t");
        cache.put("a.rs", "fn a() {}", None, 7, &vec!["x".to_owned()], &[]);
        cache.save();
        let cache = FactsCache::open(dir.path(), "t");
        let got: Option<(Vec<String>, Vec<ModDecl>)> = cache.get("a.rs", "fn a() {}", None, 7);
        assert_eq!(got.map(|g| g.0), Some(vec!["x".to_owned()]));
        assert!(
            cache
                .get::<Vec<String>>("a.rs", "fn b() {}", None, 7)
                .is_none()
        );
        assert!(
            cache
                .get::<Vec<String>>("a.rs", "fn a() {}", None, 8)
                .is_none()
        );
    }
}
