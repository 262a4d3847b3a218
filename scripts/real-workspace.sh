#!/usr/bin/env bash
# Builds a multi-crate workspace of about 200,000 lines of real code from crates.io, in DIR: each member is
# the published source of a well-known crate (none of them written for lumen-gate), so speed and review-size
# figures are measured on code nobody wrote for us.
#
#   bash scripts/real-workspace.sh DIR
set -euo pipefail
dir=${1:?usage: real-workspace.sh DIR}
crates=(
  syn@2.0.104 clap_builder@4.5.42 regex-syntax@0.8.5 serde_json@1.0.140
  toml@0.5.11 apollo-parser@0.8.7 png@0.17.16 tar@0.4.46 nom@7.1.3 petgraph@0.6.5 indexmap@2.10.0
  tempfile@3.20.0 walkdir@2.5.0 semver@1.0.26
)
mkdir -p "$dir"
fetch=$(mktemp -d)
trap 'rm -rf "$fetch"' EXIT
mkdir -p "$fetch/src" && touch "$fetch/src/lib.rs"
{
  printf '[package]\nname = "fetch"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]\n'
  for spec in "${crates[@]}"; do printf '%s = "=%s"\n' "${spec%@*}" "${spec#*@}"; done
  printf '\n[workspace]\n'
} > "$fetch/Cargo.toml"
cargo fetch -q --manifest-path "$fetch/Cargo.toml"
registry=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/ | head -n 1)
members=()
for spec in "${crates[@]}"; do
  name=${spec%@*}; version=${spec#*@}
  rm -rf "$dir/$name"
  cp -r "$registry/$name-$version" "$dir/$name"
  # A member may not declare a workspace of its own.
  python3 - "$dir/$name/Cargo.toml" <<'PY'
import re, sys
p = sys.argv[1]
text = open(p).read()
text = re.sub(r'(?ms)^\[workspace\].*?(?=^\[|\Z)', '', text)
open(p, 'w').write(text)
PY
  members+=("\"$name\"")
done
printf '[workspace]\nresolver = "2"\nmembers = [%s]\n' "$(IFS=,; echo "${members[*]}")" > "$dir/Cargo.toml"
(cd "$dir" && cargo generate-lockfile -q)
lines=$(find "$dir" -path "$dir/target" -prune -o -name '*.rs' -path '*/src/*' -print0 | xargs -0 cat | wc -l)
echo "$dir: ${#crates[@]} crates, $lines lines of library sources"
