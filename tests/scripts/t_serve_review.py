"""lawwatch serve's review pages over a temporary database of four corpus documents and one
hostile plan (script, quotes and iCalendar syntax in its subject and duty): /report (the
summary, a timeline per unit, documents linked to /doc/ID, a calendar link per unit, the form,
everything escaped, 400 pages for a bad date, window or unit), /api/report = `lawwatch report
--format json` field by field for several option sets, /check (documents with errors first,
severity as a word, code links with counts, linked documents, 400 pages), /api/check = `lawwatch
check --format json` with --unit/--year/--code, and /calendar/UNIT.ics (CRLF, folded at 75
octets, BEGIN/END balanced, one event per dated duty of the unit, the hostile duty's event
as written here by hand, no property injected, stable UIDs, 404 with the nearest names).

Run: python3 t_serve_review.py LAWWATCH_BIN SOURCE_DIR (from ctest)."""
import html
import json
import os
import re
import urllib.parse

import lwtest

BIN, SRC = lwtest.paths()
check = lwtest.check
fetch = lwtest.fetch

HOSTILE = """ỦY BAN NHÂN DÂN
TỈNH THỬ NGHIỆM
Số: 99/KH-UBND
Thử Nghiệm, ngày 05 tháng 01 năm 2025

KẾ HOẠCH
Về việc <script>alert(1)</script> kiểm tra &<>"' xuyên trang

Căn cứ Nghị định số 59/2012/NĐ-CP ngày 23/7/2012 của Chính phủ;

II. TỔ CHỨC THỰC HIỆN
1. Sở Tư pháp
- Xây dựng báo cáo <script>alert(3)</script> về "kiểm tra" & <img src=x onerror=alert(2)> END:VEVENT;BEGIN:VEVENT,ATTENDEE:mailto:x@y\\ xuyên trang, gửi Ủy ban nhân dân tỉnh trước ngày 30/6/2025.
2. Sở Nội vụ
- Tổng hợp kết quả, báo cáo Ủy ban nhân dân tỉnh trước ngày 15/12/2025.
"""

AS_OF = "2025-06-20"  # the hostile duty of Sở Tư pháp is due soon then (29/06/2025)
NO_RAW = ["<script", "<img"]


def q(s):
    return urllib.parse.quote(s, safe="")


def escaped_only(body, what):
    low = body.lower()
    for bad in NO_RAW:
        check(bad not in low, "%s: no raw %s" % (what, bad))


def api_equals_cli(base, route, params, verb, args, cwd, what):
    """GET /api/ROUTE?params, run `lawwatch VERB --format json ARGS` in cwd; the parsed JSON of
    both must be equal, field by field."""
    st, hd, body = fetch(base + route + ("?" + urllib.parse.urlencode(params) if params else ""))
    check(st == 200 and hd.get("Content-Type", "").startswith("application/json"), "%s: %d %s" % (what, st, body[:200]))
    rc, out, err = lwtest.run(verb, "--db", db, "--format", "json", *args, cwd=cwd)
    check(rc in (0, 1), "cli %s %s: rc %d %s" % (verb, args, rc, err))
    try:
        api, cli = json.loads(body), json.loads(out)
    except ValueError:
        lwtest.fail("%s: not JSON" % what)
        return None
    lwtest.compare(cli, api, what)
    return api


def unfold(ics):
    """The content lines of an iCalendar text (RFC 5545 3.1), checked on the way: CRLF line
    ends only, no line longer than 75 octets, each physical line whole UTF-8."""
    raw = ics.encode("utf-8") if isinstance(ics, str) else ics
    check(raw.endswith(b"\r\n"), "ics ends with CRLF")
    phys = raw.split(b"\r\n")[:-1]
    check(b"\n" not in b"".join(phys) and b"\r" not in b"".join(phys), "ics: CRLF line ends only, no bare LF or CR")
    for p in phys:
        check(len(p) <= 75, "ics line folded at 75 octets: %d %r" % (len(p), p[:80]))
        try:
            p.decode("utf-8")
        except UnicodeDecodeError:
            lwtest.fail("ics line cut inside a UTF-8 character: %r" % p)
    lines = []
    for p in phys:
        if p[:1] in (b" ", b"\t") and lines:
            lines[-1] += p[1:]
        else:
            lines.append(p)
    return [l.decode("utf-8") for l in lines]


def unescape(v):
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), v)


def parse_ics(ics):
    """(calendar properties, [event properties]): each a dict name -> [values], parameters
    kept in the name ("DTSTART;VALUE=DATE"); BEGIN/END balanced."""
    stack, cal, events = [], {}, []
    for line in unfold(ics):
        name, _, value = line.partition(":")
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                events.append({})
            continue
        if name == "END":
            check(stack and stack[-1] == value, "ics: END:%s closes BEGIN:%s" % (value, stack[-1] if stack else None))
            if stack:
                stack.pop()
            continue
        check(len(stack) >= 1, "ics: property outside VCALENDAR: " + line[:60])
        target = events[-1] if stack and stack[-1] == "VEVENT" else cal
        target.setdefault(name, []).append(value)
    check(stack == [], "ics: BEGIN/END balanced: %s left open" % stack)
    return cal, events


with lwtest.tmpdir("lw_serve_review_") as tmp:
    db = lwtest.corpus_db(tmp, {"hostile.txt": HOSTILE})

    # the page /report embeds: the renderer of `report --format html`, which escapes the same
    rc, out, err = lwtest.run("report", "--db", db, "--as-of", AS_OF, "--since", "2015-01-01", "--format", "html", cwd=tmp)
    check(rc in (0, 1) and "&lt;script&gt;alert(3)&lt;/script&gt;" in out, "report --format html shows the hostile duty: " + err)
    escaped_only(out, "report --format html")
    check('href="/doc/' not in out and "/calendar/" not in out, "report --format html: no links of the web pages")

    with lwtest.serve(db, cwd=tmp) as (base, srv):
        # ---- /api/report: the CLI's JSON (the server's folder is tmp, as the CLI's here) ----
        rep = api_equals_cli(base, "/api/report", {"as_of": AS_OF}, "report", ["--as-of", AS_OF], tmp,
                             "/api/report?as_of")
        for params, args in [({"as_of": AS_OF, "unit": "Sở Tư pháp"}, ["--as-of", AS_OF, "--unit", "Sở Tư pháp"]),
                             ({"as_of": AS_OF, "unit": "so noi vu", "window": "300"},
                              ["--as-of", AS_OF, "--unit", "so noi vu", "--window", "300"]),
                             ({"as_of": AS_OF, "since": "2015-01-01", "window": "0"},
                              ["--as-of", AS_OF, "--since", "2015-01-01", "--window", "0"]),
                             ({"as_of": AS_OF, "all": "1"}, ["--as-of", AS_OF, "--all"]),
                             ({}, [])]:
            api_equals_cli(base, "/api/report", params, "report", args, tmp, "/api/report %s" % params)
        hostile_items = [i for i in (rep or {}).get("items", []) if i["path"].endswith("hostile.txt")]
        check(len(hostile_items) == 2, "the hostile plan's two duties are items: %s" % [i["unit"] for i in hostile_items])
        hid = hostile_items[0]["id"] if hostile_items else -1
        for bad, word in [("as_of=2025-02-30", "as_of"), ("as_of=yesterday", "as_of"), ("window=-1", "window"),
                          ("window=x", "window"), ("since=2025-13-01", "since"), ("all=yes", "all")]:
            st, hd, body = fetch(base + "/api/report?" + bad)
            check(st == 400 and word in json.loads(body).get("error", ""), "/api/report?%s: 400 naming %s: %d %s" % (bad, word, st, body))

        # ---- /report ----
        st, hd, body = fetch(base + "/report?as_of=" + AS_OF)
        check(st == 200 and hd.get("Content-Type", "").startswith("text/html"), "/report: %d" % st)
        for label in ["Quá hạn", "Nộp muộn", "Sắp đến hạn", "Thiếu thời hạn", "Chưa rõ đơn vị"]:
            check(label in body, "/report: summary count for %s" % label)
        summary = rep["summary"] if rep else {}
        check('<div class="card due_soon"><b>%d</b>' % summary.get("due_soon", -1) in body,
              "/report: the due-soon count is the JSON's (%s)" % summary.get("due_soon"))
        check(body.count("<svg") >= 1 and "<rect" in body, "/report: a timeline")
        check('href="/doc/%d"' % hid in body, "/report: the hostile plan's item links to /doc/%d" % hid)
        st, hd, doc = fetch(base + "/doc/%d" % hid)
        check(st == 200 and "99/KH-UBND" in doc, "the report's link /doc/%d leads to the document: %d" % (hid, st))
        check("Kế hoạch số 99/KH-UBND ngày 05/01/2025" in body, "/report: the document named as reviewers know it")
        st, hd, body = fetch(base + "/report?since=2015-01-01&as_of=" + AS_OF)
        links = re.findall(r'href="(/calendar/[^"]+\.ics)"', body)
        check(len(links) >= 2 and "/calendar/" + q("Sở Tư pháp") + ".ics" in links,
              "/report: a calendar link per unit: %s" % links)
        check('name="as_of"' in body and 'value="%s"' % AS_OF in body and 'name="unit"' in body and 'name="window"' in body,
              "/report: the form keeps as_of, unit, window")
        escaped_only(body, "/report")
        check("&lt;script&gt;alert(3)&lt;/script&gt;" in body and "&lt;img src=x onerror=alert(2)&gt;" in body,
              "/report: the hostile duty shown escaped")
        check("&lt;script&gt;alert(1)&lt;/script&gt; kiểm tra &amp;&lt;&gt;&quot;&#39;" in body,
              "/report: the hostile subject shown escaped")
        st, hd, body = fetch(base + "/report?lang=en&as_of=" + AS_OF)
        check(st == 200 and '<html lang="en"' in body and "Overdue" in body and "Due soon" in body
              and 'href="/doc/%d?lang=en"' % hid in body, "/report?lang=en: English labels, links keep the language")
        st, hd, body = fetch(base + "/report?window=300&as_of=" + AS_OF + "&unit=" + q("Sở Nội vụ"))
        check(st == 200 and "Tổng hợp kết quả" in body and "Xây dựng báo cáo" not in body, "/report?unit= keeps one unit")
        for bad, word in [("as_of=2025-02-30", "as_of"), ("window=99999", "window"), ("since=x", "since")]:
            st, hd, body = fetch(base + "/report?" + bad)
            check(st == 400 and "<h1>400</h1>" in body and word in body, "/report?%s: a 400 page naming %s: %d" % (bad, word, st))
        st, hd, body = fetch(base + "/report?unit=" + q("Sở Không Có <b>"))
        check(st == 400 and "tên gần nhất" in body and "Sở Nội vụ" in body and "&lt;b&gt;" in body and "<b>" not in body,
              "/report?unit=unknown: a 400 page with the nearest names, escaped: %d" % st)

        # ---- /api/check: the CLI's JSON (paths as stored: the CLI run from /) ----
        chk = api_equals_cli(base, "/api/check", {}, "check", [], "/", "/api/check")
        for params, args in [({"code": "citation."}, ["--code", "citation."]),
                             ({"code": "citation.unknown,citation.missing_amendment"},
                              ["--code", "citation.unknown,citation.missing_amendment"]),
                             ({"unit": "Bộ Tư pháp"}, ["--unit", "Bộ Tư pháp"]),
                             ({"year": "2025", "code": "citation"}, ["--year", "2025", "--code", "citation"])]:
            api_equals_cli(base, "/api/check", params, "check", args, "/", "/api/check %s" % params)
        codes = sorted({f["code"] for f in chk or []})
        check(len(codes) >= 2 and any(f["severity"] == "error" and f["id"] == hid for f in chk or []),
              "check finds an error in the hostile plan and another code elsewhere: %s" % codes)
        for bad in ["code=bogus", "year=12", "unit=" + q("Không Có Đơn Vị")]:
            st, hd, body = fetch(base + "/api/check?" + bad)
            check(st == 400 and "error" in json.loads(body), "/api/check?%s: 400: %d" % (bad, st))

        # ---- /check ----
        st, hd, body = fetch(base + "/check")
        check(st == 200, "/check: %d" % st)
        escaped_only(body, "/check")
        check("&lt;script&gt;alert(1)&lt;/script&gt;" in body, "/check: the hostile subject escaped")
        docs_order = [int(m) for m in re.findall(r'<article class="hit"><h3><a href="/doc/(\d+)"', body)]
        ids_with_error = {f["id"] for f in chk or [] if f["code"] != "citation.unknown"}
        check(docs_order and docs_order[0] in ids_with_error and hid in docs_order,
              "/check: a document with errors first: %s (errors in %s)" % (docs_order, ids_with_error))
        check(len(docs_order) == len({f["id"] for f in chk or [] if f["id"]}), "/check: one block per document")
        check('class="finding sev-error"><span class="sev">Lỗi</span>' in body, "/check: an error says Lỗi, with its colour class")
        for c in codes:
            n = sum(1 for f in chk if f["code"] == c)
            check('href="/check?code=%s">%s</a> (%d)' % (q(c), c, n) in body, "/check: a link for %s with its count %d" % (c, n))
        st, hd, body = fetch(base + "/check?lang=en&code=citation.unknown")
        n_unknown = sum(1 for f in chk or [] if f["code"] == "citation.unknown")
        check(st == 200 and body.count('class="finding ') == n_unknown and "Info" in body and "Lỗi" not in body,
              "/check?code=citation.unknown shows only those, in English: %d of %d" % (body.count('class="finding '), n_unknown))
        for bad, word in [("code=bogus", "bogus"), ("year=1700", "1900"), ("unit=" + q("Không Có <i>"), "tên gần nhất")]:
            st, hd, body = fetch(base + "/check?" + bad)
            check(st == 400 and word in body and "<i>" not in body, "/check?%s: a 400 page: %d" % (bad, st))

        # ---- /calendar/UNIT.ics ----
        st, hd, ics = fetch(base + "/calendar/" + q("Sở Nội vụ") + ".ics?as_of=" + AS_OF, binary=True)
        check(st == 200 and hd.get("Content-Type") == "text/calendar; charset=utf-8", "calendar: %d %s" % (st, hd.get("Content-Type")))
        cal, events = parse_ics(ics)
        check(cal.get("VERSION") == ["2.0"] and cal.get("PRODID", [""])[0].startswith("-//lawwatch//")
              and "Sở Nội vụ" in cal.get("X-WR-CALNAME", [""])[0] and cal.get("X-PUBLISHED-TTL") == ["PT1H"],
              "calendar: VERSION, PRODID, X-WR-CALNAME, X-PUBLISHED-TTL: %s" % cal)
        mine = [e for e in events if e.get("UID", [""])[0].startswith("lawwatch-doc%d-" % hid)]
        # the hostile plan's duty of Sở Nội vụ, written out by hand
        want = {"DTSTART;VALUE=DATE": ["20251214"], "DTEND;VALUE=DATE": ["20251215"],
                "SUMMARY": ["Hạn: Tổng hợp kết quả, báo cáo Ủy ban nhân dân tỉnh — Kế hoạch số 99/KH-UBND ngày 05/01/2025"],
                "STATUS": ["TENTATIVE"], "CATEGORIES": ["Chưa đến hạn", "upcoming"]}
        check(len(mine) == 1, "calendar Sở Nội vụ: one event of the hostile plan: %d" % len(mine))
        if mine:
            got = {k: [unescape(v) for v in mine[0].get(k, [])] for k in want}
            lwtest.compare(want, got, "the Sở Nội vụ event")
            desc = unescape(mine[0].get("DESCRIPTION", [""])[0])
            check("Tổng hợp kết quả, báo cáo Ủy ban nhân dân tỉnh\n" in desc and "trước ngày 15/12/2025" in desc
                  and "Dòng (line): 15" in desc and "/doc/%d" % hid in desc, "the event's description: %r" % desc)
            check(re.fullmatch(r"\d{8}T\d{6}Z", mine[0].get("DTSTAMP", [""])[0]) is not None, "DTSTAMP in UTC")
        # without as_of, the statuses are today's: the deadline of 14/12/2025 has passed
        st, hd, today = fetch(base + "/calendar/" + q("Sở Nội vụ") + ".ics", binary=True)
        mine = [e for e in parse_ics(today)[1] if e.get("UID", [""])[0].startswith("lawwatch-doc%d-" % hid)]
        check(len(mine) == 1 and mine[0].get("CATEGORIES") == ["Quá hạn", "overdue"], "calendar as of today: overdue")
        st, hd, body = fetch(base + "/calendar/" + q("Sở Nội vụ") + ".ics?as_of=2025-02-30")
        check(st == 400 and "as_of" in body, "calendar: a bad as_of is a 400 page: %d" % st)
        # every dated duty of the unit, as the report with --all --unit gives them
        st, hd, body = fetch(base + "/api/report?all=1&unit=" + q("Sở Tư pháp"))
        dated = [i for i in json.loads(body)["items"] if i["deadline"]]
        st, hd, ics2 = fetch(base + "/calendar/" + q("Sở Tư pháp") + ".ics", binary=True)
        cal2, ev2 = parse_ics(ics2)
        check(len(ev2) == len(dated) and len(dated) >= 2, "calendar Sở Tư pháp: one event per dated duty: %d of %d" % (len(ev2), len(dated)))
        check(sorted(e["DTSTART;VALUE=DATE"][0] for e in ev2) == sorted(i["deadline"]["to"].replace("-", "") for i in dated),
              "calendar Sở Tư pháp: the deadlines' dates")
        uids = [e["UID"][0] for e in ev2]
        check(len(set(uids)) == len(uids), "UIDs unique in a calendar")
        hostile = [e for e in ev2 if e["UID"][0].startswith("lawwatch-doc%d-" % hid)]
        check(len(hostile) == 1, "the hostile duty is one event")
        if hostile:
            s = unescape(hostile[0]["SUMMARY"][0])
            check("END:VEVENT;BEGIN:VEVENT,ATTENDEE:mailto:x@y\\ xuyên trang" in s and "<script>alert(3)</script>" in s,
                  "the hostile duty's text is the SUMMARY's value, whole: %r" % s)
            check("ATTENDEE" not in hostile[0] and "ATTENDEE" not in cal2, "no property injected")
        check(ics2.count(b"\r\nBEGIN:VEVENT\r\n") == len(dated), "no event injected")
        st, hd, again = fetch(base + "/calendar/" + q("so tu phap") + ".ics", binary=True)
        check(st == 200 and sorted(e["UID"][0] for e in parse_ics(again)[1]) == sorted(uids),
              "the same UIDs on the next fetch, unit without diacritics")
        # the report's calendar links lead to calendars
        for link in links[:2]:
            st, hd, body = fetch(base + link, binary=True)
            check(st == 200 and body.startswith(b"BEGIN:VCALENDAR\r\n"), "the report's link %s is a calendar: %d" % (link, st))
        st, hd, body = fetch(base + "/calendar/" + q("Sở Không Có <b>") + ".ics")
        check(st == 404 and "tên gần nhất" in body and "<b>" not in body, "unknown unit: a 404 page with the nearest names: %d" % st)
        st, hd, body = fetch(base + "/calendar/" + q("Sở Nội vụ"))
        check(st == 404, "a calendar path without .ics is 404: %d" % st)

lwtest.done("serve_review")
