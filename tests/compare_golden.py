#!/usr/bin/env python3
"""Compares `lawwatch extract --format json` output with golden records, field by field.
Usage: compare_golden.py GOLDEN_DIR OUT.jsonl [--update]"""
import json, os, sys

def main():
    gdir, out = sys.argv[1], sys.argv[2]
    update = "--update" in sys.argv
    bad = 0
    for line in open(out, encoding="utf-8"):
        rec = json.loads(line)
        rec.pop("path", None)
        stem = os.path.splitext(os.path.basename(json.loads(line)["path"]))[0]
        gp = os.path.join(gdir, stem + ".json")
        if not update and not os.path.exists(gp):
            # a missing golden is a failure, never written silently into the source tree
            print(f"{stem}: no golden file {gp} (run with --update to create it, then review it)")
            bad += 1
            continue
        if update:
            os.makedirs(gdir, exist_ok=True)
            json.dump(rec, open(gp, "w", encoding="utf-8"), ensure_ascii=False, indent=1, sort_keys=True)
            continue
        gold = json.load(open(gp, encoding="utf-8"))
        for k in sorted(set(gold) | set(rec)):
            if k == "facts":
                g, r = gold.get(k, []), rec.get(k, [])
                for i in range(max(len(g), len(r))):
                    if i >= len(g) or i >= len(r) or g[i] != r[i]:
                        print(f"{stem}: fact {i}: want {g[i] if i < len(g) else None}\n   got {r[i] if i < len(r) else None}")
                        bad += 1
                        break
            elif gold.get(k) != rec.get(k):
                print(f"{stem}: {k}: want {gold.get(k)!r}, got {rec.get(k)!r}")
                bad += 1
    print(f"golden: {bad} differences")
    return 1 if bad else 0

sys.exit(main())
