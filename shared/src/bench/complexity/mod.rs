//! Complexity claims checked with instruction counts.
//!
//! A benchmark family is one benchmark run at several input sizes `n`: the benchmarks a
//! `[[bench.complexity]]` glob matches ([`cfg`]), or those of a benchmark function whose doc comment says
//! `/// Complexity: O(..)` (`expect` wins when both are written). Each revision's `Ir(n)` is fitted to every
//! class by least squares ([`fit`]) and the best class chosen; a family with fewer than 4 sizes, or sizes
//! spanning less than 16x, is too small to judge. A measured class above the claim is CRITICAL at the
//! benchmark function; with `--base`, a class that grows is one CRITICAL finding ranked above the per-size
//! regressions it explains; a failing family gets a log-log plot (SVG) in the state directory's `profiles/`.

pub mod cfg;
mod class;
mod extrapolate;
mod fit;
mod plot;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::bench::complexity::cfg::{FamilySpec, Size};
use crate::bench::complexity::class::{Class, claim_from_doc};
use crate::bench::complexity::fit::{Fit, FitResult};
use crate::errors::{Error, Result};
use crate::report::complexity::{
    COMPLEXITY_KIND, ClaimSource, ClassFit, ComplexityFamily, ComplexityFit, SizePoint,
};
use crate::report::{
    Baseline, Category, ChecklistItem, Finding, Location, MetricChange, Problem, Report,
    RuleChecked, Severity,
};

/// The complexity rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RuleId {
    /// The measured class is above the claimed one.
    Claim,
    /// The class grew between the base and HEAD.
    Growth,
    /// A family without a claim: its measured class.
    Class,
    /// Too few sizes, or too close together, to judge.
    TooSmall,
}

impl RuleId {
    fn as_str(self) -> &'static str {
        match self {
            RuleId::Claim => "complexity-claim",
            RuleId::Growth => "complexity-growth",
            RuleId::Class => "complexity-class",
            RuleId::TooSmall => "complexity-too-small",
        }
    }
}

/// One benchmark's measurement, as the run read it.
#[derive(Clone, Debug)]
pub struct Sample {
    /// `module::path.id`.
    pub name: String,
    /// The package of its bench target.
    pub package: String,
    /// The bench target's source file, relative to the workspace root.
    pub file: Option<String>,
    /// Its arguments as the runner wrote them: `(4096)`.
    pub args: Option<String>,
    /// Its instruction count: HEAD's, and the base's with `--base`.
    pub ir: MetricChange,
    /// A command benchmark's `[[bench.command]]` entry (its sizes make it a family of its own); `None` for a
    /// bench target's benchmark.
    pub declared_at: Option<Location>,
}

/// A family gathered from the samples.
struct Family<'s> {
    name: String,
    package: String,
    /// The benchmark function: its module path (`algo::families::sort`).
    function: String,
    file: Option<String>,
    members: Vec<(&'s Sample, u64)>,
    expect: Option<Class>,
}

/// A doc comment's claim, or why it names no class.
type Claim = std::result::Result<Class, String>;

/// A function in its source file: where it is, the claim its doc comment makes, what it calls.
struct FnSource {
    location: Location,
    claim: Option<Claim>,
    calls: Vec<String>,
}

/// Where the family files go, and what the families are.
pub struct Families<'a> {
    /// The workspace root (bench files are relative to it).
    pub root: &'a Path,
    /// Where plots go: the state directory's `profiles/`.
    pub profiles: &'a Path,
    /// The `[[bench.complexity]]` entries.
    pub specs: &'a [FamilySpec],
    /// A base revision was compared.
    pub with_base: bool,
}

impl Families<'_> {
    /// Fits every family among `samples` and adds the fits, findings, problems and plots to `report`.
    pub fn check(&self, samples: &[Sample], report: &mut Report) -> Result<()> {
        let mut sources = Sources::new(self.root);
        let families = self.gather(samples, &mut sources, report);
        let mut judged = false;
        for family in families {
            // A command benchmark has no bench file: its family is where its config entry is.
            let benchmarked = family
                .file
                .as_deref()
                .and_then(|file| sources.benchmarked(file, &family.function));
            let at = benchmarked
                .as_ref()
                .map(|b| b.location.to_owned())
                .or_else(|| family.members.first()?.0.declared_at.to_owned());
            let doc = benchmarked.and_then(|b| b.claim);
            let (claim, location) = match (family.expect, doc) {
                (Some(class), _) => (Some((class, ClaimSource::Config)), at),
                (None, Some((at, Ok(class)))) => (Some((class, ClaimSource::DocComment)), Some(at)),
                (None, Some((at, Err(bad)))) => {
                    report.problems.push(Problem {
                        location: Some(at.to_owned()),
                        message: format!("{}: {bad}", family.name),
                    });
                    (None, Some(at))
                }
                (None, None) => (None, at),
            };
            let checked = match self.check_family(&family, claim, location, report) {
                Ok(checked) => checked,
                Err(reason) => {
                    report.problems.push(Problem {
                        location: None,
                        message: format!("{}: cannot fit: {reason}", family.name),
                    });
                    continue;
                }
            };
            judged |= checked;
        }
        if judged {
            let mut rules = vec![(
                RuleId::Claim,
                "a benchmark family's measured complexity class must not exceed its claim",
            )];
            if self.with_base {
                rules.push((
                    RuleId::Growth,
                    "a benchmark family's complexity class must not grow from the base",
                ));
            }
            for (rule, description) in rules {
                report.rules_checked.push(RuleChecked {
                    id: rule.as_str().to_owned(),
                    kind: COMPLEXITY_KIND.to_owned(),
                    description: description.to_owned(),
                    checks: vec![ChecklistItem::Quadratic],
                });
            }
        }
        report.complexity.sort_by(|a, b| a.family.cmp(&b.family));
        Ok(())
    }

    /// The families: each `[[bench.complexity]]` entry's benchmarks (a benchmark belongs to the first entry
    /// that matches it), then each other benchmark function whose doc comment claims a class.
    fn gather<'s>(
        &self,
        samples: &'s [Sample],
        sources: &mut Sources,
        report: &mut Report,
    ) -> Vec<Family<'s>> {
        let mut taken: BTreeSet<&str> = BTreeSet::new();
        let mut families = Vec::new();
        for spec in self.specs {
            let matched: Vec<&Sample> = samples
                .iter()
                .filter(|s| !taken.contains(s.name.as_str()) && spec.matcher.is_match(&s.name))
                .collect();
            if matched.is_empty() {
                report.problems.push(Problem {
                    location: None,
                    message: format!(
                        "[[bench.complexity]] `{}` matched no benchmark that ran",
                        spec.glob
                    ),
                });
                continue;
            }
            taken.extend(matched.iter().map(|s| s.name.as_str()));
            let functions: BTreeSet<&str> = matched.iter().map(|s| function_of(&s.name)).collect();
            let name = match functions.iter().next() {
                Some(only) if functions.len() == 1 => (*only).to_owned(),
                _ => spec.glob.to_owned(),
            };
            families.extend(family(name, &matched, &spec.size, spec.expect, report));
        }
        let mut by_function: BTreeMap<&str, Vec<&Sample>> = BTreeMap::new();
        for s in samples.iter().filter(|s| !taken.contains(s.name.as_str())) {
            by_function.entry(function_of(&s.name)).or_default().push(s);
        }
        for (function, members) in by_function {
            let file = members[0].file.as_deref().unwrap_or_default();
            // A command benchmark with sizes is a family without a claim too.
            if members[0].declared_at.is_some()
                || sources
                    .benchmarked(file, function)
                    .is_some_and(|b| b.claim.is_some())
            {
                families.extend(family(
                    function.to_owned(),
                    &members,
                    &Size::Arg,
                    None,
                    report,
                ));
            }
        }
        families
    }

    /// Fits one family at HEAD (and the base) and reports it; false when HEAD was too small to judge.
    fn check_family(
        &self,
        family: &Family<'_>,
        claim: Option<(Class, ClaimSource)>,
        location: Option<Location>,
        report: &mut Report,
    ) -> std::result::Result<bool, String> {
        let head_points: Vec<(f64, f64)> = family
            .members
            .iter()
            .map(|(s, n)| (*n as f64, s.ir.after))
            .collect();
        let base_points: Vec<(f64, f64)> = family
            .members
            .iter()
            .filter_map(|(s, n)| Some((*n as f64, s.ir.before?)))
            .collect();
        let head = fit::fit(&head_points).map_err(|e| e.to_string())?;
        let base = if base_points.is_empty() {
            None
        } else {
            Some(fit::fit(&base_points).map_err(|e| e.to_string())?)
        };
        let judged = |r: &FitResult| match r {
            FitResult::Judged(f) => Some(f.as_ref().to_owned()),
            FitResult::TooSmall(_) => None,
        };
        let (head_fit, base_fit) = (judged(&head), base.as_ref().and_then(judged));
        let mut out = Outcome {
            family,
            location: location.to_owned(),
            findings: Vec::new(),
        };
        let claimed = claim.map(|(c, _)| c);
        match (&head, &head_fit) {
            (FitResult::TooSmall(small), _) => out.push(
                RuleId::TooSmall,
                Severity::Info,
                Baseline::New,
                format!("{}: {small}", family.name),
                "run the benchmark at 4 or more sizes spanning at least 16x (e.g. 16, 64, 256, 1024)",
            ),
            (_, Some(h)) => {
                let grew = base_fit.as_ref().filter(|b| h.class > b.class);
                let over_claim = claimed.filter(|c| h.class > *c);
                if let Some(b) = grew {
                    let largest = head_points.iter().map(|p| p.0).fold(0.0, f64::max);
                    let at = extrapolate::extrapolate(b.chosen(), h.chosen(), (largest * 1000.0).max(1e6));
                    let claim_note = claimed
                        .map(|c| format!(" (claimed {})", c.label()))
                        .unwrap_or_default();
                    out.push(
                        RuleId::Growth,
                        Severity::Critical,
                        Baseline::New,
                        format!("{}: {at}{claim_note}", family.name),
                        "the sizes the benchmark uses hide what a large input will do: find the new inner loop",
                    );
                } else if let Some(c) = over_claim {
                    let base_over = base_fit.as_ref().is_some_and(|b| b.class > c);
                    out.push(
                        RuleId::Claim,
                        Severity::Critical,
                        if base_over {
                            Baseline::PreExisting
                        } else {
                            Baseline::New
                        },
                        format!(
                            "{}: claimed {}, measures {}: {}, RMS {}",
                            family.name,
                            c.label(),
                            h.class.label(),
                            growth_text(&head_points),
                            rms_text(h)
                        ),
                        "the code does more work per element than claimed: find the inner loop, or correct the claim",
                    );
                } else if claimed.is_none() {
                    out.push(
                        RuleId::Class,
                        Severity::Info,
                        Baseline::New,
                        format!(
                            "{} measures {}: {}, RMS {}",
                            family.name,
                            h.class.label(),
                            growth_text(&head_points),
                            rms_text(h)
                        ),
                        "claim it with `expect` in [[bench.complexity]] or `/// Complexity: O(..)` to have it checked",
                    );
                }
            }
            (FitResult::Judged(_), None) => {}
        }
        let fails = out
            .findings
            .iter()
            .any(|f| f.severity == Severity::Critical);
        let mut entry = ComplexityFamily {
            family: family.name.to_owned(),
            package: family.package.to_owned(),
            location,
            claimed: claimed.map(|c| c.label().to_owned()),
            claim_source: claim.map(|(_, s)| s),
            head: to_report(&head_points, head_fit.as_ref()),
            base: base
                .is_some()
                .then(|| to_report(&base_points, base_fit.as_ref())),
            plot: None,
        };
        if fails {
            let path = self
                .profiles
                .join(format!("{}.complexity.svg", file_name(&family.name)));
            let base_series = (!base_points.is_empty()).then(|| plot::Series {
                points: &base_points,
                fit: base_fit.as_ref().map(Fit::chosen),
            });
            let head_series = plot::Series {
                points: &head_points,
                fit: head_fit.as_ref().map(Fit::chosen),
            };
            match plot::plot_svg(&family.name, base_series.as_ref(), Some(&head_series)) {
                Ok(svg) => {
                    write_plot(&path, &svg).map_err(|e| e.to_string())?;
                    entry.plot = Some(path.display().to_string());
                }
                Err(e) => report.problems.push(Problem {
                    location: None,
                    message: format!("{}: no plot: {e}", family.name),
                }),
            }
        }
        for f in &mut out.findings {
            if let (Some(plot), Some(impact)) = (&entry.plot, &mut f.impact) {
                impact.push_str(&format!("; plot: {plot}"));
            }
        }
        report.findings.append(&mut out.findings);
        report.complexity.push(entry);
        Ok(head_fit.is_some())
    }
}

/// The findings of one family.
struct Outcome<'f, 's> {
    family: &'f Family<'s>,
    location: Option<Location>,
    findings: Vec<Finding>,
}

impl Outcome<'_, '_> {
    fn push(
        &mut self,
        rule: RuleId,
        severity: Severity,
        baseline: Baseline,
        message: String,
        help: &str,
    ) {
        let sizes: Vec<String> = self
            .family
            .members
            .iter()
            .map(|(_, n)| n.to_string())
            .collect();
        self.findings.push(Finding {
            rule_id: rule.as_str().to_owned(),
            kind: COMPLEXITY_KIND.to_owned(),
            category: Category::Benchmark,
            severity,
            message,
            why: None,
            help: Some(help.to_owned()),
            impact: Some(format!(
                "measured at n = {} ({} benchmarks)",
                sizes.join(", "),
                sizes.len()
            )),
            location: self.location.to_owned(),
            package: Some(self.family.package.to_owned()),
            crates: Vec::new(),
            paths: Vec::new(),
            benchmark: None,
            code: None,
            baseline,
            cost: None,
            rank: None,
        });
    }
}

/// A family of `members` with each one's size; a member without one is a problem, left out.
fn family<'s>(
    name: String,
    members: &[&'s Sample],
    size: &Size,
    expect: Option<Class>,
    report: &mut Report,
) -> Option<Family<'s>> {
    let mut sized = Vec::new();
    for s in members {
        let n = match size {
            Size::Arg => s.args.as_deref().and_then(single_integer),
            Size::Ids(ids) => s
                .name
                .split_once('.')
                .and_then(|(_, id)| ids.get(id).copied()),
        };
        match n {
            Some(n) if n >= 1 => sized.push((*s, n)),
            _ => report.problems.push(Problem {
                location: None,
                message: format!(
                    "{name}: benchmark `{}` has no size: {}",
                    s.name,
                    match size {
                        Size::Arg => format!(
                            "its arguments `{}` are not one integer of at least 1 (give `size = {{ id = n }}` in [[bench.complexity]])",
                            s.args.as_deref().unwrap_or("")
                        ),
                        Size::Ids(_) => "its id is not in the `size` table".to_owned(),
                    }
                ),
            }),
        }
    }
    sized.sort_by_key(|(_, n)| *n);
    let first = sized.first()?.0;
    Some(Family {
        function: function_of(&first.name).to_owned(),
        package: first.package.to_owned(),
        file: first.file.to_owned(),
        name,
        members: sized,
        expect,
    })
}

/// The one integer argument: `(4096)`, `4096`, or a setup function's `(algo :: shuffled(4096))`.
fn single_integer(args: &str) -> Option<u64> {
    // The innermost parentheses: the benchmark's own, or its setup function's.
    let close = args.find(')').unwrap_or(args.len());
    let open = args[..close].rfind('(').map_or(0, |i| i + 1);
    args[open..close].trim().replace('_', "").parse().ok()
}

/// The benchmark function's module path of a benchmark name: `algo::families::sort.n_0` -> `algo::families::sort`.
fn function_of(name: &str) -> &str {
    name.split_once('.').map_or(name, |(f, _)| f)
}

fn to_report(points: &[(f64, f64)], fit: Option<&Fit>) -> ComplexityFit {
    let mut points: Vec<SizePoint> = points
        .iter()
        .map(|&(n, ir)| SizePoint { n: n as u64, ir })
        .collect();
    points.sort_by_key(|p| p.n);
    ComplexityFit {
        points,
        class: fit.map(|f| f.class.label().to_owned()),
        rms_pct: fit.map(|f| f.chosen().rms * 100.0),
        classes: fit
            .map(|f| {
                f.fits
                    .iter()
                    .map(|c| ClassFit {
                        class: c.class.label().to_owned(),
                        coefficient: c.coef,
                        intercept: c.intercept,
                        rms_pct: c.rms * 100.0,
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// `16 -> 1,024 grows 4,096x`.
fn growth_text(points: &[(f64, f64)]) -> String {
    extrapolate::growth(points).map_or_else(String::new, |g| g.to_string())
}

/// `0.4%`.
fn rms_text(fit: &Fit) -> String {
    format!("{:.1}%", fit.chosen().rms * 100.0)
}

/// A family name as a file name: `algo::families::sort` -> `algo-families-sort`.
fn file_name(family: &str) -> String {
    let mut out = String::with_capacity(family.len());
    for c in family.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

fn write_plot(path: &Path, svg: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io("could not create", dir, e))?;
    }
    std::fs::write(path, svg).map_err(|e| Error::io("could not write", path, e))
}

/// Source files, parsed once: benchmark functions and the functions they call.
struct Sources<'a> {
    root: &'a Path,
    /// By file (relative to the root), then by function name.
    files: BTreeMap<PathBuf, BTreeMap<String, FnSource>>,
}

impl<'a> Sources<'a> {
    fn new(root: &'a Path) -> Sources<'a> {
        Sources {
            root,
            files: BTreeMap::new(),
        }
    }

    /// The fns of one file.
    fn file(&mut self, rel: &Path) -> &BTreeMap<String, FnSource> {
        self.files
            .entry(rel.to_owned())
            .or_insert_with(|| read_fns(&self.root.join(rel), rel))
    }

    /// The benchmarked function of the benchmark function `module_path` (its last segment is the name) in
    /// the bench `file`: the first function it calls that its package's `src/` defines (else the benchmark
    /// function itself), and the first such callee whose doc comment has a `Complexity:` line, with its claim.
    fn benchmarked(&mut self, file: &str, module_path: &str) -> Option<Benchmarked> {
        let name = module_path.rsplit("::").next()?;
        let bench_fn = self.file(Path::new(file)).get(name)?;
        let (bench_at, calls) = (bench_fn.location.to_owned(), bench_fn.calls.to_owned());
        let root = self.root;
        let package_src = Path::new(file)
            .ancestors()
            .find(|dir| root.join(dir).join("Cargo.toml").is_file())
            .map(|dir| dir.join("src"));
        let mut sources: Vec<PathBuf> = package_src
            .and_then(|src| crate::bench::files::tree(&root.join(src)).ok())
            .unwrap_or_default()
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .filter_map(|p| p.strip_prefix(root).ok().map(Path::to_path_buf))
            .collect();
        sources.sort();
        let mut found = Benchmarked {
            location: bench_at,
            callee: false,
            claim: None,
        };
        for call in &calls {
            for rel in &sources {
                let Some(f) = self.file(rel).get(call) else {
                    continue;
                };
                if !found.callee {
                    found.callee = true;
                    found.location = f.location.to_owned();
                }
                if let Some(claim) = &f.claim {
                    found.claim = Some((f.location.to_owned(), claim.to_owned()));
                    return Some(found);
                }
            }
        }
        Some(found)
    }
}

/// What a benchmark function benchmarks.
struct Benchmarked {
    /// The benchmarked function's place: its first callee in the package's `src/`, else its own.
    location: Location,
    /// `location` is a callee's.
    callee: bool,
    /// The first callee that claims a class, and its claim.
    claim: Option<(Location, Claim)>,
}

/// Every fn of a file (top level, in inline modules and impl blocks) by name: its place, the functions it
/// calls, and its doc comment's claim. A file that cannot be read or parsed has none (the runner built it).
fn read_fns(path: &Path, rel: &Path) -> BTreeMap<String, FnSource> {
    let mut out = BTreeMap::new();
    let Ok(text) = std::fs::read_to_string(path) else {
        return out;
    };
    let Ok(parsed) = syn::parse_file(&text) else {
        return out;
    };
    let rel = rel.to_string_lossy().replace('\\', "/");
    collect_fns(&parsed.items, &rel, &mut out);
    out
}

fn collect_fns(items: &[syn::Item], rel: &str, out: &mut BTreeMap<String, FnSource>) {
    let add = |out: &mut BTreeMap<String, FnSource>,
               sig: &syn::Signature,
               attrs: &[syn::Attribute],
               block: &syn::Block| {
        let start = sig.fn_token.span.start();
        let mut calls = Calls(Vec::new());
        syn::visit::Visit::visit_block(&mut calls, block);
        out.entry(sig.ident.to_string()).or_insert(FnSource {
            location: Location {
                file: rel.to_owned(),
                line: start.line as u32,
                column: start.column as u32 + 1,
                length: 0,
            },
            claim: doc_claim(attrs),
            calls: calls.0,
        });
    };
    for item in items {
        match item {
            syn::Item::Fn(f) => add(out, &f.sig, &f.attrs, &f.block),
            syn::Item::Impl(i) => {
                for it in &i.items {
                    if let syn::ImplItem::Fn(f) = it {
                        add(out, &f.sig, &f.attrs, &f.block);
                    }
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    collect_fns(items, rel, out);
                }
            }
            _ => {}
        }
    }
}

/// The last segments of the paths a block calls (`algo::sort(..)` -> `sort`) and the methods it calls, in
/// order.
struct Calls(Vec<String>);

impl<'ast> syn::visit::Visit<'ast> for Calls {
    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(p) = call.func.as_ref()
            && let Some(last) = p.path.segments.last()
        {
            self.0.push(last.ident.to_string());
        }
        syn::visit::visit_expr_call(self, call);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        self.0.push(call.method.to_string());
        syn::visit::visit_expr_method_call(self, call);
    }
}

/// The first `Complexity:` line of a doc comment.
fn doc_claim(attrs: &[syn::Attribute]) -> Option<Claim> {
    attrs.iter().find_map(|a| {
        let syn::Meta::NameValue(nv) = &a.meta else {
            return None;
        };
        if !nv.path.is_ident("doc") {
            return None;
        }
        let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) = &nv.value
        else {
            return None;
        };
        claim_from_doc(&format!("///{}", s.value())).map(|r| r.map_err(|e| e.to_string()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_from_arguments() {
        assert_eq!(single_integer("(4096)"), Some(4096));
        assert_eq!(single_integer(" ( 1_024 ) "), Some(1024));
        assert_eq!(single_integer("16"), Some(16));
        assert_eq!(single_integer("(algo :: shuffled(64))"), Some(64));
        assert_eq!(single_integer("(7, 50)"), None);
        assert_eq!(single_integer("(vec![1])"), None);
    }

    #[test]
    fn names() {
        assert_eq!(
            function_of("algo::families::sort.n_0"),
            "algo::families::sort"
        );
        assert_eq!(function_of("algo::families::sort"), "algo::families::sort");
        assert_eq!(file_name("algo::families::sort"), "algo-families-sort");
        assert_eq!(file_name("algo::*::sort.*"), "algo-sort");
    }

    #[test]
    fn doc_claims_of_benchmark_functions() {
        let file: syn::File = syn::parse_quote! {
            /// Sums.
            ///
            /// Complexity: O(n)
            fn linear(n: u64) -> u64 { algo::sum_to(black_box(n)).min(n) }
            /// Complexity: O(2^n)
            fn bad() {}
            fn none() {}
        };
        let mut fns = BTreeMap::new();
        collect_fns(&file.items, "b.rs", &mut fns);
        assert!(matches!(fns["linear"].claim, Some(Ok(Class::Linear))));
        assert!(matches!(fns["bad"].claim, Some(Err(_))));
        assert!(fns["none"].claim.is_none());
        assert_eq!(fns["linear"].calls, ["min", "sum_to", "black_box"]);
    }
}
