// The documentation is scanned by tests/tests/lint_docs.rs, not compiled as doctests.
#![cfg_attr(not(doctest), doc = include_str!("docs/no-silent-failure.md"))]

use proc_macro2::Span;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Token};

use crate::lints::facts::{Condition, Receiver};
use crate::lints::rules::{Group, RuleId, RuleInfo, Scope};
use crate::lints::syntax::{KNOWN_RESULT_CALLS, closure_logs};
use crate::lints::walk::Walk;
use crate::report::{Category, Severity};

/// `no-silent-failure`.
pub const INFO: RuleInfo = RuleInfo {
    rule: RuleId::NoSilentFailure,
    id: "no-silent-failure",
    group: Group::Gates,
    // On the corpus's test part most of what it reported was not an error dropped (an `Option` read as a
    // `Result`, an error also recorded elsewhere, a drop the API documents): off until measured again.
    // The Lumen preset turns it on.
    nursery: true,
    phrase: "drops an error silently",
    category: Category::CodeQuality,
    scope: Scope::Everywhere,
    default: Severity::Critical,
    description: "an error dropped without a trace (`let _ = ..`, `.ok();`, empty `Err` arms)",
    help: "propagate the error, or log it and say why it is safe to continue",
    impact: "failures vanish and surface later as wrong results",
    checks: &[],
    doc: include_str!("docs/no-silent-failure.md"),
};

/// `let _ = call();`: a finding when the call returns a `Result` that can fail.
pub(crate) fn local(cx: &mut Walk<'_>, l: &syn::Local) {
    let (Some(init), syn::Pat::Wild(_)) = (&l.init, &l.pat) else {
        return;
    };
    if let Some(condition) = dropped(cx, &init.expr) {
        cx.hit_if(
            RuleId::NoSilentFailure,
            l.span(),
            "let _ = ..",
            Some(condition),
        );
    }
}

/// `call().ok();`: the statement drops the error.
pub(crate) fn stmt(cx: &mut Walk<'_>, s: &syn::Stmt) {
    let syn::Stmt::Expr(Expr::MethodCall(m), Some(_)) = s else {
        return;
    };
    if m.method != "ok" || !m.args.is_empty() || logs_error(&m.receiver) {
        return;
    }
    if let Some(condition) = dropped(cx, &m.receiver) {
        cx.hit_if(
            RuleId::NoSilentFailure,
            m.method.span(),
            ".ok(); discards the error",
            Some(condition),
        );
    }
}

/// `x.unwrap_or_default()` on a call that returns a `Result`.
pub(crate) fn method_call(cx: &mut Walk<'_>, m: &syn::ExprMethodCall, name: &str, span: Span) {
    if name != "unwrap_or_default" || !m.args.is_empty() {
        return;
    }
    let Some(condition) = cx.result_condition(&m.receiver) else {
        return;
    };
    // `x.get(k).map(f).unwrap_or_default()`: on a receiver whose type is not visible, a combinator's
    // `Option` is as likely as a `Result`; only a call known to fail (`parse`, `send`, ...) is judged.
    if let Condition::ReturnsResult {
        name,
        receiver: Some(Receiver::Unknown),
    } = &condition
        && !KNOWN_RESULT_CALLS.contains(&name.as_str())
    {
        return;
    }
    cx.hit_if(
        RuleId::NoSilentFailure,
        span,
        ".unwrap_or_default() on a Result",
        Some(condition),
    );
}

/// `Err(_) => {}`.
pub(crate) fn arm(cx: &mut Walk<'_>, a: &syn::Arm) {
    if is_err_wildcard(&a.pat) && is_empty_block(&a.body) {
        cx.hit(RuleId::NoSilentFailure, a.pat.span(), "Err(_) => {}");
    }
}

/// `if let Err(_) = .. {}`.
pub(crate) fn expr_if(cx: &mut Walk<'_>, i: &syn::ExprIf) {
    if let Expr::Let(l) = &*i.cond
        && is_err_wildcard(&l.pat)
        && i.then_branch.stmts.is_empty()
        && i.else_branch.is_none()
    {
        cx.hit(
            RuleId::NoSilentFailure,
            l.pat.span(),
            "if let Err(_) = .. {}",
        );
    }
}

/// What must hold for dropping the value of `expr` to drop an error: a `write!` into a writer that can
/// fail (a `String` cannot), a call that returns a `Result` that can be an `Err`; `None` when `expr`
/// is no call.
fn dropped(cx: &Walk<'_>, expr: &Expr) -> Option<Condition> {
    match expr {
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
                .and_then(|args| args.first().map(|t| cx.receiver(t)))
                .unwrap_or(Receiver::Unknown);
            Some(Condition::WriteCanFail { target })
        }
        Expr::Paren(p) => dropped(cx, &p.expr),
        other => cx.result_condition(other),
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
