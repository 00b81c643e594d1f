"""lawwatch serve's registry pages and the unit filter of search, over a temporary database of
the corpus documents and one hostile document (script in its subject, citing a decree of the
hostile registry), served with a copy of the rules whose registry.yaml gains a hostile entry
(script, quotes and markup in its title, issuer, note):
- /registry: the table with a coloured status word per entry, each id linked to
  /registry/ID URL-encoded; the filter form (type, status, text) narrows it; ?lang=en;
- /registry/59%2F2012%2FN%C4%90-CP: the card, the chain (32/2020/NĐ-CP linked), the citing
  documents linked to /doc/ID; an unknown id is 404;
- the hostile entry and document are escaped on every page;
- /api/registry and /api/registry/ID equal `lawwatch registry --format json [ID]`;
  /api/search?unit= equals `search --unit --format json`, and /search keeps unit in its form
  and facet links.

Run: python3 t_serve_registry.py LAWWATCH_BIN SOURCE_DIR (from ctest)."""
import json
import os
import re
import shutil
import urllib.parse

import lwtest

BIN, SRC = lwtest.paths()
check = lwtest.check
fetch = lwtest.fetch

HOSTILE_ENTRY = '''
  - id: 666/2020/NĐ-CP
    type: Nghị định
    title: "Về <script>alert(1)</script> & \\"trích\\" 'dẫn' <img src=x onerror=alert(2)>"
    issuer: "Bộ <b>Thử</b>"
    issued: 2020-01-02
    status: amended
    amended_by: [667/2021/NĐ-CP]
    note: "</td><script>alert(3)</script>"
'''
HOSTILE_DOC = ("ỦY BAN NHÂN DÂN\nTỈNH THỬ NGHIỆM\nSố: 97/KH-UBND\n\nKẾ HOẠCH\n"
               "Về việc <script>alert(4)</script> thử &<>\"' danh mục\n\n"
               "Căn cứ Nghị định số 666/2020/NĐ-CP ngày 02/01/2020 của Chính phủ;\n\nII. NỘI DUNG\n"
               "1. Kiểm tra tình hình thi hành pháp luật\n- Cơ quan chủ trì: Sở Tư pháp.\n"
               "- Cơ quan phối hợp: Sở Nội vụ.\n- Thời gian thực hiện: Quý III năm 2025.\n")
ID59 = "59%2F2012%2FN%C4%90-CP"
ID666 = "666%2F2020%2FN%C4%90-CP"


def no_raw_markup(body, what):
    low = body.lower()
    check("<script" not in low and "<img" not in low and "<b>thử" not in low and "</td><script" not in low,
          what + ": no raw markup of the data")


with lwtest.tmpdir("lw_serve_registry_") as tmp:
    rules = os.path.join(tmp, "rules")
    shutil.copytree(lwtest.source("rules"), rules)
    with open(os.path.join(rules, "registry.yaml"), "a", encoding="utf-8") as f:
        f.write(HOSTILE_ENTRY)
    db = lwtest.corpus_db(tmp, {"hostile.txt": HOSTILE_DOC}, n=None, args=("--rules", rules))
    # the CLI from a folder nothing is below, so that it shows paths as stored, as the server does
    elsewhere = os.path.join(tmp, "elsewhere")
    os.mkdir(elsewhere)

    def cli_json(*args):
        rc, out, err = lwtest.run(*args, cwd=elsewhere)
        check(rc == 0, "%s: rc %d %s" % (" ".join(args), rc, err))
        return json.loads(out) if rc == 0 else None

    with lwtest.serve(db, "--rules", rules, cwd=tmp) as (base, srv):
        # --- the list
        st, hd, body = fetch(base + "/registry")
        check(st == 200 and '<html lang="vi"' in body, "/registry: %d" % st)
        check("default-src 'none'" in hd.get("Content-Security-Policy", ""), "CSP on /registry")
        check('href="/registry/' + ID59 + '"' in body, "each id links to /registry/ID, URL-encoded")
        check('class="st st-amended">đã được sửa đổi, bổ sung<' in body and 'class="st st-replaced">bị thay thế<' in body,
              "statuses shown with a word and a colour class")
        no_raw_markup(body, "/registry")
        check("Về &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;trích&quot; &#39;dẫn&#39; &lt;img" in body,
              "the hostile title is shown escaped")
        api = fetch(base + "/api/registry")
        check(api[0] == 200 and api[1].get("Content-Type", "").startswith("application/json"), "/api/registry JSON")
        want = cli_json("registry", "--db", db, "--rules", rules, "--format", "json")
        if want is not None and api[0] == 200:
            lwtest.compare(want, json.loads(api[2]), "/api/registry = registry --format json")
            rows = body.count("<tr><td>")
            check(rows == len(want), "a row per entry: %d of %d" % (rows, len(want)))
        st, hd, body = fetch(base + "/registry?status=replaced")
        sts = re.findall(r'class="st st-([a-z_]+)"', body)
        check(st == 200 and sts and set(sts) == {"replaced"}, "?status=replaced: only replaced entries: %s" % set(sts))
        st, hd, body = fetch(base + "/registry?type=" + urllib.parse.quote("Thông tư") + "&q=" +
                             urllib.parse.quote("bao cao"))
        ids = re.findall(r'<tr><td><a href="/registry/([^"?]+)', body)
        check(st == 200 and ids == ["16%2F2018%2FTT-BTP"], "type and text filters (no diacritics): %s" % ids)
        st, hd, body = fetch(base + "/registry?lang=en")
        check(st == 200 and "Registry of legal documents" in body and ">amended<" in body and "?lang=en" in body,
              "/registry?lang=en: English labels, links keep the language")
        check('<option value="replaced">replaced</option>' in body and "<option value=\"in_force\">" not in body or
              '<option value="in_force">in force</option>' in body, "the status filter in English")

        # --- one entry
        st, hd, body = fetch(base + "/registry/" + ID59)
        check(st == 200 and "59/2012/NĐ-CP" in body and "Về theo dõi tình hình thi hành pháp luật" in body,
              "/registry/59%%2F2012%%2FN%%C4%%90-CP: %d" % st)
        check('href="/registry/32%2F2020%2FN%C4%90-CP"' in body, "the chain links 32/2020/NĐ-CP")
        want = cli_json("registry", "--db", db, "--rules", rules, "--format", "json", "59/2012/NĐ-CP")
        docs_linked = re.findall(r'href="/doc/(\d+)"', body)
        if want is not None:
            check(sorted(docs_linked) == sorted(str(r["id"]) for r in want["cited_by"]) and docs_linked,
                  "each citing document linked to /doc/ID: %s" % docs_linked)
            st, hd, api = fetch(base + "/api/registry/" + ID59)
            check(st == 200, "/api/registry/ID: %d" % st)
            if st == 200:
                lwtest.compare(want, json.loads(api), "/api/registry/ID = registry --format json ID")
        st, hd, body = fetch(base + "/registry/" + ID59 + "?lang=en")
        check(st == 200 and "Amendments and replacements" in body and "Ingested documents citing it" in body,
              "/registry/ID?lang=en")

        st, hd, body = fetch(base + "/registry/" + ID666)
        check(st == 200 and "667/2021/NĐ-CP" in body and "chưa có trong danh mục" in body,
              "the hostile entry's page with its unlisted amendment: %d" % st)
        check('href="/registry/667' not in body and 'href="/registry/' + ID666 + '"' in body,
              "an id the registry does not list is not linked (its page would be a 404); the entry is")
        no_raw_markup(body, "/registry/666")
        check("&lt;/td&gt;&lt;script&gt;alert(3)" in body and "Bộ &lt;b&gt;Thử&lt;/b&gt;" in body,
              "note and issuer escaped")
        check("&lt;script&gt;alert(4)&lt;/script&gt;" in body, "the citing document's subject escaped")
        want = cli_json("registry", "--db", db, "--rules", rules, "--format", "json", "666/2020/NĐ-CP")
        st, hd, api = fetch(base + "/api/registry/" + ID666)
        if want is not None and st == 200:
            lwtest.compare(want, json.loads(api), "/api/registry/666 = the CLI's")

        st, hd, body = fetch(base + "/registry/999%2F2019%2FN%C4%90-CP")
        check(st == 404 and "không có trong danh mục" in body, "an unknown id is 404: %d" % st)
        st, hd, body = fetch(base + "/api/registry/999%2F2019%2FN%C4%90-CP")
        check(st == 404 and "error" in json.loads(body), "/api/registry/unknown is a 404 JSON error: %d" % st)

        # --- the unit filter of search
        for unit in ["Sở Nội vụ", "soc trang"]:
            want = cli_json("search", "--db", db, "--format", "json", "--unit", unit, "thi hành")
            st, hd, api = fetch(base + "/api/search?q=" + urllib.parse.quote("thi hành") + "&unit=" +
                                urllib.parse.quote(unit))
            check(st == 200, "/api/search?unit=%s: %d" % (unit, st))
            if want is not None and st == 200:
                check(len(want) >= 1, "--unit %s finds something" % unit)
                lwtest.compare(want, json.loads(api), "/api/search?unit=%s = search --unit" % unit)
        st, hd, body = fetch(base + "/search?q=" + urllib.parse.quote("thi hành") + "&unit=" +
                             urllib.parse.quote("Sở Nội vụ"))
        check(st == 200 and body.count('class="hit"') == 1, "/search&unit=: the one document of the unit")
        check('name="unit"' in body and 'value="Sở Nội vụ"' in body, "the filter form keeps the unit")
        check("&amp;unit=S%E1%BB%9F%20N%E1%BB%99i%20v%E1%BB%A5" in body, "the facet links keep the unit")

lwtest.done("t_serve_registry")
