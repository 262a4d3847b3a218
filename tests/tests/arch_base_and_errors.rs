//! `cargo lumen-arch`: new coupling against a git base (the user's checkout untouched), the Lumen preset on
//! a Lumen-shaped fixture, and bad input.

use lumen_gate_tests::{CheckoutState, Run, TempProject, arch_json, run, run_arch, tool};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_lumen-arch-dup");

fn arch(project: &TempProject, args: &[&str]) -> Run {
    run_arch(BIN, project, args)
}

/// Runs with `--format json`: the exit code and the report, the temp root replaced by `[ROOT]`.
fn json(project: &TempProject, args: &[&str]) -> (i32, Value) {
    arch_json(BIN, project, args)
}

const PLUGIN_A: &str = "[package]\nname = \"plugin-a\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nengine = { path = \"../engine\" }\n";

#[test]
fn new_coupling_against_a_base_leaves_the_checkout_untouched() {
    let p = TempProject::new("arch-rules");
    // A rule already violated at the base: reported as pre-existing, not blocking.
    p.write(
        "lumen-gate.toml",
        "[[arch.forbid]]\nid = \"app-not-util\"\nwhy = \"w\"\nfrom = \"app\"\nto = \"util\"\n\n[arch.new-coupling]\nseverity = \"critical\"\n",
    );
    p.git_init();
    let base = p.git(&["rev-parse", "HEAD"]).trim().to_owned();
    // HEAD adds an internal edge plugin-a -> util.
    p.write(
        "plugin-a/Cargo.toml",
        &format!("{PLUGIN_A}util = {{ path = \"../util\" }}\n"),
    );
    p.update_lockfile();
    p.commit_all("couple plugin-a to util");
    // Uncommitted work of every kind must survive: a modified tracked file, a staged file, an untracked one.
    p.write(
        "helper/src/lib.rs",
        "//! Helper, edited.\n\npub fn help() -> usize {\n    1\n}\n",
    );
    p.write("staged.txt", "staged\n");
    p.git(&["add", "staged.txt"]);
    p.write("untracked.txt", "untracked\n");
    let before = CheckoutState::capture(p.root());

    let (code, r) = json(&p, &["--base", &base]);

    assert_eq!(
        CheckoutState::capture(p.root()),
        before,
        "the user's checkout changed"
    );
    assert_eq!(code, 1, "{r:#}");
    assert_eq!(r["base"]["commit"], base);
    let findings = r["findings"].as_array().unwrap();
    let by_rule = |id: &str| {
        findings
            .iter()
            .filter(|f| f["rule_id"] == id)
            .collect::<Vec<_>>()
    };
    let coupling = by_rule("new-coupling");
    assert_eq!(coupling.len(), 1, "{r:#}");
    assert_eq!(
        coupling[0]["message"],
        "new dependency `plugin-a` -> `util` (normal) since the base"
    );
    assert_eq!(coupling[0]["baseline"], "new");
    assert_eq!(coupling[0]["location"]["file"], "plugin-a/Cargo.toml");
    assert_eq!(coupling[0]["location"]["line"], 9);
    let old = by_rule("app-not-util");
    assert_eq!(old.len(), 1);
    assert_eq!(old[0]["baseline"], "pre-existing");

    // A second run reuses the base worktree; against HEAD itself nothing is new.
    let (code, r) = json(&p, &["--base", "HEAD"]);
    assert_eq!(CheckoutState::capture(p.root()), before);
    assert_eq!(code, 0, "pre-existing violations do not fail: {r:#}");
    assert!(
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["baseline"] == "pre-existing")
    );
}

#[test]
fn base_outside_git_or_missing_revision_is_exit_2() {
    let p = TempProject::new("arch-rules");
    let Run { code, stderr, .. } = arch(&p, &["--base", "HEAD~1"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("is not inside a git repository"),
        "{stderr}"
    );
    p.git_init();
    let Run { code, stderr, .. } = arch(&p, &["--base", "no-such-branch"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("revision `no-such-branch` not found"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn lumen_preset_finds_a_violation_of_every_rule_with_its_path() {
    let p = TempProject::new("arch-lumen");
    let (code, r) = json(&p, &["--preset", "lumen"]);
    assert_eq!(code, 1);
    let findings = r["findings"].as_array().unwrap();
    let get = |id: &str| {
        findings
            .iter()
            .find(|f| f["rule_id"] == id)
            .unwrap_or_else(|| panic!("no finding for {id}: {r:#}"))
    };
    assert_eq!(get("compiler-not-vm-in-tests")["severity"], "WARNING");
    assert_eq!(
        get("compiler-not-vm-in-tests")["message"],
        "`lumen-compiler` depends on `lumen-vm` (dev-dependency only: tests, benches and examples)"
    );
    assert_eq!(
        get("vm-uses-compiler-lir-only")["location"]["file"],
        "lumen-vm/src/lib.rs"
    );
    assert_eq!(get("vm-uses-compiler-lir-only")["location"]["line"], 7);
    assert_eq!(
        get("runtime-depends-on-neither")["crates"],
        serde_json::json!(["lumen-runtime", "lumen-vm"])
    );
    assert_eq!(
        get("vm-uses-runtime")["message"],
        "`lumen-vm` does not depend on `lumen-runtime`"
    );
    assert_eq!(
        get("cli-uses-runtime")["message"],
        "`lumen-cli` does not depend on `lumen-runtime`"
    );
    assert_eq!(
        get("nothing-depends-on-cli")["location"]["file"],
        "lumen-provider-a/Cargo.toml"
    );
    assert!(
        get("providers-implement-tool-dispatcher")["message"]
            .as_str()
            .unwrap()
            .contains("lumen-provider-b")
    );
    assert!(
        get("no-cycles")["message"]
            .as_str()
            .unwrap()
            .contains("dev-dependency cycle: ")
    );
    assert_eq!(findings.len(), 8, "{r:#}");

    // compiler-not-vm cannot sit beside lumen-vm's normal dependency on lumen-compiler (cargo rejects the
    // cycle), so it is checked on a copy where lumen-vm drops that dependency and the compiler reaches the
    // VM through lumen-provider-b.
    p.write("lumen-vm/Cargo.toml", "[package]\nname = \"lumen-vm\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n");
    p.write("lumen-vm/src/lib.rs", "//! The VM.\n");
    p.write(
        "lumen-compiler/Cargo.toml",
        "[package]\nname = \"lumen-compiler\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nlumen-provider-b = { path = \"../lumen-provider-b\" }\n",
    );
    p.update_lockfile();
    let (code, r) = json(&p, &["--preset", "lumen"]);
    assert_eq!(code, 1);
    let f = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "compiler-not-vm")
        .unwrap();
    assert_eq!(
        f["message"],
        "`lumen-compiler` depends on `lumen-vm` through lumen-compiler -> lumen-provider-b -> lumen-vm (first hop: normal)"
    );
    assert_eq!(f["paths"][0]["hops"].as_array().unwrap().len(), 2);
    assert_eq!(f["location"]["file"], "lumen-compiler/Cargo.toml");
}

#[test]
fn missing_manifest_and_non_workspace_are_exit_2() {
    let out = tool(BIN)
        .args(["--manifest-path", "/no/such/Cargo.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("manifest not found: /no/such/Cargo.toml")
    );

    let p = TempProject::empty();
    p.write("Cargo.toml", "this is not a manifest\n");
    let Run { code, stderr, .. } = arch(&p, &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("`cargo metadata` failed"), "{stderr}");

    let empty = TempProject::empty();
    let out = tool(BIN).current_dir(empty.root()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("could not find `Cargo.toml`"));
}

#[test]
fn broken_config_and_unknown_crate_point_into_the_file() {
    let p = TempProject::new("arch-rules");
    p.write("lumen-gate.toml", "[[arch.forbid]\nid = 1\n");
    let Run { code, stderr, .. } = arch(&p, &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("invalid configuration in"), "{stderr}");
    assert!(stderr.contains("lumen-gate.toml:1:"), "{stderr}");

    p.write(
        "lumen-gate.toml",
        "[[arch.forbid]]\nid = \"x\"\nwhy = \"w\"\nfrom = \"app\"\nto = \"lumen-nope\"\n",
    );
    let Run { code, stderr, .. } = arch(&p, &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("`lumen-nope` matches no crate in the workspace graph"),
        "{stderr}"
    );
    assert!(stderr.contains("lumen-gate.toml:5:6"), "{stderr}");

    p.write("lumen-gate.toml", "[[arch.forbid]]\nid = \"x\"\nwhy = \"w\"\nfrom = \"app\"\nto = \"util\"\ncolour = \"red\"\n");
    let Run { code, stderr, .. } = arch(&p, &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown field `colour`"), "{stderr}");

    p.write(
        "lumen-gate.toml",
        "[[arch.forbid]]\nid = \"x\"\nwhy = \"w\"\nfrom = \"[app\"\nto = \"util\"\n",
    );
    let Run { code, stderr, .. } = arch(&p, &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("bad glob `[app`"), "{stderr}");
    assert!(!stderr.contains("panicked"));
}

#[test]
fn preset_on_a_workspace_without_lumen_crates_is_a_clear_error() {
    let p = TempProject::new("arch-rules");
    let Run { code, stderr, .. } = arch(&p, &["--preset", "lumen"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("<preset lumen>"), "{stderr}");
    assert!(stderr.contains("matches no crate"), "{stderr}");
}

#[test]
fn a_stale_lockfile_is_reported_not_rewritten() {
    let p = TempProject::new("arch-rules");
    p.write(
        "plugin-a/Cargo.toml",
        &format!("{PLUGIN_A}util = {{ path = \"../util\" }}\n"),
    );
    let lock = p.read("Cargo.lock");
    let Run { code, stderr, .. } = arch(&p, &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("Cargo.lock of"), "{stderr}");
    assert!(stderr.contains("never modifies your checkout"), "{stderr}");
    assert_eq!(p.read("Cargo.lock"), lock);
}

#[test]
fn a_workspace_without_lockfile_is_left_without_one() {
    let p = TempProject::new("arch-rules");
    std::fs::remove_file(p.root().join("Cargo.lock")).unwrap();
    let Run { code, stderr, .. } = arch(&p, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!p.root().join("Cargo.lock").exists());
}

#[test]
fn a_workspace_reached_through_a_symlink_is_found_at_the_base() {
    // The repository holds the workspace in a subdirectory; the user reaches it through a symlink,
    // so cargo's workspace root is not under git's top-level directory as written.
    let repo = TempProject::empty();
    lumen_gate_tests::copy_dir(
        &lumen_gate_tests::fixtures_dir().join("arch-rules"),
        &repo.root().join("ws"),
    );
    repo.git_init();
    let outside = TempProject::empty();
    let link = outside.root().join("link");
    std::os::unix::fs::symlink(repo.root().join("ws"), &link).unwrap();
    let r = run(tool(BIN)
        .args([
            "--offline",
            "--base",
            "HEAD",
            "--format",
            "json",
            "--manifest-path",
        ])
        .arg(link.join("Cargo.toml")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.json()["base"]["commit"],
        repo.git(&["rev-parse", "HEAD"]).trim()
    );
}
