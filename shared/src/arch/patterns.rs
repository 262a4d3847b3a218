//! Crate names and globs in rules, checked against the graph: a name or glob that matches no package is a
//! configuration error pointing at it.

use globset::GlobMatcher;
use toml::Spanned;

use crate::config::ConfigSource;
use crate::config::validate::Validator;

/// A crate name or glob from the configuration.
#[derive(Clone, Debug)]
pub struct CratePattern {
    /// As written.
    pub text: String,
    matcher: GlobMatcher,
}

impl CratePattern {
    /// True if `name` matches.
    pub fn matches(&self, name: &str) -> bool {
        self.matcher.is_match(name)
    }
}

/// Compiles patterns against the graph's package names, collecting errors in its [`Validator`].
pub struct PatternChecker<'a> {
    names: Vec<&'a str>,
    /// The errors found so far, each pointing at its place in the configuration.
    pub validator: Validator<'a>,
    /// Whether a pattern that matches no package is an error (HEAD) or simply matches nothing (the base
    /// revision's graph, where a crate may not exist yet).
    strict: bool,
}

impl<'a> PatternChecker<'a> {
    /// A checker against these package names; errors point into `source`.
    pub fn new(source: Option<&'a ConfigSource>, names: Vec<&'a str>) -> PatternChecker<'a> {
        PatternChecker {
            names,
            validator: Validator::new(source),
            strict: true,
        }
    }

    /// A checker for the base revision's graph: patterns that match nothing are accepted.
    pub fn lenient(names: Vec<&'a str>) -> PatternChecker<'a> {
        PatternChecker {
            names,
            validator: Validator::new(None),
            strict: false,
        }
    }

    /// Compiles `pattern`; records an error when it is a bad glob or matches no package.
    pub fn pattern(&mut self, pattern: &Spanned<String>) -> Option<CratePattern> {
        let matcher = self.validator.glob(pattern)?.compile_matcher();
        if self.strict && !self.names.iter().any(|n| matcher.is_match(n)) {
            let mut known: Vec<&str> = self.names.to_vec();
            known.sort_unstable();
            known.dedup();
            let shown: Vec<&str> = known.into_iter().take(12).collect();
            self.validator.error(
                pattern,
                format!(
                    "`{}` matches no crate in the workspace graph",
                    pattern.get_ref()
                ),
                "unknown crate",
                Some(format!("crates include: {}", shown.join(", "))),
            );
            return None;
        }
        Some(CratePattern {
            text: pattern.get_ref().to_owned(),
            matcher,
        })
    }
}
