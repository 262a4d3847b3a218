//! `[arch]` configuration: one array of tables per rule kind.
//!
//! ```toml
//! [[arch.forbid]]
//! id = "compiler-not-vm"
//! why = "the compiler is the frontend, the VM the backend"
//! from = "lumen-compiler"
//! to = "lumen-vm"
//! transitive = true            # default false: direct edges only
//! kinds = ["normal", "build"]  # default: all three (normal, build, dev)
//! include-optional = true      # default true: optional (feature-gated) edges count
//! features = "default"         # default "all": which build of each checked crate is judged
//! allow = [{ from = "lumen-compiler", to = "lumen-vm", why = "until the IR moves" }]
//! severity = "critical"        # default critical
//! ```
//!
//! Crate names accept globs (`lumen-provider-*`). Every name or glob must match a package of the graph.

use serde::Deserialize;
use toml::Spanned;

use crate::report::{DepKind, Severity};

/// A configuration file seen only for its `[arch]` section (a preset, read by the architecture rules).
#[derive(Debug, Default, Deserialize)]
pub struct ArchSection {
    /// `[arch]`.
    #[serde(default)]
    pub arch: ArchConfig,
}

/// `[arch]`: the architecture rules.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ArchConfig {
    /// `[[arch.forbid]]`: A must not depend on B.
    #[serde(default)]
    pub forbid: Vec<ForbidRule>,
    /// `[[arch.layers]]`: a lower layer must not depend on a higher one.
    #[serde(default)]
    pub layers: Vec<LayersRule>,
    /// `[[arch.only-through]]`: A may use B only through given modules.
    #[serde(default)]
    pub only_through: Vec<OnlyThroughRule>,
    /// `[[arch.module-layers]]`: layers between the top-level modules of one crate.
    #[serde(default)]
    pub module_layers: Vec<ModuleLayersRule>,
    /// `[[arch.require]]`: crates must depend on B (and implement a trait of B).
    #[serde(default)]
    pub require: Vec<RequireRule>,
    /// `[[arch.independent]]`: crates of a set must not depend on each other.
    #[serde(default)]
    pub independent: Vec<IndependentRule>,
    /// `[[arch.through]]`: every dependency path from A to B passes through one of some crates.
    #[serde(default)]
    pub through: Vec<ThroughRule>,
    /// `[arch.no-cycles]`: no cycles between workspace crates, dev-dependencies included.
    #[serde(default)]
    pub no_cycles: Option<NoCyclesRule>,
    /// `[arch.new-coupling]`: with `--base`, report internal edges HEAD has and the base did not.
    #[serde(default)]
    pub new_coupling: Option<NewCouplingRule>,
    /// `[arch] features`: which build every rule without its own `features` judges (default "all").
    #[serde(default)]
    pub features: Option<Spanned<Features>>,
}

/// Which build of a checked crate a rule judges: the dependency edges cargo really builds for it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Features {
    /// `"all"`: every feature of every crate, the union `cargo metadata --all-features` reports.
    #[default]
    All,
    /// `"default"`: the crate built with its default features (`cargo build -p crate`).
    Default,
    /// `["f1", ...]`: its default features and these (`cargo build -p crate --features f1,..`).
    Named(Vec<String>),
}

impl<'de> Deserialize<'de> for Features {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Word(String),
            List(Vec<String>),
        }
        match Raw::deserialize(d)? {
            Raw::Word(w) if w == "all" => Ok(Features::All),
            Raw::Word(w) if w == "default" => Ok(Features::Default),
            Raw::Word(w) => Err(serde::de::Error::custom(format!(
                "unknown features `{w}`: expected \"all\", \"default\" or a list of feature names"
            ))),
            Raw::List(names) => Ok(Features::Named(names)),
        }
    }
}

/// An accepted edge of a rule: findings from `from` to `to` are not reported; one that matches nothing any
/// more is itself a finding (a stale exception).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Exception {
    /// The depending crate (name or glob).
    pub from: Spanned<String>,
    /// The crate depended on (name or glob).
    pub to: Spanned<String>,
    /// Why the edge is accepted (required).
    pub why: String,
}

/// `[[arch.forbid]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ForbidRule {
    /// Rule id.
    pub id: Spanned<String>,
    /// Why the rule exists.
    pub why: String,
    /// The depending crates (name or glob).
    pub from: Spanned<String>,
    /// The forbidden dependencies (name or glob).
    pub to: Spanned<String>,
    /// Also forbid indirect dependencies.
    #[serde(default)]
    pub transitive: bool,
    /// Edge kinds that count (default: all).
    #[serde(default = "all_kinds")]
    pub kinds: Vec<DepKind>,
    /// Whether optional (feature-gated) edges count.
    #[serde(default = "yes")]
    pub include_optional: bool,
    /// Which build of each `from` crate is judged (default: `[arch] features`, else "all").
    #[serde(default)]
    pub features: Option<Spanned<Features>>,
    /// Accepted edges.
    #[serde(default)]
    pub allow: Vec<Spanned<Exception>>,
    /// Severity of a violation.
    #[serde(default = "critical")]
    pub severity: Severity,
}

/// `[[arch.layers]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LayersRule {
    /// Rule id.
    pub id: Spanned<String>,
    /// Why the rule exists.
    pub why: String,
    /// Layers from the top (may depend on everything below) to the bottom; each a list of names or globs.
    pub layers: Vec<Vec<Spanned<String>>>,
    /// Edge kinds that count (default: normal and build).
    #[serde(default = "build_kinds")]
    pub kinds: Vec<DepKind>,
    /// Every workspace member must be in a layer: an unplaced member is a finding.
    #[serde(default)]
    pub exhaustive: bool,
    /// Which build of each checked crate is judged (default: `[arch] features`, else "all").
    #[serde(default)]
    pub features: Option<Spanned<Features>>,
    /// Accepted edges.
    #[serde(default)]
    pub allow: Vec<Spanned<Exception>>,
    /// Severity of a violation.
    #[serde(default = "critical")]
    pub severity: Severity,
}

/// `[[arch.through]]`.
///
/// ```toml
/// [[arch.through]]
/// id = "cli-through-runtime"
/// why = "the CLI drives the VM only through the runtime"
/// from = "lumen-cli"
/// to = "lumen-vm"
/// via = ["lumen-runtime"]
/// kinds = ["normal", "build"]  # default: all three; a dev edge counts only as a path's first hop
/// include-optional = true      # default true: optional (feature-gated) edges count
/// ```
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ThroughRule {
    /// Rule id.
    pub id: Spanned<String>,
    /// Why the rule exists.
    pub why: String,
    /// The depending crates (name or glob).
    pub from: Spanned<String>,
    /// The dependencies every path to which must go through `via` (name or glob).
    pub to: Spanned<String>,
    /// The crates (names or globs) every path from `from` to `to` must pass through.
    pub via: Vec<Spanned<String>>,
    /// Edge kinds that count (default: all).
    #[serde(default = "all_kinds")]
    pub kinds: Vec<DepKind>,
    /// Whether optional (feature-gated) edges count.
    #[serde(default = "yes")]
    pub include_optional: bool,
    /// Which build of each `from` crate is judged (default: `[arch] features`, else "all").
    #[serde(default)]
    pub features: Option<Spanned<Features>>,
    /// Accepted edges.
    #[serde(default)]
    pub allow: Vec<Spanned<Exception>>,
    /// Severity of a violation.
    #[serde(default = "critical")]
    pub severity: Severity,
}

/// `[[arch.only-through]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct OnlyThroughRule {
    /// Rule id.
    pub id: Spanned<String>,
    /// Why the rule exists.
    pub why: String,
    /// The using crates (name or glob).
    pub from: Spanned<String>,
    /// The used crate (a workspace member).
    pub to: Spanned<String>,
    /// The allowed module paths, written with the crate name (`lumen_compiler::lir`).
    pub modules: Vec<Spanned<String>>,
    /// Also check test code (`#[cfg(test)]` items and integration tests).
    #[serde(default)]
    pub include_tests: bool,
    /// Accepted uses: `from` a crate (module, for module-layers) `to` a path (glob) it uses.
    #[serde(default)]
    pub allow: Vec<Spanned<Exception>>,
    /// Severity of a violation.
    #[serde(default = "critical")]
    pub severity: Severity,
}

/// `[[arch.module-layers]]`.
///
/// ```toml
/// [[arch.module-layers]]
/// id = "core-layers"
/// why = "each layer imports only the layers below it"
/// crate = "lumen-gate-core"
/// layers = [["commands"], ["render"], ["gate"], ["arch", "bench", "lints"], ["errors", "config"]]
/// independent = true     # default false: modules of one layer must not use each other
/// include-tests = false  # default false: #[cfg(test)] code and #[test] fns are not checked
/// ```
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ModuleLayersRule {
    /// Rule id.
    pub id: Spanned<String>,
    /// Why the rule exists.
    pub why: String,
    /// The crate whose library is checked (a workspace member).
    #[serde(rename = "crate")]
    pub crate_name: Spanned<String>,
    /// Layers from the top (may use everything below) to the bottom; each a list of top-level module names
    /// or globs.
    pub layers: Vec<Vec<Spanned<String>>>,
    /// Modules of one layer must not use each other either.
    #[serde(default)]
    pub independent: bool,
    /// Also check test code (`#[cfg(test)]` items and modules, `#[test]` fns).
    #[serde(default)]
    pub include_tests: bool,
    /// Accepted uses: `from` a crate (module, for module-layers) `to` a path (glob) it uses.
    #[serde(default)]
    pub allow: Vec<Spanned<Exception>>,
    /// Severity of a violation.
    #[serde(default = "critical")]
    pub severity: Severity,
}

/// `[[arch.require]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RequireRule {
    /// Rule id.
    pub id: Spanned<String>,
    /// Why the rule exists.
    pub why: String,
    /// The crates the requirement applies to (name or glob).
    pub crates: Spanned<String>,
    /// The crate they must depend on (normal dependency).
    pub depends_on: Spanned<String>,
    /// A trait of `depends-on` they must implement (`impl Trait for ...` in their library code).
    #[serde(default)]
    pub implements: Option<Spanned<String>>,
    /// Severity of a violation.
    #[serde(default = "critical")]
    pub severity: Severity,
}

/// `[[arch.independent]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct IndependentRule {
    /// Rule id.
    pub id: Spanned<String>,
    /// Why the rule exists.
    pub why: String,
    /// The crates (names or globs) that must not depend on each other, directly or not.
    pub crates: Vec<Spanned<String>>,
    /// Edge kinds that count (default: normal and build).
    #[serde(default = "build_kinds")]
    pub kinds: Vec<DepKind>,
    /// Which build of each checked crate is judged (default: `[arch] features`, else "all").
    #[serde(default)]
    pub features: Option<Spanned<Features>>,
    /// Accepted edges.
    #[serde(default)]
    pub allow: Vec<Spanned<Exception>>,
    /// Severity of a violation.
    #[serde(default = "critical")]
    pub severity: Severity,
}

/// `[arch.no-cycles]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct NoCyclesRule {
    /// Rule id.
    #[serde(default = "no_cycles_id")]
    pub id: Spanned<String>,
    /// Why the rule exists.
    #[serde(default = "no_cycles_why")]
    pub why: String,
    /// Kinds of the edge that closes a cycle that count (default: all three). A dev edge closes a cycle
    /// when the crate it leaves is reached back by normal and build edges: cargo builds it, a normal or
    /// build edge never does (cargo refuses such a cycle).
    #[serde(default = "all_kinds")]
    pub kinds: Vec<DepKind>,
    /// Accepted cycles, by the edge that closes them (`from` its dependent, `to` its dependency).
    #[serde(default)]
    pub allow: Vec<Spanned<Exception>>,
    /// Severity of a violation.
    #[serde(default = "critical")]
    pub severity: Severity,
}

/// `[arch.new-coupling]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct NewCouplingRule {
    /// Rule id.
    #[serde(default = "new_coupling_id")]
    pub id: Spanned<String>,
    /// Why the rule exists.
    #[serde(default = "new_coupling_why")]
    pub why: String,
    /// Severity of a new edge (default warning).
    #[serde(default = "warning")]
    pub severity: Severity,
    /// Edge kinds that count (default: all).
    #[serde(default = "all_kinds")]
    pub kinds: Vec<DepKind>,
    /// Which build of each member is judged (default: `[arch] features`, else "all").
    #[serde(default)]
    pub features: Option<Spanned<Features>>,
}

impl Default for NoCyclesRule {
    fn default() -> Self {
        NoCyclesRule {
            id: no_cycles_id(),
            why: no_cycles_why(),
            kinds: all_kinds(),
            allow: Vec::new(),
            severity: Severity::Critical,
        }
    }
}

impl Default for NewCouplingRule {
    fn default() -> Self {
        NewCouplingRule {
            id: new_coupling_id(),
            why: new_coupling_why(),
            severity: Severity::Warning,
            kinds: all_kinds(),
            features: None,
        }
    }
}

fn yes() -> bool {
    true
}
fn critical() -> Severity {
    Severity::Critical
}
fn warning() -> Severity {
    Severity::Warning
}
fn all_kinds() -> Vec<DepKind> {
    vec![DepKind::Normal, DepKind::Build, DepKind::Dev]
}
fn build_kinds() -> Vec<DepKind> {
    vec![DepKind::Normal, DepKind::Build]
}
fn no_cycles_id() -> Spanned<String> {
    Spanned::new(0..0, "no-cycles".to_owned())
}
fn no_cycles_why() -> String {
    "a crate whose tests depend on a crate that depends on it is built twice, and the two copies' types do not match".to_owned()
}
fn new_coupling_id() -> Spanned<String> {
    Spanned::new(0..0, "new-coupling".to_owned())
}
fn new_coupling_why() -> String {
    "every new dependency between workspace crates is coupling the review must see".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::preset::Preset;

    #[test]
    fn lumen_preset_parses() {
        let (config, _) = Preset::Lumen.parse::<ArchSection>().unwrap();
        assert_eq!(config.arch.forbid.len(), 4);
        assert_eq!(config.arch.require.len(), 3);
        assert_eq!(config.arch.only_through.len(), 1);
        assert!(config.arch.no_cycles.is_some());
    }
}
