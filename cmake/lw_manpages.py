#!/usr/bin/env python3
"""lw_manpages: lawwatch(1), one lawwatch-VERB(1) per verb and the bash completion, made at
build time from what the command itself says (`lawwatch --help`, `lawwatch VERB --help`) and
from man/lawwatch.txt (the prose the help has no room for: a description, examples). The help
is the one source of the synopses, options, exit statuses, environment and files, so the
manual and the completion cannot drift from the command.

usage: lw_manpages.py LAWWATCH EXTRAS OUTDIR VERSION
writes OUTDIR/lawwatch.1, OUTDIR/lawwatch-VERB.1 and OUTDIR/lawwatch.bash-completion.

The help's shape it relies on (lw_cli.c says so too): in `lawwatch --help`, the verbs listed as
"  VERB synopsis   summary" between "Usage:" and the first heading; headings at column 0
ending in ':' ("Common options:", "Exit status:", "Environment:", "Files:"), under each, entries
"  TERM   text" whose continuation lines are indented deeper. In a verb's help, "Usage:" and
its indented lines, then prose at column 0, option entries "  -x, --opt ARG   text", and a
line "Exit status: ..." (continued by indented lines). A help that lacks what is needed is an
error here, so the build fails rather than install an empty page.
"""
import os
import re
import subprocess
import sys


def fail(msg):
    sys.stderr.write("lw_manpages: %s\n" % msg)
    sys.exit(1)


def run_help(binary, *args):
    env = dict(os.environ, LC_ALL="C.UTF-8", NO_COLOR="1")
    for k in ("LAWWATCH_CONFIG", "LAWWATCH_RULES"):
        env.pop(k, None)
    p = subprocess.run([binary, *args, "--help"], capture_output=True, env=env)
    if p.returncode != 0 or not p.stdout:
        fail("'%s %s --help' exited %d: %s" % (binary, " ".join(args), p.returncode,
                                                p.stderr.decode("utf-8", "replace")))
    return p.stdout.decode("utf-8").splitlines()


def indent(line):
    return len(line) - len(line.lstrip(" "))


ENTRY = re.compile(r"^  (\S.*?)(?: {2,}(\S.*))?$")


def entries(lines):
    """'  TERM   text' lines with deeper continuation lines -> [(term, text)]; prose at
    column 0 -> (None, text)."""
    out = []
    for line in lines:
        if not line.strip():
            continue
        if indent(line) == 0:
            out.append([None, line.strip()])
        elif indent(line) == 2 and not line.startswith("   "):
            m = ENTRY.match(line)
            out.append([m.group(1), m.group(2) or ""])
        elif out:
            out[-1][1] = (out[-1][1] + " " + line.strip()).strip()
        else:
            fail("an indented line with nothing above it: %r" % line)
    return [tuple(e) for e in out]


def parse_main(lines):
    m = re.match(r"^lawwatch (\S+): (.*)$", lines[0])
    if not m:
        fail("lawwatch --help does not start with 'lawwatch VERSION: what it is'")
    main = {"version": m.group(1), "title": m.group(2), "verbs": [], "sections": {}}
    i = next((k for k, l in enumerate(lines) if l.startswith("Usage: ")), None)
    if i is None:
        fail("lawwatch --help has no Usage: line")
    main["usage"] = lines[i][len("Usage: "):]
    i += 1
    verb = None
    while i < len(lines) and not (lines[i] and indent(lines[i]) == 0):
        line = lines[i]
        i += 1
        if not line.strip():
            continue
        if indent(line) == 2:
            m = ENTRY.match(line)
            verb = {"name": m.group(1).split()[0], "synopsis": [m.group(1)], "summary": m.group(2) or ""}
            main["verbs"].append(verb)
        elif verb and indent(line) >= 20:
            verb["summary"] = line.strip()
        elif verb:
            m = re.match(r"^ +(\S.*?)(?: {2,}(\S.*))?$", line)
            verb["synopsis"].append(m.group(1))
            if m.group(2):
                verb["summary"] = m.group(2)
    if not main["verbs"]:
        fail("lawwatch --help lists no verb")
    name = None
    for line in lines[i:]:
        if line and indent(line) == 0 and line.endswith(":") and not line.startswith("'"):
            name = line[:-1]
            main["sections"][name] = []
        elif name:
            main["sections"][name].append(line)
    for need in ("Common options", "Exit status", "Environment", "Files"):
        if need not in main["sections"]:
            fail("lawwatch --help has no '%s:' paragraph" % need)
    main["sections"] = {k: entries(v) for k, v in main["sections"].items()}
    return main


def parse_verb(lines, name):
    if not lines[0].startswith("Usage: lawwatch " + name):
        fail("'lawwatch %s --help' does not start with its usage" % name)
    v = {"usage": [lines[0][len("Usage: "):]], "prose": [], "options": [], "exit": []}
    i = 1
    while i < len(lines) and lines[i].startswith(" "):
        # aligned under the text after "Usage: ", which the man page does not print
        line = lines[i].rstrip()
        v["usage"].append(line[len("Usage: "):] if line.startswith(" " * len("Usage: ")) else line)
        i += 1
    in_exit = False
    seen_option = False
    for kind_term, text in entries(lines[i:]):
        if kind_term is None:
            if text.startswith("Exit status:"):
                in_exit = True
                v["exit"].append(text[len("Exit status:"):].strip())
                continue
            in_exit = False
            v["prose"].append((seen_option, text))
        elif in_exit:
            v["exit"].append(kind_term + " " + text)
        else:
            seen_option = True
            v["options"].append((kind_term, text))
    return v


# --- roff ---------------------------------------------------------------------------------

def esc(text):
    """Plain text for roff: backslashes, hyphens (so that options copy as ASCII), a leading
    dot or quote."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    if text.startswith((".", "'")):
        text = "\\&" + text
    return text


def term(t):
    """An option entry's term: options bold, metavariables (PATH, FILE...) italic."""
    out = []
    for w in t.split(" "):
        if not w:
            continue
        trail = ""
        if w.endswith(","):
            w, trail = w[:-1], ","
        if w.startswith("-") or w.startswith("$"):
            out.append("\\fB%s\\fR%s" % (esc(w), trail))
        elif re.fullmatch(r"[A-Z][A-Z_.-]*(\.\.\.)?", w) or re.fullmatch(r"[a-z0-9]+(\|[a-z0-9]+)+", w):
            out.append("\\fI%s\\fR%s" % (esc(w), trail))
        else:
            out.append(esc(w) + trail)
    return " ".join(out)


def synopsis(lines, name):
    out = [".nf"]
    for line in lines:
        s = esc(line)
        s = re.sub(r"^(\s*)(lawwatch(?: \S+)?)", lambda m: m.group(1) + "\\fB" + m.group(2) + "\\fR", s, count=1)
        out.append(s)
    out.append(".fi")
    return out


def tp(items):
    out = []
    for t, text in items:
        out += [".TP", term(t), esc(text)]
    return out


def prose_par(paragraphs):
    out = []
    for p in paragraphs:
        out += [".PP", esc(p)]
    return out


def read_extras(path):
    """man/lawwatch.txt: '== PAGE' starts a page (lawwatch or a verb), a line in capitals a
    section; text lines make paragraphs (a blank line ends one), lines indented by two spaces
    are shown as written (examples)."""
    pages, page, sect = {}, None, None
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.startswith("#"):
                continue
            if line.startswith("== "):
                page = pages.setdefault(line[3:].strip(), {})
                sect = None
            elif re.fullmatch(r"[A-Z][A-Z ]+", line):
                if page is None:
                    fail("%s:%d: a section before any '== PAGE'" % (path, n))
                sect = page.setdefault(line, [])
            elif sect is not None:
                sect.append(line)
            elif line.strip():
                fail("%s:%d: text outside a section" % (path, n))
    return pages


def extra_roff(lines):
    out, para, lit = [], [], []

    def flush():
        if para:
            out.extend([".PP", esc(" ".join(para))])
            para.clear()
        if lit:
            out.extend([".PP", ".nf", ".RS 4"] + [esc(l) for l in lit] + [".RE", ".fi"])
            lit.clear()
    for line in lines:
        if line.startswith("  "):
            if para:
                flush()
            lit.append(line[2:])
        elif not line.strip():
            flush()
        else:
            if lit:
                flush()
            para.append(line.strip())
    flush()
    return out


ORDER = ["DESCRIPTION", "NOTES", "EXAMPLES"]


def page(name, section_title, version, head, body, extras, see_also):
    """head: NAME line; body: [(SECTION, roff lines)] in order; extras sections go where
    ORDER says, the others before SEE ALSO."""
    up = name.upper()
    out = ['.\\" -*- coding: UTF-8 -*-',
           '.\\" Generated by cmake/lw_manpages.py from "%s --help" and man/lawwatch.txt; do not edit.'
           % (name.replace("-", " ")),
           '.TH %s 1 "" "lawwatch %s" "%s"' % (esc(up), version, section_title),
           ".\\\" paths and options are not hyphenated, nor lines justified",
           ".nh", ".ad l",
           ".SH NAME", head]
    extras = dict(extras)
    for sect, lines in body:
        out += [".SH " + sect] + lines
        if sect in extras:
            out += extra_roff(extras.pop(sect))
    for sect in ORDER + sorted(extras):
        if sect in extras:
            out += [".SH " + sect] + extra_roff(extras.pop(sect))
    out += [".SH SEE ALSO", ",\n".join("\\fB%s\\fR(%s)" % (esc(p), s) for p, s in see_also)]
    return "\n".join(out) + "\n"


def common_sections(main, verb_exit=None):
    body = []
    ex = []
    if verb_exit:
        ex += [".PP", esc(" ".join(verb_exit))]
    ex += [".PP", "The same for every verb:"]
    ex += tp([(t, x) for t, x in main["sections"]["Exit status"] if t])
    body.append(("EXIT STATUS", ex))
    body.append(("ENVIRONMENT", tp([(t, x) for t, x in main["sections"]["Environment"] if t])))
    body.append(("FILES", tp([(t, x) for t, x in main["sections"]["Files"] if t])))
    return body


def common_options(main, usage=None):
    """The common options; for a verb (usage given), --rules, --db and --encoding only when
    its usage names them, as the help's own paragraph says."""
    items = main["sections"]["Common options"]
    opts = [(t, x) for t, x in items if t]
    if usage is not None:
        opts = [(t, x) for t, x in opts
                if t.split()[0] not in ("--rules", "--db", "--encoding") or t.split()[0] in usage]
        return tp(opts)
    return tp(opts) + prose_par([" ".join(x for t, x in items if not t)])


def main_page(main, extras, version):
    verbs = [v["name"] for v in main["verbs"]]
    body = [("SYNOPSIS", synopsis(["lawwatch " + main["usage"].split(" ", 1)[1]
                                   if main["usage"].startswith("lawwatch ") else main["usage"],
                                   "lawwatch \\-\\-help | \\-\\-version".replace("\\-", "-")], "lawwatch"))]
    body.append(("DESCRIPTION", []))
    cmds = []
    for v in main["verbs"]:
        cmds += [".TP", "\\fBlawwatch %s\\fR" % esc(v["synopsis"][0])]
        for more in v["synopsis"][1:]:
            cmds += [".br", esc(more.strip())]
        if len(v["synopsis"]) > 1:
            cmds += [".br"]
        cmds += [esc(v["summary"].rstrip(".")) + "; see \\fBlawwatch\\-%s\\fR(1)." % v["name"]]
    body.append(("VERBS", cmds))
    body.append(("OPTIONS", common_options(main)))
    body += common_sections(main)
    see = [("lawwatch-" + v, 1) for v in verbs]
    return page("lawwatch", "lawwatch manual", version,
                "lawwatch \\- " + esc(main["title"]), body, extras.get("lawwatch", {}), see)


def verb_page(main, name, v, extras, version):
    summary = next(x["summary"] for x in main["verbs"] if x["name"] == name)
    body = [("SYNOPSIS", synopsis(v["usage"], name))]
    desc = []
    para = []
    prev_after = None
    for after, text in v["prose"]:
        # one paragraph before the options; after them, a sentence that ends closes one
        if para and (after != prev_after or (after and para[-1].endswith((".", ")")))):
            desc += [".PP", esc(" ".join(para))]
            para = []
        para.append(text)
        prev_after = after
    if para:
        desc += [".PP", esc(" ".join(para))]
    body.append(("DESCRIPTION", desc))
    opts = tp(v["options"])
    opts += [".PP", "The common options (\\fBlawwatch\\fR(1)):"] + common_options(main, " ".join(v["usage"]))
    body.append(("OPTIONS", opts))
    body += common_sections(main, v["exit"])
    see = [("lawwatch", 1)] + [("lawwatch-" + x["name"], 1) for x in main["verbs"] if x["name"] != name]
    return page("lawwatch-" + name, "lawwatch manual", version,
                "lawwatch\\-%s \\- %s" % (esc(name), esc(summary)), body, extras.get(name, {}), see)


# --- bash completion ----------------------------------------------------------------------

OPT = re.compile(r"(?<![\w-])(--?[A-Za-z][A-Za-z0-9-]*)(?:[ =](\[?[A-Z][A-Za-z0-9_.-]*(?:\.\.\.)?\]?|[a-z0-9-]+(?:\|[a-z0-9-]+)+))?")
CHOICES = re.compile(r"\b([a-z0-9-]+(?:, [a-z0-9-]+)+(?:,? or [a-z0-9-]+)?)\b")


def options_of(texts):
    """{option: None | 'file' | 'dir' | 'value' | [choices]} from usage lines and entry terms."""
    out = {}
    for t in texts:
        for m in OPT.finditer(t):
            opt, arg = m.group(1), m.group(2)
            kind = None
            if arg:
                arg = arg.strip("[]")
                if "|" in arg:
                    kind = arg.split("|")
                elif arg.rstrip(".") in ("FILE", "PATH"):
                    kind = "file"
                elif arg == "DIR":
                    kind = "dir"
                else:
                    kind = "value"
            if opt not in out or (out[opt] is None and kind):
                out[opt] = kind
    return out


def completion(main, verbs):
    common = {}
    for t, text in main["sections"]["Common options"]:
        if not t:
            continue
        opts = options_of([t])
        for o, k in opts.items():
            if k == "value":  # WHEN, NAME: the choices the text lists
                m = CHOICES.search(text)
                if m:
                    k = re.split(r",? or |, ", m.group(1))
            common[o] = k
    # the options the common paragraph names but every verb does not take: --rules, --db,
    # --encoding go with the verbs whose usage names them
    per_verb_only = {o for o in common if o in ("--rules", "--db", "--encoding")}
    lines = ["# bash completion for lawwatch(1): the verbs and each verb's options.",
             "# Generated by cmake/lw_manpages.py from 'lawwatch --help' and each verb's --help;",
             "# do not edit. Installed as share/bash-completion/completions/lawwatch.",
             ""]
    allv = [v["name"] for v in main["verbs"]]
    lines.append("_lawwatch_verbs='%s'" % " ".join(allv))
    glob = sorted(o for o in common if o not in per_verb_only) + ["--version"]
    lines.append("_lawwatch_global='%s'" % " ".join(glob))
    verb_opts, verb_vals, operands = {}, {}, {}
    for name in allv:
        v = verbs[name]
        texts = list(v["usage"]) + [t for t, _ in v["options"]]
        opts = options_of(texts)
        for o in per_verb_only:  # the common ones this verb names
            if o in opts:
                opts[o] = common[o]
        for o, k in common.items():
            if o not in per_verb_only:
                opts[o] = k
        verb_opts[name] = sorted(opts)
        verb_vals[name] = {o: k for o, k in opts.items() if k}
        # operands: the usage's words in capitals that no option takes, and literal words
        usage = " ".join(v["usage"])
        stripped = re.sub(r"\[?--?[A-Za-z][A-Za-z0-9-]*(?:[ =]\[?(?:[A-Z][A-Za-z0-9_.-]*(?:\.\.\.)?|[a-z0-9-]+(?:\|[a-z0-9-]+)+)\]?)?\]?", " ", usage)
        words = re.findall(r"[A-Za-z][A-Za-z0-9.-]*", stripped)
        words = [w for w in words if w not in ("Usage", "lawwatch", name)]
        kinds = []
        for w in words:
            base = w.rstrip(".")
            if base in ("FILE", "PATH"):
                kinds.append("file")
            elif base == "KEY":
                kinds.append("key")
            elif w.islower():
                kinds.append("word:" + w)
        operands[name] = kinds
    keys = []
    # config's operand: the keys its help lists ("The keys: db, rules, ...")
    m = re.search(r"The keys: ([a-z_, ]+)\.", " ".join(t for _, t in verbs["config"]["prose"])) \
        if "config" in verbs else None
    if m:
        keys = [k.strip() for k in m.group(1).split(",")]
    lines.append("_lawwatch_config_keys='%s'" % " ".join(keys))
    lines += ["", "_lawwatch_value() { # the option before the word; returns 1 when it takes no value",
              '    local verb=$1 opt=$2',
              '    case "$verb:$opt" in']
    cases = {}
    for name in allv:
        for o, k in verb_vals[name].items():
            cases.setdefault((o, repr(k)), (k, []))[1].append(name)
    for (o, _), (k, names) in sorted(cases.items()):
        pat = "|".join("%s:%s" % (n, o) for n in sorted(names))
        if o in common and o not in per_verb_only:
            pat = "*:%s" % o
        if isinstance(k, list):
            act = 'COMPREPLY=($(compgen -W "%s" -- "$cur"))' % " ".join(k)
        elif k == "file":
            act = 'COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null'
        elif k == "dir":
            act = 'COMPREPLY=($(compgen -d -- "$cur")); compopt -o filenames 2>/dev/null'
        else:
            act = "COMPREPLY=()"
        lines.append("        %s) %s ;;" % (pat, act))
    lines += ["        *) return 1 ;;", "    esac", "}", ""]
    lines += ["_lawwatch() {",
              "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}",
              "    local verb='' i w nops=0 dashdash=0",
              "    COMPREPLY=()",
              "    # the verb: the first word that is neither an option nor an option's value",
              "    for ((i = 1; i < COMP_CWORD; i++)); do",
              '        w=${COMP_WORDS[i]}',
              '        if [[ -n $verb ]]; then',
              '            if [[ $w == -- ]]; then dashdash=1',
              '            elif [[ $dashdash == 1 || $w != -* ]]; then',
              '                [[ $i -gt 1 ]] && _lawwatch_takes "$verb" "${COMP_WORDS[i-1]}" && [[ $dashdash == 0 ]] || nops=$((nops + 1))',
              '            fi',
              '        elif [[ $w != -* ]] && ! _lawwatch_takes "" "${COMP_WORDS[i-1]}"; then verb=$w',
              '        fi',
              "    done",
              '    if [[ $dashdash == 0 ]] && _lawwatch_value "${verb:-_}" "$prev"; then return 0; fi',
              '    if [[ -z $verb ]]; then',
              '        COMPREPLY=($(compgen -W "$_lawwatch_verbs $_lawwatch_global" -- "$cur"))',
              "        return 0",
              "    fi",
              '    if [[ $dashdash == 0 && $cur == -* ]]; then',
              '        case $verb in']
    for name in allv:
        lines.append('            %s) COMPREPLY=($(compgen -W "%s" -- "$cur")) ;;' % (name, " ".join(verb_opts[name])))
    lines += ["        esac", "        return 0", "    fi", "    case $verb in"]
    for name in allv:
        kinds = operands[name]
        acts = []
        for n, k in enumerate(kinds):
            if k == "file":
                act = 'COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null'
            elif k == "key":
                act = 'COMPREPLY=($(compgen -W "$_lawwatch_config_keys" -- "$cur"))'
            else:
                act = 'COMPREPLY=($(compgen -W "%s" -- "$cur"))' % k.split(":", 1)[1]
            acts.append((n, act, k))
        if not acts:
            continue
        lines.append("        %s)" % name)
        # the operand's place: literal words (rules test) only first; FILE... repeats
        first = acts[0]
        if first[2].startswith("word:"):
            lines.append('            if [[ $nops == 0 ]]; then %s; fi ;;' % first[1])
        else:
            lines.append("            %s ;;" % first[1])
    lines += ["    esac", "    return 0", "}", ""]
    # which options take a value (for finding the verb and counting operands)
    lines += ["_lawwatch_takes() { # VERB OPTION: does OPTION take the next word as its value?",
              '    case "$1:$2" in']
    pats = set()
    for name in allv:
        for o in verb_vals[name]:
            pats.add("*:%s" % o if (o in common and o not in per_verb_only) else "%s:%s" % (name, o))
    lines.append("        %s) return 0 ;;" % "|".join(sorted(pats)))
    lines += ["    esac", "    return 1", "}", "", "complete -F _lawwatch lawwatch", ""]
    return "\n".join(lines)


def main_():
    if len(sys.argv) != 5:
        fail("usage: lw_manpages.py LAWWATCH EXTRAS OUTDIR VERSION")
    binary, extras_path, outdir, version = sys.argv[1:]
    main = parse_main(run_help(binary))
    if main["version"] != version:
        fail("lawwatch --help says version %s, the project %s" % (main["version"], version))
    extras = read_extras(extras_path)
    for p in extras:
        if p != "lawwatch" and p not in [v["name"] for v in main["verbs"]]:
            fail("%s: '== %s' is no page (lawwatch or a verb)" % (extras_path, p))
    os.makedirs(outdir, exist_ok=True)
    verbs = {}
    for v in main["verbs"]:
        lines = run_help(binary, v["name"])
        verbs[v["name"]] = parse_verb(lines, v["name"])
    written = {"lawwatch.1": main_page(main, extras, version)}
    for name, v in verbs.items():
        written["lawwatch-%s.1" % name] = verb_page(main, name, v, extras, version)
    written["lawwatch.bash-completion"] = completion(main, verbs)
    for fn in os.listdir(outdir):  # the page of a verb that is gone
        if fn.endswith(".1") and fn not in written:
            os.remove(os.path.join(outdir, fn))
    for fn, text in written.items():
        path = os.path.join(outdir, fn)
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main_()
