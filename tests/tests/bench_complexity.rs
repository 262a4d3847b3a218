//! Complexity claims checked with instruction counts: `cargo lumen-bench` fits benchmark families (one
//! benchmark at several sizes) with real valgrind and the real gungraun runner, on the `bench-complexity`
//! fixture: `linear` (benchmarks `algo::sum_to`, whose doc comment claims O(n)), `quadratic` (claimed O(n) by
//! `expect` in lumen-gate.toml), `sort` (n log n), `lookup` (constant) and `few` (3 sizes).
//! Needs valgrind and gungraun-runner 0.20.0 (`bash scripts/install-tools.sh` installs both).

use lumen_gate_tests::{
    TempProject, bench_target_dir, require_bench_tools, run, take_bench_turn, tool,
};
use std::io::Write;

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

fn family<'r>(report: &'r Value, name: &str) -> &'r Value {
    report["complexity"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["family"] == name)
        .unwrap_or_else(|| panic!("no family {name}: {report:#}"))
}

fn findings<'r>(report: &'r Value, rule: &str) -> Vec<&'r Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == rule)
        .collect()
}

/// The line of `needle` in the project's `file` (1-based).
fn line_of(p: &TempProject, file: &str, needle: &str) -> u64 {
    p.read(file)
        .lines()
        .position(|l| l.contains(needle))
        .map(|i| i as u64 + 1)
        .unwrap_or_else(|| panic!("{file} has no `{needle}`"))
}

/// Prints each family's classes and RMS, and the complexity findings, for the record (`--nocapture`).
fn print_fits(report: &Value) {
    for f in report["findings"].as_array().unwrap() {
        if f["kind"] == "bench::complexity" {
            let _ = writeln!(
                std::io::stderr(),
                "{} [{}] {}",
                f["severity"].as_str().unwrap_or_default(),
                f["rule_id"].as_str().unwrap_or_default(),
                f["message"].as_str().unwrap_or_default()
            );
        }
    }
    for f in report["complexity"].as_array().unwrap() {
        let side = |s: &Value| {
            format!(
                "{} (RMS {})",
                s["class"].as_str().unwrap_or("too small"),
                s["rms_pct"]
                    .as_f64()
                    .map_or("-".to_owned(), |r| format!("{r:.2}%"))
            )
        };
        let base = if f["base"].is_null() {
            String::new()
        } else {
            format!("base {}, ", side(&f["base"]))
        };
        // Through the writer: the print macros are not allowed (clippy.toml).
        let _ = writeln!(
            std::io::stderr(),
            "family {}: claimed {}, {base}HEAD {}",
            f["family"],
            f["claimed"].as_str().unwrap_or("-"),
            side(&f["head"])
        );
    }
}

#[test]
fn families_are_fitted_and_a_broken_claim_is_critical_with_a_plot() {
    let _turn = take_bench_turn();
    let p = TempProject::new("bench-complexity");
    let (code, r, stderr) = bench(&p, &[]);
    print_fits(&r);
    assert_eq!(code, 1, "a claim the code breaks blocks: {stderr}\n{r:#}");

    let linear = family(&r, "algo::families::linear");
    assert_eq!(linear["head"]["class"], "O(n)", "{linear:#}");
    assert_eq!(linear["claimed"], "O(n)");
    assert_eq!(linear["claim_source"], "doc-comment");
    assert_eq!(
        linear["location"]["file"], "algo/src/lib.rs",
        "the claim's place: the benchmarked fn"
    );
    assert_eq!(
        linear["location"]["line"],
        line_of(&p, "algo/src/lib.rs", "pub fn sum_to")
    );
    assert!(linear["plot"].is_null(), "a passing family has no plot");
    assert_eq!(linear["head"]["classes"].as_array().unwrap().len(), 6);

    let quadratic = family(&r, "algo::families::quadratic");
    assert_eq!(quadratic["head"]["class"], "O(n^2)", "{quadratic:#}");
    assert_eq!(quadratic["claim_source"], "config");
    let claims = findings(&r, "complexity-claim");
    assert_eq!(claims.len(), 1, "{claims:#?}");
    let claim = claims[0];
    assert_eq!(claim["severity"], "CRITICAL");
    let message = claim["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "algo::families::quadratic: claimed O(n), measures O(n^2): 16 -> 256 grows "
        ) && message.contains("x, RMS "),
        "{message}"
    );
    assert_eq!(
        claim["location"]["file"], "algo/src/lib.rs",
        "at the benchmarked fn (the benchmark function's callee)"
    );
    assert_eq!(
        claim["location"]["line"],
        line_of(&p, "algo/src/lib.rs", "pub fn count_pairs")
    );
    let plot = quadratic["plot"].as_str().expect("a failing family's plot");
    assert!(
        plot.ends_with("profiles/algo-families-quadratic.complexity.svg"),
        "{plot}"
    );
    let svg = std::fs::read_to_string(plot).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("O(n^2)"), "{svg}");

    let sort = family(&r, "algo::families::sort");
    assert_eq!(sort["head"]["class"], "O(n log n)", "{sort:#}");
    let lookup = family(&r, "algo::families::lookup");
    assert_eq!(lookup["head"]["class"], "O(1)", "{lookup:#}");
    let mut classes: Vec<&str> = findings(&r, "complexity-class")
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    classes.sort();
    assert_eq!(classes.len(), 2, "{classes:?}");
    assert!(
        classes[0].starts_with("algo::families::lookup measures O(1): 16 -> 65,536 grows 1.0x")
            && classes[1].starts_with("algo::families::sort measures O(n log n): 64 -> 16,384"),
        "{classes:?}"
    );

    let few = family(&r, "algo::families::few");
    assert!(few["head"]["class"].is_null(), "{few:#}");
    let small = findings(&r, "complexity-too-small");
    assert_eq!(small.len(), 1);
    assert_eq!(small[0]["severity"], "INFO");
    assert!(
        small[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("algo::families::few: too small to judge: 3 distinct size(s)"),
        "{:#}",
        small[0]
    );
    let rules: Vec<&str> = r["rules_checked"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert!(rules.contains(&"complexity-claim"), "{rules:?}");
    assert!(!rules.contains(&"complexity-growth"), "no base: {rules:?}");
}

#[test]
fn a_head_that_turns_a_linear_fn_quadratic_is_one_critical_class_change() {
    let _turn = take_bench_turn();
    let p = TempProject::new("bench-complexity");
    let base = p.base_then_change(
        "algo/src/lib.rs",
        "    for i in 0..n {\n        total = black_box(total.wrapping_add(i));\n    }\n",
        "    for i in 0..n {\n        for j in 0..n {\n            total = black_box(total.wrapping_add(i ^ j));\n        }\n    }\n",
        "sum_to: a pair loop",
    );
    let (code, r, stderr) = bench(&p, &["--base", &base]);
    print_fits(&r);
    assert_eq!(code, 1, "{stderr}\n{r:#}");
    let linear = family(&r, "algo::families::linear");
    assert_eq!(linear["base"]["class"], "O(n)", "{linear:#}");
    assert_eq!(linear["head"]["class"], "O(n^2)", "{linear:#}");
    let growth = findings(&r, "complexity-growth");
    assert_eq!(
        growth.len(),
        1,
        "one finding for the class change: {growth:#?}"
    );
    let g = growth[0];
    assert_eq!(g["severity"], "CRITICAL");
    let message = g["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "algo::families::linear: O(n) at base, O(n^2) at HEAD: at n = 4,096,000 that is ~"
        ) && message.ends_with("x the base's work (claimed O(n))"),
        "{message}"
    );
    assert_eq!(
        r["findings"][0]["rule_id"], "complexity-growth",
        "ranked above the per-size regressions it explains: {:#}",
        r["findings"]
    );
    let per_size = findings(&r, "ir-regression");
    assert!(
        per_size
            .iter()
            .any(|f| f["benchmark"] == "algo::families::linear.n_4"),
        "{per_size:#?}"
    );
    assert!(
        findings(&r, "complexity-claim")
            .iter()
            .all(|f| f["baseline"] == "pre-existing"),
        "the quadratic family broke its claim at the base too"
    );
    assert!(
        family(&r, "algo::families::linear")["plot"]
            .as_str()
            .is_some_and(|p| std::path::Path::new(p).is_file())
    );
}
