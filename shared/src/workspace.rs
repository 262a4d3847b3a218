//! Loading a cargo workspace: one `cargo metadata` call, read both as [`cargo_metadata::Metadata`] and as a
//! guppy [`PackageGraph`]; or, for the lints alone, just its [`Members`] from
//! `cargo metadata --no-deps` (no dependency resolution: several times faster on a workspace with many
//! dependencies).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use camino::{Utf8Path, Utf8PathBuf};
use cargo_util::ProcessBuilder;
use guppy::graph::{PackageGraph, PackageMetadata};

use crate::errors::{Error, Result};

pub(crate) mod recorded;

/// How to run `cargo metadata`.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// `--manifest-path`; default: cargo's own search from the current directory.
    pub manifest_path: Option<PathBuf>,
    /// Directory to run cargo in; default: the current directory.
    pub current_dir: Option<PathBuf>,
    /// Pass `--offline`.
    pub offline: bool,
    /// Pass `--locked`.
    pub locked: bool,
    /// Pass `--no-deps`: only workspace members, and no dependency edges.
    pub no_deps: bool,
    /// The checkout is lumen-gate's own (a base revision's worktree): cargo may update its `Cargo.lock`
    /// (a base commit's lockfile may be stale, and history cannot be changed), and a lockfile it creates
    /// stays.
    pub lockfile_is_ours: bool,
}

/// A loaded workspace.
pub struct Workspace {
    /// The workspace root directory.
    pub root: Utf8PathBuf,
    /// Cargo's target directory.
    pub target_dir: Utf8PathBuf,
    /// The package graph (all features enabled, so optional edges are present).
    pub graph: PackageGraph,
    /// The members and their targets, as cargo_metadata types.
    pub members: Members,
    /// Every package's `[features]` table, by package id (taken out of the metadata's packages).
    pub features: HashMap<String, BTreeMap<String, Vec<String>>>,
}

impl std::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workspace")
            .field("root", &self.root)
            .field("target_dir", &self.target_dir)
            .finish_non_exhaustive()
    }
}

/// The cargo executable: `$CARGO` when run as a cargo subcommand, else `cargo`.
pub fn cargo_program() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// The `cargo metadata` command these options describe.
pub fn metadata_command(opts: &LoadOptions) -> ProcessBuilder {
    let mut cmd = ProcessBuilder::new(cargo_program());
    cmd.args(&["metadata", "--format-version", "1", "--all-features"]);
    if let Some(path) = &opts.manifest_path {
        cmd.arg("--manifest-path").arg(path);
    }
    if opts.offline {
        cmd.arg("--offline");
    }
    if opts.locked {
        cmd.arg("--locked");
    }
    if opts.no_deps {
        cmd.arg("--no-deps");
    }
    if let Some(dir) = &opts.current_dir {
        cmd.cwd(dir);
    }
    cmd
}

/// The `Cargo.lock` cargo would use for these options: the nearest one above the manifest (or the current
/// directory).
fn existing_lockfile(opts: &LoadOptions) -> Option<PathBuf> {
    let start = match &opts.manifest_path {
        Some(p) => p.parent().map(|d| d.to_owned())?,
        None => opts
            .current_dir
            .clone() // cloned: the search owns its starting point
            .or_else(|| std::env::current_dir().ok())?,
    };
    let start = std::fs::canonicalize(&start).unwrap_or(start);
    start
        .ancestors()
        .map(|d| d.join("Cargo.lock"))
        .find(|l| l.is_file())
}

/// Runs `cargo metadata` and returns its JSON text.
///
/// The user's checkout is never modified: with a `Cargo.lock` present, cargo runs with `--locked` (a stale
/// lockfile is an error that says how to update it); without one, the lockfile cargo writes is removed again.
/// In a checkout of our own ([`LoadOptions::lockfile_is_ours`]) cargo may update the lockfile.
pub fn run_metadata(opts: &LoadOptions) -> Result<String> {
    spawn_metadata(opts)?.wait()
}

/// Starts [`run_metadata`]'s `cargo metadata` and returns at once: the caller works while cargo runs, then
/// takes the JSON with [`PendingMetadata::wait`].
pub fn spawn_metadata(opts: &LoadOptions) -> Result<PendingMetadata> {
    if let Some(path) = &opts.manifest_path
        && !path.is_file()
    {
        return Err(Error::ManifestNotFound {
            path: path.display().to_string(),
        });
    }
    let had_lockfile = existing_lockfile(opts).is_some();
    let mut locked = opts.clone(); // cloned: the same options with --locked decided here
    locked.locked |= had_lockfile && !opts.lockfile_is_ours;
    let mut command = metadata_command(&locked).build_command();
    command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = command.spawn().map_err(|source| Error::CargoSpawn {
        program: cargo_program(),
        source,
    })?;
    // Read on a thread of its own, so that cargo never waits on a full pipe while the caller works.
    let output = std::thread::spawn(move || child.wait_with_output());
    Ok(PendingMetadata {
        output,
        opts: opts.clone(), // cloned: wait() reports errors in the caller's terms
        had_lockfile,
    })
}

/// A `cargo metadata` started by [`spawn_metadata`].
#[derive(Debug)]
pub struct PendingMetadata {
    output: std::thread::JoinHandle<std::io::Result<std::process::Output>>,
    opts: LoadOptions,
    had_lockfile: bool,
}

impl PendingMetadata {
    /// Waits for cargo and returns its JSON (or its error, told as [`run_metadata`] tells it).
    pub fn wait(self) -> Result<String> {
        let PendingMetadata {
            output,
            opts,
            had_lockfile,
        } = self;
        let output = output
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            .map_err(|source| Error::CargoSpawn {
                program: cargo_program(),
                source,
            })?;
        if !output.status.success() {
            let manifest = opts
                .manifest_path
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "the current directory".to_owned());
            let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
            if had_lockfile && !opts.locked && stderr.contains("--locked") {
                return Err(Error::StaleLockfile { manifest, stderr });
            }
            return Err(Error::CargoMetadata { manifest, stderr });
        }
        let json = String::from_utf8(output.stdout).map_err(|e| Error::MetadataOutput {
            source: Box::new(e),
        })?;
        if !had_lockfile && !opts.lockfile_is_ours {
            remove_created_lockfile(&json)?;
        }
        Ok(json)
    }
}

/// Removes the `Cargo.lock` that `cargo metadata` just created at the workspace root.
fn remove_created_lockfile(json: &str) -> Result<()> {
    #[derive(serde::Deserialize)]
    struct Root {
        workspace_root: PathBuf,
    }
    let root: Root = serde_json::from_str(json).map_err(|e| Error::MetadataOutput {
        source: Box::new(e),
    })?;
    let lock = root.workspace_root.join("Cargo.lock");
    match std::fs::remove_file(&lock) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(
            "could not remove the lockfile cargo created at",
            &lock,
            e,
        )),
    }
}

impl Workspace {
    /// Runs `cargo metadata` once and builds the graph from its output.
    pub fn load(opts: &LoadOptions) -> Result<Workspace> {
        let json = run_metadata(opts)?;
        Workspace::from_json(&json)
    }

    /// Builds a workspace from `cargo metadata` JSON (recorded, or just produced).
    pub fn from_json(json: &str) -> Result<Workspace> {
        let mut metadata: cargo_metadata::Metadata =
            serde_json::from_str(json).map_err(|e| Error::MetadataOutput {
                source: Box::new(e),
            })?;
        let graph = PackageGraph::from_json(json).map_err(|e| Error::MetadataOutput {
            source: Box::new(e),
        })?;
        let features = metadata
            .packages
            .iter_mut()
            .map(|p| (p.id.repr.to_owned(), std::mem::take(&mut p.features)))
            .collect();
        let members = Members::from_metadata(metadata);
        Ok(Workspace {
            root: members.root.to_owned(),
            target_dir: members.target_dir.to_owned(),
            graph,
            members,
            features,
        })
    }

    /// Workspace members, sorted by name.
    pub fn members(&self) -> Vec<PackageMetadata<'_>> {
        let mut members: Vec<_> = self.graph.workspace().iter().collect();
        members.sort_by(|a, b| a.name().cmp(b.name()));
        members
    }

    /// The members chosen by `-p`/`--workspace`/`--exclude`; with none of them, every member.
    pub fn select(&self, selection: &PackageSelection) -> Result<Vec<PackageMetadata<'_>>> {
        let members = self.members();
        let names: Vec<&str> = members.iter().map(|m| m.name()).collect();
        selection.check(&names)?;
        Ok(members
            .into_iter()
            .filter(|m| selection.includes(m.name()))
            .collect())
    }

    /// This workspace's lumen-gate state directory (see [`state_dir`]).
    pub fn state_dir(&self) -> Utf8PathBuf {
        self.members.state_dir()
    }
}

/// A workspace's members and their targets, without the dependency graph.
#[derive(Debug)]
pub struct Members {
    /// The workspace root directory.
    pub root: Utf8PathBuf,
    /// Cargo's target directory.
    pub target_dir: Utf8PathBuf,
    /// The member packages, sorted by name.
    pub packages: Vec<cargo_metadata::Package>,
}

impl Members {
    /// The members of `metadata` (full or `--no-deps` output), sorted by name.
    fn from_metadata(metadata: cargo_metadata::Metadata) -> Members {
        let ids: std::collections::BTreeSet<_> = metadata.workspace_members.iter().collect();
        let mut packages: Vec<_> = metadata
            .packages
            .into_iter()
            .filter(|p| ids.contains(&p.id))
            .collect();
        packages.sort_by(|a, b| a.name.cmp(&b.name));
        Members {
            root: metadata.workspace_root,
            target_dir: metadata.target_directory,
            packages,
        }
    }

    /// Runs `cargo metadata --no-deps`: members only, no resolution.
    pub fn load(opts: &LoadOptions) -> Result<Members> {
        let mut no_deps = opts.clone(); // cloned: the same options, without dependencies
        no_deps.no_deps = true;
        let json = run_metadata(&no_deps)?;
        let metadata: cargo_metadata::Metadata =
            serde_json::from_str(&json).map_err(|e| Error::MetadataOutput {
                source: Box::new(e),
            })?;
        Ok(Members::from_metadata(metadata))
    }

    /// This workspace's lumen-gate state directory (see [`state_dir`]).
    pub fn state_dir(&self) -> Utf8PathBuf {
        state_dir(&self.target_dir, &self.root)
    }

    /// The members chosen by `-p`/`--workspace`/`--exclude`; with none of them, every member.
    pub fn select(&self, selection: &PackageSelection) -> Result<Vec<&cargo_metadata::Package>> {
        let names: Vec<&str> = self.packages.iter().map(|p| p.name.as_str()).collect();
        selection.check(&names)?;
        Ok(self
            .packages
            .iter()
            .filter(|p| selection.includes(&p.name))
            .collect())
    }
}

/// A workspace's lumen-gate state directory: `<target>/lumen-gate/ws-<hash of its root>/`, per workspace so
/// that workspaces sharing one target directory (`CARGO_TARGET_DIR`) never share state. Runs that touch it
/// hold its lock ([`crate::lock`]).
pub fn state_dir(target_dir: &Utf8Path, root: &Utf8Path) -> Utf8PathBuf {
    use std::hash::{Hash, Hasher};
    // DefaultHasher::new() has fixed keys: the same root always gives the same name.
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    root.hash(&mut hasher);
    target_dir
        .join("lumen-gate")
        .join(format!("ws-{:016x}", hasher.finish()))
}

/// `path` relative to `root` with `/` separators, or as-is when outside it.
pub fn relative_to(root: &Utf8Path, path: &Utf8Path) -> String {
    match path.strip_prefix(root) {
        Ok(rel) => rel
            .components()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => path.to_string(),
    }
}

/// Which workspace members a command applies to.
#[derive(Clone, Debug, Default)]
pub struct PackageSelection {
    /// `-p/--package`: only these.
    pub packages: Vec<String>,
    /// `--workspace`: all members (the default when no `-p` is given).
    pub workspace: bool,
    /// `--exclude`: leave these out.
    pub exclude: Vec<String>,
}

impl PackageSelection {
    /// Fails when `-p` or `--exclude` names a package that is not a member.
    fn check(&self, members: &[&str]) -> Result<()> {
        match self
            .packages
            .iter()
            .chain(&self.exclude)
            .find(|name| !members.contains(&name.as_str()))
        {
            Some(name) => Err(Error::UnknownPackage {
                name: name.to_string(),
                members: members.join(", "),
            }),
            None => Ok(()),
        }
    }

    /// True when the member `name` is selected.
    fn includes(&self, name: &str) -> bool {
        (self.workspace || self.packages.is_empty() || self.packages.iter().any(|p| p == name))
            && !self.exclude.iter().any(|p| p == name)
    }
}
