//! End-to-end tests of the lumen-gate tools live in `tests/`; fixture workspaces in `fixtures/`.
