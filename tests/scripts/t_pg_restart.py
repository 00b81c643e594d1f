"""The PostgreSQL server restarted during an ingest (issue 21's fault test): on a cluster of
its own (scripts/pg_cluster.sh; the fixture's is shared by the other tests), an ingest is
running when the server restarts (pg_ctl restart -m fast: its connection is cut). The ingest
stops with a clear message that names the database (its URI, never a password) and exit 2,
having stored whole documents only; a re-run completes, and every file is stored once."""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lwtest  # noqa: E402

BIN, SRC = lwtest.paths()
SCRIPT = lwtest.pg_cluster_script()
N_DOCS = 400


def cluster(*args):
    p = subprocess.run(["bash", SCRIPT, *args], capture_output=True, encoding="utf-8", timeout=120)
    return p.returncode, p.stdout.strip(), p.stderr.strip()


def count(uri, table):
    rc, out, err = lwtest.pg_sql(uri, "select count(*) from %s" % table)
    return int(out.strip()) if rc == 0 and out.strip().isdigit() else -1


lwtest.pg_uri()  # the fixture: this test runs where PostgreSQL tests run
with lwtest.tmpdir("lw_pg_restart_") as tmp:
    os.chmod(tmp, 0o755)
    d = os.path.join(tmp, "pg")
    rc, uri, err = cluster("start", d, "5432", "--watch", str(os.getpid()))
    if not lwtest.check(rc == 0, "a cluster of its own: " + err):
        lwtest.done()
    try:
        # a password in the URI must never be shown (trust authentication ignores it)
        uri_pw = uri.replace("user=lawwatch", "user=lawwatch&password=s3cret")
        gen = os.path.join(tmp, "gen")
        p = subprocess.run([sys.executable, lwtest.source("bench", "gen_corpus.py"), "--n", str(N_DOCS), "--seed",
                            "restart", "--out", gen], capture_output=True, encoding="utf-8")
        lwtest.check(p.returncode == 0, "gen_corpus: " + p.stderr[-400:])
        files = sum(len([n for n in names if n.endswith(".txt")]) for _, _, names in os.walk(gen))
        # the schema first, so that the restart hits the documents' batches
        rc, out, err = lwtest.run("ingest", "--db", uri_pw, lwtest.source("corpus", "extra"), cwd=tmp)
        lwtest.check(rc == 0, "a first ingest: %d %s" % (rc, err[-300:]))
        base = count(uri, "doc_paths")
        ing = subprocess.Popen([BIN, "ingest", "--db", uri_pw, "--jobs", "1", gen], cwd=tmp, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, encoding="utf-8", errors="replace")
        restarted = False
        deadline = time.time() + 120
        while time.time() < deadline and ing.poll() is None:
            if count(uri, "doc_paths") > base:
                rc, out, err = cluster("restart", d)
                restarted = lwtest.check(rc == 0, "the server restarted: " + err)
                break
            time.sleep(0.05)
        out, err = ing.communicate(timeout=lwtest.TIMEOUT)
        lwtest.check(restarted, "the server restarted while the ingest ran")
        shown = uri.split("&password")[0]
        lwtest.check(ing.returncode == 2, "the ingest stops with exit 2: %s" % ing.returncode)
        lwtest.check("host=" + d in err and "s3cret" not in err,
                     "its message names the database, not its password: %s" % err[-600:])
        lwtest.check(any(w in err for w in ("terminat", "closed", "connection", "kết nối")),
                     "its message says the connection was lost: %s" % err[-600:])
        lwtest.check("disk full" not in err and "máy chủ" in err,
                     "a lost server is not called a full disk of this machine: %s" % err[-600:])
        print("message: " + err.strip().splitlines()[-1] if err.strip() else "no message")
        stored = count(uri, "doc_paths")
        lwtest.check(base <= stored < base + files, "some but not all were stored before: %d of %d" % (stored - base, files))
        rc, out, err = lwtest.pg_sql(uri, "select count(*) from documents d where d.n_facts <>"
                                          " (select count(*) from facts f where f.doc_id = d.id)")
        lwtest.check(rc == 0 and out.strip() == "0", "only whole documents stored: %s %s" % (out, err))
        # the re-run completes
        rc, out, err = lwtest.run("ingest", "--db", uri_pw, "--jobs", "1", gen, cwd=tmp)
        lwtest.check(rc == 0, "the re-run completes: %d %s" % (rc, err[-400:]))
        lwtest.check(count(uri, "doc_paths") == base + files, "every file stored: %d of %d"
                     % (count(uri, "doc_paths") - base, files))
        rc, out, err = lwtest.pg_sql(uri, "select count(*) from (select sha256 from documents group by sha256"
                                          " having count(*) > 1) x")
        lwtest.check(out.strip() == "0", "one document per content: %s" % out)
        lwtest.check(shown in err or "s3cret" not in err, "no password in the re-run's messages")
    finally:
        cluster("stop", d)

lwtest.done()
