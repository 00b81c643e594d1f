"""lawwatch show ID (issue 19): one stored document, over a small database of a plan with
duties (corpus), a text-layer PDF, a Word file, a letter citing another stored plan, that
plan in TCVN3 and with a UTF-8 BOM:

- show --format json of every document against `extract --format json` of its file: path,
  sha256 (of the file's bytes, for the PDF and the .docx too), encoding, source_format, the
  header and the facts (same keys, same order; cited_doc_id the only addition, on legal_ref
  facts only), its findings equal to `check --format json`'s with its id, its duties
  pointing at duty facts, original {name, size, available};
- the stored text: each fact's text_spans slice of "text" is the fact's text (exactly where
  the file is UTF-8 without BOM; the BOM shifts text_spans from span by 3; for TCVN3 the
  fact's text is the normalized form: equal after NFC and white space);
- cited_doc_id: the letter's citation of Kế hoạch số 12/KH-UBND is the stored plan's id;
- a PDF whose cached text is gone: text null, the same facts, the stored header fields;
- errors: an unknown id exits 2 naming it in Vietnamese and English, a non-number, 0, two ids
  and --format xml exit 2; the text format is a summary (label, facts by kind), not the text.

Run: python3 t_show.py LAWWATCH_BIN SOURCE_DIR (from ctest)."""
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import unicodedata

import lwtest

BIN, SRC = lwtest.paths()
check = lwtest.check

PLAN = ("ỦY BAN NHÂN DÂN\nTỈNH THỬ NGHIỆM\nSố: {n}/KH-UBND\nThử Nghiệm, ngày 10 tháng 01 năm 2025\n\n"
        "KẾ HOẠCH\nTheo dõi tình hình thi hành pháp luật năm 2025\n\n"
        "1. Sở Tư pháp chủ trì xây dựng báo cáo, hoàn thành trước ngày 15/11/2025.\n")
LETTER = ("ỦY BAN NHÂN DÂN\nTỈNH THỬ NGHIỆM\nSố: 99/UBND-NC\nThử Nghiệm, ngày 20 tháng 02 năm 2025\n\n"
          "V/v thực hiện Kế hoạch số 12/KH-UBND\n\n"
          "Căn cứ Kế hoạch số 12/KH-UBND ngày 10/01/2025 của Ủy ban nhân dân tỉnh; Nghị định số "
          "59/2012/NĐ-CP ngày 23/7/2012 của Chính phủ.\n")


def squash(s):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s)).strip()


def show(db, *args, cwd):
    return lwtest.run("show", "--db", db, *args, cwd=cwd)


with lwtest.tmpdir("lw_show_") as tmp:
    db = os.path.join(tmp, "t.db")
    docs = os.path.join(tmp, "docs")
    os.mkdir(docs)
    corpus_plan = sorted(p for p in os.listdir(lwtest.source("corpus")) if p.endswith(".txt"))[3]
    shutil.copy(lwtest.source("corpus", corpus_plan), os.path.join(docs, "plan.txt"))
    shutil.copy(lwtest.data("files", "ext-018.pdf"), os.path.join(docs, "letter.pdf"))
    shutil.copy(lwtest.data("files", "doc-08.docx"), os.path.join(docs, "decision.docx"))
    with open(os.path.join(docs, "cited.txt"), "w", encoding="utf-8") as f:
        f.write(PLAN.format(n=12))
    with open(os.path.join(docs, "letter.txt"), "w", encoding="utf-8") as f:
        f.write(LETTER)
    with open(os.path.join(docs, "bom.txt"), "wb") as f:
        f.write(b"\xef\xbb\xbf" + PLAN.format(n=13).encode())
    r = subprocess.run(["iconv", "-f", "UTF-8", "-t", "TCVN5712-1"], input=PLAN.format(n=14).encode(),
                       capture_output=True)
    have_tcvn = r.returncode == 0 and r.stdout
    if have_tcvn:
        with open(os.path.join(docs, "tcvn.txt"), "wb") as f:
            f.write(r.stdout)
    rc, out, err = lwtest.run("ingest", "--db", db, docs, cwd=tmp)
    check(rc == 0, "ingest: " + err)

    c = sqlite3.connect(db)
    ids = {os.path.basename(p): i for i, p in c.execute("SELECT doc_id, path FROM doc_paths")}
    c.close()
    want_files = {"plan.txt", "letter.pdf", "decision.docx", "cited.txt", "letter.txt", "bom.txt"}
    if have_tcvn:
        want_files.add("tcvn.txt")
    check(set(ids) == want_files, "every document has an id: %s" % sorted(ids))

    rc, out, err = lwtest.run("check", "--db", db, "--format", "json", cwd=tmp)
    check(rc in (0, 1), "check runs: " + err)
    findings = json.loads(out) if rc in (0, 1) else []

    shown = {}
    for name, id_ in sorted(ids.items()):
        path = os.path.join("docs", name)
        rc, out, err = show(db, "--format", "json", str(id_), cwd=tmp)
        if not check(rc == 0, "show %s: %s" % (name, err)):
            continue
        d = shown[name] = json.loads(out)
        rc, out, err = lwtest.run("extract", "--format", "json", path, cwd=tmp)
        ex = json.loads(out)
        check(list(d)[:9] == ["id", "path", "paths", "label", "sha256", "encoding", "source_format", "pages", "note"],
              "%s: the keys in order: %s" % (name, list(d)))
        for k in ("header", "text", "text_spans", "facts", "findings", "duties", "as_of", "original"):
            check(k in d, "%s: has %s" % (name, k))
        check(d["id"] == id_ and d["path"] == path and d["paths"] == [path], "%s: id and path" % name)
        for k in ("sha256", "encoding", "source_format"):
            check(d[k] == ex[k], "%s: %s %r, extract %r" % (name, k, d[k], ex[k]))
        with open(os.path.join(tmp, path), "rb") as f:
            raw = f.read()
        check(d["sha256"] == hashlib.sha256(raw).hexdigest(), "%s: sha256 is of the file's bytes" % name)
        lwtest.compare(ex["header"], d["header"], "%s: header as extract" % name)
        facts = [{k: v for k, v in f.items() if k != "cited_doc_id"} for f in d["facts"]]
        lwtest.compare(ex["facts"], facts, "%s: facts as extract" % name)
        check(all(f["kind"] == "legal_ref" for f in d["facts"] if "cited_doc_id" in f),
              "%s: cited_doc_id on legal_ref facts only" % name)
        check(all(list(f) == list(g) for f, g in zip(facts, ex["facts"])), "%s: fact keys in extract's order" % name)
        lwtest.compare([f for f in findings if f.get("id") == id_], d["findings"], "%s: findings as check" % name)
        check(d["original"] == {"name": name, "size": len(raw), "available": True}, "%s: original %r" % (name, d["original"]))
        check(isinstance(d["text"], str) and len(d["text_spans"]) == len(d["facts"]), "%s: text and a span a fact" % name)
        text = d["text"].encode("utf-8")
        exact = d["encoding"] == "utf-8" and not raw.startswith(b"\xef\xbb\xbf")
        for i, (f, sp) in enumerate(zip(d["facts"], d["text_spans"])):
            got = text[sp[0]:sp[1]].decode("utf-8", "replace")
            if exact:
                check(sp == f["span"], "%s: fact %d: text_spans is span where the file is UTF-8" % (name, i))
                check(got == f["text"], "%s: fact %d: text %r, stored text %r" % (name, i, f["text"], got))
            else:
                check(squash(got) == squash(f["text"]), "%s: fact %d: text %r, stored text %r" % (name, i, f["text"], got))
        for u in d["duties"]:
            fi = u.get("fact")
            check(isinstance(fi, int) and d["facts"][fi]["kind"] == "duty", "%s: duty points at a duty fact: %r" % (name, fi))
            check(isinstance(u.get("report"), list) and all("status" in r and "unit" in r for r in u["report"]),
                  "%s: duty has its report status" % name)
        check(re.match(r"^\d{4}-\d\d-\d\d$", d["as_of"] or "") is not None, "%s: as_of a date" % name)

    check(len(shown.get("plan.txt", {}).get("duties", [])) > 0, "the plan has duties")
    check(any(u["report"] for u in shown.get("plan.txt", {}).get("duties", [])), "a duty of the plan is judged")
    bom = shown.get("bom.txt")
    if bom:
        check(all(sp[0] == f["span"][0] - 3 for f, sp in zip(bom["facts"], bom["text_spans"])),
              "BOM: text_spans are the spans less the 3 bytes of the BOM")
    if have_tcvn and "tcvn.txt" in shown:
        check(shown["tcvn.txt"]["encoding"] == "tcvn3", "tcvn.txt read as TCVN3")
    for name, fmt in (("letter.pdf", "pdf-text"), ("decision.docx", "docx")):
        check(shown.get(name, {}).get("source_format") == fmt, "%s read as %s" % (name, fmt))
    check(shown.get("letter.pdf", {}).get("pages") == 1, "the PDF's pages")
    letter = shown.get("letter.txt", {})
    cited = [f for f in letter.get("facts", []) if f["kind"] == "legal_ref" and f.get("id") == "12/KH-UBND"]
    check(cited and all(f.get("cited_doc_id") == ids.get("cited.txt") for f in cited),
          "the letter's citation of 12/KH-UBND has cited_doc_id of cited.txt: %r" % cited)
    check(all("cited_doc_id" not in f for f in letter.get("facts", []) if f.get("id") == "59/2012/NĐ-CP"),
          "a citation of a document not stored has no cited_doc_id")

    # the summary
    rc, out, err = show(db, str(ids.get("plan.txt", 0)), cwd=tmp)
    check(rc == 0, "show (text): " + err)
    check("Dữ kiện (facts)" in out and "duty" in out and "Nhiệm vụ" in out, "the summary counts facts and duties")
    check("Kế hoạch" in out.splitlines()[0] if out else False, "the summary starts with the label")
    check(len(out) < len(shown.get("plan.txt", {}).get("text", "")), "the summary is not the text")
    rc, out, err = show(db, "--format", "text", str(ids.get("letter.pdf", 0)), cwd=tmp)
    check(rc == 0 and "pdf-text" in out and "125/STP-VP" in out, "summary of the PDF: " + out[:200])

    # a PDF whose cached text is gone (the cache dropped by hand): its facts and stored header
    # fields still show, the text is null and the summary says why
    c = sqlite3.connect(db)
    c.execute("DELETE FROM source_cache")
    c.commit()
    c.close()
    pdf = shown.get("letter.pdf", {})
    rc, out, err = show(db, "--format", "json", str(ids.get("letter.pdf", 0)), cwd=tmp)
    d = json.loads(out) if rc == 0 else {}
    check(rc == 0 and d.get("text") is None and d.get("text_spans") is None, "no cached text: text null: %d %s" % (rc, err))
    check(d.get("facts") == pdf.get("facts") and d.get("findings") == pdf.get("findings"), "no cached text: same facts")
    h, ph = d.get("header", {}), pdf.get("header", {})
    check(all(h.get(k) == ph.get(k) for k in ("number", "kind", "issuer", "date", "subject")),
          "no cached text: the stored header fields: %r" % h)
    rc, out, err = show(db, str(ids.get("letter.pdf", 0)), cwd=tmp)
    check(rc == 0 and "no longer cached" in out, "no cached text: the summary says so")

    # a file name that is not UTF-8 (copied from an old Windows share): shown with U+FFFD
    latin = os.path.join(tmp.encode(), b"cong-v\xe3n.txt")
    with open(latin, "wb") as f:
        f.write("ỦY BAN NHÂN DÂN\nKẾ HOẠCH\nVề việc tên tệp lạ\n\nNội dung.\n".encode())
    rc, out, err = lwtest.run("ingest", "--db", db, latin.decode("utf-8", "surrogateescape"), cwd=tmp)
    check(rc == 0, "ingest a non-UTF-8 file name: " + err)
    c = sqlite3.connect(db)
    lid = c.execute("SELECT max(id) FROM documents").fetchone()[0]
    c.close()
    rc, out, err = show(db, "--format", "json", str(lid), cwd=tmp)
    d = json.loads(out) if rc == 0 else {}
    check(rc == 0 and "cong-v\ufffdn.txt" in (d.get("path") or ""), "non-UTF-8 path shown with U+FFFD: %d %s" % (rc, err))

    # errors
    rc, out, err = show(db, "999999", cwd=tmp)
    check(rc == 2 and "999999" in err and "không có văn bản" in err and "no document" in err and not out,
          "unknown id: exit 2, named in both languages: %d %s" % (rc, err))
    rc, out, err = show(db, "--format", "json", "999999", cwd=tmp)
    check(rc == 2 and not out, "unknown id in JSON: exit 2, nothing on stdout")
    for bad in (["abc"], ["0"], ["-5"], ["1", "2"], [], ["--format", "xml", "1"], ["12abc"]):
        rc, out, err = show(db, *bad, cwd=tmp)
        check(rc == 2 and err, "show %s: exit 2 with a message: %d %s" % (bad, rc, err))
    rc, out, err = lwtest.run("show", "--help")
    check(rc == 0 and out.startswith("Usage: lawwatch show"), "show --help")
    rc, out, err = lwtest.run("--help")
    check(re.search(r"^  show ", out, re.M) is not None, "lawwatch --help lists show")

lwtest.done("show")
