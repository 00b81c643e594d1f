/* fuzz_search_query: arbitrary bytes as what a reviewer types (lw_fts_query_build). A refused
 * query must carry a message (and a column inside the query); an accepted one must be an
 * expression FTS5 accepts with the "lawwatch" tokenizer, as lw_fts.h promises: it is run
 * against a small in-memory table, and any SQLite error is a bug. Its snippets (lw_snippet) are
 * made over the table's texts and over the input itself: never NULL, always valid UTF-8 when
 * the text is. */
#include "fuzz_common.h"

#include <sqlite3.h>
#include <utf8proc.h>

#include "lw_fts.h"
#include "lw_snippet.h"

static sqlite3 *db;
static sqlite3_stmt *q;

static void setup(void)
{
    lw_error err;
    lw_error_clear(&err);
    FUZZ_CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
    FUZZ_CHECK(lw_fts_register(db, &err) == LW_OK);
    FUZZ_CHECK(sqlite3_exec(db,
                            "CREATE VIRTUAL TABLE t USING fts5(subject, body, tokenize='lawwatch');"
                            "INSERT INTO t VALUES ('Kế hoạch theo dõi thi hành pháp luật năm 2025',"
                            " 'Căn cứ Nghị định số 59/2012/NĐ-CP ngày 23/7/2012 của Chính phủ; Ủy ban nhân dân"
                            " tỉnh hoà hợp, uỷ quyền; 18-NQ/TW; Quý III năm 2025');"
                            "INSERT INTO t VALUES ('Công văn', 'đôn đốc báo cáo trước ngày 15/11/2025');",
                            NULL, NULL, NULL) == SQLITE_OK);
    FUZZ_CHECK(sqlite3_prepare_v2(db,
                                  "SELECT rowid, bm25(t, 4.0, 1.0), snippet(t, 1, '[', ']', '…', 8) FROM t"
                                  " WHERE t MATCH ?1 ORDER BY bm25(t, 4.0, 1.0)",
                                  -1, &q, NULL) == SQLITE_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384)
        return 0;
    if (!db)
        setup();
    char *s = malloc(size + 1);
    FUZZ_CHECK(s != NULL);
    memcpy(s, data, size);
    s[size] = '\0';
    char *expr = NULL;
    lw_error err;
    lw_error_clear(&err);
    lw_status st = lw_fts_query_build(s, &expr, &err);
    if (st != LW_OK) {
        FUZZ_CHECK(expr == NULL);
        FUZZ_CHECK(st == LW_ERR_QUERY || st == LW_ERR_NOMEM);
        FUZZ_CHECK(err.msg[0] != '\0');
        FUZZ_CHECK(err.col >= 0 && (size_t)err.col <= strlen(s) + 1);
    } else {
        FUZZ_CHECK(expr != NULL);
        sqlite3_bind_text(q, 1, expr, -1, SQLITE_STATIC);
        int rc;
        while ((rc = sqlite3_step(q)) == SQLITE_ROW)
            ;
        if (rc != SQLITE_DONE) {
            fprintf(stderr, "query %s\nexpression %s\nFTS5: %s\n", s, expr, sqlite3_errmsg(db));
            fuzz_fail("an expression from lw_fts_query_build is refused by FTS5");
        }
        sqlite3_reset(q);
        sqlite3_clear_bindings(q);
        lw_snippet_terms *t = NULL;
        FUZZ_CHECK(lw_snippet_terms_create(expr, &t) == LW_OK);
        static const char subject[] = "Kế hoạch theo dõi thi hành pháp luật năm 2025";
        static const char body[] = "Căn cứ Nghị định số 59/2012/NĐ-CP; Ủy ban nhân dân tỉnh hoà hợp, uỷ quyền; Quý III";
        char *a = lw_snippet_make(t, subject, strlen(subject), body, strlen(body), "[", "]", 8);
        char *b = lw_snippet_make(t, s, size, s, size, "«", "»", 24);
        FUZZ_CHECK(a != NULL && b != NULL);
        for (const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)a; *p;) { /* valid text in, valid out */
            utf8proc_int32_t cp;
            utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);
            FUZZ_CHECK(n > 0);
            p += n;
        }
        free(a);
        free(b);
        lw_snippet_terms_free(t);
    }
    free(expr);
    free(s);
    return 0;
}
