/* lw_extract: runs every rule over a normalized document and builds the facts the design
 * names (legal_ref, relation, date, deadline, agency, duty (lw_duty)) and the
 * document header. Pure: text and rules in, facts out, so it runs in worker threads. */
#ifndef LW_EXTRACT_H
#define LW_EXTRACT_H

#include <jansson.h>

#include "lw_common.h"
#include "lw_doc.h"
#include "lw_resolve.h"
#include "lw_rules.h"

typedef struct {
    const char *kind;    /* "legal_ref", "deadline", ...; borrowed from the rule */
    const lw_rule *rule; /* borrowed */
    size_t start, end;   /* span in the normalized text */
    json_t *fields;      /* kind-specific keys; owned */
} lw_fact;

typedef struct {
    lw_fact *facts;
    size_t n, cap;
    json_t *header;   /* the design's header object; owned */
    json_t *warnings; /* array of {"offset": normalized offset, "message": text}; owned */
    char *doc_date;   /* ISO or NULL; owned */
} lw_extraction;

typedef struct {
    const char *doc_date; /* ISO date to use when the text gives none (rule examples) */
    const char *only_rule;/* run just this rule id and the context rules (rule examples) */
} lw_extract_options;

/* Extracts from text[0..len). opt may be NULL. *out owned (lw_extraction_free). A rule
 * that hits its match limit is reported in warnings, and extraction goes on. */
lw_status lw_extract(const lw_ruleset *rs, const lw_lexicon *lx, lw_matcher *m, const char *text,
                     size_t len, const lw_extract_options *opt, lw_extraction **out, lw_error *err);
void lw_extraction_free(lw_extraction *x);
/* Appends a fact; fields are taken over (owned by x afterwards). NULL when out of memory
 * (fields are released). Used by the fact builders (lw_duty). */
lw_fact *lw_extraction_add(lw_extraction *x, const char *kind, const lw_rule *rule, size_t start, size_t end,
                           json_t *fields);

/* The design's JSON record for a document: path, sha256, encoding, header, facts (with
 * text, span and line in the original file), warnings. Owned (json_decref);
 * NULL when out of memory (any allocation on the way, see lw_oom). */
json_t *lw_extraction_record(const lw_extraction *x, const lw_doc *doc);

/* Everything a caller needs to extract: rules, lexicon; shared read-only by threads. */
typedef struct lw_engine lw_engine;
lw_status lw_engine_create(const char *rules_dir, lw_engine **out, lw_error *err);
void lw_engine_free(lw_engine *e);
const lw_ruleset *lw_engine_rules(const lw_engine *e);
const lw_lexicon *lw_engine_lexicon(const lw_engine *e);

#endif
