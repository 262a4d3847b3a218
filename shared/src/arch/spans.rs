//! Where a dependency edge is declared: the manifest line, found by re-reading the member's `Cargo.toml` with
//! toml_edit (cargo_metadata's JSON has no spans). `[target.'cfg(..)'.dependencies]` tables and renamed
//! entries (`alias = { package = "real" }`, looked up by the key as written) are covered.

use std::collections::HashMap;
use std::sync::Mutex;

use camino::{Utf8Path, Utf8PathBuf};

use crate::report::{DepKind, Location};
use crate::workspace::relative_to;

/// Where each manifest declares its dependencies, read and parsed once per manifest.
#[derive(Default)]
pub struct ManifestIndex {
    root: Utf8PathBuf,
    manifests: Mutex<HashMap<Utf8PathBuf, ManifestSpans>>,
}

/// The declarations of one manifest: `(kind, key as written)` to location, and `[package] name`.
#[derive(Clone, Default)]
struct ManifestSpans {
    deps: HashMap<(DepKind, String), Location>,
    package_name: Option<Location>,
}

impl ManifestIndex {
    /// An index whose locations are relative to `root`.
    pub fn new(root: &Utf8Path) -> ManifestIndex {
        ManifestIndex {
            root: root.to_owned(),
            manifests: Mutex::new(HashMap::new()),
        }
    }

    /// The location of the entry `dep_key` (the key as written) under `kind` in `manifest`.
    pub fn dependency(
        &self,
        manifest: &Utf8Path,
        dep_key: &str,
        kind: DepKind,
    ) -> Option<Location> {
        self.with(manifest, |m| {
            m.deps.get(&(kind, dep_key.to_owned())).cloned()
        }) // cloned: returned by value
    }

    /// The location of `[package] name = ...` in `manifest`, for findings about a whole crate.
    pub fn package_name(&self, manifest: &Utf8Path) -> Option<Location> {
        self.with(manifest, |m| m.package_name.clone()) // cloned: returned by value
    }

    fn with<T>(&self, manifest: &Utf8Path, f: impl FnOnce(&ManifestSpans) -> T) -> T {
        let mut manifests = self.manifests.lock().unwrap_or_else(|e| e.into_inner());
        let spans = manifests
            .entry(manifest.to_owned())
            .or_insert_with(|| self.read(manifest));
        f(spans)
    }

    fn read(&self, manifest: &Utf8Path) -> ManifestSpans {
        let mut spans = ManifestSpans::default();
        let Ok(text) = std::fs::read_to_string(manifest) else {
            return spans;
        };
        let Ok(doc) = toml_edit::Document::parse(text.as_str()) else {
            return spans;
        };
        let root = doc.as_table();
        for kind in [DepKind::Normal, DepKind::Build, DepKind::Dev] {
            let table_name = match kind {
                DepKind::Normal => "dependencies",
                DepKind::Build => "build-dependencies",
                DepKind::Dev => "dev-dependencies",
            };
            let mut tables = vec![root.get(table_name)];
            if let Some(targets) = root.get("target").and_then(|t| t.as_table_like()) {
                for (_, platform) in targets.iter() {
                    tables.push(platform.as_table_like().and_then(|p| p.get(table_name)));
                }
            }
            for deps in tables
                .into_iter()
                .flatten()
                .filter_map(|d| d.as_table_like())
            {
                for (name, _) in deps.iter() {
                    let Some((key, _)) = deps.get_key_value(name) else {
                        continue;
                    };
                    if let Some(span) = key.span() {
                        spans
                            .deps
                            .entry((kind, name.to_owned()))
                            .or_insert_with(|| self.location(manifest, &text, span));
                    }
                }
            }
        }
        spans.package_name = root
            .get("package")
            .and_then(|p| p.as_table_like())
            .and_then(|p| p.get_key_value("name"))
            .and_then(|(key, _)| key.span())
            .map(|span| self.location(manifest, &text, span));
        spans
    }

    fn location(&self, manifest: &Utf8Path, text: &str, span: std::ops::Range<usize>) -> Location {
        let (line, column) = line_column(text, span.start);
        Location {
            file: relative_to(&self.root, manifest),
            line,
            column,
            length: (span.end - span.start) as u32,
        }
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].chars().count() as u32 + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_plain_target_and_renamed_entries() {
        let dir = tempfile::tempdir().unwrap();
        let root = Utf8Path::from_path(dir.path()).unwrap();
        let manifest = root.join("Cargo.toml");
        std::fs::write(
            &manifest,
            "[package]\nname = \"a\"\n\n[dependencies]\nb = { path = \"../b\" }\n\n[target.'cfg(unix)'.dev-dependencies]\nc = \"1\"\n\n[build-dependencies]\nalias = { package = \"d\", path = \"../d\" }\n",
        )
        .unwrap();
        let index = ManifestIndex::new(root);
        let at = |key, kind| {
            index
                .dependency(&manifest, key, kind)
                .map(|l| (l.line, l.column))
        };
        assert_eq!(at("b", DepKind::Normal), Some((5, 1)));
        assert_eq!(at("c", DepKind::Dev), Some((8, 1)));
        assert_eq!(at("alias", DepKind::Build), Some((11, 1)));
        assert_eq!(at("b", DepKind::Dev), None);
        assert_eq!(index.package_name(&manifest).map(|l| l.line), Some(2));
        assert_eq!(
            index
                .dependency(&manifest, "b", DepKind::Normal)
                .unwrap()
                .file,
            "Cargo.toml"
        );
    }
}
