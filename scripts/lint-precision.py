#!/usr/bin/env python3
"""Precision of every lint rule on real crates from crates.io, from hand-labelled samples, and recall of
no-unwrap / no-panic against clippy, line for line.

    python3 scripts/lint-precision.py              # the figures (and the samples still to label)
    python3 scripts/lint-precision.py --clippy     # also recall against clippy (builds each crate)
    python3 scripts/lint-precision.py --markdown   # also the figures as the README's table
    python3 scripts/lint-precision.py --gate PATH  # use this cargo-lumen-gate binary instead of building one

The crates and their hot paths are in scripts/precision/crates.txt (`crate@version tuning|test hot-paths..`):
the TUNING set may be read while changing a rule, the TEST set never is; precision is reported for each set
on its own. The labels are in scripts/precision/labels.tsv, one line per sampled finding:

    crate  rule  file  line  item  code  label  note

`label` is `tp` (a Rust expert agrees), `fp` (a Rust expert would call it false) or empty (not labelled
yet). A finding is keyed by crate, rule, file, item and code, so labels survive line moves. For every
rule, up to SAMPLE findings of the tuning set and TEST_SAMPLE of the test set are sampled (all when there are
fewer), in an order fixed by a hash of the key, so a re-run samples the same ones; the advice rules (EVERY)
are labelled in full on the tuning set. Precision counts every labelled finding still found, so labels from earlier samples
keep counting when crates are added. Findings that a rule change removes or adds show up as unlabelled
or as labels without a finding. `--todo tuning|test` lists only that set's findings still to label.
"""

import collections
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "scripts", "precision")
SAMPLE = 25
TEST_SAMPLE = 30
SETS = ("tuning", "test")
# The Performance Checklist's advice rules fire rarely: every finding is labelled.
EVERY = {"string-interning", "collection-types", "rc-copy-on-write", "error-path-alloc", "const-generics"}


def sh(args, **kw):
    return subprocess.run(args, check=True, **kw)


def crates():
    """(crate@version, hot paths, set) of every crate of scripts/precision/crates.txt."""
    out = []
    path = os.path.join(DATA, "crates.txt")
    for number, line in enumerate(open(path), 1):
        line = line.split("#", 1)[0].strip()
        if line:
            spec, *rest = line.split()
            if not rest or rest[0] not in SETS:
                sys.exit(f"{path}:{number}: `{spec}` names no set: write `tuning` or `test` after it")
            out.append((spec, rest[1:], rest[0]))
    return out


def crate_name(spec):
    return spec.split("@")[0]


def fetch(spec, work):
    """The crate's published source, copied into `work` as a workspace of its own."""
    name, version = spec.split("@")
    fetch_dir = os.path.join(work, "fetch-" + name)
    os.makedirs(os.path.join(fetch_dir, "src"), exist_ok=True)
    open(os.path.join(fetch_dir, "src", "lib.rs"), "w").close()
    with open(os.path.join(fetch_dir, "Cargo.toml"), "w") as f:
        f.write(f'[package]\nname = "fetch"\nversion = "0.0.0"\nedition = "2021"\n\n'
                f'[dependencies]\n{name} = "={version}"\n\n[workspace]\n')
    sh(["cargo", "fetch", "-q", "--manifest-path", os.path.join(fetch_dir, "Cargo.toml")])
    home = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
    registry = os.path.join(home, "registry", "src")
    # A version with build metadata (toml_parser 1.1.5+spec-1.1.0) is unpacked under its full name.
    src = next(os.path.join(registry, d, f"{name}-{version}") for d in os.listdir(registry)
               if os.path.isdir(os.path.join(registry, d, f"{name}-{version}")))
    dest = os.path.join(work, name)
    shutil.copytree(src, dest)
    manifest = os.path.join(dest, "Cargo.toml")
    text = open(manifest).read()
    if "[workspace]" not in text:
        with open(manifest, "a") as f:
            f.write("\n[workspace]\n")
    return name, dest


def scan(gate, name, dest, hot):
    """The lints' findings on one crate, its hot paths declared and the nursery's rules on (a build of the tool
    that has no nursery is run without it)."""
    for nursery in (True, False):
        with open(os.path.join(dest, "lumen-gate.toml"), "w") as f:
            f.write("[lints]\n" + ("nursery = true\n" if nursery else "")
                    + ("hot-paths = [" + ", ".join(json.dumps(h) for h in hot) + "]\n" if hot else ""))
        out = subprocess.run([gate, "--only", "lints", "--format", "json", "-q", "--manifest-path",
                              os.path.join(dest, "Cargo.toml")], capture_output=True, text=True)
        if out.returncode == 2 and nursery and "`nursery`" in out.stderr:
            continue
        if out.returncode not in (0, 1):
            sys.exit(f"lumen-gate failed on {name}:\n{out.stderr}")
        return json.loads(out.stdout)["findings"]


def key(crate, f):
    code = f.get("code") or {}
    # A key sits on one line of labels.tsv: line breaks and tabs in the code are written as \\n and \\t.
    text = code.get("text", "").replace("\n", "\\n").replace("\t", "\\t")
    return (crate, f["rule_id"], f["location"]["file"], code.get("item", ""), text)


def order(k):
    return hashlib.sha1("\t".join(k).encode()).hexdigest()


def read_labels():
    labels = {}
    path = os.path.join(DATA, "labels.tsv")
    if not os.path.exists(path):
        return labels
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        cols = line.rstrip("\n").split("\t")
        cols += [""] * (8 - len(cols))
        crate, rule, file, _line, item, code, label, note = cols[:8]
        labels[(crate, rule, file, item, code)] = (label, note)
    return labels


def context(dest, f, around=3):
    path = os.path.join(dest, f["location"]["file"])
    lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    at = f["location"]["line"] - 1
    lo, hi = max(0, at - around), min(len(lines), at + around + 1)
    return "\n".join(f"      {'>' if i == at else ' '} {i + 1:5} {lines[i]}" for i in range(lo, hi))


# What clippy's findings of each rule look like in the code as written.
WRITTEN = {"no-unwrap": ("unwrap", "expect"),
           "no-panic": ("panic!", "todo!", "unimplemented!", "unreachable!")}


def clippy_lines(dest):
    """(file, first line, last line) of clippy's unwrap_used/expect_used and
    panic/todo/unimplemented/unreachable: the span of the whole expression, which starts at the receiver
    of a method chain written over several lines."""
    lints = ["-A", "clippy::all", "-W", "clippy::unwrap_used", "-W", "clippy::expect_used", "-W",
             "clippy::panic", "-W", "clippy::todo", "-W", "clippy::unimplemented", "-W",
             "clippy::unreachable"]
    out = subprocess.run(["cargo", "clippy", "-q", "--lib", "--message-format=json", "--"] + lints,
                         cwd=dest, capture_output=True, text=True)
    found = {"no-unwrap": set(), "no-panic": set()}
    for line in out.stdout.splitlines():
        m = json.loads(line)
        if m.get("reason") != "compiler-message" or not m["message"].get("code"):
            continue
        code = m["message"]["code"]["code"]
        if code in ("clippy::unwrap_used", "clippy::expect_used"):
            rule = "no-unwrap"
        elif code in ("clippy::panic", "clippy::todo", "clippy::unimplemented", "clippy::unreachable"):
            rule = "no-panic"
        else:
            continue  # rustc's own warnings
        for span in m["message"]["spans"]:
            if span["is_primary"]:
                found[rule].add((span["file_name"], span["line_start"], span["line_end"]))
    return found


def gate_binary():
    """`--gate PATH`, else the release build of this checkout."""
    if "--gate" in sys.argv:
        return os.path.abspath(sys.argv[sys.argv.index("--gate") + 1])
    sh(["cargo", "build", "--release", "--locked", "-q", "-p", "cargo-lumen-gate"], cwd=ROOT)
    return os.path.join(ROOT, "target", "release", "cargo-lumen-gate")


def rule_ids():
    """{rule id: in the nursery (off by default)} of the rules the tool defines (`id: "rule-id"`, then
    `nursery: true` in its RuleInfo, under shared/src/lints), to name the rules that never fired."""
    ids = {}
    for base, _, files in os.walk(os.path.join(ROOT, "shared", "src", "lints")):
        for file in files:
            if file.endswith(".rs"):
                text = open(os.path.join(base, file)).read()
                for m in re.finditer(r'\bid: "([a-z][a-z-]+)",((?:\n[^\n]*){0,3})', text):
                    ids[m.group(1)] = "nursery: true" in m.group(2)
    return ids


def share(tp, fp):
    return f"{tp / (tp + fp):.2f}" if tp + fp else "-"


def report(rows, silent, nursery, markdown):
    """Precision per rule, the tuning and the test set apart, each with its counts."""
    print(f"{'':26} {'TUNING':^36}   {'TEST':^36}")
    print(f"{'rule':26} " + "   ".join(f"{'findings':>8} {'labelled':>8} {'tp':>4} {'fp':>4} {'prec':>6}"
                                        for _ in SETS))
    total = {which: [0, 0] for which in SETS}
    for rule, per_set, crates_count in rows:
        cells = []
        for which in SETS:
            n, tp, fp = per_set[which]
            total[which][0] += tp
            total[which][1] += fp
            cells.append(f"{n:>8} {tp + fp:>8} {tp:>4} {fp:>4} {share(tp, fp):>6}")
        label = rule + (" (nursery)" if rule in nursery else "")
        print(f"{label:26} " + "   ".join(cells)
              + f"   ({', '.join(f'{c} {n}' for c, n in sorted(crates_count.items()))})")
    print(f"{'all rules':26} " + "   ".join(
        f"{'':>8} {sum(total[w]):>8} {total[w][0]:>4} {total[w][1]:>4} {share(*total[w]):>6}" for w in SETS))
    if silent:
        print(f"no finding on any crate: {', '.join(silent)}")
    if markdown:
        print("\n| rule | tuning findings | tuning labelled (fp) | tuning precision "
              "| test findings | test labelled (fp) | test precision |")
        print("|---|---|---|---|---|---|---|")
        for rule, per_set, _ in rows:
            cells = []
            for which in SETS:
                n, tp, fp = per_set[which]
                cells += [str(n), f"{tp + fp} ({fp})", share(tp, fp)]
            print(f"| `{rule}`{' (nursery)' if rule in nursery else ''} | " + " | ".join(cells) + " |")
        print("| all rules | | " + " | | ".join(
            f"{sum(total[w])} ({total[w][1]}) | {share(*total[w])}" for w in SETS) + " |")
        if silent:
            print(f"| {', '.join(f'`{r}`' for r in silent)} | 0 | | | 0 | | |")


def main():
    with_clippy = "--clippy" in sys.argv
    gate = gate_binary()
    labels = read_labels()
    work = tempfile.mkdtemp(prefix="lint-precision-")
    try:
        findings = []  # (key, finding, dest)
        recall = collections.defaultdict(lambda: [0, 0])
        missed = []  # clippy's findings that no finding of ours covers
        generated = collections.Counter()  # clippy's findings in macro-generated code
        set_of = {}  # crate name -> "tuning" or "test"
        for spec, hot, which in crates():
            name, dest = fetch(spec, work)
            set_of[name] = which
            for f in scan(gate, name, dest, hot):
                findings.append((key(name, f), f, dest))
            if with_clippy:
                ours = {"no-unwrap": set(), "no-panic": set()}
                for k, f, d in findings:
                    if k[0] == name and k[1] in ours:
                        ours[k[1]].add((f["location"]["file"], f["location"]["line"]))
                for rule, spans in clippy_lines(dest).items():
                    for file, first, last in sorted(spans):
                        if os.path.basename(file) == "build.rs":
                            continue  # a build script is not library code
                        # Code a macro generated (rhai's #[export_module]): clippy points at the macro's input,
                        # whose text holds no unwrap or panic; nobody can fix it there. Counted apart.
                        text = "\n".join(open(os.path.join(dest, file), encoding="utf-8", errors="replace")
                                         .read().splitlines()[first - 1:last])
                        if not any(word in text for word in WRITTEN[rule]):
                            generated[rule] += 1
                            continue
                        recall[rule][1] += 1
                        if any((file, n) in ours[rule] for n in range(first, last + 1)):
                            recall[rule][0] += 1
                        else:
                            missed.append((name, rule, file, first, dest))
        by_rule = collections.defaultdict(list)
        for item in findings:
            by_rule[item[0][1]].append(item)
        todo = []
        seen = set()
        rows = []  # (rule, {set: (findings, tp, fp)}, crates)
        for rule in sorted(by_rule):
            items = sorted(by_rule[rule], key=lambda i: order(i[0]))
            per_set = {}
            for which in SETS:
                mine = [i for i in items if set_of[i[0][0]] == which]
                size = SAMPLE if which == "tuning" else TEST_SAMPLE
                # The advice rules are labelled in full on the tuning set; the test set samples every rule.
                for k, f, dest in (mine if rule in EVERY and which == "tuning" else mine[:size]):
                    seen.add(k)
                    # Findings with one key (the same code twice in one fn) share one label.
                    if labels.get(k, ("", ""))[0] not in ("tp", "fp") and k not in {t[1] for t in todo}:
                        todo.append((which, k, f, dest))
                counts = collections.Counter(labels.get(k, ("", ""))[0] for k, _, _ in mine)
                per_set[which] = (len(mine), counts["tp"], counts["fp"])
            rows.append((rule, per_set, collections.Counter(k[0] for k, _, _ in items)))
        info = rule_ids()
        silent = sorted(set(info) - set(by_rule))
        report(rows, silent, {r for r, nursery in info.items() if nursery}, markdown="--markdown" in sys.argv)
        if with_clippy:
            for rule, (hit, total) in sorted(recall.items()):
                share = f"{hit / total:.2f}" if total else "-"
                print(f"recall of {rule} against clippy: {hit}/{total} = {share}"
                      f" ({generated[rule]} more in macro-generated code, not counted)")
            for name, rule, file, line, dest in missed:
                text = open(os.path.join(dest, file), encoding="utf-8", errors="replace").read().splitlines()
                print(f"  missed: {name} {rule} {file}:{line}  {text[line - 1].strip()[:90]}")
        found = {k for k, _, _ in findings}
        still_false = [k for k in found if labels.get(k, ("", ""))[0] == "fp"]
        if still_false:
            print(f"\n{len(still_false)} findings labelled false are still found:")
            for k in sorted(still_false):
                print(f"  fp: {k[0]} {k[1]} {k[2]} {k[3]} {k[4][:80]}")
        gone = [k for k in labels if k not in found]
        unsampled = [k for k in labels if k in found and k not in seen]
        if unsampled:
            print(f"\n{len(unsampled)} labels belong to findings of earlier samples (counted too).")
        if gone:
            lost = [k for k in gone if labels[k][0] == "tp"]
            print(f"\n{len(gone)} labelled findings are gone: {len(gone) - len(lost)} false ones fixed, "
                  f"{len(lost)} true ones lost (a rule change missed them):")
            for k in lost:
                print(f"  lost: {k[0]} {k[1]} {k[2]} {k[3]} {k[4][:80]}")
        only = sys.argv[sys.argv.index("--todo") + 1] if "--todo" in sys.argv else None
        todo = [t for t in todo if only in (None, t[0])]
        if todo:
            print(f"\n{len(todo)} sampled findings to label (append to scripts/precision/labels.tsv):")
            for which, k, f, dest in todo:
                loc = f["location"]
                print(f"\n# {which}\n{k[0]}\t{k[1]}\t{loc['file']}\t{loc['line']}\t{k[3]}\t{k[4]}\t\t")
                print(f"      {f['severity']} {f['message']}")
                print(context(dest, f))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
