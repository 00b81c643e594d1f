"""The web interface on PostgreSQL (issue 21): corpus/ ingested into a SQLite file and into
PostgreSQL (LW_TEST_PG_URI, the pg_cluster fixture's), `lawwatch serve` started on each, and
the same pages asked of both: search (HTML and JSON, filters, a second page), a document's
page and JSON (by the same document's path: ids are each server's own), check, report (HTML,
JSON, a unit's iCalendar), the registry. Each answer must have the same status and the same body, but
for the database's name, the documents' ids in links and a calendar's DTSTAMP (when it was
asked)."""
import json
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lwtest  # noqa: E402

BIN, SRC = lwtest.paths()
URI = lwtest.pg_uri()
AS_OF = "2025-06-30"
PAGES = [
    "/search?q=" + urllib.parse.quote("thi hành"),
    "/search?q=" + urllib.parse.quote("thi hành") + "&offset=20",
    "/search?q=" + urllib.parse.quote('"theo dõi tình hình thi hành pháp luật"'),
    "/search?q=" + urllib.parse.quote("kế hoạch") + "&year=2024",
    "/search?q=nghi*",
    "/api/search?q=" + urllib.parse.quote("pháp luật"),
    "/api/search?q=" + urllib.parse.quote("xử lý vi phạm") + "&unit=" + urllib.parse.quote("tư pháp"),
    "/check",
    "/api/check",
    "/report?as_of=" + AS_OF,
    "/api/report?as_of=" + AS_OF,
    "/registry",
]


def same_ids(body):
    """Document ids are each database's own (PostgreSQL's sequence, SQLite's rowid): links and
    ids to documents become ID before comparing."""
    body = re.sub(r'/doc/\d+', '/doc/ID', body)
    body = re.sub(r'DTSTAMP:\d{8}T\d{6}Z', 'DTSTAMP:NOW', body)  # the time it was asked
    return re.sub(r'"id": \d+', '"id": ID', body)


def main():
    with lwtest.tmpdir("lw_test_pg_serve_") as tmp:
        db = os.path.join(tmp, "t.db")
        corpus = lwtest.source("corpus")
        rc, out, err = lwtest.run("ingest", "--db", db, corpus, cwd=tmp)
        lwtest.check(rc == 0, "ingest into SQLite: " + err)
        rc, out, err = lwtest.run("ingest", "--db", URI, corpus, cwd=tmp)
        lwtest.check(rc == 0, "ingest into PostgreSQL: " + err)
        answers = {}
        for name, where in (("sqlite", db), ("postgresql", URI)):
            with lwtest.serve(where, cwd=tmp) as (base, srv):
                got = []
                for page in PAGES:
                    st, hd, body = lwtest.fetch(base + page)
                    got.append((st, same_ids(body.replace(where, "DB"))))
                # a document's page and JSON, found by its path in this server's search
                st, hd, body = lwtest.fetch(base + "/api/search?q=" + urllib.parse.quote("thi hành") + "")
                hits = (json.loads(body) if st == 200 else [])[:3]
                lwtest.check(len(hits) == 3, "%s: /api/search gives 3 hits (%d)" % (name, st))
                for h in hits:
                    for route in ("/doc/%d", "/api/doc/%d"):
                        st, hd, body = lwtest.fetch(base + route % h["id"])
                        got.append((st, same_ids(body.replace(where, "DB"))))
                # a unit's calendar, as the report page links it
                st, hd, body = lwtest.fetch(base + "/report?as_of=" + AS_OF)
                cal = re.findall(r'href="(/calendar/[^"]+)"', body)
                lwtest.check(bool(cal), "%s: /report links a calendar" % name)
                st, hd, body = lwtest.fetch(base + (cal[0].replace("&amp;", "&") if cal else "/calendar/"))
                got.append((st, same_ids(body.replace(where, "DB"))))
                answers[name] = got
        a, b = answers.get("sqlite", []), answers.get("postgresql", [])
        lwtest.check(len(a) == len(b) == len(PAGES) + 7, "as many answers from both (%d, %d)" % (len(a), len(b)))
        routes = PAGES + ["/doc, /api/doc of hit %d" % (i // 2 + 1) for i in range(6)] + ["a unit's calendar"]
        for route, (sa, ba), (sb, bb) in zip(routes, a, b):
            lwtest.check(sa == 200, "%s: 200 on SQLite (%d)" % (route, sa))
            lwtest.check(sa == sb, "%s: the same status (%d, %d)" % (route, sa, sb))
            if ba != bb:
                lwtest.compare_text(ba, bb, route)
    lwtest.done("t_pg_serve")


main()
