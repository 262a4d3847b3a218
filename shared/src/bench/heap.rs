//! Heap figures (DHAT): total bytes and blocks allocated, and the bytes live at the heap's peak (t-gmax),
//! at the base and at HEAD, and the heap-regression findings they make.
//!
//! Library benchmarks get them from gungraun's DHAT support (`--tools=dhat`, with `[bench] heap = true`, or
//! a benchmark's own `LibraryBenchmarkConfig` asking for DHAT): the runner's summary then holds a DHAT
//! profile beside the callgrind one. Command benchmarks with `heap = true` (or `[bench] heap = true`) run a
//! second time under `valgrind --tool=dhat`, whose JSON file is read here. The figures are reported under
//! gungraun's metric names ([`TOTAL_BYTES`], [`TOTAL_BLOCKS`], [`PEAK_BYTES`]) in the benchmark's
//! `other_metrics`; any of them growing beyond `heap-regression-pct` is a CRITICAL finding naming the
//! allocation site where HEAD allocates most, when the profile has one in the workspace's code.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use toml::Spanned;

use crate::bench::cfg::BenchConfig;
use crate::config::validate::Validator;
use crate::report::figures as format;
use crate::report::{
    Baseline, BenchmarkResult, Category, Finding, Location, MetricChange, Severity,
};

/// Bytes allocated in all (gungraun's name).
pub const TOTAL_BYTES: &str = "TotalBytes";
/// Blocks allocated in all.
pub const TOTAL_BLOCKS: &str = "TotalBlocks";
/// Bytes live at the heap's peak (t-gmax).
pub const PEAK_BYTES: &str = "AtTGmaxBytes";
/// The heap metrics reported and gated.
pub const METRICS: [&str; 3] = [TOTAL_BYTES, TOTAL_BLOCKS, PEAK_BYTES];

/// The rule id of a heap regression.
pub const RULE_ID: &str = "heap-regression";
/// Its finding kind.
pub const KIND: &str = "bench::heap-regression";

/// Heap regression limits, validated: `[bench] heap-regression-pct` and the overrides'.
#[derive(Debug)]
pub struct HeapLimits {
    /// The default percent limit.
    pub default_pct: f64,
    overrides: Vec<(globset::GlobMatcher, f64)>,
}

impl HeapLimits {
    /// Validates the heap limits; each error points at its key.
    pub fn validate(cfg: &BenchConfig, v: &mut Validator<'_>) -> HeapLimits {
        percent(v, &cfg.heap_regression_pct);
        let mut overrides = Vec::new();
        for o in &cfg.overrides {
            let Some(pct) = &o.heap_regression_pct else {
                continue;
            };
            percent(v, pct);
            // A bad glob is reported once, by the instruction-count limits.
            if let Ok(g) = globset::Glob::new(o.benchmarks.get_ref()) {
                overrides.push((g.compile_matcher(), *pct.get_ref()));
            }
        }
        if *cfg.state_size_mb.get_ref() == 0 {
            v.error(
                &cfg.state_size_mb,
                "state-size-mb must be at least 1",
                "0 would prune every reusable build and base",
                None,
            );
        }
        HeapLimits {
            default_pct: *cfg.heap_regression_pct.get_ref(),
            overrides,
        }
    }

    /// The percent limit of a benchmark: the last matching override's, else the default.
    pub fn pct_for(&self, name: &str) -> f64 {
        self.overrides
            .iter()
            .rev()
            .find(|(g, _)| g.is_match(name))
            .map_or(self.default_pct, |(_, pct)| *pct)
    }
}

fn percent(v: &mut Validator<'_>, value: &Spanned<f64>) {
    let pct = *value.get_ref();
    if !pct.is_finite() || pct < 0.0 {
        v.error(
            value,
            format!("heap-regression-pct must be a finite number of percent, 0 or more, not {pct}"),
            "not a usable limit",
            None,
        );
    }
}

/// One DHAT profile's totals.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DhatTotals {
    /// Bytes allocated.
    pub total_bytes: u64,
    /// Blocks allocated.
    pub total_blocks: u64,
    /// Bytes live at the peak.
    pub peak_bytes: u64,
    /// The function allocating most blocks, outside the allocator and std (`tool::work (main.rs:30)`).
    pub top_site: Option<String>,
}

/// Reads a DHAT JSON file (`valgrind --tool=dhat`).
pub fn read_dhat(path: &Path) -> Result<DhatTotals, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let json: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let pps = json
        .get("pps")
        .and_then(Value::as_array)
        .ok_or("no `pps` (allocation points): not a DHAT file")?;
    let frames: Vec<&str> = json
        .get("ftbl")
        .and_then(Value::as_array)
        .map(|f| f.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let field = |pp: &Value, key: &str| pp.get(key).and_then(Value::as_u64).unwrap_or(0);
    let mut totals = DhatTotals::default();
    let mut top: Option<(u64, &Value)> = None;
    for pp in pps {
        totals.total_bytes += field(pp, "tb");
        let blocks = field(pp, "tbk");
        totals.total_blocks += blocks;
        totals.peak_bytes += field(pp, "gb");
        if top.is_none_or(|(b, _)| blocks > b) {
            top = Some((blocks, pp));
        }
    }
    totals.top_site = top.and_then(|(_, pp)| {
        pp.get("fs")?
            .as_array()?
            .iter()
            .filter_map(|i| frames.get(usize::try_from(i.as_u64()?).ok()?))
            .find_map(|frame| user_frame(frame))
    });
    Ok(totals)
}

/// The function of a DHAT frame (`0x10C5C4: tool::work (main.rs:30)`) when it is the program's own code:
/// not the allocator, std, core, alloc or the runtime; its hash suffix dropped.
fn user_frame(frame: &str) -> Option<String> {
    let (_, rest) = frame.split_once(": ")?;
    let (function, place) = match rest.rfind(" (") {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let plain = function.trim_start_matches('<');
    let library = [
        "alloc::",
        "std::",
        "core::",
        "hashbrown::",
        "__rust",
        "__rdl",
        "__libc",
        "_dl_",
    ]
    .iter()
    .any(|p| plain.starts_with(p))
        || [
            "malloc", "calloc", "realloc", "free", "memalign", "???", "_start", "main",
        ]
        .contains(&function);
    // Inlined std code keeps its short name but shows where it lives: the toolchain's sources.
    let std_source = ["library/", "/rustc/", "/.cargo/registry/", "/.rustup/"]
        .iter()
        .any(|p| place.starts_with(&format!(" ({p}")) || place.contains(p));
    if library || std_source || place.starts_with(" (in ") {
        return None;
    }
    let function = match function.rfind("::h") {
        Some(i)
            if function.len() - i == 19
                && function[i + 3..].chars().all(|c| c.is_ascii_hexdigit()) =>
        {
            &function[..i]
        }
        _ => function,
    };
    Some(format!("{function}{place}"))
}

/// The heap metrics of `totals` (HEAD's) against `base`'s.
pub fn metrics(head: &DhatTotals, base: Option<&DhatTotals>) -> BTreeMap<String, MetricChange> {
    let pick = |t: &DhatTotals, m: &str| match m {
        TOTAL_BYTES => t.total_bytes,
        TOTAL_BLOCKS => t.total_blocks,
        _ => t.peak_bytes,
    } as f64;
    METRICS
        .iter()
        .map(|m| {
            (
                (*m).to_owned(),
                crate::bench::summary::change(pick(head, m), base.map(|b| pick(b, m))),
            )
        })
        .collect()
}

/// The DHAT file HEAD's run of a library benchmark left next to its callgrind files (`dhat.*.out`).
pub fn dhat_file_near(callgrind: &[PathBuf]) -> Option<PathBuf> {
    let dir = callgrind.first()?.parent()?;
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("dhat.") && n.ends_with(".out"))
        })
        .collect();
    found.sort();
    found.into_iter().next()
}

/// A finding when any heap metric of `b` grew beyond its limit; none otherwise (or without a base).
pub fn finding(
    b: &BenchmarkResult,
    location: Option<Location>,
    limits: &HeapLimits,
    allocating: Option<&str>,
) -> Option<Finding> {
    let limit = limits.pct_for(&b.name);
    let get = |m: &str| b.other_metrics.get(m);
    // From nothing to something is beyond any percentage.
    let grew = |c: &MetricChange| match (c.before, c.change_pct) {
        (_, Some(pct)) => pct > limit,
        (Some(before), None) => before == 0.0 && c.after > 0.0,
        (None, None) => false,
    };
    let beyond = METRICS.iter().any(|m| get(m).is_some_and(grew));
    if !beyond {
        return None;
    }
    let pair = |m: &str| {
        get(m).map_or_else(
            || "-".to_owned(),
            |c| {
                format!(
                    "{} -> {}",
                    c.before.map_or_else(|| "-".to_owned(), format::count),
                    format::count(c.after)
                )
            },
        )
    };
    let message = format!(
        "{} allocates more: {} bytes in {} blocks (peak {} bytes; limit {limit:.2}%)",
        b.name,
        pair(TOTAL_BYTES),
        pair(TOTAL_BLOCKS),
        pair(PEAK_BYTES)
    );
    let blocks = get(TOTAL_BLOCKS).map(|c| {
        let delta = c.after - c.before.unwrap_or_default();
        let sign = if delta < 0.0 { "-" } else { "+" };
        format!("{sign}{} blocks allocated", format::count(delta.abs()))
    });
    let impact = match (blocks, allocating) {
        (Some(blocks), Some(site)) => format!("{blocks}; most in `{site}`"),
        (Some(blocks), None) => blocks,
        (None, _) => String::new(),
    };
    Some(Finding {
        rule_id: RULE_ID.to_owned(),
        kind: KIND.to_owned(),
        category: Category::Benchmark,
        severity: Severity::Critical,
        message,
        why: Some(
            "every allocation costs a call into the allocator and often a cache miss; allocating per element instead of once grows with the input".to_owned(),
        ),
        help: Some(
            "allocate once (Vec::with_capacity, reuse a buffer across iterations), or raise heap-regression-pct in [bench]".to_owned(),
        ),
        impact: Some(impact),
        location,
        package: Some(b.package.to_owned()),
        crates: Vec::new(),
        paths: Vec::new(),
        benchmark: Some(b.name.to_owned()),
        code: None,
        baseline: Baseline::New,
        cost: None,
        rank: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dhat_file_is_summed_and_its_top_site_found_in_the_programs_code() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dhat.out");
        std::fs::write(
            &path,
            r#"{"dhatFileVersion":2,"pps":[
                {"tb":800,"tbk":100,"gb":8,"fs":[1,2,3]},
                {"tb":1024,"tbk":1,"gb":1024,"fs":[1,4]}],
              "ftbl":["[root]","0x4841: malloc (in /usr/libexec/valgrind/vgpreload_dhat-amd64-linux.so)",
                "0x10C5: alloc (library/alloc/src/alloc.rs:95)",
                "0x10D0: tool::work::h0123456789abcdef (main.rs:30)",
                "0x10E0: std::rt::lang_start (rt.rs:1)"]}"#,
        )
        .unwrap();
        let t = read_dhat(&path).unwrap();
        assert_eq!(
            (t.total_bytes, t.total_blocks, t.peak_bytes),
            (1824, 101, 1032)
        );
        assert_eq!(t.top_site.as_deref(), Some("tool::work (main.rs:30)"));
        std::fs::write(&path, "{}").unwrap();
        assert!(read_dhat(&path).unwrap_err().contains("not a DHAT file"));
    }

    #[test]
    fn heap_growth_beyond_the_limit_is_a_critical_finding_with_both_figures() {
        let cfg: BenchConfig = toml::from_str(
            "heap-regression-pct = 5.0\n[[overrides]]\nbenchmarks = \"lax*\"\nheap-regression-pct = 10000000.0\n",
        )
        .unwrap();
        let mut v = Validator::new(None);
        let limits = HeapLimits::validate(&cfg, &mut v);
        v.finish().unwrap();
        let head = DhatTotals {
            total_bytes: 80_000,
            total_blocks: 10_000,
            peak_bytes: 8,
            top_site: None,
        };
        let base = DhatTotals {
            total_bytes: 80_000,
            total_blocks: 1,
            peak_bytes: 80_000,
            top_site: None,
        };
        let result = |name: &str| BenchmarkResult {
            name: name.to_owned(),
            package: "tool".to_owned(),
            target: "command".to_owned(),
            runner: "command".to_owned(),
            metric: "Ir".to_owned(),
            primary: crate::bench::summary::change(1.0, Some(1.0)),
            other_metrics: metrics(&head, Some(&base)),
            wall_clock: None,
            status: crate::report::BenchStatus::Unchanged,
            attribution: None,
            flamegraph: None,
            floor: None,
        };
        let f = finding(
            &result("sum"),
            None,
            &limits,
            Some("tool::work (main.rs:30)"),
        )
        .unwrap();
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(
            f.message,
            "sum allocates more: 80,000 -> 80,000 bytes in 1 -> 10,000 blocks (peak 80,000 -> 8 bytes; limit 5.00%)"
        );
        assert_eq!(
            f.impact.as_deref(),
            Some("+9,999 blocks allocated; most in `tool::work (main.rs:30)`")
        );
        assert!(finding(&result("lax"), None, &limits, None).is_none());
        // A benchmark that allocated nothing at the base and allocates at HEAD.
        let mut from_nothing = result("lax");
        from_nothing.other_metrics = metrics(&head, Some(&DhatTotals::default()));
        assert!(finding(&from_nothing, None, &limits, None).is_some());
    }
}
