"""--db and the configuration's db with a PostgreSQL URI (issue 21), without a server: every
verb taking --db opens the URI (a server that is not there is a clear error naming the
database, exit 2), never printing the URI's password (user:secret@ or password=...); the
configuration's db URI is taken as written (not joined to the file's folder); `lawwatch
config` lists it without its password, `lawwatch config db` prints it as written;
export refuses --to naming --db itself."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lwtest  # noqa: E402

BIN, SRC = lwtest.paths()

with lwtest.tmpdir("lw_db_uri_") as tmp:
    sock = os.path.join(tmp, "nosuchserver")
    uris = ["postgresql://lw:s3cret@/lawwatch?host=%s&port=5999" % sock,
            "postgres:///lawwatch?host=%s&port=5999&password=s3cret&user=lw" % sock]
    shown = ["postgresql://lw@/lawwatch?host=%s&port=5999" % sock,
             "postgres:///lawwatch?host=%s&port=5999&user=lw" % sock]
    verbs = [["search", "thi hành"], ["check"], ["report"], ["show", "1"], ["registry", "59/2012/NĐ-CP"],
             ["ingest", lwtest.source("corpus", "extra")], ["export", "--to", os.path.join(tmp, "x.db")]]
    for uri, name in zip(uris, shown):
        for v in verbs:
            rc, out, err = lwtest.run(v[0], "--db", uri, *v[1:], cwd=tmp)
            lwtest.check(rc == 2 and name in err and "s3cret" not in err + out,
                         "%s --db URI: exit 2 naming %s without the password: %d %s" % (v[0], name, rc, err[-300:]))
    # the configuration's db
    conf = os.path.join(tmp, "c.conf")
    with open(conf, "w", encoding="utf-8") as f:
        f.write("db = %s\n" % uris[0])
    rc, out, err = lwtest.run("config", "--config", conf, cwd=tmp)
    lwtest.check(rc == 0 and ("db = %s  #" % shown[0]) in out and "s3cret" not in out,
                 "config lists the db without its password: %s" % out[:400])
    rc, out, err = lwtest.run("config", "--config", conf, "db", cwd=tmp)
    lwtest.check(rc == 0 and out.strip() == uris[0], "config db prints it as written: %r" % out)
    rc, out, err = lwtest.run("search", "--config", conf, "thi", cwd=tmp)
    lwtest.check(rc == 2 and shown[0] in err and "s3cret" not in err,
                 "the configuration's URI is the verbs' db, as written: %s" % err[-300:])
    # export: the same database on both sides, and --to missing
    rc, out, err = lwtest.run("export", "--db", uris[0], "--to", uris[0], cwd=tmp)
    lwtest.check(rc == 2 and "same database" in err and "s3cret" not in err, "export to itself: %d %s" % (rc, err))
    rc, out, err = lwtest.run("export", "--db", uris[0], cwd=tmp)
    lwtest.check(rc == 2 and "--to" in err, "export without --to: %d %s" % (rc, err[:200]))

lwtest.done()
