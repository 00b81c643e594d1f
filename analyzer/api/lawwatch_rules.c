/* lawwatch_rules.c: the public test of the rules' own examples (lawwatch_rules_test): each
 * rule's examples must match with the fields expected, its counter-examples must not. */
#include "lawwatch_impl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lw_norm.h"
#include "lw_rules.h"
#include "lw_text.h"

/* The date of an example's document when its context gives none: deadlines without a year
 * take it from there (the rules' examples are written for it). */
#define LW_API_EXAMPLE_DATE "2025-01-15"
/* What a failing example says of why: a field's expected and found JSON, or an error message
 * (an lw_error's, 1024 bytes) after a few words. */
#define LW_API_WHY_MAX 1100

/* Facts are checked for fact kinds; for header.*, context.*, duty.* and alias rules, which give
 * no fact of their own, the expected fields are the named groups' texts. */
static int raw_kind(const lw_rule *r)
{
    return !strncmp(r->kind, "header.", 7) || !strncmp(r->kind, "context.", 8) || !strcmp(r->kind, "alias") ||
           !strncmp(r->kind, "duty.", 5);
}

typedef struct {
    const char *text;
    json_t *groups; /* of the first match */
    int n;
    int nomem; /* memory ran out while keeping the groups */
} raw_result;

typedef struct {
    raw_result *r;
    const lw_rule *rule;
    const PCRE2_SIZE *ov;
    uint32_t np;
} group_ctx;

static void add_group(void *ud, const char *name, int num)
{
    (void)num;
    group_ctx *g = ud;
    lw_span s = lw_rule_group(g->rule, g->ov, g->np, name);
    if (s.start != SIZE_MAX) {
        char *t = lw_text_clean(g->r->text + s.start, s.end - s.start);
        if (!t || json_object_set_new(g->r->groups, name, json_string(t)))
            g->r->nomem = 1;
        free(t);
    }
}

static int raw_cb(void *ud, const lw_rule *rule, const PCRE2_SIZE *ov, uint32_t np)
{
    raw_result *r = ud;
    if (r->n++ == 0) {
        if (!(r->groups = json_object())) {
            r->nomem = 1;
            return 1;
        }
        group_ctx g = {r, rule, ov, np};
        lw_rule_each_group(rule, add_group, &g);
    }
    return r->nomem;
}

static int values_equal(json_t *want, json_t *got)
{
    if (json_is_string(want) && json_is_string(got))
        return !strcmp(json_string_value(want), json_string_value(got));
    if (json_is_object(want) && json_is_object(got)) {
        const char *k;
        json_t *v;
        json_object_foreach(want, k, v) if (!values_equal(v, json_object_get(got, k))) return 0;
        return 1;
    }
    return json_equal(want, got);
}

/* 1 when fields hold every expected field; 0 (why says which differs), -1 when memory ran
 * out. */
static int fact_fits(const json_t *expect, json_t *fields, char *why, size_t whysz)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)expect, k, v) {
        json_t *g = json_object_get(fields, k);
        if (!g || !values_equal(v, g)) {
            char *ws = lw_json_dumps(v, JSON_ENCODE_ANY), *gs = g ? lw_json_dumps(g, JSON_ENCODE_ANY) : strdup("(none)");
            int ok = ws && gs;
            if (ok)
                snprintf(why, whysz, "%s: expected %s, got %s", k, ws, gs);
            free(ws);
            free(gs);
            return ok ? 0 : -1;
        }
    }
    return 1;
}

/* Runs one example; returns 1 when it behaves as it should, 0 when not (why says why), -1
 * when memory ran out. */
static int run_example(const lw_engine *eng, lw_matcher *m, const lw_rule *rule, const lw_example *ex, int counter,
                       char *why, size_t whysz)
{
    lw_normalized *nt = NULL;
    lw_error err;
    lw_error_clear(&err);
    if (lw_normalize(ex->text, strlen(ex->text), NULL, &nt, &err)) {
        snprintf(why, whysz, "cannot normalize the example: %s", err.msg);
        return err.code == LW_ERR_NOMEM ? -1 : 0;
    }
    int ok = 0;
    if (raw_kind(rule)) {
        raw_result r = {.text = nt->text};
        lw_status st = lw_rule_match_all(m, rule, nt->text, nt->len, raw_cb, &r, &err);
        if (r.nomem || st == LW_ERR_NOMEM) {
            ok = -1;
        } else if (counter) {
            ok = r.n == 0;
            if (!ok)
                snprintf(why, whysz, "matched, but must not");
        } else if (r.n == 0) {
            snprintf(why, whysz, "no match");
        } else {
            ok = fact_fits(ex->expect, r.groups, why, whysz);
        }
        json_decref(r.groups);
        lw_normalized_free(nt);
        return ok;
    }
    lw_extract_options o = {0};
    o.only_rule = rule->id;
    json_t *d = ex->context ? json_object_get(ex->context, "date") : NULL;
    o.doc_date = json_is_string(d) ? json_string_value(d) : LW_API_EXAMPLE_DATE;
    lw_extraction *x = NULL;
    if (lw_extract(lw_engine_rules(eng), lw_engine_lexicon(eng), m, nt->text, nt->len, &o, &x, &err)) {
        snprintf(why, whysz, "extraction failed: %s", err.msg);
        lw_normalized_free(nt);
        return err.code == LW_ERR_NOMEM ? -1 : 0;
    }
    int found = 0;
    char last[LW_API_WHY_MAX] = "no fact from this rule";
    for (size_t i = 0; i < x->n && !ok; i++) {
        if (x->facts[i].rule != rule)
            continue;
        found++;
        if (!counter) { /* the fact's fields as the rule file states them: its JSON */
            json_t *fields = lw_fact_fields_json(&x->facts[i], NULL);
            ok = fields ? fact_fits(ex->expect, fields, last, sizeof last) : -1;
            json_decref(fields);
        }
    }
    if (counter) {
        ok = found == 0;
        if (!ok)
            snprintf(why, whysz, "gave a fact, but must not");
    } else if (!ok) {
        snprintf(why, whysz, "%s", last);
    }
    lw_extraction_free(x);
    lw_normalized_free(nt);
    return ok;
}

lawwatch_status lawwatch_rules_test(const lawwatch_engine *eng, const char *const *only, size_t n_only, int verbose,
                                    FILE *out, size_t *failed, lawwatch_error *err)
{
    if (failed)
        *failed = 0;
    const lw_ruleset *rs = lw_engine_rules(eng->eng);
    /* a fact's field lost on the way (lw_oom) would make a false FAIL: the test fails instead */
    unsigned long oom = lw_oom_mark();
    lw_matcher *m = lw_matcher_create(rs);
    if (!m)
        return LAWWATCH_NOMEM(err);
    int pass = 0, fail = 0, nrules = 0;
    for (size_t i = 0; i < lw_ruleset_count(rs); i++) {
        const lw_rule *r = lw_ruleset_rule(rs, i);
        if (n_only) {
            int want = 0;
            for (size_t k = 0; k < n_only; k++)
                want |= !strcmp(only[k], r->id);
            if (!want)
                continue;
        }
        nrules++;
        for (int counter = 0; counter < 2; counter++) {
            size_t n = counter ? r->n_counter : r->n_examples;
            const lw_example *exs = counter ? r->counter : r->examples;
            for (size_t k = 0; k < n; k++) {
                char why[LW_API_WHY_MAX] = "";
                int ok = run_example(eng->eng, m, r, &exs[k], counter, why, sizeof why);
                if (ok < 0) {
                    lw_matcher_free(m);
                    return LAWWATCH_NOMEM(err);
                }
                if (ok) {
                    pass++;
                    if (verbose)
                        fprintf(out, "ok   %s: %s\n", r->id, exs[k].text);
                } else {
                    fail++;
                    fprintf(out, "FAIL %s:%d: rule %s, %s \"%s\": %s\n", r->file, exs[k].line ? exs[k].line : r->line,
                            r->id, counter ? "counter-example" : "example", exs[k].text, why);
                }
            }
        }
    }
    fprintf(out, "rules test: %d rules, %d passed, %d failed\n", nrules, pass, fail);
    lw_matcher_free(m);
    if (lw_oom_since(oom))
        return LAWWATCH_NOMEM(err);
    if (failed)
        *failed = (size_t)fail;
    return LAWWATCH_OK;
}
