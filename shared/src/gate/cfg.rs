//! `[gate.verdict]`: when a review says CHANGES REQUESTED.

use serde::Deserialize;

/// The verdict policy. By default any new CRITICAL finding, any benchmark regression beyond its threshold,
/// and any architecture violation (CRITICAL or WARNING) requests changes; WARNINGs elsewhere never block
/// unless a budget is set; INFO never blocks; findings that already existed at the base never block.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct VerdictConfig {
    /// New CRITICAL findings block.
    #[serde(default = "yes")]
    pub block_on_critical: bool,
    /// Architecture findings of WARNING severity block too (CRITICAL ones always do with the above).
    #[serde(default = "yes")]
    pub block_on_architecture: bool,
    /// Benchmark regressions beyond their threshold block.
    #[serde(default = "yes")]
    pub block_on_regression: bool,
    /// At most this many new WARNINGs (outside architecture) are accepted; more block. `None`: no limit.
    #[serde(default)]
    pub warning_budget: Option<u32>,
}

fn yes() -> bool {
    true
}

impl Default for VerdictConfig {
    fn default() -> Self {
        VerdictConfig {
            block_on_critical: true,
            block_on_architecture: true,
            block_on_regression: true,
            warning_budget: None,
        }
    }
}
