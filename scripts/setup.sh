#!/usr/bin/env bash
# Installs what is missing on Debian 12 (non-interactive, only when missing).
set -euo pipefail
pkgs="build-essential cmake pkg-config libpcre2-dev libicu-dev libsqlite3-dev libutf8proc-dev
      libyaml-dev libjansson-dev libssl-dev libcmocka-dev python3 sqlite3 libxml2-utils valgrind
      clang libclang-rt-14-dev"
missing=""
for p in $pkgs; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
fi
