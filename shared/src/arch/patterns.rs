//! Crate names and globs in rules, checked against the graph: a name or glob that matches no package is a
//! configuration error pointing at it.

use globset::{Glob, GlobMatcher};
use toml::Spanned;

use crate::config::{ConfigError, ConfigSource};

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

/// Compiles patterns and collects the errors, each pointing at its place in the configuration.
pub struct PatternChecker<'a> {
    source: Option<&'a ConfigSource>,
    names: Vec<&'a str>,
    /// Errors found so far.
    pub errors: Vec<ConfigError>,
    /// Problems when there is no source to point into (a preset).
    pub unsourced: Vec<String>,
}

impl<'a> PatternChecker<'a> {
    /// A checker against these package names.
    pub fn new(source: Option<&'a ConfigSource>, names: Vec<&'a str>) -> PatternChecker<'a> {
        PatternChecker {
            source,
            names,
            errors: Vec::new(),
            unsourced: Vec::new(),
        }
    }

    /// Compiles `pattern`; records an error when it is a bad glob or matches no package.
    pub fn pattern(&mut self, pattern: &Spanned<String>) -> Option<CratePattern> {
        let text = pattern.get_ref();
        let matcher = match Glob::new(text) {
            Ok(g) => g.compile_matcher(),
            Err(e) => {
                self.error(
                    pattern,
                    format!("bad glob `{text}`: {e}"),
                    "not a valid glob",
                    None,
                );
                return None;
            }
        };
        if !self.names.iter().any(|n| matcher.is_match(n)) {
            let mut known: Vec<&str> = self.names.clone(); // cloned: sorted for the message only
            known.sort_unstable();
            known.dedup();
            let shown: Vec<&str> = known.into_iter().take(12).collect();
            self.error(
                pattern,
                format!("`{text}` matches no crate in the workspace graph"),
                "unknown crate",
                Some(format!("crates include: {}", shown.join(", "))),
            );
            return None;
        }
        Some(CratePattern {
            text: text.to_owned(),
            matcher,
        })
    }

    /// Records an error at `at`.
    pub fn error<T>(
        &mut self,
        at: &Spanned<T>,
        message: String,
        label: &str,
        help: Option<String>,
    ) {
        match self.source {
            Some(src) if at.span().end > 0 => {
                self.errors.push(src.error(at.span(), message, label, help))
            }
            _ => self.unsourced.push(message),
        }
    }
}
