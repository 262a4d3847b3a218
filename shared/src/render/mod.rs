//! Renderers of a [`crate::report::Report`]: human diagnostics, JSON, and (for the verdict) the review
//! formats.

pub mod human;

use std::io::Write;

use crate::report::Report;

/// Writes the report as pretty JSON followed by a newline.
pub fn write_json(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let json = report.to_json().map_err(std::io::Error::other)?;
    writeln!(out, "{json}")
}
