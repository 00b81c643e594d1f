/* lw_yaml: libyaml's document API to jansson, keeping line numbers for error messages. */
#include "lw_yaml.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static json_t *scalar_value(const yaml_node_t *n)
{
    const char *s = (const char *)n->data.scalar.value;
    size_t len = n->data.scalar.length;
    if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
        if (len == 0 || !strcmp(s, "~") || !strcmp(s, "null"))
            return json_null();
        if (!strcmp(s, "true"))
            return json_true();
        if (!strcmp(s, "false"))
            return json_false();
        char *end;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (*end == '\0' && errno == 0 && (s[0] != '0' || len == 1) && len < 19)
            return json_integer(v);
    }
    return json_stringn(s, len);
}

static json_t *convert(yaml_document_t *doc, yaml_node_t *n, int depth)
{
    if (!n || depth > 64)
        return NULL;
    switch (n->type) {
    case YAML_SCALAR_NODE:
        return scalar_value(n);
    case YAML_SEQUENCE_NODE: {
        json_t *arr = json_array();
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
            json_t *v = convert(doc, yaml_document_get_node(doc, *it), depth + 1);
            if (!v) {
                json_decref(arr);
                return NULL;
            }
            json_array_append_new(arr, v);
        }
        return arr;
    }
    case YAML_MAPPING_NODE: {
        json_t *obj = json_object();
        json_object_set_new(obj, "__line", json_integer((json_int_t)n->start_mark.line + 1));
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
            yaml_node_t *k = yaml_document_get_node(doc, p->key);
            if (!k || k->type != YAML_SCALAR_NODE) {
                json_decref(obj);
                return NULL;
            }
            json_t *v = convert(doc, yaml_document_get_node(doc, p->value), depth + 1);
            if (!v) {
                json_decref(obj);
                return NULL;
            }
            json_object_setn_new(obj, (const char *)k->data.scalar.value, k->data.scalar.length, v);
        }
        return obj;
    }
    default:
        return json_null();
    }
}

lw_status lw_yaml_parse(const char *path, const unsigned char *buf, size_t len, json_t **out,
                        lw_error *err)
{
    *out = NULL;
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser))
        return lw_error_set(err, LW_ERR_NOMEM, path, 0, 0, "cannot start the YAML parser");
    yaml_parser_set_input_string(&parser, buf, len);
    if (!yaml_parser_load(&parser, &doc)) {
        lw_status st = lw_error_set(err, LW_ERR_DATA, path, (int)parser.problem_mark.line + 1,
                                    (int)parser.problem_mark.column + 1, "YAML: %s%s%s",
                                    parser.problem ? parser.problem : "syntax error",
                                    parser.context ? " " : "", parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        return st;
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    json_t *v = root ? convert(&doc, root, 0) : json_object();
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (!v)
        return lw_error_set(err, LW_ERR_DATA, path, 0, 0, "YAML: unsupported structure (non-scalar key or nesting too deep)");
    *out = v;
    return LW_OK;
}

lw_status lw_yaml_load_file(const char *path, json_t **out, lw_error *err)
{
    unsigned char *buf;
    size_t len;
    lw_status st = lw_read_file(path, &buf, &len, err);
    if (st)
        return st;
    st = lw_yaml_parse(path, buf, len, out, err);
    free(buf);
    return st;
}

int lw_yaml_line(const json_t *obj)
{
    json_t *l = json_is_object(obj) ? json_object_get(obj, "__line") : NULL;
    return l ? (int)json_integer_value(l) : 0;
}
