"""lawwatch serve: its security and bounds (issue 19).

- --auth FILE: a plaintext password, an MD5 or DES hash, an unknown method, a damaged hash, a
  user given twice, a file without users are refused (exit 2) at FILE:LINE; a file readable by
  others is a warning; --hash-password makes a line that signs in; yescrypt, SHA-512, SHA-256
  and bcrypt lines sign in; no credentials, a wrong password and an unknown user get the 401
  page (WWW-Authenticate realm "lawwatch", bilingual, CSP) and a wrong login a log line with
  the client address and without the password; an unknown user costs a hash as a wrong
  password does; with --auth a non-loopback --listen is served and the Host check is off.
- --time-limit: a search past 1 ms is a 503 page (and a 503 JSON error on /api/search), the
  same search without the limit a 200.
- a slow client (half a request, then silence) is cut by --conn-timeout; more than 64
  connections are refused (503 page, then closed at once), never left hanging, and the server
  serves again once they go; HEAD answers the headers without a body.

Run: python3 t_serve_auth.py LAWWATCH_BIN SOURCE_DIR (from ctest)."""
import base64
import os
import socket
import statistics
import time
import urllib.parse
import urllib.request

import lwtest

BIN, SRC = lwtest.paths()
check = lwtest.check
fetch = lwtest.fetch

# Hashes made once with libxcrypt (crypt_gensalt_rn + crypt_rn) for these passwords.
SHA512 = "$6$.XlMbwx0i87nESuW$P2hcoq7BAilOKjiQuX6Z77hhB1dVq3Sb/vIj.QPTPsr3XP42oyZ22voPbn1wGqtCwyZ7zNAuTyx7Ryhi0MakD0"
SHA256 = "$5$9ieTIdZ1KJWALLss$7kKYqG5llWhH9DngyXB1HPujsHM1mKaTubVa32mHDD1"
BCRYPT = "$2b$05$dR9Lp2aLcw8xZlqHlIqQTewabZPtTZypFmijIEP/avuIu0HOMCkQq"
MD5 = "$1$YvF.bdUe$WIH.pI4j0XaTW8JEaArW51"
DES = "abqJwOmWEctKU"


def basic(user, password):
    return {"Authorization": "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()}


def get(url, headers=None, host=None):
    h = dict(headers or {})
    if host:
        h["Host"] = host
    return fetch(urllib.request.Request(url, headers=h))


def write(path, text, mode=0o600):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, mode)


def bad_file(tmp, db, name, lines, want_line, words):
    """A users file whose line want_line is refused: exit 2, FILE:LINE and the words said."""
    path = os.path.join(tmp, name)
    write(path, "".join(l + "\n" for l in lines))
    rc, out, err = lwtest.run("serve", "--db", db, "--listen", "127.0.0.1:%d" % lwtest.free_port(), "--auth", path,
                              timeout=20)
    where = "%s:%d" % (path, want_line) if want_line else path
    check(rc == 2, "%s: refused with exit 2, got %d" % (name, rc))
    check(where in err, "%s: the message names %s: %s" % (name, where, err.strip()))
    for w in words:
        check(w in err, "%s: the message says %r: %s" % (name, w, err.strip()))


def read_until_closed(sock, limit):
    """Bytes the server sends until it closes the connection; (data, seconds taken, closed)."""
    t0 = time.monotonic()
    data = b""
    sock.settimeout(0.5)
    while time.monotonic() - t0 < limit:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        except ConnectionResetError:
            return data, time.monotonic() - t0, True
        if not chunk:
            return data, time.monotonic() - t0, True
        data += chunk
    return data, time.monotonic() - t0, False


with lwtest.tmpdir("lw_serve_auth_") as tmp:
    db = lwtest.corpus_db(tmp, n=None)

    # ---- the users file: what is refused, at its line ----
    bad_file(tmp, db, "plain", ["# reviewers", "", "an:matkhau123"], 3, ["an", "plaintext", "--hash-password"])
    bad_file(tmp, db, "md5", ["an:" + SHA512, "binh:" + MD5], 2, ["binh", "MD5"])
    bad_file(tmp, db, "des", ["  # old", "chi:" + DES], 2, ["chi", "DES"])
    bad_file(tmp, db, "unknown", ["dung:$9$abc$def"], 1, ["unknown"])
    bad_file(tmp, db, "cut", ["em:" + SHA512[:40]], 1, ["damaged"])
    bad_file(tmp, db, "twice", ["an:" + SHA512, "an:" + SHA256], 2, ["twice"])
    bad_file(tmp, db, "nocolon", ["an " + SHA512], 1, ["user:HASH"])
    bad_file(tmp, db, "empty", ["# nobody yet"], 0, ["no user"])
    rc, out, err = lwtest.run("serve", "--db", db, "--auth", os.path.join(tmp, "none"), timeout=20)
    check(rc == 2 and "cannot open" in err, "a missing users file: exit 2: %s" % err.strip())

    # ---- --hash-password makes a line ----
    rc, out, err = lwtest.run("serve", "--hash-password", "an", input="mật khẩu của An\n")
    check(rc == 0 and out.startswith("an:$y$") and out.count("\n") == 1, "--hash-password: a yescrypt line: %r" % out)
    check("mật khẩu" not in out + err, "--hash-password does not print the password")
    line_an = out.strip()
    rc, out2, err = lwtest.run("serve", "--hash-password", "an", input="mật khẩu của An\n")
    check(out2.strip() != line_an, "--hash-password: a new salt every time")
    rc, out, err = lwtest.run("serve", "--hash-password", "an", input="")
    check(rc == 2 and "no password" in err, "--hash-password without input: exit 2")
    rc, out, err = lwtest.run("serve", "--hash-password", "a:b", input="x\n")
    check(rc == 2, "--hash-password: a user name with ':' is refused")

    users = os.path.join(tmp, "users")
    write(users, "# lawwatch users\n%s\nbinh:%s\nchi:%s\ndung:%s\n" % (line_an, SHA512, SHA256, BCRYPT))

    # ---- bad options ----
    for opt in (["--time-limit", "-1"], ["--time-limit", "abc"], ["--conn-timeout", "0"]):
        rc, out, err = lwtest.run("serve", "--db", db, *opt, timeout=20)
        check(rc == 2 and opt[0] in err, "%s %s refused: %d %s" % (opt[0], opt[1], rc, err.strip()))

    # ---- signing in ----
    port = lwtest.free_port()
    with lwtest.serve(db, "--auth", users, "--listen", "0.0.0.0:%d" % port, port=port, cwd=tmp) as (base, srv):
        st, hd, body = get(base + "/")
        check(st == 401, "no credentials: 401, got %d" % st)
        check(hd.get("WWW-Authenticate", "").startswith('Basic realm="lawwatch"'),
              "WWW-Authenticate: %s" % hd.get("WWW-Authenticate"))
        check("Cần đăng nhập" in body and "Sign in" in body, "the 401 page is bilingual")
        check("default-src 'none'" in hd.get("Content-Security-Policy", ""), "CSP on the 401 page")
        st, hd, body = get(base + "/api/search?q=ke+hoach")
        check(st == 401, "the API needs a login too: %d" % st)
        for user, pw in [("an", "mật khẩu của An"), ("binh", "pw-sha512"), ("chi", "pw-sha256"), ("dung", "pw-bcrypt")]:
            st, hd, body = get(base + "/search?q=" + urllib.parse.quote("kế hoạch"), basic(user, pw))
            check(st == 200 and 'class="hit"' in body, "%s signs in (%s): %d" % (user, "yescrypt $6$ $5$ $2b$".split()[
                ["an", "binh", "chi", "dung"].index(user)], st))
        st, hd, body = get(base + "/", basic("an", "sai-mat-khau-XYZ"))
        check(st == 401, "a wrong password: 401, got %d" % st)
        st, hd, body = get(base + "/", basic("khong-co", "sai-mat-khau-XYZ"))
        check(st == 401, "an unknown user: 401, got %d" % st)
        st, hd, body = get(base + "/", basic("binh", "pw-sha256"))
        check(st == 401, "another user's password: 401, got %d" % st)
        st, hd, body = get(base + "/", basic("an\nforged line", "x"))
        check(st == 401, "a user name with a newline: 401")
        # with --auth the Host check is off: the login protects the server
        st, hd, body = get(base + "/", basic("binh", "pw-sha512"), host="lawwatch.stp.example:%d" % port)
        check(st == 200, "with --auth another Host name is served: %d" % st)
        # served on 0.0.0.0: reachable on the machine's other addresses too
        try:
            ext = socket.gethostbyname(socket.gethostname())
        except OSError:
            ext = None
        if ext and not ext.startswith("127."):
            st, hd, body = get("http://%s:%d/" % (ext, port), basic("binh", "pw-sha512"))
            check(st == 200, "served on %s: %d" % (ext, st))
        # timing: an unknown user costs a hash as a wrong password does (no early answer)
        def median(user):
            times = []
            for _ in range(5):
                t0 = time.perf_counter()
                get(base + "/nope", basic(user, "sai-mat-khau-XYZ"))
                times.append(time.perf_counter() - t0)
            return statistics.median(times)
        wrong, unknown = median("an"), median("nguoi-la")
        check(unknown > 0.3 * wrong, "an unknown user takes as long as a wrong password: %.1f ms vs %.1f ms"
              % (unknown * 1000, wrong * 1000))
    log = srv.stderr.read().decode("utf-8", "replace")
    check("failed login from 127.0.0.1, user 'an'" in log, "a failed login is logged with the address: " + log)
    check("user 'khong-co'" in log, "an unknown user is logged")
    check("an\\x0aforged line" in log and "\nforged line" not in log, "a newline in a user name cannot forge a log line")
    check("sai-mat-khau" not in log and "pw-sha256" not in log, "no password in the log")
    check(log.count("failed login") == 14, "one line per failed login (14), got %d" % log.count("failed login"))

    # a users file others can read: served, with a warning
    os.chmod(users, 0o644)
    with lwtest.serve(db, "--auth", users, cwd=tmp) as (base, srv):
        st, hd, body = get(base + "/", basic("binh", "pw-sha512"))
        check(st == 200, "a users file readable by others still serves: %d" % st)
    log = srv.stderr.read().decode("utf-8", "replace")
    check("warning" in log and "chmod 600" in log, "a users file readable by others: a warning: " + log)

    # ---- time per request ----
    big = os.path.join(tmp, "big.db")
    gen = os.path.join(tmp, "gen")
    os.mkdir(gen)
    corpus = sorted(p for p in os.listdir(lwtest.source("corpus")) if p.endswith(".txt"))
    texts = [open(lwtest.source("corpus", p), encoding="utf-8").read() for p in corpus]
    for i in range(200):
        write(os.path.join(gen, "d%03d.txt" % i), texts[i % len(texts)] + "\nBản sao %d về kế hoạch thi hành pháp luật.\n" % i)
    rc, out, err = lwtest.run("ingest", "--db", big, gen, cwd=tmp)
    check(rc == 0, "ingest 200 documents: " + err)
    q = urllib.parse.quote("pháp luật")
    with lwtest.serve(big, "--time-limit", "0.001", cwd=tmp) as (base, srv):
        for i in range(3):
            st, hd, body = fetch(base + "/search?q=" + q)
            check(st == 503 and "quá lâu" in body and "too long" in body, "1 ms: the search is a 503 page: %d" % st)
            check("default-src 'none'" in hd.get("Content-Security-Policy", ""), "CSP on the 503 page")
            st, hd, body = fetch(base + "/api/search?q=" + q)
            check(st == 503 and '"error"' in body and "time limit" in body, "1 ms: /api/search is a 503 JSON error: %d %s"
                  % (st, body[:200]))
        # every page that reads much of the database stops the same way (a 503, never a 500)
        for path in ("/doc/1", "/api/doc/1", "/check", "/api/check", "/report", "/api/report", "/registry"):
            st, hd, body = fetch(base + path)
            if st == 501:
                print("SKIPPED: %s with --time-limit (501: not written yet)" % path)
                continue
            check(st == 503, "1 ms: %s is a 503: %d" % (path, st))
    with lwtest.serve(big, cwd=tmp) as (base, srv):
        st, hd, body = fetch(base + "/search?q=" + q)
        check(st == 200 and 'class="hit"' in body, "the default limit: the same search is a page: %d" % st)

    # ---- connections: a slow client, too many clients, HEAD ----
    with lwtest.serve(db, "--conn-timeout", "2", cwd=tmp) as (base, srv):
        port = int(base.rsplit(":", 1)[1])
        slow = socket.create_connection(("127.0.0.1", port))
        slow.sendall(b"GET /search?q=ke HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow")
        data, took, closed = read_until_closed(slow, 15)
        slow.close()
        check(closed and took < 10, "half a request is cut by --conn-timeout 2: closed %s after %.1f s" % (closed, took))
        check(b"200 OK" not in data, "the half request was not answered as if whole")

        # 64 idle connections are served; the next ones get a 503 page, then past the spare ones
        # are closed at once; none hangs
        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(64)]
        time.sleep(0.5)
        extra = socket.create_connection(("127.0.0.1", port), timeout=5)
        extra.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        data, took, closed = read_until_closed(extra, 5)
        extra.close()
        check(data.startswith(b"HTTP/1.1 503") and "quá nhiều kết nối".encode() in data,
              "the 65th connection gets the 503 page: %r" % data[:80])
        check(closed and took < 3, "and is closed, not kept: %s %.1f s" % (closed, took))
        idle += [socket.create_connection(("127.0.0.1", port)) for _ in range(8)]
        time.sleep(0.5)
        t0 = time.monotonic()
        try:
            more = socket.create_connection(("127.0.0.1", port), timeout=5)
            more.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            data, took, closed = read_until_closed(more, 5)
            more.close()
        except OSError as e:
            data, took, closed = b"", time.monotonic() - t0, True
        check(closed and took < 3 and not data.startswith(b"HTTP/1.1 200"),
              "past the spare connections: closed at once (%s, %.1f s, %r)" % (closed, took, data[:40]))
        for s in idle:
            s.close()
        t0, st = time.monotonic(), None
        while time.monotonic() - t0 < 5 and st != 200:
            time.sleep(0.2)  # the server's threads see the closed sockets
            try:
                st = fetch(base + "/")[0]
            except OSError:
                pass
        check(st == 200, "once they are gone, the server serves again within 5 s: %s" % st)

        st, hd, body = fetch(urllib.request.Request(base + "/?lang=en", method="HEAD"))
        check(st == 200 and body == "", "HEAD: 200 without a body: %d %r" % (st, body[:40]))
        check(hd.get("Content-Type", "").startswith("text/html") and "default-src" in hd.get("Content-Security-Policy", ""),
              "HEAD: the headers of GET")

lwtest.done("serve_auth")
