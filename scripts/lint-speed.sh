#!/usr/bin/env bash
# Speed of the lints on a real ~250,000-line workspace (scripts/real-workspace.sh), in the same run as the
# references: `cargo metadata --no-deps` (which every lints run calls) and `cargo clippy` on the same
# workspace with its dependencies already built. Three lints runs: without the cache (`--no-cache`), with
# an unchanged tree (every package from the cache), and after one file changed (that file parsed again).
#
#   bash scripts/lint-speed.sh [DIR]     # DIR: where to build the workspace (default: a temp dir)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "install hyperfine (apt-get install hyperfine)" >&2; exit 2; }
cargo build --release --locked -q -p cargo-lumen-gate
gate=$PWD/target/release/cargo-lumen-gate
dir=${1:-$(mktemp -d)}
[ -f "$dir/Cargo.toml" ] || bash scripts/real-workspace.sh "$dir"
lines=$(find "$dir" -name '*.rs' -not -path '*/target/*' -print0 | xargs -0 cat | wc -l)
lints="$gate lumen-gate --only lints -q --format json --manifest-path $dir/Cargo.toml"
touched=$dir/syn/src/expr.rs
json=$(mktemp)
# Warm the cache and clippy's dependencies first.
$lints >/dev/null || true
hyperfine -N -i --warmup 2 --runs 10 --export-json "$json" \
  -n metadata "cargo metadata --no-deps --format-version 1 --manifest-path $dir/Cargo.toml" \
  -n no-cache "$lints --no-cache" \
  -n cached "$lints" \
  >/dev/null
# A single --prepare applies to every command of a hyperfine call: this one gets its own.
hyperfine -N -i --warmup 2 --runs 10 --export-json "$json.changed" \
  -n one-file-changed --prepare "sed -i '\$a // edited' $touched" "$lints" \
  >/dev/null
sed -i '/^\/\/ edited$/d' "$touched"
# clippy as the issue measures it: the same lints, on library code, the members rebuilt without rustc's
# incremental cache (cleaned), their dependencies already built.
members=$(python3 -c "import tomllib,sys; print(' '.join('-p ' + m for m in tomllib.load(open(sys.argv[1], 'rb'))['workspace']['members']))" "$dir/Cargo.toml")
clippy_lints='-A clippy::all -W clippy::unwrap_used -W clippy::expect_used -W clippy::panic -W clippy::todo -W clippy::unimplemented -W clippy::unreachable'
export CARGO_INCREMENTAL=0
cargo clippy -q --manifest-path "$dir/Cargo.toml" --workspace --lib -- $clippy_lints 2>/dev/null || true
hyperfine -i --runs 3 --export-json "$json.clippy" \
  -n clippy --prepare "cargo clean -q --manifest-path $dir/Cargo.toml $members" \
  "cargo clippy -q --manifest-path $dir/Cargo.toml --workspace --lib -- $clippy_lints 2>/dev/null" \
  >/dev/null
python3 - "$json" "$json.clippy,$json.changed" "$lines" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
for extra in sys.argv[2].split(","):
    r.update({x["command"]: x for x in json.load(open(extra))["results"]})
lines = int(sys.argv[3])
meta = r["metadata"]["mean"]
clippy = r["clippy"]["mean"]
print(f"{lines} lines of Rust; cargo metadata --no-deps {meta*1000:.0f} ms; cargo clippy --lib, members cleaned, dependencies built: {clippy:.2f} s")
for name in ["no-cache", "cached", "one-file-changed"]:
    t = r[name]["mean"]
    print(f"lints {name:17} {t*1000:6.0f} ms +- {r[name]['stddev']*1000:3.0f}  "
          f"cargo metadata + {(t-meta)*1000:3.0f} ms  {clippy/t:5.1f}x faster than clippy  {lines/t/1e6:.2f} M lines/s")
PY
rm -f "$json" "$json.clippy" "$json.changed"
