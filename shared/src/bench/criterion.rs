//! Criterion (wall-clock) benchmarks with `--criterion`: the base runs with `--save-baseline`, HEAD with
//! `--baseline-lenient`, each bench target with a `CRITERION_HOME` of its own, and the figures are read
//! from what criterion writes there: `<id>/new/estimates.json` (HEAD), `<id>/lumen_base/estimates.json`
//! (the base) and `<id>/change/estimates.json` (the relative change of the mean, with its confidence
//! interval). A change counts only when its whole interval lies beyond the noise threshold.

use std::path::Path;

use serde::Deserialize;

use crate::bench::BaselineRole;
use crate::bench::files::tree;
use crate::bench::summary::change;
use crate::errors::{Error, io};
use crate::report::{MetricChange, WallClockChange};

/// One criterion benchmark's figures.
#[derive(Clone, Debug, PartialEq)]
pub struct CriterionResult {
    /// Criterion's id (`group/function/value`).
    pub name: String,
    /// Mean time per iteration, nanoseconds: base (when measured) and HEAD.
    pub time_ns: MetricChange,
    /// The estimated change, when a base was measured.
    pub change: Option<WallClockChange>,
}

#[derive(Deserialize)]
struct BenchmarkId {
    full_id: String,
}

#[derive(Deserialize)]
struct Estimates {
    mean: Estimate,
}

#[derive(Deserialize)]
struct Estimate {
    point_estimate: f64,
    confidence_interval: Interval,
}

#[derive(Deserialize)]
struct Interval {
    lower_bound: f64,
    upper_bound: f64,
}

/// Criterion's arguments: saving the baseline at the base, comparing with it at HEAD after a base.
pub fn args(baseline: &str, role: BaselineRole, noise_pct: f64) -> Vec<String> {
    let mut args = vec![
        "--noise-threshold".to_owned(),
        format!("{}", noise_pct / 100.0),
    ];
    if role == BaselineRole::Save {
        args.extend(["--save-baseline".to_owned(), baseline.to_owned()]);
    } else if role == BaselineRole::Compare {
        args.extend(["--baseline-lenient".to_owned(), baseline.to_owned()]);
    }
    args
}

/// Every benchmark criterion measured under `home`, in name order.
pub fn collect(home: &Path, baseline: &str, noise_pct: f64) -> Result<Vec<CriterionResult>, Error> {
    let mut found = Vec::new();
    for dir in tree(home)? {
        if dir.join("new").join("benchmark.json").is_file() {
            found.push(read_one(&dir, baseline, noise_pct)?);
        }
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(found)
}

fn read_one(dir: &Path, baseline: &str, noise_pct: f64) -> Result<CriterionResult, Error> {
    let id: BenchmarkId = read_json(&dir.join("new").join("benchmark.json"))?;
    let new: Estimates = read_json(&dir.join("new").join("estimates.json"))?;
    let base_file = dir.join(baseline).join("estimates.json");
    let change_file = dir.join("change").join("estimates.json");
    let (before, wall) = if base_file.is_file() && change_file.is_file() {
        let base: Estimates = read_json(&base_file)?;
        let delta: Estimates = read_json(&change_file)?;
        let ci = &delta.mean.confidence_interval;
        let (lower, upper) = (ci.lower_bound * 100.0, ci.upper_bound * 100.0);
        let wall = WallClockChange {
            mean_pct: delta.mean.point_estimate * 100.0,
            lower_pct: lower,
            upper_pct: upper,
            noise_threshold_pct: noise_pct,
            significant: lower > noise_pct || upper < -noise_pct,
        };
        (Some(base.mean.point_estimate), Some(wall))
    } else {
        (None, None)
    };
    Ok(CriterionResult {
        name: id.full_id,
        time_ns: change(new.mean.point_estimate, before),
        change: wall,
    })
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, Error> {
    let text = std::fs::read_to_string(path).map_err(io("could not read", path))?;
    serde_json::from_str(&text)
        .map_err(|e| Error::io("could not parse", path, std::io::Error::other(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn estimates(mean: f64, lower: f64, upper: f64) -> String {
        let e = format!(
            r#"{{"confidence_interval":{{"confidence_level":0.95,"lower_bound":{lower},"upper_bound":{upper}}},"point_estimate":{mean},"standard_error":0.1}}"#
        );
        format!(r#"{{"mean":{e},"median":{e}}}"#)
    }

    fn write(dir: &Path, rel: &str, text: &str) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn reads_head_base_and_change_and_judges_the_interval() {
        let home = tempfile::tempdir().unwrap();
        let id = r#"{"group_id":"sum","function_id":null,"value_str":"100","throughput":null,"full_id":"sum/100","directory_name":"sum/100","title":"sum/100"}"#;
        write(home.path(), "sum/100/new/benchmark.json", id);
        write(
            home.path(),
            "sum/100/new/estimates.json",
            &estimates(200.0, 190.0, 210.0),
        );
        write(
            home.path(),
            "sum/100/lumen_base/estimates.json",
            &estimates(100.0, 95.0, 105.0),
        );
        write(
            home.path(),
            "sum/100/change/estimates.json",
            &estimates(1.0, 0.9, 1.1),
        );
        let id2 = id.replace("sum/100", "flat");
        write(home.path(), "flat/new/benchmark.json", &id2);
        write(
            home.path(),
            "flat/new/estimates.json",
            &estimates(50.0, 49.0, 51.0),
        );
        write(
            home.path(),
            "flat/lumen_base/estimates.json",
            &estimates(50.0, 49.0, 51.0),
        );
        write(
            home.path(),
            "flat/change/estimates.json",
            &estimates(0.002, -0.02, 0.03),
        );

        let found = collect(home.path(), "lumen_base", 1.0).unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].name, "flat");
        assert!(!found[0].change.as_ref().unwrap().significant);
        let slower = &found[1];
        assert_eq!(slower.name, "sum/100");
        assert_eq!(slower.time_ns.before, Some(100.0));
        assert_eq!(slower.time_ns.after, 200.0);
        let wall = slower.change.as_ref().unwrap();
        assert!(wall.significant);
        assert!((wall.mean_pct - 100.0).abs() < 1e-9);
        assert!((wall.lower_pct - 90.0).abs() < 1e-9);
    }

    #[test]
    fn without_a_base_only_head_is_read() {
        let home = tempfile::tempdir().unwrap();
        write(home.path(), "f/new/benchmark.json", r#"{"full_id":"f"}"#);
        write(
            home.path(),
            "f/new/estimates.json",
            &estimates(7.0, 6.0, 8.0),
        );
        let found = collect(home.path(), "lumen_base", 1.0).unwrap();
        assert_eq!(found[0].time_ns.before, None);
        assert_eq!(found[0].change, None);
    }

    #[test]
    fn arguments_save_or_compare() {
        assert_eq!(
            args("b", BaselineRole::Save, 2.0),
            ["--noise-threshold", "0.02", "--save-baseline", "b"]
        );
        assert_eq!(
            args("b", BaselineRole::Compare, 1.0),
            ["--noise-threshold", "0.01", "--baseline-lenient", "b"]
        );
        assert_eq!(args("b", BaselineRole::Neither, 1.0).len(), 2);
    }
}
