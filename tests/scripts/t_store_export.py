"""lawwatch export (issue 21) between two SQLite databases, where every row can be compared:
the corpus and the real test documents (text, PDFs, scans, Word) ingested into a.db and
exported into b.db give the same rows in every table (but the times of ingest and caching),
the same `show --format json` of every document, the same check and report; a second run
adds nothing; a document added to the source is all the next run adds; a path the target
holds with other content is kept and reported; documents made by other rules are refused
(exit 2, nothing copied) unless --reextract; a document whose original cannot be read again
fails alone (exit 1, the others exported); --to missing or naming --db itself is refused.
t_pg_same.py does the same onto PostgreSQL."""
import os
import shutil
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lwtest  # noqa: E402

BIN, SRC = lwtest.paths()

# every table of schema 7 with the columns compared (the times of ingest and caching differ)
TABLES = {
    "documents": "id, path, sha256, size, mtime_ns, encoding, kind, number, issuer, place, date, subject, kind_key,"
                 " issuer_key, n_facts, rules_version, topic, source_format, pages, note",
    "doc_paths": "*", "sources": "*", "facts": "*", "legal_refs": "*", "deadlines": "*", "agencies": "*",
    "relations": "*", "dates": "*", "duties": "*", "duty_units": "*",
    "source_cache": "sha256, source, format, pages, ocr_engine, note",
}


# the corpus, and PDFs (with a text layer and scanned), scans, Word and ODT files: their read
# sources are cached and must move across too
FOLDERS = ("pdf", "ocr", "docx", "odt")


def rows(db, table):
    c = sqlite3.connect(db)
    try:
        return c.execute("SELECT %s FROM %s ORDER BY 1, 2" % (TABLES[table], table)).fetchall()
    finally:
        c.close()


def same_tables(a, b, what):
    for t in TABLES:
        ra, rb = rows(a, t), rows(b, t)
        if not lwtest.check(ra == rb, "%s: table %s the same (%d rows, %d)" % (what, t, len(ra), len(rb))):
            for x, y in zip(ra, rb):
                if x != y:
                    print("    first difference:\n      %r\n      %r" % (x, y))
                    break


def export(*args, cwd):
    return lwtest.run("export", *args, cwd=cwd)


with lwtest.tmpdir("lw_export_") as tmp:
    a, b = os.path.join(tmp, "a.db"), os.path.join(tmp, "b.db")
    docs = os.path.join(tmp, "docs")
    os.makedirs(docs)
    # a document found at two paths: one content, one document, both paths
    shutil.copy(lwtest.source("corpus", sorted(os.listdir(lwtest.source("corpus")))[0]), os.path.join(docs, "copy.txt"))
    rc, out, err = lwtest.run("ingest", "--db", a, lwtest.source("corpus"), *[lwtest.data(d) for d in FOLDERS], docs,
                              cwd=tmp)
    lwtest.check(rc in (0, 1), "ingest into a.db: %d %s" % (rc, err[-500:]))
    rc, out, err = export("--db", a, "--to", b, cwd=tmp)
    lwtest.check(rc == 0, "export a.db to b.db: %d %s" % (rc, err[-800:]))
    n = len(rows(a, "documents"))
    lwtest.check(n > 50 and len(rows(a, "source_cache")) > 0, "the source holds documents (%d) and read sources" % n)
    same_tables(a, b, "export")
    # the rows say it all; show (the facts' JSON rebuilt) for the read sources and a few texts
    for (doc,) in sqlite3.connect(a).execute("SELECT id FROM documents WHERE source_format <> 'text' OR id % 10 = 1"
                                             " ORDER BY id").fetchall():
        ra = lwtest.run("show", "--db", a, "--format", "json", doc, cwd=tmp)
        rb = lwtest.run("show", "--db", b, "--format", "json", doc, cwd=tmp)
        lwtest.check(ra[0] == 0 and ra == rb, "show %d the same from both" % doc)
    for verb, fmt in (("check", "json"), ("report", "json"), ("report", "text")):
        ra = lwtest.run(verb, "--db", a, "--format", fmt, "--as-of", "2025-06-30", cwd=tmp) if verb == "report" else \
            lwtest.run(verb, "--db", a, "--format", fmt, cwd=tmp)
        rb = lwtest.run(verb, "--db", b, "--format", fmt, "--as-of", "2025-06-30", cwd=tmp) if verb == "report" else \
            lwtest.run(verb, "--db", b, "--format", fmt, cwd=tmp)
        lwtest.check(ra[1] and ra[:2] == rb[:2], "%s --format %s the same from both" % (verb, fmt))

    # a second run adds nothing
    rc, out, err = export("--db", a, "--to", b, cwd=tmp)
    lwtest.check(rc == 0 and "0 new, 0 paths added" in err, "a second export adds nothing: %d %s" % (rc, err[-400:]))
    same_tables(a, b, "second export")

    # a document added to the source: the next run adds it alone
    more = os.path.join(tmp, "more")
    os.makedirs(more)
    with open(os.path.join(more, "new.txt"), "w", encoding="utf-8") as f:
        f.write("ỦY BAN NHÂN DÂN\nTỈNH SÓC TRĂNG\nSố: 12/KH-UBND\nKẾ HOẠCH\nThực hiện Nghị định số 59/2012/NĐ-CP.\n")
    lwtest.run("ingest", "--db", a, more, cwd=tmp)
    rc, out, err = export("--db", a, "--to", b, cwd=tmp)
    lwtest.check(rc == 0 and "1 new, 1 paths added" in err, "the new document alone is added: %d %s" % (rc, err[-400:]))
    same_tables(a, b, "export of one more")

    # the target holds a path with other content: kept, reported, exit 0
    c = os.path.join(tmp, "c.db")
    with open(os.path.join(more, "new.txt"), "a", encoding="utf-8") as f:
        f.write("Đã sửa sau.\n")
    lwtest.run("ingest", "--db", c, more, cwd=tmp)
    before = rows(c, "documents")
    rc, out, err = export("--db", a, "--to", c, cwd=tmp)
    lwtest.check(rc == 0 and "1 conflicts" in err.replace("1 xung", "") and "new.txt" in err,
                 "a path in conflict is reported: %d %s" % (rc, err[-600:]))
    shas = {r[1]: r[2] for r in rows(c, "documents")}
    lwtest.check(shas.get(os.path.join(more, "new.txt")) == {r[1]: r[2] for r in before}[os.path.join(more, "new.txt")],
                 "the target's content of that path is kept")
    lwtest.check(len(rows(c, "documents")) == len(rows(a, "documents")), "every other document exported")

    # documents made by other rules: refused, nothing copied; --reextract extracts them again
    stale = os.path.join(tmp, "stale.db")
    shutil.copy(a, stale)
    s = sqlite3.connect(stale)
    s.execute("UPDATE documents SET rules_version = 'other' WHERE id IN (SELECT id FROM documents ORDER BY id LIMIT 3)")
    s.commit()
    s.close()
    d = os.path.join(tmp, "d.db")
    rc, out, err = export("--db", stale, "--to", d, cwd=tmp)
    lwtest.check(rc == 2 and "3 documents" in err and "--reextract" in err,
                 "other rules: refused with a clear message: %d %s" % (rc, err[-600:]))
    lwtest.check(not os.path.exists(d) or not rows(d, "documents"), "nothing copied when refused")
    rc, out, err = export("--db", stale, "--to", d, "--reextract", cwd=tmp)
    lwtest.check(rc == 0 and "3 documents were extracted again" in err, "--reextract: %d %s" % (rc, err[-400:]))
    same_tables(a, d, "export --reextract")  # the rules are these: the facts as a.db's

    # a document whose original cannot be made again fails alone
    bad = os.path.join(tmp, "bad.db")
    shutil.copy(a, bad)
    s = sqlite3.connect(bad)
    (bad_id, bad_path) = s.execute("SELECT id, path FROM documents WHERE source_format = 'text' ORDER BY id LIMIT 1").fetchone()
    s.execute("UPDATE sources SET raw = zeroblob(64) WHERE doc_id = ?", (bad_id,))
    s.commit()
    s.close()
    e = os.path.join(tmp, "e.db")
    rc, out, err = export("--db", bad, "--to", e, cwd=tmp)
    lwtest.check(rc == 1 and bad_path in err and "1 failed" in err, "a bad row fails alone, exit 1: %d %s" % (rc, err[-600:]))
    lwtest.check(len(rows(e, "documents")) == n + 1 - 1, "the others exported: %d" % len(rows(e, "documents")))

    # usage
    rc, out, err = export("--db", a, cwd=tmp)
    lwtest.check(rc == 2 and "--to" in err, "--to missing: %d %s" % (rc, err[:200]))
    rc, out, err = export("--db", a, "--to", a, cwd=tmp)
    lwtest.check(rc == 2 and "same database" in err, "--to naming --db: %d %s" % (rc, err[:200]))

lwtest.done()
