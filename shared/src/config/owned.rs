//! Which files are ours to read and to quote: a file of the workspace, not a symlink out of it, not a
//! device or a pipe. A symlinked `lumen-gate.toml` pointing at `~/.cargo/credentials.toml` would otherwise
//! have its lines quoted by an error snippet into a CI log.

use std::path::{Component, Path, PathBuf};

use camino::Utf8Path;

/// Why a file is not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotOurs {
    /// It resolves (through a symlink) to this file outside the workspace.
    Outside(PathBuf),
    /// It is not a regular file (a directory, a device, a pipe, a socket).
    NotAFile,
}

impl NotOurs {
    /// One line saying why `path` is not read.
    pub fn describe(&self, path: &Path) -> String {
        match self {
            NotOurs::Outside(to) => format!(
                "{} resolves to {}, outside the workspace: not read",
                path.display(),
                to.display()
            ),
            NotOurs::NotAFile => format!("{} is not a regular file: not read", path.display()),
        }
    }
}

/// `path`, a file of the workspace at `root`, when it is a regular file whose real path (symlinks
/// resolved) lies inside the workspace. A file that does not exist passes: reading it fails on its own.
pub fn in_workspace(root: &Utf8Path, path: &Path) -> Result<(), NotOurs> {
    check(root, path, false)
}

/// As [`in_workspace`], except that a path named outside the workspace in the first place (`--config
/// /etc/lumen-gate.toml`) is the user's own choice and may lie outside; a path inside the workspace must
/// still resolve inside it.
pub fn named_file(root: &Utf8Path, path: &Path) -> Result<(), NotOurs> {
    check(root, path, true)
}

fn check(root: &Utf8Path, path: &Path, outside_if_named: bool) -> Result<(), NotOurs> {
    let Ok(real) = std::fs::canonicalize(path) else {
        return Ok(());
    };
    let Ok(meta) = std::fs::metadata(&real) else {
        return Ok(());
    };
    if !meta.is_file() {
        return Err(NotOurs::NotAFile);
    }
    let root_real = std::fs::canonicalize(root).unwrap_or_else(|_| root.as_std_path().to_owned());
    if real.starts_with(&root_real) {
        return Ok(());
    }
    if outside_if_named {
        let named = lexical(path);
        if !named.starts_with(root) && !named.starts_with(&root_real) {
            return Ok(());
        }
    }
    Err(NotOurs::Outside(real))
}

/// `path` made absolute against the current directory, `.` and `..` removed without reading the disk.
fn lexical(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() {
        path.to_owned()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_symlink_out_of_the_workspace_and_a_directory_are_refused() {
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("credentials.toml");
        std::fs::write(&secret, "token = \"x\"\n").unwrap();
        let ws = tempfile::tempdir().unwrap();
        let root = Utf8Path::from_path(ws.path()).unwrap();
        let link = ws.path().join("lumen-gate.toml");
        std::os::unix::fs::symlink(&secret, &link).unwrap();
        assert!(matches!(
            in_workspace(root, &link),
            Err(NotOurs::Outside(_))
        ));
        assert!(matches!(named_file(root, &link), Err(NotOurs::Outside(_))));
        assert_eq!(
            named_file(root, &secret),
            Ok(()),
            "named outside: the user's choice"
        );
        assert!(matches!(
            in_workspace(root, &secret),
            Err(NotOurs::Outside(_))
        ));

        std::fs::write(ws.path().join("real.toml"), "").unwrap();
        std::os::unix::fs::symlink("real.toml", ws.path().join("inner.toml")).unwrap();
        assert_eq!(in_workspace(root, &ws.path().join("inner.toml")), Ok(()));
        assert_eq!(in_workspace(root, ws.path()), Err(NotOurs::NotAFile));
        assert_eq!(in_workspace(root, &ws.path().join("missing")), Ok(()));
    }
}
