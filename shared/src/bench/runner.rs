//! The runner binaries (gungraun-runner, iai-callgrind-runner): finding one of the library's exact version,
//! on `PATH` or in lumen-gate's cache, and installing it there with `--install-runner`.
//!
//! The cache is `$LUMEN_GATE_CACHE_DIR`, else `$XDG_CACHE_HOME/lumen-gate`, else `~/.cache/lumen-gate`; a
//! runner lives in `runners/<binary>-<version>/bin/`. A cached runner of the right version is used before
//! the one on `PATH` (its directory is put first on the `PATH` of `cargo bench`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use cargo_util::ProcessBuilder;

use crate::bench::discover::BenchTarget;
use crate::errors::{BenchError, Error, io};
use crate::workspace::cargo_program;

/// Checks valgrind (when a callgrind runner is needed) and finds, or with `install` installs, each runner
/// of its library's version. Returns the cache directories to put first on `PATH`.
pub fn prepare(
    targets: &[&BenchTarget],
    install: bool,
    say: &mut dyn FnMut(&str),
) -> Result<Vec<PathBuf>, Error> {
    let needed: Vec<(&'static str, &BenchTarget)> = targets
        .iter()
        .filter_map(|t| Some((t.runner.runner_binary()?, *t)))
        .collect();
    if needed.is_empty() {
        return Ok(Vec::new());
    }
    require_valgrind()?;
    let mut dirs = Vec::new();
    let mut seen = BTreeSet::new();
    for (binary, target) in needed {
        let version = target.version.as_str();
        if !seen.insert((binary, version)) {
            continue;
        }
        let cached = cache_dir().map(|c| c.join("runners").join(format!("{binary}-{version}")));
        if let Some(root) = &cached {
            let bin = root.join("bin");
            if says_version(&bin.join(binary), version) {
                dirs.push(bin);
                continue;
            }
        }
        let on_path = version_said(Path::new(binary));
        if on_path
            .as_deref()
            .is_some_and(|text| names_version(text, version))
        {
            continue;
        }
        match (&cached, install) {
            (Some(root), true) => {
                say(&format!(
                    "bench: installing {binary} {version} into {} (takes a few minutes)",
                    root.display()
                ));
                install_runner(binary, version, root)?;
                dirs.push(root.join("bin"));
            }
            _ => {
                return Err(BenchError::RunnerVersion {
                    binary: binary.to_owned(),
                    found: on_path
                        .map(|text| found_version(&text))
                        .unwrap_or_else(|| "no runner".to_owned()),
                    package: target.package.to_owned(),
                    library: target.runner.crate_name().to_owned(),
                    version: version.to_owned(),
                }
                .into());
            }
        }
    }
    Ok(dirs)
}

/// Fails with how to install valgrind when it does not run.
pub fn require_valgrind() -> Result<(), Error> {
    let valgrind = ProcessBuilder::new("valgrind")
        .arg("--version")
        .build_command()
        .output();
    if valgrind.is_ok_and(|o| o.status.success()) {
        Ok(())
    } else {
        Err(BenchError::ValgrindMissing.into())
    }
}

/// lumen-gate's cache directory, if the environment names one.
pub fn cache_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("LUMEN_GATE_CACHE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join("lumen-gate"));
    }
    std::env::var_os("HOME")
        .filter(|d| !d.is_empty())
        .map(|home| PathBuf::from(home).join(".cache").join("lumen-gate"))
}

/// `cargo install --locked --root ROOT BINARY --version VERSION`, its output in `ROOT.log`.
fn install_runner(binary: &str, version: &str, root: &Path) -> Result<(), Error> {
    let parent = root.parent().unwrap_or(root);
    std::fs::create_dir_all(parent).map_err(io("could not create", parent))?;
    let log = root.with_extension("log");
    let output = ProcessBuilder::new(cargo_program())
        .args(&["install", "--locked", "--force", "--root"])
        .arg(root)
        .args(&[binary, "--version", version])
        .build_command()
        .output()
        .map_err(io("could not run cargo install for", root))?;
    let mut text = output.stdout;
    text.extend_from_slice(&output.stderr);
    std::fs::write(&log, text).map_err(io("could not write", &log))?;
    if output.status.success() && says_version(&root.join("bin").join(binary), version) {
        Ok(())
    } else {
        Err(BenchError::RunnerInstall {
            binary: binary.to_owned(),
            version: version.to_owned(),
            root: root.display().to_string(),
            log: log.display().to_string(),
        }
        .into())
    }
}

fn says_version(program: &Path, version: &str) -> bool {
    version_said(program).is_some_and(|text| names_version(&text, version))
}

/// What `PROGRAM --version` prints on stdout and stderr, if it runs at all. gungraun-runner answers
/// `--version`; iai-callgrind-runner 0.16 answers with an error that names its version in parentheses.
fn version_said(program: &Path) -> Option<String> {
    let output = ProcessBuilder::new(program)
        .arg("--version")
        .build_command()
        .output()
        .ok()?;
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    Some(text)
}

/// True when a word of `text` is exactly `version`.
fn names_version(text: &str, version: &str) -> bool {
    text.split_whitespace()
        .any(|w| w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '.') == version)
}

/// The first version-looking word of `text`, for the error message.
fn found_version(text: &str) -> String {
    text.split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_ascii_digit() && c != '.'))
        .find(|w| w.contains('.'))
        .map(str::to_owned)
        .unwrap_or_else(|| "of an unknown version".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_either_runner() {
        assert!(names_version("gungraun-runner 0.20.0\n", "0.20.0"));
        assert!(names_version(
            "Error: iai-callgrind-runner (0.16.1): unexpected argument",
            "0.16.1"
        ));
        assert!(!names_version("gungraun-runner 0.20.01", "0.20.0"));
        assert_eq!(found_version("iai-callgrind-runner (0.16.1): x"), "0.16.1");
        assert_eq!(found_version("nothing here"), "of an unknown version");
    }
}
