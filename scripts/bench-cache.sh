#!/usr/bin/env bash
# First and second `cargo lumen-bench --base` on a generated workspace (40 library crates under a binary run
# as a `[[bench.command]]`, heap measured too): the second run reuses the base's measurement from the base
# results cache. Prints both wall times, their ratio (goal: the second at most 60% of the first) and whether
# the two runs reported identical figures. Needs valgrind.
# usage: scripts/bench-cache.sh [CRATES]   (BIN=path/to/cargo-lumen-bench to skip the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
crates=${1:-40}
if [ -z "${BIN:-}" ]; then
  cargo build --release --locked -q -p cargo-lumen-bench
  BIN=$PWD/target/release/cargo-lumen-bench
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 scripts/gen-workspace.py "$crates" "$work/repo" > /dev/null
cd "$work/repo"
last=$(printf 'crate-%04d' $((crates - 1)))
mkdir -p crates/app/src
cat > crates/app/Cargo.toml <<TOML
[package]
name = "app"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
$last = { path = "../$last" }
TOML
lib=${last//-/_}
cat > crates/app/src/main.rs <<RS
fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let labels = $lib::labels_$lib(n);
    println!("{}", $lib::total_$lib(&labels));
}
RS
sed -i 's|^members = \[|members = [\n  "crates/app",|' Cargo.toml
cargo generate-lockfile --offline -q
cat > lumen-gate.toml <<'TOML'
[[bench.command]]
name = "labels"
build = ["--release", "-p", "app", "--bin", "app"]
run = ["{bin:app}", "2000"]
heap = true
TOML
git init -q -b main && git config user.email b@e && git config user.name B && printf '/target\n' > .gitignore
git add -A && git commit -qm base
sed -i 's|println!("{}", |println!("{} {}", labels.len(), |' crates/app/src/main.rs
git commit -qam head

run() {
  local start end
  start=$(date +%s.%N)
  "$BIN" lumen-bench -q --base HEAD~1 --format json > "$work/$1.json" || test $? -eq 1
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
first=$(run first)
second=$(run second)
python3 - "$work/first.json" "$work/second.json" "$first" "$second" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
first, second = float(sys.argv[3]), float(sys.argv[4])
fig = lambda r: [(x["name"], x["primary"], x.get("other_metrics")) for x in r["benchmarks"]]
same = fig(a) == fig(b)
reused = b["run_info"]["base_cache"]["reused"]
print(f"first run {first:.1f} s (measures base and HEAD), second {second:.1f} s (base reused: {reused}): "
      f"{second / first * 100:.0f}% of the first (goal <= 60%), figures identical: {same}")
print("first run phases:", a["run_info"]["phases"])
print("second run phases:", b["run_info"]["phases"])
sys.exit(0 if same and reused and second <= 0.6 * first else 1)
PY
