//! Command benchmarks (`[[bench.command]]`): a program of the workspace, run under
//! `valgrind --tool=callgrind` at the base and at HEAD, each revision with its own build.
//!
//! At each revision, `cargo build --message-format=json-render-diagnostics <build>` runs at the revision's
//! root, in a target directory of lumen-gate's own (`command-target/{head,base}` under the workspace's
//! state directory, so the user's `target/release` is not rebuilt with debug info), with the build's
//! profile given debug info (`CARGO_PROFILE_<PROFILE>_DEBUG=true`) for the attribution's lines. The
//! binaries it made are read from cargo's messages; `{bin:NAME}` in `run` is the binary `NAME`. Before each
//! run the binaries are copied to one place (`command-bin/`), so base and HEAD run under the same path:
//! the program sees the same arguments and its stack starts at the same alignment, and an unchanged
//! program measures exactly the same. The command runs in the revision's root, its standard input the
//! `stdin` file or nothing, its output in `bench-logs/`. The callgrind file is named as the runners name
//! theirs (`callgrind.<name>.out`, and `.base@<baseline>` for the base's), so figures and attribution are
//! read the same way.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::Instant;

use guppy::graph::BuildTargetId;

use crate::bench::cfg::CommandConfig;
use crate::bench::run::new_process_group;
use crate::config::ConfigSource;
use crate::config::validate::Validator;
use crate::errors::{BenchError, Error, io};
use crate::process::{self, ChildGroup};
use crate::report::Location;
use crate::workspace::{Workspace, cargo_program, relative_to};

/// How often a running build or command is checked on.
const POLL: std::time::Duration = std::time::Duration::from_millis(100);

/// Lines of a failed command's standard error shown in the error.
const STDERR_TAIL: usize = 20;

/// The binaries a build made, by name.
pub(crate) type Binaries = BTreeMap<String, PathBuf>;

/// A command benchmark, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandBench {
    /// The benchmark's name.
    pub name: String,
    /// The package of the first binary it runs (empty when it runs none of the workspace's).
    pub package: String,
    /// `cargo build` arguments.
    pub build: Vec<String>,
    /// The command line, with `{bin:NAME}` placeholders.
    pub run: Vec<String>,
    /// The standard input file, relative to the revision's root.
    pub stdin: Option<String>,
    /// Where it is declared in the configuration file.
    pub declared_at: Option<Location>,
    /// Its input size, when its entry gives `sizes` (its name is then `<entry's name>.<size>`).
    pub size: Option<u64>,
}

/// The input size placeholder of `run` and `stdin`.
const SIZE: &str = "{n}";

/// The binaries named by `{bin:NAME}` in `arg`, in order.
fn bins_in(arg: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = arg;
    while let Some(start) = rest.find("{bin:") {
        let after = &rest[start + "{bin:".len()..];
        let Some(end) = after.find('}') else { break };
        found.push(&after[..end]);
        rest = &after[end + 1..];
    }
    found
}

/// Checks `[[bench.command]]`: names given and distinct, a command line, and every `{bin:NAME}` a binary
/// of a workspace member; each error points at its place in `source`.
pub fn validate(
    cfgs: &[CommandConfig],
    ws: &Workspace,
    source: Option<&ConfigSource>,
    v: &mut Validator<'_>,
) -> Vec<CommandBench> {
    let mut binaries: BTreeMap<String, String> = BTreeMap::new();
    for pkg in ws.members() {
        for target in pkg.build_targets() {
            if let BuildTargetId::Binary(name) = target.id() {
                binaries.insert(name.to_owned(), pkg.name().to_owned());
            }
        }
    }
    let known = if binaries.is_empty() {
        "the workspace has no binaries".to_owned()
    } else {
        let names: Vec<&str> = binaries.keys().map(String::as_str).collect();
        format!("the workspace's binaries: {}", names.join(", "))
    };
    let mut seen: BTreeMap<&str, ()> = BTreeMap::new();
    let mut commands = Vec::new();
    for c in cfgs {
        let name = c.name.get_ref();
        if name.trim().is_empty() {
            v.error(&c.name, "a command benchmark needs a name", "empty", None);
        } else if seen.insert(name, ()).is_some() {
            v.error(
                &c.name,
                format!("two command benchmarks are named `{name}`"),
                "named again here",
                Some("each benchmark needs a name of its own".to_owned()),
            );
        }
        if c.run
            .get_ref()
            .first()
            .is_none_or(|a| a.get_ref().is_empty())
        {
            v.error(
                &c.run,
                format!("command benchmark `{name}` has no command line"),
                "nothing to run",
                Some(
                    "`run` is the program and its arguments: [\"{bin:NAME}\", \"arg\", ...]"
                        .to_owned(),
                ),
            );
        }
        let mut package = None;
        for arg in c.run.get_ref() {
            for bin in bins_in(arg.get_ref()) {
                match binaries.get(bin) {
                    Some(p) => {
                        package.get_or_insert_with(|| p.to_owned());
                    }
                    None => v.error(
                        arg,
                        format!("`{{bin:{bin}}}` in command benchmark `{name}` names no binary of the workspace"),
                        "no such binary",
                        Some(known.to_owned()),
                    ),
                }
            }
        }
        let command = CommandBench {
            name: name.to_owned(),
            package: package.unwrap_or_default(),
            build: c.build.to_vec(),
            run: c
                .run
                .get_ref()
                .iter()
                .map(|a| a.get_ref().to_owned())
                .collect(),
            stdin: c.stdin.as_ref().map(|s| s.get_ref().to_owned()),
            declared_at: source.map(|src| Location {
                file: relative_to(&ws.root, &src.path),
                line: line_of(&src.text, c.name.span().start),
                column: 1,
                length: 0,
            }),
            size: None,
        };
        match sizes_of(c, v) {
            Some(sizes) => commands.extend(sizes.into_iter().map(|n| command.sized(n))),
            None => commands.push(command),
        }
    }
    commands
}

/// The sizes of a `[[bench.command]]` entry: `None` without `sizes` (or when they are wrong: the error is
/// in `v`). Sizes are at least 1 and distinct, the name has no `.` (the family's benchmarks are
/// `<name>.<n>`), and `sizes` and `{n}` come together.
fn sizes_of(c: &CommandConfig, v: &mut Validator<'_>) -> Option<Vec<u64>> {
    let name = c.name.get_ref();
    let uses_n = c.run.get_ref().iter().any(|a| a.get_ref().contains(SIZE))
        || c.stdin.as_ref().is_some_and(|s| s.get_ref().contains(SIZE));
    let Some(sizes) = &c.sizes else {
        if uses_n {
            v.error(
                &c.run,
                format!("command benchmark `{name}` uses `{{n}}` but gives no sizes"),
                "`{n}` here",
                Some("give the input sizes: `sizes = [1000, 10000, 100000, 1000000]`".to_owned()),
            );
        }
        return None;
    };
    let mut errors = Vec::new();
    if !uses_n {
        errors.push("no `{n}` in `run` or `stdin`: every size would run the same command");
    }
    if sizes.get_ref().is_empty() || sizes.get_ref().contains(&0) {
        errors.push("sizes must be at least 1, and there must be one");
    }
    let mut distinct = sizes.get_ref().to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() != sizes.get_ref().len() {
        errors.push("a size is given twice");
    }
    if name.contains('.') {
        errors.push("a command benchmark with sizes needs a name without `.` (its benchmarks are `<name>.<n>`)");
    }
    for e in &errors {
        v.error(
            sizes,
            format!("command benchmark `{name}`: {e}"),
            "these sizes",
            None,
        );
    }
    errors.is_empty().then_some(distinct)
}

impl CommandBench {
    /// The benchmark of this command at size `n`: `{n}` replaced in its command line and stdin file.
    fn sized(&self, n: u64) -> CommandBench {
        let with_n = |text: &str| text.replace(SIZE, &n.to_string());
        CommandBench {
            name: format!("{}.{n}", self.name),
            package: self.package.to_owned(),
            build: self.build.to_vec(),
            run: self.run.iter().map(|a| with_n(a)).collect(),
            stdin: self.stdin.as_deref().map(with_n),
            declared_at: self.declared_at.to_owned(),
            size: Some(n),
        }
    }
}

/// The 1-based line of byte `offset` of `text`.
fn line_of(text: &str, offset: usize) -> u32 {
    let before = text.get(..offset).unwrap_or(text);
    u32::try_from(before.matches('\n').count() + 1).unwrap_or(u32::MAX)
}

/// The cargo profile `cargo build ARGS` builds with: `release` for `--release`, NAME for `--profile NAME`,
/// else `dev`.
fn profile_of(args: &[String]) -> String {
    let mut profile = "dev".to_owned();
    let mut iter = args.iter();
    while let Some(a) = iter.next() {
        match a.as_str() {
            "--release" | "-r" => "release".clone_into(&mut profile),
            "--profile" => {
                if let Some(p) = iter.next() {
                    p.clone_into(&mut profile);
                }
            }
            _ => {
                if let Some(p) = a.strip_prefix("--profile=") {
                    p.clone_into(&mut profile);
                }
            }
        }
    }
    profile
}

/// How to get line information into a command's binary, for the attribution's note.
pub fn no_lines(c: &CommandBench) -> String {
    format!(
        "lumen-bench builds it with {}=true: a `strip` setting in that profile takes the lines out again",
        debug_variable(&profile_of(&c.build))
    )
}

/// `CARGO_PROFILE_<PROFILE>_DEBUG`.
fn debug_variable(profile: &str) -> String {
    format!(
        "CARGO_PROFILE_{}_DEBUG",
        profile.to_ascii_uppercase().replace('-', "_")
    )
}

/// One revision's builds and runs of the command benchmarks.
pub struct CommandRevision<'a> {
    /// "HEAD", "HEAD again", or "base <rev>".
    pub label: &'a str,
    /// The revision's root: where cargo builds and the commands run.
    pub root: &'a Path,
    /// The target directory of its builds.
    pub target_dir: PathBuf,
    /// Its `Cargo.lock` exists: cargo runs with `--locked`.
    pub locked: bool,
    /// Where the callgrind files go.
    pub out_dir: PathBuf,
    /// Appended to the callgrind file's name (`.base@lumen_base` for the base).
    pub suffix: String,
    /// Where the binaries are copied before each run (the same for every revision).
    pub bin_dir: PathBuf,
    /// Where logs go.
    pub logs: PathBuf,
    /// Log file suffix.
    pub tag: &'a str,
    /// A missing binary is an error (HEAD), or makes the benchmark new (the base).
    pub binaries_required: bool,
}

/// The callgrind file of command benchmark `name` in `dir`, with `suffix`.
pub fn out_file(dir: &Path, name: &str, suffix: &str) -> PathBuf {
    dir.join(format!("callgrind.{}.out{suffix}", file_safe(name)))
}

/// `name` with anything but letters, digits, `.`, `_` and `-` as `_`.
fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

impl CommandRevision<'_> {
    /// Builds and runs `c` within `timeout`; `Ok(false)` when the base has no binary it runs (its figures
    /// at HEAD will be new). `built` keeps the binaries of builds already made at this revision, by their
    /// arguments.
    pub fn build_and_run(
        &self,
        c: &CommandBench,
        timeout: std::time::Duration,
        built: &mut BTreeMap<Vec<String>, Binaries>,
        on_running: &mut dyn FnMut(),
    ) -> Result<bool, Error> {
        let deadline = Instant::now() + timeout;
        let log = self
            .logs
            .join(format!("command-{}-{}.log", file_safe(&c.name), self.tag));
        let timed_out = || BenchError::CommandTimedOut {
            name: c.name.to_owned(),
            revision: self.label.to_owned(),
            seconds: timeout.as_secs(),
            log: log.display().to_string(),
        };
        let binaries = match built.get(&c.build) {
            Some(b) => b.to_owned(),
            None => {
                let b = self.build(c, deadline, &log)?.ok_or_else(timed_out)?;
                built.insert(c.build.to_vec(), b.to_owned());
                b
            }
        };
        let mut argv = Vec::new();
        for arg in &c.run {
            let mut text = arg.to_owned();
            for bin in bins_in(arg) {
                let Some(path) = binaries.get(bin) else {
                    if !self.binaries_required {
                        return Ok(false);
                    }
                    return Err(BenchError::CommandBinaryMissing {
                        name: c.name.to_owned(),
                        bin: bin.to_owned(),
                        revision: self.label.to_owned(),
                        command: self.cargo_line(c),
                    }
                    .into());
                };
                let copy = self.bin_dir.join(bin);
                std::fs::create_dir_all(&self.bin_dir)
                    .map_err(io("could not create", &self.bin_dir))?;
                std::fs::copy(path, &copy).map_err(io("could not copy", path))?;
                text = text.replace(&format!("{{bin:{bin}}}"), &copy.display().to_string());
            }
            argv.push(text);
        }
        on_running();
        std::fs::create_dir_all(&self.out_dir).map_err(io("could not create", &self.out_dir))?;
        let out = out_file(&self.out_dir, &c.name, &self.suffix);
        let vg_log = log.with_extension("valgrind.log");
        let mut cmd = std::process::Command::new("valgrind");
        cmd.args(["--tool=callgrind", "-q", "--dump-line=yes"])
            .arg(format!("--callgrind-out-file={}", out.display()))
            .arg(format!("--log-file={}", vg_log.display()))
            .args(&argv)
            .current_dir(self.root);
        let shown = format!("valgrind --tool=callgrind {}", shell_line(&argv));
        match &c.stdin {
            Some(file) => {
                let path = self.root.join(file);
                let f = std::fs::File::open(&path)
                    .map_err(io("could not open the stdin file", &path))?;
                cmd.stdin(f);
            }
            None => {
                cmd.stdin(Stdio::null());
            }
        }
        let stdout = std::fs::File::create(&log).map_err(io("could not write", &log))?;
        let stderr_path = log.with_extension("stderr");
        let stderr =
            std::fs::File::create(&stderr_path).map_err(io("could not write", &stderr_path))?;
        cmd.stdout(stdout).stderr(stderr);
        let Some((status, _)) = wait_limited(cmd, deadline, self.root, false)? else {
            return Err(timed_out().into());
        };
        if !status.success() {
            let mut tail = tail_of(&stderr_path);
            let vg = tail_of(&vg_log);
            if !vg.is_empty() {
                tail.push_str(&format!("\nvalgrind: {vg}"));
            }
            return Err(BenchError::CommandFailed {
                name: c.name.to_owned(),
                revision: self.label.to_owned(),
                command: shown,
                status: describe(status),
                stderr: tail,
            }
            .into());
        }
        Ok(true)
    }

    /// The `cargo build` line of `c`, as shown in errors.
    fn cargo_line(&self, c: &CommandBench) -> String {
        format!("cargo build {}", shell_line(&c.build))
    }

    /// Runs `cargo build` for `c`; the binaries it made by name, or `None` past the deadline.
    fn build(
        &self,
        c: &CommandBench,
        deadline: Instant,
        log: &Path,
    ) -> Result<Option<Binaries>, Error> {
        if let Some(dir) = log.parent() {
            std::fs::create_dir_all(dir).map_err(io("could not create", dir))?;
        }
        let mut cmd = std::process::Command::new(cargo_program());
        cmd.arg("build")
            .arg("--message-format=json-render-diagnostics")
            .args(&c.build);
        let pinned = ["--locked", "--frozen"];
        if self.locked && !c.build.iter().any(|a| pinned.contains(&a.as_str())) {
            cmd.arg("--locked");
        }
        cmd.current_dir(self.root)
            .env("CARGO_TARGET_DIR", &self.target_dir)
            .env(debug_variable(&profile_of(&c.build)), "true")
            .stdin(Stdio::null());
        let stderr = std::fs::File::create(log).map_err(io("could not write", log))?;
        cmd.stdout(Stdio::piped()).stderr(stderr);
        let Some((status, binaries)) = wait_limited(cmd, deadline, self.root, true)? else {
            return Ok(None);
        };
        if !status.success() {
            return Err(BenchError::CommandBuildFailed {
                name: c.name.to_owned(),
                revision: self.label.to_owned(),
                command: self.cargo_line(c),
                log: log.display().to_string(),
            }
            .into());
        }
        Ok(Some(binaries))
    }
}

/// The binaries of cargo's JSON messages: `compiler-artifact`s of `bin` targets with an `executable`,
/// read line by line as cargo writes them; a read error ends the reading (what was read is what cargo said).
fn binaries(messages: impl BufRead) -> Binaries {
    let mut found = BTreeMap::new();
    for line in messages.lines().map_while(Result::ok) {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        if msg["reason"] != "compiler-artifact" {
            continue;
        }
        let is_bin = msg["target"]["kind"]
            .as_array()
            .is_some_and(|kinds| kinds.iter().any(|k| k == "bin"));
        if let (true, Some(name), Some(exe)) = (
            is_bin,
            msg["target"]["name"].as_str(),
            msg["executable"].as_str(),
        ) {
            found.insert(name.to_owned(), PathBuf::from(exe));
        }
    }
    found
}

/// Runs `cmd` in a process group of its own until it ends: its status (and its standard output when
/// `capture`: the binaries of cargo's messages), `None` once the deadline passed (the group is killed), [`Error::Interrupted`] after SIGINT or
/// SIGTERM (the group is stopped).
fn wait_limited(
    mut cmd: std::process::Command,
    deadline: Instant,
    what: &Path,
    capture: bool,
) -> Result<Option<(ExitStatus, Binaries)>, Error> {
    use wait_timeout::ChildExt;
    new_process_group(&mut cmd);
    let mut child = cmd
        .spawn()
        .map_err(io("could not run a command benchmark in", what))?;
    let group = ChildGroup::register(&child);
    let reader = child
        .stdout
        .take()
        .filter(|_| capture)
        .map(|out| std::thread::spawn(move || binaries(std::io::BufReader::new(out))));
    let collect = |reader: Option<std::thread::JoinHandle<Binaries>>| {
        reader.and_then(|r| r.join().ok()).unwrap_or_default()
    };
    loop {
        if let Some(status) = child
            .wait_timeout(POLL)
            .map_err(io("could not wait for a command benchmark in", what))?
        {
            if process::interrupted() {
                group.stop_after_interrupt(&mut child);
                return Err(Error::Interrupted);
            }
            return Ok(Some((status, collect(reader))));
        }
        if process::interrupted() {
            group.stop_after_interrupt(&mut child);
            return Err(Error::Interrupted);
        }
        if Instant::now() >= deadline {
            group.kill(&mut child);
            return Ok(None);
        }
    }
}

/// How a process ended: `exit status 3`, `signal 11`.
fn describe(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exit status {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!("signal {signal}");
        }
    }
    status.to_string()
}

/// The last [`STDERR_TAIL`] lines of a file (empty when it cannot be read).
fn tail_of(path: &Path) -> String {
    let text = std::fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.len().saturating_sub(STDERR_TAIL);
    lines[start..].join("\n")
}

/// Arguments joined for a shell: each quoted when it holds anything but plain characters.
fn shell_line(args: &[String]) -> String {
    let quote = |a: &String| {
        let plain = !a.is_empty()
            && a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%{}".contains(c));
        if plain {
            a.to_owned()
        } else {
            format!("'{}'", a.replace('\'', r"'\''"))
        }
    };
    args.iter().map(quote).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_name_binaries_anywhere_in_an_argument() {
        assert_eq!(bins_in("{bin:lumen}"), ["lumen"]);
        assert_eq!(bins_in("--a={bin:x}:{bin:y-z}"), ["x", "y-z"]);
        assert!(bins_in("{bin:open").is_empty());
        assert!(bins_in("{n}").is_empty());
    }

    #[test]
    fn the_profile_comes_from_the_build_arguments() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(profile_of(&args(&["-p", "x"])), "dev");
        assert_eq!(profile_of(&args(&["--release", "-p", "x"])), "release");
        assert_eq!(profile_of(&args(&["--profile", "fast-ci"])), "fast-ci");
        assert_eq!(profile_of(&args(&["--profile=bench"])), "bench");
        assert_eq!(debug_variable("fast-ci"), "CARGO_PROFILE_FAST_CI_DEBUG");
    }

    #[test]
    fn binaries_are_read_from_cargos_messages() {
        let messages = br#"{"reason":"compiler-artifact","target":{"name":"lumen","kind":["bin"]},"executable":"/t/release/lumen"}
{"reason":"compiler-artifact","target":{"name":"lib","kind":["lib"]},"executable":null}
{"reason":"build-finished","success":true}
not json
"#;
        let found = binaries(&messages[..]);
        assert_eq!(found.len(), 1);
        assert_eq!(found["lumen"], PathBuf::from("/t/release/lumen"));
    }

    #[test]
    fn shell_lines_quote_what_needs_it() {
        let args = ["run".to_owned(), "a b".to_owned(), "it's".to_owned()];
        assert_eq!(shell_line(&args), r"run 'a b' 'it'\''s'");
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(file_safe("fib/10 x"), "fib_10_x");
    }

    #[test]
    fn a_tail_keeps_the_last_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("err");
        let text: String = (1..=30).map(|i| format!("line {i}\n")).collect();
        std::fs::write(&path, &text).unwrap();
        let tail = tail_of(&path);
        assert!(
            tail.starts_with("line 11\n") && tail.ends_with("line 30"),
            "{tail}"
        );
        assert_eq!(tail_of(&dir.path().join("none")), "");
    }
}
