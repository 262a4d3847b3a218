//! Lines of workspace code per member, for the impact of an edge (what it brings into a build).

use std::cell::RefCell;
use std::collections::HashMap;

use std::path::{Path, PathBuf};

use guppy::PackageId;
use guppy::graph::PackageMetadata;

use crate::source::facts::FactsCache;
use crate::source::modtree::FileStamp;

/// Lines of workspace code per member, counted once per run.
#[derive(Default)]
pub struct LineCounts {
    counted: RefCell<HashMap<PackageId, usize>>,
    /// The workspace's state directory: each file's count is kept in its facts cache
    /// ([`crate::source::facts`]), so a file whose stat is unchanged is not read again.
    state_dir: Option<PathBuf>,
}

impl LineCounts {
    /// Counts kept under `state_dir` between runs.
    pub(crate) fn cached(state_dir: PathBuf) -> LineCounts {
        LineCounts {
            counted: RefCell::default(),
            state_dir: Some(state_dir),
        }
    }

    /// The lines of the `.rs` files under `pkg`'s `src/`.
    pub(crate) fn of(&self, pkg: PackageMetadata<'_>) -> usize {
        if let Some(n) = self.counted.borrow().get(pkg.id()) {
            return *n;
        }
        let cache = self
            .state_dir
            .as_deref()
            .map(|dir| FactsCache::open(dir, &format!("lines-{}", pkg.name())));
        let n = pkg
            .manifest_path()
            .parent()
            .map(|dir| rust_lines(dir.join("src").as_std_path(), cache.as_ref()))
            .unwrap_or_default();
        if let Some(cache) = cache {
            cache.save();
        }
        self.counted.borrow_mut().insert(pkg.id().to_owned(), n);
        n
    }
}

fn rust_lines(dir: &Path, cache: Option<&FactsCache>) -> usize {
    let mut total = 0;
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            // The directory entry's type spares a stat; a symlink is followed.
            let is_dir = match entry.file_type() {
                Ok(t) if !t.is_symlink() => t.is_dir(),
                _ => path.is_dir(),
            };
            if is_dir {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                total += file_lines(&path, cache).unwrap_or_default();
            }
        }
    }
    total
}

/// The lines of one file: from the cache while its stat is as recorded, else read.
fn file_lines(path: &Path, cache: Option<&FactsCache>) -> Option<usize> {
    let key = path.to_str();
    let stamp = std::fs::metadata(path).ok().and_then(|m| FileStamp::of(&m));
    if let (Some(cache), Some(key), Some(stamp)) = (cache, key, &stamp)
        && let Some((n, _)) = cache.unchanged::<usize>(key, stamp, &[0])
    {
        return Some(n);
    }
    let text = std::fs::read_to_string(path).ok()?;
    let n = text.lines().count();
    if let (Some(cache), Some(key)) = (cache, key) {
        cache.put(key, &text, stamp.as_ref(), 0, &n, &[]);
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::facts::tests::with_settled_files;

    #[test]
    fn counts_come_from_the_cache_while_the_stat_is_unchanged_and_a_rewrite_is_counted() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        std::fs::create_dir_all(src.join("m")).unwrap();
        std::fs::write(src.join("lib.rs"), "a\nb\n").unwrap();
        std::fs::write(src.join("m/x.rs"), "c\n").unwrap();
        let state = tempfile::tempdir().unwrap();
        let count = || {
            with_settled_files(|| {
                let cache = FactsCache::open(state.path(), "lines-t");
                let n = rust_lines(&src, Some(&cache));
                cache.save();
                n
            })
        };
        assert_eq!(count(), 3);
        // Served by the stat alone: a count edited in the cache shows.
        let file = state.path().join("source-facts/lines-t.json");
        let json = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, json.replace("\"facts\":1", "\"facts\":40")).unwrap();
        assert_eq!(count(), 42);
        // Rewritten with the same size and another count: read again.
        std::fs::write(src.join("m/x.rs"), "cc").unwrap();
        assert_eq!(count(), 3);
        // Without a cache, every file is read.
        assert_eq!(rust_lines(&src, None), 3);
    }
}
