//! `--semver`: cargo-semver-checks, when it is installed, run against the base revision's worktree
//! (`cargo semver-checks check-release --baseline-root <base>`), its findings folded into the review:
//! each failed lint, per item, at its file and line, with the bump it requires. When it is not installed,
//! or there is no base to compare with, the review says it was not run.
//!
//! cargo-semver-checks has no machine-readable output: its text report (on stderr) is read. The format was
//! recorded from cargo-semver-checks 0.47 (`tests/fixtures/api/semver-checks-output.txt` is a real run's).

use std::path::Path;

use camino::Utf8Path;
use cargo_util::ProcessBuilder;

use crate::api::problem;
use crate::report::{Baseline, Category, Finding, Location, Problem, Severity};
use crate::workspace::{Members, cargo_program, relative_to};

/// The kind of a cargo-semver-checks finding.
pub const SEMVER_KIND: &str = "api::semver-checks";

/// What the run gave the review.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Its findings.
    pub findings: Vec<Finding>,
    /// What was and was not checked.
    pub notes: Vec<String>,
    /// It failed to run.
    pub problems: Vec<Problem>,
}

/// Runs cargo-semver-checks on `packages` against the base worktree at `base_root`.
pub fn run(members: &Members, packages: &[String], base_root: Option<&Utf8Path>) -> Outcome {
    let mut outcome = Outcome::default();
    let Some(base_root) = base_root else {
        outcome.notes.push(
            "cargo-semver-checks was not run: --semver compares with a base revision, and no --base was given".to_owned(),
        );
        return outcome;
    };
    if packages.is_empty() {
        outcome
            .notes
            .push("cargo-semver-checks was not run: no library crate selected".to_owned());
        return outcome;
    }
    let version = ProcessBuilder::new(cargo_program())
        .args(&["semver-checks", "--version"])
        .cwd(members.root.as_std_path())
        .build_command()
        .output();
    let version = match version {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        _ => {
            outcome.notes.push(
                "cargo-semver-checks was not run: it is not installed (`cargo install cargo-semver-checks --locked`); only lumen-gate's own surface comparison was made".to_owned(),
            );
            return outcome;
        }
    };
    let mut cmd = ProcessBuilder::new(cargo_program());
    cmd.args(&["semver-checks", "check-release", "--manifest-path"])
        .arg(members.root.join("Cargo.toml").as_std_path())
        .arg("--baseline-root")
        .arg(Path::new(base_root.as_str()))
        .cwd(members.root.as_std_path())
        .env("CARGO_TERM_COLOR", "never");
    for package in packages {
        cmd.arg("--package").arg(package);
    }
    let output = match cmd.build_command().output() {
        Ok(out) => out,
        Err(e) => {
            outcome
                .problems
                .push(problem(format!("could not run cargo-semver-checks: {e}")));
            return outcome;
        }
    };
    let text = String::from_utf8_lossy(&output.stderr);
    let parsed = parse(&text, &members.root);
    if !output.status.success() && parsed.is_empty() {
        let tail: Vec<&str> = text.lines().rev().take(5).collect();
        outcome.problems.push(problem(format!(
            "cargo-semver-checks failed: {}",
            tail.into_iter().rev().collect::<Vec<_>>().join(" / ")
        )));
        return outcome;
    }
    outcome.notes.push(format!(
        "{version} ran against the base: {} {}",
        parsed.len(),
        if parsed.len() == 1 {
            "finding"
        } else {
            "findings"
        }
    ));
    outcome.findings = parsed;
    outcome
}

/// The findings of cargo-semver-checks' text report: per crate (`Checking <crate> v.. -> v..`), each
/// lint section (`--- failure <lint>: <description> ---`) lists its items under `Failed in:`, and the
/// crate's `Summary semver requires new <major|minor> version` gives the bump.
pub fn parse(text: &str, root: &Utf8Path) -> Vec<Finding> {
    let mut findings: Vec<Finding> = Vec::new();
    let mut package = String::new();
    let mut crate_start = 0;
    let mut section: Option<(String, String, Severity)> = None;
    let mut in_failed = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("Checking ") {
            package = rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned();
            crate_start = findings.len();
            section = None;
            in_failed = false;
        } else if let Some(header) = trimmed
            .strip_prefix("--- ")
            .and_then(|h| h.strip_suffix(" ---"))
        {
            let (level, rest) = header.split_once(' ').unwrap_or((header, ""));
            let (lint, description) = rest.split_once(": ").unwrap_or((rest, ""));
            let severity = if level == "failure" {
                Severity::Critical
            } else {
                Severity::Warning
            };
            section = Some((lint.to_owned(), description.to_owned(), severity));
            in_failed = false;
        } else if trimmed == "Failed in:" {
            in_failed = true;
        } else if let Some(rest) = trimmed.strip_prefix("Summary semver requires new ") {
            let required = rest.split_whitespace().next().unwrap_or_default();
            for f in findings.iter_mut().skip(crate_start) {
                f.impact = Some(format!("requires a new {required} version of `{package}`"));
            }
            section = None;
            in_failed = false;
        } else if in_failed && trimmed.is_empty() {
            in_failed = false;
        } else if in_failed && let Some((lint, description, severity)) = &section {
            let (item, location) = failed_item(trimmed, root);
            findings.push(Finding {
                rule_id: lint.to_owned(),
                kind: SEMVER_KIND.to_owned(),
                category: Category::Architecture,
                severity: *severity,
                message: format!("cargo-semver-checks `{lint}`: {description}: {item}"),
                why: None,
                help: None,
                impact: None,
                location,
                package: (!package.is_empty()).then(|| package.to_owned()),
                crates: Vec::new(),
                paths: Vec::new(),
                benchmark: None,
                code: None,
                baseline: Baseline::New,
            });
        }
    }
    findings
}

/// `function b::gone, previously in file /w/src/lib.rs:1` -> the item text and its place.
fn failed_item(line: &str, root: &Utf8Path) -> (String, Option<Location>) {
    for marker in [", previously in file ", " in file "] {
        if let Some((item, place)) = line.rsplit_once(marker)
            && let Some((file, line_no)) = place.rsplit_once(':')
            && let Ok(line_no) = line_no.trim().parse::<u32>()
        {
            let file = Utf8Path::new(file);
            // The base's files are in lumen-gate's worktree: the same path relative to its root.
            let relative = match file.as_str().find("/api-base/") {
                Some(_) => strip_worktree(file),
                None => relative_to(root, file),
            };
            return (
                item.to_owned(),
                Some(Location {
                    file: relative,
                    line: line_no,
                    column: 1,
                    length: 0,
                }),
            );
        }
    }
    (line.to_owned(), None)
}

/// A path inside the base worktree (`.../api-base/<repo-relative path>`), relative to the repository.
fn strip_worktree(file: &Utf8Path) -> String {
    file.as_str()
        .split_once("/api-base/")
        .map(|(_, rest)| rest.to_owned())
        .unwrap_or_else(|| file.to_string())
}
