//! What the walk of one file yields: the places rules match ([`Hit`]), and the facts about the file's
//! items ([`Defs`]: declared types of fields, aliases, fns, calls) that the whole crate needs to judge the
//! hits whose truth depends on more than one file. Everything here is cached per file.

use proc_macro2::Span;

use crate::lints::rules::RuleId;

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
    /// Inside a declared hot path (hot file, or hot fn).
    pub hot: bool,
    /// How many loops of its fn enclose it (0: not in a loop).
    pub loop_depth: u32,
    /// Outside any loop, and on no path that runs at most once (a closure, an error value, a `return`):
    /// code that runs on every call of its fn.
    pub per_call: bool,
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
    /// A finding only when the call returns a `Result` that can be an `Err`: a crate function of this
    /// name that does (and does not always return `Ok`), or (when the crate defines none) a call std is
    /// known to make fallible.
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
    /// A finding only when the receiver's declared type hashes: a std or well-known hashing collection,
    /// an alias of one, or a crate type whose method `method` looks a key up in one of its hashing
    /// fields.
    Hashes {
        /// The lookup method.
        method: String,
        /// The receiver.
        receiver: Receiver,
    },
}

/// A method call's receiver, as far as the syntax shows.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Receiver {
    /// A value of this type (its last path segment): `self` in its impl, a local with a written type.
    Type(String),
    /// `self` inside this trait's default method.
    Trait(String),
    /// `self.field` (with the impl's type when inside one): the field's declared type decides.
    Field(Option<String>, String),
    /// Anything else.
    Unknown,
}

/// How much of the matched code a hit keeps to identify it.
pub const CODE_LIMIT: usize = 160;

/// The source text of `span` in `text` without its layout: whitespace (line breaks included) removed,
/// but one space kept between two word characters (`let x`). At most [`CODE_LIMIT`] characters: what
/// identifies a hit across reformatting.
pub(crate) fn code_text(text: &str, span: Span) -> String {
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

/// A struct field's declaration.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldDef {
    /// The struct.
    pub owner: String,
    /// The field's name (`0` for a tuple struct's first field).
    pub name: String,
    /// Its type's last path segment, through references and smart pointers' first argument is not taken.
    pub ty: Option<String>,
    /// A narrow integer (`u8`, `u16`, `bool`...).
    pub narrow: bool,
}

/// A fn or method the crate defines.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FnDef {
    /// The impl's type for a method.
    pub owner: Option<String>,
    /// Its name.
    pub name: String,
    /// Its item path (`krate::vm::Vm::run`).
    pub item: String,
    /// It returns a `Result`.
    pub returns_result: bool,
    /// Every value it returns is visibly `Ok(..)`: its `Result` is never an `Err`.
    pub always_ok: bool,
    /// It takes `self`.
    pub method: bool,
}

/// A call from one fn to another, as far as the syntax names the callee.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CallEdge {
    /// The calling fn's item path.
    pub caller: String,
    /// The callee's type when the syntax shows it (`self.f()` in an impl, `Type::f()`); `None` for a
    /// free fn (`f()`, `module::f()`).
    pub owner: Option<String>,
    /// The callee's name.
    pub name: String,
    /// For a free fn, the path written before the name (`["parser"]` in `parser::expr(..)`, empty for
    /// `expr(..)`), without a leading `crate`, `self` or `super`.
    pub module: Vec<String>,
    /// The call is inside a loop of the caller.
    pub in_loop: bool,
    /// The call runs at most once per call of the caller: outside loops, or on a path that leaves them
    /// (`return self.op_call(..)` in the dispatch loop), never in a closure or an error value.
    pub per_call: bool,
    /// The call is in a declared hot path.
    pub hot: bool,
    /// How the call names its callee besides `owner` and `module`.
    #[serde(default)]
    pub callee: Callee,
}

/// How a call names its callee, besides its owner type or module path.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Callee {
    /// As written: a type's method (`self.f()`, `Type::f()`), a free fn.
    #[default]
    Written,
    /// A method called on `self.field` (`self.cursor.bump()`): the struct whose impl makes the call (when
    /// inside one) and the field, whose declared type decides which method it is.
    Field(Option<String>, String),
    /// A method called on a value whose type the syntax does not show (`ctx.op_call()`): it reaches the
    /// crate's only method of that name, if there is one, and the finding it makes is never blocking.
    ByName,
}

/// What a file defines that the crate-wide judgement of hits needs.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Defs {
    /// Methods of impl blocks: (self type, trait implemented or `None` for an inherent impl, method).
    pub impl_methods: Vec<(String, Option<String>, String)>,
    /// Methods declared by trait definitions: (trait, method).
    pub trait_methods: Vec<(String, String)>,
    /// Functions and methods.
    pub fns: Vec<FnDef>,
    /// Struct fields.
    pub fields: Vec<FieldDef>,
    /// Types with an `impl fmt::Write` (written with its `fmt` path): writing into them cannot fail.
    pub fmt_writers: Vec<String>,
    /// Type aliases and renaming imports: (name, the last segment of what it names): `type Map =
    /// FxHashMap<..>` and `use indexmap::IndexMap as Map` are both `("Map", "FxHashMap"/"IndexMap")`.
    pub type_aliases: Vec<(String, String)>,
    /// Methods of a type that look a key up in one of its own fields: (type, method, field).
    pub delegations: Vec<(String, String, String)>,
    /// Calls between fns, for what runs once per iteration of a hot loop.
    pub calls: Vec<CallEdge>,
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
