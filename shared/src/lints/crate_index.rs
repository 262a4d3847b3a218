//! What one crate defines, gathered from all its files, to judge the hits whose truth depends on it: a
//! method call that may be the crate's own method rather than std's, a `let _ =` whose callee may not
//! return a `Result` (or always returns `Ok`), an allocation bounded by a narrow field, a lookup whose
//! receiver's declared type hashes, and which fns run once per iteration of a hot loop.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::lints::facts::{CallEdge, Callee, Condition, Defs, Receiver};
use crate::lints::rules::hash_in_hot_loop::HASHING;
use crate::lints::syntax::KNOWN_RESULT_CALLS;

/// The judgement of a conditional hit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Judgement {
    /// It is a finding.
    Finding,
    /// It may be one: the syntax cannot tell why not (reported, never as CRITICAL).
    Unsure(&'static str),
    /// It is not one.
    NotAFinding,
}

impl Judgement {
    /// A finding when `finding`, else not one.
    fn finding_if(finding: bool) -> Judgement {
        if finding {
            Judgement::Finding
        } else {
            Judgement::NotAFinding
        }
    }
}

/// A fn's declaration, as the index keeps it.
#[derive(Debug)]
struct FnFacts {
    owner: Option<String>,
    item: String,
    returns_result: bool,
    always_ok: bool,
    method: bool,
}

/// A crate's definitions, by name.
#[derive(Debug, Default)]
pub struct CrateIndex {
    /// Methods of each type: inherent ones and those of trait impls (not `Clone::clone`: implementing
    /// `Clone` still makes `.clone()` a clone).
    methods_of: HashMap<String, HashSet<String>>,
    /// The crate's traits each type implements.
    traits_of: HashMap<String, HashSet<String>>,
    /// Methods each trait of the crate declares.
    trait_methods: HashMap<String, HashSet<String>>,
    /// Every method name the crate defines anywhere.
    all_methods: HashSet<String>,
    /// Functions and methods by name.
    fns: HashMap<String, Vec<FnFacts>>,
    /// Struct fields by name: (owner, type's last segment, a narrow integer).
    fields: HashMap<String, Vec<(String, Option<String>, bool)>>,
    /// Types of the crate that implement `fmt::Write`.
    fmt_writers: HashSet<String>,
    /// Aliases and renames: name -> what it names (last segment).
    aliases: HashMap<String, String>,
    /// Lookups of each type that delegate to one of its fields: (type, method) -> fields.
    delegations: HashMap<(String, String), Vec<String>>,
    /// Whether the crate interns strings: it defines the configured interner type, or (with none
    /// configured) a type named `*Interner` or a method `intern` / `get_or_intern`.
    interns: bool,
    /// Fns that run once per iteration of a hot loop: item path -> the hot fn whose loop runs them.
    per_iteration: BTreeMap<String, String>,
    /// Those of them reached only through a call resolved by the method's name alone.
    per_iteration_by_name: BTreeSet<String>,
    /// The trait each (type, method) implements, for the methods of trait impls.
    trait_of_method: HashMap<(String, String), String>,
}

/// Method names std's types share with many crates (`get`, `push`, `len`, `run`...): a call of one on a
/// value whose type is not visible is not taken for the crate's method of that name.
const STD_METHOD_NAMES: &[&str] = &[
    "get",
    "get_mut",
    "insert",
    "remove",
    "push",
    "pop",
    "len",
    "is_empty",
    "contains",
    "contains_key",
    "iter",
    "iter_mut",
    "into_iter",
    "map",
    "and_then",
    "or_else",
    "unwrap",
    "expect",
    "ok",
    "err",
    "take",
    "replace",
    "peek",
    "read",
    "write",
    "flush",
    "seek",
    "as_str",
    "as_bytes",
    "as_slice",
    "to_vec",
    "to_owned",
    "extend",
    "clear",
    "first",
    "last",
    "split",
    "find",
    "position",
    "chars",
    "bytes",
    "lines",
    "parse",
    "entry",
    "keys",
    "values",
    "reserve",
    "truncate",
    "sort",
    "lock",
    "send",
    "recv",
    "finish",
    "build",
    "call",
    "run",
    "new",
    "with_capacity",
    "capacity",
    "append",
    "drain",
    "retain",
    "join",
    "filter",
    "fold",
    "collect",
    "count",
    "sum",
    "min",
    "max",
    "rev",
    "zip",
    "skip",
    "step_by",
    "chain",
    "cloned",
    "copied",
    "enumerate",
    "any",
    "all",
    "is_some",
    "is_none",
    "is_ok",
    "is_err",
    "as_deref",
    "get_or_insert_with",
    "or_insert",
    "or_insert_with",
    "set",
    "load",
    "store",
    "swap",
    "start",
    "end",
    "next",
    "write_all",
    "read_exact",
    "poll",
    "wait",
    "apply",
    "visit",
];

/// std methods that return an `Option`: a crate method of the same name does not make every call a
/// `Result` when the receiver's type is not visible.
const STD_OPTION_METHODS: &[&str] = &[
    "next",
    "next_back",
    "nth",
    "peek",
    "pop",
    "pop_front",
    "pop_back",
    "get",
    "get_mut",
    "first",
    "last",
    "find",
    "position",
    "max",
    "min",
    "checked_add",
    "checked_sub",
    "strip_prefix",
    "strip_suffix",
    "split_once",
];

/// Why a method call may be the crate's own.
const MAYBE_OWN_METHOD: &str =
    "maybe the crate's own method of that name: the receiver's type is not visible";
/// Why a `write!` may not drop anything.
const MAYBE_INFALLIBLE: &str =
    "the writer's type is not visible: writing into a String cannot fail";
/// Why a method call may return no `Result` although the crate has a fallible method of its name.
const MAYBE_OTHER_TYPE: &str = "the receiver's type is not visible: maybe another type's method of that name, returning no Result";

/// std writers that cannot fail: strings and byte vectors.
const INFALLIBLE_WRITERS: &[&str] = &["String", "Vec"];
/// std writers that can.
const FALLIBLE_WRITERS: &[&str] = &[
    "File",
    "Stdout",
    "Stderr",
    "StdoutLock",
    "StderrLock",
    "BufWriter",
    "LineWriter",
    "TcpStream",
    "UnixStream",
    "ChildStdin",
    "io::Write",
    "Formatter",
];

/// Methods of std traits (`From::from`, `Display::fmt`, ...): not followed from a call.
const STD_TRAIT_METHODS: &[&str] = &[
    "from",
    "into",
    "try_from",
    "try_into",
    "default",
    "clone",
    "fmt",
    "eq",
    "ne",
    "cmp",
    "partial_cmp",
    "hash",
    "deref",
    "deref_mut",
    "drop",
    "next",
    "index",
    "index_mut",
    "as_ref",
    "as_mut",
    "borrow",
    "borrow_mut",
    "from_str",
    "to_string",
    "add",
    "sub",
    "mul",
    "div",
    "neg",
    "not",
    "from_iter",
    "extend",
    "into_iter",
];

/// How many calls away from a hot loop a fn still counts as run once per iteration: the handler the
/// dispatch loop calls, and the helpers the handler calls on every call.
const PER_ITERATION_DEPTH: usize = 2;

impl CrateIndex {
    /// The index of every file's definitions; `interner` is the configured interner type, if any;
    /// `measured` says which fns (by item path) benchmarks measured hot: their loops are hot loops too.
    pub fn new<'a>(
        all: impl IntoIterator<Item = &'a Defs>,
        interner: Option<&str>,
        measured: &dyn Fn(&str) -> bool,
    ) -> CrateIndex {
        let mut index = CrateIndex::default();
        let mut calls: Vec<&CallEdge> = Vec::new();
        for defs in all {
            index.interns |= defs
                .impl_methods
                .iter()
                .any(|(owner, _, method)| match interner {
                    Some(name) => owner == name,
                    None => {
                        owner.ends_with("Interner")
                            || method == "intern"
                            || method == "get_or_intern"
                    }
                });
            for (owner, trait_name, method) in &defs.impl_methods {
                if let Some(t) = trait_name {
                    index
                        .traits_of
                        .entry(owner.to_owned())
                        .or_default()
                        .insert(t.to_owned());
                    index
                        .trait_of_method
                        .insert((owner.to_owned(), method.to_owned()), t.to_owned());
                }
                if trait_name.as_deref() == Some("Clone") && method == "clone" {
                    continue;
                }
                index
                    .methods_of
                    .entry(owner.to_owned())
                    .or_default()
                    .insert(method.to_owned());
                index.all_methods.insert(method.to_owned());
            }
            for (trait_name, method) in &defs.trait_methods {
                index
                    .trait_methods
                    .entry(trait_name.to_owned())
                    .or_default()
                    .insert(method.to_owned());
                index.all_methods.insert(method.to_owned());
            }
            for f in &defs.fns {
                index
                    .fns
                    .entry(f.name.to_owned())
                    .or_default()
                    .push(FnFacts {
                        owner: f.owner.to_owned(),
                        item: f.item.to_owned(),
                        returns_result: f.returns_result,
                        always_ok: f.always_ok,
                        method: f.method,
                    });
            }
            index
                .fmt_writers
                .extend(defs.fmt_writers.iter().map(String::to_owned));
            for f in &defs.fields {
                index.fields.entry(f.name.to_owned()).or_default().push((
                    f.owner.to_owned(),
                    f.ty.to_owned(),
                    f.narrow,
                ));
            }
            for (name, target) in &defs.type_aliases {
                // `type Result<T> = std::result::Result<T, E>` names itself: no alias of interest.
                if name != target {
                    index.aliases.insert(name.to_owned(), target.to_owned());
                }
            }
            for (owner, method, field) in &defs.delegations {
                index
                    .delegations
                    .entry((owner.to_owned(), method.to_owned()))
                    .or_default()
                    .push(field.to_owned());
            }
            calls.extend(&defs.calls);
        }
        (index.per_iteration, index.per_iteration_by_name) =
            index.per_iteration_fns(&calls, measured);
        index
    }

    /// Whether a hit with this condition is a finding.
    pub fn judge(&self, condition: &Condition) -> Judgement {
        match condition {
            Condition::NotCrateMethod { name, receiver } => self.method(name, receiver),
            Condition::ReturnsResult { name, receiver } => {
                self.returns_result(name, receiver.as_ref())
            }
            Condition::WriteCanFail { target } => self.write(target),
            Condition::NotNarrowField { field } => match self.fields.get(field) {
                Some(decls) if decls.iter().all(|(_, _, narrow)| *narrow) => Judgement::NotAFinding,
                _ => Judgement::Finding,
            },
            Condition::CrateInterns => Judgement::finding_if(self.interns),
            Condition::Hashes { method, receiver } => {
                Judgement::finding_if(self.hashes(method, receiver))
            }
        }
    }

    /// The hot fn whose loop runs the fn `item` once per iteration, if one does.
    pub fn per_iteration_of(&self, item: &str) -> Option<&str> {
        self.per_iteration.get(item).map(String::as_str)
    }

    /// True when the fn `item` is per-iteration code only through a call resolved by the method's name
    /// alone (the receiver's type not visible): likely, not certain.
    pub fn per_iteration_by_name(&self, item: &str) -> bool {
        self.per_iteration_by_name.contains(item)
    }

    /// The fns a hot loop runs once per iteration: those it calls, and (up to [`PER_ITERATION_DEPTH`])
    /// those they call on every call or in a loop, each with the hot fn whose loop runs it.
    /// Also the fns among them reached only through calls resolved by name.
    fn per_iteration_fns(
        &self,
        calls: &[&CallEdge],
        measured: &dyn Fn(&str) -> bool,
    ) -> (BTreeMap<String, String>, BTreeSet<String>) {
        let mut found: BTreeMap<String, String> = BTreeMap::new();
        let mut by_name: BTreeSet<String> = BTreeSet::new();
        // Adds `callee`, run by `root`'s loop; a fn found by name and then for certain is certain.
        let mut add =
            |callee: &str, root: &str, guessed: bool, next: &mut Vec<(String, String, bool)>| {
                if callee == root {
                    return;
                }
                if !found.contains_key(callee) {
                    found.insert(callee.to_owned(), root.to_owned());
                    if guessed {
                        by_name.insert(callee.to_owned());
                    }
                    next.push((callee.to_owned(), root.to_owned(), guessed));
                } else if !guessed && by_name.remove(callee) {
                    next.push((callee.to_owned(), root.to_owned(), guessed));
                }
            };
        let mut frontier: Vec<(String, String, bool)> = Vec::new();
        for edge in calls
            .iter()
            .filter(|e| e.in_loop && (e.hot || measured(&e.caller)))
        {
            let (callees, guessed) = self.callees(edge);
            for callee in callees {
                add(&callee, &edge.caller, guessed, &mut frontier);
            }
        }
        for _ in 1..PER_ITERATION_DEPTH {
            let mut next = Vec::new();
            for (caller, root, guessed) in &frontier {
                for edge in calls.iter().filter(|e| &e.caller == caller) {
                    let (callees, by_name) = self.callees(edge);
                    for callee in callees {
                        add(&callee, root, *guessed || by_name, &mut next);
                    }
                }
            }
            frontier = next;
        }
        (found, by_name)
    }

    /// The crate fns a call can reach: the method of the named type, or of the declared type of the field
    /// it is called on; for a free fn, the one of that name in the caller's module (`f(..)`) or at the path
    /// written (`parser::f(..)`). Anything the syntax cannot pin to one fn reaches nothing, except by name
    /// (`true` with the fns): a method on a value whose type is not visible reaches the crate's only
    /// method of that name, or every impl of the one crate trait all methods of that name implement (a
    /// dispatch through a trait: `op.execute(vm)`); a free fn found in neither place reaches the crate's
    /// only free fn of that name (a glob import). Never a name std's types or traits have too.
    fn callees(&self, edge: &CallEdge) -> (Vec<String>, bool) {
        let none = (Vec::new(), false);
        let Some(fns) = self.fns.get(&edge.name) else {
            return none;
        };
        // `Type::from(x)`, `x.fmt(f)`: a std trait's method has impls for many argument types; which
        // one a call reaches is the compiler's choice, not the syntax's.
        if STD_TRAIT_METHODS.contains(&edge.name.as_str()) {
            return none;
        }
        let std_name = STD_METHOD_NAMES.contains(&edge.name.as_str());
        if let Callee::Field(owner, field) = &edge.callee {
            // The method of the field's declared type, when it has one type and that is a crate type.
            return match self.field_types(owner.as_deref(), field).as_slice() {
                [ty] => {
                    let ty = self.resolve_type(ty);
                    let found = fns
                        .iter()
                        .filter(|f| f.owner.as_deref() == Some(ty))
                        .map(|f| f.item.to_owned())
                        .collect();
                    (found, false)
                }
                _ => none,
            };
        }
        if edge.callee == Callee::ByName {
            if std_name {
                return none;
            }
            let methods: Vec<&FnFacts> = fns.iter().filter(|f| f.method).collect();
            let traits: BTreeSet<Option<&String>> = methods
                .iter()
                .map(|f| {
                    f.owner.as_ref().and_then(|o| {
                        self.trait_of_method
                            .get(&(o.to_owned(), edge.name.to_owned()))
                    })
                })
                .collect();
            let one_trait = traits.len() == 1 && traits.iter().all(Option::is_some);
            return match methods.as_slice() {
                [one] => (vec![one.item.to_owned()], true),
                [_, ..] if one_trait => (methods.iter().map(|f| f.item.to_owned()).collect(), true),
                _ => none,
            };
        }
        if let Some(owner) = &edge.owner {
            let found = fns
                .iter()
                .filter(|f| f.owner.as_deref() == Some(owner.as_str()))
                .map(|f| f.item.to_owned())
                .collect();
            return (found, false);
        }
        let free: Vec<&FnFacts> = fns.iter().filter(|f| f.owner.is_none()).collect();
        let found: Vec<&&FnFacts> = if edge.module.is_empty() {
            // The caller's module: its path less the fn (and less the type, for a method).
            let caller: Vec<&str> = edge.caller.split("::").collect();
            let parents: Vec<String> = (1..=2)
                .filter_map(|up| caller.len().checked_sub(up))
                .map(|n| caller[..n].join("::"))
                .collect();
            free.iter()
                .filter(|f| {
                    parents.iter().any(|p| {
                        f.item.strip_prefix(p.as_str()) == Some(&format!("::{}", edge.name))
                    })
                })
                .collect()
        } else {
            let tail = format!("::{}::{}", edge.module.join("::"), edge.name);
            free.iter().filter(|f| f.item.ends_with(&tail)).collect()
        };
        match (found.as_slice(), free.as_slice()) {
            ([one], _) => (vec![one.item.to_owned()], false),
            // `use crate::ops::*; op_add(vm)`: the crate's only free fn of that name.
            ([], [one]) if edge.module.is_empty() && !std_name => (vec![one.item.to_owned()], true),
            _ => none,
        }
    }

    /// What a type name names, through the crate's aliases and renames.
    fn resolve_type<'a>(&'a self, ty: &'a str) -> &'a str {
        let mut ty = ty;
        for _ in 0..4 {
            match self.aliases.get(ty) {
                Some(target) => ty = target,
                None => break,
            }
        }
        ty
    }

    /// True when `method` on a value of type `ty` hashes: `ty` is a hashing collection (or an alias of
    /// one), or a crate type whose `method` looks a key up in a field that is.
    fn type_hashes(&self, ty: &str, method: &str, depth: usize) -> bool {
        let ty = self.resolve_type(ty);
        if HASHING.contains(&ty) {
            return true;
        }
        if depth == 0 {
            return false;
        }
        self.delegations
            .get(&(ty.to_owned(), method.to_owned()))
            .is_some_and(|fields| {
                fields.iter().any(|f| {
                    self.field_types(Some(ty), f)
                        .iter()
                        .any(|t| self.type_hashes(t, "get", depth - 1))
                })
            })
    }

    /// The declared types of field `name` (of `owner` when known, else of every struct with one).
    fn field_types(&self, owner: Option<&str>, name: &str) -> Vec<&str> {
        let Some(decls) = self.fields.get(name) else {
            return Vec::new();
        };
        let of_owner: Vec<&str> = decls
            .iter()
            .filter(|(o, _, _)| owner.is_some_and(|owner| owner == o))
            .filter_map(|(_, ty, _)| ty.as_deref())
            .collect();
        if !of_owner.is_empty() {
            return of_owner;
        }
        decls
            .iter()
            .filter_map(|(_, ty, _)| ty.as_deref())
            .collect()
    }

    /// True when `receiver.method(..)` hashes, as far as the declarations show.
    fn hashes(&self, method: &str, receiver: &Receiver) -> bool {
        match receiver {
            Receiver::Type(t) => self.type_hashes(t, method, 1),
            Receiver::Field(owner, field) => {
                let types = self.field_types(owner.as_deref(), field);
                // Every struct's field of that name must agree: a `BTreeMap` field is never a hash map.
                !types.is_empty() && types.iter().all(|t| self.type_hashes(t, method, 1))
            }
            Receiver::Trait(_) | Receiver::Unknown => false,
        }
    }

    /// True when type `ty` has a method `name` in the crate: its own, or one its crate traits declare.
    fn has_method(&self, ty: &str, name: &str) -> bool {
        self.methods_of.get(ty).is_some_and(|m| m.contains(name))
            || self.traits_of.get(ty).is_some_and(|traits| {
                traits
                    .iter()
                    .any(|t| self.trait_methods.get(t).is_some_and(|m| m.contains(name)))
            })
    }

    fn write(&self, target: &Receiver) -> Judgement {
        let of_type = |ty: &str| {
            let ty = self.resolve_type(ty);
            if INFALLIBLE_WRITERS.contains(&ty) || self.fmt_writers.contains(ty) {
                Judgement::NotAFinding
            } else if FALLIBLE_WRITERS.contains(&ty) {
                Judgement::Finding
            } else {
                Judgement::Unsure(MAYBE_INFALLIBLE)
            }
        };
        match target {
            Receiver::Type(t) => of_type(t),
            Receiver::Field(owner, f) => match self.field_types(owner.as_deref(), f).as_slice() {
                [ty] => of_type(ty),
                _ => Judgement::Unsure(MAYBE_INFALLIBLE),
            },
            Receiver::Trait(_) | Receiver::Unknown => Judgement::Unsure(MAYBE_INFALLIBLE),
        }
    }

    fn method(&self, name: &str, receiver: &Receiver) -> Judgement {
        let unknown = || {
            if self.all_methods.contains(name) {
                Judgement::Unsure(MAYBE_OWN_METHOD)
            } else {
                Judgement::Finding
            }
        };
        match receiver {
            Receiver::Type(t) => Judgement::finding_if(!self.has_method(t, name)),
            Receiver::Trait(t) => {
                Judgement::finding_if(!self.trait_methods.get(t).is_some_and(|m| m.contains(name)))
            }
            Receiver::Field(owner, f) => match self.field_types(owner.as_deref(), f).as_slice() {
                [] => unknown(),
                types => Judgement::finding_if(!types.iter().any(|ty| self.has_method(ty, name))),
            },
            Receiver::Unknown => unknown(),
        }
    }

    fn returns_result(&self, name: &str, receiver: Option<&Receiver>) -> Judgement {
        // A method call reaches only fns that take `self`, never a free fn of the same name
        // (starlark's `#[starlark_module]` free `max` or `pop` are not `iter.max()`).
        let all: Vec<&FnFacts> = self
            .fns
            .get(name)
            .map(|all| {
                all.iter()
                    .filter(|f| receiver.is_none() || f.method)
                    .collect()
            })
            .unwrap_or_default();
        if all.is_empty() {
            return Judgement::finding_if(KNOWN_RESULT_CALLS.contains(&name));
        }
        // A Result that is always `Ok` drops no error.
        let fails = |f: &&FnFacts| f.returns_result && !f.always_ok;
        let owned: Vec<&FnFacts> = match receiver {
            Some(Receiver::Type(t)) => all
                .iter()
                .filter(|f| f.owner.as_deref() == Some(t.as_str()))
                .copied()
                .collect(),
            _ => Vec::new(),
        };
        if !owned.is_empty() {
            return Judgement::finding_if(owned.iter().any(fails));
        }
        match receiver {
            // A free fn of the crate: its own, by name.
            None => Judgement::finding_if(all.iter().any(fails)),
            // `iter.next()` on a receiver whose type is not visible: std's `Option`-returning method as
            // likely as the crate's own `next` returning a Result. Silent.
            Some(_) if STD_OPTION_METHODS.contains(&name) => Judgement::NotAFinding,
            // A method found by its name alone: the receiver may be another type (std's, a
            // dependency's) whose method of that name returns an `Option` or nothing to drop. Not when
            // std's method of that name is known to fail too (`read_to_end`, `flush`).
            Some(_) if all.iter().any(fails) => {
                if KNOWN_RESULT_CALLS.contains(&name) {
                    Judgement::Finding
                } else {
                    Judgement::Unsure(MAYBE_OTHER_TYPE)
                }
            }
            Some(_) => Judgement::NotAFinding,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lints::facts::{FieldDef, FnDef};

    fn f(owner: Option<&str>, name: &str, result: bool, method: bool) -> FnDef {
        FnDef {
            owner: owner.map(str::to_owned),
            name: name.into(),
            item: format!(
                "krate::{}{name}",
                owner.map(|o| format!("{o}::")).unwrap_or_default()
            ),
            returns_result: result,
            always_ok: false,
            method,
        }
    }

    fn field(owner: &str, name: &str, ty: &str, narrow: bool) -> FieldDef {
        FieldDef {
            owner: owner.into(),
            name: name.into(),
            ty: Some(ty.into()),
            narrow,
        }
    }

    fn index() -> CrateIndex {
        let defs = Defs {
            impl_methods: vec![
                ("Parser".into(), None, "expect".into()),
                ("Token".into(), Some("Clone".into()), "clone".into()),
                ("Lexer".into(), Some("Source".into()), "peek".into()),
            ],
            trait_methods: vec![("Source".into(), "bump".into())],
            fns: vec![
                f(Some("Parser"), "is_done", false, true),
                f(None, "save", true, false),
                f(Some("Store"), "load", true, true),
                f(Some("Chan"), "recv", true, true),
                f(Some("Cache"), "insert", false, true),
                f(None, "pop", true, false),
                f(Some("Scanner"), "next", true, true),
                FnDef {
                    always_ok: true,
                    ..f(Some("Cache"), "flush", true, true)
                },
            ],
            fmt_writers: vec!["Styled".into()],
            fields: vec![
                field("S", "count", "u8", true),
                field("S", "parser", "Parser", false),
                field("S", "len", "u32", false),
                field("Vm", "globals", "Globals", false),
                field("Vm", "labels", "BTreeMap", false),
                field("Vm", "cache", "NameCache", false),
                field("NameCache", "0", "FxHashMap", false),
            ],
            type_aliases: vec![("Globals".into(), "HashMap".into())],
            delegations: vec![("NameCache".into(), "lookup".into(), "0".into())],
            calls: Vec::new(),
        };
        CrateIndex::new([&defs], None, &|_| false)
    }

    #[test]
    fn a_lookup_hashes_by_the_declared_type_of_its_receiver() {
        let judge = |method: &str, receiver: Receiver| {
            index().judge(&Condition::Hashes {
                method: method.into(),
                receiver,
            })
        };
        let field = |owner: &str, name: &str| Receiver::Field(Some(owner.into()), name.into());
        // A field declared with an alias of HashMap.
        assert_eq!(judge("get", field("Vm", "globals")), Judgement::Finding);
        // A BTreeMap is never a hash map.
        assert_eq!(
            judge("entry", field("Vm", "labels")),
            Judgement::NotAFinding
        );
        // A crate type whose `lookup` delegates to its FxHashMap.
        assert_eq!(judge("lookup", field("Vm", "cache")), Judgement::Finding);
        assert_eq!(judge("len", field("Vm", "cache")), Judgement::NotAFinding);
        assert_eq!(
            judge("get", Receiver::Type("IndexMap".into())),
            Judgement::Finding
        );
        assert_eq!(judge("get", Receiver::Unknown), Judgement::NotAFinding);
    }

    #[test]
    fn a_free_fn_call_reaches_the_fn_of_the_callers_module_or_the_path_written() {
        let mut defs = Defs::default();
        for item in [
            "krate::vm::run",
            "krate::vm::step",
            "krate::other::step",
            "krate::other::far",
        ] {
            let name = item.rsplit("::").next().unwrap_or_default();
            defs.fns.push(FnDef {
                item: item.into(),
                ..f(None, name, false, false)
            });
        }
        let edge = |name: &str, module: &[&str]| CallEdge {
            caller: "krate::vm::run".into(),
            owner: None,
            name: name.into(),
            module: module.iter().map(|m| m.to_string()).collect(),
            in_loop: true,
            per_call: false,
            hot: true,
            callee: Callee::Written,
        };
        defs.calls = vec![
            edge("step", &[]),
            edge("far", &[]),
            edge("step", &["other"]),
        ];
        let index = CrateIndex::new([&defs], None, &|_| false);
        assert!(index.per_iteration_of("krate::vm::step").is_some());
        assert!(!index.per_iteration_by_name("krate::vm::step"));
        assert!(index.per_iteration_of("krate::other::step").is_some());
        // `far()` from `vm` names no fn of `vm`: the crate's only `far` (a glob import), by name only.
        assert!(index.per_iteration_of("krate::other::far").is_some());
        assert!(index.per_iteration_by_name("krate::other::far"));
    }

    #[test]
    fn a_method_dispatched_through_a_crate_trait_reaches_every_impl_by_name() {
        let mut defs = Defs::default();
        for (owner, name) in [
            ("Vm", "run"),
            ("Add", "execute"),
            ("Call", "execute"),
            ("Lexer", "emit"),
            ("Parser", "emit"),
        ] {
            defs.fns.push(f(Some(owner), name, false, true));
        }
        defs.impl_methods = vec![
            ("Add".into(), Some("Operation".into()), "execute".into()),
            ("Call".into(), Some("Operation".into()), "execute".into()),
            ("Lexer".into(), None, "emit".into()),
            ("Parser".into(), None, "emit".into()),
        ];
        let edge = |name: &str| CallEdge {
            caller: "krate::Vm::run".into(),
            owner: None,
            name: name.into(),
            module: Vec::new(),
            in_loop: true,
            per_call: false,
            hot: true,
            callee: Callee::ByName,
        };
        defs.calls = vec![edge("execute"), edge("emit")];
        let index = CrateIndex::new([&defs], None, &|_| false);
        for op in ["krate::Add::execute", "krate::Call::execute"] {
            assert_eq!(index.per_iteration_of(op), Some("krate::Vm::run"));
            assert!(index.per_iteration_by_name(op));
        }
        // Two inherent methods of that name: which one is not known.
        assert_eq!(index.per_iteration_of("krate::Lexer::emit"), None);
        assert_eq!(index.per_iteration_of("krate::Parser::emit"), None);
    }

    #[test]
    fn a_hot_loops_callees_run_once_per_iteration() {
        let mut defs = Defs::default();
        for (owner, name) in [
            ("Vm", "run"),
            ("Vm", "op_call"),
            ("Vm", "lookup"),
            ("Vm", "report"),
        ] {
            defs.fns.push(f(Some(owner), name, false, true));
        }
        let edge = |caller: &str, name: &str, in_loop: bool, hot: bool| CallEdge {
            caller: format!("krate::Vm::{caller}"),
            owner: Some("Vm".into()),
            name: name.into(),
            module: Vec::new(),
            in_loop,
            per_call: !in_loop,
            hot,
            callee: Callee::Written,
        };
        defs.calls = vec![
            edge("run", "op_call", true, true),
            edge("op_call", "lookup", false, false),
            edge("run", "report", false, true),
        ];
        let index = CrateIndex::new([&defs], None, &|_| false);
        assert_eq!(
            index.per_iteration_of("krate::Vm::op_call"),
            Some("krate::Vm::run")
        );
        assert_eq!(
            index.per_iteration_of("krate::Vm::lookup"),
            Some("krate::Vm::run")
        );
        // Called once per call of the hot fn, outside its loop: not per iteration.
        assert_eq!(index.per_iteration_of("krate::Vm::report"), None);
        assert_eq!(index.per_iteration_of("krate::Vm::run"), None);
    }

    #[test]
    fn a_call_on_an_unknown_receiver_reaches_the_crates_only_method_of_that_name() {
        let mut defs = Defs::default();
        for (owner, name) in [
            ("Vm", "run"),
            ("Frame", "enter_frame"),
            ("Frame", "exit"),
            ("Task", "exit"),
            ("Frame", "get"),
            ("Frame", "slots"),
            ("Frame", "args"),
        ] {
            defs.fns.push(f(Some(owner), name, false, true));
        }
        let edge = |caller: &str, name: &str, owner: Option<&str>| CallEdge {
            caller: format!("krate::{caller}"),
            owner: owner.map(str::to_owned),
            name: name.into(),
            module: Vec::new(),
            in_loop: caller == "Vm::run",
            per_call: caller != "Vm::run",
            hot: caller == "Vm::run",
            callee: if owner.is_none() {
                Callee::ByName
            } else {
                Callee::Written
            },
        };
        defs.calls = vec![
            edge("Vm::run", "enter_frame", None),
            edge("Vm::run", "exit", None),
            edge("Vm::run", "get", None),
            edge("Frame::enter_frame", "slots", Some("Frame")),
            edge("Vm::run", "args", None),
            edge("Vm::run", "args", Some("Frame")),
        ];
        let index = CrateIndex::new([&defs], None, &|_| false);
        // The only `enter_frame`: likely, and what it calls for certain is as likely.
        assert_eq!(
            index.per_iteration_of("krate::Frame::enter_frame"),
            Some("krate::Vm::run")
        );
        assert!(index.per_iteration_by_name("krate::Frame::enter_frame"));
        assert!(index.per_iteration_by_name("krate::Frame::slots"));
        // Two methods named `exit`, and std's `get`: not guessed at.
        assert_eq!(index.per_iteration_of("krate::Frame::exit"), None);
        assert_eq!(index.per_iteration_of("krate::Task::exit"), None);
        assert_eq!(index.per_iteration_of("krate::Frame::get"), None);
        // Reached by name and for certain: certain.
        assert!(index.per_iteration_of("krate::Frame::args").is_some());
        assert!(!index.per_iteration_by_name("krate::Frame::args"));
    }

    #[test]
    fn a_call_on_a_field_reaches_the_method_of_the_fields_declared_type() {
        let mut defs = Defs::default();
        for (owner, name) in [("Lexer", "run"), ("Cursor", "bump"), ("Span", "bump")] {
            defs.fns.push(f(Some(owner), name, false, true));
        }
        defs.fields.push(FieldDef {
            owner: "Lexer".into(),
            name: "cursor".into(),
            ty: Some("Cursor".into()),
            narrow: false,
        });
        defs.calls = vec![CallEdge {
            caller: "krate::Lexer::run".into(),
            owner: None,
            name: "bump".into(),
            module: Vec::new(),
            in_loop: true,
            per_call: false,
            hot: true,
            callee: Callee::Field(Some("Lexer".into()), "cursor".into()),
        }];
        let index = CrateIndex::new([&defs], None, &|_| false);
        assert_eq!(
            index.per_iteration_of("krate::Cursor::bump"),
            Some("krate::Lexer::run")
        );
        assert!(!index.per_iteration_by_name("krate::Cursor::bump"));
        assert_eq!(index.per_iteration_of("krate::Span::bump"), None);
    }

    fn method(name: &str, receiver: Receiver) -> Judgement {
        index().judge(&Condition::NotCrateMethod {
            name: name.into(),
            receiver,
        })
    }

    #[test]
    fn a_crate_method_on_the_receivers_type_is_not_stds() {
        assert_eq!(
            method("expect", Receiver::Type("Parser".into())),
            Judgement::NotAFinding
        );
        assert_eq!(
            method("expect", Receiver::Field(None, "parser".into())),
            Judgement::NotAFinding
        );
        assert_eq!(
            method("expect", Receiver::Type("Option".into())),
            Judgement::Finding
        );
        // A default method of a crate trait the type implements.
        assert_eq!(
            method("bump", Receiver::Type("Lexer".into())),
            Judgement::NotAFinding
        );
        assert_eq!(
            method("bump", Receiver::Trait("Source".into())),
            Judgement::NotAFinding
        );
        // Unknown receiver: unsure when the crate has a method of that name, a finding otherwise.
        assert_eq!(
            method("expect", Receiver::Unknown),
            Judgement::Unsure(MAYBE_OWN_METHOD)
        );
        assert_eq!(method("unwrap", Receiver::Unknown), Judgement::Finding);
        // Implementing Clone does not make `.clone()` something else.
        assert_eq!(
            method("clone", Receiver::Type("Token".into())),
            Judgement::Finding
        );
        assert_eq!(method("clone", Receiver::Unknown), Judgement::Finding);
    }

    #[test]
    fn let_underscore_counts_only_calls_that_return_a_result() {
        let judge = |name: &str, receiver: Option<Receiver>| {
            index().judge(&Condition::ReturnsResult {
                name: name.into(),
                receiver,
            })
        };
        assert_eq!(judge("save", None), Judgement::Finding);
        assert_eq!(
            judge("is_done", Some(Receiver::Type("Parser".into()))),
            Judgement::NotAFinding
        );
        // Not the crate's: std's known fallible calls only.
        assert_eq!(judge("send", Some(Receiver::Unknown)), Judgement::Finding);
        // A free fn `pop` returning a Result is not what `x.pop()` calls, but `pop(x)` is.
        assert_eq!(
            judge("pop", Some(Receiver::Unknown)),
            Judgement::NotAFinding
        );
        assert_eq!(judge("pop", None), Judgement::Finding);
        // A crate method `next` returning a Result: `x.next()` on an unknown receiver may be std's.
        assert_eq!(
            judge("next", Some(Receiver::Unknown)),
            Judgement::NotAFinding
        );
        assert_eq!(
            judge("next", Some(Receiver::Type("Scanner".into()))),
            Judgement::Finding
        );
        // The crate's fallible `load` found by its name alone: unsure (never CRITICAL) on a receiver
        // whose type is not visible, or of another type.
        assert_eq!(
            judge("load", Some(Receiver::Unknown)),
            Judgement::Unsure(MAYBE_OTHER_TYPE)
        );
        assert_eq!(
            judge("load", Some(Receiver::Type("Vec".into()))),
            Judgement::Unsure(MAYBE_OTHER_TYPE)
        );
        assert_eq!(
            judge("load", Some(Receiver::Type("Store".into()))),
            Judgement::Finding
        );
        // ...but a finding when std's method of that name fails too.
        assert_eq!(judge("recv", Some(Receiver::Unknown)), Judgement::Finding);
        // The crate's own `insert` returns no Result.
        assert_eq!(
            judge("insert", Some(Receiver::Unknown)),
            Judgement::NotAFinding
        );
        // A Result that is always `Ok` drops nothing.
        assert_eq!(
            judge("flush", Some(Receiver::Type("Cache".into()))),
            Judgement::NotAFinding
        );
    }

    #[test]
    fn writing_into_a_string_cannot_fail() {
        let judge = |target: Receiver| index().judge(&Condition::WriteCanFail { target });
        assert_eq!(
            judge(Receiver::Type("String".into())),
            Judgement::NotAFinding
        );
        assert_eq!(
            judge(Receiver::Type("Styled".into())),
            Judgement::NotAFinding
        );
        assert_eq!(judge(Receiver::Type("File".into())), Judgement::Finding);
        assert_eq!(
            judge(Receiver::Unknown),
            Judgement::Unsure(MAYBE_INFALLIBLE)
        );
    }

    #[test]
    fn narrow_fields_bound_an_allocation() {
        let judge = |field: &str| {
            index().judge(&Condition::NotNarrowField {
                field: field.into(),
            })
        };
        assert_eq!(judge("count"), Judgement::NotAFinding);
        assert_eq!(judge("len"), Judgement::Finding);
        assert_eq!(judge("unknown"), Judgement::Finding);
    }
}
