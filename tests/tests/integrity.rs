//! Verdict and output integrity (issue 15, items 6, 7, 8, 11): no file name forges the review, no config
//! prints a secret, no number in the config turns gating off, and the smaller things (the step summary's
//! error, reports of another workspace, the same report twice). Real files, real symlinks, the real tools.

use std::path::Path;

use lumen_gate_tests::{Run, TempProject, run, tool};
use serde_json::Value;

const GATE: &str = env!("CARGO_BIN_EXE_lumen-gate-dup");
const ARCH: &str = env!("CARGO_BIN_EXE_lumen-arch-dup");

const FORGED: &str = "z\n\n### Verdict\nAPPROVED\n\n<!--.rs";
const ESCAPES: &str = "e\x1b]0;pwned\x07\x1b[2J.rs";
const SECRET: &str = "secret-token-4f1c9b";

fn crate_with(lib: &str) -> TempProject {
    let p = TempProject::empty();
    p.write(
        "Cargo.toml",
        "[package]\nname = \"odd\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
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

/// A crate with one module in a file named to forge the review and one named with terminal escapes, both
/// unparseable (so each has a finding), and that finding CRITICAL so the real verdict is CHANGES REQUESTED.
fn forging_crate() -> TempProject {
    let lib =
        format!("#[path = {FORGED:?}]\nmod a;\n#[path = {ESCAPES:?}]\nmod b;\n\npub fn f() {{}}\n");
    let p = crate_with(&lib);
    p.write(&format!("src/{FORGED}"), "pub fn broken( {\n");
    p.write(&format!("src/{ESCAPES}"), "pub fn broken( {\n");
    p.write(
        "lumen-gate.toml",
        "[lints.rules.unreadable-file]\nseverity = \"critical\"\n",
    );
    p
}

/// The text of `line` outside its code spans (a code span shows `<!--` as text; outside one it opens a
/// comment that hides the rest of the review).
fn outside_code_spans(line: &str) -> String {
    line.split('`').step_by(2).collect::<Vec<_>>().join(" ")
}

#[test]
fn a_file_name_cannot_forge_the_verdict_in_any_format() {
    let p = forging_crate();

    let md = gate(&p, &["--format", "markdown"]);
    assert_eq!(md.code, 1, "{}\n{}", md.stdout, md.stderr);
    let headings: Vec<&str> = md
        .stdout
        .lines()
        .filter(|l| l.trim_start().starts_with('#') && l.contains("Verdict"))
        .collect();
    assert_eq!(headings, ["### Verdict"], "{}", md.stdout);
    let verdicts: Vec<&str> = md
        .stdout
        .lines()
        .filter(|l| l.trim() == "APPROVED" || l.trim() == "CHANGES REQUESTED")
        .collect();
    assert_eq!(verdicts, ["CHANGES REQUESTED"], "{}", md.stdout);
    for line in md.stdout.lines() {
        let bare = outside_code_spans(line);
        assert!(!bare.contains("<!--"), "an HTML comment opens: {line}");
        assert!(!line.contains('\x1b'), "a terminal escape: {line:?}");
    }
    assert!(
        md.stdout.contains("[unreadable-file]"),
        "the findings are shown: {}",
        md.stdout
    );

    // Human output, every finding with its diagnostic: no control character but line breaks.
    let human = gate(&p, &["--format", "human", "-v"]);
    assert_eq!(human.code, 1, "{}", human.stderr);
    for text in [&human.stdout, &human.stderr] {
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "a control character in human output: {text:?}"
        );
    }
    assert_eq!(
        human.stdout.lines().filter(|l| *l == "APPROVED").count(),
        0,
        "{}",
        human.stdout
    );

    // GitHub annotations: one workflow command per line, nothing else can start one.
    let gh = gate(&p, &["--format", "github"]);
    assert_eq!(gh.code, 1, "{}", gh.stderr);
    let lines: Vec<&str> = gh.stdout.lines().collect();
    assert_eq!(
        lines.len(),
        3,
        "two findings and the verdict: {}",
        gh.stdout
    );
    for line in &lines {
        assert!(
            line.starts_with("::"),
            "a line that is no command: {line:?}"
        );
        assert!(!line.contains('\x1b'), "{line:?}");
    }
    assert!(lines[2].contains("CHANGES REQUESTED"), "{}", gh.stdout);

    // SARIF: every artifact URI is one well-formed relative reference.
    let sarif = gate(&p, &["--format", "sarif"]);
    let log: Value = serde_json::from_str(&sarif.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "{log:#}");
    for r in results {
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(
            uri.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~/%".contains(&b)),
            "{uri:?}"
        );
    }
}

/// A fake credentials file outside the workspace, holding a token.
fn credentials() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("credentials.toml"),
        format!("[registry]\ntoken = \"{SECRET}\"\n"),
    )
    .unwrap();
    dir
}

fn assert_refused_without_secret(r: &Run, what: &str) {
    assert_eq!(r.code, 2, "{what}: {}\n{}", r.stdout, r.stderr);
    assert!(
        !r.stdout.contains(SECRET) && !r.stderr.contains(SECRET),
        "{what} printed the secret:\n{}\n{}",
        r.stdout,
        r.stderr
    );
}

#[test]
fn a_symlinked_config_is_refused_before_it_is_read() {
    let secret = credentials();
    let creds = secret.path().join("credentials.toml");
    let p = crate_with("pub fn f() {}\n");
    std::os::unix::fs::symlink(&creds, p.root().join("lumen-gate.toml")).unwrap();
    for tool_bin in [GATE, ARCH] {
        let r = run(tool(tool_bin)
            .arg("--offline")
            .arg("--manifest-path")
            .arg(p.manifest()));
        assert_refused_without_secret(&r, "lumen-gate.toml -> credentials");
        assert!(
            r.stderr.contains("outside the workspace"),
            "says why: {}",
            r.stderr
        );
    }

    // `init` neither quotes nor rewrites the file behind the symlink.
    let before = std::fs::read(&creds).unwrap();
    let init = run(tool(ARCH)
        .arg("init")
        .arg("--manifest-path")
        .arg(p.manifest()));
    assert_refused_without_secret(&init, "init on lumen-gate.toml -> credentials");
    assert_eq!(std::fs::read(&creds).unwrap(), before, "init wrote into it");
    std::fs::write(&creds, format!("token = \"{SECRET}\n")).unwrap();
    let broken = run(tool(ARCH)
        .arg("init")
        .arg("--manifest-path")
        .arg(p.manifest()));
    assert_refused_without_secret(&broken, "init on a broken credentials file");

    // --config naming a symlink inside the workspace: refused the same way.
    std::fs::remove_file(p.root().join("lumen-gate.toml")).unwrap();
    std::os::unix::fs::symlink(&creds, p.root().join("ci.toml")).unwrap();
    let via_config = gate(
        &p,
        &["--config", p.root().join("ci.toml").to_str().unwrap()],
    );
    assert_refused_without_secret(&via_config, "--config ci.toml -> credentials");

    // A directory where the configuration should be: refused, not ignored.
    std::fs::create_dir(p.root().join("lumen-gate.toml")).unwrap();
    let dir = gate(&p, &[]);
    assert_eq!(dir.code, 2, "{}", dir.stderr);
    assert!(dir.stderr.contains("not a regular file"), "{}", dir.stderr);
}

#[test]
fn no_file_outside_the_workspace_is_quoted() {
    let secret = credentials();
    let creds = secret.path().join("credentials.toml");

    // The baseline file, a symlink out: refused before reading (its parse error would quote the token).
    let p = crate_with("pub fn f() {}\n");
    std::os::unix::fs::symlink(&creds, p.root().join("lumen-gate-baseline.json")).unwrap();
    assert_refused_without_secret(&gate(&p, &[]), "baseline -> credentials");
    let q = crate_with("pub fn f() {}\n");
    q.write(
        "lumen-gate.toml",
        &format!("[gate]\nbaseline = {:?}\n", creds.to_str().unwrap()),
    );
    assert_refused_without_secret(&gate(&q, &[]), "[gate] baseline = credentials");

    // A --report reached through a symlink: its parse error names the place, never the text or a value.
    let json_secret = secret.path().join("secret.json");
    std::fs::write(
        &json_secret,
        format!("{{\"format_version\": \"{SECRET}\"}}\n"),
    )
    .unwrap();
    std::os::unix::fs::symlink(&json_secret, p.root().join("arch.json")).unwrap();
    std::fs::remove_file(p.root().join("lumen-gate-baseline.json")).unwrap();
    let report = gate(
        &p,
        &["--report", p.root().join("arch.json").to_str().unwrap()],
    );
    assert_refused_without_secret(&report, "--report arch.json -> secret.json");
    assert!(report.stderr.contains("arch.json"), "{}", report.stderr);

    // A module file outside the workspace (`#[path]` to it) is scanned and cannot be parsed: the finding
    // names the file, the diagnostic never quotes its lines.
    let r = crate_with(&format!(
        "#[path = {:?}]\nmod a;\n\npub fn f() {{}}\n",
        creds.to_str().unwrap()
    ));
    r.write(
        "lumen-gate.toml",
        "[lints.rules.unreadable-file]\nseverity = \"critical\"\n",
    );
    let out = gate(&r, &["--format", "human", "-v"]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("unreadable-file"), "{}", out.stdout);
    assert!(
        !out.stdout.contains(SECRET) && !out.stderr.contains(SECRET),
        "quoted a file outside the workspace:\n{}\n{}",
        out.stdout,
        out.stderr
    );
}

#[test]
fn every_number_in_the_config_is_checked_by_every_tool() {
    let cases = [
        ("[bench]\nir-regression-pct = nan\n", "ir-regression-pct"),
        ("[bench]\nir-regression-pct = -1.0\n", "ir-regression-pct"),
        (
            "[bench.criterion]\nnoise-threshold-pct = inf\n",
            "noise-threshold-pct",
        ),
        ("[bench]\ntimeout-secs = 0\n", "timeout-secs"),
        (
            "[[bench.overrides]]\nbenchmarks = \"*\"\nir-regression-pct = nan\n",
            "ir-regression-pct",
        ),
        ("[bench]\nfloor-ir = -5\n", "floor-ir"),
        ("[gate.review]\nmax-items = -1\n", "max-items"),
    ];
    let p = crate_with("pub fn f() {}\n");
    for (config, key) in cases {
        p.write("lumen-gate.toml", config);
        for tool_bin in [GATE, ARCH] {
            let r = run(tool(tool_bin)
                .arg("--offline")
                .arg("--manifest-path")
                .arg(p.manifest()));
            assert_eq!(r.code, 2, "{config}: {}\n{}", r.stdout, r.stderr);
            assert!(r.stderr.contains(key), "{config}: {}", r.stderr);
            // The error points at the line of the key.
            let line = config.lines().position(|l| l.contains(key)).unwrap() + 1;
            assert!(
                r.stderr.contains(&format!("lumen-gate.toml:{line}:")),
                "{config}: {}",
                r.stderr
            );
        }
    }
}

#[test]
fn a_failed_step_summary_write_names_the_file() {
    let p = crate_with("pub fn f() {}\n");
    let summary = p.root().join("no-such-dir").join("summary.md");
    let r = run(tool(GATE)
        .args(["--offline", "--only", "lints", "--format", "github"])
        .arg("--manifest-path")
        .arg(p.manifest())
        .env("GITHUB_STEP_SUMMARY", &summary));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(summary.to_str().unwrap()),
        "names the file: {}",
        r.stderr
    );
    assert!(!r.stderr.contains("stdout"), "{}", r.stderr);
}

/// A JSON report of the lints of `p`, written by the gate itself, with one problem added.
fn report_of(p: &TempProject, to: &Path) {
    let r = run(tool(ARCH)
        .args(["--offline", "--format", "json", "--manifest-path"])
        .arg(p.manifest()));
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    let mut json = r.json();
    json["problems"] = serde_json::json!([{ "location": null, "message": "one problem" }]);
    std::fs::write(to, json.to_string()).unwrap();
}

#[test]
fn reports_of_another_workspace_are_refused_and_one_report_counts_once() {
    let a = crate_with("pub fn f() {}\n");
    let b = crate_with("pub fn g() {}\n");
    let report = a.root().join("arch.json");
    report_of(&a, &report);

    let other = gate(&b, &["--report", report.to_str().unwrap()]);
    assert_eq!(other.code, 2, "{}\n{}", other.stdout, other.stderr);
    assert!(
        other.stderr.contains("was written for the workspace at"),
        "{}",
        other.stderr
    );

    // The same file twice, under two names: its problem is counted once.
    let relative = a.root().join(".").join("arch.json");
    let twice = gate(
        &a,
        &[
            "--format",
            "json",
            "--report",
            report.to_str().unwrap(),
            "--report",
            relative.to_str().unwrap(),
        ],
    );
    assert_eq!(twice.code, 0, "{}", twice.stderr);
    let json = twice.json();
    let problems = json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["message"] == "one problem")
        .count();
    assert_eq!(problems, 1, "{}", twice.stdout);
}

#[test]
fn file_globs_that_match_no_file_are_named_in_a_warning() {
    let p = crate_with("pub fn f() {}\n");
    p.write(
        "lumen-gate.toml",
        "[lints]\nhot-paths = [\"scr/**\", \"src/lib.rs\", \"odd::hot::*\"]\n\n\
         [lints.rules.no-unwrap]\nexclude = [\"src/gen/**\"]\n\n\
         [[lints.overrides]]\npaths = [\"test/**\"]\nrules = { no-panic = \"off\" }\n",
    );
    let r = gate(&p, &[]);
    assert_eq!(r.code, 0, "warnings never fail: {}", r.stderr);
    for glob in ["scr/**", "src/gen/**", "test/**"] {
        assert!(
            r.stderr
                .contains(&format!("`{glob}` matches no file in the workspace")),
            "{glob}: {}",
            r.stderr
        );
    }
    assert!(
        !r.stderr.contains("`src/lib.rs` matches no"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("`odd::hot::*` matches no"),
        "{}",
        r.stderr
    );
}
