//! Small syntactic judgements the rules share: what a call is named, whether a size has a visible bound,
//! whether a type is `dyn Any`, what a local variable holds.

use syn::{Expr, Type};

/// The last segment of a path expression (`Vec::with_capacity` -> `with_capacity`) with the one before it.
pub fn call_name(func: &Expr) -> Option<(Option<String>, String)> {
    let Expr::Path(p) = func else { return None };
    let segs: Vec<String> = p
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    let last = segs.last()?.to_owned();
    let prev = segs.len().checked_sub(2).map(|i| segs[i].clone()); // cloned: returned by value
    Some((prev, last))
}

/// True when a size expression has no visible bound: not a literal, not a constant (UPPER_CASE path),
/// not `.len()` of something already in memory, and not capped with `.min(..)` / `.clamp(..)`.
pub fn is_unbounded(size: &Expr) -> bool {
    match size {
        Expr::Lit(_) => false,
        Expr::Path(p) => !p.path.segments.last().is_some_and(|s| {
            s.ident
                .to_string()
                .chars()
                .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit())
        }),
        Expr::MethodCall(m) => !matches!(
            m.method.to_string().as_str(),
            "min" | "clamp" | "len" | "count"
        ),
        Expr::Paren(p) => is_unbounded(&p.expr),
        Expr::Binary(b) => is_unbounded(&b.left) || is_unbounded(&b.right),
        Expr::Cast(c) => is_unbounded(&c.expr),
        Expr::Field(_) | Expr::Index(_) | Expr::Call(_) => true,
        _ => false,
    }
}

/// True for `dyn Any`, `dyn std::any::Any + Send + Sync`, `dyn core::any::Any`.
pub fn is_dyn_any(ty: &Type) -> bool {
    match ty {
        Type::TraitObject(t) => t.bounds.iter().any(|b| match b {
            syn::TypeParamBound::Trait(tb) => {
                let segs: Vec<String> = tb
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                segs.last().is_some_and(|l| l == "Any")
                    && (segs.len() == 1 || segs.get(segs.len() - 2).is_some_and(|m| m == "any"))
            }
            _ => false,
        }),
        Type::Paren(p) => is_dyn_any(&p.elem),
        Type::Group(g) => is_dyn_any(&g.elem),
        _ => false,
    }
}

/// If `ty` is `Box<T>`, `T`.
pub fn boxed(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Box" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

/// A single identifier type (`Foo`), for matching type aliases.
pub fn single_ident(ty: &Type) -> Option<String> {
    let Type::Path(p) = ty else { return None };
    if p.qself.is_some() || p.path.segments.len() != 1 {
        return None;
    }
    let seg = p.path.segments.first()?;
    matches!(seg.arguments, syn::PathArguments::None).then(|| seg.ident.to_string())
}

/// What a local variable holds, as far as its declaration shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holds {
    /// A Vec, slice or array: linear search.
    Sequence,
    /// A HashMap or HashSet: hashing per lookup.
    Hashed,
}

/// Classifies a type annotation.
pub fn holds_type(ty: &Type) -> Option<Holds> {
    match ty {
        Type::Reference(r) => holds_type(&r.elem),
        Type::Slice(_) | Type::Array(_) => Some(Holds::Sequence),
        Type::Path(p) => {
            let last = p.path.segments.last()?.ident.to_string();
            match last.as_str() {
                "Vec" | "VecDeque" | "SmallVec" => Some(Holds::Sequence),
                "HashMap" | "HashSet" | "IndexMap" | "IndexSet" | "FxHashMap" | "FxHashSet" => {
                    Some(Holds::Hashed)
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Classifies an initializer (`Vec::new()`, `vec![]`, `HashMap::with_capacity(..)`, `.collect::<Vec<_>>()`).
pub fn holds_expr(expr: &Expr) -> Option<Holds> {
    match expr {
        Expr::Call(c) => {
            let (prev, _) = call_name(&c.func)?;
            match prev?.as_str() {
                "Vec" | "VecDeque" => Some(Holds::Sequence),
                "HashMap" | "HashSet" => Some(Holds::Hashed),
                _ => None,
            }
        }
        Expr::Macro(m) if m.mac.path.is_ident("vec") => Some(Holds::Sequence),
        Expr::Reference(r) => holds_expr(&r.expr),
        _ => None,
    }
}

/// The name of a plain local receiver (`v` in `v.contains(..)`, also through `&v`, `self.v`).
pub fn receiver_name(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Path(p) => p.path.get_ident().map(|i| i.to_string()),
        Expr::Reference(r) => receiver_name(&r.expr),
        Expr::Paren(p) => receiver_name(&p.expr),
        Expr::Field(f) => match &f.member {
            syn::Member::Named(n) => Some(n.to_string()),
            syn::Member::Unnamed(_) => None,
        },
        _ => None,
    }
}

/// A key for "the same collection" in nested loops: the iterated expression without `&`, `.iter()`,
/// `.iter_mut()` and `.into_iter()`.
pub fn collection_key(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Reference(r) => collection_key(&r.expr),
        Expr::Paren(p) => collection_key(&p.expr),
        Expr::MethodCall(m)
            if matches!(
                m.method.to_string().as_str(),
                "iter" | "iter_mut" | "into_iter"
            ) =>
        {
            collection_key(&m.receiver)
        }
        Expr::Path(_) | Expr::Field(_) => Some(tokens_text(expr)),
        _ => None,
    }
}

/// The tokens of `node` as text, for comparing expressions.
pub fn tokens_text(node: &impl quote::ToTokens) -> String {
    node.to_token_stream().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expr(s: &str) -> Expr {
        syn::parse_str(s).unwrap()
    }

    fn ty(s: &str) -> Type {
        syn::parse_str(s).unwrap()
    }

    #[test]
    fn bounds() {
        assert!(!is_unbounded(&expr("16")));
        assert!(!is_unbounded(&expr("MAX_ITEMS")));
        assert!(!is_unbounded(&expr("n.min(LIMIT)")));
        assert!(!is_unbounded(&expr("items.len()")));
        assert!(is_unbounded(&expr("n")));
        assert!(is_unbounded(&expr("header.size as usize")));
        assert!(is_unbounded(&expr("n * 2")));
    }

    #[test]
    fn dyn_any_spellings() {
        for t in [
            "dyn Any",
            "dyn std::any::Any + Send + Sync",
            "dyn core::any::Any",
            "(dyn Any + Send)",
        ] {
            assert!(is_dyn_any(&ty(t)), "{t}");
        }
        assert!(!is_dyn_any(&ty("dyn Debug")));
        assert!(!is_dyn_any(&ty("dyn my::Any2")));
        assert!(boxed(&ty("Box<dyn Any>")).is_some_and(is_dyn_any));
    }

    #[test]
    fn collections() {
        assert_eq!(holds_type(&ty("&[u8]")), Some(Holds::Sequence));
        assert_eq!(holds_type(&ty("HashMap<K, V>")), Some(Holds::Hashed));
        assert_eq!(
            holds_expr(&expr("Vec::with_capacity(4)")),
            Some(Holds::Sequence)
        );
        assert_eq!(
            collection_key(&expr("&self.items")),
            collection_key(&expr("self.items.iter()"))
        );
    }
}
