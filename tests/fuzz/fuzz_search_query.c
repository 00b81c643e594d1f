/* fuzz_search_query: arbitrary bytes as what a reviewer types (lw_fts_query_build). A refused
 * query must carry a message (and a column inside the query); an accepted one must be an
 * expression FTS5 accepts with the "lawwatch" tokenizer, as lw_fts.h promises: it is run
 * against a small in-memory table, and any SQLite error is a bug. */
#include "fuzz_common.h"

#include <sqlite3.h>

#include "lw_fts.h"

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
    }
    free(expr);
    free(s);
    return 0;
}
