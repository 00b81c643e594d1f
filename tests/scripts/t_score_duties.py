#!/usr/bin/env python3
"""The duty scorer (tests/scripts/score_duties.py) on tiny crafted inputs: what matches
(same deadline and a lead, a more specific lead, NFC/case/tone style), what does not (another
deadline, a less specific or merely similar lead), one-to-one pairing by line distance, which
facts are not scored, and the exit status against the thresholds.

Called by ctest as `t_score_duties.py LAWWATCH SRC_DIR` (the binary is not used)."""
import json
import os
import subprocess
import sys
import unicodedata

import lwtest

BIN, SRC = lwtest.paths()
SCORER = os.path.join(SRC, "tests", "scripts", "score_duties.py")
sys.path.insert(0, os.path.dirname(SCORER))
import score_duties as sd  # noqa: E402

def check(what, got, want):
    lwtest.compare(want, got, what)


def duty(line, to, lead, dl_line=None):
    return {"kind": "duty", "line": line, "lead": lead, "activity": "x",
            "deadline": None if to is None else {"to": to, "line": dl_line or line}}


def doc(path, facts):
    return json.dumps({"path": path, "facts": facts}, ensure_ascii=False)


def gold_duty(line, to, lead):
    return {"line": line, "to": to, "lead": lead, "concerns": [], "activity": "x"}


def run(tmp, preds, golds, *flags):
    gdir = os.path.join(tmp, "gold")
    os.makedirs(gdir, exist_ok=True)
    for f in os.listdir(gdir):
        os.remove(os.path.join(gdir, f))
    for stem, duties in golds.items():
        with open(os.path.join(gdir, stem + ".json"), "w", encoding="utf-8") as f:
            json.dump({"path": f"corpus/{stem}.txt", "duties": duties}, f, ensure_ascii=False)
    pred = os.path.join(tmp, "pred.jsonl")
    with open(pred, "w", encoding="utf-8") as f:
        f.write("\n".join(preds) + "\n")
    r = subprocess.run([sys.executable, SCORER, pred, gdir, *flags],
                       capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


def totals(out):
    line = [l for l in out.splitlines() if l.startswith("duties ")][-1]
    return line


with lwtest.tmpdir("lw_score_") as tmp:
    # 1. A perfect prediction; facts of other kinds, duties without a deadline and documents
    #    without gold are not scored.
    g = {"a": [gold_duty(10, "2025-11-15", ["Sở Tư pháp"]),
               gold_duty(20, "2025-09-30", ["Các sở, ban, ngành tỉnh", "Ủy ban nhân dân cấp huyện"])]}
    p = [doc("/x/corpus/a.txt", [duty(9, "2025-11-15", ["Sở Tư pháp"], 10),
                                 duty(20, "2025-09-30", ["Ủy ban nhân dân cấp huyện"]),
                                 duty(30, None, ["Sở Tư pháp"]),
                                 {"kind": "deadline", "line": 40, "to": "2025-12-31"}]),
         doc("corpus/other.txt", [duty(1, "2025-01-01", ["Sở Nội vụ"])])]
    rc, out, err = run(tmp, p, g, "--min-p", "1", "--min-r", "1")
    check("perfect: exit", rc, 0)
    check("perfect: totals", totals(out), "duties P=1.000 R=1.000 F1=1.000")

    # 2. Another deadline is a miss and an extra; thresholds make the exit 1.
    p = [doc("corpus/a.txt", [duty(10, "2025-11-14", ["Sở Tư pháp"]),
                              duty(20, "2025-09-30", ["Các sở, ban, ngành tỉnh"])])]
    rc, out, err = run(tmp, p, g, "--min-p", "0.95", "--min-r", "0.95")
    check("wrong date: exit", rc, 1)
    check("wrong date: totals", totals(out), "duties P=0.500 R=0.500 F1=0.500")
    check("wrong date: miss shown", "miss  line   10  2025-11-15  Sở Tư pháp" in out, True)
    check("wrong date: extra shown", "extra line   10  2025-11-14  Sở Tư pháp" in out, True)
    check("wrong date: below threshold said", "below threshold" in err, True)
    rc, out, err = run(tmp, p, g, "--min-p", "0.5", "--min-r", "0.5")
    check("threshold met: exit", rc, 0)

    # 3. Lead names: a more specific prediction matches, a less specific or a longer word
    #    does not; NFD, case and the old tone-mark style fold.
    L = sd.lead_matches
    check("more specific", L(["Sở Tư pháp tỉnh Sóc Trăng"], ["Sở Tư pháp"]), True)
    check("less specific", L(["Sở Tư pháp"], ["Sở Tư pháp tỉnh Sóc Trăng"]), False)
    check("word goes on", L(["Sở Tư phápX"], ["Sở Tư pháp"]), False)
    check("other unit", L(["Sở Nội vụ"], ["Sở Tư pháp"]), False)
    check("case and NFD", L([unicodedata.normalize("NFD", "SỞ TƯ PHÁP")], ["Sở Tư pháp"]), True)
    check("tone style", L(["Uỷ ban nhân dân cấp huyện"], ["Ủy ban nhân dân cấp huyện"]), True)
    check("no lead", L([], ["Sở Tư pháp"]), False)
    check("any of the gold leads", L(["Ủy ban nhân dân cấp xã"],
                                      ["Ủy ban nhân dân cấp huyện", "Ủy ban nhân dân cấp xã"]), True)

    # 4. One to one, closest lines first: two gold duties with the same deadline and lead
    #    pair with the nearest predictions; a third prediction is an extra.
    g4 = {"b": {"duties": [gold_duty(10, "2025-12-31", ["Sở Tư pháp"]),
                           gold_duty(50, "2025-12-31", ["Sở Tư pháp"])]}}
    preds = {"b": [{"line": 48, "to": "2025-12-31", "lead": ["Sở Tư pháp"]},
                   {"line": 12, "to": "2025-12-31", "lead": ["Sở Tư pháp"]},
                   {"line": 13, "to": "2025-12-31", "lead": ["Sở Tư pháp"]}]}
    docs, t = sd.score(preds, g4)
    check("pairs by distance", sorted(docs["b"]["pairs"]), [(0, 1), (1, 0)])
    check("one to one: extra", [u["line"] for u in docs["b"]["extras"]], [13])
    check("one to one: totals", (t["tp"], t["fp"], t["fn"]), (2, 1, 0))

    # 4b. A doubtful gold duty: counted by default, neutral with --neutral-doubt.
    g4b = {"b": {"duties": [gold_duty(10, "2025-12-31", ["Sở Tư pháp"]),
                            dict(gold_duty(20, "2025-06-30", ["Sở Nội vụ"]), doubt=True),
                            dict(gold_duty(30, "2025-03-31", ["Sở Y tế"]), doubt=True)]}}
    preds = {"b": [{"line": 10, "to": "2025-12-31", "lead": ["Sở Tư pháp"]},
                   {"line": 20, "to": "2025-06-30", "lead": ["Sở Nội vụ"]}]}
    docs, t = sd.score(preds, g4b)
    check("doubt counted", (t["tp"], t["fp"], t["fn"]), (2, 0, 1))
    docs, t = sd.score(preds, g4b, neutral_doubt=True)
    check("doubt neutral", (t["tp"], t["fp"], t["fn"]), (1, 0, 0))

    # 5. A gold document absent from the predictions: all its duties are misses, said so.
    rc, out, err = run(tmp, [doc("corpus/other.txt", [])], g)
    check("absent: totals", totals(out), "duties P=1.000 R=0.000 F1=0.000")
    check("absent: said", "document not in the predictions" in out, True)

    # 6. A gold document with no duties: every dated prediction in it is an extra.
    rc, out, err = run(tmp, [doc("corpus/c.txt", [duty(5, "2025-06-30", ["Sở Tư pháp"])])],
                       {"c": []}, "--min-p", "0.95")
    check("empty gold: exit", rc, 1)
    check("empty gold: totals", totals(out), "duties P=0.000 R=1.000 F1=0.000")

    # 7. Bad input is a usage error (2), not a score.
    bad = os.path.join(tmp, "bad.jsonl")
    with open(bad, "w") as f:
        f.write("{not json\n")
    r = subprocess.run([sys.executable, SCORER, bad, os.path.join(tmp, "gold")],
                       capture_output=True, text=True)
    check("bad json: exit", r.returncode, 2)

lwtest.done()
