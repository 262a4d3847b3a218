//! A file the lints cannot read is a finding, never a silent pass (issue: "an unparseable lib.rs passes"),
//! and no file can crash the scan (issue: "deep nesting overflows the stack"). Real files, the real tool.

use lumen_gate_tests::{Run, TempProject, run, tool};

const GATE: &str = env!("CARGO_BIN_EXE_lumen-gate-dup");

fn crate_with(lib: &str) -> TempProject {
    let p = TempProject::empty();
    p.write(
        "Cargo.toml",
        "[package]\nname = \"odd\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[features]\nnever = []\n\n[workspace]\n",
    );
    p.write("src/lib.rs", lib);
    p
}

fn gate(p: &TempProject, args: &[&str]) -> Run {
    run(tool(GATE)
        .args(["--offline", "--only", "lints", "--manifest-path"])
        .arg(p.manifest())
        .args(args))
}

/// The `unreadable-file` findings of a JSON run: `file: message`.
fn unreadable(r: &Run) -> Vec<String> {
    r.json()["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("not a report: {}\n{}", r.stdout, r.stderr))
        .iter()
        .filter(|f| f["rule_id"] == "unreadable-file")
        .map(|f| {
            format!(
                "{}: {}",
                f["location"]["file"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn an_unparseable_lib_rs_is_a_finding_in_the_review_and_the_verdict() {
    let p = crate_with("pub fn broken( {\n");
    let json = gate(&p, &["--format", "json"]);
    assert_eq!(
        json.code, 1,
        "code the gate could not read blocks by default: {}",
        json.stderr
    );
    let found = unreadable(&json);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("src/lib.rs: `src/lib.rs` could not be checked: cannot parse"),
        "{found:?}"
    );

    // Shown in the review, even with -q, and counted.
    let md = gate(&p, &["--format", "markdown", "-q"]);
    assert!(md.stdout.contains("[unreadable-file]"), "{}", md.stdout);
    assert!(md.stdout.contains("1 CRITICAL"), "{}", md.stdout);
    assert!(md.stdout.contains("CHANGES REQUESTED"), "{}", md.stdout);

    // A config can lower it: a WARNING then blocks only beyond a warning budget.
    p.write(
        "lumen-gate.toml",
        "[lints.rules.unreadable-file]\nseverity = \"warning\"\n",
    );
    assert_eq!(gate(&p, &[]).code, 0);
    p.write(
        "lumen-gate.toml",
        "[gate.verdict]\nwarning-budget = 0\n[lints.rules.unreadable-file]\nseverity = \"warning\"\n",
    );
    assert_eq!(gate(&p, &[]).code, 1);
}

#[test]
fn deep_nesting_is_reported_as_unreadable_and_never_crashes() {
    // rustc never reads this module (the feature is never on); the scanner reads every cfg branch.
    let p = crate_with("#[cfg(feature = \"never\")]\nmod generated;\n\npub fn f() {}\n");
    let nested = format!(
        "pub fn g() -> u32 {{ {}1{} }}\n",
        "(".repeat(3000),
        ")".repeat(3000)
    );
    p.write("src/generated.rs", &nested);
    let r = gate(&p, &["--format", "json"]);
    assert_eq!(
        r.code, 1,
        "exit {} (134 is a stack overflow; 0 would approve code no rule read): {}",
        r.code, r.stderr
    );
    let found = unreadable(&r);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("src/generated.rs") && found[0].contains("nested 3001 deep"),
        "{found:?}"
    );

    // Deep but legitimate code parses: a long operator chain, brackets 900 deep.
    let chain = format!(
        "pub fn g() -> u32 {{ {} }}\n",
        vec!["1"; 40_000].join(" + ")
    );
    p.write("src/generated.rs", &chain);
    let r = gate(&p, &["--format", "json"]);
    assert_eq!(r.code, 0, "exit {}: {}", r.code, r.stderr);
    assert_eq!(unreadable(&r), Vec::<String>::new());
    let brackets = format!(
        "pub fn g() -> u32 {{ {}1{} }}\n",
        "(".repeat(900),
        ")".repeat(900)
    );
    p.write("src/generated.rs", &brackets);
    let r = gate(&p, &["--format", "json"]);
    assert_eq!(r.code, 0, "exit {}: {}", r.code, r.stderr);
    assert_eq!(unreadable(&r), Vec::<String>::new());
}

#[test]
fn platform_paths_and_conditional_modules_are_read_as_rustc_would() {
    // tempfile's layout: one file per platform chosen by `cfg_attr(.., path = ..)`; the first that exists
    // is read. A module under a cfg whose file is absent is one this build never reads: no finding.
    let p = crate_with(
        "#[cfg_attr(unix, path = \"plat/unix.rs\")]\n\
         #[cfg_attr(windows, path = \"plat/windows.rs\")]\n\
         mod platform;\n\
         #[cfg(feature = \"never\")]\n\
         mod absent;\n\
         #[cfg(feature = \"never\")]\n\
         pub mod twin;\n\
         #[cfg(not(feature = \"never\"))]\n\
         mod twin;\n\
         mod missing;\n",
    );
    p.write("src/plat/windows.rs", "pub fn w() {}\n");
    p.write("src/twin.rs", "pub fn t() {}\n");
    p.write(
        "src/plat/unix.rs",
        "pub fn u(x: Option<u8>) -> u8 {\n    x.unwrap()\n}\n",
    );
    let r = gate(&p, &["--format", "json"]);
    let findings = r.json()["findings"].as_array().unwrap().clone();
    assert!(
        findings
            .iter()
            .any(|f| f["rule_id"] == "no-unwrap" && f["location"]["file"] == "src/plat/unix.rs"),
        "the cfg_attr path was followed: {findings:#?}"
    );
    // Only the plain `mod missing;` is unreadable; the twin modules under exclusive cfgs are one file.
    let found = unreadable(&r);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("src/lib.rs: ") && found[0].contains("missing.rs"),
        "{found:?}"
    );
}
