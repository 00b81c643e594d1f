/* lw_store_facts: writing documents and their facts into the SQLite store (the fact-to-row
 * table is in the .c), removing a path, and the look-ups ingest makes before it reads a
 * file. All on a lw_sqlite connection; the store (lw_store.h) calls these for its SQLite
 * back end. */
#ifndef LW_STORE_FACTS_H
#define LW_STORE_FACTS_H

#include "lw_doc.h"
#include "lw_extract.h"
#include "lw_store_backend.h"
#include "lw_store_sqlite.h"

/* lw_store_put on SQLite (see lw_store.h): one savepoint; LW_ERR_DB (s->put_rc keeps
 * SQLite's code) or LW_ERR_NOMEM, the document's rows rolled back. */
lw_status lw_sqlite_put(lw_sqlite *s, const lw_doc *doc, const lw_extraction *x, const char *rules_version,
                        const char *topic,
                        int64_t size, int64_t mtime_ns, int *duplicate, lw_error *err);
/* lw_store_delete_path on SQLite: 0 no such path, 1 path removed, 2 with its document, -1. */
int lw_sqlite_delete_path(lw_sqlite *s, const char *path, lw_error *err);
/* The stored row for path: id (0 when none), size, mtime, sha (64 hex digits and NUL).
 * -1 on a database error. */
int lw_sqlite_lookup(lw_sqlite *s, const char *path, sqlite3_int64 *id, int64_t *size, int64_t *mtime,
                     char sha[65]);
/* A stored path's new size and mtime (its content unchanged); the document's too when it is
 * its first path. -1 on a database error. */
int lw_sqlite_touch(lw_sqlite *s, const char *path, int64_t size, int64_t mtime_ns);
/* A document's topic (NULL: none), as ingest classifies it after an upgrade. */
lw_status lw_sqlite_set_topic(lw_sqlite *s, long long id, const char *topic, lw_error *err);

/* The source cache on SQLite (lw_store_cache_get/put): fn once with sha's row, or not at
 * all; put inserts or replaces the row. */
lw_status lw_sqlite_cache_get(lw_sqlite *s, const char *sha, void (*fn)(void *ud, const lw_store_cached *row), void *ud,
                              lw_error *err);
lw_status lw_sqlite_cache_put(lw_sqlite *s, const char *sha, const lw_store_cached *row, lw_error *err);

/* ---- the fact-to-row table, for every back end (issue 21) ---- */

/* A typed column's value, as lw_store_facts.c's table makes it from a fact. */
typedef enum { LW_FV_NULL, LW_FV_INT, LW_FV_REAL, LW_FV_TEXT } lw_fact_value_type;
typedef struct {
    lw_fact_value_type type;
    long long i;
    double d;
    const char *text; /* borrowed (from the fact, or owned below) */
    char *owned;      /* what the value owns, or NULL (lw_fact_typed_rows frees it) */
} lw_fact_value;

/* The typed tables, by index t < lw_fact_table_count(): the table's name (a table may come
 * twice: one entry per kind of row), and its columns after fact_id and doc_id, by index c
 * (NULL past the last). Static strings. */
size_t lw_fact_table_count(void);
const char *lw_fact_table_name(size_t t);
const char *lw_fact_table_column(size_t t, size_t c);
/* Calls row once per typed row of fact k of facts (the record's facts array; duties: its
 * duty facts) with the entry t and the values of its n columns, borrowed for the call, as
 * SQLite stores them. 0, -1 when out of memory, or row's nonzero return (which stops). */
int lw_fact_typed_rows(json_t *facts, size_t k, json_t *const *duties, size_t nduties,
                       int (*row)(void *ud, size_t t, const lw_fact_value *vals, size_t n), void *ud);

#endif
