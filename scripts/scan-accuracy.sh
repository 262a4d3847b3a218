#!/usr/bin/env bash
# Accuracy and speed of the lints against clippy on real crates from crates.io.
#
# For each crate: no-unwrap vs clippy::unwrap_used + expect_used, no-panic vs clippy::panic + todo +
# unimplemented + unreachable, on library code; then the scan time against a clippy run whose dependencies
# are already built (the crate's own lib is re-linted each time: incrementally, and from clean).
#
#   bash scripts/scan-accuracy.sh [crate@version ...]
set -euo pipefail
cd "$(dirname "$0")/.."
crates=("$@")
[ ${#crates[@]} -gt 0 ] || crates=(regex-syntax@0.8.5 semver@1.0.26 itoa@1.0.15)
command -v hyperfine >/dev/null || { echo "install hyperfine (apt-get install hyperfine)" >&2; exit 2; }
cargo build --release --locked -q -p cargo-lumen-gate
gate=$PWD/target/release/cargo-lumen-gate
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# speed_line HYPERFINE_JSON NAME LINES: the scan against clippy from clean and incremental.
speed_line() {
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
lines = int(sys.argv[3])
print(f"{sys.argv[2]}: {lines} lines; scan {r['scan']*1000:.0f} ms ({lines/r['scan']:.0f} lines/s including cargo metadata); "
      f"clippy fresh {r['clippy-fresh']*1000:.0f} ms ({r['clippy-fresh']/r['scan']:.0f}x), "
      f"incremental {r['clippy-incremental']*1000:.0f} ms ({r['clippy-incremental']/r['scan']:.0f}x)")
PY
}

for spec in "${crates[@]}"; do
  name=${spec%@*}; version=${spec#*@}
  # Fetch the published source through cargo itself.
  mkdir -p "$work/fetch-$name/src" && touch "$work/fetch-$name/src/lib.rs"
  printf '[package]\nname = "fetch"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]\n%s = "=%s"\n\n[workspace]\n' "$name" "$version" > "$work/fetch-$name/Cargo.toml"
  cargo fetch -q --manifest-path "$work/fetch-$name/Cargo.toml"
  src=$(ls -d "$HOME"/.cargo/registry/src/*/"$name-$version" | head -n 1)
  dir="$work/$name"
  cp -r "$src" "$dir"
  grep -q '^\[workspace\]' "$dir/Cargo.toml" || printf '\n[workspace]\n' >> "$dir/Cargo.toml"
  (cd "$dir" && cargo generate-lockfile -q)

  lint() {
    touch "$dir/src/lib.rs"
    (cd "$dir" && cargo clippy -q --lib --message-format=json -- -A clippy::all -W clippy::unwrap_used \
      -W clippy::expect_used -W clippy::panic -W clippy::todo -W clippy::unimplemented -W clippy::unreachable)
  }
  lint > "$work/$name.clippy.json"
  "$gate" --only lints --format json --manifest-path "$dir/Cargo.toml" > "$work/$name.gate.json" || true
  python3 - "$work/$name.clippy.json" "$work/$name.gate.json" "$name" <<'PY'
import json, sys, collections
clippy = collections.Counter()
for line in open(sys.argv[1]):
    m = json.loads(line)
    if m.get("reason") == "compiler-message" and m["message"].get("code"):
        clippy[m["message"]["code"]["code"]] += 1
ours = collections.Counter(f["rule_id"] for f in json.load(open(sys.argv[2]))["findings"])
cu = clippy["clippy::unwrap_used"] + clippy["clippy::expect_used"]
cp = sum(clippy[f"clippy::{k}"] for k in ("panic", "todo", "unimplemented", "unreachable"))
print(f"{sys.argv[3]}: no-unwrap {ours['no-unwrap']} vs clippy {cu}; no-panic {ours['no-panic']} vs clippy {cp}")
PY
  lines=$(find "$dir/src" -name '*.rs' -print0 | xargs -0 cat | wc -l)
  # clippy twice: incremental (the crate touched, rustc's incremental cache kept), and fresh (the crate's
  # own artifacts cleaned, dependencies still built).
  lints='-A clippy::all -W clippy::unwrap_used -W clippy::expect_used -W clippy::panic -W clippy::todo -W clippy::unimplemented -W clippy::unreachable'
  hyperfine -N --warmup 1 --runs 5 --export-json "$work/$name.speed.json" \
    -n clippy-incremental "bash -c 'touch $dir/src/lib.rs && cd $dir && cargo clippy -q --lib -- $lints 2>/dev/null'" \
    -n clippy-fresh "bash -c 'cd $dir && cargo clean -q -p $name && cargo clippy -q --lib -- $lints 2>/dev/null'" \
    -n scan "bash -c '$gate --only lints --format json --manifest-path $dir/Cargo.toml > /dev/null; true'" > /dev/null
  speed_line "$work/$name.speed.json" "$name" "$lines"
done

# This repository itself: a workspace of five crates, its dependencies built.
lints='-A clippy::all -W clippy::unwrap_used -W clippy::expect_used -W clippy::panic -W clippy::todo -W clippy::unimplemented -W clippy::unreachable'
members='-p lumen-gate-core -p cargo-lumen-arch -p cargo-lumen-bench -p cargo-lumen-gate -p lumen-gate-tests'
cargo clippy -q --workspace --lib -- $lints 2>/dev/null
lines=$(find shared/src cargo-lumen-*/src tests/src -name '*.rs' -print0 | xargs -0 cat | wc -l)
hyperfine -N --warmup 1 --runs 5 --export-json "$work/self.speed.json" \
  -n clippy-incremental "bash -c 'touch shared/src/lib.rs cargo-lumen-*/src/lib.rs tests/src/lib.rs && cargo clippy -q --workspace --lib -- $lints 2>/dev/null'" \
  -n clippy-fresh "bash -c 'cargo clean -q $members && cargo clippy -q --workspace --lib -- $lints 2>/dev/null'" \
  -n scan "bash -c '$gate --only lints --format json > /dev/null; true'" > /dev/null
speed_line "$work/self.speed.json" "lumen-gate (this workspace)" "$lines"
