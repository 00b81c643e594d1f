#!/usr/bin/env bash
# Duties of real documents against the duty gold written by reading them
# (tests/data/real/duties): every document with a gold file is extracted and scored; the
# target of issue 15 is P >= 0.95 and R >= 0.95 (a duty counts when its deadline and one
# of its lead units match). The misses and extras are printed for the failing run.
set -eu
bin=$1; src=$2
out=$(mktemp); trap 'rm -f "$out"' EXIT
cd "$src"
gold=tests/data/real/duties
docs=$(python3 -c 'import json,glob,sys
for f in sorted(glob.glob(sys.argv[1] + "/*.json")):
    print(json.load(open(f, encoding="utf-8"))["path"])' "$gold")
# shellcheck disable=SC2086
"$bin" extract --format json $docs > "$out"
# issue 15 targets P and R >= 0.95; the floor is what the rules reach today (README: Real
# documents), so a change that loses a duty fails here
python3 tests/scripts/score_duties.py "$out" "$gold" --min-p 0.98 --min-r 0.95
