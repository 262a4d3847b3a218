//! The public surface of a library crate: every item, every public path that reaches it from outside the
//! crate, and its signature as written. Syntax only (syn, stable toolchain, nothing is compiled).
//!
//! # What is resolved
//!
//! Starting at the crate root file, the module tree is read with [`crate::source::modtree`] (`mod x;`,
//! `#[path]`, inline modules; `#[cfg(test)]` modules and items are left out, other `#[cfg]`s are kept and
//! noted on the item). Names are then resolved the way rustc does, in its three namespaces (types, values,
//! macros):
//!
//! - `pub mod a` makes `a::..` a public path; `mod a`, `pub(crate) mod a`, `pub(super)`, `pub(in ..)` do not
//!   (their items are not reachable through them, though a `pub use` elsewhere may reach them).
//! - `pub use` re-exports, with renames (`as`), globs (`*`, which bring the names the glob's module
//!   makes visible to the importer, and give way to names declared or imported by name), `self` in groups,
//!   nested trees, chains of re-exports through private modules, `crate::`, `self::`, `super::` and plain
//!   paths relative to the module's scope (2018 edition rules).
//! - `pub use other_crate as name`, `pub use other_crate::x` and `pub use other_crate::*`: the target is
//!   in another crate, given as an [`External`] naming the crate (as written in the source: a rename in
//!   `Cargo.toml` is the caller's to map) and the path inside it, so a caller can follow it with that
//!   crate's own [`Surface`]. `std`, `core` and `alloc` are external crates like any other.
//! - `#[macro_export] macro_rules! m` is public at the crate root, whatever module declares it.
//! - Inherent `impl` blocks of a type: their `pub fn` and `pub const` are items of kind
//!   [`ItemKind::Method`] / [`ItemKind::AssocConst`], reachable at every public path of the type followed
//!   by their name (`Config::load`). Trait impls are not items.
//! - `#[doc(hidden)]` on an item, a `pub use` or a module on the way makes the path
//!   [`PublicPath::doc_hidden`]; the path is still public.
//!
//! Not seen (the surface is then smaller than rustc's, never larger): items made by macros (other than
//! `macro_rules!` definitions), `pub use` of enum variants (`pub use Kind::*`: the variants are part of
//! the enum's signature), re-exports through a glob of another crate that shadow local names, paths in
//! `#[path]`s that do not exist on this machine. A `pub use` that cannot be resolved is listed in
//! [`Surface::unresolved`], never guessed.
//!
//! # Signatures
//!
//! [`Item::signature`] is the item as rustfmt would print it (prettyplease), without docs, attributes
//! (except `#[non_exhaustive]`), bodies or values (`= _`): functions with generics, parameters, return
//! type and where clause; structs and unions with their `pub` fields (fields that are not `pub`, which
//! includes `pub(crate)`, are `/* private fields */` or `_` in a tuple); enums with every variant and
//! their discriminants; traits with every item (a provided method ends in `{}`, a required one in `;`).
//! [`Item::shape`] is the same on one line with parameter names erased: two revisions of an item have the
//! same interface when their shapes are equal.
//!
//! # Use
//!
//! ```ignore
//! let surface = source::public::surface(lib.path());
//! // What does `runtime::prelude::KMap` name? (paths are crate-relative: no crate name in front)
//! match surface.lookup(&["prelude", "KMap"]) {
//!     Some(Target::Item(item)) => { /* item.module, item.place, surface.paths_of(item) */ }
//!     Some(Target::External(ext)) => { /* follow ext.krate's surface at ext.path */ }
//!     None => { /* not a public path of this crate */ }
//! }
//! ```

mod collect;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use camino::{Utf8Path, Utf8PathBuf};

use crate::source::Place;
use crate::source::facts::{self, FactsCache};
use crate::source::modtree::{Analysis, FileStamp, ModDecl, ModuleFile, SourceProblem, walk};
use crate::source::paths::crate_relative;

use collect::{FileFacts, Ns, RawItem, RawUse, Vis};

/// What kind of item.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    /// `fn`.
    Fn,
    /// `struct`.
    Struct,
    /// `enum`.
    Enum,
    /// `union`.
    Union,
    /// `trait`.
    Trait,
    /// `type X = ..;`.
    TypeAlias,
    /// `const`.
    Const,
    /// `static`.
    Static,
    /// `macro_rules!` (public only with `#[macro_export]`).
    Macro,
    /// `mod`.
    Module,
    /// A `pub fn` of an inherent `impl` block.
    Method,
    /// A `pub const` of an inherent `impl` block.
    AssocConst,
    /// `type X;` in an `extern` block.
    ForeignType,
}

impl ItemKind {
    /// The word Rust uses for it (`fn`, `struct`, `type`, `macro`, `method`...).
    pub fn word(self) -> &'static str {
        match self {
            ItemKind::Fn => "fn",
            ItemKind::Struct => "struct",
            ItemKind::Enum => "enum",
            ItemKind::Union => "union",
            ItemKind::Trait => "trait",
            ItemKind::TypeAlias => "type",
            ItemKind::Const => "const",
            ItemKind::Static => "static",
            ItemKind::Macro => "macro",
            ItemKind::Module => "mod",
            ItemKind::Method => "method",
            ItemKind::AssocConst => "associated const",
            ItemKind::ForeignType => "extern type",
        }
    }
}

/// A type path named by an item's interface (a parameter, return or field type...), as written.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Mention {
    /// Its segments (`["io", "Error"]`), generics dropped.
    pub path: Vec<String>,
    /// Where its last segment is, in the item's file.
    pub place: Place,
}

/// One public path of an item.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct PublicPath {
    /// Its segments, crate-relative (`["prelude", "KMap"]` is `my_crate::prelude::KMap`).
    pub segments: Vec<String>,
    /// `#[doc(hidden)]` on the item, a `pub use` or a module on the way.
    pub doc_hidden: bool,
}

impl PublicPath {
    /// `a::b::c`.
    pub fn joined(&self) -> String {
        self.segments.join("::")
    }
}

/// An item of the crate, public or not.
#[derive(Clone, Debug)]
pub struct Item {
    /// Its name as declared.
    pub name: String,
    /// Its kind.
    pub kind: ItemKind,
    /// The module that declares it, crate-relative (`[]` for the root). For methods, the module of the
    /// `impl` block.
    pub module: Vec<String>,
    /// The file that declares it.
    pub file: Utf8PathBuf,
    /// Where its name is in that file.
    pub place: Place,
    /// Every public path that reaches it, shortest first (empty: not reachable from outside the crate).
    pub paths: Vec<PublicPath>,
    /// Its signature, multi-line as rustfmt prints it (see the module doc).
    pub signature: String,
    /// The signature on one line with parameter names erased: equal shapes, same interface.
    pub shape: String,
    /// `#[doc(hidden)]` on the item itself.
    pub doc_hidden: bool,
    /// Has a doc comment.
    pub documented: bool,
    /// `#[non_exhaustive]` on the item.
    pub non_exhaustive: bool,
    /// Its `#[cfg(..)]` predicates, when it is conditional.
    pub cfg: Option<String>,
    /// Declared `pub` (reachable or not).
    pub declared_pub: bool,
    /// The type paths its interface names (for methods: their signature's).
    pub mentions: Vec<Mention>,
    /// For methods and associated consts: the type of their `impl` block.
    pub parent: Option<ItemId>,
}

impl Item {
    /// True when some public path reaches it.
    pub fn is_public(&self) -> bool {
        !self.paths.is_empty()
    }

    /// Its first public path, joined (`prelude::KMap`), or its module path and name when it has none.
    pub fn display_path(&self) -> String {
        match self.paths.first() {
            Some(path) => path.joined(),
            None => self
                .module
                .iter()
                .map(String::as_str)
                .chain([self.name.as_str()])
                .collect::<Vec<_>>()
                .join("::"),
        }
    }
}

/// The index of an item in [`Surface::items`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ItemId(pub usize);

/// A public path that leads into another crate (`pub use other::x`, `pub use other as o`,
/// `pub use other::*`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct External {
    /// The public path in this crate (for a glob: the module whose names it extends).
    pub path: Vec<String>,
    /// The other crate's name as written in the source (a `Cargo.toml` rename is the caller's to map).
    pub krate: String,
    /// The path inside that crate (`[]` for the crate itself).
    pub target: Vec<String>,
    /// `pub use other::*`: every public name of `target` in `path`.
    pub glob: bool,
    /// `#[doc(hidden)]` on the `use` or a module on the way.
    pub doc_hidden: bool,
    /// The file of the `pub use`.
    pub file: Utf8PathBuf,
    /// Where it is.
    pub place: Place,
}

/// A `pub use` that could not be resolved (its target is made by a macro, is an enum variant, or is
/// missing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unresolved {
    /// The path as written.
    pub path: Vec<String>,
    /// The module it is in.
    pub module: Vec<String>,
    /// A `pub use` (the surface may miss what it re-exports); `false` for other uses.
    pub public: bool,
    /// Its file.
    pub file: Utf8PathBuf,
    /// Where it is.
    pub place: Place,
}

/// A path into another crate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalPath {
    /// The crate's name as written in the source.
    pub krate: String,
    /// The path inside it (`[]` for the crate itself).
    pub path: Vec<String>,
}

/// What a public path names.
#[derive(Clone, Debug)]
pub enum Target<'a> {
    /// An item of this crate.
    Item(&'a Item),
    /// Something in another crate: follow it with that crate's [`Surface`]. Through a
    /// `pub use other::*` this is where the name would be, if the other crate has it.
    External(ExternalPath),
}

/// The surface of one crate: see the module doc.
#[derive(Debug, Default)]
pub struct Surface {
    /// Every item the crate declares outside test code, public or not: declared items in the order of
    /// their files, then the methods and associated consts of inherent impls.
    pub items: Vec<Item>,
    /// Public paths into other crates.
    pub external: Vec<External>,
    /// `use`s that could not be resolved (public or not).
    pub unresolved: Vec<Unresolved>,
    /// Files of the module tree that could not be read or parsed.
    pub problems: Vec<SourceProblem>,
    /// The names each module binds (public or not).
    modules: HashMap<Vec<String>, Scope>,
}

/// The names a module binds.
#[derive(Debug, Default, Clone)]
struct Scope {
    /// Declared or imported by name.
    names: BTreeMap<(String, Ns), Binding>,
    /// Imported by a glob (declarations and named imports shadow them).
    globs: BTreeMap<(String, Ns), Binding>,
    /// `use other_crate::path::*` globs.
    external_globs: Vec<ExternalGlob>,
}

#[derive(Debug, Clone)]
struct ExternalGlob {
    krate: String,
    target: Vec<String>,
    vis: Vis,
    doc_hidden: bool,
    site: Option<usize>,
}

impl Scope {
    fn get(&self, name: &str, ns: Ns) -> Option<&Binding> {
        let key = (name.to_owned(), ns);
        self.names.get(&key).or_else(|| self.globs.get(&key))
    }

    /// Every binding, named ones first, a glob only where no named one shadows it.
    fn all(&self) -> impl Iterator<Item = (&(String, Ns), &Binding)> {
        self.names.iter().chain(
            self.globs
                .iter()
                .filter(|(key, _)| !self.names.contains_key(*key)),
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Binding {
    target: Bound,
    vis: Vis,
    doc_hidden: bool,
    /// The `use` that made it, an index into the resolver's sites.
    site: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Bound {
    Item(ItemId),
    /// A module of this crate named by `crate`, `self` or `super` (the root has no item).
    Module(Vec<String>),
    /// A path into another crate.
    External(String, Vec<String>),
    /// Resolved to something that is not an item of the surface (an enum variant, a trait's item).
    Elsewhere,
}

/// Reads the crate whose root file is `root_file` (a library target's `src_path`) and resolves its
/// surface. Never fails: unreadable files are in [`Surface::problems`].
pub fn surface(root_file: &Utf8Path) -> Surface {
    surface_cached(root_file, None)
}

/// [`surface`], taking each unchanged file's facts from the cache under `state_dir` (the workspace's state
/// directory, [`crate::source::facts`]) instead of parsing it, and keeping the fresh ones there. `None`:
/// every file is parsed.
pub fn surface_cached(root_file: &Utf8Path, state_dir: Option<&Path>) -> Surface {
    let cache = state_dir.map(|dir| {
        let name = format!("surface-{:016x}", facts::hash_of(&root_file.as_str()));
        FactsCache::open(dir, &name)
    });
    let (files, problems) = walk(root_file, false, &SurfaceScan(cache.as_ref()));
    if let Some(cache) = cache {
        cache.save();
    }
    let facts: Vec<FileFacts> = files.into_iter().map(|(_, facts)| facts).collect();
    let mut surface = Resolver::new(facts).resolve();
    surface.problems = problems;
    surface
}

/// What each file adds to a surface, from the cache when its text and module are as they were.
struct SurfaceScan<'a>(Option<&'a FactsCache>);

impl SurfaceScan<'_> {
    /// What shapes a file's facts besides its text: its module.
    fn context(file: &ModuleFile) -> u64 {
        facts::hash_of(&file.module_path)
    }
}

impl Analysis for SurfaceScan<'_> {
    type Output = FileFacts;

    fn unchanged(&self, file: &ModuleFile, stamp: &FileStamp) -> Option<(FileFacts, Vec<ModDecl>)> {
        self.0?
            .unchanged(file.path.as_str(), stamp, &[Self::context(file)])
    }

    fn cached(
        &self,
        file: &ModuleFile,
        text: &str,
        stamp: Option<&FileStamp>,
    ) -> Option<(FileFacts, Vec<ModDecl>)> {
        self.0?
            .get(file.path.as_str(), text, stamp, Self::context(file))
    }

    fn analyze(&self, file: &ModuleFile, ast: &syn::File, _text: &str) -> FileFacts {
        collect::collect(file.path.to_owned(), &file.module_path, ast)
    }

    fn analyzed(
        &self,
        file: &ModuleFile,
        text: &str,
        stamp: Option<&FileStamp>,
        out: &FileFacts,
        decls: &[ModDecl],
    ) {
        if let Some(cache) = self.0 {
            cache.put(
                file.path.as_str(),
                text,
                stamp,
                Self::context(file),
                out,
                decls,
            );
        }
    }
}

impl Surface {
    /// The items some public path reaches.
    pub fn public(&self) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(|item| item.is_public())
    }

    /// The item with this id.
    pub fn item(&self, id: ItemId) -> Option<&Item> {
        self.items.get(id.0)
    }

    /// Every public path of `item` (the same as `item.paths`).
    pub fn paths_of<'a>(&self, item: &'a Item) -> &'a [PublicPath] {
        &item.paths
    }

    /// The item of this crate a path written by a user names (crate-relative: `["prelude", "KMap"]` for
    /// `runtime::prelude::KMap`), following re-exports; `None` when the path is not public or leads into
    /// another crate (see [`Surface::lookup`]). Types are preferred over values, values over macros.
    pub fn resolve(&self, path: &[&str]) -> Option<&Item> {
        match self.lookup(path)? {
            Target::Item(item) => Some(item),
            Target::External(_) => None,
        }
    }

    /// What a public path names: an item of this crate, or a path into another crate (to follow with that
    /// crate's surface). `None` when it is not a public path.
    pub fn lookup(&self, path: &[&str]) -> Option<Target<'_>> {
        let (last, init) = path.split_last()?;
        let mut module: Vec<String> = Vec::new();
        for (i, seg) in init.iter().enumerate() {
            let scope = self.modules.get(&module)?;
            let Some(binding) = scope.get(seg, Ns::Type).filter(|b| b.vis == Vis::Public) else {
                return through_external_glob(scope, &path[i..]);
            };
            match &binding.target {
                Bound::Item(id) => {
                    let item = self.item(*id)?;
                    match item.kind {
                        ItemKind::Module => {
                            module = item.module.to_vec();
                            module.push(item.name.to_owned());
                        }
                        ItemKind::Struct
                        | ItemKind::Enum
                        | ItemKind::Union
                        | ItemKind::TypeAlias
                        | ItemKind::ForeignType
                            if i + 1 == init.len() =>
                        {
                            return self.associated(*id, last).map(Target::Item);
                        }
                        _ => return None,
                    }
                }
                Bound::Module(path) => module = path.to_vec(),
                Bound::External(krate, target) => {
                    return Some(external_target(krate, target, &path[i + 1..]));
                }
                Bound::Elsewhere => return None,
            }
        }
        let scope = self.modules.get(&module)?;
        for ns in [Ns::Type, Ns::Value, Ns::Macro] {
            if let Some(binding) = scope.get(last, ns).filter(|b| b.vis == Vis::Public) {
                return match &binding.target {
                    Bound::Item(id) => self.item(*id).map(Target::Item),
                    Bound::External(krate, target) => Some(external_target(krate, target, &[])),
                    Bound::Module(_) | Bound::Elsewhere => None,
                };
            }
        }
        through_external_glob(scope, &path[init.len()..])
    }

    /// The item a type path written inside the crate names, as seen from `module` (crate-relative):
    /// `crate::`, `self::`, `super::` and names in the module's scope, private ones included. `None` for
    /// types of other crates, generic parameters and names the surface does not know.
    pub fn resolve_in(&self, module: &[String], path: &[&str]) -> Option<&Item> {
        let path: Vec<String> = path.iter().map(|s| (*s).to_owned()).collect();
        let id = type_in_scope(&self.modules, &self.items, module, &path)?;
        self.item(id)
    }

    /// The public method or associated const `name` of the type `owner`.
    fn associated(&self, owner: ItemId, name: &str) -> Option<&Item> {
        self.items
            .iter()
            .find(|i| i.parent == Some(owner) && i.name == name && i.is_public())
    }
}

/// `rest`, looked up through a `pub use other::*` of the module whose (public) scope is `scope`.
fn through_external_glob<'a>(scope: &Scope, rest: &[&str]) -> Option<Target<'a>> {
    let glob = scope.external_globs.iter().find(|g| g.vis == Vis::Public)?;
    Some(external_target(&glob.krate, &glob.target, rest))
}

fn external_target<'a>(krate: &str, target: &[String], rest: &[&str]) -> Target<'a> {
    Target::External(ExternalPath {
        krate: krate.to_owned(),
        path: target
            .iter()
            .map(String::as_str)
            .chain(rest.iter().copied())
            .map(str::to_owned)
            .collect(),
    })
}

/// Resolution state: the scopes of all modules, filled until nothing changes.
struct Resolver {
    items: Vec<Item>,
    /// Module path -> its scope (all bindings, private ones included).
    scopes: HashMap<Vec<String>, Scope>,
    /// `use` declarations not resolved yet: (module, use, site).
    pending: Vec<(Vec<String>, RawUse, usize)>,
    /// The modules that had uses pending when the current round started.
    waiting: BTreeSet<Vec<String>>,
    /// Glob uses into modules of this crate, re-applied until nothing changes.
    globs: Vec<LocalGlob>,
    /// Inherent impl blocks.
    impls: Vec<PendingImpl>,
    /// The file and place of each `use`.
    sites: Vec<(Utf8PathBuf, Place)>,
    unresolved: Vec<Unresolved>,
}

/// An inherent impl block, attached to its type once names are resolved.
struct PendingImpl {
    module: Vec<String>,
    self_path: Vec<String>,
    items: Vec<RawItem>,
    file: Utf8PathBuf,
}

/// `use path::*` into a module of this crate.
struct LocalGlob {
    importer: Vec<String>,
    source: Vec<String>,
    vis: Vis,
    doc_hidden: bool,
}

/// What a path resolves to, so far.
enum Resolution {
    Found(Vec<(Ns, Bound)>),
    /// Not yet: a scope on the way may still grow.
    Pending,
    /// The first segment is in no scope: another crate, once nothing else can bind it.
    NotInScope,
    /// Cannot be resolved.
    Missing,
}

/// Re-exports can make module paths as long as one likes (`pub use super::*` in a child): paths deeper
/// than this are not followed.
const MAX_DEPTH: usize = 12;
/// At most this many public paths are kept per item (the shortest ones come first in the walk's order).
const MAX_PATHS: usize = 64;

impl Resolver {
    fn new(facts: Vec<FileFacts>) -> Resolver {
        let mut resolver = Resolver {
            items: Vec::new(),
            scopes: HashMap::new(),
            pending: Vec::new(),
            waiting: BTreeSet::new(),
            globs: Vec::new(),
            impls: Vec::new(),
            sites: Vec::new(),
            unresolved: Vec::new(),
        };
        resolver.scopes.entry(Vec::new()).or_default();
        let inner_docs: Vec<Vec<String>> = facts
            .iter()
            .filter(|f| f.inner_doc)
            .map(|f| f.module.to_vec())
            .collect();
        for file in facts {
            for module in file.modules {
                resolver.scopes.entry(module.path.to_vec()).or_default();
                for raw in module.items {
                    let at = if raw.macro_export {
                        Vec::new()
                    } else {
                        module.path.to_vec()
                    };
                    let ns = raw.ns();
                    let vis = raw.vis;
                    let id = resolver.push_item(raw, &module.path, &file.file, None);
                    resolver.declare(&at, id, ns, vis);
                }
                for raw_use in module.uses {
                    let site = resolver.sites.len();
                    resolver.sites.push((file.file.to_owned(), raw_use.place));
                    resolver.pending.push((module.path.to_vec(), raw_use, site));
                }
                for imp in module.impls {
                    resolver.impls.push(PendingImpl {
                        module: module.path.to_vec(),
                        self_path: imp.self_path,
                        items: imp.items,
                        file: file.file.to_owned(),
                    });
                }
            }
        }
        // `//!` at the top of a module's file documents the module.
        for item in &mut resolver.items {
            if item.kind == ItemKind::Module
                && inner_docs.iter().any(|m| {
                    m.split_last()
                        .is_some_and(|(n, p)| *n == item.name && p == item.module.as_slice())
                })
            {
                item.documented = true;
            }
        }
        resolver
    }

    fn push_item(
        &mut self,
        raw: RawItem,
        module: &[String],
        file: &Utf8Path,
        parent: Option<ItemId>,
    ) -> ItemId {
        let id = ItemId(self.items.len());
        self.items.push(Item {
            declared_pub: raw.vis == Vis::Public,
            name: raw.name,
            kind: raw.kind,
            module: module.to_vec(),
            file: file.to_owned(),
            place: raw.place,
            paths: Vec::new(),
            signature: raw.signature,
            shape: raw.shape,
            doc_hidden: raw.doc_hidden,
            documented: raw.documented,
            non_exhaustive: raw.non_exhaustive,
            cfg: raw.cfg,
            mentions: raw.mentions,
            parent,
        });
        id
    }

    /// Binds a declared item in `module`; of two declarations of a name (under exclusive `#[cfg]`s), the
    /// more visible one is kept.
    fn declare(&mut self, module: &[String], id: ItemId, ns: Ns, vis: Vis) {
        let Some(item) = self.items.get(id.0) else {
            return;
        };
        let binding = Binding {
            target: Bound::Item(id),
            vis,
            doc_hidden: item.doc_hidden,
            site: None,
        };
        let key = (item.name.to_owned(), ns);
        let scope = self.scopes.entry(module.to_vec()).or_default();
        match scope.names.get(&key) {
            Some(old) if old.vis >= vis => {}
            _ => {
                scope.names.insert(key, binding);
            }
        }
    }

    fn resolve(mut self) -> Surface {
        loop {
            let mut changed = self.round(false);
            changed |= self.apply_globs();
            if changed {
                continue;
            }
            // Nothing in the crate binds the remaining first segments: other crates.
            if !self.round(true) {
                break;
            }
        }
        for (module, raw_use, site) in std::mem::take(&mut self.pending) {
            self.unresolve(module, raw_use, site);
        }
        self.attach_impls();
        let external = self.public_paths();
        self.finish(external)
    }

    fn unresolve(&mut self, module: Vec<String>, raw_use: RawUse, site: usize) {
        let file = self
            .sites
            .get(site)
            .map(|(file, _)| file.to_owned())
            .unwrap_or_default();
        self.unresolved.push(Unresolved {
            public: raw_use.vis == Vis::Public,
            path: raw_use.segments,
            module,
            file,
            place: raw_use.place,
        });
    }

    /// Resolves what can be resolved of the pending uses; `externals` lets a first segment that no scope
    /// (and no pending use of the module) binds name another crate. True when a use was resolved.
    fn round(&mut self, externals: bool) -> bool {
        let mut changed = false;
        self.waiting = self.pending.iter().map(|(m, _, _)| m.to_vec()).collect();
        let pending = std::mem::take(&mut self.pending);
        for (module, raw_use, site) in pending {
            let resolution = match self.resolve_use(&module, &raw_use) {
                Resolution::NotInScope if externals && !self.binds_later(&module, &raw_use) => {
                    external(&raw_use.segments)
                }
                other => other,
            };
            match resolution {
                Resolution::Pending | Resolution::NotInScope => {
                    self.pending.push((module, raw_use, site))
                }
                Resolution::Missing => {
                    changed = true;
                    self.unresolve(module, raw_use, site);
                }
                Resolution::Found(found) => {
                    changed = true;
                    self.bind_use(&module, &raw_use, site, found);
                }
            }
        }
        changed
    }

    /// True when a pending use of `module` (or a glob into it) may still bind the first segment of
    /// `raw_use`.
    fn binds_later(&self, module: &[String], raw_use: &RawUse) -> bool {
        let first = raw_use.segments.first();
        self.pending
            .iter()
            .any(|(m, u, _)| m.as_slice() == module && u.name.as_ref() == first)
            && self.waiting.contains(module)
    }

    fn bind_use(
        &mut self,
        module: &[String],
        raw_use: &RawUse,
        site: usize,
        found: Vec<(Ns, Bound)>,
    ) {
        match &raw_use.name {
            Some(name) => {
                let found: Vec<(Ns, Bound)> = found
                    .into_iter()
                    .map(|(ns, target)| match target {
                        // `use crate::a::{self as b}` / `use super as s`: the module's item.
                        Bound::Module(path) => {
                            match self.items.iter().position(|i| is_module(i, &path)) {
                                Some(i) => (ns, Bound::Item(ItemId(i))),
                                None => (ns, Bound::Elsewhere),
                            }
                        }
                        other => (ns, other),
                    })
                    .collect();
                let scope = self.scopes.entry(module.to_vec()).or_default();
                for (ns, target) in found {
                    scope.names.entry((name.to_owned(), ns)).or_insert(Binding {
                        target,
                        vis: raw_use.vis,
                        doc_hidden: raw_use.doc_hidden,
                        site: Some(site),
                    });
                }
            }
            None => {
                for (_, target) in found {
                    match self.scope_path(&target) {
                        Some(source) => self.globs.push(LocalGlob {
                            importer: module.to_vec(),
                            source,
                            vis: raw_use.vis,
                            doc_hidden: raw_use.doc_hidden,
                        }),
                        None => {
                            if let Bound::External(krate, target) = target {
                                self.scopes
                                    .entry(module.to_vec())
                                    .or_default()
                                    .external_globs
                                    .push(ExternalGlob {
                                        krate,
                                        target,
                                        vis: raw_use.vis,
                                        doc_hidden: raw_use.doc_hidden,
                                        site: Some(site),
                                    });
                            }
                            // `use Enum::*`, `use Trait::*`: variants and associated items.
                        }
                    }
                }
            }
        }
    }

    /// The module path a binding names, when it names a module of this crate.
    fn scope_path(&self, bound: &Bound) -> Option<Vec<String>> {
        match bound {
            Bound::Module(path) => Some(path.to_vec()),
            Bound::Item(id) => {
                let item = self.items.get(id.0)?;
                (item.kind == ItemKind::Module).then(|| {
                    let mut path = item.module.to_vec();
                    path.push(item.name.to_owned());
                    path
                })
            }
            _ => None,
        }
    }

    /// Brings the names of glob-imported modules into their importers. True when a name was added.
    fn apply_globs(&mut self) -> bool {
        let mut changed = false;
        let globs = std::mem::take(&mut self.globs);
        for glob in &globs {
            let Some(from) = self.scopes.get(&glob.source) else {
                continue;
            };
            let descendant = glob.importer.starts_with(&glob.source);
            let imported: Vec<((String, Ns), Binding)> = from
                .all()
                .filter(|(_, b)| b.vis != Vis::Private || descendant)
                .map(|(key, b)| {
                    (
                        key.to_owned(),
                        Binding {
                            target: b.target.to_owned(),
                            vis: b.vis.min(glob.vis),
                            doc_hidden: b.doc_hidden || glob.doc_hidden,
                            site: b.site,
                        },
                    )
                })
                .collect();
            let scope = self.scopes.entry(glob.importer.to_vec()).or_default();
            for (key, binding) in imported {
                if scope.names.contains_key(&key) {
                    continue;
                }
                match scope.globs.get(&key) {
                    Some(old) if old.vis >= binding.vis => {}
                    _ => {
                        scope.globs.insert(key, binding);
                        changed = true;
                    }
                }
            }
        }
        self.globs = globs;
        changed
    }

    /// Resolves one `use` path written in `module`.
    fn resolve_use(&self, module: &[String], raw_use: &RawUse) -> Resolution {
        let segments = &raw_use.segments;
        if segments.is_empty() {
            return Resolution::Missing;
        }
        if raw_use.leading_colon {
            return external(segments);
        }
        let anchor = first_anchor_len(segments);
        // Where the walk starts: a module of this crate, or a binding of the module's scope.
        let (mut current, rest): (Bound, &[String]) = if anchor > 0 {
            match crate_relative(module, &segments[..anchor]) {
                Some(path) if self.scopes.contains_key(&path) => {
                    (Bound::Module(path), &segments[anchor..])
                }
                _ => return Resolution::Missing,
            }
        } else {
            let first = &segments[0];
            let scope = self.scopes.get(module);
            let in_scope: Vec<(Ns, Bound)> = [Ns::Type, Ns::Value, Ns::Macro]
                .into_iter()
                .filter_map(|ns| {
                    scope
                        .and_then(|s| s.get(first, ns))
                        .map(|b| (ns, b.target.to_owned()))
                })
                .collect();
            if segments.len() == 1 && !in_scope.is_empty() {
                return Resolution::Found(in_scope);
            }
            match in_scope.into_iter().find(|(ns, _)| *ns == Ns::Type) {
                Some((_, bound)) => (bound, &segments[1..]),
                None => return Resolution::NotInScope,
            }
        };
        let Some((last, init)) = rest.split_last() else {
            // `use crate::a::{self}`, `use super as s`: the module itself.
            return Resolution::Found(vec![(Ns::Type, current)]);
        };
        for seg in init {
            current = match current {
                Bound::External(krate, mut path) => {
                    path.push(seg.to_owned());
                    Bound::External(krate, path)
                }
                Bound::Elsewhere => Bound::Elsewhere,
                other => match self.scope_path(&other) {
                    Some(path) => match self.scopes.get(&path).and_then(|s| s.get(seg, Ns::Type)) {
                        Some(binding) => binding.target.to_owned(),
                        None => return self.not_found(&path),
                    },
                    // A path into an enum or a trait: not an item of the surface.
                    None => Bound::Elsewhere,
                },
            };
        }
        match current {
            Bound::External(krate, mut path) => {
                path.push(last.to_owned());
                Resolution::Found(vec![(Ns::Type, Bound::External(krate, path))])
            }
            Bound::Elsewhere => Resolution::Found(vec![(Ns::Type, Bound::Elsewhere)]),
            other => {
                let Some(path) = self.scope_path(&other) else {
                    return Resolution::Found(vec![(Ns::Type, Bound::Elsewhere)]);
                };
                let Some(scope) = self.scopes.get(&path) else {
                    return Resolution::Missing;
                };
                let found: Vec<(Ns, Bound)> = [Ns::Type, Ns::Value, Ns::Macro]
                    .into_iter()
                    .filter_map(|ns| scope.get(last, ns).map(|b| (ns, b.target.to_owned())))
                    .collect();
                if !found.is_empty() {
                    return Resolution::Found(found);
                }
                match self.not_found(&path) {
                    Resolution::Missing => match scope.external_globs.first() {
                        // Not declared here: from the other crate's glob, if it has it.
                        Some(glob) => {
                            let mut target = glob.target.to_vec();
                            target.push(last.to_owned());
                            Resolution::Found(vec![(
                                Ns::Type,
                                Bound::External(glob.krate.to_owned(), target),
                            )])
                        }
                        None => Resolution::Missing,
                    },
                    other => other,
                }
            }
        }
    }

    /// A name missing from the module at `path`: it may still come while uses of that module are
    /// pending or globs bring names into it.
    fn not_found(&self, path: &[String]) -> Resolution {
        let waiting =
            self.waiting.contains(path) || self.globs.iter().any(|g| g.importer.as_slice() == path);
        if waiting {
            Resolution::Pending
        } else {
            Resolution::Missing
        }
    }

    /// Methods and associated consts of inherent impls, attached to the type their impl names.
    fn attach_impls(&mut self) {
        for imp in std::mem::take(&mut self.impls) {
            let Some(owner) = self.type_in_scope(&imp.module, &imp.self_path) else {
                continue;
            };
            for raw in imp.items {
                self.push_item(raw, &imp.module, &imp.file, Some(owner));
            }
        }
    }

    /// The item a type path written in `module` names, through the module's scope (private bindings too).
    fn type_in_scope(&self, module: &[String], path: &[String]) -> Option<ItemId> {
        type_in_scope(&self.scopes, &self.items, module, path)
    }

    /// Walks every public path from the root, recording each on the items it reaches; returns the public
    /// paths into other crates.
    fn public_paths(&mut self) -> Vec<External> {
        let mut walk = Walk {
            found: BTreeMap::new(),
            external: Vec::new(),
            on_path: Vec::new(),
        };
        walk.module(self, &[], &[], false);
        let Walk {
            found,
            mut external,
            ..
        } = walk;
        for (id, paths) in found {
            if let Some(item) = self.items.get_mut(id.0) {
                let mut paths: Vec<PublicPath> = paths.into_iter().collect();
                paths.sort_by(|a, b| {
                    (a.doc_hidden, a.segments.len(), &a.segments).cmp(&(
                        b.doc_hidden,
                        b.segments.len(),
                        &b.segments,
                    ))
                });
                paths.truncate(MAX_PATHS);
                item.paths = paths;
            }
        }
        // Methods: every public path of their type, then their name.
        for i in 0..self.items.len() {
            let item = &self.items[i];
            let (Some(parent), true) = (item.parent, item.declared_pub) else {
                continue;
            };
            let name = &item.name;
            let hidden = item.doc_hidden;
            let paths: Vec<PublicPath> = self
                .items
                .get(parent.0)
                .map(|p| p.paths.as_slice())
                .unwrap_or_default()
                .iter()
                .map(|p| {
                    let mut segments = p.segments.to_vec();
                    segments.push(name.to_owned());
                    PublicPath {
                        segments,
                        doc_hidden: p.doc_hidden || hidden,
                    }
                })
                .collect();
            self.items[i].paths = paths;
        }
        external
            .sort_by(|a, b| (&a.path, &a.krate, &a.target).cmp(&(&b.path, &b.krate, &b.target)));
        external.dedup_by(|a, b| {
            (&a.path, &a.krate, &a.target, a.glob) == (&b.path, &b.krate, &b.target, b.glob)
        });
        external
    }

    fn site(&self, site: Option<usize>) -> (Utf8PathBuf, Place) {
        site.and_then(|s| self.sites.get(s))
            .map(|(file, place)| (file.to_owned(), *place))
            .unwrap_or((
                Utf8PathBuf::new(),
                Place {
                    line: 1,
                    column: 1,
                    length: 0,
                },
            ))
    }

    fn finish(self, external: Vec<External>) -> Surface {
        Surface {
            items: self.items,
            external,
            unresolved: self.unresolved,
            problems: Vec::new(),
            modules: self.scopes,
        }
    }
}

/// The depth-first walk of public bindings from the crate root.
struct Walk {
    found: BTreeMap<ItemId, BTreeSet<PublicPath>>,
    external: Vec<External>,
    /// The modules on the current path (a module is not entered twice on one path).
    on_path: Vec<Vec<String>>,
}

impl Walk {
    /// Visits the module at `module`, reached at public path `prefix`.
    fn module(&mut self, resolver: &Resolver, module: &[String], prefix: &[String], hidden: bool) {
        if prefix.len() > MAX_DEPTH || self.on_path.iter().any(|m| m.as_slice() == module) {
            return;
        }
        let Some(scope) = resolver.scopes.get(module) else {
            return;
        };
        self.on_path.push(module.to_vec());
        for glob in scope.external_globs.iter().filter(|g| g.vis == Vis::Public) {
            let (file, place) = resolver.site(glob.site);
            self.external.push(External {
                path: prefix.to_vec(),
                krate: glob.krate.to_owned(),
                target: glob.target.to_vec(),
                glob: true,
                doc_hidden: hidden || glob.doc_hidden,
                file,
                place,
            });
        }
        for ((name, _), binding) in scope.all() {
            if binding.vis != Vis::Public {
                continue;
            }
            let mut path = prefix.to_vec();
            path.push(name.to_owned());
            let hidden = hidden || binding.doc_hidden;
            match &binding.target {
                Bound::Item(id) => {
                    let Some(item) = resolver.items.get(id.0) else {
                        continue;
                    };
                    let doc_hidden = hidden || item.doc_hidden;
                    let paths = self.found.entry(*id).or_default();
                    if paths.len() < MAX_PATHS {
                        paths.insert(PublicPath {
                            segments: path.to_vec(),
                            doc_hidden,
                        });
                    }
                    if let Some(child) = resolver.scope_path(&binding.target) {
                        self.module(resolver, &child, &path, doc_hidden);
                    }
                }
                Bound::External(krate, target) => {
                    let (file, place) = resolver.site(binding.site);
                    self.external.push(External {
                        path,
                        krate: krate.to_owned(),
                        target: target.to_vec(),
                        glob: false,
                        doc_hidden: hidden,
                        file,
                        place,
                    });
                }
                Bound::Module(_) | Bound::Elsewhere => {}
            }
        }
        self.on_path.pop();
    }
}

fn is_module(item: &Item, path: &[String]) -> bool {
    item.kind == ItemKind::Module
        && path
            .split_last()
            .is_some_and(|(name, parent)| *name == item.name && item.module.as_slice() == parent)
}

/// The item a type path written in `module` names, through the scopes (private bindings too).
fn type_in_scope(
    scopes: &HashMap<Vec<String>, Scope>,
    items: &[Item],
    module: &[String],
    path: &[String],
) -> Option<ItemId> {
    let (last, init) = path.split_last()?;
    let mut here = module.to_vec();
    let anchor = first_anchor_len(init);
    if anchor > 0 {
        here = crate_relative(module, &init[..anchor])?;
    }
    for seg in &init[anchor..] {
        let binding = scopes.get(&here)?.get(seg, Ns::Type)?;
        here = match &binding.target {
            Bound::Module(path) => path.to_vec(),
            Bound::Item(id) => {
                let item = items.get(id.0)?;
                if item.kind != ItemKind::Module {
                    return None;
                }
                let mut path = item.module.to_vec();
                path.push(item.name.to_owned());
                path
            }
            _ => return None,
        };
    }
    match scopes.get(&here)?.get(last, Ns::Type)?.target {
        Bound::Item(id) => Some(id),
        _ => None,
    }
}

/// How many leading segments of `segments` are `crate`, `self` or `super` (the anchor).
fn first_anchor_len(segments: &[String]) -> usize {
    match segments.first().map(String::as_str) {
        Some("crate") | Some("self") => 1,
        Some("super") => segments.iter().take_while(|s| *s == "super").count(),
        _ => 0,
    }
}

/// `segments` as a path into the crate its first segment names.
fn external(segments: &[String]) -> Resolution {
    match segments.split_first() {
        Some((krate, rest)) => Resolution::Found(vec![(
            Ns::Type,
            Bound::External(krate.to_owned(), rest.to_vec()),
        )]),
        None => Resolution::Missing,
    }
}

/// Writes `files` (path, text) under a temporary directory and reads the surface of its `src/lib.rs`: the
/// crates of the surface's tests and of the API review's.
#[cfg(test)]
pub(crate) fn surface_of(files: &[(&str, &str)]) -> (tempfile::TempDir, Surface) {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let root = Utf8PathBuf::from_path_buf(dir.path().join("src/lib.rs")).unwrap();
    let surface = surface(&root);
    (dir, surface)
}

#[cfg(test)]
mod tests;
