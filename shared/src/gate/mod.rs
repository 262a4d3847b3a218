//! The review verdict (`cargo lumen-gate`): merges the tools' reports, ranks the findings, ticks the
//! checklists and decides APPROVED or CHANGES REQUESTED.

pub mod cfg;
pub mod checklist;
pub mod format;
pub mod inputs;
pub mod review;
pub mod run;
