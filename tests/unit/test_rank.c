/* Tests for lw_rank (issue 20): the search's page found by bounds is the page of the full
 * bm25 ranking, field by field (hits, order, scores within 1e-9, snippets, paths), over every
 * query of bench/queries.txt and more, without filters and with each filter (year, kind,
 * issuer, unit), on the first and later pages, on a generated corpus (bench/gen_corpus.py,
 * LW_RANK_DOCS documents); and where it must give up (a doc_text row without its document)
 * it falls back to the full ranking. The reference is lw_store_search with full_rank (every
 * match scored by FTS5's bm25 in SQL, ORDER BY bm25, path). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lw_store_ingest.h"
#include "lw_store_sqlite.h" /* the connection, to look into the database */

#include "test_dir.h"

#ifndef LW_PYTHON
#define LW_PYTHON "python3"
#endif
/* Documents generated: enough for words in every document, selective ones, ties, pages. */
#define LW_RANK_DOCS 600
#define MAX_HITS 256

static char tmpdir[256];
static lw_store *store;

/* Queries besides bench/queries.txt: a phrase counted (not in half the table), the same word
 * twice, OR with a rare side, NOT of a common word, a prefix, nothing. */
static const char *const extra_queries[] = {
    "ben tre OR thi hành", "thi AND thi", "tham nhũng OR \"kiem tra\"", "thi hành NOT tham nhũng",
    "kế hoạch", "ke*", "66-NQ/TW OR 14/2014/TT-BTP", "quyết định AND (hòa giải OR hoà giải)",
    "nghị định -hành", "zzzz"};

typedef struct {
    size_t n;
    long long id[MAX_HITS];
    double score[MAX_HITS];
    char *path[MAX_HITS], *number[MAX_HITS], *snippet[MAX_HITS], *paths[MAX_HITS];
} page;

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

static int on_hit(void *ud, const lw_search_hit *h)
{
    page *p = ud;
    if (p->n == MAX_HITS)
        return 1;
    size_t i = p->n++;
    p->id[i] = h->id;
    p->score[i] = h->score;
    p->path[i] = dup_or_null(h->path);
    p->number[i] = dup_or_null(h->number);
    p->snippet[i] = dup_or_null(h->snippet);
    char all[4096] = "";
    for (size_t k = 0; k < h->n_paths; k++) {
        strncat(all, h->paths[k], sizeof all - strlen(all) - 2);
        strcat(all, "|");
    }
    p->paths[i] = strdup(all);
    return 0;
}

static void page_free(page *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->path[i]);
        free(p->number[i]);
        free(p->snippet[i]);
        free(p->paths[i]);
    }
    p->n = 0;
}

static int str_eq(const char *a, const char *b) { return (!a && !b) || (a && b && !strcmp(a, b)); }

/* Counts over the whole run, so that the test proves it compared something real. */
static size_t n_compared, n_bit_equal, n_searches, n_big, n_first, n_empty;

/* The page of q by lw_rank and by the full ranking: the same, field by field. */
static void compare(lw_search_query q)
{
    page fast = {0}, full = {0};
    lw_error err;
    lw_error_clear(&err);
    size_t nf = 0, nr = 0;
    q.full_rank = 0;
    lw_status a = lw_store_search(store, &q, on_hit, &fast, &nf, &err);
    if (a)
        fail_msg("query '%s': %s", q.query, err.msg);
    q.full_rank = 1;
    lw_status b = lw_store_search(store, &q, on_hit, &full, &nr, &err);
    if (b)
        fail_msg("query '%s' (full): %s", q.query, err.msg);
    if (fast.n != full.n)
        fail_msg("query '%s' year %s kind %s issuer %s unit %s offset %d: %zu hits, the full ranking %zu",
                 q.query, q.year ? q.year : "-", q.kind ? q.kind : "-", q.issuer ? q.issuer : "-",
                 q.unit ? q.unit : "-", q.offset, fast.n, full.n);
    for (size_t i = 0; i < fast.n; i++) {
        if (fast.id[i] != full.id[i] || fabs(fast.score[i] - full.score[i]) > 1e-9 ||
            !str_eq(fast.path[i], full.path[i]) || !str_eq(fast.number[i], full.number[i]) ||
            !str_eq(fast.snippet[i], full.snippet[i]) || !str_eq(fast.paths[i], full.paths[i]))
            fail_msg("query '%s' year %s kind %s issuer %s unit %s offset %d, hit %zu: id %lld score %.17g, "
                     "the full ranking id %lld score %.17g",
                     q.query, q.year ? q.year : "-", q.kind ? q.kind : "-", q.issuer ? q.issuer : "-",
                     q.unit ? q.unit : "-", q.offset, i, fast.id[i], fast.score[i], full.id[i], full.score[i]);
        n_bit_equal += memcmp(&fast.score[i], &full.score[i], sizeof(double)) == 0;
    }
    n_compared += fast.n;
    n_searches++;
    n_first += q.offset == 0;
    n_empty += q.offset == 0 && fast.n == 0;
    page_free(&fast);
    page_free(&full);
}

/* The first text of sql's first row, copied into out (n bytes); "" when none. */
static void first_text(const char *sql, char *out, size_t n)
{
    sqlite3_stmt *st;
    out[0] = '\0';
    assert_int_equal(sqlite3_prepare_v2(lw_store_sqlite_db(store), sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

static long long count(const char *sql)
{
    sqlite3_stmt *st;
    long long n = -1;
    assert_int_equal(sqlite3_prepare_v2(lw_store_sqlite_db(store), sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/lw_test_rank_XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    char cmd[2048], docs[512], db[512], rules[1200];
    snprintf(docs, sizeof docs, "%s/docs", tmpdir);
    snprintf(db, sizeof db, "%s/rank.db", tmpdir);
    snprintf(cmd, sizeof cmd, "'%s' '%s/bench/gen_corpus.py' --out '%s' --n %d --seed 20 --jobs 2 >/dev/null",
             LW_PYTHON, source_dir(), docs, LW_RANK_DOCS);
    if (system(cmd))
        return -1;
    snprintf(rules, sizeof rules, "%s/rules", source_dir());
    lw_error err;
    lw_error_clear(&err);
    lw_engine *engine;
    if (lw_engine_create(rules, &engine, &err))
        return -1;
    lw_ingest_options o;
    lw_ingest_options_default(&o);
    lw_ingest_report rep;
    const char *paths[] = {docs};
    lw_status rc = lw_store_open(db, LW_STORE_CREATE, &store, &err);
    if (!rc)
        rc = lw_store_ingest(store, engine, paths, 1, &o, &rep, &err);
    lw_ingest_report_free(&rep);
    lw_engine_free(engine);
    return rc ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    lw_store_close(store);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) ? -1 : 0;
}

/* Every query of bench/queries.txt and the extras, with each filter, on three pages. */
static void test_rank_equals_full_ranking(void **state)
{
    (void)state;
    assert_int_equal(count("SELECT count(*) FROM documents"), LW_RANK_DOCS);
    char year[16], kind[200], issuer[400], unit[400];
    first_text("SELECT substr(date, 1, 4) FROM documents WHERE date IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC",
               year, sizeof year);
    first_text("SELECT kind FROM documents WHERE kind <> '' GROUP BY 1 ORDER BY count(*) DESC", kind, sizeof kind);
    first_text("SELECT issuer FROM documents WHERE issuer <> '' GROUP BY 1 ORDER BY count(*) DESC", issuer,
               sizeof issuer);
    first_text("SELECT name_key FROM duty_units GROUP BY 1 ORDER BY count(*) DESC", unit, sizeof unit);
    assert_true(year[0] && kind[0] && issuer[0] && unit[0]);

    char path[1300];
    snprintf(path, sizeof path, "%s/bench/queries.txt", source_dir());
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char lines[64][512];
    size_t nq = 0;
    while (nq < 64 && fgets(lines[nq], sizeof lines[nq], f)) {
        lines[nq][strcspn(lines[nq], "\n")] = '\0';
        if (lines[nq][0] && lines[nq][0] != '#')
            nq++;
    }
    fclose(f);
    assert_true(nq >= 27);
    for (size_t k = 0; k < sizeof extra_queries / sizeof *extra_queries && nq < 64; k++)
        snprintf(lines[nq++], sizeof lines[0], "%s", extra_queries[k]);

    static const int offsets[] = {0, 20, 57};
    for (size_t i = 0; i < nq; i++)
        for (int filter = 0; filter < 5; filter++)
            for (size_t o = 0; o < 3; o++) {
                lw_search_query q;
                memset(&q, 0, sizeof q);
                q.query = lines[i];
                q.offset = offsets[o];
                q.limit = o == 2 ? 7 : 20;
                q.year = filter == 1 ? year : NULL;
                q.kind = filter == 2 ? kind : NULL;
                q.issuer = filter == 3 ? issuer : NULL;
                q.unit = filter == 4 ? unit : NULL;
                compare(q);
            }
    /* a large page: k well past the seed's first guesses */
    lw_search_query q;
    memset(&q, 0, sizeof q);
    q.query = "thi hành";
    q.limit = 200;
    q.offset = 3;
    compare(q);
    n_big = count("SELECT count(*) FROM doc_text WHERE doc_text MATCH '\"thi\" AND \"hành\"'");
    print_message("lw_rank: %zu searches, %zu hits compared, %zu of their scores equal to the bit; %zu of %zu "
                  "first pages empty\n", n_searches, n_compared, n_bit_equal, n_empty, n_first);
    /* not a vacuous pass: most pages full, words in every document among them */
    assert_true(n_compared > 5000);
    assert_true(n_empty < n_first / 4);
    assert_int_equal(n_big, LW_RANK_DOCS);
    assert_int_equal(n_bit_equal, n_compared);
}

/* A doc_text row without its document (never made by ingest; a damaged or hand-edited
 * database): ranked first, it cannot be shown; the search falls back to the full ranking
 * and gives its page. */
static void test_rank_falls_back(void **state)
{
    (void)state;
    sqlite3 *db = lw_store_sqlite_db(store);
    /* short, and the words many times in the subject (weight 4): the best bm25 score */
    assert_int_equal(sqlite3_exec(db,
                                  "INSERT INTO doc_text(rowid, subject, body) SELECT 1000000,"
                                  " (WITH RECURSIVE r(i, t) AS (SELECT 1, 'thi hành pháp luật' UNION ALL"
                                  "  SELECT i + 1, t || ' thi hành pháp luật' FROM r WHERE i < 60)"
                                  "  SELECT t FROM r WHERE i = 60), 'thi hành pháp luật'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    /* the orphan is the best match: the bounded ranking meets it on the page */
    assert_int_equal(count("SELECT rowid FROM doc_text WHERE doc_text MATCH '\"thi\" AND \"hành\"'"
                           " ORDER BY bm25(doc_text, 4.0, 1.0) LIMIT 1"),
                     1000000);
    lw_search_query q;
    memset(&q, 0, sizeof q);
    q.query = "thi hành";
    compare(q);
    q.query = "pháp luật";
    q.offset = 5;
    compare(q);
    assert_int_equal(sqlite3_exec(db, "DELETE FROM doc_text WHERE rowid = 1000000", NULL, NULL, NULL), SQLITE_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rank_equals_full_ranking),
        cmocka_unit_test(test_rank_falls_back),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
