#!/usr/bin/env python3
"""Issue 20 (check and report written a group at a time): their outputs must stay those of
the code that built the whole output in memory first. tests/golden/stream/ holds what main
wrote (6bcde36, before issue 20) for

  corpus/ (the 5 core documents and corpus/extra/, the real ones), and
  300 generated documents (bench/gen_corpus.py --n 300, its default seed and noise),

each ingested into a database of its own, for

  report --as-of in every format (text, md, html, csv, json), and in text and json with
  --unit, --window, --since and --all;
  check in table and json, and with --unit, --year and --code.

Every output is compared byte by byte; a JSON one that differs is also compared field by
field (lwtest.compare), a text one shown as a diff. The report's items are sorted through a
temporary file in runs (lw_extsort) once they outgrow a buffer of 8 MB, more than these
databases make: every report case is run again with a buffer of SMALL_SORT bytes
(LAWWATCH_SORT_BYTES) and a fan-in of SMALL_FANIN (LAWWATCH_SORT_FANIN): hundreds of runs,
merged by groups over several passes, must give the same bytes. Expected files over 64 KB are stored
gzipped (mtime 0: the same bytes on every --update).

Usage: t_stream_golden.py LAWWATCH SRC [--update]   (--update writes the outputs of LAWWATCH
as the expected ones: run it with main's binary, never with the code under test)."""
import gzip
import json
import os
import shutil
import subprocess
import sys

import lwtest

AS_OF = {"real": "2025-12-01", "gen": "2026-06-30"}
# unit filters that name units of each database (a filter naming none is refused)
UNIT = {"real": "Tư pháp", "gen": "huyện"}
YEAR = {"real": "2025", "gen": "2025"}
BIG = 64 * 1024
# the report's sort buffer for the runs' case: a few records each
SMALL_SORT = "4096"
# runs merged at once in that case (the default is 256): several passes
SMALL_FANIN = "4"


def cases(kind):
    """(name, arguments after the verb) of every output compared."""
    a = ["--as-of", AS_OF[kind]]
    out = []
    for fmt in ("text", "md", "html", "csv", "json"):
        out.append((f"report.{fmt}", ["report", *a, "--format", fmt]))
    for fmt in ("text", "json"):
        out.append((f"report-unit.{fmt}", ["report", *a, "--unit", UNIT[kind], "--format", fmt]))
        out.append((f"report-window.{fmt}", ["report", *a, "--window", "45", "--format", fmt]))
        out.append((f"report-since.{fmt}", ["report", *a, "--since", "2024-06-01", "--format", fmt]))
        out.append((f"report-all.{fmt}", ["report", *a, "--all", "--format", fmt]))
    for fmt in ("table", "json"):
        out.append((f"check.{fmt}", ["check", "--format", fmt]))
        out.append((f"check-unit.{fmt}", ["check", "--unit", UNIT[kind], "--format", fmt]))
        out.append((f"check-year.{fmt}", ["check", "--year", YEAR[kind], "--format", fmt]))
        out.append((f"check-code.{fmt}", ["check", "--code", "citation", "--code", "deadline.conflict",
                                          "--format", fmt]))
    out.append(("check-unknown.table", ["check", "--unknown"]))
    return out


def read_expected(path):
    """The expected bytes at path or path.gz; None when neither exists."""
    if os.path.exists(path + ".gz"):
        with gzip.open(path + ".gz", "rb") as f:
            return f.read()
    if os.path.exists(path):
        with open(path, "rb") as f:
            return f.read()
    return None


def write_expected(path, data):
    for p in (path, path + ".gz"):
        if os.path.exists(p):
            os.remove(p)
    if len(data) > BIG:
        with open(path + ".gz", "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
            f.write(data)
    else:
        with open(path, "wb") as f:
            f.write(data)


def main():
    bin_, src = lwtest.paths()
    gdir = os.path.join(src, "tests", "golden", "stream")
    with lwtest.tmpdir("lw-stream-") as tmp:
        shutil.copytree(os.path.join(src, "corpus"), os.path.join(tmp, "corpus"))
        gen = subprocess.run([sys.executable, os.path.join(src, "bench", "gen_corpus.py"), "--out",
                              os.path.join(tmp, "gen"), "--n", "300"], capture_output=True, text=True)
        lwtest.check(gen.returncode == 0, "gen_corpus: " + gen.stderr)
        for kind, folder in (("real", "corpus"), ("gen", "gen")):
            db = os.path.join(tmp, kind + ".db")
            rc, out, err = lwtest.run("ingest", "--db", db, "--jobs", "2", folder, cwd=tmp)
            lwtest.check(rc == 0, f"ingest {folder}: {err}")
            runs = [(name, args, None) for name, args in cases(kind)]
            if not lwtest.UPDATE:
                runs += [(name, args, {"LAWWATCH_SORT_BYTES": SMALL_SORT, "LAWWATCH_SORT_FANIN": SMALL_FANIN}) for name, args in cases(kind)
                         if args[0] == "report"]
            for name, args, env in runs:
                rc, out, err = lwtest.run(args[0], "--db", db, *args[1:], cwd=tmp, env=env, binary=True)
                what = f"{kind}/{name}" + (" (sorted in runs)" if env else "")
                out = out.replace(os.fsencode(tmp), b"@TMP@")
                if not lwtest.check(rc in (0, 1), f"{what}: exit {rc}: {err.decode(errors='replace')}"):
                    continue
                path = os.path.join(gdir, kind, name)
                if lwtest.UPDATE:
                    os.makedirs(os.path.dirname(path), exist_ok=True)
                    write_expected(path, out)
                    continue
                want = read_expected(path)
                if not lwtest.check(want is not None, f"{what}: no expected file {path}(.gz)"):
                    continue
                if lwtest.check(want == out, f"{what}: the same bytes as main ({len(want)} expected, {len(out)} written)"):
                    continue
                if name.endswith(".json"):
                    lwtest.compare(json.loads(want), json.loads(out), what)
                else:
                    lwtest.compare_text(want.decode(), out.decode(), what)
    lwtest.done("stream_golden")


main()
