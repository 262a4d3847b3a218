//! `allow = [{ from = "..", to = "..", why = ".." }]`: edges a rule accepts. A finding from `from` to `to`
//! (the first and last crate it names) is not reported; an exception that silenced nothing is itself a
//! finding (WARNING, "stale exception, remove it") pointing at the exception in the configuration, so the
//! list of exceptions can only shrink.

use guppy::graph::PackageMetadata;
use toml::Spanned;

use crate::arch::cfg::Exception;
use crate::arch::patterns::{NamePattern, PatternChecker};
use crate::arch::rules::{Kind, RuleMeta};
use crate::arch::spans::line_column;
use crate::report::{Category, Finding, Location, Severity};
use crate::workspace::relative_to;

/// One compiled exception.
#[derive(Clone, Debug)]
pub struct Allowed {
    /// The depending crates.
    pub from: NamePattern,
    /// The crates depended on.
    pub to: NamePattern,
    /// Why the edge is accepted.
    pub why: String,
    /// Where the exception is written.
    pub at: Option<Location>,
}

/// The exceptions of one rule.
#[derive(Clone, Debug, Default)]
pub struct Exceptions(pub Vec<Allowed>);

impl Exceptions {
    /// Compiles `allow`: crate names and globs are checked like the rule's own; an empty `why` is an error.
    pub fn compile(allow: &[Spanned<Exception>], checker: &mut PatternChecker<'_>) -> Exceptions {
        let mut list = Vec::new();
        for entry in allow {
            let e = entry.get_ref();
            if e.why.trim().is_empty() {
                checker.validator.error(
                    entry,
                    "an exception needs a `why`",
                    "no reason given",
                    Some("say why the edge is accepted, and until when".to_owned()),
                );
            }
            let (from, to) = (checker.pattern(&e.from), checker.pattern(&e.to));
            let at = match (checker.validator.source(), checker.workspace_root()) {
                (Some(src), Some(root)) => {
                    let span = entry.span();
                    let (line, column) = line_column(&src.text, span.start);
                    Some(Location {
                        file: relative_to(root, &src.path),
                        line,
                        column,
                        length: 0,
                    })
                }
                _ => None,
            };
            if let (Some(from), Some(to)) = (from, to) {
                list.push(Allowed {
                    from,
                    to,
                    why: e.why.to_owned(),
                    at,
                });
            }
        }
        Exceptions(list)
    }

    /// `findings` without the accepted ones, plus a stale-exception finding for every exception that
    /// accepted none. An exception whose `from` matches a member left out of `checked` is never stale: its
    /// edge may be there, unchecked.
    pub fn apply(
        &self,
        meta: &RuleMeta,
        findings: Vec<Finding>,
        checked: &[PackageMetadata<'_>],
        members: &[PackageMetadata<'_>],
    ) -> Vec<Finding> {
        if self.0.is_empty() {
            return findings;
        }
        let mut used = vec![false; self.0.len()];
        let mut kept = Vec::new();
        for f in findings {
            let ends = (f.crates.first(), f.crates.last());
            let hit = self.0.iter().position(|a| match ends {
                (Some(from), Some(to)) => a.from.matches(from) && a.to.matches(to),
                _ => false,
            });
            match hit {
                Some(i) => used[i] = true,
                None => kept.push(f),
            }
        }
        for (a, used) in self.0.iter().zip(used) {
            let unchecked = members
                .iter()
                .any(|m| a.from.matches(m.name()) && !checked.iter().any(|c| c.id() == m.id()));
            if !used && !unchecked {
                kept.push(stale(meta, a));
            }
        }
        kept
    }
}

/// The finding for an exception that accepted nothing.
fn stale(meta: &RuleMeta, a: &Allowed) -> Finding {
    Finding {
        rule_id: meta.id.to_owned(),
        kind: Kind::StaleException.as_str().to_owned(),
        category: Category::Architecture,
        severity: Severity::Warning,
        message: format!(
            "stale exception, remove it: rule `{}` finds nothing from `{}` to `{}` any more",
            meta.id, a.from.text, a.to.text
        ),
        why: Some(a.why.to_owned()),
        help: Some(format!(
            "remove the exception from the `allow` list of rule `{}`",
            meta.id
        )),
        impact: None,
        location: a.at.clone(), // cloned: the finding owns its location
        package: None,
        crates: vec![a.from.text.to_owned(), a.to.text.to_owned()],
        paths: Vec::new(),
        benchmark: None,
        code: None,
        baseline: Default::default(),
    }
}
