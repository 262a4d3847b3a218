//! Reading the runners' `summary.json` files: gungraun (schema version 7) and iai-callgrind 0.16 (version 6),
//! and finding each benchmark's callgrind output files.
//!
//! Both runners keep one directory per benchmark, `<home>/<package>/<bench>/<group>/<function>.<id>/`, holding
//! its `summary.json` and its callgrind files: `callgrind.<function>.<id>[.<pid>][.t<thread>][.p<part>].out`
//! from HEAD's run and the same names with `.base@<baseline>` appended from the base's run with
//! `--save-baseline` (one file per process, thread and part). iai-callgrind 0.16 lists the files in its
//! summary (`profiles[].out_paths`, and per part `details.Both[1].path` for the base's); gungraun 0.20
//! records only the directory (`output_dir`), so its files are found by that naming scheme.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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
    /// The benchmark function's name (`sum`).
    pub function: Option<String>,
    /// The benchmark's arguments as the runner shows them (`100`, `7, 50`).
    pub args: Option<String>,
    /// Its callgrind output files.
    pub profiles: ProfileFiles,
    /// Its heap figures, when DHAT ran too (gungraun's DHAT profile: `TotalBytes`, `TotalBlocks`,
    /// `AtTGmaxBytes`...).
    pub heap: BTreeMap<String, MetricChange>,
}

/// The callgrind files of one benchmark: several when it ran several processes, threads or parts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProfileFiles {
    /// HEAD's (this run's).
    pub head: Vec<PathBuf>,
    /// The base's (saved with `--save-baseline`).
    pub base: Vec<PathBuf>,
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
    let text = |key: &str| json.get(key).and_then(Value::as_str).map(str::to_owned);
    let args = match version {
        // gungraun writes the arguments in parentheses: `(7, 50)`.
        "7" => text("description").map(|d| {
            let d = d.trim();
            d.strip_prefix('(')
                .and_then(|d| d.strip_suffix(')'))
                .unwrap_or(d)
                .to_owned()
        }),
        _ => text("details"),
    };
    // gungraun's DHAT profile has the callgrind profile's shape.
    let heap = json
        .get("profiles")
        .and_then(Value::as_array)
        .and_then(|profiles| {
            profiles
                .iter()
                .find(|p| p.get("tool").and_then(Value::as_str) == Some("DHAT"))
        })
        .filter(|_| version == "7")
        .and_then(v7_metrics)
        .unwrap_or_default();
    Ok(Some(Summary {
        name,
        metrics,
        heap,
        function: text("function_name"),
        args,
        profiles: if version == "6" {
            v6_files(profile)
        } else {
            ProfileFiles::default()
        },
    }))
}

/// Every summary under `home`, with the package and bench target from its directory
/// (`<home>/<package>/<bench>/...`), in name order. A summary that cannot be read is an error: skipping it
/// would drop its benchmark from the verdict. A summary that does not list its callgrind files gets those
/// of its directory, the base's being those saved as `baseline`.
pub fn collect(home: &Path, baseline: &str) -> Result<Vec<(String, String, Summary)>, Error> {
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
        let Some(mut summary) = parse(&json).map_err(bad)? else {
            continue;
        };
        if summary.profiles.head.is_empty()
            && let Some(dir) = path.parent()
        {
            summary.profiles = files_in(dir, baseline)?;
        }
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

/// iai-callgrind 0.16's file list: HEAD's in `out_paths`, the base's as the second entry of each part's
/// `details.Both`.
fn v6_files(profile: &Value) -> ProfileFiles {
    let paths = |v: Option<&Value>| -> Vec<PathBuf> {
        v.and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(PathBuf::from)
            .collect()
    };
    let head = paths(profile.get("out_paths"));
    let parts = profile
        .get("summaries")
        .and_then(|s| s.get("parts"))
        .and_then(Value::as_array);
    let base = parts
        .into_iter()
        .flatten()
        .filter_map(|part| {
            let both = part.get("details")?.get("Both")?.as_array()?;
            Some(PathBuf::from(both.get(1)?.get("path")?.as_str()?))
        })
        .collect();
    ProfileFiles { head, base }
}

/// The callgrind files in a benchmark's directory: `callgrind.*.out` (HEAD's) and
/// `callgrind.*.out.base@<baseline>` (the base's), in name order.
pub fn files_in(dir: &Path, baseline: &str) -> Result<ProfileFiles, Error> {
    let base_suffix = format!(".out.base@{baseline}");
    let mut files = ProfileFiles::default();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(files),
        Err(e) => return Err(io("could not read", dir)(e)),
    };
    for entry in entries {
        let path = entry.map_err(io("could not read", dir))?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !name.starts_with("callgrind.") {
            continue;
        }
        if name.ends_with(".out") {
            files.head.push(path);
        } else if name.ends_with(&base_suffix) {
            files.base.push(path);
        }
    }
    files.head.sort();
    files.base.sort();
    Ok(files)
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
    fn gungraun_s_dhat_profile_gives_the_heap_figures() {
        let json = serde_json::json!({
            "version": "7", "module_path": "calc::g::sum", "id": "large",
            "profiles": [
                {"tool": "Callgrind", "data": {"total": {"metrics": {"Ir": {"values": {"new": 10}}}}}},
                {"tool": "DHAT", "data": {"total": {"metrics": {
                    "TotalBytes": {"values": {"new": 160, "old": 16}},
                    "TotalBlocks": {"values": {"new": 10, "old": 1}},
                    "AtTGmaxBytes": {"values": {"new": 16, "old": 16}}
                }}}}
            ]
        });
        let s = parse(&json).unwrap().unwrap();
        assert_eq!(s.metrics.len(), 1);
        let blocks = &s.heap["TotalBlocks"];
        assert_eq!((blocks.before, blocks.after), (Some(1.0), 10.0));
        assert_eq!(s.heap["TotalBytes"].after, 160.0);
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
        let err = collect(home.path(), "lumen_base").unwrap_err();
        assert!(
            err.to_string().contains("unknown summary schema version 8"),
            "{err}"
        );
    }

    #[test]
    fn iai_callgrind_lists_its_files_and_gungraun_s_are_found_in_the_directory() {
        let json = serde_json::json!({
            "version": "6", "module_path": "calc::g::sum", "id": "small", "details": "100",
            "function_name": "sum",
            "profiles": [{"tool": "Callgrind",
                "out_paths": ["/h/sum.small/callgrind.sum.small.out"],
                "summaries": {
                    "parts": [{"details": {"Both": [
                        {"path": "/h/sum.small/callgrind.sum.small.out"},
                        {"path": "/h/sum.small/callgrind.sum.small.out.base@lumen_base"}
                    ]}}],
                    "total": {"summary": {"Callgrind": {"Ir": {"metrics": {"Both": [{"Int": 90}, {"Int": 100}]}}}}}
                }}]
        });
        let s = parse(&json).unwrap().unwrap();
        assert_eq!(
            s.profiles.head,
            [PathBuf::from("/h/sum.small/callgrind.sum.small.out")]
        );
        assert_eq!(
            s.profiles.base,
            [PathBuf::from(
                "/h/sum.small/callgrind.sum.small.out.base@lumen_base"
            )]
        );
        assert_eq!(
            (s.function.as_deref(), s.args.as_deref()),
            (Some("sum"), Some("100"))
        );

        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("calc/calc/g/sum.large");
        std::fs::create_dir_all(&dir).unwrap();
        for name in [
            "callgrind.sum.large.t1.out",
            "callgrind.sum.large.t2.out",
            "callgrind.sum.large.t1.out.base@lumen_base",
            "callgrind.sum.large.t1.out.base@other",
            "callgrind.sum.large.log",
            "dhat.sum.large.out",
        ] {
            std::fs::write(dir.join(name), "").unwrap();
        }
        std::fs::write(
            dir.join("summary.json"),
            r#"{"version": "7", "module_path": "calc::g::sum", "id": "large", "description": "(7, 50)",
                "profiles": [{"tool": "Callgrind", "data": {"total": {"metrics": {"Ir": {"values": {"new": 5}}}}}}]}"#,
        )
        .unwrap();
        let found = collect(home.path(), "lumen_base").unwrap();
        let s = &found[0].2;
        assert_eq!(s.args.as_deref(), Some("7, 50"));
        let names = |v: &[PathBuf]| -> Vec<String> {
            v.iter()
                .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(
            names(&s.profiles.head),
            ["callgrind.sum.large.t1.out", "callgrind.sum.large.t2.out"]
        );
        assert_eq!(
            names(&s.profiles.base),
            ["callgrind.sum.large.t1.out.base@lumen_base"]
        );
    }
}
