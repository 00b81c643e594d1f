/* lw_store_pg: the PostgreSQL back end of the store (issue 21), through libpq. The store
 * picks it for a database named by a URI (postgresql://... or postgres://...); its table is
 * lw_pg_backend (lw_store_pg_backend.c) and it keeps every promise of lw_store_backend.h.
 *
 * The work is split in files by what they do, all on one connection (lw_pg):
 *   lw_store_pg_conn.c    the connection's helpers: statements run with parameters, errors
 *                         made from a failed result, the URI shown without its password
 *   lw_store_pg.c         open (schema create / upgrade / refuse), transactions, writes
 *                         (put, touch, delete_path, set_topic, cache_put), the ingest lock,
 *                         time limit, source reads
 *   lw_store_pg_query.c   the reads of check, report, show and the API (each_*, cites, ...)
 *   lw_store_pg_search.c  full-text search: a tsvector made of lawwatch's own tokens, the
 *                         reviewer's query as a tsquery, ranking, facets
 * The schema is analyzer/store/schema_pg.sql: the tables and columns of schema.sql, so that
 * the queries of both back ends say the same thing. */
#ifndef LW_STORE_PG_H
#define LW_STORE_PG_H

#include <libpq-fe.h>

#include "lw_store_backend.h"

typedef struct lw_pg {
    PGconn *pg;
    char *url;   /* owned: the URI as given (with its password, if any: never printed) */
    char *shown; /* owned: the URI without its password: what messages name */
    int flags;   /* LW_STORE_CREATE, LW_STORE_READONLY */
    int schema;  /* the schema version the database holds */
    int in_txn;
    int failure; /* lw_store_failure's answer for the last failed put */
    size_t pending;
    int locked;             /* lw_pg_lock was called (it excludes nothing: lw_store_pg.c) */
    unsigned time_limit_ms; /* statement_timeout in force, 0: none */
    /* lw_store_pg.c: */
    unsigned long long prepared; /* which of its statements are prepared (bit i) */
    int has_text;                /* doc_text exists (lw_pg_text_schema_sql is not empty) */
    char state[6];               /* SQLSTATE of the last failed statement, "" when none */
    long long written;           /* documents stored since this connection last analyzed */
} lw_pg;

#define LW_PG(c) ((lw_pg *)(c))

/* ---- lw_store_pg_conn.c ---- */

/* 1 when name is a PostgreSQL URI (postgresql:// or postgres://): the store then opens it
 * with lw_pg_backend. */
int lw_pg_is_uri(const char *name);
/* The URI without its password (user:secret@ -> user@, password=... dropped); owned. */
char *lw_pg_uri_shown(const char *uri);
/* Runs sql with n text parameters (NULL = SQL NULL); the result is owned by the caller
 * (PQclear), NULL with err filled when the statement failed (the result then cleared). ok is
 * the status expected (PGRES_COMMAND_OK or PGRES_TUPLES_OK). */
PGresult *lw_pg_exec(lw_pg *c, const char *sql, int n, const char *const *params, ExecStatusType ok,
                     lw_error *err);
/* The same with binary-or-text parameters as libpq's PQexecParams takes them. */
PGresult *lw_pg_exec_params(lw_pg *c, const char *sql, int n, const char *const *values, const int *lengths,
                            const int *formats, ExecStatusType ok, lw_error *err);
/* Fills err from a failed result (res may be NULL: the connection's message) and returns
 * its status: LW_ERR_TIMEOUT for a statement cancelled by the time limit, LW_ERR_DB else. */
lw_status lw_pg_fail(lw_pg *c, const PGresult *res, lw_error *err);
/* A row's column as a string, NULL for SQL NULL. */
const char *lw_pg_str(const PGresult *res, int row, int col);
/* A row's column as an integer, dflt for SQL NULL. */
long long lw_pg_int(const PGresult *res, int row, int col, long long dflt);

/* ---- lw_store_pg.c ---- */

lw_status lw_pg_open(const char *uri, int flags, lw_store_conn **out, lw_error *err);
void lw_pg_close(lw_store_conn *c);
const char *lw_pg_path(lw_store_conn *c);
int lw_pg_schema_version(lw_store_conn *c);
long long lw_pg_count(lw_store_conn *c);
lw_status lw_pg_begin(lw_store_conn *c, lw_error *err);
lw_status lw_pg_commit(lw_store_conn *c, lw_error *err);
int lw_pg_in_txn(lw_store_conn *c);
size_t lw_pg_pending_bytes(lw_store_conn *c);
int lw_pg_failure(lw_store_conn *c);
lw_status lw_pg_lookup(lw_store_conn *c, const char *path, long long *id, int64_t *size, int64_t *mtime_ns,
                       char sha[65], lw_error *err);
lw_status lw_pg_touch(lw_store_conn *c, const char *path, int64_t size, int64_t mtime_ns, lw_error *err);
lw_status lw_pg_put(lw_store_conn *c, const lw_doc *doc, const lw_extraction *x, const char *rules_version,
                    const char *topic, int64_t size, int64_t mtime_ns, int *duplicate, lw_error *err);
int lw_pg_delete_path(lw_store_conn *c, const char *path, lw_error *err);
lw_status lw_pg_read_source(lw_store_conn *c, long long id, void (*fn)(void *ud, const lw_store_source *src),
                            void *ud, lw_error *err);
lw_status lw_pg_set_topic(lw_store_conn *c, long long id, const char *topic, lw_error *err);
lw_status lw_pg_cache_get(lw_store_conn *c, const char *sha, void (*fn)(void *ud, const lw_store_cached *row),
                          void *ud, lw_error *err);
lw_status lw_pg_cache_put(lw_store_conn *c, const char *sha, const lw_store_cached *row, lw_error *err);
lw_status lw_pg_lock(lw_store_conn *c, int wait, lw_error *err);
void lw_pg_unlock(lw_store_conn *c);
int lw_pg_files(lw_store_conn *c, int (*fn)(void *ud, const char *path), void *ud);
void lw_pg_set_time_limit(lw_store_conn *c, unsigned ms);

/* ---- lw_store_pg_query.c ---- */

lw_status lw_pg_stale_ids(lw_store_conn *c, const char *rules_version, int all, long long **ids, size_t *n,
                          lw_error *err);
lw_status lw_pg_each_path(lw_store_conn *c, int (*fn)(void *ud, const char *path), void *ud, lw_error *err);
lw_status lw_pg_each_topic_todo(lw_store_conn *c, int (*fn)(void *ud, const lw_store_doc_row *r), void *ud,
                                lw_error *err);
lw_status lw_pg_cites(lw_store_conn *c, const char *id, int limit, int (*fn)(void *ud, json_t *row), void *ud,
                      size_t *n, lw_error *err);
lw_status lw_pg_deadlines_in(lw_store_conn *c, const char *from, const char *to, int limit,
                             int (*fn)(void *ud, json_t *row), void *ud, size_t *n, lw_error *err);
lw_status lw_pg_changes_of(lw_store_conn *c, const char *id, int (*fn)(void *ud, json_t *row), void *ud, size_t *n,
                           lw_error *err);
lw_status lw_pg_each_document(lw_store_conn *c, int (*fn)(void *ud, const lw_store_doc_row *r), void *ud,
                              lw_error *err);
lw_status lw_pg_each_issuer_level(lw_store_conn *c, int (*fn)(void *ud, const lw_store_doc_value *r), void *ud,
                                  lw_error *err);
lw_status lw_pg_each_doc_province(lw_store_conn *c, int (*fn)(void *ud, const lw_store_doc_value *r), void *ud,
                                  lw_error *err);
lw_status lw_pg_each_duty(lw_store_conn *c, int (*fn)(void *ud, const lw_store_duty_row *r), void *ud,
                          lw_error *err);
lw_status lw_pg_each_duty_unit(lw_store_conn *c, int (*fn)(void *ud, const lw_store_unit_row *r), void *ud,
                               lw_error *err);
lw_status lw_pg_each_ref(lw_store_conn *c, int what, int (*fn)(void *ud, const lw_store_ref_row *r), void *ud,
                         lw_error *err);
lw_status lw_pg_each_relation(lw_store_conn *c, int (*fn)(void *ud, const lw_store_relation_row *r), void *ud,
                              lw_error *err);
lw_status lw_pg_each_unit_name(lw_store_conn *c, int which, int (*fn)(void *ud, const char *name), void *ud,
                               lw_error *err);
lw_status lw_pg_doc_read(lw_store_conn *c, long long id, void (*fn)(void *ud, const struct lw_store_doc_full *d),
                         void *ud, int *found, lw_error *err);
lw_status lw_pg_cite_counts(lw_store_conn *c, int (*fn)(void *ud, const char *key, long long n), void *ud,
                            lw_error *err);
lw_status lw_pg_each_duty_of(lw_store_conn *c, const long long *ids, size_t n,
                             int (*fn)(void *ud, const lw_store_duty_row *r), void *ud, lw_error *err);
lw_status lw_pg_each_duty_unit_of(lw_store_conn *c, const long long *ids, size_t n,
                                  int (*fn)(void *ud, const lw_store_unit_row *r), void *ud, lw_error *err);
lw_status lw_pg_each_document_of(lw_store_conn *c, const long long *ids, size_t n,
                                 int (*fn)(void *ud, const lw_store_doc_row *r), void *ud, lw_error *err);
lw_status lw_pg_each_ref_of(lw_store_conn *c, const long long *ids, size_t n,
                            int (*fn)(void *ud, const lw_store_ref_row *r), void *ud, lw_error *err);

/* ---- lw_store_pg_search.c ---- */

/* The tsvector (as PostgreSQL's text form, for a '...'::tsvector parameter) of a document's
 * subject and body, made of lawwatch's own tokens (lw_fts: folded and exact forms, document
 * numbers as one token) with their positions, so that lw_pg_search finds what FTS5 finds.
 * Owned by the caller (free); NULL when out of memory. lw_pg_put stores it in doc_text.tsv. */
char *lw_pg_tsvector(const char *subject, size_t subject_len, const char *body, size_t body_len);
/* The statements that create the full-text table doc_text (and its index), run by lw_pg_open
 * when it creates the schema, after the tables of schema_pg.sql; a static string. doc_text
 * has one row per document (doc_id = documents.id, province: the partition key lw_pg_put
 * gives, subject and body: the text FTS5 would get, tsv) and whatever else ranking needs. */
const char *lw_pg_text_schema_sql(void);
/* Adds (or replaces) a document's row of doc_text inside the open transaction; lw_pg_put
 * calls it with what it gives FTS5's doc_text on SQLite, lw_pg_delete_path deletes the row
 * (DELETE FROM doc_text WHERE doc_id = $1). */
lw_status lw_pg_text_put(lw_pg *c, long long doc_id, const char *province, const char *subject, size_t subject_len,
                         const char *body, size_t body_len, lw_error *err);
lw_status lw_pg_search(lw_store_conn *c, const lw_search_query *q, int (*fn)(void *ud, const lw_search_hit *h),
                       void *ud, size_t *n_hits, lw_error *err);
lw_status lw_pg_search_facets(lw_store_conn *c, const lw_search_query *q, json_t **out, lw_error *err);

extern const lw_store_backend lw_pg_backend;

#endif
