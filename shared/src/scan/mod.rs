//! The source scanner: the review's code-quality gates and performance checklist over library code.

pub mod cfg;
