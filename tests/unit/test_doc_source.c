/* test_doc_source: a document made from a reader's source (lw_doc_from_source): spans of the
 * normalized text map back into src->text, positions give page and line on the page (PDF,
 * image), paragraph (Word/ODT) and the lowest OCR confidence; the extract record carries them
 * (page, paragraph, ocr_conf; source_format, pages, ocr_engine, note) and plain text keeps
 * its keys. The sources are made here, line by line, as a reader makes them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lw_doc.h"
#include "lw_fact.h"
#include "test_support.h"

/* A line of a hand-made source: its page (PDF/image) or paragraph (Word), its text, and for
 * OCR the confidence of each word in order (0 ends the list: every word's is given). */
typedef struct {
    unsigned page, paragraph;
    const char *text;
    int conf[16];
} src_line;

/* Two scanned pages: the header on page 1, a citation on its line 4 with one poorly read word
 * (41), a second citation and a deadline on page 2. */
static const src_line scan[] = {
    {1, 0, "ỦY BAN NHÂN DÂN", {95, 96, 97, 98}},
    {1, 0, "TỈNH SÓC TRĂNG", {93, 94, 95}},
    {1, 0, "Số: 48/KH-UBND", {90, 92}},
    {1, 0, "Căn cứ Nghị định số 59/2012/NĐ-CP ngày 24/7/2012 của Chính phủ;",
     {91, 91, 88, 88, 90, 41, 85, 86, 90, 92, 93}},
    {2, 0, "Thực hiện Thông tư số 04/2021/TT-BTP của Bộ Tư pháp,", {90, 90, 77, 80, 96, 93, 97, 95, 96, 94}},
    {2, 0, "các đơn vị hoàn thành trước ngày 15/8/2025.", {90, 90, 90, 60, 90, 90, 90, 90}},
};

/* A Word file: paragraph 3 holds two lines (a soft line break). */
static const src_line word[] = {
    {0, 1, "ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG", {0}},
    {0, 2, "Số: 48/KH-UBND", {0}},
    {0, 3, "Căn cứ Luật Ban hành văn bản quy phạm pháp luật;", {0}},
    {0, 3, "Căn cứ Nghị định số 34/2016/NĐ-CP ngày 14/5/2016 của Chính phủ;", {0}},
    {0, 4, "Thực hiện Kế hoạch số 12/KH-BTP,", {0}},
};

/* The source of lines (words with their confidences when ocr). Owned. */
static lw_source *make_source(lw_source_format fmt, const src_line *lines, size_t n, int ocr)
{
    lw_source *s = lw_source_create(fmt);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++) {
        size_t at = s->len;
        assert_int_equal(lw_source_add_line(s, lines[i].text, strlen(lines[i].text), lines[i].page,
                                            lines[i].paragraph), 0);
        if (!ocr)
            continue;
        const char *t = s->text + at;
        size_t k = 0, w = 0, end = s->len - 1;
        while (k < end - at) {
            while (k < end - at && t[k] == ' ')
                k++;
            size_t b = k;
            while (k < end - at && t[k] != ' ')
                k++;
            if (k > b) {
                assert_true(lines[i].conf[w] > 0); /* a word per confidence in the table */
                assert_int_equal(lw_source_add_word(s, at + b, at + k, lines[i].conf[w]), 0);
                w++;
            }
        }
    }
    if (ocr)
        snprintf(s->ocr_engine, sizeof s->ocr_engine, "tesseract 5.3.0 (vie)");
    return s;
}

/* The normalized span of needle (its first occurrence) in d. */
static void find(const lw_doc *d, const char *needle, size_t *start, size_t *end)
{
    size_t len;
    const char *t = lw_doc_text(d, &len);
    const char *p = strstr(t, needle);
    if (!p)
        fail_msg("'%s' not in the normalized text:\n%s", needle, t);
    *start = (size_t)(p - t);
    *end = *start + strlen(needle);
}

/* Where a span must be: needle -> page, line, paragraph, ocr_conf. */
typedef struct {
    const char *needle;
    int page, line, paragraph, conf;
} want_pos;

static void check_positions(const lw_doc *d, const want_pos *w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t s, e;
        find(d, w[i].needle, &s, &e);
        lw_doc_pos pos;
        lw_doc_position(d, s, e, &pos);
        if (pos.page != w[i].page || pos.line != w[i].line || pos.paragraph != w[i].paragraph ||
            pos.ocr_conf != w[i].conf)
            fail_msg("%s: page %d line %d paragraph %d conf %d, want %d %d %d %d", w[i].needle, pos.page, pos.line,
                     pos.paragraph, pos.ocr_conf, w[i].page, w[i].line, w[i].paragraph, w[i].conf);
        assert_int_equal(lw_doc_line(d, s), w[i].line);
        /* the span maps into the stored text, onto the same characters */
        size_t os, oe, n2;
        lw_doc_orig_span(d, s, e, &os, &oe);
        const unsigned char *stored = lw_doc_stored(d, &n2);
        assert_true(oe <= n2);
        assert_int_equal(oe - os, strlen(w[i].needle));
        assert_memory_equal(stored + os, w[i].needle, oe - os);
    }
}

static const unsigned char fake_pdf[] = "%PDF-1.7 the original file's bytes";

static void test_scan_positions(void **state)
{
    (void)state;
    lw_source *src = make_source(LW_SOURCE_PDF_OCR, scan, sizeof scan / sizeof *scan, 1);
    lw_doc *d;
    lw_error err;
    assert_int_equal(lw_doc_from_source("scan.pdf", fake_pdf, sizeof fake_pdf - 1, src, NULL, &d, &err), LW_OK);
    /* the original is the file, hashed as such */
    assert_int_equal(d->raw_len, sizeof fake_pdf - 1);
    assert_memory_equal(d->raw, fake_pdf, d->raw_len);
    char sha[65];
    lw_sha256_hex(fake_pdf, sizeof fake_pdf - 1, sha);
    assert_string_equal(d->sha256, sha);
    static const want_pos w[] = {
        {"SÓC TRĂNG", 1, 2, 0, 94},
        {"48/KH-UBND", 1, 3, 0, 92},
        {"59/2012/NĐ-CP", 1, 4, 0, 41},
        {"Căn cứ", 1, 4, 0, 91},
        {"ngày 24/7/2012", 1, 4, 0, 85},
        {"Thông tư số", 2, 1, 0, 77},
        {"04/2021/TT-BTP", 2, 1, 0, 93},
        {"hoàn thành trước", 2, 2, 0, 60},
        {"15/8/2025", 2, 2, 0, 90},
    };
    check_positions(d, w, sizeof w / sizeof *w);
    lw_doc_free(d);
}

static void test_word_positions(void **state)
{
    (void)state;
    lw_source *src = make_source(LW_SOURCE_DOCX, word, sizeof word / sizeof *word, 0);
    lw_doc *d;
    lw_error err;
    assert_int_equal(lw_doc_from_source("a.docx", (const unsigned char *)"PK\3\4", 4, src, NULL, &d, &err), LW_OK);
    /* Word: no page, the line in the stored text, the paragraph, no confidence */
    static const want_pos w[] = {
        {"48/KH-UBND", 0, 2, 2, -1},
        {"Luật Ban hành", 0, 3, 3, -1},
        {"34/2016/NĐ-CP", 0, 4, 3, -1},
        {"12/KH-BTP", 0, 5, 4, -1},
    };
    check_positions(d, w, sizeof w / sizeof *w);
    lw_doc_free(d);
}

static void test_plain_text_positions(void **state)
{
    (void)state;
    const char *t = "ỦY BAN NHÂN DÂN\nSố: 48/KH-UBND\n\nCăn cứ Nghị định số 59/2012/NĐ-CP;\n";
    lw_doc *d;
    lw_error err;
    assert_int_equal(lw_doc_from_bytes("a.txt", (const unsigned char *)t, strlen(t), NULL, &d, &err), LW_OK);
    assert_null(d->src);
    static const want_pos w[] = {{"48/KH-UBND", 0, 2, 0, -1}, {"59/2012/NĐ-CP", 0, 4, 0, -1}};
    check_positions(d, w, sizeof w / sizeof *w);
    lw_doc_free(d);
}

/* The facts' JSON: the record of an extraction of d, as extract prints it. Owned. */
static json_t *record(const lw_doc *d)
{
    lw_matcher *m = lw_matcher_create(lw_engine_rules(engine));
    assert_non_null(m);
    size_t len;
    const char *t = lw_doc_text(d, &len);
    lw_extraction *x = NULL;
    lw_error err;
    assert_int_equal(lw_extract(lw_engine_rules(engine), lw_engine_lexicon(engine), m, t, len, NULL, &x, &err), LW_OK);
    json_t *rec = lw_extraction_record(x, d);
    assert_non_null(rec);
    lw_extraction_free(x);
    lw_matcher_free(m);
    return rec;
}

/* The legal_ref fact of id in rec (borrowed), or a failure. */
static json_t *ref_fact(json_t *rec, const char *id)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(rec, "facts"), i, f) {
        const char *fid = json_string_value(json_object_get(f, "id"));
        if (fid && !strcmp(fid, id))
            return f;
    }
    fail_msg("no legal_ref %s", id);
    return NULL;
}

static void test_scan_record(void **state)
{
    (void)state;
    lw_source *src = make_source(LW_SOURCE_PDF_OCR, scan, sizeof scan / sizeof *scan, 1);
    snprintf(src->note, sizeof src->note, "lớp chữ của PDF không dùng được (mất dấu)");
    lw_doc *d;
    lw_error err;
    assert_int_equal(lw_doc_from_source("scan.pdf", fake_pdf, sizeof fake_pdf - 1, src, NULL, &d, &err), LW_OK);
    json_t *rec = record(d);
    assert_string_equal(json_string_value(json_object_get(rec, "source_format")), "pdf-ocr");
    assert_int_equal(json_integer_value(json_object_get(rec, "pages")), 2);
    assert_string_equal(json_string_value(json_object_get(rec, "ocr_engine")), "tesseract 5.3.0 (vie)");
    assert_string_equal(json_string_value(json_object_get(rec, "note")), "lớp chữ của PDF không dùng được (mất dấu)");
    static const struct {
        const char *id;
        int page, line;
    } want[] = {{"59/2012/NĐ-CP", 1, 4}, {"04/2021/TT-BTP", 2, 1}};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        json_t *f = ref_fact(rec, want[i].id);
        assert_int_equal(json_integer_value(json_object_get(f, "page")), want[i].page);
        assert_int_equal(json_integer_value(json_object_get(f, "line")), want[i].line);
        assert_null(json_object_get(f, "paragraph"));
        /* the span is in src->text and holds the fact's text; ocr_conf is the lowest word's
         * confidence over it */
        json_t *span = json_object_get(f, "span");
        size_t s = (size_t)json_integer_value(json_array_get(span, 0));
        size_t e = (size_t)json_integer_value(json_array_get(span, 1));
        const char *text = json_string_value(json_object_get(f, "text"));
        assert_true(e <= d->src->len);
        assert_int_equal(e - s, strlen(text));
        assert_memory_equal(d->src->text + s, text, e - s);
        assert_int_equal(json_integer_value(json_object_get(f, "ocr_conf")), lw_source_min_conf(d->src, s, e));
    }
    /* the citation with the poorly read number is marked */
    assert_int_equal(json_integer_value(json_object_get(ref_fact(rec, "59/2012/NĐ-CP"), "ocr_conf")), 41);
    json_decref(rec);
    lw_doc_free(d);
}

static void test_word_record(void **state)
{
    (void)state;
    lw_source *src = make_source(LW_SOURCE_DOCX, word, sizeof word / sizeof *word, 0);
    lw_doc *d;
    lw_error err;
    assert_int_equal(lw_doc_from_source("a.docx", (const unsigned char *)"PK\3\4", 4, src, NULL, &d, &err), LW_OK);
    json_t *rec = record(d);
    assert_string_equal(json_string_value(json_object_get(rec, "source_format")), "docx");
    assert_true(json_is_null(json_object_get(rec, "pages")));
    assert_true(json_is_null(json_object_get(rec, "ocr_engine")));
    assert_true(json_is_null(json_object_get(rec, "note")));
    json_t *f = ref_fact(rec, "34/2016/NĐ-CP");
    assert_int_equal(json_integer_value(json_object_get(f, "paragraph")), 3);
    assert_int_equal(json_integer_value(json_object_get(f, "line")), 4);
    assert_null(json_object_get(f, "page"));
    assert_null(json_object_get(f, "ocr_conf"));
    json_decref(rec);
    lw_doc_free(d);
}

/* Plain text: source_format "text" (DESIGN.md "Positions"), none of the other source keys,
 * no page, paragraph or ocr_conf on its facts. */
static void test_text_record_keys(void **state)
{
    (void)state;
    const char *t = "Căn cứ Nghị định số 59/2012/NĐ-CP ngày 24/7/2012 của Chính phủ;\n";
    lw_doc *d;
    lw_error err;
    assert_int_equal(lw_doc_from_bytes("a.txt", (const unsigned char *)t, strlen(t), NULL, &d, &err), LW_OK);
    json_t *rec = record(d);
    assert_string_equal(json_string_value(json_object_get(rec, "source_format")), "text");
    static const char *const absent[] = {"pages", "ocr_engine", "note"};
    for (size_t i = 0; i < sizeof absent / sizeof *absent; i++)
        assert_null(json_object_get(rec, absent[i]));
    const char *keys[8];
    size_t nk = 0;
    const char *k;
    json_t *v;
    json_object_foreach(ref_fact(rec, "59/2012/NĐ-CP"), k, v) {
        if (nk < 5)
            keys[nk] = k;
        nk++;
    }
    assert_true(nk >= 5);
    static const char *const first[] = {"kind", "text", "span", "line", "rule"};
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(keys[i], first[i]);
    json_decref(rec);
    lw_doc_free(d);
}

/* A reader's text past the document cap: refused, naming the file; the source taken anyway
 * (ASan's leak check sees it freed). */
static void test_source_too_large(void **state)
{
    (void)state;
    lw_source *src = lw_source_create(LW_SOURCE_PDF_TEXT);
    assert_non_null(src);
    size_t n = 1024 * 1024;
    char *line = malloc(n);
    assert_non_null(line);
    memset(line, 'a', n);
    for (int i = 0; i < LW_DOC_MAX_BYTES / (1024 * 1024) + 1; i++)
        assert_int_equal(lw_source_add_line(src, line, n, (uint32_t)i + 1, 0), 0);
    free(line);
    lw_doc *d = (lw_doc *)1;
    lw_error err;
    assert_int_equal(lw_doc_from_source("big.pdf", fake_pdf, sizeof fake_pdf - 1, src, NULL, &d, &err),
                     LW_ERR_TOO_LARGE);
    assert_null(d);
    assert_string_equal(err.file, "big.pdf");
    assert_non_null(strstr(err.msg, "văn bản đọc được từ tệp quá dài"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan_positions),  cmocka_unit_test(test_word_positions),
        cmocka_unit_test(test_plain_text_positions), cmocka_unit_test(test_scan_record),
        cmocka_unit_test(test_word_record),     cmocka_unit_test(test_text_record_keys),
        cmocka_unit_test(test_source_too_large),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
