/* lw_yaml: reads a YAML file (libyaml) into a jansson value, so the data files under
 * rules/ can be walked like JSON. Every mapping gets an extra integer key "__line" with
 * the 1-based line where it starts, so that errors can point into the file. */
#ifndef LW_YAML_H
#define LW_YAML_H

#include <jansson.h>

#include "lw_common.h"

/* Parses len bytes of YAML (path is used in error messages). Plain scalars that look
 * like integers become integers, true/false booleans, null/~ null; quoted scalars are
 * strings. *out is owned by the caller (json_decref). */
lw_status lw_yaml_parse(const char *path, const unsigned char *buf, size_t len, json_t **out,
                        lw_error *err);
lw_status lw_yaml_load_file(const char *path, json_t **out, lw_error *err);
/* The "__line" of a mapping, or 0. */
int lw_yaml_line(const json_t *obj);

/* Where the string scalars of one parsed file stand in its text, so that an error found
 * in a string (a rule's pattern) can point at the character the author wrote rather than
 * at the value libyaml built from it (indentation, quotes, escapes and folding removed).
 * Owns a copy of the file's bytes; the strings are borrowed from the parsed value, which
 * must outlive it. */
typedef struct lw_yaml_places lw_yaml_places;

/* As lw_yaml_parse; when places is not NULL, *places receives the strings' places (owned,
 * free with lw_yaml_places_free), or NULL on error. */
lw_status lw_yaml_parse_placed(const char *path, const unsigned char *buf, size_t len, json_t **out,
                               lw_yaml_places **places, lw_error *err);
void lw_yaml_places_free(lw_yaml_places *pl);

/* The place of byte off of string str's value (off may equal its length: just after
 * it): 1-based *line and *col (columns in characters), and the file's line that holds it
 * as [*text, *text + *text_len) (borrowed from pl). Returns 0, or -1 when str is not a
 * string of this file. */
int lw_yaml_locate(const lw_yaml_places *pl, const json_t *str, size_t off, int *line, int *col,
                   const char **text, size_t *text_len);

#endif
