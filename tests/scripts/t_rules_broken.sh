#!/usr/bin/env bash
# A broken rule file is refused with file, line, rule id and PCRE2's message and offset;
# a YAML syntax error with file, line and column.
set -eu
bin=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp "$src"/rules/*.yaml "$tmp"/
cat > "$tmp/zz_broken.yaml" <<'Y'
rules:
  - id: broken.paren
    kind: date
    pattern: 'ngày \s+ (\d+'
Y
set +e
msg=$("$bin" extract --rules "$tmp" "$src/corpus/000_16978144406cea88.txt" 2>&1 >/dev/null); rc=$?
set -e
echo "$msg"
[ "$rc" = 2 ]
echo "$msg" | grep -q "zz_broken.yaml:2:"
echo "$msg" | grep -q "broken.paren"
echo "$msg" | grep -q "PCRE2 error"
printf 'rules:\n  - id: x\n    kind: [date\n' > "$tmp/zz_broken.yaml"
set +e
msg=$("$bin" rules test --rules "$tmp" 2>&1); rc=$?
set -e
echo "$msg"
[ "$rc" = 2 ]
echo "$msg" | grep -q "zz_broken.yaml:[0-9]*:[0-9]*: YAML"
echo ok
