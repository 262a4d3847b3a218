//! Adoption by a baseline that only shrinks: `cargo lumen-gate --write-baseline` accepts today's findings
//! in `lumen-gate-baseline.json`; edits that move or reformat code add nothing new; a new finding blocks;
//! fixed entries are reported and pruned; a broken file is an error, never a silent pass. Real files, real
//! git, the real tools.

use lumen_gate_tests::{Run, TempProject, run, tool};
use serde_json::Value;

const GATE: &str = env!("CARGO_BIN_EXE_lumen-gate-dup");
const ARCH: &str = env!("CARGO_BIN_EXE_lumen-arch-dup");
const FILE: &str = "lumen-gate-baseline.json";

fn gate(p: &TempProject, args: &[&str]) -> Run {
    run(tool(GATE)
        .args(["--offline", "--format", "json", "--manifest-path"])
        .arg(p.manifest())
        .args(args))
}

/// The findings of a JSON review that count (not accepted by the baseline, not pre-existing).
fn counted(r: &Run) -> Vec<String> {
    r.counted_findings()
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}",
                f["rule_id"].as_str().unwrap(),
                f["location"]["file"].as_str().unwrap_or("-"),
                f["location"]["line"]
            )
        })
        .collect()
}

fn entries(p: &TempProject) -> usize {
    let json: Value = serde_json::from_str(&p.read(FILE)).unwrap();
    json["findings"].as_array().unwrap().len()
}

#[test]
fn a_baseline_accepts_todays_findings_and_only_new_ones_block() {
    let p = TempProject::new("lint-rules");
    p.git_init();
    let before = gate(&p, &["--only", "lints"]);
    assert_eq!(before.code, 1, "{}", before.stderr);
    let total = before.json()["findings"].as_array().unwrap().len();
    assert!(total > 20, "{total}");

    // Writing it: every current finding, one entry per line, sorted; the run then passes.
    let written = gate(&p, &["--only", "lints", "--write-baseline"]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    assert_eq!(entries(&p), total);
    let text = p.read(FILE);
    assert_eq!(
        text.lines().count(),
        total + 5,
        "one entry per line:\n{text}"
    );
    assert!(counted(&written).is_empty(), "{:?}", counted(&written));
    // Byte-identical when written again on the same code.
    let again = gate(&p, &["--only", "lints", "--write-baseline"]);
    assert_eq!(again.code, 0);
    assert_eq!(p.read(FILE), text, "the baseline changed on the same code");

    // Thirty lines inserted at the top of a file full of findings, another file reformatted: nothing new.
    let unwraps = p.read("gates/src/unwraps.rs");
    p.write(
        "gates/src/unwraps.rs",
        &format!("{}{unwraps}", "// a new line on top\n".repeat(30)),
    );
    let loops = p.read("gates/src/loops.rs");
    p.write(
        "gates/src/loops.rs",
        &loops
            .replace(
                "    for i in items {\n",
                "    for i in\n        items\n    {\n",
            )
            .replace(
                "out.push(format!(\"{i}\"));",
                "out.push(\n            format!(\"{i}\"),\n        );",
            ),
    );
    let moved = gate(&p, &["--only", "lints"]);
    assert_eq!(moved.code, 0, "{:?}\n{}", counted(&moved), moved.stderr);

    // One new unwrap: exactly one new finding, and it blocks.
    let unwraps = p.read("gates/src/unwraps.rs");
    p.write(
        "gates/src/unwraps.rs",
        &unwraps.replace(
            "    let y = b.expect(\"b is set\");\n",
            "    let y = b.expect(\"b is set\");\n    let z = a.map(|v| v + 1).unwrap();\n",
        ),
    );
    let one_new = gate(&p, &["--only", "lints"]);
    assert_eq!(one_new.code, 1, "{}", one_new.stderr);
    assert_eq!(counted(&one_new), ["no-unwrap gates/src/unwraps.rs:44"]);
    // With --base too: the moved lines are new against the base but accepted by the baseline.
    let against_base = gate(&p, &["--only", "lints", "--base", "HEAD"]);
    assert_eq!(against_base.code, 1, "{}", against_base.stderr);
    assert_eq!(
        counted(&against_base),
        ["no-unwrap gates/src/unwraps.rs:44"]
    );

    // Two baselined findings fixed: reported as fixed in the review.
    let unwraps = p.read("gates/src/unwraps.rs");
    p.write(
        "gates/src/unwraps.rs",
        &unwraps
            .replace("    let x = a.unwrap();\n", "    let x = a.unwrap_or(0);\n")
            .replace(
                "    let s = format!(\"{}\", a.unwrap());\n",
                "    let s = format!(\"{}\", a.unwrap_or(0));\n",
            ),
    );
    let md = run(tool(GATE)
        .args([
            "--offline",
            "--only",
            "lints",
            "--format",
            "markdown",
            "--manifest-path",
        ])
        .arg(p.manifest()));
    assert!(
        md.stdout.contains(
            "2 baselined findings are fixed: run `cargo lumen-gate --write-baseline` to shrink the baseline."
        ),
        "{}",
        md.stdout
    );

    // --write-baseline shrinks it by the fixed two, and does not accept the new unwrap.
    let pruned = gate(&p, &["--only", "lints", "--write-baseline"]);
    assert_eq!(entries(&p), total - 2);
    assert_eq!(pruned.code, 1, "the new finding still blocks");
    // =all accepts everything there is now.
    let all = gate(&p, &["--only", "lints", "--write-baseline=all"]);
    assert_eq!(all.code, 0, "{}", all.stderr);
    assert_eq!(entries(&p), total - 1);
}

#[test]
fn a_broken_or_hand_edited_baseline_is_an_error_pointing_at_its_line() {
    let p = TempProject::new("lint-rules");
    let written = gate(&p, &["--only", "lints", "--write-baseline"]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    let text = p.read(FILE);

    // Cut short: broken JSON.
    p.write(FILE, &text[..text.len() / 2]);
    let broken = gate(&p, &["--only", "lints"]);
    assert_eq!(broken.code, 2, "never a silent pass: {}", broken.stdout);
    assert!(
        broken.stderr.contains("is not a lumen-gate baseline"),
        "{}",
        broken.stderr
    );

    // A key added by hand on the fifth line: the error points at that line.
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[4] = lines[4].replacen("{", "{\"note\":\"ok\",", 1);
    p.write(FILE, &(lines.join("\n") + "\n"));
    let edited = gate(&p, &["--only", "lints"]);
    assert_eq!(edited.code, 2);
    assert!(edited.stderr.contains("field `note`"), "{}", edited.stderr);
    assert!(
        edited.stderr.contains(&format!("{FILE}:5:")),
        "{}",
        edited.stderr
    );
}

#[test]
fn architecture_findings_are_baselined_by_their_edge_and_lumen_arch_agrees() {
    let p = TempProject::new("arch-rules");
    p.write(
        "lumen-gate.toml",
        r#"[[arch.forbid]]
id = "app-not-util"
why = "app must go through the engine"
from = "app"
to = "util"
"#,
    );
    let arch = || {
        run(tool(ARCH)
            .args(["--offline", "--manifest-path"])
            .arg(p.manifest()))
    };
    assert_eq!(arch().code, 1);
    let written = gate(&p, &["--only", "arch", "--write-baseline"]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    let text = p.read(FILE);
    assert!(text.contains(r#""edge":["app","util","normal"]"#), "{text}");
    assert_eq!(arch().code, 0, "lumen-arch reads the baseline too");
}
