//! Paths as written in Rust sources: `use` trees flattened into one path per imported name, paths anchored at
//! `crate`, `self` or `super` made crate-relative, and the names items declare.

use proc_macro2::Span;
use syn::spanned::Spanned;

/// How a flattened `use` path ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UseEnd {
    /// Imported under this name.
    Name(String),
    /// `*`.
    Glob,
}

/// One path of a `use` tree.
#[derive(Clone, Debug)]
pub struct UsePath {
    /// The segments, from the tree's first to the imported name (`self` in a group names the group's
    /// module: `use a::{self}` gives `a`).
    pub segments: Vec<String>,
    /// The name it is imported under, or a glob.
    pub end: UseEnd,
    /// Where this path's own part of the tree starts: the whole tree, or its branch of the innermost group
    /// (`gate::verdict` in `use crate::{gate::verdict, report}`).
    pub span: Span,
}

/// Flattens a use tree into one [`UsePath`] per imported name or glob.
pub fn flatten_use(tree: &syn::UseTree) -> Vec<UsePath> {
    let mut out = Vec::new();
    flatten(tree, Vec::new(), tree.span(), &mut out);
    out
}

fn flatten(tree: &syn::UseTree, prefix: Vec<String>, span: Span, out: &mut Vec<UsePath>) {
    match tree {
        syn::UseTree::Path(p) => {
            let mut next = prefix;
            next.push(p.ident.to_string());
            flatten(&p.tree, next, span, out);
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            if name == "self" {
                let last = prefix.last().cloned().unwrap_or_default(); // cloned: the alias owns it
                out.push(UsePath {
                    segments: prefix,
                    end: UseEnd::Name(last),
                    span,
                });
            } else {
                let mut segments = prefix;
                segments.push(name.clone()); // cloned: used as both path end and alias
                out.push(UsePath {
                    segments,
                    end: UseEnd::Name(name),
                    span,
                });
            }
        }
        syn::UseTree::Rename(r) => {
            let mut segments = prefix;
            if r.ident != "self" {
                segments.push(r.ident.to_string());
            }
            out.push(UsePath {
                segments,
                end: UseEnd::Name(r.rename.to_string()),
                span,
            });
        }
        syn::UseTree::Glob(_) => out.push(UsePath {
            segments: prefix,
            end: UseEnd::Glob,
            span,
        }),
        syn::UseTree::Group(g) => {
            for item in &g.items {
                flatten(item, prefix.clone(), item.span(), out); // cloned: each branch extends its own copy
            }
        }
    }
}

/// `path`, written in `module` (a module path inside the crate, `[]` for the root), made crate-relative when
/// it starts with `crate`, `self` or `super` (`super::super::x` climbs twice). `None` for other paths (names
/// in scope, other crates) and for a `super` above the crate root.
pub fn crate_relative(module: &[String], path: &[String]) -> Option<Vec<String>> {
    let (mut resolved, mut rest) = match path.first().map(String::as_str) {
        Some("crate") => (Vec::new(), &path[1..]),
        Some("self") => (module.to_vec(), &path[1..]),
        Some("super") => (module.to_vec(), path),
        _ => return None,
    };
    while let Some((first, tail)) = rest.split_first() {
        if first != "super" {
            break;
        }
        resolved.pop()?;
        rest = tail;
    }
    resolved.extend_from_slice(rest);
    Some(resolved)
}

/// The name an item declares in its module, if any (`use` items declare theirs through their tree).
pub fn item_name(item: &syn::Item) -> Option<String> {
    let ident = match item {
        syn::Item::Const(i) => &i.ident,
        syn::Item::Enum(i) => &i.ident,
        syn::Item::ExternCrate(i) => match &i.rename {
            Some((_, rename)) => rename,
            None => &i.ident,
        },
        syn::Item::Fn(i) => &i.sig.ident,
        syn::Item::Mod(i) => &i.ident,
        syn::Item::Static(i) => &i.ident,
        syn::Item::Struct(i) => &i.ident,
        syn::Item::Trait(i) => &i.ident,
        syn::Item::TraitAlias(i) => &i.ident,
        syn::Item::Type(i) => &i.ident,
        syn::Item::Union(i) => &i.ident,
        syn::Item::Macro(i) => i.ident.as_ref()?,
        _ => return None,
    };
    Some(ident.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(parts: &[&str]) -> Vec<String> {
        parts.iter().map(|s| (*s).to_owned()).collect()
    }

    fn flat(src: &str) -> Vec<(String, UseEnd, usize)> {
        let item: syn::ItemUse = syn::parse_str(src).unwrap();
        flatten_use(&item.tree)
            .into_iter()
            .map(|u| (u.segments.join("::"), u.end, u.span.start().column))
            .collect()
    }

    #[test]
    fn use_trees_flatten_with_the_span_of_their_branch() {
        assert_eq!(
            flat("use crate::{gate::verdict, report::{self as r, *}};"),
            [
                (
                    "crate::gate::verdict".to_owned(),
                    UseEnd::Name("verdict".to_owned()),
                    12
                ),
                ("crate::report".to_owned(), UseEnd::Name("r".to_owned()), 36),
                ("crate::report".to_owned(), UseEnd::Glob, 47),
            ]
        );
        assert_eq!(
            flat("use super::x::{self};"),
            [("super::x".to_owned(), UseEnd::Name("x".to_owned()), 15)]
        );
    }

    #[test]
    fn anchored_paths_become_crate_relative() {
        let module = strings(&["a", "b", "c"]);
        let rel = |p: &[&str]| crate_relative(&module, &strings(p));
        assert_eq!(rel(&["crate", "x", "y"]), Some(strings(&["x", "y"])));
        assert_eq!(rel(&["self", "y"]), Some(strings(&["a", "b", "c", "y"])));
        assert_eq!(rel(&["super", "y"]), Some(strings(&["a", "b", "y"])));
        assert_eq!(
            rel(&["super", "super", "super", "y"]),
            Some(strings(&["y"]))
        );
        assert_eq!(rel(&["super", "super", "super", "super", "y"]), None);
        assert_eq!(rel(&["std", "fmt"]), None);
        assert_eq!(rel(&["crate"]), Some(Vec::new()));
    }
}
