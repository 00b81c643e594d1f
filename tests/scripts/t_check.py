#!/usr/bin/env python3
"""lawwatch check on the crafted corpus (tests/data/check): every planted error is found with
its code, line and evidence, and nothing else (the clean twins give no finding); the filters,
the exit status, the table and JSON forms, a bad registry file; and the real corpus gives
only the findings listed in tests/data/check/corpus-findings.json (each one true).
Usage: t_check.py LAWWATCH SOURCE_DIR"""
import json, os, shutil, subprocess, sys, tempfile

BIN, SRC = sys.argv[1], sys.argv[2]
DATA = os.path.join(SRC, "tests", "data", "check")
FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL: " + what)


def run(*args):
    p = subprocess.run([BIN, *args], capture_output=True, text=True, cwd=SRC)
    return p.returncode, p.stdout, p.stderr


def findings(db, *extra):
    rc, out, err = run("check", "--db", db, "--format", "json", *extra)
    check(rc in (0, 1), "check runs: rc %d %s" % (rc, err))
    try:
        return rc, json.loads(out)
    except ValueError:
        check(False, "check --format json prints JSON: " + out[:200])
        return rc, []


tmp = tempfile.mkdtemp(prefix="lw_check_")
try:
    db = os.path.join(tmp, "check.db")
    rc, out, err = run("ingest", "--db", db, DATA)
    check(rc in (0, 1), "ingest of the crafted corpus: " + err)
    reg = os.path.join(DATA, "registry.yaml")
    rc, got = findings(db, "--registry", reg)
    check(rc == 1, "exit status 1 when an error is found, got %d" % rc)
    for f in got:
        check(set(f) == {"code", "severity", "path", "line", "message", "evidence"}, "finding keys: %s" % sorted(f))
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

    # filters: --unit and --year keep only the documents asked for
    rc, only = findings(db, "--registry", reg, "--unit", "chau thanh")
    check(only and all("chau_thanh" in f["path"] for f in only), "--unit keeps one district: %s" % [f["path"] for f in only])
    rc, y25 = findings(db, "--registry", reg, "--year", "2025")
    check(y25 and all(os.path.basename(f["path"]).startswith(("02_", "18_", "19_", "22_", "23_", "24_")) for f in y25),
          "--year 2025 keeps the 2025 documents: %s" % sorted({os.path.basename(f["path"]) for f in y25}))
    rc, none = findings(db, "--registry", reg, "--unit", "Sở Tài chính")
    check(rc == 0 and none == [], "a clean unit: no finding and exit 0: %s" % none)
    # the table: Vietnamese labels, lines, the province plan's place as evidence
    rc, out, err = run("check", "--db", db, "--registry", reg)
    check("LỖI" in out and "dòng 47" in out and "phát hiện" in out, "table output: " + out[:300])
    check("01_province_plan_2024.txt, dòng" in out, "the table names the province plan's line")
    # usage and data errors
    rc, out, err = run("check", "--db", db, "--year", "abc")
    check(rc == 2 and "--year" in err, "bad --year: " + err)
    bad = os.path.join(tmp, "bad-registry.yaml")
    open(bad, "w", encoding="utf-8").write("registry:\n  - id: 59/2012/NĐ-CP\n    type: Nghị định\n    issued: 2012-02-30\n")
    rc, out, err = run("check", "--db", db, "--registry", bad)
    check(rc == 2 and "bad-registry.yaml:2" in err and "2012-02-30" in err, "a bad registry entry names file and line: " + err)
    rc, out, err = run("check", "--db", os.path.join(tmp, "none.db"))
    check(rc == 2 and "lawwatch ingest" in err, "no database: a hint: " + err)

    # the real corpus: only the listed (true) findings
    cdb = os.path.join(tmp, "corpus.db")
    run("ingest", "--db", cdb, os.path.join(SRC, "corpus"))
    rc, real = findings(cdb)
    want = json.load(open(os.path.join(DATA, "corpus-findings.json"), encoding="utf-8"))
    gk = sorted(key(f) for f in real)
    wk = sorted((w["path"], w["code"], w["line"]) for w in want)
    check(gk == wk, "real corpus findings %s, want %s" % (gk, wk))
finally:
    shutil.rmtree(tmp, ignore_errors=True)

print("%d failure(s)" % len(FAILS))
sys.exit(1 if FAILS else 0)
