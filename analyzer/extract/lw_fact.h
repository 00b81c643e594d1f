/* lw_fact: the facts extraction yields, typed (a struct per kind, as cmark has a node per
 * kind), and the list that holds them with the document's header (lw_extraction). The
 * bottom module of extract/: the builders (lw_extract_*.c, lw_duty*.c) fill the structs (the
 * header too: lw_header), the readers use the fields, and the JSON of the design is made
 * here only, at the edge (lw_fact_fields_json, lw_header_json, lw_extraction_record), for
 * the CLI, the API and the store.
 *
 * Ownership: every string and array in a fact is owned by the fact (freed by
 * lw_extraction_free); rule is borrowed from the rule set. */
#ifndef LW_FACT_H
#define LW_FACT_H

#include <jansson.h>
#include <stddef.h>

#include "lw_common.h"
#include "lw_doc.h"
#include "lw_rules.h"

/* In the order of the kinds' names: facts on one span sort by kind name (lw_fact_cmp). */
typedef enum {
    LW_FACT_AGENCY,
    LW_FACT_DATE,
    LW_FACT_DEADLINE,
    LW_FACT_DUTY,
    LW_FACT_LEGAL_REF,
    LW_FACT_RELATION,
    LW_FACT_KIND_COUNT
} lw_fact_kind;

/* A list of names, owned. */
typedef struct {
    char **v;
    size_t n;
} lw_strv;

/* legal_ref: a cited document. Strings may be NULL (JSON null); year 0: none. */
typedef struct {
    char *type, *number, *symbol, *id, *title, *date, *pinpoint;
    int year;
    int year_mismatch; /* the number's year is not that of the date (key only when set) */
    int alias;         /* a short name the document defined for it (key only when set) */
} lw_ref_fact;

/* relation: type ("amends", ...), from (may be NULL), to; since: the date it took effect (may
 * be NULL, key only when set). */
typedef struct {
    char *type, *from, *to, *since;
} lw_relation_fact;

/* date: value (ISO). */
typedef struct {
    char *value;
} lw_date_fact;

/* deadline: from (may be NULL), to (ISO), precision, qualifier. */
typedef struct {
    char *from, *to, *precision, *qualifier;
} lw_deadline_fact;

/* agency: name (canonical), province and level (may be NULL), role (NULL until
 * lw_x_assign_roles), alias (a short name the document defined, key only when set). */
typedef struct {
    char *name, *province, *level, *role;
    int alias;
} lw_agency_fact;

/* A unit a duty names: role "lead", "partner" or "concerns"; at = normalized offset of the
 * name (the record gives its line). level may be NULL. */
typedef struct {
    char *name, *level, *role;
    size_t at;
} lw_duty_unit;

/* A duty's deadline: the deadline fact's interval and its normalized span [at, at_end). */
typedef struct {
    int set; /* 0: the duty has none (JSON null) */
    char *from, *to, *precision, *qualifier;
    size_t at, at_end;
} lw_duty_deadline;

/* duty: see lw_duty.h. Strings may be NULL (JSON null) but source. recurring, stage and
 * concerns have a key only when has_* is set. */
typedef struct {
    char *activity, *output, *topic, *section, *source;
    lw_strv lead, partners, concerns;
    lw_duty_deadline deadline;
    char *recurring, *stage;
    int has_recurring, has_stage, has_concerns;
    lw_duty_unit *units;
    size_t nunits;
} lw_duty_fact;

typedef struct {
    lw_fact_kind kind;
    const lw_rule *rule; /* borrowed */
    size_t start, end;   /* span in the normalized text */
    union {
        lw_ref_fact ref;
        lw_relation_fact rel;
        lw_date_fact date;
        lw_deadline_fact dl;
        lw_agency_fact agency;
        lw_duty_fact duty;
    } u;
} lw_fact;

/* The signature block: authority ("KT. CHỦ TỊCH"), position and name (NULL: JSON null). */
typedef struct {
    char *authority, *position, *name;
} lw_signer;

/* The document's header (the design's header object). Strings NULL when the document lacks
 * them (JSON null); signer only when has_signer. */
typedef struct {
    char *issuer, *number, *kind, *place, *date, *subject;
    lw_strv recipients, distribution;
    int has_signer;
    lw_signer signer;
} lw_header;

typedef struct {
    lw_fact *facts;
    size_t n, cap;
    lw_header header; /* owned */
    json_t *warnings; /* array of {"offset": normalized offset, "message": text}; owned */
    char *doc_date;   /* ISO or NULL; owned */
} lw_extraction;

/* The design's name of a kind ("legal_ref"). Static. */
const char *lw_fact_kind_name(lw_fact_kind k);

/* Appends a copy of s to v; 0, or -1 when out of memory (v unchanged). */
int lw_strv_push(lw_strv *v, const char *s);
void lw_strv_free(lw_strv *v);

/* The design's header object of h, keys in the contract's order. Owned; NULL when out of
 * memory. */
json_t *lw_header_json(const lw_header *h);

/* A new empty extraction (header all null, no warnings). Owned (lw_extraction_free); NULL
 * when out of memory. */
lw_extraction *lw_extraction_new(void);
void lw_extraction_free(lw_extraction *x);

/* Appends a fact of kind with zeroed fields for the caller to fill (with owned strings).
 * Borrowed, valid until the next add; NULL when out of memory. */
lw_fact *lw_extraction_add(lw_extraction *x, lw_fact_kind kind, const lw_rule *rule, size_t start, size_t end);
/* Drops the last fact added (a builder that could not fill it). */
void lw_extraction_drop_last(lw_extraction *x);
/* Frees what a fact owns and zeroes its fields. */
void lw_fact_clear(lw_fact *f);
/* Copies src's fields into dst (same kind; dst's are cleared first). LW_OK or LW_ERR_NOMEM. */
lw_status lw_fact_copy_fields(lw_fact *dst, const lw_fact *src);

/* qsort order of facts: by start, then end, then kind name. */
int lw_fact_cmp(const void *a, const void *b);

/* strdup of s, NULL for NULL; *nomem set when a non-NULL s cannot be copied. */
char *lw_fact_strdup(const char *s, int *nomem);

/* The kind-specific keys of f as the design's JSON object, in the contract's key order.
 * With doc, a duty's normalized offsets become lines and text of the original (as in the
 * record); without, they stay "at"/"at_end" (rule examples). Owned; NULL when out of memory. */
json_t *lw_fact_fields_json(const lw_fact *f, const lw_doc *doc);

/* The design's JSON record for a document: path, sha256, encoding, header, facts (with
 * text, span and line in the original file), warnings. Owned (json_decref); NULL when out
 * of memory. */
json_t *lw_extraction_record(const lw_extraction *x, const lw_doc *doc);

#endif
