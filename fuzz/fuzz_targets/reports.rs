//! The report merger (`cargo lumen-gate --report`): up to three reports, separated by NUL bytes, merged into
//! one review and rendered in every format.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let reports: Vec<&str> = text.split('\0').take(3).collect();
    let _ = lumen_gate_core::fuzz::review_of_reports(&reports);
});
