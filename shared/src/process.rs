//! Child processes the tools start in process groups of their own (`cargo bench`, so a time limit can stop
//! cargo, build scripts, the runner and valgrind together), and what happens to them on SIGINT / SIGTERM.
//!
//! A terminal's Ctrl-C signals the tool's foreground process group, which a child group is not part of. So
//! the tools catch SIGINT and SIGTERM ([`install_signal_handlers`]): the signal is forwarded to every
//! registered child group; the run that waits on that child sees [`interrupted`], gives the group
//! [`GRACE`] to end, kills what is left, and fails with [`crate::errors::Error::Interrupted`] (exit 130).
//! Without a child group to stop, the tool exits with 130 at once. A last-resort timer exits the process
//! if the run does not get there in time.
//!
//! SIGKILL cannot be caught, so each child group also gets a watchdog: a small `sh` of its own process
//! group that waits on a pipe only the tool holds open. When the tool dies, however it dies (`kill -9`
//! included), the kernel closes the pipe, the watchdog's read ends, and it kills the child's whole group
//! (cargo, rustc, the runner, valgrind). When the child's run ends normally, the watchdog is killed first.

use std::process::Child;
use std::sync::Mutex;
use std::sync::PoisonError;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant};

use crate::exit_codes;

/// How long a signalled child group gets to end before it is killed.
pub const GRACE: Duration = Duration::from_secs(5);

/// The signal received, or 0.
static RECEIVED: AtomicI32 = AtomicI32::new(0);

/// Process group ids of the children running now.
static GROUPS: Mutex<Vec<i32>> = Mutex::new(Vec::new());

/// True once SIGINT or SIGTERM has been received.
pub fn interrupted() -> bool {
    RECEIVED.load(Ordering::SeqCst) != 0
}

/// A child's process group, registered for signal forwarding until dropped, and watched so that it dies
/// with the tool.
#[derive(Debug)]
pub struct ChildGroup {
    pgid: i32,
    watchdog: Option<Child>,
}

impl ChildGroup {
    /// Registers `child`, which leads a process group of its own, and starts its watchdog.
    pub fn register(child: &Child) -> ChildGroup {
        let pgid = i32::try_from(child.id()).unwrap_or(i32::MAX);
        GROUPS
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(pgid);
        ChildGroup {
            pgid,
            watchdog: watchdog(pgid),
        }
    }

    /// Stops the whole group: SIGKILL to every process in it, then reaps `child` and waits (briefly) until
    /// no process of the group is left.
    pub fn kill(&self, child: &mut Child) {
        signal_group(self.pgid, None);
        let _already_dead = child.kill(); // the group kill got it on unix
        let _reaped = child.wait(); // best effort: the process is being abandoned
        wait_until_empty(self.pgid, Duration::from_secs(2));
    }

    /// After an interrupt: gives the group [`GRACE`] to end on the forwarded signal, then kills it.
    pub fn stop_after_interrupt(&self, child: &mut Child) {
        let deadline = Instant::now() + GRACE;
        while Instant::now() < deadline {
            if matches!(child.try_wait(), Ok(Some(_))) && group_is_empty(self.pgid) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.kill(child);
    }
}

impl Drop for ChildGroup {
    fn drop(&mut self) {
        if let Some(mut watchdog) = self.watchdog.take() {
            // Killed before its pipe closes: it must not signal a group id the system may reuse.
            let _already_dead = watchdog.kill();
            let _reaped = watchdog.wait();
        }
        let mut groups = GROUPS.lock().unwrap_or_else(PoisonError::into_inner);
        groups.retain(|g| *g != self.pgid);
    }
}

/// Starts the watchdog of group `pgid` (see the module docs): `None` when `sh` cannot start, and then the
/// group outlives a SIGKILL of the tool, as it did before.
fn watchdog(pgid: i32) -> Option<Child> {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        use std::process::{Command, Stdio};
        // The pipe's write end is held by this process only (Rust opens it close-on-exec): EOF means the
        // tool is gone. `read` also returns on a line, which nobody writes.
        Command::new("sh")
            .args(["-c", "read -r _; kill -s KILL -- -\"$0\" 2>/dev/null"])
            .arg(pgid.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .ok()
    }
    #[cfg(not(unix))]
    {
        let _unused = pgid;
        None
    }
}

/// Catches SIGINT and SIGTERM for the rest of the process (see the module docs). Call once, early.
pub fn install_signal_handlers() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
            // Without the handler the default applies: the tool dies, as it did before.
            return;
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                on_signal(signal);
            }
        });
    }
}

#[cfg(unix)]
fn on_signal(signal: i32) {
    RECEIVED.store(signal, Ordering::SeqCst);
    let groups: Vec<i32> = GROUPS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .to_vec();
    if groups.is_empty() {
        std::process::exit(exit_codes::INTERRUPTED);
    }
    for g in &groups {
        signal_group(*g, Some(signal));
    }
    // The run waiting on these children stops them and exits; this is the last resort if it cannot.
    std::thread::sleep(GRACE + Duration::from_secs(5));
    for g in &groups {
        signal_group(*g, None);
        wait_until_empty(*g, Duration::from_secs(2));
    }
    std::process::exit(exit_codes::INTERRUPTED);
}

/// Sends signal number `signal` (SIGKILL when `None`) to every process of group `pgid`.
fn signal_group(pgid: i32, signal: Option<i32>) {
    #[cfg(unix)]
    {
        use nix::sys::signal::{Signal, killpg};
        use nix::unistd::Pid;
        let signal = signal
            .and_then(|s| Signal::try_from(s).ok())
            .unwrap_or(Signal::SIGKILL);
        // The group may already be gone: nothing to do then.
        let _gone = killpg(Pid::from_raw(pgid), signal);
    }
    #[cfg(not(unix))]
    let _unused = (pgid, signal);
}

/// True when no process of group `pgid` exists any more.
fn group_is_empty(pgid: i32) -> bool {
    #[cfg(unix)]
    {
        use nix::sys::signal::killpg;
        use nix::unistd::Pid;
        killpg(Pid::from_raw(pgid), None) == Err(nix::errno::Errno::ESRCH)
    }
    #[cfg(not(unix))]
    {
        true
    }
}

fn wait_until_empty(pgid: i32, limit: Duration) {
    let deadline = Instant::now() + limit;
    while !group_is_empty(pgid) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
}
