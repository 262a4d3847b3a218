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

/// What an exception's `from` and `to` name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ends {
    /// Crates, both (edge rules): each must match a crate of the graph.
    Crates,
    /// A crate, then a path it uses (`lumen_compiler::parser::*`, only-through).
    CrateToPath,
    /// Module paths of one crate, both (`gate::verdict`, module-layers).
    Modules,
}

/// The exceptions of one rule.
#[derive(Clone, Debug, Default)]
pub struct Exceptions(pub Vec<Allowed>);

impl Exceptions {
    /// Compiles `allow`: crate names and globs are checked like the rule's own (paths only as globs); an
    /// empty `why` is an error.
    pub fn compile(
        allow: &[Spanned<Exception>],
        ends: Ends,
        checker: &mut PatternChecker<'_>,
    ) -> Exceptions {
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
            let (from, to) = match ends {
                Ends::Crates => (checker.pattern(&e.from), checker.pattern(&e.to)),
                Ends::CrateToPath => (checker.pattern(&e.from), checker.path_pattern(&e.to)),
                Ends::Modules => (checker.path_pattern(&e.from), checker.path_pattern(&e.to)),
            };
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
        let keyed = findings
            .into_iter()
            .map(|f| {
                let from = f.crates.first().cloned().unwrap_or_default(); // cloned: the key owns it
                let to = f.crates.last().cloned().unwrap_or_default(); // cloned: the key owns it
                (f, from, to)
            })
            .collect();
        let (mut kept, stale) = self.apply_keyed(meta, keyed, |a| unchecked(a, checked, members));
        kept.extend(stale);
        kept
    }

    /// `findings`, each with what it goes from and to, without the accepted ones; and a stale-exception
    /// finding for every exception that accepted none and for which `unchecked` is false.
    pub fn apply_keyed(
        &self,
        meta: &RuleMeta,
        findings: Vec<(Finding, String, String)>,
        unchecked: impl Fn(&Allowed) -> bool,
    ) -> (Vec<Finding>, Vec<Finding>) {
        let mut used = vec![false; self.0.len()];
        let mut kept = Vec::new();
        for (f, from, to) in findings {
            let hit = self
                .0
                .iter()
                .position(|a| a.from.matches(&from) && a.to.matches(&to));
            match hit {
                Some(i) => used[i] = true,
                None => kept.push(f),
            }
        }
        let stale = self
            .0
            .iter()
            .zip(used)
            .filter(|(a, used)| !used && !unchecked(a))
            .map(|(a, _)| stale(meta, a))
            .collect();
        (kept, stale)
    }
}

/// True if `a.from` matches a member left out of `checked`: its edges may be there, unchecked.
pub fn unchecked(
    a: &Allowed,
    checked: &[PackageMetadata<'_>],
    members: &[PackageMetadata<'_>],
) -> bool {
    members
        .iter()
        .any(|m| a.from.matches(m.name()) && !checked.iter().any(|c| c.id() == m.id()))
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
        cost: None,
        rank: None,
    }
}
