//! `[lints]` validated: rule ids known, globs compiled; and the severity of a hit.

use std::collections::BTreeMap;

use globset::GlobSet;
use toml::Spanned;

use crate::config::validate::{Level, Validator};
use crate::config::{ConfigSource, ConfigWarning};
use crate::errors::Error;
use crate::lints::cfg::{LintsConfig, Target};
use crate::lints::rules::{RULES, RuleId, RuleInfo, Scope};
use crate::report::Severity;
use crate::source::modtree::DEFAULT_MAX_FILE_SIZE;

struct RuleSetting {
    level: Option<Level>,
    /// File globs where the rule is off.
    exclude: Option<GlobSet>,
    /// Fn-path globs (with `::`) where the rule is off.
    exclude_fns: Option<GlobSet>,
    targets: Vec<Target>,
}

/// The lints' settings, ready to apply.
pub struct Settings {
    hot_files: GlobSet,
    hot_fns: GlobSet,
    /// `!pattern` hot paths: files and fns taken back out of the hot ones.
    cold_files: GlobSet,
    cold_fns: GlobSet,
    rules: BTreeMap<RuleId, RuleSetting>,
    overrides: Vec<(GlobSet, BTreeMap<RuleId, Level>)>,
    interner: Option<String>,
    max_file_size: u64,
    /// `[lints] nursery = true`: the nursery's rules are on.
    nursery: bool,
}

impl Settings {
    /// Validates `cfg`; problems point into `source`. Returns the warnings too.
    pub fn new(
        cfg: &LintsConfig,
        source: Option<&ConfigSource>,
    ) -> Result<(Settings, Vec<ConfigWarning>), Error> {
        let mut v = Validator::new(source);
        // `!pattern` takes what it matches back out of the hot paths, as in `.gitignore`.
        let (cold, hot): (Vec<_>, Vec<_>) = cfg
            .hot_paths
            .iter()
            .map(|p| match p.get_ref().strip_prefix('!') {
                Some(rest) => (true, Spanned::new(p.span(), rest.to_owned())),
                None => (false, p.to_owned()),
            })
            .partition(|(negated, _)| *negated);
        let split = |list: Vec<(bool, Spanned<String>)>| -> (Vec<_>, Vec<_>) {
            list.into_iter()
                .map(|(_, p)| p)
                .partition(|p| p.get_ref().contains("::"))
        };
        let (fns, files) = split(hot);
        let (cold_fns, cold_files) = split(cold);
        let hot_files = v.glob_set(&files);
        let hot_fns = v.glob_set(&fns);
        let cold_files = v.glob_set(&cold_files);
        let cold_fns = v.glob_set(&cold_fns);
        let mut rules = BTreeMap::new();
        for (id, s) in &cfg.rules {
            let Some(rule) = known_rule(id, &mut v) else {
                continue;
            };
            let (fns, files): (Vec<_>, Vec<_>) =
                s.exclude.iter().partition(|p| p.get_ref().contains("::"));
            let exclude = (!files.is_empty()).then(|| v.glob_set(files));
            let exclude_fns = (!fns.is_empty()).then(|| v.glob_set(fns));
            rules.insert(
                rule,
                RuleSetting {
                    level: s.severity,
                    exclude,
                    exclude_fns,
                    targets: s.targets.as_deref().unwrap_or(&[Target::Lib]).to_vec(),
                },
            );
        }
        let mut overrides = Vec::new();
        for o in &cfg.overrides {
            let paths = v.glob_set(&o.paths);
            let levels = o
                .rules
                .iter()
                .filter_map(|(id, level)| Some((known_rule(id, &mut v)?, *level)))
                .collect();
            overrides.push((paths, levels));
        }
        let interner = cfg.interner.as_ref().and_then(|name| {
            let text = name.get_ref();
            let is_type_name = text.starts_with(|c: char| c.is_ascii_alphabetic())
                && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !is_type_name {
                v.error(
                    name,
                    format!("`interner = \"{text}\"` is not a type name"),
                    "not a Rust identifier",
                    Some("name the interner type, e.g. `interner = \"StringTable\"`".to_owned()),
                );
            }
            is_type_name.then(|| text.to_owned())
        });
        let max_file_size = match &cfg.max_file_size {
            None => DEFAULT_MAX_FILE_SIZE,
            Some(size) => u64::try_from(*size.get_ref())
                .ok()
                .filter(|&n| n > 0)
                .unwrap_or_else(|| {
                    v.error(
                        size,
                        format!("`max-file-size = {}` is not a size", size.get_ref()),
                        "must be a number of bytes, at least 1",
                        Some(format!(
                            "the default is {DEFAULT_MAX_FILE_SIZE} (4 MiB); raise it for large generated files"
                        )),
                    );
                    DEFAULT_MAX_FILE_SIZE
                }),
        };
        let warnings = v.finish()?;
        let settings = Settings {
            hot_files,
            hot_fns,
            cold_files,
            cold_fns,
            rules,
            overrides,
            interner,
            max_file_size,
            nursery: cfg.nursery,
        };
        Ok((settings, warnings))
    }

    /// The configured string interner type, if any.
    pub fn interner(&self) -> Option<&str> {
        self.interner.as_deref()
    }

    /// Source files larger than this many bytes are not read (`max-file-size`).
    pub fn max_file_size(&self) -> u64 {
        self.max_file_size
    }

    /// True when any hot path is configured.
    pub fn has_hot_paths(&self) -> bool {
        !self.hot_files.is_empty() || !self.hot_fns.is_empty()
    }

    /// True if the file (relative to the workspace root) is a hot path.
    pub fn hot_file(&self, rel: &str) -> bool {
        self.hot_files.is_match(rel) && !self.cold_files.is_match(rel)
    }

    /// True if the fn path (`crate::module::Type::fn`) is a hot path.
    pub fn hot_fn(&self, path: &str) -> bool {
        self.hot_fns.is_match(path) && !self.cold_fns.is_match(path)
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
        item: &str,
        hot: bool,
        target: Target,
    ) -> Option<Severity> {
        let setting = self.rules.get(&info.rule);
        let targets = setting
            .map(|s| s.targets.as_slice())
            .unwrap_or(&[Target::Lib]);
        if !targets.contains(&target) {
            return None;
        }
        if setting
            .and_then(|s| s.exclude.as_ref())
            .is_some_and(|g| g.is_match(file))
            || setting
                .and_then(|s| s.exclude_fns.as_ref())
                .is_some_and(|g| g.is_match(item))
        {
            return None;
        }
        // A nursery rule reports only where the configuration turns it on.
        let configured = setting.and_then(|s| s.level).is_some()
            || self
                .overrides
                .iter()
                .any(|(paths, levels)| levels.contains_key(&info.rule) && paths.is_match(file));
        if info.nursery && !configured && !self.nursery {
            return None;
        }
        let mut level = match info.scope {
            Scope::HotOnly if !hot => return None,
            Scope::Checklist if hot => Level::Critical,
            _ => Level::from(info.default),
        };
        if let Some(l) = setting.and_then(|s| s.level) {
            level = l;
        }
        for (paths, levels) in &self.overrides {
            if paths.is_match(file)
                && let Some(l) = levels.get(&info.rule)
            {
                level = *l;
            }
        }
        level.severity()
    }

    /// Every rule that can report, for `rules_checked`: not turned off, and for a nursery rule turned on.
    pub fn enabled(&self) -> impl Iterator<Item = &'static RuleInfo> + '_ {
        RULES.iter().filter(|r| {
            let level = self.rules.get(&r.rule).and_then(|s| s.level);
            let in_override = self.overrides.iter().any(|(_, l)| l.contains_key(&r.rule));
            !matches!(level, Some(Level::Off))
                && (!r.nursery || self.nursery || level.is_some() || in_override)
        })
    }
}

/// A warning for each file glob of `[lints]` (`hot-paths`, a rule's `exclude`, `[[lints.overrides]]`
/// `paths`) that matches no file under `root` (`target/` and hidden directories left out): a typo would
/// otherwise turn the hot-path rules off, or an exclusion, without a word. Fn-path globs (with `::`) are
/// not checked here.
pub fn unmatched_file_globs(
    cfg: &LintsConfig,
    source: Option<&ConfigSource>,
    root: &camino::Utf8Path,
) -> Result<Vec<ConfigWarning>, Error> {
    let mut files = Vec::new();
    list_files(root.as_std_path(), root.as_std_path(), &mut files);
    let globs = named_globs(cfg, true).filter(|(g, _)| !g.get_ref().contains("::"));
    let mut v = Validator::new(source);
    for (glob, what) in globs {
        let glob = &glob;
        let Ok(compiled) = globset::Glob::new(glob.get_ref()) else {
            continue;
        };
        let matcher = compiled.compile_matcher();
        if !files.iter().any(|f| matcher.is_match(f)) {
            v.warn(
                glob,
                format!(
                    "{what} `{}` matches no file in the workspace",
                    glob.get_ref()
                ),
                Some(
                    "file globs are relative to the workspace root, e.g. `crates/vm/src/**`"
                        .to_owned(),
                ),
            );
        }
    }
    v.finish()
}

/// A warning for each fn-path glob of `[lints]` (`hot-paths`, a rule's `exclude`) whose crate, the part
/// before the first `::`, matches none of `crates` (the selected members' crate names: a lib's `[lib]
/// name`, not its package name): it could match no fn, and a typo or a package name would otherwise turn
/// the hot-path rules off, or an exclusion, without a word.
pub fn unmatched_fn_globs(
    cfg: &LintsConfig,
    source: Option<&ConfigSource>,
    crates: &[String],
) -> Result<Vec<ConfigWarning>, Error> {
    let globs = named_globs(cfg, false).filter(|(g, _)| g.get_ref().contains("::"));
    let mut v = Validator::new(source);
    for (glob, what) in globs {
        let glob = &glob;
        let first = glob.get_ref().split("::").next().unwrap_or_default();
        let Ok(compiled) = globset::Glob::new(first) else {
            continue;
        };
        let matcher = compiled.compile_matcher();
        if !crates.iter().any(|c| matcher.is_match(c)) {
            v.warn(
                glob,
                format!(
                    "{what} `{}` matches no fn: no crate is named `{first}`",
                    glob.get_ref()
                ),
                Some(format!(
                    "fn paths start with the crate's name as its code calls it (a lib's `[lib] name`, with `_` for `-`): {}",
                    crates.join(", ")
                )),
            );
        }
    }
    v.finish()
}

/// The globs of `[lints]` that name places, with what each is: `hot-paths` (a `!` exclusion read as the
/// glob it takes back out), each rule's `exclude`, and with `overrides` the `[[lints.overrides]]` paths.
fn named_globs(
    cfg: &LintsConfig,
    overrides: bool,
) -> impl Iterator<Item = (Spanned<String>, &'static str)> + '_ {
    let overrides = cfg
        .overrides
        .iter()
        .filter(move |_| overrides)
        .flat_map(|o| o.paths.iter().map(|g| (g, "override path")));
    cfg.hot_paths
        .iter()
        .map(|g| (g, "hot path"))
        .chain(
            cfg.rules
                .values()
                .flat_map(|r| r.exclude.iter().map(|g| (g, "exclude"))),
        )
        .chain(overrides)
        .map(|(g, what)| match g.get_ref().strip_prefix('!') {
            Some(rest) => (Spanned::new(g.span(), rest.to_owned()), what),
            None => (g.to_owned(), what),
        })
}

/// Every file under `dir`, relative to `root` with `/` separators; `target/` and hidden directories left out.
fn list_files(root: &std::path::Path, dir: &std::path::Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if name != "target" && !name.to_string_lossy().starts_with('.') {
                list_files(root, &path, out);
            }
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

fn known_rule(id: &Spanned<String>, v: &mut Validator<'_>) -> Option<RuleId> {
    let found = RuleId::parse(id.get_ref());
    if found.is_none() {
        let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        v.error(
            id,
            format!("unknown rule `{}`", id.get_ref()),
            "no such rule",
            Some(format!("rules: {}", ids.join(", "))),
        );
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_glob_is_an_error_even_without_a_file_to_point_into() {
        // Settings built in code (a preset, defaults) have no source: a bad glob must still fail
        // rather than become an empty set that turns the hot-path rules off.
        let cfg = LintsConfig {
            hot_paths: vec![Spanned::new(0..0, "src/[vm".to_owned())],
            ..LintsConfig::default()
        };
        let err = Settings::new(&cfg, None).err().unwrap();
        assert!(err.to_string().contains("bad glob `src/[vm`"), "{err}");
    }

    #[test]
    fn hot_paths_split_into_file_and_fn_globs() {
        let cfg = LintsConfig {
            hot_paths: vec![
                Spanned::new(0..0, "src/vm/**".to_owned()),
                Spanned::new(0..0, "vm::dispatch::*".to_owned()),
            ],
            ..LintsConfig::default()
        };
        let (settings, warnings) = Settings::new(&cfg, None).unwrap();
        assert!(warnings.is_empty());
        assert!(settings.hot_file("src/vm/mod.rs") && !settings.hot_file("src/lib.rs"));
        assert!(settings.hot_fn("vm::dispatch::run") && !settings.hot_fn("vm::load"));
    }

    #[test]
    fn a_bang_glob_takes_files_and_fns_back_out() {
        let glob = |g: &str| Spanned::new(0..0, g.to_owned());
        let cfg = LintsConfig {
            hot_paths: vec![
                glob("src/vm/**"),
                glob("!src/vm/debug.rs"),
                glob("vm::*"),
                glob("!vm::trace"),
            ],
            ..LintsConfig::default()
        };
        let (settings, _) = Settings::new(&cfg, None).unwrap();
        assert!(settings.hot_file("src/vm/mod.rs") && !settings.hot_file("src/vm/debug.rs"));
        assert!(settings.hot_fn("vm::run") && !settings.hot_fn("vm::trace"));
    }
}
