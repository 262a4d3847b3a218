//! The lints' cache never changes an answer: after every kind of edit (a file's text, a new module, a
//! renamed one, a new test target, the configuration, a corrupt cache file) a run that reads the cache
//! reports exactly what `--no-cache` reports. Real files, the real tool.

use std::path::PathBuf;

use lumen_gate_tests::{Run, TempProject, run, tool};
use serde_json::Value;

const GATE: &str = env!("CARGO_BIN_EXE_lumen-gate-dup");

fn lints(p: &TempProject, extra: &[&str]) -> Run {
    run(tool(GATE)
        .args([
            "--offline",
            "--only",
            "lints",
            "--format",
            "json",
            "--manifest-path",
        ])
        .arg(p.manifest())
        .args(extra))
}

/// The findings and problems of a run, one line each.
fn answer(r: &Run) -> Vec<String> {
    assert!(r.code == 0 || r.code == 1, "exit {}: {}", r.code, r.stderr);
    let json = r.json();
    let mut out: Vec<String> = ["findings", "problems"]
        .iter()
        .flat_map(|k| json[*k].as_array().cloned().unwrap_or_default())
        .map(|v| v.to_string())
        .collect();
    out.sort();
    out
}

/// Asserts that a cached run and an uncached one agree, and returns the answer.
fn agree(p: &TempProject, step: &str) -> Vec<String> {
    let cached = answer(&lints(p, &[]));
    let fresh = answer(&lints(p, &["--no-cache"]));
    assert_eq!(cached, fresh, "the cache changed the answer after: {step}");
    cached
}

fn cache_files(p: &TempProject) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![p.root().join("target")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.parent().is_some_and(|d| d.ends_with("lint-cache")) {
                out.push(path);
            }
        }
    }
    out
}

fn count(answer: &[String], needle: &str) -> usize {
    answer.iter().filter(|f| f.contains(needle)).count()
}

#[test]
fn a_cached_run_answers_like_a_fresh_one_after_every_kind_of_edit() {
    let p = TempProject::new("lint-rules");
    let first = agree(&p, "the first run");
    assert!(first.len() > 20, "{}", first.len());
    assert!(
        !cache_files(&p).is_empty(),
        "no cache written under target/"
    );
    // Twice from the cache: the same.
    assert_eq!(agree(&p, "nothing"), first);

    // A file's text.
    let unwraps = p.read("gates/src/unwraps.rs");
    p.write(
        "gates/src/unwraps.rs",
        &format!("{unwraps}\npub fn edited(x: Option<u8>) -> u8 {{\n    x.unwrap()\n}}\n"),
    );
    let edited = agree(&p, "an edit");
    assert_eq!(count(&edited, "unwraps::edited"), 1, "{edited:#?}");

    // A new module, then the same module under another name.
    let lib = p.read("gates/src/lib.rs");
    p.write(
        "gates/src/fresh.rs",
        "pub fn fresh(x: Option<u8>) -> u8 {\n    x.unwrap()\n}\n",
    );
    p.write("gates/src/lib.rs", &format!("{lib}\npub mod fresh;\n"));
    let added = agree(&p, "a new module");
    assert_eq!(count(&added, "gates::fresh::fresh"), 1, "{added:#?}");
    std::fs::rename(
        p.root().join("gates/src/fresh.rs"),
        p.root().join("gates/src/renamed_fresh.rs"),
    )
    .unwrap();
    p.write(
        "gates/src/lib.rs",
        &format!("{lib}\npub mod renamed_fresh;\n"),
    );
    let renamed = agree(&p, "a renamed module");
    assert_eq!(count(&renamed, "gates::fresh::fresh"), 0, "{renamed:#?}");
    assert_eq!(count(&renamed, "renamed_fresh::fresh"), 1, "{renamed:#?}");

    // The configuration: a rule off, then test targets scanned, then a new test target.
    p.write(
        "lumen-gate.toml",
        "[lints.rules.no-unwrap]\nseverity = \"off\"\n",
    );
    let off = agree(&p, "a rule turned off");
    assert_eq!(count(&off, "\"rule_id\":\"no-unwrap\""), 0, "{off:#?}");
    p.write(
        "lumen-gate.toml",
        "[lints.rules.no-unwrap]\ntargets = [\"lib\", \"test\"]\n",
    );
    let with_tests = agree(&p, "test targets scanned");
    p.write(
        "gates/tests/second.rs",
        "#[test]\nfn second() {\n    let x: Option<u8> = None;\n    x.unwrap();\n}\n",
    );
    let new_target = agree(&p, "a new test target");
    assert_eq!(
        count(&new_target, "tests/second.rs"),
        count(&with_tests, "tests/second.rs") + 1,
        "{new_target:#?}"
    );

    // A file that does not parse, then fixed; a module file missing, then written.
    let fresh = p.read("gates/src/renamed_fresh.rs");
    p.write("gates/src/renamed_fresh.rs", "pub fn broken( {\n");
    let broken = agree(&p, "a file that does not parse");
    assert_eq!(
        count(&broken, "\"rule_id\":\"unreadable-file\""),
        1,
        "{broken:#?}"
    );
    p.write("gates/src/renamed_fresh.rs", &fresh);
    assert_eq!(agree(&p, "the file fixed"), new_target);
    std::fs::remove_file(p.root().join("gates/src/renamed_fresh.rs")).unwrap();
    let missing = agree(&p, "a module file missing");
    assert_eq!(
        count(&missing, "\"rule_id\":\"unreadable-file\""),
        1,
        "{missing:#?}"
    );
    p.write("gates/src/renamed_fresh.rs", &fresh);
    assert_eq!(agree(&p, "the module file written"), new_target);

    // A cache file that is not one: ignored, and rewritten.
    for file in cache_files(&p) {
        std::fs::write(&file, "{ not json").unwrap();
    }
    assert_eq!(agree(&p, "a corrupt cache"), new_target);
    for file in cache_files(&p) {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            serde_json::from_str::<Value>(&text).is_ok(),
            "{} was not rewritten",
            file.display()
        );
    }
}
