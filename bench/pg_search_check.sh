#!/usr/bin/env bash
# pg_search_check.sh: the PostgreSQL back end's search against SQLite's on a bench database
# (bench/pg_search_check.c says what is compared and timed). Builds pg_search_check against
# BUILD's liblawwatch_core.a (as rank_check.sh builds rank_check) and runs it over
# bench/queries.txt; exit 1 on any mismatch.
#
#   bench/pg_search_check.sh DB URI [BUILD] [--reload]
#     DB: a schema-7 SQLite database (a copy of the bench's, upgraded by any write);
#     URI: postgresql://... of a database the check may write a schema into
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
DB=${1:?usage: pg_search_check.sh DB URI [BUILD] [--reload]}
URI=${2:?usage: pg_search_check.sh DB URI [BUILD] [--reload]}
BUILD=${3:-$ROOT/build}
cmake --build "$BUILD" -j2 --target lawwatch_core >/dev/null
PKGS="libpcre2-8 icu-uc icu-i18n sqlite3 libutf8proc yaml-0.1 jansson libcrypto poppler-glib cairo tesseract lept libzip libxml-2.0 libpq"
LW_INC=$(for d in "$ROOT"/analyzer/*/; do printf -- "-I%s " "$d"; done)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# shellcheck disable=SC2086
gcc -O2 -std=gnu11 $LW_INC $(pkg-config --cflags libpq) "$HERE/pg_search_check.c" "$BUILD/liblawwatch_core.a" \
  $(pkg-config --libs $PKGS) -lpthread -lm -o "$WORK/pg_search_check"
grep -v '^#' "$HERE/queries.txt" | sed '/^$/d' > "$WORK/queries.txt"
"$WORK/pg_search_check" "$DB" "$URI" "$WORK/queries.txt" ${4:-}
