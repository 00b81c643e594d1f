/* lw_store_schema: the SQLite store's schema (analyzer/store/schema.sql, embedded at build):
 * creating it in a new database, upgrading an older one step by step (each step one
 * transaction, rolled back when it fails), refusing a foreign or newer one. */
#ifndef LW_STORE_SCHEMA_H
#define LW_STORE_SCHEMA_H

#include <sqlite3.h>

#include "lw_common.h"

/* The schema version written to PRAGMA user_version. */
#define LW_STORE_SCHEMA_VERSION 7

/* Checks the schema of the open connection db (the file path, for messages) and, as flags
 * allow (LW_STORE_CREATE, LW_STORE_READONLY), creates or upgrades it. The "lawwatch" FTS5
 * tokenizer and the lw_fold SQL function must be registered first (upgrades use them).
 * LW_ERR_DB with a plain-language message: not a SQLite database, not a lawwatch one, empty
 * without CREATE, an older schema opened read-only (run an ingest), a newer one. */
lw_status lw_store_schema_check(sqlite3 *db, const char *path, int flags, lw_error *err);

#endif
