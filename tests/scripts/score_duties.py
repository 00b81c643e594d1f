#!/usr/bin/env python3
"""Score lawwatch's duties against the real-document duty gold (tests/data/real/duties).

    score_duties.py PRED.jsonl GOLD_DIR [--min-p X] [--min-r Y] [-q]

PRED.jsonl is `lawwatch extract --format json FILE...`. A gold file GOLD_DIR/STEM.json holds
the duties of the document whose file name is STEM.txt (the format is GOLD_DIR/README.md).
Only documents with a gold file count, and of their facts only duties with a deadline: a duty
with no deadline is not scored (the report cannot show it as due).

A predicted duty matches a gold duty when its `deadline.to` is the gold `to` and one of its
lead names is one of the gold leads, or goes on after one (a prediction may be more specific:
"Sở Tư pháp tỉnh Sóc Trăng" for "Sở Tư pháp"), names compared NFC + casefold in one tone-mark
style. Matching is one to one, the closest lines first, so two duties with the same deadline
and lead in one document pair with the predictions nearest to them.

Prints per document the misses (gold not found) and the extras (predicted, not in the gold)
with their lines, then `duties P=… R=… F1=…`. Exit status: 0, 1 when P or R is below its
threshold, 2 on a usage or input error.
"""
import argparse
import json
import os
import re
import sys
import unicodedata

# The older tone-mark style ("hoà", "uỷ") folded to the templates' ("hòa", "ủy"): gold and
# extractor both write canonical names, but a reviewer's hand-edited gold may not.
_OLD_STYLE = {"oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
              "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
              "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy"}
_OLD_RE = re.compile("(" + "|".join(_OLD_STYLE) + r")(?![\w])")


def norm(name):
    s = unicodedata.normalize("NFC", name).casefold()
    s = re.sub(r"\s+", " ", s).strip()
    return _OLD_RE.sub(lambda m: _OLD_STYLE[m.group(1)], s)


def stem_of(path):
    base = os.path.basename(path)
    return base[:-4] if base.endswith(".txt") else os.path.splitext(base)[0]


def lead_matches(pred_leads, gold_leads):
    """True when one predicted name is a gold name or a more specific form of one."""
    for p in pred_leads:
        n = norm(p)
        for g in gold_leads:
            m = norm(g)
            if n == m or n.startswith(m + " "):
                return True
    return False


def load_gold(gold_dir):
    gold = {}
    for name in sorted(os.listdir(gold_dir)):
        if not name.endswith(".json"):
            continue
        path = os.path.join(gold_dir, name)
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
        for i, u in enumerate(d.get("duties", [])):
            for key in ("line", "to", "lead"):
                if key not in u:
                    raise ValueError(f"{path}: duty {i + 1} has no {key}")
        gold[name[:-5]] = d
    return gold


def load_pred(pred_path):
    """STEM -> list of dated duties {line, to, lead, activity}; a document read twice (the
    same stem at two paths) is scored once, from its first record."""
    pred = {}
    with open(pred_path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
            except ValueError as e:
                raise ValueError(f"{pred_path}:{n}: not JSON: {e}") from None
            stem = stem_of(doc.get("path") or "")
            if stem in pred:
                continue
            duties = []
            for fact in doc.get("facts") or []:
                if fact.get("kind") != "duty" or not fact.get("deadline"):
                    continue
                dl = fact["deadline"]
                if not dl.get("to"):
                    continue
                duties.append({"line": dl.get("line") or fact.get("line") or 0,
                               "to": dl["to"], "lead": fact.get("lead") or [],
                               "activity": fact.get("activity") or ""})
            pred[stem] = duties
    return pred


def match(preds, golds):
    """One-to-one pairs (pred index, gold index), the closest lines first."""
    cand = []
    for i, p in enumerate(preds):
        for j, g in enumerate(golds):
            if p["to"] == g["to"] and lead_matches(p["lead"], g["lead"]):
                cand.append((abs(p["line"] - g["line"]), g["line"], p["line"], i, j))
    cand.sort()
    used_p, used_g, pairs = set(), set(), []
    for _, _, _, i, j in cand:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        pairs.append((i, j))
    return pairs


def score(pred, gold, neutral_doubt=False):
    """Per-document results and totals: {stem: {tp, pairs, misses, extras, missing}}.
    With neutral_doubt, a gold duty marked `doubt` counts neither way: not a miss when no
    prediction finds it, and the prediction that finds it is neither a hit nor an extra."""
    docs, tp, fp, fn = {}, 0, 0, 0
    for stem, g in sorted(gold.items()):
        golds = g.get("duties", [])
        preds = pred.get(stem)
        r = {"missing": preds is None}
        preds = preds or []
        pairs = match(preds, golds)
        mp = {i for i, _ in pairs}
        mg = {j for _, j in pairs}
        if neutral_doubt:
            pairs = [(i, j) for i, j in pairs if not golds[j].get("doubt")]
            mg |= {j for j in range(len(golds)) if golds[j].get("doubt")}
        r["pairs"] = pairs
        r["misses"] = [golds[j] for j in range(len(golds)) if j not in mg]
        r["extras"] = [preds[i] for i in range(len(preds)) if i not in mp]
        r["tp"] = len(pairs)
        tp += len(pairs)
        fp += len(r["extras"])
        fn += len(r["misses"])
        docs[stem] = r
    p = tp / (tp + fp) if tp + fp else 1.0
    rc = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * p * rc / (p + rc) if p + rc else 0.0
    return docs, {"tp": tp, "fp": fp, "fn": fn, "p": p, "r": rc, "f1": f1}


def _show(u):
    lead = "; ".join(u["lead"]) or "(no lead)"
    act = u.get("activity") or ""
    if len(act) > 70:
        act = act[:69] + "…"
    return f"line {u['line']:>4}  {u['to']}  {lead}" + (f"  ({act})" if act else "")


def main(argv):
    ap = argparse.ArgumentParser(description="Score duties against the real-document gold.")
    ap.add_argument("pred", help="lawwatch extract --format json output (JSON Lines)")
    ap.add_argument("gold_dir", help="folder of STEM.json duty gold")
    ap.add_argument("--min-p", type=float, default=0.0)
    ap.add_argument("--min-r", type=float, default=0.0)
    ap.add_argument("-q", "--quiet", action="store_true", help="totals only")
    ap.add_argument("--neutral-doubt", action="store_true",
                    help="gold duties marked doubt count neither as found nor as missed")
    args = ap.parse_args(argv)
    try:
        gold = load_gold(args.gold_dir)
        pred = load_pred(args.pred)
    except (OSError, ValueError) as e:
        print(f"score_duties: {e}", file=sys.stderr)
        return 2
    if not gold:
        print(f"score_duties: no gold in {args.gold_dir}", file=sys.stderr)
        return 2
    docs, t = score(pred, gold, args.neutral_doubt)
    for stem, r in docs.items():
        n_gold = r["tp"] + len(r["misses"])
        n_pred = r["tp"] + len(r["extras"])
        if not args.quiet:
            head = f"{stem}: gold {n_gold}, predicted {n_pred}, matched {r['tp']}"
            if args.neutral_doubt:
                head = f"{stem}: matched {r['tp']}, missed {len(r['misses'])}, extra {len(r['extras'])}"
            if r["missing"]:
                head += "  (document not in the predictions)"
            print(head)
            for u in r["misses"]:
                print("  miss  " + _show(u))
            for u in r["extras"]:
                print("  extra " + _show(u))
    n_doubt = sum(1 for g in gold.values() for u in g.get("duties", []) if u.get("doubt"))
    print(f"documents {len(docs)}  gold {t['tp'] + t['fn']}  predicted {t['tp'] + t['fp']}  "
          f"matched {t['tp']}" + (f"  (doubtful gold {n_doubt}: neutral)" if args.neutral_doubt
                                  else f"  (of which doubtful gold {n_doubt})"))
    print(f"duties P={t['p']:.3f} R={t['r']:.3f} F1={t['f1']:.3f}")
    low = []
    if t["p"] < args.min_p:
        low.append(f"P {t['p']:.3f} < {args.min_p}")
    if t["r"] < args.min_r:
        low.append(f"R {t['r']:.3f} < {args.min_r}")
    if low:
        print("below threshold: " + ", ".join(low), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
