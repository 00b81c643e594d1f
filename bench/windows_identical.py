#!/usr/bin/env python3
"""Rules run in windows before their literals (lw_match, issue 20) against the same rules run
over the whole text (LAWWATCH_NO_WINDOWS=1): `lawwatch extract --format json` both ways over a
bench corpus, every document compared field by field; prints the counts, the first
differences and the CPU time of each way (user+sys of the extract processes). Exit status 1
when a document differs. tests/scripts/t_windows_identical.py is the same check in the test
suite, on smaller inputs.

  windows_identical.py [--bin build/lawwatch] [--chunk 1000] DIR
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time


def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def extract(binary, files, windows):
    env = dict(os.environ, LAWWATCH_NO_WINDOWS="0" if windows else "1")
    t0, c0 = time.perf_counter(), cpu()
    p = subprocess.run([binary, "extract", "--format", "json", *files], env=env, capture_output=True)
    dt, dc = time.perf_counter() - t0, cpu() - c0
    if p.returncode not in (0, 1):
        sys.exit("windows_identical.py: extract failed (%d): %s" % (p.returncode, p.stderr.decode()[-500:]))
    docs = {}
    for line in p.stdout.decode("utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            docs[d["path"]] = d
    return docs, dt, dc


def diff(want, got, where=""):
    if isinstance(want, dict) and isinstance(got, dict):
        for k in sorted(set(want) | set(got)):
            yield from diff(want.get(k), got.get(k), "%s.%s" % (where, k) if where else k)
    elif isinstance(want, list) and isinstance(got, list) and len(want) == len(got):
        for i, (a, b) in enumerate(zip(want, got)):
            yield from diff(a, b, "%s[%d]" % (where, i))
    elif want != got:
        yield "%s: without windows %r, with %r" % (where, want, got)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--bin", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "lawwatch"))
    ap.add_argument("--chunk", type=int, default=1000)
    a = ap.parse_args()
    files = sorted(os.path.join(a.dir, f) for f in os.listdir(a.dir) if f.endswith(".txt"))
    n_docs = n_facts = n_bad = 0
    t = {True: [0.0, 0.0], False: [0.0, 0.0]}
    shown = 0
    for i in range(0, len(files), a.chunk):
        part = files[i:i + a.chunk]
        got = {}
        for windows in (False, True):
            docs, dt, dc = extract(a.bin, part, windows)
            got[windows] = docs
            t[windows][0] += dt
            t[windows][1] += dc
        off, on = got[False], got[True]
        for path in sorted(set(off) | set(on)):
            n_docs += 1
            n_facts += len((off.get(path) or {}).get("facts", []))
            if off.get(path) != on.get(path):
                n_bad += 1
                for line in list(diff(off.get(path), on.get(path)))[:5]:
                    if shown < 40:
                        print("%s: %s" % (os.path.basename(path), line))
                        shown += 1
        print("%d/%d documents, %d differing" % (min(i + a.chunk, len(files)), len(files), n_bad), file=sys.stderr)
    print("documents: %d of %d files, facts: %d, differing documents: %d" % (n_docs, len(files), n_facts, n_bad))
    for windows in (False, True):
        print("extract %s windows: %.1f s wall, %.1f s CPU" % ("with" if windows else "without", t[windows][0],
                                                                 t[windows][1]))
    sys.exit(1 if n_bad or n_docs != len(files) else 0)


if __name__ == "__main__":
    main()
