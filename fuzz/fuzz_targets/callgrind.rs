//! The callgrind output reader of the attribution (streaming, name compression, relative positions).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = lumen_gate_core::fuzz::callgrind(data);
});
