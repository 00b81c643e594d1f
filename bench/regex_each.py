#!/usr/bin/env python3
"""Every rule's pattern over every line: one `pcre2grep -c` run per rule over the corpus,
each timed; the total is the regex floor for running all the rules (a combined `-f` run
stops at the first pattern that matches a line). Writes the times and match counts per
rule, slowest first.

  regex_each.py --rules DIR --dir CORPUS --json OUT
"""
import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rule_patterns  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rules", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--json", required=True)
    a = ap.parse_args()
    rows = []
    t_all = time.perf_counter()
    left_out = []
    for p in rule_patterns.load(a.rules):
        if len(p["pcre2grep"].encode()) > 8192:  # pcre2grep's own limit (the agency gazetteer)
            left_out.append(p["id"])
            continue
        t0 = time.perf_counter()
        r = subprocess.run(["pcre2grep", "-u", "-c", "-r", "--include=\\.txt$", "-e", p["pcre2grep"], a.dir],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        dt = time.perf_counter() - t0
        if r.returncode > 1:
            sys.exit("regex_each.py: pcre2grep failed on %s: %s" % (p["id"], r.stderr.strip()))
        lines = sum(int(l.rsplit(":", 1)[1]) for l in r.stdout.splitlines() if ":" in l)
        rows.append({"id": p["id"], "file": p["file"], "seconds": round(dt, 4), "matching_lines": lines})
    total = time.perf_counter() - t_all
    rows.sort(key=lambda r: -r["seconds"])
    with open(a.json, "w") as f:
        json.dump({"total_seconds": total, "rules": rows, "left_out": left_out}, f, ensure_ascii=False, indent=1)
    print("  regex floor, each rule separately: %.2f s over %d rules" % (total, len(rows))
          + (" (%d left out: over pcre2grep's 8192 bytes)" % len(left_out) if left_out else ""))


if __name__ == "__main__":
    main()
