/* lw_duty_table: duty facts from Markdown pipe tables (see lw_duty_table.h).
 *
 * Precision first: a reviewer trusts a deadline only when the table says who does what by
 * when. So a table is read only when its header names a lead column and a time column; a
 * row only when both give something; a header, separator or sub-header row never does, nor
 * a row whose cells do not line up with the header (a '|' inside a cell would shift every
 * column after it). The vocabulary (column labels, unit head words, abbreviations, time
 * patterns) is rules/duty_tables.yaml; this module only knows the shape of a table. */
#include "lw_duty_table.h"

#include "lw_date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "lw_duty.h"
#include "lw_fold.h"
#include "lw_resolve.h"
#include "lw_text.h"
#include "lw_yaml.h"

enum { R_NONE, R_START, R_TIME, R_RESULT, R_STATUS, R_PARTNERS, R_LEAD, R_OUTPUT, R_TASK, R_NOTES, R_COUNT };
static const char *const role_names[R_COUNT] = {"", "start", "time", "result", "status", "partners",
                                                "lead", "output", "task", "notes"};

#define MAX_COLS 64
#define MAX_CONT_LINES 8 /* lines a row may run over when a cell breaks */

typedef struct {
    size_t s, e; /* trimmed content */
} span_t;

typedef struct {
    size_t s, e; /* from the row's '|' to its last byte */
    span_t c[MAX_COLS];
    size_t n;
    int overflow; /* more than MAX_COLS cells */
} row_t;

typedef struct {
    size_t s, e;
    const char *name;
    const char *level; /* may be NULL */
} unit_t;

typedef struct {
    unit_t *v;
    size_t n, cap;
} unit_list;

typedef struct {
    size_t s, e; /* a row that gave table duties */
} done_t;

typedef struct {
    const lw_ruleset *rs;
    lw_matcher *m;
    const char *text;
    size_t len;
    lw_extraction *x;
    char **words[R_COUNT]; /* folded column words per role */
    size_t nwords[R_COUNT];
    int order[R_COUNT]; /* the roles in the order of table_columns: the first that fits wins */
    size_t norder;
    char **heads; /* folded unit head words */
    size_t nheads;
    char **status; /* folded words that open a cell of work done or under way */
    size_t nstatus;
    json_t *abbrev; /* borrowed */
    unit_list units; /* of the table being read */
    char **owned;    /* names built from cell text */
    size_t nowned, capowned;
    done_t *done;
    size_t ndone, capdone;
    int subject_year, doc_year;
    lw_date doc_date;
    int have_doc_date;
    int nomem;
} tctx;

/* ---- small helpers ---- */

static int is_space(char ch) { return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n'; }
static int is_alnum_ascii(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

static void trim(const char *t, size_t *s, size_t *e)
{
    while (*s < *e && is_space(t[*s]))
        (*s)++;
    while (*e > *s && is_space(t[*e - 1]))
        (*e)--;
}

/* Whether folded word w occurs in folded label f as whole words. */
static int has_word(const char *f, const char *w)
{
    size_t wl = strlen(w);
    if (!wl)
        return 0;
    for (const char *p = strstr(f, w); p; p = strstr(p + 1, w)) {
        int before = p == f || !is_alnum_ascii(p[-1]);
        int after = !is_alnum_ascii(p[wl]);
        if (before && after)
            return 1;
    }
    return 0;
}

static int role_of(const tctx *c, const char *s, size_t n)
{
    char *f = lw_fold_key(s, n);
    int role = R_NONE;
    for (size_t o = 0; f && o < c->norder && !role; o++) {
        int r = c->order[o];
        for (size_t k = 0; k < c->nwords[r] && !role; k++)
            if (has_word(f, c->words[r][k]))
                role = r;
    }
    free(f);
    return role;
}

/* Whether a unit head word opens text[s..e) (whole words, no case or diacritics). */
static int head_at(const tctx *c, size_t s, size_t e)
{
    size_t n = e - s > 48 ? 48 : e - s;
    while (n && s + n < c->len && ((unsigned char)c->text[s + n] & 0xC0) == 0x80)
        n--; /* whole code points only */
    char *f = lw_fold_key(c->text + s, n);
    int hit = 0;
    for (size_t k = 0; f && k < c->nheads && !hit; k++) {
        size_t hl = strlen(c->heads[k]);
        hit = !strncmp(f, c->heads[k], hl) && !is_alnum_ascii(f[hl]);
    }
    free(f);
    return hit;
}

/* Whether the code point at s is upper case ("Cục", not "ban"). */
static int upper_at(const tctx *c, size_t s, size_t e)
{
    size_t n = 1;
    while (s + n < e && ((unsigned char)c->text[s + n] & 0xC0) == 0x80)
        n++;
    char *f = lw_fold_case(c->text + s, n);
    int up = f && strncmp(f, c->text + s, n) != 0;
    free(f);
    return up;
}

/* "1", "12", "2.1.", "I", "IV.", "a)": the numbering cell of a row. */
static int is_numbering(const char *s, size_t n)
{
    if (!n)
        return 0;
    while (n && (s[n - 1] == '.' || s[n - 1] == ')'))
        n--;
    if (!n || n > 8)
        return 0;
    int digits = 1, roman = 1;
    for (size_t i = 0; i < n; i++) {
        digits &= (s[i] >= '0' && s[i] <= '9') || s[i] == '.';
        roman &= s[i] == 'I' || s[i] == 'V' || s[i] == 'X' || s[i] == 'L';
    }
    return digits || roman || (n == 1 && s[0] >= 'a' && s[0] <= 'z');
}

static const char *keep(tctx *c, char *s)
{
    if (!s) {
        c->nomem = 1;
        return NULL;
    }
    if (c->nowned == c->capowned) {
        size_t cap = c->capowned ? c->capowned * 2 : 32;
        char **p = realloc(c->owned, cap * sizeof *p);
        if (!p) {
            free(s);
            c->nomem = 1;
            return NULL;
        }
        c->owned = p;
        c->capowned = cap;
    }
    c->owned[c->nowned++] = s;
    return s;
}

static void add_unit(tctx *c, unit_list *l, size_t s, size_t e, const char *name, const char *level)
{
    if (!name)
        return;
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i].name, name))
            return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        unit_t *p = realloc(l->v, cap * sizeof *p);
        if (!p) {
            c->nomem = 1;
            return;
        }
        l->v = p;
        l->cap = cap;
    }
    l->v[l->n++] = (unit_t){s, e, name, level};
}

/* ---- rows ---- */

/* Reads the row whose line starts at pos (its first non-blank byte is '|'); returns where
 * the next line starts. A line that does not end with '|' goes on on the next line (a
 * cell with a line break), unless that line starts a row of its own or is blank. */
static size_t read_row(const char *t, size_t len, size_t pos, row_t *r)
{
    size_t i = pos;
    while (i < len && (t[i] == ' ' || t[i] == '\t'))
        i++;
    r->s = i;
    r->n = 0;
    r->overflow = 0;
    i++; /* the '|' */
    size_t cs = i;
    int cont = 0;
    for (;;) {
        while (i < len && t[i] != '\n') {
            if (t[i] == '|' && t[i - 1] != '\\') {
                if (r->n < MAX_COLS) {
                    size_t a = cs, b = i;
                    trim(t, &a, &b);
                    r->c[r->n++] = (span_t){a, b};
                } else {
                    r->overflow = 1;
                }
                cs = i + 1;
            }
            i++;
        }
        size_t a = cs, b = i;
        trim(t, &a, &b);
        if (a == b) { /* the line ended with '|' */
            r->e = i;
            return i < len ? i + 1 : len;
        }
        /* the last cell goes on: the next line must be text, not a row nor a blank line */
        size_t nx = i + 1, k = nx;
        while (k < len && (t[k] == ' ' || t[k] == '\t'))
            k++;
        if (i >= len || cont >= MAX_CONT_LINES || k >= len || t[k] == '\n' || t[k] == '|') {
            if (r->n < MAX_COLS)
                r->c[r->n++] = (span_t){a, b};
            else
                r->overflow = 1;
            r->e = i;
            return i < len ? i + 1 : len;
        }
        cont++;
        i = nx;
    }
}

static int is_separator(const char *t, const row_t *r)
{
    if (!r->n)
        return 0;
    for (size_t k = 0; k < r->n; k++) {
        size_t s = r->c[k].s, e = r->c[k].e, dashes = 0;
        if (s < e && t[s] == ':')
            s++;
        if (e > s && t[e - 1] == ':')
            e--;
        for (size_t i = s; i < e; i++) {
            if (t[i] != '-')
                return 0;
            dashes++;
        }
        if (!dashes)
            return 0;
    }
    return 1;
}

static int starts_row(const char *t, size_t len, size_t pos)
{
    while (pos < len && (t[pos] == ' ' || t[pos] == '\t'))
        pos++;
    return pos < len && t[pos] == '|';
}

/* ---- units ---- */

static int cmp_unit(const void *a, const void *b)
{
    const unit_t *x = a, *y = b;
    if (x->s != y->s)
        return x->s < y->s ? -1 : 1;
    return x->e > y->e ? -1 : x->e < y->e;
}

typedef struct {
    tctx *c;
    unit_list *l;
    size_t base;
} unit_cb;

static int push_group(void *ud, const lw_rule *rule, const PCRE2_SIZE *ov, uint32_t np)
{
    (void)np;
    unit_cb *u = ud;
    json_t *name = json_object_get(rule->set, "name"), *level = json_object_get(rule->set, "level");
    if (json_is_string(name)) {
        unit_list *l = u->l;
        if (l->n == l->cap) {
            size_t cap = l->cap ? l->cap * 2 : 32;
            unit_t *p = realloc(l->v, cap * sizeof *p);
            if (!p) {
                u->c->nomem = 1;
                return 1;
            }
            l->v = p;
            l->cap = cap;
        }
        l->v[l->n++] = (unit_t){u->base + ov[0], u->base + ov[1], json_string_value(name),
                                json_is_string(level) ? json_string_value(level) : NULL};
    }
    return 0;
}

/* The agencies and unit groups named in text[s..e), in text order, a name inside a longer
 * one dropped (as lw_duty does). */
static void table_units(tctx *c, size_t s, size_t e)
{
    unit_list all = {0};
    c->units.n = 0;
    for (size_t i = 0; i < c->x->n; i++) {
        const lw_fact *f = &c->x->facts[i];
        if (strcmp(f->kind, "agency") || f->start < s || f->end > e)
            continue;
        const char *name = json_string_value(json_object_get(f->fields, "name"));
        if (!name)
            continue;
        if (all.n == all.cap) {
            size_t cap = all.cap ? all.cap * 2 : 32;
            unit_t *p = realloc(all.v, cap * sizeof *p);
            if (!p) {
                c->nomem = 1;
                break;
            }
            all.v = p;
            all.cap = cap;
        }
        all.v[all.n++] = (unit_t){f->start, f->end, name, json_string_value(json_object_get(f->fields, "level"))};
    }
    unit_cb u = {c, &all, s};
    for (size_t i = 0; i < lw_ruleset_count(c->rs); i++) {
        const lw_rule *r = lw_ruleset_rule(c->rs, i);
        if (!strcmp(r->kind, "duty.unit"))
            lw_rule_match_all(c->m, r, c->text + s, e - s, push_group, &u, NULL);
    }
    if (all.n)
        qsort(all.v, all.n, sizeof *all.v, cmp_unit);
    size_t reach = 0;
    for (size_t i = 0; i < all.n; i++) {
        if (c->units.n && all.v[i].e <= reach)
            continue;
        if (c->units.n == c->units.cap) {
            size_t cap = c->units.cap ? c->units.cap * 2 : 32;
            unit_t *p = realloc(c->units.v, cap * sizeof *p);
            if (!p) {
                c->nomem = 1;
                break;
            }
            c->units.v = p;
            c->units.cap = cap;
        }
        c->units.v[c->units.n++] = all.v[i];
        if (all.v[i].e > reach)
            reach = all.v[i].e;
    }
    free(all.v);
}

/* The units lying in [s, e): indices [*lo, *hi) of c->units (sorted by start). */
static void units_within(const tctx *c, size_t s, size_t e, size_t *lo, size_t *hi)
{
    size_t a = 0, b = c->units.n;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (c->units.v[mid].s < s)
            a = mid + 1;
        else
            b = mid;
    }
    *lo = a;
    while (a < c->units.n && c->units.v[a].s < e)
        a++;
    *hi = a;
}

static const unit_t *unit_covering(const tctx *c, size_t lo, size_t hi, size_t pos)
{
    for (size_t i = lo; i < hi; i++)
        if (c->units.v[i].s < pos && pos < c->units.v[i].e)
            return &c->units.v[i];
    return NULL;
}

static const unit_t *unit_at(const tctx *c, size_t lo, size_t hi, size_t pos)
{
    for (size_t i = lo; i < hi; i++)
        if (c->units.v[i].s == pos)
            return &c->units.v[i];
    return NULL;
}

/* Appends a field spelt out right after the unit word, as official names write it: each
 * part capitalised ("Sở Lao động - Thương binh và Xã hội", "Sở Tài nguyên và Môi
 * trường"): the first word and any word after "-", "," or "và". 0 ok, -1 out of memory. */
static int field_name(lw_buf *b, const char *full)
{
    int cap = 1, bad = 0;
    for (const char *p = full; *p && !bad;) {
        const char *q = p;
        while (*q && *q != ' ')
            q++;
        size_t wl = (size_t)(q - p);
        if (cap && wl && !(wl == strlen("và") && !strncmp(p, "và", wl))) {
            char *tc = lw_text_title_case(p, wl);
            bad |= !tc || lw_buf_append(b, tc, strlen(tc));
            free(tc);
        } else {
            bad |= lw_buf_append(b, p, wl);
        }
        cap = (wl == strlen("và") && !strncmp(p, "và", wl)) || (wl && (p[wl - 1] == ',' || p[wl - 1] == '-'));
        for (p = q; *p == ' '; p++)
            bad |= lw_buf_putc(b, ' ');
    }
    return bad ? -1 : 0;
}

/* A name as the cell writes it: clean, without a trailing "(chủ trì)" remark, the field
 * abbreviations of table_abbreviations spelt out ("Chính sách TN&MT"). Owned by c. */
static const char *name_as_written(tctx *c, size_t s, size_t e)
{
    char *t = lw_text_clean(c->text + s, e - s);
    if (!t) {
        c->nomem = 1;
        return NULL;
    }
    /* the name ends at a remark "(chủ trì)" or a verb "chủ trì, phối hợp với ..." */
    char *cut = strchr(t, '(');
    size_t i;
    json_t *w;
    json_array_foreach(lw_ruleset_data(c->rs, "table_name_stops"), i, w) {
        const char *stop = json_string_value(w);
        size_t sl = stop ? strlen(stop) : 0;
        for (char *p = t; sl && (p = strstr(p, stop)) != NULL; p += sl)
            if (p > t && p[-1] == ' ' && (p[sl] == '\0' || p[sl] == ' ' || p[sl] == ',') && (!cut || p < cut)) {
                cut = p;
                break;
            }
    }
    if (cut && cut > t) {
        *cut = '\0';
        size_t l = strlen(t);
        while (l && (t[l - 1] == ' ' || t[l - 1] == ',' || t[l - 1] == ';'))
            t[--l] = '\0';
    }
    lw_buf b = {0};
    int bad = 0;
    char *second_word = strchr(t, ' '); /* the field right after the unit word */
    while (second_word && *second_word == ' ')
        second_word++;
    for (char *p = t; *p && !bad;) {
        char *q = p;
        while (*q && *q != ' ')
            q++;
        size_t wl = (size_t)(q - p), core = wl;
        while (core && (p[core - 1] == ',' || p[core - 1] == ';' || p[core - 1] == '.'))
            core--;
        char save = p[core];
        p[core] = '\0';
        json_t *full = json_object_get(c->abbrev, p);
        p[core] = save;
        if (json_is_string(full) && p == second_word)
            bad |= field_name(&b, json_string_value(full)) || lw_buf_append(&b, p + core, wl - core);
        else if (json_is_string(full))
            bad |= lw_buf_append(&b, json_string_value(full), strlen(json_string_value(full))) ||
                   lw_buf_append(&b, p + core, wl - core);
        else
            bad |= lw_buf_append(&b, p, wl);
        p = q;
        while (*p == ' ') {
            bad |= lw_buf_putc(&b, ' ');
            p++;
        }
    }
    free(t);
    if (bad) {
        lw_buf_free(&b);
        c->nomem = 1;
        return NULL;
    }
    char *r = lw_buf_detach(&b, NULL);
    if (r && (!*r || strlen(r) > 160)) {
        free(r);
        return NULL; /* a sentence, not a name */
    }
    return keep(c, r);
}

/* Whether a list item starts at pos of a cell ending at e (*skip gets the length of the
 * mark): a line break, ';', a bullet ("- ", "+ ", "• ") or a
 * separator (",", "và") followed by a unit head word written with a capital ("Sở Tư pháp,
 * Sở Nội vụ"; but "Vụ Kế hoạch - Tài chính" and "các Sở, ban, ngành" are one name). */
static int item_break(const tctx *c, size_t pos, size_t e, size_t *skip)
{
    const char *t = c->text;
    size_t after = pos, n = 0;
    if (t[pos] == '\n' || t[pos] == ';') {
        n = 1;
    } else if (t[pos] == '<' && e - pos >= 4 && !strncmp(t + pos, "<br", 3)) {
        const char *gt = memchr(t + pos, '>', e - pos < 8 ? e - pos : 8);
        if (!gt)
            return 0;
        n = (size_t)(gt - (t + pos)) + 1;
    } else if (!strncmp(t + pos, "•", strlen("•")) && pos + strlen("•") <= e) {
        n = strlen("•");
    } else if ((t[pos] == '-' || t[pos] == '+' || t[pos] == ',') && pos + 1 < e && t[pos + 1] == ' ' &&
               (t[pos] == ',' || pos == 0 || is_space(t[pos - 1]))) {
        after = pos + 1;
        while (after < e && t[after] == ' ')
            after++;
        if (after >= e || !upper_at(c, after, e) || !head_at(c, after, e))
            return 0;
        n = 1;
    } else if (pos > 0 && t[pos - 1] == ' ' && e - pos > 3 && !strncmp(t + pos, "và ", strlen("và "))) {
        after = pos + strlen("và ");
        if (!upper_at(c, after, e) || !head_at(c, after, e))
            return 0;
        n = strlen("và ");
    } else {
        return 0;
    }
    *skip = n;
    return 1;
}

/* The units a lead or partner cell names, one per item. */
/* Whether the comma at pos goes on with the name before it: a word in lower case follows
 * ("Cục Hộ tịch, quốc tịch, chứng thực"), where a new unit would open with a capital. */
static int comma_goes_on(const tctx *c, size_t pos, size_t end)
{
    if (c->text[pos] != ',')
        return 0;
    size_t p = pos + 1;
    while (p < end && c->text[p] == ' ')
        p++;
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = p < end ? utf8proc_iterate((const utf8proc_uint8_t *)c->text + p, (utf8proc_ssize_t)(end - p), &cp) : 0;
    return n > 0 && utf8proc_category(cp) == UTF8PROC_CATEGORY_LL;
}

static void cell_units(tctx *c, span_t cell, unit_list *out)
{
    size_t is = cell.s, lo, hi;
    units_within(c, cell.s, cell.e, &lo, &hi);
    for (size_t pos = cell.s; pos <= cell.e; pos++) {
        size_t skip = 0;
        int brk = pos == cell.e;
        if (!brk && !unit_covering(c, lo, hi, pos))
            brk = item_break(c, pos, cell.e, &skip) && !comma_goes_on(c, pos, cell.e);
        if (!brk)
            continue;
        size_t s = is, e = pos;
        trim(c->text, &s, &e);
        while (s < e && (c->text[s] == '-' || c->text[s] == '+' || c->text[s] == ' '))
            s++;
        if (s < e) {
            const unit_t *u = unit_at(c, lo, hi, s);
            size_t ue = u ? u->e : s;
            while (u && ue < e && c->text[ue] == ' ')
                ue++;
            if (u && !(ue < e && comma_goes_on(c, ue, e)))
                add_unit(c, out, u->s, u->e, u->name, u->level);
            else if (u || head_at(c, s, e))
                add_unit(c, out, s, e, name_as_written(c, s, e), NULL);
        }
        pos += skip ? skip - 1 : 0;
        is = pos + 1;
    }
}

/* ---- times ---- */

typedef struct {
    const lw_rule *rule;
    PCRE2_SIZE ov[64];
    uint32_t np;
} tmatch;

static int first_match(void *ud, const lw_rule *rule, const PCRE2_SIZE *ov, uint32_t np)
{
    tmatch *t = ud;
    t->rule = rule;
    t->np = np > 32 ? 32 : np;
    memcpy(t->ov, ov, 2 * t->np * sizeof *ov);
    return 1;
}

static int grp_int(const char *base, const tmatch *t, const char *name)
{
    lw_span s = lw_rule_group(t->rule, t->ov, t->np, name);
    if (s.start == SIZE_MAX)
        return -1;
    return lw_parse_numeral(base + s.start, s.end - s.start);
}

/* The year a context.year rule finds first in s[0..n), 0 when none. */
static int year_in(const tctx *c, const char *s, size_t n)
{
    int best = 0;
    size_t best_s = SIZE_MAX;
    for (size_t i = 0; i < lw_ruleset_count(c->rs); i++) {
        const lw_rule *r = lw_ruleset_rule(c->rs, i);
        if (strcmp(r->kind, "context.year"))
            continue;
        tmatch t = {0};
        lw_rule_match_all(c->m, r, s, n, first_match, &t, NULL);
        if (t.rule && t.ov[0] < best_s) {
            int y = grp_int(s, &t, "y");
            if (y >= 1900 && y < 2200) {
                best = y;
                best_s = t.ov[0];
            }
        }
    }
    return best;
}

/* The year of the caption above a table: of the nearest of the three lines above it that
 * names one ("PHỤ LỤC 01 ... NĂM 2024"), 0 when none does. */
static int caption_year(const tctx *c, size_t table_s)
{
    size_t e = table_s;
    for (int lines = 0; lines < 3 && e > 0 && table_s - e < 1500; lines++) {
        size_t le = e - 1; /* the '\n' that ends the line above */
        size_t ls = le;
        while (ls > 0 && c->text[ls - 1] != '\n')
            ls--;
        int y = le > ls ? year_in(c, c->text + ls, le - ls) : 0;
        if (y)
            return y;
        e = ls;
    }
    return 0;
}

typedef struct {
    lw_date from, to;
    int has_from;
    const char *precision, *qualifier;
    const lw_rule *rule;
    size_t s, e; /* normalized span of the time */
} ttime;

/* The time of one match in a cell (base = the cell's text at normalized offset cs),
 * resolved; 0 when it does not resolve (no year anywhere, an impossible date). */
static int resolve_time(const tctx *c, const char *base, size_t cs, const tmatch *m, int ctx_year, ttime *out)
{
    tmatch best = *m;
    const char *period = json_string_value(json_object_get(best.rule->set, "period"));
    if (!period)
        return 0;
    int y = grp_int(base, &best, "y");
    if (y < 1900)
        y = ctx_year;
    if (y < 1900)
        return 0;
    ttime tt = {.rule = best.rule, .s = cs + best.ov[0], .e = cs + best.ov[1], .qualifier = "during"};
    if (!strcmp(period, "day")) {
        lw_date d = {y, grp_int(base, &best, "m"), grp_int(base, &best, "d")};
        if (!lw_date_valid(d))
            return 0;
        int before = lw_rule_group(best.rule, best.ov, best.np, "before").start != SIZE_MAX;
        tt.to = before ? lw_date_add_days(d, -1) : d;
        tt.precision = "day";
        tt.qualifier = before ? "before" : "by";
        tt.from = c->doc_date;
        tt.has_from = c->have_doc_date && lw_date_cmp(c->doc_date, tt.to) <= 0;
    } else if (!strcmp(period, "month")) {
        int mon = grp_int(base, &best, "mon"), mon0 = grp_int(base, &best, "mon0");
        if (mon < 1 || mon > 12 || (mon0 >= 0 && (mon0 < 1 || mon0 > 12)))
            return 0;
        tt.from = (lw_date){mon0 > mon ? y - 1 : y, mon0 > 0 ? mon0 : mon, 1};
        tt.to = (lw_date){y, mon, lw_days_in_month(y, mon)};
        tt.has_from = 1;
        tt.precision = "month";
    } else if (!strcmp(period, "quarter")) {
        int q = grp_int(base, &best, "q"), q2 = grp_int(base, &best, "q2");
        if (q2 < 0)
            q2 = q;
        if (q < 1 || q > 4 || q2 < q || q2 > 4)
            return 0;
        tt.from = (lw_date){y, 3 * q - 2, 1};
        tt.to = (lw_date){y, 3 * q2, lw_days_in_month(y, 3 * q2)};
        tt.has_from = 1;
        tt.precision = "quarter";
    } else if (!strcmp(period, "half")) {
        const char *half = json_string_value(json_object_get(best.rule->set, "half"));
        int second = half && !strcmp(half, "second");
        tt.from = (lw_date){y, second ? 7 : 1, 1};
        tt.to = (lw_date){y, second ? 12 : 6, second ? 31 : 30};
        tt.has_from = 1;
        tt.precision = "half";
    } else if (!strcmp(period, "year")) {
        if (grp_int(base, &best, "y") < 1900)
            return 0; /* "năm" needs its number */
        tt.from = (lw_date){y, 1, 1};
        tt.to = (lw_date){y, 12, 31};
        tt.has_from = 1;
        tt.precision = "year";
    } else {
        return 0;
    }
    *out = tt;
    return 1;
}

typedef struct {
    tmatch v[16];
    size_t n;
} tmatch_list;

static int all_matches(void *ud, const lw_rule *rule, const PCRE2_SIZE *ov, uint32_t np)
{
    tmatch_list *l = ud;
    if (l->n == sizeof l->v / sizeof *l->v)
        return 1;
    return first_match(&l->v[l->n++], rule, ov, np), 0;
}

static int cmp_tmatch(const void *a, const void *b)
{
    const tmatch *x = a, *y = b;
    if (x->ov[0] != y->ov[0])
        return x->ov[0] < y->ov[0] ? -1 : 1;
    return x->ov[1] > y->ov[1] ? -1 : x->ov[1] < y->ov[1];
}

/* Whether text[a..b) joins two times into a range: dashes and "đến", "tới", "hết" only,
 * on one line ("Tháng 3/2025 - tháng 6/2025", "từ 01/3 đến 30/6/2025"); the second time's
 * own words may hold the "đến" (to = its end). */
static int range_gap(const char *t, size_t a, size_t b, size_t to)
{
    static const char *const words[] = {"đến", "tới", "hết", "Đến", "Tới", "Hết"};
    size_t nw = sizeof words / sizeof *words;
    for (size_t k = 0; k < nw; k++)
        if (k % 3 != 2 && b + strlen(words[k]) <= to && !strncmp(t + b, words[k], strlen(words[k])))
            return range_gap(t, a, b, b) >= 0; /* blank, dashes or words before it */
    int joined = 0;
    size_t i = a;
    while (i < b) {
        if (t[i] == ' ' || t[i] == '\t') {
            i++;
        } else if (t[i] == '-') {
            joined = 1;
            i++;
        } else if (!strncmp(t + i, "–", strlen("–")) && i + strlen("–") <= b) {
            joined = 1;
            i += strlen("–");
        } else {
            size_t k = 0;
            while (k < nw && !(i + strlen(words[k]) <= b && !strncmp(t + i, words[k], strlen(words[k]))))
                k++;
            if (k == nw)
                return -1;
            joined |= k % 3 != 2; /* "hết" alone joins nothing */
            i += strlen(words[k]);
        }
    }
    return joined;
}

/* The times of a cell, resolved, in text order: a range counts as one time (from its first
 * to its last), other times each on their own ("Tháng 6/2025 (sơ kết); Tháng 12/2025
 * (tổng kết)"). Returns how many were put in out (at most max). */
static size_t cell_times(tctx *c, span_t cell, int ctx_year, ttime *out, size_t max)
{
    if (cell.s >= cell.e)
        return 0;
    const char *base = c->text + cell.s;
    size_t n = cell.e - cell.s;
    tmatch_list l;
    l.n = 0;
    for (size_t i = 0; i < lw_ruleset_count(c->rs); i++) {
        const lw_rule *r = lw_ruleset_rule(c->rs, i);
        if (!strcmp(r->kind, "duty.table_time"))
            lw_rule_match_all(c->m, r, base, n, all_matches, &l, NULL);
    }
    if (l.n)
        qsort(l.v, l.n, sizeof *l.v, cmp_tmatch);
    size_t nt = 0, reach = 0;
    int last_joins = 0; /* the previous match resolved: a range may go on from it */
    for (size_t i = 0; i < l.n; i++) {
        if (i && l.v[i].ov[0] < reach)
            continue; /* inside a longer match */
        ttime tt;
        int ok = resolve_time(c, base, cell.s, &l.v[i], ctx_year, &tt);
        int joins = ok && nt && last_joins && range_gap(c->text, out[nt - 1].e, tt.s, tt.e) > 0;
        if (ok && joins && lw_date_cmp(tt.to, out[nt - 1].to) > 0) {
            if (!strcmp(out[nt - 1].precision, "day")) { /* "từ ngày 01/3 đến ...": from that day */
                out[nt - 1].from = out[nt - 1].to;
                out[nt - 1].has_from = 1;
            }
            out[nt - 1].to = tt.to; /* the range ends with its last time */
            out[nt - 1].precision = tt.precision;
            out[nt - 1].qualifier = tt.qualifier;
            out[nt - 1].e = tt.e;
        } else if (ok && !joins && nt < max) {
            out[nt++] = tt;
        }
        last_joins = ok;
        reach = l.v[i].ov[1];
    }
    return nt;
}

/* ---- building the facts ---- */

/* Length of a converter's annotation at t[i..e): "[Link: …]", "[ID: dc_1]", "[JavaScript:
 * …]" (an ASCII word and a colon in brackets), 0 when there is none. */
static size_t annotation(const char *t, size_t i, size_t e)
{
    if (t[i] != '[')
        return 0;
    size_t k = i + 1;
    while (k < e && k - i < 20 && ((t[k] >= 'a' && t[k] <= 'z') || (t[k] >= 'A' && t[k] <= 'Z')))
        k++;
    if (k == i + 1 || k >= e || t[k] != ':')
        return 0;
    const char *close = memchr(t + k, ']', e - k < 400 ? e - k : 400);
    return close ? (size_t)(close - (t + i)) + 1 : 0;
}

/* Cleaned text of a cell, at most 300 bytes. Owned, or NULL for an empty cell. */
static char *cell_text(const tctx *c, span_t cell)
{
    if (cell.s >= cell.e)
        return NULL;
    lw_buf b = {0};
    int bad = 0;
    for (size_t i = cell.s; i < cell.e && !bad; i++) {
        size_t skip = annotation(c->text, i, cell.e);
        if (skip) { /* a converter's "[Link: https://…]": no words of the task */
            i += skip - 1;
            continue;
        }
        if (c->text[i] == '<' && cell.e - i >= 4 && !strncmp(c->text + i, "<br", 3)) {
            const char *gt = memchr(c->text + i, '>', cell.e - i < 8 ? cell.e - i : 8);
            if (gt) {
                bad |= lw_buf_putc(&b, ' ');
                i = (size_t)(gt - c->text);
                continue;
            }
        }
        bad |= lw_buf_putc(&b, c->text[i] == '\n' ? ' ' : c->text[i]);
    }
    size_t n = 0;
    char *raw = bad ? NULL : lw_buf_detach(&b, &n);
    lw_buf_free(&b);
    if (!raw)
        return NULL;
    char *t = lw_text_clean(raw, n);
    free(raw);
    if (t && strlen(t) > 300) {
        size_t cut = 300;
        while (cut && ((unsigned char)t[cut] & 0xC0) == 0x80)
            cut--;
        while (cut && t[cut] != ' ')
            cut--;
        if (!cut)
            cut = 300;
        memcpy(t + cut, "…", sizeof "…");
    }
    if (t && !*t) {
        free(t);
        t = NULL;
    }
    return t;
}

static json_t *names(const unit_list *l)
{
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(a, json_string(l->v[i].name));
    return a;
}

static void put_units(json_t *units, const unit_list *l, const char *role)
{
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(units, json_pack("{s:s,s:s?,s:s,s:I}", "name", l->v[i].name, "level", l->v[i].level,
                                               "role", role, "at", (json_int_t)l->v[i].s));
}

static void emit(tctx *c, const row_t *r, const ttime *tt, const char *stage, const char *activity,
                 const char *output, const char *section, const unit_list *lead, const unit_list *partners)
{
    char a[11], b[11];
    json_t *d = json_pack("{s:o,s:s,s:s,s:s,s:I,s:I}", "from",
                          tt->has_from ? json_string(lw_date_iso(tt->from, a)) : json_null(), "to",
                          lw_date_iso(tt->to, b), "precision", tt->precision, "qualifier", tt->qualifier, "at",
                          (json_int_t)tt->s, "at_end", (json_int_t)tt->e);
    const char *topic = activity ? lw_duty_topic(c->rs, c->m, activity, strlen(activity), NULL) : NULL;
    json_t *units = json_array();
    put_units(units, lead, "lead");
    put_units(units, partners, "partner");
    json_t *f = json_pack("{s:s?,s:o,s:o,s:s?,s:o,s:s?,s:s?,s:s,s:s?,s:o}", "activity", activity, "lead",
                          names(lead), "partners", names(partners), "output", output, "deadline", d, "topic",
                          topic, "section", section, "source", "table", "stage", stage, "units", units);
    if (!f || !lw_extraction_add(c->x, "duty", tt->rule, r->s, r->e, f))
        c->nomem = 1;
}

typedef struct {
    int role[MAX_COLS];
    char *label[MAX_COLS]; /* a time sub-column's label, owned */
    size_t n;
    int ctx_year;
} columns_t;

/* Whether a time or status cell of the row opens with a status word ("Đã hoàn thành",
 * "Đang thực hiện", "Chưa triển khai"): the row reports on the work, it sets none. */
static int status_row(const tctx *c, const row_t *r, const columns_t *cols)
{
    for (size_t i = 0; i < r->n; i++) {
        size_t len = r->c[i].e - r->c[i].s, n = len > 40 ? 40 : len;
        if ((cols->role[i] != R_TIME && cols->role[i] != R_STATUS) || !len)
            continue;
        while (n < len && n && ((unsigned char)c->text[r->c[i].s + n] & 0xC0) == 0x80)
            n--; /* whole code points only */
        char *f = lw_fold_key(c->text + r->c[i].s, n);
        int hit = 0;
        for (size_t k = 0; f && k < c->nstatus && !hit; k++) {
            size_t wl = strlen(c->status[k]);
            hit = !strncmp(f, c->status[k], wl) && !is_alnum_ascii(f[wl]);
        }
        free(f);
        if (hit)
            return 1;
    }
    return 0;
}

static void read_rows(tctx *c, const row_t *rows, size_t nrows, const columns_t *cols)
{
    for (size_t k = 0; k < nrows; k++) {
        const row_t *r = &rows[k];
        if (r->n != cols->n || r->overflow)
            continue; /* cells that do not line up with the header */
        if (status_row(c, r, cols))
            continue; /* "Đã hoàn thành": a report of the work, not the duty */
        unit_list lead = {0}, partners = {0};
        for (size_t i = 0; i < r->n; i++)
            if (cols->role[i] == R_LEAD)
                cell_units(c, r->c[i], &lead);
        ttime times[MAX_COLS];
        lw_buf stage[MAX_COLS]; /* the labels of the sub-columns that give one deadline */
        size_t nt = 0;
        for (size_t i = 0; lead.n && i < r->n; i++) {
            ttime tc[8];
            size_t ntc = cols->role[i] == R_TIME ? cell_times(c, r->c[i], cols->ctx_year, tc, 8) : 0;
            for (size_t t = 0; t < ntc; t++) {
                if (c->have_doc_date && lw_date_cmp(tc[t].to, c->doc_date) < 0)
                    continue; /* over before the document was signed: what was done, not a duty */
                size_t j = 0;
                while (j < nt && lw_date_cmp(times[j].to, tc[t].to))
                    j++;
                if (j == nt) {
                    if (nt == MAX_COLS)
                        break;
                    stage[nt] = (lw_buf){0};
                    times[nt++] = tc[t];
                }
                if (cols->label[i] && *cols->label[i] && !strstr(stage[j].len ? stage[j].data : "", cols->label[i]) &&
                    lw_buf_printf(&stage[j], "%s%s", stage[j].len ? "; " : "", cols->label[i]))
                    c->nomem = 1;
            }
        }
        if (lead.n && nt) {
            for (size_t i = 0; i < r->n; i++)
                if (cols->role[i] == R_PARTNERS)
                    cell_units(c, r->c[i], &partners);
            /* a partner that also leads is a lead */
            for (size_t i = 0; i < partners.n;) {
                int dup = 0;
                for (size_t j = 0; j < lead.n && !dup; j++)
                    dup = !strcmp(lead.v[j].name, partners.v[i].name);
                if (dup)
                    memmove(&partners.v[i], &partners.v[i + 1], (--partners.n - i) * sizeof *partners.v);
                else
                    i++;
            }
            char *activity = NULL, *output = NULL, *section = NULL;
            for (size_t i = 0; i < r->n && !activity; i++)
                if (cols->role[i] == R_TASK)
                    activity = cell_text(c, r->c[i]);
            for (size_t i = 0; i < r->n && !output; i++)
                if (cols->role[i] == R_OUTPUT)
                    output = cell_text(c, r->c[i]);
            if (!activity) { /* no task column: the longest cell of no role */
                size_t best = 0, bi = r->n;
                for (size_t i = 0; i < r->n; i++)
                    if (cols->role[i] == R_NONE && r->c[i].e - r->c[i].s > best) {
                        best = r->c[i].e - r->c[i].s;
                        bi = i;
                    }
                if (bi < r->n)
                    activity = cell_text(c, r->c[bi]);
            }
            if (r->n && is_numbering(c->text + r->c[0].s, r->c[0].e - r->c[0].s))
                section = cell_text(c, r->c[0]);
            for (size_t j = 0; j < nt; j++)
                emit(c, r, &times[j], stage[j].len ? stage[j].data : NULL, activity, output, section, &lead,
                     &partners);
            free(activity);
            free(output);
            free(section);
            if (c->ndone == c->capdone) {
                size_t cap = c->capdone ? c->capdone * 2 : 32;
                done_t *p = realloc(c->done, cap * sizeof *p);
                if (p) {
                    c->done = p;
                    c->capdone = cap;
                }
            }
            if (c->ndone < c->capdone)
                c->done[c->ndone++] = (done_t){r->s, r->e};
        }
        for (size_t j = 0; j < nt; j++)
            lw_buf_free(&stage[j]);
        free(lead.v);
        free(partners.v);
    }
}

/* The roles of the columns from the header and, when the first row under the separator
 * labels the sub-columns of merged header cells, from it. Returns 1 when that row was a
 * sub-header. */
static int column_roles(tctx *c, const row_t *h, const row_t *sub, columns_t *cols)
{
    size_t group[MAX_COLS];
    int grole[MAX_COLS];
    cols->n = h->n;
    for (size_t i = 0; i < h->n; i++) {
        int empty = h->c[i].s == h->c[i].e;
        group[i] = empty && i > 0 ? group[i - 1] : i;
        grole[i] = empty ? R_NONE : role_of(c, c->text + h->c[i].s, h->c[i].e - h->c[i].s);
        cols->role[i] = grole[i];
        cols->label[i] = NULL;
    }
    /* a sub-header: as many cells as the header, no numbering, no time, and a label under a
     * merged header cell */
    int is_sub = sub && sub->n == h->n && !sub->overflow &&
                 !is_numbering(c->text + sub->c[0].s, sub->c[0].e - sub->c[0].s);
    int under_merged = 0;
    for (size_t i = 0; is_sub && i < sub->n; i++) {
        ttime tt;
        if (cell_times(c, sub->c[i], 2000, &tt, 1))
            is_sub = 0;
        int merged = (i + 1 < h->n && group[i + 1] == group[i]) || group[i] != i;
        if (merged && sub->c[i].s < sub->c[i].e)
            under_merged = 1;
    }
    if (!is_sub || !under_merged)
        return 0;
    for (size_t i = 0; i < sub->n; i++) {
        int g = grole[group[i]];
        int merged = (i + 1 < h->n && group[i + 1] == group[i]) || group[i] != i;
        if (!merged)
            continue;
        cols->role[i] = group[i] == i ? g : R_NONE;
        if (sub->c[i].s == sub->c[i].e)
            continue;
        int s = role_of(c, c->text + sub->c[i].s, sub->c[i].e - sub->c[i].s);
        if ((g == R_LEAD || g == R_PARTNERS || g == R_NONE) && (s == R_LEAD || s == R_PARTNERS))
            cols->role[i] = s;
        else if (s == R_START || s == R_NOTES)
            cols->role[i] = R_NONE; /* "Thời gian" over "Bắt đầu | Hoàn thành" */
        else if (g == R_TIME || (g == R_NONE && s == R_TIME)) {
            cols->role[i] = R_TIME;
            cols->label[i] = lw_text_clean(c->text + sub->c[i].s, sub->c[i].e - sub->c[i].s);
        }
    }
    return 1;
}

/* Reads the table whose header row starts at pos; returns where the table ends. */
static size_t read_table(tctx *c, size_t pos)
{
    const char *t = c->text;
    size_t cap = 16, n = 0;
    row_t *rows = malloc(cap * sizeof *rows);
    if (!rows) {
        c->nomem = 1;
        return c->len;
    }
    size_t p = pos;
    while (p < c->len && starts_row(t, c->len, p)) {
        if (n == cap) {
            row_t *q = realloc(rows, cap * 2 * sizeof *rows);
            if (!q) {
                c->nomem = 1;
                break;
            }
            rows = q;
            cap *= 2;
        }
        p = read_row(t, c->len, p, &rows[n++]);
        /* a separator row under a later row: that row heads the next table (the blank
         * line between two tables is gone from the normalized text) */
        if (n >= 4 && is_separator(t, &rows[n - 1])) {
            n -= 2;
            p = rows[n].s;
            break;
        }
    }
    if (n >= 3 && is_separator(t, &rows[1]) && rows[1].n == rows[0].n && !rows[0].overflow) {
        columns_t cols = {.n = 0};
        table_units(c, rows[0].s, rows[n - 1].e);
        int sub = column_roles(c, &rows[0], &rows[2], &cols);
        int has_lead = 0, has_time = 0, has_result = 0;
        for (size_t i = 0; i < cols.n; i++) {
            has_lead |= cols.role[i] == R_LEAD;
            has_time |= cols.role[i] == R_TIME;
            has_result |= cols.role[i] == R_RESULT;
        }
        /* "Tiến độ thực hiện" holds the times of a plan that has no other time column
         * ("Quý I/2025"), and the progress of a report ("Đã hoàn thành"): both are read,
         * the status words keep the second from being a duty */
        int status_as_time = !has_time;
        for (size_t i = 0; status_as_time && i < cols.n; i++)
            if (cols.role[i] == R_STATUS) {
                cols.role[i] = R_TIME;
                has_time = 1;
            }
        if (has_lead && has_time && !has_result) {
            cols.ctx_year = caption_year(c, rows[0].s);
            if (!cols.ctx_year)
                cols.ctx_year = c->subject_year ? c->subject_year : c->doc_year;
            read_rows(c, rows + 2 + sub, n - 2 - (size_t)sub, &cols);
        }
        for (size_t i = 0; i < cols.n; i++)
            free(cols.label[i]);
    }
    free(rows);
    return p;
}

/* Drops the duties lw_duty built inside a row that gave table duties (facts before own, the
 * first this module added): its text shapes, and its own simpler reading of task tables,
 * which would otherwise give each row's duty twice. */
static void drop_shadowed(tctx *c, size_t own)
{
    lw_extraction *x = c->x;
    size_t w = 0;
    for (size_t i = 0; i < x->n; i++) {
        lw_fact *f = &x->facts[i];
        int drop = 0;
        if (i < own && !strcmp(f->kind, "duty")) {
            /* a duty inside such a row, or one whose deadline is a cell of it (a clause just
             * above a table must not take a row's month for its own) */
            json_t *at = json_object_get(json_object_get(f->fields, "deadline"), "at");
            size_t dat = json_is_integer(at) ? (size_t)json_integer_value(at) : SIZE_MAX;
            for (size_t k = 0; k < c->ndone && !drop; k++)
                drop = (f->start >= c->done[k].s && f->start < c->done[k].e) ||
                       (dat >= c->done[k].s && dat < c->done[k].e);
        }
        if (drop)
            json_decref(f->fields);
        else
            x->facts[w++] = *f;
    }
    x->n = w;
}

static char **fold_list(tctx *c, json_t *a, size_t *n)
{
    *n = 0;
    char **v = calloc(json_array_size(a) + 1, sizeof *v);
    if (!v) {
        c->nomem = 1;
        return NULL;
    }
    for (size_t i = 0; i < json_array_size(a); i++) {
        const char *w = json_string_value(json_array_get(a, i));
        if (!w)
            continue;
        char *f = lw_fold_key(w, strlen(w));
        if (f)
            v[(*n)++] = f;
        else
            c->nomem = 1;
    }
    return v;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

lw_status lw_duty_table_build(const lw_ruleset *rs, lw_matcher *m, const char *text, size_t len,
                              lw_extraction *x, lw_error *err)
{
    json_t *columns = lw_ruleset_data(rs, "table_columns");
    if (!json_is_array(columns) || !memchr(text, '|', len))
        return LW_OK;
    tctx c = {.rs = rs, .m = m, .text = text, .len = len, .x = x};
    c.abbrev = lw_ruleset_data(rs, "table_abbreviations");
    size_t i;
    json_t *col;
    const char *bad_role = NULL;
    int bad_line = 0;
    json_array_foreach(columns, i, col) {
        const char *role = json_string_value(json_object_get(col, "role"));
        int r = R_NONE;
        for (int k = 1; role && k < R_COUNT; k++)
            if (!strcmp(role, role_names[k]))
                r = k;
        if (r == R_NONE && !bad_role) {
            bad_role = role ? role : "(none)";
            bad_line = lw_yaml_line(col);
        }
        if (r == R_NONE || c.words[r])
            continue; /* an unknown role (reported below), or a role given twice: the first counts */
        c.words[r] = fold_list(&c, json_object_get(col, "words"), &c.nwords[r]);
        c.order[c.norder++] = r;
    }
    c.heads = fold_list(&c, lw_ruleset_data(rs, "table_unit_heads"), &c.nheads);
    c.status = fold_list(&c, lw_ruleset_data(rs, "table_status_words"), &c.nstatus);
    if (x->doc_date && lw_date_parse_iso(x->doc_date, &c.doc_date) == 0) {
        c.have_doc_date = 1;
        c.doc_year = c.doc_date.y;
    }
    const char *subject = json_string_value(json_object_get(x->header, "subject"));
    if (subject)
        c.subject_year = year_in(&c, subject, strlen(subject));

    size_t own = x->n;
    for (size_t pos = 0; pos < len && !c.nomem;) {
        if (starts_row(text, len, pos)) {
            pos = read_table(&c, pos);
            continue;
        }
        const char *nl = memchr(text + pos, '\n', len - pos);
        pos = nl ? (size_t)(nl - text) + 1 : len;
    }
    if (c.ndone)
        drop_shadowed(&c, own);

    for (int r = 0; r < R_COUNT; r++)
        free_list(c.words[r], c.nwords[r]);
    free_list(c.heads, c.nheads);
    free_list(c.status, c.nstatus);
    for (size_t k = 0; k < c.nowned; k++)
        free(c.owned[k]);
    free(c.owned);
    free(c.units.v);
    free(c.done);
    if (c.nomem)
        return lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (bad_role) /* the tables were read with the other roles; say what the rule file lacks */
        return lw_error_set(err, LW_ERR_RULE, "duty_tables.yaml", bad_line, 0,
                            "duty_tables.yaml:%d: table_columns: unknown role '%s' (known: start, time, "
                            "result, status, partners, lead, output, task, notes)",
                            bad_line, bad_role);
    return LW_OK;
}
