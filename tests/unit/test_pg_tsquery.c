/* Tests for lw_pg_tsquery and lw_pg_tsvector (issue 21, the PostgreSQL search), no server:
 *  - a golden transcript: each query of tests/data/pg_tsquery/queries.txt with the FTS5
 *    expression lw_fts_query_build makes of it, the exact and relaxed tsqueries and each
 *    phrase's counting tsquery (or that its count comes from the text), compared
 *    with tests/data/pg_tsquery/expected.txt line by line (LW_UPDATE=1 rewrites it);
 *  - documents matched by the exact match (lw_pg_doc_match) against what FTS5 finds in the
 *    same text (an in-memory SQLite table with the lawwatch tokenizer), phrase counts
 *    included (FTS5's xInst through the lw_rank-free instance count of the `instances`
 *    auxiliary below);
 *  - the tsvector of a text: its lexemes and weighted positions, and a long text past
 *    PostgreSQL's limits (positions clamped or dropped, said by pos_ok through the text). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "lw_fts.h"
#include "lw_pg_tsquery.h"
#include "lw_store_pg.h"

#include "test_dir.h"

static void transcript(lw_buf *out, const char *query)
{
    char *expr = NULL;
    lw_error err;
    lw_error_clear(&err);
    lw_buf_printf(out, "query: %s\n", query);
    if (lw_fts_query_build(query, &expr, &err)) {
        lw_buf_printf(out, "error: %s\n\n", err.msg);
        return;
    }
    lw_buf_printf(out, "fts5: %s\n", expr);
    lw_pg_query *q = NULL;
    assert_int_equal(lw_pg_query_parse(expr, &q, &err), LW_OK);
    static const char *const names[] = {"exact", "relaxed"};
    for (int w = 0; w < 2; w++) {
        int none;
        char *t = lw_pg_query_tsquery(q, -1, w, &none);
        assert_true(t || none);
        lw_buf_printf(out, "%s: %s\n", names[w], t ? t : "(nothing)");
        free(t);
    }
    for (int i = 0; i < lw_pg_query_nphrase(q); i++) {
        int none;
        char *t = lw_pg_query_tsquery(q, i, LW_PG_TSQ_EXACT, &none);
        lw_buf_printf(out, "phrase %d: %s\n", i, t ? t : "(nothing)");
        free(t);
        int oom;
        t = lw_pg_query_count_tsquery(q, i, &oom);
        assert_false(oom);
        lw_buf_printf(out, "count %d: %s\n", i, t ? t : "(from the text)");
        free(t);
    }
    lw_buf_printf(out, "\n");
    lw_pg_query_free(q);
    free(expr);
}

static void test_translation_golden(void **state)
{
    (void)state;
    char path[1300];
    snprintf(path, sizeof path, "%s/tests/data/pg_tsquery/queries.txt", source_dir());
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    lw_buf out = {0};
    char line[1024];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        transcript(&out, line);
        n++;
    }
    fclose(f);
    assert_true(n >= 20);
    snprintf(path, sizeof path, "%s/tests/data/pg_tsquery/expected.txt", source_dir());
    if (getenv("LW_UPDATE")) {
        FILE *w = fopen(path, "w");
        assert_non_null(w);
        fwrite(out.data, 1, out.len, w);
        fclose(w);
    }
    size_t len;
    unsigned char *want = test_slurp(path, &len);
    assert_non_null(want);
    /* the first differing line, for a readable failure */
    const char *a = out.data, *b = (const char *)want;
    int ln = 1;
    while (*a && *a == *b) {
        ln += *a == '\n';
        a++;
        b++;
    }
    if (*a || *b)
        fail_msg("expected.txt differs at line %d:\n got:  %.120s\n want: %.120s", ln, a, b);
    free(want);
    lw_buf_free(&out);
}

/* ---- the exact match against FTS5 itself ---- */

/* Per phrase of the row: its instances (xInst), as "p0:c0=n,c1=n;p1:..." */
static void fn_instances(const Fts5ExtensionApi *api, Fts5Context *fc, sqlite3_context *ctx, int nval,
                         sqlite3_value **val)
{
    (void)nval;
    (void)val;
    lw_buf b = {0};
    int np = api->xPhraseCount(fc);
    for (int i = 0; i < np; i++) {
        int n[LW_PG_NCOL] = {0};
        Fts5PhraseIter it;
        int ic, io;
        for (api->xPhraseFirst(fc, i, &it, &ic, &io); ic >= 0; api->xPhraseNext(fc, &it, &ic, &io))
            n[ic]++;
        lw_buf_printf(&b, "%d:%d,%d;", i, n[0], n[1]);
    }
    int sz[LW_PG_NCOL];
    api->xColumnSize(fc, 0, &sz[0]);
    api->xColumnSize(fc, 1, &sz[1]);
    lw_buf_printf(&b, "size %d,%d", sz[0], sz[1]);
    sqlite3_result_text(ctx, b.data, (int)b.len, SQLITE_TRANSIENT);
    lw_buf_free(&b);
}

static const char *const docs[][2] = {
    {"Kế hoạch thi hành pháp luật", "Theo dõi tình hình thi hành pháp luật năm 2025. Thi hành án dân sự."},
    {"Hoà giải ở cơ sở", "Ủy ban nhân dân tỉnh Sóc Trăng; Uỷ ban hòa giải, hạnh kiểm, hành chính."},
    {NULL, "Nghị định số 59/2012/NĐ-CP và Thông tư 04/2021/TT-BTP; Nghị quyết 66-NQ/TW."},
    {"Báo cáo quý III", "kiểm tra, báo cáo tháng; tư pháp huyện Châu Thành; tham nhũng"},
    {"ĐĂNG KÝ", "đăng ký dang ky hàn hán hạnh hành hanh thi thi thi hành hành hành"},
    {"a b c d", "c d a b a a b"},
};

static const char *const match_queries[] = {
    "thi hành", "thi hanh", "\"thi hành pháp luật\"", "thi hành*", "hàn*", "han*", "ha*", "hoà giải", "uy ban",
    "59/2012/NĐ-CP", "4/2021/TT-BTP", "66-NQ/TW", "kiểm tra AND báo cáo", "tư pháp NOT huyện",
    "(quý OR tháng) AND \"báo cáo\"", "hòa giải OR tham nhũng", "thi NOT \"thi hành án\"", "đăng ký", "dang ky",
    "a NOT b NOT c", "a OR b AND c", "a AND b OR c NOT d", "\"b a\"", "\"a b\"", "thi thi", "hành hành*"};

static void test_match_equals_fts5(void **state)
{
    (void)state;
    sqlite3 *db;
    lw_error err;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(lw_fts_register(db, &err), LW_OK);
    fts5_api *api = NULL;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    assert_non_null(api);
    assert_int_equal(api->xCreateFunction(api, "instances", NULL, fn_instances, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(subject, body, tokenize='lawwatch')", NULL,
                                  NULL, NULL),
                     SQLITE_OK);
    size_t nd = sizeof docs / sizeof *docs;
    for (size_t i = 0; i < nd; i++) {
        assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO t(rowid, subject, body) VALUES (?1, ?2, ?3)", -1, &st, NULL),
                         SQLITE_OK);
        sqlite3_bind_int64(st, 1, (sqlite3_int64)i + 1);
        if (docs[i][0])
            sqlite3_bind_text(st, 2, docs[i][0], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, docs[i][1], -1, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_finalize(st);
    }
    lw_pg_doc *d = lw_pg_doc_new();
    assert_non_null(d);
    size_t n_match = 0;
    for (size_t k = 0; k < sizeof match_queries / sizeof *match_queries; k++) {
        char *expr;
        assert_int_equal(lw_fts_query_build(match_queries[k], &expr, &err), LW_OK);
        lw_pg_query *q;
        assert_int_equal(lw_pg_query_parse(expr, &q, &err), LW_OK);
        char fts[nd][256];
        for (size_t i = 0; i < nd; i++)
            fts[i][0] = '\0';
        assert_int_equal(sqlite3_prepare_v2(db, "SELECT rowid, instances(t) FROM t WHERE t MATCH ?1", -1, &st, NULL),
                         SQLITE_OK);
        sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW)
            snprintf(fts[sqlite3_column_int64(st, 0) - 1], 256, "%s", (const char *)sqlite3_column_text(st, 1));
        sqlite3_finalize(st);
        int np = lw_pg_query_nphrase(q);
        int counts[64 * LW_PG_NCOL];
        assert_true(np <= 64);
        for (size_t i = 0; i < nd; i++) {
            assert_int_equal(lw_pg_doc_set(d, docs[i][0], docs[i][0] ? strlen(docs[i][0]) : 0, docs[i][1],
                                           strlen(docs[i][1])),
                             0);
            int m = lw_pg_doc_match(q, d, counts);
            char mine[256] = "";
            if (m) {
                lw_buf b = {0};
                for (int p = 0; p < np; p++)
                    lw_buf_printf(&b, "%d:%d,%d;", p, counts[p * LW_PG_NCOL], counts[p * LW_PG_NCOL + 1]);
                lw_buf_printf(&b, "size %d,%d", lw_pg_doc_size(d, 0), lw_pg_doc_size(d, 1));
                snprintf(mine, sizeof mine, "%s", b.data);
                lw_buf_free(&b);
                n_match++;
            }
            if (strcmp(mine, fts[i]))
                fail_msg("query '%s' (%s), document %zu: FTS5 '%s', lw_pg_doc_match '%s'", match_queries[k], expr, i,
                         fts[i], mine);
            /* the columns' sizes as doc_text stores them */
            assert_int_equal(lw_pg_doc_size(d, 1), lw_pg_token_count(docs[i][1], strlen(docs[i][1])));
        }
        lw_pg_query_free(q);
        free(expr);
    }
    print_message("%zu matches compared with FTS5\n", n_match);
    assert_true(n_match > 30); /* not a vacuous pass */
    lw_pg_doc_free(d);
    sqlite3_close(db);
}

/* ---- the tsvector ---- */

static void test_tsvector(void **state)
{
    (void)state;
    const char *s = "Hoà giải", *b = "hòa giải ở cơ sở; Sóc Trăng 04/2021";
    char *t = lw_pg_tsvector(s, strlen(s), b, strlen(b));
    assert_non_null(t);
    /* subject 1-2, the body after a gap (from 4); exact and folded forms at one position, the
     * exact form that differs A (subject) or D (body, no letter), the folded or only form B or
     * C; "04" as "4"; a quote doubled */
    assert_string_equal(t, "'2021':12C '4':11C 'co':7C 'cơ':7 'giai':2B,5C 'giai?':2A,5 'hoa':1B,4C 'hoa`':1A,4 "
                           "'o':6C 'so':8C 'soc':9C 'soc''':9 'sơ?':8 'trang':10C 'trăng':10 'ơ?':6");
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_translation_golden),
        cmocka_unit_test(test_match_equals_fts5),
        cmocka_unit_test(test_tsvector),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
