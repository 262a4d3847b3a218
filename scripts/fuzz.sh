#!/usr/bin/env bash
# Fuzzing, not in CI: runs each cargo-fuzz target of fuzz/ for a fixed time (default 600 s each) and fails when
# one finds a panic, a stack overflow, a hang (over 10 s on one input) or memory blow-up. The property tests in
# tests/tests/properties.rs cover the same entry points in CI with a small budget.
#
#   bash scripts/fuzz.sh                 # every target, 600 s each
#   bash scripts/fuzz.sh 1200 lints      # one target, 20 minutes
#
# Targets: lints (source text as a crate's lib.rs), config (lumen-gate.toml), reports (--report JSON, merged and
# rendered), bench_summary (runners' summary.json), callgrind (the attribution's callgrind reader), criterion (criterion's estimates). Corpora grow in
# fuzz/corpus/<target>/ (seeded from fuzz/seeds/ and the repository's own sources and configs); a crashing
# input is saved in fuzz/artifacts/<target>/: replay it with `cargo +nightly fuzz run <target> <file>`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

seconds=${1:-600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(lints config reports bench_summary callgrind criterion)
fi

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi

seed() {
  local target=$1 corpus=fuzz/corpus/$1
  mkdir -p "$corpus"
  if [ -d "fuzz/seeds/$target" ]; then
    cp -n fuzz/seeds/"$target"/* "$corpus"/ 2>/dev/null || true
  fi
  local i=0
  case $target in
    lints)
      while IFS= read -r f; do cp -n "$f" "$corpus/seed-$((i++)).rs"; done \
        < <(find tests/fixtures shared/src -name '*.rs' -size -64k | sort)
      ;;
    config)
      while IFS= read -r f; do cp -n "$f" "$corpus/seed-$((i++)).toml"; done \
        < <(find tests/fixtures shared/src/config/presets lumen-gate.toml -name '*.toml' ! -name Cargo.toml | sort)
      ;;
  esac
}

status=0
for target in "${targets[@]}"; do
  seed "$target"
  dict=()
  if [ -f "fuzz/dict/$target.dict" ]; then
    dict=("-dict=$root/fuzz/dict/$target.dict")
  fi
  echo "== fuzz $target for ${seconds}s"
  before=$(ls "fuzz/artifacts/$target" 2>/dev/null | wc -l)
  if ! cargo +nightly fuzz run --fuzz-dir fuzz "$target" "$root/fuzz/corpus/$target" -- \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 "${dict[@]}"; then
    if [ "$(ls "fuzz/artifacts/$target" 2>/dev/null | wc -l)" -gt "$before" ]; then
      echo "!! $target found a failure: see fuzz/artifacts/$target/"
    else
      echo "!! $target: the fuzzer itself failed (no input saved): see its output above"
    fi
    status=1
  fi
done
exit $status
