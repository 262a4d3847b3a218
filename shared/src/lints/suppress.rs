//! Suppression comments: `// lumen-gate: allow(rule-id, other-id) -- reason` on the line of a finding or
//! the line above silences it. Without `-- reason` the comment silences nothing and is itself a finding.

use std::collections::BTreeMap;

const MARKER: &str = "lumen-gate: allow(";

/// The suppression comments of a file.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Suppressions {
    /// Line of a comment with a reason -> the rule ids it allows, and whether the comment stands alone on
    /// its line (then it also covers the next line).
    pub allowed: BTreeMap<u32, (Vec<String>, bool)>,
    /// Comments without a reason: (line, column, the comment's text).
    pub missing_reason: Vec<(u32, u32, String)>,
}

impl Suppressions {
    /// Reads the suppression comments of `text` (only text after `//` on a line is considered).
    pub fn read(text: &str) -> Suppressions {
        let mut out = Suppressions::default();
        for (i, line) in text.lines().enumerate() {
            let Some(comment_at) = comment_start(line) else {
                continue;
            };
            let comment = &line[comment_at..];
            let Some(start) = comment.find(MARKER) else {
                continue;
            };
            let rest = &comment[start + MARKER.len()..];
            let Some(close) = rest.find(')') else {
                continue;
            };
            let ids: Vec<String> = rest[..close]
                .split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect();
            let reason = rest[close + 1..]
                .trim()
                .strip_prefix("--")
                .map(str::trim)
                .unwrap_or_default();
            let line_no = i as u32 + 1;
            if reason.is_empty() {
                let column = line[..comment_at + start].chars().count() as u32 + 1;
                out.missing_reason
                    .push((line_no, column, comment.trim().to_owned()));
            } else {
                let standalone = line[..comment_at].trim().is_empty();
                out.allowed.insert(line_no, (ids, standalone));
            }
        }
        out
    }

    /// True if `rule` is allowed at `line`: by a comment on that line, or by a comment alone on the line above.
    pub fn allows(&self, rule: &str, line: u32) -> bool {
        let names = |ids: &Vec<String>| ids.iter().any(|id| id == rule);
        let here = self.allowed.get(&line).is_some_and(|(ids, _)| names(ids));
        let above = line > 1
            && self
                .allowed
                .get(&(line - 1))
                .is_some_and(|(ids, standalone)| *standalone && names(ids));
        here || above
    }
}

/// Where the line's `//` comment starts: the first `//` outside a string literal (`"a // b"` is not one).
fn comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            // `'"'`: a quote character, not a string.
            b'\'' if !in_string && bytes.get(i + 1..i + 3) == Some(b"\"'") => i += 2,
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// True if a `.clone()` on `line` is justified: a comment on its line, or a comment line just above, or
/// the doc comment of the one-line fn whose body it is.
pub fn clone_justified(lines: &[&str], line: u32) -> bool {
    let at = |l: u32| -> &str {
        l.checked_sub(1)
            .and_then(|i| lines.get(i as usize))
            .copied()
            .unwrap_or_default()
    };
    let above = at(line.saturating_sub(1)).trim_start();
    // The whole body of a one-line fn, whose doc comment says why:
    // `/// Peek one char without consuming it.` `fn peek_one(&mut self) -> Option<char> {` `self.chars.clone().next()`
    let documented_fn = above.contains("fn ")
        && above.ends_with('{')
        && at(line.saturating_sub(2)).trim_start().starts_with("//");
    at(line).contains("//")
        || above.starts_with("//")
        || documented_fn
        || comment_above_statement(&at, line)
}

/// A comment above the first line of the statement the clone is in, or above the `if` that guards it
/// (regex-syntax: `// .. keep one of them` `if i == 0 {` `lits1.push(selflit.clone());`): up to three
/// lines of the same statement or one opening `if`/`else` in between.
fn comment_above_statement<'a>(at: &dyn Fn(u32) -> &'a str, line: u32) -> bool {
    let mut l = line;
    for _ in 0..3 {
        l = match l.checked_sub(1) {
            Some(up) if up > 0 => up,
            _ => return false,
        };
        let text = at(l).trim();
        if text.starts_with("//") {
            return true;
        }
        let opens_branch = text.ends_with('{')
            && (text.starts_with("if ") || text.starts_with("} else") || text.starts_with("else"));
        let continues = !text.is_empty()
            && !text.ends_with(';')
            && !text.ends_with('}')
            && !text.ends_with('{')
            && !text.ends_with(',');
        if !(opens_branch || continues) {
            return false;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_allow_comments_with_and_without_reason() {
        let text = "a();\n// lumen-gate: allow(no-unwrap, no-panic) -- checked above\nb();\nc(); // lumen-gate: allow(no-unwrap)\n";
        let s = Suppressions::read(text);
        assert!(s.allows("no-unwrap", 3));
        assert!(s.allows("no-panic", 2));
        assert!(!s.allows("clone-justified", 3));
        assert!(!s.allows("no-unwrap", 4));
        let in_a_string = Suppressions::read("let t = \"// lumen-gate: allow(no-unwrap)\";\n");
        assert_eq!(in_a_string, Suppressions::default());
        let after_a_quote_char =
            Suppressions::read("let q = '\"'; // lumen-gate: allow(no-unwrap) -- a quote\n");
        assert!(after_a_quote_char.allows("no-unwrap", 1));
        let trailing =
            Suppressions::read("a(); // lumen-gate: allow(no-unwrap) -- here only\nb();\n");
        assert!(trailing.allows("no-unwrap", 1));
        assert!(!trailing.allows("no-unwrap", 2));
        assert_eq!(
            s.missing_reason,
            vec![(4, 9, "// lumen-gate: allow(no-unwrap)".to_owned())]
        );
    }

    #[test]
    fn clone_comments() {
        let lines = [
            "let a = b.clone(); // needed twice",
            "// cheap: Rc",
            "let c = d.clone();",
            "let e = f.clone();",
        ];
        assert!(clone_justified(&lines, 1));
        assert!(clone_justified(&lines, 3));
        assert!(!clone_justified(&lines, 4));
        let one_line_fn = [
            "/// Peek one char without consuming it.",
            "fn peek_one(&mut self) -> Option<char> {",
            "    self.chars.clone().next()",
            "}",
            "fn peek_two(&mut self) -> Option<char> {",
            "    self.chars.clone().nth(1)",
        ];
        assert!(clone_justified(&one_line_fn, 3));
        assert!(!clone_justified(&one_line_fn, 6));
        let statement = [
            "// one copy, kept for later",
            "let exact =",
            "    if x { Some(self.clone()) } else { None };",
            "// we only want to keep one",
            "if i == 0 {",
            "    lits.push(lit.clone());",
            "}",
            "let done = a;",
            "if i == 1 {",
            "    lits.push(lit.clone());",
            "let more = vec![",
            "    x,",
            "    lit.clone(),",
        ];
        assert!(clone_justified(&statement, 3));
        assert!(clone_justified(&statement, 6));
        assert!(!clone_justified(&statement, 10));
        assert!(!clone_justified(&statement, 13));
    }
}
