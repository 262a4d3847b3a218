//! Architecture rules over the crate graph (`cargo lumen-arch`).
//!
//! Finding kinds: every architecture finding's `kind` is a [`Kind`]; [`Kind::NewCoupling`] means "new
//! coupling introduced", every other kind means "crate boundaries not respected".

pub mod base;
pub mod cfg;
pub mod explain;
pub mod graph;
pub mod graph_output;
pub mod impact;
pub mod init;
pub mod lines;
pub mod patterns;
pub mod prefilter;
pub mod rules;
pub mod spans;

use std::collections::BTreeSet;

use guppy::graph::PackageMetadata;

use crate::arch::cfg::{ArchConfig, ArchSection, NewCouplingRule};
use crate::arch::graph::ArchGraph;
use crate::arch::patterns::PatternChecker;
use crate::arch::rules::{Context, Rule, compile};
use crate::config::ConfigSource;
use crate::config::preset::Preset;
use crate::errors::Result;
use crate::lock::{self, WhenLocked};
use crate::output::progress::Progress;
use crate::report::{Baseline, Finding, Problem, Report, Tool};
use crate::workspace::{PackageSelection, Workspace};

pub use crate::arch::rules::Kind;

/// How to run the architecture check.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// Compare against this git revision: mark findings new or pre-existing, and report new coupling.
    pub base: Option<String>,
    /// A built-in rule set to check as well as the configured rules.
    pub preset: Option<Preset>,
    /// Which members' outgoing edges and sources are checked.
    pub selection: PackageSelection,
    /// With a base: wait for, or fail on, another run holding the workspace's state (the base worktree).
    pub when_locked: WhenLocked,
}

/// The rules of the configuration and of the preset, validated against `ws`.
pub fn load_rules(
    ws: &Workspace,
    cfg: &ArchConfig,
    source: Option<&ConfigSource>,
    preset: Option<Preset>,
) -> Result<Vec<Rule>> {
    let mut checker = PatternChecker::new(source, &ws.graph);
    let mut rules = compile(cfg, &mut checker);
    checker.validator.finish()?;
    if let Some(preset) = preset {
        let (config, preset_source) = preset.parse::<ArchSection>()?;
        let mut checker = PatternChecker::new(Some(&preset_source), &ws.graph);
        rules.extend(compile(&config.arch, &mut checker));
        checker.validator.finish()?;
    }
    if !rules.iter().any(|r| matches!(r, Rule::NewCoupling(_))) {
        let default = ArchConfig {
            new_coupling: Some(NewCouplingRule::default()),
            ..ArchConfig::default()
        };
        rules.extend(compile(&default, &mut PatternChecker::lenient()));
    }
    Ok(rules)
}

/// Runs the architecture rules on `ws`. With a base revision, the base is checked out under the
/// workspace's state directory, holding its lock (a wait is announced on `progress`).
pub fn check(
    ws: &Workspace,
    cfg: &ArchConfig,
    source: Option<&ConfigSource>,
    opts: &CheckOptions,
    progress: &mut Progress,
) -> Result<Report> {
    let rules = load_rules(ws, cfg, source, opts.preset)?;
    let selected = ws.select(&opts.selection)?;
    let mut graph = ArchGraph::new(ws);
    graph.lines = lines::LineCounts::cached(ws.state_dir().into_std_path_buf());
    let mut report = Report::new(Tool::Arch, ws.root.as_str());
    // New coupling is checked only against a base: without one it checks nothing and is not counted.
    report.rules_checked = rules
        .iter()
        .filter(|r| opts.base.is_some() || !matches!(r, Rule::NewCoupling(_)))
        .map(Rule::checked)
        .collect();
    let (mut findings, problems) = {
        let mut ctx = Context::new(&graph, &selected);
        ctx.facts_dir = Some(ws.state_dir().into_std_path_buf());
        let findings: Vec<Finding> = rules.iter().flat_map(|r| r.check(&mut ctx)).collect();
        (findings, ctx.problems)
    };
    report.problems = problems;

    if let Some(rev) = &opts.base {
        let _lock = lock::acquire(
            ws.state_dir().as_std_path(),
            "lumen-arch",
            opts.when_locked,
            &mut |line| progress.note(line),
        )?;
        let base = base::load(ws, rev)?;
        for note in &base.notes {
            progress.note(note);
        }
        let base_graph = ArchGraph::new(&base.workspace);
        // The same rules, compiled leniently against the base graph: a crate that is new since the base
        // simply matches nothing there.
        let mut base_rules = compile(cfg, &mut PatternChecker::lenient_on(&base.workspace.graph));
        if let Some(preset) = opts.preset {
            let (config, _) = preset.parse::<ArchSection>()?;
            base_rules.extend(compile(
                &config.arch,
                &mut PatternChecker::lenient_on(&base.workspace.graph),
            ));
        }
        let base_members = base.workspace.members();
        let (base_findings, _) = evaluate(&base_graph, &base_members, &base_rules, true);
        let before: BTreeSet<(&str, &str)> = base_findings
            .iter()
            .map(|f| (f.rule_id.as_str(), f.message.as_str()))
            .collect();
        for f in &mut findings {
            f.baseline = if before.contains(&(f.rule_id.as_str(), f.message.as_str())) {
                Baseline::PreExisting
            } else {
                Baseline::New
            };
        }
        for rule in &rules {
            if let Rule::NewCoupling(r) = rule {
                let mut new = r.check(&graph, &base_graph);
                for f in &mut new {
                    f.baseline = Baseline::New;
                }
                findings.extend(new);
            }
        }
        report.base = Some(base.revision);
        report.notes = base.notes;
    }
    report.findings = findings;
    report.sort();
    Ok(report)
}

/// Evaluates every rule but new-coupling (which needs a base) on `members`; with `prefilter`, the
/// source-level rules parse only the files that can matter to them ([`prefilter`]), which changes no
/// finding.
pub fn evaluate<'g>(
    graph: &ArchGraph<'g>,
    members: &[PackageMetadata<'g>],
    rules: &[Rule],
    prefilter: bool,
) -> (Vec<Finding>, Vec<Problem>) {
    let mut ctx = Context::new(graph, members);
    ctx.prefilter = prefilter;
    let mut findings = Vec::new();
    for rule in rules {
        findings.extend(rule.check(&mut ctx));
    }
    (findings, ctx.problems)
}
