#!/usr/bin/env bash
# bench/run.sh: the benchmark harness (issue 7). One command:
#
#   bench/run.sh           Release build, 2k and 20k generated documents, bench/RESULTS.md
#   bench/run.sh --big     also 100k documents (one run each of the long measures)
#
# What it measures, per size: ingest (--jobs 1 and 2: MB/s, documents/s, peak RSS), the
# sqlite3 shell's FTS5 bulk insert of the same text (the indexing floor) and pcre2grep with
# the rules' patterns (the regex floor), search latency (in-process and per process), check
# and report (under a time limit), a no-change re-ingest, extraction precision and recall
# against the generator's planted truth; then a perf profile of the ingest of the smallest
# size. Whole-process timings are hyperfine medians. Results: bench/RESULTS.md (written by
# bench/report.py from the JSON under WORK/results), then the web interface under load
# (bench/web_load.py: lawwatch serve, 16 clients for 30 s, its own section).
#
# Options:
#   --big               add 100000 documents
#   --sizes "N ..."     document counts (default "2000 20000")
#   --runs N            hyperfine runs of the whole-process timings (default 3)
#   --seed S            generator seed (default lawwatch-bench); corpora are reused
#   --work DIR          corpora, databases, raw results (default $LW_BENCH_WORK or /tmp/lw_bench)
#   --build DIR         Release build directory (default $LW_BENCH_BUILD or /tmp/lw_bench_build)
#   --timeout S         time limit of one check or report run (default 120)
#   --as-of DATE        report --as-of (default 2025-10-01)
#   --quiet-wait S      wait up to S s for other processes to go quiet first (default 600)
#   --no-profile        skip the perf profile
#   --out FILE          default bench/RESULTS.md
# Tools: cmake, gcc, hyperfine, pcre2grep (pcre2-utils), sqlite3, GNU time, perf
# (linux-perf), python3 with PyYAML (python3-yaml); when one is missing and we are root,
# they are installed with apt-get (they are the harness's needs, not the project's).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
SIZES="2000 20000"
RUNS=3
SEED=lawwatch-bench
WORK=${LW_BENCH_WORK:-/tmp/lw_bench}
BUILD=${LW_BENCH_BUILD:-/tmp/lw_bench_build}
TIMEOUT=120
ASOF=2025-10-01
QUIET_WAIT=600
PROFILE=1
OUT=$HERE/RESULTS.md
while [ $# -gt 0 ]; do
  case "$1" in
    --big) SIZES="$SIZES 100000" ;;
    --sizes) SIZES=$2; shift ;;
    --runs) RUNS=$2; shift ;;
    --seed) SEED=$2; shift ;;
    --work) WORK=$2; shift ;;
    --build) BUILD=$2; shift ;;
    --timeout) TIMEOUT=$2; shift ;;
    --as-of) ASOF=$2; shift ;;
    --quiet-wait) QUIET_WAIT=$2; shift ;;
    --no-profile) PROFILE=0 ;;
    --out) OUT=$2; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/run.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

trap 'echo "bench/run.sh: line $LINENO failed: $BASH_COMMAND" >&2' ERR
log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*"; }
die() { echo "bench/run.sh: $*" >&2; exit 2; }

# ---- tools ---------------------------------------------------------------------------
pick_python() {
  for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import yaml' 2>/dev/null; then echo "$p"; return; fi
  done
}
need=()
for t in cmake:cmake gcc:build-essential hyperfine:hyperfine pcre2grep:pcre2-utils sqlite3:sqlite3 \
         /usr/bin/time:time perf:linux-perf; do
  command -v "${t%%:*}" >/dev/null 2>&1 || need+=("${t#*:}")
done
[ -n "$(pick_python)" ] || need+=(python3-yaml)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    log "installing ${need[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    die "missing: ${need[*]} (apt-get install them)"
  fi
fi
PY=$(pick_python)
[ -n "$PY" ] || die "python3 with PyYAML not found"

mkdir -p "$WORK"
RES=$WORK/results
rm -rf "$RES"
mkdir -p "$RES"
STEP=$RES/step
echo start > "$STEP"
"$PY" "$HERE/monitor.py" $$ "$STEP" "$RES/monitor.jsonl" 10 &
MONITOR=$!
trap 'kill $MONITOR 2>/dev/null || true' EXIT
step() { echo "$*" > "$STEP"; log "$*"; }

# ---- build ---------------------------------------------------------------------------
step "build (Release) in $BUILD"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >"$RES/build.log" 2>&1 \
  || { cat "$RES/build.log"; die "cmake failed"; }
cmake --build "$BUILD" -j2 --target lawwatch >>"$RES/build.log" 2>&1 || { tail -30 "$RES/build.log"; die "build failed"; }
LW=$BUILD/lawwatch
"$LW" --version >/dev/null
PKGS="libpcre2-8 icu-uc icu-i18n sqlite3 libutf8proc yaml-0.1 jansson libcrypto poppler-glib cairo tesseract lept libzip libxml-2.0"
SEARCH_LAT=$WORK/search_lat
# the in-process search timer links the library; if its API moved, only that measure is lost
LW_INC=$(for d in "$ROOT"/analyzer/*/; do printf -- "-I%s " "$d"; done)
if gcc -O2 -std=gnu11 $LW_INC "$HERE/search_lat.c" "$BUILD/liblawwatch_core.a" \
     $(pkg-config --libs $PKGS) -lpthread -lm -o "$SEARCH_LAT" 2>"$RES/search_lat.build.log"; then :; else
  log "search_lat did not build (see $RES/search_lat.build.log): in-process latency left out"
  SEARCH_LAT=""
fi
PROF_BUILD=$BUILD-prof
if [ "$PROFILE" = 1 ]; then
  step "build (Release + -g, for perf) in $PROF_BUILD"
  cmake -S "$ROOT" -B "$PROF_BUILD" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS=-g -DBUILD_TESTING=OFF \
    >>"$RES/build.log" 2>&1 && cmake --build "$PROF_BUILD" -j2 --target lawwatch >>"$RES/build.log" 2>&1 \
    || { log "profile build failed: no profile"; PROFILE=0; }
fi

# ---- machine -------------------------------------------------------------------------
step "machine"
{
  echo "cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
  echo "cores=$(nproc)"
  echo "ram=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel=$(uname -r)"
  echo "debian=$(cat /etc/debian_version 2>/dev/null || echo '?')"
  echo "compiler=$(gcc --version | head -1)"
  echo "sqlite=$(pkg-config --modversion sqlite3) (shell: $(sqlite3 --version | cut -d' ' -f1))"
  echo "pcre2=$(pkg-config --modversion libpcre2-8)"
  echo "icu=$(pkg-config --modversion icu-uc)"
  echo "hyperfine=$(hyperfine --version | cut -d' ' -f2)"
  echo "lawwatch=$("$LW" --version) ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'))"
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "disk=$(df -PT "$WORK" | awk 'NR==2 {print $2 " on " $1}')"
  # how long a small synchronous write takes: what a commit in WAL mode waits for
  dd if=/dev/zero of="$WORK/.ddtest" bs=4k count=200 oflag=dsync 2>&1 | awk '/copied/ {print "fsync_4k=" $(NF-1) " " $NF}'
  rm -f "$WORK/.ddtest"
  echo "sizes=$SIZES"
  echo "runs=$RUNS"
  echo "seed=$SEED"
  echo "timeout=$TIMEOUT"
  echo "as_of=$ASOF"
} > "$RES/machine.txt"
"$PY" "$HERE/monitor.py" --quiet-wait "$QUIET_WAIT" > "$RES/quiet.txt" || true
log "$(cat "$RES/quiet.txt")"

# ---- corpora -------------------------------------------------------------------------
GEN_SUM=$(sha256sum "$HERE/gen_corpus.py" | cut -c1-16)
corpus() { # N -> prints the corpus folder (docs/, clean/, truth.jsonl), generating it once
  local n=$1 c=$WORK/gen-$SEED-$1
  if [ "$(cat "$c/.stamp" 2>/dev/null)" != "$GEN_SUM $n $SEED" ]; then
    rm -rf "$c"; mkdir -p "$c"
    "$PY" "$HERE/gen_corpus.py" --out "$c/docs" --n "$n" --seed "$SEED" --jobs 2 >/dev/null
    "$PY" "$HERE/gen_corpus.py" --out "$c/clean" --n "$n" --seed "$SEED" --jobs 2 --noise 0 >/dev/null
    # truth.jsonl is no .txt: ingest would report it as skipped (exit 1)
    mv "$c/docs/truth.jsonl" "$c/truth.jsonl"
    mv "$c/clean/truth.jsonl" "$c/truth-clean.jsonl"
    echo "$GEN_SUM $n $SEED" > "$c/.stamp"
  fi
  echo "$c"
}
rmdb() { rm -f "$1" "$1-wal" "$1-shm"; }

"$PY" "$HERE/rule_patterns.py" --rules "$ROOT/rules" > "$WORK/patterns.txt"
# pcre2grep takes patterns of at most 8192 bytes (the agency gazetteer's rule is longer):
# the floor runs the others, and says how many it left out
LC_ALL=C awk 'length($0) <= 8192' "$WORK/patterns.txt" > "$WORK/patterns-grep.txt"
GREP_LEFT_OUT=$(( $(wc -l < "$WORK/patterns.txt") - $(wc -l < "$WORK/patterns-grep.txt") ))
[ "$GREP_LEFT_OUT" = 0 ] || log "pcre2grep floor: $GREP_LEFT_OUT pattern(s) over 8192 bytes left out"
grep -v '^#' "$HERE/queries.txt" | sed '/^$/d' > "$WORK/queries.txt"

FIRST=""
for N in $SIZES; do
  [ -z "$FIRST" ] && FIRST=$N
  R=$RES/$N
  mkdir -p "$R"
  step "$N: corpus"
  C=$(corpus "$N")
  "$PY" - "$C" > "$R/corpus.json" <<'EOF'
import json, os, sys
c = sys.argv[1]
def size(d):
    fs = [os.path.join(d, f) for f in os.listdir(d) if f.endswith(".txt")]
    return len(fs), sum(os.path.getsize(f) for f in fs)
n, b = size(os.path.join(c, "docs"))
n0, b0 = size(os.path.join(c, "clean"))
print(json.dumps({"docs": n, "bytes": b, "clean_docs": n0, "clean_bytes": b0}))
EOF
  DB=$WORK/db-$N/lw.db
  mkdir -p "$WORK/db-$N"
  runs=$RUNS
  [ "$N" -ge 100000 ] && runs=1

  # -- ingest, one job and two (the last run's database stays for the rest)
  for j in 1 2; do
    step "$N: ingest --jobs $j ($runs runs)"
    rm -f "$R/ingest-j$j.time"
    hyperfine --style basic --runs "$runs" --prepare "rm -f $DB $DB-wal $DB-shm; sync" \
      --export-json "$R/ingest-j$j.json" -n "ingest --jobs $j" \
      "/usr/bin/time -a -o $R/ingest-j$j.time -f '%M %O %e %U %S %x' $LW ingest --db $DB --jobs $j $C/docs" \
      > "$R/ingest-j$j.log" 2>&1 || { cat "$R/ingest-j$j.log"; die "ingest failed"; }
    grep -E "Time|Range" "$R/ingest-j$j.log" | sed 's/^/    /'
  done
  du -b "$DB" | cut -f1 > "$R/db-bytes.txt"
  sqlite3 "file:$DB?mode=ro" "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM facts)" \
    > "$R/db-counts.txt" 2>/dev/null || true

  # -- floors: FTS5 bulk insert of the clean text by the sqlite3 shell; pcre2grep
  step "$N: FTS5 floor"
  FDB=$WORK/db-$N/fts.db
  "$PY" "$HERE/fts_floor_sql.py" "$C/clean" > "$WORK/db-$N/fts.sql"
  rm -f "$R/fts.time"
  hyperfine --style basic --runs "$runs" --prepare "rm -f $FDB $FDB-journal; sync" \
    --export-json "$R/fts.json" -n "sqlite3 FTS5 floor" \
    "/usr/bin/time -a -o $R/fts.time -f '%M %O %e %U %S %x' sqlite3 $FDB < $WORK/db-$N/fts.sql" \
    > "$R/fts.log" 2>&1 || { cat "$R/fts.log"; die "FTS5 floor failed"; }
  grep -E "Time" "$R/fts.log" | sed 's/^/    /'
  du -b "$FDB" | cut -f1 > "$R/fts-bytes.txt"
  rm -f "$FDB"

  step "$N: regex floor (pcre2grep, all patterns in one run)"
  hyperfine --style basic --runs "$runs" --export-json "$R/regex.json" -n "pcre2grep -f (one run)" \
    "pcre2grep -u -c -r --include='\\.txt\$' -f $WORK/patterns-grep.txt $C/clean > /dev/null" \
    > "$R/regex.log" 2>&1 || { cat "$R/regex.log"; die "regex floor failed"; }
  grep -E "Time" "$R/regex.log" | sed 's/^/    /'
  if [ "$N" = "$FIRST" ]; then
    step "$N: regex floor (pcre2grep, one run per rule)"
    "$PY" "$HERE/regex_each.py" --rules "$ROOT/rules" --dir "$C/clean" --json "$R/regex-each.json"
  fi

  # -- no-change re-ingest
  step "$N: no-change re-ingest"
  rm -f "$R/reingest.time"
  hyperfine --style basic --warmup 1 --runs 10 --export-json "$R/reingest.json" -n "re-ingest, nothing changed" \
    "/usr/bin/time -a -o $R/reingest.time -f '%M %O %e %U %S %x' $LW ingest --db $DB --jobs 1 $C/docs" \
    > "$R/reingest.log" 2>&1 || { cat "$R/reingest.log"; die "re-ingest failed"; }
  grep -E "Time" "$R/reingest.log" | sed 's/^/    /'

  # -- search: in-process (search_lat), then per process (hyperfine -N), runs fitted to ~60 s
  step "$N: search latency"
  qruns=20
  if [ -n "$SEARCH_LAT" ]; then
    "$SEARCH_LAT" "$DB" "$WORK/queries.txt" 3 > "$R/search-probe.jsonl" 2>/dev/null
    qruns=$("$PY" -c '
import json, sys
tot = sum(sorted(json.loads(l)["ms"])[1] for l in open(sys.argv[1])) / 1e3 + 0.02 * 30
print(max(5, min(30, int(60 / max(tot, 1e-3)))))' "$R/search-probe.jsonl")
    "$SEARCH_LAT" "$DB" "$WORK/queries.txt" "$qruns" > "$R/search-inproc.jsonl" 2>/dev/null
  fi
  mapfile -t QCMDS < <("$PY" -c '
import shlex, sys
for q in open(sys.argv[1], encoding="utf-8"):
    q = q.rstrip("\n")
    print(" ".join(shlex.quote(a) for a in [sys.argv[2], "search", "--db", sys.argv[3], "--format", "json"] + q.split(" ")))
' "$WORK/queries.txt" "$LW" "$DB")
  hyperfine --style basic -N --warmup 1 --runs "$qruns" --export-json "$R/search-proc.json" \
    "$LW --version" "${QCMDS[@]}" > "$R/search-proc.log" 2>&1 || { tail -20 "$R/search-proc.log"; die "search failed"; }
  "$PY" "$HERE/timed.py" --json "$R/search-rss.json" --name "search (peak RSS)" -- \
    "$LW" search --db "$DB" --format json thi hành

  # -- check and report, under a time limit
  step "$N: check"
  "$PY" "$HERE/timed.py" --json "$R/check.json" --name check --timeout "$TIMEOUT" --runs "$RUNS" --budget 60 -- \
    "$LW" check --db "$DB" --format json
  # the nightly report as cron mails it (text), and the JSON of every item (done and upcoming too)
  step "$N: report"
  "$PY" "$HERE/timed.py" --json "$R/report.json" --name report --timeout "$TIMEOUT" --runs "$RUNS" --budget 60 -- \
    "$LW" report --db "$DB" --as-of "$ASOF"
  "$PY" "$HERE/timed.py" --json "$R/report-json.json" --name "report json" --timeout "$TIMEOUT" --runs "$RUNS" \
    --budget 60 -- "$LW" report --db "$DB" --as-of "$ASOF" --format json

  # -- extraction against the planted truth (two processes, one per core)
  step "$N: extract + score"
  ls "$C/docs" | grep '\.txt$' | sed "s|^|$C/docs/|" > "$WORK/files-$N.txt"
  half=$(( ( $(wc -l < "$WORK/files-$N.txt") + 1 ) / 2 ))
  split -l "$half" "$WORK/files-$N.txt" "$WORK/files-$N.part."
  t0=$(date +%s.%N)
  pids=()
  for p in "$WORK/files-$N.part."*; do
    xargs -d '\n' "$LW" extract --format json < "$p" > "$p.jsonl" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || true; done  # exit 1: a document with warnings
  t1=$(date +%s.%N)
  cat "$WORK/files-$N.part."*.jsonl > "$WORK/extract-$N.jsonl"
  rm -f "$WORK/files-$N.part."*
  echo "$t0 $t1" | awk '{printf "{\"wall\": %.3f, \"processes\": 2}\n", $2-$1}' > "$R/extract-time.json"
  "$PY" "$HERE/score_truth.py" --truth "$C/truth.jsonl" --extract "$WORK/extract-$N.jsonl" --json > "$R/score.json"
  "$PY" "$HERE/score_truth.py" --truth "$C/truth.jsonl" --extract "$WORK/extract-$N.jsonl" --json --city-as-tinh \
    > "$R/score-city.json"
  rm -f "$WORK/extract-$N.jsonl"

  # -- how check and report grow: subsets of the first corpus
  if [ "$N" = "$FIRST" ] && [ "$N" -ge 1000 ]; then
    for m in 250 500 1000; do
      step "growth: check and report at $m documents"
      S=$WORK/sub-$m
      rm -rf "$S"; mkdir -p "$S"
      ls "$C/docs" | grep '\.txt$' | sort | sed -n "1,${m}p" | sed "s|^|$C/docs/|" | xargs -d '\n' cp -l -t "$S"
      SDB=$WORK/db-$N/sub-$m.db
      rmdb "$SDB"
      "$PY" "$HERE/timed.py" --json "$RES/growth-$m-ingest.json" --name "ingest $m" -- \
        "$LW" ingest --db "$SDB" --jobs 2 "$S"
      "$PY" "$HERE/timed.py" --json "$RES/growth-$m-check.json" --name "check $m" --timeout "$TIMEOUT" -- \
        "$LW" check --db "$SDB" --format json
      "$PY" "$HERE/timed.py" --json "$RES/growth-$m-report.json" --name "report $m" --timeout "$TIMEOUT" -- \
        "$LW" report --db "$SDB" --as-of "$ASOF"
      rmdb "$SDB"; rm -rf "$S"
    done
  fi
  cat /proc/loadavg > "$R/loadavg.txt"
done

# ---- profile -------------------------------------------------------------------------
if [ "$PROFILE" = 1 ]; then
  step "profile: perf record of ingest --jobs 1, $FIRST documents"
  C=$(corpus "$FIRST")
  PDB=$WORK/db-$FIRST/prof.db
  rmdb "$PDB"
  if perf record -o "$WORK/perf.data" -F 499 --call-graph dwarf,16384 \
       "$PROF_BUILD/lawwatch" ingest --db "$PDB" --jobs 1 "$C/docs" > "$RES/perf-record.log" 2>&1; then
    perf script -i "$WORK/perf.data" -F comm,ip,sym,dso 2>/dev/null \
      | "$PY" "$HERE/perf_modules.py" --binary "$PROF_BUILD/lawwatch" --json "$RES/profile.json" --top 25 \
          --callees lw_store_put --callees lw_extract --callees lw_doc_from_bytes
  else
    log "perf record failed (see $RES/perf-record.log): no profile"
  fi
  rmdb "$PDB"
  rm -f "$WORK/perf.data"
fi

step "write $OUT"
"$PY" "$HERE/report.py" --results "$RES" --out "$OUT"

# ---- the web interface under load (issue 19): its own section of $OUT, over the first size's database
step "web interface under load: 16 clients, 30 s"
"$PY" "$HERE/web_load.py" --lawwatch "$LW" --db "$WORK/db-$FIRST/lw.db" --out "$OUT" \
  || log "web_load.py: errors under load (see its output)"
log "done: $OUT"
