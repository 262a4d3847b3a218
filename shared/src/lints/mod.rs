//! The lints: a source scanner for the review's code-quality gates and performance checklist over library
//! code, without compiling it.
//!
//! Library code is what each selected crate's lib target reaches through its module tree, less
//! `#[cfg(test)]` items and `#[test]` fns; tests/, benches/, examples/, build.rs and binaries are not library
//! code and are scanned only by rules configured with `targets`. Files are parsed in parallel (rayon).
//!
//! Decisions: `assert!`-family macros are not `no-panic` findings (they state invariants; clippy's `panic`
//! lint does not flag them either). `.unwrap()`/`.expect(..)` are matched by name, without types.

pub mod cfg;
pub mod crate_index;
pub mod rules;
pub mod settings;
pub mod suppress;
pub mod syntax;
pub mod visitor;

use std::collections::BTreeMap;

use camino::Utf8PathBuf;
use cargo_metadata::{Package, TargetKind};
use rayon::prelude::*;

use crate::errors::Result;
use crate::git::{ChangedLines, Repo};
use crate::lints::cfg::Target;
use crate::lints::crate_index::{CrateIndex, Judgement};
use crate::lints::rules::RuleId;
use crate::lints::settings::Settings;
use crate::lints::suppress::{Suppressions, clone_justified};
use crate::lints::visitor::{AnyAliases, Hit, IdentType, scan_file};
use crate::report::{
    BaseRevision, Baseline, CodeMatch, Finding, Location, Problem, Report, RuleChecked, Severity,
    Tool,
};
use crate::workspace::{Members, PackageSelection, relative_to};

/// How to run the lints.
#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    /// Only lines added or changed since this git revision are new; the rest are pre-existing.
    pub base: Option<String>,
    /// Which members to scan.
    pub selection: PackageSelection,
}

/// Runs the lints on the selected members of `ws`.
pub fn check(ws: &Members, settings: &Settings, opts: &LintOptions) -> Result<Report> {
    let members = ws.select(&opts.selection)?;
    let base = match &opts.base {
        Some(rev) => {
            let repo = Repo::discover(ws.root.as_std_path())?;
            let commit = repo.resolve_commit(rev)?;
            Some((
                repo,
                BaseRevision {
                    rev: rev.to_owned(),
                    commit,
                },
            ))
        }
        None => None,
    };
    let results: Vec<(Vec<Finding>, Vec<Problem>)> = members
        .par_iter()
        .map(|pkg| scan_package(ws, settings, pkg))
        .collect();
    let mut report = Report::new(Tool::Lints, ws.root.as_str());
    report.rules_checked = settings
        .enabled()
        .map(|r| RuleChecked {
            id: r.id.to_owned(),
            kind: kind(r.rule),
            description: r.description.to_owned(),
            checks: r.checks.to_vec(),
        })
        .collect();
    for (findings, problems) in results {
        report.findings.extend(findings);
        report.problems.extend(problems);
    }
    if let Some((repo, revision)) = base {
        mark_baseline(ws, &repo, &revision.commit, &mut report.findings)?;
        report.base = Some(revision);
    }
    report.sort();
    Ok(report)
}

/// A lint finding's `kind`: `lints::no-unwrap`.
pub fn kind(rule: RuleId) -> String {
    format!("lints::{}", rule.as_str())
}

/// The roots to scan in `pkg`: its lib, and its bins and tests when a rule asks for them.
fn roots(settings: &Settings, pkg: &Package) -> Vec<(Utf8PathBuf, Target)> {
    const LIB_KINDS: [TargetKind; 6] = [
        TargetKind::Lib,
        TargetKind::RLib,
        TargetKind::DyLib,
        TargetKind::CDyLib,
        TargetKind::StaticLib,
        TargetKind::ProcMacro,
    ];
    pkg.targets
        .iter()
        .filter_map(|t| {
            let target = if t.kind.iter().any(|k| LIB_KINDS.contains(k)) {
                Target::Lib
            } else if t.is_kind(TargetKind::Bin) {
                Target::Bin
            } else if t.is_kind(TargetKind::Test) {
                Target::Test
            } else {
                return None;
            };
            settings.wants(target).then(|| (t.src_path.clone(), target)) // cloned: the walk owns its roots
        })
        .collect()
}

fn scan_package(ws: &Members, settings: &Settings, pkg: &Package) -> (Vec<Finding>, Vec<Problem>) {
    let crate_ident = pkg.name.replace('-', "_");
    let include_tests = settings.wants(Target::Test);
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for (root, target) in roots(settings, pkg) {
        let (scanned, walk_problems) =
            crate::source::crate_files(&root, include_tests, &|file, ast, text| {
                let rel = relative_to(&ws.root, &file.path);
                let prefix = std::iter::once(crate_ident.as_str())
                    .chain(file.module_path.iter().map(String::as_str))
                    .map(str::to_owned)
                    .collect();
                let test_file = file.test_only || target == Target::Test;
                let mut result = scan_file(
                    ast,
                    text,
                    prefix,
                    settings.hot_file(&rel),
                    test_file,
                    &|p| settings.hot_fn(p),
                );
                let lines: Vec<&str> = text.lines().collect();
                result.hits.retain(|h| {
                    h.rule != RuleId::CloneJustified || !clone_justified(&lines, h.line)
                });
                (rel, target, result, Suppressions::read(text))
            });
        files.extend(scanned);
        problems.extend(walk_problems.into_iter().map(|p| p.into_problem(&ws.root)));
    }
    let mut aliases = AnyAliases::default();
    for (_, (_, _, result, _)) in &mut files {
        aliases.dyn_any.append(&mut result.aliases.dyn_any);
        aliases.box_any.append(&mut result.aliases.box_any);
    }
    let index = CrateIndex::new(files.iter().map(|(_, (_, _, result, _))| &result.defs));
    let mut findings = Vec::new();
    for (_, (rel, target, result, mut suppressions)) in files {
        let mut hits = result.hits;
        hits.extend(
            result
                .ident_types
                .iter()
                .filter_map(|t| alias_hit(t, &aliases)),
        );
        for (line, column, comment) in std::mem::take(&mut suppressions.missing_reason) {
            hits.push(Hit {
                rule: RuleId::SuppressionReason,
                line,
                column,
                length: 0,
                what: "allow(..) without a reason".to_owned(),
                hot: false,
                test: false,
                item: String::new(),
                code: comment,
                condition: None,
            });
        }
        for hit in hits {
            if hit.rule != RuleId::SuppressionReason
                && suppressions.allows(hit.rule.as_str(), hit.line)
            {
                continue;
            }
            let judgement = hit
                .condition
                .as_ref()
                .map_or(Judgement::Finding, |c| index.judge(c));
            if judgement == Judgement::NotAFinding {
                continue;
            }
            let hit_target = if hit.test { Target::Test } else { target };
            let unsure = match judgement {
                Judgement::Unsure(why) => Some(why),
                _ => None,
            };
            if let Some(f) = finding(settings, &pkg.name, &rel, hit, hit_target, unsure) {
                findings.push(f);
            }
        }
    }
    (findings, problems)
}

fn alias_hit(t: &IdentType, aliases: &AnyAliases) -> Option<Hit> {
    let via = if t.boxed && aliases.dyn_any.contains(&t.name) {
        format!("Box<{}> (an alias of dyn Any)", t.name)
    } else if !t.boxed && aliases.box_any.contains(&t.name) {
        format!("{} (an alias of Box<dyn Any>)", t.name)
    } else {
        return None;
    };
    Some(Hit {
        rule: RuleId::NoBoxDynAny,
        line: t.line,
        column: t.column,
        length: t.length,
        what: via,
        hot: t.hot,
        test: t.test,
        item: t.item.to_owned(),
        code: t.code.to_owned(),
        condition: None,
    })
}

fn finding(
    settings: &Settings,
    package: &str,
    rel: &str,
    hit: Hit,
    target: Target,
    unsure: Option<&str>,
) -> Option<Finding> {
    let info = hit.rule.info();
    let mut severity = settings.severity(info, rel, hit.hot, target)?;
    let mut place = if hit.hot { " in a hot path" } else { "" }.to_owned();
    if let Some(why) = unsure {
        // The syntax cannot tell whether it is a finding: reported, never as CRITICAL.
        severity = severity.max(Severity::Warning);
        place.push_str(&format!(" ({why})"));
    }
    Some(Finding {
        rule_id: info.id.to_owned(),
        kind: kind(info.rule),
        category: info.category,
        severity,
        message: format!("`{}` {}{place}", hit.what, info.phrase),
        why: None,
        help: Some(info.help.to_owned()),
        impact: Some(info.impact.to_owned()),
        location: Some(Location {
            file: rel.to_owned(),
            line: hit.line,
            column: hit.column,
            length: hit.length,
        }),
        package: Some(package.to_owned()),
        crates: Vec::new(),
        paths: Vec::new(),
        benchmark: None,
        code: Some(CodeMatch {
            item: hit.item,
            text: hit.code,
        }),
        baseline: Baseline::NoBase,
    })
}

/// Marks findings on lines added or changed since `commit` as new, the rest as pre-existing.
fn mark_baseline(ws: &Members, repo: &Repo, commit: &str, findings: &mut [Finding]) -> Result<()> {
    let root_in_repo = repo.relative_path(ws.root.as_std_path())?;
    let mut changed: BTreeMap<&str, ChangedLines> = BTreeMap::new();
    let mut new = Vec::with_capacity(findings.len());
    for f in findings.iter() {
        let Some(loc) = &f.location else {
            new.push(true);
            continue;
        };
        if !changed.contains_key(loc.file.as_str()) {
            let in_repo = root_in_repo
                .join(&loc.file)
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            changed.insert(&loc.file, repo.changed_lines(commit, &in_repo)?);
        }
        new.push(
            changed
                .get(loc.file.as_str())
                .is_none_or(|c| c.contains(loc.line)),
        );
    }
    for (f, new) in findings.iter_mut().zip(new) {
        f.baseline = if new {
            Baseline::New
        } else {
            Baseline::PreExisting
        };
    }
    Ok(())
}
