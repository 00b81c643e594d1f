#!/usr/bin/env python3
"""Web interface under load (issue 19): `lawwatch serve` on loopback, CLIENTS clients (threads,
each with its own keep-alive connection, http.client) asking for a mix of pages for SECONDS
seconds: /, /search with the queries of bench/queries.txt, /api/search, /doc/ID, /report,
/check, /registry. A page that answers 501 (not written yet) is left out and said so. Reports
per page the requests, p50, p99 and max latency and the errors; exits 1 on any error (a
failed connection, a status other than 200). Writes the section "Web interface under load"
of bench/RESULTS.md between its markers (the rest of the file is left as it is).

  bench/web_load.py [--lawwatch BIN | --build DIR] [--db DB | --gen N] [--clients 16]
                    [--seconds 30] [--out bench/RESULTS.md] [--no-write]

Without --db, a database is made in a temporary folder from corpus/ (and corpus/extra/) and
N documents of bench/gen_corpus.py (default 2000; --gen 0: the corpus alone). Standard
library only.
"""
import argparse
import datetime
import glob
import http.client
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BEGIN = "<!-- web_load.py: begin -->"
END = "<!-- web_load.py: end -->"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def queries():
    with open(os.path.join(HERE, "queries.txt"), encoding="utf-8") as f:
        return [l.strip() for l in f if l.strip() and not l.startswith("#")]


def make_db(lw, tmp, gen):
    """A database of the corpus and gen generated documents; its path."""
    db = os.path.join(tmp, "web.db")
    files = sorted(glob.glob(os.path.join(ROOT, "corpus", "*.txt")) + glob.glob(os.path.join(ROOT, "corpus", "extra", "*.txt")))
    paths = list(files)
    if gen:
        out = os.path.join(tmp, "gen")
        subprocess.run([sys.executable, os.path.join(HERE, "gen_corpus.py"), "--out", out, "--n", str(gen),
                        "--seed", "lawwatch-bench", "--jobs", "2"], check=True, stdout=subprocess.DEVNULL)
        os.unlink(os.path.join(out, "truth.jsonl"))
        paths.append(out)
    p = subprocess.run([lw, "ingest", "--db", db, *paths], capture_output=True, text=True)
    if p.returncode not in (0, 1):  # 1: some file skipped, said on stderr
        sys.exit("web_load: ingest failed: " + p.stderr)
    return db


def get(conn, path):
    """(status, body bytes) of GET path on a keep-alive connection."""
    conn.request("GET", path)
    r = conn.getresponse()
    return r.status, r.read()


def plan(base_host, port):
    """The pages to ask for: a list of (name, [paths]); and what was left out and why."""
    qs = queries()
    conn = http.client.HTTPConnection(base_host, port, timeout=30)
    q = urllib.parse.quote
    pages = [("/", ["/"]),
             ("/search", ["/search?q=" + q(x) for x in qs]),
             ("/api/search", ["/api/search?q=" + q(x) for x in qs])]
    ids = []
    for x in qs[:6]:
        st, body = get(conn, "/api/search?q=" + q(x))
        if st == 200:
            ids += [h["id"] for h in json.loads(body)[:5] if "id" in h]
    ids = sorted(set(ids))[:30] or [1]
    pages += [("/doc/ID", ["/doc/%d" % i for i in ids]), ("/report", ["/report"]), ("/check", ["/check"]),
              ("/registry", ["/registry"])]
    kept, left = [], []
    for name, paths in pages:
        st, body = get(conn, paths[0])
        if st == 501:
            left.append("%s (501: not written yet)" % name)
        else:
            kept.append((name, paths))
    conn.close()
    return kept, left


def client(n, host, port, pages, until, results, lock):
    """One client: its own connection, pages in turn (its own order), until the time is up."""
    rnd = random.Random(n)
    conn = http.client.HTTPConnection(host, port, timeout=30)
    mine = {name: ([], []) for name, _ in pages}  # name -> (latencies s, errors)
    i = n
    while time.monotonic() < until:
        name, paths = pages[i % len(pages)]
        i += 1
        path = rnd.choice(paths)
        t0 = time.perf_counter()
        try:
            st, body = get(conn, path)
            dt = time.perf_counter() - t0
            if st != 200:
                mine[name][1].append("%s: %d" % (path, st))
            else:
                mine[name][0].append(dt)
        except (OSError, http.client.HTTPException) as e:
            mine[name][1].append("%s: %s" % (path, e))
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=30)
    conn.close()
    with lock:
        for name, (lat, err) in mine.items():
            results[name][0].extend(lat)
            results[name][1].extend(err)


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lawwatch", help="the lawwatch binary (default: BUILD/lawwatch)")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--db", help="an existing database (default: one made from corpus/ and --gen)")
    ap.add_argument("--gen", type=int, default=2000, help="generated documents added to corpus/ (default 2000)")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--solo", type=float, default=10,
                    help="seconds of one client alone first, for each page's own cost (default 10; 0: none)")
    ap.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
    ap.add_argument("--no-write", action="store_true", help="print the section, do not write it")
    a = ap.parse_args()
    lw = os.path.abspath(a.lawwatch or os.path.join(a.build, "lawwatch"))
    if not os.access(lw, os.X_OK):
        sys.exit("web_load: no lawwatch binary at %s (--lawwatch or --build)" % lw)
    tmp = tempfile.mkdtemp(prefix="lw_web_load_")
    srv = None
    try:
        db = os.path.abspath(a.db) if a.db else make_db(lw, tmp, a.gen)
        port = free_port()
        srv = subprocess.Popen([lw, "serve", "--db", db, "--listen", "127.0.0.1:%d" % port], cwd=tmp,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if srv.poll() is not None:
                    sys.exit("web_load: serve did not start: " + srv.stderr.read().decode())
                time.sleep(0.1)
        pages, left = plan("127.0.0.1", port)
        for l in left:
            print("web_load: SKIPPED %s" % l)
        lock = threading.Lock()
        solo = {name: ([], []) for name, _ in pages}
        if a.solo:
            client(0, "127.0.0.1", port, pages, time.monotonic() + a.solo, solo, lock)
        results = {name: ([], []) for name, _ in pages}
        until = time.monotonic() + a.seconds
        threads = [threading.Thread(target=client, args=(n, "127.0.0.1", port, pages, until, results, lock))
                   for n in range(a.clients)]
        load0 = os.getloadavg()
        start = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - start
        alive = srv.poll() is None
    finally:
        if srv:
            srv.terminate()
            try:
                srv.wait(timeout=10)
            except subprocess.TimeoutExpired:
                srv.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    total = sum(len(l) + len(e) for l, e in results.values())
    errors = sum(len(e) for _, e in results.values()) + sum(len(e) for _, e in solo.values())
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                         text=True).stdout.strip() or "?"
    lines = [BEGIN, "## Web interface under load (issue 19)", "",
             "Made by `python3 bench/web_load.py` (%s, commit %s, %d cores, load average %.2f before): "
             "`lawwatch serve` on 127.0.0.1 over %s, %d clients (Python threads, one keep-alive "
             "connection each) for %.0f s, the pages in turn, /search and /api/search over the %d queries "
             "of bench/queries.txt, /doc/ID over the ids those queries find. Latency is the client's "
             "(request sent to body read), Python's own time included. \"alone\": one client for %.0f s "
             "before, the page's own cost."
             % (now, rev, os.cpu_count(), load0[0],
                "`%s`" % os.path.basename(a.db) if a.db else "corpus/ and %d generated documents" % a.gen,
                a.clients, a.seconds, len(queries()), a.solo), "",
             "| page | alone: p50 ms | requests | p50 ms | p99 ms | max ms | errors |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for name, _ in pages:
        lat, err = results[name]
        lines.append("| %s | %.1f | %d | %.1f | %.1f | %.1f | %d |"
                     % (name, pct(solo[name][0], 50) * 1e3, len(lat) + len(err), pct(lat, 50) * 1e3,
                        pct(lat, 99) * 1e3, max(lat or [float("nan")]) * 1e3, len(err) + len(solo[name][1])))
    lines += ["", "%d requests in %.1f s (%.0f a second), %d error%s; the server %s."
              % (total, wall, total / wall if wall else 0, errors, "" if errors == 1 else "s",
                 "stayed up" if alive else "DIED")]
    if left:
        lines += ["", "Left out (they answered 501 when this ran): " + ", ".join(left) + "."]
    lines.append(END)
    section = "\n".join(lines) + "\n"
    print(section)
    for name in results:
        for e in (solo[name][1] + results[name][1])[:5]:
            print("web_load: error %s: %s" % (name, e), file=sys.stderr)
    if not a.no_write:
        text = open(a.out, encoding="utf-8").read() if os.path.exists(a.out) else ""
        if BEGIN in text and END in text:
            text = text[:text.index(BEGIN)] + section + text[text.index(END) + len(END) + 1:]
        else:
            text = text.rstrip("\n") + "\n\n" + section
        with open(a.out, "w", encoding="utf-8") as f:
            f.write(text)
    return 1 if errors or not alive or not total else 0


if __name__ == "__main__":
    sys.exit(main())
