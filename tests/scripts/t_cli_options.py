"""The command line: the verb table and every verb's options (getopt_long through
lw_cli_common): help, unknown options and missing values with each verb's own message,
bad values, --opt=value, operands among options, "--" before a file named like an option.
The cases are data: tests/data/cli/cases.tsv (its header says the columns).

Run: python3 t_cli_options.py LAWWATCH_BIN SOURCE_DIR (from ctest)."""
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

BIN, SRC = sys.argv[1], sys.argv[2]
DATA = os.path.join(SRC, "tests", "data")


def run(args, cwd):
    env = dict(os.environ, LAWWATCH_RULES=os.path.join(SRC, "rules"))
    env.pop("POSIXLY_CORRECT", None)
    p = subprocess.run([BIN, *args], capture_output=True, text=True, env=env, cwd=cwd)
    return p.returncode, p.stdout, p.stderr


def main():
    fails = 0
    n = 0
    with tempfile.TemporaryDirectory(prefix="lw-cli-") as tmp:
        doc = os.path.join(DATA, "search", "kh-21.txt")
        shutil.copy(doc, os.path.join(tmp, "kh-21.txt"))
        shutil.copy(doc, os.path.join(tmp, "-dash.txt"))
        db = os.path.join(tmp, "t.db")
        rc, _, err = run(["ingest", "--db", db, "kh-21.txt"], tmp)
        if rc != 0:
            print("FAIL: cannot build the test database:", err)
            return 1
        with open(os.path.join(DATA, "cli", "cases.tsv"), encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                line = line.rstrip("\n")
                if not line or line.startswith("#"):
                    continue
                cols = line.split("\t")
                args = [a.replace("{db}", db) for a in shlex.split(cols[0])]
                want_rc = int(cols[1])
                n += 1
                rc, out, err = run(args, tmp)
                why = []
                if rc != want_rc:
                    why.append("exit %d, expected %d" % (rc, want_rc))
                for expect in cols[2:]:
                    kind, _, text = expect.partition(":")
                    if kind == "out" and text not in out:
                        why.append("stdout lacks %r" % text)
                    elif kind == "err" and text not in err:
                        why.append("stderr lacks %r" % text)
                    elif kind == "noerr" and text in err:
                        why.append("stderr has %r" % text)
                    elif kind == "file" and not os.path.isfile(os.path.join(tmp, text)):
                        why.append("no file %s written" % text)
                    elif kind not in ("out", "err", "noerr", "file"):
                        why.append("bad expectation %r" % expect)
                if why:
                    fails += 1
                    print("FAIL cases.tsv:%d: lawwatch %s: %s" % (lineno, cols[0], "; ".join(why)))
                    print("  stdout: %s\n  stderr: %s" % (out[:300], err[:300]))
    print("cli options: %d cases, %d failed" % (n, fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
