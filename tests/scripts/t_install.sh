#!/usr/bin/env bash
# The public library as a user gets it: `cmake --install` into a temporary prefix (the
# library, its header and .pc, the rules and the lawwatch command), then
# examples/count_deadlines.c and tests/data/install/api_smoke.c are copied out of the source
# tree and built with `cc $(pkg-config --cflags --libs lawwatch)` and nothing else (no -I
# into the source tree, no internal header), run on documents of corpus/ with the installed
# rules (LAWWATCH_RULES unset, no rules/ in the working folder), and their output is
# compared with the lawwatch command's on the same database.
# The installed command is run too, on the same documents, with the installed rules (found
# beside it) and the installed library (found by its relative RPATH, also after the whole
# tree is moved); its answers must be the build tree's command's.
# It fails when the installed header includes anything but the C standard library, when the
# .pc is wrong or points into the source or build tree, when the library exports internal
# symbols, or when the example's or the installed command's answers differ from the command's.
set -u
bin=$1; src=$2
build=$(cd "$(dirname "$bin")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "t_install: $*" >&2; exit 1; }
command -v cmake >/dev/null || { echo "t_install: cmake not found, skipped"; exit 77; }
command -v pkg-config >/dev/null || { echo "t_install: pkg-config not found, skipped"; exit 77; }
cc=${CC:-cc}
command -v "$cc" >/dev/null || { echo "t_install: no C compiler, skipped"; exit 77; }

prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "cmake --install failed"; }

# what is installed
hdr=$prefix/include/lawwatch.h
pc=$(find "$prefix" -name lawwatch.pc -path '*/pkgconfig/*' | head -1)
lib=$(find "$prefix" -name 'liblawwatch.so*' -type f | head -1)
cmd=$prefix/bin/lawwatch
[ -x "$cmd" ] || fail "bin/lawwatch not installed"
readelf -d "$cmd" 2>/dev/null | grep -E 'R(UN)?PATH' | grep -q '\$ORIGIN/' ||
  fail "the installed command has no RPATH relative to its place (\$ORIGIN/...)"
readelf -d "$cmd" 2>/dev/null | grep -q 'NEEDED.*liblawwatch' || fail "the installed command does not use liblawwatch.so"
[ -f "$hdr" ] || fail "include/lawwatch.h not installed"
[ -n "$pc" ] || fail "lawwatch.pc not installed"
[ -n "$lib" ] || fail "liblawwatch.so not installed"
nrules=$(ls "$src"/rules/*.yaml | wc -l)
ninst=$(ls "$prefix"/share/lawwatch/rules/*.yaml 2>/dev/null | wc -l)
[ "$nrules" = "$ninst" ] || fail "share/lawwatch/rules holds $ninst rule files, not $nrules"

# the header: the C standard library only, and it compiles on its own, strictly
std='assert.h|complex.h|ctype.h|errno.h|fenv.h|float.h|inttypes.h|iso646.h|limits.h|locale.h|math.h|setjmp.h|signal.h|stdalign.h|stdarg.h|stdatomic.h|stdbool.h|stddef.h|stdint.h|stdio.h|stdlib.h|stdnoreturn.h|string.h|tgmath.h|threads.h|time.h|uchar.h|wchar.h|wctype.h'
bad=$(grep -E '^[[:space:]]*#[[:space:]]*include' "$hdr" | grep -vE "<($std)>")
[ -z "$bad" ] || fail "lawwatch.h includes a header outside the C standard library: $bad"
printf '#include <lawwatch.h>\nint main(void) { return lawwatch_version() == 0; }\n' > "$tmp/h.c"
"$cc" -std=c99 -pedantic -Wall -Wextra -Werror -fsyntax-only -I"$prefix/include" "$tmp/h.c" ||
  fail "lawwatch.h does not compile alone as C99"
if command -v c++ >/dev/null; then
  c++ -x c++ -std=c++11 -Wall -Werror -fsyntax-only -I"$prefix/include" "$tmp/h.c" || fail "lawwatch.h does not compile as C++"
fi
export PKG_CONFIG_PATH=$(dirname "$pc")
unset PKG_CONFIG_LIBDIR
pkg-config --validate lawwatch || fail "lawwatch.pc does not validate"
[ "$(pkg-config --modversion lawwatch)" = "$(sed -n 's/^#define LAWWATCH_VERSION_STRING "\(.*\)"/\1/p' "$hdr")" ] ||
  fail "lawwatch.pc's version is not lawwatch.h's"
flags=$(pkg-config --cflags --libs lawwatch) || fail "pkg-config --cflags --libs lawwatch failed"
pkg-config --static --libs lawwatch >/dev/null || fail "lawwatch.pc's Requires.private do not resolve"
case "$flags" in
  *"$src"*|*"$build"*) fail "lawwatch.pc points into the source or build tree: $flags" ;;
esac

# exports: the public functions only
others=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVWi]$/ {print $3}' | grep -v '^lawwatch_' | grep -vE '^(_init|_fini|_edata|_end|__bss_start)$' | head -5)
[ -z "$others" ] || fail "liblawwatch exports more than lawwatch_*: $others"

# a sanitized build's library needs the sanitizer runtimes in the program too
extra=()
if nm -D "$lib" | grep -q '__sanitizer_cov'; then
  echo "t_install: the library is instrumented for libFuzzer, skipped"; exit 77
fi
sanitized=0
if nm -D "$lib" | grep -q ' U __asan_init' || readelf -d "$lib" 2>/dev/null | grep -q 'NEEDED.*libasan'; then
  sanitized=1; extra+=(-fsanitize=address,undefined)
fi

mkdir -p "$tmp/work" "$tmp/docs"
cp "$src/examples/count_deadlines.c" "$src/tests/data/install/api_smoke.c" "$tmp/work/"
cd "$tmp/work" || exit 2
for p in count_deadlines api_smoke; do
  # shellcheck disable=SC2086
  "$cc" -std=c11 -Wall -Wextra -Werror -pedantic "${extra[@]}" $p.c $flags -Wl,-rpath,"$(dirname "$lib")" -o $p ||
    fail "$p does not build against the installed library"
done

# documents: three of corpus/, one that is not .txt and one that is not text (both skipped)
cp "$src"/corpus/00[234]_*.txt "$tmp/docs/"
printf 'scan' > "$tmp/docs/scan.pdf"
printf 'PK\003\004\000\000binary\000' > "$tmp/docs/broken.txt"
unset LAWWATCH_RULES
db=$tmp/work/lw.db
./count_deadlines "$db" 2025-12-01 "kế hoạch" "$tmp/docs" > out1.txt 2> err1.txt
rc=$?
[ $rc -le 1 ] || { cat err1.txt; fail "count_deadlines exited $rc"; }
grep -qx 'ingested 3, unchanged 0, duplicates 0, skipped 2, failed 0' out1.txt || { cat out1.txt; fail "wrong ingest summary"; }
grep -q "^skipped: $tmp/docs/broken.txt: " out1.txt || fail "the file that is not text is not listed with its reason"
grep -q "^skipped: $tmp/docs/scan.pdf: " out1.txt || fail "the skipped file is not listed with its reason"
grep -qx 'documents 3' out1.txt || fail "wrong document count"
grep -qE '^search "kế hoạch": [1-9][0-9]* hits$' out1.txt || fail "the search found nothing"
grep -qE '^  1\. Kế hoạch .*\('"$tmp"'/docs/00[234]_.*\.txt\)$' out1.txt || fail "the first hit is not a labelled plan"

# the report the library wrote is the one the command writes
"$bin" report --db "$db" --rules "$src/rules" --as-of 2025-12-01 --format md > cli.md
[ $? -le 1 ] || fail "lawwatch report failed"
sed -n '/^# /,$p' out1.txt > lib.md
cmp -s lib.md cli.md || { diff lib.md cli.md | head; fail "the library's report differs from lawwatch report's"; }
counts=$(grep '^report as of 2025-12-01:' out1.txt) || fail "no report counts"
want=$(python3 - "$bin" "$db" "$src/rules" <<'EOF'
import json, subprocess, sys
bin, db, rules = sys.argv[1:]
r = json.loads(subprocess.run([bin, "report", "--db", db, "--rules", rules, "--as-of", "2025-12-01",
                               "--format", "json"], capture_output=True, text=True).stdout)
s = r["summary"]
print("report as of 2025-12-01: " + ", ".join("%s %d" % (k, s.get(k, 0)) for k in
      ["overdue", "late", "due_soon", "no_deadline", "no_unit", "done", "upcoming"]))
EOF
)
[ "$counts" = "$want" ] || fail "report counts: library '$counts', command '$want'"
[ $rc = "$(grep -q 'overdue 0,' <<<"$counts" && echo 0 || echo 1)" ] || fail "exit status $rc does not follow the overdue count"

# a second run over the same folder changes nothing (incremental)
./count_deadlines "$db" 2025-12-01 "kế hoạch" "$tmp/docs" > out2.txt 2>&1
grep -qx 'ingested 0, unchanged 3, duplicates 0, skipped 2, failed 0' out2.txt || { cat out2.txt; fail "the second ingest is not incremental"; }

# extract, cites, check, deadlines and misuse, compared with the command
doc=$tmp/docs/$(cd "$tmp/docs" && ls 003_*.txt)
./api_smoke "$db" "$doc" "59/2012/NĐ-CP" > smoke.txt 2> smoke.err || { cat smoke.err smoke.txt; fail "api_smoke failed"; }
want=$(python3 - "$bin" "$db" "$src/rules" "$doc" <<'EOF'
import json, subprocess, sys
bin, db, rules, doc = sys.argv[1:]
def run(*a):
    return json.loads(subprocess.run([bin, *a], capture_output=True, text=True).stdout)
x = run("extract", "--rules", rules, doc)
print("extract %s: sha256 %s facts %d" % (doc, x["sha256"], len(x["facts"])))
c = run("search", "--db", db, "--rules", rules, "--cites", "59/2012/NĐ-CP", "--format", "json")
print("cites 59/2012/NĐ-CP: %d" % len(c))
f = run("check", "--db", db, "--rules", rules, "--format", "json")
print("check: findings %d errors %d" % (len(f), sum(1 for k in f if k["severity"] == "error")))
d = run("search", "--db", db, "--rules", rules, "--deadline-in", "2025", "--format", "json")
print("deadlines 2025: %d" % len(d))
for call, st in [("db_open", "database error"), ("report_build", "usage error"), ("search", "query error"),
                 ("deadlines_in", "usage error"), ("extract_file", "I/O error"), ("engine_open", "I/O error")]:
    print("error %s: %s" % (call, st))
EOF
)
[ "$(cat smoke.txt)" = "$want" ] || { diff <(echo "$want") smoke.txt; fail "api_smoke's answers differ from the command's"; }
grep -q 'cites 59/2012/NĐ-CP: 0$' smoke.txt && fail "no document cites 59/2012/NĐ-CP: the comparison proves nothing"
# the installed command on the same documents: no --rules, no LAWWATCH_RULES, no rules/ here
# (the rules installed beside it), a database of its own; it answers as the build tree's
# command does with the source tree's rules on that database
cdb=$tmp/work/cmd.db
"$cmd" ingest --db "$cdb" --jobs 2 "$tmp/docs" 2> cmd_ingest.txt
[ $? = 0 ] || { cat cmd_ingest.txt; fail "the installed command's ingest did not exit 0 (two skipped, none failed)"; }
grep -q '^lawwatch ingest: 3 đã nhập (ingested), 0 không đổi (unchanged), 2 bỏ qua (skipped), 0 lỗi (failed)$' cmd_ingest.txt ||
  { cat cmd_ingest.txt; fail "the installed command's ingest summary is wrong"; }
for verb in "search --format json kế hoạch" "search --format json --cites 59/2012/NĐ-CP" \
            "search --format json --deadline-in 2025" "check --format json" "check" \
            "report --as-of 2025-12-01 --format md" "report --as-of 2025-12-01 --format json"; do
  # shellcheck disable=SC2086
  "$cmd" $verb --db "$cdb" > cmd_out.txt 2> cmd_err.txt; rc_cmd=$?
  # shellcheck disable=SC2086
  "$bin" $verb --db "$cdb" --rules "$src/rules" > bin_out.txt 2> bin_err.txt; rc_bin=$?
  [ $rc_cmd -le 1 ] || { cat cmd_err.txt; fail "installed 'lawwatch $verb' exited $rc_cmd"; }
  [ $rc_cmd = $rc_bin ] || fail "installed 'lawwatch $verb' exited $rc_cmd, the build's $rc_bin"
  [ -s cmd_out.txt ] || fail "installed 'lawwatch $verb' printed nothing"
  # the registry is named where each command read it: the installed rules, the source's
  sed -i "s#$prefix/share/lawwatch/rules#RULES#g; s#$src/rules#RULES#g" cmd_out.txt bin_out.txt
  cmp -s cmd_out.txt bin_out.txt || { diff cmd_out.txt bin_out.txt | head; fail "installed 'lawwatch $verb' differs from the build's"; }
done
"$cmd" report --db "$cdb" --as-of 2025-12-01 --format html -o cmd.html; [ $? -le 1 ] && [ -s cmd.html ] ||
  fail "installed 'lawwatch report -o' wrote no file"
# the whole tree moved: the command still finds its library and its rules
mv "$prefix" "$tmp/moved"
"$tmp/moved/bin/lawwatch" search --db "$cdb" --format json "kế hoạch" > moved.txt 2>&1 ||
  { cat moved.txt; fail "the installed command does not run once its tree is moved"; }
"$bin" search --db "$cdb" --format json "kế hoạch" > bin_out.txt 2>&1
sed -i "s#$tmp/moved/share/lawwatch/rules#RULES#g; s#$src/rules#RULES#g" moved.txt bin_out.txt
cmp -s moved.txt bin_out.txt || fail "the moved command's search differs from the build's"
"$tmp/moved/bin/lawwatch" rules test > moved_rules.txt || { tail -3 moved_rules.txt; fail "the moved command's rules test failed"; }
mv "$tmp/moved" "$prefix"

# the public layer leaks nothing and reads nothing uninitialised (valgrind, when installed and
# the build is not already sanitized)
if [ $sanitized = 0 ] && command -v valgrind >/dev/null; then
  vg=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect)
  rm -f vg.db
  LAWWATCH_NO_JIT=1 "${vg[@]}" ./count_deadlines vg.db 2025-12-01 "kế hoạch" "$tmp/docs" > /dev/null 2> vg.err
  [ $? = 99 ] && { cat vg.err; fail "valgrind: count_deadlines"; }
  LAWWATCH_NO_JIT=1 "${vg[@]}" ./api_smoke vg.db "$doc" "59/2012/NĐ-CP" > /dev/null 2> vg.err
  [ $? = 99 ] && { cat vg.err; fail "valgrind: api_smoke"; }
fi
echo "t_install: installed, built against lawwatch.pc, $(grep -c . out1.txt) lines of output as the command's"
exit 0
