#!/usr/bin/env python3
"""Duties of crafted documents (tests/data/duties/NAME.txt) against what a careful reader
finds in them (NAME.json): every duty lawwatch extracts, in text order, field by field.
Each crafted document shows one class of real correspondence (issue 15): deadlines given to
groups and to a letter's addressees, requests, headings that are no activity, duties to
direct others, narrated events, tables, a decision's attached programme.

NAME.json: {"duties": [{"line", "to" (null: no deadline), "lead", "concerns" (default []),
"source", "activity" (exact), "recurring" (the words of an undated time frame): optional}]}. Usage: t_duties.py LAWWATCH SRC"""
import glob, json, os, subprocess, sys

def main():
    bin_, src = sys.argv[1], sys.argv[2]
    data = os.path.join(src, "tests", "data", "duties")
    bad = 0
    for want_path in sorted(glob.glob(os.path.join(data, "*.json"))):
        txt = want_path[:-5] + ".txt"
        name = os.path.basename(txt)
        out = subprocess.run([bin_, "extract", "--format", "json", txt], capture_output=True, text=True)
        if out.returncode != 0:
            print(f"{name}: extract failed: {out.stderr}")
            bad += 1
            continue
        rec = json.loads(out.stdout.splitlines()[0])
        got = [f for f in rec["facts"] if f["kind"] == "duty"]
        want = json.load(open(want_path, encoding="utf-8"))["duties"]
        for i in range(max(len(got), len(want))):
            g = got[i] if i < len(got) else None
            w = want[i] if i < len(want) else None
            if g is None or w is None:
                print(f"{name}: duty {i}: want {w}\n   got {None if g is None else {k: g.get(k) for k in ('line', 'lead', 'activity')}}")
                bad += 1
                continue
            have = {"line": g["line"], "to": (g.get("deadline") or {}).get("to"), "lead": g["lead"],
                    "concerns": g.get("concerns", []), "source": g.get("source"), "activity": g.get("activity"), "recurring": g.get("recurring")}
            for k in ("line", "to", "lead", "concerns", "source", "activity", "recurring"):
                if k not in w and k not in ("concerns",):
                    continue
                if have[k] != w.get(k, []):
                    print(f"{name}: duty {i} (line {have['line']}): {k}: want {w.get(k, [])!r}, got {have[k]!r}")
                    bad += 1
    print(f"duties: {bad} differences")
    return 1 if bad else 0

sys.exit(main())
