//! Why benchmarks could not run: each error names what failed and says how to fix it.

use std::path::Path;

use miette::Diagnostic;
use thiserror::Error;

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
        help(
            "install the matching runner: `cargo install {binary} --version {version} --locked`, or pass --install-runner to install it into lumen-gate's cache"
        )
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
    /// `cargo install` of a runner failed.
    #[error("could not install {binary} {version} into {root}; cargo's output is in {log}")]
    #[diagnostic(
        code(lumen_gate::runner_install),
        help("run `cargo install {binary} --version {version} --locked` to see why")
    )]
    RunnerInstall {
        /// The runner binary.
        binary: String,
        /// Its version.
        version: String,
        /// The install root.
        root: String,
        /// The log file.
        log: String,
    },
    /// The bench target did not build.
    #[error("benchmark `{package}/{target}` does not build at {revision}; its log is {log}")]
    #[diagnostic(
        code(lumen_gate::bench_build_failed),
        help(
            "run `cargo bench --no-run -p {package} --bench {target}` at that revision to see why"
        )
    )]
    BuildFailed {
        /// Package.
        package: String,
        /// Bench target.
        target: String,
        /// HEAD or the base revision.
        revision: String,
        /// The log file.
        log: String,
    },
    /// The bench target built, and then failed (crashed, or the runner refused).
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
    /// The bench target ran past the time limit and was stopped.
    #[error(
        "benchmark `{package}/{target}` at {revision} did not finish within {seconds} s and was stopped; its log is {log}"
    )]
    #[diagnostic(
        code(lumen_gate::bench_timeout),
        help("raise `timeout-secs` in [bench] or pass --timeout, or find what hangs in the log")
    )]
    TimedOut {
        /// Package.
        package: String,
        /// Bench target.
        target: String,
        /// HEAD or the base revision.
        revision: String,
        /// The limit.
        seconds: u64,
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

/// Maps an I/O error on `path` to [`BenchError::Io`].
pub fn io<'a>(
    action: &'static str,
    path: &'a Path,
) -> impl FnOnce(std::io::Error) -> BenchError + 'a {
    move |source| BenchError::Io {
        action,
        path: path.display().to_string(),
        source,
    }
}
