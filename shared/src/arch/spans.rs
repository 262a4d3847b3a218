//! Where a dependency edge is declared: the manifest line, found by re-reading the member's `Cargo.toml` with
//! toml_edit (cargo_metadata's JSON has no spans). `[target.'cfg(..)'.dependencies]` tables and renamed
//! entries (`alias = { package = "real" }`, looked up by the key as written) are covered.

use std::collections::HashMap;
use std::sync::Mutex;

use camino::{Utf8Path, Utf8PathBuf};

use crate::report::{DepKind, Location};
use crate::workspace::relative_to;

/// Parsed manifests, read once each.
#[derive(Default)]
pub struct ManifestIndex {
    root: Utf8PathBuf,
    docs: Mutex<HashMap<Utf8PathBuf, Option<String>>>,
}

impl ManifestIndex {
    /// An index whose locations are relative to `root`.
    pub fn new(root: &Utf8Path) -> ManifestIndex {
        ManifestIndex {
            root: root.to_owned(),
            docs: Mutex::new(HashMap::new()),
        }
    }

    /// The location of the entry `dep_key` (the key as written) under `kind` in `manifest`.
    pub fn dependency(
        &self,
        manifest: &Utf8Path,
        dep_key: &str,
        kind: DepKind,
    ) -> Option<Location> {
        let text = self.text(manifest)?;
        let doc = toml_edit::Document::parse(text.as_str()).ok()?;
        let table_name = match kind {
            DepKind::Normal => "dependencies",
            DepKind::Build => "build-dependencies",
            DepKind::Dev => "dev-dependencies",
        };
        let root = doc.as_table();
        let mut tables = vec![root.get(table_name)];
        if let Some(targets) = root.get("target").and_then(|t| t.as_table_like()) {
            for (_, platform) in targets.iter() {
                tables.push(platform.as_table_like().and_then(|p| p.get(table_name)));
            }
        }
        tables.into_iter().flatten().find_map(|deps| {
            let (key, _) = deps.as_table_like()?.get_key_value(dep_key)?;
            let span = key.span()?;
            Some(self.location(manifest, &text, span))
        })
    }

    /// The location of `[package] name = ...` in `manifest`, for findings about a whole crate.
    pub fn package_name(&self, manifest: &Utf8Path) -> Option<Location> {
        let text = self.text(manifest)?;
        let doc = toml_edit::Document::parse(text.as_str()).ok()?;
        let package = doc.as_table().get("package")?.as_table_like()?;
        let (key, _) = package.get_key_value("name")?;
        Some(self.location(manifest, &text, key.span()?))
    }

    fn text(&self, manifest: &Utf8Path) -> Option<String> {
        let mut docs = self.docs.lock().unwrap_or_else(|e| e.into_inner());
        docs.entry(manifest.to_owned())
            .or_insert_with(|| std::fs::read_to_string(manifest).ok())
            .clone() // cloned: the text leaves the lock; manifests are small
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
