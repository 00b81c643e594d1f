/* fuzz_rules_loader: arbitrary bytes as one rule file (lw_ruleset_load_files: libyaml, macro
 * expansion, PCRE2 compilation with JIT, examples). A refused file must say why, naming the
 * file; a loaded one is matched, rule by rule, against its own examples and counter-examples
 * under the matcher's limits (as `lawwatch rules test` does), and its groups are listed. */
#include "fuzz_common.h"

#include "lw_match.h"

static int on_match(void *ud, const lw_rule *rule, const PCRE2_SIZE *ovec, uint32_t npairs)
{
    size_t *n = ud;
    FUZZ_CHECK(npairs >= 1 && ovec[0] <= ovec[1]);
    (void)lw_rule_group(rule, ovec, npairs, "number");
    return ++*n > 1000;
}

static void on_group(void *ud, const char *name, int num)
{
    FUZZ_CHECK(name != NULL && num > 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    const char *path = fuzz_write_temp(data, size, ".yaml");
    if (!path)
        return 0;
    lw_ruleset *rs = NULL;
    lw_error err;
    lw_error_clear(&err);
    if (lw_ruleset_load_files(&path, 1, &rs, &err) != LW_OK) {
        FUZZ_CHECK(rs == NULL);
        FUZZ_CHECK(err.msg[0] != '\0');
        char buf[4096];
        lw_error_format(&err, buf, sizeof buf);
        if (getenv("LW_FUZZ_VERBOSE")) {
            char line[4096];
            fprintf(stderr, "refused: %s\n", lw_error_format(&err, line, sizeof line));
        }
        return 0;
    }
    FUZZ_CHECK(strlen(lw_ruleset_version(rs)) > 0);
    lw_matcher *m = lw_matcher_create(rs);
    FUZZ_CHECK(m != NULL);
    for (size_t i = 0; i < lw_ruleset_count(rs); i++) {
        const lw_rule *r = lw_ruleset_rule(rs, i);
        FUZZ_CHECK(r && r->id && r->kind && r->code);
        FUZZ_CHECK(lw_ruleset_find(rs, r->id) != NULL);
        lw_rule_each_group(r, on_group, NULL);
        for (int pass = 0; pass < 2; pass++) {
            const lw_example *ex = pass ? r->counter : r->examples;
            size_t nex = pass ? r->n_counter : r->n_examples;
            for (size_t k = 0; k < nex; k++) {
                size_t n = 0, len = strlen(ex[k].text);
                lw_error merr;
                lw_error_clear(&merr);
                (void)lw_rule_match_all(m, r, ex[k].text, len, on_match, &n, &merr);
                (void)lw_rule_not_after_hits(m, r, ex[k].text, 0, len);
            }
        }
    }
    lw_matcher_free(m);
    lw_ruleset_free(rs);
    return 0;
}
