/* lw_store_sqlite: the SQLite connection of a store: opening the file (a new one's folder
 * checked, a read-only place read as immutable), the connection's settings, the prepared
 * statements, the error helpers, and the doc_text rows held back until a batch commits. */
#define _GNU_SOURCE
#include "lw_store_sqlite.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "lw_fts.h"
#include "lw_rank.h"
#include "lw_msg.h"
#include "lw_store_backend.h"
#include "lw_store_schema.h"
#include "lw_store_text.h"

/* SQLite's page cache of a writing connection, in KiB (a string: it goes into the PRAGMA). */
#define LW_STORE_CACHE_KIB "16384"

/* The statements every connection may need, prepared on first use (lw_sqlite_stmt). The
 * typed fact tables' are made from the table of lw_store_facts.c. */
static const char *const q_sql[Q_COUNT] = {
    [Q_LOOKUP] = "SELECT p.doc_id, p.size, p.mtime_ns, d.sha256 FROM doc_paths p JOIN documents d ON d.id = p.doc_id"
                 " WHERE p.path = ?1",
    [Q_TOUCH] = "UPDATE doc_paths SET size = ?2, mtime_ns = ?3 WHERE path = ?1",
    [Q_TOUCH_DOC] = "UPDATE documents SET size = ?2, mtime_ns = ?3 WHERE path = ?1",
    [Q_BY_SHA] = "SELECT id FROM documents WHERE sha256 = ?1",
    [Q_INS_PATH] = "INSERT INTO doc_paths(doc_id, path, size, mtime_ns) VALUES (?1,?2,?3,?4)",
    [Q_DEL_PATH] = "DELETE FROM doc_paths WHERE path = ?1",
    [Q_FIRST_PATH] = "SELECT path, size, mtime_ns FROM doc_paths WHERE doc_id = ?1 ORDER BY rowid LIMIT 1",
    [Q_MOVE_DOC] = "UPDATE documents SET path = ?2, size = ?3, mtime_ns = ?4 WHERE id = ?1",
    [Q_DEL_PATHS] = "DELETE FROM doc_paths WHERE doc_id = ?1",
    /* the same parameters as Q_INS_DOC (?1 to ?4 unused: the document keeps its paths) */
    [Q_UPD_DOC] = "UPDATE documents SET encoding = ?5, kind = ?6, number = ?7, issuer = ?8, place = ?9, date = ?10,"
                  " subject = ?11, kind_key = ?12, issuer_key = ?13, n_facts = ?14, rules_version = ?15,"
                  " ingested_at = strftime('%Y-%m-%dT%H:%M:%SZ','now'), topic = ?17, source_format = coalesce(?18, 'text'),"
                  " pages = ?19, note = ?20 WHERE id = ?16",
    [Q_INS_DOC] = "INSERT INTO documents(path, sha256, size, mtime_ns, encoding, kind, number, issuer,"
                  " place, date, subject, kind_key, issuer_key, n_facts, rules_version, ingested_at, topic, source_format,"
                  " pages, note) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,"
                  " strftime('%Y-%m-%dT%H:%M:%SZ','now'), ?17, coalesce(?18, 'text'), ?19, ?20)",
    [Q_INS_SRC] = "INSERT INTO sources(doc_id, raw) VALUES (?1, ?2)",
    [Q_INS_FACT] = "INSERT INTO facts(doc_id, kind, rule, line, span_start, span_end, text, rest, page, paragraph,"
                   " ocr_conf) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
    [Q_INS_FTS] = "INSERT INTO doc_text(rowid, subject, body) VALUES (?1, ?2, ?3)",
    [Q_DEL_FACT] = "DELETE FROM facts WHERE doc_id = ?1",
    [Q_DEL_SRC] = "DELETE FROM sources WHERE doc_id = ?1",
    [Q_DEL_FTS] = "DELETE FROM doc_text WHERE rowid = ?1",
    [Q_DEL_DOC] = "DELETE FROM documents WHERE id = ?1",
    [Q_SET_TOPIC] = "UPDATE documents SET topic = ?2 WHERE id = ?1",
    [Q_CACHE_GET] = "SELECT source, format, pages, ocr_engine, note FROM source_cache WHERE sha256 = ?1",
    [Q_CACHE_PUT] = "INSERT OR REPLACE INTO source_cache(sha256, source, format, pages, ocr_engine, note, created)"
                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
};

/* Monotonic time in ns: a clock set back by NTP must not lengthen or end a request's time. */
static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* SQLite's progress handler: nonzero interrupts the running statement (SQLITE_INTERRUPT). */
static int past_deadline(void *ud)
{
    lw_sqlite *s = ud;
    if (s->deadline_ns && now_ns() >= s->deadline_ns)
        s->timed_out = 1;
    return s->timed_out;
}

/* SQLite calls the handler every this many virtual machine instructions (a microsecond or
 * so): a clock read costs about 1% there, and even a short search on a small database takes
 * more steps, so a limit already past stops the next statement at once. */
#define LW_STORE_PROGRESS_STEPS 100

void lw_sqlite_set_time_limit(lw_sqlite *s, unsigned ms)
{
    s->timed_out = 0;
    s->deadline_ns = ms ? now_ns() + (int64_t)ms * 1000000 : 0;
    sqlite3_progress_handler(s->db, ms ? LW_STORE_PROGRESS_STEPS : 0, ms ? past_deadline : NULL, s);
}

lw_status lw_sqlite_check_deadline(lw_sqlite *s, lw_error *err)
{
    if (past_deadline(s))
        return lw_error_msg(err, LW_ERR_TIMEOUT, s->path, 0, 0, LW_MSG_STORE_TIMEOUT);
    return LW_OK;
}

/* Whether a failure on s is the time limit's: the handler stopped a statement, and every later
 * one on the handle stops too. The connection's error code may be gone by the time the caller
 * asks (a finalize, a ROLLBACK or a read transaction's end resets it: "not an error"), so the
 * handle's own flag decides, not sqlite3_errcode alone. */
static int timed_out(lw_sqlite *s)
{
    int ec = sqlite3_errcode(s->db);
    return s->timed_out && (ec == SQLITE_INTERRUPT || ec == SQLITE_OK || ec == SQLITE_DONE || ec == SQLITE_ROW);
}

lw_status lw_sqlite_error(lw_sqlite *s, lw_error *err, const char *what)
{
    if (timed_out(s))
        return lw_error_msg(err, LW_ERR_TIMEOUT, s->path, 0, 0, LW_MSG_STORE_TIMEOUT);
    return lw_error_set(err, LW_ERR_DB, s->path, 0, 0, "%s: %s", what, sqlite3_errmsg(s->db));
}

lw_status lw_sqlite_read_error(lw_sqlite *s, lw_error *err)
{
    if (timed_out(s))
        return lw_error_msg(err, LW_ERR_TIMEOUT, s->path, 0, 0, LW_MSG_STORE_TIMEOUT);
    return lw_error_msg(err, LW_ERR_DB, s->path, 0, 0, LW_MSG_STORE_READ, sqlite3_errmsg(s->db));
}

sqlite3_stmt *lw_sqlite_stmt(lw_sqlite *s, int i)
{
    return lw_sqlite_stmt_sql(s, &s->q[i], q_sql[i]);
}

sqlite3_stmt *lw_sqlite_stmt_sql(lw_sqlite *s, sqlite3_stmt **slot, const char *sql)
{
    if (!*slot && sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, slot, NULL))
        return NULL;
    sqlite3_reset(*slot);
    sqlite3_clear_bindings(*slot);
    return *slot;
}

int lw_sqlite_exec(lw_sqlite *s, const char *sql) { return sqlite3_exec(s->db, sql, NULL, NULL, NULL); }

int lw_sqlite_run(sqlite3_stmt *st) { return st ? (sqlite3_step(st) == SQLITE_DONE ? 0 : -1) : -1; }

void lw_sqlite_fts_truncate(lw_sqlite *s, size_t n)
{
    while (s->n_fts > n) {
        lw_fts_op *o = &s->fts[--s->n_fts];
        s->fts_bytes -= o->len;
        free(o->subject);
        free(o->text);
    }
}

int lw_sqlite_fts_queue(lw_sqlite *s, sqlite3_int64 id, int del, const char *subject, const char *text, size_t len)
{
    if (s->n_fts == s->cap_fts) {
        size_t cap = s->cap_fts ? s->cap_fts * 2 : 256;
        lw_fts_op *v = realloc(s->fts, cap * sizeof *v);
        if (!v)
            return -1;
        s->fts = v;
        s->cap_fts = cap;
    }
    lw_fts_op o = {id, del, subject != NULL, NULL, NULL, len};
    if ((subject && !(o.subject = strdup(subject))) || (!del && !(o.text = malloc(len ? len : 1)))) {
        free(o.subject);
        return -1;
    }
    if (!del && len)
        memcpy(o.text, text, len);
    s->fts[s->n_fts++] = o;
    s->fts_bytes += len;
    return 0;
}


int lw_sqlite_fts_flush(lw_sqlite *s)
{
    int rc = 0;
    /* SQLite may have rolled the transaction back by itself (an I/O error): nothing of
     * the batch is left for these rows to join */
    if (s->n_fts && sqlite3_get_autocommit(s->db))
        rc = -1;
    for (size_t i = 0; i < s->n_fts && !rc; i++) {
        lw_fts_op *o = &s->fts[i];
        sqlite3_stmt *st = lw_sqlite_stmt(s, o->del ? Q_DEL_FTS : Q_INS_FTS);
        if (!st) {
            rc = -1;
            break;
        }
        sqlite3_bind_int64(st, 1, o->id);
        if (!o->del) {
            if (o->has_subject)
                sqlite3_bind_text(st, 2, o->subject, -1, SQLITE_STATIC);
            sqlite3_bind_text64(st, 3, o->text, o->len, SQLITE_STATIC, SQLITE_UTF8);
        }
        rc = lw_sqlite_run(st);
        sqlite3_clear_bindings(st);
    }
    lw_sqlite_fts_truncate(s, 0);
    return rc;
}

void lw_sqlite_close(lw_sqlite *s)
{
    if (!s)
        return;
    if (s->in_txn && lw_sqlite_fts_flush(s) == 0)
        lw_sqlite_exec(s, "COMMIT");
    else if (s->in_txn)
        lw_sqlite_exec(s, "ROLLBACK");
    lw_sqlite_fts_truncate(s, 0);
    free(s->fts);
    for (int i = 0; i < Q_COUNT; i++)
        sqlite3_finalize(s->q[i]);
    for (int i = 0; i < LW_STORE_FACT_STMTS; i++) {
        sqlite3_finalize(s->fact_ins[i]);
        sqlite3_finalize(s->fact_del[i]);
    }
    sqlite3_finalize(s->read_source);
    sqlite3_close(s->db);
    lw_sqlite_unlock(s);
    free(s->path);
    free(s);
}

/* The ingest lock is a flock(2) on a file of its own beside the database, not on the
 * database file: SQLite holds POSIX (fcntl) locks on the database, which the kernel drops
 * when the process closes any descriptor of that file, so a descriptor of our own on it
 * would have to outlive sqlite3_close; and where flock is emulated with fcntl locks (NFS,
 * SMB) a flock on the database would block every reader. A file of its own is never read
 * by SQLite, so readers (search, check, report) are never blocked by it. It is left in
 * place after the ingest: removing a lock file races with the next ingest opening it. */
static char *lock_path(const lw_sqlite *s)
{
    size_t n = strlen(s->path) + sizeof LW_STORE_LOCK_SUFFIX;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s%s", s->path, LW_STORE_LOCK_SUFFIX);
    return p;
}

lw_status lw_sqlite_lock(lw_sqlite *s, int wait, lw_error *err)
{
    if (s->lock_fd >= 0)
        return LW_OK;
    char *p = lock_path(s);
    if (!p)
        return lw_error_msg(err, LW_ERR_NOMEM, s->path, 0, 0, LW_MSG_NOMEM);
    /* read-only is enough for flock; O_NOFOLLOW: a link planted in its place is refused;
     * O_CLOEXEC: a program the ingest starts does not inherit (and hold) the lock */
    int fd = open(p, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        lw_status st = lw_error_msg(err, LW_ERR_DB, s->path, 0, 0, LW_MSG_STORE_LOCK, p, strerror(errno));
        free(p);
        return st;
    }
    int rc;
    while ((rc = flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB))) != 0 && errno == EINTR)
        ;
    if (rc != 0) {
        int e = errno;
        close(fd);
        lw_status st = e == EWOULDBLOCK ? lw_error_msg(err, LW_ERR_BUSY, s->path, 0, 0, LW_MSG_STORE_BUSY, s->path)
                                        : lw_error_msg(err, LW_ERR_DB, s->path, 0, 0, LW_MSG_STORE_LOCK, p, strerror(e));
        free(p);
        return st;
    }
    free(p);
    s->lock_fd = fd;
    return LW_OK;
}

void lw_sqlite_unlock(lw_sqlite *s)
{
    if (s->lock_fd >= 0)
        close(s->lock_fd); /* closing the only descriptor releases the flock */
    s->lock_fd = -1;
}

int lw_sqlite_files(lw_sqlite *s, int (*fn)(void *ud, const char *path), void *ud)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal", LW_STORE_LOCK_SUFFIX};
    size_t n = strlen(s->path) + 16;
    char *p = malloc(n);
    if (!p)
        return -1;
    int stop = 0;
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes && !stop; i++) {
        snprintf(p, n, "%s%s", s->path, suffixes[i]);
        stop = fn(ud, p);
    }
    free(p);
    return 0;
}


int lw_sqlite_query_int(sqlite3 *db, const char *sql, long long *v)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *v = sqlite3_column_int64(st, 0);
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        *v = 0;
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}


/* where SQLite keeps -wal and -shm: the folder's permission counts too */
int lw_sqlite_place_read_only(const char *path)
{
    struct statvfs vfs;
    if (statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
        return 1;
    if (access(path, W_OK) != 0 && errno != ENOENT)
        return 1;
    char *dir = strdup(path);
    if (!dir)
        return 0;
    char *slash = strrchr(dir, '/');
    int ro;
    if (!slash)
        ro = access(".", W_OK) != 0;
    else {
        slash[slash == dir] = '\0';
        ro = access(dir, W_OK) != 0;
    }
    free(dir);
    return ro;
}

/* "file:PATH?immutable=1" with PATH escaped for a URI; owned (sqlite3_free). */
static char *immutable_uri(const char *path)
{
    sqlite3_str *u = sqlite3_str_new(NULL);
    sqlite3_str_appendall(u, "file:");
    for (const char *p = path; *p; p++) {
        if (*p == '%' || *p == '?' || *p == '#')
            sqlite3_str_appendf(u, "%%%02X", (unsigned char)*p);
        else
            sqlite3_str_appendchar(u, 1, *p);
    }
    sqlite3_str_appendall(u, "?immutable=1");
    return sqlite3_str_finish(u);
}


static void sql_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv);

lw_status lw_sqlite_open(const char *path, int flags, int immutable, lw_sqlite **out, lw_error *err)
{
    *out = NULL;
    struct stat st;
    if (stat(path, &st) != 0) {
        if (!(flags & LW_STORE_CREATE) || errno != ENOENT)
        {
            char mb[LW_STORE_MSG_MAX];
            int e = errno;
            if (e == ENOENT)
                return lw_error_msg(err, LW_ERR_DB, path, 0, 0, LW_MSG_STORE_MISSING, strerror(e));
            return lw_error_set(err, LW_ERR_DB, path, 0, 0, "%s: %s",
                                lw_msg_format(mb, sizeof mb, LW_MSG_STORE_CANNOT_OPEN), strerror(e));
        }
        /* a new database: its folder must exist (SQLite would only say "unable to open") */
        char dir[PATH_MAX];
        snprintf(dir, sizeof dir, "%s", path);
        char *slash = strrchr(dir, '/');
        if (slash && slash != dir) {
            *slash = '\0';
            struct stat dst;
            if (stat(dir, &dst) != 0 || !S_ISDIR(dst.st_mode))
                return lw_error_msg(err, LW_ERR_DB, path, 0, 0, LW_MSG_STORE_NO_FOLDER, dir);
        }
    } else if (S_ISDIR(st.st_mode)) {
        return lw_error_msg(err, LW_ERR_DB, path, 0, 0, LW_MSG_STORE_IS_FOLDER);
    }
    lw_sqlite *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        return lw_error_msg(err, LW_ERR_NOMEM, path, 0, 0, LW_MSG_NOMEM);
    }
    s->lock_fd = -1;
    int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | ((flags & LW_STORE_CREATE) ? SQLITE_OPEN_CREATE : 0);
    char *uri = immutable ? immutable_uri(path) : NULL;
    if (immutable)
        oflags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
    int orc = immutable && !uri ? SQLITE_NOMEM : sqlite3_open_v2(uri ? uri : path, &s->db, oflags, NULL);
    sqlite3_free(uri);
    if (orc != SQLITE_OK) {
        char mb[LW_STORE_MSG_MAX];
        lw_error_set(err, orc == SQLITE_NOMEM ? LW_ERR_NOMEM : LW_ERR_DB, path, 0, 0, "%s: %s",
                     lw_msg_format(mb, sizeof mb, LW_MSG_STORE_CANNOT_OPEN),
                     s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(SQLITE_NOMEM));
        lw_sqlite_close(s);
        return LW_ERR_DB;
    }
    sqlite3_extended_result_codes(s->db, 0);
    sqlite3_busy_timeout(s->db, LW_STORE_BUSY_MS);
    lw_status rc = lw_fts_register(s->db, err);
    if (!rc)
        rc = lw_rank_register(s->db, err); /* the search's ranking (issue 20) */
    if (!rc && sqlite3_create_function(s->db, "lw_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_fold,
                                       NULL, NULL))
        rc = lw_sqlite_error(s, err, "cannot set up the database");
    if (!rc)
        rc = lw_store_schema_check(s->db, s->path, flags, err);
    if (!rc && !(flags & LW_STORE_READONLY)) {
        long long dummy;
        /* temp_store = MEMORY: each document's savepoint keeps the pages it changes in a
         * sub-journal, which SQLite otherwise spills to a file in /var/tmp (two thirds of
         * all the bytes an ingest wrote); it is small and emptied at every RELEASE.
         * cache_size: a batch's dirty pages (a few MB) stay in memory until its commit
         * instead of spilling into the WAL early and being written again. */
        if (lw_sqlite_exec(s, "PRAGMA journal_mode = WAL") || lw_sqlite_exec(s, "PRAGMA synchronous = NORMAL") ||
            lw_sqlite_exec(s, "PRAGMA temp_store = MEMORY") || lw_sqlite_exec(s, "PRAGMA cache_size = -" LW_STORE_CACHE_KIB) ||
            lw_sqlite_query_int(s->db, "PRAGMA wal_autocheckpoint", &dummy))
            rc = lw_sqlite_error(s, err, "cannot set up the database");
    }
    if (!rc && (flags & LW_STORE_READONLY))
        lw_sqlite_exec(s, "PRAGMA query_only = 1");
    if (rc) {
        if (err && !err->file[0])
            snprintf(err->file, sizeof err->file, "%s", path);
        lw_sqlite_close(s);
        return rc;
    }
    *out = s;
    return LW_OK;
}

/* lw_fold(text): lw_store_fold as an SQL function of lawwatch's connections, for comparing
 * ids that have no folded column (relations). */
static void sql_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *t = (const char *)sqlite3_value_text(argv[0]);
    if (!t) {
        sqlite3_result_null(ctx);
        return;
    }
    char *f = lw_store_fold(t);
    if (!f)
        sqlite3_result_error_nomem(ctx);
    else
        sqlite3_result_text(ctx, f, -1, free);
}


lw_status lw_sqlite_begin(lw_sqlite *s, lw_error *err)
{
    if (s->in_txn)
        return LW_OK;
    if (lw_sqlite_exec(s, "BEGIN IMMEDIATE"))
        return lw_sqlite_error(s, err, "cannot start writing (is another lawwatch ingest running?)");
    s->in_txn = 1;
    return LW_OK;
}

lw_status lw_sqlite_commit(lw_sqlite *s, lw_error *err)
{
    if (!s->in_txn)
        return LW_OK;
    s->in_txn = 0;
    if (lw_sqlite_fts_flush(s) || lw_sqlite_exec(s, "COMMIT")) {
        int rc = sqlite3_errcode(s->db) & 0xff;
        char mb[LW_STORE_MSG_MAX];
        lw_status st = lw_sqlite_error(s, err, rc == SQLITE_FULL || rc == SQLITE_IOERR
                                                   ? lw_msg_format(mb, sizeof mb, LW_MSG_STORE_COMMIT_FULL)
                                                   : "cannot commit");
        lw_sqlite_exec(s, "ROLLBACK");
        return st;
    }
    return LW_OK;
}

int lw_sqlite_failure(lw_sqlite *s)
{
    /* an I/O error can make SQLite roll the whole transaction back by itself */
    int gone = s->in_txn && sqlite3_get_autocommit(s->db);
    int rc = (s->put_rc ? s->put_rc : sqlite3_errcode(s->db)) & 0xff;
    if (gone || rc == SQLITE_FULL || rc == SQLITE_IOERR)
        return 2;
    return rc == SQLITE_CORRUPT || rc == SQLITE_NOMEM || rc == SQLITE_BUSY || rc == SQLITE_READONLY ||
           rc == SQLITE_NOTADB || rc == SQLITE_CANTOPEN;
}

long long lw_sqlite_count(lw_sqlite *s)
{
    long long n = -1;
    lw_sqlite_query_int(s->db, "SELECT count(*) FROM documents", &n);
    return n;
}
