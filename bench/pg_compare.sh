#!/usr/bin/env bash
# bench/pg_compare.sh: SQLite and PostgreSQL side by side in one run (issue 21): for each
# size, the same generated documents ingested into a SQLite file and into a throwaway
# PostgreSQL cluster (scripts/pg_cluster.sh, its default settings: fsync on), then exported
# SQLite -> PostgreSQL (and again: the idempotent re-run), then search, check and report on
# both. Prints a Markdown table: wall seconds, the command's CPU (user+sys), the server's CPU
# (its processes' user+sys over the step, PostgreSQL only), peak RSS, and the databases'
# sizes; every output of search, check and report is compared between the two back ends
# (sha256), so a faster run with other answers shows.
#
#   bench/pg_compare.sh [--sizes "2000 20000"] [--work DIR] [--lawwatch BIN] [--port P]
#
# The documents: bench/gen_corpus.py with the harness's seed (lawwatch-bench), reused from
# WORK/gen-N when there. Needs the PostgreSQL server packages (scripts/setup.sh --test).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
SIZES="2000"
WORK=${LW_BENCH_WORK:-/tmp/lw_pg_bench}
BIN=""
PORT=55449
QUERY="thi hành"
ASOF=2025-10-01
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) SIZES=$2; shift ;;
    --work) WORK=$2; shift ;;
    --lawwatch) BIN=$2; shift ;;
    --port) PORT=$2; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/pg_compare.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$BIN" ] || BIN=$ROOT/build/lawwatch
[ -x "$BIN" ] || { echo "bench/pg_compare.sh: no lawwatch at $BIN (build it, or --lawwatch BIN)" >&2; exit 2; }
mkdir -p "$WORK"
chmod 755 "$WORK"
CL=$WORK/cluster
"$ROOT/scripts/pg_cluster.sh" start "$CL" "$PORT" --watch $$ >/dev/null
trap '"$ROOT/scripts/pg_cluster.sh" stop "$CL"' EXIT

# the cluster's CPU so far (seconds): the postmaster's own and its exited children's, and
# the live backends'
server_cpu() {
  local pm tck
  pm=$(head -n1 "$CL/data/postmaster.pid")
  tck=$(getconf CLK_TCK)
  { awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat"
    for c in $(pgrep -P "$pm"); do awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null || true; done
  } | awk -v t="$tck" '{s += $1} END {printf "%.2f", s / t}'
}

# one step: NAME DB-KIND CMD...: a table row, the output's hash in $WORK/out.NAME.KIND
row() {
  local name=$1 kind=$2; shift 2
  local c0 c1 srv="" tf=$WORK/time.txt out=$WORK/out.$name.$kind
  c0=$(server_cpu)
  /usr/bin/time -f "%e %U %S %M" -o "$tf" "$@" >"$out" 2>"$out.err" || true
  sleep 1 # the command's backend exits after it: its CPU is then the postmaster's children's
  c1=$(server_cpu)
  [ "$kind" = pg ] && srv=$(awk -v a="$c0" -v b="$c1" 'BEGIN {printf "%.1f", b - a}')
  # (a failed command's line comes first: "Command exited with non-zero status N")
  read -r wall user sys rss < <(tail -n1 "$tf")
  printf "| %s | %s | %s | %.1f | %s | %.0f |\n" "$name" "$kind" "$wall" "$(echo "$user + $sys" | bc)" "${srv:--}" \
    "$(echo "$rss / 1024" | bc -l)"
}

echo "# SQLite and PostgreSQL, $(date -u +%Y-%m-%d), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "PostgreSQL $(psql --version | awk '{print $3}'), lawwatch $("$BIN" --version | head -n1 | awk '{print $2}'); the"
echo "cluster of scripts/pg_cluster.sh (server defaults, fsync on, Unix socket)."
for n in $SIZES; do
  gen=$WORK/gen-$n
  if [ ! -d "$gen" ]; then
    python3 "$HERE/gen_corpus.py" --n "$n" --seed lawwatch-bench --out "$gen" --jobs 2 >/dev/null
  fi
  lite=$WORK/lite-$n.db
  rm -f "$lite" "$lite"-*
  uri=$("$ROOT/scripts/pg_cluster.sh" createdb "$CL" "docs$n")
  exp=$("$ROOT/scripts/pg_cluster.sh" createdb "$CL" "exported$n")
  echo
  echo "## $n documents"
  echo
  echo "| step | back end | wall s | lawwatch CPU s | server CPU s | peak RSS MB |"
  echo "| --- | --- | --- | --- | --- | --- |"
  row "ingest -j1" sqlite "$BIN" ingest --db "$lite" --jobs 1 "$gen"
  row "ingest -j1" pg "$BIN" ingest --db "$uri" --jobs 1 "$gen"
  row "export" pg "$BIN" export --db "$lite" --to "$exp"
  row "export again" pg "$BIN" export --db "$lite" --to "$exp"
  for kind in sqlite pg; do
    db=$lite
    [ "$kind" = pg ] && db=$uri
    row "search" "$kind" "$BIN" search --db "$db" --format json "$QUERY"
    row "check" "$kind" "$BIN" check --db "$db" --format json
    row "report" "$kind" "$BIN" report --db "$db" --as-of "$ASOF" --format text
  done
  echo
  same=""
  for step in search check report; do
    a=$(sed "s#$lite#DB#g" "$WORK/out.$step.sqlite" | sha256sum | cut -c1-12)
    b=$(sed "s#$uri#DB#g" "$WORK/out.$step.pg" | sha256sum | cut -c1-12)
    [ "$a" = "$b" ] && same="$same $step: same ($a);" || same="$same $step: DIFFERENT ($a vs $b);"
  done
  echo "Outputs:$same"
  psize=$(psql -X -tA "$uri" -c "select pg_database_size(current_database())")
  empty=$(psql -X -tA "$uri" -c "select pg_database_size('postgres')")
  echo "Sizes: SQLite $(($(stat -c %s "$lite") / 1048576)) MB; PostgreSQL $((psize / 1048576)) MB (an empty database: $((empty / 1048576)) MB)."
done
