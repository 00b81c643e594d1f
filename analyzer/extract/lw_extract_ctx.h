/* lw_extract_ctx: what the modules of the extractor share, private to them (lw_extract.h is
 * the interface). lw_extract.c runs the rules and keeps the raw matches in a ctx_t, then the
 * builders read them: lw_extract_header.c (the header), lw_extract_agency.c (agencies and
 * their roles), lw_extract_refs.c (legal references and relations), lw_extract_dates.c (dates
 * and deadlines). Helpers that several of them use are here: the one-liners inline, the
 * others lw_x_ functions defined in the module named above them. */
#ifndef LW_EXTRACT_CTX_H
#define LW_EXTRACT_CTX_H

#include "lw_date.h"
#include "lw_extract.h"

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
    int nomem;             /* a match could not be kept: the extraction fails, never loses it silently */
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

static inline lw_fact *add_fact(ctx_t *c, const char *kind, const lw_rule *rule, size_t s, size_t e, json_t *fields)
{
    return lw_extraction_add(c->x, kind, rule, s, e, fields);
}

/* ---- lw_extract.c ---- */

/* A group as cleaned text (owned), NULL when the group did not match. */
char *lw_x_grp_str(const ctx_t *c, const raw_match *r, const char *name);
/* A group read as a numeral; -1 when it did not match. */
int lw_x_grp_int(const ctx_t *c, const raw_match *r, const char *name);
/* Appends a warning at normalized offset off. */
void lw_x_warn(ctx_t *c, size_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The date of groups dn, mn, yn; 0 when one is missing or the date is not valid (*invalid). */
int lw_x_get_date(const ctx_t *c, const raw_match *r, const char *dn, const char *mn, const char *yn,
                  lw_date *out, int *invalid);
/* The bounds of pos's paragraph (line), looked for at most LW_PARA_SCAN bytes away. */
size_t lw_x_para_start(const ctx_t *c, size_t pos);
size_t lw_x_para_end(const ctx_t *c, size_t pos);
/* The index of the first match (c->all, sorted by start) that starts at or after pos. */
size_t lw_x_first_match_at(const ctx_t *c, size_t pos);

/* ---- lw_extract_header.c ---- */

/* The first kept match of kind that starts before before, else NULL. */
const raw_match *lw_x_first_of(const ctx_t *c, const char *kind, size_t before);
/* The items of a list after a label ("Kính gửi:", "Nơi nhận:"); *end_out: where it ends. */
json_t *lw_x_list_after(const ctx_t *c, size_t pos, size_t *end_out);
/* Whether s[0..n) is written in capitals. */
int lw_x_is_upper_line(const char *s, size_t n);
void lw_x_extract_header(ctx_t *c);
void lw_x_extract_issuer(ctx_t *c);

/* ---- lw_extract_agency.c ---- */

void lw_x_build_agencies(ctx_t *c);
void lw_x_assign_roles(ctx_t *c, size_t issuer_zone);

/* ---- lw_extract_refs.c ---- */

void lw_x_build_legal_refs(ctx_t *c);
void lw_x_resolve_aliases(ctx_t *c);
/* qsort order of facts: by start, then end, then kind. */
int lw_x_cmp_fact(const void *a, const void *b);
void lw_x_build_relations(ctx_t *c);

/* ---- lw_extract_dates.c ---- */

void lw_x_build_dates(ctx_t *c);
void lw_x_build_deadlines(ctx_t *c);

#endif
