"""lawwatch show ID judges one document only (issue 19, webperf: a one-document check and report
over one docset), but exactly as the full runs do: over a small database of the corpus and
the crafted documents of tests/data/check (every finding: a unit plan against its province's)
and tests/data/report (reports answering duties) and 60 generated ones, for EVERY document (`show` for every 8th,
the same object from /api/doc/ID for the others), its findings equal `check --format json`'s
findings with its id, and its duties with their statuses equal the items of `report --all
--format json` with its id (unit, status, days, answer), as a multiset.

Run: python3 t_show_all.py LAWWATCH_BIN SOURCE_DIR (from ctest)."""
import glob
import json
import os
import sqlite3
import subprocess
import sys

import lwtest

BIN, SRC = lwtest.paths()
check = lwtest.check


def item_key(line, activity, topic, to, unit, group, status, days, answer):
    return json.dumps([line, activity, topic, to, unit, group, status, days, answer], ensure_ascii=False)


with lwtest.tmpdir("lw_show_all_") as tmp:
    # and generated ones: unit plans that do not cite their province's plan (matched by year)
    gen = os.path.join(tmp, "gen")
    p = subprocess.run([sys.executable, lwtest.source("bench", "gen_corpus.py"), "--out", gen, "--n", "60",
                        "--seed", "t_show_all", "--jobs", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True, timeout=300)
    check(p.returncode == 0, "gen_corpus: " + p.stderr)
    if os.path.exists(os.path.join(gen, "truth.jsonl")):
        os.unlink(os.path.join(gen, "truth.jsonl"))
    db = os.path.join(tmp, "t.db")
    files = sorted(glob.glob(lwtest.source("corpus", "*.txt")) + glob.glob(lwtest.source("corpus", "extra", "*.txt")))
    rc, out, err = lwtest.run("ingest", "--db", db, *files, lwtest.source("tests", "data", "check"),
                              lwtest.source("tests", "data", "report"), gen, cwd=tmp)
    check(rc == 0, "ingest: " + err)

    # from "/": every path absolute, as /api/doc/ID gives them (the server has no working folder)
    rc, out, err = lwtest.run("check", "--db", db, "--format", "json", cwd="/")
    check(rc in (0, 1), "check runs: " + err)
    findings = json.loads(out)
    rc, out, err = lwtest.run("report", "--db", db, "--all", "--format", "json", cwd="/")
    check(rc in (0, 1), "report runs: " + err)
    report = json.loads(out)
    con = sqlite3.connect(db)
    ids = [r[0] for r in con.execute("SELECT id FROM documents ORDER BY id")]
    con.close()
    check(len(ids) >= 60, "every document to show: %d" % len(ids))
    n_findings = n_items = n_answered = 0
    # `show` itself for every 8th document (each run loads the rules), the same object from
    # one server (/api/doc/ID, which t_serve_doc compares with show) for the others: fast
    with lwtest.serve(db, cwd=tmp) as (base, srv):
        for n_, id_ in enumerate(ids):
            if n_ % 8 == 0:
                rc, out, err = lwtest.run("show", "--db", db, "--format", "json", str(id_), cwd="/")
            else:
                st, hd, out = lwtest.fetch("%s/api/doc/%d" % (base, id_))
                rc, err = (0 if st == 200 else st), out
            if not check(rc == 0, "show %d: %s" % (id_, err)):
                continue
            d = json.loads(out)
            check(d["as_of"] == report["as_of"], "show %d: as_of %s, report's %s" % (id_, d["as_of"], report["as_of"]))
            want = [f for f in findings if f.get("id") == id_]
            n_findings += len(want)
            lwtest.compare(want, d["findings"], "show %d: findings as check" % id_)
            got = sorted(item_key(u["line"], u["activity"], u["topic"], (u["deadline"] or {}).get("to"), r["unit"],
                                  r["unit_is_group"], r["status"], r["days"], r["answer"])
                         for u in d["duties"] for r in u["report"])
            exp = sorted(item_key(i["line"], i["activity"], i["topic"], (i["deadline"] or {}).get("to"), i["unit"],
                                  i["unit_is_group"], i["status"], i["days"],
                                  {"id": i["answer"]["id"], "label": i["answer"]["label"]} if i["answer"] else None)
                         for i in report["items"] if i["id"] == id_)
            n_items += len(exp)
            n_answered += sum(1 for i in report["items"] if i["id"] == id_ and i["answer"])
            check(got == exp, "show %d: duties as report --all:\n  show   %s\n  report %s" % (id_, got, exp))
    # the comparison means something only if there is something to compare
    check(n_findings >= 10, "findings compared: %d" % n_findings)
    check(n_items >= 10 and n_answered >= 1, "report items compared: %d (%d answered)" % (n_items, n_answered))
    print("t_show_all: %d documents, %d findings, %d report items (%d answered)" % (len(ids), n_findings, n_items,
                                                                                   n_answered))
lwtest.done()
