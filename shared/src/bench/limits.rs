//! Instruction-count regression limits from `[bench]`: the default, per-benchmark overrides, the floor, the
//! configured noise floors.

use toml::Spanned;

use crate::bench::cfg::BenchConfig;
use crate::bench::complexity::cfg::FamilySpec;
use crate::bench::noise;
use crate::config::validate::Validator;
use crate::report::bench::NoiseFloor;
use crate::report::{BenchStatus, MetricChange};

/// One `[[bench.overrides]]` entry, validated.
struct Override {
    benchmarks: globset::GlobMatcher,
    pct: Option<f64>,
    abs: Option<u64>,
    noise: Option<f64>,
}

/// Regression limits, validated.
pub struct Limits {
    /// The default percent limit.
    pub default_pct: f64,
    default_abs: Option<u64>,
    floor: u64,
    noise: Option<f64>,
    /// The share of a benchmark's instructions (0 to 1) from which a function is a measured hot path.
    pub hot_share: f64,
    overrides: Vec<Override>,
    /// The `[[bench.complexity]]` families, validated.
    pub complexity: Vec<FamilySpec>,
}

impl Limits {
    /// Validates the `[bench]` settings: globs compile, percentages are finite and not negative, the time
    /// limit is at least one second; each error points at its key in the config file.
    pub fn validate(cfg: &BenchConfig, v: &mut Validator<'_>) -> Limits {
        check_numbers(cfg, v);
        let mut overrides = Vec::new();
        for o in &cfg.overrides {
            if let Some(g) = v.glob(&o.benchmarks) {
                overrides.push(Override {
                    benchmarks: g.compile_matcher(),
                    pct: o.ir_regression_pct.as_ref().map(|p| *p.get_ref()),
                    abs: o.ir_regression_abs,
                    noise: o
                        .noise
                        .as_ref()
                        .and_then(|n| noise::parse(n.get_ref()).ok()),
                });
            }
        }
        let complexity = crate::bench::complexity::cfg::validate(v, &cfg.complexity);
        Limits {
            complexity,
            default_pct: *cfg.ir_regression_pct.get_ref(),
            default_abs: cfg.ir_regression_abs,
            floor: cfg.floor_ir,
            noise: cfg
                .noise
                .as_ref()
                .and_then(|n| noise::parse(n.get_ref()).ok()),
            hot_share: cfg
                .hot_share
                .as_ref()
                .and_then(|h| noise::percent("hot-share", "1%", h.get_ref()).ok())
                .unwrap_or(crate::bench::hot::DEFAULT_SHARE_PCT)
                / 100.0,
            overrides,
        }
    }

    /// The percent limit of a benchmark.
    pub fn pct_for(&self, name: &str) -> f64 {
        self.overridden(name, |o| o.pct).unwrap_or(self.default_pct)
    }

    fn abs_for(&self, name: &str) -> Option<u64> {
        self.overridden(name, |o| o.abs).or(self.default_abs)
    }

    /// The configured noise floor of a benchmark, in percent (`noise` of its last matching override
    /// giving one, else of `[bench]`), if any.
    pub fn noise_for(&self, name: &str) -> Option<f64> {
        self.overridden(name, |o| o.noise).or(self.noise)
    }

    /// The value the last matching override sets (`pick` reads it), if any does.
    fn overridden<T>(&self, name: &str, pick: impl Fn(&Override) -> Option<T>) -> Option<T> {
        self.overrides
            .iter()
            .rev()
            .filter(|o| o.benchmarks.is_match(name))
            .find_map(pick)
    }

    /// Where a benchmark's instruction-count change stands against its noise floor and its limits: within
    /// the floor (either way) unchanged, beyond it fewer instructions improved, more slower or regressed.
    pub fn status(&self, name: &str, ir: &MetricChange, floor: &NoiseFloor) -> BenchStatus {
        let Some(before) = ir.before else {
            return BenchStatus::New;
        };
        if noise::within(floor, ir) {
            return BenchStatus::Unchanged;
        }
        let delta = ir.after - before;
        if delta < 0.0 {
            return BenchStatus::Improved;
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

/// Checks every number of `[bench]`, `[bench.criterion]` and `[[bench.overrides]]`: percentages finite and not
/// negative, the time limit at least one second; each error points at its key. Every tool runs it when it
/// loads the configuration, so a `nan` cannot wait unnoticed for the run that uses it.
pub fn check_numbers(cfg: &BenchConfig, v: &mut Validator<'_>) {
    percent(v, &cfg.ir_regression_pct, "ir-regression-pct");
    percent(v, &cfg.criterion.noise_threshold_pct, "noise-threshold-pct");
    if *cfg.timeout_secs.get_ref() == 0 {
        v.error(
            &cfg.timeout_secs,
            "timeout-secs must be at least 1",
            "0 would stop every benchmark at once",
            Some("it is the time a bench target may take to build and run, in seconds".to_owned()),
        );
    }
    for o in &cfg.overrides {
        if let Some(pct) = &o.ir_regression_pct {
            percent(v, pct, "ir-regression-pct");
        }
    }
    for n in cfg
        .noise
        .iter()
        .chain(cfg.overrides.iter().filter_map(|o| o.noise.as_ref()))
    {
        if let Err(message) = noise::parse(n.get_ref()) {
            v.error(
                n,
                message,
                "not a usable noise floor",
                Some("a change within the noise floor is no change: `noise = \"0.2%\"`".to_owned()),
            );
        }
    }
    if let Some(share) = &cfg.hot_share
        && let Err(message) = noise::percent("hot-share", "1%", share.get_ref())
    {
        v.error(
            share,
            message,
            "not a usable share",
            Some("a function with this share of a benchmark's instructions is hot: `hot-share = \"1%\"`".to_owned()),
        );
    }
}

/// A percentage setting must be a finite number, not negative: `nan` would turn gating off.
fn percent(v: &mut Validator<'_>, value: &Spanned<f64>, key: &str) {
    let pct = *value.get_ref();
    if !pct.is_finite() || pct < 0.0 {
        v.error(
            value,
            format!("{key} must be a finite number of percent, 0 or more, not {pct}"),
            "not a usable limit",
            None,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(toml_text: &str) -> Limits {
        let cfg: BenchConfig = toml::from_str(toml_text).unwrap();
        let mut v = Validator::new(None);
        let limits = Limits::validate(&cfg, &mut v);
        v.finish().unwrap();
        limits
    }

    fn ir(before: f64, after: f64) -> MetricChange {
        crate::bench::summary::change(after, Some(before))
    }

    fn exact() -> NoiseFloor {
        noise::floor(None, &[])
    }

    #[test]
    fn the_last_matching_override_sets_each_limit_and_the_floor_spares_tiny_benchmarks() {
        let l = limits(
            "ir-regression-pct = 1.0\nfloor-ir = 500\n\n\
             [[overrides]]\nbenchmarks = \"calc::*\"\nir-regression-pct = 5.0\n\n\
             [[overrides]]\nbenchmarks = \"calc::parse::*\"\nir-regression-abs = 300\n\n\
             [[overrides]]\nbenchmarks = \"calc::parse::big\"\nir-regression-pct = 10.0\n",
        );
        assert_eq!(l.pct_for("other::x"), 1.0);
        assert_eq!(l.pct_for("calc::sum"), 5.0);
        // The abs-only override does not hide the percent of the one before it.
        assert_eq!(l.pct_for("calc::parse::small"), 5.0);
        assert_eq!(l.pct_for("calc::parse::big"), 10.0);
        assert_eq!(l.abs_for("calc::parse::small"), Some(300));
        assert_eq!(l.abs_for("calc::sum"), None);

        assert_eq!(
            l.status("other::x", &ir(1000.0, 1020.0), &exact()),
            BenchStatus::Regressed
        );
        assert_eq!(
            l.status("calc::sum", &ir(1000.0, 1020.0), &exact()),
            BenchStatus::Slower
        );
        assert_eq!(
            l.status("calc::sum", &ir(1000.0, 1060.0), &exact()),
            BenchStatus::Regressed
        );
        // 20% but only 200 more instructions: under the absolute limit; 350 more and 8.75% is over both.
        assert_eq!(
            l.status("calc::parse::small", &ir(1000.0, 1200.0), &exact()),
            BenchStatus::Slower
        );
        assert_eq!(
            l.status("calc::parse::small", &ir(4000.0, 4350.0), &exact()),
            BenchStatus::Regressed
        );
        // Under the floor: never a regression.
        assert_eq!(
            l.status("other::x", &ir(400.0, 800.0), &exact()),
            BenchStatus::Slower
        );
        assert_eq!(
            l.status("other::x", &ir(1000.0, 990.0), &exact()),
            BenchStatus::Improved
        );
        assert_eq!(
            l.status("other::x", &ir(1000.0, 1000.0), &exact()),
            BenchStatus::Unchanged
        );
    }

    #[test]
    fn noise_is_configured_per_benchmark_and_improvements_need_the_same_margin() {
        let l = limits(
            "noise = \"0.5%\"\n\n[[overrides]]\nbenchmarks = \"fib*\"\nnoise = \"2%\"\n\n\
             [[overrides]]\nbenchmarks = \"fib_big\"\nir-regression-pct = 3.0\n",
        );
        assert_eq!(l.noise_for("other"), Some(0.5));
        assert_eq!(l.noise_for("fib_30"), Some(2.0));
        // An override without `noise` does not hide the one before it.
        assert_eq!(l.noise_for("fib_big"), Some(2.0));
        let floor = noise::floor(l.noise_for("fib_30"), &[]);
        assert_eq!(
            l.status("fib_30", &ir(1000.0, 980.0), &floor),
            BenchStatus::Unchanged
        );
        assert_eq!(
            l.status("fib_30", &ir(1000.0, 1015.0), &floor),
            BenchStatus::Unchanged
        );
        assert_eq!(
            l.status("fib_30", &ir(1000.0, 979.0), &floor),
            BenchStatus::Improved
        );
        assert_eq!(
            l.status("fib_30", &ir(1000.0, 1021.0), &floor),
            BenchStatus::Regressed
        );
        assert!(limits("").noise_for("x").is_none());
    }

    #[test]
    fn a_bad_noise_setting_is_an_error_at_its_key() {
        for bad in [
            "noise = \"0.2\"",
            "noise = \"-1%\"",
            "[[overrides]]\nbenchmarks = \"a\"\nnoise = \"nan%\"",
        ] {
            let cfg: BenchConfig = toml::from_str(bad).unwrap();
            let mut v = Validator::new(None);
            let _ = Limits::validate(&cfg, &mut v);
            let err = v.finish().err().unwrap_or_else(|| panic!("{bad} accepted"));
            assert!(format!("{err:?}").contains("noise"), "{err:?}");
        }
    }
}
