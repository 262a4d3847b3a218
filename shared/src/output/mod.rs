//! Output settings shared by the three tools: colour, format, verbosity, and progress on stderr.

pub mod escape;
pub mod progress;

use std::io::IsTerminal;

/// `--color`: when to use colour.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when the stream is a terminal and neither `NO_COLOR` nor `CARGO_TERM_COLOR=never` is set.
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Whether to colour a stream: `--color` wins; then `CARGO_TERM_COLOR`; then `NO_COLOR`; then
    /// whether `stream` is a terminal.
    pub fn should_color(self, stream: &impl IsTerminal) -> bool {
        let env_choice = std::env::var("CARGO_TERM_COLOR").ok();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        resolve_color(self, env_choice.as_deref(), no_color, stream.is_terminal())
    }
}

/// The decision behind [`ColorChoice::should_color`], without the environment.
pub fn resolve_color(
    choice: ColorChoice,
    cargo_term_color: Option<&str>,
    no_color: bool,
    is_terminal: bool,
) -> bool {
    match choice {
        ColorChoice::Always => return true,
        ColorChoice::Never => return false,
        ColorChoice::Auto => {}
    }
    match cargo_term_color {
        Some("always") => return true,
        Some("never") => return false,
        _ => {}
    }
    !no_color && is_terminal
}

/// `--format`: how to write the report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Diagnostics for people, coloured on a terminal.
    #[default]
    Human,
    /// The versioned JSON report.
    Json,
    /// The review text, ready for a pull-request comment.
    Markdown,
    /// GitHub workflow-command annotations, plus the markdown in `$GITHUB_STEP_SUMMARY`.
    Github,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
}

/// How much to say.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// `-q`: only the result.
    Quiet,
    /// The default.
    #[default]
    Normal,
    /// `-v`: details (paths, other metrics).
    Verbose,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_beats_environment() {
        assert!(resolve_color(
            ColorChoice::Always,
            Some("never"),
            true,
            false
        ));
        assert!(!resolve_color(
            ColorChoice::Never,
            Some("always"),
            false,
            true
        ));
    }

    #[test]
    fn cargo_term_color_beats_no_color_and_tty() {
        assert!(resolve_color(
            ColorChoice::Auto,
            Some("always"),
            true,
            false
        ));
        assert!(!resolve_color(
            ColorChoice::Auto,
            Some("never"),
            false,
            true
        ));
    }

    #[test]
    fn no_color_turns_off_auto_on_a_terminal() {
        assert!(!resolve_color(ColorChoice::Auto, None, true, true));
        assert!(resolve_color(ColorChoice::Auto, None, false, true));
        assert!(!resolve_color(ColorChoice::Auto, None, false, false));
    }
}
