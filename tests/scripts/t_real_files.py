#!/usr/bin/env python3
"""t_real_files: issue 18 as it is judged. lawwatch reads the real originals of
tests/data/real-files/ (scanned and text-layer PDFs, Word files) directly, and the facts it
gets from each must be at least as good as those it gets from the text made from the same
file with pdftotext / tesseract 5.3 at 300 dpi (corpus/extra/ext-NNN.txt): legal references,
deadlines and header fields, scored against the hand-made gold of tests/data/real/ (the gold
of the .txt, which is the same document, corrected by gold-pdf/ where the original shows more
than its broken text layer let through; gold-word/ for the .docx, which have no .txt).

The list of files, the reading each must get (pdf-text, pdf-ocr, docx, or refused for a
Word 97-2003 .doc) and their gold are data: tests/data/real/real-files.tsv.

Checks, per file:
- lawwatch reads it and records the reading it chose (source_format) as the list says;
- the original's score is not below the .txt's: per group (references found, references
  extra, deadlines found, deadlines extra, header fields right) it may be worse by at most
  TOLERANCE items (1 for a file read by OCR, whose text varies with tesseract's version and
  its rendering; 0 for a text layer, which is the same text pdftotext reads);
- positions: every fact of a PDF carries page >= 1 and line >= 1, of a .docx paragraph >= 1,
  ocr_conf (when given) is in 0..100 and given only for OCR'd files; and the span of every fact
  maps back into the stored text (what `ingest` keeps in its source cache): the bytes at span
  are the fact's text, on the page and line the fact names;
- a .doc gets the plain message to save it as .docx (exit 1, the file named);
and over all files, the totals are not below FLOORS (set from what the readers reach).

A file whose format lawwatch does not read yet (the message of the old CLI: "convert it to
text first") is listed as not read; when no original is read the test is skipped (77); a
file left unread while others of its kind are read is a failure.
OCR of all the scans takes minutes: extract gets --jobs 2 when it has that option, the
whole run is bounded by LW_REAL_FILES_TIMEOUT seconds (default 1500) and nothing is cached
in the source tree. LW_REAL_FILES=ext-014,doc-08 runs only those files (a quick look; the
floors are not checked).
LW_REAL_FILES_SPANS=all checks the spans of the OCR'd files too (it OCRs them a second time,
through ingest); by default the span check covers the text layers, the .docx and the two
smallest OCR'd PDFs.
"""
import bisect
import csv
import importlib.util
import json
import os
import sqlite3
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lwtest  # noqa: E402

BIN, SRC = lwtest.paths()

# The project's scorer: the same normalisation (NFC, casefold) and P/R as score.py.
_spec = importlib.util.spec_from_file_location("lw_score", os.path.join(SRC, "tests", "eval", "score.py"))
score = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(score)

OCR_FORMATS = ("pdf-ocr", "image-ocr")
PAGED_FORMATS = ("pdf-text", "pdf-ocr", "image-ocr")
ORDER = ("pdf-text", "pdf-ocr", "image-ocr", "docx", "odt")  # of the totals' lines
# Items by which the original may score below its .txt in one group (see the docstring).
TOLERANCE = {"pdf-text": 0, "pdf-ocr": 1, "image-ocr": 1}
# Totals over the originals by the reading chosen (references and deadlines F1, header accuracy):
# what the readers reach on this machine (README "Real documents: gold and scores"), less a
# margin of about one item for OCR variance.
FLOORS = {
    "pdf-text": {"refs": 0.99, "deadlines": 0.95, "header": 0.97},
    "pdf-ocr": {"refs": 0.93, "deadlines": 0.85, "header": 0.83},
    "docx": {"refs": 0.98, "deadlines": 0.80, "header": 0.95},
}
# Messages of a lawwatch without the readers (the CLI before issue 18): the format is not read yet.
NOT_READ = ("convert it to text first", "save it as plain text", "not built yet", "not a text file")
TOTAL_TIMEOUT = float(os.environ.get("LW_REAL_FILES_TIMEOUT", "1500"))
START = time.monotonic()


def left():
    return TOTAL_TIMEOUT - (time.monotonic() - START)


def manifest():
    path = lwtest.data("real", "real-files.tsv")
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader((l for l in f if not l.startswith("#")), delimiter="\t"))
    only = [x for x in os.environ.get("LW_REAL_FILES", "").split(",") if x]
    if only:
        rows = [r for r in rows if os.path.splitext(r["file"])[0] in only]
    for r in rows:
        gold = {}
        for g in (r["gold"].split(",") if r["gold"] != "-" else []):
            with open(lwtest.data("real", g), encoding="utf-8") as f:
                for k, v in json.load(f).items():
                    gold.setdefault(k, v)
        r["gold"] = gold
    return rows


def extract_opts():
    rc, out, err = lwtest.run("extract", "--help")
    return ["--jobs", "2"] if "--jobs" in out + err else []


def extract(path, opts, timeout):
    """(record or None, rc, stderr) of `lawwatch extract --format json PATH`."""
    rc, out, err = lwtest.run("extract", "--format", "json", *opts, path, cwd=SRC, timeout=max(timeout, 1))
    rec = None
    for line in out.splitlines():
        if line.strip():
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                lwtest.fail("%s: extract printed a line that is not JSON: %s" % (path, e))
    return rec, rc, err


def scores(rec, gold):
    """Per group: refs (hit, extra, miss), deadlines (hit, extra, miss), header (right, all)."""
    facts = (rec or {}).get("facts") or []
    ignore = [score.norm(x) for x in gold.get("ignore_id_prefixes", [])]
    got = {score.norm(f.get("id")) for f in facts if f.get("kind") == "legal_ref" and f.get("id")}
    got = {g for g in got if not any(g.startswith(p) for p in ignore)}
    want = {score.norm(x) for x in gold.get("legal_ref_ids", [])}
    refs = (len(got & want), len(got - want), len(want - got))
    got = {f.get("to") for f in facts if f.get("kind") == "deadline" and f.get("to")}
    want = set(gold.get("deadline_to", []))
    ddl = (len(got & want), len(got - want), len(want - got))
    header = (rec or {}).get("header") or {}
    hd = gold.get("header", {})
    right = sum(1 for k, v in hd.items() if score.norm(header.get(k)) == score.norm(v))
    return {"refs": refs, "deadlines": ddl, "header": (right, len(hd))}


def misses(rec, gold, name):
    """The score.py lines of one document (what was missed, what is extra)."""
    facts = (rec or {}).get("facts") or []
    ignore = [score.norm(x) for x in gold.get("ignore_id_prefixes", [])]
    got = {score.norm(f.get("id")) for f in facts if f.get("kind") == "legal_ref" and f.get("id")}
    got = {g for g in got if not any(g.startswith(p) for p in ignore)}
    want = {score.norm(x) for x in gold.get("legal_ref_ids", [])}
    out = ["%s: legal_ref missed: %s" % (name, x) for x in sorted(want - got)]
    out += ["%s: legal_ref extra: %s" % (name, x) for x in sorted(got - want)]
    got = {f.get("to") for f in facts if f.get("kind") == "deadline" and f.get("to")}
    want = set(gold.get("deadline_to", []))
    out += ["%s: deadline missed: %s" % (name, x) for x in sorted(want - got)]
    out += ["%s: deadline extra: %s" % (name, x) for x in sorted(got - want)]
    header = (rec or {}).get("header") or {}
    for k, v in gold.get("header", {}).items():
        if score.norm(header.get(k)) != score.norm(v):
            out.append("%s: header.%s = %r, want %r" % (name, k, header.get(k), v))
    return out


def vietnamese(msg):
    """The Vietnamese half of a message "VI (EN)": the text before the parenthesis closing it."""
    depth = 0
    for i in range(len(msg) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(msg[i], 0)
        if depth == 0:
            return msg[:i].rstrip() if msg.endswith(")") else msg
    return msg


def pr(t):
    hit, extra, miss = t
    p = hit / (hit + extra) if hit + extra else 1.0
    r = hit / (hit + miss) if hit + miss else 1.0
    return "%.2f/%.2f" % (p, r)


def row(name, fmt, s, secs):
    return "%-12s %-9s %-9s %-9s %-7s %6s" % (name, fmt, pr(s["refs"]), pr(s["deadlines"]),
                                             "%d/%d" % s["header"], "%.1fs" % secs if secs is not None else "")


def compare(name, fmt, orig, txt):
    """The original may be worse than its .txt by at most TOLERANCE items per group."""
    tol = TOLERANCE.get(fmt, 0)
    for g in ("refs", "deadlines"):
        (oh, oe, _), (th, te, _) = orig[g], txt[g]
        lwtest.check(oh >= th - tol, "%s: %s found from the original %d, from the .txt %d (tolerance %d)"
                     % (name, g, oh, th, tol))
        lwtest.check(oe <= te + tol, "%s: %s extra from the original %d, from the .txt %d (tolerance %d)"
                     % (name, g, oe, te, tol))
    lwtest.check(orig["header"][0] >= txt["header"][0] - tol,
                 "%s: header fields right from the original %d, from the .txt %d (tolerance %d)"
                 % (name, orig["header"][0], txt["header"][0], tol))


def check_positions(name, fmt, rec):
    """Every fact of a PDF has page and line >= 1, of a .docx paragraph >= 1; ocr_conf only
    on OCR'd text, within 0..100. Returns the number of facts checked."""
    facts = rec.get("facts") or []
    bad = []
    for i, f in enumerate(facts):
        where = "%s: fact %d (%s %r)" % (name, i, f.get("kind"), (f.get("text") or "")[:40])
        if fmt in PAGED_FORMATS:
            if not (isinstance(f.get("page"), int) and f["page"] >= 1 and isinstance(f.get("line"), int)
                    and f["line"] >= 1):
                bad.append("%s: page %r line %r, want both >= 1" % (where, f.get("page"), f.get("line")))
            elif rec.get("pages") and f["page"] > rec["pages"]:
                bad.append("%s: page %d of a %d-page file" % (where, f["page"], rec["pages"]))
        elif fmt in ("docx", "odt"):
            if not (isinstance(f.get("paragraph"), int) and f["paragraph"] >= 1):
                bad.append("%s: paragraph %r, want >= 1" % (where, f.get("paragraph")))
        if "ocr_conf" in f:
            c = f["ocr_conf"]
            if fmt not in OCR_FORMATS:
                bad.append("%s: ocr_conf %r on text that was not OCR'd" % (where, c))
            elif not (isinstance(c, (int, float)) and 0 <= c <= 100):
                bad.append("%s: ocr_conf %r, want 0..100" % (where, c))
    for b in bad[:10]:
        lwtest.fail(b)
    if len(bad) > 10:
        lwtest.fail("%s: %d more facts with bad positions" % (name, len(bad) - 10))
    return len(facts)


def parse_source(blob):
    """lw_source_deserialize in Python (analyzer/read/lw_source.c): text bytes and lines
    (start, page, line, paragraph). The magic is 8 bytes."""
    p = 8

    def u32():
        nonlocal p
        v = struct.unpack_from("<I", blob, p)[0]
        p += 4
        return v

    def s():
        nonlocal p
        n = u32()
        v = blob[p:p + n]
        p += n
        return v

    u32(), u32()  # format, pages
    s(), s()  # ocr_engine, note
    text = s()
    lines = [(u32(), u32(), u32(), u32()) for _ in range(u32())]
    return text, lines


def check_spans(recs, opts, tmp):
    """Ingests the originals into a scratch database, then maps every fact of extract's output
    into the stored text of its file: the bytes at span are the fact's text, on the fact's
    page and line (PDF) or paragraph (.docx)."""
    files = [os.path.join(SRC, "tests", "data", "real-files", n) for n in sorted(recs)]
    db = os.path.join(tmp, "real.db")
    rc, out, err = lwtest.run("ingest", "--db", db, "--jobs", "2", *files, cwd=tmp, timeout=max(left(), 1))
    if not lwtest.check(rc == 0, "ingest of the originals for the span check: exit %d: %s" % (rc, err.strip()[-400:])):
        return
    if "not a .txt file" in err:
        print("span check: ingest does not take these files yet (\"not a .txt file\"): not checked")
        return
    con = sqlite3.connect(db)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "source_cache" not in tables:
            print("span check: the store keeps no source cache yet (schema before issue 18): not checked")
            return
        rows = con.execute("SELECT d.path, c.source FROM documents d JOIN source_cache c ON c.sha256 = d.sha256").fetchall()
        paths = {}
        for path, blob in rows:
            paths[os.path.basename(path)] = parse_source(bytes(blob))
    finally:
        con.close()
    for name, (fmt, rec) in sorted(recs.items()):
        if name not in paths:
            lwtest.fail("%s: ingest stored no source for it" % name)
            continue
        text, lines = paths[name]
        starts = [l[0] for l in lines]
        bad = 0
        for i, f in enumerate(rec.get("facts") or []):
            span = f.get("span")
            if not (isinstance(span, list) and len(span) == 2 and 0 <= span[0] <= span[1] <= len(text)):
                bad += 1
                if bad <= 5:
                    lwtest.fail("%s: fact %d (%s): span %r is not within the stored text (%d bytes)"
                                % (name, i, f.get("kind"), span, len(text)))
                continue
            a, b = span
            got = text[a:b].decode("utf-8", "replace")
            if got != f["text"]:
                bad += 1
                if bad <= 5:
                    lwtest.fail("%s: fact %d (%s): the stored text at span [%d, %d) is %r, the fact's text %r"
                                % (name, i, f["kind"], a, b, got[:60], f["text"][:60]))
                continue
            # the line of the stored text holding the span's start
            k = bisect.bisect_right(starts, a) - 1
            if k < 0:
                continue
            _, page, line, para = lines[k]
            if fmt in PAGED_FORMATS and (f.get("page"), f.get("line")) != (page, line):
                bad += 1
                if bad <= 5:
                    lwtest.fail("%s: fact %d (%s %r): page %r line %r, the stored text has it on page %d line %d"
                                % (name, i, f["kind"], f["text"][:40], f.get("page"), f.get("line"), page, line))
            elif fmt in ("docx", "odt") and f.get("paragraph") != para:
                bad += 1
                if bad <= 5:
                    lwtest.fail("%s: fact %d (%s %r): paragraph %r, the stored text has it in paragraph %d"
                                % (name, i, f["kind"], f["text"][:40], f.get("paragraph"), para))
        if bad > 5:
            lwtest.fail("%s: %d facts in all do not map back into the stored text" % (name, bad))
        print("span check: %s: %d facts map into the stored text%s" % (name, len(rec.get("facts") or []) - bad,
                                                                        "" if not bad else ", %d do not" % bad))


def main():
    rows = manifest()
    opts = extract_opts()
    # the .txt first, all at once (fast)
    txts = [r["txt"] for r in rows if r["txt"] != "-"]
    txt_recs = {}
    if txts:
        rc, out, err = lwtest.run("extract", "--format", "json", *txts, cwd=SRC)
        lwtest.check(rc == 0, "extract of the .txt: exit %d: %s" % (rc, err.strip()[-300:]))
        for line in out.splitlines():
            if line.strip():
                rec = json.loads(line)
                txt_recs[os.path.basename(rec["path"])] = rec

    table = ["%-12s %-9s %-9s %-9s %-7s %6s" % ("file", "format", "refs P/R", "ddl P/R", "header", "time")]
    totals = {}  # by the reading chosen, and "<reading> .txt" for the .txt of those files
    not_read, read = [], 0
    span_recs = {}
    for r in rows:
        name, want_fmt = r["file"], r["format"]
        path = os.path.join("tests", "data", "real-files", name)
        if left() <= 0:
            lwtest.fail("%s: not read: the run's time (LW_REAL_FILES_TIMEOUT=%g s) is spent" % (name, TOTAL_TIMEOUT))
            continue
        t0 = time.monotonic()
        rec, rc, err = extract(path, opts, left())
        secs = time.monotonic() - t0
        if want_fmt == "refused":
            if any(m in err for m in NOT_READ):
                not_read.append(name)
                continue
            lwtest.check(rc == 1 and rec is None and name in err and ".docx" in err,
                         "%s: a Word 97-2003 file gets exit 1 and a message naming it and .docx; got exit %d: %s"
                         % (name, rc, err.strip()))
            read += 1
            table.append("%-12s %-9s %s" % (name, "refused", vietnamese(err.strip().split(": ", 2)[-1])))
            continue
        if rc != 0 and any(m in err for m in NOT_READ):
            not_read.append(name)
            continue
        if not lwtest.check(rc == 0 and rec is not None, "%s: extract: exit %d: %s" % (name, rc, err.strip()[-400:])):
            continue
        read += 1
        fmt = rec.get("source_format")
        lwtest.check(fmt == want_fmt, "%s: read as %r, want %r (tests/data/real/real-files.tsv)" % (name, fmt, want_fmt))
        fmt = fmt or want_fmt
        if rec.get("source_format") is not None or any("page" in f or "paragraph" in f for f in rec.get("facts") or []):
            check_positions(name, fmt, rec)
        else:
            print("positions: %s: extract gives no source_format, page or paragraph yet: not checked" % name)
        if fmt in ("pdf-text", "docx") or os.environ.get("LW_REAL_FILES_SPANS") == "all" or name in (
                "ext-032.pdf", "ext-024.pdf"):
            span_recs[name] = (fmt, rec)
        s = scores(rec, r["gold"])
        table.append(row(name, fmt, s, secs))
        for m in misses(rec, r["gold"], name):
            print("  " + m)
        for g, v in s.items():
            acc = totals.setdefault(fmt, {}).setdefault(g, [0] * len(v))
            for i, x in enumerate(v):
                acc[i] += x
        if r["txt"] != "-":
            trec = txt_recs.get(os.path.basename(r["txt"]))
            if not lwtest.check(trec is not None, "%s: no output for %s" % (name, r["txt"])):
                continue
            ts = scores(trec, r["gold"])
            table.append(row("  .txt", "text", ts, None))
            for g, v in ts.items():
                acc = totals.setdefault(fmt + " .txt", {}).setdefault(g, [0] * len(v))
                for i, x in enumerate(v):
                    acc[i] += x
            compare(name, fmt, s, ts)

    # a file left unread although lawwatch reads others of its kind is a failure (a PDF the
    # sniffer misses, e.g. ext-024.pdf, whose %PDF- comes after a few bytes of junk)
    family = lambda n: os.path.splitext(n)[1]
    read_families = {family(l.split()[0]) for l in table[1:] if not l.startswith(" ")}
    for n in not_read:
        lwtest.check(family(n) not in read_families, "%s: not read, although lawwatch reads other %s files"
                     % (n, family(n)))
    if not read:
        lwtest.skip("no original is read yet (%s): the readers are not in this build" % ", ".join(not_read))
    print()
    print("\n".join(table))
    print()
    for kind in sorted(totals, key=lambda k: (ORDER.index(k.split()[0]) if k.split()[0] in ORDER else len(ORDER), k)):
        t = totals[kind]
        rp, rr, rf = score.prf(*t["refs"])
        dp, dr, df = score.prf(*t["deadlines"])
        ha = t["header"][0] / t["header"][1] if t["header"][1] else 1.0
        print("%-13s refs P=%.3f R=%.3f F1=%.3f (%d/%d/%d) | deadlines P=%.3f R=%.3f F1=%.3f (%d/%d/%d)"
              " | header %d/%d = %.3f" % ((kind, rp, rr, rf) + tuple(t["refs"]) + (dp, dr, df) + tuple(t["deadlines"])
                                          + (t["header"][0], t["header"][1], ha)))
        fl = FLOORS.get(kind)
        if fl and not os.environ.get("LW_REAL_FILES"):  # the floors are for the whole set
            lwtest.check(rf >= fl["refs"], "%s: refs F1 %.3f below the floor %.2f" % (kind, rf, fl["refs"]))
            lwtest.check(df >= fl["deadlines"], "%s: deadlines F1 %.3f below the floor %.2f" % (kind, df, fl["deadlines"]))
            lwtest.check(ha >= fl["header"], "%s: header accuracy %.3f below the floor %.2f" % (kind, ha, fl["header"]))
    print("(refs and deadlines: found/extra/missed)")
    if not_read:
        print("not read yet (the readers of their format are not in this build): " + ", ".join(not_read))

    if span_recs and left() > 0:
        with lwtest.tmpdir("lw_real_files_") as tmp:
            check_spans(span_recs, opts, tmp)
    elif span_recs:
        lwtest.fail("span check not run: the run's time (LW_REAL_FILES_TIMEOUT=%g s) is spent" % TOTAL_TIMEOUT)
    print("time: %.0f s" % (time.monotonic() - START))


main()
lwtest.done("real-files")
