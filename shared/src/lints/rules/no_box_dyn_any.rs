// The documentation is scanned by tests/tests/lint_docs.rs, not compiled as doctests.
#![cfg_attr(not(doctest), doc = include_str!("docs/no-box-dyn-any.md"))]

use syn::spanned::Spanned;

use crate::lints::facts::{AnyAliases, Hit, IdentType};
use crate::lints::rules::{Group, RuleId, RuleInfo, Scope};
use crate::lints::syntax::{boxed, is_dyn_any, is_panic_payload, single_ident};
use crate::lints::walk::Walk;
use crate::report::{Category, Severity};

/// `no-box-dyn-any`.
pub const INFO: RuleInfo = RuleInfo {
    rule: RuleId::NoBoxDynAny,
    id: "no-box-dyn-any",
    group: Group::Gates,
    // On code nobody tuned it on, most `Box<dyn Any>` hold user data of types the crate cannot know
    // (host data, TypeId-keyed capabilities): Any is their API. The Lumen preset turns it on.
    nursery: true,
    phrase: "instead of a typed enum",
    category: Category::CodeQuality,
    scope: Scope::Everywhere,
    default: Severity::Critical,
    description: "`Box<dyn Any>` in any spelling",
    help: "use a typed enum",
    impact: "type errors move from compile time to run time",
    checks: &[],
    doc: include_str!("docs/no-box-dyn-any.md"),
};

pub(crate) fn written_type(cx: &mut Walk<'_>, ty: &syn::Type) {
    if let Some(inner) = boxed(ty) {
        if is_dyn_any(inner) && !is_panic_payload(inner) {
            cx.hit(RuleId::NoBoxDynAny, ty.span(), "Box<dyn Any>");
        } else if let Some(name) = single_ident(inner) {
            cx.ident_type(name, true, ty.span());
        }
    } else if let Some(name) = single_ident(ty) {
        cx.ident_type(name, false, ty.span());
    }
}

/// Records the aliases a `type` item makes of `dyn Any` or `Box<dyn Any>`.
pub(crate) fn item_type(cx: &mut Walk<'_>, t: &syn::ItemType) {
    if is_dyn_any(&t.ty) {
        cx.out.aliases.dyn_any.push(t.ident.to_string());
    } else if boxed(&t.ty).is_some_and(|inner| is_dyn_any(inner) && !is_panic_payload(inner)) {
        cx.out.aliases.box_any.push(t.ident.to_string());
    }
}

/// `fn as_boxed_any(self: Box<Self>) -> Box<dyn Any>`: the upcast that makes a trait object
/// downcastable (rhai's Variant) returns `Box<dyn Any>` by definition; its return type is not walked.
pub(crate) fn is_any_upcast(sig: &syn::Signature) -> bool {
    sig.receiver().is_some_and(|r| boxed(&r.ty).is_some())
        && matches!(&sig.output, syn::ReturnType::Type(_, ty) if boxed(ty).is_some_and(is_dyn_any))
}

/// The hit of a single-identifier type that is one of the crate's aliases of `dyn Any` (boxed) or of
/// `Box<dyn Any>`.
pub(crate) fn alias_hit(t: &IdentType, aliases: &AnyAliases) -> Option<Hit> {
    let via = if t.boxed && aliases.dyn_any.contains(&t.name) {
        format!("Box<{}> (an alias of dyn Any)", t.name)
    } else if !t.boxed && aliases.box_any.contains(&t.name) {
        format!("{} (an alias of Box<dyn Any>)", t.name)
    } else {
        return None;
    };
    Some(Hit {
        rule: RuleId::NoBoxDynAny,
        line: t.line,
        column: t.column,
        length: t.length,
        what: via,
        hot: t.hot,
        loop_depth: 0,
        per_call: false,
        test: t.test,
        item: t.item.to_owned(),
        code: t.code.to_owned(),
        condition: None,
    })
}
