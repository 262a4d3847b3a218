//! Runs `cargo lumen-bench` for the end-to-end tests.

fn main() {
    std::process::exit(cargo_lumen_bench::main_impl());
}
