//! Errors of reading callgrind files.

use std::io;
use std::path::PathBuf;

/// Reading a callgrind output file failed.
#[derive(Debug, thiserror::Error)]
pub enum CallgrindError {
    /// The file could not be opened or read.
    #[error("could not read callgrind file {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: io::Error,
    },
    /// A line does not follow the callgrind format.
    #[error("{}:{line}: malformed callgrind line: {problem}", path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// The 1-based number of the line.
        line: u64,
        /// What is wrong with it.
        problem: Problem,
    },
    /// The file ends where it cannot end: it was cut short.
    #[error("{}: truncated callgrind file (ends at line {line}): {problem}", path.display())]
    Truncated {
        /// The file.
        path: PathBuf,
        /// The number of the file's last line.
        line: u64,
        /// What is missing.
        problem: Problem,
    },
}

/// What is wrong with a malformed line or a truncated file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// Neither a cost line, a `spec=name` line, a `key: value` header nor a comment.
    #[error("not a cost, position or header line")]
    UnknownLine,
    /// A number (count, cost, address or line) that does not parse.
    #[error("`{0}` is not a number")]
    BadNumber(String),
    /// A relative position going below zero.
    #[error("relative position `{0}` goes below zero")]
    NegativePosition(String),
    /// A cost line with fewer numbers than the `positions:` header announces.
    #[error("{expected} position(s) expected, {found} found")]
    MissingPositions {
        /// How many the `positions:` header says.
        expected: usize,
        /// How many the line has.
        found: usize,
    },
    /// A cost line with more cost numbers than the `events:` header has events.
    #[error("{found} costs for {events} event(s)")]
    TooManyCosts {
        /// How many events the `events:` header names.
        events: usize,
        /// How many costs the line has.
        found: usize,
    },
    /// A `positions:` header naming something other than `instr`, `bb` or `line`.
    #[error("unknown position kind `{0}` (instr, bb or line expected)")]
    UnknownPosition(String),
    /// An `events:` header without the `Ir` event.
    #[error("the `events:` header has no `Ir` event")]
    NoIrEvent,
    /// A cost line before any `events:` header.
    #[error("cost line before the `events:` header")]
    NoEvents,
    /// A cost line before any `fn=`.
    #[error("cost line outside of a function (no `fn=` before it)")]
    NoFunction,
    /// A `calls=` line with no `cfn=` before it.
    #[error("`calls=` without a `cfn=` naming the called function")]
    NoCallee,
    /// A compressed name `(id)` used before it was defined with `(id) name`.
    #[error("`{spec}=({id})` refers to an id that was never defined")]
    UndefinedId {
        /// The specification (`fn`, `fl`, ...).
        spec: String,
        /// The id.
        id: u64,
    },
    /// A `name=` line with an empty name.
    #[error("`{0}=` without a name")]
    EmptyName(String),
    /// A `calls=` line followed by something other than its cost line.
    #[error("`calls=` is not followed by the call's cost line")]
    CallWithoutCost,
    /// A format version this reader does not know.
    #[error("unsupported callgrind format version {0}")]
    UnsupportedVersion(String),
    /// The `totals:` line disagrees with the sum of the cost lines before it.
    #[error("`totals:` says {totals} Ir, the cost lines add up to {sum}")]
    TotalsMismatch {
        /// The `Ir` of the `totals:` line.
        totals: u64,
        /// The sum of the part's own cost lines.
        sum: u64,
    },
    /// A callgrind-written part without its closing `totals:` line.
    #[error("the last part has no closing `totals:` line")]
    MissingTotals,
    /// The last line has no newline.
    #[error("the last line is cut off (no newline)")]
    CutLine,
    /// No `events:` header at all (for example an empty file).
    #[error("no `events:` header")]
    NoHeader,
}
