//! Reliability and security (issue 15): nothing of the user's lost, no verdict forged, no secret printed, no
//! silent pass. Real git repositories in temp dirs, real files, real signals.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lumen_gate_tests::{CheckoutState, Run, TempProject, git, run, tool};

const ARCH: &str = env!("CARGO_BIN_EXE_lumen-arch-dup");
const BENCH: &str = env!("CARGO_BIN_EXE_lumen-bench-dup");
const GATE: &str = env!("CARGO_BIN_EXE_lumen-gate-dup");

fn arch_base(p: &TempProject, rev: &str) -> Run {
    run(tool(ARCH).arg("--manifest-path").arg(p.manifest()).args([
        "--offline",
        "--format",
        "json",
        "--base",
        rev,
    ]))
}

/// `arch-rules` as a git repository with two commits, so `HEAD~1` is a base.
fn two_commits() -> TempProject {
    let p = TempProject::new("arch-rules");
    p.git_init();
    p.write("util/src/extra.rs", "//! Added at HEAD.\n");
    p.commit_all("second");
    p
}

/// The state directory's base worktree registrations of the repository at `root` (`.git/worktrees/*`).
fn registrations(root: &Path) -> Vec<PathBuf> {
    let dir = root.join(".git/worktrees");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    found.sort();
    found
}

/// Issue 15 item 1: `git worktree prune` dropped the user's moved worktree (its commits became unreachable);
/// only our own registration may be touched.
#[test]
fn a_base_run_never_prunes_a_worktree_of_the_user_that_was_moved() {
    let p = two_commits();
    // The user's own worktree, with a commit made only there, moved away (an unmounted disk looks the same).
    let elsewhere = TempProject::empty();
    let wt = elsewhere.root().join("wt");
    p.git(&["worktree", "add", "-q", wt.to_str().unwrap(), "-b", "wip"]);
    git(&wt, &["commit", "-q", "--allow-empty", "-m", "only in wip"]);
    let wip = git(&wt, &["rev-parse", "HEAD"]);
    let moved = elsewhere.root().join("wt-off");
    std::fs::rename(&wt, &moved).unwrap();

    let first = arch_base(&p, "HEAD~1");
    assert_eq!(first.code, 0, "{}", first.stderr);
    // `cargo clean`: our worktree's directory is gone, its registration stays.
    std::fs::remove_dir_all(p.root().join("target")).unwrap();
    let second = arch_base(&p, "HEAD~1");
    assert_eq!(second.code, 0, "{}", second.stderr);

    std::fs::rename(&moved, &wt).unwrap();
    assert_eq!(
        git(&wt, &["rev-parse", "HEAD"]),
        wip,
        "the user's worktree lost its registration"
    );
    assert!(git(&wt, &["status", "--porcelain"]).is_empty());
    let list = p.git(&["worktree", "list", "--porcelain"]);
    assert!(list.contains("/wt\n"), "{list}");
    assert_eq!(
        registrations(p.root()).len(),
        2,
        "the user's and ours, once each: {list}"
    );
}

/// Waits until `marker` exists: the smudge filter below writes it once `git worktree add` checks files out.
fn wait_for(marker: &Path, limit: Duration) {
    let start = Instant::now();
    while !marker.exists() {
        assert!(
            start.elapsed() < limit,
            "git never started checking out the base"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Runs `cargo lumen-arch --base HEAD~1` in a process group of its own and kills the whole group with
/// SIGKILL (as a CI cancel or the OOM killer does) while `git worktree add` checks the base out.
fn kill_during_worktree_add(p: &TempProject) {
    let marker = p.root().join("target/checkout-started");
    let _ = std::fs::remove_file(&marker);
    // A checkout that takes its time: every file goes through a smudge filter that sleeps.
    p.git(&[
        "config",
        "filter.slow.smudge",
        &format!(
            "mkdir -p '{}' && touch '{}' && sleep 60 && cat",
            marker.parent().unwrap().display(),
            marker.display()
        ),
    ]);
    std::fs::write(p.root().join(".git/info/attributes"), "* filter=slow\n").unwrap();
    let mut child = tool(ARCH)
        .arg("--manifest-path")
        .arg(p.manifest())
        .args(["--offline", "--base", "HEAD~1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap();
    wait_for(&marker, Duration::from_secs(60));
    let group = format!("-{}", child.id());
    let killed = Command::new("kill")
        .args(["-KILL", "--", &group])
        .status()
        .unwrap();
    assert!(killed.success());
    child.wait().unwrap();
    // Wait for the whole group to be gone (git's children too).
    let start = Instant::now();
    while Command::new("kill")
        .args(["-0", "--", &group])
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .success()
    {
        assert!(start.elapsed() < Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(50));
    }
    p.git(&["config", "--unset", "filter.slow.smudge"]);
    std::fs::remove_file(p.root().join(".git/info/attributes")).unwrap();
}

fn locked_registrations(root: &Path) -> usize {
    registrations(root)
        .iter()
        .filter(|r| r.join("locked").exists())
        .count()
}

/// Issue 15 item 2: a run killed (SIGKILL to its process group) during `git worktree add` left our worktree
/// locked, and every later `--base` run exited 2; the next run recovers it and says so in one line.
#[test]
fn a_run_killed_during_worktree_add_is_recovered_by_the_next_one() {
    let p = two_commits();
    let before = CheckoutState::capture(p.root());

    kill_during_worktree_add(&p);
    assert_eq!(
        locked_registrations(p.root()),
        1,
        "git leaves the worktree it was adding locked"
    );
    let next = arch_base(&p, "HEAD~1");
    assert_eq!(next.code, 0, "{}", next.stderr);
    let said: Vec<&str> = next
        .stderr
        .lines()
        .filter(|l| l.contains("left locked by an interrupted run"))
        .collect();
    assert_eq!(said.len(), 1, "one line says so: {}", next.stderr);
    assert!(
        next.json()["notes"][0]
            .as_str()
            .unwrap()
            .contains("left locked by an interrupted run"),
        "{}",
        next.stdout
    );
    assert_eq!(locked_registrations(p.root()), 0);
    let again = arch_base(&p, "HEAD~1");
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        !again.stderr.contains("interrupted"),
        "a healthy worktree is reused quietly: {}",
        again.stderr
    );

    // A run killed inside `git switch` in the reused worktree leaves its index.lock behind.
    let ours = registrations(p.root());
    assert_eq!(ours.len(), 1);
    std::fs::write(ours[0].join("index.lock"), "").unwrap();
    let after_switch = arch_base(&p, "HEAD~1");
    assert_eq!(after_switch.code, 0, "{}", after_switch.stderr);
    assert!(
        after_switch
            .stderr
            .contains("left unusable by an interrupted run"),
        "{}",
        after_switch.stderr
    );

    // Killed again while creating the worktree afresh (after `cargo clean`), then `cargo clean` once more:
    // the registration is locked and its directory gone.
    std::fs::remove_dir_all(p.root().join("target")).unwrap();
    kill_during_worktree_add(&p);
    assert_eq!(locked_registrations(p.root()), 1);
    std::fs::remove_dir_all(p.root().join("target")).unwrap();
    let after_clean = arch_base(&p, "HEAD~1");
    assert_eq!(after_clean.code, 0, "{}", after_clean.stderr);
    assert!(
        after_clean
            .stderr
            .contains("left locked by an interrupted run"),
        "{}",
        after_clean.stderr
    );
    assert_eq!(registrations(p.root()).len(), 1);
    assert_eq!(CheckoutState::capture(p.root()), before);
}

/// Issue 15 item 5: with one `CARGO_TARGET_DIR`, a `--base` run in repository B tried to move A's worktree.
/// Fixed on main by a6b9cb4 (the base worktree moved under the per-workspace state directory); this test
/// keeps it so.
#[test]
fn two_workspaces_sharing_a_target_dir_each_keep_their_own_base() {
    let shared_target = TempProject::empty();
    let a = two_commits();
    let b = two_commits();
    for p in [&a, &b, &a, &b] {
        let r = run(tool(ARCH)
            .env("CARGO_TARGET_DIR", shared_target.root())
            .arg("--manifest-path")
            .arg(p.manifest())
            .args(["--offline", "--format", "json", "--base", "HEAD~1"]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(
            r.json()["base"]["commit"],
            p.git(&["rev-parse", "HEAD~1"]).trim()
        );
    }
    let states: Vec<_> = std::fs::read_dir(shared_target.root().join("lumen-gate"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(
        states.len(),
        2,
        "one state directory per workspace: {states:?}"
    );
    assert!(states.iter().all(|s| s.starts_with("ws-")), "{states:?}");
}

/// The benchmark tests share one target directory, where each project's state (a base worktree, two
/// release builds) would pile up over a suite and fill a CI disk: a project finds the state directory the
/// tool wrote there, and removes it when dropped.
#[test]
fn a_test_project_removes_the_state_it_left_in_the_shared_bench_target() {
    let p = two_commits();
    let r = run(tool(ARCH)
        .env("CARGO_TARGET_DIR", lumen_gate_tests::bench_target_dir())
        .arg("--manifest-path")
        .arg(p.manifest())
        .args(["--offline", "--format", "json", "--base", "HEAD~1"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let state = p.bench_state_dir().unwrap();
    assert!(
        state.join("arch-base").is_dir(),
        "the tool kept its base worktree in {state}"
    );
    drop(p);
    assert!(!state.exists(), "{state} outlived its project");
}

/// A base commit whose committed `Cargo.lock` does not match its manifests (a dependency added without
/// updating the lockfile).
fn stale_lockfile_at_base() -> TempProject {
    let p = TempProject::new("arch-rules");
    p.git_init();
    let plugin = p.read("plugin-a/Cargo.toml");
    p.write(
        "plugin-a/Cargo.toml",
        &format!("{plugin}helper = {{ path = \"../helper\" }}\n"),
    );
    p.commit_all("a dependency, the lockfile not updated");
    p.update_lockfile();
    p.commit_all("lockfile updated");
    p
}

/// Issue 15 item 4: a base commit's stale Cargo.lock blocked `--base` for good; it is updated in our worktree
/// (never in the checkout) and noted. The bench side is `bench_e2e`'s
/// `a_base_with_a_stale_lockfile_is_benchmarked_and_noted`.
#[test]
fn a_base_with_a_stale_lockfile_is_updated_in_our_worktree_and_noted() {
    let p = stale_lockfile_at_base();
    let before = CheckoutState::capture(p.root());
    let r = arch_base(&p, "HEAD~1");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let note = r.json()["notes"][0].as_str().unwrap_or_default().to_owned();
    assert!(
        note.contains("Cargo.lock of base `HEAD~1`") && note.contains("out of date"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains(&note), "{}", r.stderr);
    assert_eq!(CheckoutState::capture(p.root()), before);
    // HEAD's own stale lockfile is still the user's to fix.
    let plugin = p.read("plugin-a/Cargo.toml");
    p.write(
        "plugin-a/Cargo.toml",
        &format!("{plugin}util = {{ path = \"../util\" }}\n"),
    );
    let head = arch_base(&p, "HEAD~1");
    assert_eq!(head.code, 2, "{}", head.stderr);
    assert!(head.stderr.contains("out of date"), "{}", head.stderr);
}

/// Issue 15 item 3: `cargo lumen-bench` wrote a Cargo.lock into a workspace that had none; it now says a
/// lockfile is needed and how to make one, and writes nothing.
#[test]
fn bench_refuses_to_write_a_lockfile_into_the_checkout() {
    let p = TempProject::new("bench-gungraun");
    std::fs::remove_file(p.root().join("Cargo.lock")).unwrap();
    for cmd in [
        tool(BENCH).arg("--manifest-path").arg(p.manifest()),
        tool(GATE)
            .arg("--manifest-path")
            .arg(p.manifest())
            .args(["--only", "bench"]),
    ] {
        let r = run(cmd.arg("--offline"));
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains("has no Cargo.lock"), "{}", r.stderr);
        assert!(r.stderr.contains("cargo generate-lockfile"), "{}", r.stderr);
        assert!(
            !p.root().join("Cargo.lock").exists(),
            "a Cargo.lock was written into the checkout"
        );
    }
}
