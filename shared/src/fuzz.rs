//! Entry points for the fuzz targets (`fuzz/`, run by `scripts/fuzz.sh`) and the property tests
//! (`tests/tests/properties.rs`): each takes untrusted text the way a run meets it (a library's source, the
//! configuration file, a `--report` file, a benchmark runner's output) and goes through the same code as a
//! run. An `Err` (the run would exit 2) is a fine answer; a panic, a stack overflow or a hang is a bug.
//!
//! Errors come back rendered as the diagnostic a run would print, so rendering spans into the text is
//! exercised too.

use std::path::{Path, PathBuf};

use crate::commands::config::LoadedConfig;
use crate::errors::Error;
use crate::gate::inputs::parse_report;
use crate::gate::review;
use crate::gate::verdict::Verdict;
use crate::lints::cfg::LintsConfig;
use crate::lints::settings::Settings;
use crate::lints::{self, LintOptions};
use crate::output::{Format, Verbosity};
use crate::render::human::{HumanStyle, render_diagnostic};
use crate::render::review::write_review;
use crate::report::Report;
use crate::workspace::{LoadOptions, Workspace};

/// An error as the diagnostic a run would print (without colour).
fn rendered(e: Error) -> String {
    render_diagnostic(&e, HumanStyle::default())
}

/// A one-crate workspace (package `scratch`) in a directory the caller owns, loaded once with
/// `cargo metadata --offline`; its `src/lib.rs` and `lumen-gate.toml` are then rewritten for each input.
pub struct Scratch {
    ws: Workspace,
    lib: PathBuf,
    config: PathBuf,
    criterion_home: PathBuf,
    settings: Settings,
}

impl Scratch {
    /// Writes the crate's `Cargo.toml` and an empty `src/lib.rs` in `dir` and loads the workspace.
    pub fn create(dir: &Path) -> Result<Scratch, String> {
        let src = dir.join("src");
        std::fs::create_dir_all(&src).map_err(|e| e.to_string())?;
        let manifest = dir.join("Cargo.toml");
        std::fs::write(
            &manifest,
            "[package]\nname = \"scratch\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
        )
        .map_err(|e| e.to_string())?;
        let lib = src.join("lib.rs");
        std::fs::write(&lib, "").map_err(|e| e.to_string())?;
        let ws = Workspace::load(&LoadOptions {
            manifest_path: Some(manifest),
            offline: true,
            ..LoadOptions::default()
        })
        .map_err(rendered)?;
        // Every file and fn is hot, so the hot-path rules run on every input too.
        let hot: LintsConfig = toml::from_str("hot-paths = [\"**\", \"**::*\"]\n")
            .map_err(|e| e.message().to_owned())?;
        let (settings, _) = Settings::new(&hot, None).map_err(rendered)?;
        Ok(Scratch {
            ws,
            lib,
            config: dir.join(crate::config::CONFIG_FILE_NAME),
            criterion_home: dir.join("criterion-home"),
            settings,
        })
    }

    /// Lints `text` as the crate's `src/lib.rs` (modules it declares are looked for beside it), with
    /// every file and fn a hot path; returns the findings and problems the run would report.
    pub fn lint(&self, text: &str) -> Result<Report, String> {
        std::fs::write(&self.lib, text).map_err(|e| e.to_string())?;
        let opts = LintOptions {
            measured_hot: Vec::new(),
            cache: None,
            ..LintOptions::default()
        };
        lints::check(&self.ws.members, &self.settings, &opts).map_err(rendered)
    }

    /// Loads `text` as the workspace's `lumen-gate.toml` and validates every section as a run would: the
    /// architecture rules against this workspace, the lints' settings, the benchmark limits. Returns the
    /// configuration's warnings, rendered.
    pub fn config(&self, text: &str) -> Result<Vec<String>, String> {
        std::fs::write(&self.config, text).map_err(|e| e.to_string())?;
        let loaded = crate::commands::config::load(&self.ws.root, None).map_err(rendered)?;
        self.validate(&loaded).map_err(rendered)
    }

    fn validate(&self, loaded: &LoadedConfig) -> Result<Vec<String>, Error> {
        let source = loaded.source.as_ref();
        let mut warnings: Vec<String> = loaded
            .warnings
            .iter()
            .map(|w| render_diagnostic(w, HumanStyle::default()))
            .collect();
        crate::arch::load_rules(&self.ws, &loaded.config.arch, source, None)?;
        let (_, lint_warnings) = Settings::new(&loaded.config.lints, source)?;
        warnings.extend(
            lint_warnings
                .iter()
                .map(|w| render_diagnostic(w, HumanStyle::default())),
        );
        crate::bench::Settings::new(&loaded.config.bench, &self.ws, source)?;
        Ok(warnings)
    }

    /// Reads criterion's files for one benchmark, as a `--criterion` run finds them under its
    /// `CRITERION_HOME`: `benchmark.json` and `estimates.json` of HEAD (`new/`), and, when given, the
    /// base's `estimates.json` and the `change/estimates.json` criterion computed. Returns each benchmark's
    /// name and whether its change is significant.
    pub fn criterion(
        &self,
        benchmark: &str,
        new: &str,
        base_and_change: Option<(&str, &str)>,
    ) -> Result<Vec<(String, bool)>, String> {
        let home = &self.criterion_home;
        if home.exists() {
            std::fs::remove_dir_all(home).map_err(|e| e.to_string())?;
        }
        let dir = home.join("bench");
        let mut files = vec![
            ("new/benchmark.json", benchmark),
            ("new/estimates.json", new),
        ];
        if let Some((base, change)) = base_and_change {
            files.push(("lumen_base/estimates.json", base));
            files.push(("change/estimates.json", change));
        }
        for (rel, text) in files {
            let path = dir.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
            }
            std::fs::write(&path, text).map_err(|e| e.to_string())?;
        }
        let found = crate::bench::criterion::collect(home, "lumen_base", 1.0).map_err(rendered)?;
        Ok(found
            .into_iter()
            .map(|c| (c.name, c.change.is_some_and(|w| w.significant)))
            .collect())
    }
}

/// Parses each text as a `--report` file (named `report-<i>.json`), merges them into one review with the
/// default verdict policy, and renders it in every format (`-v`); returns the verdict and the
/// markdown review.
pub fn review_of_reports(texts: &[&str]) -> Result<(Verdict, String), String> {
    let mut reports = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        let name = format!("report-{i}.json");
        let report = parse_report(&name, text.to_string()).map_err(rendered)?;
        reports.push((name, report));
    }
    let (merged, tools) = review::merge(reports).map_err(rendered)?;
    let review = review::decide(merged, tools, &crate::gate::cfg::GateConfig::default());
    for format in [
        Format::Human,
        Format::Json,
        Format::Markdown,
        Format::Github,
        Format::Sarif,
    ] {
        let mut out = Vec::new();
        write_review(
            &review,
            format,
            HumanStyle::default(),
            Verbosity::Verbose,
            &mut out,
        )
        .map_err(|e| e.to_string())?;
    }
    let markdown = crate::render::markdown::review(&review).map_err(|e| e.to_string())?;
    Ok((review.verdict, markdown))
}

/// Reads `text` as a benchmark runner's `summary.json` (gungraun's schema 7 or iai-callgrind's 6) at
/// `<home>/<package>/<bench>/summary.json`, as a run collects it after `cargo bench`; returns each
/// benchmark's name and instruction count (Ir) after and before.
pub fn bench_summary(home: &Path, text: &str) -> Result<Vec<(String, f64, Option<f64>)>, String> {
    let dir = home.join("pkg").join("bench");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("summary.json"), text).map_err(|e| e.to_string())?;
    let found = crate::bench::summary::collect(home, crate::bench::BASELINE).map_err(rendered)?;
    Ok(found
        .into_iter()
        .filter_map(|(_, _, s)| {
            let ir = s.metrics.get("Ir")?;
            Some((s.name, ir.after, ir.before))
        })
        .collect())
}

/// Reads `data` as a callgrind output file (the attribution's streaming reader); returns how many
/// functions it holds.
pub fn callgrind(data: &[u8]) -> Result<usize, String> {
    let profile = crate::bench::callgrind::Profile::read(data, Path::new("callgrind.out"))
        .map_err(|e| e.to_string())?;
    Ok(profile.functions().len())
}
