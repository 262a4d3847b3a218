// The documentation is scanned by tests/tests/lint_docs.rs, not compiled as doctests.
#![cfg_attr(not(doctest), doc = include_str!("docs/rc-copy-on-write.md"))]

use syn::spanned::Spanned;

use crate::lints::advice::deep_copy_of;
use crate::lints::rules::{Group, RuleId, RuleInfo, Scope};
use crate::lints::walk::Walk;
use crate::report::{Category, ChecklistItem, Severity};

/// `rc-copy-on-write`.
pub const INFO: RuleInfo = RuleInfo {
    rule: RuleId::RcCopyOnWrite,
    id: "rc-copy-on-write",
    group: Group::Checklist,
    nursery: true,
    phrase: "copies an Rc's contents to change them",
    category: Category::Performance,
    scope: Scope::Everywhere,
    default: Severity::Warning,
    description: "`let mut x = (*rc).clone()` (or `rc.as_ref().clone()`): a deep copy of an Rc's or \
                  Arc's contents, made to be changed",
    help: "use `Rc::make_mut(&mut rc)`: it copies only when the value is shared",
    impact: "a full copy of the value even when nothing else holds it",
    checks: &[ChecklistItem::RcCloning],
    doc: include_str!("docs/rc-copy-on-write.md"),
};

pub(crate) fn declared(cx: &mut Walk<'_>, l: &syn::Local, mutable: bool) {
    let Some(init) = l.init.as_ref().map(|i| &*i.expr) else {
        return;
    };
    if mutable
        && let Some(rc) = deep_copy_of(init)
        && cx.local_of(rc).is_some_and(|l| l.rc)
    {
        cx.current = Some(init.span());
        cx.hit(
            RuleId::RcCopyOnWrite,
            init.span(),
            "a deep copy of an Rc's contents, to change",
        );
    }
}
