/* lw_cli_serve: the serve verb: the reviewers' web interface (analyzer/web/) on
 * libmicrohttpd, over the database opened read-only, until SIGINT or SIGTERM. Listens on
 * loopback unless told otherwise; another address needs --auth (not implemented yet: refused). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lw_cli_common.h"
#include "lw_cli_verbs.h"
#include "lw_web_server.h"

#define LISTEN_DEFAULT "127.0.0.1:8080"

static const char serve_usage[] =
    "Usage: lawwatch serve [--db PATH] [--rules DIR] [--listen ADDR:PORT] [--auth FILE]\n"
    "The reviewers' web interface, from the database (opened read-only), until interrupted:\n"
    "/ and /search?q=&year=&kind=&issuer=&page= (20 hits a page), /api/search?q= (the JSON of\n"
    "search --format json).\n"
    "  --listen ADDR:PORT  the IPv4 address and port (default: " LISTEN_DEFAULT "); an address\n"
    "                      other than loopback (127.x.x.x) needs --auth\n"
    "  --auth FILE         users and password hashes (not implemented yet: refused)\n";

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

int lw_cli_serve(int argc, char **argv)
{
    lw_cli_common co;
    lw_cli_common_init(&co);
    const char *listen = LISTEN_DEFAULT, *auth = NULL;
    static const struct option longopts[] = {LW_CLI_OPT_HELP, LW_CLI_OPT_DB, LW_CLI_OPT_RULES,
                                             {"listen", required_argument, NULL, 'L'},
                                             {"auth", required_argument, NULL, 'A'}, LW_CLI_OPT_END};
    lw_cli_parser p;
    lw_cli_parse_init(&p, "serve", serve_usage, "h", longopts, LW_CLI_NO_OPERANDS, argc, argv);
    for (int c; (c = lw_cli_next_own(&p, &co)) != LW_CLI_DONE;) {
        switch (c) {
        case 'L':
            listen = p.arg;
            break;
        case 'A':
            auth = p.arg;
            break;
        default: /* help, or an unknown option or argument */
            return c == LW_CLI_HELP ? LW_EXIT_OK : LW_EXIT_FATAL;
        }
    }
    char addr[64];
    unsigned short port;
    if (parse_listen(listen, addr, sizeof addr, &port)) {
        fprintf(stderr, "lawwatch serve: --listen '%s' không hợp lệ, cần ĐỊA_CHỈ:CỔNG "
                        "(--listen '%s' is not ADDR:PORT, e.g. 127.0.0.1:8080)\n", listen, listen);
        return LW_EXIT_FATAL;
    }
    if (strncmp(addr, "127.", 4)) {
        if (!auth)
            fprintf(stderr, "lawwatch serve: nghe trên %s (không phải loopback) cần --auth TỆP "
                            "(listening on %s, not loopback, requires --auth FILE)\n", addr, addr);
        else
            fprintf(stderr, "lawwatch serve: --auth chưa được cài đặt, chỉ nghe được trên 127.0.0.1 "
                            "(--auth is not implemented yet; only loopback addresses are served)\n");
        return LW_EXIT_FATAL;
    }
    /* the database must open read-only now; each request opens it again (new documents show) */
    lawwatch_db *db = lw_cli_db(co.db, LAWWATCH_DB_READONLY);
    if (!db)
        return LW_EXIT_FATAL;
    lawwatch_db_close(db);
    lawwatch_engine *eng = lw_cli_engine(co.rules);
    if (!eng)
        return LW_EXIT_FATAL;
    /* SIGINT and SIGTERM are waited for here: blocked first, so the daemon's threads inherit
     * the mask and never take them */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    lw_web_server *srv;
    if (lw_web_server_start(co.db, eng, addr, port, &srv)) {
        fprintf(stderr, "lawwatch serve: không nghe được trên %s:%u (cannot listen on %s:%u): %s\n", addr, port, addr,
                port, strerror(errno));
        lawwatch_engine_free(eng);
        return LW_EXIT_FATAL;
    }
    fprintf(stderr, "lawwatch serve: http://%s:%u/ (Ctrl-C để dừng, to stop)\n", addr, port);
    int sig;
    sigwait(&set, &sig);
    lw_web_server_stop(srv);
    lawwatch_engine_free(eng);
    return LW_EXIT_OK;
}
