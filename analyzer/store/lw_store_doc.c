/* lw_store_doc: one stored document read whole (see the header): its row, its paths and its
 * facts' JSON (rebuilt from their columns, lw_store_codec), read in one read transaction so that an ingest committing meanwhile cannot
 * give a row of one content and facts of another. */
#include "lw_store_doc.h"

#include <stdlib.h>
#include <string.h>

#include "lw_msg.h"
#include "lw_oom.h"
#include "lw_store_codec.h"
#include "lw_store_sqlite.h"

/* A list of strings copied out of the statements (they are gone at the next step). */
typedef struct {
    char **v;
    long long *ids; /* the second column's integer per string, when the list keeps them */
    size_t n, cap;
} strlist;

static int strlist_add(strlist *l, const char *s, size_t len, long long id)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v;
        long long *ids = realloc(l->ids, cap * sizeof *ids);
        if (!ids)
            return -1;
        l->ids = ids;
        l->cap = cap;
    }
    l->ids[l->n] = id;
    char *c = malloc(len + 1);
    if (!c)
        return -1;
    memcpy(c, s, len);
    c[len] = '\0';
    l->v[l->n++] = c;
    return 0;
}

static void strlist_free(strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    free(l->ids);
}

static const char *col(sqlite3_stmt *st, int i) { return (const char *)sqlite3_column_text(st, i); }

/* Every row's first column of q (id bound) into l, with the second column's integer (0 when
 * there is none): 0, -1 out of memory, or SQLite's code. */
static int read_list(sqlite3_stmt *q, long long id, strlist *l)
{
    sqlite3_bind_int64(q, 1, id);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *t = col(q, 0);
        if (t && strlist_add(l, t, (size_t)sqlite3_column_bytes(q, 0),
                             sqlite3_column_count(q) > 1 ? sqlite3_column_int64(q, 1) : 0))
            return -1;
    }
    return rc == SQLITE_DONE ? 0 : rc;
}

/* lw_codec_read_doc's callback: the fact's JSON text into the list. */
static int add_fact(void *ud, long long id, json_t *fact)
{
    char *t = lw_json_dumps(fact, JSON_COMPACT);
    int rc = t ? strlist_add(ud, t, strlen(t), id) : -1;
    free(t);
    return rc;
}

static lw_status read_fail(lw_sqlite *s, lw_error *err)
{
    return lw_sqlite_read_error(s, err); /* LW_ERR_TIMEOUT past the time limit */
}

lw_status lw_sqlite_doc_read(lw_sqlite *s, long long id, void (*fn)(void *ud, const lw_store_doc_full *d), void *ud,
                             int *found, lw_error *err)
{
    if (found)
        *found = 0;
    static const char *const sql[] = {
        "SELECT id, path, sha256, size, encoding, kind, number, issuer, place, date, subject, source_format,"
        " pages, note, rules_version FROM documents WHERE id = ?1",
        "SELECT path FROM doc_paths WHERE doc_id = ?1 ORDER BY rowid",
    };
    sqlite3_stmt *q[2] = {NULL, NULL};
    strlist paths = {0}, facts = {0};
    /* one snapshot for the three reads (WAL readers see a commit only between transactions) */
    int own_txn = sqlite3_get_autocommit(s->db) && lw_sqlite_exec(s, "BEGIN") == 0;
    lw_status st = LW_OK;
    for (int i = 0; i < 2 && !st; i++)
        if (sqlite3_prepare_v2(s->db, sql[i], -1, &q[i], NULL))
            st = read_fail(s, err);
    if (!st) {
        sqlite3_bind_int64(q[0], 1, id);
        int rc = sqlite3_step(q[0]);
        if (rc == SQLITE_ROW) {
            int r1 = read_list(q[1], id, &paths), r2 = r1 ? 0 : lw_codec_read_doc(s->db, id, add_fact, &facts);
            if (r1 == -1 || r2 == -1)
                st = lw_error_msg(err, LW_ERR_NOMEM, s->path, 0, 0, LW_MSG_NOMEM);
            else if (r1 || r2)
                st = read_fail(s, err);
            if (!st) {
                const char *path = col(q[0], 1);
                /* a document has its first path in doc_paths; an older row without one still
                 * shows under documents.path */
                if (!paths.n && path && strlist_add(&paths, path, strlen(path), 0))
                    st = lw_error_msg(err, LW_ERR_NOMEM, s->path, 0, 0, LW_MSG_NOMEM);
            }
            if (!st) {
                lw_store_doc_full d = {
                    .id = sqlite3_column_int64(q[0], 0), .path = col(q[0], 1), .sha256 = col(q[0], 2),
                    .size = sqlite3_column_int64(q[0], 3), .encoding = col(q[0], 4), .kind = col(q[0], 5),
                    .number = col(q[0], 6), .issuer = col(q[0], 7), .place = col(q[0], 8), .date = col(q[0], 9),
                    .subject = col(q[0], 10), .source_format = col(q[0], 11), .pages = sqlite3_column_int(q[0], 12),
                    .note = col(q[0], 13), .rules_version = col(q[0], 14), .paths = (const char *const *)paths.v,
                    .n_paths = paths.n, .facts = (const char *const *)facts.v, .fact_ids = facts.ids, .n_facts = facts.n};
                if (found)
                    *found = 1;
                fn(ud, &d);
            }
        } else if (rc != SQLITE_DONE) {
            st = read_fail(s, err);
        }
    }
    for (int i = 0; i < 2; i++)
        sqlite3_finalize(q[i]);
    if (own_txn)
        lw_sqlite_exec(s, "COMMIT");
    strlist_free(&paths);
    strlist_free(&facts);
    return st;
}
