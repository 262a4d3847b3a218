//! Runs `cargo lumen-arch` for the end-to-end tests.

fn main() {
    std::process::exit(cargo_lumen_arch::main_impl());
}
