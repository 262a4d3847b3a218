//! The source gates end to end (`cargo lumen-gate --only lints`) on the `lint-rules` fixture: every rule's
//! true positives and near misses, exact to the column; bad input; `--base`.

use lumen_gate_tests::{CheckoutState, TempProject, tool};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_lumen-gate-dup");

/// Every finding on the fixture with `dispatch` and `advice::hot` as hot paths: file:line:column, rule,
/// severity.
/// Near misses (a field or fn named `unwrap`, commented clones, `#[cfg(test)]` and `#[test]` code,
/// integration tests, `macro_rules!` bodies, bounded sizes, closures, hash sets) must not appear.
const EXPECTED: &str = "\
advice.rs:33:25 string-interning WARNING
advice.rs:34:41 string-interning WARNING
advice.rs:40:14 collection-types WARNING
advice.rs:46:24 error-path-alloc WARNING
advice.rs:48:74 error-path-alloc WARNING
advice.rs:55:24 clone-in-hot-loop CRITICAL
advice.rs:77:24 rc-copy-on-write WARNING
advice.rs:83:23 const-generics WARNING
advice.rs:89:9 const-generics WARNING
advice.rs:96:31 clone-justified CRITICAL
allocs.rs:7:22 bounded-alloc WARNING
allocs.rs:8:13 bounded-alloc WARNING
allocs.rs:9:13 bounded-alloc WARNING
allocs.rs:11:7 bounded-alloc WARNING
allocs.rs:12:7 bounded-alloc WARNING
allocs.rs:12:27 no-silent-failure CRITICAL
allocs.rs:22:36 no-silent-failure CRITICAL
anys.rs:4:19 no-box-dyn-any CRITICAL
anys.rs:7:21 no-box-dyn-any CRITICAL
anys.rs:7:38 no-box-dyn-any CRITICAL
anys.rs:7:84 no-box-dyn-any CRITICAL
anys.rs:8:13 no-box-dyn-any CRITICAL
clones.rs:4:15 clone-justified CRITICAL
clones.rs:5:7 clone-justified CRITICAL
elsewhere/renamed.rs:4:7 no-unwrap CRITICAL
hot.rs:7:37 alloc-in-hot-loop CRITICAL
hot.rs:9:21 alloc-in-hot-loop CRITICAL
hot.rs:10:26 alloc-in-hot-loop CRITICAL
hot.rs:11:26 clone-in-hot-loop CRITICAL
hot.rs:12:24 hash-in-hot-loop CRITICAL
hot.rs:13:18 format-in-loop CRITICAL
hot.rs:15:5 no-silent-failure CRITICAL
hot.rs:15:13 catch-unwind-in-hot-path CRITICAL
loops.rs:7:18 format-in-loop WARNING
loops.rs:8:20 format-in-loop WARNING
loops.rs:9:17 quadratic WARNING
loops.rs:10:22 format-in-loop WARNING
loops.rs:15:15 quadratic WARNING
loops.rs:18:18 quadratic WARNING
loops.rs:20:28 format-in-loop WARNING
nested/deep.rs:4:5 no-panic CRITICAL
panics.rs:5:14 no-panic CRITICAL
panics.rs:6:14 no-panic CRITICAL
panics.rs:7:14 no-panic CRITICAL
panics.rs:8:14 no-panic CRITICAL
panics.rs:22:9 no-panic CRITICAL
silent.rs:5:5 no-silent-failure CRITICAL
silent.rs:6:5 no-silent-failure CRITICAL
silent.rs:7:17 no-silent-failure CRITICAL
silent.rs:10:9 no-silent-failure CRITICAL
silent.rs:12:12 no-silent-failure CRITICAL
silent.rs:13:22 no-silent-failure CRITICAL
suppressed.rs:7:15 no-unwrap CRITICAL
suppressed.rs:7:28 suppression-reason WARNING
truth.rs:54:15 no-unwrap CRITICAL
truth.rs:56:22 no-unwrap WARNING
truth.rs:165:20 clone-justified CRITICAL
unwraps.rs:12:15 no-unwrap CRITICAL
unwraps.rs:13:15 no-unwrap CRITICAL
unwraps.rs:14:29 no-unwrap CRITICAL
unwraps.rs:33:7 no-unwrap CRITICAL
";

fn lints(p: &TempProject, args: &[&str]) -> (i32, Value, String) {
    let out = tool(BIN)
        .args([
            "--only",
            "lints",
            "--format",
            "json",
            "--offline",
            "--manifest-path",
        ])
        .arg(p.manifest())
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    (out.status.code().unwrap_or(-1), value, stderr)
}

fn lines(report: &Value) -> Vec<String> {
    let mut out: Vec<(String, u64, u64, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let l = &f["location"];
            (
                l["file"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("gates/src/")
                    .to_owned(),
                l["line"].as_u64().unwrap(),
                l["column"].as_u64().unwrap(),
                f["rule_id"].as_str().unwrap().to_owned(),
                f["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    out.sort();
    out.iter()
        .map(|(f, l, c, r, s)| format!("{f}:{l}:{c} {r} {s}"))
        .collect()
}

#[test]
fn every_rule_finds_its_true_positives_and_no_near_misses() {
    let p = TempProject::new("lint-rules");
    p.write(
        "lumen-gate.toml",
        "[lints]\nnursery = true\nhot-paths = [\"gates::hot::dispatch\", \"gates::advice::hot*\"]\n",
    );
    let (code, r, stderr) = lints(&p, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(lines(&r).join("\n") + "\n", EXPECTED);
    assert!(r.get("problems").is_none(), "{r:#}");
}

#[test]
fn hot_paths_by_file_glob_and_cold_code() {
    let p = TempProject::new("lint-rules");
    let (_, r, _) = lints(&p, &[]);
    let hot: Vec<String> = lines(&r)
        .into_iter()
        .filter(|l| l.starts_with("hot.rs"))
        .collect();
    // Without hot paths, only the rules that apply everywhere report in hot.rs, at their default severity
    // (no-silent-failure is in the nursery: off).
    assert_eq!(hot, ["hot.rs:13:18 format-in-loop WARNING"]);
    p.write(
        "lumen-gate.toml",
        "[lints]\nhot-paths = [\"gates/src/hot.rs\"]\n",
    );
    let (_, r, _) = lints(&p, &[]);
    let cold_hits = lines(&r)
        .into_iter()
        .filter(|l| l.starts_with("hot.rs:2"))
        .count();
    assert_eq!(
        cold_hits, 2,
        "a hot file makes `cold` hot too: Vec::new and the map lookup"
    );
}

#[test]
fn rule_settings_and_path_overrides() {
    let p = TempProject::new("lint-rules");
    p.write(
        "lumen-gate.toml",
        "[lints.rules.no-unwrap]\nseverity = \"info\"\nexclude = [\"gates/src/elsewhere/**\"]\n\n[[lints.overrides]]\npaths = [\"gates/src/panics.rs\"]\nrules = { no-panic = \"off\" }\n",
    );
    let (_, r, _) = lints(&p, &[]);
    let l = lines(&r);
    assert!(
        l.contains(&"unwraps.rs:12:15 no-unwrap INFO".to_owned()),
        "{l:#?}"
    );
    assert!(!l.iter().any(|x| x.starts_with("elsewhere/")), "{l:#?}");
    assert!(!l.iter().any(|x| x.starts_with("panics.rs")), "{l:#?}");
    assert!(
        l.contains(&"nested/deep.rs:4:5 no-panic CRITICAL".to_owned()),
        "{l:#?}"
    );
}

#[test]
fn test_targets_are_scanned_only_when_a_rule_says_so() {
    let p = TempProject::new("lint-rules");
    p.write(
        "lumen-gate.toml",
        "[lints.rules.no-unwrap]\ntargets = [\"lib\", \"test\"]\n",
    );
    let (_, r, _) = lints(&p, &[]);
    let l = lines(&r);
    for expected in [
        "gates/tests/it.rs:5:13 no-unwrap CRITICAL",
        "lib.rs:20:17 no-unwrap CRITICAL",
        "unwraps.rs:29:13 no-unwrap CRITICAL",
    ] {
        assert!(
            l.iter().any(|x| x == expected),
            "missing {expected}: {l:#?}"
        );
    }
}

#[test]
fn unknown_rule_and_bad_severity_point_into_the_config() {
    let p = TempProject::new("lint-rules");
    p.write(
        "lumen-gate.toml",
        "[lints.rules.no-unwarp]\nseverity = \"warning\"\n",
    );
    let out = tool(BIN)
        .args(["--only", "lints", "--manifest-path"])
        .arg(p.manifest())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unknown rule `no-unwarp`"), "{stderr}");
    assert!(stderr.contains("lumen-gate.toml:1:"), "{stderr}");
    p.write(
        "lumen-gate.toml",
        "[lints.rules.no-unwrap]\nseverity = \"fatal\"\n",
    );
    let out = tool(BIN)
        .args(["--only", "lints", "--manifest-path"])
        .arg(p.manifest())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unknown variant `fatal`"), "{stderr}");
    assert!(stderr.contains("lumen-gate.toml:2:"), "{stderr}");
}

#[test]
fn settings_under_the_old_gate_section_still_apply_with_a_deprecation_warning() {
    let p = TempProject::new("lint-rules");
    p.write(
        "lumen-gate.toml",
        "[gate]\nhot-paths = [\"gates/src/hot.rs\"]\n\n[gate.rules.no-unwrap]\nseverity = \"info\"\n",
    );
    let old = tool(BIN)
        .args(["--only", "lints", "--format", "json", "--manifest-path"])
        .arg(p.manifest())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&old.stderr);
    assert_eq!(
        stderr.matches("deprecated").count(),
        2,
        "one warning per old key: {stderr}"
    );
    p.write(
        "lumen-gate.toml",
        "[lints]\nhot-paths = [\"gates/src/hot.rs\"]\n\n[lints.rules.no-unwrap]\nseverity = \"info\"\n",
    );
    let new = tool(BIN)
        .args(["--only", "lints", "--format", "json", "--manifest-path"])
        .arg(p.manifest())
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&new.stderr).contains("deprecated"));
    assert_eq!(old.status.code(), new.status.code());
    assert_eq!(old.stdout, new.stdout, "the same findings either way");
}

#[test]
fn bad_files_are_reported_and_the_rest_still_scanned() {
    let p = TempProject::new("lint-rules");
    p.write(
        "gates/src/lib.rs",
        &(p.read("gates/src/lib.rs") + "mod broken;\nmod missing;\nmod latin;\nmod looped;\n"),
    );
    p.write("gates/src/broken.rs", "pub fn f( {\n");
    std::fs::write(
        p.root().join("gates/src/latin.rs"),
        b"//! caf\xe9\npub fn g() {}\n",
    )
    .unwrap();
    std::fs::create_dir_all(p.root().join("gates/src/looped")).unwrap();
    p.write("gates/src/looped/mod.rs", "mod again;\n");
    std::os::unix::fs::symlink(
        p.root().join("gates/src/looped/mod.rs"),
        p.root().join("gates/src/looped/again.rs"),
    )
    .unwrap();
    let (code, r, stderr) = lints(&p, &[]);
    assert_eq!(code, 1, "{stderr}");
    let problems: Vec<String> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["rule_id"] == "unreadable-file")
        .map(|x| {
            format!(
                "{}:{} {}",
                x["location"]["file"].as_str().unwrap(),
                x["location"]["line"],
                x["message"].as_str().unwrap()
            )
        })
        .collect();
    let has = |file: &str, text: &str| {
        problems
            .iter()
            .any(|x| x.starts_with(file) && x.contains(text))
    };
    assert!(
        has("gates/src/broken.rs:1", "cannot parse"),
        "{problems:#?}"
    );
    assert!(
        has("gates/src/lib.rs:", "module file not found"),
        "{problems:#?}"
    );
    assert!(
        has("gates/src/latin.rs:1", "not valid UTF-8"),
        "{problems:#?}"
    );
    assert!(
        has("gates/src/looped/again.rs", "reached twice"),
        "{problems:#?}"
    );
    assert_eq!(problems.len(), 4, "{problems:#?}");
    // The rest was still scanned.
    assert!(lines(&r).contains(&"unwraps.rs:12:15 no-unwrap CRITICAL".to_owned()));
}

#[test]
fn base_marks_only_changed_lines_as_new_and_leaves_the_checkout_alone() {
    let p = TempProject::new("lint-rules");
    p.git_init();
    let base = p.git(&["rev-parse", "HEAD"]).trim().to_owned();
    let text = p.read("gates/src/unwraps.rs");
    p.write(
        "gates/src/unwraps.rs",
        &text.replace(
            "    let x = a.unwrap();\n",
            "    let x = a.unwrap();\n    let w = a.unwrap() + 1;\n",
        ),
    );
    p.write("gates/src/staged.rs", "pub fn s() {}\n");
    p.git(&["add", "gates/src/staged.rs"]);
    let before = CheckoutState::capture(p.root());
    let (code, r, stderr) = lints(&p, &["--base", &base]);
    assert_eq!(
        CheckoutState::capture(p.root()),
        before,
        "the checkout changed"
    );
    assert_eq!(code, 1, "{stderr}");
    let new: Vec<String> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["baseline"] == "new")
        .map(|f| {
            format!(
                "{}:{}",
                f["location"]["file"].as_str().unwrap(),
                f["location"]["line"]
            )
        })
        .collect();
    assert_eq!(new, ["gates/src/unwraps.rs:13"]);
    assert!(
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["baseline"] == "pre-existing")
            .count()
            > 20
    );
    // Without the new line nothing new blocks.
    p.write("gates/src/unwraps.rs", &text);
    let (code, _, _) = lints(&p, &["--base", &base]);
    assert_eq!(code, 0);
}

#[test]
fn human_output_has_diagnostics_and_a_count_per_rule() {
    let p = TempProject::new("lint-rules");
    let out = tool(BIN)
        .args(["--only", "lints", "-p", "gates", "--manifest-path"])
        .arg(p.manifest())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("[gates/src/unwraps.rs:12:15]"), "{stdout}");
    assert!(stdout.contains("let x = a.unwrap();"), "{stdout}");
    assert!(stdout.contains("no-unwrap: 8"), "{stdout}");
    assert!(stdout.contains("verdict CHANGES REQUESTED"), "{stdout}");
    let out = tool(BIN)
        .args(["--only", "lints", "-p", "nope", "--manifest-path"])
        .arg(p.manifest())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("package `nope` is not a member"));
}

/// The Lumen preset turns the nursery's `no-silent-failure` on, as WARNING: on the corpus's test part most
/// of its CRITICAL findings were not errors dropped for certain, and a guess never blocks on its own.
#[test]
fn the_lumen_preset_reports_silent_failures_as_warnings() {
    let p = TempProject::new("lint-rules");
    let (_, r, stderr) = lints(&p, &["--preset", "lumen"]);
    let silent: Vec<String> = lines(&r)
        .into_iter()
        .filter(|l| l.starts_with("silent.rs") && l.contains("no-silent-failure"))
        .collect();
    assert_eq!(silent.len(), 6, "{silent:#?}\n{stderr}");
    assert!(
        silent.iter().all(|l| l.ends_with(" WARNING")),
        "{silent:#?}"
    );
}

/// The Lumen preset carries the spec's hot paths: `--preset lumen` uses them where the workspace has no
/// `[lints]`, `lower_safe`'s `catch_unwind` is allowed as crash protection and any other is not, and
/// `cargo lumen-arch init --preset lumen` writes them with the spec line each comes from.
#[test]
fn the_lumen_preset_carries_the_specs_hot_paths() {
    let p = TempProject::new("example-lumen");
    let lib = p.read("rust/lumen-compiler/src/lib.rs");
    p.write(
        "rust/lumen-compiler/src/lib.rs",
        &format!(
            "{lib}\n/// Not crash protection: an expected error caught by unwinding.\npub fn lower_risky(src: &str) -> bool {{\n    std::panic::catch_unwind(|| compile(src).is_ok()).unwrap_or(false)\n}}\n"
        ),
    );
    let (_, r, stderr) = lints(&p, &["--preset", "lumen"]);
    let found: Vec<String> = lines(&r)
        .into_iter()
        .filter(|l| l.contains("catch-unwind") || l.contains("vm/mod.rs"))
        .collect();
    assert_eq!(
        found,
        [
            "rust/lumen-compiler/src/lib.rs:18:5 catch-unwind-in-hot-path CRITICAL",
            "rust/lumen-vm/src/vm/mod.rs:9:20 format-in-loop CRITICAL",
        ],
        "{stderr}"
    );
    // Without the preset, no hot paths: the format! is a WARNING, catch_unwind is not reported.
    let (_, r, _) = lints(&p, &[]);
    assert!(
        lines(&r)
            .iter()
            .any(|l| l == "rust/lumen-vm/src/vm/mod.rs:9:20 format-in-loop WARNING"),
        "{r:#}"
    );

    let init = tool(env!("CARGO_BIN_EXE_lumen-arch-dup"))
        .args(["init", "--preset", "lumen", "--manifest-path"])
        .arg(p.manifest())
        .output()
        .unwrap();
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let written = p.read("lumen-gate.toml");
    for expected in [
        "[lints]",
        "\"lumen_vm::vm::*exec*\",",
        "# \"VM Dispatch Loop (`rust/lumen-vm/src/vm/mod.rs`)",
        "interner = \"StringTable\"",
        "exclude = [\"lumen_compiler::lower_safe\"",
    ] {
        assert!(written.contains(expected), "{expected} not in:\n{written}");
    }
    // The written file alone now gives what the preset gave.
    let (_, r, _) = lints(&p, &[]);
    assert!(
        lines(&r)
            .iter()
            .any(|l| l == "rust/lumen-compiler/src/lib.rs:18:5 catch-unwind-in-hot-path CRITICAL"),
        "{r:#}"
    );
}

/// `string-interning` speaks only in a crate that interns: the fixture defines an `Interner` (found by
/// its name and its `intern` method); naming another interner type in the configuration silences it, and
/// a name that is not a type is an error at its place.
#[test]
fn string_interning_needs_an_interner() {
    let p = TempProject::new("lint-rules");
    let hot = "[lints]\nnursery = true\nhot-paths = [\"gates::advice::hot*\"]\n";
    let count = |r: &Value| {
        lines(r)
            .iter()
            .filter(|l| l.contains("string-interning"))
            .count()
    };
    p.write("lumen-gate.toml", hot);
    let (_, r, _) = lints(&p, &[]);
    assert_eq!(count(&r), 2, "{r:#}");
    p.write(
        "lumen-gate.toml",
        &format!("{hot}interner = \"Interner\"\n"),
    );
    let (_, r, _) = lints(&p, &[]);
    assert_eq!(count(&r), 2, "{r:#}");
    p.write(
        "lumen-gate.toml",
        &format!("{hot}interner = \"StringTable\"\n"),
    );
    let (_, r, _) = lints(&p, &[]);
    assert_eq!(count(&r), 0, "{r:#}");
    p.write("lumen-gate.toml", &format!("{hot}interner = \"a b\"\n"));
    let out = tool(BIN)
        .args(["--only", "lints", "--offline", "--manifest-path"])
        .arg(p.manifest())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("is not a type name") && stderr.contains("lumen-gate.toml:4"),
        "{stderr}"
    );
}
