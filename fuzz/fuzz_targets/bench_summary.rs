//! The benchmark runners' `summary.json` reader (gungraun schema 7, iai-callgrind 0.16 schema 6).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

static HOME: OnceLock<tempfile::TempDir> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let home = HOME.get_or_init(|| tempfile::tempdir().expect("a temp dir"));
    let _ = lumen_gate_core::fuzz::bench_summary(home.path(), text);
});
