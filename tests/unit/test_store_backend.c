/* Tests of the storage interface (lw_store_backend.h): the same data-driven cases run over
 * every back end in backends[] below, through the store's handle only (lw_store.h,
 * lw_store_ingest.h): ingest a small corpus, then each case asks one thing and compares the
 * answer, written as text, with the expected one. PostgreSQL (issue 21) runs them too when
 * LW_TEST_PG_URI names a database the test may empty (its schema public is dropped first;
 * ctest's fixture pg_cluster gives one, or LW_TEST_PG=off: SQLite only). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lw_store_ingest.h"
#include "lw_store_pg.h"
#include "lw_store_sqlite_backend.h"
#include "test_support.h"

/* Every back end the cases run over: SQLite, and PostgreSQL with LW_TEST_PG_URI. */
static const lw_store_backend *backends[2];
static size_t n_backends;
/* st is LW_OK, else the test fails with err's message. 1. */
static int ok(lw_status st, const lw_error *err)
{
    if (st != LW_OK)
        fail_msg("status %d: %s", st, err->msg);
    return 1;
}

static const char doc_a[] =
    "ỦY BAN NHÂN DÂN\nTỈNH SÓC TRĂNG\n\nSố: 12/KH-UBND\n\nSóc Trăng, ngày 10 tháng 01 năm 2025\n\n"
    "KẾ HOẠCH\nKiểm tra tình hình thi hành pháp luật năm 2025\n\n"
    "Thực hiện Nghị định số 59/2012/NĐ-CP ngày 23/7/2012 của Chính phủ.\n"
    "- Cơ quan thực hiện: Sở Tư pháp.\n- Thời gian thực hiện: Quý III năm 2025.\nzebraword\n";
static const char doc_b[] =
    "BỘ TƯ PHÁP\n\nSố: 77/BTP-PL\n\nHà Nội, ngày 05 tháng 3 năm 2020\n\n"
    "V/v hướng dẫn công tác theo dõi thi hành pháp luật\n\nKính gửi: các Bộ.\n"
    "Căn cứ Thông tư số 14/2014/TT-BTP ngày 15/5/2014. giraffeword\n";

/* One case: what to ask (op), with what (arg), and the answer expected. Cases run in
 * order on one database: the last ones change it. */
typedef struct {
    const char *op, *arg, *expect;
} store_case;

static const store_case cases[] = {
    {"count", NULL, "2"},
    {"schema", NULL, "7"},
    {"topics", NULL, "a.txt:inspect;b.txt:-;"}, /* classified at ingest */
    {"documents", NULL, "a.txt:Kế hoạch;b.txt:Công văn;"},
    {"search", "zebraword", "a.txt;"},
    {"search", "giraffeword", "b.txt;"},
    {"search", "nosuchword", ""},
    {"cites", "59/2012/nđ-cp", "a.txt:1;"}, /* compared folded */
    {"cites", "14/2014/TT-BTP", "b.txt:1;"},
    {"deadlines", "2025Q3", "a.txt:2025-09-30;"},
    /* issue 19: a page of hits (offset), the facets over every match; the duties of some
     * documents are in t_show_all (this corpus has none) */
    {"search_page", "pháp luật", "PAGE"},
    {"facets", "pháp luật", "FACETS"},
    {"facets", "zebraword", "FACETS1"},
    {"deadlines", "2024", ""},
    {"refs", NULL, "59/2012/NĐ-CP;14/2014/TT-BTP;"},
    {"issuers", "Bộ Tư pháp", "found"},
    {"lookup", "a.txt", "found"},
    {"lookup", "none.txt", "none"},
    /* one content at a second path: one document with two paths; the path goes, the
     * document stays with its first */
    {"copy", "c.txt", "same document"},
    {"count", NULL, "2"},
    {"lookup", "c.txt", "found"},
    {"delete", "c.txt", "1"},
    {"lookup", "a.txt", "found"},
    {"count", NULL, "2"},
    {"delete", "b.txt", "2"}, /* its last path: the document goes */
    {"delete", "b.txt", "0"},
    {"count", NULL, "1"},
    {"search", "giraffeword", ""},
};

static char tmpdir[256];

static const char *base(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static int on_hit(void *ud, const lw_search_hit *h) { return lw_buf_printf(ud, "%s;", base(h->path)) != 0; }

static int on_doc(void *ud, const lw_store_doc_row *r)
{
    return lw_buf_printf(ud, "%s:%s;", base(r->path), r->kind ? r->kind : "") != 0;
}

static int on_topic(void *ud, const lw_store_doc_row *r)
{
    return lw_buf_printf(ud, "%s:%s;", base(r->path), r->topic ? r->topic : "-") != 0;
}

static int on_cite(void *ud, json_t *row)
{
    return lw_buf_printf(ud, "%s:%lld;", base(json_string_value(json_object_get(row, "path"))),
                         (long long)json_integer_value(json_object_get(row, "mentions"))) != 0;
}

static int on_deadline(void *ud, json_t *row)
{
    return lw_buf_printf(ud, "%s:%s;", base(json_string_value(json_object_get(row, "path"))),
                         json_string_value(json_object_get(row, "to"))) != 0;
}

static int on_ref(void *ud, const lw_store_ref_row *r) { return lw_buf_printf(ud, "%s;", r->cited_id) != 0; }

typedef struct {
    const char *want;
    int found;
} name_find;

static int on_name(void *ud, const char *name)
{
    name_find *f = ud;
    char *a = lw_store_fold(name), *b = lw_store_fold(f->want);
    f->found |= a && b && !strcmp(a, b);
    free(a);
    free(b);
    return 0;
}

/* Runs case c on s; the answer into out. */
static void run_case(lw_store *s, const char *dir, const store_case *c, lw_buf *out)
{
    lw_error err;
    lw_error_clear(&err);
    char path[600];
    if (c->arg)
        snprintf(path, sizeof path, "%s/%s", dir, c->arg);
    if (!strcmp(c->op, "count")) {
        lw_buf_printf(out, "%lld", lw_store_count(s));
    } else if (!strcmp(c->op, "schema")) {
        lw_buf_printf(out, "%d", lw_store_schema_version(s));
    } else if (!strcmp(c->op, "documents")) {
        if (!ok(lw_store_each_document(s, on_doc, out, &err), &err))
            return;
    } else if (!strcmp(c->op, "topics")) {
        if (!ok(lw_store_each_document(s, on_topic, out, &err), &err))
            return;
    } else if (!strcmp(c->op, "search")) {
        lw_search_query q = {.query = c->arg};
        if (!ok(lw_store_search(s, &q, on_hit, out, NULL, &err), &err))
            return;
    } else if (!strcmp(c->op, "search_page")) {
        /* hit k of a page at offset k is hit k of all */
        lw_buf all = {0}, page = {0};
        lw_search_query q = {.query = c->arg};
        if (!ok(lw_store_search(s, &q, on_hit, &all, NULL, &err), &err)) {
            lw_buf_free(&all);
            return;
        }
        size_t n = 0;
        for (q.offset = 0, q.limit = 1;; q.offset++) {
            size_t before = page.len;
            if (!ok(lw_store_search(s, &q, on_hit, &page, NULL, &err), &err)) {
                lw_buf_free(&all);
                lw_buf_free(&page);
                return;
            }
            if (page.len == before)
                break;
            n++;
        }
        assert_true(n >= 2); /* the case means something */
        assert_string_equal(all.data, page.data);
        lw_buf_printf(out, "PAGE");
        lw_buf_free(&all);
        lw_buf_free(&page);
    } else if (!strcmp(c->op, "facets")) {
        lw_search_query q = {.query = c->arg, .limit = 1, .offset = 1}; /* neither counts */
        json_t *f = NULL;
        if (!ok(lw_store_search_facets(s, &q, &f, &err), &err))
            return;
        char *t = json_dumps(f, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (!strcmp(c->arg, "zebraword"))
            assert_string_equal(t, "{\"total\":1,\"year\":[{\"value\":\"2025\",\"count\":1}],"
                                   "\"kind\":[{\"value\":\"Kế hoạch\",\"count\":1}],"
                                   "\"issuer\":[{\"value\":\"Ủy ban nhân dân tỉnh Sóc Trăng\",\"count\":1}]}");
        else
            assert_int_equal(json_integer_value(json_object_get(f, "total")), 2);
        lw_buf_printf(out, "%s", strcmp(c->arg, "zebraword") ? "FACETS" : "FACETS1");
        free(t);
        json_decref(f);
    } else if (!strcmp(c->op, "cites")) {
        if (!ok(lw_store_cites(s, c->arg, 0, on_cite, out, NULL, &err), &err))
            return;
    } else if (!strcmp(c->op, "deadlines")) {
        char from[11], to[11];
        assert_int_equal(lw_period_parse(c->arg, from, to), 0);
        if (!ok(lw_store_deadlines_in(s, from, to, 0, on_deadline, out, NULL, &err), &err))
            return;
    } else if (!strcmp(c->op, "refs")) {
        if (!ok(lw_store_each_ref(s, LW_STORE_REFS_FULL, on_ref, out, &err), &err))
            return;
    } else if (!strcmp(c->op, "issuers")) {
        name_find f = {c->arg, 0};
        if (!ok(lw_store_each_unit_name(s, LW_STORE_NAMES_ISSUERS, on_name, &f, &err), &err))
            return;
        lw_buf_printf(out, "%s", f.found ? "found" : "none");
    } else if (!strcmp(c->op, "lookup")) {
        char real[4096], sha[65];
        long long id = 0;
        int64_t size, mtime;
        const char *p = realpath(path, real) ? real : path;
        if (!ok(lw_store_lookup(s, p, &id, &size, &mtime, sha, &err), &err))
            return;
        lw_buf_printf(out, "%s", id ? "found" : "none");
    } else if (!strcmp(c->op, "copy")) {
        /* a copy of a.txt at arg, ingested */
        char src[600];
        snprintf(src, sizeof src, "%s/a.txt", dir);
        FILE *in = fopen(src, "rb"), *o = fopen(path, "wb");
        assert_non_null(in);
        assert_non_null(o);
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, in)) > 0)
            assert_int_equal(fwrite(buf, 1, n, o), n);
        fclose(in);
        fclose(o);
        const char *paths[] = {path};
        lw_ingest_report rep;
        lw_status st = lw_store_ingest(s, engine, paths, 1, NULL, &rep, &err);
        ok(st, &err);
        lw_ingest_report_free(&rep);
        char real[4096], sha[65];
        long long id_a = 0, id_c = 0;
        int64_t size, mtime;
        assert_non_null(realpath(src, real));
        assert_int_equal(lw_store_lookup(s, real, &id_a, &size, &mtime, sha, &err), LW_OK);
        assert_non_null(realpath(path, real));
        assert_int_equal(lw_store_lookup(s, real, &id_c, &size, &mtime, sha, &err), LW_OK);
        lw_buf_printf(out, "%s", id_a && id_a == id_c ? "same document" : "not the same");
    } else if (!strcmp(c->op, "delete")) {
        char real[4096];
        const char *p = realpath(path, real) ? real : path;
        lw_buf_printf(out, "%d", lw_store_delete_path(s, p, &err));
    } else {
        fail_msg("unknown case %s", c->op);
    }
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_cases(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/lw_test_backend_XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    char dir[300], p[400];
    snprintf(dir, sizeof dir, "%s/docs", tmpdir);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(p, sizeof p, "%s/a.txt", dir);
    write_file(p, doc_a);
    snprintf(p, sizeof p, "%s/b.txt", dir);
    write_file(p, doc_b);
    n_backends = 0;
    backends[n_backends++] = &lw_sqlite_backend;
    const char *pg_uri = getenv("LW_TEST_PG_URI"), *pg_off = getenv("LW_TEST_PG");
    if ((!pg_uri || !*pg_uri) && !(pg_off && !strcmp(pg_off, "off")))
        fail_msg("LW_TEST_PG_URI is not set: run under ctest (fixture pg_cluster), or LW_TEST_PG=off");
    if (pg_uri && *pg_uri) {
        /* a clean database: the schema is made again by the open below */
        PGconn *pg = PQconnectdb(pg_uri);
        assert_int_equal(PQstatus(pg), CONNECTION_OK);
        PGresult *r = PQexec(pg, "SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public");
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            fail_msg("cannot empty %s: %s", pg_uri, PQerrorMessage(pg));
        PQclear(r);
        PQfinish(pg);
        backends[n_backends++] = &lw_pg_backend;
    }
    for (size_t b = 0; b < n_backends; b++) {
        char dbp[400];
        if (backends[b] == &lw_pg_backend)
            snprintf(dbp, sizeof dbp, "%s", pg_uri);
        else
            snprintf(dbp, sizeof dbp, "%s/%s.db", tmpdir, backends[b]->name);
        lw_store *s;
        lw_error err;
        lw_error_clear(&err);
        assert_int_equal(lw_store_open_with(backends[b], dbp, LW_STORE_CREATE, &s, &err), LW_OK);
        assert_string_equal(lw_store_backend_name(s), backends[b]->name);
        const char *paths[] = {dir};
        lw_ingest_report rep;
        ok(lw_store_ingest(s, engine, paths, 1, NULL, &rep, &err), &err);
        assert_int_equal(rep.ingested, 2);
        lw_ingest_report_free(&rep);
        for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
            lw_buf out = {0};
            lw_error_clear(&err);
            run_case(s, dir, &cases[i], &out);
            if (strcmp(out.data ? out.data : "", cases[i].expect))
                fail_msg("%s: case %zu (%s %s): got \"%s\", expected \"%s\"", backends[b]->name, i, cases[i].op,
                         cases[i].arg ? cases[i].arg : "", out.data ? out.data : "", cases[i].expect);
            lw_buf_free(&out);
        }
        lw_store_close(s);
    }
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
