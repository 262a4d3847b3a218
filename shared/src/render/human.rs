//! Human output: one miette diagnostic per finding, with the source or manifest line it points at.

use std::fmt;
use std::io::Write;

use camino::Utf8Path;
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan,
};

use crate::config::owned;
use crate::render::escape;
use crate::report::{Finding, Location, Severity};

/// Rendering settings.
#[derive(Clone, Copy, Debug)]
pub struct HumanStyle {
    /// Use colour.
    pub color: bool,
    /// Terminal width to wrap at.
    pub width: usize,
}

impl Default for HumanStyle {
    fn default() -> Self {
        HumanStyle {
            color: false,
            width: 100,
        }
    }
}

/// The miette handler for `style`: unicode with colour on a colour terminal, unicode without colour
/// otherwise.
pub fn handler(style: HumanStyle) -> GraphicalReportHandler {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
}

/// Renders any diagnostic to a string.
pub fn render_diagnostic(diag: &dyn Diagnostic, style: HumanStyle) -> String {
    let mut text = String::new();
    if handler(style).render_report(&mut text, diag).is_err() {
        // The handler only fails on a formatter error; fall back to the plain message.
        text = format!("{diag}\n");
    }
    text
}

/// Writes one diagnostic per finding. Files are read from `root` to show the lines pointed at.
pub fn write_findings<'f>(
    findings: impl IntoIterator<Item = &'f Finding>,
    root: &Utf8Path,
    style: HumanStyle,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    for finding in findings {
        let diag = FindingDiagnostic::new(finding, root);
        out.write_all(render_diagnostic(&diag, style).as_bytes())?;
    }
    Ok(())
}

/// A finding seen as a miette diagnostic.
#[derive(Debug)]
pub struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    source: Option<(NamedSource<String>, SourceSpan)>,
    help: Option<String>,
}

impl<'a> FindingDiagnostic<'a> {
    /// Reads the file the finding points at (if it can) so the line can be shown.
    pub fn new(finding: &'a Finding, root: &Utf8Path) -> FindingDiagnostic<'a> {
        let source = finding
            .location
            .as_ref()
            .and_then(|loc| source_and_span(root, loc));
        let mut help = Vec::new();
        if let Some(why) = &finding.why {
            help.push(format!("why: {}", escape::terminal(why)));
        }
        if let Some(h) = &finding.help {
            help.push(escape::terminal(h));
        }
        if let Some(impact) = &finding.impact {
            help.push(format!("impact: {}", escape::terminal(impact)));
        }
        FindingDiagnostic {
            finding,
            source,
            help: (!help.is_empty()).then(|| help.join("\n")),
        }
    }
}

/// The file's text and the span of `loc` in it.
pub fn source_and_span(
    root: &Utf8Path,
    loc: &Location,
) -> Option<(NamedSource<String>, SourceSpan)> {
    let path = root.join(&loc.file);
    // A finding (from a `--report` of anywhere) may name any file: quote only the workspace's own.
    owned::in_workspace(root, path.as_std_path()).ok()?;
    let text = std::fs::read_to_string(&path).ok()?;
    let span = span_of(&text, loc)?;
    Some((
        NamedSource::new(escape::terminal(&loc.file), printable(text)),
        span,
    ))
}

/// `text` with every control character but line breaks and tabs replaced by as many spaces as it has
/// bytes (so spans still point where they did): a terminal escape sequence in a source line is not run.
fn printable(text: String) -> String {
    if !text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t') {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    out
}

/// The byte span of `loc` in `text` (the whole line when `length` is 0).
pub fn span_of(text: &str, loc: &Location) -> Option<SourceSpan> {
    let line_start = if loc.line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(loc.line as usize - 2)
            .map(|(i, _)| i + 1)?
    };
    let line = text[line_start..].split('\n').next().unwrap_or_default();
    let col_offset: usize = line
        .chars()
        .take(loc.column.saturating_sub(1) as usize)
        .map(char::len_utf8)
        .sum();
    let len = if loc.length == 0 {
        line.trim_end_matches('\r').len().saturating_sub(col_offset)
    } else {
        loc.length as usize
    };
    Some(SourceSpan::new((line_start + col_offset).into(), len))
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}] {}",
            escape::terminal(&self.finding.rule_id),
            escape::terminal(&self.finding.message)
        )
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.finding.kind))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Critical => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source
            .as_ref()
            .map(|(src, _)| src as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (_, span) = self.source.as_ref()?;
        let label = self.finding.severity.label().to_lowercase();
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(label),
            *span,
        ))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(line: u32, column: u32, length: u32) -> Location {
        Location {
            file: "f".into(),
            line,
            column,
            length,
        }
    }

    #[test]
    fn span_of_finds_line_and_column() {
        let text = "first\nsecond line\nthird";
        let span = span_of(text, &loc(2, 8, 4)).unwrap();
        assert_eq!(&text[span.offset()..span.offset() + span.len()], "line");
        let whole = span_of(text, &loc(3, 1, 0)).unwrap();
        assert_eq!(&text[whole.offset()..whole.offset() + whole.len()], "third");
    }

    #[test]
    fn span_of_rejects_missing_line() {
        assert!(span_of("one\n", &loc(5, 1, 0)).is_none());
    }
}
