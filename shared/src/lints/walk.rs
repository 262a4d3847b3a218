//! The syntax walk: one pass over a parsed file that gathers the facts the rules need (the loops around
//! the code and what they iterate, hot paths, error paths, the declared types of locals, parameters and
//! fields, the calls between fns) and calls the rules of [`crate::lints::rules`] at each node. The rules
//! record hits; the whole crate judges the hits that depend on more than this file.
//!
//! Macro invocations are token streams to syn; where their tokens parse as expressions (`format!(..)`,
//! `vec![x; n]`, `assert!(..)`, `write!(..)`) those expressions are walked too, so `format!("{}", x.unwrap())`
//! is seen. The bodies of the crate's `macro_rules!` are walked as code, with `$x` read as `x` and
//! repetitions `$(..)*` as their contents, where they parse as statements. Code produced by other macros
//! is not seen.
//!
//! What the walk resolves, and what it does not: it reads syntax, not types. A method call is the std
//! method a rule means unless the crate's own items say otherwise: a receiver that is `self` inside an
//! impl or trait, a local whose type is written (`let p: Parser`, `let p = Parser::new()`), or a field
//! of `self` whose type the crate declares, resolves to that type, and a method of the same name defined
//! on it in the crate is not std's. A receiver whose type is not visible is "unsure": such a hit is
//! reported, but never as CRITICAL, when the crate defines a method of that name anywhere.

use std::collections::{HashMap, HashSet};

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Token};

use crate::lints::advice::LOOKUPS;
use crate::lints::facts::{
    CallEdge, Callee, Condition, FieldDef, FileScan, FnDef, Hit, IdentType, Receiver, code_text,
};
use crate::lints::rules::{self, RuleId};
use crate::lints::spans::{self, Spans};
use crate::lints::syntax::{
    Bound, Holds, arithmetic_parts, bound_of, call_name, holds_expr, holds_type, is_narrow_type,
    path_names, plain_ident, receiver_name,
};
use crate::source::Place;
use crate::source::attrs::{is_cfg_test, is_test_fn, item_attrs};

/// Scans one parsed file whose text is `text`.
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
    let mut v = Walk {
        write_import: imported_write(ast),
        text,
        current: None,
        spans: Spans::default(),
        path: module_fn_prefix,
        file_hot,
        hot_fn,
        hot_fn_depth: 0,
        test_depth: usize::from(test_file),
        fn_depth: 0,
        once_depth: 0,
        leaving_depth: 0,
        loops: Vec::new(),
        locals: vec![Scope::default()],
        owner: None,
        impl_trait: None,
        peeking_clones: HashSet::new(),
        error_path: 0,
        consts: HashMap::new(),
        fn_allocs: Vec::new(),
        buffers: HashMap::new(),
        moved_buffers: HashSet::new(),
        out: FileScan::default(),
    };
    v.visit_file(ast);
    // A buffer moved out of the loop (into a struct, a call, a push) is the loop's output, not scratch.
    let moved = v.moved_buffers;
    v.out
        .hits
        .retain(|h| h.rule != RuleId::AllocInHotLoop || !moved.contains(&(h.line, h.column)));
    v.out
}

/// What a local variable is, as far as its declaration shows.
#[derive(Clone, Debug, Default)]
pub(crate) struct Local {
    /// What kind of collection it is.
    pub(crate) holds: Option<Holds>,
    /// Its type's last path segment, when written or constructed (`Parser::new()`).
    pub(crate) type_name: Option<String>,
    /// Assigned a value with a visible bound (`let len = buf.len();`), or checked against one before
    /// (`if n > buf.len() { return .. }`).
    pub(crate) bounded: bool,
    /// A parameter of the enclosing fn: its value is the caller's choice.
    pub(crate) param: bool,
    /// A parameter, or made from one (`let queue = items.to_vec();`): its size is the caller's input.
    pub(crate) from_input: bool,
    /// The locals its value is a sum or product of (`let size = w * h;`): bounded when it is.
    pub(crate) parts: Vec<String>,
    /// A collection keyed by owned strings (`HashMap<String, V>`).
    pub(crate) string_keyed: bool,
    /// An `Rc` or `Arc`.
    pub(crate) rc: bool,
    /// A `&[T]` parameter.
    pub(crate) slice: bool,
    /// Collected from a hash map or set (`let v: Vec<_> = map.keys().collect();`): in no order.
    pub(crate) from_hashed: bool,
}

/// What a fn allocates: on its success path at all, and where on its error paths.
#[derive(Debug, Default)]
pub(crate) struct FnAllocs {
    pub(crate) success: bool,
    pub(crate) error_hits: Vec<Hit>,
}

/// A loop around the code being scanned.
#[derive(Debug)]
pub(crate) struct Loop {
    /// The collection it iterates (None when not a plain collection).
    pub(crate) key: Option<String>,
    /// It iterates over (or pulls from) a parameter of the fn: its length is the caller's input.
    pub(crate) over_input: bool,
}

/// The locals of one block, and how many loops enclose it.
#[derive(Debug, Default)]
pub(crate) struct Scope {
    vars: HashMap<String, Local>,
    loop_depth: usize,
}

/// Whose methods `self` has: the impl's type, or the trait being defined.
#[derive(Clone, Debug)]
pub(crate) enum Owner {
    Type(String),
    Trait(String),
}

/// The walk's state: the facts about the code around the node being visited, for the rules.
pub(crate) struct Walk<'a> {
    /// What a bare `Write` means in this file.
    write_import: Option<&'static str>,
    /// The file's text, for the code a hit matched.
    text: &'a str,
    /// The span of the innermost node being matched, whose source text identifies a hit.
    pub(crate) current: Option<Span>,
    /// Spans found without printing the nodes (linear in a chain).
    pub(crate) spans: Spans,
    /// The enclosing item's path, crate first.
    pub(crate) path: Vec<String>,
    file_hot: bool,
    hot_fn: &'a dyn Fn(&str) -> bool,
    hot_fn_depth: usize,
    test_depth: usize,
    fn_depth: usize,
    /// How many enclosing places run at most once per call although written in a loop (a closure, a
    /// path that leaves the loop, an error value).
    once_depth: usize,
    /// How many of those are paths that leave a loop (`return`, `break`, a block ending in one): code
    /// there runs at most once per call of its fn, like code outside loops.
    leaving_depth: usize,
    /// Collections iterated by the enclosing loops (None when not a plain collection). Emptied (and
    /// restored after) where code runs at most once per call although it is written in a loop: a
    /// closure body, a path that leaves the loop (`return`, `break`).
    pub(crate) loops: Vec<Loop>,
    locals: Vec<Scope>,
    pub(crate) owner: Option<Owner>,
    /// The trait of the enclosing impl (`From` in `impl From<&A> for A`).
    pub(crate) impl_trait: Option<String>,
    /// Where `.clone()`s start that only copy an iterator to peek at it (`it.clone().next()`).
    pub(crate) peeking_clones: HashSet<(usize, usize)>,
    /// How many error values or error branches enclose the code (`Err(..)`, `.map_err(..)`, `Err(e) =>`).
    pub(crate) error_path: usize,
    /// `let mut` buffers made in a hot loop, by name, with where their `alloc-in-hot-loop` hit is (a name
    /// reused in another scope may silence one: the lean is to silence).
    pub(crate) buffers: HashMap<String, (u32, u32)>,
    /// Hits of `let mut` loop buffers that are moved out as a value: output, not scratch.
    moved_buffers: HashSet<(u32, u32)>,
    /// The file's integer constants with a literal value (`const N: usize = 16;`), seen so far.
    pub(crate) consts: HashMap<String, u64>,
    /// Allocations of the enclosing fns, innermost last.
    pub(crate) fn_allocs: Vec<FnAllocs>,
    pub(crate) out: FileScan,
}

impl Walk<'_> {
    /// Inside a declared hot path.
    pub(crate) fn hot(&self) -> bool {
        self.file_hot || self.hot_fn_depth > 0
    }

    /// Inside a loop (of code that runs once per iteration).
    pub(crate) fn in_loop(&self) -> bool {
        !self.loops.is_empty()
    }

    /// Code that runs once per iteration of a loop, or on every call of its fn: where a hot-path rule
    /// records a hit for the crate to judge (hot when its fn is, or when a hot loop calls its fn).
    pub(crate) fn per_iteration_candidate(&self) -> bool {
        self.fn_depth > 0 && (self.in_loop() || self.every_call())
    }

    /// Code that runs on every call of its fn: outside loops and outside any path that runs at most once.
    /// A path that leaves a loop (`return Ok(ParseResult::Done(name.to_string()))`) is often the way out
    /// of the caller's loop too: its own code is not per-iteration code, whatever calls its fn.
    fn every_call(&self) -> bool {
        self.fn_depth > 0 && self.loops.is_empty() && self.once_depth == 0
    }

    /// A call that runs at most once per call of its fn: outside loops, or on a path that leaves them
    /// (`return self.do_call(args)` in a dispatch loop); not in a closure or an error value.
    fn per_call(&self) -> bool {
        self.fn_depth > 0 && self.loops.is_empty() && self.once_depth == self.leaving_depth
    }

    /// Inside test code.
    pub(crate) fn test(&self) -> bool {
        self.test_depth > 0
    }

    /// Records a hit of `rule` at `span`.
    pub(crate) fn hit(&mut self, rule: RuleId, span: Span, what: impl Into<String>) {
        self.hit_if(rule, span, what, None);
    }

    /// Records a hit of `rule` at `span` that is a finding only under `condition`.
    pub(crate) fn hit_if(
        &mut self,
        rule: RuleId,
        span: Span,
        what: impl Into<String>,
        condition: Option<Condition>,
    ) {
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
            loop_depth: self.loops.len() as u32,
            per_call: self.every_call(),
            test: self.test(),
            condition,
        });
    }

    /// The local `name`, with how many loops enclosed its declaration.
    pub(crate) fn local(&self, name: &str) -> Option<(&Local, usize)> {
        self.locals
            .iter()
            .rev()
            .find_map(|scope| scope.vars.get(name).map(|l| (l, scope.loop_depth)))
    }

    /// The local `expr` names, if it is one.
    pub(crate) fn local_of(&self, expr: &Expr) -> Option<&Local> {
        plain_ident(expr).and_then(|n| self.local(&n).map(|(l, _)| l))
    }

    /// The local `name`, to change what the code shows about it.
    pub(crate) fn local_mut(&mut self, name: &str) -> Option<&mut Local> {
        self.locals
            .iter_mut()
            .rev()
            .find_map(|scope| scope.vars.get_mut(name))
    }

    /// True when a local declared `depth` loops deep is made fresh in each iteration of the innermost loop.
    pub(crate) fn fresh_in_loop(&self, depth: usize) -> bool {
        depth >= self.loops.len() && depth > 0
    }

    /// The impl's type, inside an impl.
    pub(crate) fn self_type(&self) -> Option<&str> {
        match &self.owner {
            Some(Owner::Type(t)) => Some(t),
            _ => None,
        }
    }

    /// What a receiver expression is: `self` of the impl or trait, a local of a written type, a field
    /// of `self`.
    pub(crate) fn receiver(&self, expr: &Expr) -> Receiver {
        match expr {
            Expr::Paren(p) => self.receiver(&p.expr),
            Expr::Reference(r) => self.receiver(&r.expr),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => self.receiver(&u.expr),
            Expr::Path(p) if p.path.is_ident("self") => match &self.owner {
                Some(Owner::Type(t)) => Receiver::Type(t.to_owned()),
                Some(Owner::Trait(t)) => Receiver::Trait(t.to_owned()),
                None => Receiver::Unknown,
            },
            Expr::Path(p) => p
                .path
                .get_ident()
                .and_then(|i| self.local(&i.to_string()))
                .and_then(|(l, _)| l.type_name.as_deref())
                .map_or(Receiver::Unknown, |t| Receiver::Type(t.to_owned())),
            Expr::Field(f) => match (&*f.base, &f.member) {
                (Expr::Path(p), member) if p.path.is_ident("self") => {
                    Receiver::Field(self.self_type().map(str::to_owned), member_name(member))
                }
                _ => Receiver::Unknown,
            },
            _ => Receiver::Unknown,
        }
    }

    fn enter_fn(&mut self, name: String, attrs: &[syn::Attribute]) -> (bool, bool) {
        self.path.push(name);
        self.fn_depth += 1;
        let hot = (self.hot_fn)(&self.path.join("::"));
        let test = is_test_fn(attrs) || is_cfg_test(attrs);
        if hot {
            self.hot_fn_depth += 1;
        }
        if test {
            self.test_depth += 1;
        }
        self.locals.push(Scope::default());
        self.fn_allocs.push(FnAllocs::default());
        // A fn inside a loop's body (rare) is not part of the loop, nor inside another's closure.
        (hot, test)
    }

    fn leave_fn(&mut self, (hot, test): (bool, bool)) {
        self.path.pop();
        self.fn_depth -= 1;
        self.locals.pop();
        // An error path that allocates where the success path allocates too does not allocate more.
        if let Some(f) = self.fn_allocs.pop()
            && !f.success
        {
            self.out.hits.extend(f.error_hits);
        }
        if hot {
            self.hot_fn_depth -= 1;
        }
        if test {
            self.test_depth -= 1;
        }
    }

    /// Records a fn's signature (name, owner, whether it returns a `Result` and always `Ok`) and its
    /// typed parameters.
    fn signature(&mut self, sig: &syn::Signature, body: Option<&syn::Block>) {
        let returns_result = returns_result_type(&sig.output);
        self.out.defs.fns.push(FnDef {
            owner: self.self_type().map(str::to_owned),
            name: sig.ident.to_string(),
            item: self.path.join("::"),
            returns_result,
            always_ok: returns_result && body.is_some_and(always_ok),
            method: sig.receiver().is_some(),
        });
        for input in &sig.inputs {
            if let syn::FnArg::Typed(pt) = input {
                self.declare_pattern(&pt.pat, Some(&pt.ty), None, true);
            }
        }
    }

    /// Declares the names a pattern binds: `x`, `(a, b)`, `Point { x, y }`, `[first, ..]`, with
    /// what the type written for the whole pattern and the initializer show of each.
    fn declare_pattern(
        &mut self,
        pat: &syn::Pat,
        ty: Option<&syn::Type>,
        init: Option<&Expr>,
        param: bool,
    ) {
        match pat {
            syn::Pat::Ident(id) => {
                let local = self.local_from(ty, init, param);
                if let Some(scope) = self.locals.last_mut() {
                    scope.vars.insert(id.ident.to_string(), local);
                }
            }
            syn::Pat::Type(pt) => self.declare_pattern(&pt.pat, Some(&pt.ty), init, param),
            syn::Pat::Reference(r) => self.declare_pattern(&r.pat, None, None, param),
            // `let (m, n) = (a.len(), b.len());`: each name takes its own element.
            syn::Pat::Tuple(t) => {
                let types = match ty {
                    Some(syn::Type::Tuple(tt)) => Some(&tt.elems),
                    _ => None,
                };
                let inits = match init {
                    Some(Expr::Tuple(e)) => Some(&e.elems),
                    _ => None,
                };
                // `let (lo, _) = it.size_hint();`: the lower bound of what is there to iterate.
                let size_hint = init
                    .is_some_and(|e| matches!(e, Expr::MethodCall(m) if m.method == "size_hint"));
                for (i, elem) in t.elems.iter().enumerate() {
                    let elem_ty = types.filter(|t| i < t.len()).map(|t| &t[i]);
                    let elem_init = inits.filter(|e| i < e.len()).map(|e| &e[i]);
                    if size_hint && i == 0 {
                        self.declare_bounded(elem, param);
                    } else {
                        self.declare_pattern(elem, elem_ty, elem_init, param);
                    }
                }
            }
            syn::Pat::TupleStruct(t) => {
                for elem in &t.elems {
                    self.declare_pattern(elem, None, None, param);
                }
            }
            syn::Pat::Struct(s) => {
                for field in &s.fields {
                    self.declare_pattern(&field.pat, None, None, param);
                }
            }
            syn::Pat::Slice(s) => {
                for elem in &s.elems {
                    self.declare_pattern(elem, None, None, param);
                }
            }
            _ => {}
        }
    }

    /// Declares the names of `pat` as bounded values.
    fn declare_bounded(&mut self, pat: &syn::Pat, param: bool) {
        if let syn::Pat::Ident(id) = pat {
            let mut local = self.local_from(None, None, param);
            local.bounded = true;
            if let Some(scope) = self.locals.last_mut() {
                scope.vars.insert(id.ident.to_string(), local);
            }
        }
    }

    /// What a name bound with type `ty` and initializer `init` is.
    fn local_from(&self, ty: Option<&syn::Type>, init: Option<&Expr>, param: bool) -> Local {
        let bounded_local = |n: &str| self.local(n).is_some_and(|(l, _)| l.bounded);
        Local {
            holds: ty
                .and_then(holds_type)
                .or_else(|| init.and_then(holds_expr)),
            type_name: self
                .qualified(ty.and_then(type_name))
                .or_else(|| init.and_then(constructed_type)),
            bounded: ty.is_some_and(is_narrow_type)
                || init.is_some_and(|e| bound_of(e, &bounded_local) == Bound::Visible),
            param,
            from_input: param || init.is_some_and(|e| self.is_input(e)),
            parts: init.map(arithmetic_parts).unwrap_or_default(),
            // A map handed over by value was built by the caller for this one call (starlark's docs
            // builder): its key type is not this fn's choice.
            string_keyed: ty.is_some_and(|t| {
                crate::lints::advice::is_string_keyed(t)
                    && (!param || matches!(t, syn::Type::Reference(_)))
            }),
            rc: ty.is_some_and(crate::lints::advice::is_rc)
                || init
                    .is_some_and(|e| constructed_type(e).is_some_and(|t| t == "Rc" || t == "Arc")),
            slice: param && ty.is_some_and(crate::lints::advice::is_slice_ref),
            from_hashed: init.is_some_and(|e| self.collected_from_hashed(e)),
        }
    }

    /// `map.keys().cloned().collect()`, `set.into_iter().collect::<Vec<_>>()`: a hash collection's
    /// contents, collected in no particular order.
    fn collected_from_hashed(&self, expr: &Expr) -> bool {
        let Expr::MethodCall(m) = expr else {
            return false;
        };
        m.method == "collect"
            && plain_ident(root_of(expr)).is_some_and(|n| {
                self.local(&n)
                    .is_some_and(|(l, _)| l.holds == Some(Holds::Hashed))
            })
    }

    fn in_loop_body(
        &mut self,
        key: Option<String>,
        over: Option<&Expr>,
        body: impl FnOnce(&mut Self),
    ) {
        let over_input = over.is_some_and(|e| self.is_input(e));
        self.loops.push(Loop { key, over_input });
        self.locals.push(Scope {
            vars: HashMap::new(),
            loop_depth: self.loops.len(),
        });
        body(self);
        self.locals.pop();
        self.loops.pop();
    }

    /// Runs `body` as code that executes at most once per call although written inside a loop.
    pub(crate) fn once(&mut self, body: impl FnOnce(&mut Self)) {
        let loops = std::mem::take(&mut self.loops);
        self.once_depth += 1;
        body(self);
        self.once_depth -= 1;
        self.loops = loops;
    }

    /// Walks a block, its `let`s scoped to it. With `leaving_is_once`, a block in a loop that always
    /// leaves it (`{ let m = format!(..); return Err(m) }`) runs at most once per call.
    fn block(&mut self, b: &syn::Block, leaving_is_once: bool) {
        rules::block(self, &b.stmts);
        // A `let` inside a block is not seen after it.
        self.locals.push(Scope {
            vars: HashMap::new(),
            loop_depth: self.loops.len(),
        });
        if leaving_is_once && self.in_loop() && leaves(b) {
            self.leaving(|s| visit::visit_block(s, b));
        } else {
            visit::visit_block(self, b);
        }
        self.locals.pop();
    }

    /// Walks a loop's own body: it runs once per iteration even when it ends in `return` or `break`,
    /// as long as some path `continue`s the loop (`match tok { Space => continue, _ => return .. }`);
    /// a body that always leaves and never continues runs at most once.
    fn visit_loop_body(&mut self, b: &syn::Block, label: Option<&syn::Label>) {
        self.block(b, !continues(b, label));
    }

    /// Runs `body` as a path that leaves the enclosing loops: at most once per call of the fn.
    fn leaving(&mut self, body: impl FnOnce(&mut Self)) {
        self.leaving_depth += 1;
        self.once(body);
        self.leaving_depth -= 1;
    }

    /// Runs `body` as code on an error path.
    pub(crate) fn on_error_path(&mut self, body: impl FnOnce(&mut Self)) {
        self.error_path += 1;
        body(self);
        self.error_path -= 1;
    }

    /// Walks a macro invocation's tokens as expressions where they parse as such.
    fn macro_tokens(&mut self, mac: &syn::Macro) {
        self.current = Some(spans::mac(mac));
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        rules::macro_call(self, mac, &name, mac.path.span());
        if name == "vec"
            && let Ok(repeat) = mac.parse_body_with(parse_repeat)
        {
            self.visit_expr(&repeat.0);
            self.visit_expr(&repeat.1);
            self.spans.forget();
            return;
        }
        if let Ok(args) = mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated) {
            // `assert!(cond, "{}", x.to_string())`: the message's arguments are evaluated only when the
            // assertion fails, once, on the way to a panic.
            let conditions = match name.as_str() {
                "assert" | "debug_assert" => 1,
                "assert_eq" | "assert_ne" | "debug_assert_eq" | "debug_assert_ne" => 2,
                _ => usize::MAX,
            };
            for (i, arg) in args.iter().enumerate() {
                if i < conditions {
                    self.visit_expr(arg);
                } else {
                    self.once(|s| s.on_error_path(|s| s.visit_expr(arg)));
                }
            }
            // The arguments are dropped here: their addresses may be reused by the next ones.
            self.spans.forget();
        }
    }

    /// Walks the bodies of a `macro_rules!` as code: each rule's expansion, with metavariables read as
    /// plain names, where it parses as statements.
    fn macro_rules(&mut self, m: &syn::ItemMacro) {
        let name = m
            .ident
            .as_ref()
            .map_or_else(|| "macro_rules".to_owned(), |i| format!("{i}!"));
        self.path.push(name);
        self.fn_depth += 1;
        self.locals.push(Scope::default());
        self.fn_allocs.push(FnAllocs::default());
        // cloned: token streams are read by value; the bodies are re-parsed as statements
        for body in expansion_bodies(m.mac.tokens.clone()) {
            let parsed = syn::Block::parse_within.parse2(body);
            if let Ok(stmts) = parsed {
                for stmt in &stmts {
                    self.visit_stmt(stmt);
                }
            }
            self.spans.forget();
        }
        self.fn_allocs.pop();
        self.locals.pop();
        self.fn_depth -= 1;
        self.path.pop();
    }

    /// Notes that `expr`, when it names a loop buffer, is moved out as a value.
    fn moved(&mut self, expr: &Expr) {
        if let Some(at) = plain_ident(expr).and_then(|name| self.buffers.get(&name)) {
            // lumen-gate: allow(hash-in-hot-loop) -- only when an argument names a loop buffer: rare
            self.moved_buffers.insert(*at);
        }
    }

    /// True when `expr` starts from a parameter of the enclosing fn or a local made from one
    /// (`items.iter().enumerate()`, `!queue.is_empty()`).
    pub(crate) fn is_input(&self, expr: &Expr) -> bool {
        // `while amt > 0`, `while state.input.peek() != EOF`: a loop that runs until a value of the
        // input reaches a bound is as long as the input.
        if let Expr::Binary(b) = expr
            && matches!(
                b.op,
                syn::BinOp::Lt(_)
                    | syn::BinOp::Le(_)
                    | syn::BinOp::Gt(_)
                    | syn::BinOp::Ge(_)
                    | syn::BinOp::Ne(_)
            )
        {
            return self.is_input(&b.left) || self.is_input(&b.right);
        }
        plain_ident(root_of(expr))
            .is_some_and(|n| self.local(&n).is_some_and(|(l, _)| l.from_input))
    }

    /// True when `expr` is a parameter of the enclosing fn (`buf`, `&mut buf`).
    pub(crate) fn is_param(&self, expr: &Expr) -> bool {
        plain_ident(expr).is_some_and(|n| self.local(&n).is_some_and(|(l, _)| l.param))
    }

    /// True when the enclosing loops' work grows with input the caller controls: a loop iterates over a
    /// parameter of the fn, or the code is on a hot path. A loop over the crate's own configuration
    /// (`self.groups`, a worklist seeded with one item) is quadratic in sizes its author chose.
    pub(crate) fn input_sized(&self) -> bool {
        self.hot() || self.loops.iter().any(|l| l.over_input)
    }

    /// The condition under which `call` returns a `Result`, if it is a call at all.
    pub(crate) fn result_condition(&self, call: &Expr) -> Option<Condition> {
        match call {
            Expr::MethodCall(m) => Some(Condition::ReturnsResult {
                name: m.method.to_string(),
                receiver: Some(self.receiver(&m.receiver)),
            }),
            Expr::Call(c) => {
                let (prev, last) = call_name(&c.func)?;
                // `fs::write(..)`, `std::fs::remove_file(..)`: std's file system calls all return one.
                let name = if prev.as_deref() == Some("fs") {
                    "remove_file".to_owned()
                } else {
                    last
                };
                Some(Condition::ReturnsResult {
                    name,
                    receiver: None,
                })
            }
            Expr::Paren(p) => self.result_condition(&p.expr),
            _ => None,
        }
    }

    /// Records a local's declaration.
    fn declare(&mut self, l: &syn::Local) {
        let init = l.init.as_ref().map(|i| &*i.expr);
        let (name, mutable) = match &l.pat {
            syn::Pat::Ident(id) => (Some(id.ident.to_string()), id.mutability.is_some()),
            syn::Pat::Type(pt) => match &*pt.pat {
                syn::Pat::Ident(id) => (Some(id.ident.to_string()), id.mutability.is_some()),
                _ => (None, false),
            },
            _ => (None, false),
        };
        rules::declared(self, l, name.as_deref(), mutable);
        self.declare_pattern(&l.pat, None, init, false);
    }

    /// A bare `Write` made `io::Write` or `fmt::Write`, as the file's imports say.
    fn qualified(&self, name: Option<String>) -> Option<String> {
        match (name, self.write_import) {
            (Some(n), Some(w)) if n == "Write" => Some(w.to_owned()),
            (n, _) => n,
        }
    }

    /// Enters an item with attributes: `#[cfg(test)]` on any item makes it test code.
    fn item(&mut self, attrs: &[syn::Attribute], body: impl FnOnce(&mut Self)) {
        let test = is_cfg_test(attrs);
        self.test_depth += usize::from(test);
        body(self);
        self.test_depth -= usize::from(test);
    }

    /// Records a call from the enclosing fn, for what the crate runs once per iteration of a hot loop.
    fn call_edge(&mut self, owner: Option<String>, name: String, module: Vec<String>) {
        self.edge(owner, name, module, Callee::Written);
    }

    fn edge(&mut self, owner: Option<String>, name: String, module: Vec<String>, callee: Callee) {
        if self.fn_depth == 0 || self.test() {
            return;
        }
        let (in_loop, per_call) = (self.in_loop(), self.per_call());
        if !in_loop && !per_call {
            return;
        }
        self.out.defs.calls.push(CallEdge {
            caller: self.path.join("::"),
            owner,
            name,
            module,
            in_loop,
            per_call,
            hot: self.hot(),
            callee,
        });
    }

    /// Records a single-identifier type, for the crate's aliases.
    pub(crate) fn ident_type(&mut self, name: String, boxed: bool, span: Span) {
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
            test: self.test(),
            hot: self.hot(),
            item: self.path.join("::"),
            code: code_text(self.text, span),
        });
    }

    /// Notes the bound a check that leaves the fn puts on the locals it compares with a length.
    fn bound_by_check(&mut self, cond: &Expr) {
        let Expr::Binary(b) = cond else { return };
        match b.op {
            syn::BinOp::Or(_) => {
                self.bound_by_check(&b.left);
                self.bound_by_check(&b.right);
            }
            syn::BinOp::Eq(_)
            | syn::BinOp::Ne(_)
            | syn::BinOp::Lt(_)
            | syn::BinOp::Le(_)
            | syn::BinOp::Gt(_)
            | syn::BinOp::Ge(_) => {
                use crate::lints::syntax::{collect_idents, mentions};
                let bounded = if mentions(&b.right, "len") {
                    &b.left
                } else if mentions(&b.left, "len") {
                    &b.right
                } else {
                    return;
                };
                let mut names = Vec::new();
                collect_idents(bounded, &mut names);
                while let Some(name) = names.pop() {
                    if let Some(local) = self.local_mut(&name)
                        && !local.bounded
                    {
                        local.bounded = true;
                        names.extend(local.parts.iter().cloned()); // cloned: marked in turn
                    }
                }
            }
            _ => {}
        }
    }
}

/// A field's name: `x`, or `0` for a tuple field.
fn member_name(member: &syn::Member) -> String {
    match member {
        syn::Member::Named(n) => n.to_string(),
        syn::Member::Unnamed(i) => i.index.to_string(),
    }
}

/// The expansions of a `macro_rules!` body (`(pattern) => { expansion };` repeated), with `$x` read as
/// `x`, `$crate` as `crate` and a repetition `$( .. ) sep* ` as its contents.
fn expansion_bodies(tokens: TokenStream) -> Vec<TokenStream> {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 3 < trees.len() + 1 {
        // pattern group, `=`, `>`, body group
        let is_arrow = matches!(
            (trees.get(i + 1), trees.get(i + 2)),
            (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b))) if a.as_char() == '=' && b.as_char() == '>'
        );
        match (trees.get(i), is_arrow, trees.get(i + 3)) {
            (Some(TokenTree::Group(_)), true, Some(TokenTree::Group(body))) => {
                out.push(plain_tokens(body.stream()));
                i += 4;
                // the `;` between rules
                if matches!(trees.get(i), Some(TokenTree::Punct(p)) if p.as_char() == ';') {
                    i += 1;
                }
            }
            _ => break,
        }
    }
    out
}

/// `$x` -> `x`, `$( .. ) sep? op` -> the contents, in a macro expansion.
fn plain_tokens(tokens: TokenStream) -> TokenStream {
    // lumen-gate: allow(alloc-in-hot-loop) -- once per macro_rules! body, which are few
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::with_capacity(trees.len());
    let mut i = 0;
    while let Some(tree) = trees.get(i) {
        match tree {
            TokenTree::Punct(p) if p.as_char() == '$' => match trees.get(i + 1) {
                Some(TokenTree::Ident(id)) => {
                    out.push(TokenTree::Ident(id.to_owned()));
                    i += 2;
                }
                Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => {
                    out.extend(plain_tokens(g.stream()));
                    i += 2;
                    let op = |t: Option<&TokenTree>| matches!(t, Some(TokenTree::Punct(p)) if matches!(p.as_char(), '*' | '+' | '?'));
                    if op(trees.get(i)) {
                        i += 1;
                    } else if op(trees.get(i + 1)) {
                        i += 2;
                    }
                }
                _ => i += 1,
            },
            TokenTree::Group(g) => {
                let mut group = Group::new(g.delimiter(), plain_tokens(g.stream()));
                group.set_span(g.span());
                out.push(TokenTree::Group(group));
                i += 1;
            }
            other => {
                out.push(other.to_owned());
                i += 1;
            }
        }
    }
    // lumen-gate: allow(alloc-in-hot-loop) -- once per macro_rules! body, which are few
    out.into_iter().collect()
}

/// True when every value a fn body returns is visibly `Ok(..)` and nothing in it can return early with
/// an error (`?`, `return Err(..)`): its `Result` is never an `Err`.
fn always_ok(body: &syn::Block) -> bool {
    struct Returns {
        all_ok: bool,
    }
    impl<'ast> Visit<'ast> for Returns {
        fn visit_expr_try(&mut self, _: &'ast syn::ExprTry) {
            self.all_ok = false;
        }
        fn visit_expr_return(&mut self, r: &'ast syn::ExprReturn) {
            if !r.expr.as_deref().is_some_and(is_ok_call) {
                self.all_ok = false;
            }
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_item(&mut self, _: &'ast syn::Item) {}
        fn visit_expr_macro(&mut self, m: &'ast syn::ExprMacro) {
            // `bail!`, `ensure!`, `try!`: an early error return in a macro.
            if m.mac
                .path
                .segments
                .last()
                .is_some_and(|s| matches!(s.ident.to_string().as_str(), "bail" | "ensure" | "try"))
            {
                self.all_ok = false;
            }
        }
    }
    let tail_ok = match body.stmts.last() {
        Some(syn::Stmt::Expr(e, None)) => is_ok_call(e) || matches!(e, Expr::Return(_)),
        Some(syn::Stmt::Expr(Expr::Return(_), _)) => true,
        _ => false,
    };
    let mut returns = Returns { all_ok: true };
    returns.visit_block(body);
    tail_ok && returns.all_ok
}

/// `Ok(..)`.
fn is_ok_call(e: &Expr) -> bool {
    matches!(e, Expr::Call(c) if call_name(&c.func).is_some_and(|(_, last)| last == "Ok"))
}

/// The last path segment of a written type (`Parser`, `Vec`), without references.
pub(crate) fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Reference(r) => type_name(&r.elem),
        syn::Type::Paren(p) => type_name(&p.elem),
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        // `impl Write`, `dyn io::Write`: the trait, as `io::Write` or `fmt::Write` when written so.
        syn::Type::ImplTrait(t) => trait_name(&t.bounds),
        syn::Type::TraitObject(t) => trait_name(&t.bounds),
        _ => None,
    }
}

/// `io::Write` or `fmt::Write` for a bound written with its module, else the trait's last segment.
fn trait_name(bounds: &Punctuated<syn::TypeParamBound, Token![+]>) -> Option<String> {
    bounds.iter().find_map(|b| match b {
        syn::TypeParamBound::Trait(t) => {
            let segs = path_names(&t.path);
            let last = segs.last()?;
            Some(match segs.iter().rev().nth(1) {
                Some(module) if module == "io" || module == "fmt" => format!("{module}::{last}"),
                _ => last.to_owned(),
            })
        }
        _ => None,
    })
}

/// Which `Write` a bare `Write` names in a file: `io::Write` or `fmt::Write`, as its `use` items say.
fn imported_write(ast: &syn::File) -> Option<&'static str> {
    ast.items.iter().find_map(|item| {
        let syn::Item::Use(u) = item else { return None };
        let text = crate::lints::syntax::tokens_text(&u.tree);
        if !text.contains("Write") {
            None
        } else if text.contains("io") {
            Some("io::Write")
        } else if text.contains("fmt") {
            Some("fmt::Write")
        } else {
            None
        }
    })
}

/// The renames of a `use` tree: `use indexmap::IndexMap as Map;` -> `("Map", "IndexMap")`.
fn use_renames(tree: &syn::UseTree, out: &mut Vec<(String, String)>) {
    match tree {
        syn::UseTree::Path(p) => use_renames(&p.tree, out),
        syn::UseTree::Rename(r) => out.push((r.rename.to_string(), r.ident.to_string())),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                use_renames(t, out);
            }
        }
        _ => {}
    }
}

/// The type a constructor call names: `Parser::new(..)`, `Parser::from(..)` -> `Parser`.
pub(crate) fn constructed_type(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Call(c) => {
            let (prev, _) = call_name(&c.func)?;
            prev.filter(|p| p.starts_with(|ch: char| ch.is_ascii_uppercase()))
        }
        Expr::Struct(s) => s.path.segments.last().map(|seg| seg.ident.to_string()),
        Expr::Reference(r) => constructed_type(&r.expr),
        // `slot.get_or_insert_with(String::new)`: a `&mut String`.
        Expr::MethodCall(m) if m.method == "get_or_insert_with" => match m.args.first() {
            Some(Expr::Path(p)) if p.path.segments.len() >= 2 => {
                let n = p.path.segments.len();
                Some(p.path.segments[n - 2].ident.to_string())
                    .filter(|t| t.starts_with(|ch: char| ch.is_ascii_uppercase()))
            }
            Some(arg) => constructed_type(arg),
            None => None,
        },
        _ => None,
    }
}

/// True when a fn's return type is visibly a `Result` (`Result<..>`, `io::Result<..>`, an alias named
/// `Result`, `anyhow::Result`).
fn returns_result_type(output: &syn::ReturnType) -> bool {
    match output {
        syn::ReturnType::Default => false,
        syn::ReturnType::Type(_, ty) => matches!(
            &**ty,
            syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident.to_string().ends_with("Result"))
        ),
    }
}

/// True when some path of a loop's `body` starts its next iteration: a `continue` that is not inside
/// a nested loop or closure, or one naming the loop's `label`.
fn continues(body: &syn::Block, label: Option<&syn::Label>) -> bool {
    struct Finder<'l> {
        label: Option<&'l syn::Lifetime>,
        nested: usize,
        found: bool,
    }
    impl<'ast> Visit<'ast> for Finder<'_> {
        fn visit_expr_continue(&mut self, c: &'ast syn::ExprContinue) {
            self.found |= match &c.label {
                None => self.nested == 0,
                Some(l) => self.label == Some(l),
            };
        }
        fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
            self.nested += 1;
            visit::visit_expr_for_loop(self, f);
            self.nested -= 1;
        }
        fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
            self.nested += 1;
            visit::visit_expr_while(self, w);
            self.nested -= 1;
        }
        fn visit_expr_loop(&mut self, l: &'ast syn::ExprLoop) {
            self.nested += 1;
            visit::visit_expr_loop(self, l);
            self.nested -= 1;
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut finder = Finder {
        label: label.map(|l| &l.name),
        nested: 0,
        found: false,
    };
    finder.visit_block(body);
    finder.found
}

/// True when a block always leaves the loop it is in: it ends in `return`, `break`, a panic, or `Err(..)?`.
pub(crate) fn leaves(block: &syn::Block) -> bool {
    block.stmts.last().is_some_and(|s| match s {
        syn::Stmt::Expr(e, _) => expr_leaves(e),
        syn::Stmt::Macro(m) => is_panic_macro(&m.mac),
        _ => false,
    })
}

fn expr_leaves(e: &Expr) -> bool {
    match e {
        Expr::Return(_) | Expr::Break(_) => true,
        Expr::Macro(m) => is_panic_macro(&m.mac),
        Expr::Try(t) => {
            matches!(&*t.expr, Expr::Call(c) if call_name(&c.func).is_some_and(|(_, l)| l == "Err"))
        }
        Expr::Block(b) => leaves(&b.block),
        _ => false,
    }
}

fn is_panic_macro(mac: &syn::Macro) -> bool {
    mac.path.segments.last().is_some_and(|s| {
        matches!(
            s.ident.to_string().as_str(),
            "panic" | "unreachable" | "todo" | "unimplemented" | "bail"
        )
    })
}

/// `x; n` in `vec![x; n]`.
pub(crate) fn parse_repeat(input: syn::parse::ParseStream<'_>) -> syn::Result<(Expr, Expr)> {
    let value: Expr = input.parse()?;
    input.parse::<Token![;]>()?;
    let size: Expr = input.parse()?;
    Ok((value, size))
}

/// True if a method named `name` appears in the receiver chain.
pub(crate) fn chain_has(expr: &Expr, name: &str) -> bool {
    let mut expr = expr;
    loop {
        match expr {
            Expr::MethodCall(m) if m.method == name => return true,
            Expr::MethodCall(m) => expr = &m.receiver,
            Expr::Paren(p) => expr = &p.expr,
            Expr::Reference(r) => expr = &r.expr,
            _ => return false,
        }
    }
}

/// The variable an expression starts from: `items.iter().enumerate()` -> `items`, `&self.x[i]` -> `self`.
pub(crate) fn root_of(expr: &Expr) -> &Expr {
    let mut expr = expr;
    loop {
        expr = match expr {
            Expr::MethodCall(m) => &m.receiver,
            Expr::Field(f) => &f.base,
            Expr::Index(i) => &i.expr,
            Expr::Reference(r) => &r.expr,
            Expr::Paren(p) => &p.expr,
            Expr::Try(t) => &t.expr,
            Expr::Unary(u) => &u.expr,
            other => return other,
        }
    }
}

/// `Err(..)`, `Err(e)`: a pattern that matches an error.
fn is_err_pattern(pat: &syn::Pat) -> bool {
    match pat {
        syn::Pat::TupleStruct(t) => t.path.segments.last().is_some_and(|s| s.ident == "Err"),
        syn::Pat::Or(o) => o.cases.iter().all(is_err_pattern),
        _ => false,
    }
}

/// A call that builds an error value: `Err(..)`, `Error::with_loc(..)`, `ParseError::new(..)`,
/// `Error::Io(..)`. A variant of another enum whose name ends in `Error` (`Directive::CompileError(..)`)
/// is a value like any other.
fn builds_error(func: &Expr) -> bool {
    let Expr::Path(p) = func else { return false };
    let segs = path_names(&p.path);
    match segs.as_slice() {
        [.., last] if last == "Err" => true,
        // `ParseError::new(..)`, `Error::Io(..)`: the path's type is an error type.
        [.., ty, _] => ty.ends_with("Error"),
        [single] => single.ends_with("Error"),
        [] => false,
    }
}

/// A method call whose arguments build an error value: `.map_err(..)`, `.ok_or(..)`, `.ok_or_else(..)`,
/// `.context(..)`, `.with_context(..)`.
fn makes_error(m: &syn::ExprMethodCall) -> bool {
    matches!(
        m.method.to_string().as_str(),
        "map_err" | "ok_or" | "ok_or_else" | "context" | "with_context"
    )
}

/// A method call that records an error: `self.add_err(..)`, `errors.push(..)`.
fn reports_error(m: &syn::ExprMethodCall) -> bool {
    let name = m.method.to_string();
    let sink = matches!(
        name.as_str(),
        "add_err" | "add_error" | "push_err" | "push_error" | "report_error" | "emit_error"
    );
    let into_errors = name == "push"
        && receiver_name(&m.receiver)
            .is_some_and(|r| r.contains("err") || r.contains("diagnostic"));
    sink || into_errors
}

impl<'ast> Visit<'ast> for Walk<'_> {
    fn visit_item(&mut self, i: &'ast syn::Item) {
        // `#[cfg(test)]` on any item (a static, a struct...) makes it test code. Fns also take `#[test]`
        // (in `enter_fn`), so their cfg is read there rather than twice.
        if matches!(i, syn::Item::Fn(_)) {
            visit::visit_item(self, i);
        } else {
            self.item(item_attrs(i), |s| visit::visit_item(s, i));
        }
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        self.path.push(m.ident.to_string());
        visit::visit_item_mod(self, m);
        self.path.pop();
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        use_renames(&u.tree, &mut self.out.defs.type_aliases);
        visit::visit_item_use(self, u);
    }

    fn visit_signature(&mut self, sig: &'ast syn::Signature) {
        if !rules::no_box_dyn_any::is_any_upcast(sig) {
            visit::visit_signature(self, sig);
            return;
        }
        for input in &sig.inputs {
            self.visit_fn_arg(input);
        }
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        let state = self.enter_fn(f.sig.ident.to_string(), &f.attrs);
        let owner = self.owner.take();
        self.signature(&f.sig, Some(&f.block));
        visit::visit_item_fn(self, f);
        self.owner = owner;
        self.leave_fn(state);
    }

    fn visit_item_struct(&mut self, s: &'ast syn::ItemStruct) {
        let owner = s.ident.to_string();
        for (i, field) in s.fields.iter().enumerate() {
            let name = field
                .ident
                .as_ref()
                .map_or_else(|| i.to_string(), ToString::to_string);
            self.out.defs.fields.push(FieldDef {
                owner: owner.to_owned(),
                name,
                ty: type_name(&field.ty),
                narrow: is_narrow_type(&field.ty),
            });
        }
        visit::visit_item_struct(self, s);
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let self_name = match &*i.self_ty {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        };
        let trait_name = i
            .trait_
            .as_ref()
            .and_then(|(_, path, _)| path.segments.last())
            .map(|s| s.ident.to_string());
        let fmt_write = i.trait_.as_ref().is_some_and(|(_, path, _)| {
            path.segments.len() >= 2
                && path.segments.iter().any(|s| s.ident == "fmt")
                && path.segments.last().is_some_and(|s| s.ident == "Write")
        });
        if let (true, Some(owner)) = (fmt_write, &self_name) {
            self.out.defs.fmt_writers.push(owner.to_owned());
        }
        if let Some(owner) = &self_name {
            for item in &i.items {
                if let syn::ImplItem::Fn(f) = item {
                    self.out.defs.impl_methods.push((
                        owner.to_owned(),
                        trait_name.to_owned(),
                        f.sig.ident.to_string(),
                    ));
                }
            }
        }
        let outer = self.owner.take();
        self.owner = self_name.to_owned().map(Owner::Type);
        let outer_trait = std::mem::replace(&mut self.impl_trait, trait_name);
        let pushed = self_name.is_some();
        if let Some(name) = self_name {
            self.path.push(name);
        }
        visit::visit_item_impl(self, i);
        if pushed {
            self.path.pop();
        }
        self.owner = outer;
        self.impl_trait = outer_trait;
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        let state = self.enter_fn(f.sig.ident.to_string(), &f.attrs);
        self.signature(&f.sig, Some(&f.block));
        visit::visit_impl_item_fn(self, f);
        self.leave_fn(state);
    }

    fn visit_item_trait(&mut self, t: &'ast syn::ItemTrait) {
        let name = t.ident.to_string();
        for item in &t.items {
            if let syn::TraitItem::Fn(f) = item {
                self.out
                    .defs
                    .trait_methods
                    .push((name.to_owned(), f.sig.ident.to_string()));
            }
        }
        let outer = self.owner.replace(Owner::Trait(name.to_owned()));
        self.path.push(name);
        visit::visit_item_trait(self, t);
        self.path.pop();
        self.owner = outer;
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        let state = self.enter_fn(f.sig.ident.to_string(), &f.attrs);
        self.signature(&f.sig, f.default.as_ref());
        visit::visit_trait_item_fn(self, f);
        self.leave_fn(state);
    }

    fn visit_item_macro(&mut self, m: &'ast syn::ItemMacro) {
        if m.mac.path.is_ident("macro_rules") {
            self.macro_rules(m);
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

    fn visit_item_const(&mut self, c: &'ast syn::ItemConst) {
        if let Expr::Lit(l) = &*c.expr
            && let syn::Lit::Int(i) = &l.lit
            && let Ok(value) = i.base10_parse::<u64>()
        {
            self.consts.insert(c.ident.to_string(), value);
        }
        visit::visit_item_const(self, c);
    }

    fn visit_item_type(&mut self, t: &'ast syn::ItemType) {
        if let Some(target) = type_name(&t.ty) {
            self.out
                .defs
                .type_aliases
                .push((t.ident.to_string(), target));
        }
        rules::no_box_dyn_any::item_type(self, t);
        visit::visit_item_type(self, t);
    }

    fn visit_type(&mut self, ty: &'ast syn::Type) {
        self.current = Some(spans::ty(ty));
        rules::written_type(self, ty);
        visit::visit_type(self, ty);
    }

    fn visit_block(&mut self, b: &'ast syn::Block) {
        self.block(b, true);
    }

    fn visit_expr_return(&mut self, r: &'ast syn::ExprReturn) {
        self.leaving(|s| visit::visit_expr_return(s, r));
    }

    fn visit_expr_break(&mut self, b: &'ast syn::ExprBreak) {
        self.leaving(|s| visit::visit_expr_break(s, b));
    }

    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        self.visit_expr(&f.expr);
        self.current = Some(self.spans.expr(&f.expr));
        rules::for_loop(self, f);
        let key = crate::lints::syntax::collection_key(&f.expr);
        self.in_loop_body(key, Some(&f.expr), |s| {
            s.declare_pattern(&f.pat, None, None, false);
            s.visit_pat(&f.pat);
            s.visit_loop_body(&f.body, f.label.as_ref());
        });
    }

    fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
        // `while let Some(x) = input.next()` pulls from `input`; `while !queue.is_empty()` drains `queue`.
        let over = match &*w.cond {
            Expr::Let(l) => &*l.expr,
            other => other,
        };
        self.in_loop_body(None, Some(over), |s| {
            s.visit_expr(&w.cond);
            s.visit_loop_body(&w.body, w.label.as_ref());
        });
    }

    fn visit_expr_loop(&mut self, l: &'ast syn::ExprLoop) {
        self.in_loop_body(None, None, |s| s.visit_loop_body(&l.body, l.label.as_ref()));
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        // A closure body is not part of the enclosing loop's iteration unless it is called there; the
        // common case (iterator adapters) is a loop of its own, which this scanner does not model.
        self.once(|s| visit::visit_expr_closure(s, c));
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        self.current = Some(self.spans.method_call(m));
        let name = m.method.to_string();
        let span = m
            .method
            .span()
            .join(m.paren_token.span.close())
            .unwrap_or_else(|| m.method.span());
        rules::method_call(self, m, &name, span);
        // What a method of `self` calls on its own fields: a type whose lookups delegate to a map.
        if let (Receiver::Field(Some(owner), field), Some(method)) =
            (self.receiver(&m.receiver), self.path.last())
            && LOOKUPS.contains(&name.as_str())
            && self.fn_depth > 0
        {
            self.out
                .defs
                .delegations
                .push((owner, method.to_owned(), field));
        }
        match self.receiver(&m.receiver) {
            Receiver::Type(t) => self.call_edge(Some(t), name, Vec::new()),
            // `self.cursor.bump()`: the field's declared type has the method.
            Receiver::Field(owner, field) => {
                self.edge(None, name, Vec::new(), Callee::Field(owner, field))
            }
            // `ctx.op_call(..)`: the receiver's type is not visible; the crate may have one method of
            // that name.
            _ => self.edge(None, name, Vec::new(), Callee::ByName),
        }
        for arg in &m.args {
            self.moved(arg);
        }
        if reports_error(m) {
            self.visit_expr(&m.receiver);
            self.once(|s| {
                for arg in &m.args {
                    s.visit_expr(arg);
                }
            });
        } else if makes_error(m) {
            // `.map_err(|e| e.to_string())`, `.ok_or_else(|| format!(..))`: the arguments build the error.
            self.visit_expr(&m.receiver);
            self.on_error_path(|s| {
                for arg in &m.args {
                    s.visit_expr(arg);
                }
            });
        } else {
            visit::visit_expr_method_call(self, m);
        }
    }

    fn visit_expr_struct(&mut self, e: &'ast syn::ExprStruct) {
        for field in &e.fields {
            self.moved(&field.expr);
        }
        visit::visit_expr_struct(self, e);
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        self.current = Some(self.spans.call(c));
        if let Some((prev, last)) = call_name(&c.func) {
            rules::call(self, c, prev.as_deref(), &last);
            let owner = match prev.as_deref() {
                Some("Self") => self.self_type().map(str::to_owned),
                Some(p) if p.starts_with(|ch: char| ch.is_ascii_uppercase()) => Some(p.to_owned()),
                _ => None,
            };
            // `f(..)` where `f` is a local or a parameter calls a closure, not a fn of the crate.
            let closure = prev.is_none() && self.local(&last).is_some();
            if !closure && let Expr::Path(p) = &*c.func {
                let module: Vec<String> = path_names(&p.path)
                    .into_iter()
                    .filter(|s| !matches!(s.as_str(), "crate" | "self" | "super"))
                    .collect();
                let module = module[..module.len().saturating_sub(1)].to_vec();
                self.call_edge(owner, last, module);
            }
        }
        for arg in &c.args {
            self.moved(arg);
        }
        // The value of an error (`Err(..)`, `ParseError::new(..)`) is built once per error, not once per
        // iteration of the loop that meets it.
        if builds_error(&c.func) {
            self.once(|s| s.on_error_path(|s| visit::visit_expr_call(s, c)));
        } else {
            visit::visit_expr_call(self, c);
        }
    }

    fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
        // `let mut w; .. w = StyledStr::new();`: the type shows at the assignment.
        if let (Some(name), Some(ty)) = (plain_ident(&a.left), constructed_type(&a.right))
            && let Some(local) = self.local_mut(&name)
            && local.type_name.is_none()
        {
            local.type_name = Some(ty);
        }
        visit::visit_expr_assign(self, a);
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        self.current = Some(spans::local(l));
        rules::local(self, l);
        // The initializer is walked before the name is in scope (`let x = x.len();`).
        visit::visit_local(self, l);
        self.declare(l);
    }

    fn visit_stmt(&mut self, s: &'ast syn::Stmt) {
        self.current = Some(self.spans.stmt(s));
        rules::stmt(self, s);
        visit::visit_stmt(self, s);
    }

    fn visit_arm(&mut self, a: &'ast syn::Arm) {
        self.current = Some(a.pat.span());
        rules::arm(self, a);
        // An `Err(..) =>` arm runs once per error met, not once per iteration.
        // `Err(t) if t == ..` dispatches on a value (rhai's type names): not an error path.
        self.locals.push(Scope {
            vars: HashMap::new(),
            loop_depth: self.loops.len(),
        });
        if is_err_pattern(&a.pat) && a.guard.is_none() {
            self.once(|s| s.on_error_path(|s| visit::visit_arm(s, a)));
        } else {
            visit::visit_arm(self, a);
        }
        self.locals.pop();
    }

    fn visit_expr_if(&mut self, i: &'ast syn::ExprIf) {
        self.current = Some(self.spans.expr(&i.cond));
        rules::expr_if(self, i);
        visit::visit_expr_if(self, i);
        if leaves(&i.then_branch) {
            self.bound_by_check(&i.cond);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lints::facts::{AnyAliases, Hit};
    use crate::lints::rules::RuleId::*;

    /// The scan of `src`, with only the hits the crate would keep without a call graph: a hot-path
    /// rule's hit counts in a loop of a declared hot path (anywhere in one for `catch_unwind`), a
    /// checklist rule's in any loop.
    fn walk(src: &str, file_hot: bool, test_file: bool, hot_fn: &dyn Fn(&str) -> bool) -> FileScan {
        let ast = syn::parse_file(src).unwrap();
        let mut scan = scan_file(
            &ast,
            src,
            vec!["krate".to_owned()],
            file_hot,
            test_file,
            hot_fn,
        );
        scan.hits.retain(|h| {
            let in_loop = h.loop_depth > 0;
            match h.rule.info().scope {
                crate::lints::rules::Scope::Everywhere => true,
                crate::lints::rules::Scope::Checklist => in_loop,
                crate::lints::rules::Scope::HotOnly => {
                    h.hot && (in_loop || h.rule == CatchUnwindInHotPath)
                }
            }
        });
        scan
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
    fn unwrap_expect_and_their_err_forms_are_hits_and_their_relatives_are_not() {
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
                // It panics when `r` is Ok, as clippy's `expect_used` says.
                (NoUnwrap, 5, 15, ".expect_err(..)"),
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
fn f() -> Vec<Box<dyn Any + Sync>> {
    Vec::new()
}
// The panic payload, whose type std dictates: not a hit.
fn payload(r: std::thread::Result<u8>) -> Option<Box<dyn Any + Send + 'static>> {
    r.err()
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
type Boxed = Box<dyn Any + Sync>;
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
                // Line 4: what a future yields is not visible, so `let _ = fut.await` is not judged.
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
                // A small literal size, never grown: an array would do.
                (
                    ConstGenerics,
                    9,
                    13,
                    "vec![x; N] never grown, moved or returned",
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
                // Line 12's loop body ends in `break`: it runs once, not once per iteration.
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
        let mut v = Vec::new();
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
        let mut v = Vec::new();
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
                (AllocInHotLoop, 3, 21, "Vec::new, grown in the loop"),
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
    fn copying_an_iterator_to_peek_is_no_cost_in_a_hot_loop_but_still_a_clone_to_justify() {
        let scan = walk(
            r#"fn lex(it: std::str::Chars<'_>, names: &[String]) {
    for n in names {
        let _c = it.clone().next();
        let _m = n.clone();
    }
}"#,
            true,
            false,
            &|_| false,
        );
        assert_hits(
            &scan.hits,
            &[
                (CloneJustified, 3, 21, ".clone()"),
                (CloneJustified, 4, 20, ".clone()"),
                (CloneInHotLoop, 4, 20, ".clone()"),
            ],
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
            for x in xs { let mut v = Vec::new(); }
        }
        fn idle(&self) {
            for x in xs { let mut v = Vec::new(); }
        }
    }
}
"#;
        let asked = std::cell::RefCell::new(Vec::new());
        let scan = walk(src, false, false, &|path| {
            asked.borrow_mut().push(path.to_owned());
            path == "krate::inner::Engine::run"
        });
        assert_hits(
            &scan.hits,
            &[(AllocInHotLoop, 4, 39, "Vec::new, grown in the loop")],
        );
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
    fn macro_rules_bodies_are_walked_as_code() {
        let scan = walk(
            r#"macro_rules! m {
    ($e:expr) => { $e.unwrap(); panic!("in a template") };
    ($($x:expr),*) => { $( let _v = $x.clone(); )* };
}
fn f() { m!(x); }
"#,
            false,
            false,
            &|_| false,
        );
        assert_hits(
            &scan.hits,
            &[
                (NoUnwrap, 2, 23, ".unwrap()"),
                (NoPanic, 2, 33, "panic!"),
                (CloneJustified, 3, 40, ".clone()"),
            ],
        );
        assert_eq!(scan.hits[0].item, "krate::m!");
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

    use crate::lints::facts::Hit;

    fn hits(src: &str) -> Vec<Hit> {
        let ast = syn::parse_file(src).unwrap();
        scan_file(&ast, src, vec!["krate".to_owned()], false, false, &|_| {
            false
        })
        .hits
    }

    #[test]
    fn a_hit_in_a_macro_argument_keeps_its_own_code() {
        // Each macro's arguments are parsed, walked and dropped: the next ones may reuse their
        // addresses, which must not bring back a dropped node's span.
        let src: String = (0..200)
            .map(|i| {
                format!("fn f{i}() {{ m!(v{i}.w{i}(x).unwrap()); m!(s{i}.get(1).unwrap()); }}\n")
            })
            .collect();
        let hits = hits(&src);
        assert_eq!(hits.len(), 400);
        for (i, pair) in hits.chunks(2).enumerate() {
            assert_eq!(pair[0].code, format!("v{i}.w{i}(x).unwrap()"));
            assert_eq!(pair[1].code, format!("s{i}.get(1).unwrap()"));
        }
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
