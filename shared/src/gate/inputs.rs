//! Reading reports written earlier by `cargo lumen-arch --format json` or `cargo lumen-bench --format json`
//! (`cargo lumen-gate --report FILE`).

use std::path::Path;

use miette::{NamedSource, SourceSpan};

use crate::errors::{Error, ReportError};
use crate::report::Report;

/// Reads and parses one report file.
/// A report reached through a symlink (a file the user did not name) is not quoted in a parse error: it
/// may be anyone's file.
pub fn read_report(path: &Path) -> Result<Report, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io("could not read", path, e))?;
    let name = path.display().to_string();
    if through_symlink(path) {
        return serde_json::from_str(&text).map_err(|e| {
            Error::from(ReportError::Malformed {
                path: name.to_owned(),
                message: format!(
                    "line {}, column {}: not JSON of a report",
                    e.line(),
                    e.column()
                ),
                src: NamedSource::new(&name, String::new()),
                span: SourceSpan::new(0.into(), 0),
            })
        });
    }
    parse_report(&name, text)
}

/// True when some part of `path` is a symlink.
fn through_symlink(path: &Path) -> bool {
    let mut at = std::path::PathBuf::new();
    path.components().any(|c| {
        at.push(c);
        at.symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink())
    })
}

/// Parses report JSON; errors point at the offending line and column.
pub fn parse_report(name: &str, text: String) -> Result<Report, Error> {
    serde_json::from_str(&text).map_err(|e| {
        let offset = offset_of(&text, e.line(), e.column());
        Error::from(ReportError::Malformed {
            path: name.to_owned(),
            message: e.to_string(),
            src: NamedSource::new(name, text),
            span: SourceSpan::new(offset.into(), 0),
        })
    })
}

/// Byte offset of 1-based `line` and `column` (serde_json's numbering).
pub(crate) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (line_start + column.saturating_sub(1)).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_counts_lines_and_columns() {
        assert_eq!(offset_of("ab\ncd", 2, 2), 4);
        assert_eq!(offset_of("ab", 1, 1), 0);
    }

    #[test]
    fn bad_json_is_an_error_not_a_panic() {
        let err = parse_report("r.json", "{\"format_version\": 1,".to_owned());
        assert!(matches!(err, Err(Error::Report(_))));
    }
}
