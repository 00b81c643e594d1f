/* lw_store_pg: the PostgreSQL back end's connection, schema and writes (lw_store_pg.h):
 * open (create, upgrade or refuse the schema), transactions, put, touch, delete_path,
 * set_topic, the source cache, the ingest lock, the time limit (statement_timeout) and the
 * stored originals.
 *
 * Concurrency (issue 21: several ingests, from several machines, into one database at
 * once, with overlapping inputs). Nothing is decided from what this process saw earlier:
 * a document is stored by statements whose conflicts the server resolves. documents has
 * sha256 and path UNIQUE and doc_paths has path UNIQUE (not partitioned, schema_pg.sql), so
 *  - a new content is claimed by INSERT ... ON CONFLICT DO NOTHING RETURNING id: of two
 *    writers storing one content, the second waits for the first to commit, gets no row
 *    and starts the document again, which then finds the content stored and adds its path
 *    to it (a duplicate, as on SQLite);
 *  - a path is added with ON CONFLICT (path) DO NOTHING: a path another writer took meanwhile
 *    starts the document again, which then sees who holds it;
 *  - a path leaves its document under the document's row lock (SELECT ... FOR UPDATE), and a
 *    path added to a document takes the foreign key's share lock on that row: a document is
 *    deleted with its last path only when no other writer is adding one to it, else the
 *    adding writer's foreign key fails, and its document starts again (and is stored anew).
 * "Starts again" is a ROLLBACK TO the document's savepoint and the whole put once more, at
 * most LW_PG_TRIES times. Two batches that wait for each other's rows (each claimed a content
 * the other is storing now) deadlock; the server cancels one statement (40P01): that writer
 * commits what its batch already holds (its documents are complete), which lets the other
 * go on, and stores the document again in a new transaction. */
#define _GNU_SOURCE
#include "lw_store_pg.h"

#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lw_msg.h"
#include "lw_oom.h"
#include "lw_store_codec.h"
#include "lw_store_facts.h"
#include "lw_store_schema_pg_sql.h"
#include "lw_store_text.h"

/* The schema version this lawwatch writes (schema_pg.sql), the same number as SQLite's. */
#define LW_PG_SCHEMA_VERSION 7
/* The key of the advisory lock that two processes creating the schema at once take. */
#define LW_PG_SCHEMA_LOCK 0x6c77736368656d61LL /* "lwschema" */
/* How many times a put starts again after a conflict with a concurrent writer. */
#define LW_PG_TRIES 8
/* The session's table of a put's rows (doc_rows below). */
#define LW_PG_ROWS_TABLE                                                                                    \
    "CREATE TEMP TABLE IF NOT EXISTS lw_rows (t integer, n bigint, fact_id bigint, doc_id bigint, c1 text,"  \
    " c2 text, c3 text, c4 text, c5 text, c6 text, c7 text, c8 text, c9 text, c10 text, c11 text, c12 text," \
    " c13 text, c14 text, c15 text, c16 text, doc_province text)"

/* ---- statements, prepared once per connection ---- */

enum {
    S_LOOKUP, S_BY_SHA, S_INS_PATH, S_LOCK_DOC, S_DEL_PATH, S_FIRST_PATH, S_MOVE_DOC, S_DEL_DOC, S_INS_DOC,
    S_UPD_DOC, S_INS_SRC, S_FACT_IDS, S_DEL_ROWS, S_DEL_TEXT, S_TOUCH, S_SET_TOPIC, S_CACHE_GET, S_CACHE_PUT,
    S_READ_SOURCE, S_COUNT_
};

#define UTC_NOW "to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

static const char *const s_sql[S_COUNT_] = {
    [S_LOOKUP] = "SELECT p.doc_id, p.size, p.mtime_ns, d.sha256, d.doc_province, d.rules_version FROM doc_paths p"
                 " JOIN documents d ON d.id = p.doc_id WHERE p.path = $1",
    [S_BY_SHA] = "SELECT id, doc_province FROM documents WHERE sha256 = $1",
    [S_INS_PATH] = "INSERT INTO doc_paths(doc_id, path, size, mtime_ns) VALUES ($1, $2, $3, $4)"
                   " ON CONFLICT (path) DO NOTHING",
    [S_LOCK_DOC] = "SELECT doc_province FROM documents WHERE id = $1 FOR UPDATE",
    [S_DEL_PATH] = "DELETE FROM doc_paths WHERE path = $1 AND doc_id = $2",
    [S_FIRST_PATH] = "SELECT path, size, mtime_ns FROM doc_paths WHERE doc_id = $1 ORDER BY seq LIMIT 1",
    [S_MOVE_DOC] = "UPDATE documents SET path = $2, size = $3, mtime_ns = $4 WHERE id = $1",
    [S_DEL_DOC] = "DELETE FROM documents WHERE id = $1", /* its paths by the foreign key's cascade */
    [S_INS_DOC] = "INSERT INTO documents(path, sha256, size, mtime_ns, encoding, kind, number, issuer, place, date,"
                  " subject, kind_key, issuer_key, n_facts, rules_version, ingested_at, topic, source_format, pages,"
                  " note, doc_province) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, " UTC_NOW
                  ", $16, coalesce($17, 'text'), $18, $19, $20) ON CONFLICT DO NOTHING RETURNING id",
    /* S_INS_DOC's $5 to $20 as $2 to $17; the document keeps its paths */
    [S_UPD_DOC] = "UPDATE documents SET encoding = $2, kind = $3, number = $4, issuer = $5, place = $6, date = $7,"
                  " subject = $8, kind_key = $9, issuer_key = $10, n_facts = $11, rules_version = $12,"
                  " ingested_at = " UTC_NOW ", topic = $13, source_format = coalesce($14, 'text'), pages = $15,"
                  " note = $16, doc_province = $17 WHERE id = $1",
    [S_INS_SRC] = "INSERT INTO sources(doc_id, raw, doc_province) VALUES ($1, $2, $3)",
    [S_FACT_IDS] = "SELECT nextval('facts_id_seq') FROM generate_series(1, $1::bigint)",
    /* a document's rows, in its partition; the typed tables of lw_store_facts.c's table
     * (rows_checked makes sure none is missing here) */
    [S_DEL_ROWS] = "WITH f AS (DELETE FROM facts WHERE doc_province = $2 AND doc_id = $1 RETURNING id),"
                   " r AS (DELETE FROM legal_refs WHERE doc_province = $2 AND doc_id = $1),"
                   " k AS (DELETE FROM deadlines WHERE doc_province = $2 AND fact_id IN (SELECT id FROM f)),"
                   " a AS (DELETE FROM agencies WHERE doc_province = $2 AND fact_id IN (SELECT id FROM f)),"
                   " l AS (DELETE FROM relations WHERE doc_province = $2 AND fact_id IN (SELECT id FROM f)),"
                   " t AS (DELETE FROM dates WHERE doc_province = $2 AND fact_id IN (SELECT id FROM f)),"
                   " d AS (DELETE FROM duties WHERE doc_province = $2 AND doc_id = $1),"
                   " u AS (DELETE FROM duty_units WHERE doc_province = $2 AND doc_id = $1)"
                   " DELETE FROM sources WHERE doc_province = $2 AND doc_id = $1",
    [S_DEL_TEXT] = "DELETE FROM doc_text WHERE doc_id = $1",
    /* the path's size and mtime, and the document's when it is its first path */
    [S_TOUCH] = "WITH p AS (UPDATE doc_paths SET size = $2, mtime_ns = $3 WHERE path = $1)"
                " UPDATE documents SET size = $2, mtime_ns = $3 WHERE path = $1",
    [S_SET_TOPIC] = "UPDATE documents SET topic = $2 WHERE id = $1",
    [S_CACHE_GET] = "SELECT source, format, pages, ocr_engine, note FROM source_cache WHERE sha256 = $1",
    [S_CACHE_PUT] = "INSERT INTO source_cache(sha256, source, format, pages, ocr_engine, note, created)"
                    " VALUES ($1, $2, $3, $4, $5, $6, " UTC_NOW ") ON CONFLICT (sha256) DO UPDATE SET"
                    " source = excluded.source, format = excluded.format, pages = excluded.pages,"
                    " ocr_engine = excluded.ocr_engine, note = excluded.note, created = excluded.created",
    [S_READ_SOURCE] = "SELECT d.path, d.encoding, d.size, d.mtime_ns, s.raw, d.sha256 FROM documents d"
                      " JOIN sources s ON s.doc_id = d.id AND s.doc_province = d.doc_province WHERE d.id = $1",
};

/* The typed tables S_DEL_ROWS empties, in lw_store_facts.c's table's order. */
static const char *const del_tables[] = {"legal_refs", "deadlines", "agencies", "relations", "dates", "duties",
                                         "duty_units"};

/* The last failed statement's SQLSTATE, kept across the ROLLBACK that follows it. */
static void note_state(lw_pg *c, const PGresult *r)
{
    const char *s = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    snprintf(c->state, sizeof c->state, "%s", s ? s : "");
}

/* The typed table of lw_store_facts.c that S_DEL_ROWS leaves out (a table added there and
 * not here), NULL when none: open refuses to write with rows it could not delete. */
static const char *rows_unchecked(void)
{
    for (size_t t = 0; t < lw_fact_table_count(); t++) {
        size_t k = 0;
        while (k < sizeof del_tables / sizeof *del_tables && strcmp(del_tables[k], lw_fact_table_name(t)))
            k++;
        if (k == sizeof del_tables / sizeof *del_tables)
            return lw_fact_table_name(t);
    }
    return NULL;
}

/* Runs prepared statement i with n parameters (text, or binary where formats says; NULL:
 * all text); result format fmt (0 text, 1 binary). Owned result, or NULL with err filled. */
static PGresult *run(lw_pg *c, int i, int n, const char *const *v, const int *lens, const int *formats, int fmt,
                     lw_error *err)
{
    char name[16];
    snprintf(name, sizeof name, "lw_w%d", i);
    if (!(c->prepared & (1ULL << i))) {
        PGresult *p = PQprepare(c->pg, name, s_sql[i], 0, NULL);
        if (!p || PQresultStatus(p) != PGRES_COMMAND_OK) {
            note_state(c, p);
            lw_pg_fail(c, p, err);
            PQclear(p);
            return NULL;
        }
        PQclear(p);
        c->prepared |= 1ULL << i;
    }
    PGresult *res = PQexecPrepared(c->pg, name, n, v, lens, formats, fmt);
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return res;
    note_state(c, res);
    lw_pg_fail(c, res, err);
    PQclear(res);
    return NULL;
}

/* A statement without parameters nor rows (BEGIN, SAVEPOINT, ...): 0, or -1 with err. */
static int exec0(lw_pg *c, const char *sql, lw_error *err)
{
    PGresult *r = lw_pg_exec(c, sql, 0, NULL, PGRES_COMMAND_OK, err);
    PQclear(r);
    return r ? 0 : -1;
}

/* The same, the outcome being of no interest (a ROLLBACK after a failure). */
static void exec_quiet(lw_pg *c, const char *sql) { PQclear(PQexec(c->pg, sql)); }

/* A binary int8 column. */
static int64_t bin_i64(const PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col) || PQgetlength(r, row, col) != 8)
        return 0;
    uint64_t v;
    memcpy(&v, PQgetvalue(r, row, col), 8);
    return (int64_t)be64toh(v);
}

static const char *bin_str(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

/* ---- open ---- */

/* The server's words for a failed result (res NULL: the connection's) on one line, into
 * why: what a message of ours quotes (lw_pg_fail's message would say it twice over). */
static void server_words(lw_pg *c, const PGresult *res, char why[512])
{
    const char *what = res ? PQresultErrorMessage(res) : NULL;
    if (!what || !*what)
        what = PQerrorMessage(c->pg);
    size_t n = 0;
    for (const char *p = what; *p && n < 511; p++) {
        char ch = *p == '\n' || *p == '\t' || *p == '\r' ? ' ' : *p;
        if (ch != ' ' || (n && why[n - 1] != ' '))
            why[n++] = ch;
    }
    while (n && why[n - 1] == ' ')
        n--;
    why[n] = '\0';
}

/* Runs sql (several statements: the simple query protocol); 0, or -1 and the server's
 * words in why. */
static int exec_many(lw_pg *c, const char *sql, char why[512])
{
    PGresult *r = PQexec(c->pg, sql);
    int ok = r && (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK);
    if (!ok)
        server_words(c, r, why);
    PQclear(r);
    return ok ? 0 : -1;
}

static lw_status fail_open(lw_pg *c, lw_status rc, lw_store_conn **out)
{
    lw_pg_close((lw_store_conn *)c);
    *out = NULL;
    return rc;
}

/* What the database holds: *has_meta, *n_tables (tables and views of the current schema). */
static lw_status survey(lw_pg *c, int *has_meta, long long *n_tables, lw_error *err)
{
    PGresult *r = lw_pg_exec(c,
                             "SELECT to_regclass('meta') IS NOT NULL, (SELECT count(*) FROM pg_class"
                             " WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'p', 'v'))",
                             0, NULL, PGRES_TUPLES_OK, err);
    if (!r)
        return LW_ERR_DB;
    *has_meta = !strcmp(PQgetvalue(r, 0, 0), "t");
    *n_tables = lw_pg_int(r, 0, 1, 0);
    PQclear(r);
    return LW_OK;
}

/* Creates the schema unless another process did it first: one transaction, under an
 * advisory lock that a second creator waits on, then finds the schema made. */
static lw_status create_schema(lw_pg *c, lw_error *err)
{
    char why[512] = "", lock[96], meta[256];
    snprintf(lock, sizeof lock, "BEGIN; SELECT pg_advisory_xact_lock(%lld)", LW_PG_SCHEMA_LOCK);
    snprintf(meta, sizeof meta,
             "INSERT INTO meta(key, value) VALUES ('app', 'lawwatch'), ('schema_version', '%d'),"
             " ('created_by', 'lawwatch %s')",
             LW_PG_SCHEMA_VERSION, LW_VERSION);
    int has_meta = 0;
    long long n = 0;
    lw_error e2;
    if (exec_many(c, lock, why))
        goto fail;
    if (survey(c, &has_meta, &n, &e2)) {
        server_words(c, NULL, why);
        goto fail;
    }
    if (has_meta || n) /* made meanwhile (or foreign: open says which) */
        return exec_many(c, "COMMIT", why) ? lw_error_msg(err, LW_ERR_DB, c->shown, 0, 0, LW_MSG_PGW_CREATE, why)
                                           : LW_OK;
    const char *text_sql = lw_pg_text_schema_sql();
    if (exec_many(c, LW_PG_SCHEMA_TABLES, why) || (text_sql && *text_sql && exec_many(c, text_sql, why)) ||
        exec_many(c, LW_PG_SCHEMA_PARTITIONS, why) || exec_many(c, LW_PG_SCHEMA_VIEWS, why) ||
        exec_many(c, meta, why) || exec_many(c, "COMMIT", why))
        goto fail;
    return LW_OK;
fail:
    exec_quiet(c, "ROLLBACK");
    return lw_error_msg(err, LW_ERR_DB, c->shown, 0, 0, LW_MSG_PGW_CREATE, why);
}

/* Reads meta: *app (1 when app = 'lawwatch') and the schema version. */
static lw_status read_meta(lw_pg *c, int *app, lw_error *err)
{
    PGresult *r = lw_pg_exec(c,
                             "SELECT (SELECT value FROM meta WHERE key = 'app'),"
                             " (SELECT value FROM meta WHERE key = 'schema_version')",
                             0, NULL, PGRES_TUPLES_OK, err);
    if (!r)
        return LW_ERR_DB;
    const char *a = lw_pg_str(r, 0, 0);
    *app = a && !strcmp(a, "lawwatch");
    c->schema = (int)lw_pg_int(r, 0, 1, -1);
    PQclear(r);
    return LW_OK;
}

lw_status lw_pg_open(const char *uri, int flags, lw_store_conn **out, lw_error *err)
{
    *out = NULL;
    lw_pg *c = calloc(1, sizeof *c);
    if (!c || !(c->url = strdup(uri)) || !(c->shown = lw_pg_uri_shown(uri))) {
        if (c) {
            free(c->url);
            free(c);
        }
        return lw_error_msg(err, LW_ERR_NOMEM, uri, 0, 0, LW_MSG_NOMEM);
    }
    c->flags = flags;
    c->schema = -1;
    c->pg = PQconnectdb(uri);
    if (!c->pg)
        return fail_open(c, lw_error_msg(err, LW_ERR_NOMEM, c->shown, 0, 0, LW_MSG_NOMEM), out);
    if (PQstatus(c->pg) != CONNECTION_OK) {
        char why[512];
        server_words(c, NULL, why);
        return fail_open(c, lw_error_msg(err, LW_ERR_DB, c->shown, 0, 0, LW_MSG_PGW_CONNECT, why), out);
    }
    /* text is UTF-8 both ways; notices (a cascade's, ...) are not lawwatch's output */
    if (PQsetClientEncoding(c->pg, "UTF8"))
        return fail_open(c, lw_pg_fail(c, NULL, err), out);
    if (exec0(c, "SET client_min_messages = warning", err))
        return fail_open(c, LW_ERR_DB, out);
    /* no JIT for any statement of the session: over ~650 province partitions the server
     * compiled code for each (23 s of compiling for one document's facts, read in 2 ms;
     * searches too), and no query of lawwatch gains from it */
    if (exec0(c, "SET jit = off", err))
        return fail_open(c, LW_ERR_DB, out);
    int has_meta = 0, app = 0;
    long long n = 0;
    if (survey(c, &has_meta, &n, err))
        return fail_open(c, LW_ERR_DB, out);
    if (!has_meta && !n) {
        if (!(flags & LW_STORE_CREATE) || (flags & LW_STORE_READONLY))
            return fail_open(c, lw_error_msg(err, LW_ERR_DB, c->shown, 0, 0, LW_MSG_PGW_EMPTY, c->shown), out);
        if (create_schema(c, err) || survey(c, &has_meta, &n, err))
            return fail_open(c, LW_ERR_DB, out);
    }
    if (!has_meta)
        return fail_open(c, lw_error_msg(err, LW_ERR_DB, c->shown, 0, 0, LW_MSG_PGW_FOREIGN), out);
    if (read_meta(c, &app, err))
        return fail_open(c, LW_ERR_DB, out);
    if (!app)
        return fail_open(c, lw_error_msg(err, LW_ERR_DB, c->shown, 0, 0, LW_MSG_PGW_FOREIGN), out);
    /* there is no older PostgreSQL schema than 7 to upgrade from: the first one */
    if (c->schema != LW_PG_SCHEMA_VERSION)
        return fail_open(c,
                         lw_error_msg(err, LW_ERR_DB, c->shown, 0, 0,
                                      c->schema > LW_PG_SCHEMA_VERSION ? LW_MSG_PGW_NEWER : LW_MSG_PGW_OLDER,
                                      (long long)c->schema, LW_PG_SCHEMA_VERSION),
                         out);
    if ((flags & LW_STORE_READONLY) && exec0(c, "SET default_transaction_read_only = on", err))
        return fail_open(c, LW_ERR_DB, out);
    c->has_text = *lw_pg_text_schema_sql() != '\0';
    /* the session's table of a put's rows (doc_rows), made outside any transaction so that
     * a rolled-back document never takes it away */
    if (!(flags & LW_STORE_READONLY) && exec0(c, LW_PG_ROWS_TABLE, err))
        return fail_open(c, LW_ERR_DB, out);
    if (rows_unchecked())
        return fail_open(c, lw_error_msg(err, LW_ERR_DB, c->shown, 0, 0, LW_MSG_PG_TODO, rows_unchecked()), out);
    *out = (lw_store_conn *)c;
    return LW_OK;
}

/* The statistics the planner reads: autovacuum analyzes a partition when enough of it
 * changed, but never a partitioned table itself, and without its statistics a join of the
 * typed tables by fact_id is planned blind (one document's facts read in 14 s instead of
 * 11 ms on 190 documents). So after a commit (or at close) the tables are analyzed when
 * the documents this connection stored since it last did are half of all there are: when
 * the database has doubled, a few times in a long ingest (about 2 s on a fresh one). */
static void analyze_if_due(lw_pg *p)
{
    if (!p->written || (p->flags & LW_STORE_READONLY) || p->in_txn)
        return;
    long long n = lw_pg_count((lw_store_conn *)p);
    if (p->written * 2 < n)
        return;
    p->written = 0;
    exec_quiet(p, p->has_text ? "ANALYZE documents, doc_paths, sources, facts, legal_refs, deadlines, agencies,"
                                " relations, dates, duties, duty_units, doc_text"
                              : "ANALYZE documents, doc_paths, sources, facts, legal_refs, deadlines, agencies,"
                                " relations, dates, duties, duty_units");
}

void lw_pg_close(lw_store_conn *c)
{
    lw_pg *p = LW_PG(c);
    if (!p)
        return;
    if (p->pg && p->in_txn)
        exec_quiet(p, "COMMIT"); /* as SQLite's close: a batch left open is kept */
    if (p->pg && PQstatus(p->pg) == CONNECTION_OK)
        analyze_if_due(p);
    if (p->pg)
        PQfinish(p->pg);
    free(p->url);
    free(p->shown);
    free(p);
}

const char *lw_pg_path(lw_store_conn *c) { return LW_PG(c)->shown; }

int lw_pg_schema_version(lw_store_conn *c) { return LW_PG(c)->schema; }

long long lw_pg_count(lw_store_conn *c)
{
    lw_error e;
    PGresult *r = lw_pg_exec(LW_PG(c), "SELECT count(*) FROM documents", 0, NULL, PGRES_TUPLES_OK, &e);
    long long n = r ? lw_pg_int(r, 0, 0, -1) : -1;
    PQclear(r);
    return n;
}

/* ---- transactions ---- */

/* lw_store_failure's answer for a failed statement of SQLSTATE state (NULL: ours, out of
 * memory): 2 when the server or its disk is the matter (the connection is gone, class 08;
 * disk full, out of memory, too many connections: 53; I/O error: 58; shut down: 57P0x), 0
 * when the document's data is (22 data exception, 23 a constraint it breaks, 54 a limit:
 * too long), 1 otherwise (our SQL, a lock it could not get, ...). */
static int classify(lw_pg *c, const char *state)
{
    if (PQstatus(c->pg) != CONNECTION_OK)
        return 2;
    if (!state)
        return 1;
    if (!strncmp(state, "08", 2) || !strncmp(state, "53", 2) || !strncmp(state, "58", 2) ||
        !strncmp(state, "57P", 3))
        return 2;
    if (!strncmp(state, "22", 2) || !strncmp(state, "23", 2) || !strncmp(state, "54", 2))
        return 0;
    return 1;
}


lw_status lw_pg_begin(lw_store_conn *conn, lw_error *err)
{
    lw_pg *c = LW_PG(conn);
    if (c->in_txn)
        return LW_OK;
    if (exec0(c, "BEGIN", err))
        return LW_ERR_DB;
    c->in_txn = 1;
    c->pending = 0;
    return LW_OK;
}

lw_status lw_pg_commit(lw_store_conn *conn, lw_error *err)
{
    lw_pg *c = LW_PG(conn);
    if (!c->in_txn)
        return LW_OK;
    c->in_txn = 0;
    c->pending = 0;
    char why[512] = "ROLLBACK";
    PGresult *r = PQexec(c->pg, "COMMIT");
    /* a transaction the server had aborted answers COMMIT with ROLLBACK, not an error */
    int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK && !strcmp(PQcmdStatus(r), "COMMIT");
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    int timeout = state && !strcmp(state, "57014") && c->time_limit_ms;
    if (!ok && (!r || PQresultStatus(r) != PGRES_COMMAND_OK))
        server_words(c, r, why);
    PQclear(r);
    if (ok) {
        analyze_if_due(c);
        return LW_OK;
    }
    exec_quiet(c, "ROLLBACK");
    c->failure = classify(c, state) == 2 ? 2 : 1;
    if (timeout)
        return lw_error_msg(err, LW_ERR_TIMEOUT, c->shown, 0, 0, LW_MSG_STORE_TIMEOUT);
    return lw_error_msg(err, LW_ERR_DB, c->shown, 0, 0, LW_MSG_PGW_COMMIT, why);
}

int lw_pg_in_txn(lw_store_conn *c) { return LW_PG(c)->in_txn; }

size_t lw_pg_pending_bytes(lw_store_conn *c) { return LW_PG(c)->pending; }

int lw_pg_failure(lw_store_conn *c) { return LW_PG(c)->failure; }

/* ---- writes ---- */

/* Statement parameters of one put: their text, kept until the put ends. */
typedef struct {
    char num[24][24]; /* integers printed */
    int n;
} numbufs;

static const char *num(numbufs *b, long long v)
{
    if (b->n >= (int)(sizeof b->num / sizeof *b->num))
        b->n = 0; /* never reached: a statement has fewer integers */
    snprintf(b->num[b->n], sizeof b->num[b->n], "%lld", v);
    return b->num[b->n++];
}


/* A JSON value as a statement parameter's text (SQLite's binding of it: a string as is, a
 * number printed, true 1, false 0), NULL for null or absent; into buf when printed. */
static const char *json_param(json_t *v, char buf[40])
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v)) {
        snprintf(buf, 40, "%lld", (long long)json_integer_value(v));
        return buf;
    }
    if (json_is_real(v)) {
        snprintf(buf, 40, "%.17g", json_real_value(v));
        return buf;
    }
    if (json_is_true(v) || json_is_false(v))
        return json_is_true(v) ? "1" : "0";
    return NULL;
}

/* ---- COPY rows ---- */

/* Appends s (n bytes) to a COPY text row, escaped. -1 when out of memory. */
static int copy_text(lw_buf *b, const char *s, size_t n)
{
    if (lw_buf_reserve(b, n + 16))
        return -1;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        const char *e = ch == '\\' ? "\\\\" : ch == '\n' ? "\\n" : ch == '\r' ? "\\r" : ch == '\t' ? "\\t" : NULL;
        if (e ? lw_buf_append(b, e, 2) : lw_buf_putc(b, ch))
            return -1;
    }
    return 0;
}

static int copy_sep(lw_buf *b, int first) { return first ? 0 : lw_buf_putc(b, '\t'); }

static int copy_null(lw_buf *b, int first) { return copy_sep(b, first) || lw_buf_append(b, "\\N", 2); }

static int copy_int(lw_buf *b, int first, long long v) { return copy_sep(b, first) || lw_buf_printf(b, "%lld", v); }

static int copy_str(lw_buf *b, int first, const char *s)
{
    return s ? copy_sep(b, first) || copy_text(b, s, strlen(s)) : copy_null(b, first);
}

/* A column of PostgreSQL type bigint (the INTEGER columns of schema.sql). */
static int int_column(const char *name)
{
    static const char *const ints[] = {"year", "year_mismatch", "line", "span_start", "span_end", "page",
                                       "deadline_line", "paragraph", "ocr_conf"};
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++)
        if (!strcmp(name, ints[i]))
            return 1;
    return 0;
}

/* Text that reads whole as an integer (SQLite's INTEGER affinity keeps it as one). */
static int int_text(const char *s, long long *v)
{
    char *end;
    if (!s || !*s)
        return 0;
    *v = strtoll(s, &end, 10);
    return *end == '\0';
}

/* A value into a column: what SQLite would hold, as near as PostgreSQL's type lets it (a
 * bigint column takes only an integer: another value there is NULL; a text column takes
 * the number printed, as SQLite's TEXT affinity does). */
static int copy_value(lw_buf *b, const lw_fact_value *v, int is_int)
{
    long long i;
    switch (v->type) {
    case LW_FV_INT: return is_int ? copy_int(b, 0, v->i) : copy_sep(b, 0) || lw_buf_printf(b, "%lld", v->i);
    case LW_FV_REAL:
        if (is_int)
            return v->d == (double)(long long)v->d ? copy_int(b, 0, (long long)v->d) : copy_null(b, 0);
        return copy_sep(b, 0) || lw_buf_printf(b, "%.15g", v->d);
    case LW_FV_TEXT:
        if (is_int)
            return int_text(v->text, &i) ? copy_int(b, 0, i) : copy_null(b, 0);
        return copy_str(b, 0, v->text);
    case LW_FV_NULL: break;
    }
    return copy_null(b, 0);
}

static int copy_json(lw_buf *b, json_t *v, int is_int)
{
    lw_fact_value fv = {0};
    if (json_is_string(v))
        fv.type = LW_FV_TEXT, fv.text = json_string_value(v);
    else if (json_is_integer(v))
        fv.type = LW_FV_INT, fv.i = json_integer_value(v);
    else if (json_is_real(v))
        fv.type = LW_FV_REAL, fv.d = json_real_value(v);
    else if (json_is_true(v) || json_is_false(v))
        fv.type = LW_FV_INT, fv.i = json_is_true(v);
    return copy_value(b, &fv, is_int);
}

/* A document's rows go to the server in one COPY into the session's table lw_rows, then
 * one statement (rows_sql) moves each into its table: three round trips for all of them,
 * where a COPY per table took two each. A row of lw_rows: t (-1 facts, else the entry of
 * lw_store_facts.c's table), n (its order: duty_units.seq follows it), fact_id, doc_id, the
 * columns c1..c16 as text (cast to bigint where the table's column is one), doc_province. */
#define LW_PG_COLS 16
/* facts' columns after id and doc_id, as lw_rows holds them (t = -1) */
static const char *const fact_cols[] = {"kind", "rule", "line", "span_start", "span_end", "text",
                                        "rest", "page", "paragraph", "ocr_conf", NULL};

typedef struct {
    lw_buf rows;
    long long doc_id, fact_id, n;
    const char *province;
} doc_rows;

/* Pads a row of lw_rows from column c1 + have to c16, then its province. */
static int row_end(doc_rows *d, size_t have)
{
    for (size_t k = have; k < LW_PG_COLS; k++)
        if (copy_null(&d->rows, 0))
            return -1;
    return copy_str(&d->rows, 0, d->province) || lw_buf_putc(&d->rows, '\n');
}

static int on_typed_row(void *ud, size_t t, const lw_fact_value *vals, size_t n)
{
    doc_rows *d = ud;
    lw_buf *b = &d->rows;
    if (n > LW_PG_COLS || lw_buf_printf(b, "%zu\t%lld\t%lld\t%lld", t, d->n++, d->fact_id, d->doc_id))
        return -1;
    for (size_t c = 0; c < n; c++)
        if (copy_value(b, &vals[c], int_column(lw_fact_table_column(t, c))))
            return -1;
    return row_end(d, n);
}

/* Fact k's row of facts (the same columns as SQLite's, lw_codec_rest's remainder) and its
 * typed rows. -1 when out of memory. */
static int fact_rows(doc_rows *d, json_t *facts, size_t k, json_t *const *duties, size_t nd)
{
    json_t *f = json_array_get(facts, k);
    char *rest = NULL;
    if (lw_codec_rest(f, &rest, NULL))
        return -1;
    json_t *span = json_object_get(f, "span");
    lw_buf *b = &d->rows;
    int rc = lw_buf_printf(b, "-1\t%lld\t%lld\t%lld", d->n++, d->fact_id, d->doc_id) ||
             copy_json(b, json_object_get(f, "kind"), 0) || copy_json(b, json_object_get(f, "rule"), 0) ||
             copy_json(b, json_object_get(f, "line"), 1);
    if (!rc && json_array_size(span) == 2)
        rc = copy_json(b, json_array_get(span, 0), 1) || copy_json(b, json_array_get(span, 1), 1);
    else if (!rc)
        rc = copy_null(b, 0) || copy_null(b, 0);
    rc = rc || copy_json(b, json_object_get(f, "text"), 0) || copy_str(b, 0, rest) ||
         copy_json(b, json_object_get(f, "page"), 1) || copy_json(b, json_object_get(f, "paragraph"), 1) ||
         copy_json(b, json_object_get(f, "ocr_conf"), 1) || row_end(d, 10);
    free(rest);
    if (rc)
        return -1;
    return lw_fact_typed_rows(facts, k, duties, nd, on_typed_row, d) ? -1 : 0;
}

/* One INSERT of table's columns (cols[i], NULL-ended) from lw_rows' rows of entry t, into
 * b as a CTE named x<t>. -1 when out of memory. */
static int rows_cte(lw_buf *b, long t, const char *table, const char *(*col)(size_t t, size_t k))
{
    int rc = lw_buf_printf(b, ", x%ld AS (INSERT INTO %s(%s, doc_id", t + 1, table, t < 0 ? "id" : "fact_id");
    for (size_t k = 0; !rc && col(t < 0 ? 0 : (size_t)t, k); k++)
        rc = lw_buf_printf(b, ", %s", col(t < 0 ? 0 : (size_t)t, k));
    rc = rc || lw_buf_printf(b, ", doc_province) SELECT fact_id, doc_id");
    for (size_t k = 0; !rc && col(t < 0 ? 0 : (size_t)t, k); k++)
        rc = lw_buf_printf(b, ", c%zu%s", k + 1, int_column(col(t < 0 ? 0 : (size_t)t, k)) ? "::bigint" : "");
    return rc || lw_buf_printf(b, ", doc_province FROM s WHERE t = %ld ORDER BY n)", t);
}

static const char *fact_col(size_t t, size_t k)
{
    (void)t;
    return k < sizeof fact_cols / sizeof *fact_cols ? fact_cols[k] : NULL;
}

/* The statement that moves lw_rows' rows to their tables (see above); owned, NULL when out
 * of memory. */
static char *rows_sql(void)
{
    lw_buf b = {0};
    int rc = lw_buf_printf(&b, "WITH s AS (DELETE FROM pg_temp.lw_rows RETURNING *)") ||
             rows_cte(&b, -1, "facts", fact_col);
    for (size_t t = 0; !rc && t < lw_fact_table_count(); t++)
        rc = rows_cte(&b, (long)t, lw_fact_table_name(t), lw_fact_table_column);
    rc = rc || lw_buf_printf(&b, " SELECT count(*) FROM s");
    if (rc) {
        lw_buf_free(&b);
        return NULL;
    }
    return lw_buf_detach(&b, NULL);
}

/* COPY table(columns) FROM STDIN with the rows of b. -1 with err on failure. */
static int copy_in(lw_pg *c, const char *table_cols, const lw_buf *b, lw_error *err)
{
    char sql[1024];
    snprintf(sql, sizeof sql, "COPY %s FROM STDIN", table_cols);
    PGresult *r = PQexec(c->pg, sql);
    if (!r || PQresultStatus(r) != PGRES_COPY_IN) {
        note_state(c, r);
        lw_pg_fail(c, r, err);
        PQclear(r);
        return -1;
    }
    PQclear(r);
    int ok = PQputCopyData(c->pg, b->data, (int)b->len) == 1 && PQputCopyEnd(c->pg, NULL) == 1;
    int rc = ok ? 0 : -1;
    while ((r = PQgetResult(c->pg))) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && !rc) {
            note_state(c, r);
            lw_pg_fail(c, r, err);
            rc = -1;
        }
        PQclear(r);
    }
    if (!ok && err && !err->msg[0])
        lw_pg_fail(c, NULL, err);
    return rc;
}

/* The province key of a document (its rows' partition): the folded province of the first
 * agency fact of role issuer that names one, '' for central bodies and unknown. Owned;
 * NULL when out of memory. */
static char *doc_province(json_t *facts)
{
    size_t i;
    json_t *f;
    json_array_foreach(facts, i, f) {
        const char *kind = json_string_value(json_object_get(f, "kind"));
        const char *role = json_string_value(json_object_get(f, "role"));
        const char *prov = json_string_value(json_object_get(f, "province"));
        if (kind && !strcmp(kind, "agency") && role && !strcmp(role, "issuer") && prov && *prov)
            return lw_store_fold(prov);
    }
    return strdup("");
}

/* ---- put's steps; each returns 0, or -1 with err filled (c->state says why) ---- */

typedef struct {
    long long id;
    int64_t size, mtime;
    char sha[65];
    char province[128];
    char rules[128]; /* the rules_version it was stored with */
} doc_ref;

static int lookup_path(lw_pg *c, const char *path, doc_ref *o, lw_error *err)
{
    const char *v[] = {path};
    PGresult *r = run(c, S_LOOKUP, 1, v, NULL, NULL, 0, err);
    if (!r)
        return -1;
    memset(o, 0, sizeof *o);
    if (PQntuples(r)) {
        o->id = lw_pg_int(r, 0, 0, 0);
        o->size = lw_pg_int(r, 0, 1, 0);
        o->mtime = lw_pg_int(r, 0, 2, 0);
        snprintf(o->sha, sizeof o->sha, "%s", PQgetvalue(r, 0, 3));
        snprintf(o->province, sizeof o->province, "%s", PQgetvalue(r, 0, 4));
        snprintf(o->rules, sizeof o->rules, "%s", PQgetvalue(r, 0, 5));
    }
    PQclear(r);
    return 0;
}

/* Deletes document id's rows (not the document row nor its paths) in partition province. */
static int delete_rows(lw_pg *c, long long id, const char *province, lw_error *err)
{
    numbufs nb = {0};
    const char *v[] = {num(&nb, id), province};
    PGresult *r = run(c, S_DEL_ROWS, 2, v, NULL, NULL, 0, err);
    if (!r)
        return -1;
    PQclear(r);
    if (c->has_text) {
        r = run(c, S_DEL_TEXT, 1, v, NULL, NULL, 0, err);
        if (!r)
            return -1;
        PQclear(r);
    }
    return 0;
}

/* Takes path away from document id, under the document's row lock: the document goes with
 * its last path, else documents.path moves to its first remaining one. 1 document deleted
 * (or gone already), 0 kept, -1 error. */
static int detach_path(lw_pg *c, long long id, const char *path, lw_error *err)
{
    numbufs nb = {0};
    const char *v[4] = {num(&nb, id)};
    PGresult *r = run(c, S_LOCK_DOC, 1, v, NULL, NULL, 0, err);
    if (!r)
        return -1;
    if (!PQntuples(r)) { /* deleted meanwhile, its paths with it */
        PQclear(r);
        return 1;
    }
    char province[128];
    snprintf(province, sizeof province, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    const char *dv[] = {path, v[0]};
    if (!(r = run(c, S_DEL_PATH, 2, dv, NULL, NULL, 0, err)))
        return -1;
    PQclear(r);
    if (!(r = run(c, S_FIRST_PATH, 1, v, NULL, NULL, 0, err)))
        return -1;
    if (!PQntuples(r)) {
        PQclear(r);
        if (delete_rows(c, id, province, err) || !(r = run(c, S_DEL_DOC, 1, v, NULL, NULL, 0, err)))
            return -1;
        PQclear(r);
        return 1;
    }
    const char *mv[] = {v[0], PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2)};
    PGresult *m = run(c, S_MOVE_DOC, 4, mv, NULL, NULL, 0, err);
    PQclear(r);
    if (!m)
        return -1;
    PQclear(m);
    return 0;
}

/* Adds path to document id: 1 added, 0 the path is another writer's now, -1 error. */
static int add_path(lw_pg *c, long long id, const char *path, int64_t size, int64_t mtime, lw_error *err)
{
    numbufs nb = {0};
    const char *v[] = {num(&nb, id), path, num(&nb, size), num(&nb, mtime)};
    PGresult *r = run(c, S_INS_PATH, 4, v, NULL, NULL, 0, err);
    if (!r)
        return -1;
    int added = !strcmp(PQcmdTuples(r), "1");
    PQclear(r);
    return added;
}

/* The document's row, facts, typed rows, source and text. id: the stored document to write
 * again (same content, same path), or 0 for a new one (*id_out gets it; 0 when another
 * writer took its content or path meanwhile: start again). */
static int put_doc(lw_pg *c, const lw_doc *doc, json_t *rec, const char *rules_version, const char *topic,
                   int64_t size, int64_t mtime_ns, long long id, const char *old_province, long long *id_out,
                   lw_error *err)
{
    json_t *h = json_object_get(rec, "header"), *facts = json_object_get(rec, "facts");
    size_t nf = json_array_size(facts);
    int rc = -1;
    char *kind_key = NULL, *issuer_key = NULL, *province = doc_province(facts);
    const char *kind = json_string_value(json_object_get(h, "kind"));
    const char *issuer = json_string_value(json_object_get(h, "issuer"));
    doc_rows d = {0};
    json_t **duties = malloc((nf + 1) * sizeof *duties);
    *id_out = 0;
    if (!province || !duties || (kind && !(kind_key = lw_store_fold(kind))) ||
        (issuer && !(issuer_key = lw_store_fold(issuer)))) {
        lw_error_msg(err, LW_ERR_NOMEM, doc->path, 0, 0, LW_MSG_NOMEM);
        c->state[0] = '\0';
        goto done;
    }
    if (id && delete_rows(c, id, old_province, err))
        goto done;
    numbufs nb = {0};
    char b[9][40];
    /* S_INS_DOC's parameters; S_UPD_DOC's are the document's id and v[4..20) */
    const char *v[20] = {
        doc->path, doc->sha256, num(&nb, size), num(&nb, mtime_ns),
        lw_encoding_name(doc->dec->encoding), json_param(json_object_get(h, "kind"), b[0]),
        json_param(json_object_get(h, "number"), b[1]), json_param(json_object_get(h, "issuer"), b[2]),
        json_param(json_object_get(h, "place"), b[3]), json_param(json_object_get(h, "date"), b[4]),
        json_param(json_object_get(h, "subject"), b[5]), kind_key, issuer_key, num(&nb, (long long)nf),
        rules_version ? rules_version : "", topic, json_param(json_object_get(rec, "source_format"), b[6]),
        json_param(json_object_get(rec, "pages"), b[7]), json_param(json_object_get(rec, "note"), b[8]),
        province};
    if (id)
        v[3] = num(&nb, id);
    PGresult *r = id ? run(c, S_UPD_DOC, 17, v + 3, NULL, NULL, 0, err) : run(c, S_INS_DOC, 20, v, NULL, NULL, 0, err);
    if (!r)
        goto done;
    if (!id) {
        id = PQntuples(r) ? lw_pg_int(r, 0, 0, 0) : 0;
        PQclear(r);
        if (!id) { /* its content or path is another writer's now */
            rc = 0;
            goto done;
        }
        int added = add_path(c, id, doc->path, size, mtime_ns, err);
        if (added <= 0) {
            rc = added; /* 0: the path is another writer's now: start again */
            goto done;
        }
    } else {
        PQclear(r);
    }
    /* the original bytes, as binary */
    numbufs nb2 = {0};
    const char *sv[] = {num(&nb2, id), doc->raw ? (const char *)doc->raw : "", province};
    int slen[] = {0, (int)doc->raw_len, 0}, sfmt[] = {0, 1, 0};
    if (!(r = run(c, S_INS_SRC, 3, sv, slen, sfmt, 0, err)))
        goto done;
    PQclear(r);
    /* the facts' ids, in fact order, then every row by COPY */
    if (nf) {
        const char *iv[] = {num(&nb2, (long long)nf)};
        if (!(r = run(c, S_FACT_IDS, 1, iv, NULL, NULL, 0, err)))
            goto done;
        if ((size_t)PQntuples(r) != nf) {
            PQclear(r);
            lw_pg_fail(c, NULL, err);
            goto done;
        }
        size_t ndut = 0;
        for (size_t k = 0; k < nf; k++) {
            const char *fk = json_string_value(json_object_get(json_array_get(facts, k), "kind"));
            if (fk && !strcmp(fk, "duty"))
                duties[ndut++] = json_array_get(facts, k);
        }
        d.doc_id = id;
        d.province = province;
        for (size_t k = 0; k < nf; k++) {
            d.fact_id = lw_pg_int(r, (int)k, 0, 0);
            if (fact_rows(&d, facts, k, duties, ndut)) {
                PQclear(r);
                lw_error_msg(err, LW_ERR_NOMEM, doc->path, 0, 0, LW_MSG_NOMEM);
                c->state[0] = '\0';
                goto done;
            }
        }
        PQclear(r);
        if (copy_in(c, "pg_temp.lw_rows", &d.rows, err))
            goto done;
        if (!(c->prepared & (1ULL << S_COUNT_))) {
            char *sql = rows_sql();
            if (!sql) {
                lw_error_msg(err, LW_ERR_NOMEM, doc->path, 0, 0, LW_MSG_NOMEM);
                c->state[0] = '\0';
                goto done;
            }
            PGresult *p = PQprepare(c->pg, "lw_rows", sql, 0, NULL);
            free(sql);
            if (!p || PQresultStatus(p) != PGRES_COMMAND_OK) {
                note_state(c, p);
                lw_pg_fail(c, p, err);
                PQclear(p);
                goto done;
            }
            PQclear(p);
            c->prepared |= 1ULL << S_COUNT_;
        }
        r = PQexecPrepared(c->pg, "lw_rows", 0, NULL, NULL, NULL, 0);
        if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
            note_state(c, r);
            lw_pg_fail(c, r, err);
            PQclear(r);
            goto done;
        }
        PQclear(r);
    }
    /* the full text (pgsearch's doc_text), with what FTS5 gets on SQLite */
    if (c->has_text) {
        size_t len;
        const char *text = lw_doc_text(doc, &len);
        const char *subj = json_string_value(json_object_get(h, "subject"));
        if (lw_pg_text_put(c, id, province, subj, subj ? strlen(subj) : 0, text, len, err))
            goto done;
        c->pending += len;
    }
    *id_out = id;
    rc = 1;
done:
    lw_buf_free(&d.rows);
    free(duties);
    free(kind_key);
    free(issuer_key);
    free(province);
    return rc;
}

/* One try of put (see the top of this file): 1 stored, 0 a concurrent writer got in the
 * way (start again), -1 error. */
static int put_once(lw_pg *c, const lw_doc *doc, json_t *rec, const char *rules_version, const char *topic,
                    int64_t size, int64_t mtime_ns, int *dup, lw_error *err)
{
    doc_ref old, same = {0};
    *dup = 0;
    if (lookup_path(c, doc->path, &old, err))
        return -1;
    const char *sv[] = {doc->sha256};
    PGresult *r = run(c, S_BY_SHA, 1, sv, NULL, NULL, 0, err);
    if (!r)
        return -1;
    if (PQntuples(r)) {
        same.id = lw_pg_int(r, 0, 0, 0);
        snprintf(same.province, sizeof same.province, "%s", PQgetvalue(r, 0, 1));
    }
    PQclear(r);
    if (same.id && same.id != old.id) {
        /* the content is stored: this file is one more path of it */
        if (old.id && detach_path(c, old.id, doc->path, err) < 0)
            return -1;
        *dup = 1;
        return add_path(c, same.id, doc->path, size, mtime_ns, err);
    }
    long long id;
    if (same.id && old.size == size && old.mtime == mtime_ns && !strcmp(old.rules, rules_version ? rules_version : "")) {
        /* this very file, stored with these rules by another ingest since this one looked
         * it up: what storing it again would write is there (SQLite's ingest lock keeps
         * this from happening; writing it again would only wait on the other's locks) */
        return 1;
    }
    if (same.id) {
        /* the same content at the same path: its facts again, same id and paths */
        numbufs nb = {0};
        const char *tv[] = {doc->path, num(&nb, size), num(&nb, mtime_ns)};
        if (!(r = run(c, S_TOUCH, 3, tv, NULL, NULL, 0, err)))
            return -1;
        PQclear(r);
        return put_doc(c, doc, rec, rules_version, topic, size, mtime_ns, same.id, same.province, &id, err);
    }
    /* new content (at a stored path: the path leaves its old document first) */
    if (old.id && detach_path(c, old.id, doc->path, err) < 0)
        return -1;
    return put_doc(c, doc, rec, rules_version, topic, size, mtime_ns, 0, "", &id, err);
}

/* SQLSTATEs after which a put starts again: a unique or foreign key another writer's
 * commit broke (23505, 23503), a deadlock or serialization failure (40P01, 40001). */
static int retryable(const char *state)
{
    return !strcmp(state, "23505") || !strcmp(state, "23503") || !strcmp(state, "40P01") || !strcmp(state, "40001");
}

lw_status lw_pg_put(lw_store_conn *conn, const lw_doc *doc, const lw_extraction *x, const char *rules_version,
                    const char *topic, int64_t size, int64_t mtime_ns, int *duplicate, lw_error *err)
{
    lw_pg *c = LW_PG(conn);
    if (duplicate)
        *duplicate = 0;
    c->failure = 0;
    json_t *rec = lw_extraction_record(x, doc);
    if (!rec) {
        c->failure = 1;
        return lw_error_msg(err, LW_ERR_NOMEM, doc->path, 0, 0, LW_MSG_NOMEM);
    }
    lw_error e2;
    int dup = 0, rc = -1, raced = 0;
    for (int t = 0; t < LW_PG_TRIES; t++) {
        lw_error_clear(&e2);
        c->state[0] = '\0';
        int own = !c->in_txn; /* outside a batch: the document is a transaction of its own */
        if (exec0(c, own ? "BEGIN" : "SAVEPOINT lw_doc", &e2)) {
            rc = -1;
            break;
        }
        unsigned long oom = lw_oom_mark();
        rc = put_once(c, doc, rec, rules_version, topic, size, mtime_ns, &dup, &e2);
        if (rc > 0 && lw_oom_since(oom)) {
            rc = -1;
            lw_error_msg(&e2, LW_ERR_NOMEM, doc->path, 0, 0, LW_MSG_NOMEM);
        }
        if (rc > 0) {
            if (exec0(c, own ? "COMMIT" : "RELEASE SAVEPOINT lw_doc", &e2))
                rc = -1, own = 0; /* the COMMIT failed: nothing is left to roll back */
            else
                break;
        }
        char state[6];
        snprintf(state, sizeof state, "%s", c->state);
        if (own)
            exec_quiet(c, "ROLLBACK");
        else if (c->in_txn) {
            exec_quiet(c, "ROLLBACK TO SAVEPOINT lw_doc");
            exec_quiet(c, "RELEASE SAVEPOINT lw_doc");
        }
        if (rc < 0 && !retryable(state))
            break;
        if (!strcmp(state, "40P01") && c->in_txn && !own) {
            /* the batch waits for another that waits for it: commit what it holds (whole
             * documents), so that the other goes on, and store this one in a new batch */
            lw_error e3;
            if (lw_pg_commit(conn, &e3) || lw_pg_begin(conn, &e3)) {
                e2 = e3;
                rc = -1;
                snprintf(c->state, sizeof c->state, "%s", "08000");
                break;
            }
        }
        rc = -1; /* and another try, unless that was the last */
        raced = 1;
        c->state[0] = '\0';
        lw_error_msg(&e2, LW_ERR_DB, doc->path, 0, 0, LW_MSG_PGW_RACE, LW_PG_TRIES);
    }
    json_decref(rec);
    if (rc > 0) {
        c->written++;
        if (duplicate)
            *duplicate = dup;
        return LW_OK;
    }
    int nomem = e2.code == LW_ERR_NOMEM;
    /* out of memory: stop; the tries used up by other writers: this document only */
    c->failure = nomem ? 1 : raced && !c->state[0] && PQstatus(c->pg) == CONNECTION_OK ? 0 : classify(c, c->state[0] ? c->state : NULL);
    char mb[LW_STORE_MSG_MAX];
    const char *why = strstr(e2.msg, "): ") ? strstr(e2.msg, "): ") + 3 : e2.msg;
    lw_error_set(err, nomem ? LW_ERR_NOMEM : LW_ERR_DB, doc->path, 0, 0, "%s: %s",
                 lw_msg_format(mb, sizeof mb, LW_MSG_STORE_CANNOT_STORE), why);
    return nomem ? LW_ERR_NOMEM : LW_ERR_DB;
}

int lw_pg_delete_path(lw_store_conn *conn, const char *path, lw_error *err)
{
    lw_pg *c = LW_PG(conn);
    c->failure = 0;
    for (int t = 0; t < LW_PG_TRIES; t++) {
        doc_ref old;
        int own = !c->in_txn;
        c->state[0] = '\0';
        if (exec0(c, own ? "BEGIN" : "SAVEPOINT lw_del", err))
            break;
        int gone = lookup_path(c, path, &old, err) ? -1 : old.id ? detach_path(c, old.id, path, err) : -2;
        if (gone >= -2 && gone != -1 && !exec0(c, own ? "COMMIT" : "RELEASE SAVEPOINT lw_del", err))
            return gone == -2 ? 0 : 1 + gone;
        if (own)
            exec_quiet(c, "ROLLBACK");
        else {
            exec_quiet(c, "ROLLBACK TO SAVEPOINT lw_del");
            exec_quiet(c, "RELEASE SAVEPOINT lw_del");
        }
        if (!retryable(c->state))
            break;
    }
    c->failure = classify(c, c->state[0] ? c->state : NULL);
    return -1;
}

lw_status lw_pg_lookup(lw_store_conn *conn, const char *path, long long *id, int64_t *size, int64_t *mtime_ns,
                       char sha[65], lw_error *err)
{
    doc_ref o;
    if (lookup_path(LW_PG(conn), path, &o, err))
        return LW_ERR_DB;
    *id = o.id;
    if (o.id) {
        *size = o.size;
        *mtime_ns = o.mtime;
        memcpy(sha, o.sha, 65);
    }
    return LW_OK;
}

lw_status lw_pg_touch(lw_store_conn *conn, const char *path, int64_t size, int64_t mtime_ns, lw_error *err)
{
    numbufs nb = {0};
    const char *v[] = {path, num(&nb, size), num(&nb, mtime_ns)};
    PGresult *r = run(LW_PG(conn), S_TOUCH, 3, v, NULL, NULL, 0, err);
    PQclear(r);
    return r ? LW_OK : LW_ERR_DB;
}

lw_status lw_pg_set_topic(lw_store_conn *conn, long long id, const char *topic, lw_error *err)
{
    numbufs nb = {0};
    const char *v[] = {num(&nb, id), topic};
    PGresult *r = run(LW_PG(conn), S_SET_TOPIC, 2, v, NULL, NULL, 0, err);
    PQclear(r);
    return r ? LW_OK : LW_ERR_DB;
}

lw_status lw_pg_read_source(lw_store_conn *conn, long long id, void (*fn)(void *ud, const lw_store_source *src),
                            void *ud, lw_error *err)
{
    numbufs nb = {0};
    const char *v[] = {num(&nb, id)};
    PGresult *r = run(LW_PG(conn), S_READ_SOURCE, 1, v, NULL, NULL, 1, err);
    if (!r)
        return LW_ERR_DB;
    if (PQntuples(r)) {
        lw_store_source src = {bin_str(r, 0, 0), bin_str(r, 0, 1), bin_i64(r, 0, 2), bin_i64(r, 0, 3),
                               PQgetvalue(r, 0, 4), (size_t)PQgetlength(r, 0, 4), bin_str(r, 0, 5)};
        fn(ud, &src);
    }
    PQclear(r);
    return LW_OK;
}

lw_status lw_pg_cache_get(lw_store_conn *conn, const char *sha, void (*fn)(void *ud, const lw_store_cached *row),
                          void *ud, lw_error *err)
{
    const char *v[] = {sha};
    PGresult *r = run(LW_PG(conn), S_CACHE_GET, 1, v, NULL, NULL, 1, err);
    if (!r)
        return LW_ERR_DB;
    if (PQntuples(r)) {
        lw_store_cached row = {PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0), bin_str(r, 0, 1),
                               (int)bin_i64(r, 0, 2), bin_str(r, 0, 3), bin_str(r, 0, 4)};
        fn(ud, &row);
    }
    PQclear(r);
    return LW_OK;
}

lw_status lw_pg_cache_put(lw_store_conn *conn, const char *sha, const lw_store_cached *row, lw_error *err)
{
    numbufs nb = {0};
    const char *v[] = {sha, row->len ? row->bytes : "", row->format ? row->format : "",
                       row->pages > 0 ? num(&nb, row->pages) : NULL,
                       row->ocr_engine && *row->ocr_engine ? row->ocr_engine : NULL,
                       row->note && *row->note ? row->note : NULL};
    int lens[] = {0, (int)row->len, 0, 0, 0, 0}, fmts[] = {0, 1, 0, 0, 0, 0};
    PGresult *r = run(LW_PG(conn), S_CACHE_PUT, 6, v, lens, fmts, 0, err);
    PQclear(r);
    return r ? LW_OK : LW_ERR_DB;
}

/* The ingest lock. On SQLite it keeps a second ingest from redoing the first's work beside
 * it; on PostgreSQL several ingests at once are what issue 21 asks for ("from several
 * machines at once"), and nothing they do needs the others kept out: every write resolves
 * its conflicts in the server (see the top of this file), a re-extraction writes the same
 * rows again whoever does it, and a prune deletes only paths under the folders it was given
 * that its own machine no longer finds. So lock takes nothing and never waits. */
lw_status lw_pg_lock(lw_store_conn *c, int wait, lw_error *err)
{
    (void)wait;
    (void)err;
    LW_PG(c)->locked = 1;
    return LW_OK;
}

void lw_pg_unlock(lw_store_conn *c) { LW_PG(c)->locked = 0; }

int lw_pg_files(lw_store_conn *c, int (*fn)(void *ud, const char *path), void *ud)
{
    (void)c;
    (void)fn;
    (void)ud;
    return 0; /* a server's database has no file an ingest could come across */
}

void lw_pg_set_time_limit(lw_store_conn *conn, unsigned ms)
{
    lw_pg *c = LW_PG(conn);
    char sql[64];
    snprintf(sql, sizeof sql, "SET statement_timeout = %u", ms);
    exec_quiet(c, sql);
    c->time_limit_ms = ms;
}
