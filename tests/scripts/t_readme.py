#!/usr/bin/env python3
"""The README's examples run in the suite (STYLE.md 7, as cmark runs spec.txt): every example
block of README.md, read as it is when the test runs, is run in a temporary folder holding a
copy of corpus/ and tests/data/, and fails when a command exits with an unexpected status or,
where the README shows output, prints other output.

Which fenced blocks are examples:
- a block whose first line starts with `$ lawwatch `, `lawwatch `, `./build/lawwatch ` or
  `build/lawwatch `, unless it is a synopsis (`[--option]`, `FILE...`: it shows syntax) or
  lawwatch's own output (`lawwatch ingest: 38 đã nhập ...`);
- any block marked by an HTML comment on one of the two lines before its fence:
      <!-- example -->             run it (whatever its first line)
      <!-- example fresh -->       ... in a folder where nothing is ingested yet
      <!-- example over=DIR -->    ... on a database holding DIR alone (see "# over DIR")
      <!-- example exit=N -->      every command of the block must exit with N
      <!-- not-example -->         never run it (e.g. a block that starts with `lawwatch `
                                   but needs a server or a path that does not exist here)
Inside a block: lines starting with `$ ` are commands and the lines after each, up to the
next `$ `, the output it shows (nothing shown: the output is not compared). Without any `$ `
line, every line but comments is a command and no output is shown. A line `...` or `…` of
shown output stands for any lines, `…` inside a line for any text. A command ending in
`# over DIR` runs on a database (the default one, ./lawwatch.db) holding DIR alone; other
blocks find corpus/ ingested there, unless marked fresh. `lawwatch` and `./build/lawwatch`
are the binary under test; the rules are the source tree's.

Exit status: 0; shown output that is an error ("lawwatch: ..." or "lawwatch VERB: ...")
wants a non-zero status; check and report may also exit 1 (something found: their documented
status); exit=N overrides.

Run: python3 t_readme.py LAWWATCH_BIN SOURCE_DIR (from ctest). Prints, for every fenced block
of the README, whether it ran and why (not)."""
import os
import re
import shutil
import subprocess

import lwtest

BIN, SRC = lwtest.paths()
README = lwtest.source("README.md")
STARTS = ("$ lawwatch ", "lawwatch ", "./build/lawwatch ", "build/lawwatch ")
SYNOPSIS = re.compile(r"\[--?[A-Za-z]|\b[A-Z]{3,}\.\.\.")
MARK = re.compile(r"<!--\s*(example|not-example)\b(.*?)-->")
ERROR = re.compile(r"^lawwatch( [a-z]+)?: ")
OVER = re.compile(r"\s#\s*over\s+(\S+)\s*$")
CMD_TIMEOUT = 300  # seconds a README command may take (an ingest of corpus/ takes a few)


def blocks(text):
    """(line of the fence, info string, lines, marker words or None) of every fenced block."""
    lines = text.split("\n")
    out, i = [], 0
    while i < len(lines):
        m = re.match(r"^(\s*)(```+|~~~+)(.*)$", lines[i])
        if not m:
            i += 1
            continue
        fence, start = m.group(2), i
        body = []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(fence):
            body.append(lines[i][len(m.group(1)):] if lines[i].startswith(m.group(1)) else lines[i])
            i += 1
        i += 1
        mark = None
        for k in (start - 1, start - 2):
            mm = MARK.search(lines[k]) if k >= 0 else None
            if mm:
                mark = (mm.group(1), mm.group(2).split())
                break
        out.append((start + 1, m.group(3).strip(), body, mark))
    return out


def commands(body):
    """[(command, shown output lines or None)] of a block."""
    if any(l.startswith("$ ") for l in body):
        cmds = []
        for l in body:
            if l.startswith("$ "):
                cmds.append([l[2:], []])
            elif cmds:
                cmds[-1][1].append(l)
        for c in cmds:
            while c[1] and not c[1][-1].strip():
                c[1].pop()
        return [(c, out or None) for c, out in cmds]
    cmds, cur = [], ""
    for l in body:
        if not l.strip() or (l.lstrip().startswith("#") and not cur):
            continue
        cur += l
        if cur.endswith("\\"):
            cur = cur[:-1] + " "
            continue
        cmds.append((cur, None))
        cur = ""
    if cur:
        cmds.append((cur, None))
    return cmds


def pattern(shown):
    """A regex for the shown output, each line ending in a newline: a `...`/`…` line stands
    for any lines, `…` inside a line for any text of that line."""
    rx = ""
    for l in shown:
        s = l.rstrip()
        if s.strip() in ("...", "…"):
            rx += r"(?:[^\n]*\n)*?"
        else:
            rx += r"[^\n]*?".join(re.escape(p) for p in s.split("…")) + r"\n"
    return re.compile(rx)


def workdir(tmp, over, fresh):
    """A fresh folder with copies of corpus/ and tests/data/, the binary as lawwatch and
    build/lawwatch, and a database holding over (or corpus/, unless fresh)."""
    if os.path.exists(tmp):
        shutil.rmtree(tmp)
    os.makedirs(os.path.join(tmp, "bin"))
    shutil.copytree(lwtest.source("corpus"), os.path.join(tmp, "corpus"))
    shutil.copytree(lwtest.data(), os.path.join(tmp, "tests", "data"))
    os.makedirs(os.path.join(tmp, "build"))
    for link in (os.path.join(tmp, "bin", "lawwatch"), os.path.join(tmp, "build", "lawwatch")):
        os.symlink(BIN, link)
    env = dict(os.environ, PATH=os.path.join(tmp, "bin") + os.pathsep + os.environ.get("PATH", ""),
               LAWWATCH_RULES=lwtest.source("rules"), LC_ALL="C.UTF-8")
    env.pop("LAWWATCH_DB", None)
    what = over or (None if fresh else "corpus")
    if what:
        rc, out, err = lwtest.run("ingest", what, cwd=tmp, env=env, timeout=CMD_TIMEOUT)
        lwtest.check(rc in (0, 1), "setup: lawwatch ingest %s: exit %d %s" % (what, rc, err.strip()))
    return env


def run_block(tmp, line, body, words):
    cmds = commands(body)
    if not cmds:
        print("README.md:%d: no command in the block" % line)
        return 0
    opts = dict(w.split("=", 1) if "=" in w else (w, "") for w in words)
    over = opts.get("over")
    for c, _ in cmds:
        m = OVER.search(c)
        if m:
            over = over or m.group(1)
    env = workdir(tmp, over, "fresh" in opts)
    for cmd, shown in cmds:
        where = "README.md:%d: $ %s" % (line, cmd)
        try:
            p = subprocess.run(["bash", "-c", cmd], cwd=tmp, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=CMD_TIMEOUT, encoding="utf-8", errors="replace")
        except subprocess.TimeoutExpired:
            lwtest.fail(where + ": timed out")
            continue
        verb = re.match(r"^(?:\./)?(?:build/)?lawwatch\s+(\S+)", cmd)
        if "exit" in opts:
            ok = p.returncode == int(opts["exit"])
        elif shown and ERROR.match(shown[0]):
            ok = p.returncode != 0
        else:
            ok = p.returncode == 0 or (p.returncode == 1 and verb and verb.group(1) in ("check", "report"))
        lwtest.check(ok, "%s: exit status %d\n%s" % (where, p.returncode, p.stdout[-2000:]))
        if shown is not None:
            got = "\n".join(l.rstrip() for l in p.stdout.rstrip("\n").split("\n"))
            if not pattern(shown).fullmatch(got + "\n"):
                lwtest.compare_text("\n".join(l.rstrip() for l in shown), got, where + ": output")
    return len(cmds)


def main():
    text = lwtest.expected(README, as_json=False)
    if text is None:
        lwtest.done()
    ran = 0
    with lwtest.tmpdir("lw_readme_") as tmp:
        for line, info, body, mark in blocks(text):
            first = next((l for l in body if l.strip()), "")
            if mark and mark[0] == "not-example":
                print("README.md:%d: marked not-example" % line)
                continue
            if mark:
                words = mark[1]
            elif first.startswith(STARTS):
                if ERROR.match(first):
                    print("README.md:%d: output of lawwatch, not a command" % line)
                    continue
                if any(SYNOPSIS.search(l) for l in body):
                    print("README.md:%d: synopsis, not run" % line)
                    continue
                words = []
            else:
                continue
            n = run_block(os.path.join(tmp, "w"), line, body, words)
            print("README.md:%d: ran %d command%s" % (line, n, "" if n == 1 else "s"))
            ran += n
    if not ran and not lwtest.FAILS:
        lwtest.skip("README.md shows no example to run")
    lwtest.done()


main()
