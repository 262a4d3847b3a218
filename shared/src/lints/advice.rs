//! The syntax behind the Performance Checklist's advice rules (`string-interning`, `collection-types`,
//! `rc-copy-on-write`, `error-path-alloc`, `const-generics`): what a type or an expression is, as far as
//! the code shows it. The scanner calls these where it meets the code; each answers only what it can see
//! and says no when unsure.

use syn::visit::Visit;
use syn::{Expr, Type};

use crate::lints::syntax::call_name;

/// Collections keyed by value, by their last path segment.
const KEYED: &[&str] = &[
    "HashMap",
    "HashSet",
    "BTreeMap",
    "BTreeSet",
    "IndexMap",
    "IndexSet",
    "FxHashMap",
    "FxHashSet",
    "AHashMap",
    "AHashSet",
];

/// Owned string types a key can be.
const STRING_TYPES: &[&str] = &["String", "Box<str>", "Rc<str>", "Arc<str>"];

/// Methods of a keyed collection that hash or compare their key argument.
pub const LOOKUPS: &[&str] = &[
    "get",
    "get_mut",
    "contains_key",
    "contains",
    "remove",
    "entry",
    "insert",
];

/// Calls that may allocate on a success path: growing a collection, building one, converting into an
/// owned or boxed value, or a constructor of a type we cannot see into (`SmallMap::with_capacity`,
/// `Shared::new` of an `Rc` alias). `error-path-alloc` stays silent in a fn that makes any of them.
pub const MAY_ALLOCATE: &[&str] = &[
    "push",
    "push_str",
    "push_back",
    "push_front",
    "extend",
    "extend_from_slice",
    "insert",
    "append",
    "alloc",
    "reserve",
    "collect",
    "to_vec",
    "to_string",
    "to_owned",
    "into_owned",
    "clone",
    "cloned",
    "into",
    "join",
    "concat",
    "repeat",
    "new",
    "with_capacity",
    "from",
    "from_iter",
    "default",
];

/// `""`: `"".to_string()` allocates nothing.
pub fn is_empty_str(expr: &syn::Expr) -> bool {
    matches!(expr, syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) if s.value().is_empty())
}

/// The largest array the `const-generics` rule suggests: bigger ones belong on the heap.
pub const MAX_ARRAY_LEN: u64 = 1024;

/// Methods an array or a slice has too: a `Vec` used only through them can be an array.
const ARRAY_METHODS: &[&str] = &[
    "len",
    "is_empty",
    "iter",
    "iter_mut",
    "get",
    "get_mut",
    "first",
    "last",
    "first_mut",
    "last_mut",
    "fill",
    "swap",
    "contains",
    "copy_from_slice",
    "clone_from_slice",
    "as_slice",
    "as_mut_slice",
    "sort",
    "sort_unstable",
    "reverse",
    "chunks",
    "windows",
    "starts_with",
    "ends_with",
];

fn strip_ref(ty: &Type) -> &Type {
    match ty {
        Type::Reference(r) => strip_ref(&r.elem),
        Type::Paren(p) => strip_ref(&p.elem),
        Type::Group(g) => strip_ref(&g.elem),
        other => other,
    }
}

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match strip_ref(ty) {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        _ => None,
    }
}

/// `HashMap<String, V>`, `BTreeSet<String>`, `&HashMap<Box<str>, V>`: a collection keyed by owned strings.
pub fn is_string_keyed(ty: &Type) -> bool {
    let Some(seg) = last_segment(ty) else {
        return false;
    };
    if !KEYED.contains(&seg.ident.to_string().as_str()) {
        return false;
    }
    let syn::PathArguments::AngleBracketed(args) = &seg.arguments else {
        return false;
    };
    args.args.first().is_some_and(|a| match a {
        syn::GenericArgument::Type(key) => {
            let text = crate::lints::syntax::tokens_text(key).replace(' ', "");
            STRING_TYPES.contains(&text.as_str())
        }
        _ => false,
    })
}

/// `Rc<T>`, `Arc<T>`, `&Rc<T>` (and `sync::Arc<T>`).
pub fn is_rc(ty: &Type) -> bool {
    last_segment(ty).is_some_and(|s| s.ident == "Rc" || s.ident == "Arc")
}

/// `&[T]` or `&mut [T]`.
pub fn is_slice_ref(ty: &Type) -> bool {
    matches!(ty, Type::Reference(r) if matches!(&*r.elem, Type::Slice(_)))
}

/// An expression that builds a fresh `String`: `x.to_string()`, `x.to_owned()`, `String::from(x)`,
/// `format!(..)`, through `&`.
pub fn builds_string(expr: &Expr) -> bool {
    match expr {
        Expr::Reference(r) => builds_string(&r.expr),
        Expr::Paren(p) => builds_string(&p.expr),
        Expr::MethodCall(m) => {
            m.args.is_empty() && (m.method == "to_string" || m.method == "to_owned")
        }
        Expr::Call(c) => call_name(&c.func)
            .is_some_and(|(prev, last)| prev.as_deref() == Some("String") && last == "from"),
        Expr::Macro(m) => m.mac.path.is_ident("format"),
        _ => false,
    }
}

/// The `Rc` whose contents `expr` deep-copies: `(*rc).clone()`, `(**rc).clone()`, `rc.as_ref().clone()`,
/// `T::clone(&rc)` is not one (that is a count bump), nor `rc.clone()`.
pub fn deep_copy_of(expr: &Expr) -> Option<&Expr> {
    let Expr::MethodCall(m) = expr else {
        return None;
    };
    if m.method != "clone" || !m.args.is_empty() {
        return None;
    }
    let mut inner = &*m.receiver;
    while let Expr::Paren(p) = inner {
        inner = &p.expr;
    }
    match inner {
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
            let mut rc = &*u.expr;
            while let Expr::Unary(d) = rc {
                if !matches!(d.op, syn::UnOp::Deref(_)) {
                    break;
                }
                rc = &d.expr;
            }
            Some(rc)
        }
        Expr::MethodCall(a) if a.method == "as_ref" && a.args.is_empty() => Some(&a.receiver),
        _ => None,
    }
}

/// The length of `vec![x; n]` when `n` is an integer literal, or a constant whose value `consts` knows.
pub fn fixed_len(size: &Expr, consts: &dyn Fn(&str) -> Option<u64>) -> Option<u64> {
    match size {
        Expr::Lit(l) => match &l.lit {
            syn::Lit::Int(i) => i.base10_parse().ok(),
            _ => None,
        },
        Expr::Path(p) => p.path.get_ident().and_then(|i| consts(&i.to_string())),
        Expr::Paren(p) => fixed_len(&p.expr, consts),
        _ => None,
    }
}

/// True when every use of the local `name` in `stmts` is one an array has too: indexing, a borrow, a
/// method arrays and slices have. Anything else (moved, returned, grown, named in a macro, shadowed)
/// says no.
pub fn only_array_uses(name: &str, stmts: &[syn::Stmt]) -> bool {
    struct Uses<'a> {
        name: &'a str,
        ok: bool,
    }
    impl Uses<'_> {
        fn is_it(&self, e: &Expr) -> bool {
            matches!(e, Expr::Path(p) if p.path.is_ident(self.name))
        }
    }
    impl<'ast> Visit<'ast> for Uses<'_> {
        fn visit_expr(&mut self, e: &'ast Expr) {
            match e {
                Expr::Index(i) if self.is_it(&i.expr) => self.visit_expr(&i.index),
                Expr::Reference(r) if self.is_it(&r.expr) => {}
                Expr::MethodCall(m) if self.is_it(&m.receiver) => {
                    self.ok &= ARRAY_METHODS.contains(&m.method.to_string().as_str());
                    for a in &m.args {
                        self.visit_expr(a);
                    }
                }
                Expr::Path(p) if p.path.is_ident(self.name) => self.ok = false,
                _ => syn::visit::visit_expr(self, e),
            }
        }
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            // Tokens are not parsed here: a macro that names it says no.
            if names(m.tokens.clone(), self.name) {
                self.ok = false;
            }
        }
        fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
            // Shadowed: what follows is another variable, not worth following.
            if p.ident == self.name {
                self.ok = false;
            }
        }
    }
    let mut uses = Uses { name, ok: true };
    for stmt in stmts {
        uses.visit_stmt(stmt);
        if !uses.ok {
            return false;
        }
    }
    true
}

/// True when `tokens` hold the identifier `name`, at any depth.
fn names(tokens: proc_macro2::TokenStream, name: &str) -> bool {
    tokens.into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => i == name,
        proc_macro2::TokenTree::Group(g) => names(g.stream(), name),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(s: &str) -> Type {
        syn::parse_str(s).unwrap()
    }

    fn expr(s: &str) -> Expr {
        syn::parse_str(s).unwrap()
    }

    #[test]
    fn types() {
        assert!(is_string_keyed(&ty("HashMap<String, u32>")));
        assert!(is_string_keyed(&ty(
            "&std::collections::BTreeSet<Box<str>>"
        )));
        assert!(!is_string_keyed(&ty("HashMap<Symbol, u32>")));
        assert!(!is_string_keyed(&ty("Vec<String>")));
        assert!(is_rc(&ty("Rc<Vec<u8>>")));
        assert!(is_rc(&ty("&std::sync::Arc<Env>")));
        assert!(!is_rc(&ty("Box<Vec<u8>>")));
        assert!(is_slice_ref(&ty("&[u8]")));
        assert!(is_slice_ref(&ty("&mut [f32]")));
        assert!(!is_slice_ref(&ty("&[u8; 4]")));
    }

    #[test]
    fn expressions() {
        assert!(builds_string(&expr("&name.to_string()")));
        assert!(builds_string(&expr("String::from(k)")));
        assert!(builds_string(&expr("format!(\"{a}.{b}\")")));
        assert!(!builds_string(&expr("name.as_str()")));
        assert!(deep_copy_of(&expr("(*rc).clone()")).is_some());
        assert!(deep_copy_of(&expr("(**rc).clone()")).is_some());
        assert!(deep_copy_of(&expr("rc.as_ref().clone()")).is_some());
        assert!(deep_copy_of(&expr("rc.clone()")).is_none());
        let none = |_: &str| None;
        let known = |n: &str| (n == "N").then_some(16);
        assert_eq!(fixed_len(&expr("64"), &none), Some(64));
        assert_eq!(fixed_len(&expr("N"), &known), Some(16));
        assert_eq!(fixed_len(&expr("n"), &none), None);
    }

    #[test]
    fn array_uses() {
        let block: syn::Block = syn::parse_str(
            "{ buf[0] = 1; let n = buf.len(); read(&mut buf); for b in buf.iter() {} }",
        )
        .unwrap();
        assert!(only_array_uses("buf", &block.stmts));
        for grows in [
            "{ buf.push(1); }",
            "{ return buf; }",
            "{ take(buf); }",
            "{ println!(\"{:?}\", buf); }",
            "{ let buf = 3; }",
        ] {
            let block: syn::Block = syn::parse_str(grows).unwrap();
            assert!(!only_array_uses("buf", &block.stmts), "{grows}");
        }
    }
}
