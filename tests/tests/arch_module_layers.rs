//! `[[arch.module-layers]]` end to end on the `arch-modules` fixture: a crate whose modules sit in three
//! layers (`app`; `service`, `store`; `base`), a violation of every path form, near misses that are not
//! violations, and configuration errors.

use lumen_gate_tests::{Run, TempProject, arch_json, run_arch};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_lumen-arch-dup");

/// The fixture's layers; `extra` adds keys to the rule.
fn rule(extra: &str) -> String {
    format!(
        "[[arch.module-layers]]\nid = \"layers\"\nwhy = \"each layer uses only the layers below\"\ncrate = \"layered\"\nlayers = [[\"app\"], [\"service\", \"store\"], [\"base\"]]\n{extra}"
    )
}

fn arch(p: &TempProject, args: &[&str]) -> Run {
    run_arch(BIN, p, args)
}

/// Writes `config` as lumen-gate.toml and runs with `--format json`.
fn json_with(config: &str) -> (i32, Value) {
    let p = TempProject::new("arch-modules");
    p.write("lumen-gate.toml", config);
    json(&p, &[])
}

/// Runs with `--format json`: the exit code and the report, the temp root replaced by `[ROOT]`.
fn json(p: &TempProject, args: &[&str]) -> (i32, Value) {
    arch_json(BIN, p, args)
}

fn findings(report: &Value) -> &Vec<Value> {
    report["findings"].as_array().unwrap()
}

/// `file:line:column message` for every finding, in report order.
fn found(report: &Value) -> Vec<String> {
    findings(report)
        .iter()
        .map(|f| {
            let at = &f["location"];
            format!(
                "{}:{}:{} {}",
                at["file"].as_str().unwrap(),
                at["line"],
                at["column"],
                f["message"].as_str().unwrap()
            )
        })
        .collect()
}

/// The findings of the plain rule: every path form, none of the near misses.
const EVERY_FORM: [&str; 7] = [
    // A grouped use tree: one finding per path, at its branch.
    "layered/src/base/mod.rs:6:13 `base` (layer 3) uses `crate::app::App` (layer 1, higher)",
    "layered/src/base/mod.rs:6:23 `base` (layer 3) uses `crate::service::Service` (layer 2, higher)",
    // A type path.
    "layered/src/base/mod.rs:9:38 `base` (layer 3) uses `crate::service::Service` (layer 2, higher)",
    // A path in an expression.
    "layered/src/base/mod.rs:16:5 `base` (layer 3) uses `crate::app::launch` (layer 1, higher)",
    // `super::super::`, resolved against the file's module.
    "layered/src/base/util.rs:3:5 `base::util` (layer 3) uses `super::super::app` (`crate::app`, layer 1, higher)",
    // A re-export of the crate root, followed to its module.
    "layered/src/base/util.rs:13:25 `base::util` (layer 3) uses `crate::App` (re-exported from `crate::app::App`, layer 1, higher)",
    // A bare path in a module that glob-imports the crate root.
    "layered/src/store.rs:14:5 `store` (layer 2) uses `app::NAME` (`crate::app::NAME`, layer 1, higher)",
];

#[test]
fn every_path_form_is_found_at_its_place_and_near_misses_are_not() {
    let (code, r) = json_with(&rule(""));
    assert_eq!(code, 1, "{r:#}");
    // Not found: `use self::util` and `crate::base::util` (its own submodule), `crate::extras` (in no layer),
    // `extras` using `app` (unconstrained), `vec![crate::app::NAME]` (a macro body), the local `store` and the
    // field `service.store`, `service::helper()` (a local module shadowing the crate's `service`), the
    // `#[cfg(test)]` import, and `service` using `store` (same layer, not `independent`).
    assert_eq!(found(&r), EVERY_FORM, "{r:#}");
    let f = &findings(&r)[0];
    assert_eq!(f["rule_id"], "layers");
    assert_eq!(f["kind"], "arch::module-layers");
    assert_eq!(f["severity"], "CRITICAL");
    assert_eq!(f["why"], "each layer uses only the layers below");
    assert_eq!(f["crates"], serde_json::json!(["layered"]));
    assert_eq!(f["location"]["length"], 8, "`app::App`");
    assert_eq!(
        f["help"],
        "a module uses only modules of lower layers: move what `base` needs from `app` into a lower layer, or have a higher layer pass it in"
    );
    let checked = r["rules_checked"].as_array().unwrap();
    assert!(
        checked
            .iter()
            .any(|c| c["id"] == "layers" && c["kind"] == "arch::module-layers"),
        "{r:#}"
    );
}

#[test]
fn same_layer_uses_count_only_when_independent() {
    let (code, r) = json_with(&rule("independent = true\n"));
    assert_eq!(code, 1);
    let mut expected = EVERY_FORM.map(str::to_owned).to_vec();
    expected.insert(
        6,
        "layered/src/service.rs:3:5 `service` (layer 2) uses `crate::store::Store` (layer 2, same layer)"
            .to_owned(),
    );
    assert_eq!(found(&r), expected, "{r:#}");
    assert_eq!(
        findings(&r)[6]["help"],
        "modules of one layer are independent: move what `service` needs from `store` into a lower layer"
    );
}

#[test]
fn test_code_counts_only_with_include_tests() {
    let (_, r) = json_with(&rule("include-tests = true\n"));
    let mut expected = EVERY_FORM.map(str::to_owned).to_vec();
    expected.insert(
        4,
        "layered/src/base/mod.rs:36:9 `base::tests` (layer 3) uses `crate::app::launch` (layer 1, higher)"
            .to_owned(),
    );
    assert_eq!(found(&r), expected, "{r:#}");
}

#[test]
fn globs_name_modules_and_modules_in_no_layer_are_free() {
    let (_, r) = json_with(&rule("").replace("[\"service\", \"store\"]", "[\"s*\"]"));
    assert_eq!(found(&r), EVERY_FORM, "{r:#}");
    // `extras` uses `app`, `app` uses `base` and `service`: only layers with nothing above them in use.
    let (code, r) = json_with(
        "[[arch.module-layers]]\nid = \"free\"\nwhy = \"w\"\ncrate = \"layered\"\nlayers = [[\"extras\"], [\"app\"]]\nindependent = true\n",
    );
    assert_eq!(code, 0, "{r:#}");
    assert!(findings(&r).is_empty());
}

#[test]
fn severity_selection_and_human_output() {
    let p = TempProject::new("arch-modules");
    p.write(
        "lumen-gate.toml",
        &rule("severity = \"warning\"\n\n[gate.verdict]\nblock-on-architecture = false\n"),
    );
    let run = arch(&p, &[]);
    assert_eq!(
        run.code, 0,
        "architecture warnings that do not block: {}",
        run.stdout
    );
    for expected in [
        "[layers] `base` (layer 3) uses `crate::app::launch` (layer 1, higher)",
        "[layered/src/base/mod.rs:16:5]",
        "crate::app::launch().config.level",
        "why: each layer uses only the layers below",
    ] {
        assert!(
            run.stdout.contains(expected),
            "missing `{expected}` in:\n{}",
            run.stdout
        );
    }
    // The crate is not among the selected members: nothing to check.
    p.write("lumen-gate.toml", &rule(""));
    let (code, r) = json(&p, &["-p", "tool"]);
    assert_eq!(code, 0, "{r:#}");
    assert!(findings(&r).is_empty());
}

#[test]
fn explain_lists_the_modules_of_each_layer() {
    let p = TempProject::new("arch-modules");
    p.write("lumen-gate.toml", &rule("independent = true\n"));
    let run = arch(&p, &["--explain", "layers"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for expected in [
        "rule `layers` (arch::module-layers), severity CRITICAL",
        "checks: modules of `layered`, layers top to bottom: [app] > [service, store] > [base]; a module uses only modules of lower layers, not others of its own",
        "crate: `layered` (its library)",
        "layer 2 (may use layers below): `service` matches service; `store` matches store",
        "modules of one layer must not use each other",
        "in no layer (unconstrained): extras",
    ] {
        assert!(
            run.stdout.contains(expected),
            "missing `{expected}` in:\n{}",
            run.stdout
        );
    }
}

#[test]
fn a_new_violation_is_new_against_the_base() {
    let p = TempProject::new("arch-modules");
    p.write("lumen-gate.toml", &rule(""));
    let base = p.base_then_change(
        "layered/src/service.rs",
        "use crate::store::Store;",
        "use crate::store::Store;\nuse crate::app::NAME;",
        "service uses the app",
    );
    let (code, r) = json(&p, &["--base", &base]);
    assert_eq!(code, 1, "{r:#}");
    let new: Vec<&str> = findings(&r)
        .iter()
        .filter(|f| f["baseline"] == "new")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        new,
        ["`service` (layer 2) uses `crate::app::NAME` (layer 1, higher)"],
        "{r:#}"
    );
    let pre = findings(&r)
        .iter()
        .filter(|f| f["kind"] == "arch::module-layers" && f["baseline"] == "pre-existing")
        .count();
    assert_eq!(pre, EVERY_FORM.len(), "{r:#}");
}

/// Runs with `config` and returns stderr, asserting exit 2.
fn config_error(config: &str) -> String {
    let p = TempProject::new("arch-modules");
    p.write("lumen-gate.toml", config);
    let run = arch(&p, &[]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run.stderr
}

#[test]
fn config_errors_point_into_the_file() {
    let stderr = config_error(&rule("").replace("[\"base\"]", "[\"base\", \"servic*\", \"core\"]"));
    assert!(
        stderr.contains("`core` matches no top-level module of `layered`"),
        "{stderr}"
    );
    assert!(stderr.contains("lumen-gate.toml:5:62"), "{stderr}");
    assert!(
        stderr.contains("modules of `layered`: app, base, extras, service, store"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("`servic*` matches no"),
        "a glob that matches is fine: {stderr}"
    );

    let stderr = config_error(&rule("").replace("\"layered\"", "\"nope\""));
    assert!(
        stderr.contains("`nope` is not a workspace member"),
        "{stderr}"
    );
    assert!(stderr.contains("lumen-gate.toml:4:9"), "{stderr}");
    assert!(stderr.contains("members: layered, tool"), "{stderr}");

    let stderr = config_error(&rule("").replace("\"layered\"", "\"tool\""));
    assert!(stderr.contains("`tool` has no library target"), "{stderr}");

    let stderr = config_error(&rule("include_tests = true\n"));
    assert!(stderr.contains("unknown field `include_tests`"), "{stderr}");

    let stderr = config_error(&rule("").replace("[\"app\"]", "[\"[app\"]"));
    assert!(stderr.contains("bad glob `[app`"), "{stderr}");
}

#[test]
fn an_exception_accepts_uses_between_two_modules_and_a_stale_one_is_a_warning() {
    // `base::util` may use `app` (every path landing in it), and a second exception matches nothing.
    let (code, r) = json_with(&rule(
        "allow = [\n  { from = \"base::util\", to = \"app*\", why = \"until the launcher moves down\" },\n  { from = \"store\", to = \"service*\", why = \"old\" },\n]\n",
    ));
    assert_eq!(code, 1, "{r:#}");
    let expected: Vec<String> = EVERY_FORM
        .iter()
        .filter(|f| !f.starts_with("layered/src/base/util.rs"))
        .map(|f| f.to_string())
        .chain([
            "lumen-gate.toml:8:3 stale exception, remove it: rule `layers` finds nothing from `store` to `service*` any more".to_owned(),
        ])
        .collect();
    assert_eq!(found(&r), expected, "{r:#}");
    let stale = findings(&r).last().unwrap();
    assert_eq!(stale["kind"], "arch::stale-exception");
    assert_eq!(stale["severity"], "WARNING");
}
