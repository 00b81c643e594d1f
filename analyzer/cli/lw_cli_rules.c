/* lw_cli_rules: "lawwatch rules test": runs every rule's own examples (must match, with
 * the fields expected) and counter-examples (must not match), and says which fail; the
 * library runs them (lawwatch_rules_test). */
#include <stdlib.h>
#include <string.h>

#include "lw_cli_common.h"
#include "lw_cli_verbs.h"

static const char rules_usage[] =
    "Usage: lawwatch rules test [--rules DIR] [--verbose] [RULE-ID...]\n"
    "Runs every rule's examples: each example must give a fact from that rule carrying the\n"
    "expected fields; each counter-example must give none. Prints the failures with the\n"
    "rule file and line; exit status 1 when any fails.\n";

int lw_cli_rules(int argc, char **argv)
{
    lw_cli_common co;
    lw_cli_common_init(&co);
    int verbose = 0, test = 0;
    const char **only = calloc((size_t)argc + 1, sizeof *only);
    if (!only) {
        lw_cli_say("rules", "NOMEM");
        return LW_EXIT_FATAL;
    }
    size_t nonly = 0;
    static const struct option longopts[] = {LW_CLI_OPT_HELP, LW_CLI_OPT_RULES,
                                             {"verbose", no_argument, NULL, 'v'}, LW_CLI_OPT_END};
    lw_cli_parser p;
    lw_cli_parse_init(&p, "rules", rules_usage, "hv", longopts, 0, argc, argv);
    for (int c; (c = lw_cli_next_own(&p, &co)) != LW_CLI_DONE;) {
        switch (c) {
        case 'v':
            verbose = 1;
            break;
        case LW_CLI_OPERAND:
            if (!strcmp(p.arg, "-")) { /* no rule id starts with '-': a stray option */
                lw_cli_say("rules", "CLI_UNKNOWN_OPTION", p.arg);
                fputs(rules_usage, stderr);
                free(only);
                return LW_EXIT_FATAL;
            }
            if (!strcmp(p.arg, "test") && !test)
                test = 1;
            else
                only[nonly++] = p.arg;
            break;
        default: /* help, or an unknown option */
            free(only);
            return c == LW_CLI_HELP ? LW_EXIT_OK : LW_EXIT_FATAL;
        }
    }
    if (!test) {
        fputs(rules_usage, stderr);
        free(only);
        return LW_EXIT_FATAL;
    }
    lawwatch_engine *eng = lw_cli_engine(co.rules);
    if (!eng) {
        free(only);
        return LW_EXIT_FATAL;
    }
    size_t failed = 0;
    lawwatch_error err;
    int rc = LW_EXIT_OK;
    if (lawwatch_rules_test(eng, only, nonly, verbose, stdout, &failed, &err)) {
        fprintf(stderr, "lawwatch rules test: %s\n", err.msg);
        rc = LW_EXIT_FATAL;
    } else if (failed) {
        rc = LW_EXIT_FINDINGS;
    }
    lawwatch_engine_free(eng);
    free(only);
    return rc;
}
