#!/usr/bin/env python3
"""Score `lawwatch extract --format json` output against a generated corpus's truth.jsonl.

    score_truth.py --truth DIR/truth.jsonl --extract FILE.jsonl [--json] [--top N] [--examples K]

Precision/recall/F1 of legal_ref ids and of deadline `to` dates (sets per document, micro
averaged, ids compared NFC + casefold like ../shared/eval/score.py), agency recall (an extracted
name equal to the truth's or going on from it), header accuracy per field, encoding accuracy,
and the most frequent misses and false positives, grouped by how the truth wrote the fact
(its "form", from the truth's evidence) or by the extractor rule that gave the false positive,
each with an example. Also per noise feature: F1 on the documents that carry it.
Exit status 0, or 2 on bad input.
"""
import argparse
import collections
import json
import os
import sys
import unicodedata


def norm(s):
    return unicodedata.normalize("NFC", s).casefold().strip() if isinstance(s, str) else s


def flat(s):
    """NFC, casefolded, one space for any run of white space"""
    return " ".join(unicodedata.normalize("NFC", s).casefold().split())


# the centrally-run cities: the project's rules name their People's Committee "Ủy ban nhân dân
# tỉnh X"; the truth uses the official "Ủy ban nhân dân thành phố X" (see --city-as-tinh)
CITIES = ("hà nội", "hồ chí minh", "hải phòng", "đà nẵng", "cần thơ", "huế")


def city_variants(name):
    n = norm(name)
    out = {n}
    for c in CITIES:
        if n.endswith("thành phố " + c):
            out.add(n[: -len("thành phố " + c)] + "tỉnh " + c)
    return out


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def stem(path):
    return os.path.splitext(os.path.basename(path or ""))[0]


def load_jsonl(path, what):
    out = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.strip()
            if not line:
                continue
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as e:
                sys.exit(f"{path}:{n}: the {what} is not JSON: {e}")
    return out


class Group:
    """counts of a kind of miss or false positive, with a few examples"""

    def __init__(self):
        self.n = 0
        self.examples = []

    def add(self, ex, k):
        self.n += 1
        if len(self.examples) < k:
            self.examples.append(ex)


def top(groups, n):
    return sorted(groups.items(), key=lambda kv: (-kv[1].n, kv[0]))[:n]


def main(argv):
    ap = argparse.ArgumentParser(description="Score lawwatch extract output against generated truth.")
    ap.add_argument("--truth", required=True, help="truth.jsonl written by gen_corpus.py")
    ap.add_argument("--extract", required=True, help="output of lawwatch extract --format json")
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    ap.add_argument("--top", type=int, default=10, help="how many miss / false-positive groups to show")
    ap.add_argument("--examples", type=int, default=1, help="examples per group")
    ap.add_argument("--city-as-tinh", action="store_true",
                    help='accept "... tỉnh Hà Nội" for the truth\'s "... thành phố Hà Nội" (agencies, issuer): the rules\' convention')
    a = ap.parse_args(argv[1:])

    truths = load_jsonl(a.truth, "truth")
    preds = {stem(r.get("path")): r for r in load_jsonl(a.extract, "extract output")}

    ref = [0, 0, 0]
    ddl = [0, 0, 0]
    ag_hit = ag_all = 0
    hd = collections.defaultdict(lambda: [0, 0])
    enc = [0, 0]
    missing = []
    g_ref_miss, g_ref_fp = collections.defaultdict(Group), collections.defaultdict(Group)
    g_dl_miss, g_dl_fp = collections.defaultdict(Group), collections.defaultdict(Group)
    g_ag_miss, g_hd_miss = collections.defaultdict(Group), collections.defaultdict(Group)
    by_noise = collections.defaultdict(lambda: {"docs": 0, "ref": [0, 0, 0], "ddl": [0, 0, 0], "hd": [0, 0]})
    k = a.examples

    for t in truths:
        s = stem(t["path"])
        rec = preds.get(s)
        if rec is None:
            missing.append(t["path"])
            rec = {"facts": [], "header": {}, "encoding": None}
        facts = rec.get("facts") or []
        ev = t.get("evidence", {})
        noise = (t.get("meta") or {}).get("noise") or ["(none)"]
        level = (t.get("meta") or {}).get("unit_level", "?")
        buckets = [by_noise[x] for x in noise] + [by_noise["(all)"]]
        for b in buckets:
            b["docs"] += 1

        # legal references
        got = {}
        for f in facts:
            if f.get("kind") == "legal_ref" and f.get("id"):
                got.setdefault(norm(f["id"]), f)
        want = {norm(x): x for x in t.get("legal_ref_ids", [])}
        tp, fp, fn = len(got.keys() & want.keys()), len(got.keys() - want.keys()), len(want.keys() - got.keys())
        for acc in [ref] + [b["ref"] for b in buckets]:
            acc[0] += tp; acc[1] += fp; acc[2] += fn
        evr = {norm(x): v for x, v in ev.get("legal_ref", {}).items()}
        for x in sorted(want.keys() - got.keys()):
            forms = evr.get(x) or [["?", want[x]]]
            g_ref_miss[forms[0][0]].add({"doc": t["path"], "id": want[x], "text": forms[0][1]}, k)
        for x in sorted(got.keys() - want.keys()):
            f = got[x]
            g_ref_fp[f.get("rule", "?")].add({"doc": t["path"], "id": f.get("id"), "text": f.get("text"),
                                               "line": f.get("line")}, k)

        # deadlines
        gotd = {}
        for f in facts:
            if f.get("kind") == "deadline" and f.get("to"):
                gotd.setdefault(f["to"], f)
        wantd = set(t.get("deadline_to", []))
        tp, fp, fn = len(gotd.keys() & wantd), len(gotd.keys() - wantd), len(wantd - gotd.keys())
        for acc in [ddl] + [b["ddl"] for b in buckets]:
            acc[0] += tp; acc[1] += fp; acc[2] += fn
        evd = ev.get("deadline", {})
        for x in sorted(wantd - gotd.keys()):
            forms = evd.get(x) or [["?", x]]
            g_dl_miss[forms[0][0]].add({"doc": t["path"], "to": x, "text": forms[0][1]}, k)
        decoys = [(form, flat(txt)) for form, txt in ev.get("not_deadline", [])]
        for x in sorted(gotd.keys() - wantd):
            f = gotd[x]
            ft = flat(f.get("text") or "")
            hit = [form for form, txt in decoys if ft and ft in txt]
            key = f"{f.get('rule', '?')} on a planted decoy ({hit[0]})" if hit else f.get("rule", "?")
            g_dl_fp[key].add({"doc": t["path"], "to": x, "text": f.get("text"), "line": f.get("line")}, k)

        # agencies
        names = [norm(f.get("name")) for f in facts if f.get("kind") == "agency" and f.get("name")]
        eva = ev.get("agency", {})
        for ag in t.get("agencies", []):
            ag_all += 1
            nas = city_variants(ag) if a.city_as_tinh else {norm(ag)}
            if any(n == na or n.startswith(na + " ") for n in names for na in nas):
                ag_hit += 1
            else:
                surf, cls = (eva.get(ag) or [ag, ag]) if isinstance(eva.get(ag), list) else (eva.get(ag, ag), ag)
                g_ag_miss[cls].add({"doc": t["path"], "want": ag, "text": surf}, k)

        # header and encoding
        header = rec.get("header") or {}
        for key, v in (t.get("header") or {}).items():
            ok = norm(header.get(key)) in (city_variants(v) if a.city_as_tinh and key == "issuer" else {norm(v)})
            hd[key][0] += ok
            hd[key][1] += 1
            for b in buckets:
                b["hd"][0] += ok
                b["hd"][1] += 1
            if not ok:
                g_hd_miss[f"{key} ({level})"].add({"doc": t["path"], "want": v, "got": header.get(key)}, k)
        enc[1] += 1
        enc[0] += (rec.get("encoding") == t.get("encoding"))

    hd_hit = sum(v[0] for v in hd.values())
    hd_all = sum(v[1] for v in hd.values())
    res = {
        "documents": len(truths),
        "missing_output": missing,
        "legal_ref_ids": prf(*ref),
        "deadline_to": prf(*ddl),
        "agencies": {"recall": round(ag_hit / ag_all, 4) if ag_all else 1.0, "hit": ag_hit, "all": ag_all},
        "header": {"accuracy": round(hd_hit / hd_all, 4) if hd_all else 1.0,
                   "fields": {f: round(v[0] / v[1], 4) for f, v in sorted(hd.items())}},
        "encoding": {"accuracy": round(enc[0] / enc[1], 4) if enc[1] else 1.0},
        "by_noise": {n: {"docs": b["docs"], "ref_f1": prf(*b["ref"])["f1"], "deadline_f1": prf(*b["ddl"])["f1"],
                         "header_acc": round(b["hd"][0] / b["hd"][1], 4) if b["hd"][1] else 1.0}
                     for n, b in sorted(by_noise.items())},
    }

    def dump(groups):
        return [{"group": g, "count": v.n, "examples": v.examples} for g, v in top(groups, a.top)]

    res["top"] = {"legal_ref_missed": dump(g_ref_miss), "legal_ref_false": dump(g_ref_fp),
                  "deadline_missed": dump(g_dl_miss), "deadline_false": dump(g_dl_fp),
                  "agency_missed": dump(g_ag_miss), "header_wrong": dump(g_hd_miss)}
    if a.json:
        print(json.dumps(res, ensure_ascii=False, indent=1))
        return 0

    def line(name, m):
        return (f"{name:<15} P={m['precision']:.3f} R={m['recall']:.3f} F1={m['f1']:.3f}"
                f"   (tp {m['tp']}, fp {m['fp']}, fn {m['fn']})")

    print(f"documents: {len(truths)}" + (f"   NO OUTPUT for {len(missing)}: {' '.join(missing[:5])}" if missing else ""))
    print(line("legal_ref ids", res["legal_ref_ids"]))
    print(line("deadline to", res["deadline_to"]))
    print(f"{'agencies':<15} R={res['agencies']['recall']:.3f}   ({ag_hit} of {ag_all})")
    print(f"{'header':<15} acc={res['header']['accuracy']:.3f}   " +
          "  ".join(f"{f}={v:.3f}" for f, v in res["header"]["fields"].items()))
    print(f"{'encoding':<15} acc={res['encoding']['accuracy']:.3f}")
    print("\nby noise feature (documents that carry it):")
    for n, b in res["by_noise"].items():
        print(f"  {n:<14} docs={b['docs']:<5} ref F1={b['ref_f1']:.3f}  deadline F1={b['deadline_f1']:.3f}  header={b['header_acc']:.3f}")
    titles = [("legal_ref_missed", "legal_ref ids missed, by the form the text used"),
              ("legal_ref_false", "legal_ref ids not in the truth, by extractor rule"),
              ("deadline_missed", "deadlines missed, by form"),
              ("deadline_false", "deadline dates not in the truth, by extractor rule (and planted decoy)"),
              ("agency_missed", "agencies missed, by name (place names generalised)"),
              ("header_wrong", "header fields wrong, by field (issuer level)")]
    for key, title in titles:
        rows = res["top"][key]
        if not rows:
            continue
        print(f"\n{title}:")
        for row in rows:
            for i, ex in enumerate(row["examples"]):
                detail = "  ".join(f"{k2}={v!r}" for k2, v in ex.items())
                head = f"{row['count']:>6}  {row['group']:<32}" if i == 0 else " " * 40
                print(f"{head} {detail}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except BrokenPipeError:          # | head
        sys.exit(0)
