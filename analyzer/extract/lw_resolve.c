/* lw_resolve: the lexicon (document types, symbol codes) and canonical ids and symbols. */
#include "lw_resolve.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lw_fold.h"
#include "lw_msg.h"
#include "lw_text.h"
#include "lw_yaml.h"

/* ---- lexicon ---- */

typedef struct {
    char *name;   /* canonical type name */
    char *code;   /* symbol code, may be NULL */
    char **keys;  /* folded (no diacritics) words that name it */
    size_t n_keys;
} lx_type;

struct lw_lexicon {
    lx_type *types;
    size_t n_types;
    json_t *symbol_case;    /* upper -> canonical mixed case segment */
    json_t *symbol_alias;   /* upper OCR form -> canonical segment */
};

void lw_lexicon_free(lw_lexicon *lx)
{
    if (!lx)
        return;
    for (size_t i = 0; i < lx->n_types; i++) {
        free(lx->types[i].name);
        free(lx->types[i].code);
        for (size_t k = 0; k < lx->types[i].n_keys; k++)
            free(lx->types[i].keys[k]);
        free(lx->types[i].keys);
    }
    free(lx->types);
    json_decref(lx->symbol_case);
    json_decref(lx->symbol_alias);
    free(lx);
}

/* The lexicon's own error: every allocation below is checked and fails the whole build. */
static lw_status lexicon_nomem(lw_lexicon *lx, lw_error *err)
{
    lw_lexicon_free(lx);
    return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
}

lw_status lw_lexicon_create(const lw_ruleset *rs, lw_lexicon **out, lw_error *err)
{
    *out = NULL;
    lw_lexicon *lx = calloc(1, sizeof *lx);
    if (!lx)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    lx->symbol_case = json_object();
    lx->symbol_alias = json_object();
    if (!lx->symbol_case || !lx->symbol_alias)
        return lexicon_nomem(lx, err);
    json_t *types = lw_ruleset_data(rs, "doc_types");
    if (!json_is_array(types)) {
        lw_lexicon_free(lx);
        return lw_error_msg(err, LW_ERR_DATA, "rules/lexicon.yaml", 0, 0, LW_MSG_LEXICON_NO_TYPES);
    }
    lx->types = calloc(json_array_size(types) + 1, sizeof *lx->types);
    if (!lx->types)
        return lexicon_nomem(lx, err);
    size_t i;
    json_t *t;
    json_array_foreach(types, i, t) {
        json_t *name = json_object_get(t, "name");
        if (!json_is_string(name)) {
            lw_lexicon_free(lx);
            return lw_error_msg(err, LW_ERR_DATA, "rules/lexicon.yaml", lw_yaml_line(t), 0,
                                LW_MSG_LEXICON_TYPE_NAME);
        }
        lx_type *ty = &lx->types[lx->n_types++];
        ty->name = strdup(json_string_value(name));
        json_t *code = json_object_get(t, "code");
        ty->code = json_is_string(code) ? strdup(json_string_value(code)) : NULL;
        json_t *words = json_object_get(t, "words");
        size_t nw = json_is_array(words) ? json_array_size(words) : 0;
        ty->keys = calloc(nw + 1, sizeof *ty->keys);
        if (!ty->name || (json_is_string(code) && !ty->code) || !ty->keys)
            return lexicon_nomem(lx, err);
        if (!(ty->keys[ty->n_keys++] = lw_fold_key(ty->name, strlen(ty->name))))
            return lexicon_nomem(lx, err);
        for (size_t k = 0; k < nw; k++) {
            const char *w = json_string_value(json_array_get(words, k));
            if (w && !(ty->keys[ty->n_keys++] = lw_fold_key(w, strlen(w))))
                return lexicon_nomem(lx, err);
        }
    }
    json_t *sc = lw_ruleset_data(rs, "symbol_case");
    size_t k;
    json_t *v;
    json_array_foreach(sc, k, v) {
        if (json_is_string(v)) {
            char *up = lw_text_upper(json_string_value(v), strlen(json_string_value(v)));
            if (!up || json_object_set_new(lx->symbol_case, up, json_string(json_string_value(v)))) {
                free(up);
                return lexicon_nomem(lx, err);
            }
            free(up);
        }
    }
    json_t *sa = lw_ruleset_data(rs, "symbol_alias");
    const char *key;
    json_object_foreach(sa, key, v) {
        if (json_is_string(v) && strcmp(key, "__line") && json_object_set(lx->symbol_alias, key, v))
            return lexicon_nomem(lx, err);
    }
    *out = lx;
    return LW_OK;
}

const char *lw_lexicon_type(const lw_lexicon *lx, const char *word, size_t n)
{
    char *f = lw_fold_key(word, n);
    if (!f)
        return NULL;
    const char *r = NULL;
    for (size_t i = 0; i < lx->n_types && !r; i++)
        for (size_t k = 0; k < lx->types[i].n_keys; k++)
            if (lx->types[i].keys[k] && !strcmp(lx->types[i].keys[k], f)) {
                r = lx->types[i].name;
                break;
            }
    free(f);
    return r;
}

const char *lw_lexicon_type_of_symbol(const lw_lexicon *lx, const char *symbol)
{
    size_t n = strcspn(symbol, "-/");
    for (size_t i = 0; i < lx->n_types; i++) {
        const char *c = lx->types[i].code;
        size_t cl = c ? strlen(c) : 0;
        if (!c || cl > n || strncmp(c, symbol, cl))
            continue;
        /* the code, or the code and a number: "QH13" is the 13th National Assembly's Luật */
        size_t k = cl;
        while (k < n && symbol[k] >= '0' && symbol[k] <= '9')
            k++;
        if (k == n && (cl == n || cl >= 2))
            return lx->types[i].name;
    }
    return NULL;
}

const char *lw_lexicon_code_of_type(const lw_lexicon *lx, const char *type)
{
    for (size_t i = 0; i < lx->n_types; i++)
        if (!strcmp(lx->types[i].name, type))
            return lx->types[i].code;
    return NULL;
}

/* The longest segment of a symbol looked up in the lexicon ("QĐ", "TTg", "BLĐTBXH"); a longer
 * one is no code of the lexicon and is cut only for the look-up. */
#define LW_SYMBOL_SEG_MAX 128

char *lw_lexicon_symbol(const lw_lexicon *lx, const char *sym, size_t n)
{
    /* drop white space and stray markup, unify dashes */
    lw_buf b = {0};
    int fail = lw_buf_reserve(&b, n);
    for (size_t i = 0; i < n && !fail; i++) {
        unsigned char c = (unsigned char)sym[i];
        if (c == ' ' || c == '\n' || c == '\t' || c == '*')
            continue;
        if (c == 0xE2 && i + 2 < n && (unsigned char)sym[i + 1] == 0x80 &&
            (unsigned char)sym[i + 2] >= 0x90 && (unsigned char)sym[i + 2] <= 0x95) {
            fail = lw_buf_putc(&b, '-'); /* U+2010..U+2015 dashes */
            i += 2;
            continue;
        }
        fail = lw_buf_putc(&b, (char)c);
    }
    char *raw = fail ? NULL : lw_buf_detach(&b, NULL);
    lw_buf_free(&b);
    char *up = raw ? lw_text_upper(raw, strlen(raw)) : NULL;
    free(raw);
    if (!up)
        return NULL;
    /* segment by '-' and '/', fixing case and OCR look-alikes per segment */
    lw_buf o = {0};
    const char *p = up;
    while (!fail) {
        size_t sl = strcspn(p, "-/");
        char seg[LW_SYMBOL_SEG_MAX];
        if (sl >= sizeof seg)
            sl = sizeof seg - 1;
        memcpy(seg, p, sl);
        seg[sl] = '\0';
        json_t *a = json_object_get(lx->symbol_alias, seg);
        const char *s = json_is_string(a) ? json_string_value(a) : seg;
        char *su = lw_text_upper(s, strlen(s));
        if (!su) {
            fail = -1;
            break;
        }
        json_t *c = json_object_get(lx->symbol_case, su);
        free(su);
        if (json_is_string(c))
            s = json_string_value(c);
        fail = lw_buf_append(&o, s, strlen(s));
        p += strcspn(p, "-/");
        if (!*p)
            break;
        if (!fail)
            fail = lw_buf_putc(&o, *p);
        p++;
    }
    free(up);
    if (fail) {
        lw_buf_free(&o);
        return NULL;
    }
    return lw_buf_detach(&o, NULL);
}

char *lw_make_id(const char *num, int year, const char *symbol, int party)
{
    while (*num == '0' && isdigit((unsigned char)num[1]))
        num++;
    lw_buf b = {0};
    int fail;
    if (party)
        fail = lw_buf_printf(&b, "%s-%s", num, symbol);
    else if (year > 0)
        fail = lw_buf_printf(&b, "%s%s/%d/%s", strlen(num) < 2 ? "0" : "", num, year, symbol);
    else
        fail = lw_buf_printf(&b, "%s/%s", num, symbol);
    if (fail) {
        lw_buf_free(&b);
        return NULL;
    }
    return lw_buf_detach(&b, NULL);
}
