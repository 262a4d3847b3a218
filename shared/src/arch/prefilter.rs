//! The source-level rules' prefilter: a file whose text names none of what a rule looks for cannot break
//! it, so it is not parsed with syn. Its bytes are searched for the words that matter (the used crate's
//! names for only-through, the traits for require's `implements`, the crate's module names for
//! module-layers) with aho-corasick; a file without any of them is only scanned for its `mod` declarations,
//! so the walk through the module tree goes on below it. Most such files declare no module in a file of
//! its own: when every `mod` word of the text is followed by a name and `{` (inline modules, like
//! `mod tests {`), there is nothing to walk to and the scanner does not run.
//!
//! The `mod` scanner is a small lexer: it skips comments, strings, raw strings, character literals and
//! lifetimes, tracks delimiters, and reads the `mod` items at module level (the file's and its inline
//! modules'), each item parsed with syn for its attributes (`#[cfg(test)]`, `#[path]`). Whenever it meets
//! something it does not expect (an unbalanced delimiter, an unterminated literal, a `mod` item syn does not
//! parse), it gives up and the file is parsed as usual: the prefilter never changes what the rules find,
//! only what they parse. A file it skips is not checked for syntax errors either.

use aho_corasick::AhoCorasick;

use crate::source::modtree::{ModDecl, ModFile, mod_decls};

/// The words a file must contain to be parsed.
#[derive(Debug)]
pub struct Needles {
    /// `None`: no word at all, no file matters.
    words: Option<AhoCorasick>,
}

impl Needles {
    /// Needles for `words` (empty words are left out).
    pub fn new<I, S>(words: I) -> Needles
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let words: Vec<String> = words
            .into_iter()
            .map(|w| w.as_ref().to_owned())
            .filter(|w| !w.is_empty())
            .collect();
        Needles {
            // A build error is only possible beyond aho-corasick's size limits: then nothing is skipped.
            words: if words.is_empty() {
                None
            } else {
                AhoCorasick::new(&words).ok()
            },
        }
    }

    /// True if `text` contains one of the words, or if no matcher could be built.
    pub fn found_in(&self, text: &str) -> bool {
        match &self.words {
            Some(ac) => ac.is_match(text),
            None => false,
        }
    }
}

/// For [`crate::source::modtree::Analysis::cached`]: the `mod` declarations of a file that cannot matter
/// (its `text` lacks every word of one of the `groups`), so the walk need not parse it; `None` when it must
/// be parsed. When the text cannot declare a module in a file ([`may_declare_files`]), no declaration at
/// all: the walk only follows those.
pub fn skip(text: &str, groups: &[&Needles]) -> Option<Vec<ModDecl>> {
    if groups.iter().all(|needles| needles.found_in(text)) {
        return None;
    }
    if !may_declare_files(text) {
        return Some(Vec::new());
    }
    mod_decls_of_text(text)
}

/// False only when every word `mod` of `text` is followed by a name and `{`: then no `mod name;` item
/// declares a module in a file, at any depth. Comments, strings or odd spacing after a `mod` only make it
/// say true (the scanner then reads the file).
fn may_declare_files(text: &str) -> bool {
    let bytes = text.as_bytes();
    let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
    text.match_indices("mod").any(|(start, _)| {
        if (start > 0 && ident_continue(bytes[start - 1])) || ident_continue(at(start + 3)) {
            return false; // part of a longer word: `module`, `modes`
        }
        let mut i = start + 3;
        while at(i).is_ascii_whitespace() {
            i += 1;
        }
        let name = i;
        while ident_continue(at(i)) || at(i) == b'#' {
            i += 1;
        }
        let named = i > name;
        while at(i).is_ascii_whitespace() {
            i += 1;
        }
        !(named && at(i) == b'{')
    })
}

/// The `mod` items of a file as [`mod_decls`] finds them in its syntax tree, read from its text; `None`
/// when the text holds something the scanner does not expect.
pub fn mod_decls_of_text(text: &str) -> Option<Vec<ModDecl>> {
    Scanner::new(text).run()
}

/// What a token is, as far as the scanner cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    /// An identifier or keyword (`raw`: written `r#name`).
    Ident { raw: bool },
    /// One ASCII punctuation character.
    Punct(u8),
    /// A literal or a lifetime.
    Other,
}

/// A token and where it is: `start..end` bytes.
#[derive(Clone, Copy, Debug)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
}

/// A byte-level Rust lexer that knows just enough to skip what is not code.
#[derive(Clone)]
struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

fn ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn ident_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

impl<'a> Lexer<'a> {
    fn new(text: &'a str) -> Lexer<'a> {
        let mut lexer = Lexer {
            text,
            bytes: text.as_bytes(),
            at: 0,
        };
        lexer.skip_bom_and_shebang();
        lexer
    }

    /// syn skips a byte-order mark and a first line `#!...` that does not start an inner attribute.
    fn skip_bom_and_shebang(&mut self) {
        if self.text.starts_with('\u{feff}') {
            self.at = 3;
        }
        let rest = &self.text[self.at..];
        if let Some(after) = rest.strip_prefix("#!") {
            let next = after.trim_start_matches(|c: char| c.is_whitespace());
            if !next.starts_with('[') {
                self.at += rest.find('\n').unwrap_or(rest.len());
            }
        }
    }

    fn peek(&self, offset: usize) -> u8 {
        self.bytes.get(self.at + offset).copied().unwrap_or(0)
    }

    /// The next token; `Err` on text the lexer cannot read (an unterminated comment or literal).
    fn next(&mut self) -> Result<Option<Token>, ()> {
        loop {
            let Some(&b) = self.bytes.get(self.at) else {
                return Ok(None);
            };
            if b.is_ascii_whitespace() {
                self.at += 1;
                continue;
            }
            if b == b'/' && self.peek(1) == b'/' {
                self.at = match self.bytes[self.at..].iter().position(|&c| c == b'\n') {
                    Some(n) => self.at + n + 1,
                    None => self.bytes.len(),
                };
                continue;
            }
            if b == b'/' && self.peek(1) == b'*' {
                self.block_comment()?;
                continue;
            }
            let start = self.at;
            let tok = if b == b'"' {
                self.at += 1;
                self.string()?;
                Tok::Other
            } else if b == b'\'' {
                self.at += 1;
                self.quote()?;
                Tok::Other
            } else if b.is_ascii_digit() {
                while ident_continue(self.peek(0)) {
                    self.at += 1;
                }
                Tok::Other
            } else if ident_start(b) {
                self.word()?
            } else if b.is_ascii() {
                self.at += 1;
                Tok::Punct(b)
            } else {
                return Err(());
            };
            return Ok(Some(Token {
                tok,
                start,
                end: self.at,
            }));
        }
    }

    /// `/* .. */`, nested.
    fn block_comment(&mut self) -> Result<(), ()> {
        self.at += 2;
        let mut depth = 1;
        while depth > 0 {
            match (self.peek(0), self.peek(1)) {
                (0, _) if self.at >= self.bytes.len() => return Err(()),
                (b'/', b'*') => {
                    depth += 1;
                    self.at += 2;
                }
                (b'*', b'/') => {
                    depth -= 1;
                    self.at += 2;
                }
                _ => self.at += 1,
            }
        }
        Ok(())
    }

    /// The rest of a `".."` string, after its opening quote.
    fn string(&mut self) -> Result<(), ()> {
        loop {
            match self.bytes.get(self.at) {
                None => return Err(()),
                Some(b'\\') => self.at += 2,
                Some(b'"') => {
                    self.at += 1;
                    return Ok(());
                }
                Some(_) => self.at += 1,
            }
        }
    }

    /// The rest of a raw string after its `r`: `#`s, the quote, the text, the quote and as many `#`s.
    fn raw_string(&mut self) -> Result<(), ()> {
        let mut hashes = 0;
        while self.peek(0) == b'#' {
            hashes += 1;
            self.at += 1;
        }
        if self.peek(0) != b'"' {
            return Err(());
        }
        self.at += 1;
        let closing: String = std::iter::once('"')
            .chain(std::iter::repeat_n('#', hashes))
            .collect();
        match self.text[self.at..].find(&closing) {
            Some(n) => {
                self.at += n + closing.len();
                Ok(())
            }
            None => Err(()),
        }
    }

    /// After a `'`: a character literal (`'a'`, `'\n'`, `'\u{1F600}'`) or a lifetime or label (`'a`).
    fn quote(&mut self) -> Result<(), ()> {
        if self.peek(0) == b'\\' {
            self.at += 2;
            while self.peek(0) != b'\'' {
                if self.at >= self.bytes.len() || self.peek(0) == b'\n' {
                    return Err(());
                }
                self.at += 1;
            }
            self.at += 1;
            return Ok(());
        }
        let c = self.text[self.at..].chars().next().ok_or(())?;
        if self.peek(c.len_utf8()) == b'\'' {
            self.at += c.len_utf8() + 1;
            return Ok(());
        }
        // A lifetime or label: its name (`'r#name` for a raw one).
        let start = self.at;
        while ident_continue(self.peek(0)) {
            self.at += 1;
        }
        if &self.text[start..self.at] == "r" && self.peek(0) == b'#' && ident_start(self.peek(1)) {
            self.at += 1;
            while ident_continue(self.peek(0)) {
                self.at += 1;
            }
        }
        Ok(())
    }

    /// An identifier, keyword, raw identifier, or a prefixed literal (`b".."`, `r#".."#`, `b'x'`, `c".."`).
    fn word(&mut self) -> Result<Tok, ()> {
        let start = self.at;
        while ident_continue(self.peek(0)) {
            self.at += 1;
        }
        let word = &self.text[start..self.at];
        match (word, self.peek(0)) {
            ("b" | "c", b'"') => {
                self.at += 1;
                self.string()?;
                Ok(Tok::Other)
            }
            ("r" | "br" | "cr", b'"') => {
                self.raw_string()?;
                Ok(Tok::Other)
            }
            ("r" | "br" | "cr", b'#') if matches!(self.peek(1), b'#' | b'"') => {
                self.raw_string()?;
                Ok(Tok::Other)
            }
            ("r", b'#') if ident_start(self.peek(1)) => {
                self.at += 1;
                while ident_continue(self.peek(0)) {
                    self.at += 1;
                }
                Ok(Tok::Ident { raw: true })
            }
            ("b", b'\'') => {
                self.at += 1;
                self.quote()?;
                Ok(Tok::Other)
            }
            _ => Ok(Tok::Ident { raw: false }),
        }
    }
}

/// An open delimiter.
#[derive(Debug)]
enum Open {
    /// The braces of an inline module: its name, and whether it is test code.
    Module { name: String, test: bool },
    /// `#![..]`: an inner attribute.
    InnerAttr,
    /// Any other delimiter: what is inside is not at module level.
    Other(u8),
}

/// Where the scanner is within a `mod` item at module level.
#[derive(Debug)]
enum State {
    /// Between items, or inside one that is not a `mod`.
    Idle,
    /// After the `mod` keyword.
    Mod,
    /// After `mod name`: the name's token.
    Name(Token),
    /// Inside the braces of `mod name {` at `brace`, reading its inner attributes `#![..]` (their text).
    Inline {
        name: Token,
        brace: usize,
        inner: String,
    },
}

struct Scanner<'a> {
    lexer: Lexer<'a>,
    text: &'a str,
    stack: Vec<Open>,
    /// Where the current item at module level starts.
    item_start: Option<usize>,
    state: State,
    /// An inner attribute (`#![..]`) being read: where it starts.
    inner_attr_start: Option<usize>,
    decls: Vec<ModDecl>,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Scanner<'a> {
        Scanner {
            lexer: Lexer::new(text),
            text,
            stack: Vec::new(),
            item_start: None,
            state: State::Idle,
            inner_attr_start: None,
            decls: Vec::new(),
        }
    }

    fn at_module_level(&self) -> bool {
        matches!(self.stack.last(), None | Some(Open::Module { .. }))
    }

    fn run(mut self) -> Option<Vec<ModDecl>> {
        while let Some(token) = self.lexer.next().ok()? {
            self.token(token)?;
        }
        (self.stack.is_empty() && matches!(self.state, State::Idle)).then_some(self.decls)
    }

    fn token(&mut self, t: Token) -> Option<()> {
        if self.inner_attr_start.is_some() {
            return self.delimiter(t);
        }
        if t.tok == Tok::Punct(b'#') && self.at_module_level() && self.inner_attr_follows() {
            // `#![`: the `!` and `[` are taken here.
            self.lexer.next().ok()?;
            self.lexer.next().ok()?;
            self.inner_attr_start = Some(t.start);
            self.stack.push(Open::InnerAttr);
            return Some(());
        }
        if let State::Inline { .. } = self.state {
            self.finish_inline()?;
        }
        if self.at_module_level() {
            if self.item_start.is_none() && t.tok != Tok::Punct(b';') {
                self.item_start = Some(t.start);
            }
            match std::mem::replace(&mut self.state, State::Idle) {
                State::Idle => {
                    if t.tok == (Tok::Ident { raw: false }) && &self.text[t.start..t.end] == "mod" {
                        self.state = State::Mod;
                        return Some(());
                    }
                }
                State::Mod => {
                    if !matches!(t.tok, Tok::Ident { .. }) {
                        return None;
                    }
                    self.state = State::Name(t);
                    return Some(());
                }
                State::Name(name) => match t.tok {
                    Tok::Punct(b';') => {
                        let header = &self.text[self.item_start?..t.end];
                        self.declare(header, name, false)?;
                        self.item_start = None;
                        return Some(());
                    }
                    Tok::Punct(b'{') => {
                        self.state = State::Inline {
                            name,
                            brace: t.start,
                            inner: String::new(),
                        };
                        return Some(());
                    }
                    _ => return None,
                },
                State::Inline { .. } => return None,
            }
        }
        self.delimiter(t)
    }

    /// True if the next two tokens are `!` and `[` (after a `#`).
    fn inner_attr_follows(&self) -> bool {
        let mut ahead = self.lexer.clone(); // cloned: a lookahead that leaves the lexer where it is
        let mut next = || ahead.next().ok().flatten().map(|t| t.tok);
        next() == Some(Tok::Punct(b'!')) && next() == Some(Tok::Punct(b'['))
    }

    /// Opens and closes delimiters, and ends items at module level.
    fn delimiter(&mut self, t: Token) -> Option<()> {
        let Tok::Punct(p) = t.tok else {
            return Some(());
        };
        match p {
            b'{' | b'(' | b'[' => self.stack.push(Open::Other(p)),
            b'}' | b')' | b']' => {
                let open = self.stack.pop()?;
                let matching = match &open {
                    Open::Module { .. } => p == b'}',
                    Open::InnerAttr => p == b']',
                    Open::Other(o) => matches!((o, p), (b'{', b'}') | (b'(', b')') | (b'[', b']')),
                };
                if !matching {
                    return None;
                }
                match open {
                    Open::InnerAttr => {
                        if let (Some(start), State::Inline { inner, .. }) =
                            (self.inner_attr_start.take(), &mut self.state)
                        {
                            inner.push_str(&self.text[start..t.end]);
                            inner.push('\n');
                        } else {
                            // An inner attribute of the file itself: it ends nothing but starts nothing.
                            self.item_start = None;
                        }
                    }
                    // The end of an item with a body, or of an inline module.
                    Open::Module { .. } | Open::Other(b'{') if self.at_module_level() => {
                        self.item_start = None;
                    }
                    _ => {}
                }
            }
            b';' if self.at_module_level() => self.item_start = None,
            _ => {}
        }
        Some(())
    }

    /// The inline module whose braces were just opened, once its inner attributes are read.
    fn finish_inline(&mut self) -> Option<()> {
        let State::Inline { name, brace, inner } = std::mem::replace(&mut self.state, State::Idle)
        else {
            return Some(());
        };
        let header = format!("{}{{\n{inner}}}", &self.text[self.item_start?..brace]);
        let test = self.declare(&header, name, true)?;
        self.stack.push(Open::Module {
            name: self.text[name.start..name.end].to_owned(),
            test,
        });
        self.item_start = None;
        Some(())
    }

    /// The declaration of `header` when it is `mod name;` with no attribute and at most a `pub` before it
    /// (line and column set by the caller).
    fn plain_file_decl(&self, header: &str, name: Token, inline: bool) -> Option<ModDecl> {
        let name = &self.text[name.start..name.end];
        let vis = header
            .strip_suffix(';')?
            .trim_end()
            .strip_suffix(name)?
            .trim_end()
            .strip_suffix("mod")?
            .trim();
        let plain =
            !inline && !header.contains(['#', '/']) && matches!(vis, "" | "pub" | "pub(crate)");
        plain.then(|| ModDecl {
            inline_path: Vec::new(),
            name: name.to_owned(),
            file: Some(ModFile {
                path_attrs: Vec::new(),
                conditional: false,
                line: 0,
                column: 0,
            }),
            test: false,
        })
    }

    /// Parses one `mod` item's text and records its declaration; returns whether it is test code. A plain
    /// `mod name;` or `pub mod name;` (the common case: no attribute, nothing between the tokens) is read
    /// as syn would read it without parsing.
    fn declare(&mut self, header: &str, name: Token, inline: bool) -> Option<bool> {
        let mut decl = match self.plain_file_decl(header, name, inline) {
            Some(decl) => decl,
            None => {
                let item: syn::Item = syn::parse_str(header).ok()?;
                mod_decls(std::slice::from_ref(&item)).into_iter().next()?
            }
        };
        if decl.file.is_some() == inline {
            return None;
        }
        let enclosing_test = self
            .stack
            .iter()
            .any(|o| matches!(o, Open::Module { test: true, .. }));
        decl.test |= enclosing_test;
        decl.inline_path = self
            .stack
            .iter()
            .filter_map(|o| match o {
                Open::Module { name, .. } => Some(name.to_owned()),
                _ => None,
            })
            .collect();
        if let Some(file) = &mut decl.file {
            (file.line, file.column) = crate::arch::spans::line_column(self.text, name.start);
        }
        let test = decl.test;
        self.decls.push(decl);
        Some(test)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scanner's declarations of `src`, and syn's.
    fn both(src: &str) -> (Option<Vec<ModDecl>>, Vec<ModDecl>) {
        let ast = syn::parse_file(src).unwrap();
        (mod_decls_of_text(src), mod_decls(&ast.items))
    }

    fn same(src: &str) {
        let (scanned, parsed) = both(src);
        assert_eq!(scanned.as_ref(), Some(&parsed), "{src}");
    }

    #[test]
    fn plain_test_path_and_inline_modules_are_read_as_syn_reads_them() {
        same("mod a;\npub mod b;\npub(crate) mod c;\npub(in crate::x) mod d;\n");
        same(
            "#[cfg(test)]\nmod tests;\n#[path = \"other.rs\"]\nmod e;\n/// doc\n#[cfg(all(test, unix))] pub mod f;\n",
        );
        same(
            "mod outer {\n    mod inner;\n    #[cfg(test)]\n    mod t {\n        mod deep;\n    }\n}\nmod after;\n",
        );
        same("mod m {\n    #![cfg(test)]\n    //! docs\n    mod n;\n}\n");
        same("#![allow(dead_code)]\n//! Crate docs.\nmod a;\n");
        same("mod é;\nmod r#type;\n");
    }

    #[test]
    fn mod_items_in_bodies_literals_comments_and_macros_are_not_declarations() {
        same(
            r##"
fn f() { mod in_fn; }
const S: &str = "mod not_a_string;";
const R: &str = r#"mod " not; "#;
const B: &[u8] = b"mod x;";
const C: char = '"';
const Q: char = '\'';
const U: char = '\u{7b}';
static L: &str = "\"{";
fn g<'a>(x: &'a str) -> &'a str { 'outer: loop { break 'outer x; } }
struct Raw<'r#mod> { field: &'r#mod str }
// mod commented;
/* mod block; /* nested */ mod still_comment; */
macro_rules! m { () => { mod in_macro; } }
m!(mod in_call;);
cfg_if::cfg_if! { if #[cfg(unix)] { mod unix; } }
impl S { fn h() {} }
struct T { a: [u8; 2] }
const V: u32 = { 1 } + 2;
mod real;
"##,
        );
    }

    #[test]
    fn what_the_scanner_cannot_read_it_leaves_to_syn() {
        assert_eq!(mod_decls_of_text("mod a"), None, "no `;`");
        assert_eq!(mod_decls_of_text("fn f() {"), None, "unbalanced");
        assert_eq!(mod_decls_of_text("const S: &str = \"open"), None);
        assert_eq!(mod_decls_of_text("/* open"), None);
        assert_eq!(mod_decls_of_text("fn f() { ) }"), None, "mismatched");
    }

    #[test]
    fn lines_and_columns_are_those_of_the_name() {
        let (scanned, parsed) = both("// x\n  pub mod  name;\n");
        assert_eq!(scanned, Some(parsed.clone()));
        let file = parsed[0].file.as_ref().unwrap();
        assert_eq!((file.line, file.column), (2, 12));
    }

    #[test]
    fn needles_find_any_word_and_empty_words_find_nothing() {
        let needles = Needles::new(["lumen_vm", "kernel"]);
        assert!(needles.found_in("use kernel::api;"));
        assert!(!needles.found_in("use std::fmt;"));
        assert!(!Needles::new([""]).found_in("anything"));
        assert_eq!(skip("use kernel::x;\nmod a;\n", &[&needles]), None);
        let crate_words = Needles::new(["crate"]);
        assert_eq!(
            skip("use kernel::x;\nmod a;\n", &[&needles, &crate_words]).map(|d| d.len()),
            Some(1),
            "every group must have a word in the file"
        );
        assert_eq!(
            skip("mod a;\n", &[&needles]).map(|d| d.len()),
            Some(1),
            "a file without the words is scanned, not parsed"
        );
        assert_eq!(
            skip(
                "fn f() {}\n#[cfg(test)]\nmod tests {\n    fn t() {}\n}\n",
                &[&needles]
            ),
            Some(Vec::new()),
            "inline modules alone declare nothing to walk to"
        );
        assert_eq!(
            skip("mod outer {\n    mod inner;\n}\n", &[&needles]).map(|d| d.len()),
            Some(2)
        );
    }

    #[test]
    fn only_mod_words_followed_by_a_name_and_a_brace_declare_no_file() {
        assert!(!may_declare_files(
            "//! A module.\nfn modes() {}\nmod tests { }\nmod  r#x\n{}"
        ));
        assert!(may_declare_files("mod a;"));
        assert!(may_declare_files("pub(crate) mod a ;"));
        assert!(may_declare_files("mod /* odd */ a;"));
        assert!(may_declare_files("mod a { mod b; }"));
        assert!(
            may_declare_files("// mod\n"),
            "a lone word: the scanner decides"
        );
    }

    /// The rules of `rules` (TOML, the fixture's own `lumen-gate.toml` when `None`) and of `preset` on the
    /// fixture workspace `fixture` (real `cargo metadata`), evaluated with and without the prefilter: the
    /// findings of both, and the problems of both.
    fn with_and_without(
        fixture: &str,
        rules: Option<&str>,
        preset: Option<crate::config::preset::Preset>,
    ) -> [(Vec<crate::report::Finding>, Vec<crate::report::Problem>); 2] {
        use crate::arch::cfg::ArchSection;
        use crate::arch::graph::ArchGraph;
        use crate::config::ConfigSource;
        use crate::workspace::{LoadOptions, Workspace};

        let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures")
            .join(fixture)
            .join("Cargo.toml");
        let ws = Workspace::load(&LoadOptions {
            manifest_path: Some(manifest),
            offline: true,
            ..LoadOptions::default()
        })
        .unwrap();
        let (config, source) = match rules {
            Some(text) => (
                toml::from_str::<ArchSection>(text).unwrap(),
                Some(ConfigSource {
                    path: ws.root.join("lumen-gate.toml"),
                    text: text.to_owned(),
                }),
            ),
            None => {
                let loaded = crate::config::load::<ArchSection>(&ws.root, None).unwrap();
                (loaded.config, loaded.source)
            }
        };
        let rules = crate::arch::load_rules(&ws, &config.arch, source.as_ref(), preset).unwrap();
        let graph = ArchGraph::new(&ws);
        let members = ws.members();
        [true, false].map(|prefilter| crate::arch::evaluate(&graph, &members, &rules, prefilter))
    }

    /// Asserts that the prefilter changes no finding, and that there are `expected` of them.
    fn same_findings(
        fixture: &str,
        rules: Option<&str>,
        preset: Option<crate::config::preset::Preset>,
        expected: usize,
    ) {
        let [(with, _), (without, _)] = with_and_without(fixture, rules, preset);
        assert_eq!(with, without, "{fixture}: {rules:?}");
        let messages: Vec<(&str, &str)> = with
            .iter()
            .map(|f| (f.rule_id.as_str(), f.message.as_str()))
            .collect();
        assert_eq!(with.len(), expected, "{fixture}: {messages:#?}");
    }

    const PREFILTER_RULES: &str = r#"
[[arch.only-through]]
id = "api-only"
why = "w"
from = "user"
to = "used"
modules = ["used::api"]

[[arch.only-through]]
id = "api-only-with-tests"
why = "w"
from = "user"
to = "used"
modules = ["used::api"]
include-tests = true

[[arch.require]]
id = "dispatch"
why = "w"
crates = "user"
depends-on = "traits"
implements = "Dispatch"

[[arch.require]]
id = "third"
why = "w"
crates = "user"
depends-on = "traits"
implements = "Third"

[[arch.module-layers]]
id = "layers"
why = "w"
crate = "layered"
layers = [["high"], ["low"]]
"#;

    #[test]
    fn the_prefilter_changes_no_finding_on_the_fixtures() {
        use crate::config::preset::Preset;
        // arch-prefilter: uses through the root's alias, below skipped files, in tests; a trait implemented
        // below a skipped file; a module reached through a root import and a glob.
        same_findings("arch-prefilter", Some(PREFILTER_RULES), None, 14);
        let app_rules = r#"
[[arch.only-through]]
id = "engine-api"
why = "w"
from = "*"
to = "engine"
modules = ["engine::api"]
include-tests = true

[[arch.require]]
id = "plugins"
why = "w"
crates = "plugin-*"
depends-on = "engine"
implements = "Plugin"
"#;
        same_findings("arch-rules", Some(app_rules), None, 6);
        same_findings("arch-lumen", Some(""), Some(Preset::Lumen), 8);
        same_findings("example-lumen", None, Some(Preset::Lumen), 3);
        let layers = "[[arch.module-layers]]\nid = \"l\"\nwhy = \"w\"\ncrate = \"layered\"\nlayers = [[\"app\"], [\"service\", \"store\"], [\"base\"]]\nindependent = true\ninclude-tests = true\n";
        same_findings("arch-modules", Some(layers), None, 9);
    }

    #[test]
    fn a_skipped_file_is_not_parsed() {
        // user/src/nested/unparsable.rs names nothing and is no Rust: a problem only when it is parsed.
        let [(_, with), (_, without)] =
            with_and_without("arch-prefilter", Some(PREFILTER_RULES), None);
        let files = |problems: &[crate::report::Problem]| -> Vec<String> {
            problems
                .iter()
                .filter_map(|p| p.location.as_ref().map(|l| l.file.to_owned()))
                .collect()
        };
        assert_eq!(files(&with), Vec::<String>::new(), "{with:?}");
        assert!(
            files(&without).contains(&"user/src/nested/unparsable.rs".to_owned()),
            "{without:?}"
        );
    }

    /// Every Rust file of this repository (its sources and fixtures): the scanner reads what syn reads.
    #[test]
    fn the_scanner_agrees_with_syn_on_every_file_of_the_repository() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut stack = vec![root];
        let mut checked = 0;
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                let name = entry.file_name();
                if path.is_dir() {
                    // The fuzz seeds are pathological on purpose (20,000 chained calls): they are the
                    // scanner's stack tests, not this one's.
                    if name != "target" && name != ".git" && name != "seeds" {
                        stack.push(path);
                    }
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    let Ok(ast) = syn::parse_file(&text) else {
                        continue;
                    };
                    let scanned = mod_decls_of_text(&text);
                    let parsed = mod_decls(&ast.items);
                    assert_eq!(scanned.as_ref(), Some(&parsed), "{}", path.display());
                    assert!(
                        may_declare_files(&text) || parsed.iter().all(|d| d.file.is_none()),
                        "{}",
                        path.display()
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 100, "only {checked} files");
    }
}
