//! `cargo lumen-arch` v2 end to end on the `arch-through` fixture: `[[arch.through]]` passing and violating
//! (the avoiding path with its manifest lines, all of them under `--explain`, dev-dependency paths by
//! `kinds`), exhaustive `[[arch.layers]]` with a new crate nobody placed, and rules that can never fire
//! (exit 2 at the rule). The prefilter's identical-findings test is a unit test beside it
//! (`arch::prefilter::tests::the_prefilter_changes_no_finding_on_the_fixtures`).

use lumen_gate_tests::{Run, TempProject, arch_json, redact_root, run, run_arch, tool};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_lumen-arch-dup");

fn arch(project: &TempProject, args: &[&str]) -> Run {
    run_arch(BIN, project, args)
}

/// The fixture with `rules` as its lumen-gate.toml.
fn project(rules: &str) -> TempProject {
    let p = TempProject::new("arch-through");
    p.write("lumen-gate.toml", rules);
    p
}

/// Runs with `--format json`: the exit code and the report, the temp root replaced by `[ROOT]`.
fn json(p: &TempProject) -> (i32, Value) {
    arch_json(BIN, p, &[])
}

fn findings(report: &Value) -> Vec<Value> {
    report["findings"].as_array().unwrap().to_vec()
}

/// Each path of a finding as `a -> b -> c`, and each hop's manifest line as `file:line`.
fn paths_and_lines(finding: &Value) -> Vec<(String, Vec<String>)> {
    finding["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let hops = p["hops"].as_array().unwrap();
            let mut names = vec![hops[0]["from"].as_str().unwrap().to_owned()];
            names.extend(hops.iter().map(|h| h["to"].as_str().unwrap().to_owned()));
            let lines = hops
                .iter()
                .map(|h| {
                    let at = &h["declared_at"];
                    format!("{}:{}", at["file"].as_str().unwrap(), at["line"])
                })
                .collect();
            (names.join(" -> "), lines)
        })
        .collect()
}

const THROUGH_RUNTIME: &str = r#"
[[arch.through]]
id = "cli-through-runtime"
why = "the CLI drives the VM only through the runtime"
from = "cli"
to = "vm"
via = ["runtime"]
kinds = ["normal", "build"]
"#;

#[test]
fn through_passes_when_every_path_goes_through_via() {
    let rules = THROUGH_RUNTIME.replace(r#"["runtime"]"#, r#"["runtime", "tools", "plugins"]"#);
    let (code, r) = json(&project(&rules));
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(findings(&r), Vec::<Value>::new());
    assert!(
        r["rules_checked"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == "cli-through-runtime" && c["kind"] == "arch::through")
    );
}

#[test]
fn through_violation_shows_the_shortest_avoiding_paths_with_their_manifest_lines() {
    let p = project(THROUGH_RUNTIME);
    let (code, r) = json(&p);
    assert_eq!(code, 1, "{r:#}");
    let found = findings(&r);
    assert_eq!(found.len(), 1, "{r:#}");
    let f = &found[0];
    assert_eq!(f["kind"], "arch::through");
    assert_eq!(
        f["message"],
        "`cli` reaches `vm` without passing through `runtime`: cli -> plugins -> vm"
    );
    assert_eq!(
        paths_and_lines(f),
        [
            (
                "cli -> plugins -> vm".to_owned(),
                vec![
                    "cli/Cargo.toml:10".to_owned(),
                    "plugins/Cargo.toml:8".to_owned()
                ]
            ),
            (
                "cli -> tools -> vm".to_owned(),
                vec![
                    "cli/Cargo.toml:9".to_owned(),
                    "tools/Cargo.toml:8".to_owned()
                ]
            ),
        ]
    );
    assert_eq!(f["location"]["file"], "cli/Cargo.toml");
    assert_eq!(f["location"]["line"], 10);

    let help = "route the dependency through `runtime`, or remove an edge of the avoiding path: \
        cli -> plugins (normal) declared at cli/Cargo.toml:10, then \
        plugins -> vm (normal) declared at plugins/Cargo.toml:8 \
        (2 shortest paths avoid them, --explain lists them all)";
    assert_eq!(f["help"], help);

    // Human output: the one path in the help (wrapped at 100 columns), no list of paths.
    let human = arch(&p, &["--color", "never"]);
    assert_eq!(human.code, 1);
    let out = redact_root(&human.stdout, p.root());
    let squeezed = |s: &str| s.split_whitespace().collect::<String>();
    assert!(squeezed(&out).contains(&squeezed(help)), "{out}");
    assert!(!out.contains("path 2:"), "{out}");

    // --explain: every avoiding path.
    let explained = arch(&p, &["--color", "never", "--explain"]);
    let out = redact_root(&explained.stdout, p.root());
    assert!(out.contains("path 1: cli -> plugins -> vm"), "{out}");
    assert!(out.contains("path 2: cli -> tools -> vm"), "{out}");
    assert!(
        out.contains("cli -> tools [normal] declared at cli/Cargo.toml:9"),
        "{out}"
    );
}

#[test]
fn through_counts_a_dev_dependency_as_a_first_hop_unless_kinds_leave_it_out() {
    let all_via = r#"["runtime", "tools", "plugins"]"#;
    let default_kinds = THROUGH_RUNTIME
        .replace(r#"["runtime"]"#, all_via)
        .replace("kinds = [\"normal\", \"build\"]\n", "");
    let (code, r) = json(&project(&default_kinds));
    assert_eq!(code, 1, "{r:#}");
    let found = findings(&r);
    assert_eq!(found.len(), 1, "{r:#}");
    assert_eq!(
        paths_and_lines(&found[0]),
        [("cli -> vm".to_owned(), vec!["cli/Cargo.toml:13".to_owned()])]
    );
    assert_eq!(
        found[0]["paths"][0]["hops"][0]["kinds"],
        serde_json::json!(["dev"])
    );
}

const EXHAUSTIVE_LAYERS: &str = r#"
[[arch.layers]]
id = "layers"
why = "every crate has its place"
layers = [["cli"], ["runtime", "tools", "plugins"], ["vm"]]
exhaustive = true
"#;

#[test]
fn exhaustive_layers_pass_when_every_member_is_placed_and_name_a_new_crate() {
    let p = project(EXHAUSTIVE_LAYERS);
    let (code, r) = json(&p);
    assert_eq!(code, 0, "{r:#}");

    // A new member nobody placed.
    p.write(
        "Cargo.toml",
        "[workspace]\nresolver = \"2\"\nmembers = [\"cli\", \"runtime\", \"tools\", \"plugins\", \"vm\", \"newcomer\"]\n",
    );
    p.write(
        "newcomer/Cargo.toml",
        "[package]\nname = \"newcomer\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n",
    );
    p.write("newcomer/src/lib.rs", "//! New.\n");
    p.update_lockfile();
    let (code, r) = json(&p);
    assert_eq!(code, 1, "{r:#}");
    let found = findings(&r);
    assert_eq!(found.len(), 1, "{r:#}");
    assert_eq!(found[0]["kind"], "arch::layers");
    assert_eq!(
        found[0]["message"],
        "`newcomer` is in no layer of `layers`, which places every workspace member"
    );
    assert_eq!(found[0]["crates"], serde_json::json!(["newcomer"]));
    assert_eq!(found[0]["location"]["file"], "newcomer/Cargo.toml");
    assert_eq!(found[0]["location"]["line"], 2);

    // Without `exhaustive`, an unplaced crate is unconstrained.
    p.write(
        "lumen-gate.toml",
        &EXHAUSTIVE_LAYERS.replace("exhaustive = true\n", ""),
    );
    let (code, r) = json(&p);
    assert_eq!(code, 0, "{r:#}");
}

#[test]
fn a_rule_that_can_never_fire_is_a_configuration_error_at_the_rule() {
    for (rules, line) in [
        (
            "[[arch.forbid]]\nid = \"self-edge\"\nwhy = \"w\"\nfrom = \"vm\"\nto = \"vm\"\n",
            2,
        ),
        (
            "\n[[arch.through]]\nid = \"all-via\"\nwhy = \"w\"\nfrom = \"cli\"\nto = \"vm\"\nvia = [\"vm\"]\n",
            3,
        ),
        (
            "[[arch.layers]]\nid = \"one-layer\"\nwhy = \"w\"\nlayers = [[\"cli\", \"vm\"]]\n",
            2,
        ),
    ] {
        let p = project(rules);
        let Run { code, stderr, .. } = arch(&p, &["--color", "never"]);
        assert_eq!(code, 2, "{rules}\n{stderr}");
        assert!(stderr.contains("can never fire"), "{stderr}");
        assert!(
            stderr.contains(&format!("lumen-gate.toml:{line}:6")),
            "{rules}\n{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// The check runs on the `cargo metadata` output the last run recorded while cargo runs again (for speed);
/// its answer must be the one cargo's new output gives, whatever the record says.
#[test]
fn the_metadata_recorded_by_the_last_run_never_changes_an_answer() {
    let p = project(THROUGH_RUNTIME);
    // The records in the workspace's state directory (target/lumen-gate/ws-<hash>/).
    let records = || -> Vec<String> {
        let Ok(states) = std::fs::read_dir(p.root().join("target/lumen-gate")) else {
            return Vec::new();
        };
        let mut texts: Vec<String> = states
            .flatten()
            .flat_map(|state| std::fs::read_dir(state.path()).unwrap().flatten())
            .filter(|e| e.file_name().to_string_lossy().starts_with("metadata-"))
            .map(|e| std::fs::read_to_string(e.path()).unwrap())
            .collect();
        texts.sort();
        texts
    };
    let json_run = || {
        let run = run(tool(BIN)
            .env_remove("CARGO_TARGET_DIR")
            .arg("--manifest-path")
            .arg(p.manifest())
            .args(["--offline", "--format", "json"]));
        (run.code, redact_root(&run.stdout, p.root()))
    };

    let (code, first) = json_run();
    assert_eq!(code, 1, "{first}");
    let recorded = records();
    assert_eq!(recorded.len(), 1, "the run records cargo's output");
    assert!(
        recorded[0].contains("\"name\":\"plugins\",\"pkg\""),
        "{}",
        recorded[0]
    );
    // The second run checks on the record while cargo runs: the same answer, to the byte.
    assert_eq!(json_run(), (1, first.clone()));

    // The manifests change: the record is stale, and the answer is the new metadata's.
    p.write(
        "cli/Cargo.toml",
        &p.read("cli/Cargo.toml")
            .replace("tools = { path = \"../tools\" }\n", "")
            .replace("plugins = { path = \"../plugins\" }\n", ""),
    );
    p.update_lockfile();
    let (code, after) = json_run();
    assert_eq!(
        code, 0,
        "the stale record's violation must not be reported: {after}"
    );
    let report: Value = serde_json::from_str(&after).unwrap();
    assert_eq!(findings(&report), Vec::<Value>::new());
    let rerecorded = records();
    assert_eq!(rerecorded.len(), 1);
    assert_ne!(rerecorded, recorded, "the new output replaces the record");
    assert!(
        !rerecorded[0].contains("\"name\":\"plugins\",\"pkg\""),
        "{}",
        rerecorded[0]
    );
}
