// The documentation is scanned by tests/tests/lint_docs.rs, not compiled as doctests.
#![cfg_attr(not(doctest), doc = include_str!("docs/clone-justified.md"))]

use proc_macro2::Span;

use crate::lints::facts::Condition;
use crate::lints::rules::{Group, RuleId, RuleInfo, Scope};
use crate::lints::walk::Walk;
use crate::report::{Category, Severity};

/// `clone-justified`.
pub const INFO: RuleInfo = RuleInfo {
    rule: RuleId::CloneJustified,
    id: "clone-justified",
    group: Group::Gates,
    nursery: false,
    phrase: "without a comment saying why",
    category: Category::CodeQuality,
    scope: Scope::Everywhere,
    default: Severity::Critical,
    description: "`.clone()` with no comment on its line or the line above saying why",
    help: "borrow instead, or add a comment explaining why the clone is needed",
    impact: "an unexplained allocation or reference-count bump",
    checks: &[],
    doc: include_str!("docs/clone-justified.md"),
};

pub(crate) fn method_call(cx: &mut Walk<'_>, m: &syn::ExprMethodCall, name: &str, span: Span) {
    if name != "clone" || !m.args.is_empty() {
        return;
    }
    // `impl From<&A> for A { fn from(a: &A) -> A { a.clone() } }`: the clone is the conversion;
    // `impl Clone for A { fn clone(&self) -> A { A { x: self.x.clone() } } }`: it is the copy.
    let conversion = matches!(
        (cx.impl_trait.as_deref(), cx.path.last().map(String::as_str)),
        (Some("From"), Some("from")) | (Some("Clone"), Some("clone"))
    );
    if conversion {
        return;
    }
    let condition = Condition::NotCrateMethod {
        name: "clone".to_owned(),
        receiver: cx.receiver(&m.receiver),
    };
    cx.hit_if(RuleId::CloneJustified, span, ".clone()", Some(condition));
}

/// True if a `.clone()` on `line` is justified: a comment on its line, a comment line just above it, or
/// a comment line above the first line of the statement it is in or of the `if` that guards it. A fn's
/// doc comment is not the justification of the clones in its body.
pub fn justified(lines: &[&str], line: u32) -> bool {
    let at = |l: u32| -> &str {
        l.checked_sub(1)
            .and_then(|i| lines.get(i as usize))
            .copied()
            .unwrap_or_default()
    };
    let above = at(line.saturating_sub(1)).trim_start();
    has_comment(at(line)) || is_plain_comment(above) || comment_above_statement(&at, line)
}

/// A `//` comment on the line (outside string literals) that is not a doc comment.
fn has_comment(line: &str) -> bool {
    crate::lints::suppress::comment_start(line).is_some_and(|i| is_plain_comment(&line[i..]))
}

/// A comment line that is not a doc comment (`///`, `//!` document the item that follows).
fn is_plain_comment(text: &str) -> bool {
    text.starts_with("//") && !text.starts_with("///") && !text.starts_with("//!")
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
            return is_plain_comment(text);
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
    use super::justified;

    #[test]
    fn a_comment_on_the_line_or_above_the_statement_justifies_a_clone() {
        let lines = [
            "let a = b.clone(); // needed twice",
            "// cheap: Rc",
            "let c = d.clone();",
            "let e = f.clone();",
        ];
        assert!(justified(&lines, 1));
        assert!(justified(&lines, 3));
        assert!(!justified(&lines, 4));
        let one_line_fn = [
            "/// Peek one char without consuming it.",
            "fn peek_one(&mut self) -> Option<char> {",
            "    self.chars.clone().next()",
            "}",
            "fn peek_two(&mut self) -> Option<char> {",
            "    self.chars.clone().nth(1)",
        ];
        // A fn's doc comment says what the fn does, not why each clone in it is needed.
        assert!(!justified(&one_line_fn, 3));
        assert!(!justified(&one_line_fn, 6));
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
        assert!(justified(&statement, 3));
        assert!(justified(&statement, 6));
        assert!(!justified(&statement, 10));
        assert!(!justified(&statement, 13));
    }
}
