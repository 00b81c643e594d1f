"""The tests' PostgreSQL cluster and scripts/pg_cluster.sh (issue 21): the fixture's server
answers at LW_TEST_PG_URI on its Unix socket only; createdb gives each test a fresh database;
a cluster of the script's own starts, restarts, stops and leaves nothing; its watcher stops it
when the process it watches dies (a killed test run leaves no server); a folder the script did
not make is never removed; missing server programs are a clear message, exit 2."""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lwtest  # noqa: E402

BIN, SRC = lwtest.paths()
SCRIPT = lwtest.pg_cluster_script()


def script(*args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run(["bash", SCRIPT, *args], capture_output=True, encoding="utf-8", env=e, timeout=120)
    return p.returncode, p.stdout.strip(), p.stderr.strip()


def alive(pid, wait=0):
    """pid runs (not a zombie); with wait, polls that long for it to end"""
    end = time.time() + wait
    while True:
        try:
            with open("/proc/%d/stat" % pid) as f:
                running = f.read().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            running = False
        if not running or time.time() >= end:
            return running
        time.sleep(0.1)


def postmaster(d):
    try:
        with open(os.path.join(d, "data", "postmaster.pid")) as f:
            return int(f.readline())
    except (OSError, ValueError):
        return None


# the fixture's cluster
uri = lwtest.pg_uri()
rc, out, err = lwtest.pg_sql(uri, "select current_database(), current_user, current_setting('listen_addresses'),"
                                  " current_setting('server_encoding'), current_setting('lc_collate'),"
                                  " (select count(*) from pg_tables where schemaname = 'public')")
lwtest.check(rc == 0, "the fixture's server answers at %s: %s" % (uri, err))
# each test has a database of its own, named after it, made empty when the cluster started
lwtest.check(out.strip() == "script_t_pg_cluster|lawwatch||UTF8|C|0",
             "the test's own empty database, role lawwatch, no TCP, UTF8, C collation: %r" % out)
db = lwtest.pg_database("t_pg_cluster")
lwtest.check("postgresql:///t_pg_cluster?" in db, "createdb gives the new database's URI: " + db)
rc, out, err = lwtest.pg_sql(db, "create table t(x int); insert into t values (1)")
lwtest.check(rc == 0, "a table in the fresh database: " + err)
db2 = lwtest.pg_database("t_pg_cluster")
rc, out, err = lwtest.pg_sql(db2, "select count(*) from pg_tables where tablename = 't'")
lwtest.check(db2 == db and out.strip() == "0", "createdb again gives an empty database: %r %s" % (out, err))

with lwtest.tmpdir("lw_pg_cluster_") as tmp:
    os.chmod(tmp, 0o755)  # the server runs as postgres under root
    d = os.path.join(tmp, "c")
    # start, restart, stop
    rc, u, err = script("start", d, "55439")
    lwtest.check(rc == 0 and u.startswith("postgresql:///lawwatch?host=" + d), "start prints the URI: %s %s" % (u, err))
    rc, out, err = lwtest.pg_sql(u, "select 1")
    lwtest.check(rc == 0 and out.strip() == "1", "its server answers: " + err)
    pid = postmaster(d)
    rc, out, err = script("restart", d)
    lwtest.check(rc == 0 and postmaster(d) not in (None, pid), "restart starts a new server: " + err)
    rc, out, err = lwtest.pg_sql(u, "select 1")
    lwtest.check(rc == 0, "it answers after the restart: " + err)
    pid = postmaster(d)
    rc, out, err = script("stop", d)
    lwtest.check(rc == 0 and not os.path.exists(d), "stop removes the folder: " + err)
    lwtest.check(pid is not None and not alive(pid, 5), "stop stops the server")
    rc, out, err = script("stop", d)
    lwtest.check(rc == 0, "stop of a cluster already gone is fine: " + err)

    # the watcher: the watched process dies, the cluster goes
    owner = subprocess.Popen(["sleep", "60"])
    rc, u, err = script("start", d, "55439", "--watch", str(owner.pid))
    lwtest.check(rc == 0, "start with a watcher: " + err)
    pid = postmaster(d)
    owner.kill()
    owner.wait()
    for _ in range(100):
        if not os.path.exists(d):
            break
        time.sleep(0.1)
    lwtest.check(not os.path.exists(d) and pid and not alive(pid, 5), "the watcher stopped the server and removed the folder")

    # a leftover of a killed run in the same folder is replaced by start
    rc, u, err = script("start", d, "55439")
    old = postmaster(d)
    rc, u, err = script("start", d, "55439")
    lwtest.check(rc == 0 and old and not alive(old, 5), "start over a leftover cluster stops it first: " + err)
    script("stop", d)

    # a folder not made by the script is refused, and kept
    other = os.path.join(tmp, "other")
    os.makedirs(other)
    open(os.path.join(other, "keep"), "w").close()
    rc, out, err = script("stop", other)
    lwtest.check(rc == 2 and os.path.exists(os.path.join(other, "keep")) and "not made by" in err,
                 "stop refuses a folder it did not make: %d %s" % (rc, err))
    rc, out, err = script("start", other)
    lwtest.check(rc == 2 and "not empty" in err, "start refuses a non-empty folder: %d %s" % (rc, err))

    # no server programs: a clear message, exit 2
    rc, out, err = script("start", d, env={"LW_PG_BINDIR": os.path.join(tmp, "none")})
    lwtest.check(rc == 2 and "initdb" in err and not os.path.exists(d), "missing programs, a clear message: %d %s" % (rc, err))

lwtest.done()
