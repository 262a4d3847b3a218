//! `require`: crates must depend on B, and (optionally) implement a trait of B in their library code.

use std::collections::BTreeSet;

use guppy::graph::{BuildTargetId, PackageMetadata};
use rayon::prelude::*;
use syn::visit::Visit;

use crate::arch::prefilter::{self, Needles};
use crate::source::modtree::{Analysis, FileStamp, ModDecl, ModuleFile, on_big_stacks, walk};

use crate::arch::cfg::Features;
use crate::arch::cfg::RequireRule;
use crate::arch::graph::EdgeFilter;
use crate::arch::patterns::{NamePattern, PatternChecker};
use crate::arch::rules::{Context, RuleMeta};
use crate::report::{DepKind, Finding};
use crate::source::attrs::is_cfg_test;
use crate::source::crate_files;
use crate::source::facts::{self, FactsCache};

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
        let depends_on = checker.crate_name(&r.depends_on, "depends-on")?;
        let one = checker.one_name(&depends_on, "depends-on");
        let (crates, dep) = (checker.pattern(&r.crates), checker.pattern(&depends_on));
        dep.filter(|_| one)?;
        // The trait must be one the required crate defines (when its sources are ours to read).
        // Only the files that name the trait are parsed; the full list only for the error's help.
        if let (Some(t), Some(lib)) = (&r.implements, checker.library_of(depends_on.get_ref())) {
            let name = last_segment(t.get_ref());
            if !defines_trait(lib, name) {
                let defined = traits_defined(lib);
                let list: Vec<&str> = defined.iter().map(String::as_str).collect();
                checker.validator.error(
                    t,
                    format!("`{}` defines no trait `{name}`", depends_on.get_ref()),
                    "no such trait",
                    Some(if list.is_empty() {
                        "it defines no trait at all".to_owned()
                    } else {
                        format!("its traits: {}", list.join(", "))
                    }),
                );
                return None;
            }
        }
        let crates = crates?;
        let dep = checker.pattern(&depends_on)?;
        if checker.pairs_exist(&crates, &dep, &|a, b| a != b) == Some(false) {
            checker.never_fires(&r.id, "`crates` matches no member other than `depends-on`");
            return None;
        }
        Some(Require {
            meta,
            crates,
            depends_on: depends_on.get_ref().to_owned(),
            implements: r.implements.as_ref().map(|t| t.get_ref().to_owned()),
        })
    }

    /// Evaluates the rule on the members it matches.
    pub(super) fn check(&self, ctx: &mut Context<'_, '_>) -> Vec<Finding> {
        let graph = ctx.graph;
        let depends_on = self.depends_on.as_str();
        let normal = EdgeFilter {
            kinds: vec![DepKind::Normal],
            include_optional: false,
            features: Features::All,
        };
        let wanted = self.implements.as_deref().map(last_segment);
        let members: Vec<(PackageMetadata<'_>, bool)> = ctx
            .members
            .iter()
            .filter(|m| self.crates.matches(m.name()) && m.name() != depends_on)
            .map(|pkg| {
                let has_dep = graph
                    .edges(*pkg, &normal)
                    .iter()
                    .any(|e| e.link.to().name() == depends_on);
                (*pkg, has_dep)
            })
            .collect();
        // The traits each member implements, read for all of them at once (each is a walk of its own).
        let (prefilter, facts_dir) = (ctx.prefilter, ctx.facts_dir.as_deref());
        let implemented: Vec<Option<BTreeSet<String>>> = on_big_stacks(|| {
            members
                .par_iter()
                .map(|(pkg, has_dep)| {
                    let w = wanted.filter(|_| *has_dep)?;
                    Some(impl_traits(*pkg, &[w], prefilter, facts_dir))
                })
                .collect()
        });
        let mut findings = Vec::new();
        for ((pkg, has_dep), implemented) in members.iter().zip(implemented) {
            if !has_dep {
                let mut f = self.meta.finding(
                    format!("`{}` does not depend on `{depends_on}`", pkg.name()),
                    vec![pkg.name().to_owned(), depends_on.to_owned()],
                    Vec::new(),
                );
                f.location = graph.manifests.package_name(pkg.manifest_path());
                f.help = Some(format!(
                    "add `{depends_on}` to [dependencies] of `{}`",
                    pkg.name()
                ));
                f.impact = Some(format!(
                    "`{}` is built without `{depends_on}`: none of its types or traits are available to it",
                    pkg.name()
                ));
                findings.push(f);
                continue;
            }
            let (Some(trait_name), Some(wanted), Some(implemented)) =
                (self.implements.as_deref(), wanted, implemented)
            else {
                continue;
            };
            // Only the files that name the trait can implement it.
            if implemented.contains(wanted) {
                continue;
            }
            let mut f = self.meta.finding(
                format!(
                    "`{}` has no `impl {trait_name} for ...` in its library code",
                    pkg.name()
                ),
                vec![pkg.name().to_owned(), depends_on.to_owned()],
                Vec::new(),
            );
            f.location = graph.manifests.package_name(pkg.manifest_path());
            f.help = Some(format!("implement `{depends_on}`'s `{trait_name}` trait"));
            let theirs = graph
                .ws
                .graph
                .packages()
                .find(|p| p.name() == depends_on)
                .and_then(|p| p.build_target(&BuildTargetId::Library))
                .map(|lib| traits_defined(lib.path()))
                .unwrap_or_default();
            let words: Vec<&str> = theirs.iter().map(String::as_str).collect();
            let implemented = impl_traits(*pkg, &words, ctx.prefilter, ctx.facts_dir.as_deref());
            let instead: Vec<String> = implemented
                .iter()
                .filter(|t| theirs.contains(*t))
                .map(|t| format!("`{t}`"))
                .collect();
            let name = pkg.name();
            f.impact = Some(if instead.is_empty() {
                format!(
                    "`{name}` cannot be used where `{depends_on}` expects a `{wanted}`: it implements none of `{depends_on}`'s traits"
                )
            } else {
                format!(
                    "`{name}` cannot be used where `{depends_on}` expects a `{wanted}`: of `{depends_on}`'s traits it implements only {}",
                    instead.join(", ")
                )
            });
            findings.push(f);
        }
        findings
    }
}

/// `Trait` of `crate::module::Trait`.
fn last_segment(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

/// Among `traits` (last segments), those the library of `pkg` implements with `impl Trait for ..`,
/// outside test code. With `prefilter`, only the files that name one of them are parsed.
fn impl_traits(
    pkg: PackageMetadata<'_>,
    traits: &[&str],
    prefilter: bool,
    facts_dir: Option<&std::path::Path>,
) -> BTreeSet<String> {
    let Some(lib) = pkg.build_target(&BuildTargetId::Library) else {
        return BTreeSet::new();
    };
    let looked_for = facts::hash_of(&traits);
    // One cache per set of traits looked for: a finding's second look (every trait of the required
    // crate) keeps its own, instead of replacing the first one's skipped files at each run.
    let cache = facts_dir
        .map(|dir| FactsCache::open(dir, &format!("impls-{}-{looked_for:016x}", pkg.name())));
    let scan = ImplScan {
        needles: prefilter.then(|| Needles::new(traits)),
        skipped: prefilter.then_some(looked_for),
        facts: cache.as_ref(),
    };
    let (files, _) = walk(lib.path(), false, &scan);
    if let Some(cache) = cache {
        cache.save();
    }
    files
        .into_iter()
        .flat_map(|(_, found)| found)
        .filter(|t| traits.contains(&t.as_str()))
        .collect()
}

/// The traits a file implements; with needles, a file that names none of them is not parsed.
struct ImplScan<'a> {
    needles: Option<Needles>,
    /// The context of a file skipped for naming none of the traits (it has no facts for other traits).
    skipped: Option<u64>,
    /// Each file's traits from an earlier run (every trait it implements when parsed: context [`PARSED`]).
    facts: Option<&'a FactsCache>,
}

/// The context of a parsed file's traits: every trait it implements, whatever was looked for.
const PARSED: u64 = 0;

impl Analysis for ImplScan<'_> {
    type Output = BTreeSet<String>;

    /// A file whose stamp is as recorded: every trait it implements when it was parsed, none when it was
    /// skipped for naming none of the traits looked for now.
    fn unchanged(
        &self,
        file: &ModuleFile,
        stamp: &FileStamp,
    ) -> Option<(BTreeSet<String>, Vec<ModDecl>)> {
        let skipped = self.skipped.unwrap_or(PARSED);
        self.facts?
            .unchanged(file.path.as_str(), stamp, &[PARSED, skipped])
    }

    fn cached(
        &self,
        file: &ModuleFile,
        text: &str,
        stamp: Option<&FileStamp>,
    ) -> Option<(BTreeSet<String>, Vec<ModDecl>)> {
        if let Some(decls) = prefilter::skip(text, &[self.needles.as_ref()?]) {
            if let (Some(cache), Some(skipped)) = (self.facts, self.skipped) {
                cache.put(
                    file.path.as_str(),
                    text,
                    stamp,
                    skipped,
                    &BTreeSet::<String>::new(),
                    &decls,
                );
            }
            return Some((BTreeSet::new(), decls));
        }
        self.facts?.get(file.path.as_str(), text, stamp, PARSED)
    }

    fn analyzed(
        &self,
        file: &ModuleFile,
        text: &str,
        stamp: Option<&FileStamp>,
        out: &BTreeSet<String>,
        decls: &[ModDecl],
    ) {
        if let Some(cache) = self.facts {
            cache.put(file.path.as_str(), text, stamp, PARSED, out, decls);
        }
    }

    fn analyze(&self, _file: &ModuleFile, ast: &syn::File, _text: &str) -> BTreeSet<String> {
        let mut finder = TraitFinder::default();
        finder.visit_file(ast);
        finder.implemented
    }
}

/// True if the library at `lib` defines or re-exports a trait `name`; only files that name it are parsed.
fn defines_trait(lib: &camino::Utf8Path, name: &str) -> bool {
    let scan = DefinesTrait {
        name,
        needles: Needles::new([name]),
    };
    let (files, _) = walk(lib, false, &scan);
    files.into_iter().any(|(_, found)| found)
}

/// Whether a file defines or re-exports the trait `name`; a file that does not name it is not parsed.
struct DefinesTrait<'a> {
    name: &'a str,
    needles: Needles,
}

impl Analysis for DefinesTrait<'_> {
    type Output = bool;

    fn cached(
        &self,
        _file: &ModuleFile,
        text: &str,
        _stamp: Option<&FileStamp>,
    ) -> Option<(bool, Vec<ModDecl>)> {
        let decls = prefilter::skip(text, &[&self.needles])?;
        Some((false, decls))
    }

    fn analyze(&self, _file: &ModuleFile, ast: &syn::File, _text: &str) -> bool {
        let mut finder = TraitFinder::default();
        finder.visit_file(ast);
        finder.defined.contains(self.name)
    }
}

/// The traits the library at `lib` defines (`trait T`) or re-exports (`pub use ..::T`), outside test code.
fn traits_defined(lib: &camino::Utf8Path) -> BTreeSet<String> {
    let (files, _) = crate_files(lib, false, &|_, ast, _| {
        let mut finder = TraitFinder::default();
        finder.visit_file(ast);
        finder.defined
    });
    files.into_iter().flat_map(|(_, found)| found).collect()
}

#[derive(Default)]
struct TraitFinder {
    implemented: BTreeSet<String>,
    defined: BTreeSet<String>,
}

impl<'ast> Visit<'ast> for TraitFinder {
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
            && let Some(last) = path.segments.last()
        {
            self.implemented.insert(last.ident.to_string());
        }
    }

    fn visit_item_trait(&mut self, t: &'ast syn::ItemTrait) {
        if !is_cfg_test(&t.attrs) {
            self.defined.insert(t.ident.to_string());
        }
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        // A re-exported trait (`pub use engine::Plugin;`): its name, if it looks like a type's.
        if matches!(u.vis, syn::Visibility::Public(_)) {
            let text = quote::ToTokens::to_token_stream(&u.tree).to_string();
            for word in text.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
                if word.starts_with(|c: char| c.is_ascii_uppercase()) {
                    self.defined.insert(word.to_owned());
                }
            }
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

    #[test]
    fn a_trait_the_required_crate_does_not_define_is_an_error_at_load_time() {
        let errors = compile_errors(
            &fixture_on_disk(),
            "[[arch.require]]\nid = \"r\"\nwhy = \"w\"\ncrates = \"plugin-*\"\ndepends-on = \"engine\"\nimplements = \"Plugn\"\n",
        );
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].0, 6);
        assert_eq!(errors[0].2, "`engine` defines no trait `Plugn`");
    }
}
