/* lw_artefacts: markdown emphasis, page numbers and running headers (see lw_artefacts.h and
 * passes 2 and 3 in lw_norm.c's overview). */
#include "lw_artefacts.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lw_syllable.h"
#include "lw_utf8.h"

/* ------------------------------------------------------------------------------------------
 * Markdown emphasis (in place)
 * ------------------------------------------------------------------------------------------ */

typedef struct {
    uint32_t s, e;
} md_range;

typedef struct {
    uint32_t s, e;
} md_opener;

static int md_cmp(const void *a, const void *b)
{
    const md_range *x = a, *y = b;
    return x->s < y->s ? -1 : x->s > y->s;
}

/* Open emphasis runs remembered; past it the older half is forgotten, which bounds the look
 * back per star (an unmatched star stays text). */
#define LW_MD_STACK 64

lw_status lw_norm_pass_markdown(lw_tmap *b)
{
    if (!b->len || !memchr(b->t, '*', b->len))
        return LW_OK;
    const char *t = b->t;
    size_t len = b->len;
    md_opener st[LW_MD_STACK];
    int ns = 0;
    md_range *rg = NULL;
    size_t nr = 0, cr = 0;
    for (size_t i = 0; i < len; i++) {
        if (t[i] != '*')
            continue;
        size_t j = i;
        while (j < len && t[j] == '*')
            j++;
        size_t run = j - i;
        char prev = i ? t[i - 1] : '\n', next = j < len ? t[j] : '\n';
        if (next == '\xCC' || next == '\xCD') { /* a combining mark on the star: not markup */
            i = j - 1;
            continue;
        }
        /* an emphasis hugs a word: "**ngày 15/11/2025**", "*Nơi nhận:*"; not "(*)" */
        int can_close = prev != ' ' && prev != '\n' &&
                        ((unsigned char)prev >= 0x80 || isalnum((unsigned char)prev) ||
                         strchr(".:;,)!?\"", prev));
        int can_open = next != ' ' && next != '\n' &&
                       ((unsigned char)next >= 0x80 || isalnum((unsigned char)next) || next == '"');
        int matched = 0;
        if (run <= 3 && can_close) {
            for (int k = ns - 1; k >= 0; k--) {
                if (st[k].e - st[k].s != run)
                    continue;
                if (nr + 2 > cr) {
                    size_t nc = cr ? cr * 2 : 32;
                    md_range *q = realloc(rg, nc * sizeof *q);
                    if (!q) {
                        free(rg);
                        return LW_ERR_NOMEM;
                    }
                    rg = q;
                    cr = nc;
                }
                int32_t cp = -1;
                int cl = lw_utf8_dec((const char *)(const unsigned char *)t + st[k].e, len - st[k].e, &cp);
                int alone = run == 1 && st[k].e + (uint32_t)cl == i && lw_is_letter(cp) &&
                            (st[k].s == 0 || t[st[k].s - 1] == ' ' || t[st[k].s - 1] == '\n') &&
                            (next == ' ' || next == '\n');
                if (alone) {
                    rg[nr++] = (md_range){st[k].s, (uint32_t)j};
                } else {
                    rg[nr++] = (md_range){st[k].s, st[k].e};
                    rg[nr++] = (md_range){(uint32_t)i, (uint32_t)j};
                }
                /* only this opener goes: the others stay open, so that no pair is left
                 * for a second run over the output */
                memmove(st + k, st + k + 1, (size_t)(ns - k - 1) * sizeof *st);
                ns--;
                matched = 1;
                break;
            }
        }
        if (!matched && run <= 3 && can_open) {
            if (ns == LW_MD_STACK) {
                memmove(st, st + LW_MD_STACK / 2, (LW_MD_STACK / 2) * sizeof *st);
                ns = LW_MD_STACK / 2;
            }
            st[ns++] = (md_opener){(uint32_t)i, (uint32_t)j};
        }
        i = j - 1;
    }
    if (nr) {
        qsort(rg, nr, sizeof *rg, md_cmp);
        size_t w = 0, r = 0;
        for (size_t k = 0; k < nr; k++) {
            if (rg[k].s < r) { /* overlapping (nested inside a removed token) */
                if (rg[k].e > r)
                    r = rg[k].e;
                continue;
            }
            lw_tmap_move(b, &w, r, rg[k].s);
            r = rg[k].e;
        }
        lw_tmap_move(b, &w, r, len);
        b->len = w;
        b->t[w] = 0;
    }
    free(rg);
    return LW_OK;
}

/* ------------------------------------------------------------------------------------------
 * Page numbers and running headers
 * ------------------------------------------------------------------------------------------ */

/* A page holds 10 to 150 non-blank lines: a bare number is a page number when the next (or
 * previous) page number stands that far after (before) it. */
#define LW_PAGE_LINES_MIN 10
#define LW_PAGE_LINES_MAX 150

typedef struct {
    uint16_t v;
    uint32_t idx;
} pn_cand;

static int pn_cmp(const void *a, const void *b)
{
    const pn_cand *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* 1 if some candidate has value v and an index in [lo, hi]. */
static int pn_exists(const pn_cand *c, size_t n, unsigned v, long lo, long hi)
{
    size_t a = 0, b = n;
    while (a < b) { /* first (v, lo) */
        size_t m = (a + b) / 2;
        if (c[m].v < v || (c[m].v == v && (long)c[m].idx < lo))
            a = m + 1;
        else
            b = m;
    }
    return a < n && c[a].v == v && (long)c[a].idx <= hi;
}

static uint64_t fnv(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static int near_pn(const lw_line_doc *d, size_t i, int span)
{
    for (long k = (long)i - span; k <= (long)i + span; k++)
        if (k >= 0 && (size_t)k < d->n && (size_t)k != i && (d->r[k].flags & (LW_LF_PN | LW_LF_PN_SURE)))
            return 1;
    return 0;
}

static int strpbrk_n(const char *p, size_t n, const char *set)
{
    for (size_t i = 0; i < n; i++)
        if (strchr(set, p[i]))
            return 1;
    return 0;
}

lw_status lw_lines_mark_artefacts(const char *t, lw_line_doc *d)
{
    size_t n = d->n;
    lw_line *r = d->r;
    if (!n)
        return LW_OK;
    /* running headers */
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    uint32_t *slot = calloc(cap, sizeof *slot); /* record index + 1 */
    uint32_t *cnt = calloc(cap, sizeof *cnt), *last = calloc(cap, sizeof *last);
    uint32_t *mingap = calloc(cap, sizeof *mingap), *adj = calloc(cap, sizeof *adj);
    uint32_t *grp = malloc(n * sizeof *grp);
    if (!slot || !cnt || !last || !mingap || !adj || !grp) {
        free(slot), free(cnt), free(last), free(mingap), free(adj), free(grp);
        return LW_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t f = r[i].flags;
        grp[i] = UINT32_MAX;
        if ((f & (LW_LF_LIST | LW_LF_ENDSENT | LW_LF_FIRST_LOWER | LW_LF_PN | LW_LF_PN_SURE | LW_LF_HEADER)) ||
            !(f & LW_LF_HASLETTER) || r[i].nch > 100 || r[i].nch < 8 ||
            !((f & LW_LF_CAPS) || memchr(t + r[i].a, '0', r[i].b - r[i].a) ||
              strpbrk_n(t + r[i].a, r[i].b - r[i].a, "123456789")))
            continue;
        size_t len = r[i].b - r[i].a;
        size_t h = (size_t)fnv(t + r[i].a, len) & (cap - 1);
        while (slot[h]) {
            const lw_line *o = &r[slot[h] - 1];
            if (o->b - o->a == len && !memcmp(t + o->a, t + r[i].a, len))
                break;
            h = (h + 1) & (cap - 1);
        }
        if (!slot[h]) {
            slot[h] = (uint32_t)i + 1;
            mingap[h] = UINT32_MAX;
        } else if ((uint32_t)i - last[h] < mingap[h]) {
            mingap[h] = (uint32_t)i - last[h];
        }
        cnt[h]++;
        last[h] = (uint32_t)i;
        if (near_pn(d, i, 1))
            adj[h]++;
        grp[i] = (uint32_t)h;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t h = grp[i];
        if (h != UINT32_MAX && cnt[h] >= 3 && mingap[h] >= 8 && adj[h] * 3 >= cnt[h] * 2)
            r[i].flags |= LW_LF_DROP;
    }
    free(slot), free(cnt), free(last), free(mingap), free(adj), free(grp);
    /* page numbers */
    size_t nc = 0;
    for (size_t i = 0; i < n; i++)
        if (r[i].flags & LW_LF_PN)
            nc++;
    pn_cand *c = nc ? malloc(nc * sizeof *c) : NULL;
    if (nc && !c)
        return LW_ERR_NOMEM;
    nc = 0;
    for (size_t i = 0; i < n; i++)
        if (r[i].flags & LW_LF_PN)
            c[nc++] = (pn_cand){r[i].pn, (uint32_t)i};
    if (nc)
        qsort(c, nc, sizeof *c, pn_cmp);
    for (size_t i = 0; i < n; i++) {
        uint32_t f = r[i].flags;
        if (f & LW_LF_PN_SURE) {
            r[i].flags |= LW_LF_DROP;
        } else if (f & LW_LF_PN) {
            int drop = 0;
            for (long k = (long)i - 3; k <= (long)i + 3 && !drop; k++)
                if (k >= 0 && (size_t)k < n && (r[k].flags & LW_LF_DROP) && !(r[k].flags & LW_LF_PN))
                    drop = 1;
            unsigned v = r[i].pn;
            /* a page number sits between text lines, a table cell between cells */
            int texty = (i > 0 && r[i - 1].nch >= 25) || (i + 1 < n && r[i + 1].nch >= 25);
            if (!drop && texty && pn_exists(c, nc, v + 1, (long)i + LW_PAGE_LINES_MIN, (long)i + LW_PAGE_LINES_MAX))
                drop = 1;
            if (!drop && texty && v > 0 &&
                pn_exists(c, nc, v - 1, (long)i - LW_PAGE_LINES_MAX, (long)i - LW_PAGE_LINES_MIN))
                drop = 1;
            if (drop)
                r[i].flags |= LW_LF_DROP;
        }
    }
    free(c);
    return LW_OK;
}
