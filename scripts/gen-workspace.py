#!/usr/bin/env python3
"""Generates a synthetic cargo workspace for speed benchmarks.

usage: gen-workspace.py N DIR

N crates named `crate-0000`..., in 10 layers; each depends (by path) on up to 3 crates of lower layers, and
has a lib.rs of about 60 lines with a module, loops, clones and a few unwraps, so both the architecture rules
and the source scanner have real work. Writes Cargo.lock with `cargo generate-lockfile --offline`.
"""
import os
import random
import subprocess
import sys


def main():
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


if __name__ == "__main__":
    main()
