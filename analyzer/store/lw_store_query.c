/* lw_store_query: every read of the SQLite store: full-text search with snippets, the fact
 * queries of `lawwatch search` (cites, deadlines, changes), what ingest reads back (stale
 * documents, stored sources, paths), and the reads of check and report (lw_store.h). */
#include "lw_store_query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lw_fts.h"
#include "lw_msg.h"
#include "lw_oom.h"
#include "lw_rank.h"
#include "lw_snippet.h"
#include "lw_store_text.h"

/* Paths a search hit lists at most (a document found at more is one a person copied around). */
#define LW_HIT_PATHS_MAX 64
/* Hits when the query gives no limit. */
#define LW_SEARCH_LIMIT_DEFAULT 20
/* Words of context around a snippet's first match. */
#define LW_SNIPPET_WORDS 24

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

static int bind_opt(sqlite3_stmt *st, const char *name, const char *v)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (!i)
        return 0;
    return v ? sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
}

/* The matches of a search and its filters (doc_text joined to documents d): the same for the
 * hits and for their facets. A unit: the issuer, or a unit a duty names. The folded names are
 * matched once over the index duty_units_key (covering: no row of the table is read), and the
 * documents of those names are looked up by it; the set is built once per query. */
#define SEARCH_WHERE \
    " WHERE doc_text MATCH :expr" \
    "   AND (:year IS NULL OR substr(d.date, 1, 4) = :year)" \
    "   AND (:kind IS NULL OR d.kind_key = :kind)" \
    "   AND (:issuer IS NULL OR instr(d.issuer_key, :issuer) > 0)" \
    "   AND (:unit IS NULL OR instr(d.issuer_key, :unit) > 0" \
    "        OR d.id IN (SELECT u.doc_id FROM duty_units u WHERE u.name_key IN" \
    "                    (SELECT DISTINCT k.name_key FROM duty_units k WHERE instr(k.name_key, :unit) > 0)))"

/* Prepares sql and binds q's expression (expr) and filters to it (:limit and :offset too when
 * sql has them). LW_OK, or the error with *st NULL. */
static lw_status prepare_search(lw_sqlite *s, const char *sql, const lw_search_query *q, const char *expr,
                                sqlite3_stmt **out, lw_error *err)
{
    sqlite3_stmt *st;
    *out = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL))
        return lw_sqlite_error(s, err, "cannot prepare the search");
    char *kind = q->kind && *q->kind ? lw_store_fold(q->kind) : NULL;
    char *issuer = q->issuer && *q->issuer ? lw_store_fold(q->issuer) : NULL;
    char *unit = q->unit && *q->unit ? lw_store_fold(q->unit) : NULL;
    int bound = !bind_opt(st, ":expr", expr) && !bind_opt(st, ":year", q->year && *q->year ? q->year : NULL) &&
                !bind_opt(st, ":kind", kind) && !bind_opt(st, ":issuer", issuer) && !bind_opt(st, ":unit", unit) &&
                (!q->kind || !*q->kind || kind) && (!q->issuer || !*q->issuer || issuer) &&
                (!q->unit || !*q->unit || unit);
    int li = sqlite3_bind_parameter_index(st, ":limit"), oi = sqlite3_bind_parameter_index(st, ":offset");
    if (li)
        sqlite3_bind_int(st, li, q->limit > 0 ? q->limit : LW_SEARCH_LIMIT_DEFAULT);
    if (oi)
        sqlite3_bind_int(st, oi, q->offset > 0 ? q->offset : 0);
    free(kind);
    free(issuer);
    free(unit);
    if (!bound) { /* a filter left NULL: a wrong answer, or FTS5 refusing a NULL expression */
        sqlite3_finalize(st);
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    *out = st;
    return LW_OK;
}

/* What every hit of a search needs besides its row: the snippet's terms and the statements
 * reading a document's text and paths. */
typedef struct {
    const lw_search_query *q;
    lw_snippet_terms *terms;
    sqlite3_stmt *text_st, *paths_st;
    int (*fn)(void *ud, const lw_search_hit *h);
    void *ud;
    size_t n;
    int nomem, stop;
} hit_out;

/* Hands the row of st (path, number, kind, issuer, date, score, id, subject) to the caller
 * with its snippet and paths. SQLITE_OK, or the database's error (the time limit's interrupt
 * among them); h->nomem or h->stop set when it must end. */
static int emit_hit(hit_out *h, sqlite3_stmt *st)
{
    const lw_search_query *q = h->q;
    char *snippet = NULL;
    sqlite3_reset(h->text_st);
    sqlite3_bind_int64(h->text_st, 1, sqlite3_column_int64(st, 6));
    int tr = sqlite3_step(h->text_st), has_text = tr == SQLITE_ROW;
    if (tr != SQLITE_ROW && tr != SQLITE_DONE)
        return tr; /* never a hit without its snippet silently: the database's error */
    unsigned long oom = lw_oom_mark(); /* a column's text or a snippet lost on the way */
    if (has_text)
        snippet = lw_snippet_make(h->terms, col_text(h->text_st, 0), (size_t)sqlite3_column_bytes(h->text_st, 0),
                                  col_text(h->text_st, 1), (size_t)sqlite3_column_bytes(h->text_st, 1),
                                  q->mark_open ? q->mark_open : "«", q->mark_close ? q->mark_close : "»",
                                  LW_SNIPPET_WORDS);
    /* every path of the document (the first is d.path); a few at most in practice */
    char *pv[LW_HIT_PATHS_MAX];
    size_t np = 0;
    sqlite3_reset(h->paths_st);
    sqlite3_bind_int64(h->paths_st, 1, sqlite3_column_int64(st, 6));
    int pr = SQLITE_DONE;
    while (!h->nomem && np < sizeof pv / sizeof *pv && (pr = sqlite3_step(h->paths_st)) == SQLITE_ROW) {
        const char *p = col_text(h->paths_st, 0);
        if (!p || !(pv[np++] = strdup(p)))
            h->nomem = 1;
    }
    if (pr != SQLITE_DONE && pr != SQLITE_ROW) {
        /* a path left out: never silently; the database's error, as for the snippet's text */
        free(snippet);
        for (size_t k = 0; k < np; k++)
            free(pv[k]);
        return pr;
    }
    lw_search_hit hit = {
        col_text(st, 0), col_text(st, 1), col_text(st, 2), col_text(st, 3), col_text(st, 4),
        sqlite3_column_double(st, 5), snippet, sqlite3_column_int64(st, 6), col_text(st, 7),
        (const char *const *)pv, np};
    if (h->nomem || (has_text && !snippet) || lw_oom_since(oom))
        h->nomem = 1; /* a hit without its snippet or a path would be shown as if complete */
    else {
        h->n++;
        h->stop = h->fn && h->fn(h->ud, &hit);
    }
    free(snippet);
    for (size_t k = 0; k < np; k++)
        free(pv[k]);
    return SQLITE_OK;
}

/* A ranked match and its path, for the tie-break by path (ORDER BY bm25, d.path). */
typedef struct {
    lw_rank_hit r;
    char *path;
} ranked_doc;

static int ranked_cmp(const void *a, const void *b)
{
    const ranked_doc *x = a, *y = b;
    if (x->r.score != y->r.score)
        return x->r.score > y->r.score ? -1 : 1;
    return strcmp(x->path, y->path);
}

/* The matches of SEARCH_WHERE for lw_rank (lw_rank.h): no row of documents read without a
 * filter. */
static const char rank_plain[] =
    "SELECT lw_rank_collect(doc_text, :rank, 4.0, 1.0) FROM doc_text WHERE doc_text MATCH :expr";
static const char rank_filtered[] = "SELECT lw_rank_collect(doc_text, :rank, 4.0, 1.0)"
                                    "  FROM doc_text JOIN documents d ON d.id = doc_text.rowid" SEARCH_WHERE;
/* One document's row as the hits are made of; ?2 its score. */
static const char doc_row[] = "SELECT d.path, d.number, d.kind, d.issuer, d.date, ?2, d.id, d.subject"
                              "  FROM documents d WHERE d.id = ?1";

/* The page of q by lw_rank: the hits of the full ranking (bm25, then path), without scoring
 * every match. *fallback set (nothing handed over) when a ranked row has no document (the
 * full ranking's join would drop it and take the next). SQLite code of a database error. */
static int search_ranked(lw_sqlite *s, const lw_search_query *q, const char *expr, int any_filter, hit_out *h,
                         int *fallback, lw_status *st_out, lw_error *err)
{
    *fallback = 0;
    *st_out = LW_OK;
    size_t limit = (size_t)(q->limit > 0 ? q->limit : LW_SEARCH_LIMIT_DEFAULT);
    size_t offset = (size_t)(q->offset > 0 ? q->offset : 0);
    sqlite3_stmt *collect = NULL, *doc = NULL;
    lw_status rc = prepare_search(s, any_filter ? rank_filtered : rank_plain, q, expr, &collect, err);
    if (rc) {
        *st_out = rc;
        return SQLITE_OK;
    }
    lw_rank_hit *top = NULL;
    size_t ntop = 0, nmatch = 0;
    int dbrc = SQLITE_OK;
    rc = lw_rank_top(s->db, collect, expr, limit + offset, &top, &ntop, &nmatch, &dbrc, err);
    sqlite3_finalize(collect);
    if (rc) {
        *st_out = rc == LW_ERR_DB ? LW_OK : rc;
        return rc == LW_ERR_DB ? dbrc : SQLITE_OK;
    }
    ranked_doc *rd = calloc(ntop ? ntop : 1, sizeof *rd);
    int r = rd ? sqlite3_prepare_v2(s->db, doc_row, -1, &doc, NULL) : SQLITE_NOMEM;
    /* the paths of the rows that reach the page (ties at its end included) */
    for (size_t i = 0; i < ntop && !r && !*fallback; i++) {
        rd[i].r = top[i];
        sqlite3_reset(doc);
        sqlite3_bind_int64(doc, 1, top[i].id);
        int dr = sqlite3_step(doc);
        if (dr == SQLITE_DONE)
            *fallback = 1;
        else if (dr != SQLITE_ROW)
            r = dr;
        else {
            const char *p = col_text(doc, 0);
            if (!p || !(rd[i].path = strdup(p)))
                r = SQLITE_NOMEM;
        }
    }
    if (!r && !*fallback) {
        qsort(rd, ntop, sizeof *rd, ranked_cmp);
        for (size_t i = offset; i < ntop && i < offset + limit && !r && !h->nomem && !h->stop; i++) {
            sqlite3_reset(doc);
            sqlite3_bind_int64(doc, 1, rd[i].r.id);
            sqlite3_bind_double(doc, 2, rd[i].r.score);
            int dr = sqlite3_step(doc);
            r = dr == SQLITE_ROW ? emit_hit(h, doc) : dr == SQLITE_DONE ? SQLITE_CORRUPT : dr;
        }
    }
    if (r == SQLITE_NOMEM) {
        h->nomem = 1;
        r = SQLITE_OK;
    }
    for (size_t i = 0; rd && i < ntop; i++)
        free(rd[i].path);
    free(rd);
    free(top);
    sqlite3_finalize(doc);
    return r;
}

lw_status lw_sqlite_search(lw_sqlite *s, const lw_search_query *q,
                          int (*fn)(void *ud, const lw_search_hit *h), void *ud, size_t *n_hits,
                          lw_error *err)
{
    if (n_hits)
        *n_hits = 0;
    /* the bounded ranking's statements may each be too short for the progress handler */
    lw_status rc = lw_sqlite_check_deadline(s, err);
    if (rc)
        return rc;
    char *expr = NULL;
    rc = lw_fts_query_build(q->query ? q->query : "", &expr, err);
    if (rc)
        return rc;
    int any_filter = (q->year && *q->year) || (q->kind && *q->kind) || (q->issuer && *q->issuer) ||
                     (q->unit && *q->unit);
    hit_out h = {q, NULL, NULL, NULL, fn, ud, 0, 0, 0};
    if (lw_snippet_terms_create(expr, &h.terms)) {
        free(expr);
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    if (sqlite3_prepare_v2(s->db, "SELECT subject, body FROM doc_text WHERE rowid = ?1", -1, &h.text_st, NULL) ||
        sqlite3_prepare_v2(s->db, "SELECT path FROM doc_paths WHERE doc_id = ?1 ORDER BY rowid", -1, &h.paths_st,
                           NULL)) {
        rc = lw_sqlite_error(s, err, "cannot prepare the search");
        goto out;
    }
    /* issue 20: the page by lw_rank, the full ranking's page without scoring every match */
    int fallback = 1, r = SQLITE_OK;
    if (!q->full_rank)
        r = search_ranked(s, q, expr, any_filter, &h, &fallback, &rc, err);
    if (rc)
        goto out;
    if (fallback) {
        /* The full ranking in SQL (every match scored; exactly so with full_rank). Without
         * filters the ranking needs no row of documents:
         * FTS5 ranks alone, a few more rows than asked (equal scores are then ordered by path
         * among them), and only those are looked up. */
        static const char filtered[] =
            "SELECT d.path, d.number, d.kind, d.issuer, d.date, -bm25(doc_text, 4.0, 1.0), doc_text.rowid, d.subject"
            "  FROM doc_text JOIN documents d ON d.id = doc_text.rowid"
            SEARCH_WHERE
            " ORDER BY bm25(doc_text, 4.0, 1.0), d.path LIMIT :limit OFFSET :offset";
        static const char plain[] =
            "WITH ranked(id, b) AS ("
            "  SELECT rowid, bm25(doc_text, 4.0, 1.0) FROM doc_text WHERE doc_text MATCH :expr"
            "   ORDER BY 2 LIMIT :limit + :offset + 32)"
            "SELECT d.path, d.number, d.kind, d.issuer, d.date, -ranked.b, ranked.id, d.subject"
            "  FROM ranked JOIN documents d ON d.id = ranked.id ORDER BY ranked.b, d.path LIMIT :limit OFFSET :offset";
        sqlite3_stmt *st;
        rc = prepare_search(s, any_filter || q->full_rank ? filtered : plain, q, expr, &st, err);
        if (rc)
            goto out;
        while ((r = sqlite3_step(st)) == SQLITE_ROW && !(r = emit_hit(&h, st)) && !h.nomem && !h.stop)
            ;
        if (r == SQLITE_ROW || r == SQLITE_DONE)
            r = SQLITE_OK;
        sqlite3_finalize(st);
    }
    if (h.nomem)
        rc = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    else if (r) {
        /* FTS5 refused the expression: say so in plain words, never the SQL text; the
         * connection's own error may be gone (lw_rank ends its read transaction): r's */
        if (r == SQLITE_ERROR)
            rc = lw_error_msg(err, LW_ERR_QUERY, NULL, 0, 0, LW_MSG_STORE_BAD_QUERY, q->query ? q->query : "");
        else if (r == SQLITE_INTERRUPT && s->timed_out)
            rc = lw_error_msg(err, LW_ERR_TIMEOUT, s->path, 0, 0, LW_MSG_STORE_TIMEOUT);
        else
            rc = lw_error_set(err, LW_ERR_DB, s->path, 0, 0, "search failed: %s", sqlite3_errstr(r));
    }
out:
    sqlite3_finalize(h.text_st);
    sqlite3_finalize(h.paths_st);
    lw_snippet_terms_free(h.terms);
    free(expr);
    if (n_hits)
        *n_hits = h.n;
    return rc;
}

lw_status lw_sqlite_search_facets(lw_sqlite *s, const lw_search_query *q, json_t **out, lw_error *err)
{
    *out = NULL;
    char *expr = NULL;
    lw_status rc = lw_fts_query_build(q->query ? q->query : "", &expr, err);
    if (rc)
        return rc;
    /* One pass over the matches (the CTE, materialized once), then each facet grouped over
     * it: the counts are exact over every match, never over the best few. */
#define FACET(name, col)                                                                               \
    " UNION ALL SELECT * FROM (SELECT '" name "', " col " AS v, count(*) AS c FROM m WHERE " col \
    " <> '' GROUP BY v ORDER BY c DESC, v LIMIT :top)"
    static const char sql[] =
        "WITH m(year, kind, issuer) AS MATERIALIZED ("
        "  SELECT CASE WHEN length(d.date) >= 4 THEN substr(d.date, 1, 4) END, d.kind, d.issuer"
        "    FROM doc_text JOIN documents d ON d.id = doc_text.rowid" SEARCH_WHERE ")"
        "SELECT 'total', NULL, count(*) FROM m"
        FACET("year", "year") FACET("kind", "kind") FACET("issuer", "issuer");
#undef FACET
    sqlite3_stmt *st;
    rc = prepare_search(s, sql, q, expr, &st, err);
    free(expr);
    if (rc)
        return rc;
    sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":top"), LW_SEARCH_FACET_TOP);
    json_t *o = json_pack("{s:I,s:[],s:[],s:[]}", "total", (json_int_t)0, "year", "kind", "issuer");
    int r, nomem = !o;
    unsigned long oom = lw_oom_mark();
    while (!nomem && (r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *facet = col_text(st, 0), *v = col_text(st, 1);
        json_int_t c = sqlite3_column_int64(st, 2);
        if (!facet)
            nomem = 1;
        else if (!strcmp(facet, "total"))
            nomem = json_object_set_new(o, "total", json_integer(c)) != 0;
        else
            nomem = !v || json_array_append_new(json_object_get(o, facet),
                                                json_pack("{s:s,s:I}", "value", v, "count", c)) != 0;
    }
    if (nomem || lw_oom_since(oom))
        rc = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    else if (r != SQLITE_DONE)
        rc = sqlite3_errcode(s->db) == SQLITE_ERROR
                 ? lw_error_msg(err, LW_ERR_QUERY, NULL, 0, 0, LW_MSG_STORE_BAD_QUERY, q->query ? q->query : "")
                 : lw_sqlite_error(s, err, "search failed");
    sqlite3_finalize(st);
    if (rc) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return LW_OK;
}

/* Every path of document d as a JSON array, the first first. */
#define DOC_PATHS_JSON \
    "(SELECT json_group_array(path) FROM (SELECT path FROM doc_paths p WHERE p.doc_id = d.id ORDER BY p.rowid))"

/* The columns of a fact's position beside its line (schema 6): left out when NULL. */
static int is_position(const char *name)
{
    return !strcmp(name, "page") || !strcmp(name, "paragraph") || !strcmp(name, "ocr_conf");
}

/* Runs sql with the given text parameters (?1, ?2...) and int limit (last), calling fn with
 * each row as a JSON object keyed by column name. */
static lw_status rows_json(lw_sqlite *s, const char *sql, const char *const *params, int np, int limit,
                           int (*fn)(void *ud, json_t *row), void *ud, size_t *n_out, lw_error *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL))
        return lw_sqlite_error(s, err, "cannot prepare the query");
    for (int i = 0; i < np; i++)
        if (sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_TRANSIENT) != SQLITE_OK) {
            /* a parameter left NULL would match nothing: an empty answer, silently */
            sqlite3_finalize(st);
            return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
        }
    sqlite3_bind_int(st, np + 1, limit > 0 ? limit : -1);
    size_t n = 0;
    int r, nomem = 0;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *row = json_object();
        nomem = !row;
        for (int c = 0; c < sqlite3_column_count(st) && !nomem; c++) {
            json_t *v;
            if (sqlite3_column_name(st, c)[0] == '_') /* helper columns (the min() of a group) */
                continue;
            /* where a fact of a PDF, image or Word file is: no key for plain text, as in the
             * fact's own JSON */
            if (sqlite3_column_type(st, c) == SQLITE_NULL && is_position(sqlite3_column_name(st, c)))
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
            /* a text that is not JSON after all is null; memory that runs out is an error */
            if (!v && (sqlite3_column_type(st, c) != SQLITE_TEXT || strcmp(sqlite3_column_name(st, c), "paths")))
                nomem = 1;
            if (!v)
                v = json_null();
            if (nomem || json_object_set_new(row, sqlite3_column_name(st, c), v))
                nomem = 1;
        }
        if (nomem) {
            json_decref(row);
            r = SQLITE_DONE;
            break;
        }
        n++;
        int stop = fn ? fn(ud, row) : 0;
        json_decref(row);
        if (stop) {
            r = SQLITE_DONE;
            break;
        }
    }
    lw_status rc = nomem ? lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM)
                   : r == SQLITE_DONE ? LW_OK
                                      : lw_sqlite_error(s, err, "query failed");
    sqlite3_finalize(st);
    if (n_out)
        *n_out = n;
    return rc;
}

lw_status lw_sqlite_cites(lw_sqlite *s, const char *id, int limit, int (*fn)(void *ud, json_t *row), void *ud,
                         size_t *n, lw_error *err)
{
    char *key = lw_store_fold(id);
    if (!key)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    const char *params[] = {key};
    /* one row per document; min() makes the bare columns those of its first mention */
    lw_status rc = rows_json(s,
                             "SELECT d.id, d.path, " DOC_PATHS_JSON " AS paths, d.kind, d.number, d.issuer, d.date,"
                             "       d.subject, count(*) AS mentions, min(r.span_start) AS _first, r.line, r.type,"
                             "       r.cited_id, r.cited_date, r.pinpoint, r.text, f.page, f.paragraph, f.ocr_conf"
                             "  FROM legal_refs r JOIN documents d ON d.id = r.doc_id JOIN facts f ON f.id = r.fact_id"
                             " WHERE r.cited_key = ?1 GROUP BY d.id"
                             " ORDER BY d.date IS NULL, d.date DESC, d.path LIMIT ?2",
                             params, 1, limit, fn, ud, n, err);
    free(key);
    return rc;
}

lw_status lw_sqlite_cite_counts(lw_sqlite *s, int (*fn)(void *ud, const char *key, long long n), void *ud,
                               lw_error *err)
{
    sqlite3_stmt *st;
    /* one pass over the index legal_refs_key, in its order: the rows of one key are together */
    if (sqlite3_prepare_v2(s->db,
                           "SELECT cited_key, count(DISTINCT doc_id) FROM legal_refs WHERE cited_key IS NOT NULL"
                           " GROUP BY cited_key ORDER BY cited_key",
                           -1, &st, NULL))
        return lw_sqlite_error(s, err, "cannot prepare the query");
    int r;
    unsigned long oom = lw_oom_mark();
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *key = col_text(st, 0);
        if (!key)
            continue; /* noted by col_text when it was memory */
        if (fn(ud, key, sqlite3_column_int64(st, 1))) {
            r = SQLITE_DONE;
            break;
        }
    }
    lw_status rc = lw_oom_since(oom) ? lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM)
                   : r == SQLITE_DONE ? LW_OK
                                      : lw_sqlite_error(s, err, "query failed");
    sqlite3_finalize(st);
    return rc;
}

lw_status lw_sqlite_deadlines_in(lw_sqlite *s, const char *from, const char *to, int limit,
                                int (*fn)(void *ud, json_t *row), void *ud, size_t *n, lw_error *err)
{
    const char *params[] = {from, to};
    return rows_json(s,
                     "SELECT d.id, d.path, " DOC_PATHS_JSON " AS paths, d.kind, d.number, d.issuer, d.date,"
                     "       d.subject, k.unit, k.nearby_agency, k.date_from AS \"from\", k.date_to AS \"to\","
                     "       k.precision, k.qualifier, f.line, f.text, f.page, f.paragraph, f.ocr_conf"
                     "  FROM deadlines k JOIN facts f ON f.id = k.fact_id JOIN documents d ON d.id = k.doc_id"
                     " WHERE coalesce(k.date_from, k.date_to) <= ?2 AND k.date_to >= ?1"
                     " ORDER BY k.date_to, d.date IS NULL, d.date, d.path, f.line, k.date_from LIMIT ?3",
                     params, 2, limit, fn, ud, n, err);
}

lw_status lw_sqlite_changes_of(lw_sqlite *s, const char *id, int (*fn)(void *ud, json_t *row), void *ud, size_t *n,
                              lw_error *err)
{
    char *key = lw_store_fold(id);
    if (!key)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
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
                             "       f.line, f.page, f.paragraph"
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

lw_status lw_sqlite_stale_ids(lw_sqlite *s, const char *rules_version, int all, long long **ids_out, size_t *n_out,
                              lw_error *err)
{
    *ids_out = NULL;
    *n_out = 0;
    sqlite3_stmt *q;
    /* all: every document stored with other rules; else only those marked '' by an upgrade */
    if (sqlite3_prepare_v2(s->db, all ? "SELECT id FROM documents WHERE rules_version <> ?1 ORDER BY id"
                                      : "SELECT id FROM documents WHERE rules_version = '' ORDER BY id",
                           -1, &q, NULL))
        return lw_sqlite_error(s, err, "cannot list documents");
    if (all)
        sqlite3_bind_text(q, 1, rules_version, -1, SQLITE_STATIC);
    long long *ids = NULL;
    size_t n = 0, cap = 0;
    int rc;
    lw_status st = LW_OK;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (n == cap) {
            size_t c2 = cap ? cap * 2 : 256;
            long long *p = realloc(ids, c2 * sizeof *p);
            if (!p) {
                /* every stale document or none: a partial list would look complete */
                st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
                break;
            }
            ids = p;
            cap = c2;
        }
        ids[n++] = sqlite3_column_int64(q, 0);
    }
    if (!st && rc != SQLITE_DONE)
        st = lw_sqlite_error(s, err, "cannot list documents");
    sqlite3_finalize(q);
    if (st) {
        free(ids);
        return st;
    }
    *ids_out = ids;
    *n_out = n;
    return LW_OK;
}

lw_status lw_sqlite_read_source(lw_sqlite *s, long long id, void (*fn)(void *ud, const lw_store_source *src),
                                void *ud, lw_error *err)
{
    sqlite3_stmt *q = lw_sqlite_stmt_sql(s, &s->read_source,
                                         "SELECT d.path, d.encoding, d.size, d.mtime_ns, s.raw, d.sha256 FROM documents d"
                                         " JOIN sources s ON s.doc_id = d.id WHERE d.id = ?1");
    if (!q)
        return lw_sqlite_error(s, err, "cannot read stored documents");
    sqlite3_bind_int64(q, 1, id);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        const void *raw = sqlite3_column_blob(q, 4);
        lw_store_source src = {(const char *)sqlite3_column_text(q, 0), (const char *)sqlite3_column_text(q, 1),
                               sqlite3_column_int64(q, 2), sqlite3_column_int64(q, 3), raw ? raw : "",
                               (size_t)sqlite3_column_bytes(q, 4), (const char *)sqlite3_column_text(q, 5)};
        if (src.path)
            fn(ud, &src);
    }
    sqlite3_reset(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return lw_sqlite_error(s, err, "cannot read stored documents");
    return LW_OK;
}

lw_status lw_sqlite_each_path(lw_sqlite *s, int (*fn)(void *ud, const char *path), void *ud, lw_error *err)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(s->db, "SELECT path FROM doc_paths ORDER BY rowid", -1, &q, NULL))
        return lw_sqlite_error(s, err, "cannot list documents");
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        if (fn(ud, (const char *)sqlite3_column_text(q, 0)))
            break;
    lw_status st = rc == SQLITE_ROW || rc == SQLITE_DONE ? LW_OK : lw_sqlite_error(s, err, "cannot list documents");
    sqlite3_finalize(q);
    return st;
}

/* ---- the reads of check and report ---- */

static lw_status read_error(lw_sqlite *s, lw_error *err)
{
    return lw_sqlite_read_error(s, err); /* LW_ERR_TIMEOUT past the time limit */
}

static const char *text(sqlite3_stmt *st, int i) { return (const char *)sqlite3_column_text(st, i); }

/* Runs sql, handing each row to map (which calls the caller's fn, given by address, and
 * says whether to stop). */
static lw_status each_row(lw_sqlite *s, const char *sql, const char *param,
                          int (*map)(sqlite3_stmt *st, const void *fn, void *ud), const void *fn, void *ud,
                          lw_error *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL))
        return read_error(s, err);
    if (param)
        sqlite3_bind_text(st, 1, param, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (map(st, fn, ud)) {
            rc = SQLITE_DONE;
            break;
        }
    lw_status r = rc == SQLITE_DONE ? LW_OK : read_error(s, err);
    sqlite3_finalize(st);
    return r;
}

typedef int (*doc_fn)(void *ud, const lw_store_doc_row *r);
static int map_doc(sqlite3_stmt *st, const void *fn, void *ud)
{
    lw_store_doc_row r = {sqlite3_column_int64(st, 0), text(st, 1), text(st, 2), text(st, 3), text(st, 4),
                          text(st, 5), text(st, 6), text(st, 7), text(st, 8)};
    return (*(const doc_fn *)fn)(ud, &r);
}

lw_status lw_sqlite_each_document(lw_sqlite *s, doc_fn fn, void *ud, lw_error *err)
{
    return each_row(s, "SELECT id, path, kind, number, issuer, date, subject, kind_key, topic FROM documents ORDER BY id",
                    NULL, map_doc, &fn, ud, err);
}

lw_status lw_sqlite_each_topic_todo(lw_sqlite *s, doc_fn fn, void *ud, lw_error *err)
{
    return each_row(s, "SELECT id, NULL, NULL, NULL, NULL, NULL, subject, NULL, NULL FROM documents"
                       " WHERE topic = '' ORDER BY id", NULL, map_doc, &fn, ud, err);
}

typedef int (*value_fn)(void *ud, const lw_store_doc_value *r);
static int map_value(sqlite3_stmt *st, const void *fn, void *ud)
{
    lw_store_doc_value r = {sqlite3_column_int64(st, 0), text(st, 1)};
    return (*(const value_fn *)fn)(ud, &r);
}

/* The whole agencies table is read in its order and sorted (NOT INDEXED): through the
 * doc_id index SQLite would look every row up. */
lw_status lw_sqlite_each_issuer_level(lw_sqlite *s, value_fn fn, void *ud, lw_error *err)
{
    return each_row(s, "SELECT doc_id, level FROM agencies NOT INDEXED WHERE role = 'issuer' AND level IS NOT NULL"
                       " ORDER BY doc_id, fact_id", NULL, map_value, &fn, ud, err);
}

lw_status lw_sqlite_each_doc_province(lw_sqlite *s, value_fn fn, void *ud, lw_error *err)
{
    return each_row(s, "SELECT doc_id, province, count(*) AS c FROM agencies NOT INDEXED WHERE province IS NOT NULL"
                       " GROUP BY doc_id, province ORDER BY doc_id, c DESC, province", NULL, map_value, &fn, ud, err);
}

typedef int (*duty_fn)(void *ud, const lw_store_duty_row *r);
static int map_duty(sqlite3_stmt *st, const void *fn, void *ud)
{
    lw_store_duty_row r = {sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int(st, 2),
                           sqlite3_column_int(st, 13), text(st, 3), text(st, 4), text(st, 5), text(st, 6),
                           text(st, 7), text(st, 8), text(st, 9), text(st, 10), text(st, 11), text(st, 12),
                           sqlite3_column_int(st, 14)};
    return (*(const duty_fn *)fn)(ud, &r);
}

lw_status lw_sqlite_each_duty(lw_sqlite *s, duty_fn fn, void *ud, lw_error *err)
{
    return each_row(s, "SELECT k.fact_id, k.doc_id, k.line, k.activity, k.topic, k.section, k.source,"
                       " k.output, k.date_from, k.date_to, k.precision, k.qualifier, k.deadline_text,"
                       " k.deadline_line, k.page FROM duties k ORDER BY k.doc_id, k.span_start, k.fact_id",
                    NULL, map_duty, &fn, ud, err);
}

typedef int (*unit_fn)(void *ud, const lw_store_unit_row *r);
static int map_unit(sqlite3_stmt *st, const void *fn, void *ud)
{
    lw_store_unit_row r = {sqlite3_column_int64(st, 0), text(st, 1), text(st, 2), text(st, 3),
                           sqlite3_column_int(st, 4)};
    return (*(const unit_fn *)fn)(ud, &r);
}

lw_status lw_sqlite_each_duty_unit(lw_sqlite *s, unit_fn fn, void *ud, lw_error *err)
{
    return each_row(s, "SELECT fact_id, role, name, level, line FROM duty_units ORDER BY fact_id, rowid", NULL,
                    map_unit, &fn, ud, err);
}

/* ids as a JSON array ("[1,5,9]", owned), for json_each: one statement whatever their number.
 * NULL when out of memory. */
static char *ids_json(const long long *ids, size_t n)
{
    size_t cap = 2 + n * 21 + 1;
    char *b = malloc(cap), *p = b;
    if (!b)
        return NULL;
    *p++ = '[';
    for (size_t i = 0; i < n; i++)
        p += snprintf(p, cap - (size_t)(p - b), "%s%lld", i ? "," : "", ids[i]);
    snprintf(p, cap - (size_t)(p - b), "]");
    return b;
}

/* each_row over the rows of the documents ids[0..n) (the statement's ?1, their JSON array). */
static lw_status each_row_of(lw_sqlite *s, const char *sql, const long long *ids, size_t n,
                             int (*map)(sqlite3_stmt *st, const void *fn, void *ud), const void *fn, void *ud,
                             lw_error *err)
{
    char *j = ids_json(ids, n);
    if (!j)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    lw_status st = each_row(s, sql, j, map, fn, ud, err);
    free(j);
    return st;
}

lw_status lw_sqlite_each_duty_of(lw_sqlite *s, const long long *ids, size_t n, duty_fn fn, void *ud, lw_error *err)
{
    return each_row_of(s, "SELECT k.fact_id, k.doc_id, k.line, k.activity, k.topic, k.section, k.source,"
                          " k.output, k.date_from, k.date_to, k.precision, k.qualifier, k.deadline_text,"
                          " k.deadline_line, k.page FROM duties k"
                          " WHERE k.doc_id IN (SELECT value FROM json_each(?1))"
                          " ORDER BY k.doc_id, k.span_start, k.fact_id",
                       ids, n, map_duty, &fn, ud, err);
}

lw_status lw_sqlite_each_duty_unit_of(lw_sqlite *s, const long long *ids, size_t n, unit_fn fn, void *ud,
                                      lw_error *err)
{
    return each_row_of(s, "SELECT fact_id, role, name, level, line FROM duty_units"
                          " WHERE doc_id IN (SELECT value FROM json_each(?1)) ORDER BY fact_id, rowid",
                       ids, n, map_unit, &fn, ud, err);
}

typedef int (*ref_fn)(void *ud, const lw_store_ref_row *r);
static int map_ref_ids(sqlite3_stmt *st, const void *fn, void *ud)
{
    lw_store_ref_row r = {sqlite3_column_int64(st, 0), text(st, 1), text(st, 2), text(st, 3), NULL, NULL, NULL,
                          0, 0, 0, 0};
    return (*(const ref_fn *)fn)(ud, &r);
}

static int map_ref(sqlite3_stmt *st, const void *fn, void *ud)
{
    lw_store_ref_row r = {sqlite3_column_int64(st, 0), text(st, 1), text(st, 2), text(st, 5), text(st, 3),
                          text(st, 4), text(st, 8), sqlite3_column_int(st, 6), sqlite3_column_int(st, 7),
                          sqlite3_column_int(st, 9), sqlite3_column_int(st, 10)};
    return (*(const ref_fn *)fn)(ud, &r);
}

static int map_ref_keys(sqlite3_stmt *st, const void *fn, void *ud)
{
    lw_store_ref_row r = {sqlite3_column_int64(st, 0), text(st, 1), text(st, 2), text(st, 4), text(st, 3), NULL, NULL,
                          0, 0, 0, 0};
    return (*(const ref_fn *)fn)(ud, &r);
}

lw_status lw_sqlite_each_ref(lw_sqlite *s, int what, ref_fn fn, void *ud, lw_error *err)
{
    /* issue 20: check's compact state: FULL's order (its plan: the doc_id index, then
     * span_start), without the text */
    if (what == LW_STORE_REFS_KEYS)
        return each_row(s, "SELECT doc_id, cited_id, cited_key, type, cited_date FROM legal_refs"
                           " ORDER BY doc_id, span_start", NULL, map_ref_keys, &fn, ud, err);
    /* the ids alone need no look-up of each fact (its line, text and JSON): most of the
     * time of loading a large database */
    if (what == LW_STORE_REFS_IDS)
        return each_row(s, "SELECT doc_id, cited_id, cited_key, cited_date FROM legal_refs WHERE cited_id IS NOT NULL"
                           " ORDER BY doc_id", NULL, map_ref_ids, &fn, ud, err);
    return each_row(s, "SELECT doc_id, cited_id, cited_key, type, symbol, cited_date, year, line, text,"
                       " year_mismatch, page FROM legal_refs ORDER BY doc_id, span_start", NULL, map_ref, &fn, ud, err);
}

lw_status lw_sqlite_each_document_of(lw_sqlite *s, const long long *ids, size_t n, doc_fn fn, void *ud,
                                     lw_error *err)
{
    return each_row_of(s, "SELECT id, path, kind, number, issuer, date, subject, kind_key, topic FROM documents"
                          " WHERE id IN (SELECT value FROM json_each(?1)) ORDER BY id",
                       ids, n, map_doc, &fn, ud, err);
}

lw_status lw_sqlite_each_ref_of(lw_sqlite *s, const long long *ids, size_t n, ref_fn fn, void *ud, lw_error *err)
{
    return each_row_of(s, "SELECT doc_id, cited_id, cited_key, type, symbol, cited_date, year, line, text,"
                          " year_mismatch, page FROM legal_refs WHERE doc_id IN (SELECT value FROM json_each(?1))"
                          " ORDER BY doc_id, span_start",
                       ids, n, map_ref, &fn, ud, err);
}

typedef int (*rel_fn)(void *ud, const lw_store_relation_row *r);
static int map_rel(sqlite3_stmt *st, const void *fn, void *ud)
{
    lw_store_relation_row r = {sqlite3_column_int64(st, 0), text(st, 1), text(st, 2), text(st, 3), text(st, 5),
                               sqlite3_column_int(st, 4)};
    return (*(const rel_fn *)fn)(ud, &r);
}

lw_status lw_sqlite_each_relation(lw_sqlite *s, rel_fn fn, void *ud, lw_error *err)
{
    /* since has no column: it is in facts.rest, a JSON object either way (lw_store_codec.h) */
    return each_row(s, "SELECT r.doc_id, r.type, r.from_id, r.to_id, f.line, json_extract(f.rest, '$.since') "
                       "FROM relations r JOIN facts f ON f.id = r.fact_id "
                       "WHERE r.type IN ('replaces', 'amends', 'repeals') AND r.to_id IS NOT NULL",
                    NULL, map_rel, &fn, ud, err);
}

typedef int (*name_fn)(void *ud, const char *name);
static int map_name(sqlite3_stmt *st, const void *fn, void *ud)
{
    const char *name = text(st, 0);
    return name ? (*(const name_fn *)fn)(ud, name) : 0;
}

lw_status lw_sqlite_each_unit_name(lw_sqlite *s, int which, name_fn fn, void *ud, lw_error *err)
{
    const char *sql = which == LW_STORE_NAMES_ISSUERS ? "SELECT DISTINCT issuer FROM documents WHERE issuer IS NOT NULL"
                      : which == LW_STORE_NAMES_UNITS ? "SELECT DISTINCT name FROM duty_units"
                                                      : "SELECT issuer FROM documents WHERE issuer IS NOT NULL"
                                                        " UNION SELECT name FROM duty_units";
    return each_row(s, sql, NULL, map_name, &fn, ud, err);
}
