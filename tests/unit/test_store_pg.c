/* Tests of the PostgreSQL back end's writes that the shared cases (test_store_backend.c) do
 * not reach (issue 21): the source cache (a source comes back field by field, a put replaces
 * the row, an unknown hash is none), a stored original read back byte for byte, touch and
 * set_topic seen in the tables, several ingest locks at once, no file of the database on
 * disk, and a connection lost: the store says it is the database's fault (failure 2), not
 * the document's. Needs LW_TEST_PG_URI (ctest's fixture pg_cluster gives it a database of its
 * own, tests/CMakeLists.txt): without it the test fails, as every test_pg_* does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "lw_store.h"
#include "lw_store_ingest.h"
#include "test_support.h"

static const char *uri;
static char tmpdir[256];

static const char doc_a[] =
    "ỦY BAN NHÂN DÂN\nTỈNH SÓC TRĂNG\n\nSố: 12/KH-UBND\n\nSóc Trăng, ngày 10 tháng 01 năm 2025\n\n"
    "KẾ HOẠCH\nKiểm tra tình hình thi hành pháp luật năm 2025\n\n"
    "Thực hiện Nghị định số 59/2012/NĐ-CP ngày 23/7/2012 của Chính phủ.\n"
    "- Cơ quan thực hiện: Sở Tư pháp.\n- Thời gian thực hiện: Quý III năm 2025.\n";

/* Runs sql on a connection of the test's own; the first value of its first row (owned), or
 * NULL for none. */
static char *sql1(const char *sql)
{
    PGconn *pg = PQconnectdb(uri);
    assert_int_equal(PQstatus(pg), CONNECTION_OK);
    PGresult *r = PQexec(pg, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(pg));
    char *v = st == PGRES_TUPLES_OK && PQntuples(r) && !PQgetisnull(r, 0, 0) ? strdup(PQgetvalue(r, 0, 0)) : NULL;
    PQclear(r);
    PQfinish(pg);
    return v;
}

static int on_file(void *ud, const char *path)
{
    (void)path;
    ++*(int *)ud;
    return 0;
}

typedef struct {
    char path[600], sha[65];
    unsigned char raw[4096];
    size_t len;
    int64_t size;
    int n;
} got_source;

static void on_source(void *ud, const lw_store_source *src)
{
    got_source *g = ud;
    g->n++;
    snprintf(g->path, sizeof g->path, "%s", src->path);
    snprintf(g->sha, sizeof g->sha, "%s", src->sha256 ? src->sha256 : "");
    g->len = src->raw_len < sizeof g->raw ? src->raw_len : 0;
    memcpy(g->raw, src->raw, g->len);
    g->size = src->size;
}

static lw_source *a_source(const char *note)
{
    lw_source *s = lw_source_create(LW_SOURCE_PDF_OCR);
    assert_non_null(s);
    static const char *const lines[] = {"UBND TỈNH LÂM ĐỒNG", "Số: 125/STP-VP", "Kính gửi: Sở Nội vụ"};
    for (size_t i = 0; i < 3; i++) {
        size_t at = s->len;
        assert_int_equal(lw_source_add_line(s, lines[i], strlen(lines[i]), (uint32_t)(i / 2 + 1), 0), 0);
        assert_int_equal(lw_source_add_word(s, at, at + 4, 40 + (int)i * 20), 0);
    }
    s->pages = 2;
    snprintf(s->ocr_engine, sizeof s->ocr_engine, "tesseract 5.3.0 (vie)");
    snprintf(s->note, sizeof s->note, "%s", note);
    return s;
}

static void test_pg_writes(void **state)
{
    (void)state;
    uri = getenv("LW_TEST_PG_URI");
    if (!uri || !*uri)
        fail_msg("LW_TEST_PG_URI is not set: run under ctest (fixture pg_cluster)");
    free(sql1("SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public"));
    lw_store *s, *s2;
    lw_error err;
    lw_error_clear(&err);
    assert_int_equal(lw_store_open(uri, LW_STORE_CREATE, &s, &err), LW_OK);
    assert_string_equal(lw_store_backend_name(s), "postgresql");
    assert_int_equal(lw_store_schema_version(s), 7);
    int files = 0;
    assert_int_equal(lw_store_files(s, on_file, &files), 0);
    assert_int_equal(files, 0);

    /* the source cache */
    const char *sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    lw_source *src = a_source("lớp chữ của PDF không dùng được"), *back = NULL;
    assert_int_equal(lw_store_cache_get(s, sha, &back, &err), LW_OK);
    assert_null(back);
    assert_int_equal(lw_store_cache_put(s, sha, src, &err), LW_OK);
    assert_int_equal(lw_store_cache_get(s, sha, &back, &err), LW_OK);
    assert_non_null(back);
    assert_int_equal(back->len, src->len);
    assert_memory_equal(back->text, src->text, src->len);
    assert_int_equal(back->n_lines, src->n_lines);
    assert_int_equal(back->pages, 2);
    assert_string_equal(back->ocr_engine, src->ocr_engine);
    assert_string_equal(back->note, src->note);
    lw_source_free(back);
    lw_source_free(src);
    src = a_source("đọc lại");
    assert_int_equal(lw_store_cache_put(s, sha, src, &err), LW_OK); /* replaces */
    assert_int_equal(lw_store_cache_get(s, sha, &back, &err), LW_OK);
    assert_string_equal(back->note, "đọc lại");
    lw_source_free(back);
    lw_source_free(src);
    char *v = sql1("SELECT count(*) || ' ' || format || ' ' || pages FROM source_cache GROUP BY format, pages");
    assert_string_equal(v, "1 pdf-ocr 2");
    free(v);

    /* an original read back byte for byte */
    char dir[300], p[400], real[4096];
    snprintf(dir, sizeof dir, "%s/docs", tmpdir);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(p, sizeof p, "%s/a.txt", dir);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fputs(doc_a, f);
    fclose(f);
    assert_non_null(realpath(p, real));
    /* several ingests may hold the lock at once on PostgreSQL */
    assert_int_equal(lw_store_open(uri, 0, &s2, &err), LW_OK);
    assert_int_equal(lw_store_lock(s, 0, &err), LW_OK);
    assert_int_equal(lw_store_lock(s2, 0, &err), LW_OK);
    lw_store_unlock(s2);
    lw_store_unlock(s);
    const char *paths[] = {dir};
    lw_ingest_report rep;
    assert_int_equal(lw_store_ingest(s, engine, paths, 1, NULL, &rep, &err), LW_OK);
    assert_int_equal(rep.ingested, 1);
    lw_ingest_report_free(&rep);
    long long id = 0;
    int64_t size = 0, mtime = 0;
    char hash[65];
    assert_int_equal(lw_store_lookup(s, real, &id, &size, &mtime, hash, &err), LW_OK);
    assert_true(id > 0);
    assert_int_equal(size, (int64_t)strlen(doc_a));
    got_source g = {0};
    assert_int_equal(lw_store_read_source(s, id, on_source, &g, &err), LW_OK);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.path, real);
    assert_string_equal(g.sha, hash);
    assert_int_equal(g.size, (int64_t)strlen(doc_a));
    assert_int_equal(g.len, strlen(doc_a));
    assert_memory_equal(g.raw, doc_a, g.len);
    g.n = 0;
    assert_int_equal(lw_store_read_source(s, id + 1000, on_source, &g, &err), LW_OK);
    assert_int_equal(g.n, 0);

    /* touch and set_topic, seen in the tables */
    assert_int_equal(lw_store_touch(s, real, size, 12345, &err), LW_OK);
    assert_int_equal(lw_store_lookup(s, real, &id, &size, &mtime, hash, &err), LW_OK);
    assert_int_equal(mtime, 12345);
    assert_int_equal(lw_store_set_topic(s, id, "report", &err), LW_OK);
    v = sql1("SELECT topic || ' ' || mtime_ns || ' ' || doc_province FROM documents");
    assert_string_equal(v, "report 12345 soc trang");
    free(v);
    assert_int_equal(lw_store_set_topic(s, id, NULL, &err), LW_OK);
    v = sql1("SELECT coalesce(topic, 'NULL') FROM documents");
    assert_string_equal(v, "NULL");
    free(v);

    /* the connection lost: the database's fault, not the document's */
    free(sql1("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
              " WHERE datname = current_database() AND pid <> pg_backend_pid()"));
    assert_int_equal(lw_store_delete_path(s, real, &err), -1);
    assert_int_equal(lw_store_failure(s), 2);
    lw_store_close(s2);
    lw_store_close(s);
    free(sql1("SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public"));
}

static int group_setup(void **state)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/lw_test_pg_XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    return setup(state);
}

static int group_teardown(void **state)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    int rc = system(cmd);
    return teardown(state) || rc ? -1 : 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pg_writes),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
