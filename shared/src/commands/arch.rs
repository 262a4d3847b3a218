//! `cargo lumen-arch`: the architecture rules over the workspace's crate graph.

use crate::arch::graph::ArchGraph;
use crate::arch::graph_output::GraphFormat;
use crate::arch::{self, CheckOptions};
use crate::commands::config::LoadedConfig;
use crate::commands::{
    OutputArgs, WorkspaceArgs, main_with, print_warnings, render_error, write_file, write_stdout,
};
use crate::config::preset::Preset;
use crate::errors::{Error, Result};
use crate::exit_codes;
use crate::gate::{baseline, verdict};
use crate::output::Format;
use crate::output::progress::{Progress, ProgressMode};
use crate::render::arch::{ArchView, write_human};
use crate::report::Report;
use crate::workspace::{self, Workspace};

/// The examples at the end of `--help`.
pub const EXAMPLES: &str = "\
Examples:
  cargo lumen-arch                          check the rules in lumen-gate.toml
  cargo lumen-arch --preset lumen --explain check the Lumen rules, with every dependency path
  cargo lumen-arch --explain compiler-not-vm  what a rule means and which crates it matches
  cargo lumen-arch --base origin/main       also report coupling added since origin/main
  cargo lumen-arch --format json            the versioned JSON report
  cargo lumen-arch --graph mermaid          the crate graph, violating edges marked
  cargo lumen-arch init --preset lumen      write the Lumen rules into lumen-gate.toml

Exit codes: 0 nothing blocks, 1 a violation blocks ([gate.verdict] decides which do), 2 usage,
configuration or environment error, 130 interrupted.";

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

/// Runs `cargo lumen-arch` and returns its exit code.
pub fn main(args: Args) -> i32 {
    main_with(args.output.color, || run(args))
}

fn run(args: Args) -> Result<i32> {
    if let Some(Command::Init {
        preset,
        manifest_path,
    }) = args.command
    {
        let mut load = args.workspace.load_options();
        load.manifest_path = manifest_path.or(load.manifest_path);
        let ws = Workspace::load(&load)?;
        let mut out = Vec::new();
        arch::init::init(&ws, preset, &mut out)?;
        write_stdout(&out)?;
        return Ok(exit_codes::SUCCESS);
    }
    let explain_rule = args.explain.as_deref().filter(|id| !id.is_empty());
    if explain_rule.is_none() && !matches!(args.output.format, Format::Human | Format::Json) {
        return Err(Error::usage(
            format!(
                "--format {:?} is not supported by cargo lumen-arch",
                args.output.format
            ),
            Some(
                "use human or json; cargo lumen-gate writes markdown, github and sarif".to_owned(),
            ),
        ));
    }
    let load = args.workspace.load_options();
    let metadata = workspace::spawn_metadata(&load)?;
    // While cargo runs, the check runs on the metadata the last run recorded, leaving cargo a core; its
    // answer is kept only if cargo's output is the same (see workspace::recorded). Not with a base: that
    // check locks and builds. Without a record, the source rules' parsing threads start meanwhile.
    let recorded = (args.base.is_none() && explain_rule.is_none())
        .then(|| workspace::recorded::read(&load))
        .flatten();
    if recorded.is_none() {
        std::thread::spawn(crate::source::modtree::start_pool);
    }

    if let Some(rule_id) = explain_rule {
        let ws = Workspace::from_json(&metadata.wait()?)?;
        let loaded = crate::commands::config::load(&ws.root, args.workspace.config.as_deref())?;
        print_warnings(&loaded.warnings, &args.output);
        let rules = arch::load_rules(
            &ws,
            &loaded.config.arch,
            loaded.source.as_ref(),
            args.preset,
        )?;
        let graph = ArchGraph::new(&ws);
        let Some(rule) = rules.iter().find(|r| r.meta().id == rule_id) else {
            let ids: Vec<&str> = rules.iter().map(|r| r.meta().id.as_str()).collect();
            return Err(Error::usage(
                format!("no rule with id `{rule_id}`"),
                Some(format!("rules: {}", ids.join(", "))),
            ));
        };
        write_stdout(arch::explain::rule_text(rule, &graph).as_bytes())?;
        return Ok(exit_codes::SUCCESS);
    }

    let opts = CheckOptions {
        base: args.base,
        preset: args.preset,
        selection: args.workspace.selection(),
        when_locked: args.workspace.when_locked(),
    };
    let mut progress = Progress::new(ProgressMode::detect(args.output.verbosity()));
    let early = recorded.as_deref().map(|json| {
        crate::source::modtree::on_spare_cores(|| {
            checked(
                json,
                &args.workspace,
                &opts,
                &mut Progress::new(ProgressMode::Quiet),
            )
        })
    });
    let json = metadata.wait()?;
    let as_recorded = recorded.as_deref() == Some(json.as_str());
    let Checked {
        ws,
        loaded,
        mut report,
    } = match early {
        Some(Ok(early)) if as_recorded => early,
        _ => checked(&json, &args.workspace, &opts, &mut progress)?,
    };
    if !as_recorded {
        workspace::recorded::write(&ws.state_dir(), &load, &json);
    }
    print_warnings(&loaded.warnings, &args.output);
    let arch_cfg = &loaded.config.arch;
    // The baseline file accepts findings here as it does in the review, so the exit codes agree.
    if let Some(file) = baseline::read(&baseline::path(&ws.root, &loaded.config.gate)?)? {
        file.apply(&mut report.findings);
    }
    let decision = verdict::decide(
        &report.counted_findings(),
        &report.benchmarks,
        &loaded.config.gate.verdict,
    );

    let mut out = Vec::new();
    if let Some(format) = args.graph {
        let rules = arch::load_rules(&ws, arch_cfg, loaded.source.as_ref(), args.preset)?;
        let graph = ArchGraph::new(&ws);
        out = arch::graph_output::render(&graph, &rules, &report.findings, format).into_bytes();
    } else if args.output.format == Format::Json {
        crate::render::write_json(&report, &mut out).map_err(render_error)?;
    } else {
        let view = ArchView {
            style: args.output.style(),
            verbosity: args.output.verbosity(),
            explain: args.explain.is_some(),
        };
        write_human(&report, &decision, view, &mut out).map_err(render_error)?;
    }
    write_stdout(&out)?;
    if let Some(path) = &args.output.output {
        let mut json = Vec::new();
        crate::render::write_json(&report, &mut json).map_err(render_error)?;
        write_file(path, &json)?;
    }
    Ok(decision.verdict.exit_code())
}

/// A workspace, its configuration and the architecture report on them.
struct Checked {
    ws: Workspace,
    loaded: LoadedConfig,
    report: Report,
}

/// Loads the workspace from `cargo metadata`'s `json`, and its configuration, and checks the rules.
fn checked(
    json: &str,
    workspace: &WorkspaceArgs,
    opts: &CheckOptions,
    progress: &mut Progress,
) -> Result<Checked> {
    let ws = Workspace::from_json(json)?;
    let loaded = crate::commands::config::load(&ws.root, workspace.config.as_deref())?;
    let report = arch::check(
        &ws,
        &loaded.config.arch,
        loaded.source.as_ref(),
        opts,
        progress,
    )?;
    Ok(Checked { ws, loaded, report })
}
