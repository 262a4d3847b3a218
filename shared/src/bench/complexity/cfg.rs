//! `[[bench.complexity]]`: benchmark families whose growth is fitted, and what each claims.
//!
//! ```toml
//! [[bench.complexity]]
//! benchmarks = "sort::bench_sort.*"   # glob over benchmark names: one family
//! size = "arg"                        # default: the benchmark's single integer argument is n
//! # size = { small = 16, large = 4096 } # or each benchmark id's n
//! expect = "n log n"                  # optional claim: 1 | log n | n | n log n | n^2 | n^3
//! ```

use std::collections::BTreeMap;

use globset::GlobMatcher;
use serde::Deserialize;
use toml::Spanned;

use crate::bench::complexity::class::Class;
use crate::config::validate::Validator;

/// `[[bench.complexity]]`, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FamilyConfig {
    /// Glob over benchmark names (`module::path.id`): the benchmarks of one family.
    pub benchmarks: Spanned<String>,
    /// How each benchmark's size `n` is known (default `"arg"`).
    #[serde(default)]
    pub size: Option<Spanned<SizeConfig>>,
    /// The claimed class.
    #[serde(default)]
    pub expect: Option<Spanned<String>>,
}

/// `size`: `"arg"`, or a table of benchmark id to `n`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum SizeConfig {
    /// `"arg"`: the benchmark's single integer argument.
    Word(String),
    /// `{ id = n, .. }`.
    Ids(BTreeMap<String, u64>),
}

/// How a family's sizes are read, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Size {
    /// The benchmark's single integer argument (`(4096)`).
    Arg,
    /// Each benchmark id's `n`.
    Ids(BTreeMap<String, u64>),
}

/// One `[[bench.complexity]]` entry, validated.
#[derive(Clone, Debug)]
pub struct FamilySpec {
    /// The glob as written.
    pub glob: String,
    /// The glob, compiled.
    pub matcher: GlobMatcher,
    /// How sizes are read.
    pub size: Size,
    /// The claimed class.
    pub expect: Option<Class>,
}

/// Validates the entries: globs compile, `size` is `"arg"` or a non-empty table of sizes of at least 1,
/// `expect` names a class; each error points at its value in the config file.
pub fn validate(v: &mut Validator<'_>, entries: &[FamilyConfig]) -> Vec<FamilySpec> {
    let mut specs = Vec::new();
    for e in entries {
        let size = match &e.size {
            None => Some(Size::Arg),
            Some(s) => match s.get_ref() {
                SizeConfig::Word(w) if w == "arg" => Some(Size::Arg),
                SizeConfig::Word(w) => {
                    v.error(
                        s,
                        format!("unknown size `{w}`"),
                        "not \"arg\" or a table",
                        Some(
                            "`size = \"arg\"` reads n from the benchmark's single integer argument; \
                             `size = { id = n, .. }` gives each benchmark id's n"
                                .to_owned(),
                        ),
                    );
                    None
                }
                SizeConfig::Ids(ids) if ids.is_empty() || ids.values().any(|n| *n == 0) => {
                    v.error(
                        s,
                        "a size table needs at least one id, each with a size of at least 1",
                        "empty, or a size of 0",
                        None,
                    );
                    None
                }
                SizeConfig::Ids(ids) => Some(Size::Ids(ids.to_owned())),
            },
        };
        let expect = match &e.expect {
            None => Some(None),
            Some(text) => match text.get_ref().parse::<Class>() {
                Ok(class) => Some(Some(class)),
                Err(err) => {
                    v.error(
                        text,
                        err.to_string(),
                        "not a complexity class",
                        Some("write 1, log n, n, n log n, n^2 or n^3".to_owned()),
                    );
                    None
                }
            },
        };
        let glob = v.glob(&e.benchmarks);
        if let (Some(glob), Some(size), Some(expect)) = (glob, size, expect) {
            specs.push(FamilySpec {
                glob: e.benchmarks.get_ref().to_owned(),
                matcher: glob.compile_matcher(),
                size,
                expect,
            });
        }
    }
    specs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ConfigSource;
    use crate::errors::Error;

    #[derive(Deserialize)]
    struct Bench {
        complexity: Vec<FamilyConfig>,
    }

    fn specs(text: &str) -> Result<Vec<FamilySpec>, Error> {
        let src = ConfigSource {
            path: "lumen-gate.toml".into(),
            text: text.to_owned(),
        };
        let cfg: Bench = toml::from_str(text).unwrap();
        let mut v = Validator::new(Some(&src));
        let specs = validate(&mut v, &cfg.complexity);
        v.finish()?;
        Ok(specs)
    }

    #[test]
    fn entries_are_read_with_their_sizes_and_claims() {
        let s = specs(
            "[[complexity]]\nbenchmarks = \"algo::sort.*\"\nexpect = \"O(n log n)\"\n\n\
             [[complexity]]\nbenchmarks = \"algo::find.*\"\nsize = { small = 16, large = 4096 }\n",
        )
        .unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(
            (s[0].size.to_owned(), s[0].expect),
            (Size::Arg, Some(Class::NLogN))
        );
        assert!(s[0].matcher.is_match("algo::sort.n_0"));
        let Size::Ids(ids) = &s[1].size else {
            panic!("a table of sizes")
        };
        assert_eq!(ids["large"], 4096);
        assert_eq!(s[1].expect, None);
    }

    #[test]
    fn a_bad_claim_size_or_glob_is_an_error_at_its_place() {
        let text = "[[complexity]]\nbenchmarks = \"a[\"\nsize = \"name\"\nexpect = \"2^n\"\n\n\
                    [[complexity]]\nbenchmarks = \"b\"\nsize = { small = 0 }\n";
        let Err(Error::Config(invalid)) = specs(text) else {
            panic!("bad entries must fail")
        };
        let at: Vec<&str> = invalid
            .errors
            .iter()
            .map(|e| &text[e.span().unwrap()])
            .collect();
        assert_eq!(at, ["\"name\"", "\"2^n\"", "\"a[\"", "{ small = 0 }"]);
        assert!(
            invalid.errors[1]
                .message()
                .contains("unrecognised complexity class `2^n`")
        );
    }
}
