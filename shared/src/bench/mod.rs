//! Instruction-count benchmarks, base against HEAD (`cargo lumen-bench`).
//!
//! The base revision is checked out in a detached worktree under `<target>/lumen-gate/bench-base` (reused by
//! the next run) and built with a target directory of its own (`bench-base-target`, so its second build is
//! incremental). Its benchmarks run first with `--save-baseline`, HEAD's then with `--baseline`, both with
//! the same runner `--home`, so each summary holds HEAD's (new) and the base's (old) figures. Gating is on
//! instruction counts (Ir), which repeat exactly run to run; cache figures and estimated cycles are shown.

pub mod cfg;
pub mod discover;
pub mod run;
pub mod summary;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use globset::Glob;

use crate::bench::cfg::BenchConfig;
use crate::bench::discover::{BenchTarget, Runner, discover};
use crate::bench::run::{BenchRun, check_environment, collect};
use crate::config::ConfigSource;
use crate::errors::{Error, Result};
use crate::gate::format;
use crate::report::{
    BenchStatus, BenchmarkResult, Category, Finding, Location, Problem, Report, Severity, Tool,
};
use crate::workspace::{PackageSelection, Workspace};

const BASELINE: &str = "lumen_base";

/// How to run the benchmarks.
#[derive(Clone, Debug, Default)]
pub struct BenchOptions {
    /// Compare with this git revision.
    pub base: Option<String>,
    /// Which members' bench targets.
    pub selection: PackageSelection,
    /// Run HEAD twice and flag benchmarks whose instruction count differs.
    pub check_determinism: bool,
}

/// Runs the benchmarks and reports the figures, regressions and improvements.
pub fn run(
    ws: &Workspace,
    cfg: &BenchConfig,
    source: Option<&ConfigSource>,
    opts: &BenchOptions,
    progress: &mut dyn Write,
) -> Result<Report> {
    let limits = Limits::new(cfg, source)?;
    let all = discover(ws, &opts.selection)?;
    let mut report = Report::new(Tool::Bench, ws.root.as_str());
    let (callgrind, other): (Vec<BenchTarget>, Vec<BenchTarget>) =
        all.into_iter().partition(|t| t.runner != Runner::Criterion);
    for t in &other {
        report.problems.push(Problem {
            location: Some(Location {
                file: t.file.clone(), // cloned: the report owns its paths
                line: 1,
                column: 1,
                length: 0,
            }), // cloned: the report owns it
            message: format!(
                "`{}/{}` is a criterion benchmark: listed, not run (wall-clock runs are not gated)",
                t.package, t.name
            ),
        });
    }
    check_environment(&callgrind).map_err(|e| Error::Other(Box::new(e)))?;
    let shared_dir = ws.target_dir.join("lumen-gate");
    // Per workspace: a target directory shared by several workspaces (CARGO_TARGET_DIR) must not mix runs.
    let lumen_dir = shared_dir.join(workspace_key(ws));
    let home = lumen_dir.join("bench-home").into_std_path_buf();
    reset_dir(&home)?;
    let locked = ws.root.join("Cargo.lock").is_file();
    let logs = lumen_dir.join("bench-logs").into_std_path_buf();

    let mut head_args = Vec::new();
    if let Some(rev) = &opts.base {
        let base = crate::base::checkout(ws, rev, &lumen_dir.join("bench-base"))?;
        let base_root = base.root;
        for t in &callgrind {
            let manifest_rel = t
                .manifest
                .strip_prefix(&ws.root)
                .map(|p| p.as_std_path().to_owned())
                .unwrap_or_default();
            let manifest = base_root.join(manifest_rel);
            if !manifest.is_file() {
                continue;
            }
            say(
                progress,
                &format!(
                    "bench: base {rev}: building and running {}/{}",
                    t.package, t.name
                ),
            )?;
            let base_run = BenchRun {
                manifest,
                target: t,
                home: home.clone(), // cloned: each run owns its paths
                runner_args: vec![format!("--save-baseline={BASELINE}")],
                target_dir: Some(lumen_dir.join("bench-base-target").into_std_path_buf()),
                locked: base_root.join("Cargo.lock").is_file(),
                log: logs.join(format!("{}-{}-base.log", t.package, t.name)),
                revision: format!("base {rev}"),
            };
            base_run.run().map_err(|e| Error::Other(Box::new(e)))?;
        }
        head_args.push(format!("--baseline={BASELINE}"));
        report.base = Some(base.revision);
    }
    for t in &callgrind {
        say(
            progress,
            &format!("bench: HEAD: building and running {}/{}", t.package, t.name),
        )?;
        head_run(t, &home, &head_args, locked, &logs, "head")?;
    }
    let summaries = collect(&home).map_err(|e| Error::Other(Box::new(e)))?;

    for (package, target, s) in &summaries {
        let Some(ir) = s.metrics.get("Ir") else {
            continue;
        };
        let file = callgrind
            .iter()
            .find(|t| &t.package == package && &t.name == target)
            .map(|t| t.file.clone()); // cloned: the finding owns its path
        let status = limits.status(&s.name, ir);
        let runner = callgrind
            .iter()
            .find(|t| &t.package == package && &t.name == target)
            .map(|t| t.runner.crate_name())
            .unwrap_or("gungraun");
        if let Some(f) = bench_finding(&s.name, package, file, ir, status, &limits) {
            report.findings.push(f);
        }
        report.benchmarks.push(BenchmarkResult {
            name: s.name.clone(),     // cloned: the report owns its strings
            package: package.clone(), // cloned: as above
            target: target.clone(),   // cloned: as above
            runner: runner.to_owned(),
            metric: "Ir".to_owned(),
            primary: ir.clone(), // cloned: as above
            other_metrics: s
                .metrics
                .iter()
                .filter(|(k, _)| k.as_str() != "Ir")
                // cloned: the report owns its metrics
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            wall_clock: None,
            status,
        });
    }

    if opts.check_determinism {
        let second = home.with_file_name("bench-home-again");
        reset_dir(&second)?;
        for t in &callgrind {
            say(
                progress,
                &format!("bench: HEAD again: running {}/{}", t.package, t.name),
            )?;
            head_run(t, &second, &[], locked, &logs, "again")?;
        }
        let again: BTreeMap<String, f64> = collect(&second)
            .map_err(|e| Error::Other(Box::new(e)))?
            .into_iter()
            .filter_map(|(_, _, s)| Some((s.name.clone(), s.metrics.get("Ir")?.after))) // cloned: the map owns names
            .collect();
        for b in &report.benchmarks {
            let Some(second_ir) = again.get(&b.name) else {
                continue;
            };
            if (*second_ir - b.primary.after).abs() > 0.0 {
                report.findings.push(nondeterministic(b, *second_ir));
            }
        }
    }
    report.rules_checked.push(crate::report::RuleChecked {
        id: "ir-regression".to_owned(),
        kind: "bench::regression".to_owned(),
        description: format!(
            "instruction count (Ir) must not grow by more than {:.2}%",
            limits.default_pct
        ),
    });
    report.sort();
    Ok(report)
}

fn head_run(
    t: &BenchTarget,
    home: &std::path::Path,
    args: &[String],
    locked: bool,
    logs: &std::path::Path,
    tag: &str,
) -> Result<()> {
    BenchRun {
        manifest: t.manifest.clone().into_std_path_buf(), // cloned: the run owns its path
        target: t,
        home: home.to_owned(),
        runner_args: args.to_vec(),
        target_dir: None,
        locked,
        log: logs.join(format!("{}-{}-{tag}.log", t.package, t.name)),
        revision: "HEAD".to_owned(),
    }
    .run()
    .map_err(|e| Error::Other(Box::new(e)))
}

fn reset_dir(dir: &std::path::Path) -> Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| Error::io("could not clear", dir, e))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io("could not create", dir, e))
}

fn say(progress: &mut dyn Write, line: &str) -> Result<()> {
    writeln!(progress, "{line}").map_err(|e| Error::io("could not write to", "stderr", e))
}

fn bench_finding(
    name: &str,
    package: &str,
    file: Option<String>,
    ir: &crate::report::MetricChange,
    status: BenchStatus,
    limits: &Limits,
) -> Option<Finding> {
    let (kind, severity, message, help) = match status {
        BenchStatus::Regressed => (
            "bench::regression",
            Severity::Critical,
            format!(
                "{name} regressed: {} -> {} Ir (limit {:.2}%)",
                format::count(ir.before.unwrap_or_default()),
                format::count(ir.after),
                limits.pct_for(name)
            ),
            "find the extra work with `callgrind_annotate` on the runner's output, or raise the limit in [bench]",
        ),
        BenchStatus::Improved => (
            "bench::improvement",
            Severity::Info,
            format!(
                "{name} improved: {} -> {} Ir",
                format::count(ir.before.unwrap_or_default()),
                format::count(ir.after)
            ),
            "faster: no action needed",
        ),
        _ => return None,
    };
    Some(Finding {
        rule_id: if status == BenchStatus::Regressed {
            "ir-regression"
        } else {
            "ir-improvement"
        }
        .to_owned(),
        kind: kind.to_owned(),
        category: Category::Benchmark,
        severity,
        message,
        why: None,
        help: Some(help.to_owned()),
        impact: Some(format::change(ir)),
        location: file.map(|file| Location {
            file,
            line: 1,
            column: 1,
            length: 0,
        }),
        package: Some(package.to_owned()),
        crates: vec![name.to_owned()],
        paths: Vec::new(),
        baseline: crate::report::Baseline::New,
    })
}

fn nondeterministic(b: &BenchmarkResult, second: f64) -> Finding {
    Finding {
        rule_id: "nondeterministic-benchmark".to_owned(),
        kind: "bench::nondeterministic".to_owned(),
        category: Category::Benchmark,
        severity: Severity::Warning,
        message: format!(
            "{} is not deterministic: {} Ir, then {} Ir on the same code",
            b.name,
            format::count(b.primary.after),
            format::count(second)
        ),
        why: None,
        help: Some(
            "likely a randomly seeded hasher (std HashMap/HashSet), time, or addresses: seed it fixedly in the benchmark"
                .to_owned(),
        ),
        impact: Some("its before/after figures cannot be trusted".to_owned()),
        location: None,
        package: Some(b.package.clone()), // cloned: the finding owns it
        crates: vec![b.name.clone()], // cloned: as above
        paths: Vec::new(),
        baseline: crate::report::Baseline::New,
    }
}

/// Regression limits, validated.
struct Limits {
    default_pct: f64,
    default_abs: Option<u64>,
    floor: u64,
    overrides: Vec<(globset::GlobMatcher, Option<f64>, Option<u64>)>,
}

impl Limits {
    fn new(cfg: &BenchConfig, source: Option<&ConfigSource>) -> Result<Limits> {
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

    fn pct_for(&self, name: &str) -> f64 {
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

    fn status(&self, name: &str, ir: &crate::report::MetricChange) -> BenchStatus {
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

/// The bench targets, for `--list`.
pub fn list(ws: &Workspace, selection: &PackageSelection) -> Result<Vec<BenchTarget>> {
    discover(ws, selection)
}

/// Where HEAD's runner summaries are written.
pub fn home_dir(ws: &Workspace) -> PathBuf {
    ws.target_dir
        .join("lumen-gate")
        .join(workspace_key(ws))
        .join("bench-home")
        .into_std_path_buf()
}

/// A short stable name for the workspace, from its root path.
fn workspace_key(ws: &Workspace) -> String {
    use std::hash::{Hash, Hasher};
    // DefaultHasher::new() has fixed keys: the same root always gives the same name.
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    ws.root.hash(&mut hasher);
    format!("ws-{:016x}", hasher.finish())
}
