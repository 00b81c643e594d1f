"""hostile input: one batch of files that are empty, blank, binary, broken, huge, unreadable or
pathological, ingested together. Each case has its expected outcome: ingested quietly, or a
message naming the file (and the line where it has one) in the ingest report; the batch goes
on, the summary counts what was skipped and failed, the exit status is 1, and the database
passes PRAGMA integrity_check. extract is run on the cases whose words are warnings.

"Unreadable": the suite runs as root in CI, where chmod 000 stops nothing, so the unreadable
file is a FIFO named fifo.txt (opening it would block for ever: it must be refused, not hang)
and, only when not root, also a file with mode 000.

The 50 MB single line is over the 16 MB a document may have (LW_DOC_MAX_BYTES): refused with
its size, quickly. A 12 MB single line (4 MB under a sanitizer build, libasan linked) must
ingest in linear time: under 20 s of CPU time (what the children used, so a loaded machine does
not matter; ten times that under a sanitizer). LW_HOSTILE_LINE_MB overrides the 12.

Run: python3 t_hostile.py LAWWATCH_BIN SOURCE_DIR (from ctest)."""
import os
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import json
import tempfile
import time

import lwtest

BIN, SRC = lwtest.paths()
FAILS = lwtest.FAILS


check = lwtest.check
lwtest.SHOW_OK = True  # every check is listed, passed or not


def sanitized(binary):
    try:
        out = subprocess.run(["ldd", binary], capture_output=True, text=True).stdout
    except OSError:
        return False
    return "libasan" in out or "libubsan" in out


SAN = sanitized(BIN)
BIG_MB = 50
LINE_MB = int(os.environ.get("LW_HOSTILE_LINE_MB", "4" if SAN else "12"))
LINE_LIMIT = 20.0 * LINE_MB / 12 * (10 if SAN else 1)


def cpu_children():
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return u.ru_utime + u.ru_stime

tmp = lwtest.mkdtemp("lw_hostile_")
try:
    docs = os.path.join(tmp, "docs")
    os.makedirs(docs)

    def put(name, data):
        p = os.path.join(docs, name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
        return p

    good = "Nghị định số 59/2012/NĐ-CP ngày 23/7/2012 của Chính phủ về theo dõi thi hành pháp luật.\n"
    put("empty.txt", b"")
    put("one_byte.txt", b"x")
    put("blank.txt", b" \t\n\r\n   \n\f")
    t0 = time.time()
    line = open(os.path.join(SRC, "corpus", "003_10837e9f990b8b8c.txt"), "rb").read().replace(b"\n", b" ")
    n = BIG_MB * 1024 * 1024
    big = (line * (n // len(line) + 1))[:n].rsplit(b" ", 1)[0]
    put("big_line.txt", big)
    put("long_line.txt", big[:LINE_MB * 1024 * 1024].rsplit(b" ", 1)[0])
    del big
    print("generated the %d MB and %d MB lines in %.1f s" % (BIG_MB, LINE_MB, time.time() - t0))
    put("nul.txt", "Nghị định".encode() + b"\x00\x00" + " số 59".encode())
    put("invalid_every_other.txt", bytes(b for c in good.encode() for b in (c, 0xFF)))
    put("invalid_line3.txt", ("Kế hoạch\nthi hành pháp luật\nnăm 2025 ").encode() + b"\xc3\x28 \xff\n" + good.encode())
    put("utf16_nobom.txt", (good * 4).encode("utf-16-le"))
    put("cut_at_eof.txt", good.encode() + "ệ".encode()[:2])
    put("pdf.txt", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n")
    put("zip.txt", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 20)
    put("png.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")
    put("repeated.txt", "Nghị định số " * 100000)
    put("dates.txt", "Kế hoạch số 5/KH-UBND\nngày 99/99/9999 và ngày 29/02/2023;\n"
                     "hoàn thành trước ngày 29/02/2023.\nHoàn thành trong Quý V năm 2025.\n")
    os.mkfifo(os.path.join(docs, "fifo.txt"))
    os.makedirs(os.path.join(docs, "folder.txt"))  # a folder named like a document: walked, empty
    os.symlink("loop_b.txt", os.path.join(docs, "loop_a.txt"))
    os.symlink("loop_a.txt", os.path.join(docs, "loop_b.txt"))
    os.symlink("..", os.path.join(docs, "up"))
    # one content at three names: a symbolic link (the same file: nothing more) and a hard
    # link (another path of the same bytes: one document, one more path)
    put("linked.txt", "Kế hoạch số 7/KH-UBND về liên kết.\n" + good)
    os.symlink("linked.txt", os.path.join(docs, "sym_to_linked.txt"))
    os.link(os.path.join(docs, "linked.txt"), os.path.join(docs, "hard_to_linked.txt"))
    root = os.geteuid() == 0
    if not root:
        os.chmod(put("mode000.txt", good), 0)
    # 70 folders deep: what lies below level 64 is reported, not walked
    deep = os.path.join(docs, "deep", *(["d"] * 70))
    os.makedirs(deep)
    put(os.path.join(deep, "bottom.txt"), good)
    put(os.path.join("deep", "d", "shallow.txt"), good)
    # a path longer than PATH_MAX (4096): made with relative opens
    fd = os.open(docs, os.O_RDONLY)
    os.mkdir("long", dir_fd=fd)
    cur = os.open("long", os.O_RDONLY, dir_fd=fd)
    os.close(fd)
    for i in range(22):
        os.mkdir("n" * 200, dir_fd=cur)
        nxt = os.open("n" * 200, os.O_RDONLY, dir_fd=cur)
        os.close(cur)
        cur = nxt
    f = os.open("far.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=cur)
    os.write(f, good.encode())
    os.close(f)
    os.close(cur)

    db = os.path.join(tmp, "h.db")
    t0 = cpu_children()
    r = subprocess.run([BIN, "ingest", "--db", db, "docs"], cwd=tmp, capture_output=True, text=True, timeout=900)
    took = cpu_children() - t0
    err = r.stderr
    print(err[:6000])
    print("ingest took %.1f s of CPU" % took)
    check(r.returncode == 1, "exit status 1 when a document failed (got %d)" % r.returncode)

    def said(path, words):
        pat = r"^  (lỗi \(failed\)|bỏ qua \(skipped\)): " + re.escape(path) + r": .*" + words
        return re.search(pat, err, re.M) is not None

    ingested = ["one_byte.txt", "long_line.txt", "invalid_every_other.txt", "invalid_line3.txt", "utf16_nobom.txt",
                "cut_at_eof.txt", "repeated.txt", "dates.txt", "deep/d/shallow.txt", "hard_to_linked.txt"]
    cases = [
        ("docs/empty.txt", "skipped", re.escape("tệp rỗng, bỏ qua (the file is empty, skipped)")),
        ("docs/blank.txt", "skipped", re.escape("tệp chỉ có khoảng trắng, bỏ qua (the file holds only whitespace, skipped)")),
        ("docs/big_line.txt", "failed", r"tệp quá lớn: 50\.0 MB, một văn bản tối đa 16 MB: .*\(file too large: 50\.0 MB, a document may have at most 16 MB: split it into its documents\)"),
        ("docs/nul.txt", "skipped", re.escape("contains NUL bytes at offset 14: not a text file")),
        # issue 18: a PDF or image, whatever its name, is a document its reader finds damaged
        # (the reader's message); a ZIP that is neither Word nor OpenDocument is no document
        ("docs/pdf.txt", "failed", ""),
        ("docs/zip.txt", "skipped", re.escape("not a document: a ZIP archive")),
        ("docs/png.txt", "failed", ""),
        ("docs/fifo.txt", "skipped", re.escape("không phải tệp thông thường, bỏ qua (not a regular file: a FIFO, socket or device; skipped)")),
        ("docs/loop_a.txt", "skipped", re.escape("a broken symbolic link or a link loop, skipped): Too many levels of symbolic links")),
        ("docs/loop_b.txt", "skipped", re.escape("a broken symbolic link or a link loop, skipped)")),
        ("docs/up", "skipped", re.escape("symbolic link out of the folder docs, skipped; --follow-symlinks follows it")),
        ("docs/deep/" + "/".join(["d"] * 64), "skipped", re.escape("thư mục lồng quá 64 cấp, bỏ qua (folders nested deeper than 64, skipped)")),
    ]
    if not root:
        cases.append(("docs/mode000.txt", "failed", re.escape("cannot open: Permission denied")))
    for path, kind, words in cases:
        check(said(path, words), "%s: %s with its message" % (path, kind))
    # the long path: the message is cut to the error's 1 KiB, but says what happened
    check(re.search(r"^  lỗi \(failed\): docs/long/n{200}/.*File name too long", err, re.M) is not None,
          "a path longer than PATH_MAX: failed, 'File name too long'")
    n_skip = len([c for c in cases if c[1] == "skipped"])
    n_fail = len([c for c in cases if c[1] == "failed"]) + 1
    m = re.search(r"lawwatch ingest: (\d+) đã nhập \(ingested\), (\d+) không đổi \(unchanged\), 1 trùng nội dung "
                  r"\(duplicates\), (\d+) bỏ qua \(skipped\), (\d+) lỗi \(failed\)", err)
    check(m is not None, "the summary line")
    if m:
        check(m.groups() == (str(len(ingested)), "0", str(n_skip), str(n_fail)),
              "summary counts: %s, want ingested %d, skipped %d, failed %d" % (m.groups(), len(ingested), n_skip, n_fail))
    check(took < LINE_LIMIT, "the batch with the %d MB line ingests in %.0f s of CPU (took %.1f s)" % (LINE_MB, LINE_LIMIT, took))
    c = sqlite3.connect(db)
    check(c.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "integrity_check ok")
    stored = {os.path.relpath(p, os.path.realpath(docs)): enc for p, enc in c.execute("SELECT path, encoding FROM documents")}
    check(sorted(stored) == sorted(ingested), "stored documents: %s" % sorted(stored))
    check(stored.get("utf16_nobom.txt") == "utf-16le", "UTF-16 without BOM detected: %s" % stored.get("utf16_nobom.txt"))
    check(stored.get("cut_at_eof.txt") == "utf-8", "a character cut at the end: UTF-8 still")
    real = os.path.realpath(docs)
    linked = [os.path.relpath(p, real) for (p,) in c.execute("SELECT p.path FROM doc_paths p JOIN documents d"
                                                               " ON d.id = p.doc_id WHERE d.path LIKE '%hard_to_linked.txt'"
                                                               " ORDER BY p.rowid")]
    check(linked == ["hard_to_linked.txt", "linked.txt"], "a hard link is one more path, a symbolic link none: %s" % linked)
    c.close()

    # the same batch again: the documents are unchanged, the problems reported again
    r2 = subprocess.run([BIN, "ingest", "--db", db, "docs"], cwd=tmp, capture_output=True, text=True, timeout=300)
    check(r2.returncode == 1 and ("0 đã nhập (ingested), %d không đổi (unchanged)" % (len(ingested) + 1)) in r2.stderr,
          "a second run: every stored document unchanged")

    # a single huge line within time: normalize alone (linear)
    t0 = cpu_children()
    r = subprocess.run([BIN, "normalize", "docs/long_line.txt"], cwd=tmp, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True, timeout=600)
    took = cpu_children() - t0
    check(r.returncode == 0 and took < LINE_LIMIT / 4, "normalize of the %d MB line in %.1f s of CPU" % (LINE_MB, took))

    # extract: the words that are warnings, with file and line
    def extract(name):
        r = subprocess.run([BIN, "extract", name], cwd=docs, capture_output=True, text=True, timeout=120)
        return r, [json.loads(l) for l in r.stdout.splitlines() if l.strip()]

    r, recs = extract("invalid_line3.txt")
    check(r.returncode == 0 and re.search(r"^lawwatch: invalid_line3\.txt:3: 2 byte không hợp lệ đã thay bằng U\+FFFD, "
                                          r"byte đầu tiên ở dòng 3 \(2 invalid UTF-8 bytes replaced by U\+FFFD, the first on "
                                          r"line 3\)$", r.stderr, re.M) is not None,
          "invalid UTF-8 is reported with file and line: " + r.stderr.strip())
    r, recs = extract("cut_at_eof.txt")
    check(r.returncode == 0 and "cut_at_eof.txt:2: 2 byte không hợp lệ" in r.stderr
          and "2 invalid UTF-8 bytes replaced by U+FFFD" in r.stderr,
          "a character cut at the end of the file is reported: " + r.stderr.strip())
    check(recs and any(f["kind"] == "legal_ref" and f["id"] == "59/2012/NĐ-CP" for f in recs[0]["facts"]),
          "the text before the cut character is still read")
    r, recs = extract("dates.txt")
    warns = [(w["line"], w["message"]) for w in recs[0]["warnings"]] if recs else []
    print(warns)
    # 99/99/9999 is not read as a date at all (no rule takes a day 99): no fact, no warning
    check(any(l == 2 and "29/02/2023" in m_ and "impossible date" in m_ for l, m_ in warns),
          "29/02/2023: an impossible date on line 2")
    check(any(l == 3 and "impossible date in a deadline" in m_ for l, m_ in warns),
          "'trước ngày 29/02/2023': an impossible deadline on line 3")
    check((4, "quý không tồn tại (there is no such quarter)") in warns, "'Quý V năm 2025': no such quarter, line 4")
    facts = recs[0]["facts"] if recs else []
    check(not any("9999" in json.dumps(f) for f in facts), "99/99/9999 makes no fact")
    check(not any(f.get("value", "").startswith("9999") or f.get("value") == "2023-02-29" or
                  (f["kind"] == "deadline" and "2023-02" in (f.get("to") or "")) for f in facts),
          "impossible dates make no fact")
    r, recs = extract("repeated.txt")
    check(r.returncode == 0 and recs and recs[0]["facts"] == [], "100k 'Nghị định số ': no fact, no error")
    r, recs = extract("fifo.txt")
    check(r.returncode == 1 and "fifo.txt: không phải tệp thông thường (not a regular file" in r.stderr,
          "extract refuses a FIFO without blocking: " + r.stderr.strip())
finally:
    lwtest.cleanup(tmp)

lwtest.done()
