//! The review (`cargo lumen-gate`): merges the tools' reports, ranks the findings, ticks the checklists and
//! decides APPROVED or CHANGES REQUESTED with the verdict policy that decides every tool's exit code.

pub mod baseline;
pub mod cfg;
pub mod checklist;
pub mod inputs;
pub mod review;
pub mod verdict;
