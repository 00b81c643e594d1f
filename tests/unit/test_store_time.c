/* Tests of the store's time limit (lw_store_set_time_limit, behind the public
 * lawwatch_db_set_time_limit; issue 19): a search started after its limit passed fails with
 * LW_ERR_TIMEOUT and the reviewers' message, not LW_ERR_DB; a statement that would run for
 * minutes is interrupted close to its limit; removing the limit (0) lets the same handle
 * search again; a limit not reached changes nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lw_store_doc.h"
#include "lw_store_ingest.h"
#include "lw_store_sqlite.h"
#include "test_support.h"

static char tmpdir[256];
static char dbpath[400];

static int make_db(void **state)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/lw_test_time_XXXXXX");
    if (!mkdtemp(tmpdir) || setup(state))
        return -1;
    char doc[400];
    snprintf(doc, sizeof doc, "%s/doc.txt", tmpdir);
    snprintf(dbpath, sizeof dbpath, "%s/t.db", tmpdir);
    FILE *f = fopen(doc, "w");
    if (!f)
        return -1;
    fputs("ỦY BAN NHÂN DÂN\nKẾ HOẠCH\nVề việc theo dõi thi hành pháp luật năm 2025\n\n"
          "Nội dung kế hoạch theo dõi thi hành pháp luật.\n", f);
    fclose(f);
    lw_store *s;
    lw_error err;
    if (lw_store_open(dbpath, LW_STORE_CREATE, &s, &err))
        return -1;
    lw_ingest_options o;
    lw_ingest_options_default(&o);
    lw_ingest_report rep;
    const char *paths[] = {doc};
    lw_status st = lw_store_ingest(s, engine, paths, 1, &o, &rep, &err);
    int ok = !st && rep.ingested == 1;
    lw_ingest_report_free(&rep);
    lw_store_close(s);
    return ok ? 0 : -1;
}

static int remove_db(void **state)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", tmpdir);
    return teardown(state);
}

static int count_hit(void *ud, const lw_search_hit *h)
{
    (void)h;
    ++*(int *)ud;
    return 0;
}

static lw_status search(lw_store *s, int *hits, lw_error *err)
{
    lw_search_query q = {.query = "thi hành pháp luật"};
    *hits = 0;
    return lw_store_search(s, &q, count_hit, hits, NULL, err);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static void test_search_past_limit(void **state)
{
    (void)state;
    lw_store *s;
    lw_error err;
    int hits;
    assert_int_equal(lw_store_open(dbpath, LW_STORE_READONLY, &s, &err), LW_OK);
    assert_int_equal(search(s, &hits, &err), LW_OK);
    assert_int_equal(hits, 1);

    /* 1 ms, then 5 ms pass before the search: its first steps are already past the limit */
    lw_store_set_time_limit(s, 1);
    usleep(5000);
    lw_error_clear(&err);
    assert_int_equal(search(s, &hits, &err), LW_ERR_TIMEOUT);
    assert_int_equal(hits, 0);
    assert_int_equal(err.code, LW_ERR_TIMEOUT);
    assert_non_null(strstr(err.msg, "time limit"));   /* English */
    assert_non_null(strstr(err.msg, "thời gian"));    /* Vietnamese */
    assert_non_null(strstr(err.file, "t.db"));
    /* and every later call on the handle */
    assert_int_equal(search(s, &hits, &err), LW_ERR_TIMEOUT);

    /* no limit: the same handle searches again */
    lw_store_set_time_limit(s, 0);
    assert_int_equal(search(s, &hits, &err), LW_OK);
    assert_int_equal(hits, 1);

    /* a limit not reached changes nothing */
    lw_store_set_time_limit(s, 60000);
    assert_int_equal(search(s, &hits, &err), LW_OK);
    assert_int_equal(hits, 1);
    lw_store_close(s);
}

static void on_doc(void *ud, const lw_store_doc_full *d)
{
    (void)d;
    ++*(int *)ud;
}

/* Reading a whole document (show, /doc/ID) past the limit is a timeout too, never "cannot
 * read the database: not an error" (a reader whose connection's error code was reset by the
 * time it asked: the web page said 500). */
static void test_doc_read_past_limit(void **state)
{
    (void)state;
    lw_store *s;
    lw_error err;
    int got = 0, found = 0;
    assert_int_equal(lw_store_open(dbpath, LW_STORE_READONLY, &s, &err), LW_OK);
    assert_int_equal(lw_store_doc_read(s, 1, on_doc, &got, &found, &err), LW_OK);
    assert_int_equal(got, 1);
    lw_store_set_time_limit(s, 1);
    usleep(5000);
    lw_error_clear(&err);
    got = 0;
    assert_int_equal(lw_store_doc_read(s, 1, on_doc, &got, &found, &err), LW_ERR_TIMEOUT);
    assert_int_equal(got, 0);
    assert_non_null(strstr(err.msg, "time limit"));
    lw_store_close(s);
}

/* A statement that would run for minutes (a recursive count to 10^10) stops near its limit. */
static void test_long_statement_interrupted(void **state)
{
    (void)state;
    lw_store *s;
    lw_error err;
    assert_int_equal(lw_store_open(dbpath, LW_STORE_READONLY, &s, &err), LW_OK);
    sqlite3 *db = lw_store_sqlite_db(s);
    assert_non_null(db);
    lw_store_set_time_limit(s, 50);
    double t0 = now_s();
    int rc = sqlite3_exec(db,
                          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000000000)"
                          " SELECT count(*) FROM n",
                          NULL, NULL, NULL);
    double took = now_s() - t0;
    assert_int_equal(rc, SQLITE_INTERRUPT);
    assert_true(took >= 0.045);
    assert_true(took < 2.0); /* generous: two cores shared by a whole team */
    lw_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_search_past_limit),
        cmocka_unit_test(test_long_statement_interrupted),
        cmocka_unit_test(test_doc_read_past_limit),
    };
    return cmocka_run_group_tests(tests, make_db, remove_db);
}
