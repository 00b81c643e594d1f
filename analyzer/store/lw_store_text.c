/* lw_store_text: folded keys and JSON-safe text for the store (see the header). */
#include "lw_store_text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "lw_common.h"
#include "lw_fold.h"

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
    return s ? lw_fold_key(s, strlen(s)) : NULL; /* the one folding function (text/lw_fold) */
}
