//! `cargo lumen-bench`: instruction-count benchmarks under valgrind, HEAD against a git base.

use std::time::Duration;

use crate::bench::partition::Partition;
use crate::bench::{self, BenchOptions};
use crate::commands::{
    OutputArgs, WorkspaceArgs, main_with, print_warnings, render_error, write_file, write_stdout,
};
use crate::errors::Result;
use crate::exit_codes;
use crate::gate::verdict;
use crate::output::Format;
use crate::output::progress::{Progress, ProgressMode};
use crate::workspace::Workspace;

/// The examples and notes at the end of `--help`.
pub const EXAMPLES: &str = "\
Examples:
  cargo lumen-bench --list                   the bench targets and their runners
  cargo lumen-bench                          instruction counts at HEAD
  cargo lumen-bench --base origin/main       Before / After / Change against origin/main
  cargo lumen-bench --check-determinism      run twice, flag benchmarks whose counts differ
  cargo lumen-bench --base main --format json --output bench.json
  cargo lumen-bench --base main --partition 2/3 --output bench-2.json
                                             one CI shard; `cargo lumen-gate --report` merges them
  cargo lumen-bench --base main --criterion  criterion (wall-clock) benchmarks too, reported not gated
  cargo lumen-bench --install-runner         install a missing runner of the right version first
  cargo lumen-bench --base main --profile    a flamegraph of every benchmark, changed or not
  cargo lumen-bench --base main --claims pr.md
                                             check the claims of \"faster\" in pr.md and in the commit
                                             messages of main..HEAD against the numbers

Needs valgrind and the runner matching the library: gungraun-runner or iai-callgrind-runner
(`cargo install gungraun-runner --version <the gungraun version> --locked`, or --install-runner,
which installs into $LUMEN_GATE_CACHE_DIR, else $XDG_CACHE_HOME/lumen-gate, else ~/.cache/lumen-gate).
Two runs in one workspace take turns (--no-wait: fail instead of waiting).
Exit codes: 0 nothing blocks, 1 a regression beyond the limit ([gate.verdict] decides what blocks),
2 the benchmarks could not run, 130 interrupted (every process it started is stopped).";

/// Arguments of `cargo lumen-bench`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Workspace and package selection.
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    /// Output settings.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Compare with this git revision (built in a worktree under target/lumen-gate/).
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// List the bench targets and their runners, and exit.
    #[arg(long)]
    pub list: bool,
    /// Run HEAD twice and flag every benchmark whose instruction count differs.
    #[arg(long)]
    pub check_determinism: bool,
    /// Run criterion (wall-clock) benchmarks too; reported, gated only as `[bench.criterion]` says.
    #[arg(long)]
    pub criterion: bool,
    /// Run only slice K of N of the bench targets (sorted by package and name, dealt in turn).
    #[arg(long, value_name = "K/N")]
    pub partition: Option<Partition>,
    /// Install a missing or mismatched runner into lumen-gate's cache (cargo install, a few minutes).
    #[arg(long)]
    pub install_runner: bool,
    /// Stop a bench target's build and run after this many seconds [default: `[bench] timeout-secs`, 1800].
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: Option<u64>,
    /// Write a flamegraph for every benchmark (by default only for those changed beyond their limit).
    #[arg(long)]
    pub profile: bool,
    /// Check the claims of speed or memory changes in this file (a pull request's description) against
    /// the numbers, besides those of the commit messages of --base..HEAD.
    #[arg(long, value_name = "FILE")]
    pub claims: Option<std::path::PathBuf>,
}

/// Runs `cargo lumen-bench` and returns its exit code.
pub fn main(args: Args) -> i32 {
    main_with(args.output.color, || run(args))
}

fn run(args: Args) -> Result<i32> {
    let ws = Workspace::load(&args.workspace.load_options())?;
    let loaded = crate::commands::config::load(&ws.root, args.workspace.config.as_deref())?;
    print_warnings(&loaded.warnings, &args.output);
    let settings = bench::Settings::new(&loaded.config.bench, &ws, loaded.source.as_ref())?;
    if args.list {
        let mut text = String::new();
        let (targets, commands) =
            bench::list(&ws, &settings, &args.workspace.selection(), args.partition)?;
        for t in targets {
            text.push_str(&format!(
                "{}/{} ({} {}) {}\n",
                t.package,
                t.name,
                t.runner.crate_name(),
                t.version,
                t.file
            ));
        }
        for c in commands {
            let at = c.declared_at.map(|l| format!(" {l}")).unwrap_or_default();
            text.push_str(&format!("{}/{} (command){at}\n", c.package, c.name));
        }
        write_stdout(text.as_bytes())?;
        return Ok(exit_codes::SUCCESS);
    }
    let opts = BenchOptions {
        base: args.base,
        selection: args.workspace.selection(),
        check_determinism: args.check_determinism,
        criterion: args.criterion,
        partition: args.partition,
        install_runner: args.install_runner,
        timeout: args.timeout.map(Duration::from_secs),
        when_locked: args.workspace.when_locked(),
        profile: args.profile,
        claims: args.claims,
    };
    let verbosity = args.output.verbosity();
    let mut progress = Progress::new(ProgressMode::detect(verbosity));
    let report = bench::run(&ws, &loaded.config.bench, &settings, &opts, &mut progress)?;
    let mut json = Vec::new();
    crate::render::write_json(&report, &mut json).map_err(render_error)?;
    match args.output.format {
        Format::Json => write_stdout(&json)?,
        format => write_stdout(
            crate::render::bench::table(&report, verbosity, format == Format::Markdown).as_bytes(),
        )?,
    }
    if let Some(path) = &args.output.output {
        write_file(path, &json)?;
    }
    let decision = verdict::decide(
        &report.counted_findings(),
        &report.benchmarks,
        &loaded.config.gate.verdict,
    );
    Ok(decision.verdict.exit_code())
}
