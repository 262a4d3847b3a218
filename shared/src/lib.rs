//! Core of lumen-gate.
//!
//! The three cargo subcommands (`cargo lumen-arch`, `cargo lumen-bench`, `cargo lumen-gate`) are thin
//! binaries: each parses its arguments and makes one call into [`commands`]. Everything else lives here, in
//! layers that only import downwards:
//!
//! - [`commands`]: the three commands (arguments in, report rendered, exit code out) and the whole
//!   configuration file's type.
//! - [`render`]: human diagnostics, JSON, markdown, GitHub annotations, SARIF, the tools' tables.
//! - [`gate`]: the review: merging reports, ranking, checklists, and the verdict policy that decides every
//!   tool's exit code.
//! - The tools: [`arch`] (architecture rules over the crate graph), [`lints`] (the source scanner:
//!   code-quality gates and the performance checklist), [`bench`] (instruction-count benchmarks), [`api`]
//!   (public surfaces and their breaking changes).
//! - The foundation, which knows no tool: [`workspace`], [`config`], [`report`], [`output`], [`errors`],
//!   [`exit_codes`], [`git`], [`base`], [`source`], [`lock`], [`process`].
//!
//! The rules `core-layers` and `tools-independent` (`[[arch.module-layers]]` in `lumen-gate.toml`) hold every
//! path between these modules to these directions.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod api;
mod arch;
mod base;
mod bench;
pub mod commands;
mod config;
mod errors;
mod exit_codes;
pub mod fuzz;
mod gate;
mod git;
mod lints;
mod lock;
mod output;
mod process;
mod render;
pub mod report;
mod source;
mod workspace;

/// Where the tools keep a workspace's state (base worktrees, benchmark builds, caches): end-to-end tests
/// remove what a benchmark run left in their shared target directory.
pub use workspace::state_dir;
