"""faults around the database: a full disk, kill -9 twenty times, a read-only database, one
locked by another writer, a corrupt file. Each gives a clear message (exit 2) and never a
crash; the database stays intact and a later run completes.

- disk full: the database on a 2 MB tmpfs when mounting is permitted (root in CI), else
  RLIMIT_FSIZE (1 MB, SIGXFSZ ignored so writes fail with EFBIG); the ingest stops with the
  database named and "is the disk full?", the summary counts nothing that was not committed,
  integrity_check passes, and with room (the tmpfs grown, or no limit) the same ingest stores
  every document.
- kill -9: t_store_crash.py kills a 3000-document ingest 5 times with a search beside it; here
  a 600-document ingest (and 120 byte-identical copies, one content one document) is killed 20
  times at random moments (0.05-0.8 s, one or two workers), each time integrity_check, no
  duplicated path or content, no orphan row in any table that hangs off documents (paths
  included), every document found at its own path, nothing committed lost; then a complete run
  and a run that reads no file.
- read-only: the tmpfs remounted read-only (chmod does not stop root; without mount, a
  non-root run uses a folder and file without write permission; as root without mount the
  case is skipped): search still works (the file is read as immutable), ingest says the
  database is read-only.
- locked: Python holds BEGIN EXCLUSIVE: an ingest released after 2 s waits and completes; one
  never released gives up after the busy timeout (10 s, lw_store_open) with a clear message.
- corrupt: garbage over pages of a real database, the file truncated, a garbage file: every
  verb exits 0, 1 or 2 (never a signal) and an error says what is wrong without SQL text.

Run: python3 t_faults.py LAWWATCH_BIN SOURCE_DIR (from ctest). LW_FAULTS_SEED fixes the
random moments; LW_FAULTS_NO_MOUNT=1 takes the RLIMIT_FSIZE way."""
import glob
import json
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

import lwtest

BIN, SRC = lwtest.paths()
FAILS = lwtest.FAILS
SEED = int(os.environ.get("LW_FAULTS_SEED", "20261207"))  # fixed: a failure must replay
random.seed(SEED)
print("seed", SEED)


check = lwtest.check
lwtest.SHOW_OK = True  # every check is listed, passed or not


def run(*args, **kw):
    return subprocess.run([BIN] + list(args), capture_output=True, text=True, timeout=kw.pop("timeout", 300), **kw)


def state(db):
    c = sqlite3.connect(db, timeout=30)
    try:
        ok = c.execute("PRAGMA integrity_check").fetchone()[0]
        if not c.execute("SELECT count(*) FROM sqlite_master WHERE name = 'documents'").fetchone()[0]:
            return ok, 0, 0, 0, set()  # killed before its schema was committed: nothing stored
        n, distinct, shas = c.execute("SELECT count(*), count(DISTINCT path), count(DISTINCT sha256)"
                                      " FROM documents").fetchone()
        distinct = min(distinct, shas)
        orphans = 0
        for t in ("facts", "sources", "legal_refs", "deadlines", "agencies", "relations", "dates", "duties",
                  "doc_paths"):
            orphans += c.execute("SELECT count(*) FROM %s WHERE doc_id NOT IN (SELECT id FROM documents)" % t).fetchone()[0]
        # a document without its own path among its paths is an orphan too
        orphans += c.execute("SELECT count(*) FROM documents d WHERE NOT EXISTS (SELECT 1 FROM doc_paths p"
                             " WHERE p.doc_id = d.id AND p.path = d.path)").fetchone()[0]
        paths = {r[0] for r in c.execute("SELECT path FROM documents")}
        return ok, n, distinct, orphans, paths
    finally:
        c.close()


def q_one(db, sql):
    c = sqlite3.connect(db, timeout=30)
    try:
        return c.execute(sql).fetchone()[0]
    finally:
        c.close()


def can_mount(where):
    if os.geteuid() != 0 or not shutil.which("mount") or os.environ.get("LW_FAULTS_NO_MOUNT") == "1":
        return False
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", where], capture_output=True)
    return r.returncode == 0


def umount(where):
    subprocess.run(["umount", where], capture_output=True)


tmp = lwtest.mkdtemp("lw_faults_")
mnt = os.path.join(tmp, "mnt")
os.makedirs(mnt)
mounted = False
try:
    docs = os.path.join(tmp, "docs")
    os.makedirs(docs)
    srcs = sorted(glob.glob(os.path.join(SRC, "corpus", "*.txt")) + glob.glob(os.path.join(SRC, "corpus", "extra", "*.txt"))
                  + glob.glob(os.path.join(SRC, "tests", "data", "check", "*.txt")))
    for p in srcs:
        shutil.copy(p, docs)
    ndocs = len(srcs)

    # ---- disk full
    mounted = can_mount(mnt)
    if mounted:
        db = os.path.join(mnt, "full.db")
        r = run("ingest", "--db", db, docs)
        how = "a 2 MB tmpfs"
    else:
        db = os.path.join(tmp, "full.db")

        def limit():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))
        r = run("ingest", "--db", db, docs, preexec_fn=limit)
        how = "RLIMIT_FSIZE 1 MB"
    print(how, r.stderr)
    check(r.returncode == 2, "disk full (%s): exit 2 (got %d)" % (how, r.returncode))
    check(("lawwatch: %s:" % db) in r.stderr and "is the disk full?" in r.stderr,
          "disk full: the database named, and the hint")
    ok, n, distinct, orphans, _ = state(db)
    check(ok == "ok" and orphans == 0, "disk full: integrity_check ok")
    check(("%d đã nhập (ingested)" % n) in r.stderr, "disk full: the summary counts only what was stored (%d)" % n)
    if mounted:
        subprocess.run(["mount", "-o", "remount,size=64m", mnt], check=True)
    r = run("ingest", "--db", db, docs)
    ok, n, distinct, orphans, _ = state(db)
    check(r.returncode == 0 and ok == "ok" and n == ndocs == distinct,
          "disk full: with room, a later run stores all %d documents (%d, rc %d)" % (ndocs, n, r.returncode))

    # ---- read-only
    if mounted:
        subprocess.run(["mount", "-o", "remount,ro", mnt], check=True)
        ro_db = db
    elif os.geteuid() != 0:
        rodir = os.path.join(tmp, "ro")
        os.makedirs(rodir)
        ro_db = os.path.join(rodir, "ro.db")
        shutil.copy(db, ro_db)
        os.chmod(ro_db, 0o444)
        os.chmod(rodir, 0o555)
    else:
        ro_db = None
        print("read-only: skipped (root without mount)")
    if ro_db:
        r = run("search", "--db", ro_db, "--format", "json", "nghi dinh")
        check(r.returncode == 0 and len(json.loads(r.stdout or "[]")) > 0,
              "read-only: search works: %d %s" % (r.returncode, r.stderr))
        r = run("ingest", "--db", ro_db, docs)
        check(r.returncode == 2 and "the database is read-only" in r.stderr and ro_db in r.stderr,
              "read-only: ingest says the database is read-only: " + r.stderr.strip())
        r = run("check", "--db", ro_db)
        check(r.returncode in (0, 1), "read-only: check reads it (rc %d) %s" % (r.returncode, r.stderr[-300:]))
    if mounted:
        umount(mnt)
        mounted = False

    # ---- locked by another writer
    db = os.path.join(tmp, "locked.db")
    r = run("ingest", "--db", db, os.path.join(docs, os.path.basename(srcs[0])))
    check(r.returncode == 0, "locked: a database with one document")

    def hold(seconds, ready):
        c = sqlite3.connect(db, timeout=30, isolation_level=None)
        c.execute("BEGIN EXCLUSIVE")
        ready.set()
        time.sleep(seconds)
        c.execute("ROLLBACK")
        c.close()

    for seconds, want in ((2, 0), (14, 2)):
        ready = threading.Event()
        th = threading.Thread(target=hold, args=(seconds, ready))
        th.start()
        ready.wait()
        t0 = time.time()
        r = run("ingest", "--db", db, docs)
        took = time.time() - t0
        th.join()
        if want == 0:
            check(r.returncode == 0 and took >= 1.5, "locked for 2 s: ingest waits (%.1f s) and completes (rc %d) %s"
                  % (took, r.returncode, r.stderr[-300:]))
        else:
            check(r.returncode == 2 and 9 <= took < 14, "locked for good: ingest gives up after the busy timeout "
                  "(%.1f s, rc %d)" % (took, r.returncode))
            check("database is locked" in r.stderr and db in r.stderr and "another lawwatch ingest" in r.stderr,
                  "locked: a clear message: " + r.stderr.strip())
            # the documents of the first run are still all there
            ok, n, distinct, orphans, _ = state(db)
            check(ok == "ok" and n == ndocs, "locked: the database intact (%d documents)" % n)
        # the next round needs new work: touch every file
        for p in glob.glob(os.path.join(docs, "*.txt")):
            os.utime(p, (time.time() + 5, time.time() + 5))

    # ---- corrupt
    good = os.path.join(tmp, "good.db")
    shutil.copy(db, good)
    data = open(good, "rb").read()
    page = 4096
    rnd = random.Random(SEED)

    def scribble(d):
        b = bytearray(d)
        for off in range(page * 2, len(b) - page, page * 7):  # every 7th page from the third on
            for k in range(off + 8, off + page, 13):
                b[k] = rnd.randrange(256)
        return bytes(b)

    variants = {"pages": scribble(data), "truncated": data[:len(data) // 3],
                "garbage": bytes(rnd.randrange(256) for _ in range(100000)), "header": data[:16] + b"\xff" * 84 + data[100:]}
    verbs = (("search", "nghi dinh"), ("search", "--cites", "59/2012/NĐ-CP"), ("search", "--deadline-in", "2025"),
             ("check",), ("report", "--as-of", "2025-01-01", "--format", "json"), ("ingest", docs), ("ingest", "--reextract"))
    for name, bytes_ in variants.items():
        p = os.path.join(tmp, "corrupt-%s.db" % name)
        with open(p, "wb") as f:
            f.write(bytes_)
        errors = 0
        for v in verbs:
            r = run(v[0], "--db", p, *v[1:])
            bad = r.returncode < 0 or r.returncode > 2 or "AddressSanitizer" in r.stderr or "runtime error" in r.stderr
            check(not bad, "corrupt (%s): %s exits %d, no crash" % (name, " ".join(v[:2]), r.returncode))
            if r.returncode == 2:
                errors += 1
                last = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""
                check(last.startswith("lawwatch: %s:" % p) and
                      any(w in last for w in ("malformed", "not a SQLite database", "not a lawwatch", "corrupt")),
                      "corrupt (%s): %s says what is wrong: %s" % (name, v[0], last[:300]))
                check(not any(w in r.stderr for w in ("SELECT ", "INSERT ", "CREATE ")), "corrupt: no SQL text")
        check(errors > 0 or name == "pages", "corrupt (%s): refused" % name)

    # ---- kill -9, twenty times
    gen = os.path.join(tmp, "gen")
    bases = [open(p, encoding="utf-8").read() for p in srcs]
    for i in range(600):
        d = os.path.join(gen, "g%d" % (i // 100))
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "doc%04d.txt" % i), "w", encoding="utf-8") as f:
            f.write(bases[i % len(bases)] + "\nBản sao số %d, mã killcode%04d\n" % (i, i))
        if i % 5 == 0:  # a byte-identical copy, walked after its original (gcopy > g0..g5)
            os.makedirs(os.path.join(gen, "gcopy"), exist_ok=True)
            shutil.copy(os.path.join(d, "doc%04d.txt" % i), os.path.join(gen, "gcopy", "c%04d.txt" % i))
    db = os.path.join(tmp, "kill.db")
    prev = set()
    kills = 0
    for k in range(20):
        p = subprocess.Popen([BIN, "ingest", "--db", db, "--jobs", str(1 + k % 2), gen],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(random.uniform(0.05, 0.8))
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            kills += 1
        p.wait()
        if not os.path.exists(db):
            continue
        ok, n, distinct, orphans, paths = state(db)
        if ok != "ok" or n != distinct or orphans or not prev <= paths:
            check(False, "after kill %d: integrity %s, %d documents, %d distinct, %d orphans, lost %d"
                  % (k + 1, ok, n, distinct, orphans, len(prev - paths)))
        prev = paths
        if n == 600:  # all stored: start over so that later kills land mid-ingest too
            os.remove(db)
            for ext in ("-wal", "-shm"):
                if os.path.exists(db + ext):
                    os.remove(db + ext)
            prev = set()
    print("%d of 20 ingests killed" % kills)
    check(kills >= 10, "most of the 20 ingests were killed mid-way (%d)" % kills)
    r = run("ingest", "--db", db, gen)
    ok, n, distinct, orphans, paths = state(db)
    npaths = q_one(db, "SELECT count(*) FROM doc_paths")
    check(r.returncode == 0 and ok == "ok" and n == 600 == distinct and orphans == 0 and npaths == 720,
          "after the kills a complete run stores all 600, with the 120 copies as paths (%d, %d paths, rc %d)"
          % (n, npaths, r.returncode))
    r = run("ingest", "--db", db, gen, env=dict(os.environ, LAWWATCH_DEBUG_STATS="1"))
    check("720 không đổi (unchanged)" in r.stderr and "read 0 files" in r.stderr, "and a run after it reads no file")
    r = run("search", "--db", db, "--format", "json", "killcode0123")
    check(r.returncode == 0 and r.stdout.count('"path"') == 1, "one document per unique word")
    r = run("search", "--db", db, "--format", "json", "killcode0120")
    hits = json.loads(r.stdout) if r.returncode == 0 else []
    check(len(hits) == 1 and len(hits[0].get("paths", [])) == 2, "a copied document once, with its two paths")
finally:
    if mounted:
        umount(mnt)
    for d, _, _ in os.walk(tmp):
        try:
            os.chmod(d, 0o755)
        except OSError:
            pass
    lwtest.cleanup(tmp)

lwtest.done()
