#!/usr/bin/env python3
"""store_compare: two lawwatch builds give the same answers from their own databases of the
same files (issue 20: each fact stored once, schema 7, must change nothing a reader sees).

    store_compare.py --a BIN_A --b BIN_B --db-a DB_A --db-b DB_B [--ingest CORPUS] [--show N]
                     [--as-of YYYY-MM-DD]

With --ingest, each build first ingests CORPUS (--jobs 1, so that document ids are the same)
into its database; else both databases exist. Then compares, byte for byte: check --format
json, report --format json and text, search --format json for the queries of
bench/queries.txt, and show --format json of N documents spread over the ids (every one when
N is 0). Prints one line per comparison and a summary; exit 1 when anything differs. Standard
library only; the builds are run as given (a wrapper script that sets LD_LIBRARY_PATH works).
"""
import argparse
import os
import subprocess
import sys


def run(binary, *args):
    p = subprocess.run([binary, *args], capture_output=True)
    return p.returncode, p.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--a", required=True)
    ap.add_argument("--b", required=True)
    ap.add_argument("--db-a", required=True)
    ap.add_argument("--db-b", required=True)
    ap.add_argument("--ingest")
    ap.add_argument("--show", type=int, default=200)
    ap.add_argument("--as-of", default="2025-09-01")
    o = ap.parse_args()
    if o.ingest:
        for b, db in ((o.a, o.db_a), (o.b, o.db_b)):
            rc, _ = run(b, "ingest", "--jobs", "1", "--db", db, o.ingest)
            if rc not in (0, 1):
                sys.exit("ingest with %s failed (%d)" % (b, rc))
    here = os.path.dirname(os.path.abspath(__file__))
    queries = [q.strip() for q in open(os.path.join(here, "queries.txt"), encoding="utf-8")
               if q.strip() and not q.startswith("#")][:20]
    cases = [("check", ["check", "--format", "json"]),
             ("report json", ["report", "--as-of", o.as_of, "--format", "json"]),
             ("report text", ["report", "--as-of", o.as_of, "--format", "text"])]
    cases += [("search %s" % q, ["search", "--format", "json", "--limit", "50", q]) for q in queries]
    import sqlite3
    ids = [r[0] for r in sqlite3.connect(o.db_a).execute("SELECT id FROM documents ORDER BY id")]
    step = max(1, len(ids) // o.show) if o.show else 1
    cases += [("show %d" % i, ["show", "--format", "json", str(i)]) for i in ids[::step]]
    differ = 0
    for name, args in cases:
        ra, oa = run(o.a, *args[:1], "--db", o.db_a, *args[1:])
        rb, ob = run(o.b, *args[:1], "--db", o.db_b, *args[1:])
        same = ra == rb and oa == ob
        differ += not same
        if not same or not name.startswith("show"):
            print("%-40s %s (exit %d/%d, %d bytes)" % (name[:40], "same" if same else "DIFFERENT", ra, rb, len(oa)))
    print("%d comparisons (%d documents shown), %d different" % (len(cases), sum(1 for n, _ in cases if n.startswith("show")),
                                                               differ))
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
