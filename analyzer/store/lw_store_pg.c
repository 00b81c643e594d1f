/* lw_store_pg: the PostgreSQL back end's connection, schema and writes (lw_store_pg.h):
 * open (create, upgrade or refuse the schema), transactions, put, touch, delete_path,
 * set_topic, the source cache, the ingest lock (an advisory lock), the time limit
 * (statement_timeout) and the stored originals. */
#define _GNU_SOURCE
#include "lw_store_pg.h"

#include <stdlib.h>
#include <string.h>

#include "lw_msg.h"

/* A stub until this part is written: it says so. */

lw_status lw_pg_open(const char *uri, int flags, lw_store_conn **out, lw_error *err)
{
    *out = NULL;
    lw_pg *c = calloc(1, sizeof *c);
    if (!c || !(c->url = strdup(uri)) || !(c->shown = lw_pg_uri_shown(uri))) {
        if (c) {
            free(c->url);
            free(c);
        }
        return lw_error_msg(err, LW_ERR_NOMEM, uri, 0, 0, LW_MSG_NOMEM);
    }
    c->flags = flags;
    c->pg = PQconnectdb(uri);
    if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
        lw_status rc = c->pg ? lw_pg_fail(c, NULL, err) : lw_error_msg(err, LW_ERR_NOMEM, c->shown, 0, 0, LW_MSG_NOMEM);
        lw_pg_close((lw_store_conn *)c);
        return rc;
    }
    /* the schema: not written yet */
    *out = (lw_store_conn *)c;
    return LW_OK;
}

void lw_pg_close(lw_store_conn *c)
{
    lw_pg *p = LW_PG(c);
    if (!p)
        return;
    if (p->pg)
        PQfinish(p->pg);
    free(p->url);
    free(p->shown);
    free(p);
}

const char * lw_pg_path(lw_store_conn *c)
{
    return LW_PG(c)->shown;
}

int lw_pg_schema_version(lw_store_conn *c)
{
    (void)c;
    return 0;
}

long long lw_pg_count(lw_store_conn *c)
{
    (void)c;
    return 0;
}

lw_status lw_pg_begin(lw_store_conn *c, lw_error *err)
{
    (void)c; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_begin");
}

lw_status lw_pg_commit(lw_store_conn *c, lw_error *err)
{
    (void)c; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_commit");
}

int lw_pg_in_txn(lw_store_conn *c)
{
    (void)c;
    return 0;
}

size_t lw_pg_pending_bytes(lw_store_conn *c)
{
    (void)c;
    return 0;
}

int lw_pg_failure(lw_store_conn *c)
{
    (void)c;
    return 0;
}

lw_status lw_pg_lookup(lw_store_conn *c, const char *path, long long *id, int64_t *size, int64_t *mtime_ns, char sha[65], lw_error *err)
{
    (void)c; (void)path; (void)id; (void)size; (void)mtime_ns; (void)sha; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_lookup");
}

lw_status lw_pg_touch(lw_store_conn *c, const char *path, int64_t size, int64_t mtime_ns, lw_error *err)
{
    (void)c; (void)path; (void)size; (void)mtime_ns; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_touch");
}

lw_status lw_pg_put(lw_store_conn *c, const lw_doc *doc, const lw_extraction *x, const char *rules_version, const char *topic, int64_t size, int64_t mtime_ns, int *duplicate, lw_error *err)
{
    (void)c; (void)doc; (void)x; (void)rules_version; (void)topic; (void)size; (void)mtime_ns; (void)duplicate; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_put");
}

int lw_pg_delete_path(lw_store_conn *c, const char *path, lw_error *err)
{
    (void)c; (void)path; (void)err;
    return 0;
}

lw_status lw_pg_read_source(lw_store_conn *c, long long id, void (*fn)(void *ud, const lw_store_source *src), void *ud, lw_error *err)
{
    (void)c; (void)id; (void)fn; (void)ud; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_read_source");
}

lw_status lw_pg_set_topic(lw_store_conn *c, long long id, const char *topic, lw_error *err)
{
    (void)c; (void)id; (void)topic; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_set_topic");
}

lw_status lw_pg_cache_get(lw_store_conn *c, const char *sha, void (*fn)(void *ud, const lw_store_cached *row), void *ud, lw_error *err)
{
    (void)c; (void)sha; (void)fn; (void)ud; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_cache_get");
}

lw_status lw_pg_cache_put(lw_store_conn *c, const char *sha, const lw_store_cached *row, lw_error *err)
{
    (void)c; (void)sha; (void)row; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_cache_put");
}

lw_status lw_pg_lock(lw_store_conn *c, int wait, lw_error *err)
{
    (void)c; (void)wait; (void)err;
    return lw_error_msg(err, LW_ERR_DB, lw_pg_path(c), 0, 0, LW_MSG_PG_TODO, "lw_pg_lock");
}

void lw_pg_unlock(lw_store_conn *c)
{
    (void)c;
}

int lw_pg_files(lw_store_conn *c, int (*fn)(void *ud, const char *path), void *ud)
{
    (void)c; (void)fn; (void)ud;
    return 0;
}

void lw_pg_set_time_limit(lw_store_conn *c, unsigned ms)
{
    (void)c; (void)ms;
}

