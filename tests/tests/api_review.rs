//! The API review end to end (issue 25): a two-crate workspace in a real git repository, where HEAD
//! removes a `pub fn` the other crate calls, changes another public signature and adds
//! `pub fn load() -> Result<Config, String>`; an unchanged surface; an item moved between private modules
//! but still public at the same path; `--semver` with and without cargo-semver-checks.

use lumen_gate_tests::{CheckoutState, Run, TempProject, run, tool};
use serde_json::Value;

const GATE: &str = env!("CARGO_BIN_EXE_lumen-gate-dup");

const ROOT_MANIFEST: &str = "[workspace]\nmembers = [\"core-lib\", \"app\"]\nresolver = \"2\"\n";
const CORE_MANIFEST: &str =
    "[package]\nname = \"core-lib\"\nversion = \"0.3.1\"\nedition = \"2021\"\n\n[dependencies]\n";
const APP_MANIFEST: &str = "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\ncore-lib = { path = \"../core-lib\" }\n";
const APP_MAIN: &str = "fn main() {\n    let c = core_lib::open_legacy(\"x\");\n    println!(\"{}\", core_lib::parse_port(\"80\") + c.port);\n}\n";
const CONFIG: &str = "[api]\nenable = [\"pub-error-type\"]\n";

const BASE_LIB: &str = r#"//! Configuration.

mod parse;

pub use parse::Config;

/// Opens a configuration the old way.
pub fn open_legacy(path: &str) -> Config {
    parse::read(path)
}

/// Reads a port number.
pub fn parse_port(text: &str) -> u16 {
    text.parse().unwrap_or(0)
}
"#;

const BASE_PARSE: &str = r#"/// A configuration.
pub struct Config {
    /// The port.
    pub port: u16,
}

pub(crate) fn read(_path: &str) -> Config {
    Config { port: 0 }
}
"#;

/// HEAD: `open_legacy` removed, `parse_port` takes a radix, `load` added, `Config` moved to `model`.
const HEAD_LIB: &str = r#"//! Configuration.

mod model;

pub use model::Config;

/// Reads a port number.
pub fn parse_port(text: &str, radix: u32) -> u16 {
    u16::from_str_radix(text, radix).unwrap_or(0)
}

/// Loads the configuration.
pub fn load() -> Result<Config, String> {
    Ok(model::read("lumen.toml"))
}
"#;

const HEAD_MODEL: &str = r#"/// A configuration.
pub struct Config {
    /// The port.
    pub port: u16,
}

pub(crate) fn read(_path: &str) -> Config {
    Config { port: 1 }
}
"#;

/// The two-crate workspace at its base, committed; returns the project and the base commit.
fn workspace() -> (TempProject, String) {
    let p = TempProject::empty();
    p.write("Cargo.toml", ROOT_MANIFEST);
    p.write("core-lib/Cargo.toml", CORE_MANIFEST);
    p.write("core-lib/src/lib.rs", BASE_LIB);
    p.write("core-lib/src/parse.rs", BASE_PARSE);
    p.write("app/Cargo.toml", APP_MANIFEST);
    p.write("app/src/main.rs", APP_MAIN);
    p.write("lumen-gate.toml", CONFIG);
    p.update_lockfile();
    p.git_init();
    let base = p.git(&["rev-parse", "HEAD"]).trim().to_owned();
    (p, base)
}

fn head_change(p: &TempProject) {
    p.write("core-lib/src/lib.rs", HEAD_LIB);
    std::fs::remove_file(p.root().join("core-lib/src/parse.rs")).unwrap();
    p.write("core-lib/src/model.rs", HEAD_MODEL);
    p.commit_all("change the API");
}

fn gate(p: &TempProject, args: &[&str]) -> Run {
    run(tool(GATE)
        .args(["--offline", "--manifest-path"])
        .arg(p.manifest())
        .args(args))
}

fn api_findings(json: &Value) -> Vec<&Value> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"].as_str().unwrap().starts_with("api::"))
        .collect()
}

#[test]
fn removed_and_changed_public_items_are_breaking_and_added_ones_listed() {
    let (p, base) = workspace();
    head_change(&p);
    let before = CheckoutState::capture(p.root());
    let out = gate(&p, &["--base", &base, "--format", "json"]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    let json = out.json();
    let findings = api_findings(&json);
    let breaking: Vec<(&str, &str, String)> = findings
        .iter()
        .filter(|f| f["kind"] == "api::breaking-change")
        .map(|f| {
            let l = &f["location"];
            (
                f["severity"].as_str().unwrap(),
                f["message"].as_str().unwrap(),
                format!("{}:{}", l["file"].as_str().unwrap(), l["line"]),
            )
        })
        .collect();
    assert_eq!(
        breaking,
        [
            (
                "CRITICAL",
                "public fn `core_lib::open_legacy` removed: was `pub fn open_legacy(path: &str) -> Config`",
                "core-lib/src/lib.rs:8".to_owned()
            ),
            (
                "CRITICAL",
                "public fn `core_lib::parse_port` changed: was `pub fn parse_port(text: &str) -> u16`, now `pub fn parse_port(text: &str, radix: u32) -> u16`",
                "core-lib/src/lib.rs:13".to_owned()
            ),
        ]
    );
    let impact = findings[0]["impact"].as_str().unwrap();
    assert_eq!(
        impact,
        "`core-lib` is used by `app` and published; version 0.3.1 -> 0.3.1 does not allow it (needs 0.4.0)"
    );
    // `Config` moved from `parse` to `model`, still `core_lib::Config`: no change.
    assert!(
        findings
            .iter()
            .all(|f| !f["message"].as_str().unwrap().contains("struct")),
        "{findings:#?}"
    );
    let error_type: Vec<&str> = findings
        .iter()
        .filter(|f| f["kind"] == "api::pub-error-type")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        error_type,
        [
            "public fn `core_lib::load` returns its errors as `String`: callers cannot match on the failure"
        ]
    );
    let surface = &json["api"][0];
    assert_eq!(surface["package"], "core-lib");
    assert_eq!(
        (surface["removed"].as_u64(), surface["changed"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(surface["added"][0]["path"], "core_lib::load");
    assert_eq!(
        surface["added"][0]["signature"],
        "pub fn load() -> Result<Config, String>"
    );
    assert_eq!(surface["added"][0]["location"]["line"], 13);

    let md = gate(&p, &["--base", &base, "--format", "markdown"]);
    assert_eq!(md.code, 1);
    let compliance = md
        .stdout
        .split("### Architecture Compliance")
        .nth(1)
        .unwrap();
    assert!(
        compliance.contains("- [ ] API surface: +1, -1, ~1 (2 found)"),
        "{}",
        md.stdout
    );
    assert!(
        compliance.contains(
            "  - fn `core_lib::load`: `pub fn load() -> Result<Config, String>` -- core-lib/src/lib.rs:13"
        ),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout
            .contains("API surface: 1 public item added, 1 removed, 1 changed."),
        "{}",
        md.stdout
    );
    assert_eq!(
        CheckoutState::capture(p.root()),
        before,
        "the checkout was touched"
    );
}

#[test]
fn an_unchanged_surface_reports_nothing() {
    let (p, base) = workspace();
    // Bodies and private items change; the surface does not.
    p.write(
        "core-lib/src/parse.rs",
        &BASE_PARSE.replace("Config { port: 0 }", "Config { port: 8080 }"),
    );
    p.commit_all("change a body");
    let out = gate(&p, &["--base", &base, "--only", "api", "--format", "json"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let json = out.json();
    assert!(api_findings(&json).is_empty(), "{json:#}");
    assert_eq!(json["api"][0]["removed"], 0);
    assert_eq!(json["api"][0]["changed"], 0);
    assert!(json["api"][0].get("added").is_none());
}

#[test]
fn a_reexport_moved_between_private_modules_is_no_change() {
    let (p, base) = workspace();
    p.write(
        "core-lib/src/lib.rs",
        &BASE_LIB
            .replace(
                "mod parse;",
                "mod inner {\n    pub(crate) mod parse;\n}\nuse inner::parse;",
            )
            .replace("pub use parse::Config;", "pub use inner::parse::Config;"),
    );
    std::fs::create_dir_all(p.root().join("core-lib/src/inner")).unwrap();
    std::fs::rename(
        p.root().join("core-lib/src/parse.rs"),
        p.root().join("core-lib/src/inner/parse.rs"),
    )
    .unwrap();
    p.commit_all("move parse under inner");
    let out = gate(&p, &["--base", &base, "--only", "api", "--format", "json"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let json = out.json();
    assert!(api_findings(&json).is_empty(), "{json:#}");
    assert_eq!(json["api"][0]["items"], 3, "Config and the two fns");
}

#[test]
fn semver_says_whether_cargo_semver_checks_ran() {
    let (p, base) = workspace();
    head_change(&p);
    let out = gate(
        &p,
        &[
            "--base", &base, "--only", "api", "--semver", "--format", "json",
        ],
    );
    let json = out.json();
    let notes: Vec<&str> = json["notes"]
        .as_array()
        .map(|n| n.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let installed = std::process::Command::new("cargo")
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if installed {
        assert!(
            notes.iter().any(
                |n| n.starts_with("cargo-semver-checks ") && n.contains("ran against the base")
            ),
            "{notes:?}"
        );
        let folded: Vec<&str> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["kind"] == "api::semver-checks")
            .map(|f| f["rule_id"].as_str().unwrap())
            .collect();
        assert!(folded.contains(&"function_missing"), "{json:#}");
    } else {
        assert!(
            notes.contains(
                &"cargo-semver-checks was not run: it is not installed (`cargo install cargo-semver-checks --locked`); only lumen-gate's own surface comparison was made"
            ),
            "{notes:?}\n{}",
            out.stderr
        );
    }
    assert_eq!(out.code, 1, "{}", out.stderr);
}
