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
pub(crate) fn comment_start(line: &str) -> Option<usize> {
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
}
