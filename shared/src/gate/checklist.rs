//! The review's two checklists, ticked from the findings: "Architecture Compliance" and the
//! "Performance Checklist" of the spec.

use crate::report::{Category, Finding, Report};

/// Kind of the architecture finding that means "new coupling introduced"; every other architecture kind is
/// a crate-boundary violation.
pub const NEW_COUPLING_KIND: &str = "arch::new-coupling";

/// The spec's Performance Checklist, in its order, with the source-gate rules that check each item.
pub const PERFORMANCE_CHECKLIST: &[(&str, &[&str])] = &[
    (
        "No unnecessary allocations in hot paths",
        &["alloc-in-hot-loop", "clone-in-hot-loop"],
    ),
    (
        "No quadratic algorithms on user-controlled input sizes",
        &["quadratic"],
    ),
    ("String operations use interning where applicable", &[]),
    (
        "Collections use appropriate types (BTreeSet for ordered, HashMap for lookup)",
        &["hash-in-hot-loop"],
    ),
    (
        "Rc cloning is minimized; COW via `make_mut()` where mutation is needed",
        &["clone-justified", "clone-in-hot-loop"],
    ),
    ("Error paths don't allocate more than success paths", &[]),
    (
        "No `format!()` in hot loops -- preallocate strings",
        &["format-in-loop"],
    ),
    (
        "Const generics used where array sizes are known at compile time",
        &[],
    ),
];

/// The state of one checklist line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckState {
    /// Checked, nothing found.
    Passed,
    /// Checked; these findings break it.
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
}

impl ChecklistLine {
    fn new(text: impl Into<String>, state: CheckState) -> ChecklistLine {
        ChecklistLine {
            text: text.into(),
            state,
        }
    }
}

/// "Architecture Compliance": crate boundaries, new coupling, and an `Issue:` line per violation.
pub fn architecture(report: &Report, issues: &[Finding], arch_ran: bool) -> Vec<ChecklistLine> {
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
        .filter(|f| f.category == Category::Architecture)
        .collect();
    let boundary = arch.iter().filter(|f| f.kind != NEW_COUPLING_KIND).count();
    let coupling = arch.iter().filter(|f| f.kind == NEW_COUPLING_KIND).count();
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
    for f in arch {
        let place = f
            .location
            .as_ref()
            .map(|l| format!(" -- {l}"))
            .unwrap_or_default();
        lines.push(ChecklistLine::new(
            format!("Issue: [{}] {}{place}", f.rule_id, f.message),
            CheckState::Failed(1),
        ));
    }
    lines
}

/// The Performance Checklist, each item ticked when the rules that check it found nothing new.
pub fn performance(_report: &Report, issues: &[Finding], gates_ran: bool) -> Vec<ChecklistLine> {
    PERFORMANCE_CHECKLIST
        .iter()
        .map(|(text, rules)| {
            let st = if rules.is_empty() {
                CheckState::NotChecked("no rule checks this: review by hand")
            } else if !gates_ran {
                CheckState::NotChecked("source gates not run")
            } else {
                state(
                    issues
                        .iter()
                        .filter(|f| rules.contains(&f.rule_id.as_str()))
                        .count(),
                )
            };
            ChecklistLine::new(*text, st)
        })
        .collect()
}

fn state(count: usize) -> CheckState {
    if count == 0 {
        CheckState::Passed
    } else {
        CheckState::Failed(count)
    }
}
