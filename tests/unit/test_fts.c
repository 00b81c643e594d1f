/* Tests of lw_fts: the token forms of the "lawwatch" tokenizer, exact result sets of searches
 * on a small in-memory FTS5 table (diacritics, tone styles, đ/d, case, phrases, prefixes,
 * operators, document numbers), highlight() offsets, the query builder's output and errors,
 * and two randomized checks: every query either builds an expression FTS5 accepts or fails
 * with LW_ERR_QUERY, and the tokenizer keeps its invariants on random bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lw_fts.h"

/* ---- helpers ---- */

/* Collects tokens as "term" or "+term" (colocated), each followed by [start,end]. */
typedef struct {
    char out[8192];
    size_t len;
    int last_end;
} collect;

static int collect_cb(void *ctx, int tflags, const char *tok, int ntok, int start, int end)
{
    collect *c = ctx;
    c->len += (size_t)snprintf(c->out + c->len, sizeof c->out - c->len, "%s%s%.*s[%d,%d]",
                               c->len ? " " : "", (tflags & FTS5_TOKEN_COLOCATED) ? "+" : "", ntok,
                               tok, start, end);
    return 0;
}

static const char *toks(const char *text, int flags)
{
    static collect c;
    memset(&c, 0, sizeof c);
    assert_int_equal(lw_fts_tokenize(text, (int)strlen(text), flags, collect_cb, &c), 0);
    return c.out;
}

#define DOC FTS5_TOKENIZE_DOCUMENT
#define QRY FTS5_TOKENIZE_QUERY
#define PFX (FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX)

static const char *const rows[] = {
    /*  1 */ "Nghị định số 59/2012/NĐ-CP ngày 23/7/2012 của Chính phủ",
    /*  2 */ "bản kế hoạch thi hành",
    /*  3 */ "bán hàng",
    /*  4 */ "Ủy ban nhân dân tỉnh",
    /*  5 */ "Uỷ ban nhân dân huyện",
    /*  6 */ "hoà giải ở cơ sở",
    /*  7 */ "hòa bình",
    /*  8 */ "ĐOÀN LUẬT SƯ",
    /*  9 */ "\xC3\x90o\xC3\xA0n thanh niên",          /* Ðoàn with U+00D0 */
    /* 10 */ "Nghị định 32/2020/NĐ-CP sửa đổi",
    /* 11 */ "nghi ngờ",
    /* 12 */ "Ban chỉ đạo",
    /* 13 */ "Luật Thi hành án dân sự",
    /* 14 */ "tổ chức thi hành pháp luật",
    /* 15 */ "dinh dưỡng",
    /* 16 */ "ngh\xC2\xADiệp vụ; vi\xE2\x80\x8B\xE1\xBB\x87" "c làm",  /* soft hyphen, ZWSP */
    /* 17 */ "Nghi\xCC\xA3 \xC4\x91i\xCC\xA3nh 18-NQ/TW",              /* NFD: Nghị định */
    /* 18 */ "Công văn 768/UBND-NC; Luật số 80/2015/QH13",
    /* 19 */ "Thông tư 04/2021/TT-BTP và Thông tư 5/2021/TT-BTP",
};
#define NROWS ((int)(sizeof rows / sizeof rows[0]))

static int setup_db(void **state)
{
    sqlite3 *db = NULL;
    lw_error err;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(lw_fts_register(db, &err), LW_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='lawwatch')",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO t(rowid, body) VALUES (?1, ?2)", -1, &st, NULL),
                     SQLITE_OK);
    for (int i = 0; i < NROWS; i++) {
        sqlite3_bind_int(st, 1, i + 1);
        sqlite3_bind_text(st, 2, rows[i], -1, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    *state = db;
    return 0;
}

static int teardown_db(void **state)
{
    sqlite3_close(*state);
    return 0;
}

/* Runs a raw MATCH expression; returns the rowids as "1,10" (sorted), or "ERROR: msg". */
static const char *match_raw(sqlite3 *db, const char *expr)
{
    static char out[1024];
    size_t n = 0;
    out[0] = '\0';
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ?1 ORDER BY rowid", -1, &st, NULL))
        fail_msg("prepare: %s", sqlite3_errmsg(db));
    sqlite3_bind_text(st, 1, expr, -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        n += (size_t)snprintf(out + n, sizeof out - n, "%s%d", n ? "," : "", sqlite3_column_int(st, 0));
    if (rc != SQLITE_DONE)
        snprintf(out, sizeof out, "ERROR: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return out;
}

/* Builds the expression for a reviewer's query and runs it. */
static const char *search(sqlite3 *db, const char *query)
{
    char *expr = NULL;
    lw_error err;
    lw_error_clear(&err);
    if (lw_fts_query_build(query, &expr, &err) != LW_OK)
        fail_msg("query %s: %s", query, err.msg);
    const char *r = match_raw(db, expr);
    if (!strncmp(r, "ERROR", 5))
        fail_msg("query %s -> %s: %s", query, expr, r);
    free(expr);
    return r;
}

#define SEARCH(q, want) assert_string_equal(search(db, q), want)

static const char *build(const char *query)
{
    static char out[8192];
    char *expr = NULL;
    lw_error err;
    lw_error_clear(&err);
    lw_status st = lw_fts_query_build(query, &expr, &err);
    if (st != LW_OK)
        fail_msg("query %s: %s", query, err.msg);
    assert_non_null(expr);
    snprintf(out, sizeof out, "%s", expr);
    free(expr);
    return out;
}

#define BUILD(q, want) assert_string_equal(build(q), want)

/* Expects LW_ERR_QUERY; the message must contain part, the column must be col. */
static void build_err(const char *query, const char *part, int col, const char *file, int line)
{
    char *expr = (char *)1;
    lw_error err;
    lw_error_clear(&err);
    lw_status st = lw_fts_query_build(query, &expr, &err);
    if (st != LW_ERR_QUERY)
        fail_msg("%s:%d: query %s: status %d, want LW_ERR_QUERY (expr %s)", file, line, query, st,
                 st == LW_OK ? expr : "-");
    assert_null(expr);
    assert_int_equal(err.code, LW_ERR_QUERY);
    if (!strstr(err.msg, part))
        fail_msg("%s:%d: query %s: message \"%s\" lacks \"%s\"", file, line, query, err.msg, part);
    if (!strstr(err.msg, "Gợi ý: ") || !strstr(err.msg, "["))
        fail_msg("%s:%d: message \"%s\" lacks a hint or an English gloss", file, line, err.msg);
    if (err.col != col)
        fail_msg("%s:%d: query %s: col %d, want %d", file, line, query, err.col, col);
}

#define BUILD_ERR(q, part, col) build_err(q, part, col, __FILE__, __LINE__)

/* ---- token forms ---- */

static void test_token_forms(void **state)
{
    (void)state;
    /* "Nghị" is 6 bytes (ị = U+1ECB), "định" 7 */
    assert_string_equal(toks("Nghị định", DOC), "nghi.[0,6] +nghi[0,6] đinh.[7,14] +dinh[7,14]");
    assert_string_equal(toks("Nghị định", QRY), "nghi.[0,6] đinh.[7,14]");
    assert_string_equal(toks("nghi dinh", QRY), "nghi[0,4] dinh[5,9]");
    assert_string_equal(toks("Ban BAN ban", DOC), "ban[0,3] ban[4,7] ban[8,11]");
    /* both tone styles, NFD, look-alikes */
    assert_string_equal(toks("hoà", DOC), "hoa`[0,4] +hoa[0,4]");
    assert_string_equal(toks("hòa", DOC), "hoa`[0,4] +hoa[0,4]");
    assert_string_equal(toks("Uỷ", DOC), "uy?[0,4] +uy[0,4]");
    assert_string_equal(toks("Ủy", DOC), "uy?[0,4] +uy[0,4]");
    assert_string_equal(toks("Nghi\xCC\xA3", DOC), "nghi.[0,6] +nghi[0,6]");
    assert_string_equal(toks("\xC3\x90O\xC3\x80N", DOC), "đoan`[0,6] +doan[0,6]");  /* ÐOÀN */
    assert_string_equal(toks("ĐOÀN", DOC), "đoan`[0,6] +doan[0,6]");
    /* a tone typed before the circumflex (a + U+0300 + U+0302) */
    assert_string_equal(toks("la\xCC\x80\xCC\x82n", DOC), "lân`[0,7] +lan[0,7]");
    assert_string_equal(toks("lần", DOC), "lân`[0,5] +lan[0,5]");
    /* shape marks without a tone */
    assert_string_equal(toks("ân ăn ơn ưng", QRY), "ân[0,3] ăn[4,7] ơn[8,11] ưng[12,16]");
    assert_string_equal(toks("bản bán", QRY), "ban?[0,5] ban'[6,10]");
    assert_string_equal(toks("dã dạ", QRY), "da~[0,3] da.[4,8]");
    /* document numbers and codes */
    assert_string_equal(toks("59/2012/NĐ-CP", DOC),
                        "59[0,2] 2012[3,7] nđ[8,11] +nd[8,11] cp[12,14]");
    assert_string_equal(toks("80/2015/QH13", QRY), "80[0,2] 2015[3,7] qh13[8,12]");
    assert_string_equal(toks("04/2021/TT-BTP 0 00 007 0a1 10", DOC),
                        "4[0,2] 2021[3,7] tt[8,10] btp[11,14] 0[15,16] 0[17,19] 7[20,23] 0a1[24,27] 10[28,30]");
    assert_string_equal(toks("0\xC2\xAD" "4\xC2\xAD", QRY), "4[0,4]");
    /* soft hyphen and zero-width space inside a word; LRM after it is left out */
    assert_string_equal(toks("ngh\xC2\xADiệp", DOC), "nghiêp.[0,10] +nghiep[0,10]");
    assert_string_equal(toks("vi\xE2\x80\x8Bệc", QRY), "viêc.[0,9]");
    assert_string_equal(toks("ab\xE2\x80\x8E cd", QRY), "ab[0,2] cd[6,8]");
    /* marks and format characters never start a token */
    assert_string_equal(toks("\xCC\x81" "a \xC2\xAD" "b", QRY), "a[2,3] b[6,7]");
    /* invalid bytes separate */
    assert_string_equal(toks("ab\xFF" "cd\xC3", QRY), "ab[0,2] cd[3,5]");
    /* prefix queries: the last token loses its tone, keeps its shape */
    assert_string_equal(toks("thi hành", PFX), "thi[0,3] hanh[4,9]");
    assert_string_equal(toks("nghiệ", PFX), "nghiê[0,7]");
    assert_string_equal(toks("Nghị định", PFX), "nghi.[0,6] đinh[7,14]");
    /* separators: punctuation, symbols, spaces of every kind */
    assert_string_equal(toks("a\xC2\xA0" "b\xE3\x80\x80" "c—d“e”", QRY),
                        "a[0,1] b[3,4] c[7,8] d[11,12] e[15,16]");
}

static void test_token_long(void **state)
{
    (void)state;
    char buf[2000];
    memset(buf, 'A', 1000);
    buf[1000] = '\0';
    collect c;
    memset(&c, 0, sizeof c);
    assert_int_equal(lw_fts_tokenize(buf, 1000, DOC, collect_cb, &c), 0);
    char want[600];
    memset(want, 'a', LW_FTS_TERM_MAX);
    snprintf(want + LW_FTS_TERM_MAX, sizeof want - LW_FTS_TERM_MAX, "[0,1000]");
    assert_string_equal(c.out, want);

    /* a long Vietnamese token is cut at a character boundary, never beyond the cap */
    size_t n = 0;
    for (int i = 0; i < 300; i++) {
        memcpy(buf + n, "ệ", 3);
        n += 3;
    }
    buf[n] = '\0';
    memset(&c, 0, sizeof c);
    assert_int_equal(lw_fts_tokenize(buf, (int)n, DOC, collect_cb, &c), 0);
    char *sp = strchr(c.out, '[');
    assert_non_null(sp);
    assert_true(sp - c.out <= LW_FTS_TERM_MAX);
    assert_int_equal((sp - c.out) % 2, 0); /* ê is 2 bytes, tones were cut off */
    assert_non_null(strstr(c.out, "[0,900] +eee"));
}

static int stop_cb(void *ctx, int tflags, const char *tok, int ntok, int start, int end)
{
    int *count = ctx;
    return ++*count == 2 ? 42 : 0;
}

static void test_token_stop(void **state)
{
    (void)state;
    int count = 0;
    assert_int_equal(lw_fts_tokenize("một hai ba bốn", (int)strlen("một hai ba bốn"), DOC, stop_cb, &count), 42);
    assert_int_equal(count, 2);
    count = 0;
    assert_int_equal(lw_fts_tokenize(NULL, 0, DOC, stop_cb, &count), 0);
    assert_int_equal(count, 0);
}

/* ---- searches ---- */

static void test_search_diacritics(void **state)
{
    sqlite3 *db = *state;
    SEARCH("nghi dinh", "1,10,17");
    SEARCH("nghi", "1,10,11,17");
    SEARCH("nghị", "1,10,17");
    SEARCH("Nghị định", "1,10,17");
    SEARCH("ban", "2,3,4,5,12");
    SEARCH("bản", "2");
    SEARCH("bán", "3");
    SEARCH("dinh", "1,10,15,17");
    SEARCH("định", "1,10,17");
    SEARCH("đinh", "");
    SEARCH("nghiep", "16");
    SEARCH("nghiệp", "16");
    SEARCH("việc", "16");
    SEARCH("viec lam", "16");
}

static void test_search_tone_styles(void **state)
{
    sqlite3 *db = *state;
    SEARCH("hoà", "6,7");
    SEARCH("hòa", "6,7");
    SEARCH("hoa", "6,7");
    SEARCH("ủy ban", "4,5");
    SEARCH("uỷ ban", "4,5");
    SEARCH("uy ban", "4,5");
    SEARCH("Ủy ban nhân dân", "4,5");
    SEARCH("hóa", "");
}

static void test_search_d_and_case(void **state)
{
    sqlite3 *db = *state;
    SEARCH("doan", "8,9");
    SEARCH("DOAN", "8,9");
    SEARCH("đoàn", "8,9");
    SEARCH("Đoàn", "8,9");
    SEARCH("ĐOÀN", "8,9");
    SEARCH("\xC3\x90o\xC3\xA0n", "8,9"); /* Ðoàn typed with the look-alike */
    SEARCH("luat", "8,13,14,18");
    SEARCH("luật", "8,13,14,18");
    SEARCH("LUẬT sư", "8");
    SEARCH("luat su", "8,13");
    SEARCH("\"luat su\"", "8");
    SEARCH("dao", "12");
    SEARCH("đạo", "12");
    SEARCH("đảo", "");
}

static void test_search_phrases_prefixes(void **state)
{
    sqlite3 *db = *state;
    SEARCH("\"nhân dân tỉnh\"", "4");
    SEARCH("\"nhan dan\"", "4,5");
    SEARCH("\"dân nhân\"", "");
    SEARCH("“thi hành án”", "13");
    SEARCH("\"thi hành\"", "2,13,14");
    SEARCH("thi hành*", "2,13,14");
    SEARCH("\"thi hanh\"*", "2,13,14");
    SEARCH("\"thi hành*\"", "2,13,14");
    SEARCH("hu*", "5");
    SEARCH("huy*", "5");
    SEARCH("huyê*", "5");
    SEARCH("huyệ*", "5");
    SEARCH("huyế*", "5"); /* a prefix ignores the tone */
    SEARCH("huyề*", "5");
    SEARCH("huyen*", "5");
    SEARCH("dân s*", "13");
    SEARCH("nhân*", "4,5");
    SEARCH("nhan*", "4,5");
    SEARCH("ngh*", "1,10,11,16,17");
    SEARCH("nghiê*", "16");
    SEARCH("đ*", "1,8,9,10,12,17");
    SEARCH("sư", "8");
    SEARCH("sự", "13");
    SEARCH("su", "8,13");
    SEARCH("sử*", "8,10,13"); /* sửa, and sư, sự: the tone is dropped */
}

static void test_search_operators(void **state)
{
    sqlite3 *db = *state;
    SEARCH("ban AND hoạch", "2");
    SEARCH("ban hoach", "2");
    SEARCH("bán OR bản", "2,3");
    SEARCH("ban NOT bán", "2,4,5,12");
    SEARCH("ban -bán", "2,4,5,12");
    SEARCH("ban AND NOT bán", "2,4,5,12");
    SEARCH("nhân dân NOT huyện", "4");
    SEARCH("(hoà OR bán) AND hàng", "3");
    SEARCH("(hoà OR bán) hàng", "3");
    SEARCH("hoà OR bán hàng", "3,6,7");
    SEARCH("hoa NOT binh", "6");
    SEARCH("luat NOT (su OR dan)", "14,18");
    SEARCH("(luat NOT su) OR bình", "7,14,18");
    SEARCH("ban and hoach", "");  /* lower-case "and" is a word */
}

static void test_search_numbers(void **state)
{
    sqlite3 *db = *state;
    SEARCH("59/2012/NĐ-CP", "1");
    SEARCH("59/2012/ND-CP", "1");
    SEARCH("59/2012/nđ-cp", "1");
    SEARCH("32/2020/NĐ-CP", "10");
    SEARCH("32/2012/NĐ-CP", "");
    SEARCH("NĐ-CP", "1,10");
    SEARCH("2012", "1");
    SEARCH("23/7/2012", "1");
    SEARCH("18-NQ/TW", "17");
    SEARCH("768/UBND-NC", "18");
    SEARCH("80/2015/QH13", "18");
    SEARCH("QH13", "18");
    SEARCH("qh1*", "18");
    SEARCH("Nghị định 59/2012/NĐ-CP", "1");
    SEARCH("59/2012/NĐ-CP OR 32/2020/NĐ-CP", "1,10");
    SEARCH("59/2012*", "1");
    SEARCH("04/2021/TT-BTP", "19");
    SEARCH("4/2021/TT-BTP", "19");
    SEARCH("05/2021/TT-BTP", "19");
    SEARCH("6/2021/TT-BTP", "");
}

static void test_search_injection(void **state)
{
    sqlite3 *db = *state;
    SEARCH("'; DROP TABLE documents; --", "");
    SEARCH("'; DROP TABLE t; --", "");
    SEARCH("body:bán", "");           /* a column filter is just words */
    SEARCH("NEAR(bán hàng)", "");      /* so is NEAR */
    SEARCH("{body} : bán", "");
    SEARCH("^bán", "3");
    SEARCH("bán + hàng", "3");
    assert_string_equal(match_raw(db, "bán"), "3"); /* the table is still there */
}

static const char *hl(sqlite3 *db, const char *query, int rowid)
{
    static char out[1024];
    char *expr = NULL;
    assert_int_equal(lw_fts_query_build(query, &expr, NULL), LW_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT highlight(t, 0, '[', ']') FROM t WHERE t MATCH ?1 AND rowid = ?2",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, expr, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, rowid);
    out[0] = '\0';
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(out, sizeof out, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    free(expr);
    return out;
}

static void test_highlight(void **state)
{
    sqlite3 *db = *state;
    assert_string_equal(hl(db, "nghi dinh", 1),
                        "[Nghị] [định] số 59/2012/NĐ-CP ngày 23/7/2012 của Chính phủ");
    assert_string_equal(hl(db, "59/2012/nd-cp", 1),
                        "Nghị định số [59/2012/NĐ-CP] ngày 23/7/2012 của Chính phủ");
    assert_string_equal(hl(db, "\"nhan dan\"", 5), "Uỷ ban [nhân dân] huyện");
    assert_string_equal(hl(db, "hòa", 6), "[hoà] giải ở cơ sở");
    assert_string_equal(hl(db, "doan", 9), "[\xC3\x90o\xC3\xA0n] thanh niên");
    assert_string_equal(hl(db, "nghiep", 16), "[ngh\xC2\xADiệp] vụ; vi\xE2\x80\x8Bệc làm");
    assert_string_equal(hl(db, "việc", 16), "ngh\xC2\xADiệp vụ; [vi\xE2\x80\x8Bệc] làm");
    assert_string_equal(hl(db, "nghị định", 17), "[Nghi\xCC\xA3] [\xC4\x91i\xCC\xA3nh] 18-NQ/TW");
    assert_string_equal(hl(db, "thi hành*", 13), "Luật [Thi hành] án dân sự");
}

static void test_register(void **state)
{
    (void)state;
    sqlite3 *db;
    lw_error err;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    /* before registration the tokenizer is unknown */
    assert_int_not_equal(sqlite3_exec(db, "CREATE VIRTUAL TABLE a USING fts5(x, tokenize='lawwatch')",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
    assert_int_equal(lw_fts_register(db, &err), LW_OK);
    assert_int_equal(lw_fts_register(db, &err), LW_OK); /* twice is harmless */
    assert_int_equal(sqlite3_exec(db, "CREATE VIRTUAL TABLE a USING fts5(x, tokenize='lawwatch')",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "CREATE VIRTUAL TABLE b USING fts5(x, tokenize='lawwatch x')",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
    /* a prefix index works with the tokenizer */
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE VIRTUAL TABLE c USING fts5(x, tokenize='lawwatch', prefix='2 3');"
                                  "INSERT INTO c(rowid, x) VALUES (1, 'Quyết định thi hành'), (2, 'quyết toán');",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT group_concat(rowid) FROM c WHERE c MATCH ?1", -1, &st, NULL),
                     SQLITE_OK);
    const char *q[][2] = {{"\"qu\"*", "1,2"}, {"\"quyê\"*", "1,2"}, {"\"quyết đ\"*", "1"}, {"\"quyết t\"*", "2"}};
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
        sqlite3_bind_text(st, 1, q[i][0], -1, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_string_equal((const char *)sqlite3_column_text(st, 0), q[i][1]);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* ---- query builder ---- */

static void test_query_build(void **state)
{
    (void)state;
    BUILD("nghị định", "\"nghị\" AND \"định\"");
    BUILD("  nghi   dinh  ", "\"nghi\" AND \"dinh\"");
    BUILD("59/2012/NĐ-CP", "\"59/2012/NĐ-CP\"");
    BUILD("\"thi hành án\"", "\"thi hành án\"");
    BUILD("“thi hành án”", "\"thi hành án\"");
    BUILD("\"thi hành\"*", "\"thi hành\"*");
    BUILD("\"thi hành*\"", "\"thi hành*\"*");
    BUILD("\"thi hành* \" a", "\"thi hành* \"* AND \"a\"");
    BUILD("thi hành*", "\"thi hành\"*");
    BUILD("luật AND thi hành*", "\"luật\" AND \"thi hành\"*");
    BUILD("luật thi hành*", "\"luật thi hành\"*");
    BUILD("a* b", "\"a\"* AND \"b\"");
    BUILD("a -b c*", "\"a\" NOT \"b c\"*");
    BUILD("nghị**", "\"nghị\"*");
    BUILD("a AND b OR c NOT d", "\"a\" AND \"b\" OR \"c\" NOT \"d\"");
    BUILD("a AND NOT b", "\"a\" NOT \"b\"");
    BUILD("a -b", "\"a\" NOT \"b\"");
    BUILD("a AND -b", "\"a\" NOT \"b\"");
    BUILD("(a OR b) c", "(\"a\" OR \"b\") AND \"c\"");
    BUILD("a (b OR c)", "\"a\" AND (\"b\" OR \"c\")");
    BUILD("((a))", "((\"a\"))");
    BUILD("a NOT (b OR c)", "\"a\" NOT (\"b\" OR \"c\")");
    BUILD("and or not", "\"and\" AND \"or\" AND \"not\"");
    BUILD("'; DROP TABLE documents; --", "\"DROP\" AND \"TABLE\" AND \"documents;\"");
    BUILD("a \"unclosed phrase", "\"a\" AND \"unclosed phrase\"");
    BUILD("a\"b c\"d", "\"a\" AND \"b c\" AND \"d\"");
    BUILD("a - b", "\"a\" AND \"b\"");
    BUILD("a \"\" b", "\"a\" AND \"b\"");
    BUILD("a ; * -- b", "\"a\" AND \"b\"");
    BUILD("NEAR(a b)", "\"NEAR\" AND (\"a\" AND \"b\")");
    BUILD("col:x", "\"col:x\"");
    BUILD("AND*", "\"AND\"*");
    BUILD("a\tb\nc", "\"a\" AND \"b\" AND \"c\"");
}

static void test_query_errors(void **state)
{
    (void)state;
    BUILD_ERR("", "Truy vấn trống", 0);
    BUILD_ERR("   \t ", "Truy vấn trống", 0);
    BUILD_ERR(NULL, "Truy vấn trống", 0);
    BUILD_ERR("; -- *", "không có từ nào", 0);
    BUILD_ERR("-", "không có từ nào", 0);
    BUILD_ERR("()", "không có từ nào", 0);
    BUILD_ERR("AND", "chỉ có toán tử", 0);
    BUILD_ERR("AND OR NOT", "chỉ có toán tử", 0);
    BUILD_ERR("NOT bán", "NOT ở cột 1 thiếu vế bên trái", 1);
    BUILD_ERR("-bán", "Dấu '-'", 1);
    BUILD_ERR("(-bán) a", "Dấu '-'", 2);
    BUILD_ERR("AND bán", "Toán tử AND ở cột 1 thiếu vế bên trái", 1);
    BUILD_ERR("a (OR b)", "Toán tử OR ở cột 4 thiếu vế bên trái", 4);
    BUILD_ERR("bán OR", "Toán tử OR ở cột 5 thiếu vế bên phải", 5);
    BUILD_ERR("bán NOT", "Toán tử NOT ở cột 5 thiếu vế bên phải", 5);
    BUILD_ERR("(a AND) b", "Toán tử AND ở cột 4 thiếu vế bên phải", 4);
    BUILD_ERR("a AND OR b", "Hai toán tử liền nhau: AND rồi OR", 7);
    BUILD_ERR("a OR NOT b", "Hai toán tử liền nhau: OR rồi NOT", 6);
    BUILD_ERR("a OR -b", "Hai toán tử liền nhau: OR rồi '-'", 6);
    BUILD_ERR("a NOT NOT b", "Hai toán tử liền nhau", 7);
    BUILD_ERR("(bán", "Truy vấn thiếu dấu ngoặc đóng ')' cho dấu '(' ở cột 1", 1);
    BUILD_ERR("a ((b) OR (c)", "thiếu dấu ngoặc đóng ')' cho dấu '(' ở cột 3", 3);
    BUILD_ERR("bán)", "Dấu ngoặc đóng ')' ở cột 4 không có dấu ngoặc mở", 4);
    BUILD_ERR("a () b", "Cặp ngoặc ở cột 3 không chứa từ nào", 3);
    BUILD_ERR("a ( ; ) b", "Cặp ngoặc ở cột 3", 3);
    BUILD_ERR("bán \xFF", "không phải văn bản UTF-8 hợp lệ (byte 6, ký tự thứ 5)", 5);
    BUILD_ERR("bản \xC3", "UTF-8", 5);
    BUILD_ERR("\xC0\x80", "UTF-8", 1); /* overlong NUL */
    BUILD_ERR("\xED\xA0\x80", "UTF-8", 1); /* surrogate */

    /* nesting */
    char deep[200];
    size_t n = 0;
    for (int i = 0; i < LW_FTS_QUERY_MAX_DEPTH; i++)
        deep[n++] = '(';
    deep[n++] = 'a';
    for (int i = 0; i < LW_FTS_QUERY_MAX_DEPTH; i++)
        deep[n++] = ')';
    deep[n] = '\0';
    char *expr = NULL;
    assert_int_equal(lw_fts_query_build(deep, &expr, NULL), LW_OK);
    free(expr);
    memmove(deep + 1, deep, n + 1);
    deep[0] = '(';
    memcpy(deep + n + 1, ")", 2);
    BUILD_ERR(deep, "lồng quá 32 mức", LW_FTS_QUERY_MAX_DEPTH + 1);

    /* error without an lw_error */
    expr = (char *)1;
    assert_int_equal(lw_fts_query_build("(", &expr, NULL), LW_ERR_QUERY);
    assert_null(expr);
}

static void test_query_long(void **state)
{
    sqlite3 *db = *state;
    /* the longest accepted query: words, a document number, all ORed */
    char q[LW_FTS_QUERY_MAX + 2];
    size_t n = 0;
    static const char *const words[] = {"nghị", "định", "OR", "59/2012/NĐ-CP", "OR", "hoà", "giải"};
    for (int i = 0; n + 20 < LW_FTS_QUERY_MAX; i++) {
        const char *w = words[i % 7];
        memcpy(q + n, w, strlen(w));
        n += strlen(w);
        q[n++] = ' ';
    }
    memcpy(q + n, "ban", 3);
    n += 3;
    while (n < LW_FTS_QUERY_MAX)
        q[n++] = ' ';
    q[n] = '\0';
    assert_int_equal(strlen(q), LW_FTS_QUERY_MAX);
    assert_string_equal(search(db, q), "1,10,17");
    q[n++] = 'x';
    q[n] = '\0';
    BUILD_ERR(q, "Truy vấn quá dài (2049 byte, tối đa 2048)", 0);

    /* the most terms a query can hold, ANDed and ORed */
    for (n = 0; n + 2 <= LW_FTS_QUERY_MAX; n += 2)
        memcpy(q + n, "b ", 2);
    q[n] = '\0';
    assert_string_equal(search(db, q), "");
    for (n = 0; n + 5 + 4 <= LW_FTS_QUERY_MAX; n += 5)
        memcpy(q + n, "b OR ", 5);
    memcpy(q + n, "bán", 5);
    assert_string_equal(search(db, q), "3");

    /* one very long word */
    memset(q, 'x', LW_FTS_QUERY_MAX);
    q[LW_FTS_QUERY_MAX] = '\0';
    assert_string_equal(search(db, q), "");
}

/* Random queries from pieces that trouble FTS5: every one builds an expression FTS5 accepts,
 * or fails with LW_ERR_QUERY. Deterministic (fixed seed). */
static void test_query_random(void **state)
{
    sqlite3 *db = *state;
    static const char *const pieces[] = {
        "(", ")", "\"", "“", "”", "*", "-", "AND", "OR", "NOT", "NEAR", "and", ":", "^", "+",
        "{", "}", "'", ";", "--", "bán", "ban", "hoà", "nghi", "59/2012/NĐ-CP", "18-NQ/TW",
        "a*", "-b", "x:y", ",", ".", "\xC2\xAD", "\xE2\x80\x8B", "\t", "Đ", "\xCC\x81", "\\",
    };
    const int np = (int)(sizeof pieces / sizeof pieces[0]);
    uint64_t seed = 0x9E3779B97F4A7C15u;
    int ok = 0, errors = 0;
    for (int iter = 0; iter < 20000; iter++) {
        char q[256];
        size_t n = 0;
        int len = 1 + (int)(seed >> 60);
        for (int i = 0; i < len; i++) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            const char *p = pieces[(seed >> 33) % (uint64_t)np];
            if (n + strlen(p) + 2 >= sizeof q)
                break;
            memcpy(q + n, p, strlen(p));
            n += strlen(p);
            if ((seed >> 20) & 1)
                q[n++] = ' ';
        }
        q[n] = '\0';
        char *expr = NULL;
        lw_error err;
        lw_status st = lw_fts_query_build(q, &expr, &err);
        if (st == LW_OK) {
            const char *r = match_raw(db, expr);
            if (!strncmp(r, "ERROR", 5))
                fail_msg("query [%s] -> [%s]: %s", q, expr, r);
            free(expr);
            ok++;
        } else {
            if (st != LW_ERR_QUERY)
                fail_msg("query [%s]: status %d", q, st);
            assert_null(expr);
            assert_true(err.msg[0] != '\0');
            errors++;
        }
        seed = seed * 6364136223846793005u + 1442695040888963407u;
    }
    assert_true(ok > 1000);
    assert_true(errors > 1000);
}

/* Random bytes: tokens are in order, inside the text, non-empty, within the cap; colocated
 * tokens share the offsets of the token before them. */
typedef struct {
    int n, last_start, last_end, len;
} check_ctx;

static int check_cb(void *ctx, int tflags, const char *tok, int ntok, int start, int end)
{
    check_ctx *c = ctx;
    assert_true(ntok > 0 && ntok <= LW_FTS_TERM_MAX);
    assert_true(start >= 0 && start < end && end <= c->len);
    if (tflags & FTS5_TOKEN_COLOCATED) {
        assert_true(c->n > 0);
        assert_int_equal(start, c->last_start);
        assert_int_equal(end, c->last_end);
    } else {
        assert_true(start >= c->last_end);
    }
    c->last_start = start;
    c->last_end = end;
    c->n++;
    return 0;
}

static void test_token_random(void **state)
{
    (void)state;
    static const char *const pieces[] = {"a", "Đ", "ệ", "\xCC\x81", "\xC2\xAD", " ", "/", "9",
                                         "\xFF", "\xE1", "\xE1\xBB", "Ủy", "\xF0\x9F\x98\x80", "ǅ",
                                         "ß", "ﬁ", "Ⅲ", "²", "\xEF\xBB\xBF"};
    const int np = (int)(sizeof pieces / sizeof pieces[0]);
    uint64_t seed = 12345;
    char buf[4096];
    for (int iter = 0; iter < 5000; iter++) {
        size_t n = 0;
        seed = seed * 6364136223846793005u + 1442695040888963407u;
        int len = (int)((seed >> 33) % 400);
        for (int i = 0; i < len; i++) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            const char *p = pieces[(seed >> 33) % (uint64_t)np];
            if (n + strlen(p) >= sizeof buf)
                break;
            memcpy(buf + n, p, strlen(p));
            n += strlen(p);
        }
        static const int modes[] = {DOC, QRY, PFX, FTS5_TOKENIZE_AUX};
        for (int m = 0; m < 4; m++) {
            check_ctx c = {.len = (int)n};
            assert_int_equal(lw_fts_tokenize(buf, (int)n, modes[m], check_cb, &c), 0);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_forms),
        cmocka_unit_test(test_token_long),
        cmocka_unit_test(test_token_stop),
        cmocka_unit_test(test_token_random),
        cmocka_unit_test(test_register),
        cmocka_unit_test_setup_teardown(test_search_diacritics, setup_db, teardown_db),
        cmocka_unit_test_setup_teardown(test_search_tone_styles, setup_db, teardown_db),
        cmocka_unit_test_setup_teardown(test_search_d_and_case, setup_db, teardown_db),
        cmocka_unit_test_setup_teardown(test_search_phrases_prefixes, setup_db, teardown_db),
        cmocka_unit_test_setup_teardown(test_search_operators, setup_db, teardown_db),
        cmocka_unit_test_setup_teardown(test_search_numbers, setup_db, teardown_db),
        cmocka_unit_test_setup_teardown(test_search_injection, setup_db, teardown_db),
        cmocka_unit_test_setup_teardown(test_highlight, setup_db, teardown_db),
        cmocka_unit_test(test_query_build),
        cmocka_unit_test(test_query_errors),
        cmocka_unit_test_setup_teardown(test_query_long, setup_db, teardown_db),
        cmocka_unit_test_setup_teardown(test_query_random, setup_db, teardown_db),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
