/* lw_snippet: search snippets from the tokenizer's own tokens (see the header). */
#include "lw_snippet.h"
#include "lw_oom.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "lw_fts.h"

#define MAX_TERMS 64 /* one bit each in a token's mask; further words are not marked */

typedef struct {
    char form[LW_FTS_TERM_MAX];
    int n;
    int prefix;
} term_t;

/* A quoted string of the expression: its words are terms [first, first + n), to be found
 * one after the other, as FTS5 finds a phrase. */
typedef struct {
    int first, n;
} phrase_t;

struct lw_snippet_terms {
    term_t v[MAX_TERMS];
    int n;
    phrase_t p[MAX_TERMS];
    int np;
};

typedef struct {
    lw_snippet_terms *t;
    int first; /* index of this string's first term */
} collect_ctx;

static int collect(void *ctx, int tflags, const char *token, int ntoken, int start, int end)
{
    (void)tflags;
    (void)start;
    (void)end;
    lw_snippet_terms *t = ((collect_ctx *)ctx)->t;
    if (t->n < MAX_TERMS && ntoken > 0 && ntoken <= LW_FTS_TERM_MAX) {
        memcpy(t->v[t->n].form, token, (size_t)ntoken);
        t->v[t->n].n = ntoken;
        t->v[t->n].prefix = 0;
        t->n++;
    }
    return 0;
}

lw_status lw_snippet_terms_create(const char *expr, lw_snippet_terms **out)
{
    lw_snippet_terms *t = calloc(1, sizeof *t);
    if (!t)
        return LW_ERR_NOMEM;
    size_t len = expr ? strlen(expr) : 0;
    char *str = malloc(len + 1);
    if (!str) {
        free(t);
        return LW_ERR_NOMEM;
    }
    for (size_t i = 0; i < len; i++) {
        if (expr[i] != '"')
            continue;
        /* an FTS5 string: "" inside stands for one quote */
        size_t n = 0, j = i + 1;
        for (; j < len; j++) {
            if (expr[j] == '"') {
                if (j + 1 < len && expr[j + 1] == '"') {
                    str[n++] = '"';
                    j++;
                    continue;
                }
                break;
            }
            str[n++] = expr[j];
        }
        int prefix = j + 1 < len && expr[j + 1] == '*';
        collect_ctx c = {t, t->n};
        lw_fts_tokenize(str, (int)n, FTS5_TOKENIZE_QUERY | (prefix ? FTS5_TOKENIZE_PREFIX : 0), collect, &c);
        if (prefix && t->n > c.first)
            t->v[t->n - 1].prefix = 1;
        if (t->n > c.first && t->np < MAX_TERMS)
            t->p[t->np++] = (phrase_t){c.first, t->n - c.first};
        i = j;
    }
    free(str);
    *out = t;
    return LW_OK;
}

void lw_snippet_terms_free(lw_snippet_terms *t) { free(t); }

typedef struct {
    int start, end;
    uint64_t terms; /* the terms it matches (exact or folded form) */
    uint64_t mask;  /* the phrases it is part of an instance of */
} tok_t;

typedef struct {
    const lw_snippet_terms *t;
    tok_t *v;
    size_t n, cap;
    int bad;
} doc_ctx;

static uint64_t matches(const lw_snippet_terms *t, const char *token, int n)
{
    uint64_t m = 0;
    for (int k = 0; k < t->n; k++) {
        const term_t *q = &t->v[k];
        if ((q->prefix ? n >= q->n : n == q->n) && !memcmp(token, q->form, (size_t)q->n))
            m |= (uint64_t)1 << k;
    }
    return m;
}

static int on_doc_token(void *ctx, int tflags, const char *token, int ntoken, int start, int end)
{
    doc_ctx *c = ctx;
    if ((tflags & FTS5_TOKEN_COLOCATED) && c->n) { /* the folded form of the token before */
        c->v[c->n - 1].terms |= matches(c->t, token, ntoken);
        return 0;
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        tok_t *p = realloc(c->v, cap * sizeof *p);
        if (!p) {
            c->bad = 1;
            lw_oom_note(); /* the snippet is lost: its search fails (lw_oom) */
            return 1;
        }
        c->v = p;
        c->cap = cap;
    }
    c->v[c->n++] = (tok_t){start, end, matches(c->t, token, ntoken), 0};
    return 0;
}

/* Marks the tokens of each instance of each phrase. */
static void find_phrases(doc_ctx *c)
{
    const lw_snippet_terms *t = c->t;
    for (int p = 0; p < t->np; p++) {
        const phrase_t *ph = &t->p[p];
        for (size_t i = 0; i + (size_t)ph->n <= c->n; i++) {
            int k = 0;
            while (k < ph->n && (c->v[i + (size_t)k].terms >> (ph->first + k) & 1))
                k++;
            if (k < ph->n)
                continue;
            for (k = 0; k < ph->n; k++)
                c->v[i + (size_t)k].mask |= (uint64_t)1 << p;
        }
    }
}

static int popcount64(uint64_t x)
{
    int n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

/* The best window of a column: its first token in *ws, its score (distinct terms, then
 * matches) returned; -1 for a column without tokens. */
static long best_window(const doc_ctx *c, int ntokens, size_t *ws)
{
    long best = -1;
    *ws = 0;
    if (!c->n)
        return -1;
    for (size_t h = 0; h < c->n; h++) {
        if (!c->v[h].mask && h)
            continue; /* windows open a little before a match (and one at the start) */
        size_t s = c->v[h].mask ? (h > 3 ? h - 3 : 0) : 0;
        uint64_t m = 0;
        long hits = 0;
        for (size_t k = s; k < c->n && k < s + (size_t)ntokens; k++) {
            m |= c->v[k].mask;
            hits += c->v[k].mask != 0;
        }
        long score = popcount64(m) * 100000L + hits;
        if (score > best) {
            best = score;
            *ws = s;
        }
    }
    return best;
}

static void put_flat(lw_buf *b, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char ch = p[i];
        if (ch == '\n' || ch == '\r' || ch == '\t')
            ch = ' ';
        if (ch == ' ' && b->len && b->data[b->len - 1] == ' ')
            continue;
        lw_buf_putc(b, ch);
    }
}

char *lw_snippet_make(const lw_snippet_terms *t, const char *subject, size_t nsubject, const char *body,
                      size_t nbody, const char *open, const char *close, int ntokens)
{
    doc_ctx cs = {t, NULL, 0, 0, 0}, cb = {t, NULL, 0, 0, 0};
    if (subject && nsubject)
        lw_fts_tokenize(subject, (int)nsubject, FTS5_TOKENIZE_DOCUMENT, on_doc_token, &cs);
    if (body && nbody)
        lw_fts_tokenize(body, (int)nbody, FTS5_TOKENIZE_DOCUMENT, on_doc_token, &cb);
    find_phrases(&cs);
    find_phrases(&cb);
    size_t ws_s, ws_b;
    long ss = best_window(&cs, ntokens, &ws_s), sb = best_window(&cb, ntokens, &ws_b);
    const doc_ctx *c = sb > ss ? &cb : &cs;
    const char *text = sb > ss ? body : subject;
    size_t ws = sb > ss ? ws_b : ws_s;
    lw_buf b = {0};
    if (!cs.bad && !cb.bad && c->n) {
        size_t we = ws + (size_t)ntokens < c->n ? ws + (size_t)ntokens : c->n;
        if (ws > 0)
            lw_buf_append(&b, "…", strlen("…"));
        else { /* from the start: what stands before the first word, but spaces */
            size_t lead = 0;
            while (lead < (size_t)c->v[0].start && strchr(" \t\r\n", text[lead]))
                lead++;
            put_flat(&b, text + lead, (size_t)c->v[0].start - lead);
        }
        for (size_t k = ws; k < we; k++) {
            const tok_t *x = &c->v[k];
            if (k > ws)
                put_flat(&b, text + c->v[k - 1].end, (size_t)(x->start - c->v[k - 1].end));
            /* a run of matched tokens is one mark: «59/2012/NĐ-CP», «Ủy ban nhân dân» */
            if (x->mask && !(k > ws && c->v[k - 1].mask))
                lw_buf_append(&b, open, strlen(open));
            put_flat(&b, text + x->start, (size_t)(x->end - x->start));
            if (x->mask && !(k + 1 < we && c->v[k + 1].mask))
                lw_buf_append(&b, close, strlen(close));
        }
        if (we < c->n) {
            lw_buf_append(&b, "…", strlen("…"));
        } else { /* to the end: the closing punctuation too */
            size_t tail = (size_t)c->v[c->n - 1].end, len = text == body ? nbody : nsubject;
            put_flat(&b, text + tail, len - tail);
            while (b.len && b.data[b.len - 1] == ' ')
                b.data[--b.len] = '\0';
        }
    }
    free(cs.v);
    free(cb.v);
    if (cs.bad || cb.bad) {
        lw_buf_free(&b);
        return NULL;
    }
    return b.len ? lw_buf_detach(&b, NULL) : (lw_buf_free(&b), strdup(""));
}
