/* lw_text: case mapping and cleaning of captured text (see lw_text.h). */
#include "lw_text.h"

#include <stdlib.h>
#include <string.h>

#include "lw_common.h"
#include "lw_oom.h"
#include "lw_utf8.h"

/* Collapses white space runs of s to one space, trims; in place; returns s. */
static char *collapse_ws(char *s)
{
    char *w = s;
    int space = 1; /* drop leading */
    for (char *r = s; *r; r++) {
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
    while (w > s && w[-1] == ' ')
        w--;
    *w = '\0';
    return s;
}

/* Maps each code point: upper case (title = 0), or upper at the start of a word and lower
 * elsewhere (title = 1). Bytes that are not UTF-8 are copied as they are. */
static char *map_case(const char *s, size_t n, int title)
{
    lw_buf b = {0};
    size_t i = 0;
    int start = 1, fail = lw_buf_reserve(&b, n);
    while (i < n && !fail) {
        int32_t cp;
        int l = lw_utf8_dec(s + i, n - i, &cp);
        if (cp < 0) {
            fail = lw_buf_putc(&b, s[i]);
            i++;
            continue;
        }
        int32_t out = (!title || start) ? utf8proc_toupper(cp) : utf8proc_tolower(cp);
        start = (cp == ' ' || cp == '\n' || cp == '\t' || cp == '-');
        char enc[LW_UTF8_MAX];
        fail = lw_buf_append(&b, enc, (size_t)lw_utf8_enc(out, enc));
        i += (size_t)l;
    }
    if (fail) {
        lw_buf_free(&b);
        return NULL;
    }
    return lw_buf_detach(&b, NULL);
}

char *lw_text_upper(const char *s, size_t n) { return map_case(s, n, 0); }

char *lw_text_title_case(const char *s, size_t n)
{
    char *r = map_case(s, n, 1);
    return r ? collapse_ws(r) : NULL;
}

char *lw_text_clean(const char *s, size_t n)
{
    char *r = malloc(n + 1);
    if (!r) {
        lw_oom_note(); /* callers skip a NULL text; the note fails their extraction */
        return NULL;
    }
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '*')
            r[w++] = s[i];
    r[w] = '\0';
    collapse_ws(r);
    size_t l = strlen(r);
    while (l && (r[l - 1] == ';' || r[l - 1] == ',' || r[l - 1] == ' ' || r[l - 1] == '.' || r[l - 1] == ':'))
        r[--l] = '\0';
    /* a closing "./." of Vietnamese letters leaves a '/' behind */
    while (l >= 2 && r[l - 1] == '/' && r[l - 2] == '.')
        r[l -= 2] = '\0';
    return r;
}
