/* lw_cli_serve: the serve verb: the reviewers' web interface (analyzer/web/) on
 * libmicrohttpd, over the database opened read-only, until SIGINT or SIGTERM. Listens on
 * loopback unless told otherwise; another address needs --auth (users with password hashes,
 * lw_web_auth.h). --hash-password USER makes a line of that file from a password read on
 * standard input. */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "lw_cli_common.h"
#include "lw_cli_verbs.h"
#include "lw_web_auth.h"
#include "lw_web_server.h"

#define LISTEN_DEFAULT "127.0.0.1:8080"
#define STR_(x) #x
#define STR(x) STR_(x)

static const char serve_usage[] =
    "Usage: lawwatch serve [--db PATH] [--rules DIR] [--listen ADDR:PORT] [--auth FILE]\n"
    "                      [--time-limit SECONDS] [--conn-timeout SECONDS]\n"
    "       lawwatch serve --hash-password USER < password\n"
    "The reviewers' web interface, from the database (opened read-only, so documents ingested\n"
    "meanwhile show at once), until interrupted: / and /search?q=&year=&kind=&issuer=&unit=&page=,\n"
    "/doc/ID, /report, /check, /registry, /calendar/UNIT.ics, and /api/search, /api/doc/ID,\n"
    "/api/report, /api/check, /api/registry (the JSON of the CLI verbs).\n"
    "  --listen ADDR:PORT     the IPv4 address and port (default: " LISTEN_DEFAULT "); an address\n"
    "                         other than loopback (127.x.x.x) needs --auth\n"
    "  --auth FILE            users who may sign in (HTTP Basic), one user:HASH a line, HASH a\n"
    "                         crypt(3) hash: $y$ (yescrypt), $6$, $5$ or $2b$; put the server\n"
    "                         behind a TLS reverse proxy (HTTP Basic sends the password as is)\n"
    "  --hash-password USER   read a password on standard input (not shown on a terminal) and\n"
    "                         print the line USER:HASH (yescrypt) for the --auth file\n"
    "  --time-limit SECONDS   the time a request may spend in the database (default "
    STR(LW_WEB_TIME_LIMIT_S) ", 0: none;\n"
    "                         fractions allowed): past it, a 503 page\n"
    "  --conn-timeout SECONDS\n"
    "                         close a connection idle this long (default " STR(LW_WEB_TIMEOUT_S) ")\n";

/* Splits "ADDR:PORT" into addr (size bytes) and *port; 0, or -1 when it is not one. */
static int parse_listen(const char *s, char *addr, size_t size, unsigned short *port)
{
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s || (size_t)(colon - s) >= size)
        return -1;
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if (!colon[1] || *end || p < 1 || p > 65535)
        return -1;
    memcpy(addr, s, (size_t)(colon - s));
    addr[colon - s] = '\0';
    *port = (unsigned short)p;
    return 0;
}

/* Seconds (a decimal number from 0 to max) as milliseconds in *ms; -1 when it is not one. */
static int parse_seconds(const char *s, double max, unsigned *ms)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno || !isfinite(v) || v < 0 || v > max)
        return -1;
    *ms = (unsigned)llround(v * 1000);
    if (v > 0 && !*ms)
        *ms = 1;
    return 0;
}

/* Reads a line from standard input into buf without its end; with a terminal, the prompt on
 * stderr and no echo. -1 at the end of input or when the line is too long. */
static int read_secret(const char *prompt, char *buf, size_t size)
{
    struct termios old, quiet;
    int tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        fputs(prompt, stderr);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        quiet.c_lflag |= ECHONL;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    int rc = fgets(buf, (int)size, stdin) ? 0 : -1;
    if (tty)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    size_t n = rc ? 0 : strlen(buf);
    if (!rc && n == size - 1 && buf[n - 1] != '\n')
        rc = -1;
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    return rc;
}

/* --hash-password USER: the line USER:HASH on stdout. */
static int hash_password(const char *user)
{
    if (!*user || strpbrk(user, ": \t\r\n")) {
        fprintf(stderr, "lawwatch serve: tên người dùng '%s' không được rỗng hay chứa ':' hoặc khoảng trắng "
                        "(the user name must not be empty nor hold ':' or spaces)\n", user);
        return LW_EXIT_FATAL;
    }
    char pw[1024], again[1024], hash[512];
    int rc = LW_EXIT_FATAL;
    if (read_secret("Mật khẩu (password): ", pw, sizeof pw)) {
        fprintf(stderr, "lawwatch serve: không đọc được mật khẩu trên đầu vào chuẩn (no password on standard input)\n");
    } else if (!*pw) {
        fprintf(stderr, "lawwatch serve: mật khẩu rỗng (the password is empty)\n");
    } else if (isatty(STDIN_FILENO) &&
               (read_secret("Nhập lại (again): ", again, sizeof again) || strcmp(pw, again))) {
        fprintf(stderr, "lawwatch serve: hai lần nhập không khớp (the two passwords differ)\n");
    } else if (lw_web_auth_hash(pw, hash, sizeof hash)) {
        fprintf(stderr, "lawwatch serve: không tạo được mã băm (cannot make the hash): %s\n", strerror(errno));
    } else {
        printf("%s:%s\n", user, hash);
        rc = fflush(stdout) ? LW_EXIT_FATAL : LW_EXIT_OK;
    }
    explicit_bzero(pw, sizeof pw);
    explicit_bzero(again, sizeof again);
    return rc;
}

int lw_cli_serve(int argc, char **argv)
{
    lw_cli_common co;
    lw_cli_common_init(&co);
    const char *listen = LISTEN_DEFAULT, *auth_file = NULL, *hash_user = NULL;
    unsigned time_ms = LW_WEB_TIME_LIMIT_S * 1000, conn_ms = LW_WEB_TIMEOUT_S * 1000;
    static const struct option longopts[] = {LW_CLI_OPT_HELP, LW_CLI_OPT_DB, LW_CLI_OPT_RULES,
                                             {"listen", required_argument, NULL, 'L'},
                                             {"auth", required_argument, NULL, 'A'},
                                             {"hash-password", required_argument, NULL, 'P'},
                                             {"time-limit", required_argument, NULL, 'T'},
                                             {"conn-timeout", required_argument, NULL, 'C'}, LW_CLI_OPT_END};
    lw_cli_parser p;
    lw_cli_parse_init(&p, "serve", serve_usage, "h", longopts, LW_CLI_NO_OPERANDS, argc, argv);
    for (int c; (c = lw_cli_next_own(&p, &co)) != LW_CLI_DONE;) {
        switch (c) {
        case 'L':
            listen = p.arg;
            break;
        case 'A':
            auth_file = p.arg;
            break;
        case 'P':
            hash_user = p.arg;
            break;
        case 'T':
            if (parse_seconds(p.arg, 3600, &time_ms)) {
                fprintf(stderr, "lawwatch serve: --time-limit '%s' phải là số giây từ 0 đến 3600 "
                                "(--time-limit takes seconds, 0 to 3600)\n", p.arg);
                return LW_EXIT_FATAL;
            }
            break;
        case 'C':
            if (parse_seconds(p.arg, 3600, &conn_ms) || conn_ms < 1000) {
                fprintf(stderr, "lawwatch serve: --conn-timeout '%s' phải là số giây từ 1 đến 3600 "
                                "(--conn-timeout takes seconds, 1 to 3600)\n", p.arg);
                return LW_EXIT_FATAL;
            }
            break;
        default: /* help, or an unknown option or argument */
            return c == LW_CLI_HELP ? LW_EXIT_OK : LW_EXIT_FATAL;
        }
    }
    if (hash_user)
        return hash_password(hash_user);
    char addr[64];
    unsigned short port;
    if (parse_listen(listen, addr, sizeof addr, &port)) {
        fprintf(stderr, "lawwatch serve: --listen '%s' không hợp lệ, cần ĐỊA_CHỈ:CỔNG "
                        "(--listen '%s' is not ADDR:PORT, e.g. 127.0.0.1:8080)\n", listen, listen);
        return LW_EXIT_FATAL;
    }
    if (strncmp(addr, "127.", 4) && !auth_file) {
        fprintf(stderr, "lawwatch serve: nghe trên %s (không phải loopback) cần --auth TỆP "
                        "(listening on %s, not loopback, requires --auth FILE)\n", addr, addr);
        return LW_EXIT_FATAL;
    }
    lw_web_auth *auth = NULL;
    if (auth_file) {
        char msg[LW_WEB_AUTH_MSG_MAX];
        int warn;
        if (lw_web_auth_load(auth_file, &auth, &warn, msg, sizeof msg)) {
            fprintf(stderr, "lawwatch serve: %s\n", msg);
            return LW_EXIT_FATAL;
        }
        if (warn)
            fprintf(stderr, "lawwatch serve: cảnh báo (warning): %s\n", msg);
    }
    /* the database must open read-only now; each request opens it again (new documents show) */
    lawwatch_db *db = lw_cli_db(co.db, LAWWATCH_DB_READONLY);
    if (!db) {
        lw_web_auth_free(auth);
        return LW_EXIT_FATAL;
    }
    lawwatch_db_close(db);
    lawwatch_engine *eng = lw_cli_engine(co.rules);
    if (!eng) {
        lw_web_auth_free(auth);
        return LW_EXIT_FATAL;
    }
    /* SIGINT and SIGTERM are waited for here: blocked first, so the daemon's threads inherit
     * the mask and never take them */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    lw_web_server *srv;
    lw_web_server_options opt = {.db_path = co.db, .eng = eng, .addr = addr, .port = port, .auth = auth,
                                 .time_ms = time_ms, .conn_timeout_s = (conn_ms + 999) / 1000};
    if (lw_web_server_start(&opt, &srv)) {
        fprintf(stderr, "lawwatch serve: không nghe được trên %s:%u (cannot listen on %s:%u): %s\n", addr, port, addr,
                port, strerror(errno));
        lawwatch_engine_free(eng);
        lw_web_auth_free(auth);
        return LW_EXIT_FATAL;
    }
    if (auth)
        fprintf(stderr, "lawwatch serve: http://%s:%u/ (%zu người dùng, users; Ctrl-C để dừng, to stop)\n", addr,
                port, lw_web_auth_count(auth));
    else
        fprintf(stderr, "lawwatch serve: http://%s:%u/ (Ctrl-C để dừng, to stop)\n", addr, port);
    int sig;
    sigwait(&set, &sig);
    lw_web_server_stop(srv);
    lawwatch_engine_free(eng);
    lw_web_auth_free(auth);
    return LW_EXIT_OK;
}
