/* lw_store_pg_query: the PostgreSQL back end's reads (lw_store_pg.h): the rows of check,
 * report, show and the API, the same rows in the same order as the SQLite back end's
 * (lw_store_query.c, lw_store_doc.c), whatever the server's locale.
 *
 * How SQLite's answers are reproduced, statement by statement:
 *  - text is ordered and compared as bytes (SQLite's BINARY): COLLATE "C" wherever text
 *    order matters;
 *  - SQLite's NULLs sort first in ascending order, PostgreSQL's last: NULLS FIRST;
 *  - ties SQLite leaves to its plan come in the order of the rows it scans (rowid, or an
 *    index then rowid): the same key is written out last (fact_id; doc_paths and
 *    duty_units keep their order of insertion in ROWID below);
 *  - SQLite's bare columns of an aggregate with min() (the row of the minimum) are
 *    DISTINCT ON with that minimum first in its ORDER BY;
 *  - lw_fold, a function of lawwatch's own that the server does not have, is applied here,
 *    to the few distinct values that need it (changes_of);
 *  - SQLite's CAST(text AS INTEGER) (the longest integer prefix, else 0) is written out.
 * A fact's row is joined to its typed row within their partition (doc_province, the key
 * schema_pg.sql partitions the big tables by): one partition probed, not all of them.
 * Reads that may be large (every duty of 100,000 documents) come a row at a time (libpq's
 * single-row mode): what the client holds stays one row, as SQLite's stepping does. */
#define _GNU_SOURCE
#include "lw_store_pg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lw_msg.h"
#include "lw_oom.h"
#include "lw_store_codec.h"
#include "lw_store_doc.h"
#include "lw_store_text.h"

/* doc_paths' and duty_units' order of insertion, SQLite's rowid there (schema_pg.sql adds
 * it): the first path of a document is the first of its paths, a duty's units come in the
 * order of its array. */
#define ROWID "seq"

/* PostgreSQL's type oids (catalog/pg_type_d.h, not installed with libpq). */
#define OID_BOOL 16
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_JSON 114
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_NUMERIC 1700
#define OID_JSONB 3802

/* ---- reading a statement's rows ---- */

/* What a row's mapper says: go on, stop (the caller's callback said so), or out of memory. */
enum { ROW_NEXT = 0, ROW_STOP = 1, ROW_NOMEM = -1 };
typedef int (*row_map)(const PGresult *res, int row, void *ud);

static lw_status nomem(lw_pg *c, lw_error *err)
{
    return lw_error_msg(err, LW_ERR_NOMEM, c->shown, 0, 0, LW_MSG_NOMEM);
}

/* Runs sql with n text parameters (NULL: SQL NULL) and hands its rows to map one at a time
 * (single-row mode: the client never holds the whole answer). A stop, or memory running
 * out, ends the statement: cancelled when no transaction is open (else a cancel would abort
 * the caller's transaction, and the rest of the rows are read and dropped). LW_OK, the
 * server's error (LW_ERR_TIMEOUT past the time limit), LW_ERR_NOMEM. */
static lw_status each_row(lw_pg *c, const char *sql, int n, const char *const *params, row_map map, void *ud,
                          lw_error *err)
{
    PGTransactionStatusType ts = PQtransactionStatus(c->pg);
    if (ts == PQTRANS_ACTIVE) /* a read from inside another read's callback */
        return lw_error_msg(err, LW_ERR_DB, c->shown, 0, 0, LW_MSG_PGR_NESTED);
    if (!PQsendQueryParams(c->pg, sql, n, NULL, params, NULL, NULL, 0))
        return lw_pg_fail(c, NULL, err);
    /* before the first result: else the whole answer is read at once */
    PQsetSingleRowMode(c->pg);
    lw_status st = LW_OK;
    int done = 0; /* the rows wanted are all read, or the caller stopped */
    PGresult *res;
    while ((res = PQgetResult(c->pg))) {
        ExecStatusType rs = PQresultStatus(res);
        if (!done && (rs == PGRES_SINGLE_TUPLE || rs == PGRES_TUPLES_OK)) {
            int nt = PQntuples(res);
            for (int i = 0; i < nt && !done; i++) {
                int r = map(res, i, ud);
                if (r == ROW_NOMEM)
                    st = nomem(c, err);
                if (r)
                    done = 1;
            }
            if (done && ts == PQTRANS_IDLE && rs == PGRES_SINGLE_TUPLE) {
                /* the rest of a large answer is not worth reading: cancelled (its error
                 * result, below, is then expected) */
                PGcancel *cc = PQgetCancel(c->pg);
                char eb[256];
                if (cc) {
                    PQcancel(cc, eb, sizeof eb);
                    PQfreeCancel(cc);
                }
            }
        } else if (!done && rs != PGRES_SINGLE_TUPLE && rs != PGRES_TUPLES_OK) {
            st = lw_pg_fail(c, res, err);
            done = 1;
        }
        PQclear(res);
    }
    return st;
}

/* Text column i of a row, NULL for SQL NULL. */
static const char *txt(const PGresult *res, int row, int i) { return lw_pg_str(res, row, i); }
static long long i64(const PGresult *res, int row, int i) { return lw_pg_int(res, row, i, 0); }

/* ids as a bigint[] parameter ("{1,5,9}"), owned; NULL when out of memory. */
static char *ids_array(const long long *ids, size_t n)
{
    size_t cap = 2 + n * 21 + 1;
    char *b = malloc(cap), *p = b;
    if (!b)
        return NULL;
    *p++ = '{';
    for (size_t i = 0; i < n; i++)
        p += snprintf(p, cap - (size_t)(p - b), "%s%lld", i ? "," : "", ids[i]);
    snprintf(p, cap - (size_t)(p - b), "}");
    return b;
}

/* strings as a text[] parameter ({"a","b\"c"}), owned; NULL when out of memory. */
static char *text_array(char *const *v, size_t n)
{
    size_t cap = 3;
    for (size_t i = 0; i < n; i++)
        cap += 2 * strlen(v[i]) + 3;
    char *b = malloc(cap), *p = b;
    if (!b)
        return NULL;
    *p++ = '{';
    for (size_t i = 0; i < n; i++) {
        if (i)
            *p++ = ',';
        *p++ = '"';
        for (const char *s = v[i]; *s; s++) {
            if (*s == '"' || *s == '\\')
                *p++ = '\\';
            *p++ = *s;
        }
        *p++ = '"';
    }
    *p++ = '}';
    *p = '\0';
    return b;
}

/* each_row over the rows of the documents ids[0..n) (the statement's $1, a bigint[]). */
static lw_status each_row_of(lw_pg *c, const char *sql, const long long *ids, size_t n, row_map map, void *ud,
                             lw_error *err)
{
    char *a = ids_array(ids, n);
    if (!a)
        return nomem(c, err);
    const char *params[] = {a};
    lw_status st = each_row(c, sql, 1, params, map, ud, err);
    free(a);
    return st;
}

/* A caller's callback and its data, for the mappers. */
typedef struct {
    const void *fn;
    void *ud;
} target;

/* ---- what ingest reads back ---- */

typedef struct {
    long long *v;
    size_t n, cap;
} id_list;

static int map_id(const PGresult *res, int row, void *ud)
{
    id_list *l = ud;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        long long *p = realloc(l->v, cap * sizeof *p);
        if (!p)
            return ROW_NOMEM;
        l->v = p;
        l->cap = cap;
    }
    l->v[l->n++] = i64(res, row, 0);
    return ROW_NEXT;
}

lw_status lw_pg_stale_ids(lw_store_conn *conn, const char *rules_version, int all, long long **ids, size_t *n,
                          lw_error *err)
{
    lw_pg *c = LW_PG(conn);
    *ids = NULL;
    *n = 0;
    const char *params[] = {rules_version};
    id_list l = {0};
    /* all: every document stored with other rules; else only those marked '' by an upgrade */
    lw_status st = all ? each_row(c, "SELECT id FROM documents WHERE rules_version <> $1 ORDER BY id", 1, params,
                                  map_id, &l, err)
                       : each_row(c, "SELECT id FROM documents WHERE rules_version = '' ORDER BY id", 0, NULL, map_id,
                                  &l, err);
    if (st) {
        free(l.v); /* every stale document or none: a partial list would look complete */
        return st;
    }
    *ids = l.v;
    *n = l.n;
    return LW_OK;
}

typedef int (*path_fn)(void *ud, const char *path);
static int map_path(const PGresult *res, int row, void *ud)
{
    const target *t = ud;
    return (*(const path_fn *)t->fn)(t->ud, txt(res, row, 0)) ? ROW_STOP : ROW_NEXT;
}

lw_status lw_pg_each_path(lw_store_conn *c, path_fn fn, void *ud, lw_error *err)
{
    target t = {&fn, ud};
    return each_row(LW_PG(c), "SELECT path FROM doc_paths ORDER BY " ROWID, 0, NULL, map_path, &t, err);
}

/* ---- the reads of check and report ---- */

typedef int (*doc_fn)(void *ud, const lw_store_doc_row *r);
static int map_doc(const PGresult *res, int i, void *ud)
{
    const target *t = ud;
    lw_store_doc_row r = {i64(res, i, 0),    txt(res, i, 1), txt(res, i, 2), txt(res, i, 3), txt(res, i, 4),
                          txt(res, i, 5),    txt(res, i, 6), txt(res, i, 7), txt(res, i, 8)};
    return (*(const doc_fn *)t->fn)(t->ud, &r) ? ROW_STOP : ROW_NEXT;
}

#define DOC_COLS "SELECT id, path, kind, number, issuer, date, subject, kind_key, topic FROM documents"

lw_status lw_pg_each_document(lw_store_conn *c, doc_fn fn, void *ud, lw_error *err)
{
    target t = {&fn, ud};
    return each_row(LW_PG(c), DOC_COLS " ORDER BY id", 0, NULL, map_doc, &t, err);
}

lw_status lw_pg_each_document_of(lw_store_conn *c, const long long *ids, size_t n, doc_fn fn, void *ud,
                                 lw_error *err)
{
    target t = {&fn, ud};
    return each_row_of(LW_PG(c), DOC_COLS " WHERE id = ANY($1::bigint[]) ORDER BY id", ids, n, map_doc, &t, err);
}

lw_status lw_pg_each_topic_todo(lw_store_conn *c, doc_fn fn, void *ud, lw_error *err)
{
    target t = {&fn, ud};
    return each_row(LW_PG(c),
                    "SELECT id, NULL, NULL, NULL, NULL, NULL, subject, NULL, NULL FROM documents"
                    " WHERE topic = '' ORDER BY id",
                    0, NULL, map_doc, &t, err);
}

typedef int (*value_fn)(void *ud, const lw_store_doc_value *r);
static int map_value(const PGresult *res, int i, void *ud)
{
    const target *t = ud;
    lw_store_doc_value r = {i64(res, i, 0), txt(res, i, 1)};
    return (*(const value_fn *)t->fn)(t->ud, &r) ? ROW_STOP : ROW_NEXT;
}

lw_status lw_pg_each_issuer_level(lw_store_conn *c, value_fn fn, void *ud, lw_error *err)
{
    target t = {&fn, ud};
    return each_row(LW_PG(c),
                    "SELECT doc_id, level FROM agencies WHERE role = 'issuer' AND level IS NOT NULL"
                    " ORDER BY doc_id, fact_id",
                    0, NULL, map_value, &t, err);
}

lw_status lw_pg_each_doc_province(lw_store_conn *c, value_fn fn, void *ud, lw_error *err)
{
    target t = {&fn, ud};
    return each_row(LW_PG(c),
                    "SELECT doc_id, province, count(*) AS c FROM agencies WHERE province IS NOT NULL"
                    " GROUP BY doc_id, province ORDER BY doc_id, c DESC, province COLLATE \"C\"",
                    0, NULL, map_value, &t, err);
}

typedef int (*duty_fn)(void *ud, const lw_store_duty_row *r);
static int map_duty(const PGresult *res, int i, void *ud)
{
    const target *t = ud;
    lw_store_duty_row r = {i64(res, i, 0),     i64(res, i, 1),     (int)i64(res, i, 2), (int)i64(res, i, 13),
                           txt(res, i, 3),     txt(res, i, 4),     txt(res, i, 5),      txt(res, i, 6),
                           txt(res, i, 7),     txt(res, i, 8),     txt(res, i, 9),      txt(res, i, 10),
                           txt(res, i, 11),    txt(res, i, 12),    (int)i64(res, i, 14)};
    return (*(const duty_fn *)t->fn)(t->ud, &r) ? ROW_STOP : ROW_NEXT;
}

#define DUTY_COLS                                                                                          \
    "SELECT k.fact_id, k.doc_id, k.line, k.activity, k.topic, k.section, k.source, k.output, k.date_from," \
    " k.date_to, k.precision, k.qualifier, k.deadline_text, k.deadline_line, k.page FROM duties k"
#define DUTY_ORDER " ORDER BY k.doc_id, k.span_start NULLS FIRST, k.fact_id"

lw_status lw_pg_each_duty(lw_store_conn *c, duty_fn fn, void *ud, lw_error *err)
{
    target t = {&fn, ud};
    return each_row(LW_PG(c), DUTY_COLS DUTY_ORDER, 0, NULL, map_duty, &t, err);
}

lw_status lw_pg_each_duty_of(lw_store_conn *c, const long long *ids, size_t n, duty_fn fn, void *ud,
                             lw_error *err)
{
    target t = {&fn, ud};
    return each_row_of(LW_PG(c), DUTY_COLS " WHERE k.doc_id = ANY($1::bigint[])" DUTY_ORDER, ids, n, map_duty, &t,
                       err);
}

typedef int (*unit_fn)(void *ud, const lw_store_unit_row *r);
static int map_unit(const PGresult *res, int i, void *ud)
{
    const target *t = ud;
    lw_store_unit_row r = {i64(res, i, 0), txt(res, i, 1), txt(res, i, 2), txt(res, i, 3), (int)i64(res, i, 4)};
    return (*(const unit_fn *)t->fn)(t->ud, &r) ? ROW_STOP : ROW_NEXT;
}

lw_status lw_pg_each_duty_unit(lw_store_conn *c, unit_fn fn, void *ud, lw_error *err)
{
    target t = {&fn, ud};
    return each_row(LW_PG(c), "SELECT fact_id, role, name, level, line FROM duty_units ORDER BY fact_id, " ROWID, 0,
                    NULL, map_unit, &t, err);
}

lw_status lw_pg_each_duty_unit_of(lw_store_conn *c, const long long *ids, size_t n, unit_fn fn, void *ud,
                                  lw_error *err)
{
    target t = {&fn, ud};
    return each_row_of(LW_PG(c),
                       "SELECT fact_id, role, name, level, line FROM duty_units WHERE doc_id = ANY($1::bigint[])"
                       " ORDER BY fact_id, " ROWID,
                       ids, n, map_unit, &t, err);
}

typedef int (*ref_fn)(void *ud, const lw_store_ref_row *r);
static int map_ref(const PGresult *res, int i, void *ud)
{
    const target *t = ud;
    lw_store_ref_row r = {i64(res, i, 0),      txt(res, i, 1),      txt(res, i, 2),       txt(res, i, 5),
                          txt(res, i, 3),      txt(res, i, 4),      txt(res, i, 8),       (int)i64(res, i, 6),
                          (int)i64(res, i, 7), (int)i64(res, i, 9), (int)i64(res, i, 10)};
    return (*(const ref_fn *)t->fn)(t->ud, &r) ? ROW_STOP : ROW_NEXT;
}

static int map_ref_ids(const PGresult *res, int i, void *ud)
{
    const target *t = ud;
    lw_store_ref_row r = {i64(res, i, 0), txt(res, i, 1), txt(res, i, 2), txt(res, i, 3), NULL, NULL, NULL,
                          0,              0,              0,              0};
    return (*(const ref_fn *)t->fn)(t->ud, &r) ? ROW_STOP : ROW_NEXT;
}

static int map_ref_keys(const PGresult *res, int i, void *ud)
{
    const target *t = ud;
    lw_store_ref_row r = {i64(res, i, 0), txt(res, i, 1), txt(res, i, 2), txt(res, i, 4), txt(res, i, 3), NULL, NULL,
                          0,              0,              0,              0};
    return (*(const ref_fn *)t->fn)(t->ud, &r) ? ROW_STOP : ROW_NEXT;
}

/* A document's references in text order (SQLite: the doc_id index, then span_start; its
 * ties in fact order). */
#define REF_ORDER " ORDER BY doc_id, span_start NULLS FIRST, fact_id"
#define REF_COLS                                                                                        \
    "SELECT doc_id, cited_id, cited_key, type, symbol, cited_date, year, line, text, year_mismatch, page" \
    " FROM legal_refs"

lw_status lw_pg_each_ref(lw_store_conn *c, int what, ref_fn fn, void *ud, lw_error *err)
{
    target t = {&fn, ud};
    if (what == LW_STORE_REFS_KEYS)
        return each_row(LW_PG(c), "SELECT doc_id, cited_id, cited_key, type, cited_date FROM legal_refs" REF_ORDER, 0,
                        NULL, map_ref_keys, &t, err);
    if (what == LW_STORE_REFS_IDS)
        return each_row(LW_PG(c),
                        "SELECT doc_id, cited_id, cited_key, cited_date FROM legal_refs WHERE cited_id IS NOT NULL"
                        " ORDER BY doc_id, fact_id",
                        0, NULL, map_ref_ids, &t, err);
    return each_row(LW_PG(c), REF_COLS REF_ORDER, 0, NULL, map_ref, &t, err);
}

lw_status lw_pg_each_ref_of(lw_store_conn *c, const long long *ids, size_t n, ref_fn fn, void *ud, lw_error *err)
{
    target t = {&fn, ud};
    return each_row_of(LW_PG(c), REF_COLS " WHERE doc_id = ANY($1::bigint[])" REF_ORDER, ids, n, map_ref, &t, err);
}

typedef int (*rel_fn)(void *ud, const lw_store_relation_row *r);
static int map_rel(const PGresult *res, int i, void *ud)
{
    const target *t = ud;
    lw_store_relation_row r = {i64(res, i, 0), txt(res, i, 1), txt(res, i, 2), txt(res, i, 3), txt(res, i, 5),
                               (int)i64(res, i, 4)};
    return (*(const rel_fn *)t->fn)(t->ud, &r) ? ROW_STOP : ROW_NEXT;
}

lw_status lw_pg_each_relation(lw_store_conn *c, rel_fn fn, void *ud, lw_error *err)
{
    target t = {&fn, ud};
    /* since has no column: it is in facts.rest, a JSON object either way (lw_store_codec.h);
     * in no particular order, but SQLite's (relations by fact) to be the same */
    return each_row(LW_PG(c),
                    "SELECT r.doc_id, r.type, r.from_id, r.to_id, f.line, f.rest::json ->> 'since'"
                    "  FROM relations r JOIN facts f ON f.id = r.fact_id AND f.doc_province = r.doc_province"
                    " WHERE r.type IN ('replaces', 'amends', 'repeals') AND r.to_id IS NOT NULL ORDER BY r.fact_id",
                    0, NULL, map_rel, &t, err);
}

typedef int (*name_fn)(void *ud, const char *name);
static int map_name(const PGresult *res, int i, void *ud)
{
    const target *t = ud;
    const char *name = txt(res, i, 0);
    return name && (*(const name_fn *)t->fn)(t->ud, name) ? ROW_STOP : ROW_NEXT;
}

lw_status lw_pg_each_unit_name(lw_store_conn *c, int which, name_fn fn, void *ud, lw_error *err)
{
    target t = {&fn, ud};
    /* in no particular order: by name, to be the same from run to run */
    const char *sql = which == LW_STORE_NAMES_ISSUERS
                          ? "SELECT n FROM (SELECT DISTINCT issuer AS n FROM documents WHERE issuer IS NOT NULL) u"
                            " ORDER BY n COLLATE \"C\""
                      : which == LW_STORE_NAMES_UNITS
                          ? "SELECT n FROM (SELECT DISTINCT name AS n FROM duty_units) u ORDER BY n COLLATE \"C\""
                          : "SELECT n FROM (SELECT issuer AS n FROM documents WHERE issuer IS NOT NULL"
                            " UNION SELECT name FROM duty_units) u ORDER BY n COLLATE \"C\"";
    return each_row(LW_PG(c), sql, 0, NULL, map_name, &t, err);
}

/* ---- the fact queries of search: rows as JSON objects ---- */

/* Every path of document d as a JSON array, the first first ('[]' when none, as SQLite's
 * json_group_array). */
#define DOC_PATHS_JSON(D)                                                                            \
    "coalesce((SELECT json_agg(p.path ORDER BY p." ROWID ") FROM doc_paths p WHERE p.doc_id = " D \
    ".id), '[]'::json)"

/* The columns of a fact's position beside its line (schema 6): left out when NULL. */
static int is_position(const char *name)
{
    return !strcmp(name, "page") || !strcmp(name, "paragraph") || !strcmp(name, "ocr_conf");
}

typedef struct {
    int (*fn)(void *ud, json_t *row);
    void *ud;
    size_t n;
} json_rows;

/* A row as a JSON object keyed by column name, as lw_store_query's rows_json makes it from
 * SQLite's: integers and reals as numbers, text as strings, a column named paths (a JSON
 * array) as the array, helper columns (named _...) left out, a NULL position left out. */
static int map_json(const PGresult *res, int i, void *ud)
{
    json_rows *o = ud;
    json_t *row = json_object();
    if (!row)
        return ROW_NOMEM;
    for (int c = 0; c < PQnfields(res); c++) {
        const char *name = PQfname(res, c);
        if (name[0] == '_')
            continue;
        int null = PQgetisnull(res, i, c);
        if (null && is_position(name))
            continue;
        const char *v = PQgetvalue(res, i, c);
        json_t *j;
        switch (null ? 0 : PQftype(res, c)) {
        case 0: j = json_null(); break;
        case OID_INT2:
        case OID_INT4:
        case OID_INT8: j = json_integer(strtoll(v, NULL, 10)); break;
        case OID_FLOAT4:
        case OID_FLOAT8:
        case OID_NUMERIC: j = json_real(strtod(v, NULL)); break;
        case OID_BOOL: j = json_integer(v[0] == 't'); break;
        case OID_JSON:
        case OID_JSONB: j = json_loads(v, JSON_DECODE_ANY, NULL); break;
        default: j = lw_store_json_text(v); break;
        }
        if (!j || json_object_set_new(row, name, j)) {
            json_decref(row);
            return ROW_NOMEM;
        }
    }
    o->n++;
    int stop = o->fn ? o->fn(o->ud, row) : 0;
    json_decref(row);
    return stop ? ROW_STOP : ROW_NEXT;
}

/* The limit of a query as its parameter: NULL (none) when <= 0, as SQLite's LIMIT -1. */
static const char *limit_param(int limit, char buf[24])
{
    if (limit <= 0)
        return NULL;
    snprintf(buf, 24, "%d", limit);
    return buf;
}

lw_status lw_pg_cites(lw_store_conn *conn, const char *id, int limit, int (*fn)(void *ud, json_t *row), void *ud,
                      size_t *n, lw_error *err)
{
    lw_pg *c = LW_PG(conn);
    if (n)
        *n = 0;
    char *key = lw_store_fold(id), lb[24];
    if (!key)
        return nomem(c, err);
    const char *params[] = {key, limit_param(limit, lb)};
    json_rows o = {fn, ud, 0};
    /* one row per document, its first mention's columns (SQLite: min(span_start), whose
     * NULLs do not count, and its bare columns); newest first, undated last */
    lw_status st = each_row(
        c,
        "SELECT x.id, x.path, " DOC_PATHS_JSON("x") " AS paths, x.kind, x.number, x.issuer, x.date, x.subject,"
        "       x.mentions, x._first, x.line, x.type, x.cited_id, x.cited_date, x.pinpoint, x.text, x.page,"
        "       x.paragraph, x.ocr_conf"
        "  FROM (SELECT DISTINCT ON (d.id) d.id, d.path, d.kind, d.number, d.issuer, d.date, d.subject,"
        "               count(*) OVER (PARTITION BY d.id) AS mentions, r.span_start AS _first, r.line, r.type,"
        "               r.cited_id, r.cited_date, r.pinpoint, r.text, f.page, f.paragraph, f.ocr_conf"
        "          FROM legal_refs r JOIN documents d ON d.id = r.doc_id"
        "          JOIN facts f ON f.id = r.fact_id AND f.doc_province = r.doc_province"
        "         WHERE r.cited_key = $1"
        "         ORDER BY d.id, r.span_start NULLS LAST, r.fact_id) x"
        " ORDER BY x.date IS NULL, x.date COLLATE \"C\" DESC, x.path COLLATE \"C\" LIMIT $2::bigint",
        2, params, map_json, &o, err);
    free(key);
    if (n)
        *n = o.n;
    return st;
}

lw_status lw_pg_deadlines_in(lw_store_conn *conn, const char *from, const char *to, int limit,
                             int (*fn)(void *ud, json_t *row), void *ud, size_t *n, lw_error *err)
{
    lw_pg *c = LW_PG(conn);
    char lb[24];
    const char *params[] = {from, to, limit_param(limit, lb)};
    json_rows o = {fn, ud, 0};
    /* SQLite's ties come in its scan of the index on date_to: by fact */
    lw_status st = each_row(
        c,
        "SELECT d.id, d.path, " DOC_PATHS_JSON("d") " AS paths, d.kind, d.number, d.issuer, d.date,"
        "       d.subject, k.unit, k.nearby_agency, k.date_from AS \"from\", k.date_to AS \"to\","
        "       k.precision, k.qualifier, f.line, f.text, f.page, f.paragraph, f.ocr_conf"
        "  FROM deadlines k JOIN facts f ON f.id = k.fact_id AND f.doc_province = k.doc_province"
        "  JOIN documents d ON d.id = k.doc_id"
        " WHERE coalesce(k.date_from, k.date_to) COLLATE \"C\" <= $2 AND k.date_to COLLATE \"C\" >= $1"
        " ORDER BY k.date_to COLLATE \"C\", d.date IS NULL, d.date COLLATE \"C\", d.path COLLATE \"C\","
        "          f.line NULLS FIRST, k.date_from COLLATE \"C\" NULLS FIRST, k.fact_id LIMIT $3::bigint",
        3, params, map_json, &o, err);
    if (n)
        *n = o.n;
    return st;
}

/* ---- changes_of: lw_fold on the client ---- */

typedef struct {
    char **v;
    size_t n, cap;
} str_list;

static int str_add(str_list *l, const char *s)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    if (!(l->v[l->n] = strdup(s)))
        return -1;
    l->n++;
    return 0;
}

static void str_free(str_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

/* What a fold filter collects: the values whose fold is key (key NULL: every value, and
 * its fold beside it in folds). */
typedef struct {
    const char *key;
    str_list values, folds;
} fold_pick;

static int map_fold(const PGresult *res, int i, void *ud)
{
    fold_pick *p = ud;
    const char *v = txt(res, i, 0);
    if (!v)
        return ROW_NEXT; /* lw_fold(NULL) is NULL: equal to nothing */
    char *f = lw_store_fold(v);
    if (!f)
        return ROW_NOMEM;
    int r = 0;
    if (!p->key)
        r = str_add(&p->values, v) || str_add(&p->folds, f);
    else if (!strcmp(f, p->key))
        r = str_add(&p->values, v);
    free(f);
    return r ? ROW_NOMEM : ROW_NEXT;
}

/* SQLite's CAST(x AS INTEGER) of a text: its longest integer prefix (after white space),
 * else 0. */
#define SQLITE_INT(x) "coalesce(substring(" x " from '^[ \\t\\n\\f\\r\\v]*([+-]?[0-9]+)')::numeric, 0)"
#define YEAR_AT(x) SQLITE_INT("substr(" x ", strpos(" x ", '/') + 1, 4)")

lw_status lw_pg_changes_of(lw_store_conn *conn, const char *id, int (*fn)(void *ud, json_t *row), void *ud,
                           size_t *n, lw_error *err)
{
    lw_pg *c = LW_PG(conn);
    if (n)
        *n = 0;
    char *key = lw_store_fold(id), *tos = NULL, *bys = NULL, *keys = NULL;
    if (!key)
        return nomem(c, err);
    /* the ids acted on whose fold is key (SQLite: lw_fold(r.to_id) = ?1), then the amending
     * ids of their relations with their folds (lw_fold(d.by)): the few distinct values the
     * server cannot fold */
    fold_pick to = {key, {0}, {0}}, by = {NULL, {0}, {0}};
    json_rows o = {fn, ud, 0};
    lw_status st = each_row(c,
                            "SELECT DISTINCT to_id FROM relations"
                            " WHERE type IN ('amends', 'replaces') AND to_id IS NOT NULL",
                            0, NULL, map_fold, &to, err);
    if (st || !to.values.n)
        goto out;
    if (!(tos = text_array(to.values.v, to.values.n))) {
        st = nomem(c, err);
        goto out;
    }
    const char *p1[] = {tos};
    st = each_row(c,
                  "SELECT DISTINCT coalesce(r.from_id, d.number) FROM relations r JOIN documents d ON d.id = r.doc_id"
                  " WHERE r.type IN ('amends', 'replaces') AND r.to_id = ANY($1::text[])",
                  1, p1, map_fold, &by, err);
    if (st || !by.values.n)
        goto out;
    if (!(bys = text_array(by.values.v, by.values.n)) || !(keys = text_array(by.folds.v, by.folds.n))) {
        st = nomem(c, err);
        goto out;
    }
    /* Relations are read from the text and a sentence can be misread: a document never
     * amends one issued after it, so a relation whose amending number has an earlier year
     * than the amended one is left out, and so is one whose years are not both known (as
     * lw_store_query.c). One row per (type, folded by): the first stating document's (SQLite:
     * min(d.id * 100000000 + span_start) and its bare columns). */
    const char *params[] = {tos, bys, keys, key};
    st = each_row(
        c,
        "WITH m(by, by_key) AS (SELECT * FROM unnest($2::text[], $3::text[])),"
        " rel AS (SELECT r.type, coalesce(r.from_id, d.number) AS by, r.to_id, r.fact_id, d.id, d.path, d.kind,"
        "                d.number, d.issuer, d.date, d.subject, r.doc_province AS part"
        "           FROM relations r JOIN documents d ON d.id = r.doc_id"
        "          WHERE r.type IN ('amends', 'replaces') AND r.to_id = ANY($1::text[])),"
        " g AS (SELECT DISTINCT ON (d.type, m.by_key) d.*, m.by_key,"
        "              d.id * 100000000 + coalesce(f.span_start, 0) AS _first, f.line, f.page, f.paragraph"
        "         FROM rel d JOIN m ON m.by = d.by JOIN facts f ON f.id = d.fact_id AND f.doc_province = d.part"
        "        WHERE substr(d.by, strpos(d.by, '/') + 5, 1) = '/'"
        "          AND substr(d.to_id, strpos(d.to_id, '/') + 5, 1) = '/'"
        "          AND " YEAR_AT("d.by") " >= " YEAR_AT("d.to_id") "          AND m.by_key <> $4"
        "        ORDER BY d.type, m.by_key, d.id * 100000000 + coalesce(f.span_start, 0), d.fact_id)"
        "SELECT g.type, g.by, g.to_id AS \"of\","
        "       (SELECT x.type FROM legal_refs x WHERE x.doc_id = g.id AND x.cited_key = g.by_key"
        "         ORDER BY x.cited_date IS NULL, x.fact_id LIMIT 1) AS by_type,"
        "       (SELECT x.cited_date FROM legal_refs x WHERE x.doc_id = g.id AND x.cited_key = g.by_key"
        "           AND x.cited_date IS NOT NULL ORDER BY x.fact_id LIMIT 1) AS by_date,"
        "       g.id, g.path, " DOC_PATHS_JSON("g") " AS paths, g.kind, g.number, g.issuer, g.date, g.subject,"
        "       g._first, g.line, g.page, g.paragraph"
        "  FROM g ORDER BY g.type COLLATE \"C\", g.by COLLATE \"C\"",
        4, params, map_json, &o, err);
out:
    str_free(&to.values);
    str_free(&by.values);
    str_free(&by.folds);
    free(tos);
    free(bys);
    free(keys);
    free(key);
    if (n)
        *n = o.n;
    return st;
}

typedef int (*count_fn)(void *ud, const char *key, long long n);
static int map_count(const PGresult *res, int i, void *ud)
{
    const target *t = ud;
    const char *key = txt(res, i, 0);
    return key && (*(const count_fn *)t->fn)(t->ud, key, i64(res, i, 1)) ? ROW_STOP : ROW_NEXT;
}

lw_status lw_pg_cite_counts(lw_store_conn *c, count_fn fn, void *ud, lw_error *err)
{
    target t = {&fn, ud};
    return each_row(LW_PG(c),
                    "SELECT cited_key, count(DISTINCT doc_id) FROM legal_refs WHERE cited_key IS NOT NULL"
                    " GROUP BY cited_key ORDER BY cited_key COLLATE \"C\"",
                    0, NULL, map_count, &t, err);
}

/* ---- one document read whole (lw_store_doc.h) ---- */

/* A result's row through lw_codec_cols: the rebuild of lw_store_codec, the SQLite back
 * end's own. */
typedef struct {
    const PGresult *res;
    int row;
} pg_row;

static lw_codec_type pr_type(void *r, int c)
{
    const pg_row *p = r;
    if (PQgetisnull(p->res, p->row, c))
        return LW_CODEC_NULL;
    switch (PQftype(p->res, c)) {
    case OID_INT2:
    case OID_INT4:
    case OID_INT8: return LW_CODEC_INT;
    case OID_FLOAT4:
    case OID_FLOAT8:
    case OID_NUMERIC: return LW_CODEC_REAL;
    default: return LW_CODEC_TEXT;
    }
}
static long long pr_int64(void *r, int c)
{
    const pg_row *p = r;
    return lw_pg_int(p->res, p->row, c, 0);
}
static double pr_real(void *r, int c)
{
    const pg_row *p = r;
    return PQgetisnull(p->res, p->row, c) ? 0 : strtod(PQgetvalue(p->res, p->row, c), NULL);
}
static const char *pr_text(void *r, int c, size_t *len)
{
    const pg_row *p = r;
    *len = (size_t)PQgetlength(p->res, p->row, c);
    return PQgetvalue(p->res, p->row, c);
}
static const lw_codec_cols pg_cols = {pr_type, pr_int64, pr_real, pr_text};

/* Runs sql with the document's id ($1) and partition ($2, when part is not NULL) and returns
 * its whole answer (one document's rows), NULL with err filled. */
static PGresult *doc_query(lw_pg *c, const char *sql, const char *id, const char *part, lw_error *err)
{
    const char *params[] = {id, part};
    return lw_pg_exec(c, sql, part ? 2 : 1, params, PGRES_TUPLES_OK, err);
}

/* The facts of facts (lw_codec_facts_sql_pg's rows) with their units (units: fact_id, name,
 * level, role, line, in order) as JSON texts into texts[], their ids into ids[] (owned by
 * the caller, n each). LW_OK, LW_ERR_NOMEM, LW_ERR_DB when a remainder does not read. */
static lw_status facts_json(lw_pg *c, const PGresult *facts, const PGresult *units, char ***texts, long long **ids,
                            lw_error *err)
{
    int nf = PQntuples(facts), nu = PQntuples(units), u = 0;
    *texts = calloc(nf ? (size_t)nf : 1, sizeof **texts);
    *ids = calloc(nf ? (size_t)nf : 1, sizeof **ids);
    if (!*texts || !*ids)
        return nomem(c, err);
    for (int i = 0; i < nf; i++) {
        long long id = lw_pg_int(facts, i, 0, 0);
        json_t *us = NULL;
        /* the units come in fact order too: one step through them beside the facts */
        while (u < nu && lw_pg_int(units, u, 0, 0) < id)
            u++;
        for (; u < nu && lw_pg_int(units, u, 0, 0) == id; u++) {
            pg_row ur = {units, u};
            if (lw_codec_unit_add(&pg_cols, &ur, &us)) {
                json_decref(us);
                return nomem(c, err);
            }
        }
        pg_row fr = {facts, i};
        int bad = 0;
        json_t *f = lw_codec_rebuild(&pg_cols, &fr, us, &bad);
        json_decref(us);
        if (!f)
            /* LW_ERR_DB, as the SQLite back end's doc_read says of a remainder that does not read */
            return bad ? lw_error_msg(err, LW_ERR_DB, c->shown, 0, 0, LW_MSG_PGR_BAD_FACT, id) : nomem(c, err);
        (*texts)[i] = lw_json_dumps(f, JSON_COMPACT);
        (*ids)[i] = id;
        json_decref(f);
        if (!(*texts)[i])
            return nomem(c, err);
    }
    return LW_OK;
}

lw_status lw_pg_doc_read(lw_store_conn *conn, long long id, void (*fn)(void *ud, const struct lw_store_doc_full *d),
                         void *ud, int *found, lw_error *err)
{
    lw_pg *c = LW_PG(conn);
    if (found)
        *found = 0;
    if (PQtransactionStatus(c->pg) == PQTRANS_ACTIVE)
        return lw_error_msg(err, LW_ERR_DB, c->shown, 0, 0, LW_MSG_PGR_NESTED);
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", id);
    PGresult *doc = NULL, *paths = NULL, *facts = NULL, *units = NULL;
    char **texts = NULL;
    long long *fids = NULL;
    const char **pv = NULL;
    lw_status st = LW_OK;
    /* one snapshot for the four reads, so that an ingest committing meanwhile cannot give a
     * row of one content and facts of another (inside a caller's transaction: its own) */
    int own_txn = PQtransactionStatus(c->pg) == PQTRANS_IDLE;
    if (own_txn) {
        PGresult *b = lw_pg_exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL, PGRES_COMMAND_OK, err);
        if (!b)
            return err->code;
        PQclear(b);
    }
    doc = doc_query(c,
                    "SELECT id, path, sha256, size, encoding, kind, number, issuer, place, date, subject,"
                    " source_format, pages, note, rules_version, doc_province FROM documents WHERE id = $1",
                    ids, NULL, err);
    if (!doc || !PQntuples(doc)) {
        st = doc ? LW_OK : err->code;
        goto out;
    }
    /* the document's rows are in its partition (documents.doc_province): the other
     * partitions need not be planned nor read */
    const char *part = PQgetvalue(doc, 0, 15);
    if (!(paths = doc_query(c, "SELECT path FROM doc_paths WHERE doc_id = $1 ORDER BY " ROWID, ids, NULL, err)) ||
        !(facts = doc_query(c, lw_codec_facts_sql_pg(), ids, part, err)) ||
        !(units = doc_query(c,
                            "SELECT fact_id, name, level, role, line FROM duty_units WHERE doc_id = $1"
                            " AND doc_province = $2 ORDER BY fact_id, " ROWID,
                            ids, part, err))) {
        st = err->code;
        goto out;
    }
    if ((st = facts_json(c, facts, units, &texts, &fids, err)))
        goto out;
    /* a document has its first path in doc_paths; an older row without one still shows under
     * documents.path */
    int np = PQntuples(paths);
    if (!(pv = calloc(np ? (size_t)np : 1, sizeof *pv))) {
        st = nomem(c, err);
        goto out;
    }
    for (int i = 0; i < np; i++)
        pv[i] = PQgetvalue(paths, i, 0);
    if (!np && !PQgetisnull(doc, 0, 1))
        pv[np++] = PQgetvalue(doc, 0, 1);
    lw_store_doc_full d = {
        .id = lw_pg_int(doc, 0, 0, 0), .path = txt(doc, 0, 1), .sha256 = txt(doc, 0, 2),
        .size = lw_pg_int(doc, 0, 3, 0), .encoding = txt(doc, 0, 4), .kind = txt(doc, 0, 5),
        .number = txt(doc, 0, 6), .issuer = txt(doc, 0, 7), .place = txt(doc, 0, 8), .date = txt(doc, 0, 9),
        .subject = txt(doc, 0, 10), .source_format = txt(doc, 0, 11), .pages = (int)lw_pg_int(doc, 0, 12, 0),
        .note = txt(doc, 0, 13), .rules_version = txt(doc, 0, 14), .paths = pv, .n_paths = (size_t)np,
        .facts = (const char *const *)texts, .fact_ids = fids, .n_facts = (size_t)PQntuples(facts)};
    if (found)
        *found = 1;
    fn(ud, &d);
out:
    if (own_txn) {
        /* a read-only transaction: nothing to keep, and a failed one must end too */
        PGresult *e = PQexec(c->pg, "COMMIT");
        PQclear(e);
    }
    if (texts)
        for (int i = 0; facts && i < PQntuples(facts); i++)
            free(texts[i]);
    free(texts);
    free(fids);
    free(pv);
    PQclear(doc);
    PQclear(paths);
    PQclear(facts);
    PQclear(units);
    return st;
}
