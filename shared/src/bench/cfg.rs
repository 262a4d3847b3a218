//! `[bench]` configuration.

use serde::Deserialize;

/// `[bench]`: regression thresholds.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BenchConfig {}
