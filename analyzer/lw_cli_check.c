/* lw_cli_check: the check verb: findings over the ingested documents, as a table for a
 * reviewer or as the design's JSON array. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lw_check.h"
#include "lw_cli.h"
#include "lw_docset.h"

static const char check_usage[] =
    "Usage: lawwatch check [--db PATH] [--rules DIR] [--registry FILE]... [--unit TEXT] [--year Y]\n"
    "                      [--format table|json]\n"
    "Checks the ingested documents: citations against the registry of known legal documents\n"
    "(rules/registry.yaml; each --registry FILE is read after it and overrides its entries),\n"
    "units' plans against their province's plan, and every duty on its own.\n"
    "  --unit TEXT   only documents whose issuer contains TEXT (diacritics and case ignored); a\n"
    "                TEXT that matches no issuer is an error (exit 2) listing the nearest names\n"
    "  --year Y      only documents of year Y\n"
    "Codes: citation.wrong_date, citation.symbol_mismatch, citation.superseded,\n"
    "citation.missing_amendment (errors), citation.unknown (info), deadline.conflict,\n"
    "duty.missing (errors), deadline.missing, unit.abolished (warnings).\n"
    "json: an array of {\"code\",\"severity\",\"path\",\"line\",\"message\",\"evidence\"}.\n"
    "Exit status: 1 when any finding is an error, 0 otherwise, 2 on a usage or database error.\n";

static const char *sev_vi(const char *s)
{
    if (!strcmp(s, "error"))
        return "LỖI";
    if (!strcmp(s, "warning"))
        return "CẢNH BÁO";
    return "THÔNG TIN";
}

static void print_table(json_t *findings, int color)
{
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd))
        cwd[0] = '\0';
    const char *last = NULL;
    size_t i;
    json_t *f;
    json_array_foreach(findings, i, f) {
        const char *path = json_string_value(json_object_get(f, "path"));
        const char *sev = json_string_value(json_object_get(f, "severity"));
        const char *code = json_string_value(json_object_get(f, "code"));
        if (!last || strcmp(last, path)) {
            printf("%s%s%s\n", color ? "\033[1m" : "", lw_path_below(path, cwd), color ? "\033[0m" : "");
            /* unknown ids are many and alike: one line per document */
            lw_buf ids = {0};
            size_t n = 0, j;
            json_t *g;
            json_array_foreach(findings, j, g) {
                if (strcmp(json_string_value(json_object_get(g, "path")), path) ||
                    strcmp(json_string_value(json_object_get(g, "code")), "citation.unknown"))
                    continue;
                lw_buf_printf(&ids, "%s%s (dòng %d)", n++ ? ", " : "",
                              json_string_value(json_object_get(json_object_get(g, "evidence"), "id")),
                              (int)json_integer_value(json_object_get(g, "line")));
            }
            if (n)
                printf("  %s%-15s%s citation.unknown\n             %zu văn bản được viện dẫn chưa có trong danh mục "
                       "(rules/registry.yaml): %s\n", color ? "\033[36m" : "", sev_vi("info"), color ? "\033[0m" : "",
                       n, ids.data);
            lw_buf_free(&ids);
        }
        last = path;
        if (!strcmp(code, "citation.unknown"))
            continue;
        const char *col = !color ? "" : !strcmp(sev, "error") ? "\033[31m" : !strcmp(sev, "warning") ? "\033[33m" : "\033[36m";
        printf("  dòng %-5d %s%-9s%s %s\n", (int)json_integer_value(json_object_get(f, "line")), col, sev_vi(sev),
               color ? "\033[0m" : "", code);
        printf("             %s\n", json_string_value(json_object_get(f, "message")));
        json_t *ev = json_object_get(f, "evidence");
        const char *pp = json_string_value(json_object_get(ev, "province_path"));
        if (pp)
            printf("             xem: %s, dòng %d\n", lw_path_below(pp, cwd),
                   (int)json_integer_value(json_object_get(ev, "province_line")));
        const char *src = json_string_value(json_object_get(ev, "registry_source"));
        if (src)
            printf("             nguồn danh mục: %s\n", src);
    }
    printf("%s%zu phát hiện: %zu lỗi, %zu cảnh báo, %zu thông tin (findings: errors, warnings, info)\n",
           json_array_size(findings) ? "\n" : "", json_array_size(findings), lw_check_count(findings, "error"),
           lw_check_count(findings, "warning"), lw_check_count(findings, "info"));
}

int lw_cli_check(int argc, char **argv)
{
    const char *db = "lawwatch.db", *rules = NULL, *format = "table";
    lw_check_options opt = {0};
    const char **regs = calloc((size_t)argc + 1, sizeof *regs);
    size_t nregs = 0;
    int rc = LW_EXIT_FATAL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (lw_cli_is_help(a)) {
            fputs(check_usage, stdout);
            free(regs);
            return LW_EXIT_OK;
        } else if (!strcmp(a, "--db") && more) {
            db = argv[++i];
        } else if (!strcmp(a, "--rules") && more) {
            rules = argv[++i];
        } else if (!strcmp(a, "--registry") && more) {
            regs[nregs++] = argv[++i];
        } else if (!strcmp(a, "--unit") && more) {
            opt.unit = argv[++i];
        } else if (!strcmp(a, "--year") && more) {
            char *end;
            long y = strtol(argv[++i], &end, 10);
            if (*end || y < 1900 || y > 2200) {
                fprintf(stderr, "lawwatch check: --year needs a year such as 2025, not '%s'\n", argv[i]);
                free(regs);
                return LW_EXIT_FATAL;
            }
            opt.year = (int)y;
        } else if (!strcmp(a, "--format") && more) {
            format = argv[++i];
            if (strcmp(format, "table") && strcmp(format, "json")) {
                fprintf(stderr, "lawwatch check: --format is table or json, not '%s'\n", format);
                free(regs);
                return LW_EXIT_FATAL;
            }
        } else {
            fprintf(stderr, "lawwatch check: unknown argument '%s'\n%s", a, check_usage);
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
    if (!strcmp(format, "json")) {
        char *txt = json_dumps(findings, JSON_INDENT(1));
        if (txt)
            puts(txt);
        free(txt);
    } else {
        print_table(findings, isatty(STDOUT_FILENO));
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
