/* lw_fold: case and diacritics folding over utf8proc (see lw_fold.h). */
#include "lw_fold.h"

#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "lw_oom.h"

/* Collapses white space runs of s to one space, trims; in place. */
static void collapse_ws(char *s)
{
    char *w = s;
    int space = 1; /* drop leading */
    for (const char *r = s; *r; r++) {
        unsigned char c = (unsigned char)*r;
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            if (!space)
                *w++ = ' ';
            space = 1;
        } else {
            *w++ = *r;
            space = 0;
        }
    }
    if (w > s && w[-1] == ' ')
        w--;
    *w = '\0';
}

/* A copy of s[0..n) (up to a NUL) with its ASCII letters lower-cased: the whole fold of ASCII
 * text, and the fold of text that is not UTF-8. */
static char *fold_ascii(const char *s, size_t n)
{
    char *o = malloc(n + 1);
    if (!o)
        return NULL;
    size_t i = 0;
    for (; i < n && s[i]; i++)
        o[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
    o[i] = '\0';
    return o;
}

char *lw_fold(const char *s, size_t n, unsigned flags)
{
    if (!s)
        return NULL;
    size_t i = 0;
    while (i < n && s[i] && (unsigned char)s[i] < 0x80)
        i++;
    char *o;
    if (i == n || !s[i]) { /* ASCII: utf8proc would only lower-case it */
        o = fold_ascii(s, n);
        if (!o) {
            lw_oom_note(); /* a caller that takes NULL for "nothing" still fails (lw_oom) */
            return NULL;
        }
        collapse_ws(o);
        return o;
    }
    utf8proc_option_t opt = UTF8PROC_STABLE | UTF8PROC_CASEFOLD;
    opt |= (flags & LW_FOLD_MARKS) ? UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK : UTF8PROC_COMPOSE;
    utf8proc_uint8_t *m = NULL;
    utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &m, opt);
    if (r == UTF8PROC_ERROR_NOMEM) {
        lw_oom_note();
        return NULL;
    }
    if (r < 0) { /* not UTF-8 */
        o = fold_ascii(s, n);
        if (!o) {
            lw_oom_note(); /* a caller that takes NULL for "nothing" still fails (lw_oom) */
            return NULL;
        }
        collapse_ws(o);
        return o;
    }
    o = (char *)m;
    if (flags & LW_FOLD_MARKS) {
        /* đ (U+0111, C4 91) is a letter of its own, not d + mark: fold it by hand (Đ was
         * case folded to it already) */
        char *w = o;
        for (const char *p = o; *p; p++) {
            if ((unsigned char)p[0] == 0xC4 && (unsigned char)p[1] == 0x91) {
                *w++ = 'd';
                p++;
            } else {
                *w++ = *p;
            }
        }
        *w = '\0';
    }
    collapse_ws(o);
    return o;
}
