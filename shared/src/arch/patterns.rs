//! Crate and module names and globs in rules, checked against the workspace: a name or glob that matches no
//! package (or no module of the crate it is about) is a configuration error pointing at it.
//!
//! A crate may also be named by its manifest directory relative to the workspace root, or a glob of them
//! (`crates/runtime`, `crates/*`, `./cli` for a directory at the root): anything with a `/` is a path. A
//! path matches workspace members only, and is resolved to their names once, when the rule is compiled.

use std::collections::BTreeSet;

use camino::Utf8Path;
use globset::GlobMatcher;
use guppy::graph::{BuildTargetId, PackageGraph};
use toml::Spanned;

use crate::arch::cfg::Features;
use crate::config::ConfigSource;
use crate::config::validate::Validator;

/// How many known names a "matches nothing" error lists.
const SHOWN_NAMES: usize = 12;

/// A crate or module name, or a glob of them, from the configuration.
#[derive(Clone, Debug)]
pub struct NamePattern {
    /// As written.
    pub text: String,
    matcher: GlobMatcher,
    /// For a path (`crates/*`): the names of the members whose directories it matches.
    members: Option<BTreeSet<String>>,
}

impl NamePattern {
    /// True if `name` matches.
    pub fn matches(&self, name: &str) -> bool {
        match &self.members {
            Some(names) => names.contains(name),
            None => self.matcher.is_match(name),
        }
    }
}

/// True if a crate pattern is a manifest directory (or a glob of them) rather than a package name.
pub fn is_path(text: &str) -> bool {
    text.contains('/') || text == "."
}

/// A path pattern as matched against member directories: without a leading `./` or a trailing `/`.
fn normalized_path(text: &str) -> &str {
    let t = text.strip_prefix("./").unwrap_or(text);
    let t = t.strip_suffix('/').unwrap_or(t);
    if t.is_empty() { "." } else { t }
}

/// Every workspace member's manifest directory relative to the workspace root (`.` for the root package),
/// with its name.
pub fn member_dirs(graph: &PackageGraph) -> Vec<(String, &str)> {
    let root = graph.workspace().root();
    graph
        .workspace()
        .iter()
        .map(|m| {
            let dir = m
                .manifest_path()
                .parent()
                .and_then(|d| d.strip_prefix(root).ok())
                .map(|d| d.as_str().to_owned())
                .unwrap_or_default();
            (if dir.is_empty() { ".".to_owned() } else { dir }, m.name())
        })
        .collect()
}

/// Compiles patterns against the graph, collecting errors in its [`Validator`].
pub struct PatternChecker<'a> {
    /// The graph names are checked against; `None` for the base revision's graph, where a crate or module
    /// may not exist yet and a pattern that matches nothing simply matches nothing.
    graph: Option<&'a PackageGraph>,
    /// The graph paths (`crates/*`) are resolved against: the checked graph, or the base revision's.
    dirs: Option<&'a PackageGraph>,
    /// The errors found so far, each pointing at its place in the configuration.
    pub validator: Validator<'a>,
}

impl<'a> PatternChecker<'a> {
    /// A checker against the packages of `graph`; errors point into `source`.
    pub fn new(source: Option<&'a ConfigSource>, graph: &'a PackageGraph) -> PatternChecker<'a> {
        PatternChecker {
            graph: Some(graph),
            dirs: Some(graph),
            validator: Validator::new(source),
        }
    }

    /// A checker that knows no graph: patterns that match nothing are accepted, paths match nothing.
    pub fn lenient() -> PatternChecker<'a> {
        PatternChecker {
            graph: None,
            dirs: None,
            validator: Validator::new(None),
        }
    }

    /// A checker for the base revision's `graph`: patterns that match nothing are accepted; paths
    /// (`crates/*`) match the base's members in those directories.
    pub fn lenient_on(graph: &'a PackageGraph) -> PatternChecker<'a> {
        PatternChecker {
            graph: None,
            dirs: Some(graph),
            validator: Validator::new(None),
        }
    }

    /// Compiles the crate name or glob `pattern`; records an error when it is a bad glob or matches no
    /// package.
    pub fn pattern(&mut self, pattern: &Spanned<String>) -> Option<NamePattern> {
        if is_path(pattern.get_ref()) {
            return self.path_of_members(pattern);
        }
        let Some(graph) = self.graph else {
            return self.compile(pattern);
        };
        let names: Vec<&str> = graph.packages().map(|p| p.name()).collect();
        self.matching(
            pattern,
            &names,
            format!(
                "`{}` matches no crate in the workspace graph",
                pattern.get_ref()
            ),
            "unknown crate",
            "crates include",
        )
    }

    /// Compiles a path pattern (`crates/*`) into the members whose manifest directories it matches; an
    /// error when it matches none (against the checked graph).
    fn path_of_members(&mut self, pattern: &Spanned<String>) -> Option<NamePattern> {
        let text = normalized_path(pattern.get_ref());
        let glob = Spanned::new(pattern.span(), text.to_owned());
        let compiled = self.compile(&glob)?;
        let dirs = self.dirs.map(member_dirs).unwrap_or_default();
        let names: BTreeSet<String> = dirs
            .iter()
            .filter(|(dir, _)| compiled.matcher.is_match(dir))
            .map(|(_, name)| (*name).to_owned())
            .collect();
        if names.is_empty() && self.graph.is_some() {
            let mut shown: Vec<&str> = dirs.iter().map(|(d, _)| d.as_str()).collect();
            shown.sort_unstable();
            shown.truncate(SHOWN_NAMES);
            self.validator.error(
                pattern,
                format!(
                    "`{}` matches no workspace member's directory",
                    pattern.get_ref()
                ),
                "unknown crate directory",
                Some(format!(
                    "member directories (relative to the workspace root) include: {}",
                    shown.join(", ")
                )),
            );
            return None;
        }
        Some(NamePattern {
            text: pattern.get_ref().to_owned(),
            matcher: compiled.matcher,
            members: Some(names),
        })
    }

    /// The package name a key that names one crate (`to`, `crate`, `depends-on`) stands for: the name as
    /// written, or the one member whose manifest directory a path names (`crates/runtime`). A path that
    /// matches no member, or several, is an error at it (`None`).
    pub fn crate_name(&mut self, name: &Spanned<String>, key: &str) -> Option<Spanned<String>> {
        if !is_path(name.get_ref()) {
            return Some(Spanned::new(name.span(), name.get_ref().to_owned()));
        }
        let matched = self.path_of_members(name)?;
        let names: Vec<&String> = matched.members.iter().flatten().collect();
        match names.as_slice() {
            [one] => Some(Spanned::new(name.span(), (*one).to_owned())),
            // A lenient checker: the crate is not in the base yet.
            [] => Some(Spanned::new(name.span(), name.get_ref().to_owned())),
            several => {
                let list: Vec<&str> = several.iter().map(|n| n.as_str()).collect();
                self.validator.error(
                    name,
                    format!(
                        "`{key}` names one crate, but `{}` matches {}: {}",
                        name.get_ref(),
                        list.len(),
                        list.join(", ")
                    ),
                    "several crates",
                    Some(format!("write one crate's directory or name in `{key}`")),
                );
                None
            }
        }
    }

    /// Compiles the module name or glob `pattern` for `crate_name`, whose top-level modules are `modules`
    /// (`None` when unknown: a lenient checker, or a crate root that cannot be read); records an error when
    /// it is a bad glob or matches none of them.
    pub fn module_pattern(
        &mut self,
        pattern: &Spanned<String>,
        crate_name: &str,
        modules: Option<&[String]>,
    ) -> Option<NamePattern> {
        let Some(modules) = modules else {
            return self.compile(pattern);
        };
        let names: Vec<&str> = modules.iter().map(String::as_str).collect();
        self.matching(
            pattern,
            &names,
            format!(
                "`{}` matches no top-level module of `{crate_name}`",
                pattern.get_ref()
            ),
            "unknown module",
            &format!("modules of `{crate_name}`"),
        )
    }

    /// The library root file (`src/lib.rs`) of the workspace member `name`; records an error when `name` is
    /// not a member or has no library target. Always `None` for a lenient checker, which knows no graph.
    pub fn member_library(&mut self, name: &Spanned<String>) -> Option<&'a Utf8Path> {
        let graph = self.graph?;
        let Ok(member) = graph.workspace().member_by_name(name.get_ref()) else {
            let mut members: Vec<&str> = graph.workspace().iter().map(|m| m.name()).collect();
            members.sort_unstable();
            self.validator.error(
                name,
                format!("`{}` is not a workspace member", name.get_ref()),
                "not a member",
                Some(format!("members: {}", members.join(", "))),
            );
            return None;
        };
        let Some(lib) = member.build_target(&BuildTargetId::Library) else {
            self.validator.error(
                name,
                format!("`{}` has no library target", name.get_ref()),
                "no library",
                Some("name a member with a library (`src/lib.rs`)".to_owned()),
            );
            return None;
        };
        Some(lib.path())
    }

    /// Checks that `name` is one name, not a glob (a key that the rule compares by name); records an error
    /// at it otherwise.
    pub fn one_name(&mut self, name: &Spanned<String>, key: &str) -> bool {
        let is_glob = name.get_ref().contains(['*', '?', '[', '{']) && !is_path(name.get_ref());
        if is_glob {
            self.validator.error(
                name,
                format!("`{key}` names one crate, not a glob: `{}`", name.get_ref()),
                "a glob",
                Some(format!("write one crate name in `{key}`")),
            );
        }
        !is_glob
    }

    /// The library root of the package `name`, when the graph has one by that name (no error otherwise).
    pub fn library_of(&self, name: &str) -> Option<&'a Utf8Path> {
        let graph = self.graph?;
        let pkg = graph.packages().find(|p| p.name() == name)?;
        pkg.build_target(&BuildTargetId::Library).map(|t| t.path())
    }

    /// Whether some workspace member `from` matches and some package `to` matches make a pair that `ok`
    /// accepts (by names); `None` for a lenient checker, which knows no graph.
    pub fn pairs_exist(
        &self,
        from: &NamePattern,
        to: &NamePattern,
        ok: &dyn Fn(&str, &str) -> bool,
    ) -> Option<bool> {
        let graph = self.graph?;
        let froms: Vec<&str> = graph
            .workspace()
            .iter()
            .map(|m| m.name())
            .filter(|n| from.matches(n))
            .collect();
        Some(
            graph
                .packages()
                .map(|p| p.name())
                .any(|b| to.matches(b) && froms.iter().any(|a| ok(a, b))),
        )
    }

    /// Records that the rule with id `id` matches crates but can never fire, because of `reason`.
    pub fn never_fires(&mut self, id: &Spanned<String>, reason: &str) {
        self.validator.error(
            id,
            format!("rule `{}` can never fire: {reason}", id.get_ref()),
            "this rule can never fire",
            Some("fix its crate names or globs, or remove the rule".to_owned()),
        );
    }

    /// The build `features` names; a feature name that no workspace member has is an error at it.
    pub fn features(&mut self, features: &Spanned<Features>) -> Features {
        if let (Some(graph), Features::Named(names)) = (self.graph, features.get_ref()) {
            for name in names {
                let known = graph
                    .workspace()
                    .iter()
                    .any(|m| m.named_features().any(|f| f == name));
                if !known {
                    self.validator.error(
                        features,
                        format!("no workspace crate has a feature `{name}`"),
                        "unknown feature",
                        Some("name features of the crates the rule checks, or write \"all\" or \"default\"".to_owned()),
                    );
                }
            }
        }
        features.get_ref().clone() // cloned: the compiled rule owns it
    }

    /// Compiles a glob over paths (`lumen_compiler::parser::*`) or module paths, checked only as a glob.
    pub fn path_pattern(&mut self, pattern: &Spanned<String>) -> Option<NamePattern> {
        self.compile(pattern)
    }

    /// The workspace root of the graph, when names are checked against one.
    pub fn workspace_root(&self) -> Option<&'a Utf8Path> {
        self.graph.map(|g| g.workspace().root())
    }

    /// True when names are checked against a graph (false for the base revision's).
    pub fn is_strict(&self) -> bool {
        self.graph.is_some()
    }

    fn compile(&mut self, pattern: &Spanned<String>) -> Option<NamePattern> {
        let matcher = self.validator.glob(pattern)?.compile_matcher();
        Some(NamePattern {
            text: pattern.get_ref().to_owned(),
            matcher,
            members: None,
        })
    }

    /// Compiles `pattern`; an error with `message` when it matches none of `names`.
    fn matching(
        &mut self,
        pattern: &Spanned<String>,
        names: &[&str],
        message: String,
        label: &str,
        known: &str,
    ) -> Option<NamePattern> {
        let compiled = self.compile(pattern)?;
        if names.iter().any(|n| compiled.matches(n)) {
            return Some(compiled);
        }
        let mut shown: Vec<&str> = names.to_vec();
        shown.sort_unstable();
        shown.dedup();
        shown.truncate(SHOWN_NAMES);
        self.validator.error(
            pattern,
            message,
            label,
            Some(format!("{known}: {}", shown.join(", "))),
        );
        None
    }
}
