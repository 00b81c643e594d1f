/* lw_test_pg.h: what the unit tests of the PostgreSQL back end (issue 21) share: a fresh
 * database of their own in the tests' cluster. tests/CMakeLists.txt's fixture pg_cluster
 * starts the cluster and gives tests named test_pg_* / test_store_pg* LW_TEST_PG_URI;
 * without it a test FAILS (never skips): call lw_test_pg_fresh in the test and fail_msg on
 * NULL. Header only (each unit test is one executable). */
#ifndef LW_TEST_PG_H
#define LW_TEST_PG_H

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The URI of a fresh (dropped and re-created) database NAME ([a-z0-9_]+) in the cluster of
 * LW_TEST_PG_URI. Returns owned (free), or NULL after printing why to stderr. */
static inline char *lw_test_pg_fresh(const char *name)
{
    const char *uri = getenv("LW_TEST_PG_URI");
    if (!uri || !*uri) {
        fprintf(stderr, "LW_TEST_PG_URI is not set: run under ctest (fixture pg_cluster) or start a "
                        "cluster with scripts/pg_cluster.sh start DIR\n");
        return NULL;
    }
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
            return fprintf(stderr, "database names here are [a-z0-9_]+: %s\n", name), NULL;
    /* postgresql:///DB?query: the database is the path after the authority */
    const char *auth = strstr(uri, "://");
    const char *path = auth ? strchr(auth + 3, '/') : NULL;
    if (!path)
        return fprintf(stderr, "LW_TEST_PG_URI has no database path: %s\n", uri), NULL;
    const char *query = strchr(path, '?');
    PGconn *c = PQconnectdb(uri);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "cannot connect to %s: %s", uri, PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    char sql[256];
    const char *steps[] = {"SET client_min_messages = warning", "DROP DATABASE IF EXISTS %s WITH (FORCE)",
                           "CREATE DATABASE %s"};
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        snprintf(sql, sizeof sql, steps[i], name);
        PGresult *r = PQexec(c, sql);
        int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok)
            fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
        PQclear(r);
        if (!ok) {
            PQfinish(c);
            return NULL;
        }
    }
    PQfinish(c);
    size_t n = (size_t)(path - uri) + 1 + strlen(name) + (query ? strlen(query) : 0) + 1;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%.*s/%s%s", (int)(path - uri), uri, name, query ? query : "");
    return out;
}

#endif
