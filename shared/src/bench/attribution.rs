//! Attribution: which functions a benchmark's instruction-count change went to, read from the callgrind
//! files of its base and HEAD runs, and its flamegraph.
//!
//! The workspace's code is told by its files: those under HEAD's root or the base worktree's root (the
//! runners' profiles name files by absolute path). When the benchmark's own code has no line information
//! (a binary without debug info), its functions have no files, and the workspace's are told by their names
//! instead: those of the workspace's crates (`calc::parse`, `<calc::Num as Display>::fmt`).
//!
//! The functions listed are the workspace's and those whose own instructions changed; start-up and runner
//! frames (`(below main)`, `__libc_start_main`, the dynamic loader, raw addresses, `std::rt::lang_start`,
//! the runners' wrappers) are never listed: they only pass a change through.

use std::path::Path;

use crate::bench::callgrind::diff::{self, UserCode};
use crate::bench::callgrind::{CallgrindError, Profile, flamegraph};
use crate::bench::limits::Limits;
use crate::bench::summary::ProfileFiles;
use crate::errors::{Error, io};
use crate::report::bench::{Attribution, Culprit, FunctionChange, IrPair, Presence};
use crate::report::{BenchStatus, BenchmarkResult, Location, Problem, figures};

/// One benchmark's profiles: HEAD's, and the base's when it ran there.
pub struct Profiles {
    /// The base's, when it ran at the base.
    pub base: Option<Profile>,
    /// HEAD's.
    pub head: Profile,
}

impl Profiles {
    /// Reads a benchmark's files; `None` when HEAD left none.
    pub fn read(files: &ProfileFiles) -> Result<Option<Profiles>, CallgrindError> {
        if files.head.is_empty() {
            return Ok(None);
        }
        let head = Profile::read_files(&files.head)?;
        let base = if files.base.is_empty() {
            None
        } else {
            Some(Profile::read_files(&files.base)?)
        };
        Ok(Some(Profiles { base, head }))
    }
}

/// The workspace's code: its roots at HEAD and at the base, and its crates' names.
pub struct Workspace {
    /// Directory prefixes (with a trailing `/`) of the workspace's files, each with the root it stands for:
    /// HEAD's root, the base worktree's root, and their canonical forms.
    roots: Vec<String>,
    /// `calc::`-style prefixes of the workspace's crate names (targets with `-` as `_`).
    crates: Vec<String>,
}

impl Workspace {
    /// The workspace at `head` (and at `base`, its base worktree), whose crates (library, binary, bench
    /// targets) are named `crates`.
    pub fn new(head: &Path, base: Option<&Path>, crates: impl IntoIterator<Item = String>) -> Self {
        let mut roots = Vec::new();
        for root in [Some(head), base].into_iter().flatten() {
            let canonical = std::fs::canonicalize(root).ok();
            for r in [Some(root.to_owned()), canonical].into_iter().flatten() {
                let mut text = r.display().to_string();
                if !text.ends_with('/') {
                    text.push('/');
                }
                roots.push(text);
            }
        }
        // The deepest root first: the base worktree may lie inside HEAD's root.
        roots.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        roots.dedup();
        let mut crates: Vec<String> = crates
            .into_iter()
            .map(|c| format!("{}::", c.replace('-', "_")))
            .collect();
        crates.sort();
        crates.dedup();
        Workspace { roots, crates }
    }

    /// The file relative to the workspace root (at HEAD or at the base), if it is the workspace's.
    pub(crate) fn relative<'f>(&self, file: &'f str) -> Option<&'f str> {
        self.roots
            .iter()
            .find_map(|r| file.strip_prefix(r.as_str()))
    }

    /// A location to report: relative to the workspace root for its files, as named otherwise.
    fn location(&self, file: Option<&str>, line: Option<u32>) -> Option<Location> {
        let file = file?;
        Some(Location {
            file: self.relative(file).unwrap_or(file).to_owned(),
            line: line.unwrap_or(1),
            column: 1,
            length: 0,
        })
    }
}

impl UserCode for Workspace {
    fn is_user_file(&self, file: &str) -> bool {
        self.relative(file).is_some()
    }

    fn is_user_name(&self, name: &str) -> bool {
        let name = name.trim_start_matches('<');
        self.crates.iter().any(|c| name.starts_with(c.as_str()))
    }
}

/// Where the change from the base's profile to HEAD's went: the workspace function carrying most of it,
/// and the `top` functions whose counts changed most. `no_lines` says how to get line information, for
/// the note when the profiles have none.
pub fn attribute(
    base: &Profile,
    head: &Profile,
    ws: &Workspace,
    top: usize,
    no_lines: &str,
) -> Attribution {
    let line_info = base.has_line_info() && head.has_line_info();
    let functions = diff::diff(base, head)
        .into_iter()
        .filter(|c| !is_startup_frame(&c.name))
        .filter(|c| c.exclusive.delta() != 0 || is_users(c, ws))
        .take(top)
        .map(|c| FunctionChange {
            function: c.name.to_string(),
            location: ws.location(c.file.as_deref(), c.line),
            presence: match c.presence {
                diff::Presence::Both => Presence::Both,
                diff::Presence::Appeared => Presence::Appeared,
                diff::Presence::Vanished => Presence::Vanished,
            },
            exclusive: pair(c.exclusive),
            inclusive: pair(c.inclusive),
        })
        .collect();
    let culprit = diff::culprit(base, head, ws).map(|c| Culprit {
        function: c.name.to_string(),
        location: ws.location(c.file.as_deref(), c.line),
        own: pair(c.own),
        share_pct: c.share_percent,
    });
    let total_changed = base.total() != head.total();
    let note = if !line_info {
        Some(format!(
            "no line information in the profiles: functions are named without file and line, the \
             workspace's told by their crate names ({no_lines})"
        ))
    } else if culprit.is_none() && total_changed {
        Some(
            "no function of the workspace changed the way the total did: the change is in code of std or \
             dependencies reached from several places (see the functions listed)"
                .to_owned(),
        )
    } else {
        None
    };
    Attribution {
        culprit,
        functions,
        line_info,
        note,
    }
}

/// Whether a function is start-up or runner code, never the subject of an attribution: the C runtime's
/// and the dynamic loader's entry points, an address without a symbol, std's `main` wrappers, and the
/// benchmark runners' (gungraun's, iai-callgrind's) wrappers around each benchmark.
pub fn is_startup_frame(name: &str) -> bool {
    const EXACT: [&str; 4] = ["(below main)", "main", "_start", "dl_main"];
    const PREFIXES: [&str; 11] = [
        "__libc_start",
        "_dl_",
        "__GI_",
        "_init",
        "std::rt::",
        "std::sys::backtrace::__rust_begin_short_backtrace",
        "std::panicking::try",
        "std::panic::catch_unwind",
        "gungraun::",
        "iai_callgrind::",
        "core::ops::function::FnOnce::call_once",
    ];
    const INSIDE: [&str; 3] = [
        "__gungraun_wrapper_mod",
        "__iai_callgrind_wrapper_mod",
        "lang_start",
    ];
    let raw_address = name
        .strip_prefix("0x")
        .is_some_and(|hex| !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()));
    raw_address
        || EXACT.contains(&name)
        || PREFIXES.iter().any(|p| name.starts_with(p))
        || INSIDE.iter().any(|i| name.contains(i))
}

/// Whether a changed function is the workspace's, by its file or (without one) its name.
fn is_users(c: &diff::FunctionChange, ws: &Workspace) -> bool {
    match c.file.as_deref() {
        Some(file) => ws.is_user_file(file),
        None => ws.is_user_name(&c.name),
    }
}

fn pair(c: diff::Change) -> IrPair {
    IrPair {
        before: c.before,
        after: c.after,
    }
}

/// Writes the flamegraph of a benchmark to `path`: differential with a base (red where HEAD executes more,
/// blue where fewer), HEAD's alone without.
pub fn write_flamegraph(profiles: &Profiles, title: &str, path: &Path) -> Result<(), Error> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io("could not create", dir))?;
    }
    let file = std::fs::File::create(path).map_err(io("could not write", path))?;
    let mut out = std::io::BufWriter::new(file);
    match &profiles.base {
        Some(base) => flamegraph::differential_svg(base, &profiles.head, title, &mut out),
        None => flamegraph::svg(&profiles.head, title, &mut out),
    }
    .and_then(|()| std::io::Write::flush(&mut out))
    .map_err(io("could not write", path))
}

/// The file name of a benchmark's flamegraph: its package and name, with anything but letters, digits,
/// `.`, `_` and `-` as `_`.
pub fn flamegraph_name(package: &str, name: &str) -> String {
    let safe = |s: &str| -> String {
        s.replace("::", ".")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    format!("{}-{}.svg", safe(package), safe(name))
}

/// What the attribution of each benchmark needs.
pub struct Attributing<'a> {
    /// The workspace's code.
    pub ws: &'a Workspace,
    /// The workspace root, to show flamegraph paths relative to it.
    pub root: &'a Path,
    /// Where flamegraphs go.
    pub dir: &'a Path,
    /// How many functions to list.
    pub top: usize,
    /// A flamegraph for every benchmark (`--profile`).
    pub all: bool,
    /// The limits, to tell a change beyond them.
    pub limits: &'a Limits,
}

impl Attributing<'_> {
    /// Reads a benchmark's callgrind files and attributes it (see [`Attributing::attribute_profiles`]).
    /// A profile that cannot be read is a problem of the report: the figures stand without it.
    pub fn attribute(
        &self,
        b: &mut BenchmarkResult,
        files: &ProfileFiles,
        no_lines: &str,
        problems: &mut Vec<Problem>,
    ) {
        if !self.wanted(b) {
            return;
        }
        match Profiles::read(files) {
            Ok(Some(p)) => self.attribute_profiles(b, &p, no_lines, problems),
            Ok(None) => problems.push(problem(format!(
                "`{}` left no callgrind file: it is not attributed",
                b.name
            ))),
            Err(e) => problems.push(problem(format!("`{}` is not attributed: {e}", b.name))),
        }
    }

    /// Whether `b` is attributed or drawn at all: its count moved beyond its noise floor, or `--profile`
    /// asks for every one.
    fn wanted(&self, b: &BenchmarkResult) -> bool {
        self.all || moved(b)
    }

    /// Attributes a benchmark whose count changed, and writes its flamegraph when it changed beyond its
    /// limit (or for any benchmark with `--profile`). A flamegraph that cannot be written is a problem of
    /// the report. `no_lines` says how to get line information.
    pub fn attribute_profiles(
        &self,
        b: &mut BenchmarkResult,
        profiles: &Profiles,
        no_lines: &str,
        problems: &mut Vec<Problem>,
    ) {
        if !self.wanted(b) {
            return;
        }
        let ir = &b.primary;
        let changed = moved(b);
        let beyond = match b.status {
            BenchStatus::Regressed => true,
            BenchStatus::Improved => ir
                .change_pct
                .is_some_and(|pct| -pct > self.limits.pct_for(&b.name)),
            _ => false,
        };
        if let Some(base) = profiles.base.as_ref().filter(|_| changed) {
            b.attribution = Some(attribute(base, &profiles.head, self.ws, self.top, no_lines));
        }
        if beyond || self.all {
            let path = self.dir.join(flamegraph_name(&b.package, &b.name));
            let after = figures::value("Ir", b.primary.after);
            let shown = match (b.primary.before, b.primary.change_pct) {
                (Some(before), Some(pct)) => format!(
                    "{} -> {after} ({})",
                    figures::count(before),
                    figures::percent(pct)
                ),
                _ => after,
            };
            let title = format!("{}: {shown}", b.name);
            match write_flamegraph(profiles, &title, &path) {
                Ok(()) => {
                    let shown = path.strip_prefix(self.root).unwrap_or(&path);
                    b.flamegraph = Some(shown.display().to_string());
                }
                Err(e) => problems.push(problem(format!("no flamegraph for `{}`: {e}", b.name))),
            }
        }
    }
}

/// Whether a benchmark's count moved beyond its noise floor (a change within it is none).
fn moved(b: &BenchmarkResult) -> bool {
    b.status != BenchStatus::Unchanged
        && b.primary
            .before
            .is_some_and(|before| before != b.primary.after)
}

fn problem(message: String) -> Problem {
    Problem {
        location: None,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(text: &str) -> Profile {
        Profile::read(text.as_bytes(), Path::new("test.out")).unwrap()
    }

    /// `main` (std) -> `calc::a` -> `calc::b` -> `calc::c`, in /ws, `c` costing `c_cost`; without files,
    /// as a binary without debug info has them: `???` and line 0.
    fn chain(files: bool, c_cost: u64) -> Profile {
        let (std, lib) = if files {
            ("/rustc/x/library/std/src/rt.rs", "/ws/calc/src/lib.rs")
        } else {
            ("???", "???")
        };
        let l = |line: u32| if files { line } else { 0 };
        profile(&format!(
            "events: Ir\nfl={std}\nfn=main\n{} 1\ncfn=calc::a\ncalls=1 1\n{} {a}\n\
             fl={lib}\nfn=calc::a\n{} 10\ncfn=calc::b\ncalls=1 5\n{} {b}\n\
             fn=calc::b\n{} 10\ncfn=calc::c\ncalls=1 22\n{} {c_cost}\n\
             fn=calc::c\n{} {c_cost}\n",
            l(1),
            l(2),
            l(1),
            l(2),
            l(5),
            l(6),
            l(22),
            a = 20 + c_cost,
            b = 10 + c_cost,
        ))
    }

    #[test]
    fn the_culprit_is_located_in_the_workspace_and_its_share_is_the_impact() {
        let ws = Workspace::new(Path::new("/ws"), None, ["calc".to_owned()]);
        let a = attribute(&chain(true, 100), &chain(true, 200), &ws, 10, "");
        let c = a.culprit.as_ref().unwrap();
        assert_eq!(c.function, "calc::c");
        assert_eq!(
            c.location.as_ref().unwrap().to_string(),
            "calc/src/lib.rs:22"
        );
        assert_eq!(
            crate::report::bench::impact(c),
            "+100 Ir in `calc::c` (calc/src/lib.rs:22), 100.0% of the change"
        );
        assert!(a.line_info && a.note.is_none());
        assert_eq!(a.functions[0].function, "calc::c");
        assert_eq!(
            a.functions[0].exclusive,
            IrPair {
                before: 100,
                after: 200
            }
        );
        let top_one = attribute(&chain(true, 100), &chain(true, 200), &ws, 1, "");
        assert_eq!(top_one.functions.len(), 1);
    }

    #[test]
    fn without_files_the_workspace_is_told_by_crate_names_and_the_note_says_why() {
        let ws = Workspace::new(Path::new("/ws"), None, ["calc".to_owned()]);
        let a = attribute(
            &chain(false, 200),
            &chain(false, 100),
            &ws,
            10,
            "build with debug info",
        );
        let c = a.culprit.unwrap();
        assert_eq!((c.function.as_str(), c.own.delta()), ("calc::c", -100));
        assert_eq!(c.location, None);
        assert!(!a.line_info);
        assert!(
            a.note.as_deref().unwrap().contains("no line information"),
            "{:?}",
            a.note
        );
        let other = Workspace::new(Path::new("/ws"), None, ["other".to_owned()]);
        let none = attribute(&chain(false, 200), &chain(false, 100), &other, 10, "");
        assert!(none.culprit.is_none());
    }

    #[test]
    fn base_worktree_files_are_the_workspace_too() {
        let ws = Workspace::new(
            Path::new("/ws"),
            Some(Path::new("/ws/target/lumen-gate/ws-1/bench-base")),
            Vec::new(),
        );
        assert!(ws.is_user_file("/ws/target/lumen-gate/ws-1/bench-base/calc/src/lib.rs"));
        assert_eq!(
            ws.location(
                Some("/ws/target/lumen-gate/ws-1/bench-base/calc/src/lib.rs"),
                Some(3)
            )
            .unwrap()
            .file,
            "calc/src/lib.rs"
        );
        assert!(!ws.is_user_file("/rustc/abc/library/core/src/hint.rs"));
        assert!(!ws.is_user_file("/wsx/lib.rs"));
        assert_eq!(
            ws.location(Some("/rustc/a.rs"), None).unwrap().to_string(),
            "/rustc/a.rs:1"
        );
    }

    #[test]
    fn crate_names_include_trait_impls_but_not_generic_std_functions() {
        let ws = Workspace::new(Path::new("/ws"), None, ["my-calc".to_owned()]);
        assert!(ws.is_user_name("my_calc::parse"));
        assert!(ws.is_user_name("<my_calc::Num as core::fmt::Display>::fmt"));
        assert!(!ws.is_user_name("core::ptr::drop_in_place<my_calc::Num>"));
        assert!(!ws.is_user_name("my_calculator::x"));
    }

    /// Not a check: the attribution of two large callgrind files named by `LUMEN_GATE_BIG_BASE` and
    /// `LUMEN_GATE_BIG_HEAD`, as a benchmark's is, for `scripts/attribution-cost.sh` to measure its time and
    /// peak memory.
    #[test]
    #[ignore = "a measurement: run by scripts/attribution-cost.sh on large files"]
    fn attribute_large_files() {
        use std::io::Write;
        let file = |var: &str| -> Vec<std::path::PathBuf> {
            let path = std::env::var_os(var).unwrap_or_else(|| {
                panic!("set {var} to a callgrind file (scripts/attribution-cost.sh)")
            });
            vec![path.into()]
        };
        let files = ProfileFiles {
            base: file("LUMEN_GATE_BIG_BASE"),
            head: file("LUMEN_GATE_BIG_HEAD"),
        };
        let started = std::time::Instant::now();
        let profiles = Profiles::read(&files).unwrap().unwrap();
        let read = started.elapsed();
        let ws = Workspace::new(Path::new("/nowhere"), None, ["big".to_owned()]);
        let a = attribute(profiles.base.as_ref().unwrap(), &profiles.head, &ws, 10, "");
        let dir = tempfile::tempdir().unwrap();
        let svg = dir.path().join("big.svg");
        write_flamegraph(&profiles, "big", &svg).unwrap();
        let shown = format!(
            "read both in {read:?}; attributed, flamegraph written in {:?} in all ({} functions listed, svg {} bytes)",
            started.elapsed(),
            a.functions.len(),
            std::fs::metadata(&svg).unwrap().len()
        );
        writeln!(std::io::stdout(), "{shown}").unwrap();
    }

    #[test]
    fn start_up_and_runner_frames_are_never_listed() {
        for frame in [
            "(below main)",
            "__libc_start_main",
            "__libc_start_call_main",
            "_dl_start",
            "0x0000000000001040",
            "main",
            "std::rt::lang_start_internal",
            "std::rt::lang_start::{{closure}}",
            "std::sys::backtrace::__rust_begin_short_backtrace",
            "calc_bench::bench_sum::__gungraun_wrapper_mod::bench_sum",
            "gungraun::client_requests::x",
        ] {
            assert!(is_startup_frame(frame), "{frame}");
        }
        for user in [
            "calc::main",
            "calc::parse",
            "0xcafe::not_an_address",
            "memcpy",
        ] {
            assert!(!is_startup_frame(user), "{user}");
        }
        // The chain's `main` (a start-up frame) passes the change through: only `calc::*` are listed.
        let ws = Workspace::new(Path::new("/ws"), None, ["calc".to_owned()]);
        let a = attribute(&chain(true, 100), &chain(true, 200), &ws, 10, "");
        let listed: Vec<&str> = a.functions.iter().map(|f| f.function.as_str()).collect();
        assert_eq!(listed.first(), Some(&"calc::c"), "{listed:?}");
        assert!(!listed.contains(&"main"), "{listed:?}");
    }

    #[test]
    fn flamegraph_names_are_file_safe() {
        assert_eq!(
            flamegraph_name("calc", "calc::arithmetic::sum.hundred"),
            "calc-calc.arithmetic.sum.hundred.svg"
        );
        assert_eq!(flamegraph_name("a b", "x/y"), "a_b-x_y.svg");
    }
}
