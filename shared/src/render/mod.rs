//! Renderers of a [`crate::report::Report`] and of the review: human diagnostics, JSON, markdown, GitHub
//! workflow commands and SARIF, and the tools' own text outputs.

pub mod arch;
pub mod bench;
pub use crate::output::escape;
pub mod github;
pub mod human;
pub mod markdown;
pub mod review;
pub mod sarif;
#[cfg(test)]
mod tests;

use std::io::Write;

use crate::report::Report;

/// Writes the report as pretty JSON followed by a newline.
pub fn write_json(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let json = report.to_json().map_err(std::io::Error::other)?;
    writeln!(out, "{json}")
}
