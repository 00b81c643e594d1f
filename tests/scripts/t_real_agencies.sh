#!/usr/bin/env bash
# Agencies on the real documents of corpus-extra against the gold written by reading them
# (tests/data/real/gold-agencies, see its README): recall of the bodies each document names,
# no agency from a document's symbol ("565/TB-UBND" names no Ủy ban), and the crafted
# tests/data/agencies/*.txt give exactly the bodies their .expected.tsv lists (every general form
# and its counter-examples: precision as well as recall).
set -euo pipefail
bin=$1; src=$2
out=$(mktemp); trap 'rm -f "$out"' EXIT
cd "$src"
"$bin" extract --format json corpus/extra/*.txt > "$out"
python3 tests/eval/score.py tests/data/real/gold-agencies "$out" --min-agency-recall 0.95 | grep -v ': \(legal_ref\|deadline\) \|: header\.'
python3 - "$out" <<'PY'
import json, sys
bad = 0
for line in open(sys.argv[1], encoding="utf-8"):
    rec = json.loads(line)
    text = open(rec["path"], encoding="utf-8").read().encode()
    for f in rec["facts"]:
        if f["kind"] != "agency":
            continue
        s = f["span"][0]
        before = text[max(0, s - 2):s]
        if len(before) == 2 and before[1:] in (b"-", b"/") and (chr(before[0]).isalnum() or before[0] >= 0x80) \
                and b" " not in text[s:f["span"][1]]:
            print(f"{rec['path']}:{f['line']}: agency {f['name']!r} from a symbol: {f['text']!r}")
            bad += 1
sys.exit(1 if bad else 0)
PY
for t in tests/data/agencies/*.txt; do
  "$bin" extract --format json "$t" > "$out"
  python3 - "$out" "${t%.txt}.expected.tsv" <<'PY'
import collections, json, sys
rec = json.loads(open(sys.argv[1], encoding="utf-8").readline())
got = collections.Counter((str(f["line"]), f["name"], f["level"] or "", f["province"] or "")
                          for f in rec["facts"] if f["kind"] == "agency")
want = collections.Counter()
for line in open(sys.argv[2], encoding="utf-8"):
    if line.strip() and not line.startswith("#"):
        cols = (line.rstrip("\n").split("\t") + ["", "", "", ""])[:4]
        want[tuple(cols)] += 1
for k in sorted(want - got):
    print(f"{sys.argv[2]}: missing {k}")
for k in sorted(got - want):
    print(f"{sys.argv[2]}: extra {k}")
sys.exit(1 if got != want else 0)
PY
done
# Bounded work: a document made of many documents (short names defined again and again, headers
# in capitals) is read in linear time: 4 MB under 10 s of CPU (ten times that under a sanitizer).
python3 - "$bin" <<'PY'
import os, resource, subprocess, sys, tempfile
bin = sys.argv[1]
parts = b"".join(open(f"corpus/extra/ext-{n}.txt", "rb").read() for n in ("029", "027", "014", "016"))
n = 4 * 1024 * 1024
fd, path = tempfile.mkstemp(suffix=".txt")
try:
    os.write(fd, (parts * (n // len(parts) + 1))[:n])
    os.close(fd)
    san = "libasan" in subprocess.run(["ldd", bin], capture_output=True, text=True).stdout
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([bin, "extract", "--format", "json", path], stdout=subprocess.DEVNULL, check=True, timeout=600)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    took = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    limit = 10.0 * (10 if san else 1)
    print(f"4 MB of repeated documents: {took:.1f} s of CPU (limit {limit:.0f})")
    sys.exit(0 if took < limit else 1)
finally:
    os.unlink(path)
PY
