#!/usr/bin/env bash
# Installs what is missing on Debian 12 (non-interactive, only what is missing).
#   setup.sh         what building, running and packaging lawwatch need (a server's share)
#   setup.sh --test  that, and the test tools (cmocka, valgrind, clang and its sanitizer
#                    runtimes, xmllint, man to render the man pages, headless Chromium with
#                    its driver and Selenium for the browser tests), for scripts/test.sh
set -euo pipefail
# build: compiler, cmake, pkg-config and the -dev packages of the libraries lawwatch links;
# python3 turns `lawwatch --help` into the man pages and the bash completion at build time;
# dpkg-dev gives dpkg-shlibdeps, which `cpack -G DEB` needs to compute the .deb's Depends.
# run: tesseract-ocr-vie (the Vietnamese OCR data, read at run time), sqlite3 (backups).
pkgs="build-essential cmake pkg-config python3 dpkg-dev
      libpcre2-dev libicu-dev libsqlite3-dev libutf8proc-dev libyaml-dev libjansson-dev libssl-dev
      libpoppler-glib-dev libcairo2-dev libtesseract-dev libleptonica-dev tesseract-ocr-vie
      libzip-dev libxml2-dev libmicrohttpd-dev libical-dev libcrypt-dev sqlite3 libpq-dev"
test_pkgs="libcmocka-dev libxml2-utils valgrind clang libclang-rt-14-dev man-db
           chromium chromium-driver python3-selenium postgresql"
case "${1:-}" in
  "") ;;
  --test) pkgs="$pkgs $test_pkgs" ;;
  *) echo "usage: $0 [--test]" >&2; exit 2 ;;
esac
missing=""
for p in $pkgs; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
fi
