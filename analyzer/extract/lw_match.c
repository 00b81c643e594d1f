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
};

struct lw_rule_scan {
    size_t *last; /* per literal of the rule set's prefilter: where it last starts, or SIZE_MAX */
    size_t n;
};

lw_rule_scan *lw_rule_scan_create(const lw_ruleset *rs, const char *text, size_t len)
{
    lw_rule_scan *sc = calloc(1, sizeof *sc);
    if (!sc)
        return NULL;
    const lw_prefilter *pf = lw_ruleset_prefilter(rs);
    sc->n = lw_prefilter_count(pf);
    if (!(sc->last = lw_prefilter_scan(pf, text, len))) {
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
        size_t l = sc->last[rule->need[i]];
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
    free(sc->last);
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
    free(m);
}

void lw_matcher_set_scan(lw_matcher *m, const lw_rule_scan *sc, const char *text, size_t len)
{
    if (!m)
        return;
    m->scan = sc;
    m->scan_text = sc ? text : NULL;
    m->scan_len = sc ? len : 0;
}

lw_status lw_rule_match_all(lw_matcher *m, const lw_rule *rule, const char *text, size_t len,
                            lw_match_fn fn, void *ud, lw_error *err)
{
    if (!m) /* lw_matcher_create ran out of memory and the caller went on */
        return lw_error_msg(err, LW_ERR_NOMEM, rule->file, rule->line, 0, LW_MSG_NOMEM);
    pcre2_match_context *mctx = m->mctx;
    if (m->scan && text == m->scan_text && len == m->scan_len) {
        int none;
        size_t lim = scan_limit(m->scan, rule, &none);
        if (none)
            return LW_OK;
        if (lim != SIZE_MAX) {
            /* no match starts after the last of its literals: PCRE2 stops trying there
             * instead of running to the text's end */
            pcre2_set_offset_limit(m->mctx_lim, lim);
            mctx = m->mctx_lim;
        }
    }
    size_t off = 0;
    uint32_t opts = 0;
    while (off <= len) {
        int rc = pcre2_match(rule->code, (PCRE2_SPTR)text, len, off, opts, m->md, mctx);
        if (rc == PCRE2_ERROR_NOMATCH)
            return LW_OK;
        if (rc < 0) {
            PCRE2_UCHAR msg[LW_MATCH_ERRMSG_MAX];
            pcre2_get_error_message(rc, msg, sizeof msg);
            return lw_error_msg(err, LW_ERR_LIMIT, rule->file, rule->line, 0, LW_MSG_RULES_MATCH_STOPPED, rule->id, off,
                                (char *)msg);
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