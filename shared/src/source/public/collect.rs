//! What one parsed file contributes to a crate's surface: its modules (the file's own and its inline
//! ones), the items each declares with their signature, their `use` declarations and inherent `impl`
//! blocks. Syntax only, `Send`, so the module-tree walk can collect it from its parsing threads.

use camino::Utf8PathBuf;
use serde::{Deserialize, Serialize};
use syn::spanned::Spanned;

use crate::source::Place;
use crate::source::attrs::{is_cfg_test, item_attrs};
use crate::source::paths::{UseEnd, flatten_use};

use super::{ItemKind, Mention};

/// Who may name a binding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub(super) enum Vis {
    /// Only the module and its descendants (no visibility written).
    Private,
    /// `pub(crate)`, `pub(super)`, `pub(in ..)`: inside the crate only.
    Crate,
    /// `pub`.
    Public,
}

impl Vis {
    fn of(vis: &syn::Visibility) -> Vis {
        match vis {
            syn::Visibility::Public(_) => Vis::Public,
            syn::Visibility::Restricted(_) => Vis::Crate,
            syn::Visibility::Inherited => Vis::Private,
        }
    }
}

/// Which of Rust's namespaces a name lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Ns {
    Type,
    Value,
    Macro,
}

/// An item as declared in its file.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct RawItem {
    pub name: String,
    pub kind: ItemKind,
    pub vis: Vis,
    pub place: Place,
    pub signature: String,
    pub shape: String,
    pub doc_hidden: bool,
    pub documented: bool,
    pub non_exhaustive: bool,
    pub cfg: Option<String>,
    pub mentions: Vec<Mention>,
    /// `#[macro_export]`: bound at the crate root, whatever module declares it.
    pub macro_export: bool,
}

impl RawItem {
    pub fn ns(&self) -> Ns {
        match self.kind {
            ItemKind::Fn | ItemKind::Const | ItemKind::Static => Ns::Value,
            ItemKind::Macro => Ns::Macro,
            ItemKind::Method | ItemKind::AssocConst => Ns::Value,
            _ => Ns::Type,
        }
    }
}

/// One imported name (or glob) of a `use` declaration.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct RawUse {
    /// The path as written (`crate`, `self`, `super` kept).
    pub segments: Vec<String>,
    /// The name it is bound to; `None` for a glob.
    pub name: Option<String>,
    /// `use ::x`: an external crate for certain.
    pub leading_colon: bool,
    pub vis: Vis,
    pub doc_hidden: bool,
    pub place: Place,
}

/// The public associated items of an inherent `impl` block.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct RawImpl {
    /// The self type's path as written, generics dropped (`Config` for `impl<T> Config<T>`).
    pub self_path: Vec<String>,
    pub items: Vec<RawItem>,
}

/// One module of a file.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct RawModule {
    pub path: Vec<String>,
    pub items: Vec<RawItem>,
    pub uses: Vec<RawUse>,
    pub impls: Vec<RawImpl>,
}

/// What a file contributes.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct FileFacts {
    pub file: Utf8PathBuf,
    /// The file's module path.
    pub module: Vec<String>,
    /// The file starts with `//!` docs: its module is documented.
    pub inner_doc: bool,
    pub modules: Vec<RawModule>,
}

/// Collects the facts of `ast`, the file of module `module`.
pub(super) fn collect(file: Utf8PathBuf, module: &[String], ast: &syn::File) -> FileFacts {
    let mut modules = Vec::new();
    collect_module(module, &ast.items, &mut modules);
    FileFacts {
        file,
        module: module.to_vec(),
        inner_doc: documented(&ast.attrs),
        modules,
    }
}

fn collect_module(path: &[String], items: &[syn::Item], out: &mut Vec<RawModule>) {
    let mut module = RawModule {
        path: path.to_vec(),
        items: Vec::new(),
        uses: Vec::new(),
        impls: Vec::new(),
    };
    for item in items {
        if is_cfg_test(item_attrs(item)) {
            continue;
        }
        match item {
            syn::Item::Use(u) => {
                let vis = Vis::of(&u.vis);
                let doc_hidden = doc_hidden(&u.attrs);
                for used in flatten_use(&u.tree) {
                    let name = match used.end {
                        UseEnd::Name(name) if name == "_" => continue,
                        UseEnd::Name(name) => Some(name),
                        UseEnd::Glob => None,
                    };
                    module.uses.push(RawUse {
                        segments: used.segments,
                        name,
                        leading_colon: u.leading_colon.is_some(),
                        vis,
                        doc_hidden,
                        place: Place::of(used.span),
                    });
                }
            }
            syn::Item::ExternCrate(e) => {
                // `extern crate foo as bar;`: `bar` names the crate, as `use foo as bar;` would.
                let name = match &e.rename {
                    Some((_, rename)) => rename.to_string(),
                    None => e.ident.to_string(),
                };
                if name != "_" && e.ident != "self" {
                    module.uses.push(RawUse {
                        segments: vec![e.ident.to_string()],
                        name: Some(name),
                        leading_colon: true,
                        vis: Vis::of(&e.vis),
                        doc_hidden: doc_hidden(&e.attrs),
                        place: Place::of(e.ident.span()),
                    });
                }
            }
            syn::Item::Mod(m) => {
                module.items.push(raw_item(
                    item,
                    &m.attrs,
                    &m.ident,
                    ItemKind::Module,
                    Vis::of(&m.vis),
                ));
                if let Some((_, inner)) = &m.content {
                    let mut child = path.to_vec();
                    child.push(m.ident.to_string());
                    collect_module(&child, inner, out);
                }
            }
            syn::Item::Impl(imp) if imp.trait_.is_none() => {
                if let Some(raw) = raw_impl(imp) {
                    module.impls.push(raw);
                }
            }
            syn::Item::ForeignMod(fm) => {
                for foreign in &fm.items {
                    if let Some(raw) = foreign_item(fm, foreign) {
                        module.items.push(raw);
                    }
                }
            }
            _ => {
                if let Some(raw) = declared_item(item) {
                    module.items.push(raw);
                }
            }
        }
    }
    out.push(module);
}

/// The item `item` declares, for the kinds that declare a name in a module.
fn declared_item(item: &syn::Item) -> Option<RawItem> {
    let (attrs, ident, kind, vis) = match item {
        syn::Item::Fn(i) => (&i.attrs, &i.sig.ident, ItemKind::Fn, &i.vis),
        syn::Item::Struct(i) => (&i.attrs, &i.ident, ItemKind::Struct, &i.vis),
        syn::Item::Enum(i) => (&i.attrs, &i.ident, ItemKind::Enum, &i.vis),
        syn::Item::Union(i) => (&i.attrs, &i.ident, ItemKind::Union, &i.vis),
        syn::Item::Trait(i) => (&i.attrs, &i.ident, ItemKind::Trait, &i.vis),
        syn::Item::Type(i) => (&i.attrs, &i.ident, ItemKind::TypeAlias, &i.vis),
        syn::Item::Const(i) => (&i.attrs, &i.ident, ItemKind::Const, &i.vis),
        syn::Item::Static(i) => (&i.attrs, &i.ident, ItemKind::Static, &i.vis),
        syn::Item::Macro(m) => {
            let ident = m.ident.as_ref()?;
            if !m.mac.path.is_ident("macro_rules") {
                return None;
            }
            let export = m.attrs.iter().any(|a| a.path().is_ident("macro_export"));
            let vis = if export { Vis::Public } else { Vis::Private };
            let mut raw = raw_item(item, &m.attrs, ident, ItemKind::Macro, vis);
            raw.macro_export = export;
            return Some(raw);
        }
        _ => return None,
    };
    Some(raw_item(item, attrs, ident, kind, Vis::of(vis)))
}

fn raw_item(
    item: &syn::Item,
    attrs: &[syn::Attribute],
    ident: &syn::Ident,
    kind: ItemKind,
    vis: Vis,
) -> RawItem {
    let (signature, shape) = signature(item);
    RawItem {
        name: ident.to_string(),
        kind,
        vis,
        place: Place::of(ident.span()),
        signature,
        shape,
        doc_hidden: doc_hidden(attrs),
        documented: documented(attrs),
        non_exhaustive: non_exhaustive(attrs),
        cfg: cfg_of(attrs),
        mentions: mentions(item),
        macro_export: false,
    }
}

fn raw_impl(imp: &syn::ItemImpl) -> Option<RawImpl> {
    let syn::Type::Path(tp) = imp.self_ty.as_ref() else {
        return None;
    };
    if tp.qself.is_some() {
        return None;
    }
    let self_path: Vec<String> = tp
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    let mut items = Vec::new();
    for impl_item in &imp.items {
        match impl_item {
            syn::ImplItem::Fn(f) if !is_cfg_test(&f.attrs) => {
                let as_fn = syn::Item::Fn(syn::ItemFn {
                    attrs: Vec::new(),
                    vis: f.vis.clone(), // cloned: rendered as a free fn
                    sig: f.sig.clone(), // cloned: rendered as a free fn
                    block: Box::new(empty_block()),
                });
                let mut raw = raw_item(
                    &as_fn,
                    &f.attrs,
                    &f.sig.ident,
                    ItemKind::Method,
                    Vis::of(&f.vis),
                );
                raw.mentions = mentions_of(&f.sig);
                items.push(raw);
            }
            syn::ImplItem::Const(c) if !is_cfg_test(&c.attrs) => {
                let as_const = syn::Item::Const(syn::ItemConst {
                    attrs: Vec::new(),
                    vis: c.vis.clone(), // cloned: rendered as a free const
                    const_token: c.const_token,
                    ident: c.ident.clone(), // cloned: rendered as a free const
                    generics: c.generics.clone(), // cloned: rendered as a free const
                    colon_token: c.colon_token,
                    ty: Box::new(c.ty.clone()), // cloned: rendered as a free const
                    eq_token: c.eq_token,
                    expr: Box::new(c.expr.clone()), // cloned: erased by the rendering
                    semi_token: c.semi_token,
                });
                let mut raw = raw_item(
                    &as_const,
                    &c.attrs,
                    &c.ident,
                    ItemKind::AssocConst,
                    Vis::of(&c.vis),
                );
                raw.mentions = mentions_of(&c.ty);
                items.push(raw);
            }
            _ => {}
        }
    }
    Some(RawImpl { self_path, items })
}

fn foreign_item(fm: &syn::ItemForeignMod, item: &syn::ForeignItem) -> Option<RawItem> {
    let (attrs, ident, kind, vis) = match item {
        syn::ForeignItem::Fn(f) => (&f.attrs, &f.sig.ident, ItemKind::Fn, &f.vis),
        syn::ForeignItem::Static(s) => (&s.attrs, &s.ident, ItemKind::Static, &s.vis),
        syn::ForeignItem::Type(t) => (&t.attrs, &t.ident, ItemKind::ForeignType, &t.vis),
        _ => return None,
    };
    if is_cfg_test(attrs) {
        return None;
    }
    let block = syn::Item::ForeignMod(syn::ItemForeignMod {
        attrs: Vec::new(),
        unsafety: fm.unsafety,
        abi: fm.abi.clone(), // cloned: the block rendered around the one item
        brace_token: fm.brace_token,
        items: vec![strip_foreign_attrs(item)],
    });
    let (signature, shape) = signature(&block);
    Some(RawItem {
        name: ident.to_string(),
        kind,
        vis: Vis::of(vis),
        place: Place::of(ident.span()),
        signature,
        shape,
        doc_hidden: doc_hidden(attrs),
        documented: documented(attrs),
        non_exhaustive: false,
        cfg: cfg_of(attrs),
        mentions: mentions(&block),
        macro_export: false,
    })
}

fn strip_foreign_attrs(item: &syn::ForeignItem) -> syn::ForeignItem {
    let mut item = item.clone(); // cloned: rendered without its attributes
    match &mut item {
        syn::ForeignItem::Fn(f) => f.attrs.clear(),
        syn::ForeignItem::Static(s) => s.attrs.clear(),
        syn::ForeignItem::Type(t) => t.attrs.clear(),
        _ => {}
    }
    item
}

fn empty_block() -> syn::Block {
    syn::Block {
        brace_token: Default::default(),
        stmts: Vec::new(),
    }
}

/// `#[doc(hidden)]` among `attrs`.
pub(super) fn doc_hidden(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("doc")
            && matches!(&attr.meta, syn::Meta::List(list) if list.tokens.to_string().split(',').any(|t| t.trim() == "hidden"))
    })
}

/// A doc comment (`///`, `//!` or `#[doc = ".."]`) among `attrs`.
fn documented(attrs: &[syn::Attribute]) -> bool {
    attrs
        .iter()
        .any(|attr| attr.path().is_ident("doc") && matches!(attr.meta, syn::Meta::NameValue(_)))
}

fn non_exhaustive(attrs: &[syn::Attribute]) -> bool {
    attrs
        .iter()
        .any(|attr| attr.path().is_ident("non_exhaustive"))
}

/// The `#[cfg(..)]` predicates on an item, joined with `, ` (`None` when unconditional).
fn cfg_of(attrs: &[syn::Attribute]) -> Option<String> {
    let cfgs: Vec<String> = attrs
        .iter()
        .filter(|attr| attr.path().is_ident("cfg"))
        .filter_map(|attr| match &attr.meta {
            syn::Meta::List(list) => Some(compact(&list.tokens.to_string())),
            _ => None,
        })
        .collect();
    (!cfgs.is_empty()).then(|| cfgs.join(", "))
}

/// Token text with the spaces `TokenStream::to_string` puts around punctuation taken out where rustfmt
/// puts none (`feature = "x"` keeps its spaces; `all(a, b)` loses the ones inside the parentheses).
fn compact(tokens: &str) -> String {
    tokens
        .replace(" (", "(")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace(" ,", ",")
}

/// The attributes a signature keeps: the ones that change what users may do with the item.
fn keeps(attr: &syn::Attribute) -> bool {
    attr.path().is_ident("non_exhaustive")
}

/// The signature of `item` as rustfmt would print it, without bodies, values, docs or private fields, and
/// its shape: the same with whitespace collapsed and parameter names erased (what callers depend on).
fn signature(item: &syn::Item) -> (String, String) {
    let mut item = item.clone(); // cloned: bodies and docs are stripped from the copy
    strip(&mut item);
    let text = render(&item);
    erase_param_names(&mut item);
    let shape = render(&item)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (text, shape)
}

fn render(item: &syn::Item) -> String {
    let mut private_fields = false;
    let mut item = item.clone(); // cloned: private fields are taken out of the copy
    if let syn::Item::Struct(s) = &mut item {
        private_fields = hide_private_fields(&mut s.fields);
    }
    if let syn::Item::Union(u) = &mut item {
        let mut named = syn::Fields::Named(u.fields.clone()); // cloned: filtered as a struct's
        private_fields = hide_private_fields(&mut named);
        if let syn::Fields::Named(n) = named {
            u.fields = n;
        }
    }
    let file = syn::File {
        shebang: None,
        attrs: Vec::new(),
        items: vec![item],
    };
    let is_fn = matches!(file.items.first(), Some(syn::Item::Fn(_)));
    let mut text = prettyplease::unparse(&file).trim_end().to_owned();
    if is_fn {
        // The empty body a signature was printed with.
        if let Some(body) = text.strip_suffix(" {}") {
            text = body.to_owned();
        } else if let Some(body) = text.strip_suffix("\n{}") {
            text = body.to_owned();
        }
    }
    if private_fields {
        // Named fields: the comment goes before the closing brace; `pub struct S {}` (all private) opens.
        if let Some(body) = text.strip_suffix('}') {
            let body = body.trim_end();
            text = if body.ends_with('{') {
                format!("{body} /* private fields */ }}")
            } else {
                format!("{body}\n    /* private fields */\n}}")
            };
        }
    }
    text
}

/// Removes the named fields that are not `pub`; tuple fields that are not `pub` become `_` (their
/// position still matters). True when a named field was removed.
fn hide_private_fields(fields: &mut syn::Fields) -> bool {
    match fields {
        syn::Fields::Named(named) => {
            let before = named.named.len();
            let kept: syn::punctuated::Punctuated<syn::Field, syn::Token![,]> = named
                .named
                .iter()
                .filter(|f| matches!(f.vis, syn::Visibility::Public(_)))
                .cloned() // cloned: the public fields are kept
                .collect();
            named.named = kept;
            named.named.len() != before
        }
        syn::Fields::Unnamed(unnamed) => {
            for field in unnamed.unnamed.iter_mut() {
                if !matches!(field.vis, syn::Visibility::Public(_)) {
                    field.vis = syn::Visibility::Inherited;
                    field.ty = syn::Type::Infer(syn::TypeInfer {
                        underscore_token: Default::default(),
                    });
                }
            }
            false
        }
        syn::Fields::Unit => false,
    }
}

/// Strips what is not the item's interface: attributes (bar `#[non_exhaustive]`), bodies, values, macro
/// bodies.
fn strip(item: &mut syn::Item) {
    drop_hidden_members(item);
    let keep = |attrs: &mut Vec<syn::Attribute>| attrs.retain(keeps);
    let infer = || {
        Box::new(syn::Expr::Infer(syn::ExprInfer {
            attrs: Vec::new(),
            underscore_token: Default::default(),
        }))
    };
    match item {
        syn::Item::Fn(f) => {
            keep(&mut f.attrs);
            *f.block = empty_block();
        }
        syn::Item::Struct(s) => {
            keep(&mut s.attrs);
            for field in s.fields.iter_mut() {
                field.attrs.clear();
            }
        }
        syn::Item::Union(u) => {
            keep(&mut u.attrs);
            for field in u.fields.named.iter_mut() {
                field.attrs.clear();
            }
        }
        syn::Item::Enum(e) => {
            keep(&mut e.attrs);
            for variant in e.variants.iter_mut() {
                variant.attrs.retain(keeps);
                for field in variant.fields.iter_mut() {
                    field.attrs.clear();
                }
            }
        }
        syn::Item::Trait(t) => {
            keep(&mut t.attrs);
            t.items.retain(|i| !matches!(i, syn::TraitItem::Macro(_)));
            for trait_item in t.items.iter_mut() {
                match trait_item {
                    syn::TraitItem::Fn(f) => {
                        f.attrs.clear();
                        if f.default.is_some() {
                            f.default = Some(empty_block());
                            f.semi_token = None;
                        }
                    }
                    syn::TraitItem::Const(c) => {
                        c.attrs.clear();
                        if let Some((_, expr)) = &mut c.default {
                            *expr = *infer();
                        }
                    }
                    syn::TraitItem::Type(t) => {
                        t.attrs.clear();
                        t.default = None;
                    }
                    _ => {}
                }
            }
        }
        syn::Item::Type(t) => keep(&mut t.attrs),
        syn::Item::Const(c) => {
            keep(&mut c.attrs);
            c.expr = infer();
        }
        syn::Item::Static(s) => {
            keep(&mut s.attrs);
            s.expr = infer();
        }
        syn::Item::Mod(m) => {
            m.attrs.clear();
            m.content = None;
            m.semi = Some(Default::default());
        }
        syn::Item::Macro(m) => {
            m.attrs.clear();
            m.mac.tokens = proc_macro2::TokenStream::new();
        }
        _ => {}
    }
}

/// Members marked `#[doc(hidden)]` (trait items, variants, fields) are not part of the interface users
/// are promised (cargo-semver-checks skips them too).
fn drop_hidden_members(item: &mut syn::Item) {
    match item {
        syn::Item::Trait(t) => t.items.retain(|i| match i {
            syn::TraitItem::Fn(f) => !doc_hidden(&f.attrs),
            syn::TraitItem::Const(c) => !doc_hidden(&c.attrs),
            syn::TraitItem::Type(t) => !doc_hidden(&t.attrs),
            _ => true,
        }),
        syn::Item::Enum(e) => {
            e.variants = e
                .variants
                .iter()
                .filter(|v| !doc_hidden(&v.attrs))
                .cloned() // cloned: the visible variants are kept
                .collect();
        }
        syn::Item::Struct(s) => {
            if let syn::Fields::Named(named) = &mut s.fields {
                named.named = named
                    .named
                    .iter()
                    .filter(|f| !doc_hidden(&f.attrs))
                    .cloned() // cloned: the visible fields are kept
                    .collect();
            }
        }
        _ => {}
    }
}

/// Parameter patterns become `_`: renaming a parameter changes nothing for callers.
fn erase_param_names(item: &mut syn::Item) {
    let erase = |sig: &mut syn::Signature| {
        for input in sig.inputs.iter_mut() {
            if let syn::FnArg::Typed(pat) = input {
                *pat.pat = syn::Pat::Wild(syn::PatWild {
                    attrs: Vec::new(),
                    underscore_token: Default::default(),
                });
            }
        }
    };
    match item {
        syn::Item::Fn(f) => erase(&mut f.sig),
        syn::Item::Trait(t) => {
            for trait_item in t.items.iter_mut() {
                if let syn::TraitItem::Fn(f) = trait_item {
                    erase(&mut f.sig);
                }
            }
        }
        syn::Item::ForeignMod(fm) => {
            for foreign in fm.items.iter_mut() {
                if let syn::ForeignItem::Fn(f) = foreign {
                    erase(&mut f.sig);
                }
            }
        }
        _ => {}
    }
}

/// The type paths an item's interface names: parameter and return types, `pub` field types, variant
/// fields, trait item signatures, generic bounds. Bodies, values and private fields are not looked at.
fn mentions(item: &syn::Item) -> Vec<Mention> {
    let mut item = item.clone(); // cloned: private fields and bodies are taken out of the copy
    strip(&mut item);
    match &mut item {
        syn::Item::Struct(s) => {
            strip_private(&mut s.fields);
        }
        syn::Item::Union(u) => {
            u.fields
                .named
                .iter_mut()
                .filter(|f| !matches!(f.vis, syn::Visibility::Public(_)))
                .for_each(|f| f.ty = syn::Type::Never(never()));
        }
        syn::Item::Mod(_) | syn::Item::Macro(_) => return Vec::new(),
        _ => {}
    }
    mentions_of(&item)
}

fn never() -> syn::TypeNever {
    syn::TypeNever {
        bang_token: Default::default(),
    }
}

fn strip_private(fields: &mut syn::Fields) {
    fields
        .iter_mut()
        .filter(|f| !matches!(f.vis, syn::Visibility::Public(_)))
        .for_each(|f| f.ty = syn::Type::Never(never()));
}

/// The type paths in `node` (paths in types and bounds, not in expressions).
fn mentions_of<T: Spanned + VisitTypes>(node: &T) -> Vec<Mention> {
    let mut visitor = TypePaths(Vec::new());
    node.visit_types(&mut visitor);
    visitor.0
}

/// Nodes whose type paths can be collected.
trait VisitTypes {
    fn visit_types(&self, visitor: &mut TypePaths);
}

impl VisitTypes for syn::Item {
    fn visit_types(&self, visitor: &mut TypePaths) {
        syn::visit::Visit::visit_item(visitor, self);
    }
}

impl VisitTypes for syn::Signature {
    fn visit_types(&self, visitor: &mut TypePaths) {
        syn::visit::Visit::visit_signature(visitor, self);
    }
}

impl VisitTypes for syn::Type {
    fn visit_types(&self, visitor: &mut TypePaths) {
        syn::visit::Visit::visit_type(visitor, self);
    }
}

struct TypePaths(Vec<Mention>);

impl<'ast> syn::visit::Visit<'ast> for TypePaths {
    fn visit_type_path(&mut self, tp: &'ast syn::TypePath) {
        if tp.qself.is_none() {
            self.0.push(Mention {
                path: tp
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect(),
                place: Place::of(
                    tp.path
                        .segments
                        .last()
                        .map(|s| s.ident.span())
                        .unwrap_or_else(|| tp.span()),
                ),
            });
        }
        syn::visit::visit_type_path(self, tp);
    }

    fn visit_expr(&mut self, _: &'ast syn::Expr) {}

    fn visit_block(&mut self, _: &'ast syn::Block) {}
}
