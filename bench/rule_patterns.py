#!/usr/bin/env python3
"""The rules' PCRE2 patterns, macros expanded, one per line, for pcre2grep -f.

lawwatch compiles each rule's `pattern` (rules/*.yaml, registry*.yaml left out) with
UTF | UCP | CASELESS | EXTENDED | DUPNAMES unless the rule says `caseless: false` or
`extended: false`, after expanding {{NAME}} to (?:...) of the macro (rules/macros.yaml and
every file's `macros:`, shared by all files). pcre2grep takes one pattern per line, so here
the extended-mode comments are dropped, line breaks become spaces (white space is ignored
in extended mode anyway) and the options are spelled inline: (*UCP)(?xiJ).

  python3 bench/rule_patterns.py [--rules DIR] [--json]   patterns on stdout
Needs PyYAML (Debian: python3-yaml).
"""
import argparse
import glob
import json
import os
import re
import sys

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.exit("rule_patterns.py: needs PyYAML (apt-get install python3-yaml)")

MACRO = re.compile(r"\{\{([^{}]+)\}\}")


def expand(pat, macros, depth=0):
    if depth > 16:
        raise ValueError("macros nest too deep")

    def sub(m):
        name = m.group(1)
        if name not in macros:
            raise ValueError("unknown macro {{%s}}" % name)
        return "(?:" + expand(macros[name], macros, depth + 1) + ")"

    return MACRO.sub(sub, pat)


def strip_extended(p):
    """Drops #-comments (outside classes, not escaped) and turns line breaks into spaces."""
    out = []
    i, n = 0, len(p)
    in_class = False
    while i < n:
        c = p[i]
        if c == "\\" and i + 1 < n:
            if p[i + 1] == "Q":  # \Q...\E literal
                j = p.find("\\E", i + 2)
                j = n if j < 0 else j + 2
                out.append(p[i:j])
                i = j
                continue
            out.append(p[i:i + 2])
            i += 2
            continue
        if in_class:
            if c == "[" and p.startswith("[:", i):  # POSIX class inside a class
                j = p.find(":]", i + 2)
                if j > 0:
                    out.append(p[i:j + 2])
                    i = j + 2
                    continue
            if c == "]":
                in_class = False
            out.append(c)
            i += 1
            continue
        if c == "[":
            in_class = True
            out.append(c)
            i += 1
            # a ']' right after '[' or '[^' is literal
            if i < n and p[i] == "^":
                out.append("^")
                i += 1
            if i < n and p[i] == "]":
                out.append("]")
                i += 1
            continue
        if c == "#":
            j = p.find("\n", i)
            i = n if j < 0 else j
            continue
        if c in "\r\n":
            out.append(" ")
            i += 1
            continue
        out.append(c)
        i += 1
    return "".join(out).strip()


def load(rules_dir):
    files = sorted(f for f in glob.glob(os.path.join(rules_dir, "*.yaml"))
                   if not os.path.basename(f).startswith("registry"))
    docs = []
    macros = {}
    for f in files:
        with open(f, encoding="utf-8") as fh:
            d = yaml.safe_load(fh) or {}
        docs.append((f, d))
        for k, v in (d.get("macros") or {}).items():
            macros[k] = v
    out = []
    for f, d in docs:
        for r in d.get("rules") or []:
            pat = expand(r["pattern"], macros)
            ext = r.get("extended", True) is not False
            cls = r.get("caseless", True) is not False
            flags = "J" + ("x" if ext else "") + ("i" if cls else "")
            body = strip_extended(pat) if ext else pat.replace("\n", "\\n")
            out.append({"id": r["id"], "kind": r.get("kind"), "file": os.path.basename(f),
                        "pcre2grep": "(*UCP)(?%s)%s" % (flags, body)})
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--rules", default=os.path.join(here, "..", "rules"))
    ap.add_argument("--json", action="store_true", help="id, kind, file and pattern per rule")
    a = ap.parse_args()
    pats = load(a.rules)
    if a.json:
        json.dump(pats, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        for p in pats:
            print(p["pcre2grep"])


if __name__ == "__main__":
    main()
