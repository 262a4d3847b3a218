//! `cargo lumen-arch`: parses its arguments and makes one call into `lumen_gate_core::commands::arch`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod cli;

use clap::Parser;
use lumen_gate_core::commands::{arch, normalized_args};

/// Parses the process arguments, runs the tool and returns the exit code.
pub fn main_impl() -> i32 {
    let cli::Cargo::LumenArch(args) = cli::Cargo::parse_from(normalized_args("lumen-arch"));
    arch::main(args)
}
