/* lw_store_pg_search: full-text search on PostgreSQL (lw_store_pg.h) with FTS5's answers:
 * the same documents, in the same order, with the same scores and snippets as the SQLite
 * back end gives for the same query over the same documents.
 *
 * doc_text holds per document the text FTS5 gets (subject, body), FTS5's column sizes, and a
 * tsvector made of lawwatch's own tokens (lw_fts: exact and folded forms at one position),
 * body positions after the subject's and a gap (a phrase never spans the two columns, as in
 * FTS5), GIN-indexed. Weights say the column and the form: subject A (an exact form that
 * differs from its folded form) and B (a folded form, or a token's only form), body D and C
 * likewise; a lexeme is always of one kind (an exact form that differs has a mark or a tone
 * that no folded form has), so that a prefix, which may match both forms of a token, matches
 * one form a position within one kind (lw_pg_query_count_tsquery). A tsvector keeps at most
 * 256 positions per lexeme and none past 16383; pos_ok says whether this one kept them all.
 *
 * A search (lw_pg_tsquery.h): PostgreSQL narrows the documents down with the relaxed tsquery
 * and, where pos_ok, decides the match with the exact one; the filters in SQL as on SQLite.
 * Where pos_ok it also counts each phrase's instances per column (COUNT_COL, ts_rank_cd);
 * where not, or for a phrase it cannot count, the candidate's text is read and matched here
 * as FTS5 matches (lw_pg_doc_match). Then FTS5's rule of which phrases a row reports.
 * bm25 is FTS5's (fts5Bm25Function, as lw_rank computes it): the table's row count and total
 * size, each phrase's document frequency counted over the whole table (in SQL where the
 * positions are whole, here where not), weights 4 (subject) and 1 (body); ties by path.
 * Everything is read in one REPEATABLE READ snapshot, as one SQLite statement reads one. */
#define _GNU_SOURCE
#include "lw_store_pg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lw_fts.h"
#include "lw_msg.h"
#include "lw_pg_tsquery.h"
#include "lw_snippet.h"
#include "lw_store_text.h"

/* As the SQLite back end (lw_store_query.c). */
#define LW_HIT_PATHS_MAX 64
#define LW_SEARCH_LIMIT_DEFAULT 20
#define LW_SNIPPET_WORDS 24
/* bm25's column weights, as lw_store_query.c passes them: bm25(doc_text, 4.0, 1.0). */
static const double col_weight[LW_PG_NCOL] = {4.0, 1.0};

/* PostgreSQL's tsvector limits (tsearch/ts_type.h): positions per lexeme, the last position,
 * the bytes of lexemes and positions together (MAXSTRPOS), a lexeme's bytes. */
#define PG_MAXNUMPOS 256
#define PG_MAXENTRYPOS 16383
#define PG_MAXSTRPOS ((1 << 20) - 1)
#define PG_MAXLEXEME 2047

/* The order of a document's paths: the first (documents.path) first, then as they were
 * found (doc_paths.seq plays SQLite's rowid, schema_pg.sql). */
#define PATHS_ORDER "p.seq"

/* ---------------------------------------------------------------- the tsvector */

typedef struct {
    unsigned off, len; /* the lexeme in the builder's buffer */
    int pos;           /* 1-based, body after the subject and a gap */
    char weight;       /* 'A' subject, 'D' body */
} tv_ent;

typedef struct {
    lw_buf lex;
    tv_ent *e;
    size_t n, cap;
    int col, base, npos[LW_PG_NCOL];
    int oom;
} tv_build;

static int on_tv_token(void *ctx, int tflags, const char *token, int ntoken, int start, int end)
{
    (void)start;
    (void)end;
    tv_build *b = ctx;
    if (!(tflags & FTS5_TOKEN_COLOCATED) || b->npos[b->col] == 0)
        b->npos[b->col]++;
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1024;
        tv_ent *e = realloc(b->e, cap * sizeof *e);
        if (!e) {
            b->oom = 1;
            return 1;
        }
        b->e = e;
        b->cap = cap;
    }
    /* a token's folded (or only) form B / C, its exact form when another D / A: the one
     * before a colocated form is that exact form */
    if ((tflags & FTS5_TOKEN_COLOCATED) && b->n)
        b->e[b->n - 1].weight = b->col == 0 ? 'A' : 'D';
    b->e[b->n++] = (tv_ent){(unsigned)b->lex.len, (unsigned)ntoken, b->base + b->npos[b->col],
                            b->col == 0 ? 'B' : 'C'};
    if (lw_buf_append(&b->lex, token, (size_t)ntoken)) {
        b->oom = 1;
        return 1;
    }
    return 0;
}

/* By lexeme (bytes), then position; data: the lexemes. */
static int tv_cmp(const void *a, const void *b, void *data)
{
    const tv_ent *x = a, *y = b;
    const char *tv_data = data;
    unsigned n = x->len < y->len ? x->len : y->len;
    int c = memcmp(tv_data + x->off, tv_data + y->off, n);
    if (c)
        return c;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* The text form of a document's tsvector (see above); *pos_ok whether every position is in
 * it, *ns and *nb the columns' sizes as FTS5 counts them, *no_tsv set (and "" returned) when
 * even its lexemes alone pass PostgreSQL's size limit (the row's tsv is then NULL and every
 * search reads it). NULL when out of memory. */
static char *tsvector_of(const char *subject, size_t ns, const char *body, size_t nb, int *pos_ok, int *n_subject,
                         int *n_body, int *no_tsv)
{
    tv_build b;
    memset(&b, 0, sizeof b);
    *pos_ok = 1;
    *no_tsv = 0;
    const char *text[LW_PG_NCOL] = {subject, body};
    size_t len[LW_PG_NCOL] = {ns, nb};
    for (int c = 0; c < LW_PG_NCOL && !b.oom; c++) {
        b.col = c;
        b.base = c == 0 ? 0 : b.npos[0] + 1; /* the gap: no phrase across the columns */
        if (text[c] && len[c])
            lw_fts_tokenize(text[c], (int)len[c], FTS5_TOKENIZE_DOCUMENT, on_tv_token, &b);
    }
    *n_subject = b.npos[0];
    *n_body = b.npos[1];
    lw_buf out = {0};
    int oom = b.oom;
    if (!oom && b.n) {
        qsort_r(b.e, b.n, sizeof *b.e, tv_cmp, b.lex.data);
        /* two passes: with positions; without, when the first passes the size limit */
        for (int with_pos = 1; with_pos >= 0 && !oom; with_pos--) {
            size_t bytes = 0;
            out.len = 0;
            for (size_t i = 0; i < b.n && !oom;) {
                size_t j = i;
                while (j < b.n && b.e[j].len == b.e[i].len && !memcmp(b.lex.data + b.e[j].off, b.lex.data + b.e[i].off, b.e[i].len))
                    j++;
                const char *t = b.lex.data + b.e[i].off;
                oom = (out.len && lw_buf_putc(&out, ' ')) || lw_buf_putc(&out, '\'');
                for (unsigned k = 0; k < b.e[i].len && !oom; k++)
                    oom = (t[k] == '\'' || t[k] == '\\') ? lw_buf_putc(&out, t[k]) || lw_buf_putc(&out, t[k])
                                                         : lw_buf_putc(&out, t[k]);
                oom = oom || lw_buf_putc(&out, '\'');
                bytes += 4 + ((b.e[i].len + 1) & ~1u); /* its entry and its text, short-aligned */
                if (with_pos) {
                    int kept = 0, prev = 0;
                    for (size_t k = i; k < j && !oom; k++) {
                        int p = b.e[k].pos > PG_MAXENTRYPOS ? PG_MAXENTRYPOS : b.e[k].pos;
                        if (b.e[k].pos > PG_MAXENTRYPOS)
                            *pos_ok = 0;
                        if (p == prev)
                            continue; /* clamped onto the one before */
                        if (kept == PG_MAXNUMPOS) {
                            *pos_ok = 0;
                            break;
                        }
                        oom = lw_buf_printf(&out, "%c%d", kept ? ',' : ':', p) < 0 ||
                              (b.e[k].weight != 'D' && lw_buf_putc(&out, b.e[k].weight));
                        prev = p;
                        kept++;
                    }
                    bytes += 2 + 2 * (size_t)kept;
                }
                i = j;
            }
            if (bytes < PG_MAXSTRPOS)
                break;
            *pos_ok = 0;
            if (!with_pos) { /* even without positions: no tsvector */
                *no_tsv = 1;
                out.len = 0;
            }
        }
    }
    free(b.e);
    lw_buf_free(&b.lex);
    if (oom) {
        lw_buf_free(&out);
        return NULL;
    }
    if (!out.data || *no_tsv) {
        lw_buf_free(&out);
        return strdup("");
    }
    return lw_buf_detach(&out, NULL);
}

char *lw_pg_tsvector(const char *subject, size_t subject_len, const char *body, size_t body_len)
{
    int pos_ok, ns, nb, no_tsv;
    return tsvector_of(subject, subject_len, body, body_len, &pos_ok, &ns, &nb, &no_tsv);
}

/* ---------------------------------------------------------------- the table */

/* doc_text is partitioned by province as the other big tables are (schema_pg.sql: its
 * partitions are made with theirs, one per province, '' and a DEFAULT). */
const char *lw_pg_text_schema_sql(void)
{
    return "CREATE TABLE doc_text (\n"
           "  doc_id       bigint NOT NULL,   -- documents.id\n"
           "  doc_province text COLLATE \"C\" NOT NULL, -- the document's partition key (lw_pg_put)\n"
           "  subject      text,              -- what FTS5 gets on SQLite: the snippets' text\n"
           "  body         text,\n"
           "  n_subject    integer NOT NULL,  -- FTS5's column sizes (tokens): bm25's lengths\n"
           "  n_body       integer NOT NULL,\n"
           "  pos_ok       boolean NOT NULL,  -- tsv holds every position (<= 256 a lexeme, <= 16383)\n"
           "  tsv          tsvector,          -- lawwatch's tokens; NULL past PostgreSQL's size limit\n"
           "  PRIMARY KEY (doc_id, doc_province)\n"
           ") PARTITION BY LIST (doc_province);\n"
           "CREATE INDEX doc_text_tsv ON doc_text USING gin (tsv);\n"
           "CREATE INDEX doc_text_no_tsv ON doc_text (doc_id) WHERE tsv IS NULL;\n";
}

lw_status lw_pg_text_put(lw_pg *c, long long doc_id, const char *province, const char *subject, size_t subject_len,
                         const char *body, size_t body_len, lw_error *err)
{
    int pos_ok, ns, nb, no_tsv;
    char *tsv = tsvector_of(subject, subject_len, body, body_len, &pos_ok, &ns, &nb, &no_tsv);
    char *s = subject ? strndup(subject, subject_len) : NULL;
    char *t = body ? strndup(body, body_len) : NULL;
    char id[32], nsb[16], nbb[16];
    snprintf(id, sizeof id, "%lld", doc_id);
    snprintf(nsb, sizeof nsb, "%d", ns);
    snprintf(nbb, sizeof nbb, "%d", nb);
    lw_status rc = LW_OK;
    if (!tsv || (subject && !s) || (body && !t))
        rc = lw_error_msg(err, LW_ERR_NOMEM, c->shown, 0, 0, LW_MSG_NOMEM);
    else {
        const char *p[8] = {id, province ? province : "", s, t, nsb, nbb, pos_ok ? "t" : "f", no_tsv ? NULL : tsv};
        PGresult *res = lw_pg_exec(c,
                                   "INSERT INTO doc_text (doc_id, doc_province, subject, body, n_subject, n_body, pos_ok,"
                                   " tsv) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::tsvector)"
                                   " ON CONFLICT (doc_id, doc_province) DO UPDATE SET"
                                   " subject = excluded.subject, body = excluded.body, n_subject = excluded.n_subject,"
                                   " n_body = excluded.n_body, pos_ok = excluded.pos_ok, tsv = excluded.tsv",
                                   8, p, PGRES_COMMAND_OK, err);
        if (!res)
            rc = err ? err->code : LW_ERR_DB;
        PQclear(res);
    }
    free(tsv);
    free(s);
    free(t);
    return rc;
}

/* ---------------------------------------------------------------- reading rows */

/* Runs sql, handing each row to fn one at a time (libpq's single-row mode: a search's
 * candidates are never all in memory); fn returns nonzero to skip the rest. */
static lw_status each_row(lw_pg *c, const char *sql, int n, const char *const *params,
                          int (*fn)(void *ud, const PGresult *res), void *ud, lw_error *err)
{
    if (!PQsendQueryParams(c->pg, sql, n, NULL, params, NULL, NULL, 0))
        return lw_pg_fail(c, NULL, err);
    PQsetSingleRowMode(c->pg);
    lw_status rc = LW_OK;
    int stop = 0;
    PGresult *res;
    while ((res = PQgetResult(c->pg))) {
        ExecStatusType s = PQresultStatus(res);
        if (s == PGRES_SINGLE_TUPLE) {
            if (!rc && !stop)
                stop = fn(ud, res);
        } else if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK && !rc)
            rc = lw_pg_fail(c, res, err);
        PQclear(res);
    }
    return rc;
}

/* The text of a column and its length (0 for NULL). */
static const char *col(const PGresult *res, int i, size_t *len)
{
    if (PQgetisnull(res, 0, i)) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = (size_t)PQgetlength(res, 0, i);
    return PQgetvalue(res, 0, i);
}

/* ---------------------------------------------------------------- the matches */

/* The candidates: doc_text narrowed by the tsqueries ($1 relaxed, $2 exact or NULL), the
 * filters as on SQLite ($3 year, $4 kind, $5 issuer, $6 unit: folded, NULL for none). Where
 * pos_ok, the exact tsquery is the match itself: phrases (<->) and prefixes (:*) over every
 * position of the document, the boolean tree as FTS5's. When it is the relaxed one (no phrase
 * of several words), the GIN index alone decides (each test of a row's tsvector reads it
 * whole again). */
#define CANDIDATES_FROM_1 \
    "  FROM doc_text t JOIN documents d ON d.id = t.doc_id" \
    " WHERE ((t.tsv @@ $1::tsquery"
#define EXACT_TOO " AND (NOT t.pos_ok OR ($2::text IS NOT NULL AND t.tsv @@ $2::tsquery))"
#define EXACT_SAME " AND ($2::text IS NULL OR true)"
#define CANDIDATES_FROM_2 \
    ") OR t.tsv IS NULL)" \
    "   AND ($3::text IS NULL OR substr(d.date, 1, 4) = $3)" \
    "   AND ($4::text IS NULL OR d.kind_key = $4)" \
    "   AND ($5::text IS NULL OR strpos(d.issuer_key, $5) > 0)" \
    "   AND ($6::text IS NULL OR strpos(d.issuer_key, $6) > 0" \
    "        OR d.id IN (SELECT u.doc_id FROM duty_units u WHERE strpos(u.name_key, $6) > 0))"

/* A phrase's instances per column in a document where pos_ok, counted by PostgreSQL without
 * reading the text: ts_rank_cd sums, over the covers of the query, the cover's items divided
 * by the sum of their inverse weights, over 1 + its noise. For one phrase whose lexemes never
 * share a position (lw_pg_query_count_tsquery), each cover is one instance of n adjacent
 * items of one column, no noise: it adds the column's weight. With the subject's weights 1
 * and the body's 2^-14, the sum is subject + body / 16384 exactly (a body has at most 16383
 * positions), and a float4 holds it whole while the subject has fewer than 1024 tokens: one
 * call gives 16384 * subject + body. A longer subject takes two calls, one column's weights
 * 0 each time (an infinite inverse: 0 added). Weights are given {D, C, B, A}. */
#define COUNT_COL \
    ", CASE WHEN NOT t.pos_ok THEN NULL" \
    " WHEN t.n_subject < 1024 THEN" \
    "  (ts_rank_cd('{0.00006103515625,0.00006103515625,1,1}', t.tsv, $%d::tsquery)::float8 * 16384)::bigint" \
    " ELSE ts_rank_cd('{0,0,1,1}', t.tsv, $%d::tsquery)::bigint * 16384" \
    "  + ts_rank_cd('{1,1,0,0}', t.tsv, $%d::tsquery)::bigint END"

/* One matching document: for ranking its path, length and weighted phrase frequencies; for
 * facets its year, kind and issuer. */
typedef struct {
    long long id;
    char *path; /* ranking: documents.path; facets: the year */
    char *kind, *issuer;
    double len, score;
    double *freq; /* nphrase */
} match;

typedef struct {
    const lw_pg_query *q;
    int facets;
    int counted; /* ranking where PostgreSQL counts every phrase (COUNT_COL) */
    lw_pg_doc *doc;
    int *counts;
    match *m;
    size_t n, cap;
    size_t *holding; /* per phrase: matches holding it */
    size_t n_read;   /* candidates whose text was read */
    int oom;
} matches;

static void matches_free(matches *ms)
{
    for (size_t i = 0; i < ms->n; i++) {
        free(ms->m[i].path);
        free(ms->m[i].kind);
        free(ms->m[i].issuer);
        free(ms->m[i].freq);
    }
    free(ms->m);
    free(ms->holding);
    free(ms->counts);
    lw_pg_doc_free(ms->doc);
}

static char *dup_col(const PGresult *res, int i, int *oom)
{
    if (PQgetisnull(res, 0, i))
        return NULL;
    char *s = strdup(PQgetvalue(res, 0, i));
    if (!s)
        *oom = 1;
    return s;
}

/* The columns of a candidate row (the SQL is made by collect). */
enum { C_ID, C_NS, C_NB, C_PATH, C_POS_OK, C_SUBJECT, C_BODY, C_KIND, C_ISSUER };
#define C_COUNTS C_KIND /* ranking with counted phrases: one column a phrase from here */

static int on_candidate(void *ud, const PGresult *res)
{
    matches *ms = ud;
    int np = lw_pg_query_nphrase(ms->q);
    int pos_ok = *PQgetvalue(res, 0, C_POS_OK) == 't';
    int m;
    if (pos_ok && ms->facets)
        m = 1; /* the exact tsquery matched: the match, and facets need no count */
    else if (pos_ok && ms->counted) {
        for (int i = 0; i < np; i++) {
            long long v = strtoll(PQgetvalue(res, 0, C_COUNTS + i), NULL, 10);
            ms->counts[i * LW_PG_NCOL] = (int)(v / 16384);
            ms->counts[i * LW_PG_NCOL + 1] = (int)(v % 16384);
        }
        m = lw_pg_counts_match(ms->q, ms->counts);
    } else {
        size_t ns, nb;
        const char *s = col(res, C_SUBJECT, &ns), *b = col(res, C_BODY, &nb);
        if (lw_pg_doc_set(ms->doc, s, ns, b, nb)) {
            ms->oom = 1;
            return 1;
        }
        ms->n_read++;
        m = lw_pg_doc_match(ms->q, ms->doc, ms->counts);
    }
    if (!m)
        return 0;
    if (ms->n == ms->cap) {
        size_t cap = ms->cap ? ms->cap * 2 : 256;
        match *mm = realloc(ms->m, cap * sizeof *mm);
        if (!mm) {
            ms->oom = 1;
            return 1;
        }
        ms->m = mm;
        ms->cap = cap;
    }
    match *mt = &ms->m[ms->n];
    memset(mt, 0, sizeof *mt);
    mt->id = strtoll(PQgetvalue(res, 0, C_ID), NULL, 10);
    /* FTS5 adds the columns' sizes as int (xColumnSize(-1)) */
    mt->len = (double)(int)(atoi(PQgetvalue(res, 0, C_NS)) + atoi(PQgetvalue(res, 0, C_NB)));
    mt->path = dup_col(res, C_PATH, &ms->oom);
    if (ms->facets) {
        mt->kind = dup_col(res, C_KIND, &ms->oom);
        mt->issuer = dup_col(res, C_ISSUER, &ms->oom);
    } else if (!(mt->freq = calloc(np ? (size_t)np : 1, sizeof *mt->freq)))
        ms->oom = 1;
    ms->n++;
    if (ms->oom)
        return 1;
    if (ms->facets)
        return 0;
    for (int i = 0; i < np; i++) {
        /* xInst's instances, each adding its column's weight, column by column as bm25 sums */
        double f = 0.0;
        int any = 0;
        for (int c = 0; c < LW_PG_NCOL; c++)
            for (int k = 0; k < ms->counts[i * LW_PG_NCOL + c]; k++) {
                f += col_weight[c];
                any = 1;
            }
        mt->freq[i] = f;
        ms->holding[i] += (size_t)any;
    }
    return 0;
}

/* The filters' values as SQLite binds them (lw_store_query.c's prepare_search). */
typedef struct {
    char *kind, *issuer, *unit;
    const char *year;
} filters;

static int filters_make(const lw_search_query *q, filters *f)
{
    memset(f, 0, sizeof *f);
    f->year = q->year && *q->year ? q->year : NULL;
    f->kind = q->kind && *q->kind ? lw_store_fold(q->kind) : NULL;
    f->issuer = q->issuer && *q->issuer ? lw_store_fold(q->issuer) : NULL;
    f->unit = q->unit && *q->unit ? lw_store_fold(q->unit) : NULL;
    return (q->kind && *q->kind && !f->kind) || (q->issuer && *q->issuer && !f->issuer) ||
                   (q->unit && *q->unit && !f->unit)
               ? -1
               : 0;
}

static void filters_free(filters *f)
{
    free(f->kind);
    free(f->issuer);
    free(f->unit);
}

/* A search's snapshot: its own read-only REPEATABLE READ transaction unless one is open. */
static lw_status snapshot_begin(lw_pg *c, int *own, lw_error *err)
{
    *own = 0;
    if (c->in_txn || PQtransactionStatus(c->pg) != PQTRANS_IDLE)
        return LW_OK;
    PGresult *res = lw_pg_exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL, PGRES_COMMAND_OK, err);
    if (!res)
        return err ? err->code : LW_ERR_DB;
    PQclear(res);
    *own = 1;
    return LW_OK;
}

static void snapshot_end(lw_pg *c, int own)
{
    if (own)
        PQclear(PQexec(c->pg, PQtransactionStatus(c->pg) == PQTRANS_INTRANS ? "COMMIT" : "ROLLBACK"));
}

/* Every match of q, with its frequencies (ranking) or its facets' values. A candidate's text
 * is read only where PostgreSQL cannot decide: where its tsvector lost positions, or, for
 * ranking, where a phrase of several tokens or a prefix must be counted. */
static lw_status collect(lw_pg *c, const lw_search_query *q, const lw_pg_query *pq, int facets, matches *ms,
                         lw_error *err)
{
    int none_u, none_e;
    char *u = lw_pg_query_tsquery(pq, -1, LW_PG_TSQ_RELAXED, &none_u);
    char *e = lw_pg_query_tsquery(pq, -1, LW_PG_TSQ_EXACT, &none_e);
    int np = lw_pg_query_nphrase(pq);
    filters f;
    lw_status rc = LW_OK;
    ms->q = pq;
    ms->facets = facets;
    ms->counted = !facets && np <= 32;
    char *lex[32] = {0};
    for (int i = 0; i < np && ms->counted; i++) {
        int oom;
        lex[i] = lw_pg_query_count_tsquery(pq, i, &oom);
        ms->counted = lex[i] != NULL;
        if (oom)
            rc = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    ms->doc = lw_pg_doc_new();
    ms->counts = malloc((size_t)(np ? np : 1) * LW_PG_NCOL * sizeof *ms->counts);
    ms->holding = calloc(np ? (size_t)np : 1, sizeof *ms->holding);
    const char *p[6 + 32] = {u, e};
    lw_buf sql = {0};
    int bad = rc || (!u && !none_u) || (!e && !none_e) || !ms->doc || !ms->counts || !ms->holding;
    bad = filters_make(q, &f) || bad;
    p[2] = f.year;
    p[3] = f.kind;
    p[4] = f.issuer;
    p[5] = f.unit;
    int text_always = !facets && !ms->counted; /* else only where NOT pos_ok */
    bad = bad || lw_buf_printf(&sql,
                               "SELECT t.doc_id, t.n_subject, t.n_body, %s, t.pos_ok, %s, %s",
                               facets ? "CASE WHEN char_length(d.date) >= 4 THEN substr(d.date, 1, 4) END" : "d.path",
                               text_always ? "t.subject" : "CASE WHEN t.pos_ok THEN NULL ELSE t.subject END",
                               text_always ? "t.body" : "CASE WHEN t.pos_ok THEN NULL ELSE t.body END") < 0;
    if (facets)
        bad = bad || lw_buf_printf(&sql, ", d.kind, d.issuer") < 0;
    for (int i = 0; ms->counted && i < np && !bad; i++) {
        p[6 + i] = lex[i];
        bad = lw_buf_printf(&sql, COUNT_COL, 7 + i, 7 + i, 7 + i) < 0;
    }
    bad = bad || lw_buf_printf(&sql, "%s%s%s", CANDIDATES_FROM_1, u && e && !strcmp(u, e) ? EXACT_SAME : EXACT_TOO,
                               CANDIDATES_FROM_2) < 0;
    if (rc)
        ;
    else if (bad)
        rc = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    else if (!none_u) { /* none: nothing can match */
        rc = each_row(c, sql.data, 6 + (ms->counted ? np : 0), p, on_candidate, ms, err);
        if (!rc && ms->oom)
            rc = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    for (int i = 0; i < 32; i++)
        free(lex[i]);
    lw_buf_free(&sql);
    filters_free(&f);
    free(u);
    free(e);
    return rc;
}

/* ---------------------------------------------------------------- bm25 */

/* The idf of a phrase held by nHit of nRow rows (fts5Bm25GetData); *floor when clamped. */
static double idf_of(long long nRow, long long nHit, int *floor)
{
    double idf = log((nRow - nHit + 0.5) / (nHit + 0.5));
    *floor = idf <= 0.0;
    if (idf <= 0.0)
        idf = 1e-6;
    return idf;
}

typedef struct {
    const lw_pg_query *q;
    int phrase;
    lw_pg_doc *doc;
    long long n;
    int oom;
} phrase_rows;

static int on_phrase_row(void *ud, const PGresult *res)
{
    phrase_rows *pr = ud;
    size_t ns, nb;
    const char *s = col(res, 0, &ns), *b = col(res, 1, &nb);
    if (lw_pg_doc_set(pr->doc, s, ns, b, nb)) {
        pr->oom = 1;
        return 1;
    }
    pr->n += lw_pg_doc_has_phrase(pr->q, pr->doc, pr->phrase);
    return 0;
}

/* The rows of the whole table holding phrase i (xQueryPhrase's count): in SQL where the
 * tsvector's positions are whole, by the text where they are not. */
static lw_status phrase_hits(lw_pg *c, const lw_pg_query *pq, int i, long long *n, lw_error *err)
{
    int none_e, none_u;
    char *e = lw_pg_query_tsquery(pq, i, LW_PG_TSQ_EXACT, &none_e);
    char *u = lw_pg_query_tsquery(pq, i, LW_PG_TSQ_RELAXED, &none_u);
    lw_status rc = LW_OK;
    *n = 0;
    if ((!e && !none_e) || (!u && !none_u))
        rc = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    if (!rc && e) {
        const char *p[1] = {e};
        PGresult *res = lw_pg_exec(c, "SELECT count(*) FROM doc_text WHERE pos_ok AND tsv @@ $1::tsquery", 1, p,
                                   PGRES_TUPLES_OK, err);
        if (!res)
            rc = err ? err->code : LW_ERR_DB;
        else
            *n = lw_pg_int(res, 0, 0, 0);
        PQclear(res);
    }
    if (!rc && u) {
        phrase_rows pr = {pq, i, lw_pg_doc_new(), 0, 0};
        const char *p[1] = {u};
        if (!pr.doc)
            rc = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
        else
            rc = each_row(c,
                          "SELECT subject, body FROM doc_text"
                          " WHERE NOT pos_ok AND (tsv IS NULL OR tsv @@ $1::tsquery)",
                          1, p, on_phrase_row, &pr, err);
        if (!rc && pr.oom)
            rc = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
        *n += pr.n;
        lw_pg_doc_free(pr.doc);
    }
    free(e);
    free(u);
    return rc;
}

static int match_cmp(const void *a, const void *b)
{
    const match *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return strcmp(x->path ? x->path : "", y->path ? y->path : "");
}

/* Every match's score: fts5Bm25Function's arithmetic, operation for operation (lw_rank.c's
 * bm25_of), so that the scores equal SQLite's to the bit. */
static lw_status score_all(lw_pg *c, const lw_pg_query *pq, matches *ms, lw_error *err)
{
    int np = lw_pg_query_nphrase(pq);
    PGresult *res = lw_pg_exec(c, "SELECT count(*), coalesce(sum(n_subject::bigint + n_body), 0) FROM doc_text", 0,
                               NULL, PGRES_TUPLES_OK, err);
    if (!res)
        return err ? err->code : LW_ERR_DB;
    long long nrow = lw_pg_int(res, 0, 0, 0), ntoken = lw_pg_int(res, 0, 1, 0);
    PQclear(res);
    double *idf = calloc(np ? (size_t)np : 1, sizeof *idf);
    if (!idf)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    lw_status rc = LW_OK;
    for (int i = 0; i < np && !rc; i++) {
        int floor;
        double v = idf_of(nrow, (long long)ms->holding[i], &floor);
        if (!ms->holding[i])
            idf[i] = 0.0; /* no match holds it: never used */
        else if (floor)
            idf[i] = v; /* nHit >= holding: the floor as well */
        else {
            long long nhit;
            rc = phrase_hits(c, pq, i, &nhit, err);
            idf[i] = idf_of(nrow, nhit, &floor);
        }
    }
    if (!rc) {
        const double k1 = 1.2, b = 0.75;
        double avgdl = (double)ntoken / (double)nrow;
        for (size_t j = 0; j < ms->n; j++) {
            double score = 0.0, D = ms->m[j].len;
            const double *freq = ms->m[j].freq;
            for (int i = 0; i < np; i++)
                score += idf[i] * ((freq[i] * (k1 + 1.0)) / (freq[i] + k1 * (1 - b + b * D / avgdl)));
            ms->m[j].score = score; /* -bm25: FTS5 returns -score, the hit shows -bm25 */
        }
        qsort(ms->m, ms->n, sizeof *ms->m, match_cmp);
    }
    free(idf);
    return rc;
}

/* ---------------------------------------------------------------- hits */

static lw_status emit_hit(lw_pg *c, const lw_search_query *q, const lw_snippet_terms *terms, const match *m,
                          int (*fn)(void *ud, const lw_search_hit *h), void *ud, int *stop, lw_error *err)
{
    char id[32];
    snprintf(id, sizeof id, "%lld", m->id);
    const char *p[1] = {id};
    PGresult *res = lw_pg_exec(c,
                               "SELECT d.path, d.number, d.kind, d.issuer, d.date, d.subject, t.subject, t.body,"
                               "       t.doc_id IS NOT NULL"
                               "  FROM documents d LEFT JOIN doc_text t ON t.doc_id = d.id WHERE d.id = $1",
                               1, p, PGRES_TUPLES_OK, err);
    if (!res)
        return err ? err->code : LW_ERR_DB;
    PGresult *paths = NULL;
    lw_status rc = LW_OK;
    if (PQntuples(res) != 1) /* gone since it was ranked: never in one snapshot */
        rc = lw_error_msg(err, LW_ERR_DB, c->shown, 0, 0, LW_MSG_PGS_DOC_GONE, m->id);
    if (!rc) {
        paths = lw_pg_exec(c, "SELECT p.path FROM doc_paths p WHERE p.doc_id = $1 ORDER BY " PATHS_ORDER " LIMIT 64",
                           1, p, PGRES_TUPLES_OK, err);
        if (!paths)
            rc = err ? err->code : LW_ERR_DB;
    }
    if (!rc) {
        char *snippet = NULL;
        size_t ns, nb;
        const char *s = col(res, 6, &ns), *b = col(res, 7, &nb);
        int has_text = *PQgetvalue(res, 0, 8) == 't';
        if (has_text)
            snippet = lw_snippet_make(terms, s, ns, b, nb, q->mark_open ? q->mark_open : "«",
                                      q->mark_close ? q->mark_close : "»", LW_SNIPPET_WORDS);
        const char *pv[LW_HIT_PATHS_MAX];
        size_t np = 0;
        for (int r = 0; r < PQntuples(paths) && np < LW_HIT_PATHS_MAX; r++)
            pv[np++] = PQgetvalue(paths, r, 0);
        if (has_text && !snippet)
            rc = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
        else {
            lw_search_hit hit = {lw_pg_str(res, 0, 0), lw_pg_str(res, 0, 1), lw_pg_str(res, 0, 2),
                                 lw_pg_str(res, 0, 3), lw_pg_str(res, 0, 4), m->score, snippet, m->id,
                                 lw_pg_str(res, 0, 5), pv, np};
            *stop = fn && fn(ud, &hit);
        }
        free(snippet);
    }
    PQclear(paths);
    PQclear(res);
    return rc;
}

/* The query read: lw_fts_query_build's expression and its parse. */
static lw_status read_query(const lw_search_query *q, char **expr, lw_pg_query **pq, lw_error *err)
{
    *pq = NULL;
    lw_status rc = lw_fts_query_build(q->query ? q->query : "", expr, err);
    if (rc)
        return rc;
    rc = lw_pg_query_parse(*expr, pq, err);
    if (rc) {
        free(*expr);
        *expr = NULL;
    }
    return rc;
}

lw_status lw_pg_search(lw_store_conn *conn, const lw_search_query *q, int (*fn)(void *ud, const lw_search_hit *h),
                       void *ud, size_t *n_hits, lw_error *err)
{
    lw_pg *c = LW_PG(conn);
    if (n_hits)
        *n_hits = 0;
    char *expr = NULL;
    lw_pg_query *pq = NULL;
    lw_status rc = read_query(q, &expr, &pq, err);
    if (rc)
        return rc;
    lw_snippet_terms *terms = NULL;
    if (lw_snippet_terms_create(expr, &terms)) {
        free(expr);
        lw_pg_query_free(pq);
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    matches ms;
    memset(&ms, 0, sizeof ms);
    int own;
    rc = snapshot_begin(c, &own, err);
    if (!rc)
        rc = collect(c, q, pq, 0, &ms, err);
    if (!rc && ms.n)
        rc = score_all(c, pq, &ms, err);
    size_t limit = (size_t)(q->limit > 0 ? q->limit : LW_SEARCH_LIMIT_DEFAULT);
    size_t offset = (size_t)(q->offset > 0 ? q->offset : 0);
    int stop = 0;
    for (size_t i = offset; !rc && !stop && i < ms.n && i < offset + limit; i++) {
        rc = emit_hit(c, q, terms, &ms.m[i], fn, ud, &stop, err);
        if (!rc && n_hits)
            ++*n_hits;
    }
    snapshot_end(c, own);
    matches_free(&ms);
    lw_snippet_terms_free(terms);
    lw_pg_query_free(pq);
    free(expr);
    return rc;
}

/* ---------------------------------------------------------------- facets */

typedef struct {
    const char *v;
    long long n;
} facet_value;

static int facet_cmp(const void *a, const void *b)
{
    const facet_value *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->v, y->v);
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The LW_SEARCH_FACET_TOP values of field (0 year, 1 kind, 2 issuer) by count, then value
 * (SQLite: GROUP BY v ORDER BY c DESC, v over the non-empty values), appended to arr. */
static int facet_top(const matches *ms, int field, json_t *arr)
{
    const char **v = malloc((ms->n ? ms->n : 1) * sizeof *v);
    facet_value *fv = malloc((ms->n ? ms->n : 1) * sizeof *fv);
    int bad = !v || !fv;
    size_t n = 0, nf = 0;
    for (size_t i = 0; !bad && i < ms->n; i++) {
        const char *s = field == 0 ? ms->m[i].path : field == 1 ? ms->m[i].kind : ms->m[i].issuer;
        if (s && *s)
            v[n++] = s;
    }
    if (!bad) {
        qsort(v, n, sizeof *v, str_cmp);
        for (size_t i = 0; i < n;) {
            size_t j = i;
            while (j < n && !strcmp(v[j], v[i]))
                j++;
            fv[nf++] = (facet_value){v[i], (long long)(j - i)};
            i = j;
        }
        qsort(fv, nf, sizeof *fv, facet_cmp);
        for (size_t i = 0; i < nf && i < LW_SEARCH_FACET_TOP && !bad; i++)
            bad = json_array_append_new(arr, json_pack("{s:s,s:I}", "value", fv[i].v, "count", (json_int_t)fv[i].n)) != 0;
    }
    free(v);
    free(fv);
    return bad ? -1 : 0;
}

lw_status lw_pg_search_facets(lw_store_conn *conn, const lw_search_query *q, json_t **out, lw_error *err)
{
    lw_pg *c = LW_PG(conn);
    *out = NULL;
    char *expr = NULL;
    lw_pg_query *pq = NULL;
    lw_status rc = read_query(q, &expr, &pq, err);
    if (rc)
        return rc;
    matches ms;
    memset(&ms, 0, sizeof ms);
    int own;
    rc = snapshot_begin(c, &own, err);
    if (!rc)
        rc = collect(c, q, pq, 1, &ms, err);
    snapshot_end(c, own);
    json_t *o = NULL;
    if (!rc) {
        o = json_pack("{s:I,s:[],s:[],s:[]}", "total", (json_int_t)ms.n, "year", "kind", "issuer");
        if (!o || facet_top(&ms, 0, json_object_get(o, "year")) || facet_top(&ms, 1, json_object_get(o, "kind")) ||
            facet_top(&ms, 2, json_object_get(o, "issuer"))) {
            json_decref(o);
            o = NULL;
            rc = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
        }
    }
    matches_free(&ms);
    lw_pg_query_free(pq);
    free(expr);
    *out = o;
    return rc;
}
