/* lw_msg: the message table's texts and the "vi (en)" form of an error. */
#include "lw_msg.h"

#include <stdio.h>
#include <string.h>

static const char *const texts[LW_MSG_COUNT][2] = {
#define LW_MSG(id, vi, en) [LW_MSG_##id] = {vi, en},
#include "lw_messages.def"
#undef LW_MSG
};

const char *lw_msg_get(lw_msg_id id, lw_lang lang)
{
    if ((unsigned)id >= LW_MSG_COUNT || (unsigned)lang > LW_LANG_EN)
        return "?";
    return texts[id][lang];
}

/* The format strings come from the table, not from the caller: each pair's conversions are
 * checked against each other by tests/unit/test_msg.c, which the compiler cannot do here. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
const char *lw_msg_vformat(char *buf, size_t size, lw_msg_id id, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(buf, size, lw_msg_get(id, LW_LANG_VI), ap);
    if (n >= 0 && (size_t)n + 3 < size) {
        memcpy(buf + n, " (", 2);
        int m = vsnprintf(buf + n + 2, size - (size_t)n - 2, lw_msg_get(id, LW_LANG_EN), ap2);
        size_t end = (size_t)n + 2 + (m > 0 ? (size_t)m : 0);
        if (m >= 0 && end + 1 < size) {
            buf[end] = ')';
            buf[end + 1] = '\0';
        } else if (size > 1) {
            buf[size - 2] = ')';
            buf[size - 1] = '\0';
        }
    }
    va_end(ap2);
    return buf;
}
#pragma GCC diagnostic pop

const char *lw_msg_format(char *buf, size_t size, lw_msg_id id, ...)
{
    va_list ap;
    va_start(ap, id);
    lw_msg_vformat(buf, size, id, ap);
    va_end(ap);
    return buf;
}

lw_status lw_error_msg(lw_error *err, lw_status code, const char *file, int line, int col, lw_msg_id id, ...)
{
    char msg[sizeof err->msg];
    va_list ap;
    va_start(ap, id);
    lw_msg_vformat(msg, sizeof msg, id, ap);
    va_end(ap);
    return lw_error_set(err, code, file, line, col, "%s", msg);
}
