#!/usr/bin/env python3
"""The facts (legal_ref ids and deadline dates) of every corpus document are the same for
each variant a scanner or converter produces: NFD, Ð look-alikes, the other tone-mark style,
hard-wrapped at 72 columns with blank lines between, CRLF, no-break spaces, line breaks inside
references, Windows-1258, TCVN3 and UTF-16 with BOM."""
import glob, json, os, re, subprocess, sys, textwrap, unicodedata

import lwtest

BIN, SRC = lwtest.paths()

def facts(path):
    rc, out, err = lwtest.run("extract", "--format", "json", path)
    if not lwtest.check(rc == 0, "extract %s: %s" % (os.path.basename(path), err)):
        return None
    rec = json.loads(out)
    ids = sorted({f["id"] for f in rec["facts"] if f["kind"] == "legal_ref" and f.get("id")})
    ddl = sorted({f["to"] for f in rec["facts"] if f["kind"] == "deadline"})
    return [ids, ddl]

OLD = {"hòa": "hoà", "Hòa": "Hoà", "HÒA": "HOÀ", "ủy": "uỷ", "Ủy": "Uỷ", "ỦY": "UỶ", "thủy": "thuỷ", "khỏe": "khoẻ"}

def wrap72(t):
    out = []
    for para in t.split("\n"):
        out.extend(textwrap.wrap(para, 72) or [""])
    return "\n\n".join(out)

def variants(t):
    yield "nfd", unicodedata.normalize("NFD", t).encode()
    yield "lookalike", t.replace("Đ", "\u00d0").encode()
    s = t
    for a, b in OLD.items():
        s = s.replace(a, b)
    yield "tone", s.encode()
    yield "wrap72", wrap72(t).encode()
    yield "crlf", t.replace("\n", "\r\n").encode()
    yield "nbsp", t.replace(" ", "\u00a0", 40).encode()
    yield "refbreak", re.sub(r"(\d+/\d{4}/N[ĐD])-(CP)", r"\1-\n\2", t).replace("Nghị định số", "Nghị \n\nđịnh số", 2).encode()
    yield "utf16", b"\xff\xfe" + t.encode("utf-16-le")
    for enc, name in (("CP1258", "cp1258"), ("TCVN5712-1", "tcvn3")):
        r = subprocess.run(["iconv", "-c", "-f", "UTF-8", "-t", enc], input=t.encode(), capture_output=True)
        if r.returncode in (0, 1) and r.stdout:
            yield name, r.stdout

bad = 0
with lwtest.tmpdir("lw_variants_") as tmp:
    for doc in sorted(glob.glob(os.path.join(SRC, "corpus", "*.txt"))):
        want = facts(doc)
        text = open(doc, encoding="utf-8").read()
        for name, data in variants(text):
            p = os.path.join(tmp, name + "-" + os.path.basename(doc))
            open(p, "wb").write(data)
            got = facts(p)
            if not lwtest.compare(want, got, f"{os.path.basename(doc)} [{name}]: [ids, deadlines]"):
                bad += 1
print(f"variants: {bad} differing")
lwtest.done()
