#!/usr/bin/env bash
# The whole test suite: a normal build (build-test/) and an AddressSanitizer+UBSan build
# (build-asan/), each under ctest, then the libFuzzer smoke (clang, ASan+UBSan, build-fuzz/):
# each fuzz target for LW_FUZZ_SECONDS (30). build/ is the main job's (scripts/run.sh) and is
# left alone. The real originals (label real-files: OCR of 41 scanned pages, minutes) run in
# the normal build only: under the sanitizers the readers are covered by their own unit tests
# and t_read_cli, and tesseract itself is not instrumented.
set -euo pipefail
cd "$(dirname "$0")/.."
# Issue 21: ctest's fixture pg_cluster starts a throwaway PostgreSQL cluster in each build's
# tests/pg_cluster and stops it at the end (its watcher stops it if ctest is killed); a run
# interrupted here stops them too, so that no server outlives the run.
stop_pg() {
  local b
  for b in build-test build-asan; do
    if [ -f "$b/tests/pg_cluster/.lw_pg_cluster" ]; then ./scripts/pg_cluster.sh stop "$b/tests/pg_cluster" || true; fi
  done
}
trap stop_pg EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
./scripts/setup.sh --test
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-test -j"$(nproc)"
(cd build-test && ctest --output-on-failure -j2)
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DLW_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$(nproc)"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j2 -E "crash|valgrind" -LE real-files)
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLW_FUZZ=ON \
      -DLW_FUZZ_SECONDS="${LW_FUZZ_SECONDS:-30}" >/dev/null
cmake --build build-fuzz -j"$(nproc)"
(cd build-fuzz && ctest --output-on-failure -j2 -L '^fuzz$')
