//! Runs `cargo lumen-gate` for the end-to-end tests.

fn main() {
    std::process::exit(cargo_lumen_gate::main_impl());
}
