#!/usr/bin/env python3
"""Duties of crafted documents (tests/data/duties/NAME.txt) against what a careful reader
finds in them (NAME.json): every duty lawwatch extracts, in text order, field by field.
Each crafted document shows one class of real correspondence (issue 15): deadlines given to
groups and to a letter's addressees, requests, headings that are no activity, duties to
direct others, narrated events, tables, a decision's attached programme.

NAME.json: {"duties": [{"line", "to" (null: no deadline), "lead", "concerns" (default []),
"source", "activity" (exact), "recurring" (the words of an undated time frame): optional}]}. Usage: t_duties.py LAWWATCH SRC"""
import glob, json, os, sys

import lwtest

FIELDS = ("line", "to", "lead", "concerns", "source", "activity", "recurring")


def main():
    bin_, src = lwtest.paths()
    data = lwtest.data("duties")
    cases = sorted(glob.glob(os.path.join(data, "*.json")))
    lwtest.check(cases, "cases in " + data)
    for want_path in cases:
        txt = want_path[:-5] + ".txt"
        name = os.path.basename(txt)
        rc, out, err = lwtest.run("extract", "--format", "json", txt)
        if not lwtest.check(rc == 0, f"{name}: extract runs: {err}"):
            continue
        rec = json.loads(out.splitlines()[0])
        got = [f for f in rec["facts"] if f["kind"] == "duty"]
        want = lwtest.expected(want_path)["duties"]
        # each duty as the reader wrote it: the fields the expected duty names ("concerns"
        # always, default []), so that a diff names the duty and the field
        have = []
        for i, g in enumerate(got):
            w = want[i] if i < len(want) else {}
            full = {"line": g["line"], "to": (g.get("deadline") or {}).get("to"), "lead": g["lead"],
                    "concerns": g.get("concerns", []), "source": g.get("source"), "activity": g.get("activity"),
                    "recurring": g.get("recurring")}
            have.append({k: full[k] for k in FIELDS if k in w or k == "concerns" or not w})
        want = [dict(w, concerns=w.get("concerns", [])) for w in want]
        lwtest.compare(want, have, name)
    lwtest.done("duties")


main()
