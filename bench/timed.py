#!/usr/bin/env python3
"""Runs a command under a time limit and measures it: wall time, user and system CPU,
peak RSS (getrusage of the child: the number GNU time prints as "Maximum resident set
size"), file-system output blocks and the bytes it wrote on stdout. For commands too slow
for hyperfine's repeated runs, or that may not finish (bench/run.sh uses it for check and
report, which are given a limit).

  timed.py --json OUT [--timeout S] [--runs N] [--budget S] [--name NAME] -- CMD ARG...

Runs CMD up to N times, stopping after a run that hits the limit, or when the runs so far
took more than --budget seconds. Any exit status is accepted (check and report exit 1 on
findings); it is recorded.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import time


def run_once(cmd, timeout):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    out = 0
    timed_out = False
    os.set_blocking(p.stdout.fileno(), True)
    deadline = t0 + timeout if timeout else None
    import selectors
    sel = selectors.DefaultSelector()
    sel.register(p.stdout, selectors.EVENT_READ)
    while True:
        left = None if deadline is None else deadline - time.perf_counter()
        if left is not None and left <= 0:
            timed_out = True
            os.killpg(p.pid, signal.SIGKILL)
            break
        ev = sel.select(timeout=left)
        if ev:
            b = os.read(p.stdout.fileno(), 1 << 20)
            if not b:
                break
            out += len(b)
    # reap with its resource usage
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.stdout.close()
    code = os.waitstatus_to_exitcode(status)
    return {"wall": wall, "user": ru.ru_utime, "system": ru.ru_stime, "maxrss_kb": ru.ru_maxrss,
            "oublock": ru.ru_oublock, "exit": code, "timed_out": timed_out, "stdout_bytes": out}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", required=True)
    ap.add_argument("--timeout", type=float, default=0)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--budget", type=float, default=0)
    ap.add_argument("--name", default="")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        sys.exit("timed.py: no command")
    runs = []
    spent = 0.0
    for _ in range(max(1, a.runs)):
        r = run_once(cmd, a.timeout)
        runs.append(r)
        spent += r["wall"]
        if r["timed_out"] or (a.budget and spent > a.budget):
            break
    ok = [r for r in runs if not r["timed_out"]]
    walls = sorted(r["wall"] for r in ok)
    res = {"name": a.name, "command": cmd, "timeout": a.timeout, "runs": runs,
           "timed_out": any(r["timed_out"] for r in runs),
           "median": walls[len(walls) // 2] if walls else None,
           "maxrss_kb": max(r["maxrss_kb"] for r in runs)}
    with open(a.json, "w") as f:
        json.dump(res, f, indent=1)
    t = "timed out after %.0f s" % a.timeout if res["timed_out"] else "%.3f s" % res["median"]
    print("  %s: %s, %d run(s), peak RSS %.1f MB" % (a.name or cmd[0], t, len(runs), res["maxrss_kb"] / 1024))


if __name__ == "__main__":
    main()
