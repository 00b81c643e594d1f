#!/usr/bin/env bash
# The command is built on the public library alone: every file of analyzer/cli includes only
# lawwatch.h, its own lw_cli_*.h and system headers (no stage header, no sqlite3/jansson/PCRE2),
# the binary links liblawwatch.so and takes nothing from it but lawwatch_* functions, and it
# holds no internal lw_* function of its own besides lw_cli_* and lw_web_* (the core is not
# linked in). analyzer/web (lawwatch serve's pages, part of the command) keeps the same rule:
# lawwatch.h, its own lw_web_*.h and system headers (libmicrohttpd, jansson) only.
set -u
bin=$1; src=$2
fail() { echo "t_cli_boundary: $*" >&2; exit 1; }
command -v nm >/dev/null || { echo "t_cli_boundary: nm not found, skipped"; exit 77; }

bad=$(grep -HnE '^[[:space:]]*#[[:space:]]*include' "$src"/analyzer/cli/*.[ch] "$src"/analyzer/web/*.[ch] |
      grep -vE '#[[:space:]]*include[[:space:]]*(<[a-z0-9_/]+\.h>|"lawwatch\.h"|"lw_(cli|web)_[a-z_]+\.h")')
[ -z "$bad" ] || fail "analyzer/cli includes more than lawwatch.h and the C library: $bad"

readelf -d "$bin" 2>/dev/null | grep -q 'NEEDED.*liblawwatch' || fail "lawwatch does not link liblawwatch.so"
# what the command takes from outside: libc's and the public library's functions only
lib=$(nm -D --undefined-only "$bin" | awk '{print $2}' | grep -E '^(lw_|lawwatch_)' | grep -v '^lawwatch_')
[ -z "$lib" ] || fail "lawwatch calls internal functions: $lib"
nm -D --undefined-only "$bin" | grep -q ' lawwatch_engine_open' || fail "lawwatch does not call the public library"
own=$(nm --defined-only "$bin" 2>/dev/null | awk '$2 ~ /^[Tt]$/ {print $3}' | grep -E '^lw_' | grep -vE '^lw_(cli|web)_' | head -5)
[ -z "$own" ] || fail "the internal modules are linked into the command: $own"
echo "t_cli_boundary: analyzer/cli uses lawwatch.h only; the command links liblawwatch.so"
exit 0
