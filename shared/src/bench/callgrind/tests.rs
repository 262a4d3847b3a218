//! Tests on small hand-written callgrind texts.

use std::path::Path;

use super::diff::{Presence, culprit, diff};
use super::error::Problem;
use super::flamegraph::{differential_svg, folded};
use super::{CallgrindError, Profile};

fn parse(text: &str) -> Result<Profile, CallgrindError> {
    Profile::read(text.as_bytes(), Path::new("test.out"))
}

fn ok(text: &str) -> Profile {
    parse(text).unwrap()
}

/// (exclusive, inclusive, line) of a function.
fn costs(p: &Profile, name: &str) -> (u64, u64, Option<u32>) {
    let f = p.find(name).unwrap_or_else(|| panic!("no function {name}"));
    (f.exclusive, f.inclusive, f.line)
}

/// (count, inclusive) of the calls from `caller` to `callee`.
fn call(p: &Profile, caller: &str, callee: &str) -> (u64, u64) {
    let (from, to) = (p.find(caller).unwrap().id, p.find(callee).unwrap().id);
    let c = p
        .calls()
        .iter()
        .find(|c| c.caller == from && c.callee == to)
        .unwrap();
    (c.count, c.inclusive)
}

/// The extended example of the format specification, with name compression.
const COMPRESSED: &str = "# callgrind format
events: Ir

fl=(1) file1.c
fn=(1) main
16 20
cfn=(2) func1
calls=1 50
16 400
cfi=(2) file2.c
cfn=(3) func2
calls=3 20
16 400

fn=(2)
51 100
cfi=(2)
cfn=(3)
calls=2 20
51 300

fl=(2)
fn=(3)
20 700
";

#[test]
fn reads_the_specification_example_with_name_compression() {
    let p = ok(COMPRESSED);
    assert_eq!(costs(&p, "main"), (20, 820, Some(16)));
    assert_eq!(costs(&p, "func1"), (100, 400, Some(51)));
    assert_eq!(costs(&p, "func2"), (700, 700, Some(20)));
    assert_eq!(call(&p, "main", "func1"), (1, 400));
    assert_eq!(call(&p, "main", "func2"), (3, 400));
    assert_eq!(call(&p, "func1", "func2"), (2, 300));
    assert_eq!(p.total(), 820);
    assert!(p.has_line_info());
    assert_eq!(p.find("func1").unwrap().file.as_deref(), Some("file1.c"));
    assert_eq!(p.find("func2").unwrap().file.as_deref(), Some("file2.c"));
}

#[test]
fn compressed_and_plain_names_read_the_same() {
    let plain = COMPRESSED
        .replace("fl=(1) file1.c", "fl=file1.c")
        .replace("fn=(1) main", "fn=main")
        .replace("cfn=(2) func1", "cfn=func1")
        .replace("cfi=(2) file2.c", "cfi=file2.c")
        .replace("cfn=(3) func2", "cfn=func2")
        .replace("fn=(2)", "fn=func1")
        .replace("cfi=(2)", "cfi=file2.c")
        .replace("cfn=(3)", "cfn=func2")
        .replace("fl=(2)", "fl=file2.c")
        .replace("fn=(3)", "fn=func2");
    let (a, b) = (ok(COMPRESSED), ok(&plain));
    for name in ["main", "func1", "func2"] {
        assert_eq!(costs(&a, name), costs(&b, name), "{name}");
    }
}

#[test]
fn relative_positions_and_star() {
    let p = ok("positions: instr line
events: Ir
fl=a.c
fn=func
0x80001234 90 1
+3 * 5
+1 +1 6
-2 -3 2
cfn=g
calls=1 +0x10 -80
* * 100
+1 * 3
fn=g
0x10 7 100
");
    // Lines 90, 90, 91, 88; the call's target does not move the base, so `+1 *` is line 88 again.
    assert_eq!(costs(&p, "func"), (17, 117, Some(88)));
    assert_eq!(call(&p, "func", "g"), (1, 100));
}

#[test]
fn picks_ir_among_several_events_and_missing_costs_are_zero() {
    let p = ok("events: Dr Ir Dw
fl=a.c
fn=f
16 5 20 3
17 5
18 1 2
cfn=g
calls=2 1
18 9 30 9
fn=g
1 1 30
totals: 7 52 3
");
    assert_eq!(costs(&p, "f"), (22, 52, Some(16)));
    assert_eq!(costs(&p, "g"), (30, 30, Some(1)));
    assert_eq!(call(&p, "f", "g"), (2, 30));
}

#[test]
fn inlined_files_keep_the_function_file_and_line() {
    let p = ok("events: Ir
fl=/ws/src/lib.rs
fn=work
12 5
fi=/rustc/library/core/src/iter/range.rs
3 40
fe=/ws/src/lib.rs
13 5
fi=/rustc/library/core/src/iter/range.rs
cfn=helper
calls=1 70
2 7
fn=helper
70 7
");
    let work = p.find("work").unwrap();
    assert_eq!(work.file.as_deref(), Some("/ws/src/lib.rs"));
    assert_eq!(
        work.line,
        Some(12),
        "the inlined file's line 3 is not the function's"
    );
    let sources: Vec<(&str, u64, Option<u32>)> = work
        .sources
        .iter()
        .map(|s| (&*s.file, s.exclusive, s.line))
        .collect();
    assert_eq!(
        sources,
        [
            ("/rustc/library/core/src/iter/range.rs", 40, Some(3)),
            ("/ws/src/lib.rs", 10, Some(12)),
        ]
    );
    // A call without `cfi=` is to a function of the current (inlined) file.
    let helper = p.find("helper").unwrap();
    assert_eq!(
        helper.file.as_deref(),
        Some("/rustc/library/core/src/iter/range.rs")
    );
}

#[test]
fn headers_comments_blank_lines_and_parts() {
    let p = ok("# callgrind format
version: 1
creator: callgrind-3.19.0
pid: 42
cmd:  /ws/target/release/deps/bench-1234 --run
part: 1
thread: 1

desc: I1 cache: 32768 B, 64 B, 8-way associative
desc: Timerange: Basic block 0 - 10
desc: Trigger: Program termination

positions: line
events: Ir Dr
summary: 30 4

# a comment
ob=(1) /ws/target/release/deps/bench-1234
fl=(1) /ws/src/lib.rs
fn=(1) f
3 10 4

totals: 10 4

part: 2
positions: line
events: Ir
summary: 20

ob=(1)
fl=(1)
fn=(1)
2 20
totals: 20
");
    assert_eq!(costs(&p, "f"), (30, 30, Some(2)));
    assert_eq!(p.total(), 30);
}

#[test]
fn demangles_rust_symbols_and_folds_recursion_levels() {
    let p = ok("events: Ir
fl=lib.rs
fn=_ZN4calc6sum_to17h333a1fa3f7229ab4E
1 1
fn=_RNvCsd3tlm8lCxHK_4calc5times
2 2
fn=calc::main
3 3
fn=operator new(unsigned long)
4 4
fn=fib
5 10
cfn=fib'2
calls=1 5
5 50
fn=fib'2
5 40
cfn=fib'2
calls=3 5
5 30
cfn=leaf
calls=1 9
5 10
fn=leaf
9 10
");
    assert_eq!(costs(&p, "calc::sum_to").0, 1);
    assert_eq!(costs(&p, "calc::times").0, 2);
    assert_eq!(costs(&p, "calc::main").0, 3);
    assert_eq!(costs(&p, "operator new(unsigned long)").0, 4);
    // Both recursion levels are one function; calls to itself add nothing to its inclusive cost.
    assert_eq!(costs(&p, "fib"), (50, 60, Some(5)));
    assert!(p.find("fib'2").is_none());
}

#[test]
fn line_info_of_other_objects_does_not_count() {
    let text = "creator: callgrind-3.19.0
cmd: /ws/target/release/deps/bench-1234 --run
events: Ir
ob=/usr/lib/x86_64-linux-gnu/libc.so.6
fl=./csu/libc-start.c
fn=__libc_start_main
360 5
ob=/ws/target/release/deps/bench-1234
fl=???
fn=bench
0 100
totals: 105
";
    let p = ok(text);
    assert!(!p.has_line_info());
    assert_eq!(p.find("bench").unwrap().file, None);
    assert_eq!(p.find("bench").unwrap().line, None);
    let with_lines = ok(&text
        .replace("fl=???", "fl=/ws/src/lib.rs")
        .replace("0 100", "7 100"));
    assert!(with_lines.has_line_info());
}

fn malformed(text: &str) -> (u64, Problem) {
    match parse(text) {
        Err(CallgrindError::Malformed { line, problem, .. }) => (line, problem),
        other => panic!("expected a malformed line, got {other:?}"),
    }
}

fn truncated(text: &str) -> Problem {
    match parse(text) {
        Err(CallgrindError::Truncated { problem, .. }) => problem,
        other => panic!("expected a truncated file, got {other:?}"),
    }
}

#[test]
fn malformed_lines_are_errors_with_their_line_number() {
    let head = "events: Ir\nfl=a.c\nfn=f\n";
    assert_eq!(
        malformed(&format!("{head}16 x\n")),
        (4, Problem::BadNumber("x".into()))
    );
    assert_eq!(
        malformed(&format!("{head}1 2 3\n")).1,
        Problem::TooManyCosts {
            events: 1,
            found: 2
        }
    );
    assert_eq!(
        malformed(&format!("{head}garbage\n")),
        (4, Problem::UnknownLine)
    );
    assert_eq!(
        malformed(&format!("{head}fn=(9)\n")).1,
        Problem::UndefinedId {
            spec: "fn".into(),
            id: 9
        }
    );
    assert_eq!(
        malformed(&format!("{head}calls=1 2\n")).1,
        Problem::NoCallee
    );
    assert_eq!(
        malformed(&format!("{head}cfn=g\ncalls=1 2\nfn=g\n")),
        (6, Problem::CallWithoutCost)
    );
    assert_eq!(
        malformed(&format!("{head}1 1\n-5 1\n")).1,
        Problem::NegativePosition("-5".into())
    );
    assert_eq!(malformed("fn=\n"), (1, Problem::EmptyName("fn".into())));
    assert_eq!(malformed("fn=f\n1 2\n"), (2, Problem::NoEvents));
    assert_eq!(malformed("events: Ir\n1 2\n"), (2, Problem::NoFunction));
}

#[test]
fn header_problems() {
    assert_eq!(malformed("events: Dr Dw\n"), (1, Problem::NoIrEvent));
    assert_eq!(
        malformed("version: 2\n"),
        (1, Problem::UnsupportedVersion("2".into()))
    );
    assert_eq!(
        malformed("positions: instr addr\n").1,
        Problem::UnknownPosition("addr".into())
    );
    assert_eq!(
        malformed("events: Ir\nfn=f\n1 5\ntotals: 6\n"),
        (4, Problem::TotalsMismatch { totals: 6, sum: 5 })
    );
}

#[test]
fn truncated_files_are_errors() {
    let whole = "creator: callgrind-3.19.0\nevents: Ir\nfl=a.c\nfn=f\n1 5\ntotals: 5\n";
    assert!(parse(whole).is_ok());
    assert_eq!(truncated(&whole[..whole.len() - 1]), Problem::CutLine);
    let cut_before_totals = whole.replace("totals: 5\n", "");
    assert_eq!(truncated(&cut_before_totals), Problem::MissingTotals);
    assert_eq!(
        truncated("events: Ir\nfn=f\ncfn=g\ncalls=1 2\n"),
        Problem::CallWithoutCost
    );
    assert_eq!(truncated(""), Problem::NoHeader);
}

#[test]
fn errors_name_the_file_and_line() {
    let err = parse("events: Ir\nfn=f\n16 x\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "test.out:3: malformed callgrind line: `x` is not a number"
    );
    let missing = Profile::read_file(Path::new("/nonexistent/callgrind.out")).unwrap_err();
    assert!(
        missing.to_string().contains("/nonexistent/callgrind.out"),
        "{missing}"
    );
}

#[test]
fn merging_sums_costs_and_calls() {
    let one = "events: Ir\nfl=a.c\nfn=main\n1 5\ncfn=f\ncalls=1 9\n2 10\nfn=f\n9 10\n";
    let other = "events: Ir\nfl=a.c\nfn=f\n8 7\nfn=main\n3 1\ncfn=f\ncalls=2 8\n3 7\n";
    let mut p = ok(one);
    p.merge(ok(other));
    assert_eq!(costs(&p, "main"), (6, 23, Some(1)));
    assert_eq!(costs(&p, "f"), (17, 17, Some(8)));
    assert_eq!(call(&p, "main", "f"), (3, 17));
    assert_eq!(p.total(), 23);
}

#[test]
fn read_files_merges_the_files_of_a_run() {
    let dir = std::env::temp_dir().join(format!("callgrind-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (t1, t2) = (
        dir.join("callgrind.b.t1.out"),
        dir.join("callgrind.b.t2.out"),
    );
    std::fs::write(&t1, "events: Ir\nfn=main\n1 5\n").unwrap();
    std::fs::write(&t2, "events: Ir\nfn=worker\n1 7\n").unwrap();
    let p = Profile::read_files([&t1, &t2]).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(p.total(), 12);
    assert_eq!(costs(&p, "worker").0, 7);
}

/// `main` (std) -> `a` -> `b` -> `c` (user code in /ws), `c` costing `c_cost` itself and `c_calls`
/// in its calls, which `extra` (appended) has.
fn chain_calling(c_cost: u64, c_calls: u64, extra: &str) -> Profile {
    ok(&format!(
        "events: Ir
fl=/rustc/library/std/src/rt.rs
fn=main
1 1
cfn=a
calls=1 1
2 {a}
fl=/ws/src/lib.rs
fn=a
1 10
cfn=b
calls=1 5
2 {b}
fn=b
5 10
cfn=c
calls=1 9
6 {c}
fn=c
9 {c_cost}
{extra}",
        a = 20 + c_cost + c_calls,
        b = 10 + c_cost + c_calls,
        c = c_cost + c_calls,
    ))
}

/// `main` (std) -> `a` -> `b` -> `c` (user code in /ws), `c` costing `c_cost`; `extra` is appended.
fn chain(c_cost: u64, extra: &str) -> Profile {
    chain_calling(c_cost, 0, extra)
}

#[test]
fn the_culprit_is_the_function_doing_the_extra_work() {
    let (base, head) = (chain(100, ""), chain(200, ""));
    let user = |file: &str| file.starts_with("/ws/");
    let found = culprit(&base, &head, &user).unwrap();
    assert_eq!(&*found.name, "c");
    assert_eq!((found.own.before, found.own.after), (100, 200));
    assert_eq!(found.exclusive.delta(), 100);
    assert!((found.share_percent - 100.0).abs() < 1e-9);
    assert_eq!(
        (found.file.as_deref(), found.line),
        (Some("/ws/src/lib.rs"), Some(9))
    );
    // Faster: still c, a negative change.
    let faster = culprit(&head, &base, &user).unwrap();
    assert_eq!((&*faster.name, faster.own.delta()), ("c", -100));
    assert!(culprit(&base, &base, &user).is_none());
}

#[test]
fn library_code_counts_for_the_user_function_calling_it() {
    let memcpy = |cost: u64| {
        format!(
            "fn=c\ncfi=/rustc/library/core/src/ptr.rs\ncfn=memcpy\ncalls=1 1\n9 {cost}\n\
             fl=/rustc/library/core/src/ptr.rs\nfn=memcpy\n1 {cost}\n"
        )
    };
    // c's own 100 Ir stay; the memcpy it calls goes from 50 to 450 Ir.
    let (base, head) = (
        chain_calling(100, 50, &memcpy(50)),
        chain_calling(100, 450, &memcpy(450)),
    );
    let found = culprit(&base, &head, &|f: &str| f.starts_with("/ws/")).unwrap();
    assert_eq!(&*found.name, "c");
    assert_eq!(found.exclusive.delta(), 0);
    assert_eq!((found.own.before, found.own.after), (150, 550));
    assert!((found.share_percent - 100.0).abs() < 1e-9);
}

#[test]
fn diff_lists_changes_by_size_and_marks_appearing_and_vanishing_functions() {
    let base = chain(100, "fn=a\ncfn=old\ncalls=1 1\n3 7\nfn=old\n1 7\n");
    let head = chain(200, "fn=a\ncfn=new\ncalls=1 1\n3 30\nfn=new\n1 30\n");
    let changes = diff(&base, &head);
    let summary: Vec<(&str, Presence, i64, i64)> = changes
        .iter()
        .map(|c| {
            (
                &*c.name,
                c.presence,
                c.exclusive.delta(),
                c.inclusive.delta(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("c", Presence::Both, 100, 100),
            ("new", Presence::Appeared, 30, 30),
            ("old", Presence::Vanished, -7, -7),
            ("a", Presence::Both, 0, 123),
            ("b", Presence::Both, 0, 100),
            ("main", Presence::Both, 0, 100),
        ]
    );
    let new = changes.iter().find(|c| &*c.name == "new").unwrap();
    assert_eq!((new.exclusive.before, new.exclusive.after), (0, 30));
}

#[test]
fn folded_stacks_spread_costs_over_callers() {
    let p = ok("events: Ir
fn=main
1 2
cfn=shared
calls=1 1
1 30
cfn=other
calls=1 1
1 15
fn=other
1 5
cfn=shared
calls=1 1
1 10
fn=shared
1 40
cfn=main
calls=1 1
1 1
");
    // `shared` calls back into `main`: the cycle is cut, its call's cost stays with `shared`; the
    // 1 Ir of `shared` that no call accounts for roots a stack of its own.
    let text = folded(&p);
    assert_eq!(
        text,
        "main 2\nmain;other 5\nmain;other;shared 10\nmain;shared 29\nshared 1\n"
    );
    let sum: u64 = text
        .lines()
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum();
    assert_eq!(sum, p.total());
}

#[test]
fn a_thread_start_routine_roots_its_own_stacks() {
    // callgrind's call into a new thread carries none of the thread's cost.
    let p = ok("events: Ir
fn=main
1 5
cfn=clone3
calls=1 1
1 3
fn=clone3
1 3
cfn=start_thread
calls=1 1
1 0
fn=start_thread
1 100
");
    assert_eq!(folded(&p), "main 5\nmain;clone3 3\nstart_thread 100\n");
}

#[test]
fn differential_svg_is_well_formed_and_names_the_functions() {
    let (base, head) = (chain(100, ""), chain(200, ""));
    let mut svg = Vec::new();
    differential_svg(&base, &head, "bench <a & b>", &mut svg).unwrap();
    let text = String::from_utf8(svg).unwrap();
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut elements = 0;
    let mut names = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(_) | quick_xml::events::Event::Empty(_) => {
                elements += 1
            }
            quick_xml::events::Event::Text(t) => names.push(t.decode().unwrap().into_owned()),
            _ => {}
        }
    }
    assert!(elements > 10);
    for name in ["a", "b", "c", "main"] {
        let title = format!("{name} (");
        assert!(
            names.iter().any(|n| n.starts_with(&title)),
            "no frame for {name}"
        );
    }
    // c grew: its frame is red (inferno's differential colours are rgb(255,g,b) for growth).
    assert!(text.contains("rgb(255,"), "no red frame");
}
