//! Lines of workspace code per member, for the impact of an edge (what it brings into a build).

use std::cell::RefCell;
use std::collections::HashMap;

use guppy::PackageId;
use guppy::graph::PackageMetadata;

/// Lines of workspace code per member, counted once per run.
#[derive(Default)]
pub struct LineCounts {
    counted: RefCell<HashMap<PackageId, usize>>,
}

impl LineCounts {
    /// The lines of the `.rs` files under `pkg`'s `src/`.
    pub(crate) fn of(&self, pkg: PackageMetadata<'_>) -> usize {
        if let Some(n) = self.counted.borrow().get(pkg.id()) {
            return *n;
        }
        let n = pkg
            .manifest_path()
            .parent()
            .map(|dir| rust_lines(dir.join("src").as_std_path()))
            .unwrap_or_default();
        self.counted.borrow_mut().insert(pkg.id().to_owned(), n);
        n
    }
}

fn rust_lines(dir: &std::path::Path) -> usize {
    let mut total = 0;
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                total += std::fs::read_to_string(&path)
                    .map(|t| t.lines().count())
                    .unwrap_or_default();
            }
        }
    }
    total
}
