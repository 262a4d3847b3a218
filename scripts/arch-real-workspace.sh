#!/usr/bin/env bash
# The architecture rules on a real multi-crate workspace nobody here wrote: boa 0.22 (a JavaScript engine
# split into boa_engine, boa_parser, boa_ast, boa_interner, boa_gc, boa_string, boa_macros), from crates.io,
# with the rules its maintainers would write (scripts/arch-real-workspace.toml). The unmodified workspace must
# pass (no false finding); then one violation per rule kind is planted and each must be found.
#
#   bash scripts/arch-real-workspace.sh [BIN]    # BIN: a cargo-lumen-arch binary (default: a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/cargo-lumen-arch}
[ -n "${1:-}" ] || cargo build --release --locked -q -p cargo-lumen-arch
crates=(boa_ast boa_engine boa_gc boa_interner boa_macros boa_parser boa_string)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/fetch/src" && touch "$work/fetch/src/lib.rs"
{
  printf '[package]\nname = "fetch"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]\n'
  for c in "${crates[@]}"; do printf '%s = "=0.22.0"\n' "$c"; done
  printf '\n[workspace]\n'
} > "$work/fetch/Cargo.toml"
cargo fetch -q --manifest-path "$work/fetch/Cargo.toml"
registry=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/ | head -n 1)
ws=$work/boa
mkdir -p "$ws"
for c in "${crates[@]}"; do cp -r "$registry/$c-0.22.0" "$ws/$c"; done
python3 - "$ws" "${crates[@]}" <<'PY'
import re, sys
ws, crates = sys.argv[1], sys.argv[2:]
for c in crates:
    p = f"{ws}/{c}/Cargo.toml"
    s = open(p).read()
    # Each boa_* dependency of the set becomes a path dependency (boa_icu_provider stays on crates.io).
    s = re.sub(r"^\[(dependencies|dev-dependencies|build-dependencies)\.(boa_[a-z_]+)\]\n",
               lambda m: m.group(0) + (f'path = "../{m.group(2)}"\n' if m.group(2) in crates else ""), s, flags=re.M)
    open(p, "w").write(s)
members = ", ".join(f'"{c}"' for c in crates)
open(f"{ws}/Cargo.toml", "w").write(f'[workspace]\nresolver = "2"\nmembers = [{members}]\n')
PY
cp scripts/arch-real-workspace.toml "$ws/lumen-gate.toml"
cargo generate-lockfile -q --manifest-path "$ws/Cargo.toml"
report() { "$bin" --manifest-path "$ws/Cargo.toml" --format json --color never 2>/dev/null || true; }
echo "== unmodified boa 0.22: expect no finding"
clean=$(report | python3 -c 'import json,sys; r=json.load(sys.stdin); [print(" ", f["kind"], f["message"]) for f in r["findings"]]; print(len(r["findings"]))')
echo "$clean"
[ "$(echo "$clean" | tail -n 1)" = 0 ] || { echo "FAIL: findings on the unmodified workspace" >&2; exit 1; }
echo "== planted: one violation per rule kind"
python3 - "$ws" <<'PY'
import os, re, sys
os.chdir(sys.argv[1])
def edit(p, f):
    s = open(p).read(); t = f(s); assert t != s, p; open(p, "w").write(t)
dep = lambda name: f'\n[dependencies.{name}]\npath = "../{name}"\nversion = "~0.22.0"\n'
# forbid and no-cycles: boa_ast's tests use the engine, which depends on boa_ast.
edit("boa_ast/Cargo.toml", lambda s: s + '\n[dev-dependencies.boa_engine]\npath = "../boa_engine"\nversion = "~0.22.0"\n')
# independent: the two leaves meet.
edit("boa_string/Cargo.toml", lambda s: s + dep("boa_macros"))
# through: the parser reaches strings directly.
edit("boa_parser/Cargo.toml", lambda s: s + dep("boa_string"))
# require: boa_interner drops boa_macros.
edit("boa_interner/Cargo.toml", lambda s: re.sub(r"\[dependencies\.boa_macros\]\n(?:[^\[\n][^\n]*\n)*", "", s))
# layers (exhaustive): a new crate nobody placed.
os.makedirs("boa_cli/src", exist_ok=True)
open("boa_cli/Cargo.toml", "w").write('[package]\nname = "boa_cli"\nversion = "0.22.0"\nedition = "2021"\n' + dep("boa_engine"))
open("boa_cli/src/lib.rs", "w").write("//! A shell.\npub fn run() {}\n")
edit("Cargo.toml", lambda s: s.replace('"boa_ast",', '"boa_ast", "boa_cli",'))
# only-through: the engine reaches into the lexer.
edit("boa_engine/src/lib.rs", lambda s: s.replace("pub use boa_parser::Source;", "pub use boa_parser::Source;\npub use boa_parser::lexer::Token as PlantedToken;", 1))
# module-layers: the lexer uses the parser.
edit("boa_parser/src/lexer/mod.rs", lambda s: s.replace("use crate::source::{ReadChar, UTF8Input};", "use crate::source::{ReadChar, UTF8Input};\nuse crate::parser::ParseResult as _Planted;", 1))
PY
cargo generate-lockfile -q --manifest-path "$ws/Cargo.toml"
report | python3 -c '
import json, sys
r = json.load(sys.stdin)
kinds = sorted({f["kind"] for f in r["findings"]})
for f in r["findings"]:
    loc = f.get("location") or {}
    print(" ", f["kind"], "|", f["message"], "|", loc.get("file"), loc.get("line"))
want = sorted(["arch::forbid", "arch::no-cycles", "arch::layers", "arch::only-through", "arch::require",
               "arch::through", "arch::module-layers", "arch::independent"])
missing = sorted(set(want) - set(kinds))
print("all 8 planted kinds found" if not missing else f"FAIL: not found: {missing}")
sys.exit(1 if missing else 0)
'
