#!/usr/bin/env bash
# The test command of README.md: installs what the tests need (valgrind, the pinned benchmark runners),
# then runs the whole test suite. Works on a fresh machine; CI (.ci/run) calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-tools.sh


if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast
  # nextest does not run doctests.
  cargo test --workspace --locked --doc
else
  cargo test --workspace --locked --no-fail-fast
fi
