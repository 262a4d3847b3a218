//! Measured hot paths: the workspace functions that carry a benchmark's instructions.
//!
//! After the benchmarks run, each function's inclusive share of each benchmark's instructions is read from
//! HEAD's callgrind profile of that benchmark (its lines are those of the code under review). A workspace
//! function whose share is at least `[bench] hot-share` (default `"1%"`) in any benchmark is hot, as if
//! declared: the lints apply their hot-path rules to it, with the share and the call count as evidence.
//! Start-up and runner frames are never hot. The list is in the bench report (`measured_hot`) and stored
//! in the workspace's state directory (`measured-hot.json`), so a later `cargo lumen-gate` without
//! `--bench` uses it without running anything ([`load`]).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::bench::attribution::{self, is_startup_frame};

use crate::bench::callgrind::diff::UserCode;
use crate::bench::callgrind::{Function, FunctionId, Profile};
use crate::errors::{Error, Result};
pub use crate::report::bench::MeasuredHot;

/// The default `[bench] hot-share`: 1% of a benchmark's instructions, inclusive.
pub const DEFAULT_SHARE_PCT: f64 = 1.0;

/// The file under the state directory holding the latest measured list.
const FILE: &str = "measured-hot.json";

/// How many callers `callers` lists at most.
const MAX_CALLERS: usize = 8;

/// The workspace functions of `profile` (benchmark `benchmark`) whose inclusive share is at least
/// `min_share` (0 to 1), the largest first.
pub fn measure(
    profile: &Profile,
    benchmark: &str,
    ws: &attribution::Workspace,
    min_share: f64,
) -> Vec<MeasuredHot> {
    let total = profile.total();
    if total == 0 {
        return Vec::new();
    }
    let mut callers: HashMap<FunctionId, Vec<(FunctionId, u64)>> = HashMap::new();
    let mut calls: HashMap<FunctionId, u64> = HashMap::new();
    for c in profile.calls().iter().filter(|c| c.caller != c.callee) {
        callers
            .entry(c.callee)
            .or_default()
            .push((c.caller, c.inclusive));
        *calls.entry(c.callee).or_default() += c.count;
    }
    let mut by_name: BTreeMap<&str, MeasuredHot> = BTreeMap::new();
    for f in profile.functions() {
        let share = f.inclusive as f64 / total as f64;
        if share < min_share || is_startup_frame(&f.name) || !is_users(f, ws) {
            continue;
        }
        let (file, line) = location(f, ws);
        let hot = MeasuredHot {
            function: f.name.to_string(),
            file,
            line,
            benchmark: benchmark.to_owned(),
            share,
            calls: calls.get(&f.id).copied().unwrap_or(0),
            callers: chain(profile, f.id, &callers, ws),
        };
        let keep = by_name
            .get(&*f.name)
            .is_none_or(|known| known.share < hot.share);
        if keep {
            by_name.insert(&f.name, hot);
        }
    }
    let mut hot: Vec<MeasuredHot> = by_name.into_values().collect();
    hot.sort_by(|a, b| {
        b.share
            .total_cmp(&a.share)
            .then_with(|| a.function.cmp(&b.function))
    });
    hot
}

/// Whether `f` is the workspace's: its file or a file of code inlined into it is, or (without files)
/// its name is a workspace crate's.
fn is_users(f: &Function, ws: &attribution::Workspace) -> bool {
    match f.file.as_deref() {
        Some(file) => {
            ws.is_user_file(file)
                || f.sources
                    .iter()
                    .any(|s| s.exclusive > 0 && ws.is_user_file(&s.file))
        }
        None => ws.is_user_name(&f.name),
    }
}

/// The workspace file holding most of `f`'s own cost (relative to the root) and its first line there.
fn location(f: &Function, ws: &attribution::Workspace) -> (Option<String>, Option<u32>) {
    let source = f
        .sources
        .iter()
        .find(|s| s.exclusive > 0 && ws.is_user_file(&s.file));
    let (file, line) = match source {
        Some(s) => (Some(&*s.file), s.line),
        None => (f.file.as_deref(), f.line),
    };
    match file.and_then(|file| ws.relative(file)) {
        Some(rel) => (Some(rel.to_owned()), line),
        None => (None, None),
    }
}

/// The workspace callers that made `id` hot, outermost first: from `id` up, the caller spending the
/// most in it at each step (through std and dependency frames, which are not listed), until start-up.
fn chain(
    profile: &Profile,
    id: FunctionId,
    callers: &HashMap<FunctionId, Vec<(FunctionId, u64)>>,
    ws: &attribution::Workspace,
) -> Vec<String> {
    let mut seen = vec![id];
    let mut names = Vec::new();
    let mut current = id;
    while names.len() < MAX_CALLERS && seen.len() < 64 {
        let next = callers
            .get(&current)
            .into_iter()
            .flatten()
            .filter(|(caller, _)| !seen.contains(caller))
            .filter_map(|(caller, ir)| Some((profile.function(*caller)?, *ir)))
            .filter(|(f, _)| !is_startup_frame(&f.name))
            .max_by_key(|(f, ir)| (*ir, std::cmp::Reverse(f.name.to_string())));
        let Some((f, _)) = next else { break };
        if is_users(f, ws) {
            names.push(f.name.to_string());
        }
        seen.push(f.id);
        current = f.id;
    }
    names.reverse();
    names
}

/// The stored list's path in the workspace's state directory.
pub fn path(state_dir: &Path) -> PathBuf {
    state_dir.join(FILE)
}

/// The latest measured list of the workspace whose state directory is `state_dir`: empty when no
/// benchmark has run there yet.
pub fn load(state_dir: &Path) -> Result<Vec<MeasuredHot>> {
    let file = path(state_dir);
    let text = match std::fs::read_to_string(&file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io("could not read", &file, e)),
    };
    serde_json::from_str(&text).map_err(|e| {
        Error::usage(
            format!("{} is not a measured hot-path list: {e}", file.display()),
            Some(
                "delete it: the next `cargo lumen-bench` (or `cargo lumen-gate --bench`) writes it again"
                    .to_owned(),
            ),
        )
    })
}

/// Stores `measured` as the latest list: the entries of benchmarks that did not run this time (another
/// partition, another package) are kept.
pub fn store(state_dir: &Path, measured: &[MeasuredHot], ran: &[String]) -> Result<()> {
    let mut all: Vec<MeasuredHot> = load(state_dir)
        .unwrap_or_default()
        .into_iter()
        .filter(|h| !ran.contains(&h.benchmark))
        .collect();
    all.extend_from_slice(measured);
    let file = path(state_dir);
    let text = serde_json::to_string_pretty(&all)
        .map_err(|e| Error::usage(format!("could not write {}: {e}", file.display()), None))?;
    std::fs::write(&file, text).map_err(|e| Error::io("could not write", &file, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `main` (start-up) -> `app::run` -> `app::hot` (called 1000 times, nearly all the cost) and
    /// `app::cold` (once, a little); `app::hot` calls std's `HashMap::get`.
    fn profile() -> Profile {
        let text = "events: Ir\n\
             fl=/rustc/x/library/std/src/rt.rs\nfn=main\n1 5\ncfn=app::run\ncalls=1 1\n1 100500\n\
             fl=/ws/app/src/main.rs\nfn=app::run\n3 100\ncfn=app::hot\ncalls=1000 10\n4 99000\n\
             cfn=app::cold\ncalls=1 20\n5 400\n\
             fn=app::hot\n10 60000\ncfl=/rustc/x/library/std/src/collections/hash/map.rs\n\
             cfn=std::collections::hash::map::HashMap::get\ncalls=1000 1\n11 39000\n\
             fn=app::cold\n20 300\ncfl=/rustc/x/library/std/src/collections/hash/map.rs\n\
             cfn=std::collections::hash::map::HashMap::get\ncalls=1 1\n21 100\n\
             fl=/rustc/x/library/std/src/collections/hash/map.rs\n\
             fn=std::collections::hash::map::HashMap::get\n1 39100\n";
        Profile::read(text.as_bytes(), Path::new("test.out")).unwrap()
    }

    #[test]
    fn the_function_carrying_the_instructions_is_hot_with_its_calls_and_callers() {
        let ws = attribution::Workspace::new(Path::new("/ws"), None, ["app".to_owned()]);
        let hot = measure(&profile(), "sum", &ws, 0.01);
        let names: Vec<&str> = hot.iter().map(|h| h.function.as_str()).collect();
        // `main` is start-up, HashMap::get is std's: neither is listed; `cold` is under 1%.
        assert_eq!(names, ["app::run", "app::hot"], "{hot:#?}");
        let h = &hot[1];
        assert!(h.share > 0.9, "{h:?}");
        assert_eq!(h.calls, 1000);
        assert_eq!(
            (h.file.as_deref(), h.line, h.benchmark.as_str()),
            (Some("app/src/main.rs"), Some(10), "sum")
        );
        assert_eq!(h.callers, ["app::run"]);
        let everything = measure(&profile(), "sum", &ws, 0.0);
        let cold = everything
            .iter()
            .find(|h| h.function == "app::cold")
            .unwrap();
        assert!(cold.share < 0.01, "{cold:?}");
    }

    #[test]
    fn the_stored_list_keeps_the_benchmarks_that_did_not_run() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(dir.path()).unwrap().is_empty());
        let ws = attribution::Workspace::new(Path::new("/ws"), None, ["app".to_owned()]);
        let first = measure(&profile(), "a", &ws, 0.01);
        store(dir.path(), &first, &["a".to_owned()]).unwrap();
        let second = measure(&profile(), "b", &ws, 0.5);
        store(dir.path(), &second, &["b".to_owned()]).unwrap();
        let loaded = load(dir.path()).unwrap();
        assert_eq!(loaded.len(), first.len() + second.len());
        std::fs::write(path(dir.path()), "{").unwrap();
        assert!(load(dir.path()).is_err());
    }
}
