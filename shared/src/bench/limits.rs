//! Instruction-count regression limits from `[bench]`: the default, per-benchmark overrides, the floor.

use globset::Glob;

use crate::bench::cfg::BenchConfig;
use crate::config::ConfigSource;
use crate::errors::Result;
use crate::report::{BenchStatus, MetricChange};

/// Regression limits, validated.
pub struct Limits {
    /// The default percent limit.
    pub default_pct: f64,
    default_abs: Option<u64>,
    floor: u64,
    overrides: Vec<(globset::GlobMatcher, Option<f64>, Option<u64>)>,
}

impl Limits {
    /// Validates the `[bench]` limits; a bad glob is an error pointing into the config file.
    pub fn new(cfg: &BenchConfig, source: Option<&ConfigSource>) -> Result<Limits> {
        let mut overrides = Vec::new();
        let mut errors = Vec::new();
        for o in &cfg.overrides {
            match Glob::new(o.benchmarks.get_ref()) {
                Ok(g) => overrides.push((
                    g.compile_matcher(),
                    o.ir_regression_pct,
                    o.ir_regression_abs,
                )),
                Err(e) => {
                    if let Some(src) = source {
                        errors.push(src.error(
                            o.benchmarks.span(),
                            format!("bad glob: {e}"),
                            "not a valid glob",
                            None,
                        ));
                    }
                }
            }
        }
        if let (Some(src), false) = (source, errors.is_empty()) {
            return Err(crate::config::InvalidConfig::new(src, errors).into());
        }
        Ok(Limits {
            default_pct: cfg.ir_regression_pct,
            default_abs: cfg.ir_regression_abs,
            floor: cfg.floor_ir,
            overrides,
        })
    }

    /// The percent limit of a benchmark.
    pub fn pct_for(&self, name: &str) -> f64 {
        self.overrides
            .iter()
            .rev()
            .find(|(g, pct, _)| g.is_match(name) && pct.is_some())
            .and_then(|(_, pct, _)| *pct)
            .unwrap_or(self.default_pct)
    }

    fn abs_for(&self, name: &str) -> Option<u64> {
        self.overrides
            .iter()
            .rev()
            .find(|(g, _, abs)| g.is_match(name) && abs.is_some())
            .and_then(|(_, _, abs)| *abs)
            .or(self.default_abs)
    }

    /// Where a benchmark's instruction-count change stands against its limits.
    pub fn status(&self, name: &str, ir: &MetricChange) -> BenchStatus {
        let Some(before) = ir.before else {
            return BenchStatus::New;
        };
        let delta = ir.after - before;
        if delta < 0.0 {
            return BenchStatus::Improved;
        }
        if delta == 0.0 {
            return BenchStatus::Unchanged;
        }
        let pct = ir.change_pct.unwrap_or(f64::INFINITY);
        let beyond =
            pct > self.pct_for(name) && self.abs_for(name).is_none_or(|abs| delta >= abs as f64);
        if beyond && before >= self.floor as f64 {
            BenchStatus::Regressed
        } else {
            BenchStatus::Slower
        }
    }
}
