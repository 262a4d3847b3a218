//! `--semver`: cargo-semver-checks, when it is installed, run against the base revision's worktree
//! (`cargo semver-checks check-release --baseline-root <base>`), its findings folded into the review:
//! each failed lint, per item, at its file and line, with the bump it requires. When it is not installed,
//! or there is no base to compare with, the review says it was not run.
//!
//! cargo-semver-checks has no machine-readable output: its text report is read, lint sections on stdout,
//! progress and the required bump on stderr. It runs once per crate (the sections do not name their crate).
//! The format was recorded from a real run of cargo-semver-checks 0.51.0 on the end-to-end test's workspace
//! (`tests/fixtures/api/semver-checks-{stdout,stderr}.txt`).

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
    let mut total = 0;
    for package in packages {
        let mut cmd = ProcessBuilder::new(cargo_program());
        cmd.args(&["semver-checks", "check-release", "--manifest-path"])
            .arg(members.root.join("Cargo.toml").as_std_path())
            .arg("--baseline-root")
            .arg(Path::new(base_root.as_str()))
            .arg("--package")
            .arg(package)
            .cwd(members.root.as_std_path())
            .env("CARGO_TERM_COLOR", "never");
        let output = match cmd.build_command().output() {
            Ok(out) => out,
            Err(e) => {
                outcome
                    .problems
                    .push(problem(format!("could not run cargo-semver-checks: {e}")));
                return outcome;
            }
        };
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let parsed = parse(&stdout, &stderr, package, &members.root);
        let summarized = stderr.lines().any(|l| l.trim().starts_with("Summary "));
        if !output.status.success() && parsed.is_empty() || !summarized {
            let tail: Vec<&str> = stderr.lines().rev().take(5).collect();
            outcome.problems.push(problem(format!(
                "cargo-semver-checks failed on `{package}`: {}",
                tail.into_iter().rev().collect::<Vec<_>>().join(" / ")
            )));
            continue;
        }
        total += parsed.len();
        outcome.findings.extend(parsed);
    }
    outcome.notes.push(format!(
        "{version} ran against the base: {total} {}",
        if total == 1 { "finding" } else { "findings" }
    ));
    outcome
}

/// The findings of one crate's cargo-semver-checks report: each lint section of `stdout`
/// (`--- failure <lint>: <description> ---`) lists its items under `Failed in:`; `stderr`'s
/// `Summary semver requires new <major|minor> version` gives the bump.
pub fn parse(stdout: &str, stderr: &str, package: &str, root: &Utf8Path) -> Vec<Finding> {
    let required = stderr.lines().find_map(|l| {
        l.trim()
            .strip_prefix("Summary semver requires new ")
            .and_then(|rest| rest.split_whitespace().next())
    });
    let mut findings: Vec<Finding> = Vec::new();
    let mut section: Option<(String, String, Severity)> = None;
    let mut in_failed = false;
    for line in stdout.lines() {
        let trimmed = line.trim();
        if let Some(header) = trimmed
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
                impact: required.map(|r| format!("requires a new {r} version of `{package}`")),
                location,
                package: Some(package.to_owned()),
                crates: Vec::new(),
                paths: Vec::new(),
                benchmark: None,
                code: None,
                baseline: Baseline::New,
                cost: None,
                rank: None,
            });
        }
    }
    findings
}

/// `function b::gone, previously in file /w/src/lib.rs:1` -> the item text and its place.
fn failed_item(line: &str, root: &Utf8Path) -> (String, Option<Location>) {
    for marker in [", previously in file ", " in file ", ", in "] {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A real run's report (cargo-semver-checks 0.51.0 on the end-to-end test's workspace); its base
    /// worktree was `/tmp/api-rec/base`, named here as lumen-gate names its own (`.../api-base/`).
    #[test]
    fn a_recorded_report_is_folded_in() {
        let stdout = include_str!("../../../tests/fixtures/api/semver-checks-stdout.txt")
            .replace("/tmp/api-rec/base/", "/state/api-base/");
        let stderr = include_str!("../../../tests/fixtures/api/semver-checks-stderr.txt");
        let found = parse(
            &stdout,
            stderr,
            "core-lib",
            Utf8Path::new("/tmp/api-rec/ws"),
        );
        let summary: Vec<(&str, Severity, String, Option<String>)> = found
            .iter()
            .map(|f| {
                (
                    f.rule_id.as_str(),
                    f.severity,
                    f.location
                        .as_ref()
                        .map(|l| l.to_string())
                        .unwrap_or_default(),
                    f.impact.to_owned(),
                )
            })
            .collect();
        let impact = Some("requires a new major version of `core-lib`".to_owned());
        assert_eq!(
            summary,
            [
                (
                    "function_missing",
                    Severity::Critical,
                    "core-lib/src/lib.rs:8".to_owned(),
                    impact.to_owned()
                ),
                (
                    "function_parameter_count_changed",
                    Severity::Critical,
                    "core-lib/src/lib.rs:8".to_owned(),
                    impact
                ),
            ]
        );
        assert_eq!(
            found[0].message,
            "cargo-semver-checks `function_missing`: pub fn removed or renamed: function core_lib::open_legacy"
        );
    }
}
