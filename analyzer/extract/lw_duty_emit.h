/* lw_duty_emit: what the two duty readers share, below both: the list of units a duty
 * names (lw_unit_list), the topic of a work (duty.topic rules), and the one duty emitter
 * that turns what a reader found into a typed duty fact. lw_duty (text shapes) and
 * lw_duty_table (pipe tables) call it; it calls neither. */
#ifndef LW_DUTY_EMIT_H
#define LW_DUTY_EMIT_H

#include "lw_common.h"
#include "lw_fact.h"
#include "lw_match.h"

/* A unit named in the text: span [s, e) (normalized), name and level borrowed (from a fact,
 * a rule or the reader's own strings, valid while the reader runs). */
typedef struct {
    size_t s, e;
    const char *name;
    const char *level;  /* may be NULL */
    const lw_rule *grp; /* the duty.unit rule of a group ("các Sở, ngành"), NULL for an agency */
} lw_unit;

/* A growing list of units; nomem is set when an add could not be kept. Free v with free(). */
typedef struct {
    lw_unit *v;
    size_t n, cap;
    int nomem;
} lw_unit_list;

/* Appends a unit; 0, or -1 (and l->nomem) when out of memory. */
int lw_unit_list_add(lw_unit_list *l, size_t s, size_t e, const char *name, const char *level,
                     const lw_rule *grp);

/* The topic of an activity text by the duty.topic rules (the match that starts first
 * wins): a borrowed topic id ("report") or NULL; *label (may be NULL) gets its label. */
const char *lw_duty_topic(const lw_ruleset *rs, lw_matcher *m, const char *s, size_t n, const char **label);

/* A duty's deadline as a reader gives it: the interval and its normalized span; borrowed. */
typedef struct {
    int set; /* 0: none */
    const char *from, *to, *precision, *qualifier;
    size_t at, at_end;
} lw_duty_when;

/* What a reader found for one duty; every pointer borrowed (copied by lw_duty_emit). */
typedef struct {
    const lw_rule *rule;
    size_t start, end; /* the duty's span (normalized) */
    const char *activity, *output, *topic, *section; /* NULL: JSON null */
    const char *source;                              /* the shape: "item", "table", ... */
    const lw_unit_list *lead, *partners;
    const lw_unit_list *concerns; /* may be NULL; a duty with some has the key concerns */
    int unique_names;             /* list each name once in lead, partners, concerns */
    lw_duty_when deadline;
    const char *recurring;        /* an undated time frame's words: key recurring when set */
    int has_stage;                /* a table duty: key stage (stage may be NULL) */
    const char *stage;
} lw_duty_spec;

/* Appends the duty fact d describes to x: the names of lead, partners (and concerns), and
 * units with their roles ("lead", "partner", "concerns") and offsets. LW_OK or
 * LW_ERR_NOMEM (x then holds no part of it). */
lw_status lw_duty_emit(lw_extraction *x, const lw_duty_spec *d);

#endif
