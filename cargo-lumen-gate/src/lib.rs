//! `cargo lumen-gate`: parses its arguments and makes one call into `lumen_gate_core::commands::gate`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod cli;

use clap::Parser;
use lumen_gate_core::commands::{gate, normalized_args};

/// Parses the process arguments, runs the tool and returns the exit code.
pub fn main_impl() -> i32 {
    let cli::Cargo::LumenGate(args) = cli::Cargo::parse_from(normalized_args("lumen-gate"));
    gate::main(args)
}
