#!/usr/bin/env python3
"""Duties stated in tables (analyzer/extract/lw_duty_table.c): each tests/data/duty_tables/NAME.txt
is extracted and its duties of source "table" are compared, in text order and field by
field, with the expected duties of NAME.json (written by reading the crafted table, never
copied from lawwatch). Each expected duty gives "line" (the row's line), "to", and any of
"from", "precision", "qualifier", "lead", "partners", "activity", "output", "section",
"stage" to check. "other_duties" (optional) lists the lines where a duty of another source
must remain; without it, no duty of another source may start on a table row."""
import glob, json, os, sys

import lwtest

BIN, SRC = lwtest.paths()
os.chdir(SRC)
failures = 0
cases = sorted(glob.glob("tests/data/duty_tables/*.txt"))
lwtest.check(cases, "cases in tests/data/duty_tables")
for txt in cases:
    exp = lwtest.expected(txt[:-4] + ".json")
    rc, out, err = lwtest.run("extract", "--format", "json", txt)
    if exp is None or not lwtest.check(rc == 0, "%s: extract runs: %s" % (txt, err)):
        failures += 1
        continue
    rec = json.loads(out)
    duties = [f for f in rec["facts"] if f["kind"] == "duty"]
    got = [f for f in duties if f.get("source") == "table"]
    errs = []
    if len(got) != len(exp["duties"]):
        errs.append("expected %d table duties, got %d: %s" % (
            len(exp["duties"]), len(got), [(g["line"], g["deadline"]["to"], g["lead"]) for g in got]))
    for i, (e, g) in enumerate(zip(exp["duties"], got)):
        d = g.get("deadline") or {}
        have = {"line": d.get("line", g["line"]), "to": d.get("to"), "from": d.get("from"),
                "precision": d.get("precision"), "qualifier": d.get("qualifier"), "lead": g["lead"],
                "partners": g["partners"], "activity": g.get("activity"), "output": g.get("output"),
                "section": g.get("section"), "stage": g.get("stage")}
        for k, v in e.items():
            if k != "note" and have.get(k) != v:
                errs.append("duty %d (line %s): %s expected %r, got %r" % (i + 1, e.get("line"), k, v, have.get(k)))
    table_lines = {g["line"] for g in got}
    others = sorted(f["line"] for f in duties if f.get("source") != "table" and f["line"] in table_lines)
    if others != sorted(exp.get("other_duties", [])):
        errs.append("duties of other sources on table rows: %s" % others)
    print("%s %s" % ("ok  " if not errs else "FAIL", os.path.basename(txt)))
    for m in errs:
        print("     " + m)
    failures += bool(errs)
    lwtest.check(not errs, os.path.basename(txt))
print("%d of %d cases failed" % (failures, len(cases)))
lwtest.done()
