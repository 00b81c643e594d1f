/* Tests for lw_ocr: pages drawn here from tests/data/ocr/lines.txt (cairo, DejaVu Serif at 300
 * dpi) into a PNG, a JPEG, a two-page TIFF and a two-page PDF come back word for word, with pages,
 * lines on the page and a confidence per word; a real scanned page
 * (tests/data/ocr/scan-ext-002-p1.pdf) gives the lines of scan-ext-002-p1.expect; an
 * e-signature stamp is left out and a typed number kept (stamp.pdf); one job and
 * two give the same source; progress is reported per page; a garbage or truncated image, the
 * page cap and missing Vietnamese data are errors that say so. OCR is slow: few pages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <leptonica/allheaders.h>

#include "lw_file.h"
#include "lw_msg.h"
#include "lw_ocr.h"

#include "test_dir.h"

/* ------------------------------------------------------------------------------------------
 * Test data: the drawn lines by page, and expected lines of the real scan */

#define MAX_LINES 32
typedef struct {
    char *line[MAX_LINES];
    int page[MAX_LINES]; /* 1-based */
    int n, pages;
} lines_file;

/* A file of tests/data/ocr (owned, NUL-terminated); the test fails when it is not there. */
static char *slurp(const char *name, size_t *len)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/tests/data/ocr/%s", source_dir(), name);
    char *b = (char *)test_slurp(path, len);
    if (!b)
        fail_msg("cannot open %s", path);
    return b;
}

/* Reads a lines file: '#' comments, "---" starts a page, every other line is kept. */
static void read_lines(const char *name, lines_file *lf)
{
    char *text = slurp(name, NULL);
    memset(lf, 0, sizeof *lf);
    lf->pages = 1;
    for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        if (*l == '#')
            continue;
        if (!strcmp(l, "---")) {
            lf->pages++;
            continue;
        }
        assert_true(lf->n < MAX_LINES);
        lf->line[lf->n] = strdup(l);
        lf->page[lf->n++] = lf->pages;
    }
    free(text);
}

static void free_lines(lines_file *lf)
{
    for (int i = 0; i < lf->n; i++)
        free(lf->line[i]);
}

/* ------------------------------------------------------------------------------------------
 * Drawing pages: A4 width at 300 dpi, the page's lines in 12-point serif */

#define DPI 300.0
#define PAGE_W_PT 595.0
#define PAGE_H_PT 300.0

static void draw_page(cairo_t *cr, const lines_file *lf, int page)
{
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_select_font_face(cr, "DejaVu Serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 12);
    double y = 72;
    for (int i = 0; i < lf->n; i++)
        if (lf->page[i] == page) {
            cairo_move_to(cr, 60, y);
            cairo_show_text(cr, lf->line[i]);
            y += 24;
        }
}

/* Page page of lf as an 8-bit gray PIX at 300 dpi (owned, pixDestroy). */
static PIX *page_pix(const lines_file *lf, int page)
{
    int w = (int)(PAGE_W_PT * DPI / 72), h = (int)(PAGE_H_PT * DPI / 72);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(s);
    cairo_scale(cr, DPI / 72, DPI / 72);
    draw_page(cr, lf, page);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    PIX *pix = pixCreate(w, h, 8);
    const unsigned char *data = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t c = ((const uint32_t *)(const void *)(data + (size_t)y * stride))[x];
            pixSetPixel(pix, x, y, (c >> 8) & 0xff);
        }
    pixSetResolution(pix, (int)DPI, (int)DPI);
    cairo_surface_destroy(s);
    return pix;
}

static unsigned char *png_of_page(const lines_file *lf, int page, size_t *len)
{
    PIX *pix = page_pix(lf, page);
    l_uint8 *png = NULL;
    assert_int_equal(pixWriteMemPng(&png, len, pix, 0), 0);
    pixDestroy(&pix);
    return png;
}

static unsigned char *jpeg_of_page(const lines_file *lf, int page, size_t *len)
{
    PIX *pix = page_pix(lf, page);
    l_uint8 *jpg = NULL;
    assert_int_equal(pixWriteMemJpeg(&jpg, len, pix, 85, 0), 0);
    pixDestroy(&pix);
    return jpg;
}

static unsigned char *tiff_of_pages(const lines_file *lf, size_t *len)
{
    PIXA *pixa = pixaCreate(lf->pages);
    for (int p = 1; p <= lf->pages; p++)
        pixaAddPix(pixa, page_pix(lf, p), L_INSERT);
    l_uint8 *tif = NULL;
    assert_int_equal(pixaWriteMemMultipageTiff(&tif, len, pixa), 0);
    pixaDestroy(&pixa);
    return tif;
}

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int length)
{
    return lw_buf_append(closure, data, length) ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

/* The pages of lf as a PDF with vector text (lw_ocr_pdf renders and OCRs it all the same). */
static unsigned char *pdf_of_pages(const lines_file *lf, size_t *len)
{
    lw_buf b = {0};
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(to_buf, &b, PAGE_W_PT, PAGE_H_PT);
    cairo_t *cr = cairo_create(s);
    for (int p = 1; p <= lf->pages; p++) {
        draw_page(cr, lf, p);
        cairo_show_page(cr);
    }
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_surface_destroy(s);
    return (unsigned char *)lw_buf_detach(&b, len);
}

/* ------------------------------------------------------------------------------------------
 * Checks */

static lw_read_options options(int jobs)
{
    lw_read_options o;
    memset(&o, 0, sizeof o);
    o.jobs = jobs;
    o.no_sandbox = 1;
    return o;
}

/* The source's invariants: lines in text order, each ending with '\n', pages 1..pages with
 * lines on the page counted from 1; words inside one line, in order, with a confidence. */
static void check_invariants(const lw_source *s, lw_source_format fmt, unsigned pages)
{
    assert_int_equal(s->format, fmt);
    assert_int_equal(s->pages, pages);
    assert_int_equal(strncmp(s->ocr_engine, "tesseract ", 10), 0);
    assert_non_null(strstr(s->ocr_engine, "(vie)"));
    assert_int_equal(strlen(s->text), s->len);
    for (size_t i = 0; i < s->n_lines; i++) {
        const lw_source_line *l = &s->lines[i];
        size_t end = i + 1 < s->n_lines ? s->lines[i + 1].start : s->len;
        assert_true(end > l->start);
        assert_int_equal(s->text[end - 1], '\n');
        assert_true(l->page >= 1 && l->page <= pages);
        assert_int_equal(l->paragraph, 0);
        if (i && s->lines[i - 1].page == l->page)
            assert_int_equal(l->line, s->lines[i - 1].line + 1);
        else
            assert_int_equal(l->line, 1);
        if (i)
            assert_true(l->page >= s->lines[i - 1].page);
    }
    for (size_t k = 0; k < s->n_words; k++) {
        const lw_source_word *w = &s->words[k];
        assert_true(w->start < w->end && w->end <= s->len);
        assert_null(memchr(s->text + w->start, '\n', w->end - w->start));
        assert_null(memchr(s->text + w->start, ' ', w->end - w->start));
        if (k)
            assert_true(w->start > s->words[k - 1].end);
        assert_true(w->conf <= 100);
    }
}

/* The non-blank lines of s are exactly lf's (on lf's pages), and every space-separated token
 * of them is an OCR word with a confidence above 50 (clean print reads well). */
static void check_lines(const lw_source *s, const lines_file *lf)
{
    int k = 0;
    size_t wi = 0;
    for (size_t i = 0; i < s->n_lines; i++) {
        size_t a = s->lines[i].start, b = (i + 1 < s->n_lines ? s->lines[i + 1].start : s->len) - 1;
        if (a == b)
            continue;
        if (k >= lf->n)
            fail_msg("extra line: %.*s", (int)(b - a), s->text + a);
        if (strlen(lf->line[k]) != b - a || memcmp(lf->line[k], s->text + a, b - a))
            fail_msg("line %d: got \"%.*s\", expected \"%s\"", k + 1, (int)(b - a), s->text + a, lf->line[k]);
        assert_int_equal(s->lines[i].page, lf->page[k]);
        for (size_t p = a; p < b;) {
            size_t q = p;
            while (q < b && s->text[q] != ' ')
                q++;
            assert_true(wi < s->n_words);
            assert_int_equal(s->words[wi].start, p);
            assert_int_equal(s->words[wi].end, q);
            if (s->words[wi].conf <= 50)
                fail_msg("word \"%.*s\": confidence %d", (int)(q - p), s->text + p, s->words[wi].conf);
            wi++;
            p = q + 1;
        }
        k++;
    }
    assert_int_equal(k, lf->n);
    assert_int_equal(wi, s->n_words);
}

static void assert_same_source(const lw_source *a, const lw_source *b)
{
    assert_int_equal(a->format, b->format);
    assert_int_equal(a->len, b->len);
    assert_memory_equal(a->text, b->text, a->len);
    assert_int_equal(a->n_lines, b->n_lines);
    assert_memory_equal(a->lines, b->lines, a->n_lines * sizeof *a->lines);
    assert_int_equal(a->n_words, b->n_words);
    for (size_t k = 0; k < a->n_words; k++) { /* field by field: the struct has padding */
        assert_int_equal(a->words[k].start, b->words[k].start);
        assert_int_equal(a->words[k].end, b->words[k].end);
        assert_int_equal(a->words[k].conf, b->words[k].conf);
    }
    assert_int_equal(a->pages, b->pages);
    assert_string_equal(a->ocr_engine, b->ocr_engine);
}

/* ------------------------------------------------------------------------------------------
 * Tests */

/* Page 1 of lines.txt as a PNG and as a JPEG: its lines, word for word. */
static void test_png_jpeg(void **state)
{
    (void)state;
    lines_file lf;
    read_lines("lines.txt", &lf);
    lines_file one = lf;
    one.pages = 1;
    for (one.n = 0; one.n < lf.n && lf.page[one.n] == 1;)
        one.n++;
    for (int jpeg = 0; jpeg < 2; jpeg++) {
        size_t len;
        unsigned char *img = jpeg ? jpeg_of_page(&lf, 1, &len) : png_of_page(&lf, 1, &len);
        lw_read_options o = options(1);
        lw_source *s = NULL;
        lw_error err;
        lw_status st = lw_ocr_image(img, len, &o, &s, &err);
        if (st)
            fail_msg("lw_ocr_image (%s): %s", jpeg ? "JPEG" : "PNG", err.msg);
        check_invariants(s, LW_SOURCE_IMAGE_OCR, 1);
        check_lines(s, &one);
        assert_int_equal(lw_source_min_conf(s, 0, s->len) > 50, 1);
        lw_source_free(s);
        lept_free(img);
    }
    free_lines(&lf);
}

typedef struct {
    unsigned calls, last_done, total, in_order;
} progress_log;

static void on_progress(void *ud, unsigned done, unsigned total)
{
    progress_log *p = ud;
    if (done != p->last_done + 1)
        p->in_order = 0;
    p->calls++;
    p->last_done = done;
    p->total = total;
}

/* Two pages, one job and two: the same source; progress once per page. */
static void run_two_pages(lw_reader_fn read, const unsigned char *raw, size_t len, lw_source_format fmt,
                          const lines_file *lf)
{
    lw_source *s1 = NULL, *s2 = NULL;
    lw_error err;
    lw_read_options o1 = options(1), o2 = options(2);
    progress_log p = {.in_order = 1};
    o2.progress = on_progress;
    o2.progress_ud = &p;
    if (read(raw, len, &o1, &s1, &err))
        fail_msg("one job: %s", err.msg);
    if (read(raw, len, &o2, &s2, &err))
        fail_msg("two jobs: %s", err.msg);
    check_invariants(s1, fmt, 2);
    check_lines(s1, lf);
    assert_same_source(s1, s2);
    assert_int_equal(p.calls, 2);
    assert_int_equal(p.last_done, 2);
    assert_int_equal(p.total, 2);
    assert_int_equal(p.in_order, 1);
    lw_source_free(s1);
    lw_source_free(s2);
}

static void test_tiff_two_pages(void **state)
{
    (void)state;
    lines_file lf;
    read_lines("lines.txt", &lf);
    assert_int_equal(lf.pages, 2);
    size_t len;
    unsigned char *tif = tiff_of_pages(&lf, &len);
    run_two_pages(lw_ocr_image, tif, len, LW_SOURCE_IMAGE_OCR, &lf);

    /* the page cap: an error naming it, before any page is read */
    lw_read_options o = options(1);
    o.max_pages = 1;
    lw_source *s = (lw_source *)1;
    lw_error err;
    assert_int_equal(lw_ocr_image(tif, len, &o, &s, &err), LW_ERR_LIMIT);
    assert_null(s);
    char want[512];
    lw_msg_format(want, sizeof want, LW_MSG_OCR_TOO_MANY_PAGES, 1);
    assert_string_equal(err.msg, want);

    /* cut in the middle of page 2's data: an error on page 2, no source */
    size_t cut = len * 3 / 4;
    lw_status st = lw_ocr_image(tif, cut, &o, &s, &err);
    assert_int_not_equal(st, LW_OK);
    assert_null(s);
    lept_free(tif);
    free_lines(&lf);
}

static void test_pdf_two_pages(void **state)
{
    (void)state;
    lines_file lf;
    read_lines("lines.txt", &lf);
    size_t len;
    unsigned char *pdf = pdf_of_pages(&lf, &len);
    run_two_pages(lw_ocr_pdf, pdf, len, LW_SOURCE_PDF_OCR, &lf);
    lw_read_options o = options(2);
    o.max_pages = 1;
    lw_source *s = NULL;
    lw_error err;
    assert_int_equal(lw_ocr_pdf(pdf, len, &o, &s, &err), LW_ERR_LIMIT);
    assert_null(s);
    assert_non_null(strstr(err.msg, "1"));
    free(pdf);
    free_lines(&lf);
}

/* A real scanned page: the lines of the .expect file, whole and in order, on page 1. */
static void test_real_scan(void **state)
{
    (void)state;
    size_t len;
    unsigned char *pdf = (unsigned char *)slurp("scan-ext-002-p1.pdf", &len);
    lines_file want;
    read_lines("scan-ext-002-p1.expect", &want);
    lw_read_options o = options(1);
    lw_source *s = NULL;
    lw_error err;
    if (lw_ocr_pdf(pdf, len, &o, &s, &err))
        fail_msg("lw_ocr_pdf: %s", err.msg);
    check_invariants(s, LW_SOURCE_PDF_OCR, 1);
    assert_true(s->n_words > 300);
    int k = 0;
    for (size_t i = 0; i < s->n_lines && k < want.n; i++) {
        size_t a = s->lines[i].start, b = (i + 1 < s->n_lines ? s->lines[i + 1].start : s->len) - 1;
        if (strlen(want.line[k]) == b - a && !memcmp(want.line[k], s->text + a, b - a))
            k++;
    }
    if (k < want.n)
        fail_msg("expected line not found (in order): %s", want.line[k]);
    /* the digits of a scan are where OCR doubts: some word is below 90 */
    assert_true(lw_source_min_conf(s, 0, s->len) < 90);
    lw_source_free(s);
    free(pdf);
    free_lines(&want);
}

/* The e-signature stamp (a signature field's widget) is left out of the page image; a text
 * field's widget (the letter's number typed in) is kept: tests/data/ocr/stamp.expect. */
static void test_signature_stamp(void **state)
{
    (void)state;
    size_t len;
    unsigned char *pdf = (unsigned char *)slurp("stamp.pdf", &len);
    char *expect = slurp("stamp.expect", NULL);
    lw_read_options o = options(1);
    lw_source *s = NULL;
    lw_error err;
    if (lw_ocr_pdf(pdf, len, &o, &s, &err))
        fail_msg("lw_ocr_pdf: %s", err.msg);
    check_invariants(s, LW_SOURCE_PDF_OCR, 1);
    int checks = 0;
    for (char *save = NULL, *l = strtok_r(expect, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        if (l[0] == '+' && l[1] == ' ') {
            size_t n = strlen(l + 2);
            int found = 0;
            for (size_t i = 0; i < s->n_lines && !found; i++) {
                size_t a = s->lines[i].start, b = (i + 1 < s->n_lines ? s->lines[i + 1].start : s->len) - 1;
                found = b - a == n && !memcmp(s->text + a, l + 2, n);
            }
            if (!found)
                fail_msg("line not found: %s\n--- text:\n%s", l + 2, s->text);
            checks++;
        } else if (l[0] == '-' && l[1] == ' ') {
            if (strstr(s->text, l + 2))
                fail_msg("should be left out: %s\n--- text:\n%s", l + 2, s->text);
            checks++;
        }
    }
    assert_int_equal(checks, 4);
    lw_source_free(s);
    free(expect);
    free(pdf);
}

static void test_garbage(void **state)
{
    (void)state;
    static const unsigned char junk[] = "\x89PNG\r\n\x1a\nthis is not an image at all";
    lw_read_options o = options(1);
    lw_source *s = (lw_source *)1;
    lw_error err;
    char want[512];
    lw_msg_format(want, sizeof want, LW_MSG_OCR_IMAGE_BAD);
    assert_int_equal(lw_ocr_image(junk, sizeof junk - 1, &o, &s, &err), LW_ERR_DATA);
    assert_null(s);
    assert_string_equal(err.msg, want);
    static const unsigned char tiff_loop[] = "II*\0\x08\0\0\0\0\0\x08\0\0\0";
    assert_int_equal(lw_ocr_image(tiff_loop, sizeof tiff_loop - 1, &o, &s, &err), LW_ERR_DATA);
    assert_null(s);
    static const unsigned char not_pdf[] = "%PDF-1.4\nnothing else";
    assert_int_equal(lw_ocr_pdf(not_pdf, sizeof not_pdf - 1, &o, &s, &err), LW_ERR_DATA);
    assert_null(s);

    /* a PNG whose header claims 100000 x 100000 pixels in a few bytes: refused before decoding */
    static const unsigned char huge[] = "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\x01\x86\xa0\0\x01\x86\xa0\x08\0\0\0\0"
                                        "\0\0\0\0\0\0\0\0IDAT";
    assert_int_equal(lw_ocr_image(huge, sizeof huge - 1, &o, &s, &err), LW_ERR_TOO_LARGE);
    assert_null(s);
    lw_msg_format(want, sizeof want, LW_MSG_OCR_IMAGE_TOO_BIG, 1u, 100000, 100000);
    assert_string_equal(err.msg, want);

    /* a PNG cut short: header fine, data gone */
    lines_file lf;
    read_lines("lines.txt", &lf);
    size_t len;
    unsigned char *png = png_of_page(&lf, 1, &len);
    assert_int_not_equal(lw_ocr_image(png, 200, &o, &s, &err), LW_OK);
    assert_null(s);
    lept_free(png);
    free_lines(&lf);
}

/* Run last: tesseract finds no data where TESSDATA_PREFIX points. */
static void test_no_vie(void **state)
{
    (void)state;
    lines_file lf;
    read_lines("lines.txt", &lf);
    size_t len;
    unsigned char *png = png_of_page(&lf, 1, &len);
    setenv("TESSDATA_PREFIX", "/nonexistent/tessdata", 1);
    lw_read_options o = options(2);
    lw_source *s = (lw_source *)1;
    lw_error err;
    assert_int_equal(lw_ocr_image(png, len, &o, &s, &err), LW_ERR_IO);
    unsetenv("TESSDATA_PREFIX");
    assert_null(s);
    assert_non_null(strstr(err.msg, "tesseract-ocr-vie"));
    lept_free(png);
    free_lines(&lf);
}

/* The toy font of draw_page stays in cairo's cache, and with it fontconfig's configuration
 * (as in test_pdf.c): LeakSanitizer reads this; a program without it never calls it. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\n";
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_garbage),       cmocka_unit_test(test_png_jpeg), cmocka_unit_test(test_tiff_two_pages),
        cmocka_unit_test(test_pdf_two_pages), cmocka_unit_test(test_real_scan), cmocka_unit_test(test_signature_stamp),
        cmocka_unit_test(test_no_vie),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
