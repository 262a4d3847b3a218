//! The streaming reader of the callgrind format (valgrind manual, "Callgrind Format Specification").
//!
//! One line at a time through a reused buffer: memory grows with the number of distinct names,
//! functions and calls, not with the size of the file.
//!
//! What the specification leaves open is read the way callgrind's own writer (`callgrind/dump.c`)
//! writes it:
//! - name compression ids are shared by kind: files (`fl fi fe cfi cfl jfi`), functions
//!   (`fn cfn jfn frfn`) and objects (`ob cob`);
//! - `fn=` starts a function: the current file is again its `fl=`, and relative positions start
//!   from 0;
//! - a call's file and object are its `cfi=`/`cob=` if given just before its `cfn=`, else the
//!   current (`fi=`-aware) file and object;
//! - the target position of `calls=` is relative to the last cost line and does not move it;
//!   the call's cost line does, like any cost line.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;
use std::sync::Arc;

use super::error::{CallgrindError, Problem};
use super::profile::{FunctionId, Profile};

/// The event whose counts are read.
const IR: &[u8] = b"Ir";
/// `instr`, `bb` and `line`: at most three positions start a cost line.
const MAX_POSITIONS: usize = 3;
/// The file name callgrind writes when there is no debug info.
const UNKNOWN_FILE: &str = "???";

/// Reads a whole callgrind file from `reader`; `path` names it in errors.
pub(crate) fn read<R: BufRead>(mut reader: R, path: &Path) -> Result<Profile, CallgrindError> {
    let mut parser = Parser::default();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let read = reader
            .read_until(b'\n', &mut buf)
            .map_err(|source| CallgrindError::Io {
                path: path.to_owned(),
                source,
            })?;
        if read == 0 {
            break;
        }
        parser.line_no += 1;
        let Some(line) = buf.strip_suffix(b"\n") else {
            return Err(parser.truncated(path, Problem::CutLine));
        };
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        parser
            .line(line)
            .map_err(|problem| CallgrindError::Malformed {
                path: path.to_owned(),
                line: parser.line_no,
                problem,
            })?;
    }
    parser.finish(path)
}

/// How cost lines are laid out (`positions:` and `events:`).
struct Layout {
    /// How many positions start a cost line.
    positions: usize,
    /// Which of them is the line number.
    line_at: Option<usize>,
    /// How many events there are, and which one is `Ir`; `None` before `events:`.
    events: Option<(usize, usize)>,
}

impl Default for Layout {
    /// Without a `positions:` header, a cost line starts with a line number.
    fn default() -> Self {
        Self {
            positions: 1,
            line_at: Some(0),
            events: None,
        }
    }
}

/// What the position lines (`ob= fl= fi= fe= fn= cob= cfi= cfn=`) have set.
#[derive(Default)]
struct Context {
    object: Option<Arc<str>>,
    /// Whether `object` is the profiled program (`cmd:`), whose line numbers tell if it has debug info.
    in_program: bool,
    file: Option<Arc<str>>,
    current_file: Option<Arc<str>>,
    in_own_file: bool,
    function: Option<FunctionId>,
    callee_object: Option<Arc<str>>,
    callee_file: Option<Arc<str>>,
    callee: Option<FunctionId>,
}

/// The name compression tables.
#[derive(Default)]
struct Names {
    objects: HashMap<u64, Arc<str>>,
    files: HashMap<u64, Arc<str>>,
    functions: HashMap<u64, FunctionId>,
}

/// A position name as written: plain, defining a compression id, or referring to one.
enum Name<'a> {
    Plain(&'a [u8]),
    Define(u64, &'a [u8]),
    Refer(u64),
}

#[derive(Default)]
struct Parser {
    line_no: u64,
    profile: Profile,
    layout: Layout,
    cx: Context,
    names: Names,
    base: [u64; MAX_POSITIONS],
    /// The callee and count of a `calls=` line whose cost line comes next.
    pending_call: Option<(FunctionId, u64)>,
    /// The `Ir` of this part's self cost lines, for the check against `totals:`.
    part_sum: u64,
    /// Whether this part has cost lines and no `totals:` yet.
    part_open: bool,
    /// Whether callgrind wrote the file (`creator: callgrind-...`): it ends each part with `totals:`.
    by_callgrind: bool,
    saw_events: bool,
    /// The file name of the profiled program, from `cmd:`.
    program: Option<String>,
}

impl Parser {
    fn line(&mut self, line: &[u8]) -> Result<(), Problem> {
        let Some(first) = line.iter().copied().find(|b| !b.is_ascii_whitespace()) else {
            return Ok(());
        };
        if first == b'#' {
            return Ok(());
        }
        let is_cost = starts_cost_line(first);
        if self.pending_call.is_some() && !is_cost {
            return Err(Problem::CallWithoutCost);
        }
        if is_cost {
            return self.cost_line(line);
        }
        let key_len = line
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
            .unwrap_or(line.len());
        let (key, rest) = line.split_at(key_len);
        match rest.split_first() {
            Some((b'=', value)) if key_len > 0 => self.spec(key, value),
            Some((b':', value)) if key_len > 0 => self.header(key, trim(value)),
            _ => Err(Problem::UnknownLine),
        }
    }

    fn finish(mut self, path: &Path) -> Result<Profile, CallgrindError> {
        let missing = if self.pending_call.is_some() {
            Some(Problem::CallWithoutCost)
        } else if !self.saw_events {
            Some(Problem::NoHeader)
        } else if self.by_callgrind && self.part_open {
            Some(Problem::MissingTotals)
        } else {
            None
        };
        if let Some(problem) = missing {
            return Err(self.truncated(path, problem));
        }
        self.profile.finish();
        Ok(self.profile)
    }

    fn truncated(&self, path: &Path, problem: Problem) -> CallgrindError {
        CallgrindError::Truncated {
            path: path.to_owned(),
            line: self.line_no,
            problem,
        }
    }

    // ----- header lines -----

    fn header(&mut self, key: &[u8], value: &[u8]) -> Result<(), Problem> {
        match key {
            b"version" => check_version(value),
            b"creator" => {
                self.by_callgrind = value.starts_with(b"callgrind");
                Ok(())
            }
            b"cmd" => {
                self.program = tokens(value).next().map(|exe| file_name(&lossy(exe)));
                Ok(())
            }
            b"positions" => self.positions(value),
            b"events" => self.events(value),
            b"totals" => self.totals(value),
            // pid, cmd, part, thread, desc, event, summary and unknown keys carry nothing needed.
            _ => Ok(()),
        }
    }

    fn positions(&mut self, value: &[u8]) -> Result<(), Problem> {
        let mut count = 0;
        self.layout.line_at = None;
        for token in tokens(value) {
            match token {
                b"instr" | b"bb" => {}
                b"line" => self.layout.line_at = Some(count),
                other => return Err(Problem::UnknownPosition(lossy(other))),
            }
            count += 1;
        }
        if count > MAX_POSITIONS {
            return Err(Problem::UnknownPosition(lossy(value)));
        }
        self.layout.positions = count;
        Ok(())
    }

    fn events(&mut self, value: &[u8]) -> Result<(), Problem> {
        let count = tokens(value).count();
        let ir_at = tokens(value)
            .position(|t| t == IR)
            .ok_or(Problem::NoIrEvent)?;
        self.layout.events = Some((count, ir_at));
        self.saw_events = true;
        self.part_sum = 0;
        Ok(())
    }

    fn totals(&mut self, value: &[u8]) -> Result<(), Problem> {
        let events = self.layout.events.ok_or(Problem::NoEvents)?;
        let totals = costs(tokens(value), events)?;
        if totals != self.part_sum {
            return Err(Problem::TotalsMismatch {
                totals,
                sum: self.part_sum,
            });
        }
        self.part_sum = 0;
        self.part_open = false;
        Ok(())
    }

    // ----- position specifications -----

    fn spec(&mut self, key: &[u8], value: &[u8]) -> Result<(), Problem> {
        match key {
            b"calls" => return self.calls(value),
            b"ob" | b"cob" | b"fl" | b"fi" | b"fe" | b"cfi" | b"cfl" | b"jfi" => {}
            b"fn" | b"cfn" | b"jfn" | b"frfn" => {}
            // jump=, jcnd= and the --dump-bbs lines (bb=, ln=, rec=) carry no Ir.
            _ => return Ok(()),
        }
        let name = parse_name(key, value)?;
        match key {
            b"ob" => self.set_object(key, name)?,
            b"cob" => self.cx.callee_object = Some(self.object(key, name)?),
            b"fl" => self.set_file(key, name)?,
            b"fi" | b"fe" => self.set_inline_file(key, name)?,
            b"cfi" | b"cfl" => self.cx.callee_file = Some(self.file(key, name)?),
            b"fn" => self.set_function(key, name)?,
            b"cfn" => self.set_callee(key, name)?,
            // Only defined here: later lines may use the ids.
            b"jfi" => {
                self.file(key, name)?;
            }
            _ => {
                let object = self.cx.object.as_ref().map(Arc::clone);
                self.function(key, name, None, object.as_deref())?;
            }
        }
        Ok(())
    }

    fn set_object(&mut self, key: &[u8], name: Name<'_>) -> Result<(), Problem> {
        let object = self.object(key, name)?;
        self.cx.in_program = self
            .program
            .as_ref()
            .is_none_or(|program| file_name(&object) == *program);
        self.cx.object = Some(object);
        Ok(())
    }

    fn set_file(&mut self, key: &[u8], name: Name<'_>) -> Result<(), Problem> {
        let file = self.file(key, name)?;
        self.cx.current_file = Some(Arc::clone(&file));
        self.cx.file = Some(file);
        self.cx.in_own_file = true;
        Ok(())
    }

    fn set_inline_file(&mut self, key: &[u8], name: Name<'_>) -> Result<(), Problem> {
        let file = self.file(key, name)?;
        self.cx.in_own_file = self.cx.file.as_ref().is_some_and(|f| Arc::ptr_eq(f, &file));
        self.cx.current_file = Some(file);
        Ok(())
    }

    fn set_function(&mut self, key: &[u8], name: Name<'_>) -> Result<(), Problem> {
        let file = known(self.cx.file.as_ref()).map(Arc::clone);
        let object = self.cx.object.as_ref().map(Arc::clone);
        let id = self.function(key, name, file.as_deref(), object.as_deref())?;
        self.cx.function = Some(id);
        self.cx.current_file = self.cx.file.as_ref().map(Arc::clone);
        self.cx.in_own_file = true;
        self.cx.callee = None;
        self.base = [0; MAX_POSITIONS];
        Ok(())
    }

    fn set_callee(&mut self, key: &[u8], name: Name<'_>) -> Result<(), Problem> {
        let file = self.cx.callee_file.take();
        let file = file.or_else(|| self.cx.current_file.as_ref().map(Arc::clone));
        let object = self.cx.callee_object.take();
        let object = object.or_else(|| self.cx.object.as_ref().map(Arc::clone));
        let file = known(file.as_ref()).map(|f| &**f);
        self.cx.callee = Some(self.function(key, name, file, object.as_deref())?);
        Ok(())
    }

    /// `calls=<count> <target position>`: the next line is the call's cost line.
    fn calls(&mut self, value: &[u8]) -> Result<(), Problem> {
        let callee = self.cx.callee.ok_or(Problem::NoCallee)?;
        let mut values = tokens(value);
        let count = number(values.next().ok_or(Problem::BadNumber(String::new()))?)?;
        for i in 0..self.layout.positions {
            let found = values.next().ok_or(Problem::MissingPositions {
                expected: self.layout.positions,
                found: i,
            })?;
            position(found, self.base[i])?;
        }
        self.pending_call = Some((callee, count));
        Ok(())
    }

    fn object(&mut self, key: &[u8], name: Name<'_>) -> Result<Arc<str>, Problem> {
        let (table, profile) = (&mut self.names.objects, &mut self.profile);
        resolve(table, key, name, |raw| profile.intern_str(&lossy(raw)))
    }

    fn file(&mut self, key: &[u8], name: Name<'_>) -> Result<Arc<str>, Problem> {
        let (table, profile) = (&mut self.names.files, &mut self.profile);
        resolve(table, key, name, |raw| profile.intern_str(&lossy(raw)))
    }

    fn function(
        &mut self,
        key: &[u8],
        name: Name<'_>,
        file: Option<&str>,
        object: Option<&str>,
    ) -> Result<FunctionId, Problem> {
        let (table, profile) = (&mut self.names.functions, &mut self.profile);
        let id = resolve(table, key, name, |raw| {
            profile.intern_function(&display_name(raw), file, object)
        })?;
        self.profile.fill_location(id, file, object);
        Ok(id)
    }

    // ----- cost lines -----

    fn cost_line(&mut self, line: &[u8]) -> Result<(), Problem> {
        let events = self.layout.events.ok_or(Problem::NoEvents)?;
        let function = self.cx.function.ok_or(Problem::NoFunction)?;
        let mut values = tokens(line);
        let mut line_no = 0;
        for i in 0..self.layout.positions {
            let found = values.next().ok_or(Problem::MissingPositions {
                expected: self.layout.positions,
                found: i,
            })?;
            let at = position(found, self.base[i])?;
            self.base[i] = at;
            if self.layout.line_at == Some(i) {
                // Beyond u32 is no source line.
                line_no = u32::try_from(at).unwrap_or(0);
            }
        }
        let ir = costs(values, events)?;
        match self.pending_call.take() {
            Some((callee, count)) => self.profile.add_call(function, callee, count, ir),
            None => self.self_cost(function, ir, line_no),
        }
        self.part_open = true;
        self.note_line(function, line_no);
        Ok(())
    }

    fn self_cost(&mut self, function: FunctionId, ir: u64, line: u32) {
        self.part_sum += ir;
        self.profile.add_self_cost(function, ir);
        if let Some(file) = known(self.cx.current_file.as_ref()) {
            self.profile.add_source(function, file, ir, line);
        }
    }

    fn note_line(&mut self, function: FunctionId, line: u32) {
        if line == 0 {
            return;
        }
        if self.cx.in_program || self.cx.object.is_none() {
            self.profile.saw_line();
        }
        if self.cx.in_own_file {
            self.profile.add_line(function, Some(line));
        }
    }
}

/// Whether a line with this first byte is a cost line (it starts with a position or a cost).
fn starts_cost_line(first: u8) -> bool {
    first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'*')
}

fn check_version(value: &[u8]) -> Result<(), Problem> {
    match number(value) {
        Ok(v) if v < 2 => Ok(()),
        _ => Err(Problem::UnsupportedVersion(lossy(value))),
    }
}

/// The `Ir` of a list of costs (0 when the list stops before it).
fn costs<'a>(
    values: impl Iterator<Item = &'a [u8]>,
    (count, ir_at): (usize, usize),
) -> Result<u64, Problem> {
    let mut ir = 0;
    for (i, value) in values.enumerate() {
        if i >= count {
            return Err(Problem::TooManyCosts {
                events: count,
                found: i + 1,
            });
        }
        let cost = number(value)?;
        if i == ir_at {
            ir = cost;
        }
    }
    Ok(ir)
}

/// An absolute (`12`, `0x4f`) or relative (`+3`, `-2`, `*`) position.
fn position(token: &[u8], base: u64) -> Result<u64, Problem> {
    match token.split_first() {
        Some((b'*', [])) => Ok(base),
        Some((b'+', rest)) => base
            .checked_add(number(rest)?)
            .ok_or_else(|| Problem::BadNumber(lossy(token))),
        Some((b'-', rest)) => base
            .checked_sub(number(rest)?)
            .ok_or_else(|| Problem::NegativePosition(lossy(token))),
        _ => number(token),
    }
}

/// A decimal or `0x` hexadecimal number.
fn number(token: &[u8]) -> Result<u64, Problem> {
    let bad = || Problem::BadNumber(lossy(token));
    if let Some(hex) = token.strip_prefix(b"0x") {
        let text = std::str::from_utf8(hex).map_err(|_| bad())?;
        return u64::from_str_radix(text, 16).map_err(|_| bad());
    }
    if token.is_empty() {
        return Err(bad());
    }
    token.iter().try_fold(0u64, |acc, b| {
        let digit = b.checked_sub(b'0').filter(|d| *d < 10).ok_or_else(bad)?;
        acc.checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(digit)))
            .ok_or_else(bad)
    })
}

/// `name`, `(id) name` or `(id)`.
fn parse_name<'a>(key: &[u8], value: &'a [u8]) -> Result<Name<'a>, Problem> {
    let value = trim(value);
    let compressed = value
        .strip_prefix(b"(")
        .filter(|rest| rest.first().is_some_and(u8::is_ascii_digit));
    let Some(rest) = compressed else {
        return match value {
            [] => Err(Problem::EmptyName(lossy(key))),
            _ => Ok(Name::Plain(value)),
        };
    };
    let close = rest
        .iter()
        .position(|b| *b == b')')
        .ok_or_else(|| Problem::BadNumber(lossy(value)))?;
    let id = number(&rest[..close])?;
    match trim(&rest[close + 1..]) {
        [] => Ok(Name::Refer(id)),
        name => Ok(Name::Define(id, name)),
    }
}

/// Looks up or defines a compressed name; `make` turns a written name into its value.
fn resolve<T: Clone>(
    table: &mut HashMap<u64, T>,
    key: &[u8],
    name: Name<'_>,
    make: impl FnOnce(&[u8]) -> T,
) -> Result<T, Problem> {
    match name {
        Name::Plain(raw) => Ok(make(raw)),
        Name::Define(id, raw) => {
            let value = make(raw);
            // Cloned: an `Arc` or a copyable id, one for the table and one for the caller.
            table.insert(id, value.clone());
            Ok(value)
        }
        Name::Refer(id) => table.get(&id).cloned().ok_or(Problem::UndefinedId {
            spec: lossy(key),
            id,
        }),
    }
}

/// A function's name as shown: Rust symbols demangled without their hash, callgrind's recursion
/// suffix (`'2`, from `--separate-recs`) dropped so all levels count as one function.
pub(crate) fn display_name(raw: &[u8]) -> String {
    let raw = String::from_utf8_lossy(raw);
    let base = match raw.split_once('\'') {
        Some((head, tail)) if tail.starts_with(|c: char| c.is_ascii_digit()) => head,
        _ => &raw,
    };
    match rustc_demangle::try_demangle(base) {
        Ok(symbol) => format!("{symbol:#}"),
        Err(_) => base.to_owned(),
    }
}

/// A file name, unless it is callgrind's `???` (no debug info).
fn known(file: Option<&Arc<str>>) -> Option<&Arc<str>> {
    file.filter(|f| &***f != UNKNOWN_FILE)
}

/// The last component of a path.
fn file_name(path: &str) -> String {
    path.rsplit('/').next().unwrap_or(path).to_owned()
}

fn tokens(line: &[u8]) -> impl Iterator<Item = &[u8]> {
    line.split(u8::is_ascii_whitespace)
        .filter(|t| !t.is_empty())
}

fn trim(value: &[u8]) -> &[u8] {
    value.trim_ascii()
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
