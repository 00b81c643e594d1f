/* lw_rules: loads the rule files under rules/ (YAML, parsed with libyaml), expands
 * {{MACRO}} references, compiles every pattern once with PCRE2 (UTF, UCP, JIT), reads each
 * pattern's literals for the prefilter (lw_prefilter) and keeps each rule's own examples.
 * A broken file is refused with file, line, rule id and the PCRE2 message; a pattern's
 * error points at the line and column of the character as written in the YAML (in a
 * macro: at the {{MACRO}} and at the macro's own text). Matching is lw_match's job.
 *
 * Ownership: a rule set owns its rules and every string, pattern and JSON value in them;
 * lw_rule pointers and what they hold are borrowed, valid until lw_ruleset_free. Compiled
 * rules are read-only after loading and may be shared by threads; each thread matches with
 * its own lw_matcher (lw_match.h). */
#ifndef LW_RULES_H
#define LW_RULES_H

#include <jansson.h>

#include "lw_common.h"
#include "lw_prefilter.h"

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
     * into the rule set's literal table (lw_prefilter); n_need 0 when the pattern gives none */
    uint32_t *need;
    size_t n_need;
    /* literals one of which every match holds at most win_pre + win_pre_ws * R bytes after
     * its start (R: the text's longest run of white space): the rule runs only in windows
     * before their occurrences (lw_rule_match_all); n_win 0 when the pattern gives no such
     * set (lw_prefilter_sets) */
    uint32_t *win;
    size_t n_win;
    size_t win_pre, win_pre_ws;
} lw_rule;

typedef struct lw_ruleset lw_ruleset;

/* Hex digits of lw_ruleset_version (a 64-bit hash). */
#define LW_RULES_VERSION_LEN 16

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

/* For lw_match: the most capture pairs of any rule (match data is sized for it), and the
 * rules' literal table (borrowed, valid while rs is). */
uint32_t lw_ruleset_max_pairs(const lw_ruleset *rs);
const lw_prefilter *lw_ruleset_prefilter(const lw_ruleset *rs);

#endif
