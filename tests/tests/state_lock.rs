//! Two runs in one workspace take turns on its lumen-gate state (`target/lumen-gate/ws-*/`): the second
//! waits and says so, or with `--no-wait` fails with exit 2. (The benchmark runs that share the state are
//! in `bench_e2e.rs`; a run killed by a signal releasing it, in `interrupt.rs`.)

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::Stdio;

use lumen_gate_tests::{TempProject, run, tool};

const ARCH: &str = env!("CARGO_BIN_EXE_lumen-arch-dup");

/// The lock file of `p`'s state directory, where a first run with `--base` puts it (the project has a
/// target directory of its own, so it holds one workspace's state).
fn lock_file(p: &TempProject) -> PathBuf {
    let first = run(tool(ARCH)
        .args(["--offline", "--base", "HEAD", "--manifest-path"])
        .arg(p.manifest()));
    assert_eq!(first.code, 0, "{}", first.stderr);
    let locks: Vec<PathBuf> = std::fs::read_dir(p.root().join("target/lumen-gate"))
        .unwrap()
        .map(|ws| ws.unwrap().path().join(".lock"))
        .filter(|lock| lock.is_file())
        .collect();
    assert_eq!(locks.len(), 1, "{locks:?}");
    locks[0].to_owned()
}

/// Holds `p`'s state lock as another run would, with that run's name in it.
fn hold_lock(p: &TempProject) -> std::fs::File {
    let path = lock_file(p);
    let mut file = std::fs::File::create(&path).unwrap();
    file.lock().unwrap();
    writeln!(file, "lumen-bench (pid 4242)").unwrap();
    file
}

#[test]
fn no_wait_fails_while_another_run_holds_the_state_and_a_waiting_run_takes_its_turn() {
    let p = TempProject::new("arch-rules");
    p.git_init();
    let held = hold_lock(&p);

    let refused = run(tool(ARCH)
        .args([
            "--offline",
            "--base",
            "HEAD",
            "--no-wait",
            "--manifest-path",
        ])
        .arg(p.manifest()));
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused
            .stderr
            .contains("another lumen-bench (pid 4242) is running in this workspace"),
        "{}",
        refused.stderr
    );

    let mut waiting = tool(ARCH)
        .args(["--offline", "--base", "HEAD", "--manifest-path"])
        .arg(p.manifest())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(waiting.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(
        line.contains("waiting for another lumen-bench (pid 4242) in this workspace"),
        "{line}"
    );
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(
        waiting.try_wait().unwrap().is_none(),
        "it must wait while the lock is held"
    );
    drop(held);
    let status = waiting.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn runs_without_shared_state_do_not_take_the_lock() {
    let p = TempProject::new("arch-rules");
    p.git_init();
    let _held = hold_lock(&p);
    // Without --base the architecture rules touch nothing under target/: no waiting.
    let r = run(tool(ARCH)
        .args(["--offline", "--no-wait", "--manifest-path"])
        .arg(p.manifest()));
    assert_eq!(r.code, 0, "{}", r.stderr);
}
