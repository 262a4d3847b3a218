//! Finding a target's source files through its module tree: `mod x;` to `x.rs` or `x/mod.rs`, nested
//! directories, inline modules and `#[path]`, each file parsed with syn. Files that cannot be read or
//! parsed become [`SourceProblem`]s; the rest of the tree is still read.
//!
//! syn's syntax trees cannot leave the thread that parsed them (proc-macro2 keeps span locations in a
//! thread-local map), so the walk takes the analysis as a callback, run in the parsing thread on each file,
//! and collects its `Send` result. Files are parsed once, in parallel.

use std::collections::BTreeSet;
use std::sync::Mutex;

use camino::{Utf8Path, Utf8PathBuf};
use rayon::prelude::*;

use crate::report::{Location, Problem};
use crate::source::attrs::{is_cfg_test, path_attr};
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

/// Reads the module tree rooted at `root_file` (a target's `src_path`) and runs `analyze` on each parsed
/// file. `#[cfg(test)]` modules are followed only when `include_tests` is set (their files are then
/// marked `test_only`).
pub fn crate_files<R, F>(root_file: &Utf8Path, include_tests: bool, analyze: &F) -> WalkResult<R>
where
    R: Send,
    F: Fn(&ModuleFile, &syn::File, &str) -> R + Sync,
{
    let walker = Walker {
        analyze,
        include_tests,
        visited: Mutex::new(BTreeSet::new()),
        files: Mutex::new(Vec::new()),
        problems: Mutex::new(Vec::new()),
    };
    let child_dir = root_file
        .parent()
        .map(Utf8Path::to_owned)
        .unwrap_or_default();
    walker.visit_file(root_file.to_owned(), Vec::new(), child_dir, false);
    let mut files = walker.files.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut problems = walker
        .problems
        .into_inner()
        .unwrap_or_else(|e| e.into_inner());
    files.sort_by(|a, b| a.0.path.cmp(&b.0.path));
    problems.sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)));
    (files, problems)
}

/// The names of the modules the crate root `root_file` declares (`mod x;` and inline `mod x { .. }`, test
/// modules included), sorted. Modules declared by macros are not seen.
pub fn top_level_modules(root_file: &Utf8Path) -> Result<Vec<String>, SourceProblem> {
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
}

/// Reads and parses one file: its text and syntax tree.
fn parse(path: &Utf8Path) -> Result<(String, syn::File), SourceProblem> {
    let problem = |line: u32, column: u32, message: String| SourceProblem {
        path: path.to_owned(),
        line,
        column,
        message,
    };
    let bytes = std::fs::read(path).map_err(|e| problem(0, 0, format!("cannot read file: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u32
            + 1;
        problem(line, 0, "file is not valid UTF-8".to_owned())
    })?;
    let ast = syn::parse_file(&text).map_err(|e| {
        let start = e.span().start();
        problem(
            start.line as u32,
            start.column as u32 + 1,
            format!("cannot parse: {e}"),
        )
    })?;
    Ok((text, ast))
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

struct Walker<'a, R, F> {
    analyze: &'a F,
    include_tests: bool,
    visited: Mutex<BTreeSet<std::path::PathBuf>>,
    files: Mutex<Vec<(ModuleFile, R)>>,
    problems: Mutex<Vec<SourceProblem>>,
}

/// A `mod x;` found in a file, to be resolved to its own file.
struct ChildModule {
    candidates: Vec<Utf8PathBuf>,
    module_path: Vec<String>,
    child_dir: Utf8PathBuf,
    test_only: bool,
    declared_in: Utf8PathBuf,
    line: u32,
    column: u32,
}

impl<R, F> Walker<'_, R, F>
where
    R: Send,
    F: Fn(&ModuleFile, &syn::File, &str) -> R + Sync,
{
    fn problem(&self, path: &Utf8Path, line: u32, column: u32, message: String) {
        let mut problems = self.problems.lock().unwrap_or_else(|e| e.into_inner());
        problems.push(SourceProblem {
            path: path.to_owned(),
            line,
            column,
            message,
        });
    }

    /// Reads and parses `path`, records it, and walks its child modules in parallel.
    fn visit_file(
        &self,
        path: Utf8PathBuf,
        module_path: Vec<String>,
        child_dir: Utf8PathBuf,
        test_only: bool,
    ) {
        let canonical = match path.as_std_path().canonicalize() {
            Ok(c) => c,
            Err(e) => {
                self.problem(&path, 0, 0, format!("cannot resolve path: {e}"));
                return;
            }
        };
        let first_visit = self
            .visited
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(canonical);
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
        let (text, ast) = match parse(&path) {
            Ok(parsed) => parsed,
            Err(problem) => {
                self.problems
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(problem);
                return;
            }
        };
        let mut children = Vec::new();
        self.collect_children(
            &ast.items,
            &path,
            &module_path,
            &child_dir,
            test_only,
            true,
            &mut children,
        );
        let file = ModuleFile {
            path,
            module_path,
            test_only,
        };
        let result = (self.analyze)(&file, &ast, &text);
        drop(ast);
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((file, result));
        children
            .into_par_iter()
            .for_each(|child| self.visit_child(child));
    }

    fn visit_child(&self, child: ChildModule) {
        match child.candidates.iter().find(|c| c.is_file()) {
            Some(file) => self.visit_file(
                file.to_owned(),
                child.module_path,
                child.child_dir,
                child.test_only,
            ),
            None => {
                let tried: Vec<&str> = child.candidates.iter().map(|c| c.as_str()).collect();
                self.problem(
                    &child.declared_in,
                    child.line,
                    child.column,
                    format!("module file not found; looked for {}", tried.join(" and ")),
                );
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn collect_children(
        &self,
        items: &[syn::Item],
        file: &Utf8Path,
        module_path: &[String],
        child_dir: &Utf8Path,
        test_only: bool,
        top_level: bool,
        out: &mut Vec<ChildModule>,
    ) {
        for item in items {
            let syn::Item::Mod(m) = item else { continue };
            let is_test = is_cfg_test(&m.attrs);
            if is_test && !self.include_tests {
                continue;
            }
            let name = m.ident.to_string();
            let mut path = module_path.to_vec();
            path.push(name.clone()); // cloned: the name is used again for the directory below
            let test_only = test_only || is_test;
            match &m.content {
                Some((_, inner)) => {
                    let dir = child_dir.join(&name);
                    self.collect_children(inner, file, &path, &dir, test_only, false, out);
                }
                None => {
                    let start = m.ident.span().start();
                    let (candidates, dir) = match path_attr(&m.attrs) {
                        Some(p) => {
                            let base = if top_level {
                                file.parent().map(Utf8Path::to_owned).unwrap_or_default()
                            } else {
                                child_dir.to_owned()
                            };
                            let target = base.join(p);
                            let dir = target.parent().map(Utf8Path::to_owned).unwrap_or_default();
                            (vec![target], dir)
                        }
                        None => (
                            vec![
                                child_dir.join(format!("{name}.rs")),
                                child_dir.join(&name).join("mod.rs"),
                            ],
                            child_dir.join(&name),
                        ),
                    };
                    out.push(ChildModule {
                        candidates,
                        module_path: path,
                        child_dir: dir,
                        test_only,
                        declared_in: file.to_owned(),
                        line: start.line as u32,
                        column: start.column as u32 + 1,
                    });
                }
            }
        }
    }
}
