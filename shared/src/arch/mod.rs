//! Architecture rules over the crate graph (`cargo lumen-arch`).

pub mod cfg;
