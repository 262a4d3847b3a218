#!/usr/bin/env bash
# Wall time of `cargo lumen-bench --base` on the gungraun fixture (first and second run), and the overhead of
# its orchestration over running the same `cargo bench` commands by hand (goal: under 10%).
# Needs valgrind, gungraun-runner 0.20.0 (bash scripts/install-tools.sh) and hyperfine.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "install hyperfine (apt-get install hyperfine)" >&2; exit 2; }
cargo build --release --locked -q -p cargo-lumen-bench
bin=$PWD/target/release/cargo-lumen-bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r tests/fixtures/bench-gungraun "$work/repo"
cd "$work/repo"
git init -q -b main && git config user.email b@e && git config user.name B && printf '/target\n' > .gitignore
git add -A && git commit -qm base
sed -i 's/        total = black_box(total.wrapping_add(i));/        total = black_box(total.wrapping_add(i));\n        total = black_box(total ^ 1) ^ 1;/' calc/src/lib.rs
git commit -qam slower

start=$(date +%s.%N); "$bin" -q --base HEAD~1 > /dev/null || true; end=$(date +%s.%N)
echo "first --base run (builds base and HEAD from scratch): $(echo "$end - $start" | bc) s"
start=$(date +%s.%N); "$bin" -q --base HEAD~1 > /dev/null || true; end=$(date +%s.%N)
echo "second --base run (incremental): $(echo "$end - $start" | bc) s"

# The same work by hand: the base worktree's benches with --save-baseline, then HEAD's with --baseline.
wt=$(ls -d target/lumen-gate/ws-*/bench-base)
wtt=$(dirname "$wt")/bench-base-target
home=$work/home
hyperfine --warmup 1 --runs 5 --export-json "$work/o.json" \
  -n "cargo bench by hand" "CARGO_TARGET_DIR=$wtt cargo bench -q --locked --manifest-path $wt/Cargo.toml -p calc --bench calc -- --save-summary=json --home=$home --save-baseline=manual >/dev/null 2>&1; cargo bench -q --locked -p calc --bench calc -- --save-summary=json --home=$home --baseline=manual >/dev/null 2>&1" \
  -n "cargo lumen-bench --base" "$bin -q --base HEAD~1 > /dev/null; true" > /dev/null
python3 - "$work/o.json" <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
d, l = r["cargo bench by hand"], r["cargo lumen-bench --base"]
print(f"warm: cargo bench by hand {d:.2f} s, cargo lumen-bench --base {l:.2f} s, overhead {(l/d-1)*100:+.1f}% (goal < 10%)")
PY
