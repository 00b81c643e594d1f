#!/usr/bin/env bash
# rank_check.sh: the search's bounded ranking (lw_rank) against the full bm25 ranking on a
# bench database, every query of bench/queries.txt with each filter on three pages
# (bench/rank_check.c says what is compared). Builds rank_check against BUILD's
# liblawwatch_core.a (as run.sh builds search_lat) and runs it; exit 1 on any mismatch.
#
#   bench/rank_check.sh DB [BUILD]      (BUILD: a configured build folder, default ./build)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
DB=${1:?usage: rank_check.sh DB [BUILD]}
BUILD=${2:-$ROOT/build}
cmake --build "$BUILD" -j2 --target lawwatch_core >/dev/null
PKGS="libpcre2-8 icu-uc icu-i18n sqlite3 libutf8proc yaml-0.1 jansson libcrypto poppler-glib cairo tesseract lept libzip libxml-2.0"
LW_INC=$(for d in "$ROOT"/analyzer/*/; do printf -- "-I%s " "$d"; done)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# shellcheck disable=SC2086
gcc -O2 -std=gnu11 $LW_INC "$HERE/rank_check.c" "$BUILD/liblawwatch_core.a" $(pkg-config --libs $PKGS) \
  -lpthread -lm -o "$WORK/rank_check"
grep -v '^#' "$HERE/queries.txt" | sed '/^$/d' > "$WORK/queries.txt"
"$WORK/rank_check" "$DB" "$WORK/queries.txt"
