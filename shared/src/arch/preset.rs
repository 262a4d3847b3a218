//! Built-in rule sets (`--preset`), written as configuration text so their diagnostics point into it.

use camino::Utf8PathBuf;

use crate::config::{ConfigSource, InvalidConfig};
use crate::errors::Error;

/// A built-in rule set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Preset {
    /// The Lumen language's crate boundaries (see `shared/src/arch/presets/lumen.toml`).
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

    /// The preset's `[arch]` rules.
    pub fn config(self) -> Result<(crate::config::Config, ConfigSource), Error> {
        let source = self.source();
        match toml::from_str(&source.text) {
            Ok(config) => Ok((config, source)),
            Err(e) => {
                let err = source.error(
                    e.span().unwrap_or(0..0),
                    e.message().to_owned(),
                    "here",
                    None,
                );
                Err(InvalidConfig::new(&source, vec![err]).into())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lumen_preset_parses() {
        let (config, _) = Preset::Lumen.config().unwrap();
        assert_eq!(config.arch.forbid.len(), 4);
        assert_eq!(config.arch.require.len(), 3);
        assert_eq!(config.arch.only_through.len(), 1);
        assert!(config.arch.no_cycles.is_some());
    }
}
