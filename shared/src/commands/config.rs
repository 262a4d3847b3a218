//! The whole configuration file: one section per part, `[arch]`, `[lints]`, `[bench]`, and `[gate]` for the
//! review. Each tool owns its section's type; this is where they meet.
//!
//! The lints' settings were once written under `[gate]` (`hot-paths`, `[gate.rules.*]`,
//! `[[gate.overrides]]`): they are still read from there, moved to `[lints]`, with a warning per key.

use camino::Utf8Path;
use serde::Deserialize;
use toml::Spanned;

use crate::api::cfg::ApiConfig;
use crate::arch::cfg::ArchConfig;
use crate::bench::cfg::BenchConfig;
use crate::config::validate::Validator;
use crate::config::{ConfigSource, ConfigWarning, Loaded};
use crate::errors::Result;
use crate::gate::cfg::GateConfig;
use crate::lints::cfg::LintsConfig;

/// `lumen-gate.toml` (or `[workspace.metadata.lumen-gate]`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// `[arch]`: architecture rules for `cargo lumen-arch`.
    #[serde(default)]
    pub arch: ArchConfig,
    /// `[lints]`: the source scanner's rules and hot paths.
    #[serde(default)]
    pub lints: LintsConfig,
    /// `[bench]`: benchmark thresholds for `cargo lumen-bench`.
    #[serde(default)]
    pub bench: BenchConfig,
    /// `[gate]`: the review's verdict policy.
    #[serde(default)]
    pub gate: GateConfig,
    /// `[api]`: the API review's hygiene rules.
    #[serde(default)]
    pub api: ApiConfig,
}

/// The configuration, where it came from, and its warnings.
#[derive(Debug, Default)]
pub struct LoadedConfig {
    /// The parsed configuration, deprecated keys moved to their place.
    pub config: Config,
    /// Its source, for diagnostics. `None` when no configuration exists.
    pub source: Option<ConfigSource>,
    /// Deprecated keys and the like: printed, never fatal.
    pub warnings: Vec<ConfigWarning>,
}

/// Loads the configuration of the workspace rooted at `root` (or the file given with `--config`).
pub fn load(root: &Utf8Path, explicit: Option<&Utf8Path>) -> Result<LoadedConfig> {
    let Loaded { mut config, source } = crate::config::load::<Config>(root, explicit)?;
    let mut v = Validator::new(source.as_ref());
    migrate_gate_keys(&mut config, &mut v);
    crate::bench::limits::check_numbers(&config.bench, &mut v);
    let warnings = v.finish()?;
    Ok(LoadedConfig {
        config,
        source,
        warnings,
    })
}

/// Moves the lints' settings written under `[gate]` to `[lints]`, warning once per key; a key written in
/// both places is an error.
fn migrate_gate_keys(config: &mut Config, v: &mut Validator<'_>) {
    let (gate, lints) = (&mut config.gate, &mut config.lints);
    if let Some(old) = gate.hot_paths.take() {
        moved(
            v,
            &old,
            "hot-paths",
            "[lints] hot-paths",
            !lints.hot_paths.is_empty(),
        );
        lints.hot_paths.extend(old.into_inner());
    }
    if let Some(old) = gate.rules.take() {
        moved(
            v,
            &old,
            "[gate.rules]",
            "[lints.rules]",
            !lints.rules.is_empty(),
        );
        lints.rules.extend(old.into_inner());
    }
    if let Some(old) = gate.overrides.take() {
        let both = !lints.overrides.is_empty();
        moved(v, &old, "[[gate.overrides]]", "[[lints.overrides]]", both);
        lints.overrides.extend(old.into_inner());
    }
}

fn moved<T>(v: &mut Validator<'_>, at: &Spanned<T>, old: &str, new: &str, both: bool) {
    if both {
        v.error(
            at,
            format!("{old} under [gate] and {new} are both set"),
            "the old place",
            Some(format!("keep only {new}")),
        );
    } else {
        v.warn(
            at,
            format!("{old} under [gate] is deprecated: the lints' settings are now under {new}"),
            Some(format!(
                "move it to {new}; [gate] holds only the review's verdict policy"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<LoadedConfig> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("lumen-gate.toml"), text).unwrap();
        load(Utf8Path::from_path(dir.path()).unwrap(), None)
    }

    #[test]
    fn old_gate_keys_still_load_into_lints_with_a_warning_each() {
        let loaded = load_text(
            "[gate]\nhot-paths = [\"src/vm/**\"]\n\n[gate.rules.no-unwrap]\nseverity = \"warning\"\n\n[gate.verdict]\nwarning-budget = 3\n",
        )
        .unwrap();
        let c = &loaded.config;
        assert_eq!(c.lints.hot_paths[0].get_ref(), "src/vm/**");
        assert_eq!(c.lints.rules.len(), 1);
        assert_eq!(c.gate.verdict.warning_budget, Some(3));
        assert_eq!(loaded.warnings.len(), 2);
        assert!(
            loaded.warnings[0].message().contains("deprecated"),
            "{}",
            loaded.warnings[0].message()
        );
    }

    #[test]
    fn a_key_in_both_places_is_an_error() {
        let err = load_text("[gate]\nhot-paths = [\"a/**\"]\n\n[lints]\nhot-paths = [\"b/**\"]\n")
            .unwrap_err();
        assert!(err.to_string().contains("invalid configuration"), "{err}");
    }

    #[test]
    fn the_new_sections_load_without_warnings() {
        let loaded = load_text(
            "[lints]\nhot-paths = [\"src/vm/**\"]\n\n[gate.verdict]\nblock-on-critical = true\n",
        )
        .unwrap();
        assert!(loaded.warnings.is_empty());
        assert_eq!(loaded.config.lints.hot_paths.len(), 1);
    }
}
