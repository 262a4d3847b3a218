// The documentation is scanned by tests/tests/lint_docs.rs, not compiled as doctests.
#![cfg_attr(not(doctest), doc = include_str!("docs/const-generics.md"))]

use proc_macro2::Span;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Token};

use crate::lints::advice::{MAX_ARRAY_LEN, fixed_len, only_array_uses};
use crate::lints::rules::{Group, RuleId, RuleInfo, Scope};
use crate::lints::walk::{Walk, parse_repeat};
use crate::report::{Category, ChecklistItem, Severity};

/// `const-generics`.
pub const INFO: RuleInfo = RuleInfo {
    rule: RuleId::ConstGenerics,
    id: "const-generics",
    group: Group::Checklist,
    nursery: true,
    phrase: "has a size known at compile time",
    category: Category::Performance,
    scope: Scope::Everywhere,
    default: Severity::Warning,
    description: "`vec![x; N]` with a literal or constant N (up to 1024) that is never grown, moved or \
                  returned; a `&[T]` parameter asserted to have length N",
    help: "use an array `[T; N]` (or `&[T; N]`, a const generic parameter) instead",
    impact: "a heap allocation and a run-time length check the type could remove",
    checks: &[ChecklistItem::ConstGenerics],
    doc: include_str!("docs/const-generics.md"),
};

/// `assert_eq!(p.len(), N)` (or `assert!(p.len() == N)`) on a `&[T]` parameter.
pub(crate) fn macro_call(cx: &mut Walk<'_>, mac: &syn::Macro, name: &str, span: Span) {
    if !matches!(
        name,
        "assert_eq" | "assert" | "debug_assert_eq" | "debug_assert"
    ) {
        return;
    }
    let Ok(args) = mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated) else {
        return;
    };
    let (len, size) = match (args.first(), args.get(1)) {
        (Some(Expr::Binary(b)), _) if matches!(b.op, syn::BinOp::Eq(_)) => (&*b.left, &*b.right),
        (Some(a), Some(b)) if name.ends_with("_eq") => (a, b),
        _ => return,
    };
    let (len, size) = if matches!(size, Expr::MethodCall(_)) {
        (size, len)
    } else {
        (len, size)
    };
    let Expr::MethodCall(m) = len else { return };
    let consts = |n: &str| cx.consts.get(n).copied();
    if m.method == "len"
        && m.args.is_empty()
        && cx.local_of(&m.receiver).is_some_and(|l| l.slice && l.param)
        && fixed_len(size, &consts).is_some()
    {
        cx.hit(
            RuleId::ConstGenerics,
            span,
            "a &[T] parameter asserted to have a fixed length",
        );
    }
}

/// `let buf = vec![0; 64];` followed only by uses an array has.
pub(crate) fn block(cx: &mut Walk<'_>, stmts: &[syn::Stmt]) {
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
        let consts = |n: &str| cx.consts.get(n).copied();
        let small = fixed_len(&size, &consts).is_some_and(|n| n <= MAX_ARRAY_LEN);
        if small && only_array_uses(&id.ident.to_string(), &stmts[i + 1..]) {
            cx.current = Some(m.span());
            cx.hit(
                RuleId::ConstGenerics,
                m.mac.path.span(),
                "vec![x; N] never grown, moved or returned",
            );
        }
    }
}
