"""lawwatch serve: pages over a temporary database of a few corpus documents and one hostile
document (script and quotes in its text and subject): the hit shows, the hostile text is
escaped, every response carries the Content-Security-Policy, a 10 KB query gets the error
page, an unknown path is 404, /api/search equals `lawwatch search --format json`, and a
non-loopback --listen without --auth is refused (exit 2). The server is always stopped.

Run: python3 t_serve.py LAWWATCH_BIN SOURCE_DIR (from ctest)."""
import json
import os
import re
import urllib.parse
import urllib.request

import lwtest

BIN, SRC = lwtest.paths()
check = lwtest.check

HOSTILE = ("ỦY BAN NHÂN DÂN\nTỈNH THỬ NGHIỆM\nSố: 99/KH-UBND\n\nKẾ HOẠCH\n"
           "Về việc <script>alert(1)</script> kiểm tra &<>\"' xuyên trang\n\n"
           "Nội dung xuyentrang <script>alert(1)</script> và &<>\"' <img src=x onerror=alert(2)>.\n")


free_port = lwtest.free_port
fetch = lwtest.fetch


with lwtest.tmpdir("lw_serve_") as tmp:
    db = lwtest.corpus_db(tmp, {"hostile.txt": HOSTILE})
    docs = os.path.join(tmp, "docs")

    rc, out, err = lwtest.run("serve", "--db", db, "--listen", "0.0.0.0:%d" % free_port(), cwd=tmp, timeout=10)
    check(rc == 2 and "--auth" in err, "non-loopback --listen without --auth exits 2: rc %d %s" % (rc, err))

    with lwtest.serve(db, cwd=tmp) as (base, srv):
        port = int(base.rsplit(":", 1)[1])
        st, hd, body = fetch(base + "/")
        check(st == 200 and "<form" in body, "/ is the form: %d" % st)
        check('<html lang="vi"' in body and "Tìm kiếm" in body, "Vietnamese labels by default")
        st, hd, body = fetch(base + "/?lang=en")
        check(st == 200 and '<html lang="en"' in body and "Search the documents" in body, "?lang=en: English labels")
        st, hd, body = fetch(base + "/search?lang=en&q=" + urllib.parse.quote("kế hoạch"))
        check(st == 200 and "Results" in body and 'name="lang" value="en"' in body, "?lang=en kept by the search")
        for st, hd, body in [fetch(base + "/"), fetch(base + "/nope")]:
            csp = hd.get("Content-Security-Policy", "")
            check("default-src 'none'" in csp and "script-src" not in csp, "CSP without script: " + csp)
            check(hd.get("X-Content-Type-Options") == "nosniff", "nosniff")

        st, hd, body = fetch(base + "/search?q=" + urllib.parse.quote("xuyentrang"))
        check(st == 200, "search hostile: %d" % st)
        check("hostile.txt" in body, "the hostile document is a hit")
        check("<script" not in body.lower() and "<img" not in body.lower(), "no raw <script> or <img> in the page")
        check("&lt;script&gt;alert(1)&lt;/script&gt;" in body, "the script tag is shown escaped")
        check("&amp;&lt;&gt;&quot;&#39;" in body, "&<>\"' escaped")

        q = "kế hoạch"
        st, hd, body = fetch(base + "/search?q=" + urllib.parse.quote(q))
        check(st == 200 and body.count('class="hit"') >= 1, "search kế hoạch has hits")
        check("<mark>" in body, "the matched words are marked")
        check('class="facets"' in body and "Năm" in body and "&amp;kind=" in body, "facet counts with filter links")
        check(body.count('class="hit"') <= 20, "at most 20 hits a page")
        m = re.search(r'href="(/search\?q=[^"]*&amp;kind=[^"]*)"', body)
        if m:
            st, hd, fb = fetch(base + m.group(1).replace("&amp;", "&"))
            check(st == 200 and fb.count('class="hit"') >= 1, "a kind facet link finds its hits")

        st, hd, body = fetch(base + "/search?q=" + "a" * 10240)
        check(st in (400, 414) and "<h1>" in body and "too long" in body, "10 KB query: error page, got %d" % st)
        check("default-src 'none'" in hd.get("Content-Security-Policy", ""), "CSP on the error page")

        st, hd, body = fetch(urllib.request.Request(base + "/", headers={"Host": "evil.example:%d" % port}))
        check(st == 421 and "loopback" in body, "a foreign Host header (DNS rebinding) is refused: %d" % st)
        st, hd, body = fetch(urllib.request.Request(base + "/", headers={"Host": "localhost:%d" % port}))
        check(st == 200, "Host localhost is served: %d" % st)

        st, hd, body = fetch(base + "/nope")
        check(st == 404 and "No such page" in body, "/nope is 404: %d" % st)

        for q in ["kế hoạch", "thi hanh", "xuyentrang"]:
            st, hd, body = fetch(base + "/api/search?q=" + urllib.parse.quote(q))
            check(st == 200 and hd.get("Content-Type", "").startswith("application/json"), "api %s: %d" % (q, st))
            rc, out, err = lwtest.run("search", "--db", db, "--format", "json", q, cwd="/")
            check(rc == 0, "cli search %s: %s" % (q, err))
            api, cli = json.loads(body), json.loads(out)
            check(len(api) > 0, "api %s has hits" % q)
            check([sorted(h) for h in api] == [sorted(h) for h in cli], "api %s: same keys as the CLI" % q)
            check([h["id"] for h in api] == [h["id"] for h in cli], "api %s: same ids as the CLI" % q)
            lwtest.compare(cli, api, "/api/search?q=" + q)

        st, hd, body = fetch(base + "/search?q=ke+hoach&year=20x5")
        check(st == 400 and "four digits" in body, "a bad year is a 400 page: %d" % st)

        # a document ingested while the server runs shows without a restart
        with open(os.path.join(docs, "later.txt"), "w", encoding="utf-8") as f:
            f.write("ỦY BAN NHÂN DÂN\nKẾ HOẠCH\nVề việc thử nghiệm sautrongkhichay\n\nNội dung sautrongkhichay.\n")
        rc, out, err = lwtest.run("ingest", "--db", db, docs, cwd=tmp)
        check(rc == 0, "ingest while serving: " + err)
        st, hd, body = fetch(base + "/search?q=sautrongkhichay")
        check(st == 200 and "later.txt" in body, "a document ingested while serving is found")

        st, hd, body = fetch(base + "/search?q=" + urllib.parse.quote("(unclosed"))
        check(st in (200, 400) and "<script" not in body, "a malformed query is a page: %d" % st)

lwtest.done("serve")
