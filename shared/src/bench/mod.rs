//! Benchmarks, base against HEAD (`cargo lumen-bench`).
//!
//! Every run holds the workspace's state lock ([`crate::lock`]) while it uses
//! `<target>/lumen-gate/ws-<hash>/`: two runs at once take turns instead of clearing each other's files.
//! The base revision is checked out in a detached worktree under `<target>/lumen-gate/ws-<hash>/bench-base`
//! (reused by the next run) and built with a target directory of its own (`bench-base-target`, so its
//! second build is incremental). Its benchmarks run first, saving a baseline; HEAD's then run compared
//! with it. Instruction-count runners (gungraun, iai-callgrind) share one `--home`, so each summary holds
//! HEAD's (new) and the base's (old) figures; gating is on instruction counts (Ir), which repeat exactly
//! run to run. Criterion benchmarks run only with `--criterion`, and are reported, not gated, unless
//! `[bench.criterion] severity` says otherwise.
//!
//! Instruction-count benches are built with debug info (`CARGO_PROFILE_BENCH_DEBUG=true` in the run's
//! environment; the user's files are not touched), so the callgrind files the runners leave have files and
//! lines. Every benchmark whose count changed is attributed ([`attribution`]): the workspace function that
//! carries most of the change, and the functions that changed most. A differential flamegraph is written to
//! `<target>/lumen-gate/ws-<hash>/profiles/` for every benchmark changed beyond its limit (with `--profile`,
//! for every benchmark).

pub mod attribution;
pub mod callgrind;
pub mod cfg;
pub mod claims;
pub mod command;
pub mod complexity;
pub mod criterion;
pub mod discover;
pub mod files;
pub mod findings;
pub mod hot;
pub mod limits;
pub mod noise;
pub mod partition;
pub mod run;
pub mod runner;
pub mod summary;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use camino::Utf8PathBuf;

use crate::bench::cfg::BenchConfig;
use crate::bench::command::{CommandBench, CommandRevision};
use crate::bench::discover::{BenchTarget, Runner, discover};
use crate::bench::limits::Limits;
use crate::bench::partition::Partition;
use crate::bench::run::{BenchRun, RunEvent};
use crate::config::ConfigSource;
use crate::config::validate::Validator;
use crate::errors::{BenchError, Error, Result};
use crate::lock::{self, WhenLocked};
use crate::output::progress::{Phase, Progress};
use crate::report::{BenchStatus, BenchmarkResult, Location, Problem, Report, Tool};
use crate::workspace::{PackageSelection, Workspace};

/// The name under which the base's results are saved (the runners' `--save-baseline`, criterion's).
pub const BASELINE: &str = "lumen_base";

/// How to run the benchmarks.
#[derive(Clone, Debug, Default)]
pub struct BenchOptions {
    /// Compare with this git revision.
    pub base: Option<String>,
    /// Which members' bench targets.
    pub selection: PackageSelection,
    /// Run HEAD twice and flag benchmarks whose instruction count differs.
    pub check_determinism: bool,
    /// Run criterion (wall-clock) benchmarks too.
    pub criterion: bool,
    /// Run only this slice of the bench targets.
    pub partition: Option<Partition>,
    /// Install a missing runner into lumen-gate's cache.
    pub install_runner: bool,
    /// Stop a bench target's build and run after this long (default: `[bench] timeout-secs`).
    pub timeout: Option<Duration>,
    /// Wait for, or fail on, another run holding the workspace's state.
    pub when_locked: WhenLocked,
    /// Write a flamegraph for every benchmark, not only those changed beyond their limit.
    pub profile: bool,
    /// A file of text whose claims of speed or memory changes are checked, besides the commit messages
    /// of `base..HEAD` (a pull request's description).
    pub claims: Option<PathBuf>,
}

/// The `[bench]` settings, validated against the workspace.
pub struct Settings {
    /// The regression limits.
    pub limits: Limits,
    /// The command benchmarks.
    pub commands: Vec<CommandBench>,
}

impl Settings {
    /// Validates `[bench]`; every error points at its place in `source`.
    pub fn new(
        cfg: &BenchConfig,
        ws: &Workspace,
        source: Option<&ConfigSource>,
    ) -> Result<Settings> {
        let mut v = Validator::new(source);
        let limits = Limits::validate(cfg, &mut v);
        let commands = command::validate(&cfg.command, ws, source, &mut v);
        v.finish()?;
        Ok(Settings { limits, commands })
    }
}

/// How to get line information into a bench binary, for the attribution's note when it has none.
const NO_LINES: &str = "lumen-bench builds benches with CARGO_PROFILE_BENCH_DEBUG=true: a `strip` setting in \
                        [profile.bench] takes the lines out again";

/// Where a workspace's benchmark runs keep their files (under `<target>/lumen-gate/ws-<hash>/`).
struct Dirs {
    root: Utf8PathBuf,
    home: PathBuf,
    criterion_home: PathBuf,
    logs: PathBuf,
    /// Flamegraphs.
    profiles: PathBuf,
    /// The command benchmarks' callgrind files.
    command_home: PathBuf,
    /// Those of the base's second run, in another directory, for the noise floor.
    base_again_home: PathBuf,
    /// Their builds' target directories (`head`, `base`).
    command_target: PathBuf,
    /// Where their binaries are copied to run.
    command_bin: PathBuf,
}

impl Dirs {
    fn new(ws: &Workspace) -> Dirs {
        let root = ws.state_dir();
        Dirs {
            home: root.join("bench-home").into_std_path_buf(),
            criterion_home: root.join("criterion-home").into_std_path_buf(),
            logs: root.join("bench-logs").into_std_path_buf(),
            profiles: root.join("profiles").into_std_path_buf(),
            command_home: root.join("command-home").into_std_path_buf(),
            base_again_home: root.join("command-home-base-again").into_std_path_buf(),
            command_target: root.join("command-target").into_std_path_buf(),
            command_bin: root.join("command-bin").into_std_path_buf(),
            root,
        }
    }
}

/// What every run of one `cargo lumen-bench` shares.
struct Session<'a> {
    dirs: Dirs,
    timeout: Duration,
    /// Runner directories to put first on `PATH`.
    path: Option<OsString>,
    noise_pct: f64,
    progress: &'a mut Progress,
}

/// What a revision's benchmark run does with the saved baseline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaselineRole {
    /// Saves it (the base revision).
    Save,
    /// Compares with it (HEAD after a base run).
    Compare,
    /// Neither (HEAD alone, or its second determinism run).
    Neither,
}

/// Where and how one revision's benchmarks run.
struct Revision {
    /// "HEAD", "HEAD again", or "base <rev>".
    label: String,
    /// The workspace root of this revision.
    root: PathBuf,
    /// Its own cargo target directory (the base's), or the workspace's.
    target_dir: Option<PathBuf>,
    /// What this revision's run does with the baseline.
    baseline: BaselineRole,
    /// Pass `--locked`: HEAD's `Cargo.lock` is the user's and never rewritten (the base's worktree is ours).
    locked: bool,
    /// The callgrind runner home (the second determinism run has its own).
    home: PathBuf,
    /// Where the command benchmarks' callgrind files go (the second determinism run has its own).
    command_home: PathBuf,
    /// Log file suffix.
    tag: &'static str,
}

/// Runs the benchmarks and reports the figures, regressions and improvements.
pub fn run(
    ws: &Workspace,
    cfg: &BenchConfig,
    settings: &Settings,
    opts: &BenchOptions,
    progress: &mut Progress,
) -> Result<Report> {
    let limits = &settings.limits;
    let (mut targets, commands) = select(ws, settings, &opts.selection, opts.partition)?;
    let mut report = Report::new(Tool::Bench, ws.root.as_str());
    if !opts.criterion {
        for t in targets.iter().filter(|t| t.runner == Runner::Criterion) {
            report.problems.push(skipped_criterion(t));
        }
        targets.retain(|t| t.runner != Runner::Criterion);
    }
    // `cargo bench` (and a command benchmark's `cargo build`) writes a Cargo.lock where there is none, and the
    // user's checkout is never modified.
    let runs_cargo = !targets.is_empty() || !commands.is_empty();
    if runs_cargo && !ws.root.join("Cargo.lock").is_file() {
        return Err(Error::usage(
            format!(
                "{} has no Cargo.lock: `cargo bench` or `cargo build` would write one into your checkout, which lumen-gate leaves as it found it",
                ws.root
            ),
            Some(
                "create it with `cargo generate-lockfile` (commit it, or run that in CI before this step), then run again"
                    .to_owned(),
            ),
        ));
    }
    let callgrind: Vec<&BenchTarget> = targets
        .iter()
        .filter(|t| t.runner != Runner::Criterion)
        .collect();
    let runner_dirs = runner::prepare(&callgrind, opts.install_runner, &mut |line| {
        progress.note(line)
    })?;
    if !commands.is_empty() {
        runner::require_valgrind()?;
    }
    let dirs = Dirs::new(ws);
    let _lock = lock::acquire(
        dirs.root.as_std_path(),
        "lumen-bench",
        opts.when_locked,
        &mut |line| progress.note(line),
    )?;
    reset_dir(&dirs.home)?;
    reset_dir(&dirs.criterion_home)?;
    reset_dir(&dirs.profiles)?;
    reset_dir(&dirs.command_home)?;
    reset_dir(&dirs.base_again_home)?;
    let floor_runs = commands
        .iter()
        .filter(|c| limits.noise_for(&c.name).is_none())
        .count();
    let runs = (targets.len() + commands.len()) * (1 + usize::from(opts.base.is_some()))
        + floor_runs * usize::from(opts.base.is_some())
        + (callgrind.len() + commands.len()) * usize::from(opts.check_determinism);
    progress.add_runs(runs as u64);
    let mut session = Session {
        timeout: opts
            .timeout
            .unwrap_or(Duration::from_secs(*cfg.timeout_secs.get_ref())),
        path: run::path_with(&runner_dirs),
        noise_pct: *cfg.criterion.noise_threshold_pct.get_ref(),
        progress,
        dirs,
    };

    let mut base_root = None;
    if let Some(rev) = &opts.base {
        let base = crate::base::checkout(ws, rev, &session.dirs.root.join("bench-base"))?;
        base_root = Some(base.root.to_owned());
        for note in &base.notes {
            session.progress.note(note);
        }
        let revision = Revision {
            label: format!("base {rev}"),
            root: base.root.to_owned(),
            target_dir: Some(
                session
                    .dirs
                    .root
                    .join("bench-base-target")
                    .into_std_path_buf(),
            ),
            baseline: BaselineRole::Save,
            // The base worktree is ours: cargo may update a stale lockfile there (noted below).
            locked: false,
            home: session.dirs.home.to_owned(),
            command_home: session.dirs.command_home.to_owned(),
            tag: "base",
        };
        session.run_all(ws, &targets, &revision)?;
        let mut built = BTreeMap::new();
        session.run_commands(&commands, &revision, &mut built)?;
        // The floor of a command benchmark without `noise`: its base run again in another directory.
        let unmeasured: Vec<CommandBench> = commands
            .iter()
            .filter(|c| limits.noise_for(&c.name).is_none())
            .cloned() // cloned: the second run owns the benchmarks it runs
            .collect();
        if !unmeasured.is_empty() {
            let again =
                crate::base::checkout(ws, rev, &session.dirs.root.join("bench-base-again"))?;
            let revision = Revision {
                label: format!("base {rev} again"),
                root: again.root.to_owned(),
                command_home: session.dirs.base_again_home.to_owned(),
                tag: "base-again",
                ..revision
            };
            session.run_commands(&unmeasured, &revision, &mut built)?;
        }
        let lockfile = base.lockfile_note();
        report.notes.extend(base.notes);
        if let Some(note) = lockfile {
            session.progress.note(&note);
            report.notes.push(note);
        }
        report.base = Some(base.revision);
    }
    let head = Revision {
        label: "HEAD".to_owned(),
        root: ws.root.as_std_path().to_owned(),
        target_dir: None,
        baseline: if opts.base.is_some() {
            BaselineRole::Compare
        } else {
            BaselineRole::Neither
        },
        // Checked above: HEAD has a Cargo.lock, and cargo must not change it.
        locked: true,
        home: session.dirs.home.to_owned(),
        command_home: session.dirs.command_home.to_owned(),
        tag: "head",
    };
    session.run_all(ws, &targets, &head)?;
    session.run_commands(&commands, &head, &mut BTreeMap::new())?;
    let again = if opts.check_determinism {
        session.run_again(ws, &callgrind, &commands)?
    } else {
        BTreeMap::new()
    };

    let user_code =
        attribution::Workspace::new(ws.root.as_std_path(), base_root.as_deref(), crate_names(ws));
    let attributing = attribution::Attributing {
        ws: &user_code,
        root: ws.root.as_std_path(),
        dir: &session.dirs.profiles,
        top: cfg.top_functions,
        all: opts.profile,
        limits,
    };
    let mut samples = Vec::new();
    let mut measured_hot = Vec::new();
    for (package, target, s) in summary::collect(&session.dirs.home, BASELINE)? {
        let mut metrics = s.metrics;
        // summary::collect keeps only summaries with an `Ir`.
        let Some(ir) = metrics.remove("Ir") else {
            continue;
        };
        let bench_target = callgrind
            .iter()
            .find(|t| t.package == package && t.name == target);
        samples.push(complexity::Sample {
            name: s.name.to_owned(),
            package: package.to_owned(),
            file: bench_target.map(|t| t.file.to_owned()),
            args: s.args.to_owned(),
            ir: ir.to_owned(),
            declared_at: None,
        });
        let file = bench_target.map(|t| Location {
            file: t.file.to_owned(),
            line: 1,
            column: 1,
            length: 0,
        });
        let floor = noise::floor(
            limits.noise_for(&s.name),
            &[again
                .get(&s.name)
                .map_or_else(Vec::new, |second| vec![ir.after, *second])],
        );
        let status = limits.status(&s.name, &ir, &floor);
        let mut result = BenchmarkResult {
            name: s.name,
            package,
            target,
            runner: bench_target
                .map_or("gungraun", |t| t.runner.crate_name())
                .to_owned(),
            metric: "Ir".to_owned(),
            primary: ir,
            other_metrics: metrics,
            wall_clock: None,
            status,
            attribution: None,
            flamegraph: None,
            floor: Some(floor),
        };
        attributing.attribute(&mut result, &s.profiles, NO_LINES, &mut report.problems);
        if !s.profiles.head.is_empty() {
            match callgrind::Profile::read_files(&s.profiles.head) {
                Ok(head) => measured_hot.extend(hot::measure(
                    &head,
                    &result.name,
                    &user_code,
                    limits.hot_share,
                )),
                Err(e) => report.problems.push(Problem {
                    location: None,
                    message: format!("`{}` is not ranked for hot paths: {e}", result.name),
                }),
            }
        }
        if let Some(f) = findings::instruction_count(&result, file, limits) {
            report.findings.push(f);
        }
        report.benchmarks.push(result);
    }
    for c in &commands {
        let profiles = command_profiles(c, &session.dirs.command_home)?;
        let ir = summary::change(
            profiles.head.total() as f64,
            profiles.base.as_ref().map(|b| b.total() as f64),
        );
        let base_runs: Vec<f64> = ir
            .before
            .into_iter()
            .chain(command_total(
                c,
                &session.dirs.base_again_home,
                &format!(".base@{BASELINE}"),
            )?)
            .collect();
        let head_runs: Vec<f64> = std::iter::once(ir.after)
            .chain(again.get(&c.name).copied())
            .collect();
        let floor = noise::floor(limits.noise_for(&c.name), &[base_runs, head_runs]);
        let mut result = BenchmarkResult {
            name: c.name.to_owned(),
            package: c.package.to_owned(),
            target: "command".to_owned(),
            runner: "command".to_owned(),
            metric: "Ir".to_owned(),
            status: limits.status(&c.name, &ir, &floor),
            primary: ir,
            other_metrics: BTreeMap::new(),
            wall_clock: None,
            attribution: None,
            flamegraph: None,
            floor: Some(floor),
        };
        attributing.attribute_profiles(
            &mut result,
            &profiles,
            &command::no_lines(c),
            &mut report.problems,
        );
        measured_hot.extend(hot::measure(
            &profiles.head,
            &c.name,
            &user_code,
            limits.hot_share,
        ));
        if let Some(n) = c.size {
            samples.push(complexity::Sample {
                name: c.name.to_owned(),
                package: c.package.to_owned(),
                file: None,
                args: Some(n.to_string()),
                ir: result.primary.to_owned(),
                declared_at: c.declared_at.to_owned(),
            });
        }
        if let Some(f) = findings::instruction_count(&result, c.declared_at.to_owned(), limits) {
            report.findings.push(f);
        }
        report.benchmarks.push(result);
    }
    complexity::Families {
        root: ws.root.as_std_path(),
        profiles: &session.dirs.profiles,
        specs: &limits.complexity,
        with_base: opts.base.is_some(),
    }
    .check(&samples, &mut report)?;
    session.read_criterion(&targets, cfg, &mut report)?;
    // A slice of the benchmarks cannot tell a claim without numbers: the merged review has them all.
    if opts.partition.is_none() {
        claims::check(
            &claims::Sources {
                root: ws.root.as_std_path(),
                base: opts.base.as_deref(),
                file: opts.claims.as_deref(),
            },
            &mut report,
        )?;
    }

    let ran: Vec<String> = report
        .benchmarks
        .iter()
        .map(|b| b.name.to_owned())
        .collect();
    hot::store(session.dirs.root.as_std_path(), &measured_hot, &ran)?;
    report.measured_hot = measured_hot;
    report
        .findings
        .extend(report.benchmarks.iter().filter_map(|b| {
            let second = again.get(&b.name)?;
            (*second != b.primary.after).then(|| findings::nondeterministic(b, *second))
        }));
    report.rules_checked.push(crate::report::RuleChecked {
        id: findings::RuleId::IrRegression.as_str().to_owned(),
        kind: findings::RuleId::IrRegression.kind().to_owned(),
        description: format!(
            "instruction count (Ir) must not grow by more than {:.2}%",
            limits.default_pct
        ),
        checks: Vec::new(),
    });
    session.progress.finish();
    report.sort();
    Ok(report)
}

impl Session<'_> {
    /// Runs every target that exists at `revision`.
    fn run_all(&mut self, ws: &Workspace, targets: &[BenchTarget], rev: &Revision) -> Result<()> {
        for t in targets {
            let rel = t
                .manifest
                .strip_prefix(&ws.root)
                .map(|p| p.as_std_path().to_owned())
                .unwrap_or_default();
            let manifest = rev.root.join(rel);
            if manifest.is_file() {
                self.run_one(t, manifest, rev)?;
            } else {
                self.progress.note(&format!(
                    "bench: {}/{} does not exist at {}: HEAD's figures will be new",
                    t.package, t.name, rev.label
                ));
                self.progress.run_done();
            }
        }
        Ok(())
    }

    fn run_one(&mut self, t: &BenchTarget, manifest: PathBuf, rev: &Revision) -> Result<()> {
        let mut env = Vec::new();
        let args = if t.runner == Runner::Criterion {
            env.push(("CRITERION_HOME", self.criterion_home_of(t).into_os_string()));
            criterion::args(BASELINE, rev.baseline, self.noise_pct)
        } else {
            // Line information for the attribution, without touching the user's manifests.
            env.push(("CARGO_PROFILE_BENCH_DEBUG", OsString::from("true")));
            let mut args = vec![
                "--save-summary=json".to_owned(),
                format!("--home={}", rev.home.display()),
            ];
            match rev.baseline {
                BaselineRole::Save => args.push(format!("--save-baseline={BASELINE}")),
                BaselineRole::Compare => args.push(format!("--baseline={BASELINE}")),
                BaselineRole::Neither => {}
            }
            args
        };
        if let Some(path) = &self.path {
            env.push(("PATH", path.to_owned()));
        }
        let run = BenchRun {
            manifest,
            target: t,
            args,
            env,
            target_dir: rev.target_dir.to_owned(),
            locked: rev.locked,
            log: self
                .dirs
                .logs
                .join(format!("{}-{}-{}.log", t.package, t.name, rev.tag)),
            revision: rev.label.to_owned(),
            timeout: self.timeout,
        };
        let name = format!("{}/{}", t.package, t.name);
        let progress = &mut *self.progress;
        progress.phase(Phase::Build, &rev.label, &name);
        run.run(&mut |event| match event {
            RunEvent::Running => progress.phase(Phase::Run, &rev.label, &name),
            RunEvent::BenchmarksDone(n) => progress.benchmarks_done(n),
            RunEvent::Tick => progress.tick(),
        })?;
        progress.run_done();
        Ok(())
    }

    fn criterion_home_of(&self, t: &BenchTarget) -> PathBuf {
        self.dirs.criterion_home.join(&t.package).join(&t.name)
    }

    /// Criterion's figures for each criterion target that ran.
    fn read_criterion(
        &self,
        targets: &[BenchTarget],
        cfg: &BenchConfig,
        report: &mut Report,
    ) -> Result<()> {
        for t in targets.iter().filter(|t| t.runner == Runner::Criterion) {
            let found = criterion::collect(&self.criterion_home_of(t), BASELINE, self.noise_pct)?;
            for c in found {
                let file = Some(Location {
                    file: t.file.to_owned(),
                    line: 1,
                    column: 1,
                    length: 0,
                });
                let finding = findings::wall_clock(&c, &t.package, file, cfg.criterion.severity);
                // A finding exists only for a significant change, and a change only with a base.
                let status = match (&c.change, &finding) {
                    (None, _) => BenchStatus::New,
                    (Some(_), None) => BenchStatus::Unchanged,
                    (Some(w), Some(_)) if w.mean_pct <= 0.0 => BenchStatus::Improved,
                    (Some(_), Some(f)) if f.severity == crate::report::Severity::Critical => {
                        BenchStatus::Regressed
                    }
                    (Some(_), Some(_)) => BenchStatus::Slower,
                };
                report.findings.extend(finding);
                report.benchmarks.push(BenchmarkResult {
                    name: format!("{}/{}/{}", t.package, t.name, c.name),
                    package: t.package.to_owned(),
                    target: t.name.to_owned(),
                    runner: "criterion".to_owned(),
                    metric: "time_ns".to_owned(),
                    primary: c.time_ns,
                    other_metrics: BTreeMap::new(),
                    wall_clock: c.change,
                    status,
                    attribution: None,
                    flamegraph: None,
                    // Criterion's own noise threshold judges it (`wall_clock`).
                    floor: None,
                });
            }
        }
        Ok(())
    }

    /// Runs HEAD's instruction-count benchmarks and commands again (`--check-determinism`): the second
    /// count of each, by name. A count that moved is a finding, and the spread is its noise floor.
    fn run_again(
        &mut self,
        ws: &Workspace,
        callgrind: &[&BenchTarget],
        commands: &[CommandBench],
    ) -> Result<BTreeMap<String, f64>> {
        let second = self.dirs.home.with_file_name("bench-home-again");
        reset_dir(&second)?;
        let commands_again = self.dirs.command_home.with_file_name("command-home-again");
        reset_dir(&commands_again)?;
        let again = Revision {
            label: "HEAD again".to_owned(),
            root: ws.root.as_std_path().to_owned(),
            target_dir: None,
            baseline: BaselineRole::Neither,
            locked: true,
            home: second,
            command_home: commands_again,
            tag: "again",
        };
        for t in callgrind {
            self.run_one(t, t.manifest.as_std_path().to_owned(), &again)?;
        }
        self.run_commands(commands, &again, &mut BTreeMap::new())?;
        let mut counts: BTreeMap<String, f64> = summary::collect(&again.home, BASELINE)?
            .into_iter()
            .filter_map(|(_, _, s)| {
                let ir = s.metrics.get("Ir")?.after;
                Some((s.name, ir))
            })
            .collect();
        for c in commands {
            let profiles = command_profiles(c, &again.command_home)?;
            counts.insert(c.name.to_owned(), profiles.head.total() as f64);
        }
        Ok(counts)
    }
}

impl Session<'_> {
    /// Builds and runs every command benchmark at `rev`.
    /// `built` keeps the binaries built at this revision (the base's second run reuses the first's).
    fn run_commands(
        &mut self,
        commands: &[CommandBench],
        rev: &Revision,
        built: &mut BTreeMap<Vec<String>, command::Binaries>,
    ) -> Result<()> {
        let target_dir = self.dirs.command_target.join(match rev.baseline {
            BaselineRole::Save => "base",
            _ => "head",
        });
        let cmd_rev = CommandRevision {
            label: &rev.label,
            root: &rev.root,
            target_dir,
            locked: rev.locked,
            out_dir: rev.command_home.to_owned(),
            suffix: match rev.baseline {
                BaselineRole::Save => format!(".base@{BASELINE}"),
                _ => String::new(),
            },
            bin_dir: self.dirs.command_bin.to_owned(),
            logs: self.dirs.logs.to_owned(),
            tag: rev.tag,
            binaries_required: rev.baseline != BaselineRole::Save,
        };
        for c in commands {
            let name = format!("command {}", c.name);
            let progress = &mut *self.progress;
            progress.phase(Phase::Build, &rev.label, &name);
            let ran = cmd_rev.build_and_run(c, self.timeout, built, &mut || {
                progress.phase(Phase::Run, &rev.label, &name)
            })?;
            if !ran {
                progress.note(&format!(
                    "bench: command {} runs a binary the base does not build: HEAD's figures will be new",
                    c.name
                ));
            }
            progress.run_done();
        }
        Ok(())
    }
}

/// The instruction count of a command benchmark's callgrind file in `home` with `suffix`, when it ran.
fn command_total(c: &CommandBench, home: &Path, suffix: &str) -> Result<Option<f64>> {
    let file = command::out_file(home, &c.name, suffix);
    if !file.is_file() {
        return Ok(None);
    }
    let profile = callgrind::Profile::read_file(&file).map_err(|e| BenchError::CommandProfile {
        name: c.name.to_owned(),
        reason: e.to_string(),
    })?;
    Ok(Some(profile.total() as f64))
}

/// A command benchmark's profiles from its callgrind files in `home`: HEAD's, and the base's when it ran
/// there.
fn command_profiles(c: &CommandBench, home: &Path) -> Result<attribution::Profiles> {
    let head = command::out_file(home, &c.name, "");
    let base = command::out_file(home, &c.name, &format!(".base@{BASELINE}"));
    let files = summary::ProfileFiles {
        head: vec![head],
        base: if base.is_file() {
            vec![base]
        } else {
            Vec::new()
        },
    };
    let unreadable = |reason: String| BenchError::CommandProfile {
        name: c.name.to_owned(),
        reason,
    };
    Ok(attribution::Profiles::read(&files)
        .map_err(|e| unreadable(e.to_string()))?
        .ok_or_else(|| unreadable("valgrind wrote none".to_owned()))?)
}

/// The bench targets and command benchmarks of the selected packages (a command counts as its binary's
/// package's; one running none of the workspace's binaries is always selected), and of the partition's
/// slice when one is given.
fn select(
    ws: &Workspace,
    settings: &Settings,
    selection: &PackageSelection,
    partition: Option<Partition>,
) -> Result<(Vec<BenchTarget>, Vec<CommandBench>)> {
    let targets = discover(ws, selection)?;
    let packages: Vec<String> = ws
        .select(selection)?
        .iter()
        .map(|p| p.name().to_owned())
        .collect();
    let commands: Vec<CommandBench> = settings
        .commands
        .iter()
        .filter(|c| c.package.is_empty() || packages.contains(&c.package))
        .cloned() // cloned: the run owns the benchmarks it runs
        .collect();
    let Some(partition) = partition else {
        return Ok((targets, commands));
    };
    let units: Vec<Result<BenchTarget, CommandBench>> = targets
        .into_iter()
        .map(Ok)
        .chain(commands.into_iter().map(Err))
        .collect();
    let (mut targets, mut commands) = (Vec::new(), Vec::new());
    let key = |u: &Result<BenchTarget, CommandBench>| match u {
        Ok(t) => (t.package.to_owned(), t.name.to_owned()),
        Err(c) => (c.package.to_owned(), format!("command {}", c.name)),
    };
    for unit in partition.select_by(units, key) {
        match unit {
            Ok(t) => targets.push(t),
            Err(c) => commands.push(c),
        }
    }
    Ok((targets, commands))
}

/// The names of the workspace members' targets (libraries, binaries, benches): what workspace code is
/// called when a profile has no files.
fn crate_names(ws: &Workspace) -> Vec<String> {
    ws.members()
        .iter()
        .flat_map(|p| p.build_targets().map(|t| t.name().to_owned()))
        .collect()
}

fn skipped_criterion(t: &BenchTarget) -> Problem {
    Problem {
        location: Some(Location {
            file: t.file.to_owned(),
            line: 1,
            column: 1,
            length: 0,
        }),
        message: format!(
            "`{}/{}` is a criterion benchmark: listed, not run (pass --criterion to run it; wall clock is reported, not gated)",
            t.package, t.name
        ),
    }
}

fn reset_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| Error::io("could not clear", dir, e))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io("could not create", dir, e))
}

/// The bench targets and command benchmarks, for `--list`: a partition's slice when one is given.
pub fn list(
    ws: &Workspace,
    settings: &Settings,
    selection: &PackageSelection,
    partition: Option<Partition>,
) -> Result<(Vec<BenchTarget>, Vec<CommandBench>)> {
    select(ws, settings, selection, partition)
}
