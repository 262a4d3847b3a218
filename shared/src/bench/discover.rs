//! Finding bench targets and the runner each one uses.

use camino::Utf8PathBuf;
use guppy::graph::{BuildTargetId, PackageMetadata};

use crate::errors::{Error, Result};
use crate::workspace::{PackageSelection, Workspace, relative_to};

/// A benchmark framework.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Runner {
    /// gungraun (iai-callgrind's successor), runner `gungraun-runner`.
    Gungraun,
    /// iai-callgrind, runner `iai-callgrind-runner`.
    IaiCallgrind,
    /// criterion (wall clock).
    Criterion,
}

impl Runner {
    /// The crate name.
    pub fn crate_name(self) -> &'static str {
        match self {
            Runner::Gungraun => "gungraun",
            Runner::IaiCallgrind => "iai-callgrind",
            Runner::Criterion => "criterion",
        }
    }

    /// The runner binary that must match the library's version, if any.
    pub fn runner_binary(self) -> Option<&'static str> {
        match self {
            Runner::Gungraun => Some("gungraun-runner"),
            Runner::IaiCallgrind => Some("iai-callgrind-runner"),
            Runner::Criterion => None,
        }
    }

    /// The identifier its users write in Rust (`gungraun::`, `iai_callgrind::`).
    fn ident(self) -> &'static str {
        match self {
            Runner::Gungraun => "gungraun",
            Runner::IaiCallgrind => "iai_callgrind",
            Runner::Criterion => "criterion",
        }
    }
}

/// A `[[bench]]` target and its runner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BenchTarget {
    /// Package name.
    pub package: String,
    /// The package's manifest.
    pub manifest: Utf8PathBuf,
    /// The bench target's name.
    pub name: String,
    /// Its source file, relative to the workspace root.
    pub file: String,
    /// Its framework.
    pub runner: Runner,
    /// The framework's version in the resolved graph.
    pub version: String,
}

/// Every bench target of the selected members that uses gungraun, iai-callgrind or criterion.
pub fn discover(ws: &Workspace, selection: &PackageSelection) -> Result<Vec<BenchTarget>> {
    let mut targets = Vec::new();
    for pkg in ws.select(selection)? {
        let frameworks = frameworks(pkg);
        for target in pkg.build_targets() {
            let BuildTargetId::Benchmark(name) = target.id() else {
                continue;
            };
            // The framework the bench file names (a substring test on its text), else the package's only one.
            let text = std::fs::read_to_string(target.path())
                .map_err(|e| Error::io("could not read", target.path(), e))?;
            let chosen = frameworks
                .iter()
                .find(|(r, _)| text.contains(r.ident()))
                .or_else(|| (frameworks.len() == 1).then(|| &frameworks[0]));
            if let Some((runner, version)) = chosen {
                targets.push(BenchTarget {
                    package: pkg.name().to_owned(),
                    manifest: pkg.manifest_path().to_owned(),
                    name: name.to_owned(),
                    file: relative_to(&ws.root, target.path()),
                    runner: *runner,
                    version: version.clone(), // cloned: each target owns its version
                });
            }
        }
    }
    targets.sort_by(|a, b| (&a.package, &a.name).cmp(&(&b.package, &b.name)));
    Ok(targets)
}

/// The benchmark frameworks `pkg` depends on, with their resolved versions.
fn frameworks(pkg: PackageMetadata<'_>) -> Vec<(Runner, String)> {
    let mut found: Vec<(Runner, String)> = pkg
        .direct_links()
        .filter_map(|link| {
            let to = link.to();
            let runner = [Runner::Gungraun, Runner::IaiCallgrind, Runner::Criterion]
                .into_iter()
                .find(|r| r.crate_name() == to.name())?;
            Some((runner, to.version().to_string()))
        })
        .collect();
    found.sort();
    found.dedup();
    found
}
