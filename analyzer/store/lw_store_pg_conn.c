/* lw_store_pg_conn: what every part of the PostgreSQL back end does with its connection:
 * run a statement with parameters and turn a failure into an lw_error that names the
 * database (its URI without the password) and says what the server said. */
#define _GNU_SOURCE
#include "lw_store_pg.h"

#include <stdlib.h>
#include <string.h>

#include "lw_msg.h"

int lw_pg_is_uri(const char *name)
{
    return name && (strncmp(name, "postgresql://", 13) == 0 || strncmp(name, "postgres://", 11) == 0);
}

char *lw_pg_uri_shown(const char *uri)
{
    char *out = strdup(uri);
    if (!out)
        return NULL;
    /* scheme://user:password@host...: drop ":password" of the authority */
    char *auth = strstr(out, "://");
    if (auth) {
        auth += 3;
        char *at = strchr(auth, '@'), *slash = strchr(auth, '/');
        if (at && (!slash || at < slash)) {
            char *colon = memchr(auth, ':', (size_t)(at - auth));
            if (colon)
                memmove(colon, at, strlen(at) + 1);
        }
    }
    /* ...?password=secret&...: drop the parameter */
    char *q = strchr(out, '?');
    while (q) {
        char *p = strstr(q, "password=");
        if (!p)
            break;
        if (p[-1] != '?' && p[-1] != '&') {
            q = p + 1;
            continue;
        }
        char *end = strchr(p, '&');
        if (end)
            memmove(p, end + 1, strlen(end + 1) + 1);
        else
            p[-1] = '\0'; /* the last one: its '?' or '&' goes with it */
    }
    return out;
}

lw_status lw_pg_fail(lw_pg *c, const PGresult *res, lw_error *err)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *what = res ? PQresultErrorMessage(res) : NULL;
    if (!what || !*what)
        what = PQerrorMessage(c->pg);
    /* 57014 query_canceled: the statement_timeout of lw_pg_set_time_limit */
    if (state && strcmp(state, "57014") == 0 && c->time_limit_ms)
        return lw_error_msg(err, LW_ERR_TIMEOUT, c->shown, 0, 0, LW_MSG_STORE_TIMEOUT);
    /* one line: libpq's messages have several (ERROR, DETAIL, HINT; a connection's reasons) */
    char one[512];
    size_t n = 0;
    for (const char *p = what; *p && n < sizeof one - 1; p++) {
        char ch = *p == '\n' || *p == '\t' || *p == '\r' ? ' ' : *p;
        if (ch != ' ' || (n && one[n - 1] != ' '))
            one[n++] = ch;
    }
    while (n && one[n - 1] == ' ')
        n--;
    one[n] = '\0';
    return lw_error_msg(err, LW_ERR_DB, c->shown, 0, 0, LW_MSG_PG_FAILED, one);
}

PGresult *lw_pg_exec_params(lw_pg *c, const char *sql, int n, const char *const *values, const int *lengths,
                            const int *formats, ExecStatusType ok, lw_error *err)
{
    PGresult *res = PQexecParams(c->pg, sql, n, NULL, values, lengths, formats, 0);
    if (res && PQresultStatus(res) == ok)
        return res;
    lw_pg_fail(c, res, err);
    PQclear(res);
    return NULL;
}

PGresult *lw_pg_exec(lw_pg *c, const char *sql, int n, const char *const *params, ExecStatusType ok, lw_error *err)
{
    return lw_pg_exec_params(c, sql, n, params, NULL, NULL, ok, err);
}

const char *lw_pg_str(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

long long lw_pg_int(const PGresult *res, int row, int col, long long dflt)
{
    return PQgetisnull(res, row, col) ? dflt : strtoll(PQgetvalue(res, row, col), NULL, 10);
}
