//! The `cargo lumen-bench` command line.

use clap::Parser;
use lumen_gate_core::cli::{OutputArgs, WorkspaceArgs};
use lumen_gate_core::errors::Error;

/// Cargo passes the subcommand name first; this enum accepts it.
#[derive(Debug, Parser)]
#[command(bin_name = "cargo", version, styles = clap::builder::styling::Styles::plain())]
pub enum Cargo {
    /// Instruction-count benchmarks against a git base (not implemented yet).
    #[command(version)]
    LumenBench(Args),
}

/// Arguments of `cargo lumen-bench`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Workspace and package selection.
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    /// Output settings.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs the tool.
pub fn run(_args: Args) -> Result<i32, Error> {
    Err(Error::usage(
        "cargo lumen-bench is not implemented yet",
        None,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cargo::command().debug_assert();
    }
}
