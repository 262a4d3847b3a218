//! The `cargo lumen-bench` command line: the `cargo` subcommand around the core's arguments.

use clap::Parser;
use lumen_gate_core::commands::bench;

/// Cargo passes the subcommand name first; this enum accepts it.
#[derive(Debug, Parser)]
#[command(bin_name = "cargo", version, styles = clap::builder::styling::Styles::plain())]
pub enum Cargo {
    /// Instruction-count benchmarks (gungraun, iai-callgrind) under valgrind, against a git base.
    #[command(after_help = bench::EXAMPLES, version)]
    LumenBench(bench::Args),
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
