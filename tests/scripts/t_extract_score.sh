#!/usr/bin/env bash
# Extraction quality on the real corpus against ../shared/gold (when shared/ is beside the
# checkout, as in CI), and the golden JSON of every corpus document compared field by field.
set -eu
bin=$1; src=$2
out=$(mktemp); trap 'rm -f "$out"' EXIT
cd "$src"
"$bin" extract --format json corpus/*.txt > "$out"
if [ -d ../shared/gold ]; then
  python3 ../shared/eval/score.py ../shared/gold "$out" --min-ref-f1 1 --min-deadline-f1 1 --min-agency-recall 1 --min-header 1
fi
python3 tests/compare_golden.py tests/golden/extract "$out"
