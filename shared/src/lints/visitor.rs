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
    module_fn_prefix: Vec<String>,
    file_hot: bool,
    test_file: bool,
    hot_fn: &dyn Fn(&str) -> bool,
) -> FileScan {
    let mut v = Scanner {
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
        self.out.hits.push(Hit {
            rule,
            line,
            column,
            length,
            what: what.into(),
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
        if is_err_wildcard(&a.pat) && is_empty_block(&a.body) {
            self.hit(RuleId::NoSilentFailure, a.pat.span(), "Err(_) => {}");
        }
        visit::visit_arm(self, a);
    }

    fn visit_expr_if(&mut self, i: &'ast syn::ExprIf) {
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
        });
    }
}
