//! Reliability and security v3 (issue 23): a baseline nobody can slip a finding past, text a pull request
//! cannot forge, input that cannot hang the tool. Real files, real git, the real tools.

use lumen_gate_tests::{Run, TempProject, run, tool};

const GATE: &str = env!("CARGO_BIN_EXE_lumen-gate-dup");
const FILE: &str = "lumen-gate-baseline.json";

fn gate(p: &TempProject, args: &[&str]) -> Run {
    run(tool(GATE)
        .args(["--offline", "--only", "lints", "--manifest-path"])
        .arg(p.manifest())
        .args(args))
}

/// A one-crate workspace `tiny` with `src/lib.rs` as given, in git.
fn tiny(lib: &str) -> TempProject {
    let p = TempProject::empty();
    p.write(
        "Cargo.toml",
        "[package]\nname = \"tiny\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    );
    p.write("src/lib.rs", lib);
    p.git_init();
    p
}

/// The counted (blocking-eligible) findings of a JSON review, as `rule:line`.
fn counted(r: &Run) -> Vec<String> {
    r.counted_findings()
        .iter()
        .map(|f| {
            format!(
                "{}:{}",
                f["rule_id"].as_str().unwrap(),
                f["location"]["line"]
            )
        })
        .collect()
}

const TWO_UNWRAPS: &str = "\
pub fn f(a: Option<u32>) -> u32 {
    let x = a.unwrap();
    let z = a.unwrap();
    x + z
}
";

#[test]
fn a_new_identical_finding_is_never_approved_by_baseline_plus_base_wherever_it_is_inserted() {
    // Inserted before, between and after the two baselined unwraps; then the two reordered; then the
    // enclosing fn renamed.
    let cases: [(&str, &str, Option<u32>); 5] = [
        ("before", "    let x = a.unwrap();\n", Some(2)),
        ("between", "    let z = a.unwrap();\n", Some(3)),
        ("after", "    x + z\n", Some(4)),
        ("reordered", "", None),
        ("renamed", "", None),
    ];
    for (name, anchor, new_line) in cases {
        let p = tiny(TWO_UNWRAPS);
        let written = gate(&p, &["--format", "json", "--write-baseline"]);
        assert_eq!(written.code, 0, "{name}: {}", written.stderr);
        let base = p.commit_all("adopt lumen-gate");
        let lib = p.read("src/lib.rs");
        let changed = match name {
            "reordered" => lib.replace(
                "    let x = a.unwrap();\n    let z = a.unwrap();\n",
                "    let z = a.unwrap();\n    let x = a.unwrap();\n",
            ),
            "renamed" => lib.replace("pub fn f(", "pub fn g("),
            _ => lib.replacen(anchor, &format!("    let y = a.unwrap();\n{anchor}"), 1),
        };
        p.write("src/lib.rs", &changed);
        p.commit_all(name);
        let with_base = gate(&p, &["--format", "json", "--base", &base]);
        let without = gate(&p, &["--format", "json"]);
        match (name, new_line) {
            ("reordered", _) => {
                assert_eq!(with_base.code, 0, "{name}: {:?}", counted(&with_base));
                assert_eq!(without.code, 0, "{name}: {:?}", counted(&without));
            }
            ("renamed", _) => {
                // Another enclosing item is another identity: nothing accepted is carried over silently.
                assert_eq!(with_base.code, 1, "{name}: {}", with_base.stdout);
                assert_eq!(counted(&with_base).len(), 2, "{name}");
                assert_eq!(without.code, 1, "{name}");
            }
            (_, Some(line)) => {
                assert_eq!(with_base.code, 1, "{name}: approved\n{}", with_base.stdout);
                // With --base the inserted line is the one blamed.
                assert_eq!(counted(&with_base), [format!("no-unwrap:{line}")], "{name}");
                assert_eq!(without.code, 1, "{name}: approved\n{}", without.stdout);
                assert_eq!(counted(&without).len(), 1, "{name}");
            }
            _ => unreachable!(),
        }
    }
}

#[test]
fn a_suppression_removed_on_an_unchanged_line_is_new_against_the_base() {
    let p = tiny(
        "pub fn f(a: Option<u32>) -> u32 {\n    // lumen-gate: allow(no-unwrap) -- checked above\n    a.unwrap()\n}\n",
    );
    let base = p.git(&["rev-parse", "HEAD"]).trim().to_owned();
    let lib = p.read("src/lib.rs");
    p.write(
        "src/lib.rs",
        &lib.replace(
            "    // lumen-gate: allow(no-unwrap) -- checked above\n",
            "    // fine\n",
        ),
    );
    p.commit_all("drop the allow");
    let r = gate(&p, &["--format", "json", "--base", &base]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(counted(&r), ["no-unwrap:3"]);
}

#[test]
fn a_baseline_that_grew_in_the_change_blocks_and_lists_each_added_entry() {
    let p = tiny("pub fn f(a: Option<u32>) -> u32 {\n    a.unwrap_or(0)\n}\n");
    let base = p.git(&["rev-parse", "HEAD"]).trim().to_owned();
    // The change adds a CRITICAL and accepts it in the baseline, in one commit.
    p.write(
        "src/lib.rs",
        "pub fn f(a: Option<u32>) -> u32 {\n    a.unwrap()\n}\n",
    );
    let written = gate(&p, &["--format", "json", "--write-baseline=all"]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    assert!(p.read(FILE).contains("no-unwrap"));
    p.commit_all("hide it");
    let md = gate(&p, &["--format", "markdown", "--base", &base]);
    assert_eq!(md.code, 1, "approved:\n{}", md.stdout);
    assert!(md.stdout.contains("### Baseline Growth"), "{}", md.stdout);
    assert!(
        md.stdout
            .contains("1. `no-unwrap` in src/lib.rs:2 (`tiny::f`): `a.unwrap()`"),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout.contains("--accept-baseline-growth"),
        "{}",
        md.stdout
    );
    let json = gate(&p, &["--format", "json", "--base", &base]);
    assert_eq!(json.json()["baseline_growth"][0]["rule"], "no-unwrap");
    // The opt-in, for the commit that adopts the tool: accepted, still listed.
    let adopted = gate(
        &p,
        &[
            "--format",
            "markdown",
            "--base",
            &base,
            "--accept-baseline-growth",
        ],
    );
    assert_eq!(adopted.code, 0, "{}", adopted.stdout);
    assert!(
        adopted
            .stdout
            .contains("accepted with `--accept-baseline-growth`")
    );
    // A baseline that only shrank, or stayed, does not block.
    let same = gate(&p, &["--format", "json", "--base", "HEAD"]);
    assert_eq!(same.code, 0, "{}", same.stdout);
}

/// Runs `cmd`, killing it after `secs`: a hang is a failure, not a stuck test run.
fn run_within(cmd: &mut std::process::Command, secs: u64) -> Run {
    use std::io::Read;
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        stdout.read_to_string(&mut s).unwrap();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        stderr.read_to_string(&mut s).unwrap();
        s
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("still running after {secs} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// The `unreadable-file` findings of a JSON run, as `file: message`, and whether they block.
fn unreadable(r: &Run) -> Vec<String> {
    r.json()["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("not a report: {}\n{}", r.stdout, r.stderr))
        .iter()
        .filter(|f| f["rule_id"] == "unreadable-file")
        .map(|f| {
            format!(
                "{} {}: {}",
                f["severity"].as_str().unwrap(),
                f["location"]["file"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect()
}

fn gate_cmd(p: &TempProject) -> std::process::Command {
    let mut cmd = tool(GATE);
    cmd.args([
        "--offline",
        "--only",
        "lints",
        "--no-cache",
        "--format",
        "json",
        "--manifest-path",
    ])
    .arg(p.manifest());
    cmd
}

#[test]
fn files_that_are_not_regular_are_findings_that_block_not_reads() {
    // lib.rs a symlink to /dev/zero (read until memory ran out), a module a named pipe (open waits for
    // a writer forever), a module a directory.
    let p = tiny("mod pipe;\nmod dir;\npub fn f() {}\n");
    std::fs::remove_file(p.root().join("src/lib.rs")).unwrap();
    p.write("src/real.rs", "mod pipe;\nmod dir;\npub fn f() {}\n");
    std::os::unix::fs::symlink("/dev/zero", p.root().join("src/lib.rs")).unwrap();
    let r = run_within(&mut gate_cmd(&p), 60);
    assert_eq!(
        r.code, 1,
        "code no rule read is never approved: {}",
        r.stderr
    );
    assert_eq!(
        unreadable(&r),
        [
            "CRITICAL src/lib.rs: `src/lib.rs` could not be checked: not read: it is a device, not a regular file"
        ]
    );

    std::fs::remove_file(p.root().join("src/lib.rs")).unwrap();
    std::fs::rename(p.root().join("src/real.rs"), p.root().join("src/lib.rs")).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(p.root().join("src/pipe.rs"))
        .status()
        .unwrap();
    assert!(fifo.success());
    std::fs::create_dir_all(p.root().join("src/dir.rs")).unwrap();
    let r = run_within(&mut gate_cmd(&p), 60);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let found = unreadable(&r);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found
            .iter()
            .any(|f| f.contains("src/pipe.rs") && f.contains("a named pipe")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|f| f.contains("src/dir.rs") && f.contains("a directory")),
        "{found:?}"
    );
}

#[test]
fn a_file_past_the_size_limit_is_a_finding_and_the_limit_is_configurable() {
    let big = format!(
        "pub fn f() {{}}\n{}",
        "// filler line of a generated file\n".repeat(200_000)
    );
    let p = tiny(&big);
    assert!(big.len() > 4 << 20);
    let r = run_within(&mut gate_cmd(&p), 60);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let found = unreadable(&r);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("larger than 4194304 bytes"), "{found:?}");
    // Raised for a generated file: read and scanned.
    p.write("lumen-gate.toml", "[lints]\nmax-file-size = 16777216\n");
    let r = run_within(&mut gate_cmd(&p), 60);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(unreadable(&r).is_empty());
    // Lowered below this file's size; a size that is not one is an error pointing at the key.
    p.write("lumen-gate.toml", "[lints]\nmax-file-size = 100\n");
    let r = run_within(&mut gate_cmd(&p), 60);
    assert_eq!(r.code, 1);
    assert!(unreadable(&r)[0].contains("larger than 100 bytes"));
    p.write("lumen-gate.toml", "[lints]\nmax-file-size = 0\n");
    let r = run_within(&mut gate_cmd(&p), 60);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("lumen-gate.toml:2:") && r.stderr.contains("max-file-size"),
        "{}",
        r.stderr
    );
}

#[test]
fn long_chains_on_one_line_scan_in_linear_time() {
    // 20,000 chained calls took 54 s (quadratic in syn's span printing); a hang guard, not a timing.
    for link in [".map(|v| v)", ".unwrap()", " + a"] {
        let p = tiny(&format!(
            "pub fn f(a: Option<u32>) -> u32 {{ let _ = a{}; 0 }}\n",
            link.repeat(20_000)
        ));
        let r = run_within(&mut gate_cmd(&p), 60);
        assert!(r.code == 0 || r.code == 1, "{link}: {}", r.stderr);
        assert!(unreadable(&r).is_empty(), "{link}: {:?}", unreadable(&r));
    }
}

/// The findings of a JSON run as `rule file:line`, sorted.
fn all_findings(r: &Run) -> Vec<String> {
    let mut out: Vec<String> = r.json()["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("not a report: {}\n{}", r.stdout, r.stderr))
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}",
                f["rule_id"].as_str().unwrap(),
                f["location"]["file"].as_str().unwrap_or("-"),
                f["location"]["line"]
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn the_lint_cache_sees_module_files_that_start_to_exist() {
    let unwrap = "pub fn g(a: Option<u8>) -> u8 {\n    a.unwrap()\n}\n";
    let p = tiny(
        "#[cfg(feature = \"x\")]\nmod cond;\n\
         #[cfg(feature = \"x\")]\n#[path = \"gen/p.rs\"]\nmod pathed;\n\
         #[cfg_attr(unix, path = \"plat/unix.rs\")]\n#[cfg_attr(windows, path = \"plat/windows.rs\")]\nmod plat;\n\
         mod both;\n",
    );
    p.write("src/plat/windows.rs", "pub fn w() {}\n");
    p.write("src/both/mod.rs", "pub fn b() {}\n");
    let cached = |p: &TempProject| {
        let r = gate(p, &["--format", "json"]);
        let fresh = gate(p, &["--format", "json", "--no-cache"]);
        assert_eq!(
            all_findings(&r),
            all_findings(&fresh),
            "the cache answered stale"
        );
        all_findings(&r)
    };
    assert!(cached(&p).is_empty(), "{:?}", cached(&p));
    // Each file that appears is seen by the next cached run.
    let steps: [(&str, &str); 4] = [
        ("src/cond.rs", "no-unwrap src/cond.rs:2"),
        ("src/gen/p.rs", "no-unwrap src/gen/p.rs:2"),
        ("src/plat/unix.rs", "no-unwrap src/plat/unix.rs:2"),
        ("src/both.rs", "unreadable-file src/lib.rs:9"),
    ];
    for (file, finding) in steps {
        cached(&p); // the cache is warm
        p.write(file, unwrap);
        let found = cached(&p);
        assert!(found.contains(&finding.to_owned()), "{file}: {found:?}");
    }
    // m.rs beside m/mod.rs is rustc's E0761: a finding that blocks, neither file read.
    let r = gate(&p, &["--format", "json"]);
    assert_eq!(r.code, 1);
    let message = r.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "unreadable-file")
        .map(|f| f["message"].as_str().unwrap().to_owned())
        .unwrap();
    assert!(
        message.contains("E0761") && message.contains("both"),
        "{message}"
    );
    // A file going away is seen as well.
    std::fs::remove_file(p.root().join("src/both.rs")).unwrap();
    assert!(!cached(&p).iter().any(|f| f.starts_with("unreadable-file")));
}

#[test]
fn cfg_all_is_always_on_so_its_missing_module_is_a_finding() {
    let p = tiny("#[cfg(all())]\nmod always;\n#[cfg(any())]\nmod never;\npub fn f() {}\n");
    let r = gate(&p, &["--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(all_findings(&r), ["unreadable-file src/lib.rs:2"]);
}

#[test]
fn github_annotations_stay_within_githubs_limits_in_the_reviews_order() {
    let body: String = (0..25)
        .map(|i| format!("pub fn f{i}(a: Option<u8>) -> u8 {{\n    a.unwrap()\n}}\n"))
        .collect();
    let p = tiny(&body);
    let gh = gate(&p, &["--format", "github"]);
    assert_eq!(gh.code, 1, "{}", gh.stderr);
    let lines: Vec<&str> = gh.stdout.lines().collect();
    let errors: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("::error file="))
        .collect();
    // 10 errors per step in all, the verdict's included; then one notice with the count of the rest.
    assert_eq!(errors.len(), 9, "{}", gh.stdout);
    assert_eq!(lines.len(), 11, "{}", gh.stdout);
    assert!(
        lines[9]
            .starts_with("::notice title=lumen-gate::16 more blocking findings are not annotated")
            && lines[9].contains("job summary"),
        "{}",
        lines[9]
    );
    assert!(
        lines[10].starts_with("::error title=lumen-gate::Performance review: CHANGES REQUESTED")
    );
    // Annotated in the review's order: the first nine items of Issues Found.
    let md = gate(&p, &["--format", "markdown"]);
    let listed: Vec<String> = md
        .stdout
        .lines()
        .filter(|l| l.contains("**[CRITICAL]**"))
        .take(9)
        .map(|l| {
            l.split("src/lib.rs:")
                .nth(1)
                .unwrap()
                .split(|c: char| !c.is_ascii_digit())
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    let annotated: Vec<String> = errors
        .iter()
        .map(|l| {
            l.split("line=")
                .nth(1)
                .unwrap()
                .split(',')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(annotated, listed);
    // A handful fits: no notice.
    let few = tiny("pub fn f(a: Option<u8>) -> u8 {\n    a.unwrap()\n}\n");
    let gh = gate(&few, &["--format", "github"]);
    assert_eq!(gh.stdout.lines().count(), 2, "{}", gh.stdout);
}

#[test]
fn hot_path_fn_globs_use_the_lib_name_and_a_glob_matching_no_crate_is_named() {
    let p = TempProject::empty();
    p.write(
        "Cargo.toml",
        "[package]\nname = \"my-pkg\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[lib]\nname = \"core_x\"\n\n[workspace]\n",
    );
    p.write(
        "src/lib.rs",
        "pub mod hot {\n    pub fn f(a: Option<u8>) -> u8 {\n        a.unwrap()\n    }\n}\n",
    );
    let hot = |r: &Run| {
        r.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["message"].as_str().unwrap().contains("in a hot path"))
    };
    p.write(
        "lumen-gate.toml",
        "[lints]\nhot-paths = [\"core_x::hot::*\"]\n",
    );
    let r = gate(&p, &["--format", "json"]);
    assert!(hot(&r), "the lib name matches: {}", r.stdout);
    assert!(!r.stderr.contains("matches no fn"), "{}", r.stderr);
    // The package name is not what the code calls its crate: said, pointing at the glob.
    p.write(
        "lumen-gate.toml",
        "[lints]\nhot-paths = [\"my_pkg::hot::*\"]\n",
    );
    let r = gate(&p, &["--format", "json"]);
    assert!(!hot(&r));
    assert!(
        r.stderr
            .contains("hot path `my_pkg::hot::*` matches no fn: no crate is named `my_pkg`")
            && r.stderr.contains("core_x")
            && r.stderr.contains("lumen-gate.toml:2"),
        "{}",
        r.stderr
    );
}
