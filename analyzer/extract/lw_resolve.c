/* lw_resolve: date arithmetic, canonical ids and symbols, and the text folding they need. */
#include "lw_resolve.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "lw_oom.h"
#include "lw_yaml.h"

int lw_days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

int lw_date_valid(lw_date d)
{
    return d.y >= 1900 && d.y <= 2199 && d.m >= 1 && d.m <= 12 && d.d >= 1 && d.d <= lw_days_in_month(d.y, d.m);
}

lw_date lw_date_add_days(lw_date d, int n)
{
    while (n > 0) {
        if (d.d < lw_days_in_month(d.y, d.m)) {
            d.d++;
        } else {
            d.d = 1;
            if (++d.m > 12) {
                d.m = 1;
                d.y++;
            }
        }
        n--;
    }
    while (n < 0) {
        if (d.d > 1) {
            d.d--;
        } else {
            if (--d.m < 1) {
                d.m = 12;
                d.y--;
            }
            d.d = lw_days_in_month(d.y, d.m);
        }
        n++;
    }
    return d;
}

int lw_date_cmp(lw_date a, lw_date b)
{
    if (a.y != b.y)
        return a.y < b.y ? -1 : 1;
    if (a.m != b.m)
        return a.m < b.m ? -1 : 1;
    if (a.d != b.d)
        return a.d < b.d ? -1 : 1;
    return 0;
}

const char *lw_date_iso(lw_date d, char *buf)
{
    snprintf(buf, 11, "%04d-%02d-%02d", d.y % 10000, d.m % 100, d.d % 100);
    return buf;
}

int lw_date_parse_iso(const char *s, lw_date *out)
{
    int y, m, d;
    char tail;
    if (!s || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
        return -1;
    lw_date r = {y, m, d};
    if (!lw_date_valid(r))
        return -1;
    *out = r;
    return 0;
}

int lw_parse_numeral(const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    if (n == 0 || n > 6)
        return -1;
    if (isdigit((unsigned char)s[0])) {
        int v = 0;
        for (size_t i = 0; i < n; i++) {
            if (!isdigit((unsigned char)s[i]))
                return -1;
            v = v * 10 + (s[i] - '0');
        }
        return v;
    }
    static const char *const roman[] = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"};
    for (int i = 0; i < 12; i++)
        if (strlen(roman[i]) == n && !strncasecmp(roman[i], s, n))
            return i + 1;
    return -1;
}

/* ---- text helpers ---- */

static char *collapse_ws(char *s)
{
    char *w = s;
    int space = 1; /* drop leading */
    for (char *r = s; *r; r++) {
        unsigned char c = (unsigned char)*r;
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            if (!space)
                *w++ = ' ';
            space = 1;
        } else {
            *w++ = *r;
            space = 0;
        }
    }
    while (w > s && w[-1] == ' ')
        w--;
    *w = '\0';
    return s;
}

static char *map_utf8(const char *s, size_t n, utf8proc_option_t opts)
{
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &out, opts);
    if (r < 0) {
        char *c = malloc(n + 1);
        if (c) {
            memcpy(c, s, n);
            c[n] = '\0';
        }
        return c;
    }
    return (char *)out;
}

char *lw_text_fold_case(const char *s, size_t n)
{
    char *r = map_utf8(s, n, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
    return r ? collapse_ws(r) : NULL;
}

char *lw_text_fold_all(const char *s, size_t n)
{
    char *r = map_utf8(s, n, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK);
    if (!r)
        return NULL;
    /* đ (U+0111, C4 91) and Đ are letters of their own, not d + mark: fold them by hand */
    char *w = r;
    for (char *p = r; *p; p++) {
        if ((unsigned char)p[0] == 0xC4 && ((unsigned char)p[1] == 0x91 || (unsigned char)p[1] == 0x90)) {
            *w++ = 'd';
            p++;
        } else {
            *w++ = *p;
        }
    }
    *w = '\0';
    return collapse_ws(r);
}

/* Maps each code point: upper case (title = 0), or upper at the start of a word and lower
 * elsewhere (title = 1). Bytes that are not UTF-8 are copied as they are. */
static char *map_case(const char *s, size_t n, int title)
{
    lw_buf b = {0};
    utf8proc_ssize_t i = 0;
    int start = 1;
    while ((size_t)i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)n - i, &cp);
        if (l <= 0) {
            lw_buf_putc(&b, s[i]);
            i++;
            continue;
        }
        utf8proc_int32_t out = (!title || start) ? utf8proc_toupper(cp) : utf8proc_tolower(cp);
        start = (cp == ' ' || cp == '\n' || cp == '\t' || cp == '-');
        utf8proc_uint8_t enc[4];
        lw_buf_append(&b, enc, (size_t)utf8proc_encode_char(out, enc));
        i += l;
    }
    return lw_buf_detach(&b, NULL);
}

char *lw_text_upper(const char *s, size_t n) { return map_case(s, n, 0); }

char *lw_text_title_case(const char *s, size_t n)
{
    char *r = map_case(s, n, 1);
    return r ? collapse_ws(r) : NULL;
}

char *lw_text_clean(const char *s, size_t n)
{
    char *r = malloc(n + 1);
    if (!r) {
        lw_oom_note(); /* callers skip a NULL text; the note fails their extraction */
        return NULL;
    }
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '*')
            r[w++] = s[i];
    r[w] = '\0';
    collapse_ws(r);
    size_t l = strlen(r);
    while (l && (r[l - 1] == ';' || r[l - 1] == ',' || r[l - 1] == ' ' || r[l - 1] == '.' || r[l - 1] == ':'))
        r[--l] = '\0';
    /* a closing "./." of Vietnamese letters leaves a '/' behind */
    while (l >= 2 && r[l - 1] == '/' && r[l - 2] == '.')
        r[l -= 2] = '\0';
    return r;
}

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

lw_status lw_lexicon_create(const lw_ruleset *rs, lw_lexicon **out, lw_error *err)
{
    *out = NULL;
    lw_lexicon *lx = calloc(1, sizeof *lx);
    if (!lx)
        return lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "out of memory");
    lx->symbol_case = json_object();
    lx->symbol_alias = json_object();
    json_t *types = lw_ruleset_data(rs, "doc_types");
    if (!json_is_array(types)) {
        lw_lexicon_free(lx);
        return lw_error_set(err, LW_ERR_DATA, "rules/lexicon.yaml", 0, 0, "the rules have no 'doc_types' list");
    }
    lx->types = calloc(json_array_size(types) + 1, sizeof *lx->types);
    size_t i;
    json_t *t;
    json_array_foreach(types, i, t) {
        json_t *name = json_object_get(t, "name");
        if (!json_is_string(name)) {
            lw_lexicon_free(lx);
            return lw_error_set(err, LW_ERR_DATA, "rules/lexicon.yaml", lw_yaml_line(t), 0,
                                "a doc_types entry needs a 'name'");
        }
        lx_type *ty = &lx->types[lx->n_types++];
        ty->name = strdup(json_string_value(name));
        json_t *code = json_object_get(t, "code");
        ty->code = json_is_string(code) ? strdup(json_string_value(code)) : NULL;
        json_t *words = json_object_get(t, "words");
        size_t nw = json_is_array(words) ? json_array_size(words) : 0;
        ty->keys = calloc(nw + 1, sizeof *ty->keys);
        ty->keys[ty->n_keys++] = lw_text_fold_all(ty->name, strlen(ty->name));
        for (size_t k = 0; k < nw; k++) {
            const char *w = json_string_value(json_array_get(words, k));
            if (w)
                ty->keys[ty->n_keys++] = lw_text_fold_all(w, strlen(w));
        }
    }
    json_t *sc = lw_ruleset_data(rs, "symbol_case");
    size_t k;
    json_t *v;
    json_array_foreach(sc, k, v) {
        if (json_is_string(v)) {
            char *up = lw_text_upper(json_string_value(v), strlen(json_string_value(v)));
            json_object_set_new(lx->symbol_case, up, json_string(json_string_value(v)));
            free(up);
        }
    }
    json_t *sa = lw_ruleset_data(rs, "symbol_alias");
    const char *key;
    json_object_foreach(sa, key, v) {
        if (json_is_string(v) && strcmp(key, "__line"))
            json_object_set(lx->symbol_alias, key, v);
    }
    *out = lx;
    return LW_OK;
}

const char *lw_lexicon_type(const lw_lexicon *lx, const char *word, size_t n)
{
    char *f = lw_text_fold_all(word, n);
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

char *lw_lexicon_symbol(const lw_lexicon *lx, const char *sym, size_t n)
{
    /* drop white space and stray markup, unify dashes */
    lw_buf b = {0};
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)sym[i];
        if (c == ' ' || c == '\n' || c == '\t' || c == '*')
            continue;
        if (c == 0xE2 && i + 2 < n && (unsigned char)sym[i + 1] == 0x80 &&
            (unsigned char)sym[i + 2] >= 0x90 && (unsigned char)sym[i + 2] <= 0x95) {
            lw_buf_putc(&b, '-'); /* U+2010..U+2015 dashes */
            i += 2;
            continue;
        }
        lw_buf_putc(&b, (char)c);
    }
    char *raw = lw_buf_detach(&b, NULL);
    char *up = lw_text_upper(raw, strlen(raw));
    free(raw);
    /* segment by '-' and '/', fixing case and OCR look-alikes per segment */
    lw_buf o = {0};
    const char *p = up;
    while (1) {
        size_t sl = strcspn(p, "-/");
        char seg[128];
        if (sl >= sizeof seg)
            sl = sizeof seg - 1;
        memcpy(seg, p, sl);
        seg[sl] = '\0';
        json_t *a = json_object_get(lx->symbol_alias, seg);
        const char *s = json_is_string(a) ? json_string_value(a) : seg;
        char *su = lw_text_upper(s, strlen(s));
        json_t *c = json_object_get(lx->symbol_case, su);
        free(su);
        if (json_is_string(c))
            s = json_string_value(c);
        lw_buf_append(&o, s, strlen(s));
        p += strcspn(p, "-/");
        if (!*p)
            break;
        lw_buf_putc(&o, *p);
        p++;
    }
    free(up);
    return lw_buf_detach(&o, NULL);
}

char *lw_make_id(const char *num, int year, const char *symbol, int party)
{
    while (*num == '0' && isdigit((unsigned char)num[1]))
        num++;
    lw_buf b = {0};
    if (party)
        lw_buf_printf(&b, "%s-%s", num, symbol);
    else if (year > 0)
        lw_buf_printf(&b, "%s%s/%d/%s", strlen(num) < 2 ? "0" : "", num, year, symbol);
    else
        lw_buf_printf(&b, "%s/%s", num, symbol);
    return lw_buf_detach(&b, NULL);
}
