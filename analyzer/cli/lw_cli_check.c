/* lw_cli_check: the check verb: options parsed here; the library checks the ingested
 * documents and writes the findings as a table for a reviewer or as the design's JSON array
 * (lawwatch_check_write). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lw_cli_common.h"
#include "lw_cli_verbs.h"

/* The years a --year may name: lawwatch reads documents of the modern state. */
#define YEAR_MIN 1900
#define YEAR_MAX 2200

static const char check_usage[] =
    "Usage: lawwatch check [--db PATH] [--rules DIR] [--registry FILE]... [--unit TEXT] [--year Y]\n"
    "                      [--code CODE]... [--unknown] [--format table|json]\n"
    "Checks the ingested documents: citations against the registry of known legal documents\n"
    "(rules/registry.yaml; each --registry FILE is read after it and overrides its entries),\n"
    "units' plans against their province's plan, and every duty on its own.\n"
    "  --unit TEXT   only documents whose issuer contains TEXT (diacritics and case ignored); a\n"
    "                TEXT that matches no issuer is an error (exit 2) listing the nearest names\n"
    "  --year Y      only documents of year Y\n"
    "  --code CODE   only findings of CODE: a code below, or a prefix ending in '.' such as\n"
    "                citation. (repeat it or give a comma list: --code duty.missing,citation.);\n"
    "                a CODE that names no code is an error (exit 2)\n"
    "  --unknown     list every citation not in the registry with its line (the table shows one\n"
    "                line per document: how many, the first few, those probably damaged by OCR)\n"
    "Codes: citation.wrong_date, citation.symbol_mismatch, citation.superseded,\n"
    "citation.missing_amendment (errors), citation.unknown (info), deadline.conflict,\n"
    "duty.missing (errors), deadline.missing, unit.abolished, rules.stale (warnings).\n"
    "rules.stale: facts were extracted by other (older) rules than --rules; said first (and on\n"
    "standard error) with the command that re-extracts them (lawwatch ingest --reextract).\n"
    "Findings are grouped under each document as reviewers name it (kind, number, date, issuer),\n"
    "its subject, then its path.\n"
    "json: an array of {\"code\",\"severity\",\"path\",\"id\",\"label\",\"subject\",\"line\",\"message\",\n"
    "\"evidence\"} (every unknown citation included; evidence.ocr_suspect true where the id looks\n"
    "damaged by OCR).\n"
    "Exit status: 1 when any finding is an error, 0 otherwise, 2 on a usage or database error.\n";

/* Adds the codes of one --code value (a comma list) to *codes (owned, each code too:
 * free_codes), *n of them. 0; 1 when the value names no code (empty), said; -1 when out of
 * memory. */
static int add_codes(const char *value, char ***codes, size_t *n)
{
    size_t before = *n;
    for (const char *p = value; *p;) {
        size_t len = strcspn(p, ",");
        if (len) {
            char **more = realloc(*codes, (*n + 1) * sizeof **codes);
            if (!more)
                return -1;
            *codes = more;
            if (!((*codes)[*n] = strndup(p, len)))
                return -1;
            (*n)++;
        }
        p += len + (p[len] == ',');
    }
    if (*n > before)
        return 0;
    lw_cli_say("check", "API_CHECK_CODE", value);
    return 1;
}

static void free_codes(char **codes, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(codes[i]);
    free(codes);
}

int lw_cli_check(int argc, char **argv)
{
    lw_cli_common co;
    lw_cli_common_init(&co);
    const char *format = "table";
    lawwatch_check_options opt = {0};
    const char **regs = calloc((size_t)argc + 1, sizeof *regs);
    size_t nregs = 0;
    char **codes = NULL; /* of every --code, comma lists cut */
    size_t ncodes = 0;
    int rc = LW_EXIT_FATAL;
    if (!regs) {
        lw_cli_say("check", "NOMEM");
        return LW_EXIT_FATAL;
    }
    static const struct option longopts[] = {LW_CLI_OPT_HELP, LW_CLI_OPT_DB, LW_CLI_OPT_RULES,
                                             {"registry", required_argument, NULL, 'R'},
                                             {"unknown", no_argument, NULL, 'k'},
                                             {"unit", required_argument, NULL, 'u'},
                                             {"year", required_argument, NULL, 'y'},
                                             {"code", required_argument, NULL, 'c'},
                                             {"format", required_argument, NULL, 'f'}, LW_CLI_OPT_END};
    lw_cli_parser p;
    lw_cli_parse_init(&p, "check", check_usage, "h", longopts, LW_CLI_NO_OPERANDS, argc, argv);
    for (int c; (c = lw_cli_next_own(&p, &co)) != LW_CLI_DONE;) {
        int bad = 0;
        switch (c) {
        case 'R':
            regs[nregs++] = p.arg;
            break;
        case 'k':
            opt.list_unknown = 1;
            break;
        case 'c': {
            int r = add_codes(p.arg, &codes, &ncodes);
            if (r < 0)
                lw_cli_say("check", "NOMEM");
            bad = r != 0;
            break;
        }
        case 'u':
            opt.unit = p.arg;
            break;
        case 'y': {
            char *end;
            long y = strtol(p.arg, &end, 10);
            if (*end || y < YEAR_MIN || y > YEAR_MAX) {
                lw_cli_say("check", "CLI_YEAR", p.arg);
                bad = 1;
            }
            opt.year = (int)y;
            break;
        }
        case 'f':
            format = p.arg;
            if (strcmp(format, "table") && strcmp(format, "json")) {
                lw_cli_say("check", "CLI_FORMAT_TABLE", format);
                bad = 1;
            }
            break;
        default: /* help, or an unknown argument */
            bad = c == LW_CLI_HELP ? -1 : 1;
        }
        if (bad) {
            free(regs);
            free_codes(codes, ncodes);
            return bad < 0 ? LW_EXIT_OK : LW_EXIT_FATAL;
        }
    }
    opt.registries = regs;
    opt.n_registries = nregs;
    opt.codes = (const char *const *)codes;
    opt.n_codes = ncodes;
    lawwatch_engine *eng = lw_cli_engine(co.rules);
    lawwatch_db *db = eng ? lw_cli_db(co.db, LAWWATCH_DB_READONLY) : NULL;
    if (db) {
        char cwd[LW_CLI_PATH_MAX];
        int json = !strcmp(format, "json");
        lawwatch_view v = {json ? LAWWATCH_FORMAT_JSON : LAWWATCH_FORMAT_TEXT, !json && lw_cli_color(stdout),
                           lw_cli_cwd(cwd, sizeof cwd)};
        size_t n_errors = 0;
        lawwatch_error err;
        long long stale = 0; /* facts of older rules: said on stderr too (the log, the journal) */
        if (lawwatch_db_stale_count(db, eng, &stale, &err) == LAWWATCH_OK && stale > 0)
            lw_cli_note(LW_CLI_WARNING, "check", "CLI_STALE_RULES", stale, lawwatch_db_name(db));
        if (lawwatch_check_write(db, eng, &opt, &v, stdout, &n_errors, &err))
            lw_cli_error(&err);
        else
            rc = n_errors ? LW_EXIT_FINDINGS : LW_EXIT_OK;
    }
    lawwatch_db_close(db);
    lawwatch_engine_free(eng);
    free(regs);
    free_codes(codes, ncodes);
    return rc;
}
