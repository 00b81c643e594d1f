/* lw_duty_emit: the units list, the topic of a work and the one duty emitter (see
 * lw_duty_emit.h). The emitter copies everything it is given: a duty fact owns its strings
 * (lw_fact.h), so the readers may free their own as soon as it returns. */
#include "lw_duty_emit.h"

#include <stdlib.h>
#include <string.h>

/* The first size of a units list; it doubles from there. */
#define LW_UNIT_LIST_FIRST_CAP 64

int lw_unit_list_add(lw_unit_list *l, size_t s, size_t e, const char *name, const char *level,
                     const lw_rule *grp)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : LW_UNIT_LIST_FIRST_CAP;
        lw_unit *p = realloc(l->v, cap * sizeof *p);
        if (!p) {
            l->nomem = 1;
            return -1;
        }
        l->v = p;
        l->cap = cap;
    }
    l->v[l->n++] = (lw_unit){s, e, name, level, grp};
    return 0;
}

/* The start of the first match of a duty.topic rule (SIZE_MAX: none yet). */
static int first_start(void *ud, const lw_rule *rule, const PCRE2_SIZE *ov, uint32_t np)
{
    (void)rule;
    (void)np;
    size_t *first = ud;
    if (ov[0] < *first)
        *first = ov[0];
    return 1; /* the first match is enough */
}

static const char *set_str(const lw_rule *r, const char *k)
{
    json_t *v = json_object_get(r->set, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

const char *lw_duty_topic(const lw_ruleset *rs, lw_matcher *m, const char *s, size_t n, const char **label)
{
    const lw_rule *best = NULL;
    size_t best_s = SIZE_MAX;
    for (size_t i = 0; i < lw_ruleset_count(rs); i++) {
        const lw_rule *r = lw_ruleset_rule(rs, i);
        if (strcmp(r->kind, "duty.topic"))
            continue;
        size_t first = SIZE_MAX;
        lw_rule_match_all(m, r, s, n, first_start, &first, NULL);
        if (first < best_s) {
            best_s = first;
            best = r;
        }
    }
    if (label)
        *label = best ? set_str(best, "label") : NULL;
    return best ? set_str(best, "topic") : NULL;
}

/* The names of l (each once when unique) into v; -1 when out of memory. */
static int names_of(lw_strv *v, const lw_unit_list *l, int unique)
{
    v->v = l && l->n ? calloc(l->n, sizeof *v->v) : NULL;
    v->n = 0;
    if (l && l->n && !v->v)
        return -1;
    for (size_t i = 0; l && i < l->n; i++) {
        int dup = 0;
        for (size_t k = 0; unique && k < i && !dup; k++)
            dup = !strcmp(l->v[k].name, l->v[i].name);
        if (dup)
            continue;
        if (!(v->v[v->n] = strdup(l->v[i].name)))
            return -1;
        v->n++;
    }
    return 0;
}

static int put_units(lw_duty_fact *d, const lw_unit_list *l, const char *role)
{
    int nomem = 0;
    for (size_t i = 0; l && i < l->n; i++) {
        lw_duty_unit *u = &d->units[d->nunits++];
        u->name = lw_fact_strdup(l->v[i].name, &nomem);
        u->level = lw_fact_strdup(l->v[i].level, &nomem);
        u->role = lw_fact_strdup(role, &nomem);
        u->at = l->v[i].s;
    }
    return nomem ? -1 : 0;
}

lw_status lw_duty_emit(lw_extraction *x, const lw_duty_spec *sp)
{
    lw_fact *f = lw_extraction_add(x, LW_FACT_DUTY, sp->rule, sp->start, sp->end);
    if (!f)
        return LW_ERR_NOMEM;
    lw_duty_fact *d = &f->u.duty;
    int nomem = 0;
    int concerns = sp->concerns && sp->concerns->n;
    d->activity = lw_fact_strdup(sp->activity, &nomem);
    d->output = lw_fact_strdup(sp->output, &nomem);
    d->topic = lw_fact_strdup(sp->topic, &nomem);
    d->section = lw_fact_strdup(sp->section, &nomem);
    d->source = lw_fact_strdup(sp->source, &nomem);
    if (names_of(&d->lead, sp->lead, sp->unique_names) || names_of(&d->partners, sp->partners, sp->unique_names) ||
        (concerns && names_of(&d->concerns, sp->concerns, sp->unique_names)))
        nomem = 1;
    d->has_concerns = concerns;
    if (sp->deadline.set) {
        const lw_duty_when *s = &sp->deadline;
        d->deadline = (lw_duty_deadline){1, lw_fact_strdup(s->from, &nomem), lw_fact_strdup(s->to, &nomem),
                                         lw_fact_strdup(s->precision, &nomem), lw_fact_strdup(s->qualifier, &nomem),
                                         s->at, s->at_end};
    }
    if (sp->recurring) {
        d->has_recurring = 1;
        d->recurring = lw_fact_strdup(sp->recurring, &nomem);
    }
    d->has_stage = sp->has_stage;
    d->stage = lw_fact_strdup(sp->stage, &nomem);
    size_t n = (sp->lead ? sp->lead->n : 0) + (sp->partners ? sp->partners->n : 0) + (concerns ? sp->concerns->n : 0);
    d->units = n ? calloc(n, sizeof *d->units) : NULL;
    if (n && !d->units)
        nomem = 1;
    else if (put_units(d, sp->lead, "lead") || put_units(d, sp->partners, "partner") ||
             (concerns && put_units(d, sp->concerns, "concerns")))
        nomem = 1;
    if (nomem) {
        lw_extraction_drop_last(x);
        return LW_ERR_NOMEM;
    }
    return LW_OK;
}
