//! Reading configuration files: `lumen-gate.toml`, or `[workspace.metadata.lumen-gate]` of the root
//! `Cargo.toml`, and the built-in presets.
//!
//! This module knows nothing of the tools: it finds the file, reads it into any serde type with spans, and
//! gives the helpers every tool's validation pass uses ([`validate`]). Reading is two passes, as in
//! cargo-deny: serde reads the file into spanned values (unknown keys and wrong types are reported here, with
//! their span), then each tool validates its own section against the workspace (unknown crate names, bad
//! globs) through a [`validate::Validator`], again with spans. The whole file's type lives with the commands
//! that read it (`crate::commands::config`), the way cargo-deny keeps its root config apart from each check's.

pub mod owned;
pub mod preset;
pub mod validate;

use std::ops::Range;

use camino::{Utf8Path, Utf8PathBuf};
use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use thiserror::Error;

use crate::errors::{ConfigError, Error, InvalidConfig};

/// Name of the configuration file at the workspace root.
pub const CONFIG_FILE_NAME: &str = "lumen-gate.toml";

/// Where configuration came from: its file and text, so diagnostics can point into it.
#[derive(Debug, Clone)]
pub struct ConfigSource {
    /// The file (`lumen-gate.toml`, the root `Cargo.toml`, or `<preset NAME>`).
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
        ConfigError::new(
            message.into(),
            self.named(),
            Some(span.into()),
            label.into(),
            help,
        )
    }

    /// A warning pointing at `span` of this file (a deprecated key, a glob that matches nothing).
    pub fn warning(
        &self,
        span: Range<usize>,
        message: impl Into<String>,
        help: Option<String>,
    ) -> ConfigWarning {
        ConfigWarning {
            message: message.into(),
            src: self.named(),
            span: span.into(),
            help,
        }
    }

    fn named(&self) -> NamedSource<String> {
        // cloned: each diagnostic owns the text it renders (diagnostics are few)
        NamedSource::new(self.path.as_str(), self.text.clone())
    }
}

/// Something in the configuration that works but should change; printed, never fatal.
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(lumen_gate::config_warning), severity(Warning))]
pub struct ConfigWarning {
    message: String,
    #[source_code]
    src: NamedSource<String>,
    #[label("here")]
    span: SourceSpan,
    #[help]
    help: Option<String>,
}

impl ConfigWarning {
    /// What to change.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// A configuration read from its file, or the defaults when there is none.
#[derive(Debug, Default)]
pub struct Loaded<T> {
    /// The parsed configuration.
    pub config: T,
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

/// Loads the configuration of the workspace rooted at `root` as a `T`.
///
/// `lumen-gate.toml` and `[workspace.metadata.lumen-gate]` are both accepted; both present is an error.
/// `explicit` (from `--config`) overrides both.
pub fn load<T: DeserializeOwned + Default>(
    root: &Utf8Path,
    explicit: Option<&Utf8Path>,
) -> Result<Loaded<T>, Error> {
    if let Some(path) = explicit {
        refuse_if_not_ours(path, owned::named_file(root, path.as_std_path()))?;
        return from_file(path);
    }
    let file = root.join(CONFIG_FILE_NAME);
    let manifest = root.join("Cargo.toml");
    let manifest_source = if manifest.is_file() {
        refuse_if_not_ours(&manifest, owned::in_workspace(root, manifest.as_std_path()))?;
        Some(read_source(&manifest)?)
    } else {
        None
    };
    let file_exists = file.symlink_metadata().is_ok();
    if file_exists {
        refuse_if_not_ours(&file, owned::in_workspace(root, file.as_std_path()))?;
    }
    let in_manifest = match &manifest_source {
        Some(src) => metadata_table_span(src)?,
        None => None,
    };
    match (file_exists, in_manifest, manifest_source) {
        (true, Some(span), Some(msrc)) => {
            let err = msrc.error(
                span,
                format!("configuration found both in {CONFIG_FILE_NAME} and in Cargo.toml"),
                "this table duplicates lumen-gate.toml",
                Some(format!(
                    "keep one: move these settings into {CONFIG_FILE_NAME}, or delete that file"
                )),
            );
            Err(InvalidConfig::new(msrc.path.as_str(), vec![err]).into())
        }
        (true, _, _) => from_file(&file),
        (false, Some(_), Some(msrc)) => {
            let view: ManifestView<T> = parse(&msrc)?;
            let config = view
                .workspace
                .and_then(|w| w.metadata)
                .and_then(|m| m.lumen_gate)
                .unwrap_or_default();
            Ok(Loaded {
                config,
                source: Some(msrc),
            })
        }
        _ => Ok(Loaded {
            config: T::default(),
            source: None,
        }),
    }
}

/// A configuration file that is not ours to read (a symlink out of the workspace, a directory, a pipe) is
/// refused before a byte of it is read, so no error can quote its lines.
fn refuse_if_not_ours(path: &Utf8Path, check: Result<(), owned::NotOurs>) -> Result<(), Error> {
    check.map_err(|why| {
        Error::usage(
            format!("configuration refused: {}", why.describe(path.as_std_path())),
            Some(format!(
                "write the configuration into the workspace's own {CONFIG_FILE_NAME} (a regular file), or name a file outside the workspace with --config"
            )),
        )
    })
}

fn from_file<T: DeserializeOwned>(path: &Utf8Path) -> Result<Loaded<T>, Error> {
    let source = read_source(path)?;
    let config = parse(&source)?;
    Ok(Loaded {
        config,
        source: Some(source),
    })
}

fn read_source(path: &Utf8Path) -> Result<ConfigSource, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io("could not read", path, e))?;
    Ok(ConfigSource {
        path: path.to_owned(),
        text,
    })
}

/// The span of the `[workspace.metadata.lumen-gate]` value in the manifest, if present.
fn metadata_table_span(src: &ConfigSource) -> Result<Option<Range<usize>>, Error> {
    let view: ManifestView<toml::Spanned<toml::Value>> = parse(src)?;
    Ok(view
        .workspace
        .and_then(|w| w.metadata)
        .and_then(|m| m.lumen_gate)
        .map(|v| v.span()))
}

/// Parses `source` as a `T`; a TOML or type error points at its place.
pub fn parse<T: DeserializeOwned>(source: &ConfigSource) -> Result<T, Error> {
    toml::from_str(&source.text).map_err(|e| {
        let err = source.error(e.span().unwrap_or(0..0), e.message(), "here", None);
        InvalidConfig::new(source.path.as_str(), vec![err]).into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stand-in for the whole file: one section, unknown keys refused.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Sections {
        #[serde(default)]
        arch: Option<toml::Value>,
    }

    fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    fn load_dir(dir: &tempfile::TempDir) -> Result<Loaded<Sections>, Error> {
        load(Utf8Path::from_path(dir.path()).unwrap(), None)
    }

    fn config_errors(err: Error) -> InvalidConfig {
        match err {
            Error::Config(c) => *c,
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
        assert_eq!(&text[e.span().unwrap()], "colour");
        assert!(
            e.message().contains("unknown field `colour`"),
            "{}",
            e.message()
        );
    }

    #[test]
    fn broken_toml_is_an_error() {
        let dir = workspace(&[("Cargo.toml", MANIFEST), (CONFIG_FILE_NAME, "[arch\n")]);
        assert!(matches!(load_dir(&dir), Err(Error::Config(_))));
    }

    #[test]
    fn metadata_table_in_the_manifest_is_read_with_spans() {
        let manifest =
            "[workspace]\nmembers = []\n\n[workspace.metadata.lumen-gate]\nbogus = true\n";
        let dir = workspace(&[("Cargo.toml", manifest)]);
        let err = config_errors(load_dir(&dir).unwrap_err());
        assert_eq!(&manifest[err.errors[0].span().unwrap()], "bogus");
        assert!(err.path.ends_with("Cargo.toml"));

        let ok = "[workspace]\nmembers = []\n\n[workspace.metadata.lumen-gate.arch]\n";
        let dir = workspace(&[("Cargo.toml", ok)]);
        let loaded = load_dir(&dir).unwrap();
        assert!(loaded.config.arch.is_some());
        assert!(loaded.source.unwrap().path.ends_with("Cargo.toml"));
    }

    #[test]
    fn both_places_is_an_error() {
        let manifest = "[workspace]\nmembers = []\n\n[workspace.metadata.lumen-gate]\narch = {}\n";
        let dir = workspace(&[("Cargo.toml", manifest), (CONFIG_FILE_NAME, "[arch]\n")]);
        let err = config_errors(load_dir(&dir).unwrap_err());
        assert!(
            err.errors[0].message().contains("both"),
            "{}",
            err.errors[0].message()
        );
    }
}
