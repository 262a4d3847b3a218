//! The lints: a source scanner for the review's code-quality gates and performance checklist over library
//! code, without compiling it.
//!
//! Library code is what each selected crate's lib target reaches through its module tree, less
//! `#[cfg(test)]` items and `#[test]` fns; tests/, benches/, examples/, build.rs and binaries are not library
//! code and are scanned only by rules configured with `targets`. Files are parsed in parallel (rayon).
//!
//! Decisions: `assert!`-family macros are not `no-panic` findings (they state invariants; clippy's `panic`
//! lint does not flag them either). `.unwrap()`/`.expect(..)` are matched by name, without types.

pub mod advice;
pub mod cache;
pub mod cfg;
pub mod crate_index;
pub mod facts;
pub mod rules;
pub mod settings;
pub mod spans;
pub mod suppress;
pub mod syntax;
pub mod walk;

use std::collections::BTreeMap;
use std::path::PathBuf;

use camino::Utf8PathBuf;
use cargo_metadata::{Package, TargetKind};
use rayon::prelude::*;

use crate::errors::Result;
use crate::git::{ChangedLines, Repo};
use crate::lints::cache::Cache;
use crate::lints::cfg::Target;
use crate::lints::crate_index::{CrateIndex, Judgement};
use crate::lints::facts::{AnyAliases, FileScan, Hit};
use crate::lints::rules::{PREFERRED_OVER, RuleId, Scope};
use crate::lints::settings::Settings;
use crate::lints::suppress::Suppressions;
use crate::lints::walk::scan_file;
use crate::lock::{self, WhenLocked};
use crate::report::bench::MeasuredHot;
use crate::report::identity;
use crate::report::{
    BaseRevision, Baseline, CodeMatch, Cost, Finding, HotBy, Location, Problem, Report,
    RuleChecked, Severity, Tool,
};
use crate::source::facts::hash_of;
use crate::source::modtree::{Analysis, FileStamp, ModDecl, ModuleFile};
use crate::workspace::{LoadOptions, Members, PackageSelection, relative_to};

/// How to run the lints.
#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    /// Only lines added or changed since this git revision are new; the rest are pre-existing.
    pub base: Option<String>,
    /// Which members to scan.
    pub selection: PackageSelection,
    /// The cache directory (`lint-cache/` under the workspace's state directory); `None`: `--no-cache`.
    pub cache: Option<PathBuf>,
    /// A hash of everything in the configuration that shapes a scan, for the cache.
    pub settings_hash: u64,
    /// What to do when another run holds the state lock (needed for the base's worktree).
    pub when_locked: WhenLocked,
    /// The functions the benchmarks' profiles measured hot (`bench::hot`): hot paths as if declared, with
    /// their share and call count as evidence. Empty without any benchmark.
    pub measured_hot: Vec<MeasuredHot>,
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
    let results = scan_members(ws, &members, settings, opts);
    let mut report = Report::new(Tool::Lints, ws.root.as_str());
    // A rule that reports only in hot paths checks nothing when none are configured or measured.
    report.rules_checked = settings
        .enabled()
        .filter(|r| {
            r.scope != Scope::HotOnly || settings.has_hot_paths() || !opts.measured_hot.is_empty()
        })
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
        let (before, notes) = base_findings(ws, &members, settings, opts, &revision.rev)?;
        mark_baseline(ws, &repo, &revision.commit, &before, &mut report.findings)?;
        report.notes.extend(notes);
        report.base = Some(revision);
    }
    report.sort();
    Ok(report)
}

/// Scans `members` of `ws` (each from the cache when nothing it depends on changed).
fn scan_members(
    ws: &Members,
    members: &[&Package],
    settings: &Settings,
    opts: &LintOptions,
) -> Vec<(Vec<Finding>, Vec<Problem>)> {
    members
        .par_iter()
        .map(|pkg| {
            let cache = opts.cache.as_deref().map(|dir| {
                Cache::open(
                    dir,
                    &pkg.id.repr,
                    hash_of(&(opts.settings_hash, roots(settings, pkg))),
                )
            });
            if let Some(hit) = cache
                .as_ref()
                .and_then(|c| c.unchanged(settings.max_file_size()))
            {
                return hit;
            }
            let (findings, problems) =
                scan_package(ws, settings, pkg, cache.as_ref(), &opts.measured_hot);
            if let Some(cache) = cache {
                cache.save(&findings, &problems);
            }
            (findings, problems)
        })
        .collect()
}

/// The findings of the same members at base revision `rev`, scanned the same way in a worktree of the
/// base (`lints-base/` in the state directory, under its lock), with notes for the report. A member that
/// did not exist at the base has no findings there; nor has a workspace that did not exist.
fn base_findings(
    ws: &Members,
    members: &[&Package],
    settings: &Settings,
    opts: &LintOptions,
    rev: &str,
) -> Result<(Vec<Finding>, Vec<String>)> {
    let mut notes = Vec::new();
    let _lock = lock::acquire(
        ws.state_dir().as_std_path(),
        "lumen-gate",
        opts.when_locked,
        &mut |line| notes.push(line.to_owned()),
    )?;
    let base = crate::base::checkout_root(&ws.root, rev, &ws.state_dir().join("lints-base"))?;
    notes.extend(base.notes.iter().cloned()); // cloned: the checkout is read again below
    let manifest = base.root.join("Cargo.toml");
    if !manifest.is_file() {
        return Ok((Vec::new(), notes));
    }
    let base_ws = Members::load(&LoadOptions {
        manifest_path: Some(manifest),
        offline: true,
        lockfile_is_ours: true,
        ..LoadOptions::default()
    })?;
    let names: std::collections::BTreeSet<&str> = members.iter().map(|p| p.name.as_str()).collect();
    let base_members: Vec<&Package> = base_ws
        .packages
        .iter()
        .filter(|p| names.contains(p.name.as_str()))
        .collect();
    let findings = scan_members(&base_ws, &base_members, settings, opts)
        .into_iter()
        .flat_map(|(findings, _)| findings)
        .collect();
    Ok((findings, notes))
}

/// The name a target's code calls its crate, which fn paths start with: the target's name (a lib's
/// `[lib] name`, a binary's name) with `-` as `_`.
pub fn crate_ident(target_name: &str) -> String {
    target_name.replace('-', "_")
}

/// The crate names fn paths of `pkg` start with: those of its lib, and of its bins and tests when a rule
/// scans them.
pub fn crate_idents(settings: &Settings, pkg: &Package) -> Vec<String> {
    roots(settings, pkg)
        .into_iter()
        .map(|(_, _, ident)| ident)
        .collect()
}

/// The text of `cargo lumen-gate --explain <rule>`: the rule's group, default and documentation; with
/// `list`, every rule on a line. An unknown rule is a usage error naming the rules there are.
pub fn explain(rule: &str) -> Result<String> {
    if rule == "list" {
        let mut out = String::new();
        for info in rules::RULES {
            let status = if info.nursery {
                " (nursery: off by default)"
            } else {
                ""
            };
            out.push_str(&format!(
                "{:<26} {:<10} {}{status}\n",
                info.id,
                info.group.as_str(),
                info.description
            ));
        }
        return Ok(out);
    }
    let Some(id) = RuleId::lookup(rule) else {
        let known: Vec<&str> = rules::RULES.iter().map(|r| r.id).collect();
        return Err(crate::errors::Error::usage(
            format!("no lint rule {rule:?}"),
            Some(format!("the rules are: {}", known.join(", "))),
        ));
    };
    let info = id.info();
    let mut out = info.doc.to_owned();
    if info.nursery {
        out.push_str(&format!(
            "\nThis rule is in the nursery: off unless `[lints.rules.{}] severity` turns it on, until its \
             precision on code nobody tuned it on is measured at 0.95 or more.\n",
            info.id
        ));
    }
    Ok(out)
}

/// A lint finding's `kind`: `lints::no-unwrap`.
pub fn kind(rule: RuleId) -> String {
    format!("lints::{}", rule.as_str())
}

/// The roots to scan in `pkg`: its lib, and its bins and tests when a rule asks for them.
fn roots(settings: &Settings, pkg: &Package) -> Vec<(Utf8PathBuf, Target, String)> {
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
            // cloned: the walk owns its roots
            settings
                .wants(target)
                .then(|| (t.src_path.clone(), target, crate_ident(&t.name)))
        })
        .collect()
}

/// What the lints do with each file of one target of a package: scan it, or take its scan from the cache.
struct Lint<'a> {
    ws: &'a Members,
    settings: &'a Settings,
    crate_ident: &'a str,
    target: Target,
    cache: Option<&'a Cache>,
}

/// A file's scan with what applies to it: its path, its target, its suppression comments.
type Scanned = (String, Target, FileScan, Suppressions);

impl Lint<'_> {
    fn rel(&self, file: &ModuleFile) -> String {
        relative_to(&self.ws.root, &file.path)
    }

    /// The file's key in the cache, and the hash of what besides its text shapes its scan.
    fn cache_key(&self, file: &ModuleFile, rel: &str) -> (String, u64) {
        let key = format!("{}\t{:?}", file.path, self.target);
        let context = hash_of(&(
            self.crate_ident,
            &file.module_path,
            file.test_only,
            self.target,
            self.settings.hot_file(rel),
        ));
        (key, context)
    }
}

impl Analysis for Lint<'_> {
    type Output = Scanned;

    fn cached(
        &self,
        file: &ModuleFile,
        text: &str,
        _stamp: Option<&FileStamp>,
    ) -> Option<(Scanned, Vec<ModDecl>)> {
        let cache = self.cache?;
        let rel = self.rel(file);
        let (key, context) = self.cache_key(file, &rel);
        let (scan, decls) = cache.get(&key, text, context)?;
        Some(((rel, self.target, scan, Suppressions::read(text)), decls))
    }

    fn analyze(&self, file: &ModuleFile, ast: &syn::File, text: &str) -> Scanned {
        let rel = self.rel(file);
        let prefix = std::iter::once(self.crate_ident)
            .chain(file.module_path.iter().map(String::as_str))
            .map(str::to_owned)
            .collect();
        let test_file = file.test_only || self.target == Target::Test;
        let mut result = scan_file(
            ast,
            text,
            prefix,
            self.settings.hot_file(&rel),
            test_file,
            &|p| self.settings.hot_fn(p),
        );
        // A clone, or an error dropped on purpose, with a comment saying why.
        let lines: Vec<&str> = text.lines().collect();
        result.hits.retain(|h| {
            !matches!(h.rule, RuleId::CloneJustified | RuleId::NoSilentFailure)
                || !rules::clone_justified::justified(&lines, h.line)
        });
        (rel, self.target, result, Suppressions::read(text))
    }

    fn max_file_size(&self) -> u64 {
        self.settings.max_file_size()
    }

    fn looked_for(&self, path: &camino::Utf8Path, exists: bool) {
        if let Some(cache) = self.cache {
            cache.looked_for(path.as_str(), exists);
        }
    }

    fn analyzed(
        &self,
        file: &ModuleFile,
        text: &str,
        _stamp: Option<&FileStamp>,
        out: &Scanned,
        decls: &[ModDecl],
    ) {
        if let Some(cache) = self.cache {
            let (key, context) = self.cache_key(file, &out.0);
            cache.put(&key, text, context, &out.2, decls);
        }
    }
}

fn scan_package(
    ws: &Members,
    settings: &Settings,
    pkg: &Package,
    cache: Option<&Cache>,
    measured_hot: &[MeasuredHot],
) -> (Vec<Finding>, Vec<Problem>) {
    let measured = Measured::new(measured_hot);
    let include_tests = settings.wants(Target::Test);
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut unreadable_findings = Vec::new();
    for (root, target, crate_ident) in roots(settings, pkg) {
        let lint = Lint {
            ws,
            settings,
            crate_ident: &crate_ident,
            target,
            cache,
        };
        let (scanned, walk_problems) = crate::source::modtree::walk(&root, include_tests, &lint);
        files.extend(scanned);
        // A file no rule could read is a finding of its own, counted like any other.
        for problem in walk_problems {
            if let Some(cache) = cache {
                cache.incomplete();
            }
            let problem = problem.into_problem(&ws.root);
            match problem
                .location
                .as_ref()
                .and_then(|at| unreadable(settings, &pkg.name, at, &problem.message, target))
            {
                Some(f) => unreadable_findings.push(f),
                None => problems.push(problem),
            }
        }
    }
    let mut aliases = AnyAliases::default();
    for (_, (_, _, result, _)) in &mut files {
        aliases.dyn_any.append(&mut result.aliases.dyn_any);
        aliases.box_any.append(&mut result.aliases.box_any);
    }
    let index = CrateIndex::new(
        files.iter().map(|(_, (_, _, result, _))| &result.defs),
        settings.interner(),
        &|item| measured.of(item).is_some(),
    );
    let mut findings = unreadable_findings;
    for (_, (rel, target, result, mut suppressions)) in files {
        let mut hits = result.hits;
        hits.extend(
            result
                .ident_types
                .iter()
                .filter_map(|t| rules::no_box_dyn_any::alias_hit(t, &aliases)),
        );
        hits.extend(rules::suppression_reason::hits(&mut suppressions));
        let mut in_file = Vec::new();
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
            let placement = placement(&hit, &index, &measured);
            if let Some(f) = finding(
                settings, &pkg.name, &rel, hit, hit_target, unsure, placement,
            ) {
                in_file.push(f);
            }
        }
        findings.extend(one_per_expression(in_file));
    }
    (findings, problems)
}

/// Why a hit's code is hot: its fn measured hot by a benchmark (a loop of it, or its whole body when the
/// benchmark calls it once per iteration of a loop), a loop of a declared hot path, or a fn a hot loop
/// calls (its body runs once per iteration). `None`: cold.
fn placement<'m>(hit: &Hit, index: &CrateIndex, measured: &Measured<'m>) -> Option<Placement<'m>> {
    let in_loop = hit.loop_depth > 0;
    let anywhere = !hit.rule.per_iteration();
    if let Some(m) = measured.of(&hit.item)
        && (in_loop || anywhere || (hit.per_call && m.calls >= PER_ITERATION_CALLS))
    {
        return Some(Placement::Measured(m));
    }
    if hit.hot && (in_loop || anywhere) {
        return Some(Placement::Declared);
    }
    if (in_loop || hit.per_call)
        && let Some(root) = index.per_iteration_of(&hit.item)
    {
        let by_name = index.per_iteration_by_name(&hit.item);
        return Some(Placement::PerIteration(root.to_owned(), by_name));
    }
    None
}

/// A measured fn called at least this often in its benchmark runs once per iteration of some loop: its
/// whole body is per-iteration code.
const PER_ITERATION_CALLS: u64 = 100;

/// Why a hit's code is hot.
enum Placement<'m> {
    /// Its fn's share of a benchmark's instructions.
    Measured(&'m MeasuredHot),
    /// A declared hot path.
    Declared,
    /// A fn the hot loop of this fn calls; `true`: through a call resolved by the method's name alone.
    PerIteration(String, bool),
}

/// The measured hot functions, by the crate item paths the walk names fns with.
struct Measured<'m> {
    by_item: std::collections::HashMap<String, &'m MeasuredHot>,
}

impl<'m> Measured<'m> {
    fn new(all: &'m [MeasuredHot]) -> Measured<'m> {
        let mut by_item: std::collections::HashMap<String, &'m MeasuredHot> =
            std::collections::HashMap::new();
        for m in all {
            let item = item_of_symbol(&m.function);
            if by_item.get(&item).is_none_or(|known| known.share < m.share) {
                by_item.insert(item, m);
            }
        }
        Measured { by_item }
    }

    fn of(&self, item: &str) -> Option<&'m MeasuredHot> {
        self.by_item.get(item).copied()
    }
}

/// The item path of a demangled symbol: `<krate::vm::Vm as krate::Exec>::run::h0123..` and
/// `krate::vm::Vm::run::{{closure}}` are both `krate::vm::Vm::run`.
fn item_of_symbol(symbol: &str) -> String {
    let mut text = symbol.trim().to_owned();
    // `<Type as Trait>::method` -> `Type::method`.
    if let Some(rest) = text.strip_prefix('<')
        && let Some(close) = rest.find(">::")
    {
        let ty = rest[..close].split(" as ").next().unwrap_or_default();
        text = format!("{ty}::{}", &rest[close + 3..]);
    }
    let segs: Vec<&str> = text
        .split("::")
        .filter(|s| !s.starts_with('{') && !s.starts_with('<'))
        .filter(|s| {
            !(s.len() == 17 && s.starts_with('h') && s[1..].chars().all(|c| c.is_ascii_hexdigit()))
        })
        .map(|s| s.split('<').next().unwrap_or(s))
        .collect();
    segs.join("::")
}

/// One finding per expression: where several rules match the same code, the most specific one is
/// reported (a clone in a hot loop is `clone-in-hot-loop`, not also `clone-justified`) and names the
/// others.
fn one_per_expression(mut findings: Vec<Finding>) -> Vec<Finding> {
    let at = |f: &Finding| f.location.as_ref().map(|l| (l.line, l.column));
    let preference = |f: &Finding| {
        let rule = RuleId::parse(&f.rule_id);
        // A rule another is preferred over ranks after it; then the more severe first.
        let beaten = PREFERRED_OVER
            .iter()
            .filter(|(_, loser)| Some(*loser) == rule)
            .count();
        (beaten, f.severity)
    };
    findings.sort_by(|a, b| {
        at(a)
            .cmp(&at(b))
            .then_with(|| preference(a).cmp(&preference(b)))
    });
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len());
    for f in findings {
        match out.last_mut() {
            Some(kept) if at(kept).is_some() && at(kept) == at(&f) => {
                if kept.rule_id != f.rule_id {
                    kept.message.push_str(&format!(" (also `{}`)", f.rule_id));
                }
            }
            _ => out.push(f),
        }
    }
    out
}

/// The `unreadable-file` finding of a file the walk could not read or parse; `None` when the rule is off
/// there (the file then stays a problem of the report).
fn unreadable(
    settings: &Settings,
    package: &str,
    at: &Location,
    why: &str,
    target: Target,
) -> Option<Finding> {
    let info = RuleId::UnreadableFile.info();
    let severity = settings.severity(info, &at.file, "", false, target)?;
    Some(Finding {
        rule_id: info.id.to_owned(),
        kind: kind(info.rule),
        category: info.category,
        severity,
        message: format!("`{}` {}: {why}", at.file, info.phrase),
        why: None,
        help: Some(info.help.to_owned()),
        impact: Some(info.impact.to_owned()),
        location: Some(at.to_owned()),
        package: Some(package.to_owned()),
        crates: Vec::new(),
        paths: Vec::new(),
        benchmark: None,
        code: None,
        baseline: Baseline::NoBase,
        cost: None,
        rank: None,
    })
}

fn finding(
    settings: &Settings,
    package: &str,
    rel: &str,
    hit: Hit,
    target: Target,
    unsure: Option<&str>,
    placement: Option<Placement<'_>>,
) -> Option<Finding> {
    let info = hit.rule.info();
    let hot = placement.is_some();
    // A per-iteration rule's hit outside any loop is a candidate for per-iteration code only.
    if hit.rule.per_iteration() && !hot && (hit.loop_depth == 0 || info.scope == Scope::HotOnly) {
        return None;
    }
    let mut severity = settings.severity(info, rel, &hit.item, hot, target)?;
    let mut place = match &placement {
        Some(Placement::PerIteration(root, false)) => format!(
            " in `{}`, which the hot loop of `{}` runs once per iteration",
            short_item(&hit.item),
            short_item(root)
        ),
        Some(Placement::PerIteration(root, true)) => {
            // Likely, not certain: never blocking.
            severity = severity.max(Severity::Warning);
            format!(
                " in `{}`, which the hot loop of `{}` likely runs once per iteration (a call of a method by that name; the receiver's type is not visible)",
                short_item(&hit.item),
                short_item(root)
            )
        }
        Some(Placement::Measured(m)) => {
            let at = match (&m.file, m.line) {
                (Some(file), Some(line)) => format!(" ({file}:{line})"),
                _ => String::new(),
            };
            format!(
                " in `{}`{at}, {:.0}% of `{}`'s instructions{}",
                short_item(&hit.item),
                m.share * 100.0,
                m.benchmark,
                if m.calls > 0 {
                    format!(", called {} times", m.calls)
                } else {
                    String::new()
                }
            )
        }
        Some(Placement::Declared) => " in a hot path".to_owned(),
        None => String::new(),
    };
    if let Some(why) = unsure {
        // The syntax cannot tell whether it is a finding: reported, never as CRITICAL.
        severity = severity.max(Severity::Warning);
        place.push_str(&format!(" ({why})"));
    }
    // A measured finding says which callers made its fn hot (the profile's heaviest chain).
    let mut help = info.help.to_owned();
    if let Some(Placement::Measured(m)) = &placement
        && !m.callers.is_empty()
    {
        help.push_str(&format!(
            "; hot through {} -> `{}`",
            m.callers
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(" -> "),
            short_item(&hit.item)
        ));
    }
    let (hot_by, via, share, calls) = match placement {
        Some(Placement::Measured(m)) => (
            Some(HotBy::Measured),
            Some(m.benchmark.to_owned()),
            Some(m.share),
            Some(m.calls),
        ),
        Some(Placement::Declared) => (Some(HotBy::Declared), None, None, None),
        Some(Placement::PerIteration(root, _)) => {
            (Some(HotBy::PerIteration), Some(root), None, None)
        }
        None => (None, None, None, None),
    };
    Some(Finding {
        rule_id: info.id.to_owned(),
        kind: kind(info.rule),
        category: info.category,
        severity,
        message: format!("`{}` {}{place}", hit.what, info.phrase),
        why: None,
        help: Some(help),
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
        cost: Some(Cost {
            hot: hot_by,
            via,
            loop_depth: hit.loop_depth,
            share,
            calls,
            test: hit.test,
        }),
        rank: None,
    })
}

/// `krate::vm::Vm::run` -> `Vm::run`: the item as a reader names it.
fn short_item(item: &str) -> String {
    let segs: Vec<&str> = item.split("::").collect();
    segs[segs.len().saturating_sub(2)..].join("::")
}

/// Marks findings new or pre-existing by their identity ([`identity`]): under each key, HEAD's findings
/// beyond the count the base had (`before`) are new, whatever lines moved. Which of several identical
/// findings are called new is for people: those on lines added or changed since `commit` first.
fn mark_baseline(
    ws: &Members,
    repo: &Repo,
    commit: &str,
    before: &[Finding],
    findings: &mut [Finding],
) -> Result<()> {
    let known = identity::counts(before);
    let now = identity::counts(findings.iter());
    // Only where some but not all identical findings are new does the choice need the diff.
    let ambiguous = |f: &Finding| {
        identity::key(f).is_some_and(|k| {
            let had = known.get(&k).copied().unwrap_or(0);
            had > 0 && now.get(&k).copied().unwrap_or(0) > had
        })
    };
    let root_in_repo = repo.relative_path(ws.root.as_std_path())?;
    let mut changed: BTreeMap<&str, ChangedLines> = BTreeMap::new();
    let mut touched = Vec::with_capacity(findings.len());
    for f in findings.iter() {
        let Some(loc) = f.location.as_ref().filter(|_| ambiguous(f)) else {
            touched.push(false);
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
        touched.push(
            changed
                .get(loc.file.as_str())
                .is_none_or(|c| c.contains(loc.line)),
        );
    }
    let marks = identity::surplus(findings, &known, |i, _| touched[i]);
    for (f, new) in findings.iter_mut().zip(marks) {
        f.baseline = if new == Some(false) {
            Baseline::PreExisting
        } else {
            Baseline::New
        };
    }
    Ok(())
}
