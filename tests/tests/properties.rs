//! Property tests (issue 15, Fuzzing): the entry points the fuzz targets of `fuzz/` exercise (the lints on
//! arbitrary source, the configuration loader, the report merger, the benchmark runners' summary reader,
//! criterion's files), on generated input with a small budget so they run in CI. Any input may be refused
//! (the run would exit 2); none may panic, overflow the stack or hang. `scripts/fuzz.sh` runs the same entry
//! points for a fixed time with libFuzzer.

use std::sync::OnceLock;

use lumen_gate_core::fuzz::{Scratch, bench_summary, callgrind, review_of_reports};
use proptest::prelude::*;
use proptest::sample::select;

/// Cases per property: small, the fuzz script is where the hours go.
const CASES: u32 = 48;

/// The words of a libFuzzer dictionary (`"..."` per line, `\"`, `\\`, `\n` and `\x0a` escaped).
fn dictionary(text: &'static str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix('"')?.strip_suffix('"'))
        .map(|w| {
            w.replace("\\n", "\n")
                .replace("\\x0a", "\n")
                .replace("\\\"", "\"")
                .replace("\\\\", "\\")
        })
        .collect()
}

/// Text made of `words` and arbitrary characters, the way a fuzzer splices a dictionary into its inputs.
fn spliced(words: Vec<String>, len: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => select(words),
            1 => any::<char>().prop_map(String::from),
            1 => select(vec![" ", "\n", "{", "}", "(", ")", "[", "]", ";", ",", "\"", "#", "="])
                .prop_map(str::to_owned),
        ],
        0..len,
    )
    .prop_map(|parts| parts.concat())
}

/// The one-crate scratch workspace of the lints and config properties, loaded once per test binary.
fn scratch() -> &'static Scratch {
    static SCRATCH: OnceLock<(tempfile::TempDir, Scratch)> = OnceLock::new();
    let (_, scratch) = SCRATCH.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let scratch = Scratch::create(dir.path()).unwrap();
        (dir, scratch)
    });
    scratch
}

/// The lints and the config share the scratch crate's files: one property at a time.
fn scratch_turn() -> std::sync::MutexGuard<'static, ()> {
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    TURN.lock().unwrap_or_else(|e| e.into_inner())
}

/// `text` with the bytes in `cuts` removed and `insert` put at `at` (positions taken modulo its length, on
/// character boundaries): a damaged copy of a valid file.
fn damaged(text: &str, cut: (usize, usize), at: usize, insert: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len().max(1);
    let (a, b) = (cut.0 % n, cut.1 % n);
    let (a, b) = (a.min(b), a.max(b));
    let mut out: Vec<char> = chars[..a.min(chars.len())].to_vec();
    out.extend(&chars[b.min(chars.len())..]);
    let at = at % (out.len() + 1);
    let tail = out.split_off(at);
    out.extend(insert.chars());
    out.extend(tail);
    out.into_iter().collect()
}

const REPORTS: [&str; 3] = [
    include_str!("../../fuzz/seeds/reports/arch.json"),
    include_str!("../../fuzz/seeds/reports/bench.json"),
    include_str!("../../fuzz/seeds/reports/lints-and-arch.json"),
];

/// A small callgrind file with name compression, a call and relative positions.
const CALLGRIND: &str = "# callgrind format\nversion: 1\ncreator: lumen-gate properties\npositions: line\nevents: Ir\nfl=(1) src/lib.rs\nfn=(1) probe::a\n1 10\n+2 5\ncfn=(2) probe::b\ncalls=3 7\n7 60\nfn=(2)\n7 20\n-1 40\ntotals: 75\n";

const SUMMARIES: [&str; 2] = [
    include_str!("../../fuzz/seeds/bench_summary/v6.json"),
    include_str!("../../fuzz/seeds/bench_summary/v7.json"),
];

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    #[test]
    fn lints_never_panic_on_source_made_of_rust_words(
        text in spliced(dictionary(include_str!("../../fuzz/dict/lints.dict")), 200)
    ) {
        let _turn = scratch_turn();
        let _ = scratch().lint(&text);
    }

    #[test]
    fn lints_never_panic_on_arbitrary_text(text in any::<String>()) {
        let _turn = scratch_turn();
        let _ = scratch().lint(&text);
    }

    #[test]
    fn lints_report_deep_nesting_instead_of_overflowing(
        depth in 0usize..4000,
        open in select(vec!["(", "[", "{", "-", "!", "&", "*", "|| "]),
        in_fn in any::<bool>(),
    ) {
        let close = match open { "(" => ")", "[" => "]", "{" => "}", _ => "" };
        let expr = format!("{}0{}", open.repeat(depth), close.repeat(depth));
        let text = if in_fn {
            format!("pub fn f() {{ let _ = {expr}; }}\n")
        } else {
            format!("pub const X: () = {expr};\n")
        };
        let _turn = scratch_turn();
        let _ = scratch().lint(&text);
    }

    #[test]
    fn config_loader_never_panics(
        text in spliced(dictionary(include_str!("../../fuzz/dict/config.dict")), 60)
    ) {
        let _turn = scratch_turn();
        let _ = scratch().config(&text);
    }

    #[test]
    fn config_numbers_never_panic(
        key in select(vec![
            "[bench]\nir-regression-pct", "[bench]\nir-regression-abs", "[bench]\nfloor-ir",
            "[bench]\ntimeout-secs", "[bench.criterion]\nnoise-threshold-pct",
            "[[bench.overrides]]\nbenchmarks = \"*\"\nir-regression-pct",
        ]),
        value in select(vec![
            "nan", "inf", "-inf", "-1", "0", "1e308", "-0.0", "18446744073709551616", "9223372036854775807",
            "-9223372036854775808", "1.5", "\"5\"", "[]", "{}", "true",
        ]),
    ) {
        let _turn = scratch_turn();
        let _ = scratch().config(&format!("{key} = {value}\n"));
    }

    #[test]
    fn report_merger_never_panics_on_damaged_reports(
        picks in prop::collection::vec(0usize..3, 1..4),
        cut in (any::<usize>(), any::<usize>()),
        at in any::<usize>(),
        insert in select(vec![
            "", "null", "-1", "1e999", "\"\"", "{}", "[]", "\"\\u0000\"", "18446744073709551616", ",", "\"x\":",
        ]),
    ) {
        let mut texts: Vec<String> = picks.iter().map(|&i| REPORTS[i].to_owned()).collect();
        texts[0] = damaged(&texts[0], cut, at, insert);
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let _ = review_of_reports(&refs);
    }

    #[test]
    fn report_merger_never_panics_on_arbitrary_text(text in any::<String>()) {
        let _ = review_of_reports(&[&text]);
    }

    #[test]
    fn summary_reader_never_panics(
        pick in 0usize..2,
        cut in (any::<usize>(), any::<usize>()),
        at in any::<usize>(),
        insert in select(vec!["", "null", "-1", "1e999", "NaN", "\"\"", "{}", "[]", "18446744073709551616", ","]),
    ) {
        let home = tempfile::tempdir().unwrap();
        let _ = bench_summary(home.path(), &damaged(SUMMARIES[pick], cut, at, insert));
    }

    #[test]
    fn callgrind_reader_never_panics_on_damaged_profiles(
        cut in (any::<usize>(), any::<usize>()),
        at in any::<usize>(),
        insert in select(vec!["", "fn=(1)", "cfn=(9)", "calls=", "calls=1 -5", "+3 7", "-99999999999999999999 1", "*", "fl=(", "positions: instr line", "events: Ir Dr", "\n", "0x1F 3"]),
    ) {
        let _ = callgrind(damaged(CALLGRIND, cut, at, insert).as_bytes());
    }

    #[test]
    fn callgrind_reader_never_panics_on_arbitrary_bytes(data in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = callgrind(&data);
    }

    #[test]
    fn criterion_reader_never_panics(
        benchmark in any::<String>(),
        numbers in prop::collection::vec(any::<f64>(), 4),
        with_base in any::<bool>(),
    ) {
        let estimates = |x: f64| {
            format!(
                "{{\"mean\":{{\"point_estimate\":{x},\"standard_error\":{x},\"confidence_interval\":\
                 {{\"confidence_level\":0.95,\"lower_bound\":{x},\"upper_bound\":{x}}}}}}}"
            )
        };
        let new = estimates(numbers[0]);
        let base = estimates(numbers[1]);
        let change = estimates(numbers[2] - numbers[3]);
        let _turn = scratch_turn();
        let _ = scratch().criterion(&benchmark, &new, with_base.then_some((&*base, &*change)));
    }
}

/// The seeds are what the fuzz script starts from: each is a valid input, so the properties above damage
/// something real.
#[test]
fn the_fuzz_seeds_are_accepted() {
    assert_eq!(callgrind(CALLGRIND.as_bytes()), Ok(2));
    for report in REPORTS {
        review_of_reports(&[report]).unwrap();
    }
    let home = tempfile::tempdir().unwrap();
    for summary in SUMMARIES {
        let read = bench_summary(home.path(), summary).unwrap();
        assert_eq!(read.len(), 1, "{summary}");
    }
    let _turn = scratch_turn();
    scratch().lint("pub fn f() -> u8 { 1 }\n").unwrap();
    // The lints do run on the scratch crate: a file nested too deep is reported, not skipped.
    let deep = format!(
        "pub const X: u8 = {}0{};\n",
        "(".repeat(3000),
        ")".repeat(3000)
    );
    let report = scratch().lint(&deep).unwrap();
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule_id == "unreadable-file"),
        "{:?}",
        report.findings
    );
    scratch()
        .config("[lints]\nhot-paths = [\"src/**\"]\n")
        .unwrap();
    // The pathological shapes the fuzz target starts from (long chains, deep nesting) parse and scan:
    // nothing in them is unreadable.
    for (name, seed) in LINT_SEEDS {
        let report = scratch().lint(seed).unwrap();
        assert!(
            report
                .findings
                .iter()
                .all(|f| f.rule_id != "unreadable-file"),
            "{name}: {:?}",
            report.findings
        );
    }
}

const LINT_SEEDS: [(&str, &str); 6] = [
    (
        "method-chain",
        include_str!("../../fuzz/seeds/lints/method-chain.rs"),
    ),
    (
        "unwrap-chain",
        include_str!("../../fuzz/seeds/lints/unwrap-chain.rs"),
    ),
    (
        "binary-chain",
        include_str!("../../fuzz/seeds/lints/binary-chain.rs"),
    ),
    (
        "nested-types",
        include_str!("../../fuzz/seeds/lints/nested-types.rs"),
    ),
    (
        "nested-calls",
        include_str!("../../fuzz/seeds/lints/nested-calls.rs"),
    ),
    (
        "field-try-index",
        include_str!("../../fuzz/seeds/lints/field-try-index.rs"),
    ),
];

proptest! {
    // Few cases: each is a file of up to 20,000 links (a quadratic scan would take minutes on one).
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn lints_scan_long_chains_of_every_shape(
        len in 0usize..20_000,
        link in select(vec![".m()", ".unwrap()", " + a", "?", "[0]", ".0", ".f", " as u8", ".await"]),
    ) {
        let text = format!("pub fn f() {{ let _ = a{}; }}\n", link.repeat(len));
        let _turn = scratch_turn();
        let _ = scratch().lint(&text);
    }
}
