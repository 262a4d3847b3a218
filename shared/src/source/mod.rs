//! Reading a crate's Rust sources without compiling them: the module tree of a target, parsed with syn.

pub mod attrs;
pub mod facts;
pub mod modtree;
pub mod paths;
pub mod public;

pub use modtree::{crate_files, top_level_modules};

/// Where a piece of syntax is in its file.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct Place {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// Length in characters when it ends on the same line, else 0.
    pub length: u32,
}

impl Place {
    /// The place of `span` (from a file parsed with span locations).
    pub fn of(span: proc_macro2::Span) -> Place {
        let start = span.start();
        let end = span.end();
        Place {
            line: start.line as u32,
            column: start.column as u32 + 1,
            length: if end.line == start.line {
                end.column.saturating_sub(start.column) as u32
            } else {
                0
            },
        }
    }
}
