/* lw_web_server: the HTTP side of `lawwatch serve` on libmicrohttpd: one daemon with an
 * internal polling thread and a thread per connection, bounded connections (past the bound
 * a 503 page, then closed at once: refused, never left hanging), a timeout per idle
 * connection, the query string bounded, the pages built at once bounded (the others wait
 * their turn), the time a request may spend in the database bounded, the security headers
 * on every response, and with --auth an HTTP Basic login on every path (lw_web_auth.h);
 * each request is answered by lw_web_route (lw_web_pages.h). */
#ifndef LW_WEB_SERVER_H
#define LW_WEB_SERVER_H

/* The most simultaneous connections served; the next LW_WEB_CONNECTIONS_SPARE get a 503
 * page, and connections past those are closed as soon as they are accepted. */
#define LW_WEB_CONNECTIONS_MAX 64
#define LW_WEB_CONNECTIONS_SPARE 8
/* The seconds a connection may stay idle (default of --conn-timeout), and the seconds a
 * request may spend in the database (default of --time-limit). */
#define LW_WEB_TIMEOUT_S 30
#define LW_WEB_TIME_LIMIT_S 10
/* The most pages built at once (twice the processors, at most this): the other requests
 * wait for a turn, at most the idle timeout, then get a 503 page. */
#define LW_WEB_TURNS_MAX 16
/* The realm of the HTTP Basic login. */
#define LW_WEB_REALM "lawwatch"
/* The longest query string (the arguments' names and values together), in bytes: past it,
 * a 414 page. */
#define LW_WEB_QUERY_MAX 2048

/* The Content-Security-Policy of every response: no script at all, no external asset. */
#define LW_WEB_CSP "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

#include "lawwatch.h"
#include "lw_web_auth.h"

typedef struct lw_web_server lw_web_server;

/* How to serve; every pointer borrowed: it must outlive the server. */
typedef struct {
    const char *db_path;        /* the database */
    const lawwatch_engine *eng; /* the rules */
    const char *addr;           /* the IPv4 address ("127.0.0.1") */
    unsigned short port;
    const lw_web_auth *auth;    /* the users (--auth), or NULL: no login, loopback Host names only */
    unsigned time_ms;           /* a request's time in the database (0: unbounded) */
    unsigned conn_timeout_s;    /* the seconds a connection may stay idle (0: LW_WEB_TIMEOUT_S) */
} lw_web_server_options;

/* Starts serving as opt says. *out owned (lw_web_server_stop); NULL and -1 on failure, with
 * errno from the socket or the daemon. */
int lw_web_server_start(const lw_web_server_options *opt, lw_web_server **out);
/* Stops the daemon (waits for its threads) and frees the server. Accepts NULL. */
void lw_web_server_stop(lw_web_server *s);

#endif
