//! Reading `lumen-gate.toml` (or `[workspace.metadata.lumen-gate]` of the root `Cargo.toml`).
//!
//! Reading is two passes, as in cargo-deny: serde reads the file into spanned values (unknown keys and wrong
//! types are reported here, with their span), then each tool validates its section against the workspace
//! (unknown crate names, bad globs) and reports through [`ConfigSource::error`], again with spans.

use std::ops::Range;

use camino::{Utf8Path, Utf8PathBuf};
use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::Deserialize;
use thiserror::Error;

use crate::arch::cfg::ArchConfig;
use crate::bench::cfg::BenchConfig;
use crate::scan::cfg::GateConfig;

/// Name of the configuration file at the workspace root.
pub const CONFIG_FILE_NAME: &str = "lumen-gate.toml";

/// The whole configuration, one section per tool.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// `[arch]`: architecture rules for `cargo lumen-arch`.
    #[serde(default)]
    pub arch: ArchConfig,
    /// `[gate]`: source gates and verdict policy for `cargo lumen-gate`.
    #[serde(default)]
    pub gate: GateConfig,
    /// `[bench]`: benchmark thresholds for `cargo lumen-bench`.
    #[serde(default)]
    pub bench: BenchConfig,
}

/// Where the configuration came from: its file and text, so diagnostics can point into it.
#[derive(Debug, Clone)]
pub struct ConfigSource {
    /// The file (`lumen-gate.toml`, or the root `Cargo.toml`).
    pub path: Utf8PathBuf,
    /// Its text.
    pub text: String,
}

impl ConfigSource {
    /// A diagnostic pointing at `span` of this file.
    pub fn error(
        &self,
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) -> ConfigError {
        ConfigError {
            message: message.into(),
            // cloned: each diagnostic owns the text it renders
            src: NamedSource::new(self.path.as_str(), self.text.clone()),
            span: Some(span.into()),
            label: label.into(),
            help,
        }
    }
}

/// One problem in the configuration, with its place in the file.
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(lumen_gate::config))]
pub struct ConfigError {
    message: String,
    #[source_code]
    src: NamedSource<String>,
    #[label("{label}")]
    span: Option<SourceSpan>,
    label: String,
    #[help]
    help: Option<String>,
}

/// The configuration is invalid: one or more [`ConfigError`]s.
#[derive(Debug, Error, Diagnostic)]
#[error("invalid configuration in {path}")]
#[diagnostic(code(lumen_gate::invalid_config))]
pub struct InvalidConfig {
    /// The file.
    pub path: String,
    /// Every problem found.
    #[related]
    pub errors: Vec<ConfigError>,
}

impl InvalidConfig {
    /// Wraps the problems found in `source`.
    pub fn new(source: &ConfigSource, errors: Vec<ConfigError>) -> InvalidConfig {
        InvalidConfig {
            path: source.path.to_string(),
            errors,
        }
    }
}

/// The loaded configuration and where it came from (`None`: no configuration, defaults apply).
#[derive(Debug, Default)]
pub struct LoadedConfig {
    /// The parsed configuration.
    pub config: Config,
    /// Its source, for diagnostics. `None` when no configuration exists.
    pub source: Option<ConfigSource>,
}

/// The root manifest, seen only for `[workspace.metadata.lumen-gate]`; `T` is what that table is read as.
#[derive(Deserialize)]
struct ManifestView<T> {
    workspace: Option<WorkspaceView<T>>,
}

#[derive(Deserialize)]
struct WorkspaceView<T> {
    metadata: Option<MetadataView<T>>,
}

#[derive(Deserialize)]
struct MetadataView<T> {
    #[serde(rename = "lumen-gate")]
    lumen_gate: Option<T>,
}

/// Loads the configuration of the workspace rooted at `root`.
///
/// `lumen-gate.toml` and `[workspace.metadata.lumen-gate]` are both accepted; both present is an error.
/// `explicit` (from `--config`) overrides both.
pub fn load(
    root: &Utf8Path,
    explicit: Option<&Utf8Path>,
) -> Result<LoadedConfig, crate::errors::Error> {
    if let Some(path) = explicit {
        let source = read_source(path)?;
        let config = parse_config(&source)?;
        return Ok(LoadedConfig {
            config,
            source: Some(source),
        });
    }
    let file = root.join(CONFIG_FILE_NAME);
    let manifest = root.join("Cargo.toml");
    let manifest_source = if manifest.is_file() {
        Some(read_source(&manifest)?)
    } else {
        None
    };
    let in_manifest = match &manifest_source {
        Some(src) => metadata_table_span(src)?,
        None => None,
    };
    match (file.is_file(), in_manifest, manifest_source) {
        (true, Some(span), Some(msrc)) => {
            let err = msrc.error(
                span,
                format!("configuration found both in {CONFIG_FILE_NAME} and in Cargo.toml"),
                "this table duplicates lumen-gate.toml",
                Some(format!(
                    "keep one: move these settings into {CONFIG_FILE_NAME}, or delete that file"
                )),
            );
            Err(InvalidConfig::new(&msrc, vec![err]).into())
        }
        (true, _, _) => {
            let source = read_source(&file)?;
            let config = parse_config(&source)?;
            Ok(LoadedConfig {
                config,
                source: Some(source),
            })
        }
        (false, Some(_), Some(msrc)) => {
            let view: ManifestView<Config> =
                toml::from_str(&msrc.text).map_err(|e| toml_error(&msrc, &e))?;
            let config = view
                .workspace
                .and_then(|w| w.metadata)
                .and_then(|m| m.lumen_gate)
                .unwrap_or_default();
            Ok(LoadedConfig {
                config,
                source: Some(msrc),
            })
        }
        _ => Ok(LoadedConfig::default()),
    }
}

fn read_source(path: &Utf8Path) -> Result<ConfigSource, crate::errors::Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| crate::errors::Error::io("could not read", path, e))?;
    Ok(ConfigSource {
        path: path.to_owned(),
        text,
    })
}

/// The span of the `[workspace.metadata.lumen-gate]` value in the manifest, if present.
fn metadata_table_span(src: &ConfigSource) -> Result<Option<Range<usize>>, crate::errors::Error> {
    let view: ManifestView<toml::Spanned<toml::Value>> =
        toml::from_str(&src.text).map_err(|e| toml_error(src, &e))?;
    Ok(view
        .workspace
        .and_then(|w| w.metadata)
        .and_then(|m| m.lumen_gate)
        .map(|v| v.span()))
}

fn parse_config(source: &ConfigSource) -> Result<Config, crate::errors::Error> {
    toml::from_str(&source.text).map_err(|e| toml_error(source, &e))
}

fn toml_error(source: &ConfigSource, e: &toml::de::Error) -> crate::errors::Error {
    let span = e.span().unwrap_or(0..0);
    let err = source.error(span, e.message().to_owned(), "here", None);
    InvalidConfig::new(source, vec![err]).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    fn load_dir(dir: &tempfile::TempDir) -> Result<LoadedConfig, crate::errors::Error> {
        load(Utf8Path::from_path(dir.path()).unwrap(), None)
    }

    fn config_errors(err: crate::errors::Error) -> InvalidConfig {
        match err {
            crate::errors::Error::Config(c) => *c,
            other => panic!("expected a config error, got {other:?}"),
        }
    }

    const MANIFEST: &str = "[workspace]\nmembers = []\n";

    #[test]
    fn no_configuration_gives_defaults() {
        let dir = workspace(&[("Cargo.toml", MANIFEST)]);
        assert!(load_dir(&dir).unwrap().source.is_none());
    }

    #[test]
    fn unknown_key_points_at_its_span() {
        let text = "[arch]\n\n[colour]\nx = 1\n";
        let dir = workspace(&[("Cargo.toml", MANIFEST), (CONFIG_FILE_NAME, text)]);
        let err = config_errors(load_dir(&dir).unwrap_err());
        let e = &err.errors[0];
        let span = e.span.unwrap();
        assert_eq!(&text[span.offset()..span.offset() + span.len()], "colour");
        assert!(
            e.message.contains("unknown field `colour`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn wrong_type_is_an_error() {
        let dir = workspace(&[("Cargo.toml", MANIFEST), (CONFIG_FILE_NAME, "arch = 5\n")]);
        let err = config_errors(load_dir(&dir).unwrap_err());
        assert!(
            err.errors[0].message.contains("invalid type"),
            "{}",
            err.errors[0].message
        );
    }

    #[test]
    fn broken_toml_is_an_error() {
        let dir = workspace(&[("Cargo.toml", MANIFEST), (CONFIG_FILE_NAME, "[arch\n")]);
        assert!(matches!(
            load_dir(&dir),
            Err(crate::errors::Error::Config(_))
        ));
    }

    #[test]
    fn metadata_table_in_the_manifest_is_read_with_spans() {
        let manifest =
            "[workspace]\nmembers = []\n\n[workspace.metadata.lumen-gate]\nbogus = true\n";
        let dir = workspace(&[("Cargo.toml", manifest)]);
        let err = config_errors(load_dir(&dir).unwrap_err());
        let span = err.errors[0].span.unwrap();
        assert_eq!(
            &manifest[span.offset()..span.offset() + span.len()],
            "bogus"
        );
        assert!(err.path.ends_with("Cargo.toml"));

        let ok = "[workspace]\nmembers = []\n\n[workspace.metadata.lumen-gate.arch]\n";
        let dir = workspace(&[("Cargo.toml", ok)]);
        let loaded = load_dir(&dir).unwrap();
        assert!(loaded.source.unwrap().path.ends_with("Cargo.toml"));
    }

    #[test]
    fn both_places_is_an_error() {
        let manifest = "[workspace]\nmembers = []\n\n[workspace.metadata.lumen-gate]\narch = {}\n";
        let dir = workspace(&[("Cargo.toml", manifest), (CONFIG_FILE_NAME, "[arch]\n")]);
        let err = config_errors(load_dir(&dir).unwrap_err());
        assert!(
            err.errors[0].message.contains("both"),
            "{}",
            err.errors[0].message
        );
    }
}
