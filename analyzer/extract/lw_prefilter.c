/* lw_prefilter: the literals every match of a pattern contains, and one pass over a text
 * that says where each of them last occurs.
 *
 * Most rules find nothing in most documents, and a rule that finds nothing still costs a
 * full scan: PCRE2 tries a match at every letter its pattern may start with, lookbehinds
 * first. So each rule's pattern is read (at load) for a set of literal strings one of
 * which every match must contain: the literal runs of its top-level sequence, and of
 * groups that must match, alternation taken as the union of its branches' sets. A pattern
 * with a construct the reading does not know gets no set and always runs. The scan
 * (lw_prefilter_scan, used by lw_match's lw_rule_scan) then finds where every literal last
 * occurs in a text in one pass (Aho-Corasick over the text folded, read from its end): a rule none of whose literals occur is known to find
 * nothing, and no match of the others starts after the last of theirs (a match holds one,
 * at or after its start), which PCRE2 is told as an offset limit.
 *
 * Exact, not a heuristic: literals and text are compared under a per-character fold f
 * (simple lower case, plus long s -> s, Kelvin sign -> k, Angstrom sign -> å, ẛ -> ṡ)
 * that PCRE2's caseless matching never distinguishes more finely: for every literal
 * character allowed (ASCII, U+00C0..U+01B0 but ı, İ, ŉ, ſ, and U+1EA0..U+1EF9, the
 * Vietnamese letters) and every code point PCRE2 (UTF, UCP, caseless) matches it with,
 * f gives the same result; this was checked over all of Unicode with the PCRE2 and
 * utf8proc of Debian 12. The punctuation of U+2010..U+205E (dashes, quotes, the fraction
 * slash OCR reads for '/') is allowed too: caselessly each matches itself only (checked
 * the same way), and f leaves it as it is. A case-sensitive match is a caseless one, so rules with
 * (?-i) or caseless: false are covered too. The one difference a rule left out makes:
 * it cannot report a match limit (STYLE.md 9) on a text where it could find nothing.
 *
 * Windows (issue 20). A rule that can match is still tried by PCRE2 at nearly every
 * position up to its last literal. So the same reading also gives a second set, the
 * window set, one of which every match holds within a bound of its start: the most bytes
 * the items before the literal can match (lit_char_width: caseless partners included;
 * 4 for any character; n times for x{m,n}; 0 for look-arounds, anchors, \K; a run of
 * white space repeated without bound counts as the text's longest such run, R, which the
 * scan measures: so a bound is a + b * R). No bound (x+, \X, a group call) before every
 * literal: no set. The set nearest the pattern's start is preferred (narrowest windows).
 * The scan keeps every occurrence of window literals, and lw_match searches only in
 * [occurrence - bound, occurrence]: no start position that can match is left out, and
 * the match found from a position does not depend on where the search began, but for \G
 * (such a pattern gets no window set) and backtracking verbs (not read: no set). */
#include "lw_prefilter.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

/* The literal table (each literal folded, once) and its automaton (lw_prefilter_build). */
struct lw_prefilter {
    char **lits;
    size_t n_lits;
    uint32_t *ac_next; /* ac_states x ac_ncls transitions */
    unsigned char ac_cls[256]; /* a byte's class: 0 for the bytes no literal holds, each other
                                * byte its own (the table is that much narrower than 256) */
    uint32_t ac_ncls;
    uint32_t *ac_lit;  /* per state: 1 + the literal ending there, or 0 */
    uint32_t *ac_dict; /* per state: the next state on its suffix chain ending a literal, or 0 */
    unsigned char *ac_win; /* per state: 1 when it or its suffix chain ends a window literal */
    unsigned char *win;    /* per literal: 1 when some pattern's window set holds it (all its
                            * occurrences are kept by lw_prefilter_scan_all) */
    uint32_t ac_states;
};

lw_prefilter *lw_prefilter_create(void) { return calloc(1, sizeof(lw_prefilter)); }

void lw_prefilter_free(lw_prefilter *pf)
{
    if (!pf)
        return;
    for (size_t i = 0; i < pf->n_lits; i++)
        free(pf->lits[i]);
    free(pf->lits);
    free(pf->win);
    free(pf->ac_win);
    free(pf->ac_next);
    free(pf->ac_lit);
    free(pf->ac_dict);
    free(pf);
}

size_t lw_prefilter_count(const lw_prefilter *pf) { return pf ? pf->n_lits : 0; }

/* A set with more alternatives than this is dropped: the automaton stays a few thousand
 * states and a rule whose literals are that many is not worth leaving out. */
#define LW_PREFILTER_NEED_MAX 48
/* A set whose shortest literal is shorter than this (bytes) occurs in nearly every text: it
 * would leave nothing out, so the rule gets no set. */
#define LW_PREFILTER_NEED_MIN 3
/* Characters of a class expanded into literals ([ếe]); a longer class ends the run. */
#define LW_PREFILTER_CLASS_MAX 6
/* A window set's shortest literal (bytes): shorter ones occur everywhere, a window at each
 * would cost more than the scan it saves. */
#define LW_PREFILTER_WIN_MIN 2
/* Single characters rare enough in these texts to be window literals all the same: a
 * reference's slash ("59/2012/NĐ-CP") is, a full stop or a hyphen is not. */
#define LW_PREFILTER_WIN_RARE "/|;%&"
/* The most bytes a match may have before its window literal: past it the windows cover
 * most of a text and the rule runs as without them. */
#define LW_PREFILTER_PRE_MAX 2048
/* The most runs of white space ("\\s+") before a window literal: each widens every window
 * by the text's longest run. */
#define LW_PREFILTER_RUNS_MAX 8
/* Longest literal run built from a sequence (bytes); a longer one is not read. */
#define LW_PREFILTER_LIT_MAX 512

typedef struct {
    char **v; /* folded literals, owned */
    size_t n;
} strset;

static void strset_free(strset *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

static int strset_add(strset *s, const char *str, size_t len)
{
    for (size_t i = 0; i < s->n; i++)
        if (strlen(s->v[i]) == len && !memcmp(s->v[i], str, len))
            return 0;
    char **v = realloc(s->v, (s->n + 1) * sizeof *v);
    if (!v)
        return -1;
    s->v = v;
    if (!(s->v[s->n] = malloc(len + 1)))
        return -1;
    memcpy(s->v[s->n], str, len);
    s->v[s->n][len] = '\0';
    s->n++;
    return 0;
}

/* The shortest literal's length; 0 for an empty set or one holding "". */
static size_t strset_score(const strset *s)
{
    size_t m = s->n ? SIZE_MAX : 0;
    for (size_t i = 0; i < s->n; i++)
        if (strlen(s->v[i]) < m)
            m = strlen(s->v[i]);
    return m;
}

static int32_t lit_fold(int32_t c)
{
    switch (c) {
    case 0x17F: return 's';
    case 0x212A: return 'k';
    case 0x212B: return 0xE5;
    case 0x1E9B: return 0x1E61;
    default: return c < 0x80 ? (c >= 'A' && c <= 'Z' ? c + 32 : c) : utf8proc_tolower(c);
    }
}

static int lit_char_ok(int32_t c)
{
    return (c >= 0x20 && c <= 0x7E) || (c >= 0xC0 && c <= 0x1B0 && c != 0x130 && c != 0x131 && c != 0x149 && c != 0x17F) ||
           (c >= 0x1EA0 && c <= 0x1EF9) || (c >= 0x2010 && c <= 0x2027) || (c >= 0x2030 && c <= 0x205E);
}

/* Widths: the most bytes of text an item can match, as a + b * R where R is the longest run
 * of white space in the text (a + b * R, not a bound known at load, for "\\s+": a text is
 * scanned anyway and the scan measures R), in one integer: a in the low 32 bits, b in the
 * high ones, so that comparing two widths compares b first. W_UNB when there is no bound;
 * each part is kept below W_CAP so that sums and products never overflow. */
typedef uint64_t wz;
#define W_UNB UINT64_MAX
#define W_CAP ((uint64_t)1 << 24)
#define W_A(x) ((x) & 0xFFFFFFFFu)
#define W_B(x) ((x) >> 32)
#define W_RUN ((wz)1 << 32) /* a run of white space: at most R bytes */

static wz w_make(uint64_t a, uint64_t b) { return a > W_CAP || b > W_CAP ? W_UNB : a | b << 32; }

static wz w_add(wz x, wz y)
{
    return x == W_UNB || y == W_UNB ? W_UNB : w_make(W_A(x) + W_A(y), W_B(x) + W_B(y));
}

static wz w_mul(wz x, unsigned long n)
{
    if (x == W_UNB || n == ULONG_MAX)
        return W_UNB;
    if (!x || !n)
        return 0;
    if (n > W_CAP)
        return W_UNB;
    return w_make(W_A(x) * n, W_B(x) * n);
}

static wz w_max(wz x, wz y)
{
    if (x == W_UNB || y == W_UNB)
        return W_UNB;
    return w_make(W_A(x) > W_A(y) ? W_A(x) : W_A(y), W_B(x) > W_B(y) ? W_B(x) : W_B(y));
}

/* The white space of PCRE2's \\s, \\h and \\v (UCP), read off the PCRE2 of Debian 12 over all
 * of Unicode: what a run of it is made of, in a pattern and in a text. */
static int is_ws(int32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 || c == 0x180E ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

/* The most bytes a character c of a pattern matches in a text (UTF, UCP, caseless): that
 * of c's own UTF-8 and of every code point PCRE2 folds with it. Checked over all of
 * Unicode with the PCRE2 of Debian 12 (a caseless class of a range run over every code
 * point): an ASCII character matches no other but k (K, U+212A KELVIN SIGN: 3 bytes) and
 * s (U+017F LONG S: 2 bytes); a 2-byte character matches some of 3 (U+2126 OHM SIGN for
 * omega, U+212B for å, U+1E9E for ß, ...); a 3-byte one none of 4. */
static size_t lit_char_width(int32_t c)
{
    if (c < 0x80)
        return c == 'k' || c == 'K' || c == 's' || c == 'S' ? 3 : 1;
    return c < 0x10000 ? 3 : 4;
}

typedef struct {
    const unsigned char *p, *end;
    int ext;   /* PCRE2_EXTENDED */
    int fail;  /* something not understood: the rule gets no set */
    int nowin; /* something that makes a match depend on where a search starts (\G): no window set */
} lit_parser;

/* What the reading of a sequence or an alternation gives. */
typedef struct {
    strset best;   /* literals one of which every match holds (the rule's need) */
    strset win; /* literals one of which every match holds within win_pre bytes of its start */
    wz win_pre; /* the most bytes a match has before that literal (W_UNB: win is empty) */
    wz width;   /* the most bytes a match has (W_UNB: no bound) */
} litres;

static void litres_free(litres *r)
{
    strset_free(&r->best);
    strset_free(&r->win);
}

/* One UTF-8 character of the pattern; -1 when invalid. */
static int32_t lit_next_char(lit_parser *P)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t n = utf8proc_iterate(P->p, P->end - P->p, &c);
    if (n <= 0) {
        P->fail = 1;
        return -1;
    }
    P->p += n;
    return c;
}

static void lit_skip_space(lit_parser *P)
{
    while (P->ext && P->p < P->end) {
        if (strchr(" \t\n\r\f\v", *P->p) && *P->p)
            P->p++;
        else if (*P->p == '#')
            while (P->p < P->end && *P->p != '\n')
                P->p++;
        else
            break;
    }
}

enum { A_CHARS, A_GROUP, A_NONE, A_ZERO };

static litres lit_alt(lit_parser *P);

/* Whether an ASCII range lo-hi holds a character with a longer caseless partner. */
static int range_has_ks(int32_t lo, int32_t hi)
{
    return (lo <= 'k' && 'k' <= hi) || (lo <= 'K' && 'K' <= hi) || (lo <= 's' && 's' <= hi) ||
           (lo <= 'S' && 'S' <= hi);
}

/* A class: its characters folded when it is a short list of allowed ones, else none;
 * *width the most bytes a character it matches has, *ws whether it matches white space
 * only. */
/* The code point of a hexadecimal escape, read after its "\\x": "\\xHH" or "\\x{H...}"; -1
 * (the pattern is not read) when it has no digits or is not a character. */
static int32_t lit_hex(lit_parser *P)
{
    int brace = P->p < P->end && *P->p == '{';
    const unsigned char *q = P->p + brace;
    int32_t v = 0;
    int n = 0;
    while (q < P->end && (brace ? n < 6 : n < 2) && strchr("0123456789abcdefABCDEF", *q) && *q) {
        v = v * 16 + (*q <= '9' ? *q - '0' : (*q | 0x20) - 'a' + 10);
        q++;
        n++;
    }
    if (!n || (brace && (q >= P->end || *q != '}')) || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        P->fail = 1;
        return -1;
    }
    P->p = q + brace;
    return v;
}

static int lit_class(lit_parser *P, strset *out, wz *width, int *ws)
{
    int expand = 1;
    *width = 0;
    *ws = 1;
    P->p++; /* [ */
    if (P->p < P->end && *P->p == '^') {
        expand = 0;
        *width = 4; /* any character but a few */
        *ws = 0;
        P->p++;
    }
    int first = 1;
    while (P->p < P->end && (*P->p != ']' || first)) {
        first = 0;
        if (*P->p == '[' && P->p + 1 < P->end && (P->p[1] == ':' || P->p[1] == '.' || P->p[1] == '=')) {
            /* [:alpha:] and only that: letters between "[:" and ":]" */
            const unsigned char *e = P->p + 2;
            if (e < P->end && *e == '^')
                e++;
            while (e < P->end && ((*e >= 'a' && *e <= 'z') || (*e >= 'A' && *e <= 'Z')))
                e++;
            if (P->p[1] != ':' || e + 1 >= P->end || e[0] != ':' || e[1] != ']') {
                P->fail = 1;
                return A_NONE;
            }
            P->p = e + 2;
            expand = 0;
            *width = 4;
            *ws = 0;
            continue;
        }
        int32_t c;
        if (*P->p == '\\') {
            P->p++;
            if (P->p >= P->end) {
                P->fail = 1;
                return A_NONE;
            }
            unsigned char e = *P->p;
            if (e == 'Q' || e == 'E' || e == 'o' || e == 'c' || e == 'N' || (e >= '0' && e <= '9')) {
                P->fail = 1;
                return A_NONE;
            }
            if (e == 'p' || e == 'P') {
                P->p++;
                if (P->p < P->end && *P->p == '{') {
                    while (P->p < P->end && *P->p != '}')
                        P->p++;
                }
                if (P->p < P->end)
                    P->p++;
                expand = 0;
                *width = 4;
                *ws = 0;
                continue;
            }
            if (e == 'x') {
                P->p++;
                if ((c = lit_hex(P)) < 0)
                    return A_NONE;
            } else if (e < 0x80 && !((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z'))) {
                c = e;
                P->p++;
            } else if (e == 'n' || e == 't' || e == 'r' || e == 'f') {
                c = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : '\f';
                P->p++;
            } else if (e < 0x80) { /* \d \s \w \h \v ... */
                P->p++;
                expand = 0;
                *width = 4;
                if (e != 's' && e != 'h' && e != 'v')
                    *ws = 0;
                continue;
            } else {
                P->fail = 1;
                return A_NONE;
            }
        } else {
            c = lit_next_char(P);
            if (c < 0)
                return A_NONE;
        }
        if (P->p + 1 < P->end && *P->p == '-' && P->p[1] != ']') {
            /* a range: skip its end, never expanded */
            P->p++;
            if (*P->p == '\\') {
                P->fail = 1; /* an escaped range end: not worth reading */
                return A_NONE;
            }
            int32_t hi = lit_next_char(P);
            if (hi < 0)
                return A_NONE;
            wz rw = c < 0x80 && hi < 0x80 ? (range_has_ks(c, hi) ? 3 : 1) : 4;
            if (rw > *width)
                *width = rw;
            expand = 0;
            *ws = 0;
            continue;
        }
        if (lit_char_width(c) > *width)
            *width = lit_char_width(c);
        if (!is_ws(c))
            *ws = 0;
        if (!lit_char_ok(c) || c == '\n' || c == '\t' || c == '\r' || c == '\f') {
            expand = 0;
            continue;
        }
        if (expand) {
            unsigned char b[4];
            utf8proc_ssize_t n = utf8proc_encode_char(lit_fold(c), b);
            if (strset_add(out, (const char *)b, (size_t)n)) {
                P->fail = 1;
                return A_NONE;
            }
            if (out->n > LW_PREFILTER_CLASS_MAX)
                expand = 0;
        }
    }
    if (P->p >= P->end) {
        P->fail = 1;
        return A_NONE;
    }
    P->p++; /* ] */
    if (!expand || !out->n) {
        strset_free(out);
        return A_NONE;
    }
    return A_CHARS;
}

/* Past the group that starts at P->p ('('), read for its end only: escapes, classes,
 * comments and nested groups are stepped over. */
static void lit_skip_group(lit_parser *P)
{
    int depth = 0;
    while (P->p < P->end) {
        unsigned char c = *P->p++;
        if (c == '\\') {
            if (P->p < P->end && (*P->p == 'Q' || *P->p == 'E'))
                break; /* quoting: not read */
            if (P->p < P->end)
                P->p++;
        } else if (c == '[') {
            if (P->p < P->end && *P->p == '^')
                P->p++;
            if (P->p < P->end && *P->p == ']')
                P->p++; /* a first ']' is a member */
            while (P->p < P->end && *P->p != ']') {
                if (*P->p == '\\')
                    P->p++;
                else if (*P->p == '[' && P->p + 1 < P->end && P->p[1] == ':') {
                    const unsigned char *e = P->p + 2;
                    while (e + 1 < P->end && !(e[0] == ':' && e[1] == ']'))
                        e++;
                    P->p = e + 1;
                }
                P->p++;
            }
            if (P->p >= P->end)
                break;
            P->p++;
        } else if (c == '#' && P->ext) {
            while (P->p < P->end && *P->p != '\n')
                P->p++;
        } else if (c == '(' && P->p + 1 < P->end && P->p[0] == '?' && P->p[1] == '#') {
            while (P->p < P->end && *P->p != ')')
                P->p++;
            if (P->p < P->end)
                P->p++;
        } else if (c == '(') {
            depth++;
        } else if (c == ')' && --depth == 0) {
            return;
        }
    }
    P->fail = 1;
}

/* One item of a sequence; *out gets its characters (A_CHARS) or its group's set (A_GROUP),
 * *width the most bytes one repetition of it matches (0 for A_ZERO), and for a group *win
 * and *win_pre its window set (empty when none; taken over by the caller). */
static int lit_atom(lit_parser *P, strset *out, wz *width, int *ws, strset *win, wz *win_pre)
{
    unsigned char c = *P->p;
    *width = 0;
    *ws = 0;
    *win_pre = W_UNB;
    if (c == '(') {
        const unsigned char *q = P->p + 1;
        int zero = 0;
        if (q < P->end && *q == '*') {
            P->fail = 1;
            return A_NONE;
        }
        if (q < P->end && *q == '?') {
            q++;
            if (q >= P->end) {
                P->fail = 1;
                return A_NONE;
            }
            if (*q == '(' || *q == '&' || *q == 'R' || (*q >= '0' && *q <= '9') ||
                ((*q == '+' || *q == '-') && q + 1 < P->end && q[1] >= '0' && q[1] <= '9') ||
                (*q == 'P' && q + 1 < P->end && q[1] == '>')) {
                /* a condition or a call of a group: matches what it will, no literal read;
                 * (?(DEFINE)...) only defines groups and matches nothing */
                int define = P->end - q >= 8 && !memcmp(q, "(DEFINE)", 8);
                lit_skip_group(P);
                if (define)
                    return A_ZERO;
                *width = W_UNB;
                return A_NONE;
            }
            if (*q == ':' || *q == '|' || *q == '>') {
                q++;
            } else if (*q == '=' || *q == '!') {
                q++;
                zero = 1;
            } else if (*q == '<' && q + 1 < P->end && (q[1] == '=' || q[1] == '!')) {
                q += 2;
                zero = 1;
            } else if (*q == '<' || *q == '\'' || (*q == 'P' && q + 1 < P->end && q[1] == '<')) {
                unsigned char close = *q == '\'' ? '\'' : '>';
                while (q < P->end && *q != close)
                    q++;
                if (q >= P->end) {
                    P->fail = 1;
                    return A_NONE;
                }
                q++;
            } else if (*q == '#') {
                while (q < P->end && *q != ')')
                    q++;
                P->p = q < P->end ? q + 1 : q;
                return A_ZERO;
            } else {
                /* option letters: (?i) (?-i:...) (?J); x (white space) and ^ change the reading */
                const unsigned char *o = q;
                while (o < P->end && ((*o >= 'a' && *o <= 'z') || (*o >= 'A' && *o <= 'Z') || *o == '-'))
                    o++;
                int bad = o == q || o >= P->end || (*o != ')' && *o != ':');
                for (const unsigned char *k = q; k < o && !bad; k++)
                    bad = !strchr("-iJmsUn", *k);
                if (bad) {
                    P->fail = 1;
                    return A_NONE;
                }
                if (*o == ')') {
                    P->p = o + 1;
                    return A_ZERO;
                }
                q = o + 1;
            }
        }
        P->p = q;
        litres in = lit_alt(P);
        if (P->fail || P->p >= P->end || *P->p != ')') {
            P->fail = 1;
            litres_free(&in);
            return A_NONE;
        }
        P->p++;
        if (zero) { /* a lookaround consumes nothing, whatever it reads */
            litres_free(&in);
            return A_ZERO;
        }
        *out = in.best;
        *win = in.win;
        *win_pre = in.win_pre;
        *width = in.width;
        return out->n || win->n ? A_GROUP : A_NONE;
    }
    if (c == '[')
        return lit_class(P, out, width, ws);
    if (c == '.') {
        P->p++;
        *width = 4;
        return A_NONE;
    }
    if (c == '^' || c == '$') {
        P->p++;
        return A_ZERO;
    }
    if (c == '*' || c == '+' || c == '?' || c == '{') {
        P->fail = 1;
        return A_NONE;
    }
    int32_t ch;
    if (c == '\\') {
        if (P->p + 1 >= P->end) {
            P->fail = 1;
            return A_NONE;
        }
        unsigned char e = P->p[1];
        P->p += 2;
        if (e == 'G') /* true where the search started: a window would move it */
            P->nowin = 1;
        if (e == 'K') /* the match reported starts later; searches start where they did */
            return A_ZERO;
        if (e == 'b' || e == 'B' || e == 'A' || e == 'z' || e == 'Z' || e == 'G')
            return A_ZERO;
        if (e == 'p' || e == 'P') {
            if (P->p < P->end && *P->p == '{') {
                while (P->p < P->end && *P->p != '}')
                    P->p++;
                if (P->p >= P->end) {
                    P->fail = 1;
                    return A_NONE;
                }
            }
            P->p++;
            *width = 4;
            return A_NONE;
        }
        if (strchr("dDsSwWhHvVRX", e) && e) {
            /* \R: CR LF or one newline character (U+2028: 3 bytes); \X: a grapheme
             * cluster, any number of marks */
            *width = e == 'X' ? W_UNB : e == 'R' || e == 'h' || e == 'v' ? 3 : 4;
            *ws = e == 's' || e == 'h' || e == 'v';
            return A_NONE;
        }
        if (e == 'n' || e == 't' || e == 'r' || e == 'f') {
            *width = 1;
            *ws = 1;
            return A_NONE; /* control characters are no literals (lit_char_ok) */
        }
        if (e == 'x') {
            if ((ch = lit_hex(P)) < 0)
                return A_NONE;
        } else if (e < 0x80 && !((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9'))) {
            ch = e;
        } else { /* \K \Q \E \x \N \g \k \1 ...: not read */
            P->fail = 1;
            return A_NONE;
        }
    } else {
        ch = lit_next_char(P);
        if (ch < 0)
            return A_NONE;
    }
    *width = lit_char_width(ch);
    *ws = is_ws(ch);
    if (!lit_char_ok(ch))
        return A_NONE;
    unsigned char b[4];
    utf8proc_ssize_t n = utf8proc_encode_char(lit_fold(ch), b);
    if (strset_add(out, (const char *)b, (size_t)n)) {
        P->fail = 1;
        return A_NONE;
    }
    return A_CHARS;
}

/* A quantifier after an item: 1 with *min and *max set (*max ULONG_MAX: no bound), 0
 * when none. */
static int lit_quant(lit_parser *P, unsigned long *min, unsigned long *max)
{
    lit_skip_space(P);
    if (P->p >= P->end)
        return 0;
    unsigned char c = *P->p;
    if (c == '?' || c == '*' || c == '+') {
        *min = c == '+';
        *max = c == '?' ? 1 : ULONG_MAX;
        P->p++;
    } else if (c == '{') {
        const unsigned char *q = P->p + 1;
        if (q >= P->end || *q < '0' || *q > '9') {
            P->fail = 1; /* "{" as a literal or "{,n}": not read */
            return 0;
        }
        *min = *max = strtoul((const char *)q, (char **)&q, 10);
        if (q < P->end && *q == ',') {
            q++;
            *max = ULONG_MAX;
            if (q < P->end && *q >= '0' && *q <= '9')
                *max = strtoul((const char *)q, (char **)&q, 10);
        }
        if (q >= P->end || *q != '}') {
            P->fail = 1;
            return 0;
        }
        P->p = q + 1;
    } else {
        return 0;
    }
    lit_skip_space(P);
    if (P->p < P->end && (*P->p == '?' || *P->p == '+'))
        P->p++;
    return 1;
}

/* Keeps cand in *best when it is better; takes cand over. */
static void lit_consider(strset *best, strset *cand)
{
    size_t sc = strset_score(cand);
    if (sc > 0 && (sc > strset_score(best) || (sc == strset_score(best) && cand->n < best->n))) {
        strset_free(best);
        *best = *cand;
        cand->v = NULL;
        cand->n = 0;
    } else {
        strset_free(cand);
    }
}

/* Whether a set is worth windows: each literal long enough, or a rare character. */
static int win_ok(const strset *s)
{
    for (size_t i = 0; i < s->n; i++) {
        size_t l = strlen(s->v[i]);
        if (l < LW_PREFILTER_WIN_MIN && (l != 1 || !strchr(LW_PREFILTER_WIN_RARE, s->v[i][0])))
            return 0;
    }
    return 1;
}

/* Keeps cand (at most pre bytes after a match's start) as r's window set when it is
 * better: literals long enough first, then the nearest the start (the narrowest windows:
 * a set at the pattern's start has pre 0), then the longest, then the fewest. Takes cand
 * over. */
static void lit_consider_win(litres *r, strset *cand, wz pre)
{
    size_t sc = strset_score(cand), sb = strset_score(&r->win);
    int better = 0;
    if (sc > 0 && pre != W_UNB) {
        int ok_c = win_ok(cand), ok_b = r->win.n && win_ok(&r->win);
        if (!r->win.n || ok_c != ok_b)
            better = !r->win.n || ok_c;
        else if (pre != r->win_pre)
            better = pre < r->win_pre;
        else if (sc != sb)
            better = sc > sb;
        else
            better = cand->n < r->win.n;
    }
    if (better) {
        strset_free(&r->win);
        r->win = *cand;
        r->win_pre = pre;
        cand->v = NULL;
        cand->n = 0;
    } else {
        strset_free(cand);
    }
}

static int strset_copy(strset *to, const strset *from)
{
    for (size_t i = 0; i < from->n; i++)
        if (strset_add(to, from->v[i], strlen(from->v[i])))
            return -1;
    return 0;
}

/* A finished run of literal characters starting pre bytes into the sequence: a candidate
 * for both sets. Takes run over. */
static void lit_close_run(lit_parser *P, litres *r, strset *run, wz pre)
{
    strset w = {0};
    if (strset_copy(&w, run))
        P->fail = 1;
    lit_consider_win(r, &w, pre);
    lit_consider(&r->best, run);
}

/* A sequence up to '|', ')' or the end: its best set and window set (empty when none) and
 * its width. */
static litres lit_seq(lit_parser *P)
{
    litres r = {.win_pre = W_UNB};
    strset run = {0};
    wz pos = 0;     /* the most bytes of a match before the current item */
    wz run_pre = 0; /* pos where the run started */
    strset_add(&run, "", 0);
    for (;;) {
        lit_skip_space(P);
        if (P->fail || P->p >= P->end || *P->p == '|' || *P->p == ')')
            break;
        strset a = {0}, aw = {0};
        wz width, aw_pre;
        int ws;
        int kind = lit_atom(P, &a, &width, &ws, &aw, &aw_pre);
        unsigned long min = 1, max = 1;
        int quant = P->fail ? 0 : lit_quant(P, &min, &max);
        if (P->fail) {
            strset_free(&a);
            strset_free(&aw);
            break;
        }
        if (kind == A_ZERO) {
            strset_free(&a);
            strset_free(&aw);
            continue; /* consumes nothing: the run goes on across it */
        }
        wz item_pre = pos;
        /* white space repeated without bound ("\\s+") is at most the text's longest run */
        pos = w_add(pos, ws && max == ULONG_MAX ? W_RUN : w_mul(width, max));
        if (kind == A_CHARS && !quant && run.n * a.n <= LW_PREFILTER_NEED_MAX) {
            strset next = {0};
            for (size_t i = 0; i < run.n && !P->fail; i++)
                for (size_t j = 0; j < a.n && !P->fail; j++) {
                    size_t li = strlen(run.v[i]), lj = strlen(a.v[j]);
                    char buf[LW_PREFILTER_LIT_MAX];
                    if (li + lj >= sizeof buf) {
                        P->fail = 1;
                        break;
                    }
                    memcpy(buf, run.v[i], li);
                    memcpy(buf + li, a.v[j], lj);
                    if (strset_add(&next, buf, li + lj))
                        P->fail = 1;
                }
            strset_free(&run);
            strset_free(&a);
            run = next;
            continue;
        }
        lit_close_run(P, &r, &run, run_pre);
        if (kind == A_CHARS && !quant) {
            run = a; /* too many alternatives to extend: a new run from this item */
            run_pre = item_pre;
            continue;
        }
        strset_add(&run, "", 0);
        run_pre = pos;
        if ((kind == A_CHARS || kind == A_GROUP) && min >= 1) {
            /* the first repetition starts at item_pre */
            if (kind == A_CHARS) {
                if (strset_copy(&aw, &a))
                    P->fail = 1;
                aw_pre = 0;
            }
            lit_consider_win(&r, &aw, aw_pre == W_UNB ? W_UNB : w_add(item_pre, aw_pre));
            lit_consider(&r.best, &a);
        } else {
            strset_free(&a);
            strset_free(&aw);
        }
    }
    lit_close_run(P, &r, &run, run_pre);
    r.width = pos;
    if (P->fail) {
        litres_free(&r);
        r.win_pre = r.width = W_UNB;
    }
    return r;
}

/* Alternatives up to ')' or the end: the union of their sets, or empty when one has none;
 * the window set's pre and the width are the largest of the branches'. */
static litres lit_alt(lit_parser *P)
{
    litres all = {0};
    int every = 1, every_win = 1;
    for (;;) {
        litres b = lit_seq(P);
        if (P->fail) {
            litres_free(&b);
            break;
        }
        if (!b.best.n)
            every = 0;
        for (size_t i = 0; i < b.best.n && every; i++)
            if (strset_add(&all.best, b.best.v[i], strlen(b.best.v[i])) || all.best.n > LW_PREFILTER_NEED_MAX)
                every = 0;
        if (!b.win.n || b.win_pre == W_UNB)
            every_win = 0;
        for (size_t i = 0; i < b.win.n && every_win; i++)
            if (strset_add(&all.win, b.win.v[i], strlen(b.win.v[i])) || all.win.n > LW_PREFILTER_NEED_MAX)
                every_win = 0;
        if (every_win)
            all.win_pre = w_max(all.win_pre, b.win_pre);
        all.width = w_max(all.width, b.width);
        litres_free(&b);
        if (P->p < P->end && *P->p == '|') {
            P->p++;
            continue;
        }
        break;
    }
    if (!every || P->fail)
        strset_free(&all.best);
    if (!every_win || P->fail) {
        strset_free(&all.win);
        all.win_pre = W_UNB;
    }
    if (P->fail)
        all.width = W_UNB;
    return all;
}

/* The set of literals one of which every match of pattern contains (*need), and the one
 * for windows (*win, with *pre: a match holds one of them at most *pre bytes after its
 * start); each empty when unknown. */
static void lit_sets(const char *pattern, int extended, strset *need, strset *win, size_t *pre, size_t *pre_ws)
{
    *need = *win = (strset){0};
    *pre = SIZE_MAX;
    *pre_ws = 0;
    lit_parser P = {(const unsigned char *)pattern, (const unsigned char *)pattern + strlen(pattern), extended != 0, 0,
                    0};
    /* white space PCRE2 skips in extended mode beyond ASCII: not read */
    static const char *const uspace[] = {"\xC2\x85", "\xE2\x80\x8E", "\xE2\x80\x8F", "\xE2\x80\xA8", "\xE2\x80\xA9"};
    for (size_t i = 0; i < sizeof uspace / sizeof *uspace; i++)
        if (strstr(pattern, uspace[i]))
            return;
    litres r = lit_alt(&P);
    if (P.fail || P.p != P.end) {
        litres_free(&r);
        return;
    }
    if (strset_score(&r.best) >= LW_PREFILTER_NEED_MIN) {
        *need = r.best;
        r.best = (strset){0};
    }
    if (!P.nowin && r.win_pre != W_UNB && W_A(r.win_pre) <= LW_PREFILTER_PRE_MAX &&
        W_B(r.win_pre) <= LW_PREFILTER_RUNS_MAX && r.win.n && win_ok(&r.win)) {
        *win = r.win;
        *pre = (size_t)W_A(r.win_pre);
        *pre_ws = (size_t)W_B(r.win_pre);
        r.win = (strset){0};
    }
    litres_free(&r);
}

/* Adds a pattern's set to the literal table; *need gets the indices into it. win: the
 * literals are a window set's (their occurrences are all kept by a scan). */
static int lit_register(lw_prefilter *pf, strset *s, int win, uint32_t **need, size_t *n_need)
{
    *need = s->n ? calloc(s->n, sizeof **need) : NULL;
    if (s->n && !*need)
        return -1;
    for (size_t i = 0; i < s->n; i++) {
        size_t k = 0;
        while (k < pf->n_lits && strcmp(pf->lits[k], s->v[i]))
            k++;
        if (k == pf->n_lits) {
            char **v = realloc(pf->lits, (pf->n_lits + 1) * sizeof *v);
            if (!v)
                return -1;
            pf->lits = v;
            unsigned char *w = realloc(pf->win, pf->n_lits + 1);
            if (!w)
                return -1;
            pf->win = w;
            pf->win[pf->n_lits] = 0;
            pf->lits[pf->n_lits++] = s->v[i];
            s->v[i] = NULL; /* taken over */
        }
        if (win)
            pf->win[k] = 1;
        (*need)[(*n_need)++] = (uint32_t)k;
    }
    return 0;
}

int lw_prefilter_add_sets(lw_prefilter *pf, const char *pattern, int extended, lw_prefilter_sets *out)
{
    memset(out, 0, sizeof *out);
    out->pre = SIZE_MAX;
    /* out of memory while reading the pattern leaves it without a set: it always runs,
     * slower but never wrong */
    strset need, win;
    size_t pre, pre_ws;
    lit_sets(pattern, extended, &need, &win, &pre, &pre_ws);
    int rc = lit_register(pf, &need, 0, &out->need, &out->n_need);
    if (!rc && win.n) {
        rc = lit_register(pf, &win, 1, &out->win, &out->n_win);
        out->pre = pre;
        out->pre_ws = pre_ws;
    }
    strset_free(&need);
    strset_free(&win);
    if (rc)
        lw_prefilter_sets_free(out);
    return rc;
}

void lw_prefilter_sets_free(lw_prefilter_sets *s)
{
    free(s->need);
    free(s->win);
    memset(s, 0, sizeof *s);
    s->pre = SIZE_MAX;
}

int lw_prefilter_add(lw_prefilter *pf, const char *pattern, int extended, uint32_t **need, size_t *n_need)
{
    *need = NULL;
    *n_need = 0;
    strset s, win;
    size_t pre, pre_ws;
    lit_sets(pattern, extended, &s, &win, &pre, &pre_ws);
    strset_free(&win); /* the need set only: no window literals in the table */
    int rc = lit_register(pf, &s, 0, need, n_need);
    strset_free(&s);
    if (rc) {
        free(*need);
        *need = NULL;
        *n_need = 0;
    }
    return rc;
}

int lw_prefilter_window(const char *pattern, int extended, size_t *pre, size_t *pre_ws, char *lits, size_t size)
{
    strset need, win;
    lit_sets(pattern, extended, &need, &win, pre, pre_ws);
    strset_free(&need);
    if (size)
        *lits = '\0';
    size_t at = 0;
    for (size_t i = 0; i < win.n && size; i++) {
        int k = snprintf(lits + at, size - at, "%s%s", i ? "|" : "", win.v[i]);
        if (k < 0 || (size_t)k >= size - at)
            break;
        at += (size_t)k;
    }
    int any = win.n != 0;
    strset_free(&win);
    return any;
}

/* The Aho-Corasick automaton of the literal table: a full transition table over byte
 * classes (the table is a few hundred literals, so a few thousand states, and their bytes
 * are about a hundred of the 256), each state's literal and the next state down its suffix
 * chain that ends one. */
int lw_prefilter_build(lw_prefilter *pf)
{
    size_t cap = 1;
    for (size_t i = 0; i < pf->n_lits; i++)
        cap += strlen(pf->lits[i]);
    /* byte classes: the bytes of the literals, and one for all others */
    memset(pf->ac_cls, 0, sizeof pf->ac_cls);
    pf->ac_ncls = 1;
    for (size_t i = 0; i < pf->n_lits; i++)
        for (const unsigned char *b = (const unsigned char *)pf->lits[i]; *b; b++)
            if (!pf->ac_cls[*b])
                pf->ac_cls[*b] = (unsigned char)pf->ac_ncls++;
    const uint32_t nc = pf->ac_ncls;
    pf->ac_next = calloc(cap * nc, sizeof *pf->ac_next);
    pf->ac_lit = calloc(cap, sizeof *pf->ac_lit);
    pf->ac_dict = calloc(cap, sizeof *pf->ac_dict);
    pf->ac_win = calloc(cap, 1);
    uint32_t *fail = calloc(cap, sizeof *fail), *queue = calloc(cap, sizeof *queue);
    if (!pf->ac_next || !pf->ac_lit || !pf->ac_dict || !pf->ac_win || !fail || !queue) {
        free(fail);
        free(queue);
        free(pf->ac_next);
        free(pf->ac_lit);
        free(pf->ac_dict);
        free(pf->ac_win);
        pf->ac_next = pf->ac_lit = pf->ac_dict = NULL; /* no automaton: lw_prefilter_scan says so */
        pf->ac_win = NULL;
        return -1;
    }
    /* the trie of the literals spelled backwards (the scan runs from the text's end, so
     * that the first time it meets a literal is its last occurrence, and where it completes
     * is where that occurrence starts); 0 is the root and, as a target, "no edge yet" */
    uint32_t n = 1;
    for (size_t i = 0; i < pf->n_lits; i++) {
        uint32_t st = 0;
        const unsigned char *lit = (const unsigned char *)pf->lits[i];
        for (size_t k = strlen(pf->lits[i]); k-- > 0;) {
            uint32_t c = pf->ac_cls[lit[k]];
            if (!pf->ac_next[st * nc + c])
                pf->ac_next[st * nc + c] = n++;
            st = pf->ac_next[st * nc + c];
        }
        pf->ac_lit[st] = (uint32_t)i + 1;
    }
    /* breadth first: failure links, completed transitions, suffix chains */
    size_t qh = 0, qt = 0;
    for (uint32_t c = 0; c < nc; c++)
        if (pf->ac_next[c])
            queue[qt++] = pf->ac_next[c];
    while (qh < qt) {
        uint32_t st = queue[qh++];
        uint32_t f = fail[st];
        pf->ac_dict[st] = pf->ac_lit[f] ? f : pf->ac_dict[f];
        /* the chain below st was done before st (it is shallower) */
        pf->ac_win[st] = (pf->ac_lit[st] && pf->win[pf->ac_lit[st] - 1]) || pf->ac_win[pf->ac_dict[st]];
        for (uint32_t c = 0; c < nc; c++) {
            uint32_t *t = &pf->ac_next[st * nc + c];
            if (*t) {
                fail[*t] = pf->ac_next[f * nc + c];
                queue[qt++] = *t;
            } else {
                *t = pf->ac_next[f * nc + c];
            }
        }
    }
    pf->ac_states = n;
    free(fail);
    free(queue);
    return 0;
}

/* Occurrences kept at most per text: past them (a hostile text of megabytes of one literal)
 * the scan keeps none and the rules run as without windows, in bounded memory (about 40
 * bytes an occurrence between the scan and a rule's windows). */
#define LW_PREFILTER_OCC_MAX ((size_t)1 << 18)

/* Occurrences of window literals met by the scan, in the order met (descending offsets). */
typedef struct {
    uint32_t *lit;
    size_t *at;
    size_t n, cap;
    int over; /* more than LW_PREFILTER_OCC_MAX: none kept */
} occ_list;

static int occ_push(occ_list *o, uint32_t lit, size_t at)
{
    if (o->over)
        return 0;
    if (o->n == LW_PREFILTER_OCC_MAX) {
        o->over = 1;
        free(o->lit);
        free(o->at);
        o->lit = NULL;
        o->at = NULL;
        o->n = o->cap = 0;
        return 0;
    }
    if (o->n == o->cap) {
        size_t cap = o->cap ? 2 * o->cap : 256;
        uint32_t *l = realloc(o->lit, cap * sizeof *l);
        if (!l)
            return -1;
        o->lit = l;
        size_t *a = realloc(o->at, cap * sizeof *a);
        if (!a)
            return -1;
        o->at = a;
        o->cap = cap;
    }
    o->lit[o->n] = lit;
    o->at[o->n++] = at;
    return 0;
}

/* The pass: last[] for every literal; with occ, every occurrence of the window literals
 * and *ws_run, the longest run of white space (bytes). */
static int scan_text(const lw_prefilter *pf, const char *text, size_t len, size_t *last, occ_list *occ,
                     size_t *ws_run)
{
    size_t run = 0, longest = 0;
    unsigned char *seen = calloc(pf->ac_states + 1, 1);
    if (!seen)
        return -1;
    for (size_t i = 0; i < pf->n_lits; i++)
        last[i] = SIZE_MAX;
    const uint32_t *next = pf->ac_next, nc = pf->ac_ncls;
    const unsigned char *cls = pf->ac_cls;
    const unsigned char *t = (const unsigned char *)text;
    uint32_t st = 0;
    size_t e = len; /* the characters before e are left to read, last first */
    while (e > 0) {
        unsigned char b[4];
        utf8proc_ssize_t nb = 1;
        size_t s = e - 1;
        int space = 0;
        if (t[s] < 0x80) {
            b[0] = (unsigned char)(t[s] >= 'A' && t[s] <= 'Z' ? t[s] + 32 : t[s]);
            space = is_ws(t[s]);
        } else {
            /* the character that ends at e, when t[s..e) is one; else the byte as it is
             * (PCRE2 matches no literal character on bytes that are not UTF-8) */
            size_t k = s;
            while (k > 0 && s - k < 3 && (t[k] & 0xC0) == 0x80)
                k--;
            utf8proc_int32_t c;
            if (utf8proc_iterate(t + k, (utf8proc_ssize_t)(e - k), &c) == (utf8proc_ssize_t)(e - k)) {
                nb = utf8proc_encode_char(lit_fold(c), b);
                s = k;
                space = is_ws(c);
            } else {
                b[0] = t[s];
            }
        }
        run = space ? run + (e - s) : 0;
        if (run > longest)
            longest = run;
        /* fed backwards; a literal completed here starts at this character, s */
        for (utf8proc_ssize_t i = nb; i-- > 0;) {
            st = next[st * nc + cls[b[i]]];
            if (occ && pf->ac_win[st]) {
                /* a window literal ends in the chain: every occurrence counts, walk it all */
                for (uint32_t q = pf->ac_lit[st] ? st : pf->ac_dict[st]; q; q = pf->ac_dict[q]) {
                    uint32_t l = pf->ac_lit[q] - 1;
                    if (!seen[q]) {
                        seen[q] = 1;
                        last[l] = s;
                    }
                    if (pf->win[l] && occ_push(occ, l, s)) {
                        free(seen);
                        return -1;
                    }
                }
                continue;
            }
            for (uint32_t q = pf->ac_lit[st] ? st : pf->ac_dict[st]; q && !seen[q]; q = pf->ac_dict[q]) {
                seen[q] = 1;
                last[pf->ac_lit[q] - 1] = s;
            }
        }
        e = s;
    }
    free(seen);
    if (ws_run)
        *ws_run = longest;
    return 0;
}

size_t *lw_prefilter_scan(const lw_prefilter *pf, const char *text, size_t len)
{
    if (!pf || !pf->ac_next)
        return NULL;
    size_t *last = malloc((pf->n_lits + 1) * sizeof *last);
    if (!last || scan_text(pf, text, len, last, NULL, NULL)) {
        free(last);
        return NULL;
    }
    return last;
}

int lw_prefilter_scan_all(const lw_prefilter *pf, const char *text, size_t len, lw_prefilter_hits *out)
{
    memset(out, 0, sizeof *out);
    if (!pf || !pf->ac_next)
        return -1;
    occ_list o = {0};
    out->last = malloc((pf->n_lits + 1) * sizeof *out->last);
    out->occ_at = calloc(pf->n_lits + 1, sizeof *out->occ_at);
    if (!out->last || !out->occ_at || scan_text(pf, text, len, out->last, &o, &out->ws_run))
        goto fail;
    if (o.over) { /* too many to keep: no windows for this text */
        free(out->occ_at);
        out->occ_at = NULL;
        return 0;
    }
    /* grouped by literal (a counting sort), each group ascending: the list holds them
     * descending, so it is read from its end */
    if (o.n && !(out->occ = malloc(o.n * sizeof *out->occ)))
        goto fail;
    for (size_t i = 0; i < o.n; i++)
        out->occ_at[o.lit[i] + 1]++;
    for (size_t i = 0; i < pf->n_lits; i++)
        out->occ_at[i + 1] += out->occ_at[i];
    for (size_t i = o.n; i-- > 0;)
        out->occ[out->occ_at[o.lit[i]]++] = o.at[i];
    /* occ_at[i] now is where group i ends, which is where group i + 1 starts */
    memmove(out->occ_at + 1, out->occ_at, pf->n_lits * sizeof *out->occ_at);
    out->occ_at[0] = 0;
    free(o.lit);
    free(o.at);
    return 0;
fail:
    free(o.lit);
    free(o.at);
    lw_prefilter_hits_free(out);
    return -1;
}

void lw_prefilter_hits_free(lw_prefilter_hits *h)
{
    free(h->last);
    free(h->occ);
    free(h->occ_at);
    memset(h, 0, sizeof *h);
}
