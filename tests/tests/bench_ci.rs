//! Benchmarks at CI scale, end to end with real cargo, git and valgrind: the base results cache (a second
//! run reuses the base with identical figures, a changed `Cargo.lock` measures it again), state cleaning,
//! heap figures under DHAT, workspaces that share `CARGO_TARGET_DIR`, and `kill -9` of the tool leaving
//! no child behind. Needs valgrind; the shared-target test also gungraun-runner 0.20.0
//! (`bash scripts/install-tools.sh`).

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lumen_gate_tests::{
    HANGING_BUILD_SCRIPT, Run, TempProject, bench_target_dir, is_running, run, take_bench_turn,
    tool,
};
use serde_json::Value;

const BENCH: &str = env!("CARGO_BIN_EXE_lumen-bench-dup");

/// `tool`'s loop body in the `bench-command` fixture.
const ONE_ADD: &str = "        total = black_box(total.wrapping_add(i));\n";
/// The same with a vector allocated per element.
const VEC_PER_ELEMENT: &str = "        let v: Vec<u64> = vec![i; 2];\n        total = black_box(total.wrapping_add(black_box(v)[0]));\n";
/// The same with more instructions per element.
const TWO_OPS: &str = "        total = black_box(total.wrapping_add(i));\n        total = black_box(total ^ 1) ^ 1;\n";

const SUM_COMMAND: &str = "[[bench.command]]
name = \"sum\"
build = [\"--release\", \"-p\", \"tool\", \"--bin\", \"tool\"]
run = [\"{bin:tool}\"]
stdin = \"tool/input.txt\"
";

fn require_valgrind() {
    let ok = Command::new("valgrind")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "valgrind is needed by the benchmark tests: apt-get install valgrind (or bash scripts/install-tools.sh)"
    );
}

/// valgrind and gungraun-runner 0.20.0, the bench-gungraun fixture's runner.
fn require_gungraun() {
    require_valgrind();
    let said = Command::new("gungraun-runner")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    assert!(
        said.is_ok_and(|text| text.contains("0.20.0")),
        "gungraun-runner 0.20.0 is needed: cargo install gungraun-runner --version 0.20.0 --locked (or bash scripts/install-tools.sh)"
    );
}

fn bench_cmd(p: &TempProject, target_dir: &Path) -> Command {
    let mut cmd = tool(BENCH);
    cmd.arg("--manifest-path")
        .arg(p.manifest())
        .env("CARGO_TARGET_DIR", target_dir);
    cmd
}

fn bench(p: &TempProject, args: &[&str]) -> Run {
    require_valgrind();
    run(bench_cmd(p, &bench_target_dir()).args(args))
}

fn json_of(r: &Run) -> Value {
    let v = r.json();
    assert!(!v.is_null(), "not JSON: {}\n{}", r.stdout, r.stderr);
    v
}

/// The figures a run reported: each benchmark's name, metric figures and status, and the findings.
fn figures(json: &Value) -> (Value, Value) {
    let benchmarks = json["benchmarks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            serde_json::json!({
                "name": b["name"], "primary": b["primary"], "other_metrics": b["other_metrics"],
                "status": b["status"],
            })
        })
        .collect();
    (benchmarks, json["findings"].clone()) // cloned: compared with the next run's
}

/// Replaces the first `from` of `tool/src/main.rs` with `to`.
fn edit_work(p: &TempProject, from: &str, to: &str) {
    let text = p.read("tool/src/main.rs");
    assert!(text.contains(from), "no `{from}` in tool/src/main.rs");
    p.write("tool/src/main.rs", &text.replacen(from, to, 1));
}

#[test]
fn a_second_run_reuses_the_base_with_identical_figures_and_a_changed_lockfile_measures_it_again() {
    let _turn = take_bench_turn();
    let p = TempProject::new("bench-command");
    p.write("lumen-gate.toml", SUM_COMMAND);
    p.git_init();
    let base = p.git(&["rev-parse", "HEAD"]).trim().to_owned();
    // A second base: the same code, its Cargo.lock changed (a comment cargo leaves alone).
    let lock = p.read("Cargo.lock");
    p.write("Cargo.lock", &format!("{lock}# changed\n"));
    let relocked = p.commit_all("lockfile changed");
    p.write("Cargo.lock", &lock);
    edit_work(&p, ONE_ADD, TWO_OPS);
    p.commit_all("more work");

    let args = ["--format", "json", "-v", "--base", &base];
    let first = bench(&p, &args);
    assert_eq!(first.code, 1, "{}", first.stderr);
    assert!(
        first.stderr.contains(&format!(
            "measuring base `{base}`: no base measured earlier"
        )),
        "{}",
        first.stderr
    );
    let first_json = json_of(&first);
    let cache = &first_json["run_info"]["base_cache"];
    assert_eq!(cache["reused"], false, "{cache:#}");
    let phases = &first_json["run_info"]["phases"];
    for phase in [
        "build-base",
        "measure-base",
        "build-head",
        "measure-head",
        "total",
    ] {
        assert!(phases[phase].as_f64().is_some(), "no {phase} in {phases:#}");
    }
    assert!(first.stderr.contains("bench: time: "), "{}", first.stderr);
    assert!(first.stderr.contains("bench: state "), "{}", first.stderr);

    let second = bench(&p, &args);
    assert_eq!(second.code, 1, "{}", second.stderr);
    assert!(
        second.stderr.contains("base measured earlier: reused"),
        "{}",
        second.stderr
    );
    let second_json = json_of(&second);
    assert_eq!(second_json["run_info"]["base_cache"]["reused"], true);
    assert_eq!(
        second_json["run_info"]["base_cache"]["key"], cache["key"],
        "the same base, the same key"
    );
    assert!(
        second_json["run_info"]["phases"]["build-base"].is_null(),
        "the base was built again: {:#}",
        second_json["run_info"]
    );
    assert_eq!(figures(&second_json), figures(&first_json));

    // What CI puts in its cache key is the key the run used.
    let key = bench(&p, &["--base", &base, "--print-cache-key"]);
    assert_eq!(key.code, 0, "{}", key.stderr);
    assert_eq!(
        key.stdout,
        format!("lumen-bench-base-{}\n", cache["key"].as_str().unwrap())
    );

    // Another base whose Cargo.lock differs is measured, and the message says what changed.
    let other = bench(&p, &["--format", "json", "--base", &relocked]);
    assert_eq!(other.code, 1, "{}", other.stderr);
    let line = other
        .stderr
        .lines()
        .find(|l| l.contains("measuring base"))
        .unwrap_or_default();
    assert!(line.contains("Cargo.lock"), "{}", other.stderr);
    let reason = json_of(&other)["run_info"]["base_cache"]["reason"].to_owned();
    assert!(reason.as_str().unwrap().contains("Cargo.lock"), "{reason}");

    // --clean-state empties the state, the base worktree's registration included.
    let clean = bench(&p, &["--clean-state"]);
    assert_eq!(clean.code, 0, "{}", clean.stderr);
    assert!(clean.stderr.contains("removed "), "{}", clean.stderr);
    assert!(
        !p.git(&["worktree", "list"]).contains("bench-base"),
        "the base worktree is still registered"
    );
    let third = bench(&p, &["--format", "json", "--base", &base]);
    assert_eq!(json_of(&third)["run_info"]["base_cache"]["reused"], false);
}

#[test]
fn a_head_that_allocates_per_element_gets_a_blocking_heap_finding_with_both_figures() {
    let _turn = take_bench_turn();
    let p = TempProject::new("bench-command");
    // Instruction counts may grow as they like here: only the heap limit can block.
    p.write(
        "lumen-gate.toml",
        &format!("[bench]\nir-regression-pct = 100000.0\nheap-regression-pct = 5.0\n\n{SUM_COMMAND}heap = true\n"),
    );
    p.git_init();
    let base = p.git(&["rev-parse", "HEAD"]).trim().to_owned();
    edit_work(&p, ONE_ADD, VEC_PER_ELEMENT);
    p.commit_all("a vector per element");

    let r = bench(&p, &["--format", "json", "--base", &base]);
    assert_eq!(r.code, 1, "the heap regression blocks: {}", r.stderr);
    let json = json_of(&r);
    let sum = &json["benchmarks"][0];
    let metric = |name: &str| {
        let m = &sum["other_metrics"][name];
        (m["before"].as_f64().unwrap(), m["after"].as_f64().unwrap())
    };
    // tool/input.txt is 20000: one more block of two u64 per element, exactly.
    let (blocks_before, blocks_after) = metric("TotalBlocks");
    assert_eq!(blocks_after - blocks_before, 20_000.0, "{sum:#}");
    let (bytes_before, bytes_after) = metric("TotalBytes");
    assert_eq!(bytes_after - bytes_before, 320_000.0, "{sum:#}");
    let findings = json["findings"].as_array().unwrap();
    let heap: Vec<&Value> = findings
        .iter()
        .filter(|f| f["kind"] == "bench::heap-regression")
        .collect();
    assert_eq!(heap.len(), 1, "{findings:#?}");
    let f = heap[0];
    assert_eq!(f["severity"], "CRITICAL");
    let message = f["message"].as_str().unwrap();
    let count = |v: f64| {
        let digits = format!("{}", v as u64);
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        out
    };
    assert!(
        message.contains(&format!(
            "{} -> {} bytes in {} -> {} blocks",
            count(bytes_before),
            count(bytes_after),
            count(blocks_before),
            count(blocks_after)
        )),
        "{message}"
    );
    assert!(
        f["impact"]
            .as_str()
            .unwrap()
            .contains("+20,000 blocks allocated; most in `tool::work"),
        "{f:#}"
    );
    // The human table has the allocation columns.
    let table = bench(&p, &["--base", &base]);
    assert!(
        table
            .stdout
            .contains("| Heap bytes | Heap blocks | Peak bytes |"),
        "{}",
        table.stdout
    );

    // A per-benchmark limit above the growth: nothing blocks.
    p.write(
        "lumen-gate.toml",
        &format!("[bench]\nir-regression-pct = 100000.0\n\n[[bench.overrides]]\nbenchmarks = \"sum\"\nheap-regression-pct = 1000000.0\n\n{SUM_COMMAND}heap = true\n"),
    );
    let lax = bench(&p, &["--format", "json", "--base", &base]);
    assert_eq!(lax.code, 0, "{}", lax.stderr);
    let lax_json = json_of(&lax);
    let kinds: Vec<&Value> = lax_json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["kind"])
        .collect();
    assert!(
        !kinds.iter().any(|k| *k == "bench::heap-regression"),
        "{kinds:?}"
    );
}

/// Every process whose command line names `dir` or that runs in it (cargo, valgrind, the command, the
/// build script): none may be left.
fn processes_naming(dir: &Path) -> Vec<String> {
    let real = std::fs::canonicalize(dir).unwrap();
    let names = [dir.display().to_string(), real.display().to_string()];
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| {
            let pid = e.ok()?.file_name().into_string().ok()?;
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
            let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            let cwd = std::fs::read_link(format!("/proc/{pid}/cwd")).unwrap_or_default();
            let ours = names.iter().any(|n| cmdline.contains(n)) || cwd.starts_with(&real);
            (ours && is_running(&pid)).then(|| format!("{pid}: {cmdline}"))
        })
        .collect()
}

fn wait_for(what: &str, limit: Duration, done: impl Fn() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn kill_9_of_the_tool_leaves_no_cargo_or_valgrind_running() {
    let _turn = take_bench_turn();
    require_valgrind();
    let p = TempProject::new("bench-command");
    // A command that runs for hours under callgrind.
    p.write(
        "lumen-gate.toml",
        "[[bench.command]]\nname = \"long\"\nbuild = [\"--release\", \"-p\", \"tool\", \"--bin\", \"tool\"]\nrun = [\"{bin:tool}\", \"40000000000\"]\n",
    );
    p.write("tool/build.rs", HANGING_BUILD_SCRIPT);
    // The state (and so every command line of the run) inside the project.
    let target = p.root().join("target");
    let start = || {
        bench_cmd(&p, &target)
            .arg("-q")
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };

    // While cargo builds (its build script hangs).
    p.write("hang-now", "");
    let mut child = start();
    wait_for("the build script to hang", Duration::from_secs(300), || {
        p.root().join("hang.pid").is_file()
    });
    let script = p.read("hang.pid").trim().to_owned();
    Command::new("kill")
        .args(["-KILL", &child.id().to_string()])
        .status()
        .unwrap();
    child.wait().unwrap();
    wait_for(
        "cargo and the build script to die with the tool",
        Duration::from_secs(20),
        || !is_running(&script) && processes_naming(p.root()).is_empty(),
    );

    // While valgrind measures.
    std::fs::remove_file(p.root().join("hang-now")).unwrap();
    let mut child = start();
    wait_for("valgrind to run", Duration::from_secs(300), || {
        processes_naming(p.root())
            .iter()
            .any(|l| l.contains("valgrind") || l.contains("callgrind"))
    });
    Command::new("kill")
        .args(["-KILL", &child.id().to_string()])
        .status()
        .unwrap();
    child.wait().unwrap();
    wait_for(
        "valgrind to die with the tool",
        Duration::from_secs(20),
        || processes_naming(p.root()).is_empty(),
    );
}

/// `calc::sum_to` doing twice the work per element.
const SLOWER_SUM: (&str, &str) = (
    "        total = black_box(total.wrapping_add(i));\n",
    "        total = black_box(total.wrapping_add(i));\n        total = black_box(total ^ 1) ^ 1;\n",
);

/// The instruction count of `sum.hundred` in a run's JSON.
fn sum_ir(r: &Run) -> f64 {
    assert_eq!(r.code, 0, "{}", r.stderr);
    let json = json_of(r);
    json["benchmarks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| {
            b["name"]
                .as_str()
                .is_some_and(|n| n.ends_with("sum.hundred"))
        })
        .and_then(|b| b["primary"]["after"].as_f64())
        .unwrap_or_else(|| panic!("no sum.hundred in {json:#}"))
}

#[test]
fn two_copies_sharing_a_target_dir_each_measure_their_own_code_also_at_once() {
    let _turn = take_bench_turn();
    require_gungraun();
    let shared = tempfile::tempdir().unwrap();
    let fast = TempProject::new("bench-gungraun");
    let slow = TempProject::new("bench-gungraun");
    let text = slow.read("calc/src/lib.rs");
    assert!(text.contains(SLOWER_SUM.0));
    slow.write(
        "calc/src/lib.rs",
        &text.replacen(SLOWER_SUM.0, SLOWER_SUM.1, 1),
    );
    let json = |p: &TempProject| {
        bench_cmd(p, shared.path())
            .args(["--format", "json", "-q"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let finish = |c: std::process::Child| {
        let out = c.wait_with_output().unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    };
    // One after the other: the second must not measure the first's binary.
    let fast_ir = sum_ir(&finish(json(&fast)));
    let slow_ir = sum_ir(&finish(json(&slow)));
    assert!(slow_ir > fast_ir + 100.0, "fast {fast_ir}, slow {slow_ir}");
    // At the same time: the same figures each.
    let (a, b) = (json(&fast), json(&slow));
    let (a, b) = (finish(a), finish(b));
    assert_eq!(sum_ir(&a), fast_ir);
    assert_eq!(sum_ir(&b), slow_ir);
}

#[test]
fn command_benchmarks_measured_at_once_report_what_they_report_one_at_a_time() {
    let _turn = take_bench_turn();
    let p = TempProject::new("bench-command");
    p.write(
        "lumen-gate.toml",
        "[[bench.command]]\nname = \"sum\"\nbuild = [\"--release\", \"-p\", \"tool\", \"--bin\", \"tool\"]\nrun = [\"{bin:tool}\", \"{n}\"]\nsizes = [1000, 2000, 3000]\nheap = true\n",
    );
    let one = bench(&p, &["--format", "json", "-j", "1"]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    let three = bench(&p, &["--format", "json", "-j", "3", "-v"]);
    assert_eq!(three.code, 0, "{}", three.stderr);
    assert!(
        three.stderr.contains("3 command benchmarks, 3 at once"),
        "{}",
        three.stderr
    );
    let (one, three) = (json_of(&one), json_of(&three));
    assert_eq!(one["benchmarks"].as_array().unwrap().len(), 3);
    assert_eq!(figures(&three), figures(&one));
}

#[test]
fn a_library_benchmark_that_allocates_per_element_gets_a_heap_finding_from_gungraun_s_dhat() {
    let _turn = take_bench_turn();
    require_gungraun();
    let p = TempProject::new("bench-gungraun");
    p.write("lumen-gate.toml", "[bench]\nheap = true\n");
    p.git_init();
    let base = p.git(&["rev-parse", "HEAD"]).trim().to_owned();
    let text = p.read("calc/src/lib.rs");
    p.write(
        "calc/src/lib.rs",
        &text.replacen(
            SLOWER_SUM.0,
            "        let v = vec![i; 2];\n        total = black_box(total.wrapping_add(black_box(v)[0]));\n",
            1,
        ),
    );
    p.commit_all("a vector per element");
    let r = bench(&p, &["--format", "json", "--base", &base]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let json = json_of(&r);
    let sum = json["benchmarks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == "calc::arithmetic::sum.hundred")
        .unwrap();
    // sum_to(100): one block of two u64 per element, none at the base.
    let blocks = &sum["other_metrics"]["TotalBlocks"];
    assert_eq!(
        (blocks["before"].as_f64(), blocks["after"].as_f64()),
        (Some(0.0), Some(100.0)),
        "{sum:#}"
    );
    assert_eq!(
        sum["other_metrics"]["TotalBytes"]["after"].as_f64(),
        Some(1600.0)
    );
    let heap: Vec<&Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "bench::heap-regression")
        .collect();
    assert_eq!(heap.len(), 1, "{:#}", json["findings"]);
    assert!(
        heap[0]["impact"]
            .as_str()
            .unwrap()
            .contains("most in `calc::sum_to"),
        "{:#}",
        heap[0]
    );
    // The unchanged benchmark allocates nothing either way: no finding.
    assert_eq!(heap[0]["benchmark"], "calc::arithmetic::sum.hundred");
}
