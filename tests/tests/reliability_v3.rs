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
    let json = r.json();
    json["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("not a report: {}\n{}", r.stdout, r.stderr))
        .iter()
        .filter(|f| f["baseline"] != "accepted" && f["baseline"] != "pre-existing")
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
