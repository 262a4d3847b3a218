//! Architecture rules over the crate graph (`cargo lumen-arch`).
//!
//! Finding kinds: every architecture finding's `kind` is one of [`rules::KINDS`]; [`rules::NEW_COUPLING`]
//! means "new coupling introduced", every other kind means "crate boundaries not respected".

pub mod cfg;
pub mod coupling;
pub mod explain;
pub mod graph;
pub mod graph_output;
pub mod init;
pub mod only_through;
pub mod patterns;
pub mod preset;
pub mod require;
pub mod rules;
pub mod spans;

use std::collections::{BTreeSet, HashMap};

use guppy::graph::PackageMetadata;

use crate::arch::cfg::{ArchConfig, NewCouplingRule};
use crate::arch::graph::ArchGraph;
use crate::arch::patterns::PatternChecker;
use crate::arch::preset::Preset;
use crate::arch::rules::{Rule, compile};
use crate::config::{ConfigSource, InvalidConfig};
use crate::errors::{Error, Result};
use crate::report::{Baseline, Finding, Problem, Report, Tool};
use crate::workspace::{PackageSelection, Workspace};

/// How to run the architecture check.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// Compare against this git revision: mark findings new or pre-existing, and report new coupling.
    pub base: Option<String>,
    /// A built-in rule set to check as well as the configured rules.
    pub preset: Option<Preset>,
    /// Which members' outgoing edges and sources are checked.
    pub selection: PackageSelection,
}

/// The rules of the configuration and of the preset, validated against `ws`.
pub fn load_rules(
    ws: &Workspace,
    cfg: &ArchConfig,
    source: Option<&ConfigSource>,
    preset: Option<Preset>,
) -> Result<Vec<Rule>> {
    let names: Vec<&str> = ws.graph.packages().map(|p| p.name()).collect();
    let mut checker = PatternChecker::new(source, names.clone()); // cloned: a second checker for the preset
    let mut rules = compile(cfg, &mut checker);
    fail_on_errors(checker, source)?;
    if let Some(preset) = preset {
        let (config, preset_source) = preset.config()?;
        let mut checker = PatternChecker::new(Some(&preset_source), names);
        rules.extend(compile(&config.arch, &mut checker));
        fail_on_errors(checker, Some(&preset_source))?;
    }
    if !rules.iter().any(|r| matches!(r, Rule::NewCoupling { .. })) {
        let default = ArchConfig {
            new_coupling: Some(NewCouplingRule::default()),
            ..ArchConfig::default()
        };
        rules.extend(compile(
            &default,
            &mut PatternChecker::new(None, Vec::new()),
        ));
    }
    Ok(rules)
}

fn fail_on_errors(checker: PatternChecker<'_>, source: Option<&ConfigSource>) -> Result<()> {
    if let Some(message) = checker.unsourced.into_iter().next() {
        return Err(Error::usage(message, None));
    }
    match source {
        Some(src) if !checker.errors.is_empty() => {
            Err(InvalidConfig::new(src, checker.errors).into())
        }
        _ => Ok(()),
    }
}

/// Runs the architecture rules on `ws`.
pub fn check(
    ws: &Workspace,
    cfg: &ArchConfig,
    source: Option<&ConfigSource>,
    opts: &CheckOptions,
) -> Result<Report> {
    let rules = load_rules(ws, cfg, source, opts.preset)?;
    let selected = ws.select(&opts.selection)?;
    let graph = ArchGraph::new(ws);
    let mut report = Report::new(Tool::Arch, ws.root.as_str());
    report.rules_checked = rules.iter().map(Rule::checked).collect();
    let (mut findings, problems) = evaluate(&graph, &selected, &rules);
    report.problems = problems;

    if let Some(rev) = &opts.base {
        let base = coupling::load_base(ws, rev)?;
        let base_graph = ArchGraph::new(&base.workspace);
        // The same rules, compiled leniently against the base graph: a crate that is new since the base
        // simply matches nothing there.
        let base_names: Vec<&str> = base.workspace.graph.packages().map(|p| p.name()).collect();
        let mut base_rules = compile(cfg, &mut PatternChecker::new(None, base_names.clone())); // cloned: reused for the preset
        if let Some(preset) = opts.preset {
            let (config, _) = preset.config()?;
            base_rules.extend(compile(
                &config.arch,
                &mut PatternChecker::new(None, base_names),
            ));
        }
        let base_members = base.workspace.members();
        let (base_findings, _) = evaluate(&base_graph, &base_members, &base_rules);
        let before: BTreeSet<(String, String)> = base_findings
            .into_iter()
            .map(|f| (f.rule_id, f.message))
            .collect();
        for f in &mut findings {
            // cloned: the key is compared with owned keys from the base
            f.baseline = if before.contains(&(f.rule_id.clone(), f.message.clone())) {
                Baseline::PreExisting
            } else {
                Baseline::New
            };
        }
        for rule in &rules {
            if let Rule::NewCoupling { meta, filter } = rule {
                let mut new = coupling::new_coupling(&graph, &base_graph, meta, filter);
                for f in &mut new {
                    f.baseline = Baseline::New;
                }
                findings.extend(new);
            }
        }
        report.base = Some(base.revision);
    }
    report.findings = findings;
    report.sort();
    Ok(report)
}

/// Evaluates every rule but new-coupling (which needs a base) on `members`.
pub fn evaluate<'g>(
    graph: &ArchGraph<'g>,
    members: &[PackageMetadata<'g>],
    rules: &[Rule],
) -> (Vec<Finding>, Vec<Problem>) {
    let mut findings = Vec::new();
    let mut problems = Vec::new();
    let mut surfaces = HashMap::new();
    for rule in rules {
        match rule {
            Rule::Forbid {
                meta,
                from,
                to,
                transitive,
                filter,
            } => findings.extend(rules::forbid(
                graph,
                members,
                meta,
                from,
                to,
                *transitive,
                filter,
            )),
            Rule::Layers {
                meta,
                layers,
                filter,
            } => findings.extend(rules::layers(graph, members, meta, layers, filter)),
            Rule::Independent {
                meta,
                crates,
                filter,
            } => findings.extend(rules::independent(graph, members, meta, crates, filter)),
            Rule::NoCycles { meta } => findings.extend(rules::no_cycles(graph, meta)),
            Rule::Require {
                meta,
                crates,
                depends_on,
                implements,
            } => findings.extend(require::check(
                graph,
                members,
                meta,
                crates,
                depends_on,
                implements.as_deref(),
            )),
            Rule::OnlyThrough {
                meta,
                from,
                to,
                modules,
                include_tests,
            } => {
                let Some(b) = graph.ws.graph.workspace().member_by_name(to).ok() else {
                    continue;
                };
                for a in members
                    .iter()
                    .filter(|m| from.matches(m.name()) && m.id() != b.id())
                {
                    if !a.direct_links().any(|l| l.to().id() == b.id()) {
                        continue;
                    }
                    let surface = surfaces
                        .entry(b.id())
                        .or_insert_with(|| only_through::CrateSurface::read(b).0);
                    findings.extend(only_through::check(
                        &graph.ws.root,
                        meta,
                        *a,
                        b,
                        surface,
                        modules,
                        *include_tests,
                        &mut problems,
                    ));
                }
            }
            Rule::NewCoupling { .. } => {}
        }
    }
    (findings, problems)
}

#[cfg(test)]
mod tests {
    use super::rules::KINDS;

    #[test]
    fn rule_kind_codes_are_unique_and_namespaced() {
        let unique: std::collections::BTreeSet<_> = KINDS.iter().collect();
        assert_eq!(unique.len(), KINDS.len());
        assert!(KINDS.iter().all(|k| k.starts_with("arch::")));
    }
}
