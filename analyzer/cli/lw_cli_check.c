/* lw_cli_check: the check verb: findings over the ingested documents, as a table for a
 * reviewer or as the design's JSON array. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lw_check.h"
#include "lw_check_render.h"
#include "lw_cli_common.h"
#include "lw_cli_verbs.h"
#include "lw_docset.h"

static const char check_usage[] =
    "Usage: lawwatch check [--db PATH] [--rules DIR] [--registry FILE]... [--unit TEXT] [--year Y]\n"
    "                      [--unknown] [--format table|json]\n"
    "Checks the ingested documents: citations against the registry of known legal documents\n"
    "(rules/registry.yaml; each --registry FILE is read after it and overrides its entries),\n"
    "units' plans against their province's plan, and every duty on its own.\n"
    "  --unit TEXT   only documents whose issuer contains TEXT (diacritics and case ignored); a\n"
    "                TEXT that matches no issuer is an error (exit 2) listing the nearest names\n"
    "  --year Y      only documents of year Y\n"
    "  --unknown     list every citation not in the registry with its line (the table shows one\n"
    "                line per document: how many, the first few, those probably damaged by OCR)\n"
    "Codes: citation.wrong_date, citation.symbol_mismatch, citation.superseded,\n"
    "citation.missing_amendment (errors), citation.unknown (info), deadline.conflict,\n"
    "duty.missing (errors), deadline.missing, unit.abolished (warnings).\n"
    "Findings are grouped under each document as reviewers name it (kind, number, date, issuer),\n"
    "its subject, then its path.\n"
    "json: an array of {\"code\",\"severity\",\"path\",\"id\",\"label\",\"subject\",\"line\",\"message\",\n"
    "\"evidence\"} (every unknown citation included; evidence.ocr_suspect true where the id looks\n"
    "damaged by OCR).\n"
    "Exit status: 1 when any finding is an error, 0 otherwise, 2 on a usage or database error.\n";

int lw_cli_check(int argc, char **argv)
{
    const char *db = "lawwatch.db", *rules = NULL, *format = "table";
    lw_check_options opt = {0};
    int all_unknown = 0;
    const char **regs = calloc((size_t)argc + 1, sizeof *regs);
    size_t nregs = 0;
    int rc = LW_EXIT_FATAL;
    if (!regs) {
        fprintf(stderr, "lawwatch check: out of memory\n");
        return LW_EXIT_FATAL;
    }
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                             {"db", required_argument, NULL, 'd'},
                                             {"rules", required_argument, NULL, 'r'},
                                             {"registry", required_argument, NULL, 'R'},
                                             {"unknown", no_argument, NULL, 'k'},
                                             {"unit", required_argument, NULL, 'u'},
                                             {"year", required_argument, NULL, 'y'},
                                             {"format", required_argument, NULL, 'f'},
                                             {NULL, 0, NULL, 0}};
    lw_cli_parser p;
    lw_cli_parse_init(&p, "check", check_usage, "h", longopts, LW_CLI_NO_OPERANDS, argc, argv);
    for (int c; (c = lw_cli_next(&p)) != LW_CLI_DONE;) {
        int bad = 0;
        switch (c) {
        case 'd':
            db = p.arg;
            break;
        case 'r':
            rules = p.arg;
            break;
        case 'R':
            regs[nregs++] = p.arg;
            break;
        case 'k':
            all_unknown = 1;
            break;
        case 'u':
            opt.unit = p.arg;
            break;
        case 'y': {
            char *end;
            long y = strtol(p.arg, &end, 10);
            if (*end || y < 1900 || y > 2200) {
                fprintf(stderr, "lawwatch check: --year needs a year such as 2025, not '%s'\n", p.arg);
                bad = 1;
            }
            opt.year = (int)y;
            break;
        }
        case 'f':
            format = p.arg;
            if (lw_check_format_parse(format) < 0) {
                fprintf(stderr, "lawwatch check: --format is table or json, not '%s'\n", format);
                bad = 1;
            }
            break;
        default: /* help, or an unknown argument */
            free(regs);
            return c == LW_CLI_HELP ? LW_EXIT_OK : LW_EXIT_FATAL;
        }
        if (bad) {
            free(regs);
            return LW_EXIT_FATAL;
        }
    }
    lw_engine *eng = lw_cli_engine(rules);
    lw_registry *reg = NULL;
    lw_store *s = NULL;
    json_t *findings = NULL;
    lw_error err;
    lw_error_clear(&err);
    if (!eng)
        goto done;
    if (lw_registry_load_dir(lw_cli_rules_dir(rules), &reg, &err)) {
        lw_cli_error(&err);
        goto done;
    }
    for (size_t k = 0; k < nregs; k++)
        if (lw_registry_add_file(reg, regs[k], &err)) {
            lw_cli_error(&err);
            goto done;
        }
    /* a --unit that names no issuer would print a false all-clear: an error naming the nearest */
    if (lw_store_open(db, LW_STORE_READONLY, &s, &err) || lw_docset_check_unit(s, opt.unit, LW_DS_UNITS_ISSUERS, &err) ||
        lw_check_run(s, eng, reg, &opt, &findings, &err)) {
        lw_cli_error(&err);
        goto done;
    }
    lw_check_render_options ro = {.all_unknown = all_unknown, .color = isatty(STDOUT_FILENO)};
    if (lw_check_render(findings, (lw_check_format)lw_check_format_parse(format), &ro, stdout, &err)) {
        lw_cli_error(&err);
        goto done;
    }
    rc = lw_check_count(findings, "error") ? LW_EXIT_FINDINGS : LW_EXIT_OK;
done:
    json_decref(findings);
    lw_store_close(s);
    lw_registry_free(reg);
    lw_engine_free(eng);
    free(regs);
    return rc;
}
