//! `cargo lumen-bench` end to end with real valgrind and the real gungraun runner, in real git repositories.
//! Needs valgrind and gungraun-runner 0.20.0 (`bash scripts/install-tools.sh` installs both).

use std::path::PathBuf;

use lumen_gate_tests::{
    CheckoutState, TempProject, bench_target_dir, require_bench_tools, run, take_bench_turn, tool,
};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_lumen-bench-dup");

fn bench(p: &TempProject, args: &[&str]) -> (i32, Value, String) {
    require_bench_tools();
    let r = run(tool(BIN)
        .args(["--format", "json", "-q", "--manifest-path"])
        .arg(p.manifest())
        .args(args)
        .env("CARGO_TARGET_DIR", bench_target_dir()));
    (r.code, r.json(), r.stderr)
}

const SLOWER: &str = "        total = black_box(total.wrapping_add(i));\n        total = black_box(total ^ 1) ^ 1;\n";

fn repo_with_slower_head() -> (TempProject, String) {
    repo_with_slower_head_of("bench-gungraun")
}

fn repo_with_slower_head_of(fixture: &str) -> (TempProject, String) {
    let p = TempProject::new(fixture);
    let base = p.base_then_change(
        "calc/src/lib.rs",
        "        total = black_box(total.wrapping_add(i));\n",
        SLOWER,
        "slower sum_to",
    );
    (p, base)
}

/// The runner's own figures: `Ir` new and old from its summary.json (in the one bench home under the
/// shared target directory that belongs to `p`).
fn runner_ir(p: &TempProject, name_dir: &str) -> (f64, f64) {
    let homes: Vec<PathBuf> = std::fs::read_dir(bench_target_dir().join("lumen-gate"))
        .unwrap()
        .map(|e| {
            e.unwrap()
                .path()
                .join("bench-home/calc/calc/arithmetic")
                .join(name_dir)
                .join("summary.json")
        })
        .filter(|s| s.is_file())
        .filter(|s| {
            let json: Value = serde_json::from_str(&std::fs::read_to_string(s).unwrap()).unwrap();
            json["project_root"].as_str().is_some_and(|r| {
                std::path::Path::new(r) == p.root()
                    || std::fs::canonicalize(r).ok() == std::fs::canonicalize(p.root()).ok()
            })
        })
        .collect();
    assert_eq!(homes.len(), 1, "{homes:?}");
    let path = &homes[0];
    let json: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let values = &json["profiles"][0]["data"]["total"]["metrics"]["Ir"]["values"];
    (
        values["new"].as_f64().unwrap(),
        values["old"].as_f64().unwrap(),
    )
}

#[test]
fn a_slower_head_is_a_critical_regression_with_the_runners_figures() {
    let _turn = take_bench_turn();
    let (p, base) = repo_with_slower_head();
    p.write("notes.txt", "uncommitted\n");
    let before = CheckoutState::capture(p.root());
    let (code, r, stderr) = bench(&p, &["--base", &base]);
    assert_eq!(
        CheckoutState::capture(p.root()),
        before,
        "the checkout changed"
    );
    assert_eq!(code, 1, "{stderr}\n{r:#}");
    let benches = r["benchmarks"].as_array().unwrap();
    let sum = benches
        .iter()
        .find(|b| b["name"] == "calc::arithmetic::sum.hundred")
        .unwrap();
    let (new, old) = runner_ir(&p, "sum.hundred");
    assert_eq!(sum["primary"]["after"].as_f64(), Some(new));
    assert_eq!(sum["primary"]["before"].as_f64(), Some(old));
    assert!(new > old);
    assert_eq!(sum["status"], "regressed");
    let times = benches
        .iter()
        .find(|b| b["name"] == "calc::arithmetic::times.small")
        .unwrap();
    assert_eq!(times["status"], "unchanged");
    assert_eq!(times["primary"]["change_pct"].as_f64(), Some(0.0));
    let findings = r["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{r:#}");
    assert_eq!(findings[0]["severity"], "CRITICAL");
    assert_eq!(findings[0]["kind"], "bench::regression");
    assert_eq!(r["base"]["commit"], base);
}

#[test]
fn an_unchanged_head_has_zero_change_and_passes() {
    let _turn = take_bench_turn();
    let p = TempProject::new("bench-gungraun");
    p.git_init();
    let (code, r, stderr) = bench(&p, &["--base", "HEAD"]);
    assert_eq!(code, 0, "{stderr}\n{r:#}");
    for b in r["benchmarks"].as_array().unwrap() {
        assert_eq!(b["primary"]["change_pct"].as_f64(), Some(0.0), "{b:#}");
        assert_eq!(b["status"], "unchanged");
    }
    assert_eq!(r["benchmarks"].as_array().unwrap().len(), 2);
}

#[test]
fn a_randomly_seeded_hashmap_is_caught_by_check_determinism() {
    let _turn = take_bench_turn();
    let p = TempProject::new("bench-gungraun");
    let bench_src = p.read("calc/benches/calc.rs");
    p.write(
        "calc/benches/calc.rs",
        &bench_src
            .replace(
                "library_benchmark_group!(name = arithmetic, benchmarks = [sum, times]);",
                "#[library_benchmark]\nfn first_small_key() -> u64 {\n    // Iteration order of std's HashMap depends on its random seed.\n    let map: std::collections::HashMap<u64, u64> = (0..2000).map(|i| (i, i)).collect();\n    let mut steps = 0;\n    for (k, _) in &map {\n        steps += 1;\n        if *k < 20 {\n            break;\n        }\n    }\n    black_box(steps)\n}\n\nlibrary_benchmark_group!(name = arithmetic, benchmarks = [sum, times, first_small_key]);",
            ),
    );
    let (code, r, stderr) = bench(&p, &["--check-determinism"]);
    assert_eq!(code, 1, "{stderr}\n{r:#}");
    let flagged: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "bench::nondeterministic")
        .map(|f| f["benchmark"].as_str().unwrap())
        .collect();
    assert_eq!(flagged, ["calc::arithmetic::first_small_key"], "{r:#}");
}

#[test]
fn list_shows_targets_and_runners() {
    let p = TempProject::new("bench-gungraun");
    let out = tool(BIN)
        .args(["--list", "--manifest-path"])
        .arg(p.manifest())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "calc/calc (gungraun 0.20.0) calc/benches/calc.rs\n"
    );
}

#[test]
fn a_runner_of_another_version_is_exit_2_with_the_install_line() {
    require_bench_tools();
    let p = TempProject::new("bench-gungraun");
    // A stand-in runner of the wrong version, first on PATH (failure paths may use stand-ins).
    let fake = p.root().join("fake-bin");
    std::fs::create_dir_all(&fake).unwrap();
    let runner = fake.join("gungraun-runner");
    std::fs::write(&runner, "#!/bin/sh\necho gungraun-runner 0.19.0\n").unwrap();
    std::os::unix::fs::PermissionsExt::set_mode(
        &mut std::fs::metadata(&runner).unwrap().permissions(),
        0o755,
    );
    std::fs::set_permissions(&runner, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", fake.display(), std::env::var("PATH").unwrap());
    let out = tool(BIN)
        .args(["--manifest-path"])
        .arg(p.manifest())
        .env("PATH", path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("gungraun-runner 0.19.0 is installed, but calc uses gungraun 0.20.0"),
        "{stderr}"
    );
    assert!(
        stderr.contains("cargo install gungraun-runner --version 0.20.0 --locked"),
        "{stderr}"
    );
}

#[test]
fn iai_callgrind_0_16_works_as_well() {
    let _turn = take_bench_turn();
    let (p, base) = repo_with_slower_head_of("bench-iai");
    let (code, r, stderr) = bench(&p, &["--base", &base]);
    assert_eq!(code, 1, "{stderr}\n{r:#}");
    let sum = r["benchmarks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == "calc::arithmetic::sum.hundred")
        .unwrap();
    assert_eq!(sum["runner"], "iai-callgrind");
    assert_eq!(sum["status"], "regressed");
    assert!(sum["primary"]["after"].as_f64() > sum["primary"]["before"].as_f64());
    let times = r["benchmarks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == "calc::arithmetic::times.small")
        .unwrap();
    assert_eq!(times["primary"]["change_pct"].as_f64(), Some(0.0));
}

#[test]
fn two_runs_at_once_both_report_the_regression() {
    let _turn = take_bench_turn();
    let (p, base) = repo_with_slower_head();
    // Both sides built once, as in a CI cache.
    let (code, _, stderr) = bench(&p, &["--base", &base]);
    assert_eq!(code, 1, "{stderr}");
    let start = || {
        tool(BIN)
            .args(["--format", "json", "--base", &base, "--manifest-path"])
            .arg(p.manifest())
            .env("CARGO_TARGET_DIR", bench_target_dir())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let first = start();
    std::thread::sleep(std::time::Duration::from_millis(500));
    let second = start();
    let mut waited = false;
    for child in [first, second] {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        waited |= stderr.contains("waiting for another lumen-bench");
        let r: Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
        assert_eq!(out.status.code(), Some(1), "{stderr}\n{r:#}");
        let sum = r["benchmarks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["name"] == "calc::arithmetic::sum.hundred")
            .unwrap();
        assert_eq!(sum["status"], "regressed", "{r:#}");
        assert!(sum["primary"]["before"].as_f64().is_some(), "{r:#}");
    }
    assert!(waited, "the second run waits for the first and says so");
}

/// Issue 15 item 4, bench side: a base commit whose committed Cargo.lock is stale (a workspace member added
/// without updating it) is benchmarked anyway; cargo updates the lockfile in our worktree of the base, the
/// report says so, and the user's checkout is left as found.
#[test]
fn a_base_with_a_stale_lockfile_is_benchmarked_and_noted() {
    let _turn = take_bench_turn();
    let p = TempProject::new("bench-gungraun");
    p.git_init();
    p.write(
        "extra/Cargo.toml",
        "[package]\nname = \"extra\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n",
    );
    p.write(
        "extra/src/lib.rs",
        "//! A member the base's lockfile misses.\n",
    );
    let root = p.read("Cargo.toml");
    p.write(
        "Cargo.toml",
        &root.replace("members = [\"calc\"]", "members = [\"calc\", \"extra\"]"),
    );
    let base = p.commit_all("a member added, the lockfile not updated");
    p.update_lockfile();
    p.commit_all("lockfile updated");
    let before = CheckoutState::capture(p.root());
    let (code, r, stderr) = bench(&p, &["--base", &base]);
    assert_eq!(code, 0, "{stderr}\n{r:#}");
    let note = r["notes"][0].as_str().unwrap_or_default();
    assert!(
        note.contains("Cargo.lock of base") && note.contains("out of date"),
        "{r:#}"
    );
    assert_eq!(CheckoutState::capture(p.root()), before);
}
