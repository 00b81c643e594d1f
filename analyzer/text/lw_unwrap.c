/* lw_unwrap: the lines pass of the normalizer: document statistics (double-spaced? hard-wrapped
 * at which width?), the join decision for each line break, de-hyphenation (see lw_unwrap.h and
 * pass 3 in lw_norm.c's overview). */
#include "lw_unwrap.h"

#include <stdlib.h>
#include <string.h>

#include "lw_artefacts.h"
#include "lw_lines.h"
#include "lw_syllable.h"

/* Line lengths are counted up to this many characters; longer lines count as this long (the
 * wrap widths looked for are 38..150). */
#define LW_UNWRAP_LEN_MAX 256

/* ------------------------------------------------------------------------------------------
 * Statistics
 * ------------------------------------------------------------------------------------------ */

static void doc_stats(lw_line_doc *d)
{
    size_t cnt = 0, pairs = 0, gaps = 0;
    unsigned hist[LW_UNWRAP_LEN_MAX + 1] = {0};
    const lw_line *prev = NULL;
    for (size_t i = 0; i < d->n; i++) {
        const lw_line *L = &d->r[i];
        if (L->flags & LW_LF_DROP)
            continue;
        cnt++;
        hist[L->nch > LW_UNWRAP_LEN_MAX ? LW_UNWRAP_LEN_MAX : L->nch]++;
        if (prev) {
            pairs++;
            if (L->gap)
                gaps++;
        }
        prev = L;
    }
    d->double_spaced = pairs >= 4 && gaps * 10 >= pairs * 6;
    /* evidence of hard wrapping: a line ending mid-sentence before a lower-case line */
    size_t midwraps = 0;
    prev = NULL;
    for (size_t i = 0; i < d->n; i++) {
        const lw_line *L = &d->r[i];
        if (L->flags & LW_LF_DROP)
            continue;
        if (prev && (L->flags & LW_LF_FIRST_LOWER) && !(L->flags & (LW_LF_LIST | LW_LF_HEADER | LW_LF_CAPS)) &&
            !(prev->flags & (LW_LF_ENDSENT | LW_LF_CAPS | LW_LF_HEADER | LW_LF_NOALNUM)))
            midwraps++;
        prev = L;
    }
    d->wrapped = 0;
    d->W = 0;
    d->slack = 0;
    if (cnt < 6)
        return;
    /* the wrap width: where line lengths pile up (the fullest 13-character window), then the
     * 97th percentile of the lines up to a little beyond it */
    size_t best = 0;
    unsigned peak = 0;
    for (unsigned k = 50; k <= 150; k++) {
        size_t win = 0;
        for (unsigned q = k - 12; q <= k; q++)
            win += hist[q];
        if (win >= best) {
            best = win;
            peak = k;
        }
    }
    if (best * 100 < cnt * 35 || midwraps * 10 < pairs || midwraps < 3)
        return;
    size_t below = 0, acc = 0;
    for (unsigned k = 0; k <= peak + 8; k++)
        below += hist[k];
    unsigned W = peak;
    for (unsigned k = 0; k <= peak + 8; k++) {
        acc += hist[k];
        if (acc * 100 >= below * 97) {
            W = k;
            break;
        }
    }
    size_t near = 0;
    for (unsigned k = W * 7 / 10; k <= LW_UNWRAP_LEN_MAX; k++)
        near += hist[k];
    if (near * 100 < cnt * 45)
        return;
    d->wrapped = 1;
    d->W = W;
    d->slack = W / 10 > 4 ? W / 10 : 4;
}

/* ------------------------------------------------------------------------------------------
 * Joining
 * ------------------------------------------------------------------------------------------ */

enum { J_BREAK, J_SPACE, J_NOSPACE, J_DEHYPH };

/* Whether the line break between P and L is kept. The order of the tests is the heuristic:
 * artefact-free separators and headers first, then list markers and capitals, then sentence
 * ends, then continuation evidence (lower case, a trailing comma or function word), then the
 * line length against the wrap width (a line that the next word would have fitted on ended a
 * paragraph). */
static int decide_join(const lw_line_doc *d, const lw_line *P, uint32_t pf, const lw_line *L,
                       uint32_t gap, int par_list, int par_subject)
{
    uint32_t lf = L->flags;
    int blank_break = gap > 0 && !d->double_spaced;
    if ((pf | lf) & LW_LF_NOALNUM)
        return J_BREAK;
    /* (never after or before a date line, nor from capitals to other text: the paragraph
     * must keep the class its lines had) */
    if (!(lf & (LW_LF_LIST | LW_LF_HEADER)) && !(pf & LW_LF_DATE) &&
        ((lf & LW_LF_CAPS) || !(pf & LW_LF_CAPS) || !(lf & LW_LF_HASLETTER)) &&
        (((pf & (LW_LF_END_SYMHYPH | LW_LF_END_SLASH)) && (lf & (LW_LF_FIRST_UPPER | LW_LF_FIRST_DIGIT))) ||
         ((pf & LW_LF_END_HYPH) && (lf & LW_LF_FIRST_DIGIT)) ||
         ((lf & LW_LF_FIRST_SLASH) && (pf & LW_LF_END_ALNUM))))
        return J_NOSPACE; /* "59/2012/NĐ-" + "CP", "01/2024/" + "TT-BLĐTBXH", "Covid-" + "19",
                           * "Số: 565" + "/TB-UBND" */
    if (lf & LW_LF_HEADER)
        return J_BREAK;
    if (par_subject) /* a subject wrapped over several lines */
        return (lf & (LW_LF_LIST | LW_LF_CAPS)) || (pf & LW_LF_ENDSENT) || L->nch >= 100 ? J_BREAK : J_SPACE;
    if (pf & LW_LF_HEADER)
        return J_BREAK;
    int p_full = d->wrapped && P->nch + 1u + L->w1 + d->slack > d->W;
    if (lf & LW_LF_LIST) {
        if ((lf & LW_LF_LIST_LOWER) && !(pf & (LW_LF_ENDSENT | LW_LF_CAPS)))
            return J_SPACE;
        if ((lf & LW_LF_LIST_DASH) && p_full && !(pf & (LW_LF_ENDSENT | LW_LF_CAPS)))
            return J_SPACE; /* "lãnh đạo Ban Văn hóa" + "– Xã hội, ..." */
        return J_BREAK;
    }
    if (lf & LW_LF_CAPS) {
        if ((pf & LW_LF_CAPS) && (pf & LW_LF_ENDJOIN_UP))
            return J_SPACE; /* "... CỦA BỘ LAO ĐỘNG -" + "THƯƠNG BINH VÀ XÃ HỘI" */
        if ((pf & LW_LF_CAPS) && d->wrapped && P->nch * 100u >= d->W * 85u && !(pf & LW_LF_ENDSENT) &&
            !blank_break)
            return J_SPACE;
        return J_BREAK;
    }
    if (pf & LW_LF_CAPS) /* (nothing but capitals joins a capitals line) */
        return J_BREAK;
    if ((pf & LW_LF_END_SEMI) && (lf & LW_LF_FIRST_LOWER))
        return J_SPACE; /* a sentence listing clauses: "...của UBND tỉnh;" + "chỉ đạo, ..." */
    if (pf & LW_LF_ENDSENT)
        return J_BREAK;
    if (pf & LW_LF_END_SPDASH)
        return J_SPACE;
    if ((pf & LW_LF_END_LETHYPH) && (lf & LW_LF_FIRST_LOWER))
        return J_DEHYPH;
    if (lf & LW_LF_FIRST_LOWER)
        return J_SPACE;
    if ((pf & LW_LF_ENDJOIN) || ((pf & LW_LF_END_NAM) && (lf & LW_LF_FIRST_DIGIT)))
        return J_SPACE;
    if (d->wrapped) {
        if (blank_break)
            return J_BREAK;
        if ((pf & LW_LF_END_NAME) && (lf & LW_LF_FIRST_NAME) && P->nch * 4u >= d->W * 3u)
            return J_SPACE; /* a name over the line end: "Phó Chủ tịch UBND tỉnh Võ" + "Phiên" */
        /* the first line of a numbered heading before a capitalized line: no slack */
        unsigned need = P->nch + 1u + L->w1;
        if (need + d->slack <= d->W)
            return J_BREAK;
        /* a numbered heading's line before the full first line of a capitalized paragraph:
         * the heading ended, even if the next word almost fitted */
        if ((pf & LW_LF_LIST) && (lf & LW_LF_FIRST_UPPER) && need <= d->W && L->nch * 10u >= d->W * 8u)
            return J_BREAK;
        return J_SPACE;
    }
    if (gap > 0 && P->nch >= 100 && !par_list)
        return J_SPACE; /* a page break inside a paragraph */
    return J_BREAK;
}

static void put_byte(lw_tmap *o, size_t *w, char c, uint32_t m)
{
    o->t[*w] = c;
    o->m[*w] = m;
    (*w)++;
}

/* Copies a line's content to *w, collapsing space runs. */
static void put_line(lw_tmap *o, size_t *w, const lw_line *L)
{
    for (uint32_t i = L->a; i < L->b; i++) {
        char c = o->t[i];
        if (c == ' ' && *w > 0 && o->t[*w - 1] == ' ')
            continue;
        put_byte(o, w, c, o->m[i]);
    }
}

lw_status lw_norm_pass_lines(lw_tmap *b, int unwrap, int drop)
{
    lw_line_doc d = {0};
    size_t cap = 0;
    const char *t = b->t;
    size_t len = b->len;
    uint32_t gap = 0;
    int seen = 0;
    for (size_t i = 0; i < len;) {
        const char *nlp = memchr(t + i, '\n', len - i);
        size_t e = nlp ? (size_t)(nlp - t) : len;
        size_t a = i, z = e;
        while (a < z && t[a] == ' ')
            a++;
        while (z > a && t[z - 1] == ' ')
            z--;
        if (a == z) {
            if (seen)
                gap++;
        } else {
            if (d.n == cap) {
                size_t nc = cap ? cap * 2 : 256;
                lw_line *q = realloc(d.r, nc * sizeof *q);
                if (!q) {
                    free(d.r);
                    return LW_ERR_NOMEM;
                }
                d.r = q;
                cap = nc;
            }
            lw_line *L = &d.r[d.n];
            memset(L, 0, sizeof *L);
            L->a = (uint32_t)a;
            L->b = (uint32_t)z;
            L->nl = (uint32_t)e;
            L->gap = gap;
            lw_line_classify(t, L, d.n < LW_LINES_HEADER_ZONE);
            d.n++;
            gap = 0;
            seen = 1;
        }
        i = e + 1;
    }
    if (drop) {
        lw_status st = lw_lines_mark_artefacts(t, &d);
        if (st) {
            free(d.r);
            return st;
        }
    }
    doc_stats(&d);
    size_t w = 0;
    const lw_line *P = NULL;
    int par_list = 0, par_subject = 0;
    uint64_t par_up = 0, par_lo = 0, par_dg = 0;
    uint32_t acc = 0;
    for (size_t i = 0; i < d.n; i++) {
        const lw_line *L = &d.r[i];
        acc += L->gap;
        if (L->flags & LW_LF_DROP)
            continue;
        if (P) {
            /* the paragraph is in capitals when its letters are, as a second run will see it */
            uint32_t pf = (P->flags & ~(uint32_t)LW_LF_CAPS) |
                          (lw_line_caps(par_up, par_lo, par_dg) ? LW_LF_CAPS : 0);
            int j = unwrap ? decide_join(&d, P, pf, L, acc, par_list, par_subject) : J_BREAK;
            switch (j) {
            case J_BREAK:
                put_byte(b, &w, '\n', b->m[P->nl]);
                if (!unwrap)
                    for (uint32_t k = 0; k < acc; k++)
                        put_byte(b, &w, '\n', b->m[P->nl]);
                par_list = !!(L->flags & LW_LF_LIST);
                par_subject = !!(L->flags & LW_LF_SUBJECT);
                par_up = par_lo = par_dg = 0;
                break;
            case J_SPACE:
                put_byte(b, &w, ' ', b->m[P->nl]);
                break;
            case J_NOSPACE:
                break;
            case J_DEHYPH: {
                /* the halves: P's last word without the hyphen, L's first word */
                size_t ws = w - 1;
                while (ws > 0 && b->t[ws - 1] != ' ')
                    ws--;
                size_t le = L->a;
                while (le < L->b && b->t[le] != ' ' && b->t[le] != ',' && b->t[le] != '.' &&
                       b->t[le] != ';' && b->t[le] != ':')
                    le++;
                int both =
                    lw_is_syllable(b->t + ws, w - 1 - ws) && lw_is_syllable(b->t + L->a, le - L->a);
                w--;
                if (both)
                    put_byte(b, &w, ' ', b->m[P->nl]);
                break;
            }
            }
        } else {
            par_list = !!(L->flags & LW_LF_LIST);
            par_subject = !!(L->flags & LW_LF_SUBJECT);
        }
        put_line(b, &w, L);
        par_up += L->up;
        par_lo += L->lo;
        par_dg += L->dg;
        P = L;
        acc = 0;
    }
    if (P && P->nl < len)
        put_byte(b, &w, '\n', b->m[P->nl]);
    b->len = w;
    b->t[w] = 0;
    free(d.r);
    return LW_OK;
}
