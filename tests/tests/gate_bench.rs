//! `cargo lumen-gate --bench` in a real git repository: a change that adds an unwrap in library code, a
//! forbidden dependency and a slower function is reported exactly, and its revert is approved.
//! Needs valgrind and gungraun-runner 0.20.0 (`bash scripts/install-tools.sh`).

use lumen_gate_tests::{
    CheckoutState, Run, TempProject, bench_target_dir, require_bench_tools, run, take_bench_turn,
    tool,
};
use serde_json::Value;

const GATE: &str = env!("CARGO_BIN_EXE_lumen-gate-dup");

fn gate(p: &TempProject, args: &[&str]) -> Run {
    require_bench_tools();
    run(tool(GATE)
        .args(["-q", "--manifest-path"])
        .arg(p.manifest())
        .args(args)
        .env("CARGO_TARGET_DIR", bench_target_dir()))
}

#[test]
fn unwrap_forbidden_dependency_and_slower_function_are_exactly_what_is_new() {
    let _turn = take_bench_turn();
    let p = TempProject::new("bench-gungraun");
    // The base: calc plus a helper crate calc must not depend on, and a pre-existing unwrap.
    p.write(
        "Cargo.toml",
        &p.read("Cargo.toml")
            .replace("members = [\"calc\"]", "members = [\"calc\", \"extra\"]"),
    );
    p.write(
        "extra/Cargo.toml",
        "[package]\nname = \"extra\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n",
    );
    p.write(
        "extra/src/lib.rs",
        "//! Extra.\n\n/// One.\npub fn one() -> u64 {\n    \"1\".parse().unwrap()\n}\n",
    );
    p.write(
        "lumen-gate.toml",
        "[[arch.forbid]]\nid = \"calc-stands-alone\"\nwhy = \"calc is the leaf of the workspace\"\nfrom = \"calc\"\nto = \"extra\"\n",
    );
    p.update_lockfile();
    p.git_init();
    let base = p.git(&["rev-parse", "HEAD"]).trim().to_owned();

    // The change.
    let lib = p.read("calc/src/lib.rs");
    let manifest = p.read("calc/Cargo.toml");
    p.write(
        "calc/src/lib.rs",
        &(lib.replacen(
            "        total = black_box(total.wrapping_add(i));\n",
            "        total = black_box(total.wrapping_add(i));\n        total = black_box(total ^ 1) ^ 1;\n",
            1,
        ) + "\n/// Parses a number.\npub fn parse(s: &str) -> u64 {\n    s.parse().unwrap()\n}\n"),
    );
    p.write(
        "calc/Cargo.toml",
        &manifest.replace(
            "[dev-dependencies]",
            "[dependencies]\nextra = { path = \"../extra\" }\n\n[dev-dependencies]",
        ),
    );
    p.update_lockfile();
    let state = CheckoutState::capture(p.root());

    let Run {
        code,
        stdout,
        stderr,
    } = gate(&p, &["--base", &base, "--bench", "--format", "json"]);
    assert_eq!(
        CheckoutState::capture(p.root()),
        state,
        "the gate changed the checkout"
    );
    assert_eq!(code, 1, "{stderr}");
    let r: Value = serde_json::from_str(&stdout).unwrap();
    let findings = r["findings"].as_array().unwrap();
    let mut new: Vec<String> = findings
        .iter()
        .filter(|f| f["baseline"] == "new")
        .map(|f| {
            format!(
                "{} {}",
                f["kind"].as_str().unwrap(),
                f["rule_id"].as_str().unwrap()
            )
        })
        .collect();
    new.sort();
    // The forbidden dependency is reported by its rule, and (being a new internal edge) as new coupling.
    assert_eq!(
        new,
        [
            "arch::forbid calc-stands-alone",
            "arch::new-coupling new-coupling",
            "bench::regression ir-regression",
            "lints::no-unwrap no-unwrap"
        ],
        "{r:#}"
    );
    let old: Vec<String> = findings
        .iter()
        .filter(|f| f["baseline"] == "pre-existing")
        .map(|f| {
            format!(
                "{}:{}",
                f["location"]["file"].as_str().unwrap(),
                f["location"]["line"]
            )
        })
        .collect();
    assert_eq!(old, ["extra/src/lib.rs:5"]);
    let sum = r["benchmarks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == "calc::arithmetic::sum.hundred")
        .unwrap();
    assert_eq!(sum["status"], "regressed");

    let Run { stdout: md, .. } = gate(&p, &["--base", &base, "--bench", "--format", "markdown"]);
    assert!(
        md.contains("| calc::arithmetic::sum.hundred | 415 Ir | "),
        "{md}"
    );
    assert!(md.contains("\n### Verdict\nCHANGES REQUESTED\n"), "{md}");

    // Reverting the change gives APPROVED.
    p.write("calc/src/lib.rs", &lib);
    p.write("calc/Cargo.toml", &manifest);
    p.update_lockfile();
    let reverted = CheckoutState::capture(p.root());
    let Run {
        code,
        stdout: md,
        stderr,
    } = gate(&p, &["--base", &base, "--bench", "--format", "markdown"]);
    assert_eq!(code, 0, "{md}\n{stderr}");
    assert!(md.contains("\n### Verdict\nAPPROVED\n"), "{md}");
    assert!(
        md.contains("| calc::arithmetic::sum.hundred | 415 Ir | 415 Ir | +0.00% |"),
        "{md}"
    );
    assert_eq!(CheckoutState::capture(p.root()), reverted);
}

#[test]
fn lumen_bench_and_the_review_decide_alike_under_every_policy() {
    let _turn = take_bench_turn();
    require_bench_tools();
    let p = TempProject::new("bench-gungraun");
    let base = p.base_then_change(
        "calc/src/lib.rs",
        "        total = black_box(total.wrapping_add(i));\n",
        "        total = black_box(total.wrapping_add(i));\n        total = black_box(total ^ 1) ^ 1;\n",
        "slower sum_to",
    );
    for (policy, expected) in [
        ("", 1),
        ("[gate.verdict]\nblock-on-regression = false\n", 0),
    ] {
        p.write("lumen-gate.toml", policy);
        let bench = run(tool(env!("CARGO_BIN_EXE_lumen-bench-dup"))
            .args(["-q", "--base", &base, "--manifest-path"])
            .arg(p.manifest())
            .env("CARGO_TARGET_DIR", bench_target_dir()));
        let review = gate(&p, &["--only", "bench", "--base", &base]);
        assert_eq!(bench.code, expected, "{policy}: {}", bench.stderr);
        assert_eq!(review.code, expected, "{policy}: {}", review.stderr);
    }
}
