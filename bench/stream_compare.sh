#!/usr/bin/env bash
# Issue 20: check and report of this build against a reference build (main before issue 20)
# on one database: every output compared byte by byte, and each run's wall time, CPU
# (user+sys) and peak RSS (GNU time) printed, the reference's then ours, with the load
# average. tests/scripts/t_stream_golden.py does the same on small databases in ctest; this
# is for the 20k and 100k ones (minutes).
#
# Usage: bench/stream_compare.sh REF_LAWWATCH NEW_LAWWATCH DB AS_OF UNIT YEAR [OUTDIR]
#   e.g. bench/stream_compare.sh /work/benchdata/main-lawwatch build/lawwatch \
#        /work/benchdata/db20k.db 2026-06-30 huyện 2025
# Exit 1 when an output differs. OUTDIR (default a temporary folder, removed) keeps the
# outputs of the last case only.
set -u
ref=$1 new=$2 db=$3 asof=$4 unit=$5 year=$6
out=${7:-$(mktemp -d)}
keep=${7:+1}
mkdir -p "$out"
bad=0
cases=(
  "report --as-of $asof --format text"
  "report --as-of $asof --format json"
  "report --as-of $asof --format csv"
  "report --as-of $asof --format md"
  "report --as-of $asof --format html"
  "report --as-of $asof --all --format text"
  "report --as-of $asof --since 2024-06-01 --window 45 --format text"
  "report --as-of $asof --unit $unit --format text"
  "check --format json"
  "check --format table"
  "check --unit $unit --format json"
  "check --year $year --format table"
  "check --code citation --code deadline.conflict --format json"
)
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for c in "${cases[@]}"; do
  # shellcheck disable=SC2086 # the case's words are the arguments
  set -- $c
  verb=$1
  shift
  for who in ref new; do
    bin=$ref
    [ "$who" = new ] && bin=$new
    /usr/bin/time -f "%e s wall, %U+%S s cpu, %M KB peak" -o "$out/$who.time" \
      "$bin" "$verb" --db "$db" "$@" > "$out/$who.out" 2> "$out/$who.err"
    echo "$who rc=$? $(cat "$out/$who.time") $(stat -c %s "$out/$who.out") bytes: $verb $*"
  done
  if cmp -s "$out/ref.out" "$out/new.out"; then
    echo "  same bytes"
  else
    echo "  DIFFERENT: $verb $*"
    bad=1
  fi
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -z "$keep" ] && rm -rf "$out"
exit $bad
