//! The profile read from callgrind files: functions with their costs, and the calls among them.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// The index of a function in its [`Profile`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FunctionId(usize);

impl FunctionId {
    /// The position of the function in [`Profile::functions`].
    pub fn index(self) -> usize {
        self.0
    }
}

/// One function and its instruction counts (`Ir`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    /// Its id in the profile it belongs to.
    pub id: FunctionId,
    /// The demangled name, without Rust's hash and without callgrind's recursion suffix (`'2`).
    pub name: Arc<str>,
    /// The source file: the `fl=` in effect at its `fn=` (for a function only ever called, the
    /// file of the calls to it); `None` without debug info (`???`).
    pub file: Option<Arc<str>>,
    /// The ELF object (`ob=`), if the file names one.
    pub object: Option<Arc<str>>,
    /// The smallest line number of its own cost lines in its own file; `None` without line info.
    pub line: Option<u32>,
    /// Self cost: the instructions executed in the function itself.
    pub exclusive: u64,
    /// Where the self cost lies, by source file: its own file and the files of code inlined into it
    /// (`fi=`/`fe=`), the most costly first. Empty without debug info.
    pub sources: Vec<Source>,
    /// Self cost plus the inclusive cost of its calls to other functions (calls to itself are not
    /// added again: their cost is already in its self cost and in its other calls).
    pub inclusive: u64,
}

/// The part of a function's self cost that lies in one source file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// The source file.
    pub file: Arc<str>,
    /// The self cost of the function's lines in that file.
    pub exclusive: u64,
    /// The smallest line number with cost in that file.
    pub line: Option<u32>,
}

/// The calls from one function to another, summed over call sites.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call {
    /// The calling function.
    pub caller: FunctionId,
    /// The called function.
    pub callee: FunctionId,
    /// How often it was called.
    pub count: u64,
    /// The instructions executed inside those calls, callees of the callee included.
    pub inclusive: u64,
}

/// The functions and calls of one or more callgrind files (parts, threads and processes summed).
#[derive(Clone, Debug, Default)]
pub struct Profile {
    functions: Vec<Function>,
    /// The functions of each name: one per object (valgrind calls the code below `main` in the
    /// program and in libc both `(below main)`).
    by_name: HashMap<Arc<str>, Vec<FunctionId>>,
    calls: Vec<Call>,
    call_index: HashMap<(FunctionId, FunctionId), usize>,
    strings: HashSet<Arc<str>>,
    total: u64,
    has_lines: bool,
}

impl Profile {
    /// Every function, in the order first seen; `functions()[id.index()]` has that `id`.
    pub fn functions(&self) -> &[Function] {
        &self.functions
    }

    /// The function with this id.
    pub fn function(&self, id: FunctionId) -> Option<&Function> {
        self.functions.get(id.0)
    }

    /// The function with this (demangled) name; of several (in several objects), the costliest.
    pub fn find(&self, name: &str) -> Option<&Function> {
        self.named(name).max_by_key(|f| (f.exclusive, f.inclusive))
    }

    /// Every function with this (demangled) name: one per object.
    pub fn named<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a Function> + 'a {
        let ids = self.by_name.get(name).map_or(&[][..], Vec::as_slice);
        ids.iter().filter_map(|id| self.function(*id))
    }

    /// Every caller -> callee pair, with its call count and inclusive cost.
    pub fn calls(&self) -> &[Call] {
        &self.calls
    }

    /// The sum of all self costs: the profile's instruction count.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Whether the profiled program's own code has line numbers: benches built with debug info.
    ///
    /// Lines of other objects (libc often has them) do not count; "the program" is the object
    /// named like the executable of the `cmd:` header, or any object if there is none.
    pub fn has_line_info(&self) -> bool {
        self.has_lines
    }

    /// Adds another profile's costs to this one (another part, thread or process of the same run).
    pub fn merge(&mut self, other: Profile) {
        let mut ids = Vec::with_capacity(other.functions.len());
        for f in &other.functions {
            let id = self.intern_function(&f.name, f.file.as_deref(), f.object.as_deref());
            self.add_self_cost(id, f.exclusive);
            self.add_line(id, f.line);
            for source in &f.sources {
                let file = self.intern_str(&source.file);
                self.add_source(id, &file, source.exclusive, source.line.unwrap_or(0));
            }
            ids.push(id);
        }
        for c in &other.calls {
            if let (Some(caller), Some(callee)) = (ids.get(c.caller.0), ids.get(c.callee.0)) {
                self.add_call(*caller, *callee, c.count, c.inclusive);
            }
        }
        self.has_lines |= other.has_lines;
        self.finish();
    }

    /// The shared copy of a file or object name.
    pub(crate) fn intern_str(&mut self, s: &str) -> Arc<str> {
        if let Some(found) = self.strings.get(s) {
            return Arc::clone(found);
        }
        let new: Arc<str> = Arc::from(s);
        self.strings.insert(Arc::clone(&new));
        new
    }

    /// The id of the function with this (already demangled) name in this object, created on first
    /// sight. A function whose object is not known yet is taken for any object; a file or object
    /// given later fills in one that was unknown.
    pub(crate) fn intern_function(
        &mut self,
        name: &str,
        file: Option<&str>,
        object: Option<&str>,
    ) -> FunctionId {
        let same_object = |f: &Function| match (f.object.as_deref(), object) {
            (Some(known), Some(wanted)) => known == wanted,
            _ => true,
        };
        let found = self.named(name).find(|f| same_object(f)).map(|f| f.id);
        let id = found.unwrap_or_else(|| self.new_function(name));
        self.fill_location(id, file, object);
        id
    }

    fn new_function(&mut self, name: &str) -> FunctionId {
        let id = FunctionId(self.functions.len());
        let name: Arc<str> = match self.by_name.get_key_value(name) {
            Some((known, _)) => Arc::clone(known),
            None => Arc::from(name),
        };
        self.by_name.entry(Arc::clone(&name)).or_default().push(id);
        self.functions.push(Function {
            id,
            name,
            file: None,
            object: None,
            line: None,
            exclusive: 0,
            sources: Vec::new(),
            inclusive: 0,
        });
        id
    }

    /// Fills in the file and object of a function if they are still unknown.
    pub(crate) fn fill_location(
        &mut self,
        id: FunctionId,
        file: Option<&str>,
        object: Option<&str>,
    ) {
        let known = self
            .functions
            .get(id.0)
            .map(|f| (f.file.is_some(), f.object.is_some()));
        let Some((has_file, has_object)) = known else {
            return;
        };
        let file = file.filter(|_| !has_file).map(|s| self.intern_str(s));
        let object = object.filter(|_| !has_object).map(|s| self.intern_str(s));
        if let Some(f) = self.functions.get_mut(id.0) {
            f.file = f.file.take().or(file);
            f.object = f.object.take().or(object);
        }
    }

    /// Adds self cost.
    pub(crate) fn add_self_cost(&mut self, id: FunctionId, ir: u64) {
        if let Some(f) = self.functions.get_mut(id.0) {
            f.exclusive += ir;
            self.total += ir;
        }
    }

    /// Adds self cost to the share of one source file, with a line of it (0: no line information).
    pub(crate) fn add_source(&mut self, id: FunctionId, file: &Arc<str>, ir: u64, line: u32) {
        let Some(f) = self.functions.get_mut(id.0) else {
            return;
        };
        let at = f.sources.iter().position(|s| Arc::ptr_eq(&s.file, file));
        let source = match at.and_then(|i| f.sources.get_mut(i)) {
            Some(found) => found,
            None => {
                f.sources.push(Source {
                    file: Arc::clone(file),
                    exclusive: 0,
                    line: None,
                });
                let last = f.sources.len() - 1;
                let Some(new) = f.sources.get_mut(last) else {
                    return;
                };
                new
            }
        };
        source.exclusive += ir;
        if line > 0 {
            source.line = Some(source.line.map_or(line, |old| old.min(line)));
        }
    }

    /// Keeps the smallest line number of the function's own file.
    pub(crate) fn add_line(&mut self, id: FunctionId, line: Option<u32>) {
        let line = line.filter(|l| *l > 0);
        if let (Some(f), Some(line)) = (self.functions.get_mut(id.0), line) {
            f.line = Some(f.line.map_or(line, |old| old.min(line)));
        }
    }

    /// Records that some cost line had a line number.
    pub(crate) fn saw_line(&mut self) {
        self.has_lines = true;
    }

    /// Adds calls from `caller` to `callee`.
    pub(crate) fn add_call(&mut self, caller: FunctionId, callee: FunctionId, count: u64, ir: u64) {
        let next = self.calls.len();
        let at = *self.call_index.entry((caller, callee)).or_insert(next);
        match self.calls.get_mut(at) {
            Some(c) => {
                c.count += count;
                c.inclusive += ir;
            }
            None => self.calls.push(Call {
                caller,
                callee,
                count,
                inclusive: ir,
            }),
        }
    }

    /// Computes the inclusive costs, once all costs are in.
    pub(crate) fn finish(&mut self) {
        for f in &mut self.functions {
            f.inclusive = f.exclusive;
            f.sources.sort_by(|a, b| {
                b.exclusive
                    .cmp(&a.exclusive)
                    .then_with(|| a.file.cmp(&b.file))
            });
        }
        for c in self.calls.iter().filter(|c| c.caller != c.callee) {
            if let Some(f) = self.functions.get_mut(c.caller.0) {
                f.inclusive = f.inclusive.saturating_add(c.inclusive);
            }
        }
        // Recursion through other functions counts nested calls twice; no function costs more
        // than the whole profile.
        for f in &mut self.functions {
            f.inclusive = f.inclusive.min(self.total);
        }
    }
}
