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
use crate::report::identity::{self, BaselineGrowth, Key};
use crate::report::{Baseline, Finding};

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
    /// The entries as written, with their lines.
    written: Vec<Entry>,
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
    parse(&path.display().to_string(), text).map(Some)
}

/// Reads the baseline file `name` from its text.
pub fn parse(name: &str, text: String) -> Result<BaselineFile> {
    let bad = |message: String, line: usize, column: usize, text: String| -> Error {
        let offset = offset_of(&text, line, column);
        ReportError::BadBaseline {
            path: name.to_owned(),
            message,
            src: NamedSource::new(name, text),
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
    let mut written = file.findings;
    written.sort_by_key(Entry::key);
    written.dedup_by(|a, b| a.key() == b.key());
    Ok(BaselineFile {
        entries: written.iter().map(Entry::key).collect(),
        written,
    })
}

/// The entries of `findings` (those a baseline can hold: source-code and architecture findings), each
/// with its occurrence index, in the findings' order.
pub fn entries(findings: &[Finding]) -> Vec<Option<Entry>> {
    identity::identities(findings)
        .into_iter()
        .zip(findings)
        .map(|(id, f)| id.map(|(key, occurrence)| Entry::new(key, occurrence, f)))
        .collect()
}

impl Entry {
    fn new(key: Key, occurrence: u32, f: &Finding) -> Entry {
        Entry {
            kind: key.kind,
            rule: key.rule,
            file: key.file,
            item: key.item,
            code: key.code,
            occurrence,
            edge: key.edge,
            line: f.location.as_ref().map(|l| l.line),
        }
    }

    /// The entry as the review lists it when the baseline grew.
    pub fn growth(&self) -> BaselineGrowth {
        BaselineGrowth {
            key: self.group(),
            line: self.line,
        }
    }

    /// The finding's identity without its occurrence: what identical findings share.
    pub fn group(&self) -> Key {
        Key {
            kind: self.kind.to_owned(),
            rule: self.rule.to_owned(),
            file: self.file.to_owned(),
            item: self.item.to_owned(),
            code: self.code.to_owned(),
            edge: self.edge.to_vec(),
        }
    }
}

impl BaselineFile {
    /// How many findings the file accepts under each key.
    pub fn counts(&self) -> BTreeMap<Key, usize> {
        let mut counts = BTreeMap::new();
        for e in &self.entries {
            *counts.entry(e.group()).or_default() += 1;
        }
        counts
    }

    /// Which findings the baseline accepts: under each key as many as it holds entries, those that were
    /// already there at the base first (a finding new since the base is accepted only when the baseline
    /// holds more entries than the base had findings: the baseline grew, which the review shows).
    fn accepts(&self, findings: &[Finding]) -> Vec<bool> {
        let marks = identity::surplus(findings, &self.counts(), |_, f| f.baseline == Baseline::New);
        marks.into_iter().map(|m| m == Some(false)).collect()
    }

    /// Marks the findings the baseline holds as accepted (those already pre-existing at the base stay
    /// so) and counts the entries that match nothing.
    pub fn apply(&self, findings: &mut [Finding]) -> Applied {
        let accepted = self.accepts(findings);
        let mut applied = Applied::default();
        for (f, accepted) in findings.iter_mut().zip(accepted) {
            if accepted {
                if f.baseline.counts() {
                    f.baseline = Baseline::Accepted;
                }
                applied.accepted += 1;
            }
        }
        applied.fixed = self.entries.len() - applied.accepted;
        applied
    }

    /// The entries that still match a finding: the baseline with its fixed entries removed, with the
    /// lines where they are now.
    pub fn pruned(&self, findings: &[Finding]) -> Vec<Entry> {
        let accepted = self.accepts(findings);
        let kept: Vec<Finding> = findings
            .iter()
            .zip(accepted)
            .filter(|(_, a)| *a)
            .map(|(f, _)| f.to_owned())
            .collect();
        entries(&kept).into_iter().flatten().collect()
    }

    /// The entries of this file that `older` does not hold (counted per key: one more identical finding
    /// accepted is one entry added).
    pub fn added_since(&self, older: Option<&BaselineFile>) -> Vec<Entry> {
        let before = older.map(BaselineFile::counts).unwrap_or_default();
        let mut seen: BTreeMap<Key, usize> = BTreeMap::new();
        let mut added = Vec::new();
        for e in &self.written {
            let n = seen.entry(e.group()).or_default();
            *n += 1;
            if *n > before.get(&e.group()).copied().unwrap_or(0) {
                added.push(e.to_owned());
            }
        }
        added
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
