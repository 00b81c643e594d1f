"""/search (issue 19, webperf): over a database of the corpus, page k of a query shows exactly
the CLI's hits (k-1)*20 .. k*20-1 of `lawwatch search --limit k*20` (same query language,
ranking and filters), which are those of `search --limit 20 --offset (k-1)*20`; the page says
"Kết quả a–b trong N" with N every match, and the facet counts (year, kind, issuer) are
exact over ALL the matches: the 10 most frequent values, ties by value, counted here from
the CLI's full list of hits.

Run: python3 t_serve_search.py LAWWATCH_BIN SOURCE_DIR (from ctest)."""
import collections
import glob
import html
import json
import os
import re
import urllib.parse

import lwtest

BIN, SRC = lwtest.paths()
check = lwtest.check
PAGE = 20

# (query, filters): plain and filtered queries (the store ranks them by two SQL paths)
CASES = [("kế hoạch", {}), ("ke hoach", {"year": "2025"}), ("ủy ban nhân dân", {}), ("chuyển đổi số", {}),
         ("nghị định", {"kind": "Kế hoạch"}), ("thi hanh OR bao cao", {"issuer": "ủy ban"}), ("xyzkhongco", {})]


def cli_hits(db, q, filters, limit, offset=0):
    args = ["search", "--db", db, "--format", "json", "--limit", str(limit)] + (["--offset", str(offset)] if offset else [])
    for k, v in filters.items():
        args += ["--" + k, v]
    rc, out, err = lwtest.run(*args, q, cwd="/")
    check(rc in (0, 1), "cli search %s %s: %s" % (q, filters, err))
    return json.loads(out) if out.strip() else []


def facets_of(hits):
    """The facets the page must show, from every hit: {name: [(value, count)...]}."""
    out = {}
    for name, key in (("year", "date"), ("kind", "kind"), ("issuer", "issuer")):
        c = collections.Counter()
        for h in hits:
            v = h.get(key) or ""
            if name == "year":
                v = v[:4] if len(v) >= 4 else ""
            if v:
                c[v] += 1
        out[name] = sorted(c.items(), key=lambda x: (-x[1], x[0].encode()))[:10]
    return out


def page_facets(body):
    """{name: [(value, count)...]} from the page's facet links."""
    out = {"year": [], "kind": [], "issuer": []}
    aside = body.split('<aside class="facets">', 1)[1].split("</aside>", 1)[0]
    for href, text, n in re.findall(r'<li><a href="([^"]*)">([^<]*)</a> \((\d+)\)</li>', aside):
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(html.unescape(href)).query)
        for name in out:
            if q.get(name) == [html.unescape(text)]:
                out[name].append((html.unescape(text), int(n)))
                break
        else:
            lwtest.fail("facet link without its value: " + href)
    return out


with lwtest.tmpdir("lw_serve_search_") as tmp:
    db = os.path.join(tmp, "t.db")
    files = sorted(glob.glob(lwtest.source("corpus", "*.txt")) + glob.glob(lwtest.source("corpus", "extra", "*.txt")))
    rc, out, err = lwtest.run("ingest", "--db", db, *files, cwd=tmp)
    check(rc == 0, "ingest: " + err)
    with lwtest.serve(db, cwd=tmp) as (base, srv):
        multi = 0
        for q, filters in CASES:
            every = cli_hits(db, q, filters, 100000)
            pages = max(1, (len(every) + PAGE - 1) // PAGE)
            multi += pages > 1
            for k in range(1, pages + 2):
                url = base + "/search?" + urllib.parse.urlencode({"q": q, **filters, "page": k})
                st, hd, body = lwtest.fetch(url)
                check(st == 200, "%s: %d" % (url, st))
                if st != 200:
                    continue
                ids = [int(i) for i in re.findall(r'<h3><a href="/doc/(\d+)">', body)]
                want = [h["id"] for h in cli_hits(db, q, filters, k * PAGE)[(k - 1) * PAGE:k * PAGE]]
                check(ids == want, "%s: the CLI's hits %d..%d: %s != %s" % (url, (k - 1) * PAGE, k * PAGE - 1, ids, want))
                check(want == [h["id"] for h in every[(k - 1) * PAGE:k * PAGE]], "%s: the CLI's pages agree" % url)
                check([h["id"] for h in cli_hits(db, q, filters, PAGE, (k - 1) * PAGE)] == want,
                      "%s: search --limit %d --offset %d gives the page" % (url, PAGE, (k - 1) * PAGE))
                if every and want:
                    said = "Kết quả %d–%d trong %d" % ((k - 1) * PAGE + 1, (k - 1) * PAGE + len(want), len(every))
                    check(said in body, "%s says %r" % (url, said))
                elif not every:
                    check("Không tìm thấy văn bản nào" in body, "%s: no document found" % url)
                else:
                    check(str(len(every)) in body and "Trang sau" not in body, "%s: past the last page" % url)
                check(("Trang sau" in body) == (k < pages and bool(every)), "%s: a next page link iff one follows" % url)
                if k == 1 and every:
                    got, exp = page_facets(body), facets_of(every)
                    for name in exp:
                        check(got[name] == exp[name], "%s: facet %s exact over all %d matches: %s != %s"
                              % (url, name, len(every), got[name], exp[name]))
        check(multi >= 2, "some queries have several pages (%d)" % multi)
        st, hd, body = lwtest.fetch(base + "/search?q=ke+hoach&page=0")
        check(st == 400, "page 0 is refused: %d" % st)
        st, hd, body = lwtest.fetch(base + "/search?q=ke+hoach&page=99999")
        check(st == 400, "a page past the bound is refused: %d" % st)
lwtest.done()
