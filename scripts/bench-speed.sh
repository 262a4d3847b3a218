#!/usr/bin/env bash
# Speed of cargo lumen-arch and cargo lumen-gate against the `cargo metadata` call they need, on generated
# workspaces (scripts/gen-workspace.py). Needs hyperfine (apt-get install hyperfine).
#
#   bash scripts/bench-speed.sh            # 500 crates for arch, 50 crates for the gate
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "install hyperfine (apt-get install hyperfine)" >&2; exit 2; }
cargo build --release --locked -q -p cargo-lumen-arch -p cargo-lumen-gate
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

rules='[[arch.forbid]]
id = "low-not-high"
why = "benchmark rule"
from = "crate-00*"
to = "crate-04*"
transitive = true

[[arch.independent]]
id = "top-independent"
why = "benchmark rule"
crates = ["crate-049*"]

[arch.no-cycles]
'

python3 scripts/gen-workspace.py 500 "$work/ws500"
printf '%s' "$rules" > "$work/ws500/lumen-gate.toml"
echo "== 500 crates: cargo metadata vs cargo lumen-arch (which runs that cargo metadata itself)"
hyperfine --warmup 2 --runs 10 --export-json "$work/arch.json" \
  -n "cargo metadata" "cargo metadata --format-version 1 --all-features --offline --locked --manifest-path $work/ws500/Cargo.toml > /dev/null" \
  -n "cargo lumen-arch" "target/release/cargo-lumen-arch --offline --manifest-path $work/ws500/Cargo.toml --format json > /dev/null || test \$? -eq 1"
ratio() {
python3 - "$1" "$2" <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
m, a = r["cargo metadata"], r["cargo lumen-arch"]
print(f"{sys.argv[2]}: arch/metadata {a/m:.2f}x (cargo metadata {m*1000:.0f} ms, cargo lumen-arch {a*1000:.0f} ms; goal <= 1.5x)")
PY
}
ratio "$work/arch.json" "rules that pass"

# The worst case: every crate of the top layer violates a transitive rule towards the bottom layer,
# thousands of findings, each with every shortest path and its manifest lines.
printf '[[arch.forbid]]\nid = "high-not-low"\nwhy = "benchmark rule"\nfrom = "crate-04*"\nto = "crate-00*"\ntransitive = true\n' > "$work/ws500/lumen-gate.toml"
echo "findings: $(target/release/cargo-lumen-arch --offline --manifest-path "$work/ws500/Cargo.toml" --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))')"
hyperfine --warmup 2 --runs 10 --export-json "$work/arch2.json" \
  -n "cargo metadata" "cargo metadata --format-version 1 --all-features --offline --locked --manifest-path $work/ws500/Cargo.toml > /dev/null" \
  -n "cargo lumen-arch" "target/release/cargo-lumen-arch --offline --manifest-path $work/ws500/Cargo.toml --format json > /dev/null || test \$? -eq 1"
ratio "$work/arch2.json" "thousands of violations"

python3 scripts/gen-workspace.py 50 "$work/ws50"
printf '%s' "${rules//crate-04/crate-003}" > "$work/ws50/lumen-gate.toml"
echo "== 50 crates: cargo metadata vs cargo lumen-gate (arch + lints, no benchmarks)"
hyperfine --warmup 2 --runs 10 --export-json "$work/gate.json" \
  -n "cargo metadata" "cargo metadata --format-version 1 --all-features --offline --locked --manifest-path $work/ws50/Cargo.toml > /dev/null" \
  -n "cargo lumen-gate" "target/release/cargo-lumen-gate --offline --manifest-path $work/ws50/Cargo.toml --format json > /dev/null || test \$? -eq 1"
python3 - "$work/gate.json" "$work/ws50" <<'PY'
import json, sys, pathlib
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
m, g = r["cargo metadata"], r["cargo lumen-gate"]
lines = sum(len(p.read_text().splitlines()) for p in pathlib.Path(sys.argv[2]).rglob("*.rs"))
print(f"gate after cargo metadata: {(g-m)*1000:.0f} ms (total {g*1000:.0f} ms, metadata {m*1000:.0f} ms; goal < 1000 ms)")
print(f"scanned {lines} lines of Rust")
PY
