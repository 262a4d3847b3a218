#!/usr/bin/env bash
# What the attribution costs:
# 1. time: a warm `cargo lumen-bench --base` on the gungraun and iai-callgrind fixtures (one benchmark
#    regressed: attributed, flamegraph written) against the same `cargo bench` runs by hand, built with debug
#    info as lumen-bench builds them, and without (what a run cost before attribution); goal < 5%.
# 2. the attribution alone on the gungraun fixture's regressed benchmark (its time, against the run's), and
#    memory: peak RSS and time of reading two large callgrind files, attributing and drawing them
#    (`attribute_large_files`, ignored by default) under /usr/bin/time -v; first with one small file and one
#    large one, then with two large ones.
# Usage: scripts/attribution-cost.sh [BIG_BASE BIG_HEAD]   (without them, callgrind profiles of rustc
# compiling a small program are made, ~80-110 MB each with --dump-instr=yes --collect-jumps=yes).
# Needs valgrind, gungraun-runner 0.20.0, iai-callgrind-runner 0.16.1 (bash scripts/install-tools.sh), hyperfine.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "install hyperfine (apt-get install hyperfine)" >&2; exit 2; }
cargo build --release --locked -q -p cargo-lumen-bench
bin=$PWD/target/release/cargo-lumen-bench
repo_root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for fixture in bench-gungraun bench-iai; do
  cp -r "tests/fixtures/$fixture" "$work/$fixture"
  cd "$work/$fixture"
  git init -q -b main && git config user.email b@e && git config user.name B && printf '/target\n' > .gitignore
  git add -A && git commit -qm base
  sed -i 's/        total = black_box(total.wrapping_add(i));/        total = black_box(total.wrapping_add(i));\n        total = black_box(total ^ 1) ^ 1;/' calc/src/lib.rs
  git commit -qam slower
  "$bin" -q --base HEAD~1 > /dev/null || true # builds base and HEAD
  wt=$(ls -d target/lumen-gate/ws-*/bench-base)
  wtt=$(dirname "$wt")/bench-base-target
  home=$work/home-$fixture
  by_hand() { # $1: the debug setting, $2: a suffix for the target directories
    echo "CARGO_PROFILE_BENCH_DEBUG=$1 CARGO_TARGET_DIR=$wtt$2 cargo bench -q --locked --manifest-path $wt/Cargo.toml -p calc --bench calc -- --save-summary=json --home=$home --save-baseline=manual >/dev/null 2>&1; CARGO_PROFILE_BENCH_DEBUG=$1 CARGO_TARGET_DIR=target$2 cargo bench -q --locked -p calc --bench calc -- --save-summary=json --home=$home --baseline=manual >/dev/null 2>&1"
  }
  hyperfine --warmup 1 --runs 7 --export-json "$work/$fixture.json" \
    -n "by hand, no debug info" "$(by_hand false -nodebug)" \
    -n "by hand, debug info" "$(by_hand true '')" \
    -n "cargo lumen-bench --base" "$bin -q --base HEAD~1 > /dev/null; true" > /dev/null
  python3 - "$work/$fixture.json" "$fixture" <<'PY'
import json, sys
r = {x["command"]: (x["mean"], x["stddev"]) for x in json.load(open(sys.argv[1]))["results"]}
(n, ns), (d, ds), (l, ls) = r["by hand, no debug info"], r["by hand, debug info"], r["cargo lumen-bench --base"]
print(f"{sys.argv[2]}: by hand without debug info {n:.2f} s (±{ns:.2f}), with {d:.2f} s (±{ds:.2f}); "
      f"cargo lumen-bench --base {l:.2f} s (±{ls:.2f}): {(l/d-1)*100:+.1f}% over the same runs by hand, "
      f"{(l/n-1)*100:+.1f}% over those without debug info (goal < 5%)")
PY
  cd "$repo_root"
done

if [ $# -eq 2 ]; then
  big_base=$1 big_head=$2
else
  printf 'fn main() { let v: Vec<u64> = (0..1000).collect(); println!("{}", v.iter().sum::<u64>()); }\n' > "$work/small.rs"
  for i in 1 2; do
    valgrind --tool=callgrind -q --dump-instr=yes --collect-jumps=yes --callgrind-out-file="$work/big$i.out" \
      rustc --edition 2021 -O -g "$work/small.rs" -o "$work/small$i"
  done
  big_base=$work/big1.out big_head=$work/big2.out
fi
small=$(ls "$work"/home-bench-gungraun/calc/calc/arithmetic/sum.hundred/callgrind.sum.hundred.out | head -1)
# The test binary itself, not cargo, under /usr/bin/time (it reports the largest process's peak).
test_bin=$(cargo test --release --locked -q -p lumen-gate-core --lib --no-run --message-format=json 2>/dev/null \
  | python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == "lumen_gate_core":
        print(m["executable"])')
measure() {
  LUMEN_GATE_BIG_BASE=$1 LUMEN_GATE_BIG_HEAD=$2 /usr/bin/time -v "$test_bin" \
    bench::attribution::tests::attribute_large_files --ignored --exact --nocapture 2> "$work/time.log" | grep '^read both'
  grep 'Maximum resident' "$work/time.log"
}
# What attributing the regressed benchmark of the fixtures costs by itself (both files read, diff, flamegraph),
# to set against the whole run above.
small_base=$(ls "$work"/home-bench-gungraun/calc/calc/arithmetic/sum.hundred/callgrind.sum.hundred.out.base@manual | head -1)
echo "the gungraun fixture's sum.hundred ($(du -h "$small_base" | cut -f1) + $(du -h "$small" | cut -f1)):"
measure "$small_base" "$small"
echo "$(du -h "$small" | cut -f1) $small + $(du -h "$big_head" | cut -f1) $big_head:"
measure "$small" "$big_head"
echo "$(du -h "$big_base" | cut -f1) $big_base + $(du -h "$big_head" | cut -f1) $big_head:"
measure "$big_base" "$big_head"
