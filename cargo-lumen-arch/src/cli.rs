//! The `cargo lumen-arch` command line.

use std::io::Write;

use clap::Parser;
use lumen_gate_core::arch::graph_output::GraphFormat;
use lumen_gate_core::arch::preset::Preset;
use lumen_gate_core::arch::{self, CheckOptions};
use lumen_gate_core::cli::{OutputArgs, WorkspaceArgs};
use lumen_gate_core::errors::Error;
use lumen_gate_core::exit_codes;
use lumen_gate_core::output::{Format, Verbosity};
use lumen_gate_core::render::human::{HumanStyle, write_findings};
use lumen_gate_core::report::{Baseline, Report, Severity};
use lumen_gate_core::workspace::Workspace;

const EXAMPLES: &str = "\
Examples:
  cargo lumen-arch                          check the rules in lumen-gate.toml
  cargo lumen-arch --preset lumen --explain check the Lumen rules, with every dependency path
  cargo lumen-arch --explain compiler-not-vm  what a rule means and which crates it matches
  cargo lumen-arch --base origin/main       also report coupling added since origin/main
  cargo lumen-arch --format json            the versioned JSON report
  cargo lumen-arch --graph mermaid          the crate graph, violating edges marked
  cargo lumen-arch init --preset lumen      write the Lumen rules into lumen-gate.toml

Exit codes: 0 no violation, 1 violations, 2 usage, configuration or environment error.";

/// Cargo passes the subcommand name first; this enum accepts it.
#[derive(Debug, Parser)]
#[command(bin_name = "cargo", version, styles = clap::builder::styling::Styles::plain())]
pub enum Cargo {
    /// Check the workspace's crate graph and module surfaces against architecture rules.
    #[command(after_help = EXAMPLES, version)]
    LumenArch(Args),
}

/// Arguments of `cargo lumen-arch`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    /// `init`: write starter rules.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Workspace and package selection.
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    /// Output settings.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Check a built-in rule set as well as the configured rules.
    #[arg(long, value_enum)]
    pub preset: Option<Preset>,
    /// Compare with a git revision: new coupling since it, and which violations are new.
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Show every shortest dependency path behind each violation; with a rule id, explain that rule.
    #[arg(long, value_name = "RULE-ID", num_args = 0..=1, default_missing_value = "")]
    pub explain: Option<String>,
    /// Print the workspace crate graph instead of diagnostics.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub graph: Option<GraphFormat>,
}

/// Subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Write starter rules into lumen-gate.toml (or [workspace.metadata.lumen-gate] if that is used).
    Init {
        /// Write a built-in rule set instead of rules proposed from the current graph.
        #[arg(long, value_enum)]
        preset: Option<Preset>,
        /// Workspace to write the rules for.
        #[arg(long, value_name = "PATH")]
        manifest_path: Option<std::path::PathBuf>,
    },
}

/// Runs the tool.
pub fn run(args: Args) -> Result<i32, Error> {
    let mut stdout = std::io::stdout().lock();
    if let Some(Command::Init {
        preset,
        manifest_path,
    }) = &args.command
    {
        let mut load = args.workspace.load_options();
        if manifest_path.is_some() {
            load.manifest_path = manifest_path.clone(); // cloned: the options own their path
        }
        let ws = Workspace::load(&load)?;
        arch::init::init(&ws, *preset, &mut stdout)?;
        return Ok(exit_codes::SUCCESS);
    }
    let ws = Workspace::load(&args.workspace.load_options())?;
    let loaded = lumen_gate_core::config::load(&ws.root, args.workspace.config.as_deref())?;
    let arch_cfg = &loaded.config.arch;

    if let Some(rule_id) = args.explain.as_deref().filter(|id| !id.is_empty()) {
        let rules = arch::load_rules(&ws, arch_cfg, loaded.source.as_ref(), args.preset)?;
        let graph = arch::graph::ArchGraph::new(&ws);
        let Some(rule) = rules.iter().find(|r| r.meta().id == rule_id) else {
            let ids: Vec<&str> = rules.iter().map(|r| r.meta().id.as_str()).collect();
            return Err(Error::usage(
                format!("no rule with id `{rule_id}`"),
                Some(format!("rules: {}", ids.join(", "))),
            ));
        };
        write_out(&mut stdout, &arch::explain::rule_text(rule, &graph))?;
        return Ok(exit_codes::SUCCESS);
    }

    let opts = CheckOptions {
        base: args.base.clone(), // cloned: the options own their strings
        preset: args.preset,
        selection: args.workspace.selection(),
    };
    let report = arch::check(&ws, arch_cfg, loaded.source.as_ref(), &opts)?;

    if let Some(format) = args.graph {
        let rules = arch::load_rules(&ws, arch_cfg, loaded.source.as_ref(), args.preset)?;
        let graph = arch::graph::ArchGraph::new(&ws);
        let text = arch::graph_output::render(&graph, &rules, &report.findings, format);
        write_out(&mut stdout, &text)?;
    } else {
        write_report(&report, &args, &ws, &mut stdout)?;
    }
    if let Some(path) = &args.output.output {
        let json = report
            .to_json()
            .map_err(|e| Error::io("could not write", path, std::io::Error::other(e)))?;
        std::fs::write(path, json + "\n").map_err(|e| Error::io("could not write", path, e))?;
    }
    Ok(exit_code(&report))
}

/// 1 when any violation that is not INFO and not pre-existing remains, else 0.
pub fn exit_code(report: &Report) -> i32 {
    let violations = report
        .findings
        .iter()
        .any(|f| f.severity != Severity::Info && f.baseline != Baseline::PreExisting);
    if violations {
        exit_codes::CHECK_FAILED
    } else {
        exit_codes::SUCCESS
    }
}

fn write_report(
    report: &Report,
    args: &Args,
    ws: &Workspace,
    out: &mut dyn Write,
) -> Result<(), Error> {
    match args.output.format {
        Format::Json => lumen_gate_core::render::write_json(report, out).map_err(stdout_error),
        Format::Human => {
            let style = HumanStyle {
                color: args.output.color.should_color(&std::io::stdout()),
                width: 100,
            };
            let verbosity = args.output.verbosity();
            let explain = args.explain.is_some();
            for finding in &report.findings {
                write_findings(std::slice::from_ref(finding), &ws.root, style, out)
                    .map_err(stdout_error)?;
                if explain {
                    write_out(out, &lumen_gate_core::arch::explain::paths_text(finding))?;
                    write_out(out, "\n")?;
                }
            }
            for problem in &report.problems {
                let at = problem
                    .location
                    .as_ref()
                    .map(|l| format!("{l}: "))
                    .unwrap_or_default();
                write_out(
                    out,
                    &format!("warning: could not check {at}{}\n", problem.message),
                )?;
            }
            if verbosity > Verbosity::Quiet {
                write_out(out, &summary(report))?;
            }
            Ok(())
        }
        other => Err(Error::usage(
            format!("--format {other:?} is not supported by cargo lumen-arch"),
            Some(
                "use human or json; cargo lumen-gate writes markdown, github and sarif".to_owned(),
            ),
        )),
    }
}

fn summary(report: &Report) -> String {
    let blocking = report
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info && f.baseline != Baseline::PreExisting)
        .count();
    let pre = report
        .findings
        .iter()
        .filter(|f| f.baseline == Baseline::PreExisting)
        .count();
    let mut line = format!(
        "lumen-arch: {} rules checked, {} {}",
        report.rules_checked.len(),
        blocking,
        if blocking == 1 {
            "violation"
        } else {
            "violations"
        }
    );
    if pre > 0 {
        line.push_str(&format!(", {pre} pre-existing"));
    }
    if let Some(base) = &report.base {
        line.push_str(&format!(
            " (base {} at {})",
            base.rev,
            &base.commit[..base.commit.len().min(12)]
        ));
    }
    line.push('\n');
    line
}

fn write_out(out: &mut dyn Write, text: &str) -> Result<(), Error> {
    out.write_all(text.as_bytes()).map_err(stdout_error)
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
