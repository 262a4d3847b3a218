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
        let one = checker.one_name(&r.depends_on, "depends-on");
        let (crates, dep) = (checker.pattern(&r.crates), checker.pattern(&r.depends_on));
        dep.filter(|_| one)?;
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

#[cfg(test)]
mod tests {
    use crate::arch::rules::tests::{
        at, check, compile_errors, fixture, fixture_on_disk, messages,
    };

    #[test]
    fn crates_that_depend_and_implement_pass() {
        let findings = check(
            &fixture_on_disk(),
            r#"
[[arch.require]]
id = "plugin-a"
why = "w"
crates = "plugin-a"
depends-on = "engine"
implements = "Plugin"
"#,
        );
        assert_eq!(findings, []);
    }

    #[test]
    fn an_impl_in_test_code_does_not_count() {
        // plugin-b implements Plugin only inside `#[cfg(test)] mod tests`.
        let findings = check(
            &fixture_on_disk(),
            r#"
[[arch.require]]
id = "plugins"
why = "plugins plug into the engine"
crates = "plugin-*"
depends-on = "engine"
implements = "engine::Plugin"
"#,
        );
        assert_eq!(
            messages(&findings),
            ["`plugin-b` has no `impl engine::Plugin for ...` in its library code"]
        );
        let f = &findings[0];
        assert_eq!(f.kind, "arch::require");
        assert_eq!(f.crates, ["plugin-b", "engine"]);
        assert_eq!(
            f.help.as_deref(),
            Some("implement `engine`'s `engine::Plugin` trait")
        );
        assert_eq!(
            at(f.location.as_ref()).as_deref(),
            Some("plugin-b/Cargo.toml:2:1")
        );
        assert!(f.paths.is_empty());
    }

    #[test]
    fn a_missing_dependency_is_a_finding_at_the_package_name() {
        let findings = check(
            &fixture_on_disk(),
            r#"
[[arch.require]]
id = "helpers"
why = "w"
crates = "plugin-*"
depends-on = "helper"
"#,
        );
        assert_eq!(
            messages(&findings),
            ["`plugin-a` does not depend on `helper`"]
        );
        let f = &findings[0];
        assert_eq!(
            f.help.as_deref(),
            Some("add `helper` to [dependencies] of `plugin-a`")
        );
        assert_eq!(
            at(f.location.as_ref()).as_deref(),
            Some("plugin-a/Cargo.toml:2:1")
        );
    }

    #[test]
    fn a_renamed_dependency_counts_by_its_package_name() {
        // app depends on engine under the key `kernel`.
        let findings = check(
            &fixture_on_disk(),
            r#"
[[arch.require]]
id = "app-engine"
why = "w"
crates = "app"
depends-on = "engine"
"#,
        );
        assert_eq!(findings, []);
    }

    #[test]
    fn optional_and_dev_dependencies_do_not_count() {
        // app -> helper is optional, util -> engine is a dev-dependency.
        let findings = check(
            &fixture_on_disk(),
            r#"
[[arch.require]]
id = "app-helper"
why = "w"
crates = "app"
depends-on = "helper"

[[arch.require]]
id = "util-engine"
why = "w"
crates = "util"
depends-on = "engine"
"#,
        );
        assert_eq!(
            messages(&findings),
            [
                "`app` does not depend on `helper`",
                "`util` does not depend on `engine`",
            ]
        );
    }

    #[test]
    fn the_required_crate_itself_is_not_checked_and_indirect_dependencies_do_not_count() {
        let findings = check(
            &fixture_on_disk(),
            r#"
[[arch.require]]
id = "all-util"
why = "w"
crates = "*"
depends-on = "util"
"#,
        );
        // plugin-a and plugin-b reach util only through engine.
        assert_eq!(
            messages(&findings),
            [
                "`plugin-a` does not depend on `util`",
                "`plugin-b` does not depend on `util`",
            ]
        );
    }

    #[test]
    fn depends_on_is_one_crate_not_a_glob() {
        let errors = compile_errors(
            &fixture(),
            "[[arch.require]]\nid = \"r\"\nwhy = \"w\"\ncrates = \"plugin-b\"\ndepends-on = \"plugin-*\"\n",
        );
        assert_eq!(
            errors,
            [(
                5,
                "\"plugin-*\"".to_owned(),
                "`depends-on` names one crate, not a glob: `plugin-*`".to_owned()
            )]
        );
    }
}
