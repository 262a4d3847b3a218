//! The review verdict (`cargo lumen-gate`): merges the reports and decides APPROVED or CHANGES REQUESTED.
