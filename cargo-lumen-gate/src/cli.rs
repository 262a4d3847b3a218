//! The `cargo lumen-gate` command line.

use std::io::Write;

use clap::Parser;
use lumen_gate_core::arch::preset::Preset;
use lumen_gate_core::bench::progress::{Progress, ProgressMode};
use lumen_gate_core::cli::{OutputArgs, WorkspaceArgs};
use lumen_gate_core::errors::Error;
use lumen_gate_core::gate::run::{GateOptions, Part, Scope, run as run_gate};
use lumen_gate_core::output::{Format, Verbosity};
use lumen_gate_core::render::human::HumanStyle;
use lumen_gate_core::render::review::write_review;
use lumen_gate_core::workspace::{Members, Workspace};

const EXAMPLES: &str = "\
Examples:
  cargo lumen-gate                              review the workspace: architecture rules and source gates
  cargo lumen-gate --base origin/main           only what changed since origin/main can block
  cargo lumen-gate --format markdown            the review text for a pull-request comment
  cargo lumen-gate --format github              annotations, and the review in $GITHUB_STEP_SUMMARY
  cargo lumen-gate --format sarif --output lumen.sarif --output-format sarif
  cargo lumen-gate --only lints -p my-crate     only the source gates, on one package
  cargo lumen-gate --report arch.json --report bench.json   merge reports of earlier CI steps

Exit codes: 0 APPROVED, 1 CHANGES REQUESTED, 2 the gate could not run (config, git, cargo).";

/// Cargo passes the subcommand name first; this enum accepts it.
#[derive(Debug, Parser)]
#[command(bin_name = "cargo", version, styles = clap::builder::styling::Styles::plain())]
pub enum Cargo {
    /// Review a change: architecture rules, code-quality gates and benchmarks, with a verdict.
    #[command(after_help = EXAMPLES, version)]
    LumenGate(Args),
}

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
    /// Merge a report written by `cargo lumen-arch/lumen-bench --format json` (repeatable).
    #[arg(long = "report", value_name = "FILE")]
    pub reports: Vec<std::path::PathBuf>,
    /// A built-in architecture rule set.
    #[arg(long, value_enum)]
    pub preset: Option<Preset>,
}

/// Runs the tool.
pub fn run(args: Args) -> Result<i32, Error> {
    let opts = GateOptions {
        base: args.base.clone(), // cloned: the options own their strings
        only: args.only.clone(), // cloned: as above
        bench: args.bench,
        reports: args.reports.clone(), // cloned: as above
        preset: args.preset,
        selection: args.workspace.selection(),
    };
    // The source gates alone need only the members (`cargo metadata --no-deps`, no resolution).
    let load = args.workspace.load_options();
    let (members, ws) = if opts.needs_graph() {
        let ws = Workspace::load(&load)?;
        (ws.members_only(), Some(ws))
    } else {
        (Members::load(&load)?, None)
    };
    let loaded = lumen_gate_core::config::load(&members.root, args.workspace.config.as_deref())?;
    let scope = Scope {
        members: &members,
        workspace: ws.as_ref(),
    };
    let mut progress = Progress::new(ProgressMode::detect(args.output.verbosity()));
    let review = run_gate(&scope, &loaded, &opts, &mut progress)?;
    let style = HumanStyle {
        color: args.output.color.should_color(&std::io::stdout()),
        width: 100,
    };
    let verbosity = args.output.verbosity();
    let mut stdout = std::io::stdout().lock();
    write_review(&review, args.output.format, style, verbosity, &mut stdout)
        .map_err(stdout_error)?;
    if args.output.format == Format::Human && verbosity > Verbosity::Quiet {
        write_counts(&review, &mut stdout).map_err(stdout_error)?;
    }
    if let Some(path) = &args.output.output {
        let mut file = Vec::new();
        let plain = HumanStyle {
            color: false,
            width: 100,
        };
        write_review(&review, args.output_format, plain, verbosity, &mut file)
            .map_err(|e| Error::io("could not write", path, e))?;
        std::fs::write(path, file).map_err(|e| Error::io("could not write", path, e))?;
    }
    Ok(review.verdict.exit_code())
}

/// The summary line of counts per rule, and the files that could not be checked.
fn write_counts(
    review: &lumen_gate_core::gate::review::Review,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    for problem in &review.report.problems {
        let at = problem
            .location
            .as_ref()
            .map(|l| format!("{}:{}: ", l.file, l.line))
            .unwrap_or_default();
        writeln!(out, "warning: could not check {at}{}", problem.message)?;
    }
    let counts = lumen_gate_core::scan::counts(&review.report);
    let parts: Vec<String> = counts
        .iter()
        .map(|(rule, n)| format!("{rule}: {n}"))
        .collect();
    writeln!(
        out,
        "lumen-gate: {} {} ({}); verdict {}",
        review.report.findings.len(),
        if review.report.findings.len() == 1 {
            "finding"
        } else {
            "findings"
        },
        if parts.is_empty() {
            "none".to_owned()
        } else {
            parts.join(", ")
        },
        review.verdict.label()
    )
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
