//! Command-line arguments shared by the three tools (clap derive), flattened into each tool's own parser.

use std::path::PathBuf;

use camino::Utf8PathBuf;

use crate::output::{ColorChoice, Format, Verbosity};
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
}

impl WorkspaceArgs {
    /// Options for `cargo metadata`.
    pub fn load_options(&self) -> LoadOptions {
        LoadOptions {
            manifest_path: self.manifest_path.clone(), // cloned: LoadOptions owns its paths
            current_dir: None,
            offline: self.offline,
            locked: self.locked,
            no_deps: false,
        }
    }

    /// The package selection.
    pub fn selection(&self) -> PackageSelection {
        PackageSelection {
            packages: self.packages.clone(), // cloned: the selection owns its names
            workspace: self.workspace,
            exclude: self.exclude.clone(), // cloned: as above
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

/// Prints a tool error to stderr as a miette diagnostic and returns exit code 2.
pub fn report_error(error: &dyn miette::Diagnostic, color: ColorChoice) -> i32 {
    use std::io::Write;
    let style = crate::render::human::HumanStyle {
        color: color.should_color(&std::io::stderr()),
        width: 100,
    };
    let text = crate::render::human::render_diagnostic(error, style);
    // Nothing more can be done if stderr itself is gone.
    let _ignored = std::io::stderr().write_all(text.as_bytes());
    crate::exit_codes::TOOL_ERROR
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
