/* lw_cli_check: the check verb: findings over the ingested documents, as a table for a
 * reviewer or as the design's JSON array. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lw_check.h"
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

static const char *sev_vi(const char *s)
{
    if (!strcmp(s, "error"))
        return "LỖI";
    if (!strcmp(s, "warning"))
        return "CẢNH BÁO";
    return "THÔNG TIN";
}

/* Prints s, cut at a word (or at least a character) before max bytes, with "…" when cut:
 * an OCR'd subject can run over a whole paragraph. */
static void print_cut(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max) {
        fputs(s, stdout);
        return;
    }
    size_t k = max;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    size_t w = k;
    while (w > max / 2 && s[w] != ' ')
        w--;
    if (w > max / 2)
        k = w;
    printf("%.*s…", (int)k, s);
}

/* How many unknown ids the summary line of a document names before "...". */
#define SUMMARY_IDS 5

/* The unknown citations of one document (findings [from, to)): a summary line, or with
 * all set one line each; the ids that look damaged by OCR are counted and marked apart. */
static void print_unknown(json_t *findings, size_t from, size_t to, int all, int color)
{
    size_t n = 0, n_ocr = 0, shown = 0, i;
    for (i = from; i < to; i++) {
        json_t *f = json_array_get(findings, i);
        if (strcmp(json_string_value(json_object_get(f, "code")), "citation.unknown"))
            continue;
        n++;
        n_ocr += json_is_true(json_object_get(json_object_get(f, "evidence"), "ocr_suspect"));
    }
    if (!n)
        return;
    printf("  %s%-15s%s citation.unknown\n             %zu văn bản được viện dẫn chưa có trong danh mục "
           "(rules/registry.yaml)", color ? "\033[36m" : "", sev_vi("info"), color ? "\033[0m" : "", n);
    if (n_ocr)
        printf(", trong đó %zu có số hiệu có thể do lỗi nhận dạng (OCR)", n_ocr);
    printf(all ? ":\n" : ": ");
    /* the readable ids first: they are the ones worth adding to the registry */
    for (int pass = 0; pass < 2; pass++)
        for (i = from; i < to; i++) {
            json_t *f = json_array_get(findings, i);
            if (strcmp(json_string_value(json_object_get(f, "code")), "citation.unknown"))
                continue;
            json_t *ev = json_object_get(f, "evidence");
            int ocr = json_is_true(json_object_get(ev, "ocr_suspect"));
            if (ocr != pass)
                continue;
            const char *id = json_string_value(json_object_get(ev, "id"));
            int line = (int)json_integer_value(json_object_get(f, "line"));
            if (all) {
                printf("             dòng %-5d %s", line, id);
                if (ocr)
                    printf("  (có thể do lỗi nhận dạng (OCR): %s)",
                           json_string_value(json_object_get(ev, "ocr_reason")));
                printf("\n");
            } else if (shown < SUMMARY_IDS) {
                printf("%s%s (dòng %d%s)", shown ? ", " : "", id, line, ocr ? ", có thể lỗi OCR" : "");
                shown++;
            }
        }
    if (!all)
        printf("%s\n             (--unknown liệt kê từng văn bản)\n", n > shown ? ", …" : "");
}

/* One document's findings, [i, j) of findings. */
static void print_doc(json_t *findings, size_t i, size_t j, int all_unknown, int color, const char *cwd)
{
    json_t *f0 = json_array_get(findings, i);
    const char *path = json_string_value(json_object_get(f0, "path"));
    const char *label = json_string_value(json_object_get(f0, "label"));
    const char *subject = json_string_value(json_object_get(f0, "subject"));
    /* the document as reviewers know it, its subject, then where the file is */
    printf("%s%s%s\n", color ? "\033[1m" : "", label ? label : lw_path_below(path, cwd), color ? "\033[0m" : "");
    if (label && subject && *subject) {
        printf("  ");
        print_cut(subject, 200);
        printf("\n");
    }
    if (label)
        printf("  (%s)\n", lw_path_below(path, cwd));
    for (size_t k = i; k < j; k++) {
        json_t *f = json_array_get(findings, k);
        const char *sev = json_string_value(json_object_get(f, "severity"));
        const char *code = json_string_value(json_object_get(f, "code"));
        if (!strcmp(code, "citation.unknown"))
            continue;
        const char *col = !color ? "" : !strcmp(sev, "error") ? "\033[31m" : !strcmp(sev, "warning") ? "\033[33m" : "\033[36m";
        printf("  dòng %-5d %s%-9s%s %s\n", (int)json_integer_value(json_object_get(f, "line")), col, sev_vi(sev),
               color ? "\033[0m" : "", code);
        printf("             %s\n", json_string_value(json_object_get(f, "message")));
        json_t *ev = json_object_get(f, "evidence");
        const char *pp = json_string_value(json_object_get(ev, "province_path"));
        if (pp) {
            const char *pl = json_string_value(json_object_get(ev, "province_label"));
            if (pl)
                printf("             xem: %s\n", pl);
            printf("             %s%s, dòng %d%s\n", pl ? "(" : "xem: ", lw_path_below(pp, cwd),
                   (int)json_integer_value(json_object_get(ev, "province_line")), pl ? ")" : "");
        }
        /* where the fact comes from: the registry entry as reviewers name it, or the
         * ingested document that states it; the file and line after */
        const char *rl = json_string_value(json_object_get(ev, "registry_label"));
        const char *src = json_string_value(json_object_get(ev, "registry_source"));
        if (rl)
            printf("             theo danh mục: %s\n", rl);
        if (src)
            printf("             nguồn danh mục: %s\n", src);
        const char *sp = json_string_value(json_object_get(ev, "source_path"));
        if (sp) {
            const char *sl = json_string_value(json_object_get(ev, "source_label"));
            printf("             theo: %s\n             (%s, dòng %d)\n", sl ? sl : lw_path_below(sp, cwd),
                   lw_path_below(sp, cwd), (int)json_integer_value(json_object_get(ev, "source_line")));
        }
    }
    print_unknown(findings, i, j, all_unknown, color);
}

/* o[key] made relative to cwd when it lies below it */
static void relative_key(json_t *o, const char *key, const char *cwd)
{
    const char *p = json_string_value(json_object_get(o, key));
    if (p && *cwd) {
        const char *r = lw_path_below(p, cwd);
        if (r != p)
            json_object_set_new(o, key, json_string(r));
    }
}

static int is_unknown(json_t *f) { return !strcmp(json_string_value(json_object_get(f, "code")), "citation.unknown"); }

static void print_table(json_t *findings, int all_unknown, int color)
{
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd))
        cwd[0] = '\0';
    size_t nf = json_array_size(findings), n_unknown = 0, n_ocr = 0, n_docs_unknown = 0;
    /* the documents with findings first, then those with unknown citations only: a real
     * error must not sit below pages of ids to look up */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < nf;) {
            json_int_t id = json_integer_value(json_object_get(json_array_get(findings, i), "id"));
            size_t j = i, real = 0, unknown = 0;
            for (; j < nf && json_integer_value(json_object_get(json_array_get(findings, j), "id")) == id; j++) {
                json_t *f = json_array_get(findings, j);
                if (is_unknown(f)) {
                    unknown++;
                    if (!pass)
                        n_ocr += json_is_true(json_object_get(json_object_get(f, "evidence"), "ocr_suspect"));
                } else {
                    real++;
                }
            }
            if (!pass) {
                n_unknown += unknown;
                n_docs_unknown += unknown > 0;
            }
            if ((pass == 0) == (real > 0))
                print_doc(findings, i, j, all_unknown, color, cwd);
            i = j;
        }
    }
    size_t n_info = lw_check_count(findings, "info") - n_unknown;
    printf("%s%zu phát hiện: %zu lỗi, %zu cảnh báo, %zu thông tin (findings: errors, warnings, info)\n",
           nf ? "\n" : "", nf - n_unknown, lw_check_count(findings, "error"), lw_check_count(findings, "warning"),
           n_info);
    if (n_unknown)
        printf("%zu văn bản được viện dẫn chưa có trong danh mục, ở %zu văn bản (trong đó %zu có số hiệu có thể do lỗi "
               "nhận dạng (OCR)) (citations not in the registry)\n", n_unknown, n_docs_unknown, n_ocr);
}

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
            if (strcmp(format, "table") && strcmp(format, "json")) {
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
    if (!strcmp(format, "json")) {
        /* paths as the report's JSON gives them: relative below the working folder */
        char cwd[4096];
        if (!getcwd(cwd, sizeof cwd))
            cwd[0] = '\0';
        size_t k;
        json_t *f;
        json_array_foreach(findings, k, f) {
            relative_key(f, "path", cwd);
            relative_key(json_object_get(f, "evidence"), "source_path", cwd);
        }
        char *txt = json_dumps(findings, JSON_INDENT(1));
        if (txt)
            puts(txt);
        free(txt);
    } else {
        print_table(findings, all_unknown, isatty(STDOUT_FILENO));
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
