/* lw_store: the store's handle (see the header): opening (a read-only place read as an
 * immutable file), closing, and each operation handed to the back end that holds the data.
 * Today the one back end is SQLite (lw_store_sqlite and the modules over it). */
#define _GNU_SOURCE
#include "lw_store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lw_msg.h"
#include "lw_store_facts.h"
#include "lw_store_query.h"
#include "lw_store_sqlite.h"

struct lw_store {
    lw_sqlite *db; /* owned */
};

static lw_status sqlite_open(const char *path, int flags, int immutable, lw_store **out, lw_error *err)
{
    *out = NULL;
    lw_sqlite *db;
    lw_status rc = lw_sqlite_open(path, flags, immutable, &db, err);
    if (rc)
        return rc;
    lw_store *s = calloc(1, sizeof *s);
    if (!s) {
        lw_sqlite_close(db);
        return lw_error_msg(err, LW_ERR_NOMEM, path, 0, 0, LW_MSG_NOMEM);
    }
    s->db = db;
    *out = s;
    return LW_OK;
}

lw_status lw_store_open(const char *path, int flags, lw_store **out, lw_error *err)
{
    lw_status rc = sqlite_open(path, flags, 0, out, err);
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
        int pending = 0;
        if (wal) {
            snprintf(wal, n, "%s-wal", path);
            pending = stat(wal, &st) == 0 && st.st_size > 0;
            free(wal);
        }
        if (!pending) {
            lw_error e2;
            lw_error_clear(&e2);
            if (sqlite_open(path, flags, 1, out, &e2) == LW_OK)
                return LW_OK;
        }
        return lw_error_set(err, LW_ERR_DB, path, 0, 0,
                            "cơ sở dữ liệu ở nơi chỉ đọc (the database is on a read-only place)%s: %s",
                            pending ? " and its -wal file holds changes not yet checkpointed; open it once where "
                                      "it can be written"
                                    : "",
                            why);
    }
    return lw_error_set(err, LW_ERR_DB, path, 0, 0,
                        "cơ sở dữ liệu chỉ đọc, không ghi được (the database is read-only: a read-only file system "
                        "or no write permission on it or its folder; ingest needs to write): %s",
                        why);
}

void lw_store_close(lw_store *s)
{
    if (!s)
        return;
    lw_sqlite_close(s->db);
    free(s);
}

const char *lw_store_path(lw_store *s) { return s->db->path; }

long long lw_store_count(lw_store *s) { return lw_sqlite_count(s->db); }

lw_status lw_store_begin(lw_store *s, lw_error *err) { return lw_sqlite_begin(s->db, err); }
lw_status lw_store_commit(lw_store *s, lw_error *err) { return lw_sqlite_commit(s->db, err); }
int lw_store_in_txn(lw_store *s) { return s->db->in_txn; }
size_t lw_store_pending_bytes(lw_store *s) { return s->db->fts_bytes; }
int lw_store_failure(lw_store *s) { return lw_sqlite_failure(s->db); }

lw_status lw_store_lookup(lw_store *s, const char *path, long long *id, int64_t *size, int64_t *mtime_ns,
                          char sha[65], lw_error *err)
{
    sqlite3_int64 i = 0;
    if (lw_sqlite_lookup(s->db, path, &i, size, mtime_ns, sha))
        return lw_sqlite_error(s->db, err, "cannot look up a document");
    *id = i;
    return LW_OK;
}

lw_status lw_store_touch(lw_store *s, const char *path, int64_t size, int64_t mtime_ns, lw_error *err)
{
    if (lw_sqlite_touch(s->db, path, size, mtime_ns))
        return lw_sqlite_error(s->db, err, "cannot update a document's mtime");
    return LW_OK;
}

lw_status lw_store_put(lw_store *s, const lw_doc *doc, const lw_extraction *x, const char *rules_version,
                       int64_t size, int64_t mtime_ns, int *duplicate, lw_error *err)
{
    return lw_sqlite_put(s->db, doc, x, rules_version, size, mtime_ns, duplicate, err);
}

int lw_store_delete_path(lw_store *s, const char *path, lw_error *err)
{
    return lw_sqlite_delete_path(s->db, path, err);
}

lw_status lw_store_stale_ids(lw_store *s, const char *rules_version, int all, long long **ids, size_t *n,
                             lw_error *err)
{
    return lw_sqlite_stale_ids(s->db, rules_version, all, ids, n, err);
}

lw_status lw_store_read_source(lw_store *s, long long id, void (*fn)(void *ud, const lw_store_source *src),
                               void *ud, lw_error *err)
{
    return lw_sqlite_read_source(s->db, id, fn, ud, err);
}

lw_status lw_store_each_path(lw_store *s, int (*fn)(void *ud, const char *path), void *ud, lw_error *err)
{
    return lw_sqlite_each_path(s->db, fn, ud, err);
}

lw_status lw_store_search(lw_store *s, const lw_search_query *q, int (*fn)(void *ud, const lw_search_hit *h),
                          void *ud, size_t *n_hits, lw_error *err)
{
    return lw_sqlite_search(s->db, q, fn, ud, n_hits, err);
}

lw_status lw_store_cites(lw_store *s, const char *id, int limit, int (*fn)(void *ud, json_t *row), void *ud,
                         size_t *n, lw_error *err)
{
    return lw_sqlite_cites(s->db, id, limit, fn, ud, n, err);
}

lw_status lw_store_deadlines_in(lw_store *s, const char *from, const char *to, int limit,
                                int (*fn)(void *ud, json_t *row), void *ud, size_t *n, lw_error *err)
{
    return lw_sqlite_deadlines_in(s->db, from, to, limit, fn, ud, n, err);
}

lw_status lw_store_changes_of(lw_store *s, const char *id, int (*fn)(void *ud, json_t *row), void *ud, size_t *n,
                              lw_error *err)
{
    return lw_sqlite_changes_of(s->db, id, fn, ud, n, err);
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

lw_status lw_store_each_document(lw_store *s, int (*fn)(void *ud, const lw_store_doc_row *r), void *ud, lw_error *err)
{
    return lw_sqlite_each_document(s->db, fn, ud, err);
}

lw_status lw_store_each_issuer_level(lw_store *s, int (*fn)(void *ud, const lw_store_doc_value *r), void *ud, lw_error *err)
{
    return lw_sqlite_each_issuer_level(s->db, fn, ud, err);
}

lw_status lw_store_each_doc_province(lw_store *s, int (*fn)(void *ud, const lw_store_doc_value *r), void *ud, lw_error *err)
{
    return lw_sqlite_each_doc_province(s->db, fn, ud, err);
}

lw_status lw_store_each_duty(lw_store *s, int (*fn)(void *ud, const lw_store_duty_row *r), void *ud, lw_error *err)
{
    return lw_sqlite_each_duty(s->db, fn, ud, err);
}

lw_status lw_store_each_duty_unit(lw_store *s, int (*fn)(void *ud, const lw_store_unit_row *r), void *ud, lw_error *err)
{
    return lw_sqlite_each_duty_unit(s->db, fn, ud, err);
}

lw_status lw_store_each_ref(lw_store *s, int what, int (*fn)(void *ud, const lw_store_ref_row *r), void *ud, lw_error *err)
{
    return lw_sqlite_each_ref(s->db, what, fn, ud, err);
}

lw_status lw_store_each_relation(lw_store *s, int (*fn)(void *ud, const lw_store_relation_row *r), void *ud, lw_error *err)
{
    return lw_sqlite_each_relation(s->db, fn, ud, err);
}

lw_status lw_store_each_unit_name(lw_store *s, int which, int (*fn)(void *ud, const char *name), void *ud, lw_error *err)
{
    return lw_sqlite_each_unit_name(s->db, which, fn, ud, err);
}

sqlite3 *lw_store_sqlite_db(lw_store *s) { return s->db->db; }
