//! `cargo lumen-bench` options beyond the base flow, end to end with real valgrind, runners, criterion and
//! git: `--partition` (and the gate merging the slices), the time limit, a base that does not build,
//! `--install-runner`, and `--criterion`.

use std::path::Path;

use lumen_gate_tests::{
    HANGING_BUILD_SCRIPT, Run, TempProject, bench_target_dir, is_running, require_bench_tools, run,
    take_bench_turn, tool, toolchain_bin,
};
use serde_json::Value;

const BENCH: &str = env!("CARGO_BIN_EXE_lumen-bench-dup");
const GATE: &str = env!("CARGO_BIN_EXE_lumen-gate-dup");

fn bench_in(p: &TempProject, target_dir: &Path, args: &[&str]) -> Run {
    require_bench_tools();
    run(tool(BENCH)
        .args(["--format", "json", "--manifest-path"])
        .arg(p.manifest())
        .args(args)
        .env("CARGO_TARGET_DIR", target_dir))
}

fn bench(p: &TempProject, args: &[&str]) -> Run {
    bench_in(p, &bench_target_dir(), args)
}

fn names(r: &Value) -> Vec<String> {
    r["benchmarks"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|b| b["name"].as_str().unwrap().to_owned())
        .collect()
}

/// The gungraun fixture with a second bench target, `more`, and a slower `sum_to` at HEAD.
fn two_targets_slower_head() -> (TempProject, String) {
    let p = TempProject::new("bench-gungraun");
    let manifest = p.read("calc/Cargo.toml");
    p.write(
        "calc/Cargo.toml",
        &format!("{manifest}\n[[bench]]\nname = \"more\"\nharness = false\n"),
    );
    p.write(
        "calc/benches/more.rs",
        &p.read("calc/benches/calc.rs")
            .replace("name = arithmetic", "name = again")
            .replace("groups = arithmetic", "groups = again"),
    );
    let base = p.base_then_change(
        "calc/src/lib.rs",
        "        total = black_box(total.wrapping_add(i));\n",
        "        total = black_box(total.wrapping_add(i));\n        total = black_box(total ^ 1) ^ 1;\n",
        "slower sum_to",
    );
    (p, base)
}

#[test]
fn partitions_split_the_targets_and_the_gate_merges_the_slices() {
    let _turn = take_bench_turn();
    let (p, base) = two_targets_slower_head();
    let list = |slice: &str| {
        let out = tool(BENCH)
            .args(["--list", "--partition", slice, "--manifest-path"])
            .arg(p.manifest())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(
        list("1/2"),
        "calc/calc (gungraun 0.20.0) calc/benches/calc.rs\n"
    );
    assert_eq!(
        list("2/2"),
        "calc/more (gungraun 0.20.0) calc/benches/more.rs\n"
    );

    let first = p.root().join("slice-1.json");
    let second = p.root().join("slice-2.json");
    for (slice, file) in [("1/2", &first), ("2/2", &second)] {
        let r = bench(
            &p,
            &[
                "--base",
                &base,
                "--partition",
                slice,
                "--output",
                file.to_str().unwrap(),
            ],
        );
        assert_eq!(r.code, 1, "{}\n{:#}", r.stderr, r.json());
        // Lines, not a bar, when stderr is not a terminal: one per phase of each run.
        for line in [
            format!("bench: build base {base}: calc/"),
            format!("bench: run base {base}: calc/"),
            "bench: build HEAD: calc/".to_owned(),
            "bench: run HEAD: calc/".to_owned(),
        ] {
            assert!(r.stderr.contains(&line), "no `{line}` in\n{}", r.stderr);
        }
    }
    let one: Value = serde_json::from_str(&std::fs::read_to_string(&first).unwrap()).unwrap();
    let two: Value = serde_json::from_str(&std::fs::read_to_string(&second).unwrap()).unwrap();
    assert_eq!(
        names(&one),
        [
            "calc::arithmetic::sum.hundred",
            "calc::arithmetic::times.small"
        ]
    );
    assert_eq!(
        names(&two),
        ["more::again::sum.hundred", "more::again::times.small"]
    );

    let out = tool(GATE)
        .args(["--format", "markdown", "--only", "bench", "--manifest-path"])
        .arg(p.manifest())
        .arg("--report")
        .arg(&first)
        .arg("--report")
        .arg(&second)
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{md}");
    for row in [
        "| calc::arithmetic::sum.hundred |",
        "| calc::arithmetic::times.small |",
        "| more::again::sum.hundred |",
        "| more::again::times.small |",
    ] {
        assert_eq!(md.matches(row).count(), 1, "{row} once in\n{md}");
    }
    assert!(md.contains("CHANGES REQUESTED"), "{md}");
}

#[test]
fn a_bench_past_the_time_limit_is_stopped_with_its_process_group_and_named() {
    let _turn = take_bench_turn();
    let p = TempProject::new("bench-gungraun");
    // A build script that hangs once `hang-now` exists: the limit covers the build as well as the run.
    p.write("calc/build.rs", HANGING_BUILD_SCRIPT);
    p.write("lumen-gate.toml", "[bench]\ntimeout-secs = 1200\n");
    // Everything built first, under the configured limit, so the limited run below only reruns the script.
    let built = bench(&p, &["-q"]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    p.write("hang-now", "");
    let started = std::time::Instant::now();
    let r = bench(&p, &["--timeout", "10"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(300),
        "the --timeout flag beats timeout-secs"
    );
    assert!(
        r.stderr
            .contains("benchmark `calc/calc` at HEAD did not finish within 10 s and was stopped"),
        "{}",
        r.stderr
    );
    // This project's log: cargo's "Compiling calc v0.1.0 (<root>/calc)" names its root.
    let root = p.root().display().to_string();
    let logs: Vec<_> = std::fs::read_dir(bench_target_dir().join("lumen-gate"))
        .unwrap()
        .map(|ws| ws.unwrap().path().join("bench-logs/calc-calc-head.log"))
        .filter(|log| std::fs::read_to_string(log).is_ok_and(|text| text.contains(&root)))
        .collect();
    assert_eq!(logs.len(), 1, "{logs:?}");
    let log = &logs[0];
    // miette wraps long lines, with a border: join them back.
    let unwrapped: String = r.stderr.split_whitespace().filter(|w| *w != "│").collect();
    assert!(
        unwrapped.contains(&format!("itslogis{}", log.display())),
        "the error names the log {}: {}",
        log.display(),
        r.stderr
    );
    let pid = p.read("hang.pid");
    // A killed process may linger a moment as a zombie until its new parent reaps it.
    let gone = (0..50).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        !is_running(pid.trim())
    });
    assert!(gone, "the hanging build script {pid} was left running");
}

#[test]
fn a_benchmark_that_crashes_is_exit_2_named_with_its_log() {
    let _turn = take_bench_turn();
    let p = TempProject::new("bench-gungraun");
    let src = p.read("calc/benches/calc.rs");
    p.write(
        "calc/benches/calc.rs",
        &src.replace(
            "fn sum(n: u64) -> u64 {\n",
            "fn sum(n: u64) -> u64 {\n    assert!(n != 100, \"a benchmark that crashes\");\n",
        ),
    );
    let r = bench(&p, &["-q"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let unwrapped: String = r.stderr.split_whitespace().filter(|w| *w != "│").collect();
    assert!(
        unwrapped.contains("benchmark`calc/calc`failedatHEAD;itslogis"),
        "{}",
        r.stderr
    );
    let log_path: String = unwrapped
        .split("itslogis")
        .nth(1)
        .unwrap()
        .split(".log")
        .next()
        .unwrap()
        .to_owned()
        + ".log";
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(log.contains("a benchmark that crashes"), "{log}");
}

#[test]
fn a_base_that_does_not_build_is_exit_2_naming_the_revision() {
    let p = TempProject::new("bench-gungraun");
    let lib = p.read("calc/src/lib.rs");
    p.write("calc/src/lib.rs", &format!("{lib}\npub fn broken( {{\n"));
    p.git_init();
    let base = p.git(&["rev-parse", "HEAD"]).trim().to_owned();
    p.write("calc/src/lib.rs", &lib);
    p.commit_all("fix the build");
    let own_target = p.root().join("target");
    let r = bench_in(&p, &own_target, &["--base", &base]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "benchmark `calc/calc` does not build at base {base}"
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("cargo bench --no-run -p calc --bench calc"),
        "{}",
        r.stderr
    );
}

#[test]
fn install_runner_installs_the_matching_runner_into_the_cache_and_uses_it() {
    let _turn = take_bench_turn();
    let p = TempProject::new("bench-gungraun");
    // A real runner of the wrong version first on PATH: iai-callgrind-runner 0.16.1 under gungraun's name.
    let wrong = p.root().join("wrong-bin");
    std::fs::create_dir_all(&wrong).unwrap();
    let iai = which("iai-callgrind-runner");
    std::os::unix::fs::symlink(iai, wrong.join("gungraun-runner")).unwrap();
    let path = format!("{}:{}", wrong.display(), std::env::var("PATH").unwrap());
    let cache = p.root().join("cache");
    let install = |extra: &[&str]| {
        run(tool(BENCH)
            .args(["--format", "json", "-q", "--manifest-path"])
            .arg(p.manifest())
            .args(extra)
            .env("PATH", &path)
            .env("LUMEN_GATE_CACHE_DIR", &cache)
            // cargo install builds there too, so a second run of this test builds incrementally
            .env("CARGO_TARGET_DIR", bench_target_dir()))
    };
    let Run { code, stderr, .. } = install(&[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("gungraun-runner 0.16.1 is installed, but calc uses gungraun 0.20.0"),
        "{stderr}"
    );
    assert!(stderr.contains("--install-runner"), "{stderr}");

    let Run {
        code,
        stdout,
        stderr,
    } = install(&["--install-runner"]);
    assert_eq!(code, 0, "{stderr}");
    let installed = cache.join("runners/gungraun-runner-0.20.0/bin/gungraun-runner");
    let says = std::process::Command::new(&installed)
        .arg("--version")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&says.stdout).contains("0.20.0"));
    let r: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(names(&r).len(), 2, "{r:#}");

    // Installed once: the next run uses the cache without the flag.
    let Run { code, stderr, .. } = install(&[]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn missing_valgrind_is_exit_2_with_how_to_install_it() {
    let p = TempProject::new("bench-gungraun");
    // Only the toolchain's own directory on PATH (the real cargo and rustc, no rustup proxy, which
    // needs its CARGO_HOME): cargo metadata runs, valgrind is not found.
    let bin = toolchain_bin();
    assert!(
        !bin.join("valgrind").exists(),
        "the toolchain directory has a valgrind"
    );
    let out = tool(BENCH)
        .args(["--manifest-path"])
        .arg(p.manifest())
        .env("PATH", &bin)
        .env("CARGO", bin.join("cargo"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("valgrind is not installed"), "{stderr}");
    assert!(stderr.contains("apt-get install valgrind"), "{stderr}");
}

fn which(program: &str) -> std::path::PathBuf {
    std::env::split_paths(&std::env::var_os("PATH").unwrap())
        .map(|d| d.join(program))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{program} is needed: bash scripts/install-tools.sh installs it"))
}

#[test]
fn criterion_reports_a_significant_slowdown_with_its_interval_and_gates_only_when_configured() {
    let _turn = take_bench_turn();
    let p = TempProject::new("bench-criterion");
    let base = p.base_then_change(
        "calc/src/lib.rs",
        "        total = black_box(total.wrapping_add(i));\n",
        "        for _ in 0..20 {\n            total = black_box(total.wrapping_add(i));\n        }\n",
        "twenty times the work in sum_to",
    );

    let without = bench(&p, &[]);
    assert_eq!(without.code, 0, "{}", without.stderr);
    assert_eq!(
        names(&without.json()).len(),
        0,
        "criterion runs only with --criterion"
    );
    assert!(
        without.json()["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("pass --criterion"),
        "{:#}",
        without.json()
    );

    let r = bench(&p, &["--criterion", "--base", &base]);
    assert_eq!(r.code, 0, "INFO by default: {}\n{:#}", r.stderr, r.json());
    let b = &r.json()["benchmarks"][0];
    assert_eq!(b["name"], "calc/timing/sum_to_2000");
    assert_eq!(b["metric"], "time_ns");
    assert_eq!(b["runner"], "criterion");
    assert_eq!(b["status"], "slower");
    let wall = &b["wall_clock"];
    assert_eq!(wall["significant"], true, "{b:#}");
    assert!(wall["lower_pct"].as_f64().unwrap() > 100.0, "{b:#}");
    assert!(b["primary"]["after"].as_f64() > b["primary"]["before"].as_f64());
    let f = &r.json()["findings"][0];
    assert_eq!(f["rule_id"], "wall-clock-regression");
    assert_eq!(f["severity"], "INFO");

    p.write(
        "lumen-gate.toml",
        "[bench.criterion]\nseverity = \"critical\"\n",
    );
    let gated = bench(&p, &["--criterion", "--base", &base, "-q"]);
    assert_eq!(gated.code, 1, "{}\n{:#}", gated.stderr, gated.json());
    assert_eq!(gated.json()["findings"][0]["severity"], "CRITICAL");
    assert_eq!(gated.json()["benchmarks"][0]["status"], "regressed");
}
