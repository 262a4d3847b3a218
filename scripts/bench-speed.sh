#!/usr/bin/env bash
# Speed of cargo lumen-arch and cargo lumen-gate against the `cargo metadata` call they need, on generated
# workspaces (scripts/gen-workspace.py). Needs hyperfine (apt-get install hyperfine).
#
#   bash scripts/bench-speed.sh            # 500 crates for arch, a Lumen workspace of 100,000 source lines
#                                          # for the source-level rules, 50 crates for the gate
#   bash scripts/bench-speed.sh lumen      # the Lumen workspace alone
#   BIN_DIR=/other/target/release bash scripts/bench-speed.sh lumen   # another build (before/after figures)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "install hyperfine (apt-get install hyperfine)" >&2; exit 2; }
only=${1:-all}
bin=${BIN_DIR:-target/release}
[ -n "${BIN_DIR:-}" ] || cargo build --release --locked -q -p cargo-lumen-arch -p cargo-lumen-gate
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ratio() {
python3 - "$1" "$2" "$3" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
m, a = r["cargo metadata"], r["cargo lumen-arch"]
print(f"{sys.argv[2]}: arch/metadata {a['mean']/m['mean']:.2f}x (cargo metadata {m['mean']*1000:.0f} ms, "
      f"cargo lumen-arch {a['mean']*1000:.0f} ms, median {a['median']*1000:.0f} vs {m['median']*1000:.0f} ms; "
      f"cpu {(a['user']+a['system'])*1000:.0f} vs {(m['user']+m['system'])*1000:.0f} ms; goal <= {sys.argv[3]}x)")
PY
}

# The source-level rules (only-through, require's implements) on a Lumen-shaped workspace whose source
# crates hold 100,000 lines, with `--preset lumen`; clean, then with violations.
lumen() {
  for case in clean violations; do
    flag=""; [ "$case" = violations ] && flag=--violations
    python3 scripts/gen-workspace.py --lumen 100000 "$work/lumen-$case" $flag >/dev/null
    # Files written less than 2 s before a run are read again by the next one (their stat is not yet
    # trusted, see FileStamp::settled): wait, as a workspace that is not being written to would be.
    sleep 3
    echo "== Lumen workspace, 100,000 source lines, $case: cargo metadata vs cargo lumen-arch --preset lumen"
    echo "findings: $("$bin/cargo-lumen-arch" --offline --preset lumen --manifest-path "$work/lumen-$case/Cargo.toml" --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))')"
    hyperfine -N --warmup 3 --runs 30 -i --export-json "$work/lumen-$case.json" \
      -n "cargo metadata" "cargo metadata --format-version 1 --all-features --offline --locked --manifest-path $work/lumen-$case/Cargo.toml" \
      -n "cargo lumen-arch" "$bin/cargo-lumen-arch --offline --preset lumen --manifest-path $work/lumen-$case/Cargo.toml --format json" >/dev/null
    ratio "$work/lumen-$case.json" "lumen, $case, cached facts" 1.2
    # First run: nothing cached (target/lumen-gate/ removed before each run: the per-file facts and the
    # recorded cargo metadata).
    hyperfine -N --warmup 3 --runs 30 -i --export-json "$work/lumen-$case-first.json" \
      --prepare "rm -rf $work/lumen-$case/target/lumen-gate" \
      -n "cargo metadata" "cargo metadata --format-version 1 --all-features --offline --locked --manifest-path $work/lumen-$case/Cargo.toml" \
      -n "cargo lumen-arch" "$bin/cargo-lumen-arch --offline --preset lumen --manifest-path $work/lumen-$case/Cargo.toml --format json" >/dev/null
    ratio "$work/lumen-$case-first.json" "lumen, $case, first run" 1.2
  done
}
if [ "$only" = lumen ]; then lumen; exit 0; fi

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
  -n "cargo lumen-arch" "$bin/cargo-lumen-arch --offline --manifest-path $work/ws500/Cargo.toml --format json > /dev/null || test \$? -eq 1"
ratio "$work/arch.json" "rules that pass" 1.5

# The worst case: every crate of the top layer violates a transitive rule towards the bottom layer,
# thousands of findings, each with every shortest path and its manifest lines.
printf '[[arch.forbid]]\nid = "high-not-low"\nwhy = "benchmark rule"\nfrom = "crate-04*"\nto = "crate-00*"\ntransitive = true\n' > "$work/ws500/lumen-gate.toml"
echo "findings: $("$bin/cargo-lumen-arch" --offline --manifest-path "$work/ws500/Cargo.toml" --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))')"
hyperfine --warmup 2 --runs 10 --export-json "$work/arch2.json" \
  -n "cargo metadata" "cargo metadata --format-version 1 --all-features --offline --locked --manifest-path $work/ws500/Cargo.toml > /dev/null" \
  -n "cargo lumen-arch" "$bin/cargo-lumen-arch --offline --manifest-path $work/ws500/Cargo.toml --format json > /dev/null || test \$? -eq 1"
ratio "$work/arch2.json" "thousands of violations" 1.5

lumen

python3 scripts/gen-workspace.py 50 "$work/ws50"
printf '%s' "${rules//crate-04/crate-003}" > "$work/ws50/lumen-gate.toml"
echo "== 50 crates: cargo metadata vs cargo lumen-gate (arch + lints, no benchmarks)"
hyperfine --warmup 2 --runs 10 --export-json "$work/gate.json" \
  -n "cargo metadata" "cargo metadata --format-version 1 --all-features --offline --locked --manifest-path $work/ws50/Cargo.toml > /dev/null" \
  -n "cargo lumen-gate" "$bin/cargo-lumen-gate --offline --manifest-path $work/ws50/Cargo.toml --format json > /dev/null || test \$? -eq 1"
python3 - "$work/gate.json" "$work/ws50" <<'PY'
import json, sys, pathlib
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
m, g = r["cargo metadata"], r["cargo lumen-gate"]
lines = sum(len(p.read_text().splitlines()) for p in pathlib.Path(sys.argv[2]).rglob("*.rs"))
print(f"gate after cargo metadata: {(g-m)*1000:.0f} ms (total {g*1000:.0f} ms, metadata {m*1000:.0f} ms; goal < 1000 ms)")
print(f"scanned {lines} lines of Rust")
PY
