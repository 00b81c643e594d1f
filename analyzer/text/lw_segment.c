/* lw_segment: list markers and the outline tree of a normalized document (see the header). */
#include "lw_segment.h"

#include "lw_msg.h"
#include "lw_utf8.h"

#include <stdlib.h>
#include <string.h>

int lw_mark_is_heading(lw_mark m)
{
    return m == LW_MARK_UPPER || m == LW_MARK_ROMAN || m == LW_MARK_ARABIC || m == LW_MARK_LETTER;
}

static int roman_value(const char *s, size_t n)
{
    static const char *const romans[] = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X",
                                         "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII", "XVIII",
                                         "XIX", "XX"};
    for (size_t i = 0; i < sizeof romans / sizeof romans[0]; i++)
        if (strlen(romans[i]) == n && !memcmp(romans[i], s, n))
            return (int)i + 1;
    return 0;
}

static int is_space(char c) { return c == ' ' || c == '\t'; }

/* After a marker's punctuation there must be a space (or the end of the line). */
static int ends_marker(const char *p, const char *e) { return p >= e || is_space(*p); }

/* Classifies the marker at p (line [p, e)); fills l->mark, parts, label, body. */
static void classify(const char *text, const char *p, const char *e, lw_seg_line *l)
{
    while (p < e && is_space(*p))
        p++;
    const unsigned char *u = (const unsigned char *)p;
    size_t left = (size_t)(e - p);
    size_t blen = 0;
    lw_mark mark = LW_MARK_NONE;
    /* bullets: "-", "+", "–", "—", "•", "·", "*" (not a rule line "-----") */
    if (left >= 1 && (*p == '-' || *p == '+' || *p == '*')) {
        if (left == 1 || (p[1] != '-' && p[1] != '+' && p[1] != '*' && !(p[1] >= '0' && p[1] <= '9')))
            mark = *p == '+' ? LW_MARK_PLUS : *p == '-' ? LW_MARK_DASH : LW_MARK_BULLET, blen = 1;
    } else if (left >= 3 && u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x93 || u[2] == 0x94)) {
        mark = LW_MARK_DASH, blen = 3;
    } else if (left >= 3 && u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0xA2) {
        mark = LW_MARK_BULLET, blen = 3;
    } else if (left >= 2 && u[0] == 0xC2 && u[1] == 0xB7) {
        mark = LW_MARK_BULLET, blen = 2;
    }
    if (mark) {
        l->mark = mark;
        l->parts = 1;
        l->label[0] = '\0';
        p += blen;
        while (p < e && is_space(*p))
            p++;
        l->body = (size_t)(p - text);
        return;
    }
    /* roman "IV." / upper letter "A." */
    size_t k = 0;
    while (k < left && k < 6 && p[k] >= 'A' && p[k] <= 'Z')
        k++;
    if (k >= 1 && k < left && (p[k] == '.' || p[k] == ')') && ends_marker(p + k + 1, e)) {
        int rv = roman_value(p, k);
        if (rv || k == 1) {
            l->mark = rv ? LW_MARK_ROMAN : LW_MARK_UPPER;
            l->parts = 1;
            memcpy(l->label, p, k);
            l->label[k] = '\0';
            p += k + 1;
            while (p < e && is_space(*p))
                p++;
            l->body = (size_t)(p - text);
            return;
        }
    }
    /* arabic "1.", "2.1.", "2.1", "1)"; components of one or two digits (not years) */
    const char *q = p;
    int parts = 0, ok = 1;
    while (q < e && *q >= '0' && *q <= '9') {
        const char *d = q;
        while (q < e && *q >= '0' && *q <= '9')
            q++;
        if (q - d > 2) {
            ok = 0;
            break;
        }
        parts++;
        if (q < e && *q == '.' && q + 1 < e && q[1] >= '0' && q[1] <= '9')
            q++;
        else
            break;
    }
    if (ok && parts) {
        int good = 0;
        const char *lab_end = q;
        if (q < e && (*q == '.' || *q == ')') && ends_marker(q + 1, e))
            good = 1, q++;
        else if (parts >= 2 && ends_marker(q, e))
            good = 1;
        if (good && (size_t)(lab_end - p) < sizeof l->label) {
            l->mark = LW_MARK_ARABIC;
            l->parts = parts;
            memcpy(l->label, p, (size_t)(lab_end - p));
            l->label[lab_end - p] = '\0';
            while (q < e && is_space(*q))
                q++;
            l->body = (size_t)(q - text);
            return;
        }
    }
    /* letter "a)", "đ)", "a." */
    size_t ll = 0;
    if (left >= 1 && p[0] >= 'a' && p[0] <= 'z')
        ll = 1;
    else if (left >= 2 && u[0] == 0xC4 && u[1] == 0x91)
        ll = 2;
    if (ll && ll < left && (p[ll] == ')' || p[ll] == '.') && ends_marker(p + ll + 1, e)) {
        l->mark = LW_MARK_LETTER;
        l->parts = 1;
        memcpy(l->label, p, ll);
        l->label[ll] = '\0';
        p += ll + 1;
        while (p < e && is_space(*p))
            p++;
        l->body = (size_t)(p - text);
        return;
    }
    l->mark = LW_MARK_NONE;
    l->parts = 0;
    l->label[0] = '\0';
    l->body = (size_t)(p - text);
}

/* An unmarked line in capitals ("KẾ HOẠCH", "TM. ỦY BAN NHÂN DÂN") closes every open item:
 * it is a title or the signature, never the body of a duty. */
int lw_segment_is_caps(const char *p, const char *e)
{
    int letters = 0;
    while (p < e) {
        unsigned char c = (unsigned char)*p;
        if (c >= 'a' && c <= 'z')
            return 0;
        if (c >= 'A' && c <= 'Z')
            letters++;
        if (c >= 0x80) {
            /* lower-case Vietnamese letters: Latin-1 à..ỹ and Latin Extended lower forms.
             * Decoding one code point is enough to ask whether it is a lower-case letter. */
            int32_t cp;
            int n = lw_utf8_dec(p, (size_t)(e - p), &cp);
            if ((cp >= 0xDF && cp <= 0xFF && cp != 0xF7) || (cp >= 0x100 && cp <= 0x17F && (cp & 1)) ||
                (cp >= 0x1EA0 && cp <= 0x1EF9 && (cp & 1)) || cp == 0x01A1 || cp == 0x01B0)
                return 0;
            if (cp >= 0xC0)
                letters++;
            p += n;
            continue;
        }
        p++;
    }
    return letters >= 2;
}

/* First room for line records; doubled as needed. */
#define LW_SEG_LINES_MIN 64

lw_status lw_segment(const char *text, size_t len, lw_segments **out, lw_error *err)
{
    *out = NULL;
    lw_segments *s = calloc(1, sizeof *s);
    size_t cap = LW_SEG_LINES_MIN;
    if (!s)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    s->lines = malloc(cap * sizeof *s->lines);
    long *stack = malloc(cap * sizeof *stack);
    if (!s->lines || !stack) {
        free(s->lines);
        free(s);
        free(stack);
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    size_t depth = 0;
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        if (s->n == cap) {
            cap *= 2;
            lw_seg_line *nlines = realloc(s->lines, cap * sizeof *nlines);
            long *nstack = realloc(stack, cap * sizeof *nstack);
            if (nlines)
                s->lines = nlines;
            if (nstack)
                stack = nstack;
            if (!nlines || !nstack) {
                free(stack);
                lw_segments_free(s);
                return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
            }
        }
        lw_seg_line *l = &s->lines[s->n];
        memset(l, 0, sizeof *l);
        l->start = pos;
        l->end = end;
        classify(text, text + pos, text + end, l);
        if (l->mark) {
            int key = (int)l->mark * 8 + (l->parts > 7 ? 7 : l->parts);
            size_t k = depth;
            while (k > 0) {
                const lw_seg_line *o = &s->lines[stack[k - 1]];
                if ((int)o->mark * 8 + (o->parts > 7 ? 7 : o->parts) == key)
                    break;
                k--;
            }
            if (k > 0) {
                depth = k - 1; /* a sibling of an open item of the same style */
            } else if (lw_mark_is_heading(l->mark)) {
                /* a heading never nests inside a bullet */
                while (depth > 0 && !lw_mark_is_heading(s->lines[stack[depth - 1]].mark))
                    depth--;
            }
            l->parent = depth ? stack[depth - 1] : -1;
            l->depth = (int)depth;
            stack[depth++] = (long)s->n;
        } else if (lw_segment_is_caps(text + l->body, text + end)) {
            depth = 0;
            l->parent = -1;
            l->depth = 0;
        } else {
            l->parent = depth ? stack[depth - 1] : -1;
            l->depth = (int)depth;
        }
        s->n++;
        pos = nl ? end + 1 : len;
    }
    free(stack);
    for (size_t i = 0; i < s->n; i++)
        s->lines[i].last = i;
    for (size_t j = s->n; j-- > 0;) {
        long p = s->lines[j].parent;
        if (p >= 0 && s->lines[p].last < s->lines[j].last)
            s->lines[p].last = s->lines[j].last;
    }
    *out = s;
    return LW_OK;
}

void lw_segments_free(lw_segments *s)
{
    if (!s)
        return;
    free(s->lines);
    free(s);
}

size_t lw_segment_line_at(const lw_segments *s, size_t off)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->lines[mid].end < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
