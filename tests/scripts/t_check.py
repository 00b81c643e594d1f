#!/usr/bin/env python3
"""lawwatch check on the crafted corpus (tests/data/check): every planted error is found with
its code, line and evidence, and nothing else (the clean twins give no finding); the filters,
the exit status, the table and JSON forms (documents named as reviewers name them, unknown
citations summed up per document, or listed with --unknown, those probably damaged by OCR
marked), a bad registry file; relations stated by an ingested document counted as the
registry's; duties compared like with like (directing others against directing); and the
real corpus gives only the findings listed in tests/data/check/corpus-findings.json (each one
true).
Usage: t_check.py LAWWATCH SOURCE_DIR"""
import json, os, shutil, sqlite3, subprocess, sys, tempfile

import lwtest

BIN, SRC = lwtest.paths()
DATA = os.path.join(SRC, "tests", "data", "check")
FAILS = lwtest.FAILS


check = lwtest.check


def run(*args):
    return lwtest.run(*args, cwd=SRC)


def findings(db, *extra):
    rc, out, err = run("check", "--db", db, "--format", "json", *extra)
    check(rc in (0, 1), "check runs: rc %d %s" % (rc, err))
    try:
        return rc, json.loads(out)
    except ValueError:
        check(False, "check --format json prints JSON: " + out[:200])
        return rc, []


tmp = lwtest.mkdtemp("lw_check_")
try:
    db = os.path.join(tmp, "check.db")
    rc, out, err = run("ingest", "--db", db, DATA)
    check(rc in (0, 1), "ingest of the crafted corpus: " + err)
    reg = os.path.join(DATA, "registry.yaml")
    rc, got = findings(db, "--registry", reg)
    check(rc == 1, "exit status 1 when an error is found, got %d" % rc)
    for f in got:
        check(set(f) == {"code", "severity", "path", "id", "label", "subject", "line", "message", "evidence"},
              "finding keys: %s" % sorted(f))
        check(isinstance(f["id"], int) and f["id"] > 0, "id is the document's database id: %r" % f["id"])
        check(f["severity"] in ("error", "warning", "info"), "severity: %r" % f["severity"])
        check(f["message"] and not f["message"].isascii(), "a Vietnamese message: %r" % f["message"])
    expected = json.load(open(os.path.join(DATA, "expected.json"), encoding="utf-8"))
    key = lambda f: (os.path.basename(f["path"]), f["code"], f["line"])
    got_keys = {}
    for f in got:
        got_keys.setdefault(key(f), []).append(f)
    want_keys = {}
    for e in expected:
        want_keys.setdefault(key(e), []).append(e)
    for k in sorted(set(want_keys) - set(got_keys)):
        check(False, "planted error not found: %s %s line %d" % k)
    for k in sorted(set(got_keys) - set(want_keys)):
        check(False, "finding that was not planted: %s %s line %d: %s" % (k + (got_keys[k][0]["message"],)))
    for k in sorted(set(want_keys) & set(got_keys)):
        check(len(got_keys[k]) == len(want_keys[k]),
              "%s %s line %d: %d findings, want %d" % (k + (len(got_keys[k]), len(want_keys[k]))))
        for e in want_keys[k]:
            ok = False
            for f in got_keys[k]:
                ev = f["evidence"]
                if all((os.path.basename(str(ev.get(ek))) if ek.endswith("path") else ev.get(ek)) == ev_want
                       for ek, ev_want in e.get("evidence", {}).items()):
                    ok = True
            check(ok, "%s %s line %d: evidence %s not in %s" % (k + (e.get("evidence"), [f["evidence"] for f in got_keys[k]])))
    # severities by code
    sev = {"citation.unknown": "info", "deadline.missing": "warning", "unit.abolished": "warning"}
    for f in got:
        check(f["severity"] == sev.get(f["code"], "error"), "%s is %s" % (f["code"], f["severity"]))

    # one finding per document, code, line and cited id
    seen = set()
    for f in got:
        k = (f["id"], f["code"], f["line"], f["evidence"].get("id") or f["evidence"].get("cited_id"), f["message"])
        check(k not in seen, "a finding twice: %s" % (k,))
        seen.add(k)
    # documents named as reviewers name them, with their database id
    con = sqlite3.connect(db)
    ids = dict(con.execute("SELECT path, id FROM documents"))
    con.close()
    for f in got:
        # JSON paths are relative to the working folder (SRC here), as the report's are
        full = os.path.abspath(os.path.join(SRC, f["path"]))
        check(ids.get(full) == f["id"], "id of %s: %s, database %s" % (f["path"], f["id"], ids.get(full)))
    lab = {os.path.basename(f["path"]): f["label"] for f in got}
    check(lab.get("29_letter_cites_replaced_decision.txt") ==
          "Công văn số 455/STP-TDTHPL ngày 12/03/2024 của Sở Tư pháp tỉnh Bến Tre",
          "label of 29: %r" % lab.get("29_letter_cites_replaced_decision.txt"))

    # filters: --unit and --year keep only the documents asked for
    rc, only = findings(db, "--registry", reg, "--unit", "chau thanh")
    check(only and all("chau_thanh" in f["path"] for f in only), "--unit keeps one district: %s" % [f["path"] for f in only])
    rc, y25 = findings(db, "--registry", reg, "--year", "2025")
    check(y25 and all(os.path.basename(f["path"]).startswith(("02_", "18_", "19_", "22_", "23_", "24_", "36_", "37_", "38_")) for f in y25),
          "--year 2025 keeps the 2025 documents: %s" % sorted({os.path.basename(f["path"]) for f in y25}))
    rc, none = findings(db, "--registry", reg, "--unit", "Sở Tài chính")
    check(rc == 0 and none == [], "a clean unit: no finding and exit 0: %s" % none)
    # --code: a code, a prefix ending in '.', the prefix without its '.', repeated or a comma
    # list; the same findings as the full list filtered by hand; a code that names none: exit 2
    codes = sorted({f["code"] for f in got})
    check(len(codes) >= 3 and any(c.startswith("citation.") for c in codes), "the crafted corpus has several codes: %s" % codes)
    for args, keep in [(["--code", "duty.missing"], lambda c: c == "duty.missing"),
                       (["--code", "citation."], lambda c: c.startswith("citation.")),
                       (["--code", "citation"], lambda c: c.startswith("citation.")),
                       (["--code", "citation.unknown,deadline.missing"], lambda c: c in ("citation.unknown", "deadline.missing")),
                       (["--code", "citation.unknown", "--code=deadline.missing"], lambda c: c in ("citation.unknown", "deadline.missing"))]:
        rc, part = findings(db, "--registry", reg, *args)
        want = [f for f in got if keep(f["code"])]
        check(want != [] and want != got, "%s: a proper part of the findings (%d of %d)" % (args, len(want), len(got)))
        lwtest.compare(want, part, "check %s" % " ".join(args))
        check(rc == (1 if any(f["severity"] == "error" for f in want) else 0), "%s: exit status of what is kept: %d" % (args, rc))
    for bad in ["citatio", "bogus.code", ",", ""]:
        rc, out, err = run("check", "--db", db, "--format", "json", "--code", bad)
        check(rc == 2 and "--code" not in out and ("citation.wrong_date" in err), "--code %r: exit 2 listing the codes: %d %s" % (bad, rc, err[:200]))
    # the table: Vietnamese labels, lines, the province plan's place as evidence
    rc, out, err = run("check", "--db", db, "--registry", reg)
    check("LỖI" in out and "dòng 47" in out and "phát hiện" in out, "table output: " + out[:300])
    check("xem: Kế hoạch số 12/KH-UBND ngày 10/01/2024 của Ủy ban nhân dân tỉnh Bến Tre\n"
          "             (tests/data/check/01_province_plan_2024.txt, dòng 40)" in out,
          "the table names the province plan as reviewers do, then its file and line")
    # each document under its label and subject, the path after
    check("Công văn số 455/STP-TDTHPL ngày 12/03/2024 của Sở Tư pháp tỉnh Bến Tre\n  V/v phối hợp" in out or
          "Công văn số 455/STP-TDTHPL ngày 12/03/2024 của Sở Tư pháp tỉnh Bến Tre\n  phối hợp" in out,
          "the table names the document, then its subject: " + out[:200])
    check("  (tests/data/check/29_letter_cites_replaced_decision.txt)" in out, "the path after the label")
    # the registry entry and the stating document as reviewers know them, files after
    check("theo danh mục: Thông tư số 14/2014/TT-BTP ngày 15/05/2014 của Bộ Tư pháp quy định chi tiết" in out,
          "the registry entry named: " + out[:300])
    check("theo: Quyết định số 15/2023/QĐ-UBND ngày 10/05/2023 của Ủy ban nhân dân tỉnh Bến Tre\n"
          "             (tests/data/check/28_decision_2023_replaces.txt, dòng 25)" in out,
          "the stating document named, then its file and line")
    # unknown citations: one summary per document; --unknown lists them, OCR-suspect marked
    # "QĐ-T1G" is mended when the text is read (rules/lexicon.yaml symbol_alias): unknown, not suspect
    check("3 văn bản được viện dẫn chưa có trong danh mục (rules/registry.yaml), trong đó 2 có số hiệu có thể do "
          "lỗi nhận dạng (OCR)" in out, "the summary counts the OCR-suspect ids")
    check("dòng 14    845/UBNDNC" not in out, "the summary does not list every id")
    # documents with findings first, unknown citations after; they are counted apart
    first_unknown_only = out.index("09_letter_unknown_ref.txt")
    check(out.index("29_letter_cites_replaced_decision.txt") < first_unknown_only,
          "documents with findings come before those with unknown citations only")
    check(out.splitlines()[-2].startswith("18 phát hiện: 16 lỗi, 2 cảnh báo, 0 thông tin") and
          out.splitlines()[-1].startswith("9 văn bản được viện dẫn chưa có trong danh mục, ở 5 văn bản (trong đó 2 có "
                                          "số hiệu có thể do lỗi nhận dạng (OCR))"), "the footer counts unknown citations apart: " + "\n".join(out.splitlines()[-2:]))
    rc, out2, err = run("check", "--db", db, "--registry", reg, "--unknown")
    check("dòng 14    845/UBNDNC  (có thể do lỗi nhận dạng (OCR): ký hiệu thiếu dấu gạch nối giữa các phần)" in out2,
          "--unknown lists each id with its line and the OCR mark: " + out2[:200])
    check("dòng 14    845/UBND-NC\n" in out2, "--unknown: a clean id is not marked")
    # usage and data errors
    rc, out, err = run("check", "--db", db, "--year", "abc")
    check(rc == 2 and "--year" in err, "bad --year: " + err)
    bad = os.path.join(tmp, "bad-registry.yaml")
    open(bad, "w", encoding="utf-8").write("registry:\n  - id: 59/2012/NĐ-CP\n    type: Nghị định\n    issued: 2012-02-30\n")
    rc, out, err = run("check", "--db", db, "--registry", bad)
    check(rc == 2 and "bad-registry.yaml:2" in err and "2012-02-30" in err, "a bad registry entry names file and line: " + err)
    rc, out, err = run("check", "--db", os.path.join(tmp, "none.db"))
    check(rc == 2 and "lawwatch ingest" in err, "no database: a hint: " + err)

    # like with like (class 6): a district's duty to make its communes inspect is not its own
    # inspection, so its later deadline does not conflict with the province's; the roles are
    # set in the database so that the test holds whatever the extractor gives
    ddb = os.path.join(tmp, "directs.db")
    run("ingest", "--db", ddb, os.path.join(DATA, "01_province_plan_2024.txt"),
        os.path.join(SRC, "tests", "data", "check-directs"))
    con = sqlite3.connect(ddb)
    directing = """SELECT u.rowid FROM duty_units u JOIN duties d ON d.fact_id = u.fact_id
                   WHERE d.activity LIKE 'Chỉ đạo%' AND u.name LIKE '%xã%'"""
    con.execute("UPDATE duty_units SET role = 'lead' WHERE role = 'concerns'")
    con.commit()
    rc, dgot = findings(ddb, "--registry", reg)
    check([(f["code"], f["line"]) for f in dgot] == [("deadline.conflict", 58)],
          "control: the directing duty read as the district's own inspection conflicts: %s" % dgot)
    con.execute("UPDATE duty_units SET role = 'concerns' WHERE rowid IN (%s)" % directing)
    con.commit()
    con.close()
    rc, dgot = findings(ddb, "--registry", reg)
    check(dgot == [], "a directing duty does not conflict with the province's own-work duty: %s" % dgot)
    # a unit the province's duty only concerns is not given it (no duty.missing)
    con = sqlite3.connect(db)
    con.execute("""UPDATE duty_units SET role = 'concerns' WHERE name = 'Ủy ban nhân dân cấp huyện' AND fact_id IN
                   (SELECT d.fact_id FROM duties d JOIN documents o ON o.id = d.doc_id
                    WHERE o.path LIKE '%02_province_plan_2025.txt' AND d.topic = 'inspect')""")
    con.commit()
    con.close()
    rc, cgot = findings(db, "--registry", reg)
    miss = sorted(f["evidence"]["province_line"] for f in cgot if f["code"] == "duty.missing")
    check(miss == [48], "duty.missing only for what is given to the unit, not what concerns it: %s" % miss)

    # relations stated by real documents (class 12): every one listed in relations-real.json
    # (read from the documents: a list of documents that ceased to have effect, a circular
    # amending two others, a decree ending the one before it, ...) and no other
    want_rel = json.load(open(os.path.join(DATA, "relations-real.json"), encoding="utf-8"))
    files = sorted({w["path"] for w in want_rel})
    rc, out, err = run("extract", "--format", "json", *[os.path.join("corpus", "extra", f) for f in files])
    got_rel = set()
    for line in out.splitlines():
        d = json.loads(line)
        for f in d["facts"]:
            if f["kind"] == "relation" and f["type"] in ("replaces", "amends", "repeals"):
                got_rel.add((os.path.basename(d["path"]), f["line"], f["type"], f["from"], f["to"]))
    wr = {(w["path"], w["line"], w["type"], w["from"], w["to"]) for w in want_rel}
    for r in sorted(wr - got_rel, key=str):
        check(False, "relation not found: %s" % (r,))
    for r in sorted(got_rel - wr, key=str):
        check(False, "relation that the document does not state: %s" % (r,))

    # the real corpus: only the listed (true) findings
    cdb = os.path.join(tmp, "corpus.db")
    run("ingest", "--db", cdb, os.path.join(SRC, "corpus"))
    rc, real = findings(cdb)
    want = json.load(open(os.path.join(DATA, "corpus-findings.json"), encoding="utf-8"))
    gk = sorted((os.path.basename(f["path"]), f["code"], f["line"]) for f in real)
    wk = sorted((w["path"], w["code"], w["line"]) for w in want)
    check(gk == wk, "real corpus findings %s, want %s" % (gk, wk))
    go = sorted((os.path.basename(f["path"]), f["line"], f["evidence"]["id"]) for f in real
                if f["evidence"].get("ocr_suspect"))
    wo = sorted((w["path"], w["line"], w["id"]) for w in want if w.get("ocr_suspect"))
    check(go == wo, "real corpus ids marked as probably OCR damage %s, want %s" % (go, wo))
finally:
    lwtest.cleanup(tmp)

lwtest.done()
