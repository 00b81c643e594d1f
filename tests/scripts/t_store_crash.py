"""crash safety: 3000 generated documents (corpus files with small variations); an ingest is
killed with SIGKILL at random moments several times, a search runs while it writes (WAL);
after each kill the database passes integrity_check, has no duplicated document and no
orphan fact, and has lost nothing committed before; a final complete run stores every
document, and a run after it reads no file.

Run: python3 t_store_crash.py LAWWATCH_BIN SOURCE_DIR (from ctest). LW_CRASH_SEED changes
the random moments (fixed by default, so a failure replays); LW_CRASH_DOCS the number of
documents."""
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

import lwtest

BIN, SRC = lwtest.paths()
FAILS = lwtest.FAILS
SEED = int(os.environ.get("LW_CRASH_SEED", "20261207"))  # fixed: a failure must replay
N = int(os.environ.get("LW_CRASH_DOCS", "3000"))
random.seed(SEED)
print("seed", SEED)


check = lwtest.check


def state(db):
    c = sqlite3.connect(db, timeout=30)
    try:
        ok = c.execute("PRAGMA integrity_check").fetchone()[0]
        n, distinct = c.execute("SELECT count(*), count(DISTINCT path) FROM documents").fetchone()
        orphans = c.execute("SELECT count(*) FROM facts WHERE doc_id NOT IN (SELECT id FROM documents)").fetchone()[0]
        orphans += c.execute("SELECT count(*) FROM sources WHERE doc_id NOT IN (SELECT id FROM documents)").fetchone()[0]
        paths = {r[0] for r in c.execute("SELECT path FROM documents")}
        return ok, n, distinct, orphans, paths
    finally:
        c.close()


tmp = lwtest.mkdtemp("lw_store_crash_")
try:
    corpus = os.path.join(SRC, "corpus")
    bases = [open(os.path.join(corpus, n), encoding="utf-8").read()
             for n in sorted(os.listdir(corpus)) if n.endswith(".txt")]
    gen = os.path.join(tmp, "gen")
    for i in range(N):
        d = os.path.join(gen, "d%02d" % (i // 250))
        os.makedirs(d, exist_ok=True)
        text = bases[i % len(bases)].replace("2025", str(2000 + i % 26), 1)
        with open(os.path.join(d, "doc%05d.txt" % i), "w", encoding="utf-8") as f:
            f.write(text + "\nBản sao số %d, mã uniqcode%05d\n" % (i, i))
    db = os.path.join(tmp, "crash.db")
    searched = False
    prev = set()
    for k in range(5):
        p = subprocess.Popen([BIN, "ingest", "--db", db, "--jobs", str(1 + k % 2), gen],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t_end = time.time() + random.uniform(0.5, 4.0)
        if not searched:
            # search while the ingest writes
            while time.time() < t_end and not searched:
                if os.path.exists(db):
                    try:
                        n = sqlite3.connect(db, timeout=5).execute("SELECT count(*) FROM documents").fetchone()[0]
                    except sqlite3.Error:
                        n = 0
                    if n > 0:
                        s = subprocess.run([BIN, "search", "--db", db, "--format", "json", "thi"],
                                           capture_output=True, text=True, timeout=60)
                        check(s.returncode == 0 and s.stdout.startswith("["),
                              "search during ingest works: %d %s" % (s.returncode, s.stderr))
                        searched = True
                time.sleep(0.05)
        time.sleep(max(0, t_end - time.time()))
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
        p.wait()
        if not os.path.exists(db):
            continue
        ok, n, distinct, orphans, paths = state(db)
        print("kill %d: %d documents" % (k + 1, n))
        check(ok == "ok", "integrity_check after kill %d: %s" % (k + 1, ok))
        check(n == distinct, "no duplicated document after kill %d" % (k + 1))
        check(orphans == 0, "no orphan rows after kill %d" % (k + 1))
        check(prev <= paths, "nothing committed was lost after kill %d" % (k + 1))
        prev = paths
    check(searched, "a search ran during an ingest")
    r = subprocess.run([BIN, "ingest", "--db", db, gen], capture_output=True, text=True)
    print(r.stderr)
    check(r.returncode == 0, "final ingest exit 0")
    ok, n, distinct, orphans, paths = state(db)
    check(ok == "ok" and n == N and distinct == N and orphans == 0, "final: %d documents, want %d" % (n, N))
    r = subprocess.run([BIN, "ingest", "--db", db, gen], capture_output=True, text=True,
                       env=dict(os.environ, LAWWATCH_DEBUG_STATS="1"))
    check("%d không đổi (unchanged)" % N in r.stderr and "read 0 files" in r.stderr, "rerun unchanged: " + r.stderr)
    s = subprocess.run([BIN, "search", "--db", db, "--format", "json", "uniqcode01234"], capture_output=True, text=True)
    check(s.returncode == 0 and s.stdout.count('"path"') == 1 and "doc01234.txt" in s.stdout,
          "search finds the one document with its unique word")
finally:
    lwtest.cleanup(tmp)

lwtest.done()
