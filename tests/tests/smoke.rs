//! The tools start, answer --help, and fail cleanly on a missing manifest.

use lumen_gate_tests::tool;

#[test]
fn arch_missing_manifest_is_exit_2() {
    let out = tool(env!("CARGO_BIN_EXE_lumen-arch-dup"))
        .args(["--manifest-path", "/definitely/not/here/Cargo.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("manifest not found"), "{stderr}");
}
