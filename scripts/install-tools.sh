#!/usr/bin/env bash
# Installs what the benchmark tests need, only when missing: valgrind, and gungraun-runner of exactly the
# version the fixtures' gungraun library uses (a runner must match its library).
set -euo pipefail
GUNGRAUN_VERSION=0.20.0

if ! command -v valgrind >/dev/null 2>&1; then
  echo "install-tools: installing valgrind"
  if [ "$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q valgrind; else sudo apt-get update -q && sudo apt-get install -y -q valgrind; fi
fi
valgrind --version

if ! gungraun-runner --version 2>/dev/null | grep -qw "$GUNGRAUN_VERSION"; then
  echo "install-tools: installing gungraun-runner $GUNGRAUN_VERSION"
  cargo install --locked gungraun-runner --version "$GUNGRAUN_VERSION"
fi
gungraun-runner --version
