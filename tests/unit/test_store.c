/* Tests for lw_store: folding, periods, opening foreign or other-version files, storing and
 * replacing a document, a bad document rolled back alone inside a batch, incremental
 * ingest (no file read when nothing changed), prune, search filters and bound parameters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "lw_store_ingest.h"
#include "lw_store_sqlite.h" /* the connection, to look into the database */

#include "test_dir.h"

static char tmpdir[256];
static lw_engine *engine;

static int setup(void **state)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/lw_test_store_XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    char rules[1200];
    snprintf(rules, sizeof rules, "%s/rules", source_dir());
    lw_error err;
    lw_error_clear(&err);
    return lw_engine_create(rules, &engine, &err) ? -1 : 0;
}

static int teardown(void **state)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd))
        return -1;
    lw_engine_free(engine);
    return 0;
}

static void path_in(char *out, size_t n, const char *name) { snprintf(out, n, "%s/%s", tmpdir, name); }

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static long long count(lw_store *s, const char *sql)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(lw_store_sqlite_db(s), sql, -1, &st, NULL), SQLITE_OK);
    long long n = -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static const char doc_a[] =
    "ỦY BAN NHÂN DÂN\nTỈNH SÓC TRĂNG\n\nSố: 12/KH-UBND\n\nSóc Trăng, ngày 10 tháng 01 năm 2025\n\n"
    "KẾ HOẠCH\nTheo dõi tình hình thi hành pháp luật năm 2025\n\n"
    "Thực hiện Nghị định số 59/2012/NĐ-CP ngày 23/7/2012 của Chính phủ.\n"
    "- Cơ quan thực hiện: Sở Tư pháp.\n- Thời gian thực hiện: Quý III năm 2025.\nzebraword\n";
static const char doc_b[] =
    "BỘ TƯ PHÁP\n\nSố: 77/BTP-PL\n\nHà Nội, ngày 05 tháng 3 năm 2020\n\n"
    "V/v hướng dẫn công tác theo dõi thi hành pháp luật\n\nKính gửi: các Bộ.\n"
    "Căn cứ Thông tư số 14/2014/TT-BTP ngày 15/5/2014. giraffeword\n";

static void test_fold(void **state)
{
    char *f = lw_store_fold("  Kế   HOẠCH ");
    assert_string_equal(f, "ke hoach");
    free(f);
    f = lw_store_fold("Ủy ban nhân dân tỉnh Sóc Trăng");
    assert_string_equal(f, "uy ban nhan dan tinh soc trang");
    free(f);
    f = lw_store_fold("59/2012/NĐ-CP");
    assert_string_equal(f, "59/2012/nd-cp");
    free(f);
    f = lw_store_fold("ĐĐđ");
    assert_string_equal(f, "ddd");
    free(f);
    f = lw_store_fold("AB\xff\xfe"); /* invalid UTF-8: ASCII folded, no crash */
    assert_non_null(f);
    assert_memory_equal(f, "ab", 2);
    free(f);
}

static void test_period(void **state)
{
    char a[11], b[11];
    assert_int_equal(lw_period_parse("2025Q3", a, b), 0);
    assert_string_equal(a, "2025-07-01");
    assert_string_equal(b, "2025-09-30");
    assert_int_equal(lw_period_parse("2025-q1", a, b), 0);
    assert_string_equal(b, "2025-03-31");
    assert_int_equal(lw_period_parse("2024-02", a, b), 0);
    assert_string_equal(b, "2024-02-29");
    assert_int_equal(lw_period_parse("2025H2", a, b), 0);
    assert_string_equal(a, "2025-07-01");
    assert_string_equal(b, "2025-12-31");
    assert_int_equal(lw_period_parse("2025", a, b), 0);
    assert_string_equal(a, "2025-01-01");
    assert_int_equal(lw_period_parse("2025Q5", a, b), -1);
    assert_int_equal(lw_period_parse("Q3", a, b), -1);
    assert_int_equal(lw_period_parse("2025-13", a, b), -1);
    assert_int_equal(lw_period_parse("'; DROP", a, b), -1);
}

static void test_open_errors(void **state)
{
    char p[400];
    lw_store *s;
    lw_error err;
    lw_error_clear(&err);
    path_in(p, sizeof p, "missing.db");
    assert_int_equal(lw_store_open(p, 0, &s, &err), LW_ERR_DB);
    assert_null(s);
    assert_non_null(strstr(err.msg, "lawwatch ingest"));

    path_in(p, sizeof p, "text.db");
    write_file(p, "this is not a database, just some text that is long enough to be a header...........\n");
    lw_error_clear(&err);
    assert_int_equal(lw_store_open(p, LW_STORE_CREATE, &s, &err), LW_ERR_DB);
    assert_null(s);
    assert_non_null(strstr(err.msg, "not a SQLite database"));

    /* a SQLite file of another application */
    path_in(p, sizeof p, "other.db");
    sqlite3 *db;
    assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x); PRAGMA user_version = 1", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    lw_error_clear(&err);
    assert_int_equal(lw_store_open(p, LW_STORE_CREATE, &s, &err), LW_ERR_DB);
    assert_non_null(strstr(err.msg, "not a lawwatch"));

    /* a lawwatch database of a newer schema */
    path_in(p, sizeof p, "newer.db");
    assert_int_equal(lw_store_open(p, LW_STORE_CREATE, &s, &err), LW_OK);
    assert_int_equal(sqlite3_exec(lw_store_sqlite_db(s), "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
    lw_store_close(s);
    lw_error_clear(&err);
    assert_int_equal(lw_store_open(p, LW_STORE_CREATE, &s, &err), LW_ERR_DB);
    assert_non_null(strstr(err.msg, "newer lawwatch (schema 99), expected 7"));
}

static lw_status ingest(lw_store *s, const char *const *paths, size_t n, lw_ingest_report *rep)
{
    lw_ingest_options o;
    lw_ingest_options_default(&o);
    lw_error err;
    lw_error_clear(&err);
    return lw_store_ingest(s, engine, paths, n, &o, rep, &err);
}

static void set_mtime(const char *path, time_t t)
{
    struct timespec ts[2] = {{t, 0}, {t, 0}};
    assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static void test_ingest_incremental(void **state)
{
    char dir[400], a[450], b[450], c[450], dbp[400];
    path_in(dir, sizeof dir, "docs");
    mkdir(dir, 0755);
    snprintf(a, sizeof a, "%s/a.txt", dir);
    snprintf(b, sizeof b, "%s/b.txt", dir);
    snprintf(c, sizeof c, "%s/c.gif", dir); /* not a document (a PDF is one since issue 18) */
    write_file(a, doc_a);
    write_file(b, doc_b);
    write_file(c, "GIF89a");
    path_in(dbp, sizeof dbp, "inc.db");
    lw_store *s;
    lw_error err;
    lw_error_clear(&err);
    assert_int_equal(lw_store_open(dbp, LW_STORE_CREATE, &s, &err), LW_OK);
    const char *paths[] = {dir};
    lw_ingest_report rep;
    assert_int_equal(ingest(s, paths, 1, &rep), LW_OK);
    assert_int_equal(rep.ingested, 2);
    assert_int_equal(rep.n_skipped, 1);
    assert_int_equal(rep.n_failed, 0);
    lw_ingest_report_free(&rep);
    assert_int_equal(lw_store_count(s), 2);
    long long facts = count(s, "SELECT count(*) FROM facts");
    assert_true(facts > 0);
    assert_int_equal(count(s, "SELECT count(*) FROM legal_refs WHERE cited_key = '59/2012/nd-cp'"), 1);

    /* nothing changed: no file read */
    assert_int_equal(ingest(s, paths, 1, &rep), LW_OK);
    assert_int_equal(rep.ingested, 0);
    assert_int_equal(rep.unchanged, 2);
    assert_int_equal(rep.files_read, 0);
    lw_ingest_report_free(&rep);

    /* mtime changed, same bytes: mtime updated only */
    set_mtime(a, 1000000000);
    assert_int_equal(ingest(s, paths, 1, &rep), LW_OK);
    assert_int_equal(rep.touched, 1);
    assert_int_equal(rep.unchanged, 2);
    assert_int_equal(rep.files_read, 1);
    lw_ingest_report_free(&rep);
    assert_int_equal(count(s, "SELECT mtime_ns = 1000000000000000000 FROM documents WHERE path LIKE '%/a.txt'"), 1);

    /* changed content: facts replaced */
    write_file(b, "BỘ TƯ PHÁP\nCăn cứ Nghị định số 32/2020/NĐ-CP ngày 05/3/2020.\n");
    set_mtime(b, 1100000000);
    assert_int_equal(ingest(s, paths, 1, &rep), LW_OK);
    assert_int_equal(rep.ingested, 1);
    lw_ingest_report_free(&rep);
    assert_int_equal(count(s, "SELECT count(*) FROM legal_refs WHERE cited_id = '14/2014/TT-BTP'"), 0);
    assert_int_equal(count(s, "SELECT count(*) FROM legal_refs WHERE cited_id = '32/2020/NĐ-CP'"), 1);
    assert_int_equal(count(s, "SELECT count(*) FROM facts WHERE doc_id NOT IN (SELECT id FROM documents)"), 0);
    assert_int_equal(lw_store_count(s), 2);

    /* a document failing inside the batch is rolled back alone; its stored version stays */
    assert_int_equal(sqlite3_exec(lw_store_sqlite_db(s),
                                  "CREATE TEMP TRIGGER boom BEFORE INSERT ON main.sources "
                                  "WHEN CAST(NEW.raw AS TEXT) LIKE '%kaboom%' BEGIN SELECT RAISE(ABORT, 'boom'); END",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    write_file(a, "Văn bản kaboom\n");
    set_mtime(a, 1200000000);
    char d[450];
    snprintf(d, sizeof d, "%s/d.txt", dir);
    write_file(d, doc_b);
    assert_int_equal(ingest(s, paths, 1, &rep), LW_OK);
    assert_int_equal(rep.n_failed, 1);
    assert_non_null(strstr(rep.failed[0].reason, "a.txt"));
    assert_int_equal(rep.ingested, 1); /* d.txt */
    lw_ingest_report_free(&rep);
    assert_int_equal(lw_store_count(s), 3);
    assert_int_equal(count(s, "SELECT count(*) FROM legal_refs WHERE cited_key = '59/2012/nd-cp'"), 1);
    assert_int_equal(sqlite3_exec(lw_store_sqlite_db(s), "DROP TRIGGER boom", NULL, NULL, NULL), SQLITE_OK);

    /* prune */
    unlink(d);
    lw_ingest_options o;
    lw_ingest_options_default(&o);
    o.prune = 1;
    /* one of three documents is more than the default share: refused, nothing deleted */
    assert_int_equal(lw_store_ingest(s, engine, paths, 1, &o, &rep, &err), LW_ERR_REFUSED);
    assert_int_equal(rep.pruned, 0);
    lw_ingest_report_free(&rep);
    assert_int_equal(lw_store_count(s), 3);
    o.prune_max_percent = 50;
    assert_int_equal(lw_store_ingest(s, engine, paths, 1, &o, &rep, &err), LW_OK);
    assert_int_equal(rep.pruned, 1);
    lw_ingest_report_free(&rep);
    assert_int_equal(lw_store_count(s), 2);
    assert_int_equal(count(s, "PRAGMA integrity_check") >= 0, 1);
    lw_store_close(s);
}

/* One content is one document: byte-identical files in one batch, read by two workers, are
 * one document with two paths; deleting a path keeps the document until its last path. */
static void test_duplicates(void **state)
{
    char dir[400], a[450], b[450], c[450], dbp[400];
    path_in(dir, sizeof dir, "dups");
    mkdir(dir, 0755);
    snprintf(a, sizeof a, "%s/a.txt", dir);
    snprintf(b, sizeof b, "%s/b.txt", dir);
    snprintf(c, sizeof c, "%s/c.txt", dir);
    write_file(a, doc_a);
    write_file(b, doc_a);
    write_file(c, doc_b);
    path_in(dbp, sizeof dbp, "dups.db");
    lw_store *s;
    lw_error err;
    lw_error_clear(&err);
    assert_int_equal(lw_store_open(dbp, LW_STORE_CREATE, &s, &err), LW_OK);
    lw_ingest_options o;
    lw_ingest_options_default(&o);
    o.jobs = 2;
    const char *paths[] = {dir};
    lw_ingest_report rep;
    assert_int_equal(lw_store_ingest(s, engine, paths, 1, &o, &rep, &err), LW_OK);
    assert_int_equal(rep.ingested, 2);
    assert_int_equal(rep.duplicates, 1);
    lw_ingest_report_free(&rep);
    assert_int_equal(lw_store_count(s), 2);
    assert_int_equal(count(s, "SELECT count(*) FROM doc_paths"), 3);
    assert_int_equal(count(s, "SELECT count(*) FROM legal_refs WHERE cited_key = '59/2012/nd-cp'"), 1);
    assert_int_equal(count(s, "SELECT count(DISTINCT doc_id) FROM doc_paths WHERE path LIKE '%/a.txt'"
                              " OR path LIKE '%/b.txt'"), 1);
    assert_int_equal(count(s, "SELECT count(*) FROM documents WHERE path LIKE '%/a.txt'"), 1);
    char *ra = realpath(a, NULL), *rb = realpath(b, NULL);
    assert_non_null(ra);
    assert_non_null(rb);
    /* the first path goes: the document stays, found at b */
    assert_int_equal(lw_store_delete_path(s, ra, &err), 1);
    assert_int_equal(lw_store_count(s), 2);
    assert_int_equal(count(s, "SELECT count(*) FROM documents WHERE path LIKE '%/b.txt'"), 1);
    assert_int_equal(lw_store_delete_path(s, ra, &err), 0);
    /* the last path goes with the document, its facts and text */
    assert_int_equal(lw_store_delete_path(s, rb, &err), 2);
    assert_int_equal(lw_store_count(s), 1);
    assert_int_equal(count(s, "SELECT count(*) FROM legal_refs WHERE cited_key = '59/2012/nd-cp'"), 0);
    assert_int_equal(count(s, "SELECT count(*) FROM doc_text_docsize"), 1);
    free(ra);
    free(rb);
    lw_store_close(s);
}

static int collect(void *ud, const lw_search_hit *h)
{
    lw_buf *b = ud;
    const char *slash = strrchr(h->path, '/');
    lw_buf_printf(b, "%s;", slash ? slash + 1 : h->path);
    return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* "b;a;" -> "a;b;": the expected sets do not depend on ranking ties */
static void sort_names(char *s)
{
    char *v[64], *copy = strdup(s), *save = NULL;
    size_t n = 0;
    for (char *t = strtok_r(copy, ";", &save); t && n < 64; t = strtok_r(NULL, ";", &save))
        v[n++] = t;
    qsort(v, n, sizeof *v, cmp_str);
    *s = '\0';
    for (size_t i = 0; i < n; i++)
        strcat(strcat(s, v[i]), ";");
    free(copy);
}

static void search_expect(lw_store *s, lw_search_query q, const char *expect)
{
    lw_buf b = {0};
    lw_error err;
    lw_error_clear(&err);
    assert_int_equal(lw_store_search(s, &q, collect, &b, NULL, &err), LW_OK);
    if (b.len)
        sort_names(b.data);
    assert_string_equal(b.len ? b.data : "", expect);
    lw_buf_free(&b);
}

static void test_search_filters(void **state)
{
    char dir[400], p[450], dbp[400];
    path_in(dir, sizeof dir, "s");
    mkdir(dir, 0755);
    snprintf(p, sizeof p, "%s/a.txt", dir);
    write_file(p, doc_a);
    snprintf(p, sizeof p, "%s/b.txt", dir);
    write_file(p, doc_b);
    path_in(dbp, sizeof dbp, "s.db");
    lw_store *s;
    lw_error err;
    lw_error_clear(&err);
    assert_int_equal(lw_store_open(dbp, LW_STORE_CREATE, &s, &err), LW_OK);
    const char *paths[] = {dir};
    lw_ingest_report rep;
    assert_int_equal(ingest(s, paths, 1, &rep), LW_OK);
    lw_ingest_report_free(&rep);
    long long n = lw_store_count(s);
    lw_search_query q = {.query = "zebraword"};
    search_expect(s, q, "a.txt;");
    q.query = "zebraword OR giraffeword";
    search_expect(s, q, "a.txt;b.txt;");
    q.kind = "ke hoach";
    search_expect(s, q, "a.txt;");
    q.kind = "CÔNG VĂN";
    search_expect(s, q, "b.txt;");
    q.kind = NULL;
    q.issuer = "bo tu";
    search_expect(s, q, "b.txt;");
    q.issuer = NULL;
    q.year = "2025";
    search_expect(s, q, "a.txt;");
    q.year = "1999";
    search_expect(s, q, "");
    /* hostile text only ever reaches SQL as a bound value */
    lw_search_query h = {.query = "zebraword", .issuer = "'; DROP TABLE documents; --", .kind = "\"))"};
    search_expect(s, h, "");
    assert_int_equal(lw_store_count(s), n);
    assert_int_equal(count(s, "SELECT count(*) FROM v_citations WHERE cited_id = '59/2012/NĐ-CP'"), 1);
    assert_int_equal(count(s, "SELECT count(*) FROM v_deadlines WHERE date_to = '2025-09-30'"), 1);
    lw_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_period),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_ingest_incremental),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_search_filters),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
