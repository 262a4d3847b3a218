//! Attribution of benchmark changes to the functions that caused them, end to end with real valgrind, the
//! real gungraun and iai-callgrind runners, and git: `sum_to` calls `a`, which calls `b`, which calls `c`,
//! and only `c` changes. Needs valgrind, gungraun-runner 0.20.0 and iai-callgrind-runner 0.16.1
//! (`bash scripts/install-tools.sh`).

use lumen_gate_tests::{
    Run, TempProject, bench_target_dir, require_bench_tools, run, take_bench_turn, tool,
};
use serde_json::Value;

const BENCH: &str = env!("CARGO_BIN_EXE_lumen-bench-dup");
const GATE: &str = env!("CARGO_BIN_EXE_lumen-gate-dup");

/// The fixtures' `calc` with `sum_to` going through a chain of calls that are never inlined.
const CHAIN: &str = "//! Arithmetic to benchmark.
use std::hint::black_box;

/// Sums 0..n through a chain of calls.
pub fn sum_to(n: u64) -> u64 {
    a(n)
}

#[inline(never)]
fn a(n: u64) -> u64 {
    b(n) + 1
}

#[inline(never)]
fn b(n: u64) -> u64 {
    c(n) + 1
}

#[inline(never)]
fn c(n: u64) -> u64 {
    let mut total = 0u64;
    for i in 0..n {
        total = black_box(total.wrapping_add(i));
    }
    total
}

/// Multiplies by repeated addition.
pub fn times(a: u64, b: u64) -> u64 {
    let mut total = 0u64;
    for _ in 0..b {
        total = black_box(total.wrapping_add(a));
    }
    total
}
";

/// The line of `fn c` in [`CHAIN`].
const C_LINE: u64 = 20;

const FAST_C: &str = "        total = black_box(total.wrapping_add(i));\n";
const SLOW_C: &str = "        total = black_box(total.wrapping_add(i));\n        total = black_box(total ^ 1) ^ 1;\n";

/// A copy of `fixture` whose base has `c` as `base_c` and whose HEAD has it as `head_c`; returns the
/// project and the base commit.
fn chain_repo(fixture: &str, base_c: &str, head_c: &str) -> (TempProject, String) {
    let p = TempProject::new(fixture);
    p.write("calc/src/lib.rs", &CHAIN.replacen(FAST_C, base_c, 1));
    let base = p.base_then_change("calc/src/lib.rs", base_c, head_c, "change c");
    (p, base)
}

fn bench(p: &TempProject, args: &[&str]) -> Run {
    require_bench_tools();
    run(tool(BENCH)
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

/// The flamegraph's text, checked to be well-formed XML with an `<svg>` root; the texts of its elements.
fn flamegraph_texts(p: &TempProject, shown: &str) -> Vec<String> {
    let path = if std::path::Path::new(shown).is_absolute() {
        std::path::PathBuf::from(shown)
    } else {
        p.root().join(shown)
    };
    let svg = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("no flamegraph at {}: {e}", path.display()));
    let mut reader = quick_xml::Reader::from_str(&svg);
    reader.config_mut().check_end_names = true;
    let (mut depth, mut roots, mut texts) = (0i32, 0, Vec::new());
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Start(e) => {
                if depth == 0 {
                    roots += 1;
                    assert_eq!(e.name().as_ref(), b"svg");
                }
                depth += 1;
            }
            quick_xml::events::Event::End(_) => depth -= 1,
            quick_xml::events::Event::Text(t) => texts.push(t.decode().unwrap().into_owned()),
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!((depth, roots), (0, 1), "{}", path.display());
    texts
}

/// The regression of `sum.hundred` is at `c`'s line, its impact names `c` and its share, the JSON lists `c`
/// first, and the flamegraph names it.
fn assert_c_is_the_culprit(p: &TempProject, r: &Value, sign: &str) {
    let sum = benchmark(r, "calc::arithmetic::sum.hundred");
    let a = &sum["attribution"];
    assert_eq!(a["culprit"]["function"], "calc::c", "{a:#}");
    assert_eq!(a["culprit"]["location"]["file"], "calc/src/lib.rs");
    assert_eq!(a["culprit"]["location"]["line"], C_LINE);
    assert_eq!(a["functions"][0]["function"], "calc::c", "{a:#}");
    assert_eq!(a["line_info"], true);
    let share = a["culprit"]["share_pct"].as_f64().unwrap();
    assert!(share > 95.0 && share <= 100.0, "{share}");
    let finding = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["benchmark"] == "calc::arithmetic::sum.hundred")
        .unwrap_or_else(|| panic!("no finding for sum.hundred: {r:#}"));
    assert_eq!(
        finding["location"]["file"], "calc/src/lib.rs",
        "{finding:#}"
    );
    assert_eq!(finding["location"]["line"], C_LINE, "{finding:#}");
    let impact = finding["impact"].as_str().unwrap();
    assert!(
        impact.starts_with(sign)
            && impact.contains(" Ir in `calc::c` (calc/src/lib.rs:20), ")
            && impact.ends_with("% of the change"),
        "{impact}"
    );
    let svg = sum["flamegraph"].as_str().unwrap();
    assert!(
        finding["help"].as_str().unwrap().contains(svg),
        "{finding:#}"
    );
    let texts = flamegraph_texts(p, svg);
    assert!(
        texts.iter().any(|t| t.starts_with("calc::c (")),
        "no frame of calc::c in {texts:?}"
    );
    // The unchanged benchmark is neither attributed nor drawn.
    let times = benchmark(r, "calc::arithmetic::times.small");
    assert!(times.get("attribution").is_none() && times.get("flamegraph").is_none());
}

#[test]
fn a_regression_is_located_at_the_function_that_got_slower_gungraun() {
    let _turn = take_bench_turn();
    let (p, base) = chain_repo("bench-gungraun", FAST_C, SLOW_C);
    let r = bench(&p, &["--format", "json", "-q", "--base", &base]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let json = json_of(&r);
    assert_eq!(
        benchmark(&json, "calc::arithmetic::sum.hundred")["status"],
        "regressed"
    );
    assert_c_is_the_culprit(&p, &json, "+");

    // -v lists the functions under the benchmark's row; the flamegraph is named.
    let human = bench(&p, &["-v", "--base", &base]);
    assert_eq!(human.code, 1, "{}", human.stderr);
    assert!(
        human.stdout.contains(
            "|   calc::c (calc/src/lib.rs:20) | 408 Ir | 1,108 Ir | self +700, incl. +700 |"
        ),
        "{}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .contains("flamegraph of calc::arithmetic::sum.hundred: "),
        "{}",
        human.stdout
    );

    // --profile: a flamegraph of every benchmark, the unchanged one too.
    let all = json_of(&bench(
        &p,
        &["--format", "json", "-q", "--base", &base, "--profile"],
    ));
    let times = benchmark(&all, "calc::arithmetic::times.small");
    assert!(times.get("attribution").is_none(), "{times:#}");
    let texts = flamegraph_texts(&p, times["flamegraph"].as_str().unwrap());
    // `times` is inlined into the benchmark's wrapper function.
    assert!(
        texts.iter().any(|t| t.starts_with("calc::times::")),
        "{texts:?}"
    );

    // The review: the attribution collapsed under the benchmark's row.
    let md = run(tool(GATE)
        .args([
            "-q", "--only", "bench", "--format", "markdown", "--base", &base,
        ])
        .arg("--manifest-path")
        .arg(p.manifest())
        .env("CARGO_TARGET_DIR", bench_target_dir()));
    assert_eq!(md.code, 1, "{}", md.stderr);
    assert!(
        md.stdout.contains(
            "\n| <details><summary>where: +700 Ir in `calc::c` (calc/src/lib.rs:20), 100.0% of the change</summary>`calc::c (calc/src/lib.rs:20)`: 408 Ir -&gt; 1,108 Ir (self +700, incl. +700)<br>"
        ),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout
            .contains("-- calc/src/lib.rs:20 -- +700 Ir in `calc::c` (calc/src/lib.rs:20), 100.0% of the change"),
        "{}",
        md.stdout
    );
}

#[test]
fn a_regression_is_located_at_the_function_that_got_slower_iai_callgrind() {
    let _turn = take_bench_turn();
    let (p, base) = chain_repo("bench-iai", FAST_C, SLOW_C);
    let r = bench(&p, &["--format", "json", "-q", "--base", &base]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let json = json_of(&r);
    assert_eq!(
        benchmark(&json, "calc::arithmetic::sum.hundred")["runner"],
        "iai-callgrind"
    );
    assert_c_is_the_culprit(&p, &json, "+");
}

#[test]
fn an_improvement_is_credited_to_the_function_that_got_faster() {
    let _turn = take_bench_turn();
    let (p, base) = chain_repo("bench-gungraun", SLOW_C, FAST_C);
    let r = bench(&p, &["--format", "json", "-q", "--base", &base]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let json = json_of(&r);
    let sum = benchmark(&json, "calc::arithmetic::sum.hundred");
    assert_eq!(sum["status"], "improved");
    assert_c_is_the_culprit(&p, &json, "-");
    let finding = &json["findings"][0];
    assert_eq!(
        (finding["kind"].as_str(), finding["severity"].as_str()),
        (Some("bench::improvement"), Some("INFO"))
    );
}

#[test]
fn without_line_information_functions_are_named_and_the_note_says_why() {
    let _turn = take_bench_turn();
    let (p, base) = chain_repo("bench-gungraun", FAST_C, SLOW_C);
    // Debug info is stripped again after the build: no files and lines in the profiles.
    p.write(
        "Cargo.toml",
        &(p.read("Cargo.toml") + "\n[profile.bench]\nstrip = \"debuginfo\"\n"),
    );
    p.commit_all("strip the bench profile");
    let r = bench(&p, &["--format", "json", "-q", "--base", &base]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let json = json_of(&r);
    let a = &benchmark(&json, "calc::arithmetic::sum.hundred")["attribution"];
    assert_eq!(a["line_info"], false, "{a:#}");
    assert_eq!(a["culprit"]["function"], "calc::c", "{a:#}");
    assert!(a["culprit"].get("location").is_none(), "{a:#}");
    let note = a["note"].as_str().unwrap();
    assert!(
        note.contains("no line information") && note.contains("strip"),
        "{note}"
    );
    // The finding stays at the bench file, with the named function as its impact.
    let finding = &json["findings"][0];
    assert_eq!(finding["location"]["file"], "calc/benches/calc.rs");
    assert!(
        finding["impact"]
            .as_str()
            .unwrap()
            .starts_with("+700 Ir in `calc::c`, "),
        "{finding:#}"
    );
}

/// The `bench-command` fixture with `lumen-gate.toml` declaring `commands`, committed as the base, then
/// `tool`'s `work` given `head_work` as its loop body; returns the project and the base commit.
fn command_repo(commands: &str, head_work: &str) -> (TempProject, String) {
    let p = TempProject::new("bench-command");
    p.write("lumen-gate.toml", commands);
    let base = p.base_then_change("tool/src/main.rs", FAST_C, head_work, "change work");
    (p, base)
}

const SUM_COMMAND: &str = "[[bench.command]]
name = \"sum\"
build = [\"--release\", \"-p\", \"tool\", \"--bin\", \"tool\"]
run = [\"{bin:tool}\"]
stdin = \"tool/input.txt\"
";

/// The line of `fn work` in the `bench-command` fixture's `tool/src/main.rs`.
const WORK_LINE: u64 = 23;

#[test]
fn a_command_whose_work_grows_is_a_regression_at_the_binarys_own_function() {
    let _turn = take_bench_turn();
    let (p, base) = command_repo(SUM_COMMAND, SLOW_C);
    let r = bench(
        &p,
        &[
            "--format",
            "json",
            "-q",
            "--base",
            &base,
            "--check-determinism",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let json = json_of(&r);
    let sum = benchmark(&json, "sum");
    assert_eq!(
        (sum["runner"].as_str(), sum["status"].as_str()),
        (Some("command"), Some("regressed")),
        "{sum:#}"
    );
    // 20,000 iterations (tool/input.txt) of 7 more instructions, give or take the few dozen instructions
    // by which process start-up differs between the two revisions' directories.
    let (before, after) = (
        sum["primary"]["before"].as_f64().unwrap(),
        sum["primary"]["after"].as_f64().unwrap(),
    );
    assert!((after - before - 140_000.0).abs() < 1_000.0, "{sum:#}");
    let a = &sum["attribution"];
    assert_eq!(a["culprit"]["function"], "tool::work", "{a:#}");
    assert_eq!(a["functions"][0]["function"], "tool::work", "{a:#}");
    assert_eq!(a["culprit"]["location"]["file"], "tool/src/main.rs");
    assert_eq!(a["culprit"]["location"]["line"], WORK_LINE);
    let findings = json["findings"].as_array().unwrap();
    // The same binary at the same path measures the same twice: no finding of nondeterminism.
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let finding = &findings[0];
    assert_eq!(finding["kind"], "bench::regression");
    assert_eq!(
        (
            finding["location"]["file"].as_str(),
            finding["location"]["line"].as_u64()
        ),
        (Some("tool/src/main.rs"), Some(WORK_LINE)),
        "{finding:#}"
    );
    let impact = finding["impact"].as_str().unwrap();
    assert!(
        impact.starts_with('+') && impact.contains(" Ir in `tool::work` (tool/src/main.rs:23), "),
        "{impact}"
    );
    let texts = flamegraph_texts(&p, sum["flamegraph"].as_str().unwrap());
    assert!(
        texts.iter().any(|t| t.starts_with("tool::work (")),
        "no frame of tool::work in {texts:?}"
    );
}

#[test]
fn check_determinism_catches_a_command_whose_count_moves() {
    let _turn = take_bench_turn();
    let p = TempProject::new("bench-command");
    p.write(
        "lumen-gate.toml",
        &format!(
            "{SUM_COMMAND}\n[[bench.command]]\nname = \"clock\"\nbuild = [\"--release\", \"-p\", \"tool\"]\nrun = [\"{{bin:tool}}\", \"clock\"]\n"
        ),
    );
    let r = bench(&p, &["--format", "json", "-q", "--check-determinism"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let json = json_of(&r);
    let flagged: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "bench::nondeterministic")
        .map(|f| f["benchmark"].as_str().unwrap())
        .collect();
    assert_eq!(flagged, ["clock"], "{json:#}");
}

#[test]
fn a_failing_command_is_exit_2_with_its_command_line_and_stderr() {
    let _turn = take_bench_turn();
    let p = TempProject::new("bench-command");
    p.write(
        "lumen-gate.toml",
        "[[bench.command]]\nname = \"failing\"\nbuild = [\"--release\", \"-p\", \"tool\"]\nrun = [\"{bin:tool}\", \"fail\"]\n",
    );
    let r = bench(&p, &["-q"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let said = unwrapped(&r.stderr);
    for part in [
        "command benchmark `failing` failed at HEAD (exit status 3): `valgrind --tool=callgrind ",
        // Each benchmark's binaries have a slot of their own: `command-bin/<slot>/tool`.
        "/command-bin/",
        "/tool fail`",
        "tool: asked to fail",
    ] {
        assert!(
            said.contains(&unwrapped(part)),
            "no `{part}` in {}",
            r.stderr
        );
    }
}

#[test]
fn a_bin_placeholder_naming_no_binary_is_a_config_error_at_its_key() {
    let p = TempProject::new("bench-command");
    p.write(
        "lumen-gate.toml",
        "[[bench.command]]\nname = \"typo\"\nrun = [\"{bin:tol}\", \"x\"]\n",
    );
    let r = bench(&p, &["-q"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let said = unwrapped(&r.stderr);
    for part in [
        "`{bin:tol}` in command benchmark `typo` names no binary of the workspace",
        "lumen-gate.toml:3:8",
        "no such binary",
        "the workspace's binaries: tool",
    ] {
        assert!(
            said.contains(&unwrapped(part)),
            "no `{part}` in {}",
            r.stderr
        );
    }
}

/// `text` without whitespace and miette's margin: its diagnostics wrap long lines anywhere.
fn unwrapped(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '│')
        .collect()
}

/// `sum` at four sizes (`{n}` its argument), claimed O(1) by a `[[bench.complexity]]` entry.
const SIZED_COMMAND: &str = "[[bench.command]]
name = \"sum\"
build = [\"--release\", \"-p\", \"tool\", \"--bin\", \"tool\"]
run = [\"{bin:tool}\", \"{n}\"]
sizes = [10000, 40000, 160000, 640000]

[[bench.complexity]]
benchmarks = \"sum.*\"
expect = \"1\"
";

#[test]
fn a_command_with_sizes_is_a_complexity_family_checked_against_its_claim() {
    let _turn = take_bench_turn();
    let p = TempProject::new("bench-command");
    p.write("lumen-gate.toml", SIZED_COMMAND);
    let r = bench(&p, &["--format", "json", "-q"]);
    assert_eq!(r.code, 1, "O(n) against a claim of O(1): {}", r.stderr);
    let json = json_of(&r);
    // One benchmark per size, the size its id.
    let mut irs = Vec::new();
    for n in [10000, 40000, 160000, 640000] {
        let b = benchmark(&json, &format!("sum.{n}"));
        assert_eq!(b["runner"], "command", "{b:#}");
        irs.push(b["primary"]["after"].as_f64().unwrap());
    }
    assert!(irs.windows(2).all(|w| w[0] < w[1]), "{irs:?}");
    let families = json["complexity"].as_array().unwrap();
    assert_eq!(families.len(), 1, "{families:#?}");
    let family = &families[0];
    assert_eq!(family["family"], "sum", "{family:#}");
    assert_eq!(family["head"]["class"], "O(n)", "{family:#}");
    assert_eq!(
        (family["claimed"].as_str(), family["claim_source"].as_str()),
        (Some("O(1)"), Some("config"))
    );
    // Where the command is declared: its entry's `name`.
    assert_eq!(family["location"]["file"], "lumen-gate.toml");
    assert_eq!(family["location"]["line"], 2);
    let claim: Vec<&Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "complexity-claim")
        .collect();
    assert_eq!(claim.len(), 1, "{json:#}");
    assert_eq!(claim[0]["severity"], "CRITICAL");
    assert_eq!(claim[0]["location"]["file"], "lumen-gate.toml");
}

#[test]
fn sizes_and_the_size_placeholder_come_together() {
    let p = TempProject::new("bench-command");
    for (config, parts) in [
        (
            "[[bench.command]]\nname = \"sum\"\nrun = [\"{bin:tool}\", \"{n}\"]\n",
            &[
                "command benchmark `sum` uses `{n}` but gives no sizes",
                "lumen-gate.toml:3:7",
            ][..],
        ),
        (
            "[[bench.command]]\nname = \"sum\"\nrun = [\"{bin:tool}\"]\nsizes = [10, 100]\n",
            &[
                "command benchmark `sum`: no `{n}` in `run` or `stdin`",
                "lumen-gate.toml:4:9",
            ][..],
        ),
        (
            "[[bench.command]]\nname = \"s.um\"\nrun = [\"{bin:tool}\", \"{n}\"]\nsizes = [10, 10, 0]\n",
            &[
                "command benchmark `s.um`: sizes must be at least 1",
                "command benchmark `s.um`: a size is given twice",
                "needs a name without `.`",
            ][..],
        ),
    ] {
        p.write("lumen-gate.toml", config);
        let r = bench(&p, &["-q"]);
        assert_eq!(r.code, 2, "{config}: {}", r.stderr);
        let said = unwrapped(&r.stderr);
        for part in parts {
            assert!(
                said.contains(&unwrapped(part)),
                "{config}: no `{part}` in {}",
                r.stderr
            );
        }
    }
}
