"""lawwatch serve's /check in pages: over 57 documents each citing a document nobody knows
(one citation.unknown finding each), page 1 shows 50 documents and a link to page 2, page 2
the other 7 and a link back, every document exactly once over the two pages and in the
order of `check --format json`; a code link starts again at page 1; a bad page is a 400.

Run: python3 t_serve_check_pages.py LAWWATCH_BIN SOURCE_DIR (from ctest)."""
import html
import json
import re

import lwtest

BIN, SRC = lwtest.paths()
check = lwtest.check
N = 57


def letter(i):
    return ("ỦY BAN NHÂN DÂN\nHUYỆN THỬ %02d\nSố: %d/CV-UBND\n\nCÔNG VĂN\nVề việc thử trang %02d\n\n"
            "Căn cứ Quyết định số %d/QĐ-XYZ ngày 01/02/2024 của Ủy ban nhân dân huyện.\n" % (i, 100 + i, i, 900 + i))


def docs_of(body):
    """The /doc/ID links of the documents listed, in order."""
    return [int(m) for m in re.findall(r'<article class="hit"><h3><a href="/doc/(\d+)"', body)]


with lwtest.tmpdir("lw_serve_check_pages_") as tmp:
    db = lwtest.corpus_db(tmp, {"cv-%02d.txt" % i: letter(i) for i in range(N)}, n=0)
    rc, out, err = lwtest.run("check", "--db", db, "--format", "json", cwd=tmp)
    check(rc in (0, 1), "check: " + err)
    order = []
    for f in json.loads(out):
        if f["id"] not in order:
            order.append(f["id"])
    check(len(order) == N, "every letter has a finding: %d of %d" % (len(order), N))

    with lwtest.serve(db, cwd=tmp) as (base, srv):
        st, hd, p1 = lwtest.fetch(base + "/check")
        check(st == 200, "/check: %d" % st)
        first = docs_of(p1)
        check(len(first) == 50, "page 1 lists 50 documents: %d" % len(first))
        check("Văn bản 1–50 trong %d" % N in p1, "page 1 says its range")
        m = re.search(r'<a rel="next" href="([^"]+)"', p1)
        check(m is not None and 'rel="prev"' not in p1, "page 1 links to the next page only")
        st, hd, p2 = lwtest.fetch(base + html.unescape(m.group(1)) if m else base + "/check?page=2")
        second = docs_of(p2)
        check(st == 200 and len(second) == N - 50, "page 2 lists the other %d: %d" % (N - 50, len(second)))
        check('rel="prev"' in p2 and 'rel="next"' not in p2, "page 2 links back only")
        check(first + second == order, "the two pages list every document once, in check's order")
        code_links = re.findall(r'href="(/check\?[^"]*code=[^"]*)"', p2)
        check(code_links and not any("page=" in h for h in code_links), "a code link starts again at page 1")
        st, hd, body = lwtest.fetch(base + "/check?lang=en&page=2")
        check(st == 200 and "Documents 51–%d of %d" % (N, N) in body and "lang=en" in body, "page 2 in English")
        for bad in ["0", "x", "-1"]:
            st, hd, body = lwtest.fetch(base + "/check?page=" + bad)
            check(st == 400, "page=%s is a 400: %d" % (bad, st))

lwtest.done("serve_check_pages")
