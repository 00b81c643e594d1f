"""ingest: skipped and failed files, exit status, incremental runs that read nothing, a
changed file replacing its facts, --prune, --reextract from stored bytes with changed rules,
--jobs giving the same facts, a database file that is not one, a newer schema.

Run: python3 t_store_ingest.py LAWWATCH_BIN SOURCE_DIR (from ctest)."""
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

import lwtest

BIN, SRC = lwtest.paths()
FAILS = lwtest.FAILS


check = lwtest.check


run = lwtest.run


def q(db, sql, *params):
    c = sqlite3.connect(db)
    try:
        return c.execute(sql, params).fetchall()
    finally:
        c.close()


# What schema 3 had where schema 4 has doc_paths: one document per file.
TO_SCHEMA3 = ("DROP VIEW v_documents; DROP TABLE doc_paths; DROP INDEX documents_sha;"
              " CREATE VIEW v_documents AS SELECT id, path, kind, number, issuer, place, date, subject, encoding,"
              " size, n_facts, sha256, ingested_at FROM documents;"
              " DROP VIEW v_deadlines; CREATE VIEW v_deadlines AS SELECT d.path AS document, d.number AS doc_number,"
              " d.issuer, coalesce(k.unit, k.nearby_agency) AS unit, k.unit IS NULL AS unit_is_hint, k.date_from,"
              " k.date_to, k.precision, k.qualifier, f.text, f.line FROM deadlines k JOIN facts f ON f.id = k.fact_id"
              " JOIN documents d ON d.id = k.doc_id; PRAGMA user_version = 3;")


def facts_of(db):
    """Every stored fact: its document's path, kind, rule, line, span and its JSON as `lawwatch
    show` rebuilds it from the columns (schema 7 keeps no JSON whole)."""
    out = []
    for i, path in q(db, "SELECT id, path FROM documents"):
        rc, shown, err = run("show", "--db", db, "--format", "json", str(i))
        for f in json.loads(shown)["facts"] if rc == 0 else [["show failed", err]]:
            out.append((path, f.get("kind"), f.get("rule"), f.get("line"), f.get("span", [None])[0],
                        f.get("span", [None, None])[1], json.dumps(f, ensure_ascii=False)))
    return sorted(out)


tmp = lwtest.mkdtemp("lw_store_ingest_")
try:
    docs = os.path.join(tmp, "docs")
    # the five core documents (corpus/extra/ holds the registry's sources)
    shutil.copytree(os.path.join(SRC, "corpus"), docs, ignore=shutil.ignore_patterns("extra"))
    names = sorted(n for n in os.listdir(docs) if n.endswith(".txt"))
    n_docs = len(names)
    os.makedirs(os.path.join(docs, "sub"))
    # not a document (a PDF is one since issue 18: t_ingest_files)
    with open(os.path.join(docs, "sub", "scan.pdf"), "wb") as f:
        f.write(b"GIF89a binary")
    with open(os.path.join(docs, "sub", "broken.txt"), "wb") as f:
        f.write(b"PK\x03\x04\x00\x00binary zip inside a .txt")
    db = os.path.join(tmp, "a.db")
    stats = {"LAWWATCH_DEBUG_STATS": "1"}

    # first run: documents stored, the pdf and the binary .txt skipped (not documents), exit 0
    rc, out, err = run("ingest", "--db", db, docs, env=stats)
    print(err)
    check(rc == 0, "first ingest exit 0 (two files skipped, none failed), got %d" % rc)
    check("%d đã nhập (ingested)" % n_docs in err, "summary counts %d ingested" % n_docs)
    check("2 bỏ qua (skipped)" in err and "0 lỗi (failed)" in err, "two skipped, none failed: " + err)
    check(re.search(r"bỏ qua \(skipped\): \S*scan\.pdf: ", err), "the GIF named .pdf is listed as skipped")
    check(re.search(r"bỏ qua \(skipped\): \S*broken\.txt: .*ZIP", err), "the binary .txt is listed as skipped, with why")
    check(q(db, "SELECT count(*) FROM documents")[0][0] == n_docs, "documents stored")
    check(q(db, "PRAGMA user_version")[0][0] == 7, "schema version 7")
    check(q(db, "PRAGMA journal_mode")[0][0] == "wal", "WAL mode")
    for view in ("v_documents", "v_citations", "v_deadlines"):
        check(q(db, "SELECT count(*) FROM %s" % view)[0][0] > 0, "view %s has rows" % view)
    os.remove(os.path.join(docs, "sub", "scan.pdf"))
    os.remove(os.path.join(docs, "sub", "broken.txt"))

    # unchanged corpus: nothing read, even an unreadable file (its mtime kept)
    victim = os.path.join(docs, names[0])
    os.chmod(victim, 0)
    before = facts_of(db)
    rc, out, err = run("ingest", "--db", db, docs, env=stats)
    print(err)
    check(rc == 0, "unchanged ingest exit 0, got %d" % rc)
    check("0 đã nhập (ingested), %d không đổi (unchanged)" % n_docs in err, "all unchanged")
    check("read 0 files" in err, "no file read on an unchanged corpus")
    check(facts_of(db) == before, "facts untouched")
    os.chmod(victim, 0o644)

    # same bytes, new mtime: only the mtime is updated
    st = os.stat(victim)
    os.utime(victim, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    rc, out, err = run("ingest", "--db", db, docs, env=stats)
    check("read 1 files, 1 touched" in err, "touched file read once, not re-extracted: " + err)
    check(facts_of(db) == before, "facts untouched after touch")

    # a changed file replaces its facts
    changed = os.path.join(docs, names[1])
    with open(changed, "a", encoding="utf-8") as f:
        f.write("\nCăn cứ Thông tư số 99/2024/TT-BTP ngày 01/02/2024 của Bộ Tư pháp.\n")
    rc, out, err = run("ingest", "--db", db, docs, env=stats)
    check("1 đã nhập (ingested)" in err, "changed file ingested again: " + err)
    rows = q(db, "SELECT d.path FROM legal_refs r JOIN documents d ON d.id = r.doc_id WHERE r.cited_id = '99/2024/TT-BTP'")
    check([r[0] for r in rows] == [os.path.realpath(changed)], "new citation stored for the changed file")
    check(q(db, "SELECT count(*) FROM documents")[0][0] == n_docs, "no duplicate document")
    check(q(db, "SELECT count(*) FROM facts WHERE doc_id NOT IN (SELECT id FROM documents)")[0][0] == 0,
          "no orphan facts")
    check(q(db, "SELECT count(*) FROM legal_refs WHERE fact_id NOT IN (SELECT id FROM facts)")[0][0] == 0,
          "no orphan legal_refs")

    # --jobs 3 gives the same facts as --jobs 1
    db3 = os.path.join(tmp, "j3.db")
    rc, out, err = run("ingest", "--db", db3, "--jobs", "3", docs)
    check(rc == 0, "--jobs 3 exit 0")
    strip = lambda fs: sorted((p, k, r, l, a, b, j) for p, k, r, l, a, b, j in fs)
    check(strip(facts_of(db3)) == strip(facts_of(db)), "--jobs 3 facts equal --jobs 1 facts")

    # --reextract: rules changed (a rule renamed in a copy), files gone: facts recomputed
    # from the stored bytes
    rules = os.path.join(tmp, "rules")
    shutil.copytree(os.path.join(SRC, "rules"), rules)
    path = os.path.join(rules, "dates.yaml")
    text = open(path, encoding="utf-8").read()
    open(path, "w", encoding="utf-8").write(text.replace("id: date.numeric_or_words", "id: date.renamed_for_test", 1))
    n_dates = q(db, "SELECT count(*) FROM facts WHERE rule = 'date.numeric_or_words'")[0][0]
    check(n_dates > 0, "date facts exist")
    saved = os.path.join(tmp, "saved")
    shutil.move(docs, saved)
    rc, out, err = run("ingest", "--db", db, "--rules", rules, "--reextract", env=stats)
    print(err)
    check(rc == 0, "reextract exit 0, got %d" % rc)
    check("%d trích xuất lại (re-extracted)" % n_docs in err, "every document re-extracted")
    check("read 0 files" in err, "reextract reads no file")
    check(q(db, "SELECT count(*) FROM facts WHERE rule = 'date.renamed_for_test'")[0][0] == n_dates,
          "facts recomputed with the new rules")
    check(q(db, "SELECT count(DISTINCT rules_version) FROM documents")[0][0] == 1, "rules version stored")
    rc, out, err = run("ingest", "--db", db, "--rules", rules, "--reextract")
    check("0 trích xuất lại (re-extracted)" in err, "second reextract has nothing to do")

    # --prune: the files are gone
    rc, out, err = run("ingest", "--db", db, "--rules", rules, "--prune", "--force")
    check("%d xóa (pruned)" % n_docs in err, "prune removes documents whose files are gone: " + err)
    check(q(db, "SELECT count(*) FROM documents")[0][0] == 0, "no documents left")
    check(q(db, "SELECT count(*) FROM facts")[0][0] == 0, "no facts left")
    shutil.move(saved, docs)

    # a file that is not a database; a newer schema; a folder
    bogus = os.path.join(tmp, "bogus.db")
    open(bogus, "w").write("hello, I am a text file and certainly not SQLite " * 20)
    for verb in (["ingest", "--db", bogus, docs], ["search", "--db", bogus, "thi"]):
        rc, out, err = run(*verb)
        check(rc == 2, "%s on a non-database exits 2, got %d" % (verb[0], rc))
        check("not a SQLite database" in err and "Traceback" not in err, "clear message: " + err)
    newer = os.path.join(tmp, "newer.db")
    run("ingest", "--db", newer, os.path.join(docs, names[0]))
    c = sqlite3.connect(newer)
    c.execute("PRAGMA user_version = 8")
    c.close()
    rc, out, err = run("ingest", "--db", newer, docs)
    check(rc == 2 and "newer lawwatch (schema 8), expected 7" in err, "newer schema refused: " + err)
    # a schema-1 database (before duties) is upgraded in place and its documents re-extracted
    older = os.path.join(tmp, "older.db")
    run("ingest", "--db", older, docs)
    lwtest.to_schema6(older)
    c = sqlite3.connect(older)
    n_before = c.execute("SELECT count(*) FROM documents").fetchone()[0]
    c.executescript(TO_SCHEMA3 + "DROP VIEW v_duties; DROP TABLE duty_units; DROP TABLE duties;"
                    " DELETE FROM facts WHERE kind = 'duty'; PRAGMA user_version = 1;")
    c.close()
    rc, out, err = run("search", "--db", older, "thi")
    check(rc == 2 and "lawwatch ingest" in err, "read-only use of schema 1 asks for an ingest: " + err)
    rc, out, err = run("ingest", "--db", older, docs)
    check(rc in (0, 1) and ("%d trích xuất lại" % n_before) in err, "schema 1 upgraded and re-extracted: " + err)
    c = sqlite3.connect(older)
    check(c.execute("PRAGMA user_version").fetchone()[0] == 7, "upgraded to schema 7")
    check(c.execute("SELECT count(*) FROM duties").fetchone()[0] > 0, "duties after the upgrade")
    check(c.execute("SELECT count(*) FROM documents WHERE rules_version = ''").fetchone()[0] == 0,
          "no document left marked")
    c.close()
    # a schema-2 database (the JSON record in documents, duties without their line) is
    # upgraded in place without re-extraction, and reads as a new one does
    fresh = os.path.join(tmp, "fresh.db")
    run("ingest", "--db", fresh, docs)
    rc, want, err = run("report", "--db", fresh, "--as-of", "2025-12-31", "--all", "--format", "json")
    two = os.path.join(tmp, "two.db")
    shutil.copy(fresh, two)
    lwtest.to_schema6(two)
    c = sqlite3.connect(two)
    c.executescript(TO_SCHEMA3 + "DROP VIEW v_duties; ALTER TABLE duties DROP COLUMN line; ALTER TABLE duties DROP COLUMN span_start;"
                    " CREATE VIEW v_duties AS SELECT k.*, f.line FROM duties k JOIN facts f ON f.id = k.fact_id;"
                    " ALTER TABLE documents ADD COLUMN record TEXT NOT NULL DEFAULT '{}';"
                    " ALTER TABLE legal_refs DROP COLUMN year_mismatch; ALTER TABLE legal_refs DROP COLUMN line;"
                    " ALTER TABLE legal_refs DROP COLUMN span_start; ALTER TABLE legal_refs DROP COLUMN text;"
                    " PRAGMA user_version = 2;")
    c.close()
    rc, out, err = run("report", "--db", two, "--as-of", "2025-12-31")
    check(rc == 2 and "schema 2" in err and "lawwatch ingest" in err, "read-only use of schema 2 asks for an ingest: " + err)
    rc, out, err = run("ingest", "--db", two, docs)
    check(rc in (0, 1) and "trích xuất lại" not in err.replace("0 trích xuất lại", ""), "schema 2 upgraded, nothing re-extracted: " + err)
    c = sqlite3.connect(two)
    check(c.execute("PRAGMA user_version").fetchone()[0] == 7, "upgraded to schema 7")
    cols = [r[1] for r in c.execute("PRAGMA table_info(documents)")]
    check("record" not in cols, "the record column is gone")
    check(c.execute("SELECT count(*) FROM duties k JOIN facts f ON f.id = k.fact_id"
                    " WHERE k.line IS NOT f.line OR k.span_start IS NOT f.span_start").fetchone()[0] == 0,
          "duties have their facts' lines")
    refs = "SELECT fact_id, year_mismatch FROM legal_refs ORDER BY fact_id"
    check(c.execute("SELECT count(*) FROM legal_refs r JOIN facts f ON f.id = r.fact_id WHERE r.line IS NOT f.line"
                    " OR r.text IS NOT f.text").fetchone()[0] == 0 and c.execute(refs).fetchall() == q(fresh, refs)
          and c.execute("SELECT count(*) FROM legal_refs").fetchone()[0] > 0,
          "citations have their facts' lines, text and year_mismatch")
    check(c.execute("SELECT count(*) FROM v_duties").fetchone()[0] > 0, "v_duties after the upgrade")
    check(c.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "integrity after the upgrade")
    c.close()
    # a schema-6 database (every fact kept twice: its JSON whole in facts.json too) is
    # upgraded in place: each fact's keys stay once, in the columns and facts.rest; one that
    # the columns cannot give back (here a key no lawwatch writes) is kept whole; every
    # document then reads, key by key and in key order, as a new database's
    six = os.path.join(tmp, "six.db")
    shutil.copy(fresh, six)
    lwtest.to_schema6(six)
    c = sqlite3.connect(six)
    odd_id, odd_doc, odd = c.execute("SELECT id, doc_id, json FROM facts WHERE kind = 'agency' ORDER BY id"
                                     " LIMIT 1").fetchone()
    odd = json.loads(odd)
    odd["note_from_v6"] = "kept"
    c.execute("UPDATE facts SET json = ? WHERE id = ?", (json.dumps(odd, ensure_ascii=False), odd_id))
    c.commit()
    c.close()
    rc, out, err = run("report", "--db", six, "--as-of", "2025-12-31")
    check(rc == 2 and "schema 6" in err and "lawwatch ingest" in err, "read-only use of schema 6 asks for an ingest: " + err)
    rc, out, err = run("ingest", "--db", six, docs)
    check(rc in (0, 1) and "trích xuất lại" not in err.replace("0 trích xuất lại", ""),
          "schema 6 upgraded, nothing re-extracted: " + err)
    c = sqlite3.connect(six)
    check(c.execute("PRAGMA user_version").fetchone()[0] == 7, "schema 6 upgraded to 7")
    cols = [r[1] for r in c.execute("PRAGMA table_info(facts)")]
    check("json" not in cols and "rest" in cols, "facts: rest in place of json: %s" % cols)
    indexes = "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name"
    check(c.execute(indexes).fetchall() == q(fresh, indexes) and ("facts_doc",) in q(fresh, indexes)
          and not [1 for (n,) in q(fresh, indexes) if n in ("facts_kind", "agencies_name", "documents_date")],
          "the indexes of a new database (those no query uses gone): %s" % c.execute(indexes).fetchall())
    check((c.execute("SELECT rest FROM facts WHERE id = ?", (odd_id,)).fetchone()[0] or "").startswith('{"kind":'),
          "a fact the columns cannot give back is kept whole")
    check(c.execute("SELECT count(*) FROM facts WHERE rest LIKE '{\"kind\":%'").fetchone()[0] == 1,
          "every other fact is split into its columns")
    check(c.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "integrity after the upgrade to 7")
    for view in ("v_citations", "v_deadlines", "v_duties", "v_documents"):
        check(c.execute("SELECT * FROM %s ORDER BY 1, 2" % view).fetchall() == q(fresh, "SELECT * FROM %s ORDER BY 1, 2"
              % view), "%s of the upgraded database as of a new one" % view)
    c.close()
    pairs_of = lambda db, i: json.loads(run("show", "--db", db, "--format", "json", str(i))[1] or "[]",
                                        object_pairs_hook=list)
    for (i,) in q(fresh, "SELECT id FROM documents ORDER BY id"):
        want_facts = dict(pairs_of(fresh, i)).get("facts")
        if i == odd_doc:
            k = [r[0] for r in q(fresh, "SELECT id FROM facts WHERE doc_id = ? ORDER BY id", i)].index(odd_id)
            want_facts[k] = want_facts[k] + [("note_from_v6", "kept")]
        got_facts = dict(pairs_of(six, i)).get("facts")
        check(want_facts and got_facts == want_facts, "document %d: the upgraded facts as new ones%s" % (i, "".join(
              "\n  fact %d: %s\n  want %s" % (k, g, w) for k, (g, w) in enumerate(zip(got_facts or [], want_facts or []))
              if g != w)[:2000]))
    for args in (["report", "--as-of", "2025-12-31", "--all", "--format", "json"], ["check", "--format", "json"]):
        check(run(args[0], "--db", six, *args[1:])[1] == run(args[0], "--db", fresh, *args[1:])[1],
              "%s: the database upgraded from 6 as a new one" % args[0])
    rc, got, err = run("report", "--db", two, "--as-of", "2025-12-31", "--all", "--format", "json")
    check(got == want and want, "the upgraded database reports as a new one")
    # a schema-4 database lacked the documents' topic (report classified subjects itself):
    # upgraded in place, every document's topic classified by the ingest that upgrades it,
    # nothing re-extracted, the topics and the report those of a new database
    rdocs = os.path.join(SRC, "tests", "data", "report")  # documents with topics
    fresh4, four = os.path.join(tmp, "fresh4.db"), os.path.join(tmp, "four.db")
    run("ingest", "--db", fresh4, rdocs)
    rc, want4, err = run("report", "--db", fresh4, "--as-of", "2025-12-31", "--all", "--format", "json")
    shutil.copy(fresh4, four)
    lwtest.to_schema6(four)
    c = sqlite3.connect(four)
    # documents as schema 4 made it (DROP COLUMN cannot drop a last column that has a comment)
    views = c.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'").fetchall()
    create = c.execute("SELECT sql FROM sqlite_master WHERE name = 'documents'").fetchone()[0]
    create4 = re.sub(r",([ \t]*--[^\n]*)\n\s*topic\s+TEXT.*\)\s*$", r"\1\n)", create, flags=re.S)
    check(create4 != create and "topic" not in create4, "documents without topic (test sanity)")
    cols = ", ".join(r[1] for r in c.execute("PRAGMA table_info(documents)") if r[1] not in ("topic", "source_format", "pages", "note"))
    c.executescript("".join("DROP VIEW %s;" % v for v, _ in views) +
                    create4.replace("CREATE TABLE documents", "CREATE TABLE documents_v4") + ";"
                    " INSERT INTO documents_v4 SELECT %s FROM documents; DROP TABLE documents;"
                    " ALTER TABLE documents_v4 RENAME TO documents; CREATE INDEX documents_date ON documents(date);"
                    " CREATE UNIQUE INDEX documents_sha ON documents(sha256);" % cols +
                    "".join(sql + ";" for _, sql in views) + " PRAGMA user_version = 4;")
    c.close()
    rc, out, err = run("report", "--db", four, "--as-of", "2025-12-31")
    check(rc == 2 and "schema 4" in err and "lawwatch ingest" in err, "read-only use of schema 4 asks for an ingest: " + err)
    rc, out, err = run("ingest", "--db", four, rdocs)
    check(rc in (0, 1) and "trích xuất lại" not in err.replace("0 trích xuất lại", ""), "schema 4 upgraded, nothing re-extracted: " + err)
    topics = lambda db: q(db, "SELECT path, topic FROM documents ORDER BY path")
    check(q(four, "PRAGMA user_version")[0][0] == 7, "schema 4 upgraded to 7")
    check(topics(four) == topics(fresh4) and any(t for _, t in topics(fresh4)), "topics classified as a new database's")
    rc, got, err = run("report", "--db", four, "--as-of", "2025-12-31", "--all", "--format", "json")
    check(got == want4 and want4, "the database upgraded from 4 reports as a new one")
    # an ingest cut short after the upgrade leaves topics unclassified (''): report refuses to
    # answer from them and says to ingest again, which classifies them
    c = sqlite3.connect(four)
    c.execute("UPDATE documents SET topic = ''")
    c.commit()
    c.close()
    rc, out, err = run("report", "--db", four, "--as-of", "2025-12-31")
    check(rc == 2 and "not classified yet" in err and "lawwatch ingest" in err, "unclassified topics refused: " + err)
    run("ingest", "--db", four, rdocs)
    check(topics(four) == topics(fresh4), "the next ingest classifies them")
    # a schema-3 database stored a content found at two paths as two documents: upgraded in
    # place, the lowest id keeps the document (its facts and text), every path is kept, the
    # others' rows go; it then reads as a new database of the same files
    d3 = os.path.join(tmp, "d3")
    os.makedirs(d3)
    for k, n in enumerate(names[:3]):
        shutil.copy(os.path.join(docs, n), os.path.join(d3, "f%d.txt" % k))
    three = os.path.join(tmp, "three.db")
    run("ingest", "--db", three, "--jobs", "1", d3)  # ids in path order: f0 1, f1 2, f2 3
    # schema 3 got f1 as a second document of f0's content (a copy of f0's bytes): made
    # here by copying f0 over f1 and giving f1's row f0's hash, size and mtime
    f0, f1 = os.path.realpath(os.path.join(d3, "f0.txt")), os.path.realpath(os.path.join(d3, "f1.txt"))
    shutil.copy(f0, f1)
    st1 = os.stat(f1)
    old_words = q(three, "SELECT count(*) FROM facts WHERE doc_id = 2")[0][0]
    check(old_words > 0, "the second document has facts before the upgrade (test sanity)")
    lwtest.to_schema6(three)
    c = sqlite3.connect(three)
    c.executescript(TO_SCHEMA3)
    c.execute("UPDATE documents SET sha256 = (SELECT sha256 FROM documents WHERE id = 1), size = ?, mtime_ns = ?"
              " WHERE id = 2", (st1.st_size, st1.st_mtime_ns))
    c.commit()
    c.close()
    rc, out, err = run("report", "--db", three, "--as-of", "2025-12-31")
    check(rc == 2 and "schema 3" in err and "lawwatch ingest" in err, "read-only use of schema 3 asks for an ingest: " + err)
    rc, out, err = run("ingest", "--db", three, d3, env=stats)
    check(rc == 0 and "0 đã nhập (ingested), 3 không đổi (unchanged)" in err and "read 0 files" in err,
          "schema 3 upgraded, every file unchanged: " + err)
    c = sqlite3.connect(three)
    check(c.execute("PRAGMA user_version").fetchone()[0] == 7, "schema 3 upgraded to 7")
    check(c.execute("SELECT id, path FROM documents ORDER BY id").fetchall()
          == [(1, f0), (3, os.path.realpath(os.path.join(d3, "f2.txt")))], "the lowest id keeps the content")
    check(c.execute("SELECT doc_id, path FROM doc_paths ORDER BY rowid").fetchall()
          == [(1, f0), (3, os.path.realpath(os.path.join(d3, "f2.txt"))), (1, f1)], "every path kept, the first first")
    for t in ("facts", "legal_refs", "deadlines", "agencies", "relations", "dates", "duties", "duty_units", "sources"):
        check(c.execute("SELECT count(*) FROM %s WHERE doc_id = 2" % t).fetchone()[0] == 0,
              "the folded document's %s are gone" % t)
    check(c.execute("SELECT count(*) FROM doc_text_docsize").fetchone()[0] == 2, "its full-text row is gone")
    check(c.execute("SELECT n_paths, paths FROM v_documents WHERE id = 1").fetchone() == (2, f0 + "\n" + f1),
          "v_documents lists the paths")
    check(c.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "integrity after the upgrade to 4")
    cols = [r[1] for r in c.execute("PRAGMA table_info(v_deadlines)")]
    check("nearby_agency" in cols and "unit_is_hint" not in cols, "v_deadlines: the hint apart from the unit: %s" % cols)
    c.close()
    fresh3 = os.path.join(tmp, "fresh3.db")
    rc, out, err = run("ingest", "--db", fresh3, d3)
    check("2 đã nhập (ingested)" in err and "1 trùng nội dung (duplicates)" in err, "fresh: one duplicate: " + err)
    # each document's facts as show rebuilds them from the columns (schema 7)
    shown_facts = lambda db, i: json.loads(run("show", "--db", db, "--format", "json", str(i))[1] or "{}").get("facts")
    doc_view = lambda db: [r[1:] + (shown_facts(db, r[0]),) for r in
                           q(db, "SELECT d.id, d.path, d.sha256, d.number, d.n_facts, (SELECT group_concat(path, '|')"
                                 " FROM (SELECT path FROM doc_paths p WHERE p.doc_id = d.id ORDER BY p.rowid))"
                                 " FROM documents d ORDER BY d.path")]
    check(doc_view(three) == doc_view(fresh3), "the upgraded database holds what a new one does")
    for args in (["report", "--as-of", "2025-12-31", "--all", "--format", "json"], ["check", "--format", "json"]):
        got = run(args[0], "--db", three, *args[1:])[1]
        want = run(args[0], "--db", fresh3, *args[1:])[1]
        strip_ids = lambda t: re.sub(r'"id": \d+', '"id": 0', t)
        check(strip_ids(got) == strip_ids(want) and want, "%s: the upgraded database as a new one" % args[0])
    # a database in a folder that does not exist: said plainly, for reading and for creating
    rc, out, err = run("search", "--db", os.path.join(tmp, "no-such-dir", "x.db"), "thi")
    check(rc == 2 and "read-only" not in err and "lawwatch ingest" in err, "missing folder, search: " + err)
    rc, out, err = run("ingest", "--db", os.path.join(tmp, "no-such-dir", "x.db"), docs)
    check(rc == 2 and "the folder does not exist" in err and "no-such-dir" in err, "missing folder, ingest: " + err)
    rc, out, err = run("search", "--db", os.path.join(tmp, "nothing.db"), "thi")
    check(rc == 2 and "lawwatch ingest" in err, "missing database: hint to ingest: " + err)
    check(not os.path.exists(os.path.join(tmp, "nothing.db")), "search creates no database")
finally:
    for root, dirs, files in os.walk(tmp):
        for n in files:
            try:
                os.chmod(os.path.join(root, n), 0o644)
            except OSError:
                pass
    lwtest.cleanup(tmp)

lwtest.done()
