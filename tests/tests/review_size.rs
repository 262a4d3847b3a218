//! The review fits where it is posted at any size: on a generated workspace of about 200,000 lines with
//! 3,000 findings, the markdown stays under 60,000 characters, counts every finding, lists the first 50
//! blocking ones in the spec's item format, and keeps the spec's headings in order.

use lumen_gate_tests::{TempProject, run, tool};

const GATE: &str = env!("CARGO_BIN_EXE_lumen-gate-dup");

const CRATES: usize = 10;
const FILES: usize = 20;
/// Functions per file: each has one `.unwrap()` (CRITICAL) on every second function, else a
/// `format!` in a loop (WARNING), and 40 lines of plain code.
const FNS: usize = 15;

/// A file of about 1,000 lines with `FNS` findings.
fn file(crate_no: usize, file_no: usize) -> String {
    let mut text = format!("//! Generated module {file_no} of crate {crate_no}.\n\n");
    for f in 0..FNS {
        text.push_str(&format!(
            "/// Function {f}.\npub fn f{f}(items: &[u64]) -> u64 {{\n"
        ));
        text.push_str("    let mut total = 0;\n");
        for i in 0..60 {
            text.push_str(&format!("    total += items.len() as u64 * {i};\n"));
        }
        if f % 2 == 0 {
            text.push_str("    let first: u64 = \"7\".parse().unwrap();\n    total += first;\n");
        } else {
            text.push_str("    for i in items {\n        let label = format!(\"{i}\");\n        total += label.len() as u64;\n    }\n");
        }
        text.push_str("    total\n}\n\n");
    }
    text
}

fn generated_workspace() -> (TempProject, usize, usize) {
    let p = TempProject::empty();
    let members: Vec<String> = (0..CRATES).map(|c| format!("\"c{c}\"")).collect();
    p.write(
        "Cargo.toml",
        &format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    );
    let mut lines = 0;
    for c in 0..CRATES {
        p.write(
            &format!("c{c}/Cargo.toml"),
            &format!("[package]\nname = \"c{c}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
        );
        let mods: Vec<String> = (0..FILES).map(|m| format!("pub mod m{m};\n")).collect();
        p.write(
            &format!("c{c}/src/lib.rs"),
            &format!("//! Crate {c}.\n{}", mods.concat()),
        );
        for m in 0..FILES {
            let text = file(c, m);
            lines += text.lines().count();
            p.write(&format!("c{c}/src/m{m}.rs"), &text);
        }
    }
    let findings = CRATES * FILES * FNS;
    (p, lines, findings)
}

#[test]
fn a_review_of_3000_findings_fits_a_pull_request_comment() {
    let (p, lines, findings) = generated_workspace();
    assert!(lines > 190_000, "{lines} lines");
    assert_eq!(findings, 3000);
    let critical = CRATES * FILES * FNS.div_ceil(2);
    let r = run(tool(GATE)
        .args(["--only", "lints", "--format", "markdown", "--manifest-path"])
        .arg(p.manifest()));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let md = &r.stdout;
    assert!(
        md.chars().count() <= 60_000,
        "{} characters",
        md.chars().count()
    );
    let headings: Vec<&str> = md.lines().filter(|l| l.starts_with('#')).collect();
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
    // Every finding counted, every blocking one among them.
    assert!(
        md.contains(&format!(
            "{findings} findings ({critical} CRITICAL, {} WARNING, 0 INFO), {critical} blocking.",
            findings - critical
        )),
        "{}",
        &md[..2000]
    );
    // The first 50 listed, blocking (CRITICAL) first, in the spec's item format; the rest counted.
    let section = md.split("### Issues Found\n").nth(1).unwrap();
    let items: Vec<&str> = section.lines().take_while(|l| !l.is_empty()).collect();
    assert_eq!(items.len(), 50, "{section:.3000}");
    for (i, item) in items.iter().enumerate() {
        assert!(
            item.starts_with(&format!("{}. **[CRITICAL]** [no-unwrap] ", i + 1))
                && item.matches(" -- ").count() == 2,
            "{item}"
        );
    }
    assert!(
        section.contains(&format!(
            "... and {} more new findings ({} of them blocking)",
            findings - 50,
            critical - 50
        )),
        "{section:.4000}"
    );
}

#[test]
fn github_annotations_are_for_blocking_findings_only_most_severe_first() {
    let (p, _, _) = generated_workspace();
    let r = run(tool(GATE)
        .args(["--only", "lints", "--format", "github", "--manifest-path"])
        .arg(p.manifest()));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let critical = CRATES * FILES * FNS.div_ceil(2);
    let annotations: Vec<&str> = r.stdout.lines().collect();
    // As many blocking findings as GitHub shows (10 errors per step, the verdict's included), one
    // notice counting the rest, then the verdict.
    assert!(critical > 9, "{critical}");
    assert_eq!(annotations.len(), 9 + 2, "{}", r.stdout);
    assert!(annotations[..9].iter().all(|a| a.starts_with("::error ")));
    assert!(
        annotations[9].starts_with(&format!(
            "::notice title=lumen-gate::{} more blocking findings are not annotated",
            critical - 9
        )),
        "{}",
        annotations[9]
    );
    assert!(annotations[10].contains("Performance review: CHANGES REQUESTED"));
}
