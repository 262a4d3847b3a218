//! `cargo lumen-bench`: parses its arguments and makes one call into `lumen_gate_core::commands::bench`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod cli;

use clap::Parser;
use lumen_gate_core::commands::{bench, normalized_args};

/// Parses the process arguments, runs the tool and returns the exit code.
pub fn main_impl() -> i32 {
    let cli::Cargo::LumenBench(args) = cli::Cargo::parse_from(normalized_args("lumen-bench"));
    bench::main(args)
}
