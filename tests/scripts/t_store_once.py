#!/usr/bin/env python3
"""t_store_once: each fact is stored once (schema 7: typed columns and a small remainder,
lw_store_codec) and its JSON rebuilt when asked for. Over corpus/, corpus/extra/, the test
files of other formats (Word, PDF, image: page, paragraph, OCR confidence) and a generated
set, every fact that `lawwatch show --format json` reads back from the database equals, key
by key, value by value and in key order, what `lawwatch extract --format json` prints for
the same file. No fact of a text file may need to be kept whole (the columns must hold every
shape extraction makes); the stored remainders stay small.

    python3 t_store_once.py LAWWATCH_BIN SOURCE_DIR
"""
import json
import os
import sqlite3
import subprocess
import sys

import lwtest

BIN, SRC = lwtest.paths()
N_GENERATED = int(os.environ.get("LW_STORE_ONCE_N", "120"))


def pairs(text):
    """JSON with every object as a list of (key, value) pairs: key order counts."""
    return json.loads(text, object_pairs_hook=list)


def without_cited_doc_id(fact):
    """show adds cited_doc_id to a citation whose document is stored: not a stored key."""
    return [kv for kv in fact if kv[0] != "cited_doc_id"]


with lwtest.tmpdir("lw_store_once_") as tmp:
    gen = os.path.join(tmp, "gen")
    p = subprocess.run([sys.executable, lwtest.source("bench", "gen_corpus.py"), "--out", gen, "--n", str(N_GENERATED)],
                       capture_output=True, text=True)
    lwtest.check(p.returncode == 0, "gen_corpus: " + p.stderr)
    files = [lwtest.source("corpus", f) for f in sorted(os.listdir(lwtest.source("corpus"))) if f.endswith(".txt")]
    files += [lwtest.source("corpus", "extra", f) for f in sorted(os.listdir(lwtest.source("corpus", "extra")))
              if f.endswith(".txt")]
    files += [os.path.join(gen, f) for f in sorted(os.listdir(gen)) if f.endswith(".txt")]
    others = [lwtest.data("files", f) for f in ("doc-08.docx", "ext-018.pdf", "page.png")]
    others += [lwtest.data("docx", f) for f in sorted(os.listdir(lwtest.data("docx"))) if f.endswith(".docx")]
    db = os.path.join(tmp, "t.db")
    rc, out, err = lwtest.run("ingest", "--db", db, *files, *others, cwd=tmp)
    lwtest.check(rc in (0, 1), "ingest: " + err)

    con = sqlite3.connect(db)
    ids = dict((path, i) for i, path in con.execute("SELECT doc_id, path FROM doc_paths"
                                                     " UNION SELECT id, path FROM documents"))
    lwtest.check(con.execute("PRAGMA user_version").fetchone()[0] == 7, "schema 7")
    lwtest.check(not [r for r in con.execute("PRAGMA table_info(facts)") if r[1] == "json"], "no JSON column in facts")

    compared = facts_seen = 0
    for path in files + others:
        rc, out, err = lwtest.run("extract", "--format", "json", path, cwd=tmp)
        if rc != 0 and not out.strip():
            continue  # a format this machine cannot read (no OCR engine): nothing stored either
        want = [f for f in pairs(out)[[k for k, _ in pairs(out)].index("facts")][1]]
        doc = ids.get(os.path.realpath(path)) or ids.get(os.path.abspath(path))
        if not lwtest.check(doc is not None, "stored: " + path):
            continue
        rc, out, err = lwtest.run("show", "--db", db, "--format", "json", str(doc), cwd=tmp)
        if not lwtest.check(rc == 0, "show %s: %s" % (path, err)):
            continue
        shown = dict((k, v) for k, v in pairs(out))
        got = [without_cited_doc_id(f) for f in shown["facts"]]
        compared += 1
        facts_seen += len(want)
        if got != want:
            lwtest.check(len(got) == len(want), "%s: %d facts read back, %d extracted" % (path, len(got), len(want)))
            for k, (g, w) in enumerate(zip(got, want)):
                if g != w:
                    lwtest.fail("%s: fact %d read back\n  as %s\n want %s" % (path, k, json.dumps(g, ensure_ascii=False),
                                                                             json.dumps(w, ensure_ascii=False)))
                    break

    lwtest.check(compared >= len(files), "every text file compared (%d of %d)" % (compared, len(files)))
    lwtest.check(facts_seen > 1000, "enough facts compared: %d" % facts_seen)
    # a text file's facts all fit the columns: none kept whole
    whole = con.execute("SELECT count(*) FROM facts f JOIN documents d ON d.id = f.doc_id"
                        " WHERE d.source_format = 'text' AND f.rest LIKE '{\"kind\":%'").fetchone()[0]
    lwtest.check(whole == 0, "facts of text files kept whole: %d" % whole)
    kinds = dict(con.execute("SELECT kind, count(*) FROM facts WHERE rest IS NULL GROUP BY kind").fetchall())
    for k in ("legal_ref", "relation", "date", "deadline", "agency"):
        lwtest.check(kinds.get(k, 0) > 0, "some %s facts need no remainder" % k)
    con.close()

lwtest.done("store_once")
