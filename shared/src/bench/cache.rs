//! The base results cache: what measuring a base revision left (the runners' baselines and callgrind
//! files, the command benchmarks' callgrind and DHAT files), kept under
//! `<state>/base-cache/<key>/` and reused by the next run whose key matches.
//!
//! The key is everything that changes those results ([`Key::parts`]): the base's tree (the same files give
//! the same figures, whatever the commit), its `Cargo.lock`, the toolchain (`rustc -vV`), the runners'
//! and valgrind's versions, the benchmarks measured and how (`[[bench.command]]`, heap), the build
//! environment (`RUSTFLAGS`, `CARGO_PROFILE_*`, `CARGO_BUILD_*`, `GUNGRAUN_*`...) and lumen-gate's
//! version. Its id ([`Key::id`]) is what `--print-cache-key` prints for CI caches. An entry is written
//! to a temporary directory and renamed into place, under the state lock ([`crate::lock`]), so a run
//! killed while storing leaves no half entry.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cargo_util::ProcessBuilder;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::bench::command::CommandBench;
use crate::bench::discover::BenchTarget;
use crate::errors::{Error, Result, io};
use crate::git::Repo;
use crate::workspace::Workspace;

/// The cache's directory in the workspace's state directory.
pub const DIR: &str = "base-cache";

/// An entry's description.
const KEY_FILE: &str = "key.json";

/// Rewritten each time an entry is used: its modification time orders entries for pruning.
pub const USED_FILE: &str = "used";

/// The layout of an entry; a different one is never read.
const FORMAT: u32 = 1;

/// Environment variables that change what a build or a measurement produces: by name, or by prefix when
/// ending in `_`.
const ENVIRONMENT: &[&str] = &[
    "RUSTFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "RUSTC",
    "RUSTUP_TOOLCHAIN",
    "CARGO_BUILD_",
    "CARGO_PROFILE_",
    "CARGO_TARGET_",
    "CARGO_INCREMENTAL",
    "GUNGRAUN_",
    "IAI_CALLGRIND_",
    "VALGRIND_OPTS",
];

/// Variables matching [`ENVIRONMENT`] that change nothing measured.
const IGNORED: &[&str] = &[
    "CARGO_TARGET_DIR",
    "CARGO_BUILD_JOBS",
    "CARGO_BUILD_TARGET_DIR",
];

/// What a base's measurement depends on, part by part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    /// Part name (`base tree`, `Cargo.lock`, `toolchain`...) to its value.
    pub parts: BTreeMap<String, String>,
}

/// What the key is computed from.
pub struct KeyInputs<'a> {
    /// The workspace (HEAD's).
    pub ws: &'a Workspace,
    /// The base commit.
    pub commit: &'a str,
    /// The bench targets measured.
    pub targets: &'a [BenchTarget],
    /// The command benchmarks measured.
    pub commands: &'a [CommandBench],
    /// Whether every benchmark's heap is measured (`[bench] heap`).
    pub heap: bool,
}

impl Key {
    /// Computes the key: git for the base's tree and lockfile, `rustc -vV`, `valgrind --version`.
    pub fn compute(inputs: &KeyInputs<'_>) -> Result<Key> {
        let repo = Repo::discover(inputs.ws.root.as_std_path())?;
        let rel = repo.relative_path(inputs.ws.root.as_std_path())?;
        let mut parts = BTreeMap::new();
        let mut put = |name: &str, value: String| parts.insert(name.to_owned(), value);
        put("base tree", repo.tree_of(inputs.commit)?);
        let lock_path = rel.join("Cargo.lock");
        let lockfile = repo.file_at(
            inputs.commit,
            &lock_path.to_string_lossy().replace('\\', "/"),
        )?;
        put(
            "Cargo.lock",
            lockfile.map_or_else(|| "none".to_owned(), |bytes| digest(&bytes)),
        );
        put(
            "toolchain",
            said(
                &rustc_program(),
                &["-vV"],
                Some(inputs.ws.root.as_std_path()),
            ),
        );
        put(
            "valgrind",
            said(Path::new("valgrind"), &["--version"], None),
        );
        let runners: std::collections::BTreeSet<String> = inputs
            .targets
            .iter()
            .map(|t| format!("{} {}", t.runner.crate_name(), t.version))
            .collect();
        put(
            "runners",
            runners.into_iter().collect::<Vec<_>>().join(", "),
        );
        let mut benchmarks: Vec<String> = inputs
            .targets
            .iter()
            .map(|t| format!("{}/{}", t.package, t.name))
            .collect();
        benchmarks.extend(inputs.commands.iter().map(|c| {
            format!(
                "command {} build={:?} run={:?} stdin={:?} heap={}",
                c.name, c.build, c.run, c.stdin, c.heap
            )
        }));
        put("benchmarks", benchmarks.join("\n"));
        put("heap", inputs.heap.to_string());
        put("environment", environment());
        put(
            "lumen-gate",
            format!("{} (cache format {FORMAT})", env!("CARGO_PKG_VERSION")),
        );
        Ok(Key { parts })
    }

    /// The key's id: 32 hex digits of the SHA-256 of its parts.
    pub fn id(&self) -> String {
        let mut hasher = Sha256::new();
        for (name, value) in &self.parts {
            hasher.update(name.as_bytes());
            hasher.update([0]);
            hasher.update(value.as_bytes());
            hasher.update([0]);
        }
        hex(&hasher.finalize()[..16])
    }

    /// The parts that differ between this key and `other`'s, by name.
    fn changed_since(&self, other: &BTreeMap<String, String>) -> Vec<String> {
        let mut names: Vec<String> = self
            .parts
            .iter()
            .filter(|(name, value)| other.get(*name) != Some(*value))
            .map(|(name, _)| name.to_owned())
            .collect();
        names.extend(
            other
                .keys()
                .filter(|name| !self.parts.contains_key(*name))
                .map(String::to_owned),
        );
        names
    }
}

/// An entry as stored in its `key.json`.
#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    format: u32,
    parts: BTreeMap<String, String>,
    /// The commit measured (one of those with this tree).
    commit: String,
    /// The notes the measurement left (a stale base `Cargo.lock`), said again on reuse.
    notes: Vec<String>,
}

/// A cached measurement of a base.
#[derive(Debug)]
pub struct Entry {
    dir: PathBuf,
    /// The notes its measurement left.
    pub notes: Vec<String>,
}

/// What the cache holds for a key.
#[derive(Debug)]
pub enum Lookup {
    /// A measurement with this key.
    Hit(Entry),
    /// None: why, for the user ("Cargo.lock, toolchain changed since the base measured earlier").
    Miss(String),
}

/// The base results cache of one workspace.
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// The cache in the state directory `state`.
    pub fn new(state: &Path) -> Cache {
        Cache {
            dir: state.join(DIR),
        }
    }

    /// The entry for `key`, or why there is none: the parts that changed since the entry used last.
    pub fn lookup(&self, key: &Key) -> Lookup {
        let id = key.id();
        if let Some(stored) = read_stored(&self.dir.join(&id))
            && stored.parts == key.parts
        {
            return Lookup::Hit(Entry {
                dir: self.dir.join(id),
                notes: stored.notes,
            });
        }
        let latest = self
            .entries()
            .into_iter()
            .filter_map(|(dir, used)| Some((used, read_stored(&dir)?)))
            .max_by_key(|(used, _)| *used);
        Lookup::Miss(match latest {
            Some((_, stored)) => {
                let changed = key.changed_since(&stored.parts);
                format!(
                    "{} changed since the base measured earlier",
                    changed.join(", ")
                )
            }
            None => "no base measured earlier".to_owned(),
        })
    }

    /// Copies the entry's directories back: each `(name, to)` pair empties `to` and fills it with the
    /// entry's `name`. Marks the entry used.
    pub fn restore(&self, entry: &Entry, dirs: &[(&str, &Path)]) -> Result<()> {
        for (name, to) in dirs {
            if to.exists() {
                std::fs::remove_dir_all(to).map_err(io("could not clear", to))?;
            }
            copy_tree(&entry.dir.join(name), to)?;
        }
        mark_used(&entry.dir)
    }

    /// Stores a base's measurement under `key`: each `(name, from)` pair copied into the entry as `name`.
    /// Replaces an entry of the same key.
    pub fn store(
        &self,
        key: &Key,
        commit: &str,
        notes: &[String],
        dirs: &[(&str, &Path)],
    ) -> Result<()> {
        let id = key.id();
        let tmp = self.dir.join(format!(".tmp-{id}-{}", std::process::id()));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp).map_err(io("could not clear", &tmp))?;
        }
        std::fs::create_dir_all(&tmp).map_err(io("could not create", &tmp))?;
        for (name, from) in dirs {
            copy_tree(from, &tmp.join(name))?;
        }
        let stored = Stored {
            format: FORMAT,
            parts: key.parts.to_owned(),
            commit: commit.to_owned(),
            notes: notes.to_vec(),
        };
        let text = serde_json::to_string_pretty(&stored)
            .map_err(|e| Error::usage(format!("could not write the base cache: {e}"), None))?;
        let key_file = tmp.join(KEY_FILE);
        std::fs::write(&key_file, text).map_err(io("could not write", &key_file))?;
        mark_used(&tmp)?;
        let dest = self.dir.join(&id);
        if dest.exists() {
            std::fs::remove_dir_all(&dest).map_err(io("could not clear", &dest))?;
        }
        std::fs::rename(&tmp, &dest).map_err(io("could not write", &dest))
    }

    /// Every entry's directory with the time it was last used.
    pub fn entries(&self) -> Vec<(PathBuf, std::time::SystemTime)> {
        let Ok(read) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        read.filter_map(|e| {
            let dir = e.ok()?.path();
            let name = dir.file_name()?.to_str()?;
            if name.starts_with('.') {
                return None;
            }
            let used = std::fs::metadata(dir.join(USED_FILE))
                .and_then(|m| m.modified())
                .ok()?;
            Some((dir, used))
        })
        .collect()
    }
}

/// Marks an entry used now.
fn mark_used(dir: &Path) -> Result<()> {
    let path = dir.join(USED_FILE);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    std::fs::write(&path, format!("{now}\n")).map_err(io("could not write", &path))
}

fn read_stored(dir: &Path) -> Option<Stored> {
    let text = std::fs::read_to_string(dir.join(KEY_FILE)).ok()?;
    let stored: Stored = serde_json::from_str(&text).ok()?;
    (stored.format == FORMAT).then_some(stored)
}

/// Copies the tree `from` to `to` (created); a missing `from` makes an empty `to`.
pub fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).map_err(io("could not create", to))?;
    let entries = match std::fs::read_dir(from) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io("could not read", from, e)),
    };
    for entry in entries {
        let entry = entry.map_err(io("could not read", from))?;
        let path = entry.path();
        let dest = to.join(entry.file_name());
        let kind = entry.file_type().map_err(io("could not read", &path))?;
        if kind.is_dir() {
            copy_tree(&path, &dest)?;
        } else if kind.is_file() {
            std::fs::copy(&path, &dest).map_err(io("could not copy", &path))?;
        }
    }
    Ok(())
}

/// The rustc cargo runs: `$RUSTC`, else `rustc`.
fn rustc_program() -> PathBuf {
    std::env::var_os("RUSTC")
        .filter(|r| !r.is_empty())
        .map_or_else(|| PathBuf::from("rustc"), PathBuf::from)
}

/// What `program args` prints (stdout and stderr), or why it did not run: a program that is missing is a
/// part of the key like any other.
fn said(program: &Path, args: &[&str], dir: Option<&Path>) -> String {
    let mut cmd = ProcessBuilder::new(program);
    cmd.args(args);
    if let Some(dir) = dir {
        cmd.cwd(dir);
    }
    match cmd.build_command().output() {
        Ok(out) => {
            let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
            text.push_str(&String::from_utf8_lossy(&out.stderr));
            text.trim().to_owned()
        }
        Err(e) => format!("{} did not run: {e}", program.display()),
    }
}

/// The variables of [`ENVIRONMENT`] that are set, `NAME=value` one a line, sorted.
fn environment() -> String {
    let mut vars: Vec<String> = std::env::vars_os()
        .filter_map(|(name, value)| {
            let name = name.into_string().ok()?;
            let wanted = ENVIRONMENT.iter().any(|w| {
                if w.ends_with('_') {
                    name.starts_with(w)
                } else {
                    name == *w
                }
            });
            (wanted && !IGNORED.contains(&name.as_str()))
                .then(|| format!("{name}={}", value.to_string_lossy()))
        })
        .collect();
    vars.sort();
    vars.join("\n")
}

/// The SHA-256 of `bytes`, in hex.
pub fn digest(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The SHA-256 of a file's contents, in hex.
pub fn file_digest(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher)?;
    Ok(hex(&hasher.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(parts: &[(&str, &str)]) -> Key {
        Key {
            parts: parts
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    #[test]
    fn a_stored_entry_is_found_by_its_key_and_a_changed_part_is_named() {
        let state = tempfile::tempdir().unwrap();
        let cache = Cache::new(state.path());
        let first = key(&[
            ("base tree", "t1"),
            ("Cargo.lock", "l1"),
            ("toolchain", "r1"),
        ]);
        assert!(matches!(cache.lookup(&first), Lookup::Miss(m) if m == "no base measured earlier"));
        let home = state.path().join("home");
        std::fs::create_dir_all(home.join("calc/calc")).unwrap();
        std::fs::write(home.join("calc/calc/summary.json"), "{}").unwrap();
        let note = "the Cargo.lock of base `main` is out of date".to_owned();
        cache
            .store(
                &first,
                "abc",
                std::slice::from_ref(&note),
                &[("home", &home)],
            )
            .unwrap();
        std::fs::remove_dir_all(&home).unwrap();
        let Lookup::Hit(entry) = cache.lookup(&first) else {
            panic!("not found")
        };
        assert_eq!(entry.notes, [note]);
        cache.restore(&entry, &[("home", &home)]).unwrap();
        assert_eq!(
            std::fs::read_to_string(home.join("calc/calc/summary.json")).unwrap(),
            "{}"
        );
        let second = key(&[
            ("base tree", "t1"),
            ("Cargo.lock", "l2"),
            ("toolchain", "r2"),
        ]);
        assert_ne!(first.id(), second.id());
        let Lookup::Miss(why) = cache.lookup(&second) else {
            panic!("a changed key was found")
        };
        assert_eq!(
            why,
            "Cargo.lock, toolchain changed since the base measured earlier"
        );
        // No temporary directory is left behind.
        let names: Vec<_> = std::fs::read_dir(state.path().join(DIR))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, [first.id()]);
    }

    #[test]
    fn the_id_depends_on_every_part_and_nothing_else() {
        let a = key(&[("a", "1"), ("b", "2")]);
        assert_eq!(a.id(), key(&[("b", "2"), ("a", "1")]).id());
        assert_ne!(a.id(), key(&[("a", "1"), ("b", "3")]).id());
        // Part boundaries count: "a"="12" is not "a1"="2".
        assert_ne!(key(&[("a", "12")]).id(), key(&[("a1", "2")]).id());
        assert_eq!(a.id().len(), 32);
    }
}
