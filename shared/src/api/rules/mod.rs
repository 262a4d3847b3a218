//! The hygiene rules of a public surface, one per file. Each reads the HEAD surface of one library crate
//! (and the base's, with `--base`) and returns hits; [`super::check`] makes them findings.
//!
//! All are in the group `nursery`: off until enabled in `[api] enable` (their precision on real crates is
//! in the README).

pub mod private_in_public;
pub mod pub_enum_exhaustive;
pub mod pub_error_type;
pub mod pub_undocumented;

use crate::report::Severity;
use crate::source::Place;
use crate::source::public::{Item, Surface};

/// One hygiene rule.
pub struct RuleInfo {
    /// Its id (`pub-error-type`); the finding kind is `api::<id>`.
    pub id: &'static str,
    /// One line on what it finds.
    pub summary: &'static str,
    /// The severity of its findings.
    pub severity: Severity,
    /// The check.
    pub check: for<'a> fn(&CrateApi<'a>) -> Vec<Hit<'a>>,
}

/// Every hygiene rule.
pub const RULES: [&RuleInfo; 4] = [
    &pub_error_type::RULE,
    &pub_undocumented::RULE,
    &private_in_public::RULE,
    &pub_enum_exhaustive::RULE,
];

/// The group every hygiene rule is in (`[api] enable = ["nursery"]` turns them all on).
pub const GROUP: &str = "nursery";

/// What a rule looks at: one library crate's surface at HEAD and at the base.
pub struct CrateApi<'a> {
    /// The package.
    pub package: &'a str,
    /// Its surface at HEAD.
    pub head: &'a Surface,
    /// Its surface at the base, with `--base` (and when it was a library there).
    pub base: Option<&'a Surface>,
}

impl<'a> CrateApi<'a> {
    /// True when no public path of `item` existed at the base (always false without a base).
    pub fn is_new(&self, item: &Item) -> bool {
        self.base.is_some_and(|base| {
            item.paths.iter().all(|p| {
                let path: Vec<&str> = p.segments.iter().map(String::as_str).collect();
                base.lookup(&path).is_none()
            })
        })
    }

    /// The path users write for `item`: the crate's name, then its first public path.
    pub fn path_of(&self, item: &Item) -> String {
        format!(
            "{}::{}",
            self.package.replace('-', "_"),
            item.display_path()
        )
    }

    /// The public items users see: reachable by a path that is not `#[doc(hidden)]`.
    pub fn visible(&self) -> impl Iterator<Item = &'a Item> + use<'a> {
        self.head
            .public()
            .filter(|item| item.paths.iter().any(|p| !p.doc_hidden))
    }
}

/// What a rule found.
pub struct Hit<'a> {
    /// The item it is about.
    pub item: &'a Item,
    /// Where, when not at the item's name.
    pub place: Option<Place>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// What to do instead.
    pub help: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn surface_of(lib: &str) -> (tempfile::TempDir, Surface) {
        crate::source::public::surface_of(&[("src/lib.rs", lib)])
    }

    /// The messages of `rule` on `head` (compared with `base` when given).
    fn hits(rule: &RuleInfo, head: &str, base: Option<&str>) -> Vec<String> {
        let (_h, head) = surface_of(head);
        let base = base.map(surface_of);
        let api = CrateApi {
            package: "my-lib",
            head: &head,
            base: base.as_ref().map(|(_, s)| s),
        };
        (rule.check)(&api).into_iter().map(|h| h.message).collect()
    }

    #[test]
    fn private_in_public_fires_on_unnameable_types_only() {
        let found = hits(
            &private_in_public::RULE,
            "mod detail { pub struct Handle; pub struct Named; pub type Alias = u8; }\npub use detail::Named;\npub fn open() -> detail::Handle { detail::Handle }\npub fn named() -> Named { Named }\npub fn alias() -> detail::Alias { 0 }\npub fn generic<T>(t: T) -> T { t }\npub fn foreign() -> std::fs::File { todo!() }\npub trait Sealed { #[doc(hidden)] fn hidden(&self) -> detail::Handle; }\n",
            None,
        );
        assert_eq!(
            found,
            [
                "public fn `my_lib::open` names `detail::Handle`, which no public path reaches: users cannot name its type"
            ]
        );
    }

    #[test]
    fn error_enums_and_docs_on_new_items_only_with_a_base() {
        let base = "/// Old.\npub enum OldError { A }\npub fn old() {}\n";
        let head = "/// Old.\npub enum OldError { A }\npub fn old() {}\npub enum NewError { A }\n#[non_exhaustive]\npub enum KeptError { A }\npub enum Color { Red }\n/// Documented.\npub fn documented() {}\npub fn bare() {}\n";
        assert_eq!(
            hits(&pub_enum_exhaustive::RULE, head, Some(base)),
            [
                "public error enum `my_lib::NewError` is not `#[non_exhaustive]`: adding a variant later breaks every caller that matches on it"
            ]
        );
        assert_eq!(hits(&pub_enum_exhaustive::RULE, head, None).len(), 2);
        assert_eq!(
            hits(&pub_undocumented::RULE, head, Some(base)),
            [
                "new public enum `my_lib::NewError` has no doc comment",
                "new public enum `my_lib::KeptError` has no doc comment",
                "new public enum `my_lib::Color` has no doc comment",
                "new public fn `my_lib::bare` has no doc comment",
            ]
        );
        assert_eq!(
            hits(&pub_undocumented::RULE, head, None),
            ["5 of 7 public items of `my-lib` have no doc comment (the first: `my_lib::old`)"]
        );
    }

    #[test]
    fn rule_ids_are_unique() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
    }
}
