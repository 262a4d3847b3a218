//! Comparing a base profile with HEAD's, function by function (matched by demangled name, so a base
//! built in another directory still matches).

use std::cmp::Reverse;
use std::collections::HashMap;
use std::sync::Arc;

use super::flamegraph::stacks;
use super::profile::{Function, Profile};

/// One cost before (base) and after (HEAD).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Change {
    /// The base's value.
    pub before: u64,
    /// HEAD's value.
    pub after: u64,
}

impl Change {
    /// `after - before`: positive when HEAD executes more.
    pub fn delta(&self) -> i64 {
        let delta = i128::from(self.after) - i128::from(self.before);
        i64::try_from(delta).unwrap_or(if delta > 0 { i64::MAX } else { i64::MIN })
    }
}

/// Whether a function is in both profiles or in one only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    /// In the base and in HEAD.
    Both,
    /// Only in HEAD.
    Appeared,
    /// Only in the base.
    Vanished,
}

/// How one function's instruction counts changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionChange {
    /// The demangled name.
    pub name: Arc<str>,
    /// Its source file (HEAD's, or the base's for a vanished function).
    pub file: Option<Arc<str>>,
    /// Its first line in that file.
    pub line: Option<u32>,
    /// In both profiles, or in one only.
    pub presence: Presence,
    /// Self cost.
    pub exclusive: Change,
    /// Self cost plus the cost of its calls.
    pub inclusive: Change,
}

/// The user's function that accounts for most of a benchmark's change.
#[derive(Clone, Debug, PartialEq)]
pub struct Culprit {
    /// The demangled name.
    pub name: Arc<str>,
    /// Where its user code is: the user file holding most of its self cost (often code inlined
    /// into it), else its own file; HEAD's if it grew, the base's if it shrank.
    pub file: Option<Arc<str>>,
    /// The first line with cost in that file.
    pub line: Option<u32>,
    /// Its own work: its self cost plus that of the non-user code (std, dependencies) it calls
    /// without going through another user function.
    pub own: Change,
    /// Its self cost alone.
    pub exclusive: Change,
    /// `own`'s delta as a percentage of the change of the whole profile (above 100 when other code
    /// changed the other way).
    pub share_percent: f64,
}

/// Every function whose self or inclusive cost changed, the largest change of self cost first
/// (then of inclusive cost, then by name). Functions of one name in several objects count as one;
/// functions without cost on either side are left out.
pub fn diff(base: &Profile, head: &Profile) -> Vec<FunctionChange> {
    let (before, after) = (by_name(base), by_name(head));
    let mut names: Vec<&str> = after.keys().chain(before.keys()).copied().collect();
    names.sort_unstable();
    names.dedup();
    let mut changes: Vec<FunctionChange> = names
        .into_iter()
        .filter_map(|name| compare(before.get(name), after.get(name)))
        .filter(|c| c.exclusive.delta() != 0 || c.inclusive.delta() != 0)
        .collect();
    changes.sort_by(|a, b| {
        let key = |c: &FunctionChange| {
            (
                Reverse(c.exclusive.delta().unsigned_abs()),
                Reverse(c.inclusive.delta().unsigned_abs()),
            )
        };
        key(a).cmp(&key(b)).then_with(|| a.name.cmp(&b.name))
    });
    changes
}

/// What code is the user's (the workspace's), as opposed to std, dependencies and the runner.
pub trait UserCode {
    /// Whether a source file (as the profile names it) is the user's.
    fn is_user_file(&self, file: &str) -> bool;
    /// Whether a function known only by its (demangled) name is the user's.
    fn is_user_name(&self, name: &str) -> bool;
}

/// A closure over files: only functions with files can be the user's.
impl<F: Fn(&str) -> bool> UserCode for F {
    fn is_user_file(&self, file: &str) -> bool {
        self(file)
    }

    fn is_user_name(&self, _name: &str) -> bool {
        false
    }
}

/// The costs of all functions of one name.
struct Named<'a> {
    exclusive: u64,
    inclusive: u64,
    /// The costliest of them, whose location is shown.
    shown: &'a Function,
}

fn by_name(profile: &Profile) -> HashMap<&str, Named<'_>> {
    let mut named: HashMap<&str, Named<'_>> = HashMap::new();
    for f in profile.functions() {
        let entry = named.entry(&f.name).or_insert(Named {
            exclusive: 0,
            inclusive: 0,
            shown: f,
        });
        entry.exclusive += f.exclusive;
        entry.inclusive = (entry.inclusive + f.inclusive).min(profile.total());
        if (f.exclusive, f.inclusive) > (entry.shown.exclusive, entry.shown.inclusive) {
            entry.shown = f;
        }
    }
    named
}

fn compare(before: Option<&Named<'_>>, after: Option<&Named<'_>>) -> Option<FunctionChange> {
    let shown = after.or(before)?.shown;
    let presence = match (before, after) {
        (Some(_), Some(_)) => Presence::Both,
        (None, _) => Presence::Appeared,
        (_, None) => Presence::Vanished,
    };
    let cost = |pick: fn(&Named<'_>) -> u64| Change {
        before: before.map_or(0, pick),
        after: after.map_or(0, pick),
    };
    Some(FunctionChange {
        name: Arc::clone(&shown.name),
        file: shown.file.as_ref().map(Arc::clone),
        line: shown.line,
        presence,
        exclusive: cost(|n| n.exclusive),
        inclusive: cost(|n| n.inclusive),
    })
}

/// The user's function that accounts for most of the change from `base` to `head`, or `None` when
/// the total did not change or no user function changed the same way.
///
/// `user` tells the user's source files (for example: inside the workspace, not under the cargo
/// registry, rustlib or the runner); it sees the paths of both profiles, which may lie under
/// different checkouts. A user function is one whose file is the user's, or with self cost in a
/// user file (user code inlined into it, as the benchmark function often is); a function without
/// any file (a binary without debug info) is the user's when its name is. Each user function's
/// own work is its self cost plus the self cost of the non-user code below it down to the next user
/// function (the call tree spread as for the flamegraph): if `a` calls `b` calls `c` and only `c`
/// got slower, `c` is named, and so it is when `c` calls `memcpy` more often.
pub fn culprit(base: &Profile, head: &Profile, user: &impl UserCode) -> Option<Culprit> {
    let total = Change {
        before: base.total(),
        after: head.total(),
    }
    .delta();
    if total == 0 {
        return None;
    }
    let before = own_work(base, user);
    let after = own_work(head, user);
    let mut names: Vec<&Arc<str>> = after.keys().chain(before.keys()).collect();
    names.sort();
    names.dedup();
    let own_of = |name: &str| Change {
        before: before.get(name).copied().unwrap_or(0),
        after: after.get(name).copied().unwrap_or(0),
    };
    let (name, own) = names
        .into_iter()
        .map(|name| (name, own_of(name)))
        .filter(|(_, own)| own.delta().signum() == total.signum())
        .max_by_key(|(name, own)| (own.delta().unsigned_abs(), Reverse(*name)))?;
    // Where the user's code of it runs: in HEAD if it grew, in the base if it shrank.
    let (grown, shrunk) = if own.delta() > 0 {
        (head, base)
    } else {
        (base, head)
    };
    let shown = grown.find(name).or_else(|| shrunk.find(name));
    let (file, line) = shown.map_or((None, None), |f| user_location(f, user));
    let exclusive = |p: &Profile| p.named(name).map(|f| f.exclusive).sum();
    Some(Culprit {
        name: Arc::clone(name),
        file,
        line,
        own,
        exclusive: Change {
            before: exclusive(base),
            after: exclusive(head),
        },
        share_percent: own.delta() as f64 * 100.0 / total as f64,
    })
}

/// The user file with the most self cost of `f` and its first line there, else `f`'s own file.
fn user_location(f: &Function, user: &impl UserCode) -> (Option<Arc<str>>, Option<u32>) {
    match f
        .sources
        .iter()
        .find(|s| s.exclusive > 0 && user.is_user_file(&s.file))
    {
        Some(source) => (Some(Arc::clone(&source.file)), source.line),
        None => (f.file.as_ref().map(Arc::clone), f.line),
    }
}

/// Whether `f` is the user's: its file is, or some of its self cost lies in a user file; without any
/// file, whether its name is.
fn is_user(f: &Function, user: &impl UserCode) -> bool {
    match f.file.as_deref() {
        Some(file) => {
            user.is_user_file(file)
                || f.sources
                    .iter()
                    .any(|s| s.exclusive > 0 && user.is_user_file(&s.file))
        }
        None => user.is_user_name(&f.name),
    }
}

/// Each user function's own work: every stack's self cost goes to the innermost user function on it.
fn own_work(profile: &Profile, user_code: &impl UserCode) -> HashMap<Arc<str>, u64> {
    let user: Vec<bool> = profile
        .functions()
        .iter()
        .map(|f| is_user(f, user_code))
        .collect();
    let mut work: HashMap<Arc<str>, f64> = HashMap::new();
    for stack in stacks(profile) {
        let owner = stack
            .frames
            .iter()
            .rev()
            .find(|id| user.get(id.index()).copied().unwrap_or(false))
            .and_then(|id| profile.function(*id));
        if let Some(f) = owner {
            *work.entry(Arc::clone(&f.name)).or_default() += stack.value;
        }
    }
    work.into_iter()
        .map(|(name, value)| (name, value.round() as u64))
        .collect()
}
