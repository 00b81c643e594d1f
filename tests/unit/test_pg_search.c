/* Tests for the PostgreSQL back end's search (issue 21, lw_store_pg_search) against the
 * SQLite back end's, over the same documents ingested into each: a generated corpus
 * (bench/gen_corpus.py), the real corpus (corpus/), tests/data/search, one document read at
 * two paths and one long document past PostgreSQL's tsvector limits (more than 16383 tokens,
 * words more than 256 times: its phrases found from the text, not the tsvector). Every query
 * of bench/queries.txt and more, without filters and with each filter (year, kind, issuer,
 * unit), on three pages: the hits equal field by field (id, order, score to the bit, path,
 * number, kind, issuer, date, subject, snippet, every path), the facets equal, errors equal.
 * The server is LW_TEST_PG_URI (a database of this test's own: its schema is made afresh);
 * without it every test says it is skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lw_store_ingest.h"
#include "lw_store_pg.h"
#include "lw_store_sqlite.h"

#include "test_dir.h"

#ifndef LW_PYTHON
#define LW_PYTHON "python3"
#endif
#define DOCS 400
#define MAX_HITS 256

static char tmpdir[256];
static lw_store *store, *pgstore; /* SQLite; PostgreSQL */
static PGconn *pg;                /* a plain connection, to look into the database */

static const char *const extra_queries[] = {
    "ben tre OR thi hành", "thi AND thi", "tham nhũng OR \"kiem tra\"", "thi hành NOT tham nhũng",
    "kế hoạch", "ke*", "66-NQ/TW OR 14/2014/TT-BTP", "quyết định AND (hòa giải OR hoà giải)",
    "nghị định -hành", "zzzz",
    /* FTS5's reported instances: a phrase counts only on its iterator's row */
    "blockchain OR (kế hoạch NOT thi hành)", "thi hành OR (pháp luật NOT zzzz)", "\"pháp luật\" OR \"thi hành\"",
    /* the long document: phrases past position 16383 and words past 256 positions */
    "\"luật thi hành\"", "\"zygote omega\"", "omega*", "\"tôi tớ\" OR \"zygote omega\"",
    "thi hành NOT \"zygote omega\"", "hàn*", "uy ban nhân dân", "Ủy ban", "đăng ký", "dang ky",
    /* prefixes counted by the server: with no mark (folded forms), with one (exact forms) */
    "dang*", "đăng*", "cơ*", "Ủy*", "nghị*",
    /* phrases counted by the server, or not (two forms of one token: from the text) */
    "\"luật luật\"", "\"hòa hoa\"", "\"thi hành\" AND \"pháp luật\"", "\"kế hoạch\"*"};

static int write_long_doc(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs("ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG\nKẾ HOẠCH\nVề việc thi hành pháp luật dài\n", f);
    for (int i = 0; i < 6000; i++) /* 18000 tokens: "luật" and "thi" far past 256 times */
        fputs(i % 7 ? "luật thi hành " : "tôi tớ luật ", f);
    fputs("\nzygote omega cuối văn bản.\n", f);
    return fclose(f);
}

/* The same folder ingested into both back ends, one job each (ids in the same order). */
static lw_status ingest(lw_store *s, lw_engine *engine, const char *docs, lw_error *err)
{
    lw_ingest_options o;
    lw_ingest_options_default(&o);
    o.jobs = 1;
    lw_ingest_report rep;
    const char *paths[] = {docs};
    lw_status rc = lw_store_ingest(s, engine, paths, 1, &o, &rep, err);
    lw_ingest_report_free(&rep);
    return rc;
}

static int setup(void **state)
{
    (void)state;
    const char *uri = getenv("LW_TEST_PG_URI");
    if (!uri || !*uri)
        return 0; /* every test says it is skipped */
    snprintf(tmpdir, sizeof tmpdir, "/tmp/lw_test_pg_search_XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    char cmd[3000], docs[512], db[512], rules[1200], p[600];
    snprintf(docs, sizeof docs, "%s/docs", tmpdir);
    snprintf(db, sizeof db, "%s/search.db", tmpdir);
    snprintf(cmd, sizeof cmd,
             "'%s' '%s/bench/gen_corpus.py' --out '%s' --n %d --seed 21 --jobs 2 >/dev/null &&"
             " cp -r '%s/corpus' '%s/tests/data/search' '%s/' && cp '%s/tests/data/search/kh-21.txt' '%s/again.txt'",
             LW_PYTHON, source_dir(), docs, DOCS, source_dir(), source_dir(), docs, source_dir(), docs);
    if (system(cmd))
        return -1;
    snprintf(p, sizeof p, "%s/long.txt", docs);
    if (write_long_doc(p))
        return -1;
    /* the test's own database (LW_TEST_PG_URI is ours alone): a fresh schema each run */
    pg = PQconnectdb(uri);
    if (PQstatus(pg) != CONNECTION_OK) {
        fprintf(stderr, "LW_TEST_PG_URI: %s\n", PQerrorMessage(pg));
        return -1;
    }
    PQclear(PQexec(pg, "SET client_min_messages = warning"));
    PGresult *r = PQexec(pg, "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public");
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) {
        fprintf(stderr, "LW_TEST_PG_URI: %s\n", PQerrorMessage(pg));
        return -1;
    }
    snprintf(rules, sizeof rules, "%s/rules", source_dir());
    lw_error err;
    lw_error_clear(&err);
    lw_engine *engine;
    if (lw_engine_create(rules, &engine, &err))
        return -1;
    lw_status rc = lw_store_open(db, LW_STORE_CREATE, &store, &err);
    if (!rc)
        rc = ingest(store, engine, docs, &err);
    if (!rc)
        rc = lw_store_open(uri, LW_STORE_CREATE, &pgstore, &err);
    if (!rc)
        rc = ingest(pgstore, engine, docs, &err);
    lw_engine_free(engine);
    if (rc) {
        fprintf(stderr, "ingest: %s\n", err.msg);
        return -1;
    }
    PQclear(PQexec(pg, "ANALYZE"));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    lw_store_close(pgstore);
    lw_store_close(store);
    if (pg)
        PQfinish(pg);
    if (tmpdir[0]) {
        char cmd[400];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd))
            return -1;
    }
    return 0;
}

/* ---- pages ---- */

typedef struct {
    size_t n;
    long long id[MAX_HITS];
    double score[MAX_HITS];
    char *row[MAX_HITS]; /* every text field and path, one string */
} page;

static int on_hit(void *ud, const lw_search_hit *h)
{
    page *p = ud;
    if (p->n == MAX_HITS)
        return 1;
    size_t i = p->n++;
    p->id[i] = h->id;
    p->score[i] = h->score;
    lw_buf b = {0};
#define F(x) lw_buf_printf(&b, "%s\x1f", (x) ? (x) : "(null)")
    F(h->path);
    F(h->number);
    F(h->kind);
    F(h->issuer);
    F(h->date);
    F(h->subject);
    F(h->snippet);
    for (size_t k = 0; k < h->n_paths; k++)
        F(h->paths[k]);
#undef F
    p->row[i] = lw_buf_detach(&b, NULL);
    return 0;
}

static void page_free(page *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->row[i]);
    p->n = 0;
}

static size_t n_searches, n_compared, n_empty, n_first, n_facets, n_long;

static const char *or_dash(const char *s) { return s ? s : "-"; }

static void compare(lw_search_query q)
{
    page a = {0}, b = {0};
    lw_error ea, eb;
    lw_error_clear(&ea);
    lw_error_clear(&eb);
    size_t na = 0, nb = 0;
    lw_status ra = lw_store_search(store, &q, on_hit, &a, &na, &ea);
    lw_status rb = lw_store_search(pgstore, &q, on_hit, &b, &nb, &eb);
    char what[1200];
    snprintf(what, sizeof what, "query '%s' year %s kind %s issuer %s unit %s offset %d limit %d", q.query,
             or_dash(q.year), or_dash(q.kind), or_dash(q.issuer), or_dash(q.unit), q.offset, q.limit);
    if (ra != rb || (ra && strcmp(ea.msg, eb.msg)))
        fail_msg("%s: SQLite %d '%s', PostgreSQL %d '%s'", what, ra, ea.msg, rb, eb.msg);
    if (a.n != b.n || na != nb)
        fail_msg("%s: SQLite %zu hits, PostgreSQL %zu", what, a.n, b.n);
    for (size_t i = 0; i < a.n; i++) {
        if (a.id[i] != b.id[i] || memcmp(&a.score[i], &b.score[i], sizeof(double)) || strcmp(a.row[i], b.row[i]))
            fail_msg("%s, hit %zu: SQLite id %lld score %.17g %s\nPostgreSQL id %lld score %.17g %s", what, i, a.id[i],
                     a.score[i], a.row[i], b.id[i], b.score[i], b.row[i]);
        n_long += strstr(a.row[i], "long.txt") != NULL;
    }
    n_compared += a.n;
    n_searches++;
    n_first += q.offset == 0;
    n_empty += q.offset == 0 && a.n == 0;
    page_free(&a);
    page_free(&b);
    if (q.offset == 0 && !ra) {
        json_t *fa = NULL, *fb = NULL;
        assert_int_equal(lw_store_search_facets(store, &q, &fa, &ea), LW_OK);
        if (lw_store_search_facets(pgstore, &q, &fb, &eb))
            fail_msg("%s: facets: %s", what, eb.msg);
        if (!json_equal(fa, fb)) {
            char *sa = json_dumps(fa, JSON_COMPACT), *sb = json_dumps(fb, JSON_COMPACT);
            fail_msg("%s: facets differ:\nSQLite     %s\nPostgreSQL %s", what, sa, sb);
        }
        n_facets++;
        json_decref(fa);
        json_decref(fb);
    }
}

static void first_text(const char *sql, char *out, size_t n)
{
    sqlite3_stmt *st;
    out[0] = '\0';
    assert_int_equal(sqlite3_prepare_v2(lw_store_sqlite_db(store), sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

static void test_search_equals_sqlite(void **state)
{
    (void)state;
    if (!pgstore)
        skip(); /* LW_TEST_PG_URI unset: said, not passed */
    char year[16], kind[200], issuer[400], unit[400];
    first_text("SELECT substr(date, 1, 4) FROM documents WHERE date IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC",
               year, sizeof year);
    first_text("SELECT kind FROM documents WHERE kind <> '' GROUP BY 1 ORDER BY count(*) DESC", kind, sizeof kind);
    first_text("SELECT issuer FROM documents WHERE issuer <> '' GROUP BY 1 ORDER BY count(*) DESC", issuer,
               sizeof issuer);
    first_text("SELECT name_key FROM duty_units GROUP BY 1 ORDER BY count(*) DESC", unit, sizeof unit);
    assert_true(year[0] && kind[0] && issuer[0] && unit[0]);
    /* the long document is past the tsvector's limits: its positions are not all there */
    PGresult *r = PQexec(pg, "SELECT count(*) FILTER (WHERE NOT pos_ok), count(*) FROM doc_text");
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    assert_true(atoi(PQgetvalue(r, 0, 0)) >= 1);
    assert_true(atoi(PQgetvalue(r, 0, 1)) >= DOCS);
    PQclear(r);

    char path[1300];
    snprintf(path, sizeof path, "%s/bench/queries.txt", source_dir());
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char lines[80][512];
    size_t nq = 0;
    while (nq < 80 && fgets(lines[nq], sizeof lines[nq], f)) {
        lines[nq][strcspn(lines[nq], "\n")] = '\0';
        if (lines[nq][0] && lines[nq][0] != '#')
            nq++;
    }
    fclose(f);
    assert_true(nq >= 27);
    for (size_t k = 0; k < sizeof extra_queries / sizeof *extra_queries && nq < 80; k++)
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
    lw_search_query q;
    memset(&q, 0, sizeof q);
    q.query = "thi hành";
    q.limit = 200;
    q.offset = 3;
    q.mark_open = "<b>";
    q.mark_close = "</b>";
    compare(q);
    print_message("%zu searches, %zu hits compared (scores to the bit), %zu facets; %zu of %zu first pages empty; "
                  "the long document in %zu hits\n",
                  n_searches, n_compared, n_facets, n_empty, n_first, n_long);
    assert_true(n_compared > 5000);
    assert_true(n_empty < n_first / 4);
    assert_true(n_long > 10);
}

/* Malformed queries: the same error from both back ends. */
static void test_errors_equal(void **state)
{
    (void)state;
    if (!pgstore)
        skip();
    static const char *const bad[] = {"", "AND", "thi AND", "NOT thi", "(thi", "thi)", "-thi", ";;"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        lw_search_query q;
        memset(&q, 0, sizeof q);
        q.query = bad[i];
        compare(q);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_search_equals_sqlite),
        cmocka_unit_test(test_errors_equal),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
