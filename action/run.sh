#!/usr/bin/env bash
# The logic of the lumen-gate GitHub Action (action.yml calls it; it runs locally too).
#
#   run.sh prepare    the base revision, the install directory and its cache key (to $GITHUB_OUTPUT)
#   run.sh state-key  the paths and key of the cache of the tool's state (lint cache, base results, runners)
#   run.sh install    cargo-lumen-gate (and cargo-lumen-bench): a release binary if one matches, else cargo install
#   run.sh review     the review: step summary, outputs, the sticky pull-request comment; exits as the gate does
#   run.sh comment    post or update the sticky comment from a review file (the workflow_run half of the fork
#                     pattern, action/comment/action.yml): LUMEN_GATE_PR (the pull request's number),
#                     LUMEN_GATE_REVIEW (the file), LUMEN_GATE_HEAD_SHA (optional: the commit reviewed, which
#                     must be the pull request's head)
#
# Inputs come as INPUT_BASE, INPUT_BENCH, INPUT_ARGS, INPUT_COMMENT, INPUT_VERSION (action.yml maps
# them: inputs are never pasted into the script's text). GitHub's own variables (GITHUB_EVENT_PATH,
# GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_TOKEN...) are read as set by the
# runner; each is optional, so `bash action/run.sh review` works in a plain checkout. LUMEN_GATE_BIN and
# LUMEN_BENCH_BIN name the tools (default: cargo-lumen-gate and cargo-lumen-bench on PATH); LUMEN_GATE_OUT_DIR
# is where the review files go (default: $RUNNER_TEMP/lumen-gate).
#
# Needs bash, git, python3 and curl (all on GitHub's runners).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
HELPER="$HERE/helper.py"
# The hidden line that marks lumen-gate's own comment: found again on the next push and edited in place.
MARKER='<!-- lumen-gate -->'
# GitHub refuses a comment body over 65,536 characters; bytes are counted here, which is never fewer.
COMMENT_LIMIT=65536

gate_bin=${LUMEN_GATE_BIN:-cargo-lumen-gate}
bench_bin=${LUMEN_BENCH_BIN:-cargo-lumen-bench}
out_dir=${LUMEN_GATE_OUT_DIR:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}/lumen-gate}

# Log lines of our own. Text from the repository or the event is never printed at the start of a line: a
# line starting with `::` would be read by the runner as a workflow command.
say() { printf 'lumen-gate: %s\n' "$*" >&2; }
warn() {
  if [ -n "${GITHUB_ACTIONS:-}" ]; then printf '::warning title=lumen-gate::%s\n' "$*" >&2; else say "warning: $*"; fi
}

set_output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"; else say "output $1=$2"; fi
}

# An output of several lines (GitHub's `name<<DELIMITER` form).
set_output_lines() {
  local name=$1
  shift
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    { printf '%s<<LUMEN_GATE_EOF\n' "$name"; printf '%s\n' "$@"; printf 'LUMEN_GATE_EOF\n'; } >>"$GITHUB_OUTPUT"
  else
    say "output $name=$*"
  fi
}

summary() {
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat >>"$GITHUB_STEP_SUMMARY"; else cat >/dev/null; fi
}

truthy() {
  case "${1,,}" in
    true | yes | 1 | on) return 0 ;;
    false | no | 0 | off | '') return 1 ;;
    *) say "expected true or false, got '$1'"; exit 2 ;;
  esac
}

# The pull request of the event, as shell variables pr_number, pr_base_sha, pr_head_sha, pr_base_repo,
# pr_head_repo (empty when the event is not about a pull request).
read_event() {
  local key value fields
  pr_number='' pr_base_sha='' pr_head_sha='' pr_base_repo='' pr_head_repo=''
  if ! fields=$(python3 "$HELPER" event); then
    say "could not read the event payload at ${GITHUB_EVENT_PATH:-}"
    exit 2
  fi
  while IFS='=' read -r key value; do
    case "$key" in
      number) pr_number=$value ;;
      base-sha) pr_base_sha=$value ;;
      head-sha) pr_head_sha=$value ;;
      base-repo) pr_base_repo=$value ;;
      head-repo) pr_head_repo=$value ;;
    esac
  done <<<"$fields"
  case "$pr_number" in *[!0-9]*) pr_number='' ;; esac
}

# The base revision: the `base` input, else the pull request's base commit, else none (the whole workspace
# is reviewed and every finding counts).
resolve_base() {
  if [ -n "${INPUT_BASE:-}" ]; then
    printf '%s' "$INPUT_BASE"
  else
    printf '%s' "$pr_base_sha"
  fi
}

# The one function that talks to GitHub's REST API: METHOD PATH [JSON_FILE]. Prints the response body;
# fails (status 22) on an HTTP error, with the response on stderr. The token goes in a header file, never on
# a command line.
github_api() {
  local method=$1 path=$2 data=${3:-} headers status
  headers=$(mktemp)
  chmod 600 "$headers"
  {
    printf 'Authorization: Bearer %s\n' "${GITHUB_TOKEN:-}"
    printf 'Accept: application/vnd.github+json\n'
    printf 'X-GitHub-Api-Version: 2022-11-28\n'
    printf 'Content-Type: application/json\n'
  } >"$headers"
  local -a args=(--silent --show-error --fail-with-body --max-time 60 --retry 2 -X "$method" -H "@$headers")
  [ -n "$data" ] && args+=(--data-binary "@$data")
  status=0
  curl "${args[@]}" "${GITHUB_API_URL:-https://api.github.com}$path" || status=$?
  rm -f "$headers"
  return "$status"
}

# Posts BODY_FILE as the pull request's lumen-gate comment, or edits the one already there (found by the
# marker at the start of its body). Returns non-zero, with a warning, when GitHub refuses.
upsert_comment() {
  local number=$1 body_file=$2 repo=${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set} page=1 id='' list
  local json
  json=$(mktemp)
  python3 "$HELPER" json-body "$body_file" >"$json"
  while [ -z "$id" ]; do
    if ! list=$(github_api GET "/repos/$repo/issues/$number/comments?per_page=100&page=$page"); then
      warn "could not list the comments of pull request #$number (the token needs pull-requests: write)"
      rm -f "$json"
      return 1
    fi
    id=$(printf '%s' "$list" | python3 "$HELPER" find "$MARKER")
    # A page of fewer than 100 is the last.
    [ "$(printf '%s' "$list" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" -lt 100 ] && break
    page=$((page + 1))
  done
  local status=0
  if [ -n "$id" ]; then
    github_api PATCH "/repos/$repo/issues/comments/$id" "$json" >/dev/null || status=$?
    [ "$status" = 0 ] && say "updated the review comment on pull request #$number"
  else
    github_api POST "/repos/$repo/issues/$number/comments" "$json" >/dev/null || status=$?
    [ "$status" = 0 ] && say "posted the review comment on pull request #$number"
  fi
  rm -f "$json"
  if [ "$status" != 0 ]; then
    warn "GitHub refused the review comment on pull request #$number (the token needs pull-requests: write)"
    return 1
  fi
}

# Where the whole review is, for the line that ends a cut comment.
full_review_at() {
  if [ -n "${GITHUB_RUN_ID:-}" ] && [ -n "${GITHUB_REPOSITORY:-}" ]; then
    printf 'the step summary of [run %s](%s/%s/actions/runs/%s)' "$GITHUB_RUN_ID" \
      "${GITHUB_SERVER_URL:-https://github.com}" "$GITHUB_REPOSITORY" "$GITHUB_RUN_ID"
  else
    printf "the job's step summary"
  fi
}

# Writes the comment body (marker, review, footer; cut to the limit) for REVIEW to OUT.
compose_comment() {
  local review=$1 out=$2 footer=${3:-}
  python3 "$HELPER" body "$MARKER" "$review" "$footer" "$(full_review_at)" "$COMMENT_LIMIT" >"$out"
}

# Makes sure the base commit is in the clone (a shallow checkout has only HEAD): fetches it once if not.
ensure_commit() {
  local rev=$1
  git cat-file -e "$rev^{commit}" 2>/dev/null && return 0
  say "the base revision is not in this clone: fetching it"
  if ! git fetch --quiet --no-tags --depth=1 origin "$rev" || ! git cat-file -e "$rev^{commit}" 2>/dev/null; then
    say "the base revision is not in this clone and could not be fetched: check out with fetch-depth: 0"
    exit 2
  fi
}

cmd_prepare() {
  read_event
  local base version root key
  base=$(resolve_base)
  version=${INPUT_VERSION:-}
  root=${RUNNER_TOOL_CACHE:-${HOME}/.cache}/lumen-gate-action/${version:-source}
  # The build is keyed by what it is built from: the release asked for, or the action's own sources.
  if [ -n "$version" ]; then
    key=$version
  else
    key=$(cd "$ROOT" && find Cargo.toml Cargo.lock shared cargo-lumen-* -type f \( -name '*.rs' -o -name '*.toml' -o -name '*.json' -o -name 'Cargo.lock' \) -print0 2>/dev/null |
      sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
  fi
  set_output install-root "$root"
  set_output install-key "lumen-gate-bin-${RUNNER_OS:-local}-${RUNNER_ARCH:-$(uname -m)}-$key-bench-$(truthy "${INPUT_BENCH:-false}" && echo 1 || echo 0)"
  [ -n "${GITHUB_PATH:-}" ] && printf '%s\n' "$root/bin" >>"$GITHUB_PATH"
  set_output base "$base"
}

# The cache of the tool's state, after the install: which paths, and the key. With bench on, the key is
# what cargo lumen-bench says the base's results depend on (--print-cache-key); else (or from a
# cargo-lumen-bench without that flag) the base commit, Cargo.lock and the toolchain.
cmd_state_key() {
  read_event
  local base state key='' platform="${RUNNER_OS:-local}-${RUNNER_ARCH:-$(uname -m)}"
  base=$(resolve_base)
  # The state directory: target/lumen-gate of the workspace (--manifest-path in args moves it, as does
  # CARGO_TARGET_DIR). Only the caches are kept: the lints' and the base results', and installed runners.
  state=$(python3 "$HELPER" state-dir "${INPUT_ARGS:-}")
  set_output_lines state-paths "$state/*/lint-cache" "$state/*/base-cache" "${LUMEN_GATE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/lumen-gate}"
  if truthy "${INPUT_BENCH:-false}" && [ -n "$base" ]; then
    ensure_commit "$base"
    local -a bench_extra=()
    python3 "$HELPER" bench-args "${INPUT_ARGS:-}" >"${TMPDIR:-/tmp}/lumen-gate-args.$$"
    mapfile -d '' bench_extra <"${TMPDIR:-/tmp}/lumen-gate-args.$$"
    rm -f "${TMPDIR:-/tmp}/lumen-gate-args.$$"
    if ! key=$("$bench_bin" lumen-bench --base "$base" --print-cache-key "${bench_extra[@]}" 2>/dev/null | tail -n 1); then
      key=''
      say "cargo lumen-bench --print-cache-key did not answer: the state is keyed by the base, Cargo.lock and the toolchain"
    fi
  fi
  if [ -z "$key" ]; then
    local lock_hash toolchain
    lock_hash=$( { cat "$(dirname "$(dirname "$state")")/Cargo.lock" 2>/dev/null || cat Cargo.lock 2>/dev/null || true; } | sha256sum | cut -c1-16)
    toolchain=$( { rustc -vV 2>/dev/null || true; } | sha256sum | cut -c1-16)
    key=$(printf '%s\n' "$base" "$lock_hash" "$toolchain" | sha256sum | cut -c1-16)
  fi
  case "$key" in *[!A-Za-z0-9._-]*) key=$(printf '%s' "$key" | sha256sum | cut -c1-16) ;; esac
  set_output state-prefix "lumen-gate-state-$platform-"
  set_output state-key "lumen-gate-state-$platform-$key-${GITHUB_RUN_ID:-0}-${GITHUB_RUN_ATTEMPT:-0}"
}

# The release asset's target triple for this runner, or nothing.
release_target() {
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) echo x86_64-unknown-linux-gnu ;;
    Linux-aarch64) echo aarch64-unknown-linux-gnu ;;
    Darwin-arm64) echo aarch64-apple-darwin ;;
    Darwin-x86_64) echo x86_64-apple-darwin ;;
  esac
}

cmd_install() {
  local version=${INPUT_VERSION:-} root=${LUMEN_GATE_INSTALL_ROOT:?LUMEN_GATE_INSTALL_ROOT is not set}
  local -a tools=(cargo-lumen-gate)
  truthy "${INPUT_BENCH:-false}" && tools+=(cargo-lumen-bench)
  mkdir -p "$root/bin"
  local target repo=${GITHUB_ACTION_REPOSITORY:-}
  target=$(release_target)
  if [ -n "$version" ] && [ -n "$target" ] && [ -n "$repo" ]; then
    local url="${GITHUB_SERVER_URL:-https://github.com}/$repo/releases/download/$version/lumen-gate-$version-$target.tar.gz"
    local archive
    archive=$(mktemp)
    if curl --silent --show-error --fail --location --max-time 120 -o "$archive" "$url" 2>/dev/null &&
      tar -xzf "$archive" -C "$root/bin" "${tools[@]}" 2>/dev/null; then
      rm -f "$archive"
      say "installed the release binaries of $version for $target"
      return 0
    fi
    rm -f "$archive"
    say "no release binary of $version for $target: building it with cargo install"
  fi
  local tool
  for tool in "${tools[@]}"; do
    if [ -n "$version" ] && [ -n "$repo" ]; then
      cargo install --locked --root "$root" --git "${GITHUB_SERVER_URL:-https://github.com}/$repo" --tag "$version" "$tool"
    else
      cargo install --locked --root "$root" --path "$ROOT/$tool"
    fi
  done
}

# The benchmarks run under valgrind: installed with apt when missing (GitHub's Linux runners have sudo).
install_valgrind() {
  command -v valgrind >/dev/null 2>&1 && return 0
  command -v apt-get >/dev/null 2>&1 || { say "the benchmarks need valgrind: install it first"; exit 2; }
  say "installing valgrind"
  local sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -q >&2 && "${sudo[@]}" apt-get install -y -q valgrind >&2
}

# Refuses a value the action cannot mean before any work is done (exit 2, as the gate does for bad usage).
check_inputs() {
  truthy "${INPUT_BENCH:-false}" || true
  case "${INPUT_COMMENT:-auto}" in
    auto) ;;
    *) truthy "${INPUT_COMMENT}" || true ;;
  esac
}

cmd_review() {
  check_inputs
  read_event
  local base
  base=$(resolve_base)
  mkdir -p "$out_dir"
  local review="$out_dir/review.md" sarif="$out_dir/review.sarif" bench_report="$out_dir/bench.json"
  rm -f "$review" "$sarif" "$bench_report" "$out_dir/comment.md"
  set_output review-path ''
  set_output verdict ''
  set_output blocking ''

  local -a extra=() gate_args=(--format github --output "$sarif" --output-format sarif)
  if ! python3 "$HELPER" split "${INPUT_ARGS:-}" >"$out_dir/args"; then
    say "the args input is not a list of arguments (an unclosed quote?): ${INPUT_ARGS:-}"
    exit 2
  fi
  mapfile -d '' extra <"$out_dir/args"
  if [ -n "$base" ]; then
    ensure_commit "$base"
    gate_args+=(--base "$base")
  fi

  local code=0
  if truthy "${INPUT_BENCH:-false}"; then
    local -a bench_args=(--install-runner --format json --output "$bench_report")
    local -a bench_extra=()
    python3 "$HELPER" bench-args "${INPUT_ARGS:-}" >"$out_dir/args"
    mapfile -d '' bench_extra <"$out_dir/args"
    [ -n "$base" ] && bench_args+=(--base "$base")
    install_valgrind
    say "running the benchmarks"
    # Its report is the file (the review shows its table); stdout would repeat the JSON in the log.
    "$bench_bin" lumen-bench "${bench_args[@]}" "${bench_extra[@]}" >/dev/null || code=$?
    if [ "$code" -gt 1 ]; then
      gate_failed "$code" "cargo lumen-bench"
      return "$code"
    fi
    gate_args+=(--report "$bench_report")
  fi

  code=0
  # The gate appends its markdown review to $GITHUB_STEP_SUMMARY with --format github: to a file of ours
  # here, which becomes the summary, the comment and the review-path output.
  GITHUB_STEP_SUMMARY=$review "$gate_bin" lumen-gate "${gate_args[@]}" "${extra[@]}" || code=$?
  if [ "$code" -gt 1 ] || [ ! -s "$review" ] || [ ! -s "$sarif" ]; then
    [ "$code" -gt 1 ] || code=2
    gate_failed "$code" "cargo lumen-gate"
    return "$code"
  fi

  local verdict blocking outcome
  if ! outcome=$(python3 "$HELPER" outcome "$sarif"); then
    say "the SARIF file of cargo lumen-gate holds no verdict: is cargo-lumen-gate older than this action?"
    gate_failed 2 "cargo lumen-gate"
    return 2
  fi
  IFS=$'\t' read -r verdict blocking <<<"$outcome"
  set_output verdict "$verdict"
  set_output blocking "$blocking"
  set_output review-path "$review"
  set_output sarif-path "$sarif"
  summary <"$review"
  say "verdict: $verdict ($blocking blocking)"

  local footer="<sub>lumen-gate on ${pr_head_sha:-${GITHUB_SHA:-HEAD}}${base:+, base $base}</sub>"
  compose_comment "$review" "$out_dir/comment.md" "$footer"
  post_comment "$out_dir/comment.md"
  return "$code"
}

# The gate (or the benchmarks) could not run: say so in the summary and, where the comment is wanted, in the
# comment (a review from an earlier push must not stand as if it were this one's).
gate_failed() {
  local code=$1 what=$2
  printf '## lumen-gate\n\n%s could not run (exit %s): the error is in the log of this step.\n' "$what" "$code" >"$out_dir/failed.md"
  summary <"$out_dir/failed.md"
  compose_comment "$out_dir/failed.md" "$out_dir/comment.md" ""
  post_comment "$out_dir/comment.md"
}

# Posts the comment when wanted and possible; says why not in the summary otherwise. Never changes the exit
# status: the verdict is the gate's.
post_comment() {
  local body=$1 wanted=${INPUT_COMMENT:-auto}
  if [ "$wanted" = auto ]; then
    if [ "${GITHUB_EVENT_NAME:-}" = pull_request ] && [ -n "$pr_number" ]; then wanted=true; else wanted=false; fi
  fi
  truthy "$wanted" || return 0
  if [ -z "$pr_number" ]; then
    warn "comment is true but this ${GITHUB_EVENT_NAME:-} event has no pull request: the review is in the step summary only"
    return 0
  fi
  # A pull request from another repository (a fork) runs with a read-only token and no secrets.
  if [ -z "$pr_head_repo" ] || [ "$pr_head_repo" != "$pr_base_repo" ]; then
    printf '\n> [!NOTE]\n> This pull request comes from a fork: its token is read-only, so the review is here in the step summary and not in a comment. To comment on pull requests from forks, see "Pull requests from forks" in the lumen-gate README (a workflow_run workflow posts the review file).\n' | summary
    say "pull request from a fork: the review is in the step summary, not in a comment (the token is read-only)"
    return 0
  fi
  if ! upsert_comment "$pr_number" "$body"; then
    printf '\n> [!WARNING]\n> The review comment could not be posted: the workflow needs `permissions: pull-requests: write`.\n' | summary
  fi
}

cmd_comment() {
  local number=${LUMEN_GATE_PR:?LUMEN_GATE_PR is not set} review=${LUMEN_GATE_REVIEW:?LUMEN_GATE_REVIEW is not set}
  case "$number" in '' | *[!0-9]*) say "LUMEN_GATE_PR must be a pull request number, got '$number'"; exit 2 ;; esac
  [ -f "$review" ] || { say "no review file at $review"; exit 2; }
  # The number comes from an artifact the pull request's own workflow wrote: with the head commit of the
  # run (from GitHub, not the artifact), a review is posted only on the pull request it was made for.
  local expected=${LUMEN_GATE_HEAD_SHA:-} pull actual
  if [ -n "$expected" ]; then
    pull=$(github_api GET "/repos/${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set}/pulls/$number") || {
      say "could not read pull request #$number"
      exit 1
    }
    actual=$(printf '%s' "$pull" | python3 -c 'import json,sys; print(json.load(sys.stdin)["head"]["sha"])')
    if [ "$actual" != "$expected" ]; then
      say "pull request #$number is at $actual, not at $expected where the review was made: no comment"
      exit 1
    fi
  fi
  mkdir -p "$out_dir"
  compose_comment "$review" "$out_dir/comment.md" ""
  upsert_comment "$number" "$out_dir/comment.md" || exit 1
}

case "${1:-review}" in
  prepare) cmd_prepare ;;
  state-key) cmd_state_key ;;
  install) cmd_install ;;
  review) cmd_review ;;
  comment) cmd_comment ;;
  *) say "unknown command '$1' (prepare, state-key, install, review, comment)"; exit 2 ;;
esac
