#!/usr/bin/env python3
"""Watches the machine while bench/run.sh measures: every INTERVAL seconds, the CPU that
processes outside the harness used (in % of one core, from /proc/PID/stat deltas), the
top ones by name, and the harness's current step (read from STEPFILE). One JSON object a
line on OUT. The harness is the process tree under ROOTPID. Ends when ROOTPID does.

  monitor.py ROOTPID STEPFILE OUT [INTERVAL]

Also: monitor.py --quiet-wait SECONDS [--threshold PCT] waits until the other processes
use less than PCT % (default 15) of one core for 5 s, or SECONDS pass; prints what it saw.
"""
import json
import os
import sys
import time

HZ = os.sysconf("SC_CLK_TCK")


def snapshot():
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                s = f.read()
        except OSError:
            continue
        r = s.rfind(")")
        comm = s[s.find("(") + 1:r]
        f = s[r + 2:].split()
        ppid = int(f[1])
        cpu = int(f[11]) + int(f[12])  # utime + stime
        out[int(d)] = (ppid, comm, cpu)
    return out


def tree(snap, root):
    kids = {}
    for pid, (ppid, _, _) in snap.items():
        kids.setdefault(ppid, []).append(pid)
    seen, todo = set(), [root]
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        todo.extend(kids.get(p, []))
    return seen


def foreign(a, b, dt, mine):
    use = {}
    for pid, (ppid, comm, cpu) in b.items():
        if pid in mine or pid not in a:
            continue
        d = (cpu - a[pid][2]) / HZ / dt * 100.0
        if d > 0.5:
            use[comm] = use.get(comm, 0.0) + d
    return use


def quiet_wait(limit, threshold):
    me = os.getpid()
    t_end = time.time() + limit
    while True:
        a = snapshot()
        t0 = time.time()
        time.sleep(5)
        b = snapshot()
        # our own ancestors (the harness) are not "other processes"
        mine = tree(b, os.getppid()) | {me}
        use = foreign(a, b, time.time() - t0, mine)
        tot = sum(use.values())
        top = sorted(use.items(), key=lambda kv: -kv[1])[:4]
        desc = ", ".join("%s %.0f%%" % kv for kv in top) or "none"
        if tot < threshold:
            print("quiet: other processes %.0f%% of a core (%s)" % (tot, desc))
            return 0
        if time.time() > t_end:
            print("BUSY: other processes %.0f%% of a core (%s); measuring anyway" % (tot, desc))
            return 1
        sys.stderr.write("  waiting for a quiet machine: others use %.0f%% (%s)\n" % (tot, desc))


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "--quiet-wait":
        thr = 15.0
        if "--threshold" in sys.argv:
            thr = float(sys.argv[sys.argv.index("--threshold") + 1])
        quiet_wait(float(sys.argv[2]), thr)
        return
    root, stepfile, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    interval = float(sys.argv[4]) if len(sys.argv) > 4 else 10.0
    a, ta = snapshot(), time.time()
    with open(out, "a") as f:
        while os.path.exists("/proc/%d" % root):
            time.sleep(interval)
            b, tb = snapshot(), time.time()
            mine = tree(b, root) | tree(a, root)
            use = foreign(a, b, tb - ta, mine)
            try:
                step = open(stepfile).read().strip()
            except OSError:
                step = ""
            top = sorted(use.items(), key=lambda kv: -kv[1])[:3]
            f.write(json.dumps({"t": round(tb, 1), "step": step, "foreign_pct": round(sum(use.values()), 1),
                                "top": [[k, round(v, 1)] for k, v in top]}) + "\n")
            f.flush()
            a, ta = b, tb


if __name__ == "__main__":
    main()
