/* lw_extract_ctx: the helpers the fact builders of the extractor share (declared in
 * lw_extract_ctx.h): a match's groups as text, numbers and dates, warnings, paragraph bounds,
 * lookups among the raw matches, list items after a label. Below every builder: it calls
 * none of them, so the builders never reach each other through it. */
#include "lw_extract_ctx.h"

#include <stdarg.h>

#include "lw_msg.h"

/* A warning's message: the longest (a rule's match-limit error with its place) fits. */
#define LW_X_WARN_MAX 1500

lw_fact *lw_x_add_fact(ctx_t *c, lw_fact_kind kind, const lw_rule *rule, size_t s, size_t e)
{
    lw_fact *f = lw_extraction_add(c->x, kind, rule, s, e);
    if (!f)
        c->nomem = 1;
    return f;
}

const char *lw_x_word(const ctx_t *c, const char *key)
{
    return json_string_value(json_array_get(lw_ruleset_data(c->rs, key), 0));
}

size_t lw_x_opens_with_word(const ctx_t *c, size_t pos, const json_t *words)
{
    for (size_t i = 0; i < json_array_size(words); i++) {
        const char *w = json_string_value(json_array_get(words, i));
        if (!w || *w != c->text[pos])
            continue;
        size_t n = strlen(w);
        if (n && n <= c->len - pos && !memcmp(c->text + pos, w, n))
            return n;
    }
    return 0;
}

char *lw_x_dup(ctx_t *c, const char *s) { return lw_fact_strdup(s, &c->nomem); }

void lw_x_warn_text(ctx_t *c, size_t off, const char *msg)
{
    json_t *w = json_pack("{s:I,s:s}", "offset", (json_int_t)off, "message", msg);
    if (!w || json_array_append_new(c->x->warnings, w))
        c->nomem = 1;
}

void lw_x_warn(ctx_t *c, size_t off, lw_msg_id id, ...)
{
    char msg[LW_X_WARN_MAX];
    va_list ap;
    va_start(ap, id);
    lw_msg_vformat(msg, sizeof msg, id, ap);
    va_end(ap);
    lw_x_warn_text(c, off, msg);
}

char *lw_x_grp_str(const ctx_t *c, const raw_match *r, const char *name)
{
    lw_span s = grp(r, name);
    if (s.start == SIZE_MAX)
        return NULL;
    char *t = lw_text_clean(c->text + s.start, s.end - s.start);
    if (!t)
        *c->oom = 1;
    return t;
}

int lw_x_grp_int(const ctx_t *c, const raw_match *r, const char *name)
{
    lw_span s = grp(r, name);
    if (s.start == SIZE_MAX)
        return -1;
    return lw_parse_numeral(c->text + s.start, s.end - s.start);
}


int lw_x_get_date(const ctx_t *c, const raw_match *r, const char *dn, const char *mn, const char *yn,
                  lw_date *out, int *invalid)
{
    int d = lw_x_grp_int(c, r, dn), m = lw_x_grp_int(c, r, mn), y = lw_x_grp_int(c, r, yn);
    *invalid = 0;
    if (d < 0 || m < 0 || y < 0)
        return 0;
    lw_date dt = {y, m, d};
    if (!lw_date_valid(dt)) {
        *invalid = 1;
        return 0;
    }
    *out = dt;
    return 1;
}

/* Paragraph bounds, looked for at most LW_PARA_SCAN bytes away: a one-line 5 MB input must
 * not make every deadline scan the whole text (quadratic time). */
#define LW_PARA_SCAN 4096
size_t lw_x_para_start(const ctx_t *c, size_t pos)
{
    size_t lim = pos > LW_PARA_SCAN ? pos - LW_PARA_SCAN : 0;
    while (pos > lim && c->text[pos - 1] != '\n')
        pos--;
    return pos;
}

size_t lw_x_para_end(const ctx_t *c, size_t pos)
{
    size_t lim = c->len - pos > LW_PARA_SCAN ? pos + LW_PARA_SCAN : c->len;
    while (pos < lim && c->text[pos] != '\n')
        pos++;
    return pos;
}

/* The index of the first match (c->all, sorted by start) that starts at or after pos. */
size_t lw_x_first_match_at(const ctx_t *c, size_t pos)
{
    size_t lo = 0, hi = c->all.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->all.v[mid].start < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const raw_match *lw_x_first_of(const ctx_t *c, const char *kind, size_t before)
{
    for (size_t i = 0; i < c->all.n; i++) {
        const raw_match *r = &c->all.v[i];
        if (!r->dropped && kind_is(r, kind) && r->start < before)
            return r;
    }
    return NULL;
}

/* Lines after a label ("Kính gửi:", "Nơi nhận:"): the rest of the label's line if any,
 * then each following line that opens with a list mark, until one that does not. */
void lw_x_list_after(const ctx_t *c, size_t pos, size_t *end_out, lw_strv *out)
{
    lw_strv items = {0}, *arr = out ? out : &items;
    size_t n0 = arr->n;
    size_t le = lw_x_para_end(c, pos);
    char *rest = lw_text_clean(c->text + pos, le - pos);
    if (!rest) {
        *c->oom = 1;
        return;
    }
    if (rest[0]) {
        const char *p = rest;
        if (*p == '-' || *p == '+')
            p++;
        char *item = lw_text_clean(p, strlen(p));
        if (!item || (item[0] && lw_strv_push(arr, item)))
            *c->oom = 1;
        free(item);
    }
    int inline_item = rest[0] != 0;
    free(rest);
    size_t p = le;
    while (p < c->len) {
        p++; /* skip '\n' */
        size_t ls = p;
        while (ls < c->len && (c->text[ls] == ' ' || c->text[ls] == '\t'))
            ls++;
        size_t e = lw_x_para_end(c, ls);
        if (ls == e) { /* blank line: allowed between label and list, ends it after */
            if (arr->n > n0 && !inline_item)
                break;
            p = e;
            continue;
        }
        const char *t = c->text + ls;
        int mark = (*t == '-' || *t == '+' || starts_with(t, "•") || starts_with(t, "–"));
        if (!mark)
            break;
        size_t skip = starts_with(t, "•") || starts_with(t, "–") ? 3 : 1;
        char *item = lw_text_clean(t + skip, e - ls - skip);
        if (!item || (item[0] && lw_strv_push(arr, item)))
            *c->oom = 1;
        free(item);
        p = e;
        inline_item = 0;
        if (end_out)
            *end_out = e;
    }
    lw_strv_free(&items);
}

int lw_x_is_upper_line(const ctx_t *c, const char *s, size_t n)
{
    int letters = 0;
    char *up = lw_text_upper(s, n);
    if (!up)
        *c->oom = 1; /* read as not in capitals, and the extraction fails */
    int same = up && strncmp(up, s, n) == 0;
    free(up);
    for (size_t i = 0; i < n; i++)
        if (isalpha((unsigned char)s[i]) || (unsigned char)s[i] >= 0xC3)
            letters++;
    return same && letters >= 3;
}

