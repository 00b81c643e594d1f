#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and benchmarks of the PostgreSQL back end
# (issue 21): initdb in a folder of its own, the server listening on a Unix socket in that
# folder only (no TCP unless --tcp), a database `lawwatch` owned by the role `lawwatch`
# (trust authentication: the socket's folder is the only way in), and its URI printed.
#
#   pg_cluster.sh start DIR [PORT] [--tcp] [--watch PID | --watch-parent] [--databases FILE]
#                                  starts it, prints the URI (also written to DIR/uri); FILE
#                                  names more databases to make, one a line (the tests')
#   pg_cluster.sh stop DIR         stops it (immediate, then SIGKILL) and removes DIR
#   pg_cluster.sh restart DIR      restarts the server (the fault tests' "server restarted")
#   pg_cluster.sh createdb DIR NAME  a fresh (dropped and re-created) database; prints its URI
#   pg_cluster.sh uri DIR          prints the URI of a running cluster
#
# --watch PID: a detached watcher stops the cluster (and removes DIR) once PID is gone, so
# that a killed test run (ctest killed with SIGKILL, a CI job cancelled) leaves no server;
# --watch-parent watches the caller (ctest, for the fixture in tests/CMakeLists.txt).
# PG_CLUSTER_OPTS adds server settings (e.g. "-c fsync=off" for tests).
# Debian's server packages (postgresql) put initdb and pg_ctl in /usr/lib/postgresql/N/bin;
# elsewhere they are found on PATH or in LW_PG_BINDIR. initdb refuses to run as root: under
# root the server runs as the `postgres` user (runuser) and DIR is given to it.
set -euo pipefail

me=$(basename "$0")
die() { echo "$me: $*" >&2; exit 2; }
usage() {
  echo "usage: $me start DIR [PORT] [--tcp] [--watch PID|--watch-parent] [--databases FILE] | stop DIR | restart DIR | createdb DIR NAME | uri DIR" >&2
  exit 2
}

# the server's programs: LW_PG_BINDIR, else the newest Debian version, else PATH
find_bindir() {
  if [ -n "${LW_PG_BINDIR:-}" ]; then
    [ -x "$LW_PG_BINDIR/initdb" ] || die "LW_PG_BINDIR=$LW_PG_BINDIR has no initdb"
    echo "$LW_PG_BINDIR"; return
  fi
  local d best
  # the glob sorts 15 before 9 as text: pick the highest version number
  best=$(for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && echo "$d"; done |
         sort -t/ -k5,5n | tail -n1)
  if [ -n "$best" ]; then echo "$best"; return; fi
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"; return
  fi
  die "the PostgreSQL server is not installed (no initdb/pg_ctl in /usr/lib/postgresql/*/bin or on PATH): run scripts/setup.sh --test (Debian package postgresql), or set LW_PG_BINDIR"
}

# runs a server program as the cluster's owner: `postgres` under root, else ourselves
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root needs the user postgres (Debian package postgresql) to own the cluster"
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# The socket's folder: DIR itself unless its path is too long for a Unix socket (108 bytes
# with ".s.PGSQL.PORT") or it holds characters a URI would have to escape; then a folder under /tmp named by DIR's hash, so that the URI can be
# computed from DIR alone (tests/CMakeLists.txt computes the same name).
sock_dir_of() {
  local dir=$1
  if [ ${#dir} -le 80 ] && [[ "$dir" =~ ^[A-Za-z0-9/._~-]+$ ]]; then echo "$dir"; else
    echo "/tmp/lwpg-$(printf %s "$dir" | md5sum | cut -c1-12)"
  fi
}

# a URI query value: libpq percent-decodes it, so escape what is not plainly safe
uri_escape() {
  local s=$1 out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case "$c" in
      [A-Za-z0-9/._~-]) out+=$c ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  echo "$out"
}

abs_dir() { realpath -m -- "$1"; }

uri_for() { # DIR PORT DB
  echo "postgresql:///$3?host=$(uri_escape "$(sock_dir_of "$1")")&port=$2&user=lawwatch"
}

port_of() { # DIR: the port written at start
  [ -f "$1/port" ] || die "$1 holds no cluster made by $me (no $1/port)"
  cat "$1/port"
}

psql_in() { # DIR DB SQL...
  local dir=$1 db=$2; shift 2
  "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$(sock_dir_of "$dir")" -p "$(port_of "$dir")" \
    -U lawwatch -d "$db" "$@"
}

# PID runs and is not a zombie (a stopped postmaster is reaped by init, which may be slow)
running() {
  local st
  st=$(cut -d')' -f2 "/proc/$1/stat" 2>/dev/null | awk '{print $1}') || return 1
  [ -n "$st" ] && [ "$st" != Z ]
}

server_pid() { # DIR: the postmaster's pid, or nothing
  local f=$1/data/postmaster.pid
  [ -f "$f" ] && head -n1 "$f" 2>/dev/null || true
}

stop_cluster() {
  local dir=$1 pid sock wpid
  [ -d "$dir" ] || return 0
  # a cluster not made by this script is never touched (DIR given by mistake)
  if [ ! -f "$dir/.lw_pg_cluster" ]; then
    die "$dir was not made by $me (no $dir/.lw_pg_cluster): not removing it"
  fi
  wpid=$(cat "$dir/watcher.pid" 2>/dev/null || true)
  if [ -n "$wpid" ] && [ "$wpid" != "${LW_PG_WATCHER_SELF:-}" ]; then
    kill "$wpid" 2>/dev/null || true
  fi
  pid=$(server_pid "$dir")
  if [ -n "$pid" ] && running "$pid"; then
    # immediate: no shutdown checkpoint, the data is removed next
    as_owner "$BIN/pg_ctl" -D "$dir/data" -m immediate -t 20 -w stop >/dev/null 2>&1 || true
    # the postmaster removes its pid file just before it exits: give it a moment
    for _ in 1 2 3 4 5 6 7 8 9 10; do running "$pid" || break; sleep 0.2; done
    if running "$pid"; then kill -KILL "$pid" 2>/dev/null || true; sleep 0.2; fi
  fi
  sock=$(sock_dir_of "$dir")
  [ "$sock" != "$dir" ] && rm -rf -- "$sock"
  rm -rf -- "$dir"
}

# The watcher: stops the cluster once PID has gone, unless the cluster it was started for
# has been replaced (the token differs: a new run already started a new one in DIR).
start_watcher() {
  local dir=$1 owner=$2 token=$3
  LW_PG_WATCHER_OWNER=$owner LW_PG_WATCHER_TOKEN=$token setsid bash -c "$(declare -f running)"'
    dir=$1; me=$2
    while running "$LW_PG_WATCHER_OWNER"; do sleep 1; done
    if [ "$(cat "$dir/.lw_pg_cluster" 2>/dev/null)" = "$LW_PG_WATCHER_TOKEN" ]; then
      LW_PG_WATCHER_SELF=$$ "$me" stop "$dir"
    fi' lw_pg_watcher "$dir" "$(realpath "$0")" </dev/null >/dev/null 2>&1 &
  echo $! >"$dir/watcher.pid"
}

cmd=${1:-}; [ -n "$cmd" ] || usage; shift
case "$cmd" in
  start)
    [ $# -ge 1 ] || usage
    dir=$(abs_dir "$1"); shift
    port=5432 tcp=0 watch="" dbfile=""
    while [ $# -gt 0 ]; do
      case "$1" in
        --tcp) tcp=1 ;;
        --watch) [ $# -ge 2 ] || usage; watch=$2; shift ;;
        --watch-parent) watch=$PPID ;;
        --databases) [ $# -ge 2 ] || usage; dbfile=$2; shift ;;
        [0-9]*) port=$1 ;;
        *) usage ;;
      esac
      shift
    done
    BIN=$(find_bindir)
    # what a killed earlier run left in the same folder goes first
    [ -f "$dir/.lw_pg_cluster" ] && stop_cluster "$dir"
    [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ] && die "$dir exists and is not empty"
    mkdir -p "$dir"
    token="$$-$(date +%s%N)"
    echo "$token" >"$dir/.lw_pg_cluster"
    echo "$port" >"$dir/port"
    sock=$(sock_dir_of "$dir")
    [ "$sock" != "$dir" ] && { rm -rf -- "$sock"; mkdir -p "$sock"; }
    if [ "$(id -u)" -eq 0 ]; then
      id postgres >/dev/null 2>&1 || die "running as root needs the user postgres (Debian package postgresql)"
      chown postgres "$dir" "$sock"
      # the postgres user must be able to reach DIR through its parents
      p=$(dirname "$dir")
      while [ "$p" != "/" ]; do
        if ! runuser -u postgres -- test -x "$p"; then
          stop_cluster "$dir"
          die "the user postgres cannot enter $p (the server runs as postgres under root): choose a DIR it can reach"
        fi
        p=$(dirname "$p")
      done
    fi
    if ! as_owner "$BIN/initdb" -D "$dir/data" -A trust -U lawwatch -E UTF8 --no-locale \
         --no-sync >"$dir/initdb.log" 2>&1; then
      cat "$dir/initdb.log" >&2
      stop_cluster "$dir"
      die "initdb failed in $dir/data"
    fi
    listen="''"
    [ "$tcp" = 1 ] && listen=127.0.0.1
    # shellcheck disable=SC2086
    if ! as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w -t 60 \
         -o "-k $sock -p $port -c listen_addresses=$listen ${PG_CLUSTER_OPTS:-}" start >/dev/null; then
      tail -n 20 "$dir/data/server.log" >&2 || true
      stop_cluster "$dir"
      die "the server did not start (port $port, socket in $sock)"
    fi
    if ! psql_in "$dir" postgres -c "create database lawwatch" >/dev/null; then
      stop_cluster "$dir"
      die "could not create the database lawwatch"
    fi
    if [ -n "$dbfile" ]; then
      [ -r "$dbfile" ] || { stop_cluster "$dir"; die "cannot read $dbfile"; }
      sql=()
      while read -r name; do
        [ -z "$name" ] && continue
        case "$name" in *[!a-z0-9_]*) stop_cluster "$dir"; die "$dbfile: database names here are [a-z0-9_]+: $name" ;; esac
        sql+=(-c "create database $name")
      done <"$dbfile"
      if [ ${#sql[@]} -gt 0 ] && ! psql_in "$dir" postgres "${sql[@]}" >/dev/null; then
        stop_cluster "$dir"
        die "could not create the databases of $dbfile"
      fi
    fi
    [ -n "$watch" ] && start_watcher "$dir" "$watch" "$token"
    uri=$(uri_for "$dir" "$port" lawwatch)
    echo "$uri" >"$dir/uri"
    echo "$uri"
    ;;
  stop)
    [ $# -eq 1 ] || usage
    dir=$(abs_dir "$1")
    [ -d "$dir" ] || exit 0
    BIN=$(find_bindir)
    stop_cluster "$dir"
    ;;
  restart)
    [ $# -eq 1 ] || usage
    dir=$(abs_dir "$1"); BIN=$(find_bindir)
    [ -f "$dir/.lw_pg_cluster" ] || die "$dir holds no cluster made by $me"
    as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -m fast -w -t 60 restart >/dev/null ||
      die "the server in $dir did not restart (see $dir/data/server.log)"
    ;;
  createdb)
    [ $# -eq 2 ] || usage
    dir=$(abs_dir "$1"); name=$2; BIN=$(find_bindir)
    case "$name" in *[!a-z0-9_]*|"") die "database names here are [a-z0-9_]+: $name" ;; esac
    psql_in "$dir" postgres -c "set client_min_messages = warning" -c "drop database if exists $name with (force)" -c "create database $name" >/dev/null
    uri_for "$dir" "$(port_of "$dir")" "$name"
    ;;
  uri)
    [ $# -eq 1 ] || usage
    dir=$(abs_dir "$1")
    [ -f "$dir/uri" ] || die "$dir holds no running cluster made by $me"
    cat "$dir/uri"
    ;;
  *) usage ;;
esac
