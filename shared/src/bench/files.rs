//! Walking the directories runners write their results into.

use std::path::{Path, PathBuf};

use crate::errors::{Error, io};

/// Every file and directory below `root` (none when `root` does not exist), in no particular order.
pub fn tree(root: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io("could not read", &dir)(e)),
        };
        for entry in entries {
            let path = entry.map_err(io("could not read", &dir))?.path();
            if path.is_dir() {
                stack.push(path.clone()); // cloned: walked later, and listed now
            }
            found.push(path);
        }
    }
    Ok(found)
}
