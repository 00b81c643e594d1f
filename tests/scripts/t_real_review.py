#!/usr/bin/env python3
"""The reviewed outputs on the real corpus: corpus/ (the 5 core documents and the 33 real
documents of corpus/extra/) is ingested, together with a second copy of corpus/extra/ at
another path (one content is one document, so the copy must change nothing), and

  report --as-of 2025-12-01 in every format (text, md, html, csv, json), and
  check (table and json), check --unknown

are compared with tests/golden/real/. Every item of the report and every finding of check
was reviewed by hand: tests/golden/real/review.tsv holds one line per item with the reason it
is true. The test fails when an output changes, when an item has no reviewed line, or when a
reviewed line names an item that is gone.

Usage: t_real_review.py LAWWATCH SRC [--update]   (--update rewrites the outputs, never the
review: a new item must be reviewed and written into review.tsv by hand)."""
import json
import os
import shutil
import subprocess
import sys

import lwtest

AS_OF = "2025-12-01"


def run(args, cwd):
    rc, out, err = lwtest.run(*args[1:], exe=args[0], cwd=cwd)
    if rc not in (0, 1):
        sys.exit(f"{' '.join(args)}: exit {rc}\n{err}")
    return out


def item_key(it):
    """What identifies a report item in review.tsv."""
    return ("report", it.get("status", ""), it.get("unit", ""), it.get("path", ""), str(it.get("line", "")))


def finding_key(f):
    """What identifies a finding: unknown citations are reviewed per document."""
    if f.get("code") == "citation.unknown":
        return ("check", "citation.unknown", "", f.get("path", ""), "")
    return ("check", f.get("code", ""), "", f.get("path", ""), str(f.get("line", "")))


def main():
    bin_, src = lwtest.paths()
    update = lwtest.UPDATE
    gdir = os.path.join(src, "tests", "golden", "real")
    tmp = lwtest.mkdtemp("lw-review-")
    try:
        shutil.copytree(os.path.join(src, "corpus"), os.path.join(tmp, "corpus"))
        # the same 33 files again at other paths (as when corpus-extra/ is ingested beside it)
        shutil.copytree(os.path.join(src, "corpus", "extra"), os.path.join(tmp, "copy"))
        db = os.path.join(tmp, "lw.db")
        run([bin_, "ingest", "--db", db, "--jobs", "2", "corpus", "copy"], tmp)
        outs = {}
        for fmt in ("txt", "md", "html", "csv", "json"):
            arg = "text" if fmt == "txt" else fmt
            outs[f"report.{fmt}"] = run([bin_, "report", "--db", db, "--as-of", AS_OF, "--format", arg], tmp)
        outs["check.txt"] = run([bin_, "check", "--db", db], tmp)
        outs["check.json"] = run([bin_, "check", "--db", db, "--format", "json"], tmp)
        outs["check-unknown.txt"] = run([bin_, "check", "--db", db, "--unknown"], tmp)
    finally:
        lwtest.cleanup(tmp)

    bad = 0
    for name, text in outs.items():
        gp = os.path.join(gdir, name)
        if lwtest.update(gp, text):
            continue
        # a missing golden fails, and is not written (lwtest.expected)
        want = lwtest.expected(gp, as_json=False)
        if want is None or not lwtest.compare_text(want, text, "golden/" + name, context=1):
            bad += 1

    # every item reviewed, every review line an item
    keys = {item_key(it) for it in json.loads(outs["report.json"]).get("items", [])}
    keys |= {finding_key(f) for f in json.loads(outs["check.json"])}
    reviewed = {}
    rp = os.path.join(gdir, "review.tsv")
    if os.path.exists(rp):
        for n, line in enumerate(open(rp, encoding="utf-8"), 1):
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) != 6 or not cols[5].strip():
                print(f"review.tsv:{n}: want 6 tab-separated columns, the last a reason: {line!r}")
                bad += 1
                continue
            reviewed[tuple(cols[:5])] = n
    for k in sorted(keys - set(reviewed)):
        print("not reviewed: " + "\t".join(k))
        bad += 1
    for k in sorted(set(reviewed) - keys):
        print(f"review.tsv:{reviewed[k]}: no such item any more: " + "\t".join(k))
        bad += 1
    print(f"{len(keys)} items reviewed; {bad} problems")
    return 1 if bad and not update else 0


if __name__ == "__main__":
    sys.exit(main())
