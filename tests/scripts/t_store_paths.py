"""One content is one document (schema 4): byte-identical files at two paths (a folder and
its copy, ingested together or one after the other, in one batch or across workers) are one
document with two paths; a content that changes at one path while another keeps the old
one; a copy that becomes identical to another document; --prune of one path and of the last;
a touched copy; --reextract keeping ids and paths; search showing each document once.

Run: python3 t_store_paths.py LAWWATCH_BIN SOURCE_DIR (from ctest)."""
import json
import os
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


def layout(db):
    """{document path: [its paths, first first]} with the facts count: what a reviewer sees."""
    out = {}
    for did, path, nf in q(db, "SELECT id, path, (SELECT count(*) FROM facts f WHERE f.doc_id = d.id)"
                               " FROM documents d"):
        paths = [r[0] for r in q(db, "SELECT path FROM doc_paths WHERE doc_id = ? ORDER BY rowid", did)]
        out[path] = (paths, nf)
    return out


def orphans(db):
    n = 0
    for t in ("facts", "legal_refs", "deadlines", "agencies", "relations", "dates", "duties", "duty_units",
              "sources", "doc_paths"):
        n += q(db, "SELECT count(*) FROM %s WHERE doc_id NOT IN (SELECT id FROM documents)" % t)[0][0]
    n += q(db, "SELECT count(*) FROM doc_text_docsize WHERE id NOT IN (SELECT id FROM documents)")[0][0]
    n += q(db, "SELECT count(*) FROM documents WHERE path NOT IN (SELECT path FROM doc_paths p"
               " WHERE p.doc_id = documents.id)")[0][0]
    return n


stats = {"LAWWATCH_DEBUG_STATS": "1"}
tmp = lwtest.mkdtemp("lw_store_paths_")
try:
    corpus = os.path.join(SRC, "corpus")
    src = sorted(n for n in os.listdir(corpus) if n.endswith(".txt"))[:4]
    one, two = os.path.join(tmp, "one"), os.path.join(tmp, "two")
    os.makedirs(one)
    os.makedirs(two)
    # one/ holds a, b, c; two/ holds copies of a and b (renamed) and d
    for name, s in zip("abc", src):
        shutil.copy(os.path.join(corpus, s), os.path.join(one, name + ".txt"))
    shutil.copy(os.path.join(one, "a.txt"), os.path.join(two, "copy-of-a.txt"))
    shutil.copy(os.path.join(one, "b.txt"), os.path.join(two, "b.txt"))
    shutil.copy(os.path.join(corpus, src[3]), os.path.join(two, "d.txt"))
    P = lambda d, n: os.path.realpath(os.path.join(tmp, d, n))
    a1, b1, c1 = P("one", "a.txt"), P("one", "b.txt"), P("one", "c.txt")
    a2, b2, d2 = P("two", "copy-of-a.txt"), P("two", "b.txt"), P("two", "d.txt")

    # one ingest of both folders, with workers and in one batch: 4 documents, 2 duplicates;
    # the document's path is the one under the first PATH argument
    db = os.path.join(tmp, "p.db")
    rc, out, err = run("ingest", "--db", db, "--jobs", "3", two, one, env=stats)
    check(rc == 0, "ingest exit 0: " + err)
    check("4 đã nhập (ingested), 0 không đổi (unchanged), 2 trùng nội dung (duplicates)" in err,
          "summary counts duplicates: " + err)
    want = {a2: ([a2, a1], None), b2: ([b2, b1], None), d2: ([d2], None), c1: ([c1], None)}
    got = layout(db)
    check({k: v[0] for k, v in got.items()} == {k: v[0] for k, v in want.items()},
          "one document per content, every path, the first argument's first: %s" % got)
    check(all(v[1] > 0 for v in got.values()), "every document has its facts")
    check(orphans(db) == 0, "no orphan rows")
    # the same with one thread gives the same documents
    db1 = os.path.join(tmp, "p1.db")
    run("ingest", "--db", db1, "--jobs", "1", two, one)
    check(layout(db1) == got, "--jobs 1 and --jobs 3 store the same documents")
    # copies seen in a later ingest are paths of the stored document too
    dbl = os.path.join(tmp, "late.db")
    run("ingest", "--db", dbl, one)
    rc, out, err = run("ingest", "--db", dbl, two, env=stats)
    check("1 đã nhập (ingested), 3 không đổi (unchanged), 2 trùng nội dung (duplicates)" in err
          or "1 đã nhập (ingested), 0 không đổi (unchanged), 2 trùng nội dung (duplicates)" in err,
          "a later ingest of the copies: " + err)
    check(sorted(map(sorted, (v[0] for v in layout(dbl).values()))) == sorted(map(sorted, (v[0] for v in got.values()))),
          "a later ingest of the copies gives the same documents")

    # search shows a document once, with its paths
    rc, out, err = run("search", "--db", db, "--format", "json", "--limit", "50", "pháp")
    hits = json.loads(out)
    ids = [h["id"] for h in hits]
    check(hits and len(ids) == len(set(ids)), "search: each document once: %s" % ids)
    for h in hits:
        if h["id"] == q(db, "SELECT id FROM documents WHERE path = ?", a2)[0][0]:
            check(h["paths"] == [a2, a1], "search: the paths of a: %s" % h["paths"])

    # nothing changed: nothing read; the copies are unchanged files
    rc, out, err = run("ingest", "--db", db, two, one, env=stats)
    check("0 đã nhập (ingested), 6 không đổi (unchanged)" in err and "read 0 files" in err,
          "unchanged copies are not read again: " + err)
    # a copy touched (same bytes, new mtime): its own path's mtime only
    doc_mtime = q(db, "SELECT mtime_ns FROM documents WHERE path = ?", a2)[0][0]
    st = os.stat(a1)
    os.utime(a1, ns=(st.st_atime_ns, st.st_mtime_ns + 7_000_000_000))
    rc, out, err = run("ingest", "--db", db, two, one, env=stats)
    check("read 1 files, 1 touched" in err, "a touched copy is read once: " + err)
    check(q(db, "SELECT mtime_ns FROM doc_paths WHERE path = ?", a1)[0][0] == st.st_mtime_ns + 7_000_000_000,
          "the copy's mtime is updated")
    check(q(db, "SELECT mtime_ns FROM documents WHERE path = ?", a2)[0][0] == doc_mtime,
          "the document's (first path's) mtime is not")

    # the content changes at the first path while the copy keeps the old content: the old
    # document stays, found at the copy only (its path moves there), the new content is a
    # new document
    old_id = q(db, "SELECT id FROM documents WHERE path = ?", a2)[0][0]
    old_facts = q(db, "SELECT count(*) FROM facts WHERE doc_id = ?", old_id)[0][0]
    with open(a2, "a", encoding="utf-8") as f:
        f.write("\nCăn cứ Thông tư số 99/2024/TT-BTP ngày 01/02/2024 của Bộ Tư pháp.\n")
    rc, out, err = run("ingest", "--db", db, two, one, env=stats)
    check("1 đã nhập (ingested), 5 không đổi (unchanged)" in err, "the changed file is a new document: " + err)
    check(q(db, "SELECT path FROM documents WHERE id = ?", old_id) == [(a1,)], "the old document is now at the copy")
    check(q(db, "SELECT path FROM doc_paths WHERE doc_id = ?", old_id) == [(a1,)], "its only path is the copy")
    check(q(db, "SELECT count(*) FROM facts WHERE doc_id = ?", old_id)[0][0] == old_facts, "its facts are kept")
    new = q(db, "SELECT d.id FROM documents d JOIN legal_refs r ON r.doc_id = d.id"
                " WHERE r.cited_id = '99/2024/TT-BTP'")
    check(len(new) == 1 and new[0][0] != old_id and q(db, "SELECT path FROM documents WHERE id = ?", new[0][0]) == [(a2,)],
          "the new content is its own document at the changed path")
    check(orphans(db) == 0, "no orphan rows after a change")

    # the copy becomes byte-identical to the new content: the old document goes with its
    # last path, the copy is a path of the new document
    shutil.copy(a2, a1)
    rc, out, err = run("ingest", "--db", db, two, one, env=stats)
    check("0 đã nhập (ingested), 5 không đổi (unchanged), 1 trùng nội dung (duplicates)" in err,
          "the copy made identical is a duplicate: " + err)
    check(q(db, "SELECT count(*) FROM documents WHERE id = ?", old_id)[0][0] == 0, "the old document is gone")
    check(q(db, "SELECT path FROM doc_paths WHERE doc_id = ? ORDER BY rowid", new[0][0]) == [(a2,), (a1,)],
          "the new document has both paths")
    check(q(db, "SELECT count(*) FROM documents")[0][0] == 4 and orphans(db) == 0, "4 documents, no orphans")

    # --prune: the first path of b goes, the document stays at the copy; then the last goes
    b_id = q(db, "SELECT id FROM documents WHERE path = ?", b2)[0][0]
    os.remove(b2)
    rc, out, err = run("ingest", "--db", db, "--prune", env=stats)
    check("1 xóa (pruned): 0 văn bản, 1 đường dẫn" in err, "prune of a copy keeps the document: " + err)
    check(q(db, "SELECT path FROM documents WHERE id = ?", b_id) == [(b1,)], "documents.path moves to the copy")
    check(q(db, "SELECT size, mtime_ns FROM documents WHERE id = ?", b_id)
          == [(os.stat(b1).st_size, os.stat(b1).st_mtime_ns)], "with the copy's size and mtime")
    rc, out, err = run("search", "--db", db, "--format", "json", "--limit", "50", "pháp")
    check(all(b2 not in h["paths"] for h in json.loads(out)), "search no longer shows the pruned path")
    os.remove(b1)
    # one of the four documents: more than the default share (20%), allowed up to 50%
    rc, out, err = run("ingest", "--db", db, "--prune", "--prune-max", "50", env=stats)
    check("1 xóa (pruned)" in err and "văn bản" not in err, "prune of the last path: " + err)
    check(q(db, "SELECT count(*) FROM documents WHERE id = ?", b_id)[0][0] == 0, "the document goes with its last path")
    check(orphans(db) == 0, "no orphan rows after prune")

    # --reextract keeps every document's id and paths
    before = q(db, "SELECT doc_id, path FROM doc_paths ORDER BY rowid")
    c = sqlite3.connect(db)
    c.execute("UPDATE documents SET rules_version = 'old'")
    c.commit()
    c.close()
    rc, out, err = run("ingest", "--db", db, "--reextract", env=stats)
    check("3 trích xuất lại (re-extracted)" in err, "reextract: " + err)
    check(q(db, "SELECT doc_id, path FROM doc_paths ORDER BY rowid") == before, "reextract keeps ids and paths")
    check(orphans(db) == 0 and q(db, "SELECT count(*) FROM doc_text_docsize")[0][0] == 3, "no orphans after reextract")
    check(q(db, "PRAGMA integrity_check")[0][0] == "ok", "integrity")

    # file names that are not UTF-8 (a folder from an old Windows share): JSON still names
    # every path, each bad byte as U+FFFD, instead of dropping the key
    bad = os.path.join(tmp, "bad").encode()
    os.makedirs(bad)
    body = "Kế hoạch số 9/KH-UBND về zebraqq.\nchậm nhất ngày 20/11/2025.\n".encode()
    for name in (b"t\xe9st.txt", b"copy\xff.txt"):
        with open(os.path.join(bad, name), "wb") as f:
            f.write(body)
    bdb = os.path.join(tmp, "bad.db")
    rc, out, err = run("ingest", "--db", bdb, bad.decode("utf-8", "surrogateescape"))
    check(rc == 0 and "1 trùng nội dung (duplicates)" in err, "non-UTF-8 names ingested: " + err)
    for args in (["zebraqq"], ["--deadline-in", "2025"]):
        rc, out, err = run("search", "--db", bdb, "--format", "json", *args)
        rows = json.loads(out) if rc == 0 else []
        check(len(rows) == 1 and rows[0].get("path", "").endswith("copy\ufffd.txt")
              and sorted(os.path.basename(p) for p in rows[0].get("paths") or []) == ["copy\ufffd.txt", "t\ufffdst.txt"],
              "search %s: non-UTF-8 paths shown with U+FFFD: %s" % (args[0], rows and rows[0].get("paths")))
finally:
    lwtest.cleanup(tmp)

lwtest.done()
