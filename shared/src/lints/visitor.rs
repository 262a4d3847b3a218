//! The syntax walk: one pass over a parsed file that records every place a rule matches ([`Hit`]), and
//! what the file defines ([`Defs`]) so that the whole crate can judge the hits that depend on it.
//!
//! Macro invocations are token streams to syn; where their tokens parse as expressions (`format!(..)`,
//! `vec![x; n]`, `assert!(..)`, `write!(..)`) those expressions are walked too, so `format!("{}", x.unwrap())`
//! is seen. `macro_rules!` bodies are not expanded, and code produced by other macros is not seen.
//!
//! What the walk resolves, and what it does not: it reads syntax, not types. A method call is the std
//! method a rule means unless the crate's own items say otherwise: a receiver that is `self` inside an
//! impl or trait, a local whose type is written (`let p: Parser`, `let p = Parser::new()`), or a field
//! of `self` whose type the crate declares, resolves to that type, and a method of the same name defined
//! on it in the crate is not std's. A receiver whose type is not visible is "unsure": such a hit is
//! reported, but never as CRITICAL, when the crate defines a method of that name anywhere.

use std::collections::{HashMap, HashSet};

use proc_macro2::Span;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Token};

use crate::lints::advice::{
    LOOKUPS, MAX_ARRAY_LEN, MAY_ALLOCATE, builds_string, deep_copy_of, fixed_len, is_empty_str,
    is_rc, is_slice_ref, is_string_keyed, only_array_uses,
};
use crate::lints::rules::RuleId;
use crate::lints::spans::{self, Spans};
use crate::lints::syntax::{
    Bound, Holds, arithmetic_parts, bound_of, boxed, call_name, cannot_be_str, closure_logs,
    collect_idents, collection_key, holds_expr, holds_type, is_dyn_any, is_narrow_type,
    is_panic_payload, mentions, plain_ident, receiver_name, single_ident,
};
use crate::source::Place;
use crate::source::attrs::{is_cfg_test, is_test_fn, item_attrs};

/// One place a rule matches, before suppression and severity.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
    /// What the crate must (not) define for this to be a finding; `None`: it is one.
    pub condition: Option<Condition>,
}

/// What a hit depends on that only the whole crate can tell.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Condition {
    /// Not a finding when the crate defines a method `name` that the receiver can be.
    NotCrateMethod {
        /// The method.
        name: String,
        /// What the receiver is, as far as the syntax shows.
        receiver: Receiver,
    },
    /// A finding only when the call returns a `Result`: a crate function of this name that does, or
    /// (when the crate defines none) a call std is known to make fallible.
    ReturnsResult {
        /// The function or method.
        name: String,
        /// For a method: its receiver.
        receiver: Option<Receiver>,
    },
    /// `write!` into `target`: not a finding into a `String` or a crate type that implements
    /// `fmt::Write` (they cannot fail); a finding into a type the crate does not make a `fmt::Write`;
    /// unsure when the target's type is not visible.
    WriteCanFail {
        /// The writer.
        target: Receiver,
    },
    /// Not a finding when every field of this name in the crate is a narrow integer (`u8`, `u16`...).
    NotNarrowField {
        /// The field.
        field: String,
    },
    /// A finding only in a crate that interns strings (the configured interner type, or a type named
    /// `*Interner` or with an `intern` method).
    CrateInterns,
}

/// A method call's receiver, as far as the syntax shows.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Receiver {
    /// A value of this type (its last path segment): `self` in its impl, a local with a written type.
    Type(String),
    /// `self` inside this trait's default method.
    Trait(String),
    /// `self.field`: the field's declared type decides.
    Field(String),
    /// Anything else.
    Unknown,
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
    // Inside a string literal the text is kept as written.
    let (mut in_str, mut escaped) = (false, false);
    for c in source.chars() {
        if in_str {
            out.push(c);
            match (escaped, c) {
                (false, '\\') => escaped = true,
                (false, '"') => in_str = false,
                _ => escaped = false,
            }
            continue;
        }
        if c.is_whitespace() {
            gap = true;
            continue;
        }
        in_str = c == '"';
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
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AnyAliases {
    /// Aliases of `dyn Any`: `Box<Alias>` is a finding.
    pub dyn_any: Vec<String>,
    /// Aliases of `Box<dyn Any>`: every use is a finding.
    pub box_any: Vec<String>,
}

/// What a file defines that the crate-wide judgement of hits needs.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Defs {
    /// Methods of impl blocks: (self type, trait implemented or `None` for an inherent impl, method).
    pub impl_methods: Vec<(String, Option<String>, String)>,
    /// Methods declared by trait definitions: (trait, method).
    pub trait_methods: Vec<(String, String)>,
    /// Functions and methods: (owner type for a method, name, returns a `Result`, takes `self`).
    pub fns: Vec<(Option<String>, String, bool, bool)>,
    /// Struct fields: (name, its type's last path segment, a narrow integer type).
    pub fields: Vec<(String, Option<String>, bool)>,
    /// Types with an `impl fmt::Write` (written with its `fmt` path): writing into them cannot fail.
    pub fmt_writers: Vec<String>,
}

/// A type written as a single identifier, to check against the crate's aliases afterwards.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct FileScan {
    /// Rule matches.
    pub hits: Vec<Hit>,
    /// Aliases defined here.
    pub aliases: AnyAliases,
    /// Single-identifier types, resolved against the crate's aliases later.
    pub ident_types: Vec<IdentType>,
    /// Items defined here, for judging conditional hits.
    pub defs: Defs,
}

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
    let mut v = Scanner {
        write_import: imported_write(ast),
        text,
        current: None,
        spans: Spans::default(),
        path: module_fn_prefix,
        file_hot,
        hot_fn,
        hot_fn_depth: 0,
        test_depth: usize::from(test_file),
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
struct Local {
    holds: Option<Holds>,
    /// Its type's last path segment, when written or constructed (`Parser::new()`).
    type_name: Option<String>,
    /// Assigned a value with a visible bound (`let len = buf.len();`), or checked against one before
    /// (`if n > buf.len() { return .. }`).
    bounded: bool,
    /// A parameter of the enclosing fn: its value is the caller's choice.
    param: bool,
    /// A parameter, or made from one (`let queue = items.to_vec();`): its size is the caller's input.
    from_input: bool,
    /// The locals its value is a sum or product of (`let size = w * h;`): bounded when it is.
    parts: Vec<String>,
    /// A collection keyed by owned strings (`HashMap<String, V>`).
    string_keyed: bool,
    /// An `Rc` or `Arc`.
    rc: bool,
    /// A `&[T]` parameter.
    slice: bool,
    /// Collected from a hash map or set (`let v: Vec<_> = map.keys().collect();`): in no order.
    from_hashed: bool,
}

/// What a fn allocates: on its success path at all, and where on its error paths.
#[derive(Debug, Default)]
struct FnAllocs {
    success: bool,
    error_hits: Vec<Hit>,
}

/// A loop around the code being scanned.
#[derive(Debug)]
struct Loop {
    /// The collection it iterates (None when not a plain collection).
    key: Option<String>,
    /// It iterates over (or pulls from) a parameter of the fn: its length is the caller's input.
    over_input: bool,
}

/// The locals of one block, and how many loops enclose it.
#[derive(Debug, Default)]
struct Scope {
    vars: HashMap<String, Local>,
    loop_depth: usize,
}

/// Whose methods `self` has: the impl's type, or the trait being defined.
#[derive(Clone, Debug)]
enum Owner {
    Type(String),
    Trait(String),
}

struct Scanner<'a> {
    /// What a bare `Write` means in this file.
    write_import: Option<&'static str>,
    /// The file's text, for the code a hit matched.
    text: &'a str,
    /// The span of the innermost node being matched, whose source text identifies a hit.
    current: Option<Span>,
    /// Spans found without printing the nodes (linear in a chain).
    spans: Spans,
    path: Vec<String>,
    file_hot: bool,
    hot_fn: &'a dyn Fn(&str) -> bool,
    hot_fn_depth: usize,
    test_depth: usize,
    /// Collections iterated by the enclosing loops (None when not a plain collection). Emptied (and
    /// restored after) where code runs at most once per call although it is written in a loop: a
    /// closure body, a path that leaves the loop (`return`, `break`).
    loops: Vec<Loop>,
    locals: Vec<Scope>,
    owner: Option<Owner>,
    /// The trait of the enclosing impl (`From` in `impl From<&A> for A`).
    impl_trait: Option<String>,
    /// Where `.clone()`s start that only copy an iterator to peek at it (`it.clone().next()`).
    peeking_clones: HashSet<(usize, usize)>,
    /// How many error values or error branches enclose the code (`Err(..)`, `.map_err(..)`, `Err(e) =>`).
    error_path: usize,
    /// `let mut` buffers made in a hot loop, by name, with where their `alloc-in-hot-loop` hit is (a name
    /// reused in another scope may silence one: the lean is to silence).
    buffers: HashMap<String, (u32, u32)>,
    /// Hits of `let mut` loop buffers that are moved out as a value: output, not scratch.
    moved_buffers: HashSet<(u32, u32)>,
    /// The file's integer constants with a literal value (`const N: usize = 16;`), seen so far.
    consts: HashMap<String, u64>,
    /// Allocations of the enclosing fns, innermost last.
    fn_allocs: Vec<FnAllocs>,
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
        self.hit_if(rule, span, what, None);
    }

    fn hit_if(
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
            test: self.test_depth > 0,
            condition,
        });
    }

    fn local(&self, name: &str) -> Option<(&Local, usize)> {
        self.locals
            .iter()
            .rev()
            .find_map(|scope| scope.vars.get(name).map(|l| (l, scope.loop_depth)))
    }

    /// What a receiver expression is: `self` of the impl or trait, a local of a written type, a field
    /// of `self`.
    fn receiver(&self, expr: &Expr) -> Receiver {
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
                (Expr::Path(p), syn::Member::Named(n)) if p.path.is_ident("self") => {
                    Receiver::Field(n.to_string())
                }
                _ => Receiver::Unknown,
            },
            _ => Receiver::Unknown,
        }
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
        self.locals.push(Scope::default());
        self.fn_allocs.push(FnAllocs::default());
        (hot, test)
    }

    fn leave_fn(&mut self, (hot, test): (bool, bool)) {
        self.path.pop();
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

    /// Records a fn's signature (name, owner, whether it returns a `Result`) and its typed parameters.
    fn signature(&mut self, sig: &syn::Signature) {
        let owner = match &self.owner {
            Some(Owner::Type(t)) => Some(t.to_owned()),
            _ => None,
        };
        self.out.defs.fns.push((
            owner,
            sig.ident.to_string(),
            returns_result_type(&sig.output),
            sig.receiver().is_some(),
        ));
        for input in &sig.inputs {
            if let syn::FnArg::Typed(pt) = input
                && let syn::Pat::Ident(id) = &*pt.pat
            {
                let local = Local {
                    holds: holds_type(&pt.ty),
                    type_name: self.qualified(type_name(&pt.ty)),
                    bounded: is_narrow_type(&pt.ty),
                    param: true,
                    from_input: true,
                    parts: Vec::new(),
                    // A map handed over by value was built by the caller for this one call (starlark's
                    // docs builder): its key type is not this fn's choice.
                    string_keyed: is_string_keyed(&pt.ty)
                        && matches!(&*pt.ty, syn::Type::Reference(_)),
                    rc: is_rc(&pt.ty),
                    slice: is_slice_ref(&pt.ty),
                    from_hashed: false,
                };
                if let Some(scope) = self.locals.last_mut() {
                    scope.vars.insert(id.ident.to_string(), local);
                }
            }
        }
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
    fn once(&mut self, body: impl FnOnce(&mut Self)) {
        let loops = std::mem::take(&mut self.loops);
        body(self);
        self.loops = loops;
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
        let span = mac.path.span();
        match name.as_str() {
            // An assertion helper (`starlark::assert`, `fn assert_parses`) panics by contract, as
            // `assert!` does.
            "panic" | "todo" | "unimplemented" | "unreachable" if !self.in_assertion_helper() => {
                self.hit(RuleId::NoPanic, span, format!("{name}!"))
            }
            "format" if self.in_loop() => self.hit(RuleId::FormatInLoop, span, "format!"),
            "vec" if self.in_loop() && self.hot() => self.hit(RuleId::AllocInHotLoop, span, "vec!"),
            "anyhow" | "bail" | "format_err" | "eyre" if formats(mac) => {
                self.on_error_path(|s| s.error_alloc(span, &format!("{name}!")))
            }
            "assert_eq" | "assert" | "debug_assert_eq" | "debug_assert" => {
                self.asserted_len(mac, span)
            }
            _ => {}
        }
        if matches!(name.as_str(), "format" | "vec") {
            self.error_alloc(span, &format!("{name}!"));
        }
        if name == "vec"
            && let Ok(repeat) = mac.parse_body_with(parse_repeat)
        {
            self.bounded_alloc(&repeat.1, mac.span(), "vec![x; n]".to_owned());
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

    /// `assert_eq!(p.len(), N)` (or `assert!(p.len() == N)`) on a `&[T]` parameter: a const-generics hit.
    fn asserted_len(&mut self, mac: &syn::Macro, span: Span) {
        let Ok(args) = mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated) else {
            return;
        };
        let (len, size) = match (args.first(), args.get(1)) {
            (Some(Expr::Binary(b)), _) if matches!(b.op, syn::BinOp::Eq(_)) => {
                (&*b.left, &*b.right)
            }
            (Some(a), Some(b))
                if mac
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident.to_string().ends_with("_eq")) =>
            {
                (a, b)
            }
            _ => return,
        };
        let (len, size) = if matches!(size, Expr::MethodCall(_)) {
            (size, len)
        } else {
            (len, size)
        };
        let Expr::MethodCall(m) = len else { return };
        let consts = |n: &str| self.consts.get(n).copied();
        if m.method == "len"
            && m.args.is_empty()
            && self
                .local_of(&m.receiver)
                .is_some_and(|l| l.slice && l.param)
            && fixed_len(size, &consts).is_some()
        {
            self.hit(
                RuleId::ConstGenerics,
                span,
                "a &[T] parameter asserted to have a fixed length",
            );
        }
    }

    /// `let buf = vec![0; 64];` followed only by uses an array has: a const-generics hit at the `vec!`.
    fn fixed_vecs(&mut self, stmts: &[syn::Stmt]) {
        for (i, stmt) in stmts.iter().enumerate() {
            let syn::Stmt::Local(l) = stmt else { continue };
            let (syn::Pat::Ident(id), Some(init)) = (&l.pat, &l.init) else {
                continue;
            };
            let Expr::Macro(m) = &*init.expr else {
                continue;
            };
            if !m.mac.path.is_ident("vec") {
                continue;
            }
            let Ok((_, size)) = m.mac.parse_body_with(parse_repeat) else {
                continue;
            };
            let consts = |n: &str| self.consts.get(n).copied();
            let small = fixed_len(&size, &consts).is_some_and(|n| n <= MAX_ARRAY_LEN);
            if small && only_array_uses(&id.ident.to_string(), &stmts[i + 1..]) {
                self.current = Some(m.span());
                self.hit(
                    RuleId::ConstGenerics,
                    m.mac.path.span(),
                    "vec![x; N] never grown, moved or returned",
                );
            }
        }
    }

    /// A bounded-alloc hit for a size with no visible bound (or one that only a narrow field bounds).
    fn bounded_alloc(&mut self, size: &Expr, span: Span, what: String) {
        if self.size_chosen_by_caller(size) {
            return;
        }
        let bounded_local = |name: &str| self.local(name).is_some_and(|(l, _)| l.bounded);
        match bound_of(size, &bounded_local) {
            Bound::Visible => {}
            Bound::Field(field) => self.hit_if(
                RuleId::BoundedAlloc,
                span,
                what,
                Some(Condition::NotNarrowField { field }),
            ),
            Bound::None => self.hit(RuleId::BoundedAlloc, span, what),
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

    /// The local `expr` names, if it is one.
    fn local_of(&self, expr: &Expr) -> Option<&Local> {
        plain_ident(expr).and_then(|n| self.local(&n).map(|(l, _)| l))
    }

    /// An `error-path-alloc` hit when the code is on an error path.
    /// Records an allocation: an `error-path-alloc` hit when on an error path (kept only if the fn's
    /// success path allocates nothing), else a mark that the success path allocates.
    fn error_alloc(&mut self, span: Span, what: &str) {
        if self.error_path == 0 {
            if let Some(f) = self.fn_allocs.last_mut() {
                f.success = true;
            }
            return;
        }
        self.hit(RuleId::ErrorPathAlloc, span, what);
        if let Some(f) = self.fn_allocs.last_mut()
            && let Some(hit) = self.out.hits.pop()
        {
            f.error_hits.push(hit);
        }
    }

    /// Marks that the success path may allocate (a call we cannot see into): the fn's error-path hits are
    /// then dropped, since its error path may not allocate more.
    fn success_may_allocate(&mut self) {
        if self.error_path == 0
            && let Some(f) = self.fn_allocs.last_mut()
        {
            f.success = true;
        }
    }

    /// In a module named `assert` or a fn whose name starts with `assert`: code that exists to panic; or in
    /// `Index::index` / `IndexMut::index_mut`, whose contract is to panic on a bad index (no Result to return).
    fn in_assertion_helper(&self) -> bool {
        let indexing = matches!(
            (
                self.impl_trait.as_deref(),
                self.path.last().map(String::as_str)
            ),
            (Some("Index"), Some("index")) | (Some("IndexMut"), Some("index_mut"))
        );
        indexing
            || self
                .path
                .iter()
                .any(|p| p == "assert" || p == "asserts" || p.starts_with("assert_"))
    }

    /// Notes that `expr`, when it names a loop buffer, is moved out as a value.
    fn moved(&mut self, expr: &Expr) {
        if let Some(at) = plain_ident(expr).and_then(|name| self.buffers.get(&name)) {
            self.moved_buffers.insert(*at);
        }
    }

    /// Runs `body` as code on an error path.
    fn on_error_path(&mut self, body: impl FnOnce(&mut Self)) {
        self.error_path += 1;
        body(self);
        self.error_path -= 1;
    }

    /// The advice rules' checks of a method call: lookups by a fresh or owned string, sorting what a
    /// hash collection held, allocations on an error path.
    fn advice_method(&mut self, m: &syn::ExprMethodCall, name: &str, span: Span) {
        if LOOKUPS.contains(&name) {
            let fresh_key = m.args.first().is_some_and(builds_string);
            let string_keyed = self.local_of(&m.receiver).is_some_and(|l| l.string_keyed);
            if fresh_key {
                self.hit_if(
                    RuleId::StringInterning,
                    span,
                    format!(".{name}(..) with a String built for the lookup"),
                    Some(Condition::CrateInterns),
                );
            } else if string_keyed {
                self.hit_if(
                    RuleId::StringInterning,
                    span,
                    format!(".{name}(..) on a collection keyed by String"),
                    Some(Condition::CrateInterns),
                );
            }
        }
        if name.starts_with("sort") && self.local_of(&m.receiver).is_some_and(|l| l.from_hashed) {
            self.hit(
                RuleId::CollectionTypes,
                span,
                format!(".{name}() of what a hash map or set held"),
            );
        }
        if m.args.is_empty()
            && matches!(name, "to_string" | "to_owned" | "to_vec" | "collect")
            && !is_empty_str(&m.receiver)
        {
            self.error_alloc(span, &format!(".{name}()"));
        } else if MAY_ALLOCATE.contains(&name) {
            self.success_may_allocate();
        }
    }

    /// True when `expr` starts from a parameter of the enclosing fn or a local made from one
    /// (`items.iter().enumerate()`, `!queue.is_empty()`).
    fn is_input(&self, expr: &Expr) -> bool {
        plain_ident(root_of(expr))
            .is_some_and(|n| self.local(&n).is_some_and(|(l, _)| l.from_input))
    }

    /// True when `expr` is a parameter of the enclosing fn (`buf`, `&mut buf`).
    fn is_param(&self, expr: &Expr) -> bool {
        plain_ident(expr).is_some_and(|n| self.local(&n).is_some_and(|(l, _)| l.param))
    }

    /// A size that the fn only passes on from its caller, where the caller is the place to judge it: a
    /// capacity wrapper's parameter (`fn with_capacity(n: usize) -> Self { Self(Vec::with_capacity(n)) }`),
    /// and serde's `len` arguments (a tuple's arity, the length of a sequence already in memory).
    fn size_chosen_by_caller(&self, size: &Expr) -> bool {
        const SERDE_SIZED: [&str; 11] = [
            "serialize_seq",
            "serialize_tuple",
            "serialize_tuple_struct",
            "serialize_tuple_variant",
            "serialize_map",
            "serialize_struct",
            "serialize_struct_variant",
            "tuple_variant",
            "deserialize_tuple",
            "deserialize_tuple_struct",
            "tuple",
        ];
        let fn_name = self.path.last().map(String::as_str).unwrap_or_default();
        // `n` or `n as usize`: the parameter itself, not something computed from it.
        let param = |e: &Expr| match e {
            Expr::Cast(c) => self.is_param(&c.expr),
            e => self.is_param(e),
        };
        // A constructor sized by its parameter (`fn new(local_count: u32) -> Self { .. vec![false;
        // local_count as usize] .. }`) is a capacity wrapper under another name.
        let wrapper = fn_name.contains("capacity")
            || fn_name.contains("reserve")
            || fn_name == "new"
            || fn_name.starts_with("with_");
        (wrapper && param(size)) || (SERDE_SIZED.contains(&fn_name) && mentions(size, "len"))
    }

    /// Marks what a check that leaves the fn bounds: after `if n > buf.len() { return .. }` (or
    /// `!=`, `<`, ...: any comparison with a length), `n` and the locals it is made of are bounded.
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
                    let local = self
                        .locals
                        .iter_mut()
                        .rev()
                        .find_map(|scope| scope.vars.get_mut(&name));
                    if let Some(local) = local
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

    fn method_call(&mut self, m: &syn::ExprMethodCall) {
        self.current = Some(self.spans.method_call(m));
        let name = m.method.to_string();
        let argc = m.args.len();
        let span = m
            .method
            .span()
            .join(m.paren_token.span.close())
            .unwrap_or_else(|| m.method.span());
        let in_loop = self.in_loop();
        let hot = self.hot();
        let not_crate_method = |s: &Self| {
            Some(Condition::NotCrateMethod {
                name: name.to_owned(),
                receiver: s.receiver(&m.receiver),
            })
        };
        match (name.as_str(), argc) {
            ("unwrap" | "unwrap_err", 0) => {
                let c = not_crate_method(self);
                self.hit_if(RuleId::NoUnwrap, span, format!(".{name}()"), c)
            }
            // std's `expect` takes a `&str`: another argument means the crate's own `expect`.
            ("expect" | "expect_err", 1) if !cannot_be_str(&m.args[0]) => {
                let c = not_crate_method(self);
                self.hit_if(RuleId::NoUnwrap, span, format!(".{name}(..)"), c)
            }
            ("clone", 0) => {
                let start = m.method.span().start();
                let peeking = self.peeking_clones.contains(&(start.line, start.column));
                let c = not_crate_method(self);
                // `impl From<&A> for A { fn from(a: &A) -> A { a.clone() } }`: the clone is the conversion;
                // `impl Clone for A { fn clone(&self) -> A { A { x: self.x.clone() } } }`: it is the copy.
                let conversion = matches!(
                    (
                        self.impl_trait.as_deref(),
                        self.path.last().map(String::as_str)
                    ),
                    (Some("From"), Some("from")) | (Some("Clone"), Some("clone"))
                );
                if !conversion {
                    self.hit_if(RuleId::CloneJustified, span, ".clone()", c.to_owned());
                }
                if in_loop && hot && !peeking {
                    self.hit_if(RuleId::CloneInHotLoop, span, ".clone()", c);
                }
            }
            ("next" | "peek" | "nth" | "next_back" | "as_str", _) => {
                // `chars.clone().next()`: copying an iterator to look ahead allocates nothing (not a
                // cost in a hot loop; the clone gate still asks for its comment).
                if let Expr::MethodCall(inner) = &*m.receiver
                    && inner.method == "clone"
                    && inner.args.is_empty()
                {
                    let start = inner.method.span().start();
                    self.peeking_clones.insert((start.line, start.column));
                }
            }
            ("unwrap_or_default", 0) => {
                if let Some(condition) = self.result_condition(&m.receiver) {
                    self.hit_if(
                        RuleId::NoSilentFailure,
                        span,
                        ".unwrap_or_default() on a Result",
                        Some(condition),
                    )
                }
            }
            ("reserve" | "reserve_exact", 1) => {
                self.bounded_alloc(&m.args[0], span, format!(".{name}(n)"))
            }
            // `fn read_to_end(&mut self, buf: &mut Vec<u8>)` passing its own `buf` on: the caller's read.
            ("read_to_end", 1) if !chain_has(&m.receiver, "take") && !self.is_param(&m.args[0]) => {
                self.hit(
                    RuleId::BoundedAlloc,
                    span,
                    ".read_to_end(..) on an unbounded reader",
                )
            }
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
        self.advice_method(m, &name, span);
    }

    /// The condition under which `call` returns a `Result`, if it is a call at all.
    fn result_condition(&self, call: &Expr) -> Option<Condition> {
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

    /// True when the enclosing loops' work grows with input the caller controls: a loop iterates over a
    /// parameter of the fn, or the code is on a hot path. A loop over the crate's own configuration
    /// (`self.groups`, a worklist seeded with one item) is quadratic in sizes its author chose.
    fn input_sized(&self) -> bool {
        self.hot() || self.loops.iter().any(|l| l.over_input)
    }

    fn loop_method(&mut self, m: &syn::ExprMethodCall, name: &str, span: Span) {
        let input_sized = self.input_sized();
        let receiver = receiver_name(&m.receiver);
        let local = receiver.as_deref().and_then(|r| self.local(r));
        let holds = local.and_then(|(l, _)| l.holds);
        // A collection made fresh in each iteration stays as small as one iteration makes it.
        let fresh = local.is_some_and(|(_, depth)| depth >= self.loops.len() && depth > 0);
        let first_is_zero = m.args.first().is_some_and(|a| matches!(a, Expr::Lit(l) if matches!(&l.lit, syn::Lit::Int(i) if i.base10_digits() == "0")));
        let grows = input_sized && !fresh && matches!(holds, Some(Holds::Vec | Holds::Deque));
        let shifts = input_sized && !fresh && holds == Some(Holds::Vec);
        let condition = Some(Condition::NotCrateMethod {
            name: name.to_owned(),
            receiver: self.receiver(&m.receiver),
        });
        match name {
            "contains" if grows && m.args.len() == 1 => self.hit_if(
                RuleId::Quadratic,
                span,
                ".contains(..) on a Vec in a loop",
                condition,
            ),
            "position"
                if input_sized
                    && chain_has(&m.receiver, "iter")
                    && iter_of_growing(&m.receiver, self) =>
            {
                self.hit(RuleId::Quadratic, span, ".iter().position(..) in a loop")
            }
            "remove" if m.args.len() == 1 && first_is_zero && shifts => {
                self.hit(RuleId::Quadratic, span, ".remove(0) in a loop")
            }
            "insert" if m.args.len() == 2 && first_is_zero && shifts => {
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
        self.current = Some(self.spans.call(c));
        let Some((prev, last)) = call_name(&c.func) else {
            return;
        };
        let span = c.func.span();
        match (prev.as_deref(), last.as_str()) {
            (Some(ty @ ("Vec" | "String" | "VecDeque")), "with_capacity") => {
                if let Some(size) = c.args.first() {
                    self.bounded_alloc(size, span, format!("{ty}::with_capacity(n)"))
                }
            }
            (Some("String"), "from") if self.in_loop() => {
                self.hit(RuleId::FormatInLoop, span, "String::from")
            }
            // `Vec::new()` allocates nothing until it grows: see `declare` for a `let mut` one.
            (Some("Box"), "new") if self.in_loop() && self.hot() => {
                self.hit(RuleId::AllocInHotLoop, span, "Box::new")
            }
            (_, "catch_unwind") if self.hot() => {
                self.hit(RuleId::CatchUnwindInHotPath, span, "catch_unwind")
            }
            (Some(rc @ ("Rc" | "Arc")), "clone") if self.in_loop() && self.hot() => {
                self.hit(RuleId::CloneInHotLoop, span, format!("{rc}::clone"))
            }
            _ => {}
        }
        let allocates = matches!(
            (prev.as_deref(), last.as_str()),
            (Some("String"), "from")
                | (Some("Box" | "Rc" | "Arc"), "new")
                | (Some("Vec" | "String"), "with_capacity")
        );
        if allocates {
            self.error_alloc(
                span,
                &format!("{}::{last}", prev.as_deref().unwrap_or_default()),
            );
        } else if prev.is_some() && MAY_ALLOCATE.contains(&last.as_str()) {
            self.success_may_allocate();
        }
    }

    /// Records a local's declaration: what it holds, its type, whether its value is bounded.
    fn declare(&mut self, l: &syn::Local) {
        let (name, ty) = match &l.pat {
            syn::Pat::Ident(id) => (Some(id.ident.to_string()), None),
            syn::Pat::Type(pt) => match &*pt.pat {
                syn::Pat::Ident(id) => (Some(id.ident.to_string()), Some(&*pt.ty)),
                _ => (None, None),
            },
            _ => (None, None),
        };
        let Some(name) = name else { return };
        let init = l.init.as_ref().map(|i| &*i.expr);
        let bounded_local = |n: &str| self.local(n).is_some_and(|(l, _)| l.bounded);
        let local = Local {
            holds: ty
                .and_then(holds_type)
                .or_else(|| init.and_then(holds_expr)),
            type_name: self
                .qualified(ty.and_then(type_name))
                .or_else(|| init.and_then(constructed_type)),
            bounded: ty.is_some_and(is_narrow_type)
                || init.is_some_and(|e| bound_of(e, &bounded_local) == Bound::Visible),
            param: false,
            from_input: init.is_some_and(|e| self.is_input(e)),
            parts: init.map(arithmetic_parts).unwrap_or_default(),
            string_keyed: ty.is_some_and(is_string_keyed),
            rc: ty.is_some_and(is_rc)
                || init
                    .is_some_and(|e| constructed_type(e).is_some_and(|t| t == "Rc" || t == "Arc")),
            slice: false,
            from_hashed: init.is_some_and(|e| self.collected_from_hashed(e)),
        };
        let mutable = match &l.pat {
            syn::Pat::Ident(id) => id.mutability.is_some(),
            syn::Pat::Type(pt) => {
                matches!(&*pt.pat, syn::Pat::Ident(id) if id.mutability.is_some())
            }
            _ => false,
        };
        // `let mut v = Vec::new();` in a hot loop: a buffer made to grow, once per iteration.
        if mutable
            && self.in_loop()
            && self.hot()
            && let Some(Expr::Call(c)) = init
            && let Some((Some(ty), last)) = call_name(&c.func)
            && matches!(ty.as_str(), "Vec" | "String")
            && last == "new"
        {
            self.current = Some(self.spans.call(c));
            self.hit(
                RuleId::AllocInHotLoop,
                c.func.span(),
                format!("{ty}::new, grown in the loop"),
            );
            if let Some(hit) = self.out.hits.last() {
                self.buffers.insert(name.to_owned(), (hit.line, hit.column));
            }
        }
        if mutable
            && let Some(rc) = init.and_then(deep_copy_of)
            && self.local_of(rc).is_some_and(|l| l.rc)
            && let Some(init) = init
        {
            self.current = Some(self.spans.expr(init));
            self.hit(
                RuleId::RcCopyOnWrite,
                init.span(),
                "a deep copy of an Rc's contents, to change",
            );
        }
        if let Some(scope) = self.locals.last_mut() {
            scope.vars.insert(name, local);
        }
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
}

/// True when `.iter()` in the receiver chain is called on a local `Vec` that is not made fresh in the
/// current iteration (`v.iter().position(..)`).
fn iter_of_growing(expr: &Expr, s: &Scanner<'_>) -> bool {
    match expr {
        Expr::MethodCall(m) if m.method == "iter" => receiver_name(&m.receiver)
            .and_then(|r| s.local(&r))
            .is_some_and(|(l, depth)| {
                matches!(l.holds, Some(Holds::Vec | Holds::Deque))
                    && !(depth >= s.loops.len() && depth > 0)
            }),
        Expr::MethodCall(m) => iter_of_growing(&m.receiver, s),
        _ => false,
    }
}

/// The last path segment of a written type (`Parser`, `Vec`), without references.
fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Reference(r) => type_name(&r.elem),
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
            let segs: Vec<String> = t
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
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

/// The type a constructor call names: `Parser::new(..)`, `Parser::from(..)` -> `Parser`.
fn constructed_type(expr: &Expr) -> Option<String> {
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

/// True when a block always leaves the loop it is in: it ends in `return`, `break`, a panic, or `Err(..)?`.
fn leaves(block: &syn::Block) -> bool {
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

fn parse_repeat(input: syn::parse::ParseStream<'_>) -> syn::Result<(Expr, Expr)> {
    let value: Expr = input.parse()?;
    input.parse::<Token![;]>()?;
    let size: Expr = input.parse()?;
    Ok((value, size))
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

/// True when the receiver chain handles the error before `.ok()` drops it: a `map_err` or `inspect_err`
/// whose closure logs it.
fn logs_error(expr: &Expr) -> bool {
    match expr {
        Expr::MethodCall(m) => {
            (matches!(m.method.to_string().as_str(), "map_err" | "inspect_err")
                && m.args.first().is_some_and(closure_logs))
                || logs_error(&m.receiver)
        }
        Expr::Paren(p) => logs_error(&p.expr),
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
/// The variable an expression starts from: `items.iter().enumerate()` -> `items`, `&self.x[i]` -> `self`.
fn root_of(expr: &Expr) -> &Expr {
    match expr {
        Expr::MethodCall(m) => root_of(&m.receiver),
        Expr::Field(f) => root_of(&f.base),
        Expr::Index(i) => root_of(&i.expr),
        Expr::Reference(r) => root_of(&r.expr),
        Expr::Paren(p) => root_of(&p.expr),
        Expr::Try(t) => root_of(&t.expr),
        Expr::Unary(u) => root_of(&u.expr),
        other => other,
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
/// `Token::Error(..)`.
fn builds_error(func: &Expr) -> bool {
    let Expr::Path(p) = func else { return false };
    p.path.segments.iter().any(|s| {
        let name = s.ident.to_string();
        name == "Err" || name.ends_with("Error")
    })
}

/// A method call whose arguments build an error value: `.map_err(..)`, `.ok_or(..)`, `.ok_or_else(..)`,
/// `.context(..)`, `.with_context(..)`.
fn makes_error(m: &syn::ExprMethodCall) -> bool {
    matches!(
        m.method.to_string().as_str(),
        "map_err" | "ok_or" | "ok_or_else" | "context" | "with_context"
    )
}

/// `anyhow!("bad {x}")`, `bail!("{}", e)`: a macro call that formats (a `{` in its literal or more
/// than one argument); `anyhow!(e)` wraps an error without formatting.
fn formats(mac: &syn::Macro) -> bool {
    let args = mac
        .parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
        .map(|a| a.into_iter().collect::<Vec<_>>())
        .unwrap_or_default();
    args.len() > 1
        || matches!(args.first(), Some(Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. })) if s.value().contains('{'))
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

    fn visit_signature(&mut self, sig: &'ast syn::Signature) {
        // `fn as_boxed_any(self: Box<Self>) -> Box<dyn Any>`: the upcast that makes a trait object
        // downcastable (rhai's Variant) returns `Box<dyn Any>` by definition.
        let upcast = sig.receiver().is_some_and(|r| boxed(&r.ty).is_some())
            && matches!(&sig.output, syn::ReturnType::Type(_, ty) if boxed(ty).is_some_and(is_dyn_any));
        if upcast {
            for input in &sig.inputs {
                self.visit_fn_arg(input);
            }
        } else {
            visit::visit_signature(self, sig);
        }
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        let state = self.enter_fn(f.sig.ident.to_string(), &f.attrs);
        let owner = self.owner.take();
        self.signature(&f.sig);
        visit::visit_item_fn(self, f);
        self.owner = owner;
        self.leave_fn(state);
    }

    fn visit_item_struct(&mut self, s: &'ast syn::ItemStruct) {
        for field in &s.fields {
            if let Some(name) = &field.ident {
                self.out.defs.fields.push((
                    name.to_string(),
                    type_name(&field.ty),
                    is_narrow_type(&field.ty),
                ));
            }
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
        self.signature(&f.sig);
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
        self.signature(&f.sig);
        visit::visit_trait_item_fn(self, f);
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
        if is_dyn_any(&t.ty) {
            self.out.aliases.dyn_any.push(t.ident.to_string());
        } else if boxed(&t.ty).is_some_and(|inner| is_dyn_any(inner) && !is_panic_payload(inner)) {
            self.out.aliases.box_any.push(t.ident.to_string());
        }
        visit::visit_item_type(self, t);
    }

    fn visit_type(&mut self, ty: &'ast syn::Type) {
        self.current = Some(spans::ty(ty));
        if let Some(inner) = boxed(ty) {
            if is_dyn_any(inner) && !is_panic_payload(inner) {
                self.hit(RuleId::NoBoxDynAny, ty.span(), "Box<dyn Any>");
            } else if let Some(name) = single_ident(inner) {
                self.ident_type(name, true, ty.span());
            }
        } else if let Some(name) = single_ident(ty) {
            self.ident_type(name, false, ty.span());
        }
        visit::visit_type(self, ty);
    }

    fn visit_block(&mut self, b: &'ast syn::Block) {
        self.fixed_vecs(&b.stmts);
        // A block in a loop that always leaves it (`{ let m = format!(..); return Err(m) }`) runs at
        // most once per call.
        if self.in_loop() && leaves(b) {
            self.once(|s| visit::visit_block(s, b));
        } else {
            visit::visit_block(self, b);
        }
    }

    fn visit_expr_return(&mut self, r: &'ast syn::ExprReturn) {
        self.once(|s| visit::visit_expr_return(s, r));
    }

    fn visit_expr_break(&mut self, b: &'ast syn::ExprBreak) {
        self.once(|s| visit::visit_expr_break(s, b));
    }

    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        self.visit_expr(&f.expr);
        self.current = Some(self.spans.expr(&f.expr));
        let key = collection_key(&f.expr);
        if let Some(k) = &key
            && self.loops.iter().any(|outer| outer.key.as_ref() == Some(k))
            && self.input_sized()
        {
            self.hit(
                RuleId::Quadratic,
                f.expr.span(),
                format!("nested loops over `{k}`"),
            );
        }
        self.in_loop_body(key, Some(&f.expr), |s| {
            s.visit_pat(&f.pat);
            s.visit_block(&f.body);
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
            s.visit_block(&w.body);
        });
    }

    fn visit_expr_loop(&mut self, l: &'ast syn::ExprLoop) {
        self.in_loop_body(None, None, |s| s.visit_block(&l.body));
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        // A closure body is not part of the enclosing loop's iteration unless it is called there; the
        // common case (iterator adapters) is a loop of its own, which this scanner does not model.
        self.once(|s| visit::visit_expr_closure(s, c));
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        self.method_call(m);
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
        self.call(c);
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
            && let Some(local) = self
                .locals
                .iter_mut()
                .rev()
                .find_map(|scope| scope.vars.get_mut(&name))
            && local.type_name.is_none()
        {
            local.type_name = Some(ty);
        }
        visit::visit_expr_assign(self, a);
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        self.current = Some(spans::local(l));
        if let Some(init) = &l.init
            && matches!(&l.pat, syn::Pat::Wild(_))
        {
            let condition = match &*init.expr {
                Expr::Macro(m)
                    if m.mac
                        .path
                        .segments
                        .last()
                        .is_some_and(|s| s.ident == "write" || s.ident == "writeln") =>
                {
                    // Writing into a `String` (any `fmt::Write` of the crate) cannot fail.
                    let target = m
                        .mac
                        .parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
                        .ok()
                        .and_then(|args| args.first().map(|t| self.receiver(t)))
                        .unwrap_or(Receiver::Unknown);
                    Some(Some(Condition::WriteCanFail { target }))
                }
                other => self.result_condition(other).map(Some),
            };
            if let Some(condition) = condition {
                self.hit_if(RuleId::NoSilentFailure, l.span(), "let _ = ..", condition);
            }
        }
        // The initializer is walked before the name is in scope (`let x = x.len();`).
        visit::visit_local(self, l);
        self.declare(l);
    }

    fn visit_stmt(&mut self, s: &'ast syn::Stmt) {
        self.current = Some(self.spans.stmt(s));
        if let syn::Stmt::Expr(Expr::MethodCall(m), Some(_)) = s
            && m.method == "ok"
            && m.args.is_empty()
            && !logs_error(&m.receiver)
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
        // An `Err(..) =>` arm runs once per error met, not once per iteration.
        // `Err(t) if t == ..` dispatches on a value (rhai's type names): not an error path.
        if is_err_pattern(&a.pat) && a.guard.is_none() {
            self.once(|s| s.on_error_path(|s| visit::visit_arm(s, a)));
        } else {
            visit::visit_arm(self, a);
        }
    }

    fn visit_expr_if(&mut self, i: &'ast syn::ExprIf) {
        self.current = Some(self.spans.expr(&i.cond));
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
        if leaves(&i.then_branch) {
            self.bound_by_check(&i.cond);
        }
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
