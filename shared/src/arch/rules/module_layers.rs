//! `module-layers`: layers between the top-level modules of one crate.
//!
//! The crate's library sources are read through its module tree and parsed with syn. Every path that names
//! an item of the crate is attributed to the top-level module it lands in:
//!
//! - paths anchored at `crate`, `self` or `super` (any number of `super`s), resolved against the module they
//!   are written in: in `use` trees (groups, renames, globs) and in code (expressions, types, patterns,
//!   trait bounds, attributes, the path of a macro invocation);
//! - bare paths of two or more segments (`gate::decide()`) in a module that glob-imports the crate root
//!   (`use super::*;` in a top-level module, `use crate::*;`), when their first segment is a top-level
//!   module and no name the module declares or imports shadows it;
//! - a path to a name of the crate root itself (`crate::Verdict`) is followed through the root's `use`
//!   items (re-exports or not; not its glob imports) to the module the name comes from.
//!
//! A file of a module in layer i must not name a module of a higher layer (index < i), nor, with
//! `independent`, another module of layer i. A module naming itself or its own submodules is always fine.
//! The crate root and the modules in no layer are unconstrained, both as users and as used: a path through
//! such a module (its `pub use`) is attributed to that module. Not seen: paths inside macro invocations
//! (token streams), modules declared by macros, visibilities (`pub(in crate::a)` names an ancestor), and,
//! unless `include-tests`, `#[cfg(test)]` code and `#[test]` fns.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use camino::Utf8Path;
use guppy::graph::BuildTargetId;
use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::arch::cfg::ModuleLayersRule;
use crate::arch::patterns::{NamePattern, PatternChecker};
use crate::arch::prefilter::{self, Needles};
use crate::arch::rules::exceptions::{Ends, Exceptions};
use crate::arch::rules::{Context, RuleMeta};
use crate::report::{Finding, Location, Problem};
use crate::source::attrs::{is_cfg_test, is_test_fn, item_attrs};
use crate::source::modtree::{Analysis, FileStamp, ModDecl, ModuleFile, walk};
use crate::source::paths::{UseEnd, crate_relative, flatten_use, item_name};
use crate::source::{Place, top_level_modules};
use crate::workspace::relative_to;

/// How many of the crate root's imports one path is followed through (a cycle of them stops there).
const ROOT_IMPORT_STEPS: usize = 8;

/// A compiled module-layers rule.
#[derive(Clone, Debug)]
pub struct ModuleLayers {
    /// Id, why, severity.
    pub meta: RuleMeta,
    /// The crate whose library is checked.
    pub crate_name: String,
    /// Top first: the top-level modules of each layer.
    pub layers: Vec<Vec<NamePattern>>,
    /// Modules of one layer must not use each other.
    pub independent: bool,
    /// Check test code too.
    pub include_tests: bool,
    /// The crate's top-level modules when the rule was compiled (for `--explain`; empty when unknown).
    pub modules: Vec<String>,
    /// Accepted uses: from a module path to the module path it uses (`gate::verdict`, globs).
    pub allow: Exceptions,
}

/// The rule's one-line description.
pub(super) fn describe(r: &ModuleLayersRule) -> String {
    let names: Vec<String> = r
        .layers
        .iter()
        .map(|l| {
            l.iter()
                .map(|p| p.get_ref().as_str())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect();
    format!(
        "modules of `{}`, layers top to bottom: [{}]; a module uses only modules of lower layers{}",
        r.crate_name.get_ref(),
        names.join("] > ["),
        if r.independent {
            ", not others of its own"
        } else {
            ""
        }
    )
}

impl ModuleLayers {
    /// Compiles the configured rule: `crate` must be a workspace member with a library, and every module
    /// name or glob must match one of its top-level modules. `None` when the crate is not one (the error is
    /// in `checker`).
    pub(super) fn compile(
        r: &ModuleLayersRule,
        meta: RuleMeta,
        checker: &mut PatternChecker<'_>,
    ) -> Option<ModuleLayers> {
        let crate_name = checker.crate_name(&r.crate_name, "crate")?;
        let root_file = checker.member_library(&crate_name);
        if checker.is_strict() && root_file.is_none() {
            return None;
        }
        // A crate root that cannot be read is the check's problem to report; its names cannot be checked.
        let modules = root_file.and_then(|f| top_level_modules(f).ok());
        let layers = r
            .layers
            .iter()
            .map(|layer| {
                layer
                    .iter()
                    .filter_map(|p| {
                        checker.module_pattern(p, crate_name.get_ref(), modules.as_deref())
                    })
                    .collect()
            })
            .collect();
        // Exception globs name module paths of the crate (or something inside one).
        if let Some(paths) = root_file.and_then(super::only_through::module_paths) {
            let known: Vec<String> = paths
                .into_iter()
                .filter(|m| !m.is_empty())
                .map(|m| m.join("::"))
                .collect();
            for e in &r.allow {
                for end in [&e.get_ref().from, &e.get_ref().to] {
                    let Some(glob) = checker.path_pattern(end) else {
                        continue;
                    };
                    let text = end.get_ref().trim_start_matches("crate::");
                    let inside = known.iter().any(|m| text.starts_with(&format!("{m}::")));
                    if !inside && !known.iter().any(|m| glob.matches(m)) {
                        checker.validator.error(
                            end,
                            format!(
                                "`{}` matches no module of `{}`",
                                end.get_ref(),
                                crate_name.get_ref()
                            ),
                            "matches nothing",
                            Some(
                                "write a module path of the crate (`gate::verdict`), or a glob"
                                    .to_owned(),
                            ),
                        );
                    }
                }
            }
        }
        Some(ModuleLayers {
            meta,
            crate_name: crate_name.get_ref().to_owned(),
            layers,
            independent: r.independent,
            include_tests: r.include_tests,
            modules: modules.unwrap_or_default(),
            allow: Exceptions::compile(&r.allow, Ends::Modules, checker),
        })
    }

    /// The layer of a top-level module: the first (highest) that names it.
    fn layer_of(&self, module: &str) -> Option<usize> {
        self.layers
            .iter()
            .position(|l| l.iter().any(|p| p.matches(module)))
    }

    /// Lines for `--explain`: the modules each layer matches, and those in no layer.
    pub(super) fn explain_lines(&self) -> Vec<String> {
        let mut lines = vec![format!("crate: `{}` (its library)", self.crate_name)];
        for (i, layer) in self.layers.iter().enumerate() {
            let parts: Vec<String> = layer
                .iter()
                .map(|p| {
                    let matched: Vec<&str> = self
                        .modules
                        .iter()
                        .map(String::as_str)
                        .filter(|m| p.matches(m))
                        .collect();
                    format!("`{}` matches {}", p.text, matched.join(", "))
                })
                .collect();
            lines.push(format!(
                "layer {} (may use layers below): {}",
                i + 1,
                parts.join("; ")
            ));
        }
        if self.independent {
            lines.push("modules of one layer must not use each other".to_owned());
        }
        let free: Vec<&str> = self
            .modules
            .iter()
            .map(String::as_str)
            .filter(|m| self.layer_of(m).is_none())
            .collect();
        if !free.is_empty() {
            lines.push(format!("in no layer (unconstrained): {}", free.join(", ")));
        }
        lines
    }

    /// Every path in the crate's library that names a module of a higher layer (or, with `independent`,
    /// of its own layer), when the crate is among the checked members. The library is read once for every
    /// rule on it (per `include-tests`).
    pub(super) fn check(&self, ctx: &mut Context<'_, '_>) -> Vec<Finding> {
        let members = ctx.members;
        let Some(pkg) = members.iter().find(|m| m.name() == self.crate_name) else {
            return Vec::new();
        };
        let Some(lib) = pkg.build_target(&BuildTargetId::Library) else {
            return Vec::new();
        };
        let root = &ctx.graph.ws.root;
        let problems = &mut ctx.problems;
        let prefilter = ctx.prefilter;
        let scan = ctx
            .module_scans
            .entry((pkg.id().clone(), self.include_tests)) // cloned: the cache owns its key
            .or_insert_with(|| {
                CrateScan::read(lib.path(), self.include_tests, prefilter, root, problems)
            });
        let mut keyed = Vec::new();
        for (file, paths) in &scan.files {
            for path in paths {
                if let Some(mut finding) = self.judge(path) {
                    finding.location = Some(Location {
                        file: file.to_owned(),
                        line: path.found.place.line,
                        column: path.found.place.column,
                        length: path.found.place.length,
                    });
                    keyed.push((
                        finding,
                        path.found.module.join("::"),
                        path.landed.join("::"),
                    ));
                }
            }
        }
        let (mut findings, stale) = self.allow.apply_keyed(&self.meta, keyed, |_| false);
        crate::arch::impact::of_uses(&mut findings, |n| {
            format!(
                "{n} {} that break the layers",
                if n == 1 { "path" } else { "paths" }
            )
        });
        findings.extend(stale);
        findings
    }

    /// The finding for one path, if it breaks the layers.
    fn judge(&self, path: &Landed) -> Option<Finding> {
        let f = &path.found;
        let from = f.module.first()?;
        let from_layer = self.layer_of(from)?;
        let to = path.landed.first()?;
        let to_layer = self.layer_of(to)?;
        let (relation, help) = if to_layer < from_layer {
            (
                "higher",
                format!(
                    "a module uses only modules of lower layers: move what `{from}` needs from `{to}` \
                     into a lower layer, or have a higher layer pass it in"
                ),
            )
        } else if to_layer == from_layer && self.independent {
            (
                "same layer",
                format!(
                    "modules of one layer are independent: move what `{from}` needs from `{to}` into a \
                     lower layer"
                ),
            )
        } else {
            return None;
        };
        let landed_text = format!(
            "crate::{}{}",
            path.landed.join("::"),
            if f.glob { "::*" } else { "" }
        );
        let resolved = if path.reexported {
            format!("re-exported from `{landed_text}`, ")
        } else if landed_text != f.written {
            format!("`{landed_text}`, ")
        } else {
            String::new()
        };
        let message = format!(
            "`{}` (layer {}) uses `{}` ({resolved}layer {}, {relation})",
            f.module.join("::"),
            from_layer + 1,
            f.written,
            to_layer + 1,
        );
        let mut finding = self
            .meta
            .finding(message, vec![self.crate_name.to_owned()], Vec::new());
        finding.help = Some(help);
        Some(finding)
    }
}

/// A crate's library, read for the module-layers rules: every path in it that names another top-level
/// module of the crate than its own, with where it lands.
#[derive(Debug, Default)]
pub struct CrateScan {
    /// Per file (relative to the workspace root): its paths in order, one per line and written form.
    files: Vec<(String, Vec<Landed>)>,
}

impl CrateScan {
    /// Reads the library rooted at `lib_root` (its test code too with `include_tests`); files that cannot be
    /// read go to `problems`, located relative to the workspace root `ws_root`.
    fn read(
        lib_root: &Utf8Path,
        include_tests: bool,
        prefilter: bool,
        ws_root: &Utf8Path,
        problems: &mut Vec<Problem>,
    ) -> CrateScan {
        let scan = ModuleScan {
            include_tests,
            prefilter,
            needles: OnceLock::new(),
        };
        let (mut files, walk_problems) = walk(lib_root, include_tests, &scan);
        problems.extend(walk_problems.into_iter().map(|p| p.into_problem(ws_root)));
        let names = files
            .iter_mut()
            .find(|(file, _)| file.module_path.is_empty())
            .map(|(_, uses)| CrateNames::of_root(uses))
            .unwrap_or_default();
        let files = files
            .into_iter()
            .map(|(file, uses)| {
                let mut found: Vec<Found> = uses.anchored;
                found.extend(uses.bare.into_iter().filter(|f| {
                    f.path
                        .first()
                        .is_some_and(|first| names.top.contains(first))
                }));
                found.sort();
                let mut seen = BTreeSet::new();
                let landed = found
                    .into_iter()
                    .filter(|f| seen.insert((f.place.line, f.written.to_owned())))
                    .filter_map(|found| {
                        let (landed, reexported) = names.land(&found.path)?;
                        // A module naming itself or its own submodules is always fine.
                        if landed.first() == found.module.first() {
                            return None;
                        }
                        Some(Landed {
                            found,
                            landed,
                            reexported,
                        })
                    })
                    .collect();
                (relative_to(ws_root, &file.path), landed)
            })
            .collect();
        CrateScan { files }
    }
}

/// The paths of each file of a library. The crate root is always parsed; with `prefilter`, another file is
/// parsed only when it can name another top-level module: it has `crate` or `super` in it (a path anchored
/// at `self` stays in its own module, a bare path counts only under a glob import of the root), and the
/// name of a top-level module or of a root import that leads to one.
struct ModuleScan {
    include_tests: bool,
    prefilter: bool,
    /// Set when the crate root is read: the two groups of words.
    needles: OnceLock<[Needles; 2]>,
}

impl Analysis for ModuleScan {
    type Output = FileUses;

    fn cached(
        &self,
        file: &ModuleFile,
        text: &str,
        _stamp: Option<&FileStamp>,
    ) -> Option<(FileUses, Vec<ModDecl>)> {
        if !self.prefilter || file.module_path.is_empty() {
            return None;
        }
        let [anchors, names] = self.needles.get()?;
        let decls = prefilter::skip(text, &[anchors, names])?;
        Some((FileUses::default(), decls))
    }

    fn analyze(&self, file: &ModuleFile, ast: &syn::File, _text: &str) -> FileUses {
        let mut finder = Finder {
            include_tests: self.include_tests,
            module: file.module_path.to_vec(),
            frames: vec![Frame::default()],
            uses: FileUses::default(),
        };
        finder.visit_file(ast);
        let uses = finder.finish();
        if file.module_path.is_empty() {
            self.needles.get_or_init(|| {
                let top: BTreeSet<&str> = uses.root_modules.iter().map(String::as_str).collect();
                let imports = uses.root_imports.iter().filter(|i| {
                    i.anchored || i.path.first().is_some_and(|s| top.contains(s.as_str()))
                });
                let names: Vec<&str> = top
                    .iter()
                    .copied()
                    .chain(imports.map(|i| i.name.as_str()))
                    .collect();
                [Needles::new(["crate", "super"]), Needles::new(names)]
            });
        }
        uses
    }
}

/// A path and the top-level module it lands in.
#[derive(Debug)]
struct Landed {
    found: Found,
    /// Crate-relative, starting with a top-level module.
    landed: Vec<String>,
    /// Reached through an import of the crate root.
    reexported: bool,
}

/// What the crate root tells about names: its modules and its imports.
#[derive(Debug, Default)]
struct CrateNames {
    /// The top-level modules.
    top: BTreeSet<String>,
    /// The names the root imports, with the crate-relative path each names.
    root_imports: BTreeMap<String, Vec<String>>,
}

impl CrateNames {
    /// The names of the crate root's file (taken out of its `uses`).
    fn of_root(uses: &mut FileUses) -> CrateNames {
        let top: BTreeSet<String> = std::mem::take(&mut uses.root_modules).into_iter().collect();
        let root_imports = std::mem::take(&mut uses.root_imports)
            .into_iter()
            .filter(|i| i.anchored || i.path.first().is_some_and(|s| top.contains(s)))
            .map(|i| (i.name, i.path))
            .collect();
        CrateNames { top, root_imports }
    }

    /// The crate-relative `path` followed through the root's imports until it starts with a top-level
    /// module, and whether an import was followed; `None` when it names something of the root itself.
    fn land(&self, path: &[String]) -> Option<(Vec<String>, bool)> {
        let mut current = path.to_vec();
        for step in 0..ROOT_IMPORT_STEPS {
            let first = current.first()?;
            if self.top.contains(first) {
                return Some((current, step > 0));
            }
            let target = self.root_imports.get(first)?;
            current = [target, &current[1..]].concat();
        }
        None
    }
}

/// A path found in a file.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Found {
    place: Place,
    /// As written, without generic arguments: `crate::gate::verdict`, `super::super::gate::*`.
    written: String,
    /// The module it is written in (the file's module path, with inline modules).
    module: Vec<String>,
    /// Crate-relative segments; for a bare path, as written.
    path: Vec<String>,
    /// A glob import (`..::*`).
    glob: bool,
}

/// A name the crate root imports.
#[derive(Debug)]
struct RootImport {
    name: String,
    /// Crate-relative when `anchored`; else as written (a crate path if it starts with a root module).
    path: Vec<String>,
    anchored: bool,
}

/// What one file holds.
#[derive(Debug, Default)]
struct FileUses {
    /// Paths anchored at `crate`, `self` or `super`, outside the crate root.
    anchored: Vec<Found>,
    /// Bare paths of two or more segments in modules that glob-import the crate root, their first segment
    /// shadowed by no name of the module: crate paths when it is a top-level module.
    bare: Vec<Found>,
    /// In the crate root's file: the root's modules (test modules included).
    root_modules: Vec<String>,
    /// In the crate root's file: the root's imports.
    root_imports: Vec<RootImport>,
}

/// One module of a file while it is visited.
#[derive(Default)]
struct Frame {
    /// It glob-imports the crate root.
    root_glob: bool,
    /// The names it declares or imports.
    names: BTreeSet<String>,
    /// Its bare paths of two or more segments, kept if it glob-imports the root.
    bare: Vec<Found>,
}

struct Finder {
    include_tests: bool,
    /// The module being visited.
    module: Vec<String>,
    /// One per module being visited: the file's, then inline modules.
    frames: Vec<Frame>,
    uses: FileUses,
}

impl Finder {
    fn skip(&self, attrs: &[syn::Attribute]) -> bool {
        !self.include_tests && (is_cfg_test(attrs) || is_test_fn(attrs))
    }

    fn frame(&mut self) -> &mut Frame {
        if self.frames.is_empty() {
            self.frames.push(Frame::default());
        }
        let last = self.frames.len() - 1;
        &mut self.frames[last]
    }

    /// Records a path written in the current module (never the crate root, which is unconstrained): a
    /// crate path, or a bare path of two or more segments that may be one.
    fn record(&mut self, segments: Vec<String>, glob: bool, span: proc_macro2::Span) {
        let anchored = crate_relative(&self.module, &segments);
        match &anchored {
            // The crate root itself (`use super::*;` in a top-level module): unconstrained.
            Some(path) if path.is_empty() => return,
            None if segments.len() < 2 => return,
            _ => {}
        }
        let mut written = segments.join("::");
        if glob {
            written.push_str("::*");
        }
        let is_anchored = anchored.is_some();
        let found = Found {
            place: Place::of(span),
            written,
            module: self.module.to_vec(),
            path: anchored.unwrap_or(segments),
            glob,
        };
        if is_anchored {
            self.uses.anchored.push(found);
        } else {
            self.frame().bare.push(found);
        }
    }

    /// Ends the innermost module: its bare paths count when it glob-imports the crate root.
    fn close_frame(&mut self) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        if !frame.root_glob {
            return;
        }
        self.uses.bare.extend(frame.bare.into_iter().filter(|f| {
            f.path
                .first()
                .is_some_and(|first| !frame.names.contains(first))
        }));
    }

    fn finish(mut self) -> FileUses {
        while !self.frames.is_empty() {
            self.close_frame();
        }
        self.uses
    }
}

impl<'ast> Visit<'ast> for Finder {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        if self.module.is_empty()
            && let syn::Item::Mod(m) = item
        {
            self.uses.root_modules.push(m.ident.to_string());
        }
        if self.skip(item_attrs(item)) {
            return;
        }
        if let Some(name) = item_name(item) {
            self.frame().names.insert(name);
        }
        syn::visit::visit_item(self, item);
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        let Some((_, items)) = &m.content else {
            return;
        };
        self.module.push(m.ident.to_string());
        self.frames.push(Frame::default());
        for item in items {
            self.visit_item(item);
        }
        self.close_frame();
        self.module.pop();
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        for used in flatten_use(&u.tree) {
            let resolved = crate_relative(&self.module, &used.segments);
            let glob = used.end == UseEnd::Glob;
            if glob && resolved.as_ref().is_some_and(Vec::is_empty) {
                self.frame().root_glob = true;
            }
            if let UseEnd::Name(name) = used.end {
                if self.module.is_empty() {
                    let anchored = resolved.is_some();
                    self.uses.root_imports.push(RootImport {
                        name,
                        path: resolved.unwrap_or(used.segments),
                        anchored,
                    });
                    continue;
                }
                self.frame().names.insert(name);
            }
            if !self.module.is_empty() {
                self.record(used.segments, glob, used.span);
            }
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        if path.segments.len() >= 2 && path.leading_colon.is_none() && !self.module.is_empty() {
            let segments = path.segments.iter().map(|s| s.ident.to_string()).collect();
            self.record(segments, false, path.span());
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {
        // `pub(in crate::a)` names an ancestor of the item: not a use.
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if !self.skip(&f.attrs) {
            syn::visit::visit_impl_item_fn(self, f);
        }
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        if !self.skip(&f.attrs) {
            syn::visit::visit_trait_item_fn(self, f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(parts: &[&str]) -> Vec<String> {
        parts.iter().map(|s| (*s).to_owned()).collect()
    }

    /// What a file of module `module` holds.
    fn uses(module: &[&str], src: &str, include_tests: bool) -> FileUses {
        let ast = syn::parse_file(src).unwrap();
        let mut finder = Finder {
            include_tests,
            module: strings(module),
            frames: vec![Frame::default()],
            uses: FileUses::default(),
        };
        finder.visit_file(&ast);
        finder.finish()
    }

    fn written(found: &[Found]) -> Vec<(String, String)> {
        found
            .iter()
            .map(|f| (f.module.join("::"), f.written.to_owned()))
            .collect()
    }

    #[test]
    fn the_crate_root_gives_its_modules_and_imports_and_its_inline_modules_count() {
        let root = uses(
            &[],
            "mod a;\n#[cfg(test)]\nmod t;\npub use a::X;\nuse crate::b::{self as bee};\nuse std::fmt;\nmod c { use crate::a::Y; }\nfn f() { crate::a::g(); }\n",
            false,
        );
        assert_eq!(root.root_modules, strings(&["a", "t", "c"]));
        let imports: Vec<(&str, String, bool)> = root
            .root_imports
            .iter()
            .map(|i| (i.name.as_str(), i.path.join("::"), i.anchored))
            .collect();
        assert_eq!(
            imports,
            [
                ("X", "a::X".to_owned(), false),
                ("bee", "b".to_owned(), true),
                ("fmt", "std::fmt".to_owned(), false),
            ]
        );
        // The root itself is unconstrained: only the inline module's path is kept.
        assert_eq!(
            written(&root.anchored),
            [("c".to_owned(), "crate::a::Y".to_owned())]
        );
    }

    #[test]
    fn test_code_visibilities_and_shadowed_bare_paths_are_left_out() {
        let src = "use super::*;\nmod b { pub fn f() {} }\npub(in crate::a) fn g() { b::f(); c::h(); }\nstruct S;\nimpl S {\n    #[test]\n    fn t() { crate::c::x(); }\n}\n#[cfg(test)]\nuse crate::c::y;\n";
        let found = uses(&["a"], src, false);
        assert!(found.anchored.is_empty(), "{:?}", found.anchored);
        // `b` is the module's own; `c` may be the root's, glob-imported.
        assert_eq!(written(&found.bare), [("a".to_owned(), "c::h".to_owned())]);
        let with_tests = uses(&["a"], src, true);
        assert_eq!(
            written(&with_tests.anchored),
            [
                ("a".to_owned(), "crate::c::x".to_owned()),
                ("a".to_owned(), "crate::c::y".to_owned())
            ]
        );
    }

    #[test]
    fn root_imports_are_followed_and_a_cycle_of_them_ends() {
        let names = CrateNames {
            top: BTreeSet::from(["gate".to_owned()]),
            root_imports: BTreeMap::from([
                ("V".to_owned(), strings(&["gate", "Verdict"])),
                ("X".to_owned(), strings(&["Y"])),
                ("Y".to_owned(), strings(&["X"])),
            ]),
        };
        assert_eq!(
            names.land(&strings(&["V", "new"])),
            Some((strings(&["gate", "Verdict", "new"]), true))
        );
        assert_eq!(
            names.land(&strings(&["gate", "x"])),
            Some((strings(&["gate", "x"]), false))
        );
        assert_eq!(names.land(&strings(&["X"])), None);
        assert_eq!(names.land(&strings(&["Local"])), None);
        assert_eq!(names.land(&[]), None);
    }
}
