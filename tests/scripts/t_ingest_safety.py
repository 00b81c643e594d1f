"""ingest safety (issue 17): what an ingest does with a real folder, and its exit codes.

- outcomes: every entry of a folder of incoming mail has its expected outcome (stored,
  skipped with its reason, failed, or left out silently), compared entry by entry with the
  `--format json` summary; exit 0 when only things that are not documents were met, 1 when
  a document failed, 2 when the ingest could not run;
- symbolic links: a link out of the folder is skipped and its bytes are not stored; with
  --follow-symlinks it is stored, linked folders are walked and a loop is skipped;
- --prune: refused (exit 2, nothing deleted) over a missing or empty folder and past the
  allowed share; --prune-max and --force let it through;
- the lock: with an ingest's lock held (fcntl.flock on DB.lock, as another ingest holds it),
  --no-wait skips (exit 0, said, nothing stored), a plain ingest says it waits and finishes
  once the lock is released, and a search is not blocked;
- no PATH: the configuration's folders (when the command reads a configuration file).

Run: python3 t_ingest_safety.py LAWWATCH_BIN SOURCE_DIR (from ctest)."""
import fcntl
import json
import os
import select
import shutil
import socket
import sqlite3
import subprocess
import time

import lwtest

BIN, SRC = lwtest.paths()
check = lwtest.check
run = lwtest.run

GOOD = "Kế hoạch số 12/KH-UBND ngày 10/01/2025 của Ủy ban nhân dân tỉnh về theo dõi thi hành pháp luật. %s\n"
# Seconds a waiting ingest is watched before the lock is released.
HOLD_S = 1.0

# The entries of the folder: name -> (what to write, expected outcome, words its reason has).
# Outcomes: "stored", "skipped", "failed", "hidden" (left out silently).
ENTRIES = {
    "a.txt": ("doc", "stored", None),
    "sub/b.txt": ("doc", "stored", None),
    "README.md": ("text", "skipped", "not a .txt file"),
    "SOURCES.tsv": ("text", "skipped", "not a .txt file"),
    # PDFs and images are documents since issue 18 (t_ingest_files); other binaries are not
    "scan.txt": (b"GIF89a\x01\x00\x01\x00\x80\x00\x00", "skipped", "not a document"),
    "photo.txt": (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", "skipped", "not a document"),
    "nul.txt": (b"Ngh\xe1\xbb\x8b \x00\x00 x", "skipped", "NUL bytes"),
    "empty.txt": (b"", "skipped", "the file is empty"),
    "pipe.txt": ("fifo", "skipped", "not a regular file"),
    "sock.txt": ("socket", "skipped", "not a regular file"),
    ".git/config.txt": ("doc", "hidden", None),
    ".hidden.txt": ("doc", "hidden", None),
    # the database itself and its companions, inside the folder ingested
    "lw.db": ("db", "skipped", "lawwatch's own database"),
    "lw.db-wal": ("db", "skipped", "lawwatch's own database"),
    "lw.db-shm": ("db", "skipped", "lawwatch's own database"),
    "lw.db.lock": ("db", "skipped", "lawwatch's own database"),
}


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def count(db, sql="SELECT count(*) FROM documents", *params):
    c = sqlite3.connect(db)
    try:
        return c.execute(sql, params).fetchone()[0]
    finally:
        c.close()


def ingest_json(*args, **kw):
    """Runs ingest --format json; returns (rc, summary or None, stderr)."""
    rc, out, err = run("ingest", "--format", "json", *args, **kw)
    try:
        summary = json.loads(out)
    except ValueError:
        summary = None
        lwtest.fail("ingest --format json printed one object: %r %s" % (out[:200], err[-300:]))
    return rc, summary, err


def searched(db, word):
    rc, out, err = run("search", "--db", db, "--format", "json", word)
    return json.loads(out) if rc == 0 and out.strip() else []


with lwtest.tmpdir("lw_ingest_safety_") as tmp:
    docs = os.path.join(tmp, "docs")
    os.makedirs(docs)
    db = os.path.join(docs, "lw.db")
    bound = []
    for name, (what, _, _) in ENTRIES.items():
        p = os.path.join(docs, name)
        if what == "doc":
            write(p, GOOD % name)
        elif what == "text":
            write(p, "tên\ttệp\n")
        elif what == "fifo":
            os.mkfifo(p)
        elif what == "socket":
            s = socket.socket(socket.AF_UNIX)
            s.bind(p)
            bound.append(s)
        elif isinstance(what, bytes):
            write(p, what)
    # the database first, so that its files lie in the folder (-wal and -shm while open)
    rc, out, err = run("ingest", "--db", db, os.path.join(docs, "a.txt"))
    check(rc == 0 and count(db) == 1, "a database inside the folder: %d %s" % (rc, err))
    holder = sqlite3.connect(db)  # keeps -wal and -shm in place during the ingest
    holder.execute("SELECT count(*) FROM documents").fetchone()

    # ---- outcomes, entry by entry
    rc, got, err = ingest_json("--db", db, docs)
    check(rc == 0, "only things that are not documents: exit 0, got %d %s" % (rc, err[-500:]))
    if got:
        check(got.get("exit") == 0, "the summary's exit is 0: %s" % got.get("exit"))
        check(got.get("database") == db and len(got.get("rules_version", "")) == 16, "database and rules version")
        listed = {}
        for kind in ("skipped", "failed"):
            for e in got.get(kind, []):
                listed[os.path.relpath(e["path"], docs)] = (kind, e["reason"])
        for name, (what, want, words) in ENTRIES.items():
            if name.startswith("lw.db") and not os.path.exists(os.path.join(docs, name)):
                continue
            kind, reason = listed.get(name, ("stored" if want == "stored" else "hidden", ""))
            check(kind == want if want != "stored" else name not in listed,
                  "%s: %s, got %s %s" % (name, want, kind, reason))
            if words:
                check(words in reason and name in reason, "%s: its reason names it and says '%s': %s" % (name, words, reason))
        counts = got.get("counts", {})
        n_skip = len([n for n, e in ENTRIES.items() if e[1] == "skipped" and os.path.exists(os.path.join(docs, n))])
        check(counts.get("skipped") == n_skip and counts.get("failed") == 0, "counts: %s, want %d skipped" % (counts, n_skip))
        check(counts.get("ingested") == 1 and counts.get("unchanged") == 1, "counts: one new, one unchanged: %s" % counts)
        check(set(counts) == {"ingested", "unchanged", "duplicates", "reextracted", "pruned", "pruned_documents",
                              "skipped", "failed", "unrecorded", "sources_read", "sources_cached", "pages_read",
                              "ocr_files", "warnings"}, "the counts' keys: %s" % sorted(counts))
    check("bỏ qua (skipped)" in err and "lawwatch ingest: " in err, "the text summary still on stderr")

    # a PATH that does not exist: a failure, exit 1
    missing = os.path.join(tmp, "no-such-folder")
    rc, got, err = ingest_json("--db", db, docs, missing)
    check(rc == 1, "a missing PATH: exit 1, got %d" % rc)
    if got:
        check(got["exit"] == 1 and [f["path"] for f in got["failed"]] == [missing], "failed lists the PATH: %s" % got["failed"])
        check(got["counts"]["failed"] == 1, "one failed")

    # could not run: rules that do not load: exit 2
    rc, out, err = run("ingest", "--db", db, "--rules", os.path.join(tmp, "no-rules"), docs)
    check(rc == 2, "no rules: exit 2, got %d" % rc)
    holder.close()
    for s in bound:
        s.close()

    # ---- symbolic links
    outside = os.path.join(tmp, "outside")
    write(os.path.join(outside, "secret.txt"), GOOD % "zyxwvutsecret")
    write(os.path.join(outside, "far", "f.txt"), GOOD % "qwertyfarfolder")
    ldocs = os.path.join(tmp, "ldocs")
    write(os.path.join(ldocs, "in.txt"), GOOD % "inside")
    os.symlink(os.path.join(outside, "secret.txt"), os.path.join(ldocs, "link.txt"))
    os.symlink("in.txt", os.path.join(ldocs, "same.txt"))           # stays inside: the same file
    os.symlink(os.path.join(outside, "far"), os.path.join(ldocs, "farlink"))
    os.symlink(".", os.path.join(ldocs, "loop"))                     # a loop, with the flag
    ldb = os.path.join(tmp, "l.db")
    rc, got, err = ingest_json("--db", ldb, ldocs)
    check(rc == 0, "a link out of the folder is skipped: exit 0, got %d %s" % (rc, err[-300:]))
    if got:
        skipped = {os.path.basename(e["path"]): e["reason"] for e in got["skipped"]}
        check("symbolic link out of the folder" in skipped.get("link.txt", "") and
              "--follow-symlinks" in skipped.get("link.txt", ""), "link.txt skipped, saying why: %s" % skipped)
        check("symbolic link out of the folder" in skipped.get("farlink", ""), "a folder link out: skipped")
        check("same.txt" not in skipped and got["counts"]["ingested"] == 1, "a link inside is fine: %s" % got["counts"])
    check(searched(ldb, "zyxwvutsecret") == [], "the outside file's bytes are not in the database")
    check(count(ldb, "SELECT count(*) FROM sources WHERE CAST(raw AS TEXT) LIKE '%zyxwvutsecret%'") == 0,
          "nor in its stored sources")
    rc, got, err = ingest_json("--db", ldb, "--follow-symlinks", ldocs)
    check(rc == 0, "--follow-symlinks: exit 0, got %d %s" % (rc, err[-300:]))
    check(len(searched(ldb, "zyxwvutsecret")) == 1, "--follow-symlinks: the linked file is stored")
    check(len(searched(ldb, "qwertyfarfolder")) == 1, "--follow-symlinks: the linked folder is walked")
    if got:
        skipped = {os.path.basename(e["path"]): e["reason"] for e in got["skipped"]}
        check("a loop" in skipped.get("loop", ""), "a link back up is skipped as a loop: %s" % skipped)
    # a PATH that is itself a link is followed: the admin named it
    named = os.path.join(tmp, "named")
    os.symlink(outside, named)
    rc, got, err = ingest_json("--db", os.path.join(tmp, "n.db"), named)
    check(rc == 0 and got and got["counts"]["ingested"] == 2, "a PATH that is a link is followed: %s" % (got or err))

    # ---- --prune
    pdocs = os.path.join(tmp, "pdocs")
    for i in range(5):
        write(os.path.join(pdocs, "p%d.txt" % i), GOOD % ("prune%d" % i))
    pdb = os.path.join(tmp, "p.db")
    rc, out, err = run("ingest", "--db", pdb, pdocs)
    check(rc == 0 and count(pdb) == 5, "five documents to prune from")
    empty = os.path.join(tmp, "empty")
    os.makedirs(os.path.join(empty, ".snapshot"))  # hidden entries do not make it a folder of documents
    cases = [  # (what, PATH, extra arguments, words of the refusal)
        ("a missing folder", os.path.join(tmp, "unmounted"), [], "cannot be found"),
        ("an empty folder", empty, [], "is empty (an unmounted share looks like that)"),
    ]
    for what, path, extra, words in cases:
        rc, got, err = ingest_json("--db", pdb, "--prune", *extra, path)
        check(rc == 2 and words in err and path in err and "nothing deleted" in err,
              "--prune over %s: refused, exit 2, a plain message: %d %s" % (what, rc, err[-400:]))
        check(got and got["exit"] == 2 and got["error"]["status"] == "refused", "the summary says refused: %s" % got)
        check(count(pdb) == 5, "--prune over %s: nothing deleted" % what)
    os.remove(os.path.join(pdocs, "p0.txt"))
    os.remove(os.path.join(pdocs, "p1.txt"))
    rc, got, err = ingest_json("--db", pdb, "--prune", pdocs)
    check(rc == 2 and "2 of the 5 documents (40%)" in err and "--force" in err and pdocs in err,
          "--prune of 40%%: refused past 20%%: %d %s" % (rc, err[-400:]))
    check(count(pdb) == 5, "refused: nothing deleted")
    rc, got, err = ingest_json("--db", pdb, "--prune", "--prune-max", "30", pdocs)
    check(rc == 2 and count(pdb) == 5, "--prune-max 30: still refused")
    rc, got, err = ingest_json("--db", pdb, "--prune", "--prune-max", "40", pdocs)
    check(rc == 0 and count(pdb) == 3 and got and got["counts"]["pruned_documents"] == 2,
          "--prune-max 40: pruned: %d %s" % (rc, err[-300:]))
    os.remove(os.path.join(pdocs, "p2.txt"))
    rc, got, err = ingest_json("--db", pdb, "--prune", pdocs)
    check(rc == 2 and count(pdb) == 3, "one of three: refused")
    rc, got, err = ingest_json("--db", pdb, "--prune", "--force", pdocs)
    check(rc == 0 and count(pdb) == 2, "--force: pruned")
    rc, out, err = run("ingest", "--db", pdb, "--prune", "--prune-max", "0", pdocs)
    check(rc == 2 and "--prune-max" in err, "--prune-max 0 is a usage error")

    # ---- the lock
    kdocs = os.path.join(tmp, "kdocs")
    write(os.path.join(kdocs, "k1.txt"), GOOD % "lockone")
    kdb = os.path.join(tmp, "k.db")
    rc, out, err = run("ingest", "--db", kdb, kdocs)
    check(rc == 0 and count(kdb) == 1, "a database to lock")
    write(os.path.join(kdocs, "k2.txt"), GOOD % "locktwo")
    lock = open(kdb + ".lock", "rb")
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        rc, got, err = ingest_json("--db", kdb, "--no-wait", kdocs, timeout=30)
        check(rc == 0 and "another ingest is running" in err and "skipped this run" in err,
              "--no-wait while locked: exit 0, said: %d %s" % (rc, err))
        check(got and got["exit"] == 0 and got["counts"]["ingested"] == 0, "--no-wait: the summary: %s" % got)
        check(count(kdb) == 1, "--no-wait: nothing stored")
        t0 = time.time()
        rc, out, err = run("search", "--db", kdb, "lockone", timeout=30)
        check(rc == 0 and time.time() - t0 < 5, "a search is not blocked by an ingest's lock")
        p = subprocess.Popen([BIN, "ingest", "--db", kdb, kdocs], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # under load the second ingest may reach the lock late: read its stderr until it says
        # it waits (or 30 s pass) before releasing, so the test never races it
        said = b""
        t0 = time.time()
        while b"waiting for it" not in said and time.time() - t0 < 30 and p.poll() is None:
            r, _, _ = select.select([p.stderr], [], [], 0.5)
            if r:
                said += os.read(p.stderr.fileno(), 4096)
        time.sleep(HOLD_S)
        check(p.poll() is None, "a second ingest waits while the lock is held")
        check(count(kdb) == 1, "and stores nothing meanwhile")
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()
    try:
        _, perr = p.communicate(timeout=60)
        perr = (said + perr).decode("utf-8", "replace")
        check(p.returncode == 0, "the waiting ingest finishes once released: %d %s" % (p.returncode, perr))
        check("another ingest is running on %s; waiting for it" % kdb in perr and "đang chờ" in perr,
              "it said it waits, Vietnamese first: " + perr)
    except subprocess.TimeoutExpired:
        p.kill()
        lwtest.fail("the waiting ingest did not finish after the lock was released")
    check(count(kdb) == 2, "the waiting ingest stored the new document")

    # ---- no PATH: the configuration's folders
    conf = os.path.join(tmp, "lawwatch.conf")
    cdocs = os.path.join(tmp, "cdocs")
    write(os.path.join(cdocs, "c.txt"), GOOD % "configured")
    with open(conf, "w") as f:
        f.write("folder = %s\nfolder = %s\n" % (cdocs, kdocs))
    cdb = os.path.join(tmp, "c.db")
    rc, out, err = run("ingest", "--db", cdb, env={"LAWWATCH_CONFIG": conf})
    has_config = run("config", "--help")[0] == 0
    if has_config:
        check(rc == 0 and count(cdb) == 3, "no PATH: the configured folders are ingested: %d %s" % (rc, err))
    else:
        print("no PATH with a configuration: the command reads no configuration file yet")
        check(rc == 2 and "no PATH" in err, "no PATH and no configured folder: exit 2 with a message: " + err)
    rc, out, err = run("ingest", "--db", cdb, env={"LAWWATCH_CONFIG": os.path.join(tmp, "none.conf")})
    check(rc == 2, "no PATH and no configured folder: exit 2, got %d" % rc)

    # ---- --help names every option and the exit codes
    rc, out, err = run("ingest", "--help")
    for opt in ("--follow-symlinks", "--prune-max PERCENT", "--force", "--no-wait", "--format"):
        check(opt in out, "--help names %s" % opt)
    check("\nExit status: 0 " in out and "1 a document failed" in out and "2 could not run" in out,
          "--help gives the exit codes")

lwtest.done("ingest_safety")
