//! Reading a crate's Rust sources without compiling them: the module tree of a target, parsed with syn.

pub mod attrs;
pub mod modtree;

pub use modtree::{SourceProblem, crate_files};
