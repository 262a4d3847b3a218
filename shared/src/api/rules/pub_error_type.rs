//! `pub-error-type`: a public function of a library returns `Result<_, String>`, `Result<_, &str>` or
//! `Result<_, Box<dyn Error>>`.
//!
//! Why it costs: callers cannot match on the failure. They can only print it, or parse the text, which
//! breaks the day the wording changes; a typed error (an enum, with `thiserror`) lets them handle each
//! case and lets the library add context without breaking them.
//!
//! Fires: `pub fn load() -> Result<Config, String>`, `pub fn parse(s: &str) -> Result<u8, Box<dyn
//! std::error::Error + Send + Sync>>`.
//! Does not fire: `pub fn load() -> Result<Config, LoadError>`, `pub fn load() -> io::Result<Config>`,
//! `pub(crate) fn load() -> Result<Config, String>` (not public), a fn only reachable by a
//! `#[doc(hidden)]` path.
//!
//! Known limits: a type alias (`type Res<T> = Result<T, String>`) is not followed; `anyhow::Error` and
//! `eyre::Report` are not reported (they are a deliberate choice for application-like libraries).

use syn::{GenericArgument, PathArguments, Type};

use crate::api::rules::{CrateApi, Hit, RuleInfo};
use crate::report::Severity;
use crate::source::public::ItemKind;

/// The rule.
pub const RULE: RuleInfo = RuleInfo {
    id: "pub-error-type",
    summary: "a public fn returns Result<_, String>, Result<_, &str> or Result<_, Box<dyn Error>>",
    severity: Severity::Warning,
    check,
};

fn check<'a>(api: &CrateApi<'a>) -> Vec<Hit<'a>> {
    let mut hits = Vec::new();
    for item in api.visible() {
        if !matches!(item.kind, ItemKind::Fn | ItemKind::Method) {
            continue;
        }
        let Ok(f) = syn::parse_str::<syn::ItemFn>(&format!("{} {{}}", item.signature)) else {
            continue;
        };
        let syn::ReturnType::Type(_, ret) = &f.sig.output else {
            continue;
        };
        let Some(error) = result_error(ret) else {
            continue;
        };
        let Some(what) = untyped(error) else { continue };
        hits.push(Hit {
            item,
            place: None,
            message: format!(
                "public {} `{}` returns its errors as `{what}`: callers cannot match on the failure",
                item.kind.word(),
                api.path_of(item)
            ),
            help: "return an error enum (derive it with thiserror), one variant per way it fails"
                .to_owned(),
        });
    }
    hits
}

/// `E` of `Result<T, E>` (any path ending in `Result` with two type arguments).
fn result_error(ty: &Type) -> Option<&Type> {
    let Type::Path(tp) = ty else { return None };
    let last = tp.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let types: Vec<&Type> = args
        .args
        .iter()
        .filter_map(|a| match a {
            GenericArgument::Type(t) => Some(t),
            _ => None,
        })
        .collect();
    match types.as_slice() {
        [_, error] => Some(error),
        _ => None,
    }
}

/// How `ty` is written when it is an untyped error: `String`, `&str`, `Box<dyn Error>`.
fn untyped(ty: &Type) -> Option<&'static str> {
    match ty {
        Type::Path(tp) if tp.qself.is_none() => {
            let last = tp.path.segments.last()?;
            if last.ident == "String" && last.arguments.is_empty() {
                return Some("String");
            }
            if last.ident == "Box" {
                let PathArguments::AngleBracketed(args) = &last.arguments else {
                    return None;
                };
                let Some(GenericArgument::Type(Type::TraitObject(obj))) = args.args.first() else {
                    return None;
                };
                let is_error = obj.bounds.iter().any(|b| match b {
                    syn::TypeParamBound::Trait(t) => {
                        t.path.segments.last().is_some_and(|s| s.ident == "Error")
                    }
                    _ => false,
                });
                return is_error.then_some("Box<dyn Error>");
            }
            None
        }
        Type::Reference(r) => match r.elem.as_ref() {
            Type::Path(tp) if tp.path.is_ident("str") => Some("&str"),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(sig: &str) -> Option<&'static str> {
        let f: syn::ItemFn = syn::parse_str(&format!("{sig} {{}}")).unwrap();
        let syn::ReturnType::Type(_, ret) = &f.sig.output else {
            return None;
        };
        result_error(ret).and_then(untyped)
    }

    #[test]
    fn untyped_errors_are_recognised() {
        assert_eq!(
            error_of("pub fn load() -> Result<Config, String>"),
            Some("String")
        );
        assert_eq!(
            error_of("pub fn a() -> std::result::Result<(), &'static str>"),
            Some("&str")
        );
        assert_eq!(
            error_of("pub fn a() -> Result<u8, Box<dyn std::error::Error + Send + Sync>>"),
            Some("Box<dyn Error>")
        );
        assert_eq!(error_of("pub fn a() -> Result<u8, LoadError>"), None);
        assert_eq!(error_of("pub fn a() -> io::Result<u8>"), None);
        assert_eq!(error_of("pub fn a() -> Result<String, Error>"), None);
        assert_eq!(error_of("pub fn a() -> Result<u8, Box<LoadError>>"), None);
        assert_eq!(error_of("pub fn a() -> Option<String>"), None);
    }
}
