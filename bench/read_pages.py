#!/usr/bin/env python3
"""Reading files (issue 18): pages per second of text-layer PDFs (`lawwatch extract` over them,
the whole command: read, normalize, extract), of scanned PDFs OCR'd with one job and with two
(bench/read_pages.c: lw_ocr_pdf in process, the OCR alone), and the peak RSS of each (GNU time
%M). The two OCR runs must give the same text (SHA-256 of the texts): a faster run with other
answers fails the bench. Writes the section "Reading files (issue 18)" of bench/RESULTS.md
(between its markers; the rest of the file is left as it is).

  bench/read_pages.py [--build build] [--corpus ../shared/corpus-files] [--out bench/RESULTS.md]
                      [--scans ext-001,ext-002,...] [--text ext-014,...] [--quiet-wait 120]
                      [--built-from TEXT]

OCR is slow (seconds a page): the default scans are 7 files, 25 pages. Needs gcc, pdfinfo
(poppler-utils) and GNU time (/usr/bin/time).
"""
import argparse
import datetime
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BEGIN = "<!-- read_pages.py: begin -->"
END = "<!-- read_pages.py: end -->"
PKGS = ("poppler-glib cairo tesseract lept libzip libxml-2.0 libpcre2-8 icu-uc icu-i18n sqlite3 "
        "libutf8proc yaml-0.1 jansson libcrypto")
SCANS = "ext-001,ext-002,ext-003,ext-005,ext-009,ext-010,ext-049"
TEXT = "ext-014,ext-016,ext-018,ext-019,ext-025,ext-026,ext-027,ext-029,ext-030"


def timed(cmd, env=None):
    """Runs cmd under GNU time: (exit status, wall s, peak RSS KiB, stdout, stderr)."""
    tf = "/tmp/read_pages.time.%d" % os.getpid()
    p = subprocess.run(["/usr/bin/time", "-o", tf, "-f", "%e %M"] + cmd, capture_output=True,
                       text=True, env=env)
    with open(tf) as f:
        wall, rss = f.read().split()[-2:]
    os.unlink(tf)
    return p.returncode, float(wall), int(rss), p.stdout, p.stderr


def pages_of(path):
    out = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
    m = re.search(r"^Pages:\s+(\d+)", out, re.M)
    return int(m.group(1)) if m else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--corpus", default=os.path.join(ROOT, "..", "..", "shared", "corpus-files"))
    ap.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
    ap.add_argument("--scans", default=SCANS)
    ap.add_argument("--text", default=TEXT)
    ap.add_argument("--quiet-wait", type=int, default=120)
    ap.add_argument("--built-from", default="",
                    help="what the build directory was built from, when not this tree (recorded)")
    a = ap.parse_args()
    if not os.path.isdir(a.corpus):
        a.corpus = "/work/shared/corpus-files"
    lw = os.path.join(a.build, "lawwatch")
    core = os.path.join(a.build, "liblawwatch_core.a")
    for f in (lw, core):
        if not os.path.exists(f):
            sys.exit("read_pages.py: %s missing: build first (cmake --build %s)" % (f, a.build))

    drv = "/tmp/read_pages.%d" % os.getpid()
    inc = ["-I" + os.path.join(ROOT, "analyzer", d) for d in sorted(os.listdir(os.path.join(ROOT, "analyzer")))
           if os.path.isdir(os.path.join(ROOT, "analyzer", d))]
    libs = subprocess.run(["pkg-config", "--libs"] + PKGS.split(), capture_output=True, text=True,
                          check=True).stdout.split()
    subprocess.run(["gcc", "-O2", "-std=gnu11"] + inc + [os.path.join(HERE, "read_pages.c"), core] + libs +
                   ["-lpthread", "-lm", "-o", drv], check=True)

    quiet = subprocess.run([sys.executable, os.path.join(HERE, "monitor.py"), "--quiet-wait",
                            str(a.quiet_wait)], capture_output=True, text=True).stdout.strip()
    load0 = os.getloadavg()
    rows = []

    text_files = [os.path.join(a.corpus, n + ".pdf") for n in a.text.split(",") if n]
    tpages = sum(pages_of(f) for f in text_files)
    rc, wall, rss, out, err = timed([lw, "extract", "--format", "json"] + text_files)
    if rc == 0:
        rows.append(("text-layer PDFs, `lawwatch extract --format json`", len(text_files), tpages, wall,
                     "%.1f" % (tpages / wall), rss, "-"))
    else:
        first = (err.strip().splitlines() or ["exit %d" % rc])[0]
        rows.append(("text-layer PDFs, `lawwatch extract --format json`", len(text_files), tpages, wall,
                     "not measured: exit %d, %s" % (rc, first), rss, "-"))

    scan_files = [os.path.join(a.corpus, n + ".pdf") for n in a.scans.split(",") if n]
    runs = {}
    for jobs in (1, 2):
        rc, wall, rss, out, err = timed([drv, "--jobs", str(jobs)] + scan_files)
        if rc != 0:
            sys.exit("read_pages.py: OCR with %d jobs failed: %s" % (jobs, err.strip()))
        r = json.loads(out)
        runs[jobs] = r
        rows.append(("scanned PDFs, OCR (lw_ocr_pdf), %d job%s" % (jobs, "s" if jobs > 1 else ""), r["files"],
                     r["pages"], r["seconds"], "%.2f" % (r["pages"] / r["seconds"]), rss, r["sha256"][:12]))
    same = runs[1]["sha256"] == runs[2]["sha256"]
    load1 = os.getloadavg()
    os.unlink(drv)

    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    rev = a.built_from or subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                                         capture_output=True, text=True).stdout.strip()
    tess = subprocess.run(["pkg-config", "--modversion", "tesseract"], capture_output=True, text=True).stdout.strip()
    lines = [BEGIN, "## Reading files (issue 18)", "",
             "Made by `python3 bench/read_pages.py` (%s, lawwatch %s, tesseract %s with `vie`, 300 dpi, "
             "%d cores). Files: `../shared/corpus-files/` (text layer: %s; scans: %s). Seconds are wall "
             "clock: for the text-layer PDFs the whole `lawwatch extract` command; for the scans the OCR "
             "alone (bench/read_pages.c calls `lw_ocr_pdf` in process: rendering, recognition, the "
             "page sources), one run each. Peak RSS is GNU time's %%M of the whole process."
             % (now, rev, tess, os.cpu_count(), a.text.replace(",", ", "), a.scans.replace(",", ", ")), "",
             "| what | files | pages | seconds | pages/s | peak RSS | text SHA-256 |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for what, nf, np, secs, pps, rss, sha in rows:
        lines.append("| %s | %d | %d | %.2f | %s | %.1f MB | %s |" % (what, nf, np, secs, pps, rss / 1024, sha))
    lines += ["",
              "One job and two give the same text: **%s**. Two jobs over one: %.2f× (the machine's other "
              "work counts: load average %.2f before, %.2f after; %s)."
              % ("yes" if same else "NO, a defect", runs[1]["seconds"] / runs[2]["seconds"], load0[0],
                 load1[0], quiet.replace("\n", " ") or "no quiet-wait report"),
              END]
    section = "\n".join(lines) + "\n"
    text = open(a.out).read() if os.path.exists(a.out) else ""
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + section + text[text.index(END) + len(END) + 1:]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    with open(a.out, "w") as f:
        f.write(text)
    print(section)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
