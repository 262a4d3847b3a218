//! Built-in rule sets (`--preset`), written as configuration text so their diagnostics point into it.
//!
//! A preset is a configuration file like `lumen-gate.toml`; each tool reads the section it needs from it.

use camino::Utf8PathBuf;
use serde::de::DeserializeOwned;

use crate::config::ConfigSource;
use crate::errors::Error;

/// A built-in rule set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Preset {
    /// The Lumen language's crate boundaries (see `shared/src/config/presets/lumen.toml`).
    Lumen,
}

impl Preset {
    /// The preset's configuration text.
    pub fn text(self) -> &'static str {
        match self {
            Preset::Lumen => include_str!("presets/lumen.toml"),
        }
    }

    /// The preset as a configuration source, for diagnostics.
    pub fn source(self) -> ConfigSource {
        let name = match self {
            Preset::Lumen => "<preset lumen>",
        };
        ConfigSource {
            path: Utf8PathBuf::from(name),
            text: self.text().to_owned(),
        }
    }

    /// The preset read as a `T` (a tool's view of it: other sections are ignored), with its source.
    pub fn parse<T: DeserializeOwned>(self) -> Result<(T, ConfigSource), Error> {
        let source = self.source();
        let config = crate::config::parse(&source)?;
        Ok((config, source))
    }
}
