//! One verdict policy for the three tools: `[gate.verdict]` decides the exit code of `cargo lumen-arch`
//! as it does the review's (`cargo lumen-gate --only arch`). The benchmarks' side is in `gate_bench.rs`.

use lumen_gate_tests::{TempProject, run, tool};

const ARCH: &str = env!("CARGO_BIN_EXE_lumen-arch-dup");
const GATE: &str = env!("CARGO_BIN_EXE_lumen-gate-dup");

const RULE: &str =
    "[[arch.forbid]]\nid = \"app-not-util\"\nwhy = \"w\"\nfrom = \"app\"\nto = \"util\"\n";

/// The exit codes of `lumen-arch` and `lumen-gate --only arch` on the arch-rules fixture with `config`.
fn exit_codes(config: &str) -> (i32, i32) {
    let p = TempProject::new("arch-rules");
    p.write("lumen-gate.toml", config);
    let arch = run(tool(ARCH)
        .args(["--offline", "--manifest-path"])
        .arg(p.manifest()));
    let gate = run(tool(GATE)
        .args(["--offline", "--only", "arch", "--manifest-path"])
        .arg(p.manifest()));
    assert!(arch.code != 2, "{}", arch.stderr);
    assert!(gate.code != 2, "{}", gate.stderr);
    (arch.code, gate.code)
}

#[test]
fn lumen_arch_and_the_review_decide_alike_under_every_policy() {
    let warning = format!("{RULE}severity = \"warning\"\n");
    let critical = format!("{RULE}severity = \"critical\"\n");
    for (config, expected) in [
        // Architecture warnings block by default...
        (warning.to_owned(), 1),
        // ...and not when the policy says so.
        (
            format!("{warning}\n[gate.verdict]\nblock-on-architecture = false\n"),
            0,
        ),
        (critical.to_owned(), 1),
        (
            format!("{critical}\n[gate.verdict]\nblock-on-critical = false\n"),
            0,
        ),
        // INFO never blocks.
        (format!("{RULE}severity = \"info\"\n"), 0),
    ] {
        assert_eq!(exit_codes(&config), (expected, expected), "{config}");
    }
}
