//! Comparing a crate's public surface at the base with HEAD's, path by public path.
//!
//! Each public path of the base (paths that are `#[doc(hidden)]` are not a promise and are skipped) is
//! looked up at HEAD: gone, it is a removal; naming an item of another kind or shape, a change. An item
//! that moved between private modules but is still public at the same path with the same shape is no
//! change. A change is compatible (not breaking) when it only adds: a variant to a `#[non_exhaustive]`
//! enum, a `pub` field to a struct that already had private fields or `#[non_exhaustive]`, a provided
//! item to a trait. Every other change of shape is breaking.

use quote::ToTokens;

use crate::source::public::{External, ExternalPath, Item, ItemKind, Surface, Target};

/// A public item or path that is gone at HEAD.
pub struct Removed<'b> {
    /// The item at the base.
    pub item: &'b Item,
    /// The public path gone (the item's first, when all are).
    pub path: String,
    /// Another public path of the item that still reaches it at HEAD, if any.
    pub still_at: Option<String>,
}

/// A public item whose shape changed.
pub struct Changed<'b, 'h> {
    /// At the base.
    pub old: &'b Item,
    /// At HEAD.
    pub new: &'h Item,
    /// The public path it was compared at.
    pub path: String,
    /// False for additions that break no caller.
    pub breaking: bool,
}

/// A re-export of another crate's item that is gone or leads elsewhere at HEAD.
pub struct LostReexport<'b> {
    /// The base's re-export.
    pub external: &'b External,
    /// Where the path leads at HEAD, when it still leads into another crate.
    pub now: Option<ExternalPath>,
}

/// What changed in one crate's surface.
pub struct SurfaceDiff<'b, 'h> {
    /// Public items of HEAD that no public path of the base reached.
    pub added: Vec<&'h Item>,
    /// Removed items and paths.
    pub removed: Vec<Removed<'b>>,
    /// Re-exports of other crates' items removed or redirected.
    pub reexports: Vec<LostReexport<'b>>,
    /// Changed items.
    pub changed: Vec<Changed<'b, 'h>>,
}

/// Compares `base` with `head`.
pub fn diff<'b, 'h>(base: &'b Surface, head: &'h Surface) -> SurfaceDiff<'b, 'h> {
    let mut removed = Vec::new();
    let mut changed = Vec::new();
    for old in base.public() {
        let visible: Vec<String> = base
            .paths_of(old)
            .iter()
            .filter(|p| !p.doc_hidden)
            .map(|p| p.joined())
            .collect();
        let mut gone = Vec::new();
        let mut kept = Vec::new();
        let mut compared = false;
        for path in &visible {
            let segments: Vec<&str> = path.split("::").collect();
            match head.lookup(&segments) {
                None => gone.push(path),
                Some(Target::External(_)) => kept.push(path),
                Some(Target::Item(new)) => {
                    kept.push(path);
                    if !compared && (new.kind != old.kind || new.shape != old.shape) {
                        compared = true;
                        changed.push(Changed {
                            old,
                            new,
                            path: path.to_owned(),
                            breaking: !compatible(old, new),
                        });
                    }
                }
            }
        }
        // A method whose type is gone is part of that type's removal.
        if old.parent.is_some() && kept.is_empty() && parent_gone(base, head, old) {
            continue;
        }
        if kept.is_empty() {
            if let Some(first) = gone.first() {
                removed.push(Removed {
                    item: old,
                    path: (*first).to_owned(),
                    still_at: None,
                });
            }
        } else {
            for path in gone {
                removed.push(Removed {
                    item: old,
                    path: path.to_owned(),
                    still_at: kept.first().map(|p| (*p).to_owned()),
                });
            }
        }
    }
    let added = head
        .public()
        .filter(|item| item.paths.iter().any(|p| !p.doc_hidden))
        .filter(|item| {
            item.paths.iter().all(|p| {
                let segments: Vec<&str> = p.segments.iter().map(String::as_str).collect();
                base.lookup(&segments).is_none()
            })
        })
        // A method of a new type comes with the type.
        .filter(|item| {
            item.parent.and_then(|p| head.item(p)).is_none_or(|parent| {
                parent.paths.iter().any(|p| {
                    let segments: Vec<&str> = p.segments.iter().map(String::as_str).collect();
                    base.lookup(&segments).is_some()
                })
            })
        })
        .collect();
    let reexports = base
        .external
        .iter()
        .filter(|e| !e.glob && !e.doc_hidden)
        .filter_map(|e| {
            let segments: Vec<&str> = e.path.iter().map(String::as_str).collect();
            match head.lookup(&segments) {
                None => Some(LostReexport {
                    external: e,
                    now: None,
                }),
                Some(Target::External(now)) if now.krate != e.krate || now.path != e.target => {
                    Some(LostReexport {
                        external: e,
                        now: Some(now),
                    })
                }
                // Still the same re-export, or the item now lives in this crate.
                Some(_) => None,
            }
        })
        .collect();
    SurfaceDiff {
        added,
        removed,
        reexports,
        changed,
    }
}

/// True when the type of method `old` has no public path left at HEAD.
fn parent_gone(base: &Surface, head: &Surface, old: &Item) -> bool {
    old.parent.and_then(|p| base.item(p)).is_some_and(|parent| {
        parent.paths.iter().all(|p| {
            let segments: Vec<&str> = p.segments.iter().map(String::as_str).collect();
            head.lookup(&segments).is_none()
        })
    })
}

/// True when `new` only adds to `old` in a way no caller can notice.
fn compatible(old: &Item, new: &Item) -> bool {
    if old.kind != new.kind {
        return false;
    }
    let opened =
        |item: &Item| item.signature.contains("/* private fields */") || item.non_exhaustive;
    match old.kind {
        ItemKind::Enum => {
            let (Ok(a), Ok(b)) = (
                syn::parse_str::<syn::ItemEnum>(&old.signature),
                syn::parse_str::<syn::ItemEnum>(&new.signature),
            ) else {
                return false;
            };
            old.non_exhaustive
                && new.non_exhaustive
                && tokens(&a.generics) == tokens(&b.generics)
                && a.variants
                    .iter()
                    .all(|v| b.variants.iter().any(|w| tokens(v) == tokens(w)))
        }
        ItemKind::Struct => {
            let (Ok(a), Ok(b)) = (
                syn::parse_str::<syn::ItemStruct>(&old.signature),
                syn::parse_str::<syn::ItemStruct>(&new.signature),
            ) else {
                return false;
            };
            let named = |s: &syn::ItemStruct| matches!(s.fields, syn::Fields::Named(_));
            opened(old)
                && opened(new)
                && named(&a)
                && named(&b)
                && tokens(&a.generics) == tokens(&b.generics)
                && a.fields
                    .iter()
                    .all(|f| b.fields.iter().any(|g| tokens(f) == tokens(g)))
        }
        ItemKind::Trait => {
            let (Ok(a), Ok(b)) = (
                syn::parse_str::<syn::ItemTrait>(&old.signature),
                syn::parse_str::<syn::ItemTrait>(&new.signature),
            ) else {
                return false;
            };
            let header = |t: &syn::ItemTrait| {
                format!(
                    "{} {} {}",
                    tokens(&t.generics),
                    t.supertraits.to_token_stream(),
                    t.unsafety.is_some()
                )
            };
            let provided = |item: &syn::TraitItem| match item {
                syn::TraitItem::Fn(f) => f.default.is_some(),
                syn::TraitItem::Const(c) => c.default.is_some(),
                syn::TraitItem::Type(t) => t.default.is_some(),
                _ => false,
            };
            header(&a) == header(&b)
                && a.items
                    .iter()
                    .all(|i| b.items.iter().any(|j| tokens(i) == tokens(j)))
                && b.items
                    .iter()
                    .filter(|j| !a.items.iter().any(|i| tokens(i) == tokens(*j)))
                    .all(provided)
        }
        _ => false,
    }
}

fn tokens<T: ToTokens>(node: &T) -> String {
    node.to_token_stream().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn surface_of(lib: &str) -> (tempfile::TempDir, Surface) {
        crate::source::public::surface_of(&[("src/lib.rs", lib)])
    }

    fn summary(base: &str, head: &str) -> (Vec<String>, Vec<String>, Vec<(String, bool)>) {
        let (_a, b) = surface_of(base);
        let (_c, h) = surface_of(head);
        let d = diff(&b, &h);
        (
            d.added.iter().map(|i| i.display_path()).collect(),
            d.removed
                .iter()
                .map(|r| match &r.still_at {
                    Some(at) => format!("{} (still at {at})", r.path),
                    None => r.path.to_owned(),
                })
                .collect(),
            d.changed
                .iter()
                .map(|c| (c.path.to_owned(), c.breaking))
                .collect(),
        )
    }

    #[test]
    fn removals_changes_and_additions() {
        let (added, removed, changed) = summary(
            "pub fn gone() {}\npub fn parse(s: &str) -> u32 { 0 }\npub struct Kept;\npub use Kept as Alias;\n",
            "pub fn parse(s: &str, radix: u32) -> u32 { 0 }\npub struct Kept;\npub fn load() -> Result<(), String> { Ok(()) }\n",
        );
        assert_eq!(added, ["load"]);
        assert_eq!(removed, ["gone", "Alias (still at Kept)"]);
        assert_eq!(changed, [("parse".to_owned(), true)]);
    }

    #[test]
    fn same_surface_and_renamed_parameters_are_no_change() {
        let (added, removed, changed) = summary(
            "mod a { pub fn f(x: u32) {} }\npub use a::f;\n",
            "mod b { pub(crate) mod c { pub fn f(renamed: u32) { let _ = 1; } } }\npub use b::c::f;\n",
        );
        assert!(added.is_empty() && removed.is_empty() && changed.is_empty());
    }

    #[test]
    fn additive_changes_are_not_breaking() {
        let (_, _, changed) = summary(
            "#[non_exhaustive]\npub enum E { A }\npub struct S { pub a: u8, b: u8 }\npub trait T { fn f(&self); }\npub enum F { A }\npub struct P { pub a: u8 }\n",
            "#[non_exhaustive]\npub enum E { A, B }\npub struct S { pub a: u8, pub c: u8, b: u8 }\npub trait T { fn f(&self); fn g(&self) {} }\npub enum F { A, B }\npub struct P { pub a: u8, pub b: u8 }\n",
        );
        assert_eq!(
            changed,
            [
                ("E".to_owned(), false),
                ("S".to_owned(), false),
                ("T".to_owned(), false),
                ("F".to_owned(), true),
                ("P".to_owned(), true),
            ]
        );
    }

    #[test]
    fn a_removed_type_takes_its_methods_with_it() {
        let (added, removed, _) = summary(
            "pub struct Old;\nimpl Old { pub fn new() -> Self { Old } }\n",
            "pub struct New;\nimpl New { pub fn new() -> Self { New } }\n",
        );
        assert_eq!(added, ["New"]);
        assert_eq!(removed, ["Old"]);
    }
}
