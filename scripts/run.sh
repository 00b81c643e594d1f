#!/usr/bin/env bash
# The main job: install, build, ingest corpus/ into lawwatch.db, then show what it holds.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
./build/lawwatch extract --format table corpus/*.txt
./build/lawwatch ingest --db lawwatch.db corpus || true
./build/lawwatch search --db lawwatch.db --cites 59/2012/NĐ-CP || true
./build/lawwatch check --db lawwatch.db || true
