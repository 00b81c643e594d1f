/* lw_extract_ctx: what the modules of the extractor share, private to them (lw_extract.h is
 * the interface). lw_extract.c (the driver, on top) runs the rules and keeps the raw matches
 * in a ctx_t, then calls the builders, which read them: lw_extract_header.c (the header),
 * lw_extract_agency.c (agencies and their roles), lw_extract_refs.c (legal references and
 * relations), lw_extract_dates.c (dates and deadlines). The helpers they share are here: the
 * one-liners inline, the others lw_x_ functions of lw_extract_ctx.c, which calls no builder
 * (arrows go down: driver -> builders -> lw_extract_ctx.c -> lw_fact.c). */
#ifndef LW_EXTRACT_CTX_H
#define LW_EXTRACT_CTX_H

#include "lw_date.h"
#include "lw_extract.h"
#include "lw_fact.h"
#include "lw_date.h"
#include "lw_fold.h"
#include "lw_msg.h"
#include "lw_text.h"

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
    int nomem;             /* a match, fact or warning could not be kept: the extraction fails
                              with LW_ERR_NOMEM, never loses it silently */
    int *oom;              /* = &nomem, for the helpers that read through a const ctx_t */
    size_t tbl_line;       /* the line of the last table cell judged (SIZE_MAX: none) */
    int tbl_time;          /* whether that cell's table heading names a time */
} ctx_t;

/* ---- a match's groups and the rule's set values ---- */

static inline lw_span grp(const raw_match *r, const char *name)
{
    return lw_rule_group(r->rule, r->ov, r->np, name);
}

static inline int has(const raw_match *r, const char *name) { return grp(r, name).start != SIZE_MAX; }

static inline const char *set_str(const raw_match *r, const char *k)
{
    json_t *v = json_object_get(r->rule->set, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static inline int kind_is(const raw_match *r, const char *k) { return !strcmp(r->rule->kind, k); }

static inline int starts_with(const char *s, const char *p) { return !strncmp(s, p, strlen(p)); }

/* ---- lw_extract_ctx.c ---- */

/* Appends a fact of kind with empty fields for the caller to fill; NULL (and c->nomem) when
 * out of memory. Borrowed until the next add. */
lw_fact *lw_x_add_fact(ctx_t *c, lw_fact_kind kind, const lw_rule *rule, size_t s, size_t e);
/* strdup of s (NULL for NULL) for a fact's field; a copy that fails sets c->nomem. */
char *lw_x_dup(ctx_t *c, const char *s);

/* A group as cleaned text (owned), NULL when the group did not match. */
char *lw_x_grp_str(const ctx_t *c, const raw_match *r, const char *name);
/* A group read as a numeral; -1 when it did not match. */
int lw_x_grp_int(const ctx_t *c, const raw_match *r, const char *name);
/* Appends a warning at normalized offset off: message id of the table, "vi (en)". */
void lw_x_warn(ctx_t *c, size_t off, lw_msg_id id, ...);
/* Appends a warning whose text is made already (a rule's error). */
void lw_x_warn_text(ctx_t *c, size_t off, const char *msg);
/* The date of groups dn, mn, yn; 0 when one is missing or the date is not valid (*invalid). */
int lw_x_get_date(const ctx_t *c, const raw_match *r, const char *dn, const char *mn, const char *yn,
                  lw_date *out, int *invalid);
/* The bounds of pos's paragraph (line), looked for at most LW_PARA_SCAN bytes away. */
size_t lw_x_para_start(const ctx_t *c, size_t pos);
size_t lw_x_para_end(const ctx_t *c, size_t pos);
/* The index of the first match (c->all, sorted by start) that starts at or after pos. */
size_t lw_x_first_match_at(const ctx_t *c, size_t pos);

/* The first kept match of kind that starts before before, else NULL. */
const raw_match *lw_x_first_of(const ctx_t *c, const char *kind, size_t before);
/* The items of a list after a label ("Kính gửi:", "Nơi nhận:") appended to out (may be
 * NULL: only *end_out, where it ends, is wanted); out of memory sets c->nomem. */
void lw_x_list_after(const ctx_t *c, size_t pos, size_t *end_out, lw_strv *out);
/* The first word of the rules' data list key ("people_committee": "Ủy ban nhân dân"):
 * vocabulary is data (the rules' YAML files). Borrowed from the rule set; NULL when absent. */
const char *lw_x_word(const ctx_t *c, const char *key);
/* Whether text[pos..) opens with one of words (a data list: lw_ruleset_data, looked up once
 * by the caller); the word's length, else 0. */
size_t lw_x_opens_with_word(const ctx_t *c, size_t pos, const json_t *words);
/* Whether s[0..n) is written in capitals. */
int lw_x_is_upper_line(const ctx_t *c, const char *s, size_t n);

/* ---- lw_extract_header.c ---- */

void lw_x_extract_header(ctx_t *c);
void lw_x_extract_issuer(ctx_t *c);

/* ---- lw_extract_agency.c ---- */

void lw_x_build_agencies(ctx_t *c);
void lw_x_assign_roles(ctx_t *c, size_t issuer_zone);

/* ---- lw_extract_refs.c ---- */

void lw_x_build_legal_refs(ctx_t *c);
void lw_x_resolve_aliases(ctx_t *c);
void lw_x_build_relations(ctx_t *c);

/* ---- lw_extract_dates.c ---- */

void lw_x_build_dates(ctx_t *c);
void lw_x_build_deadlines(ctx_t *c);

#endif
