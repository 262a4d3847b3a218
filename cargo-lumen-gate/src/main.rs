//! `cargo lumen-gate`: see the crate's library for the entry point.

fn main() {
    std::process::exit(cargo_lumen_gate::main_impl());
}
