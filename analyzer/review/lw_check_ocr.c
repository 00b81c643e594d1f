/* lw_check_ocr: whether a citation not in the registry looks damaged by OCR (see the
 * header). */
#include "lw_check_ocr.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lw_msg.h"

/* A part of a symbol ("ubnd", "qh13"): no known part comes near. */
#define LW_CHECK_OCR_PART_MAX 64

/* Why texts are Vietnamese: they are evidence for the reviewers ("ocr_reason"). */
static const char *vi(lw_msg_id id) { return lw_msg_get(id, LW_LANG_VI); }

struct lw_check_ocr {
    json_t *parts; /* known symbol parts, folded -> PART_TYPE or PART_ISSUER (lexicon.yaml
                      doc_types, rules/symbols.yaml) */
};

enum { PART_TYPE = 1, PART_ISSUER = 2 };

/* Whether folded text t (n bytes) is a known symbol part: PART_TYPE (a type's code, "kh"),
 * PART_ISSUER (a body, "ubnd"), or 0. */
static int known_part(const lw_check_ocr *o, const char *t, size_t n)
{
    char buf[LW_CHECK_OCR_PART_MAX];
    if (!n || n >= sizeof buf)
        return 0;
    memcpy(buf, t, n);
    buf[n] = '\0';
    return (int)json_integer_value(json_object_get(o->parts, buf));
}

/* A known part followed by digits only ("qh13", "ubtvqh14", "bcd389"): a numbered body. */
static int known_numbered(const lw_check_ocr *o, const char *t, size_t n)
{
    size_t k = n;
    while (k > 0 && t[k - 1] >= '0' && t[k - 1] <= '9')
        k--;
    return k < n && known_part(o, t, k);
}

/* Whether a part (folded) with a digit read for a letter gives a known part: "t1g" -> "ttg". */
static int digit_for_letter(const lw_check_ocr *o, const char *t, size_t n)
{
    static const char *const alt[10] = {"o", "itl", "z", "", "a", "s", "g", "t", "b", "g"};
    char buf[LW_CHECK_OCR_PART_MAX];
    int digits = 0, letters = 0;
    if (n >= sizeof buf)
        return 0;
    for (size_t i = 0; i < n; i++)
        digits += t[i] >= '0' && t[i] <= '9', letters += t[i] >= 'a' && t[i] <= 'z';
    if (!digits || !letters || digits > 2 || known_numbered(o, t, n))
        return 0;
    memcpy(buf, t, n);
    buf[n] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (buf[i] < '0' || buf[i] > '9')
            continue;
        int dg = buf[i] - '0';
        for (const char *a = alt[dg]; *a; a++) {
            buf[i] = *a;
            if (known_part(o, buf, n))
                return 1;
        }
        buf[i] = t[i];
    }
    return 0;
}

/* Whether symbols a and b are one once hyphens are dropped (case and diacritics ignored). */
static int same_but_hyphens(const char *a, const char *b, int *nomem)
{
    char *x = lw_store_fold(a), *y = lw_store_fold(b);
    int same = x && y;
    if (!same)
        *nomem = 1;
    const char *p = x, *q = y;
    while (same && (*p || *q)) {
        if (*p == '-') {
            p++;
            continue;
        }
        if (*q == '-') {
            q++;
            continue;
        }
        same = *p == *q;
        p++, q++;
    }
    free(x);
    free(y);
    return same;
}

const char *lw_check_ocr_reason(const lw_check_ocr *o, const lw_docset *ds, const lw_ds_doc *d, const lw_ds_ref *r,
                                int *nomem)
{
    const char *id = r->id;
    int cy = d->date ? atoi(d->date) : d->year;
    if (r->year && ((cy && r->year > cy) || r->year < 1945))
        return vi(LW_MSG_CHECK_OCR_YEAR);
    const char *sym = strrchr(id, '/');
    int party = strchr(id, '-') && sym && strchr(id, '-') < sym;
    if (!sym)
        return NULL;
    /* the symbol's own letters: A-Z, a-z, Đ/đ, digits, '-', '&', '.' */
    const char *from = party ? strchr(id, '-') + 1 : sym + 1;
    for (const unsigned char *p = (const unsigned char *)from; *p; p++) {
        if (*p < 0x80)
            continue;
        if ((p[0] == 0xC4 && (p[1] == 0x90 || p[1] == 0x91))) {
            p++;
            continue;
        }
        return vi(LW_MSG_CHECK_OCR_CHAR);
    }
    char *f = lw_store_fold(from);
    if (!f) {
        *nomem = 1;
        return NULL;
    }
    const char *why = NULL;
    int segs = 0;
    for (char *p = f; *p && !why;) {
        size_t n = strcspn(p, "-/.&");
        if (n) {
            segs++;
            if (!known_part(o, p, n) && digit_for_letter(o, p, n))
                why = vi(LW_MSG_CHECK_OCR_DIGIT);
        }
        p += n;
        if (*p)
            p++;
    }
    if (!why && !party && segs == 1 && !strchr(f, '-')) {
        size_t n = strcspn(f, "-/.&");
        if (!known_part(o, f, n) && !known_numbered(o, f, n)) {
            /* the hyphen lost: a body's code and its unit's ("btpbttp", "snvtccc"), a type's
             * code and a body's ("khubnd", "nqhdnd"), or the same number cited with the
             * same symbol written with the hyphen elsewhere in the document (its own number
             * or another citation) */
            for (size_t k = n - 1; k >= 2 && !why; k--) {
                int head = known_part(o, f, k);
                if ((head == PART_ISSUER && n - k >= 2) || (head == PART_TYPE && known_part(o, f + k, n - k)))
                    why = vi(LW_MSG_CHECK_OCR_HYPHEN);
            }
            for (size_t k = 0; k <= d->n_refs && !why; k++) {
                const char *other = k < d->n_refs ? lw_docset_ref(ds, d->first_ref + k)->id : d->number;
                const char *os = other ? strrchr(other, '/') : NULL;
                if (os && other != id && strchr(os, '-') && same_but_hyphens(os + 1, sym + 1, nomem))
                    why = vi(LW_MSG_CHECK_OCR_HYPHEN);
            }
            /* a short code of no known body ("16/CGC", "5/CFY"): longer ones are often
             * the initials of a society or a centre, written so */
            if (!why && n <= 3)
                why = vi(LW_MSG_CHECK_OCR_BODY);
        }
    }
    free(f);
    return why;
}

lw_status lw_check_ocr_create(const lw_ruleset *rs, lw_check_ocr **out, lw_error *err)
{
    lw_check_ocr *o = calloc(1, sizeof *o);
    int bad = !o || !(o->parts = json_object());
    json_t *lists[2] = {lw_ruleset_data(rs, "symbol_parts"), lw_ruleset_data(rs, "doc_types")};
    for (int l = 0; l < 2 && !bad; l++) {
        size_t i;
        json_t *v;
        json_array_foreach(lists[l], i, v) {
            const char *t = json_is_string(v) ? json_string_value(v) : json_string_value(json_object_get(v, "code"));
            char *k = t ? lw_store_fold(t) : NULL;
            if ((t && !k) || (k && !json_object_get(o->parts, k) &&
                              json_object_set_new(o->parts, k, json_integer(l ? PART_TYPE : PART_ISSUER))))
                bad = 1;
            free(k);
        }
    }
    if (bad) {
        lw_check_ocr_free(o);
        *out = NULL;
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    *out = o;
    return LW_OK;
}

void lw_check_ocr_free(lw_check_ocr *o)
{
    if (!o)
        return;
    json_decref(o->parts);
    free(o);
}
