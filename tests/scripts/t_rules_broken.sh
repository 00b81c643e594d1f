#!/usr/bin/env bash
# A broken rule file is refused (exit 2) with the place the author wrote: for a pattern
# PCRE2 refuses, FILE:LINE:COL of the character in the YAML as written (block, quoted and
# double-quoted scalars), the line and a caret; inside a macro, the {{MACRO}} in the rule
# and then the macro's own line. Each case of tests/data/rules_broken/ is a folder of
# YAML files added to the shipped rules and the exact message expected (the folder's path
# reads RULES). A YAML syntax error gives file, line and column.
set -eu
bin=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
for case in "$src"/tests/data/rules_broken/*/; do
    name=$(basename "$case")
    rm -rf "$tmp/rules"; mkdir "$tmp/rules"
    cp "$src"/rules/*.yaml "$case"/*.yaml "$tmp/rules/"
    set +e
    "$bin" rules test --rules "$tmp/rules" >/dev/null 2>"$tmp/err"; rc=$?
    set -e
    sed "s|$tmp/rules|RULES|g" "$tmp/err" > "$tmp/got"
    if [ "$rc" != 2 ] || ! diff -u "$case/expected.txt" "$tmp/got"; then
        echo "FAIL $name (exit $rc)"
        fail=1
    fi
done
# extract refuses a broken rule the same way
rm -rf "$tmp/rules"; mkdir "$tmp/rules"
cp "$src"/rules/*.yaml "$src"/tests/data/rules_broken/block_line3/*.yaml "$tmp/rules/"
set +e
msg=$("$bin" extract --rules "$tmp/rules" "$src/corpus/000_16978144406cea88.txt" 2>&1 >/dev/null); rc=$?
set -e
echo "$msg"
[ "$rc" = 2 ] || fail=1
echo "$msg" | grep -q "zz_rule.yaml:9:13: .*(rule broken.block: bad pattern): .*(PCRE2 error 142)" || fail=1
printf 'rules:\n  - id: x\n    kind: [date\n' > "$tmp/rules/zz_rule.yaml"
set +e
msg=$("$bin" rules test --rules "$tmp/rules" 2>&1); rc=$?
set -e
echo "$msg"
[ "$rc" = 2 ] || fail=1
echo "$msg" | grep -q "zz_rule.yaml:[0-9]*:[0-9]*: YAML" || fail=1
[ "$fail" = 0 ] && echo ok
exit "$fail"
