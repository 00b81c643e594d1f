/* lw_store: SQLite schema, transactions, incremental ingest, search and fact queries. */
#define _GNU_SOURCE
#include "lw_store.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>
#include <utf8proc.h>

#include "lw_fts.h"
#include "lw_oom.h"
#include "lw_snippet.h"

/* The schema, version 4. PRAGMA user_version holds LW_STORE_SCHEMA_VERSION; meta holds
 * app = 'lawwatch' so a foreign database with the same user_version is refused.
 * Every ingested content (sha256) is one row of documents, every file one row of doc_paths
 * (schema 4: byte-identical files at two paths were two documents, so every hit, finding
 * and report item showed twice); everything else hangs off documents.id (doc_id). Facts are stored twice on purpose: once in the generic facts table (kind, rule,
 * line, span, text and the full JSON object, as `lawwatch extract` prints it) and once in a
 * typed table per kind with the kind's keys as columns, for plain SQL queries. The views
 * (v_*) are what a reviewer queries in the sqlite3 shell; they never touch the FTS table,
 * which needs lawwatch's own tokenizer. */
/* Duties (schema 2; line and span_start since 3): also what a schema-1 database gets when
 * it is upgraded. */
#define DUTIES_SQL \
    "-- Duties of plans and letters: what is to be done, by whom, by when.\n" \
    "CREATE TABLE duties (\n" \
    "  fact_id       INTEGER PRIMARY KEY REFERENCES facts(id) ON DELETE CASCADE,\n" \
    "  doc_id        INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,\n" \
    "  activity      TEXT,     -- the item's heading or the task's words\n" \
    "  topic         TEXT,     -- plan, list, focus, inspect, collect, train, report or NULL\n" \
    "  section       TEXT,     -- the item's number ('2.3') or NULL\n" \
    "  source        TEXT,     -- item, assignment or report\n" \
    "  lead          TEXT,     -- lead units, joined with '; '\n" \
    "  partners      TEXT,\n" \
    "  output        TEXT,\n" \
    "  date_from     TEXT,     -- the deadline (ISO, inclusive) or NULL\n" \
    "  date_to       TEXT,\n" \
    "  precision     TEXT,\n" \
    "  qualifier     TEXT,\n" \
    "  deadline_text TEXT,     -- the deadline's own words\n" \
    "  deadline_line INTEGER,\n" \
    "  line          INTEGER,  -- the duty's line and first byte (facts.line, facts.span_start):\n" \
    "  span_start    INTEGER   -- here too, so reading duties needs no look-up of every fact\n" \
    ");\n" \
    "CREATE INDEX duties_doc ON duties(doc_id);\n" \
    "-- One row per unit a duty names: role lead or partner.\n" \
    "CREATE TABLE duty_units (\n" \
    "  fact_id  INTEGER NOT NULL REFERENCES duties(fact_id) ON DELETE CASCADE,\n" \
    "  doc_id   INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,\n" \
    "  role     TEXT NOT NULL,\n" \
    "  name     TEXT NOT NULL,\n" \
    "  name_key TEXT NOT NULL,  -- name folded\n" \
    "  level    TEXT,\n" \
    "  line     INTEGER\n" \
    ");\n" \
    "CREATE INDEX duty_units_doc ON duty_units(doc_id);\n" \
    "CREATE INDEX duty_units_key ON duty_units(name_key);\n" \
    DUTIES_VIEW_SQL

#define DUTIES_VIEW_SQL \
    "CREATE VIEW v_duties AS\n" \
    "  SELECT d.path AS document, d.number AS doc_number, d.issuer, d.date AS doc_date, k.section,\n" \
    "         k.activity, k.topic, k.lead, k.partners, k.output, k.date_from, k.date_to,\n" \
    "         k.qualifier, k.deadline_text, k.deadline_line, k.line\n" \
    "  FROM duties k JOIN documents d ON d.id = k.doc_id;\n"

/* The columns of documents (schema 3), for creating it and for the upgrade from 2. */
#define DOCUMENTS_COLUMNS \
    "(\n" \
    "  id            INTEGER PRIMARY KEY,\n" \
    "  path          TEXT NOT NULL UNIQUE, -- absolute path of the file (the first of doc_paths)\n" \
    "  sha256        TEXT NOT NULL,        -- of the file's bytes, 64 hex digits\n" \
    "  size          INTEGER NOT NULL,     -- bytes\n" \
    "  mtime_ns      INTEGER NOT NULL,     -- modification time of path, nanoseconds since 1970\n" \
    "  encoding      TEXT NOT NULL,        -- as decoded: utf-8, utf-16le, windows-1258, tcvn3, vni\n" \
    "  kind          TEXT,                 -- header fields; NULL when the document lacks one\n" \
    "  number        TEXT,                 -- '768/UBND-NC'\n" \
    "  issuer        TEXT,\n" \
    "  place         TEXT,\n" \
    "  date          TEXT,                 -- ISO YYYY-MM-DD\n" \
    "  subject       TEXT,\n" \
    "  kind_key      TEXT,                 -- kind folded: no diacritics, lower case ('ke hoach')\n" \
    "  issuer_key    TEXT,                 -- issuer folded likewise\n" \
    "  n_facts       INTEGER NOT NULL,\n" \
    "  rules_version TEXT NOT NULL,        -- lw_ruleset_version of the rules that found the facts\n" \
    "  ingested_at   TEXT NOT NULL         -- UTC, YYYY-MM-DDTHH:MM:SSZ\n" \
    ")"

/* Every path of a document (schema 4), for creating it and for the upgrade from 3. The
 * first path (lowest rowid) is documents.path, with its size and mtime. */
#define DOC_PATHS_SQL \
    "-- Every file a document was found at: byte-identical files are one document.\n" \
    "CREATE TABLE doc_paths (\n" \
    "  doc_id   INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,\n" \
    "  path     TEXT NOT NULL UNIQUE,  -- absolute path of the file\n" \
    "  size     INTEGER NOT NULL,      -- bytes\n" \
    "  mtime_ns INTEGER NOT NULL       -- modification time, nanoseconds since 1970\n" \
    ");\n" \
    "CREATE INDEX doc_paths_doc ON doc_paths(doc_id);\n"

#define V_DOCUMENTS_SQL \
    "CREATE VIEW v_documents AS\n" \
    "  SELECT id, path, kind, number, issuer, place, date, subject, encoding, size, n_facts,\n" \
    "         sha256, ingested_at,\n" \
    "         (SELECT count(*) FROM doc_paths p WHERE p.doc_id = d.id) AS n_paths,\n" \
    "         (SELECT group_concat(path, char(10)) FROM (SELECT path FROM doc_paths p\n" \
    "           WHERE p.doc_id = d.id ORDER BY p.rowid)) AS paths  -- one a line, the first first\n" \
    "  FROM documents d;\n"

/* The views over documents (all but v_duties), likewise. */
#define VIEWS_SQL \
    "-- Views for reviewers.\n" \
    V_DOCUMENTS_SQL \
    "\n" \
    "-- Every citation of a legal document: who cites what, with the dates on both sides.\n" \
    "CREATE VIEW v_citations AS\n" \
    "  SELECT d.path, d.number AS doc_number, d.date AS doc_date, r.cited_id, r.type,\n" \
    "         r.cited_date, r.pinpoint, r.title, f.line, f.text\n" \
    "  FROM legal_refs r JOIN facts f ON f.id = r.fact_id JOIN documents d ON d.id = r.doc_id;\n" \
    "\n" \
    V_DEADLINES_SQL

/* Schema 4: the unit column holds units only; schema 3 put the nearby agency there when no
 * duty named one (flagged by unit_is_hint), which read as the unit in a plain SELECT. */
#define V_DEADLINES_SQL \
    "-- Every deadline: the document, the unit a duty gives it to (NULL when none does), the\n" \
    "-- agency named closest before it (a hint only, never the unit), the interval, the words.\n" \
    "CREATE VIEW v_deadlines AS\n" \
    "  SELECT d.path AS document, d.number AS doc_number, d.issuer, k.unit, k.nearby_agency,\n" \
    "         k.date_from, k.date_to, k.precision, k.qualifier, f.text, f.line\n" \
    "  FROM deadlines k JOIN facts f ON f.id = k.fact_id JOIN documents d ON d.id = k.doc_id;\n"

static const char schema_sql[] =
    "CREATE TABLE meta (\n"
    "  key   TEXT PRIMARY KEY,      -- 'app' = 'lawwatch', 'created_by' = lawwatch version\n"
    "  value TEXT\n"
    ");\n"
    "\n"
    "-- One row per ingested file.\n"
    "CREATE TABLE documents " DOCUMENTS_COLUMNS ";\n"
    "CREATE INDEX documents_date ON documents(date);\n"
    "CREATE UNIQUE INDEX documents_sha ON documents(sha256);\n"
    "\n"
    DOC_PATHS_SQL
    "\n"
    "-- The file's original bytes, so `ingest --reextract` recomputes facts without the files.\n"
    "CREATE TABLE sources (\n"
    "  doc_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,\n"
    "  raw    BLOB NOT NULL\n"
    ");\n"
    "\n"
    "-- Every fact of every kind (legal_ref, relation, date, deadline, agency, duty, ...).\n"
    "CREATE TABLE facts (\n"
    "  id         INTEGER PRIMARY KEY,\n"
    "  doc_id     INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,\n"
    "  kind       TEXT NOT NULL,\n"
    "  rule       TEXT NOT NULL,  -- id of the rule that found it\n"
    "  line       INTEGER,        -- 1-based line in the original file\n"
    "  span_start INTEGER,        -- [span_start, span_end): byte offsets in the original file\n"
    "  span_end   INTEGER,\n"
    "  text       TEXT,           -- the text as in the original\n"
    "  json       TEXT NOT NULL   -- the whole fact as JSON\n"
    ");\n"
    "CREATE INDEX facts_doc ON facts(doc_id);\n"
    "CREATE INDEX facts_kind ON facts(kind);\n"
    "\n"
    "-- Typed tables: fact_id is facts.id; doc_id is repeated for joins.\n"
    "CREATE TABLE legal_refs (\n"
    "  fact_id    INTEGER PRIMARY KEY REFERENCES facts(id) ON DELETE CASCADE,\n"
    "  doc_id     INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,\n"
    "  type       TEXT,     -- 'Nghị định', 'Thông tư', ...\n"
    "  number     TEXT,\n"
    "  year       INTEGER,\n"
    "  symbol     TEXT,     -- 'NĐ-CP'\n"
    "  cited_id   TEXT,     -- canonical id '59/2012/NĐ-CP'; NULL for a law cited by name\n"
    "  cited_key  TEXT,     -- cited_id folded ('59/2012/nd-cp') for lookups\n"
    "  title      TEXT,     -- for laws cited by name\n"
    "  cited_date TEXT,     -- the date given with the citation (ISO) or NULL\n"
    "  pinpoint   TEXT,     -- 'khoản 1 Điều 14' or NULL\n"
    "  year_mismatch INTEGER, -- 1: the year of the number is not the year of cited_date\n"
    "  line       INTEGER,  -- facts.line, span_start and text, here too (schema 3) so that\n"
    "  span_start INTEGER,  -- reading citations needs no look-up of every fact\n"
    "  text       TEXT\n"
    ");\n"
    "CREATE INDEX legal_refs_doc ON legal_refs(doc_id);\n"
    "CREATE INDEX legal_refs_key ON legal_refs(cited_key);\n"
    "\n"
    "CREATE TABLE deadlines (\n"
    "  fact_id       INTEGER PRIMARY KEY REFERENCES facts(id) ON DELETE CASCADE,\n"
    "  doc_id        INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,\n"
    "  date_from     TEXT,  -- ISO, inclusive\n"
    "  date_to       TEXT,  -- ISO, inclusive\n"
    "  precision     TEXT,  -- day, month, quarter, half, year\n"
    "  qualifier     TEXT,  -- before, by, during, recurring\n"
    "  unit          TEXT,  -- lead unit(s) of the duty carrying this deadline, when known\n"
    "  nearby_agency TEXT   -- hint only: the agency named closest before it (within 6 lines)\n"
    ");\n"
    "CREATE INDEX deadlines_doc ON deadlines(doc_id);\n"
    "CREATE INDEX deadlines_to ON deadlines(date_to);\n"
    "\n"
    "CREATE TABLE agencies (\n"
    "  fact_id  INTEGER PRIMARY KEY REFERENCES facts(id) ON DELETE CASCADE,\n"
    "  doc_id   INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,\n"
    "  name     TEXT,  -- canonical name 'Ủy ban nhân dân tỉnh Sóc Trăng'\n"
    "  level    TEXT,  -- central, province, district, commune or NULL\n"
    "  province TEXT,\n"
    "  role     TEXT   -- issuer, mentioned, ...\n"
    ");\n"
    "CREATE INDEX agencies_doc ON agencies(doc_id);\n"
    "CREATE INDEX agencies_name ON agencies(name);\n"
    "\n"
    "CREATE TABLE relations (\n"
    "  fact_id INTEGER PRIMARY KEY REFERENCES facts(id) ON DELETE CASCADE,\n"
    "  doc_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,\n"
    "  type    TEXT,  -- amends, replaces, guides, implements, issued_with\n"
    "  from_id TEXT,  -- NULL: the document itself\n"
    "  to_id   TEXT\n"
    ");\n"
    "CREATE INDEX relations_doc ON relations(doc_id);\n"
    "\n"
    "CREATE TABLE dates (\n"
    "  fact_id INTEGER PRIMARY KEY REFERENCES facts(id) ON DELETE CASCADE,\n"
    "  doc_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,\n"
    "  value   TEXT   -- ISO\n"
    ");\n"
    "CREATE INDEX dates_doc ON dates(doc_id);\n"
    "\n"
    DUTIES_SQL
    "\n"
    "-- The normalized text for full-text search; rowid = documents.id. Needs the 'lawwatch'\n"
    "-- tokenizer, so query it through `lawwatch search`, not the sqlite3 shell.\n"
    "CREATE VIRTUAL TABLE doc_text USING fts5(subject, body, tokenize = 'lawwatch');\n"
    "\n"
    VIEWS_SQL;

enum {
    Q_LOOKUP, Q_TOUCH, Q_TOUCH_DOC, Q_BY_SHA, Q_INS_PATH, Q_DEL_PATH, Q_FIRST_PATH, Q_MOVE_DOC, Q_DEL_PATHS,
    Q_UPD_DOC, Q_INS_DOC, Q_INS_SRC, Q_INS_FACT, Q_INS_REF, Q_INS_DL, Q_INS_AG, Q_INS_REL,
    Q_INS_DATE, Q_INS_DUTY, Q_INS_DUNIT, Q_INS_FTS, Q_DEL_REF, Q_DEL_DL, Q_DEL_AG, Q_DEL_REL, Q_DEL_DATE,
    Q_DEL_DUTY, Q_DEL_DUNIT, Q_DEL_FACT,
    Q_DEL_SRC, Q_DEL_FTS, Q_DEL_DOC, Q_COUNT
};

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
                  " ingested_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?16",
    [Q_INS_DOC] = "INSERT INTO documents(path, sha256, size, mtime_ns, encoding, kind, number, issuer,"
                  " place, date, subject, kind_key, issuer_key, n_facts, rules_version, ingested_at)"
                  " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,"
                  " strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
    [Q_INS_SRC] = "INSERT INTO sources(doc_id, raw) VALUES (?1, ?2)",
    [Q_INS_FACT] = "INSERT INTO facts(doc_id, kind, rule, line, span_start, span_end, text, json)"
                   " VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
    [Q_INS_REF] = "INSERT INTO legal_refs(fact_id, doc_id, type, number, year, symbol, cited_id,"
                  " cited_key, title, cited_date, pinpoint, year_mismatch, line, span_start, text)"
                  " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)",
    [Q_INS_DL] = "INSERT INTO deadlines(fact_id, doc_id, date_from, date_to, precision, qualifier,"
                 " unit, nearby_agency) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
    [Q_INS_AG] = "INSERT INTO agencies(fact_id, doc_id, name, level, province, role)"
                 " VALUES (?1,?2,?3,?4,?5,?6)",
    [Q_INS_REL] = "INSERT INTO relations(fact_id, doc_id, type, from_id, to_id) VALUES (?1,?2,?3,?4,?5)",
    [Q_INS_DATE] = "INSERT INTO dates(fact_id, doc_id, value) VALUES (?1,?2,?3)",
    [Q_INS_DUTY] = "INSERT INTO duties(fact_id, doc_id, activity, topic, section, source, lead, partners,"
                   " output, date_from, date_to, precision, qualifier, deadline_text, deadline_line, line,"
                   " span_start) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17)",
    [Q_INS_DUNIT] = "INSERT INTO duty_units(fact_id, doc_id, role, name, name_key, level, line)"
                    " VALUES (?1,?2,?3,?4,?5,?6,?7)",
    [Q_INS_FTS] = "INSERT INTO doc_text(rowid, subject, body) VALUES (?1, ?2, ?3)",
    [Q_DEL_REF] = "DELETE FROM legal_refs WHERE doc_id = ?1",
    [Q_DEL_DL] = "DELETE FROM deadlines WHERE doc_id = ?1",
    [Q_DEL_AG] = "DELETE FROM agencies WHERE doc_id = ?1",
    [Q_DEL_REL] = "DELETE FROM relations WHERE doc_id = ?1",
    [Q_DEL_DATE] = "DELETE FROM dates WHERE doc_id = ?1",
    [Q_DEL_DUTY] = "DELETE FROM duties WHERE doc_id = ?1",
    [Q_DEL_DUNIT] = "DELETE FROM duty_units WHERE doc_id = ?1",
    [Q_DEL_FACT] = "DELETE FROM facts WHERE doc_id = ?1",
    [Q_DEL_SRC] = "DELETE FROM sources WHERE doc_id = ?1",
    [Q_DEL_FTS] = "DELETE FROM doc_text WHERE rowid = ?1",
    [Q_DEL_DOC] = "DELETE FROM documents WHERE id = ?1",
};

/* A change to doc_text held back until the batch's COMMIT (see fts_queue). */
typedef struct {
    sqlite3_int64 id;
    int del;       /* 1: delete row id; 0: insert it */
    int has_subject;
    char *subject; /* owned; the header's subject, when has_subject */
    char *text;    /* owned; the normalized text */
    size_t len;
} fts_op;

struct lw_store {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *q[Q_COUNT];
    int in_txn;
    int put_rc; /* SQLite's code for the last failed lw_store_put, before its rollback */
    /* doc_text changes of the open transaction, in order; owned (fts_flush, fts_truncate).
     * FTS5 writes its pending terms out as a new segment at every SAVEPOINT and RELEASE
     * once doc_text is part of the transaction, so writing it inside each document's
     * savepoint made one segment per document, merged again and again: most of the
     * store's time. Held here, the batch's rows reach FTS5 together just before COMMIT
     * and become one segment, and a document is still all or nothing: a crash before
     * COMMIT keeps none of the batch, and a document whose savepoint is rolled back has
     * its queued changes dropped with it. */
    fts_op *fts;
    size_t n_fts, cap_fts;
    size_t fts_bytes; /* text held in fts */
};

sqlite3 *lw_store_db(lw_store *s) { return s->db; }

static lw_status db_error(lw_store *s, lw_error *err, const char *what)
{
    return lw_error_set(err, LW_ERR_DB, s->path, 0, 0, "%s: %s", what, sqlite3_errmsg(s->db));
}

static sqlite3_stmt *stmt(lw_store *s, int i)
{
    if (!s->q[i] && sqlite3_prepare_v3(s->db, q_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->q[i], NULL))
        return NULL;
    sqlite3_reset(s->q[i]);
    sqlite3_clear_bindings(s->q[i]);
    return s->q[i];
}

static int exec(lw_store *s, const char *sql) { return sqlite3_exec(s->db, sql, NULL, NULL, NULL); }

/* Drops the queued doc_text changes from index n on (a rolled-back savepoint's). */
static void fts_truncate(lw_store *s, size_t n)
{
    while (s->n_fts > n) {
        fts_op *o = &s->fts[--s->n_fts];
        s->fts_bytes -= o->len;
        free(o->subject);
        free(o->text);
    }
}

/* Queues a doc_text change; subject and text are copied. -1 when out of memory. */
static int fts_queue(lw_store *s, sqlite3_int64 id, int del, const char *subject, const char *text, size_t len)
{
    if (s->n_fts == s->cap_fts) {
        size_t cap = s->cap_fts ? s->cap_fts * 2 : 256;
        fts_op *v = realloc(s->fts, cap * sizeof *v);
        if (!v) {
            lw_oom_note(); /* the caller's error then reads "out of memory" (lw_store_put) */
            return -1;
        }
        s->fts = v;
        s->cap_fts = cap;
    }
    fts_op o = {id, del, subject != NULL, NULL, NULL, len};
    if ((subject && !(o.subject = strdup(subject))) || (!del && !(o.text = malloc(len ? len : 1)))) {
        free(o.subject);
        lw_oom_note();
        return -1;
    }
    if (!del && len)
        memcpy(o.text, text, len);
    s->fts[s->n_fts++] = o;
    s->fts_bytes += len;
    return 0;
}

static sqlite3_stmt *stmt(lw_store *s, int i);
static int run(sqlite3_stmt *st);

/* Applies the queued doc_text changes in order and empties the queue, whatever happens.
 * 0, or -1 on a database error (the transaction must then be rolled back: documents
 * without their text must not be committed). */
static int fts_flush(lw_store *s)
{
    int rc = 0;
    /* SQLite may have rolled the transaction back by itself (an I/O error): nothing of
     * the batch is left for these rows to join */
    if (s->n_fts && sqlite3_get_autocommit(s->db))
        rc = -1;
    for (size_t i = 0; i < s->n_fts && !rc; i++) {
        fts_op *o = &s->fts[i];
        sqlite3_stmt *st = stmt(s, o->del ? Q_DEL_FTS : Q_INS_FTS);
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
        rc = run(st);
        sqlite3_clear_bindings(st);
    }
    fts_truncate(s, 0);
    return rc;
}

void lw_store_close(lw_store *s)
{
    if (!s)
        return;
    if (s->in_txn && fts_flush(s) == 0)
        exec(s, "COMMIT");
    else if (s->in_txn)
        exec(s, "ROLLBACK");
    fts_truncate(s, 0);
    free(s->fts);
    for (int i = 0; i < Q_COUNT; i++)
        sqlite3_finalize(s->q[i]);
    sqlite3_close(s->db);
    free(s->path);
    free(s);
}

/* 1 when the statement's single integer result is available in *v. */
static int query_int(sqlite3 *db, const char *sql, long long *v)
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

/* Runs one upgrade step's SQL (its own transaction, from BEGIN to COMMIT; NULL: out of
 * memory); on failure rolls back and says from which schema the upgrade failed. */
static lw_status upgrade_step(lw_store *s, const char *sql, long long ver, lw_error *err)
{
    char *msg = NULL;
    int rc = sql ? sqlite3_exec(s->db, sql, NULL, NULL, &msg) : SQLITE_NOMEM;
    if (!rc)
        return LW_OK;
    lw_error_set(err, LW_ERR_DB, s->path, 0, 0, "không nâng cấp được cơ sở dữ liệu (cannot upgrade the "
                 "database from schema %lld): %s", ver, msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    exec(s, "ROLLBACK");
    return LW_ERR_DB;
}

static lw_status check_schema(lw_store *s, int flags, lw_error *err)
{
    long long ver = 0, ntab = 0;
    int rc = query_int(s->db, "PRAGMA user_version", &ver);
    if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
        return lw_error_set(err, LW_ERR_DB, s->path, 0, 0,
                            "tệp này không phải cơ sở dữ liệu SQLite (this file is not a SQLite "
                            "database); give another --db path");
    if (rc)
        return db_error(s, err, "cannot read the database");
    if (query_int(s->db, "SELECT count(*) FROM sqlite_master", &ntab))
        return db_error(s, err, "cannot read the database");
    if (ver == 0 && ntab == 0) {
        if (!(flags & LW_STORE_CREATE))
            return lw_error_set(err, LW_ERR_DB, s->path, 0, 0,
                                "cơ sở dữ liệu trống (the database is empty); run 'lawwatch ingest' first");
        char *sql = sqlite3_mprintf("BEGIN IMMEDIATE; %s INSERT INTO meta VALUES ('app', 'lawwatch'),"
                                    " ('created_by', '%q'); PRAGMA user_version = %d; COMMIT;",
                                    schema_sql, LW_VERSION, LW_STORE_SCHEMA_VERSION);
        char *msg = NULL;
        rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
        sqlite3_free(sql);
        if (rc) {
            lw_error_set(err, LW_ERR_DB, s->path, 0, 0, "cannot create the schema: %s", msg ? msg : "?");
            sqlite3_free(msg);
            exec(s, "ROLLBACK");
            return LW_ERR_DB;
        }
        return LW_OK;
    }
    long long ok = 0;
    int qrc = ver ? query_int(s->db, "SELECT count(*) FROM meta WHERE key = 'app' AND value = 'lawwatch'", &ok)
                  : SQLITE_OK;
    if (qrc && qrc != SQLITE_ERROR) /* out of memory, a lock...: no verdict on the file (no meta
                                     * table at all is SQLITE_ERROR: not ours) */
        return lw_error_set(err, LW_ERR_DB, s->path, 0, 0, "cannot read the database: %s", sqlite3_errstr(qrc));
    if (ver == 0 || !ok)
        return lw_error_set(err, LW_ERR_DB, s->path, 0, 0,
                            "đây không phải cơ sở dữ liệu lawwatch (a SQLite database, but not a "
                            "lawwatch one); give another --db path");
    /* Upgrades, in one transaction each. Schema 1 lacked the duty tables: they are added
     * and every document marked for re-extraction (the next ingest recomputes its facts from
     * the stored bytes). Schema 2 kept the JSON record in documents (nothing read it, and it
     * made every row a page or more: scanning documents read the whole database) and
     * duties lacked their line: the record goes, the lines are copied from facts. */
    long long has_record = 0, has_ref_text = 0;
    if ((ver == 1 || ver == 2) &&
        (query_int(s->db, "SELECT count(*) FROM pragma_table_info('documents') WHERE name = 'record'", &has_record) ||
         query_int(s->db, "SELECT count(*) FROM pragma_table_info('legal_refs') WHERE name = 'text'", &has_ref_text)))
        return db_error(s, err, "cannot read the database");
    /* documents rebuilt without record (ALTER TABLE DROP COLUMN cannot: it trips over the
     * comments of the stored CREATE TABLE); the views over it are made again. Foreign keys
     * are not enforced on lawwatch's connections, so dropping the old table drops nothing
     * else. */
    const char *to3 = has_record
                          ? "DROP VIEW IF EXISTS v_documents; DROP VIEW IF EXISTS v_citations;"
                            " DROP VIEW IF EXISTS v_deadlines; DROP VIEW IF EXISTS v_duties;"
                            " CREATE TABLE documents_v3 " DOCUMENTS_COLUMNS ";"
                            " INSERT INTO documents_v3 SELECT id, path, sha256, size, mtime_ns, encoding, kind, number,"
                            " issuer, place, date, subject, kind_key, issuer_key, n_facts, rules_version, ingested_at"
                            " FROM documents;"
                            " DROP TABLE documents; ALTER TABLE documents_v3 RENAME TO documents;"
                            " CREATE INDEX documents_date ON documents(date); " VIEWS_SQL "; " DUTIES_VIEW_SQL
                            " PRAGMA user_version = 3;"
                          : "PRAGMA user_version = 3;";
    static const char lines_sql[] =
        "ALTER TABLE duties ADD COLUMN line INTEGER; ALTER TABLE duties ADD COLUMN span_start INTEGER;"
        " UPDATE duties SET line = (SELECT line FROM facts f WHERE f.id = duties.fact_id),"
        " span_start = (SELECT span_start FROM facts f WHERE f.id = duties.fact_id);";
    /* both 1 and 2: citations get what reading them looked up in facts */
    static const char refs_sql[] =
        "ALTER TABLE legal_refs ADD COLUMN year_mismatch INTEGER; ALTER TABLE legal_refs ADD COLUMN line INTEGER;"
        " ALTER TABLE legal_refs ADD COLUMN span_start INTEGER; ALTER TABLE legal_refs ADD COLUMN text TEXT;"
        " UPDATE legal_refs SET (year_mismatch, line, span_start, text) = (SELECT coalesce(json_extract(f.json,"
        " '$.year_mismatch'), 0), f.line, f.span_start, f.text FROM facts f WHERE f.id = legal_refs.fact_id);";
    if ((ver == 1 || ver == 2) && !(flags & LW_STORE_READONLY)) {
        /* schema 1 gets the tables with v_duties, which the rebuild of documents remakes */
        char *sql = ver == 1 ? sqlite3_mprintf("BEGIN IMMEDIATE; %s %s UPDATE documents SET rules_version = ''; %s"
                                               " COMMIT;", DUTIES_SQL, has_ref_text ? "" : refs_sql, to3)
                             : sqlite3_mprintf("BEGIN IMMEDIATE; %s %s %s%s COMMIT;", lines_sql,
                                               has_ref_text ? "" : refs_sql,
                                               has_record ? "" : "DROP VIEW v_duties; " DUTIES_VIEW_SQL, to3);
        lw_status ust = upgrade_step(s, sql, ver, err);
        sqlite3_free(sql);
        if (ust)
            return ust;
        ver = 3;
    }
    /* Schema 3 stored a content found at two paths as two documents. The paths move to
     * doc_paths; each content's lowest id keeps the document (and its path stays first),
     * the others' paths become its paths and their rows go. Their facts were extracted
     * from the same bytes, so nothing is lost; doc_text rows go through the lawwatch
     * tokenizer, registered before this runs. */
    if (ver == 3 && !(flags & LW_STORE_READONLY)) {
        static const char to4[] =
            "BEGIN IMMEDIATE; " DOC_PATHS_SQL
            " CREATE TEMP TABLE lw_fold AS SELECT d.id, m.keep FROM documents d"
            "  JOIN (SELECT sha256, min(id) AS keep FROM documents GROUP BY sha256) m ON m.sha256 = d.sha256;"
            " INSERT INTO doc_paths(doc_id, path, size, mtime_ns)"
            "  SELECT f.keep, d.path, d.size, d.mtime_ns FROM documents d JOIN lw_fold f ON f.id = d.id"
            "  ORDER BY f.keep <> d.id, d.id;"
            " DELETE FROM temp.lw_fold WHERE id = keep;"
            " DELETE FROM legal_refs WHERE doc_id IN (SELECT id FROM temp.lw_fold);"
            " DELETE FROM deadlines WHERE doc_id IN (SELECT id FROM temp.lw_fold);"
            " DELETE FROM agencies WHERE doc_id IN (SELECT id FROM temp.lw_fold);"
            " DELETE FROM relations WHERE doc_id IN (SELECT id FROM temp.lw_fold);"
            " DELETE FROM dates WHERE doc_id IN (SELECT id FROM temp.lw_fold);"
            " DELETE FROM duty_units WHERE doc_id IN (SELECT id FROM temp.lw_fold);"
            " DELETE FROM duties WHERE doc_id IN (SELECT id FROM temp.lw_fold);"
            " DELETE FROM facts WHERE doc_id IN (SELECT id FROM temp.lw_fold);"
            " DELETE FROM sources WHERE doc_id IN (SELECT id FROM temp.lw_fold);"
            " DELETE FROM doc_text WHERE rowid IN (SELECT id FROM temp.lw_fold);"
            " DELETE FROM documents WHERE id IN (SELECT id FROM temp.lw_fold);"
            " DROP TABLE temp.lw_fold;"
            " CREATE UNIQUE INDEX documents_sha ON documents(sha256);"
            " DROP VIEW IF EXISTS v_documents; " V_DOCUMENTS_SQL
            " DROP VIEW IF EXISTS v_deadlines; " V_DEADLINES_SQL
            " PRAGMA user_version = 4; COMMIT;";
        lw_status ust = upgrade_step(s, to4, ver, err);
        if (ust)
            return ust;
        ver = 4;
    } else if (ver >= 1 && ver <= 3) {
        return lw_error_set(err, LW_ERR_DB, s->path, 0, 0,
                            "cơ sở dữ liệu cần nâng cấp (the database uses schema %lld): run 'lawwatch ingest "
                            "--db %s' once to upgrade it", ver, s->path);
    }
    if (ver != LW_STORE_SCHEMA_VERSION && ver != 0)
        return lw_error_set(err, LW_ERR_DB, s->path, 0, 0,
                            "cơ sở dữ liệu này do phiên bản lawwatch %s tạo (this database was made by "
                            "a%s lawwatch (schema %lld), expected %d); re-create it: remove %s and run "
                            "'lawwatch ingest --db %s PATH...' again",
                            ver > LW_STORE_SCHEMA_VERSION ? "mới hơn" : "cũ hơn",
                            ver > LW_STORE_SCHEMA_VERSION ? " newer" : "n older", ver,
                            LW_STORE_SCHEMA_VERSION, s->path, s->path);
    return LW_OK;
}

/* 1 when the database file cannot be written where it is: a read-only file system, or no
 * write permission on the file or on its folder (where SQLite keeps -wal and -shm). */
static int place_read_only(const char *path)
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

static lw_status store_open(const char *path, int flags, int immutable, lw_store **out, lw_error *err);
static void sql_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv);

lw_status lw_store_open(const char *path, int flags, lw_store **out, lw_error *err)
{
    lw_status rc = store_open(path, flags, 0, out, err);
    struct stat pst;
    /* a database that does not exist is not a read-only one (its folder may not exist) */
    if (rc != LW_ERR_DB || (stat(path, &pst) != 0 && errno == ENOENT) || !place_read_only(path))
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
            if (store_open(path, flags, 1, out, &e2) == LW_OK)
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

static lw_status store_open(const char *path, int flags, int immutable, lw_store **out, lw_error *err)
{
    *out = NULL;
    struct stat st;
    if (stat(path, &st) != 0) {
        if (!(flags & LW_STORE_CREATE) || errno != ENOENT)
            return lw_error_set(err, LW_ERR_DB, path, 0, 0,
                                "không mở được cơ sở dữ liệu (cannot open the database): %s%s",
                                strerror(errno), errno == ENOENT ? "; run 'lawwatch ingest' first" : "");
        /* a new database: its folder must exist (SQLite would only say "unable to open") */
        char dir[PATH_MAX];
        snprintf(dir, sizeof dir, "%s", path);
        char *slash = strrchr(dir, '/');
        if (slash && slash != dir) {
            *slash = '\0';
            struct stat dst;
            if (stat(dir, &dst) != 0 || !S_ISDIR(dst.st_mode))
                return lw_error_set(err, LW_ERR_DB, path, 0, 0,
                                    "thư mục %s không tồn tại (the folder does not exist): create it, or give "
                                    "another --db path", dir);
        }
    } else if (S_ISDIR(st.st_mode)) {
        return lw_error_set(err, LW_ERR_DB, path, 0, 0, "is a folder, not a database file");
    }
    lw_store *s = calloc(1, sizeof *s);
    if (!s)
        return lw_error_set(err, LW_ERR_NOMEM, path, 0, 0, "out of memory");
    s->path = strdup(path);
    int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | ((flags & LW_STORE_CREATE) ? SQLITE_OPEN_CREATE : 0);
    char *uri = immutable ? immutable_uri(path) : NULL;
    if (immutable)
        oflags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
    int orc = immutable && !uri ? SQLITE_NOMEM : sqlite3_open_v2(uri ? uri : path, &s->db, oflags, NULL);
    sqlite3_free(uri);
    if (orc != SQLITE_OK) {
        lw_error_set(err, LW_ERR_DB, path, 0, 0, "không mở được cơ sở dữ liệu (cannot open the database): %s",
                     s->db ? sqlite3_errmsg(s->db) : "out of memory");
        lw_store_close(s);
        return LW_ERR_DB;
    }
    sqlite3_extended_result_codes(s->db, 0);
    sqlite3_busy_timeout(s->db, 10000);
    lw_status rc = lw_fts_register(s->db, err);
    if (!rc && sqlite3_create_function(s->db, "lw_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_fold,
                                       NULL, NULL))
        rc = db_error(s, err, "cannot set up the database");
    if (!rc)
        rc = check_schema(s, flags, err);
    if (!rc && !(flags & LW_STORE_READONLY)) {
        long long dummy;
        /* temp_store = MEMORY: each document's savepoint keeps the pages it changes in a
         * sub-journal, which SQLite otherwise spills to a file in /var/tmp (two thirds of
         * all the bytes an ingest wrote); it is small and emptied at every RELEASE.
         * cache_size: a batch's dirty pages (a few MB) stay in memory until its commit
         * instead of spilling into the WAL early and being written again. */
        if (exec(s, "PRAGMA journal_mode = WAL") || exec(s, "PRAGMA synchronous = NORMAL") ||
            exec(s, "PRAGMA temp_store = MEMORY") || exec(s, "PRAGMA cache_size = -16384") ||
            query_int(s->db, "PRAGMA wal_autocheckpoint", &dummy))
            rc = db_error(s, err, "cannot set up the database");
    }
    if (!rc && (flags & LW_STORE_READONLY))
        exec(s, "PRAGMA query_only = 1");
    if (rc) {
        if (err && !err->file[0])
            snprintf(err->file, sizeof err->file, "%s", path);
        lw_store_close(s);
        return rc;
    }
    *out = s;
    return LW_OK;
}

long long lw_store_count(lw_store *s)
{
    long long n = -1;
    query_int(s->db, "SELECT count(*) FROM documents", &n);
    return n;
}

/* ---- folding ---- */

json_t *lw_store_json_text(const char *s)
{
    if (!s)
        return json_null();
    json_t *j = json_string(s);
    if (j)
        return j;
    lw_buf b = {0};
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    while (*p) {
        utf8proc_int32_t c;
        utf8proc_ssize_t n = utf8proc_iterate(p, -1, &c);
        if (n <= 0) {
            lw_buf_append(&b, "\xEF\xBF\xBD", 3);
            p++;
        } else {
            lw_buf_append(&b, p, (size_t)n);
            p += n;
        }
    }
    j = json_stringn(b.data ? b.data : "", b.len);
    lw_buf_free(&b);
    return j;
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

char *lw_store_fold(const char *s)
{
    utf8proc_uint8_t *m = NULL;
    if (!s)
        return NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &m,
                                      UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_DECOMPOSE |
                                          UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD);
    if (n == UTF8PROC_ERROR_NOMEM) {
        lw_oom_note(); /* not invalid UTF-8: an ASCII-only fold would be stored silently */
        return NULL;
    }
    if (n < 0) { /* invalid UTF-8: fold the ASCII part only */
        size_t len = strlen(s);
        char *o = malloc(len + 1);
        if (!o) {
            lw_oom_note();
            return NULL;
        }
        for (size_t i = 0; i <= len; i++)
            o[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
        return o;
    }
    /* đ (C4 91) -> d; collapse white space, trim */
    char *o = (char *)m, *w = o;
    int space = 1;
    for (const char *r = o; *r; r++) {
        unsigned char c = (unsigned char)*r;
        if (c == 0xC4 && (unsigned char)r[1] == 0x91) {
            *w++ = 'd';
            r++;
            space = 0;
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (!space)
                *w++ = ' ';
            space = 1;
        } else {
            *w++ = (char)c;
            space = 0;
        }
    }
    if (w > o && w[-1] == ' ')
        w--;
    *w = '\0';
    return o;
}

/* ---- storing one document ---- */

/* A bind that could not copy its text leaves the parameter NULL: noted here (and in lw_oom),
 * run() then fails the statement rather than store a NULL silently. Per thread, as lw_oom. */
static _Thread_local int bind_failed;

static void bind_copy(sqlite3_stmt *st, int i, const char *text)
{
    if (sqlite3_bind_text(st, i, text, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
        bind_failed = 1;
        lw_oom_note();
    }
}

static void bind_js(sqlite3_stmt *st, int i, json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (json_is_string(v))
        bind_copy(st, i, json_string_value(v));
    else if (json_is_integer(v))
        sqlite3_bind_int64(st, i, json_integer_value(v));
    else if (json_is_real(v))
        sqlite3_bind_double(st, i, json_real_value(v));
    else if (json_is_true(v) || json_is_false(v))
        sqlite3_bind_int(st, i, json_is_true(v));
    else
        sqlite3_bind_null(st, i);
}

static void bind_owned(sqlite3_stmt *st, int i, char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, free);
    else
        sqlite3_bind_null(st, i);
}

/* Column i's text, NULL for SQL NULL. SQLite may need memory to hand a text over (its NUL
 * terminator): NULL for a value that is not NULL is that, noted (lw_oom), never taken for
 * a missing value. */
static const char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    if (!t && sqlite3_column_type(st, i) != SQLITE_NULL)
        lw_oom_note();
    return (const char *)t;
}

static int run(sqlite3_stmt *st)
{
    if (bind_failed) {
        bind_failed = 0;
        return -1;
    }
    return st ? (sqlite3_step(st) == SQLITE_DONE ? 0 : -1) : -1;
}

/* Deletes what hangs off document id; whole: the document and its paths too, else the
 * document row and its paths stay (its facts are about to be stored again). */
static int delete_doc(lw_store *s, sqlite3_int64 id, int whole)
{
    static const int dels[] = {Q_DEL_REF, Q_DEL_DL, Q_DEL_AG, Q_DEL_REL, Q_DEL_DATE, Q_DEL_DUNIT, Q_DEL_DUTY,
                               Q_DEL_FACT, Q_DEL_SRC, Q_DEL_FTS, Q_DEL_PATHS, Q_DEL_DOC};
    for (size_t i = 0; i < sizeof dels / sizeof *dels; i++) {
        if (!whole && (dels[i] == Q_DEL_PATHS || dels[i] == Q_DEL_DOC))
            continue;
        if (dels[i] == Q_DEL_FTS && s->in_txn) {
            if (fts_queue(s, id, 1, NULL, NULL, 0))
                return -1;
            continue;
        }
        sqlite3_stmt *st = stmt(s, dels[i]);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, id);
        if (run(st))
            return -1;
    }
    return 0;
}

/* The stored row for path: id (0 when none), size, mtime, sha. -1 on a database error. */
static int lookup(lw_store *s, const char *path, sqlite3_int64 *id, int64_t *size, int64_t *mtime, char sha[65])
{
    sqlite3_stmt *st = stmt(s, Q_LOOKUP);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    *id = 0;
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        *size = sqlite3_column_int64(st, 1);
        *mtime = sqlite3_column_int64(st, 2);
        const char *h = (const char *)sqlite3_column_text(st, 3);
        snprintf(sha, 65, "%s", h ? h : "");
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* The document storing content sha (0 when none) in *id. -1 on a database error. */
static int by_sha(lw_store *s, const char *sha, sqlite3_int64 *id)
{
    sqlite3_stmt *st = stmt(s, Q_BY_SHA);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    *id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int add_path(lw_store *s, sqlite3_int64 id, const char *path, int64_t size, int64_t mtime_ns)
{
    sqlite3_stmt *st = stmt(s, Q_INS_PATH);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, size);
    sqlite3_bind_int64(st, 4, mtime_ns);
    return run(st);
}

/* Takes path away from document id: the document goes with its last path, else
 * documents.path (and its size and mtime) moves to its first remaining path, so that
 * documents.path is always a file the document is found at. 1 document deleted, 0 kept,
 * -1 on a database error. */
static int detach_path(lw_store *s, sqlite3_int64 id, const char *path)
{
    sqlite3_stmt *st = stmt(s, Q_DEL_PATH);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    if (run(st) || !(st = stmt(s, Q_FIRST_PATH)))
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        return delete_doc(s, id, 1) ? -1 : 1;
    if (rc != SQLITE_ROW)
        return -1;
    char *first = strdup((const char *)sqlite3_column_text(st, 0));
    int64_t size = sqlite3_column_int64(st, 1), mtime = sqlite3_column_int64(st, 2);
    sqlite3_reset(st);
    if (!first || !(st = stmt(s, Q_MOVE_DOC))) {
        free(first);
        return -1;
    }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, first, -1, free);
    sqlite3_bind_int64(st, 3, size);
    sqlite3_bind_int64(st, 4, mtime);
    rc = run(st);
    sqlite3_clear_bindings(st); /* frees first now, not at the statement's next use */
    return rc ? -1 : 0;
}

/* Lead unit(s) of the duty whose deadline is this deadline (same line and end), joined;
 * owned or NULL. duties: the record's duty facts (a short list, not all facts). */
static char *duty_unit(json_t *const *duties, size_t nduties, json_t *deadline)
{
    const char *to = json_string_value(json_object_get(deadline, "to"));
    json_int_t line = json_integer_value(json_object_get(deadline, "line"));
    if (!to)
        return NULL;
    for (size_t i = 0; i < nduties; i++) {
        json_t *dl = json_object_get(duties[i], "deadline");
        const char *dto = json_string_value(json_object_get(dl, "to"));
        if (!dto || strcmp(dto, to) || json_integer_value(json_object_get(dl, "line")) != line)
            continue;
        lw_buf b = {0};
        size_t j;
        json_t *name;
        json_array_foreach(json_object_get(duties[i], "lead"), j, name) {
            if (json_is_string(name))
                lw_buf_printf(&b, "%s%s", b.len ? ", " : "", json_string_value(name));
        }
        if (b.len)
            return lw_buf_detach(&b, NULL);
        lw_buf_free(&b);
    }
    return NULL;
}

/* The agency named closest before fact index k, at most 6 lines before; borrowed or NULL. */
static const char *nearby_agency(json_t *facts, size_t k)
{
    json_t *dl = json_array_get(facts, k);
    json_int_t line = json_integer_value(json_object_get(dl, "line"));
    /* at most 64 facts back: a one-line document has every fact on line 1 */
    for (size_t i = k; i-- > 0 && k - i <= 64;) {
        json_t *f = json_array_get(facts, i);
        json_int_t fl = json_integer_value(json_object_get(f, "line"));
        if (fl + 6 < line)
            break;
        const char *kind = json_string_value(json_object_get(f, "kind"));
        if (kind && !strcmp(kind, "agency") && json_is_string(json_object_get(f, "name")))
            return json_string_value(json_object_get(f, "name"));
    }
    return NULL;
}

/* Names of a JSON array of strings joined with "; "; owned or NULL when empty. */
static char *joined(json_t *arr)
{
    lw_buf b = {0};
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) if (json_is_string(v)) lw_buf_printf(&b, "%s%s", b.len ? "; " : "", json_string_value(v));
    return b.len ? lw_buf_detach(&b, NULL) : (lw_buf_free(&b), NULL);
}

static int put_duty(lw_store *s, sqlite3_int64 doc_id, sqlite3_int64 fid, json_t *f)
{
    sqlite3_stmt *st = stmt(s, Q_INS_DUTY);
    if (!st)
        return -1;
    json_t *dl = json_object_get(f, "deadline");
    sqlite3_bind_int64(st, 1, fid);
    sqlite3_bind_int64(st, 2, doc_id);
    bind_js(st, 3, f, "activity");
    bind_js(st, 4, f, "topic");
    bind_js(st, 5, f, "section");
    bind_js(st, 6, f, "source");
    bind_owned(st, 7, joined(json_object_get(f, "lead")));
    bind_owned(st, 8, joined(json_object_get(f, "partners")));
    bind_js(st, 9, f, "output");
    if (json_is_object(dl)) {
        bind_js(st, 10, dl, "from");
        bind_js(st, 11, dl, "to");
        bind_js(st, 12, dl, "precision");
        bind_js(st, 13, dl, "qualifier");
        bind_js(st, 14, dl, "text");
        bind_js(st, 15, dl, "line");
    } else if (json_is_string(json_object_get(f, "recurring"))) {
        /* an undated time frame ("Thực hiện thường xuyên"): its words, no date to miss */
        sqlite3_bind_text(st, 13, "recurring", -1, SQLITE_STATIC);
        bind_js(st, 14, f, "recurring");
    }
    bind_js(st, 16, f, "line");
    json_t *span = json_object_get(f, "span");
    if (json_array_size(span) == 2)
        sqlite3_bind_int64(st, 17, json_integer_value(json_array_get(span, 0)));
    if (run(st))
        return -1;
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(f, "units"), i, u) {
        const char *name = json_string_value(json_object_get(u, "name"));
        if (!name)
            continue;
        st = stmt(s, Q_INS_DUNIT);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, fid);
        sqlite3_bind_int64(st, 2, doc_id);
        bind_js(st, 3, u, "role");
        bind_copy(st, 4, name);
        bind_owned(st, 5, lw_store_fold(name));
        bind_js(st, 6, u, "level");
        bind_js(st, 7, u, "line");
        if (run(st))
            return -1;
    }
    return 0;
}

/* fact_json: the fact as JSON text, owned; taken over (freed) whatever happens. */
static int put_fact(lw_store *s, sqlite3_int64 doc_id, json_t *facts, size_t k, json_t *const *duties, size_t nduties,
                    char *fact_json)
{
    json_t *f = json_array_get(facts, k);
    const char *kind = json_string_value(json_object_get(f, "kind"));
    sqlite3_stmt *st = stmt(s, Q_INS_FACT);
    if (!st || !kind) {
        free(fact_json);
        return -1;
    }
    json_t *span = json_object_get(f, "span");
    sqlite3_bind_int64(st, 1, doc_id);
    bind_js(st, 2, f, "kind");
    bind_js(st, 3, f, "rule");
    bind_js(st, 4, f, "line");
    if (json_array_size(span) == 2) {
        sqlite3_bind_int64(st, 5, json_integer_value(json_array_get(span, 0)));
        sqlite3_bind_int64(st, 6, json_integer_value(json_array_get(span, 1)));
    }
    bind_js(st, 7, f, "text");
    bind_owned(st, 8, fact_json);
    if (run(st))
        return -1;
    sqlite3_int64 fid = sqlite3_last_insert_rowid(s->db);
    if (!strcmp(kind, "legal_ref")) {
        st = stmt(s, Q_INS_REF);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, fid);
        sqlite3_bind_int64(st, 2, doc_id);
        bind_js(st, 3, f, "type");
        bind_js(st, 4, f, "number");
        bind_js(st, 5, f, "year");
        bind_js(st, 6, f, "symbol");
        bind_js(st, 7, f, "id");
        bind_owned(st, 8, lw_store_fold(json_string_value(json_object_get(f, "id"))));
        bind_js(st, 9, f, "title");
        bind_js(st, 10, f, "date");
        bind_js(st, 11, f, "pinpoint");
        sqlite3_bind_int(st, 12, json_is_true(json_object_get(f, "year_mismatch")));
        bind_js(st, 13, f, "line");
        if (json_array_size(span) == 2)
            sqlite3_bind_int64(st, 14, json_integer_value(json_array_get(span, 0)));
        bind_js(st, 15, f, "text");
    } else if (!strcmp(kind, "deadline")) {
        st = stmt(s, Q_INS_DL);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, fid);
        sqlite3_bind_int64(st, 2, doc_id);
        bind_js(st, 3, f, "from");
        bind_js(st, 4, f, "to");
        bind_js(st, 5, f, "precision");
        bind_js(st, 6, f, "qualifier");
        bind_owned(st, 7, duty_unit(duties, nduties, f));
        const char *near = nearby_agency(facts, k);
        if (near)
            bind_copy(st, 8, near);
    } else if (!strcmp(kind, "agency")) {
        st = stmt(s, Q_INS_AG);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, fid);
        sqlite3_bind_int64(st, 2, doc_id);
        bind_js(st, 3, f, "name");
        bind_js(st, 4, f, "level");
        bind_js(st, 5, f, "province");
        bind_js(st, 6, f, "role");
    } else if (!strcmp(kind, "relation")) {
        st = stmt(s, Q_INS_REL);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, fid);
        sqlite3_bind_int64(st, 2, doc_id);
        bind_js(st, 3, f, "type");
        bind_js(st, 4, f, "from");
        bind_js(st, 5, f, "to");
    } else if (!strcmp(kind, "duty")) {
        return put_duty(s, doc_id, fid, f);
    } else if (!strcmp(kind, "date")) {
        st = stmt(s, Q_INS_DATE);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, fid);
        sqlite3_bind_int64(st, 2, doc_id);
        bind_js(st, 3, f, "value");
    } else {
        return 0;
    }
    return run(st);
}

static int put_rows(lw_store *s, const lw_doc *doc, const lw_extraction *x, const char *rules_version,
                    int64_t size, int64_t mtime_ns, int *dup)
{
    sqlite3_int64 old_id, same_id;
    int64_t osize, omtime;
    char osha[65];
    if (lookup(s, doc->path, &old_id, &osize, &omtime, osha) || by_sha(s, doc->sha256, &same_id))
        return -1;
    if (same_id && same_id != old_id) {
        /* the content is stored: this file is one more path of it */
        if (old_id && detach_path(s, old_id, doc->path) < 0)
            return -1;
        *dup = 1;
        return add_path(s, same_id, doc->path, size, mtime_ns);
    }
    if (same_id) {
        /* the same content at the same path: its facts again, under the same id and paths */
        sqlite3_stmt *t = stmt(s, Q_TOUCH);
        if (delete_doc(s, same_id, 0) || !t)
            return -1;
        sqlite3_bind_text(t, 1, doc->path, -1, SQLITE_STATIC);
        sqlite3_bind_int64(t, 2, size);
        sqlite3_bind_int64(t, 3, mtime_ns);
        if (run(t) || !(t = stmt(s, Q_TOUCH_DOC)))
            return -1;
        sqlite3_bind_text(t, 1, doc->path, -1, SQLITE_STATIC);
        sqlite3_bind_int64(t, 2, size);
        sqlite3_bind_int64(t, 3, mtime_ns);
        if (run(t))
            return -1;
    } else if (old_id && detach_path(s, old_id, doc->path) < 0) {
        /* new content at a stored path: the path leaves its old document first */
        return -1;
    }
    json_t *rec = lw_extraction_record(x, doc);
    if (!rec)
        return -1;
    json_t *h = json_object_get(rec, "header"), *facts = json_object_get(rec, "facts");
    int rc = -1;
    size_t nf = json_array_size(facts);
    /* each fact's JSON, owned until put_fact takes it */
    char **fact_json = calloc(nf + 1, sizeof *fact_json);
    if (!fact_json) {
        lw_oom_note();
        goto done;
    }
    for (size_t k = 0; k < nf; k++)
        if (!(fact_json[k] = lw_json_dumps(json_array_get(facts, k), JSON_COMPACT)))
            goto done;
    sqlite3_stmt *st = stmt(s, same_id ? Q_UPD_DOC : Q_INS_DOC);
    if (!st)
        goto done;
    if (same_id)
        sqlite3_bind_int64(st, 16, same_id);
    sqlite3_bind_text(st, 1, doc->path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, doc->sha256, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, size);
    sqlite3_bind_int64(st, 4, mtime_ns);
    sqlite3_bind_text(st, 5, lw_encoding_name(doc->dec->encoding), -1, SQLITE_STATIC);
    bind_js(st, 6, h, "kind");
    bind_js(st, 7, h, "number");
    bind_js(st, 8, h, "issuer");
    bind_js(st, 9, h, "place");
    bind_js(st, 10, h, "date");
    bind_js(st, 11, h, "subject");
    bind_owned(st, 12, lw_store_fold(json_string_value(json_object_get(h, "kind"))));
    bind_owned(st, 13, lw_store_fold(json_string_value(json_object_get(h, "issuer"))));
    sqlite3_bind_int64(st, 14, (sqlite3_int64)json_array_size(facts));
    sqlite3_bind_text(st, 15, rules_version ? rules_version : "", -1, SQLITE_STATIC);
    if (run(st))
        goto done;
    sqlite3_int64 id = same_id ? same_id : sqlite3_last_insert_rowid(s->db);
    if (!same_id && add_path(s, id, doc->path, size, mtime_ns))
        goto done;
    st = stmt(s, Q_INS_SRC);
    if (!st)
        goto done;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_blob64(st, 2, doc->raw ? (const void *)doc->raw : (const void *)"", doc->raw_len, SQLITE_STATIC);
    if (run(st))
        goto done;
    {
        size_t nd = 0;
        json_t **duties = malloc((nf + 1) * sizeof *duties);
        if (!duties) {
            lw_oom_note();
            goto done;
        }
        for (size_t k = 0; k < nf; k++) {
            json_t *f = json_array_get(facts, k);
            const char *kind = json_string_value(json_object_get(f, "kind"));
            if (kind && !strcmp(kind, "duty"))
                duties[nd++] = f;
        }
        for (size_t k = 0; k < nf; k++) {
            char *fj = fact_json[k];
            fact_json[k] = NULL;
            if (put_fact(s, id, facts, k, duties, nd, fj)) {
                free(duties);
                goto done;
            }
        }
        free(duties);
    }
    size_t len;
    const char *text = lw_doc_text(doc, &len);
    if (s->in_txn) {
        json_t *subj = json_object_get(h, "subject");
        rc = fts_queue(s, id, 0, json_is_string(subj) ? json_string_value(subj) : NULL, text, len);
        goto done;
    }
    st = stmt(s, Q_INS_FTS);
    if (!st)
        goto done;
    sqlite3_bind_int64(st, 1, id);
    bind_js(st, 2, h, "subject");
    sqlite3_bind_text64(st, 3, text, len, SQLITE_STATIC, SQLITE_UTF8);
    rc = run(st);
done:
    if (fact_json)
        for (size_t k = 0; k < nf; k++)
            free(fact_json[k]);
    free(fact_json);
    json_decref(rec);
    return rc;
}

lw_status lw_store_put(lw_store *s, const lw_doc *doc, const lw_extraction *x, const char *rules_version,
                       int64_t size, int64_t mtime_ns, int *duplicate, lw_error *err)
{
    int dup = 0;
    if (duplicate)
        *duplicate = 0;
    s->put_rc = 0;
    size_t nfts = s->n_fts;
    if (exec(s, "SAVEPOINT doc")) {
        s->put_rc = sqlite3_errcode(s->db);
        return db_error(s, err, "cannot start a savepoint");
    }
    /* our own allocations failing on the way (a row's text, a folded name, a fact's JSON)
     * are noted (lw_oom): the document is then not stored, as for a database error */
    unsigned long oom = lw_oom_mark();
    bind_failed = 0;
    int put = put_rows(s, doc, x, rules_version, size, mtime_ns, &dup);
    if (put || lw_oom_since(oom)) {
        /* kept: the rollback below resets the connection's error code, and the caller must
         * still tell a full disk (stop) from a bad document (go on) */
        int ours = lw_oom_since(oom) || sqlite3_errcode(s->db) == SQLITE_OK;
        s->put_rc = ours ? SQLITE_NOMEM : sqlite3_errcode(s->db);
        lw_error_set(err, LW_ERR_DB, doc->path, 0, 0, "không lưu được (cannot store): %s",
                     ours ? "out of memory" : sqlite3_errmsg(s->db));
        exec(s, "ROLLBACK TO doc");
        exec(s, "RELEASE doc");
        fts_truncate(s, nfts);
        return LW_ERR_DB;
    }
    if (exec(s, "RELEASE doc"))
        return db_error(s, err, "cannot release a savepoint");
    if (duplicate)
        *duplicate = dup;
    return LW_OK;
}

int lw_store_delete_path(lw_store *s, const char *path, lw_error *err)
{
    sqlite3_int64 id;
    int64_t a, b;
    char sha[65];
    if (lookup(s, path, &id, &a, &b, sha))
        return db_error(s, err, "cannot look up a document"), -1;
    if (!id)
        return 0;
    size_t nfts = s->n_fts;
    int gone = -1;
    if (exec(s, "SAVEPOINT del") || (gone = detach_path(s, id, path)) < 0) {
        db_error(s, err, "cannot delete a document");
        exec(s, "ROLLBACK TO del");
        exec(s, "RELEASE del");
        fts_truncate(s, nfts);
        return -1;
    }
    exec(s, "RELEASE del");
    return 1 + gone;
}

/* ---- ingest ---- */

void lw_ingest_options_default(lw_ingest_options *o)
{
    memset(o, 0, sizeof *o);
    o->jobs = 1;
    o->batch = 200;
    lw_doc_options_default(&o->doc);
}

void lw_ingest_report_free(lw_ingest_report *rep)
{
    if (!rep)
        return;
    for (size_t i = 0; i < rep->n_skipped; i++) {
        free(rep->skipped[i].path);
        free(rep->skipped[i].reason);
    }
    for (size_t i = 0; i < rep->n_failed; i++) {
        free(rep->failed[i].path);
        free(rep->failed[i].reason);
    }
    free(rep->skipped);
    free(rep->failed);
    memset(rep, 0, sizeof *rep);
}

/* Records a problem in list; one that memory runs out to record is still counted
 * (rep->n_unrecorded), so the summary and the exit status never hide it. */
static void add_problem(lw_ingest_report *rep, lw_ingest_problem **list, size_t *n, const char *path,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void add_problem(lw_ingest_report *rep, lw_ingest_problem **list, size_t *n, const char *path,
                        const char *fmt, ...)
{
    lw_ingest_problem *p = realloc(*list, (*n + 1) * sizeof *p);
    if (!p) {
        rep->n_unrecorded++;
        return;
    }
    *list = p;
    va_list ap;
    va_start(ap, fmt);
    char *reason = NULL;
    if (vasprintf(&reason, fmt, ap) < 0)
        reason = NULL;
    va_end(ap);
    char *copy = strdup(path);
    if (!reason || !copy) {
        free(reason);
        free(copy);
        rep->n_unrecorded++;
        return;
    }
    p[*n].path = copy;
    p[*n].reason = reason;
    (*n)++;
}

static void add_failure(lw_ingest_report *rep, const char *path, const lw_error *e)
{
    char buf[2400];
    lw_error copy = *e;
    if (!copy.file[0])
        snprintf(copy.file, sizeof copy.file, "%s", path);
    add_problem(rep, &rep->failed, &rep->n_failed, path, "%s", lw_error_format(&copy, buf, sizeof buf));
}

typedef struct {
    char *path;    /* absolute: the key in doc_paths */
    char *shown;   /* as the user would name it (argument + relative part) */
    size_t arg;    /* index of the PATH argument it was found under */
    int64_t size, mtime_ns;
    /* stored state */
    sqlite3_int64 id;
    char sha[65];
    /* result of prepare */
    int ready;
    int was_read;  /* the file's bytes were read */
    enum { R_STORE, R_TOUCH, R_FAIL, R_SKIP } outcome; /* R_SKIP: err.msg says why */
    lw_doc *doc;
    lw_extraction *x;
    /* made by prepare, freed once written: one per file in the list would be 2 KB a file,
     * 40 MB of a 20000-file ingest, while only the documents in flight need one */
    lw_error *err;
} item;

typedef struct {
    item *v;
    size_t n, cap;
    size_t arg; /* the PATH argument being walked */
} item_list;

static int64_t mtime_of(const struct stat *st)
{
    return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

static int has_txt_ext(const char *p)
{
    size_t n = strlen(p);
    return n > 4 && !strcasecmp(p + n - 4, ".txt");
}

static void add_file(item_list *l, lw_ingest_report *rep, const char *shown, const struct stat *st)
{
    if (!S_ISREG(st->st_mode)) {
        add_problem(rep, &rep->skipped, &rep->n_skipped, shown,
                    "%s: không phải tệp thông thường, bỏ qua (not a regular file: a FIFO, socket or device; "
                    "skipped)", shown);
        return;
    }
    if (!has_txt_ext(shown)) {
        add_problem(rep, &rep->skipped, &rep->n_skipped, shown, "%s: không phải tệp .txt, bỏ qua (not a .txt file, skipped)", shown);
        return;
    }
    char *abs = realpath(shown, NULL);
    if (!abs) {
        lw_error e;
        lw_error_set(&e, LW_ERR_IO, shown, 0, 0, "cannot resolve the path: %s", strerror(errno));
        add_failure(rep, shown, &e);
        return;
    }
    char *copy = strdup(shown);
    if (l->n == l->cap || !copy) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        item *v = copy ? realloc(l->v, cap * sizeof *v) : NULL;
        if (!v) {
            /* nothing is dropped silently, not even for want of memory */
            lw_error e;
            lw_error_set(&e, LW_ERR_NOMEM, shown, 0, 0, "hết bộ nhớ, tệp không được đọc (out of memory: not read)");
            add_failure(rep, shown, &e);
            free(copy);
            free(abs);
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    item *it = &l->v[l->n++];
    memset(it, 0, sizeof *it);
    it->path = abs;
    it->shown = copy;
    it->arg = l->arg;
    it->size = st->st_size;
    it->mtime_ns = mtime_of(st);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Walks dir recursively in name order; hidden entries (.git, .cache) are left out;
 * symbolic links to folders are not followed (no loops) but reported as skipped, like
 * broken links, link loops, FIFOs and folders nested deeper than LW_WALK_DEPTH. */
#define LW_WALK_DEPTH 64 /* folder levels below a PATH argument that ingest walks */

static void walk(item_list *l, lw_ingest_report *rep, const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (!d) {
        lw_error e;
        lw_error_set(&e, LW_ERR_IO, dir, 0, 0, "cannot open the folder: %s", strerror(errno));
        add_failure(rep, dir, &e);
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int nomem = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            size_t c2 = cap ? cap * 2 : 64;
            char **p = realloc(names, c2 * sizeof *p);
            if (!p) {
                nomem = 1;
                break;
            }
            names = p;
            cap = c2;
        }
        if (!(names[n] = strdup(de->d_name))) {
            nomem = 1;
            break;
        }
        n++;
    }
    closedir(d);
    if (nomem) {
        /* the folder is reported, not walked in part: a half-read folder would look complete */
        lw_error e;
        lw_error_set(&e, LW_ERR_NOMEM, dir, 0, 0, "hết bộ nhớ khi đọc thư mục (out of memory reading the folder)");
        add_failure(rep, dir, &e);
        for (size_t i = 0; i < n; i++)
            free(names[i]);
        free(names);
        return;
    }
    if (n)
        qsort(names, n, sizeof *names, cmp_name);
    size_t dl = strlen(dir);
    for (size_t i = 0; i < n; i++) {
        char *p = malloc(dl + strlen(names[i]) + 2);
        if (p) {
            sprintf(p, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", names[i]);
            struct stat st, lst;
            /* nothing is dropped silently: what is not walked or read is reported */
            if (lstat(p, &lst) != 0) {
                lw_error e;
                lw_error_set(&e, LW_ERR_IO, p, 0, 0, "cannot read the folder entry: %s", strerror(errno));
                add_failure(rep, p, &e);
            } else if (stat(p, &st) != 0) {
                add_problem(rep, &rep->skipped, &rep->n_skipped, p,
                            "%s: liên kết hỏng hoặc vòng lặp liên kết, bỏ qua (a broken symbolic link or a link "
                            "loop, skipped): %s", p, strerror(errno));
            } else if (S_ISDIR(st.st_mode)) {
                if (S_ISLNK(lst.st_mode))
                    add_problem(rep, &rep->skipped, &rep->n_skipped, p,
                                "%s: liên kết tới thư mục, không theo (a symbolic link to a folder, not followed)", p);
                else if (depth >= LW_WALK_DEPTH)
                    add_problem(rep, &rep->skipped, &rep->n_skipped, p,
                                "%s: thư mục lồng quá %d cấp, bỏ qua (folders nested deeper than %d, skipped)", p,
                                LW_WALK_DEPTH, LW_WALK_DEPTH);
                else
                    walk(l, rep, p, depth + 1);
            } else {
                add_file(l, rep, p, &st);
            }
            free(p);
        }
        free(names[i]);
    }
    free(names);
}

static int cmp_item(const void *a, const void *b)
{
    const item *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    return c ? c : (x->arg > y->arg) - (x->arg < y->arg);
}

/* In the order of the PATH arguments, then of the paths: of byte-identical files the one
 * under the first argument is stored first and is the document's path (documents.path),
 * the one reports show (`ingest corpus ../copies` names corpus/x.txt, not ../copies/x.txt). */
static int cmp_item_arg(const void *a, const void *b)
{
    const item *x = a, *y = b;
    return x->arg != y->arg ? (x->arg > y->arg) - (x->arg < y->arg) : strcmp(x->path, y->path);
}

static void item_clear(item *it)
{
    lw_extraction_free(it->x);
    lw_doc_free(it->doc);
    it->x = NULL;
    it->doc = NULL;
}

/* Reads, hashes, decodes, normalizes and extracts one file: pure, runs in workers. */
static void prepare(item *it, const lw_engine *eng, lw_matcher *m, const lw_doc_options *dopt)
{
    unsigned char *raw;
    size_t len;
    it->err = calloc(1, sizeof *it->err);
    if (!it->err) {
        it->outcome = R_FAIL;
        return;
    }
    if (!m) {
        /* the worker could not make its matcher: this document fails, the batch goes on */
        lw_error_set(it->err, LW_ERR_NOMEM, it->shown, 0, 0, "hết bộ nhớ (out of memory)");
        it->outcome = R_FAIL;
        return;
    }
    if (lw_read_file(it->path, &raw, &len, it->err)) {
        snprintf(it->err->file, sizeof it->err->file, "%s", it->shown);
        it->outcome = R_FAIL;
        return;
    }
    it->was_read = 1;
    /* only a stored document has a hash to compare with (lw_doc_from_bytes hashes again) */
    if (it->id) {
        char sha[65];
        lw_sha256_hex(raw, len, sha);
        if (!strcmp(sha, it->sha)) {
            free(raw);
            it->outcome = R_TOUCH;
            return;
        }
    }
    lw_status st = lw_doc_from_bytes(it->path, raw, len, dopt, &it->doc, it->err);
    free(raw);
    if (!st) {
        /* an empty or blank file (a failed OCR, a placeholder) holds no document */
        size_t tlen, k = 0;
        const char *t = lw_doc_text(it->doc, &tlen);
        while (k < tlen && (t[k] == ' ' || t[k] == '\t' || t[k] == '\n' || t[k] == '\r' || t[k] == '\f' ||
                            t[k] == '\v'))
            k++;
        if (k == tlen) {
            lw_error_set(it->err, LW_ERR_IO, it->shown, 0, 0,
                         len == 0 ? "tệp rỗng, bỏ qua (the file is empty, skipped)"
                                  : "tệp chỉ có khoảng trắng, bỏ qua (the file holds only whitespace, skipped)");
            item_clear(it);
            it->outcome = R_SKIP;
            return;
        }
    }
    if (!st) {
        size_t tlen;
        const char *t = lw_doc_text(it->doc, &tlen);
        st = lw_extract(lw_engine_rules(eng), lw_engine_lexicon(eng), m, t, tlen, NULL, &it->x, it->err);
    }
    if (st) {
        snprintf(it->err->file, sizeof it->err->file, "%s", it->shown);
        item_clear(it);
        it->outcome = R_FAIL;
        return;
    }
    it->outcome = R_STORE;
}

typedef struct {
    item *items;
    size_t n;
    size_t next;      /* next item a worker takes */
    size_t written;   /* items the writer has finished */
    size_t window;    /* items at most taken ahead of the writer */
    uint64_t held, held_max; /* bytes (file sizes) of items taken and not yet written; cap */
    int stop;
    const lw_engine *eng;
    const lw_doc_options *dopt;
    pthread_mutex_t mu;
    pthread_cond_t cv_ready, cv_space;
} pool;

static void *worker(void *arg)
{
    pool *p = arg;
    lw_matcher *m = lw_matcher_create(lw_engine_rules(p->eng));
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (!p->stop && p->next < p->n &&
               (p->next >= p->written + p->window || (p->held >= p->held_max && p->next > p->written)))
            pthread_cond_wait(&p->cv_space, &p->mu);
        if (p->stop || p->next >= p->n) {
            pthread_mutex_unlock(&p->mu);
            break;
        }
        size_t i = p->next++;
        p->held += (uint64_t)p->items[i].size;
        pthread_mutex_unlock(&p->mu);
        prepare(&p->items[i], p->eng, m, p->dopt);
        pthread_mutex_lock(&p->mu);
        p->items[i].ready = 1;
        pthread_cond_broadcast(&p->cv_ready);
        pthread_mutex_unlock(&p->mu);
    }
    lw_matcher_free(m);
    return NULL;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Bytes of files the workers may have read ahead of the writer (lw_store_ingest). */
#define LW_STORE_POOL_HELD (64u * 1024u * 1024u)

/* Text held for doc_text before a commit is forced (a few huge documents in a batch). */
#define LW_STORE_FTS_HELD (32u * 1024u * 1024u)

/* Batched transactions: begin lazily, commit every batch documents or second (or
 * LW_STORE_FTS_HELD bytes of text). */
typedef struct {
    lw_store *s;
    size_t batch, in_batch;
    double started;
    /* the report's counts when the transaction began: a commit that fails (disk full) puts
     * them back, so the summary never counts documents that were not stored */
    lw_ingest_report *rep;
    size_t snap[7];
} txn;

static void txn_snapshot(txn *t, int restore)
{
    lw_ingest_report *r = t->rep;
    if (!r)
        return;
    size_t *v[7] = {&r->ingested, &r->unchanged, &r->touched, &r->reextracted, &r->pruned, &r->duplicates,
                    &r->pruned_docs};
    for (int i = 0; i < 7; i++) {
        if (restore)
            *v[i] = t->snap[i];
        else
            t->snap[i] = *v[i];
    }
}

static lw_status txn_begin(txn *t, lw_error *err)
{
    if (t->s->in_txn)
        return LW_OK;
    if (exec(t->s, "BEGIN IMMEDIATE"))
        return db_error(t->s, err, "cannot start writing (is another lawwatch ingest running?)");
    t->s->in_txn = 1;
    t->in_batch = 0;
    t->started = now_s();
    txn_snapshot(t, 0);
    return LW_OK;
}

static lw_status txn_commit(txn *t, lw_error *err)
{
    if (!t->s->in_txn)
        return LW_OK;
    t->s->in_txn = 0;
    if (fts_flush(t->s) || exec(t->s, "COMMIT")) {
        int rc = sqlite3_errcode(t->s->db) & 0xff;
        lw_status st = db_error(t->s, err, rc == SQLITE_FULL || rc == SQLITE_IOERR
                                               ? "không ghi được (cannot commit; is the disk full? what was committed "
                                                 "before is kept: free some space and run the ingest again)"
                                               : "cannot commit");
        exec(t->s, "ROLLBACK");
        txn_snapshot(t, 1);
        return st;
    }
    return LW_OK;
}

static lw_status txn_step(txn *t, lw_error *err)
{
    if (++t->in_batch >= t->batch || now_s() - t->started >= 1.0 || t->s->fts_bytes >= LW_STORE_FTS_HELD)
        return txn_commit(t, err);
    return LW_OK;
}

/* A database error worth stopping for (the disk, not the document). */
static int fatal_db(lw_store *s)
{
    /* an I/O error can make SQLite roll the whole transaction back by itself */
    if (s->in_txn && sqlite3_get_autocommit(s->db))
        return 1;
    int rc = (s->put_rc ? s->put_rc : sqlite3_errcode(s->db)) & 0xff;
    return rc == SQLITE_FULL || rc == SQLITE_IOERR || rc == SQLITE_CORRUPT || rc == SQLITE_NOMEM ||
           rc == SQLITE_BUSY || rc == SQLITE_READONLY || rc == SQLITE_NOTADB || rc == SQLITE_CANTOPEN;
}

/* The error that stops an ingest while storing a document: it names the database, the
 * document and SQLite's words, and says what a full disk leaves behind. */
static lw_status fatal_put(lw_store *s, const char *doc, const lw_error *e, lw_error *err)
{
    int rc = (s->put_rc ? s->put_rc : sqlite3_errcode(s->db)) & 0xff;
    const char *why = strstr(e->msg, "): ") ? strstr(e->msg, "): ") + 3 : e->msg;
    int disk = rc == SQLITE_FULL || rc == SQLITE_IOERR || (s->in_txn && sqlite3_get_autocommit(s->db));
    return lw_error_set(err, LW_ERR_DB, s->path, 0, 0,
                        "không ghi được cơ sở dữ liệu khi lưu %s (cannot write the database while storing %s): %s%s",
                        doc, doc, why,
                        disk ? "; đĩa đầy hoặc lỗi ghi? (is the disk full?) what was committed before is kept: free "
                               "some space and run the ingest again"
                             : "");
}

static lw_status write_item(lw_store *s, txn *t, item *it, const char *rules_version, lw_ingest_report *rep,
                            lw_error *err)
{
    lw_status st = LW_OK;
    rep->files_read += it->was_read;
    if (it->outcome == R_FAIL && !it->err) {
        add_problem(rep, &rep->failed, &rep->n_failed, it->shown, "%s: out of memory", it->shown);
        return LW_OK;
    }
    if (it->outcome == R_FAIL) {
        add_failure(rep, it->shown, it->err);
        return LW_OK;
    }
    if (it->outcome == R_SKIP) {
        add_problem(rep, &rep->skipped, &rep->n_skipped, it->shown, "%s: %s", it->shown, it->err->msg);
        return LW_OK;
    }
    if ((st = txn_begin(t, err)))
        return st;
    if (it->outcome == R_TOUCH) {
        /* the path's size and mtime, and the document's when it is its first path */
        for (int k = 0; k < 2; k++) {
            sqlite3_stmt *q = stmt(s, k ? Q_TOUCH_DOC : Q_TOUCH);
            if (!q)
                return db_error(s, err, "cannot prepare");
            sqlite3_bind_text(q, 1, it->path, -1, SQLITE_STATIC);
            sqlite3_bind_int64(q, 2, it->size);
            sqlite3_bind_int64(q, 3, it->mtime_ns);
            if (run(q))
                return db_error(s, err, "cannot update a document's mtime");
        }
        rep->unchanged++;
        rep->touched++;
    } else {
        lw_error e;
        lw_error_clear(&e);
        int dup = 0;
        if (lw_store_put(s, it->doc, it->x, rules_version, it->size, it->mtime_ns, &dup, &e)) {
            if (fatal_db(s))
                return fatal_put(s, it->shown, &e, err);
            snprintf(e.file, sizeof e.file, "%s", it->shown);
            add_failure(rep, it->shown, &e);
        } else if (dup) {
            rep->duplicates++;
        } else {
            rep->ingested++;
        }
    }
    return txn_step(t, err);
}

static lw_status reextract_all(lw_store *s, txn *t, const lw_engine *eng, const char *rules_version, int all,
                               lw_ingest_report *rep, lw_error *err)
{
    /* ids first: the writes below must not run under an open cursor over the same rows */
    sqlite3_stmt *q;
    /* all: every document stored with other rules; else only those marked '' by an upgrade */
    if (sqlite3_prepare_v2(s->db, all ? "SELECT id FROM documents WHERE rules_version <> ?1 ORDER BY id"
                                      : "SELECT id FROM documents WHERE rules_version = '' ORDER BY id",
                           -1, &q, NULL))
        return db_error(s, err, "cannot list documents");
    if (all)
        sqlite3_bind_text(q, 1, rules_version, -1, SQLITE_STATIC);
    sqlite3_int64 *ids = NULL;
    size_t n = 0, cap = 0;
    int rc, nomem = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            sqlite3_int64 *p = realloc(ids, cap * sizeof *p);
            if (!p) {
                nomem = 1; /* never a shorter list silently: documents would keep old facts */
                break;
            }
            ids = p;
        }
        ids[n++] = sqlite3_column_int64(q, 0);
    }
    lw_status st = LW_OK;
    if (!nomem && rc != SQLITE_DONE)
        st = db_error(s, err, "cannot list documents");
    sqlite3_finalize(q);
    q = NULL;
    lw_matcher *m = st || nomem ? NULL : lw_matcher_create(lw_engine_rules(eng));
    if (st) {
        n = 0;
    } else if (!m) {
        st = lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "out of memory");
        n = 0;
    } else if (sqlite3_prepare_v2(s->db, "SELECT d.path, d.encoding, d.size, d.mtime_ns, s.raw FROM documents d"
                                  " JOIN sources s ON s.doc_id = d.id WHERE d.id = ?1", -1, &q, NULL)) {
        st = db_error(s, err, "cannot read stored documents");
        n = 0;
    }
    for (size_t i = 0; i < n && !st; i++) {
        sqlite3_reset(q);
        sqlite3_bind_int64(q, 1, ids[i]);
        int row = sqlite3_step(q);
        if (row == SQLITE_DONE)
            continue;
        if (row != SQLITE_ROW) { /* never skipped silently: the document would keep old facts */
            st = db_error(s, err, "cannot read stored documents");
            break;
        }
        char *path = strdup((const char *)sqlite3_column_text(q, 0));
        if (!path) {
            st = lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        lw_doc_options dopt;
        lw_doc_options_default(&dopt);
        const char *enc = (const char *)sqlite3_column_text(q, 1);
        if (enc && lw_encoding_parse(enc, &dopt.encoding))
            dopt.encoding = LW_ENC_AUTO;
        int64_t size = sqlite3_column_int64(q, 2), mtime = sqlite3_column_int64(q, 3);
        lw_doc *doc = NULL;
        lw_extraction *x = NULL;
        lw_error e;
        lw_error_clear(&e);
        lw_status ds = lw_doc_from_bytes(path, sqlite3_column_blob(q, 4), (size_t)sqlite3_column_bytes(q, 4),
                                         &dopt, &doc, &e);
        sqlite3_reset(q);
        if (!ds) {
            size_t tlen;
            const char *text = lw_doc_text(doc, &tlen);
            ds = lw_extract(lw_engine_rules(eng), lw_engine_lexicon(eng), m, text, tlen, NULL, &x, &e);
        }
        if (!ds && !(st = txn_begin(t, err))) {
            ds = lw_store_put(s, doc, x, rules_version, size, mtime, NULL, &e);
            if (ds && fatal_db(s))
                st = fatal_put(s, path, &e, err);
            if (!ds) {
                rep->reextracted++;
                st = txn_step(t, err);
            }
        }
        if (ds && !st)
            add_failure(rep, path, &e);
        lw_extraction_free(x);
        lw_doc_free(doc);
        free(path);
    }
    sqlite3_finalize(q);
    lw_matcher_free(m);
    free(ids);
    return st;
}

static lw_status prune(lw_store *s, txn *t, lw_ingest_report *rep, lw_error *err)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(s->db, "SELECT path FROM doc_paths ORDER BY rowid", -1, &q, NULL))
        return db_error(s, err, "cannot list documents");
    char **gone = NULL;
    size_t n = 0, cap = 0;
    int nomem = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *p = (const char *)sqlite3_column_text(q, 0);
        struct stat st;
        if (stat(p, &st) == 0 || (errno != ENOENT && errno != ENOTDIR))
            continue;
        if (n == cap) {
            size_t c2 = cap ? cap * 2 : 64;
            char **v = realloc(gone, c2 * sizeof *v);
            if (!v) {
                nomem = 1;
                break;
            }
            gone = v;
            cap = c2;
        }
        if (!(gone[n] = strdup(p))) {
            nomem = 1;
            break;
        }
        n++;
    }
    sqlite3_finalize(q);
    /* prune all the gone paths or none: a partial prune would look complete */
    lw_status st = nomem ? lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "out of memory listing the paths to prune") : LW_OK;
    for (size_t i = 0; i < n; i++) {
        if (!st && !(st = txn_begin(t, err))) {
            int r = lw_store_delete_path(s, gone[i], err);
            if (r < 0)
                st = LW_ERR_DB;
            else if (r > 0) {
                rep->pruned++;
                rep->pruned_docs += r == 2;
                st = txn_step(t, err);
            }
        }
        free(gone[i]);
    }
    free(gone);
    return st;
}

lw_status lw_store_ingest(lw_store *s, const lw_engine *eng, const char *const *paths, size_t npaths,
                          const lw_ingest_options *opt, lw_ingest_report *rep, lw_error *err)
{
    lw_ingest_options def;
    if (!opt) {
        lw_ingest_options_default(&def);
        opt = &def;
    }
    memset(rep, 0, sizeof *rep);
    const char *rules_version = lw_ruleset_version(lw_engine_rules(eng));
    item_list l = {0};
    for (size_t i = 0; i < npaths; i++) {
        struct stat st;
        l.arg = i;
        if (stat(paths[i], &st) != 0) {
            lw_error e;
            lw_error_set(&e, LW_ERR_IO, paths[i], 0, 0, "không tìm thấy (no such file or folder): %s", strerror(errno));
            add_failure(rep, paths[i], &e);
        } else if (S_ISDIR(st.st_mode)) {
            walk(&l, rep, paths[i], 0);
        } else {
            add_file(&l, rep, paths[i], &st);
        }
    }
    /* one entry per file, in path order */
    if (l.n)
        qsort(l.v, l.n, sizeof *l.v, cmp_item);
    size_t w = 0;
    for (size_t i = 0; i < l.n; i++) {
        if (w && !strcmp(l.v[w - 1].path, l.v[i].path)) {
            free(l.v[i].path);
            free(l.v[i].shown);
            continue;
        }
        l.v[w++] = l.v[i];
    }
    l.n = w;
    if (l.n)
        qsort(l.v, l.n, sizeof *l.v, cmp_item_arg);

    lw_ingest_progress pr = {0, l.n, 0, 0};
    double t0 = now_s(), last = 0;
    lw_status st = LW_OK;
    /* unchanged files: a stat (done) and a lookup */
    item *work = l.n ? malloc(l.n * sizeof *work) : NULL;
    if (l.n && !work)
        st = lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "out of memory"); /* the files are freed below */
    size_t nwork = 0;
    for (size_t i = 0; i < l.n && !st; i++) {
        item *it = &l.v[i];
        int64_t size = 0, mtime = 0;
        if (lookup(s, it->path, &it->id, &size, &mtime, it->sha)) {
            st = db_error(s, err, "cannot look up a document");
            break;
        }
        if (it->id && size == it->size && mtime == it->mtime_ns) {
            rep->unchanged++;
            pr.done++;
            free(it->path);
            free(it->shown);
        } else {
            work[nwork++] = *it;
        }
    }
    if (st) {
        for (size_t i = 0; i < l.n; i++) {
            free(l.v[i].path);
            free(l.v[i].shown);
        }
        nwork = 0;
    }
    free(l.v);
    if (opt->progress && !st)
        opt->progress(opt->progress_ud, &pr);

    txn t = {s, opt->batch ? opt->batch : 200, 0, 0, rep, {0}};
    int jobs = opt->jobs < 1 ? 1 : opt->jobs > 64 ? 64 : opt->jobs;
    /* The window lets the workers run on while the writer commits a batch (the batch's
     * full-text rows are written then, a tenth of a second or more) instead of stalling
     * after a few documents; the byte cap keeps big documents from piling up in memory. */
    pool p = {work, nwork, 0, 0, (size_t)jobs * 4 + 64, 0, LW_STORE_POOL_HELD, 0, eng, &opt->doc,
              PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER};
    pthread_t th[64];
    int nth = 0;
    lw_matcher *m = NULL;
    if (jobs > 1 && nwork > 1) {
        for (int i = 0; i < jobs; i++)
            if (pthread_create(&th[nth], NULL, worker, &p) == 0)
                nth++;
    }
    if (!nth)
        m = lw_matcher_create(lw_engine_rules(eng));
    size_t i = 0;
    for (; i < nwork && !st; i++) {
        item *it = &work[i];
        if (nth) {
            pthread_mutex_lock(&p.mu);
            while (!it->ready)
                pthread_cond_wait(&p.cv_ready, &p.mu);
            pthread_mutex_unlock(&p.mu);
        } else {
            prepare(it, eng, m, &opt->doc);
        }
        st = write_item(s, &t, it, rules_version, rep, err);
        pr.bytes += (uint64_t)it->size;
        item_clear(it);
        free(it->err);
        it->err = NULL;
        pthread_mutex_lock(&p.mu);
        p.written = i + 1;
        if (nth)
            p.held -= (uint64_t)it->size;
        pthread_cond_broadcast(&p.cv_space);
        pthread_mutex_unlock(&p.mu);
        pr.done++;
        double now = now_s();
        if (opt->progress && (now - last >= 0.1 || i + 1 == nwork)) {
            pr.elapsed = now - t0;
            opt->progress(opt->progress_ud, &pr);
            last = now;
        }
    }
    pthread_mutex_lock(&p.mu);
    p.stop = 1;
    pthread_cond_broadcast(&p.cv_space);
    pthread_mutex_unlock(&p.mu);
    for (int k = 0; k < nth; k++)
        pthread_join(th[k], NULL);
    for (size_t k = 0; k < nwork; k++) {
        item_clear(&work[k]);
        free(work[k].err);
        free(work[k].path);
        free(work[k].shown);
    }
    free(work);
    lw_matcher_free(m);
    pthread_mutex_destroy(&p.mu);
    pthread_cond_destroy(&p.cv_ready);
    pthread_cond_destroy(&p.cv_space);

    if (!st)
        st = reextract_all(s, &t, eng, rules_version, opt->reextract, rep, err);
    if (!st && opt->prune)
        st = prune(s, &t, rep, err);
    if (!st)
        st = txn_commit(&t, err);
    else if (s->in_txn) {
        /* keep what the finished documents wrote; the failed one was rolled back */
        lw_error e2;
        txn_commit(&t, &e2);
    }
    return st;
}

/* ---- search ---- */

static int bind_opt(sqlite3_stmt *st, const char *name, const char *v)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (!i)
        return 0;
    int rc = v ? sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
    if (rc != SQLITE_OK)
        lw_oom_note(); /* a NULL filter would change the answer silently: the search fails */
    return rc;
}

lw_status lw_store_search(lw_store *s, const lw_search_query *q,
                          int (*fn)(void *ud, const lw_search_hit *h), void *ud, size_t *n_hits,
                          lw_error *err)
{
    if (n_hits)
        *n_hits = 0;
    char *expr = NULL;
    lw_status rc = lw_fts_query_build(q->query ? q->query : "", &expr, err);
    if (rc)
        return rc;
    /* The best rows first; snippets (lw_snippet) for those only. Without filters the
     * ranking needs no row of documents: FTS5 ranks alone, a few more rows than asked
     * (equal scores are then ordered by path among them), and only those are looked up. */
    static const char filtered[] =
        "SELECT d.path, d.number, d.kind, d.issuer, d.date, -bm25(doc_text, 4.0, 1.0), doc_text.rowid, d.subject"
        "  FROM doc_text JOIN documents d ON d.id = doc_text.rowid"
        " WHERE doc_text MATCH :expr"
        "   AND (:year IS NULL OR substr(d.date, 1, 4) = :year)"
        "   AND (:kind IS NULL OR d.kind_key = :kind)"
        "   AND (:issuer IS NULL OR instr(d.issuer_key, :issuer) > 0)"
        " ORDER BY bm25(doc_text, 4.0, 1.0), d.path LIMIT :limit";
    static const char plain[] =
        "WITH ranked(id, b) AS ("
        "  SELECT rowid, bm25(doc_text, 4.0, 1.0) FROM doc_text WHERE doc_text MATCH :expr"
        "   ORDER BY 2 LIMIT :limit + 32)"
        "SELECT d.path, d.number, d.kind, d.issuer, d.date, -ranked.b, ranked.id, d.subject"
        "  FROM ranked JOIN documents d ON d.id = ranked.id ORDER BY ranked.b, d.path LIMIT :limit";
    int any_filter = (q->year && *q->year) || (q->kind && *q->kind) || (q->issuer && *q->issuer);
    const char *sql = any_filter ? filtered : plain;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL)) {
        free(expr);
        return db_error(s, err, "cannot prepare the search");
    }
    char *kind = q->kind && *q->kind ? lw_store_fold(q->kind) : NULL;
    char *issuer = q->issuer && *q->issuer ? lw_store_fold(q->issuer) : NULL;
    int bound = !bind_opt(st, ":expr", expr) && !bind_opt(st, ":year", q->year && *q->year ? q->year : NULL) &&
                !bind_opt(st, ":kind", kind) && !bind_opt(st, ":issuer", issuer) &&
                (!q->kind || !*q->kind || kind) && (!q->issuer || !*q->issuer || issuer);
    sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":limit"), q->limit > 0 ? q->limit : 20);
    free(kind);
    free(issuer);
    if (!bound) { /* a filter left NULL: a wrong answer, or FTS5 refusing a NULL expression */
        sqlite3_finalize(st);
        free(expr);
        return lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    size_t n = 0;
    int r;
    lw_snippet_terms *terms = NULL;
    sqlite3_stmt *text_st = NULL, *paths_st = NULL;
    if (lw_snippet_terms_create(expr, &terms)) {
        sqlite3_finalize(st);
        free(expr);
        return lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    if (sqlite3_prepare_v2(s->db, "SELECT subject, body FROM doc_text WHERE rowid = ?1", -1, &text_st, NULL) ||
        sqlite3_prepare_v2(s->db, "SELECT path FROM doc_paths WHERE doc_id = ?1 ORDER BY rowid", -1, &paths_st,
                           NULL)) {
        lw_snippet_terms_free(terms);
        sqlite3_finalize(text_st);
        sqlite3_finalize(st);
        free(expr);
        return db_error(s, err, "cannot prepare the search");
    }
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        char *snippet = NULL;
        sqlite3_reset(text_st);
        sqlite3_bind_int64(text_st, 1, sqlite3_column_int64(st, 6));
        int tr = sqlite3_step(text_st);
        if (tr == SQLITE_ROW) {
            snippet = lw_snippet_make(terms, col_text(text_st, 0), (size_t)sqlite3_column_bytes(text_st, 0),
                                      col_text(text_st, 1), (size_t)sqlite3_column_bytes(text_st, 1),
                                      q->mark_open ? q->mark_open : "«", q->mark_close ? q->mark_close : "»", 24);
            if (!snippet)
                lw_oom_note(); /* never a hit without its snippet silently */
        } else if (tr != SQLITE_DONE) {
            r = tr;
            break;
        }
        /* every path of the document (the first is d.path); a few at most in practice */
        char *pv[64];
        size_t np = 0;
        sqlite3_reset(paths_st);
        sqlite3_bind_int64(paths_st, 1, sqlite3_column_int64(st, 6));
        int pr = SQLITE_DONE;
        while (np < sizeof pv / sizeof *pv && (pr = sqlite3_step(paths_st)) == SQLITE_ROW) {
            const char *p = col_text(paths_st, 0);
            if (p && (pv[np] = strdup(p)))
                np++;
            else
                lw_oom_note(); /* never a path left out silently */
        }
        if (pr != SQLITE_DONE && pr != SQLITE_ROW) {
            for (size_t k = 0; k < np; k++)
                free(pv[k]);
            free(snippet);
            r = pr;
            break;
        }
        lw_search_hit h = {
            col_text(st, 0), col_text(st, 1), col_text(st, 2), col_text(st, 3), col_text(st, 4),
            sqlite3_column_double(st, 5), snippet, sqlite3_column_int64(st, 6), col_text(st, 7),
            (const char *const *)pv, np};
        n++;
        int stop = fn && fn(ud, &h);
        free(snippet);
        for (size_t k = 0; k < np; k++)
            free(pv[k]);
        if (stop) {
            r = SQLITE_DONE;
            break;
        }
    }
    int code = r != SQLITE_DONE ? sqlite3_errcode(s->db) : SQLITE_OK;
    if (r != SQLITE_DONE) {
        /* FTS5 refused the expression: say so in plain words, never the SQL text */
        if (code == SQLITE_ERROR)
            rc = lw_error_set(err, LW_ERR_QUERY, NULL, 0, 0,
                              "truy vấn không hợp lệ (the query could not be understood): \"%s\"; "
                              "hint: put a phrase in double quotes, e.g. \"thi hành pháp luật\"",
                              q->query ? q->query : "");
        else
            rc = db_error(s, err, "search failed");
    }
    sqlite3_finalize(text_st);
    sqlite3_finalize(paths_st);
    lw_snippet_terms_free(terms);
    sqlite3_finalize(st);
    free(expr);
    if (n_hits)
        *n_hits = n;
    return rc;
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

/* Every path of document d as a JSON array, the first first. */
#define DOC_PATHS_JSON \
    "(SELECT json_group_array(path) FROM (SELECT path FROM doc_paths p WHERE p.doc_id = d.id ORDER BY p.rowid))"

/* Runs sql with the given text parameters (?1, ?2...) and int limit (last), calling fn with
 * each row as a JSON object keyed by column name. */
static lw_status rows_json(lw_store *s, const char *sql, const char *const *params, int np, int limit,
                           int (*fn)(void *ud, json_t *row), void *ud, size_t *n_out, lw_error *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL))
        return db_error(s, err, "cannot prepare the query");
    for (int i = 0; i < np; i++)
        if (sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_TRANSIENT) != SQLITE_OK) {
            /* a parameter left NULL would match nothing: an empty answer, silently */
            sqlite3_finalize(st);
            return lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
    sqlite3_bind_int(st, np + 1, limit > 0 ? limit : -1);
    size_t n = 0;
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *row = json_object();
        for (int c = 0; c < sqlite3_column_count(st); c++) {
            json_t *v;
            if (sqlite3_column_name(st, c)[0] == '_') /* helper columns (the min() of a group) */
                continue;
            switch (sqlite3_column_type(st, c)) {
            case SQLITE_INTEGER: v = json_integer(sqlite3_column_int64(st, c)); break;
            case SQLITE_FLOAT: v = json_real(sqlite3_column_double(st, c)); break;
            case SQLITE_NULL: v = json_null(); break;
            default:
                /* a column named paths is a JSON array made by json_group_array */
                if (strcmp(sqlite3_column_name(st, c), "paths")) {
                    v = lw_store_json_text((const char *)sqlite3_column_text(st, c));
                } else if (!(v = json_loads((const char *)sqlite3_column_text(st, c), 0, NULL))) {
                    /* a path that is not UTF-8: the array again, its bytes made valid */
                    json_t *t = lw_store_json_text((const char *)sqlite3_column_text(st, c));
                    v = t ? json_loads(json_string_value(t), 0, NULL) : NULL;
                    json_decref(t);
                }
                break;
            }
            json_object_set_new(row, sqlite3_column_name(st, c), v ? v : json_null());
        }
        n++;
        int stop = fn ? fn(ud, row) : 0;
        json_decref(row);
        if (stop) {
            r = SQLITE_DONE;
            break;
        }
    }
    lw_status rc = r == SQLITE_DONE ? LW_OK : db_error(s, err, "query failed");
    sqlite3_finalize(st);
    if (n_out)
        *n_out = n;
    return rc;
}

lw_status lw_store_cites(lw_store *s, const char *id, int limit, int (*fn)(void *ud, json_t *row), void *ud,
                         size_t *n, lw_error *err)
{
    char *key = lw_store_fold(id);
    if (!key)
        return lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "out of memory");
    const char *params[] = {key};
    /* one row per document; min() makes the bare columns those of its first mention */
    lw_status rc = rows_json(s,
                             "SELECT d.id, d.path, " DOC_PATHS_JSON " AS paths, d.kind, d.number, d.issuer, d.date,"
                             "       d.subject, count(*) AS mentions, min(r.span_start) AS _first, r.line, r.type,"
                             "       r.cited_id, r.cited_date, r.pinpoint, r.text"
                             "  FROM legal_refs r JOIN documents d ON d.id = r.doc_id"
                             " WHERE r.cited_key = ?1 GROUP BY d.id"
                             " ORDER BY d.date IS NULL, d.date DESC, d.path LIMIT ?2",
                             params, 1, limit, fn, ud, n, err);
    free(key);
    return rc;
}

lw_status lw_store_deadlines_in(lw_store *s, const char *from, const char *to, int limit,
                                int (*fn)(void *ud, json_t *row), void *ud, size_t *n, lw_error *err)
{
    const char *params[] = {from, to};
    return rows_json(s,
                     "SELECT d.id, d.path, " DOC_PATHS_JSON " AS paths, d.kind, d.number, d.issuer, d.date,"
                     "       d.subject, k.unit, k.nearby_agency, k.date_from AS \"from\", k.date_to AS \"to\","
                     "       k.precision, k.qualifier, f.line, f.text"
                     "  FROM deadlines k JOIN facts f ON f.id = k.fact_id JOIN documents d ON d.id = k.doc_id"
                     " WHERE coalesce(k.date_from, k.date_to) <= ?2 AND k.date_to >= ?1"
                     " ORDER BY k.date_to, d.date IS NULL, d.date, d.path, f.line, k.date_from LIMIT ?3",
                     params, 2, limit, fn, ud, n, err);
}

lw_status lw_store_changes_of(lw_store *s, const char *id, int (*fn)(void *ud, json_t *row), void *ud, size_t *n,
                              lw_error *err)
{
    char *key = lw_store_fold(id);
    if (!key)
        return lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "out of memory");
    const char *params[] = {key};
    /* Relations are read from the text and a sentence can be misread ("Nghị định 34/2016
     * được sửa đổi bởi 154/2020" read the other way round): a document never amends one
     * issued after it, so a relation whose amending number has an earlier year than the
     * amended one is left out, and so is one whose years are not both known. */
    /* from_id NULL: the stating document itself ("Thông tư này thay thế ...") */
    lw_status rc = rows_json(s,
                             "WITH rel AS (SELECT r.type, coalesce(r.from_id, d.number) AS by, r.to_id, r.fact_id, d.*"
                             "  FROM relations r JOIN documents d ON d.id = r.doc_id"
                             " WHERE r.type IN ('amends', 'replaces') AND lw_fold(r.to_id) = ?1)"
                             "SELECT d.type, d.by, d.to_id AS \"of\","
                             "       (SELECT x.type FROM legal_refs x WHERE x.doc_id = d.id AND x.cited_key = lw_fold(d.by)"
                             "         ORDER BY x.cited_date IS NULL LIMIT 1) AS by_type,"
                             "       (SELECT x.cited_date FROM legal_refs x WHERE x.doc_id = d.id"
                             "         AND x.cited_key = lw_fold(d.by) AND x.cited_date IS NOT NULL LIMIT 1) AS by_date,"
                             "       d.id, d.path, " DOC_PATHS_JSON " AS paths, d.kind, d.number,"
                             "       d.issuer, d.date, d.subject, min(d.id * 100000000 + coalesce(f.span_start, 0)) AS _first,"
                             "       f.line"
                             "  FROM rel d JOIN facts f ON f.id = d.fact_id"
                             " WHERE substr(d.by, instr(d.by, '/') + 5, 1) = '/'"
                             "   AND substr(d.to_id, instr(d.to_id, '/') + 5, 1) = '/'"
                             "   AND CAST(substr(d.by, instr(d.by, '/') + 1, 4) AS INTEGER)"
                             "       >= CAST(substr(d.to_id, instr(d.to_id, '/') + 1, 4) AS INTEGER)"
                             "   AND lw_fold(d.by) <> ?1"
                             " GROUP BY d.type, lw_fold(d.by) ORDER BY d.type, d.by LIMIT ?2",
                             params, 1, 0, fn, ud, n, err);
    free(key);
    return rc;
}
