//! `cargo lumen-arch init`: writes starter rules with toml_edit, keeping the file's existing formatting and
//! comments, and refusing to overwrite rules that are already there.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use camino::Utf8PathBuf;
use toml_edit::{DocumentMut, Item};

use crate::arch::cfg::{ArchConfig, NoCyclesRule};
use crate::arch::graph::{ArchGraph, EdgeFilter};
use crate::arch::patterns::PatternChecker;
use crate::arch::rules::compile;
use crate::config::CONFIG_FILE_NAME;
use crate::config::preset::Preset;
use crate::errors::{Error, Result};
use crate::report::DepKind;
use crate::workspace::Workspace;

/// Rule tables that count as "rules already there".
const RULE_KEYS: &[&str] = &[
    "forbid",
    "layers",
    "only-through",
    "module-layers",
    "require",
    "independent",
    "through",
    "no-cycles",
];

/// Writes starter rules: the preset's, or rules proposed from the current graph. Returns the file written.
pub fn init(ws: &Workspace, preset: Option<Preset>, out: &mut dyn Write) -> Result<Utf8PathBuf> {
    let manifest = ws.root.join("Cargo.toml");
    crate::config::owned::in_workspace(&ws.root, manifest.as_std_path()).map_err(|why| {
        Error::usage(
            format!(
                "not writing rules: {}",
                why.describe(manifest.as_std_path())
            ),
            None,
        )
    })?;
    let manifest_text = std::fs::read_to_string(&manifest)
        .map_err(|e| Error::io("could not read", &manifest, e))?;
    let in_manifest = manifest_text.parse::<DocumentMut>().ok().is_some_and(|d| {
        d.get("workspace")
            .and_then(|w| w.get("metadata"))
            .and_then(|m| m.get("lumen-gate"))
            .is_some()
    });
    let path = if in_manifest {
        manifest
    } else {
        ws.root.join(CONFIG_FILE_NAME)
    };
    // A symlink out of the workspace would have the user's other file (`~/.cargo/credentials.toml`)
    // quoted in a parse error and rewritten: refused before reading.
    if path.symlink_metadata().is_ok()
        && let Err(why) = crate::config::owned::in_workspace(&ws.root, path.as_std_path())
    {
        return Err(Error::usage(
            format!("not writing rules: {}", why.describe(path.as_std_path())),
            Some(format!(
                "make {CONFIG_FILE_NAME} a regular file of the workspace, or remove it to start again"
            )),
        ));
    }
    let existing = if path.is_file() {
        std::fs::read_to_string(&path).map_err(|e| Error::io("could not read", &path, e))?
    } else {
        String::new()
    };
    let mut doc: DocumentMut = existing.parse().map_err(|e: toml_edit::TomlError| {
        Error::usage(format!("{path} is not valid TOML: {e}"), None)
    })?;
    let rules_text = match preset {
        Some(p) => p.text().to_owned(),
        None => proposed_rules(ws),
    };
    let rules: DocumentMut = rules_text.parse().map_err(|e: toml_edit::TomlError| {
        Error::usage(format!("generated rules are not valid TOML: {e}"), None)
    })?;
    let Some(new_arch) = rules.get("arch").cloned() else {
        // cloned: the item moves into the user's document
        return Err(Error::usage("the starter rules have no [arch] table", None));
    };
    let parent = if in_manifest {
        doc["workspace"]["metadata"]["lumen-gate"]
            .as_table_like_mut()
            .ok_or_else(|| Error::usage("[workspace.metadata.lumen-gate] is not a table", None))?
    } else {
        doc.as_table_mut() as &mut dyn toml_edit::TableLike
    };
    if let Some(arch) = parent.get("arch").and_then(Item::as_table_like) {
        let present: Vec<&str> = RULE_KEYS
            .iter()
            .copied()
            .filter(|k| arch.contains_key(k))
            .collect();
        if !present.is_empty() {
            return Err(Error::usage(
                format!(
                    "{path} already has architecture rules ({}); not overwriting them",
                    present.join(", ")
                ),
                Some("edit the rules there, or remove them first to start again".to_owned()),
            ));
        }
    }
    parent.insert("arch", new_arch);
    // A preset's hot paths come along, unless the file already configures the lints.
    let lints = match rules.get("lints") {
        Some(lints) if !parent.contains_key("lints") => {
            parent.insert("lints", lints.clone()); // cloned: the item moves into the user's document
            " and hot paths"
        }
        _ => "",
    };
    std::fs::write(&path, doc.to_string()).map_err(|e| Error::io("could not write", &path, e))?;
    let subcommand = (preset == Some(Preset::Lumen)).then_some("run");
    writeln!(
        out,
        "wrote architecture rules{lints} to {path}\n\n{}",
        crate::bench::hot::how_to_measure(ws, subcommand)
    )
    .map_err(|e| Error::io("could not write", "stdout", e))?;
    Ok(path)
}

/// Rules that the current graph passes: layers inferred from the normal and build edges between members
/// (a crate sits one layer above the highest crate it depends on; only with two layers or more), no cycles
/// with today's dev-dependency cycles accepted by name, and new-coupling.
pub fn proposed_rules(ws: &Workspace) -> String {
    let graph = ArchGraph::new(ws);
    let filter = EdgeFilter::all(vec![DepKind::Normal, DepKind::Build]);
    let members = ws.members();
    let mut level: HashMap<String, usize> =
        members.iter().map(|m| (m.name().to_owned(), 0)).collect();
    // Longest-path levels by relaxation; bounded by the member count so a cycle cannot loop forever.
    for _ in 0..members.len() {
        let mut changed = false;
        for m in &members {
            for e in graph.edges(*m, &filter) {
                let to = e.link.to();
                if !to.in_workspace() || to.id() == m.id() {
                    continue;
                }
                let need = level.get(to.name()).copied().unwrap_or(0) + 1;
                let entry = level.entry(m.name().to_owned()).or_insert(0);
                if *entry < need {
                    *entry = need;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    // Highest level first: the top layer.
    let mut layers: BTreeMap<std::cmp::Reverse<usize>, Vec<&str>> = BTreeMap::new();
    for m in &members {
        let l = level.get(m.name()).copied().unwrap_or(0);
        layers
            .entry(std::cmp::Reverse(l))
            .or_default()
            .push(m.name());
    }
    let layer_lines: Vec<String> = layers
        .values()
        .map(|l| {
            let quoted: Vec<String> = l.iter().map(|n| format!("\"{n}\"")).collect();
            format!("  [{}],", quoted.join(", "))
        })
        .collect();
    let mut out = String::from(
        "# Proposed by `cargo lumen-arch init` from the current crate graph: every existing edge is allowed.\n",
    );
    // One layer has nothing to order (such a rule can never fire): a single crate, or crates that do not
    // depend on each other, get no layers rule.
    if layer_lines.len() >= 2 {
        out.push_str(&format!(
            "[[arch.layers]]\n\
             id = \"layers\"\n\
             why = \"keeps today's direction of every dependency between workspace crates\"\n\
             layers = [\n{}\n]\n\n",
            layer_lines.join("\n")
        ));
    }
    out.push_str("[arch.no-cycles]\n");
    let cycles = dev_cycles(&graph, &members);
    if !cycles.is_empty() {
        let entries: Vec<String> = cycles
            .iter()
            .map(|(from, to, walk)| {
                format!(
                    "  {{ from = \"{from}\", to = \"{to}\", why = \"there when init ran ({walk}): {from}'s tests build a second copy of {from}\" }},"
                )
            })
            .collect();
        out.push_str(&format!("allow = [\n{}\n]\n", entries.join("\n")));
    }
    out.push_str("\n[arch.new-coupling]\n");
    out
}

/// The dev-dependency cycles of the graph, by the edge that closes each: `(from, to, a -> b -> a)`.
fn dev_cycles<'g>(
    graph: &ArchGraph<'g>,
    members: &[guppy::graph::PackageMetadata<'g>],
) -> Vec<(String, String, String)> {
    let config = ArchConfig {
        no_cycles: Some(NoCyclesRule::default()),
        ..ArchConfig::default()
    };
    let rules = compile(&config, &mut PatternChecker::lenient());
    let (findings, _) = crate::arch::evaluate(graph, members, &rules, true);
    findings
        .iter()
        .filter(|f| f.crates.len() >= 2)
        .map(|f| {
            (
                f.crates[0].to_owned(),
                f.crates[1].to_owned(),
                f.crates.join(" -> "),
            )
        })
        .collect()
}
