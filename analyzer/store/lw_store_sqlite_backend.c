/* lw_store_sqlite_backend: the SQLite back end's table (lw_store_backend.h): its open (a
 * read-only place read as an immutable file) and each entry handing the connection to the
 * lw_sqlite_* function of lw_store_sqlite, lw_store_facts or lw_store_query. */
#define _GNU_SOURCE
#include "lw_store_sqlite_backend.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lw_msg.h"
#include "lw_store_doc.h"
#include "lw_store_facts.h"
#include "lw_store_query.h"
#include "lw_store_schema.h"

#define DB(c) ((lw_sqlite *)(c))

static lw_status be_open(const char *path, int flags, lw_store_conn **out, lw_error *err)
{
    lw_sqlite **db = (lw_sqlite **)out;
    lw_status rc = lw_sqlite_open(path, flags, 0, db, err);
    struct stat pst;
    /* a database that does not exist is not a read-only one (its folder may not exist) */
    if (rc != LW_ERR_DB || (stat(path, &pst) != 0 && errno == ENOENT) || !lw_sqlite_place_read_only(path))
        return rc;
    char why[sizeof err->msg] = "";
    if (err)
        snprintf(why, sizeof why, "%s", err->msg); /* err->msg is rewritten below */
    if (flags & LW_STORE_READONLY) {
        /* a WAL database on a read-only place (a read-only mount, a backup copy): SQLite
         * cannot make its -shm there, so it is read as an immutable file, which is right
         * only when no -wal holds changes not yet written back into it */
        size_t n = strlen(path) + 5;
        char *wal = malloc(n);
        struct stat st;
        if (!wal)
            return lw_error_msg(err, LW_ERR_NOMEM, path, 0, 0, LW_MSG_NOMEM);
        snprintf(wal, n, "%s-wal", path);
        int pending = stat(wal, &st) == 0 && st.st_size > 0;
        free(wal);
        if (!pending) {
            lw_error e2;
            lw_error_clear(&e2);
            if (lw_sqlite_open(path, flags, 1, db, &e2) == LW_OK)
                return LW_OK;
        }
        char mb[LW_STORE_MSG_MAX];
        return lw_error_set(err, LW_ERR_DB, path, 0, 0, "%s: %s",
                            lw_msg_format(mb, sizeof mb, pending ? LW_MSG_STORE_READONLY_WAL : LW_MSG_STORE_READONLY_PLACE),
                            why);
    }
    char mb[LW_STORE_MSG_MAX];
    return lw_error_set(err, LW_ERR_DB, path, 0, 0, "%s: %s", lw_msg_format(mb, sizeof mb, LW_MSG_STORE_READONLY), why);
}

static void be_close(lw_store_conn *c) { lw_sqlite_close(DB(c)); }
static const char *be_path(lw_store_conn *c) { return DB(c)->path; }
static long long be_count(lw_store_conn *c) { return lw_sqlite_count(DB(c)); }

static int be_schema_version(lw_store_conn *c)
{
    long long v = -1;
    return lw_sqlite_query_int(DB(c)->db, "PRAGMA user_version", &v) ? -1 : (int)v;
}

static lw_status be_begin(lw_store_conn *c, lw_error *err) { return lw_sqlite_begin(DB(c), err); }
static lw_status be_commit(lw_store_conn *c, lw_error *err) { return lw_sqlite_commit(DB(c), err); }
static int be_in_txn(lw_store_conn *c) { return DB(c)->in_txn; }
static size_t be_pending_bytes(lw_store_conn *c) { return DB(c)->fts_bytes; }
static int be_failure(lw_store_conn *c) { return lw_sqlite_failure(DB(c)); }

static lw_status be_lookup(lw_store_conn *c, const char *path, long long *id, int64_t *size, int64_t *mtime_ns,
                           char sha[65], lw_error *err)
{
    sqlite3_int64 i = 0;
    if (lw_sqlite_lookup(DB(c), path, &i, size, mtime_ns, sha))
        return lw_sqlite_error(DB(c), err, "cannot look up a document");
    *id = i;
    return LW_OK;
}

static lw_status be_touch(lw_store_conn *c, const char *path, int64_t size, int64_t mtime_ns, lw_error *err)
{
    if (lw_sqlite_touch(DB(c), path, size, mtime_ns))
        return lw_sqlite_error(DB(c), err, "cannot update a document's mtime");
    return LW_OK;
}

static lw_status be_put(lw_store_conn *c, const lw_doc *doc, const lw_extraction *x, const char *rules_version,
                        const char *topic, int64_t size, int64_t mtime_ns, int *duplicate, lw_error *err)
{
    return lw_sqlite_put(DB(c), doc, x, rules_version, topic, size, mtime_ns, duplicate, err);
}

static int be_delete_path(lw_store_conn *c, const char *path, lw_error *err)
{
    return lw_sqlite_delete_path(DB(c), path, err);
}

static lw_status be_stale_ids(lw_store_conn *c, const char *rules_version, int all, long long **ids, size_t *n,
                              lw_error *err)
{
    return lw_sqlite_stale_ids(DB(c), rules_version, all, ids, n, err);
}

static lw_status be_read_source(lw_store_conn *c, long long id, void (*fn)(void *ud, const lw_store_source *src),
                                void *ud, lw_error *err)
{
    return lw_sqlite_read_source(DB(c), id, fn, ud, err);
}

static lw_status be_each_path(lw_store_conn *c, int (*fn)(void *ud, const char *path), void *ud, lw_error *err)
{
    return lw_sqlite_each_path(DB(c), fn, ud, err);
}

static lw_status be_each_topic_todo(lw_store_conn *c, int (*fn)(void *ud, const lw_store_doc_row *r), void *ud,
                                    lw_error *err)
{
    return lw_sqlite_each_topic_todo(DB(c), fn, ud, err);
}

static lw_status be_set_topic(lw_store_conn *c, long long id, const char *topic, lw_error *err)
{
    return lw_sqlite_set_topic(DB(c), id, topic, err);
}

static lw_status be_cache_get(lw_store_conn *c, const char *sha, void (*fn)(void *ud, const lw_store_cached *row),
                              void *ud, lw_error *err)
{
    return lw_sqlite_cache_get(DB(c), sha, fn, ud, err);
}

static lw_status be_cache_put(lw_store_conn *c, const char *sha, const lw_store_cached *row, lw_error *err)
{
    return lw_sqlite_cache_put(DB(c), sha, row, err);
}

static lw_status be_search(lw_store_conn *c, const lw_search_query *q, int (*fn)(void *ud, const lw_search_hit *h),
                           void *ud, size_t *n_hits, lw_error *err)
{
    return lw_sqlite_search(DB(c), q, fn, ud, n_hits, err);
}

static lw_status be_search_facets(lw_store_conn *c, const lw_search_query *q, json_t **out, lw_error *err)
{
    return lw_sqlite_search_facets(DB(c), q, out, err);
}

static lw_status be_cites(lw_store_conn *c, const char *id, int limit, int (*fn)(void *ud, json_t *row), void *ud,
                          size_t *n, lw_error *err)
{
    return lw_sqlite_cites(DB(c), id, limit, fn, ud, n, err);
}

static lw_status be_cite_counts(lw_store_conn *c, int (*fn)(void *ud, const char *key, long long n), void *ud,
                                lw_error *err)
{
    return lw_sqlite_cite_counts(DB(c), fn, ud, err);
}

static lw_status be_deadlines_in(lw_store_conn *c, const char *from, const char *to, int limit,
                                 int (*fn)(void *ud, json_t *row), void *ud, size_t *n, lw_error *err)
{
    return lw_sqlite_deadlines_in(DB(c), from, to, limit, fn, ud, n, err);
}

static lw_status be_changes_of(lw_store_conn *c, const char *id, int (*fn)(void *ud, json_t *row), void *ud,
                               size_t *n, lw_error *err)
{
    return lw_sqlite_changes_of(DB(c), id, fn, ud, n, err);
}

static lw_status be_each_document(lw_store_conn *c, int (*fn)(void *ud, const lw_store_doc_row *r), void *ud, lw_error *err)
{
    return lw_sqlite_each_document(DB(c), fn, ud, err);
}

static lw_status be_each_issuer_level(lw_store_conn *c, int (*fn)(void *ud, const lw_store_doc_value *r), void *ud, lw_error *err)
{
    return lw_sqlite_each_issuer_level(DB(c), fn, ud, err);
}

static lw_status be_each_doc_province(lw_store_conn *c, int (*fn)(void *ud, const lw_store_doc_value *r), void *ud, lw_error *err)
{
    return lw_sqlite_each_doc_province(DB(c), fn, ud, err);
}

static lw_status be_each_duty(lw_store_conn *c, int (*fn)(void *ud, const lw_store_duty_row *r), void *ud, lw_error *err)
{
    return lw_sqlite_each_duty(DB(c), fn, ud, err);
}

static lw_status be_each_duty_of(lw_store_conn *c, const long long *ids, size_t n,
                                 int (*fn)(void *ud, const lw_store_duty_row *r), void *ud, lw_error *err)
{
    return lw_sqlite_each_duty_of(DB(c), ids, n, fn, ud, err);
}

static lw_status be_each_duty_unit_of(lw_store_conn *c, const long long *ids, size_t n,
                                      int (*fn)(void *ud, const lw_store_unit_row *r), void *ud, lw_error *err)
{
    return lw_sqlite_each_duty_unit_of(DB(c), ids, n, fn, ud, err);
}

static lw_status be_each_document_of(lw_store_conn *c, const long long *ids, size_t n,
                                     int (*fn)(void *ud, const lw_store_doc_row *r), void *ud, lw_error *err)
{
    return lw_sqlite_each_document_of(DB(c), ids, n, fn, ud, err);
}

static lw_status be_each_ref_of(lw_store_conn *c, const long long *ids, size_t n,
                                int (*fn)(void *ud, const lw_store_ref_row *r), void *ud, lw_error *err)
{
    return lw_sqlite_each_ref_of(DB(c), ids, n, fn, ud, err);
}

static lw_status be_each_duty_unit(lw_store_conn *c, int (*fn)(void *ud, const lw_store_unit_row *r), void *ud, lw_error *err)
{
    return lw_sqlite_each_duty_unit(DB(c), fn, ud, err);
}

static lw_status be_each_ref(lw_store_conn *c, int what, int (*fn)(void *ud, const lw_store_ref_row *r), void *ud, lw_error *err)
{
    return lw_sqlite_each_ref(DB(c), what, fn, ud, err);
}

static lw_status be_each_relation(lw_store_conn *c, int (*fn)(void *ud, const lw_store_relation_row *r), void *ud, lw_error *err)
{
    return lw_sqlite_each_relation(DB(c), fn, ud, err);
}

static lw_status be_each_unit_name(lw_store_conn *c, int which, int (*fn)(void *ud, const char *name), void *ud, lw_error *err)
{
    return lw_sqlite_each_unit_name(DB(c), which, fn, ud, err);
}

static lw_status be_lock(lw_store_conn *c, int wait, lw_error *err) { return lw_sqlite_lock(DB(c), wait, err); }
static void be_unlock(lw_store_conn *c) { lw_sqlite_unlock(DB(c)); }

static int be_files(lw_store_conn *c, int (*fn)(void *ud, const char *path), void *ud)
{
    return lw_sqlite_files(DB(c), fn, ud);
}

static lw_status be_doc_read(lw_store_conn *c, long long id, void (*fn)(void *ud, const lw_store_doc_full *d),
                             void *ud, int *found, lw_error *err)
{
    return lw_sqlite_doc_read(DB(c), id, fn, ud, found, err);
}
static void be_set_time_limit(lw_store_conn *c, unsigned ms) { lw_sqlite_set_time_limit(DB(c), ms); }

const lw_store_backend lw_sqlite_backend = {
    .name = "sqlite",
    .open = be_open,
    .close = be_close,
    .path = be_path,
    .schema_version = be_schema_version,
    .count = be_count,
    .begin = be_begin,
    .commit = be_commit,
    .in_txn = be_in_txn,
    .pending_bytes = be_pending_bytes,
    .failure = be_failure,
    .lookup = be_lookup,
    .touch = be_touch,
    .put = be_put,
    .delete_path = be_delete_path,
    .stale_ids = be_stale_ids,
    .read_source = be_read_source,
    .each_path = be_each_path,
    .each_topic_todo = be_each_topic_todo,
    .set_topic = be_set_topic,
    .cache_get = be_cache_get,
    .cache_put = be_cache_put,
    .search = be_search,
    .cites = be_cites,
    .deadlines_in = be_deadlines_in,
    .changes_of = be_changes_of,
    .each_document = be_each_document,
    .each_issuer_level = be_each_issuer_level,
    .each_doc_province = be_each_doc_province,
    .each_duty = be_each_duty,
    .each_duty_unit = be_each_duty_unit,
    .each_ref = be_each_ref,
    .each_relation = be_each_relation,
    .each_unit_name = be_each_unit_name,
    .lock = be_lock,
    .unlock = be_unlock,
    .files = be_files,
    .doc_read = be_doc_read,
    .set_time_limit = be_set_time_limit,
    .cite_counts = be_cite_counts,
    .search_facets = be_search_facets,
    .each_duty_of = be_each_duty_of,
    .each_ref_of = be_each_ref_of,
    .each_document_of = be_each_document_of,
    .each_duty_unit_of = be_each_duty_unit_of,
};
