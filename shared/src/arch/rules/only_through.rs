//! `only-through`: crate A may use crate B only through given modules of B.
//!
//! A's library sources (and its test code when the rule says so) are parsed with syn; every `use` item and
//! every qualified path that starts with B's name in A's code (its lib name, a `package =` rename, or an
//! alias from `use b as x;` / `extern crate b as x;` in the same file, or from `extern crate b as x;` in the
//! crate root, which puts `x` in every file's extern prelude) is resolved inside B, following B's `pub use`
//! re-exports where they can be seen (explicit ones, and globs over items B declares), and must land in one of
//! the allowed modules. Paths inside macro invocations are token streams and are not seen. A file that names
//! none of B's names is not parsed (see [`crate::arch::prefilter`]).

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use camino::Utf8Path;
use guppy::PackageId;
use guppy::graph::{BuildTargetId, PackageMetadata};
use syn::visit::Visit;

use crate::arch::cfg::OnlyThroughRule;
use crate::arch::patterns::{NamePattern, PatternChecker};
use crate::arch::prefilter::{self, Needles};
use crate::arch::rules::exceptions::{Ends, Exceptions, unchecked};
use crate::arch::rules::{Context, RuleMeta};
use crate::report::{Finding, Location, Problem};
use crate::source::Place;
use crate::source::attrs::{is_cfg_test, is_test_fn, item_attrs};
use crate::source::facts::{self, FactsCache};
use crate::source::modtree::{Analysis, FileStamp, ModDecl, ModuleFile, walk};
use crate::source::paths::{UseEnd, UsePath, flatten_use};
use crate::source::public::{self, Surface, Target};
use crate::workspace::relative_to;

/// A compiled only-through rule.
#[derive(Clone, Debug)]
pub struct OnlyThrough {
    /// Id, why, severity.
    pub meta: RuleMeta,
    /// Using crates.
    pub from: NamePattern,
    /// The used crate's package name.
    pub to: String,
    /// Allowed module paths, as segments after the crate name.
    pub modules: Vec<Vec<String>>,
    /// Check test code too.
    pub include_tests: bool,
    /// Accepted uses: from a crate to a path (`lumen_compiler::parser::*`).
    pub allow: Exceptions,
}

/// The rule's one-line description.
pub(super) fn describe(r: &OnlyThroughRule) -> String {
    format!(
        "`{}` may use `{}` only through {}",
        r.from.get_ref(),
        r.to.get_ref(),
        r.modules
            .iter()
            .map(|m| format!("`{}`", m.get_ref()))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

impl OnlyThrough {
    /// Compiles the configured rule: module paths must start with the `to` crate's name.
    pub(super) fn compile(
        r: &OnlyThroughRule,
        meta: RuleMeta,
        checker: &mut PatternChecker<'_>,
    ) -> Option<OnlyThrough> {
        let to = checker.crate_name(&r.to, "to")?;
        let crate_ident = to.get_ref().replace('-', "_");
        let mut modules: Vec<Vec<String>> = Vec::new();
        let mut written = Vec::new();
        for module in &r.modules {
            let mut segments = module.get_ref().split("::").map(str::to_owned);
            if segments.next().as_deref() != Some(crate_ident.as_str()) {
                checker.validator.error(
                    module,
                    format!(
                        "module path `{}` does not start with `{crate_ident}`",
                        module.get_ref()
                    ),
                    "must name a module of the `to` crate",
                    Some(format!("write it as `{crate_ident}::module`")),
                );
                continue;
            }
            modules.push(segments.collect());
            written.push(module);
        }
        // `to` is read as a crate's sources: one workspace member with a library.
        let one = checker.one_name(&to, "to");
        let from = checker.pattern(&r.from);
        let lib = if one && checker.is_strict() {
            checker.member_library(&to)
        } else {
            None
        };
        if !one || (checker.is_strict() && lib.is_none()) {
            return None;
        }
        // Every module and exception path must name something of `to`.
        if let Some(mut known) = lib.and_then(|lib| KnownPaths::new(lib, &crate_ident)) {
            for (module, segments) in written.iter().zip(&modules) {
                if !known.has_module(segments) {
                    let shown = known.top_level();
                    checker.validator.error(
                        module,
                        format!("`{}` is no module of `{}`", module.get_ref(), to.get_ref()),
                        "unknown module",
                        Some(format!(
                            "its top-level modules: {}",
                            if shown.is_empty() {
                                "none".to_owned()
                            } else {
                                shown.join(", ")
                            }
                        )),
                    );
                }
            }
            for e in &r.allow {
                let path = &e.get_ref().to;
                if let Some(glob) = checker.path_pattern(path)
                    && !known.any_match(&glob)
                {
                    checker.validator.error(
                        path,
                        format!(
                            "`{}` matches no module, item or re-export of `{}`",
                            path.get_ref(),
                            to.get_ref()
                        ),
                        "matches nothing",
                        Some(format!(
                            "write a path of `{}` starting with `{crate_ident}::`",
                            to.get_ref()
                        )),
                    );
                }
            }
        }
        let from = from?;
        let used = checker.pattern(&to)?;
        if checker.pairs_exist(&from, &used, &|a, b| a != b) == Some(false) {
            checker.never_fires(&r.id, "`from` matches no member other than `to`");
            return None;
        }
        Some(OnlyThrough {
            meta,
            from,
            to: to.get_ref().to_owned(),
            modules,
            include_tests: r.include_tests,
            allow: Exceptions::compile(&r.allow, Ends::CrateToPath, checker),
        })
    }

    /// Every use of `to` in the sources of the `from` crates that depend on it, outside the modules.
    pub(super) fn check(&self, ctx: &mut Context<'_, '_>) -> Vec<Finding> {
        let graph = ctx.graph;
        let Some(b) = graph.ws.graph.workspace().member_by_name(&self.to).ok() else {
            return Vec::new();
        };
        let mut keyed = Vec::new();
        for a in ctx
            .members
            .iter()
            .filter(|m| self.from.matches(m.name()) && m.id() != b.id())
        {
            if !a.direct_links().any(|l| l.to().id() == b.id()) {
                continue;
            }
            // B's surface is read only when a use of B outside the allowed modules was found.
            let mut surface = LazySurface {
                pkg: b,
                cache: &mut ctx.surfaces,
                facts_dir: ctx.facts_dir.as_deref(),
            };
            keyed.extend(check(
                &graph.ws.root,
                &self.meta,
                *a,
                b,
                &mut surface,
                ctx.facts_dir.as_deref(),
                &self.modules,
                Scope {
                    include_tests: self.include_tests,
                    prefilter: ctx.prefilter,
                },
                &mut ctx.problems,
            ));
        }
        let members = graph.ws.members();
        let (mut findings, stale) = self
            .allow
            .apply_keyed(&self.meta, keyed, |a| unchecked(a, ctx.members, &members));
        let to = &self.to;
        crate::arch::impact::of_uses(&mut findings, |n| {
            let uses = if n == 1 { "use" } else { "uses" };
            format!("{n} {uses} of `{to}` outside the allowed modules")
        });
        findings.extend(stale);
        findings
    }
}

/// Reads the public surface of `pkg`'s library ([`crate::source::public`]): every public path of every item,
/// following `pub use` re-exports, globs, renames and other crates. Unchanged files come from the facts
/// cache under `facts_dir`, when there is one.
fn read_surface(pkg: PackageMetadata<'_>, facts_dir: Option<&std::path::Path>) -> Surface {
    match pkg.build_target(&BuildTargetId::Library) {
        Some(lib) => public::surface_cached(lib.path(), facts_dir),
        None => Surface::default(),
    }
}

/// B's surface, read on first use and kept for the run (by package).
struct LazySurface<'c, 'g> {
    pkg: PackageMetadata<'g>,
    cache: &'c mut HashMap<PackageId, Surface>,
    facts_dir: Option<&'c std::path::Path>,
}

impl LazySurface<'_, '_> {
    fn get(&mut self) -> &Surface {
        let (pkg, facts_dir) = (self.pkg, self.facts_dir);
        self.cache
            .entry(pkg.id().clone()) // cloned: the cache owns its key
            .or_insert_with(|| read_surface(pkg, facts_dir))
    }
}

/// What a path written into B names.
#[derive(Debug, PartialEq, Eq)]
struct Named {
    /// Where the item is declared, crate-relative (the path itself when it names no item of B: a module
    /// path, a glob, an enum variant, or a path into another crate).
    defined: Vec<String>,
    /// For a path that leads into another crate: that crate and path (`other::f`).
    external: Option<String>,
    /// The public paths to the same item under an allowed module, with `#[doc(hidden)]` marked.
    allowed_paths: Vec<(Vec<String>, bool)>,
}

/// Resolves `path` (crate-relative) in B's `surface`, and finds the public paths to its item that pass
/// through one of `allowed`.
fn name_of(surface: &Surface, path: &[String], allowed: &[Vec<String>]) -> Named {
    let mut named = Named {
        defined: path.to_vec(),
        external: None,
        allowed_paths: Vec::new(),
    };
    if path.last().map(String::as_str) == Some("*") {
        return named;
    }
    let segments: Vec<&str> = path.iter().map(String::as_str).collect();
    match surface.lookup(&segments) {
        Some(Target::Item(item)) => {
            let mut defined = item.module.to_vec();
            if let Some(owner) = item.parent.and_then(|id| surface.item(id)) {
                defined.push(owner.name.to_owned());
            }
            defined.push(item.name.to_owned());
            named.defined = defined;
            named.allowed_paths = surface
                .paths_of(item)
                .iter()
                .filter(|p| allowed.iter().any(|m| p.segments.starts_with(m)))
                .map(|p| (p.segments.to_vec(), p.doc_hidden))
                .collect();
        }
        Some(Target::External(ext)) => {
            named.external = Some(
                std::iter::once(ext.krate.as_str())
                    .chain(ext.path.iter().map(String::as_str))
                    .collect::<Vec<_>>()
                    .join("::"),
            );
        }
        None => {}
    }
    named
}

/// The paths of a library a configuration may name, read as cheaply as possible: its modules from each
/// file's `mod` items without parsing; its items and re-exports (a full parse) only when a name is not a
/// module.
struct KnownPaths<'a> {
    lib: &'a Utf8Path,
    crate_ident: &'a str,
    modules: BTreeSet<Vec<String>>,
    /// `crate_ident::a::b` of every module, item and re-export, once read.
    everything: Option<Vec<String>>,
}

impl<'a> KnownPaths<'a> {
    /// `None` when the library's root cannot be read.
    fn new(lib: &'a Utf8Path, crate_ident: &'a str) -> Option<KnownPaths<'a>> {
        Some(KnownPaths {
            lib,
            crate_ident,
            modules: module_paths(lib)?,
            everything: None,
        })
    }

    /// The top-level modules, for a help line.
    fn top_level(&self) -> Vec<String> {
        self.modules
            .iter()
            .filter(|m| m.len() == 1)
            .map(|m| format!("`{}::{}`", self.crate_ident, m[0]))
            .collect()
    }

    /// True if `path` (after the crate name) is a module, or a name the crate's surface gives (a
    /// re-exported module, `pub use other as derive`).
    fn has_module(&mut self, path: &[String]) -> bool {
        if path.is_empty() || self.modules.contains(path) {
            return true;
        }
        let full = format!("{}::{}", self.crate_ident, path.join("::"));
        self.everything().contains(&full)
    }

    /// True if `glob` matches some module, item or re-export path.
    fn any_match(&mut self, glob: &NamePattern) -> bool {
        let ident = self.crate_ident;
        let cheap = self.modules.iter().any(|m| {
            let text = std::iter::once(ident)
                .chain(m.iter().map(String::as_str))
                .collect::<Vec<_>>()
                .join("::");
            glob.matches(&text)
        });
        cheap || self.everything().iter().any(|p| glob.matches(p))
    }

    fn everything(&mut self) -> &[String] {
        let (lib, ident, modules) = (self.lib, self.crate_ident, &self.modules);
        self.everything.get_or_insert_with(|| {
            let surface = public::surface(lib);
            let join = |p: &[String]| {
                std::iter::once(ident)
                    .chain(p.iter().map(String::as_str))
                    .collect::<Vec<_>>()
                    .join("::")
            };
            let mut all: Vec<String> = modules.iter().map(|m| join(m)).collect();
            for item in &surface.items {
                all.extend(surface.paths_of(item).iter().map(|p| join(&p.segments)));
                let mut declared = item.module.to_vec();
                declared.push(item.name.to_owned());
                all.push(join(&declared));
            }
            all.extend(surface.external.iter().map(|e| join(&e.path)));
            all
        })
    }
}

/// The module paths of the library whose root file is `lib` (crate-relative; `[]` for the root); `None`
/// when its root cannot be read (the check reports that; the names cannot be checked).
pub(super) fn module_paths(lib: &Utf8Path) -> Option<BTreeSet<Vec<String>>> {
    let (files, _) = walk(lib, true, &ModulePaths);
    if files.is_empty() {
        return None;
    }
    let mut modules: BTreeSet<Vec<String>> = BTreeSet::new();
    for (file, paths) in files {
        modules.insert(file.module_path);
        modules.extend(paths);
    }
    Some(modules)
}

/// A library's module paths from each file's `mod` items, read without parsing when the text allows.
struct ModulePaths;

impl ModulePaths {
    fn paths(file: &ModuleFile, decls: &[ModDecl]) -> Vec<Vec<String>> {
        decls
            .iter()
            .map(|d| {
                let mut p = file.module_path.to_vec();
                p.extend(d.inline_path.iter().cloned()); // cloned: each path owns its segments
                p.push(d.name.to_owned());
                p
            })
            .collect()
    }
}

impl Analysis for ModulePaths {
    type Output = Vec<Vec<String>>;

    fn cached(
        &self,
        file: &ModuleFile,
        text: &str,
        _stamp: Option<&FileStamp>,
    ) -> Option<(Self::Output, Vec<ModDecl>)> {
        let decls = prefilter::mod_decls_of_text(text)?;
        Some((ModulePaths::paths(file, &decls), decls))
    }

    fn analyze(&self, file: &ModuleFile, ast: &syn::File, _text: &str) -> Self::Output {
        ModulePaths::paths(file, &crate::source::modtree::mod_decls(&ast.items))
    }
}

/// A path in A's sources that reaches into B.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
struct Use {
    line: u32,
    column: u32,
    length: u32,
    written: String,
    segments: Vec<String>,
}

struct UseFinder<'a> {
    names: &'a BTreeSet<String>,
    include_tests: bool,
    found: Vec<Use>,
}

impl UseFinder<'_> {
    fn record(&mut self, segments: Vec<String>, span: proc_macro2::Span, written: String) {
        let Place {
            line,
            column,
            length,
        } = Place::of(span);
        self.found.push(Use {
            line,
            column,
            length,
            written,
            segments,
        });
    }

    fn skip(&self, attrs: &[syn::Attribute]) -> bool {
        !self.include_tests && (is_cfg_test(attrs) || is_test_fn(attrs))
    }
}

impl<'ast> Visit<'ast> for UseFinder<'_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        if self.skip(item_attrs(item)) {
            return;
        }
        syn::visit::visit_item(self, item);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if self.skip(&f.attrs) {
            return;
        }
        syn::visit::visit_impl_item_fn(self, f);
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        for UsePath {
            segments: path,
            end,
            span,
        } in flatten_use(&u.tree)
        {
            let Some(first) = path.first() else { continue };
            if !self.names.contains(first) {
                continue;
            }
            let mut rest = path[1..].to_vec();
            let written = match end {
                UseEnd::Glob => {
                    rest.push("*".to_owned());
                    format!("{}::*", path.join("::"))
                }
                UseEnd::Name(_) => path.join("::"),
            };
            if rest.is_empty() {
                continue;
            }
            // At this path's own branch of the tree: its line in a multi-line `use x::{..}`.
            self.record(rest, span, written);
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if segments.len() >= 2 && self.names.contains(&segments[0]) {
            let written = segments.join("::");
            self.record(
                segments[1..].to_vec(),
                syn::spanned::Spanned::span(path),
                written,
            );
        }
        syn::visit::visit_path(self, path);
    }
}

/// Names under which `b` is visible in one file of A: aliases from `use b as x;` and `extern crate b as x;`
/// anywhere in it.
fn aliases(ast: &syn::File, extern_name: &str, out: &mut BTreeSet<String>) {
    struct Aliases<'a> {
        extern_name: &'a str,
        out: &'a mut BTreeSet<String>,
    }
    impl<'ast> Visit<'ast> for Aliases<'_> {
        fn visit_item_extern_crate(&mut self, e: &'ast syn::ItemExternCrate) {
            if e.ident == self.extern_name
                && let Some((_, alias)) = &e.rename
            {
                self.out.insert(alias.to_string());
            }
        }
        fn visit_use_rename(&mut self, r: &'ast syn::UseRename) {
            if r.ident == self.extern_name {
                self.out.insert(r.rename.to_string());
            }
        }
    }
    Aliases { extern_name, out }.visit_file(ast);
}

/// `extern crate b as x;` items of a crate root: `x` names `b` in every file of the crate.
fn root_aliases(root: &syn::File, extern_name: &str) -> BTreeSet<String> {
    root.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::ExternCrate(e) if e.ident == extern_name => {
                e.rename.as_ref().map(|(_, alias)| alias.to_string())
            }
            _ => None,
        })
        .collect()
}

/// What a scan reads and whether it may skip files.
#[derive(Clone, Copy, Debug)]
struct Scope {
    include_tests: bool,
    prefilter: bool,
}

/// The uses of B in the files of one crate root of A (its library, or an integration test).
struct UseScan<'a> {
    extern_name: &'a str,
    scope: Scope,
    /// The crate root's `extern crate b as x;` aliases, once its file is read (none when it is skipped).
    root_aliases: OnceLock<BTreeSet<String>>,
    /// B's names in every file: its extern name and the root's aliases.
    needles: OnceLock<Needles>,
    /// Each file's uses from an earlier run (files other than the crate root, whose aliases shape the rest).
    facts: Option<&'a FactsCache>,
}

impl UseScan<'_> {
    /// What shapes a file's uses besides its text: B's names and whether test code counts.
    fn context(&self) -> u64 {
        facts::hash_of(&(
            self.extern_name,
            self.root_aliases(),
            self.scope.include_tests,
        ))
    }
}

impl UseScan<'_> {
    fn root_aliases(&self) -> &BTreeSet<String> {
        self.root_aliases.get_or_init(BTreeSet::new)
    }
}

impl Analysis for UseScan<'_> {
    type Output = Vec<Use>;

    /// A file other than the crate root whose stamp is as recorded: its uses (none when it was skipped).
    /// The crate root is always read: its aliases shape the other files' context.
    fn unchanged(&self, file: &ModuleFile, stamp: &FileStamp) -> Option<(Vec<Use>, Vec<ModDecl>)> {
        if !self.scope.prefilter || file.module_path.is_empty() {
            return None;
        }
        self.facts?
            .unchanged(file.path.as_str(), stamp, &[self.context()])
    }

    /// A file that names B under none of its crate-wide names holds no use of it (an alias of its own
    /// would name B too); it is kept as such, so that its stamp spares the next run reading it.
    fn cached(
        &self,
        file: &ModuleFile,
        text: &str,
        stamp: Option<&FileStamp>,
    ) -> Option<(Vec<Use>, Vec<ModDecl>)> {
        if !self.scope.prefilter {
            return None;
        }
        if file.module_path.is_empty() {
            let decls = prefilter::skip(text, &[&Needles::new([self.extern_name])])?;
            return Some((Vec::new(), decls));
        }
        let needles = self.needles.get_or_init(|| {
            Needles::new(
                std::iter::once(self.extern_name)
                    .chain(self.root_aliases().iter().map(String::as_str)),
            )
        });
        let cache = self.facts;
        match prefilter::skip(text, &[needles]) {
            Some(decls) => {
                if let Some(cache) = cache {
                    let none: &[Use] = &[];
                    cache.put(
                        file.path.as_str(),
                        text,
                        stamp,
                        self.context(),
                        &none,
                        &decls,
                    );
                }
                Some((Vec::new(), decls))
            }
            None => cache?.get(file.path.as_str(), text, stamp, self.context()),
        }
    }

    fn analyzed(
        &self,
        file: &ModuleFile,
        text: &str,
        stamp: Option<&FileStamp>,
        out: &Vec<Use>,
        decls: &[ModDecl],
    ) {
        if let Some(cache) = self.facts
            && !file.module_path.is_empty()
        {
            cache.put(file.path.as_str(), text, stamp, self.context(), out, decls);
        }
    }

    fn analyze(&self, file: &ModuleFile, ast: &syn::File, _text: &str) -> Vec<Use> {
        let crate_wide = if file.module_path.is_empty() {
            self.root_aliases
                .get_or_init(|| root_aliases(ast, self.extern_name))
        } else {
            self.root_aliases()
        };
        let mut names = crate_wide.clone(); // cloned: each file's own name set
        names.insert(self.extern_name.to_owned());
        aliases(ast, self.extern_name, &mut names);
        let mut finder = UseFinder {
            names: &names,
            include_tests: self.scope.include_tests,
            found: Vec::new(),
        };
        finder.visit_file(ast);
        finder.found
    }
}

/// Source files of A's library, plus its test targets when `include_tests`.
fn source_roots(a: PackageMetadata<'_>, include_tests: bool) -> Vec<camino::Utf8PathBuf> {
    let mut roots: Vec<_> = a
        .build_target(&BuildTargetId::Library)
        .map(|t| t.path().to_owned())
        .into_iter()
        .collect();
    if include_tests {
        roots.extend(
            a.build_targets()
                .filter(|t| matches!(t.id(), BuildTargetId::Test(_)))
                .map(|t| t.path().to_owned()),
        );
    }
    roots
}

/// The name A's code uses for B: the dependency key when renamed, else B's lib name.
pub fn extern_name(a: PackageMetadata<'_>, b: PackageMetadata<'_>) -> Option<String> {
    let link = a.direct_links().find(|l| l.to().id() == b.id())?;
    let renamed = link.dep_name() != b.name();
    let name = if renamed {
        link.dep_name().to_owned()
    } else {
        b.build_target(&BuildTargetId::Library)
            .map(|t| t.name().to_owned())
            .unwrap_or_else(|| b.name().to_owned())
    };
    Some(name.replace('-', "_"))
}

/// Evaluates one only-through rule for crate `a` using crate `b`.
#[allow(clippy::too_many_arguments)]
fn check(
    root: &Utf8Path,
    meta: &RuleMeta,
    a: PackageMetadata<'_>,
    b: PackageMetadata<'_>,
    surface: &mut LazySurface<'_, '_>,
    facts_dir: Option<&std::path::Path>,
    allowed: &[Vec<String>],
    scope: Scope,
    problems: &mut Vec<Problem>,
) -> Vec<(Finding, String, String)> {
    let Some(extern_name) = extern_name(a, b) else {
        return Vec::new();
    };
    let allowed_text: Vec<String> = allowed
        .iter()
        .map(|m| format!("`{extern_name}::{}`", m.join("::")))
        .collect();
    let mut findings = Vec::new();
    for root_file in source_roots(a, scope.include_tests) {
        let cache = facts_dir.map(|dir| {
            let target = root_file.file_stem().unwrap_or("lib");
            FactsCache::open(dir, &format!("uses-{}-{target}-{}", a.name(), b.name()))
        });
        let scan = UseScan {
            extern_name: &extern_name,
            scope,
            root_aliases: OnceLock::new(),
            needles: OnceLock::new(),
            facts: cache.as_ref(),
        };
        let (files, file_problems) = walk(&root_file, scope.include_tests, &scan);
        if let Some(cache) = cache {
            cache.save();
        }
        problems.extend(file_problems.into_iter().map(|p| p.into_problem(root)));
        for (file, mut uses) in files {
            uses.sort();
            uses.dedup_by(|x, y| x.line == y.line && x.written == y.written);
            for u in uses {
                // The path written goes through an allowed module (`prelude::KMap`, `derive::f` where
                // `derive` is `pub use other as derive`): allowed, whatever module defines the item.
                if allowed.iter().any(|m| u.segments.starts_with(m)) {
                    continue;
                }
                let named = name_of(surface.get(), &u.segments, allowed);
                // An item defined in an allowed module, reached by another public path, is allowed too.
                if named.external.is_none() && allowed.iter().any(|m| named.defined.starts_with(m))
                {
                    continue;
                }
                let resolved = &named.defined;
                let via = match &named.external {
                    Some(other) => format!(" (re-exported from `{other}`)"),
                    None if *resolved != u.segments => format!(
                        " (re-exported from `{extern_name}::{}`)",
                        resolved.join("::")
                    ),
                    None => String::new(),
                };
                let message = format!(
                    "`{}` uses `{}`{via}, outside {}",
                    a.name(),
                    u.written,
                    allowed_text.join(", ")
                );
                let mut finding = meta.finding(
                    message,
                    vec![a.name().to_owned(), b.name().to_owned()],
                    Vec::new(),
                );
                finding.location = Some(Location {
                    file: relative_to(root, &file.path),
                    line: u.line,
                    column: u.column,
                    length: u.length,
                });
                finding.help = Some(if named.allowed_paths.is_empty() {
                    format!(
                        "use `{}` only through {}: no allowed module makes this item public",
                        b.name(),
                        allowed_text.join(", ")
                    )
                } else {
                    let paths: Vec<String> = named
                        .allowed_paths
                        .iter()
                        .map(|(p, hidden)| {
                            let hidden = if *hidden { " (doc-hidden)" } else { "" };
                            format!("`{extern_name}::{}`{hidden}", p.join("::"))
                        })
                        .collect();
                    format!("use {} instead", paths.join(" or "))
                });
                // Written as the rule's modules are: with the used crate's name, not the local alias.
                let used = format!("{}::{}", b.name().replace('-', "_"), resolved.join("::"));
                findings.push((finding, a.name().to_owned(), used));
            }
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use syn::visit::Visit;

    use super::{UseFinder, extern_name, name_of, read_surface};
    use crate::arch::rules::tests::{
        at, check, compile_errors, fixture, fixture_on_disk, messages,
    };

    const APP_ENGINE_API: &str = r#"
[[arch.only-through]]
id = "engine-api-only"
why = "the engine's internals may change"
from = "app"
to = "engine"
modules = ["engine::api"]
"#;

    #[test]
    fn uses_outside_the_modules_are_found_through_the_rename_and_reexports() {
        // app/src/lib.rs: `use kernel::api::start;` (allowed), `use kernel::Secret;` (a re-export of
        // kernel::internal::Secret), `kernel::internal::poke();`, and the same in its `#[cfg(test)]` module.
        let findings = check(&fixture_on_disk(), APP_ENGINE_API);
        assert_eq!(
            messages(&findings),
            [
                "`app` uses `kernel::Secret` (re-exported from `kernel::internal::Secret`), outside `kernel::api`",
                "`app` uses `kernel::internal::poke`, outside `kernel::api`",
            ]
        );
        let places: Vec<Option<String>> =
            findings.iter().map(|f| at(f.location.as_ref())).collect();
        assert_eq!(
            places,
            [
                Some("app/src/lib.rs:3:5".to_owned()),
                Some("app/src/lib.rs:8:5".to_owned())
            ]
        );
        let f = &findings[1];
        assert_eq!(f.kind, "arch::only-through");
        assert_eq!(f.crates, ["app", "engine"]);
        assert_eq!(
            f.help.as_deref(),
            Some(
                "use `engine` only through `kernel::api`: no allowed module makes this item public"
            )
        );
    }

    #[test]
    fn an_exception_accepts_a_use_by_its_path_and_a_stale_one_is_a_warning() {
        let findings = check(
            &fixture_on_disk(),
            &format!(
                "{APP_ENGINE_API}allow = [\n  {{ from = \"app\", to = \"engine::internal::poke\", why = \"until start() covers it\" }},\n  {{ from = \"app\", to = \"engine::Plugin\", why = \"old\" }},\n]\n"
            ),
        );
        assert_eq!(
            messages(&findings),
            [
                "`app` uses `kernel::Secret` (re-exported from `kernel::internal::Secret`), outside `kernel::api`",
                "stale exception, remove it: rule `engine-api-only` finds nothing from `app` to `engine::Plugin` any more",
            ]
        );
        assert_eq!(findings[1].kind, "arch::stale-exception");
        assert_eq!(findings[1].severity, crate::report::Severity::Warning);
        assert_eq!(
            at(findings[1].location.as_ref()).as_deref(),
            Some("lumen-gate.toml:10:3")
        );
        assert!(
            findings[0]
                .impact
                .as_deref()
                .is_some_and(|i| i.starts_with("1 use of")),
            "an accepted use is not counted: {:?}",
            findings[0].impact
        );
    }

    #[test]
    fn a_module_or_exception_path_that_names_nothing_is_a_configuration_error() {
        let errors = compile_errors(
            &fixture_on_disk(),
            &format!(
                "{}allow = [{{ from = \"app\", to = \"engine::gone::*\", why = \"old\" }}]\n",
                APP_ENGINE_API.replace(
                    "modules = [\"engine::api\"]",
                    "modules = [\"engine::api\", \"engine::prelude\"]"
                )
            ),
        );
        let texts: Vec<(&str, &str)> = errors
            .iter()
            .map(|(_, text, message)| (text.as_str(), message.as_str()))
            .collect();
        assert_eq!(
            texts,
            [
                (
                    "\"engine::prelude\"",
                    "`engine::prelude` is no module of `engine`"
                ),
                (
                    "\"engine::gone::*\"",
                    "`engine::gone::*` matches no module, item or re-export of `engine`"
                ),
            ]
        );
    }

    #[test]
    fn a_re_exported_name_is_a_module_path_the_rule_may_name() {
        // `engine::Secret` is `pub use internal::Secret`: a name of the crate's surface, not a file module.
        let rules = crate::arch::rules::tests::compile_rules(
            &fixture_on_disk(),
            &APP_ENGINE_API.replace(
                "modules = [\"engine::api\"]",
                "modules = [\"engine::api\", \"engine::Secret\"]",
            ),
        );
        assert_eq!(rules.len(), 1);
    }

    #[test]
    fn each_name_of_a_multi_line_use_tree_is_found_at_its_own_line_and_column() {
        let text = "use kernel::{\n    api::start,\n    internal::{poke, Secret},\n};\n";
        let ast = syn::parse_file(text).unwrap();
        let names: BTreeSet<String> = ["kernel".to_owned()].into();
        let mut finder = UseFinder {
            names: &names,
            include_tests: false,
            found: Vec::new(),
        };
        finder.visit_file(&ast);
        let found: Vec<(u32, u32, &str)> = finder
            .found
            .iter()
            .map(|u| (u.line, u.column, u.written.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (2, 5, "kernel::api::start"),
                (3, 16, "kernel::internal::poke"),
                (3, 22, "kernel::internal::Secret"),
            ]
        );
    }

    #[test]
    fn test_code_counts_when_the_rule_says_so() {
        let findings = check(
            &fixture_on_disk(),
            &format!("{APP_ENGINE_API}include-tests = true\n"),
        );
        let places: Vec<Option<String>> =
            findings.iter().map(|f| at(f.location.as_ref())).collect();
        assert_eq!(
            places,
            [
                Some("app/src/lib.rs:3:5".to_owned()),
                Some("app/src/lib.rs:8:5".to_owned()),
                Some("app/src/lib.rs:15:9".to_owned()),
            ]
        );
        assert_eq!(
            findings[2].message,
            "`app` uses `kernel::internal::poke`, outside `kernel::api`"
        );
    }

    #[test]
    fn uses_inside_the_modules_pass() {
        let rule = APP_ENGINE_API.replace(
            r#"["engine::api"]"#,
            r#"["engine::api", "engine::internal"]"#,
        );
        assert_eq!(check(&fixture_on_disk(), &rule), []);
    }

    #[test]
    fn a_trait_path_in_an_impl_is_a_use_and_test_impls_are_skipped() {
        // plugin-a: `impl engine::Plugin for A` in its library; plugin-b: the same inside `#[cfg(test)]`.
        let findings = check(
            &fixture_on_disk(),
            r#"
[[arch.only-through]]
id = "plugins-through-api"
why = "w"
from = "plugin-*"
to = "engine"
modules = ["engine::api"]
"#,
        );
        assert_eq!(
            messages(&findings),
            ["`plugin-a` uses `engine::Plugin`, outside `engine::api`"]
        );
        assert_eq!(
            at(findings[0].location.as_ref()).as_deref(),
            Some("plugin-a/src/lib.rs:6:6")
        );
    }

    #[test]
    fn a_crate_that_does_not_depend_on_the_target_is_not_read() {
        // Under the fake root no source exists: reading one would be a problem, and `check` fails on those.
        let findings = check(
            &fixture(),
            r#"
[[arch.only-through]]
id = "helper-engine"
why = "w"
from = "helper"
to = "engine"
modules = ["engine::api"]
"#,
        );
        assert_eq!(findings, []);
    }

    #[test]
    fn a_module_outside_the_target_crate_is_a_configuration_error() {
        let errors = compile_errors(
            &fixture(),
            r#"
[[arch.only-through]]
id = "bad"
why = "w"
from = "app"
to = "engine"
modules = ["engine::api", "kernel::api"]
"#,
        );
        assert_eq!(
            errors,
            [(
                7,
                r#""kernel::api""#.to_owned(),
                "module path `kernel::api` does not start with `engine`".to_owned()
            )]
        );
    }

    #[test]
    fn the_name_a_crate_uses_is_its_dependency_key() {
        let ws = fixture();
        let member = |name| ws.graph.workspace().member_by_name(name).unwrap();
        assert_eq!(
            extern_name(member("app"), member("engine")).as_deref(),
            Some("kernel")
        );
        assert_eq!(
            extern_name(member("plugin-b"), member("plugin-a")).as_deref(),
            Some("plugin_a")
        );
        assert_eq!(extern_name(member("engine"), member("app")), None);
    }

    #[test]
    fn a_path_is_named_where_its_item_is_declared_with_the_allowed_paths_to_it() {
        let ws = fixture_on_disk();
        let engine = ws.graph.workspace().member_by_name("engine").unwrap();
        let surface = read_surface(engine, None);
        assert!(surface.problems.is_empty(), "{:?}", surface.problems);
        let path = |p: &str| p.split("::").map(str::to_owned).collect::<Vec<_>>();
        let internal = [path("internal")];
        let secret = name_of(&surface, &path("Secret"), &internal);
        assert_eq!(secret.defined, path("internal::Secret"));
        assert_eq!(secret.allowed_paths, [(path("internal::Secret"), false)]);
        assert_eq!(
            name_of(&surface, &path("api::start"), &internal).defined,
            path("api::start")
        );
        assert_eq!(
            name_of(&surface, &path("Plugin"), &internal).allowed_paths,
            []
        );
    }

    #[test]
    fn to_is_one_workspace_member_with_a_library() {
        let rule = |to: &str| {
            format!(
                "[[arch.only-through]]\nid = \"o\"\nwhy = \"w\"\nfrom = \"app\"\nto = \"{to}\"\nmodules = [\"{}::api\"]\n",
                to.replace('-', "_")
            )
        };
        let glob = compile_errors(&fixture(), &rule("engin?"));
        assert_eq!(glob[0].2, "`to` names one crate, not a glob: `engin?`");
        let unknown = compile_errors(&fixture(), &rule("nope"));
        assert_eq!(unknown[0].2, "`nope` is not a workspace member");
    }
}
