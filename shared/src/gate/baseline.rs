//! The baseline file (`lumen-gate-baseline.json` at the workspace root, or `[gate] baseline`): the
//! findings a team has accepted, so that a gate can be adopted on code with debt. Findings it holds never
//! block; new ones block as usual; entries that match nothing any more are reported as fixed, and
//! `cargo lumen-gate --write-baseline` removes them, so the baseline only shrinks.
//!
//! An entry identifies a finding across unrelated edits: a finding in source code by its rule, file, the
//! enclosing item's path, the matched code's tokens (whitespace-normalized, so reformatting changes
//! nothing) and its occurrence index among identical matches in that item; an architecture finding by its
//! rule and edge (the crates, and the dependency kinds of its first hop). Line numbers are written for
//! people and never matched on. The file is sorted, one entry per line, so its diff reads well.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use miette::{NamedSource, SourceSpan};
use serde::{Deserialize, Serialize};

use crate::errors::{Error, ReportError, Result};
use crate::gate::inputs::offset_of;
use crate::report::{Baseline, Category, Finding};

/// The file's name at the workspace root, unless `[gate] baseline` names another.
pub const DEFAULT_FILE: &str = "lumen-gate-baseline.json";

/// Version of the file's format.
const FORMAT_VERSION: u32 = 1;

/// What identifies one accepted finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
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
    /// Which of several identical matches in one item (0 for the first).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub occurrence: u32,
    /// For architecture findings: the crates, in path order, then the first hop's dependency kinds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub edge: Vec<String>,
    /// Where it was when written, for people; never matched on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Entry {
    /// The entry without the line it was written at: what is matched.
    fn key(&self) -> Entry {
        Entry {
            line: None,
            ..self.to_owned()
        }
    }
}

/// The file as written.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    format_version: u32,
    findings: Vec<Entry>,
}

/// A baseline file that was read.
#[derive(Debug)]
pub struct BaselineFile {
    entries: BTreeSet<Entry>,
}

/// What applying the baseline did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// Findings it accepts.
    pub accepted: usize,
    /// Entries that match no finding any more: fixed since the baseline was written.
    pub fixed: usize,
}

/// Where the baseline file of the workspace at `root` is: `[gate] baseline`, else [`DEFAULT_FILE`]. It is
/// read and written, and quoted in its errors: a file outside the workspace (through `..` or a symlink),
/// or one that is not a regular file, is refused.
pub fn path(
    root: &camino::Utf8Path,
    cfg: &crate::gate::cfg::GateConfig,
) -> Result<std::path::PathBuf> {
    let path = root
        .join(cfg.baseline.as_deref().unwrap_or(DEFAULT_FILE))
        .into_std_path_buf();
    let lexically_outside = !path.starts_with(root)
        || path
            .components()
            .any(|c| c == std::path::Component::ParentDir);
    let refuse = |why: String| {
        Error::usage(
            format!("baseline file refused: {why}"),
            Some("[gate] baseline names a regular file inside the workspace".to_owned()),
        )
    };
    if lexically_outside {
        return Err(refuse(format!(
            "{} lies outside the workspace",
            path.display()
        )));
    }
    crate::config::owned::in_workspace(root, &path).map_err(|why| refuse(why.describe(&path)))?;
    Ok(path)
}

/// Reads the baseline file at `path`; `None` when there is none. A file that is not a baseline (broken
/// JSON, an unknown key, another format version) is an error pointing at its line.
pub fn read(path: &Path) -> Result<Option<BaselineFile>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io("could not read", path, e)),
    };
    let name = path.display().to_string();
    let bad = |message: String, line: usize, column: usize, text: String| -> Error {
        let offset = offset_of(&text, line, column);
        ReportError::BadBaseline {
            path: name.to_owned(),
            message,
            src: NamedSource::new(&name, text),
            span: SourceSpan::new(offset.into(), 0),
        }
        .into()
    };
    let file: File = match serde_json::from_str(&text) {
        Ok(file) => file,
        Err(e) => return Err(bad(e.to_string(), e.line(), e.column(), text)),
    };
    if file.format_version != FORMAT_VERSION {
        return Err(bad(
            format!(
                "format_version {} (this version reads {FORMAT_VERSION})",
                file.format_version
            ),
            2,
            1,
            text,
        ));
    }
    Ok(Some(BaselineFile {
        entries: file.findings.iter().map(Entry::key).collect(),
    }))
}

/// The entries of `findings` (those a baseline can hold: source-code and architecture findings), each
/// with its occurrence index, in the findings' order.
pub fn entries(findings: &[Finding]) -> Vec<Option<Entry>> {
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by_key(|&i| findings[i].location.as_ref().map(|l| (l.line, l.column)));
    let mut seen: BTreeMap<Entry, u32> = BTreeMap::new();
    let mut out: Vec<Option<Entry>> = vec![None; findings.len()];
    for i in order {
        let Some(mut entry) = identity(&findings[i]) else {
            continue;
        };
        let count = seen.entry(entry.key()).or_default();
        entry.occurrence = *count;
        *count += 1;
        out[i] = Some(entry);
    }
    out
}

/// A finding's entry before its occurrence index; `None` for findings no baseline holds (benchmarks).
fn identity(f: &Finding) -> Option<Entry> {
    if f.category == Category::Benchmark {
        return None;
    }
    let line = f.location.as_ref().map(|l| l.line);
    let entry = match &f.code {
        Some(code) => Entry {
            kind: f.kind.to_owned(),
            rule: f.rule_id.to_owned(),
            file: f.location.as_ref().map(|l| l.file.to_owned()),
            item: Some(code.item.to_owned()),
            code: Some(code.text.to_owned()),
            occurrence: 0,
            edge: Vec::new(),
            line,
        },
        None => {
            let mut edge = f.crates.to_vec();
            if let Some(hop) = f.paths.first().and_then(|p| p.hops.first()) {
                edge.extend(hop.kinds.iter().map(|k| k.label().to_owned()));
            }
            Entry {
                kind: f.kind.to_owned(),
                rule: f.rule_id.to_owned(),
                file: None,
                item: None,
                code: None,
                occurrence: 0,
                // A finding without crates or code (none today) is identified by its message.
                edge: if edge.is_empty() {
                    vec![f.message.to_owned()]
                } else {
                    edge
                },
                line,
            }
        }
    };
    Some(entry)
}

impl BaselineFile {
    /// Marks the findings the baseline holds as accepted (those already pre-existing at the base stay
    /// so) and counts the entries that match nothing.
    pub fn apply(&self, findings: &mut [Finding]) -> Applied {
        let mut matched = BTreeSet::new();
        let mut applied = Applied::default();
        let keys = entries(findings);
        for (f, entry) in findings.iter_mut().zip(keys) {
            let Some(key) = entry.map(|e| e.key()) else {
                continue;
            };
            if self.entries.contains(&key) {
                if f.baseline.counts() {
                    f.baseline = Baseline::Accepted;
                }
                applied.accepted += 1;
                matched.insert(key);
            }
        }
        applied.fixed = self.entries.len() - matched.len();
        applied
    }

    /// The entries that still match a finding: the baseline with its fixed entries removed, with the
    /// lines where they are now.
    pub fn pruned(&self, findings: &[Finding]) -> Vec<Entry> {
        entries(findings)
            .into_iter()
            .flatten()
            .filter(|e| self.entries.contains(&e.key()))
            .collect()
    }
}

/// Writes `entries` to `path`: sorted, one entry per line, replacing the file atomically.
pub fn write(path: &Path, mut entries: Vec<Entry>) -> Result<()> {
    entries.sort_by(|a, b| a.key().cmp(&b.key()).then(a.line.cmp(&b.line)));
    entries.dedup_by(|a, b| a.key() == b.key());
    let mut text = format!("{{\n  \"format_version\": {FORMAT_VERSION},\n  \"findings\": [\n");
    for (i, e) in entries.iter().enumerate() {
        let line = serde_json::to_string(e)
            .map_err(|e| Error::io("could not write", path, std::io::Error::other(e)))?;
        let comma = if i + 1 < entries.len() { "," } else { "" };
        text.push_str(&format!("    {line}{comma}\n"));
    }
    text.push_str("  ]\n}\n");
    let tmp = path.with_extension(format!("json.tmp-{}", std::process::id()));
    std::fs::write(&tmp, text).map_err(|e| Error::io("could not write", &tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io("could not write", path, e))
}
