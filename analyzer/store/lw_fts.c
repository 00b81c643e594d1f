/* lw_fts: the "lawwatch" FTS5 tokenizer and the query front end (see lw_fts.h for the token
 * forms and the query grammar).
 *
 * Tokenizer. One pass finds token boundaries (letters and digits start and continue a token,
 * combining marks continue it, format characters are skipped inside it); a second pass over
 * the token builds its forms in fixed stack buffers: ASCII tokens are only lowercased; other
 * tokens are lowercased and decomposed character by character with utf8proc, tone marks are
 * taken out as suffix characters, the rest is composed again (exact form) or stripped of
 * every mark (folded form). The tokenizer looks one token ahead so that in a prefix query it
 * knows which token is the last.
 *
 * Query builder. A lexer turns the query into items (terms, AND/OR/NOT, parentheses), then a
 * small state machine checks the order of items and writes the expression: every term as a
 * quoted FTS5 string, every implicit AND as an explicit " AND " (so implicit and explicit AND
 * have the same precedence, which FTS5's juxtaposition does not), operators and parentheses as
 * they are. Whatever the lexer produced, the writer only emits strings, the three operators in
 * binary positions and balanced non-empty parentheses, which is always valid FTS5. */
#include "lw_fts.h"
#include "lw_msg.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "lw_utf8.h"

/* ---------------------------------------------------------------- characters */

enum { CC_SEP, CC_WORD, CC_MARK, CC_SKIP };

static bool fast_is_word(int32_t cp);

static int cp_class(int32_t cp)
{
    if (cp < 0x80) {
        int lc = cp | 0x20;
        return ((lc >= 'a' && lc <= 'z') || (cp >= '0' && cp <= '9')) ? CC_WORD : CC_SEP;
    }
    if (fast_is_word(cp))
        return CC_WORD;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return CC_WORD;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return CC_MARK;
    case UTF8PROC_CATEGORY_CF: /* soft hyphen, zero-width space and joiners, BOM, LRM/RLM */
        return CC_SKIP;
    default:
        return CC_SEP;
    }
}

/* Decodes the character at s[i] (i < n). Returns its length; *cp is -1 for a byte that does
 * not start a valid UTF-8 sequence (overlong, surrogate, truncated), which counts as one byte. */
static inline int decode(const unsigned char *s, int n, int i, int32_t *cp)
{
    return lw_utf8_dec((const char *)s + i, (size_t)(n - i), cp);
}

/* The tone marks of Vietnamese and their suffix characters (VIQR's). */
static char tone_suffix(int32_t cp)
{
    switch (cp) {
    case 0x0301: return '\'';  /* sắc */
    case 0x0300: return '`';   /* huyền */
    case 0x0309: return '?';   /* hỏi */
    case 0x0303: return '~';   /* ngã */
    case 0x0323: return '.';   /* nặng */
    default: return 0;
    }
}

/* Look-alikes of đ that OCR and old fonts produce: Ð U+00D0, ð U+00F0, Ɖ U+0189, ɖ U+0256. */
static int32_t fold_lookalike(int32_t cp)
{
    if (cp == 0x00D0 || cp == 0x00F0 || cp == 0x0189 || cp == 0x0256 || cp == 0x0110)
        return 0x0111;
    return cp;
}

static bool is_mark(int32_t cp)
{
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC || c == UTF8PROC_CATEGORY_ME;
}

/* ---------------------------------------------------------------- tokenizer */

/* Finds the next token at or after *pos. Sets [*start, *end) (the end is that of the last
 * letter, digit or mark, so trailing format characters are left out) and *ascii (the token is
 * all ASCII). Returns 0 when there is none. */
static int next_token(const unsigned char *s, int n, int *pos, int *start, int *end, int *ascii)
{
    int i = *pos;
    int32_t cp;
    while (i < n) {
        int w = decode(s, n, i, &cp);
        if (cp >= 0 && cp_class(cp) == CC_WORD)
            break;
        i += w;
    }
    if (i >= n) {
        *pos = n;
        return 0;
    }
    *start = i;
    int e = i, all_ascii = 1;
    while (i < n) {
        if (s[i] < 0x80) { /* fast path */
            int lc = s[i] | 0x20;
            if (!((lc >= 'a' && lc <= 'z') || (s[i] >= '0' && s[i] <= '9')))
                break;
            e = ++i;
            continue;
        }
        int w = decode(s, n, i, &cp);
        if (cp < 0)
            break;
        int c = cp_class(cp);
        if (c == CC_SEP)
            break;
        all_ascii = 0;
        i += w;
        if (c != CC_SKIP)
            e = i;
    }
    *end = e;
    *pos = i;
    *ascii = all_ascii;
    return 1;
}

typedef struct {
    char exact[LW_FTS_TERM_MAX];
    int nexact;
    int nletters; /* bytes of exact before the tone suffix */
    char folded[LW_FTS_TERM_MAX];
    int nfolded;
} term;

/* A number loses its leading zeros: "04/2021/TT-BTP" and "4/2021/TT-BTP" are one. */
static void strip_zeros(term *t)
{
    if (t->nexact < 2 || t->exact[0] != '0')
        return;
    for (int i = 0; i < t->nexact; i++)
        if (t->exact[i] < '0' || t->exact[i] > '9')
            return;
    int z = 0;
    while (z < t->nexact - 1 && t->exact[z] == '0')
        z++;
    t->nexact -= z;
    memmove(t->exact, t->exact + z, (size_t)t->nexact);
    memcpy(t->folded, t->exact, (size_t)t->nexact);
    t->nletters = t->nfolded = t->nexact;
}

static void build_ascii(const unsigned char *s, int start, int end, term *t)
{
    int n = end - start;
    if (n > LW_FTS_TERM_MAX)
        n = LW_FTS_TERM_MAX;
    for (int i = 0; i < n; i++) {
        unsigned char c = s[start + i];
        t->exact[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    t->nexact = t->nletters = n;
    memcpy(t->folded, t->exact, (size_t)n);
    t->nfolded = n;
}

/* A token is built one segment at a time: a letter or digit with the combining marks that
 * follow it (format characters in between are skipped). Segments are independent (no letter
 * composes with the next one), so building the forms segment by segment equals building them
 * for the whole token, and the token is cut where the next segment's letters no longer fit. */

#define SEG_CAP 32 /* decomposed code points kept per segment (more marks are dropped) */

/* The forms of one segment, given decomposed as seg[0..nd): exact letters (shape marks
 * composed), folded letters, tones. Returns 0, or -1 if a buffer is too small. */
typedef struct {
    char ex[4 * SEG_CAP];
    int nex;
    char fo[4 * SEG_CAP];
    int nfo;
    char tones[SEG_CAP];
    int nt;
} seg_forms;

static void seg_build(utf8proc_int32_t *seg, int nd, seg_forms *f)
{
    int m = 0;
    f->nex = f->nfo = f->nt = 0;
    for (int k = 0; k < nd; k++) {
        char tone = tone_suffix(seg[k]);
        if (tone)
            f->tones[f->nt++] = tone;
        else
            seg[m++] = seg[k];
    }
    nd = m;
    /* canonical order of the remaining marks (stable), as NFD would have them */
    for (int k = 1; k < nd; k++) {
        utf8proc_int32_t c = seg[k];
        int cc = utf8proc_get_property(c)->combining_class;
        int j = k;
        while (j > 0 && cc && utf8proc_get_property(seg[j - 1])->combining_class > cc) {
            seg[j] = seg[j - 1];
            j--;
        }
        seg[j] = c;
    }
    for (int k = 0; k < nd; k++) {
        utf8proc_int32_t c = seg[k];
        if (c >= 0x80 && is_mark(c))
            continue;
        if (c == 0x0111)
            c = 'd';
        f->nfo += (int)utf8proc_encode_char(c, (utf8proc_uint8_t *)f->fo + f->nfo);
    }
    utf8proc_ssize_t nc = utf8proc_normalize_utf32(seg, nd, UTF8PROC_COMPOSE);
    if (nc < 0)
        nc = nd;
    for (utf8proc_ssize_t k = 0; k < nc; k++)
        f->nex += (int)utf8proc_encode_char(seg[k], (utf8proc_uint8_t *)f->ex + f->nex);
}

/* Decomposes one character (lowercased, đ look-alikes folded) onto seg[*nd..SEG_CAP). */
static void seg_add(utf8proc_int32_t *seg, int *nd, int32_t cp)
{
    cp = utf8proc_tolower(fold_lookalike(cp));
    utf8proc_int32_t one[SEG_CAP];
    utf8proc_ssize_t r = 1;
    one[0] = cp;
    if (cp >= 0x80) {
        r = utf8proc_decompose_char(cp, one, SEG_CAP, UTF8PROC_DECOMPOSE, NULL);
        if (r < 1 || r > SEG_CAP) {
            one[0] = cp;
            r = 1;
        }
    }
    for (utf8proc_ssize_t k = 0; k < r && *nd < SEG_CAP; k++)
        seg[(*nd)++] = one[k];
}

/* Forms of the precomposed Latin letters (Latin-1 to Latin Extended-B, Latin Extended
 * Additional: every Vietnamese letter) as single-character segments, computed once from
 * utf8proc by seg_build itself, so the cache cannot disagree with it. */
typedef struct {
    unsigned char nex, nfo; /* nex == 0: not cached */
    char tone;
    char ex[4], fo[4];
} fast_entry;

#define FAST_A_LO 0x80
#define FAST_A_HI 0x250
#define FAST_B_LO 0x1E00
#define FAST_B_HI 0x1F00
static fast_entry fast_tab[(FAST_A_HI - FAST_A_LO) + (FAST_B_HI - FAST_B_LO)];
static pthread_once_t fast_once = PTHREAD_ONCE_INIT;

static fast_entry *fast_slot(int32_t cp)
{
    if (cp >= FAST_A_LO && cp < FAST_A_HI)
        return &fast_tab[cp - FAST_A_LO];
    if (cp >= FAST_B_LO && cp < FAST_B_HI)
        return &fast_tab[(FAST_A_HI - FAST_A_LO) + (cp - FAST_B_LO)];
    return NULL;
}

static bool fast_is_word(int32_t cp)
{
    const fast_entry *e = fast_slot(cp);
    return e && e->nex;
}

static void fast_init(void)
{
    static const int32_t lo[] = {FAST_A_LO, FAST_B_LO}, hi[] = {FAST_A_HI, FAST_B_HI};
    for (int r = 0; r < 2; r++)
        for (int32_t cp = lo[r]; cp < hi[r]; cp++) {
            if (cp_class(cp) != CC_WORD)
                continue;
            utf8proc_int32_t seg[SEG_CAP];
            int nd = 0;
            seg_forms f;
            seg_add(seg, &nd, cp);
            seg_build(seg, nd, &f);
            if (f.nex < 1 || f.nex > 4 || f.nfo > 4 || f.nt > 1)
                continue;
            fast_entry *e = fast_slot(cp);
            e->nex = (unsigned char)f.nex;
            e->nfo = (unsigned char)f.nfo;
            e->tone = f.nt ? f.tones[0] : 0;
            memcpy(e->ex, f.ex, (size_t)f.nex);
            memcpy(e->fo, f.fo, (size_t)f.nfo);
        }
}

static void build_unicode(const unsigned char *s, int start, int end, term *t)
{
    char tones[LW_FTS_TERM_MAX];
    int nt = 0;
    int32_t cp, cp2;
    int i = start, w = decode(s, end, i, &cp);
    t->nexact = t->nfolded = 0;
    while (i < end) {
        if (cp < 0 || cp_class(cp) != CC_WORD) { /* format characters (and strays) */
            i += w;
            if (i < end)
                w = decode(s, end, i, &cp);
            continue;
        }
        /* the segment: cp, then marks and format characters up to the next letter or digit */
        int j = i + w, w2 = 0, marks = 0;
        cp2 = -1;
        while (j < end) {
            w2 = decode(s, end, j, &cp2);
            int c = cp2 < 0 ? CC_SEP : cp_class(cp2);
            if (c == CC_WORD || c == CC_SEP)
                break;
            marks |= c == CC_MARK;
            j += w2;
        }
        const char *ex, *fo;
        char tone1 = 0;
        int nex, nfo, ntone;
        const char *segtones;
        seg_forms f;
        fast_entry *e;
        unsigned char lower;
        if (!marks && cp < 0x80) {
            lower = (unsigned char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
            ex = fo = (const char *)&lower;
            nex = nfo = 1;
            ntone = 0;
            segtones = NULL;
        } else if (!marks && (e = fast_slot(cp)) != NULL && e->nex) {
            ex = e->ex;
            nex = e->nex;
            fo = e->fo;
            nfo = e->nfo;
            tone1 = e->tone;
            segtones = &tone1;
            ntone = tone1 != 0;
        } else {
            utf8proc_int32_t seg[SEG_CAP];
            int nd = 0;
            for (int k = i; k < j;) {
                int32_t c;
                k += decode(s, end, k, &c);
                if (c >= 0 && cp_class(c) != CC_SKIP)
                    seg_add(seg, &nd, c);
            }
            seg_build(seg, nd, &f);
            ex = f.ex;
            nex = f.nex;
            fo = f.fo;
            nfo = f.nfo;
            segtones = f.tones;
            ntone = f.nt;
        }
        if (t->nexact + nex > LW_FTS_TERM_MAX)
            break; /* full: the rest of the token is left out */
        memcpy(t->exact + t->nexact, ex, (size_t)nex);
        t->nexact += nex;
        if (t->nfolded + nfo <= LW_FTS_TERM_MAX) { /* always: folded is never longer */
            memcpy(t->folded + t->nfolded, fo, (size_t)nfo);
            t->nfolded += nfo;
        }
        for (int k = 0; k < ntone && nt < LW_FTS_TERM_MAX; k++)
            tones[nt++] = segtones[k];
        i = j;
        cp = cp2;
        w = w2;
    }
    t->nletters = t->nexact;
    for (int k = 0; k < nt && t->nexact < LW_FTS_TERM_MAX; k++)
        t->exact[t->nexact++] = tones[k];
}

int lw_fts_tokenize(const char *text, int len, int flags, lw_fts_token_fn cb, void *ctx)
{
    if (!text || len <= 0)
        return 0;
    pthread_once(&fast_once, fast_init);
    const unsigned char *s = (const unsigned char *)text;
    const bool query = (flags & FTS5_TOKENIZE_QUERY) != 0;
    const bool prefix = query && (flags & FTS5_TOKENIZE_PREFIX);
    int pos = 0, start, end, ascii;
    int nstart, nend, nascii;
    int have = next_token(s, len, &pos, &start, &end, &ascii);
    term t;
    while (have) {
        int have_next = next_token(s, len, &pos, &nstart, &nend, &nascii);
        if (ascii)
            build_ascii(s, start, end, &t);
        else
            build_unicode(s, start, end, &t);
        strip_zeros(&t);
        int rc = 0;
        if (!query) {
            rc = cb(ctx, 0, t.exact, t.nexact, start, end);
            if (rc == 0 && (t.nfolded != t.nexact || memcmp(t.folded, t.exact, (size_t)t.nexact)))
                rc = cb(ctx, FTS5_TOKEN_COLOCATED, t.folded, t.nfolded, start, end);
        } else if (prefix && !have_next) {
            if (t.nletters > 0)
                rc = cb(ctx, 0, t.exact, t.nletters, start, end);
        } else {
            rc = cb(ctx, 0, t.exact, t.nexact, start, end);
        }
        if (rc)
            return rc;
        have = have_next;
        start = nstart;
        end = nend;
        ascii = nascii;
    }
    return 0;
}

/* ---------------------------------------------------------------- FTS5 glue */

typedef struct {
    int unused; /* room for options; FTS5 needs a distinct object per tokenizer */
} lw_fts_tokenizer;

static int tok_create(void *user, const char **argv, int argc, Fts5Tokenizer **out)
{
    *out = NULL;
    if (argc > 0)
        return SQLITE_ERROR; /* the tokenizer takes no options */
    lw_fts_tokenizer *t = sqlite3_malloc(sizeof *t);
    if (!t)
        return SQLITE_NOMEM;
    t->unused = 0;
    *out = (Fts5Tokenizer *)t;
    return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *t)
{
    sqlite3_free(t);
}

static int tok_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int len,
                        int (*xToken)(void *, int, const char *, int, int, int))
{
    return lw_fts_tokenize(text, len, flags, xToken, ctx);
}

lw_status lw_fts_register(sqlite3 *db, lw_error *err)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_OK || !api || api->iVersion < 2)
        return lw_error_msg(err, LW_ERR_DB, NULL, 0, 0, LW_MSG_STORE_NO_FTS5,
                            sqlite3_libversion(), rc != SQLITE_OK ? sqlite3_errmsg(db) : "no fts5_api");
    static fts5_tokenizer tok = {tok_create, tok_delete, tok_tokenize};
    rc = api->xCreateTokenizer(api, "lawwatch", NULL, &tok, NULL);
    if (rc != SQLITE_OK)
        return lw_error_msg(err, LW_ERR_DB, NULL, 0, 0, LW_MSG_STORE_TOKENIZER,
                            sqlite3_errstr(rc));
    return LW_OK;
}

/* ---------------------------------------------------------------- query builder */

typedef enum { Q_TERM, Q_AND, Q_OR, Q_NOT, Q_LP, Q_RP } qkind;

typedef struct {
    qkind kind;
    int col;        /* 1-based character column in the query */
    int start, len; /* Q_TERM: its text in the query, without quotes, '-' or '*' */
    bool quoted;    /* Q_TERM written in quotes */
    bool prefix;    /* Q_TERM followed by '*' */
    bool neg;       /* Q_TERM written "-word" */
} qitem;

static bool q_space(int32_t cp)
{
    if (cp <= 0x20 || cp == 0x7F)
        return true;
    if (cp < 0x80)
        return false;
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL || c == UTF8PROC_CATEGORY_ZP ||
           c == UTF8PROC_CATEGORY_CC;
}

static bool q_quote(int32_t cp)
{
    return cp == '"' || cp == 0x201C || cp == 0x201D || cp == 0x201E;
}

/* True if s[start, start+len) holds a letter or a digit, i.e. yields a token. */
static bool q_has_word(const unsigned char *s, int start, int len)
{
    for (int i = start; i < start + len;) {
        int32_t cp;
        i += decode(s, start + len, i, &cp);
        if (cp >= 0 && cp_class(cp) == CC_WORD)
            return true;
    }
    return false;
}

static const char *q_opname(qkind k)
{
    return k == Q_AND ? "AND" : k == Q_OR ? "OR" : "NOT";
}

static lw_status q_error(lw_error *err, int col, const char *msg)
{
    return lw_error_set(err, LW_ERR_QUERY, NULL, 0, col, "%s", msg);
}

/* Writes a term group (items g[0..n-1], bare words joined by spaces) as one FTS5 string. */
static int q_put_string(lw_buf *b, const char *q, const qitem *g, int n)
{
    if (lw_buf_putc(b, '"'))
        return -1;
    for (int k = 0; k < n; k++) {
        if (k && lw_buf_putc(b, ' '))
            return -1;
        for (int i = g[k].start; i < g[k].start + g[k].len; i++) {
            if (q[i] == '"' && lw_buf_putc(b, '"')) /* never happens: quotes end terms */
                return -1;
            if (lw_buf_putc(b, q[i]))
                return -1;
        }
    }
    if (lw_buf_putc(b, '"'))
        return -1;
    if (g[n - 1].prefix && lw_buf_putc(b, '*'))
        return -1;
    return 0;
}

/* Splits the query into items. Returns the count. items has room for strlen(q) + 1. */
static int q_lex(const char *q, int n, qitem *items, int *nops)
{
    const unsigned char *s = (const unsigned char *)q;
    int ni = 0, col = 1, i = 0;
    *nops = 0;
    while (i < n) {
        int32_t cp;
        int w = decode(s, n, i, &cp);
        if (q_space(cp)) {
            i += w;
            col++;
            continue;
        }
        if (cp == '(' || cp == ')') {
            items[ni++] = (qitem){.kind = cp == '(' ? Q_LP : Q_RP, .col = col};
            i++;
            col++;
            continue;
        }
        if (q_quote(cp)) {
            int qcol = col;
            i += w;
            col++;
            int cstart = i;
            while (i < n) {
                w = decode(s, n, i, &cp);
                if (q_quote(cp))
                    break;
                i += w;
                col++;
            }
            int clen = i - cstart;
            if (i < n) { /* the closing quote; an unclosed one runs to the end */
                i += w;
                col++;
            }
            /* a star typed inside the quotes ("thi hành*") means the same as after them */
            int ce = cstart + clen;
            while (ce > cstart && (s[ce - 1] == ' ' || s[ce - 1] == '\t'))
                ce--;
            bool prefix = ce > cstart && s[ce - 1] == '*';
            while (i < n && s[i] == '*') {
                prefix = true;
                i++;
                col++;
            }
            if (q_has_word(s, cstart, clen))
                items[ni++] = (qitem){.kind = Q_TERM, .col = qcol, .start = cstart, .len = clen,
                                      .quoted = true, .prefix = prefix};
            continue;
        }
        /* a bare word */
        int wcol = col, wstart = i;
        while (i < n) {
            w = decode(s, n, i, &cp);
            if (q_space(cp) || cp == '(' || cp == ')' || q_quote(cp))
                break;
            i += w;
            col++;
        }
        int wlen = i - wstart;
        if ((wlen == 3 && !memcmp(q + wstart, "AND", 3)) || (wlen == 2 && !memcmp(q + wstart, "OR", 2)) ||
            (wlen == 3 && !memcmp(q + wstart, "NOT", 3))) {
            items[ni++] = (qitem){.kind = q[wstart] == 'A' ? Q_AND : q[wstart] == 'O' ? Q_OR : Q_NOT,
                                  .col = wcol};
            ++*nops;
            continue;
        }
        int b = wstart, e = i;
        bool neg = false, prefix = false;
        while (b < e && s[b] == '-') {
            neg = true;
            b++;
        }
        while (e > b && s[e - 1] == '*') {
            prefix = true;
            e--;
        }
        if (q_has_word(s, b, e - b))
            items[ni++] = (qitem){.kind = Q_TERM, .col = wcol, .start = b, .len = e - b,
                                  .neg = neg, .prefix = prefix};
    }
    return ni;
}

static bool q_bare(const qitem *it)
{
    return it->kind == Q_TERM && !it->quoted;
}

lw_status lw_fts_query_build(const char *user_query, char **match_expr_out, lw_error *err)
{
    char msg[512];
    *match_expr_out = NULL;
    const char *q = user_query ? user_query : "";
    size_t qlen = strlen(q);
    if (qlen > LW_FTS_QUERY_MAX) {
        snprintf(msg, sizeof msg,
                 "Truy vấn quá dài (%zu byte, tối đa %d). Gợi ý: rút gọn truy vấn, chỉ giữ các từ "
                 "hoặc số hiệu văn bản cần tìm. [query too long]",
                 qlen, LW_FTS_QUERY_MAX);
        return q_error(err, 0, msg);
    }
    const int n = (int)qlen;

    /* valid UTF-8 */
    for (int i = 0, col = 1; i < n; col++) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t r = utf8proc_iterate((const utf8proc_uint8_t *)q + i, n - i, &cp);
        if (r <= 0) {
            snprintf(msg, sizeof msg,
                     "Truy vấn không phải văn bản UTF-8 hợp lệ (byte %d, ký tự thứ %d). Gợi ý: gõ "
                     "lại truy vấn hoặc đặt bảng mã của cửa sổ lệnh là UTF-8. [query is not valid UTF-8]",
                     i + 1, col);
            return q_error(err, col, msg);
        }
        i += (int)r;
    }

    qitem *items = malloc(((size_t)n + 1) * sizeof *items);
    if (!items)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    int nops;
    int ni = q_lex(q, n, items, &nops);

    int nterms = 0;
    for (int k = 0; k < ni; k++)
        nterms += items[k].kind == Q_TERM;
    if (nterms == 0) {
        free(items);
        if (nops > 0)
            return q_error(err, 0,
                           "Truy vấn chỉ có toán tử (AND, OR, NOT), không có từ cần tìm. Gợi ý: "
                           "viết từ ở hai bên toán tử, ví dụ: nghị định AND thông tư. "
                           "[the query has operators but no words]");
        bool blank = true;
        for (int i = 0; i < n && blank;) {
            int32_t cp;
            i += decode((const unsigned char *)q, n, i, &cp);
            blank = q_space(cp);
        }
        if (!blank)
            return q_error(err, 0,
                           "Truy vấn không có từ nào để tìm (chỉ có dấu câu hoặc dấu ngoặc). Gợi ý: "
                           "nhập từ hoặc số hiệu văn bản, ví dụ: 59/2012/NĐ-CP. [no searchable words]");
        return q_error(err, 0,
                       "Truy vấn trống. Gợi ý: nhập từ, cụm từ trong ngoặc kép hoặc số hiệu văn bản "
                       "cần tìm, ví dụ: \"thi hành án\". [empty query]");
    }

    lw_buf b = {0};
    lw_status st = LW_OK;
    int lp_col[LW_FTS_QUERY_MAX_DEPTH];
    int depth = 0;
    bool have_left = false;  /* a term or ')' ends what was written at this level */
    qkind pending = Q_TERM;  /* Q_AND/Q_OR/Q_NOT: an operator waiting for its right side */
    int pending_col = 0;
    int single_until = -1;   /* items up to here are known not to be in a prefix run */
    bool oom = false;

#define EMIT(str) (oom = oom || lw_buf_append(&b, (str), strlen(str)) != 0)
#define FAIL(col, ...)                                                                         \
    do {                                                                                       \
        snprintf(msg, sizeof msg, __VA_ARGS__);                                                \
        st = q_error(err, (col), msg);                                                         \
        goto done;                                                                             \
    } while (0)

    for (int k = 0; k < ni; k++) {
        qitem *it = &items[k];
        switch (it->kind) {
        case Q_TERM: {
            if (it->neg) {
                if (!have_left)
                    FAIL(it->col,
                         "Dấu '-' trước từ ở cột %d nghĩa là NOT, nhưng trước nó không có từ cần tìm: "
                         "không thể tìm \"mọi văn bản trừ …\". Gợi ý: thêm từ cần tìm phía trước, "
                         "ví dụ: nghị định -bãi bỏ. [NOT needs a term on its left]",
                         it->col);
                if (pending == Q_OR || pending == Q_NOT)
                    FAIL(it->col,
                         "Hai toán tử liền nhau: %s rồi '-' ở cột %d. Gợi ý: giữ một toán tử "
                         "(\"a NOT b\" tìm a mà không có b). [two operators in a row]",
                         q_opname(pending), it->col);
                pending = Q_NOT;
                pending_col = it->col;
            }
            if (have_left) {
                EMIT(pending == Q_OR ? " OR " : pending == Q_NOT ? " NOT " : " AND ");
            }
            int g = 1;
            if (q_bare(it) && k > single_until) {
                int e = k;
                while (!items[e].prefix && e + 1 < ni && q_bare(&items[e + 1]) && !items[e + 1].neg)
                    e++;
                if (items[e].prefix)
                    g = e - k + 1;
                else
                    single_until = e;
            }
            if (q_put_string(&b, q, it, g))
                oom = true;
            k += g - 1;
            have_left = true;
            pending = Q_TERM;
            break;
        }
        case Q_AND:
        case Q_OR:
        case Q_NOT:
            if (!have_left) {
                if (it->kind == Q_NOT)
                    FAIL(it->col,
                         "NOT ở cột %d thiếu vế bên trái: không thể tìm \"mọi văn bản trừ …\". Gợi "
                         "ý: thêm từ cần tìm phía trước, ví dụ: nghị định NOT bãi bỏ. "
                         "[NOT needs a term on its left]",
                         it->col);
                FAIL(it->col,
                     "Toán tử %s ở cột %d thiếu vế bên trái. Gợi ý: đặt từ cần tìm trước %s, ví "
                     "dụ: nghị định %s thông tư. [%s needs a term on its left]",
                     q_opname(it->kind), it->col, q_opname(it->kind), q_opname(it->kind),
                     q_opname(it->kind));
            }
            if (pending == Q_AND && it->kind == Q_NOT) {
                pending = Q_NOT; /* "a AND NOT b" is "a NOT b" */
                pending_col = it->col;
                break;
            }
            if (pending != Q_TERM)
                FAIL(it->col,
                     "Hai toán tử liền nhau: %s rồi %s ở cột %d. Gợi ý: giữ một toán tử%s. "
                     "[two operators in a row]",
                     q_opname(pending), q_opname(it->kind), it->col,
                     pending == Q_OR && it->kind == Q_NOT
                         ? " (không tìm được \"a OR NOT b\"; \"a NOT b\" tìm a mà không có b)"
                         : "");
            pending = it->kind;
            pending_col = it->col;
            break;
        case Q_LP:
            if (depth == LW_FTS_QUERY_MAX_DEPTH)
                FAIL(it->col,
                     "Truy vấn lồng quá %d mức ngoặc (cột %d). Gợi ý: bỏ bớt dấu ngoặc. "
                     "[parentheses nested too deeply]",
                     LW_FTS_QUERY_MAX_DEPTH, it->col);
            if (have_left)
                EMIT(pending == Q_OR ? " OR " : pending == Q_NOT ? " NOT " : " AND ");
            EMIT("(");
            lp_col[depth++] = it->col;
            have_left = false;
            pending = Q_TERM;
            break;
        case Q_RP:
            if (depth == 0)
                FAIL(it->col,
                     "Dấu ngoặc đóng ')' ở cột %d không có dấu ngoặc mở '(' tương ứng. Gợi ý: bỏ "
                     "dấu ')' này hoặc thêm '(' phía trước. [unmatched ')']",
                     it->col);
            if (pending != Q_TERM)
                FAIL(pending_col,
                     "Toán tử %s ở cột %d thiếu vế bên phải (ngay sau nó là ')'). Gợi ý: thêm từ "
                     "cần tìm sau %s hoặc bỏ %s. [%s needs a term on its right]",
                     q_opname(pending), pending_col, q_opname(pending), q_opname(pending),
                     q_opname(pending));
            if (!have_left)
                FAIL(lp_col[depth - 1],
                     "Cặp ngoặc ở cột %d không chứa từ nào để tìm. Gợi ý: bỏ cặp ngoặc hoặc đặt "
                     "từ cần tìm vào trong. [empty parentheses]",
                     lp_col[depth - 1]);
            EMIT(")");
            depth--;
            have_left = true;
            break;
        }
    }
    if (pending != Q_TERM)
        FAIL(pending_col,
             "Toán tử %s ở cột %d thiếu vế bên phải. Gợi ý: thêm từ cần tìm sau %s hoặc bỏ %s. "
             "[%s needs a term on its right]",
             q_opname(pending), pending_col, q_opname(pending), q_opname(pending), q_opname(pending));
    if (depth > 0)
        FAIL(lp_col[depth - 1],
             "Truy vấn thiếu dấu ngoặc đóng ')' cho dấu '(' ở cột %d. Gợi ý: thêm ')' ở cuối "
             "nhóm hoặc bỏ dấu '(' này. [missing closing parenthesis ')']",
             lp_col[depth - 1]);
    if (oom) {
        st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
        goto done;
    }
    *match_expr_out = lw_buf_detach(&b, NULL);
    if (!*match_expr_out)
        st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);

#undef EMIT
#undef FAIL
done:
    free(items);
    lw_buf_free(&b);
    return st;
}
