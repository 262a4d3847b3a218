//! Measured impact, end to end with real valgrind, cargo and git: the noise floor of a command benchmark
//! whose count jitters with its working directory and its hasher's seed, claims of commit messages and of
//! `--claims` checked against the numbers, and hot paths measured from a profile.

use lumen_gate_tests::{Run, TempProject, bench_target_dir, run, take_bench_turn, tool};
use serde_json::Value;

const BENCH: &str = env!("CARGO_BIN_EXE_lumen-bench-dup");
const GATE: &str = env!("CARGO_BIN_EXE_lumen-gate-dup");

/// Runs `bin` on `p` with the benchmark tests' target directory; command benchmarks need valgrind only.
fn with_tools(bin: &str, p: &TempProject, args: &[&str]) -> Run {
    let valgrind = std::process::Command::new("valgrind")
        .arg("--version")
        .output();
    assert!(
        valgrind.is_ok_and(|o| o.status.success()),
        "valgrind is needed by the benchmark tests: apt-get install valgrind (or bash scripts/install-tools.sh)"
    );
    run(tool(bin)
        .args(["--manifest-path"])
        .arg(p.manifest())
        .args(args)
        .env("CARGO_TARGET_DIR", bench_target_dir()))
}

fn json_of(r: &Run) -> Value {
    let v = r.json();
    assert!(!v.is_null(), "not JSON: {}\n{}", r.stdout, r.stderr);
    v
}

fn benchmark<'a>(r: &'a Value, name: &str) -> &'a Value {
    r["benchmarks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == name)
        .unwrap_or_else(|| panic!("no benchmark {name} in {r:#}"))
}

fn findings(json: &Value) -> Vec<&Value> {
    json["findings"].as_array().unwrap().iter().collect()
}

/// `tool jitter`: its count moves by ~400 Ir with the parity of its directory's bytes and by up to ~40
/// with its hasher's random seed, on about 385,000.
const JITTER_COMMAND: &str = "[[bench.command]]
name = \"sum\"
build = [\"--release\", \"-p\", \"tool\", \"--bin\", \"tool\"]
run = [\"{bin:tool}\", \"jitter\"]
stdin = \"tool/input.txt\"
";

#[test]
fn a_readme_change_is_no_change_despite_jitter_and_a_five_percent_regression_still_blocks() {
    let _turn = take_bench_turn();
    let p = TempProject::new("bench-command");
    p.write("lumen-gate.toml", JITTER_COMMAND);
    p.write("README.md", "# tool\nSums numbrs.\n");
    p.write(
        "pr.md",
        "## Faster parsing\n\nThis makes parse 2x faster.\n",
    );
    let base = p.base_then_change("README.md", "numbrs", "numbers", "Fix a typo in the README");

    // A path as given on the command line: relative to the current directory, as cargo's are.
    let claims = p.root().join("pr.md");
    let claims = claims.to_str().unwrap();
    let r = with_tools(
        BENCH,
        &p,
        &[
            "--format", "json", "-q", "--base", &base, "--claims", claims,
        ],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let json = json_of(&r);
    let sum = benchmark(&json, "sum");
    assert_eq!(sum["status"], "unchanged", "{sum:#}");
    assert!(sum.get("attribution").is_none(), "{sum:#}");
    let floor = &sum["floor"];
    assert_eq!(floor["source"], "measured", "{floor:#}");
    // Two base runs, one HEAD run; the base's two directories differ in parity: the floor shows it.
    assert_eq!(floor["runs"].as_array().unwrap().len(), 3, "{floor:#}");
    assert!(floor["pct"].as_f64().unwrap() > 0.1, "{floor:#}");
    // No benchmark finding; the pull request's claim is one without numbers, quoted.
    let all = findings(&json);
    assert!(all.iter().all(|f| f["kind"] == "bench::claim"), "{all:#?}");
    assert_eq!(all.len(), 1, "{all:#?}");
    let claim = all[0];
    assert_eq!(
        (claim["rule_id"].as_str(), claim["severity"].as_str()),
        (Some("claim-without-numbers"), Some("WARNING"))
    );
    assert!(
        claim["message"]
            .as_str()
            .unwrap()
            .contains("\"This makes parse 2x faster.\""),
        "{claim:#}"
    );
    assert_eq!(claim["location"]["file"], "pr.md");
    assert_eq!(claim["location"]["line"], 3);
    assert_eq!(json["claims"][0]["verdict"], "unmeasured", "{json:#}");

    // 25,000 iterations instead of 20,000: about 5% more instructions, claimed as a speed-up.
    p.write("tool/input.txt", "25000\n");
    let head = p.commit_all("Make sum 2x faster");
    let r = with_tools(BENCH, &p, &["--format", "json", "-q", "--base", &base]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let json = json_of(&r);
    let sum = benchmark(&json, "sum");
    assert_eq!(sum["status"], "regressed", "{sum:#}");
    let pct = sum["primary"]["change_pct"].as_f64().unwrap();
    assert!((4.5..6.0).contains(&pct), "{sum:#}");
    let all = findings(&json);
    let regression = all.iter().find(|f| f["kind"] == "bench::regression");
    assert_eq!(regression.unwrap()["severity"], "CRITICAL", "{all:#?}");
    let contradicted = all
        .iter()
        .find(|f| f["rule_id"] == "contradicted-claim")
        .unwrap_or_else(|| panic!("no contradicted claim in {all:#?}"));
    assert_eq!(contradicted["severity"], "CRITICAL");
    let message = contradicted["message"].as_str().unwrap();
    assert!(message.contains("\"Make sum 2x faster\""), "{message}");
    assert!(message.contains(&head[..12]), "{message}");
    let impact = contradicted["impact"].as_str().unwrap();
    assert!(
        impact.starts_with("sum ") && impact.contains("noise floor"),
        "{impact}"
    );
}

#[test]
fn the_function_carrying_a_benchmark_is_measured_hot_and_its_twin_is_not() {
    let _turn = take_bench_turn();
    let p = TempProject::new("bench-hot");
    let r = with_tools(GATE, &p, &["--bench", "--format", "json", "-q"]);
    assert!(r.code == 0 || r.code == 1, "{}\n{}", r.stdout, r.stderr);
    let json = json_of(&r);
    let hot = json["measured_hot"].as_array().unwrap();
    let of = |name: &str| hot.iter().find(|h| h["function"] == name);
    let h = of("app::hot").unwrap_or_else(|| panic!("app::hot not measured hot: {hot:#?}"));
    assert!(h["share"].as_f64().unwrap() > 0.9, "{h:#}");
    assert_eq!(h["benchmark"], "lookups");
    assert_eq!(h["calls"], 1, "{h:#}");
    assert_eq!(h["file"], "app/src/main.rs", "{h:#}");
    assert_eq!(h["callers"], serde_json::json!(["app::main"]), "{h:#}");
    assert!(of("app::cold").is_none(), "{hot:#?}");
    // Start-up frames are never hot, though they carry everything.
    assert!(
        of("main").is_none() && of("(below main)").is_none(),
        "{hot:#?}"
    );
}
