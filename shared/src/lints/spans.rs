//! Spans of syntax nodes in time linear in the file.
//!
//! syn's `Spanned::span` prints every token of a node to find its first and last one: asked at each node
//! of a method chain (`x.a().b()...`), a binary chain or a nested type, that is the size of the subtree at
//! every level, quadratic in the chain (20,000 calls on one line took minutes). Here the first token is
//! found down the node's left spine and remembered for every node on the way, so a chain is walked once;
//! the last token is read from the node's own closing token. The spans are the same as syn's: they
//! delimit the code text that identifies a finding, which must not change.

use std::collections::HashMap;

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Expr, Type};

/// Remembers the first token of each expression seen on a left spine, by the node's address: valid while
/// the nodes live ([`Spans::forget`] when a temporary tree is dropped).
#[derive(Debug, Default)]
pub struct Spans {
    first: HashMap<usize, Span>,
}

/// A node's identity while the syntax tree is borrowed: its address.
fn address<T>(node: &T) -> usize {
    std::ptr::from_ref(node).addr()
}

fn join(first: Span, last: Span) -> Span {
    first.join(last).unwrap_or(first)
}

impl Spans {
    /// Forgets every node: called when syntax parsed on the fly (a macro's arguments, a `macro_rules!`
    /// body) is dropped, since a later node may be allocated at a dropped one's address.
    pub fn forget(&mut self) {
        self.first.clear();
    }

    /// The span of `e`, from its first token to its last.
    pub fn expr(&mut self, e: &Expr) -> Span {
        join(self.first(e), last_of(e))
    }

    /// The span of a method call.
    pub fn method_call(&mut self, m: &syn::ExprMethodCall) -> Span {
        if !m.attrs.is_empty() {
            return m.span();
        }
        join(self.first(&m.receiver), m.paren_token.span.close())
    }

    /// The span of a call.
    pub fn call(&mut self, c: &syn::ExprCall) -> Span {
        if !c.attrs.is_empty() {
            return c.span();
        }
        join(self.first(&c.func), c.paren_token.span.close())
    }

    /// The span of a statement.
    pub fn stmt(&mut self, s: &syn::Stmt) -> Span {
        match s {
            syn::Stmt::Local(l) => local(l),
            syn::Stmt::Expr(e, semi) => {
                let first = self.first(e);
                join(first, semi.map_or_else(|| last_of(e), |s| s.span))
            }
            syn::Stmt::Macro(m) if m.attrs.is_empty() => {
                let last = m
                    .semi_token
                    .map_or_else(|| m.mac.delimiter.span().close(), |s| s.span);
                join(path_first(&m.mac.path), last)
            }
            _ => s.span(),
        }
    }

    /// The first token of `e`, down its left spine, each node of which remembers it.
    fn first(&mut self, e: &Expr) -> Span {
        let mut spine = Vec::new();
        let mut node = e;
        let found = loop {
            if let Some(span) = self.first.get(&address(node)) {
                break *span;
            }
            spine.push(address(node));
            match left_child(node) {
                Some(next) => node = next,
                None => break leaf_first(node),
            }
        };
        for at in spine {
            self.first.insert(at, found);
        }
        found
    }
}

/// The span of a `let` statement.
pub fn local(l: &syn::Local) -> Span {
    if l.attrs.is_empty() {
        join(l.let_token.span, l.semi_token.span)
    } else {
        l.span()
    }
}

/// The span of a macro invocation.
pub fn mac(m: &syn::Macro) -> Span {
    join(path_first(&m.path), m.delimiter.span().close())
}

/// The span of a type: its first token to its last, without printing nested generics.
pub fn ty(t: &Type) -> Span {
    match t {
        Type::Path(p) if p.qself.is_none() => {
            let last = p.path.segments.last().map_or_else(
                || p.span(),
                |seg| match &seg.arguments {
                    syn::PathArguments::None => seg.ident.span(),
                    syn::PathArguments::AngleBracketed(a) => a.gt_token.span,
                    syn::PathArguments::Parenthesized(_) => seg.span(),
                },
            );
            join(path_first(&p.path), last)
        }
        Type::Reference(r) => join(r.and_token.span, ty(&r.elem)),
        Type::Paren(p) => p.paren_token.span.join(),
        Type::Tuple(t) => t.paren_token.span.join(),
        Type::Slice(s) => s.bracket_token.span.join(),
        Type::Array(a) => a.bracket_token.span.join(),
        _ => t.span(),
    }
}

fn path_first(p: &syn::Path) -> Span {
    match (&p.leading_colon, p.segments.first()) {
        (Some(colons), _) => colons.spans[0],
        (None, Some(seg)) => seg.ident.span(),
        (None, None) => p.span(),
    }
}

/// The child that holds an expression's first token, when the expression does not start with its own.
fn left_child(e: &Expr) -> Option<&Expr> {
    match e {
        Expr::MethodCall(m) if m.attrs.is_empty() => Some(&m.receiver),
        Expr::Field(f) if f.attrs.is_empty() => Some(&f.base),
        Expr::Binary(b) if b.attrs.is_empty() => Some(&b.left),
        Expr::Index(i) if i.attrs.is_empty() => Some(&i.expr),
        Expr::Try(t) if t.attrs.is_empty() => Some(&t.expr),
        Expr::Cast(c) if c.attrs.is_empty() => Some(&c.expr),
        Expr::Call(c) if c.attrs.is_empty() => Some(&c.func),
        Expr::Assign(a) if a.attrs.is_empty() => Some(&a.left),
        Expr::Await(a) if a.attrs.is_empty() => Some(&a.base),
        Expr::Range(r) if r.attrs.is_empty() => r.start.as_deref(),
        _ => None,
    }
}

/// The first token of an expression that starts with its own.
fn leaf_first(e: &Expr) -> Span {
    match e {
        Expr::Paren(p) if p.attrs.is_empty() => p.paren_token.span.open(),
        Expr::Tuple(t) if t.attrs.is_empty() => t.paren_token.span.open(),
        Expr::Array(a) if a.attrs.is_empty() => a.bracket_token.span.open(),
        Expr::Reference(r) if r.attrs.is_empty() => r.and_token.span,
        Expr::Path(p) if p.attrs.is_empty() && p.qself.is_none() => path_first(&p.path),
        Expr::Lit(l) if l.attrs.is_empty() => l.lit.span(),
        Expr::Macro(m) if m.attrs.is_empty() => path_first(&m.mac.path),
        Expr::Range(r) if r.attrs.is_empty() && r.start.is_none() => r.limits.span(),
        _ => e.span(),
    }
}

/// The last token of an expression, down its right spine.
fn last_of(e: &Expr) -> Span {
    let mut node = e;
    loop {
        return match node {
            Expr::MethodCall(m) => m.paren_token.span.close(),
            Expr::Call(c) => c.paren_token.span.close(),
            Expr::Paren(p) => p.paren_token.span.close(),
            Expr::Tuple(t) => t.paren_token.span.close(),
            Expr::Array(a) => a.bracket_token.span.close(),
            Expr::Index(i) => i.bracket_token.span.close(),
            Expr::Try(t) => t.question_token.span,
            Expr::Await(a) => a.await_token.span,
            Expr::Field(f) => match &f.member {
                syn::Member::Named(n) => n.span(),
                syn::Member::Unnamed(i) => i.span,
            },
            Expr::Lit(l) => l.lit.span(),
            Expr::Macro(m) => m.mac.delimiter.span().close(),
            Expr::Path(p) => match p.path.segments.last() {
                Some(seg) if matches!(seg.arguments, syn::PathArguments::None) => seg.ident.span(),
                _ => p.span(),
            },
            Expr::Binary(b) => {
                node = &b.right;
                continue;
            }
            Expr::Assign(a) => {
                node = &a.right;
                continue;
            }
            Expr::Unary(u) => {
                node = &u.expr;
                continue;
            }
            Expr::Reference(r) => {
                node = &r.expr;
                continue;
            }
            Expr::Cast(c) => ty(&c.ty),
            _ => node.span(),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::visit::Visit;

    /// Every expression, statement and type of a file: the spans here are syn's own.
    struct Check<'a> {
        spans: Spans,
        text: &'a str,
        checked: usize,
    }

    impl Check<'_> {
        fn same(&mut self, ours: Span, syns: Span) {
            let text = |s: Span| self.text.get(s.byte_range()).map(str::to_owned);
            assert_eq!(text(ours), text(syns));
            self.checked += 1;
        }
    }

    impl<'ast> Visit<'ast> for Check<'_> {
        fn visit_expr(&mut self, e: &'ast Expr) {
            let ours = self.spans.expr(e);
            self.same(ours, e.span());
            match e {
                Expr::MethodCall(m) => {
                    let ours = self.spans.method_call(m);
                    self.same(ours, m.span());
                }
                Expr::Call(c) => {
                    let ours = self.spans.call(c);
                    self.same(ours, c.span());
                }
                _ => {}
            }
            syn::visit::visit_expr(self, e);
        }
        fn visit_stmt(&mut self, s: &'ast syn::Stmt) {
            let ours = self.spans.stmt(s);
            self.same(ours, s.span());
            syn::visit::visit_stmt(self, s);
        }
        fn visit_type(&mut self, t: &'ast Type) {
            self.same(ty(t), t.span());
            syn::visit::visit_type(self, t);
        }
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            self.same(mac(m), m.span());
        }
    }

    #[test]
    fn the_spans_are_syns_own() {
        let text = r#"
            fn f(a: Option<Vec<u8>>, b: &[u32; 4]) -> Result<(), ::std::io::Error> {
                let x = a.clone().map(|v| v.len()).unwrap_or(0) + b[0] as usize * (1 - 2);
                let y: (u8, &str) = (1, "s");
                x.max(3).min(9);
                Vec::<u8>::new().push(!x as u8);
                println!("{}", y.0);
                let _ = -x..=x.pow(2)?;
                obj.field.0 = compute(x)?.await;
                #[allow(unused)] a.take();
                ..x
            }
        "#;
        let ast = syn::parse_file(text).unwrap();
        let mut check = Check {
            spans: Spans::default(),
            text,
            checked: 0,
        };
        check.visit_file(&ast);
        assert!(check.checked > 60, "{}", check.checked);
    }
}
