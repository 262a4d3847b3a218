//! Finding a target's source files through its module tree: `mod x;` to `x.rs` or `x/mod.rs`, nested
//! directories, inline modules and `#[path]`, each file parsed with syn. Files that cannot be read or
//! parsed become [`SourceProblem`]s; the rest of the tree is still read.
//!
//! syn's syntax trees cannot leave the thread that parsed them (proc-macro2 keeps span locations in a
//! thread-local map), so the walk takes the analysis as a callback, run in the parsing thread on each file,
//! and collects its `Send` result. Files are parsed once, in parallel.

use std::collections::BTreeSet;
use std::sync::{Mutex, OnceLock};

use camino::{Utf8Path, Utf8PathBuf};
use rayon::prelude::*;

use crate::report::{Location, Problem};
use crate::source::attrs::{is_cfg_test, is_conditional, path_attrs};
use crate::workspace::relative_to;

/// One source file of a crate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleFile {
    /// The file.
    pub path: Utf8PathBuf,
    /// Its module path inside the crate (`[]` for the crate root, `["vm", "dispatch"]`...).
    pub module_path: Vec<String>,
    /// True if the file is only reached through `#[cfg(test)]` modules.
    pub test_only: bool,
}

/// A file of the module tree that could not be read or parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceProblem {
    /// The file (or the file declaring a missing module).
    pub path: Utf8PathBuf,
    /// 1-based line, when known.
    pub line: u32,
    /// 1-based column, when known.
    pub column: u32,
    /// What went wrong.
    pub message: String,
}

/// What a walk found: each file with the analysis result, and the files that could not be read.
pub type WalkResult<R> = (Vec<(ModuleFile, R)>, Vec<SourceProblem>);

/// A `mod` item of a file, as much of it as the walk needs to find the module's file: what the tree
/// walk reads from a parsed file, and what a cache keeps so a file need not be parsed again.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ModDecl {
    /// The inline modules (`mod a { .. }`) it is declared in, outermost first.
    pub inline_path: Vec<String>,
    /// Its name.
    pub name: String,
    /// `None` for an inline module (its items are in `inline_path` of the declarations below it).
    pub file: Option<ModFile>,
    /// `#[cfg(test)]` on it or an enclosing inline module.
    pub test: bool,
}

/// Where a `mod x;` is declared, and its `#[path]`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ModFile {
    /// `#[path = ".."]`, or the `#[cfg_attr(.., path = "..")]` alternatives in order.
    pub path_attrs: Vec<String>,
    /// Under `#[cfg(..)]` or `#[cfg_attr(..)]`: a missing file may be one this build never reads.
    pub conditional: bool,
    /// 1-based line of its name.
    pub line: u32,
    /// 1-based column of its name.
    pub column: u32,
}

/// What a walk does with each file.
pub trait Analysis: Sync {
    /// The result for one file.
    type Output: Send;

    /// The result and module declarations of `file` from an earlier run, when still valid for its
    /// `text`: the file is then not parsed. `stamp` is the file's stamp taken before its text was read,
    /// to be recorded with a hit.
    fn cached(
        &self,
        _file: &ModuleFile,
        _text: &str,
        _stamp: Option<&FileStamp>,
    ) -> Option<(Self::Output, Vec<ModDecl>)> {
        None
    }

    /// The result and module declarations of `file` from an earlier run, when its [`FileStamp`] (taken
    /// before any read) is the one recorded with them then: the file is then not even read. An analysis
    /// answers only for stamps it recorded as safe (see [`FileStamp::settled`]).
    fn unchanged(
        &self,
        _file: &ModuleFile,
        _stamp: &FileStamp,
    ) -> Option<(Self::Output, Vec<ModDecl>)> {
        None
    }

    /// Analyzes a parsed file.
    fn analyze(&self, file: &ModuleFile, ast: &syn::File, text: &str) -> Self::Output;

    /// A fresh analysis of `file` and its module declarations, to be kept for a later run, with the
    /// file's stamp taken before its text was read.
    fn analyzed(
        &self,
        _file: &ModuleFile,
        _text: &str,
        _stamp: Option<&FileStamp>,
        _out: &Self::Output,
        _decls: &[ModDecl],
    ) {
    }

    /// The walk looked for a module's file at `path` and found something there (`exists`) or not. Every
    /// place a `mod` item could be read from is reported, whether it exists or not: a cache of the walk
    /// is valid only while each is as it was.
    fn looked_for(&self, _path: &Utf8Path, _exists: bool) {}

    /// Files larger than this many bytes are not read (a problem each): [`DEFAULT_MAX_FILE_SIZE`] unless
    /// configured.
    fn max_file_size(&self) -> u64 {
        DEFAULT_MAX_FILE_SIZE
    }
}

/// What the file system says of a file without reading it (size, modification and change times, identity),
/// taken before its text is read: while it is the same, the text is taken to be the same, the way git's
/// index, cargo's fingerprints and ruff's cache decide. A stamp is trusted only once [`settled`](Self::settled).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileStamp {
    /// Size in bytes.
    pub len: u64,
    /// Last modification, in nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
    /// Last status change (a rename, a `chmod`, a write), in nanoseconds since the Unix epoch (0 where the
    /// platform has none).
    pub ctime_ns: i64,
    /// Inode number (0 where the platform has none).
    pub inode: u64,
    /// Device (0 where the platform has none).
    pub dev: u64,
}

/// How far a file's times must lie before the start of a run for its stamp to be trusted: 2 seconds, the
/// coarsest granularity of common file systems (FAT's modification time; ext3, HFS+ and some network file
/// systems keep whole seconds). A file written in the same tick as the stamp was taken can be written
/// again, with the same size, and keep the same times; once its times are older than a tick before the
/// run started, any later write gives it a newer time than the recorded one ("racy git").
pub(crate) const STAMP_SETTLE_NS: i64 = 2_000_000_000;

impl FileStamp {
    /// The stamp of a file from its metadata (`None` where the platform gives no modification time).
    pub fn of(meta: &std::fs::Metadata) -> Option<FileStamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let ns =
                |secs: i64, nanos: i64| secs.saturating_mul(1_000_000_000).saturating_add(nanos);
            Some(FileStamp {
                len: meta.len(),
                mtime_ns: ns(meta.mtime(), meta.mtime_nsec()),
                ctime_ns: ns(meta.ctime(), meta.ctime_nsec()),
                inode: meta.ino(),
                dev: meta.dev(),
            })
        }
        #[cfg(not(unix))]
        {
            let modified = meta
                .modified()
                .ok()?
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?;
            Some(FileStamp {
                len: meta.len(),
                mtime_ns: i64::try_from(modified.as_nanos()).ok()?,
                ctime_ns: 0,
                inode: 0,
                dev: 0,
            })
        }
    }

    /// True when the file's times lie more than [`STAMP_SETTLE_NS`] before `run_start_ns` (nanoseconds
    /// since the Unix epoch): only then may the stamp stand for the text read after it.
    pub fn settled(&self, run_start_ns: i64) -> bool {
        self.mtime_ns.max(self.ctime_ns) < run_start_ns.saturating_sub(STAMP_SETTLE_NS)
    }
}

/// The size past which a source file is not read: 4 MiB. Parsing costs about a hundred times a file's
/// size in memory, so this bounds a run near half a gigabyte per parsing thread; hand-written Rust files
/// are far smaller (a generated one can be allowed with `[lints] max-file-size`).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 4 << 20;

/// A closure as an [`Analysis`] without a cache.
struct Closure<'a, F>(&'a F);

impl<R, F> Analysis for Closure<'_, F>
where
    R: Send,
    F: Fn(&ModuleFile, &syn::File, &str) -> R + Sync,
{
    type Output = R;

    fn analyze(&self, file: &ModuleFile, ast: &syn::File, text: &str) -> R {
        (self.0)(file, ast, text)
    }
}

/// Reads the module tree rooted at `root_file` (a target's `src_path`) and runs `analyze` on each parsed
/// file. `#[cfg(test)]` modules are followed only when `include_tests` is set (their files are then
/// marked `test_only`).
pub fn crate_files<R, F>(root_file: &Utf8Path, include_tests: bool, analyze: &F) -> WalkResult<R>
where
    R: Send,
    F: Fn(&ModuleFile, &syn::File, &str) -> R + Sync,
{
    walk(root_file, include_tests, &Closure(analyze))
}

/// [`crate_files`] with an [`Analysis`] that may answer from a cache.
pub fn walk<A: Analysis>(
    root_file: &Utf8Path,
    include_tests: bool,
    analysis: &A,
) -> WalkResult<A::Output> {
    on_big_stacks(|| walk_here(root_file, include_tests, analysis))
}

/// Parsing, walking and dropping a syntax tree recurse once per level of nesting: they run on threads
/// with this much stack (reserved, committed only as used). With [`MAX_NESTING`] and [`MAX_CHAIN`] it
/// holds any file that passes [`too_deep`].
const STACK_SIZE: usize = 256 << 20;
/// Files with brackets nested deeper than this are not parsed (rustc itself stops at a few hundred).
const MAX_NESTING: usize = 1_000;
/// Files with more operator characters than this in one run (no `;`, `,` or brace between them, at one
/// bracket depth) are not parsed: `a + a + .. + a` nests one level per operator.
const MAX_CHAIN: usize = 50_000;

/// The parsing pool, started on first use.
fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| big_stack_pool(None)).as_ref()
}

/// The pool [`on_spare_cores`] runs on: one core fewer than the machine has (at least one thread).
fn spare_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        big_stack_pool(Some(cores.saturating_sub(1).max(1)))
    })
    .as_ref()
}

thread_local! {
    /// Set on the threads of the pools with [`STACK_SIZE`] of stack.
    static ON_BIG_STACK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// A pool of threads with [`STACK_SIZE`] of stack: `threads` of them, or rayon's default.
fn big_stack_pool(threads: Option<usize>) -> Option<rayon::ThreadPool> {
    let mut builder = rayon::ThreadPoolBuilder::new()
        .stack_size(STACK_SIZE)
        .thread_name(|i| format!("lumen-parse-{i}"))
        .start_handler(|_| ON_BIG_STACK.with(|on| on.set(true)));
    if let Some(threads) = threads {
        builder = builder.num_threads(threads);
    }
    builder.build().ok()
}

/// Starts the parsing pool's threads, so that a first walk need not: called on a thread of its own while
/// the caller waits for something else (`cargo metadata`).
pub(crate) fn start_pool() {
    let _started = pool();
}

/// Runs `f` on the parsing pool, whose threads have [`STACK_SIZE`] of stack: walks started inside `f` (from
/// several threads of the pool, with rayon's parallel iterators) run on the same pool. Already on such a
/// thread, `f` runs where it is, on the pool it is on.
pub(crate) fn on_big_stacks<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    if ON_BIG_STACK.with(std::cell::Cell::get) {
        return f();
    }
    match pool() {
        Some(pool) => pool.install(f),
        None => f(),
    }
}

/// Runs `f`, and the walks inside it, on threads with [`STACK_SIZE`] of stack that leave one core free:
/// for work done while another process (`cargo metadata`) runs, which would otherwise share every core
/// with the pool's threads and be slowed by them.
pub(crate) fn on_spare_cores<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    match spare_pool() {
        Some(pool) => pool.install(f),
        None => f(),
    }
}

/// Why `text` is nested too deeply to parse safely, if it is: a cheap pass over its bytes (string
/// literals and comments skipped roughly; a miscount only errs on either side of a limit far from real
/// code).
fn too_deep(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut max_depth = 0usize;
    let mut run = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                max_depth = max_depth.max(depth);
                run = 0;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                run = 0;
            }
            b';' | b',' => run = 0,
            b'.' | b'+' | b'-' | b'*' | b'/' | b'%' | b'&' | b'|' | b'^' | b'<' | b'>' | b'=' => {
                run += 1;
                if run > MAX_CHAIN {
                    return Some(format!(
                        "more than {MAX_CHAIN} operators in one expression: too deep to parse safely"
                    ));
                }
            }
            _ => {}
        }
        i += 1;
    }
    (max_depth > MAX_NESTING).then(|| {
        format!(
            "brackets nested {max_depth} deep (more than {MAX_NESTING}): too deep to parse safely"
        )
    })
}

fn walk_here<A: Analysis>(
    root_file: &Utf8Path,
    include_tests: bool,
    analysis: &A,
) -> WalkResult<A::Output> {
    let walker = Walker {
        analysis,
        include_tests,
        visited: Mutex::new(BTreeSet::new()),
        files: Mutex::new(Vec::new()),
        problems: Mutex::new(Vec::new()),
    };
    let child_dir = root_file
        .parent()
        .map(Utf8Path::to_owned)
        .unwrap_or_default();
    walker.visit_file(
        root_file.to_owned(),
        None,
        Vec::new(),
        child_dir,
        false,
        false,
    );
    let mut files = walker.files.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut problems = walker
        .problems
        .into_inner()
        .unwrap_or_else(|e| e.into_inner());
    files.sort_by(|a, b| a.0.path.cmp(&b.0.path));
    problems.sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)));
    (files, problems)
}

/// The `mod` items of a parsed file, inline modules' own ones included.
pub fn mod_decls(items: &[syn::Item]) -> Vec<ModDecl> {
    let mut out = Vec::new();
    collect_decls(items, &[], false, &mut out);
    out
}

fn collect_decls(items: &[syn::Item], inline: &[String], test: bool, out: &mut Vec<ModDecl>) {
    for item in items {
        let syn::Item::Mod(m) = item else { continue };
        let name = m.ident.to_string();
        let test = test || is_cfg_test(&m.attrs);
        match &m.content {
            Some((_, inner)) => {
                out.push(ModDecl {
                    inline_path: inline.to_vec(),
                    name: name.to_owned(),
                    file: None,
                    test,
                });
                let mut path = inline.to_vec();
                path.push(name);
                collect_decls(inner, &path, test, out);
            }
            None => {
                let start = m.ident.span().start();
                out.push(ModDecl {
                    inline_path: inline.to_vec(),
                    name,
                    file: Some(ModFile {
                        path_attrs: path_attrs(&m.attrs),
                        conditional: is_conditional(&m.attrs),
                        line: start.line as u32,
                        column: start.column as u32 + 1,
                    }),
                    test,
                });
            }
        }
    }
}

/// The names of the modules the crate root `root_file` declares (`mod x;` and inline `mod x { .. }`, test
/// modules included), sorted. Modules declared by macros are not seen.
pub fn top_level_modules(root_file: &Utf8Path) -> Result<Vec<String>, SourceProblem> {
    on_big_stacks(|| {
        let (_, ast) = parse(root_file)?;
        let mut names: Vec<String> = ast
            .items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Mod(m) => Some(m.ident.to_string()),
                _ => None,
            })
            .collect();
        names.sort_unstable();
        names.dedup();
        Ok(names)
    })
}

/// Reads and parses one file: its text and syntax tree.
fn parse(path: &Utf8Path) -> Result<(String, syn::File), SourceProblem> {
    let text = read(path, DEFAULT_MAX_FILE_SIZE)?;
    let ast = parse_text(path, &text)?;
    Ok((text, ast))
}

/// What a path that is not a regular file is (after symlinks): named in its problem.
fn not_regular(kind: std::fs::FileType) -> Option<&'static str> {
    if kind.is_file() {
        return None;
    }
    if kind.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_char_device() || kind.is_block_device() {
            return Some("a device");
        }
        if kind.is_fifo() {
            return Some("a named pipe");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
    }
    Some("a special file")
}

/// Reads one source file as UTF-8: only a regular file (a symlink to `/dev/zero` or a named pipe is
/// never read), and only up to `limit` bytes.
fn read(path: &Utf8Path, limit: u64) -> Result<String, SourceProblem> {
    let bytes = read_bytes(path, limit)?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u32
            + 1;
        SourceProblem {
            path: path.to_owned(),
            line,
            column: 0,
            message: "file is not valid UTF-8".to_owned(),
        }
    })
}

/// The bytes of a regular file of at most `limit` bytes; anything else is a problem, never a read.
pub fn read_bytes(path: &Utf8Path, limit: u64) -> Result<Vec<u8>, SourceProblem> {
    use std::io::Read;
    let problem = |line: u32, column: u32, message: String| SourceProblem {
        path: path.to_owned(),
        line,
        column,
        message,
    };
    let cannot = |e: std::io::Error| problem(0, 0, format!("cannot read file: {e}"));
    let refuse = |what: &str| problem(0, 0, format!("not read: it is {what}, not a regular file"));
    // Checked before opening (opening a named pipe would wait for a writer) and again on the open file.
    let kind = std::fs::metadata(path).map_err(cannot)?.file_type();
    if let Some(what) = not_regular(kind) {
        return Err(refuse(what));
    }
    let file = std::fs::File::open(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    if let Some(what) = not_regular(meta.file_type()) {
        return Err(refuse(what));
    }
    let too_large = || {
        problem(
            0,
            0,
            format!(
                "not read: larger than {limit} bytes, the limit for one file (`[lints] max-file-size`)"
            ),
        )
    };
    if meta.len() > limit {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The file may grow while read: never past the limit.
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Parses a file's text.
fn parse_text(path: &Utf8Path, text: &str) -> Result<syn::File, SourceProblem> {
    if let Some(why) = too_deep(text) {
        return Err(SourceProblem {
            path: path.to_owned(),
            line: 0,
            column: 0,
            message: format!("cannot parse: {why}"),
        });
    }
    syn::parse_file(text).map_err(|e| {
        let start = e.span().start();
        SourceProblem {
            path: path.to_owned(),
            line: start.line as u32,
            column: start.column as u32 + 1,
            message: format!("cannot parse: {e}"),
        }
    })
}

impl SourceProblem {
    /// The report's problem for it, the file relative to the workspace `root`.
    pub fn into_problem(self, root: &Utf8Path) -> Problem {
        Problem {
            location: Some(Location {
                file: relative_to(root, &self.path),
                line: self.line.max(1),
                column: self.column.max(1),
                length: 0,
            }),
            message: self.message,
        }
    }
}

/// What makes a file the same file whatever the path it is reached by: its device and inode (read from
/// the `stat` the walk makes anyway, where canonicalizing would read every link of the path).
#[cfg(unix)]
type FileId = (u64, u64);
/// What makes a file the same file whatever the path it is reached by: its canonical path.
#[cfg(not(unix))]
type FileId = std::path::PathBuf;

/// The identity of the file at `path`, whose metadata (after symlinks) is `meta`.
#[cfg(unix)]
fn file_id(_path: &Utf8Path, meta: &std::fs::Metadata) -> std::io::Result<FileId> {
    use std::os::unix::fs::MetadataExt;
    Ok((meta.dev(), meta.ino()))
}

/// The identity of the file at `path`, whose metadata (after symlinks) is `meta`.
#[cfg(not(unix))]
fn file_id(path: &Utf8Path, _meta: &std::fs::Metadata) -> std::io::Result<FileId> {
    path.as_std_path().canonicalize()
}

struct Walker<'a, A: Analysis> {
    analysis: &'a A,
    include_tests: bool,
    visited: Mutex<BTreeSet<FileId>>,
    files: Mutex<Vec<(ModuleFile, A::Output)>>,
    problems: Mutex<Vec<SourceProblem>>,
}

/// A `mod x;` found in a file, to be resolved to its own file.
struct ChildModule {
    /// The files it may be in, each with the directory of its own child modules.
    candidates: Vec<(Utf8PathBuf, Utf8PathBuf)>,
    /// A missing file is not a problem: the module is compiled only under a condition.
    conditional: bool,
    /// The candidates are `x.rs` and `x/mod.rs` (no `#[path]`): both existing is ambiguous.
    both_forms: bool,
    module_path: Vec<String>,
    test_only: bool,
    declared_in: Utf8PathBuf,
    line: u32,
    column: u32,
}

impl<A: Analysis> Walker<'_, A> {
    fn problem(&self, path: &Utf8Path, line: u32, column: u32, message: String) {
        let mut problems = self.problems.lock().unwrap_or_else(|e| e.into_inner());
        problems.push(SourceProblem {
            path: path.to_owned(),
            line,
            column,
            message,
        });
    }

    /// Reads and parses `path` (unless the analysis knows it unchanged), records it, and walks its child
    /// modules in parallel. `meta`: its metadata, when already read.
    fn visit_file(
        &self,
        path: Utf8PathBuf,
        meta: Option<std::fs::Metadata>,
        module_path: Vec<String>,
        child_dir: Utf8PathBuf,
        test_only: bool,
        conditional: bool,
    ) {
        // The metadata of the file the path leads to (a symlink loop or a missing file fails here).
        let meta = match meta {
            Some(meta) => Ok(meta),
            None => std::fs::metadata(&path),
        };
        let (meta, id) = match meta.and_then(|m| file_id(&path, &m).map(|id| (m, id))) {
            Ok(found) => found,
            Err(e) => {
                self.problem(&path, 0, 0, format!("cannot resolve path: {e}"));
                return;
            }
        };
        let first_visit = self
            .visited
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id);
        // `#[cfg(feature = "std")] pub mod ser;` beside `#[cfg(not(feature = "std"))] mod ser;`
        // (serde_json): one file for exclusive cfgs, read once.
        if !first_visit && conditional {
            return;
        }
        if !first_visit {
            self.problem(
                &path,
                0,
                0,
                "module file reached twice (a symlink loop or a repeated #[path]); read once"
                    .to_owned(),
            );
            return;
        }
        let file = ModuleFile {
            path,
            module_path,
            test_only,
        };
        // Taken before the read: a write after it changes the times the next run sees.
        let stamp = FileStamp::of(&meta)
            .filter(|s| meta.is_file() && s.len <= self.analysis.max_file_size());
        if let Some(hit) = stamp.and_then(|s| self.analysis.unchanged(&file, &s)) {
            self.found(file, child_dir, hit);
            return;
        }
        let text = match read(&file.path, self.analysis.max_file_size()) {
            Ok(text) => text,
            Err(problem) => {
                self.problems
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(problem);
                return;
            }
        };
        let hit = match self.analysis.cached(&file, &text, stamp.as_ref()) {
            Some(hit) => hit,
            None => {
                let ast = match parse_text(&file.path, &text) {
                    Ok(ast) => ast,
                    Err(problem) => {
                        self.problems
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push(problem);
                        return;
                    }
                };
                let decls = mod_decls(&ast.items);
                let result = self.analysis.analyze(&file, &ast, &text);
                drop(ast);
                self.analysis
                    .analyzed(&file, &text, stamp.as_ref(), &result, &decls);
                (result, decls)
            }
        };
        self.found(file, child_dir, hit);
    }

    /// Records the result of `file` and walks its child modules in parallel.
    fn found(
        &self,
        file: ModuleFile,
        child_dir: Utf8PathBuf,
        (result, decls): (A::Output, Vec<ModDecl>),
    ) {
        let children = self.children(&decls, &file, &child_dir);
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((file, result));
        children
            .into_par_iter()
            .for_each(|child| self.visit_child(child));
    }

    fn visit_child(&self, mut child: ChildModule) {
        // Anything at a candidate path counts (a named pipe or a directory too: reading it is refused
        // with a problem, not silently skipped); each is reported, existing or not.
        let mut metas: Vec<Option<std::fs::Metadata>> = child
            .candidates
            .iter()
            .map(|(c, _)| {
                let meta = std::fs::metadata(c).ok();
                self.analysis.looked_for(c, meta.is_some());
                meta
            })
            .collect();
        let exists: Vec<bool> = metas.iter().map(Option::is_some).collect();
        if child.both_forms && exists.iter().all(|e| *e) {
            let found: Vec<&str> = child.candidates.iter().map(|(c, _)| c.as_str()).collect();
            self.problem(
                &child.declared_in,
                child.line,
                child.column,
                format!(
                    "file for module `{}` found at both {} (rustc's error E0761): neither is read",
                    child.module_path.last().map_or("", String::as_str),
                    found.join(" and ")
                ),
            );
            return;
        }
        match exists.iter().position(|e| *e) {
            Some(found) => {
                let (file, child_dir) = child.candidates.swap_remove(found);
                self.visit_file(
                    file,
                    metas.swap_remove(found),
                    child.module_path,
                    child_dir,
                    child.test_only,
                    child.conditional,
                )
            }
            None if child.conditional => {}
            None => {
                let tried: Vec<&str> = child.candidates.iter().map(|(c, _)| c.as_str()).collect();
                self.problem(
                    &child.declared_in,
                    child.line,
                    child.column,
                    format!("module file not found; looked for {}", tried.join(" and ")),
                );
            }
        }
    }

    /// The child modules `decls` of `file` declare, as files to visit.
    fn children(
        &self,
        decls: &[ModDecl],
        file: &ModuleFile,
        child_dir: &Utf8Path,
    ) -> Vec<ChildModule> {
        let mut out = Vec::new();
        for decl in decls {
            let Some(at) = &decl.file else { continue };
            if decl.test && !self.include_tests {
                continue;
            }
            let mut module_path = file.module_path.to_vec();
            module_path.extend(decl.inline_path.iter().map(String::to_owned));
            let mut dir = child_dir.to_owned();
            for inline in &decl.inline_path {
                dir.push(inline.strip_prefix("r#").unwrap_or(inline));
            }
            let top_level = decl.inline_path.is_empty();
            // `mod r#type;` is in `type.rs`.
            let file_name = decl.name.strip_prefix("r#").unwrap_or(&decl.name);
            let candidates = if at.path_attrs.is_empty() {
                vec![
                    (dir.join(format!("{file_name}.rs")), dir.join(file_name)),
                    (dir.join(file_name).join("mod.rs"), dir.join(file_name)),
                ]
            } else {
                let base = if top_level {
                    file.path
                        .parent()
                        .map(Utf8Path::to_owned)
                        .unwrap_or_default()
                } else {
                    dir.to_owned()
                };
                at.path_attrs
                    .iter()
                    .map(|p| {
                        let target = base.join(p);
                        let next = target.parent().map(Utf8Path::to_owned).unwrap_or_default();
                        (target, next)
                    })
                    .collect()
            };
            module_path.push(decl.name.to_owned());
            out.push(ChildModule {
                candidates,
                conditional: at.conditional,
                both_forms: at.path_attrs.is_empty(),
                module_path,
                test_only: file.test_only || decl.test,
                declared_in: file.path.to_owned(),
                line: at.line,
                column: at.column,
            });
        }
        out
    }
}
