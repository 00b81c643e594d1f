"""t_pg_store: the PostgreSQL back end stores what SQLite stores (issue 21). corpus/ is
ingested into a SQLite file and into the PostgreSQL database LW_TEST_PG_URI (emptied first:
DROP SCHEMA public CASCADE), then every stored row is compared field by field: documents,
their paths in order, their original bytes, every fact and every typed row (legal_refs,
deadlines, agencies, relations, dates, duties, duty_units), matched by the document's sha256
and the fact's rank in its document (ids are the server's to give). Then four ingests run at
once into an emptied database over overlapping folders (each file found by several of them,
some files byte-identical at two paths): one document per content, one row per path, every
path on the document of its content, the first path the document's, and the facts as on
SQLite. Last, open: an empty database is not read, a foreign or newer one refused.
LW_TEST_PG_URI: the database (ctest's fixture pg_cluster gives one; without it the test fails)."""
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lwtest  # noqa: E402

BIN, SRC = lwtest.paths()
URI = lwtest.pg_uri()  # the fixture's database of this test; without it the test fails

# What each table is compared by: the SQL of its rows for each back end, keyed by the
# document's sha256 and the fact's rank in its document (ord), in a fixed order.
FACTS = "(SELECT *, row_number() OVER (PARTITION BY doc_id ORDER BY id) AS ord FROM facts)"
TYPED = {
    "legal_refs": "type, number, year, symbol, cited_id, cited_key, title, cited_date, pinpoint, year_mismatch,"
                  " t.line, t.span_start, t.text, t.page",
    "deadlines": "date_from, date_to, precision, qualifier, unit, nearby_agency",
    "agencies": "name, level, province, role",
    "relations": "type, from_id, to_id",
    "dates": "value",
    "duties": "activity, topic, section, source, lead, partners, output, date_from, date_to, precision, qualifier,"
              " deadline_text, deadline_line, t.line, t.span_start, t.page",
}


def queries(pg):
    rowid = "seq" if pg else "rowid"
    hexraw = "encode(s.raw, 'hex')" if pg else "lower(hex(s.raw))"
    q = {
        "documents": "SELECT sha256, path, size, mtime_ns, encoding, kind, number, issuer, place, date, subject,"
                     " kind_key, issuer_key, n_facts, rules_version, topic, source_format, pages, note"
                     " FROM documents ORDER BY sha256",
        "doc_paths": f"SELECT d.sha256, p.path, p.size, p.mtime_ns FROM doc_paths p JOIN documents d ON d.id = p.doc_id"
                     f" ORDER BY d.sha256, p.{rowid}",
        "sources": f"SELECT d.sha256, {hexraw} FROM sources s JOIN documents d ON d.id = s.doc_id ORDER BY d.sha256",
        "facts": f"SELECT d.sha256, f.ord, f.kind, f.rule, f.line, f.span_start, f.span_end, f.text,"
                 f" f.rest, f.page, f.paragraph, f.ocr_conf FROM {FACTS} f JOIN documents d ON d.id = f.doc_id"
                 f" ORDER BY d.sha256, f.ord",
        "duty_units": f"SELECT d.sha256, f.ord, t.role, t.name, t.name_key, t.level, t.line"
                      f" FROM duty_units t JOIN {FACTS} f ON f.id = t.fact_id JOIN documents d ON d.id = t.doc_id"
                      f" ORDER BY d.sha256, f.ord, t.{rowid}",
    }
    for table, cols in TYPED.items():
        cols = ", ".join(c if "." in c else "t." + c for c in (c.strip() for c in cols.split(",")))
        q[table] = (f"SELECT d.sha256, f.ord, {cols} FROM {table} t JOIN {FACTS} f ON f.id = t.fact_id"
                    f" JOIN documents d ON d.id = t.doc_id ORDER BY d.sha256, f.ord")
    return q


def psql(sql, uri=URI):
    r = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", uri, "-c", sql], capture_output=True,
                       text=True, timeout=lwtest.TIMEOUT)
    lwtest.check(r.returncode == 0, f"psql {sql[:60]}...: {r.stderr.strip()}")
    return r.stdout


def unescape(field):
    """A field of COPY's text format: \\N is NULL, backslash escapes."""
    if field == "\\N":
        return None
    out, i = [], 0
    while i < len(field):
        ch = field[i]
        if ch == "\\" and i + 1 < len(field):
            nxt = field[i + 1]
            out.append({"n": "\n", "t": "\t", "r": "\r", "\\": "\\"}.get(nxt, nxt))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def pg_rows(sql):
    text = psql(f"COPY ({sql}) TO STDOUT")
    return [tuple(unescape(f) for f in line.split("\t")) for line in text.split("\n") if line]


def sqlite_rows(db, sql):
    con = sqlite3.connect(db)
    rows = [tuple(None if v is None else str(v) for v in row) for row in con.execute(sql)]
    con.close()
    return rows


def compare(table, want, got):
    if len(want) != len(got):
        lwtest.check(False, f"{table}: SQLite has {len(want)} rows, PostgreSQL {len(got)}")
    bad = 0
    for i, (w, g) in enumerate(zip(want, got)):
        if w != g:
            for k, (a, b) in enumerate(zip(w, g)):
                if a != b and bad < 10:
                    lwtest.check(False, f"{table}[{i}] (doc {w[0][:12]}) column {k}: SQLite {a!r}, PostgreSQL {b!r}")
            bad += 1
    lwtest.check(bad == 0, f"{table}: {bad} rows differ")
    return len(want)


def reset():
    psql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")


def ingest(db, *paths, wait=True):
    cmd = [BIN, "ingest", "--db", db, *paths]
    if not wait:
        return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return lwtest.run("ingest", "--db", db, *paths)


def ingest_ok(rc, err, what):
    lwtest.check(rc == 0, f"{what}: exit {rc}: {err.strip()[-400:]}")
    lwtest.check("0 lỗi (failed)" in err, f"{what}: no file failed: {err}")


with lwtest.tmpdir("lw_pg_store_") as tmp:
    corpus = os.path.join(tmp, "corpus")
    shutil.copytree(os.path.join(SRC, "corpus"), corpus)
    lite = os.path.join(tmp, "lite.db")
    rc, out, err = ingest(lite, corpus)
    lwtest.check(rc == 0, "ingest into SQLite: " + err)

    # 1. one ingest: every row as on SQLite
    reset()
    rc, out, err = ingest(URI, corpus)
    ingest_ok(rc, err, "ingest into PostgreSQL")
    qs, qp = queries(False), queries(True)
    total = 0
    for table in qs:
        total += compare(table, sqlite_rows(lite, qs[table]), pg_rows(qp[table]))
    lwtest.check(total > 1000, f"the comparison means something: {total} rows")
    # the partition key: a province's document in its partition, a central one in ''
    part = pg_rows("SELECT DISTINCT d.doc_province, f.tableoid::regclass::text FROM documents d"
                   " JOIN facts f ON f.doc_id = d.id AND f.doc_province = d.doc_province ORDER BY 1")
    lwtest.check(("", "facts_p_none") in part and ("soc trang", "facts_p_soc_trang") in part,
                 f"documents in their province's partition: {part}")

    # 2. an ingest again: nothing changes; a file changed and one removed (delete_path
    # through ingest --prune is not this test's: the files are just compared again)
    rc, out, err = ingest(URI, corpus)
    ingest_ok(rc, err, "ingest again")
    lwtest.check("0 đã nhập (ingested)" in err, "nothing ingested again: " + err)

    # 3. four ingests at once over overlapping folders; identical files at two paths
    reset()
    names = sorted(n for n in os.listdir(corpus) if n.endswith(".txt"))
    extra = sorted(os.path.join("extra", n) for n in os.listdir(os.path.join(corpus, "extra")))
    files = [os.path.join(corpus, n) for n in names + extra]
    dirs = []
    for k in range(4):
        d = os.path.join(tmp, f"in{k}")
        os.makedirs(d)
        for i, f in enumerate(files):
            if i % 4 != k:  # each file in three of the four folders
                shutil.copyfile(f, os.path.join(d, f"{i:03d}.txt"))
        dirs.append(d)
    procs = [ingest(URI, *(dirs[k:] + dirs[:k]), wait=False) for k in range(4)]
    for k, p in enumerate(procs):
        out, err = p.communicate(timeout=lwtest.TIMEOUT)
        ingest_ok(p.returncode, err, f"concurrent ingest {k}")
    n_files = sum(len(os.listdir(d)) for d in dirs)
    shas = {}
    for d in dirs:
        for n in os.listdir(d):
            with open(os.path.join(d, n), "rb") as fh:
                shas[os.path.realpath(os.path.join(d, n))] = hashlib.sha256(fh.read()).hexdigest()
    docs = pg_rows("SELECT sha256, count(*) FROM documents GROUP BY sha256 ORDER BY 1")
    lwtest.check(len(docs) == len(set(shas.values())), f"one document per content: {len(docs)} documents,"
                 f" {len(set(shas.values()))} contents")
    paths = dict(pg_rows("SELECT p.path, d.sha256 FROM doc_paths p JOIN documents d ON d.id = p.doc_id"))
    lwtest.check(len(paths) == n_files, f"one row per path: {len(paths)} rows, {n_files} files")
    lwtest.check(paths == shas, "every path on the document of its content")
    first = pg_rows("SELECT count(*) FROM documents d WHERE d.path <> (SELECT p.path FROM doc_paths p"
                    " WHERE p.doc_id = d.id ORDER BY p.seq LIMIT 1)")
    lwtest.check(first == [("0",)], f"documents.path is the first path: {first}")
    counts = pg_rows("SELECT (SELECT count(*) FROM facts), (SELECT sum(n_facts) FROM documents)")
    lwtest.check(counts[0][0] == counts[0][1], f"each fact once: {counts}")
    for table in ("facts", "duty_units", *TYPED):
        # by content: paths differ from the SQLite ingest's, the facts must not
        want = [r for r in sqlite_rows(lite, qs[table])]
        got = pg_rows(qp[table])
        compare(table + " (concurrent)", want, got)

    # 4. open: an empty database is not read, a foreign or newer one is refused, with a
    # message on one line that names the database without its password
    reset()
    one = os.path.join(corpus, names[0])
    rc, out, err = lwtest.run("search", "--db", URI, "luật")
    lwtest.check(rc == 2 and "holds no lawwatch data yet" in err, f"an empty database is not read: {rc} {err}")
    psql("CREATE TABLE someone_elses(x int)")
    rc, out, err = ingest(URI, one)
    lwtest.check(rc == 2 and "is not a lawwatch one" in err, f"a foreign database is refused: {rc} {err}")
    lwtest.check(pg_rows("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [("1",)],
                 "nothing was created in a foreign database")
    reset()
    rc, out, err = ingest(URI, one)
    ingest_ok(rc, err, "ingest into an empty database")
    psql("UPDATE meta SET value = '8' WHERE key = 'schema_version'")
    rc, out, err = ingest(URI, one)
    lwtest.check(rc == 2 and "newer lawwatch (schema 8), expected 7" in err, f"a newer schema is refused: {err}")
    bad = URI + ("&" if "?" in URI else "?") + "password=hunter2&dbname=lw_no_such_database"
    rc, out, err = lwtest.run("search", "--db", bad, "luật")
    lwtest.check(rc == 2 and "cannot connect to the PostgreSQL server" in err and "hunter2" not in err
                 and err.count("\n") == 1, f"a connection refused: one line, no password: {err!r}")
    reset()

lwtest.done("t_pg_store")
