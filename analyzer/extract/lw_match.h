/* lw_match: running the compiled rules of lw_rules over a text. A matcher is one thread's
 * matching state (match data sized for the largest rule, a JIT stack, a match context with
 * the limits of STYLE.md 9); a rule scan (lw_prefilter underneath) tells from one pass over
 * a text which rules cannot match it, so they are left out, and where the others' matches
 * can start: only in windows before the occurrences of their window literals, so PCRE2
 * runs only there.
 *
 * Ownership: a matcher and a scan are owned by their creator (free with lw_matcher_free /
 * lw_rule_scan_free, both accept NULL). The rules and the rule set are borrowed and must
 * outlive them. A matcher is not shared between threads; rules are. */
#ifndef LW_MATCH_H
#define LW_MATCH_H

#include "lw_rules.h"

/* Per-thread matching state. Owned; free with lw_matcher_free. NULL when out of memory:
 * lw_rule_match_all on a NULL matcher fails with LW_ERR_NOMEM, so a caller that does not
 * check still reports a clean error rather than crashing. */
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
 * were delivered), or LW_ERR_NOMEM when m is NULL. fn returns nonzero to stop. */
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
 * for it. Exact, never a guess (lw_prefilter.c says why). Owned; free with
 * lw_rule_scan_free (accepts NULL). NULL when out of memory: then every rule may match. */
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
/* Whether lw_rule_match_all with a scan set tries a rule only in the windows
 * [occurrence - win_pre, occurrence] of its window literals (lw_rule.win) rather than
 * everywhere up to its last literal. On by default; off when the environment has
 * LAWWATCH_NO_WINDOWS=1 at lw_matcher_create. The matches are the same, in the same order,
 * either way (exact: lw_prefilter_sets); what differs is the work, and so whether a match
 * limit can be hit (fewer start positions are tried). For tests and benchmarks. */
void lw_matcher_set_windows(lw_matcher *m, int on);

#endif
