//! `cargo lumen-bench`: see the crate's library for the entry point.

fn main() {
    std::process::exit(cargo_lumen_bench::main_impl());
}
