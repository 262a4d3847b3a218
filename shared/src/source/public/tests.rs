use super::*;

fn paths(surface: &Surface, name: &str) -> Vec<String> {
    let item = surface
        .items
        .iter()
        .find(|i| i.name == name)
        .unwrap_or_else(|| panic!("no item {name}"));
    surface
        .paths_of(item)
        .iter()
        .map(PublicPath::joined)
        .collect()
}

#[test]
fn pub_mod_and_reexports_give_every_public_path() {
    let (_dir, s) = surface_of(&[
        (
            "src/lib.rs",
            "pub mod prelude;\nmod store;\npub(crate) mod inner;\npub mod api { pub use crate::store::{self as storage, Table as T}; }\npub use store::Table;\n",
        ),
        (
            "src/prelude.rs",
            "//! The prelude.\npub use crate::store::*;\npub use super::store::KMap as Map;\n",
        ),
        (
            "src/store.rs",
            "/// A map.\npub struct KMap<K> { pub len: usize, cap: usize }\npub struct Table;\npub(crate) fn helper() {}\nfn private() {}\n",
        ),
        ("src/inner.rs", "pub fn unreachable() {}\n"),
    ]);
    assert!(
        s.resolve(&["prelude"]).unwrap().documented,
        "//! in its file"
    );
    assert!(!s.resolve(&["api"]).unwrap().documented);
    assert_eq!(
        paths(&s, "KMap"),
        ["prelude::KMap", "prelude::Map", "api::storage::KMap"]
    );
    assert_eq!(
        paths(&s, "Table"),
        ["Table", "api::T", "prelude::Table", "api::storage::Table"]
    );
    assert!(paths(&s, "unreachable").is_empty(), "pub(crate) mod");
    assert!(paths(&s, "helper").is_empty(), "pub(crate) fn");
    assert!(paths(&s, "private").is_empty());
    let kmap = s.resolve(&["prelude", "KMap"]).unwrap();
    assert_eq!(kmap.module, ["store"]);
    assert_eq!(kmap.kind, ItemKind::Struct);
    assert_eq!(kmap.place.line, 2);
    assert!(kmap.file.ends_with("src/store.rs"));
    assert!(kmap.documented);
    assert_eq!(
        kmap.signature,
        "pub struct KMap<K> {\n    pub len: usize,\n    /* private fields */\n}"
    );
    assert!(std::ptr::eq(s.resolve(&["prelude", "Map"]).unwrap(), kmap));
    assert!(std::ptr::eq(
        s.resolve(&["api", "storage", "KMap"]).unwrap(),
        kmap
    ));
    assert!(s.resolve(&["store", "KMap"]).is_none(), "private module");
    assert!(s.resolve(&["inner", "unreachable"]).is_none());
    assert!(
        s.resolve(&["prelude", "helper"]).is_none(),
        "glob brings no pub(crate) as pub"
    );
    assert!(s.unresolved.is_empty(), "{:?}", s.unresolved);
}

#[test]
fn reexports_into_other_crates_are_external() {
    let (_dir, s) = surface_of(&[(
        "src/lib.rs",
        "pub use other_crate as derive;\npub use ::serde::Serialize;\npub use third::io::*;\nuse fourth as f;\npub use f::deep::Thing;\npub mod m { pub use std::fmt::Display; }\n",
    )]);
    let ext = |path: &[&str]| match s.lookup(path) {
        Some(Target::External(e)) => (e.krate, e.path.join("::")),
        other => panic!("{path:?}: {other:?}"),
    };
    assert_eq!(ext(&["derive"]), ("other_crate".to_owned(), String::new()));
    assert_eq!(
        ext(&["derive", "some_fn"]),
        ("other_crate".to_owned(), "some_fn".to_owned())
    );
    assert_eq!(
        ext(&["Serialize"]),
        ("serde".to_owned(), "Serialize".to_owned())
    );
    assert_eq!(
        ext(&["Thing"]),
        ("fourth".to_owned(), "deep::Thing".to_owned())
    );
    assert_eq!(
        ext(&["m", "Display"]),
        ("std".to_owned(), "fmt::Display".to_owned())
    );
    // Not declared here: through `pub use third::io::*`, if `third` has it.
    assert_eq!(ext(&["Read"]), ("third".to_owned(), "io::Read".to_owned()));
    let listed: Vec<(String, String, String, bool)> = s
        .external
        .iter()
        .map(|e| {
            (
                e.path.join("::"),
                e.krate.to_owned(),
                e.target.join("::"),
                e.glob,
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            (String::new(), "third".to_owned(), "io".to_owned(), true),
            (
                "Serialize".to_owned(),
                "serde".to_owned(),
                "Serialize".to_owned(),
                false
            ),
            (
                "Thing".to_owned(),
                "fourth".to_owned(),
                "deep::Thing".to_owned(),
                false
            ),
            (
                "derive".to_owned(),
                "other_crate".to_owned(),
                String::new(),
                false
            ),
            (
                "m::Display".to_owned(),
                "std".to_owned(),
                "fmt::Display".to_owned(),
                false
            ),
        ]
    );
    let derive = s.external.iter().find(|e| e.path == ["derive"]).unwrap();
    assert_eq!(derive.place.line, 1);
}

#[test]
fn chains_self_super_and_use_order_do_not_matter() {
    let (_dir, s) = surface_of(&[(
        "src/lib.rs",
        "pub use b::Last;\nmod b { pub use super::c::Mid as Last; }\nmod c { pub use self::d::First as Mid; mod d { pub fn First() {} } }\npub mod e { pub use super::*; }\n",
    )]);
    assert_eq!(paths(&s, "First"), ["Last", "e::Last"]);
    assert_eq!(s.resolve(&["e", "Last"]).unwrap().kind, ItemKind::Fn);
    assert!(s.resolve(&["e", "e", "Last"]).is_none() || paths(&s, "First").len() <= MAX_PATHS);
}

#[test]
fn doc_hidden_macros_cfg_and_test_code() {
    let (_dir, s) = surface_of(&[(
        "src/lib.rs",
        "#[doc(hidden)]\npub mod private_api { pub fn internal() {} }\n#[doc(hidden)]\npub use inner::Shown as Hidden;\nmod inner { pub struct Shown; }\npub use inner::Shown;\nmod macros {\n#[macro_export]\nmacro_rules! mac { () => {} }\nmacro_rules! local { () => {} }\n}\n#[cfg(feature = \"std\")]\npub fn with_std() {}\n#[cfg(test)]\npub fn test_only() {}\n#[cfg(test)]\nmod tests { pub fn t() {} }\n",
    )]);
    let internal = s.resolve(&["private_api", "internal"]).unwrap();
    assert!(internal.paths[0].doc_hidden);
    let shown = s.resolve(&["Shown"]).unwrap();
    let flags: Vec<(String, bool)> = shown
        .paths
        .iter()
        .map(|p| (p.joined(), p.doc_hidden))
        .collect();
    assert_eq!(
        flags,
        [("Shown".to_owned(), false), ("Hidden".to_owned(), true)]
    );
    let mac = s.resolve(&["mac"]).unwrap();
    assert_eq!(
        (mac.kind, mac.module.as_slice()),
        (ItemKind::Macro, &["macros".to_owned()][..])
    );
    assert!(paths(&s, "local").is_empty());
    assert_eq!(
        s.resolve(&["with_std"]).unwrap().cfg.as_deref(),
        Some("feature = \"std\"")
    );
    assert!(
        s.items
            .iter()
            .all(|i| i.name != "test_only" && i.name != "t")
    );
}

#[test]
fn signatures_are_normalised_and_shapes_ignore_parameter_names() {
    let (_dir, s) = surface_of(&[(
        "src/lib.rs",
        r#"
/// Loads.
#[inline]
pub fn load<T:Clone>( mut path : &str, n: T ) -> Result<Config,String> where T: Default { todo!() }
pub fn load2<T: Clone>(p: &str, m: T) -> Result<Config, String> where T: Default { loop {} }
#[non_exhaustive]
pub enum Error { Io(std::io::Error), Parse { line: u32 }, Other = 3 }
pub struct Config(pub u32, String);
pub struct Opaque { inner: u8 }
pub trait Source { fn read(&self) -> u8; fn name(&self) -> &str { "x" } const N: usize = 1; type Out; }
pub const MAX: usize = 10;
pub static NAME: &str = "n";
pub type Res<T> = Result<T, Error>;
impl Config { pub fn new(v: u32) -> Self { Config(v, String::new()) } fn private(&self) {} pub const ZERO: u32 = 0; }
"#,
    )]);
    let load = s.resolve(&["load"]).unwrap();
    assert_eq!(
        load.signature,
        "pub fn load<T: Clone>(mut path: &str, n: T) -> Result<Config, String>\nwhere\n    T: Default,"
    );
    assert_eq!(
        load.shape,
        s.resolve(&["load2"])
            .unwrap()
            .shape
            .replace("load2", "load")
    );
    assert!(load.documented);
    let error = s.resolve(&["Error"]).unwrap();
    assert!(error.non_exhaustive);
    assert_eq!(
        error.signature,
        "#[non_exhaustive]\npub enum Error {\n    Io(std::io::Error),\n    Parse { line: u32 },\n    Other = 3,\n}"
    );
    assert_eq!(
        s.resolve(&["Config"]).unwrap().signature,
        "pub struct Config(pub u32, _);"
    );
    assert_eq!(
        s.resolve(&["Opaque"]).unwrap().signature,
        "pub struct Opaque { /* private fields */ }"
    );
    assert_eq!(
        s.resolve(&["Source"]).unwrap().signature,
        "pub trait Source {\n    fn read(&self) -> u8;\n    fn name(&self) -> &str {}\n    const N: usize = _;\n    type Out;\n}"
    );
    assert_eq!(
        s.resolve(&["MAX"]).unwrap().signature,
        "pub const MAX: usize = _;"
    );
    assert_eq!(
        s.resolve(&["NAME"]).unwrap().signature,
        "pub static NAME: &str = _;"
    );
    assert_eq!(
        s.resolve(&["Res"]).unwrap().signature,
        "pub type Res<T> = Result<T, Error>;"
    );
    let new = s.resolve(&["Config", "new"]).unwrap();
    assert_eq!(new.kind, ItemKind::Method);
    assert_eq!(new.signature, "pub fn new(v: u32) -> Self");
    assert_eq!(paths(&s, "new"), ["Config::new"]);
    assert_eq!(
        s.resolve(&["Config", "ZERO"]).unwrap().kind,
        ItemKind::AssocConst
    );
    assert!(s.resolve(&["Config", "private"]).is_none());
    let mentioned: Vec<String> = load.mentions.iter().map(|m| m.path.join("::")).collect();
    assert_eq!(mentioned, ["T", "str", "T", "Result", "Config", "String"]);
}

#[test]
fn a_moved_item_keeps_its_path_and_shape() {
    let before = surface_of(&[
        ("src/lib.rs", "mod a;\npub use a::Thing;\n"),
        ("src/a.rs", "pub struct Thing { pub x: u8 }\n"),
    ]);
    let after = surface_of(&[
        ("src/lib.rs", "mod b;\npub use b::c::Thing;\n"),
        (
            "src/b.rs",
            "pub(crate) mod c { pub struct Thing { pub x: u8 } }\n",
        ),
    ]);
    let old = before.1.resolve(&["Thing"]).unwrap();
    let new = after.1.resolve(&["Thing"]).unwrap();
    assert_eq!(old.paths, new.paths);
    assert_eq!(old.shape, new.shape);
    assert_ne!(old.module, new.module);
}

#[test]
fn unresolvable_reexports_are_listed_not_guessed() {
    let (_dir, s) = surface_of(&[(
        "src/lib.rs",
        "mod a {}\npub use a::Missing;\npub use self::nothing::X;\npub enum E { A }\npub use E::A;\n",
    )]);
    let listed: Vec<String> = s.unresolved.iter().map(|u| u.path.join("::")).collect();
    assert_eq!(listed, ["a::Missing", "self::nothing::X"]);
    assert!(s.resolve(&["A"]).is_none(), "enum variants are the enum's");
}

/// The names of a surface's public items, with their paths.
fn public_names(s: &Surface) -> Vec<String> {
    let mut names: Vec<String> = s
        .public()
        .flat_map(|item| s.paths_of(item).iter().map(PublicPath::joined))
        .collect();
    names.sort();
    names
}

#[test]
fn unchanged_files_come_from_the_facts_cache_and_changed_ones_are_parsed() {
    let (dir, uncached) = surface_of(&[
        ("src/lib.rs", "pub mod a;\npub use a::Moved;\n"),
        ("src/a.rs", "pub struct Moved;\npub fn original() {}\n"),
    ]);
    let root = Utf8PathBuf::from_path_buf(dir.path().join("src/lib.rs")).unwrap();
    let state = tempfile::tempdir().unwrap();
    let first = surface_cached(&root, Some(state.path()));
    assert_eq!(public_names(&first), public_names(&uncached));

    // The cache is what the second run reads: an entry edited in the cache shows in the surface, which
    // it could not if the file were parsed again.
    let cache_file = surface_cache_file(state.path());
    let text = std::fs::read_to_string(&cache_file).unwrap();
    assert!(text.contains("\"original\""), "{text}");
    std::fs::write(&cache_file, text.replace("\"original\"", "\"from_cache\"")).unwrap();
    let second = surface_cached(&root, Some(state.path()));
    assert!(
        public_names(&second).contains(&"a::from_cache".to_owned()),
        "{:?}",
        public_names(&second)
    );

    // A changed file is parsed again.
    std::fs::write(
        dir.path().join("src/a.rs"),
        "pub struct Moved;\npub fn renamed() {}\n",
    )
    .unwrap();
    let third = surface_cached(&root, Some(state.path()));
    assert_eq!(public_names(&third), public_names(&surface(&root)));
    assert!(public_names(&third).contains(&"a::renamed".to_owned()));
}

/// The one `surface-*.json` facts file under `state`.
fn surface_cache_file(state: &std::path::Path) -> std::path::PathBuf {
    std::fs::read_dir(state.join("source-facts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("surface-")
        })
        .expect("a surface-*.json facts file")
}

#[test]
fn a_file_whose_stat_is_unchanged_is_not_read_and_any_change_on_disk_is_seen() {
    use crate::source::facts::tests::with_settled_files;
    let (dir, _) = surface_of(&[
        ("src/lib.rs", "pub mod a;\n"),
        ("src/a.rs", "pub fn original() {}\n"),
    ]);
    let root = Utf8PathBuf::from_path_buf(dir.path().join("src/lib.rs")).unwrap();
    let state = tempfile::tempdir().unwrap();
    let run = || with_settled_files(|| public_names(&surface_cached(&root, Some(state.path()))));
    assert_eq!(run(), ["a", "a::original"]);

    // The stamp alone answers: with the text hashes in the cache spoiled, an entry edited there still
    // shows, which it could not if the file were read (its text would no longer match).
    let cache_file = surface_cache_file(state.path());
    let text = std::fs::read_to_string(&cache_file).unwrap();
    assert!(text.contains("\"stamp\""), "{text}");
    let spoiled = regex_lite_replace_text_hashes(&text).replace("\"original\"", "\"from_cache\"");
    std::fs::write(&cache_file, spoiled).unwrap();
    assert_eq!(run(), ["a", "a::from_cache"]);

    // Rewritten with the same size: read again.
    let a = dir.path().join("src/a.rs");
    std::fs::write(&a, "pub fn rewrites() {}\n").unwrap();
    assert_eq!(run(), ["a", "a::rewrites"]);

    // Touched without a change: read again (the text hashes as before), and its new stamp recorded.
    let file = std::fs::File::options().write(true).open(&a).unwrap();
    file.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(30))
        .unwrap();
    drop(file);
    assert_eq!(run(), ["a", "a::rewrites"]);
    assert_eq!(run(), ["a", "a::rewrites"]);

    // A new module file.
    std::fs::write(dir.path().join("src/lib.rs"), "pub mod a;\npub mod b;\n").unwrap();
    std::fs::write(dir.path().join("src/b.rs"), "pub fn new_one() {}\n").unwrap();
    assert_eq!(run(), ["a", "a::rewrites", "b", "b::new_one"]);

    // A module file removed: its items are gone and the missing file is a problem.
    std::fs::remove_file(&a).unwrap();
    let gone = with_settled_files(|| surface_cached(&root, Some(state.path())));
    assert_eq!(public_names(&gone), ["a", "b", "b::new_one"]);
    assert!(
        gone.problems
            .iter()
            .any(|p| p.message.starts_with("module file not found")),
        "{:?}",
        gone.problems
    );
}

/// `"text":<digits>` with the digits changed, so no text hashes as the cache says.
fn regex_lite_replace_text_hashes(json: &str) -> String {
    let mut out = String::new();
    let mut rest = json;
    while let Some(at) = rest.find("\"text\":") {
        let (head, tail) = rest.split_at(at + "\"text\":".len());
        out.push_str(head);
        let digits = tail.chars().take_while(char::is_ascii_digit).count();
        out.push('1');
        rest = &tail[digits..];
    }
    out.push_str(rest);
    out
}

#[test]
fn a_file_rewritten_with_the_same_size_just_after_a_run_is_seen() {
    // Real clock: the files were just written, so their stamps are not trusted (racy git).
    let (dir, _) = surface_of(&[
        ("src/lib.rs", "pub mod a;\n"),
        ("src/a.rs", "pub fn first() {}\n"),
    ]);
    let root = Utf8PathBuf::from_path_buf(dir.path().join("src/lib.rs")).unwrap();
    let state = tempfile::tempdir().unwrap();
    let run = || public_names(&surface_cached(&root, Some(state.path())));
    assert_eq!(run(), ["a", "a::first"]);
    let a = dir.path().join("src/a.rs");
    let before = std::fs::metadata(&a).unwrap().modified().unwrap();
    std::fs::write(&a, "pub fn other() {}\n").unwrap();
    // As on a file system with coarse times: the same size and modification time.
    let file = std::fs::File::options().write(true).open(&a).unwrap();
    file.set_modified(before).unwrap();
    drop(file);
    assert_eq!(run(), ["a", "a::other"]);
}
