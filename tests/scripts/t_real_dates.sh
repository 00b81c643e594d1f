#!/usr/bin/env bash
# References and deadlines: the crafted cases of tests/data/dates (every legal_ref id and
# deadline `to`, with its line, exactly as NAME.expected.json lists them), then the real
# documents of corpus/extra scored against the gold of tests/data/real/gold-dates (written by
# reading; thresholds are what the rules reach honestly, see its README for the misses).
set -eu
bin=$1; src=$2
out=$(mktemp); trap 'rm -f "$out"' EXIT
cd "$src"
for t in tests/data/dates/*.txt; do
    "$bin" extract --format json "$t" > "$out"
    python3 - "$out" "${t%.txt}.expected.json" "$t" <<'PY'
import json, sys
rec = json.loads(open(sys.argv[1], encoding="utf-8").readline())
want = json.load(open(sys.argv[2], encoding="utf-8"))
got = {"legal_ref": sorted([f["line"], f["id"]] for f in rec["facts"] if f["kind"] == "legal_ref" and f.get("id")),
       "deadline": sorted([f["line"], f["to"]] for f in rec["facts"] if f["kind"] == "deadline")}
bad = 0
for k in ("legal_ref", "deadline"):
    w = sorted(want[k])
    for x in w:
        if x not in got[k]:
            print(f"{sys.argv[3]}: {k} missing: line {x[0]} {x[1]}"); bad = 1
    for x in got[k]:
        if x not in w:
            print(f"{sys.argv[3]}: {k} not expected: line {x[0]} {x[1]}"); bad = 1
sys.exit(bad)
PY
done
"$bin" extract --format json corpus/extra/*.txt > "$out"
python3 tests/eval/score.py tests/data/real/gold-dates "$out" --min-ref-f1 0.99 --min-deadline-f1 0.95
