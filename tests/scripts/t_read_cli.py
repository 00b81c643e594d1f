"""t_read_cli: `lawwatch extract` and `normalize` on files that are not plain text, told by
content whatever their names: a Word file made here (paragraphs in the JSON), the same bytes
named .txt, a legacy .doc and an executable (plain messages naming the file, exit 1), a text
file (its record keeps its keys), bad reading options (exit 2), and the real originals of
tests/data/real-files when they are there (a text-layer PDF: source_format, pages, facts on
their page and line; a scan past --max-pages: the cap named), and hostile files made here (5000
pages, a zip bomb, a billion laughs: one message each, the batch goes on). The expected values
are in tests/data/read/cli/*.json, compared field by field.

Readers still stubs in this build ("not built yet") make their cases skip (exit 77 when
nothing else could run)."""
import json
import os
import zipfile

import lwtest

BIN, SRC = lwtest.paths()
EXP = lwtest.data("read", "cli")
STUB = "not built yet"
skipped = []


def docx_bytes(paragraphs):
    """A minimal Word file: one w:p per paragraph."""
    body = "".join("<w:p><w:r><w:t xml:space=\"preserve\">%s</w:t></w:r></w:p>" % p for p in paragraphs)
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           "<w:body>%s</w:body></w:document>" % body)
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             'content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
             'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
             'main+xml"/></Types>')
    path = os.path.join(tmp, "_docx")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("word/document.xml", doc)
    with open(path, "rb") as f:
        data = f.read()
    os.unlink(path)
    return data


def put(name, data):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)
    return path


def extract(path, *opts):
    """(rc, record or None, stderr) of extract --format json."""
    rc, out, err = lwtest.run("extract", "--format", "json", *opts, path, cwd=tmp)
    rec = json.loads(out) if rc == 0 and out.strip() else None
    return rc, rec, err


def positions(rec):
    """What is compared: how the file was read, and where each legal reference is."""
    keys = ("source_format", "pages", "ocr_engine", "note")
    refs = [{k: f.get(k) for k in ("id", "page", "line", "paragraph") if k in f}
            for f in rec["facts"] if f["kind"] == "legal_ref"]
    return {"record": {k: rec.get(k, "(absent)") for k in keys}, "legal_refs": refs}


def check_expected(name, got):
    path = os.path.join(EXP, name)
    if lwtest.update(path, got):
        return
    want = lwtest.expected(path)
    if want is not None:
        lwtest.compare(want, got, name)


with lwtest.tmpdir("lw_read_cli_") as tmp:
    paras = ["ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG", "Số: 48/KH-UBND",
             "KẾ HOẠCH thực hiện công tác theo dõi thi hành pháp luật năm 2025",
             "Căn cứ Nghị định số 59/2012/NĐ-CP ngày 23 tháng 7 năm 2012 của Chính phủ;",
             "Căn cứ Thông tư số 04/2021/TT-BTP ngày 21 tháng 6 năm 2021 của Bộ Tư pháp;"]
    word = docx_bytes(paras)
    # a Word file, and the same bytes under a name that says text: read by content both times
    for name in ("plan.docx", "renamed.txt"):
        path = put(name, word)
        rc, rec, err = extract(path)
        if STUB in err:
            skipped.append("the Word reader")
            break
        lwtest.check(rc == 0, "%s: extract runs: %s" % (name, err))
        if rec:
            check_expected("plan.docx.json", positions(rec))
            # the span of a fact maps into the stored text: normalize's text holds its text
            f = [f for f in rec["facts"] if f["kind"] == "legal_ref"][0]
            lwtest.check(f["text"].startswith("Nghị định số 59/2012/NĐ-CP"), "%s: the fact's text %r" % (name, f["text"]))
    if "the Word reader" not in skipped:
        rc, out, err = lwtest.run("normalize", put("n.docx", word), cwd=tmp)
        lwtest.check(rc == 0 and out.splitlines()[:2] == paras[:2], "normalize of a Word file: %r %s" % (out[:80], err))

    # not read: a plain message naming the file, exit 1; the batch goes on to the next file
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "WordDocument".encode("utf-16-le")
    doc, elf = put("old.doc", ole), put("tool", b"\x7fELF\x02\x01\x01\0" + b"\0" * 64)
    text = put("plain.txt", "Căn cứ Nghị định số 59/2012/NĐ-CP ngày 23/7/2012 của Chính phủ;\n")
    rc, out, err = lwtest.run("extract", "--format", "json", doc, elf, text, cwd=tmp)
    lwtest.check(rc == 1, "a file not read: exit 1 (got %d)" % rc)
    lwtest.check("%s: tệp Word 97-2003 (.doc): hãy lưu lại thành .docx rồi nhập lại" % doc in err,
                 "the .doc's message names it: " + err)
    lwtest.check("%s: không phải văn bản: tệp chương trình (ELF) (not a document: an executable (ELF))" % elf in err,
                 "the executable's message names it: " + err)
    recs = [json.loads(l) for l in out.splitlines() if l.strip()]
    lwtest.check(len(recs) == 1 and recs[0]["path"] == text, "the text file after them is extracted")
    if recs:
        # plain text: the keys as before issue 18, no page, paragraph or ocr_conf
        check_expected("plain.txt.json", positions(recs[0]))
        lwtest.check(all(set(f) >= {"kind", "text", "span", "line", "rule"} and not set(f) & {"page", "paragraph", "ocr_conf"}
                         for f in recs[0]["facts"]), "plain text facts keep their keys")

    # reading options out of range: a usage error, exit 2
    for opts, words in ((("--dpi", "5"), "--dpi cần một số từ 70 đến 1200, không phải '5'"),
                        (("--max-pages", "0"), "--max-pages cần một số từ 1 đến 100000, không phải '0'")):
        rc, out, err = lwtest.run("extract", *opts, text, cwd=tmp)
        lwtest.check(rc == 2 and words in err, "%s: exit 2 and %r (got %d: %s)" % (" ".join(opts), words, rc, err))

    # the real originals (tests/data/real-files), when the readers are built
    real = lwtest.data("real-files")
    pdf = os.path.join(real, "ext-018.pdf")
    if not os.path.exists(pdf):
        skipped.append("the real PDFs (tests/data/real-files)")
    else:
        rc, rec, err = extract(pdf)
        if STUB in err:
            skipped.append("the PDF reader")
        else:
            lwtest.check(rc == 0, "ext-018.pdf: extract runs: " + err)
            if rec:
                check_expected("ext-018.pdf.json", positions(rec))
                lwtest.check(all(f.get("page") == 1 for f in rec["facts"]), "ext-018.pdf: every fact on page 1")
            # a scan of 3 pages past a cap of 2: refused before any OCR, the cap named
            rc, rec, err = extract(os.path.join(real, "ext-002.pdf"), "--max-pages", "2")
            lwtest.check(rc == 1 and "ext-002.pdf: " in err and "2" in err and rec is None,
                         "ext-002.pdf past --max-pages 2: exit 1, named, the cap said: " + err)

# hostile files, made here: each one message naming it, exit 1, the next file still read, in
# seconds and without a crash: 5000 pages (past the page cap), a zip bomb, a billion laughs
def many_pages(n):
    """A valid PDF of n empty pages."""
    objs = ["<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Count %d /Kids [%s] >>" % (n, " ".join("%d 0 R" % (i + 3) for i in range(n)))]
    objs += ["<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"] * n
    out = bytearray(b"%PDF-1.4\n")
    offs = []
    for i, o in enumerate(objs):
        offs.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i + 1, o.encode())
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
    return bytes(out)


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
with lwtest.tmpdir("lw_read_hostile_") as tmp:
    text = put("after.txt", "Căn cứ Nghị định số 59/2012/NĐ-CP ngày 23/7/2012 của Chính phủ;\n")
    bomb = os.path.join(tmp, "bomb.docx")
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(("<w:document %s><w:body><w:p><w:r><w:t>" % W).encode())
            for _ in range(300):  # 300 MB of one letter: a few hundred KB compressed
                f.write(b"a" * (1 << 20))
            f.write(b"</w:t></w:r></w:p></w:body></w:document>")
    lol = "".join('<!ENTITY l%d "%s">' % (i, ("&l%d;" % (i - 1)) * 10) for i in range(1, 10))
    laughs = put("laughs.docx", b"")
    with zipfile.ZipFile(laughs, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY l0 "lol">%s]>'
                   "<w:document %s><w:body><w:p><w:r><w:t>&l9;</w:t></w:r></w:p></w:body></w:document>" % (lol, W))
    pages = put("pages.pdf", many_pages(5000))
    rc, out, err = lwtest.run("extract", "--format", "json", pages, text, cwd=tmp)
    if STUB in err:
        skipped.append("hostile files (the readers)")
    else:
        lwtest.check(rc == 1 and "%s: " % pages in err and "5000" in err and "500" in err,
                     "5000 pages: exit 1, the file and the cap named: " + err)
        lwtest.check(len(out.splitlines()) == 1 and json.loads(out)["path"] == text, "after 5000 pages, the next file")
        for path in (bomb, laughs):
            rc, out, err = lwtest.run("extract", "--format", "json", path, text, cwd=tmp, timeout=60)
            lines = err.strip().splitlines()
            lwtest.check(rc == 1 and len(lines) == 1 and lines[0].startswith("lawwatch: %s: " % path),
                         "%s: exit 1, one message naming it (got %d): %s" % (os.path.basename(path), rc, err))
            lwtest.check(len(out.splitlines()) == 1 and json.loads(out)["path"] == text,
                         "after %s, the next file" % os.path.basename(path))

# a part that could not run makes the whole a skip (never a pass), unless something failed
if skipped and not lwtest.FAILS:
    lwtest.skip("not run here: " + ", ".join(skipped))
lwtest.done("read_cli")
