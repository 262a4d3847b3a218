//! Running the review: the architecture rules, the source gates and the given reports, merged into one
//! verdict.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::arch::{self, CheckOptions, preset::Preset};
use crate::bench::{self, BenchOptions};
use crate::config::LoadedConfig;
use crate::errors::{Error, Result};
use crate::gate::inputs::read_report;
use crate::gate::review::{self, Review};
use crate::report::{Report, Tool};
use crate::scan::{self, ScanOptions};
use crate::workspace::{Members, PackageSelection, Workspace};

/// A part of the review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Part {
    /// The source gates (code quality and performance checklist).
    Lints,
    /// The architecture rules.
    Arch,
    /// The benchmarks.
    Bench,
}

/// What the review runs.
#[derive(Clone, Debug, Default)]
pub struct GateOptions {
    /// Compare against this git revision.
    pub base: Option<String>,
    /// Only these parts (default: lints and arch, plus bench when asked).
    pub only: Vec<Part>,
    /// Run the benchmarks too.
    pub bench: bool,
    /// Reports written earlier by the other tools, merged in; their parts are not run again.
    pub reports: Vec<PathBuf>,
    /// A built-in architecture rule set.
    pub preset: Option<Preset>,
    /// Which members.
    pub selection: PackageSelection,
}

/// What the review runs on: the members, and the dependency graph when a part needs it.
pub struct Scope<'a> {
    /// The members and their targets (all the source gates need).
    pub members: &'a Members,
    /// The full workspace, loaded when [`GateOptions::needs_graph`] says so.
    pub workspace: Option<&'a Workspace>,
}

impl GateOptions {
    /// True when the architecture rules or the benchmarks may run: they need the dependency graph
    /// (`cargo metadata` with resolution); the source gates alone do not (`--no-deps`).
    pub fn needs_graph(&self) -> bool {
        self.wants(Part::Arch) || self.wants(Part::Bench)
    }

    /// True when `part` runs (unless a given report already holds it): `--only` when given, else the
    /// source gates and the architecture rules, and the benchmarks with `--bench`.
    pub fn wants(&self, part: Part) -> bool {
        if self.only.is_empty() {
            part != Part::Bench || self.bench
        } else {
            self.only.contains(&part)
        }
    }
}

/// Runs the parts and makes the review; benchmark progress goes to `progress`.
pub fn run(
    scope: &Scope<'_>,
    loaded: &LoadedConfig,
    opts: &GateOptions,
    progress: &mut crate::bench::progress::Progress,
) -> Result<Review> {
    let mut reports: Vec<(String, Report)> = Vec::new();
    let mut given = BTreeSet::new();
    for path in &opts.reports {
        let report = read_report(path)?;
        given.insert(report.tool);
        reports.push((path.display().to_string(), report));
    }
    let source = loaded.source.as_ref();
    let graph = || {
        scope.workspace.ok_or_else(|| {
            Error::usage(
                "the architecture rules and benchmarks need the workspace graph, which was not loaded",
                None,
            )
        })
    };
    if opts.wants(Part::Arch) && !given.contains(&Tool::Arch) {
        let arch_opts = CheckOptions {
            base: opts.base.clone(), // cloned: the options own their strings
            preset: opts.preset,
            selection: opts.selection.clone(), // cloned: as above
        };
        reports.push((
            "architecture rules".to_owned(),
            arch::check(graph()?, &loaded.config.arch, source, &arch_opts)?,
        ));
    }
    if opts.wants(Part::Lints) && !given.contains(&Tool::Gate) {
        let scan_opts = ScanOptions {
            base: opts.base.clone(),           // cloned: as above
            selection: opts.selection.clone(), // cloned: as above
        };
        reports.push((
            "source gates".to_owned(),
            scan::scan(scope.members, &loaded.config.gate, source, &scan_opts)?,
        ));
    }
    if opts.wants(Part::Bench) && !given.contains(&Tool::Bench) {
        let bench_opts = BenchOptions {
            base: opts.base.clone(),           // cloned: as above
            selection: opts.selection.clone(), // cloned: as above
            ..BenchOptions::default()
        };
        let report = bench::run(
            graph()?,
            &loaded.config.bench,
            source,
            &bench_opts,
            progress,
        )?;
        reports.push(("benchmarks".to_owned(), report));
    }
    let (merged, tools) = review::merge(reports).map_err(|e| Error::Other(Box::new(e)))?;
    let mut merged = merged;
    if merged.workspace_root.is_empty() {
        merged.workspace_root = scope.members.root.to_string();
    }
    Ok(review::decide(merged, tools, &loaded.config.gate.verdict))
}
