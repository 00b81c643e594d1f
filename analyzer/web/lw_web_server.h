/* lw_web_server: the HTTP side of `lawwatch serve` on libmicrohttpd: one daemon with an
 * internal polling thread and a thread per connection, bounded connections, a timeout per
 * connection, the query string bounded, the security headers on every response; each
 * request is answered by lw_web_route (lw_web_pages.h). */
#ifndef LW_WEB_SERVER_H
#define LW_WEB_SERVER_H

/* The most simultaneous connections, and the seconds a connection may stay idle. */
#define LW_WEB_CONNECTIONS_MAX 64
#define LW_WEB_TIMEOUT_S 30
/* The longest query string (the arguments' names and values together), in bytes: past it,
 * a 414 page. */
#define LW_WEB_QUERY_MAX 2048

/* The Content-Security-Policy of every response: no script at all, no external asset. */
#define LW_WEB_CSP "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

#include "lawwatch.h"

typedef struct lw_web_server lw_web_server;

/* Starts serving the database at db_path with the rules of eng (both borrowed: they must
 * outlive the server) on the IPv4 address addr ("127.0.0.1") and port. *out owned
 * (lw_web_server_stop); NULL and -1 on failure, with errno from the socket or the daemon. */
int lw_web_server_start(const char *db_path, const lawwatch_engine *eng, const char *addr, unsigned short port,
                        lw_web_server **out);
/* Stops the daemon (waits for its threads) and frees the server. Accepts NULL. */
void lw_web_server_stop(lw_web_server *s);

#endif
