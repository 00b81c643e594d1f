/* lw_store_text: how the store writes text: the folded keys it compares (kind_key,
 * issuer_key, cited_key, name_key) and text made safe for JSON. The bottom of the store:
 * every other store module, and check and report, fold through lw_store_fold. */
#ifndef LW_STORE_TEXT_H
#define LW_STORE_TEXT_H

#include <jansson.h>

/* s as a JSON string (json_null() for NULL): a file name is bytes, not always UTF-8 (a
 * folder copied from an old Windows share), and json_string refuses invalid UTF-8, which
 * would drop the key; each invalid byte becomes U+FFFD instead. Returns a new reference,
 * NULL only when out of memory. */
json_t *lw_store_json_text(const char *s);

/* Folds text for diacritics- and case-insensitive comparison: NFD, combining marks
 * dropped, case folded, đ/Đ to d. Returns owned (free()), NULL when out of memory. */
char *lw_store_fold(const char *s);

#endif
