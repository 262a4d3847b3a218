//! The three commands, as the binaries call them: arguments in (clap derive), the tools run, the report
//! rendered, an exit code out. A binary holds only its `cargo` subcommand enum and calls [`arch::main`],
//! [`bench::main`] or [`gate::main`].
//!
//! Also here: the arguments the three share, and the whole configuration file's type ([`config`]).

pub mod arch;
pub mod bench;
pub mod config;
pub mod gate;

use std::io::Write;
use std::path::{Path, PathBuf};

use camino::Utf8PathBuf;

use crate::config::ConfigWarning;
use crate::errors::{Error, Result};
use crate::lock::WhenLocked;
use crate::output::{ColorChoice, Format, Verbosity};
use crate::render::human::{HumanStyle, render_diagnostic};
use crate::workspace::{LoadOptions, PackageSelection};

/// Which workspace, and which of its packages.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct WorkspaceArgs {
    /// Path to Cargo.toml of the workspace.
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Only these packages (repeatable).
    #[arg(short = 'p', long = "package", value_name = "SPEC")]
    pub packages: Vec<String>,
    /// All workspace members (the default).
    #[arg(long)]
    pub workspace: bool,
    /// Leave these packages out (repeatable).
    #[arg(long, value_name = "SPEC")]
    pub exclude: Vec<String>,
    /// Configuration file to use instead of lumen-gate.toml / [workspace.metadata.lumen-gate].
    #[arg(long, value_name = "PATH")]
    pub config: Option<Utf8PathBuf>,
    /// Run cargo without network access.
    #[arg(long)]
    pub offline: bool,
    /// Require Cargo.lock to be up to date.
    #[arg(long)]
    pub locked: bool,
    /// Fail (exit 2) instead of waiting when another run holds this workspace's lumen-gate state.
    #[arg(long)]
    pub no_wait: bool,
}

impl WorkspaceArgs {
    /// Options for `cargo metadata`.
    pub fn load_options(&self) -> LoadOptions {
        LoadOptions {
            manifest_path: self.manifest_path.to_owned(),
            current_dir: None,
            offline: self.offline,
            locked: self.locked,
            no_deps: false,
            lockfile_is_ours: false,
        }
    }

    /// The package selection.
    pub fn selection(&self) -> PackageSelection {
        PackageSelection {
            packages: self.packages.to_vec(),
            workspace: self.workspace,
            exclude: self.exclude.to_vec(),
        }
    }

    /// What to do when another run holds the workspace's state.
    pub fn when_locked(&self) -> WhenLocked {
        if self.no_wait {
            WhenLocked::Fail
        } else {
            WhenLocked::Wait
        }
    }
}

/// How to write the result.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// When to use colour (also CARGO_TERM_COLOR, NO_COLOR).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Say less: only the findings and the result.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Say more: dependency paths, other metrics.
    #[arg(short, long)]
    pub verbose: bool,
    /// Also write the report to FILE, as JSON.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

impl OutputArgs {
    /// The verbosity the flags ask for.
    pub fn verbosity(&self) -> Verbosity {
        if self.quiet {
            Verbosity::Quiet
        } else if self.verbose {
            Verbosity::Verbose
        } else {
            Verbosity::Normal
        }
    }

    /// How human output on stdout looks.
    fn style(&self) -> HumanStyle {
        HumanStyle {
            color: self.color.should_color(&std::io::stdout()),
            width: 100,
        }
    }
}

/// The arguments of this process, with the cargo subcommand word inserted when it is missing, so the
/// binary works both as `cargo lumen-arch ...` (cargo passes `lumen-arch` as the first argument) and as
/// `cargo-lumen-arch ...` run directly.
pub fn normalized_args(subcommand: &str) -> Vec<std::ffi::OsString> {
    normalize_args(std::env::args_os().collect(), subcommand)
}

/// [`normalized_args`] on an explicit argument list (the first item is the program).
pub fn normalize_args(
    mut args: Vec<std::ffi::OsString>,
    subcommand: &str,
) -> Vec<std::ffi::OsString> {
    if args.get(1).and_then(|a| a.to_str()) != Some(subcommand) {
        let at = args.len().min(1);
        args.insert(at, subcommand.into());
    }
    args
}

/// Runs a command: signal handling installed, an error printed as a miette diagnostic, the exit code
/// returned (the command's own, or the error's: 2, or 130 when interrupted).
fn main_with(color: ColorChoice, run: impl FnOnce() -> Result<i32>) -> i32 {
    crate::process::install_signal_handlers();
    match run() {
        Ok(code) => code,
        Err(error) => {
            print_diagnostic(&error, color);
            error.exit_code()
        }
    }
}

/// Prints a diagnostic to stderr; nothing more can be done if stderr itself is gone.
fn print_diagnostic(diagnostic: &dyn miette::Diagnostic, color: ColorChoice) {
    let style = HumanStyle {
        color: color.should_color(&std::io::stderr()),
        width: 100,
    };
    let text = crate::output::escape::stderr(&render_diagnostic(diagnostic, style), style.color);
    let _unwritten = std::io::stderr().write_all(text.as_bytes());
}

/// Prints the configuration's warnings (deprecated keys...) to stderr, unless quiet.
fn print_warnings(warnings: &[ConfigWarning], output: &OutputArgs) {
    if output.verbosity() > Verbosity::Quiet {
        for w in warnings {
            print_diagnostic(w, output.color);
        }
    }
}

/// A report that could not be rendered (its JSON serialization failed).
fn render_error(e: std::io::Error) -> Error {
    Error::io("could not render", "the report", e)
}

/// Writes `bytes` to stdout.
fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| Error::io("could not write to", "stdout", e))
}

/// Writes `bytes` to the `--output` file.
fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).map_err(|e| Error::io("could not write", path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inserts_missing_subcommand() {
        let args = normalize_args(
            vec!["cargo-lumen-arch".into(), "--explain".into()],
            "lumen-arch",
        );
        assert_eq!(args, vec!["cargo-lumen-arch", "lumen-arch", "--explain"]);
    }

    #[test]
    fn keeps_subcommand_passed_by_cargo() {
        let args = normalize_args(
            vec!["cargo-lumen-arch".into(), "lumen-arch".into()],
            "lumen-arch",
        );
        assert_eq!(args, vec!["cargo-lumen-arch", "lumen-arch"]);
    }
}
