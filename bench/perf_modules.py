#!/usr/bin/env python3
"""Where the time goes: reads `perf script -F comm,ip,sym,dso` output of a
`perf record --call-graph dwarf` run of lawwatch (built with -g) and attributes every
sample to a module of ours:

- walk the call chain from the leaf up; library frames (SQLite, jansson, libc, ICU,
  utf8proc, PCRE2) and the helpers of lw_common.c, lw_msg.c, lw_file.c and lw_fold.c (called
  by several stages) are transparent; the first frame in our binary
  names the module by its source file (lw_norm.c -> normalize, lw_fts.c -> FTS tokenizer, ...);
  so ICU called by the tokenizer counts as tokenizer, SQLite called by lw_store as store;
- samples whose chain passes lw_engine_create are start-up (rules load and compile);
- PCRE2 JIT code has no unwind information, so its samples stop there: they are counted as
  rules/PCRE2 matching (caller unknown).

  perf_modules.py --binary PATH --json OUT < perf-script.txt
Prints a Markdown summary; --json gets the numbers.
"""
import argparse
import bisect
import collections
import json
import os
import re
import subprocess
import sys

MODULE_OF_FILE = {
    "lw_decode.c": "decode",
    "lw_encscore.c": "decode",
    "lw_norm.c": "normalize",
    "lw_norm_chars.c": "normalize",
    "lw_syllable.c": "normalize",
    "lw_artefacts.c": "normalize",
    "lw_lines.c": "normalize",
    "lw_unwrap.c": "normalize",
    "lw_doc.c": "document (load, sha256, offsets)",
    "lw_rules.c": "rules / PCRE2 matching",
    "lw_extract.c": "extract (facts, header)",
    "lw_extract_header.c": "extract (facts, header)",
    "lw_extract_agency.c": "extract (facts, header)",
    "lw_extract_refs.c": "extract (facts, header)",
    "lw_extract_dates.c": "extract (facts, header)",
    "lw_resolve.c": "extract (facts, header)",
    "lw_date.c": "extract (facts, header)",
    "lw_text.c": "extract (facts, header)",
    "lw_segment.c": "duties (segment, duty)",
    "lw_duty.c": "duties (segment, duty)",
    "lw_fts.c": "FTS tokenizer",
    "lw_store.c": "store / SQLite",
    "lw_store_sqlite.c": "store / SQLite",
    "lw_store_sqlite_backend.c": "store / SQLite",
    "lw_store_schema.c": "store / SQLite",
    "lw_store_facts.c": "store / SQLite",
    "lw_store_ingest.c": "store / SQLite",
    "lw_store_query.c": "store / SQLite",
    "lw_store_text.c": "store / SQLite",
    "lw_yaml.c": "start-up (rules, registry)",
    "lw_registry.c": "start-up (rules, registry)",
    "lw_docset.c": "check / report",
    "lw_check.c": "check / report",
    "lw_report.c": "check / report",
    "lw_report_render.c": "check / report",
    "lw_report_write.c": "check / report",
    "lw_report_text.c": "check / report",
    "lw_report_md.c": "check / report",
    "lw_report_html.c": "check / report",
    "lw_report_csv.c": "check / report",
    "lw_report_json.c": "check / report",
    "lw_subject.c": "check / report",
    "lw_check_ocr.c": "check / report",
    "lw_check_render.c": "check / report",
}
TRANSPARENT = {"lw_common.c", "lw_msg.c", "lw_file.c", "lw_fold.c"}
FRAME = re.compile(r"^\s*([0-9a-f]+)\s+(.*?)\s+\((.*)\)\s*$")


def load_symbols(binary):
    out = subprocess.run(["nm", "-S", "-l", "--defined-only", binary], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 4 or parts[2] not in "tTwW":
            continue
        addr, size, name = int(parts[0], 16), int(parts[1], 16), parts[3]
        src = parts[4].rsplit(":", 1)[0] if len(parts) > 4 else ""
        syms.append((addr, addr + size, name, os.path.basename(src)))
    syms.sort()
    return syms


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", required=True)
    ap.add_argument("--json")
    ap.add_argument("--top", type=int, default=20)
    ap.add_argument("--callees", action="append", default=[],
                    help="also break down the time under FUNCTION by its direct callee (repeatable)")
    a = ap.parse_args()
    syms = load_symbols(a.binary)
    starts = [s[0] for s in syms]
    binname = os.path.basename(a.binary)

    def file_of(ip):
        i = bisect.bisect_right(starts, ip) - 1
        if i >= 0 and syms[i][0] <= ip < max(syms[i][1], syms[i][0] + 1):
            return syms[i][3], syms[i][2]
        return "", ""

    def dso_label(dso):
        b = os.path.basename(dso)
        if dso.startswith("[JIT]") or "anon" in dso or dso == "[unknown]" or re.match(r"perf-\d+\.map$", b):
            return "PCRE2 JIT code"
        if b == binname:
            return "lawwatch"
        if "kernel" in dso:
            return "kernel"
        return re.sub(r"\.so.*$", "", b)

    module = collections.Counter()
    leafdso = collections.Counter()
    cross = collections.defaultdict(collections.Counter)
    selfsym = collections.Counter()
    incl = collections.Counter()
    callees = {f: collections.Counter() for f in a.callees}
    total = 0

    def account(frames):
        nonlocal total
        if not frames:
            return
        # perf prints a frame's inlined callees before it, with the same ip and no dso:
        # give them the dso of the real frame that follows
        fixed, nxt = [], ""
        for ip, sym, dso, inl in reversed(frames):
            if inl:
                dso = nxt
            else:
                nxt = dso
            fixed.append((ip, sym, dso, inl))
        frames = fixed[::-1]
        total += 1
        leaf = frames[0]
        ld = dso_label(leaf[2])
        leafdso[ld] += 1
        selfsym["%s  [%s]" % (leaf[1] if leaf[1] != "[unknown]" else hex(leaf[0]) if ld != "PCRE2 JIT code" else "(JIT)", ld)] += 1
        for fn in a.callees:
            for k in range(len(frames) - 1, -1, -1):
                if frames[k][1] == fn and not frames[k][3]:
                    path, j = [], k - 1
                    while j >= 0 and dso_label(frames[j][2]) == "lawwatch":
                        if len(path) < 3 and frames[j][1] not in path:
                            path.append(frames[j][1])
                        j -= 1
                    lib = dso_label(frames[j][2]) if j >= 0 else "self"
                    callees[fn][" > ".join(path or ["(self)"]) + "  -> " + lib] += 1
                    break
        mod = None
        seen = set()
        startup = False
        for ip, sym, dso, inl in frames:
            if dso_label(dso) == "lawwatch" and not inl:
                f, name = file_of(ip)
                if name in ("lw_engine_create", "lw_ruleset_load_dir", "lw_registry_load"):
                    startup = True
                if name and name not in seen:
                    seen.add(name)
                    incl["%s (%s)" % (name, f)] += 1
                if mod is None and f and f not in TRANSPARENT:
                    mod = MODULE_OF_FILE.get(f, "other: " + f)
        if startup:
            mod = "start-up (rules, registry)"
        if mod is None:
            if ld == "PCRE2 JIT code" or ld.startswith("libpcre2"):
                mod = "rules / PCRE2 matching"
            elif ld.startswith("ld-linux"):
                mod = "start-up (dynamic linking)"
            else:
                mod = "unattributed (%s)" % ld
        module[mod] += 1
        cross[mod][ld] += 1

    frames = []
    for line in sys.stdin:
        if not line.strip():
            account(frames)
            frames = []
            continue
        if not line[0].isspace():  # sample header (comm)
            account(frames)
            frames = []
            continue
        m = FRAME.match(line)
        if not m:
            continue
        ip = int(m.group(1), 16)
        sym = m.group(2)
        dso = m.group(3)
        inl = dso == "inlined"
        sym = re.sub(r"\+0x[0-9a-f]+$", "", sym)
        if frames and frames[-1][0] == ip and frames[-1][1] == sym:
            continue  # perf repeats the real frame after its inlined chain
        frames.append((ip, sym, dso, inl))
    account(frames)

    def pct(n):
        return 100.0 * n / total if total else 0.0

    res = {"samples": total,
           "modules": [{"module": k, "pct": round(pct(v), 2),
                        "by_library": {d: round(pct(c), 2) for d, c in cross[k].most_common()}}
                       for k, v in module.most_common()],
           "self_by_library": [{"library": k, "pct": round(pct(v), 2)} for k, v in leafdso.most_common()],
           "self_symbols": [{"symbol": k, "pct": round(pct(v), 2)} for k, v in selfsym.most_common(a.top)],
           "inclusive_functions": [{"function": k, "pct": round(pct(v), 2)} for k, v in incl.most_common(a.top)],
           "callees": {f: [{"callee": k, "pct": round(pct(v), 2)} for k, v in c.most_common(a.top)]
                       for f, c in callees.items()}}
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, ensure_ascii=False, indent=1)
    print("samples: %d" % total)
    for m in res["modules"]:
        libs = ", ".join("%s %.1f%%" % (d, p) for d, p in list(m["by_library"].items())[:4])
        print("  %5.1f%%  %-34s %s" % (m["pct"], m["module"], libs))


if __name__ == "__main__":
    main()
