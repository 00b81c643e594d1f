/* lw_odt: an OpenDocument text (.odt) file's text, paragraph by paragraph (see lw_odt.h).
 * Works over the tree of content.xml (lw_zipxml parses it with its limits); list labels
 * are not in the file and are computed from the list styles, as LibreOffice counts them. */
#include "lw_odt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lw_msg.h"
#include "lw_zipxml.h"

#define TEXT_NS "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define TABLE_NS "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define OFFICE_NS "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define STYLE_NS "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
#define DRAW_NS "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"

#define LEVELS 10 /* ODF list levels */
#define LSTYLE_MAX 4096
#define NOTE_MAX 20000
#define DEFER_MAX 4096
#define TABLE_COLS_MAX 64
#define SPACES_MAX 200 /* text:s c="N": more is a hostile file's padding */

enum { F_NUMBER, F_LOWER_LETTER, F_UPPER_LETTER, F_LOWER_ROMAN, F_UPPER_ROMAN, F_BULLET, F_NONE };

typedef struct {
    int fmt, start, display;
    char prefix[16], suffix[16], bullet[8];
} olvl;

typedef struct {
    const char *name; /* borrowed from the tree it was read from (kept until the end) */
    size_t order;     /* when it was read: of two styles of one name, the later counts */
    olvl lvl[LEVELS];
    int count[LEVELS];
    int started[LEVELS];
} lstyle;

typedef struct {
    lw_emit e;
    lstyle *ls;
    size_t nls;
    xmlNode *notes[NOTE_MAX]; /* text:note elements met, read after the body */
    size_t nnotes;
    xmlNode *defer[DEFER_MAX]; /* text boxes of the current paragraph, read after it */
    size_t ndefer;
    const char *outline_name; /* the outline style's own name (borrowed), lists may use it */
    int in_cell, page_num, nomem;
} octx;

static int is_t(const xmlNode *n, const char *name) { return lw_xml_is(n, TEXT_NS, name); }
static int is_tab(const xmlNode *n, const char *name) { return lw_xml_is(n, TABLE_NS, name); }

static int to_int(const char *s, int dflt)
{
    if (!s || !*s)
        return dflt;
    char *end;
    long v = strtol(s, &end, 10);
    return *end || v < -1000000 || v > 1000000 ? dflt : (int)v;
}

/* ---- list styles and labels ---- */

static int fmt_of(const char *f)
{
    if (!f)
        return F_NUMBER;
    if (!*f)
        return F_NONE;
    switch (f[0]) {
    case 'a': return F_LOWER_LETTER;
    case 'A': return F_UPPER_LETTER;
    case 'i': return F_LOWER_ROMAN;
    case 'I': return F_UPPER_ROMAN;
    default: return F_NUMBER;
    }
}

/* The heading numbering (text:outline-style) is kept as a list style of this name, which no
 * real style can have (style names are XML NCNames). */
#define OUTLINE "#outline"

static void read_list_styles(octx *c, xmlNode *parent)
{
    for (xmlNode *s = parent ? parent->children : NULL; s; s = s->next) {
        int outline = is_t(s, "outline-style");
        if ((!is_t(s, "list-style") || !lw_xml_attr(s, "name")) && !outline)
            continue;
        if (c->nls >= LSTYLE_MAX)
            continue;
        lstyle *p = realloc(c->ls, (c->nls + 1) * sizeof *p);
        if (!p) {
            c->nomem = 1;
            return;
        }
        c->ls = p;
        lstyle *l = &c->ls[c->nls++];
        memset(l, 0, sizeof *l);
        l->name = outline ? OUTLINE : lw_xml_attr(s, "name");
        if (outline)
            c->outline_name = lw_xml_attr(s, "name");
        l->order = c->nls;
        for (int k = 0; k < LEVELS; k++) {
            l->lvl[k].fmt = F_NONE;
            l->lvl[k].start = 1;
            l->lvl[k].display = 1;
        }
        for (xmlNode *v = s->children; v; v = v->next) {
            int num = is_t(v, "list-level-style-number") || is_t(v, "outline-level-style"),
                bul = is_t(v, "list-level-style-bullet");
            int k = to_int(lw_xml_attr(v, "level"), 0) - 1;
            if ((!num && !bul) || k < 0 || k >= LEVELS)
                continue;
            olvl *o = &l->lvl[k];
            if (bul) {
                o->fmt = F_BULLET;
                lw_xml_copy(o->bullet, sizeof o->bullet, lw_xml_attr(v, "bullet-char"));
                continue;
            }
            o->fmt = fmt_of(lw_xml_attr(v, "num-format"));
            o->start = to_int(lw_xml_attr(v, "start-value"), 1);
            o->display = to_int(lw_xml_attr(v, "display-levels"), 1);
            lw_xml_copy(o->prefix, sizeof o->prefix, lw_xml_attr(v, "num-prefix"));
            lw_xml_copy(o->suffix, sizeof o->suffix, lw_xml_attr(v, "num-suffix"));
        }
    }
}

static int cmp_lstyle(const void *a, const void *b)
{
    const lstyle *x = a, *y = b;
    int k = strcmp(x->name, y->name);
    return k ? k : (x->order > y->order) - (x->order < y->order);
}

/* Sorts the styles once all are read, so that each list finds its style by bisection. */
static void sort_list_styles(octx *c)
{
    if (c->nls)
        qsort(c->ls, c->nls, sizeof *c->ls, cmp_lstyle);
}

static lstyle *find_list_style(octx *c, const char *name)
{
    if (!name || !c->nls)
        return NULL;
    size_t lo = 0, hi = c->nls; /* the first style named name or after it */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(c->ls[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == c->nls || strcmp(c->ls[lo].name, name))
        return NULL;
    /* the last read of that name: content.xml's automatic styles come after styles.xml's */
    while (lo + 1 < c->nls && !strcmp(c->ls[lo + 1].name, name))
        lo++;
    return &c->ls[lo];
}

static void put_roman(lw_buf *b, int v, int upper, int *bad)
{
    static const struct {
        int v;
        const char *s;
    } r[] = {{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"},
             {40, "xl"},  {10, "x"},   {9, "ix"},  {5, "v"},    {4, "iv"},  {1, "i"}};
    for (size_t i = 0; i < sizeof r / sizeof *r; i++)
        while (v >= r[i].v) {
            for (const char *s = r[i].s; *s; s++)
                *bad |= lw_buf_putc(b, upper ? (char)(*s - 'a' + 'A') : *s);
            v -= r[i].v;
        }
}

static void put_count(lw_buf *b, int fmt, int v, int *bad)
{
    if ((fmt == F_LOWER_ROMAN || fmt == F_UPPER_ROMAN) && v > 0 && v < 4000)
        put_roman(b, v, fmt == F_UPPER_ROMAN, bad);
    else if ((fmt == F_LOWER_LETTER || fmt == F_UPPER_LETTER) && v > 0) {
        for (int k = (v - 1) / 26 + 1; k > 0; k--) /* a..z, aa..zz as LibreOffice */
            *bad |= lw_buf_putc(b, (char)((fmt == F_UPPER_LETTER ? 'A' : 'a') + (v - 1) % 26));
    } else
        *bad |= lw_buf_printf(b, "%d", v);
}

/* Counts an item of list style l at level k (0-based) and appends its label to b. */
static void list_label(octx *c, lstyle *l, int k, int start_value, lw_buf *b)
{
    if (!l || k < 0 || k >= LEVELS)
        return;
    if (start_value > 0) {
        l->count[k] = start_value;
        l->started[k] = 1;
    } else if (!l->started[k]) {
        l->count[k] = l->lvl[k].start;
        l->started[k] = 1;
    } else {
        l->count[k]++;
    }
    for (int j = k + 1; j < LEVELS; j++)
        l->started[j] = 0;
    const olvl *o = &l->lvl[k];
    int bad = 0;
    size_t before = b->len;
    if (o->fmt == F_BULLET) {
        const unsigned char *u = (const unsigned char *)o->bullet;
        unsigned long cp = 0;
        if (u[0] >= 0xE0 && u[0] < 0xF0 && u[1] && u[2])
            cp = ((unsigned long)(u[0] & 0x0F) << 12) | ((unsigned long)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
        if (cp >= 0xF000 && cp <= 0xF0FF)
            bad |= lw_xml_put_cp(b, cp);
        else
            bad |= lw_buf_append(b, o->bullet, strlen(o->bullet));
    } else if (o->fmt != F_NONE || o->prefix[0] || o->suffix[0]) {
        bad |= lw_buf_append(b, o->prefix, strlen(o->prefix));
        if (o->fmt != F_NONE) {
            int from = k - (o->display > 1 ? o->display - 1 : 0);
            for (int j = from < 0 ? 0 : from; j <= k; j++) {
                if (j < k)
                    put_count(b, l->lvl[j].fmt == F_NONE || l->lvl[j].fmt == F_BULLET ? F_NUMBER : l->lvl[j].fmt,
                              l->started[j] ? l->count[j] : l->lvl[j].start, &bad);
                else
                    put_count(b, o->fmt, l->count[k], &bad);
                if (j < k)
                    bad |= lw_buf_putc(b, '.');
            }
        }
        bad |= lw_buf_append(b, o->suffix, strlen(o->suffix));
    }
    if (b->len > before)
        bad |= lw_buf_putc(b, ' ');
    c->nomem |= bad != 0;
}

/* ---- paragraphs ---- */

static void blocks(octx *c, xmlNode *parent);

static void inline_text(octx *c, xmlNode *n, lw_buf *b)
{
    for (xmlNode *k = n->children; k && !c->nomem; k = k->next) {
        if (k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) {
            if (k->content)
                c->nomem |= lw_buf_append(b, k->content, strlen((const char *)k->content)) != 0;
            continue;
        }
        if (k->type != XML_ELEMENT_NODE)
            continue;
        if (is_t(k, "s")) {
            int count = to_int(lw_xml_attr(k, "c"), 1);
            for (int i = 0; i < count && i < SPACES_MAX; i++)
                c->nomem |= lw_buf_putc(b, ' ') != 0;
        } else if (is_t(k, "tab")) {
            c->nomem |= lw_buf_putc(b, '\t') != 0;
        } else if (is_t(k, "number")) { /* a heading's number as the writer stored it */
            inline_text(c, k, b);
            c->nomem |= lw_buf_putc(b, ' ') != 0;
        } else if (is_t(k, "line-break")) {
            c->nomem |= lw_buf_putc(b, '\n') != 0;
        } else if (is_t(k, "note")) {
            if (c->nnotes < NOTE_MAX)
                c->notes[c->nnotes++] = k;
        } else if (lw_xml_is(k, DRAW_NS, "text-box")) {
            if (c->in_cell)
                inline_text(c, k, b);
            else if (c->ndefer < DEFER_MAX)
                c->defer[c->ndefer++] = k;
        } else if (is_t(k, "p") || is_t(k, "h")) { /* inside a text box read inline */
            inline_text(c, k, b);
            c->nomem |= lw_buf_putc(b, '\n') != 0;
        } else if (!lw_xml_is(k, OFFICE_NS, "annotation") && !is_t(k, "tracked-changes") &&
                   !is_t(k, "deletion") && !lw_xml_is(k, "http://www.w3.org/2000/svg", "title") &&
                   !lw_xml_is(k, "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0", "desc") &&
                   !lw_xml_is(k, "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0", "title")) {
            inline_text(c, k, b); /* spans, links, fields (their shown value), frames */
        }
    }
}

static void paragraph(octx *c, xmlNode *p, const char *label, size_t label_len)
{
    size_t first = c->ndefer;
    lw_buf b = {0};
    if (label_len)
        c->nomem |= lw_buf_append(&b, label, label_len) != 0;
    inline_text(c, p, &b);
    if (!c->nomem && b.len && lw_emit_para(&c->e, b.data, b.len, c->page_num) != 0)
        c->nomem = 1;
    lw_buf_free(&b);
    size_t end = c->ndefer;
    for (size_t i = first; i < end && !c->nomem; i++)
        blocks(c, c->defer[i]);
    c->ndefer = first;
}

/* ---- lists ---- */

static void table(octx *c, xmlNode *tbl);

static void list(octx *c, xmlNode *ls, lstyle *outer, int level)
{
    const char *name = lw_xml_attr(ls, "style-name");
    lstyle *l = find_list_style(c, name);
    if (!l && name && c->outline_name && !strcmp(name, c->outline_name))
        l = find_list_style(c, OUTLINE); /* headings listed under the outline style */
    if (!l)
        l = outer;
    const char *cont = lw_xml_attr(ls, "continue-numbering");
    if (level == 0 && l && l != find_list_style(c, OUTLINE) && !(cont && !strcmp(cont, "true")) &&
        !lw_xml_attr(ls, "continue-list"))
        memset(l->started, 0, sizeof l->started); /* a new list starts over; headings do not */
    for (xmlNode *it = ls->children; it && !c->nomem; it = it->next) {
        int header = is_t(it, "list-header");
        if (!is_t(it, "list-item") && !header)
            continue;
        lw_buf lab = {0};
        int labelled = 0;
        for (xmlNode *k = it->children; k && !c->nomem; k = k->next) {
            if (is_t(k, "number")) {
                /* a label the writer stored: what it showed */
                lab.len = 0;
                inline_text(c, k, &lab);
                c->nomem |= lw_buf_putc(&lab, ' ') != 0;
                labelled = 1;
            } else if (is_t(k, "p") || is_t(k, "h")) {
                if (!labelled && !header) {
                    list_label(c, l, level, to_int(lw_xml_attr(it, "start-value"), 0), &lab);
                    if (lw_xml_child(k, TEXT_NS, "number"))
                        lab.len = 0; /* counted, but the number the writer stored is shown */
                }
                labelled = 1;
                paragraph(c, k, lab.data, lab.len);
                lab.len = 0; /* the item's next paragraphs have no label */
            } else if (is_t(k, "list")) {
                labelled = 1;
                list(c, k, l, level + 1);
            } else if (is_tab(k, "table")) {
                table(c, k);
            } else if (is_t(k, "section")) {
                blocks(c, k);
            }
        }
        lw_buf_free(&lab);
    }
}

/* ---- tables ---- */

/* Calls fn on each row of a table, through the header-rows, rows and row-group wrappers. */
static void each_row(octx *c, xmlNode *n, void (*fn)(octx *, xmlNode *, void *), void *ud)
{
    for (xmlNode *k = n->children; k && !c->nomem; k = k->next) {
        if (is_tab(k, "table-row"))
            fn(c, k, ud);
        else if (is_tab(k, "table-header-rows") || is_tab(k, "table-rows") || is_tab(k, "table-row-group"))
            each_row(c, k, fn, ud);
    }
}

static void count_row(octx *c, xmlNode *tr, void *ud)
{
    (void)c;
    size_t n = 0;
    for (xmlNode *k = tr->children; k; k = k->next)
        if (is_tab(k, "table-cell")) {
            int rep = to_int(lw_xml_attr(k, "number-columns-repeated"), 1);
            n += rep < 1 ? 1 : rep > TABLE_COLS_MAX ? TABLE_COLS_MAX : (size_t)rep;
        }
    size_t *most = ud;
    if (n > *most)
        *most = n;
}

static void cell_blocks(octx *c, xmlNode *n, lw_buf *cell)
{
    for (xmlNode *k = n->children; k && !c->nomem; k = k->next) {
        if (is_t(k, "p") || is_t(k, "h")) {
            lw_buf b = {0};
            inline_text(c, k, &b);
            c->nomem |= lw_emit_cell_add(cell, b.data ? b.data : "", b.len) != 0;
            lw_buf_free(&b);
        } else if (is_t(k, "list") || is_t(k, "list-item") || is_t(k, "section") || is_tab(k, "table") ||
                   is_tab(k, "table-row") || is_tab(k, "table-cell") || is_tab(k, "table-rows") ||
                   is_tab(k, "table-header-rows")) {
            cell_blocks(c, k, cell);
        }
    }
}

typedef struct {
    lw_buf cells[TABLE_COLS_MAX];
    size_t n, width;
    int rows;
} row_acc;

static void pipe_row(octx *c, xmlNode *tr, void *ud)
{
    row_acc *r = ud;
    r->n = 0;
    for (xmlNode *k = tr->children; k && !c->nomem; k = k->next) {
        int covered = is_tab(k, "covered-table-cell");
        if (!covered && !is_tab(k, "table-cell"))
            continue;
        int rep = to_int(lw_xml_attr(k, "number-columns-repeated"), 1);
        for (int i = 0; i < (rep < 1 ? 1 : rep) && r->n < TABLE_COLS_MAX; i++) {
            lw_buf *cell = &r->cells[r->n++];
            cell->len = 0;
            if (!covered) { /* a covered cell (under a merged one) is an empty cell, as Markdown has it */
                c->in_cell = 1;
                cell_blocks(c, k, cell);
                c->in_cell = 0;
            }
        }
    }
    while (r->n < r->width && r->n < TABLE_COLS_MAX)
        r->cells[r->n++].len = 0;
    size_t cells = 0;
    for (xmlNode *k = tr->children; k; k = k->next)
        cells += is_tab(k, "table-cell");
    if (r->rows == 0 && cells == 1 && r->n >= 3) {
        /* a caption across the table: the next row holds the column labels */
        if (!c->nomem && lw_emit_caption(&c->e, &r->cells[0]) != 0)
            c->nomem = 1;
        return;
    }
    if (!c->nomem && lw_emit_row(&c->e, r->cells, r->n, r->rows == 0) != 0)
        c->nomem = 1;
    r->rows++;
}

static void layout_row(octx *c, xmlNode *tr, void *ud)
{
    (void)ud;
    for (xmlNode *k = tr->children; k && !c->nomem; k = k->next)
        if (is_tab(k, "table-cell"))
            blocks(c, k);
}

static size_t columns(const xmlNode *n)
{
    size_t w = 0;
    for (const xmlNode *k = n->children; k && w < TABLE_COLS_MAX; k = k->next) {
        if (is_tab(k, "table-column")) {
            int rep = to_int(lw_xml_attr(k, "number-columns-repeated"), 1);
            w += rep < 1 ? 1 : rep > TABLE_COLS_MAX ? TABLE_COLS_MAX : (size_t)rep;
        } else if (is_tab(k, "table-columns") || is_tab(k, "table-header-columns") || is_tab(k, "table-column-group")) {
            w += columns(k);
        }
    }
    return w > TABLE_COLS_MAX ? TABLE_COLS_MAX : w;
}

/* As lw_docx: three columns or more make a pipe table, fewer a layout read as lines. */
static void table(octx *c, xmlNode *tbl)
{
    size_t most = 0;
    each_row(c, tbl, count_row, &most);
    if (most < 3) {
        each_row(c, tbl, layout_row, NULL);
        return;
    }
    row_acc *r = calloc(1, sizeof *r);
    if (!r) {
        c->nomem = 1;
        return;
    }
    r->width = columns(tbl);
    each_row(c, tbl, pipe_row, r);
    for (size_t i = 0; i < TABLE_COLS_MAX; i++)
        lw_buf_free(&r->cells[i]);
    free(r);
}

/* ---- the body ---- */

/* A heading outside a list: its outline number (Chapter numbering in LibreOffice), if any. */
static void heading(octx *c, xmlNode *h)
{
    lw_buf lab = {0};
    int level = to_int(lw_xml_attr(h, "outline-level"), 0);
    const char *header = lw_xml_attr(h, "is-list-header");
    xmlNode *stored = lw_xml_child(h, TEXT_NS, "number");
    if (!stored && level >= 1 && level <= LEVELS && !(header && !strcmp(header, "true")))
        list_label(c, find_list_style(c, OUTLINE), level - 1, 0, &lab);
    paragraph(c, h, lab.data, lab.len); /* a stored text:number is read as the heading's text */
    lw_buf_free(&lab);
}

static void blocks(octx *c, xmlNode *parent)
{
    for (xmlNode *k = parent ? parent->children : NULL; k && !c->nomem; k = k->next) {
        if (is_t(k, "h"))
            heading(c, k);
        else if (is_t(k, "p"))
            paragraph(c, k, NULL, 0);
        else if (is_t(k, "list"))
            list(c, k, NULL, 0);
        else if (is_tab(k, "table"))
            table(c, k);
        else if (is_t(k, "section") || is_t(k, "index-body") || is_t(k, "table-of-content") ||
                 is_t(k, "illustration-index") || is_t(k, "alphabetical-index") || is_t(k, "user-index") ||
                 is_t(k, "object-index") || is_t(k, "table-index") || is_t(k, "bibliography") ||
                 is_t(k, "index-title") || lw_xml_is(k, DRAW_NS, "frame") || lw_xml_is(k, DRAW_NS, "text-box"))
            blocks(c, k);
    }
}

/* The notes (foot- and endnotes) met in the body, as paragraphs "[citation] text". */
static void notes(octx *c)
{
    for (size_t i = 0; i < c->nnotes && !c->nomem; i++) {
        xmlNode *n = c->notes[i];
        lw_buf b = {0};
        xmlNode *cit = lw_xml_child(n, TEXT_NS, "note-citation");
        lw_buf mark = {0};
        if (cit)
            inline_text(c, cit, &mark);
        lw_buf t = {0};
        xmlNode *body = lw_xml_child(n, TEXT_NS, "note-body");
        for (xmlNode *p = body ? body->children : NULL; p && !c->nomem; p = p->next)
            if (is_t(p, "p") || is_t(p, "h")) {
                if (t.len)
                    c->nomem |= lw_buf_putc(&t, '\n') != 0;
                inline_text(c, p, &t);
            }
        size_t k = 0;
        while (k < t.len && (t.data[k] == ' ' || t.data[k] == '\t' || t.data[k] == '\n'))
            k++;
        if (k < t.len) {
            c->nomem |= lw_buf_printf(&b, "[%s] ", mark.len ? mark.data : "*") != 0;
            c->nomem |= lw_buf_append(&b, t.data + k, t.len - k) != 0;
            if (!c->nomem && lw_emit_para(&c->e, b.data, b.len, 0) != 0)
                c->nomem = 1;
        }
        lw_buf_free(&mark);
        lw_buf_free(&t);
        lw_buf_free(&b);
    }
}

/* The first master page's header (footer: `which` "footer"), once. */
static void header_footer(octx *c, xmlDoc *styles, const char *which)
{
    xmlNode *ms = styles ? lw_xml_child(xmlDocGetRootElement(styles), OFFICE_NS, "master-styles") : NULL;
    xmlNode *mp = lw_xml_child(ms, STYLE_NS, "master-page");
    xmlNode *h = lw_xml_child(mp, STYLE_NS, which);
    if (!h)
        return;
    c->page_num = 1;
    blocks(c, h);
    c->page_num = 0;
}

lw_status lw_odt_read(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out, lw_error *err)
{
    *out = NULL;
    lw_zip *z;
    lw_status st = lw_zip_open_doc(raw, len, "content.xml", "OpenDocument .odt", &z, err);
    if (st != LW_OK)
        return st;
    octx *c = calloc(1, sizeof *c);
    lw_source *src = lw_source_create(LW_SOURCE_ODT);
    xmlDoc *doc = NULL, *styles = NULL;
    if (!c || !src) {
        st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
        goto done;
    }
    c->e.src = src;
    if (lw_zip_has(z, "styles.xml") && (st = lw_zip_read_xml(z, "styles.xml", &styles, err)) != LW_OK)
        goto done;
    if ((st = lw_zip_read_xml(z, "content.xml", &doc, err)) != LW_OK)
        goto done;
    if (styles) {
        xmlNode *root = xmlDocGetRootElement(styles);
        read_list_styles(c, lw_xml_child(root, OFFICE_NS, "styles"));
        read_list_styles(c, lw_xml_child(root, OFFICE_NS, "automatic-styles"));
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    read_list_styles(c, lw_xml_child(root, OFFICE_NS, "automatic-styles"));
    sort_list_styles(c);
    xmlNode *text = lw_xml_child(lw_xml_child(root, OFFICE_NS, "body"), OFFICE_NS, "text");
    if (!text) {
        st = lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_ODT_NO_TEXT);
        goto done;
    }
    header_footer(c, styles, "header");
    blocks(c, text);
    notes(c);
    header_footer(c, styles, "footer");
    if (c->nomem)
        st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    if (st == LW_OK && opt && opt->progress)
        opt->progress(opt->progress_ud, 1, 1);
done:
    if (c)
        free(c->ls);
    free(c);
    xmlFreeDoc(doc);
    xmlFreeDoc(styles);
    lw_zip_close(z);
    if (st != LW_OK) {
        lw_source_free(src);
        return st;
    }
    *out = src;
    return LW_OK;
}
