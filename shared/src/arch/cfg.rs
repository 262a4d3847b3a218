//! `[arch]` configuration.

use serde::Deserialize;

/// `[arch]`: the architecture rules.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ArchConfig {}
