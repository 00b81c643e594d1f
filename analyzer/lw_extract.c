/* lw_extract: rules -> raw matches -> facts and header.
 *
 * Every rule runs over the whole normalized text; matches are grouped by kind. Within a
 * kind, overlapping matches are settled by priority, then length (the longest reading
 * wins: "hoàn thành trước ngày ..." over "trước ngày ..."). Group names are the contract
 * between rule files and this module:
 *   legal_ref: type, num, year, sym, d m y (its date), pin (pinpoint), title (law by name)
 *   date: d m y        deadline: d m y, mon, q, q2, y (year), see resolve_deadline
 *   agency: name, province, place, head (the head word of a general form: "Cục"), tinh and
 *           suffix (a level word after the name: "tỉnh", "huyện"), ministry and mhead (the
 *           ministry named after a department)
 *   header.*: see extract_header    context.year: y
 *   context.province: province       alias: alias (the short name a document defines)
 */
#include "lw_extract.h"

#include "lw_duty.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const lw_rule *rule;
    size_t start, end;
    PCRE2_SIZE *ov; /* copy of the ovector */
    uint32_t np;
    int dropped;
} raw_match;

typedef struct {
    raw_match *v;
    size_t n, cap;
} match_list;

typedef struct {
    const lw_ruleset *rs;
    const lw_lexicon *lx;
    lw_matcher *m;
    const char *text;
    size_t len;
    match_list all;
    lw_extraction *x;
    lw_date doc_date;
    int have_doc_date;
    int title_year;
    int dominant_year;
    char *own_id;          /* the document's own number as an id */
    char *province;        /* the province the document is about, title case */
    size_t header_num_start, header_num_end;
    int capped;            /* LW_EXTRACT_MAX_MATCHES reached */
} ctx_t;

/* Raw matches kept per document: a real document has a few thousand */
#define LW_EXTRACT_MAX_MATCHES 100000

/* ---- small helpers ---- */

static void warn(ctx_t *c, size_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int collect(void *ud, const lw_rule *rule, const PCRE2_SIZE *ov, uint32_t np)
{
    ctx_t *c = ud;
    if (rule->not_after) {
        /* the sentence before the match: back to a line end, ';' or ". " (at most 400 bytes) */
        size_t s = ov[0];
        size_t lim = s > 400 ? s - 400 : 0;
        while (s > lim) {
            char ch = c->text[s - 1];
            if (ch == '\n' || ch == ';' || (ch == '.' && s < c->len && c->text[s] == ' '))
                break;
            s--;
        }
        if (lw_rule_not_after_hits(c->m, rule, c->text, s, ov[0]))
            return 0;
    }
    match_list *l = &c->all;
    if (l->n >= LW_EXTRACT_MAX_MATCHES) {
        /* a document of nothing but citations: stop, say so, keep what was found */
        if (!c->capped) {
            c->capped = 1;
            warn(c, ov[0], "quá nhiều kết quả (too many matches): extraction stopped after %d; the rest of the "
                           "document has no facts", LW_EXTRACT_MAX_MATCHES);
        }
        return 1;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        raw_match *p = realloc(l->v, cap * sizeof *p);
        if (!p)
            return 1;
        l->v = p;
        l->cap = cap;
    }
    raw_match *r = &l->v[l->n++];
    r->rule = rule;
    r->start = ov[0];
    r->end = ov[1];
    r->np = np;
    r->ov = malloc(2 * np * sizeof *r->ov);
    memcpy(r->ov, ov, 2 * np * sizeof *ov);
    r->dropped = 0;
    return 0;
}

static lw_span grp(const raw_match *r, const char *name)
{
    return lw_rule_group(r->rule, r->ov, r->np, name);
}

static int has(const raw_match *r, const char *name) { return grp(r, name).start != SIZE_MAX; }

static char *grp_str(const ctx_t *c, const raw_match *r, const char *name)
{
    lw_span s = grp(r, name);
    if (s.start == SIZE_MAX)
        return NULL;
    return lw_text_clean(c->text + s.start, s.end - s.start);
}

static int grp_int(const ctx_t *c, const raw_match *r, const char *name)
{
    lw_span s = grp(r, name);
    if (s.start == SIZE_MAX)
        return -1;
    return lw_parse_numeral(c->text + s.start, s.end - s.start);
}

static const char *set_str(const raw_match *r, const char *k)
{
    json_t *v = json_object_get(r->rule->set, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int kind_is(const raw_match *r, const char *k) { return !strcmp(r->rule->kind, k); }

static int starts_with(const char *s, const char *p) { return !strncmp(s, p, strlen(p)); }

static void warn(ctx_t *c, size_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void warn(ctx_t *c, size_t off, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_array_append_new(c->x->warnings, json_pack("{s:I,s:s}", "offset", (json_int_t)off, "message", msg));
}

static lw_fact *add_fact(ctx_t *c, const char *kind, const lw_rule *rule, size_t s, size_t e, json_t *fields)
{
    return lw_extraction_add(c->x, kind, rule, s, e, fields);
}

lw_fact *lw_extraction_add(lw_extraction *x, const char *kind, const lw_rule *rule, size_t s, size_t e, json_t *fields)
{
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 64;
        lw_fact *p = realloc(x->facts, cap * sizeof *p);
        if (!p) {
            json_decref(fields);
            return NULL;
        }
        x->facts = p;
        x->cap = cap;
    }
    lw_fact *f = &x->facts[x->n++];
    f->kind = kind;
    f->rule = rule;
    f->start = s;
    f->end = e;
    f->fields = fields;
    return f;
}

static int cmp_match(const void *a, const void *b)
{
    const raw_match *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end > y->end ? -1 : 1;
    return strcmp(x->rule->id, y->rule->id);
}

/* Among matches of one kind (prefix), drop those overlapping a better one. */
static void settle_overlaps(ctx_t *c, const char *kind)
{
    raw_match *v = c->all.v;
    size_t n = c->all.n;
    for (size_t i = 0; i < n; i++) {
        if (v[i].dropped || !kind_is(&v[i], kind))
            continue;
        for (size_t j = i + 1; j < n && v[j].start < v[i].end; j++) {
            if (v[j].dropped || !kind_is(&v[j], kind))
                continue;
            raw_match *a = &v[i], *b = &v[j];
            int pa = a->rule->priority, pb = b->rule->priority;
            size_t la = a->end - a->start, lb = b->end - b->start;
            if (pa > pb || (pa == pb && la >= lb)) {
                b->dropped = 1;
            } else {
                a->dropped = 1;
                break;
            }
        }
    }
}

static int get_date(const ctx_t *c, const raw_match *r, const char *dn, const char *mn, const char *yn,
                    lw_date *out, int *invalid)
{
    int d = grp_int(c, r, dn), m = grp_int(c, r, mn), y = grp_int(c, r, yn);
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

/* ---- context: years and provinces ---- */

typedef struct {
    size_t pos;
    int year;
} year_at;

/* Paragraph bounds, looked for at most LW_PARA_SCAN bytes away: a one-line 5 MB input must
 * not make every deadline scan the whole text (quadratic time). */
#define LW_PARA_SCAN 4096
static size_t para_start(const ctx_t *c, size_t pos)
{
    size_t lim = pos > LW_PARA_SCAN ? pos - LW_PARA_SCAN : 0;
    while (pos > lim && c->text[pos - 1] != '\n')
        pos--;
    return pos;
}

static size_t para_end(const ctx_t *c, size_t pos)
{
    size_t lim = c->len - pos > LW_PARA_SCAN ? pos + LW_PARA_SCAN : c->len;
    while (pos < lim && c->text[pos] != '\n')
        pos++;
    return pos;
}

/* The index of the first match (c->all, sorted by start) that starts at or after pos. */
static size_t first_match_at(const ctx_t *c, size_t pos)
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

/* The year for a date expression without one: the paragraph's, else the title's, else
 * the document date's, else the year the document mentions most. 0 when none. */
static int context_year(const ctx_t *c, size_t pos)
{
    size_t ps = para_start(c, pos), pe = para_end(c, pos);
    int best = 0;
    size_t bestd = SIZE_MAX;
    /* c->all is sorted by start: look at the paragraph's matches only (a deadline per
     * paragraph of a huge input must not scan every match) */
    for (size_t i = first_match_at(c, ps); i < c->all.n && c->all.v[i].start <= pe; i++) {
        const raw_match *r = &c->all.v[i];
        if (!kind_is(r, "context.year") || r->start < ps || r->end > pe)
            continue;
        int y = grp_int(c, r, "y");
        size_t d = r->start > pos ? r->start - pos : pos - r->start;
        if (y >= 1900 && d < bestd) {
            best = y;
            bestd = d;
        }
    }
    if (best)
        return best;
    if (c->title_year)
        return c->title_year;
    if (c->have_doc_date)
        return c->doc_date.y;
    return c->dominant_year;
}

static void compute_context(ctx_t *c)
{
    /* the dominant year and the dominant province */
    int years[300] = {0};
    json_t *prov = json_object();
    for (size_t i = 0; i < c->all.n; i++) {
        const raw_match *r = &c->all.v[i];
        if (kind_is(r, "context.year")) {
            int y = grp_int(c, r, "y");
            if (y >= 1900 && y < 2200)
                years[y - 1900]++;
        } else if (kind_is(r, "context.province") || (kind_is(r, "agency") && has(r, "province"))) {
            lw_span s = grp(r, "province");
            char *t = lw_text_title_case(c->text + s.start, s.end - s.start);
            json_int_t n = json_integer_value(json_object_get(prov, t));
            json_object_set_new(prov, t, json_integer(n + 1));
            free(t);
        }
    }
    int by = 0;
    for (int i = 0; i < 300; i++)
        if (years[i] > (by ? years[by - 1900] : 0))
            by = 1900 + i;
    c->dominant_year = by;
    const char *k;
    json_t *v;
    json_int_t bn = 0;
    json_object_foreach(prov, k, v) {
        if (json_integer_value(v) > bn) {
            bn = json_integer_value(v);
            free(c->province);
            c->province = strdup(k);
        }
    }
    json_decref(prov);
}

/* ---- header ---- */

static const raw_match *first_of(const ctx_t *c, const char *kind, size_t before)
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
static json_t *list_after(const ctx_t *c, size_t pos, size_t *end_out)
{
    json_t *arr = json_array();
    size_t le = para_end(c, pos);
    char *rest = lw_text_clean(c->text + pos, le - pos);
    if (rest[0]) {
        const char *p = rest;
        if (*p == '-' || *p == '+')
            p++;
        char *item = lw_text_clean(p, strlen(p));
        if (item[0])
            json_array_append_new(arr, json_string(item));
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
        size_t e = para_end(c, ls);
        if (ls == e) { /* blank line: allowed between label and list, ends it after */
            if (json_array_size(arr) && !inline_item)
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
        if (item[0])
            json_array_append_new(arr, json_string(item));
        free(item);
        p = e;
        inline_item = 0;
        if (end_out)
            *end_out = e;
    }
    return arr;
}

static int is_upper_line(const char *s, size_t n)
{
    int letters = 0;
    char *up = lw_text_upper(s, n);
    int same = up && strncmp(up, s, n) == 0;
    free(up);
    for (size_t i = 0; i < n; i++)
        if (isalpha((unsigned char)s[i]) || (unsigned char)s[i] >= 0xC3)
            letters++;
    return same && letters >= 3;
}

/* A person's name: 2 to 6 words, each opening with an upper-case letter, not all caps. */
static int is_name_line(const char *s, size_t n)
{
    char *t = lw_text_clean(s, n);
    int words = 0, ok = t[0] != 0;
    char *save = NULL;
    for (char *w = strtok_r(t, " ", &save); w && ok; w = strtok_r(NULL, " ", &save)) {
        words++;
        char *u = lw_text_upper(w, strlen(w));
        size_t cl = 1;
        while (w[cl] && ((unsigned char)w[cl] & 0xC0) == 0x80)
            cl++;
        if (strncmp(u, w, cl) != 0 || strchr(w, '.') || strchr(w, ':') || isdigit((unsigned char)w[0]))
            ok = 0;
        free(u);
    }
    free(t);
    return ok && words >= 2 && words <= 6 && !is_upper_line(s, n);
}

static void extract_signer(ctx_t *c, json_t *h)
{
    /* the last run of authority lines (TM./KT./TL./TUQ.) */
    const raw_match *last = NULL, *first = NULL;
    for (size_t i = 0; i < c->all.n; i++) {
        const raw_match *r = &c->all.v[i];
        if (!kind_is(r, "header.authority"))
            continue;
        if (last && r->start > last->end + 2)
            first = r;
        if (!first)
            first = r;
        last = r;
    }
    if (!last)
        return;
    lw_buf auth = {0};
    for (size_t i = 0; i < c->all.n; i++) {
        const raw_match *r = &c->all.v[i];
        if (!kind_is(r, "header.authority") || r->start < first->start || r->start > last->start)
            continue;
        char *a = lw_text_clean(c->text + r->start, r->end - r->start);
        if (auth.len)
            lw_buf_append(&auth, " ", 1);
        lw_buf_append(&auth, a, strlen(a));
        free(a);
    }
    json_t *sg = json_object();
    json_object_set_new(sg, "authority", json_string(auth.data ? auth.data : ""));
    lw_buf_free(&auth);
    json_object_set_new(sg, "position", json_null());
    json_object_set_new(sg, "name", json_null());
    /* then: the position (a line in capitals), then the name */
    size_t p = para_end(c, last->end);
    int lines = 0;
    while (p < c->len && lines < 12) {
        p++;
        size_t ls = p, e = para_end(c, p);
        p = e;
        while (ls < e && c->text[ls] == ' ')
            ls++;
        if (ls == e)
            continue;
        lines++;
        const char *t = c->text + ls;
        size_t n = e - ls;
        if (json_is_null(json_object_get(sg, "position")) && json_is_null(json_object_get(sg, "name")) &&
            is_upper_line(t, n)) {
            char *pos = lw_text_clean(t, n);
            json_object_set_new(sg, "position", json_string(pos));
            free(pos);
            continue;
        }
        if (is_name_line(t, n)) {
            char *nm = lw_text_clean(t, n);
            json_object_set_new(sg, "name", json_string(nm));
            free(nm);
            break;
        }
    }
    json_object_set_new(h, "signer", sg);
}

static char *number_of(ctx_t *c, const raw_match *r, const char **sym_type)
{
    char *num = grp_str(c, r, "num");
    lw_span ss = grp(r, "sym");
    if (!num || ss.start == SIZE_MAX) {
        free(num);
        return NULL;
    }
    char *sym = lw_lexicon_symbol(c->lx, c->text + ss.start, ss.end - ss.start);
    int year = grp_int(c, r, "year");
    char *id = lw_make_id(num, year, sym, set_str(r, "form") && !strcmp(set_str(r, "form"), "party"));
    if (sym_type) {
        *sym_type = lw_lexicon_type_of_symbol(c->lx, sym);
        if (!*sym_type)
            *sym_type = "Công văn"; /* a symbol without a type code ("UBND-NC") is a letter's */
    }
    free(num);
    free(sym);
    return id;
}

static void extract_header(ctx_t *c)
{
    json_t *h = c->x->header;
    size_t zone = c->len < 3000 ? c->len : 3000;
    /* number */
    const raw_match *num = first_of(c, "header.number", zone);
    const char *num_type = NULL;
    if (num) {
        char *id = number_of(c, num, &num_type);
        if (id) {
            json_object_set_new(h, "number", json_string(id));
            c->own_id = id;
            c->header_num_start = num->start;
            c->header_num_end = num->end;
        }
    }
    /* place and date */
    const raw_match *pd = first_of(c, "header.place_date", zone);
    if (pd) {
        lw_date d;
        int bad;
        char *place = grp_str(c, pd, "place");
        if (place)
            json_object_set_new(h, "place", json_string(place));
        free(place);
        if (get_date(c, pd, "d", "m", "y", &d, &bad)) {
            char iso[11];
            json_object_set_new(h, "date", json_string(lw_date_iso(d, iso)));
            c->doc_date = d;
            c->have_doc_date = 1;
        } else if (bad) {
            warn(c, pd->start, "ngày ban hành không hợp lệ (impossible date in the header)");
        }
    }
    /* kind: the best-priority candidate; the number's symbol is one candidate */
    const char *kind = NULL;
    int kprio = -1;
    size_t kpos = SIZE_MAX;
    for (size_t i = 0; i < c->all.n; i++) {
        const raw_match *r = &c->all.v[i];
        if (!starts_with(r->rule->kind, "header.kind"))
            continue;
        const char *k = set_str(r, "kind");
        if (has(r, "type")) {
            lw_span s = grp(r, "type");
            k = lw_lexicon_type(c->lx, c->text + s.start, s.end - s.start);
        }
        if (!k)
            continue;
        int p = r->rule->priority;
        if (p > kprio || (p == kprio && r->start < kpos)) {
            kind = k;
            kprio = p;
            kpos = r->start;
        }
    }
    if (num_type && kprio < 80)
        kind = num_type;
    json_object_set_new(h, "kind", kind ? json_string(kind) : json_null());
    /* subject */
    const raw_match *sub = first_of(c, "header.subject", zone);
    if (sub) {
        char *s = grp_str(c, sub, "subject");
        if (s && s[0])
            json_object_set_new(h, "subject", json_string(s));
        free(s);
        /* the title's year bounds quarters and months that give none */
        for (size_t i = 0; i < c->all.n; i++) {
            const raw_match *r = &c->all.v[i];
            if (kind_is(r, "context.year") && r->start >= sub->start && r->end <= sub->end)
                c->title_year = grp_int(c, r, "y");
        }
    }
    /* recipients and distribution */
    const raw_match *kg = first_of(c, "header.recipients", c->len);
    if (kg)
        json_object_set_new(h, "recipients", list_after(c, kg->end, NULL));
    const raw_match *nn = NULL;
    for (size_t i = 0; i < c->all.n; i++)
        if (kind_is(&c->all.v[i], "header.distribution"))
            nn = &c->all.v[i]; /* the last one: "Nơi nhận" closes the document */
    if (nn)
        json_object_set_new(h, "distribution", list_after(c, nn->end, NULL));
    extract_signer(c, h);
}

/* The issuer: the first agency in the header zone (before the number, the place and
 * date, "Kính gửi" and the national motto), else the body the signer signs for. */
static void extract_issuer(ctx_t *c)
{
    json_t *h = c->x->header;
    size_t zone = c->len < 800 ? c->len : 800;
    const char *stops[] = {"header.number", "header.place_date", "header.recipients", "header.motto"};
    for (size_t k = 0; k < 4; k++) {
        const raw_match *r = first_of(c, stops[k], zone);
        if (r && r->start < zone)
            zone = r->start;
    }
    /* the motto may stand before the issuer in a two-column header flattened by OCR */
    const lw_fact *best = NULL, *sub_joined = NULL;
    for (size_t i = 0; i < c->x->n; i++) {
        const lw_fact *f = &c->x->facts[i];
        if (strcmp(f->kind, "agency") || f->start >= zone)
            continue;
        /* a header names its issuer on a line of its own, near the top */
        size_t ls = para_start(c, f->start), nl = 0;
        for (size_t k = 0; k < ls; k++)
            nl += c->text[k] == '\n' && k + 1 < ls && c->text[k + 1] != '\n';
        int alone = 1;
        for (size_t k = ls; k < f->start; k++)
            if (!strchr(" \t*_", c->text[k]))
                alone = 0;
        /* what follows on the line: nothing but markup and a rule ("-------"), or the
         * subordinate's name when unwrapping joined the two header lines ("UBND TỈNH CAO
         * BẰNG SỞ TƯ PHÁP") */
        size_t k = f->end;
        while (k < c->len && strchr(" \t*_", c->text[k]))
            k++;
        const lw_fact *joined = NULL;
        if (k < c->len && c->text[k] != '\n' && c->text[k] != '-' && i + 1 < c->x->n &&
            !strcmp(c->x->facts[i + 1].kind, "agency") && c->x->facts[i + 1].start == k &&
            is_upper_line(c->text + f->start, f->end - f->start) &&
            is_upper_line(c->text + k, c->x->facts[i + 1].end - k)) {
            joined = &c->x->facts[i + 1];
            k = joined->end;
        }
        /* a two-column header flattened by OCR: "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA
         * VIỆT NAM": the motto's column follows the issuer on its line */
        const raw_match *motto = first_of(c, "header.motto", c->len);
        int motto_next = motto && motto->start >= k;
        for (size_t j = k; motto_next && j < motto->start; j++)
            if (!strchr(" \t*_-", c->text[j]))
                motto_next = 0;
        if (motto_next && motto->start < c->len && c->text[motto->start] != '\n') {
            size_t e = motto->start;
            while (e < c->len && c->text[e] != '\n')
                e++;
            k = e;
        }
        for (; k < c->len && c->text[k] != '\n'; k++)
            if (!strchr(" \t*_-", c->text[k]))
                alone = 0;
        if (!alone || nl > 12)
            continue;
        best = f;
        sub_joined = joined;
        break;
    }
    /* "UBND TỈNH LÂM ĐỒNG" over "SỞ TƯ PHÁP": the line below the parent names the issuer */
    const lw_fact *sub = sub_joined;
    if (best && !sub) {
        size_t k = best->end;
        while (k < zone && c->text[k] != '\n')
            k++;
        while (k < zone && strchr(" \t\n*_", c->text[k]))
            k++;
        for (size_t i = 0; i < c->x->n && k < zone; i++) {
            const lw_fact *f = &c->x->facts[i];
            if (strcmp(f->kind, "agency") || f->start < k)
                continue;
            size_t e = f->end;
            while (e < c->len && strchr(" \t*_", c->text[e]))
                e++;
            int own_line = 1;
            for (size_t j = k; j < f->start; j++)
                if (!strchr(" \t*_", c->text[j]))
                    own_line = 0;
            if (own_line && f->start < zone && (e == c->len || c->text[e] == '\n') &&
                is_upper_line(c->text + f->start, f->end - f->start))
                sub = f;
            break;
        }
    }
    if (sub) {
        const char *pname = json_string_value(json_object_get(best->fields, "name"));
        const char *sname = json_string_value(json_object_get(sub->fields, "name"));
        const char *suffix = NULL;
        /* the subordinate's name takes the parent committee's place: "Sở Tư pháp tỉnh Lâm Đồng" */
        if (pname && sname && starts_with(pname, "Ủy ban nhân dân ") && !starts_with(sname, "Ủy ban nhân dân") &&
            json_is_null(json_object_get(sub->fields, "province")) && strchr(pname + strlen("Ủy ban nhân dân "), ' '))
            suffix = pname + strlen("Ủy ban nhân dân ");
        char buf[600];
        snprintf(buf, sizeof buf, "%s%s%s", sname ? sname : "", suffix ? " " : "", suffix ? suffix : "");
        json_object_set_new(h, "issuer", json_string(buf));
        return;
    }
    if (!best) {
        json_t *sg = json_object_get(h, "signer");
        const char *auth = json_string_value(json_object_get(sg, "authority"));
        if (auth && (starts_with(auth, "TM.") || starts_with(auth, "TM "))) {
            for (size_t i = 0; i < c->all.n && !best; i++) {
                const raw_match *r = &c->all.v[i];
                if (!kind_is(r, "header.authority"))
                    continue;
                size_t k = r->start;
                while (k < r->end && strchr(" \t\n*_", c->text[k]))
                    k++;
                if (strncmp(c->text + k, "TM", 2))
                    continue;
                for (size_t j = 0; j < c->x->n; j++) {
                    const lw_fact *f = &c->x->facts[j];
                    if (!strcmp(f->kind, "agency") && f->start >= r->start && f->end <= r->end) {
                        best = f;
                        break;
                    }
                }
            }
        }
    }
    if (!best)
        return;
    const char *name = json_string_value(json_object_get(best->fields, "name"));
    const char *scope = json_string_value(json_object_get(best->rule->set, "scope"));
    if (scope && c->province && json_is_null(json_object_get(best->fields, "province"))) {
        /* "ỦY BAN NHÂN DÂN" under TM.: the province's, named elsewhere in the document */
        char buf[512];
        snprintf(buf, sizeof buf, "%s %s %s", name, scope, c->province);
        json_object_set_new(h, "issuer", json_string(buf));
    } else {
        json_object_set_new(h, "issuer", json_string(name));
    }
}

/* ---- facts ---- */

static void build_legal_refs(ctx_t *c)
{
    for (size_t i = 0; i < c->all.n; i++) {
        raw_match *r = &c->all.v[i];
        if (r->dropped || !kind_is(r, "legal_ref"))
            continue;
        if (c->header_num_end > c->header_num_start && r->start < c->header_num_end &&
            r->end > c->header_num_start)
            continue; /* the document's own number is header, not a reference */
        json_t *f = json_object();
        const char *type = set_str(r, "type");
        lw_span ts = grp(r, "type");
        if (ts.start != SIZE_MAX) {
            const char *t = lw_lexicon_type(c->lx, c->text + ts.start, ts.end - ts.start);
            if (t)
                type = t;
        }
        char *num = grp_str(c, r, "num");
        int year = grp_int(c, r, "year");
        lw_span ss = grp(r, "sym");
        char *sym = ss.start != SIZE_MAX ? lw_lexicon_symbol(c->lx, c->text + ss.start, ss.end - ss.start) : NULL;
        if (!type && sym)
            type = lw_lexicon_type_of_symbol(c->lx, sym);
        if (!type && sym)
            type = "Công văn";
        int party = set_str(r, "form") && !strcmp(set_str(r, "form"), "party");
        char *id = (num && sym) ? lw_make_id(num, year, sym, party) : NULL;
        json_object_set_new(f, "type", type ? json_string(type) : json_null());
        if (num) {
            const char *n = num;
            while (*n == '0' && isdigit((unsigned char)n[1]))
                n++;
            json_object_set_new(f, "number", json_string(n));
        } else {
            json_object_set_new(f, "number", json_null());
        }
        json_object_set_new(f, "year", year > 0 ? json_integer(year) : json_null());
        json_object_set_new(f, "symbol", sym ? json_string(sym) : json_null());
        json_object_set_new(f, "id", id ? json_string(id) : json_null());
        char *title = grp_str(c, r, "title");
        json_object_set_new(f, "title", title ? json_string(title) : json_null());
        free(title);
        lw_date d;
        int bad;
        if (get_date(c, r, "d", "m", "y", &d, &bad)) {
            char iso[11];
            json_object_set_new(f, "date", json_string(lw_date_iso(d, iso)));
            if (year > 0 && year != d.y && !party)
                json_object_set_new(f, "year_mismatch", json_true());
        } else {
            json_object_set_new(f, "date", json_null());
            if (bad)
                warn(c, r->start, "ngày không hợp lệ trong trích dẫn văn bản (impossible date in a reference)");
        }
        char *pin = grp_str(c, r, "pin");
        json_object_set_new(f, "pinpoint", pin ? json_string(pin) : json_null());
        free(pin);
        add_fact(c, "legal_ref", r->rule, r->start, r->end, f);
        free(num);
        free(sym);
        free(id);
    }
}

/* "(sau đây gọi tắt là X)": later mentions of X are the reference just before it. */
static void resolve_aliases(ctx_t *c)
{
    size_t nfacts = c->x->n;
    for (size_t i = 0; i < c->all.n; i++) {
        raw_match *r = &c->all.v[i];
        if (!kind_is(r, "alias"))
            continue;
        lw_span as = grp(r, "alias");
        if (as.start == SIZE_MAX || as.end - as.start < 2)
            continue;
        /* the reference it names: the last legal_ref with an id before the alias */
        json_t *target = NULL; /* fields of the target; held by reference: add_fact moves facts */
        for (size_t k = 0; k < nfacts; k++) {
            const lw_fact *f = &c->x->facts[k];
            if (!strcmp(f->kind, "legal_ref") && f->end <= r->start && json_is_string(json_object_get(f->fields, "id")))
                target = f->fields;
        }
        if (!target)
            continue;
        json_incref(target);
        size_t alen = as.end - as.start;
        const char *alias = c->text + as.start;
        /* an alias that is itself a full reference is found by the reference rules */
        int covered = 0;
        for (size_t k = 0; k < nfacts; k++) {
            const lw_fact *f = &c->x->facts[k];
            if (!strcmp(f->kind, "legal_ref") && f->start <= as.start && f->end >= as.end)
                covered = 1;
        }
        if (covered) {
            json_decref(target);
            continue;
        }
        for (const char *p = c->text + as.end; (p = strstr(p, "")) && p < c->text + c->len;) {
            const char *hit = NULL;
            for (const char *q = p; q + alen <= c->text + c->len; q++) {
                if (!strncasecmp(q, alias, alen)) {
                    hit = q;
                    break;
                }
            }
            if (!hit)
                break;
            size_t hs = (size_t)(hit - c->text), he = hs + alen;
            int inside = 0;
            for (size_t k = 0; k < nfacts; k++) {
                const lw_fact *f = &c->x->facts[k];
                if (!strcmp(f->kind, "legal_ref") && f->start < he && f->end > hs)
                    inside = 1;
            }
            if (!inside) {
                json_t *f = json_deep_copy(target);
                json_object_set_new(f, "alias", json_true());
                add_fact(c, "legal_ref", r->rule, hs, he, f);
            }
            p = hit + alen;
        }
        json_decref(target);
    }
}

static int cmp_fact(const void *a, const void *b)
{
    const lw_fact *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return strcmp(x->kind, y->kind);
}

static const char *ref_id(const lw_fact *f)
{
    return json_string_value(json_object_get(f->fields, "id"));
}

static int crosses(const ctx_t *c, size_t a, size_t b, const char *stops)
{
    for (size_t i = a; i < b && i < c->len; i++)
        if (strchr(stops, c->text[i]))
            return 1;
    return 0;
}

static void add_relation(ctx_t *c, const raw_match *r, const char *type, const char *from, const char *to,
                         json_t *seen)
{
    if (!to || (from && !strcasecmp(from, to)))
        return;
    char key[600];
    snprintf(key, sizeof key, "%s|%s|%s", type, from ? from : "", to);
    if (json_object_get(seen, key))
        return;
    json_object_set_new(seen, key, json_true());
    json_t *f = json_pack("{s:s,s:o,s:s}", "type", type, "from", from ? json_string(from) : json_null(), "to", to);
    add_fact(c, "relation", r->rule, r->start, r->end, f);
}

/* The index of the first fact (x->facts, sorted by start) that starts at or after pos. */
static size_t first_fact_at(const lw_extraction *x, size_t pos)
{
    size_t lo = 0, hi = x->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x->facts[mid].start < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void build_relations(ctx_t *c)
{
    size_t nref = c->x->n;
    /* the facts are sorted by start: a relation looks only at the references that can be
     * within reach of it (the longest reference bounds how early one can start), so that
     * a huge input with many relations stays linear */
    size_t maxlen = 0;
    for (size_t k = 0; k < nref; k++)
        if (!strcmp(c->x->facts[k].kind, "legal_ref") && c->x->facts[k].end - c->x->facts[k].start > maxlen)
            maxlen = c->x->facts[k].end - c->x->facts[k].start;
    json_t *seen = json_object();
    for (size_t i = 0; i < c->all.n; i++) {
        const raw_match *r = &c->all.v[i];
        if (r->dropped || !kind_is(r, "relation"))
            continue;
        const char *type = set_str(r, "type");
        const char *dir = set_str(r, "direction");
        if (!type)
            continue;
        const lw_fact *prev = NULL, *next = NULL;
        size_t lo = r->start > 300 + maxlen ? r->start - 300 - maxlen : 0;
        for (size_t k = first_fact_at(c->x, lo); k < nref && c->x->facts[k].start < r->end + 120; k++) {
            const lw_fact *f = &c->x->facts[k];
            if (strcmp(f->kind, "legal_ref") || !ref_id(f))
                continue;
            if (f->end <= r->start && r->start - f->end < 300 && !crosses(c, f->end, r->start, "\n;"))
                prev = f;
            if (!next && f->start >= r->end && f->start - r->end < 120 && !crosses(c, r->end, f->start, "\n;"))
                next = f;
        }
        if (dir && !strcmp(dir, "document")) {
            /* "Căn cứ ...", "Thực hiện ...": the document implements every reference of
             * the paragraph that opens right after the trigger */
            if (!next || next->start - r->end > 40)
                continue;
            size_t pe = para_end(c, r->end);
            for (size_t k = first_fact_at(c->x, r->end); k < nref && c->x->facts[k].start < pe; k++) {
                const lw_fact *f = &c->x->facts[k];
                if (!strcmp(f->kind, "legal_ref") && ref_id(f) && f->start >= r->end && f->end <= pe)
                    add_relation(c, r, type, c->own_id, ref_id(f), seen);
            }
        } else if (dir && !strcmp(dir, "passive")) {
            if (prev && next)
                add_relation(c, r, type, ref_id(next), ref_id(prev), seen);
        } else if (dir && !strcmp(dir, "to_only")) {
            if (next)
                add_relation(c, r, type, NULL, ref_id(next), seen);
        } else if (prev && next) {
            add_relation(c, r, type, ref_id(prev), ref_id(next), seen);
        }
    }
    json_decref(seen);
}

static void build_dates(ctx_t *c)
{
    for (size_t i = 0; i < c->all.n; i++) {
        const raw_match *r = &c->all.v[i];
        if (r->dropped || !kind_is(r, "date"))
            continue;
        lw_date d;
        int bad;
        if (get_date(c, r, "d", "m", "y", &d, &bad)) {
            char iso[11];
            add_fact(c, "date", r->rule, r->start, r->end, json_pack("{s:s}", "value", lw_date_iso(d, iso)));
        } else if (bad) {
            char *t = lw_text_clean(c->text + r->start, r->end - r->start);
            warn(c, r->start, "ngày không tồn tại: \"%s\" (impossible date, not used)", t);
            free(t);
        }
    }
}

static void put_interval(json_t *f, lw_date from, int has_from, lw_date to, const char *precision, const char *qual)
{
    char a[11], b[11];
    json_object_set_new(f, "from", has_from ? json_string(lw_date_iso(from, a)) : json_null());
    json_object_set_new(f, "to", json_string(lw_date_iso(to, b)));
    json_object_set_new(f, "precision", json_string(precision));
    json_object_set_new(f, "qualifier", json_string(qual));
}

static void build_deadlines(ctx_t *c)
{
    for (size_t i = 0; i < c->all.n; i++) {
        const raw_match *r = &c->all.v[i];
        if (r->dropped || !kind_is(r, "deadline"))
            continue;
        const char *how = r->rule->resolve;
        const char *qual = set_str(r, "qualifier");
        json_t *f = json_object();
        lw_date d, from = {0, 0, 0};
        int bad = 0, ok = 0;
        int year = grp_int(c, r, "y");
        if (year < 1900)
            year = context_year(c, r->start);
        if (!strcmp(how, "deadline.before") || !strcmp(how, "deadline.by")) {
            int dated = get_date(c, r, "d", "m", "y", &d, &bad);
            if (!dated && !bad && !has(r, "y") && year > 0) {
                /* "trước ngày 15/11": the year of the context */
                lw_date t = {year, grp_int(c, r, "m"), grp_int(c, r, "d")};
                if (lw_date_valid(t))
                    d = t, dated = 1;
                else
                    bad = 1;
            }
            if (has(r, "yearly"))
                qual = "recurring";
            if (dated) {
                int before = !strcmp(how, "deadline.before");
                lw_date to = before ? lw_date_add_days(d, -1) : d;
                int hf = c->have_doc_date && lw_date_cmp(c->doc_date, to) <= 0;
                put_interval(f, c->doc_date, hf, to, "day", qual ? qual : (before ? "before" : "by"));
                ok = 1;
            }
        } else if (!strcmp(how, "deadline.month")) {
            int m = grp_int(c, r, "mon");
            /* a range "từ tháng 4 (năm 2024) đến tháng 10 năm 2025" starts at its first month */
            int m0 = grp_int(c, r, "mon0"), y0 = grp_int(c, r, "y0");
            if (y0 < 1900)
                y0 = m0 > m ? year - 1 : year;
            if (m >= 1 && m <= 12 && year && (m0 < 0 || (m0 >= 1 && m0 <= 12 && (y0 < year || m0 <= m)))) {
                lw_date a = {m0 > 0 ? y0 : year, m0 > 0 ? m0 : m, 1}, b = {year, m, lw_days_in_month(year, m)};
                put_interval(f, a, 1, b, "month", qual ? qual : "during");
                ok = 1;
            }
        } else if (!strcmp(how, "deadline.quarter")) {
            int q = grp_int(c, r, "q"), q2 = grp_int(c, r, "q2");
            if (q2 < 0)
                q2 = q;
            if (q >= 1 && q <= 4 && q2 >= q && q2 <= 4 && year) {
                lw_date a = {year, 3 * q - 2, 1}, b = {year, 3 * q2, lw_days_in_month(year, 3 * q2)};
                put_interval(f, a, 1, b, "quarter", qual ? qual : "during");
                ok = 1;
            } else if (q > 4 || q2 > 4) {
                warn(c, r->start, "quý không tồn tại (there is no such quarter)");
            }
        } else if (!strcmp(how, "deadline.half")) {
            const char *half = set_str(r, "half");
            if (year) {
                int second = half && !strcmp(half, "second");
                lw_date a = {year, second ? 7 : 1, 1}, b = {year, second ? 12 : 6, second ? 31 : 30};
                put_interval(f, a, 1, b, "half", qual ? qual : "during");
                ok = 1;
            }
        } else if (!strcmp(how, "deadline.year")) {
            if (year) {
                lw_date a = {year, 1, 1}, b = {year, 12, 31};
                const char *prec = set_str(r, "precision");
                put_interval(f, a, 1, b, prec ? prec : "year", qual ? qual : "during");
                ok = 1;
            }
        }
        (void)from;
        if (bad)
            warn(c, r->start, "ngày không tồn tại trong thời hạn (impossible date in a deadline)");
        if (!ok) {
            json_decref(f);
            continue;
        }
        add_fact(c, "deadline", r->rule, r->start, r->end, f);
    }
}

/* A place group as written; in capitals ("HUYỆN CHÂU THÀNH") it becomes the unit word in
 * lower case and the name in title case ("huyện Châu Thành"). Owned. */
static char *place_name(const ctx_t *c, lw_span pl)
{
    char *p = lw_text_clean(c->text + pl.start, pl.end - pl.start);
    if (!p || !is_upper_line(p, strlen(p)))
        return p;
    char *low = lw_text_fold_case(p, strlen(p));
    free(p);
    if (!low)
        return NULL;
    json_t *words = lw_ruleset_data(c->rs, "admin_unit_words");
    size_t unit_len = 0, i;
    json_t *w;
    json_array_foreach(words, i, w) {
        const char *u = json_string_value(w);
        size_t n = u ? strlen(u) : 0;
        if (n > unit_len && !strncmp(low, u, n) && low[n] == ' ')
            unit_len = n;
    }
    char *rest = lw_text_title_case(low + unit_len, strlen(low + unit_len));
    lw_buf b = {0};
    lw_buf_append(&b, low, unit_len);
    lw_buf_printf(&b, "%s%s", unit_len && rest && rest[0] != ' ' ? " " : "", rest ? rest : "");
    free(rest);
    free(low);
    return lw_buf_detach(&b, NULL);
}

/* The key names of bodies are compared by: no case, no diacritics, only letters and digits,
 * and "và" left out ("Văn hóa - Thể thao và Du lịch" is "Văn hóa, Thể thao và Du lịch";
 * "Tài nguyên Môi trường" is "Tài nguyên và Môi trường"). Owned, NULL when out of memory. */
static char *agency_key(const char *s)
{
    char *f = lw_text_fold_all(s, strlen(s));
    if (!f)
        return NULL;
    size_t w = 0, i = 0;
    while (f[i]) {
        if (!isalnum((unsigned char)f[i])) {
            i++;
            continue;
        }
        size_t st = i;
        while (f[i] && isalnum((unsigned char)f[i]))
            i++;
        if (i - st == 2 && f[st] == 'v' && f[st + 1] == 'a')
            continue;
        memmove(f + w, f + st, i - st);
        w += i - st;
    }
    f[w] = '\0';
    return f;
}

/* The entry of the string list `list` (a data section) whose key equals s's, or NULL. */
static const char *agency_lookup(const ctx_t *c, const char *list, const char *s)
{
    char *key = agency_key(s);
    const char *hit = NULL;
    size_t i;
    json_t *v;
    json_array_foreach(lw_ruleset_data(c->rs, list), i, v) {
        const char *cn = json_string_value(v);
        char *ck = cn && key ? agency_key(cn) : NULL;
        int same = ck && !strcmp(ck, key);
        free(ck);
        if (same) {
            hit = cn;
            break;
        }
    }
    free(key);
    return hit;
}

/* A name's words with agency_abbrev written out ("Hội LHPN" -> "Hội Liên hiệp Phụ nữ") and
 * dashes made hyphens between spaces ("Văn hóa – Xã hội" -> "Văn hóa - Xã hội"). Owned. */
static char *agency_expand(const ctx_t *c, const char *s)
{
    json_t *abbr = lw_ruleset_data(c->rs, "agency_abbrev");
    lw_buf b = {0};
    const char *p = s;
    while (*p) {
        const char *w = p;
        while (*p && *p != ' ')
            p++;
        size_t n = (size_t)(p - w);
        const char *full = NULL;
        if (json_is_object(abbr) && n < 64) {
            char word[64];
            memcpy(word, w, n);
            word[n] = '\0';
            full = json_string_value(json_object_get(abbr, word));
        }
        if (full)
            lw_buf_append(&b, full, strlen(full));
        else if (n == 3 && (!memcmp(w, "\xE2\x80\x93", 3) || !memcmp(w, "\xE2\x80\x94", 3)))
            lw_buf_putc(&b, '-'); /* – or — standing alone */
        else
            lw_buf_append(&b, w, n);
        while (*p == ' ')
            lw_buf_putc(&b, *p++);
    }
    char *r = lw_buf_detach(&b, NULL);
    return r ? r : strdup("");
}

/* Upper case for the first letter of s (in place when it is ASCII or a two-byte letter that
 * keeps its length upper-cased; else a new string). Owned: takes s. */
static char *upper_first(char *s)
{
    if (!s || !*s)
        return s;
    size_t l = 1;
    while (s[l] && ((unsigned char)s[l] & 0xC0) == 0x80)
        l++;
    char *u = lw_text_upper(s, l);
    if (!u)
        return s;
    lw_buf b = {0};
    lw_buf_printf(&b, "%s%s", u, s + l);
    free(u);
    char *r = lw_buf_detach(&b, NULL);
    if (!r)
        return s;
    free(s);
    return r;
}

/* Sentence case: a name written in capitals ("TRUNG TÂM XÚC TIẾN") keeps only its first
 * letter upper. Owned: takes s. */
static char *sentence_case(char *s)
{
    char *low = lw_text_fold_case(s, strlen(s));
    if (!low)
        return s;
    free(s);
    return upper_first(low);
}

/* The part of a name a rule's group gives, in its canonical spelling. Owned. */
static char *agency_part(const ctx_t *c, lw_span sp, int caps_source)
{
    char *t = lw_text_clean(c->text + sp.start, sp.end - sp.start);
    if (!t)
        return NULL;
    char *x = agency_expand(c, t);
    free(t);
    if (!x)
        return NULL;
    const char *known = agency_lookup(c, "agency_names", x);
    if (known) {
        free(x);
        return strdup(known);
    }
    if (caps_source && is_upper_line(x, strlen(x)))
        x = sentence_case(x);
    return x;
}

/* An abbreviation inside a document's symbol ("565/TB-UBND", "04/2021/TT-BTP"): a name must
 * stand in running text. A name written out may follow a hyphen ("XLVPHC&TDTHPL-Bộ Tư pháp"). */
static int inside_symbol(const ctx_t *c, const raw_match *r)
{
    if (r->start < 2)
        return 0;
    unsigned char p = (unsigned char)c->text[r->start - 1], q = (unsigned char)c->text[r->start - 2];
    if (!((p == '-' || p == '/') && (isalnum(q) || q >= 0x80)))
        return 0;
    /* one word opening in capitals: "UBND", "BTP", "TTg" */
    for (size_t i = r->start; i < r->end; i++)
        if (isspace((unsigned char)c->text[i]))
            return 0;
    char *first = lw_text_upper(c->text + r->start, 1);
    int cap = first && first[0] == c->text[r->start];
    free(first);
    return cap || (unsigned char)c->text[r->start] >= 0x80;
}

/* The stamp of an electronic signature that a copying service put on a scan ("Trung tâm Công
 * báo và Tin học / ttcbth@quangngai.gov.vn / 18.11.2024 07:25:14"): the service that signed the
 * copy, not a body the document names (nor its issuer). Told by the service's address (an '@'
 * or ".vn") and the time of signing ("hh:mm:ss") within the next three lines; the stamp of the
 * signer ("Ký bởi: …", "Bộ Công an / Thời gian ký: …") has no address and names the issuer. */
static int in_copy_stamp(const ctx_t *c, const raw_match *r)
{
    /* the line and the one before it, at most 160 bytes back (a text of one line has no stamp) */
    size_t ls = r->start;
    int back = 0;
    while (ls > 0 && back < 2 && r->start - ls < 160) {
        if (c->text[ls - 1] == '\n')
            back++;
        if (back < 2)
            ls--;
    }
    for (size_t i = ls; i + 7 < r->start; i++)
        if (!strncmp(c->text + i, "Ký bởi", strlen("Ký bởi")) || !strncmp(c->text + i, "Cơ quan:", strlen("Cơ quan:")))
            return 0;
    int lines = 0, address = 0, time = 0;
    for (size_t i = r->end; i + 8 <= c->len && lines <= 3 && i < r->end + 240; i++) {
        const char *t = c->text + i;
        if (*t == '\n')
            lines++;
        if (*t == '@' || (t[0] == '.' && t[1] == 'v' && t[2] == 'n' && !isalnum((unsigned char)t[3])))
            address = 1;
        if (isdigit((unsigned char)t[0]) && isdigit((unsigned char)t[1]) && t[2] == ':' && isdigit((unsigned char)t[3]) &&
            isdigit((unsigned char)t[4]) && t[5] == ':' && isdigit((unsigned char)t[6]) && isdigit((unsigned char)t[7]))
            time = 1;
    }
    return address && time;
}

/* "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch (Trung tâm)", "thành lập đoàn Luật sư tỉnh Lâm
 * Đồng (sau đây viết tắt là Đoàn Luật sư)": the short name (rule kind agency.alias, group alias)
 * that a document gives the body just before it, opening with the same word. Later mentions of
 * the short name, as written, are that body: a fact that reads just them takes its name ("Đoàn
 * Luật sư" is no longer any province's bar), and the others become facts. Not a plural ("các
 * Đoàn Luật sư"), nor the start of a longer name ("Trung tâm Y tế"). */
/* The first of the facts [lo, hi), in order of start, that starts at pos or after. */
static size_t fact_at(const ctx_t *c, size_t lo, size_t hi, size_t pos)
{
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->x->facts[mid].start < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void agency_aliases(ctx_t *c, size_t first_fact)
{
    /* the agency facts so far are in order of start (build_agencies adds them so) */
    size_t nfacts = c->x->n;
    for (size_t i = 0; i < c->all.n; i++) {
        const raw_match *r = &c->all.v[i];
        if (!kind_is(r, "agency.alias"))
            continue;
        lw_span as = grp(r, "alias");
        if (as.start == SIZE_MAX)
            continue;
        size_t alen = as.end - as.start;
        const char *alias = c->text + as.start;
        /* the body just before the parenthesis */
        const lw_fact *target = NULL;
        size_t k0 = fact_at(c, first_fact, nfacts, r->start);
        for (size_t k = k0; k > first_fact && k + 4 > k0 && !target; k--) {
            const lw_fact *f = &c->x->facts[k - 1];
            if (strcmp(f->kind, "agency") || f->end > r->start)
                continue;
            size_t g = f->end;
            while (g < r->start && isspace((unsigned char)c->text[g]))
                g++;
            if (g == r->start)
                target = f;
        }
        if (!target)
            continue;
        /* its mentions run to the next definition of the same short name */
        size_t until = c->len;
        for (size_t j = i + 1; j < c->all.n; j++) {
            const raw_match *q = &c->all.v[j];
            lw_span qs = kind_is(q, "agency.alias") ? grp(q, "alias") : (lw_span){SIZE_MAX, SIZE_MAX};
            if (qs.start != SIZE_MAX && qs.end - qs.start == alen && !memcmp(c->text + qs.start, alias, alen)) {
                until = q->start;
                break;
            }
        }
        const char *tname = json_string_value(json_object_get(target->fields, "name"));
        /* the same first word ("Trung tâm" … / "Trung tâm") */
        size_t w1 = 0;
        while (w1 < alen && alias[w1] != ' ' && alias[w1] != '\n')
            w1++;
        char *ka = lw_text_fold_case(alias, w1);
        char *kt = tname ? lw_text_fold_case(tname, strlen(tname)) : NULL;
        /* shorter than the name it stands for ("(Bộ Tài chính)" after "Cục …" is a name) */
        int same = ka && kt && alen < strlen(tname) && !strncmp(kt, ka, strlen(ka)) && kt[strlen(ka)] == ' ';
        free(ka);
        free(kt);
        if (!same)
            continue;
        json_t *tfields = json_deep_copy(target->fields);
        if (!tfields)
            continue;
        json_object_del(tfields, "role");
        for (size_t pos = as.start; pos + alen <= until;) {
            const char *hit = NULL;
            for (const char *q = c->text + pos; q + alen <= c->text + until && !hit; q++)
                if (*q == *alias && !memcmp(q, alias, alen))
                    hit = q;
            if (!hit)
                break;
            size_t hs = (size_t)(hit - c->text), he = hs + alen;
            pos = he;
            unsigned char prev = hs ? (unsigned char)c->text[hs - 1] : ' ';
            if (isalnum(prev) || prev >= 0x80 || (he < c->len && (isalnum((unsigned char)c->text[he]) ||
                                                                   (unsigned char)c->text[he] >= 0x80)))
                continue; /* inside a word */
            if (hs >= strlen("các ") && !strncasecmp(c->text + hs - strlen("các "), "các ", strlen("các ")))
                continue;
            /* the next word in capitals: a longer name ("Trung tâm Y tế") */
            size_t nx = he;
            while (nx < c->len && (c->text[nx] == ' ' || c->text[nx] == '\t'))
                nx++;
            if (nx > he && nx < c->len) {
                size_t l = 1;
                while (nx + l < c->len && ((unsigned char)c->text[nx + l] & 0xC0) == 0x80)
                    l++;
                char *up = lw_text_upper(c->text + nx, l);
                int cap = up && !strncmp(up, c->text + nx, l) && (isalpha((unsigned char)c->text[nx]) ||
                                                                  (unsigned char)c->text[nx] >= 0xC3);
                free(up);
                if (cap)
                    continue;
            }
            /* a fact that reads just the short name takes the body's name; one that reads more is
             * another body (names are under 400 bytes: look back that far) */
            lw_fact *exact = NULL;
            int inside = 0;
            for (size_t k = fact_at(c, first_fact, nfacts, hs > 400 ? hs - 400 : 0); k < nfacts; k++) {
                lw_fact *f = &c->x->facts[k];
                if (f->start >= he)
                    break;
                if (strcmp(f->kind, "agency") || f->end <= hs)
                    continue;
                if (f->start == hs && f->end <= he + strlen(" tỉnh"))
                    exact = f;
                else
                    inside = 1;
            }
            if (inside)
                continue;
            if (exact) {
                exact->rule = r->rule;
                json_object_set(exact->fields, "name", json_object_get(tfields, "name"));
                json_object_set(exact->fields, "level", json_object_get(tfields, "level"));
                json_object_set(exact->fields, "province", json_object_get(tfields, "province"));
                continue;
            }
            json_t *nf = json_deep_copy(tfields);
            if (nf) {
                json_object_set_new(nf, "alias", json_true());
                add_fact(c, "agency", r->rule, hs, he, nf);
            }
        }
        json_decref(tfields);
    }
}

/* A name's agency_key and the name (borrowed from its fact), sorted by key. */
typedef struct {
    char *key;
    const char *name;
} key_name;

static int cmp_key_name(const void *a, const void *b)
{
    return strcmp(((const key_name *)a)->key, ((const key_name *)b)->key);
}

static void build_agencies(ctx_t *c)
{
    size_t first_fact = c->x->n;
    for (size_t i = 0; i < c->all.n; i++) {
        const raw_match *r = &c->all.v[i];
        if (r->dropped || !kind_is(r, "agency") || inside_symbol(c, r) || in_copy_stamp(c, r))
            continue;
        const char *name = set_str(r, "name");
        char *owned = NULL;
        lw_span ns = grp(r, "name");
        /* the whole match in capitals: a header's line */
        int caps = is_upper_line(c->text + r->start, r->end - r->start);
        if (!name && ns.start != SIZE_MAX) {
            /* prefix ("Bộ", "Sở", or the head as written: "Cục", "Tổng cục") + the name as
             * written, in its canonical spelling */
            char *t = agency_part(c, ns, caps);
            if (t && set_str(r, "capital"))
                t = upper_first(t);
            const char *prefix = set_str(r, "prefix");
            char *head = NULL;
            lw_span hs = grp(r, "head");
            if (!prefix && hs.start != SIZE_MAX) {
                char *h = lw_text_clean(c->text + hs.start, hs.end - hs.start);
                const char *hk = h ? agency_lookup(c, "agency_heads", h) : NULL;
                head = hk ? strdup(hk) : (h ? sentence_case(h) : NULL);
                if (hk)
                    free(h);
                prefix = head;
            }
            lw_buf b = {0};
            lw_buf_printf(&b, "%s%s%s", prefix ? prefix : "", prefix ? " " : "", t ? t : "");
            free(t);
            free(head);
            /* the ministry a department belongs to, when it is named next: part of the
             * department's name ("Vụ Pháp chế, Bộ Tư pháp") and a body of its own */
            lw_span ms = grp(r, "ministry"), mh = grp(r, "mhead");
            if (ms.start != SIZE_MAX && mh.start != SIZE_MAX) {
                char *m = agency_part(c, ms, caps);
                lw_buf_printf(&b, ", Bộ %s", m ? m : "");
                lw_buf mb = {0};
                lw_buf_printf(&mb, "Bộ %s", m ? m : "");
                char *mn = lw_buf_detach(&mb, NULL);
                json_t *mf = mn ? json_pack("{s:s,s:n,s:s}", "name", mn, "province", "level", "central") : NULL;
                if (mf)
                    add_fact(c, "agency", r->rule, mh.start, ms.end, mf);
                free(mn);
                free(m);
            }
            owned = lw_buf_detach(&b, NULL);
            name = owned;
        }
        json_t *f = name ? json_object() : NULL;
        if (!f) {
            free(owned);
            continue;
        }
        lw_span ps = grp(r, "province");
        lw_span pl = grp(r, "place");
        lw_span sx = grp(r, "suffix");
        if ((ps.start == SIZE_MAX && has(r, "tinh")) || sx.start != SIZE_MAX) {
            /* "Cục Thuế tỉnh", "Thanh tra huyện": the body of a province or district not named */
            char *word = sx.start != SIZE_MAX ? lw_text_fold_case(c->text + sx.start, sx.end - sx.start) : NULL;
            lw_buf b = {0};
            lw_buf_printf(&b, "%s %s", name, word ? word : "tỉnh");
            free(word);
            free(owned);
            owned = lw_buf_detach(&b, NULL);
            name = owned;
            if (!name) {
                json_decref(f);
                continue;
            }
        }
        if (ps.start == SIZE_MAX && pl.start != SIZE_MAX) {
            char *p = place_name(c, pl);
            char buf[512];
            snprintf(buf, sizeof buf, "%s %s", name, p);
            json_object_set_new(f, "name", json_string(buf));
            json_object_set_new(f, "province", json_null());
            free(p);
        } else
        if (ps.start != SIZE_MAX) {
            char *p = lw_text_title_case(c->text + ps.start, ps.end - ps.start);
            char buf[512];
            /* "Ủy ban nhân dân tỉnh" + "Bến Tre"; "Sở Tư pháp" + "tỉnh Bến Tre"; a city run
             * by the centre is a "thành phố" (lexicon cities_tw) */
            size_t nl = strlen(name);
            int has_tinh = nl > strlen(" tỉnh") && !strcmp(name + nl - strlen(" tỉnh"), " tỉnh");
            int city = 0;
            size_t ci;
            json_t *cv;
            json_array_foreach(lw_ruleset_data(c->rs, "cities_tw"), ci, cv) city |= json_is_string(cv) && !strcmp(json_string_value(cv), p);
            if (city)
                snprintf(buf, sizeof buf, "%.*s thành phố %s", (int)(has_tinh ? nl - strlen(" tỉnh") : nl), name, p);
            else
                snprintf(buf, sizeof buf, "%s%s%s", name, has_tinh || strstr(name, "thành phố") ? " " : " tỉnh ", p);
            json_object_set_new(f, "name", json_string(buf));
            json_object_set_new(f, "province", json_string(p));
            free(p);
        } else {
            json_object_set_new(f, "name", json_string(name));
            json_object_set_new(f, "province", json_null());
        }
        const char *level = set_str(r, "level");
        /* a body "tỉnh" or "tỉnh X" of a general form ("Cục Thuế tỉnh") is the province's */
        if ((ps.start != SIZE_MAX || has(r, "tinh")) && (!level || !strcmp(level, "central")))
            level = "province";
        else if (pl.start != SIZE_MAX && (!level || !strcmp(level, "central"))) {
            /* ... or "huyện X": the district's ("Chi cục Thuế huyện Mỹ Tú") */
            char *pk = lw_text_fold_all(c->text + pl.start, pl.end - pl.start);
            if (pk && (starts_with(pk, "huyen ") || starts_with(pk, "quan ") || starts_with(pk, "thi xa ") ||
                       starts_with(pk, "thanh pho ")))
                level = "district";
            free(pk);
        }
        json_object_set_new(f, "level", level ? json_string(level) : json_null());
        add_fact(c, "agency", r->rule, r->start, r->end, f);
        free(owned);
    }
    /* A name met in capitals (a header's "TỔNG CỤC HẢI QUAN", "TRUNG TÂM XÚC TIẾN ĐẦU TƯ THƯƠNG MẠI
     * VÀ DU LỊCH TỈNH LÂM ĐỒNG") takes the spelling the same name has in the document's running
     * text ("Tổng cục Hải quan", "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch"), compared by
     * agency_key; what follows it ("tỉnh Lâm Đồng") stays. */
    size_t n = c->x->n - first_fact, nk = 0;
    key_name *keys = n ? calloc(n, sizeof *keys) : NULL;
    unsigned char *caps = n ? calloc(n, 1) : NULL;
    if (n && (!keys || !caps)) {
        free(keys);
        free(caps);
        return;
    }
    for (size_t k = 0; k < n; k++) {
        lw_fact *f = &c->x->facts[first_fact + k];
        caps[k] = (unsigned char)is_upper_line(c->text + f->start, f->end - f->start);
        const char *nm = json_string_value(json_object_get(f->fields, "name"));
        if (nm && !caps[k] && (keys[nk].key = agency_key(nm)) != NULL)
            keys[nk++].name = nm;
    }
    if (nk)
        qsort(keys, nk, sizeof *keys, cmp_key_name);
    for (size_t k = 0; k < n; k++) {
        if (!caps[k])
            continue;
        json_t *fields = c->x->facts[first_fact + k].fields;
        const char *nm = json_string_value(json_object_get(fields, "name"));
        if (!nm)
            continue;
        /* the longest prefix of the name, ended at a word, that a name of the text spells */
        const char *best = NULL;
        size_t best_len = 0, len = strlen(nm);
        for (size_t e = len; e > 0 && !best && nk; e--) {
            if (e < len && nm[e] != ' ')
                continue;
            char *pre = strndup(nm, e);
            key_name probe = {pre ? agency_key(pre) : NULL, NULL};
            const key_name *hit = probe.key && *probe.key ? bsearch(&probe, keys, nk, sizeof *keys, cmp_key_name) : NULL;
            if (hit) {
                best = hit->name;
                best_len = e;
            }
            free(probe.key);
            free(pre);
        }
        if (best) {
            lw_buf b = {0};
            lw_buf_printf(&b, "%s%s", best, nm + best_len);
            char *nn = lw_buf_detach(&b, NULL);
            if (nn)
                json_object_set_new(fields, "name", json_string(nn));
            free(nn);
        }
    }
    for (size_t k = 0; k < nk; k++)
        free(keys[k].key);
    free(keys);
    free(caps);
    agency_aliases(c, first_fact);
}

/* Roles from the header blocks: issuer, recipient, distribution; else mentioned. */
static void assign_roles(ctx_t *c, size_t issuer_zone)
{
    const raw_match *kg = first_of(c, "header.recipients", c->len);
    size_t kg_s = kg ? kg->start : SIZE_MAX, kg_e = kg ? kg->end : 0;
    if (kg) {
        size_t e = kg_e;
        json_decref(list_after(c, kg->end, &e));
        kg_e = e;
    }
    const raw_match *nn = NULL;
    for (size_t i = 0; i < c->all.n; i++)
        if (kind_is(&c->all.v[i], "header.distribution"))
            nn = &c->all.v[i];
    for (size_t i = 0; i < c->x->n; i++) {
        lw_fact *f = &c->x->facts[i];
        if (strcmp(f->kind, "agency"))
            continue;
        const char *role = "mentioned";
        if (f->start < issuer_zone)
            role = "issuer";
        else if (f->start >= kg_s && f->start <= kg_e)
            role = "recipient";
        else if (nn && f->start >= nn->start)
            role = "distribution";
        json_object_set_new(f->fields, "role", json_string(role));
    }
}

/* ---- driver ---- */

void lw_extraction_free(lw_extraction *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->n; i++)
        json_decref(x->facts[i].fields);
    free(x->facts);
    json_decref(x->header);
    json_decref(x->warnings);
    free(x->doc_date);
    free(x);
}

static json_t *empty_header(void)
{
    return json_pack("{s:n,s:n,s:n,s:n,s:n,s:n,s:[],s:n,s:[]}", "issuer", "number", "kind", "place", "date",
                     "subject", "recipients", "signer", "distribution");
}

lw_status lw_extract(const lw_ruleset *rs, const lw_lexicon *lx, lw_matcher *m, const char *text,
                     size_t len, const lw_extract_options *opt, lw_extraction **out, lw_error *err)
{
    *out = NULL;
    lw_extraction *x = calloc(1, sizeof *x);
    if (!x)
        return lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "out of memory");
    x->header = empty_header();
    x->warnings = json_array();
    ctx_t c = {.rs = rs, .lx = lx, .m = m, .text = text, .len = len, .x = x};
    /* most rules find nothing in a document: those whose literals it lacks are not run,
     * and the others stop at the last of their literals, here and in lw_duty (through m,
     * until the end of this call; see lw_matcher_set_scan) */
    lw_rule_scan *scan = lw_rule_scan_create(rs, text, len);
    lw_matcher_set_scan(m, scan, text, len);
    for (size_t i = 0; i < lw_ruleset_count(rs); i++) {
        const lw_rule *r = lw_ruleset_rule(rs, i);
        if (starts_with(r->kind, "duty."))
            continue; /* lw_duty runs its own rules on the outline */
        if (opt && opt->only_rule && strcmp(r->id, opt->only_rule) && !starts_with(r->kind, "context.") &&
            !starts_with(r->kind, "header.") && strcmp(r->kind, "legal_ref") && strcmp(r->kind, "agency"))
            continue;
        lw_error e;
        lw_error_clear(&e);
        if (lw_rule_match_all(m, r, text, len, collect, &c, &e) != LW_OK) {
            char buf[1500];
            json_array_append_new(x->warnings, json_pack("{s:I,s:s}", "offset", (json_int_t)0, "message",
                                                         lw_error_format(&e, buf, sizeof buf)));
        }
    }
    if (c.all.n)
        qsort(c.all.v, c.all.n, sizeof *c.all.v, cmp_match);
    settle_overlaps(&c, "legal_ref");
    settle_overlaps(&c, "deadline");
    settle_overlaps(&c, "agency");
    settle_overlaps(&c, "relation");
    compute_context(&c);
    extract_header(&c);
    if (!c.have_doc_date && opt && opt->doc_date) {
        if (lw_date_parse_iso(opt->doc_date, &c.doc_date) == 0)
            c.have_doc_date = 1;
    }
    if (c.have_doc_date) {
        char iso[11];
        x->doc_date = strdup(lw_date_iso(c.doc_date, iso));
    }
    build_agencies(&c);
    extract_issuer(&c);
    size_t zone = 0;
    {
        json_t *iss = json_object_get(x->header, "issuer");
        if (json_is_string(iss)) {
            for (size_t i = 0; i < x->n; i++)
                if (!strcmp(x->facts[i].kind, "agency")) {
                    if (x->facts[i].start < 800)
                        zone = x->facts[i].end;
                    break;
                }
        }
    }
    assign_roles(&c, zone);
    build_legal_refs(&c);
    resolve_aliases(&c);
    /* relations look at references in text order */
    if (x->n)
        qsort(x->facts, x->n, sizeof *x->facts, cmp_fact);
    build_relations(&c);
    build_dates(&c);
    build_deadlines(&c);
    if (x->n)
        qsort(x->facts, x->n, sizeof *x->facts, cmp_fact);
    if (!(opt && opt->only_rule)) {
        lw_error e;
        lw_error_clear(&e);
        if (lw_duty_build(rs, m, text, len, x, &e) != LW_OK)
            warn(&c, 0, "%s", e.msg);
        if (x->n)
            qsort(x->facts, x->n, sizeof *x->facts, cmp_fact);
    }
    lw_matcher_set_scan(m, NULL, NULL, 0);
    lw_rule_scan_free(scan);
    for (size_t i = 0; i < c.all.n; i++)
        free(c.all.v[i].ov);
    free(c.all.v);
    free(c.own_id);
    free(c.province);
    *out = x;
    return LW_OK;
}

/* The text of normalized span [s, e) as in the original file (UTF-8 originals), else as
 * normalized. New reference. */
static json_t *orig_text(const lw_doc *doc, size_t s, size_t e)
{
    size_t os, oe;
    lw_doc_orig_span(doc, s, e, &os, &oe);
    json_t *txt = NULL;
    if (doc->dec->encoding == LW_ENC_UTF8 && oe <= doc->raw_len && oe >= os)
        txt = json_stringn((const char *)doc->raw + os, oe - os);
    if (!txt)
        txt = json_stringn(doc->norm->text + s, e - s);
    return txt ? txt : json_string("");
}

/* A duty keeps normalized offsets of its deadline and unit names ("at"); the record gives
 * their lines (and the deadline's words) in the original instead. */
static void duty_offsets_to_lines(json_t *o, const lw_doc *doc)
{
    json_t *d = json_object_get(o, "deadline");
    if (json_is_object(d) && json_is_integer(json_object_get(d, "at"))) {
        size_t s = (size_t)json_integer_value(json_object_get(d, "at"));
        size_t e = (size_t)json_integer_value(json_object_get(d, "at_end"));
        json_object_set_new(d, "text", orig_text(doc, s, e));
        json_object_set_new(d, "line", json_integer(lw_doc_line(doc, s)));
        json_object_del(d, "at");
        json_object_del(d, "at_end");
    }
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(o, "units"), i, u) {
        json_t *at = json_object_get(u, "at");
        if (json_is_integer(at)) {
            json_object_set_new(u, "line", json_integer(lw_doc_line(doc, (size_t)json_integer_value(at))));
            json_object_del(u, "at");
        }
    }
}

json_t *lw_extraction_record(const lw_extraction *x, const lw_doc *doc)
{
    json_t *rec = json_object();
    json_object_set_new(rec, "path", json_string(doc->path));
    json_object_set_new(rec, "sha256", json_string(doc->sha256));
    json_object_set_new(rec, "encoding", json_string(lw_encoding_name(doc->dec->encoding)));
    json_object_set(rec, "header", x->header);
    json_t *facts = json_array();
    for (size_t i = 0; i < x->n; i++) {
        const lw_fact *f = &x->facts[i];
        size_t os, oe;
        lw_doc_orig_span(doc, f->start, f->end, &os, &oe);
        json_t *o = json_object();
        json_object_set_new(o, "kind", json_string(f->kind));
        /* the text as in the original when it is UTF-8 (json_stringn refuses a span that
         * is not valid UTF-8); else the normalized text */
        json_t *txt = NULL;
        if (doc->dec->encoding == LW_ENC_UTF8 && oe <= doc->raw_len && oe >= os)
            txt = json_stringn((const char *)doc->raw + os, oe - os);
        if (!txt)
            txt = json_stringn(doc->norm->text + f->start, f->end - f->start);
        json_object_set_new(o, "text", txt ? txt : json_string(""));
        json_object_set_new(o, "span", json_pack("[I,I]", (json_int_t)os, (json_int_t)oe));
        json_object_set_new(o, "line", json_integer(lw_doc_line(doc, f->start)));
        json_object_set_new(o, "rule", json_string(f->rule->id));
        json_object_update(o, f->fields);
        if (!strcmp(f->kind, "duty")) {
            /* the nested objects are shared with the fact: convert copies */
            json_object_set_new(o, "deadline", json_deep_copy(json_object_get(f->fields, "deadline")));
            json_object_set_new(o, "units", json_deep_copy(json_object_get(f->fields, "units")));
            duty_offsets_to_lines(o, doc);
        }
        json_array_append_new(facts, o);
    }
    json_object_set_new(rec, "facts", facts);
    json_t *warns = json_array();
    if (doc->dec->n_invalid) {
        /* the bytes that were not text: reported once, with the line of the first */
        size_t first = doc->dec->invalid[0], step = 1, nl = 0;
        if (doc->dec->encoding == LW_ENC_UTF16LE || doc->dec->encoding == LW_ENC_UTF16BE)
            step = 2;
        for (size_t k = 0; k + step <= first && k + step <= doc->raw_len; k += step) {
            if (step == 1 ? doc->raw[k] == '\n'
                          : (doc->dec->encoding == LW_ENC_UTF16LE ? doc->raw[k] == '\n' && !doc->raw[k + 1]
                                                                  : !doc->raw[k] && doc->raw[k + 1] == '\n'))
                nl++;
        }
        char msg[300];
        snprintf(msg, sizeof msg,
                 "%zu byte không hợp lệ đã thay bằng U+FFFD, byte đầu tiên ở dòng %zu (%zu invalid %s byte%s "
                 "replaced by U+FFFD, the first on line %zu)",
                 doc->dec->n_invalid, nl + 1, doc->dec->n_invalid, step == 2 ? "UTF-16" : "UTF-8",
                 doc->dec->n_invalid == 1 ? "" : "s", nl + 1);
        json_array_append_new(warns, json_pack("{s:I,s:s,s:s}", "line", (json_int_t)(nl + 1), "message", msg,
                                               "code", "decode.invalid"));
    }
    size_t i;
    json_t *w;
    json_array_foreach(x->warnings, i, w) {
        size_t off = (size_t)json_integer_value(json_object_get(w, "offset"));
        json_array_append_new(warns, json_pack("{s:i,s:O}", "line", lw_doc_line(doc, off), "message",
                                               json_object_get(w, "message")));
    }
    json_object_set_new(rec, "warnings", warns);
    return rec;
}

struct lw_engine {
    lw_ruleset *rs;
    lw_lexicon *lx;
};

lw_status lw_engine_create(const char *rules_dir, lw_engine **out, lw_error *err)
{
    *out = NULL;
    lw_engine *e = calloc(1, sizeof *e);
    if (!e)
        return lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "out of memory");
    lw_status st = lw_ruleset_load_dir(rules_dir, &e->rs, err);
    if (!st)
        st = lw_lexicon_create(e->rs, &e->lx, err);
    if (st) {
        lw_engine_free(e);
        return st;
    }
    *out = e;
    return LW_OK;
}

void lw_engine_free(lw_engine *e)
{
    if (!e)
        return;
    lw_lexicon_free(e->lx);
    lw_ruleset_free(e->rs);
    free(e);
}

const lw_ruleset *lw_engine_rules(const lw_engine *e) { return e->rs; }
const lw_lexicon *lw_engine_lexicon(const lw_engine *e) { return e->lx; }
