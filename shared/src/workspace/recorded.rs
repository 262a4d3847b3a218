//! The `cargo metadata` output of the last run, recorded under the target directory
//! (`<target>/lumen-gate/metadata-<key>.json`) so that the next run can do its work on it while cargo runs
//! again ([`crate::commands::arch`]). That work is kept only when cargo's new output is the same, byte for
//! byte: a stale or missing record costs the run time, never a wrong answer. The record is written
//! atomically (a temporary file renamed into place), so two runs at once never read half of one.
//!
//! The record must be found before cargo has said where the target directory is: it is looked for in
//! `$CARGO_TARGET_DIR`, else in `target/` beside the manifest and beside each `Cargo.toml` above it (where
//! the workspace root is). A target directory set in a cargo config file is not looked in: such a workspace
//! just runs without the record.

use std::path::{Path, PathBuf};

use camino::Utf8Path;

use crate::source::facts::hash_of;
use crate::workspace::{LoadOptions, cargo_program};

/// The record of the last `cargo metadata` run with these options, if one is found.
pub(crate) fn read(opts: &LoadOptions) -> Option<String> {
    read_with(opts, std::env::var_os("CARGO_TARGET_DIR"))
}

/// [`read`], with `$CARGO_TARGET_DIR`'s value given.
fn read_with(opts: &LoadOptions, target_dir_var: Option<std::ffi::OsString>) -> Option<String> {
    let (cwd, start, name) = identity(opts, target_dir_var.as_deref())?;
    target_dirs(&cwd, &start, target_dir_var.as_deref())
        .into_iter()
        .find_map(|dir| std::fs::read_to_string(dir.join("lumen-gate").join(&name)).ok())
}

/// Records `json`, the output of `cargo metadata` with these options, in the workspace's `target_dir`.
/// Best effort: a record that cannot be written only makes the next run wait for cargo.
pub(crate) fn write(target_dir: &Utf8Path, opts: &LoadOptions, json: &str) {
    let Some((_, _, name)) = identity(opts, std::env::var_os("CARGO_TARGET_DIR").as_deref()) else {
        return;
    };
    let dir = target_dir.as_std_path().join("lumen-gate");
    let path = dir.join(&name);
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(&tmp, json))
        .and_then(|()| std::fs::rename(&tmp, &path));
    if written.is_err() {
        let _removed = std::fs::remove_file(&tmp);
    }
}

/// The directory cargo runs in, where it starts its search (the manifest's directory, or the current one),
/// and the record's file name: a hash of everything that chooses what `cargo metadata` is asked (the
/// manifest, the flags, the cargo executable).
fn identity(
    opts: &LoadOptions,
    target_dir_var: Option<&std::ffi::OsStr>,
) -> Option<(PathBuf, PathBuf, String)> {
    let cwd = match &opts.current_dir {
        Some(dir) => dir.clone(), // cloned: the identity owns its paths
        None => std::env::current_dir().ok()?,
    };
    let manifest = opts
        .manifest_path
        .as_ref()
        .map(|m| std::fs::canonicalize(cwd.join(m)))
        .transpose()
        .ok()?;
    let start = match &manifest {
        Some(m) => m.parent()?.to_owned(),
        None => std::fs::canonicalize(&cwd).ok()?,
    };
    let key = hash_of(&(
        &start,
        &manifest,
        opts.offline,
        opts.locked,
        opts.no_deps,
        opts.lockfile_is_ours,
        cargo_program(),
        target_dir_var,
    ));
    Some((cwd, start, format!("metadata-{key:016x}.json")))
}

/// The target directories the workspace may have: `$CARGO_TARGET_DIR`, else `target/` beside each
/// `Cargo.toml` from `start` up.
fn target_dirs(cwd: &Path, start: &Path, target_dir_var: Option<&std::ffi::OsStr>) -> Vec<PathBuf> {
    if let Some(dir) = target_dir_var {
        return vec![cwd.join(dir)];
    }
    start
        .ancestors()
        .filter(|d| d.join("Cargo.toml").is_file())
        .map(|d| d.join("target"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace(dir: &Path) -> LoadOptions {
        std::fs::create_dir_all(dir.join("member")).unwrap();
        std::fs::write(dir.join("Cargo.toml"), "[workspace]\n").unwrap();
        std::fs::write(dir.join("member/Cargo.toml"), "[package]\n").unwrap();
        LoadOptions {
            manifest_path: Some(dir.join("member/Cargo.toml")),
            offline: true,
            ..LoadOptions::default()
        }
    }

    #[test]
    fn a_record_is_found_in_the_workspace_roots_target_directory_and_only_for_the_same_options() {
        let tmp = tempfile::tempdir().unwrap();
        let opts = workspace(tmp.path());
        assert_eq!(read_with(&opts, None), None);
        let target = camino::Utf8PathBuf::from_path_buf(tmp.path().join("target")).unwrap();
        write(&target, &opts, "{\"one\":1}");
        // Found from the member's manifest, in the target directory beside the root's.
        assert_eq!(read_with(&opts, None).as_deref(), Some("{\"one\":1}"));
        write(&target, &opts, "{\"two\":2}");
        assert_eq!(read_with(&opts, None).as_deref(), Some("{\"two\":2}"));
        // Another flag is another question to cargo: not the same record.
        let online = LoadOptions {
            offline: false,
            ..opts.clone()
        };
        assert_eq!(read_with(&online, None), None);
        // With $CARGO_TARGET_DIR set, only that directory is looked in.
        assert_eq!(
            read_with(&opts, Some(tmp.path().join("elsewhere").into())),
            None
        );
        let files: Vec<_> = std::fs::read_dir(target.join("lumen-gate"))
            .unwrap()
            .collect();
        assert_eq!(
            files.len(),
            1,
            "one record, no temporary file left: {files:?}"
        );
    }
}
