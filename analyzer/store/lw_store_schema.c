/* lw_store_schema: create, upgrade and check the SQLite store's schema (see the header).
 * The SQL comes from schema.sql through lw_store_schema_sql.h (generated at build): a new
 * database runs LW_SCHEMA_ALL; the upgrades reuse its sections for what they create. */
#include "lw_store_schema.h"

#include <stdlib.h>
#include <string.h>

#include "lw_msg.h"
#include "lw_oom.h"
#include "lw_store_codec.h"
#include "lw_store_backend.h"
#include "lw_store_schema_sql.h"
#include "lw_store_sqlite.h"

static lw_status db_error(sqlite3 *db, const char *path, lw_error *err, const char *what)
{
    return lw_error_set(err, LW_ERR_DB, path, 0, 0, "%s: %s", what, sqlite3_errmsg(db));
}

/* A query of the schema that failed: out of memory said as such, else the database's words. */
static lw_status read_failed(sqlite3 *db, const char *path, int rc, lw_error *err)
{
    if (rc == SQLITE_NOMEM)
        return lw_error_msg(err, LW_ERR_NOMEM, path, 0, 0, LW_MSG_NOMEM);
    return db_error(db, path, err, "cannot read the database");
}

/* LW_SCHEMA_DOCUMENTS creating documents_v3 instead (the rebuild of schema 3); owned
 * (sqlite3_free), NULL when out of memory. */
static char *documents_as(const char *name)
{
    static const char table[] = "CREATE TABLE documents (";
    const char *sql = LW_SCHEMA_DOCUMENTS, *at = strstr(sql, table);
    if (!at)
        return NULL;
    return sqlite3_mprintf("%.*sCREATE TABLE %s (%s", (int)(at - sql), sql, name, at + strlen(table));
}

static lw_status upgrade_step(sqlite3 *db, const char *path, const char *sql, long long ver, lw_error *err)
{
    char *msg = NULL;
    int rc = sql ? sqlite3_exec(db, sql, NULL, NULL, &msg) : SQLITE_NOMEM;
    if (!rc)
        return LW_OK;
    char mb[LW_STORE_MSG_MAX];
    lw_error_set(err, LW_ERR_DB, path, 0, 0, "%s: %s", lw_msg_format(mb, sizeof mb, LW_MSG_STORE_UPGRADE_FAILED, ver),
                 msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return LW_ERR_DB;
}

/* ---- schema 6 to 7: each fact stored once ---- */

/* One fact of a document being upgraded: its id and its JSON as schema 6 kept it. */
typedef struct {
    long long id;
    char *json;
} old_fact;

typedef struct {
    old_fact *v;
    size_t n, cap;
    size_t at;            /* the next fact the rebuild should give */
    sqlite3_stmt *whole;  /* UPDATE facts SET rest = ?2 WHERE id = ?1 */
    int mismatch;
} up7;

/* lw_codec_read_doc's callback: the rebuilt fact must be the stored one, text for text, else
 * the fact is kept whole (its rest = the old JSON). 0, -1 out of memory, SQLite's code. */
static int check_fact(void *ud, long long id, json_t *fact)
{
    up7 *u = ud;
    if (u->at >= u->n || u->v[u->at].id != id)
        return SQLITE_CORRUPT;
    old_fact *o = &u->v[u->at++];
    char *t = lw_json_dumps(fact, JSON_COMPACT);
    if (!t)
        return -1;
    int same = !strcmp(t, o->json);
    free(t);
    if (same)
        return 0;
    u->mismatch++;
    sqlite3_reset(u->whole);
    sqlite3_bind_int64(u->whole, 1, id);
    sqlite3_bind_text(u->whole, 2, o->json, -1, SQLITE_STATIC);
    int rc = sqlite3_step(u->whole);
    return rc == SQLITE_DONE ? 0 : rc;
}

/* The facts of document doc (their old JSON in facts_v6) split into columns and remainder,
 * then read back: any fact that does not come back as it was stays whole. */
static int doc_to7(sqlite3 *db, sqlite3_stmt *sel, sqlite3_stmt *upd, long long doc, up7 *u)
{
    int rc;
    u->n = u->at = 0;
    sqlite3_reset(sel);
    sqlite3_bind_int64(sel, 1, doc);
    while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
        const char *j = (const char *)sqlite3_column_text(sel, 1);
        json_t *f = j ? json_loads(j, 0, NULL) : NULL;
        char *rest = NULL, *norm = f ? lw_json_dumps(f, JSON_COMPACT) : NULL;
        int whole = 1;
        if (!j || !f || !norm || lw_codec_rest(f, &rest, &whole)) {
            json_decref(f);
            free(norm);
            return j && f ? -1 : SQLITE_CORRUPT;
        }
        json_decref(f);
        if (u->n == u->cap) {
            size_t cap = u->cap ? 2 * u->cap : 64;
            old_fact *v = realloc(u->v, cap * sizeof *v);
            if (!v) {
                free(norm);
                free(rest);
                return -1;
            }
            u->v = v;
            u->cap = cap;
        }
        u->v[u->n++] = (old_fact){sqlite3_column_int64(sel, 0), norm};
        if (!rest) /* the columns hold it all: rest stays NULL */
            continue;
        sqlite3_reset(upd);
        sqlite3_bind_int64(upd, 1, sqlite3_column_int64(sel, 0));
        sqlite3_bind_text(upd, 2, rest, -1, free);
        if ((rc = sqlite3_step(upd)) != SQLITE_DONE)
            return rc;
        sqlite3_clear_bindings(upd);
    }
    if (rc != SQLITE_DONE)
        return rc;
    rc = lw_codec_read_doc(db, doc, check_fact, u);
    return rc ? rc : u->at == u->n ? 0 : SQLITE_CORRUPT;
}

/* Schema 6 kept every fact twice: its JSON whole in facts.json and its keys in the typed
 * tables. facts is made again with rest in place of json (the old table kept aside as
 * facts_v6 until the end), then each document's facts are split (lw_codec_rest) and read
 * back (lw_codec_read_doc): a fact whose columns (filled by an older lawwatch) do not give
 * back its JSON exactly stays whole. The new table is written small from the start: the
 * file grows by it only, and the old table's pages are free for the next documents. The indexes no query uses go (schema.sql says which). The file keeps its size until a
 * VACUUM. One transaction: a failure leaves schema 6 as it was. */
static lw_status upgrade_to7(sqlite3 *db, const char *path, lw_error *err)
{
    char *sql = sqlite3_mprintf(
        "BEGIN IMMEDIATE; DROP VIEW IF EXISTS v_citations; DROP VIEW IF EXISTS v_deadlines;"
        " PRAGMA legacy_alter_table = ON;" /* the typed tables' REFERENCES facts stay as they are */
        " ALTER TABLE facts RENAME TO facts_v6; PRAGMA legacy_alter_table = OFF;"
        " DROP INDEX IF EXISTS facts_doc; DROP INDEX IF EXISTS facts_kind; DROP INDEX IF EXISTS agencies_name;"
        " DROP INDEX IF EXISTS documents_date; DROP INDEX IF EXISTS deadlines_doc; DROP INDEX IF EXISTS agencies_doc;"
        " DROP INDEX IF EXISTS relations_doc; DROP INDEX IF EXISTS dates_doc; %s"
        " INSERT INTO facts(id, doc_id, kind, rule, line, span_start, span_end, text, rest, page, paragraph, ocr_conf)"
        "  SELECT id, doc_id, kind, rule, line, span_start, span_end, text, NULL, page, paragraph, ocr_conf"
        "  FROM facts_v6 ORDER BY id; %s",
        LW_SCHEMA_FACT_ROWS, LW_SCHEMA_V_CITATIONS LW_SCHEMA_V_DEADLINES);
    char *msg = NULL;
    int rc = sql ? sqlite3_exec(db, sql, NULL, NULL, &msg) : SQLITE_NOMEM;
    sqlite3_free(sql);
    sqlite3_stmt *docs = NULL, *sel = NULL, *upd = NULL;
    up7 u = {0};
    if (!rc)
        rc = sqlite3_prepare_v2(db, "SELECT DISTINCT doc_id FROM facts ORDER BY doc_id", -1, &docs, NULL);
    if (!rc)
        rc = sqlite3_prepare_v2(db, "SELECT f.id, o.json FROM facts f JOIN facts_v6 o ON o.id = f.id WHERE f.doc_id = ?1"
                                    " ORDER BY f.id", -1, &sel, NULL);
    if (!rc)
        rc = sqlite3_prepare_v2(db, "UPDATE facts SET rest = ?2 WHERE id = ?1", -1, &upd, NULL);
    if (!rc)
        rc = sqlite3_prepare_v2(db, "UPDATE facts SET rest = ?2 WHERE id = ?1", -1, &u.whole, NULL);
    while (!rc && (rc = sqlite3_step(docs)) == SQLITE_ROW) {
        rc = doc_to7(db, sel, upd, sqlite3_column_int64(docs, 0), &u);
        for (size_t i = 0; i < u.n; i++)
            free(u.v[i].json);
    }
    if (rc == SQLITE_DONE)
        rc = 0;
    free(u.v);
    sqlite3_finalize(docs);
    sqlite3_finalize(sel);
    sqlite3_finalize(upd);
    sqlite3_finalize(u.whole);
    if (!rc)
        rc = sqlite3_exec(db, "DROP TABLE facts_v6; PRAGMA user_version = 7; COMMIT;", NULL, NULL, &msg);
    if (!rc)
        return LW_OK;
    char mb[LW_STORE_MSG_MAX];
    lw_error_set(err, rc == -1 ? LW_ERR_NOMEM : LW_ERR_DB, path, 0, 0, "%s: %s",
                 lw_msg_format(mb, sizeof mb, LW_MSG_STORE_UPGRADE_FAILED, 6LL),
                 msg ? msg : rc == -1 ? sqlite3_errstr(SQLITE_NOMEM) : sqlite3_errmsg(db));
    sqlite3_free(msg);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc == -1 ? LW_ERR_NOMEM : LW_ERR_DB;
}

lw_status lw_store_schema_check(sqlite3 *db, const char *path, int flags, lw_error *err)
{
    long long ver = 0, ntab = 0;
    int rc = lw_sqlite_query_int(db, "PRAGMA user_version", &ver);
    if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
        return lw_error_msg(err, LW_ERR_DB, path, 0, 0, LW_MSG_STORE_NOT_SQLITE);
    if (rc)
        return db_error(db, path, err, "cannot read the database");
    if (lw_sqlite_query_int(db, "SELECT count(*) FROM sqlite_master", &ntab))
        return db_error(db, path, err, "cannot read the database");
    if (ver == 0 && ntab == 0) {
        if (!(flags & LW_STORE_CREATE))
            return lw_error_msg(err, LW_ERR_DB, path, 0, 0, LW_MSG_STORE_EMPTY_DB);
        char *sql = sqlite3_mprintf("BEGIN IMMEDIATE; %s INSERT INTO meta VALUES ('app', 'lawwatch'),"
                                    " ('created_by', '%q'); PRAGMA user_version = %d; COMMIT;",
                                    LW_SCHEMA_ALL, LW_VERSION, LW_STORE_SCHEMA_VERSION);
        char *msg = NULL;
        rc = sql ? sqlite3_exec(db, sql, NULL, NULL, &msg) : SQLITE_NOMEM;
        sqlite3_free(sql);
        if (rc) {
            lw_error_msg(err, LW_ERR_DB, path, 0, 0, LW_MSG_STORE_SCHEMA_CREATE, msg ? msg : sqlite3_errstr(rc));
            sqlite3_free(msg);
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return LW_ERR_DB;
        }
        return LW_OK;
    }
    long long ok = 0;
    int qrc = ver ? lw_sqlite_query_int(db, "SELECT count(*) FROM meta WHERE key = 'app' AND value = 'lawwatch'", &ok)
                  : SQLITE_OK;
    if (qrc && qrc != SQLITE_ERROR) /* out of memory, a lock...: no verdict on the file (no meta
                                     * table at all is SQLITE_ERROR: not ours) */
        return lw_error_msg(err, LW_ERR_DB, path, 0, 0, LW_MSG_STORE_READ, sqlite3_errstr(qrc));
    if (ver == 0 || qrc || !ok)
        return lw_error_msg(err, LW_ERR_DB, path, 0, 0, LW_MSG_STORE_NOT_LAWWATCH);
    /* Upgrades, in one transaction each. Schema 1 lacked the duty tables: they are added
     * and every document marked for re-extraction (the next ingest recomputes its facts from
     * the stored bytes). Schema 2 kept the JSON record in documents (nothing read it, and it
     * made every row a page or more: scanning documents read the whole database) and
     * duties lacked their line: the record goes, the lines are copied from facts. Each step
     * goes one version up, so an old database takes every step after its own. */
    long long has_record = 0, has_ref_text = 0;
    if ((ver == 1 || ver == 2) &&
        (lw_sqlite_query_int(db, "SELECT count(*) FROM pragma_table_info('documents') WHERE name = 'record'", &has_record) ||
         lw_sqlite_query_int(db, "SELECT count(*) FROM pragma_table_info('legal_refs') WHERE name = 'text'", &has_ref_text)))
        return db_error(db, path, err, "cannot read the database");
    /* documents rebuilt without record (ALTER TABLE DROP COLUMN cannot: it trips over the
     * comments of the stored CREATE TABLE); the views over it are made again. Foreign keys
     * are not enforced on lawwatch's connections, so dropping the old table drops nothing
     * else. */
    char *docs_v3 = has_record ? documents_as("documents_v3") : NULL;
    char *to3 = ver != 1 && ver != 2 ? NULL
                : !has_record ? sqlite3_mprintf("PRAGMA user_version = 3;")
                : !docs_v3  ? NULL
                            : sqlite3_mprintf(
                                 "DROP VIEW IF EXISTS v_documents; DROP VIEW IF EXISTS v_citations;"
                                 " DROP VIEW IF EXISTS v_deadlines; DROP VIEW IF EXISTS v_duties; %s"
                                 " INSERT INTO documents_v3(id, path, sha256, size, mtime_ns, encoding, kind, number,"
                                 " issuer, place, date, subject, kind_key, issuer_key, n_facts, rules_version,"
                                 " ingested_at) SELECT id, path, sha256, size, mtime_ns, encoding, kind, number,"
                                 " issuer, place, date, subject, kind_key, issuer_key, n_facts, rules_version,"
                                 " ingested_at FROM documents;"
                                 " DROP TABLE documents; ALTER TABLE documents_v3 RENAME TO documents; %s",
                                 docs_v3,
                                 LW_SCHEMA_V_DOCUMENTS LW_SCHEMA_V_CITATIONS
                                     LW_SCHEMA_V_DEADLINES LW_SCHEMA_V_DUTIES " PRAGMA user_version = 3;");
    sqlite3_free(docs_v3);
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
    if ((ver == 1 || ver == 2) && (flags & LW_STORE_READONLY))
        sqlite3_free(to3);
    if ((ver == 1 || ver == 2) && !(flags & LW_STORE_READONLY)) {
        /* schema 1 gets the tables with v_duties, which the rebuild of documents remakes */
        char *sql = !to3 ? NULL : ver == 1 ? sqlite3_mprintf("BEGIN IMMEDIATE; %s %s UPDATE documents SET rules_version = ''; %s"
                                               " COMMIT;", LW_SCHEMA_DUTIES LW_SCHEMA_V_DUTIES, has_ref_text ? "" : refs_sql, to3)
                             : sqlite3_mprintf("BEGIN IMMEDIATE; %s %s %s%s COMMIT;", lines_sql,
                                               has_ref_text ? "" : refs_sql,
                                               has_record ? "" : "DROP VIEW v_duties; " LW_SCHEMA_V_DUTIES, to3);
        lw_status ust = upgrade_step(db, path, sql, ver, err);
        sqlite3_free(sql);
        sqlite3_free(to3);
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
            "BEGIN IMMEDIATE; " LW_SCHEMA_DOC_PATHS
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
            " " LW_SCHEMA_DOCUMENTS_SHA
            " DROP VIEW IF EXISTS v_documents; " LW_SCHEMA_V_DOCUMENTS
            " DROP VIEW IF EXISTS v_deadlines; " LW_SCHEMA_V_DEADLINES
            " PRAGMA user_version = 4; COMMIT;";
        lw_status ust = upgrade_step(db, path, to4, ver, err);
        if (ust)
            return ust;
        ver = 4;
    }
    /* Schema 4 lacked the document's topic, which report classified again from the subject
     * at every run. The column comes (a rebuild of documents from schema 2 has it already)
     * with '' in every row: "not classified yet"; the next ingest, which has the rules,
     * classifies those documents (lw_store_ingest) before anything else. */
    if (ver == 4 && !(flags & LW_STORE_READONLY)) {
        long long has_topic = 0;
        if (lw_sqlite_query_int(db, "SELECT count(*) FROM pragma_table_info('documents') WHERE name = 'topic'", &has_topic))
            return db_error(db, path, err, "cannot read the database");
        char *to5 = sqlite3_mprintf("BEGIN IMMEDIATE; %s UPDATE documents SET topic = ''; PRAGMA user_version = 5;"
                                    " COMMIT;", has_topic ? "" : "ALTER TABLE documents ADD COLUMN topic TEXT;");
        lw_status ust = upgrade_step(db, path, to5, ver, err);
        sqlite3_free(to5);
        if (ust)
            return ust;
        ver = 5;
    } else if (ver >= 1 && ver <= 4) {
        return lw_error_msg(err, LW_ERR_DB, path, 0, 0, LW_MSG_STORE_NEEDS_UPGRADE, ver, path);
    }
    /* Schema 5 knew plain text only. Documents get how they were read (every stored one was
     * a text file: the defaults say so), facts their page, paragraph and OCR confidence
     * (NULL for text), and the cache of what readers got out of PDFs, images and Word files
     * comes, empty. A rebuild of documents from schema 2 has the columns already. */
    /* A database made while schema 6 was being written (before legal_refs and duties had
     * their page) gets the columns it lacks, without a version of its own. */
    int repair = 0;
    if (ver == 6 && !(flags & LW_STORE_READONLY)) {
        /* one query on every open: the columns that came last are there */
        long long n = 0;
        int rc6 = lw_sqlite_query_int(db,
                                      "SELECT (SELECT count(*) FROM pragma_table_info('legal_refs') WHERE name = 'page')"
                                      " + (SELECT count(*) FROM pragma_table_info('duties') WHERE name = 'page')",
                                      &n);
        if (rc6)
            return read_failed(db, path, rc6, err);
        repair = n != 2;
    }
    if ((ver == 5 || repair) && !(flags & LW_STORE_READONLY)) {
        static const char *const cols[][3] = {
            {"documents", "source_format", "TEXT NOT NULL DEFAULT 'text'"},
            {"documents", "pages", "INTEGER"},
            {"documents", "note", "TEXT"},
            {"facts", "page", "INTEGER"},
            {"facts", "paragraph", "INTEGER"},
            {"facts", "ocr_conf", "INTEGER"},
            {"legal_refs", "page", "INTEGER"},
            {"duties", "page", "INTEGER"},
        };
        char *to6 = sqlite3_mprintf("BEGIN IMMEDIATE;");
        for (size_t i = 0; to6 && i < sizeof cols / sizeof *cols; i++) {
            long long has = 0;
            char *q = sqlite3_mprintf("SELECT count(*) FROM pragma_table_info('%q') WHERE name = '%q'", cols[i][0],
                                      cols[i][1]);
            int qrc6 = q ? lw_sqlite_query_int(db, q, &has) : SQLITE_NOMEM;
            sqlite3_free(q);
            if (qrc6) {
                sqlite3_free(to6);
                return read_failed(db, path, qrc6, err);
            }
            /* (a schema-5 database has no page to copy: its facts are all of text) */
            int copy = ver == 6 && !strcmp(cols[i][1], "page") && strcmp(cols[i][0], "facts");
            char *more = has ? to6
                             : sqlite3_mprintf("%s ALTER TABLE %s ADD COLUMN %s %s;%s%s%s", to6, cols[i][0], cols[i][1],
                                               cols[i][2], copy ? " UPDATE " : "", copy ? cols[i][0] : "",
                                               copy ? " SET page = (SELECT f.page FROM facts f WHERE f.id = fact_id);"
                                                    : "");
            if (more != to6)
                sqlite3_free(to6);
            to6 = more;
        }
        /* v_documents shows how each document was read */
        char *sql = to6 ? sqlite3_mprintf("%s %s DROP VIEW IF EXISTS v_documents; %s PRAGMA user_version = 6; COMMIT;", to6,
                                          LW_SCHEMA_SOURCE_CACHE, LW_SCHEMA_V_DOCUMENTS)
                        : NULL;
        sqlite3_free(to6);
        if (!sql)
            return lw_error_msg(err, LW_ERR_NOMEM, path, 0, 0, LW_MSG_NOMEM);
        lw_status ust = upgrade_step(db, path, sql, ver, err);
        sqlite3_free(sql);
        if (ust)
            return ust;
        ver = 6;
    } else if (ver == 5) {
        return lw_error_msg(err, LW_ERR_DB, path, 0, 0, LW_MSG_STORE_NEEDS_UPGRADE, ver, path);
    }
    if (ver == 6 && !(flags & LW_STORE_READONLY)) {
        lw_status ust = upgrade_to7(db, path, err);
        if (ust)
            return ust;
        ver = 7;
    } else if (ver == 6) {
        return lw_error_msg(err, LW_ERR_DB, path, 0, 0, LW_MSG_STORE_NEEDS_UPGRADE, ver, path);
    }
    if (ver != LW_STORE_SCHEMA_VERSION && ver != 0)
        return lw_error_msg(err, LW_ERR_DB, path, 0, 0,
                            ver > LW_STORE_SCHEMA_VERSION ? LW_MSG_STORE_NEWER : LW_MSG_STORE_OLDER, ver,
                            LW_STORE_SCHEMA_VERSION, path, path);
    return LW_OK;
}
