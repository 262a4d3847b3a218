#!/usr/bin/env python3
"""JSON and text work for action/run.sh (python3's standard library only).

Subcommands (each prints its answer on stdout):
  event                    the pull request in $GITHUB_EVENT_PATH: number, base sha, head sha, base and head
                           repository (one `key=value` line each; empty values when the event has no PR)
  split ARGS               ARGS split as a shell would (quotes kept together), NUL-separated
  bench-args ARGS          of those, the workspace options cargo lumen-bench takes too, NUL-separated
  state-dir ARGS           the workspace's lumen-gate state directory (target/lumen-gate; --manifest-path in
                           ARGS and CARGO_TARGET_DIR move it)
  outcome SARIF            the verdict and the number of blocking findings, tab-separated
  body MARKER REVIEW FOOTER FULL_AT LIMIT
                           the comment: MARKER, the review, FOOTER; cut at a line to at most LIMIT bytes
                           with a last line saying the review is cut and that the full one is at FULL_AT
  find MARKER              the id of the first comment (a JSON list on stdin) whose body starts with MARKER,
                           a bot's before a person's
  json-body FILE           {"body": <FILE's text>}
"""

import json
import os
import shlex
import sys

# Workspace options of cargo lumen-gate that cargo lumen-bench takes too: those with a value, those without.
WORKSPACE_VALUE = {"--manifest-path", "--config", "-p", "--package", "--exclude"}
WORKSPACE_FLAG = {"--workspace", "--offline", "--locked", "--frozen"}


def event():
    path = os.environ.get("GITHUB_EVENT_PATH", "")
    data = {}
    if path and os.path.isfile(path):
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    pr = data.get("pull_request") or {}

    def repo(side):
        return ((pr.get(side) or {}).get("repo") or {}).get("full_name") or ""

    fields = {
        "number": pr.get("number") or "",
        "base-sha": (pr.get("base") or {}).get("sha") or "",
        "head-sha": (pr.get("head") or {}).get("sha") or "",
        "base-repo": repo("base"),
        "head-repo": repo("head"),
    }
    for key, value in fields.items():
        # Values land in shell variables: one line each, whatever the payload holds.
        print(f"{key}={str(value).splitlines()[0] if str(value) else ''}")


def split(args):
    sys.stdout.write("".join(a + "\0" for a in shlex.split(args)))


def bench_args(args):
    words = shlex.split(args)
    out = []
    i = 0
    while i < len(words):
        word = words[i]
        name = word.split("=", 1)[0]
        if name in WORKSPACE_FLAG:
            out.append(word)
        elif name in WORKSPACE_VALUE:
            out.append(word)
            if "=" not in word and i + 1 < len(words):
                i += 1
                out.append(words[i])
        i += 1
    sys.stdout.write("".join(a + "\0" for a in out))


def state_dir(args):
    words = shlex.split(args)
    manifest = "Cargo.toml"
    for i, word in enumerate(words):
        if word == "--manifest-path" and i + 1 < len(words):
            manifest = words[i + 1]
        elif word.startswith("--manifest-path="):
            manifest = word.split("=", 1)[1]
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(os.path.dirname(manifest) or ".", "target")
    print(os.path.join(target, "lumen-gate"))


def outcome(path):
    with open(path, encoding="utf-8") as f:
        props = json.load(f)["runs"][0]["properties"]
    print(f"{props['verdict']}\t{int(props['blocking'])}")


def size(text):
    return len(text.encode("utf-8"))


def body(marker, review_path, footer, full_at, limit):
    with open(review_path, encoding="utf-8") as f:
        review = f.read().rstrip("\n")
    head = marker + "\n"
    tail = "\n\n" + footer + "\n" if footer else "\n"
    whole = head + review + tail
    if size(whole) <= limit:
        sys.stdout.write(whole)
        return
    # Cut at a line, close a code fence left open, and say where the whole review is.
    total = len(review)
    kept = []
    used = size(head) + size(tail)
    fence_open = False
    for line in review.split("\n"):
        note = cut_note(len("\n".join(kept)), total, full_at)
        closing = "\n```" if fence_open else ""
        if used + size(line) + 1 + size(closing) + size(note) > limit:
            break
        kept.append(line)
        used += size(line) + 1
        if line.lstrip().startswith("```"):
            fence_open = not fence_open
    text = "\n".join(kept)
    if fence_open:
        text += "\n```"
    sys.stdout.write(head + text + cut_note(len("\n".join(kept)), total, full_at) + tail)


def cut_note(shown, total, full_at):
    return (
        f"\n\n---\n**The review is cut here ({shown:,} of {total:,} characters: a pull-request comment holds "
        f"at most 65,536). The full review is in {full_at}.**"
    )


def find(marker):
    comments = json.load(sys.stdin)
    ours = [c for c in comments if (c.get("body") or "").startswith(marker)]
    # A bot's (the workflow token's) first, so a person's comment that starts with the marker is not taken
    # over while the real one exists.
    ours.sort(key=lambda c: ((c.get("user") or {}).get("type") != "Bot"))
    if ours:
        print(ours[0]["id"])


def json_body(path):
    with open(path, encoding="utf-8") as f:
        sys.stdout.write(json.dumps({"body": f.read()}))


def main():
    command, args = sys.argv[1], sys.argv[2:]
    if command == "event":
        event()
    elif command == "split":
        split(args[0])
    elif command == "bench-args":
        bench_args(args[0])
    elif command == "state-dir":
        state_dir(args[0])
    elif command == "outcome":
        outcome(args[0])
    elif command == "body":
        body(args[0], args[1], args[2], args[3], int(args[4]))
    elif command == "find":
        find(args[0])
    elif command == "json-body":
        json_body(args[0])
    else:
        sys.exit(f"helper.py: unknown command {command}")


if __name__ == "__main__":
    main()
