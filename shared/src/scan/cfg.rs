//! `[gate]` configuration.

use serde::Deserialize;

/// `[gate]`: source gates, hot paths and the verdict policy.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct GateConfig {}
