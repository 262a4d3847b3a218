//! `cargo lumen-arch`: see the crate's library for the entry point.

fn main() {
    std::process::exit(cargo_lumen_arch::main_impl());
}
