/* Tests for lw_pdf: the text-layer reader and the judgement whether a layer is usable.
 * Data-driven over tests/data/pdf/: usable.tsv (the twenty real PDFs of corpus-files: usable
 * or not, the kind of reason, the page count), judged on their stored text layers (layers/)
 * and read from the files themselves (tests/data/real-files/, the originals issue 18 keeps); lines.tsv (whole lines on a page: numbers typed into signature widgets, the
 * stamp, table cells apart). Synthetic PDFs made here with cairo: a short letter (usable), a
 * page without text, a stamp alone, a layer without diacritics, the page cap and progress.
 * Damaged input (truncated, garbage after %PDF-, not a PDF, encrypted) gives a clear error and
 * nothing on stderr or stdout. Every read runs in process (the sandbox is lw_read_source's). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <cmocka.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lw_pdf.h"

#include "test_dir.h"


/* A real PDF by name (ext-018) from tests/data/real-files/; fails the test when missing. */
static unsigned char *real_pdf(const char *name, size_t *len)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/tests/data/real-files/%s.pdf", source_dir(), name);
    unsigned char *b = test_slurp(path, len);
    if (!b)
        fail_msg("cannot read %s", path);
    return b;
}

static void options(lw_read_options *o)
{
    memset(o, 0, sizeof *o);
    o->no_sandbox = 1;
}

static lw_source *read_ok(const unsigned char *raw, size_t len, const lw_read_options *o)
{
    lw_source *s = NULL;
    lw_error err;
    memset(&err, 0, sizeof err);
    lw_status st = lw_pdf_read(raw, len, o, &s, &err);
    if (st != LW_OK)
        fail_msg("lw_pdf_read: %s", err.msg);
    assert_non_null(s);
    assert_int_equal(s->format, LW_SOURCE_PDF_TEXT);
    return s;
}

/* The words a reason of each kind holds. */
static const char *kind_words(const char *kind)
{
    if (!strcmp(kind, "stamp"))
        return "chữ ký số";
    if (!strcmp(kind, "scan"))
        return "không có lớp chữ";
    if (!strcmp(kind, "marks"))
        return "mất dấu";
    if (!strcmp(kind, "font"))
        return "phông chữ";
    fail_msg("unknown reason kind %s", kind);
    return NULL;
}

static void check_judgement(const char *what, const lw_source *s, int usable, const char *kind)
{
    char why[LW_SOURCE_NOTE_MAX];
    int got = lw_pdf_layer_usable(s, why, sizeof why);
    if (got != usable)
        fail_msg("%s: usable %d, expected %d (%s)", what, got, usable, why);
    if (usable) {
        assert_string_equal(why, "");
    } else if (!strstr(why, kind_words(kind))) {
        fail_msg("%s: reason \"%s\", expected one of kind %s (\"%s\")", what, why, kind, kind_words(kind));
    }
}

/* A stored layer (pages ended by form feeds) as a source. */
static lw_source *layer_source(const char *text)
{
    lw_source *s = lw_source_create(LW_SOURCE_PDF_TEXT);
    assert_non_null(s);
    uint32_t page = 1;
    const char *p = text;
    while (*p) {
        const char *ff = strchr(p, '\f');
        const char *pend = ff ? ff : p + strlen(p);
        const char *q = p;
        while (q < pend) {
            const char *nl = memchr(q, '\n', (size_t)(pend - q));
            const char *e = nl ? nl : pend;
            assert_int_equal(lw_source_add_line(s, q, (size_t)(e - q), page, 0), 0);
            q = nl ? nl + 1 : pend;
        }
        s->pages = page;
        if (!ff)
            break;
        page++;
        p = ff + 1;
    }
    return s;
}

/* Calls fn for each data row of a tests/data/pdf TSV file (fields split at tabs, in place). */
static int each_row(const char *file, void (*fn)(char **f, int nf, void *ud), void *ud)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/tests/data/pdf/%s", source_dir(), file);
    size_t len;
    char *t = (char *)test_slurp(path, &len);
    if (!t)
        fail_msg("cannot read %s", path);
    int rows = 0;
    for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#' || !line[0])
            continue;
        char *f[8];
        int nf = 0;
        for (char *p = line; nf < 8;) {
            f[nf++] = p;
            char *tab = strchr(p, '\t');
            if (!tab)
                break;
            *tab = 0;
            p = tab + 1;
        }
        fn(f, nf, ud);
        rows++;
    }
    free(t);
    return rows;
}

/* ---- the twenty real PDFs --------------------------------------------------------------- */

static void layer_row(char **f, int nf, void *ud)
{
    assert_int_equal(nf, 4);
    char path[1200];
    snprintf(path, sizeof path, "%s/tests/data/pdf/layers/%s.txt", source_dir(), f[0]);
    size_t len;
    char *t = (char *)test_slurp(path, &len);
    if (!t)
        fail_msg("cannot read %s", path);
    lw_source *s = layer_source(t);
    check_judgement(f[0], s, atoi(f[1]), f[2]);
    lw_source_free(s);
    free(t);
    (*(int *)ud)++;
}

static void test_layers_judged(void **state)
{
    (void)state;
    int n = 0;
    each_row("usable.tsv", layer_row, &n);
    assert_int_equal(n, 20);
}

static void real_row(char **f, int nf, void *ud)
{
    assert_int_equal(nf, 4);
    size_t len;
    unsigned char *raw = real_pdf(f[0], &len);
    lw_read_options o;
    options(&o);
    lw_source *s = read_ok(raw, len, &o);
    if (s->pages != (uint32_t)atoi(f[3]))
        fail_msg("%s: %u pages, expected %s", f[0], s->pages, f[3]);
    for (size_t i = 0; i < s->n_lines; i++)
        assert_true(s->lines[i].page >= 1 && s->lines[i].page <= s->pages);
    assert_null(memchr(s->text, '\f', s->len));
    check_judgement(f[0], s, atoi(f[1]), f[2]);
    lw_source_free(s);
    free(raw);
    (*(int *)ud)++;
}

static void test_real_pdfs_judged(void **state)
{
    (void)state;
    int n = 0;
    each_row("usable.tsv", real_row, &n);
    assert_int_equal(n, 20);
}

/* Whether line (trailing blanks aside) is a whole line of page in s. */
static int has_line(const lw_source *s, uint32_t page, const char *line)
{
    size_t ll = strlen(line);
    for (size_t i = 0; i < s->n_lines; i++) {
        if (s->lines[i].page != page)
            continue;
        const char *p = s->text + s->lines[i].start;
        size_t n = (i + 1 < s->n_lines ? s->lines[i + 1].start : s->len) - s->lines[i].start - 1;
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        if (n == ll && !memcmp(p, line, n))
            return 1;
    }
    return 0;
}

static void line_row(char **f, int nf, void *ud)
{
    assert_int_equal(nf, 3);
    size_t len;
    unsigned char *raw = real_pdf(f[0], &len);
    lw_read_options o;
    options(&o);
    lw_source *s = read_ok(raw, len, &o);
    if (!has_line(s, (uint32_t)atoi(f[1]), f[2]))
        fail_msg("%s: no line \"%s\" on page %s", f[0], f[2], f[1]);
    lw_source_free(s);
    free(raw);
    (*(int *)ud)++;
}

static void test_real_lines(void **state)
{
    (void)state;
    int n = 0;
    each_row("lines.tsv", line_row, &n);
    assert_int_equal(n, 15);
}

/* ---- synthetic PDFs --------------------------------------------------------------------- */

static cairo_status_t to_buf(void *ud, const unsigned char *data, unsigned int n)
{
    lw_buf *b = ud;
    return lw_buf_append(b, data, n) ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

/* A PDF of npages A4 pages, page i holding the lines pages[i] (NULL-terminated; a NULL page:
 * a grey box and no text, as a scan). Owned by b (lw_buf_free). */
static void make_pdf(lw_buf *b, const char *const *const *pages, int npages)
{
    memset(b, 0, sizeof *b);
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(to_buf, b, 595, 842);
    cairo_t *cr = cairo_create(s);
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 12);
    for (int p = 0; p < npages; p++) {
        if (!pages[p]) {
            cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
            cairo_rectangle(cr, 50, 50, 495, 742);
            cairo_fill(cr);
        } else {
            cairo_set_source_rgb(cr, 0, 0, 0);
            for (int i = 0; pages[p][i]; i++) {
                cairo_move_to(cr, 60, 80 + 18 * i);
                cairo_show_text(cr, pages[p][i]);
            }
        }
        cairo_show_page(cr);
    }
    cairo_destroy(cr);
    cairo_surface_finish(s);
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
}

static const char *const letter[] = {
    "UBND TỈNH LÂM ĐỒNG",
    "SỞ TƯ PHÁP",
    "Số: 12/STP-VP",
    "Kính gửi: Sở Nội vụ.",
    "Sở Tư pháp thống nhất với nội dung dự thảo Kế hoạch.",
    "Đề nghị gửi báo cáo trước ngày 20/01/2026.",
    NULL,
};

static void test_short_letter_usable(void **state)
{
    (void)state;
    const char *const *pages[] = {letter};
    lw_buf b;
    make_pdf(&b, pages, 1);
    lw_read_options o;
    options(&o);
    lw_source *s = read_ok((unsigned char *)b.data, b.len, &o);
    assert_int_equal(s->pages, 1);
    for (int i = 0; letter[i]; i++)
        if (!has_line(s, 1, letter[i]))
            fail_msg("no line \"%s\"", letter[i]);
    assert_int_equal(s->lines[0].line, 1);
    assert_string_equal(s->note, "");
    check_judgement("letter", s, 1, "-");
    lw_source_free(s);
    lw_buf_free(&b);
}

/* A line of the letter decomposed (NFD: letters and combining marks), as some producers
 * write it: read back composed, and still judged as Vietnamese with its marks. */
static void test_decomposed_letter(void **state)
{
    (void)state;
    static const char *const nfd[] = {
        "So\xcc\x9b\xcc\x89 Tu\xcc\x9b pha\xcc\x81p tho\xcc\x82\xcc\x81ng nha\xcc\x82\xcc\x81t vo\xcc\x9b\xcc\x81i no\xcc\xa3\xcc\x82i dung du\xcc\x9b\xcc\xa3 tha\xcc\x89o Ke\xcc\x82\xcc\x81 hoa\xcc\xa3" "ch.",
        NULL,
    };
    const char *const *pages[] = {nfd};
    lw_buf b;
    make_pdf(&b, pages, 1);
    lw_read_options o;
    options(&o);
    lw_source *s = read_ok((unsigned char *)b.data, b.len, &o);
    if (!has_line(s, 1, "Sở Tư pháp thống nhất với nội dung dự thảo Kế hoạch."))
        fail_msg("read \"%s\"", s->text);
    lw_pdf_layer_stats st;
    lw_pdf_layer_measure(s, &st);
    assert_int_equal(st.vn_words, 12);
    assert_int_equal(st.vn_marked, 11); /* all but "dung" */
    lw_source_free(s);
    /* and a source handed over decomposed is measured the same */
    s = layer_source(nfd[0]);
    lw_pdf_layer_measure(s, &st);
    assert_int_equal(st.vn_words, 12);
    assert_int_equal(st.vn_marked, 11);
    lw_source_free(s);
    lw_buf_free(&b);
}

/* A page of figures alone (a budget table) holds text: with a letter on page 1 and such a
 * page on page 2, both pages count and the layer is usable. */
static void test_figures_page(void **state)
{
    (void)state;
    static const char *const figures[] = {
        "1   12.345.678   2.345.678   98,5", "2   23.456.789   3.456.789   97,1", "3   34.567.890   4.567.890   96,0",
        "4   45.678.901   5.678.901   95,2", "5   56.789.012   6.789.012   94,4", "6   67.890.123   7.890.123   93,9",
        NULL,
    };
    const char *const *pages[] = {figures, figures, letter};
    lw_buf b;
    make_pdf(&b, pages, 3);
    lw_read_options o;
    options(&o);
    lw_source *s = read_ok((unsigned char *)b.data, b.len, &o);
    lw_pdf_layer_stats st;
    lw_pdf_layer_measure(s, &st);
    assert_int_equal(st.pages, 3);
    assert_int_equal(st.text_pages, 3);
    check_judgement("figures", s, 1, "-");
    lw_source_free(s);
    lw_buf_free(&b);
}

static const char *const stamp[] = {
    "Ký bởi: ỦY BAN NHÂN DÂN",
    "TỈNH LÂM ĐỒNG",
    "Cơ quan: ỦY BAN NHÂN DÂN",
    "TỈNH LÂM ĐỒNG",
    "Thời gian ký: 13/11/2025",
    "15:53:50",
    NULL,
};

static const char *const stripped[] = {
    "CONG HOA XA HOI CHU NGHIA VIET NAM",
    "Doc lap - Tu do - Hanh phuc",
    "Can cu Luat To chuc chinh quyen dia phuong ngay 16 thang 6 nam 2025;",
    "Theo de nghi cua Giam doc So Tu phap tai To trinh so 62/TTr-STP,",
    "QUYET DINH: Dieu 1. Cho phep hop nhat Hoi Cong chung vien tinh",
    "Lam Dong, Binh Thuan, Dak Nong thanh Hoi Cong chung vien tinh.",
    NULL,
};

/* stripped[] with every letter moved three places on ("Cong" -> "Frqj"): what a font whose
 * glyphs map to other letters gives */
static const char *const shifted[] = {
    "FRQJ KRD XD KRL FKX QJKLD YLHW QDP",
    "Grf ods - Wx gr - Kdqk skxf",
    "Fdq fx Oxdw Wr fkxf fklqk txbhq gld skxrqj qjdb 16 wkdqj 6 qdp 2025;",
    "Wkhr gh qjkl fxd Jldp grf Vr Wx skds wdl Wr wulqk vr 62/WWu-VWS,",
    "TXBHW GLQK: Glhx 1. Fkr skhs krs qkdw Krl Frqj fkxqj ylhq wlqk",
    "Odp Grqj, Elqk Wkxdq, Gdn Qrqj wkdqk Krl Frqj fkxqj ylhq wlqk.",
    NULL,
};

static void test_unusable_layers(void **state)
{
    (void)state;
    struct {
        const char *what;
        const char *const *pages[3];
        int n;
        const char *kind;
    } cases[] = {
        {"a scan without text", {NULL, NULL}, 2, "scan"},
        {"a stamp over scans", {stamp, NULL, NULL}, 3, "stamp"},
        {"a stamp alone on one page", {stamp}, 1, "stamp"},
        {"diacritics lost", {stripped}, 1, "marks"},
        {"letters shifted by a font", {shifted}, 1, "font"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        lw_buf b;
        make_pdf(&b, cases[k].pages, cases[k].n);
        lw_read_options o;
        options(&o);
        lw_source *s = read_ok((unsigned char *)b.data, b.len, &o);
        assert_int_equal(s->pages, (uint32_t)cases[k].n);
        assert_string_equal(s->note, ""); /* OCR will read every page: nothing to point at */
        check_judgement(cases[k].what, s, 0, cases[k].kind);
        lw_source_free(s);
        lw_buf_free(&b);
    }
}

static unsigned progress_calls, progress_last, progress_total;

static void on_progress(void *ud, unsigned done, unsigned total)
{
    assert_ptr_equal(ud, &progress_calls);
    assert_int_equal(done, progress_last + 1);
    progress_calls++;
    progress_last = done;
    progress_total = total;
}

static void test_pages_progress_and_cap(void **state)
{
    (void)state;
    const char *const *pages[] = {letter, NULL, letter};
    lw_buf b;
    make_pdf(&b, pages, 3);
    lw_read_options o;
    options(&o);
    o.progress = on_progress;
    o.progress_ud = &progress_calls;
    o.max_pages = 3;
    lw_source *s = read_ok((unsigned char *)b.data, b.len, &o);
    assert_int_equal(progress_calls, 3);
    assert_int_equal(progress_total, 3);
    assert_int_equal(s->pages, 3);
    /* the letter again on page 3, its lines counted from 1 there; page 2 has none */
    assert_true(has_line(s, 3, letter[2]));
    /* the page without text is named in the note, for the reviewer to look at */
    if (!strstr(s->note, "trang 2 không có lớp chữ"))
        fail_msg("note \"%s\"", s->note);
    for (size_t i = 0; i < s->n_lines; i++) {
        assert_int_not_equal(s->lines[i].page, 2);
        if (s->lines[i].page == 3 && (i == 0 || s->lines[i - 1].page != 3))
            assert_int_equal(s->lines[i].line, 1);
    }
    lw_source_free(s);

    o.max_pages = 2;
    lw_error err;
    s = (lw_source *)&err; /* must come back NULL */
    assert_int_equal(lw_pdf_read((unsigned char *)b.data, b.len, &o, &s, &err), LW_ERR_LIMIT);
    assert_null(s);
    assert_non_null(strstr(err.msg, "3 trang"));
    assert_non_null(strstr(err.msg, "giới hạn 2 trang"));
    lw_buf_free(&b);
}

/* ---- damaged and encrypted files -------------------------------------------------------- */

/* A one-page PDF whose standard security handler wants a user password ("" is refused). */
static void make_encrypted(lw_buf *b)
{
    static const char *const objs[] = {
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        "<< /Filter /Standard /V 1 /R 2 /O <4141414141414141414141414141414141414141414141414141414141414141>"
        " /U <4242424242424242424242424242424242424242424242424242424242424242> /P -4 >>",
    };
    size_t off[4];
    memset(b, 0, sizeof *b);
    lw_buf_printf(b, "%%PDF-1.4\n");
    for (int i = 0; i < 4; i++) {
        off[i] = b->len;
        lw_buf_printf(b, "%d 0 obj\n%s\nendobj\n", i + 1, objs[i]);
    }
    size_t xref = b->len;
    lw_buf_printf(b, "xref\n0 5\n0000000000 65535 f \n");
    for (int i = 0; i < 4; i++)
        lw_buf_printf(b, "%010zu 00000 n \n", off[i]);
    lw_buf_printf(b,
                  "trailer\n<< /Size 5 /Root 1 0 R /Encrypt 4 0 R /ID [<0123456789abcdef0123456789abcdef> "
                  "<0123456789abcdef0123456789abcdef>] >>\nstartxref\n%zu\n%%%%EOF\n",
                  xref);
}

static void expect_error(const char *what, const unsigned char *raw, size_t len, lw_status code, const char *words)
{
    lw_read_options o;
    options(&o);
    lw_error err;
    memset(&err, 0, sizeof err);
    lw_source *s = (lw_source *)&err;
    lw_status st = lw_pdf_read(raw, len, &o, &s, &err);
    if (st != code)
        fail_msg("%s: status %d, expected %d (%s)", what, st, code, err.msg);
    assert_null(s);
    if (!strstr(err.msg, words))
        fail_msg("%s: message \"%s\" lacks \"%s\"", what, err.msg, words);
}

static void test_damaged_and_encrypted(void **state)
{
    (void)state;
    size_t len;
    unsigned char *raw = real_pdf("ext-018", &len);
    assert_non_null(raw);
    static const unsigned char garbage[] = "%PDF-1.7\n\x8f\x01\xfe garbage, no objects, no xref \x00\x13\x37 trailer <<";
    lw_buf enc;
    make_encrypted(&enc);

    /* poppler's complaints about these files must not reach stderr, nor stdout (where GLib
     * writes INFO messages) */
    fflush(stdout);
    fflush(stderr);
    char tmpl[] = "/tmp/lw_test_pdf_XXXXXX";
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    int saved_out = dup(1), saved_err = dup(2);
    dup2(fd, 1);
    dup2(fd, 2);

    expect_error("truncated to 2000 bytes", raw, 2000, LW_ERR_DATA, "bị hỏng");
    expect_error("garbage after %PDF-", garbage, sizeof garbage - 1, LW_ERR_DATA, "bị hỏng");
    expect_error("a header alone", (const unsigned char *)"%PDF-", 5, LW_ERR_DATA, "bị hỏng");
    expect_error("not a PDF", (const unsigned char *)"Số: 12/STP-VP\n", 15, LW_ERR_DATA, "không phải tệp PDF");
    expect_error("empty", (const unsigned char *)"", 0, LW_ERR_DATA, "không phải tệp PDF");
    expect_error("encrypted", (unsigned char *)enc.data, enc.len, LW_ERR_DATA, "mật khẩu");

    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, 1);
    dup2(saved_err, 2);
    close(saved_out);
    close(saved_err);
    off_t size = lseek(fd, 0, SEEK_END);
    close(fd);
    unlink(tmpl);
    assert_int_equal(size, 0);
    lw_buf_free(&enc);
    free(raw);
}

/* The toy font of make_pdf stays in cairo's cache, and with it fontconfig's configuration;
 * cairo_debug_reset_static_data cannot free them while poppler's own font cache holds cairo
 * faces. LeakSanitizer reads this (a program without it never calls it). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\n";
}

int main(void)
{
    /* GLib prints poppler's INFO messages (damaged files) only when asked: ask, so that the
     * stderr check of test_damaged_and_encrypted would see them if lw_pdf let them through */
    setenv("G_MESSAGES_DEBUG", "all", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layers_judged),
        cmocka_unit_test(test_real_pdfs_judged),
        cmocka_unit_test(test_real_lines),
        cmocka_unit_test(test_short_letter_usable),
        cmocka_unit_test(test_decomposed_letter),
        cmocka_unit_test(test_figures_page),
        cmocka_unit_test(test_unusable_layers),
        cmocka_unit_test(test_pages_progress_and_cap),
        cmocka_unit_test(test_damaged_and_encrypted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
