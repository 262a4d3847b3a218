//! Running one bench target with `cargo bench`: its output to a log file, its phase (building, then
//! running) read from cargo's own lines, and a time limit that stops the whole process group.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cargo_util::ProcessBuilder;
use wait_timeout::ChildExt;

use crate::bench::discover::BenchTarget;
use crate::errors::{BenchError, Error, io};
use crate::process::{self, ChildGroup};
use crate::workspace::cargo_program;

/// How often a running benchmark is checked on (time limit, phase change, progress tick).
const POLL: Duration = Duration::from_millis(100);

/// What a run reports while it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunEvent {
    /// cargo finished building and started the bench binary.
    Running,
    /// This many benchmarks of the target have finished (read from the runner's report lines).
    BenchmarksDone(usize),
    /// Still at it (sent every poll, for spinners).
    Tick,
}

/// One `cargo bench -p PKG --bench NAME -- ARGS` invocation.
pub struct BenchRun<'a> {
    /// The manifest to run in (HEAD's, or the base worktree's).
    pub manifest: PathBuf,
    /// The target.
    pub target: &'a BenchTarget,
    /// Arguments for the benchmark binary (after `--`).
    pub args: Vec<String>,
    /// Extra environment (the runner's directories, `CRITERION_HOME`).
    pub env: Vec<(&'static str, OsString)>,
    /// A cargo target directory of its own (the base's), or the workspace's.
    pub target_dir: Option<PathBuf>,
    /// Pass `--locked` (a Cargo.lock exists, and must not be rewritten).
    pub locked: bool,
    /// Where to write cargo's and the benchmark's output.
    pub log: PathBuf,
    /// "HEAD" or the base revision, for messages.
    pub revision: String,
    /// Stop the run (build and benchmarks) after this long.
    pub timeout: Duration,
    /// Only build (`cargo bench --no-run`): HEAD's build while the base is measured.
    pub no_run: bool,
}

impl BenchRun<'_> {
    /// Runs it to the end, telling `on_event` when the build is done; fails with the log's path when
    /// the build fails, the benchmark fails, or the time limit passes, and with
    /// [`Error::Interrupted`] once the group has been stopped after SIGINT or SIGTERM.
    pub fn run(&self, on_event: &mut dyn FnMut(RunEvent)) -> Result<(), Error> {
        if let Some(dir) = self.log.parent() {
            std::fs::create_dir_all(dir).map_err(io("could not create", dir))?;
        }
        let log = std::fs::File::create(&self.log).map_err(io("could not write", &self.log))?;
        let stdout_log = log.try_clone().map_err(io("could not write", &self.log))?;
        let mut child = self
            .command()
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(io("could not run cargo bench for", &self.manifest))?;
        let group = ChildGroup::register(&child);
        let running = Arc::new(AtomicBool::new(false));
        let done = Arc::new(AtomicUsize::new(0));
        let readers: Vec<_> = [
            child.stderr.take().map(|stderr| {
                let running = Arc::clone(&running);
                copy_lines(stderr, log, move |line| {
                    // cargo's `     Running benches/x.rs (target/...)`: the build is over.
                    if line.trim_start().starts_with("Running ") {
                        running.store(true, Ordering::Relaxed);
                    }
                })
            }),
            child.stdout.take().map(|stdout| {
                let done = Arc::clone(&done);
                copy_lines(stdout, stdout_log, move |line| {
                    if finishes_a_benchmark(line) {
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                })
            }),
        ]
        .into_iter()
        .flatten()
        .collect();
        let mut watch = Watch {
            running,
            done,
            announced: false,
            reported: 0,
        };
        let started = Instant::now();
        let status = loop {
            // Returns as soon as the child exits: no polling delay added to a run.
            if let Some(status) = child
                .wait_timeout(POLL)
                .map_err(io("could not wait for cargo bench in", &self.manifest))?
            {
                break status;
            }
            watch.publish(on_event);
            if process::interrupted() {
                group.stop_after_interrupt(&mut child);
                join(readers);
                return Err(Error::Interrupted);
            }
            if started.elapsed() >= self.timeout {
                group.kill(&mut child);
                join(readers);
                let (package, target, revision, log) = self.names();
                return Err(BenchError::TimedOut {
                    package,
                    target,
                    revision,
                    seconds: self.timeout.as_secs(),
                    log,
                }
                .into());
            }
            on_event(RunEvent::Tick);
        };
        if process::interrupted() {
            // The child ended on the forwarded signal: what it left in its group goes too.
            group.stop_after_interrupt(&mut child);
            join(readers);
            return Err(Error::Interrupted);
        }
        join(readers);
        // What the copiers saw after the last poll (a short run may end before it).
        watch.publish(on_event);
        if status.success() {
            return Ok(());
        }
        let (package, target, revision, log) = self.names();
        Err(if watch.announced {
            BenchError::Failed {
                package,
                target,
                revision,
                log,
            }
        } else {
            BenchError::BuildFailed {
                package,
                target,
                revision,
                log,
            }
        }
        .into())
    }

    /// Package, bench target, revision and log path, for an error.
    fn names(&self) -> (String, String, String, String) {
        (
            self.target.package.to_owned(),
            self.target.name.to_owned(),
            self.revision.to_owned(),
            self.log.display().to_string(),
        )
    }

    fn command(&self) -> std::process::Command {
        let mut cmd = ProcessBuilder::new(cargo_program());
        cmd.arg("bench")
            .arg("--manifest-path")
            .arg(&self.manifest)
            .args(&["-p", &self.target.package, "--bench", &self.target.name]);
        if self.locked {
            cmd.arg("--locked");
        }
        if self.no_run {
            cmd.arg("--no-run");
        } else {
            cmd.arg("--");
            for a in &self.args {
                cmd.arg(a);
            }
        }
        if let Some(dir) = &self.target_dir {
            cmd.env("CARGO_TARGET_DIR", dir);
        }
        for (key, value) in &self.env {
            cmd.env(key, value);
        }
        let mut command = cmd.build_command();
        new_process_group(&mut command);
        command
    }
}

/// What the output copiers have seen, and what of it `on_event` has been told.
struct Watch {
    /// cargo started the bench binary.
    running: Arc<AtomicBool>,
    /// Benchmarks finished so far.
    done: Arc<AtomicUsize>,
    announced: bool,
    reported: usize,
}

impl Watch {
    /// Tells `on_event` of a build that ended and of benchmarks that finished since the last call.
    fn publish(&mut self, on_event: &mut dyn FnMut(RunEvent)) {
        if !self.announced && self.running.load(Ordering::Relaxed) {
            self.announced = true;
            on_event(RunEvent::Running);
        }
        let done = self.done.load(Ordering::Relaxed);
        if done != self.reported {
            self.reported = done;
            on_event(RunEvent::BenchmarksDone(done));
        }
    }
}

/// Copies a child's output into the log line by line, showing each line to `watch`.
fn copy_lines(
    from: impl std::io::Read + Send + 'static,
    mut log: std::fs::File,
    mut watch: impl FnMut(&str) + Send + 'static,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        for line in BufReader::new(from).lines() {
            let Ok(line) = line else { break };
            watch(&line);
            if writeln!(log, "{line}").is_err() {
                break;
            }
        }
    })
}

/// Waits for the output copiers; they end with the pipes.
fn join(readers: Vec<std::thread::JoinHandle<()>>) {
    for handle in readers {
        // A copier that panicked lost only log lines: the run's outcome stands.
        let _joined = handle.join();
    }
}

/// True for the line a runner prints when a benchmark is done: gungraun's and iai-callgrind's
/// `  Instructions: ...` (one per benchmark), criterion's `<id>  time: [...]`.
fn finishes_a_benchmark(line: &str) -> bool {
    line.starts_with("  Instructions:")
        || (!line.starts_with(char::is_whitespace) && line.contains(" time:   ["))
}

/// Puts the child in a process group of its own, so a time limit stops cargo, rustc, build scripts, the
/// runner and valgrind together.
#[cfg(unix)]
pub fn new_process_group(command: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    command.process_group(0);
}

#[cfg(not(unix))]
pub fn new_process_group(_command: &mut std::process::Command) {}

/// Where `cargo bench` finds a runner: `dirs` first, then the inherited `PATH`.
pub fn path_with(dirs: &[PathBuf]) -> Option<OsString> {
    if dirs.is_empty() {
        return None;
    }
    let inherited = std::env::var_os("PATH").unwrap_or_default();
    let all = dirs
        .iter()
        .cloned() // cloned: join_paths takes owned paths
        .chain(std::env::split_paths(&inherited));
    std::env::join_paths(all).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finished_benchmarks_are_read_from_each_runners_lines() {
        let gungraun = "calc::arithmetic::sum hundred:(100)\n  Instructions:        415|N/A   (*********)\n  L1 Hits:    520|N/A\n";
        let criterion = "Benchmarking sum_to_2000: Analyzing\nsum_to_2000             time:   [14.319 µs 14.464 µs 14.629 µs]\n                        change: [+935.00% +955.71% +978.75%] (p = 0.00 < 0.05)\n";
        let count = |text: &str| text.lines().filter(|l| finishes_a_benchmark(l)).count();
        assert_eq!(count(gungraun), 1);
        assert_eq!(count(criterion), 1);
        assert_eq!(count("Gungraun result: Ok. 2 without regressions\n"), 0);
    }
}
