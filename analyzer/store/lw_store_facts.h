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

#endif
