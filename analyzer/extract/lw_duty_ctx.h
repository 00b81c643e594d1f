/* lw_duty_ctx: what the modules of the duty reader share, private to them (lw_duty.h is the
 * interface). lw_duty.c (the driver and the item and assignment shapes, on top) calls
 * lw_duty_clause.c (clauses: who must do the work a sentence sets), which calls
 * lw_duty_units.c (the marks, the unit lists and lead runs, the deadlines a duty may take,
 * the text duty's emit), which calls lw_duty_emit.c (the one emitter, shared with
 * lw_duty_table). Arrows go down only. */
#ifndef LW_DUTY_CTX_H
#define LW_DUTY_CTX_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lw_duty.h"
#include "lw_date.h"
#include "lw_duty_emit.h"
#include "lw_fold.h"
#include "lw_text.h"
#include "lw_utf8.h"
#include "lw_resolve.h"
#include "lw_segment.h"

/* The field lines an item may carry ("Cơ quan thực hiện", "Thời gian", ...): real items
 * carry at most six */
#define LW_DUTY_ITEM_FIELDS_MAX 16
/* The distribution lists and signatures a document has (each "Nơi nhận:" block) */
#define LW_DUTY_TAILS_MAX 8

typedef lw_unit unit_t;
typedef lw_unit_list unit_list;

typedef struct {
    size_t s, e;
    const lw_rule *rule;
} mark_t;

typedef struct {
    mark_t *v;
    size_t n, cap;
    int nomem; /* a mark could not be kept */
} mark_list;

/* the facts a duty is built from, by index into x->facts */
typedef struct {
    long owner;          /* heading line of an item duty */
    size_t fields[LW_DUTY_ITEM_FIELDS_MAX];/* field-line indices into the field marks */
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
    size_t tail_s[LW_DUTY_TAILS_MAX], tail_e[LW_DUTY_TAILS_MAX]; /* the distribution lists ("Nơi nhận: ...") and signatures:
                                    no duty in them (see find_tails) */
    size_t ntail;
    char **owned; /* qualified unit names */
    size_t nowned, capowned;
    int nomem; /* something could not be kept: lw_duty_build fails with LW_ERR_NOMEM */
    int *oom;  /* = &nomem, for the helpers that read through a const dctx */
} dctx;


static inline const lw_seg_line *L(const dctx *c, size_t i) { return &c->seg->lines[i]; }

/* Frees a local list, keeping in c whether it lost a unit (or mark) for want of memory. */
static inline void units_done(const dctx *c, unit_list *l)
{
    if (l->nomem)
        *c->oom = 1;
    free(l->v);
}

static inline void marks_done(const dctx *c, mark_list *l)
{
    if (l->nomem)
        *c->oom = 1;
    free(l->v);
}

/* A copy of s for an emit (which takes it), NULL for NULL; a failed copy sets c's nomem. */
static inline char *dup_or_flag(const dctx *c, const char *s)
{
    char *d = s ? strdup(s) : NULL;
    if (s && !d)
        *c->oom = 1;
    return d;
}

/* Whether s (folded) holds (anywhere, or at its start when at_start) a word of the rules'
 * data list key: vocabulary is data (rules/duties.yaml). */
static inline int has_data_word(const dctx *c, const char *key, const char *s, int at_start)
{
    size_t i;
    json_t *v;
    json_array_foreach(lw_ruleset_data(c->rs, key), i, v) {
        const char *w = json_string_value(v);
        if (s && w && *w && (at_start ? !strncmp(s, w, strlen(w)) : strstr(s, w) != NULL))
            return 1;
    }
    return 0;
}

static inline int is_letter_byte(unsigned char ch) { return ch >= 0x80 || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'); }

static inline const char *set_str(const lw_rule *r, const char *k)
{
    json_t *v = json_object_get(r->set, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* ---- lw_duty_units.c ---- */

void lw_d_collect(dctx *c, const char *kind, mark_list *l);

void lw_d_add_unit(unit_list *l, size_t s, size_t e, const char *name, const char *level);

void lw_d_add_units(unit_list *out, const unit_list *in);

/* Agencies and unit groups, in text order; a name inside a longer one is dropped
 * ("Ủy ban nhân dân tỉnh" inside "các cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh"). */
void lw_d_collect_units(dctx *c);

/* 1 when text[a..b) holds only punctuation, white space and gap words; at most max_other
 * other words are tolerated (their count goes to *others when others is not NULL). */
int lw_d_gap_words_only(const dctx *c, size_t a, size_t b, int max_other);

size_t lw_d_first_unit_at(const dctx *c, size_t from);

/* The run of unit names that opens text[from..to); *run_end gets where it stops. */
void lw_d_lead_run(const dctx *c, size_t from, size_t to, unit_list *out, size_t *run_end);

void lw_d_units_in(const dctx *c, size_t from, size_t to, unit_list *out);

const mark_t *lw_d_mark_in(const mark_list *l, size_t from, size_t to);

/* Cleaned text of [s, e): markup and trailing ":;,." gone, at most 300 bytes. Owned. */
char *lw_d_clip(const dctx *c, size_t s, size_t e);

/* Whether deadline k is a date a duty can be due by: a recurring whole year with no date
 * ("thường xuyên", "hằng năm") is one only in a plan for that year. */
int lw_d_dated(const dctx *c, size_t k);

int lw_d_recurring(const dctx *c, size_t k);

/* First deadline starting in [from, to) that a duty can be due by (unclaimed only when
 * free_only); nd when none. */
size_t lw_d_deadline_in(const dctx *c, size_t from, size_t to, int free_only);

/* Appends a duty fact; takes activity and output. concerns (may be NULL) are the units the
 * leads must make do the work ("chỉ đạo Ủy ban nhân dân cấp xã ban hành kế hoạch"): listed
 * in units with role "concerns" and in the key concerns, which only such a duty has. */
void lw_d_emit(dctx *c, const lw_rule *rule, size_t s, size_t e, char *activity, const unit_list *lead,
                 const unit_list *partners, const unit_list *concerns, char *output, size_t dl, const char *topic,
                 const char *section, const char *source);

/* Whether pos lies in a distribution list or a signature. */
int lw_d_in_tail(const dctx *c, size_t pos);

/* Skips white space and a list marker ("- ", "+ ") at pos. */
size_t lw_d_skip_blank(const dctx *c, size_t pos, size_t to);

/* The first directing verb in [s, e) followed by the units it directs ("chỉ đạo Ủy ban nhân
 * dân cấp xã ...", "hướng dẫn, đôn đốc các Sở, ngành ..."): those units go to concerns and
 * *work gets where the directed work is stated. NULL when none. */
const mark_t *lw_d_directing(const dctx *c, size_t s, size_t e, unit_list *concerns, size_t *work);

/* Start of the sentence holding pos, not before s; "Đồng thời," and the like stay in it. */
size_t lw_d_sentence_start(const dctx *c, size_t s, size_t pos);

/* ---- lw_duty_clause.c ---- */

/* Who must do the work of the clause [cs, end): its subject (subject_of), else the units
 * after a request in it ("đề nghị các Sở ..."), else fallback; without a fallback, the
 * subject it shares with the clauses before it (earlier_subject), the list it stands in
 * (context_lead), else the letter's addressees. *act: where the work starts. */
void lw_d_clause_lead(const dctx *c, size_t cs, size_t end, const unit_list *fallback, unit_list *out, size_t *act);

/* Reporting duties for the free deadlines in [from, to) whose clause has a reporting verb
 * (all free deadlines when any_verb); returns where the first such clause starts (to when
 * none). Without a fallback the leads come from the clause's context (clause_lead). A
 * clause that tells (narrated) or names nobody to do the work sets no duty. */
size_t lw_d_clauses(dctx *c, size_t from, size_t to, const unit_list *fallback, const char *source, int any_verb);

size_t lw_d_report_clauses(dctx *c, size_t from, size_t to, const unit_list *fallback, const char *source);

#endif
