#!/usr/bin/env python3
"""Planted recall of the lint rules: each rule's hazard is written into real loops and handler fns of the
corpus crates (scripts/precision/crates.txt, a temporary copy of each, never the registry's), the lints run on
the planted copy, and a planted hazard counts as found when a finding of the rule it is planted for lies on its
lines. Recall per rule, for the tuning set and the test set apart.

    python3 scripts/plant-hazards.py               # recall per rule and set, the tuning set's misses
    python3 scripts/plant-hazards.py --markdown    # also the README's table
    python3 scripts/plant-hazards.py --check toml_parser   # also `cargo check` that crate's planted copy
    python3 scripts/plant-hazards.py --gate PATH   # use this cargo-lumen-gate binary instead of building one
    python3 scripts/plant-hazards.py --only png,toml --keep   # some crates only; keep the planted copies

Where hazards go (found by reading the crate's text: strings, chars and comments masked, braces matched):
- a hot loop: a loop header alone on its line (`for .. in .. {`, `while .. {`, `loop {`, with a label or not)
  inside a fn the crate's hot paths cover (a file glob, or a fn-path glob mapped to its module's file). The
  hazard is the first statement of the loop's body, so it runs once per iteration; what it needs before the
  loop (a `Vec` it searches, a `String` it clones) is declared just above the loop header.
- a handler: a fn the hot paths cover that has no loop of its own and is called by name in a hot loop's body,
  its name that of no other fn of the crate and of no common std method (`x.last()` may be a slice's), and not
  only on an exit path (`return self.done(tok)` runs once per call of the fn, not per iteration), so the
  dispatch loop calls it once per instruction (`self.op_call(..)`); the hazard is its first statement.
- a cold loop: a loop of library code outside the hot paths, for the rules that fire everywhere.
- a loop over the input: a cold loop whose header iterates over (or pulls from) a parameter of its fn
  (`for x in items`, `while let Some(t) = tokens.next()`), for `quadratic`, whose checklist item is "no quadratic
  algorithms on user-controlled input sizes" (the issue's class: "a search of a growing collection inside a loop
  over the input"). A cold loop over the crate's own data (`self.groups`) is not a site: its size is the author's.
- a fn taking a `&[u8]`: a length read from those bytes sizes an allocation (`bounded-alloc`).
Not used: `#[cfg(test)]` modules and `#[test]` fns, `macro_rules!` bodies, `const fn`s, assertion helpers
(`assert*` fns, `*assert*` files: they panic by contract), build scripts, files outside `src/`, loop headers
written over several lines, with unbalanced brackets (`while let Some(S {`), or right after `=`, `=>`, `(` or `,`
(a loop used as a value). Inner attributes (`#![allow(..)]`) stay first in a fn body.

A field lookup (`self.lg_index.get(..)`) adds `lg_index: std::collections::HashMap<String, usize>` to the
struct of the fn's `impl` (found by name in the crate); the struct literals that build it then miss the field,
so `--check` compiles a second copy with every hazard but those, which must build. Files with no finding at all after
planting are not in the crate's module tree (or not read): their hazards are left out of the counts, and said.
The test set's misses are counted, not listed: the rules must not be tuned on the test set's code.
"""

import collections
import fnmatch
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location("lint_precision", os.path.join(ROOT, "scripts", "lint-precision.py"))
lp = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lp)

# Hazards of one kind planted per crate, at most.
PER_KIND = 6
# Hazards planted at one site, at most (each on lines of its own).
PER_SITE = 3


# ---------------------------------------------------------------- reading Rust text

NEXT = re.compile(r"""//|/\*|"|'|(?<![\w])[bc]?r#*\"""")
RAW = re.compile(r'(?:b|c)?r(#*)"')
CHAR = re.compile(r"'(?:\\(?:u\{[0-9a-fA-F_]+\}|x[0-9a-fA-F]{2}|.)|[^\\'\n])'")


def mask(text):
    """`text` with the contents of comments, strings and char literals replaced by spaces (newlines kept), so
    braces, keywords and names found in the result are code."""
    out = list(text)
    i, n = 0, len(text)

    def blank(a, b):
        for j in range(a, b):
            if out[j] != "\n":
                out[j] = " "

    while i < n:
        # Jump to the next place where a comment, a string or a char literal may start.
        nxt = NEXT.search(text, i)
        if not nxt:
            break
        i = nxt.start()
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            blank(i, j)
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            blank(i, j)
            i = j
        elif c in "bcr" and (m := RAW.match(text, i)) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            end = '"' + m.group(1)
            j = text.find(end, m.end())
            j = n if j < 0 else j + len(end)
            blank(i + 1, j - 1)
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            blank(i + 1, j)
            i = j + 1
        elif c == "'":
            m = CHAR.match(text, i)
            if m:
                blank(i + 1, m.end() - 1)
                i = m.end()
            else:
                i += 1  # a lifetime or a label
        else:
            i += 1
    return "".join(out)


class Fn:
    def __init__(self, name, line, open_line, close_line, impl_type, is_const, params, has_self, arg_names=()):
        self.name, self.line, self.open_line, self.close_line = name, line, open_line, close_line
        self.impl_type, self.is_const, self.params, self.has_self = impl_type, is_const, params, has_self
        self.arg_names = set(arg_names)  # every parameter's name but `self`
        self.loops = []  # indexes (0-based) of loop header lines directly in this fn


LOOP = re.compile(r"^(?:'\w+:\s*)?(?:for\s.+\sin\s.+|while\s.+|loop)\s*\{$")


class Source:
    """One file of a crate: its lines, the code-only lines, its fns, loop headers and skipped spans."""

    def __init__(self, root, rel):
        self.rel = rel
        self.text = open(os.path.join(root, rel), encoding="utf-8", errors="replace").read()
        self.lines = self.text.split("\n")
        self.code = mask(self.text)
        self.code_lines = self.code.split("\n")
        self.line_of = []  # char offset -> line index
        for index, line in enumerate(self.lines):
            self.line_of.extend([index] * (len(line) + 1))
        self.match = self._braces()
        self.skipped = self._skipped()
        self.fns = self._fns()
        for f in self.fns:
            for index in range(f.open_line + 1, f.close_line):
                if LOOP.match(self.code_lines[index].strip()) and self.innermost(index) is f and self.loop_ok(index):
                    f.loops.append(index)
        self.structs = {m.group(1): self.line_of[m.end() - 1]
                        for m in re.finditer(r"\bstruct\s+(\w+)\s*(?:<[^{};()]*>)?\s*(?:where[^{};]*)?\{", self.code)}

    def _braces(self):
        stack, match = [], {}
        for i, c in enumerate(self.code):
            if c == "{":
                stack.append(i)
            elif c == "}" and stack:
                match[stack.pop()] = i
        return match

    def _skipped(self):
        """Line spans (first, last) of `#[cfg(test)]` items and `macro_rules!` bodies."""
        spans = []
        for m in re.finditer(r"#\[cfg\((?:all\()?test\b[^\]]*\](?:\s*#\[[^\]]*\])*\s*(?:pub(?:\([^)]*\))?\s+)?"
                             r"(?:mod\s+\w+|fn\s+\w+[^{;]*)\s*\{"
                             r"|#\[test\](?:\s*#\[[^\]]*\])*\s*fn\s+\w+[^{;]*\{"
                             r"|macro_rules!\s*\w+\s*\{", self.code):
            close = self.match.get(m.end() - 1)
            if close is not None:
                spans.append((self.line_of[m.start()], self.line_of[close]))
        return spans

    def skip(self, line):
        return any(a <= line <= b for a, b in self.skipped)

    def _impls(self):
        """(open, close, type name) of every impl block."""
        out = []
        for m in re.finditer(r"\bimpl\b", self.code):
            j = m.end()
            depth = 0
            while j < len(self.code):
                c = self.code[j]
                if c in "<(":
                    depth += 1
                elif c in ">)":
                    depth -= 1
                elif c in "{;" and depth <= 0:
                    break
                j += 1
            if j >= len(self.code) or self.code[j] != "{":
                continue
            head = self.code[m.end():j]
            head = re.sub(r"^\s*<.*?>(?=\s*[\w&(:])", "", head, count=1, flags=re.S)
            head = re.split(r"\bwhere\b", head)[0]
            ty = re.split(r"\bfor\b", head)[-1] if re.search(r"\bfor\b", head) else head
            names = re.findall(r"[A-Za-z_]\w*", re.sub(r"<.*", "", ty, flags=re.S))
            if names and j in self.match:
                out.append((j, self.match[j], names[-1]))
        return out

    def _fns(self):
        impls = self._impls()
        fns = []
        for m in re.finditer(r"\bfn\s+(\w+)", self.code):
            j, depth = m.end(), 0
            while j < len(self.code):
                c = self.code[j]
                if c in "(<[":
                    depth += 1
                elif c in ")>]":
                    depth -= 1 if not (c == ">" and self.code[j - 1] == "-") else 0
                elif c in "{;" and depth <= 0:
                    break
                j += 1
            if j >= len(self.code) or self.code[j] != "{" or j not in self.match:
                continue
            start = self.code.rfind("\n", 0, m.start()) + 1
            prefix = self.code[start:m.start()]
            impl_type = None
            for open_, close, name in impls:
                if open_ < m.start() < close:
                    impl_type = name  # the innermost impl wins: impls are found in order
            signature = self.code[m.end():j]
            params = dict((p, t) for p, t in re.findall(r"(\w+)\s*:\s*(&(?:'\w+\s+)?(?:mut\s+)?\[u8\])", signature))
            fns.append(Fn(m.group(1), self.line_of[m.start()], self.line_of[j], self.line_of[self.match[j]],
                          impl_type, bool(re.search(r"\bconst\b", prefix)), params,
                          bool(re.search(r"\(\s*(?:&(?:'\w+\s+)?)?(?:mut\s+)?self\b", signature)),
                          re.findall(r"(?:^|[(,])\s*(?:mut\s+)?(\w+)\s*:", signature.split("->")[0])))
        return fns

    def innermost(self, line):
        best = None
        for f in self.fns:
            if f.open_line < line < f.close_line and (best is None or f.open_line > best.open_line):
                best = f
        return best

    def loop_ok(self, index):
        """A loop header that is a statement of its own: the line before ends a statement or opens a block."""
        j = index - 1
        while j >= 0 and not self.code_lines[j].strip():
            j -= 1
        before = self.code_lines[j].rstrip() if j >= 0 else ""
        head = self.code_lines[index].rstrip()[:-1]  # the header without the body's `{`
        balanced = all(head.count(a) == head.count(b) for a, b in ("()", "[]", "{}"))
        return (not self.skip(index) and not before.endswith(("=", "=>", "(", ",", "return", "||", "&&", "|"))
                and self.code_lines[index].rstrip().endswith("{") and balanced)

    def body_text(self, header):
        at = sum(len(line) + 1 for line in self.code_lines[:header]) + self.code_lines[header].rstrip().rfind("{")
        close = self.match.get(at)
        return self.code[at:close] if close else ""


def leaves(block):
    """True when a block's text (between its braces) ends in `return`, `break` or a panic: it leaves the
    loop, so it runs at most once per call of the fn."""
    depth, last = 0, 0
    for j, c in enumerate(block):
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0 and c == "}" and block[j + 1:].strip() and not block[j + 1:].lstrip().startswith((";", ".", "?", ")")):
                last = j + 1  # a block statement (`if .. { }`) ends a statement too
        elif c == ";" and depth == 0:
            if block[j + 1:].strip():
                last = j + 1
    tail = block[last:].strip()
    return bool(re.match(r"(?:return|break)\b|(?:panic|unreachable|todo|unimplemented)!", tail))


def without_exits(code):
    """`code` (a loop's body, braces included) less its exit paths: every inner block that always leaves
    the loop (ends in `return`/`break`/a panic), then each `return ..` and `break ..` up to the `;`, `,` or
    closing bracket that ends it at its own depth. Code there runs at most once per call of the fn, not
    once per iteration."""
    stack, blocks = [], []
    for j, c in enumerate(code):
        if c == "{":
            stack.append(j)
        elif c == "}" and stack:
            a = stack.pop()
            if a > 0 and leaves(code[a + 1:j]):
                blocks.append((a, j))
    masked = list(code)
    for a, b in blocks:
        for j in range(a + 1, b):
            masked[j] = " "
    code = "".join(masked)
    out, i = [], 0
    for m in re.finditer(r"\b(?:return|break)\b", code):
        if m.start() < i:
            continue
        out.append(code[i:m.start()])
        j, depth = m.end(), 0
        while j < len(code):
            c = code[j]
            if c in "([{":
                depth += 1
            elif c in ")]}":
                if depth == 0:
                    break
                depth -= 1
            elif c in ";," and depth == 0:
                break
            j += 1
        i = j
    out.append(code[i:])
    return "".join(out)


def read_sources(root):
    out = {}
    for base, dirs, files in os.walk(os.path.join(root, "src")):
        dirs[:] = [d for d in dirs if d not in ("bin", "tests", "benches", "examples")]
        for file in files:
            if file.endswith(".rs"):
                rel = os.path.relpath(os.path.join(base, file), root)
                out[rel] = Source(root, rel)
    return out


# ---------------------------------------------------------------- hot paths

def hot_fn(crate, globs, src, f):
    """Whether `f` of `src` is covered by one of the crate's hot-path globs."""
    for glob in globs:
        if "::" not in glob:
            if fnmatch.fnmatchcase(src.rel, glob):
                return True
            continue
        parts = glob.split("::")
        if parts[0] != crate.replace("-", "_"):
            continue
        for k in range(len(parts) - 1, 0, -1):
            module = "/".join(parts[1:k])
            files = ["src/lib.rs"] if not module else [f"src/{module}.rs", f"src/{module}/mod.rs"]
            if src.rel in files:
                rest = parts[k:]
                if len(rest) == 1 and fnmatch.fnmatchcase(f.name, rest[0]):
                    return True
                if len(rest) == 2 and f.impl_type and fnmatch.fnmatchcase(f.impl_type, rest[0]) \
                        and fnmatch.fnmatchcase(f.name, rest[1]):
                    return True
    return False


# ---------------------------------------------------------------- hazards

# kind: (rule, where it may go, variants). A variant is (lines before the loop, lines of the hazard); `{n}` is
# the plant's number, `{self}` the fn's receiver, `{bytes}` a `&[u8]` parameter. Sites: `hot` loops, `handler`
# fns, `cold` loops, `bytes` fns.
KINDS = {
    "hash-field": ("hash-in-hot-loop", ("hot", "handler"), [
        ([], ['let lg_{n} = self.lg_index.get("lg");']),
        ([], ['let lg_{n} = self.lg_index.contains_key("lg");']),
        ([], ['if let Some(lg_{n}) = self.lg_index.get("lg") {{ let _ = lg_{n}; }}']),
    ]),
    "hash-local": ("hash-in-hot-loop", ("hot",), [
        (["let lg_map_{n}: std::collections::HashMap<u32, u32> = std::collections::HashMap::new();"],
         ["let lg_{n} = lg_map_{n}.get(&line!());"]),
        (["let mut lg_set_{n}: std::collections::HashSet<u32> = std::collections::HashSet::new();"],
         ["lg_set_{n}.insert(line!());"]),
    ]),
    "vec-contains": ("quadratic", ("hot", "input"), [
        (["let mut lg_seen_{n}: Vec<usize> = Vec::new();"],
         ["if !lg_seen_{n}.contains(&lg_seen_{n}.len()) {{ lg_seen_{n}.push(lg_seen_{n}.len()); }}"]),
        (["let mut lg_seen_{n}: Vec<usize> = Vec::new();"],
         ["if lg_seen_{n}.iter().position(|&lg| lg == lg_seen_{n}.len()).is_none() {{ lg_seen_{n}.push(lg_seen_{n}.len()); }}"]),
    ]),
    "format": ("format-in-loop", ("hot", "handler", "cold"), [
        ([], ['let lg_{n} = format!("{{}}:{{}}", file!(), line!());']),
        ([], ["let lg_{n} = line!().to_string();"]),
        ([], ['let lg_{n} = String::from("lg");']),
    ]),
    "clone": ("clone-in-hot-loop", ("hot", "handler"), [
        (['let lg_s_{n} = String::from("lg");'], ["let lg_{n} = lg_s_{n}.clone();"]),
        (["let lg_s_{n}: Vec<u32> = vec![1, 2, 3];"], ["let lg_{n} = lg_s_{n}.clone();"]),
    ]),
    "clone-cold": ("clone-justified", ("cold",), [
        (['let lg_s_{n} = String::from("lg");'], ["let lg_{n} = lg_s_{n}.clone();"]),
    ]),
    "alloc": ("alloc-in-hot-loop", ("hot", "handler"), [
        ([], ["let lg_{n} = vec![line!()];"]),
        ([], ["let lg_{n} = Box::new(line!());"]),
        ([], ["let mut lg_{n}: Vec<u32> = Vec::with_capacity(8);", "lg_{n}.push(line!());"]),
        ([], ["let mut lg_{n} = String::with_capacity(16);", "lg_{n}.push('x');"]),
        ([], ["let mut lg_{n}: Vec<u32> = Vec::new();", "lg_{n}.push(line!());"]),
    ]),
    "unwrap": ("no-unwrap", ("hot", "handler", "cold"), [
        ([], ['let lg_{n}: u32 = "7".parse().unwrap();']),
        ([], ['let lg_{n} = char::from_digit(7, 10).expect("a digit");']),
        ([], ["let lg_{n} = u8::try_from(line!()).unwrap();"]),
    ]),
    "panic": ("no-panic", ("hot", "handler", "cold"), [
        ([], ['if line!() == 0 {{ panic!("lg: corrupt state"); }}']),
        ([], ["if line!() == 0 {{ unreachable!(); }}"]),
        ([], ['if line!() == 0 {{ todo!("lg") }}']),
    ]),
    "silent": ("no-silent-failure", ("hot", "handler", "cold"), [
        ([], ['let _ = std::fs::remove_file("lg.tmp");']),
        ([], ["std::io::Write::flush(&mut std::io::stdout()).ok();"]),
        ([], ['if let Err(_) = std::fs::remove_file("lg.tmp") {{}}']),
    ]),
    "box-any": ("no-box-dyn-any", ("hot", "handler", "cold"), [
        ([], ["let lg_{n}: Box<dyn std::any::Any> = Box::new(line!());"]),
    ]),
    "catch-unwind": ("catch-unwind-in-hot-path", ("hot", "handler"), [
        ([], ["let lg_{n} = std::panic::catch_unwind(|| line!());"]),
    ]),
    "allow-no-reason": ("suppression-reason", ("hot", "handler", "cold"), [
        ([], ["// lumen-gate: allow(no-unwrap)", 'let lg_{n}: u32 = "7".parse().unwrap();']),
    ]),
    "length-prefix": ("bounded-alloc", ("bytes",), [
        ([], ["let lg_len_{n} = u64::from_le_bytes([{bytes}[0], {bytes}[1], {bytes}[2], {bytes}[3], "
              "{bytes}[4], {bytes}[5], {bytes}[6], {bytes}[7]]) as usize;",
              "let lg_{n}: Vec<u8> = Vec::with_capacity(lg_len_{n});"]),
        ([], ["let lg_len_{n} = u32::from_be_bytes([{bytes}[0], {bytes}[1], {bytes}[2], {bytes}[3]]) as usize;",
              "let lg_{n} = vec![0u8; lg_len_{n}];"]),
    ]),
}


def digest(*parts):
    return hashlib.sha1("\t".join(map(str, parts)).encode()).hexdigest()


# The collection a loop header iterates or pulls from: `for x in items.iter()`, `while let Some(t) = toks.next()`.
LOOP_SOURCE = re.compile(r"(?:\bfor\b.*?\bin\s+|\bwhile\s+let\b.*?=\s*|\bwhile\s+!?)[&*\s]*(?:mut\s+)?(\w+)")


def over_input(src, header, f):
    """True when the loop at `header` iterates over (or pulls from) a parameter of `f`: the loop over the
    input of the issue's `quadratic` class ("a search of a growing collection inside a loop over the input")."""
    m = LOOP_SOURCE.search(src.code_lines[header])
    return bool(m) and m.group(1) in f.arg_names


# Methods std's slices, collections, iterators, `Option`s and strings have: `x.last()` in a hot loop may be a
# slice's, so a crate fn of that name is not known to run per iteration (no handler site).
STD_METHODS = set("""
get get_mut insert remove push pop len is_empty contains contains_key iter iter_mut into_iter map and_then
or_else unwrap expect ok err take replace peek read write flush seek as_str as_bytes as_slice to_vec to_owned
extend clear first last first_mut last_mut split find position chars bytes lines parse entry keys values
reserve truncate sort lock send recv join filter fold collect count sum min max rev zip skip chain cloned
copied enumerate any all is_some is_none is_ok is_err as_deref set swap next next_back nth len_utf8 back
front push_back push_front pop_back pop_front drain retain append capacity with_capacity new clone fmt eq cmp
hash drop borrow borrow_mut as_ref as_mut to_string into from default index index_mut deref deref_mut
""".split())


def sites(crate, globs, sources):
    """Every place a hazard may go: (kind of site, file, header line or fn open line, fn)."""
    hot_loops, cold_loops, handlers, byte_fns, input_loops = [], [], [], [], []
    hot_fns = []
    for src in sources.values():
        for f in src.fns:
            if f.is_const or src.skip(f.line) or f.name.startswith(("assert", "debug_assert")) \
                    or "assert" in os.path.basename(src.rel):
                continue  # assertion helpers panic by contract (README: silent by design)
            hot = bool(globs) and hot_fn(crate, globs, src, f)
            if hot:
                hot_fns.append((src, f))
            for header in f.loops:
                (hot_loops if hot else cold_loops).append(("hot" if hot else "cold", src, header, f))
                if not hot and over_input(src, header, f):
                    input_loops.append(("input", src, header, f))
            if f.params and src.code_lines[f.open_line].rstrip().endswith("{"):
                byte_fns.append(("bytes", src, f.open_line, f))
    # A handler is called by name in a hot loop's body, and its name is the only fn of that name in the crate, so
    # the call is to it (the dispatch loop's per-instruction handlers: `self.op_call(..)`, `Self::op_add(..)`).
    called = set()
    for _, src, header, _ in hot_loops:
        called.update(re.findall(r"(?:\.|::|\b)([a-z_]\w*)\s*(?:::<[^>]*>\s*)?\(",
                                 without_exits(src.body_text(header))))
    names = collections.Counter(f.name for src in sources.values() for f in src.fns)
    for src, f in hot_fns:
        if not f.loops and f.name in called and names[f.name] == 1 and f.name not in STD_METHODS \
                and src.code_lines[f.open_line].rstrip().endswith("{") and f.close_line - f.open_line >= 2:
            handlers.append(("handler", src, f.open_line, f))
    return {"hot": hot_loops, "cold": cold_loops, "handler": handlers, "bytes": byte_fns, "input": input_loops}


def plan(crate, globs, sources):
    """The hazards to plant: (number, kind, rule, site kind, file, anchor line, lines before, lines)."""
    by_kind = sites(crate, globs, sources)
    used = collections.Counter()  # (file, anchor) -> hazards planted there
    plants = []
    n = 0
    for kind, (rule, where, variants) in KINDS.items():
        candidates = [s for w in where for s in by_kind[w]]
        candidates.sort(key=lambda s: digest(crate, kind, s[1].rel, s[2]))
        count = 0
        for site_kind, src, anchor, f in candidates:
            if count >= PER_KIND:
                break
            if used[(src.rel, anchor)] >= PER_SITE:
                continue
            variant = variants[count % len(variants)]
            before, lines = variant
            if before and site_kind not in ("hot", "cold", "input"):
                lines, before = before + lines, []  # a handler declares what it needs itself
            if kind == "hash-field":
                if not f.has_self or not f.impl_type or not any(f.impl_type in s.structs for s in sources.values()):
                    continue
            fill = {"n": n, "bytes": next(iter(f.params), "")}
            plants.append((n, kind, rule, site_kind, src.rel, anchor,
                           [b.format(**fill) for b in before], [x.format(**fill) for x in lines], f))
            used[(src.rel, anchor)] += 1
            count += 1
            n += 1
    return plants


def indent_of(line):
    return line[:len(line) - len(line.lstrip())]


def apply(dest, sources, plants):
    """Writes the planted copy; returns {plant number: (file, first line, last line)} (1-based lines)."""
    inserts = collections.defaultdict(list)  # (file, line index) -> [(lines, plant number or None)]
    fields = set()
    for n, kind, rule, site_kind, rel, anchor, before, lines, f in plants:
        src = sources[rel]
        inner = indent_of(src.lines[anchor + 1]) if anchor + 1 < len(src.lines) and src.lines[anchor + 1].strip() \
            else indent_of(src.lines[anchor]) + "    "
        if len(inner) <= len(indent_of(src.lines[anchor])):
            inner = indent_of(src.lines[anchor]) + "    "
        if before:
            inserts[(rel, anchor)].append(([indent_of(src.lines[anchor]) + b for b in before], None))
        first = anchor + 1
        while first < len(src.lines) and src.code_lines[first].strip().startswith("#!["):
            first += 1  # after the body's inner attributes
        inserts[(rel, first)].append(([inner + x for x in lines], n))
        if kind == "hash-field":
            fields.add(f.impl_type)
    for name in fields:
        for rel, src in sources.items():
            if name in src.structs:
                line = src.structs[name]
                inner = indent_of(src.lines[line]) + "    "
                inserts[(rel, line + 1)].append(([inner + "lg_index: std::collections::HashMap<String, usize>,"],
                                                  None))
                break
    where = {}
    for rel in {r for r, _ in inserts}:
        src = sources[rel]
        out = []
        for index in range(len(src.lines) + 1):
            for lines, n in inserts.get((rel, index), []):
                if n is not None:
                    where[n] = (rel, len(out) + 1, len(out) + len(lines))
                out.extend(lines)
            if index < len(src.lines):
                out.append(src.lines[index])
        with open(os.path.join(dest, rel), "w") as f:
            f.write("\n".join(out))
    return where


# ---------------------------------------------------------------- running

def check(dest):
    """Error codes of `cargo check` on a planted copy, counted."""
    out = subprocess.run(["cargo", "check", "-q", "--lib", "--message-format=json"], cwd=dest,
                         capture_output=True, text=True, env=dict(os.environ, CARGO_TARGET_DIR=os.path.join(dest, "target")))
    codes = collections.Counter()
    for line in out.stdout.splitlines():
        m = json.loads(line)
        if m.get("reason") == "compiler-message" and m["message"]["level"] == "error":
            code = (m["message"].get("code") or {}).get("code") or m["message"]["message"][:60]
            codes[code] += 1
    return codes


def main():
    gate = lp.gate_binary()
    to_check = sys.argv[sys.argv.index("--check") + 1] if "--check" in sys.argv else None
    only = sys.argv[sys.argv.index("--only") + 1].split(",") if "--only" in sys.argv else None
    work = tempfile.mkdtemp(prefix="plant-hazards-")
    # (set, rule) -> [planted, found]; (set, kind, site kind) -> [planted, found]
    by_rule = collections.defaultdict(lambda: [0, 0])
    by_kind = collections.defaultdict(lambda: [0, 0])
    misses = []
    unread = collections.Counter()
    try:
        for spec, hot, which in lp.crates():
            if only and lp.crate_name(spec) not in only:
                continue
            name, dest = lp.fetch(spec, work)
            sources = read_sources(dest)
            plants = plan(name, hot, sources)
            if name == to_check:
                # Every hazard but the field lookups (whose field the struct literals lack) must compile.
                checked = dest + "-check"
                shutil.copytree(dest, checked)
                apply(checked, sources, [p for p in plants if p[1] != "hash-field"])
                errors = check(checked)
                print(f"cargo check of {name} with its {sum(p[1] != 'hash-field' for p in plants)} hazards "
                      f"other than field lookups: {'no error' if not errors else dict(errors)}")
            where = apply(dest, sources, plants)
            findings = lp.scan(gate, name, dest, hot)
            at = collections.defaultdict(set)  # (file, line) -> rules
            files_with_findings = set()
            for f in findings:
                at[(f["location"]["file"], f["location"]["line"])].add(f["rule_id"])
                files_with_findings.add(f["location"]["file"])
            for n, kind, rule, site_kind, rel, anchor, before, lines, f in plants:
                if rel not in files_with_findings:
                    unread[which] += 1
                    continue
                file, first, last = where[n]
                rules = set().union(*(at[(file, line)] for line in range(first, last + 1)))
                found = rule in rules
                by_rule[(which, rule)][0] += 1
                by_rule[(which, rule)][1] += found
                by_kind[(which, kind, site_kind)][0] += 1
                by_kind[(which, kind, site_kind)][1] += found
                if not found:
                    misses.append((which, name, rule, kind, site_kind, file, first, lines, sorted(rules)))
            print(f"{name} ({which}): {len(plants)} hazards planted", file=sys.stderr)
    finally:
        if "--keep" in sys.argv:
            print(f"planted copies kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    report(by_rule, by_kind, misses, unread)


def share(found, planted):
    return f"{found / planted:.2f}" if planted else "-"


def report(by_rule, by_kind, misses, unread):
    rules = sorted({r for _, r in by_rule})
    print(f"{'rule':26} " + "   ".join(f"{w.upper() + ' planted':>14} {'found':>5} {'recall':>6}" for w in lp.SETS))
    for rule in rules:
        print(f"{rule:26} " + "   ".join(
            f"{by_rule[(w, rule)][0]:>14} {by_rule[(w, rule)][1]:>5} {share(by_rule[(w, rule)][1], by_rule[(w, rule)][0]):>6}"
            for w in lp.SETS))
    print("\nby hazard and site:")
    for key in sorted(by_kind):
        planted, found = by_kind[key]
        print(f"  {key[0]:6} {key[1]:14} {key[2]:8} {found:>4}/{planted:<4} {share(found, planted)}")
    for which in lp.SETS:
        if unread[which]:
            print(f"{unread[which]} hazards of the {which} set went to files with no finding at all (not in the "
                  f"module tree): not counted")
    tuning = [m for m in misses if m[0] == "tuning"]
    if tuning:
        print(f"\nmissed in the tuning set ({len(tuning)}; the test set's misses are counted only):")
        for which, name, rule, kind, site_kind, file, line, lines, others in tuning:
            also = f"  [found as {', '.join(others)}]" if others else ""
            print(f"  {name} {file}:{line} {rule} ({kind}, {site_kind}): {lines[-1].strip()[:80]}{also}")
    if "--markdown" in sys.argv:
        print("\n| rule | tuning planted | tuning recall | test planted | test recall |")
        print("|---|---|---|---|---|")
        for rule in rules:
            cells = []
            for w in lp.SETS:
                planted, found = by_rule[(w, rule)]
                cells += [str(planted), f"{share(found, planted)} ({found})"]
            print(f"| `{rule}` | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
