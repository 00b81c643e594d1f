/* lw_pg_tsquery: an FTS5 MATCH expression read as FTS5 reads it, as tsquery texts for
 * PostgreSQL, and matched exactly against a document's tokens (lw_pg_tsquery.h says why).
 *
 * The expression is parsed into a tree kept in one array (children by index); the phrases
 * are numbered left to right as FTS5 numbers them. A document is its two columns' tokens,
 * one position per token as FTS5 counts positions (a colocated form shares its token's
 * position), each position holding the exact form and, when it differs, the folded one. */
#include "lw_pg_tsquery.h"

#include <stdlib.h>
#include <string.h>

#include "lw_fts.h"
#include "lw_msg.h"

/* ---------------------------------------------------------------- the expression */

typedef struct {
    char **term; /* owned, NUL-terminated (tokens hold no NUL) */
    int nterm;
    int prefix;  /* the last term is a prefix */
} phrase;

enum { N_PHRASE, N_AND, N_OR, N_NOT };

typedef struct {
    int op;
    int a, b; /* N_PHRASE: a = phrase index; else the children */
} node;

struct lw_pg_query {
    phrase *ph;
    int nph, cph;
    node *nd;
    int nnd, cnd;
    int root;
};

typedef struct {
    const char *s;
    size_t i, n;
    lw_pg_query *q;
    int oom, bad;
} parser;

static int add_node(parser *p, int op, int a, int b)
{
    lw_pg_query *q = p->q;
    if (q->nnd == q->cnd) {
        int c = q->cnd ? q->cnd * 2 : 16;
        node *nd = realloc(q->nd, (size_t)c * sizeof *nd);
        if (!nd) {
            p->oom = 1;
            return -1;
        }
        q->nd = nd;
        q->cnd = c;
    }
    q->nd[q->nnd] = (node){op, a, b};
    return q->nnd++;
}

static int on_query_token(void *ctx, int tflags, const char *token, int ntoken, int start, int end)
{
    (void)tflags;
    (void)start;
    (void)end;
    phrase *ph = ctx;
    char **t = realloc(ph->term, (size_t)(ph->nterm + 1) * sizeof *t);
    if (!t)
        return 1;
    ph->term = t;
    if (!(t[ph->nterm] = strndup(token, (size_t)ntoken)))
        return 1;
    ph->nterm++;
    return 0;
}

static void skip_space(parser *p)
{
    while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n'))
        p->i++;
}

/* The keyword kw (AND, OR, NOT) at the parser's place, as a whole word. */
static int at_keyword(parser *p, const char *kw)
{
    skip_space(p);
    size_t k = strlen(kw);
    if (p->n - p->i < k || memcmp(p->s + p->i, kw, k))
        return 0;
    char next = p->i + k < p->n ? p->s[p->i + k] : ' ';
    return next == ' ' || next == '(' || next == '"' || next == '\t' || next == '\n';
}

static int parse_or(parser *p);

/* A string (its phrase) or a parenthesized expression. */
static int parse_primary(parser *p)
{
    skip_space(p);
    if (p->i >= p->n) {
        p->bad = 1;
        return -1;
    }
    if (p->s[p->i] == '(') {
        p->i++;
        int r = parse_or(p);
        skip_space(p);
        if (r < 0 || p->i >= p->n || p->s[p->i] != ')') {
            p->bad = p->bad || !p->oom;
            return -1;
        }
        p->i++;
        return r;
    }
    if (p->s[p->i] != '"') {
        p->bad = 1;
        return -1;
    }
    /* the string's text, "" standing for a quote */
    lw_buf text = {0};
    p->i++;
    for (;;) {
        if (p->i >= p->n) {
            lw_buf_free(&text);
            p->bad = 1;
            return -1;
        }
        char ch = p->s[p->i++];
        if (ch == '"') {
            if (p->i < p->n && p->s[p->i] == '"')
                p->i++;
            else
                break;
        }
        if (lw_buf_putc(&text, ch)) {
            lw_buf_free(&text);
            p->oom = 1;
            return -1;
        }
    }
    int prefix = p->i < p->n && p->s[p->i] == '*';
    if (prefix)
        p->i++;
    lw_pg_query *q = p->q;
    if (q->nph == q->cph) {
        int c = q->cph ? q->cph * 2 : 8;
        phrase *ph = realloc(q->ph, (size_t)c * sizeof *ph);
        if (!ph) {
            lw_buf_free(&text);
            p->oom = 1;
            return -1;
        }
        q->ph = ph;
        q->cph = c;
    }
    phrase *ph = &q->ph[q->nph++];
    memset(ph, 0, sizeof *ph);
    ph->prefix = prefix;
    /* tokenized as FTS5 tokenizes a string of a query (with PREFIX when starred) */
    int flags = FTS5_TOKENIZE_QUERY | (prefix ? FTS5_TOKENIZE_PREFIX : 0);
    if (text.len && lw_fts_tokenize(text.data, (int)text.len, flags, on_query_token, ph)) {
        lw_buf_free(&text);
        p->oom = 1;
        return -1;
    }
    lw_buf_free(&text);
    return add_node(p, N_PHRASE, q->nph - 1, 0);
}

static int parse_not(parser *p)
{
    int l = parse_primary(p);
    while (l >= 0 && at_keyword(p, "NOT")) {
        p->i += 3;
        int r = parse_primary(p);
        l = r < 0 ? -1 : add_node(p, N_NOT, l, r);
    }
    return l;
}

static int parse_and(parser *p)
{
    int l = parse_not(p);
    while (l >= 0 && at_keyword(p, "AND")) {
        p->i += 3;
        int r = parse_not(p);
        l = r < 0 ? -1 : add_node(p, N_AND, l, r);
    }
    return l;
}

static int parse_or(parser *p)
{
    int l = parse_and(p);
    while (l >= 0 && at_keyword(p, "OR")) {
        p->i += 2;
        int r = parse_and(p);
        l = r < 0 ? -1 : add_node(p, N_OR, l, r);
    }
    return l;
}

void lw_pg_query_free(lw_pg_query *q)
{
    if (!q)
        return;
    for (int i = 0; i < q->nph; i++) {
        for (int k = 0; k < q->ph[i].nterm; k++)
            free(q->ph[i].term[k]);
        free(q->ph[i].term);
    }
    free(q->ph);
    free(q->nd);
    free(q);
}

lw_status lw_pg_query_parse(const char *expr, lw_pg_query **out, lw_error *err)
{
    *out = NULL;
    lw_pg_query *q = calloc(1, sizeof *q);
    if (!q)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    parser p = {expr, 0, strlen(expr), q, 0, 0};
    q->root = parse_or(&p);
    skip_space(&p);
    if (q->root >= 0 && p.i < p.n)
        p.bad = 1;
    if (p.oom || p.bad || q->root < 0) {
        lw_pg_query_free(q);
        if (p.oom)
            return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
        return lw_error_msg(err, LW_ERR_QUERY, NULL, 0, 0, LW_MSG_STORE_BAD_QUERY, expr);
    }
    *out = q;
    return LW_OK;
}

int lw_pg_query_nphrase(const lw_pg_query *q) { return q->nph; }

/* ---------------------------------------------------------------- tsquery texts */

/* A lexeme quoted for tsquery (and tsvector) input: quotes and backslashes doubled. */
static int put_lexeme(lw_buf *b, const char *t, int prefix)
{
    int bad = lw_buf_putc(b, '\'');
    for (const char *s = t; *s && !bad; s++)
        bad = (*s == '\'' || *s == '\\') ? lw_buf_putc(b, *s) || lw_buf_putc(b, *s) : lw_buf_putc(b, *s);
    if (!bad)
        bad = lw_buf_putc(b, '\'');
    if (!bad && prefix)
        bad = lw_buf_append(b, ":*", 2);
    return bad ? -1 : 0;
}

/* The results of the writers: a text, or NONE (matches nothing). */
enum { W_NONE = 0, W_TEXT = 1, W_OOM = -1 };

static int write_phrase(const phrase *ph, int which, lw_buf *b)
{
    if (ph->nterm == 0)
        return W_NONE;
    if (which == LW_PG_TSQ_RELAXED + 1 && ph->nterm > 1) /* the certain part: none */
        return W_NONE;
    const char *join = which == LW_PG_TSQ_EXACT ? " <-> " : " & ";
    int paren = ph->nterm > 1;
    if (paren && lw_buf_putc(b, '('))
        return W_OOM;
    for (int k = 0; k < ph->nterm; k++) {
        if (k && lw_buf_append(b, join, strlen(join)))
            return W_OOM;
        if (put_lexeme(b, ph->term[k], ph->prefix && k == ph->nterm - 1))
            return W_OOM;
    }
    if (paren && lw_buf_putc(b, ')'))
        return W_OOM;
    return W_TEXT;
}

/* which: EXACT, RELAXED (a superset) or RELAXED + 1 (a subset: what NOT may exclude). */
static int write_node(const lw_pg_query *q, int n, int which, lw_buf *b)
{
    const node *nd = &q->nd[n];
    if (nd->op == N_PHRASE)
        return write_phrase(&q->ph[nd->a], which, b);
    /* the right side of NOT: its subset when this is a superset, and the other way round */
    int rwhich = nd->op != N_NOT || which == LW_PG_TSQ_EXACT ? which
                 : which == LW_PG_TSQ_RELAXED                 ? LW_PG_TSQ_RELAXED + 1
                                                              : LW_PG_TSQ_RELAXED;
    lw_buf l = {0}, r = {0};
    int wl = write_node(q, nd->a, which, &l);
    int wr = wl == W_OOM ? W_OOM : write_node(q, nd->b, rwhich, &r);
    int res;
    if (wl == W_OOM || wr == W_OOM)
        res = W_OOM;
    else if (nd->op == N_AND)
        res = wl && wr ? W_TEXT : W_NONE;
    else if (nd->op == N_OR)
        res = wl || wr ? W_TEXT : W_NONE;
    else
        res = wl;
    if (res == W_TEXT) {
        int bad = 0;
        if (nd->op == N_OR && !(wl && wr)) /* one side matches nothing: the other alone */
            bad = lw_buf_append(b, wl ? l.data : r.data, wl ? l.len : r.len);
        else if (nd->op == N_NOT && !wr) /* nothing to exclude */
            bad = lw_buf_append(b, l.data, l.len);
        else {
            const char *op = nd->op == N_AND ? " & " : nd->op == N_OR ? " | " : " & !";
            bad = lw_buf_putc(b, '(') || lw_buf_append(b, l.data, l.len) || lw_buf_append(b, op, strlen(op)) ||
                  (nd->op == N_NOT && wr && lw_buf_putc(b, '(')) || lw_buf_append(b, r.data, r.len) ||
                  (nd->op == N_NOT && wr && lw_buf_putc(b, ')')) || lw_buf_putc(b, ')');
        }
        if (bad)
            res = W_OOM;
    }
    lw_buf_free(&l);
    lw_buf_free(&r);
    return res;
}

char *lw_pg_query_tsquery(const lw_pg_query *q, int phrase_i, int which, int *none)
{
    lw_buf b = {0};
    *none = 0;
    int w = phrase_i >= 0 ? write_phrase(&q->ph[phrase_i], which, &b) : write_node(q, q->root, which, &b);
    if (w == W_TEXT) {
        char *s = lw_buf_detach(&b, NULL);
        if (s)
            return s;
        w = W_OOM;
    }
    lw_buf_free(&b);
    *none = w == W_NONE;
    return NULL;
}

/* ---------------------------------------------------------------- documents */

/* A position's forms: offsets into the document's term buffer, len 0 for none. */
typedef struct {
    unsigned off[2];
    unsigned short len[2];
} slot;

struct lw_pg_doc {
    slot *pos[LW_PG_NCOL];
    int npos[LW_PG_NCOL], cpos[LW_PG_NCOL];
    lw_buf terms;
};

typedef struct {
    lw_pg_doc *d;
    int col;
} doc_ctx;

static int on_doc_token(void *ctx, int tflags, const char *token, int ntoken, int start, int end)
{
    (void)start;
    (void)end;
    doc_ctx *x = ctx;
    lw_pg_doc *d = x->d;
    int c = x->col;
    /* FTS5: a colocated form takes its token's position, the first token its own */
    if (!(tflags & FTS5_TOKEN_COLOCATED) || d->npos[c] == 0) {
        if (d->npos[c] == d->cpos[c]) {
            int cap = d->cpos[c] ? d->cpos[c] * 2 : 256;
            slot *p = realloc(d->pos[c], (size_t)cap * sizeof *p);
            if (!p)
                return 1;
            d->pos[c] = p;
            d->cpos[c] = cap;
        }
        d->pos[c][d->npos[c]++] = (slot){{0, 0}, {0, 0}};
    }
    slot *s = &d->pos[c][d->npos[c] - 1];
    int k = s->len[0] ? 1 : 0;
    if (s->len[k]) /* never: at most one colocated form */
        return 0;
    s->off[k] = (unsigned)d->terms.len;
    s->len[k] = (unsigned short)ntoken;
    return lw_buf_append(&d->terms, token, (size_t)ntoken) ? 1 : 0;
}

lw_pg_doc *lw_pg_doc_new(void) { return calloc(1, sizeof(lw_pg_doc)); }

void lw_pg_doc_free(lw_pg_doc *d)
{
    if (!d)
        return;
    for (int c = 0; c < LW_PG_NCOL; c++)
        free(d->pos[c]);
    lw_buf_free(&d->terms);
    free(d);
}

int lw_pg_doc_set(lw_pg_doc *d, const char *subject, size_t nsubject, const char *body, size_t nbody)
{
    d->terms.len = 0;
    const char *text[LW_PG_NCOL] = {subject, body};
    size_t len[LW_PG_NCOL] = {nsubject, nbody};
    for (int c = 0; c < LW_PG_NCOL; c++) {
        d->npos[c] = 0;
        doc_ctx x = {d, c};
        if (text[c] && len[c] && lw_fts_tokenize(text[c], (int)len[c], FTS5_TOKENIZE_DOCUMENT, on_doc_token, &x))
            return -1;
    }
    return 0;
}

int lw_pg_doc_size(const lw_pg_doc *d, int c) { return d->npos[c]; }

/* Whether term t (prefix: as a prefix) is one of the forms at s. */
static int slot_has(const lw_pg_doc *d, const slot *s, const char *t, size_t tl, int prefix)
{
    for (int k = 0; k < 2 && s->len[k]; k++) {
        size_t l = s->len[k];
        if ((prefix ? l >= tl : l == tl) && !memcmp(d->terms.data + s->off[k], t, tl))
            return 1;
    }
    return 0;
}

/* Instances of ph in column c: the positions where its terms follow one another. */
static int phrase_count(const phrase *ph, const lw_pg_doc *d, int c, int stop_at_one)
{
    if (ph->nterm == 0)
        return 0;
    int n = 0, last = d->npos[c] - ph->nterm;
    size_t tl0 = strlen(ph->term[0]);
    for (int p = 0; p <= last; p++) {
        int k = 0;
        for (; k < ph->nterm; k++) {
            const char *t = ph->term[k];
            if (!slot_has(d, &d->pos[c][p + k], t, k ? strlen(t) : tl0, ph->prefix && k == ph->nterm - 1))
                break;
        }
        if (k == ph->nterm) {
            n++;
            if (stop_at_one)
                return n;
        }
    }
    return n;
}

static int eval(const lw_pg_query *q, int n, const int *counts)
{
    const node *nd = &q->nd[n];
    switch (nd->op) {
    case N_PHRASE:
        for (int c = 0; c < LW_PG_NCOL; c++)
            if (counts[nd->a * LW_PG_NCOL + c])
                return 1;
        return 0;
    case N_AND:
        return eval(q, nd->a, counts) && eval(q, nd->b, counts);
    case N_OR:
        return eval(q, nd->a, counts) || eval(q, nd->b, counts);
    default:
        return eval(q, nd->a, counts) && !eval(q, nd->b, counts);
    }
}

/* FTS5 reports a phrase's instances in a row only where the phrase's iterator stands on the
 * row when the whole expression does (sqlite3Fts5ExprPoslist): every child of an AND that
 * matches, the children of an OR that match the row themselves, the left side of a NOT and
 * never its right. Elsewhere its count is 0, whatever the text holds ("a OR (c NOT d)" in a
 * row with a, c and d: c counts nothing). */
static void report(const lw_pg_query *q, int n, int at, int *counts)
{
    const node *nd = &q->nd[n];
    switch (nd->op) {
    case N_PHRASE:
        if (!at)
            for (int c = 0; c < LW_PG_NCOL; c++)
                counts[nd->a * LW_PG_NCOL + c] = 0;
        return;
    case N_AND:
        report(q, nd->a, at, counts);
        report(q, nd->b, at, counts);
        return;
    case N_OR: {
        /* both sides judged before either is cleared: the counts are still the text's */
        int la = at && eval(q, nd->a, counts), lb = at && eval(q, nd->b, counts);
        report(q, nd->a, la, counts);
        report(q, nd->b, lb, counts);
        return;
    }
    default:
        report(q, nd->a, at, counts);
        report(q, nd->b, 0, counts);
        return;
    }
}

int lw_pg_doc_match(const lw_pg_query *q, const lw_pg_doc *d, int *counts)
{
    int local[64 * LW_PG_NCOL], *cnt = counts;
    int *heap = NULL;
    if (!cnt) {
        if (q->nph <= 64)
            cnt = local;
        else if (!(cnt = heap = malloc((size_t)q->nph * LW_PG_NCOL * sizeof *cnt)))
            return -1;
    }
    for (int i = 0; i < q->nph; i++)
        for (int c = 0; c < LW_PG_NCOL; c++)
            cnt[i * LW_PG_NCOL + c] = phrase_count(&q->ph[i], d, c, 0);
    int m = lw_pg_counts_match(q, cnt);
    free(heap);
    return m;
}

int lw_pg_counts_match(const lw_pg_query *q, int *counts)
{
    int m = eval(q, q->root, counts);
    report(q, q->root, m, counts);
    return m;
}

/* A term's folded form as the tokenizer makes it (its tone suffix dropped, marks and đ
 * folded): two terms that share it may be the two forms of one token, at one position.
 * *differs: the term (without its tone) has a mark, so only an exact form can begin with
 * it. Owned; NULL when out of memory. */
typedef struct {
    char *first, *colocated;
    int oom;
} fold_ctx;

static int on_fold_token(void *ctx, int tflags, const char *token, int ntoken, int start, int end)
{
    (void)start;
    (void)end;
    fold_ctx *f = ctx;
    char **form = (tflags & FTS5_TOKEN_COLOCATED) ? &f->colocated : &f->first;
    if (*form)
        return 0; /* one token: its letters only */
    if (!(*form = strndup(token, (size_t)ntoken)))
        f->oom = 1;
    return f->oom;
}

static char *fold_key(const char *t, int *differs)
{
    size_t n = strcspn(t, "'`?~.");
    fold_ctx f = {NULL, NULL, 0};
    if (n)
        lw_fts_tokenize(t, (int)n, FTS5_TOKENIZE_DOCUMENT, on_fold_token, &f);
    *differs = f.colocated != NULL;
    char *key = f.colocated ? f.colocated : f.first;
    free(f.colocated ? f.first : NULL);
    if (!key && !f.oom)
        key = strdup("");
    if (f.oom) {
        free(key);
        key = NULL;
    }
    return key;
}

char *lw_pg_query_count_tsquery(const lw_pg_query *q, int i, int *oom)
{
    const phrase *ph = &q->ph[i];
    *oom = 0;
    if (ph->nterm == 0)
        return NULL;
    int kind = lw_pg_query_phrase_kind(q, i), safe = 1;
    char **key = calloc((size_t)ph->nterm, sizeof *key);
    if (!key) {
        *oom = 1;
        return NULL;
    }
    for (int k = 0; k < ph->nterm && !*oom; k++) {
        int differs;
        *oom = !(key[k] = fold_key(ph->term[k], &differs));
    }
    /* no position may hold two lexemes of the phrase: two different terms folding alike (the
     * exact and folded forms of one token), or a term the prefix (its one kind) may begin */
    for (int a = 0; a < ph->nterm && safe && !*oom; a++)
        for (int b = a + 1; b < ph->nterm && safe; b++) {
            if (!strcmp(ph->term[a], ph->term[b]))
                continue; /* one lexeme: PostgreSQL merges its items */
            int pa = ph->prefix && a == ph->nterm - 1, pb = ph->prefix && b == ph->nterm - 1;
            if (pb)
                safe = strncmp(key[a], key[b], strlen(key[b])) != 0;
            else if (pa)
                safe = strncmp(key[b], key[a], strlen(key[a])) != 0;
            else
                safe = strcmp(key[a], key[b]) != 0;
        }
    for (int k = 0; k < ph->nterm; k++)
        free(key[k]);
    free(key);
    if (!safe || *oom)
        return NULL;
    lw_buf b = {0};
    int bad = ph->nterm > 1 && lw_buf_putc(&b, '(');
    for (int k = 0; k < ph->nterm && !bad; k++) {
        int last_prefix = ph->prefix && k == ph->nterm - 1;
        bad = (k && lw_buf_append(&b, " <-> ", 5)) || put_lexeme(&b, ph->term[k], last_prefix) ||
              (last_prefix && lw_buf_append(&b, kind == 1 ? "BC" : "AD", 2));
    }
    bad = bad || (ph->nterm > 1 && lw_buf_putc(&b, ')'));
    char *out = bad ? NULL : lw_buf_detach(&b, NULL);
    lw_buf_free(&b);
    *oom = !out;
    return out;
}

int lw_pg_query_phrase_kind(const lw_pg_query *q, int i)
{
    const phrase *ph = &q->ph[i];
    if (!ph->prefix)
        return 0;
    /* its text as the tokenizer folds it: the text itself when it has no mark nor đ (a
     * prefix has no tone suffix, lw_fts drops it) */
    const char *t = ph->term[ph->nterm - 1];
    if (strpbrk(t, "'`?~."))
        return 2;
    int differs;
    char *f = fold_key(t, &differs);
    free(f);
    return differs ? 2 : 1; /* out of memory: 2, which the count checks again */
}

int lw_pg_doc_has_phrase(const lw_pg_query *q, const lw_pg_doc *d, int i)
{
    for (int c = 0; c < LW_PG_NCOL; c++)
        if (phrase_count(&q->ph[i], d, c, 1))
            return 1;
    return 0;
}

static int on_count_token(void *ctx, int tflags, const char *token, int ntoken, int start, int end)
{
    (void)token;
    (void)ntoken;
    (void)start;
    (void)end;
    int *n = ctx;
    if (!(tflags & FTS5_TOKEN_COLOCATED) || *n == 0)
        ++*n;
    return 0;
}

int lw_pg_token_count(const char *text, size_t len)
{
    int n = 0;
    if (text && len)
        lw_fts_tokenize(text, (int)len, FTS5_TOKENIZE_DOCUMENT, on_count_token, &n);
    return n;
}
