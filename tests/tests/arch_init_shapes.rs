//! `cargo lumen-arch init` proposes only rules that load and hold on the workspace it ran on: it runs on
//! generated workspaces of several shapes (a dev-dependency cycle through a test-utils crate, two dev cycles
//! sharing a crate, layered crates under `crates/` and `libs/`, crates that do not depend on each other, a
//! single crate), and the checker then runs on its proposal: never exit 2, never a finding.

use lumen_gate_tests::{TempProject, arch_json, tool};

const BIN: &str = env!("CARGO_BIN_EXE_lumen-arch-dup");

/// One crate of a generated workspace: its directory, name, normal and dev dependencies (by directory).
struct Krate {
    dir: &'static str,
    name: &'static str,
    deps: &'static [&'static str],
    dev: &'static [&'static str],
}

const fn krate(
    dir: &'static str,
    name: &'static str,
    deps: &'static [&'static str],
    dev: &'static [&'static str],
) -> Krate {
    Krate {
        dir,
        name,
        deps,
        dev,
    }
}

/// A workspace of `crates` (a root package when one's directory is `.`).
fn workspace(crates: &[Krate]) -> TempProject {
    let p = TempProject::empty();
    let name_of = |dir: &str| crates.iter().find(|k| k.dir == dir).unwrap().name;
    // A path from the directory `from` to the crate directory `d`, both relative to the root.
    let dep_lines = |deps: &[&str], from: &str| -> String {
        let up = if from == "." {
            String::new()
        } else {
            "../".repeat(from.split('/').count())
        };
        deps.iter()
            .map(|d| format!("{} = {{ path = \"{up}{d}\" }}\n", name_of(d)))
            .collect()
    };
    let members: Vec<String> = crates
        .iter()
        .filter(|k| k.dir != ".")
        .map(|k| format!("\"{}\"", k.dir))
        .collect();
    let workspace = format!(
        "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
        members.join(", ")
    );
    let root = crates.iter().find(|k| k.dir == ".");
    if root.is_none() {
        p.write("Cargo.toml", &workspace);
    }
    for k in crates {
        let manifest = format!(
            "{}[package]\nname = \"{}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n{}\n[dev-dependencies]\n{}",
            if k.dir == "." { workspace.as_str() } else { "" },
            k.name,
            dep_lines(k.deps, k.dir),
            dep_lines(k.dev, k.dir),
        );
        let at = |f: &str| {
            if k.dir == "." {
                f.to_owned()
            } else {
                format!("{}/{f}", k.dir)
            }
        };
        p.write(&at("Cargo.toml"), &manifest);
        p.write(&at("src/lib.rs"), "//! A crate.\npub fn f() {}\n");
    }
    p
}

/// Runs init, then the checker on its proposal: the proposal's text and the report.
fn init_then_check(p: &TempProject) -> (String, serde_json::Value) {
    let run = tool(BIN)
        .args(["init", "--manifest-path"])
        .arg(p.manifest())
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "init: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = p.read("lumen-gate.toml");
    let (code, report) = arch_json(BIN, p, &[]);
    assert_eq!(
        code, 0,
        "the proposal must hold on its workspace:\n{text}\n{report:#}"
    );
    assert_eq!(
        report["findings"].as_array().unwrap().len(),
        0,
        "{report:#}"
    );
    (text, report)
}

#[test]
fn init_on_a_dev_cycle_through_test_utils_accepts_it_by_name() {
    let p = workspace(&[
        krate("crates/core", "core-lib", &[], &["crates/test-utils"]),
        krate("crates/test-utils", "test-utils", &["crates/core"], &[]),
        krate(
            "crates/runtime",
            "runtime",
            &["crates/core"],
            &["crates/test-utils"],
        ),
        krate("crates/cli", "cli", &["crates/runtime"], &[]),
    ]);
    let (text, _) = init_then_check(&p);
    assert!(text.contains("[[arch.layers]]"), "{text}");
    assert!(
        text.contains("{ from = \"core-lib\", to = \"test-utils\""),
        "the dev cycle is accepted by its closing edge: {text}"
    );
    // A new dev cycle is still caught.
    p.write(
        "crates/cli/Cargo.toml",
        "[package]\nname = \"cli\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nruntime = { path = \"../runtime\" }\n",
    );
    p.write(
        "crates/runtime/Cargo.toml",
        "[package]\nname = \"runtime\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\ncore-lib = { path = \"../core\" }\n\n[dev-dependencies]\ntest-utils = { path = \"../test-utils\" }\ncli = { path = \"../cli\" }\n",
    );
    let (code, report) = arch_json(BIN, &p, &[]);
    assert_eq!(code, 1, "{report:#}");
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "dev-dependency cycle: runtime -> cli -> runtime, closed by `runtime`'s dev-dependency on `cli` (tests, benches and examples)"
        ]
    );
    let f = &report["findings"][0];
    assert_eq!(f["location"]["file"], "crates/runtime/Cargo.toml");
    assert_eq!(f["location"]["line"], 12, "the dev edge's line: {f:#}");
}

#[test]
fn init_on_two_dev_cycles_sharing_a_crate() {
    let p = workspace(&[
        krate("runtime", "runtime", &[], &["a", "b"]),
        krate("a", "a", &["runtime"], &[]),
        krate("b", "b", &["runtime"], &[]),
    ]);
    let (text, _) = init_then_check(&p);
    assert_eq!(text.matches("to = \"").count(), 2, "{text}");
}

#[test]
fn init_on_layered_crates_under_crates_and_libs() {
    let p = workspace(&[
        krate("crates/lexer", "lexer", &[], &[]),
        krate("crates/parser", "parser", &["crates/lexer"], &[]),
        krate("crates/bytecode", "bytecode", &["crates/parser"], &[]),
        krate(
            "crates/runtime",
            "runtime",
            &["crates/bytecode"],
            &["crates/cli"],
        ),
        krate("libs/std", "lib-std", &["crates/runtime"], &[]),
        krate("libs/io", "lib-io", &["crates/runtime", "libs/std"], &[]),
        krate(
            "crates/cli",
            "cli",
            &["crates/runtime", "libs/std", "libs/io"],
            &[],
        ),
    ]);
    let (text, _) = init_then_check(&p);
    assert!(text.contains("[[arch.layers]]"), "{text}");
}

#[test]
fn init_on_crates_that_do_not_depend_on_each_other_proposes_no_layers() {
    let p = workspace(&[krate("x", "x", &[], &[]), krate("y", "y", &[], &[])]);
    let (text, _) = init_then_check(&p);
    assert!(
        !text.contains("[[arch.layers]]"),
        "one layer can never fire: {text}"
    );
}

#[test]
fn init_on_a_single_crate() {
    let p = workspace(&[krate(".", "solo", &[], &[])]);
    let (text, _) = init_then_check(&p);
    assert!(!text.contains("[[arch.layers]]"), "{text}");
    assert!(text.contains("[arch.no-cycles]"), "{text}");
}
