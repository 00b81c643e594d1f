"""Four writers into one PostgreSQL database (issue 21): `lawwatch ingest` run four times at
once over overlapping folders (each folder ingested by two writers; some contents copied
into several folders, so that writers race on the same content under different paths too),
one of them killed with SIGKILL mid-way. Then: exactly one document per content and one row
per path, every document whole (its facts, its source and its full-text row: no writer's
half-written document is seen), nothing of the three finished writers missing; a re-run of
every folder completes and leaves every file stored, and the facts of each document are
those SQLite stores for the same file."""
import os
import shutil
import hashlib
import signal
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lwtest  # noqa: E402

BIN, SRC = lwtest.paths()
N_DOCS = 240
WRITERS = 4


def sql(uri, q):
    rc, out, err = lwtest.pg_sql(uri, q)
    lwtest.check(rc == 0, "%s: %s" % (q, err))
    return [line.split("|") for line in out.splitlines() if line]


def files_of(folders):
    out = []
    for d in folders:
        for root, _, names in os.walk(d):
            out += [os.path.join(root, n) for n in names if n.endswith(".txt")]
    return sorted(out)


def whole(uri, what):
    """Every document whole: its facts as many as n_facts, its original, its full-text row;
    one document per content, one row per path."""
    dup = sql(uri, "select sha256, count(*) from documents group by sha256 having count(*) > 1")
    lwtest.check(not dup, "%s: one document per content (%d duplicated)" % (what, len(dup)))
    dup = sql(uri, "select path, count(*) from doc_paths group by path having count(*) > 1")
    lwtest.check(not dup, "%s: one row per path (%d duplicated)" % (what, len(dup)))
    half = sql(uri, "select d.id from documents d where d.n_facts <> (select count(*) from facts f where f.doc_id = d.id)"
                    " or not exists (select 1 from sources s where s.doc_id = d.id)"
                    " or not exists (select 1 from doc_text t where t.doc_id = d.id)"
                    " or not exists (select 1 from doc_paths p where p.doc_id = d.id)")
    lwtest.check(not half, "%s: every document whole (%d not)" % (what, len(half)))


uri = lwtest.pg_uri()
with lwtest.tmpdir("lw_pg_conc_") as tmp:
    gen = os.path.join(tmp, "gen")
    p = subprocess.run([sys.executable, lwtest.source("bench", "gen_corpus.py"), "--n", str(N_DOCS), "--seed",
                        "concurrent", "--out", gen], capture_output=True, encoding="utf-8")
    lwtest.check(p.returncode == 0, "gen_corpus: " + p.stderr[-400:])
    # four folders, a quarter of the documents each, and every 10th document copied into the
    # next folder too (the same content at two paths, ingested by different writers)
    names = files_of([gen])
    folders = [os.path.join(tmp, "f%d" % i) for i in range(WRITERS)]
    for d in folders:
        os.makedirs(d)
    for i, f in enumerate(names):
        k = i % WRITERS
        shutil.copy(f, folders[k])
        if i % 10 == 0:
            shutil.copy(f, os.path.join(folders[(k + 1) % WRITERS], "copy-" + os.path.basename(f)))
    every = files_of(folders)
    # writer i ingests folders i and i+1: each folder by two writers at once
    procs = []
    for i in range(WRITERS):
        args = [BIN, "ingest", "--db", uri, "--jobs", "1", folders[i], folders[(i + 1) % WRITERS]]
        procs.append(subprocess.Popen(args, cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      encoding="utf-8", errors="replace"))
    # writer 0 killed once something is stored (mid-way: its folders hold half the files)
    killed = False
    deadline = time.time() + 120
    while time.time() < deadline and procs[0].poll() is None:
        rc, out, err = lwtest.pg_sql(uri, "select count(*) from doc_paths")  # no table yet: rc 1
        if rc == 0 and int(out.strip()) >= 20:
            procs[0].send_signal(signal.SIGKILL)
            killed = True
            break
        time.sleep(0.05)
    lwtest.check(killed, "writer 0 killed mid-way (it had not finished)")
    results = []
    for i, pr in enumerate(procs):
        try:
            out, err = pr.communicate(timeout=lwtest.TIMEOUT)
        except subprocess.TimeoutExpired:
            pr.kill()
            out, err = pr.communicate()
        results.append((pr.returncode, err))
    lwtest.check(results[0][0] == -signal.SIGKILL, "writer 0 died of SIGKILL: %s" % results[0][0])
    for i in range(1, WRITERS):
        lwtest.check(results[i][0] == 0, "writer %d completed: %d %s" % (i, results[i][0], results[i][1][-500:]))
    whole(uri, "after the writers")
    # what the three finished writers ingested is all there: writer 0's folders are writer
    # 3's (f0) and writer 1's (f1) too, so every file had a writer that finished
    stored = {r[0] for r in sql(uri, "select path from doc_paths")}
    missing = [f for f in every if f not in stored]
    lwtest.check(not missing, "nothing of the finished writers missing (%d missing, e.g. %s)"
                 % (len(missing), missing[:2]))

    # a re-run of everything completes and adds nothing missing
    rc, out, err = lwtest.run("ingest", "--db", uri, "--jobs", "1", *folders, cwd=tmp)
    lwtest.check(rc == 0, "the re-run completes: %d %s" % (rc, err[-500:]))
    whole(uri, "after the re-run")
    stored = {r[0] for r in sql(uri, "select path from doc_paths")}
    lwtest.check(stored == set(every), "every file stored once: %d paths for %d files" % (len(stored), len(every)))
    contents = {}
    for f in every:
        with open(f, "rb") as fh:
            contents.setdefault(hashlib.sha256(fh.read()).hexdigest(), f)
    ndocs = int(sql(uri, "select count(*) from documents")[0][0])
    lwtest.check(ndocs == len(contents), "one document per content: %d for %d" % (ndocs, len(contents)))

    # the facts of each document as SQLite stores them for the same files
    lite = os.path.join(tmp, "a.db")
    rc, out, err = lwtest.run("ingest", "--db", lite, *folders, cwd=tmp)
    lwtest.check(rc == 0, "ingest into SQLite: %d %s" % (rc, err[-300:]))
    c = sqlite3.connect(lite)
    want = {sha: (n, kind, number) for sha, n, kind, number in
            c.execute("select sha256, n_facts, coalesce(kind, ''), coalesce(number, '') from documents")}
    c.close()
    got = {r[0]: (int(r[1]), r[2], r[3]) for r in
           sql(uri, "select sha256, n_facts, coalesce(kind, ''), coalesce(number, '') from documents")}
    lwtest.check(want == got, "the same documents and fact counts as SQLite (%d differ)"
                 % len(set(want.items()) ^ set(got.items())))

lwtest.done()
