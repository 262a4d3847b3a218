//! The review's two checklists, ticked from the findings: "Architecture Compliance" and the
//! "Performance Checklist" of the spec.
//!
//! A Performance Checklist item is ticked only when a rule that answers it ran (it is in the report's
//! `rules_checked` with the item in its `checks`) and found nothing that counts; the line names those rules.
//! "No quadratic algorithms on user-controlled input sizes" is answered by the measured complexity of benchmark
//! families (`complexity-claim`, `complexity-growth`) when any were fitted, else by the source rule `quadratic`.

use crate::arch::Kind;
use crate::lints::rules::{RULES, Scope};
use crate::report::complexity::COMPLEXITY_KIND;
use crate::report::{Category, ChecklistItem, Finding, Report};

/// The state of one checklist line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckState {
    /// Checked by these rules, nothing found.
    Passed,
    /// Checked; this many findings break it.
    Failed(usize),
    /// Not checked, and why.
    NotChecked(&'static str),
}

/// One line of a checklist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChecklistLine {
    /// The item's text.
    pub text: String,
    /// Its state.
    pub state: CheckState,
    /// The rules that answer it (ids), when any ran.
    pub checked_by: Vec<String>,
}

impl ChecklistLine {
    fn new(text: impl Into<String>, state: CheckState) -> ChecklistLine {
        ChecklistLine {
            text: text.into(),
            state,
            checked_by: Vec::new(),
        }
    }
}

/// "Architecture Compliance": crate boundaries, new coupling, and an `Issue:` line per violation.
pub fn architecture(report: &Report, issues: &[Finding], arch_ran: bool) -> Vec<ChecklistLine> {
    let mut lines = architecture_rules(report, issues, arch_ran);
    lines.extend(api_surface(report, issues));
    lines
}

/// The API review's line, `API surface: +N, -M, ~K` (added, removed, changed public items since the
/// base), failed by breaking changes, and an `Issue:` line per breaking change.
fn api_surface(report: &Report, issues: &[Finding]) -> Vec<ChecklistLine> {
    if report.api.is_empty() {
        return Vec::new();
    }
    let breaking: Vec<&Finding> = issues
        .iter()
        .filter(|f| f.category == Category::Architecture && f.kind.starts_with("api::"))
        .collect();
    let (added, removed, changed) = crate::report::api::totals(&report.api);
    let line = if report.base.is_some() {
        ChecklistLine::new(
            format!("API surface: +{added}, -{removed}, ~{changed}"),
            state(breaking.len()),
        )
    } else {
        let items: usize = report.api.iter().map(|s| s.items).sum();
        ChecklistLine::new(
            format!(
                "API surface: {items} public items in {} library crates",
                report.api.len()
            ),
            CheckState::NotChecked("no --base given, nothing to compare"),
        )
    };
    let mut lines = vec![line];
    lines.extend(breaking.iter().map(|f| issue(f)));
    lines
}

fn issue(f: &Finding) -> ChecklistLine {
    let place = f
        .location
        .as_ref()
        .map(|l| format!(" -- {l}"))
        .unwrap_or_default();
    ChecklistLine::new(
        format!("Issue: [{}] {}{place}", f.rule_id, f.message),
        CheckState::Failed(1),
    )
}

/// Crate boundaries and new coupling, from the architecture rules.
fn architecture_rules(report: &Report, issues: &[Finding], arch_ran: bool) -> Vec<ChecklistLine> {
    if !arch_ran {
        return vec![
            ChecklistLine::new(
                "Crate boundaries respected",
                CheckState::NotChecked("architecture rules not run"),
            ),
            ChecklistLine::new(
                "No new coupling introduced",
                CheckState::NotChecked("architecture rules not run"),
            ),
        ];
    }
    let arch: Vec<&Finding> = issues
        .iter()
        .filter(|f| f.category == Category::Architecture && !f.kind.starts_with("api::"))
        .collect();
    let new_coupling = |f: &&&Finding| f.kind == Kind::NewCoupling.as_str();
    let coupling = arch.iter().filter(new_coupling).count();
    let boundary = arch.len() - coupling;
    let mut lines = vec![
        ChecklistLine::new("Crate boundaries respected", state(boundary)),
        ChecklistLine::new(
            "No new coupling introduced",
            if report.base.is_none() {
                CheckState::NotChecked("no --base given")
            } else {
                state(coupling)
            },
        ),
    ];
    lines.extend(arch.iter().map(|f| issue(f)));
    lines
}

/// The Performance Checklist, each item ticked when the rules that answer it ran and found nothing new.
pub fn performance(report: &Report, issues: &[Finding]) -> Vec<ChecklistLine> {
    ChecklistItem::ALL
        .iter()
        .map(|item| {
            let mut rules: Vec<_> = report
                .rules_checked
                .iter()
                .filter(|r| r.checks.contains(item))
                .collect();
            // Measured growth answers it when benchmark families were fitted; the source rule otherwise.
            if rules.iter().any(|r| r.kind == COMPLEXITY_KIND) {
                rules.retain(|r| r.kind == COMPLEXITY_KIND);
            }
            let st = if rules.is_empty() {
                CheckState::NotChecked(why_not_checked(report, *item))
            } else {
                state(
                    issues
                        .iter()
                        .filter(|f| rules.iter().any(|r| r.kind == f.kind && r.id == f.rule_id))
                        .count(),
                )
            };
            ChecklistLine {
                text: item.text().to_owned(),
                state: st,
                checked_by: rules.iter().map(|r| r.id.to_owned()).collect(),
            }
        })
        .collect()
}

/// Why no rule answered `item`: the lints did not run, its rules only look at hot paths and none are
/// configured, or its rules are turned off.
fn why_not_checked(report: &Report, item: ChecklistItem) -> &'static str {
    let lints_ran = report
        .rules_checked
        .iter()
        .any(|r| r.kind.starts_with("lints::"));
    let answering: Vec<_> = RULES.iter().filter(|r| r.checks.contains(&item)).collect();
    let hot_rule_ran = report.rules_checked.iter().any(|checked| {
        RULES
            .iter()
            .any(|r| r.id == checked.id && r.scope == Scope::HotOnly)
    });
    if !lints_ran {
        "the lints did not run"
    } else if !hot_rule_ran && answering.iter().all(|r| r.scope == Scope::HotOnly) {
        "no hot paths configured (`[lints] hot-paths`), or its rules are off"
    } else {
        "rule off"
    }
}

fn state(count: usize) -> CheckState {
    if count == 0 {
        CheckState::Passed
    } else {
        CheckState::Failed(count)
    }
}
