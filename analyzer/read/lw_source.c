/* lw_source: the text a reader got out of a file, with its positions (see the header). */
#include "lw_source.h"

#include <stdlib.h>
#include <string.h>

#include "lw_msg.h"

/* The serialization's first bytes; the digit is its version. */
static const char magic[8] = "LWSRC1\n";

static const char *const format_names[LW_SOURCE_FORMAT_COUNT] = {
    [LW_SOURCE_TEXT] = "text",           [LW_SOURCE_PDF_TEXT] = "pdf-text", [LW_SOURCE_PDF_OCR] = "pdf-ocr",
    [LW_SOURCE_IMAGE_OCR] = "image-ocr", [LW_SOURCE_DOCX] = "docx",         [LW_SOURCE_ODT] = "odt",
};

const char *lw_source_format_name(lw_source_format f)
{
    return (unsigned)f < LW_SOURCE_FORMAT_COUNT ? format_names[f] : "text";
}

lw_source *lw_source_create(lw_source_format format)
{
    lw_source *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->format = format;
    s->text = malloc(1);
    if (!s->text) {
        free(s);
        return NULL;
    }
    s->text[0] = '\0';
    s->cap_text = 1;
    return s;
}

void lw_source_free(lw_source *s)
{
    if (!s)
        return;
    free(s->text);
    free(s->lines);
    free(s->words);
    free(s);
}

/* Grows *v (n used, *cap allocated, of size each) to hold one more; 0 or -1. */
static int grow(void **v, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 64;
    void *p = realloc(*v, c * size);
    if (!p)
        return -1;
    *v = p;
    *cap = c;
    return 0;
}

int lw_source_add_line(lw_source *s, const char *text, size_t len, uint32_t page, uint32_t paragraph)
{
    if (len >= UINT32_MAX - 1 || s->len > UINT32_MAX - 2 - len)
        return -1;
    if (grow((void **)&s->lines, s->n_lines, &s->cap_lines, sizeof *s->lines))
        return -1;
    if (s->len + len + 2 > s->cap_text) {
        size_t c = s->cap_text * 2;
        if (c < s->len + len + 2)
            c = s->len + len + 2;
        char *p = realloc(s->text, c);
        if (!p)
            return -1;
        s->text = p;
        s->cap_text = c;
    }
    lw_source_line *l = &s->lines[s->n_lines];
    l->start = (uint32_t)s->len;
    l->page = page;
    l->paragraph = paragraph;
    l->line = 0;
    if (page) {
        const lw_source_line *prev = s->n_lines ? &s->lines[s->n_lines - 1] : NULL;
        l->line = prev && prev->page == page ? prev->line + 1 : 1;
        if (page > s->pages)
            s->pages = page;
    }
    char *d = s->text + s->len;
    for (size_t i = 0; i < len; i++)
        d[i] = text[i] == '\n' || text[i] == '\r' ? ' ' : text[i];
    d[len] = '\n';
    s->len += len + 1;
    s->text[s->len] = '\0';
    s->n_lines++;
    return 0;
}

int lw_source_add_word(lw_source *s, size_t start, size_t end, int conf)
{
    if (start > end || end > s->len)
        return -1;
    if (grow((void **)&s->words, s->n_words, &s->cap_words, sizeof *s->words))
        return -1;
    lw_source_word *w = &s->words[s->n_words++];
    w->start = (uint32_t)start;
    w->end = (uint32_t)end;
    w->conf = (uint8_t)(conf < 0 ? 0 : conf > 100 ? 100 : conf);
    return 0;
}

const lw_source_line *lw_source_line_at(const lw_source *s, size_t off)
{
    if (!s->n_lines)
        return NULL;
    /* the last line starting at or before off */
    size_t lo = 0, hi = s->n_lines;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->lines[mid].start <= off)
            lo = mid;
        else
            hi = mid;
    }
    return &s->lines[lo];
}

int lw_source_min_conf(const lw_source *s, size_t start, size_t end)
{
    /* the first word ending after start; words are in text order and do not overlap */
    size_t lo = 0, hi = s->n_words;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->words[mid].end <= start)
            lo = mid + 1;
        else
            hi = mid;
    }
    int min = -1;
    for (size_t i = lo; i < s->n_words && s->words[i].start < end; i++)
        if (min < 0 || s->words[i].conf < min)
            min = s->words[i].conf;
    return min;
}

/* ---- serialization: little-endian integers, lengths before their bytes ---- */

static int put_u32(lw_buf *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    return lw_buf_append(b, x, 4);
}

static int put_str(lw_buf *b, const char *p, size_t n) { return put_u32(b, (uint32_t)n) || lw_buf_append(b, p, n); }

lw_status lw_source_serialize(const lw_source *s, unsigned char **out, size_t *len, lw_error *err)
{
    lw_buf b = {0};
    int bad = lw_buf_append(&b, magic, sizeof magic) || put_u32(&b, (uint32_t)s->format) || put_u32(&b, s->pages) ||
              put_str(&b, s->ocr_engine, strnlen(s->ocr_engine, sizeof s->ocr_engine)) ||
              put_str(&b, s->note, strnlen(s->note, sizeof s->note)) || put_str(&b, s->text, s->len) ||
              put_u32(&b, (uint32_t)s->n_lines);
    for (size_t i = 0; i < s->n_lines && !bad; i++)
        bad = put_u32(&b, s->lines[i].start) || put_u32(&b, s->lines[i].page) || put_u32(&b, s->lines[i].line) ||
              put_u32(&b, s->lines[i].paragraph);
    bad = bad || put_u32(&b, (uint32_t)s->n_words);
    for (size_t i = 0; i < s->n_words && !bad; i++)
        bad = put_u32(&b, s->words[i].start) || put_u32(&b, s->words[i].end) || lw_buf_putc(&b, (char)s->words[i].conf);
    if (bad) {
        lw_buf_free(&b);
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    *len = b.len;
    *out = (unsigned char *)lw_buf_detach(&b, NULL);
    return LW_OK;
}

typedef struct {
    const unsigned char *p;
    size_t left;
    int bad;
} reader;

static uint32_t get_u32(reader *r)
{
    if (r->left < 4) {
        r->bad = 1;
        return 0;
    }
    uint32_t v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 | (uint32_t)r->p[3] << 24;
    r->p += 4;
    r->left -= 4;
    return v;
}

/* A length-prefixed string of at most max bytes: its bytes (borrowed) and length. */
static const unsigned char *get_str(reader *r, size_t max, size_t *n)
{
    *n = get_u32(r);
    if (r->bad || *n > max || *n > r->left) {
        r->bad = 1;
        return NULL;
    }
    const unsigned char *p = r->p;
    r->p += *n;
    r->left -= *n;
    return p;
}

lw_status lw_source_deserialize(const unsigned char *p, size_t len, lw_source **out, lw_error *err)
{
    *out = NULL;
    reader r = {p, len, 0};
    if (len < sizeof magic || memcmp(p, magic, sizeof magic))
        return lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_SOURCE_BAD);
    r.p += sizeof magic;
    r.left -= sizeof magic;
    uint32_t format = get_u32(&r), pages = get_u32(&r);
    size_t ne, nn, nt;
    const unsigned char *eng = get_str(&r, LW_SOURCE_ENGINE_MAX - 1, &ne);
    const unsigned char *note = get_str(&r, LW_SOURCE_NOTE_MAX - 1, &nn);
    const unsigned char *text = get_str(&r, UINT32_MAX - 2, &nt);
    uint32_t n_lines = get_u32(&r);
    if (r.bad || format >= LW_SOURCE_FORMAT_COUNT || n_lines > r.left / 16)
        return lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_SOURCE_BAD);
    lw_source *s = calloc(1, sizeof *s);
    if (!s || !(s->text = malloc(nt + 1)) || (n_lines && !(s->lines = malloc(n_lines * sizeof *s->lines)))) {
        lw_source_free(s);
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    s->format = (lw_source_format)format;
    s->pages = pages;
    memcpy(s->ocr_engine, eng, ne);
    memcpy(s->note, note, nn);
    memcpy(s->text, text, nt);
    s->text[nt] = '\0';
    s->len = s->cap_text = nt;
    s->n_lines = s->cap_lines = n_lines;
    for (size_t i = 0; i < n_lines; i++) {
        lw_source_line *l = &s->lines[i];
        l->start = get_u32(&r);
        l->page = get_u32(&r);
        l->line = get_u32(&r);
        l->paragraph = get_u32(&r);
        if (l->start > nt || (i && l->start < s->lines[i - 1].start))
            r.bad = 1;
    }
    uint32_t n_words = get_u32(&r);
    if (!r.bad && n_words > r.left / 9)
        r.bad = 1;
    if (!r.bad && n_words && !(s->words = malloc(n_words * sizeof *s->words))) {
        lw_source_free(s);
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    for (size_t i = 0; i < n_words && !r.bad; i++) {
        lw_source_word *w = &s->words[i];
        w->start = get_u32(&r);
        w->end = get_u32(&r);
        w->conf = r.left ? *r.p : 0;
        if (r.left) {
            r.p++;
            r.left--;
        } else
            r.bad = 1;
        if (w->start > w->end || w->end > nt || w->conf > 100 || (i && w->start < s->words[i - 1].end))
            r.bad = 1;
    }
    s->n_words = s->cap_words = r.bad ? 0 : n_words;
    if (r.bad || r.left) {
        lw_source_free(s);
        return lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_SOURCE_BAD);
    }
    *out = s;
    return LW_OK;
}
