//! Folded stacks from a profile's call graph, and the differential flamegraph of two profiles.
//!
//! Callgrind records caller -> callee edges with inclusive costs, not whole stacks. The stacks are
//! rebuilt as trees from the roots: each function whose cost is not all accounted for by calls to
//! it (`main`, a function nothing calls, a thread's start routine) roots a tree with the cost left
//! over. A function reached with some cost spreads it over its self cost and its calls in
//! proportion to their costs. A function already on the stack (recursion), a stack deeper than
//! [`MAX_DEPTH`], a branch worth less than 1/100,000 of the profile (narrower than anything the SVG
//! draws), or a tree of more than [`MAX_FRAMES`] frames is not expanded further: its cost stays with
//! the frame above as self cost, so the stacks still add up to the profile's total.

use std::io::{self, Write};

use super::profile::{Call, FunctionId, Profile};

/// The deepest stack that is expanded.
pub const MAX_DEPTH: usize = 128;
/// The most frames one profile's tree may have.
pub const MAX_FRAMES: usize = 50_000;
/// Branches smaller than this share of the profile are not expanded.
const MIN_SHARE: f64 = 1e-5;

/// One rebuilt stack, outermost frame first, with the self cost of its innermost frame.
pub(crate) struct Stack {
    pub(crate) frames: Vec<FunctionId>,
    pub(crate) value: f64,
}

/// The profile's stacks as folded text (`main;work;inner 1234` per line, sorted), the input format
/// of flamegraph tools. `;` inside a name becomes `,`.
pub fn folded(profile: &Profile) -> String {
    let mut lines: Vec<String> = stacks(profile)
        .iter()
        .filter_map(|stack| folded_line(profile, stack))
        .collect();
    lines.sort();
    let mut text = String::new();
    for line in lines {
        text.push_str(&line);
        text.push('\n');
    }
    text
}

/// Writes a differential flamegraph SVG: frame widths are HEAD's costs, red where HEAD executes more
/// instructions than the base, blue where fewer. Functions gone in HEAD have no width to show.
pub fn differential_svg<W: Write>(
    base: &Profile,
    head: &Profile,
    title: &str,
    writer: W,
) -> io::Result<()> {
    let mut both = Vec::new();
    inferno::differential::from_readers(
        inferno::differential::Options::default(),
        folded(base).as_bytes(),
        folded(head).as_bytes(),
        &mut both,
    )?;
    let mut options = inferno::flamegraph::Options::default();
    title.clone_into(&mut options.title);
    options.subtitle = Some("Ir, base -> HEAD: red = HEAD executes more, blue = fewer".to_owned());
    "Ir".clone_into(&mut options.count_name);
    options.deterministic = true;
    inferno::flamegraph::from_reader(&mut options, both.as_slice(), writer)
}

/// Writes a flamegraph SVG of one profile (HEAD's, when there is no base to compare with).
pub fn svg<W: Write>(profile: &Profile, title: &str, writer: W) -> io::Result<()> {
    let mut options = inferno::flamegraph::Options::default();
    title.clone_into(&mut options.title);
    options.subtitle = Some("Ir at HEAD".to_owned());
    "Ir".clone_into(&mut options.count_name);
    options.deterministic = true;
    let folded = folded(profile);
    inferno::flamegraph::from_lines(&mut options, folded.lines(), writer)
}

fn folded_line(profile: &Profile, stack: &Stack) -> Option<String> {
    let value = stack.value.round() as u64;
    if value == 0 {
        return None;
    }
    let names: Vec<String> = stack
        .frames
        .iter()
        .filter_map(|id| profile.function(*id))
        .map(|f| f.name.replace(';', ","))
        .collect();
    Some(format!("{} {value}", names.join(";")))
}

/// Rebuilds the stacks of `profile` (see the module documentation).
pub(crate) fn stacks(profile: &Profile) -> Vec<Stack> {
    let graph = Graph::new(profile);
    let min_value = (profile.total() as f64 * MIN_SHARE).max(0.5);
    let mut walk = Walk {
        min_value,
        frames_left: MAX_FRAMES,
        path: Vec::new(),
        stacks: Vec::new(),
    };
    for f in profile.functions() {
        let uncovered = graph.uncovered(f.id);
        if uncovered as f64 >= min_value {
            walk.expand(&graph, f.id, uncovered as f64);
        }
    }
    walk.stacks
}

/// The calls among functions (calls of a function to itself left out).
struct Graph<'a> {
    profile: &'a Profile,
    callees: Vec<Vec<&'a Call>>,
    /// The inclusive cost of the calls to each function.
    called: Vec<u64>,
}

impl<'a> Graph<'a> {
    fn new(profile: &'a Profile) -> Self {
        let count = profile.functions().len();
        let mut callees = vec![Vec::new(); count];
        let mut called = vec![0u64; count];
        for call in profile.calls().iter().filter(|c| c.caller != c.callee) {
            if let Some(list) = callees.get_mut(call.caller.index()) {
                list.push(call);
            }
            if let Some(sum) = called.get_mut(call.callee.index()) {
                *sum = sum.saturating_add(call.inclusive);
            }
        }
        Self {
            profile,
            callees,
            called,
        }
    }

    fn callees(&self, id: FunctionId) -> &[&'a Call] {
        self.callees.get(id.index()).map_or(&[], Vec::as_slice)
    }

    /// Self cost plus the cost of the calls made: the inclusive cost, were it not capped.
    fn parts(&self, id: FunctionId) -> u64 {
        let exclusive = self.profile.function(id).map_or(0, |f| f.exclusive);
        let calls = self.callees(id).iter().map(|c| c.inclusive);
        calls.fold(exclusive, u64::saturating_add)
    }

    /// The part of a function's cost that no call to it accounts for: all of it for `main` or a
    /// function nothing calls, most of it for a thread's start routine. Over all functions these
    /// add up to the profile's total.
    fn uncovered(&self, id: FunctionId) -> u64 {
        let called = self.called.get(id.index()).copied().unwrap_or(0);
        self.parts(id).saturating_sub(called)
    }
}

/// The state of the tree expansion.
struct Walk {
    min_value: f64,
    frames_left: usize,
    path: Vec<FunctionId>,
    stacks: Vec<Stack>,
}

impl Walk {
    /// Spreads `value` over `id`'s self cost and its calls, recursing into the calls worth it.
    fn expand(&mut self, graph: &Graph<'_>, id: FunctionId, value: f64) {
        let parts = graph.parts(id);
        if parts == 0 {
            return;
        }
        self.path.push(id);
        self.frames_left = self.frames_left.saturating_sub(1);
        let scale = value / parts as f64;
        let exclusive = graph.profile.function(id).map_or(0, |f| f.exclusive);
        let mut own = exclusive as f64 * scale;
        for call in graph.callees(id) {
            let part = call.inclusive as f64 * scale;
            if self.may_enter(call.callee, part) {
                self.expand(graph, call.callee, part);
            } else {
                own += part;
            }
        }
        if own > 0.0 {
            self.stacks.push(Stack {
                frames: self.path.to_vec(), // copied: each stack keeps its own frames
                value: own,
            });
        }
        self.path.pop();
    }

    fn may_enter(&self, callee: FunctionId, value: f64) -> bool {
        value >= self.min_value
            && self.frames_left > 0
            && self.path.len() < MAX_DEPTH
            && !self.path.contains(&callee)
    }
}
