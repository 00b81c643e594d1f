/* lw_docx: a Word (.docx, Office Open XML) file's text, paragraph by paragraph, as Word shows
 * it (see lw_docx.h). Works over the tree of word/document.xml (lw_zipxml parses it with
 * its limits); the numbering labels Word draws ("1.", "a)", "II.") are not in the text and
 * are computed here from numbering.xml, as Word counts them. */
#include "lw_docx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lw_msg.h"
#include "lw_zipxml.h"

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define W_STRICT "http://purl.oclc.org/ooxml/wordprocessingml/main"
#define MC_NS "http://schemas.openxmlformats.org/markup-compatibility/2006"
#define M_NS "http://schemas.openxmlformats.org/officeDocument/2006/math"

/* Word has 9 list levels; a list, style or footnote table of a hostile file is capped */
#define NUM_LEVELS 9
#define NUM_MAX 4096
#define STYLE_MAX 8192
#define FOOTNOTE_MAX 20000
#define LVL_TEXT_MAX 64
#define TABLE_COLS_MAX 64
#define DEFER_MAX 4096

static int is_w(const xmlNode *n, const char *name) { return lw_xml_is(n, W_NS, name) || lw_xml_is(n, W_STRICT, name); }

static xmlNode *w_child(const xmlNode *n, const char *name)
{
    xmlNode *c = lw_xml_child(n, W_NS, name);
    return c ? c : lw_xml_child(n, W_STRICT, name);
}

/* w:val of n's child `name`, or NULL. */
static const char *child_val(const xmlNode *n, const char *name) { return lw_xml_attr(w_child(n, name), "val"); }

static int to_int(const char *s, int dflt)
{
    if (!s || !*s)
        return dflt;
    char *end;
    long v = strtol(s, &end, 10);
    return *end || v < -1000000 || v > 1000000 ? dflt : (int)v;
}

/* ---- numbering: the labels Word draws in front of list paragraphs ---- */

enum { FMT_DECIMAL, FMT_DECIMAL_ZERO, FMT_LOWER_LETTER, FMT_UPPER_LETTER, FMT_LOWER_ROMAN, FMT_UPPER_ROMAN,
       FMT_BULLET, FMT_NONE };

typedef struct {
    int fmt, start;
    char text[LVL_TEXT_MAX]; /* lvlText: "%1.%2." */
} lvl_t;

typedef struct {
    int id;
    lvl_t lvl[NUM_LEVELS];
    int count[NUM_LEVELS];
    int started[NUM_LEVELS];
    int has_levels;
    char link[64]; /* numStyleLink: the levels are another list's, through a numbering style */
} abstract_t;

typedef struct {
    int id;
    int abs;                  /* index in abstracts, -1 when unknown */
    int override[NUM_LEVELS]; /* startOverride, or NO_OVERRIDE */
    int used;                 /* its overrides are applied at its first paragraph */
} num_t;

typedef struct {
    char *id;
    char *based_on;   /* owned copies: the styles' tree is freed once read */
    int num_id, ilvl; /* -1 when the style sets none */
} style_t;

#define NO_OVERRIDE (-1000001)

typedef struct {
    lw_emit e;
    abstract_t *abs;
    size_t nabs;
    num_t *nums;
    size_t nnums;
    style_t *styles;
    size_t nstyles;
    char **footnotes; /* ids of the footnotes referenced, in order (owned strings) */
    size_t nfoot;
    xmlNode *defer[DEFER_MAX]; /* text boxes met in the current paragraph, read after it */
    size_t ndefer;
    int in_cell;  /* inside a pipe-table cell: text boxes are read inline */
    int page_num; /* header/footer: a page number alone is left out */
    int nomem;
} dctx;

static int fmt_of(const char *s)
{
    static const struct {
        const char *name;
        int fmt;
    } t[] = {{"decimal", FMT_DECIMAL},          {"decimalZero", FMT_DECIMAL_ZERO}, {"lowerLetter", FMT_LOWER_LETTER},
             {"upperLetter", FMT_UPPER_LETTER}, {"lowerRoman", FMT_LOWER_ROMAN},   {"upperRoman", FMT_UPPER_ROMAN},
             {"bullet", FMT_BULLET},            {"none", FMT_NONE}};
    for (size_t i = 0; s && i < sizeof t / sizeof *t; i++)
        if (!strcmp(s, t[i].name))
            return t[i].fmt;
    return FMT_DECIMAL; /* ordinal, cardinalText, the East Asian counts: digits are close enough */
}

static int cmp_abs(const void *a, const void *b)
{
    int x = ((const abstract_t *)a)->id, y = ((const abstract_t *)b)->id;
    return (x > y) - (x < y);
}

static int cmp_num(const void *a, const void *b)
{
    int x = ((const num_t *)a)->id, y = ((const num_t *)b)->id;
    return (x > y) - (x < y);
}

static int cmp_style(const void *a, const void *b) { return strcmp(((const style_t *)a)->id, ((const style_t *)b)->id); }

static void read_numbering(dctx *c, xmlDoc *doc)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    size_t na = 0, nn = 0;
    for (xmlNode *n = root->children; n; n = n->next) {
        na += is_w(n, "abstractNum");
        nn += is_w(n, "num");
    }
    na = na > NUM_MAX ? NUM_MAX : na;
    nn = nn > NUM_MAX ? NUM_MAX : nn;
    c->abs = calloc(na ? na : 1, sizeof *c->abs);
    c->nums = calloc(nn ? nn : 1, sizeof *c->nums);
    if (!c->abs || !c->nums) {
        c->nomem = 1;
        return;
    }
    for (xmlNode *n = root->children; n; n = n->next) {
        if (is_w(n, "abstractNum") && c->nabs < na) {
            abstract_t *a = &c->abs[c->nabs++];
            a->id = to_int(lw_xml_attr(n, "abstractNumId"), -1);
            for (int l = 0; l < NUM_LEVELS; l++) {
                a->lvl[l].start = 1;
                snprintf(a->lvl[l].text, LVL_TEXT_MAX, "%%%d.", l + 1); /* Word's default */
            }
            lw_xml_copy(a->link, sizeof a->link, child_val(n, "numStyleLink"));
            for (xmlNode *l = n->children; l; l = l->next) {
                int il = is_w(l, "lvl") ? to_int(lw_xml_attr(l, "ilvl"), -1) : -1;
                if (il < 0 || il >= NUM_LEVELS)
                    continue;
                a->has_levels = 1;
                lvl_t *v = &a->lvl[il];
                v->start = to_int(child_val(l, "start"), 1);
                v->fmt = fmt_of(child_val(l, "numFmt"));
                lw_xml_copy(v->text, LVL_TEXT_MAX, child_val(l, "lvlText"));
            }
        } else if (is_w(n, "num") && c->nnums < nn) {
            num_t *m = &c->nums[c->nnums++];
            m->id = to_int(lw_xml_attr(n, "numId"), -1);
            m->abs = to_int(child_val(n, "abstractNumId"), -1); /* an id until resolved below */
            for (int l = 0; l < NUM_LEVELS; l++)
                m->override[l] = NO_OVERRIDE;
            for (xmlNode *o = n->children; o; o = o->next) {
                int il = is_w(o, "lvlOverride") ? to_int(lw_xml_attr(o, "ilvl"), -1) : -1;
                if (il >= 0 && il < NUM_LEVELS && child_val(o, "startOverride"))
                    m->override[il] = to_int(child_val(o, "startOverride"), 1);
            }
        }
    }
    qsort(c->abs, c->nabs, sizeof *c->abs, cmp_abs);
    qsort(c->nums, c->nnums, sizeof *c->nums, cmp_num);
    for (size_t i = 0; i < c->nnums; i++) {
        abstract_t key = {.id = c->nums[i].abs};
        abstract_t *a = bsearch(&key, c->abs, c->nabs, sizeof *c->abs, cmp_abs);
        c->nums[i].abs = a ? (int)(a - c->abs) : -1;
    }
}

static char *dup_str(dctx *c, const char *s)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        c->nomem = 1;
    return d;
}

static void read_styles(dctx *c, xmlDoc *doc)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    size_t n = 0;
    for (xmlNode *s = root->children; s; s = s->next)
        n += is_w(s, "style") && lw_xml_attr(s, "styleId");
    n = n > STYLE_MAX ? STYLE_MAX : n;
    c->styles = calloc(n ? n : 1, sizeof *c->styles);
    if (!c->styles) {
        c->nomem = 1;
        return;
    }
    for (xmlNode *s = root->children; s && c->nstyles < n; s = s->next) {
        if (!is_w(s, "style") || !lw_xml_attr(s, "styleId"))
            continue;
        style_t *st = &c->styles[c->nstyles++];
        st->id = dup_str(c, lw_xml_attr(s, "styleId"));
        st->based_on = dup_str(c, child_val(s, "basedOn"));
        xmlNode *np = w_child(w_child(s, "pPr"), "numPr");
        st->num_id = np ? to_int(child_val(np, "numId"), -1) : -1;
        st->ilvl = np ? to_int(child_val(np, "ilvl"), -1) : -1;
        if (!st->id) {
            c->nstyles--;
            free(st->based_on);
        }
    }
    qsort(c->styles, c->nstyles, sizeof *c->styles, cmp_style);
}

static const style_t *find_style(const dctx *c, const char *id)
{
    if (!id || !c->nstyles)
        return NULL;
    style_t key = {.id = (char *)id};
    return bsearch(&key, c->styles, c->nstyles, sizeof *c->styles, cmp_style);
}

static void put_roman(char *out, size_t size, int v, int upper)
{
    static const struct {
        int v;
        const char *s;
    } r[] = {{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"},
             {40, "xl"},  {10, "x"},   {9, "ix"},  {5, "v"},    {4, "iv"},  {1, "i"}};
    size_t k = 0;
    for (size_t i = 0; i < sizeof r / sizeof *r; i++)
        while (v >= r[i].v && k + 3 < size) {
            for (const char *s = r[i].s; *s; s++)
                out[k++] = upper ? (char)(*s - 'a' + 'A') : *s;
            v -= r[i].v;
        }
    out[k] = 0;
}

/* The counter v as level fmt shows it. */
static void format_count(char *out, size_t size, int fmt, int v)
{
    if ((fmt == FMT_LOWER_ROMAN || fmt == FMT_UPPER_ROMAN) && v > 0 && v < 4000)
        put_roman(out, size, v, fmt == FMT_UPPER_ROMAN);
    else if ((fmt == FMT_LOWER_LETTER || fmt == FMT_UPPER_LETTER) && v > 0) {
        /* Word's letters: a..z, then aa..zz, aaa.. */
        int reps = (v - 1) / 26 + 1;
        char ch = (char)((fmt == FMT_UPPER_LETTER ? 'A' : 'a') + (v - 1) % 26);
        size_t k = 0;
        while (reps-- > 0 && k + 1 < size)
            out[k++] = ch;
        out[k] = 0;
    } else if (fmt == FMT_DECIMAL_ZERO)
        snprintf(out, size, "%02d", v);
    else
        snprintf(out, size, "%d", v);
}

/* Appends to b the label of a paragraph of list numId at level ilvl, counting it. */
static void number_label(dctx *c, int num_id, int ilvl, lw_buf *b)
{
    num_t key = {.id = num_id};
    num_t *m = c->nnums ? bsearch(&key, c->nums, c->nnums, sizeof *c->nums, cmp_num) : NULL;
    if (!m || m->abs < 0 || ilvl < 0 || ilvl >= NUM_LEVELS)
        return;
    abstract_t *a = &c->abs[m->abs];
    /* a list that only links to a numbering style ("1 / 1.1 / 1.1.1" list styles): the
     * style names the list whose levels and counters it uses */
    for (int hops = 0; a->link[0] && !a->has_levels && hops < 4; hops++) {
        const style_t *st = find_style(c, a->link);
        num_t k2 = {.id = st ? st->num_id : -1};
        num_t *m2 = st ? bsearch(&k2, c->nums, c->nnums, sizeof *c->nums, cmp_num) : NULL;
        if (!m2 || m2->abs < 0)
            return;
        a = &c->abs[m2->abs];
    }
    if (!m->used) { /* a list instance restarts where its overrides say */
        m->used = 1;
        for (int l = 0; l < NUM_LEVELS; l++)
            if (m->override[l] != NO_OVERRIDE) {
                a->count[l] = m->override[l] - 1;
                a->started[l] = 1;
            }
    }
    if (!a->started[ilvl]) {
        a->count[ilvl] = a->lvl[ilvl].start;
        a->started[ilvl] = 1;
    } else {
        a->count[ilvl]++;
    }
    for (int l = ilvl + 1; l < NUM_LEVELS; l++)
        a->started[l] = 0;
    const lvl_t *v = &a->lvl[ilvl];
    if (v->fmt == FMT_NONE)
        return;
    lw_buf lab = {0};
    int bad = 0;
    const char *t = v->text;
    if (v->fmt == FMT_BULLET) {
        /* the bullet character itself, a Symbol-font one mapped to what it shows */
        const unsigned char *u = (const unsigned char *)t;
        unsigned long cp = 0;
        if (u[0] >= 0xE0 && u[0] < 0xF0 && u[1] && u[2])
            cp = ((unsigned long)(u[0] & 0x0F) << 12) | ((unsigned long)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
        if (cp >= 0xF000 && cp <= 0xF0FF)
            bad |= lw_xml_put_cp(&lab, cp);
        else if (*t)
            bad |= lw_buf_append(&lab, t, strlen(t));
    } else {
        for (size_t i = 0; t[i]; i++) {
            if (t[i] == '%' && t[i + 1] >= '1' && t[i + 1] <= '9') {
                int l = t[i + 1] - '1';
                int val = a->started[l] || l == ilvl ? a->count[l] : a->lvl[l].start;
                char num[32];
                format_count(num, sizeof num, l == ilvl || a->lvl[l].fmt != FMT_BULLET ? a->lvl[l].fmt : FMT_DECIMAL,
                             val);
                bad |= lw_buf_append(&lab, num, strlen(num));
                i++;
            } else {
                bad |= lw_buf_putc(&lab, t[i]);
            }
        }
    }
    if (lab.len) {
        bad |= lw_buf_append(b, lab.data, lab.len);
        bad |= lw_buf_putc(b, ' ');
    }
    lw_buf_free(&lab);
    c->nomem |= bad != 0;
}

/* The list (numId, level) of paragraph p, from its own numPr or its style's. */
static void para_number(dctx *c, xmlNode *ppr, lw_buf *b)
{
    if (!ppr)
        return;
    xmlNode *np = w_child(ppr, "numPr");
    int num_id = np ? to_int(child_val(np, "numId"), -1) : -1;
    int ilvl = np ? to_int(child_val(np, "ilvl"), -1) : -1;
    const style_t *st = find_style(c, child_val(ppr, "pStyle"));
    for (int hops = 0; st && hops < 10 && (num_id < 0 || ilvl < 0); hops++) {
        if (num_id < 0)
            num_id = st->num_id;
        if (ilvl < 0)
            ilvl = st->ilvl;
        st = find_style(c, st->based_on);
    }
    if (num_id > 0) /* numId 0 is "no numbering" */
        number_label(c, num_id, ilvl < 0 ? 0 : ilvl, b);
}

/* ---- paragraphs ---- */

static void blocks(dctx *c, xmlNode *parent);

static void put_text_children(dctx *c, const xmlNode *n, lw_buf *b)
{
    for (const xmlNode *t = n->children; t; t = t->next)
        if ((t->type == XML_TEXT_NODE || t->type == XML_CDATA_SECTION_NODE) && t->content)
            c->nomem |= lw_buf_append(b, t->content, strlen((const char *)t->content)) != 0;
}

/* Appends the text of the runs under n to b: w:t as it is, a tab as '\t', a line break as
 * '\n'; deleted text, field codes and properties are not shown by Word and left out. */
static void inline_text(dctx *c, xmlNode *n, lw_buf *b)
{
    for (xmlNode *k = n->children; k && !c->nomem; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        if (is_w(k, "t") || lw_xml_is(k, M_NS, "t"))
            put_text_children(c, k, b);
        else if (is_w(k, "tab") || is_w(k, "ptab"))
            c->nomem |= lw_buf_putc(b, '\t') != 0;
        else if (is_w(k, "br") || is_w(k, "cr"))
            c->nomem |= lw_buf_putc(b, '\n') != 0;
        else if (is_w(k, "noBreakHyphen"))
            c->nomem |= lw_buf_putc(b, '-') != 0;
        else if (is_w(k, "sym")) {
            const char *h = lw_xml_attr(k, "char");
            unsigned long cp = h ? strtoul(h, NULL, 16) : 0;
            if (cp)
                c->nomem |= lw_xml_put_cp(b, cp) != 0;
        } else if (is_w(k, "footnoteReference")) {
            const char *id = lw_xml_attr(k, "id");
            if (id && c->nfoot < FOOTNOTE_MAX) {
                char **p = realloc(c->footnotes, (c->nfoot + 1) * sizeof *p);
                char *d = strdup(id);
                if (p)
                    c->footnotes = p;
                if (!p || !d) {
                    free(d);
                    c->nomem = 1;
                } else {
                    c->footnotes[c->nfoot++] = d;
                }
            }
        } else if (is_w(k, "txbxContent")) {
            /* a text box: its paragraphs follow the paragraph it is anchored in */
            if (c->in_cell)
                inline_text(c, k, b);
            else if (c->ndefer < DEFER_MAX)
                c->defer[c->ndefer++] = k;
        } else if (lw_xml_is(k, MC_NS, "AlternateContent")) {
            /* the same content twice (a new form and an old one): the first only */
            xmlNode *alt = lw_xml_child(k, MC_NS, "Choice");
            inline_text(c, alt ? alt : lw_xml_child(k, MC_NS, "Fallback"), b);
        } else if (is_w(k, "p")) {
            inline_text(c, k, b);
            c->nomem |= lw_buf_putc(b, '\n') != 0;
        } else if (!is_w(k, "pPr") && !is_w(k, "rPr") && !is_w(k, "del") && !is_w(k, "moveFrom") &&
                   !is_w(k, "instrText") && !is_w(k, "delText") && !is_w(k, "tblPr")) {
            inline_text(c, k, b); /* runs, hyperlinks, insertions, fields, content controls, drawings */
        }
    }
}

/* The text of paragraph p as Word shows it: its list label, then its runs. */
static void para_text(dctx *c, xmlNode *p, lw_buf *b)
{
    para_number(c, w_child(p, "pPr"), b);
    inline_text(c, p, b);
}

static void paragraph(dctx *c, xmlNode *p)
{
    size_t first = c->ndefer;
    lw_buf b = {0};
    para_text(c, p, &b);
    if (!c->nomem && b.len && lw_emit_para(&c->e, b.data, b.len, c->page_num) != 0)
        c->nomem = 1;
    lw_buf_free(&b);
    size_t end = c->ndefer;
    for (size_t i = first; i < end && !c->nomem; i++)
        blocks(c, c->defer[i]);
    c->ndefer = first;
}

/* ---- tables ---- */

/* Calls fn on each element child of n named name, looking through content controls and
 * custom XML wrappers (w:sdt/w:sdtContent, w:customXml). */
static void each_child(dctx *c, xmlNode *n, const char *name, void (*fn)(dctx *, xmlNode *, void *), void *ud)
{
    for (xmlNode *k = n ? n->children : NULL; k && !c->nomem; k = k->next) {
        if (is_w(k, name))
            fn(c, k, ud);
        else if (is_w(k, "sdt"))
            each_child(c, w_child(k, "sdtContent"), name, fn, ud);
        else if (is_w(k, "customXml"))
            each_child(c, k, name, fn, ud);
    }
}

static void count_cell(dctx *c, xmlNode *tc, void *ud)
{
    (void)c;
    (void)tc;
    (*(size_t *)ud)++;
}

static void count_row(dctx *c, xmlNode *tr, void *ud)
{
    size_t n = 0;
    each_child(c, tr, "tc", count_cell, &n);
    size_t *most = ud;
    if (n > *most)
        *most = n;
}

/* A cell's text for a pipe row: its paragraphs (nested tables' too) joined by "<br>". */
static void cell_blocks(dctx *c, xmlNode *n, lw_buf *cell);

static void cell_cell(dctx *c, xmlNode *tc, void *ud) { cell_blocks(c, tc, ud); }
static void cell_row(dctx *c, xmlNode *tr, void *ud) { each_child(c, tr, "tc", cell_cell, ud); }

static void cell_blocks(dctx *c, xmlNode *n, lw_buf *cell)
{
    for (xmlNode *k = n->children; k && !c->nomem; k = k->next) {
        if (is_w(k, "p")) {
            lw_buf b = {0};
            para_text(c, k, &b);
            c->nomem |= lw_emit_cell_add(cell, b.data ? b.data : "", b.len) != 0;
            lw_buf_free(&b);
        } else if (is_w(k, "tbl")) {
            each_child(c, k, "tr", cell_row, cell);
        } else if (is_w(k, "sdt")) {
            xmlNode *s = w_child(k, "sdtContent");
            if (s)
                cell_blocks(c, s, cell);
        } else if (is_w(k, "customXml")) {
            cell_blocks(c, k, cell);
        }
    }
}

typedef struct {
    lw_buf cells[TABLE_COLS_MAX];
    size_t n, width;
    int rows;
} row_acc;

static void row_empty(row_acc *r, int k)
{
    while (k-- > 0 && r->n < TABLE_COLS_MAX)
        r->cells[r->n++].len = 0;
}

static void pipe_cell(dctx *c, xmlNode *tc, void *ud)
{
    row_acc *r = ud;
    xmlNode *pr = w_child(tc, "tcPr");
    int span = to_int(child_val(pr, "gridSpan"), 1);
    span = span < 1 ? 1 : span > TABLE_COLS_MAX ? TABLE_COLS_MAX : span;
    xmlNode *vm = w_child(pr, "vMerge");
    const char *vv = lw_xml_attr(vm, "val");
    int continued = vm && (!vv || strcmp(vv, "restart")); /* under a vertically merged cell */
    if (r->n >= TABLE_COLS_MAX)
        return;
    lw_buf *cell = &r->cells[r->n++];
    cell->len = 0;
    if (!continued) {
        int saved = c->in_cell;
        c->in_cell = 1;
        cell_blocks(c, tc, cell);
        c->in_cell = saved;
    }
    row_empty(r, span - 1); /* a cell merged across columns: Markdown's empty cells after it */
}

static void pipe_row(dctx *c, xmlNode *tr, void *ud)
{
    row_acc *r = ud;
    r->n = 0;
    xmlNode *pr = w_child(tr, "trPr");
    row_empty(r, to_int(child_val(pr, "gridBefore"), 0));
    each_child(c, tr, "tc", pipe_cell, r);
    row_empty(r, to_int(child_val(pr, "gridAfter"), 0));
    if (r->n < r->width)
        row_empty(r, (int)(r->width - r->n));
    size_t cells = 0;
    each_child(c, tr, "tc", count_cell, &cells);
    if (r->rows == 0 && cells == 1 && r->width >= 3) {
        /* a caption across the table: the next row holds the column labels */
        if (!c->nomem && r->n && lw_emit_caption(&c->e, &r->cells[0]) != 0)
            c->nomem = 1;
        return;
    }
    if (!c->nomem && lw_emit_row(&c->e, r->cells, r->n, r->rows == 0) != 0)
        c->nomem = 1;
    r->rows++;
}

static void layout_cell(dctx *c, xmlNode *tc, void *ud)
{
    (void)ud;
    blocks(c, tc);
}

static void layout_row(dctx *c, xmlNode *tr, void *ud) { each_child(c, tr, "tc", layout_cell, ud); }

/* A table of three columns or more is a table of data: its rows become a Markdown pipe table
 * (what the duty-table extractor reads). One of one or two columns is a layout: the header
 * of a letter (issuer | "CỘNG HÒA..."; "Số: ..." | "..., ngày ..."), the signature block:
 * its cells' paragraphs become lines, row by row and left to right, as the header and
 * signature extractors read a text file. */
static void table(dctx *c, xmlNode *tbl)
{
    size_t most = 0;
    each_child(c, tbl, "tr", count_row, &most);
    if (most < 3) {
        each_child(c, tbl, "tr", layout_row, NULL);
        return;
    }
    size_t grid = 0;
    for (xmlNode *g = w_child(w_child(tbl, "tblGrid"), "gridCol"); g; g = g->next)
        grid += is_w(g, "gridCol");
    row_acc *r = calloc(1, sizeof *r);
    if (!r) {
        c->nomem = 1;
        return;
    }
    if (!grid) /* no grid: as wide as the widest row */
        grid = most;
    r->width = grid > TABLE_COLS_MAX ? TABLE_COLS_MAX : grid;
    each_child(c, tbl, "tr", pipe_row, r);
    for (size_t i = 0; i < TABLE_COLS_MAX; i++)
        lw_buf_free(&r->cells[i]);
    free(r);
}

/* ---- the body ---- */

static void blocks(dctx *c, xmlNode *parent)
{
    for (xmlNode *k = parent ? parent->children : NULL; k && !c->nomem; k = k->next) {
        if (is_w(k, "p"))
            paragraph(c, k);
        else if (is_w(k, "tbl"))
            table(c, k);
        else if (is_w(k, "sdt"))
            blocks(c, w_child(k, "sdtContent"));
        else if (is_w(k, "customXml") || is_w(k, "ins") || is_w(k, "moveTo"))
            blocks(c, k);
        else if (lw_xml_is(k, MC_NS, "AlternateContent")) {
            xmlNode *alt = lw_xml_child(k, MC_NS, "Choice");
            blocks(c, alt ? alt : lw_xml_child(k, MC_NS, "Fallback"));
        }
    }
}

/* The first section's properties: in the first paragraph that ends a section, else the body's. */
static xmlNode *first_section(xmlNode *body)
{
    for (xmlNode *k = body->children; k; k = k->next) {
        xmlNode *s = is_w(k, "p") ? w_child(w_child(k, "pPr"), "sectPr") : NULL;
        if (s)
            return s;
    }
    return w_child(body, "sectPr");
}

/* Reads the headers (kind "headerReference") or footers of section sect, the first page's
 * then the others', each part once. rels is word/_rels/document.xml.rels (may be NULL). */
static lw_status header_footer(dctx *c, lw_zip *z, xmlDoc *rels, xmlNode *sect, const char *kind, lw_error *err)
{
    if (!sect || !rels)
        return LW_OK;
    const char *order[] = {"first", "default"};
    char prev[300] = "";
    int titlepg = w_child(sect, "titlePg") != NULL;
    for (int o = titlepg ? 0 : 1; o < 2; o++) {
        const char *rid = NULL;
        for (xmlNode *h = sect->children; h && !rid; h = h->next) {
            const char *type = lw_xml_attr(h, "type");
            if (is_w(h, kind) && !strcmp(type ? type : "default", order[o]))
                rid = lw_xml_attr(h, "id");
        }
        const char *target = NULL;
        for (xmlNode *r = rid ? xmlDocGetRootElement(rels)->children : NULL; r && !target; r = r->next) {
            const char *id = lw_xml_attr(r, "Id");
            if (r->type == XML_ELEMENT_NODE && id && !strcmp(id, rid))
                target = lw_xml_attr(r, "Target");
        }
        if (!target || strlen(target) > 200)
            continue;
        char name[300];
        snprintf(name, sizeof name, target[0] == '/' ? "%s" : "word/%s", target[0] == '/' ? target + 1 : target);
        if (!strcmp(prev, name) || !lw_zip_has(z, name))
            continue; /* the first page's part is also the others' */
        snprintf(prev, sizeof prev, "%s", name);
        xmlDoc *d;
        lw_status st = lw_zip_read_xml(z, name, &d, err);
        if (st != LW_OK)
            return st;
        c->page_num = 1;
        blocks(c, xmlDocGetRootElement(d));
        c->page_num = 0;
        xmlFreeDoc(d);
    }
    return LW_OK;
}

typedef struct {
    const char *id;
    xmlNode *node;
} fnote;

static int cmp_fnote(const void *a, const void *b) { return strcmp(((const fnote *)a)->id, ((const fnote *)b)->id); }

/* The footnotes referenced in the body, in order, as paragraphs "[1] text". */
static lw_status footnotes(dctx *c, lw_zip *z, lw_error *err)
{
    if (!c->nfoot || !lw_zip_has(z, "word/footnotes.xml"))
        return LW_OK;
    xmlDoc *d;
    lw_status st = lw_zip_read_xml(z, "word/footnotes.xml", &d, err);
    if (st != LW_OK)
        return st;
    /* the footnotes by id, sorted, so that each reference is found without a scan */
    xmlNode *root = xmlDocGetRootElement(d);
    size_t n = 0, k = 0;
    for (xmlNode *f = root->children; f; f = f->next)
        n += is_w(f, "footnote") && lw_xml_attr(f, "id");
    fnote *v = calloc(n ? n : 1, sizeof *v);
    if (!v) {
        xmlFreeDoc(d);
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    for (xmlNode *f = root->children; f && k < n; f = f->next)
        if (is_w(f, "footnote") && lw_xml_attr(f, "id"))
            v[k++] = (fnote){lw_xml_attr(f, "id"), f};
    qsort(v, n, sizeof *v, cmp_fnote);
    for (size_t i = 0; i < c->nfoot && !c->nomem; i++) {
        fnote key = {c->footnotes[i], NULL}, *hit = bsearch(&key, v, n, sizeof *v, cmp_fnote);
        xmlNode *fn = hit ? hit->node : NULL;
        if (!fn)
            continue;
        lw_buf t = {0}, b = {0};
        for (xmlNode *p = fn->children; p && !c->nomem; p = p->next)
            if (is_w(p, "p")) {
                if (t.len)
                    c->nomem |= lw_buf_putc(&t, '\n') != 0;
                inline_text(c, p, &t);
            }
        size_t lead = 0;
        while (lead < t.len && (t.data[lead] == ' ' || t.data[lead] == '\t' || t.data[lead] == '\n'))
            lead++; /* the text after Word's reference mark opens with a space */
        if (lead < t.len) {
            c->nomem |= lw_buf_printf(&b, "[%zu] ", i + 1) != 0;
            c->nomem |= lw_buf_append(&b, t.data + lead, t.len - lead) != 0;
            if (!c->nomem && lw_emit_para(&c->e, b.data, b.len, 0) != 0)
                c->nomem = 1;
        }
        lw_buf_free(&t);
        lw_buf_free(&b);
    }
    free(v);
    xmlFreeDoc(d);
    return LW_OK;
}

static void ctx_free(dctx *c)
{
    free(c->abs);
    free(c->nums);
    for (size_t i = 0; i < c->nstyles; i++) {
        free(c->styles[i].id);
        free(c->styles[i].based_on);
    }
    free(c->styles);
    for (size_t i = 0; i < c->nfoot; i++)
        free(c->footnotes[i]);
    free(c->footnotes);
}

/* Reads an optional part into the context (numbering, styles) with fn. */
static lw_status optional_part(dctx *c, lw_zip *z, const char *name, void (*fn)(dctx *, xmlDoc *), lw_error *err)
{
    if (!lw_zip_has(z, name))
        return LW_OK;
    xmlDoc *d;
    lw_status st = lw_zip_read_xml(z, name, &d, err);
    if (st != LW_OK)
        return st;
    fn(c, d);
    xmlFreeDoc(d);
    return LW_OK;
}

lw_status lw_docx_read(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out, lw_error *err)
{
    *out = NULL;
    lw_zip *z;
    lw_status st = lw_zip_open_doc(raw, len, "word/document.xml", "Word .docx", &z, err);
    if (st != LW_OK)
        return st;
    dctx *c = calloc(1, sizeof *c);
    lw_source *src = lw_source_create(LW_SOURCE_DOCX);
    xmlDoc *doc = NULL, *rels = NULL;
    if (!c || !src) {
        st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
        goto done;
    }
    c->e.src = src;
    if ((st = optional_part(c, z, "word/numbering.xml", read_numbering, err)) != LW_OK ||
        (st = optional_part(c, z, "word/styles.xml", read_styles, err)) != LW_OK ||
        (st = lw_zip_read_xml(z, "word/document.xml", &doc, err)) != LW_OK)
        goto done;
    if (lw_zip_has(z, "word/_rels/document.xml.rels") &&
        (st = lw_zip_read_xml(z, "word/_rels/document.xml.rels", &rels, err)) != LW_OK)
        goto done;
    xmlNode *body = w_child(xmlDocGetRootElement(doc), "body");
    if (!body) {
        st = lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_DOCX_NO_BODY);
        goto done;
    }
    xmlNode *sect = first_section(body);
    if ((st = header_footer(c, z, rels, sect, "headerReference", err)) != LW_OK)
        goto done;
    blocks(c, body);
    if ((st = footnotes(c, z, err)) != LW_OK || (st = header_footer(c, z, rels, sect, "footerReference", err)) != LW_OK)
        goto done;
    if (c->nomem)
        st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    if (st == LW_OK && opt && opt->progress)
        opt->progress(opt->progress_ud, 1, 1);
done:
    xmlFreeDoc(doc);
    xmlFreeDoc(rels);
    if (c)
        ctx_free(c);
    free(c);
    lw_zip_close(z);
    if (st != LW_OK) {
        lw_source_free(src);
        return st;
    }
    *out = src;
    return LW_OK;
}
