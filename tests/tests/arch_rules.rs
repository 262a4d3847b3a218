//! `cargo lumen-arch` end to end on the `arch-rules` fixture: each rule kind, passing and violating, with
//! findings, paths, file:line spans, JSON and exit codes. Findings are JSON snapshots (`snapshots/`).

use lumen_gate_tests::{Run, TempProject, arch_json, run_arch, tool};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_lumen-arch-dup");

fn arch(project: &TempProject, args: &[&str]) -> Run {
    run_arch(BIN, project, args)
}

/// Writes `rules` as lumen-gate.toml and runs with `--format json`.
fn json_with(rules: &str) -> (i32, Value) {
    let p = TempProject::new("arch-rules");
    p.write("lumen-gate.toml", rules);
    json(&p, &[])
}

/// Runs with `--format json`: the exit code and the report, the temp root replaced by `[ROOT]`.
fn json(p: &TempProject, args: &[&str]) -> (i32, Value) {
    arch_json(BIN, p, args)
}

fn findings(report: &Value) -> &[Value] {
    report["findings"].as_array().unwrap()
}

/// `util` without its dev-dependency on `engine`, which closes the fixture's only cycle.
const UTIL_WITHOUT_DEV_DEPENDENCY: &str = r#"[package]
name = "util"
version = "0.1.0"
edition = "2021"
publish = false
"#;

#[test]
fn forbid_direct_edge_is_reported_at_its_manifest_line() {
    let (code, r) = json_with(
        r#"
[[arch.forbid]]
id = "app-not-util"
why = "app must go through the engine"
from = "app"
to = "util"
"#,
    );
    assert_eq!(code, 1);
    assert_eq!(findings(&r).len(), 1, "{r:#}");
    insta::assert_json_snapshot!("forbid_direct_edge", r["findings"]);
    // JSON report shape.
    assert_eq!(r["format_version"], 2);
    assert_eq!(r["tool"], "arch");
    assert!(
        r["rules_checked"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == "app-not-util")
    );
}

#[test]
fn forbid_passes_when_no_edge_matches() {
    let (code, r) = json_with(
        r#"
[[arch.forbid]]
id = "leaf"
why = "w"
from = "util"
to = "app"
transitive = true
"#,
    );
    assert_eq!(code, 0, "{r:#}");
    assert!(findings(&r).is_empty(), "{r:#}");
}

#[test]
fn forbid_transitive_lists_every_shortest_path() {
    let rule = r#"
[[arch.forbid]]
id = "b-no-util"
why = "w"
from = "plugin-b"
to = "util"
"#;
    let (code, r) = json_with(rule);
    assert_eq!(
        code, 0,
        "direct only: plugin-b has no direct edge to util\n{r:#}"
    );
    let (code, r) = json_with(&format!("{rule}transitive = true\n"));
    assert_eq!(code, 1);
    assert_eq!(findings(&r).len(), 1, "{r:#}");
    // Two paths, plugin-b -> engine -> util and plugin-b -> helper -> util, each hop at its manifest line.
    insta::assert_json_snapshot!("forbid_transitive_paths", r["findings"]);
}

#[test]
fn optional_edges_carry_their_features_and_can_be_left_out() {
    let rule = r#"
[[arch.forbid]]
id = "no-helper"
why = "w"
from = "app"
to = "helper"
"#;
    let (code, r) = json_with(&format!("{rule}include-optional = false\n"));
    assert_eq!(code, 0, "{r:#}");
    let (code, r) = json_with(rule);
    assert_eq!(code, 1);
    assert_eq!(findings(&r).len(), 1, "{r:#}");
    // The hop is optional, enabled by feature `extras`, and the message says so.
    insta::assert_json_snapshot!("forbid_optional_edge", r["findings"]);
}

#[test]
fn dev_edges_are_reported_as_dev_only_and_filtered_by_kind() {
    let rule = r#"
[[arch.forbid]]
id = "util-no-engine"
why = "w"
from = "util"
to = "engine"
"#;
    let (code, r) = json_with(&format!("{rule}kinds = [\"normal\", \"build\"]\n"));
    assert_eq!(code, 0, "{r:#}");
    let (code, r) = json_with(&format!("{rule}kinds = [\"dev\"]\n"));
    assert_eq!(code, 1);
    assert_eq!(findings(&r).len(), 1, "{r:#}");
    // A dev-only hop, declared at util/Cargo.toml:10 under [dev-dependencies].
    insta::assert_json_snapshot!("forbid_dev_edge", r["findings"]);
}

#[test]
fn layers_pass_and_fail() {
    let (code, r) = json_with(
        r#"
[[arch.layers]]
id = "layers"
why = "w"
layers = [["app"], ["plugin-*", "helper"], ["engine"], ["util"]]
"#,
    );
    assert_eq!(code, 0, "{r:#}");
    let (code, r) = json_with(
        r#"
[[arch.layers]]
id = "layers"
why = "w"
layers = [["app"], ["engine"], ["plugin-*", "helper", "util"]]
"#,
    );
    assert_eq!(code, 1);
    assert_eq!(findings(&r).len(), 2, "{r:#}");
    // plugin-a and plugin-b (layer 3) each depend on engine (layer 2).
    insta::assert_json_snapshot!("layers_violated", r["findings"]);
}

#[test]
fn only_through_follows_renames_and_reexports_and_skips_test_code() {
    let rule = r#"
[[arch.only-through]]
id = "engine-api-only"
why = "the engine's internals may change"
from = "app"
to = "engine"
modules = ["engine::api"]
"#;
    let (code, r) = json_with(rule);
    assert_eq!(code, 1);
    assert_eq!(findings(&r).len(), 2, "{r:#}");
    // app/src/lib.rs:3 `kernel::Secret` (re-exported from kernel::internal) and :8 `kernel::internal::poke`.
    insta::assert_json_snapshot!("only_through_library_code", r["findings"]);
    let (code, r) = json_with(&format!("{rule}include-tests = true\n"));
    assert_eq!(code, 1);
    assert_eq!(
        findings(&r).len(),
        3,
        "test code counts when the rule says so: {r:#}"
    );
    // The third is in the `#[cfg(test)]` module, app/src/lib.rs:15.
    insta::assert_json_snapshot!("only_through_with_tests", r["findings"]);
    let (code, r) = json_with(&rule.replace(
        r#"["engine::api"]"#,
        r#"["engine::api", "engine::internal"]"#,
    ));
    assert_eq!(code, 0, "{r:#}");
}

#[test]
fn require_dependency_and_trait_impl() {
    let (code, r) = json_with(
        r#"
[[arch.require]]
id = "plugins"
why = "w"
crates = "plugin-*"
depends-on = "engine"
implements = "Plugin"
"#,
    );
    assert_eq!(code, 1);
    assert_eq!(findings(&r).len(), 1, "{r:#}");
    // plugin-b implements Plugin only in test code: a finding at its `[package] name` line.
    insta::assert_json_snapshot!("require_trait_impl", r["findings"]);
    let (code, r) = json_with(
        r#"
[[arch.require]]
id = "helpers"
why = "w"
crates = "plugin-*"
depends-on = "helper"
"#,
    );
    assert_eq!(code, 1);
    assert_eq!(findings(&r).len(), 1, "{r:#}");
    // plugin-a does not depend on helper.
    insta::assert_json_snapshot!("require_dependency", r["findings"]);
    let (code, r) = json_with(
        r#"
[[arch.require]]
id = "engine"
why = "w"
crates = "plugin-*"
depends-on = "engine"
"#,
    );
    assert_eq!(code, 0, "{r:#}");
}

#[test]
fn independent_crates() {
    let (code, r) = json_with(
        r#"
[[arch.independent]]
id = "plugins"
why = "w"
crates = ["plugin-a", "plugin-b"]
"#,
    );
    assert_eq!(code, 1);
    assert_eq!(findings(&r).len(), 1, "{r:#}");
    // plugin-b -> plugin-a.
    insta::assert_json_snapshot!("independent_violated", r["findings"]);
    let (code, r) = json_with(
        r#"
[[arch.independent]]
id = "apps"
why = "w"
crates = ["app", "plugin-a"]
"#,
    );
    assert_eq!(code, 0, "{r:#}");
}

#[test]
fn no_cycles_counts_dev_dependencies() {
    let (code, r) = json_with("[arch.no-cycles]\n");
    assert_eq!(code, 1);
    assert_eq!(findings(&r).len(), 1, "{r:#}");
    // engine -> util -> engine, closed by util's dev-dependency.
    insta::assert_json_snapshot!("no_cycles_dev_cycle", r["findings"]);
    let p = TempProject::new("arch-rules");
    p.write("lumen-gate.toml", "[arch.no-cycles]\n");
    p.write("util/Cargo.toml", UTIL_WITHOUT_DEV_DEPENDENCY);
    p.update_lockfile();
    let (code, r) = json(&p, &[]);
    assert_eq!(code, 0, "{r:#}");
}

#[test]
fn explain_shows_paths_with_kinds_and_manifest_lines() {
    let p = TempProject::new("arch-rules");
    p.write(
        "lumen-gate.toml",
        r#"
[[arch.forbid]]
id = "b-no-util"
why = "w"
from = "plugin-b"
to = "util"
transitive = true

[[arch.forbid]]
id = "no-helper"
why = "w"
from = "app"
to = "helper"
"#,
    );
    let run = arch(&p, &["--explain"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for expected in [
        "path 1: plugin-b -> engine -> util",
        "plugin-b -> engine [normal] declared at plugin-b/Cargo.toml:8",
        "engine -> util [normal] declared at engine/Cargo.toml:8",
        "path 2: plugin-b -> helper -> util",
        "app -> helper [normal, optional, via feature `extras` of app] declared at app/Cargo.toml:13",
    ] {
        assert!(
            run.stdout.contains(expected),
            "missing `{expected}` in:\n{}",
            run.stdout
        );
    }
    let run = arch(&p, &["--explain", "b-no-util"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains("rule `b-no-util` (arch::forbid)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("from: `plugin-b` matches plugin-b"),
        "{}",
        run.stdout
    );
    let run = arch(&p, &["--explain", "nope"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no rule with id `nope`"),
        "{}",
        run.stderr
    );
}

#[test]
fn human_output_points_at_the_manifest_line() {
    let p = TempProject::new("arch-rules");
    p.write(
        "lumen-gate.toml",
        r#"
[[arch.forbid]]
id = "app-not-util"
why = "go through the engine"
from = "app"
to = "util"
"#,
    );
    let run = arch(&p, &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("[app-not-util] `app` depends on `util` (normal)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("[app/Cargo.toml:12:1]"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(r#"util = { path = "../util" }"#),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("why: go through the engine"),
        "{}",
        run.stdout
    );
}

#[test]
fn graph_output_marks_violating_edges() {
    let p = TempProject::new("arch-rules");
    p.write(
        "lumen-gate.toml",
        r#"
[[arch.layers]]
id = "layers"
why = "w"
layers = [["app"], ["engine"], ["plugin-*", "helper", "util"]]
"#,
    );
    let run = arch(&p, &["--graph", "mermaid"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.starts_with("graph TD\n"), "{}", run.stdout);
    assert!(
        run.stdout.contains(r#"subgraph layer2["layer 2"]"#),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains(r#"plugin_a -->|"violates layers"| engine"#),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("util -.->|dev| engine"),
        "{}",
        run.stdout
    );
    let run = arch(&p, &["--graph", "dot"]);
    assert!(
        run.stdout.contains(r#""plugin-b" -> "engine" [color=red"#),
        "{}",
        run.stdout
    );
}

#[test]
fn init_proposes_rules_the_graph_passes_and_keeps_comments() {
    let p = TempProject::new("arch-rules");
    // Leave the dev cycle out so the proposal (which includes no-cycles) passes.
    p.write("util/Cargo.toml", UTIL_WITHOUT_DEV_DEPENDENCY);
    p.update_lockfile();
    let ours = r#"# Our rules.
[gate] # keep me
"#;
    p.write("lumen-gate.toml", ours);
    let run = tool(BIN)
        .args(["init", "--manifest-path"])
        .arg(p.manifest())
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = p.read("lumen-gate.toml");
    assert!(text.starts_with(ours), "{text}");
    assert!(text.contains("[[arch.layers]]"), "{text}");
    assert!(text.contains("  [\"util\"],\n]"), "{text}");
    let (code, r) = json(&p, &[]);
    assert_eq!(
        code, 0,
        "proposed rules must pass on the graph they came from: {r:#}\n{text}"
    );
    let again = tool(BIN)
        .args(["init", "--manifest-path"])
        .arg(p.manifest())
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already has architecture rules"));
    assert_eq!(
        p.read("lumen-gate.toml"),
        text,
        "a refused init must not change the file"
    );
}

#[test]
fn init_with_the_lumen_preset_writes_its_rules() {
    let p = TempProject::new("arch-lumen");
    let run = tool(BIN)
        .args(["init", "--preset", "lumen", "--manifest-path"])
        .arg(p.manifest())
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
    let text = p.read("lumen-gate.toml");
    assert!(text.contains(r#"id = "compiler-not-vm""#), "{text}");
    let (code, r) = json(&p, &[]);
    assert_eq!(code, 1);
    assert_eq!(findings(&r).len(), 8, "{r:#}");
    insta::assert_json_snapshot!("lumen_preset", r["findings"]);
}
