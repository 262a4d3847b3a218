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

#[test]
fn help_texts() {
    for (name, bin) in [
        ("arch", env!("CARGO_BIN_EXE_lumen-arch-dup")),
        ("bench", env!("CARGO_BIN_EXE_lumen-bench-dup")),
        ("gate", env!("CARGO_BIN_EXE_lumen-gate-dup")),
    ] {
        let out = tool(bin)
            .arg("--help")
            .env("COLUMNS", "100")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        insta::assert_snapshot!(format!("help_{name}"), String::from_utf8_lossy(&out.stdout));
    }
}

#[test]
fn works_as_cargo_subcommand_and_directly() {
    let direct = tool(env!("CARGO_BIN_EXE_lumen-gate-dup"))
        .arg("--version")
        .output()
        .unwrap();
    let via_cargo = tool(env!("CARGO_BIN_EXE_lumen-gate-dup"))
        .args(["lumen-gate", "--version"])
        .output()
        .unwrap();
    assert_eq!(direct.status.code(), Some(0));
    assert_eq!(direct.stdout, via_cargo.stdout);
}

#[test]
fn bench_outside_a_workspace_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = tool(env!("CARGO_BIN_EXE_lumen-bench-dup"))
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`cargo metadata` failed"));
}
