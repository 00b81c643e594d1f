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
    size_t tbl_line;       /* the line of the last table cell judged (SIZE_MAX: none) */
    int tbl_time;          /* whether that cell's table heading names a time */
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
        /* every Vietnamese syllable has a vowel ("Minh Vfr" is OCR of a broken text layer);
         * a letter beyond ASCII is taken for one, but for đ */
        int vowel = 0;
        for (const unsigned char *q = (const unsigned char *)w; *q && !vowel; q++)
            vowel = strchr("aeiouyAEIOUY", *q) || (*q >= 0xC3 && !(q[0] == 0xC4 && (q[1] == 0x90 || q[1] == 0x91)));
        for (const unsigned char *q = (const unsigned char *)w; *q; q++)
            if (isdigit(*q))
                ok = 0;
        if (!vowel)
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
        int digit = 0;
        for (size_t q = 0; q < n; q++)
            digit |= isdigit((unsigned char)t[q]) != 0;
        if (json_is_null(json_object_get(sg, "position")) && json_is_null(json_object_get(sg, "name")) &&
            is_upper_line(t, n) && !digit) {
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

/* The id of a number match; *sym_type is the type its symbol's code names ("TB-UBND":
 * Thông báo), NULL when the symbol opens with no type code ("UBND-NC", a letter's). */
static char *number_of(ctx_t *c, const raw_match *r, const char **sym_type)
{
    if (sym_type)
        *sym_type = NULL;
    char *num = grp_str(c, r, "num");
    lw_span ss = grp(r, "sym");
    if (!num || ss.start == SIZE_MAX) {
        free(num);
        return NULL;
    }
    char *sym = lw_lexicon_symbol(c->lx, c->text + ss.start, ss.end - ss.start);
    if (!sym) {
        free(num);
        return NULL;
    }
    int year = grp_int(c, r, "year");
    char *id = lw_make_id(num, year, sym, set_str(r, "form") && !strcmp(set_str(r, "form"), "party"));
    if (sym_type)
        *sym_type = lw_lexicon_type_of_symbol(c->lx, sym);
    free(num);
    free(sym);
    return id;
}

/* The type named by the symbol of a number line whose number OCR destroyed ("56:]+9-}
 * /TB-LIBND"): the first such line before limit, NULL when none or its symbol has no type
 * code. */
static const char *symbol_only_type(ctx_t *c, size_t limit)
{
    const raw_match *r = first_of(c, "header.symbol_only", limit);
    if (!r)
        return NULL;
    lw_span ss = grp(r, "sym");
    char *sym = lw_lexicon_symbol(c->lx, c->text + ss.start, ss.end - ss.start);
    const char *t = sym ? lw_lexicon_type_of_symbol(c->lx, sym) : NULL;
    free(sym);
    return t;
}

/* The number of upper-case letters a line opens with, up to its first lower-case letter
 * (spaces and marks between are passed): a title line, even one OCR damaged or fused by
 * unwrapping to the subject after it ("THONGBAo Kết luận ..."), opens with several. */
static int upper_lead(const char *s, size_t n)
{
    int count = 0;
    for (size_t i = 0; i < n;) {
        unsigned char b = (unsigned char)s[i];
        size_t cl = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
        if (i + cl > n)
            break;
        int letter = isalpha(b) || b >= 0xC3;
        if (letter) {
            char *u = lw_text_upper(s + i, cl);
            int upper = u && strlen(u) == cl && !memcmp(u, s + i, cl);
            free(u);
            if (!upper)
                break;
            count++;
        }
        i += cl;
    }
    return count;
}

/* Whether a line opening in capitals (a title, even one OCR damaged) stands between the
 * number line and pos (a "V/v" line): a letter has none there, only the place and date,
 * the motto and marks of urgency or secrecy (header_marks in rules/header.yaml). */
static int title_above(ctx_t *c, size_t pos)
{
    const raw_match *sl = NULL;
    const char *kinds[] = {"header.number", "header.number_line", "header.symbol_only"};
    for (size_t k = 0; k < 3; k++) {
        const raw_match *r = first_of(c, kinds[k], pos);
        if (r && (!sl || r->start < sl->start))
            sl = r;
    }
    if (!sl || sl->end > pos || pos - sl->end > 600)
        return 0;
    size_t p = para_end(c, sl->end);
    while (p < pos) {
        size_t ls = p + 1, le = para_end(c, ls);
        if (le > pos)
            le = pos;
        int skip = 0;
        for (size_t i = first_match_at(c, ls); i < c->all.n && c->all.v[i].start < le && !skip; i++)
            skip = kind_is(&c->all.v[i], "header.motto") || kind_is(&c->all.v[i], "header.motto2") ||
                   kind_is(&c->all.v[i], "header.place_date");
        if (!skip && ls < le && upper_lead(c->text + ls, le - ls) >= 4) {
            char *line = lw_text_fold_all(c->text + ls, le - ls);
            size_t i;
            json_t *v;
            json_array_foreach(lw_ruleset_data(c->rs, "header_marks"), i, v) {
                const char *m = json_string_value(v);
                char *fm = m ? lw_text_fold_all(m, strlen(m)) : NULL;
                if (line && fm && strstr(line, fm) == line)
                    skip = 1;
                free(fm);
            }
            free(line);
            if (!skip)
                return 1;
        }
        p = le;
        if (p < c->len && c->text[p] != '\n')
            break;
    }
    return 0;
}

/* Whether the header has a letter's shape where OCR left no title and no "V/v": the
 * "Số:" line, then "Kính gửi" a few lines below, and no line in capitals between them
 * (every other type has its title there, in capitals, above "Kính gửi"; the motto aside). */
static int letter_shape(ctx_t *c)
{
    const raw_match *sl = first_of(c, "header.number_line", c->len < 1500 ? c->len : 1500);
    if (!sl)
        return 0;
    size_t lim = c->len < sl->end + 600 ? c->len : sl->end + 600;
    const raw_match *kg = NULL;
    for (size_t i = first_match_at(c, sl->end); i < c->all.n && c->all.v[i].start < lim && !kg; i++)
        if (kind_is(&c->all.v[i], "header.recipients"))
            kg = &c->all.v[i];
    if (!kg)
        return 0;
    size_t p = para_end(c, sl->end);
    while (p < kg->start) {
        size_t ls = p + 1, le = para_end(c, ls);
        if (le > kg->start)
            le = kg->start;
        int motto = 0;
        for (size_t i = first_match_at(c, ls); i < c->all.n && c->all.v[i].start < le && !motto; i++)
            motto = kind_is(&c->all.v[i], "header.motto");
        if (ls < le && !motto && upper_lead(c->text + ls, le - ls) >= 4)
            return 0;
        p = le;
        if (p < c->len && c->text[p] != '\n')
            break;
    }
    return 1;
}

/* A day or month of the header's date: digits, where a scan may read a zero as O or Ø
 * ("Ø3", "1O"); the rule admits a letter only beside a digit. -1 when it is anything else. */
static int header_num(const ctx_t *c, const raw_match *r, const char *name)
{
    lw_span s = grp(r, name);
    if (s.start == SIZE_MAX)
        return -1;
    int v = 0, digits = 0;
    for (size_t i = s.start; i < s.end;) {
        const unsigned char *p = (const unsigned char *)c->text + i;
        if (isdigit(*p)) {
            v = v * 10 + (*p - '0');
            i++;
        } else if (*p == 'O' || *p == 'o') {
            v *= 10;
            i++;
        } else if (p[0] == 0xC3 && i + 1 < s.end && (p[1] == 0x98 || p[1] == 0xB8)) { /* Ø ø */
            v *= 10;
            i += 2;
        } else {
            return -1;
        }
        if (++digits > 2)
            return -1;
    }
    return digits ? v : -1;
}

/* The subject without the noise a scan's stamp leaves before it on its line ("-TRUNG
 * TÂM CÔNG 810 & Tin HỌC O.NG ÃIj Về việc tăng cường ..."): it starts at "Về việc" when
 * what comes before holds a digit or a mark no subject opens with. */
static const char *subject_start(const char *s)
{
    const char *v = strstr(s, "Về việc");
    if (!v || v == s)
        return s;
    for (const char *p = s; p < v; p++)
        if (isdigit((unsigned char)*p) || strchr("&|#@{}[]<>", *p))
            return v;
    return s;
}

/* The place and date joined to the "V/v" line at a place that is no province: taken when
 * the header above it names that place in capitals ("HUYỆN QUẢNG ĐIỀN"), so that no
 * capitalised words of the subject are taken for a place. */
static const raw_match *glued_place_date(const ctx_t *c, size_t zone)
{
    const raw_match *r = first_of(c, "header.place_date_glued", zone);
    if (!r)
        return NULL;
    lw_span ps = grp(r, "place");
    char *up = lw_text_upper(c->text + ps.start, ps.end - ps.start);
    int named = 0;
    if (up) {
        size_t n = strlen(up);
        for (size_t i = 0; i + n <= r->start && !named; i++)
            named = !memcmp(c->text + i, up, n) && (i + n == c->len || !isalpha((unsigned char)c->text[i + n])) &&
                    (i == 0 || c->text[i - 1] == ' ' || c->text[i - 1] == '\n' || c->text[i - 1] == '\t');
    }
    free(up);
    return named ? r : NULL;
}

static void extract_header(ctx_t *c)
{
    json_t *h = c->x->header;
    size_t zone = c->len < 3000 ? c->len : 3000;
    const raw_match *pd = first_of(c, "header.place_date", zone);
    if (!pd)
        pd = glued_place_date(c, zone);
    /* number: the "Số:" line (or its parts split over lines); else a number standing alone
     * on a line before the place and date, as OCR leaves it when "Số:" is lost */
    const raw_match *num = first_of(c, "header.number", zone);
    if (!num && pd) {
        const raw_match *bare = first_of(c, "header.number_bare", pd->start);
        if (bare && bare->end <= pd->start)
            num = bare;
    }
    const char *num_type = NULL;
    int have_num = 0;
    if (num) {
        char *id = number_of(c, num, &num_type);
        if (id) {
            have_num = 1;
            json_object_set_new(h, "number", json_string(id));
            c->own_id = id;
            c->header_num_start = num->start;
            c->header_num_end = num->end;
        }
    }
    if (!have_num)
        num_type = symbol_only_type(c, pd ? pd->end : (c->len < 1500 ? c->len : 1500));
    /* place and date */
    if (pd) {
        char *place = grp_str(c, pd, "place");
        if (place)
            json_object_set_new(h, "place", json_string(place));
        free(place);
        lw_date d = {grp_int(c, pd, "y"), header_num(c, pd, "m"), header_num(c, pd, "d")};
        if (d.d >= 0 && d.m >= 0 && d.y >= 0 && lw_date_valid(d)) {
            char iso[11];
            json_object_set_new(h, "date", json_string(lw_date_iso(d, iso)));
            c->doc_date = d;
            c->have_doc_date = 1;
        } else if (d.d >= 0 && d.m >= 0 && d.y >= 0) {
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
        /* "V/v" under a title OCR left unread ("TÜTRÌNH"): the document is no letter */
        if (!strcmp(r->rule->id, "header.kind_vv") && title_above(c, r->start))
            continue;
        int p = r->rule->priority;
        if (p > kprio || (p == kprio && r->start < kpos)) {
            kind = k;
            kprio = p;
            kpos = r->start;
        }
    }
    if (kprio < 60 && letter_shape(c)) {
        kind = "Công văn";
        kprio = 60;
    }
    /* the symbol's type code ("TB-UBND": Thông báo; a symbol without one, "UBND-NC", is a
     * letter's) ranks below the title and the "V/v" line: a body's own abbreviation may
     * open a letter's symbol and look like a code ("CT-CS" of the Cục Thuế) */
    if (kprio < 80 && (num_type || have_num))
        kind = num_type ? num_type : "Công văn";
    json_object_set_new(h, "kind", kind ? json_string(kind) : json_null());
    /* subject */
    const raw_match *sub = first_of(c, "header.subject", zone);
    if (sub) {
        char *s = grp_str(c, sub, "subject");
        if (s && s[0])
            json_object_set_new(h, "subject", json_string(subject_start(s)));
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

/* Whether place is a city run by the centre (lexicon cities_tw). */
static int is_city_tw(const ctx_t *c, const char *place)
{
    size_t i;
    json_t *v;
    json_array_foreach(lw_ruleset_data(c->rs, "cities_tw"), i, v) {
        if (json_is_string(v) && !strcmp(json_string_value(v), place))
            return 1;
    }
    return 0;
}

/* Where the body under the header's parent may be looked for: the lines after the
 * parent's, up to the number or the place and date (at most 400 bytes on). */
static size_t sub_limit(const ctx_t *c, const lw_fact *parent)
{
    size_t lim = c->len < parent->end + 400 ? c->len : parent->end + 400;
    for (size_t i = first_match_at(c, parent->end); i < c->all.n && c->all.v[i].start < lim; i++) {
        const raw_match *r = &c->all.v[i];
        if (kind_is(r, "header.number") || kind_is(r, "header.number_line") || kind_is(r, "header.place_date")) {
            lim = r->start;
            break;
        }
    }
    return lim;
}

/* The organ of the parent that the line after the parent's names, alone on its line
 * ("BAN THƯỜNG VỤ" under "HIỆP HỘI CÔNG CHỨNG VIÊN VIỆT NAM"): its name as written in
 * parent_organs (rules/header.yaml), owned; NULL when the line is no such organ. */
static char *parent_organ(const ctx_t *c, const lw_fact *parent)
{
    size_t lim = sub_limit(c, parent);
    size_t k = parent->end;
    while (k < lim && c->text[k] != '\n')
        k++;
    while (k < lim && strchr(" \t\n*_", c->text[k]))
        k++;
    if (k >= lim)
        return NULL;
    size_t e = para_end(c, k);
    while (e > k && strchr(" \t*_", c->text[e - 1]))
        e--;
    if (!is_upper_line(c->text + k, e - k))
        return NULL;
    char *line = lw_text_fold_all(c->text + k, e - k);
    char *out = NULL;
    size_t i;
    json_t *v;
    json_array_foreach(lw_ruleset_data(c->rs, "parent_organs"), i, v) {
        const char *o = json_string_value(v);
        char *fo = o ? lw_text_fold_all(o, strlen(o)) : NULL;
        if (line && fo && !strcmp(line, fo) && !out)
            out = strdup(o);
        free(fo);
    }
    free(line);
    return out;
}

/* Whether the line after the parent's opens with the name of a body under it ("BỘ TÀI
 * CHÍNH" / "CỤC THUẾ", "UBND TỈNH LÂM ĐỒNG" / "TRUNG TÂM XÚC TIẾN ..."): the issuer is that
 * body; when it could not be read as one, the parent must not be given in its place. */
static int sub_unit_follows(const ctx_t *c, const lw_fact *parent)
{
    size_t lim = sub_limit(c, parent);
    size_t k = parent->end;
    while (k < lim && c->text[k] != '\n')
        k++;
    while (k < lim && strchr(" \t\n*_", c->text[k]))
        k++;
    if (k >= lim)
        return 0;
    for (size_t i = first_match_at(c, k); i < c->all.n && c->all.v[i].start <= para_end(c, k); i++)
        if (kind_is(&c->all.v[i], "header.sub_unit") && para_start(c, c->all.v[i].start) == para_start(c, k))
            return 1;
    return 0;
}

/* The province a stamp line names ("Cơ quan: Tỉnh Lâm Đồng"), title case, owned; NULL. */
static char *stamp_province(const ctx_t *c, size_t top)
{
    for (size_t i = 0; i < c->all.n && c->all.v[i].start < top; i++) {
        const raw_match *r = &c->all.v[i];
        if (!kind_is(r, "header.stamp"))
            continue;
        lw_span b = grp(r, "body");
        for (size_t j = first_match_at(c, b.start); j < c->all.n && c->all.v[j].start < b.end; j++) {
            const raw_match *p = &c->all.v[j];
            if (!kind_is(p, "context.province") || p->end > b.end)
                continue;
            lw_span ps = grp(p, "province");
            return lw_text_title_case(c->text + ps.start, ps.end - ps.start);
        }
    }
    return NULL;
}

/* The issuer from the digital signature's stamp ("Ký bởi: Ủy ban nhân dân tỉnh Quảng
 * Ngãi", "Người ký: Sở Tư pháp" over "Cơ quan: Tỉnh Lâm Đồng"), owned, NULL when none:
 * the first agency named on a stamp line near the top, in full (a province's or a central
 * body, or a province's body completed by the province of the stamp's "Cơ quan:" line).
 * Not on a certified copy ("SAO Y", "BẢN SAO"): its stamp is the copying body's. Stamp
 * lines naming a body that signs what it publishes or copies, not issues (stamp_not_issuer
 * in rules/header.yaml, compared without case or diacritics), are passed over. */
static char *stamp_issuer(const ctx_t *c)
{
    size_t top = c->len < 1500 ? c->len : 1500;
    size_t hn = c->len < 400 ? c->len : 400;
    while (hn > 0 && hn < c->len && ((unsigned char)c->text[hn] & 0xC0) == 0x80)
        hn--; /* whole characters only */
    char *head = lw_text_fold_all(c->text, hn);
    int copy = !head || strstr(head, "sao y") || strstr(head, "saoy") || strstr(head, "ban sao");
    free(head); /* out of memory: not known to be no copy */
    if (copy)
        return NULL;
    for (size_t i = 0; i < c->all.n && c->all.v[i].start < top; i++) {
        const raw_match *r = &c->all.v[i];
        if (!kind_is(r, "header.stamp"))
            continue;
        lw_span b = grp(r, "body");
        /* the stamp of a body that publishes or copies: passed over, whatever it names */
        char *body = lw_text_fold_all(c->text + b.start, b.end - b.start);
        int publisher = !body;
        size_t k;
        json_t *v;
        json_array_foreach(lw_ruleset_data(c->rs, "stamp_not_issuer"), k, v) {
            const char *w = json_string_value(v);
            char *fw = w ? lw_text_fold_all(w, strlen(w)) : NULL;
            publisher |= body && fw && strstr(body, fw) != NULL;
            free(fw);
        }
        free(body);
        if (publisher)
            continue;
        for (size_t j = 0; j < c->x->n; j++) {
            const lw_fact *f = &c->x->facts[j];
            if (strcmp(f->kind, "agency") || f->start < b.start || f->start >= b.end)
                continue;
            const char *name = json_string_value(json_object_get(f->fields, "name"));
            const char *level = json_string_value(json_object_get(f->fields, "level"));
            if (!name)
                continue;
            if (!json_is_null(json_object_get(f->fields, "province")) || (level && !strcmp(level, "central")))
                return strdup(name);
            if (!level || strcmp(level, "province"))
                continue;
            char *prov = stamp_province(c, top);
            if (!prov)
                continue;
            size_t nl = strlen(name);
            int tinh = nl > strlen(" tỉnh") && !strcmp(name + nl - strlen(" tỉnh"), " tỉnh");
            lw_buf out = {0};
            lw_buf_printf(&out, "%s%s%s", name, tinh ? " " : is_city_tw(c, prov) ? " thành phố " : " tỉnh ", prov);
            free(prov);
            return lw_buf_detach(&out, NULL);
        }
    }
    return NULL;
}

/* The end of the signature stamps a scan opens with ("Trung tâm Công báo và Tin học" /
 * "ttcbth@quangngai.gov.vn" / "18.11.2024 07:25:14 +07:00", "Ký bởi: ..."): the end of the
 * last stamp line before the header (its motto, number or place and date), 0 when none.
 * Bodies named there signed, published or copied the document: the header block's issuer
 * is looked for after them (the stamp is read apart, by stamp_issuer). */
static size_t stamp_block_end(const ctx_t *c)
{
    size_t head = c->len < 1500 ? c->len : 1500;
    const char *stops[] = {"header.motto", "header.number", "header.number_line", "header.place_date"};
    for (size_t k = 0; k < 4; k++) {
        const raw_match *r = first_of(c, stops[k], head);
        if (r && r->start < head)
            head = r->start;
    }
    size_t end = 0;
    for (size_t i = 0; i < c->all.n && c->all.v[i].start < head; i++)
        if (kind_is(&c->all.v[i], "header.stamp_mark"))
            end = para_end(c, c->all.v[i].start);
    return end;
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
    size_t stamps = stamp_block_end(c);
    for (size_t i = 0; i < c->x->n; i++) {
        const lw_fact *f = &c->x->facts[i];
        if (strcmp(f->kind, "agency") || f->start >= zone || f->start < stamps)
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
        /* the zone ends at the motto, which a two-column header flattened by OCR puts on the
         * parent's line: the next line is looked at up to the number or the place and date */
        size_t sublim = sub_limit(c, best);
        size_t k = best->end;
        while (k < sublim && c->text[k] != '\n')
            k++;
        while (k < sublim && strchr(" \t\n*_", c->text[k]))
            k++;
        for (size_t i = 0; i < c->x->n && k < sublim; i++) {
            const lw_fact *f = &c->x->facts[i];
            if (strcmp(f->kind, "agency") || f->start < k)
                continue;
            size_t e = f->end;
            while (e < c->len && strchr(" \t*_", c->text[e]))
                e++;
            /* "CỤC THUẾ Độc lập - Tự do - Hạnh phúc": the motto's second column after it */
            for (size_t j = first_match_at(c, e); j < c->all.n && c->all.v[j].start == e; j++)
                if (kind_is(&c->all.v[j], "header.motto2"))
                    e = para_end(c, e);
            int own_line = 1;
            for (size_t j = k; j < f->start; j++)
                if (!strchr(" \t*_", c->text[j]))
                    own_line = 0;
            if (own_line && f->start < sublim && (e == c->len || c->text[e] == '\n') &&
                is_upper_line(c->text + f->start, f->end - f->start))
                sub = f;
            break;
        }
    }
    if (best && !sub) {
        char *organ = parent_organ(c, best);
        if (organ) {
            /* "HIỆP HỘI CÔNG CHỨNG VIÊN VIỆT NAM" over "BAN THƯỜNG VỤ": the organ of the parent */
            const char *pname = json_string_value(json_object_get(best->fields, "name"));
            lw_buf b = {0};
            lw_buf_printf(&b, "%s %s", organ, pname ? pname : "");
            free(organ);
            char *name = lw_buf_detach(&b, NULL);
            json_object_set_new(h, "issuer", name ? json_string(name) : json_null());
            free(name);
            return;
        }
    }
    if (best && !sub && sub_unit_follows(c, best))
        best = NULL; /* the parent of an issuer whose name is not known: not the issuer */
    if (!best) {
        char *sn = stamp_issuer(c);
        if (sn) {
            json_object_set_new(h, "issuer", json_string(sn));
            free(sn);
            return;
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
    size_t nl = name ? strlen(name) : 0;
    int bare_tinh = nl > strlen(" tỉnh") && !strcmp(name + nl - strlen(" tỉnh"), " tỉnh");
    if (bare_tinh && c->province && json_is_null(json_object_get(best->fields, "province")) &&
        !is_city_tw(c, c->province)) {
        /* "Ủy ban nhân dân tỉnh" with its name lost to OCR: the province the document is about */
        char buf[512];
        snprintf(buf, sizeof buf, "%s %s", name, c->province);
        json_object_set_new(h, "issuer", json_string(buf));
    } else if (scope && c->province && json_is_null(json_object_get(best->fields, "province"))) {
        /* "ỦY BAN NHÂN DÂN" under TM.: the province's, named elsewhere in the document */
        char buf[512];
        snprintf(buf, sizeof buf, "%s %s %s", name, scope, c->province);
        json_object_set_new(h, "issuer", json_string(buf));
    } else {
        json_object_set_new(h, "issuer", json_string(name));
    }
}

/* ---- facts ---- */

/* The canonical symbol of a legal_ref match, with "KH/UBND" (a slash typed for the hyphen,
 * rule set {slash: hyphen}) read as "KH-UBND". Owned, NULL without a symbol. */
static char *ref_symbol(const ctx_t *c, const raw_match *r)
{
    lw_span ss = grp(r, "sym");
    if (ss.start == SIZE_MAX)
        return NULL;
    char *sym = lw_lexicon_symbol(c->lx, c->text + ss.start, ss.end - ss.start);
    if (sym && set_str(r, "slash") && !strcmp(set_str(r, "slash"), "hyphen"))
        for (char *p = sym; *p; p++)
            if (*p == '/')
                *p = '-';
    return sym;
}

/* Every segment of the hyphenated symbols a document writes ("UBND", "KGVX" of
 * "UBND-KGVX"; its own number's too): the vocabulary that says where a hyphen the text
 * layer dropped belongs. Keys in upper case. */
static void note_segments(json_t *seen, const char *sym)
{
    if (!sym || !strchr(sym, '-'))
        return;
    for (const char *p = sym; *p;) {
        size_t n = strcspn(p, "-/");
        if (n) {
            char *up = lw_text_upper(p, n);
            if (up)
                json_object_set_new(seen, up, json_true());
            free(up);
        }
        p += n;
        if (*p)
            p++;
    }
}

static int is_code(const ctx_t *c, const char *seg)
{
    const char *t = lw_lexicon_type_of_symbol(c->lx, seg);
    return t && !strpbrk(seg, "0123456789");
}

/* Whether seg (upper case) is one of refs.yaml's issuer_codes. */
static int is_issuer(const ctx_t *c, const char *seg)
{
    json_t *list = lw_ruleset_data(c->rs, "issuer_codes"), *v;
    size_t i;
    json_array_foreach(list, i, v) {
        if (!json_is_string(v))
            continue;
        char *up = lw_text_upper(json_string_value(v), strlen(json_string_value(v)));
        int same = up && !strcmp(up, seg);
        free(up);
        if (same)
            return 1;
    }
    return 0;
}

/* A symbol that lost its hyphen in the text layer ("UBNDKGVX", "NĐCP", "KHUBND",
 * "TTXTĐTND"): split where the document's own vocabulary makes it certain, that is after an
 * issuer's code it writes elsewhere in a hyphenated symbol (the rest at least two letters),
 * or after a type code followed by a segment the document writes, another type code or a
 * known issuer's code (refs.yaml issuer_codes: "NĐCP" alone is NĐ-CP). After a
 * type code an unknown rest proves nothing: "KHBT" (a fund's own code) stays whole.
 * Returns the canonical split symbol (owned) or NULL. */
static char *split_joined_symbol(const ctx_t *c, const char *sym, json_t *seen)
{
    size_t n = strlen(sym);
    if (n < 4 || strpbrk(sym, "-/.&0123456789"))
        return NULL;
    char *whole = lw_text_upper(sym, n);
    int known = whole && (json_object_get(seen, whole) || is_issuer(c, whole));
    free(whole);
    if (known || is_code(c, sym))
        return NULL;
    for (size_t i = 1; i + 1 < n; i++) {
        if (((unsigned char)sym[i] & 0xC0) == 0x80)
            continue; /* inside a UTF-8 character */
        char p[128], *r = NULL;
        if (i >= sizeof p)
            break;
        memcpy(p, sym, i);
        p[i] = '\0';
        const char *rest = sym + i;
        size_t rchars = 0;
        for (const char *q = rest; *q; q++)
            rchars += ((unsigned char)*q & 0xC0) != 0x80;
        char *pu = lw_text_upper(p, i), *ru = lw_text_upper(rest, strlen(rest));
        int p_seen = pu && json_object_get(seen, pu) != NULL;
        int r_known = ru && (json_object_get(seen, ru) != NULL || is_code(c, ru) || is_issuer(c, ru));
        int p_code = is_code(c, pu ? pu : p);
        int ok = rchars >= 2 && (p_code ? r_known : (p_seen && i >= 2));
        free(pu);
        free(ru);
        if (!ok)
            continue;
        size_t bl = n + 2;
        char *b = malloc(bl);
        if (!b)
            return NULL;
        snprintf(b, bl, "%s-%s", p, rest);
        r = lw_lexicon_symbol(c->lx, b, strlen(b));
        free(b);
        return r;
    }
    return NULL;
}

/* "Quyết định số 1 2⁄2021/QĐ-T1g": OCR split the number. Digits alone right after "số"
 * and one space before the number belong to it (no document number has a space inside);
 * without "số" before them they are another thing's (a list's "1", a count) and stay out.
 * Takes num (may be NULL) and returns the number to use, owned. */
static char *joined_split_number(const ctx_t *c, const raw_match *r, char *num)
{
    lw_span ns = grp(r, "num");
    if (!num || ns.start == SIZE_MAX || ns.start < 2 || c->text[ns.start - 1] != ' ')
        return num;
    size_t b = ns.start - 1;
    while (b > 0 && isdigit((unsigned char)c->text[b - 1]))
        b--;
    size_t nd = ns.start - 1 - b;
    if (!nd || nd > 4)
        return num;
    size_t w = b;
    while (w > 0 && (c->text[w - 1] == ' ' || c->text[w - 1] == ':'))
        w--;
    size_t so = strlen("số");
    if (w < so || w == b || strncmp(c->text + w - so, "số", so) ||
        (w > so && isalpha((unsigned char)c->text[w - so - 1])))
        return num;
    char *j = malloc(nd + strlen(num) + 1);
    if (!j)
        return num; /* the number as read: out of memory here loses no reference */
    memcpy(j, c->text + b, nd);
    strcpy(j + nd, num);
    free(num);
    return j;
}

static void build_legal_refs(ctx_t *c)
{
    json_t *seen = json_object();
    if (c->own_id) {
        const char *s = strrchr(c->own_id, '/');
        note_segments(seen, s ? s + 1 : c->own_id);
    }
    for (size_t i = 0; i < c->all.n; i++) {
        const raw_match *r = &c->all.v[i];
        if (r->dropped || !kind_is(r, "legal_ref"))
            continue;
        char *sym = ref_symbol(c, r);
        note_segments(seen, sym);
        free(sym);
    }
    for (size_t i = 0; i < c->all.n; i++) {
        raw_match *r = &c->all.v[i];
        if (r->dropped || !kind_is(r, "legal_ref"))
            continue;
        if (c->header_num_end > c->header_num_start && r->start < c->header_num_end &&
            r->end > c->header_num_start)
            continue; /* the document's own number is header, not a reference */
        const char *type = set_str(r, "type");
        lw_span ts = grp(r, "type");
        if (ts.start != SIZE_MAX) {
            const char *t = lw_lexicon_type(c->lx, c->text + ts.start, ts.end - ts.start);
            if (t)
                type = t;
        }
        char *num = grp_str(c, r, "num");
        num = joined_split_number(c, r, num);
        int year = grp_int(c, r, "year");
        char *sym = ref_symbol(c, r);
        if (sym) {
            char *split = split_joined_symbol(c, sym, seen);
            if (split) {
                free(sym);
                sym = split;
            }
        }
        int party = set_str(r, "form") && !strcmp(set_str(r, "form"), "party");
        if (num && sym && c->own_id) {
            /* "Kèm theo Quyết định số 779/QĐ-UBND", a title line: the document names itself */
            char *id = lw_make_id(num, year, sym, party);
            int own = id && !strcasecmp(id, c->own_id);
            free(id);
            if (own) {
                free(num);
                free(sym);
                continue;
            }
        }
        json_t *f = json_object();
        if (!type && sym)
            type = lw_lexicon_type_of_symbol(c->lx, sym);
        if (!type && sym)
            type = "Công văn";
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
    json_decref(seen);
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
                         const char *since, json_t *seen)
{
    if (!to || (from && !strcasecmp(from, to)))
        return;
    char key[600];
    snprintf(key, sizeof key, "%s|%s|%s", type, from ? from : "", to);
    if (json_object_get(seen, key))
        return;
    json_object_set_new(seen, key, json_true());
    json_t *f = json_pack("{s:s,s:o,s:s}", "type", type, "from", from ? json_string(from) : json_null(), "to", to);
    if (f && since)
        json_object_set_new(f, "since", json_string(since));
    add_fact(c, "relation", r->rule, r->start, r->end, f);
}

/* The index of the first of the n first facts (x->facts, sorted by start up to n: the
 * relations built are appended after them) that starts at or after pos. */
static size_t first_fact_at(const lw_extraction *x, size_t n, size_t pos)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x->facts[mid].start < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Where the sentence holding pos starts: its paragraph's start, or just after the last ';' or
 * ". " before an upper-case letter (any non-ASCII byte counts as one), at most 1000 bytes
 * back. */
static size_t sentence_start(const ctx_t *c, size_t pos)
{
    size_t ps = para_start(c, pos), lim = pos > 1000 ? pos - 1000 : 0;
    if (ps < lim)
        ps = lim;
    for (size_t i = pos; i > ps; i--) {
        char ch = c->text[i - 1];
        if (ch == ';')
            return i;
        if (ch == '.' && i < c->len && c->text[i] == ' ' && i + 1 < c->len &&
            ((c->text[i + 1] >= 'A' && c->text[i + 1] <= 'Z') || (unsigned char)c->text[i + 1] >= 0x80))
            return i + 1;
    }
    return ps;
}

/* Where the sentence holding pos ends: its paragraph's end, or the first ';' or ". " before
 * an upper-case letter, at most 1000 bytes on. */
static size_t sentence_end(const ctx_t *c, size_t pos)
{
    size_t pe = para_end(c, pos), lim = c->len - pos > 1000 ? pos + 1000 : c->len;
    if (pe > lim)
        pe = lim;
    for (size_t i = pos; i < pe; i++) {
        char ch = c->text[i];
        if (ch == ';')
            return i;
        if (ch == '.' && i + 2 < c->len && c->text[i + 1] == ' ' &&
            ((c->text[i + 2] >= 'A' && c->text[i + 2] <= 'Z') || (unsigned char)c->text[i + 2] >= 0x80))
            return i;
    }
    return pe;
}

/* What comes before a trigger on its line: 0 words, 1 nothing but list marks ("1.", "a)",
 * "-"), 2 an article's number ("Điều 2."): the document's own act in a normative text. */
static int opening_of(const ctx_t *c, size_t pos)
{
    static const char article[] = "Điều";
    const char *p = c->text + para_start(c, pos), *e = c->text + pos;
    int kind = 1;
    while (p < e && strchr(" \t*-+", *p))
        p++;
    if ((size_t)(e - p) > sizeof article - 1 && !strncmp(p, article, sizeof article - 1)) {
        p += sizeof article - 1;
        while (p < e && *p == ' ')
            p++;
        if (p == e || *p < '0' || *p > '9')
            return 0;
        while (p < e && ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z')))
            p++;
        if (p < e && (*p == '.' || *p == ':'))
            p++;
        kind = 2;
    } else if (p < e && ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z' && p + 1 < e && p[1] == ')'))) {
        while (p < e && ((*p >= '0' && *p <= '9') || *p == '.'))
            p++;
        if (p < e && *p >= 'a' && *p <= 'z')
            p++;
        if (p < e && (*p == ')' || *p == '.'))
            p++;
    }
    while (p < e && (*p == ' ' || *p == '\t'))
        p++;
    return p == e ? kind : 0;
}

/* Whether a context.self match ("Thông tư này", "ban hành Nghị định sửa đổi") lies in
 * [from, to); its start in *at. */
static int self_between(const ctx_t *c, size_t from, size_t to, size_t *at)
{
    int found = 0;
    for (size_t i = first_match_at(c, from); i < c->all.n && c->all.v[i].start < to; i++)
        if (!c->all.v[i].dropped && kind_is(&c->all.v[i], "context.self") && c->all.v[i].end <= to) {
            *at = c->all.v[i].start;
            found = 1;
        }
    return found;
}

/* The date of a context.in_force match in [from, to) ("có hiệu lực thi hành từ ngày …"), ISO
 * into buf; NULL when none. */
static const char *in_force_between(const ctx_t *c, size_t from, size_t to, char buf[11])
{
    for (size_t i = first_match_at(c, from); i < c->all.n && c->all.v[i].start < to; i++) {
        const raw_match *r = &c->all.v[i];
        lw_date d;
        int bad;
        if (!r->dropped && kind_is(r, "context.in_force") && r->end <= to &&
            (get_date(c, r, "d", "m", "y", &d, &bad) || get_date(c, r, "d2", "m2", "y2", &d, &bad)))
            return lw_date_iso(d, buf);
    }
    return NULL;
}

/* The date the document takes effect when it states one (context.in_force right after
 * context.self), ISO into buf; NULL when it does not. */
static const char *own_in_force(const ctx_t *c, char buf[11])
{
    for (size_t i = 0; i < c->all.n; i++) {
        const raw_match *r = &c->all.v[i];
        if (r->dropped || !kind_is(r, "context.in_force"))
            continue;
        size_t at, from = r->start > 80 ? r->start - 80 : 0;
        if (!self_between(c, from, r->start, &at))
            continue;
        lw_date d;
        int bad;
        if (get_date(c, r, "d", "m", "y", &d, &bad) || get_date(c, r, "d2", "m2", "y2", &d, &bad))
            return lw_date_iso(d, buf);
    }
    return NULL;
}

/* The first reference with an id in [a, b) among the n first facts, or NULL. */
static const lw_fact *first_ref_in(const ctx_t *c, size_t n, size_t a, size_t b)
{
    for (size_t k = first_fact_at(c->x, n, a); k < n && c->x->facts[k].start < b; k++)
        if (!strcmp(c->x->facts[k].kind, "legal_ref") && ref_id(&c->x->facts[k]) && c->x->facts[k].end <= b)
            return &c->x->facts[k];
    return NULL;
}

/* Whether the paragraph [ps, pe) ends a table row (a bare date, the row's last cell:
 * "01/7/2024"), heads a section of the table ("V. …") or opens with a passive relation ("Được thay thế bởi …", the cell of the
 * row before): a row's document is never looked for past it. */
static int row_bound(const ctx_t *c, size_t ps, size_t pe)
{
    size_t q = ps, digits = 0;
    while (q < pe && strchr(" \t0123456789/.-", c->text[q]))
        digits += c->text[q] >= '0' && c->text[q] <= '9', q++;
    if (q == pe && digits >= 4)
        return 1;
    /* a section heading of the table: "V. LĨNH VỰC BẢO TRỢ XÃ HỘI" */
    for (q = ps; q < pe && strchr("IVX", c->text[q]); q++)
        ;
    if (q > ps && q < pe && c->text[q] == '.')
        return 1;
    q = ps;
    while (q < pe && strchr(" \t*-+", c->text[q]))
        q++;
    for (size_t i = first_match_at(c, q); i < c->all.n && c->all.v[i].start == q; i++) {
        const char *dir = set_str(&c->all.v[i], "direction");
        if (!c->all.v[i].dropped && kind_is(&c->all.v[i], "relation") && dir && !strcmp(dir, "passive"))
            return 1;
    }
    return 0;
}

/* In a table of documents (a list of those that ceased to have effect), the row's document
 * is the reference that opens one of the paragraphs before the one at pos (a cell wraps over
 * several; the parts of it that ceased may sit between), back to the end of the row before. */
static const lw_fact *row_subject(const ctx_t *c, size_t n, size_t pos)
{
    size_t p = para_start(c, pos), lim = pos > 2500 ? pos - 2500 : 0;
    for (int back = 0; back < 12 && p > lim; back++) {
        size_t ps = para_start(c, p - 1);
        if (row_bound(c, ps, p - 1))
            return NULL;
        size_t q = ps;
        while (q < p && strchr(" \t*-+0123456789.", c->text[q]))
            q++;
        const lw_fact *f = first_ref_in(c, n, q, p);
        if (f && f->start == q)
            return f;
        p = ps;
    }
    return NULL;
}

/* Whether the words right before pos name a type with no number ("Nghị định sửa đổi ...",
 * "Thông tư thay thế ..."): an unnamed document, often a draft in a programme, is the subject
 * of the relation, not a reference further back. Types from lexicon.yaml (doc_types). */
static int bare_type_before(const ctx_t *c, size_t pos)
{
    size_t e = pos;
    while (e > 0 && c->text[e - 1] == ' ')
        e--;
    size_t i;
    json_t *t;
    json_array_foreach(lw_ruleset_data(c->rs, "doc_types"), i, t) {
        const char *name = json_string_value(json_object_get(t, "name"));
        size_t n = name ? strlen(name) : 0;
        if (!n || n > e)
            continue;
        const char *p = c->text + e - n;
        /* the type as written, or with a lower-case first letter mid-sentence */
        if (!strncmp(p, name, n) || (tolower((unsigned char)p[0]) == tolower((unsigned char)name[0]) &&
                                     !strncmp(p + 1, name + 1, n - 1)))
            if (e == n || !isalnum((unsigned char)p[-1]))
                return 1;
    }
    return 0;
}

static int has_year(const char *id)
{
    const char *s = id ? strchr(id, '/') : NULL;
    return s && strchr(s + 1, '/');
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
    char since_buf[11];
    const char *since = own_in_force(c, since_buf);
    json_t *seen = json_object();
    for (size_t i = 0; i < c->all.n; i++) {
        const raw_match *r = &c->all.v[i];
        if (r->dropped || !kind_is(r, "relation"))
            continue;
        const char *type = set_str(r, "type");
        const char *dir = set_str(r, "direction");
        if (!type)
            continue;
        const lw_fact *prev = NULL, *next = NULL, *far_next = NULL;
        size_t ss = sentence_start(c, r->start), at = 0;
        size_t lo = r->start > 300 + maxlen ? r->start - 300 - maxlen : 0;
        for (size_t k = first_fact_at(c->x, nref, lo); k < nref && c->x->facts[k].start < r->end + 400; k++) {
            const lw_fact *f = &c->x->facts[k];
            if (strcmp(f->kind, "legal_ref") || !ref_id(f))
                continue;
            if (f->end <= r->start && r->start - f->end < 300 && !crosses(c, f->end, r->start, "\n;") &&
                f->start >= ss)
                prev = f;
            if (!far_next && f->start >= r->end && !crosses(c, r->end, f->start, "\n;"))
                far_next = f;
            if (!next && f->start >= r->end && f->start - r->end < 120 && !crosses(c, r->end, f->start, "\n;"))
                next = f;
        }
        /* the document's own act: a sentence that names the document itself before the
         * trigger (and after any other reference), or an article that opens with it */
        int opening = prev ? 0 : opening_of(c, r->start); /* only asked without a reference before */
        int self = (self_between(c, ss, r->start, &at) && (!prev || prev->end <= at)) ||
                   (!prev && (opening == 2 || (opening == 1 && has_year(c->own_id))));
        if (dir && !strcmp(dir, "document")) {
            /* "Căn cứ ...", "Thực hiện ...": the document implements every reference of
             * the paragraph that opens right after the trigger */
            if (!next || next->start - r->end > 40)
                continue;
            size_t pe = para_end(c, r->end);
            for (size_t k = first_fact_at(c->x, nref, r->end); k < nref && c->x->facts[k].start < pe; k++) {
                const lw_fact *f = &c->x->facts[k];
                if (!strcmp(f->kind, "legal_ref") && ref_id(f) && f->start >= r->end && f->end <= pe)
                    add_relation(c, r, type, c->own_id, ref_id(f), NULL, seen);
            }
        } else if (dir && !strcmp(dir, "passive")) {
            if (!prev && opening)
                prev = row_subject(c, nref, r->start);
            if (prev && next)
                add_relation(c, r, type, ref_id(next), ref_id(prev), NULL, seen);
        } else if (dir && !strcmp(dir, "to_only")) {
            if (next)
                add_relation(c, r, type, NULL, ref_id(next), NULL, seen);
        } else if (dir && !strcmp(dir, "ceases")) {
            /* "X hết hiệu lực kể từ ngày Nghị định này có hiệu lực", "Kể từ ngày Nghị định
             * này có hiệu lực, X hết hiệu lực": X is the sentence's first reference; "Các văn
             * bản sau hết hiệu lực …:" lists them in the items that follow */
            const lw_fact *x = first_ref_in(c, nref, ss, sentence_end(c, r->end));
            if (x)
                add_relation(c, r, type, c->own_id, ref_id(x), since, seen);
            else
                for (size_t p = para_end(c, r->end), n = 0; p < c->len && n < 20; n++) {
                    size_t ps = p + 1, pe = para_end(c, ps);
                    size_t q = ps;
                    while (q < pe && strchr(" \t*-+0123456789.)", c->text[q]))
                        q++;
                    if (q < pe && q + 1 < pe && c->text[q + 1] == ')' && c->text[q] >= 'a' && c->text[q] <= 'z')
                        q += 2; /* "a) " */
                    while (q < pe && c->text[q] == ' ')
                        q++;
                    const lw_fact *item = q > ps ? first_ref_in(c, nref, q, pe) : NULL;
                    if (!item || item->start != q)
                        break;
                    add_relation(c, r, type, c->own_id, ref_id(item), since, seen);
                    p = pe;
                }
        } else if (self && far_next && (strcmp(type, "replaces") || (next && next->start - r->end <= 30))) {
            /* an amendment may name its target after the parts it amends ("Sửa đổi, bổ sung
             * một số điều về ... tại Thông tư số ..."); a replacement names it at once */
            add_relation(c, r, type, c->own_id, ref_id(far_next), since, seen);
        } else if ((!dir || strcmp(dir, "self")) && prev && next && !bare_type_before(c, r->start)) {
            /* "Y …, có hiệu lực thi hành từ 26/11/2024, thay thế X": the date Y took effect */
            char ybuf[11];
            add_relation(c, r, type, ref_id(prev), ref_id(next), in_force_between(c, prev->end, r->start, ybuf), seen);
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

static int is_table_line(const ctx_t *c, size_t ls)
{
    while (ls < c->len && (c->text[ls] == ' ' || c->text[ls] == '\t'))
        ls++;
    return ls < c->len && c->text[ls] == '|';
}

static int has_word(const char *s, size_t n, const char *w)
{
    size_t wl = strlen(w);
    for (size_t i = 0; i + wl <= n; i++)
        if (!memcmp(s + i, w, wl))
            return 1;
    return 0;
}

/* Whether the table holding pos has a heading that names a time ("Thời gian trình",
 * "Thời hạn hoàn thành", "Tiến độ"): its month cells are then time limits, not the months
 * a statistics table counts by. Walks back to the table's first line, or only to the line
 * of the cell judged before it when that one is of the same table (linear over a table). */
static int table_names_time(ctx_t *c, size_t pos)
{
    size_t ls = para_start(c, pos), s = ls;
    if (ls > 0 && c->text[ls - 1] != '\n')
        return 0; /* a line longer than LW_PARA_SCAN is no table row */
    for (int k = 0; k < 10000; k++) {
        if (s == c->tbl_line) {
            c->tbl_line = ls;
            return c->tbl_time;
        }
        if (s == 0)
            break;
        size_t prev = para_start(c, s - 1);
        if ((prev > 0 && c->text[prev - 1] != '\n') || !is_table_line(c, prev))
            break;
        s = prev;
    }
    /* the heading: the lines from the first one to the "| --- |" rule (at most four) */
    int found = 0;
    for (int k = 0; k < 4 && s < c->len && is_table_line(c, s); k++) {
        size_t e = para_end(c, s);
        const char *t = c->text + s;
        size_t n = e - s;
        if (has_word(t, n, "---"))
            break;
        if (has_word(t, n, "hời gian") || has_word(t, n, "HỜI GIAN") || has_word(t, n, "hời hạn") ||
            has_word(t, n, "HỜI HẠN") || has_word(t, n, "iến độ") || has_word(t, n, "IẾN ĐỘ"))
            found = 1;
        s = e + 1;
    }
    c->tbl_line = ls;
    c->tbl_time = found;
    return found;
}

static void build_deadlines(ctx_t *c)
{
    /* a report (Báo cáo) tells what was done: a period it names that had begun by its date
     * is the period reported on, not a time limit ("nhiệm vụ CCHC trong 6 tháng cuối năm
     * 2025" in a report of December 2025); a day it sets ("hoàn thành trước ngày ...", in its
     * proposals) and a period still to come stay */
    const char *kind = json_string_value(json_object_get(c->x->header, "kind"));
    int report = kind && !strcmp(kind, "Báo cáo") && c->have_doc_date;
    char doc_iso[11] = "";
    if (report)
        lw_date_iso(c->doc_date, doc_iso);
    /* ... up to its heading of what is ahead ("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2026"): from
     * there on a period begun by its date is a task ("trong quý I năm 2021" in a report of
     * January 2021) */
    size_t ahead = SIZE_MAX;
    for (size_t i = 0; i < c->all.n && report; i++)
        if (kind_is(&c->all.v[i], "context.ahead")) {
            ahead = c->all.v[i].start;
            break;
        }
    for (size_t i = 0; i < c->all.n; i++) {
        const raw_match *r = &c->all.v[i];
        if (r->dropped || !kind_is(r, "deadline"))
            continue;
        const char *how = r->rule->resolve;
        const char *qual = set_str(r, "qualifier");
        int cell = set_str(r, "context") && !strcmp(set_str(r, "context"), "table");
        if (cell) {
            /* a time limit stands beside the work it bounds; a month in a row's first cell is
             * what a statistics table counts by ("| Tháng 01/2025 | 120 |") */
            int cells = 0;
            for (size_t k = para_start(c, r->start); k < r->start; k++)
                cells += c->text[k] == '|';
            if (cells < 2 || !table_names_time(c, r->start))
                continue;
        }
        json_t *f = json_object();
        lw_date d, from = {0, 0, 0};
        int bad = 0, ok = 0;
        int year = grp_int(c, r, "y");
        if (year < 1900 && cell) {
            /* a table row's text names other years ("đến năm 2030, tầm nhìn đến năm 2050"):
             * the plan's year is the title's, else the document's */
            year = c->title_year ? c->title_year : (c->have_doc_date ? c->doc_date.y : 0);
        }
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
                lw_date start = c->doc_date;
                int hf = c->have_doc_date && lw_date_cmp(c->doc_date, to) <= 0;
                if (has(r, "d0")) {
                    /* "từ ngày 01/6 đến ngày 30/9/2025": the work starts on its first day
                     * (the year of the last when the first gives none) */
                    int y0 = grp_int(c, r, "y0");
                    lw_date s0 = {y0 > 0 ? y0 : to.y, grp_int(c, r, "m0"), grp_int(c, r, "d0")};
                    if (!lw_date_valid(s0) || lw_date_cmp(s0, to) > 0) {
                        json_decref(f);
                        continue;
                    }
                    start = s0;
                    hf = 1;
                }
                put_interval(f, start, hf, to, "day", qual ? qual : (before ? "before" : "by"));
                ok = 1;
            }
        } else if (!strcmp(how, "deadline.event")) {
            /* "trước Hội nghị": the day of the meeting the letter calls, the nearest time of
             * a meeting stated before the words (else the first after them); none: no date */
            const raw_match *ev = NULL;
            for (size_t k = 0; k < c->all.n; k++) {
                const raw_match *e = &c->all.v[k];
                if (e->dropped || !kind_is(e, "context.event"))
                    continue;
                if (e->start > r->start && ev)
                    break;
                ev = e;
            }
            if (ev) {
                lw_date t = {grp_int(c, ev, "y"), grp_int(c, ev, "m"), grp_int(c, ev, "d")};
                if (lw_date_valid(t) && (!c->have_doc_date || lw_date_cmp(c->doc_date, t) <= 0)) {
                    put_interval(f, c->doc_date, c->have_doc_date, t, "day", qual ? qual : "by");
                    ok = 1;
                }
            }
        } else if (!strcmp(how, "deadline.quarterly")) {
            /* "trước ngày 15 tháng cuối quý": the same day of every quarter; the duty is
             * judged at its first occurrence after the document's date (a programme of
             * 08/01/2024: 14/3/2024), else of the year the context names */
            int day = grp_int(c, r, "d");
            int off = has(r, "first") ? 0 : has(r, "second") ? 1 : 2;
            lw_date base = c->have_doc_date ? c->doc_date : (lw_date){year, 1, 1};
            for (int k = 0; k < 2 && base.y >= 1900 && !ok && !bad; k++) {
                int q = (base.m - 1) / 3 + k, y = base.y + q / 4;
                lw_date t = {y, 3 * (q % 4) + 1 + off, day};
                if (!lw_date_valid(t)) {
                    bad = 1;
                    break;
                }
                lw_date to = has(r, "before") ? lw_date_add_days(t, -1) : t;
                if (lw_date_cmp(to, base) < (c->have_doc_date ? 1 : 0))
                    continue; /* not due on the day it is set */
                put_interval(f, base, 1, to, "day", qual ? qual : "recurring");
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
            /* a scan's "IW" is IV (deadline.quarter_ocr) */
            int q = has(r, "iv") ? 4 : grp_int(c, r, "q"), q2 = grp_int(c, r, "q2");
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
            /* a year of work named in a sentence: one already past at the document's date
             * is a year told about, not one to work in */
            int past = json_is_true(json_object_get(r->rule->set, "not_before_doc_year")) && c->have_doc_date &&
                       year < c->doc_date.y;
            if (year && !past) {
                lw_date a = {year, 1, 1}, b = {year, 12, 31};
                const char *prec = set_str(r, "precision");
                put_interval(f, a, 1, b, prec ? prec : "year", qual ? qual : "during");
                ok = 1;
            }
        }
        (void)from;
        if (bad)
            warn(c, r->start, "ngày không tồn tại trong thời hạn (impossible date in a deadline)");
        if (ok && report && r->start < ahead) {
            const char *prec = json_string_value(json_object_get(f, "precision"));
            const char *fr = json_string_value(json_object_get(f, "from"));
            if (prec && strcmp(prec, "day") && fr && strcmp(fr, doc_iso) <= 0)
                ok = 0;
        }
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
    /* the line before and this one, at most 160 bytes back: a stamp's lines are short, and a
     * document of one long line must not be read again for every name in it */
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
    ctx_t c = {.rs = rs, .lx = lx, .m = m, .text = text, .len = len, .x = x, .tbl_line = SIZE_MAX};
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
