//! The lints on arbitrary source text, as a crate's `src/lib.rs`.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use lumen_gate_core::fuzz::Scratch;

static SCRATCH: OnceLock<(tempfile::TempDir, Scratch)> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (_, scratch) = SCRATCH.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temp dir");
        let scratch = Scratch::create(dir.path()).expect("the scratch crate loads");
        (dir, scratch)
    });
    // Err: the run would exit 2, which is fine; a panic, overflow or hang is not.
    let _ = scratch.lint(text);
});
