//! The `cargo lumen-arch` command line: the `cargo` subcommand around the core's arguments.

use clap::Parser;
use lumen_gate_core::commands::arch;

/// Cargo passes the subcommand name first; this enum accepts it.
#[derive(Debug, Parser)]
#[command(bin_name = "cargo", version, styles = clap::builder::styling::Styles::plain())]
pub enum Cargo {
    /// Check the workspace's crate graph and module surfaces against architecture rules.
    #[command(after_help = arch::EXAMPLES, version)]
    LumenArch(arch::Args),
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
