/* lw_duty_table_cells: a pipe table's rows as cells, and what a cell names: the units (agency
 * facts, duty.unit groups, names opening with a unit head word, as written) and the times
 * (duty.table_time rules resolved to intervals, the year from the cell, the caption or the
 * document). Calls no other file of the table reader (lw_duty_table_ctx.h). */
#include "lw_duty_table_ctx.h"

#include <utf8proc.h>

/* ---- small helpers ---- */

static int is_space(char ch) { return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n'; }
int lw_dt_is_alnum_ascii(char ch)
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
        int before = p == f || !lw_dt_is_alnum_ascii(p[-1]);
        int after = !lw_dt_is_alnum_ascii(p[wl]);
        if (before && after)
            return 1;
    }
    return 0;
}

int lw_dt_role_of(const tctx *c, const char *s, size_t n)
{
    char *f = lw_fold_key(s, n);
    if (!f)
        *c->oom = 1;
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
    if (!f)
        *c->oom = 1;
    int hit = 0;
    for (size_t k = 0; f && k < c->nheads && !hit; k++) {
        size_t hl = strlen(c->heads[k]);
        hit = !strncmp(f, c->heads[k], hl) && !lw_dt_is_alnum_ascii(f[hl]);
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
    if (!f)
        *c->oom = 1;
    int up = f && strncmp(f, c->text + s, n) != 0;
    free(f);
    return up;
}

/* "1", "12", "2.1.", "I", "IV.", "a)": the numbering cell of a row. */
int lw_dt_is_numbering(const char *s, size_t n)
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
    l->v[l->n++] = (unit_t){s, e, name, level, NULL};
}

/* ---- rows ---- */

/* Reads the row whose line starts at pos (its first non-blank byte is '|'); returns where
 * the next line starts. A line that does not end with '|' goes on on the next line (a
 * cell with a line break), unless that line starts a row of its own or is blank. */
size_t lw_dt_read_row(const char *t, size_t len, size_t pos, row_t *r)
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
                if (r->n < LW_TABLE_COLS_MAX) {
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
        if (i >= len || cont >= LW_TABLE_CONT_LINES_MAX || k >= len || t[k] == '\n' || t[k] == '|') {
            if (r->n < LW_TABLE_COLS_MAX)
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

int lw_dt_is_separator(const char *t, const row_t *r)
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

int lw_dt_starts_row(const char *t, size_t len, size_t pos)
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
                                json_is_string(level) ? json_string_value(level) : NULL, NULL};
    }
    return 0;
}

/* The agencies and unit groups named in text[s..e), in text order, a name inside a longer
 * one dropped (as lw_duty does). */
void lw_dt_table_units(tctx *c, size_t s, size_t e)
{
    unit_list all = {0};
    c->units.n = 0;
    for (size_t i = 0; i < c->x->n; i++) {
        const lw_fact *f = &c->x->facts[i];
        if (f->kind != LW_FACT_AGENCY || f->start < s || f->end > e)
            continue;
        const char *name = f->u.agency.name;
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
        all.v[all.n++] = (unit_t){f->start, f->end, name, f->u.agency.level, NULL};
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
    if (!r)
        c->nomem = 1;
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

void lw_dt_cell_units(tctx *c, span_t cell, unit_list *out)
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

static int first_match(void *ud, const lw_rule *rule, const PCRE2_SIZE *ov, uint32_t np)
{
    tmatch *t = ud;
    t->rule = rule;
    t->np = np > LW_TABLE_TIME_GROUPS_MAX ? LW_TABLE_TIME_GROUPS_MAX : np;
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
int lw_dt_year_in(const tctx *c, const char *s, size_t n)
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
int lw_dt_caption_year(const tctx *c, size_t table_s)
{
    size_t e = table_s;
    for (int lines = 0; lines < 3 && e > 0 && table_s - e < 1500; lines++) {
        size_t le = e - 1; /* the '\n' that ends the line above */
        size_t ls = le;
        while (ls > 0 && c->text[ls - 1] != '\n')
            ls--;
        int y = le > ls ? lw_dt_year_in(c, c->text + ls, le - ls) : 0;
        if (y)
            return y;
        e = ls;
    }
    return 0;
}

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
    tmatch v[LW_TABLE_CELL_MATCHES_MAX];
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
size_t lw_dt_cell_times(tctx *c, span_t cell, int ctx_year, ttime *out, size_t max)
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
