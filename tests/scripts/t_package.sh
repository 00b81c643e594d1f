#!/usr/bin/env bash
# The .deb: `cpack -G DEB` on this build (its CPackConfig.cmake, the package written into a
# temporary folder), then `dpkg-deb --info` and `--contents`:
# - the name lawwatch and the project's version (what `lawwatch --version` says);
# - Depends: no -dev package; the Vietnamese OCR data (tesseract-ocr-vie); for every shared
#   library the command and liblawwatch need (readelf NEEDED), the Debian package that holds
#   it (dpkg -S), e.g. libsqlite3-0, libpcre2-8-0, and the readers' libpoppler-glib8,
#   libtesseract5, liblept5, libzip4, libxml2;
# - the conffile (SYSCONFDIR/lawwatch/lawwatch.conf, in the data too), the postinst that
#   creates the user lawwatch and /var/lib/lawwatch and runs ldconfig;
# - the files: command, library, rules, man pages, completion, nightly script, units, sample
#   configuration; nothing from the build or source tree's paths.
# Skipped (77) without cpack, dpkg-deb or dpkg-shlibdeps (dpkg-dev).
set -u
bin=$1; src=$2
build=$(cd "$(dirname "$bin")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "t_package: $*" >&2; exit 1; }
for t in cpack dpkg-deb dpkg-shlibdeps dpkg readelf; do
  command -v $t >/dev/null || { echo "t_package: $t not found, skipped"; exit 77; }
done
[ -f "$build/CPackConfig.cmake" ] || fail "no CPackConfig.cmake in $build"
(cd "$tmp" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/out") > "$tmp/cpack.log" 2>&1 ||
  { cat "$tmp/cpack.log"; fail "cpack -G DEB failed"; }
deb=$(ls "$tmp"/out/*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { cat "$tmp/cpack.log"; fail "cpack wrote no .deb"; }
dpkg-deb --info "$deb" > "$tmp/info.txt" || fail "dpkg-deb --info failed"
field() { dpkg-deb --field "$deb" "$1"; }
[ "$(field Package)" = lawwatch ] || fail "Package: $(field Package)"
version=$("$bin" --help | sed -n '1s/^lawwatch \([^:]*\):.*/\1/p')
[ "$(field Version)" = "$version" ] || fail "Version: $(field Version), the command says $version"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture: $(field Architecture)"
depends=$(field Depends)
[ -n "$depends" ] || fail "no Depends"
deps=$(echo "$depends" | tr ',|' '\n\n' | sed 's/(.*//; s/ //g' | sed '/^$/d' | sort -u)
bad=$(echo "$deps" | grep -- '-dev$')
[ -z "$bad" ] || fail "Depends names -dev packages: $bad"
echo "$deps" | grep -qx tesseract-ocr-vie || fail "Depends lacks tesseract-ocr-vie: $depends"

# every library the packaged programs need, by the package that holds it
data=$tmp/data
dpkg-deb -x "$deb" "$data" || fail "dpkg-deb -x failed"
cmd=$(find "$data" -path '*/bin/lawwatch' -type f | head -1)
lib=$(find "$data" -name 'liblawwatch.so.*.*' -type f | head -1)
[ -n "$cmd" ] && [ -n "$lib" ] || fail "the package lacks bin/lawwatch or liblawwatch.so"
needed=$(readelf -d "$cmd" "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort -u | grep -v '^liblawwatch\.so')
checked=0
for so in $needed; do
  path=$(ldconfig -p | awk -v so="$so" '$1 == so {print $NF; exit}')
  [ -n "$path" ] || continue          # not found here: dpkg-shlibdeps would have failed
  pkg=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -1 | cut -d: -f1) ||
    pkg=$(dpkg -S "$path" 2>/dev/null | head -1 | cut -d: -f1)
  [ -n "$pkg" ] || continue           # a library of no package (a local build)
  echo "$deps" | grep -qx "$pkg" || fail "Depends lacks $pkg (for $so): $depends"
  checked=$((checked + 1))
done
[ $checked -ge 5 ] || fail "only $checked needed libraries traced to a package: the check proves little"
for p in libsqlite3-0 libpcre2-8-0 libc6; do
  echo "$deps" | grep -qx $p || fail "Depends lacks $p: $depends"
done
# the readers' libraries (PDF, page images, OCR, DOCX/ODT), by name whatever their soname
for p in 'libpoppler-glib[0-9]+' 'libcairo2' 'libtesseract[0-9]+' 'liblept[0-9]+' 'libzip[0-9]+' 'libxml2'; do
  echo "$deps" | grep -qxE "$p" || fail "Depends names no $p (the readers' libraries): $depends"
done

# conffile, postinst
dpkg-deb -e "$deb" "$tmp/control" || fail "dpkg-deb -e failed"
conffile=$(cat "$tmp/control/conffiles" 2>/dev/null)
[ -n "$conffile" ] || fail "no conffiles"
case $conffile in */lawwatch/lawwatch.conf) ;; *) fail "conffiles: $conffile" ;; esac
[ -f "$data$conffile" ] || fail "the conffile $conffile is not in the package"
"$bin" --config "$data$conffile" config db > "$tmp/db.txt" || fail "the command refuses the packaged configuration"
[ "$(cat "$tmp/db.txt")" = /var/lib/lawwatch/lawwatch.db ] || fail "the packaged configuration's db: $(cat "$tmp/db.txt")"
strings "$cmd" | grep -qxF "$conffile" || fail "the packaged command does not read $conffile"
post=$tmp/control/postinst
[ -x "$post" ] || fail "no executable postinst"
sh -n "$post" || fail "postinst is not valid sh"
grep -q 'adduser --system .*lawwatch' "$post" || fail "postinst does not create the system user lawwatch"
grep -q '/var/lib/lawwatch' "$post" || fail "postinst does not create /var/lib/lawwatch"
grep -q '^ *ldconfig' "$post" || fail "postinst does not run ldconfig"
echo "$deps" | grep -qx adduser || fail "postinst uses adduser; Depends lacks it"

# the files
dpkg-deb --contents "$deb" | awk '{print $NF}' | sed 's#^\./#/#' > "$tmp/files.txt"
for want in /bin/lawwatch /share/lawwatch/rules/registry.yaml /share/man/man1/lawwatch.1 \
            /share/man/man1/lawwatch-ingest.1 /share/man/man1/lawwatch-report.1 \
            /share/bash-completion/completions/lawwatch /libexec/lawwatch/lawwatch-nightly \
            /lib/systemd/system/lawwatch-nightly.service /lib/systemd/system/lawwatch-nightly.timer \
            /lib/systemd/system/lawwatch-failure@.service /share/doc/lawwatch/lawwatch.conf.example; do
  grep -q -- "$want\$" "$tmp/files.txt" || fail "the package lacks */$want"
done
grep -qF -e "$(cd "$src" && pwd)" -e "$build" "$tmp/files.txt" && fail "the package holds paths of the source or build tree"
nrules=$(ls "$src"/rules/*.yaml | wc -l)
[ "$(grep -c '/share/lawwatch/rules/.*\.yaml$' "$tmp/files.txt")" = "$nrules" ] || fail "the package does not hold the $nrules rule files"
echo "t_package: $(basename "$deb"): Depends $depends"
exit 0
