/* lw_yaml: libyaml's document API to jansson, keeping line numbers for error messages. */
#include "lw_yaml.h"
#include "lw_oom.h"

#include "lw_file.h"
#include "lw_msg.h"
#include "lw_utf8.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* A string scalar and its marks (libyaml's: 0-based line and column in characters). */
typedef struct {
    const json_t *str;
    size_t line, col, end_line, end_col;
    yaml_scalar_style_t style;
} scalar_place;

struct lw_yaml_places {
    unsigned char *buf; /* the file's bytes, NUL-terminated */
    size_t len;
    scalar_place *v;
    size_t n, cap;
    int nomem;
};

static void place_add(lw_yaml_places *pl, const json_t *str, const yaml_node_t *n)
{
    if (!pl || pl->nomem || !json_is_string(str))
        return;
    if (pl->n == pl->cap) {
        size_t cap = pl->cap ? pl->cap * 2 : 256;
        scalar_place *v = realloc(pl->v, cap * sizeof *v);
        if (!v) {
            pl->nomem = 1;
            return;
        }
        pl->v = v;
        pl->cap = cap;
    }
    pl->v[pl->n++] = (scalar_place){str, n->start_mark.line, n->start_mark.column, n->end_mark.line,
                                    n->end_mark.column, n->data.scalar.style};
}

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

/* The deepest nesting of YAML collections accepted: the rule and data files nest 4 deep;
 * the bound keeps the recursion's stack small on hostile input. */
#define LW_YAML_DEPTH_MAX 64

/* The JSON value of node n; NULL with *nomem = 0 for an unsupported structure (a non-scalar
 * key, nesting too deep), NULL with *nomem = 1 when out of memory. */
static json_t *convert(yaml_document_t *doc, yaml_node_t *n, int depth, lw_yaml_places *pl, int *nomem)
{
    if (!n || depth > LW_YAML_DEPTH_MAX)
        return NULL;
    switch (n->type) {
    case YAML_SCALAR_NODE: {
        json_t *v = scalar_value(n);
        if (!v)
            *nomem = 1;
        place_add(pl, v, n);
        return v;
    }
    case YAML_SEQUENCE_NODE: {
        json_t *arr = json_array();
        if (!arr) {
            *nomem = 1;
            return NULL;
        }
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
            json_t *v = convert(doc, yaml_document_get_node(doc, *it), depth + 1, pl, nomem);
            if (!v || json_array_append_new(arr, v)) {
                if (v)
                    *nomem = 1;
                json_decref(arr);
                return NULL;
            }
        }
        return arr;
    }
    case YAML_MAPPING_NODE: {
        json_t *obj = json_object();
        if (!obj || json_object_set_new(obj, "__line", json_integer((json_int_t)n->start_mark.line + 1))) {
            json_decref(obj);
            *nomem = 1;
            return NULL;
        }
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
            yaml_node_t *k = yaml_document_get_node(doc, p->key);
            if (!k || k->type != YAML_SCALAR_NODE) {
                json_decref(obj);
                return NULL;
            }
            json_t *v = convert(doc, yaml_document_get_node(doc, p->value), depth + 1, pl, nomem);
            if (!v || json_object_setn_new(obj, (const char *)k->data.scalar.value, k->data.scalar.length, v)) {
                if (v)
                    *nomem = 1;
                json_decref(obj);
                return NULL;
            }
        }
        return obj;
    }
    default: {
        json_t *v = json_null();
        if (!v)
            *nomem = 1;
        return v;
    }
    }
}

lw_status lw_yaml_parse(const char *path, const unsigned char *buf, size_t len, json_t **out,
                        lw_error *err)
{
    return lw_yaml_parse_placed(path, buf, len, out, NULL, err);
}

lw_status lw_yaml_parse_placed(const char *path, const unsigned char *buf, size_t len, json_t **out,
                               lw_yaml_places **places, lw_error *err)
{
    *out = NULL;
    lw_yaml_places *pl = NULL;
    if (places) {
        *places = NULL;
        pl = calloc(1, sizeof *pl);
        if (pl)
            pl->buf = malloc(len + 1);
        if (!pl || !pl->buf) {
            free(pl);
            return lw_error_msg(err, LW_ERR_NOMEM, path, 0, 0, LW_MSG_NOMEM);
        }
        memcpy(pl->buf, buf, len);
        pl->buf[len] = '\0';
        pl->len = len;
    }
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser)) {
        lw_yaml_places_free(pl);
        return lw_error_msg(err, LW_ERR_NOMEM, path, 0, 0, LW_MSG_YAML_START);
    }
    yaml_parser_set_input_string(&parser, buf, len);
    if (!yaml_parser_load(&parser, &doc)) {
        lw_status st = lw_error_msg(err, LW_ERR_DATA, path, (int)parser.problem_mark.line + 1,
                                    (int)parser.problem_mark.column + 1, LW_MSG_YAML_SYNTAX,
                                    parser.problem ? parser.problem : "syntax error",
                                    parser.context ? " " : "", parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        lw_yaml_places_free(pl);
        return st;
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    /* a json_* call that runs out of memory inside convert is also noted (lw_oom): the
     * file is then not taken for one of unsupported structure, nor kept with a key missing */
    unsigned long oom = lw_oom_mark();
    int nomem = 0;
    json_t *v = root ? convert(&doc, root, 0, pl, &nomem) : json_object();
    if (!root && !v)
        nomem = 1;
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (nomem || (pl && pl->nomem) || lw_oom_since(oom)) {
        json_decref(v);
        lw_yaml_places_free(pl);
        return lw_error_msg(err, LW_ERR_NOMEM, path, 0, 0, LW_MSG_NOMEM);
    }
    if (!v) {
        lw_yaml_places_free(pl);
        return lw_error_msg(err, LW_ERR_DATA, path, 0, 0, LW_MSG_YAML_STRUCTURE);
    }
    *out = v;
    if (places)
        *places = pl;
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

void lw_yaml_places_free(lw_yaml_places *pl)
{
    if (!pl)
        return;
    free(pl->buf);
    free(pl->v);
    free(pl);
}

/* Byte offset of libyaml's mark (0-based line, column in characters); a BOM, which
 * libyaml reads past before counting, is skipped. */
static size_t mark_byte(const lw_yaml_places *pl, size_t line, size_t col)
{
    const unsigned char *b = pl->buf;
    size_t i = pl->len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF ? 3 : 0;
    for (size_t l = 0; l < line && i < pl->len; i++)
        l += b[i] == '\n';
    for (; col > 0 && i < pl->len && b[i] != '\n'; col--)
        for (i++; i < pl->len && (b[i] & 0xC0) == 0x80; i++)
            ;
    return i;
}

/* A double-quoted scalar's escape at p[0] == '\\' (YAML 1.1 5.7): its bytes in the value
 * into o, its length in the source into *srclen; 0 bytes when it is no escape. */
static size_t unescape(const unsigned char *p, const unsigned char *end, unsigned char *o, size_t *srclen)
{
    static const char from[] = "0abtnvfre \"/\\\t";
    static const char to[] = "\0\a\b\t\n\v\f\r\x1b \"/\\\t";
    *srclen = 0;
    if (p + 1 >= end)
        return 0;
    const char *f = p[1] ? strchr(from, p[1]) : NULL;
    if (f) {
        o[0] = (unsigned char)to[f - from];
        *srclen = 2;
        return 1;
    }
    int digits = p[1] == 'x' ? 2 : p[1] == 'u' ? 4 : p[1] == 'U' ? 8 : 0;
    unsigned long c = p[1] == 'N' ? 0x85 : p[1] == '_' ? 0xA0 : p[1] == 'L' ? 0x2028 : p[1] == 'P' ? 0x2029 : 0;
    if (c) {
        *srclen = 2;
        return (size_t)lw_utf8_enc((int32_t)c, (char *)o);
    }
    if (!digits || p + 2 + digits > end)
        return 0;
    for (int k = 0; k < digits; k++) {
        int ch = p[2 + k];
        int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
              : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
        if (d < 0)
            return 0;
        c = c * 16 + (unsigned long)d;
    }
    if (c > 0x10FFFF)
        return 0;
    *srclen = (size_t)(2 + digits);
    return (size_t)lw_utf8_enc((int32_t)c, (char *)o);
}

/* Whether the value's byte v[i] (of vlen) is written at source byte s, and how many
 * source and value bytes that takes. The value was made from the source by removing
 * (quotes, indentation, trailing spaces, a backslash), by folding a line break into a
 * space, and by escapes; so walking both and skipping source bytes that do not match
 * finds each value byte where the author wrote it. */
static int written_at(const lw_yaml_places *pl, yaml_scalar_style_t style, const unsigned char *v, size_t vlen,
                      size_t i, size_t s, size_t end, size_t *src_n, size_t *val_n)
{
    const unsigned char *b = pl->buf;
    if (style == YAML_DOUBLE_QUOTED_SCALAR_STYLE && b[s] == '\\') {
        unsigned char o[4];
        size_t k, n = unescape(b + s, b + end, o, &k);
        if (n && i + n <= vlen && !memcmp(v + i, o, n)) {
            *src_n = k;
            *val_n = n;
            return 1;
        }
        return 0;
    }
    *src_n = *val_n = 1;
    if (b[s] == v[i])
        return 1;
    return v[i] == ' ' && b[s] == '\n' && style != YAML_LITERAL_SCALAR_STYLE;
}

int lw_yaml_locate(const lw_yaml_places *pl, const json_t *str, size_t off, int *line, int *col,
                   const char **text, size_t *text_len)
{
    const scalar_place *sp = NULL;
    for (size_t k = 0; pl && k < pl->n && !sp; k++)
        if (pl->v[k].str == str)
            sp = &pl->v[k];
    if (!sp)
        return -1;
    const unsigned char *b = pl->buf;
    const unsigned char *v = (const unsigned char *)json_string_value(str);
    size_t vlen = json_string_length(str);
    size_t s = mark_byte(pl, sp->line, sp->col), end = mark_byte(pl, sp->end_line, sp->end_col);
    if (sp->style == YAML_SINGLE_QUOTED_SCALAR_STYLE || sp->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
        s++;
    } else if (sp->style == YAML_LITERAL_SCALAR_STYLE || sp->style == YAML_FOLDED_SCALAR_STYLE) {
        while (s < end && b[s] != '\n') /* the header: "|-", perhaps a comment */
            s++;
    }
    if (off > vlen)
        off = vlen;
    size_t i = 0, after = s; /* after: just past the last non-blank value byte found */
    size_t sn, vn;
    while (s < end && i <= off) {
        if (b[s] == '\r') {
            s++;
            continue;
        }
        if (i == vlen)
            break;
        if (!written_at(pl, sp->style, v, vlen, i, s, end, &sn, &vn)) {
            s++;
            continue;
        }
        if (i == off)
            break; /* s is where value byte off was written */
        if (v[i] != ' ' && v[i] != '\n' && v[i] != '\t')
            after = s + sn;
        i += vn;
        s += sn;
    }
    if (i != off || off == vlen || s >= end)
        s = after;
    size_t ls = s;
    while (ls > 0 && b[ls - 1] != '\n')
        ls--;
    size_t le = s;
    while (le < pl->len && b[le] != '\n')
        le++;
    if (le > ls && b[le - 1] == '\r')
        le--;
    int l = 1, c = 1;
    for (size_t k = 0; k < ls; k++)
        l += b[k] == '\n';
    for (size_t k = ls; k < s; k++)
        c += (b[k] & 0xC0) != 0x80;
    if (ls == 0 && pl->len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
        ls = 3;
        c--;
    }
    *line = l;
    *col = c;
    *text = (const char *)b + ls;
    *text_len = le - ls;
    return 0;
}
