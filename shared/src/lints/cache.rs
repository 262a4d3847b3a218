//! The lints' cache, as linters keep one (ruff's `.ruff_cache`, eslint's `--cache`): under the workspace's
//! state directory (`lint-cache/`), one file per package holding
//!
//! - each source file's scan, keyed by a hash of its text and of its place in the module tree (crate,
//!   module path, target, hot or not): a changed file is parsed again, the others are not;
//! - the package's findings, reused whole when every file it read hashes as before.
//!
//! Both are valid only for the settings that shaped them (a hash of the `[lints]` configuration) and the
//! build of the tool that wrote them. Writes are atomic (a temporary file renamed into place), so two runs
//! at once never see half a file; a file that cannot be read or parsed is ignored (the scan runs in full).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};

use serde::{Deserialize, Serialize};

use crate::lints::facts::FileScan;
use crate::report::{Finding, Problem};
use crate::source::facts::{build_id, hash_of, write_atomically};
use crate::source::modtree::{ModDecl, read_bytes};

/// One source file's scan, as cached.
#[derive(Debug, Serialize, Deserialize)]
struct FileEntry {
    /// Hash of its text.
    text: u64,
    /// Hash of its place in the module tree.
    context: u64,
    scan: FileScan,
    decls: Vec<ModDecl>,
}

/// What the cache files were written by and for.
#[derive(Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    build: String,
    settings: u64,
}

/// A package's summary file (`<hash>.json`), all a run reads when nothing changed.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Summary {
    stamp: Stamp,
    /// Every file the last scan read, by path, with the hash of its text; empty when some file could
    /// not be read or parsed (a missing module file can appear without any read file changing).
    texts: BTreeMap<String, u64>,
    /// Every place a `mod` item could be read from, whether something was there (`m.rs` and
    /// `m/mod.rs`, each `#[path]` alternative): a file appearing or going changes the module tree.
    #[serde(default)]
    probes: BTreeMap<String, bool>,
    /// The last scan's findings and problems.
    findings: Vec<Finding>,
    problems: Vec<Problem>,
}

/// A package's scans file (`<hash>.files.json`), read only when some file changed.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Scans {
    stamp: Stamp,
    /// Every file of the last scan, by path and target.
    files: BTreeMap<String, FileEntry>,
}

/// Reads a cache file written for `stamp`; anything else (missing, corrupt, stale) reads as `None`.
fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Option<T> {
    let bytes = std::fs::read(path).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The cache of one package, open for one scan.
pub struct Cache {
    summary_path: PathBuf,
    scans_path: PathBuf,
    stamp: Stamp,
    old: Summary,
    old_scans: OnceLock<Scans>,
    new: Mutex<BTreeMap<String, FileEntry>>,
    probes: Mutex<BTreeMap<String, bool>>,
    /// Some file of the scan could not be read or parsed: the next run walks the tree again.
    incomplete: AtomicBool,
}

impl Cache {
    /// Opens the cache of the package `id` in `dir`, for scans under settings with hash `settings`.
    pub fn open(dir: &Path, id: &str, settings: u64) -> Cache {
        let name = format!("{:016x}", hash_of(&id));
        let stamp = Stamp {
            build: build_id(),
            settings,
        };
        let summary_path = dir.join(format!("{name}.json"));
        let old = read_json::<Summary>(&summary_path)
            .filter(|s| s.stamp == stamp)
            .unwrap_or_default();
        Cache {
            summary_path,
            scans_path: dir.join(format!("{name}.files.json")),
            stamp,
            old,
            old_scans: OnceLock::new(),
            new: Mutex::new(BTreeMap::new()),
            probes: Mutex::new(BTreeMap::new()),
            incomplete: AtomicBool::new(false),
        }
    }

    /// The last scan's findings and problems, when every file it read still has the same text and
    /// every place a module could be read from is as it was (something there or not): the module tree
    /// is then the same too (every `mod` item is in those files). Files are read as the walk reads them
    /// (regular files of at most `max_file_size` bytes).
    pub fn unchanged(&self, max_file_size: u64) -> Option<(Vec<Finding>, Vec<Problem>)> {
        if self.old.texts.is_empty() {
            return None;
        }
        let probes_same = self
            .old
            .probes
            .iter()
            .all(|(path, exists)| std::fs::metadata(path).is_ok() == *exists);
        let same = probes_same
            && self.old.texts.iter().all(|(path, text)| {
                read_bytes(path.as_str().into(), max_file_size)
                    .is_ok_and(|bytes| hash_of(&bytes.as_slice()) == *text)
            });
        same.then(|| (self.old.findings.to_vec(), self.old.problems.to_vec()))
    }

    /// Records that the walk looked for a module's file at `path`, and whether something was there.
    pub fn looked_for(&self, path: &str, exists: bool) {
        self.probes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(path.to_owned(), exists);
    }

    /// A file's scan and module declarations from the last run, when its text and place are the same.
    pub fn get(&self, key: &str, text: &str, context: u64) -> Option<(FileScan, Vec<ModDecl>)> {
        let scans = self.old_scans.get_or_init(|| {
            read_json::<Scans>(&self.scans_path)
                .filter(|s| s.stamp == self.stamp)
                .unwrap_or_default()
        });
        let entry = scans.files.get(key)?;
        let text_hash = hash_of(&text.as_bytes());
        (entry.text == text_hash && entry.context == context).then(|| {
            // cloned: the cached scan stays in the cache for this run's save
            let scan = entry.scan.clone();
            self.keep(key, text_hash, context, &scan, &entry.decls);
            (scan, entry.decls.to_vec())
        })
    }

    /// Records that the scan could not read or parse some file: the package's findings are then not
    /// reused whole next time (its readable files' scans still are).
    pub fn incomplete(&self) {
        self.incomplete.store(true, Ordering::Relaxed);
    }

    /// Records a file's scan for the next run.
    pub fn put(&self, key: &str, text: &str, context: u64, scan: &FileScan, decls: &[ModDecl]) {
        self.keep(key, hash_of(&text.as_bytes()), context, scan, decls);
    }

    fn keep(&self, key: &str, text: u64, context: u64, scan: &FileScan, decls: &[ModDecl]) {
        let entry = FileEntry {
            text,
            context,
            scan: scan.clone(), // cloned: the walk keeps its own copy for this run
            decls: decls.to_vec(),
        };
        self.new
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key.to_owned(), entry);
    }

    /// Writes the cache for the next run, with this run's findings and problems: the scans first, so a
    /// summary never names scans that are not there. A cache that cannot be written only makes the next
    /// run slower: that is not an error.
    pub fn save(self, findings: &[Finding], problems: &[Problem]) {
        let files = self
            .new
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let texts = if self.incomplete.into_inner() {
            BTreeMap::new()
        } else {
            files
                .iter()
                .map(|(key, entry)| {
                    let path = key.split_once('\t').map_or(key.as_str(), |(p, _)| p);
                    (path.to_owned(), entry.text)
                })
                .collect()
        };
        let probes = self
            .probes
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let summary = Summary {
            stamp: Stamp {
                build: self.stamp.build.to_owned(),
                settings: self.stamp.settings,
            },
            texts,
            probes,
            findings: findings.to_vec(),
            problems: problems.to_vec(),
        };
        let scans = Scans {
            stamp: self.stamp,
            files,
        };
        if write_json(&self.scans_path, &scans) {
            write_json(&self.summary_path, &summary);
        }
    }
}

/// Writes `value` to `path` as JSON, atomically ([`write_atomically`]). Returns false when it could not.
fn write_json(path: &Path, value: &impl Serialize) -> bool {
    serde_json::to_vec(value).is_ok_and(|bytes| write_atomically(path, &bytes))
}
