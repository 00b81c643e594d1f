/* lw_doc: file -> (reader ->) decoded -> normalized, with offset and line mapping back to the
 * file or to the reader's text. */
#include "lw_doc.h"
#include "lw_file.h"
#include "lw_msg.h"

#include <openssl/evp.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lw_doc_options_default(lw_doc_options *o)
{
    memset(o, 0, sizeof *o);
    o->encoding = LW_ENC_AUTO;
    lw_norm_options_default(&o->norm);
    lw_read_options_default(&o->read);
}

void lw_sha256_hex(const unsigned char *p, size_t n, char out[65])
{
    unsigned char md[32];
    unsigned int mdlen = 0;
    EVP_Digest(p, n, md, &mdlen, EVP_sha256(), NULL);
    for (unsigned i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    out[64] = '\0';
}

void lw_doc_free(lw_doc *d)
{
    if (!d)
        return;
    free(d->path);
    free(d->raw);
    lw_decoded_free(d->dec);
    lw_normalized_free(d->norm);
    free(d->line_starts);
    lw_source_free(d->src);
    free(d);
}

/* First room for line starts; doubled as needed. */
#define LW_DOC_LINES_MIN 64

/* Decodes and normalizes the stored text (raw, or src->text as UTF-8) and finds its lines. */
static lw_status finish(lw_doc *d, const lw_doc_options *opt, lw_error *err)
{
    lw_doc_options def;
    if (!opt) {
        lw_doc_options_default(&def);
        opt = &def;
    }
    size_t tn;
    const unsigned char *text = lw_doc_stored(d, &tn);
    if (tn > LW_DOC_MAX_BYTES)
        return lw_error_msg(err, LW_ERR_TOO_LARGE, d->path, 0, 0, d->src ? LW_MSG_DOC_SOURCE_TOO_LARGE : LW_MSG_DOC_TOO_LARGE,
                            (double)tn / (1024.0 * 1024.0), LW_DOC_MAX_BYTES / (1024 * 1024));
    lw_sha256_hex(d->raw, d->raw_len, d->sha256);
    lw_status st = lw_decode(text, tn, d->src ? LW_ENC_UTF8 : opt->encoding, d->path, &d->dec, err);
    if (st)
        return st;
    st = lw_normalize(d->dec->text, d->dec->len, &opt->norm, &d->norm, err);
    if (st) {
        if (err && !err->file[0])
            snprintf(err->file, sizeof err->file, "%s", d->path);
        return st;
    }
    /* line starts in the decoded text: LF, CRLF and lone CR all end a line */
    size_t cap = LW_DOC_LINES_MIN, n = 0;
    d->line_starts = malloc(cap * sizeof *d->line_starts);
    if (!d->line_starts)
        return lw_error_msg(err, LW_ERR_NOMEM, d->path, 0, 0, LW_MSG_NOMEM);
    d->line_starts[n++] = 0;
    const char *t = d->dec->text;
    for (size_t i = 0; i < d->dec->len; i++) {
        int brk = t[i] == '\n' || (t[i] == '\r' && (i + 1 >= d->dec->len || t[i + 1] != '\n'));
        if (!brk)
            continue;
        if (n == cap) {
            cap *= 2;
            uint32_t *p = realloc(d->line_starts, cap * sizeof *p);
            if (!p)
                return lw_error_msg(err, LW_ERR_NOMEM, d->path, 0, 0, LW_MSG_NOMEM);
            d->line_starts = p;
        }
        d->line_starts[n++] = (uint32_t)(i + 1);
    }
    d->n_lines = n;
    return LW_OK;
}

/* d (with path and raw) read: plain text is decoded as it is; another format goes through
 * its reader first. Frees d on error. */
static lw_status load(lw_doc *d, const lw_doc_options *opt, lw_doc **out, lw_error *err)
{
    lw_read_kind kind = lw_read_sniff(d->raw, d->raw_len);
    lw_status st = LW_OK;
    if (kind != LW_KIND_TEXT) {
        lw_doc_options def;
        if (!opt) {
            lw_doc_options_default(&def);
            opt = &def;
        }
        if (d->raw_len > LW_DOC_MAX_FILE_BYTES)
            st = lw_error_msg(err, LW_ERR_TOO_LARGE, d->path, 0, 0, LW_MSG_DOC_FILE_TOO_LARGE,
                              (double)d->raw_len / (1024.0 * 1024.0), (int)(LW_DOC_MAX_FILE_BYTES / (1024 * 1024)));
        else
            st = lw_read_source(d->path, d->raw, d->raw_len, kind, &opt->read, &d->src, err);
    }
    if (!st)
        st = finish(d, opt, err);
    if (st) {
        lw_doc_free(d);
        return st;
    }
    *out = d;
    return LW_OK;
}

/* A document named path holding a copy of bytes; NULL when out of memory. */
static lw_doc *doc_new(const char *path, const unsigned char *bytes, size_t len)
{
    lw_doc *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->path = strdup(path ? path : "");
    d->raw = malloc(len + 1);
    if (!d->path || !d->raw) {
        lw_doc_free(d);
        return NULL;
    }
    if (len)
        memcpy(d->raw, bytes, len);
    d->raw[len] = 0;
    d->raw_len = len;
    return d;
}

lw_status lw_doc_from_bytes(const char *path, const unsigned char *bytes, size_t len,
                            const lw_doc_options *opt, lw_doc **out, lw_error *err)
{
    *out = NULL;
    lw_doc *d = doc_new(path, bytes, len);
    if (!d)
        return lw_error_msg(err, LW_ERR_NOMEM, path, 0, 0, LW_MSG_NOMEM);
    return load(d, opt, out, err);
}

lw_status lw_doc_from_source(const char *path, const unsigned char *raw, size_t len, lw_source *src,
                             const lw_doc_options *opt, lw_doc **out, lw_error *err)
{
    *out = NULL;
    lw_doc *d = doc_new(path, raw, len);
    if (!d) {
        lw_source_free(src);
        return lw_error_msg(err, LW_ERR_NOMEM, path, 0, 0, LW_MSG_NOMEM);
    }
    d->src = src;
    lw_status st = finish(d, opt, err);
    if (st) {
        lw_doc_free(d);
        return st;
    }
    *out = d;
    return LW_OK;
}

lw_status lw_doc_load(const char *path, const lw_doc_options *opt, lw_doc **out, lw_error *err)
{
    *out = NULL;
    lw_doc *d = calloc(1, sizeof *d);
    if (!d)
        return lw_error_msg(err, LW_ERR_NOMEM, path, 0, 0, LW_MSG_NOMEM);
    d->path = strdup(path);
    if (!d->path) {
        lw_doc_free(d);
        return lw_error_msg(err, LW_ERR_NOMEM, path, 0, 0, LW_MSG_NOMEM);
    }
    /* a file past every cap is refused before it is read into memory */
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && (unsigned long long)sb.st_size > LW_DOC_MAX_FILE_BYTES) {
        lw_doc_free(d);
        return lw_error_msg(err, LW_ERR_TOO_LARGE, path, 0, 0, LW_MSG_DOC_FILE_TOO_LARGE,
                            (double)sb.st_size / (1024.0 * 1024.0), (int)(LW_DOC_MAX_FILE_BYTES / (1024 * 1024)));
    }
    lw_status st = lw_read_file(path, &d->raw, &d->raw_len, err);
    if (st) {
        lw_doc_free(d);
        return st;
    }
    return load(d, opt, out, err);
}

const unsigned char *lw_doc_stored(const lw_doc *d, size_t *len)
{
    if (d->src) {
        *len = d->src->len;
        return (const unsigned char *)d->src->text;
    }
    *len = d->raw_len;
    return d->raw;
}

const char *lw_doc_text(const lw_doc *d, size_t *len)
{
    if (len)
        *len = d->norm->len;
    return d->norm->text;
}

static size_t dec_offset(const lw_doc *d, size_t off)
{
    if (off > d->norm->len)
        off = d->norm->len;
    return d->norm->map ? d->norm->map[off] : off;
}

size_t lw_doc_orig_offset(const lw_doc *d, size_t off)
{
    size_t o = dec_offset(d, off);
    if (o > d->dec->len)
        o = d->dec->len;
    return d->dec->map ? d->dec->map[o] : o;
}

/* 1-based line of decoded offset o in the stored text. */
static int stored_line(const lw_doc *d, size_t o)
{
    size_t lo = 0, hi = d->n_lines;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (d->line_starts[mid] <= o)
            lo = mid;
        else
            hi = mid;
    }
    return (int)lo + 1;
}

int lw_doc_line(const lw_doc *d, size_t off)
{
    if (d->src && d->src->pages) {
        const lw_source_line *l = lw_source_line_at(d->src, lw_doc_orig_offset(d, off));
        if (l && l->line)
            return (int)l->line;
    }
    return stored_line(d, dec_offset(d, off));
}

void lw_doc_position(const lw_doc *d, size_t start, size_t end, lw_doc_pos *pos)
{
    pos->page = 0;
    pos->paragraph = 0;
    pos->ocr_conf = -1;
    pos->line = stored_line(d, dec_offset(d, start));
    if (!d->src)
        return;
    size_t os, oe;
    lw_doc_orig_span(d, start, end, &os, &oe);
    const lw_source_line *l = lw_source_line_at(d->src, os);
    if (l) {
        pos->page = (int)l->page;
        pos->paragraph = (int)l->paragraph;
        if (l->page && l->line)
            pos->line = (int)l->line;
    }
    if (d->src->n_words)
        pos->ocr_conf = lw_source_min_conf(d->src, os, oe > os ? oe : os + 1);
}

void lw_doc_orig_span(const lw_doc *d, size_t start, size_t end, size_t *ostart, size_t *oend)
{
    *ostart = lw_doc_orig_offset(d, start);
    if (end <= start) {
        *oend = *ostart;
        return;
    }
    /* the end is one past the original byte that produced the last normalized byte,
     * extended over the rest of that UTF-8 character */
    size_t last = lw_doc_orig_offset(d, end - 1), n;
    const unsigned char *stored = lw_doc_stored(d, &n);
    size_t e = last + 1;
    while (e < n && (stored[e] & 0xC0) == 0x80 && d->dec->encoding == LW_ENC_UTF8)
        e++;
    if (d->dec->encoding != LW_ENC_UTF8) {
        /* legacy and UTF-16 encodings: the next mapped offset bounds the character */
        size_t nxt = lw_doc_orig_offset(d, end);
        if (nxt > last)
            e = nxt;
    }
    if (e < *ostart)
        e = *ostart;
    *oend = e;
}
