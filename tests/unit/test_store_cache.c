/* Tests for the store's source cache (schema 6, lw_store_cache_get/put): a source put under a
 * content hash comes back field by field (text, lines with page and line, OCR words with
 * their confidences, format, pages, engine, note); a hash not cached is no source and no
 * error; a row whose bytes do not read back is LW_ERR_DATA with the SOURCE_BAD message, and
 * a put replaces it; the row's own columns repeat what the source says, for SQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lw_msg.h"
#include "lw_store.h"
#include "lw_store_sqlite.h" /* the connection, to damage a row */

static char tmpdir[256];

static int setup(void **state)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/lw_test_cache_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) ? -1 : 0;
}

/* A scan of two pages as an OCR reader would hand it over. */
static lw_source *two_pages(void)
{
    lw_source *s = lw_source_create(LW_SOURCE_PDF_OCR);
    assert_non_null(s);
    static const char *const lines[][2] = {{"UBND TỈNH LÂM ĐỒNG", "1"}, {"Số: 125/STP-VP", "1"}, {"Kính gửi: Sở Nội vụ", "2"}};
    for (size_t i = 0; i < 3; i++) {
        size_t at = s->len;
        assert_int_equal(lw_source_add_line(s, lines[i][0], strlen(lines[i][0]), (uint32_t)atoi(lines[i][1]), 0), 0);
        assert_int_equal(lw_source_add_word(s, at, at + 4, 40 + (int)i * 20), 0);
    }
    s->pages = 2;
    snprintf(s->ocr_engine, sizeof s->ocr_engine, "tesseract 5.3.0 (vie)");
    snprintf(s->note, sizeof s->note, "lớp chữ của PDF không dùng được");
    return s;
}

static void same_source(const lw_source *a, const lw_source *b)
{
    assert_int_equal(a->format, b->format);
    assert_int_equal(a->len, b->len);
    assert_memory_equal(a->text, b->text, a->len);
    assert_int_equal(a->n_lines, b->n_lines);
    for (size_t i = 0; i < a->n_lines; i++) {
        assert_int_equal(a->lines[i].start, b->lines[i].start);
        assert_int_equal(a->lines[i].page, b->lines[i].page);
        assert_int_equal(a->lines[i].line, b->lines[i].line);
        assert_int_equal(a->lines[i].paragraph, b->lines[i].paragraph);
    }
    assert_int_equal(a->n_words, b->n_words);
    for (size_t i = 0; i < a->n_words; i++) {
        assert_int_equal(a->words[i].start, b->words[i].start);
        assert_int_equal(a->words[i].end, b->words[i].end);
        assert_int_equal(a->words[i].conf, b->words[i].conf);
    }
    assert_int_equal(a->pages, b->pages);
    assert_string_equal(a->ocr_engine, b->ocr_engine);
    assert_string_equal(a->note, b->note);
}

static const char sha[] = "a60285043cfb3b45eea752bcc2a379c5f166ab7b2a3b3261183d34054a7be6e6";
static const char other[] = "0000000000000000000000000000000000000000000000000000000000000000";

static void test_cache(void **state)
{
    char db[300];
    snprintf(db, sizeof db, "%s/cache.db", tmpdir);
    lw_store *s;
    lw_error err;
    lw_error_clear(&err);
    assert_int_equal(lw_store_open(db, LW_STORE_CREATE, &s, &err), LW_OK);
    lw_source *src = two_pages(), *got = NULL;

    /* not cached: no source, no error */
    assert_int_equal(lw_store_cache_get(s, sha, &got, &err), LW_OK);
    assert_null(got);

    /* put, then the same source back */
    assert_int_equal(lw_store_cache_put(s, sha, src, &err), LW_OK);
    assert_int_equal(lw_store_cache_get(s, sha, &got, &err), LW_OK);
    assert_non_null(got);
    same_source(src, got);
    lw_source_free(got);
    got = NULL;
    assert_int_equal(lw_store_cache_get(s, other, &got, &err), LW_OK);
    assert_null(got);

    /* the row's columns, for a reviewer's SQL */
    sqlite3 *h = lw_store_sqlite_db(s);
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(h, "SELECT format, pages, ocr_engine, note FROM source_cache WHERE sha256 = ?1", -1,
                                        &q, NULL), SQLITE_OK);
    sqlite3_bind_text(q, 1, sha, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(q, 0), "pdf-ocr");
    assert_int_equal(sqlite3_column_int(q, 1), 2);
    assert_string_equal((const char *)sqlite3_column_text(q, 2), "tesseract 5.3.0 (vie)");
    assert_string_equal((const char *)sqlite3_column_text(q, 3), "lớp chữ của PDF không dùng được");
    sqlite3_finalize(q);

    /* damaged bytes (truncated, then garbage): LW_ERR_DATA, said plainly; never a source */
    static const char *const damage[] = {"UPDATE source_cache SET source = substr(source, 1, length(source) - 3)",
                                         "UPDATE source_cache SET source = x'00ff00ff'",
                                         "UPDATE source_cache SET source = x''"};
    for (size_t i = 0; i < sizeof damage / sizeof *damage; i++) {
        assert_int_equal(sqlite3_exec(h, damage[i], NULL, NULL, NULL), SQLITE_OK);
        lw_error_clear(&err);
        assert_int_equal(lw_store_cache_get(s, sha, &got, &err), LW_ERR_DATA);
        assert_null(got);
        assert_non_null(strstr(err.msg, "damaged"));
    }
    /* a put replaces the damaged row */
    assert_int_equal(lw_store_cache_put(s, sha, src, &err), LW_OK);
    assert_int_equal(lw_store_cache_get(s, sha, &got, &err), LW_OK);
    assert_non_null(got);
    same_source(src, got);
    lw_source_free(got);

    /* a Word file's source: paragraphs, no pages, no engine */
    lw_source *w = lw_source_create(LW_SOURCE_DOCX);
    assert_int_equal(lw_source_add_line(w, "Điều 1.", 7, 0, 1), 0);
    assert_int_equal(lw_store_cache_put(s, other, w, &err), LW_OK);
    assert_int_equal(lw_store_cache_get(s, other, &got, &err), LW_OK);
    same_source(w, got);
    lw_source_free(got);
    lw_source_free(w);

    lw_source_free(src);
    lw_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cache),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
