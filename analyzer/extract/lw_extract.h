/* lw_extract: runs every rule over a normalized document and builds the facts the design
 * names (legal_ref, relation, date, deadline, agency, duty (lw_duty)) and the
 * document header. Pure: text and rules in, facts out, so it runs in worker threads. The
 * facts are typed (lw_fact.h); their JSON is made by lw_extraction_record. */
#ifndef LW_EXTRACT_H
#define LW_EXTRACT_H

#include <jansson.h>

#include "lw_common.h"
#include "lw_doc.h"
#include "lw_fact.h"
#include "lw_resolve.h"
#include "lw_match.h"

typedef struct {
    const char *doc_date; /* ISO date to use when the text gives none (rule examples) */
    const char *only_rule;/* run just this rule id and the context rules (rule examples) */
} lw_extract_options;

/* Extracts from text[0..len). opt may be NULL. *out owned (lw_extraction_free). A rule
 * that hits its match limit is reported in warnings, and extraction goes on. */
lw_status lw_extract(const lw_ruleset *rs, const lw_lexicon *lx, lw_matcher *m, const char *text,
                     size_t len, const lw_extract_options *opt, lw_extraction **out, lw_error *err);
/* Everything a caller needs to extract: rules, lexicon; shared read-only by threads. */
typedef struct lw_engine lw_engine;
lw_status lw_engine_create(const char *rules_dir, lw_engine **out, lw_error *err);
void lw_engine_free(lw_engine *e);
const lw_ruleset *lw_engine_rules(const lw_engine *e);
const lw_lexicon *lw_engine_lexicon(const lw_engine *e);

#endif
