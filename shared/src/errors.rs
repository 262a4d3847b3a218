//! Errors that stop a tool from running (exit code 2, or 130 when interrupted).
//!
//! Findings are not errors: a rule that finds a violation reports it in the [`crate::report::Report`].
//! Everything here means the tool could not do its job, and says what to do about it. The type is closed:
//! every way a run can fail is a named variant, so a reader of a failure knows where it came from.

use std::ops::Range;
use std::path::Path;

use miette::{Diagnostic, NamedSource, SourceSpan};
use thiserror::Error;

use crate::exit_codes;
use crate::git::GitError;

/// An error that stops a tool; see [`Error::exit_code`].
#[derive(Debug, Error, Diagnostic)]
pub enum Error {
    /// The manifest given with `--manifest-path` (or found from the current directory) does not exist.
    #[error("manifest not found: {path}")]
    #[diagnostic(
        code(lumen_gate::manifest_not_found),
        help(
            "pass the path of a Cargo.toml with --manifest-path, or run inside a cargo workspace"
        )
    )]
    ManifestNotFound {
        /// The path that was looked for.
        path: String,
    },

    /// `cargo metadata` could not be started.
    #[error("could not run `{program} metadata`")]
    #[diagnostic(code(lumen_gate::cargo_spawn), help("is cargo installed and on PATH?"))]
    CargoSpawn {
        /// The cargo executable that was tried.
        program: String,
        /// Why it could not start.
        #[source]
        source: std::io::Error,
    },

    /// `cargo metadata` ran and failed (not a workspace, broken manifest, missing lockfile...).
    #[error("`cargo metadata` failed for {manifest}:\n{stderr}")]
    #[diagnostic(code(lumen_gate::cargo_metadata))]
    CargoMetadata {
        /// The manifest it was run on.
        manifest: String,
        /// What cargo printed.
        stderr: String,
    },

    /// `Cargo.lock` does not match the manifests, and the tools do not rewrite it.
    #[error("Cargo.lock of {manifest} is out of date:\n{stderr}")]
    #[diagnostic(
        code(lumen_gate::stale_lockfile),
        help(
            "lumen-gate never modifies your checkout; update the lockfile with `cargo update --workspace` (or any cargo build) and run again"
        )
    )]
    StaleLockfile {
        /// The manifest it was run on.
        manifest: String,
        /// What cargo printed.
        stderr: String,
    },

    /// The output of `cargo metadata` could not be read.
    #[error("could not read the output of `cargo metadata`")]
    #[diagnostic(code(lumen_gate::cargo_metadata_output))]
    MetadataOutput {
        /// The parse error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// A package named on the command line is not a workspace member.
    #[error("package `{name}` is not a member of the workspace")]
    #[diagnostic(
        code(lumen_gate::unknown_package),
        help("workspace members: {members}")
    )]
    UnknownPackage {
        /// The name given.
        name: String,
        /// The members there are, comma-separated.
        members: String,
    },

    /// The configuration is invalid.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] Box<InvalidConfig>),

    /// A git operation failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Git(#[from] Box<GitError>),

    /// The benchmarks could not run.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Bench(#[from] Box<BenchError>),

    /// A `--report` file is not a report this version reads.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Report(#[from] Box<ReportError>),

    /// A file could not be read or written.
    #[error("{action} {path}")]
    #[diagnostic(code(lumen_gate::io))]
    Io {
        /// What was being done: "could not read", "could not write"...
        action: &'static str,
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },

    /// Bad usage that clap cannot catch (conflicting options, a malformed value).
    #[error("{message}")]
    #[diagnostic(code(lumen_gate::usage))]
    Usage {
        /// What is wrong.
        message: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },

    /// Another run holds this workspace's lumen-gate state, and `--no-wait` was given.
    #[error("another {holder} is running in this workspace (lock {lock})")]
    #[diagnostic(
        code(lumen_gate::locked),
        help(
            "wait for it to finish, or drop --no-wait to wait for it; the lock is released when that run ends, however it ends"
        )
    )]
    Locked {
        /// Who holds the lock, as it wrote itself into the lock file ("lumen-bench (pid 1234)").
        holder: String,
        /// The lock file.
        lock: String,
    },

    /// The run was interrupted (SIGINT or SIGTERM); everything it started has been stopped.
    #[error("interrupted")]
    #[diagnostic(code(lumen_gate::interrupted))]
    Interrupted,
}

impl From<GitError> for Error {
    fn from(e: GitError) -> Error {
        Error::Git(Box::new(e))
    }
}

impl From<InvalidConfig> for Error {
    fn from(e: InvalidConfig) -> Error {
        Error::Config(Box::new(e))
    }
}

impl From<BenchError> for Error {
    fn from(e: BenchError) -> Error {
        Error::Bench(Box::new(e))
    }
}

impl From<ReportError> for Error {
    fn from(e: ReportError) -> Error {
        Error::Report(Box::new(e))
    }
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(
        action: &'static str,
        path: impl AsRef<std::path::Path>,
        source: std::io::Error,
    ) -> Error {
        Error::Io {
            action,
            path: path.as_ref().display().to_string(),
            source,
        }
    }

    /// A usage error with an optional hint.
    pub fn usage(message: impl Into<String>, help: Option<String>) -> Error {
        Error::Usage {
            message: message.into(),
            help,
        }
    }

    /// The exit code: [`exit_codes::INTERRUPTED`] for an interrupted run, else [`exit_codes::TOOL_ERROR`].
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Interrupted => exit_codes::INTERRUPTED,
            _ => exit_codes::TOOL_ERROR,
        }
    }
}

/// Maps an I/O error on `path` to [`Error::Io`], for `map_err`.
pub(crate) fn io<'a>(
    action: &'static str,
    path: &'a Path,
) -> impl FnOnce(std::io::Error) -> Error + 'a {
    move |source| Error::io(action, path, source)
}

/// Why benchmarks could not run: each variant names what failed and says how to fix it.
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
    /// A command benchmark's `cargo build` failed.
    #[error(
        "the build of command benchmark `{name}` failed at {revision}: `{command}`; its log is {log}"
    )]
    #[diagnostic(
        code(lumen_gate::command_build_failed),
        help("run the same `cargo build` at that revision to see why")
    )]
    CommandBuildFailed {
        /// The command benchmark.
        name: String,
        /// HEAD or the base revision.
        revision: String,
        /// The cargo command line.
        command: String,
        /// The log file.
        log: String,
    },
    /// A command benchmark's build did not make a binary its `run` names.
    #[error(
        "command benchmark `{name}` runs `{{bin:{bin}}}`, but its build at {revision} (`{command}`) made no binary `{bin}`"
    )]
    #[diagnostic(
        code(lumen_gate::command_binary_missing),
        help(
            "add `--bin {bin}` (or the package that has it, `-p PACKAGE`) to its `build` arguments"
        )
    )]
    CommandBinaryMissing {
        /// The command benchmark.
        name: String,
        /// The binary named.
        bin: String,
        /// HEAD or the base revision.
        revision: String,
        /// The cargo command line.
        command: String,
    },
    /// A command benchmark exited with a failure.
    #[error("command benchmark `{name}` failed at {revision} ({status}): `{command}`\n{stderr}")]
    #[diagnostic(
        code(lumen_gate::command_failed),
        help(
            "a command benchmark must succeed to be measured: run the command line above at that revision (in its root) to see why"
        )
    )]
    CommandFailed {
        /// The command benchmark.
        name: String,
        /// HEAD or the base revision.
        revision: String,
        /// The command line, as run (under valgrind).
        command: String,
        /// How it ended: `exit status 3`, `signal 11`.
        status: String,
        /// The last lines of its standard error (and of valgrind's log).
        stderr: String,
    },
    /// A command benchmark's build and run passed the time limit.
    #[error(
        "command benchmark `{name}` at {revision} did not finish within {seconds} s and was stopped; its log is {log}"
    )]
    #[diagnostic(
        code(lumen_gate::command_timeout),
        help("raise `timeout-secs` in [bench] or pass --timeout, or find what hangs in the log")
    )]
    CommandTimedOut {
        /// The command benchmark.
        name: String,
        /// HEAD or the base revision.
        revision: String,
        /// The limit.
        seconds: u64,
        /// The log file.
        log: String,
    },
    /// A command benchmark's callgrind file cannot be read.
    #[error("cannot read the callgrind file of command benchmark `{name}`: {reason}")]
    #[diagnostic(
        code(lumen_gate::command_profile),
        help(
            "the file is valgrind's own output: check valgrind's log next to the command's in bench-logs/"
        )
    )]
    CommandProfile {
        /// The command benchmark.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// A DHAT file (heap figures) could not be read.
    #[error("cannot read the heap profile (DHAT) of benchmark `{name}`: {reason}")]
    #[diagnostic(
        code(lumen_gate::heap_profile),
        help(
            "the file is valgrind's own output: check valgrind's log next to the command's in bench-logs/"
        )
    )]
    HeapProfile {
        /// The benchmark.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// The binary about to be measured is not the one the build made (another process rebuilt or replaced
    /// it): measuring it would report another program's figures.
    #[error(
        "binary `{bin}` of command benchmark `{name}` at {revision} changed after lumen-bench built it ({path})"
    )]
    #[diagnostic(
        code(lumen_gate::binary_changed),
        help(
            "something else writes into lumen-gate's target directory; run again, and give each checkout its own state (it has by default)"
        )
    )]
    BinaryChanged {
        /// The command benchmark.
        name: String,
        /// The binary.
        bin: String,
        /// "HEAD" or the base revision.
        revision: String,
        /// Where cargo said it wrote it.
        path: String,
    },
    /// A runner wrote a summary this version cannot read (a new schema version, or a broken file):
    /// reading on would drop its benchmarks and pass.
    #[error("cannot read the benchmark summary {path}: {reason}")]
    #[diagnostic(
        code(lumen_gate::bench_summary),
        help(
            "lumen-gate reads gungraun 0.20 (summary schema 7) and iai-callgrind 0.16 (schema 6); use one of those runner versions, or a lumen-gate that knows this one"
        )
    )]
    Summary {
        /// The summary file.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// A `--report` file that cannot be merged.
#[derive(Debug, Error, Diagnostic)]
pub enum ReportError {
    /// The file is not JSON of a lumen-gate report.
    #[error("{path} is not a lumen-gate report: {message}")]
    #[diagnostic(
        code(lumen_gate::bad_report),
        help(
            "pass a file written by `cargo lumen-arch --format json` or `cargo lumen-bench --format json`"
        )
    )]
    Malformed {
        /// The file.
        path: String,
        /// The parse error.
        message: String,
        /// Its text.
        #[source_code]
        src: NamedSource<String>,
        /// Where the parse failed.
        #[label("here")]
        span: SourceSpan,
    },
    /// The baseline file is not one this version reads (broken JSON, an unknown key, another version).
    #[error("{path} is not a lumen-gate baseline: {message}")]
    #[diagnostic(
        code(lumen_gate::bad_baseline),
        help(
            "fix the line, or write the file again with `cargo lumen-gate --write-baseline=all` (it accepts every current finding)"
        )
    )]
    BadBaseline {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
        /// Its text.
        #[source_code]
        src: NamedSource<String>,
        /// Where.
        #[label("here")]
        span: SourceSpan,
    },
    /// A report was written by an incompatible version of the tools.
    #[error("{file}: report format version {found}, this tool reads version {expected}")]
    #[diagnostic(
        code(lumen_gate::report_version),
        help("write the report again with the same lumen-gate version as `cargo lumen-gate`")
    )]
    Version {
        /// The report file.
        file: String,
        /// The version in it.
        found: u32,
        /// The version this build reads.
        expected: u32,
    },
    /// Two reports compare against different base commits.
    #[error("reports compare against different base commits: {first} and {second}")]
    #[diagnostic(
        code(lumen_gate::report_base_mismatch),
        help("run every step with the same --base")
    )]
    BaseMismatch {
        /// One base.
        first: String,
        /// The other.
        second: String,
    },
}

/// Result with the core [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One problem in the configuration, with its place in the file.
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(lumen_gate::config))]
pub struct ConfigError {
    message: String,
    #[source_code]
    src: NamedSource<String>,
    #[label("{label}")]
    span: Option<SourceSpan>,
    label: String,
    #[help]
    help: Option<String>,
}

impl ConfigError {
    /// A problem with `message` at `span` of `src`, labelled `label`.
    pub(crate) fn new(
        message: String,
        src: NamedSource<String>,
        span: Option<SourceSpan>,
        label: String,
        help: Option<String>,
    ) -> ConfigError {
        ConfigError {
            message,
            src,
            span,
            label,
            help,
        }
    }

    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where, as a byte range of the file.
    pub fn span(&self) -> Option<Range<usize>> {
        self.span.map(|s| s.offset()..s.offset() + s.len())
    }
}

/// The configuration is invalid: one or more [`ConfigError`]s.
#[derive(Debug, Error, Diagnostic)]
#[error("invalid configuration in {path}")]
#[diagnostic(code(lumen_gate::invalid_config))]
pub struct InvalidConfig {
    /// The file.
    pub path: String,
    /// Every problem found.
    #[related]
    pub errors: Vec<ConfigError>,
}

impl InvalidConfig {
    /// Wraps the problems found in the file `path`.
    pub fn new(path: &str, errors: Vec<ConfigError>) -> InvalidConfig {
        InvalidConfig {
            path: path.to_owned(),
            errors,
        }
    }
}
