//! Progress of a benchmark run: an indicatif bar on a terminal (phase, bench target, runs done, elapsed),
//! one plain line per phase in CI and in logs, nothing with `-q`.

use std::io::{IsTerminal, Write};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::output::{Verbosity, escape};

/// How progress is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProgressMode {
    /// A live bar on the terminal.
    Bar,
    /// A line per phase (CI, pipes, `TERM=dumb`).
    Lines,
    /// Nothing.
    Quiet,
}

impl ProgressMode {
    /// A bar on a terminal that is not CI's, lines elsewhere, nothing when quiet.
    pub fn detect(verbosity: Verbosity) -> ProgressMode {
        let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
        if verbosity == Verbosity::Quiet {
            ProgressMode::Quiet
        } else if std::io::stderr().is_terminal() && std::env::var_os("CI").is_none() && !dumb {
            ProgressMode::Bar
        } else {
            ProgressMode::Lines
        }
    }
}

/// Which stage of a bench target's run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// cargo is building the bench target.
    Build,
    /// The benchmarks are running.
    Run,
}

impl Phase {
    fn word(self) -> &'static str {
        match self {
            Phase::Build => "build",
            Phase::Run => "run",
        }
    }
}

/// Reports phases and finished runs.
pub struct Progress {
    bar: Option<ProgressBar>,
    lines: Option<Box<dyn Write>>,
    /// The current phase's text, which benchmark counts are appended to.
    current: String,
}

impl Progress {
    /// Progress shown the way `mode` says, on stderr.
    pub fn new(mode: ProgressMode) -> Progress {
        match mode {
            ProgressMode::Bar => Progress::drawn_to(ProgressDrawTarget::stderr()),
            ProgressMode::Lines => Progress::lines_to(Box::new(std::io::stderr())),
            ProgressMode::Quiet => Progress {
                bar: None,
                lines: None,
                current: String::new(),
            },
        }
    }

    /// A bar drawn to `target`.
    pub fn drawn_to(target: ProgressDrawTarget) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(0), target);
        let style = ProgressStyle::with_template(
            "{spinner} bench [{bar:20}] {pos}/{len} runs {elapsed:>4}  {wide_msg}",
        )
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        Progress {
            bar: Some(bar),
            lines: None,
            current: String::new(),
        }
    }

    /// One line per phase, written to `out`.
    pub fn lines_to(out: Box<dyn Write>) -> Progress {
        Progress {
            bar: None,
            lines: Some(out),
            current: String::new(),
        }
    }

    /// Adds `runs` bench target runs to the total.
    pub fn add_runs(&mut self, runs: u64) {
        if let Some(bar) = &self.bar {
            bar.inc_length(runs);
        }
    }

    /// A bench target entered `phase` at `revision` ("base abc123", "HEAD").
    pub fn phase(&mut self, phase: Phase, revision: &str, target: &str) {
        // Names come from the repository under review: one line each, never a workflow command.
        self.current = format!(
            "{} {}: {}",
            phase.word(),
            escape::terminal(revision),
            escape::terminal(target)
        );
        if let Some(bar) = &self.bar {
            bar.set_message(self.current.clone()); // cloned: kept for the benchmark counts
        } else if let Some(out) = &mut self.lines {
            // Progress is best effort: a closed stderr must not stop the benchmarks.
            let _unwritten = writeln!(out, "bench: {}", self.current);
        }
    }

    /// `n` benchmarks of the running target are done (on the bar only: CI logs stay quiet).
    pub fn benchmarks_done(&mut self, n: usize) {
        if let Some(bar) = &self.bar {
            let plural = if n == 1 { "" } else { "s" };
            bar.set_message(format!("{} ({n} benchmark{plural} done)", self.current));
        }
    }

    /// A line of its own (installing a runner, a note).
    pub fn note(&mut self, text: &str) {
        let text = escape::stderr(&escape::terminal(text), false);
        if let Some(bar) = &self.bar {
            bar.println(text);
        } else if let Some(out) = &mut self.lines {
            let _unwritten = writeln!(out, "{text}"); // best effort, as above
        }
    }

    /// Keeps the spinner turning.
    pub fn tick(&self) {
        if let Some(bar) = &self.bar {
            bar.tick();
        }
    }

    /// One bench target run is done.
    pub fn run_done(&mut self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    /// Removes the bar.
    pub fn finish(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use indicatif::{InMemoryTerm, TermLike};

    #[test]
    fn the_bar_shows_phase_target_and_runs_done() {
        let term = InMemoryTerm::new(4, 100);
        // cloned: the test reads the terminal back
        let mut progress = Progress::drawn_to(ProgressDrawTarget::term_like_with_hz(
            Box::new(term.clone()),
            200,
        ));
        progress.add_runs(2);
        progress.phase(Phase::Build, "base 1a2b3c4", "calc/calc");
        progress.tick();
        let shown = term.contents();
        assert!(shown.contains("0/2 runs"), "{shown}");
        assert!(shown.contains("build base 1a2b3c4: calc/calc"), "{shown}");
        progress.run_done();
        progress.phase(Phase::Run, "HEAD", "calc/calc");
        progress.benchmarks_done(3);
        progress.tick();
        let shown = term.contents();
        assert!(shown.contains("1/2 runs"), "{shown}");
        assert!(
            shown.contains("run HEAD: calc/calc (3 benchmarks done)"),
            "{shown}"
        );
        assert_eq!(term.width(), 100);
    }

    #[test]
    fn lines_name_each_phase() {
        let shared = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut progress = Progress::lines_to(Box::new(SharedBuf(shared.clone()))); // cloned: the test reads it back
        progress.phase(Phase::Build, "HEAD", "calc/calc");
        progress.phase(Phase::Run, "HEAD", "calc/calc");
        let text = String::from_utf8(shared.lock().unwrap().clone()).unwrap(); // cloned: read once
        assert_eq!(
            text,
            "bench: build HEAD: calc/calc\nbench: run HEAD: calc/calc\n"
        );
    }

    #[test]
    fn names_cannot_start_a_line_or_a_workflow_command() {
        let shared = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut progress = Progress::lines_to(Box::new(SharedBuf(shared.clone()))); // cloned: the test reads it back
        progress.phase(
            Phase::Run,
            "HEAD",
            "calc/x\n::error file=a.rs::forged\x1b[31m",
        );
        progress.note("::warning::forged");
        let text = String::from_utf8(shared.lock().unwrap().clone()).unwrap(); // cloned: read once
        assert_eq!(
            text,
            "bench: run HEAD: calc/x\\n::error file=a.rs::forged\\u{1b}[31m\n> ::warning::forged\n"
        );
    }

    struct SharedBuf(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl Write for SharedBuf {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
}
