//! Errors that stop a tool from running (exit code 2).
//!
//! Findings are not errors: a rule that finds a violation reports it in the [`crate::report::Report`].
//! Everything here means the tool could not do its job, and says what to do about it.

use miette::Diagnostic;
use thiserror::Error;

use crate::config::InvalidConfig;
use crate::git::GitError;

/// An error that stops a tool; every variant maps to exit code 2.
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

    /// Anything else from a subsystem, with its own diagnostic.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Other(Box<dyn Diagnostic + Send + Sync>),
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
}

/// Result with the core [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
