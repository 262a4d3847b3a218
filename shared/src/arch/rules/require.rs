//! `require`: crates must depend on B, and (optionally) implement a trait of B in their library code.

use std::collections::BTreeSet;

use guppy::graph::{BuildTargetId, PackageMetadata};
use syn::visit::Visit;

use crate::arch::cfg::RequireRule;
use crate::arch::graph::EdgeFilter;
use crate::arch::patterns::{NamePattern, PatternChecker};
use crate::arch::rules::{Context, RuleMeta};
use crate::report::{DepKind, Finding};
use crate::source::attrs::is_cfg_test;
use crate::source::crate_files;

/// A compiled require rule.
#[derive(Clone, Debug)]
pub struct Require {
    /// Id, why, severity.
    pub meta: RuleMeta,
    /// The crates.
    pub crates: NamePattern,
    /// The required dependency.
    pub depends_on: String,
    /// The trait to implement.
    pub implements: Option<String>,
}

/// The rule's one-line description.
pub(super) fn describe(r: &RequireRule) -> String {
    match &r.implements {
        Some(t) => format!(
            "`{}` must depend on `{}` and implement `{}`",
            r.crates.get_ref(),
            r.depends_on.get_ref(),
            t.get_ref()
        ),
        None => format!(
            "`{}` must depend on `{}`",
            r.crates.get_ref(),
            r.depends_on.get_ref()
        ),
    }
}

impl Require {
    /// Compiles the configured rule; `None` when a pattern is invalid (the error is in `checker`).
    pub(super) fn compile(
        r: &RequireRule,
        meta: RuleMeta,
        checker: &mut PatternChecker<'_>,
    ) -> Option<Require> {
        let (crates, dep) = (checker.pattern(&r.crates), checker.pattern(&r.depends_on));
        dep?;
        Some(Require {
            meta,
            crates: crates?,
            depends_on: r.depends_on.get_ref().to_owned(),
            implements: r.implements.as_ref().map(|t| t.get_ref().to_owned()),
        })
    }

    /// Evaluates the rule on the members it matches.
    pub(super) fn check(&self, ctx: &mut Context<'_, '_>) -> Vec<Finding> {
        check(
            ctx,
            &self.meta,
            &self.crates,
            &self.depends_on,
            self.implements.as_deref(),
        )
    }
}

fn check(
    ctx: &Context<'_, '_>,
    meta: &RuleMeta,
    crates: &NamePattern,
    depends_on: &str,
    implements: Option<&str>,
) -> Vec<Finding> {
    let graph = ctx.graph;
    let normal = EdgeFilter {
        kinds: vec![DepKind::Normal],
        include_optional: false,
    };
    let mut findings = Vec::new();
    for pkg in ctx
        .members
        .iter()
        .filter(|m| crates.matches(m.name()) && m.name() != depends_on)
    {
        let has_dep = graph
            .edges(*pkg, &normal)
            .iter()
            .any(|e| e.link.to().name() == depends_on);
        if !has_dep {
            let mut f = meta.finding(
                format!("`{}` does not depend on `{depends_on}`", pkg.name()),
                vec![pkg.name().to_owned(), depends_on.to_owned()],
                Vec::new(),
            );
            f.location = graph.manifests.package_name(pkg.manifest_path());
            f.help = Some(format!(
                "add `{depends_on}` to [dependencies] of `{}`",
                pkg.name()
            ));
            findings.push(f);
            continue;
        }
        let Some(trait_name) = implements else {
            continue;
        };
        if !implements_trait(*pkg, trait_name) {
            let mut f = meta.finding(
                format!(
                    "`{}` has no `impl {trait_name} for ...` in its library code",
                    pkg.name()
                ),
                vec![pkg.name().to_owned(), depends_on.to_owned()],
                Vec::new(),
            );
            f.location = graph.manifests.package_name(pkg.manifest_path());
            f.help = Some(format!("implement `{depends_on}`'s `{trait_name}` trait"));
            findings.push(f);
        }
    }
    findings
}

/// True if the library of `pkg` has `impl <path ending in trait_name> for ...` outside test code.
fn implements_trait(pkg: PackageMetadata<'_>, trait_name: &str) -> bool {
    let Some(lib) = pkg.build_target(&BuildTargetId::Library) else {
        return false;
    };
    let last = trait_name
        .rsplit("::")
        .next()
        .unwrap_or(trait_name)
        .to_owned();
    let (files, _) = crate_files(lib.path(), false, &|_, ast, _| {
        let mut finder = ImplFinder {
            trait_name: &last,
            found: BTreeSet::new(),
        };
        finder.visit_file(ast);
        !finder.found.is_empty()
    });
    files.iter().any(|(_, found)| *found)
}

struct ImplFinder<'a> {
    trait_name: &'a str,
    found: BTreeSet<String>,
}

impl<'ast> Visit<'ast> for ImplFinder<'_> {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if !is_cfg_test(&m.attrs) {
            syn::visit::visit_item_mod(self, m);
        }
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        if is_cfg_test(&i.attrs) {
            return;
        }
        if let Some((_, path, _)) = &i.trait_
            && path
                .segments
                .last()
                .is_some_and(|s| s.ident == self.trait_name)
        {
            self.found.insert(self.trait_name.to_owned());
        }
    }
}
