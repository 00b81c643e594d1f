#!/usr/bin/env python3
"""The FTS5 floor's SQL: every *.txt of DIR (sorted) inserted into
CREATE VIRTUAL TABLE t USING fts5(body) in one transaction, read by the sqlite3 shell's
readfile(). Run as `sqlite3 DB < OUT`.

  fts_floor_sql.py DIR > OUT
"""
import os
import sys


def main():
    d = os.path.abspath(sys.argv[1])
    names = sorted(n for n in os.listdir(d) if n.endswith(".txt"))
    w = sys.stdout.write
    w("CREATE VIRTUAL TABLE t USING fts5(body);\nBEGIN;\n")
    for n in names:
        p = os.path.join(d, n).replace("'", "''")
        w("INSERT INTO t(body) VALUES (CAST(readfile('%s') AS TEXT));\n" % p)
    w("COMMIT;\n")


if __name__ == "__main__":
    main()
