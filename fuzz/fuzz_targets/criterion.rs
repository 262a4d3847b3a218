//! Criterion's files as `--criterion` reads them: `benchmark.json`, HEAD's `estimates.json`, then
//! optionally the base's and the change's `estimates.json`, separated by NUL bytes.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use lumen_gate_core::fuzz::Scratch;

static SCRATCH: OnceLock<(tempfile::TempDir, Scratch)> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parts: Vec<&str> = text.split('\0').collect();
    let (_, scratch) = SCRATCH.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temp dir");
        let scratch = Scratch::create(dir.path()).expect("the scratch crate loads");
        (dir, scratch)
    });
    let base_and_change = match parts.get(2..4) {
        Some([base, change]) => Some((*base, *change)),
        _ => None,
    };
    let _ = scratch.criterion(
        parts.first().copied().unwrap_or_default(),
        parts.get(1).copied().unwrap_or_default(),
        base_and_change,
    );
});
