/* lw_prefilter: the literal strings one of which every match of a pattern must contain,
 * gathered into one table with its Aho-Corasick automaton, and one pass over a text that
 * tells where each literal last occurs. lw_rules fills it at load (a set per rule);
 * lw_match reads a scan to leave out the rules that cannot match a text. Knows nothing of
 * rules or PCRE2 objects: it reads pattern text only.
 *
 * Ownership: a prefilter owns its literals and automaton; create/free. The arrays
 * lw_prefilter_add and lw_prefilter_scan return are owned by the caller (free()). A built
 * prefilter is read-only and may be scanned by many threads at once. */
#ifndef LW_PREFILTER_H
#define LW_PREFILTER_H

#include <stddef.h>
#include <stdint.h>

typedef struct lw_prefilter lw_prefilter;

/* An empty table; NULL when out of memory. */
lw_prefilter *lw_prefilter_create(void);
void lw_prefilter_free(lw_prefilter *pf); /* accepts NULL */

/* Reads pattern (PCRE2 syntax; extended: compiled with PCRE2_EXTENDED) for its set of
 * literals and adds them to the table. *need gets the set as indices into the table (owned
 * by the caller, free()), *n_need their count: none (NULL, 0) when the pattern gives no set
 * worth testing. Returns 0, or -1 when out of memory (then *need is NULL). Before
 * lw_prefilter_build only. */
int lw_prefilter_add(lw_prefilter *pf, const char *pattern, int extended, uint32_t **need, size_t *n_need);
/* Builds the automaton once every pattern is added. 0, or -1 when out of memory. */
int lw_prefilter_build(lw_prefilter *pf);
/* Literals in the table (the length of a scan's array). */
size_t lw_prefilter_count(const lw_prefilter *pf);

/* One pass over text[0..len): for each literal i of the table, where its last occurrence
 * starts (byte offset), or SIZE_MAX when it does not occur. Returns an owned array of
 * lw_prefilter_count(pf) entries (free()), or NULL when out of memory or not built. */
size_t *lw_prefilter_scan(const lw_prefilter *pf, const char *text, size_t len);

#endif
