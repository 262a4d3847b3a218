//! Claims checked against the numbers: "Claims of 'faster' require benchmark numbers".
//!
//! The commit messages of `base..HEAD` (and the text of `--claims FILE`, a pull request's description)
//! are read sentence by sentence. A sentence claiming a speed change ("faster", "speeds up", "2x",
//! "30% fewer instructions", "O(n)") or a memory change ("reduces allocations", "no longer allocates",
//! "less memory") is matched to the benchmark results: the benchmarks it names (a benchmark's name or a
//! segment of it, `parse` for `calc::parse::number`), else every benchmark measured against the base.
//!
//! - A benchmark improved beyond its noise floor: the claim is supported, no finding.
//! - None moved beyond its floor, or none ran against a base: WARNING `claim-without-numbers`.
//! - A speed claim whose benchmarks got slower beyond their floor, none faster: CRITICAL
//!   `contradicted-claim`.
//! - A memory claim is measured only by a heap metric (`other_metrics` named `heap`/`alloc`); without one
//!   it is a claim without numbers.
//! - "One optimization at a time": a commit claiming a speed-up that changes more than one workspace
//!   function whose own instruction count moved beyond the floor is a WARNING `one-optimization-at-a-time`.
//!
//! The findings quote the claim and the numbers side by side; [`Claim`]s are in the report's `claims`.

use std::collections::BTreeSet;
use std::path::Path;

use crate::bench::findings;
use crate::errors::{Error, Result};
use crate::git::git_in;
use crate::report::bench::{Claim, ClaimKind, ClaimVerdict};
use crate::report::figures;
use crate::report::{BenchStatus, BenchmarkResult, Location, Report};

/// Where claims are read from.
pub struct Sources<'a> {
    /// The workspace root (inside the git repository).
    pub root: &'a Path,
    /// The base revision: the messages of `base..HEAD` are read.
    pub base: Option<&'a str>,
    /// A file of text with claims (a pull request's description).
    pub file: Option<&'a Path>,
}

/// A sentence that claims something, and where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Said {
    text: String,
    kind: ClaimKind,
    commit: Option<String>,
    file: Option<Location>,
}

/// Reads the claims of `sources`, checks each against `report.benchmarks`, and adds the findings and the
/// claims to `report`.
pub fn check(sources: &Sources<'_>, report: &mut Report) -> Result<()> {
    let mut said = Vec::new();
    let mut commits = Vec::new();
    if let Some(base) = sources.base {
        for (commit, message) in commit_messages(sources.root, base)? {
            said.extend(claims_in(&message).into_iter().map(|(kind, text, _)| Said {
                text,
                kind,
                commit: Some(commit.to_owned()),
                file: None,
            }));
            commits.push(commit);
        }
    }
    if let Some(path) = sources.file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::io("could not read the claims file", path, e))?;
        let shown = path
            .strip_prefix(sources.root)
            .unwrap_or(path)
            .display()
            .to_string();
        said.extend(claims_in(&text).into_iter().map(|(kind, text, line)| Said {
            text,
            kind,
            commit: None,
            file: Some(Location {
                file: shown.to_owned(),
                line,
                column: 1,
                length: 0,
            }),
        }));
    }
    for s in said {
        let (claim, finding) = judge(&s, &report.benchmarks);
        report.findings.extend(finding);
        report.claims.push(claim);
    }
    for commit in commits {
        let claims_speed = report
            .claims
            .iter()
            .any(|c| c.commit.as_deref() == Some(&commit) && c.kind == ClaimKind::Speed);
        if !claims_speed {
            continue;
        }
        let touched = files_of(sources.root, &commit)?;
        let changed = functions_moved(&report.benchmarks, &touched);
        if changed.len() > 1 {
            report
                .findings
                .push(findings::one_optimization(&commit, &changed));
        }
    }
    Ok(())
}

/// The commits of `base..HEAD`, oldest first, each with its message.
fn commit_messages(root: &Path, base: &str) -> Result<Vec<(String, String)>> {
    let range = format!("{base}..HEAD");
    let out = git_in(
        root,
        &["log", "--reverse", "--format=%H%x00%B%x1e", &range, "--"],
    )?;
    let text = String::from_utf8_lossy(&out);
    Ok(text
        .split('\u{1e}')
        .filter_map(|entry| {
            let (commit, message) = entry.trim_start_matches('\n').split_once('\0')?;
            Some((commit.to_owned(), message.to_owned()))
        })
        .collect())
}

/// The files a commit changed, relative to the repository root.
fn files_of(root: &Path, commit: &str) -> Result<BTreeSet<String>> {
    let out = git_in(
        root,
        &[
            "diff-tree",
            "--no-commit-id",
            "--name-only",
            "-r",
            "--root",
            commit,
        ],
    )?;
    let prefix = String::from_utf8_lossy(&git_in(root, &["rev-parse", "--show-prefix"])?)
        .trim()
        .to_owned();
    Ok(String::from_utf8_lossy(&out)
        .lines()
        .map(|l| l.strip_prefix(prefix.as_str()).unwrap_or(l).to_owned())
        .collect())
}

/// The workspace functions in `files` whose own instruction count moved beyond their benchmark's noise
/// floor, in any benchmark's attribution.
fn functions_moved(benchmarks: &[BenchmarkResult], files: &BTreeSet<String>) -> Vec<String> {
    let mut names = BTreeSet::new();
    for b in benchmarks {
        let (Some(a), Some(before)) = (&b.attribution, b.primary.before) else {
            continue;
        };
        let floor = b.floor.as_ref().map_or(0.0, |f| f.pct) / 100.0 * before;
        for f in &a.functions {
            let in_files = f.location.as_ref().is_some_and(|l| files.contains(&l.file));
            if in_files && f.exclusive.delta().unsigned_abs() as f64 > floor {
                names.insert(f.function.to_owned());
            }
        }
    }
    names.into_iter().collect()
}

/// The claim made of `s`, and its finding when the numbers do not back it.
fn judge(s: &Said, benchmarks: &[BenchmarkResult]) -> (Claim, Option<crate::report::Finding>) {
    let compared: Vec<&BenchmarkResult> = benchmarks
        .iter()
        .filter(|b| b.primary.before.is_some())
        .collect();
    let named: Vec<&BenchmarkResult> = compared
        .iter()
        .copied()
        .filter(|b| names(&s.text, &b.name))
        .collect();
    let about = if named.is_empty() { compared } else { named };
    let (better, worse): (Vec<&BenchmarkResult>, Vec<&BenchmarkResult>) = match s.kind {
        ClaimKind::Speed => (
            about
                .iter()
                .copied()
                .filter(|b| b.status == BenchStatus::Improved)
                .collect(),
            about
                .iter()
                .copied()
                .filter(|b| matches!(b.status, BenchStatus::Slower | BenchStatus::Regressed))
                .collect(),
        ),
        ClaimKind::Memory => (
            about.iter().copied().filter(|b| memory_fell(b)).collect(),
            Vec::new(),
        ),
    };
    let verdict = if !better.is_empty() {
        ClaimVerdict::Supported
    } else if !worse.is_empty() {
        ClaimVerdict::Contradicted
    } else {
        ClaimVerdict::Unmeasured
    };
    let shown: Vec<&BenchmarkResult> = match verdict {
        ClaimVerdict::Supported => better,
        ClaimVerdict::Contradicted => worse,
        ClaimVerdict::Unmeasured => about,
    };
    let numbers: Vec<String> = shown.iter().map(|b| numbers_of(b)).collect();
    let claim = Claim {
        text: s.text.to_owned(),
        commit: s.commit.to_owned(),
        file: s.file.as_ref().map(|l| l.file.to_owned()),
        kind: s.kind,
        verdict,
        benchmarks: numbers.to_owned(),
    };
    let finding = match verdict {
        ClaimVerdict::Supported => None,
        _ => Some(findings::claim(&claim, &numbers, s.file.to_owned())),
    };
    (claim, finding)
}

/// `fib_30 1,000 -> 1,200 Ir (+20.00%, noise floor 0.40%)`.
fn numbers_of(b: &BenchmarkResult) -> String {
    let before = b.primary.before.map(figures::count).unwrap_or_default();
    let change = b
        .primary
        .change_pct
        .map(figures::percent)
        .unwrap_or_default();
    let floor = b.floor.as_ref().map_or(0.0, |f| f.pct);
    format!(
        "{} {before} -> {} Ir ({change}, noise floor {floor:.2}%)",
        b.name,
        figures::count(b.primary.after)
    )
}

/// Whether a heap metric of `b` (named `heap` or `alloc`) fell.
fn memory_fell(b: &BenchmarkResult) -> bool {
    b.other_metrics.iter().any(|(name, m)| {
        let name = name.to_ascii_lowercase();
        (name.contains("heap") || name.contains("alloc"))
            && m.before.is_some_and(|before| m.after < before)
    })
}

/// Whether `sentence` names the benchmark `name`: its whole name, or one of its segments (split at `::`,
/// `/` and `.`) of three characters or more, as a word.
fn names(sentence: &str, name: &str) -> bool {
    let words: BTreeSet<String> = sentence
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let lower = sentence.to_lowercase();
    lower.contains(&name.to_lowercase())
        || name
            .split(['/', '.', ':'])
            .filter(|seg| seg.len() >= 3 && !seg.chars().all(|c| c.is_ascii_digit()))
            .any(|seg| words.contains(&seg.to_lowercase()))
}

/// The sentences of `text` that claim a speed or memory change, each with its kind and its line (1-based).
fn claims_in(text: &str) -> Vec<(ClaimKind, String, u32)> {
    let mut found = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        // Trailers (`Signed-off-by:`) and quoted text are not the author's claims; a heading's claim is
        // the text under it.
        if line.starts_with(['>', '#']) || is_trailer(line) {
            continue;
        }
        for sentence in sentences(line) {
            if let Some(kind) = claim_kind(sentence) {
                let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
                found.push((kind, sentence.to_owned(), n));
            }
        }
    }
    found
}

/// `Signed-off-by: ...`, `Co-authored-by: ...`.
fn is_trailer(line: &str) -> bool {
    line.split_once(": ").is_some_and(|(key, _)| {
        !key.is_empty() && key.contains('-') && key.chars().all(|c| c.is_alphanumeric() || c == '-')
    })
}

/// The sentences of a line: split after `.`, `!`, `?` and `;` followed by a space, list markers removed.
fn sentences(line: &str) -> Vec<&str> {
    let line = line.trim_start_matches(['-', '*', '+', ' ']);
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = line.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        let ends = matches!(b, b'.' | b'!' | b'?' | b';')
            && bytes.get(i + 1).is_none_or(|next| *next == b' ');
        if ends {
            out.push(line.get(start..=i).unwrap_or_default().trim());
            start = i + 1;
        }
    }
    out.push(line.get(start..).unwrap_or_default().trim());
    out.retain(|s| !s.is_empty());
    out
}

/// What a sentence claims, if it claims a speed or memory change.
fn claim_kind(sentence: &str) -> Option<ClaimKind> {
    const MEMORY: [&str; 10] = [
        "fewer allocations",
        "less allocation",
        "reduces allocations",
        "reduce allocations",
        "no longer allocates",
        "without allocating",
        "allocation-free",
        "less memory",
        "lower memory",
        "reduces memory",
    ];
    const SPEED: [&str; 11] = [
        "faster",
        "speeds up",
        "speed up",
        "speedup",
        "speed-up",
        "quicker",
        "fewer instructions",
        "less time",
        "reduces time",
        "improves performance",
        "performance improvement",
    ];
    let s = sentence.to_lowercase();
    if s.contains("not faster") || s.contains("no faster") {
        return None;
    }
    if MEMORY.iter().any(|m| s.contains(m)) {
        return Some(ClaimKind::Memory);
    }
    let percent_fewer = s
        .split_once("% fewer")
        .is_some_and(|(before, _)| before.ends_with(|c: char| c.is_ascii_digit()));
    if SPEED.iter().any(|m| s.contains(m)) || percent_fewer || complexity_class(&s) {
        return Some(ClaimKind::Speed);
    }
    None
}

/// Whether a sentence states a complexity class: `O(n)`, `O(1)`, `O(n log n)`.
fn complexity_class(lower: &str) -> bool {
    lower.match_indices("o(").any(|(i, _)| {
        let word_start = lower[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let inside = lower[i + 2..].split(')').next().unwrap_or_default();
        word_start
            && lower[i + 2..].contains(')')
            && !inside.is_empty()
            && inside
                .chars()
                .all(|c| c.is_alphanumeric() || " ^*+log".contains(c))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::noise;
    use crate::bench::summary::change;

    fn bench(name: &str, before: f64, after: f64, status: BenchStatus) -> BenchmarkResult {
        BenchmarkResult {
            name: name.to_owned(),
            package: "calc".to_owned(),
            target: "b".to_owned(),
            runner: "gungraun".to_owned(),
            metric: "Ir".to_owned(),
            primary: change(after, Some(before)),
            other_metrics: Default::default(),
            wall_clock: None,
            status,
            attribution: None,
            flamegraph: None,
            floor: Some(noise::floor(Some(0.5), &[])),
        }
    }

    fn said(text: &str) -> Said {
        let (kind, text, _) = claims_in(text).into_iter().next().unwrap();
        Said {
            text,
            kind,
            commit: Some("0123456789abcdef".to_owned()),
            file: None,
        }
    }

    #[test]
    fn sentences_claiming_speed_or_memory_are_found() {
        let text = "Make parse 2x faster\n\nThe lexer now reads bytes. It no longer allocates per token; \
                    lookups are O(1) now.\n- 30% fewer instructions in eval\nRefactor the loader.\n\
                    Signed-off-by: A <a@b.c>\n> quoted: 10x faster\nThis is not faster, only cleaner.\n## Faster";
        let found: Vec<(ClaimKind, String, u32)> = claims_in(text);
        let texts: Vec<&str> = found.iter().map(|(_, t, _)| t.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Make parse 2x faster",
                "It no longer allocates per token;",
                "lookups are O(1) now.",
                "30% fewer instructions in eval"
            ]
        );
        assert_eq!(found[1].0, ClaimKind::Memory);
        assert_eq!(found[2].0, ClaimKind::Speed);
        assert_eq!(found[3].2, 4);
        assert!(claim_kind("Fix foo(x) handling").is_none());
        assert!(claim_kind("speeds up the VM").is_some());
    }

    #[test]
    fn a_claim_without_a_change_is_a_warning_quoting_it() {
        let benches = [bench(
            "calc::parse::number",
            1000.0,
            1002.0,
            BenchStatus::Unchanged,
        )];
        let (claim, finding) = judge(&said("make parse 2x faster"), &benches);
        assert_eq!(claim.verdict, ClaimVerdict::Unmeasured);
        let f = finding.unwrap();
        assert_eq!(f.severity, crate::report::Severity::Warning);
        assert_eq!(f.rule_id, "claim-without-numbers");
        assert!(
            f.message.contains("\"make parse 2x faster\""),
            "{}",
            f.message
        );
        assert!(f.message.contains("0123456789ab"), "{}", f.message);
        assert!(
            f.impact
                .as_deref()
                .unwrap()
                .contains("calc::parse::number 1,000 -> 1,002 Ir"),
            "{:?}",
            f.impact
        );
        // No benchmark at all: the same warning.
        let (claim, _) = judge(&said("make parse 2x faster"), &[]);
        assert_eq!(claim.verdict, ClaimVerdict::Unmeasured);
    }

    #[test]
    fn a_speed_claim_with_a_regressed_benchmark_is_critical_and_an_improved_one_supports_it() {
        let regressed = [
            bench(
                "calc::parse::number",
                1000.0,
                1200.0,
                BenchStatus::Regressed,
            ),
            bench("calc::sum", 1000.0, 1000.0, BenchStatus::Unchanged),
        ];
        let (claim, finding) = judge(&said("make parse 2x faster"), &regressed);
        assert_eq!(claim.verdict, ClaimVerdict::Contradicted);
        let f = finding.unwrap();
        assert_eq!(
            (f.severity, f.rule_id.as_str()),
            (crate::report::Severity::Critical, "contradicted-claim")
        );
        assert!(
            f.impact.as_deref().unwrap().contains("+20.00%"),
            "{:?}",
            f.impact
        );
        let improved = [
            bench("calc::parse::number", 1000.0, 500.0, BenchStatus::Improved),
            bench("calc::sum", 1000.0, 1200.0, BenchStatus::Regressed),
        ];
        let (claim, finding) = judge(&said("make parse 2x faster"), &improved);
        assert_eq!(claim.verdict, ClaimVerdict::Supported);
        assert!(finding.is_none());
        // Naming another benchmark: only that one counts.
        let (claim, _) = judge(&said("make sum faster"), &improved);
        assert_eq!(claim.verdict, ClaimVerdict::Contradicted);
    }

    #[test]
    fn a_memory_claim_needs_a_heap_metric() {
        let benches = [bench("calc::parse", 1000.0, 800.0, BenchStatus::Improved)];
        let (claim, _) = judge(&said("parse no longer allocates"), &benches);
        assert_eq!(claim.verdict, ClaimVerdict::Unmeasured);
        let mut with_heap = bench("calc::parse", 1000.0, 800.0, BenchStatus::Improved);
        with_heap
            .other_metrics
            .insert("heap_allocations".to_owned(), change(3.0, Some(40.0)));
        let (claim, _) = judge(&said("parse no longer allocates"), &[with_heap]);
        assert_eq!(claim.verdict, ClaimVerdict::Supported);
    }

    #[test]
    fn benchmark_names_match_by_segment_as_a_word() {
        assert!(names("make parse faster", "calc::parse::number"));
        assert!(names("speed up fib_30", "fib_30"));
        assert!(!names("make parser faster", "calc::parse::number"));
        assert!(!names("faster by 10", "sum.10"));
    }
}
