//! `cargo lumen-arch` end to end on the `arch-features` fixture: rules judged on the build cargo really does
//! (`features = "all" | "default" | [..]`, per rule and `[arch] features`), the features that bring an edge
//! in and their chain under `--explain`, target-specific edges, and exceptions (`allow`), stale ones included.
//!
//! The fixture: lumen-cli -> lumen-vm (feature `fast` of lumen-cli turns on `lumen-vm/jit`);
//! lumen-vm -> lumen-jit (optional, feature `jit`, not default); lumen-vm -> lumen-sys
//! (`[target.'cfg(unix)'.dependencies]`); lumen-lsp -> lumen-cli.

use lumen_gate_tests::{Run, TempProject, arch_json, run_arch};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_lumen-arch-dup");

fn arch(project: &TempProject, args: &[&str]) -> Run {
    run_arch(BIN, project, args)
}

/// Runs with `--format json`: the exit code and the report, the temp root replaced by `[ROOT]`.
fn json(p: &TempProject) -> (i32, Value) {
    arch_json(BIN, p, &[])
}

/// The fixture with `rules` as its lumen-gate.toml.
fn project(rules: &str) -> TempProject {
    let p = TempProject::new("arch-features");
    p.write("lumen-gate.toml", rules);
    p
}

/// `(rule id, kind, severity, message)` of every finding.
fn findings(report: &Value) -> Vec<(String, String, String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_owned();
            (s("rule_id"), s("kind"), s("severity"), s("message"))
        })
        .collect()
}

/// `lumen-vm` must not depend on `lumen-jit`, judged on `features` (a TOML value, or none: the default).
fn vm_no_jit(features: Option<&str>) -> String {
    let mut rule = r#"
[[arch.forbid]]
id = "vm-no-jit"
why = "the VM interprets"
from = "lumen-vm"
to = "lumen-jit"
"#
    .to_owned();
    if let Some(f) = features {
        rule.push_str(&format!("features = {f}\n"));
    }
    rule
}

const VIA_JIT: &str =
    "`lumen-vm` depends on `lumen-jit` (normal, optional, via feature `jit` of lumen-vm)";

#[test]
fn an_optional_edge_counts_under_all_features_and_says_which_feature_brings_it_in() {
    for features in [None, Some("\"all\"")] {
        let (code, r) = json(&project(&vm_no_jit(features)));
        assert_eq!(code, 1, "{r:#}");
        assert_eq!(
            findings(&r),
            [(
                "vm-no-jit".to_owned(),
                "arch::forbid".to_owned(),
                "CRITICAL".to_owned(),
                VIA_JIT.to_owned()
            )],
            "features = {features:?}"
        );
        let hop = &r["findings"][0]["paths"][0]["hops"][0];
        assert_eq!(hop["enabled_by"], serde_json::json!(["jit"]));
        assert_eq!(hop["optional"], true);
    }
}

#[test]
fn an_optional_edge_behind_a_non_default_feature_is_not_in_the_default_build() {
    let (code, r) = json(&project(&vm_no_jit(Some("\"default\""))));
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(findings(&r), []);
}

#[test]
fn an_optional_edge_counts_when_the_rule_names_its_feature() {
    let (code, r) = json(&project(&vm_no_jit(Some("[\"jit\"]"))));
    assert_eq!(code, 1, "{r:#}");
    assert_eq!(findings(&r)[0].3, VIA_JIT);
    let hop = &r["findings"][0]["paths"][0]["hops"][0];
    assert_eq!(hop["feature_chain"], serde_json::json!(["lumen-vm/jit"]));
}

#[test]
fn arch_features_sets_the_build_of_every_rule_without_its_own() {
    let (code, r) = json(&project(&format!(
        "[arch]\nfeatures = \"default\"\n{}",
        vm_no_jit(None)
    )));
    assert_eq!((code, findings(&r)), (0, vec![]), "{r:#}");
    let (code, r) = json(&project(&format!(
        "[arch]\nfeatures = \"default\"\n{}",
        vm_no_jit(Some("\"all\""))
    )));
    assert_eq!(code, 1, "the rule's own features win: {r:#}");
}

#[test]
fn a_transitive_edge_shows_the_feature_chain_that_turns_it_on() {
    let rule = |features: &str| {
        format!(
            r#"
[[arch.forbid]]
id = "cli-no-jit"
why = "the CLI ships without the JIT"
from = "lumen-cli"
to = "lumen-jit"
transitive = true
features = {features}
"#
        )
    };
    let (code, r) = json(&project(&rule("\"default\"")));
    assert_eq!((code, findings(&r)), (0, vec![]), "{r:#}");

    let p = project(&rule("[\"fast\"]"));
    let (code, r) = json(&p);
    assert_eq!(code, 1, "{r:#}");
    assert_eq!(
        findings(&r)[0].3,
        "`lumen-cli` depends on `lumen-jit` through lumen-cli -> lumen-vm -> lumen-jit (first hop: \
         normal) [lumen-vm -> lumen-jit: optional, via feature `jit` of lumen-vm]"
    );
    let hops = &r["findings"][0]["paths"][0]["hops"];
    assert_eq!(
        hops[1]["feature_chain"],
        serde_json::json!(["lumen-cli/fast", "lumen-vm/jit"])
    );
    let explain = arch(&p, &["--explain", "--color", "never"]);
    assert_eq!(explain.code, 1, "{}", explain.stderr);
    assert!(
        explain.stdout.contains(
            "    lumen-vm -> lumen-jit [normal, optional, via feature `jit` of lumen-vm] declared at lumen-vm/Cargo.toml:12\n      feature chain: lumen-cli/fast -> lumen-vm/jit\n"
        ),
        "{}",
        explain.stdout
    );
}

#[test]
fn a_target_specific_edge_is_marked_in_the_finding_and_its_path() {
    let p = project(
        r#"
[[arch.forbid]]
id = "vm-no-sys"
why = "the VM is portable"
from = "lumen-vm"
to = "lumen-sys"
"#,
    );
    let (code, r) = json(&p);
    assert_eq!(code, 1, "{r:#}");
    assert_eq!(
        findings(&r)[0].3,
        "`lumen-vm` depends on `lumen-sys` (normal, target-specific: cfg(unix))"
    );
    let hop = &r["findings"][0]["paths"][0]["hops"][0];
    assert_eq!(hop["platform"], "cfg(unix)");
    assert_eq!(hop["declared_at"]["line"], 15);
    // A plain edge carries no platform.
    let (_, r) = json(&project(&vm_no_jit(None)));
    assert!(
        r["findings"][0]["paths"][0]["hops"][0]
            .get("platform")
            .is_none()
    );
    let explain = arch(&p, &["--explain", "--color", "never"]);
    assert!(
        explain.stdout.contains(
            "    lumen-vm -> lumen-sys [normal, target-specific: cfg(unix)] declared at lumen-vm/Cargo.toml:15\n"
        ),
        "{}",
        explain.stdout
    );
}

const LSP_RULE: &str = r#"
[[arch.forbid]]
id = "lsp-no-cli"
why = "the LSP must not drive the CLI"
from = "lumen-lsp"
to = "lumen-cli"
allow = [{ from = "lumen-lsp", to = "lumen-cli", why = "until the LSP has its own driver" }]
"#;

#[test]
fn an_exception_silences_its_edge_and_goes_stale_once_the_edge_is_gone() {
    let p = project(LSP_RULE);
    let (code, r) = json(&p);
    assert_eq!((code, findings(&r)), (0, vec![]), "{r:#}");

    // The edge goes away: the exception is now a warning pointing at itself in lumen-gate.toml.
    p.write(
        "lumen-lsp/Cargo.toml",
        "[package]\nname = \"lumen-lsp\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n",
    );
    p.update_lockfile();
    let (code, r) = json(&p);
    assert_eq!(
        findings(&r),
        [(
            "lsp-no-cli".to_owned(),
            "arch::stale-exception".to_owned(),
            "WARNING".to_owned(),
            "stale exception, remove it: rule `lsp-no-cli` finds nothing from `lumen-lsp` to `lumen-cli` any more"
                .to_owned()
        )],
        "{r:#}"
    );
    assert_eq!(
        code, 1,
        "an architecture WARNING blocks unless [gate.verdict] block-on-architecture = false"
    );
    let f = &r["findings"][0];
    assert_eq!(f["location"]["file"], "lumen-gate.toml");
    assert_eq!(f["location"]["line"], 7);
    assert_eq!(f["why"], "until the LSP has its own driver");
    let human = arch(&p, &["--color", "never"]);
    assert!(
        human.stdout.contains("lumen-gate.toml:7"),
        "{}",
        human.stdout
    );
}

#[test]
fn an_exception_silences_only_its_own_edge() {
    let (code, r) = json(&project(
        r#"
[[arch.forbid]]
id = "no-internal"
why = "w"
from = "lumen-*"
to = "lumen-*"
kinds = ["normal"]
allow = [
  { from = "lumen-lsp", to = "lumen-cli", why = "until the LSP has its own driver" },
  { from = "lumen-vm", to = "lumen-*", why = "the VM's own parts" },
]
"#,
    ));
    assert_eq!(code, 1, "{r:#}");
    assert_eq!(
        findings(&r)
            .iter()
            .map(|f| f.3.as_str())
            .collect::<Vec<_>>(),
        ["`lumen-cli` depends on `lumen-vm` (normal)"]
    );
}

#[test]
fn an_exception_without_why_and_an_unknown_feature_are_configuration_errors() {
    let run = arch(
        &project(
            r#"
[[arch.forbid]]
id = "lsp-no-cli"
why = "w"
from = "lumen-lsp"
to = "lumen-cli"
allow = [{ from = "lumen-lsp", to = "lumen-cli" }]
"#,
        ),
        &["--color", "never"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("missing field `why`"), "{}", run.stderr);

    let run = arch(
        &project(&vm_no_jit(Some("[\"turbo\"]"))),
        &["--color", "never"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("no workspace crate has a feature `turbo`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("lumen-gate.toml:7"), "{}", run.stderr);

    let run = arch(
        &project(&vm_no_jit(Some("\"some\""))),
        &["--color", "never"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("unknown features `some`"),
        "{}",
        run.stderr
    );
}

#[test]
fn explain_rule_names_the_build_and_the_exceptions() {
    let p = project(&format!("{}{}", vm_no_jit(Some("[\"jit\"]")), LSP_RULE));
    let run = arch(&p, &["--explain", "vm-no-jit"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("  judged on: each crate's default features and jit\n"),
        "{}",
        run.stdout
    );
    let run = arch(&p, &["--explain", "lsp-no-cli"]);
    assert!(
        run.stdout
            .contains("  judged on: all features (the union of every build)\n")
            && run.stdout.contains(
                "  accepted: `lumen-lsp` -> `lumen-cli` (until the LSP has its own driver)\n"
            ),
        "{}",
        run.stdout
    );
}
