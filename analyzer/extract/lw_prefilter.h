/* lw_prefilter: the literal strings one of which every match of a pattern must contain,
 * gathered into one table with its Aho-Corasick automaton, and one pass over a text that
 * tells where each literal last occurs and, for the literals of window sets, where every
 * occurrence starts. lw_rules fills it at load (sets per rule); lw_match reads a scan to
 * leave out the rules that cannot match a text and to run the others only in windows
 * before their literals. Knows nothing of rules or PCRE2 objects: it reads pattern text
 * only.
 *
 * Ownership: a prefilter owns its literals and automaton; create/free. The arrays
 * lw_prefilter_add, lw_prefilter_add_sets (free with lw_prefilter_sets_free) and the scans
 * return are owned by the caller (free(), lw_prefilter_hits_free). A built prefilter is
 * read-only and may be scanned by many threads at once. */
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
/* A pattern's sets (lw_prefilter_add_sets), as indices into the table:
 * - need: one of them every match holds (n_need 0: none known);
 * - win: one of them every match holds starting at most pre + pre_ws * R bytes after
 *   the match's own start (bytes of the text, whatever the case of its letters; R: the
 *   longest run of white space in the text, which lw_prefilter_scan_all measures, for the
 *   pattern's "\s+"), so no match starts outside the windows [occurrence - that,
 *   occurrence] (n_win 0: none known; then pre is SIZE_MAX). A pattern whose matches
 *   depend on where a search starts (\G) has none. */
typedef struct {
    uint32_t *need;
    size_t n_need;
    uint32_t *win;
    size_t n_win;
    size_t pre;
    size_t pre_ws;
} lw_prefilter_sets;
/* As lw_prefilter_add, with the window set too. 0, or -1 when out of memory (*out empty). */
int lw_prefilter_add_sets(lw_prefilter *pf, const char *pattern, int extended, lw_prefilter_sets *out);
void lw_prefilter_sets_free(lw_prefilter_sets *s); /* leaves *s empty */
/* The window set of pattern alone (for tests): 1 with *pre, *pre_ws and the folded
 * literals joined by '|' in lits[0..size) (cut when longer), or 0 when it has none. */
int lw_prefilter_window(const char *pattern, int extended, size_t *pre, size_t *pre_ws, char *lits, size_t size);

/* Builds the automaton once every pattern is added. 0, or -1 when out of memory. */
int lw_prefilter_build(lw_prefilter *pf);
/* Literals in the table (the length of a scan's array). */
size_t lw_prefilter_count(const lw_prefilter *pf);

/* One pass over text[0..len): for each literal i of the table, where its last occurrence
 * starts (byte offset), or SIZE_MAX when it does not occur. Returns an owned array of
 * lw_prefilter_count(pf) entries (free()), or NULL when out of memory or not built. */
size_t *lw_prefilter_scan(const lw_prefilter *pf, const char *text, size_t len);

/* What lw_prefilter_scan_all finds: last as lw_prefilter_scan's; the occurrences of
 * window literal i (byte offsets where they start, ascending) are
 * occ[occ_at[i] .. occ_at[i + 1]) (none for the other literals; occ_at NULL when the text
 * holds too many to keep: then no windows); ws_run the bytes of the text's longest run of
 * white space (R of lw_prefilter_sets). Owned by the caller. */
typedef struct {
    size_t *last;
    size_t *occ;
    size_t *occ_at;
    size_t ws_run;
} lw_prefilter_hits;
/* The same pass as lw_prefilter_scan, keeping every occurrence of the window literals.
 * 0, or -1 when out of memory or not built (*out empty). */
int lw_prefilter_scan_all(const lw_prefilter *pf, const char *text, size_t len, lw_prefilter_hits *out);
void lw_prefilter_hits_free(lw_prefilter_hits *h); /* leaves *h empty */

#endif
