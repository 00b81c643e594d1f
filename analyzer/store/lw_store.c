/* lw_store: the store's handle (see the header): a back end (lw_store_backend.h) and its
 * connection; every operation is handed to the back end's table. The back ends known are
 * listed in backends[], the default first, as SQLite registers its VFSes. */
#include "lw_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lw_msg.h"
#include "lw_store_doc.h"
#include "lw_store_pg.h"
#include "lw_store_sqlite.h"
#include "lw_store_sqlite_backend.h"

struct lw_store {
    const lw_store_backend *be;
    lw_store_conn *conn; /* owned (be->close) */
};

/* Every back end, the default (used for a plain file path) first. */
static const lw_store_backend *const backends[] = {&lw_sqlite_backend, &lw_pg_backend};

lw_status lw_store_open(const char *path, int flags, lw_store **out, lw_error *err)
{
    /* issue 21: a postgresql:// URI names a PostgreSQL database, anything else a file */
    return lw_store_open_with(lw_pg_is_uri(path) ? backends[1] : backends[0], path, flags, out, err);
}

lw_status lw_store_open_with(const lw_store_backend *be, const char *path, int flags, lw_store **out,
                             lw_error *err)
{
    *out = NULL;
    lw_store *s = calloc(1, sizeof *s);
    if (!s)
        return lw_error_msg(err, LW_ERR_NOMEM, path, 0, 0, LW_MSG_NOMEM);
    s->be = be;
    lw_status rc = be->open(path, flags, &s->conn, err);
    if (rc) {
        free(s);
        return rc;
    }
    *out = s;
    return LW_OK;
}

void lw_store_close(lw_store *s)
{
    if (!s)
        return;
    s->be->close(s->conn);
    free(s);
}

const char *lw_store_path(lw_store *s) { return s->be->path(s->conn); }
long long lw_store_count(lw_store *s) { return s->be->count(s->conn); }
int lw_store_schema_version(lw_store *s) { return s->be->schema_version(s->conn); }
const char *lw_store_backend_name(lw_store *s) { return s->be->name; }

lw_status lw_store_lock(lw_store *s, int wait, lw_error *err) { return s->be->lock(s->conn, wait, err); }
void lw_store_unlock(lw_store *s) { s->be->unlock(s->conn); }
int lw_store_files(lw_store *s, int (*fn)(void *ud, const char *path), void *ud) { return s->be->files(s->conn, fn, ud); }

void lw_store_set_time_limit(lw_store *s, unsigned ms)
{
    if (s->be->set_time_limit)
        s->be->set_time_limit(s->conn, ms);
}

lw_status lw_store_begin(lw_store *s, lw_error *err) { return s->be->begin(s->conn, err); }
lw_status lw_store_commit(lw_store *s, lw_error *err) { return s->be->commit(s->conn, err); }
int lw_store_in_txn(lw_store *s) { return s->be->in_txn(s->conn); }
size_t lw_store_pending_bytes(lw_store *s) { return s->be->pending_bytes(s->conn); }
int lw_store_failure(lw_store *s) { return s->be->failure(s->conn); }

lw_status lw_store_lookup(lw_store *s, const char *path, long long *id, int64_t *size, int64_t *mtime_ns,
                          char sha[65], lw_error *err)
{
    return s->be->lookup(s->conn, path, id, size, mtime_ns, sha, err);
}

/* What cache_get's callback found: the row's source made again, or why not. */
typedef struct {
    lw_source *src;
    lw_status st;
    lw_error *err;
} cache_hit;

static void take_cached(void *ud, const lw_store_cached *row)
{
    cache_hit *h = ud;
    lw_error e;
    lw_error_clear(&e);
    h->st = lw_source_deserialize(row->bytes, row->len, &h->src, &e);
    if (h->st == LW_ERR_NOMEM)
        lw_error_msg(h->err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    else if (h->st)
        h->st = lw_error_msg(h->err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_SOURCE_BAD);
}

lw_status lw_store_cache_get(lw_store *s, const char *sha, lw_source **out, lw_error *err)
{
    cache_hit h = {NULL, LW_OK, err};
    *out = NULL;
    lw_status st = s->be->cache_get(s->conn, sha, take_cached, &h, err);
    if (st || h.st) {
        lw_source_free(h.src);
        return st ? st : h.st;
    }
    *out = h.src;
    return LW_OK;
}

lw_status lw_store_cache_put(lw_store *s, const char *sha, const lw_source *src, lw_error *err)
{
    unsigned char *bytes = NULL;
    size_t len = 0;
    lw_status st = lw_source_serialize(src, &bytes, &len, err);
    if (st)
        return st;
    lw_store_cached row = {bytes, len, lw_source_format_name(src->format), (int)src->pages, src->ocr_engine, src->note};
    st = s->be->cache_put(s->conn, sha, &row, err);
    free(bytes);
    return st;
}

lw_status lw_store_touch(lw_store *s, const char *path, int64_t size, int64_t mtime_ns, lw_error *err)
{
    return s->be->touch(s->conn, path, size, mtime_ns, err);
}

lw_status lw_store_put(lw_store *s, const lw_doc *doc, const lw_extraction *x, const char *rules_version,
                       const char *topic, int64_t size, int64_t mtime_ns, int *duplicate, lw_error *err)
{
    return s->be->put(s->conn, doc, x, rules_version, topic, size, mtime_ns, duplicate, err);
}

int lw_store_delete_path(lw_store *s, const char *path, lw_error *err) { return s->be->delete_path(s->conn, path, err); }

lw_status lw_store_stale_ids(lw_store *s, const char *rules_version, int all, long long **ids, size_t *n,
                             lw_error *err)
{
    return s->be->stale_ids(s->conn, rules_version, all, ids, n, err);
}

lw_status lw_store_read_source(lw_store *s, long long id, void (*fn)(void *ud, const lw_store_source *src),
                               void *ud, lw_error *err)
{
    return s->be->read_source(s->conn, id, fn, ud, err);
}

lw_status lw_store_each_path(lw_store *s, int (*fn)(void *ud, const char *path), void *ud, lw_error *err)
{
    return s->be->each_path(s->conn, fn, ud, err);
}

lw_status lw_store_each_topic_todo(lw_store *s, int (*fn)(void *ud, const lw_store_doc_row *r), void *ud,
                                   lw_error *err)
{
    return s->be->each_topic_todo(s->conn, fn, ud, err);
}

lw_status lw_store_set_topic(lw_store *s, long long id, const char *topic, lw_error *err)
{
    return s->be->set_topic(s->conn, id, topic, err);
}

lw_status lw_store_search(lw_store *s, const lw_search_query *q, int (*fn)(void *ud, const lw_search_hit *h),
                          void *ud, size_t *n_hits, lw_error *err)
{
    return s->be->search(s->conn, q, fn, ud, n_hits, err);
}

lw_status lw_store_search_facets(lw_store *s, const lw_search_query *q, json_t **out, lw_error *err)
{
    *out = NULL;
    return s->be->search_facets(s->conn, q, out, err);
}

lw_status lw_store_cites(lw_store *s, const char *id, int limit, int (*fn)(void *ud, json_t *row), void *ud,
                         size_t *n, lw_error *err)
{
    return s->be->cites(s->conn, id, limit, fn, ud, n, err);
}

lw_status lw_store_cite_counts(lw_store *s, int (*fn)(void *ud, const char *key, long long n), void *ud,
                               lw_error *err)
{
    return s->be->cite_counts(s->conn, fn, ud, err);
}

lw_status lw_store_deadlines_in(lw_store *s, const char *from, const char *to, int limit,
                                int (*fn)(void *ud, json_t *row), void *ud, size_t *n, lw_error *err)
{
    return s->be->deadlines_in(s->conn, from, to, limit, fn, ud, n, err);
}

lw_status lw_store_changes_of(lw_store *s, const char *id, int (*fn)(void *ud, json_t *row), void *ud, size_t *n,
                              lw_error *err)
{
    return s->be->changes_of(s->conn, id, fn, ud, n, err);
}

lw_status lw_store_each_document(lw_store *s, int (*fn)(void *ud, const lw_store_doc_row *r), void *ud, lw_error *err)
{
    return s->be->each_document(s->conn, fn, ud, err);
}

lw_status lw_store_each_issuer_level(lw_store *s, int (*fn)(void *ud, const lw_store_doc_value *r), void *ud, lw_error *err)
{
    return s->be->each_issuer_level(s->conn, fn, ud, err);
}

lw_status lw_store_each_doc_province(lw_store *s, int (*fn)(void *ud, const lw_store_doc_value *r), void *ud, lw_error *err)
{
    return s->be->each_doc_province(s->conn, fn, ud, err);
}

lw_status lw_store_each_duty(lw_store *s, int (*fn)(void *ud, const lw_store_duty_row *r), void *ud, lw_error *err)
{
    return s->be->each_duty(s->conn, fn, ud, err);
}

lw_status lw_store_each_duty_of(lw_store *s, const long long *ids, size_t n,
                                int (*fn)(void *ud, const lw_store_duty_row *r), void *ud, lw_error *err)
{
    return s->be->each_duty_of(s->conn, ids, n, fn, ud, err);
}

lw_status lw_store_each_duty_unit_of(lw_store *s, const long long *ids, size_t n,
                                     int (*fn)(void *ud, const lw_store_unit_row *r), void *ud, lw_error *err)
{
    return s->be->each_duty_unit_of(s->conn, ids, n, fn, ud, err);
}

lw_status lw_store_each_duty_unit(lw_store *s, int (*fn)(void *ud, const lw_store_unit_row *r), void *ud, lw_error *err)
{
    return s->be->each_duty_unit(s->conn, fn, ud, err);
}

lw_status lw_store_each_ref(lw_store *s, int what, int (*fn)(void *ud, const lw_store_ref_row *r), void *ud, lw_error *err)
{
    return s->be->each_ref(s->conn, what, fn, ud, err);
}

lw_status lw_store_each_document_of(lw_store *s, const long long *ids, size_t n,
                                    int (*fn)(void *ud, const lw_store_doc_row *r), void *ud, lw_error *err)
{
    return s->be->each_document_of(s->conn, ids, n, fn, ud, err);
}

lw_status lw_store_each_ref_of(lw_store *s, const long long *ids, size_t n,
                               int (*fn)(void *ud, const lw_store_ref_row *r), void *ud, lw_error *err)
{
    return s->be->each_ref_of(s->conn, ids, n, fn, ud, err);
}

lw_status lw_store_each_relation(lw_store *s, int (*fn)(void *ud, const lw_store_relation_row *r), void *ud, lw_error *err)
{
    return s->be->each_relation(s->conn, fn, ud, err);
}

lw_status lw_store_each_unit_name(lw_store *s, int which, int (*fn)(void *ud, const char *name), void *ud, lw_error *err)
{
    return s->be->each_unit_name(s->conn, which, fn, ud, err);
}

int lw_period_parse(const char *s, char from[11], char to[11])
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, k;
    char c, tail;
    if (!s || strlen(s) < 4)
        return -1;
    int m1, m2;
    if (sscanf(s, "%4d%c", &y, &c) == 1 && strlen(s) == 4) {
        m1 = 1, m2 = 12;
    } else if ((sscanf(s, "%4d%c%d%c", &y, &c, &k, &tail) == 3 || sscanf(s, "%4d-%c%d%c", &y, &c, &k, &tail) == 3) &&
               (c == 'Q' || c == 'q') && k >= 1 && k <= 4) {
        m1 = 3 * k - 2, m2 = 3 * k;
    } else if ((sscanf(s, "%4d%c%d%c", &y, &c, &k, &tail) == 3 || sscanf(s, "%4d-%c%d%c", &y, &c, &k, &tail) == 3) &&
               (c == 'H' || c == 'h') && k >= 1 && k <= 2) {
        m1 = 6 * k - 5, m2 = 6 * k;
    } else if (sscanf(s, "%4d-%d%c", &y, &k, &tail) == 2 && k >= 1 && k <= 12 && strlen(s) <= 7) {
        m1 = m2 = k;
    } else {
        return -1;
    }
    if (y < 1900 || y > 2999)
        return -1;
    int last = mdays[m2 - 1] + (m2 == 2 && ((y % 4 == 0 && y % 100) || y % 400 == 0));
    snprintf(from, 11, "%04d-%02d-01", y, m1);
    snprintf(to, 11, "%04d-%02d-%02d", y, m2, last);
    return 0;
}

sqlite3 *lw_store_sqlite_db(lw_store *s) { return s->be == &lw_sqlite_backend ? ((lw_sqlite *)s->conn)->db : NULL; }

lw_status lw_store_doc_read(lw_store *s, long long id, void (*fn)(void *ud, const lw_store_doc_full *d), void *ud,
                            int *found, lw_error *err)
{
    if (found)
        *found = 0;
    return s->be->doc_read(s->conn, id, fn, ud, found, err);
}
