/* lw_duty: duty facts from the outline, the field labels and the agency and deadline facts
 * (see lw_duty.h for the three shapes).
 *
 * Who leads a duty is read from the list of units that opens a field or a clause: "Sở Tư
 * pháp chủ trì, phối hợp với các Sở, ngành" leads with Sở Tư pháp, and the units after
 * "phối hợp với" are partners. Units named later in a sentence ("... tham mưu trình Ủy ban
 * nhân dân tỉnh") are whom the work goes to, not who does it, so a lead list is only a run
 * of unit names separated by punctuation and the gap words of rules/duties.yaml. */
#include "lw_duty.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lw_duty_table.h"
#include "lw_fold.h"
#include "lw_oom.h"
#include "lw_resolve.h"
#include "lw_segment.h"
#include "lw_text.h"
#include "lw_utf8.h"

typedef struct {
    size_t s, e;
    const char *name;
    const char *level;   /* may be NULL */
    const lw_rule *grp;  /* the duty.unit rule of a group, NULL for an agency */
} unit_t;

typedef struct {
    size_t s, e;
    const lw_rule *rule;
} mark_t;

typedef struct {
    mark_t *v;
    size_t n, cap;
} mark_list;

typedef struct {
    unit_t *v;
    size_t n, cap;
} unit_list;

/* the facts a duty is built from, by index into x->facts */
typedef struct {
    long owner;          /* heading line of an item duty */
    size_t fields[16];   /* field-line indices into the field marks */
    size_t nfields;
} item_t;

typedef struct {
    const lw_ruleset *rs;
    lw_matcher *m;
    const char *text;
    size_t len;
    lw_extraction *x;
    lw_segments *seg;
    unit_list units;
    mark_list fields, sections, partners, reports, requests, subjects, directs, narratives, intros, recips, lastings,
        relays;
    unit_list addressees; /* whom the letter is addressed to (see find_addressees) */
    int yearly;           /* a plan for one year (yearly_plan_kinds): "Thường xuyên trong năm"
                             is due at the year's end; elsewhere a time frame with no date
                             ("thực hiện thường xuyên hằng năm") is no deadline */
    int plan_year;        /* the year its subject names ("... năm 2025"), 0 when none */
    int tells;            /* a kind that tells or proposes (unaddressed_kinds): its clauses set
                             work only on the units they name themselves */
    size_t *dls; /* indices of deadline facts, in text order */
    size_t nd;
    char *claimed;   /* per deadline */
    long *field_of;  /* per line: index into fields of the label that opens it, or -1 */
    char *handled;   /* per line: taken by an item or an assignment */
    char **gap;      /* folded gap words */
    size_t ngap;
    const lw_rule *rule_item, *rule_assign, *rule_report, *rule_clause;
    char *recurs; /* set by build_items for the next emit: an undated time frame's words */
    size_t tail_s[8], tail_e[8]; /* the distribution lists ("Nơi nhận: ...") and signatures:
                                    no duty in them (see find_tails) */
    size_t ntail;
    char **owned; /* qualified unit names */
    size_t nowned, capowned;
} dctx;

/* ---- collecting the marks ---- */

static int push_mark(void *ud, const lw_rule *rule, const PCRE2_SIZE *ov, uint32_t np)
{
    (void)np;
    mark_list *l = ud;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        mark_t *p = realloc(l->v, cap * sizeof *p);
        if (!p) {
            lw_oom_note(); /* the marks would be cut short: the extraction fails (lw_oom) */
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

static void collect(dctx *c, const char *kind, mark_list *l)
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

static const char *set_str(const lw_rule *r, const char *k)
{
    json_t *v = json_object_get(r->set, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
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

static void add_unit(unit_list *l, size_t s, size_t e, const char *name, const char *level)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        unit_t *p = realloc(l->v, cap * sizeof *p);
        if (!p) {
            lw_oom_note(); /* the unit is lost: the extraction fails (lw_oom) */
            return;
        }
        l->v = p;
        l->cap = cap;
    }
    l->v[l->n++] = (unit_t){s, e, name, level, NULL};
}

static void add_units(unit_list *out, const unit_list *in)
{
    for (size_t i = 0; in && i < in->n; i++)
        add_unit(out, in->v[i].s, in->v[i].e, in->v[i].name, in->v[i].level);
}

static int is_letter_byte(unsigned char ch) { return ch >= 0x80 || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'); }

static const char *own_str(dctx *c, const char *s, size_t n);

/* Hands q (may be NULL) to c, which frees it with itself; NULL when q is NULL or cannot be
 * kept (then freed here). */
static const char *own(dctx *c, char *q)
{
    if (q && c->nowned == c->capowned) {
        size_t cap = c->capowned ? c->capowned * 2 : 16;
        char **p = realloc(c->owned, cap * sizeof *p);
        if (!p) {
            free(q);
            lw_oom_note();
            return NULL;
        }
        c->owned = p;
        c->capowned = cap;
    }
    if (q)
        c->owned[c->nowned++] = q;
    return q;
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
    collect(c, "duty.alias", &al);
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
            add_unit(&owners, all->v[i].s, all->v[i].e, all->v[i].name, all->v[i].level);
        int ok = alias_owner(c, &owners, open - 1, &name_s, &name);
        free(owners.v);
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
            add_unit(all, s, e, name, NULL);
        }
    }
    free(al.v);
}

/* Agencies and unit groups, in text order; a name inside a longer one is dropped
 * ("Ủy ban nhân dân tỉnh" inside "các cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh"). */
static void collect_units(dctx *c)
{
    unit_list all = {0};
    for (size_t i = 0; i < c->x->n; i++) {
        lw_fact *f = &c->x->facts[i];
        if (strcmp(f->kind, "agency"))
            continue;
        const char *name = json_string_value(json_object_get(f->fields, "name"));
        if (name)
            add_unit(&all, f->start, f->end, name, json_string_value(json_object_get(f->fields, "level")));
    }
    mark_list groups = {0};
    collect(c, "duty.unit", &groups);
    for (size_t i = 0; i < groups.n; i++) {
        const lw_rule *r = groups.v[i].rule;
        const char *name = set_str(r, "name");
        json_t *names = json_object_get(r->set, "names"); /* a group of two kinds of units */
        size_t before = all.n;
        if (name)
            add_unit(&all, groups.v[i].s, groups.v[i].e, name, set_str(r, "level"));
        json_t *levels = json_object_get(r->set, "levels");
        for (size_t k = 0; k < json_array_size(names); k++)
            if (json_is_string(json_array_get(names, k)))
                add_unit(&all, groups.v[i].s, groups.v[i].e, json_string_value(json_array_get(names, k)),
                         json_string_value(json_array_get(levels, k)));
        for (size_t k = before; k < all.n; k++)
            all.v[k].grp = r;
    }
    free(groups.v);
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
        add_unit(&c->units, all.v[i].s, all.v[i].e, all.v[i].name, all.v[i].level);
        if (c->units.n > before)
            c->units.v[before].grp = all.v[i].grp;
        if (all.v[i].e > reach)
            reach = all.v[i].e;
    }
    free(all.v);
}

/* ---- text helpers ---- */


/* 1 when text[a..b) holds only punctuation, white space and gap words; at most max_other
 * other words are tolerated (their count goes to *others when others is not NULL). */
static int gap_words_only(const dctx *c, size_t a, size_t b, int max_other)
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
        int known = 0;
        for (size_t k = 0; f && k < c->ngap && !known; k++)
            known = !strcmp(f, c->gap[k]);
        free(f);
        if (!known && ++other > max_other)
            return 0;
    }
    return 1;
}

static size_t first_unit_at(const dctx *c, size_t from)
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
static void lead_run(const dctx *c, size_t from, size_t to, unit_list *out, size_t *run_end)
{
    size_t pos = from;
    for (size_t i = first_unit_at(c, from); i < c->units.n && c->units.v[i].s < to; i++) {
        const unit_t *u = &c->units.v[i];
        if (u->e > to || !gap_words_only(c, pos, u->s, 0))
            break;
        add_unit(out, u->s, u->e, u->name, u->level);
        pos = u->e;
    }
    if (run_end)
        *run_end = pos;
}

static void units_in(const dctx *c, size_t from, size_t to, unit_list *out)
{
    for (size_t i = first_unit_at(c, from); i < c->units.n && c->units.v[i].s < to; i++)
        if (c->units.v[i].e <= to)
            add_unit(out, c->units.v[i].s, c->units.v[i].e, c->units.v[i].name, c->units.v[i].level);
}

static const mark_t *mark_in(const mark_list *l, size_t from, size_t to)
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
static char *clip(const dctx *c, size_t s, size_t e)
{
    char *t = lw_text_clean(c->text + s, e - s);
    if (!t)
        return NULL;
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

const char *lw_duty_topic(const lw_ruleset *rs, lw_matcher *m, const char *s, size_t n, const char **label)
{
    const lw_rule *best = NULL;
    size_t best_s = SIZE_MAX;
    for (size_t i = 0; i < lw_ruleset_count(rs); i++) {
        const lw_rule *r = lw_ruleset_rule(rs, i);
        if (strcmp(r->kind, "duty.topic"))
            continue;
        mark_list l = {0};
        lw_rule_match_all(m, r, s, n, push_mark, &l, NULL);
        if (l.n && l.v[0].s < best_s) {
            best_s = l.v[0].s;
            best = r;
        }
        free(l.v);
    }
    if (label)
        *label = best ? set_str(best, "label") : NULL;
    return best ? set_str(best, "topic") : NULL;
}

/* ---- building the facts ---- */

/* A unit named as its own document names it ("Văn phòng Sở", "Phòng Tư pháp") is that of
 * the issuer: "Văn phòng Sở Nội vụ tỉnh Bến Tre", "Phòng Tư pháp huyện Châu Thành" (names
 * listed in local_units of rules/duties.yaml). Otherwise the name as is. Owned by c. */
static const char *qualified(dctx *c, const char *name)
{
    const char *issuer = json_string_value(json_object_get(c->x->header, "issuer"));
    if (!issuer)
        return name;
    size_t i;
    json_t *v;
    json_array_foreach(lw_ruleset_data(c->rs, "local_units"), i, v) {
        const char *local = json_string_value(v);
        if (!local || strcmp(local, name))
            continue;
        char buf[700];
        size_t ln = strlen(local);
        const char *ubnd = "Ủy ban nhân dân ";
        if (!strncmp(issuer, ubnd, strlen(ubnd)))
            snprintf(buf, sizeof buf, "%s %s", local, issuer + strlen(ubnd));
        else if (ln > strlen(" Sở") && !strcmp(local + ln - strlen(" Sở"), " Sở") && !strncmp(issuer, "Sở ", strlen("Sở ")))
            snprintf(buf, sizeof buf, "%.*s %s", (int)(ln - strlen(" Sở")), local, issuer);
        else
            return name;
        char *d = strdup(buf);
        if (!d)
            lw_oom_note(); /* the name as written is kept, and the extraction fails (lw_oom) */
        const char *q = own(c, d);
        return q ? q : name;
    }
    return name;
}

static json_t *unit_names(const unit_list *l)
{
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++) {
        int dup = 0;
        for (size_t k = 0; k < i && !dup; k++)
            dup = !strcmp(l->v[k].name, l->v[i].name);
        if (!dup)
            json_array_append_new(a, json_string(l->v[i].name));
    }
    return a;
}

static void put_units(json_t *units, const unit_list *l, const char *role)
{
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(units, json_pack("{s:s,s:s?,s:s,s:I}", "name", l->v[i].name, "level", l->v[i].level,
                                               "role", role, "at", (json_int_t)l->v[i].s));
}

static json_t *deadline_json(const dctx *c, size_t k)
{
    const lw_fact *f = &c->x->facts[c->dls[k]];
    json_t *d = json_object();
    const char *keys[] = {"from", "to", "precision", "qualifier"};
    for (size_t i = 0; i < 4; i++) {
        json_t *v = json_object_get(f->fields, keys[i]);
        json_object_set_new(d, keys[i], v ? json_incref(v) : json_null());
    }
    json_object_set_new(d, "at", json_integer((json_int_t)f->start));
    json_object_set_new(d, "at_end", json_integer((json_int_t)f->end));
    return d;
}

/* Whether deadline k is a date a duty can be due by: a recurring whole year with no date
 * ("thường xuyên", "hằng năm") is one only in a plan for that year. */
static int dated(const dctx *c, size_t k)
{
    const lw_fact *f = &c->x->facts[c->dls[k]];
    const char *q = json_string_value(json_object_get(f->fields, "qualifier"));
    const char *prec = json_string_value(json_object_get(f->fields, "precision"));
    if (!q || strcmp(q, "recurring") || !prec || strcmp(prec, "year"))
        return 1;
    const char *to = json_string_value(json_object_get(f->fields, "to"));
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

static int recurring(const dctx *c, size_t k)
{
    const char *q = json_string_value(json_object_get(c->x->facts[c->dls[k]].fields, "qualifier"));
    return q && !strcmp(q, "recurring");
}

/* First deadline starting in [from, to) that a duty can be due by (unclaimed only when
 * free_only); nd when none. */
static size_t deadline_in(const dctx *c, size_t from, size_t to, int free_only)
{
    for (size_t k = 0; k < c->nd; k++) {
        size_t s = c->x->facts[c->dls[k]].start;
        if (s >= to)
            break;
        if (s >= from && (!free_only || !c->claimed[k]) && dated(c, k))
            return k;
    }
    return c->nd;
}

/* Appends a duty fact; takes activity and output. concerns (may be NULL) are the units the
 * leads must make do the work ("chỉ đạo Ủy ban nhân dân cấp xã ban hành kế hoạch"): listed
 * in units with role "concerns" and in the key concerns, which only such a duty has. */
static void emit(dctx *c, const lw_rule *rule, size_t s, size_t e, char *activity, const unit_list *lead,
                 const unit_list *partners, const unit_list *concerns, char *output, size_t dl, const char *topic,
                 const char *section, const char *source)
{
    json_t *f = json_object();
    unit_list ql = {0};
    for (size_t i = 0; i < lead->n; i++)
        add_unit(&ql, lead->v[i].s, lead->v[i].e, qualified(c, lead->v[i].name), lead->v[i].level);
    lead = &ql;
    json_object_set_new(f, "activity", activity ? json_string(activity) : json_null());
    json_object_set_new(f, "lead", unit_names(lead));
    /* a partner that also leads is a lead */
    unit_list pp = {0};
    for (size_t i = 0; partners && i < partners->n; i++) {
        int dup = 0;
        for (size_t k = 0; k < lead->n && !dup; k++)
            dup = !strcmp(lead->v[k].name, partners->v[i].name);
        if (!dup)
            add_unit(&pp, partners->v[i].s, partners->v[i].e, qualified(c, partners->v[i].name), partners->v[i].level);
    }
    json_object_set_new(f, "partners", unit_names(&pp));
    json_object_set_new(f, "output", output ? json_string(output) : json_null());
    json_object_set_new(f, "deadline", dl < c->nd ? deadline_json(c, dl) : json_null());
    json_object_set_new(f, "topic", topic ? json_string(topic) : json_null());
    json_object_set_new(f, "section", section && *section ? json_string(section) : json_null());
    json_object_set_new(f, "source", json_string(source));
    if (c->recurs) { /* "Thực hiện thường xuyên": a time frame, though no deadline */
        json_object_set_new(f, "recurring", json_string(c->recurs));
        free(c->recurs);
        c->recurs = NULL;
    }
    json_t *units = json_array();
    put_units(units, lead, "lead");
    put_units(units, &pp, "partner");
    if (concerns && concerns->n) {
        put_units(units, concerns, "concerns");
        json_object_set_new(f, "concerns", unit_names(concerns));
    }
    json_object_set_new(f, "units", units);
    free(pp.v);
    free(ql.v);
    free(activity);
    free(output);
    if (dl < c->nd)
        c->claimed[dl] = 1;
    lw_extraction_add(c->x, "duty", rule, s, e, f);
}

static const lw_seg_line *L(const dctx *c, size_t i) { return &c->seg->lines[i]; }

/* Whether pos lies in a distribution list or a signature. */
static int in_tail(const dctx *c, size_t pos)
{
    for (size_t i = 0; i < c->ntail; i++)
        if (pos >= c->tail_s[i] && pos < c->tail_e[i])
            return 1;
    return 0;
}

/* Where the text from pos on stops being free of a tail: the start of the next one. */
static size_t tail_after(const dctx *c, size_t pos)
{
    size_t best = c->len;
    for (size_t i = 0; i < c->ntail; i++)
        if (c->tail_s[i] >= pos && c->tail_s[i] < best)
            best = c->tail_s[i];
    return best;
}

static size_t report_clauses(dctx *c, size_t from, size_t to, const unit_list *fallback, const char *source);
static size_t sentence_start(const dctx *c, size_t s, size_t pos);

/* ---- items with field labels ---- */

static const mark_t *directing(const dctx *c, size_t s, size_t e, unit_list *concerns, size_t *work);

static void build_items(dctx *c)
{
    size_t n = c->seg->n;
    long *item_of = malloc(n * sizeof *item_of);
    item_t *items = NULL;
    size_t nitems = 0, cap = 0;
    if (!item_of) {
        lw_oom_note(); /* the items are lost: the extraction fails (lw_oom) */
        return;
    }
    for (size_t i = 0; i < n; i++)
        item_of[i] = -1;
    for (size_t li = 0; li < n; li++) {
        if (c->field_of[li] < 0 || in_tail(c, L(c, li)->start))
            continue;
        long o = L(c, li)->parent;
        while (o >= 0 && (c->field_of[o] >= 0 || !lw_mark_is_heading(L(c, (size_t)o)->mark)))
            o = L(c, (size_t)o)->parent;
        if (o < 0)
            continue;
        if (item_of[o] < 0) {
            if (nitems == cap) {
                cap = cap ? cap * 2 : 16;
                item_t *p = realloc(items, cap * sizeof *p);
                if (!p) {
                    lw_oom_note(); /* the items are cut short: the extraction fails (lw_oom) */
                    break;
                }
                items = p;
            }
            items[nitems] = (item_t){.owner = o};
            item_of[o] = (long)nitems++;
        }
        item_t *it = &items[item_of[o]];
        if (it->nfields < sizeof it->fields / sizeof it->fields[0])
            it->fields[it->nfields++] = li;
    }
    for (size_t k = 0; k < nitems; k++) {
        item_t *it = &items[k];
        const lw_seg_line *h = L(c, (size_t)it->owner);
        size_t span_end = L(c, h->last)->end;
        if (span_end > tail_after(c, h->start))
            span_end = tail_after(c, h->start);
        unit_list lead = {0}, partners = {0};
        char *output = NULL;
        size_t dl = c->nd;
        size_t content_s = 0, content_e = 0;
        size_t work_s = 0, work_e = 0; /* what the lead field says beyond its units */
        char *recurs = NULL;           /* the words of an undated time frame */
        size_t dfield_s = 0, dfield_e = 0; /* the deadline field */
        for (size_t j = 0; j < it->nfields; j++) {
            size_t li = it->fields[j];
            const lw_seg_line *fl = L(c, li);
            const mark_t *lab = &c->fields.v[c->field_of[li]];
            const char *field = set_str(lab->rule, "field");
            size_t cs = lab->e, ce = L(c, fl->last)->end;
            if (!field)
                continue;
            if (!strcmp(field, "lead")) {
                const mark_t *pm = mark_in(&c->partners, cs, fl->end);
                size_t lead_end = pm ? pm->s : fl->end, run_end;
                lead_run(c, cs, lead_end, &lead, &run_end);
                if (!work_e && lead.n && !gap_words_only(c, run_end, lead_end, 0)) {
                    work_s = run_end;
                    work_e = lead_end;
                }
                if (pm) {
                    size_t before = partners.n;
                    lead_run(c, pm->e, fl->end, &partners, NULL);
                    if (partners.n == before)
                        units_in(c, pm->e, fl->end, &partners);
                }
                /* "+ Các Sở, ngành: ..." sub-items name the units before their colon */
                for (size_t ch = li + 1; ch <= fl->last; ch++) {
                    const lw_seg_line *cl = L(c, ch);
                    if (cl->parent != (long)li)
                        continue;
                    const char *colon = memchr(c->text + cl->body, ':', cl->end - cl->body);
                    size_t he = colon && (size_t)(colon - c->text) - cl->body < 160 ? (size_t)(colon - c->text) : cl->end;
                    lead_run(c, cl->body, he, &lead, NULL);
                }
                if (!lead.n)
                    units_in(c, cs, lead_end, &lead);
            } else if (!strcmp(field, "partners")) {
                size_t before = partners.n;
                lead_run(c, cs, fl->end, &partners, NULL);
                if (partners.n == before)
                    units_in(c, cs, fl->end, &partners);
            } else if (!strcmp(field, "output") && !output) {
                output = clip(c, cs, fl->end > cs ? fl->end : cs);
                if (output && !*output) {
                    free(output);
                    output = fl->last > li ? clip(c, L(c, li + 1)->body, L(c, li + 1)->end) : NULL;
                }
            } else if (!strcmp(field, "deadline") && dl == c->nd) {
                /* "Thực hiện thường xuyên, riêng việc ... hoàn thành trong Quý III": the
                 * date the work can be checked against comes first */
                dfield_s = cs;
                dfield_e = ce;
                dl = deadline_in(c, cs, ce, 0);
                for (size_t q = 0; dl == c->nd && !recurs && q < c->nd; q++) {
                    const lw_fact *df = &c->x->facts[c->dls[q]];
                    if (df->start >= cs && df->start < ce && recurring(c, q))
                        recurs = clip(c, df->start, df->end);
                }
                for (size_t q = dl; q < c->nd && c->x->facts[c->dls[q]].start < ce; q++)
                    if (dated(c, q) && !recurring(c, q)) {
                        dl = q;
                        break;
                    }
                if (dl < c->nd)
                    c->claimed[dl] = 1;
            } else if (!strcmp(field, "content") && !content_e) {
                content_s = cs;
                content_e = ce;
            }
        }
        /* reporting clauses inside the item are duties of their own ("Cơ quan phối hợp:
         * Các Sở, ngành ... gửi về Sở Tư pháp chậm nhất ngày 15/11/2025") */
        report_clauses(c, h->start, span_end, &lead, "report");
        if (dl == c->nd)
            dl = deadline_in(c, h->start, span_end, 1); /* not one a reporting clause took */
        /* the activity is the heading that names the work; a bare section title ("IV. CHẾ
         * ĐỘ BÁO CÁO") names none: then the content field, else the work the lead field states
         * ("Cơ quan thực hiện: Sở Tư pháp tổng hợp, xây dựng báo cáo ...") */
        char *activity;
        size_t hb = h->body, he = h->end;
        if (gap_words_only(c, hb, he, 0)) {
            /* "1.4." alone on its line, its words on the next */
            for (size_t j = (size_t)it->owner + 1; j <= h->last; j++)
                if (!L(c, j)->mark && L(c, j)->end > L(c, j)->body) {
                    hb = L(c, j)->body;
                    he = L(c, j)->end;
                    break;
                }
        }
        if (!lw_segment_is_caps(c->text + hb, c->text + he))
            activity = clip(c, hb, he);
        else if (content_e)
            activity = clip(c, content_s, content_e);
        else if (work_e)
            activity = clip(c, work_s, work_e);
        else
            activity = clip(c, hb, he);
        const char *topic = NULL;
        /* the heading, else a heading above it ("3. Xác định lĩnh vực ..." over "a) ...") */
        for (long a = it->owner; a >= 0 && !topic; a = L(c, (size_t)a)->parent)
            if (lw_mark_is_heading(L(c, (size_t)a)->mark))
                topic = lw_duty_topic(c->rs, c->m, c->text + L(c, (size_t)a)->body,
                                      L(c, (size_t)a)->end - L(c, (size_t)a)->body, NULL);
        if (!topic && content_e)
            topic = lw_duty_topic(c->rs, c->m, c->text + content_s, content_e - content_s, NULL);
        if (!topic && output)
            topic = lw_duty_topic(c->rs, c->m, output, strlen(output), NULL);
        const lw_rule *rule = c->fields.v[c->field_of[it->fields[0]]].rule;
        if (dl == c->nd) {
            c->recurs = recurs; /* for this duty only (emit takes it) */
            recurs = NULL;
        }
        free(recurs);
        /* "Đợt 1: trước ngày 15/6/2025; đợt 2: trước ngày 15/11/2025": one duty per date */
        size_t more[8], nmore = 0;
        for (size_t q = 0; dl < c->nd && q < c->nd && nmore < 8; q++) {
            const lw_fact *df = &c->x->facts[c->dls[q]];
            if (q == dl || c->claimed[q] || df->start < dfield_s || df->start >= dfield_e || !dated(c, q) ||
                recurring(c, q))
                continue;
            json_t *t1 = json_object_get(df->fields, "to"), *t0 = json_object_get(c->x->facts[c->dls[dl]].fields, "to");
            if (json_equal(t1, t0))
                continue;
            c->claimed[q] = 1;
            more[nmore++] = q;
        }
        /* "1. Chỉ đạo Ủy ban nhân dân cấp xã ban hành kế hoạch ..." over "Cơ quan thực hiện:
         * Ủy ban nhân dân cấp huyện": the leads are to direct the units the heading opens with */
        unit_list concerns = {0};
        size_t dwork;
        const mark_t *dm = directing(c, hb, he, &concerns, &dwork);
        if (dm && !gap_words_only(c, hb, dm->s, 0))
            concerns.n = 0;
        char *act2 = nmore && activity ? strdup(activity) : NULL, *out2 = nmore && output ? strdup(output) : NULL;
        emit(c, rule, h->start, span_end, activity, &lead, &partners, &concerns, output, dl, topic, h->label, "item");
        for (size_t q = 0; q < nmore; q++)
            emit(c, rule, h->start, span_end, act2 ? strdup(act2) : NULL, &lead, &partners, &concerns,
                 out2 ? strdup(out2) : NULL, more[q], topic, h->label, "item");
        free(concerns.v);
        free(act2);
        free(out2);
        for (size_t j = (size_t)it->owner; j <= h->last; j++)
            c->handled[j] = 1;
        free(lead.v);
        free(partners.v);
    }
    free(items);
    free(item_of);
}

/* ---- reporting clauses ---- */

/* Whether a unit name ends at pos (white space allowed between). */
static int unit_ends_at(const dctx *c, size_t pos)
{
    while (pos > 0 && c->text[pos - 1] == ' ')
        pos--;
    size_t i = first_unit_at(c, pos > 300 ? pos - 300 : 0);
    for (; i < c->units.n && c->units.v[i].s < pos; i++)
        if (c->units.v[i].e == pos)
            return 1;
    return 0;
}

/* Whether the '.' at dot ends an abbreviation ("TP. Hồ Chí Minh", "TX. ", "Q. 7"): a word
 * of one to three capitals before it. */
static int abbreviation(const dctx *c, size_t dot)
{
    size_t b = dot;
    while (b > 0 && c->text[b - 1] >= 'A' && c->text[b - 1] <= 'Z')
        b--;
    return dot - b >= 1 && dot - b <= 3 && (b == 0 || c->text[b - 1] == ' ' || c->text[b - 1] == '(');
}

/* Whether a unit name starts at pos (white space allowed before it). */
static int unit_starts_at(const dctx *c, size_t pos)
{
    while (pos < c->len && (c->text[pos] == ' ' || c->text[pos] == '\n'))
        pos++;
    size_t i = first_unit_at(c, pos);
    return i < c->units.n && c->units.v[i].s == pos;
}

/* Start of the clause that ends at pos: after a line end, ';', ':' or ". ", at most 1500
 * bytes back and never before floor. */
static size_t clause_start(const dctx *c, size_t pos, size_t floor)
{
    size_t lim = pos > 1500 ? pos - 1500 : 0;
    if (lim < floor)
        lim = floor;
    size_t s = pos;
    while (s > lim) {
        char ch = c->text[s - 1];
        if (ch == ';' && unit_ends_at(c, s - 1) && unit_starts_at(c, s))
            ch = ','; /* "Các Sở, ban, ngành tỉnh; Ủy ban nhân dân các huyện": one list */
        if (ch == '\n' || ch == ';' || ch == ':' || (ch == '.' && s < c->len && c->text[s] == ' ' && !abbreviation(c, s - 1)))
            break;
        s--;
    }
    while (s < pos && (c->text[s] == ' ' || c->text[s] == '\t'))
        s++;
    return s;
}

/* End of the clause that goes on at pos: a line end, ';' or ". ", at most 400 bytes on and
 * never after limit. */
static size_t clause_end(const dctx *c, size_t pos, size_t limit)
{
    size_t e = pos, lim = pos + 400 < limit ? pos + 400 : limit;
    if (lim > c->len)
        lim = c->len;
    while (e < lim) {
        char ch = c->text[e];
        if (ch == '\n' || ch == ';' || (ch == '.' && e + 1 < c->len && c->text[e + 1] == ' ' && !abbreviation(c, e)))
            break;
        e++;
    }
    return e;
}

/* Whether offset pos lies in the subject line of the header ("V/v báo cáo ..."): the
 * subject announces the obligation the body states. */
static int in_subject(const dctx *c, size_t pos)
{
    for (size_t i = 0; i < c->subjects.n; i++)
        if (pos >= c->subjects.v[i].s && pos < c->subjects.v[i].e)
            return 1;
    return 0;
}

/* "báo cáo kết quả 6 tháng đầu năm 2025 ... trước ngày 05/9/2025": a quarter, half or
 * month followed in the same clause by a day is the period reported on, not a deadline. */
static int period_before_deadline(const dctx *c, size_t k)
{
    if (k + 1 >= c->nd)
        return 0;
    const lw_fact *d = &c->x->facts[c->dls[k]], *n = &c->x->facts[c->dls[k + 1]];
    const char *prec = json_string_value(json_object_get(d->fields, "precision"));
    const char *nprec = json_string_value(json_object_get(n->fields, "precision"));
    if (!prec || !strcmp(prec, "day") || !nprec || strcmp(nprec, "day") || n->start < d->end)
        return 0;
    for (size_t i = d->end; i < n->start; i++) {
        char ch = c->text[i];
        if (ch == '\n' || ch == ';' || (ch == '.' && i + 1 < c->len && c->text[i + 1] == ' '))
            return 0;
    }
    return n->start - d->end < 400;
}

/* Whether [a, b) tells rather than sets: a past event, a plan or a proposal told
 * ("đã báo cáo", "sẽ tổ chức đại hội vào Quý IV/2024", "có Văn bản số ... kiến nghị kéo
 * dài ... đến quý I/2025"); the words are duty.narrative rules. */
static int narrated(const dctx *c, size_t a, size_t b) { return mark_in(&c->narratives, a, b) != NULL; }

/* Whether deadline k ends a period of a way of working rather than sets a due date: "đến
 * (hết) ngày ..." in a clause that goes on or keeps doing something ("tiếp tục thực hiện
 * quy trình cũ đến hết ngày 31/10/2025", "thực hiện song song 2 quy trình đến hết ngày ...":
 * duty.lasting rules). */
static int lasting_until(const dctx *c, size_t k, size_t cs)
{
    const lw_fact *f = &c->x->facts[c->dls[k]];
    if (!mark_in(&c->lastings, cs, f->start))
        return 0;
    char *t = lw_fold_case(c->text + f->start, f->end - f->start < 16 ? f->end - f->start : 16);
    int until = t && !strncmp(t, "đến", strlen("đến"));
    free(t);
    return until;
}

/* Skips white space and a list marker ("- ", "+ ") at pos. */
static size_t skip_blank(const dctx *c, size_t pos, size_t to)
{
    while (pos < to && (c->text[pos] == ' ' || c->text[pos] == '\t' || c->text[pos] == '-' || c->text[pos] == '+' ||
                        c->text[pos] == '(' || c->text[pos] == '*'))
        pos++;
    return pos;
}

/* The units that open [from, to), after an intro that may stand before a subject
 * ("Thời hạn", "Đối với kết quả năm 2025,", "Căn cứ ..., ": duty.intro rules); when a
 * request follows them ("Sở Tư pháp đề nghị Đoàn Luật sư ..."), the units asked instead.
 * *act gets where the work is stated (after the units), or from when none. */
static void subject_of(const dctx *c, size_t from, size_t to, unit_list *out, size_t *act)
{
    size_t pos = skip_blank(c, from, to);
    size_t li = lw_segment_line_at(c->seg, pos);
    if (li < c->seg->n && L(c, li)->start <= pos && pos < L(c, li)->body && L(c, li)->body < to)
        pos = L(c, li)->body; /* "3. Các Bộ, cơ quan, địa phương dự Hội nghị ..." */
    for (size_t i = 0; i < c->intros.n && c->intros.v[i].s <= pos + 1; i++)
        if (c->intros.v[i].s >= pos && c->intros.v[i].e < to) {
            pos = c->intros.v[i].e;
            break;
        }
    *act = from;
    unit_list run = {0};
    size_t run_end;
    lead_run(c, pos, to, &run, &run_end);
    if (!run.n) {
        free(run.v);
        return;
    }
    *act = run_end;
    for (size_t i = 0; i < c->requests.n && c->requests.v[i].s < to; i++) {
        const mark_t *rq = &c->requests.v[i];
        if (rq->s < run_end || !gap_words_only(c, run_end, rq->s, 2))
            continue;
        /* the opening units ask; those after the request do the work */
        unit_list asked = {0};
        size_t asked_end;
        lead_run(c, rq->e, to, &asked, &asked_end);
        /* "Văn phòng Chính phủ trân trọng đề nghị:" asks the units its items name */
        free(run.v);
        run = asked;
        *act = asked.n ? asked_end : from;
        break;
    }
    add_units(out, &run);
    free(run.v);
}

/* The units a line that introduces a list names ("Bộ Nội vụ đề nghị các bộ, tỉnh ... thực
 * hiện một số nội dung sau:", "2. Thủ trưởng các đơn vị trực thuộc Bộ ... thực hiện các
 * nhiệm vụ sau:"): a line ending with ':' whose units open it or follow a request. */
/* The units a line names before its colon ("2. Bộ Y tế: Mời ...", "+ Các Sở, ngành: ..."). */
static int label_lead(const dctx *c, size_t li, unit_list *out)
{
    const lw_seg_line *l = L(c, li);
    const char *colon = memchr(c->text + l->body, ':', l->end - l->body);
    if (!colon || (size_t)(colon - c->text) - l->body > 160)
        return 0;
    size_t ce = (size_t)(colon - c->text), run_end, before = out->n;
    unit_list run = {0};
    lead_run(c, l->body, ce, &run, &run_end);
    if (run.n && gap_words_only(c, run_end, ce, 0))
        add_units(out, &run);
    free(run.v);
    return out->n > before;
}

static int intro_lead(const dctx *c, size_t li, unit_list *out)
{
    const lw_seg_line *l = L(c, li);
    if (label_lead(c, li, out))
        return 1;
    size_t e = l->end;
    while (e > l->body && (c->text[e - 1] == ' ' || c->text[e - 1] == '*'))
        e--;
    if (e <= l->body || c->text[e - 1] != ':')
        return 0;
    size_t before = out->n, act;
    subject_of(c, l->body, e, out, &act);
    if (out->n > before) {
        /* "Bộ Tư pháp hướng dẫn Ủy ban nhân dân các tỉnh ... một số nội dung như sau:": the
         * units guided do the items, not the one guiding */
        const mark_t *dm = mark_in(&c->directs, act, e);
        if (dm && gap_words_only(c, act, dm->s, 2)) {
            out->n = before;
            lead_run(c, dm->e, e, out, NULL);
        }
        return out->n > before;
    }
    const mark_t *rq = mark_in(&c->requests, l->body, e);
    if (rq)
        lead_run(c, rq->e, e, out, NULL);
    return out->n > before;
}

/* The units the list around line li is given to: the nearest line that introduces a list,
 * among the unmarked lines before li under the same heading, then the headings above. */
static int context_lead(const dctx *c, size_t li, unit_list *out)
{
    if (label_lead(c, li, out))
        return 1; /* the clause's own line: "2. Bộ Y tế: Mời ...; Tổng hợp ... trước ..." */
    long a = L(c, li)->parent;
    for (;;) {
        size_t lo = a >= 0 ? (size_t)a + 1 : 0;
        for (size_t k = li; k-- > lo;)
            if (L(c, k)->parent == a && !L(c, k)->mark && !in_tail(c, L(c, k)->start) && intro_lead(c, k, out))
                return 1;
        if (a < 0)
            return 0;
        if (intro_lead(c, (size_t)a, out))
            return 1;
        li = (size_t)a;
        a = L(c, (size_t)a)->parent;
    }
}

/* Whether the clause at cs refers back to the sentence before it ("Việc thiết lập và thông
 * báo thực hiện trước ngày ...": clause_refers_back in rules/duties.yaml). */
static int refers_back(const dctx *c, size_t cs)
{
    size_t i;
    json_t *v;
    json_array_foreach(lw_ruleset_data(c->rs, "clause_refers_back"), i, v) {
        const char *w = json_string_value(v);
        size_t n = w ? strlen(w) : 0;
        if (n && cs + n < c->len && !strncmp(c->text + cs, w, n) && c->text[cs + n] == ' ')
            return 1;
    }
    return 0;
}

/* The subject of the clauses before cs in its paragraph when cs goes on after a ';'
 * ("Các sở, ban, ngành ... xây dựng Kế hoạch ...; định kỳ hằng năm (trước ngày 15/11) báo
 * cáo ...": one subject), or after a sentence the clause refers back to. */
static void earlier_subject(const dctx *c, size_t cs, unit_list *out)
{
    int back = refers_back(c, cs);
    for (int hops = 0; hops < 4 && !out->n; hops++) {
        size_t p = cs;
        while (p > 0 && (c->text[p - 1] == ' ' || c->text[p - 1] == '\n'))
            p--;
        if (p == 0 || !(c->text[p - 1] == ';' || (back && c->text[p - 1] == '.')))
            return;
        size_t ps = clause_start(c, p - 1, 0), act;
        if (ps >= p - 1)
            return;
        /* a clause that opens after a colon lists what the words before it introduce ("Mời
         * đại diện ... đơn vị thuộc Bộ Y tế: Cục Phòng bệnh, ..."): its units are no subject */
        size_t q = ps;
        while (q > 0 && c->text[q - 1] == ' ')
            q--;
        if (q > 0 && c->text[q - 1] == ':')
            return;
        subject_of(c, ps, p - 1, out, &act);
        cs = ps;
    }
}

/* Whether the word before pos is one after which a unit receives or owns rather than acts
 * ("gửi về Bộ Nội vụ", "của Bộ trưởng": unit_receiver_words). */
static int after_receiver_word(const dctx *c, size_t pos)
{
    size_t e = pos;
    while (e > 0 && (c->text[e - 1] == ' ' || c->text[e - 1] == '('))
        e--;
    size_t b = e;
    while (b > 0 && is_letter_byte((unsigned char)c->text[b - 1]))
        b--;
    if (b == e)
        return 0;
    char *w = lw_fold_case(c->text + b, e - b);
    int hit = 0;
    size_t i;
    json_t *v;
    json_array_foreach(lw_ruleset_data(c->rs, "unit_receiver_words"), i, v) {
        if (w && json_is_string(v) && !strcmp(w, json_string_value(v)))
            hit = 1;
    }
    free(w);
    return hit;
}

/* Whether the clause [cs, end) names a unit that acts in it and is none of the letter's
 * addressees ("Trong thời gian chờ ..., Cục Hải quan TP. Hồ Chí Minh hướng dẫn ... đến hết
 * ngày ..."): its work is that unit's, so it is not given to the addressees. */
static int names_other_actor(const dctx *c, size_t cs, size_t end)
{
    for (size_t i = first_unit_at(c, cs); i < c->units.n && c->units.v[i].s < end; i++) {
        const unit_t *u = &c->units.v[i];
        if (after_receiver_word(c, u->s))
            continue;
        int addressee = 0;
        for (size_t k = 0; k < c->addressees.n && !addressee; k++)
            addressee = !strcmp(c->addressees.v[k].name, u->name);
        if (!addressee)
            return 1;
    }
    return 0;
}

/* Whether the clause [cs, end) opens with a word of the list named (rules/duties.yaml);
 * event_subject: with a programme or an event as its subject
 * ("Chương trình tổ chức thực hiện điểm trong năm 2026 tại ...", "Hội nghị tổ chức vào
 * ..."): it tells when something takes place (event_subjects in rules/duties.yaml). */
static int opens_with(const dctx *c, size_t cs, size_t end, const char *list)
{
    size_t pos = skip_blank(c, cs, end);
    size_t li = lw_segment_line_at(c->seg, pos);
    if (li < c->seg->n && L(c, li)->start <= pos && pos < L(c, li)->body)
        pos = L(c, li)->body;
    for (size_t i = 0; i < c->intros.n && c->intros.v[i].s <= pos + 1; i++)
        if (c->intros.v[i].s >= pos && c->intros.v[i].e < end) {
            pos = skip_blank(c, c->intros.v[i].e, end); /* "Trong thời gian chờ ..., Cục ..." */
            break;
        }
    size_t i;
    json_t *v;
    json_array_foreach(lw_ruleset_data(c->rs, list), i, v) {
        const char *w = json_string_value(v);
        size_t n = w ? strlen(w) : 0;
        if (n && pos + n < end && !strncmp(c->text + pos, w, n) && c->text[pos + n] == ' ')
            return 1;
    }
    return 0;
}

static int event_subject(const dctx *c, size_t cs, size_t end) { return opens_with(c, cs, end, "event_subjects"); }

/* Who must do the work of the clause [cs, end): its subject (subject_of), else the units
 * after a request in it ("đề nghị các Sở ..."), else fallback; without a fallback, the
 * subject it shares with the clauses before it (earlier_subject), the list it stands in
 * (context_lead), else the letter's addressees. *act: where the work starts. */
static void clause_lead(const dctx *c, size_t cs, size_t end, const unit_list *fallback, unit_list *out, size_t *act)
{
    subject_of(c, cs, end, out, act);
    if (out->n)
        return;
    const mark_t *rq = NULL;
    for (size_t i = 0; i < c->requests.n && c->requests.v[i].s < end; i++)
        if (c->requests.v[i].s >= cs)
            rq = &c->requests.v[i];
    if (rq) {
        size_t re;
        lead_run(c, rq->e, end, out, &re);
        if (out->n) {
            *act = re;
            return;
        }
    }
    if (fallback) {
        add_units(out, fallback);
        return;
    }
    if (c->tells)
        return;
    earlier_subject(c, cs, out);
    if (out->n || event_subject(c, cs, end) || opens_with(c, cs, end, "subject_openers"))
        return; /* "Các ban, ngành, đoàn thể ... báo cáo ...": a subject we do not know */
    size_t li = lw_segment_line_at(c->seg, cs);
    if (li < c->seg->n && context_lead(c, li, out))
        return;
    if (!names_other_actor(c, cs, end))
        add_units(out, &c->addressees);
}

/* The first directing verb in [s, e) followed by the units it directs ("chỉ đạo Ủy ban nhân
 * dân cấp xã ...", "hướng dẫn, đôn đốc các Sở, ngành ..."): those units go to concerns and
 * *work gets where the directed work is stated. NULL when none. */
static const mark_t *directing(const dctx *c, size_t s, size_t e, unit_list *concerns, size_t *work)
{
    for (size_t i = 0; i < c->directs.n && c->directs.v[i].s < e; i++) {
        const mark_t *dm = &c->directs.v[i];
        if (dm->s < s)
            continue;
        lead_run(c, dm->e, e, concerns, work);
        if (concerns->n)
            return dm;
    }
    return NULL;
}

/* "gửi file mềm về Văn phòng UBND tỉnh ... để tổng hợp, báo cáo Thủ tướng Chính phủ trước
 * 15 giờ ngày ...": a deadline after the purpose a receiver serves (duty.relay) binds the
 * receiver, who must pass the reports on, not the senders again. The receiver is the last unit
 * after a word of sending (relay_receiver_words) in the sentence before the purpose; 1 when
 * the clause has such a purpose (out then holds the receiver, or nothing when the text
 * names none: no duty rather than the senders'), *act the purpose's work. */
static int relay_lead(const dctx *c, size_t cs, size_t ds, unit_list *out, size_t *act)
{
    const mark_t *rm = mark_in(&c->relays, cs, ds);
    if (!rm)
        return 0;
    size_t ss = sentence_start(c, cs > 600 ? cs - 600 : 0, rm->s);
    for (size_t p = rm->s; p > ss; p--)
        if (c->text[p - 1] == '\n' && (c->text[p] == '-' || c->text[p] == '+' || c->text[p] == '*')) {
            ss = p; /* a list item ends the sentence before it (a wrapped line does not) */
            break;
        }
    /* only where the senders' own deadline stands earlier in the sentence ("báo cáo trước
     * 10 giờ ... và gửi ... về Văn phòng ... để tổng hợp, báo cáo ... trước 15 giờ"): alone,
     * "gửi về Sở Tư pháp để tổng hợp, báo cáo UBND tỉnh trước ngày ..." may be read as the
     * senders' deadline, and theirs it stays */
    int own = 0;
    for (size_t k = 0; k < c->nd && !own; k++) {
        size_t fs = c->x->facts[c->dls[k]].start;
        own = fs >= ss && fs < rm->s;
    }
    if (!own)
        return 0;
    const unit_t *recv = NULL;
    for (size_t i = 0; i < c->units.n && c->units.v[i].s < rm->s; i++) {
        const unit_t *u = &c->units.v[i];
        if (u->s < ss)
            continue;
        size_t e = u->s;
        while (e > 0 && c->text[e - 1] == ' ')
            e--;
        size_t b = e;
        while (b > 0 && is_letter_byte((unsigned char)c->text[b - 1]))
            b--;
        char *w = b < e ? lw_fold_case(c->text + b, e - b) : NULL;
        size_t k;
        json_t *v;
        json_array_foreach(lw_ruleset_data(c->rs, "relay_receiver_words"), k, v) {
            if (w && json_is_string(v) && !strcmp(w, json_string_value(v)))
                recv = u;
        }
        free(w);
    }
    if (recv)
        add_unit(out, recv->s, recv->e, recv->name, recv->level);
    size_t a = rm->s; /* the work after "để" */
    while (a < rm->e && c->text[a] != ' ')
        a++;
    *act = a;
    return 1;
}

/* Reporting duties for the free deadlines in [from, to) whose clause has a reporting verb
 * (all free deadlines when any_verb); returns where the first such clause starts (to when
 * none). Without a fallback the leads come from the clause's context (clause_lead). A
 * clause that tells (narrated) or names nobody to do the work sets no duty. */
static size_t clauses(dctx *c, size_t from, size_t to, const unit_list *fallback, const char *source, int any_verb)
{
    size_t first = to;
    for (size_t k = 0; k < c->nd; k++) {
        /* copies: emit() may move the facts */
        size_t ds = c->x->facts[c->dls[k]].start, de = c->x->facts[c->dls[k]].end;
        if (ds >= to)
            break;
        if (ds < from || c->claimed[k] || in_tail(c, ds) || !dated(c, k))
            continue;
        if (in_subject(c, ds) || period_before_deadline(c, k))
            continue;
        size_t cs = clause_start(c, ds, from);
        const mark_t *verb = mark_in(&c->reports, cs, ds);
        size_t work_end = ds;
        if (!verb && ds - cs < 80) {
            /* "định kỳ hằng năm (trước ngày 20/11) báo cáo kết quả về ...": a clause that
             * opens with its deadline states its work after it */
            size_t ce = clause_end(c, de, to);
            verb = mark_in(&c->reports, de, ce);
            if (verb)
                work_end = ce;
        }
        if (!verb && !any_verb)
            continue;
        if (narrated(c, cs, ds) || lasting_until(c, k, cs))
            continue;
        unit_list lead = {0};
        size_t act = cs;
        if (!relay_lead(c, cs, ds, &lead, &act))
            clause_lead(c, cs, ds, fallback, &lead, &act);
        if (!lead.n) {
            free(lead.v);
            continue;
        }
        size_t li = lw_segment_line_at(c->seg, cs);
        const char *section = li < c->seg->n ? L(c, li)->label : NULL;
        if (act < cs || act >= ds)
            act = cs;
        act = skip_blank(c, act, ds);
        if (verb && verb->s < ds && verb->s > act + 200)
            act = verb->s; /* a long sentence: the report is what the deadline is for */
        const char *topic = verb ? "report" : lw_duty_topic(c->rs, c->m, c->text + act, ds - act, NULL);
        /* "Ủy ban nhân dân cấp huyện chỉ đạo Ủy ban nhân dân cấp xã hoàn thành ... trước
         * ngày ...": the leads are to make others do it */
        unit_list concerns = {0};
        size_t work = ds;
        const mark_t *dm = directing(c, act, ds, &concerns, &work);
        if (dm && gap_words_only(c, act, dm->s, 2)) {
            if (!verb)
                topic = lw_duty_topic(c->rs, c->m, c->text + work, ds > work ? ds - work : 0, NULL);
        } else {
            concerns.n = 0;
        }
        emit(c, verb ? c->rule_report : c->rule_clause, cs, de > work_end ? de : work_end, clip(c, act, work_end), &lead,
             NULL, &concerns, NULL, k, topic, section, source);
        free(concerns.v);
        free(lead.v);
        if (cs < first)
            first = cs;
    }
    return first;
}

static size_t report_clauses(dctx *c, size_t from, size_t to, const unit_list *fallback, const char *source)
{
    return clauses(c, from, to, fallback, source, 0);
}

/* ---- "Tổ chức thực hiện": units' headings and their tasks ---- */

/* Start of the sentence holding pos, not before s; "Đồng thời," and the like stay in it. */
static size_t sentence_start(const dctx *c, size_t s, size_t pos)
{
    size_t p = pos;
    while (p > s && !(c->text[p - 1] == ';' || (c->text[p - 1] == ' ' && p - 1 > s && c->text[p - 2] == '.')))
        p--;
    while (p < pos && c->text[p] == ' ')
        p++;
    return p;
}

static void task(dctx *c, size_t s, size_t e, const char *label, const unit_list *lead)
{
    if (in_tail(c, s))
        return;
    if (e > tail_after(c, s))
        e = tail_after(c, s);
    size_t rep = report_clauses(c, s, e, lead, "assignment");
    if (rep <= s + 2)
        return; /* the task is a reporting obligation, already a duty */
    if (!lead->n)
        return; /* nobody to do it: a remark, not a task */
    size_t te = rep < e ? rep : e;
    /* a duty to make others do the work is not the work itself: "ban hành Kế hoạch ...
     * Đồng thời, chỉ đạo Ủy ban nhân dân cấp xã ban hành Kế hoạch ..." is two duties */
    unit_list concerns = {0};
    size_t work = te;
    const mark_t *dm = directing(c, s, te, &concerns, &work);
    size_t split = dm ? sentence_start(c, s, dm->s) : te;
    if (dm && split > s + 2 && !gap_words_only(c, s, split, 0)) {
        size_t dl = deadline_in(c, s, split, 1);
        const char *topic = lw_duty_topic(c->rs, c->m, c->text + s, split - s, NULL);
        emit(c, c->rule_assign, s, split, clip(c, s, split), lead, NULL, NULL, NULL, dl, topic, label, "assignment");
    } else {
        split = s;
    }
    if (dm) {
        size_t dl = deadline_in(c, split, te, 1);
        const char *topic = lw_duty_topic(c->rs, c->m, c->text + work, te > work ? te - work : 0, NULL);
        emit(c, c->rule_assign, split, e, clip(c, split, te), lead, NULL, &concerns, NULL, dl, topic, label,
             "assignment");
    } else {
        size_t dl = deadline_in(c, s, te, 1);
        const char *topic = lw_duty_topic(c->rs, c->m, c->text + s, te - s, NULL);
        emit(c, c->rule_assign, s, e, clip(c, s, te), lead, NULL, NULL, NULL, dl, topic, label, "assignment");
    }
    free(concerns.v);
}

static int has_marked_child(const dctx *c, size_t j)
{
    for (size_t k = j + 1; k <= L(c, j)->last && !in_tail(c, L(c, k)->start); k++)
        if (L(c, k)->parent == (long)j && L(c, k)->mark)
            return 1;
    return 0;
}

static void assignment_section(dctx *c, size_t sec)
{
    size_t last = L(c, sec)->last;
    for (size_t j = sec + 1; j <= last && !in_tail(c, L(c, j)->start); j++) {
        const lw_seg_line *l = L(c, j);
        if (c->handled[j] || !l->mark)
            continue;
        unit_list units = {0};
        size_t run_end;
        lead_run(c, l->body, l->end, &units, &run_end);
        if (units.n && gap_words_only(c, run_end, l->end, 3)) {
            /* "1. Sở Tư pháp": its tasks are its items, else its paragraphs */
            int marked = has_marked_child(c, j);
            for (size_t k = j + 1; k <= l->last; k++) {
                const lw_seg_line *t = L(c, k);
                if (t->parent != (long)j || c->handled[k])
                    continue;
                if (marked && t->mark) {
                    char lab[40];
                    snprintf(lab, sizeof lab, "%s%s%s", l->label, *l->label && *t->label ? "." : "", t->label);
                    task(c, t->body, L(c, t->last)->end, lab, &units);
                } else if (!marked && !t->mark) {
                    size_t e = t->end;
                    while (e > t->body && (c->text[e - 1] == ' ' || c->text[e - 1] == '.'))
                        e--;
                    if (e > t->body && c->text[e - 1] != ':')
                        task(c, t->body, t->end, l->label, &units);
                }
            }
            for (size_t k = j; k <= l->last; k++)
                c->handled[k] = 1;
        } else if (!has_marked_child(c, j)) {
            /* a task of its own: "4. Đề nghị Viện kiểm sát nhân dân tỉnh ... phối hợp ..." */
            unit_list lead = {0}, none = {0};
            size_t act;
            clause_lead(c, l->body, l->end, &none, &lead, &act);
            task(c, l->body, L(c, l->last)->end, l->label, &lead);
            for (size_t k = j; k <= l->last; k++)
                c->handled[k] = 1;
            free(lead.v);
        }
        free(units.v);
    }
}

/* A copy of s[0, n) cleaned, owned by c (freed with it). */
static const char *own_str(dctx *c, const char *s, size_t n) { return own(c, lw_text_clean(s, n)); }

/* ---- driver ---- */

/* The distribution lists and signatures: from each "Nơi nhận:" to the end of the text, or
 * to what a decision issues with it (its attached programme, plan or rules: a numbered part
 * "I. MỤC ĐÍCH", a table, an appendix, a line "ban hành kèm theo ..."), whose duties count. */
static void find_tails(dctx *c)
{
    mark_list dist = {0};
    collect(c, "header.distribution", &dist);
    for (size_t i = 0; i < dist.n && c->ntail < sizeof c->tail_s / sizeof c->tail_s[0]; i++) {
        size_t li = lw_segment_line_at(c->seg, dist.v[i].s), end = c->len;
        for (size_t k = li + 1; k < c->seg->n; k++) {
            const lw_seg_line *l = L(c, k);
            char *f = lw_fold_case(c->text + l->body, l->end - l->body < 200 ? l->end - l->body : 200);
            int attached = f && (strstr(f, "kèm theo") || !strncmp(f, "phụ lục", strlen("phụ lục")));
            free(f);
            if (l->mark == LW_MARK_ROMAN || l->mark == LW_MARK_UPPER || c->text[l->body] == '|' || attached) {
                end = l->start;
                break;
            }
        }
        if (c->ntail && dist.v[i].s < c->tail_e[c->ntail - 1])
            continue; /* inside the previous one */
        c->tail_s[c->ntail] = dist.v[i].s;
        c->tail_e[c->ntail++] = end;
    }
    free(dist.v);
}

/* Whom the letter is addressed to: the units of its "Kính gửi:" block (that line and the
 * list lines after it). Kinds that tell or propose (unaddressed_kinds: a Báo cáo, a Tờ
 * trình) set their addressees no work. */
static void find_addressees(dctx *c)
{
    const char *kind = json_string_value(json_object_get(c->x->header, "kind"));
    size_t i;
    json_t *v;
    json_array_foreach(lw_ruleset_data(c->rs, "unaddressed_kinds"), i, v) {
        if (kind && json_is_string(v) && !strcmp(kind, json_string_value(v)))
            c->tells = 1;
    }
    json_array_foreach(lw_ruleset_data(c->rs, "yearly_plan_kinds"), i, v) {
        if (kind && json_is_string(v) && !strcmp(kind, json_string_value(v)))
            c->yearly = 1;
    }
    const char *subject = json_string_value(json_object_get(c->x->header, "subject"));
    for (const char *p = subject; p && (p = strstr(p, "năm ")) != NULL; p += strlen("năm "))
        if (p[4] >= '1' && p[4] <= '2' && atoi(p + 4) >= 1990 && atoi(p + 4) <= 2100)
            c->plan_year = atoi(p + 4); /* the last year it names */
    if (c->tells)
        return;
    if (!c->recips.n)
        return;
    size_t li = lw_segment_line_at(c->seg, c->recips.v[0].s);
    if (li >= c->seg->n)
        return;
    size_t s = c->recips.v[0].e, e = L(c, li)->end;
    for (size_t k = li + 1; k < c->seg->n && k < li + 12; k++) {
        const lw_seg_line *l = L(c, k);
        if (l->end == l->start)
            continue;
        if (l->mark != LW_MARK_DASH && l->mark != LW_MARK_PLUS && l->mark != LW_MARK_BULLET)
            break;
        e = l->end;
    }
    units_in(c, s, e, &c->addressees);
}

lw_status lw_duty_build(const lw_ruleset *rs, lw_matcher *m, const char *text, size_t len, lw_extraction *x,
                        lw_error *err)
{
    dctx c = {.rs = rs, .m = m, .text = text, .len = len, .x = x};
    lw_status st = lw_segment(text, len, &c.seg, err);
    if (st)
        return st;
    for (size_t i = 0; i < lw_ruleset_count(rs); i++) {
        const lw_rule *r = lw_ruleset_rule(rs, i);
        if (!c.rule_item && !strcmp(r->kind, "duty.field"))
            c.rule_item = r;
        if (!c.rule_assign && !strcmp(r->kind, "duty.section"))
            c.rule_assign = r;
        if (!c.rule_report && !strcmp(r->kind, "duty.report"))
            c.rule_report = r;
        if (!c.rule_clause && !strcmp(r->kind, "duty.clause"))
            c.rule_clause = r;
    }
    if (!c.rule_clause)
        c.rule_clause = c.rule_report;
    if (!c.rule_item || !c.rule_assign || !c.rule_report) {
        lw_segments_free(c.seg);
        return LW_OK; /* a rule set without duty rules: no duties */
    }
    json_t *gap = lw_ruleset_data(rs, "unit_gap_words");
    c.gap = calloc(json_array_size(gap) + 1, sizeof *c.gap);
    if (!c.gap) {
        lw_segments_free(c.seg);
        return lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < json_array_size(gap); i++) {
        const char *w = json_string_value(json_array_get(gap, i));
        char *g = w ? lw_fold_case(w, strlen(w)) : NULL;
        if (g) /* NULL for a word: out of memory, noted (lw_oom), the extraction fails */
            c.gap[c.ngap++] = g;
    }
    collect(&c, "duty.field", &c.fields);
    collect(&c, "duty.section", &c.sections);
    collect(&c, "duty.partner", &c.partners);
    collect(&c, "duty.report", &c.reports);
    collect(&c, "duty.request", &c.requests);
    collect(&c, "header.subject", &c.subjects);
    collect(&c, "duty.directs", &c.directs);
    collect(&c, "duty.narrative", &c.narratives);
    collect(&c, "duty.intro", &c.intros);
    collect(&c, "duty.lasting", &c.lastings);
    collect(&c, "duty.relay", &c.relays);
    collect(&c, "header.recipients", &c.recips);
    collect_units(&c);
    find_tails(&c);

    size_t nfacts = x->n;
    c.dls = malloc((nfacts + 1) * sizeof *c.dls);
    for (size_t i = 0; c.dls && i < nfacts; i++)
        if (!strcmp(x->facts[i].kind, "deadline"))
            c.dls[c.nd++] = i;
    c.claimed = calloc(c.nd + 1, 1);
    c.field_of = malloc((c.seg->n + 1) * sizeof *c.field_of);
    c.handled = calloc(c.seg->n + 1, 1);
    if (!c.dls || !c.claimed || !c.field_of || !c.handled) {
        st = lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < c.seg->n; i++)
        c.field_of[i] = -1;
    for (size_t k = 0; k < c.fields.n; k++) {
        size_t li = lw_segment_line_at(c.seg, c.fields.v[k].s);
        if (li < c.seg->n && c.seg->lines[li].body == c.fields.v[k].s && c.field_of[li] < 0)
            c.field_of[li] = (long)k;
    }
    find_addressees(&c);
    build_items(&c);
    for (size_t k = 0; k < c.sections.n; k++) {
        size_t li = lw_segment_line_at(c.seg, c.sections.v[k].s);
        if (li < c.seg->n && lw_mark_is_heading(c.seg->lines[li].mark) &&
            c.sections.v[k].s <= c.seg->lines[li].body + 4 && !c.handled[li])
            assignment_section(&c, li);
    }
    /* what is left: reporting obligations anywhere (letters, paragraphs, fields), then any
     * deadline set to units the clause or its list names */
    report_clauses(&c, 0, len, NULL, "report");
    if (!c.tells)
        clauses(&c, 0, len, NULL, "clause", 1);
    st = lw_duty_table_build(rs, m, text, len, x, err);
done:
    free(c.recurs);
    free(c.addressees.v);
    free(c.directs.v);
    free(c.narratives.v);
    free(c.intros.v);
    free(c.lastings.v);
    free(c.recips.v);
    for (size_t i = 0; i < c.nowned; i++)
        free(c.owned[i]);
    free(c.owned);
    for (size_t i = 0; i < c.ngap; i++)
        free(c.gap[i]);
    free(c.gap);
    free(c.fields.v);
    free(c.sections.v);
    free(c.partners.v);
    free(c.reports.v);
    free(c.relays.v);
    free(c.requests.v);
    free(c.subjects.v);
    free(c.units.v);
    free(c.dls);
    free(c.claimed);
    free(c.field_of);
    free(c.handled);
    lw_segments_free(c.seg);
    return st;
}
