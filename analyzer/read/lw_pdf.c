/* lw_pdf: a PDF's text layer through poppler-glib, and whether that layer is good enough to
 * read or the pages must be OCR'd (OCRmyPDF's rule: use the text layer when it is good, OCR
 * when it is absent or broken). The judgement is by general measures of the text, never by
 * file: letters per page once the e-signature stamp is left out, the share of Vietnamese
 * words that keep their diacritics, the share of letters that are neither Latin nor
 * Vietnamese. */
#define _GNU_SOURCE /* memmem */
#include "lw_pdf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <glib.h>
#include <poppler.h>
#include <utf8proc.h>

#include "lw_msg.h"

/* ---- reading ---------------------------------------------------------------------------- */

/* Poppler reports what it repairs in a damaged file through GLib's log (domain "Poppler");
 * the default handler prints it on stderr, where it would look like an error of ours on a
 * file we read fine, or a second message beside the one lw_read_source gives. The handler is
 * process-wide state, hence installed once; it drops the messages: what the reviewer needs is
 * our single message naming the file, and a file poppler could repair reads as it should. */
static void quiet_log(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer ud)
{
    (void)domain;
    (void)level;
    (void)message;
    (void)ud;
}

static gpointer install_quiet_log(gpointer unused)
{
    (void)unused;
    g_log_set_handler("Poppler", (GLogLevelFlags)(G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION),
                      quiet_log, NULL);
    return NULL;
}

/* ---- the text of printed annotations -----------------------------------------------------
 * poppler_page_get_text reads the page's content only. Signed government PDFs put text in
 * signature widgets: the e-signature stamp, and often the document's number and day, typed
 * into the blanks of "Số:    /STP-VP" and "ngày    tháng" when the clerk registers it
 * (ext-018). pdftotext shows that text because it draws the annotations; without it the
 * header has no number. So a page with printed annotations is also drawn as it prints into
 * an in-memory PDF (cairo), read back, and the characters there that the content has not at
 * the same place are the annotations' text: each run of them goes into the page's text
 * between its neighbours on the same baseline ("Số: 125 /STP-VP"), or on lines of its own at
 * the end of the page when it has none (a stamp in a margin). */

/* The most characters of a page, and runs of annotation text, the merge takes on; past them
 * the page's content is read alone. */
#define MERGE_MAX_CHARS 60000
#define MERGE_MAX_RUNS 400

/* Whether the page has annotations that print (widgets, free text, stamps). */
static int has_printed_annots(PopplerPage *page)
{
    GList *l = poppler_page_get_annot_mapping(page);
    int any = 0;
    for (GList *x = l; x && !any; x = x->next) {
        PopplerAnnot *a = ((PopplerAnnotMapping *)x->data)->annot;
        PopplerAnnotType t = poppler_annot_get_annot_type(a);
        PopplerAnnotFlag f = poppler_annot_get_flags(a);
        any = t != POPPLER_ANNOT_LINK && t != POPPLER_ANNOT_POPUP && (f & POPPLER_ANNOT_FLAG_PRINT) &&
              !(f & POPPLER_ANNOT_FLAG_HIDDEN);
    }
    poppler_page_free_annot_mapping(l);
    return any;
}

static cairo_status_t to_bytes(void *ud, const unsigned char *data, unsigned int n)
{
    g_byte_array_append(ud, data, n);
    return CAIRO_STATUS_SUCCESS;
}

/* A character of a page's text with its box (top-left origin, points). */
typedef struct {
    gunichar cp;
    size_t off; /* byte offset in the page's text */
    double x1, y1, x2, y2;
} pchar;

/* The characters of text with their boxes; NULL when the layout does not match the text. */
static pchar *page_chars(PopplerPage *page, const char *text, size_t *n)
{
    PopplerRectangle *r = NULL;
    guint nr = 0;
    if (!poppler_page_get_text_layout(page, &r, &nr)) {
        g_free(r);
        r = NULL;
        nr = 0; /* no text: an empty layout, which matches an empty text only */
    }
    size_t nc = (size_t)g_utf8_strlen(text, -1);
    pchar *c = nc == nr ? g_try_new(pchar, nc + 1) : NULL;
    if (c) {
        const char *p = text;
        for (size_t i = 0; i < nc; i++, p = g_utf8_next_char(p))
            c[i] = (pchar){g_utf8_get_char(p), (size_t)(p - text), r[i].x1, r[i].y1, r[i].x2, r[i].y2};
        c[nc] = (pchar){0, (size_t)(p - text), 0, 0, 0, 0};
    }
    g_free(r);
    *n = c ? nc : 0;
    return c;
}

static int by_y(const void *a, const void *b)
{
    double ya = ((const pchar *)a)->y1 + ((const pchar *)a)->y2, yb = ((const pchar *)b)->y1 + ((const pchar *)b)->y2;
    return ya < yb ? -1 : ya > yb;
}

/* Whether a character like c is in sorted (by centre y) at the same place: the same
 * character starting at the same x on nearly the same line. The boxes' heights come from
 * each font's ascent and descent, which differ between the file's font and the subset cairo
 * writes, so the centres may drift a few points vertically; the glyphs' origins do not. */
static int in_content(const pchar *sorted, size_t n, const pchar *c)
{
    const double dy = 4, dx = 1.5;
    double cy = (c->y1 + c->y2) / 2;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((sorted[mid].y1 + sorted[mid].y2) / 2 < cy - dy)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < n && (sorted[i].y1 + sorted[i].y2) / 2 <= cy + dy; i++)
        if (sorted[i].cp == c->cp && fabs(sorted[i].x1 - c->x1) <= dx)
            return 1;
    return 0;
}

/* An edit of the page's text: at byte pos, drop the bytes up to del, put text in. */
typedef struct {
    size_t pos, del;
    double x;
    char *text; /* owned (g_free) */
} pedit;

static int by_pos(const void *a, const void *b)
{
    const pedit *ea = a, *eb = b;
    if (ea->pos != eb->pos)
        return ea->pos < eb->pos ? -1 : 1;
    return ea->x < eb->x ? -1 : ea->x > eb->x;
}

static int is_blank_char(gunichar c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r';
}

/* Whether c[i] lies on the baseline band of the box y1..y2 (half its height or more shared). */
static int same_band(const pchar *c, double y1, double y2)
{
    double ov = fmin(c->y2, y2) - fmax(c->y1, y1);
    return ov >= 0.5 * fmin(c->y2 - c->y1, y2 - y1);
}

/* Where the run of annotation text t with box (x1, y1, x2, y2) goes in the content text
 * (one or two edits into e, returns how many): between its nearest neighbours on its
 * baseline (within an inch each side) when only blanks part them; when the text puts other
 * lines between them (a header of two columns: "Số:", "Lâm Đồng, ngày", "/TTXT-ĐTDN"), the
 * right neighbour's line is moved up to join, so that "Số: 644 /TTXT-ĐTDN" reads as one line
 * as in pdftotext; else after the left one, before the right one, or at the end (len) on a
 * line of its own. */
static size_t place(const char *text, const pchar *c, size_t n, size_t len, int text_ends_line, double x1, double y1, double x2,
                    double y2, const char *t, pedit *e)
{
    const double reach = 72, slack = 2;
    size_t left = n, right = n;
    for (size_t i = 0; i < n; i++) {
        if (is_blank_char(c[i].cp) || !same_band(&c[i], y1, y2))
            continue;
        if (c[i].x2 <= x1 + slack && x1 - c[i].x2 <= reach && (left == n || c[i].x2 > c[left].x2))
            left = i;
        if (c[i].x1 >= x2 - slack && c[i].x1 - x2 <= reach && (right == n || c[i].x1 < c[right].x1))
            right = i;
    }
    e[0] = (pedit){len, len, x1, NULL};
    if (left < n && right < n && left < right) {
        int only_blanks = 1;
        for (size_t i = left + 1; i < right && only_blanks; i++)
            only_blanks = is_blank_char(c[i].cp);
        if (only_blanks) {
            e[0].pos = c[left + 1].off;
            e[0].del = c[right].off;
            e[0].text = g_strdup_printf(" %s ", t);
            return 1;
        }
        /* the right neighbour starts a line that stays on the band: move that line */
        size_t end = right;
        while (end < n && c[end].cp != '\n' && (is_blank_char(c[end].cp) || same_band(&c[end], y1, y2)))
            end++;
        if (c[right - 1].cp == '\n' && (end == n || c[end].cp == '\n')) {
            size_t after = end < n ? end + 1 : n;
            e[0].pos = e[0].del = c[left + 1].off;
            e[0].text = g_strdup_printf(" %s %.*s", t, (int)(c[end].off - c[right].off), text + c[right].off);
            e[1] = (pedit){c[right].off, c[after].off, x1, g_strdup("")};
            return 2;
        }
    }
    if (left < n) {
        e[0].pos = e[0].del = c[left + 1].off;
        e[0].text = g_strdup_printf(" %s", t);
    } else if (right < n) {
        e[0].pos = e[0].del = c[right].off;
        e[0].text = g_strdup_printf("%s ", t);
    } else if (len == 0 || c[n].off == 0 || text_ends_line) {
        e[0].text = g_strdup_printf("%s\n", t);
    } else {
        e[0].text = g_strdup_printf("\n%s", t);
    }
    return 1;
}

/* poppler_page_get_text puts the cells of a table row, and blocks side by side, one after
 * the other with nothing between ("STTNội dung", "6,74586,2249"), where pdftotext breaks the
 * line: the numbers of two cells would read as one. A wide gap (more than one and a half
 * character heights) between two characters with no space between them becomes a line
 * break, as in pdftotext, and so does a step back to the left; a narrower gap that is still
 * no kerning becomes a space. *text and *chars are replaced (g_free). */
static void unglue(char **text, pchar **chars, size_t *n)
{
    const pchar *c = *chars;
    GString *out = g_string_sized_new(strlen(*text) + 64);
    GArray *oc = g_array_sized_new(FALSE, FALSE, sizeof(pchar), (guint)*n + 64);
    const pchar *prev = NULL;
    for (size_t i = 0; i < *n; i++) {
        if (prev && !is_blank_char(c[i].cp)) {
            double hgt = fmax(prev->y2 - prev->y1, c[i].y2 - c[i].y1);
            double gap = c[i].x1 - prev->x2;
            char sep = gap > 1.5 * hgt || c[i].x2 < prev->x1 ? '\n' : gap > 0.3 * hgt ? ' ' : 0;
            if (sep) {
                pchar s = {(gunichar)sep, out->len, prev->x2, prev->y1, prev->x2, prev->y2};
                g_array_append_val(oc, s);
                g_string_append_c(out, sep);
            }
        }
        pchar k = c[i];
        k.off = out->len;
        g_array_append_val(oc, k);
        g_string_append_len(out, *text + c[i].off, (gssize)(c[i + 1].off - c[i].off));
        prev = is_blank_char(c[i].cp) ? NULL : &c[i];
    }
    pchar end = {0, out->len, 0, 0, 0, 0};
    g_array_append_val(oc, end);
    *n = oc->len - 1;
    g_free(*chars);
    *chars = (pchar *)(void *)g_array_free(oc, FALSE);
    g_free(*text);
    *text = g_string_free(out, FALSE);
}

/* The page's text with its printed annotations' text put in (owned, g_free), or NULL when
 * there is nothing to add or the printed page cannot be matched with the content (then the
 * content's text alone is read, as before). */
static char *with_annot_text(PopplerPage *page, const char *text, const pchar *c, size_t n)
{
    char *result = NULL;
    size_t nr = 0, ne = 0;
    pchar *sorted = NULL, *rc = NULL;
    pedit *ed = NULL;
    PopplerDocument *pd = NULL;
    PopplerPage *pp = NULL;
    char *pt = NULL;

    double w, h;
    poppler_page_get_size(page, &w, &h);
    GByteArray *ba = g_byte_array_new();
    cairo_surface_t *surf = cairo_pdf_surface_create_for_stream(to_bytes, ba, w, h);
    cairo_t *cr = cairo_create(surf);
    poppler_page_render_for_printing(page, cr);
    cairo_destroy(cr);
    cairo_surface_finish(surf);
    int ok = cairo_surface_status(surf) == CAIRO_STATUS_SUCCESS;
    cairo_surface_destroy(surf);
    GBytes *bytes = g_byte_array_free_to_bytes(ba);
    pd = ok ? poppler_document_new_from_bytes(bytes, NULL, NULL) : NULL;
    g_bytes_unref(bytes);
    pp = pd ? poppler_document_get_page(pd, 0) : NULL;
    pt = pp ? poppler_page_get_text(pp) : NULL;
    rc = pt ? page_chars(pp, pt, &nr) : NULL;
    /* bounded work on a hostile page: the matching below is about (characters x runs) */
    if (!rc || n > MERGE_MAX_CHARS || nr > MERGE_MAX_CHARS)
        goto done;

    sorted = g_try_new(pchar, n + 1);
    ed = g_try_new0(pedit, 2 * nr + 2);
    if (!sorted || !ed)
        goto done;
    memcpy(sorted, c, n * sizeof *c);
    qsort(sorted, n, sizeof *sorted, by_y);

    /* runs of printed characters the content has not, on one line of the printed text */
    size_t added = 0;
    for (size_t i = 0; i < nr;) {
        if (ne + 2 > MERGE_MAX_RUNS)
            goto done; /* a page of hundreds of filled fields is a form, not a signed letter */
        if (is_blank_char(rc[i].cp) || in_content(sorted, n, &rc[i])) {
            i++;
            continue;
        }
        size_t j = i, last = i;
        double x1 = rc[i].x1, y1 = rc[i].y1, x2 = rc[i].x2, y2 = rc[i].y2;
        for (j = i + 1; j < nr && rc[j].cp != '\n'; j++) {
            if (rc[j].cp == ' ' || rc[j].cp == '\t')
                continue;
            if (in_content(sorted, n, &rc[j]))
                break;
            /* two fields on one line with nothing of the content between them in the
             * printed text ("125" ... "15"): a wide gap or a step back ends the run */
            double hgt = fmax(rc[last].y2 - rc[last].y1, rc[j].y2 - rc[j].y1);
            if (rc[j].x1 - rc[last].x2 > 1.5 * hgt || rc[j].x2 < rc[last].x1)
                break;
            last = j;
            x1 = fmin(x1, rc[j].x1), y1 = fmin(y1, rc[j].y1), x2 = fmax(x2, rc[j].x2), y2 = fmax(y2, rc[j].y2);
        }
        added += last - i + 1;
        char *t = g_strndup(pt + rc[i].off, rc[last + 1].off - rc[i].off);
        ne += place(text, c, n, strlen(text), strlen(text) == 0 || text[strlen(text) - 1] == '\n', x1, y1, x2, y2, t, ed + ne);
        g_free(t);
        i = last + 1;
    }
    /* a printed page that does not line up with the content (a rotated page, another
     * transformation) would make all its text look new: keep the content alone */
    if (ne == 0 || (n > 0 && added * 2 > n))
        goto done;

    qsort(ed, ne, sizeof *ed, by_pos);
    GString *out = g_string_sized_new(strlen(text) + 256);
    size_t cur = 0;
    for (size_t k = 0; k < ne; k++) {
        size_t pos = ed[k].pos < cur ? cur : ed[k].pos;
        size_t del = ed[k].del < pos ? pos : ed[k].del;
        g_string_append_len(out, text + cur, (gssize)(pos - cur));
        g_string_append(out, ed[k].text);
        cur = del;
    }
    g_string_append(out, text + cur);
    result = g_string_free(out, FALSE);
done:
    for (size_t k = 0; k < ne; k++)
        g_free(ed[k].text);
    g_free(ed);
    g_free(sorted);
    g_free(rc);
    g_free(pt);
    if (pp)
        g_object_unref(pp);
    if (pd)
        g_object_unref(pd);
    return result;
}

/* Appends one page's text to s, a source line per line. Form feeds (page ends) and other
 * control characters but tab become spaces; a last empty piece after the final '\n' is no
 * line. Returns 0 or -1 when out of memory. */
static int add_page(lw_source *s, char *text, uint32_t page)
{
    size_t n = strlen(text);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\f')
            text[i] = '\n';
        else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
            text[i] = ' ';
    }
    /* the '\n' (or form feed) that ends the page's last line opens no line of its own */
    if (n && text[n - 1] == '\n')
        n--;
    if (n == 0)
        return 0; /* a page without text adds no line; s->pages still counts it */
    const char *p = text, *end = text + n;
    while (p <= end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        if (lw_source_add_line(s, p, (size_t)(e - p), page, 0))
            return -1;
        if (!nl)
            break;
        p = nl + 1;
    }
    return 0;
}

static void note_pages_without_text(lw_source *s); /* below, with the judgement */

lw_status lw_pdf_read(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out, lw_error *err)
{
    static GOnce once = G_ONCE_INIT;
    g_once(&once, install_quiet_log, NULL);
    *out = NULL;
    /* readers accept the header anywhere in the first 1024 bytes (some scanners put bytes before it) */
    if (!raw || len < 5 || !memmem(raw, len < 1024 ? len : 1024, "%PDF-", 5))
        return lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_PDF_NOT_PDF);
    int cap = opt && opt->max_pages > 0 ? opt->max_pages : LW_READ_PAGES_DEFAULT;

    GBytes *bytes = g_bytes_new_static(raw, len);
    GError *gerr = NULL;
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &gerr);
    g_bytes_unref(bytes); /* the document holds its own reference */
    if (!doc) {
        int encrypted = gerr && gerr->domain == POPPLER_ERROR && gerr->code == POPPLER_ERROR_ENCRYPTED;
        g_clear_error(&gerr);
        return lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, encrypted ? LW_MSG_PDF_ENCRYPTED : LW_MSG_PDF_DAMAGED);
    }
    lw_status st = LW_OK;
    lw_source *s = NULL;
    int n = poppler_document_get_n_pages(doc);
    if (n <= 0) {
        st = lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_PDF_NO_PAGES);
        goto done;
    }
    if (n > cap) {
        st = lw_error_msg(err, LW_ERR_LIMIT, NULL, 0, 0, LW_MSG_PDF_TOO_MANY_PAGES, n, cap);
        goto done;
    }
    s = lw_source_create(LW_SOURCE_PDF_TEXT);
    if (!s) {
        st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
        goto done;
    }
    for (int i = 0; i < n; i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        if (!page) {
            st = lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_PDF_PAGE, i + 1);
            goto done;
        }
        char *text = poppler_page_get_text(page);
        size_t nc = 0;
        pchar *c = text ? page_chars(page, text, &nc) : NULL;
        if (c) {
            unglue(&text, &c, &nc);
            char *all = has_printed_annots(page) ? with_annot_text(page, text, c, nc) : NULL;
            if (all) {
                g_free(text);
                text = all;
            }
            g_free(c);
        }
        g_object_unref(page);
        if (text && !g_utf8_validate(text, -1, NULL)) {
            /* a broken ToUnicode map; keep what is readable, U+FFFD for the rest */
            char *valid = g_utf8_make_valid(text, -1);
            g_free(text);
            text = valid;
        }
        if (text) {
            /* some PDF producers write Vietnamese as letters and combining marks; the text is
             * stored, and judged, composed */
            char *nfc = g_utf8_normalize(text, -1, G_NORMALIZE_NFC);
            if (nfc) {
                g_free(text);
                text = nfc;
            }
        }
        int rc = add_page(s, text ? text : (char[]){""}, (uint32_t)(i + 1));
        g_free(text);
        if (rc) {
            st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
            goto done;
        }
        if (opt && opt->progress)
            opt->progress(opt->progress_ud, (unsigned)(i + 1), (unsigned)n);
    }
    /* pages without any text still count: the page numbers must stay those of the file */
    s->pages = (uint32_t)n;
    note_pages_without_text(s);
done:
    g_object_unref(doc);
    if (st != LW_OK) {
        lw_source_free(s);
        return st;
    }
    *out = s;
    return LW_OK;
}

/* ---- is the layer usable? --------------------------------------------------------------- */

/* The labels that start a line of an e-signature stamp (Vietnamese government signing
 * software and the common CAs), in NFC. */
static const char *const stamp_labels[] = {
    "Ký bởi",   "Người ký", "Email",   "E-mail",  "Cơ quan", "Thời gian ký", "Giờ ký",
    "Ngày ký",  "Địa chỉ",  "Chức vụ", "Tổ chức", "Signed by", "Signature",   "KÝ BỞI",
};

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t';
}

/* Whether line p[0..n) is a stamp line: a label, optional spaces, then ':'. */
static int is_stamp_label(const char *p, size_t n)
{
    while (n && is_space((unsigned char)*p)) {
        p++;
        n--;
    }
    for (size_t k = 0; k < sizeof stamp_labels / sizeof *stamp_labels; k++) {
        size_t l = strlen(stamp_labels[k]);
        if (n <= l || memcmp(p, stamp_labels[k], l) != 0)
            continue;
        size_t i = l;
        while (i < n && is_space((unsigned char)p[i]))
            i++;
        if (i < n && p[i] == ':')
            return 1;
    }
    return 0;
}

/* Whether the line has no letter: a date, a time, a page number, a rule of dashes. Such a
 * line says nothing of the layer's quality. */
static int no_letter(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)p[i] | 0x20) >= 'a' && ((unsigned char)p[i] | 0x20) <= 'z')
            return 0;
        else if ((unsigned char)p[i] >= 0x80)
            return 0;
    return 1;
}

/* An e-mail address alone on its line (the stamp's second line on some signatures). */
static int is_email_line(const char *p, size_t n)
{
    const char *at = memchr(p, '@', n);
    if (!at)
        return 0;
    size_t words = 0;
    for (size_t i = 0; i < n; i++)
        if (!is_space((unsigned char)p[i]) && (i == 0 || is_space((unsigned char)p[i - 1])))
            words++;
    return words <= 2;
}

static int is_blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_space((unsigned char)p[i]))
            return 0;
    return 1;
}

/* The marks Vietnamese letters are made of: five tones, circumflex, breve, horn. */
static int vn_mark(utf8proc_int32_t m)
{
    return m == 0x300 || m == 0x301 || m == 0x303 || m == 0x309 || m == 0x323 || m == 0x302 || m == 0x306 ||
           m == 0x31B;
}

/* The letter class of cp: 0 not a letter, 1 an ASCII letter, 2 a Vietnamese letter with
 * marks (or đ), 3 a letter of another alphabet or with marks Vietnamese has not (what font
 * mojibake makes: Ë, Ø, æ, Ñ). base gets the unmarked lower-case ASCII letter (classes 1, 2). */
static int letter_class(utf8proc_int32_t cp, char *base)
{
    if (cp < 0x80) {
        if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') {
            *base = (char)(cp | 0x20);
            return 1;
        }
        return 0;
    }
    /* Đ, đ, and Ð (U+00D0, the eth many Vietnamese fonts give for Đ) */
    if (cp == 0x110 || cp == 0x111 || cp == 0xD0) {
        *base = 'd';
        return 2;
    }
    /* private-use code points and U+FFFD: glyphs without a Unicode meaning, a font's
     * mojibake as well */
    if ((cp >= 0xE000 && cp <= 0xF8FF) || cp == 0xFFFD)
        return 3;
    utf8proc_category_t cat = utf8proc_category(cp);
    if (cat < UTF8PROC_CATEGORY_LU || cat > UTF8PROC_CATEGORY_LO)
        return 0;
    utf8proc_int32_t d[4];
    int last = 0;
    utf8proc_ssize_t k = utf8proc_decompose_char(cp, d, 4, UTF8PROC_DECOMPOSE, &last);
    if (k < 2 || k > 3 || d[0] >= 0x80)
        return 3;
    char b = (char)(d[0] | 0x20);
    if (!strchr("aeiouy", b) || b == 0)
        return 3;
    for (utf8proc_ssize_t i = 1; i < k; i++)
        if (!vn_mark(d[i]))
            return 3;
    *base = b;
    return 2;
}

/* Whether w (lower-case ASCII, marks taken off) has the shape of a Vietnamese syllable:
 * onset, a vowel group Vietnamese has, a final consonant Vietnamese allows. */
static int vn_shape(const char *w, size_t n)
{
    static const char *const onsets[] = {"ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", "b", "c",
                                         "d",   "g",  "h",  "k",  "l",  "m",  "n",  "p",  "r",  "s",  "t",  "v", "x"};
    static const char *const nuclei[] = {
        "a",   "e",   "i",   "o",   "u",   "y",   "ai",  "ao",  "au",  "ay",  "eo",  "eu",  "ia",  "ie",
        "iu",  "oa",  "oe",  "oi",  "oo",  "ua",  "ue",  "ui",  "uo",  "uu",  "uy",  "ya",  "ye",  "ieu",
        "oai", "oay", "oeo", "uay", "uoi", "uou", "uya", "uye", "uyu", "yeu", "uai", "uau", "uao", "ueu"};
    static const char *const codas[] = {"", "c", "ch", "m", "n", "ng", "nh", "p", "t"};
    if (n == 0 || n > 8)
        return 0;
    for (int pass = 0; pass < 2; pass++) {
        size_t on = 0;
        for (size_t k = 0; k < sizeof onsets / sizeof *onsets; k++) {
            size_t l = strlen(onsets[k]);
            if (l < n && memcmp(w, onsets[k], l) == 0) {
                on = l;
                break;
            }
        }
        if (pass == 1) { /* "gi" + coda ("gìn"), "qu" read as q + u never helps */
            if (on == 2 && w[0] == 'g' && w[1] == 'i')
                on = 1;
            else
                return 0;
        }
        size_t v = on;
        while (v < n && strchr("aeiouy", w[v]))
            v++;
        size_t nl = v - on;
        int nucleus = 0;
        for (size_t k = 0; k < sizeof nuclei / sizeof *nuclei && nl; k++)
            if (strlen(nuclei[k]) == nl && memcmp(w + on, nuclei[k], nl) == 0)
                nucleus = 1;
        if (nucleus)
            for (size_t k = 0; k < sizeof codas / sizeof *codas; k++)
                if (strlen(codas[k]) == n - v && memcmp(w + v, codas[k], n - v) == 0)
                    return 1;
    }
    return 0;
}

/* Measures one line (not a stamp line) into st; returns its letters. */
static size_t measure_line(const char *p, size_t n, lw_pdf_layer_stats *st)
{
    size_t letters = 0;
    size_t i = 0;
    while (i < n) {
        /* a word: a run of non-space bytes */
        while (i < n && is_space((unsigned char)p[i]))
            i++;
        size_t ws = i;
        while (i < n && !is_space((unsigned char)p[i]))
            i++;
        /* its letters, and whether it is letters only once the punctuation around is off */
        char base[16];
        size_t nb = 0;
        int marked = 0, only_letters = 1, seen_letter = 0, after = 0;
        size_t j = ws;
        while (j < i) {
            utf8proc_int32_t cp;
            utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)p + j, (utf8proc_ssize_t)(i - j), &cp);
            if (k <= 0) {
                k = 1;
                cp = -1;
            }
            j += (size_t)k;
            char b = 0;
            int c = cp < 0 ? 0 : letter_class(cp, &b);
            if (seen_letter && !after && vn_mark(cp)) {
                marked = 1; /* a mark left combining (the text not in NFC) */
                continue;
            }
            if (c) {
                letters++;
                if (c == 3) {
                    st->odd_letters++;
                    only_letters = 0;
                } else if (after) {
                    only_letters = 0; /* letters after punctuation inside: "l$p", "H4nh" */
                } else {
                    if (nb < sizeof base)
                        base[nb] = b;
                    nb++;
                    marked |= c == 2;
                }
                seen_letter = 1;
            } else if (seen_letter) {
                after = 1; /* punctuation after the letters: fine if nothing but punctuation follows */
                if (cp >= '0' && cp <= '9')
                    only_letters = 0;
            } else if (cp >= '0' && cp <= '9') {
                only_letters = 0;
            }
        }
        if (seen_letter && only_letters) {
            st->words++;
            if (nb <= sizeof base && vn_shape(base, nb)) {
                st->vn_words++;
                st->vn_marked += marked;
            }
        }
    }
    return letters;
}

/* The measures of s into st; has_text (s->pages entries, or NULL) gets 1 for each page that
 * holds text. */
static void measure(const lw_source *s, lw_pdf_layer_stats *st, uint8_t *has_text)
{
    memset(st, 0, sizeof *st);
    st->pages = s->pages;
    size_t page_letters = 0; /* letters and digits */
    uint32_t page = 0;
    int in_stamp = 0;
    for (size_t li = 0; li <= s->n_lines; li++) {
        if (li == s->n_lines || s->lines[li].page != page) {
            if (page && page_letters >= LW_PDF_PAGE_MIN_LETTERS) {
                st->text_pages++;
                if (has_text && page <= s->pages)
                    has_text[page - 1] = 1;
            }
            if (li == s->n_lines)
                break;
            page = s->lines[li].page;
            page_letters = 0;
            in_stamp = 0;
        }
        const char *p = s->text + s->lines[li].start;
        size_t end = li + 1 < s->n_lines ? s->lines[li + 1].start : s->len;
        size_t n = end - s->lines[li].start;
        if (n && p[n - 1] == '\n')
            n--;
        if (is_blank(p, n)) {
            in_stamp = 0; /* a stamp is one block */
            continue;
        }
        /* a stamp's label line, the short lines its value wraps onto, its e-mail and date */
        if (is_stamp_label(p, n) || (in_stamp && n < 48 && !memchr(p, ':', n))) {
            st->stamp_lines++;
            in_stamp = 1;
            continue;
        }
        in_stamp = 0;
        if (is_email_line(p, n)) {
            st->stamp_lines++;
            continue;
        }
        /* digits count for the page (a table of figures is text too), not for the shares */
        for (size_t i = 0; i < n; i++)
            page_letters += p[i] >= '0' && p[i] <= '9';
        if (no_letter(p, n))
            continue;
        size_t l = measure_line(p, n, st);
        page_letters += l;
        st->letters += l;
    }
}

void lw_pdf_layer_measure(const lw_source *s, lw_pdf_layer_stats *st)
{
    measure(s, st, NULL);
}

static void say(char *why, size_t whysize, lw_msg_id id, ...);

/* A layer read for most of its pages may still have pages without text (a scanned annex
 * behind a typed letter): those pages are not read, and the note says which, so that the
 * reviewer looks at them. Nothing is noted when the layer will not be used anyway. */
static void note_pages_without_text(lw_source *s)
{
    uint8_t *has = s->pages ? g_try_malloc0(s->pages) : NULL;
    if (!has)
        return;
    lw_pdf_layer_stats st;
    measure(s, &st, has);
    if (st.text_pages && st.text_pages < st.pages && st.text_pages * 2 >= st.pages) {
        char list[96] = "";
        size_t used = 0, shown = 0;
        for (uint32_t p = 0; p < s->pages && used < sizeof list; p++) {
            if (has[p])
                continue;
            int k = shown < 12 ? snprintf(list + used, sizeof list - used, "%s%u", shown ? ", " : "", p + 1)
                               : snprintf(list + used, sizeof list - used, ", …");
            if (k < 0 || (size_t)k >= sizeof list - used)
                break;
            used += (size_t)k;
            if (shown++ >= 12)
                break;
        }
        say(s->note, sizeof s->note, LW_MSG_PDF_NOTE_PAGES_NO_TEXT, list);
    }
    g_free(has);
}

/* The reasons are the reviewer's, hence Vietnamese only: they go into the source's note. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void say(char *why, size_t whysize, lw_msg_id id, ...)
{
    if (!why || !whysize)
        return;
    va_list ap;
    va_start(ap, id);
    vsnprintf(why, whysize, lw_msg_get(id, LW_LANG_VI), ap);
    va_end(ap);
}
#pragma GCC diagnostic pop

int lw_pdf_layer_usable(const lw_source *s, char *why, size_t whysize)
{
    if (why && whysize)
        why[0] = '\0';
    lw_pdf_layer_stats st;
    lw_pdf_layer_measure(s, &st);
    if (st.pages == 0) {
        say(why, whysize, LW_MSG_PDF_WHY_NO_TEXT, 0u, 0u);
        return 0;
    }
    /* most pages are images: OCR them all rather than mix the two readings in one document */
    if (st.text_pages * 2 < st.pages) {
        say(why, whysize, st.stamp_lines ? LW_MSG_PDF_WHY_STAMP : LW_MSG_PDF_WHY_NO_TEXT, st.text_pages, st.pages);
        return 0;
    }
    /* mojibake first: a wrong font map may keep marks on its wrong letters */
    if (st.letters >= 200 && st.odd_letters * 100 > st.letters) {
        say(why, whysize, LW_MSG_PDF_WHY_FONT, (unsigned)(st.odd_letters * 100 / st.letters));
        return 0;
    }
    /* a font whose glyphs map to other Latin letters ("Fùqj krd"): real Vietnamese reads as
     * syllables word after word (95 % and more), even with its marks lost (about 45 %); such
     * mojibake, a few in a hundred */
    if (st.words >= 30 && st.vn_words * 100 < st.words * LW_PDF_MIN_SYLLABLE_PCT) {
        say(why, whysize, LW_MSG_PDF_WHY_NOT_VN, (unsigned)(st.vn_words * 100 / st.words));
        return 0;
    }
    /* Vietnamese prose marks about two words in three; a layer that lost its marks, a few in a hundred */
    if (st.vn_words >= 30 && st.vn_marked * 100 < st.vn_words * LW_PDF_MIN_MARKED_PCT) {
        say(why, whysize, LW_MSG_PDF_WHY_MARKS, (unsigned)(st.vn_marked * 100 / st.vn_words));
        return 0;
    }
    return 1;
}
