/* lw_match: the matcher (per-thread PCRE2 state with limits), matching one rule over a
 * text, reading its groups, and the rule scan that leaves out rules whose literals a text
 * lacks (lw_prefilter). */
#include "lw_match.h"

#include <stdlib.h>
#include <string.h>

#include "lw_msg.h"
#include "lw_prefilter.h"

/* Bounded work on hostile input: a match that needs more than this is an error naming
 * the rule (STYLE.md 9), not a silent miss. */
#define LW_MATCH_LIMIT 2000000u
#define LW_DEPTH_LIMIT 20000u
#define LW_HEAP_LIMIT (64u * 1024u) /* KiB */
/* The JIT stack: starts small (most rules need little) and may grow to this much before
 * a match fails with a limit error, as the interpreter's heap limit above. */
#define LW_MATCH_JIT_STACK_START (32u * 1024u)
#define LW_MATCH_JIT_STACK_MAX (1024u * 1024u)
/* Match data pairs without a rule set (tests), and for not_after, whose groups are unread. */
#define LW_MATCH_PAIRS_NO_RULES 64
#define LW_MATCH_PAIRS_NOT_AFTER 4
/* PCRE2's messages are short (under 120 bytes); a longer one is cut. */
#define LW_MATCH_ERRMSG_MAX 160

struct lw_matcher {
    pcre2_match_data *md;
    pcre2_match_data *md_ctx; /* for not_after, which runs while md's ovector is in use */
    pcre2_match_context *mctx;
    pcre2_match_context *mctx_lim; /* mctx with an offset limit (a scan's), for rule->code only */
    pcre2_jit_stack *jit;
    /* lw_matcher_set_scan: the scan of scan_text[0..scan_len), borrowed, or NULL */
    const struct lw_rule_scan *scan;
    const char *scan_text;
    size_t scan_len;
    int windows;  /* run rules only in windows before their literals (lw_matcher_set_windows) */
    lw_span *win; /* the windows of the rule being matched; grown as needed */
    size_t win_cap;
};

struct lw_rule_scan {
    lw_prefilter_hits hits; /* hits.last: per literal of the rule set's prefilter, where it
                             * last starts, or SIZE_MAX; hits.occ: the window literals' occurrences */
    size_t n;
};

lw_rule_scan *lw_rule_scan_create(const lw_ruleset *rs, const char *text, size_t len)
{
    lw_rule_scan *sc = calloc(1, sizeof *sc);
    if (!sc)
        return NULL;
    const lw_prefilter *pf = lw_ruleset_prefilter(rs);
    sc->n = lw_prefilter_count(pf);
    if (lw_prefilter_scan_all(pf, text, len, &sc->hits)) {
        free(sc);
        return NULL;
    }
    return sc;
}

/* Where rule's last match can start in the scanned text: a match holds one of its
 * literals, at or after its own start. SIZE_MAX: no bound known; -1 via *none: no match. */
static size_t scan_limit(const lw_rule_scan *sc, const lw_rule *rule, int *none)
{
    *none = 0;
    if (!sc || !rule->n_need)
        return SIZE_MAX;
    size_t lim = 0;
    int any = 0;
    for (size_t i = 0; i < rule->n_need; i++) {
        if (rule->need[i] >= sc->n)
            return SIZE_MAX;
        size_t l = sc->hits.last[rule->need[i]];
        if (l != SIZE_MAX) {
            any = 1;
            if (l > lim)
                lim = l;
        }
    }
    *none = !any;
    return any ? lim : SIZE_MAX;
}

int lw_rule_scan_may_match(const lw_rule_scan *sc, const lw_rule *rule)
{
    int none;
    scan_limit(sc, rule, &none);
    return !none;
}

void lw_rule_scan_free(lw_rule_scan *sc)
{
    if (!sc)
        return;
    lw_prefilter_hits_free(&sc->hits);
    free(sc);
}

lw_matcher *lw_matcher_create(const lw_ruleset *rs)
{
    lw_matcher *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->md = pcre2_match_data_create(rs ? lw_ruleset_max_pairs(rs) + 1 : LW_MATCH_PAIRS_NO_RULES, NULL);
    m->md_ctx = pcre2_match_data_create(LW_MATCH_PAIRS_NOT_AFTER, NULL);
    m->mctx = pcre2_match_context_create(NULL);
    m->jit = pcre2_jit_stack_create(LW_MATCH_JIT_STACK_START, LW_MATCH_JIT_STACK_MAX, NULL);
    if (!m->md || !m->md_ctx || !m->mctx || !m->jit) {
        lw_matcher_free(m);
        return NULL;
    }
    pcre2_set_match_limit(m->mctx, LW_MATCH_LIMIT);
    pcre2_set_depth_limit(m->mctx, LW_DEPTH_LIMIT);
    pcre2_set_heap_limit(m->mctx, LW_HEAP_LIMIT);
    pcre2_jit_stack_assign(m->mctx, NULL, m->jit);
    /* a copy for offset-limited matches: not_after runs inside them on mctx, and its
     * patterns (compiled without PCRE2_USE_OFFSET_LIMIT) would refuse a limit */
    if (!(m->mctx_lim = pcre2_match_context_copy(m->mctx))) {
        lw_matcher_free(m);
        return NULL;
    }
    /* LAWWATCH_NO_WINDOWS=1 runs every rule from the start of the text (up to its last
     * literal) as before windows: the other side of the comparison that shows them exact
     * (bench/windows_identical.py), as LAWWATCH_NO_JIT is for the JIT */
    const char *nowin = getenv("LAWWATCH_NO_WINDOWS");
    m->windows = !nowin || !*nowin || !strcmp(nowin, "0");
    return m;
}

void lw_matcher_free(lw_matcher *m)
{
    if (!m)
        return;
    pcre2_match_data_free(m->md);
    pcre2_match_data_free(m->md_ctx);
    pcre2_match_context_free(m->mctx);
    pcre2_match_context_free(m->mctx_lim);
    pcre2_jit_stack_free(m->jit);
    free(m->win);
    free(m);
}

void lw_matcher_set_windows(lw_matcher *m, int on)
{
    if (m)
        m->windows = on != 0;
}

void lw_matcher_set_scan(lw_matcher *m, const lw_rule_scan *sc, const char *text, size_t len)
{
    if (!m)
        return;
    m->scan = sc;
    m->scan_text = sc ? text : NULL;
    m->scan_len = sc ? len : 0;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* The windows of rule in the scanned text: [q - pre, q] for every occurrence q of its
 * window literals at or before lim (no match starts after lim), the start moved back to
 * the character's first byte, merged and ascending, in m->win. Returns their count, or
 * SIZE_MAX when they cannot be made (no window set, out of memory): then the rule runs
 * as without windows. */
static size_t make_windows(lw_matcher *m, const lw_rule *rule, const char *text, size_t lim)
{
    const lw_rule_scan *sc = m->scan;
    if (!sc->hits.occ_at)
        return SIZE_MAX; /* too many occurrences were met to keep them */
    size_t n = 0;
    for (size_t i = 0; i < rule->n_win; i++) {
        if (rule->win[i] >= sc->n)
            return SIZE_MAX;
        n += sc->hits.occ_at[rule->win[i] + 1] - sc->hits.occ_at[rule->win[i]];
    }
    if (!n)
        return 0;
    if (n > m->win_cap) {
        /* room for the occurrences (as size_t, sorted in place) and the windows */
        lw_span *w = realloc(m->win, n * sizeof *w);
        if (!w)
            return SIZE_MAX;
        m->win = w;
        m->win_cap = n;
    }
    /* the occurrences go in the second half of the room seen as 2n size_t (q[i] is slot
     * n + i), the windows from its start (window j is slots 2j and 2j + 1): window j is
     * written while q[i] is read, j <= i < n, so 2j + 1 <= n + i and no occurrence not yet
     * read is overwritten */
    size_t *q = (size_t *)m->win + n;
    size_t k = 0;
    for (size_t i = 0; i < rule->n_win; i++) {
        const size_t *o = sc->hits.occ + sc->hits.occ_at[rule->win[i]];
        size_t c = sc->hits.occ_at[rule->win[i] + 1] - sc->hits.occ_at[rule->win[i]];
        for (size_t j = 0; j < c && o[j] <= lim; j++)
            q[k++] = o[j];
    }
    if (rule->n_win > 1)
        qsort(q, k, sizeof *q, cmp_size);
    /* the bytes a match may have before its literal: its "\s+" runs are at most the
     * text's longest (both small: lw_prefilter bounds them) */
    size_t pre = rule->win_pre + rule->win_pre_ws * sc->hits.ws_run;
    size_t nw = 0;
    for (size_t i = 0; i < k; i++) {
        size_t s = q[i] > pre ? q[i] - pre : 0;
        while (s > 0 && ((unsigned char)text[s] & 0xC0) == 0x80)
            s--;
        if (nw && s <= m->win[nw - 1].end + 1) {
            m->win[nw - 1].end = q[i]; /* q ascending: the window only grows */
        } else {
            m->win[nw].start = s;
            m->win[nw].end = q[i];
            nw++;
        }
    }
    return nw;
}

lw_status lw_rule_match_all(lw_matcher *m, const lw_rule *rule, const char *text, size_t len,
                            lw_match_fn fn, void *ud, lw_error *err)
{
    if (!m) /* lw_matcher_create ran out of memory and the caller went on */
        return lw_error_msg(err, LW_ERR_NOMEM, rule->file, rule->line, 0, LW_MSG_NOMEM);
    /* where matches may start: windows, each searched with its end as the offset limit;
     * without a scan one window, the whole text, without a limit */
    lw_span whole = {0, SIZE_MAX};
    const lw_span *win = &whole;
    size_t nwin = 1;
    int limited = 0;
    if (m->scan && text == m->scan_text && len == m->scan_len) {
        int none;
        size_t lim = scan_limit(m->scan, rule, &none);
        if (none)
            return LW_OK;
        if (lim != SIZE_MAX) {
            /* no match starts after the last of its literals: PCRE2 stops trying there
             * instead of running to the text's end */
            whole.end = lim;
            limited = 1;
        }
        if (m->windows && rule->n_win) {
            /* nor outside the windows before its window literals (lw_prefilter_sets) */
            size_t nw = make_windows(m, rule, text, lim);
            if (nw != SIZE_MAX) {
                if (!nw)
                    return LW_OK;
                win = m->win;
                nwin = nw;
                limited = 1;
            }
        }
    }
    pcre2_match_context *mctx = limited ? m->mctx_lim : m->mctx;
    size_t off = 0, wi = 0;
    uint32_t opts = 0;
    while (off <= len) {
        while (wi < nwin && win[wi].end < off)
            wi++;
        if (wi == nwin)
            return LW_OK;
        size_t from = off > win[wi].start ? off : win[wi].start;
        if (limited)
            pcre2_set_offset_limit(mctx, win[wi].end);
        int rc = pcre2_match(rule->code, (PCRE2_SPTR)text, len, from, opts, m->md, mctx);
        if (rc == PCRE2_ERROR_NOMATCH) {
            wi++; /* none starts in this window */
            continue;
        }
        if (rc < 0) {
            PCRE2_UCHAR msg[LW_MATCH_ERRMSG_MAX];
            pcre2_get_error_message(rc, msg, sizeof msg);
            return lw_error_msg(err, LW_ERR_LIMIT, rule->file, rule->line, 0, LW_MSG_RULES_MATCH_STOPPED, rule->id,
                                from, (char *)msg);
        }
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
        uint32_t np = pcre2_get_ovector_count(m->md);
        if (ov[1] < ov[0]) /* \K tricks: ignore */
            return LW_OK;
        if (fn(ud, rule, ov, np))
            return LW_OK;
        if (ov[1] == ov[0]) {
            if (ov[1] >= len)
                return LW_OK;
            off = ov[1] + 1;
            while (off < len && ((unsigned char)text[off] & 0xC0) == 0x80)
                off++;
        } else {
            off = ov[1];
        }
    }
    return LW_OK;
}

lw_span lw_rule_group(const lw_rule *rule, const PCRE2_SIZE *ovec, uint32_t npairs, const char *name)
{
    lw_span none = {SIZE_MAX, SIZE_MAX};
    int n = pcre2_substring_number_from_name(rule->code, (PCRE2_SPTR)name);
    if (n == PCRE2_ERROR_NOUNIQUESUBSTRING) {
        /* duplicate names ((?J) or branches): take the first set one */
        PCRE2_SPTR first, last;
        uint32_t esz;
        if (pcre2_substring_nametable_scan(rule->code, (PCRE2_SPTR)name, &first, &last) > 0) {
            pcre2_pattern_info(rule->code, PCRE2_INFO_NAMEENTRYSIZE, &esz);
            for (PCRE2_SPTR e = first; e <= last; e += esz) {
                uint32_t g = (uint32_t)((e[0] << 8) | e[1]);
                if (g < npairs && ovec[2 * g] != PCRE2_UNSET)
                    return (lw_span){ovec[2 * g], ovec[2 * g + 1]};
            }
        }
        return none;
    }
    if (n < 0 || (uint32_t)n >= npairs || ovec[2 * n] == PCRE2_UNSET)
        return none;
    return (lw_span){ovec[2 * n], ovec[2 * n + 1]};
}

int lw_rule_not_after_hits(lw_matcher *m, const lw_rule *rule, const char *text, size_t from, size_t to)
{
    if (!m || !rule->not_after || to <= from)
        return 0;
    return pcre2_match(rule->not_after, (PCRE2_SPTR)(text + from), to - from, 0, 0, m->md_ctx, m->mctx) > 0;
}

void lw_rule_each_group(const lw_rule *rule, void (*fn)(void *ud, const char *name, int num), void *ud)
{
    uint32_t count, esz;
    PCRE2_SPTR table;
    pcre2_pattern_info(rule->code, PCRE2_INFO_NAMECOUNT, &count);
    pcre2_pattern_info(rule->code, PCRE2_INFO_NAMEENTRYSIZE, &esz);
    pcre2_pattern_info(rule->code, PCRE2_INFO_NAMETABLE, &table);
    for (uint32_t i = 0; i < count; i++) {
        PCRE2_SPTR e = table + i * esz;
        fn(ud, (const char *)(e + 2), (e[0] << 8) | e[1]);
    }
}