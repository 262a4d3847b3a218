//! One identity for a finding, used alike by the baseline file, the `--base` comparison and the lint cache.
//!
//! A finding in source code is identified by its kind and rule, its file, the enclosing item's path and the
//! matched code's tokens (whitespace-normalized): its [`Key`]. Several identical matches in one item share
//! a key; they are told apart by their number only (the occurrence), never by their line, so that lines
//! moving (an insertion above, between or below, a reformat) change no identity. An architecture finding
//! is identified by its rule and edge. Lines are for people only.
//!
//! Comparing two sets of findings (HEAD with the base, HEAD with the baseline file) is comparing counts per
//! key: when HEAD has more findings under a key than the other side, the surplus is new, whatever lines
//! moved. Which of the identical findings are called new is chosen for people (those on lines the change
//! touched first); how many are new never depends on it.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::report::{Category, Finding};

/// What identifies a finding, but for its occurrence among identical ones.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub struct Key {
    /// The finding's kind (`lints::no-unwrap`, `arch::forbid`).
    pub kind: String,
    /// The rule's id.
    pub rule: String,
    /// The file, for findings in source code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The enclosing item's path, for findings in source code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// The matched code's tokens, for findings in source code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// For other findings: the crates, in path order, then the first hop's dependency kinds (or, with
    /// neither crates nor code, the message).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub edge: Vec<String>,
}

/// An entry the baseline file gained since the base revision: a finding accepted by the change itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BaselineGrowth {
    /// What the entry accepts.
    #[serde(flatten)]
    pub key: Key,
    /// The line it was written at, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// The key of `f`; `None` for findings that are measurements, not code (benchmarks).
pub fn key(f: &Finding) -> Option<Key> {
    if f.category == Category::Benchmark {
        return None;
    }
    Some(match &f.code {
        Some(code) => Key {
            kind: f.kind.to_owned(),
            rule: f.rule_id.to_owned(),
            file: f.location.as_ref().map(|l| l.file.to_owned()),
            item: Some(code.item.to_owned()),
            code: Some(code.text.to_owned()),
            edge: Vec::new(),
        },
        None => {
            let mut edge = f.crates.to_vec();
            if let Some(hop) = f.paths.first().and_then(|p| p.hops.first()) {
                edge.extend(hop.kinds.iter().map(|k| k.label().to_owned()));
            }
            if edge.is_empty() {
                edge.push(f.message.to_owned());
            }
            Key {
                kind: f.kind.to_owned(),
                rule: f.rule_id.to_owned(),
                file: None,
                item: None,
                code: None,
                edge,
            }
        }
    })
}

/// Each finding's key with its occurrence (0 for the first of identical findings, in line order).
pub fn identities(findings: &[Finding]) -> Vec<Option<(Key, u32)>> {
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by_key(|&i| findings[i].location.as_ref().map(|l| (l.line, l.column)));
    let mut seen: BTreeMap<Key, u32> = BTreeMap::new();
    let mut out: Vec<Option<(Key, u32)>> = vec![None; findings.len()];
    for i in order {
        let Some(key) = key(&findings[i]) else {
            continue;
        };
        let count = seen.entry(key.to_owned()).or_default();
        out[i] = Some((key, *count));
        *count += 1;
    }
    out
}

/// How many findings of `findings` there are under each key.
pub fn counts<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> BTreeMap<Key, usize> {
    let mut counts = BTreeMap::new();
    for key in findings.into_iter().filter_map(key) {
        *counts.entry(key).or_default() += 1;
    }
    counts
}

/// Splits each group of findings sharing a key in two: `known[key]` of them (at most) are the ones the
/// other side already has, the rest are surplus. Returns, per finding, whether it is surplus (`None` for
/// findings without a key). Within a group, findings for which `prefer_surplus` is true are called surplus
/// first, then the later ones by line: that choice is for people; the number of surplus findings per key
/// is `max(0, here - known)` whatever it says.
pub fn surplus(
    findings: &[Finding],
    known: &BTreeMap<Key, usize>,
    prefer_surplus: impl Fn(usize, &Finding) -> bool,
) -> Vec<Option<bool>> {
    let mut groups: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        if let Some(key) = key(f) {
            groups.entry(key).or_default().push(i);
        }
    }
    let mut out = vec![None; findings.len()];
    for (key, mut members) in groups {
        let place = |i: &usize| findings[*i].location.as_ref().map(|l| (l.line, l.column));
        members.sort_by_key(|i| (prefer_surplus(*i, &findings[*i]), place(i)));
        let keep = known.get(&key).copied().unwrap_or(0);
        for (n, i) in members.into_iter().enumerate() {
            out[i] = Some(n >= keep);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Baseline, CodeMatch, Location, Severity};

    fn unwrap_at(line: u32, item: &str) -> Finding {
        Finding {
            rule_id: "no-unwrap".into(),
            kind: "lints::no-unwrap".into(),
            category: Category::CodeQuality,
            severity: Severity::Critical,
            message: "m".into(),
            why: None,
            help: None,
            impact: None,
            location: Some(Location {
                file: "src/lib.rs".into(),
                line,
                column: 5,
                length: 0,
            }),
            package: None,
            crates: vec![],
            paths: vec![],
            benchmark: None,
            code: Some(CodeMatch {
                item: item.into(),
                text: "a . unwrap ()".into(),
            }),
            baseline: Baseline::NoBase,
            cost: None,
            rank: None,
        }
    }

    #[test]
    fn the_surplus_of_identical_findings_is_new_wherever_it_was_inserted() {
        let base = [unwrap_at(3, "c::f"), unwrap_at(4, "c::f")];
        let known = counts(&base);
        for inserted in [2, 4, 6] {
            let mut head: Vec<Finding> = [3, 5]
                .iter()
                .map(|l| unwrap_at(if *l >= inserted { l + 1 } else { *l }, "c::f"))
                .collect();
            head.push(unwrap_at(inserted, "c::f"));
            let marks = surplus(&head, &known, |_, f| {
                f.location.as_ref().is_some_and(|l| l.line == inserted)
            });
            assert_eq!(marks.iter().filter(|m| **m == Some(true)).count(), 1);
            assert_eq!(marks[2], Some(true), "the inserted one is blamed");
        }
        // Without a hint the later one is blamed; the count is the same.
        let head = [
            unwrap_at(3, "c::f"),
            unwrap_at(4, "c::f"),
            unwrap_at(9, "c::f"),
        ];
        assert_eq!(
            surplus(&head, &known, |_, _| false),
            [Some(false), Some(false), Some(true)]
        );
        // A renamed item is another key: all its findings are new.
        let renamed = [unwrap_at(3, "c::g")];
        assert_eq!(surplus(&renamed, &known, |_, _| false), [Some(true)]);
    }
}
