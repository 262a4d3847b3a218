//! `cargo lumen-arch` end to end on the `arch-rules` fixture: each rule kind, passing and violating, with
//! findings, paths, file:line spans, JSON and exit codes.

use lumen_gate_tests::{Run, TempProject, run, tool};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_lumen-arch-dup");

fn arch(project: &TempProject, args: &[&str]) -> Run {
    run(tool(BIN)
        .arg("--manifest-path")
        .arg(project.manifest())
        .arg("--offline")
        .args(args))
}

/// Writes `rules` as lumen-gate.toml and runs with `--format json`.
fn json_with(rules: &str) -> (i32, Value) {
    let p = TempProject::new("arch-rules");
    p.write("lumen-gate.toml", rules);
    json(&p, &[])
}

fn json(p: &TempProject, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let run = arch(p, &all);
    let value: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", run.stdout, run.stderr));
    (run.code, value)
}

fn findings(report: &Value) -> Vec<&Value> {
    report["findings"].as_array().unwrap().iter().collect()
}

fn messages(report: &Value) -> Vec<String> {
    findings(report)
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_owned())
        .collect()
}

fn location(f: &Value) -> String {
    format!(
        "{}:{}",
        f["location"]["file"].as_str().unwrap(),
        f["location"]["line"]
    )
}

#[test]
fn forbid_direct_edge_is_reported_at_its_manifest_line() {
    let (code, r) = json_with(
        "[[arch.forbid]]\nid = \"app-not-util\"\nwhy = \"app must go through the engine\"\nfrom = \"app\"\nto = \"util\"\n",
    );
    assert_eq!(code, 1);
    let f = findings(&r);
    assert_eq!(f.len(), 1, "{r:#}");
    assert_eq!(f[0]["rule_id"], "app-not-util");
    assert_eq!(f[0]["kind"], "arch::forbid");
    assert_eq!(f[0]["severity"], "CRITICAL");
    assert_eq!(f[0]["why"], "app must go through the engine");
    assert_eq!(location(f[0]), "app/Cargo.toml:12");
    assert_eq!(f[0]["location"]["column"], 1);
    assert_eq!(f[0]["crates"], serde_json::json!(["app", "util"]));
    assert_eq!(f[0]["message"], "`app` depends on `util` (normal)");
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
        "[[arch.forbid]]\nid = \"leaf\"\nwhy = \"w\"\nfrom = \"util\"\nto = \"app\"\ntransitive = true\n",
    );
    assert_eq!(code, 0, "{r:#}");
    assert!(findings(&r).is_empty());
}

#[test]
fn forbid_transitive_lists_every_shortest_path() {
    let rule =
        "[[arch.forbid]]\nid = \"b-no-util\"\nwhy = \"w\"\nfrom = \"plugin-b\"\nto = \"util\"\n";
    let (code, r) = json_with(rule);
    assert_eq!(
        code, 0,
        "direct only: plugin-b has no direct edge to util\n{r:#}"
    );
    let (code, r) = json_with(&format!("{rule}transitive = true\n"));
    assert_eq!(code, 1);
    let f = findings(&r);
    assert_eq!(f.len(), 1, "{r:#}");
    let paths: Vec<String> = f[0]["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let hops = p["hops"].as_array().unwrap();
            let mut names = vec![hops[0]["from"].as_str().unwrap().to_owned()];
            names.extend(hops.iter().map(|h| h["to"].as_str().unwrap().to_owned()));
            names.join(" -> ")
        })
        .collect();
    assert_eq!(
        paths,
        ["plugin-b -> engine -> util", "plugin-b -> helper -> util"]
    );
    let hop = &f[0]["paths"][0]["hops"][1];
    assert_eq!(hop["declared_at"]["file"], "engine/Cargo.toml");
    assert_eq!(hop["declared_at"]["line"], 8);
    assert_eq!(location(f[0]), "plugin-b/Cargo.toml:8");
}

#[test]
fn optional_edges_carry_their_features_and_can_be_left_out() {
    let rule =
        "[[arch.forbid]]\nid = \"no-helper\"\nwhy = \"w\"\nfrom = \"app\"\nto = \"helper\"\n";
    let (code, r) = json_with(&format!("{rule}include-optional = false\n"));
    assert_eq!(code, 0, "{r:#}");
    let (code, r) = json_with(rule);
    assert_eq!(code, 1);
    let hop = &findings(&r)[0]["paths"][0]["hops"][0];
    assert_eq!(hop["optional"], true);
    assert_eq!(hop["enabled_by"], serde_json::json!(["extras"]));
    assert!(
        messages(&r)[0].contains("optional, enabled by feature extras"),
        "{r:#}"
    );
}

#[test]
fn dev_edges_are_reported_as_dev_only_and_filtered_by_kind() {
    let rule =
        "[[arch.forbid]]\nid = \"util-no-engine\"\nwhy = \"w\"\nfrom = \"util\"\nto = \"engine\"\n";
    let (code, _) = json_with(&format!("{rule}kinds = [\"normal\", \"build\"]\n"));
    assert_eq!(code, 0);
    let (code, r) = json_with(&format!("{rule}kinds = [\"dev\"]\n"));
    assert_eq!(code, 1);
    assert_eq!(
        messages(&r),
        ["`util` depends on `engine` (dev-dependency only: tests, benches and examples)"]
    );
    assert_eq!(
        findings(&r)[0]["paths"][0]["hops"][0]["kinds"],
        serde_json::json!(["dev"])
    );
    assert_eq!(location(findings(&r)[0]), "util/Cargo.toml:10");
}

#[test]
fn layers_pass_and_fail() {
    let (code, r) = json_with(
        "[[arch.layers]]\nid = \"layers\"\nwhy = \"w\"\nlayers = [[\"app\"], [\"plugin-*\", \"helper\"], [\"engine\"], [\"util\"]]\n",
    );
    assert_eq!(code, 0, "{r:#}");
    let (code, r) = json_with(
        "[[arch.layers]]\nid = \"layers\"\nwhy = \"w\"\nlayers = [[\"app\"], [\"engine\"], [\"plugin-*\", \"helper\", \"util\"]]\n",
    );
    assert_eq!(code, 1);
    let mut m = messages(&r);
    m.sort();
    assert_eq!(
        m,
        [
            "`plugin-a` (layer 3) depends on `engine` (layer 2, higher) (normal)",
            "`plugin-b` (layer 3) depends on `engine` (layer 2, higher) (normal)",
        ]
    );
}

#[test]
fn only_through_follows_renames_and_reexports_and_skips_test_code() {
    let rule = "[[arch.only-through]]\nid = \"engine-api-only\"\nwhy = \"the engine's internals may change\"\nfrom = \"app\"\nto = \"engine\"\nmodules = [\"engine::api\"]\n";
    let (code, r) = json_with(rule);
    assert_eq!(code, 1);
    let got: Vec<(String, String)> = findings(&r)
        .iter()
        .map(|f| (location(f), f["message"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "app/src/lib.rs:3".to_owned(),
                "`app` uses `kernel::Secret` (re-exported from `kernel::internal::Secret`), outside kernel::api".to_owned()
            ),
            ("app/src/lib.rs:8".to_owned(), "`app` uses `kernel::internal::poke`, outside kernel::api".to_owned()),
        ]
    );
    assert_eq!(findings(&r)[1]["location"]["column"], 5);
    let (_, r) = json_with(&format!("{rule}include-tests = true\n"));
    assert_eq!(
        findings(&r).len(),
        3,
        "test code counts when the rule says so: {r:#}"
    );
    let (code, r) = json_with(&rule.replace(
        "[\"engine::api\"]",
        "[\"engine::api\", \"engine::internal\"]",
    ));
    assert_eq!(code, 0, "{r:#}");
}

#[test]
fn require_dependency_and_trait_impl() {
    let (code, r) = json_with(
        "[[arch.require]]\nid = \"plugins\"\nwhy = \"w\"\ncrates = \"plugin-*\"\ndepends-on = \"engine\"\nimplements = \"Plugin\"\n",
    );
    assert_eq!(code, 1);
    assert_eq!(
        messages(&r),
        ["`plugin-b` has no `impl Plugin for ...` in its library code"]
    );
    assert_eq!(location(findings(&r)[0]), "plugin-b/Cargo.toml:2");
    let (code, r) = json_with(
        "[[arch.require]]\nid = \"helpers\"\nwhy = \"w\"\ncrates = \"plugin-*\"\ndepends-on = \"helper\"\n",
    );
    assert_eq!(code, 1);
    assert_eq!(messages(&r), ["`plugin-a` does not depend on `helper`"]);
    let (code, _) = json_with(
        "[[arch.require]]\nid = \"engine\"\nwhy = \"w\"\ncrates = \"plugin-*\"\ndepends-on = \"engine\"\n",
    );
    assert_eq!(code, 0);
}

#[test]
fn independent_crates() {
    let (code, r) = json_with(
        "[[arch.independent]]\nid = \"plugins\"\nwhy = \"w\"\ncrates = [\"plugin-a\", \"plugin-b\"]\n",
    );
    assert_eq!(code, 1);
    assert_eq!(
        messages(&r),
        ["`plugin-b` depends on `plugin-a` (plugin-b -> plugin-a), but they must be independent"]
    );
    let (code, _) = json_with(
        "[[arch.independent]]\nid = \"apps\"\nwhy = \"w\"\ncrates = [\"app\", \"plugin-a\"]\n",
    );
    assert_eq!(code, 0);
}

#[test]
fn no_cycles_counts_dev_dependencies() {
    let (code, r) = json_with("[arch.no-cycles]\n");
    assert_eq!(code, 1);
    assert_eq!(
        messages(&r),
        [
            "dependency cycle: engine -> util -> engine (dev-dependency edges: util -> engine; cargo allows these, the rule does not)"
        ]
    );
    let p = TempProject::new("arch-rules");
    p.write("lumen-gate.toml", "[arch.no-cycles]\n");
    p.write(
        "util/Cargo.toml",
        "[package]\nname = \"util\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n",
    );
    p.update_lockfile();
    let (code, r) = json(&p, &[]);
    assert_eq!(code, 0, "{r:#}");
}

#[test]
fn explain_shows_paths_with_kinds_and_manifest_lines() {
    let p = TempProject::new("arch-rules");
    p.write(
        "lumen-gate.toml",
        "[[arch.forbid]]\nid = \"b-no-util\"\nwhy = \"w\"\nfrom = \"plugin-b\"\nto = \"util\"\ntransitive = true\n\n[[arch.forbid]]\nid = \"no-helper\"\nwhy = \"w\"\nfrom = \"app\"\nto = \"helper\"\n",
    );
    let run = arch(&p, &["--explain"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for expected in [
        "path 1: plugin-b -> engine -> util",
        "plugin-b -> engine [normal] declared at plugin-b/Cargo.toml:8",
        "engine -> util [normal] declared at engine/Cargo.toml:8",
        "path 2: plugin-b -> helper -> util",
        "app -> helper [normal, optional, enabled by feature extras] declared at app/Cargo.toml:13",
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
    p.write("lumen-gate.toml", "[[arch.forbid]]\nid = \"app-not-util\"\nwhy = \"go through the engine\"\nfrom = \"app\"\nto = \"util\"\n");
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
        run.stdout.contains("util = { path = \"../util\" }"),
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
        "[[arch.layers]]\nid = \"layers\"\nwhy = \"w\"\nlayers = [[\"app\"], [\"engine\"], [\"plugin-*\", \"helper\", \"util\"]]\n",
    );
    let run = arch(&p, &["--graph", "mermaid"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.starts_with("graph TD\n"), "{}", run.stdout);
    assert!(
        run.stdout.contains("subgraph layer2[\"layer 2\"]"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("plugin_a -->|\"violates layers\"| engine"),
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
        run.stdout.contains("\"plugin-b\" -> \"engine\" [color=red"),
        "{}",
        run.stdout
    );
}

#[test]
fn init_proposes_rules_the_graph_passes_and_keeps_comments() {
    let p = TempProject::new("arch-rules");
    // Leave the dev cycle out so the proposal (which includes no-cycles) passes.
    p.write(
        "util/Cargo.toml",
        "[package]\nname = \"util\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n",
    );
    p.update_lockfile();
    p.write("lumen-gate.toml", "# Our rules.\n[gate] # keep me\n");
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
    assert!(
        text.starts_with("# Our rules.\n[gate] # keep me\n"),
        "{text}"
    );
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
    assert!(text.contains("id = \"compiler-not-vm\""), "{text}");
    let (code, r) = json(&p, &[]);
    assert_eq!(code, 1);
    assert_eq!(findings(&r).len(), 8, "{r:#}");
}
