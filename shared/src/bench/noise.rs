//! The noise floor: how far a benchmark's instruction count moves with no change of code.
//!
//! Instruction counts repeat exactly only for deterministic code run the same way. A program's start-up
//! differs with the directory it runs in, a `HashMap`'s random seed changes its probes, addresses change
//! what a hash of a pointer does. So a change is reported only beyond the benchmark's floor, in both
//! directions: within it the benchmark is unchanged (no finding, no attribution). The floor is, in order:
//! `noise = "0.2%"` of its `[[bench.overrides]]` or of `[bench]`; else measured, as twice the spread of
//! two runs of the same code (a command benchmark's base run in two directories, or HEAD run twice with
//! `--check-determinism`); else 0, the count taken as exact.

use crate::report::MetricChange;
use crate::report::bench::{FloorSource, NoiseFloor};

/// A measured floor is this many times the spread its runs show: two runs show only part of a
/// jitter's range.
const SPREAD_FACTOR: f64 = 2.0;

/// Reads a `noise` setting: a percentage written with its sign, `"0.2%"`, finite, from 0 to 100.
pub fn parse(text: &str) -> Result<f64, String> {
    percent("noise", "0.2%", text)
}

/// Reads the percentage setting `key` (`"0.2%"`, as in `example`): finite, from 0 to under 100.
pub fn percent(key: &str, example: &str, text: &str) -> Result<f64, String> {
    let number = text
        .trim()
        .strip_suffix('%')
        .ok_or_else(|| format!("{key} must be a percentage such as \"{example}\", not {text:?}"))?;
    match number.trim().parse::<f64>() {
        Ok(pct) if pct.is_finite() && (0.0..100.0).contains(&pct) => Ok(pct),
        _ => Err(format!(
            "{key} must be a finite percentage from 0% to under 100%, not {text:?}"
        )),
    }
}

/// The floor of one benchmark: `configured` when given; else measured from `runs`, the counts of
/// repeated runs of the same code (each group one revision's runs); else exact.
pub fn floor(configured: Option<f64>, runs: &[Vec<f64>]) -> NoiseFloor {
    if let Some(pct) = configured {
        return NoiseFloor {
            pct,
            source: FloorSource::Config,
            runs: Vec::new(),
        };
    }
    let spreads: Vec<f64> = runs
        .iter()
        .filter(|group| group.len() >= 2)
        .map(|group| spread_pct(group))
        .collect();
    if spreads.is_empty() {
        return NoiseFloor {
            pct: 0.0,
            source: FloorSource::Exact,
            runs: Vec::new(),
        };
    }
    NoiseFloor {
        pct: spreads.into_iter().fold(0.0, f64::max) * SPREAD_FACTOR,
        source: FloorSource::Measured,
        runs: runs.iter().flatten().copied().collect(),
    }
}

/// `(max - min) / min` of `counts`, in percent (0 for a zero minimum).
fn spread_pct(counts: &[f64]) -> f64 {
    let min = counts.iter().copied().fold(f64::INFINITY, f64::min);
    let max = counts.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if min > 0.0 && min.is_finite() {
        (max - min) / min * 100.0
    } else {
        0.0
    }
}

/// Whether a change lies within the floor (either way): no change at all. Without a base, never.
pub fn within(floor: &NoiseFloor, ir: &MetricChange) -> bool {
    ir.before
        .is_some_and(|before| (ir.after - before).abs() <= before.abs() * floor.pct / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_noise_setting_is_a_percentage() {
        assert_eq!(parse("0.2%"), Ok(0.2));
        assert_eq!(parse(" 1 %"), Ok(1.0));
        assert_eq!(parse("0%"), Ok(0.0));
        for bad in ["0.2", "-1%", "nan%", "inf%", "100%", "%", "x%"] {
            assert!(parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn the_configured_floor_wins_then_the_measured_spread_doubled_then_exact() {
        let runs = vec![vec![1000.0, 1010.0], vec![1000.0]];
        assert_eq!(floor(Some(0.5), &runs).source, FloorSource::Config);
        let measured = floor(None, &runs);
        assert_eq!(measured.source, FloorSource::Measured);
        assert!((measured.pct - 2.0).abs() < 1e-9, "{measured:?}");
        assert_eq!(measured.runs, [1000.0, 1010.0, 1000.0]);
        let exact = floor(None, &[vec![1000.0]]);
        assert_eq!((exact.pct, exact.source), (0.0, FloorSource::Exact));
        // Two equal runs: measured, and exact all the same.
        assert_eq!(floor(None, &[vec![7.0, 7.0]]).pct, 0.0);
    }

    #[test]
    fn a_change_within_the_floor_is_none_either_way() {
        let f = floor(Some(1.0), &[]);
        let ir = |before: f64, after: f64| crate::bench::summary::change(after, Some(before));
        assert!(within(&f, &ir(1000.0, 1010.0)));
        assert!(within(&f, &ir(1000.0, 990.0)));
        assert!(!within(&f, &ir(1000.0, 1011.0)));
        assert!(!within(&f, &ir(1000.0, 989.0)));
        assert!(!within(&f, &crate::bench::summary::change(5.0, None)));
        let exact = floor(None, &[]);
        assert!(within(&exact, &ir(1000.0, 1000.0)));
        assert!(!within(&exact, &ir(1000.0, 999.0)));
    }
}
