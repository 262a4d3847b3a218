//! `cargo lumen-bench`: argument parsing; the work is done by `lumen_gate_core`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod cli;

use clap::Parser;
use lumen_gate_core::cli::{normalized_args, report_error};

/// Parses the process arguments, runs the tool and returns the exit code.
pub fn main_impl() -> i32 {
    let cli::Cargo::LumenBench(args) = cli::Cargo::parse_from(normalized_args("lumen-bench"));
    let color = args.output.color;
    match cli::run(args) {
        Ok(code) => code,
        Err(error) => report_error(&error, color),
    }
}
