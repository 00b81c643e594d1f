#!/usr/bin/env bash
# What `cmake --install` gives an administrator besides the command and the library (those:
# t_install.sh), installed into a temporary prefix and used from another folder:
# - the installed command, run where there is no ./rules, with LAWWATCH_RULES unset and an
#   empty configuration, finds the rules installed beside it (share/lawwatch/rules): --version
#   names them with the build's rules version, and it extracts a document as the build does;
# - lawwatch(1) and one lawwatch-VERB(1) per verb of `lawwatch --help`, each rendering
#   without a warning (man -l, else groff, else mandoc, else only its .TH line checked), each
#   carrying the exit statuses, LAWWATCH_RULES, LAWWATCH_CONFIG, --rules, the configuration
#   file's path, and every option its verb's --help lists;
# - the bash completion: it sources in bash and completes the verbs, each verb's options (as
#   its --help lists them), the values of --format and --color, config's keys;
# - the nightly script (executable, bash syntax), the three systemd units naming it where it
#   was installed, the sample configuration (which the command accepts).
set -u
bin=$1; src=$2
build=$(cd "$(dirname "$bin")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "t_install_files: $*" >&2; exit 1; }
command -v cmake >/dev/null || { echo "t_install_files: cmake not found, skipped"; exit 77; }
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "cmake --install failed"; }
configured=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
[ -n "$configured" ] || fail "no CMAKE_INSTALL_PREFIX in $build/CMakeCache.txt"
cmd=$prefix/bin/lawwatch

# --- the installed command finds its rules from elsewhere
mkdir -p "$tmp/elsewhere"
cd "$tmp/elsewhere" || exit 2
: > empty.conf
unset LAWWATCH_RULES
export LAWWATCH_CONFIG=$tmp/elsewhere/empty.conf
[ ! -e rules ] || fail "the working folder has rules/"
"$cmd" --version > version.txt 2> version.err || { cat version.err; fail "installed lawwatch --version failed"; }
want_rv=$(LAWWATCH_RULES=$src/rules "$bin" --version | sed -n 's/^rules \([0-9a-f]*\) .*/\1/p')
[ -n "$want_rv" ] || fail "the build's --version names no rules version"
grep -qx "rules $want_rv $prefix/share/lawwatch/rules" version.txt ||
  { cat version.txt; fail "installed --version does not name the installed rules ($want_rv $prefix/share/lawwatch/rules)"; }
doc=$(ls "$src"/corpus/0*.txt | head -1)
"$cmd" extract "$doc" > got.json || fail "the installed command cannot extract $doc"
"$bin" extract --rules "$src/rules" "$doc" > want.json
cmp -s got.json want.json || fail "the installed command's extract differs from the build's"

# --- man pages: one per verb of the help, each rendered without a warning
verbs=$("$bin" --help | sed -n '/^Usage:/,/^Common options:/s/^  \([a-z]\+\)\( .*\)\?$/\1/p')
[ "$(echo "$verbs" | wc -w)" -ge 8 ] || fail "lawwatch --help lists too few verbs: $verbs"
mandir=$prefix/share/man/man1
conf_path=$("$bin" --help | sed -n '/^Files:/,$p' | grep -o '/[^ ]*/lawwatch/lawwatch.conf' | head -1)
[ -n "$conf_path" ] || fail "lawwatch --help names no configuration file"
help_options() { # VERB: the options its --help lists in its usage and option entries
  "$bin" "$1" --help | grep -E '^(Usage:| )' | grep -oE '(^|[[ ])--?[a-z][a-z-]*' | tr -d '[ ' | sort -u
}
render() { # PAGE -> the text on stdout, the warnings on stderr
  if command -v man >/dev/null; then MANWIDTH=80 man --warnings -E UTF-8 -l "$1"
  elif command -v groff >/dev/null; then groff -k -man -Tutf8 -ww "$1"
  elif command -v mandoc >/dev/null; then mandoc -Tutf8 -Wwarning "$1"
  else cat "$1"; fi
}
for page in lawwatch $(for v in $verbs; do echo "lawwatch-$v"; done); do
  f=$mandir/$page.1
  [ -f "$f" ] || fail "$page.1 not installed"
  up=$(echo "$page" | tr a-z A-Z)
  grep -qF ".TH ${up//-/\\-} 1 " "$f" || fail "$page.1 has no .TH $up 1 line"
  render "$f" > "$tmp/$page.txt" 2> "$tmp/$page.err"
  [ -s "$tmp/$page.err" ] && { cat "$tmp/$page.err"; fail "$page.1 renders with warnings"; }
  [ "$(grep -c . "$tmp/$page.txt")" -ge 30 ] || fail "$page.1 renders to almost nothing"
  # what every page carries (as rendered: roff escapes gone)
  for want in "EXIT STATUS" "ENVIRONMENT" "FILES" "LAWWATCH_RULES" "LAWWATCH_CONFIG" "$conf_path" \
              "could not run" "SEE ALSO"; do
    grep -qF -- "$want" "$tmp/$page.txt" || fail "$page(1) does not say '$want'"
  done
  grep -qE '^ +2 +could not run' "$tmp/$page.txt" || fail "$page(1) has no exit status 2 entry"
done
grep -qF -- "--rules DIR" "$tmp/lawwatch.txt" || fail "lawwatch(1) does not list --rules"
for v in $verbs; do
  grep -qF "lawwatch-$v(1)" "$tmp/lawwatch.txt" || fail "lawwatch(1) does not refer to lawwatch-$v(1)"
  grep -qF "lawwatch $v" "$tmp/lawwatch-$v.txt" || fail "lawwatch-$v(1) has no synopsis"
  # every option the verb's help lists is in its page
  for o in $(help_options "$v"); do
    grep -qF -- "$o" "$tmp/lawwatch-$v.txt" || fail "lawwatch-$v(1) does not mention $o"
  done
done
grep -qF -- "--prune-max PERCENT" "$tmp/lawwatch-ingest.txt" || fail "lawwatch-ingest(1) lists no --prune-max PERCENT"

# --- bash completion
comp=$prefix/share/bash-completion/completions/lawwatch
[ -f "$comp" ] || fail "share/bash-completion/completions/lawwatch not installed"
complete_() { # WORDS... (the last one is completed) -> candidates, one a line, sorted
  bash --norc --noprofile -c '
    source "$1" || exit 3
    shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _lawwatch lawwatch "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}"' _ "$comp" "$@" | sed '/^$/d' | sort
}
bash --norc --noprofile -c 'source "$1" && complete -p lawwatch' _ "$comp" | grep -q -- '-F _lawwatch lawwatch' ||
  fail "the completion does not register _lawwatch for lawwatch"
got=$(complete_ lawwatch "" | grep -v '^-' | tr '\n' ' ')
want=$(echo $verbs | tr ' ' '\n' | sort | tr '\n' ' ')
[ "$got" = "$want" ] || fail "verbs completed: '$got', want '$want'"
[ "$(complete_ lawwatch in)" = ingest ] || fail "'lawwatch in<TAB>' does not complete ingest"
[ "$(complete_ lawwatch --quiet rep)" = report ] || fail "'lawwatch --quiet rep<TAB>' does not complete report"
complete_ lawwatch --ver | grep -qx -- --version || fail "'lawwatch --ver<TAB>' does not offer --version"
for v in $verbs; do
  got=$(complete_ lawwatch "$v" -)
  for o in $(help_options "$v") --color --quiet --log --config; do
    echo "$got" | grep -qx -- "$o" || fail "'lawwatch $v -<TAB>' does not offer $o"
  done
done
complete_ lawwatch ingest - | grep -qx -- --as-of && fail "'lawwatch ingest -<TAB>' offers report's --as-of"
[ "$(complete_ lawwatch report --format "" | tr '\n' ' ')" = "csv html json md text " ] ||
  fail "report --format completes '$(complete_ lawwatch report --format "" | tr '\n' ' ')'"
[ "$(complete_ lawwatch ingest --format "" | tr '\n' ' ')" = "json text " ] || fail "ingest --format completes wrong values"
[ "$(complete_ lawwatch check --color "" | tr '\n' ' ')" = "always auto never " ] || fail "--color completes wrong values"
complete_ lawwatch config "" | grep -qx mail_to || fail "'lawwatch config <TAB>' does not offer mail_to"
[ "$(complete_ lawwatch rules "")" = test ] || fail "'lawwatch rules <TAB>' does not offer test"
mkdir -p "$tmp/elsewhere/docs-dir" && : > "$tmp/elsewhere/docs-dir/a.txt"
(cd "$tmp/elsewhere" && complete_ lawwatch ingest --db x.db docs) | grep -qx docs-dir ||
  fail "'lawwatch ingest --db x.db docs<TAB>' does not complete the folder"
[ -z "$(complete_ lawwatch search --limit "")" ] || fail "search --limit completes something"

# --- the nightly script, the units, the sample configuration
nightly=$prefix/libexec/lawwatch/lawwatch-nightly
[ -x "$nightly" ] || fail "libexec/lawwatch/lawwatch-nightly not installed executable"
bash -n "$nightly" || fail "lawwatch-nightly is not valid bash"
for u in lawwatch-nightly.service lawwatch-nightly.timer lawwatch-failure@.service; do
  [ -f "$prefix/lib/systemd/system/$u" ] || fail "lib/systemd/system/$u not installed"
done
for u in lawwatch-nightly.service lawwatch-failure@.service; do
  exe=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$prefix/lib/systemd/system/$u")
  [ "$exe" = "$configured/libexec/lawwatch/lawwatch-nightly" ] || fail "$u runs '$exe', not the installed script"
done
ex=$prefix/share/doc/lawwatch/lawwatch.conf.example
[ -f "$ex" ] || fail "share/doc/lawwatch/lawwatch.conf.example not installed"
[ ! -e "$prefix/etc/lawwatch/lawwatch.conf" ] || fail "cmake --install wrote etc/lawwatch/lawwatch.conf (the .deb's alone)"
"$cmd" --config "$ex" config > conf.txt 2>&1 || { cat conf.txt; fail "the command refuses the sample configuration"; }
grep -q '^db = /var/lib/lawwatch/lawwatch.db' conf.txt || fail "the sample configuration does not set db"
# every key the command knows is documented in the sample
keys=$("$bin" config --help | tr '\n' ' ' | sed -n 's/.*The keys: \([a-z_, ]*\)\..*/\1/p' | tr -d ',')
[ "$(echo $keys | wc -w)" -ge 9 ] || fail "config --help lists too few keys: $keys"
for k in $keys; do
  grep -qE "^#? ?$k = " "$ex" || fail "the sample configuration does not show the key $k"
done
echo "t_install_files: $(echo $verbs | wc -w) verbs: man pages, completion, nightly script, units, sample configuration"
exit 0
