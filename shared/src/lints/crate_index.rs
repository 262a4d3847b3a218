//! What one crate defines, gathered from all its files, to judge the hits whose truth depends on it: a
//! method call that may be the crate's own method rather than std's, a `let _ =` whose callee may not
//! return a `Result`, an allocation bounded by a narrow field.

use std::collections::{HashMap, HashSet};

use crate::lints::syntax::KNOWN_RESULT_CALLS;
use crate::lints::visitor::{Condition, Defs, Receiver};

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
    /// Functions and methods by name: (owner type, returns a `Result`, takes `self`).
    fns: HashMap<String, Vec<(Option<String>, bool, bool)>>,
    /// Struct fields by name: (type's last segment, a narrow integer).
    fields: HashMap<String, Vec<(Option<String>, bool)>>,
    /// Types of the crate that implement `fmt::Write`.
    fmt_writers: HashSet<String>,
    /// Whether the crate interns strings: it defines the configured interner type, or (with none
    /// configured) a type named `*Interner` or a method `intern` / `get_or_intern`.
    interns: bool,
}

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

impl CrateIndex {
    /// The index of every file's definitions; `interner` is the configured interner type, if any.
    pub fn new<'a>(all: impl IntoIterator<Item = &'a Defs>, interner: Option<&str>) -> CrateIndex {
        let mut index = CrateIndex::default();
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
            for (owner, name, result, method) in &defs.fns {
                index.fns.entry(name.to_owned()).or_default().push((
                    owner.to_owned(),
                    *result,
                    *method,
                ));
            }
            index
                .fmt_writers
                .extend(defs.fmt_writers.iter().map(String::to_owned));
            for (name, ty, narrow) in &defs.fields {
                index
                    .fields
                    .entry(name.to_owned())
                    .or_default()
                    .push((ty.to_owned(), *narrow));
            }
        }
        index
    }

    /// Whether a hit with this condition is a finding.
    pub fn judge(&self, condition: &Condition) -> Judgement {
        match condition {
            Condition::NotCrateMethod { name, receiver } => self.method(name, receiver),
            Condition::ReturnsResult { name, receiver } => {
                if self.returns_result(name, receiver.as_ref()) {
                    Judgement::Finding
                } else {
                    Judgement::NotAFinding
                }
            }
            Condition::WriteCanFail { target } => self.write(target),
            Condition::NotNarrowField { field } => match self.fields.get(field) {
                Some(decls) if decls.iter().all(|(_, narrow)| *narrow) => Judgement::NotAFinding,
                _ => Judgement::Finding,
            },
            Condition::CrateInterns => {
                if self.interns {
                    Judgement::Finding
                } else {
                    Judgement::NotAFinding
                }
            }
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
            Receiver::Field(f) => match self.fields.get(f).map(Vec::as_slice) {
                Some([(Some(ty), _)]) => of_type(ty),
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
        let judged = |own: bool| {
            if own {
                Judgement::NotAFinding
            } else {
                Judgement::Finding
            }
        };
        match receiver {
            Receiver::Type(t) => judged(self.has_method(t, name)),
            Receiver::Trait(t) => {
                judged(self.trait_methods.get(t).is_some_and(|m| m.contains(name)))
            }
            Receiver::Field(f) => match self.fields.get(f) {
                Some(decls) if !decls.is_empty() => judged(
                    decls
                        .iter()
                        .any(|(ty, _)| ty.as_deref().is_some_and(|ty| self.has_method(ty, name))),
                ),
                _ => unknown(),
            },
            Receiver::Unknown => unknown(),
        }
    }

    fn returns_result(&self, name: &str, receiver: Option<&Receiver>) -> bool {
        // A method call reaches only fns that take `self`, never a free fn of the same name
        // (starlark's `#[starlark_module]` free `max` or `pop` are not `iter.max()`).
        let all: Vec<&(Option<String>, bool, bool)> = self
            .fns
            .get(name)
            .map(|all| {
                all.iter()
                    .filter(|(_, _, method)| receiver.is_none() || *method)
                    .collect()
            })
            .unwrap_or_default();
        if all.is_empty() {
            return KNOWN_RESULT_CALLS.contains(&name);
        }
        let owned: Vec<bool> = match receiver {
            Some(Receiver::Type(t)) => all
                .iter()
                .filter(|(owner, _, _)| owner.as_deref() == Some(t.as_str()))
                .map(|(_, r, _)| *r)
                .collect(),
            _ => Vec::new(),
        };
        if owned.is_empty() {
            // `iter.next()` on a receiver whose type is not visible: std's `Option`-returning method as
            // likely as the crate's own `next` returning a Result. Unsure: silent.
            if receiver.is_some() && STD_OPTION_METHODS.contains(&name) {
                return false;
            }
            all.iter().any(|(_, r, _)| *r)
        } else {
            owned.into_iter().any(|r| r)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> CrateIndex {
        let defs = Defs {
            impl_methods: vec![
                ("Parser".into(), None, "expect".into()),
                ("Token".into(), Some("Clone".into()), "clone".into()),
                ("Lexer".into(), Some("Source".into()), "peek".into()),
            ],
            trait_methods: vec![("Source".into(), "bump".into())],
            fns: vec![
                (Some("Parser".into()), "is_done".into(), false, true),
                (None, "save".into(), true, false),
                (Some("Cache".into()), "insert".into(), false, true),
                (None, "pop".into(), true, false),
                (Some("Scanner".into()), "next".into(), true, true),
            ],
            fmt_writers: vec!["Styled".into()],
            fields: vec![
                ("count".into(), Some("u8".into()), true),
                ("parser".into(), Some("Parser".into()), false),
                ("len".into(), Some("u32".into()), false),
            ],
        };
        CrateIndex::new([&defs], None)
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
            method("expect", Receiver::Field("parser".into())),
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
        // The crate's own `insert` returns no Result.
        assert_eq!(
            judge("insert", Some(Receiver::Unknown)),
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
