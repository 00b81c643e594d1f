/* lw_rank: bm25's first page over doc_text by bounds (lw_rank.h says why it is exact). Two
 * FTS5 auxiliary functions gather what FTS5 knows of each match (lw_rank_collect) and the
 * document frequencies that cannot be proven (lw_rank_idf); the scores are then those of
 * FTS5's fts5Bm25Function (SQLite's ext/fts5/fts5_aux.c), operation for operation, so that
 * they are equal to the bit, not only close. */
#include "lw_rank.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lw_msg.h"

/* The pointer type name of the state passed to the functions (sqlite3_bind_pointer). */
#define LW_RANK_PTR "lw_rank_state"
/* Columns of doc_text (subject, body): the weights read from the call's arguments. */
#define LW_RANK_COLS 8

/* What one lw_rank_top gathers. freq holds n rows of nphrase weighted frequencies. */
typedef struct {
    int rc;               /* the first error of a callback (an SQLite code), 0 if none */
    int nphrase;          /* -1 until the first row */
    int ncol;             /* columns of the table, at most LW_RANK_COLS */
    double w[LW_RANK_COLS];
    sqlite3_int64 nrow, ntoken;
    size_t n, cap;
    sqlite3_int64 *id;    /* rowid of each row */
    double *dlb;          /* a lower bound of each row's length in tokens */
    double *freq;         /* weighted frequency of each phrase in each row */
    size_t *holding;      /* per phrase: rows collected that hold it */
    double *idf;          /* per phrase */
    unsigned char *need;  /* per phrase: its idf must be counted (lw_rank_idf) */
} rank_state;

static void state_free(rank_state *rs)
{
    free(rs->id);
    free(rs->dlb);
    free(rs->freq);
    free(rs->holding);
    free(rs->idf);
    free(rs->need);
}

/* The state passed as the first argument after the table, or NULL (an error set). */
static rank_state *state_of(sqlite3_context *ctx, int nval, sqlite3_value **val)
{
    rank_state *rs = nval > 0 ? sqlite3_value_pointer(val[0], LW_RANK_PTR) : NULL;
    if (!rs)
        sqlite3_result_error(ctx, "lw_rank: called without its state", -1);
    else if (rs->rc)
        sqlite3_result_error_code(ctx, rs->rc);
    return rs && !rs->rc ? rs : NULL;
}

/* The first row: the phrases, the table's size and the weights (as bm25 reads them: the
 * argument of column c, 1.0 for a column without one). */
static int state_start(rank_state *rs, const Fts5ExtensionApi *api, Fts5Context *fc, int nval, sqlite3_value **val)
{
    int rc;
    rs->nphrase = api->xPhraseCount(fc);
    rs->ncol = api->xColumnCount(fc);
    if (rs->ncol > LW_RANK_COLS)
        return SQLITE_ERROR;
    for (int c = 0; c < rs->ncol; c++)
        rs->w[c] = nval - 1 > c ? sqlite3_value_double(val[1 + c]) : 1.0;
    if ((rc = api->xRowCount(fc, &rs->nrow)) || (rc = api->xColumnTotalSize(fc, -1, &rs->ntoken)))
        return rc;
    size_t np = rs->nphrase > 0 ? (size_t)rs->nphrase : 1;
    rs->holding = calloc(np, sizeof *rs->holding);
    rs->idf = calloc(np, sizeof *rs->idf);
    rs->need = calloc(np, sizeof *rs->need);
    return rs->holding && rs->idf && rs->need ? SQLITE_OK : SQLITE_NOMEM;
}

static int state_grow(rank_state *rs)
{
    size_t cap = rs->cap ? rs->cap * 2 : 1024, np = (size_t)rs->nphrase;
    sqlite3_int64 *id = realloc(rs->id, cap * sizeof *id);
    if (id)
        rs->id = id;
    double *dlb = id ? realloc(rs->dlb, cap * sizeof *dlb) : NULL;
    if (dlb)
        rs->dlb = dlb;
    double *freq = dlb && np ? realloc(rs->freq, cap * np * sizeof *freq) : NULL;
    if (freq)
        rs->freq = freq;
    if (!id || !dlb || (np && !freq))
        return SQLITE_NOMEM;
    rs->cap = cap;
    return SQLITE_OK;
}

/* lw_rank_collect(doc_text, state, W0, W1...): one row's frequencies and length bound. The
 * instances are those xInst gives bm25 (both read the phrase's position list of the row),
 * summed per phrase in the same order. */
static void fn_collect(const Fts5ExtensionApi *api, Fts5Context *fc, sqlite3_context *ctx, int nval,
                       sqlite3_value **val)
{
    rank_state *rs = state_of(ctx, nval, val);
    if (!rs)
        return;
    int rc = SQLITE_OK;
    if (rs->nphrase < 0)
        rc = state_start(rs, api, fc, nval, val);
    if (!rc && rs->n == rs->cap)
        rc = state_grow(rs);
    if (rc) {
        rs->rc = rc;
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    int last[LW_RANK_COLS] = {0}; /* per column: the last matched position + 1 */
    double *f = rs->freq + rs->n * (size_t)rs->nphrase;
    for (int i = 0; i < rs->nphrase && !rc; i++) {
        Fts5PhraseIter it;
        int ic, io, any = 0;
        double fi = 0.0;
        rc = api->xPhraseFirst(fc, i, &it, &ic, &io);
        for (; !rc && ic >= 0; api->xPhraseNext(fc, &it, &ic, &io)) {
            if (ic >= rs->ncol) {
                rc = SQLITE_CORRUPT;
                break;
            }
            fi += rs->w[ic];
            any = 1;
            if (io + 1 > last[ic])
                last[ic] = io + 1;
        }
        f[i] = fi;
        rs->holding[i] += (size_t)any;
    }
    if (rc) {
        rs->rc = rc;
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    double d = 0;
    for (int c = 0; c < rs->ncol; c++)
        d += last[c];
    rs->dlb[rs->n] = d;
    rs->id[rs->n] = api->xRowid(fc);
    rs->n++;
    sqlite3_result_null(ctx);
}

/* A count of a phrase's rows that stops where the idf is known to be bm25's floor. */
typedef struct {
    sqlite3_int64 n, nrow;
} phrase_count;

/* The idf of a phrase held by nHit of nRow rows, fts5Bm25GetData's words; *floor set when
 * it is the floor 1e-6 (the formula's value <= 0), not a value that happens to be 1e-6. */
static double idf_of(sqlite3_int64 nRow, sqlite3_int64 nHit, int *floor)
{
    double idf = log((nRow - nHit + 0.5) / (nHit + 0.5));
    *floor = idf <= 0.0;
    if (idf <= 0.0)
        idf = 1e-6;
    return idf;
}

/* Returned by count_cb to stop the count (never an SQLite code of FTS5's own). */
#define LW_RANK_FLOOR_REACHED (SQLITE_DONE + 1000)

static int count_cb(const Fts5ExtensionApi *api, Fts5Context *fc, void *ud)
{
    (void)api;
    (void)fc;
    phrase_count *c = ud;
    int floor;
    c->n++;
    /* the idf decreases with n: once at its floor, every larger count gives the floor too */
    idf_of(c->nrow, c->n, &floor);
    return floor ? LW_RANK_FLOOR_REACHED : SQLITE_OK;
}

/* lw_rank_idf(doc_text, state): the idf of each phrase marked need, counted as bm25 does. */
static void fn_idf(const Fts5ExtensionApi *api, Fts5Context *fc, sqlite3_context *ctx, int nval,
                   sqlite3_value **val)
{
    rank_state *rs = state_of(ctx, nval, val);
    if (!rs)
        return;
    int rc = api->xPhraseCount(fc) == rs->nphrase ? SQLITE_OK : SQLITE_ERROR;
    for (int i = 0; i < rs->nphrase && !rc; i++) {
        phrase_count c = {0, rs->nrow};
        if (!rs->need[i])
            continue;
        rc = api->xQueryPhrase(fc, i, &c, count_cb);
        if (rc == LW_RANK_FLOOR_REACHED)
            rc = SQLITE_OK;
        if (rc)
            continue;
        int floor;
        rs->idf[i] = idf_of(c.nrow, c.n, &floor);
        rs->need[i] = 0;
    }
    if (rc) {
        rs->rc = rc;
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    sqlite3_result_null(ctx);
}

lw_status lw_rank_register(sqlite3 *db, lw_error *err)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
        rc = sqlite3_step(st) == SQLITE_ROW ? SQLITE_OK : sqlite3_errcode(db);
    }
    sqlite3_finalize(st);
    if (!rc && api)
        rc = api->xCreateFunction(api, "lw_rank_collect", NULL, fn_collect, NULL);
    if (!rc && api)
        rc = api->xCreateFunction(api, "lw_rank_idf", NULL, fn_idf, NULL);
    if (rc || !api)
        return lw_error_msg(err, LW_ERR_DB, NULL, 0, 0, LW_MSG_STORE_NO_FTS5, sqlite3_libversion(),
                            rc ? sqlite3_errstr(rc) : "no fts5_api");
    return LW_OK;
}

/* fts5Bm25Function's score of one row (without its final negation), to the bit. */
static double bm25_of(const rank_state *rs, const double *freq, double D, double avgdl)
{
    const double k1 = 1.2; /* Constant "k1" from BM25 formula */
    const double b = 0.75; /* Constant "b" from BM25 formula */
    double score = 0.0;
    for (int i = 0; i < rs->nphrase; i++)
        score += rs->idf[i] * ((freq[i] * (k1 + 1.0)) / (freq[i] + k1 * (1 - b + b * D / avgdl)));
    return score;
}

/* A row's length in tokens, all columns (xColumnSize(-1)): its doc_text_docsize record is
 * one SQLite varint per column. -1 when the row has none or the record is short. */
static int row_length(sqlite3_stmt *sz, sqlite3_int64 id, int ncol, int *rc)
{
    sqlite3_reset(sz);
    sqlite3_bind_int64(sz, 1, id);
    int r = sqlite3_step(sz);
    if (r != SQLITE_ROW) {
        *rc = r == SQLITE_DONE ? SQLITE_CORRUPT : r;
        return -1;
    }
    const unsigned char *p = sqlite3_column_blob(sz, 0);
    int len = sqlite3_column_bytes(sz, 0), at = 0, total = 0;
    for (int c = 0; c < ncol; c++) {
        uint64_t v = 0;
        int k = 0, end = 0;
        while (!end && k < 9 && at < len) {
            unsigned char byte = p[at++];
            if (k++ == 8) { /* the ninth byte gives all its 8 bits */
                v = (v << 8) | byte;
                end = 1;
            } else {
                v = (v << 7) | (byte & 0x7f);
                end = !(byte & 0x80);
            }
        }
        if (!end) {
            *rc = SQLITE_CORRUPT;
            return -1;
        }
        total += (int)v; /* FTS5 adds the columns as int */
    }
    return total;
}

/* A min-heap of (key, index): the k best so far, the worst on top. */
typedef struct {
    double key;
    size_t at;
} heap_item;

static void heap_push(heap_item *h, size_t *n, size_t cap, heap_item x)
{
    if (*n == cap) {
        if (x.key <= h[0].key)
            return;
        h[0] = x; /* replace the worst, sift down */
        for (size_t i = 0;;) {
            size_t l = 2 * i + 1, r = l + 1, m = i;
            if (l < *n && h[l].key < h[m].key)
                m = l;
            if (r < *n && h[r].key < h[m].key)
                m = r;
            if (m == i)
                break;
            heap_item t = h[i];
            h[i] = h[m];
            h[m] = t;
            i = m;
        }
        return;
    }
    size_t i = (*n)++;
    h[i] = x;
    while (i > 0 && h[(i - 1) / 2].key > h[i].key) {
        heap_item t = h[i];
        h[i] = h[(i - 1) / 2];
        h[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

static int hit_cmp(const void *a, const void *b)
{
    const lw_rank_hit *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* The k best rows of rs by exact score (every row at least as good as the k-th), in *out. */
static int select_top(sqlite3 *db, rank_state *rs, size_t k, lw_rank_hit **out, size_t *n_out)
{
    size_t n = rs->n, np = (size_t)rs->nphrase;
    if (k > n)
        k = n; /* all of them: the same rows, and no heap larger than the matches */
    double avgdl = (double)rs->ntoken / (double)rs->nrow;
    double *ub = malloc((n ? n : 1) * sizeof *ub);
    unsigned char *done = calloc(n ? n : 1, 1);
    heap_item *seed = malloc(k * sizeof *seed), *best = malloc(k * sizeof *best);
    lw_rank_hit *hits = malloc((n ? n : 1) * sizeof *hits);
    sqlite3_stmt *sz = NULL;
    int rc = !ub || !done || !seed || !best || !hits
                 ? SQLITE_NOMEM
                 : sqlite3_prepare_v2(db, "SELECT sz FROM doc_text_docsize WHERE id = ?1", -1, &sz, NULL);
    size_t nseed = 0, nbest = 0, nhits = 0;
    if (!rc) {
        /* the bound of every row; the k rows of the best bounds are scored first, so that
         * the k-th best score starts high and few others need their length */
        for (size_t i = 0; i < n; i++) {
            ub[i] = bm25_of(rs, rs->freq + i * np, rs->dlb[i], avgdl);
            heap_push(seed, &nseed, k, (heap_item){ub[i], i});
        }
    }
    for (size_t pass = 0; pass < 2 && !rc; pass++) {
        size_t count = pass == 0 ? nseed : n;
        for (size_t j = 0; j < count && !rc; j++) {
            size_t i = pass == 0 ? seed[j].at : j;
            if (done[i])
                continue;
            /* a bound below the k-th best exact score: neither in the page nor tied with it */
            if (nbest == k && ub[i] < best[0].key)
                continue;
            int len = row_length(sz, rs->id[i], rs->ncol, &rc);
            if (len < 0)
                break;
            double s = bm25_of(rs, rs->freq + i * np, (double)len, avgdl);
            done[i] = 1;
            hits[nhits++] = (lw_rank_hit){rs->id[i], s};
            heap_push(best, &nbest, k, (heap_item){s, i});
        }
    }
    sqlite3_finalize(sz);
    free(ub);
    free(done);
    free(seed);
    if (!rc) {
        /* every row scored that reaches the k-th best score (all of them when fewer than k) */
        double kth = nbest == k ? best[0].key : -INFINITY;
        size_t m = 0;
        for (size_t j = 0; j < nhits; j++)
            if (hits[j].score >= kth)
                hits[m++] = hits[j];
        nhits = m;
        qsort(hits, nhits, sizeof *hits, hit_cmp);
        *out = hits;
        *n_out = nhits;
    } else
        free(hits);
    free(best);
    return rc;
}

lw_status lw_rank_top(sqlite3 *db, sqlite3_stmt *collect, const char *expr, size_t k, lw_rank_hit **out,
                      size_t *n_out, size_t *n_matches, int *db_rc, lw_error *err)
{
    *out = NULL;
    *n_out = 0;
    *n_matches = 0;
    *db_rc = SQLITE_OK;
    if (k == 0)
        k = 1;
    rank_state rs;
    memset(&rs, 0, sizeof rs);
    rs.nphrase = -1;
    /* one snapshot for the matches and the phrases' counts, as one bm25 statement has */
    int own_txn = sqlite3_get_autocommit(db) && sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
    int rc, i = sqlite3_bind_parameter_index(collect, ":rank");
    rc = i ? sqlite3_bind_pointer(collect, i, &rs, LW_RANK_PTR, NULL) : SQLITE_MISUSE;
    while (!rc && (rc = sqlite3_step(collect)) == SQLITE_ROW)
        rc = SQLITE_OK;
    if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    if (rs.rc)
        rc = rs.rc;
    sqlite3_reset(collect); /* the pointer to rs must not outlive this call */
    sqlite3_clear_bindings(collect);
    if (!rc && rs.n) {
        /* a phrase held by half the table or more has the idf 1e-6 (bm25's floor), however
         * many more hold it; the others, if any row holds them, are counted */
        int any = 0;
        for (int p = 0; p < rs.nphrase; p++) {
            int floor;
            double idf = idf_of(rs.nrow, (sqlite3_int64)rs.holding[p], &floor);
            if (!rs.holding[p])
                rs.idf[p] = 0.0; /* every row's frequency is 0: the idf is never used */
            else if (floor)
                rs.idf[p] = idf; /* nHit >= holding: the floor as well */
            else
                any = rs.need[p] = 1;
        }
        if (any) {
            sqlite3_stmt *st = NULL;
            rc = sqlite3_prepare_v2(db,
                                    "SELECT lw_rank_idf(doc_text, ?2) FROM doc_text WHERE doc_text MATCH ?1 LIMIT 1",
                                    -1, &st, NULL);
            if (!rc)
                rc = sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
            if (!rc)
                rc = sqlite3_bind_pointer(st, 2, &rs, LW_RANK_PTR, NULL);
            if (!rc) {
                int r = sqlite3_step(st);
                rc = rs.rc ? rs.rc : r == SQLITE_ROW ? SQLITE_OK : r == SQLITE_DONE ? SQLITE_CORRUPT : r;
            }
            for (int p = 0; p < rs.nphrase && !rc; p++)
                if (rs.need[p])
                    rc = SQLITE_CORRUPT; /* a phrase left uncounted: never a made-up idf */
            sqlite3_finalize(st);
        }
        if (!rc)
            rc = select_top(db, &rs, k, out, n_out);
    }
    *n_matches = rs.n;
    /* a read transaction: nothing to keep; never left open (the connection's later reads
     * would stay on this snapshot). COMMIT is a few instructions, under the progress
     * handler's period, so a time limit does not stop it; ROLLBACK if it did fail. */
    if (own_txn && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    state_free(&rs);
    if (rc == SQLITE_NOMEM)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    if (rc) {
        *db_rc = rc;
        return LW_ERR_DB;
    }
    return LW_OK;
}
