//! The `cargo lumen-bench` command line.

use std::io::Write;
use std::time::Duration;

use clap::Parser;
use lumen_gate_core::bench::partition::Partition;
use lumen_gate_core::bench::progress::{Progress, ProgressMode};
use lumen_gate_core::bench::{self, BenchOptions};
use lumen_gate_core::cli::{OutputArgs, WorkspaceArgs};
use lumen_gate_core::errors::Error;
use lumen_gate_core::exit_codes;
use lumen_gate_core::gate::format;
use lumen_gate_core::output::{Format, Verbosity};
use lumen_gate_core::report::{Report, Severity};
use lumen_gate_core::workspace::Workspace;

const EXAMPLES: &str = "\
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

Needs valgrind and the runner matching the library: gungraun-runner or iai-callgrind-runner
(`cargo install gungraun-runner --version <the gungraun version> --locked`, or --install-runner,
which installs into $LUMEN_GATE_CACHE_DIR, else $XDG_CACHE_HOME/lumen-gate, else ~/.cache/lumen-gate).
Exit codes: 0 no regression, 1 a regression beyond the limit, 2 the benchmarks could not run.";

/// Cargo passes the subcommand name first; this enum accepts it.
#[derive(Debug, Parser)]
#[command(bin_name = "cargo", version, styles = clap::builder::styling::Styles::plain())]
pub enum Cargo {
    /// Instruction-count benchmarks (gungraun, iai-callgrind) under valgrind, against a git base.
    #[command(after_help = EXAMPLES, version)]
    LumenBench(Args),
}

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
}

/// Runs the tool.
pub fn run(args: Args) -> Result<i32, Error> {
    let ws = Workspace::load(&args.workspace.load_options())?;
    let mut stdout = std::io::stdout().lock();
    if args.list {
        for t in bench::list(&ws, &args.workspace.selection(), args.partition)? {
            let line = format!(
                "{}/{} ({} {}) {}\n",
                t.package,
                t.name,
                t.runner.crate_name(),
                t.version,
                t.file
            );
            stdout.write_all(line.as_bytes()).map_err(stdout_error)?;
        }
        return Ok(exit_codes::SUCCESS);
    }
    let loaded = lumen_gate_core::config::load(&ws.root, args.workspace.config.as_deref())?;
    let opts = BenchOptions {
        base: args.base.clone(), // cloned: the options own their strings
        selection: args.workspace.selection(),
        check_determinism: args.check_determinism,
        criterion: args.criterion,
        partition: args.partition,
        install_runner: args.install_runner,
        timeout: args.timeout.map(Duration::from_secs),
    };
    let verbosity = args.output.verbosity();
    let mut progress = Progress::new(ProgressMode::detect(verbosity));
    let report = bench::run(
        &ws,
        &loaded.config.bench,
        loaded.source.as_ref(),
        &opts,
        &mut progress,
    )?;
    match args.output.format {
        Format::Json => {
            lumen_gate_core::render::write_json(&report, &mut stdout).map_err(stdout_error)?
        }
        _ => stdout
            .write_all(table(&report, verbosity).as_bytes())
            .map_err(stdout_error)?,
    }
    if let Some(path) = &args.output.output {
        let json = report
            .to_json()
            .map_err(|e| Error::io("could not write", path, std::io::Error::other(e)))?;
        std::fs::write(path, json + "\n").map_err(|e| Error::io("could not write", path, e))?;
    }
    let blocking = report.findings.iter().any(|f| f.severity != Severity::Info);
    Ok(if blocking {
        exit_codes::CHECK_FAILED
    } else {
        exit_codes::SUCCESS
    })
}

/// The Benchmark | Before | After | Change table (instruction counts), then the findings.
fn table(report: &Report, verbosity: Verbosity) -> String {
    let mut out = String::from(
        "| Benchmark | Before | After | Change |\n|-----------|--------|-------|--------|\n",
    );
    for b in &report.benchmarks {
        out.push_str(&format::bench_row(b));
        out.push('\n');
        if let Some(wall) = &b.wall_clock {
            out.push_str(&format!(
                "|   95% interval | {:+.2}% | {:+.2}% | {} |\n",
                wall.lower_pct,
                wall.upper_pct,
                if wall.significant {
                    "beyond noise"
                } else {
                    "within noise"
                }
            ));
        }
        if verbosity == Verbosity::Verbose {
            for (metric, m) in &b.other_metrics {
                let before = m
                    .before
                    .map(format::count)
                    .unwrap_or_else(|| "-".to_owned());
                out.push_str(&format!(
                    "|   {metric} | {before} | {} | {} |\n",
                    format::count(m.after),
                    m.change_pct.map(format::percent).unwrap_or_default()
                ));
            }
        }
    }
    for f in &report.findings {
        out.push_str(&format!("{}: {}", f.severity.label(), f.message));
        if let Some(impact) = &f.impact {
            out.push_str(&format!(" ({impact})"));
        }
        out.push('\n');
    }
    for p in &report.problems {
        out.push_str(&format!("note: {}\n", p.message));
    }
    out
}

fn stdout_error(e: std::io::Error) -> Error {
    Error::io("could not write to", "stdout", e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cargo::command().debug_assert();
    }
}
