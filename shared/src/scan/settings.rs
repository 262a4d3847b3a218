//! `[gate]` validated: rule ids known, globs compiled, severities parsed; and the severity of a hit.

use std::collections::BTreeMap;

use globset::{Glob, GlobSet, GlobSetBuilder};
use toml::Spanned;

use crate::config::{ConfigSource, InvalidConfig};
use crate::errors::Error;
use crate::report::Severity;
use crate::scan::cfg::{GateConfig, Target};
use crate::scan::rules::{RULES, RuleInfo, Scope, rule};

/// A configured severity: a level, or off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Report at this severity.
    On(Severity),
    /// Do not report.
    Off,
}

struct RuleSetting {
    level: Option<Level>,
    exclude: Option<GlobSet>,
    targets: Vec<Target>,
}

/// The scanner's settings, ready to apply.
pub struct Settings {
    hot_files: GlobSet,
    hot_fns: GlobSet,
    rules: BTreeMap<&'static str, RuleSetting>,
    overrides: Vec<(GlobSet, BTreeMap<String, Level>)>,
}

impl Settings {
    /// Validates `cfg`; problems point into `source`.
    pub fn new(cfg: &GateConfig, source: Option<&ConfigSource>) -> Result<Settings, Error> {
        let mut errors = Vec::new();
        let mut report =
            |at: std::ops::Range<usize>, msg: String, label: &str, help: Option<String>| {
                if let Some(src) = source {
                    errors.push(src.error(at, msg, label, help));
                }
            };
        let (mut hot_files, mut hot_fns) = (GlobSetBuilder::new(), GlobSetBuilder::new());
        for p in &cfg.hot_paths {
            match Glob::new(p.get_ref()) {
                Ok(g) if p.get_ref().contains("::") => {
                    hot_fns.add(g);
                }
                Ok(g) => {
                    hot_files.add(g);
                }
                Err(e) => report(
                    p.span(),
                    format!("bad glob `{}`: {e}", p.get_ref()),
                    "not a valid glob",
                    None,
                ),
            }
        }
        let mut rules = BTreeMap::new();
        for (id, s) in &cfg.rules {
            let Some(info) = known_rule(id, &mut report) else {
                continue;
            };
            let level = s
                .severity
                .as_ref()
                .and_then(|sev| parse_level(sev, &mut report));
            let exclude = (!s.exclude.is_empty()).then(|| globset(&s.exclude, &mut report));
            rules.insert(
                info.id,
                RuleSetting {
                    level,
                    exclude,
                    targets: s.targets.clone().unwrap_or_else(|| vec![Target::Lib]), // cloned: settings own their targets
                },
            );
        }
        let mut overrides = Vec::new();
        for o in &cfg.overrides {
            let paths = globset(&o.paths, &mut report);
            let mut levels = BTreeMap::new();
            for (id, sev) in &o.rules {
                if let (Some(info), Some(level)) =
                    (known_rule(id, &mut report), parse_level(sev, &mut report))
                {
                    levels.insert(info.id.to_owned(), level);
                }
            }
            overrides.push((paths, levels));
        }
        let hot_files = hot_files.build().unwrap_or_else(|_| GlobSet::empty());
        let hot_fns = hot_fns.build().unwrap_or_else(|_| GlobSet::empty());
        if let (Some(src), false) = (source, errors.is_empty()) {
            return Err(InvalidConfig::new(src, errors).into());
        }
        Ok(Settings {
            hot_files,
            hot_fns,
            rules,
            overrides,
        })
    }

    /// True if the file (relative to the workspace root) is a hot path.
    pub fn hot_file(&self, rel: &str) -> bool {
        self.hot_files.is_match(rel)
    }

    /// True if the fn path (`crate::module::Type::fn`) is a hot path.
    pub fn hot_fn(&self, path: &str) -> bool {
        self.hot_fns.is_match(path)
    }

    /// Whether any rule scans this kind of target.
    pub fn wants(&self, target: Target) -> bool {
        target == Target::Lib || self.rules.values().any(|r| r.targets.contains(&target))
    }

    /// The severity of a hit of `rule` in `file`, or `None` when it is not reported there.
    pub fn severity(
        &self,
        info: &RuleInfo,
        file: &str,
        hot: bool,
        target: Target,
    ) -> Option<Severity> {
        let setting = self.rules.get(info.id);
        let targets = setting
            .map(|s| s.targets.as_slice())
            .unwrap_or(&[Target::Lib]);
        if !targets.contains(&target) {
            return None;
        }
        if setting
            .and_then(|s| s.exclude.as_ref())
            .is_some_and(|g| g.is_match(file))
        {
            return None;
        }
        let mut level = match info.scope {
            Scope::HotOnly if !hot => return None,
            Scope::Checklist if hot => Level::On(Severity::Critical),
            _ => Level::On(info.default),
        };
        if let Some(l) = setting.and_then(|s| s.level) {
            level = l;
        }
        for (paths, levels) in &self.overrides {
            if paths.is_match(file)
                && let Some(l) = levels.get(info.id)
            {
                level = *l;
            }
        }
        match level {
            Level::On(s) => Some(s),
            Level::Off => None,
        }
    }

    /// Every rule that can report, for `rules_checked`.
    pub fn enabled(&self) -> impl Iterator<Item = &'static RuleInfo> + '_ {
        RULES
            .iter()
            .filter(|r| !matches!(self.rules.get(r.id).and_then(|s| s.level), Some(Level::Off)))
    }
}

type Reporter<'a> = dyn FnMut(std::ops::Range<usize>, String, &str, Option<String>) + 'a;

fn known_rule(id: &Spanned<String>, report: &mut Reporter<'_>) -> Option<&'static RuleInfo> {
    let found = rule(id.get_ref());
    if found.is_none() {
        let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        report(
            id.span(),
            format!("unknown rule `{}`", id.get_ref()),
            "no such rule",
            Some(format!("rules: {}", ids.join(", "))),
        );
    }
    found
}

fn parse_level(sev: &Spanned<String>, report: &mut Reporter<'_>) -> Option<Level> {
    if sev.get_ref() == "off" {
        return Some(Level::Off);
    }
    let level = Severity::from_config(sev.get_ref()).map(Level::On);
    if level.is_none() {
        report(
            sev.span(),
            format!("unknown severity `{}`", sev.get_ref()),
            "expected critical, warning, info or off",
            None,
        );
    }
    level
}

fn globset(globs: &[Spanned<String>], report: &mut Reporter<'_>) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        match Glob::new(g.get_ref()) {
            Ok(glob) => {
                b.add(glob);
            }
            Err(e) => report(
                g.span(),
                format!("bad glob `{}`: {e}", g.get_ref()),
                "not a valid glob",
                None,
            ),
        }
    }
    b.build().unwrap_or_else(|_| GlobSet::empty())
}
