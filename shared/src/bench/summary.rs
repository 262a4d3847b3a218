//! Reading the runners' `summary.json` files: gungraun (schema version 7) and iai-callgrind 0.16 (version 6).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::bench::files::tree;
use crate::errors::{BenchError, Error, io};
use crate::report::MetricChange;

/// One benchmark's figures as the runner wrote them.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// `module::path.id`, e.g. `calc::arithmetic::sum.large`.
    pub name: String,
    /// Every metric: new (this run) and old (the compared baseline).
    pub metrics: BTreeMap<String, MetricChange>,
    /// The benchmark's arguments as the runner writes them (`description`), e.g. `(4096)`.
    pub args: Option<String>,
}

/// Parses a summary file's JSON; the error says what is missing or unknown. A summary without a callgrind
/// profile (another valgrind tool only) is `Ok(None)`.
pub fn parse(json: &Value) -> Result<Option<Summary>, String> {
    let version = json
        .get("version")
        .and_then(Value::as_str)
        .ok_or("no schema `version`")?;
    if version != "7" && version != "6" {
        return Err(format!("unknown summary schema version {version}"));
    }
    let module = json
        .get("module_path")
        .and_then(Value::as_str)
        .ok_or("no `module_path`")?;
    let name = match json.get("id").and_then(Value::as_str) {
        Some(id) => format!("{module}.{id}"),
        None => module.to_owned(),
    };
    let Some(profile) = json
        .get("profiles")
        .and_then(Value::as_array)
        .ok_or("no `profiles`")?
        .iter()
        .find(|p| p.get("tool").and_then(Value::as_str) == Some("Callgrind"))
    else {
        return Ok(None);
    };
    let metrics = match version {
        "7" => v7_metrics(profile),
        _ => v6_metrics(profile),
    }
    .ok_or(format!(
        "the callgrind profile of `{name}` has no metrics where schema {version} puts them"
    ))?;
    if !metrics.contains_key("Ir") {
        return Err(format!("the callgrind profile of `{name}` has no `Ir`"));
    }
    let args = json
        .get("description")
        .and_then(Value::as_str)
        .map(str::to_owned);
    Ok(Some(Summary {
        name,
        metrics,
        args,
    }))
}

/// Every summary under `home`, with the package and bench target from its directory
/// (`<home>/<package>/<bench>/...`), in name order. A summary that cannot be read is an error: skipping it
/// would drop its benchmark from the verdict.
pub fn collect(home: &Path) -> Result<Vec<(String, String, Summary)>, Error> {
    let mut found = Vec::new();
    for path in tree(home)? {
        if path.file_name().is_none_or(|n| n != "summary.json") || !path.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(io("could not read", &path))?;
        let bad = |reason: String| BenchError::Summary {
            path: path.display().to_string(),
            reason,
        };
        let json: Value = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
        let Some(summary) = parse(&json).map_err(bad)? else {
            continue;
        };
        let mut rel = path
            .strip_prefix(home)
            .map(|r| r.iter().map(|c| c.to_string_lossy().into_owned()))
            .into_iter()
            .flatten();
        let package = rel.next().unwrap_or_default();
        let target = rel.next().unwrap_or_default();
        found.push((package, target, summary));
    }
    found.sort_by(|a, b| a.2.name.cmp(&b.2.name));
    Ok(found)
}

/// gungraun: `profiles[].data.total.metrics.<Metric>.values.{new,old}`.
fn v7_metrics(profile: &Value) -> Option<BTreeMap<String, MetricChange>> {
    let metrics = profile
        .get("data")?
        .get("total")?
        .get("metrics")?
        .as_object()?;
    Some(
        metrics
            .iter()
            .filter_map(|(name, m)| {
                let values = m.get("values")?;
                let new = values.get("new")?.as_f64()?;
                let old = values.get("old").and_then(Value::as_f64);
                Some((name.clone(), change(new, old))) // cloned: the map owns its keys
            })
            .collect(),
    )
}

/// iai-callgrind 0.16: `profiles[].summaries.total.summary.Callgrind.<Metric>.metrics.{Both: [new, old] | Left: new}`.
fn v6_metrics(profile: &Value) -> Option<BTreeMap<String, MetricChange>> {
    let metrics = profile
        .get("summaries")?
        .get("total")?
        .get("summary")?
        .get("Callgrind")?
        .as_object()?;
    Some(
        metrics
            .iter()
            .filter_map(|(name, m)| {
                let values = m.get("metrics")?;
                let (new, old) = if let Some(both) = values.get("Both").and_then(Value::as_array) {
                    (number(both.first()?)?, both.get(1).and_then(number))
                } else {
                    (number(values.get("Left")?)?, None)
                };
                Some((name.clone(), change(new, old))) // cloned: the map owns its keys
            })
            .collect(),
    )
}

/// A metric value: a plain number, or iai-callgrind's `{"Int": n}` / `{"Float": x}`.
fn number(v: &Value) -> Option<f64> {
    v.as_f64()
        .or_else(|| v.get("Int").and_then(Value::as_f64))
        .or_else(|| v.get("Float").and_then(Value::as_f64))
}

/// A metric change with its signed percentage.
pub fn change(new: f64, old: Option<f64>) -> MetricChange {
    MetricChange {
        before: old,
        after: new,
        change_pct: old.filter(|o| *o != 0.0).map(|o| (new - o) / o * 100.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gungraun_v7() {
        let json = serde_json::json!({
            "version": "7", "module_path": "calc::g::sum", "id": "large",
            "profiles": [{"tool": "Callgrind", "data": {"total": {"metrics": {
                "Ir": {"values": {"new": 1037, "old": 1000}},
                "EstimatedCycles": {"values": {"new": 2000}}
            }}}}]
        });
        let s = parse(&json).unwrap().unwrap();
        assert_eq!(s.name, "calc::g::sum.large");
        let ir = &s.metrics["Ir"];
        assert_eq!((ir.before, ir.after), (Some(1000.0), 1037.0));
        assert!((ir.change_pct.unwrap() - 3.7).abs() < 1e-9);
        assert_eq!(s.metrics["EstimatedCycles"].before, None);
    }

    #[test]
    fn iai_callgrind_v6() {
        let json = serde_json::json!({
            "version": "6", "module_path": "calc::g::sum", "id": "small",
            "profiles": [{"tool": "Callgrind", "summaries": {"total": {"summary": {"Callgrind": {
                "Ir": {"metrics": {"Both": [{"Int": 90}, {"Int": 100}]}},
                "Dr": {"metrics": {"Left": {"Int": 7}}}
            }}}}}]
        });
        let s = parse(&json).unwrap().unwrap();
        assert_eq!(s.metrics["Ir"].before, Some(100.0));
        assert_eq!(s.metrics["Ir"].after, 90.0);
        assert_eq!(s.metrics["Dr"].before, None);
    }

    #[test]
    fn an_unknown_or_broken_summary_is_an_error_naming_what_is_wrong() {
        assert_eq!(
            parse(&serde_json::json!({"version": "99"})).unwrap_err(),
            "unknown summary schema version 99"
        );
        assert_eq!(
            parse(&serde_json::json!([1, 2])).unwrap_err(),
            "no schema `version`"
        );
        let no_ir = serde_json::json!({
            "version": "7", "module_path": "m",
            "profiles": [{"tool": "Callgrind", "data": {"total": {"metrics": {}}}}]
        });
        assert_eq!(
            parse(&no_ir).unwrap_err(),
            "the callgrind profile of `m` has no `Ir`"
        );
    }

    #[test]
    fn collecting_a_directory_with_a_summary_of_a_new_schema_fails() {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("calc/calc/sum");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("summary.json"),
            r#"{"version": "8", "module_path": "calc::sum", "profiles": []}"#,
        )
        .unwrap();
        let err = collect(home.path()).unwrap_err();
        assert!(
            err.to_string().contains("unknown summary schema version 8"),
            "{err}"
        );
    }
}
