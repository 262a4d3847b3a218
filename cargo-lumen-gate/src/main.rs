//! `cargo lumen-gate`: see the crate's library for the entry point.

/// syn's parser allocates for every node: mimalloc makes the lints' first run about a quarter faster.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cargo_lumen_gate::main_impl());
}
