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

#endif
