/* lw_text: small text helpers of the extractors over one span of the normalized text: upper
 * case, title case, and the cleaning of a captured value (white space, stray markup). The
 * folding for comparisons is lw_fold's. Each returns an owned, NUL-terminated string (free()),
 * or NULL when out of memory. Bytes that are not UTF-8 are copied as they are. */
#ifndef LW_TEXT_H
#define LW_TEXT_H

#include <stddef.h>

/* Upper case of every code point (utf8proc). */
char *lw_text_upper(const char *s, size_t n);
/* Each space-, tab-, line- or hyphen-separated word with its first letter upper case, the
 * rest lower; white space collapsed to one space, trimmed. */
char *lw_text_title_case(const char *s, size_t n);
/* White space collapsed to one space, trimmed, stray markup ('*', trailing ; , . :, a closing
 * "./.") removed. */
char *lw_text_clean(const char *s, size_t n);

#endif
