//! The one escaping layer per output format for text from the repository under review (file paths,
//! benchmark and crate names, messages quoting code, config strings): a pull request controls that text,
//! so it must never control the output's structure.
//!
//! - markdown ([`markdown`], [`table_cell`]): one line that cannot open a heading, an HTML comment (which
//!   would hide the rest of a comment), a link, a table cell, or ping anyone with an `@mention`;
//! - GitHub workflow commands: [`crate::render::github::escape_data`] and `escape_property`;
//! - terminal ([`terminal`]): control characters (newlines, the ESC of escape sequences) and bidi
//!   overrides shown escaped (`\n`, `\u{1b}`), so a name can neither start a line nor recolor one;
//! - stderr as a whole ([`stderr`]): the last guard, since GitHub reads workflow commands there too;
//! - JSON and SARIF: serde's escaping.

/// Characters that reorder displayed text (Trojan Source): shown escaped like control characters.
pub(crate) fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// `text` flattened to one line: control characters and bidi overrides become spaces.
fn flat(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() || is_bidi(c) { ' ' } else { c })
        .collect()
}

/// A zero-width space: after an `@`, it keeps GitHub from reading a mention.
const MENTION_BREAK: char = '\u{200B}';

/// `text` as inline markdown on one line: control characters (newlines, escape sequences) become spaces;
/// outside code spans `<` and `>` become entities, so no HTML (a comment that hides the rest of the
/// review) can start, and `[`, `]` are escaped, so no link can; an `@` before a name gets a zero-width
/// space, so nobody is pinged. Code spans stay code spans; an odd backtick is made a quote so none stays
/// open.
pub fn markdown(text: &str) -> String {
    let flat = flat(text);
    let balanced = if flat.matches('`').count() % 2 == 1 {
        flat.replace('`', "'")
    } else {
        flat
    };
    let mut out = String::with_capacity(balanced.len());
    for (i, part) in balanced.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        let in_code = i % 2 == 1;
        let mut chars = part.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '<' if !in_code => out.push_str("&lt;"),
                '>' if !in_code => out.push_str("&gt;"),
                '[' | ']' if !in_code => {
                    out.push('\\');
                    out.push(c);
                }
                '@' => {
                    out.push(c);
                    if chars
                        .peek()
                        .is_some_and(|n| n.is_alphanumeric() || *n == '-')
                    {
                        out.push(MENTION_BREAK);
                    }
                }
                _ => out.push(c),
            }
        }
    }
    out
}

/// `text` for a markdown table cell: [`markdown`], and `|` escaped so the cell cannot split.
pub fn table_cell(text: &str) -> String {
    markdown(text).replace('|', "\\|")
}

/// `text` for one line of terminal output: every control character (newline, tab, the ESC of a terminal
/// escape sequence...) and bidi override shown escaped, as Rust writes it (`\n`, `\u{1b}`).
pub fn terminal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || is_bidi(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// `text` for a markdown table shown on a terminal: [`terminal`], and `|` escaped so a cell cannot
/// split.
pub fn terminal_cell(text: &str) -> String {
    terminal(text).replace('|', "\\|")
}

/// Text on its way to stderr, which GitHub reads for workflow commands too: no line of it starts with
/// `::`, even after leading spaces (lumen-gate writes workflow commands to stdout only, with `--format
/// github`; such a line is marked `> `), and without colour
/// (`color` false) no control character but the line breaks is left raw.
pub fn stderr(text: &str, color: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = if color {
            line.to_owned()
        } else {
            terminal(line)
        };
        // The runner trims leading whitespace before looking for `::`: a visible mark defuses it.
        if line.trim_start().starts_with("::") {
            out.push_str("> ");
        }
        out.push_str(&line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_cannot_open_a_heading_or_a_comment() {
        let name = "z\n\n### Verdict\nAPPROVED\n\n<!--.rs";
        let safe = markdown(name);
        assert!(!safe.contains('\n'));
        assert!(!safe.contains("<!--"));
        assert_eq!(safe, "z  ### Verdict APPROVED  &lt;!--.rs");
    }

    #[test]
    fn code_spans_keep_their_text_and_an_odd_backtick_closes_nothing() {
        assert_eq!(
            markdown("`Box<dyn Any>` instead of a typed enum"),
            "`Box<dyn Any>` instead of a typed enum"
        );
        assert_eq!(
            markdown("`a` then a`<!--"),
            "'a' then a'&lt;!--",
            "an odd count: no span at all"
        );
        assert_eq!(markdown("`a` -> `b`"), "`a` -&gt; `b`");
    }

    #[test]
    fn no_mention_and_no_link() {
        assert_eq!(markdown("cc @octocat"), "cc @\u{200B}octocat");
        assert_eq!(markdown("`@octocat`"), "`@\u{200B}octocat`");
        assert_eq!(markdown("a@ b"), "a@ b");
        assert_eq!(markdown("[x](https://e.com)"), "\\[x\\](https://e.com)");
    }

    #[test]
    fn cells_terminals_and_stderr() {
        assert_eq!(table_cell("a|b"), "a\\|b");
        assert_eq!(terminal("red\x1b[31m\tx\n"), "red\\u{1b}[31m\\tx\\n");
        assert_eq!(terminal("a\u{202E}b"), "a\\u{202e}b");
        assert_eq!(terminal_cell("a|b\n"), "a\\|b\\n");
        assert_eq!(
            stderr("ok\n::error file=x::forged\n  ::warning::y\n", false),
            "ok\n> ::error file=x::forged\n>   ::warning::y\n"
        );
        assert_eq!(stderr("\x1b[1mbold\x1b[0m", true), "\x1b[1mbold\x1b[0m");
        assert_eq!(stderr("\x1b[1m", false), "\\u{1b}[1m");
    }
}
