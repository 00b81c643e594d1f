/* lw_rules: loads the rule files under rules/ (YAML, parsed with libyaml), expands
 * {{MACRO}} references, compiles every pattern once with PCRE2 (UTF, UCP, JIT) and keeps
 * each rule's own examples. A broken file is refused with file, line, rule id and the
 * PCRE2 message; a pattern's error points at the line and column of the character as
 * written in the YAML (in a macro: at the {{MACRO}} and at the macro's own text). Compiled rules are read-only after loading and may be shared
 * by threads; each thread matches with its own lw_matcher. */
#ifndef LW_RULES_H
#define LW_RULES_H

#include <jansson.h>

#include "lw_common.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

typedef struct {
    char *text;     /* the example text; owned by the rule set */
    json_t *expect; /* fields the fact (or match groups) must carry; NULL for counter-examples */
    json_t *context;/* optional: {"date": "YYYY-MM-DD", "title": "..."} */
    int line;       /* line of the example in the rule file */
} lw_example;

typedef struct {
    char *id;
    char *kind;       /* "legal_ref", "deadline", "agency", "header.number", ... */
    char *resolve;    /* resolver name (see lw_resolve.h); defaults to the kind */
    char *file;       /* rule file path */
    int line;         /* line of the rule in its file */
    int priority;     /* higher wins when two rules of one kind overlap */
    char *pattern;    /* after macro expansion */
    pcre2_code *code;
    pcre2_code *not_after; /* optional: must not match the text just before a match */
    json_t *set;      /* constant fields the rule sets (object, possibly empty) */
    lw_example *examples;
    size_t n_examples;
    lw_example *counter;
    size_t n_counter;
    /* literals one of which every text the rule matches contains (lw_rule_scan): indices
     * into the rule set's literal table; n_need 0 when the pattern gives none */
    uint32_t *need;
    size_t n_need;
} lw_rule;

typedef struct lw_ruleset lw_ruleset;

/* Loads every *.yaml file in dir but registry*.yaml (sorted by name). Files with a top-level "rules" list
 * are rule files; "macros" maps are merged first; other top-level keys are kept as data
 * (see lw_ruleset_data). On success *out is owned by the caller (lw_ruleset_free);
 * on error *out is NULL and err names the file, line and problem. */
lw_status lw_ruleset_load_dir(const char *dir, lw_ruleset **out, lw_error *err);
/* Same, from explicit file paths (used by tests). */
lw_status lw_ruleset_load_files(const char *const *paths, size_t n, lw_ruleset **out, lw_error *err);
void lw_ruleset_free(lw_ruleset *rs);

size_t lw_ruleset_count(const lw_ruleset *rs);
const lw_rule *lw_ruleset_rule(const lw_ruleset *rs, size_t i);
const lw_rule *lw_ruleset_find(const lw_ruleset *rs, const char *id);
/* A hash of every loaded file's bytes: the rules' version, stored with extracted facts. */
const char *lw_ruleset_version(const lw_ruleset *rs);
/* Data sections of non-rule files, e.g. "doc_types", "symbols": borrowed json, or NULL. */
json_t *lw_ruleset_data(const lw_ruleset *rs, const char *key);

/* Per-thread matching state: match data sized for the largest rule, a JIT stack and a
 * match context with limits. Owned; free with lw_matcher_free. */
typedef struct lw_matcher lw_matcher;
lw_matcher *lw_matcher_create(const lw_ruleset *rs);
void lw_matcher_free(lw_matcher *m);

/* One match: the whole span and the named groups' spans ([-1,-1] when unset). */
typedef struct {
    size_t start, end;
} lw_span;

/* Calls fn for every non-overlapping match of rule in text[0..len) starting at or after
 * from. ovec is borrowed for the duration of the call. Returns LW_OK, or LW_ERR_LIMIT when
 * a match limit was hit (err names the rule and the offset; the matches found before it
 * were delivered). fn returns nonzero to stop. */
typedef int (*lw_match_fn)(void *ud, const lw_rule *rule, const PCRE2_SIZE *ovec, uint32_t npairs);
lw_status lw_rule_match_all(lw_matcher *m, const lw_rule *rule, const char *text, size_t len,
                            lw_match_fn fn, void *ud, lw_error *err);
/* The span of named group name in ovec, or {SIZE_MAX, SIZE_MAX} when unset or unknown. */
lw_span lw_rule_group(const lw_rule *rule, const PCRE2_SIZE *ovec, uint32_t npairs, const char *name);
/* Whether rule's not_after pattern matches text[from..to). 0 when the rule has none. */
int lw_rule_not_after_hits(lw_matcher *m, const lw_rule *rule, const char *text, size_t from, size_t to);
/* Names of the pattern's named groups, in number order: callback per (name, number). */
void lw_rule_each_group(const lw_rule *rule, void (*fn)(void *ud, const char *name, int num), void *ud);

/* Which rules can match a text, from one pass over it: a rule whose literals (see need)
 * all are absent from the text finds nothing there, so lw_rule_match_all can be left out
 * for it. Exact, never a guess (lw_rules.c says why). Owned; free with lw_rule_scan_free
 * (accepts NULL). NULL when out of memory: then every rule may match. */
typedef struct lw_rule_scan lw_rule_scan;
lw_rule_scan *lw_rule_scan_create(const lw_ruleset *rs, const char *text, size_t len);
/* 0 when rule cannot match the scanned text; 1 when it may (always, for sc NULL). */
int lw_rule_scan_may_match(const lw_rule_scan *sc, const lw_rule *rule);
void lw_rule_scan_free(lw_rule_scan *sc);
/* While sc is set on m (borrowed: it and text must outlive the setting; NULL unsets),
 * lw_rule_match_all over exactly text[0..len) returns at once for a rule sc rules out,
 * and for the others stops looking past the last occurrence of their literals (no match
 * can start later), so that callers handed m (lw_duty) profit from one scan. */
void lw_matcher_set_scan(lw_matcher *m, const lw_rule_scan *sc, const char *text, size_t len);

#endif
