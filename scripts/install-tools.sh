#!/usr/bin/env bash
# Installs what the benchmark tests need, only when missing: valgrind, and gungraun-runner and
# iai-callgrind-runner of exactly the versions the fixtures' libraries use (a runner must match its library).
set -euo pipefail
GUNGRAUN_VERSION=0.20.0
IAI_CALLGRIND_VERSION=0.16.1

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

if ! iai-callgrind-runner --version 2>/dev/null | grep -qw "$IAI_CALLGRIND_VERSION"; then
  echo "install-tools: installing iai-callgrind-runner $IAI_CALLGRIND_VERSION"
  cargo install --locked iai-callgrind-runner --version "$IAI_CALLGRIND_VERSION"
fi
iai-callgrind-runner --version
