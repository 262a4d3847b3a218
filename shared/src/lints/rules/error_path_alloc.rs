// The documentation is scanned by tests/tests/lint_docs.rs, not compiled as doctests.
#![cfg_attr(not(doctest), doc = include_str!("docs/error-path-alloc.md"))]

use proc_macro2::Span;
use syn::punctuated::Punctuated;
use syn::{Expr, Token};

use crate::lints::advice::{MAY_ALLOCATE, is_empty_str};
use crate::lints::rules::{Group, RuleId, RuleInfo, Scope};
use crate::lints::walk::Walk;
use crate::report::{Category, ChecklistItem, Severity};

/// `error-path-alloc`.
pub const INFO: RuleInfo = RuleInfo {
    rule: RuleId::ErrorPathAlloc,
    id: "error-path-alloc",
    group: Group::Checklist,
    nursery: true,
    phrase: "allocates on an error path",
    category: Category::Performance,
    scope: Scope::HotOnly,
    default: Severity::Warning,
    description: "in a hot path: `Err(format!(..))`, `.map_err(|e| e.to_string())`, a boxed or \
                  formatted error, an allocation in an `Err(..)` arm",
    help: "return a typed error (an enum variant holding the values) and format it where it is shown",
    impact: "an allocation each time the hot path fails",
    checks: &[ChecklistItem::ErrorPathAllocations],
    doc: include_str!("docs/error-path-alloc.md"),
};

pub(crate) fn macro_call(cx: &mut Walk<'_>, mac: &syn::Macro, name: &str, span: Span) {
    match name {
        "anyhow" | "bail" | "format_err" | "eyre" if formats(mac) => {
            cx.on_error_path(|cx| allocation(cx, span, &format!("{name}!")))
        }
        "format" | "vec" => allocation(cx, span, &format!("{name}!")),
        _ => {}
    }
}

pub(crate) fn method_call(cx: &mut Walk<'_>, m: &syn::ExprMethodCall, name: &str, span: Span) {
    if m.args.is_empty()
        && matches!(name, "to_string" | "to_owned" | "to_vec" | "collect")
        && !is_empty_str(&m.receiver)
    {
        allocation(cx, span, &format!(".{name}()"));
    } else if MAY_ALLOCATE.contains(&name) {
        success_may_allocate(cx);
    }
}

pub(crate) fn call(cx: &mut Walk<'_>, prev: Option<&str>, last: &str, span: Span) {
    let allocates = matches!(
        (prev, last),
        (Some("String"), "from")
            | (Some("Box" | "Rc" | "Arc"), "new")
            | (Some("Vec" | "String"), "with_capacity")
    );
    if allocates {
        allocation(cx, span, &format!("{}::{last}", prev.unwrap_or_default()));
    } else if prev.is_some() && MAY_ALLOCATE.contains(&last) {
        success_may_allocate(cx);
    }
}

/// Records an allocation: an `error-path-alloc` hit when on an error path (kept only if the fn's
/// success path allocates nothing), else a mark that the success path allocates.
fn allocation(cx: &mut Walk<'_>, span: Span, what: &str) {
    if cx.error_path == 0 {
        if let Some(f) = cx.fn_allocs.last_mut() {
            f.success = true;
        }
        return;
    }
    cx.hit(RuleId::ErrorPathAlloc, span, what);
    if let Some(f) = cx.fn_allocs.last_mut()
        && let Some(hit) = cx.out.hits.pop()
    {
        f.error_hits.push(hit);
    }
}

/// Marks that the success path may allocate (a call we cannot see into): the fn's error-path hits are
/// then dropped, since its error path may not allocate more.
fn success_may_allocate(cx: &mut Walk<'_>) {
    if cx.error_path == 0
        && let Some(f) = cx.fn_allocs.last_mut()
    {
        f.success = true;
    }
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
