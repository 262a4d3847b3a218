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
