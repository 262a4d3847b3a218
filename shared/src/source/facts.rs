//! Per-file facts of the source-level analyses (the uses of a crate one file makes, the traits it
//! implements, what it adds to its crate's public surface), cached under the workspace's state directory
//! (`source-facts/<analysis>.json`) so that an unchanged file is not parsed again. Keyed like the lints'
//! cache: by the file's path, a hash of its text and a hash of what shaped the facts (the names looked
//! for, the file's module), for the build of the tool that wrote them. Writes are atomic (a temporary file
//! renamed into place); a cache that cannot be read or written is ignored (the files are parsed).

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::source::modtree::ModDecl;

/// A stable 64-bit hash (std's SipHash with fixed keys).
fn hash_of(value: &impl Hash) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// The tool's version and its executable's size and time: a rebuilt tool never trusts older facts.
fn build_id() -> String {
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
}

/// One file's facts, as cached.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    text: u64,
    context: u64,
    facts: serde_json::Value,
    decls: Vec<ModDecl>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    build: String,
    files: BTreeMap<String, Entry>,
}

/// The facts of one analysis, read at the start of a run and written back at its end.
#[derive(Debug)]
pub struct FactsCache {
    path: PathBuf,
    build: String,
    old: BTreeMap<String, Entry>,
    new: Mutex<BTreeMap<String, Entry>>,
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
        FactsCache {
            path,
            build,
            old,
            new: Mutex::new(BTreeMap::new()),
        }
    }

    /// The facts of `file` from an earlier run, when its text and `context` hash as they did then.
    pub fn get<T: DeserializeOwned>(
        &self,
        file: &str,
        text: &str,
        context: u64,
    ) -> Option<(T, Vec<ModDecl>)> {
        let entry = self.old.get(file)?;
        if entry.text != hash_of(&text) || entry.context != context {
            return None;
        }
        let facts = serde_json::from_value(entry.facts.clone()).ok()?; // cloned: from_value takes it
        self.keep(file, entry.clone()); // cloned: kept for the next run
        Some((facts, entry.decls.to_vec()))
    }

    /// Keeps the fresh facts of `file` for the next run.
    pub fn put<T: Serialize>(
        &self,
        file: &str,
        text: &str,
        context: u64,
        facts: &T,
        decls: &[ModDecl],
    ) {
        if let Ok(facts) = serde_json::to_value(facts) {
            self.keep(
                file,
                Entry {
                    text: hash_of(&text),
                    context,
                    facts,
                    decls: decls.to_vec(),
                },
            );
        }
    }

    fn keep(&self, file: &str, entry: Entry) {
        self.new
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(file.to_owned(), entry);
    }

    /// Writes the facts kept in this run (entries of files not read again are dropped), unless nothing
    /// changed.
    pub fn save(self) {
        let files = self
            .new
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let unchanged = files.len() == self.old.len()
            && files.iter().all(|(k, e)| {
                self.old
                    .get(k)
                    .is_some_and(|o| o.text == e.text && o.context == e.context)
            });
        if unchanged {
            return;
        }
        let stored = Stored {
            build: self.build,
            files,
        };
        let Ok(bytes) = serde_json::to_vec(&stored) else {
            return;
        };
        let Some(dir) = self.path.parent() else {
            return;
        };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let tmp = dir.join(format!(
            ".{}.{}.tmp",
            self.path
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
            std::process::id()
        ));
        // A cache that cannot be written is no error: the next run parses the files again.
        let written = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, &self.path));
        if written.is_err() {
            let _removed = std::fs::remove_file(&tmp);
        }
    }
}

/// The context hash of an analysis: what shaped its facts besides the file's text.
pub fn context_of(parts: &impl Hash) -> u64 {
    hash_of(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_come_back_for_the_same_text_and_context_only() {
        let dir = tempfile::tempdir().unwrap();
        let cache = FactsCache::open(dir.path(), "t");
        cache.put("a.rs", "fn a() {}", 7, &vec!["x".to_owned()], &[]);
        cache.save();
        let cache = FactsCache::open(dir.path(), "t");
        let got: Option<(Vec<String>, Vec<ModDecl>)> = cache.get("a.rs", "fn a() {}", 7);
        assert_eq!(got.map(|g| g.0), Some(vec!["x".to_owned()]));
        assert!(cache.get::<Vec<String>>("a.rs", "fn b() {}", 7).is_none());
        assert!(cache.get::<Vec<String>>("a.rs", "fn a() {}", 8).is_none());
    }
}
