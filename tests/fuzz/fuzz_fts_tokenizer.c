/* fuzz_fts_tokenizer: arbitrary bytes through the "lawwatch" FTS5 tokenizer (lw_fts_tokenize)
 * as a document, an aux call, a query and a prefix query, checking every token: non-empty, at
 * most LW_FTS_TERM_MAX bytes, valid UTF-8, its offsets inside the input and increasing. Then
 * the text is indexed in an in-memory FTS5 table (tokenize='lawwatch') and FTS5's own
 * integrity-check runs, which re-tokenizes and so also catches a tokenizer that does not give
 * the same tokens twice; the row is deleted again. */
#include "fuzz_common.h"

#include <sqlite3.h>

#include "lw_fts.h"

typedef struct {
    int len;
    int last_start;
    int n;
} tok_state;

static int on_token(void *ctx, int tflags, const char *token, int ntoken, int start, int end)
{
    tok_state *ts = ctx;
    FUZZ_CHECK(ntoken > 0 && ntoken <= LW_FTS_TERM_MAX);
    FUZZ_CHECK(fuzz_utf8_valid((const unsigned char *)token, (size_t)ntoken));
    FUZZ_CHECK(0 <= start && start < end && end <= ts->len);
    if (tflags & FTS5_TOKEN_COLOCATED) {
        FUZZ_CHECK(ts->n > 0 && start == ts->last_start);
    } else {
        FUZZ_CHECK(start >= ts->last_start);
        ts->last_start = start;
    }
    ts->n++;
    return 0;
}

static sqlite3 *db;
static sqlite3_stmt *ins, *del;

static void setup(void)
{
    lw_error err;
    lw_error_clear(&err);
    FUZZ_CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
    FUZZ_CHECK(lw_fts_register(db, &err) == LW_OK);
    FUZZ_CHECK(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='lawwatch')", NULL, NULL,
                            NULL) == SQLITE_OK);
    FUZZ_CHECK(sqlite3_prepare_v2(db, "INSERT INTO t(rowid, body) VALUES (1, ?1)", -1, &ins, NULL) == SQLITE_OK);
    FUZZ_CHECK(sqlite3_prepare_v2(db, "DELETE FROM t WHERE rowid = 1", -1, &del, NULL) == SQLITE_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    if (!db)
        setup();
    static const int flags[] = {FTS5_TOKENIZE_DOCUMENT, FTS5_TOKENIZE_AUX, FTS5_TOKENIZE_QUERY,
                                FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX};
    for (size_t k = 0; k < sizeof flags / sizeof *flags; k++) {
        tok_state ts = {(int)size, 0, 0};
        FUZZ_CHECK(lw_fts_tokenize((const char *)data, (int)size, flags[k], on_token, &ts) == 0);
    }
    sqlite3_bind_text(ins, 1, (const char *)data, (int)size, SQLITE_STATIC);
    FUZZ_CHECK(sqlite3_step(ins) == SQLITE_DONE);
    sqlite3_reset(ins);
    sqlite3_clear_bindings(ins);
    char *msg = NULL;
    if (sqlite3_exec(db, "INSERT INTO t(t) VALUES ('integrity-check')", NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "FTS5 integrity-check: %s\n", msg ? msg : "?");
        fuzz_fail("FTS5 integrity-check after indexing the input");
    }
    FUZZ_CHECK(sqlite3_step(del) == SQLITE_DONE);
    sqlite3_reset(del);
    return 0;
}
