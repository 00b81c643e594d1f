"""search on the corpus: the expected document sets are computed here from each document's
normalized text (`lawwatch normalize`), independently of the tokenizer: with and without
diacritics, both tone styles, đ, phrases, prefixes, NOT, OR, a bare document number, the
filters; JSON shape; hostile queries give a clear message or a literal search and leave the
database intact; fact queries (--cites, --deadline-in).

Run: python3 t_store_search.py LAWWATCH_BIN SOURCE_DIR (from ctest)."""
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unicodedata

import lwtest

BIN, SRC = lwtest.paths()
FAILS = lwtest.FAILS


check = lwtest.check


run = lwtest.run  # text, bytes that are not UTF-8 shown as U+FFFD


TONES = {"\u0301": "'", "\u0300": "`", "\u0309": "?", "\u0303": "~", "\u0323": "."}


def exact(tok):
    """Tone mark moved to a suffix (so hoà == hòa), shape marks kept, lower case."""
    d = unicodedata.normalize("NFD", tok.lower().replace("ð", "đ"))
    base = "".join(c for c in d if c not in TONES)
    tones = "".join(TONES[c] for c in d if c in TONES)
    return unicodedata.normalize("NFC", base) + tones


def folded(tok):
    d = unicodedata.normalize("NFD", tok.lower().replace("đ", "d").replace("ð", "d"))
    return "".join(c for c in d if not unicodedata.combining(c))


def tokens(text):
    return re.findall(r"[^\W_]+", text)


def q1(db, sql, *params):
    c = sqlite3.connect(db)
    try:
        return c.execute(sql, params).fetchone()[0]
    finally:
        c.close()


def term_match(word, tok):
    return exact(word) == exact(tok) if exact(word) != folded(word) else folded(word) == folded(tok)


def has_phrase(toks, words):
    n = len(words)
    return any(all(term_match(words[j], toks[i + j]) for j in range(n)) for i in range(len(toks) - n + 1))


def has_prefix(toks, pre):
    # the tone suffix of the last word is dropped; shape marks and đ still count
    p = exact(pre).rstrip("'`?~.")
    return any(exact(t).startswith(p) if p != folded(pre) else folded(t).startswith(p) for t in toks)


tmp = lwtest.mkdtemp("lw_store_search_")
try:
    corpus = os.path.join(SRC, "corpus")
    names = sorted(n for n in os.listdir(corpus) if n.endswith(".txt"))
    texts = {}
    for n in names:
        rc, out, err = run("normalize", os.path.join(corpus, n))
        texts[n] = tokens(out)
    db = os.path.join(tmp, "s.db")
    rc, out, err = run("ingest", "--db", db, *[os.path.join(corpus, n) for n in names])
    check(rc == 0, "ingest corpus exit 0: " + err)
    n_docs = sqlite3.connect(db).execute("SELECT count(*) FROM documents").fetchone()[0]

    def search(*args):
        rc, out, err = run("search", "--db", db, "--format", "json", "--limit", "100", *args)
        if rc != 0:
            return rc, None, err
        return rc, sorted(os.path.basename(h["path"]) for h in json.loads(out)), err

    def expect(args, pred, what, nonempty=True):
        rc, got, err = search(*args)
        want = sorted(n for n in names if pred(texts[n]))
        check(rc == 0, "%s: exit 0 (%s)" % (what, err.strip()))
        check(got == want, "%s: got %s, want %s" % (what, got, want))
        if nonempty:
            check(bool(want), "%s: the corpus has matches (test sanity)" % what)
        return got

    allw = lambda *ws: (lambda t: all(any(term_match(w, x) for x in t) for w in ws))
    # with and without diacritics
    expect(["thi", "hành", "pháp", "luật"], allw("thi", "hành", "pháp", "luật"), "accented words")
    a = expect(["thi", "hanh", "phap", "luat"], allw("thi", "hanh", "phap", "luat"), "words without diacritics")
    b = expect(["THI", "HÀNH"], allw("thi", "hành"), "upper case")
    expect(["kế", "hoạch"], allw("kế", "hoạch"), "kế hoạch")
    expect(["ke", "hoach"], allw("ke", "hoach"), "ke hoach")
    # both tone styles are one form
    r1 = expect(["hoà"], allw("hòa"), "hoà (old style)")
    r2 = expect(["hòa"], allw("hòa"), "hòa (new style)")
    check(r1 == r2, "hoà and hòa find the same documents")
    r1 = expect(["uỷ", "ban"], allw("ủy", "ban"), "uỷ ban (old style)")
    r2 = expect(["ủy", "ban"], allw("ủy", "ban"), "ủy ban")
    check(r1 == r2, "uỷ and ủy find the same documents")
    # đ
    expect(["Nghị", "định"], allw("nghị", "định"), "Nghị định")
    expect(["nghi", "dinh"], allw("nghi", "dinh"), "nghi dinh (đ typed as d)")
    expect(["đôn", "đốc"], allw("đôn", "đốc"), "đôn đốc")
    expect(["don", "doc"], allw("don", "doc"), "don doc")
    # a word with diacritics matches that form only
    expect(["bản"], allw("bản"), "bản", nonempty=False)
    # phrase, prefix, NOT, OR
    expect(['"sơ kết"'], lambda t: has_phrase(t, ["sơ", "kết"]), "phrase sơ kết")
    expect(['"so ket"'], lambda t: has_phrase(t, ["so", "ket"]), "phrase so ket")
    expect(['"tỉnh Sóc Trăng"'], lambda t: has_phrase(t, ["tỉnh", "Sóc", "Trăng"]), "phrase tỉnh Sóc Trăng")
    expect(["trọng*"], lambda t: has_prefix(t, "trọng"), "prefix trọng*")
    expect(["huy*"], lambda t: has_prefix(t, "huy"), "prefix huy*")
    expect(["pháp", "NOT", "Trăng"], lambda t: allw("pháp")(t) and not allw("Trăng")(t), "NOT")
    expect(["Huế", "OR", "Trăng"], lambda t: allw("Huế")(t) or allw("Trăng")(t), "OR")
    # a bare document number is a phrase
    expect(["59/2012/NĐ-CP"], lambda t: has_phrase(t, ["59", "2012", "NĐ", "CP"]), "bare number")
    expect(["32/2020/nd-cp"], lambda t: has_phrase(t, ["32", "2020", "nd", "cp"]), "bare number, no diacritics")

    # filters
    hdr = {}
    for row in sqlite3.connect(db).execute("SELECT path, kind, issuer, date FROM documents"):
        hdr[os.path.basename(row[0])] = row[1:]
    fold = lambda s: folded(s or "")
    rc, got, err = search("pháp", "--kind", "ke hoach")
    check(got == sorted(n for n in names if fold(hdr[n][0]) == "ke hoach" and allw("pháp")(texts[n])),
          "--kind ke hoach: %s" % got)
    rc, got2, err = search("pháp", "--kind", "Kế hoạch")
    check(got2 == got and got, "--kind Kế hoạch same as ke hoach")
    rc, got, err = search("pháp", "--issuer", "soc trang")
    check(got == sorted(n for n in names if "soc trang" in fold(hdr[n][1]) and allw("pháp")(texts[n])) and got,
          "--issuer soc trang: %s" % got)
    rc, got, err = search("pháp", "--year", "2020")
    check(got == sorted(n for n in names if (hdr[n][2] or "").startswith("2020") and allw("pháp")(texts[n])) and got,
          "--year 2020: %s" % got)
    rc, out, err = run("search", "--db", db, "--format", "json", "--limit", "2", "pháp")
    check(len(json.loads(out)) == 2, "--limit 2")

    # JSON shape, ranking, highlight markers
    rc, out, err = run("search", "--db", db, "--format", "json", "Sóc Trăng")
    hits = json.loads(out)
    check(hits and all(list(h)[:7] == ["path", "number", "kind", "issuer", "date", "score", "snippet"] for h in hits),
          "JSON keys of the contract, in order")
    check(all(set(h) - {"path", "number", "kind", "issuer", "date", "score", "snippet"}
              == {"label", "id", "subject", "paths"} for h in hits), "JSON adds label, id, subject, paths")
    ids = dict(sqlite3.connect(db).execute("SELECT path, id FROM documents"))
    check(all(h.get("id") == ids[os.path.realpath(h["path"])] and h.get("paths") == [h["path"]] for h in hits), "JSON id and paths are the document's")
    check([h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True), "best first")
    check(all("«" in h["snippet"] and "»" in h["snippet"] for h in hits), "snippets highlighted with « »")
    # words in every document score about 1e-6: still shown (four significant digits), never 0
    rc, out, err = run("search", "--db", db, "--format", "json", "pháp luật")
    hits = json.loads(out)
    check(hits and all(h["score"] > 0 for h in hits), "scores of common words are not rounded to 0: %s"
          % [h["score"] for h in hits][:3])
    rc, out, err = run("search", "--db", db, "Sóc", "Trăng")
    check(rc == 0 and "«" in out and "\033[" not in out, "table output, markers when not a terminal")
    rc, out, err = run("search", "--db", db, "zzzkhongcotu")
    check(rc == 0 and "no results" in err, "no results message")

    # hostile queries: a clear message or a literal search, never SQL; database intact
    hostile = ['"thi hành', "(thi hành", "thi)", "*", "'; DROP TABLE documents; --",
               "thi AND", "OR", "NOT pháp", "((((((((((((((((((((((((((((((((((thi))))))))))))))))))))))))))))))))))",
               "NEAR(thi hành)", "thi:hành", "^thi", "x" * 5000, "\"\"\"", "{body}: thi"]
    for hq in hostile:
        rc, out, err = run("search", "--db", db, hq)
        check(rc in (0, 2), "query %r: exit 0 or 2, got %d" % (hq[:40], rc))
        low = err.lower()
        check("sql" not in low and "fts5" not in low and "syntax error" not in low and "runtime error" not in low,
              "query %r: no SQL text in %r" % (hq[:40], err[:200]))
        if rc == 2:
            check(err.startswith("lawwatch search: ") and len(err) < 1500, "query %r: short message" % hq[:40])
    p = subprocess.run([BIN, "search", "--db", db, b"thi \xff\xfe h\xc3"], capture_output=True)
    check(p.returncode in (0, 2) and b"runtime error" not in p.stderr, "invalid UTF-8 query handled")
    c = sqlite3.connect(db)
    check(c.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "integrity_check ok")
    check(c.execute("SELECT count(*) FROM documents").fetchone()[0] == n_docs, "document count unchanged")
    c.close()

    # fact queries
    rc, out, err = run("search", "--db", db, "--format", "json", "--cites", "59/2012/nd-cp")
    rows = json.loads(out)
    check(rc == 0 and rows and all(r["cited_id"] == "59/2012/NĐ-CP" for r in rows), "--cites folded id")
    want = sorted(n for n in names if has_phrase(texts[n], ["59", "2012", "NĐ", "CP"]))
    check(sorted({os.path.basename(r["path"]) for r in rows}) == want, "--cites finds every citing document")
    rc, out, err = run("search", "--db", db, "--format", "json", "--deadline-in", "2025Q3")
    rows = json.loads(out)
    check(rc == 0 and rows and all(r["from"] <= "2025-09-30" and r["to"] >= "2025-07-01" for r in rows),
          "--deadline-in 2025Q3 overlaps")
    rc, out, err = run("search", "--db", db, "--deadline-in", "2025Q9")
    check(rc == 2 and "2025Q3" in err, "bad period explained")

    # Documents named as reviewers name them, rows sorted and shown as reviewers write them:
    # tests/data/search/ and its expected.json (written from the documents). lawwatch runs in
    # the source folder, so paths below it are shown relative; a byte-identical copy of
    # kh-21.txt outside it is one more path of the same document.
    exp = json.load(open(os.path.join(SRC, "tests", "data", "search", "expected.json"), encoding="utf-8"))
    sdb = os.path.join(tmp, "crafted.db")
    copy = os.path.join(tmp, "copy")
    os.makedirs(copy)
    shutil.copy(os.path.join(SRC, "tests", "data", "search", "kh-21.txt"), os.path.join(copy, "kh-21.txt"))
    rc, out, err = run("ingest", "--db", sdb, "tests/data/search/cv-88.txt", "tests/data/search/kh-21.txt", "tests/data/search/kh-35.txt", copy, cwd=SRC)
    check(rc == 0 and "1 trùng nội dung (duplicates)" in err, "crafted corpus ingested, the copy a duplicate: " + err)
    also = " (cũng ở / also at: %s)" % os.path.realpath(os.path.join(copy, "kh-21.txt"))

    def blocks(text):
        """Rows of the table: a line at the margin and the indented lines under it."""
        out = []
        for line in text.splitlines():
            if line.startswith("   ") and out:
                out[-1].append(line[3:])
            else:
                out.append([line])
        return out

    dl = exp["deadline_in"]
    rc, out, err = run("search", "--db", sdb, "--rules", os.path.join(SRC, "rules"), "--deadline-in", dl["period"],
                       cwd=SRC)
    got = blocks(out)
    check(rc == 0 and len(got) == len(dl["rows"]), "--deadline-in: %d rows, got %d: %s" % (len(dl["rows"]), len(got), out))
    for k, (g, w) in enumerate(zip(got, dl["rows"])):
        where = "%s%s, dòng %d: %s" % (w["path"], also if w["path"].endswith("kh-21.txt") else "", w["line"], w["text"])
        for field, gv, wv in (("deadline and unit", g[0], "%s   %s" % (w["when"], w["unit"])),
                              ("document", g[1] if len(g) > 1 else None, w["document"]),
                              ("path, line and text", g[2] if len(g) > 2 else None, where)):
            check(gv == wv, "--deadline-in row %d, %s: got %r, want %r" % (k + 1, field, gv, wv))
    check("**" not in out and "-.." not in out and "(?)" not in out, "no Markdown, no -..date, no unexplained (?)")
    # the reviewers' view holds units only; the nearby agency is a column of its own
    check(sqlite3.connect(sdb).execute("SELECT unit, nearby_agency FROM v_deadlines WHERE document LIKE '%kh-21.txt'"
                                       " AND line = 36").fetchall() == [(None, "Bộ Tư pháp")],
          "v_deadlines: no unit for the item that names none, the agency nearby apart")
    rc, out, err = run("search", "--db", sdb, "--format", "json", "--deadline-in", dl["period"], cwd=SRC)
    rows = json.loads(out)
    for k, (g, w) in enumerate(zip(rows, dl["rows"])):
        unit = None if w["unit"].startswith("chưa rõ") else w["unit"]
        for key, wv in (("path", w["path"]), ("line", w["line"]), ("text", w["text"]), ("from", w["from"]),
                        ("to", w["to"]), ("unit", unit), ("label", w["document"].split(": ")[0])):
            check(g.get(key) == wv, "--deadline-in json row %d, %s: got %r, want %r" % (k + 1, key, g.get(key), wv))
        check(g.get("id") == q1(sdb, "SELECT doc_id FROM doc_paths WHERE path LIKE ?", "%/" + w["path"]),
              "--deadline-in json row %d: id" % (k + 1))
        check(g.get("paths", [None])[0] == w["path"] and len(g["paths"]) == (2 if w["path"].endswith("kh-21.txt") else 1),
              "--deadline-in json row %d: paths %s" % (k + 1, g.get("paths")))

    for c in exp["cites"]:
        rc, out, err = run("search", "--db", sdb, "--rules", os.path.join(SRC, "rules"), "--cites", c["id"], cwd=SRC)
        lines = out.splitlines()
        head = lines[:len(c["head"])]
        for k, (g, w) in enumerate(zip(head, c["head"])):
            ok = re.fullmatch(re.escape(w).replace("LINE", r"\d+"), g) is not None
            check(ok, "--cites %s head line %d: got %r, want %r" % (c["id"], k + 1, g, w))
        got = blocks("\n".join(lines[len(c["head"]):]))
        check(len(got) == len(c["rows"]), "--cites %s: %d rows (one per document), got %d" % (c["id"], len(c["rows"]), len(got)))
        for k, (g, w) in enumerate(zip(got, c["rows"])):
            first = " (lần đầu trong %d lần trích dẫn / first of %d mentions)" % (w["mentions"], w["mentions"]) \
                if w["mentions"] > 1 else ""
            where = "%s%s, dòng %d%s: %s" % (w["path"], also if w["path"].endswith("kh-21.txt") else "", w["line"],
                                             first, w["text"])
            check(g[0] == "%d. %s" % (k + 1, w["document"]), "--cites %s row %d, document: got %r" % (c["id"], k + 1, g[0]))
            check(len(g) > 1 and g[1] == where, "--cites %s row %d, where: got %r, want %r"
                  % (c["id"], k + 1, g[1:] and g[1], where))
        rc, out, err = run("search", "--db", sdb, "--rules", os.path.join(SRC, "rules"), "--format", "json",
                           "--cites", c["id"], cwd=SRC)
        rows = json.loads(out)
        check([(r["path"], r["mentions"], r["line"], r["label"]) for r in rows]
              == [(w["path"], w["mentions"], w["line"], w["document"].split(": ")[0]) for w in c["rows"]],
              "--cites %s json rows" % c["id"])
        check(all(r["cited_changes"] and r["cited_changes"][0]["id"] in c["head"][-1] for r in rows),
              "--cites %s json: what amends it" % c["id"])

    # a search hit: the document named, its path, then its other paths; once for the two files
    rc, out, err = run("search", "--db", sdb, "--format", "json", "pháp chế", cwd=SRC)
    hits = json.loads(out)
    kh = [h for h in hits if h["path"] == "tests/data/search/kh-21.txt"]
    check(len(hits) == 2 and len(kh) == 1, "search: each document once: %s" % [h["path"] for h in hits])
    check(kh and kh[0]["paths"] == ["tests/data/search/kh-21.txt", os.path.realpath(os.path.join(copy, "kh-21.txt"))]
          and kh[0]["label"] == "Kế hoạch số 21/KH-UBND ngày 15/01/2025 của Ủy ban nhân dân tỉnh Hậu Giang",
          "search json: label and paths: %s" % kh)
    rc, out, err = run("search", "--db", sdb, "pháp chế", cwd=SRC)
    b = [x for x in blocks(out) if "21/KH-UBND" in x[0]]
    check(b and re.fullmatch(r"\d+\. Kế hoạch số 21/KH-UBND ngày 15/01/2025 của Ủy ban nhân dân tỉnh Hậu Giang: "
                             r"Kiểm tra công tác pháp chế năm 2025  \([0-9.e-]+\)", b[0][0])
          and b[0][1] == "tests/data/search/kh-21.txt" + also, "search table: name, then path and copies: %s" % b)
finally:
    lwtest.cleanup(tmp)

lwtest.done()
