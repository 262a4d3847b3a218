//! Golden tests of the review formats on reports with every kind of problem, and on a clean one.

use crate::gate::cfg::GateConfig;
use crate::gate::review::{self, Review};
use crate::gate::verdict::{Verdict, VerdictConfig};
use crate::render::{github, markdown, sarif};
use crate::report::identity;
use crate::report::*;

fn finding(
    rule: &str,
    kind: &str,
    category: Category,
    severity: Severity,
    file: &str,
    line: u32,
) -> Finding {
    Finding {
        rule_id: rule.into(),
        kind: kind.into(),
        category,
        severity,
        message: format!("{rule} violated"),
        why: None,
        help: Some(format!("fix {rule}")),
        impact: Some(format!("impact of {rule}")),
        location: Some(Location {
            file: file.into(),
            line,
            column: 5,
            length: 3,
        }),
        package: Some("pkg".into()),
        crates: vec![],
        paths: vec![],
        benchmark: None,
        code: None,
        baseline: Baseline::New,
        cost: None,
        rank: None,
    }
}

fn base() -> Option<BaseRevision> {
    Some(BaseRevision {
        rev: "main".into(),
        commit: "0123456789abcdef0123456789abcdef01234567".into(),
    })
}

fn arch_report() -> Report {
    let mut r = Report::new(Tool::Arch, "/ws");
    r.base = base();
    r.rules_checked.push(RuleChecked {
        id: "compiler-not-vm".into(),
        kind: "arch::forbid".into(),
        description: "lumen-compiler must not depend on lumen-vm".into(),
        checks: vec![],
    });
    r.findings.push(finding(
        "compiler-not-vm",
        "arch::forbid",
        Category::Architecture,
        Severity::Critical,
        "compiler/Cargo.toml",
        9,
    ));
    r.findings.push(finding(
        "new-coupling",
        "arch::new-coupling",
        Category::Architecture,
        Severity::Warning,
        "cli/Cargo.toml",
        12,
    ));
    r
}

fn lints_report() -> Report {
    let mut r = Report::new(Tool::Lints, "/ws");
    r.base = base();
    for (id, checks) in [
        ("no-unwrap", vec![]),
        ("format-in-loop", vec![ChecklistItem::FormatInLoops]),
    ] {
        r.rules_checked.push(RuleChecked {
            id: id.into(),
            kind: format!("lints::{id}"),
            description: format!("checks {id}"),
            checks,
        });
    }
    r.findings.push(finding(
        "no-unwrap",
        "lints::no-unwrap",
        Category::CodeQuality,
        Severity::Critical,
        "vm/src/lib.rs",
        40,
    ));
    let mut old = finding(
        "no-unwrap",
        "lints::no-unwrap",
        Category::CodeQuality,
        Severity::Critical,
        "vm/src/old.rs",
        3,
    );
    old.baseline = Baseline::PreExisting;
    r.findings.push(old);
    r.findings.push(finding(
        "format-in-loop",
        "lints::format-in-loop",
        Category::Performance,
        Severity::Warning,
        "vm/src/lib.rs",
        52,
    ));
    r
}

fn bench_report() -> Report {
    let mut r = Report::new(Tool::Bench, "/ws");
    r.base = base();
    let result = |name: &str, before: f64, after: f64, status| BenchmarkResult {
        name: name.into(),
        package: "vm".into(),
        target: "dispatch".into(),
        runner: "gungraun".into(),
        metric: "Ir".into(),
        primary: MetricChange {
            before: Some(before),
            after,
            change_pct: Some((after - before) / before * 100.0),
        },
        other_metrics: Default::default(),
        wall_clock: None,
        status,
        attribution: None,
        flamegraph: None,
        floor: None,
    };
    r.benchmarks.push(result(
        "vm/dispatch/loop_1000",
        100_000.0,
        103_700.0,
        BenchStatus::Regressed,
    ));
    r.benchmarks.push(result(
        "vm/dispatch/call",
        50_000.0,
        45_000.0,
        BenchStatus::Improved,
    ));
    let mut f = finding(
        "ir-regression",
        "bench::regression",
        Category::Benchmark,
        Severity::Critical,
        "vm/benches/dispatch.rs",
        1,
    );
    f.message = "vm/dispatch/loop_1000 regressed beyond the 1.00% limit".into();
    f.benchmark = Some("vm/dispatch/loop_1000".into());
    f.impact = Some("+3,700 Ir (+3.70%)".into());
    r.findings.push(f);
    r
}

fn review_of(reports: Vec<Report>, policy: &VerdictConfig) -> Review {
    let cfg = GateConfig {
        verdict: policy.to_owned(),
        ..GateConfig::default()
    };
    let named = reports
        .into_iter()
        .enumerate()
        .map(|(i, r)| (format!("report{i}"), r))
        .collect();
    let (merged, tools) = review::merge(named).unwrap();
    review::decide(merged, tools, &cfg)
}

fn failing() -> Review {
    review_of(
        vec![arch_report(), lints_report(), bench_report(), arch_report()],
        &VerdictConfig::default(),
    )
}

#[test]
fn markdown_of_a_failing_review() {
    let r = failing();
    assert_eq!(r.verdict, Verdict::ChangesRequested);
    insta::assert_snapshot!(markdown::review(&r).unwrap());
}

#[test]
fn markdown_uses_the_spec_headings_in_order() {
    let text = markdown::review(&failing()).unwrap();
    let headings: Vec<&str> = text.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(
        headings,
        [
            "## Performance Review",
            "### Summary",
            "### Issues Found",
            "### Benchmarks Run",
            "### Architecture Compliance",
            "### Verdict"
        ]
    );
    assert!(text.contains(
        "| Benchmark | Before | After | Change |\n|-----------|--------|-------|--------|\n"
    ));
    let item = regex_like_issue_line(&text);
    assert!(
        item,
        "issue lines must read `N. **[SEV]** description -- file:line -- impact`\n{text}"
    );
}

fn regex_like_issue_line(text: &str) -> bool {
    let section = text
        .split("### Issues Found\n")
        .nth(1)
        .and_then(|s| s.split("\n\n").next())
        .unwrap_or_default();
    !section.is_empty()
        && section.lines().enumerate().all(|(i, line)| {
            let prefix = format!("{}. **[", i + 1);
            line.starts_with(&prefix) && line.matches(" -- ").count() >= 2
        })
}

#[test]
fn duplicates_are_merged_and_ranked_by_severity_then_impact() {
    let r = failing();
    // arch_report was given twice: its findings appear once.
    assert_eq!(
        r.issues
            .iter()
            .filter(|f| f.rule_id == "compiler-not-vm")
            .count(),
        1
    );
    let order: Vec<&str> = r.issues.iter().map(|f| f.rule_id.as_str()).collect();
    assert_eq!(
        order,
        [
            "ir-regression",
            "compiler-not-vm",
            "no-unwrap",
            "new-coupling",
            "format-in-loop"
        ]
    );
    assert_eq!(r.pre_existing.len(), 1);
}

#[test]
fn clean_review_is_approved() {
    let mut a = arch_report();
    a.findings.clear();
    let mut g = lints_report();
    g.findings.clear();
    let r = review_of(vec![a, g], &VerdictConfig::default());
    assert_eq!(r.verdict, Verdict::Approved);
    assert_eq!(r.verdict.exit_code(), 0);
    insta::assert_snapshot!(markdown::review(&r).unwrap());
}

#[test]
fn merge_rejects_other_format_versions_and_bases() {
    let mut old = lints_report();
    old.format_version = 0;
    assert!(review::merge(vec![("old.json".into(), old)]).is_err());
    let mut other = lints_report();
    other.base = Some(BaseRevision {
        rev: "x".into(),
        commit: "f".repeat(40),
    });
    assert!(review::merge(vec![("a".into(), lints_report()), ("b".into(), other)]).is_err());
}

#[test]
fn github_annotations() {
    let mut out = Vec::new();
    github::write_annotations(&failing(), &mut out).unwrap();
    insta::assert_snapshot!(String::from_utf8(out).unwrap());
}

#[test]
fn sarif_validates_against_the_2_1_0_schema() {
    let schema: serde_json::Value = serde_json::from_str(include_str!(
        "../../../tests/schemas/sarif-schema-2.1.0.json"
    ))
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for r in [failing(), review_of(vec![], &VerdictConfig::default())] {
        let log = sarif::log(&r);
        let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "SARIF invalid: {errors:#?}\n{log:#}");
    }
    let mut log = sarif::log(&failing());
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 6);
    // The validator does reject a broken log.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&broken));
    log["runs"][0]["tool"]["driver"]["version"] = "[VERSION]".into();
    insta::assert_json_snapshot!(log);
}

/// A bench report whose `vm::dispatch::loop` family went from O(n) at the base to O(n^2) at HEAD.
fn complexity_report() -> Report {
    use crate::report::complexity::*;
    let mut r = bench_report();
    let fit = |class: &str, rms: f64| ComplexityFit {
        points: vec![SizePoint { n: 16, ir: 100.0 }],
        class: Some(class.into()),
        rms_pct: Some(rms),
        classes: vec![],
    };
    r.complexity.push(ComplexityFamily {
        family: "vm::dispatch::loop".into(),
        package: "vm".into(),
        location: None,
        claimed: Some("O(n)".into()),
        claim_source: Some(ClaimSource::Config),
        head: fit("O(n^2)", 0.66),
        base: Some(fit("O(n)", 0.0)),
        plot: None,
    });
    let mut f = finding(
        "complexity-growth",
        COMPLEXITY_KIND,
        Category::Benchmark,
        Severity::Critical,
        "vm/benches/dispatch.rs",
        30,
    );
    f.message = "vm::dispatch::loop: O(n) at base, O(n^2) at HEAD".into();
    r.findings.push(f);
    r.rules_checked.push(RuleChecked {
        id: "complexity-growth".into(),
        kind: COMPLEXITY_KIND.into(),
        description: "classes must not grow".into(),
        checks: vec![ChecklistItem::Quadratic],
    });
    r
}

/// The bench report with the loop's regression attributed, a flamegraph written for it.
fn attributed_bench_report() -> Report {
    use crate::report::bench::{Attribution, Culprit, FunctionChange, IrPair, Presence};
    let mut r = bench_report();
    let at = |file: &str, line| {
        Some(Location {
            file: file.into(),
            line,
            column: 1,
            length: 0,
        })
    };
    let b = &mut r.benchmarks[0];
    b.attribution = Some(Attribution {
        culprit: Some(Culprit {
            function: "vm::dispatch::step".into(),
            location: at("vm/src/dispatch.rs", 40),
            own: IrPair {
                before: 90_000,
                after: 93_690,
            },
            share_pct: 99.7,
        }),
        functions: vec![
            FunctionChange {
                function: "vm::dispatch::step".into(),
                location: at("vm/src/dispatch.rs", 40),
                presence: Presence::Both,
                exclusive: IrPair {
                    before: 90_000,
                    after: 93_690,
                },
                inclusive: IrPair {
                    before: 95_000,
                    after: 98_690,
                },
            },
            FunctionChange {
                function: "<vm::Op as core::fmt::Debug>::fmt|x".into(),
                location: None,
                presence: Presence::Vanished,
                exclusive: IrPair {
                    before: 10,
                    after: 0,
                },
                inclusive: IrPair {
                    before: 10,
                    after: 0,
                },
            },
        ],
        line_info: true,
        note: None,
    });
    b.flamegraph = Some("target/lumen-gate/ws-1/profiles/vm-loop.svg".into());
    r
}

#[test]
fn complexity_families_are_a_table_rank_first_and_answer_the_quadratic_item() {
    let mut lints = lints_report();
    lints.rules_checked.push(RuleChecked {
        id: "quadratic".into(),
        kind: "lints::quadratic".into(),
        description: "checks quadratic".into(),
        checks: vec![ChecklistItem::Quadratic],
    });
    let quadratic_line = |r: &Review| {
        r.performance
            .iter()
            .find(|l| l.text == ChecklistItem::Quadratic.text())
            .unwrap()
            .to_owned()
    };
    let without = review_of(
        vec![lints.to_owned(), bench_report()],
        &VerdictConfig::default(),
    );
    assert_eq!(quadratic_line(&without).checked_by, ["quadratic"]);
    assert!(!markdown::review(&without).unwrap().contains("Complexity:"));

    let r = review_of(vec![lints, complexity_report()], &VerdictConfig::default());
    let line = quadratic_line(&r);
    assert_eq!(
        line.checked_by,
        ["complexity-growth"],
        "measured, not the source rule"
    );
    assert_eq!(line.state, crate::gate::checklist::CheckState::Failed(1));
    assert_eq!(
        r.issues[0].rule_id, "complexity-growth",
        "above the per-size regression"
    );
    let text = markdown::review(&r).unwrap();
    assert!(
        text.contains(
            "Complexity:\n\n| Family | Claimed | Base | HEAD | RMS |\n|--------|---------|------|------|-----|\n\
             | vm::dispatch::loop | O(n) | O(n) | O(n^2) | 0.7% |\n"
        ),
        "{text}"
    );
    assert!(text.contains(
        "- [ ] No quadratic algorithms on user-controlled input sizes (1 found by complexity-growth)"
    ));
}

#[test]
fn a_changed_benchmarks_attribution_is_collapsed_under_its_row() {
    let r = review_of(vec![attributed_bench_report()], &VerdictConfig::default());
    let text = markdown::review(&r).unwrap();
    let rows: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("| vm/dispatch/loop_1000 |"))
        .take(2)
        .collect();
    assert_eq!(
        rows[1],
        "| <details><summary>where: +3,690 Ir in `vm::dispatch::step` (vm/src/dispatch.rs:40), 99.7% of the change</summary>\
         `vm::dispatch::step (vm/src/dispatch.rs:40)`: 95,000 Ir -&gt; 98,690 Ir (self +3,690, incl. +3,690)<br>\
         `gone: <vm::Op as core::fmt::Debug>::fmt\\|x`: 10 Ir -&gt; - (self -10, incl. -10)<br>\
         flamegraph: `target/lumen-gate/ws-1/profiles/vm-loop.svg`</details> | | | |",
        "{text}"
    );
    let terminal = markdown::review_for(&r, markdown::Flavor::Terminal).unwrap();
    assert!(
        terminal.contains("|   where: +3,690 Ir in `vm::dispatch::step` (vm/src/dispatch.rs:40), 99.7% of the change | | | |\n|   flamegraph: target/lumen-gate/ws-1/profiles/vm-loop.svg | | | |\n"),
        "{terminal}"
    );
}

/// What a pull request controls, made hostile: line breaks into workflow commands, terminal escapes,
/// table pipes, an HTML comment, a mention, a link, bidi overrides.
const HOSTILE: &str = "x\n::error file=a.rs,line=1::forged\r\n\x1b[31mred|cell|<!-- hidden @octocat [l](https://e.x) \u{202E}";

/// A review whose every name comes from [`HOSTILE`]: files, rules, messages, benchmarks, notes,
/// problems, baseline growth.
fn hostile_review() -> Review {
    let mut lints = lints_report();
    for f in &mut lints.findings {
        f.message = format!("`{HOSTILE}` {HOSTILE}");
        if let Some(l) = &mut f.location {
            l.file = format!("src/{HOSTILE}.rs");
        }
        f.help = Some(HOSTILE.into());
        f.code = Some(CodeMatch {
            item: HOSTILE.into(),
            text: HOSTILE.into(),
        });
    }
    lints.problems.push(Problem {
        location: None,
        message: HOSTILE.into(),
    });
    lints.notes.push(HOSTILE.into());
    lints.baseline_growth.push(identity::BaselineGrowth {
        key: identity::Key {
            kind: "lints::no-unwrap".into(),
            rule: HOSTILE.into(),
            file: Some(HOSTILE.into()),
            item: Some(HOSTILE.into()),
            code: Some(HOSTILE.into()),
            edge: vec![HOSTILE.into()],
        },
        line: Some(3),
    });
    let mut bench = bench_report();
    for b in &mut bench.benchmarks {
        b.name = format!("{}{HOSTILE}", b.name);
        b.flamegraph = Some(HOSTILE.into());
    }
    for f in &mut bench.findings {
        f.message = HOSTILE.into();
        f.benchmark = f.benchmark.as_ref().map(|n| format!("{n}{HOSTILE}"));
    }
    let mut review = review_of(vec![lints, bench], &VerdictConfig::default());
    review.judge_baseline_growth(false);
    review
}

/// Checks one output against the promises: no line that GitHub would read as a workflow command but the
/// tool's own, no raw control character, and for markdown no HTML comment, no split table cell, no link
/// and no bare mention.
fn assert_defused(name: &str, text: &str, own_commands: bool, markdown: bool) {
    for line in text.lines() {
        if line.trim_start().starts_with("::") {
            assert!(
                own_commands
                    && ["::error ", "::warning ", "::notice "]
                        .iter()
                        .any(|p| line.starts_with(p)),
                "{name}: a forged workflow command: {line:?}"
            );
        }
        // JSON and SARIF are data: serde escapes control characters, and a bidi override is text there.
        let data = matches!(name, "Json" | "Sarif");
        assert!(
            !line
                .chars()
                .any(|c| c.is_control() || (!data && ('\u{202A}'..='\u{202E}').contains(&c))),
            "{name}: a raw control character: {line:?}"
        );
        if markdown {
            let outside: String = line
                .split('`')
                .enumerate()
                .filter(|(i, _)| i % 2 == 0)
                .map(|(_, s)| s)
                .collect();
            assert!(
                !outside.contains("<!--"),
                "{name}: an HTML comment: {line:?}"
            );
            assert!(
                !outside.replace("\\]", "").contains("]("),
                "{name}: a link: {line:?}"
            );
            let bare_mention = line
                .char_indices()
                .any(|(i, c)| c == '@' && line[i + 1..].starts_with(|n: char| n.is_alphanumeric()));
            assert!(!bare_mention, "{name}: a bare mention: {line:?}");
            if line.starts_with('|') {
                let cells = line.replace("\\|", "").matches('|').count();
                assert!(
                    cells == 5 || cells == 6,
                    "{name}: a table row split: {line:?}"
                );
            }
        }
    }
}

#[test]
fn hostile_names_are_defused_in_every_format() {
    use crate::output::{Format, Verbosity};
    use crate::render::human::HumanStyle;
    let review = hostile_review();
    let style = HumanStyle {
        color: false,
        width: 100,
    };
    for format in [
        Format::Human,
        Format::Markdown,
        Format::Json,
        Format::Github,
        Format::Sarif,
    ] {
        for verbosity in [Verbosity::Normal, Verbosity::Verbose] {
            let mut out = Vec::new();
            crate::render::review::write_review(&review, format, style, verbosity, &mut out)
                .unwrap();
            let text = String::from_utf8(out).unwrap();
            assert!(text.contains("forged"), "{format:?}: the text is shown");
            assert_defused(
                &format!("{format:?}"),
                &text,
                format == Format::Github,
                format == Format::Markdown,
            );
        }
    }
    // `cargo lumen-bench`'s table, as markdown and on a terminal.
    let bench = hostile_review().report;
    for markdown in [true, false] {
        let text = crate::render::bench::table(&bench, Verbosity::Verbose, markdown);
        assert_defused("bench table", &text, false, markdown);
        for row in text.lines().filter(|l| l.starts_with('|')) {
            let cells = row.replace("\\|", "").matches('|').count();
            assert!(
                cells == 5 || cells == 4 || cells == 3,
                "a table row split: {row:?}"
            );
        }
    }
    // Diagnostics and progress lines on stderr.
    let diag = crate::render::human::FindingDiagnostic::new(
        &review.issues[0],
        camino::Utf8Path::new("/nonexistent"),
    );
    let rendered = crate::render::human::render_diagnostic(&diag, style);
    assert_defused(
        "stderr",
        &crate::render::escape::stderr(&rendered, false),
        false,
        false,
    );
}

#[test]
fn many_unexplained_clones_are_listed_five_and_counted_per_crate_and_file() {
    let mut r = Report::new(Tool::Lints, "/ws");
    for (file, line) in [("a.rs", 1), ("a.rs", 2), ("a.rs", 3), ("b.rs", 4)]
        .into_iter()
        .chain((10..16).map(|l| ("c.rs", l)))
    {
        r.findings.push(finding(
            "clone-justified",
            "lints::clone-justified",
            Category::CodeQuality,
            Severity::Critical,
            file,
            line,
        ));
    }
    r.findings.push(finding(
        "no-unwrap",
        "lints::no-unwrap",
        Category::CodeQuality,
        Severity::Critical,
        "z.rs",
        1,
    ));
    let review = review_of(vec![r], &VerdictConfig::default());
    let text = markdown::review(&review).unwrap();
    let listed = text
        .lines()
        .filter(|l| l.contains("[clone-justified]"))
        .count();
    assert_eq!(listed, 5, "{text}");
    assert!(
        text.contains("... and 5 more `.clone()` without a comment") && text.contains("c.rs (5)"),
        "{text}"
    );
    // The unwrap ranks before every unexplained clone.
    let unwrap_at = text.find("[no-unwrap]").unwrap();
    assert!(
        unwrap_at < text.find("[clone-justified]").unwrap(),
        "{text}"
    );
    assert_eq!(review.blocking.len(), 11, "summarised clones still block");
}
