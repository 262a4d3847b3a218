//! The `cargo lumen-arch` command line.

use clap::Parser;
use lumen_gate_core::cli::{OutputArgs, WorkspaceArgs};
use lumen_gate_core::errors::Error;

/// Cargo passes the subcommand name first; this enum accepts it.
#[derive(Debug, Parser)]
#[command(bin_name = "cargo", version, styles = clap::builder::styling::Styles::plain())]
pub enum Cargo {
    /// Check the workspace's crate graph against architecture rules.
    LumenArch(Args),
}

/// Arguments of `cargo lumen-arch`.
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
pub fn run(args: Args) -> Result<i32, Error> {
    let ws = lumen_gate_core::workspace::Workspace::load(&args.workspace.load_options())?;
    let _config = lumen_gate_core::config::load(&ws.root, args.workspace.config.as_deref())?;
    Ok(lumen_gate_core::exit_codes::SUCCESS)
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
