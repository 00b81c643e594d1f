/* lw_subject: pairs of syllables and what they say of a document's work (see the header). */
#include "lw_subject.h"

#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "lw_msg.h"

/* A syllable (bytes, lower case with marks): no Vietnamese syllable comes near; a longer
 * token is OCR's run-together words, left out. */
#define LW_SUBJECT_SYLLABLE_MAX 64
/* Pairs a subject must share with a duty's words when rules/report.yaml gives no
 * answer_min_shared. */
#define LW_SUBJECT_MIN_SHARED 2

struct lw_subject {
    const char **common, **places, **parts; /* sorted; strings borrowed from the ruleset */
    size_t ncommon, nplaces, nparts;
    int min_shared;
};

static int cmp_cstr(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* The strings of rules/report.yaml's list key, sorted, into *v (owned array of borrowed
 * strings); -1 when out of memory. */
static int load_words(const lw_ruleset *rs, const char *key, const char ***v, size_t *n)
{
    json_t *a = lw_ruleset_data(rs, key);
    size_t i, k = 0;
    json_t *w;
    *v = malloc((json_array_size(a) + 1) * sizeof **v);
    if (!*v)
        return -1;
    json_array_foreach(a, i, w)
        if (json_is_string(w))
            (*v)[k++] = json_string_value(w);
    qsort(*v, k, sizeof **v, cmp_cstr);
    *n = k;
    return 0;
}

lw_status lw_subject_create(const lw_ruleset *rs, lw_subject **out, lw_error *err)
{
    lw_subject *s = calloc(1, sizeof *s);
    if (!s || load_words(rs, "answer_common_words", &s->common, &s->ncommon) ||
        load_words(rs, "answer_place_words", &s->places, &s->nplaces) ||
        load_words(rs, "answer_part_year", &s->parts, &s->nparts)) {
        lw_subject_free(s);
        *out = NULL;
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    json_t *ms = lw_ruleset_data(rs, "answer_min_shared");
    s->min_shared =
        json_is_integer(ms) && json_integer_value(ms) > 0 ? (int)json_integer_value(ms) : LW_SUBJECT_MIN_SHARED;
    *out = s;
    return LW_OK;
}

void lw_subject_free(lw_subject *s)
{
    if (!s)
        return;
    free(s->common);
    free(s->places);
    free(s->parts);
    free(s);
}

static int in_words(const char *const *v, size_t n, const char *t)
{
    return n && bsearch(&t, v, n, sizeof *v, cmp_cstr) != NULL;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The pairs: hashes of neighbouring tokens (letters, marks and digits), lower case with the
 * marks kept; after a place word the next two tokens (its name) are skipped. */
int lw_subject_pairs(const lw_subject *s, const char *t, uint64_t **v, size_t *n, size_t *cap)
{
    utf8proc_uint8_t *low = NULL;
    utf8proc_ssize_t ml = t ? utf8proc_map((const utf8proc_uint8_t *)t, 0, &low,
                                           UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD)
                            : 0;
    if (ml == UTF8PROC_ERROR_NOMEM)
        return -1;
    if (!t || ml < 0)
        return 0; /* nothing to say, or not UTF-8: no pairs */
    char prev[LW_SUBJECT_SYLLABLE_MAX], tok[LW_SUBJECT_SYLLABLE_MAX];
    int have_prev = 0, skip = 0, rc = 0;
    const utf8proc_uint8_t *p = low;
    while (*p) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p, -1, &cp);
        if (k <= 0)
            break;
        utf8proc_category_t c = utf8proc_category(cp);
        if (!(c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_NO)) {
            p += k;
            continue;
        }
        /* a token: letters, marks and digits */
        size_t len = 0;
        int digits = 1;
        while (*p) {
            k = utf8proc_iterate(p, -1, &cp);
            if (k <= 0)
                break;
            c = utf8proc_category(cp);
            if (!(c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_NO))
                break;
            digits &= c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO;
            if (len + (size_t)k < sizeof tok)
                memcpy(tok + len, p, (size_t)k);
            len += (size_t)k;
            p += k;
        }
        if (len >= sizeof tok) { /* no syllable is that long: OCR run-together, left out */
            have_prev = 0;
            continue;
        }
        tok[len] = '\0';
        if (skip) {
            skip--;
            have_prev = 0;
            continue;
        }
        if (digits || in_words(s->common, s->ncommon, tok)) {
            skip = in_words(s->places, s->nplaces, tok) ? 2 : 0;
            have_prev = 0;
            continue;
        }
        if (have_prev) {
            if (*n == *cap) {
                size_t nc = *cap ? *cap * 2 : 16;
                uint64_t *g = realloc(*v, nc * sizeof *g);
                if (!g) {
                    rc = -1;
                    break;
                }
                *v = g;
                *cap = nc;
            }
            uint64_t h = lw_hash_str(prev);
            (*v)[(*n)++] = h * 1099511628211ull ^ lw_hash_str(tok);
        }
        memcpy(prev, tok, len + 1);
        have_prev = 1;
    }
    free(low);
    return rc;
}

size_t lw_subject_uniq(uint64_t *v, size_t n)
{
    if (!n)
        return 0;
    qsort(v, n, sizeof *v, cmp_u64);
    size_t w = 1;
    for (size_t i = 1; i < n; i++)
        if (v[i] != v[w - 1])
            v[w++] = v[i];
    return w;
}

int lw_subject_on_work(const lw_subject *s, const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
    size_t i = 0, j = 0, k = 0;
    while (i < na && j < nb) {
        if (a[i] < b[j])
            i++;
        else if (a[i] > b[j])
            j++;
        else {
            k++;
            i++;
            j++;
        }
    }
    return (int)k >= s->min_shared;
}

int lw_subject_part_year(const lw_subject *s, const char *t)
{
    utf8proc_uint8_t *low = NULL;
    if (!t || !s->nparts)
        return 0;
    utf8proc_ssize_t ml = utf8proc_map((const utf8proc_uint8_t *)t, 0, &low,
                                       UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
    if (ml < 0)
        return ml == UTF8PROC_ERROR_NOMEM ? -1 : 0;
    int yes = 0;
    for (size_t i = 0; i < s->nparts && !yes; i++)
        yes = strstr((const char *)low, s->parts[i]) != NULL;
    free(low);
    return yes;
}
