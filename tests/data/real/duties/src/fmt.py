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
    rows = []
    for u in d["duties"]:
        u.setdefault("concerns", [])
        rows.append("  " + json.dumps({k: u[k] for k in KEYS if k in u}, ensure_ascii=False))
    out = '{"path": %s,\n' % json.dumps(d["path"], ensure_ascii=False)
    out += ' "duties": [\n' + ",\n".join(rows) + "\n ]" if rows else ' "duties": []'
    if d.get("not_duties"):
        out += ',\n "not_duties": [\n' + ",\n".join(
            "  " + json.dumps(n, ensure_ascii=False) for n in d["not_duties"]) + "\n ]"
    return out + "}\n"

bad = 0
for f in sys.argv[1:]:
    d = json.load(open(f, encoding="utf-8"))
    d["duties"].sort(key=lambda u: u["line"])
    for e in check(f, d):
        print(f"{f}: {e}"); bad = 1
    open(f, "w", encoding="utf-8").write(dump(d))
sys.exit(bad)
