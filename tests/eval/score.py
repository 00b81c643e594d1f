#!/usr/bin/env python3
# Copied from shared/eval/score.py: the scorer the project is judged with, kept here so the
# suite needs nothing beside the checkout.
"""Score `lawwatch extract --format json` output against gold files.

Usage: score.py GOLD_DIR PRED.jsonl [--min-ref-f1 X] [--min-deadline-f1 X]
                                    [--min-agency-recall X] [--min-header X]

A gold file GOLD_DIR/NAME.json belongs to the input file whose name (without
extension) is NAME. It lists:
  header          fields that must equal the extracted header's fields
  legal_ref_ids   the set of canonical ids of legal_ref facts
  ignore_id_prefixes  ids garbled by OCR: an extracted id starting with one
                  of these counts neither way
  deadline_to     the set of `to` dates of deadline facts
  agencies        names that some agency fact must carry (the extracted
                  name may go on, e.g. with the province's name)
Prints per-document misses, then one summary line. Exits 1 when a --min
threshold is not met, else 0.
"""
import argparse
import json
import os
import sys
import unicodedata


def norm(s):
    return unicodedata.normalize("NFC", s).casefold().strip() if isinstance(s, str) else s


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def main(argv):
    ap = argparse.ArgumentParser(description="Score extract output against gold files.")
    ap.add_argument("gold_dir")
    ap.add_argument("pred")
    for k in ("min-ref-f1", "min-deadline-f1", "min-agency-recall", "min-header"):
        ap.add_argument("--" + k, type=float, default=0.0)
    a = ap.parse_args(argv[1:])
    gold_dir, pred_path = a.gold_dir, a.pred
    opts = {"min-ref-f1": a.min_ref_f1, "min-deadline-f1": a.min_deadline_f1,
            "min-agency-recall": a.min_agency_recall, "min-header": a.min_header}

    preds = {}
    with open(pred_path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                print(f"line {n} of the output is not JSON: {e}")
                return 1
            stem = os.path.splitext(os.path.basename(rec.get("path", "")))[0]
            preds[stem] = rec

    ref = [0, 0, 0]
    ddl = [0, 0, 0]
    ag_hit = ag_all = 0
    hd_hit = hd_all = 0
    for name in sorted(os.listdir(gold_dir)):
        if not name.endswith(".json"):
            continue
        stem = name[:-5]
        gold = json.load(open(os.path.join(gold_dir, name), encoding="utf-8"))
        rec = preds.get(stem)
        if rec is None:
            print(f"{stem}: no output for this document")
            rec = {"facts": [], "header": {}}
        facts = rec.get("facts") or []

        ignore = [norm(x) for x in gold.get("ignore_id_prefixes", [])]
        got = {norm(f.get("id")) for f in facts if f.get("kind") == "legal_ref" and f.get("id")}
        got = {g for g in got if not any(g.startswith(p) for p in ignore)}
        want = {norm(x) for x in gold.get("legal_ref_ids", [])}
        _count(ref, got, want, stem, "legal_ref")

        got = {f.get("to") for f in facts if f.get("kind") == "deadline" and f.get("to")}
        want = set(gold.get("deadline_to", []))
        _count(ddl, got, want, stem, "deadline")

        names = [norm(f.get("name")) for f in facts if f.get("kind") == "agency" and f.get("name")]
        for a in gold.get("agencies", []):
            ag_all += 1
            if any(n == norm(a) or n.startswith(norm(a) + " ") for n in names):
                ag_hit += 1
            else:
                print(f"{stem}: agency missing: {a}")

        header = rec.get("header") or {}
        for k, v in gold.get("header", {}).items():
            hd_all += 1
            if norm(header.get(k)) == norm(v):
                hd_hit += 1
            else:
                print(f"{stem}: header.{k} = {header.get(k)!r}, want {v!r}")

    rp, rr, rf = prf(*ref)
    dp, dr, df = prf(*ddl)
    ar = ag_hit / ag_all if ag_all else 1.0
    ha = hd_hit / hd_all if hd_all else 1.0
    print(f"refs P={rp:.3f} R={rr:.3f} F1={rf:.3f} | deadlines P={dp:.3f} R={dr:.3f} F1={df:.3f}"
          f" | agencies R={ar:.3f} | header acc={ha:.3f}")
    short = []
    if rf < opts.get("min-ref-f1", 0):
        short.append("refs")
    if df < opts.get("min-deadline-f1", 0):
        short.append("deadlines")
    if ar < opts.get("min-agency-recall", 0):
        short.append("agencies")
    if ha < opts.get("min-header", 0):
        short.append("header")
    return 1 if short else 0


def _count(acc, got, want, stem, what):
    acc[0] += len(got & want)
    acc[1] += len(got - want)
    acc[2] += len(want - got)
    for x in sorted(want - got):
        print(f"{stem}: {what} missed: {x}")
    for x in sorted(got - want):
        print(f"{stem}: {what} extra: {x}")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
