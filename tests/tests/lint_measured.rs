//! Hot paths measured, not declared: with no `hot-paths` in the configuration, the benchmark's profile
//! makes `hot()` (nearly all of its instructions) a hot path, so the per-iteration rules report its loop with
//! the measured share in their text, and not the same code in `cold()`, which runs once.

use lumen_gate_tests::{TempProject, bench_target_dir, run, take_bench_turn, tool};
use serde_json::Value;

const GATE: &str = env!("CARGO_BIN_EXE_lumen-gate-dup");

#[test]
fn the_loop_a_benchmark_spends_its_time_in_is_hot_without_any_hot_path_declared() {
    let _turn = take_bench_turn();
    let valgrind = std::process::Command::new("valgrind")
        .arg("--version")
        .output();
    assert!(
        valgrind.is_ok_and(|o| o.status.success()),
        "valgrind is needed: apt-get install valgrind (or bash scripts/install-tools.sh)"
    );
    let p = TempProject::new("bench-hot");
    // The lints read library code: `hot` and `cold` move into the app's library, which main calls.
    let main = p.read("app/src/main.rs");
    let body = &main[main.find("/// Nearly all").unwrap()..];
    p.write(
        "app/src/lib.rs",
        &format!("use std::collections::HashMap;\n\npub const KEYS: [&str; 4] = [\"add\", \"sub\", \"mul\", \"div\"];\n\n{body}"),
    );
    p.write(
        "app/src/main.rs",
        "use std::collections::HashMap;\n\nfn main() {\n    let table: HashMap<String, Vec<u8>> = app::KEYS\n        .iter()\n        .map(|k| (k.to_string(), k.as_bytes().to_vec()))\n        .collect();\n    println!(\"{}\", app::hot(&table, 20_000) + app::cold(&table, 1));\n}\n",
    );
    let r = run(tool(GATE)
        .args(["--manifest-path"])
        .arg(p.manifest())
        .args([
            "--bench", "--only", "bench", "--only", "lints", "--format", "json", "-q",
        ])
        .env("CARGO_TARGET_DIR", bench_target_dir()));
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let json: Value =
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stderr));
    let lints: Vec<&Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"].as_str().is_some_and(|k| k.starts_with("lints::")))
        .collect();
    let in_fn = |name: &str| -> Vec<String> {
        let mut rules: Vec<String> = lints
            .iter()
            .filter(|f| f["code"]["item"] == name && f["cost"]["hot"] == "measured")
            .map(|f| f["rule_id"].as_str().unwrap().to_owned())
            .collect();
        rules.sort();
        rules
    };
    assert_eq!(
        in_fn("app::hot"),
        ["alloc-in-hot-loop", "clone-in-hot-loop", "hash-in-hot-loop"],
        "{lints:#?}"
    );
    assert!(in_fn("app::cold").is_empty(), "{lints:#?}");
    let hash = lints
        .iter()
        .find(|f| f["rule_id"] == "hash-in-hot-loop")
        .unwrap();
    let message = hash["message"].as_str().unwrap();
    assert!(
        message.contains("of `lookups`'s instructions") && message.contains("in `app::hot`"),
        "{message}"
    );
    assert!(hash["cost"]["share"].as_f64().unwrap() > 0.9, "{hash:#}");
    // The help names the callers that made the fn hot.
    assert!(
        hash["help"]
            .as_str()
            .unwrap()
            .contains("hot through `app::main` -> `app::hot`"),
        "{hash:#}"
    );
    assert_eq!(hash["cost"]["via"], "lookups");
    // The clone in the hot loop is reported once, as the hot-path rule.
    assert!(
        !lints
            .iter()
            .any(|f| f["rule_id"] == "clone-justified" && f["code"]["item"] == "app::hot"),
        "{lints:#?}"
    );
    // Measured findings rank first.
    assert!(
        lints[..3].iter().all(|f| f["cost"]["hot"] == "measured"),
        "{lints:#?}"
    );
}
