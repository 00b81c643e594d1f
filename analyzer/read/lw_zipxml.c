/* lw_zipxml: ZIP entries and their XML, read with limits (see lw_zipxml.h). */
#define _GNU_SOURCE /* memmem */
#include "lw_zipxml.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <zip.h>

#include "lw_msg.h"

struct lw_zip {
    zip_t *za;
    size_t inflated; /* bytes inflated so far, all entries: checked against LW_ZIP_TOTAL_MAX */
};

lw_status lw_zip_open(const unsigned char *raw, size_t len, lw_zip **out, lw_error *err)
{
    *out = NULL;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(raw, len, 0, &ze);
    if (!src) {
        zip_error_fini(&ze);
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    /* ZIP_CHECKCONS: the central directory must agree with the local headers, so a forged
     * archive fails here rather than half-way through an entry */
    zip_t *za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    if (!za) {
        zip_source_free(src);
        lw_status st = lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_ZIP_BAD, zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return st;
    }
    zip_error_fini(&ze);
    zip_int64_t n = zip_get_num_entries(za, 0);
    if (n > LW_ZIP_ENTRIES_MAX) {
        zip_discard(za);
        return lw_error_msg(err, LW_ERR_LIMIT, NULL, 0, 0, LW_MSG_ZIP_ENTRIES, (long long)n, LW_ZIP_ENTRIES_MAX);
    }
    lw_zip *z = calloc(1, sizeof *z);
    if (!z) {
        zip_discard(za);
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    z->za = za;
    *out = z;
    return LW_OK;
}

lw_status lw_zip_open_doc(const unsigned char *raw, size_t len, const char *part, const char *what, lw_zip **out,
                          lw_error *err)
{
    lw_status st = lw_zip_open(raw, len, out, err);
    if (st != LW_OK || lw_zip_has(*out, part))
        return st;
    lw_zip_close(*out);
    *out = NULL;
    return lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_ZIP_MISSING, part, what);
}

void lw_zip_close(lw_zip *z)
{
    if (!z)
        return;
    zip_discard(z->za); /* read-only: nothing to write back */
    free(z);
}

static zip_int64_t locate(lw_zip *z, const char *name)
{
    zip_int64_t i = zip_name_locate(z->za, name, 0);
    return i >= 0 ? i : zip_name_locate(z->za, name, ZIP_FL_NOCASE);
}

int lw_zip_has(lw_zip *z, const char *name) { return locate(z, name) >= 0; }

lw_status lw_zip_read(lw_zip *z, const char *name, char **data, size_t *len, lw_error *err)
{
    *data = NULL;
    *len = 0;
    zip_int64_t idx = locate(z, name);
    if (idx < 0)
        return lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_ZIP_MISSING, name, "Office");
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(z->za, (zip_uint64_t)idx, 0, &st) != 0)
        return lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_ZIP_ENTRY_BAD, name, zip_strerror(z->za));
    size_t budget = LW_ZIP_TOTAL_MAX - z->inflated;
    size_t comp = (st.valid & ZIP_STAT_COMP_SIZE) ? (size_t)st.comp_size : 0;
    size_t stated = (st.valid & ZIP_STAT_SIZE) ? (size_t)st.size : 0;
    /* what the archive states is checked first (cheap), then the bytes as they come */
    if (stated > LW_ZIP_RATIO_FLOOR && stated / LW_ZIP_RATIO_MAX > comp)
        return lw_error_msg(err, LW_ERR_LIMIT, NULL, 0, 0, LW_MSG_ZIP_BOMB, name, LW_ZIP_RATIO_MAX);
    if (stated > budget)
        return lw_error_msg(err, LW_ERR_LIMIT, NULL, 0, 0, LW_MSG_ZIP_TOO_LARGE, name,
                            (int)(LW_ZIP_TOTAL_MAX >> 20));
    zip_file_t *f = zip_fopen_index(z->za, (zip_uint64_t)idx, 0);
    if (!f)
        return lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_ZIP_ENTRY_BAD, name, zip_strerror(z->za));
    lw_buf b = {0};
    lw_status rc = LW_OK;
    char chunk[65536];
    for (;;) {
        zip_int64_t k = zip_fread(f, chunk, sizeof chunk);
        if (k < 0) {
            rc = lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_ZIP_ENTRY_BAD, name, zip_file_strerror(f));
            break;
        }
        if (k == 0)
            break;
        size_t got = b.len + (size_t)k;
        if (got > stated) {
            rc = lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_ZIP_SIZE_LIE, name);
            break;
        }
        if (got > LW_ZIP_RATIO_FLOOR && got / LW_ZIP_RATIO_MAX > comp) {
            rc = lw_error_msg(err, LW_ERR_LIMIT, NULL, 0, 0, LW_MSG_ZIP_BOMB, name, LW_ZIP_RATIO_MAX);
            break;
        }
        if (got > budget) {
            rc = lw_error_msg(err, LW_ERR_LIMIT, NULL, 0, 0, LW_MSG_ZIP_TOO_LARGE, name,
                              (int)(LW_ZIP_TOTAL_MAX >> 20));
            break;
        }
        if (lw_buf_append(&b, chunk, (size_t)k) != 0) {
            rc = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
            break;
        }
    }
    zip_fclose(f);
    if (rc == LW_OK && b.len != stated)
        rc = lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_ZIP_SIZE_LIE, name);
    if (rc == LW_OK && !b.data && lw_buf_putc(&b, 0) == 0)
        b.len = 0; /* an empty entry: still a NUL-terminated string */
    if (rc == LW_OK && !b.data)
        rc = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    if (rc != LW_OK) {
        lw_buf_free(&b);
        return rc;
    }
    z->inflated += b.len;
    *data = lw_buf_detach(&b, len);
    return LW_OK;
}

/* 1 when the XML declares a DTD (and so may declare entities). Office XML never does; the
 * markup "<!DOCTYPE" or "<!ENTITY" cannot stand in text (a '<' there is "&lt;"), so a hit
 * outside a comment or CDATA is a real declaration, and one inside costs only a refusal of
 * a file no Office program wrote. */
static int has_dtd(const char *p, size_t n)
{
    static const char *const marks[] = {"<!DOCTYPE", "<!ENTITY", "<!doctype"};
    for (size_t m = 0; m < sizeof marks / sizeof *marks; m++)
        if (memmem(p, n, marks[m], strlen(marks[m])))
            return 1;
    return 0;
}

/* Counts the nodes and measures the depth of the tree without recursion. */
static lw_status check_tree(xmlDoc *doc, const char *name, lw_error *err)
{
    xmlNode *n = xmlDocGetRootElement(doc);
    size_t nodes = 0;
    int depth = 0;
    while (n) {
        if (++nodes > LW_XML_NODES_MAX)
            return lw_error_msg(err, LW_ERR_LIMIT, NULL, 0, 0, LW_MSG_XML_NODES, name, LW_XML_NODES_MAX);
        if (n->type == XML_ELEMENT_NODE && n->children) {
            if (++depth > LW_XML_DEPTH_MAX)
                return lw_error_msg(err, LW_ERR_LIMIT, NULL, 0, 0, LW_MSG_XML_DEEP, name, LW_XML_DEPTH_MAX);
            n = n->children;
            continue;
        }
        while (n && !n->next) {
            n = n->parent;
            depth--;
            if (!n || n->type == XML_DOCUMENT_NODE || depth < 0)
                return LW_OK;
        }
        if (n)
            n = n->next;
    }
    return LW_OK;
}

/* libxml2 sets up its globals on first use, which is not safe from two threads at once */
static pthread_once_t xml_once = PTHREAD_ONCE_INIT;
static void xml_init(void) { xmlInitParser(); }

lw_status lw_xml_parse(const char *data, size_t len, const char *name, xmlDoc **out, lw_error *err)
{
    *out = NULL;
    pthread_once(&xml_once, xml_init);
    if (has_dtd(data, len))
        return lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_XML_DTD, name);
    if (len > (size_t)INT32_MAX)
        return lw_error_msg(err, LW_ERR_LIMIT, NULL, 0, 0, LW_MSG_ZIP_TOO_LARGE, name, (int)(LW_ZIP_TOTAL_MAX >> 20));
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    /* No XML_PARSE_NOENT (entities stay unexpanded), no XML_PARSE_DTDLOAD or DTDATTR (no
     * DTD is read), no XML_PARSE_HUGE (libxml2 keeps its own depth and size limits),
     * XML_PARSE_NONET (nothing is fetched); errors are reported here, not on stderr. */
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
    xmlCtxtUseOptions(ctxt, opts);
    ctxt->replaceEntities = 0;
    ctxt->loadsubset = 0;
    ctxt->validate = 0;
    xmlDoc *doc = xmlCtxtReadMemory(ctxt, data, (int)len, name, NULL, opts);
    if (!doc || !ctxt->wellFormed || !xmlDocGetRootElement(doc)) {
        const xmlError *e = xmlCtxtGetLastError(ctxt);
        lw_status st;
        if (e && e->message && strstr(e->message, "depth"))
            st = lw_error_msg(err, LW_ERR_LIMIT, NULL, 0, 0, LW_MSG_XML_DEEP, name, LW_XML_DEPTH_MAX);
        else {
            char msg[200];
            snprintf(msg, sizeof msg, "%s", e && e->message ? e->message : "no root element");
            size_t k = strlen(msg);
            while (k && (msg[k - 1] == '\n' || msg[k - 1] == ' '))
                msg[--k] = 0;
            st = lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_XML_BAD, name, e ? e->line : 0, msg);
        }
        xmlFreeDoc(doc);
        xmlFreeParserCtxt(ctxt);
        return st;
    }
    xmlFreeParserCtxt(ctxt);
    if (doc->intSubset || doc->extSubset) { /* has_dtd missed a spelling: refuse all the same */
        xmlFreeDoc(doc);
        return lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_XML_DTD, name);
    }
    lw_status st = check_tree(doc, name, err);
    if (st != LW_OK) {
        xmlFreeDoc(doc);
        return st;
    }
    *out = doc;
    return LW_OK;
}

lw_status lw_zip_read_xml(lw_zip *z, const char *name, xmlDoc **out, lw_error *err)
{
    *out = NULL;
    char *data;
    size_t len;
    lw_status st = lw_zip_read(z, name, &data, &len, err);
    if (st != LW_OK)
        return st;
    st = lw_xml_parse(data, len, name, out, err);
    free(data);
    return st;
}

int lw_xml_is(const xmlNode *n, const char *ns, const char *name)
{
    if (!n || n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, name))
        return 0;
    if (!ns)
        return 1;
    return n->ns && n->ns->href && !strcmp((const char *)n->ns->href, ns);
}

const char *lw_xml_attr(const xmlNode *n, const char *name)
{
    if (!n || n->type != XML_ELEMENT_NODE)
        return NULL;
    for (const xmlAttr *a = n->properties; a; a = a->next)
        if (!strcmp((const char *)a->name, name)) {
            const xmlNode *t = a->children;
            return t && t->type == XML_TEXT_NODE && t->content ? (const char *)t->content : "";
        }
    return NULL;
}

xmlNode *lw_xml_child(const xmlNode *n, const char *ns, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (lw_xml_is(c, ns, name))
            return c;
    return NULL;
}

void lw_xml_copy(char *dst, size_t size, const char *src)
{
    if (!size)
        return;
    size_t n = src ? strlen(src) : 0;
    if (n >= size) {
        n = size - 1;
        while (n && ((unsigned char)src[n] & 0xC0) == 0x80) /* src[n] continues a character */
            n--;
    }
    if (n)
        memcpy(dst, src, n);
    dst[n] = 0;
}

int lw_xml_put_cp(lw_buf *b, unsigned long cp)
{
    if (cp >= 0xF000 && cp <= 0xF0FF) { /* a Symbol or Wingdings glyph */
        unsigned lo = (unsigned)(cp - 0xF000);
        cp = lo >= 0x21 && lo <= 0x7E ? lo : 0x2022;
    }
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    else if ((cp < 0x20 && cp != '\t') || cp == 0x7F)
        cp = ' '; /* a control character from a symbol's code: nothing a reader sees */
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return lw_buf_append(b, u, n);
}

/* ---- building the source ---- */

static int blank(char ch) { return ch == ' ' || ch == '\t' || ch == '\r'; }

/* Bytes of the blank (space, tab, no-break space U+00A0) at t[i..n), 0 when none; with nl a
 * '\n' counts as one. */
static size_t blank_at(const char *t, size_t i, size_t n, int nl)
{
    if (i >= n)
        return 0;
    if (blank(t[i]) || (nl && t[i] == '\n'))
        return 1;
    return n - i >= 2 && (unsigned char)t[i] == 0xC2 && (unsigned char)t[i + 1] == 0xA0 ? 2 : 0;
}

/* Bytes of the blank ending at t[..e), with a at most that far back. */
static size_t blank_before(const char *t, size_t a, size_t e, int nl)
{
    if (e <= a)
        return 0;
    if (blank(t[e - 1]) || (nl && t[e - 1] == '\n'))
        return 1;
    return e - a >= 2 && (unsigned char)t[e - 2] == 0xC2 && (unsigned char)t[e - 1] == 0xA0 ? 2 : 0;
}

/* 1 when t[0..n) reads as a page number: digits with at most dashes, spaces and "Trang". */
static int is_page_number(const char *t, size_t n)
{
    int digits = 0;
    for (size_t i = 0; i < n; i++) {
        if (t[i] >= '0' && t[i] <= '9')
            digits++;
        else if (n - i >= 5 && !memcmp(t + i, "Trang", 5))
            i += 4;
        else if (blank_at(t, i, n, 1))
            i += blank_at(t, i, n, 1) - 1;
        else if (t[i] != '-' && t[i] != '/')
            return 0;
    }
    return digits > 0;
}

int lw_emit_para(lw_emit *e, const char *t, size_t n, int page_number)
{
    size_t k = 0, w;
    while ((w = blank_at(t, k, n, 1)) > 0)
        k += w;
    if (k == n || (page_number && is_page_number(t, n)))
        return 0;
    e->para++;
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(t + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - t) : n, a = i, b = end;
        while (a < b && (w = blank_at(t, a, b, 0)) > 0)
            a += w;
        while ((w = blank_before(t, a, b, 0)) > 0)
            b -= w;
        if (b > a && lw_source_add_line(e->src, t + a, b - a, 0, e->para) != 0)
            return -1;
        i = end + 1;
    }
    return 0;
}

int lw_emit_cell_add(lw_buf *cell, const char *t, size_t n)
{
    size_t w;
    while ((w = blank_at(t, 0, n, 1)) > 0)
        t += w, n -= w;
    while ((w = blank_before(t, 0, n, 1)) > 0)
        n -= w;
    if (!n)
        return 0;
    int bad = 0;
    if (cell->len)
        bad |= lw_buf_append(cell, "<br>", 4);
    for (size_t i = 0; i < n; i++) {
        if (t[i] == '\n') {
            if (cell->len < 4 || memcmp(cell->data + cell->len - 4, "<br>", 4))
                bad |= lw_buf_append(cell, "<br>", 4);
        } else if (t[i] == '|') {
            bad |= lw_buf_append(cell, "\\|", 2);
        } else {
            bad |= lw_buf_putc(cell, blank(t[i]) ? ' ' : t[i]);
        }
    }
    return bad ? -1 : 0;
}

int lw_emit_row(lw_emit *e, const lw_buf *cells, size_t n, int separator)
{
    lw_buf b = {0};
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        bad |= lw_buf_append(&b, "| ", 2);
        if (cells[i].len)
            bad |= lw_buf_append(&b, cells[i].data, cells[i].len);
        bad |= lw_buf_putc(&b, ' ');
    }
    bad |= lw_buf_putc(&b, '|');
    e->para++;
    bad |= bad ? -1 : lw_source_add_line(e->src, b.data, b.len, 0, e->para);
    if (separator && !bad) {
        b.len = 0;
        for (size_t i = 0; i < n; i++)
            bad |= lw_buf_append(&b, "| --- ", 6);
        bad |= lw_buf_putc(&b, '|');
        bad |= bad ? -1 : lw_source_add_line(e->src, b.data, b.len, 0, e->para);
    }
    lw_buf_free(&b);
    return bad ? -1 : 0;
}

int lw_emit_caption(lw_emit *e, const lw_buf *cell)
{
    lw_buf b = {0};
    int bad = 0;
    for (size_t i = 0; i < cell->len; i++) {
        if (cell->len - i >= 4 && !memcmp(cell->data + i, "<br>", 4)) {
            bad |= lw_buf_putc(&b, '\n');
            i += 3;
        } else if (cell->len - i >= 2 && cell->data[i] == '\\' && cell->data[i + 1] == '|') {
            bad |= lw_buf_putc(&b, '|');
            i++;
        } else {
            bad |= lw_buf_putc(&b, cell->data[i]);
        }
    }
    if (!bad && b.len)
        bad |= lw_emit_para(e, b.data, b.len, 0);
    lw_buf_free(&b);
    return bad ? -1 : 0;
}
