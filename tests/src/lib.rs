//! Support for the end-to-end tests in `tests/`: temp copies of fixture workspaces, real git repositories,
//! and a snapshot of a checkout's state to prove the tools never touched it.
//!
//! Fixture workspaces live in `fixtures/`; each is a small real workspace with its own `[workspace]` table
//! and a committed `Cargo.lock`, so `cargo metadata --offline --locked` works on it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The directory holding the fixture workspaces.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// A copy of a fixture workspace in a temporary directory, deleted on drop.
pub struct TempProject {
    dir: tempfile::TempDir,
}

impl TempProject {
    /// Copies `fixtures/<name>` (without any `target/`) into a fresh temp dir.
    pub fn new(name: &str) -> TempProject {
        let src = fixtures_dir().join(name);
        assert!(src.is_dir(), "no fixture named {name} at {}", src.display());
        let dir = tempfile::Builder::new()
            .prefix("lumen-gate-test-")
            .tempdir()
            .unwrap();
        copy_dir(&src, dir.path());
        TempProject { dir }
    }

    /// An empty temp dir.
    pub fn empty() -> TempProject {
        TempProject {
            dir: tempfile::Builder::new()
                .prefix("lumen-gate-test-")
                .tempdir()
                .unwrap(),
        }
    }

    /// The project root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// `root/Cargo.toml`.
    pub fn manifest(&self) -> PathBuf {
        self.root().join("Cargo.toml")
    }

    /// Writes `contents` to `rel` (creating parent directories).
    pub fn write(&self, rel: &str, contents: &str) {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }

    /// Reads `rel`.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root().join(rel)).unwrap()
    }

    /// Runs git in the project and returns stdout; panics with git's stderr on failure.
    pub fn git(&self, args: &[&str]) -> String {
        git(self.root(), args)
    }

    /// `git init` on branch `main` with a test identity, a `.gitignore` for `target/`, and a first commit.
    pub fn git_init(&self) {
        self.git(&["init", "-q", "-b", "main"]);
        self.git(&["config", "user.email", "test@example.com"]);
        self.git(&["config", "user.name", "Test"]);
        self.git(&["config", "commit.gpgsign", "false"]);
        if !self.root().join(".gitignore").exists() {
            self.write(".gitignore", "/target\n");
        }
        self.commit_all("base");
    }

    /// Regenerates `Cargo.lock` after a test edited manifests (the tools never do it themselves).
    pub fn update_lockfile(&self) {
        let status = Command::new("cargo")
            .args(["generate-lockfile", "--offline", "--quiet"])
            .current_dir(self.root())
            .status()
            .unwrap();
        assert!(
            status.success(),
            "cargo generate-lockfile failed in {}",
            self.root().display()
        );
    }

    /// Makes the project a git repository whose first commit is the base, then commits a change to `file`
    /// (its first `from` replaced by `to`); returns the base commit id.
    pub fn base_then_change(&self, file: &str, from: &str, to: &str, message: &str) -> String {
        self.git_init();
        let base = self.git(&["rev-parse", "HEAD"]).trim().to_owned();
        let text = self.read(file);
        assert!(text.contains(from), "{file} has no `{from}`");
        self.write(file, &text.replacen(from, to, 1));
        self.commit_all(message);
        base
    }

    /// The state directory the tools keep for this project in the shared [`bench_target_dir`] (none for a
    /// path that is not UTF-8).
    pub fn bench_state_dir(&self) -> Option<camino::Utf8PathBuf> {
        let target = camino::Utf8PathBuf::from_path_buf(bench_target_dir()).ok()?;
        let root = camino::Utf8Path::from_path(self.root())?;
        Some(lumen_gate_core::state_dir(&target, root))
    }

    /// Stages everything and commits it; returns the new commit id.
    pub fn commit_all(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
        self.git(&["rev-parse", "HEAD"]).trim().to_owned()
    }
}

impl Drop for TempProject {
    /// A benchmark test's state directory is in the shared [`bench_target_dir`], not in the temp dir: its
    /// base worktree and its two release builds take hundreds of MB, so a whole suite's would fill a CI
    /// disk. Removed with the project, unless the test failed (its failure names the logs in there).
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let Some(state) = self.bench_state_dir() else {
            return;
        };
        // Best effort: a process the test stopped may still be writing there (the interrupt tests), and a
        // directory left behind costs disk, not a test's answer.
        if state.is_dir() {
            let _ = std::fs::remove_dir_all(&state);
        }
    }
}

/// Runs git in `dir`; panics with git's stderr on failure.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("git must be installed to run these tests");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Copies a directory tree, leaving out `target/` directories.
pub fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for entry in std::fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        let to = dst.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() == "target" {
                continue;
            }
            copy_dir(&path, &to);
        } else {
            std::fs::copy(&path, &to).unwrap();
        }
    }
}

/// Everything about a checkout the tools must leave alone: HEAD, branches, stash, the index file, and the
/// bytes of every file outside `target/` and `.git/`.
#[derive(Debug, PartialEq, Eq)]
pub struct CheckoutState {
    head: String,
    branches: String,
    stash: String,
    status: String,
    index: Vec<u8>,
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl CheckoutState {
    /// Captures the state of the checkout at `root`.
    pub fn capture(root: &Path) -> CheckoutState {
        let mut files = BTreeMap::new();
        collect_files(root, root, &mut files);
        CheckoutState {
            head: git(root, &["rev-parse", "--symbolic-full-name", "HEAD"])
                + &git(root, &["rev-parse", "HEAD"]),
            branches: git(root, &["for-each-ref", "--format=%(refname) %(objectname)"]),
            stash: git(root, &["stash", "list"]),
            status: git(root, &["status", "--porcelain=v1", "--untracked-files=all"]),
            index: std::fs::read(root.join(".git/index")).unwrap_or_default(),
            files,
        }
    }
}

fn collect_files(root: &Path, dir: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        let name = entry.file_name();
        if entry.file_type().unwrap().is_dir() {
            if name == "target" || name == ".git" {
                continue;
            }
            collect_files(root, &path, files);
        } else {
            let rel = path.strip_prefix(root).unwrap().to_owned();
            files.insert(rel, std::fs::read(&path).unwrap());
        }
    }
}

/// Replaces the temp root in `text` with `[ROOT]`, for snapshots.
pub fn redact_root(text: &str, root: &Path) -> String {
    let root = root.display().to_string();
    let canonical = std::fs::canonicalize(&root)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| root.clone());
    text.replace(&canonical, "[ROOT]").replace(&root, "[ROOT]")
}

/// How a tool run ended and what it printed.
#[derive(Debug)]
pub struct Run {
    /// The exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Standard output as JSON, or `Null` when it is not JSON (the tool failed).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or(serde_json::Value::Null)
    }

    /// The findings of a JSON review that count (not accepted by the baseline, not pre-existing); panics
    /// with the output when it is not a report.
    pub fn counted_findings(&self) -> Vec<serde_json::Value> {
        let json = self.json();
        json["findings"]
            .as_array()
            .unwrap_or_else(|| panic!("not a report: {}\n{}", self.stdout, self.stderr))
            .iter()
            .filter(|f| f["baseline"] != "accepted" && f["baseline"] != "pre-existing")
            .cloned() // cloned: the findings outlive the parsed report
            .collect()
    }
}

/// Runs `cmd` to the end and captures it: the one run-and-capture helper of the tests.
pub fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("the tool must start");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A command for one of the dup binaries, with colour and backtraces off.
pub fn tool(bin_path: &str) -> Command {
    let mut cmd = Command::new(bin_path);
    cmd.env("NO_COLOR", "1")
        .env("CARGO_TERM_COLOR", "never")
        .env("RUST_BACKTRACE", "0")
        // No runner from a cache of lumen-gate's outside the test: tests that want one set their own.
        .env(
            "LUMEN_GATE_CACHE_DIR",
            bench_target_dir().join("no-runner-cache"),
        )
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("CI");
    cmd
}

/// The directory of the real toolchain binaries (`<sysroot>/bin`: cargo, rustc), not rustup's proxies,
/// which only work with the CARGO_HOME they were installed in. Tests that rewrite PATH put this on it.
pub fn toolchain_bin() -> PathBuf {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let out = Command::new(rustc)
        .args(["--print", "sysroot"])
        .output()
        .expect("rustc must be installed to run these tests");
    assert!(out.status.success(), "rustc --print sysroot failed");
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim()).join("bin")
}

/// The target directory every benchmark test shares, so gungraun and its runner harness are built once.
pub fn bench_target_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-fixtures")
}

/// Benchmark tests share [`bench_target_dir`], where cargo gives every fixture copy's packages the same
/// artifact names: they take turns through a file lock (across test processes too, as under nextest).
pub fn take_bench_turn() -> std::fs::File {
    let dir = bench_target_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let lock = std::fs::File::create(dir.join(".bench-tests.lock")).unwrap();
    lock.lock().unwrap();
    lock
}

/// Fails with what to install when valgrind, gungraun-runner 0.20.0 or iai-callgrind-runner 0.16.1 is
/// missing (iai-callgrind-runner answers `--version` with an error that names its version).
pub fn require_bench_tools() {
    for (cmd, version, install) in [
        ("valgrind", "valgrind-", "apt-get install valgrind"),
        (
            "gungraun-runner",
            "0.20.0",
            "cargo install gungraun-runner --version 0.20.0 --locked",
        ),
        (
            "iai-callgrind-runner",
            "0.16.1",
            "cargo install iai-callgrind-runner --version 0.16.1 --locked",
        ),
    ] {
        let said = Command::new(cmd).arg("--version").output().map(|o| {
            String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
        });
        assert!(
            said.is_ok_and(|text| text.contains(version)),
            "`{cmd}` ({version}) is needed by the benchmark tests: {install} (or run bash scripts/install-tools.sh)"
        );
    }
}

/// True while `/proc/PID/stat` shows a process that is neither a zombie nor dead.
pub fn is_running(pid: &str) -> bool {
    std::fs::read_to_string(Path::new("/proc").join(pid).join("stat")).is_ok_and(|stat| {
        let state = stat
            .rsplit_once(") ")
            .and_then(|(_, rest)| rest.chars().next());
        !matches!(state, Some('Z' | 'X') | None)
    })
}

/// A build script for the `bench-gungraun` fixture's `calc` (`calc/build.rs`) that, once a file
/// `hang-now` exists at the project root, writes its pid to `hang.pid` there and sleeps for ten minutes.
pub const HANGING_BUILD_SCRIPT: &str = "fn main() {\n    let trigger = concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/../hang-now\");\n    println!(\"cargo:rerun-if-changed={trigger}\");\n    if std::path::Path::new(trigger).exists() {\n        let pid = std::process::id().to_string();\n        std::fs::write(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/../hang.pid\"), pid).unwrap();\n        std::thread::sleep(std::time::Duration::from_secs(600));\n    }\n}\n";

/// Runs `cargo lumen-arch` (the binary `bin`) on `project`'s workspace, offline, with `args`.
pub fn run_arch(bin: &str, project: &TempProject, args: &[&str]) -> Run {
    run(tool(bin)
        .arg("--manifest-path")
        .arg(project.manifest())
        .arg("--offline")
        .args(args))
}

/// Runs `cargo lumen-arch` with `--format json` and `args`: the exit code and the report, the temp root
/// replaced by `[ROOT]`.
pub fn arch_json(bin: &str, project: &TempProject, args: &[&str]) -> (i32, serde_json::Value) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let run = run_arch(bin, project, &all);
    let stdout = redact_root(&run.stdout, project.root());
    let value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\nstderr: {}", run.stderr));
    (run.code, value)
}
