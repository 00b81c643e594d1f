#!/usr/bin/env python3
"""Rewrite gold files in the folder's layout (one duty a line) and check them.

Usage: fmt.py FILE.json...   Checks: keys, ISO dates, that `line` exists in the document and
is not blank, and names that look like abbreviations (UBND) rather than canonical forms."""
import json, os, re, sys, datetime

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", ".."))
KEYS = ["line", "to", "lead", "concerns", "activity", "note", "doubt"]

def check(path, d):
    errs = []
    doc = os.path.join(ROOT, d["path"])
    lines = open(doc, encoding="utf-8").read().split("\n")
    for u in d["duties"]:
        for k in u:
            if k not in KEYS:
                errs.append(f"unknown key {k}")
        datetime.date.fromisoformat(u["to"])
        if not (1 <= u["line"] <= len(lines)) or not lines[u["line"] - 1].strip():
            errs.append(f"line {u['line']} blank or out of range")
        if not u["lead"]:
            errs.append(f"line {u['line']}: no lead")
        for n in u["lead"] + u.get("concerns", []):
            if re.search(r"\bUBND\b|Uỷ", n):
                errs.append(f"line {u['line']}: not canonical: {n}")
    return errs

def dump(d):
    out = ['{"path": %s,' % json.dumps(d["path"], ensure_ascii=False), ' "duties": [']
    rows = []
    for u in d["duties"]:
        u.setdefault("concerns", [])
        o = {k: u[k] for k in KEYS if k in u}
        rows.append("  " + json.dumps(o, ensure_ascii=False))
    out.append(",\n".join(rows))
    out.append(" ]}")
    return "\n".join(out) + "\n" if rows else '{"path": %s,\n "duties": []}\n' % json.dumps(d["path"], ensure_ascii=False)

bad = 0
for f in sys.argv[1:]:
    d = json.load(open(f, encoding="utf-8"))
    d["duties"].sort(key=lambda u: u["line"])
    for e in check(f, d):
        print(f"{f}: {e}"); bad = 1
    open(f, "w", encoding="utf-8").write(dump(d))
sys.exit(bad)
