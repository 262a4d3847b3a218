//! The API review: each workspace library crate's public surface ([`crate::source::public`]), compared
//! with the base revision's (`--base`): removed and changed public items are `api::breaking-change`
//! findings, added ones are listed; the version bump decides how serious a break is
//! ([`version`]); `--semver` folds in cargo-semver-checks ([`semver_checks`]); the hygiene rules
//! ([`rules`], off by default) look at the surface itself.

pub mod cfg;
pub mod diff;
pub mod rules;
pub mod semver_checks;
pub mod version;

use std::collections::BTreeMap;

use camino::{Utf8Path, Utf8PathBuf};
use cargo_metadata::semver::Version;
use cargo_metadata::{Package, TargetKind};

use crate::api::cfg::ApiConfig;
use crate::api::diff::SurfaceDiff;
use crate::api::rules::{CrateApi, GROUP, RULES, RuleInfo};
use crate::config::ConfigSource;
use crate::config::validate::Validator;
use crate::errors::{Error, Result};
use crate::lock::{self, WhenLocked};
use crate::output::progress::Progress;
use crate::report::api::{ApiItem, ApiSurface};
use crate::report::{
    BaseRevision, Baseline, Category, Finding, Location, Problem, Report, RuleChecked, Severity,
    Tool,
};
use crate::source::Place;
use crate::source::public::{Item, Surface, surface_cached};
use crate::workspace::{LoadOptions, Members, PackageSelection, relative_to};

/// The kind of a breaking-change finding.
pub const BREAKING_KIND: &str = "api::breaking-change";
/// The rule id of a breaking-change finding.
const BREAKING_ID: &str = "breaking-change";

/// How the API review runs.
#[derive(Clone, Debug, Default)]
pub struct ApiOptions {
    /// `--base`: compare with this revision.
    pub base: Option<String>,
    /// `--semver`: also run cargo-semver-checks against the base.
    pub semver: bool,
    /// The packages to review.
    pub selection: PackageSelection,
    /// What to do when another run holds the state lock.
    pub when_locked: WhenLocked,
    /// Keep each file's surface facts in the workspace's state directory (`source-facts/`) and reuse
    /// them while the file is unchanged; `false`: `--no-cache`.
    pub cache: bool,
}

/// One library crate, read at one revision.
struct Library {
    package: String,
    version: Version,
    surface: Surface,
    /// The workspace root its files are relative to.
    root: Utf8PathBuf,
}

/// Runs the API review on the selected members of the workspace.
pub fn check(
    members: &Members,
    cfg: &ApiConfig,
    source: Option<&ConfigSource>,
    opts: &ApiOptions,
    progress: &mut Progress,
) -> Result<Report> {
    let enabled = enabled_rules(cfg, source)?;
    let selected = members.select(&opts.selection)?;
    let mut report = Report::new(Tool::Api, members.root.as_str());
    let state_dir = members.state_dir();
    let facts_dir = opts.cache.then_some(state_dir.as_std_path());
    let heads: Vec<Library> = selected
        .iter()
        .filter_map(|pkg| library(pkg, &members.root, facts_dir))
        .collect();
    for lib in &heads {
        for problem in &lib.surface.problems {
            report
                .problems
                .push(problem.to_owned().into_problem(&members.root));
        }
        let unresolved = lib.surface.unresolved.iter().filter(|u| u.public).count();
        if unresolved > 0 {
            report.notes.push(format!(
                "{unresolved} `pub use` of `{}` could not be resolved (items made by macros?): the API review does not see what they re-export",
                lib.package
            ));
        }
    }
    let users = users(members);
    let mut bases: BTreeMap<String, Library> = BTreeMap::new();
    let mut base_root = None;
    let _lock;
    if let Some(rev) = &opts.base {
        _lock = lock::acquire(
            members.state_dir().as_std_path(),
            "lumen-gate",
            opts.when_locked,
            &mut |line| progress.note(line),
        )?;
        let checkout =
            crate::base::checkout_root(&members.root, rev, &members.state_dir().join("api-base"))?;
        report
            .notes
            .extend(checkout.notes.iter().map(String::to_owned));
        report.base = Some(BaseRevision {
            rev: checkout.revision.rev.to_owned(),
            commit: checkout.revision.commit.to_owned(),
        });
        let root = Utf8PathBuf::from_path_buf(checkout.root.to_owned())
            .map_err(|p| Error::usage(format!("non-UTF-8 path {}", p.display()), None))?;
        if root.join("Cargo.toml").is_file() {
            let base_members = Members::load(&LoadOptions {
                manifest_path: Some(root.join("Cargo.toml").into_std_path_buf()),
                offline: true,
                lockfile_is_ours: true,
                ..LoadOptions::default()
            })?;
            for pkg in &base_members.packages {
                if let Some(lib) = library(pkg, &base_members.root, facts_dir) {
                    bases.insert(lib.package.to_owned(), lib);
                }
            }
        }
        base_root = Some(root);
    }
    if opts.base.is_some() {
        report.rules_checked.push(RuleChecked {
            id: BREAKING_ID.to_owned(),
            kind: BREAKING_KIND.to_owned(),
            description: "a public item of a library crate was removed or changed since the base"
                .to_owned(),
            checks: Vec::new(),
        });
    }
    for rule in &enabled {
        report.rules_checked.push(RuleChecked {
            id: rule.id.to_owned(),
            kind: format!("api::{}", rule.id),
            description: rule.summary.to_owned(),
            checks: Vec::new(),
        });
    }
    for head in &heads {
        let base = bases.get(&head.package);
        let mut entry = ApiSurface {
            package: head.package.to_owned(),
            version: head.version.to_string(),
            base_version: base.map(|b| b.version.to_string()),
            items: head.surface.public().count(),
            added: Vec::new(),
            removed: 0,
            changed: 0,
        };
        if let Some(base) = base {
            let d = diff::diff(&base.surface, &head.surface);
            let severity =
                breaking_severity(head, base, &users, selected_pkg(&selected, &head.package));
            report
                .findings
                .extend(breaking_findings(&d, head, base, &severity));
            entry.removed = d.removed.len() + d.reexports.len();
            entry.changed = d.changed.len();
            entry.added = d
                .added
                .iter()
                .map(|item| ApiItem {
                    path: format!("{}::{}", crate_name(&head.package), item.display_path()),
                    kind: item.kind.word().to_owned(),
                    signature: item.signature.to_owned(),
                    location: Some(location(&head.root, &item.file, item.place)),
                })
                .collect();
        }
        let api = CrateApi {
            package: &head.package,
            head: &head.surface,
            base: base.map(|b| &b.surface),
        };
        for rule in &enabled {
            for hit in (rule.check)(&api) {
                report.findings.push(hygiene_finding(rule, &api, head, hit));
            }
        }
        report.api.push(entry);
    }
    if opts.semver {
        let outcome = semver_checks::run(members, &heads_names(&heads), base_root.as_deref());
        report.findings.extend(outcome.findings);
        report.notes.extend(outcome.notes);
        report.problems.extend(outcome.problems);
    }
    report.sort();
    Ok(report)
}

fn heads_names(heads: &[Library]) -> Vec<String> {
    heads.iter().map(|h| h.package.to_owned()).collect()
}

fn selected_pkg<'a>(selected: &[&'a Package], name: &str) -> Option<&'a Package> {
    selected.iter().copied().find(|p| p.name.as_str() == name)
}

/// The hygiene rules `[api] enable` turns on; an unknown name is a configuration error.
fn enabled_rules(cfg: &ApiConfig, source: Option<&ConfigSource>) -> Result<Vec<&'static RuleInfo>> {
    let mut v = Validator::new(source);
    let mut enabled: Vec<&'static RuleInfo> = Vec::new();
    for name in &cfg.enable {
        if name.get_ref() == GROUP {
            enabled.extend(RULES);
            continue;
        }
        match RULES.iter().find(|r| r.id == name.get_ref()) {
            Some(rule) => enabled.push(rule),
            None => {
                let known: Vec<&str> = RULES.iter().map(|r| r.id).collect();
                v.error(
                    name,
                    format!("unknown API rule `{}`", name.get_ref()),
                    "no such rule",
                    Some(format!(
                        "the API rules are {} (or `{GROUP}` for all)",
                        known.join(", ")
                    )),
                );
            }
        }
    }
    v.finish()?;
    enabled.sort_by_key(|r| r.id);
    enabled.dedup_by_key(|r| r.id);
    Ok(enabled)
}

/// The library target of `pkg` (proc-macro crates export macros only: not reviewed), read (unchanged files
/// from the facts cache under `facts_dir`, when there is one).
fn library(pkg: &Package, root: &Utf8Path, facts_dir: Option<&std::path::Path>) -> Option<Library> {
    let lib = pkg.targets.iter().find(|t| {
        [TargetKind::Lib, TargetKind::RLib, TargetKind::DyLib]
            .iter()
            .any(|k| t.is_kind(k.to_owned()))
    })?;
    Some(Library {
        package: pkg.name.to_string(),
        version: pkg.version.to_owned(),
        surface: surface_cached(&lib.src_path, facts_dir),
        root: root.to_owned(),
    })
}

/// For each member, the other members that depend on it (any kind of dependency).
fn users(members: &Members) -> BTreeMap<String, Vec<String>> {
    let mut users: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for pkg in &members.packages {
        for dep in &pkg.dependencies {
            let is_member = members.packages.iter().any(|p| p.name.as_str() == dep.name);
            if is_member && dep.path.is_some() && dep.name != pkg.name.as_str() {
                let list = users.entry(dep.name.to_owned()).or_default();
                if !list.contains(&pkg.name.to_string()) {
                    list.push(pkg.name.to_string());
                }
            }
        }
    }
    users
}

/// How serious a break in `head` is, and the sentence that says why.
struct Gravity {
    severity: Severity,
    impact: String,
}

fn breaking_severity(
    head: &Library,
    base: &Library,
    users: &BTreeMap<String, Vec<String>>,
    pkg: Option<&Package>,
) -> Gravity {
    let used_by = users.get(&head.package).cloned().unwrap_or_default(); // cloned: kept for the sentence
    let published = pkg.is_some_and(|p| p.publish.as_ref().is_none_or(|r| !r.is_empty()));
    let allowed = version::allows_breaking(&base.version, &head.version);
    let who = match (used_by.is_empty(), published) {
        (false, true) => format!(
            "used by {} and published",
            used_by
                .iter()
                .map(|u| format!("`{u}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        (false, false) => format!(
            "used by {}",
            used_by
                .iter()
                .map(|u| format!("`{u}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        (true, true) => "published (no `publish = false`)".to_owned(),
        (true, false) => "not published and used by no other workspace crate".to_owned(),
    };
    let bump = if allowed {
        format!("version {} -> {} allows it", base.version, head.version)
    } else {
        format!(
            "version {} -> {} does not allow it (needs {})",
            base.version,
            head.version,
            version::next_breaking(&base.version)
        )
    };
    let severity = if (!used_by.is_empty() || published) && !allowed {
        Severity::Critical
    } else {
        Severity::Warning
    };
    Gravity {
        severity,
        impact: format!("`{}` is {who}; {bump}", head.package),
    }
}

fn breaking_findings(
    d: &SurfaceDiff<'_, '_>,
    head: &Library,
    base: &Library,
    gravity: &Gravity,
) -> Vec<Finding> {
    let krate = crate_name(&head.package);
    let mut out = Vec::new();
    for r in &d.removed {
        let message = match &r.still_at {
            Some(at) => format!(
                "public path `{krate}::{}` removed (the {} is still at `{krate}::{at}`): was `{}`",
                r.path,
                r.item.kind.word(),
                one_line(&r.item.signature)
            ),
            None => format!(
                "public {} `{krate}::{}` removed: was `{}`",
                r.item.kind.word(),
                r.path,
                one_line(&r.item.signature)
            ),
        };
        out.push(breaking(head, base, r.item, message, gravity));
    }
    for lost in &d.reexports {
        let e = lost.external;
        let was = format!("pub use {}::{}", e.krate, e.target.join("::"));
        let message = match &lost.now {
            None => format!(
                "public re-export `{krate}::{}` removed: was `{was}`",
                e.path.join("::")
            ),
            Some(now) => format!(
                "public re-export `{krate}::{}` changed: was `{was}`, now `pub use {}::{}`",
                e.path.join("::"),
                now.krate,
                now.path.join("::")
            ),
        };
        out.push(Finding {
            location: Some(location(&base.root, &e.file, e.place)),
            ..breaking_finding(head, message, gravity)
        });
    }
    for c in d.changed.iter().filter(|c| c.breaking) {
        let message = match member_changes(&c.old.signature, &c.new.signature) {
            Some(changes) => format!(
                "public {} `{krate}::{}` changed: {changes}",
                c.old.kind.word(),
                c.path
            ),
            None => format!(
                "public {} `{krate}::{}` changed: was `{}`, now `{}`",
                c.old.kind.word(),
                c.path,
                one_line(&c.old.signature),
                one_line(&c.new.signature)
            ),
        };
        out.push(breaking(head, base, c.old, message, gravity));
    }
    out
}

fn breaking(
    head: &Library,
    base: &Library,
    item: &Item,
    message: String,
    gravity: &Gravity,
) -> Finding {
    let message = match &item.cfg {
        Some(cfg) => format!("{message} (under `#[cfg({cfg})]`)"),
        None => message,
    };
    Finding {
        location: Some(location(&base.root, &item.file, item.place)),
        ..breaking_finding(head, message, gravity)
    }
}

fn breaking_finding(head: &Library, message: String, gravity: &Gravity) -> Finding {
    Finding {
        rule_id: BREAKING_ID.to_owned(),
        kind: BREAKING_KIND.to_owned(),
        category: Category::Architecture,
        severity: gravity.severity,
        message,
        why: Some(
            "users of the crate that call or name this item stop compiling when they update"
                .to_owned(),
        ),
        help: Some(
            "keep the old item (deprecate it), or bump the version as semver asks".to_owned(),
        ),
        impact: Some(gravity.impact.to_owned()),
        location: None,
        package: Some(head.package.to_owned()),
        crates: Vec::new(),
        paths: Vec::new(),
        benchmark: None,
        code: None,
        baseline: Baseline::New,
        cost: None,
        rank: None,
    }
}

fn hygiene_finding(
    rule: &RuleInfo,
    api: &CrateApi<'_>,
    head: &Library,
    hit: rules::Hit<'_>,
) -> Finding {
    let baseline = match api.base {
        None => Baseline::NoBase,
        Some(base) => {
            let before = hit.item.paths.iter().find_map(|p| {
                let segments: Vec<&str> = p.segments.iter().map(String::as_str).collect();
                base.resolve(&segments)
            });
            match before {
                Some(old) if old.shape == hit.item.shape => Baseline::PreExisting,
                _ => Baseline::New,
            }
        }
    };
    Finding {
        rule_id: rule.id.to_owned(),
        kind: format!("api::{}", rule.id),
        category: Category::CodeQuality,
        severity: rule.severity,
        message: hit.message,
        why: None,
        help: Some(hit.help),
        impact: None,
        location: Some(location(
            &head.root,
            &hit.item.file,
            hit.place.unwrap_or(hit.item.place),
        )),
        package: Some(head.package.to_owned()),
        crates: Vec::new(),
        paths: Vec::new(),
        benchmark: None,
        code: None,
        baseline,
        cost: None,
        rank: None,
    }
}

/// The name a package's library is used by in code (`my-crate` -> `my_crate`).
fn crate_name(package: &str) -> String {
    package.replace('-', "_")
}

/// For signatures with members (fields, variants, trait items: one per line as rustfmt prints them), the
/// members removed and added, when the first line (name, generics) is the same: `removed `pub a: u8`;
/// added `pub b: u16``.
fn member_changes(old: &str, new: &str) -> Option<String> {
    let (old_head, old_body) = old.split_once('\n')?;
    let (new_head, new_body) = new.split_once('\n')?;
    if old_head != new_head {
        return None;
    }
    let members = |body: &str| -> Vec<String> {
        body.lines()
            .map(|l| l.trim().trim_end_matches(',').to_owned())
            .filter(|l| !l.is_empty() && l != "}")
            .collect()
    };
    let (before, after) = (members(old_body), members(new_body));
    let list = |items: Vec<&String>| {
        items
            .iter()
            .map(|m| format!("`{m}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let removed: Vec<&String> = before.iter().filter(|m| !after.contains(m)).collect();
    let added: Vec<&String> = after.iter().filter(|m| !before.contains(m)).collect();
    let mut parts = Vec::new();
    if !removed.is_empty() {
        parts.push(format!("removed {}", list(removed)));
    }
    if !added.is_empty() {
        parts.push(format!("added {}", list(added)));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// A signature on one line.
fn one_line(signature: &str) -> String {
    signature.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn location(root: &Utf8Path, file: &Utf8Path, place: Place) -> Location {
    Location {
        file: relative_to(root, file),
        line: place.line,
        column: place.column,
        length: place.length,
    }
}

/// A problem without a place.
pub(crate) fn problem(message: String) -> Problem {
    Problem {
        location: None,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_changes_name_what_was_removed_and_added() {
        assert_eq!(
            member_changes(
                "pub struct S {\n    pub a: u8,\n    pub b: u8,\n}",
                "pub struct S {\n    pub a: u8,\n    pub c: u16,\n}"
            )
            .as_deref(),
            Some("removed `pub b: u8`; added `pub c: u16`")
        );
        assert_eq!(
            member_changes("pub enum E {\n    A,\n}", "pub enum E {\n    A,\n    B,\n}").as_deref(),
            Some("added `B`")
        );
        assert_eq!(
            member_changes("pub struct S<T> {\n}", "pub struct S {\n}"),
            None
        );
        assert_eq!(member_changes("pub fn f(a: u8)", "pub fn f(a: u16)"), None);
    }
}
