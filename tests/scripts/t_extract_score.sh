#!/usr/bin/env bash
# Extraction quality on the real corpus against the gold kept in tests/data/real (the five
# core documents: every field must match), and the golden JSON of every core document
# compared field by field.
set -eu
bin=$1; src=$2
out=$(mktemp); trap 'rm -f "$out"' EXIT
cd "$src"
"$bin" extract --format json corpus/*.txt > "$out"
python3 tests/eval/score.py tests/data/real/gold-core "$out" --min-ref-f1 1 --min-deadline-f1 1 --min-agency-recall 1 --min-header 1
python3 tests/compare_golden.py tests/golden/extract "$out"
