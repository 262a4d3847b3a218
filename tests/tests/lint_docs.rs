//! Every lint rule's documentation tells the truth: the `## Example` of `--explain <rule>` fires on exactly
//! the lines marked `// fires`, and the `## Not a finding` block does not fire the rule at all, when the
//! real scanner runs on each as a crate of its own (with the nursery on and `run` as the hot path).

use std::collections::BTreeSet;

use lumen_gate_tests::{TempProject, tool};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_lumen-gate-dup");

/// The rule ids, as `--explain list` prints them.
fn rule_ids() -> Vec<String> {
    let out = tool(BIN).args(["--explain", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect()
}

/// The rust code blocks under `heading` in `doc`.
fn blocks(doc: &str, heading: &str) -> Vec<String> {
    let Some(start) = doc.find(heading) else {
        return Vec::new();
    };
    let section = &doc[start + heading.len()..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    section
        .split("```rust\n")
        .skip(1)
        .filter_map(|b| b.split("\n```").next().map(str::to_owned))
        .collect()
}

/// The lines where `rule` fires when `code` is a crate's `src/lib.rs` (after `// fires` markers are
/// removed, since a marker is a comment too), and the lines it marks.
fn fired(rule: &str, code: &str) -> (BTreeSet<u64>, BTreeSet<u64>) {
    let marked: BTreeSet<u64> = code
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim_end().ends_with("// fires"))
        .map(|(i, _)| i as u64 + 1)
        .collect();
    let plain: String = code
        .lines()
        .map(|l| l.trim_end().trim_end_matches("// fires").trim_end())
        .collect::<Vec<_>>()
        .join("\n");
    let p = TempProject::empty();
    p.write(
        "Cargo.toml",
        "[package]\nname = \"doc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    );
    p.write(
        "Cargo.lock",
        "version = 4\n\n[[package]]\nname = \"doc\"\nversion = \"0.1.0\"\n",
    );
    p.write("src/lib.rs", &(plain + "\n"));
    p.write(
        "lumen-gate.toml",
        "[lints]\nnursery = true\nhot-paths = [\"*::run\"]\n",
    );
    let out = tool(BIN)
        .args([
            "--only",
            "lints",
            "--format",
            "json",
            "--no-cache",
            "--offline",
            "--manifest-path",
        ])
        .arg(p.manifest())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "{rule}: {e}: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let lines = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == rule)
        .filter_map(|f| f["location"]["line"].as_u64())
        .collect();
    (lines, marked)
}

#[test]
fn every_rules_examples_fire_where_marked_and_its_near_misses_do_not() {
    let ids = rule_ids();
    assert!(ids.len() >= 19, "{ids:?}");
    let mut wrong = Vec::new();
    for id in &ids {
        let out = tool(BIN).args(["--explain", id]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "--explain {id}");
        let doc = String::from_utf8_lossy(&out.stdout).into_owned();
        for heading in [
            "## What it finds",
            "## Why it costs",
            "## Example",
            "## Not a finding",
            "## Known limits",
            "## Configuration",
        ] {
            assert!(doc.contains(heading), "{id}: no `{heading}`");
        }
        let examples = blocks(&doc, "## Example");
        assert!(!examples.is_empty(), "{id}: no example");
        for code in examples {
            let (lines, marked) = fired(id, &code);
            assert!(!marked.is_empty(), "{id}: an example with no `// fires`");
            if lines != marked {
                wrong.push(format!(
                    "{id} example: fired on {lines:?}, marked {marked:?}"
                ));
            }
        }
        for code in blocks(&doc, "## Not a finding") {
            let (lines, _) = fired(id, &code);
            if !lines.is_empty() {
                wrong.push(format!("{id} near miss: fired on {lines:?}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn explain_names_the_rules_there_are_when_asked_about_one_that_is_not() {
    let out = tool(BIN)
        .args(["--explain", "no_such_rule"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no lint rule") && stderr.contains("hash-in-hot-loop"),
        "{stderr}"
    );
    // Any case, `_` for `-`, and the kind's prefix are accepted, as clippy's --explain does.
    let out = tool(BIN)
        .args(["--explain", "lints::Hash_In_Hot_Loop"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("# `hash-in-hot-loop`"));
}
