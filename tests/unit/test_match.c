/* Tests of lw_match and lw_prefilter: the paths agree (as Suricata keeps its fast
 * matcher and PCRE and a test that they agree): every rule finds the same matches in every
 * document of corpus/ and corpus/extra/ with the rule scan set on the matcher as without
 * it, with its windows (lw_matcher_set_windows) and without; the prefilter's literals and
 * last occurrences on small patterns (folded: case, Vietnamese letters), every occurrence
 * of window literals and the longest run of white space; the window set and its bound read
 * from pattern snippets (tests/data/match/windows.tsv); and a matcher that could not be
 * created (NULL) is a clean LW_ERR_NOMEM, not a crash, and so is an extraction handed one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lw_doc.h"
#include "lw_match.h"
#include "lw_prefilter.h"

#include "test_support.h"

typedef struct {
    size_t *v;
    size_t n, cap;
} spans;

static int collect(void *ud, const lw_rule *rule, const PCRE2_SIZE *ovec, uint32_t npairs)
{
    (void)rule;
    (void)npairs;
    spans *s = ud;
    if (s->n + 2 > s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
        assert_non_null(s->v);
    }
    s->v[s->n++] = ovec[0];
    s->v[s->n++] = ovec[1];
    return 0;
}

static void scan_agrees(void **state)
{
    (void)state;
    const char *src = getenv("LW_SOURCE_DIR");
    const lw_ruleset *rs = lw_engine_rules(engine);
    lw_matcher *m = lw_matcher_create(rs);
    assert_non_null(m);
    int docs = 0;
    size_t left_out = 0, windows = 0;
    for (int pass = 0; pass < 2; pass++) {
        char dir[1200];
        snprintf(dir, sizeof dir, "%s/corpus%s", src && *src ? src : LW_SOURCE_DIR, pass ? "/extra" : "");
        DIR *d = opendir(dir);
        assert_non_null(d);
        struct dirent *de;
        while ((de = readdir(d))) {
            size_t l = strlen(de->d_name);
            if (l < 5 || strcmp(de->d_name + l - 4, ".txt"))
                continue;
            char path[2400];
            snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
            lw_doc *doc;
            lw_error err;
            assert_int_equal(lw_doc_load(path, NULL, &doc, &err), LW_OK);
            size_t len;
            const char *text = lw_doc_text(doc, &len);
            lw_rule_scan *sc = lw_rule_scan_create(rs, text, len);
            assert_non_null(sc);
            for (size_t i = 0; i < lw_ruleset_count(rs); i++) {
                const lw_rule *r = lw_ruleset_rule(rs, i);
                spans plain = {0}, scanned = {0}, windowed = {0};
                lw_matcher_set_scan(m, NULL, NULL, 0);
                assert_int_equal(lw_rule_match_all(m, r, text, len, collect, &plain, &err), LW_OK);
                lw_matcher_set_scan(m, sc, text, len);
                lw_matcher_set_windows(m, 0);
                assert_int_equal(lw_rule_match_all(m, r, text, len, collect, &scanned, &err), LW_OK);
                lw_matcher_set_windows(m, 1);
                assert_int_equal(lw_rule_match_all(m, r, text, len, collect, &windowed, &err), LW_OK);
                if (plain.n != scanned.n || (plain.n && memcmp(plain.v, scanned.v, plain.n * sizeof *plain.v)))
                    fail_msg("%s: rule %s finds %zu matches, %zu with the scan", de->d_name, r->id, plain.n / 2,
                             scanned.n / 2);
                if (plain.n != windowed.n || (plain.n && memcmp(plain.v, windowed.v, plain.n * sizeof *plain.v)))
                    fail_msg("%s: rule %s finds %zu matches, %zu in its windows", de->d_name, r->id, plain.n / 2,
                             windowed.n / 2);
                windows += r->n_win != 0 && plain.n;
                free(windowed.v);
                if (!lw_rule_scan_may_match(sc, r)) {
                    assert_int_equal(plain.n, 0); /* left out: finds nothing */
                    left_out++;
                }
                free(plain.v);
                free(scanned.v);
            }
            lw_matcher_set_scan(m, NULL, NULL, 0);
            lw_rule_scan_free(sc);
            lw_doc_free(doc);
            docs++;
        }
        closedir(d);
    }
    lw_matcher_free(m);
    assert_true(docs >= 30);
    assert_true(left_out > 0); /* the prefilter does leave rules out */
    assert_true(windows > 100); /* and rules that match do run in windows */
}

/* The window sets and bounds of tests/data/match/windows.tsv. */
static void window_bounds(void **state)
{
    (void)state;
    const char *src = getenv("LW_SOURCE_DIR");
    char path[1200];
    snprintf(path, sizeof path, "%s/tests/data/match/windows.tsv", src && *src ? src : LW_SOURCE_DIR);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[2048];
    int cases = 0, bad = 0, lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\n")] = '\0';
        if (!*line || *line == '#')
            continue;
        char *mode = line, *want = strchr(line, '\t');
        assert_non_null(want);
        *want++ = '\0';
        char *pattern = strchr(want, '\t');
        assert_non_null(pattern);
        *pattern++ = '\0';
        size_t pre, pre_ws;
        char lits[512], got[600];
        if (lw_prefilter_window(pattern, !strcmp(mode, "x"), &pre, &pre_ws, lits, sizeof lits))
            snprintf(got, sizeof got, "%zu+%zu:%s", pre, pre_ws, lits);
        else
            snprintf(got, sizeof got, "none");
        if (strcmp(got, want)) {
            print_error("windows.tsv:%d: %s: want %s, got %s\n", lineno, pattern, want, got);
            bad++;
        }
        cases++;
    }
    fclose(f);
    assert_true(cases >= 30);
    assert_int_equal(bad, 0);
}

/* Every occurrence of a window literal, ascending, and the longest run of white space. */
static void window_occurrences(void **state)
{
    (void)state;
    lw_prefilter *pf = lw_prefilter_create();
    assert_non_null(pf);
    lw_prefilter_sets s;
    assert_int_equal(lw_prefilter_add_sets(pf, "Nghị \\s+ định", 1, &s), 0);
    assert_int_equal(s.n_win, 1);
    assert_int_equal(s.pre, 0);
    assert_int_equal(lw_prefilter_build(pf), 0);
    /* NGHỊ in capitals, a no-break space and an ideographic space (3 bytes) in a run */
    const char *text = "nghị định; NGHỊ  \u00a0\u3000 ĐỊNH, Nghị";
    lw_prefilter_hits h;
    assert_int_equal(lw_prefilter_scan_all(pf, text, strlen(text), &h), 0);
    uint32_t w = s.win[0];
    assert_int_equal(h.occ_at[w + 1] - h.occ_at[w], 3);
    size_t second = (size_t)(strstr(text, "NGHỊ") - text), third = (size_t)(strstr(text, ", Nghị") - text) + 2;
    assert_int_equal(h.occ[h.occ_at[w]], 0);
    assert_int_equal(h.occ[h.occ_at[w] + 1], second);
    assert_int_equal(h.occ[h.occ_at[w] + 2], third);
    assert_int_equal(h.last[w], third);
    assert_int_equal(h.ws_run, 2 + 2 + 3 + 1); /* two spaces, U+00A0, U+3000, a space */
    lw_prefilter_hits_free(&h);
    /* more occurrences than a scan keeps: none kept (no windows), the last still known */
    const char *unit = "Nghị định; ";
    size_t reps = 300000, ul = strlen(unit);
    char *big = malloc(reps * ul + 1);
    assert_non_null(big);
    for (size_t i = 0; i < reps; i++)
        memcpy(big + i * ul, unit, ul);
    big[reps * ul] = '\0';
    assert_int_equal(lw_prefilter_scan_all(pf, big, reps * ul, &h), 0);
    assert_null(h.occ_at);
    assert_int_equal(h.last[w], (reps - 1) * ul);
    lw_prefilter_hits_free(&h);
    lw_prefilter_sets_free(&s);
    lw_prefilter_free(pf);
    /* and the rules that would run in windows find there what they find without */
    const lw_ruleset *rs = lw_engine_rules(engine);
    lw_matcher *m = lw_matcher_create(rs);
    lw_rule_scan *sc = lw_rule_scan_create(rs, big, reps * ul);
    assert_non_null(m);
    assert_non_null(sc);
    int tried = 0;
    for (size_t i = 0; i < lw_ruleset_count(rs) && tried < 3; i++) {
        const lw_rule *r = lw_ruleset_rule(rs, i);
        if (!r->n_win || strcmp(r->kind, "legal_ref"))
            continue;
        spans plain = {0}, windowed = {0};
        lw_error err;
        lw_matcher_set_scan(m, NULL, NULL, 0);
        assert_int_equal(lw_rule_match_all(m, r, big, reps * ul, collect, &plain, &err), LW_OK);
        lw_matcher_set_scan(m, sc, big, reps * ul);
        lw_matcher_set_windows(m, 1);
        assert_int_equal(lw_rule_match_all(m, r, big, reps * ul, collect, &windowed, &err), LW_OK);
        assert_int_equal(plain.n, windowed.n);
        if (plain.n)
            assert_memory_equal(plain.v, windowed.v, plain.n * sizeof *plain.v);
        free(plain.v);
        free(windowed.v);
        tried++;
    }
    assert_int_equal(tried, 3);
    lw_matcher_set_scan(m, NULL, NULL, 0);
    lw_rule_scan_free(sc);
    lw_matcher_free(m);
    free(big);
}

static void prefilter_literals(void **state)
{
    (void)state;
    lw_prefilter *pf = lw_prefilter_create();
    assert_non_null(pf);
    uint32_t *need;
    size_t n;
    /* a sequence: its literal run, folded */
    assert_int_equal(lw_prefilter_add(pf, "Nghị \\s+ định \\s+ số", 1, &need, &n), 0);
    assert_int_equal(n, 1);
    free(need);
    /* alternation: the union of the branches' literals (not extended: the space counts) */
    assert_int_equal(lw_prefilter_add(pf, "(?:Thông tư|Quyết định)", 0, &need, &n), 0);
    assert_int_equal(n, 2);
    free(need);
    /* nothing every match holds: no set (the rule always runs) */
    assert_int_equal(lw_prefilter_add(pf, "\\d+/\\d{4}", 1, &need, &n), 0);
    assert_int_equal(n, 0);
    assert_null(need);
    assert_int_equal(lw_prefilter_build(pf), 0);
    size_t count = lw_prefilter_count(pf);
    assert_int_equal(count, 3);
    const char *text = "QUYẾT ĐỊNH 12 ... quyết định 13";
    size_t *last = lw_prefilter_scan(pf, text, strlen(text));
    assert_non_null(last);
    size_t at = (size_t)(strstr(text, "quyết") - text);
    int found = 0;
    for (size_t i = 0; i < count; i++) {
        /* only last occurrences, found through the fold from capitals too */
        assert_true(last[i] == SIZE_MAX || last[i] >= at);
        found += last[i] == at; /* "quyết định" */
    }
    assert_int_equal(found, 1);
    free(last);
    lw_prefilter_free(pf);
    lw_prefilter_free(NULL);
}

static int never(void *ud, const lw_rule *rule, const PCRE2_SIZE *ovec, uint32_t npairs)
{
    (void)ud;
    (void)rule;
    (void)ovec;
    (void)npairs;
    fail_msg("no match may be delivered without a matcher");
    return 1;
}

static void null_matcher(void **state)
{
    (void)state;
    const lw_rule *r = lw_ruleset_rule(lw_engine_rules(engine), 0);
    assert_non_null(r);
    lw_error err;
    lw_error_clear(&err);
    const char *text = "Nghị định số 59/2012/NĐ-CP";
    assert_int_equal(lw_rule_match_all(NULL, r, text, strlen(text), never, NULL, &err), LW_ERR_NOMEM);
    assert_non_null(strstr(err.msg, "out of memory"));
    assert_int_equal(lw_rule_not_after_hits(NULL, r, text, 0, strlen(text)), 0);
    lw_matcher_set_scan(NULL, NULL, NULL, 0);
    lw_matcher_free(NULL);
    /* an extraction without a matcher fails: never a document stored without its facts */
    lw_extraction *x = (lw_extraction *)1;
    assert_int_equal(lw_extract(lw_engine_rules(engine), lw_engine_lexicon(engine), NULL, text, strlen(text), NULL, &x,
                                &err),
                     LW_ERR_NOMEM);
    assert_null(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scan_agrees),
        cmocka_unit_test(prefilter_literals),
        cmocka_unit_test(window_bounds),
        cmocka_unit_test(window_occurrences),
        cmocka_unit_test(null_matcher),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
