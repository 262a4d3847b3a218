//! The syntax walk: one pass over a parsed file that records every place a rule matches ([`Hit`]).
//!
//! Macro invocations are token streams to syn; where their tokens parse as expressions (`format!(..)`,
//! `vec![x; n]`, `assert!(..)`, `write!(..)`) those expressions are walked too, so `format!("{}", x.unwrap())`
//! is seen. `macro_rules!` bodies are not expanded, and code produced by other macros is not seen.

use std::collections::HashMap;

use proc_macro2::Span;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Token};

use crate::lints::rules::RuleId;
use crate::lints::syntax::{
    Holds, boxed, call_name, collection_key, holds_expr, holds_type, is_dyn_any, is_unbounded,
    receiver_name, single_ident,
};
use crate::source::Place;
use crate::source::attrs::{is_cfg_test, is_test_fn};

/// One place a rule matches, before suppression and severity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    /// The rule.
    pub rule: RuleId,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// Length of the highlighted text on that line.
    pub length: u32,
    /// What exactly matched (`.unwrap()`, `format!`...).
    pub what: String,
    /// Inside a hot path (hot file, or hot fn).
    pub hot: bool,
    /// Inside test code.
    pub test: bool,
    /// The enclosing item's path: `crate::module::Type::fn`.
    pub item: String,
    /// The matched code's tokens (whitespace-normalized, at most [`CODE_LIMIT`] characters).
    pub code: String,
}

/// How much of the matched code a hit keeps to identify it.
pub const CODE_LIMIT: usize = 160;

/// The source text of `span` in `text` without its layout: whitespace (line breaks included) removed,
/// but one space kept between two word characters (`let x`). At most [`CODE_LIMIT`] characters: what
/// identifies a hit across reformatting.
fn code_text(text: &str, span: Span) -> String {
    let source = text.get(span.byte_range()).unwrap_or_default();
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::new();
    let mut gap = false;
    for c in source.chars() {
        if c.is_whitespace() {
            gap = true;
            continue;
        }
        if gap && word(c) && out.ends_with(word) {
            out.push(' ');
        }
        gap = false;
        out.push(c);
        if out.len() >= CODE_LIMIT * 4 {
            break;
        }
    }
    match out.char_indices().nth(CODE_LIMIT) {
        Some((at, _)) => out[..at].to_owned(),
        None => out,
    }
}

/// Type aliases a file defines that name `dyn Any` (`type D = dyn Any;`) or `Box<dyn Any>`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AnyAliases {
    /// Aliases of `dyn Any`: `Box<Alias>` is a finding.
    pub dyn_any: Vec<String>,
    /// Aliases of `Box<dyn Any>`: every use is a finding.
    pub box_any: Vec<String>,
}

/// A type written as a single identifier, to check against the crate's aliases afterwards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentType {
    /// The identifier.
    pub name: String,
    /// Whether it appeared as `Box<name>`.
    pub boxed: bool,
    /// Where.
    pub line: u32,
    /// Where.
    pub column: u32,
    /// Length.
    pub length: u32,
    /// Inside test code.
    pub test: bool,
    /// Inside a hot path.
    pub hot: bool,
    /// The enclosing item's path.
    pub item: String,
    /// The type's source text.
    pub code: String,
}

/// What a file yielded.
#[derive(Debug, Default)]
pub struct FileScan {
    /// Rule matches.
    pub hits: Vec<Hit>,
    /// Aliases defined here.
    pub aliases: AnyAliases,
    /// Single-identifier types, resolved against the crate's aliases later.
    pub ident_types: Vec<IdentType>,
}

/// Scans one parsed file.
///
/// `module_fn_prefix` is the file's module path with the crate name first (`lumen_vm::vm`);
/// `file_hot` says whether the file matches a hot-path glob; `hot_fn` matches fn paths.
pub fn scan_file(
    ast: &syn::File,
    text: &str,
    module_fn_prefix: Vec<String>,
    file_hot: bool,
    test_file: bool,
    hot_fn: &dyn Fn(&str) -> bool,
) -> FileScan {
    let mut v = Scanner {
        text,
        current: None,
        path: module_fn_prefix,
        file_hot,
        hot_fn,
        hot_fn_depth: 0,
        test_depth: usize::from(test_file),
        loops: Vec::new(),
        locals: vec![HashMap::new()],
        out: FileScan::default(),
    };
    v.visit_file(ast);
    v.out
}

struct Scanner<'a> {
    /// The file's text, for the code a hit matched.
    text: &'a str,
    /// The span of the innermost node being matched, whose source text identifies a hit.
    current: Option<Span>,
    path: Vec<String>,
    file_hot: bool,
    hot_fn: &'a dyn Fn(&str) -> bool,
    hot_fn_depth: usize,
    test_depth: usize,
    /// Collections iterated by the enclosing loops (None when not a plain collection).
    loops: Vec<Option<String>>,
    locals: Vec<HashMap<String, Holds>>,
    out: FileScan,
}

impl Scanner<'_> {
    fn hot(&self) -> bool {
        self.file_hot || self.hot_fn_depth > 0
    }

    fn in_loop(&self) -> bool {
        !self.loops.is_empty()
    }

    fn hit(&mut self, rule: RuleId, span: Span, what: impl Into<String>) {
        let Place {
            line,
            column,
            length,
        } = Place::of(span);
        let code = code_text(self.text, self.current.unwrap_or(span));
        self.out.hits.push(Hit {
            rule,
            line,
            column,
            length,
            what: what.into(),
            item: self.path.join("::"),
            code,
            hot: self.hot(),
            test: self.test_depth > 0,
        });
    }

    fn holds(&self, name: &str) -> Option<Holds> {
        self.locals
            .iter()
            .rev()
            .find_map(|scope| scope.get(name).copied())
    }

    fn enter_fn(&mut self, name: String, attrs: &[syn::Attribute]) -> (bool, bool) {
        self.path.push(name);
        let hot = (self.hot_fn)(&self.path.join("::"));
        let test = is_test_fn(attrs) || is_cfg_test(attrs);
        if hot {
            self.hot_fn_depth += 1;
        }
        if test {
            self.test_depth += 1;
        }
        self.locals.push(HashMap::new());
        (hot, test)
    }

    fn leave_fn(&mut self, (hot, test): (bool, bool)) {
        self.path.pop();
        self.locals.pop();
        if hot {
            self.hot_fn_depth -= 1;
        }
        if test {
            self.test_depth -= 1;
        }
    }

    fn params(&mut self, sig: &syn::Signature) {
        for input in &sig.inputs {
            if let syn::FnArg::Typed(pt) = input
                && let syn::Pat::Ident(id) = &*pt.pat
                && let Some(kind) = holds_type(&pt.ty)
                && let Some(scope) = self.locals.last_mut()
            {
                scope.insert(id.ident.to_string(), kind);
            }
        }
    }

    fn in_loop_body(&mut self, key: Option<String>, body: impl FnOnce(&mut Self)) {
        self.loops.push(key);
        self.locals.push(HashMap::new());
        body(self);
        self.locals.pop();
        self.loops.pop();
    }

    /// Walks a macro invocation's tokens as expressions where they parse as such.
    fn macro_tokens(&mut self, mac: &syn::Macro) {
        self.current = Some(mac.span());
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        let span = mac.path.span();
        match name.as_str() {
            "panic" | "todo" | "unimplemented" | "unreachable" => {
                self.hit(RuleId::NoPanic, span, format!("{name}!"))
            }
            "format" if self.in_loop() => self.hit(RuleId::FormatInLoop, span, "format!"),
            "vec" if self.in_loop() && self.hot() => self.hit(RuleId::AllocInHotLoop, span, "vec!"),
            _ => {}
        }
        if name == "vec"
            && let Ok(repeat) = mac.parse_body_with(parse_repeat)
        {
            if is_unbounded(&repeat.1) {
                self.hit(RuleId::BoundedAlloc, mac.span(), "vec![x; n]");
            }
            self.visit_expr(&repeat.0);
            self.visit_expr(&repeat.1);
            return;
        }
        if let Ok(args) = mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated) {
            for arg in &args {
                self.visit_expr(arg);
            }
        }
    }

    fn method_call(&mut self, m: &syn::ExprMethodCall) {
        self.current = Some(m.span());
        let name = m.method.to_string();
        let argc = m.args.len();
        let span = m
            .method
            .span()
            .join(m.paren_token.span.close())
            .unwrap_or_else(|| m.method.span());
        let in_loop = self.in_loop();
        let hot = self.hot();
        match (name.as_str(), argc) {
            ("unwrap", 0) => self.hit(RuleId::NoUnwrap, span, ".unwrap()"),
            ("expect", 1) => self.hit(RuleId::NoUnwrap, span, ".expect(..)"),
            ("clone", 0) => {
                self.hit(RuleId::CloneJustified, span, ".clone()");
                if in_loop && hot {
                    self.hit(RuleId::CloneInHotLoop, span, ".clone()");
                }
            }
            ("unwrap_or_default", 0) if returns_result(&m.receiver) => self.hit(
                RuleId::NoSilentFailure,
                span,
                ".unwrap_or_default() on a Result",
            ),
            ("reserve" | "reserve_exact", 1) if is_unbounded(&m.args[0]) => {
                self.hit(RuleId::BoundedAlloc, span, format!(".{name}(n)"))
            }
            ("read_to_end", 1) if !chain_has(&m.receiver, "take") => self.hit(
                RuleId::BoundedAlloc,
                span,
                ".read_to_end(..) on an unbounded reader",
            ),
            ("to_string" | "to_owned", 0) if in_loop => {
                self.hit(RuleId::FormatInLoop, span, format!(".{name}()"))
            }
            ("collect" | "to_vec", 0) if in_loop && hot => {
                self.hit(RuleId::AllocInHotLoop, span, format!(".{name}()"))
            }
            _ => {}
        }
        if in_loop {
            self.loop_method(m, &name, span);
        }
    }

    fn loop_method(&mut self, m: &syn::ExprMethodCall, name: &str, span: Span) {
        let receiver = receiver_name(&m.receiver);
        let holds = receiver.as_deref().and_then(|r| self.holds(r));
        let first_is_zero = m.args.first().is_some_and(|a| matches!(a, Expr::Lit(l) if matches!(&l.lit, syn::Lit::Int(i) if i.base10_digits() == "0")));
        match name {
            "contains" if holds == Some(Holds::Sequence) => {
                self.hit(RuleId::Quadratic, span, ".contains(..) on a Vec in a loop")
            }
            "position" if chain_has(&m.receiver, "iter") => {
                self.hit(RuleId::Quadratic, span, ".iter().position(..) in a loop")
            }
            "remove" if m.args.len() == 1 && first_is_zero && holds != Some(Holds::Hashed) => {
                self.hit(RuleId::Quadratic, span, ".remove(0) in a loop")
            }
            "insert" if m.args.len() == 2 && first_is_zero && holds != Some(Holds::Hashed) => {
                self.hit(RuleId::Quadratic, span, ".insert(0, ..) in a loop")
            }
            _ => {}
        }
        if self.hot() {
            let hashed_lookup = matches!(name, "contains_key" | "entry")
                || (holds == Some(Holds::Hashed)
                    && matches!(name, "get" | "get_mut" | "insert" | "remove" | "contains"));
            if hashed_lookup {
                self.hit(
                    RuleId::HashInHotLoop,
                    span,
                    format!(".{name}(..) on a hash map/set"),
                );
            }
        }
    }

    fn call(&mut self, c: &syn::ExprCall) {
        self.current = Some(c.span());
        let Some((prev, last)) = call_name(&c.func) else {
            return;
        };
        let span = c.func.span();
        match (prev.as_deref(), last.as_str()) {
            (Some("Vec" | "String"), "with_capacity")
                if c.args.first().is_some_and(is_unbounded) =>
            {
                self.hit(
                    RuleId::BoundedAlloc,
                    span,
                    format!("{}::with_capacity(n)", prev.as_deref().unwrap_or_default()),
                )
            }
            (Some("String"), "from") if self.in_loop() => {
                self.hit(RuleId::FormatInLoop, span, "String::from")
            }
            (Some("Vec"), "new") | (Some("Box"), "new") if self.in_loop() && self.hot() => self
                .hit(
                    RuleId::AllocInHotLoop,
                    span,
                    format!("{}::new", prev.as_deref().unwrap_or_default()),
                ),
            (_, "catch_unwind") if self.hot() => {
                self.hit(RuleId::CatchUnwindInHotPath, span, "catch_unwind")
            }
            _ => {}
        }
    }
}

fn parse_repeat(input: syn::parse::ParseStream<'_>) -> syn::Result<(Expr, Expr)> {
    let value: Expr = input.parse()?;
    input.parse::<Token![;]>()?;
    let size: Expr = input.parse()?;
    Ok((value, size))
}

/// Methods whose result is visibly a `Result`.
const RESULT_METHODS: &[&str] = &[
    "parse",
    "read_to_string",
    "read_line",
    "try_into",
    "try_from",
    "from_str",
    "metadata",
    "canonicalize",
    "read_dir",
    "recv",
    "try_recv",
    "send",
    "join",
    "lock",
    "write_all",
    "flush",
];

fn returns_result(receiver: &Expr) -> bool {
    match receiver {
        Expr::MethodCall(m) => RESULT_METHODS.contains(&m.method.to_string().as_str()),
        Expr::Call(c) => call_name(&c.func).is_some_and(|(prev, last)| {
            prev.as_deref() == Some("fs") || RESULT_METHODS.contains(&last.as_str())
        }),
        Expr::Try(_) => false,
        _ => false,
    }
}

/// True if a method named `name` appears in the receiver chain.
fn chain_has(expr: &Expr, name: &str) -> bool {
    match expr {
        Expr::MethodCall(m) => m.method == name || chain_has(&m.receiver, name),
        Expr::Paren(p) => chain_has(&p.expr, name),
        Expr::Reference(r) => chain_has(&r.expr, name),
        _ => false,
    }
}

fn is_empty_block(expr: &Expr) -> bool {
    match expr {
        Expr::Block(b) => b.block.stmts.is_empty(),
        Expr::Tuple(t) => t.elems.is_empty(),
        _ => false,
    }
}

/// `Err(_)` or `Err(..)`.
fn is_err_wildcard(pat: &syn::Pat) -> bool {
    let syn::Pat::TupleStruct(ts) = pat else {
        return false;
    };
    ts.path.segments.last().is_some_and(|s| s.ident == "Err")
        && ts
            .elems
            .iter()
            .all(|e| matches!(e, syn::Pat::Wild(_) | syn::Pat::Rest(_)))
}

impl<'ast> Visit<'ast> for Scanner<'_> {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        let test = is_cfg_test(&m.attrs);
        self.test_depth += usize::from(test);
        self.path.push(m.ident.to_string());
        visit::visit_item_mod(self, m);
        self.path.pop();
        self.test_depth -= usize::from(test);
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        let state = self.enter_fn(f.sig.ident.to_string(), &f.attrs);
        self.params(&f.sig);
        visit::visit_item_fn(self, f);
        self.leave_fn(state);
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let test = is_cfg_test(&i.attrs);
        self.test_depth += usize::from(test);
        let self_name = match &*i.self_ty {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        };
        let pushed = self_name.is_some();
        if let Some(name) = self_name {
            self.path.push(name);
        }
        visit::visit_item_impl(self, i);
        if pushed {
            self.path.pop();
        }
        self.test_depth -= usize::from(test);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        let state = self.enter_fn(f.sig.ident.to_string(), &f.attrs);
        self.params(&f.sig);
        visit::visit_impl_item_fn(self, f);
        self.leave_fn(state);
    }

    fn visit_item_macro(&mut self, m: &'ast syn::ItemMacro) {
        // `macro_rules!` bodies are templates, not code: not scanned.
        if m.mac.path.is_ident("macro_rules") {
            return;
        }
        self.macro_tokens(&m.mac);
    }

    fn visit_expr_macro(&mut self, m: &'ast syn::ExprMacro) {
        self.macro_tokens(&m.mac);
    }

    fn visit_stmt_macro(&mut self, m: &'ast syn::StmtMacro) {
        self.macro_tokens(&m.mac);
    }

    fn visit_item_type(&mut self, t: &'ast syn::ItemType) {
        if is_dyn_any(&t.ty) {
            self.out.aliases.dyn_any.push(t.ident.to_string());
        } else if boxed(&t.ty).is_some_and(is_dyn_any) {
            self.out.aliases.box_any.push(t.ident.to_string());
        }
        visit::visit_item_type(self, t);
    }

    fn visit_type(&mut self, ty: &'ast syn::Type) {
        self.current = Some(ty.span());
        if let Some(inner) = boxed(ty) {
            if is_dyn_any(inner) {
                self.hit(RuleId::NoBoxDynAny, ty.span(), "Box<dyn Any>");
            } else if let Some(name) = single_ident(inner) {
                self.ident_type(name, true, ty.span());
            }
        } else if let Some(name) = single_ident(ty) {
            self.ident_type(name, false, ty.span());
        }
        visit::visit_type(self, ty);
    }

    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        self.visit_expr(&f.expr);
        self.current = Some(f.expr.span());
        let key = collection_key(&f.expr);
        if let Some(k) = &key
            && self.loops.iter().flatten().any(|outer| outer == k)
        {
            self.hit(
                RuleId::Quadratic,
                f.expr.span(),
                format!("nested loops over `{k}`"),
            );
        }
        self.in_loop_body(key, |s| {
            s.visit_pat(&f.pat);
            s.visit_block(&f.body);
        });
    }

    fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
        self.in_loop_body(None, |s| {
            s.visit_expr(&w.cond);
            s.visit_block(&w.body);
        });
    }

    fn visit_expr_loop(&mut self, l: &'ast syn::ExprLoop) {
        self.in_loop_body(None, |s| s.visit_block(&l.body));
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        // A closure body is not part of the enclosing loop's iteration unless it is called there; the
        // common case (iterator adapters) is a loop of its own, which this scanner does not model.
        let loops = std::mem::take(&mut self.loops);
        visit::visit_expr_closure(self, c);
        self.loops = loops;
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        self.method_call(m);
        visit::visit_expr_method_call(self, m);
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        self.call(c);
        visit::visit_expr_call(self, c);
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        self.current = Some(l.span());
        if let Some(init) = &l.init {
            let discards = matches!(&l.pat, syn::Pat::Wild(_));
            let fallible = match &*init.expr {
                Expr::Call(_) | Expr::MethodCall(_) | Expr::Await(_) => true,
                Expr::Macro(m) => m
                    .mac
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "write" || s.ident == "writeln"),
                _ => false,
            };
            if discards && fallible {
                self.hit(RuleId::NoSilentFailure, l.span(), "let _ = ..");
            }
            let kind = match &l.pat {
                syn::Pat::Type(pt) => holds_type(&pt.ty),
                _ => None,
            }
            .or_else(|| holds_expr(&init.expr));
            let name = match &l.pat {
                syn::Pat::Ident(id) => Some(id.ident.to_string()),
                syn::Pat::Type(pt) => match &*pt.pat {
                    syn::Pat::Ident(id) => Some(id.ident.to_string()),
                    _ => None,
                },
                _ => None,
            };
            if let (Some(name), Some(kind), Some(scope)) = (name, kind, self.locals.last_mut()) {
                scope.insert(name, kind);
            }
        }
        visit::visit_local(self, l);
    }

    fn visit_stmt(&mut self, s: &'ast syn::Stmt) {
        self.current = Some(s.span());
        if let syn::Stmt::Expr(Expr::MethodCall(m), Some(_)) = s
            && m.method == "ok"
            && m.args.is_empty()
        {
            let span = m.method.span();
            self.hit(RuleId::NoSilentFailure, span, ".ok(); discards the error");
        }
        visit::visit_stmt(self, s);
    }

    fn visit_arm(&mut self, a: &'ast syn::Arm) {
        self.current = Some(a.pat.span());
        if is_err_wildcard(&a.pat) && is_empty_block(&a.body) {
            self.hit(RuleId::NoSilentFailure, a.pat.span(), "Err(_) => {}");
        }
        visit::visit_arm(self, a);
    }

    fn visit_expr_if(&mut self, i: &'ast syn::ExprIf) {
        self.current = Some(i.cond.span());
        if let Expr::Let(l) = &*i.cond
            && is_err_wildcard(&l.pat)
            && i.then_branch.stmts.is_empty()
            && i.else_branch.is_none()
        {
            self.hit(
                RuleId::NoSilentFailure,
                l.pat.span(),
                "if let Err(_) = .. {}",
            );
        }
        visit::visit_expr_if(self, i);
    }
}

impl Scanner<'_> {
    fn ident_type(&mut self, name: String, boxed: bool, span: Span) {
        if !name.starts_with(|c: char| c.is_ascii_uppercase()) {
            return;
        }
        let Place {
            line,
            column,
            length,
        } = Place::of(span);
        self.out.ident_types.push(IdentType {
            name,
            boxed,
            line,
            column,
            length,
            test: self.test_depth > 0,
            hot: self.hot(),
            item: self.path.join("::"),
            code: code_text(self.text, span),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lints::rules::RuleId::*;

    fn walk(src: &str, file_hot: bool, test_file: bool, hot_fn: &dyn Fn(&str) -> bool) -> FileScan {
        let ast = syn::parse_file(src).unwrap();
        scan_file(
            &ast,
            src,
            vec!["krate".to_owned()],
            file_hot,
            test_file,
            hot_fn,
        )
    }

    /// The hits of `src` scanned as cold library code.
    fn cold(src: &str) -> Vec<Hit> {
        walk(src, false, false, &|_| false).hits
    }

    /// Asserts the hits, as (rule, line, column, what), compared in file order.
    #[track_caller]
    fn assert_hits(hits: &[Hit], expected: &[(RuleId, u32, u32, &str)]) {
        let mut got: Vec<(RuleId, u32, u32, &str)> = hits
            .iter()
            .map(|h| (h.rule, h.line, h.column, h.what.as_str()))
            .collect();
        let mut expected = expected.to_vec();
        for list in [&mut got, &mut expected] {
            list.sort_by_key(|&(rule, line, column, _)| (line, column, rule));
        }
        assert_eq!(got, expected);
    }

    #[test]
    fn unwrap_and_expect_are_hits_and_their_relatives_are_not() {
        let hits = cold(
            r#"fn f(x: Option<u8>, r: Result<u8, E>) -> u8 {
    let a = x.unwrap();
    let b = r.expect("checked above");
    let c = x.unwrap_or(0) + x.unwrap_or_default();
    let d = r.expect_err("no");
    let e = wrapper.unwrap(1) + wrapper.expect();
    let g = unwrap(x);
    a
}
"#,
        );
        assert_hits(
            &hits,
            &[
                (NoUnwrap, 2, 15, ".unwrap()"),
                (NoUnwrap, 3, 15, ".expect(..)"),
            ],
        );
        assert_eq!(
            hits[0].length,
            "unwrap()".len() as u32,
            "from the method name to the closing paren"
        );
        assert!(hits.iter().all(|h| !h.hot && !h.test));
    }

    #[test]
    fn panicking_macros_are_hits_and_asserts_are_not() {
        let hits = cold(
            r#"fn f(x: u8) -> u8 {
    panic!("boom");
    todo!();
    let y = unimplemented!();
    if x > 1 { unreachable!("x is small") }
    std::panic!("qualified");
    assert!(x > 0, "asserts state invariants");
    debug_assert_eq!(x, 1);
    print!("panic!");
    x
}
"#,
        );
        assert_hits(
            &hits,
            &[
                (NoPanic, 2, 5, "panic!"),
                (NoPanic, 3, 5, "todo!"),
                (NoPanic, 4, 13, "unimplemented!"),
                (NoPanic, 5, 16, "unreachable!"),
                (NoPanic, 6, 5, "panic!"),
            ],
        );
    }

    #[test]
    fn every_clone_is_a_hit_for_the_justification_check() {
        let hits = cold(
            r#"fn f(v: &Vec<u8>, o: Option<&u8>) {
    let a = v.clone();
    // Cloned: the comment is judged later, not by the walk.
    let b = v.clone();
    let c = o.cloned();
    a.clone_from(&b);
    let d = v.clone(1);
}
"#,
        );
        assert_hits(
            &hits,
            &[
                (CloneJustified, 2, 15, ".clone()"),
                (CloneJustified, 4, 15, ".clone()"),
            ],
        );
    }

    #[test]
    fn box_dyn_any_in_any_spelling_is_a_hit_and_other_boxes_are_not() {
        let hits = cold(
            r#"use std::any::Any;
struct S {
    a: Box<dyn Any>,
    b: Box<dyn std::any::Any + Send + Sync>,
    c: Box<(dyn core::any::Any)>,
    d: Box<dyn Debug>,
    e: &'static dyn Any,
    f: Box<dyn my::Any>,
}
fn f() -> Vec<Box<dyn Any + Send>> {
    Vec::new()
}
"#,
        );
        assert_hits(
            &hits,
            &[
                (NoBoxDynAny, 3, 8, "Box<dyn Any>"),
                (NoBoxDynAny, 4, 8, "Box<dyn Any>"),
                (NoBoxDynAny, 5, 8, "Box<dyn Any>"),
                (NoBoxDynAny, 10, 15, "Box<dyn Any>"),
            ],
        );
    }

    #[test]
    fn aliases_of_dyn_any_are_collected_with_the_types_that_may_use_them() {
        let scan = walk(
            r#"type Dyn = dyn Any;
type Boxed = Box<dyn Any + Send>;
type Fine = Box<dyn Debug>;
struct S {
    d: Box<Dyn>,
    e: Boxed,
    f: Vec<Other>,
    g: u8,
}
#[cfg(test)]
fn t(x: Boxed) {}
"#,
            false,
            false,
            &|_| false,
        );
        assert_eq!(
            scan.aliases,
            AnyAliases {
                dyn_any: vec!["Dyn".to_owned()],
                box_any: vec!["Boxed".to_owned()],
            }
        );
        // The alias of `Box<dyn Any>` is itself a `Box<dyn Any>`.
        assert_hits(&scan.hits, &[(NoBoxDynAny, 2, 14, "Box<dyn Any>")]);
        let types: Vec<(&str, bool, u32, u32, bool)> = scan
            .ident_types
            .iter()
            .map(|t| (t.name.as_str(), t.boxed, t.line, t.column, t.test))
            .collect();
        // Lower-case names (`u8`) cannot be aliases of interest; `Box<Dyn>` also visits `Dyn` on its own.
        assert_eq!(
            types,
            [
                ("Dyn", true, 5, 8, false),
                ("Dyn", false, 5, 12, false),
                ("Boxed", false, 6, 8, false),
                ("Other", false, 7, 12, false),
                ("Boxed", false, 11, 9, true),
            ]
        );
    }

    #[test]
    fn errors_dropped_silently_are_hits() {
        let hits = cold(
            r#"async fn f(tx: Sender<u8>, text: &str, opt: Option<u8>) {
    let _ = std::fs::remove_file("x");
    let _ = tx.send(1);
    let _ = fut.await;
    let _ = writeln!(out, "x");
    std::fs::remove_file("x").ok();
    let n: u8 = text.parse().unwrap_or_default();
    let _ = 5;
    let _ = value;
    let _kept = std::fs::remove_file("x");
    let kept = std::fs::remove_file("x").ok();
    let m = opt.unwrap_or_default();
    let _ = format!("{}", 1);
    std::fs::remove_file("x").ok()
}
"#,
        );
        assert_hits(
            &hits,
            &[
                (NoSilentFailure, 2, 5, "let _ = .."),
                (NoSilentFailure, 3, 5, "let _ = .."),
                (NoSilentFailure, 4, 5, "let _ = .."),
                (NoSilentFailure, 5, 5, "let _ = .."),
                (NoSilentFailure, 6, 31, ".ok(); discards the error"),
                (NoSilentFailure, 7, 30, ".unwrap_or_default() on a Result"),
            ],
        );
    }

    #[test]
    fn empty_err_arms_are_hits_and_handled_errors_are_not() {
        let hits = cold(
            r#"fn f(r: Result<u8, E>) {
    match r {
        Ok(_) => {}
        Err(_) => {}
    }
    match r {
        Ok(v) => use_it(v),
        Err(..) => (),
    }
    match r {
        Err(_) => log(),
        Err(e) => {}
        Ok(_) => {}
    }
    if let Err(_) = r {}
    if let Err(_) = r {} else { g() }
    if let Err(_) = r { log() }
    if let Ok(_) = r {}
}
"#,
        );
        assert_hits(
            &hits,
            &[
                (NoSilentFailure, 4, 9, "Err(_) => {}"),
                (NoSilentFailure, 8, 9, "Err(_) => {}"),
                (NoSilentFailure, 15, 12, "if let Err(_) = .. {}"),
            ],
        );
    }

    #[test]
    fn allocations_sized_at_run_time_need_a_visible_bound() {
        let hits = cold(
            r#"fn f(n: usize, items: &[u8], r: &mut R, header: Header) {
    let a = vec![0u8; n];
    let b: Vec<u8> = Vec::with_capacity(n);
    let c = String::with_capacity(header.size as usize);
    let mut d = Vec::new();
    d.reserve(n * 2);
    d.reserve_exact(n);
    r.read_to_end(&mut d);
    let e = vec![0u8; 16];
    let g = vec![0u8; MAX_ITEMS];
    let h = Vec::with_capacity(items.len());
    let i = String::with_capacity(n.min(LIMIT));
    d.reserve(64);
    r.take(1024).read_to_end(&mut d);
    let j = vec![n, n];
    let k = HashMap::with_capacity(n);
}
"#,
        );
        assert_hits(
            &hits,
            &[
                (BoundedAlloc, 2, 13, "vec![x; n]"),
                (BoundedAlloc, 3, 22, "Vec::with_capacity(n)"),
                (BoundedAlloc, 4, 13, "String::with_capacity(n)"),
                (BoundedAlloc, 6, 7, ".reserve(n)"),
                (BoundedAlloc, 7, 7, ".reserve_exact(n)"),
                (
                    BoundedAlloc,
                    8,
                    7,
                    ".read_to_end(..) on an unbounded reader",
                ),
            ],
        );
    }

    #[test]
    fn strings_built_inside_a_loop_are_hits_and_outside_are_not() {
        let hits = cold(
            r#"fn f(items: &[u8]) {
    for i in items {
        let a = format!("{i}");
        let b = i.to_string();
        let c = String::from("x");
        let d = "x".to_owned();
    }
    while more() {
        let w = format!("w");
    }
    loop {
        let l = x.to_string();
        break;
    }
    let e = format!("{}", 1);
    let g = 1.to_string();
    let h = String::from("x");
}
"#,
        );
        assert_hits(
            &hits,
            &[
                (FormatInLoop, 3, 17, "format!"),
                (FormatInLoop, 4, 19, ".to_string()"),
                (FormatInLoop, 5, 17, "String::from"),
                (FormatInLoop, 6, 21, ".to_owned()"),
                (FormatInLoop, 9, 17, "format!"),
                (FormatInLoop, 12, 19, ".to_string()"),
            ],
        );
    }

    #[test]
    fn linear_work_inside_a_loop_is_quadratic() {
        let hits = cold(
            r#"fn f(items: Vec<u32>, other: Vec<u32>, seen: HashMap<u32, u32>) {
    let mut out = Vec::new();
    let mut queue = vec![1];
    for x in &items {
        if out.contains(x) {}
        if seen.contains(x) {}
        let p = items.iter().position(|y| y == x);
        queue.remove(0);
        queue.insert(0, *x);
        seen.remove(0);
        seen.insert(0, *x);
        queue.remove(1);
        for y in items.iter() {}
        for z in &other {}
        out.push(*x);
    }
    if out.contains(&1) {}
    queue.remove(0);
}
"#,
        );
        assert_hits(
            &hits,
            &[
                (Quadratic, 5, 16, ".contains(..) on a Vec in a loop"),
                (Quadratic, 7, 30, ".iter().position(..) in a loop"),
                (Quadratic, 8, 15, ".remove(0) in a loop"),
                (Quadratic, 9, 15, ".insert(0, ..) in a loop"),
                (Quadratic, 13, 18, "nested loops over `items`"),
            ],
        );
    }

    const HOT_AND_COLD: &str = r#"fn hot(items: &[u32], map: HashMap<u32, u32>) {
    for x in items {
        let v = Vec::new();
        let w = vec![1];
        let b = Box::new(1);
        let c = x.clone();
        let d: Vec<u32> = items.iter().copied().collect();
        let e = items.to_vec();
        map.get(x);
        map.contains_key(x);
    }
    let _ok = std::panic::catch_unwind(|| 1);
}
fn cold(items: &[u32], map: HashMap<u32, u32>) {
    for x in items {
        let v = Vec::new();
        let c = x.clone();
        map.get(x);
    }
    let _ok = std::panic::catch_unwind(|| 1);
}
"#;

    #[test]
    fn hot_only_rules_fire_in_a_hot_fn_and_not_in_a_cold_one() {
        let scan = walk(HOT_AND_COLD, false, false, &|path| path == "krate::hot");
        assert_hits(
            &scan.hits,
            &[
                (AllocInHotLoop, 3, 17, "Vec::new"),
                (AllocInHotLoop, 4, 17, "vec!"),
                (AllocInHotLoop, 5, 17, "Box::new"),
                (CloneJustified, 6, 19, ".clone()"),
                (CloneInHotLoop, 6, 19, ".clone()"),
                (AllocInHotLoop, 7, 49, ".collect()"),
                (AllocInHotLoop, 8, 23, ".to_vec()"),
                (HashInHotLoop, 9, 13, ".get(..) on a hash map/set"),
                (HashInHotLoop, 10, 13, ".contains_key(..) on a hash map/set"),
                (CatchUnwindInHotPath, 12, 15, "catch_unwind"),
                (CloneJustified, 17, 19, ".clone()"),
            ],
        );
        let outside: Vec<u32> = scan
            .hits
            .iter()
            .filter(|h| !h.hot)
            .map(|h| h.line)
            .collect();
        assert_eq!(
            outside,
            [17],
            "only the hit in `cold` is outside the hot path"
        );
    }

    #[test]
    fn a_hot_file_makes_every_fn_hot() {
        let scan = walk(HOT_AND_COLD, true, false, &|_| false);
        let cold_fn: Vec<(RuleId, u32)> = scan
            .hits
            .iter()
            .filter(|h| h.line > 13)
            .map(|h| (h.rule, h.line))
            .collect();
        assert_eq!(
            cold_fn,
            [
                (AllocInHotLoop, 16),
                (CloneJustified, 17),
                (CloneInHotLoop, 17),
                (HashInHotLoop, 18),
                (CatchUnwindInHotPath, 20),
            ]
        );
        assert!(scan.hits.iter().all(|h| h.hot));
    }

    #[test]
    fn hot_fns_are_matched_by_their_module_and_type_path() {
        let src = r#"mod inner {
    impl Engine {
        fn run(&self) {
            for x in xs { let v = Vec::new(); }
        }
        fn idle(&self) {
            for x in xs { let v = Vec::new(); }
        }
    }
}
"#;
        let asked = std::cell::RefCell::new(Vec::new());
        let scan = walk(src, false, false, &|path| {
            asked.borrow_mut().push(path.to_owned());
            path == "krate::inner::Engine::run"
        });
        assert_hits(&scan.hits, &[(AllocInHotLoop, 4, 35, "Vec::new")]);
        assert_eq!(
            asked.into_inner(),
            ["krate::inner::Engine::run", "krate::inner::Engine::idle"]
        );
    }

    #[test]
    fn test_code_is_marked_test() {
        let scan = walk(
            r#"fn lib(x: Option<u8>) { x.unwrap(); }
#[cfg(test)]
mod tests {
    fn helper(x: Option<u8>) { x.unwrap(); }
}
#[test]
fn t(x: Option<u8>) { x.unwrap(); }
#[cfg(test)]
impl S { fn f(x: Option<u8>) { x.unwrap(); } }
#[cfg(not(test))]
fn n(x: Option<u8>) { x.unwrap(); }
#[tokio::test]
async fn a(x: Option<u8>) { x.unwrap(); }
#[cfg(all(test, feature = "slow"))]
fn s(x: Option<u8>) { x.unwrap(); }
fn after(x: Option<u8>) { x.unwrap(); }
"#,
            false,
            false,
            &|_| false,
        );
        let test: Vec<(u32, bool)> = scan.hits.iter().map(|h| (h.line, h.test)).collect();
        assert_eq!(
            test,
            [
                (1, false),
                (4, true),
                (7, true),
                (9, true),
                (11, false),
                (13, true),
                (15, true),
                (16, false),
            ]
        );
        let file = walk(
            "fn lib(x: Option<u8>) { x.unwrap(); }\n",
            false,
            true,
            &|_| false,
        );
        assert!(
            file.hits[0].test,
            "a test-only file is test code throughout"
        );
    }

    #[test]
    fn macro_arguments_are_walked_as_expressions() {
        let hits = cold(
            r#"fn f(x: Option<u8>, v: Vec<u8>, n: usize) {
    println!("{}", x.unwrap());
    let s = format!("{:?}", v.clone());
    assert_eq!(x.expect("set"), 1);
    my_macro!(x.unwrap());
    let w = vec![x.unwrap(); n];
    println!("x.unwrap()");
    other!(x.unwrap() => y);
}
item_macro!(x.unwrap());
"#,
        );
        assert_hits(
            &hits,
            &[
                (NoUnwrap, 2, 22, ".unwrap()"),
                (CloneJustified, 3, 31, ".clone()"),
                (NoUnwrap, 4, 18, ".expect(..)"),
                (NoUnwrap, 5, 17, ".unwrap()"),
                (BoundedAlloc, 6, 13, "vec![x; n]"),
                (NoUnwrap, 6, 20, ".unwrap()"),
                (NoUnwrap, 10, 15, ".unwrap()"),
            ],
        );
    }

    #[test]
    fn macro_rules_bodies_are_not_walked() {
        let hits = cold(
            r#"macro_rules! m {
    ($e:expr) => { $e.unwrap(); panic!("in a template") };
}
fn f() { m!(x); }
"#,
        );
        assert_hits(&hits, &[]);
    }

    #[test]
    fn a_closure_is_not_part_of_the_enclosing_loop() {
        let hits = cold(
            r#"fn f(items: &[u8]) {
    for i in items {
        let g = || format!("{i}");
        let names: Vec<String> = items.iter().map(|x| x.to_string()).collect();
        let s = format!("{i}");
    }
    let h = || for j in items { let t = j.to_string(); };
}
"#,
        );
        assert_hits(
            &hits,
            &[
                (FormatInLoop, 5, 17, "format!"),
                (FormatInLoop, 7, 43, ".to_string()"),
            ],
        );
    }
}

#[cfg(test)]
mod identity_tests {
    use super::*;

    fn hits(src: &str) -> Vec<Hit> {
        let ast = syn::parse_file(src).unwrap();
        scan_file(&ast, src, vec!["krate".to_owned()], false, false, &|_| {
            false
        })
        .hits
    }

    #[test]
    fn a_hit_is_identified_by_its_item_and_code_whatever_the_layout() {
        let one_line = hits("fn f() { let n: u32 = s.trim().parse().unwrap(); }\n");
        let reformatted = hits(
            "\n\n// moved down and reformatted\nfn f() {\n    let n: u32 = s\n        .trim()\n        .parse()\n        .unwrap();\n}\n",
        );
        assert_eq!(one_line.len(), 1);
        assert_eq!(reformatted.len(), 1);
        assert_eq!(one_line[0].item, "krate::f");
        assert_eq!(one_line[0].code, "s.trim().parse().unwrap()");
        assert_eq!(reformatted[0].code, one_line[0].code);
        assert_ne!(reformatted[0].line, one_line[0].line);
    }

    #[test]
    fn items_nest_through_modules_impls_and_fns() {
        let h = hits("mod m { struct S; impl S { fn g(&self) { x.unwrap(); } } }\n");
        assert_eq!(h[0].item, "krate::m::S::g");
        assert_eq!(h[0].code, "x.unwrap()");
    }
}
