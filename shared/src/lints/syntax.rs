//! Small syntactic judgements the rules share: what a call is named, whether a size has a visible bound,
//! whether a type is `dyn Any`, what a local variable holds.

use syn::{Expr, Type};

/// The names of a path's segments (`std::io::Write` -> `["std", "io", "Write"]`), generics dropped.
pub fn path_names(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

/// The last segment of a path expression (`Vec::with_capacity` -> `with_capacity`) with the one before it.
pub fn call_name(func: &Expr) -> Option<(Option<String>, String)> {
    let Expr::Path(p) = func else { return None };
    let segs = path_names(&p.path);
    let last = segs.last()?.to_owned();
    let prev = segs.len().checked_sub(2).map(|i| segs[i].clone()); // cloned: returned by value
    Some((prev, last))
}

/// What a size expression shows about its bound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Bound {
    /// Bounded where it is written: a literal, a constant, `.len()` of something in memory, a `.min(..)`
    /// or `.clamp(..)`, a cast to a narrow integer.
    Visible,
    /// `x.f as usize` and nothing else: bounded when every field `f` of the crate is a narrow integer.
    Field(String),
    /// No bound in sight.
    None,
}

/// Whether a size expression has a visible bound. A `.len()`, `.count()`, `.min(..)`, `.clamp(..)` or a
/// narrowing cast anywhere in it bounds it (`bytes.len().saturating_mul(2)`); so does a local that
/// `bounded_local` says was assigned a bounded value (`let len = encoded.len();`).
pub fn bound_of(size: &Expr, bounded_local: &dyn Fn(&str) -> bool) -> Bound {
    if has_visible_bound(size, bounded_local) {
        return Bound::Visible;
    }
    match strip(size) {
        Expr::Cast(c) => match strip(&c.expr) {
            Expr::Field(f) => match &f.member {
                syn::Member::Named(n) => Bound::Field(n.to_string()),
                syn::Member::Unnamed(_) => Bound::None,
            },
            _ => Bound::None,
        },
        _ => Bound::None,
    }
}

fn strip(expr: &Expr) -> &Expr {
    match expr {
        Expr::Paren(p) => strip(&p.expr),
        Expr::Group(g) => strip(&g.expr),
        Expr::Reference(r) => strip(&r.expr),
        other => other,
    }
}

fn has_visible_bound(expr: &Expr, bounded_local: &dyn Fn(&str) -> bool) -> bool {
    match expr {
        Expr::Lit(_) => true,
        Expr::Path(p) => p.path.segments.last().is_some_and(|s| {
            let name = s.ident.to_string();
            is_constant_name(&name)
                || is_limit_name(&name)
                || (p.path.segments.len() == 1 && bounded_local(&name))
        }),
        Expr::MethodCall(m) => {
            let method = m.method.to_string();
            matches!(
                method.as_str(),
                "min"
                    | "clamp"
                    | "len"
                    | "count"
                    | "capacity"
                    | "size_hint"
                    | "size"
                    | "height"
                    | "depth"
                    | "is_some"
                    | "is_none"
                    | "is_empty"
            ) || method.starts_with("min_")
                || has_visible_bound(&m.receiver, bounded_local)
                || m.args.iter().any(|a| {
                    // `n.saturating_mul(2)`: the other operand does not bound `n`.
                    matches!(m.method.to_string().as_str(), "min")
                        && has_visible_bound(a, bounded_local)
                })
        }
        Expr::Call(c) => call_name(&c.func).is_some_and(|(_, last)| match last.as_str() {
            "size_of" | "size_of_val" | "align_of" => true,
            "min" => c.args.iter().any(|a| has_visible_bound(a, bounded_local)),
            "max" => c.args.iter().all(|a| has_visible_bound(a, bounded_local)),
            // `count_matches_byte(text, b)`: a count of what is in memory; `tree_height(n)`: a
            // measure of a structure in memory.
            name => name.starts_with("count") || name.contains("height") || name.contains("depth"),
        }),
        // `if v.is_empty() { 0 } else { v.len() - 1 }`: bounded when every branch is.
        Expr::If(i) => {
            block_value_bounded(&i.then_branch, bounded_local)
                && i.else_branch
                    .as_ref()
                    .is_some_and(|(_, e)| has_visible_bound(e, bounded_local))
        }
        Expr::Block(b) => block_value_bounded(&b.block, bounded_local),
        Expr::Paren(p) => has_visible_bound(&p.expr, bounded_local),
        Expr::Group(g) => has_visible_bound(&g.expr, bounded_local),
        Expr::Binary(b) => match b.op {
            // A sum, difference or product is bounded when each side is; a division or a remainder by a
            // bounded value, and a shift right, are bounded by the left side only when it is.
            syn::BinOp::Add(_) | syn::BinOp::Sub(_) | syn::BinOp::Mul(_) => {
                has_visible_bound(&b.left, bounded_local)
                    && has_visible_bound(&b.right, bounded_local)
            }
            syn::BinOp::Rem(_) => has_visible_bound(&b.right, bounded_local),
            _ => has_visible_bound(&b.left, bounded_local),
        },
        Expr::Cast(c) => is_narrow_type(&c.ty) || has_visible_bound(&c.expr, bounded_local),
        // `iter.size_hint().0`: the lower bound of what is there to iterate.
        Expr::Field(f) => matches!(&*f.base, Expr::MethodCall(m) if m.method == "size_hint"),
        _ => false,
    }
}

fn block_value_bounded(block: &syn::Block, bounded_local: &dyn Fn(&str) -> bool) -> bool {
    matches!(block.stmts.last(), Some(syn::Stmt::Expr(e, None)) if has_visible_bound(e, bounded_local))
}

/// `max_size`, `depth_limit`: a name that says it is a limit someone configured.
fn is_limit_name(name: &str) -> bool {
    name.starts_with("max_") || name.ends_with("_max") || name.contains("limit")
}

/// `MAX_ITEMS`, `N`: an all-caps name is a constant.
fn is_constant_name(name: &str) -> bool {
    name.chars().any(|c| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit())
}

/// `u8`, `i16`, `bool`...: a type whose values are few.
pub fn is_narrow_type(ty: &Type) -> bool {
    match ty {
        Type::Path(p) => p.path.get_ident().is_some_and(|i| {
            matches!(i.to_string().as_str(), "u8" | "u16" | "i8" | "i16" | "bool")
        }),
        Type::Paren(p) => is_narrow_type(&p.elem),
        Type::Group(g) => is_narrow_type(&g.elem),
        _ => false,
    }
}

/// True when `arg` cannot be a `&str` (`Option::expect`'s and `Result::expect`'s argument): a reference
/// to or a value of an enum variant or unit struct (`&TokenKind::End`, `Tok::Ident(..)`), a number, a
/// character, a boolean, a struct literal, a tuple, an array, a closure.
pub fn cannot_be_str(arg: &Expr) -> bool {
    match arg {
        Expr::Reference(r) => cannot_be_str(&r.expr),
        Expr::Paren(p) => cannot_be_str(&p.expr),
        Expr::Lit(l) => !matches!(l.lit, syn::Lit::Str(_)),
        Expr::Path(p) => {
            p.path.segments.len() >= 2
                && p.path
                    .segments
                    .last()
                    .is_some_and(|s| is_camel_case(&s.ident.to_string()))
        }
        Expr::Call(c) => match &*c.func {
            Expr::Path(p) => p
                .path
                .segments
                .last()
                .is_some_and(|s| is_camel_case(&s.ident.to_string())),
            _ => false,
        },
        Expr::Struct(_) | Expr::Tuple(_) | Expr::Array(_) | Expr::Closure(_) | Expr::Range(_) => {
            true
        }
        _ => false,
    }
}

/// `End`, `TokenKind`: starts upper case, not all caps (a constant could be a `&str`).
fn is_camel_case(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().any(|c| c.is_ascii_lowercase())
}

/// Calls that return a `Result` in std (and the common I/O and channel APIs), by name: when the crate
/// defines no function of that name, `let _ = x.name(..)` drops an error.
pub const KNOWN_RESULT_CALLS: &[&str] = &[
    "send",
    "try_send",
    "recv",
    "try_recv",
    "recv_timeout",
    "join",
    "write",
    "write_all",
    "write_fmt",
    "flush",
    "read",
    "read_exact",
    "read_to_end",
    "read_to_string",
    "read_line",
    "sync_all",
    "sync_data",
    "set_len",
    "seek",
    "rewind",
    "set_permissions",
    "set_nonblocking",
    "set_read_timeout",
    "set_write_timeout",
    "set_nodelay",
    "shutdown",
    "kill",
    "wait",
    "try_wait",
    "remove_file",
    "remove_dir",
    "remove_dir_all",
    "create_dir",
    "create_dir_all",
    "copy",
    "rename",
    "hard_link",
    "metadata",
    "symlink_metadata",
    "canonicalize",
    "read_dir",
    "lock",
    "try_lock",
    "parse",
    "try_into",
    "try_from",
    "from_str",
    "set_current_dir",
    "spawn",
    "output",
    "status",
    "connect",
    "bind",
    "accept",
    "persist",
    "unlock",
    "catch_unwind",
];

/// True when a closure logs what it is given: its body uses a logging macro (`eprintln!`, `println!`,
/// `log::warn!`, `tracing::error!`...).
pub fn closure_logs(expr: &Expr) -> bool {
    let Expr::Closure(c) = expr else { return false };
    let text = tokens_text(&c.body);
    [
        "eprintln !",
        "println !",
        "error !",
        "warn !",
        "info !",
        "debug !",
        "trace !",
        "eprint !",
        "log !",
    ]
    .iter()
    .any(|m| text.contains(m))
}

/// True for `dyn Any`, `dyn std::any::Any + Send + Sync`, `dyn core::any::Any`.
pub fn is_dyn_any(ty: &Type) -> bool {
    match ty {
        Type::TraitObject(t) => t.bounds.iter().any(|b| match b {
            syn::TypeParamBound::Trait(tb) => {
                let segs = path_names(&tb.path);
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

/// True for `dyn Any + Send` (with or without `'static`): the panic payload type, which std dictates
/// (`catch_unwind`, `resume_unwind`, `JoinHandle::join`, `thread::Result`), so not a design choice.
pub fn is_panic_payload(ty: &Type) -> bool {
    match ty {
        Type::TraitObject(t) => {
            let mut names = Vec::new();
            for b in &t.bounds {
                match b {
                    syn::TypeParamBound::Trait(tb) => names.push(
                        tb.path
                            .segments
                            .last()
                            .map(|s| s.ident.to_string())
                            .unwrap_or_default(),
                    ),
                    syn::TypeParamBound::Lifetime(l) if l.ident == "static" => {}
                    _ => return false,
                }
            }
            names.sort();
            names == ["Any", "Send"]
        }
        Type::Paren(p) => is_panic_payload(&p.elem),
        Type::Group(g) => is_panic_payload(&g.elem),
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
    /// A `Vec` (or `SmallVec`): grows, searched linearly, shifts on front insertion and removal.
    Vec,
    /// A `VecDeque`: searched linearly, O(1) at both ends.
    Deque,
    /// A slice or an array: a fixed size that the function does not grow.
    Slice,
    /// A HashMap or HashSet (or another collection that hashes its keys): hashing per lookup.
    Hashed,
    /// A BTreeMap or BTreeSet: ordered, compared per lookup, never hashed.
    Ordered,
}

/// Classifies a type annotation.
pub fn holds_type(ty: &Type) -> Option<Holds> {
    match ty {
        Type::Reference(r) => holds_type(&r.elem),
        Type::Slice(_) | Type::Array(_) => Some(Holds::Slice),
        Type::Path(p) => {
            let last = p.path.segments.last()?.ident.to_string();
            match last.as_str() {
                "Vec" | "SmallVec" => Some(Holds::Vec),
                "VecDeque" => Some(Holds::Deque),
                "BTreeMap" | "BTreeSet" => Some(Holds::Ordered),
                name if crate::lints::rules::hash_in_hot_loop::HASHING.contains(&name) => {
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
                "Vec" => Some(Holds::Vec),
                "VecDeque" => Some(Holds::Deque),
                "BTreeMap" | "BTreeSet" => Some(Holds::Ordered),
                name if crate::lints::rules::hash_in_hot_loop::HASHING.contains(&name) => {
                    Some(Holds::Hashed)
                }
                _ => None,
            }
        }
        Expr::Macro(m) if m.mac.path.is_ident("vec") => Some(Holds::Vec),
        Expr::MethodCall(m) if m.method == "collect" => m.turbofish.as_ref().and_then(|t| {
            t.args.first().and_then(|a| match a {
                syn::GenericArgument::Type(ty) => holds_type(ty),
                _ => None,
            })
        }),
        Expr::MethodCall(m) if m.method == "to_vec" => Some(Holds::Vec),
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

/// The name of a plain local or parameter, through `&`, `&mut` and parentheses (`&mut buf` -> `buf`).
pub fn plain_ident(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Path(p) => p.path.get_ident().map(|i| i.to_string()),
        Expr::Reference(r) => plain_ident(&r.expr),
        Expr::Paren(p) => plain_ident(&p.expr),
        _ => None,
    }
}

/// True when `expr` calls a method named `name` or mentions a variable of that name.
pub fn mentions(expr: &Expr, name: &str) -> bool {
    struct Finder<'a> {
        name: &'a str,
        found: bool,
    }
    impl<'ast> syn::visit::Visit<'ast> for Finder<'_> {
        fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
            self.found |= m.method == self.name;
            syn::visit::visit_expr_method_call(self, m);
        }
        fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
            self.found |= p.path.is_ident(self.name);
        }
    }
    let mut finder = Finder { name, found: false };
    syn::visit::Visit::visit_expr(&mut finder, expr);
    finder.found
}

/// The plain variables `expr` reads, in order (`in_len * height` -> `in_len`, `height`).
pub fn collect_idents(expr: &Expr, out: &mut Vec<String>) {
    struct Collector<'a>(&'a mut Vec<String>);
    impl<'ast> syn::visit::Visit<'ast> for Collector<'_> {
        fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
            if let Some(i) = p.path.get_ident() {
                self.0.push(i.to_string());
            }
        }
    }
    syn::visit::Visit::visit_expr(&mut Collector(out), expr);
}

/// The variables a value is the sum or product of (`w * h + 1` -> `w`, `h`; `n` -> `n`); none for
/// anything else.
pub fn arithmetic_parts(expr: &Expr) -> Vec<String> {
    fn parts(expr: &Expr, out: &mut Vec<String>) -> bool {
        match expr {
            Expr::Lit(_) => true,
            Expr::Path(p) => p.path.get_ident().is_some_and(|i| {
                out.push(i.to_string());
                true
            }),
            Expr::Paren(p) => parts(&p.expr, out),
            Expr::Cast(c) => parts(&c.expr, out),
            Expr::Binary(b) if matches!(b.op, syn::BinOp::Add(_) | syn::BinOp::Mul(_)) => {
                parts(&b.left, out) && parts(&b.right, out)
            }
            _ => false,
        }
    }
    let mut out = Vec::new();
    if parts(expr, &mut out) {
        out
    } else {
        Vec::new()
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

    fn bound(s: &str) -> Bound {
        bound_of(&expr(s), &|name| name == "len")
    }

    #[test]
    fn bounds() {
        for visible in [
            "16",
            "MAX_ITEMS",
            "n.min(LIMIT)",
            "items.len()",
            "bytes.len().saturating_mul(2)",
            "n.clamp(1, MAX)",
            "std::cmp::min(n, 255)",
            "len",
            "len * 2",
            "h.count as u8 as usize",
            "(n as u16) as usize",
        ] {
            assert_eq!(bound(visible), Bound::Visible, "{visible}");
        }
        assert_eq!(
            bound("header.size as usize"),
            Bound::Field("size".to_owned())
        );
        for none in [
            "n",
            "n * 2",
            "n.saturating_mul(2)",
            "header.size",
            "read_u32()",
        ] {
            assert_eq!(bound(none), Bound::None, "{none}");
        }
    }

    #[test]
    fn arguments_that_cannot_be_a_str() {
        for not_str in [
            "&TokenKind::End",
            "Tok::Ident(x)",
            "3",
            "'c'",
            "(1, 2)",
            "Kind::Semi",
        ] {
            assert!(cannot_be_str(&expr(not_str)), "{not_str}");
        }
        for maybe in ["\"message\"", "MSG", "msg", "&format!(\"x\")", "self.msg()"] {
            assert!(!cannot_be_str(&expr(maybe)), "{maybe}");
        }
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
        assert_eq!(holds_type(&ty("&[u8]")), Some(Holds::Slice));
        assert_eq!(holds_type(&ty("VecDeque<u8>")), Some(Holds::Deque));
        assert_eq!(holds_type(&ty("HashMap<K, V>")), Some(Holds::Hashed));
        assert_eq!(holds_expr(&expr("Vec::with_capacity(4)")), Some(Holds::Vec));
        assert_eq!(
            collection_key(&expr("&self.items")),
            collection_key(&expr("self.items.iter()"))
        );
    }
}
