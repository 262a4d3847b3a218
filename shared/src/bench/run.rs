//! Running bench targets with `cargo bench` and the runner's own options, and collecting its summaries.

use std::path::{Path, PathBuf};

use cargo_util::ProcessBuilder;
use miette::Diagnostic;
use thiserror::Error;

use crate::bench::discover::BenchTarget;
use crate::bench::summary::{self, Summary};
use crate::workspace::cargo_program;

/// The machine cannot run the benchmarks, or a benchmark failed.
#[derive(Debug, Error, Diagnostic)]
pub enum BenchError {
    /// valgrind is not installed.
    #[error("valgrind is not installed")]
    #[diagnostic(
        code(lumen_gate::valgrind_missing),
        help("install it: `apt-get install valgrind` (Debian/Ubuntu)")
    )]
    ValgrindMissing,
    /// The runner binary is missing or of another version than the library.
    #[error("{binary} {found} is installed, but {package} uses {library} {version}")]
    #[diagnostic(
        code(lumen_gate::runner_version),
        help("install the matching runner: `cargo install {binary} --version {version} --locked`")
    )]
    RunnerVersion {
        /// The runner binary.
        binary: String,
        /// What `--version` said (or "no runner").
        found: String,
        /// The package whose benches need it.
        package: String,
        /// The library.
        library: String,
        /// The library's version.
        version: String,
    },
    /// `cargo bench` failed for a target.
    #[error("benchmark `{package}/{target}` failed at {revision}; its log is {log}")]
    #[diagnostic(
        code(lumen_gate::bench_failed),
        help("run `cargo bench -p {package} --bench {target}` to see why")
    )]
    Failed {
        /// Package.
        package: String,
        /// Bench target.
        target: String,
        /// HEAD or the base revision.
        revision: String,
        /// The log file.
        log: String,
    },
    /// A file could not be read or written.
    #[error("{action} {path}: {source}")]
    #[diagnostic(code(lumen_gate::bench_io))]
    Io {
        /// What was being done.
        action: &'static str,
        /// The path.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> BenchError + 'a {
    move |source| BenchError::Io {
        action,
        path: path.display().to_string(),
        source,
    }
}

/// Checks that valgrind runs and that each runner binary matches its library's version.
pub fn check_environment(targets: &[BenchTarget]) -> Result<(), BenchError> {
    let valgrind = ProcessBuilder::new("valgrind")
        .arg("--version")
        .build_command()
        .output();
    if !valgrind.is_ok_and(|o| o.status.success()) {
        return Err(BenchError::ValgrindMissing);
    }
    for t in targets {
        let Some(binary) = t.runner.runner_binary() else {
            continue;
        };
        // gungraun-runner answers `--version`; iai-callgrind-runner 0.16 answers with an error that names
        // its version in parentheses. Either way the version is a word of what it prints.
        let found = ProcessBuilder::new(binary)
            .arg("--version")
            .build_command()
            .output()
            .ok()
            .map(|o| {
                let mut text = String::from_utf8_lossy(&o.stdout).into_owned();
                text.push_str(&String::from_utf8_lossy(&o.stderr));
                text
            });
        let matches = found.as_deref().is_some_and(|text| {
            text.split_whitespace().any(|w| {
                w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '.') == t.version
            })
        });
        let found = found.map(|text| {
            text.split_whitespace()
                .find(|w| {
                    w.trim_matches(|c: char| !c.is_ascii_digit() && c != '.')
                        .contains('.')
                })
                .map(|w| {
                    w.trim_matches(|c: char| !c.is_ascii_digit() && c != '.')
                        .to_owned()
                })
                .unwrap_or_else(|| "of an unknown version".to_owned())
        });
        if !matches {
            return Err(BenchError::RunnerVersion {
                binary: binary.to_owned(),
                found: found.unwrap_or_else(|| "no runner".to_owned()),
                package: t.package.clone(), // cloned: the error owns its parts
                library: t.runner.crate_name().to_owned(),
                version: t.version.clone(), // cloned: as above
            });
        }
    }
    Ok(())
}

/// One `cargo bench` invocation.
pub struct BenchRun<'a> {
    /// The manifest to run in (HEAD's, or the base worktree's).
    pub manifest: PathBuf,
    /// The target.
    pub target: &'a BenchTarget,
    /// Where the runner writes its summaries.
    pub home: PathBuf,
    /// Runner arguments besides `--home` and `--save-summary`.
    pub runner_args: Vec<String>,
    /// A cargo target directory of its own (the base's), or the workspace's.
    pub target_dir: Option<PathBuf>,
    /// Pass `--locked` (a Cargo.lock exists, and must not be rewritten).
    pub locked: bool,
    /// Where to write cargo's output.
    pub log: PathBuf,
    /// "HEAD" or the base revision, for messages.
    pub revision: String,
}

impl BenchRun<'_> {
    /// Runs `cargo bench -p PKG --bench NAME -- --save-summary=json --home=HOME ...`.
    pub fn run(&self) -> Result<(), BenchError> {
        let mut cmd = ProcessBuilder::new(cargo_program());
        cmd.arg("bench")
            .arg("--manifest-path")
            .arg(&self.manifest)
            .args(&["-p", &self.target.package, "--bench", &self.target.name]);
        if self.locked {
            cmd.arg("--locked");
        }
        cmd.arg("--")
            .arg("--save-summary=json")
            .arg(format!("--home={}", self.home.display()));
        for a in &self.runner_args {
            cmd.arg(a);
        }
        if let Some(dir) = &self.target_dir {
            cmd.env("CARGO_TARGET_DIR", dir);
        }
        if let Some(dir) = self.log.parent() {
            std::fs::create_dir_all(dir).map_err(io("could not create", dir))?;
        }
        let output = cmd
            .build_command()
            .output()
            .map_err(io("could not run cargo bench for", &self.manifest))?;
        let mut log = output.stdout;
        log.extend_from_slice(&output.stderr);
        std::fs::write(&self.log, log).map_err(io("could not write", &self.log))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(BenchError::Failed {
                package: self.target.package.clone(), // cloned: the error owns its parts
                target: self.target.name.clone(),     // cloned: as above
                revision: self.revision.clone(),      // cloned: as above
                log: self.log.display().to_string(),
            })
        }
    }
}

/// Every summary under `home`, with the package and bench target from its directory
/// (`<home>/<package>/<bench>/...`).
pub fn collect(home: &Path) -> Result<Vec<(String, String, Summary)>, BenchError> {
    let mut found = Vec::new();
    let mut stack = vec![home.to_owned()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io("could not read", &dir)(e)),
        };
        for entry in entries {
            let path = entry.map_err(io("could not read", &dir))?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n == "summary.json") {
                let text = std::fs::read_to_string(&path).map_err(io("could not read", &path))?;
                let Ok(json) = serde_json::from_str(&text) else {
                    continue;
                };
                let Some(summary) = summary::parse(&json) else {
                    continue;
                };
                let rel: Vec<String> = path
                    .strip_prefix(home)
                    .map(|r| r.iter().map(|c| c.to_string_lossy().into_owned()).collect())
                    .unwrap_or_default();
                let package = rel.first().cloned().unwrap_or_default(); // cloned: owned by the result
                let target = rel.get(1).cloned().unwrap_or_default(); // cloned: as above
                found.push((package, target, summary));
            }
        }
    }
    found.sort_by(|a, b| a.2.name.cmp(&b.2.name));
    Ok(found)
}
