//! Attributes that decide whether an item is test-only code.

use syn::Attribute;

/// True for `#[cfg(test)]`, and for `#[cfg(all(test, ..))]` / `#[cfg(any(test, ..))]` containing `test`.
pub fn is_cfg_test(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg") && {
            let mut found = false;
            // A cfg we cannot read is not test code.
            if attr
                .parse_nested_meta(|meta| {
                    found |= mentions_test(&meta);
                    Ok(())
                })
                .is_err()
            {
                return false;
            }
            found
        }
    })
}

fn mentions_test(meta: &syn::meta::ParseNestedMeta<'_>) -> bool {
    if meta.path.is_ident("test") {
        return true;
    }
    if meta.path.is_ident("all") || meta.path.is_ident("any") {
        let mut found = false;
        let parsed = meta.parse_nested_meta(|inner| {
            found |= mentions_test(&inner);
            Ok(())
        });
        return parsed.is_ok() && found;
    }
    // `not(test)` is the opposite of test code, `feature = "test"` is not about tests: consume and move on.
    // An unreadable cfg only means this branch is not test code either way.
    let _consumed: syn::Result<()> = skip(meta);
    false
}

/// Consumes the rest of a nested meta item (`name(...)` or `name = value`).
fn skip(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|inner| skip(&inner))
    } else if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<syn::Expr>().map(|_| ())
    } else {
        Ok(())
    }
}

/// True for `#[test]` and attributes whose last segment is `test` (`#[tokio::test]`).
pub fn is_test_fn(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path()
            .segments
            .last()
            .is_some_and(|seg| seg.ident == "test")
    })
}

/// The attributes of an item (none for the kinds that carry none).
pub fn item_attrs(item: &syn::Item) -> &[Attribute] {
    match item {
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::ExternCrate(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::ForeignMod(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::TraitAlias(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Union(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

/// The files a `mod x;` may be read from: the value of `#[path = "..."]`, or when there is none, the
/// values of `#[cfg_attr(.., path = "...")]` in order (one per platform, as in
/// `#[cfg_attr(unix, path = "unix.rs")]`). Empty when neither is given.
pub fn path_attrs(attrs: &[Attribute]) -> Vec<String> {
    if let Some(plain) = attrs
        .iter()
        .filter(|attr| attr.path().is_ident("path"))
        .find_map(|attr| str_value(&attr.meta))
    {
        return vec![plain];
    }
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("cfg_attr"))
        .filter_map(|attr| {
            attr.parse_args_with(|input: syn::parse::ParseStream<'_>| {
                let _predicate: syn::Meta = input.parse()?;
                input.parse::<syn::Token![,]>()?;
                let metas =
                    syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated(
                        input,
                    )?;
                Ok(metas
                    .iter()
                    .filter(|m| m.path().is_ident("path"))
                    .find_map(str_value))
            })
            .ok()
            .flatten()
        })
        .collect()
}

/// True when the item is compiled only under some condition: `#[cfg(..)]` or `#[cfg_attr(..)]` on it.
/// A predicate that is always true (`all()`, as in `#[cfg(all())]`) does not make it conditional.
pub fn is_conditional(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|attr| {
        let predicate = if attr.path().is_ident("cfg") {
            attr.parse_args::<syn::Meta>()
        } else if attr.path().is_ident("cfg_attr") {
            attr.parse_args_with(|input: syn::parse::ParseStream<'_>| {
                let predicate: syn::Meta = input.parse()?;
                let _rest: proc_macro2::TokenStream = input.parse()?;
                Ok(predicate)
            })
        } else {
            return false;
        };
        predicate.map_or(true, |p| constant(&p) != Some(true))
    })
}

/// The value of a cfg predicate whatever the build: `Some(true)` for `all()` (always on), `Some(false)`
/// for `any()` (never on), and so on through `all`, `any` and `not`; `None` when it depends on the build.
fn constant(meta: &syn::Meta) -> Option<bool> {
    let syn::Meta::List(list) = meta else {
        return None;
    };
    let args = list
        .parse_args_with(syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
        .ok()?;
    let values: Vec<Option<bool>> = args.iter().map(constant).collect();
    if list.path.is_ident("all") {
        if values.contains(&Some(false)) {
            Some(false)
        } else {
            values.iter().all(|v| *v == Some(true)).then_some(true)
        }
    } else if list.path.is_ident("any") {
        if values.contains(&Some(true)) {
            Some(true)
        } else {
            values.iter().all(|v| *v == Some(false)).then_some(false)
        }
    } else if list.path.is_ident("not") && values.len() == 1 {
        values[0].map(|v| !v)
    } else {
        None
    }
}

fn str_value(meta: &syn::Meta) -> Option<String> {
    match meta {
        syn::Meta::NameValue(nv) => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(src: &str) -> Vec<Attribute> {
        let item: syn::ItemMod = syn::parse_str(&format!("{src} mod m {{}}")).unwrap();
        item.attrs
    }

    #[test]
    fn recognizes_cfg_test_forms() {
        assert!(is_cfg_test(&attrs("#[cfg(test)]")));
        assert!(is_cfg_test(&attrs("#[cfg(all(test, feature = \"x\"))]")));
        assert!(is_cfg_test(&attrs("#[cfg(any(unix, test))]")));
        assert!(!is_cfg_test(&attrs("#[cfg(not(test))]")));
        assert!(!is_cfg_test(&attrs("#[cfg(feature = \"test\")]")));
        assert!(!is_cfg_test(&attrs("#[cfg(unix)]")));
    }

    #[test]
    fn recognizes_test_fns_and_path_attrs() {
        assert!(is_test_fn(&attrs("#[tokio::test]")));
        assert!(!is_test_fn(&attrs("#[inline]")));
        assert_eq!(path_attrs(&attrs("#[path = \"x/y.rs\"]")), ["x/y.rs"]);
        assert_eq!(
            path_attrs(&attrs(
                "#[cfg_attr(unix, path = \"u.rs\")] #[cfg_attr(windows, path = \"w.rs\")]"
            )),
            ["u.rs", "w.rs"]
        );
        assert!(path_attrs(&attrs("#[cfg_attr(unix, inline)]")).is_empty());
        assert!(is_conditional(&attrs("#[cfg(feature = \"x\")]")));
        assert!(!is_conditional(&attrs("#[inline]")));
        // Always on: not a condition.
        assert!(!is_conditional(&attrs("#[cfg(all())]")));
        assert!(!is_conditional(&attrs("#[cfg(not(any()))]")));
        assert!(!is_conditional(&attrs("#[cfg(any(unix, all()))]")));
        assert!(!is_conditional(&attrs(
            "#[cfg_attr(all(), path = \"p.rs\")]"
        )));
        assert!(is_conditional(&attrs("#[cfg(all(unix, all()))]")));
        assert!(is_conditional(&attrs("#[cfg(any())]")));
        assert!(is_conditional(&attrs("#[cfg_attr(unix, path = \"p.rs\")]")));
    }
}
