//! `only-through` judges the public path a library writes, on the `arch-public-paths` fixture: the libraries
//! use the runtime only through `prelude` and `derive`, where `prelude` re-exports items of `internal` and
//! `derive` is `pub use derive_impl as derive`. lib-a keeps to them (no finding); lib-b reaches into
//! `internal` in a multi-line `use` tree and in code (two findings, each at its own line and column, the help
//! naming the allowed path to the same item). Crates are named by directory (`libs/*`, `crates/runtime`).

use lumen_gate_tests::{TempProject, arch_json, run_arch};

const BIN: &str = env!("CARGO_BIN_EXE_lumen-arch-dup");

const RULE: &str = r#"
[[arch.only-through]]
id = "libs-through-prelude"
why = "the libraries see the runtime's stable surface only"
from = "libs/*"
to = "crates/runtime"
modules = ["runtime::prelude", "runtime::derive"]
"#;

fn project(rules: &str) -> TempProject {
    let p = TempProject::new("arch-public-paths");
    p.write("lumen-gate.toml", rules);
    p
}

#[test]
fn re_exported_paths_through_an_allowed_module_are_allowed_and_internals_are_found() {
    let p = project(RULE);
    let (code, r) = arch_json(BIN, &p, &[]);
    assert_eq!(code, 1, "{r:#}");
    let findings = r["findings"].as_array().unwrap();
    let seen: Vec<(String, String, u64, u64)> = findings
        .iter()
        .map(|f| {
            (
                f["message"].as_str().unwrap().to_owned(),
                f["location"]["file"].as_str().unwrap().to_owned(),
                f["location"]["line"].as_u64().unwrap(),
                f["location"]["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                "`lib-b` uses `runtime::internal::kmap::KMap`, outside `runtime::prelude`, `runtime::derive`".to_owned(),
                "libs/lib-b/src/lib.rs".to_owned(),
                3,
                5
            ),
            (
                "`lib-b` uses `runtime::internal::gc`, outside `runtime::prelude`, `runtime::derive`".to_owned(),
                "libs/lib-b/src/lib.rs".to_owned(),
                9,
                5
            ),
        ],
        "lib-a's prelude::KMap and derive::some_fn are allowed: {r:#}"
    );
    assert_eq!(
        findings[0]["help"], "use `runtime::prelude::KMap` instead",
        "{r:#}"
    );
    assert_eq!(
        findings[1]["help"],
        "use `runtime` only through `runtime::prelude`, `runtime::derive`: no allowed module makes this item public"
    );
    let explain = run_arch(BIN, &p, &["--explain", "--color", "never"]);
    let text = format!("{}{}", explain.stdout, explain.stderr);
    assert!(
        text.contains("runtime::internal::kmap::KMap")
            && text.contains("use `runtime::prelude::KMap` instead"),
        "the path used and the allowed path to the same item: {text}"
    );
}

#[test]
fn a_module_that_does_not_exist_is_a_configuration_error() {
    let p = project(&RULE.replace("runtime::derive\"", "runtime::derives\""));
    let run = run_arch(BIN, &p, &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("`runtime::derives` is no module of `runtime`"),
        "{}",
        run.stderr
    );
    let p = project(&RULE.replace("libs/*", "lib/*"));
    let run = run_arch(BIN, &p, &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("`lib/*` matches no workspace member's directory"),
        "{}",
        run.stderr
    );
}
