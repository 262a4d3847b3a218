//! The `cargo lumen-gate` command line: the `cargo` subcommand around the core's arguments.

use clap::Parser;
use lumen_gate_core::commands::gate;

/// Cargo passes the subcommand name first; this enum accepts it.
#[derive(Debug, Parser)]
#[command(bin_name = "cargo", version, styles = clap::builder::styling::Styles::plain())]
pub enum Cargo {
    /// Review a change: architecture rules, code-quality gates and benchmarks, with a verdict.
    #[command(after_help = gate::EXAMPLES, version)]
    LumenGate(gate::Args),
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
