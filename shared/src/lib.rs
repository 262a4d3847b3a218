//! Core of lumen-gate.
//!
//! The three cargo subcommands (`cargo lumen-arch`, `cargo lumen-bench`, `cargo lumen-gate`) are thin
//! binaries; everything they do lives here: loading the workspace ([`workspace`]), reading the
//! configuration ([`config`]), the architecture rules ([`arch`]), the source gates ([`scan`]), the
//! instruction-count benchmarks ([`bench`]), the review verdict ([`gate`]), and the report model shared by
//! all of them ([`report`]) with its renderers ([`render`]).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod arch;
pub mod base;
pub mod bench;
pub mod cli;
pub mod config;
pub mod errors;
pub mod exit_codes;
pub mod gate;
pub mod git;
pub mod output;
pub mod render;
pub mod report;
pub mod scan;
pub mod source;
pub mod workspace;
