//! `cargo lumen-gate`: the review. Runs the architecture rules, the lints and (with `--bench`) the
//! benchmarks, or merges their reports from earlier CI steps, and renders the verdict.

use std::collections::BTreeSet;
use std::path::PathBuf;

use camino::Utf8Path;

use crate::api::{self, ApiOptions};
use crate::arch::{self, CheckOptions};
use crate::bench::{self, BenchOptions, hot};
use crate::commands::config::LoadedConfig;
use crate::commands::{
    OutputArgs, WorkspaceArgs, main_with, print_warnings, render_error, write_file, write_stdout,
};
use crate::config::preset::Preset;
use crate::errors::{Error, Result};
use crate::gate::baseline;
use crate::gate::inputs::read_report;
use crate::gate::review::{self, Review};
use crate::git::Repo;
use crate::lints::settings::{Settings, unmatched_file_globs, unmatched_fn_globs};
use crate::lints::{self, LintOptions};
use crate::lock::WhenLocked;
use crate::output::Format;
use crate::output::progress::{Progress, ProgressMode};
use crate::render::github::append_step_summary;
use crate::render::human::HumanStyle;
use crate::render::review::write_review;
use crate::render::{escape, markdown};
use crate::report::identity::BaselineGrowth;
use crate::report::{Report, Tool};
use crate::source::facts::hash_of;
use crate::workspace::{Members, PackageSelection, Workspace};

/// The examples at the end of `--help`.
pub const EXAMPLES: &str = "\
Examples:
  cargo lumen-gate                              review the workspace: architecture rules and lints
  cargo lumen-gate --base origin/main           only what changed since origin/main can block
  cargo lumen-gate --format markdown            the review text for a pull-request comment
  cargo lumen-gate --format github              annotations, and the review in $GITHUB_STEP_SUMMARY
  cargo lumen-gate --format sarif --output lumen.sarif --output-format sarif
  cargo lumen-gate --only lints -p my-crate     only the lints, on one package
  cargo lumen-gate --only api --base v1.2.0    the public API since a release (add --semver for cargo-semver-checks)
  cargo lumen-gate --report arch.json --report bench.json   merge reports of earlier CI steps
  cargo lumen-gate --explain hash-in-hot-loop   what a lint rule finds, and why it costs

Exit codes: 0 APPROVED, 1 CHANGES REQUESTED, 2 the gate could not run (config, git, cargo),
130 interrupted.";

/// Arguments of `cargo lumen-gate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Workspace and package selection.
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    /// Output settings.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Format of the file written with --output.
    #[arg(long, value_enum, default_value_t = Format::Json, value_name = "FORMAT")]
    pub output_format: Format,
    /// Compare with a git revision: only findings new since it can block.
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Run only these parts (repeatable).
    #[arg(long, value_enum, value_name = "PART")]
    pub only: Vec<Part>,
    /// Also run the benchmarks against --base.
    #[arg(long)]
    pub bench: bool,
    /// With the benchmarks: check the claims of speed or memory changes in this file (a pull request's
    /// description) against the numbers, besides those of the commit messages of --base..HEAD.
    #[arg(long, value_name = "FILE")]
    pub claims: Option<PathBuf>,
    /// Also run cargo-semver-checks against --base (when installed) and fold its findings in.
    #[arg(long)]
    pub semver: bool,
    /// Merge a report written by `cargo lumen-arch/lumen-bench --format json` (repeatable).
    #[arg(long = "report", value_name = "FILE")]
    pub reports: Vec<PathBuf>,
    /// A built-in rule set: its architecture rules, and its hot paths when the configuration has no
    /// `[lints]` of its own.
    #[arg(long, value_enum)]
    pub preset: Option<Preset>,
    /// Write the baseline file: every current finding when there is none (or with `=all`); otherwise
    /// only remove the entries that are fixed, so the accepted debt never grows by accident.
    #[arg(
        long,
        value_enum,
        value_name = "WHAT",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "fixed"
    )]
    pub write_baseline: Option<WriteBaseline>,
    /// With --base: accept entries added to the baseline file since the base (for the commit that adopts
    /// lumen-gate). Without it, a baseline that grew blocks: each added entry hides a finding.
    #[arg(long)]
    pub accept_baseline_growth: bool,
    /// Scan every file again, without reading or writing the lints' cache (`lint-cache/` in the
    /// workspace's state directory under `target/`) or the API review's (`source-facts/`).
    #[arg(long)]
    pub no_cache: bool,
    /// Print what a lint rule finds, why it costs, an example, its limits and configuration, and exit
    /// (`--explain hash-in-hot-loop`; `--explain list` lists every rule).
    #[arg(long, value_name = "RULE")]
    pub explain: Option<String>,
}

/// The `[lints]` section of a preset (the other sections are read by their tools).
#[derive(Debug, Default, serde::Deserialize)]
struct LintsSection {
    #[serde(default)]
    lints: crate::lints::cfg::LintsConfig,
}

/// What `--write-baseline` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum WriteBaseline {
    /// Remove the entries that match no finding any more (every current finding when there is no file).
    Fixed,
    /// Every current finding of the lints and the architecture rules.
    All,
}

/// A part of the review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Part {
    /// The lints (code-quality gates and performance checklist).
    Lints,
    /// The architecture rules.
    Arch,
    /// The benchmarks.
    Bench,
    /// The API review: public surfaces, breaking changes since --base, their hygiene.
    Api,
}

impl Part {
    /// The tool whose report holds this part.
    fn tool(self) -> Tool {
        match self {
            Part::Lints => Tool::Lints,
            Part::Arch => Tool::Arch,
            Part::Bench => Tool::Bench,
            Part::Api => Tool::Api,
        }
    }
}

/// What the review runs.
#[derive(Clone, Debug)]
struct Plan {
    base: Option<String>,
    only: Vec<Part>,
    bench: bool,
    claims: Option<PathBuf>,
    semver: bool,
    preset: Option<Preset>,
    selection: PackageSelection,
    when_locked: WhenLocked,
    no_cache: bool,
}

impl Plan {
    /// True when `part` runs (unless a given report already holds it): `--only` when given, else the
    /// lints and the architecture rules, and the benchmarks with `--bench`.
    fn wants(&self, part: Part) -> bool {
        if self.only.is_empty() {
            part != Part::Bench || self.bench
        } else {
            self.only.contains(&part)
        }
    }
}

/// A `--report` written in another workspace would review that workspace's findings as this one's, and
/// quote its files: refused. Two spellings of one directory are the same workspace.
fn same_workspace(name: &str, written_in: &str, root: &Utf8Path) -> Result<()> {
    let real = |p: &std::path::Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_owned());
    if written_in.is_empty() || real(written_in.as_ref()) == real(root.as_std_path()) {
        return Ok(());
    }
    Err(Error::usage(
        format!(
            "--report {name} was written for the workspace at {}, not this one ({root})",
            escape::terminal(written_in)
        ),
        Some(
            "run cargo lumen-gate in the workspace the report was written for, or write the report again here"
                .to_owned(),
        ),
    ))
}

/// Runs `cargo lumen-gate` and returns its exit code.
pub fn main(args: Args) -> i32 {
    main_with(args.output.color, || run(args))
}

fn run(args: Args) -> Result<i32> {
    if let Some(rule) = &args.explain {
        write_stdout(crate::lints::explain(rule)?.as_bytes())?;
        return Ok(crate::exit_codes::SUCCESS);
    }
    let plan = Plan {
        base: args.base,
        only: args.only,
        bench: args.bench,
        claims: args.claims,
        semver: args.semver,
        preset: args.preset,
        selection: args.workspace.selection(),
        when_locked: args.workspace.when_locked(),
        no_cache: args.no_cache,
    };
    if plan.claims.is_some() && !plan.wants(Part::Bench) {
        return Err(Error::usage(
            "--claims checks claims against the benchmarks, which this review does not run",
            Some(
                "add --bench (or --only bench), or check them with `cargo lumen-bench --claims`"
                    .to_owned(),
            ),
        ));
    }
    let mut given = Vec::new();
    let mut seen = BTreeSet::new();
    for path in &args.reports {
        // The same file given twice (under any name) is merged once.
        if seen.insert(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())) {
            given.push((path.display().to_string(), read_report(path)?));
        }
    }
    let given_tools: BTreeSet<Tool> = given.iter().map(|(_, r)| r.tool).collect();
    let runs = |part: Part| plan.wants(part) && !given_tools.contains(&part.tool());
    // The lints alone need only the members (`cargo metadata --no-deps`, no resolution).
    let load = args.workspace.load_options();
    let ws = if runs(Part::Arch) || runs(Part::Bench) {
        Some(Workspace::load(&load)?)
    } else {
        None
    };
    let members_only;
    let members = match &ws {
        Some(ws) => &ws.members,
        None => {
            members_only = Members::load(&load)?;
            &members_only
        }
    };
    for (name, report) in &given {
        same_workspace(name, &report.workspace_root, &members.root)?;
    }
    let loaded = crate::commands::config::load(&members.root, args.workspace.config.as_deref())?;
    print_warnings(&loaded.warnings, &args.output);
    let verbosity = args.output.verbosity();
    let mut progress = Progress::new(ProgressMode::detect(verbosity));

    // The functions measured hot: a bench report's given with --report, else this run's benchmarks (run
    // before the lints for that), else the list stored by the workspace's last benchmark run.
    let mut measured_hot = given
        .iter()
        .find(|(_, r)| r.tool == Tool::Bench)
        .map(|(_, r)| r.measured_hot.to_vec());
    let mut reports = given;
    if runs(Part::Arch) {
        let report = run_arch(ws.as_ref(), &loaded, &plan, &mut progress)?;
        reports.push((Tool::Arch.part_name().to_owned(), report));
    }
    if runs(Part::Bench) {
        let report = run_bench(ws.as_ref(), &loaded, &plan, &mut progress)?;
        measured_hot = Some(report.measured_hot.to_vec());
        reports.push((Tool::Bench.part_name().to_owned(), report));
    }
    if runs(Part::Lints) {
        let measured_hot = match measured_hot {
            Some(list) => list,
            None => hot::load(members.state_dir().as_std_path())?,
        };
        // The preset's hot paths apply where the configuration says nothing about the lints.
        let preset_lints = match plan.preset {
            Some(preset) if loaded.config.lints.is_empty() => Some(preset.parse::<LintsSection>()?),
            _ => None,
        };
        let (lints_config, lints_source) = match &preset_lints {
            Some((section, source)) => (&section.lints, Some(source)),
            None => (&loaded.config.lints, loaded.source.as_ref()),
        };
        let (settings, mut warnings) = Settings::new(lints_config, lints_source)?;
        if preset_lints.is_none() {
            warnings.extend(unmatched_file_globs(
                lints_config,
                lints_source,
                &members.root,
            )?);
            let mut crates: Vec<String> = members
                .select(&plan.selection)?
                .iter()
                .flat_map(|pkg| lints::crate_idents(&settings, pkg))
                .collect();
            crates.sort();
            crates.dedup();
            warnings.extend(unmatched_fn_globs(lints_config, lints_source, &crates)?);
        }
        print_warnings(&warnings, &args.output);
        let opts = LintOptions {
            base: plan.base.to_owned(),
            selection: plan.selection.to_owned(),
            cache: (!plan.no_cache)
                .then(|| members.state_dir().join("lint-cache").into_std_path_buf()),
            when_locked: plan.when_locked,
            settings_hash: hash_of(&format!("{lints_config:?}{measured_hot:?}")),
            measured_hot,
        };
        let report = lints::check(members, &settings, &opts)?;
        reports.push((Tool::Lints.part_name().to_owned(), report));
    }
    // Without --only, the API review runs when it has something to say: a base to compare with,
    // cargo-semver-checks asked for, or hygiene rules turned on.
    let api_wanted = !plan.only.is_empty()
        || plan.base.is_some()
        || plan.semver
        || !loaded.config.api.enable.is_empty();
    if runs(Part::Api) && api_wanted {
        let opts = ApiOptions {
            base: plan.base.to_owned(),
            semver: plan.semver,
            selection: plan.selection.to_owned(),
            when_locked: plan.when_locked,
            cache: !plan.no_cache,
        };
        let report = api::check(
            members,
            &loaded.config.api,
            loaded.source.as_ref(),
            &opts,
            &mut progress,
        )?;
        reports.push((Tool::Api.part_name().to_owned(), report));
    }
    let (mut merged, tools) = review::merge(reports)?;
    if merged.workspace_root.is_empty() {
        merged.workspace_root = members.root.to_string();
    }
    let baseline_path = baseline::path(&members.root, &loaded.config.gate)?;
    let mut file = baseline::read(&baseline_path)?;
    if let Some(what) = args.write_baseline {
        let entries = match (&file, what) {
            (Some(existing), WriteBaseline::Fixed) => existing.pruned(&merged.findings),
            _ => baseline::entries(&merged.findings)
                .into_iter()
                .flatten()
                .collect(),
        };
        baseline::write(&baseline_path, entries)?;
        file = baseline::read(&baseline_path)?;
    }
    if let (Some(rev), Some(file)) = (&plan.base, &file) {
        merged.baseline_growth = baseline_growth(&members.root, &baseline_path, rev, file)?;
    }
    let applied = file.map(|f| f.apply(&mut merged.findings));
    let mut review = review::decide(merged, tools, &loaded.config.gate);
    review.baseline = applied;
    review.judge_baseline_growth(args.accept_baseline_growth);
    write(&review, &args.output, args.output_format)?;
    Ok(review.verdict.exit_code())
}

/// The entries `file` has that the baseline file at base revision `rev` had not. A base without the file
/// had none; a base whose file cannot be read as a baseline is taken as having none either (every entry
/// then shows, which is the careful side).
fn baseline_growth(
    root: &Utf8Path,
    path: &std::path::Path,
    rev: &str,
    file: &baseline::BaselineFile,
) -> Result<Vec<BaselineGrowth>> {
    let repo = Repo::discover(root.as_std_path())?;
    let commit = repo.resolve_commit(rev)?;
    let in_repo = repo
        .relative_path(path)?
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    let older = repo.file_at(&commit, &in_repo)?.and_then(|bytes| {
        baseline::parse(&in_repo, String::from_utf8_lossy(&bytes).into_owned()).ok()
    });
    Ok(file
        .added_since(older.as_ref())
        .iter()
        .map(baseline::Entry::growth)
        .collect())
}

fn graph(ws: Option<&Workspace>) -> Result<&Workspace> {
    ws.ok_or_else(|| {
        Error::usage(
            "the architecture rules and benchmarks need the workspace graph, which was not loaded",
            None,
        )
    })
}

fn run_arch(
    ws: Option<&Workspace>,
    loaded: &LoadedConfig,
    plan: &Plan,
    progress: &mut Progress,
) -> Result<Report> {
    let opts = CheckOptions {
        base: plan.base.to_owned(),
        preset: plan.preset,
        selection: plan.selection.to_owned(),
        when_locked: plan.when_locked,
    };
    arch::check(
        graph(ws)?,
        &loaded.config.arch,
        loaded.source.as_ref(),
        &opts,
        progress,
    )
}

fn run_bench(
    ws: Option<&Workspace>,
    loaded: &LoadedConfig,
    plan: &Plan,
    progress: &mut Progress,
) -> Result<Report> {
    let ws = graph(ws)?;
    let settings = bench::Settings::new(&loaded.config.bench, ws, loaded.source.as_ref())?;
    let opts = BenchOptions {
        base: plan.base.to_owned(),
        selection: plan.selection.to_owned(),
        when_locked: plan.when_locked,
        claims: plan.claims.to_owned(),
        ..BenchOptions::default()
    };
    bench::run(ws, &loaded.config.bench, &settings, &opts, progress)
}

/// Writes the review to stdout, the step summary with `--format github`, and the `--output` file.
fn write(review: &Review, output: &OutputArgs, file_format: Format) -> Result<()> {
    let verbosity = output.verbosity();
    let mut out = Vec::new();
    write_review(review, output.format, output.style(), verbosity, &mut out)
        .map_err(render_error)?;
    write_stdout(&out)?;
    if output.format == Format::Github
        && let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty())
    {
        let text = markdown::review(review).map_err(|e| render_error(std::io::Error::other(e)))?;
        append_step_summary(path.as_ref(), &text)
            .map_err(|e| Error::io("could not append the review to", &path, e))?;
    }
    if let Some(path) = &output.output {
        let plain = HumanStyle {
            color: false,
            width: 100,
        };
        let mut file = Vec::new();
        write_review(review, file_format, plain, verbosity, &mut file).map_err(render_error)?;
        write_file(path, &file)?;
    }
    Ok(())
}
