"""SQLite and PostgreSQL give the same answers (issue 21 as it is judged): corpus/ and the test
documents (PDFs with a text layer and scanned, scans, Word, ODT) ingested into a SQLite file
and into PostgreSQL (LW_TEST_PG_URI, the pg_cluster fixture's), and the SQLite file exported
into a second PostgreSQL database (lawwatch export); then search (every bench query, in both
formats, and the filters, pages, --cites, --deadline-in), check (both formats, --unit,
--year, --code, --unknown), report (every format and language, --unit, --all), show (every
document) and registry give the same exit status, standard output and standard error byte
for byte, but for the database's name. Documents the tests never saw (bench/gen_corpus.py,
its own seed) go through the same comparison."""
import os
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lwtest  # noqa: E402

BIN, SRC = lwtest.paths()
# the folders of tests/data with documents of every format (their read sources are cached)
FOLDERS = ("pdf", "ocr", "docx", "odt")
AS_OF = "2025-06-30"


def queries():
    with open(lwtest.source("bench", "queries.txt"), encoding="utf-8") as f:
        return [q.strip() for q in f if q.strip() and not q.startswith("#")]


def first_difference(want, got, what):
    """The first differing line of two outputs with one line around it (difflib over every
    output of a failing run would take minutes)."""
    a, b = want.splitlines(), got.splitlines()
    i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
    print("    %s: %d lines, want %d; first difference at line %d:" % (what, len(b), len(a), i + 1), flush=True)
    for k in range(max(0, i - 1), i + 2):
        if k < len(a):
            print("      want %d: %s" % (k + 1, a[k][:300]))
        if k < len(b):
            print("      got  %d: %s" % (k + 1, b[k][:300]))


def compare(dbs, args, cwd, what=None):
    """Runs lawwatch VERB --db DB args for each database: the same rc, stdout and stderr (the
    database's name replaced by DB) as the first (SQLite)."""
    verb, rest = args[0], args[1:]
    outs = []
    for name, db in dbs:
        rc, out, err = lwtest.run(verb, "--db", db, *rest, cwd=cwd)
        outs.append((name, rc, out.replace(db, "DB"), err.replace(db, "DB")))
    want = outs[0]
    label = what or " ".join([verb] + [str(a) for a in rest])
    ok = True
    for got in outs[1:]:
        if got[1:] != want[1:]:
            ok = False
            lwtest.fail("%s: %s differs from %s (rc %s vs %s)" % (label, got[0], want[0], got[1], want[1]))
            for i, part in ((2, "stdout"), (3, "stderr")):
                if got[i] != want[i]:
                    first_difference(want[i], got[i], "%s of %s" % (part, got[0]))
    if ok:
        lwtest.check(want[1] in (0, 1) and (want[2] or want[3]), "%s: the same from every back end (rc %d)" % (label, want[1]))
    return ok


def ingest(db, folders, cwd, what):
    rc, out, err = lwtest.run("ingest", "--db", db, *folders, cwd=cwd)
    lwtest.check(rc in (0, 1), "ingest into %s (%s): %d %s" % (what, db.split("?")[0], rc, err[-600:]))


def ids(db):
    """Every document id of db, ascending (as the database numbered them)."""
    if db.startswith("postgresql://"):
        rc, out, err = lwtest.pg_sql(db, "select id from documents order by id")
        return [int(x) for x in out.split()] if rc == 0 else []
    c = sqlite3.connect(db)
    try:
        return [r[0] for r in c.execute("SELECT id FROM documents ORDER BY id")]
    finally:
        c.close()


def same_everything(dbs, cwd, unit, issuer, cited, full=True):
    """Every output compared; not full (the unseen documents): the JSON ones and the report's
    text, a tenth of the documents shown."""
    for q in queries():
        compare(dbs, ["search", "--format", "json", q], cwd)
    for q in queries()[:8] if full else []:
        compare(dbs, ["search", "--format", "table", "--color", "never", q], cwd)
    for extra in (["--year", "2020"], ["--kind", "ke hoach"], ["--issuer", issuer], ["--unit", unit],
                  ["--limit", "5", "--offset", "5"], ["--limit", "3"]):
        compare(dbs, ["search", "--format", "json", *extra, "thi hanh"], cwd)
    compare(dbs, ["search", "--format", "json", "--cites", cited], cwd)
    compare(dbs, ["search", "--format", "json", "--deadline-in", "2025"], cwd)
    if full:
        compare(dbs, ["search", "--format", "table", "--color", "never", "--cites", cited], cwd)
        compare(dbs, ["search", "--format", "table", "--color", "never", "--deadline-in", "2025Q3"], cwd)
    for fmt in ("json", "table") if full else ("json",):
        compare(dbs, ["check", "--format", fmt, "--color", "never"], cwd)
    for extra in (["--unit", issuer], ["--year", "2020"], ["--code", "citation."], ["--unknown"]):
        compare(dbs, ["check", "--format", "json", *extra], cwd)
    for fmt in ("text", "md", "html", "csv", "json") if full else ("text", "json"):
        compare(dbs, ["report", "--as-of", AS_OF, "--format", fmt, "--color", "never"], cwd)
    compare(dbs, ["report", "--as-of", AS_OF, "--format", "text", "--lang", "en", "--all"], cwd)
    compare(dbs, ["report", "--as-of", AS_OF, "--format", "json", "--unit", unit], cwd)
    compare(dbs, ["registry", "--format", "json", cited], cwd)
    got = [ids(db) for _, db in dbs]
    lwtest.check(got[0] and all(g == got[0] for g in got), "the same document ids: %s" % [len(g) for g in got])
    for doc in got[0] if full else got[0][::10]:
        compare(dbs, ["show", "--format", "json", doc], cwd)


uri = lwtest.pg_uri()
with lwtest.tmpdir("lw_pg_same_") as tmp:
    os.chmod(tmp, 0o755)
    folders = [lwtest.source("corpus")] + [lwtest.data(d) for d in FOLDERS]
    lite = os.path.join(tmp, "a.db")
    ingest(lite, folders, tmp, "SQLite")
    ingest(uri, folders, tmp, "PostgreSQL")
    exported = lwtest.pg_database("t_pg_same_export")
    rc, out, err = lwtest.run("export", "--db", lite, "--to", exported, cwd=tmp)
    lwtest.check(rc == 0, "export to PostgreSQL: %d %s" % (rc, err[-600:]))
    rc, out, err = lwtest.run("export", "--db", lite, "--to", exported, cwd=tmp)
    lwtest.check(rc == 0 and "0 new, 0 paths added" in err, "a second export adds nothing: %d %s" % (rc, err[-400:]))
    dbs = [("SQLite", lite), ("PostgreSQL", uri), ("PostgreSQL exported", exported)]
    same_everything(dbs, tmp, "Tư pháp", "Sóc Trăng", "59/2012/NĐ-CP")
    # and back: PostgreSQL exported into a SQLite file gives the same
    back = os.path.join(tmp, "back.db")
    rc, out, err = lwtest.run("export", "--db", uri, "--to", back, cwd=tmp)
    lwtest.check(rc == 0, "export from PostgreSQL to SQLite: %d %s" % (rc, err[-400:]))
    compare([("SQLite", lite), ("SQLite from PostgreSQL", back)], ["check", "--format", "json"], tmp)
    compare([("SQLite", lite), ("SQLite from PostgreSQL", back)], ["report", "--as-of", AS_OF, "--format", "json"], tmp)

    # unseen documents: generated with a seed of this test's own
    gen = os.path.join(tmp, "gen")
    p = subprocess.run([sys.executable, lwtest.source("bench", "gen_corpus.py"), "--n", "100", "--seed", "2121",
                        "--out", gen], capture_output=True, encoding="utf-8")
    lwtest.check(p.returncode == 0, "gen_corpus: " + p.stderr[-400:])
    lite2 = os.path.join(tmp, "gen.db")
    uri2 = lwtest.pg_database("t_pg_same_gen")
    ingest(lite2, [gen], tmp, "SQLite")
    ingest(uri2, [gen], tmp, "PostgreSQL")
    same_everything([("SQLite", lite2), ("PostgreSQL", uri2)], tmp, "Tư pháp", "tỉnh", "59/2012/NĐ-CP", full=False)

lwtest.done()
