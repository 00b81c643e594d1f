/* lw_store_sqlite: the SQLite connection under the store, shared by the store's own modules
 * (lw_store_facts, lw_store_query, lw_store_ingest, lw_store) and by tests that look into
 * the database: the handle's fields, the prepared statements, the error helpers and the
 * full-text rows held back until a batch commits. Nothing outside analyzer/store/ includes
 * this header but tests and benchmarks (the one place sqlite3.h is included for them). */
#ifndef LW_STORE_SQLITE_H
#define LW_STORE_SQLITE_H

#include <sqlite3.h>
#include <stdint.h>

#include "lw_common.h"

/* Statements prepared once per connection (lw_sqlite_stmt), by index. */
enum {
    Q_LOOKUP, Q_TOUCH, Q_TOUCH_DOC, Q_BY_SHA, Q_INS_PATH, Q_DEL_PATH, Q_FIRST_PATH, Q_MOVE_DOC, Q_DEL_PATHS,
    Q_UPD_DOC, Q_INS_DOC, Q_INS_SRC, Q_INS_FACT, Q_INS_FTS, Q_DEL_FACT, Q_DEL_SRC, Q_DEL_FTS, Q_DEL_DOC,
    Q_SET_TOPIC, Q_CACHE_GET, Q_CACHE_PUT, Q_COUNT
};

/* Busy timeout of lawwatch's connections: an ingest's commit holds the lock this long at most. */
#define LW_STORE_BUSY_MS 10000

/* A change to doc_text held back until the batch's COMMIT (see lw_sqlite_fts_queue). */
typedef struct {
    sqlite3_int64 id;
    int del;       /* 1: delete row id; 0: insert it */
    int has_subject;
    char *subject; /* owned; the header's subject, when has_subject */
    char *text;    /* owned; the normalized text */
    size_t len;
} lw_fts_op;

/* Statements of the typed fact tables, prepared on first use (lw_store_facts owns what they
 * say; the connection only keeps and finalizes them). */
#define LW_STORE_FACT_STMTS 16

typedef struct lw_sqlite {
    sqlite3 *db;
    char *path;    /* owned: the database file, for messages */
    sqlite3_stmt *q[Q_COUNT];
    sqlite3_stmt *fact_ins[LW_STORE_FACT_STMTS], *fact_del[LW_STORE_FACT_STMTS];
    sqlite3_stmt *read_source; /* lw_sqlite_read_source, prepared on first use */
    int in_txn;
    int put_rc; /* SQLite's code for the last failed put, before its rollback */
    /* doc_text changes of the open transaction, in order; owned (lw_sqlite_fts_flush,
     * lw_sqlite_fts_truncate). FTS5 writes its pending terms out as a new segment at every
     * SAVEPOINT and RELEASE once doc_text is part of the transaction, so writing it inside
     * each document's savepoint made one segment per document, merged again and again: most
     * of the store's time. Held here, the batch's rows reach FTS5 together just before
     * COMMIT and become one segment, and a document is still all or nothing: a crash before
     * COMMIT keeps none of the batch, and a document whose savepoint is rolled back has its
     * queued changes dropped with it. */
    lw_fts_op *fts;
    size_t n_fts, cap_fts;
    size_t fts_bytes; /* text held in fts */
    int lock_fd;      /* the ingest lock's descriptor (lw_sqlite_lock), -1 when not held */
    /* lw_sqlite_set_time_limit: the CLOCK_MONOTONIC time (ns) past which a running
     * statement is interrupted (0: none), and whether that happened (errors then say
     * LW_ERR_TIMEOUT instead of LW_ERR_DB) */
    int64_t deadline_ns;
    int timed_out;
} lw_sqlite;

/* Opens the database file (see lw_store_open for the flags and errors); immutable: read it
 * as a file nobody writes (a read-only place). *out owned (lw_sqlite_close), NULL on error. */
lw_status lw_sqlite_open(const char *path, int flags, int immutable, lw_sqlite **out, lw_error *err);
/* Commits an open transaction (its held text first), finalizes, closes. NULL is a no-op. */
void lw_sqlite_close(lw_sqlite *s);
/* 1 when the database file cannot be written where it is (read-only file system, no
 * permission on the file or on its folder). */
int lw_sqlite_place_read_only(const char *path);

/* The file beside the database that ingests lock: the database's path and this. */
#define LW_STORE_LOCK_SUFFIX ".lock"

/* Takes the ingest lock of the database (an exclusive flock(2) on PATH.lock, made when
 * missing): with wait, blocks until the ingest holding it ends; else LW_ERR_BUSY at once.
 * Readers never take it. Held until lw_sqlite_unlock or lw_sqlite_close; taking it again
 * while held is LW_OK. */
lw_status lw_sqlite_lock(lw_sqlite *s, int wait, lw_error *err);
void lw_sqlite_unlock(lw_sqlite *s);
/* Calls fn with the path of every file the database consists of, existing or not: the
 * database, its -wal, -shm and -journal, its lock file. fn nonzero stops; -1 when out of
 * memory. */
int lw_sqlite_files(lw_sqlite *s, int (*fn)(void *ud, const char *path), void *ud);

/* From now on, a statement still running ms milliseconds from now is interrupted (SQLite's
 * progress handler), and so is every later one: the whole budget of the handle, as a web
 * request spends it. 0 removes the limit. */
void lw_sqlite_set_time_limit(lw_sqlite *s, unsigned ms);
/* LW_ERR_TIMEOUT (err set) when the time limit has passed, else LW_OK: for a caller whose
 * statements may each be shorter than the progress handler's period (lw_rank's), which
 * SQLite would then never interrupt. */
lw_status lw_sqlite_check_deadline(lw_sqlite *s, lw_error *err);

/* LW_ERR_DB "what: SQLite's words", err->file = the database. Returns LW_ERR_DB, or
 * LW_ERR_TIMEOUT (with the message STORE_TIMEOUT) when the time limit interrupted it. */
lw_status lw_sqlite_error(lw_sqlite *s, lw_error *err, const char *what);
/* LW_ERR_DB with the message STORE_READ ("cannot read the database: SQLite's words"), or
 * LW_ERR_TIMEOUT when the time limit interrupted the read: for the store's read helpers. */
lw_status lw_sqlite_read_error(lw_sqlite *s, lw_error *err);
/* Statement i, reset and unbound; borrowed; NULL when it cannot be prepared. */
sqlite3_stmt *lw_sqlite_stmt(lw_sqlite *s, int i);
/* sql prepared once into *slot (persistent), then reset and unbound; NULL on failure. */
sqlite3_stmt *lw_sqlite_stmt_sql(lw_sqlite *s, sqlite3_stmt **slot, const char *sql);
int lw_sqlite_exec(lw_sqlite *s, const char *sql);
/* Steps a statement that returns no row: 0 done, -1 error (or st NULL). */
int lw_sqlite_run(sqlite3_stmt *st);
/* The single integer of sql's first row in *v (0 without a row); SQLite's code. */
int lw_sqlite_query_int(sqlite3 *db, const char *sql, long long *v);

/* Queues a doc_text change; subject and text are copied. -1 when out of memory. */
int lw_sqlite_fts_queue(lw_sqlite *s, sqlite3_int64 id, int del, const char *subject, const char *text,
                        size_t len);
/* Drops the queued doc_text changes from index n on (a rolled-back savepoint's). */
void lw_sqlite_fts_truncate(lw_sqlite *s, size_t n);
/* Applies the queued doc_text changes in order and empties the queue, whatever happens.
 * 0, or -1 on a database error (the transaction must then be rolled back: documents
 * without their text must not be committed). */
int lw_sqlite_fts_flush(lw_sqlite *s);

/* BEGIN IMMEDIATE unless a transaction is open. */
lw_status lw_sqlite_begin(lw_sqlite *s, lw_error *err);
/* Writes the held text and commits; on failure rolls back (err says whether the disk is
 * full). No transaction open: LW_OK. */
lw_status lw_sqlite_commit(lw_sqlite *s, lw_error *err);
/* See lw_store_failure: 0 the document's problem, 1 the database's, 2 the disk's. */
int lw_sqlite_failure(lw_sqlite *s);
/* Number of documents, -1 on a database error. */
long long lw_sqlite_count(lw_sqlite *s);

/* The connection under a store's handle, for tests and benchmarks that look into the
 * database; borrowed. Defined by lw_store.c. */
struct lw_store;
sqlite3 *lw_store_sqlite_db(struct lw_store *s);

#endif
