#!/usr/bin/env python3
"""Rules run only in windows before their literals (lw_match, issue 20) extract exactly what
they extract run over the whole text: `extract --format json` with the windows (the default)
and with LAWWATCH_NO_WINDOWS=1 gives the same document, field by field, for every text of
corpus/ and corpus/extra/ (the real documents, copies of ../shared/corpus-extra), every .txt
under tests/data/, damaged variants of the corpus (NFD, look-alikes, hard wraps, CRLF,
no-break spaces, UTF-16, Windows-1258) and 300 generated documents (bench/gen_corpus.py,
default seed). bench/windows_identical.py does the same over a bench corpus."""
import glob
import json
import os
import subprocess
import sys
import textwrap
import unicodedata

import lwtest

BIN, SRC = lwtest.paths()
CHUNK = 200  # files per extract run: well under the argument list's limit


def variants(t):
    yield "nfd", unicodedata.normalize("NFD", t).encode()
    yield "lookalike", t.replace("Đ", "\u00d0").encode()
    out = []
    for para in t.split("\n"):
        out.extend(textwrap.wrap(para, 72) or [""])
    yield "wrap72", "\n\n".join(out).encode()
    yield "crlf", t.replace("\n", "\r\n").encode()
    yield "nbsp", t.replace(" ", "\u00a0", 40).encode()
    yield "utf16", b"\xff\xfe" + t.encode("utf-16-le")
    r = subprocess.run(["iconv", "-c", "-f", "UTF-8", "-t", "CP1258"], input=t.encode(), capture_output=True)
    if r.returncode in (0, 1) and r.stdout:
        yield "cp1258", r.stdout


def extract(files, env):
    """path -> the document's JSON, and extract's exit status, for files."""
    docs, rcs = {}, set()
    for i in range(0, len(files), CHUNK):
        rc, out, err = lwtest.run("extract", "--format", "json", *files[i:i + CHUNK], env=env)
        rcs.add(rc)
        lwtest.check(rc in (0, 1), "extract runs (rc %d): %s" % (rc, err[-500:]))
        for line in out.splitlines():
            if line.strip():
                d = json.loads(line)
                docs[d["path"]] = d
    return docs, rcs


with lwtest.tmpdir("lw_windows_") as tmp:
    files = sorted(glob.glob(os.path.join(SRC, "corpus", "*.txt")) + glob.glob(os.path.join(SRC, "corpus", "extra", "*.txt")))
    files += sorted(glob.glob(os.path.join(SRC, "tests", "data", "**", "*.txt"), recursive=True))
    for doc in sorted(glob.glob(os.path.join(SRC, "corpus", "*.txt"))):
        text = open(doc, encoding="utf-8").read()
        for name, data in variants(text):
            p = os.path.join(tmp, name + "-" + os.path.basename(doc))
            with open(p, "wb") as f:
                f.write(data)
            files.append(p)
    gen = os.path.join(tmp, "gen")
    r = subprocess.run([sys.executable, os.path.join(SRC, "bench", "gen_corpus.py"), "--out", gen, "--n", "300",
                        "--jobs", "1"], capture_output=True, text=True)
    lwtest.check(r.returncode == 0, "gen_corpus.py --n 300: " + r.stderr[-500:])
    files += sorted(glob.glob(os.path.join(gen, "*.txt")))

    on, rc_on = extract(files, {"LAWWATCH_NO_WINDOWS": "0"})
    off, rc_off = extract(files, {"LAWWATCH_NO_WINDOWS": "1"})
    lwtest.check(rc_on == rc_off, "the same exit statuses: %s, %s" % (sorted(rc_on), sorted(rc_off)))
    lwtest.check(len(off) >= 500, "documents extracted: %d" % len(off))
    lwtest.check(set(on) == set(off), "the same documents with and without windows")
    facts = 0
    for path in sorted(off):
        if path in on:
            name = os.path.relpath(path, tmp if path.startswith(tmp) else SRC)
            lwtest.compare(off[path], on[path], name + " (want: without windows)")
            facts += len(off[path].get("facts", []))
    lwtest.check(facts >= 20000, "facts compared: %d" % facts)
    print("windows: %d documents, %d facts compared" % (len(off), facts))
lwtest.done()
