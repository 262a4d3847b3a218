//! Text from the user's repository (file paths, names, messages quoting code) made safe for where it is
//! printed: one line of markdown that cannot open a heading, an HTML comment or a table cell, and terminal
//! output without control characters or escape sequences.

/// `text` as inline markdown on one line: control characters (newlines, escape sequences) become spaces,
/// and outside code spans `<` and `>` become entities, so no HTML (a comment that hides the rest of the
/// review) can start. Code spans stay code spans; an odd backtick is made a quote so none stays open.
pub fn markdown(text: &str) -> String {
    let flat = terminal(text);
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
        if i % 2 == 1 {
            out.push_str(part);
        } else {
            for c in part.chars() {
                match c {
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    _ => out.push(c),
                }
            }
        }
    }
    out
}

/// `text` for a markdown table cell: [`markdown`], and `|` escaped so the cell cannot split.
pub fn table_cell(text: &str) -> String {
    markdown(text).replace('|', "\\|")
}

/// `text` with every control character (newline, tab, ESC of a terminal escape sequence...) replaced by a
/// space, for one line of terminal output.
pub fn terminal(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
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
    fn cells_and_terminals() {
        assert_eq!(table_cell("a|b"), "a\\|b");
        assert_eq!(terminal("red\x1b[31m\tx"), "red [31m x");
    }
}
