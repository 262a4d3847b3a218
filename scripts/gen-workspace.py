#!/usr/bin/env python3
"""Generates a synthetic cargo workspace for speed benchmarks.

usage: gen-workspace.py N DIR
       gen-workspace.py --lumen LINES DIR [--violations]

N crates named `crate-0000`..., in 10 layers; each depends (by path) on up to 3 crates of lower layers, and
has a lib.rs of about 60 lines with a module, loops, clones and a few unwraps, so both the architecture rules
and the source scanner have real work.

--lumen: a Lumen-shaped workspace of 14 crates for `--preset lumen` (lumen-compiler, lumen-runtime, lumen-vm,
lumen-cli, lumen-provider-00..09) whose source crates (the ones only-through and the trait-impl rule read:
lumen-vm and the providers) hold LINES lines of Rust in module trees of ~200-line files, with inline test
modules. Only a few files of lumen-vm name lumen_compiler, and one file per provider names ToolDispatcher,
as in a real workspace. With --violations, lumen-vm uses lumen_compiler::parser in 5 files, one provider has
no ToolDispatcher impl, and another depends on lumen-cli.

Writes Cargo.lock with `cargo generate-lockfile --offline`.
"""
import os
import random
import subprocess
import sys


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "--lumen":
        extra = sys.argv[4:]
        if extra not in ([], ["--violations"]):
            sys.exit(__doc__)
        lumen(int(sys.argv[2]), sys.argv[3], bool(extra))
        return
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    n, root = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(42)
    layers = 10
    names = [f"crate-{i:04}" for i in range(n)]
    layer_of = {name: i * layers // n for i, name in enumerate(names)}
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "Cargo.toml"), "w") as f:
        f.write('[workspace]\nresolver = "2"\nmembers = [\n')
        f.writelines(f'  "crates/{name}",\n' for name in names)
        f.write("]\n")
    for i, name in enumerate(names):
        lower = [m for m in names[:i] if layer_of[m] < layer_of[name]]
        deps = sorted(rng.sample(lower, min(3, len(lower))))
        d = os.path.join(root, "crates", name, "src")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(root, "crates", name, "Cargo.toml"), "w") as f:
            f.write(f'[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\npublish = false\n\n')
            f.write("[dependencies]\n")
            f.writelines(f'{dep} = {{ path = "../{dep}" }}\n' for dep in deps)
        ident = name.replace("-", "_")
        with open(os.path.join(d, "lib.rs"), "w") as f:
            f.write(f"//! Generated crate {name}.\npub mod util;\n\n")
            for dep in deps:
                f.write(f"pub use {dep.replace('-', '_')} as dep_{dep.replace('-', '_')};\n")
            f.write(
                f"""
/// Sums the lengths of the items.
pub fn total_{ident}(items: &[String]) -> usize {{
    let mut total = 0;
    for item in items {{
        let copy = item.clone();
        total += copy.len();
    }}
    total
}}

/// Parses a number.
pub fn parse_{ident}(s: &str) -> u64 {{
    s.trim().parse().unwrap()
}}

/// Builds labels.
pub fn labels_{ident}(n: usize) -> Vec<String> {{
    let mut out = Vec::new();
    for i in 0..n {{
        out.push(format!("label-{{i}}"));
    }}
    out
}}
"""
            )
        with open(os.path.join(d, "util.rs"), "w") as f:
            f.write(
                """//! Helpers.

/// Finds duplicates, quadratically.
pub fn duplicates(v: &[u32]) -> Vec<u32> {
    let mut seen = Vec::new();
    let mut dups = Vec::new();
    for x in v {
        if seen.contains(x) {
            dups.push(*x);
        }
        seen.push(*x);
    }
    dups
}

/// First value or a default.
pub fn first(v: &[u32]) -> u32 {
    v.first().copied().expect("non-empty")
}
"""
            )
    subprocess.run(["cargo", "generate-lockfile", "--offline"], cwd=root, check=True)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def manifest(name, deps):
    text = f'[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\npublish = false\n\n[dependencies]\n'
    return text + "".join(f'{d} = {{ path = "../{d}" }}\n' for d in deps)


def filler(tag, lines, doc=True):
    """About `lines` lines of plain Rust: functions with loops and matches, a struct, and an inline test
    module, naming nothing outside the file (`doc`: starting with the module's doc comment)."""
    out = [f"//! Generated module {tag}.\n\n" if doc else "\n", "use std::collections::HashMap;\n", "\n"]
    out.append(f"/// State of {tag}.\n#[derive(Debug, Default)]\npub struct State {{\n    pub counts: HashMap<String, u64>,\n    pub total: u64,\n}}\n\n")
    i = 0
    while len("".join(out).splitlines()) < lines - 12:
        out.append(
            f"""/// Step {i} of {tag}.
pub fn step_{i}(state: &mut State, items: &[String]) -> u64 {{
    let mut seen = 0;
    for (n, item) in items.iter().enumerate() {{
        let key = format!("{{item}}-{i}");
        *state.counts.entry(key).or_insert(0) += n as u64;
        match item.len() % 3 {{
            0 => seen += 1,
            1 => seen += 2,
            _ => state.total += 1, // "strings and 'chars' do not confuse the scanner"
        }}
    }}
    seen + state.total
}}

"""
        )
        i += 1
    out.append("#[cfg(test)]\nmod tests {\n    use super::*;\n\n    #[test]\n    fn first_step() {\n")
    out.append("        let mut s = State::default();\n        assert_eq!(step_0(&mut s, &[]), 0);\n    }\n}\n")
    return "".join(out)


def module_tree(src, tag, lines, special):
    """A library of about `lines` lines: lib.rs declaring 4 directories of modules of ~200 lines each.
    `special` maps a file index to extra code appended to that file. Returns the number of files."""
    per_file = 200
    files = max(1, lines // per_file)
    dirs = 4
    names = [(f"part{k % dirs}", f"m{k:03}") for k in range(files)]
    lib = [f"//! Generated crate {tag}.\n\n"]
    for d in range(dirs):
        lib.append(f"pub mod part{d};\n")
    write(os.path.join(src, "lib.rs"), "".join(lib) + special.get("lib", ""))
    for d in range(dirs):
        mods = [m for (p, m) in names if p == f"part{d}"]
        text = f"//! Part {d}.\n\n" + "".join(f"pub mod {m};\n" for m in mods)
        write(os.path.join(src, f"part{d}", "mod.rs"), text)
    for k, (p, m) in enumerate(names):
        write(os.path.join(src, p, f"{m}.rs"), filler(f"{tag}::{p}::{m}", per_file) + special.get(k, ""))
    return files


def lumen(lines, root, violations):
    providers = [f"lumen-provider-{i:02}" for i in range(10)]
    members = ["lumen-compiler", "lumen-runtime", "lumen-vm", "lumen-cli"] + providers
    write(os.path.join(root, "Cargo.toml"),
          '[workspace]\nresolver = "2"\nmembers = [\n' + "".join(f'  "{m}",\n' for m in members) + "]\n")
    # The used crate and the trait's crate: small next to the source crates.
    compiler = os.path.join(root, "lumen-compiler", "src")
    write(os.path.join(root, "lumen-compiler", "Cargo.toml"), manifest("lumen-compiler", []))
    write(os.path.join(compiler, "lib.rs"), "//! The compiler.\n\npub mod compiler;\npub mod parser;\n")
    write(os.path.join(compiler, "compiler", "mod.rs"), "//! Compilation.\n\npub mod lir;\n")
    write(os.path.join(compiler, "compiler", "lir.rs"),
          "//! The bytecode format.\n\n/// An instruction.\n#[derive(Debug, Clone, Copy)]\npub enum Op {\n    Push(i64),\n    Add,\n}\n\n/// A chunk.\npub struct Chunk {\n    pub ops: Vec<Op>,\n}\n"
          + filler("lumen_compiler::compiler::lir", 400, doc=False))
    write(os.path.join(compiler, "parser.rs"), "//! The parser.\n\n/// Parses.\npub fn parse(s: &str) -> usize {\n    s.len()\n}\n" + filler("lumen_compiler::parser", 400, doc=False))
    runtime = os.path.join(root, "lumen-runtime", "src")
    write(os.path.join(root, "lumen-runtime", "Cargo.toml"), manifest("lumen-runtime", []))
    write(os.path.join(runtime, "lib.rs"),
          "//! The runtime.\n\n/// Dispatches tool calls.\npub trait ToolDispatcher {\n    /// Runs a tool.\n    fn dispatch(&self, name: &str) -> u64;\n}\n\n/// A host.\npub trait Host {}\n")
    # lumen-vm: half the source lines; 3 files name the compiler's lir (allowed), and with violations 5 name
    # its parser.
    vm_lines = lines // 2
    vm_files = max(1, vm_lines // 200)
    special = {}
    for k in range(3):
        special[(k * 7) % vm_files] = "\n/// Loads a chunk.\npub fn load(c: &lumen_compiler::compiler::lir::Chunk) -> usize {\n    c.ops.len()\n}\n"
    if violations:
        for k in range(5):
            special[(k * 11 + 1) % vm_files] = special.get((k * 11 + 1) % vm_files, "") + "\n/// Parses behind the VM's back.\npub fn sneak(s: &str) -> usize {\n    lumen_compiler::parser::parse(s)\n}\n"
    write(os.path.join(root, "lumen-vm", "Cargo.toml"), manifest("lumen-vm", ["lumen-compiler", "lumen-runtime"]))
    module_tree(os.path.join(root, "lumen-vm", "src"), "lumen_vm", vm_lines, special)
    # The providers share the other half; one file each implements ToolDispatcher.
    per_provider = (lines - vm_lines) // len(providers)
    for i, name in enumerate(providers):
        deps = ["lumen-runtime"]
        if violations and i == 3:
            deps.append("lumen-cli")
        write(os.path.join(root, name, "Cargo.toml"), manifest(name, deps))
        impl = "\n/// The provider.\npub struct Provider;\n\nimpl lumen_runtime::ToolDispatcher for Provider {\n    fn dispatch(&self, name: &str) -> u64 {\n        name.len() as u64\n    }\n}\n"
        special = {} if violations and i == 7 else {1: impl}
        module_tree(os.path.join(root, name, "src"), name.replace("-", "_"), per_provider, special)
    write(os.path.join(root, "lumen-cli", "Cargo.toml"),
          manifest("lumen-cli", ["lumen-compiler", "lumen-runtime", "lumen-vm"]))
    write(os.path.join(root, "lumen-cli", "src", "lib.rs"), "//! The CLI.\n\n/// Runs.\npub fn run() {}\n")
    subprocess.run(["cargo", "generate-lockfile", "--offline"], cwd=root, check=True)


if __name__ == "__main__":
    main()
