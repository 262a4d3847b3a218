//! The `cargo metadata` output of the last run, recorded in the workspace's state directory
//! (`<target>/lumen-gate/ws-<hash>/metadata-<key>.json`) so that the next run can do its work on it while
//! cargo runs again ([`crate::commands::arch`]). That work is kept only when cargo's new output is the same,
//! byte for byte: a stale or missing record costs the run time, never a wrong answer. The record is written
//! atomically (a temporary file renamed into place), so two runs at once never read half of one.
//!
//! The record must be found before cargo has said where the workspace and its target directory are: the
//! workspace root is taken to be the manifest's directory or one above it that holds a `Cargo.toml`, and the
//! target directory `$CARGO_TARGET_DIR`, else `target/` in that root. A target directory set in a cargo
//! config file is not looked in: such a workspace just runs without the record.

use std::path::PathBuf;

use camino::{Utf8Path, Utf8PathBuf};

use crate::source::facts::{hash_of, write_atomically};
use crate::workspace::{LoadOptions, cargo_program, state_dir};

/// The record of the last `cargo metadata` run with these options, if one is found.
pub(crate) fn read(opts: &LoadOptions) -> Option<String> {
    read_with(opts, std::env::var_os("CARGO_TARGET_DIR"))
}

/// [`read`], with `$CARGO_TARGET_DIR`'s value given.
fn read_with(opts: &LoadOptions, target_dir_var: Option<std::ffi::OsString>) -> Option<String> {
    let (cwd, start, name) = identity(opts, target_dir_var.as_deref())?;
    start
        .ancestors()
        .filter(|root| root.join("Cargo.toml").is_file())
        .find_map(|root| {
            let target = match &target_dir_var {
                Some(dir) => cargo_util::paths::normalize_path(&cwd.join(dir)),
                None => root.join("target"),
            };
            let target = Utf8PathBuf::from_path_buf(target).ok()?;
            let root = Utf8Path::from_path(root)?;
            std::fs::read_to_string(state_dir(&target, root).join(&name)).ok()
        })
}

/// Records `json`, the output of `cargo metadata` with these options, in the workspace's `state_dir`.
/// Best effort: a record that cannot be written only makes the next run wait for cargo.
pub(crate) fn write(state_dir: &Utf8Path, opts: &LoadOptions, json: &str) {
    write_with(
        state_dir,
        opts,
        json,
        std::env::var_os("CARGO_TARGET_DIR").as_deref(),
    );
}

/// [`write`], with `$CARGO_TARGET_DIR`'s value given.
fn write_with(
    state_dir: &Utf8Path,
    opts: &LoadOptions,
    json: &str,
    target_dir_var: Option<&std::ffi::OsStr>,
) {
    let Some((_, _, name)) = identity(opts, target_dir_var) else {
        return;
    };
    write_atomically(state_dir.join(name).as_std_path(), json.as_bytes());
}

/// The directory cargo runs in; where it starts its search for the workspace (the manifest's directory, or
/// the current one), as cargo spells it (absolute, `..` resolved, symlinks kept); and the record's file
/// name: a hash of everything that chooses what `cargo metadata` is asked (the manifest, the flags, the
/// cargo executable, the target directory variable).
fn identity(
    opts: &LoadOptions,
    target_dir_var: Option<&std::ffi::OsStr>,
) -> Option<(PathBuf, PathBuf, String)> {
    let cwd = match &opts.current_dir {
        Some(dir) => std::env::current_dir().ok()?.join(dir),
        None => std::env::current_dir().ok()?,
    };
    let manifest = opts
        .manifest_path
        .as_ref()
        .map(|m| cargo_util::paths::normalize_path(&cwd.join(m)));
    let start = match &manifest {
        Some(m) => m.parent()?.to_owned(),
        None => cwd.clone(), // cloned: the identity owns its paths
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

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
    fn a_record_is_found_in_the_workspace_roots_state_directory_and_only_for_the_same_options() {
        let tmp = tempfile::tempdir().unwrap();
        let opts = workspace(tmp.path());
        let root = Utf8PathBuf::from_path_buf(tmp.path().to_owned()).unwrap();
        let state = state_dir(&root.join("target"), &root);
        assert_eq!(read_with(&opts, None), None);
        write_with(&state, &opts, "{\"one\":1}", None);
        // Found from the member's manifest, in the state directory of the root above it.
        assert_eq!(read_with(&opts, None).as_deref(), Some("{\"one\":1}"));
        write_with(&state, &opts, "{\"two\":2}", None);
        assert_eq!(read_with(&opts, None).as_deref(), Some("{\"two\":2}"));
        let files: Vec<_> = std::fs::read_dir(&state).unwrap().collect();
        assert_eq!(files.len(), 1, "one record, no temporary file: {files:?}");
        // Another flag is another question to cargo: not the same record.
        let online = LoadOptions {
            offline: false,
            ..opts.clone()
        };
        assert_eq!(read_with(&online, None), None);
        // With $CARGO_TARGET_DIR set, only that directory is looked in.
        let elsewhere = root.join("elsewhere");
        let var = Some(elsewhere.as_os_str().to_owned());
        assert_eq!(read_with(&opts, var.clone()), None);
        write_with(
            &state_dir(&elsewhere, &root),
            &opts,
            "{\"three\":3}",
            var.as_deref(),
        );
        assert_eq!(read_with(&opts, var).as_deref(), Some("{\"three\":3}"));
    }
}
