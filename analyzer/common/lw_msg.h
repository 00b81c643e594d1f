/* lw_msg: the one message table (lw_messages.def), Vietnamese and English. Errors read
 * "tiếng Việt (English)", the tool's form since reviewers read Vietnamese and the IT
 * department searches logs in English; labels of the report take one language (--lang). */
#ifndef LW_MSG_H
#define LW_MSG_H

#include "lw_common.h"

typedef enum {
#define LW_MSG(id, vi, en) LW_MSG_##id,
#include "lw_messages.def"
#undef LW_MSG
    LW_MSG_COUNT
} lw_msg_id;

typedef enum { LW_LANG_VI = 0, LW_LANG_EN = 1 } lw_lang;

/* The message's format string in one language (static storage; never NULL). */
const char *lw_msg_get(lw_msg_id id, lw_lang lang);

/* lw_error_set with message id's text as "vi (en)", each part formatted with the same
 * arguments. Returns code. */
lw_status lw_error_msg(lw_error *err, lw_status code, const char *file, int line, int col, lw_msg_id id, ...);

/* "vi (en)" with the arguments into buf (truncated to size); returns buf. */
const char *lw_msg_format(char *buf, size_t size, lw_msg_id id, ...);
const char *lw_msg_vformat(char *buf, size_t size, lw_msg_id id, va_list ap);

#endif
