//! Callgrind output files: reading them (streaming), comparing two profiles function by function,
//! naming the function that caused a change, and drawing a differential flamegraph.
//!
//! [`Profile::read_files`] reads the files of one benchmark run (base or HEAD) into one profile;
//! [`diff::diff`] lists the functions whose `Ir` changed, [`diff::culprit`] names the user's
//! function that accounts for most of the change, and [`flamegraph::differential_svg`] draws the
//! change (red: HEAD executes more there, blue: fewer).

pub mod diff;
mod error;
pub mod flamegraph;
mod parse;
mod profile;
#[cfg(test)]
mod tests;

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

pub use error::CallgrindError;
pub use profile::{Function, FunctionId, Profile};

/// Read buffer size: large reads keep a 100 MB file quick without holding it.
const READ_BUFFER: usize = 256 * 1024;

impl Profile {
    /// Reads one callgrind file; all its parts and threads are summed into one profile.
    pub fn read_file(path: &Path) -> Result<Self, CallgrindError> {
        let file = File::open(path).map_err(|source| CallgrindError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::read(BufReader::with_capacity(READ_BUFFER, file), path)
    }

    /// Reads callgrind text from `reader`; `path` names it in errors.
    pub fn read<R: BufRead>(reader: R, path: &Path) -> Result<Self, CallgrindError> {
        parse::read(reader, path)
    }

    /// Reads several files of one benchmark run (one per thread or process) into one profile.
    pub fn read_files<I, P>(paths: I) -> Result<Self, CallgrindError>
    where
        I: IntoIterator<Item = P>,
        P: AsRef<Path>,
    {
        let mut merged = Self::default();
        for path in paths {
            merged.merge(Self::read_file(path.as_ref())?);
        }
        Ok(merged)
    }
}
