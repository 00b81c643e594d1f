/* lw_duty_units: the pieces the duty shapes are read from: the marks of the duty.* rules,
 * the units the text names (agency facts, duty.unit groups, the short names a document
 * defines), runs of leads, the deadlines a duty may take, and the text duty's emit (the
 * names qualified by the issuer, then lw_duty_emit). The bottom of lw_duty's files: it calls
 * no other of them (lw_duty_ctx.h). */
#include "lw_duty_ctx.h"

/* A local unit's name qualified by the issuer's: two names */
#define LW_DUTY_NAME_MAX 700

/* ---- collecting the marks ---- */

static int push_mark(void *ud, const lw_rule *rule, const PCRE2_SIZE *ov, uint32_t np)
{
    (void)np;
    mark_list *l = ud;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        mark_t *p = realloc(l->v, cap * sizeof *p);
        if (!p) {
            l->nomem = 1;
            return 1;
        }
        l->v = p;
        l->cap = cap;
    }
    l->v[l->n++] = (mark_t){ov[0], ov[1], rule};
    return 0;
}

static int cmp_mark(const void *a, const void *b)
{
    const mark_t *x = a, *y = b;
    if (x->s != y->s)
        return x->s < y->s ? -1 : 1;
    return x->e > y->e ? -1 : x->e < y->e;
}

void lw_d_collect(dctx *c, const char *kind, mark_list *l)
{
    for (size_t i = 0; i < lw_ruleset_count(c->rs); i++) {
        const lw_rule *r = lw_ruleset_rule(c->rs, i);
        if (strcmp(r->kind, kind))
            continue;
        lw_rule_match_all(c->m, r, c->text, c->len, push_mark, l, NULL);
    }
    if (l->n)
        qsort(l->v, l->n, sizeof *l->v, cmp_mark);
}

static int cmp_unit(const void *a, const void *b)
{
    const unit_t *x = a, *y = b;
    if (x->s != y->s)
        return x->s < y->s ? -1 : 1;
    if (x->e != y->e)
        return x->e > y->e ? -1 : 1;
    /* on the same words a group's name wins over an agency's ("Ủy ban nhân dân các tỉnh,
     * thành phố trực thuộc Trung ương" is all the provinces, not one) */
    return (x->grp == NULL) - (y->grp == NULL);
}

void lw_d_add_unit(unit_list *l, size_t s, size_t e, const char *name, const char *level)
{
    lw_unit_list_add(l, s, e, name, level, NULL); /* a failure is kept in l->nomem */
}

void lw_d_add_units(unit_list *out, const unit_list *in)
{
    for (size_t i = 0; in && i < in->n; i++)
        lw_d_add_unit(out, in->v[i].s, in->v[i].e, in->v[i].name, in->v[i].level);
}


/* Hands q (may be NULL) to c, which frees it with itself; NULL when q is NULL or cannot be
 * kept (then freed here). */
static const char *own(dctx *c, char *q)
{
    if (q && c->nowned == c->capowned) {
        size_t cap = c->capowned ? c->capowned * 2 : 16;
        char **p = realloc(c->owned, cap * sizeof *p);
        if (!p) {
            c->nomem = 1;
            free(q);
            return NULL;
        }
        c->owned = p;
        c->capowned = cap;
    }
    if (q)
        c->owned[c->nowned++] = q;
    return q;
}


static const char *own_str(dctx *c, const char *s, size_t n)
{
    char *t = lw_text_clean(s, n);
    if (!t)
        c->nomem = 1;
    return own(c, t);
}

/* Whether the character at p is a capital (Latin, Vietnamese letters included). */
static int starts_upper(const char *p, size_t left)
{
    const unsigned char *u = (const unsigned char *)p;
    if (!left)
        return 0;
    if (u[0] < 0x80)
        return u[0] >= 'A' && u[0] <= 'Z';
    int32_t cp;
    lw_utf8_dec(p, left, &cp);
    return (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) || (cp >= 0x100 && cp <= 0x17F && !(cp & 1)) ||
           (cp >= 0x1EA0 && cp <= 0x1EF9 && !(cp & 1)) || cp == 0x1A0 || cp == 0x1AF;
}

/* Where the name of an organisation that ends at pos begins: a unit of all ending there,
 * else the nearest head word of an organisation's name (org_heads: "Quỹ Khuyến học tỉnh Bình
 * Thuận") at most 100 bytes back, written with a capital. Returns 1 and sets *name_s. */
static int alias_owner(dctx *c, const unit_list *all, size_t pos, size_t *name_s, const char **name)
{
    while (pos > 0 && c->text[pos - 1] == ' ')
        pos--;
    for (size_t i = 0; i < all->n; i++)
        if (all->v[i].e == pos && !all->v[i].grp) {
            *name_s = all->v[i].s;
            *name = all->v[i].name;
            return 1;
        }
    size_t lim = pos > 100 ? pos - 100 : 0;
    for (size_t p = pos; p-- > lim;) {
        if (c->text[p] == '\n' || c->text[p] == '.' || c->text[p] == ',' || c->text[p] == ';' || c->text[p] == '(')
            return 0;
        if (p > 0 && c->text[p - 1] != ' ' && c->text[p - 1] != '\n')
            continue;
        size_t i;
        json_t *v;
        json_array_foreach(lw_ruleset_data(c->rs, "org_heads"), i, v) {
            const char *w = json_string_value(v);
            size_t n = w ? strlen(w) : 0;
            if (n && p + n < pos && !strncmp(c->text + p, w, n) && c->text[p + n] == ' ') {
                *name_s = p;
                *name = own_str(c, c->text + p, pos - p);
                return *name != NULL;
            }
        }
    }
    return 0;
}

/* Short names a document defines for an organisation ("Quỹ Khuyến học tỉnh Bình Thuận (gọi
 * tắt là Quỹ)", duty.alias rules): every later use of the short name, written as defined
 * with a capital, is that organisation. */
static void add_aliases(dctx *c, unit_list *all)
{
    mark_list al = {0};
    lw_d_collect(c, "duty.alias", &al);
    size_t n0 = all->n;
    for (size_t k = 0; k < al.n; k++) {
        size_t as = al.v[k].s, ae = al.v[k].e;
        if (ae <= as || !starts_upper(c->text + as, ae - as))
            continue; /* "(gọi tắt là bộ)": a common word, not a name */
        size_t open = as;
        while (open > 0 && c->text[open - 1] != '(')
            open--;
        if (!open)
            continue;
        size_t name_s;
        const char *name;
        unit_list owners = {0};
        for (size_t i = 0; i < n0; i++)
            lw_d_add_unit(&owners, all->v[i].s, all->v[i].e, all->v[i].name, all->v[i].level);
        int ok = alias_owner(c, &owners, open - 1, &name_s, &name);
        units_done(c, &owners);
        if (!ok)
            continue;
        size_t n = ae - as;
        for (size_t s = ae; s + n <= c->len; s++) {
            const char *hit = memchr(c->text + s, c->text[as], c->len - s - n + 1);
            if (!hit)
                break;
            s = (size_t)(hit - c->text);
            size_t e = s + n;
            if (memcmp(c->text + s, c->text + as, n))
                continue;
            if ((s > 0 && is_letter_byte((unsigned char)c->text[s - 1])) || (e < c->len && is_letter_byte((unsigned char)c->text[e])))
                continue;
            lw_d_add_unit(all, s, e, name, NULL);
        }
    }
    marks_done(c, &al);
}

/* Agencies and unit groups, in text order; a name inside a longer one is dropped
 * ("Ủy ban nhân dân tỉnh" inside "các cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh"). */
void lw_d_collect_units(dctx *c)
{
    unit_list all = {0};
    for (size_t i = 0; i < c->x->n; i++) {
        lw_fact *f = &c->x->facts[i];
        if (f->kind != LW_FACT_AGENCY)
            continue;
        const char *name = f->u.agency.name;
        if (name)
            lw_d_add_unit(&all, f->start, f->end, name, f->u.agency.level);
    }
    mark_list groups = {0};
    lw_d_collect(c, "duty.unit", &groups);
    for (size_t i = 0; i < groups.n; i++) {
        const lw_rule *r = groups.v[i].rule;
        const char *name = set_str(r, "name");
        json_t *names = json_object_get(r->set, "names"); /* a group of two kinds of units */
        size_t before = all.n;
        if (name)
            lw_d_add_unit(&all, groups.v[i].s, groups.v[i].e, name, set_str(r, "level"));
        json_t *levels = json_object_get(r->set, "levels");
        for (size_t k = 0; k < json_array_size(names); k++)
            if (json_is_string(json_array_get(names, k)))
                lw_d_add_unit(&all, groups.v[i].s, groups.v[i].e, json_string_value(json_array_get(names, k)),
                         json_string_value(json_array_get(levels, k)));
        for (size_t k = before; k < all.n; k++)
            all.v[k].grp = r;
    }
    marks_done(c, &groups);
    add_aliases(c, &all);
    if (all.n)
        qsort(all.v, all.n, sizeof *all.v, cmp_unit);
    size_t reach = 0;
    for (size_t i = 0; i < all.n; i++) {
        const unit_t *prev = c->units.n ? &c->units.v[c->units.n - 1] : NULL;
        int same_group = prev && prev->grp && prev->grp == all.v[i].grp && prev->s == all.v[i].s && prev->e == all.v[i].e;
        if (prev && all.v[i].e <= reach && !same_group)
            continue;
        /* a group right after a body's name qualifies that body, it names no units of its
         * own: "Giám đốc Sở TN&MT các tỉnh, thành phố trực thuộc Trung ương" is the provinces'
         * departments, not their people's committees */
        if (all.v[i].grp && prev && !prev->grp && prev->e <= all.v[i].s && all.v[i].s - prev->e <= 2) {
            size_t k = prev->e;
            while (k < all.v[i].s && c->text[k] == ' ')
                k++;
            if (k == all.v[i].s)
                continue;
        }
        size_t before = c->units.n;
        lw_d_add_unit(&c->units, all.v[i].s, all.v[i].e, all.v[i].name, all.v[i].level);
        if (c->units.n > before)
            c->units.v[before].grp = all.v[i].grp;
        if (all.v[i].e > reach)
            reach = all.v[i].e;
    }
    units_done(c, &all);
}

/* ---- text helpers ---- */


/* 1 when text[a..b) holds only punctuation, white space and gap words; at most max_other
 * other words are tolerated (their count goes to *others when others is not NULL). */
int lw_d_gap_words_only(const dctx *c, size_t a, size_t b, int max_other)
{
    int other = 0;
    size_t i = a;
    while (i < b) {
        unsigned char ch = (unsigned char)c->text[i];
        if (!is_letter_byte(ch) && !(ch >= '0' && ch <= '9')) {
            i++;
            continue;
        }
        size_t w = i;
        while (i < b && (is_letter_byte((unsigned char)c->text[i]) || (c->text[i] >= '0' && c->text[i] <= '9')))
            i++;
        char *f = lw_fold_case(c->text + w, i - w);
        if (!f)
            *c->oom = 1;
        int known = 0;
        for (size_t k = 0; f && k < c->ngap && !known; k++)
            known = !strcmp(f, c->gap[k]);
        free(f);
        if (!known && ++other > max_other)
            return 0;
    }
    return 1;
}

size_t lw_d_first_unit_at(const dctx *c, size_t from)
{
    size_t lo = 0, hi = c->units.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->units.v[mid].s < from)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The run of unit names that opens text[from..to); *run_end gets where it stops. */
void lw_d_lead_run(const dctx *c, size_t from, size_t to, unit_list *out, size_t *run_end)
{
    size_t pos = from;
    for (size_t i = lw_d_first_unit_at(c, from); i < c->units.n && c->units.v[i].s < to; i++) {
        const unit_t *u = &c->units.v[i];
        if (u->e > to || !lw_d_gap_words_only(c, pos, u->s, 0))
            break;
        lw_d_add_unit(out, u->s, u->e, u->name, u->level);
        pos = u->e;
    }
    if (run_end)
        *run_end = pos;
}

void lw_d_units_in(const dctx *c, size_t from, size_t to, unit_list *out)
{
    for (size_t i = lw_d_first_unit_at(c, from); i < c->units.n && c->units.v[i].s < to; i++)
        if (c->units.v[i].e <= to)
            lw_d_add_unit(out, c->units.v[i].s, c->units.v[i].e, c->units.v[i].name, c->units.v[i].level);
}

const mark_t *lw_d_mark_in(const mark_list *l, size_t from, size_t to)
{
    for (size_t i = 0; i < l->n; i++) {
        if (l->v[i].s >= to)
            break;
        if (l->v[i].s >= from)
            return &l->v[i];
    }
    return NULL;
}

/* Cleaned text of [s, e): markup and trailing ":;,." gone, at most 300 bytes. Owned. */
char *lw_d_clip(const dctx *c, size_t s, size_t e)
{
    char *t = lw_text_clean(c->text + s, e - s);
    if (!t) {
        *c->oom = 1;
        return NULL;
    }
    size_t n = strlen(t);
    while (n && (t[n - 1] == ':' || t[n - 1] == ';' || t[n - 1] == ',' || t[n - 1] == '.' || t[n - 1] == ' '))
        t[--n] = '\0';
    if (n > 300) {
        size_t cut = 300;
        while (cut && ((unsigned char)t[cut] & 0xC0) == 0x80)
            cut--;
        while (cut && t[cut] != ' ')
            cut--;
        if (!cut)
            cut = 300;
        memcpy(t + cut, "…", sizeof "…");
    }
    return t;
}

/* ---- building the facts ---- */

/* A unit named as its own document names it ("Văn phòng Sở", "Phòng Tư pháp") is that of
 * the issuer: "Văn phòng Sở Nội vụ tỉnh Bến Tre", "Phòng Tư pháp huyện Châu Thành" (names
 * listed in local_units of rules/duties.yaml). Otherwise the name as is. Owned by c. */
static const char *qualified(dctx *c, const char *name)
{
    const char *issuer = c->x->header.issuer;
    if (!issuer)
        return name;
    size_t i;
    json_t *v;
    json_array_foreach(lw_ruleset_data(c->rs, "local_units"), i, v) {
        const char *local = json_string_value(v);
        if (!local || strcmp(local, name))
            continue;
        char buf[LW_DUTY_NAME_MAX];
        size_t ln = strlen(local);
        /* "Ủy ban nhân dân" (rules/header.yaml): its place follows */
        const char *ubnd = json_string_value(json_array_get(lw_ruleset_data(c->rs, "people_committee"), 0));
        size_t ul = ubnd ? strlen(ubnd) : 0;
        /* "Sở" (rules/duties.yaml department_word): a local unit "... Sở" is the issuing Sở's */
        const char *so = json_string_value(json_array_get(lw_ruleset_data(c->rs, "department_word"), 0));
        size_t sl = so ? strlen(so) : 0;
        if (ul && !strncmp(issuer, ubnd, ul) && issuer[ul] == ' ')
            snprintf(buf, sizeof buf, "%s %s", local, issuer + ul + 1);
        else if (sl && ln > sl && local[ln - sl - 1] == ' ' && !strcmp(local + ln - sl, so) && !strncmp(issuer, so, sl) &&
                 issuer[sl] == ' ')
            /* "Văn phòng Sở" of "Sở Nội vụ tỉnh Bến Tre": the department's word is the issuer's */
            snprintf(buf, sizeof buf, "%.*s %s", (int)(ln - sl - 1), local, issuer);
        else
            return name;
        const char *q = own(c, dup_or_flag(c, buf));
        return q ? q : name;
    }
    return name;
}

/* Whether deadline k is a date a duty can be due by: a recurring whole year with no date
 * ("thường xuyên", "hằng năm") is one only in a plan for that year. */
int lw_d_dated(const dctx *c, size_t k)
{
    const lw_fact *f = &c->x->facts[c->dls[k]];
    const char *q = f->u.dl.qualifier;
    const char *prec = f->u.dl.precision;
    if (!q || strcmp(q, "recurring") || !prec || strcmp(prec, "year"))
        return 1;
    const char *to = f->u.dl.to;
    if (!c->yearly || (c->plan_year && (!to || atoi(to) != c->plan_year)))
        return 0;
    /* "Thường xuyên trong năm" is the plan's year; "thực hiện thường xuyên" alone is none */
    char *t = lw_fold_case(c->text + f->start, f->end - f->start);
    int frame = 0;
    size_t i;
    json_t *v;
    json_array_foreach(lw_ruleset_data(c->rs, "year_frame_words"), i, v) {
        if (t && json_is_string(v) && strstr(t, json_string_value(v)))
            frame = 1;
    }
    free(t);
    return frame;
}

int lw_d_recurring(const dctx *c, size_t k)
{
    const char *q = c->x->facts[c->dls[k]].u.dl.qualifier;
    return q && !strcmp(q, "recurring");
}

/* First deadline starting in [from, to) that a duty can be due by (unclaimed only when
 * free_only); nd when none. */
size_t lw_d_deadline_in(const dctx *c, size_t from, size_t to, int free_only)
{
    for (size_t k = 0; k < c->nd; k++) {
        size_t s = c->x->facts[c->dls[k]].start;
        if (s >= to)
            break;
        if (s >= from && (!free_only || !c->claimed[k]) && lw_d_dated(c, k))
            return k;
    }
    return c->nd;
}

/* Appends a duty fact; takes activity and output. concerns (may be NULL) are the units the
 * leads must make do the work ("chỉ đạo Ủy ban nhân dân cấp xã ban hành kế hoạch"): listed
 * in units with role "concerns" and in the key concerns, which only such a duty has. */
void lw_d_emit(dctx *c, const lw_rule *rule, size_t s, size_t e, char *activity, const unit_list *lead,
               const unit_list *partners, const unit_list *concerns, char *output, size_t dl, const char *topic,
               const char *section, const char *source)
{
    unit_list ql = {0};
    for (size_t i = 0; i < lead->n; i++)
        lw_d_add_unit(&ql, lead->v[i].s, lead->v[i].e, qualified(c, lead->v[i].name), lead->v[i].level);
    /* a partner that also leads is a lead */
    unit_list pp = {0};
    for (size_t i = 0; partners && i < partners->n; i++) {
        int dup = 0;
        for (size_t k = 0; k < ql.n && !dup; k++)
            dup = !strcmp(ql.v[k].name, partners->v[i].name);
        if (!dup)
            lw_d_add_unit(&pp, partners->v[i].s, partners->v[i].e, qualified(c, partners->v[i].name),
                          partners->v[i].level);
    }
    lw_duty_spec d = {.rule = rule,
                      .start = s,
                      .end = e,
                      .activity = activity,
                      .output = output,
                      .topic = topic,
                      .section = section && *section ? section : NULL,
                      .source = source,
                      .lead = &ql,
                      .partners = &pp,
                      .concerns = concerns,
                      .unique_names = 1,
                      .recurring = c->recurs /* "Thực hiện thường xuyên": a time frame, though no deadline */};
    if (dl < c->nd) {
        const lw_fact *f = &c->x->facts[c->dls[dl]];
        d.deadline = (lw_duty_when){1, f->u.dl.from, f->u.dl.to, f->u.dl.precision, f->u.dl.qualifier, f->start,
                                        f->end};
    }
    if (ql.nomem || pp.nomem || lw_duty_emit(c->x, &d) != LW_OK)
        c->nomem = 1;
    free(c->recurs);
    c->recurs = NULL;
    units_done(c, &pp);
    units_done(c, &ql);
    free(activity);
    free(output);
    if (dl < c->nd)
        c->claimed[dl] = 1;
}

/* Whether pos lies in a distribution list or a signature. */
int lw_d_in_tail(const dctx *c, size_t pos)
{
    for (size_t i = 0; i < c->ntail; i++)
        if (pos >= c->tail_s[i] && pos < c->tail_e[i])
            return 1;
    return 0;
}

/* Skips white space and a list marker ("- ", "+ ") at pos. */
size_t lw_d_skip_blank(const dctx *c, size_t pos, size_t to)
{
    while (pos < to && (c->text[pos] == ' ' || c->text[pos] == '\t' || c->text[pos] == '-' || c->text[pos] == '+' ||
                        c->text[pos] == '(' || c->text[pos] == '*'))
        pos++;
    return pos;
}

/* The first directing verb in [s, e) followed by the units it directs ("chỉ đạo Ủy ban nhân
 * dân cấp xã ...", "hướng dẫn, đôn đốc các Sở, ngành ..."): those units go to concerns and
 * *work gets where the directed work is stated. NULL when none. */
const mark_t *lw_d_directing(const dctx *c, size_t s, size_t e, unit_list *concerns, size_t *work)
{
    for (size_t i = 0; i < c->directs.n && c->directs.v[i].s < e; i++) {
        const mark_t *dm = &c->directs.v[i];
        if (dm->s < s)
            continue;
        lw_d_lead_run(c, dm->e, e, concerns, work);
        if (concerns->n)
            return dm;
    }
    return NULL;
}

/* ---- "Tổ chức thực hiện": units' headings and their tasks ---- */

/* Start of the sentence holding pos, not before s; "Đồng thời," and the like stay in it. */
size_t lw_d_sentence_start(const dctx *c, size_t s, size_t pos)
{
    size_t p = pos;
    while (p > s && !(c->text[p - 1] == ';' || (c->text[p - 1] == ' ' && p - 1 > s && c->text[p - 2] == '.')))
        p--;
    while (p < pos && c->text[p] == ' ')
        p++;
    return p;
}

/* A copy of s[0, n) cleaned, owned by c (freed with it). */
