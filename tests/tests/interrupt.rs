//! Ctrl-C and SIGTERM stop everything a tool started. `cargo bench` runs in a process group of its own (so a
//! time limit can stop it whole), which a terminal's Ctrl-C does not reach: the tool forwards the signal,
//! waits, kills what is left, and exits 130. Real signals, a real `cargo bench` whose build script hangs.
//! Needs valgrind and gungraun-runner 0.20.0 (`bash scripts/install-tools.sh`).

use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use lumen_gate_tests::{
    HANGING_BUILD_SCRIPT, TempProject, bench_target_dir, is_running, require_bench_tools, run,
    take_bench_turn, tool,
};

const BENCH: &str = env!("CARGO_BIN_EXE_lumen-bench-dup");

fn bench(p: &TempProject) -> Command {
    let mut cmd = tool(BENCH);
    cmd.args(["--format", "json", "--manifest-path"])
        .arg(p.manifest())
        .env("CARGO_TARGET_DIR", bench_target_dir());
    cmd
}

/// Waits until `done` holds, failing after `limit`.
fn wait_for(what: &str, limit: Duration, done: impl Fn() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Starts the tool as a terminal would (leading its own foreground process group), waits until the build
/// script hangs, and returns the tool and the build script's pid.
fn start_hanging(p: &TempProject) -> (Child, String) {
    let _ = std::fs::remove_file(p.root().join("hang.pid"));
    p.write("hang-now", "");
    let child = bench(p)
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for("the build script to hang", Duration::from_secs(300), || {
        p.root().join("hang.pid").is_file()
    });
    (child, p.read("hang.pid").trim().to_owned())
}

fn kill(args: &[&str]) {
    let status = Command::new("kill").args(args).status().unwrap();
    assert!(status.success(), "kill {args:?}");
}

/// Every process whose command line names the project (cargo bench, the runner): none may be left.
fn processes_of(p: &TempProject) -> Vec<String> {
    let root = p.root().display().to_string();
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| {
            let pid = e.ok()?.file_name().into_string().ok()?;
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
            let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            (cmdline.contains(&root) && is_running(&pid)).then(|| format!("{pid}: {cmdline}"))
        })
        .collect()
}

#[test]
fn sigint_and_sigterm_stop_every_process_the_tool_started_and_the_next_run_works() {
    let _turn = take_bench_turn();
    require_bench_tools();
    let p = TempProject::new("bench-gungraun");
    p.write("calc/build.rs", HANGING_BUILD_SCRIPT);
    let built = run(bench(&p).arg("-q"));
    assert_eq!(built.code, 0, "{}", built.stderr);

    // Ctrl-C: SIGINT to the tool's foreground process group. Then SIGTERM to the tool alone (a CI cancel).
    for signal in ["-INT", "-TERM"] {
        let (mut child, script) = start_hanging(&p);
        let target = if signal == "-INT" {
            format!("-{}", child.id())
        } else {
            child.id().to_string()
        };
        kill(&["-s", &signal[1..], "--", &target]);
        let status = child.wait().unwrap();
        assert_eq!(
            status.code(),
            Some(130),
            "{signal}: exit 130 when interrupted"
        );
        assert!(
            !is_running(&script),
            "{signal}: the hanging build script {script} was left running"
        );
        let left = processes_of(&p);
        assert!(left.is_empty(), "{signal}: left running: {left:?}");
    }

    // The next run works: nothing holds the workspace's state or cargo's build directory.
    std::fs::remove_file(p.root().join("hang-now")).unwrap();
    let next = run(bench(&p).args(["-q", "--no-wait"]));
    assert_eq!(next.code, 0, "{}", next.stderr);
}

#[test]
fn a_killed_run_leaves_no_lock_behind() {
    let _turn = take_bench_turn();
    require_bench_tools();
    let p = TempProject::new("bench-gungraun");
    p.write("calc/build.rs", HANGING_BUILD_SCRIPT);
    let built = run(bench(&p).arg("-q"));
    assert_eq!(built.code, 0, "{}", built.stderr);
    let (mut child, script) = start_hanging(&p);
    // SIGKILL cannot be caught: the tool dies at once, and the watchdog of its cargo bench group kills
    // the group (cargo, the hanging build script).
    kill(&["-s", "KILL", &child.id().to_string()]);
    child.wait().unwrap();
    wait_for(
        "the cargo bench group to die with the tool",
        Duration::from_secs(30),
        || !is_running(&script) && processes_of(&p).is_empty(),
    );
    std::fs::remove_file(p.root().join("hang-now")).unwrap();
    let next = run(bench(&p).args(["-q", "--no-wait"]));
    assert_eq!(
        next.code, 0,
        "the dead run's lock blocked the next: {}",
        next.stderr
    );
}
