"""lwtest: what every Python test script under tests/scripts/ shares, so that each script
holds only its checks (as PCRE2's test scripts hold only patterns and subjects).

ctest calls a script as `python3 t_NAME.py LAWWATCH_BIN SOURCE_DIR [--update]`
(tests/CMakeLists.txt). A script does:

    import lwtest
    BIN, SRC = lwtest.paths()           # absolute; usage message and exit 2 when missing
    with lwtest.tmpdir("lw_name_") as tmp:
        rc, out, err = lwtest.run("extract", "--format", "json", path, cwd=SRC)
        lwtest.check(rc == 0, "extract runs: " + err)
        lwtest.compare(lwtest.expected(path_of_expected_json), json.loads(out), "doc.txt")
    lwtest.done("name")                 # prints the count, exits 1 when a check failed

Rules it keeps for every script:
- a check that fails prints "FAIL: what" at once and the script exits 1 at the end;
- compare() walks two JSON values and prints each differing field by its path
  (`facts[3].deadline.to: want '2025-01-31', got '2025-01-30'`), so a diff reads as data;
- an expected file that is missing is a failure (expected() returns None), never written:
  only `--update` (update()) writes expected files, and says so;
- run() has a timeout (LW_TEST_TIMEOUT seconds, default 300): a hang fails, it never
  stalls the suite;
- skip(why) exits 77, which ctest shows as skipped (SKIP_RETURN_CODE), never as passed;
- temporary folders are removed at the end unless LW_KEEP_TMP=1 (then their path is printed).
"""
import contextlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

SKIP = 77  # ctest's SKIP_RETURN_CODE for the script tests
TIMEOUT = float(os.environ.get("LW_TEST_TIMEOUT", "300"))

BIN = None
SRC = None
UPDATE = "--update" in sys.argv
FAILS = []
SHOW_OK = False  # a script that lists every check passed sets it


def paths(usage=None):
    """(BIN, SRC) from the command line, absolute. Exits 2 with a usage line when absent."""
    global BIN, SRC
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) < 2:
        name = os.path.basename(sys.argv[0])
        print(usage or "usage: %s LAWWATCH_BIN SOURCE_DIR [--update]" % name, file=sys.stderr)
        sys.exit(2)
    BIN, SRC = os.path.abspath(args[0]), os.path.abspath(args[1])
    return BIN, SRC


def source(*parts):
    """A path under the source directory."""
    return os.path.join(SRC, *parts)


def data(*parts):
    """A path under tests/data/."""
    return os.path.join(SRC, "tests", "data", *parts)


def check(cond, what):
    """Records a failure when cond is false; returns cond."""
    if not cond:
        FAILS.append(what)
        print("FAIL: " + what, flush=True)
    elif SHOW_OK:
        print("ok: " + what, flush=True)
    return bool(cond)


def fail(what):
    check(False, what)


def skip(why):
    """The test cannot run here (a tool is missing): ctest shows it as skipped."""
    print("SKIP: " + why, flush=True)
    sys.exit(SKIP)


def run(*args, cwd=None, env=None, input=None, timeout=None, binary=False, exe=None):
    """Runs lawwatch (or exe) with args; returns (returncode, stdout, stderr): text (UTF-8,
    bytes that are not shown as U+FFFD) unless binary. env adds to the environment. A run
    past the timeout is a failure with rc -1."""
    e = dict(os.environ)
    e.update(env or {})
    cmd = [exe or BIN, *[a if isinstance(a, bytes) else str(a) for a in args]]
    try:
        p = subprocess.run(cmd, capture_output=True, cwd=cwd, env=e, input=input, timeout=timeout or TIMEOUT,
                           **({} if binary else {"encoding": "utf-8", "errors": "replace"}))
    except subprocess.TimeoutExpired:
        fail("timed out after %gs: %s" % (timeout or TIMEOUT, " ".join(cmd)))
        return -1, b"" if binary else "", b"" if binary else ""
    return p.returncode, p.stdout, p.stderr


def mkdtemp(prefix="lw_test_"):
    """A temporary folder for a script that removes it itself (cleanup) in a finally."""
    return tempfile.mkdtemp(prefix=prefix)


def cleanup(d):
    """Removes a temporary folder, or keeps it and prints its path with LW_KEEP_TMP=1."""
    if os.environ.get("LW_KEEP_TMP") == "1":
        print("kept: " + d)
    else:
        shutil.rmtree(d, ignore_errors=True)


@contextlib.contextmanager
def tmpdir(prefix="lw_test_"):
    """A temporary folder, removed at the end (kept and printed with LW_KEEP_TMP=1)."""
    d = tempfile.mkdtemp(prefix=prefix)
    try:
        yield d
    finally:
        cleanup(d)


# facts as schema 6 made it: each fact's whole JSON in json (schema 7 keeps each fact once,
# in columns and a remainder, and has rest instead)
FACTS_V6 = ("CREATE TABLE facts_v6 (id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL REFERENCES documents(id)"
            " ON DELETE CASCADE, kind TEXT NOT NULL, rule TEXT NOT NULL, line INTEGER, span_start INTEGER,"
            " span_end INTEGER, text TEXT, json TEXT NOT NULL, page INTEGER, paragraph INTEGER, ocr_conf INTEGER)")


def to_schema6(db):
    """Turns a schema-7 database into what schema 6 made of the same files, for the upgrade
    tests: facts with every fact's JSON whole (as `lawwatch show` reads it back) and no rest,
    schema 6's indexes facts_kind and agencies_name, user_version 6."""
    c = sqlite3.connect(db)
    rows = []
    for (doc,) in c.execute("SELECT id FROM documents ORDER BY id").fetchall():
        rc, out, err = run("show", "--db", db, "--format", "json", str(doc))
        check(rc == 0, "show %d to make schema 6: %s" % (doc, err))
        facts = json.loads(out)["facts"] if rc == 0 else []
        ids = [r[0] for r in c.execute("SELECT id FROM facts WHERE doc_id = ? ORDER BY id", (doc,))]
        check(len(ids) == len(facts), "show gives every fact of %d" % doc)
        for fid, f in zip(ids, facts):
            f.pop("cited_doc_id", None)  # show's, not stored
            rows.append((json.dumps(f, ensure_ascii=False, separators=(",", ":")), fid))
    views = c.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'").fetchall()
    c.executescript("".join("DROP VIEW %s;" % v for v, _ in views) + FACTS_V6 + ";"
                    " INSERT INTO facts_v6 SELECT id, doc_id, kind, rule, line, span_start, span_end, text, '',"
                    " page, paragraph, ocr_conf FROM facts; DROP TABLE facts; ALTER TABLE facts_v6 RENAME TO facts;"
                    " CREATE INDEX facts_doc ON facts(doc_id); CREATE INDEX facts_kind ON facts(kind);"
                    " CREATE INDEX agencies_name ON agencies(name);" + "".join(sql + ";" for _, sql in views))
    c.executemany("UPDATE facts SET json = ? WHERE id = ?", rows)
    c.execute("PRAGMA user_version = 6")
    c.commit()
    c.close()


def corpus_db(tmp, docs=None, n=4, args=()):
    """Ingests the first n text documents of corpus/ (n None: all) and the files docs ({name:
    text}, written into tmp/docs) into tmp/t.db, with ingest's extra args (e.g. --rules DIR):
    its path (a failed ingest is a failed check)."""
    db = os.path.join(tmp, "t.db")
    folder = os.path.join(tmp, "docs")
    os.makedirs(folder, exist_ok=True)
    for name, text in (docs or {}).items():
        with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
            f.write(text)
    corpus = sorted(p for p in os.listdir(source("corpus")) if p.endswith(".txt"))[:n]
    rc, out, err = run("ingest", "--db", db, *args, folder, *[source("corpus", p) for p in corpus], cwd=tmp)
    check(rc == 0, "ingest: " + err)
    return db


def pg_uri():
    """The URI of the tests' PostgreSQL cluster (LW_TEST_PG_URI, set by tests/CMakeLists.txt's
    pg_cluster fixture for t_pg_* scripts). Without it the test FAILS (exit 1): a test that
    needs PostgreSQL never passes or skips without it. By hand: scripts/pg_cluster.sh start
    DIR, then LW_TEST_PG_URI=$(cat DIR/uri) LW_TEST_PG_DIR=DIR python3 tests/scripts/t_pg_X.py ..."""
    uri = os.environ.get("LW_TEST_PG_URI")
    if not uri:
        print("FAIL: LW_TEST_PG_URI is not set: run under ctest (the pg_cluster fixture) or start a"
              " cluster with scripts/pg_cluster.sh start DIR and set LW_TEST_PG_URI and LW_TEST_PG_DIR")
        sys.exit(1)
    return uri


def pg_cluster_script():
    return os.environ.get("LW_PG_CLUSTER") or source("scripts", "pg_cluster.sh")


def pg_database(name):
    """A fresh database NAME ([a-z0-9_]+, dropped first if there) in the tests' cluster: its
    URI. Tests run in parallel: each takes databases of its own, never `lawwatch` itself.
    Failing to make it fails the test (exit 1)."""
    pg_uri()
    d = os.environ.get("LW_TEST_PG_DIR")
    if not d:
        print("FAIL: LW_TEST_PG_DIR is not set (the pg_cluster fixture sets it with LW_TEST_PG_URI)")
        sys.exit(1)
    p = subprocess.run(["bash", pg_cluster_script(), "createdb", d, name], capture_output=True,
                       encoding="utf-8", timeout=120)
    if p.returncode != 0:
        print("FAIL: cannot make the database %s: %s" % (name, p.stderr.strip()))
        sys.exit(1)
    return p.stdout.strip()


def pg_sql(uri, sql):
    """Runs SQL through psql on uri: (returncode, stdout unaligned without headers, stderr)."""
    p = subprocess.run(["psql", "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", uri, "-c", sql],
                       capture_output=True, encoding="utf-8", timeout=TIMEOUT)
    return p.returncode, p.stdout, p.stderr


def free_port():
    """A TCP port free on 127.0.0.1 now."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def fetch(url, headers=None, binary=False):
    """GET url (a string or a urllib Request): (status, headers, body), the body as text
    unless binary; HTTP errors are answers too (their status and page)."""
    req = url if isinstance(url, urllib.request.Request) else urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            body = r.read()
            return r.status, r.headers, body if binary else body.decode("utf-8")
    except urllib.error.HTTPError as e:
        body = e.read()
        return e.code, e.headers, body if binary else body.decode("utf-8")


@contextlib.contextmanager
def serve(db, *args, cwd=None, port=None):
    """Runs `lawwatch serve --db db --listen 127.0.0.1:PORT args...` until the block ends,
    once it answers: yields (base_url, process). Stopped with SIGTERM at the end (killed
    after 10 s); a server that did not stop cleanly (exit 0) is a failed check."""
    port = port or free_port()
    base = "http://127.0.0.1:%d" % port
    srv = subprocess.Popen([BIN, "serve", "--db", db, "--listen", "127.0.0.1:%d" % port, *args], cwd=cwd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/", timeout=5).read()
                break
            except urllib.error.HTTPError:
                break  # it answers (401 with --auth)
            except OSError:
                if srv.poll() is not None:
                    break
                time.sleep(0.1)
        check(srv.poll() is None, "serve stays up: " + (srv.stderr.read().decode() if srv.poll() is not None else ""))
        yield base, srv
    finally:
        srv.terminate()
        try:
            srv.wait(timeout=10)
        except subprocess.TimeoutExpired:
            srv.kill()
            srv.wait()
    check(srv.returncode == 0, "serve stops cleanly on SIGTERM: %s" % srv.returncode)


def _show(v, width=200):
    s = repr(v)
    return s if len(s) <= width else s[:width] + "..."


def diff(want, got, where=""):
    """The differences of two JSON values, field by field: a list of
    "path: want X, got Y" lines (empty when equal). Lists compare item by item."""
    out = []
    if isinstance(want, dict) and isinstance(got, dict):
        for k in sorted(set(want) | set(got), key=str):
            p = "%s.%s" % (where, k) if where else str(k)
            if k not in got:
                out.append("%s: missing, want %s" % (p, _show(want[k])))
            elif k not in want:
                out.append("%s: not expected, got %s" % (p, _show(got[k])))
            else:
                out.extend(diff(want[k], got[k], p))
    elif isinstance(want, list) and isinstance(got, list):
        for i in range(max(len(want), len(got))):
            p = "%s[%d]" % (where, i)
            if i >= len(got):
                out.append("%s: missing, want %s" % (p, _show(want[i])))
            elif i >= len(want):
                out.append("%s: not expected, got %s" % (p, _show(got[i])))
            else:
                out.extend(diff(want[i], got[i], p))
    elif want != got:
        out.append("%s: want %s, got %s" % (where or "value", _show(want), _show(got)))
    return out


def compare(want, got, what, limit=20):
    """check() that two JSON values are equal, printing their differences field by field
    (at most limit lines) under what. Returns True when equal."""
    d = diff(want, got)
    if not d:
        return True
    fail("%s: %d difference%s" % (what, len(d), "" if len(d) == 1 else "s"))
    for line in d[:limit]:
        print("    " + line)
    if len(d) > limit:
        print("    ... %d more" % (len(d) - limit))
    return False


def compare_text(want, got, what, context=2):
    """check() that two texts are equal, printing a unified diff when they are not."""
    if want == got:
        return True
    import difflib
    fail(what + ": differs")
    for line in difflib.unified_diff(want.splitlines(), got.splitlines(), "want", "got", lineterm="", n=context):
        print("    " + line)
    return False


def expected(path, as_json=None):
    """An expected file's content (parsed when it ends in .json, or as_json), or None when it
    is missing: that is a failure, and the file is not created (run with --update)."""
    if not os.path.exists(path):
        fail("no expected file %s (run the script with --update to write it, then review it)"
             % os.path.relpath(path, SRC or "."))
        return None
    with open(path, encoding="utf-8", newline="") as f:
        if as_json or (as_json is None and path.endswith(".json")):
            return json.load(f)
        return f.read()


def update(path, content):
    """With --update, writes an expected file (JSON values pretty, texts as they are) and
    returns True; without, returns False and writes nothing."""
    if not UPDATE:
        return False
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        if isinstance(content, str):
            f.write(content)
        else:
            json.dump(content, f, ensure_ascii=False, indent=1, sort_keys=True)
            f.write("\n")
    print("updated: " + os.path.relpath(path, SRC or "."))
    return True


def done(name=None):
    """Prints the result and exits: 1 when a check failed, else 0."""
    name = name or os.path.splitext(os.path.basename(sys.argv[0]))[0]
    if FAILS:
        print("%s: %d check%s failed" % (name, len(FAILS), "" if len(FAILS) == 1 else "s"))
        sys.exit(1)
    print("%s: ok" % name)
    sys.exit(0)
