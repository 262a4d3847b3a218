//! Instruction-count benchmarks, base against HEAD (`cargo lumen-bench`).

pub mod cfg;
