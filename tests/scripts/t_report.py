#!/usr/bin/env python3
"""lawwatch report over the crafted corpus (tests/data/report): the statuses at each as-of date
of tests/data/report/expected.json (boundaries: the deadline day, the day after, a leap day, a
quarter's and a year's end), golden reports in every format (tests/golden/report), well-formed
HTML with hostile text escaped, labels in English, the unit filter, the exit status, -o, and
bad arguments. Usage: t_report.py LAWWATCH SOURCE_DIR [--update]"""
import csv, io, json, os, shutil, subprocess, sys, tempfile
import xml.etree.ElementTree as ET

import lwtest

BIN, SRC = lwtest.paths()
DATA = os.path.join(SRC, "tests", "data", "report")
GOLD = os.path.join(SRC, "tests", "golden", "report")
FAILS = lwtest.FAILS
LISTED = ("overdue", "late", "due_soon", "no_deadline")


check = lwtest.check


def run(*args, cwd=SRC):
    return lwtest.run(*args, cwd=cwd)


tmp = lwtest.mkdtemp("lw_report_")
try:
    db = os.path.join(tmp, "report.db")
    # the crafted corpus is the folder's own files; twins/ holds the look-alikes, ingested apart
    base_files = sorted(os.path.join("tests", "data", "report", n) for n in os.listdir(DATA) if n.endswith(".txt"))
    rc, out, err = run("ingest", "--db", db, *base_files)
    check(rc in (0, 1), "ingest of the report corpus: " + err)

    # statuses at every as-of date
    expected = json.load(open(os.path.join(DATA, "expected.json"), encoding="utf-8"))
    if isinstance(expected, dict):
        expected = expected["items"]
    by_date = {}
    for e in expected:
        by_date.setdefault(e["as_of"], set()).add(
            (e["unit"], e["status"], os.path.basename(e["path"]), e["line"], e.get("deadline_to")))
    for as_of, want in sorted(by_date.items()):
        rc, out, err = run("report", "--db", db, "--as-of", as_of, "--format", "json")
        check(rc in (0, 1), "report %s runs: %s" % (as_of, err))
        rep = json.loads(out)
        got = {(i["unit"], i["status"], os.path.basename(i["path"]), i["line"],
                i["deadline"]["to"] if i["deadline"] else None) for i in rep["items"] if i["status"] in LISTED}
        for k in sorted(want - got, key=str):
            check(False, "%s: missing %s" % (as_of, k))
        for k in sorted(got - want, key=str):
            check(False, "%s: not expected %s" % (as_of, k))
        overdue = sum(1 for i in rep["items"] if i["status"] == "overdue")
        check(rc == (1 if overdue else 0), "%s: exit status %d with %d overdue" % (as_of, rc, overdue))
        check(rep["summary"]["overdue"] == overdue, "%s: the summary counts the overdue items" % as_of)

    # golden reports, every format, two dates
    # a missing golden fails (lwtest.expected); only --update writes them
    for as_of in ("2024-11-16", "2024-12-01"):
        for fmt in ("text", "md", "csv", "json", "html"):
            rc, out, err = run("report", "--db", db, "--as-of", as_of, "--format", fmt)
            gp = os.path.join(GOLD, "%s.%s" % (as_of, {"text": "txt"}.get(fmt, fmt)))
            if not lwtest.update(gp, out):
                want = lwtest.expected(gp, as_json=False)
                if want is not None and out != want:
                    a, b = want.splitlines(), out.splitlines()
                    first = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
                    check(False, "golden %s line %d:\n  want %r\n  got  %r" % (
                        os.path.basename(gp), first + 1, a[first] if first < len(a) else None,
                        b[first] if first < len(b) else None))
            if fmt == "csv":
                rows = list(csv.reader(io.StringIO(out, newline="")))
                check(rows and rows[0][:3] == ["as_of", "unit", "status"] and all(len(r) == 16 for r in rows),
                      "csv: a header and 16 fields a row")

    # HTML: well-formed (as XML, and to xmllint's HTML parser), hostile text escaped, the timeline
    rc, page, err = run("report", "--db", db, "--as-of", "2024-07-01", "--format", "html")
    try:
        root = ET.fromstring(page.split("\n", 1)[1])  # after <!DOCTYPE html>
        check(root.tag == "html", "html root")
        svgs = root.findall(".//{http://www.w3.org/2000/svg}svg")
        check(len(svgs) > 0, "an SVG timeline per unit")
        check(any(r.get("fill") == "#c62828" for s in svgs for r in s.iter("{http://www.w3.org/2000/svg}rect")),
              "overdue drawn in red")
    except ET.ParseError as e:
        check(False, "the HTML is well-formed XML: %s" % e)
    check("<script" not in page, "no raw <script>")
    check("<img" not in page, "no raw <img>")
    check("&lt;script&gt;" in page and "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page,
          "the hostile text is shown, escaped")
    check("http://" not in page.replace("http://www.w3.org/2000/svg", "") and "https://" not in page,
          "no external assets")
    hp = os.path.join(tmp, "r.html")
    open(hp, "w", encoding="utf-8").write(page)
    if shutil.which("xmllint"):
        p = subprocess.run(["xmllint", "--noout", hp], capture_output=True, text=True, errors="replace")
        check(p.returncode == 0, "xmllint (XML): " + p.stderr[:300])
        p = subprocess.run(["xmllint", "--html", "--noout", hp], capture_output=True, text=True, errors="replace")
        errs = [l for l in p.stderr.splitlines() if "error" in l and "invalid" not in l]
        check(p.returncode == 0 and not errs, "xmllint --html: %s" % errs[:3])
    else:
        check(False, "xmllint is installed (scripts/setup.sh installs libxml2-utils)")

    # English labels, the unit filter, -o, bad arguments
    rc, out, err = run("report", "--db", db, "--as-of", "2024-11-16", "--lang", "en")
    check("Overdue" in out and "Quá hạn" not in out, "--lang en")
    rc, out, err = run("report", "--db", db, "--as-of", "2024-11-16", "--format", "json", "--unit", "phung hiep")
    items = json.loads(out)["items"]
    check(items and all("Phụng Hiệp" in i["unit"] for i in items), "--unit keeps one unit")
    of = os.path.join(tmp, "out.html")
    rc, out, err = run("report", "--db", db, "--as-of", "2024-11-16", "--format", "html", "-o", of)
    check(os.path.exists(of) and out == "" and not [n for n in os.listdir(tmp) if ".tmp" in n],
          "-o writes the file, nothing on stdout, no temporary left")
    # a pipe (as /dev/null or /dev/stdout) is written in place, never replaced by a file
    fifo = os.path.join(tmp, "pipe")
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", fifo], stdout=subprocess.PIPE)
    rc_file = run("report", "--db", db, "--as-of", "2024-11-16", "-o", of)[0]
    rc, out, err = run("report", "--db", db, "--as-of", "2024-11-16", "-o", fifo)
    got = reader.communicate(timeout=60)[0].decode("utf-8", "replace")
    import stat as st_mod
    check(rc == rc_file and st_mod.S_ISFIFO(os.lstat(fifo).st_mode) and "Quá hạn" in got,
          "-o a pipe: written through it, still a pipe (rc %d, %s)" % (rc, err.strip()))
    rc, out, err = run("report", "--db", db, "--as-of", "2024-11-16", "-o", os.path.join(tmp, "no", "such", "dir.txt"))
    check(rc == 2 and "dir.txt" in err, "-o into a missing folder: " + err)
    rc, out, err = run("report", "--db", db, "--as-of", "2023-02-29")
    check(rc == 2 and "2023-02-29" in err, "an impossible --as-of: " + err)
    # the horizon: duties due before --since (default 1 January of the year before) are counted only
    rc, out, err = run("report", "--db", db, "--as-of", "2024-12-01", "--format", "json")
    base = json.loads(out)
    check(base["since"] == "2023-01-01" and base["older_duties"] == 0, "default since: %s, %s" % (base["since"], base["older_duties"]))
    rc, out, err = run("report", "--db", db, "--as-of", "2024-12-01", "--format", "json", "--since", "2024-11-01")
    part = json.loads(out)
    check(part["since"] == "2024-11-01" and part["older_duties"] > 0, "--since leaves older duties out: %s" % part["older_duties"])
    check(all(i["deadline"] is None or i["deadline"]["to"] >= "2024-11-01" for i in part["items"]),
          "--since: every judged deadline on or after it")
    check(0 < len(part["items"]) < len(base["items"]), "--since: fewer items (%d of %d)" % (len(part["items"]), len(base["items"])))
    rc, out, err = run("report", "--db", db, "--as-of", "2024-12-01", "--since", "2024-11-01")
    check("nhiệm vụ có thời hạn trước ngày 01/11/2024 không được xét" in out, "the text says what is left out")
    rc, out, err = run("report", "--db", db, "--as-of", "2024-12-01", "--format", "json", "--all")
    full = json.loads(out)
    check(full["since"] is None and full["older_duties"] == 0 and full["items"] == base["items"], "--all judges everything")
    rc, out, err = run("report", "--db", db, "--as-of", "2026-03-01", "--format", "json")
    late = json.loads(out)
    check(late["since"] == "2025-01-01" and late["items"] == [] and late["older_duties"] > 0 and rc == 0,
          "two years on, the 2024 duties are only counted (rc %d)" % rc)
    rc, out, err = run("report", "--db", db, "--since", "2024-02-30")
    check(rc == 2 and "2024-02-30" in err, "an impossible --since: " + err)
    # two provinces in one database: a district that names no province belongs to the one
    # whose plan it cites, and a group is expanded within each plan's own province only
    two = os.path.join(tmp, "two")
    shutil.copytree(os.path.join(SRC, "tests/data/report"), two)
    plan = open(os.path.join(two, "01_province_plan_2024.txt"), encoding="utf-8").read()
    soc = (plan.replace("HẬU GIANG", "SÓC TRĂNG").replace("Hậu Giang", "Sóc Trăng")
               .replace("Số: 03/KH-UBND", "Số: 41/KH-UBND"))
    open(os.path.join(two, "21_soc_trang_plan_2024.txt"), "w", encoding="utf-8").write(soc)
    letter = open(os.path.join(two, "11_district_letter_phung_hiep_2024.txt"), encoding="utf-8").read()
    my_tu = (letter.replace("PHỤNG HIỆP", "MỸ TÚ").replace("Phụng Hiệp", "Mỹ Tú").replace("Hậu Giang", "Sóc Trăng")
                   .replace("Số: 96/UBND-TP", "Số: 12/UBND-TP"))
    my_tu = my_tu.replace("\n\n", "\n\nThực hiện Kế hoạch số 41/KH-UBND ngày 05/01/2024 của Ủy ban nhân dân tỉnh.\n\n", 1)
    open(os.path.join(two, "22_my_tu_letter_2024.txt"), "w", encoding="utf-8").write(my_tu.replace("Sóc Trăng", "tỉnh"))
    db2 = os.path.join(tmp, "two.db")
    rc, out, err = run("ingest", "--db", db2, two)
    check(rc in (0, 1), "ingest of two provinces: " + err)
    rc, out, err = run("report", "--db", db2, "--as-of", "2024-12-01", "--format", "json")
    items = json.loads(out)["items"]
    st_units = {i["unit"] for i in items if i["document"]["number"] == "41/KH-UBND"}
    hg_units = {i["unit"] for i in items if i["document"]["number"] == "3/KH-UBND"}
    check("Ủy ban nhân dân huyện Mỹ Tú" in st_units, "Mỹ Tú, citing the Sóc Trăng plan, is judged under it: %s" % sorted(st_units))
    check(not any("Châu Thành A" in u or "Long Mỹ" in u or "Vị Thanh" in u for u in st_units),
          "no Hậu Giang district under the Sóc Trăng plan: %s" % sorted(st_units))
    check(not any("Mỹ Tú" in u for u in hg_units), "Mỹ Tú not under the Hậu Giang plan: %s" % sorted(hg_units))
    check(any("Châu Thành A" in u for u in hg_units), "Hậu Giang districts still under their plan")
    # every item names its document as reviewers do, then its path; JSON adds label and id
    rc, out, err = run("report", "--db", db, "--as-of", "2024-12-01", "--format", "json")
    rep = json.loads(out)
    ids = {}
    import sqlite3
    con = sqlite3.connect(db)
    for i, p in con.execute("SELECT id, path FROM documents"):
        ids[os.path.basename(p)] = i
    con.close()
    plan_label = "Kế hoạch số 3/KH-UBND ngày 05/01/2024 của Ủy ban nhân dân tỉnh Hậu Giang"
    for i in rep["items"]:
        check(i["id"] == ids[os.path.basename(i["path"])] and i["label"] and i["path"].startswith("tests/data/report/"),
              "json item: id, label and relative path: %r" % {k: i[k] for k in ("id", "label", "path")})
        if i["answer"]:
            check(i["answer"]["id"] == ids[os.path.basename(i["answer"]["path"])] and i["answer"]["label"],
                  "json answer: id and label: %r" % i["answer"])
    check(any(i["label"] == plan_label for i in rep["items"]), "the plan's label: %s" % sorted({i["label"] for i in rep["items"]}))
    for fmt in ("text", "md", "html", "csv"):
        rc, out, err = run("report", "--db", db, "--as-of", "2024-12-01", "--format", fmt)
        at = out.find(plan_label)
        check(at >= 0 and out.find("tests/data/report/01_province_plan_2024.txt", at) > at,
              "%s: the label, then the path" % fmt)
    # a filter that matches no unit is an error naming it and the nearest units, in both verbs
    rc, out, err = run("report", "--db", db, "--as-of", "2024-12-01", "--unit", "phung hep")
    check(rc == 2 and "phung hep" in err and "Ủy ban nhân dân huyện Phụng Hiệp" in err and out == "",
          "report --unit with a typo: rc %d %s" % (rc, err))
    rc, out, err = run("check", "--db", db, "--unit", "Không Tồn Tại")
    check(rc == 2 and "Không Tồn Tại" in err and "gần nhất" in err and "phát hiện" not in out,
          "check --unit that matches nothing: rc %d %s" % (rc, err))
    rc, out, err = run("check", "--db", db, "--unit", "chau thanh a")
    check(rc in (0, 1) and "phát hiện" in out, "check --unit that matches: rc %d %s" % (rc, err))
    rc, out, err = run("report", "--db", db, "--as-of", "2024-11-16", "--unit", "so noi vu tinh hau giang")
    check(rc == 1 and "Sở Nội vụ tỉnh Hậu Giang" in out, "report --unit on a name the report made: rc %d %s" % (rc, err))

    # twins (tests/data/report/twins): what looks like an answer and is not, and duties of no one
    tw = os.path.join(tmp, "twins.db")
    rc, out, err = run("ingest", "--db", tw, *base_files, "tests/data/report/twins")
    check(rc in (0, 1), "ingest of the twins: " + err)
    con = sqlite3.connect(tw)
    # the duty helper's contract: "Chỉ đạo Ủy ban nhân dân cấp xã ban hành kế hoạch" concerns the communes
    n = con.execute("INSERT INTO duty_units (fact_id, doc_id, role, name, name_key, level, line) "
                    "SELECT k.fact_id, k.doc_id, 'concerns', 'Ủy ban nhân dân cấp xã', 'uy ban nhan dan cap xa', "
                    "'commune', k.line FROM duties k JOIN documents d ON d.id = k.doc_id "
                    "WHERE d.path LIKE '%24_province_plan_directing_2024.txt' AND k.line = 17").rowcount
    con.commit()
    con.close()
    check(n == 1, "the directing duty of twin 24 is found (%d)" % n)
    rc, out, err = run("report", "--db", tw, "--as-of", "2024-12-01", "--format", "json")
    rep = json.loads(out)
    def items(unit, path, line):
        return [i for i in rep["items"] if i["unit"] == unit and i["path"].endswith(path) and i["line"] == line]
    f_ph = items("Ủy ban nhân dân huyện Phụng Hiệp", "01_province_plan_2024.txt", 59)
    check([i["status"] for i in f_ph] == ["overdue"],
          "Phụng Hiệp of Sóc Trăng (twin 21) does not answer for Phụng Hiệp of Hậu Giang: %s" % f_ph)
    n_snv = items("Sở Nội vụ tỉnh Hậu Giang", "09_letter_hostile_text.txt", 15)
    check([i["status"] for i in n_snv] == ["overdue"],
          "a Báo cáo on another subject (twin 22) answers no reporting duty: %s" % n_snv)
    f_ct = items("Ủy ban nhân dân huyện Châu Thành", "01_province_plan_2024.txt", 59)
    check([(i["status"], os.path.basename(i["answer"]["path"]) if i["answer"] else None) for i in f_ct] ==
          [("done", "23_chau_thanh_report_no_citation_2024.txt")],
          "a Báo cáo on the plan's subject answers without citing it (twin 23): %s" % f_ct)
    check(not [i for i in rep["items"] if "24_province_plan_directing" in i["path"] and i["line"] == 17]
          and rep["directing_duties"] == 1,
          "a directing duty (twin 24) is counted apart, judged for no unit: %d" % rep["directing_duties"])
    # "II. CHẾ ĐỘ BÁO CÁO … Sở Tư pháp tổng hợp … Ủy ban nhân dân cấp huyện … chậm nhất ngày
    # 20/11/2024": the date is the districts' (the clause), not the heading's lead's
    rr = sorted((i["unit"], i["line"]) for i in rep["items"] if "24_province_plan_directing" in i["path"])
    rr = [(i["unit"], i["line"], i["status"], (i.get("deadline") or {}).get("to")) for i in rep["items"]
          if "24_province_plan_directing" in i["path"]]
    # Sở Tư pháp's own compilation (line 21) is dated by nothing: at most "Thiếu thời hạn"
    check(rr and all((line == 24 and "Sở Tư pháp" not in unit) or (line == 21 and st == "no_deadline" and not to)
                     for unit, line, st, to in rr),
          "a heading's lead does not take the deadline of a clause of its section: %s" % rr)
    # a district's report that names no province (twins 27, 28): it answers for its unit when
    # the name is known in the plan's province only (Long Mỹ), not when another province has
    # a unit of that name too (Phụng Hiệp, twin 21): f_ph above stays overdue
    f_lm = items("Ủy ban nhân dân huyện Long Mỹ", "01_province_plan_2024.txt", 59)
    check([(i["status"], os.path.basename(i["answer"]["path"]) if i["answer"] else None) for i in f_lm] ==
          [("done", "27_long_my_report_no_province_2024.txt")],
          "a report naming no province answers for a unit known in one province only: %s" % f_lm)
    # one plan, two reports of every district (twin 29: half-year by 14/6, year by 15/11): a
    # half-year report is not the year's, nor the other way round. Châu Thành A sent only its
    # annual report (30): the half-year one stays overdue, not "late" by the annual; Long Mỹ
    # sent both (31, 32): each answers its own
    def status_of(unit, line):
        got = items(unit, "29_province_plan_two_reports_2024.txt", line)
        return [(i["status"], os.path.basename(i["answer"]["path"]) if i["answer"] else None) for i in got]
    got = (status_of("Ủy ban nhân dân huyện Châu Thành A", 20), status_of("Ủy ban nhân dân huyện Châu Thành A", 21),
           status_of("Ủy ban nhân dân huyện Long Mỹ", 20), status_of("Ủy ban nhân dân huyện Long Mỹ", 21))
    want = ([("overdue", None)], [("done", "30_chau_thanh_a_hoa_giai_year_report_2024.txt")],
            [("done", "31_long_my_hoa_giai_half_report_2024.txt")], [("done", "32_long_my_hoa_giai_year_report_2024.txt")])
    check(got == want, "each report answers one duty of its plan: %s" % (got,))
    nu = [i for i in rep["items"] if i["path"].endswith("25_letter_no_unit_2024.txt")]
    # its only addressees ("Các cơ quan, đơn vị có liên quan") are no unit: the extractor gives
    # no duty it cannot attribute (a duty of no unit, from a database of older rules, would be
    # listed under "(chưa rõ đơn vị)" with status no_unit); never an overdue
    check(all(i["status"] == "no_unit" and i["unit"] == "(chưa rõ đơn vị)" for i in nu),
          "a deadline of no unit (twin 25) is never overdue: %s" % nu)
    # a ministry's programme for its own departments (twin 33): the database holds no document
    # of theirs and they are no local body, so no "Quá hạn": counted apart, never listed
    mp = [i for i in rep["items"] if i["path"].endswith("33_ministry_programme_2024.txt")]
    check(not mp and rep.get("unfollowed_duties", 0) >= 2,
          "duties of central bodies the database cannot follow are counted, not judged: %s, %s"
          % (mp, rep.get("unfollowed_duties")))
    # on 2024-06-01 the letter of 2024-07-02 (twin 25) was not written yet: its duty is not judged
    rc, out, err = run("report", "--db", tw, "--as-of", "2024-06-01", "--format", "json")
    early = json.loads(out)
    check(not [i for i in early["items"] if i["path"].endswith("25_letter_no_unit_2024.txt")] and early["later_duties"] >= 1,
          "a document dated after the as-of date gives no item: %d later" % early["later_duties"])
    rc, out, err = run("report", "--db", tw, "--as-of", "2024-12-01")
    check(("không nêu đơn vị nào mà lawwatch nhận ra" in out or "(chưa rõ đơn vị)" not in out) and "1 nhiệm vụ chỉ đạo" in out,
          "the text says what (chưa rõ đơn vị) means and what was left out")

    # numbers start again every year: last year's plan 03/KH-UBND, ingested first, is not what
    # this year's reports cite ("Kế hoạch số 03/KH-UBND ngày 05/01/2024"): they answer none of
    # its duties (a citation is resolved by its date among the documents of its number)
    old = os.path.join(tmp, "old")
    os.makedirs(old)
    plan = open(os.path.join(DATA, "01_province_plan_2024.txt"), encoding="utf-8").read()
    open(os.path.join(old, "00_province_plan_2023.txt"), "w", encoding="utf-8").write(plan.replace("2024", "2023"))
    db3 = os.path.join(tmp, "years.db")
    rc, out, err = run("ingest", "--db", db3, old)
    rc2, out, err2 = run("ingest", "--db", db3, *base_files)
    check(rc in (0, 1) and rc2 in (0, 1), "ingest of two years' plans: " + err + err2)
    rc, out, err = run("report", "--db", db3, "--as-of", "2024-12-01", "--format", "json")
    items = json.loads(out)["items"]
    p23 = [(i["unit"], i["line"], i["status"], i["answer"]["path"] if i["answer"] else None)
           for i in items if i["path"].endswith("00_province_plan_2023.txt")]
    check(p23 and all(a is None for _, _, _, a in p23), "2024 documents answer nothing of the 2023 plan: %s" % p23)
    check(("Ủy ban nhân dân huyện Châu Thành A", 59, "overdue", None) in p23, "the 2023 report is overdue: %s" % p23)
    p24 = {(i["unit"], i["line"]): (i["status"], os.path.basename(i["answer"]["path"]) if i["answer"] else None)
           for i in items if i["path"].endswith("01_province_plan_2024.txt")}
    check(p24.get(("Ủy ban nhân dân huyện Long Mỹ", 27)) == ("late", "03_district_plan_long_my_2024.txt"),
          "the 2024 plan still answered by its citations: %r" % (p24.get(("Ủy ban nhân dân huyện Long Mỹ", 27)),))

    # the province's plan alone: "Ủy ban nhân dân cấp huyện" names no district the database
    # knows, so the group is judged as a whole, and the report says so
    alone = os.path.join(tmp, "alone.db")
    run("ingest", "--db", alone, os.path.join("tests", "data", "report", "01_province_plan_2024.txt"))
    rc, out, err = run("report", "--db", alone, "--as-of", "2024-12-01", "--format", "json")
    grp = [i for i in json.loads(out)["items"] if i["unit"] == "Ủy ban nhân dân cấp huyện"]
    check(grp and all(i["unit_is_group"] for i in grp), "a group no unit of which is known: %s" % grp[:1])
    rc, out, err = run("report", "--db", alone, "--as-of", "2024-12-01")
    check("Đây là một nhóm đơn vị" in out, "the text says the group is judged as a whole")

    rc, out, err = run("report", "--db", db, "--format", "pdf")
    check(rc == 2 and "pdf" in err, "an unknown format: " + err)
    rc, out, err = run("report", "--db", db, "--as-of", "2024-01-06")
    check(rc == 0, "nothing overdue the day after the plan: exit 0, got %d" % rc)
finally:
    lwtest.cleanup(tmp)

lwtest.done()
