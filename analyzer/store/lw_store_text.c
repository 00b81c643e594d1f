/* lw_store_text: folded keys and JSON-safe text for the store (see the header). */
#include "lw_store_text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "lw_common.h"

json_t *lw_store_json_text(const char *s)
{
    if (!s)
        return json_null();
    json_t *j = json_string(s);
    if (j)
        return j;
    lw_buf b = {0};
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    int nomem = 0;
    while (*p && !nomem) {
        utf8proc_int32_t c;
        utf8proc_ssize_t n = utf8proc_iterate(p, -1, &c);
        if (n <= 0) {
            nomem = lw_buf_append(&b, "\xEF\xBF\xBD", 3) != 0;
            p++;
        } else {
            nomem = lw_buf_append(&b, p, (size_t)n) != 0;
            p += n;
        }
    }
    /* a string cut short by want of memory would pass for the whole */
    j = nomem ? NULL : json_stringn(b.data ? b.data : "", b.len);
    lw_buf_free(&b);
    return j;
}


char *lw_store_fold(const char *s)
{
    utf8proc_uint8_t *m = NULL;
    if (!s)
        return NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &m,
                                      UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_DECOMPOSE |
                                          UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD);
    if (n < 0) { /* invalid UTF-8: fold the ASCII part only */
        size_t len = strlen(s);
        char *o = malloc(len + 1);
        if (!o)
            return NULL;
        for (size_t i = 0; i <= len; i++)
            o[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
        return o;
    }
    /* đ (C4 91) -> d; collapse white space, trim */
    char *o = (char *)m, *w = o;
    int space = 1;
    for (const char *r = o; *r; r++) {
        unsigned char c = (unsigned char)*r;
        if (c == 0xC4 && (unsigned char)r[1] == 0x91) {
            *w++ = 'd';
            r++;
            space = 0;
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (!space)
                *w++ = ' ';
            space = 1;
        } else {
            *w++ = (char)c;
            space = 0;
        }
    }
    if (w > o && w[-1] == ' ')
        w--;
    *w = '\0';
    return o;
}
