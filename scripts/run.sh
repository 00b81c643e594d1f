#!/usr/bin/env bash
# The main job: install what building and running need, build (Release, in build/, without
# the tests), ingest corpus/ into lawwatch.db, check it, then write the deadline report (text
# on the terminal, and report.html beside it). The tests build elsewhere (scripts/test.sh:
# build-test/, build-asan/, build-fuzz/), so they never replace this binary.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
./build/lawwatch ingest --db lawwatch.db corpus || true
./build/lawwatch check --db lawwatch.db || true
./build/lawwatch report --db lawwatch.db --format html -o report.html || true
./build/lawwatch report --db lawwatch.db || true
echo "lawwatch: report.html written"
