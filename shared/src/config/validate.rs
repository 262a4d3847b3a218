//! The validation pass every tool's configuration goes through: problems are collected with their place in
//! the file, then reported together ([`Validator::finish`]). Globs and levels are checked here, once, with
//! one wording.

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::config::{ConfigSource, ConfigWarning};
use crate::errors::{ConfigError, Error, InvalidConfig};
use crate::report::Severity;

/// A configured level: a severity, or `off`. Written in lower case (`critical`, `warning`, `info`, `off`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Report as CRITICAL.
    #[serde(alias = "CRITICAL")]
    Critical,
    /// Report as WARNING.
    #[serde(alias = "WARNING")]
    Warning,
    /// Report as INFO.
    #[serde(alias = "INFO")]
    Info,
    /// Do not report.
    #[serde(alias = "OFF")]
    Off,
}

impl Level {
    /// The severity, or `None` for `off`.
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Critical => Some(Severity::Critical),
            Level::Warning => Some(Severity::Warning),
            Level::Info => Some(Severity::Info),
            Level::Off => None,
        }
    }
}

impl From<Severity> for Level {
    fn from(s: Severity) -> Level {
        match s {
            Severity::Critical => Level::Critical,
            Severity::Warning => Level::Warning,
            Severity::Info => Level::Info,
        }
    }
}

/// Collects the problems of one configuration source.
pub struct Validator<'a> {
    source: Option<&'a ConfigSource>,
    errors: Vec<ConfigError>,
    /// Problems with no place to point at (defaults, or a value built in code).
    unsourced: Vec<String>,
    warnings: Vec<ConfigWarning>,
}

impl<'a> Validator<'a> {
    /// A validator for values read from `source` (`None`: defaults, nothing to point into).
    pub fn new(source: Option<&'a ConfigSource>) -> Validator<'a> {
        Validator {
            source,
            errors: Vec::new(),
            unsourced: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Records an error at `at` (a value read with its span).
    pub fn error<T>(
        &mut self,
        at: &Spanned<T>,
        message: impl Into<String>,
        label: &str,
        help: Option<String>,
    ) {
        let message = message.into();
        match self.source {
            Some(src) if at.span().end > 0 => {
                self.errors.push(src.error(at.span(), message, label, help))
            }
            _ => self.unsourced.push(message),
        }
    }

    /// The configuration source values are read from (`None`: defaults).
    pub fn source(&self) -> Option<&'a ConfigSource> {
        self.source
    }

    /// Records a warning at `at`: reported, never fatal.
    pub fn warn<T>(&mut self, at: &Spanned<T>, message: impl Into<String>, help: Option<String>) {
        if let Some(src) = self.source {
            self.warnings.push(src.warning(at.span(), message, help));
        }
    }

    /// Compiles one glob; a bad one is an error at its place.
    pub fn glob(&mut self, glob: &Spanned<String>) -> Option<Glob> {
        match Glob::new(glob.get_ref()) {
            Ok(g) => Some(g),
            Err(e) => {
                self.error(
                    glob,
                    format!("bad glob `{}`: {}", glob.get_ref(), e.kind()),
                    "not a valid glob",
                    None,
                );
                None
            }
        }
    }

    /// Compiles a list of globs into one set; every bad glob is an error at its place.
    pub fn glob_set<'g>(
        &mut self,
        globs: impl IntoIterator<Item = &'g Spanned<String>>,
    ) -> GlobSet {
        let mut builder = GlobSetBuilder::new();
        let mut first = None;
        for g in globs {
            first.get_or_insert(g);
            if let Some(glob) = self.glob(g) {
                builder.add(glob);
            }
        }
        match builder.build() {
            Ok(set) => set,
            Err(e) => {
                // The globs compiled one by one; a set that still fails (a size limit) is an error too.
                if let Some(at) = first {
                    self.error(
                        at,
                        format!("these globs cannot be used together: {e}"),
                        "in this list",
                        None,
                    );
                }
                GlobSet::empty()
            }
        }
    }

    /// Fails with every error recorded; returns the warnings otherwise.
    pub fn finish(self) -> Result<Vec<ConfigWarning>, Error> {
        if let Some(message) = self.unsourced.into_iter().next() {
            return Err(Error::usage(message, None));
        }
        match self.source {
            Some(src) if !self.errors.is_empty() => {
                Err(InvalidConfig::new(src.path.as_str(), self.errors).into())
            }
            _ => Ok(self.warnings),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> ConfigSource {
        ConfigSource {
            path: "lumen-gate.toml".into(),
            text: text.to_owned(),
        }
    }

    #[derive(Deserialize)]
    struct Globs {
        globs: Vec<Spanned<String>>,
        level: Option<Level>,
    }

    #[test]
    fn a_bad_glob_is_an_error_at_its_place_and_the_set_keeps_the_good_ones() {
        let text = "globs = [\"src/**\", \"a[\"]\n";
        let src = source(text);
        let cfg: Globs = toml::from_str(text).unwrap();
        let mut v = Validator::new(Some(&src));
        let set = v.glob_set(&cfg.globs);
        assert!(set.is_match("src/lib.rs"));
        let Err(Error::Config(invalid)) = v.finish() else {
            panic!("a bad glob must fail")
        };
        assert_eq!(&text[invalid.errors[0].span().unwrap()], "\"a[\"");
        assert!(invalid.errors[0].message().starts_with("bad glob `a[`"));
    }

    #[test]
    fn levels_are_one_serde_enum() {
        let cfg: Globs = toml::from_str("globs = []\nlevel = \"off\"\n").unwrap();
        assert_eq!(cfg.level, Some(Level::Off));
        assert_eq!(Level::Warning.severity(), Some(Severity::Warning));
        let err = toml::from_str::<Globs>("globs = []\nlevel = \"fatal\"\n")
            .err()
            .unwrap();
        assert!(err.message().contains("unknown variant `fatal`"), "{err}");
    }

    #[test]
    fn values_without_a_place_are_usage_errors() {
        let mut v = Validator::new(None);
        v.error(&Spanned::new(0..0, 1), "bad default", "here", None);
        assert!(matches!(v.finish(), Err(Error::Usage { .. })));
    }
}
