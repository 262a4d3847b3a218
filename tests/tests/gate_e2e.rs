//! `cargo lumen-gate` end to end: golden output of every format on an approved and a failing workspace, a
//! change against a base in a real git repository, merging reports of earlier steps.

use lumen_gate_tests::{CheckoutState, TempProject, redact_root, run, tool};
use serde_json::Value;

const GATE: &str = env!("CARGO_BIN_EXE_lumen-gate-dup");
const ARCH: &str = env!("CARGO_BIN_EXE_lumen-arch-dup");

struct Out {
    code: i32,
    /// Standard output with the temp root replaced by `[ROOT]`.
    stdout: String,
    /// Standard output as written.
    raw: String,
    stderr: String,
}

fn gate(p: &TempProject, args: &[&str]) -> Out {
    let r = run(tool(GATE)
        .args(["--offline", "--manifest-path"])
        .arg(p.manifest())
        .args(args));
    Out {
        code: r.code,
        stdout: redact_root(&r.stdout, p.root()),
        raw: r.stdout,
        stderr: r.stderr,
    }
}

fn failing() -> TempProject {
    TempProject::new("example-lumen")
}

fn sarif_validator() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(include_str!("../schemas/sarif-schema-2.1.0.json")).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

#[test]
fn golden_formats_of_a_failing_workspace() {
    let p = failing();
    for format in ["markdown", "human", "github"] {
        let out = gate(&p, &["--preset", "lumen", "--format", format]);
        assert_eq!(out.code, 1, "{format}: {}", out.stderr);
        insta::assert_snapshot!(format!("failing_{format}"), out.stdout);
    }
    let out = gate(&p, &["--preset", "lumen", "--format", "json"]);
    let mut json: Value = serde_json::from_str(&out.stdout).unwrap();
    json["tool_version"] = "[VERSION]".into();
    insta::assert_json_snapshot!("failing_json", json);
    let out = gate(&p, &["--preset", "lumen", "--format", "sarif"]);
    let raw: Value = serde_json::from_str(&out.raw).unwrap();
    let errors: Vec<String> = sarif_validator()
        .iter_errors(&raw)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let mut sarif: Value = serde_json::from_str(&out.stdout).unwrap();
    sarif["runs"][0]["tool"]["driver"]["version"] = "[VERSION]".into();
    insta::assert_json_snapshot!("failing_sarif", sarif);
}

#[test]
fn golden_formats_of_an_approved_workspace() {
    let p = TempProject::new("gate-clean");
    for format in ["markdown", "human", "github"] {
        let out = gate(&p, &["--format", format]);
        assert_eq!(out.code, 0, "{format}: {}\n{}", out.stderr, out.stdout);
        insta::assert_snapshot!(format!("approved_{format}"), out.stdout);
    }
    let out = gate(&p, &["--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&out.raw).unwrap();
    assert!(sarif_validator().is_valid(&sarif));
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 0);
}

#[test]
fn markdown_has_the_spec_headings_and_item_format() {
    let out = gate(&failing(), &["--preset", "lumen", "--format", "markdown"]);
    let headings: Vec<&str> = out.stdout.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(
        headings,
        [
            "## Performance Review",
            "### Summary",
            "### Issues Found",
            "### Benchmarks Run",
            "### Architecture Compliance",
            "### Verdict"
        ]
    );
    let issues = out
        .stdout
        .split("### Issues Found\n")
        .nth(1)
        .unwrap()
        .split("\n\n")
        .next()
        .unwrap();
    for (i, line) in issues.lines().enumerate() {
        assert!(
            line.starts_with(&format!("{}. **[CRITICAL]** ", i + 1))
                || line.starts_with(&format!("{}. **[WARNING]** ", i + 1)),
            "{line}"
        );
        assert_eq!(line.matches(" -- ").count(), 2, "{line}");
    }
    assert!(out.stdout.contains("\n### Verdict\nCHANGES REQUESTED\n"));
}

#[test]
fn output_file_and_step_summary_for_ci() {
    let p = failing();
    let sarif_path = p.root().join("out.sarif");
    let summary = p.root().join("summary.md");
    let out = tool(GATE)
        .args([
            "--offline",
            "--preset",
            "lumen",
            "--format",
            "github",
            "--output-format",
            "sarif",
            "--output",
        ])
        .arg(&sarif_path)
        .arg("--manifest-path")
        .arg(p.manifest())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("::error file=rust/lumen-vm/src/lib.rs,line=7,col="),
        "{stdout}"
    );
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif_path).unwrap()).unwrap();
    assert!(sarif_validator().is_valid(&sarif));
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(summary.starts_with("## Performance Review\n"), "{summary}");
}

#[test]
fn reports_of_earlier_steps_are_merged_not_rerun() {
    let p = failing();
    let arch_json = p.root().join("arch.json");
    let out = tool(ARCH)
        .args([
            "--offline",
            "--preset",
            "lumen",
            "--format",
            "json",
            "--output",
        ])
        .arg(&arch_json)
        .arg("--manifest-path")
        .arg(p.manifest())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // Without --preset, the gate would find no architecture problem itself: the findings must come from the file.
    let out = gate(
        &p,
        &[
            "--format",
            "json",
            "--report",
            arch_json.to_str().unwrap(),
            "--report",
            arch_json.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let r: Value = serde_json::from_str(&out.stdout).unwrap();
    let arch = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["category"] == "architecture")
        .count();
    assert_eq!(arch, 3, "merged once, de-duplicated: {r:#}");
    assert!(
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule_id"] == "no-unwrap")
    );

    std::fs::write(&arch_json, "{\"format_version\": 1, \"tool\": \"arch\"").unwrap();
    let out = gate(&p, &["--report", arch_json.to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("is not a lumen-gate report"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_change_against_its_base_reports_exactly_what_it_added() {
    let p = TempProject::new("gate-clean");
    // A pre-existing unwrap at the base: reported as such, never blocking.
    let model = p.read("model/src/lib.rs");
    p.write("model/src/lib.rs", &(model.clone() + "\n/// The first item.\npub fn first(order: &Order) -> u32 {\n    *order.items.first().unwrap()\n}\n"));
    p.git_init();
    let base = p.git(&["rev-parse", "HEAD"]).trim().to_owned();

    // The change: an unwrap in library code and a forbidden dependency (model -> extra), left uncommitted.
    let service = p.read("service/src/lib.rs");
    p.write("service/src/lib.rs", &(service.clone() + "\n/// Parses or panics.\npub fn must(input: &str) -> Order {\n    parse(input).unwrap()\n}\n"));
    let manifest = p.read("model/Cargo.toml");
    p.write(
        "model/Cargo.toml",
        &(manifest.clone() + "extra = { path = \"../extra\" }\n"),
    );
    p.update_lockfile();
    let changed = CheckoutState::capture(p.root());

    let out = gate(&p, &["--base", &base, "--format", "json"]);
    assert_eq!(
        CheckoutState::capture(p.root()),
        changed,
        "the gate changed the checkout"
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let r: Value = serde_json::from_str(&out.stdout).unwrap();
    let describe = |f: &Value| {
        format!(
            "{} {}:{}",
            f["rule_id"].as_str().unwrap(),
            f["location"]["file"].as_str().unwrap(),
            f["location"]["line"]
        )
    };
    let findings = r["findings"].as_array().unwrap();
    let mut new: Vec<String> = findings
        .iter()
        .filter(|f| f["baseline"] == "new")
        .map(describe)
        .collect();
    new.sort();
    assert_eq!(
        new,
        [
            "model-is-a-leaf model/Cargo.toml:8",
            "new-coupling model/Cargo.toml:8",
            "no-unwrap service/src/lib.rs:20"
        ]
    );
    let old: Vec<String> = findings
        .iter()
        .filter(|f| f["baseline"] == "pre-existing")
        .map(describe)
        .collect();
    assert_eq!(old, ["no-unwrap model/src/lib.rs:17"]);

    let md = gate(&p, &["--base", &base, "--format", "markdown"]);
    assert!(
        md.stdout.contains("| no-unwrap | CRITICAL | 0 | 1 | 0 |"),
        "the pre-existing finding is counted, not listed: {}",
        md.stdout
    );
    assert!(
        md.stdout
            .contains("- [ ] No new coupling introduced (1 found)"),
        "{}",
        md.stdout
    );

    // Reverting the change: approved.
    p.write("service/src/lib.rs", &service);
    p.write("model/Cargo.toml", &manifest);
    p.update_lockfile();
    assert_eq!(
        p.git(&["status", "--porcelain"]),
        "",
        "the revert restores the base"
    );
    let reverted = CheckoutState::capture(p.root());
    let out = gate(&p, &["--base", &base, "--format", "markdown"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("\n### Verdict\nAPPROVED\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("- [x] No new coupling introduced"),
        "{}",
        out.stdout
    );
    assert_eq!(CheckoutState::capture(p.root()), reverted);
}

#[test]
fn the_gate_cannot_run_is_exit_2() {
    let p = TempProject::new("gate-clean");
    let out = gate(&p, &["--base", "main"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("not inside a git repository"),
        "{}",
        out.stderr
    );
    let out = gate(&p, &["--report", "/no/such/report.json"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("could not read /no/such/report.json"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_source_gates_alone_do_not_resolve_dependencies() {
    let p = TempProject::new("gate-clean");
    // A dependency cargo cannot resolve offline: only a run that resolves the graph trips on it.
    std::fs::remove_file(p.root().join("Cargo.lock")).unwrap();
    let manifest = p.read("extra/Cargo.toml");
    p.write(
        "extra/Cargo.toml",
        &manifest.replace(
            "[dependencies]",
            "[dependencies]\nno-such-crate-lumen-gate-test = \"1\"",
        ),
    );
    let lints = gate(&p, &["--only", "lints", "--format", "json"]);
    assert_eq!(lints.code, 0, "{}", lints.stderr);
    let r: Value = serde_json::from_str(&lints.raw).unwrap();
    assert!(r["rules_checked"].as_array().unwrap().len() > 5, "{r:#}");
    assert!(
        !p.root().join("Cargo.lock").exists(),
        "no lockfile left behind"
    );
    let with_arch = gate(&p, &["--format", "json"]);
    assert_eq!(with_arch.code, 2, "{}", with_arch.stderr);
    assert!(
        with_arch.stderr.contains("no-such-crate-lumen-gate-test"),
        "{}",
        with_arch.stderr
    );
}
