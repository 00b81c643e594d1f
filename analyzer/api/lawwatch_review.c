/* lawwatch_review.c: the public check and deadline report (include/lawwatch.h): findings as
 * JSON text (lawwatch_check) or written as the lawwatch command shows them
 * (lawwatch_check_write: a table grouped by document, or the JSON array), and the report
 * built, counted and written in a format to a stream, a string or a file. */
#include "lawwatch_impl.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lw_check.h"
#include "lw_docset.h"
#include "lw_registry.h"
#include "lw_resolve.h"

/* A document's subject in the check table is cut near this many bytes. */
#define LW_API_CHECK_SUBJECT_MAX 200
/* Room for ".tmpPID" after a path. */
#define LW_API_TMP_SUFFIX_MAX 24
/* How many unknown ids the summary line of a document names before "...". */
#define LW_API_SUMMARY_IDS 5

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
static void print_cut(FILE *out, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max) {
        fputs(s, out);
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
    fprintf(out, "%.*s…", (int)k, s);
}

/* The unknown citations of one document (findings [from, to)): a summary line, or with
 * all set one line each; the ids that look damaged by OCR are counted and marked apart. */
static void print_unknown(FILE *out, json_t *findings, size_t from, size_t to, int all, int color)
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
    fprintf(out, "  %s%-15s%s citation.unknown\n             %zu văn bản được viện dẫn chưa có trong danh mục "
           "(rules/registry.yaml)", color ? "\033[36m" : "", sev_vi("info"), color ? "\033[0m" : "", n);
    if (n_ocr)
        fprintf(out, ", trong đó %zu có số hiệu có thể do lỗi nhận dạng (OCR)", n_ocr);
    fprintf(out, all ? ":\n" : ": ");
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
                fprintf(out, "             dòng %-5d %s", line, id);
                if (ocr)
                    fprintf(out, "  (có thể do lỗi nhận dạng (OCR): %s)",
                           json_string_value(json_object_get(ev, "ocr_reason")));
                fprintf(out, "\n");
            } else if (shown < LW_API_SUMMARY_IDS) {
                fprintf(out, "%s%s (dòng %d%s)", shown ? ", " : "", id, line, ocr ? ", có thể lỗi OCR" : "");
                shown++;
            }
        }
    if (!all)
        fprintf(out, "%s\n             (--unknown liệt kê từng văn bản)\n", n > shown ? ", …" : "");
}

/* One document's findings, [i, j) of findings. */
static void print_doc(FILE *out, json_t *findings, size_t i, size_t j, int all_unknown, int color, const char *cwd)
{
    json_t *f0 = json_array_get(findings, i);
    const char *path = json_string_value(json_object_get(f0, "path"));
    const char *label = json_string_value(json_object_get(f0, "label"));
    const char *subject = json_string_value(json_object_get(f0, "subject"));
    /* the document as reviewers know it, its subject, then where the file is */
    fprintf(out, "%s%s%s\n", color ? "\033[1m" : "", label ? label : lw_path_below(path, cwd), color ? "\033[0m" : "");
    if (label && subject && *subject) {
        fprintf(out, "  ");
        print_cut(out, subject, LW_API_CHECK_SUBJECT_MAX);
        fprintf(out, "\n");
    }
    if (label)
        fprintf(out, "  (%s)\n", lw_path_below(path, cwd));
    for (size_t k = i; k < j; k++) {
        json_t *f = json_array_get(findings, k);
        const char *sev = json_string_value(json_object_get(f, "severity"));
        const char *code = json_string_value(json_object_get(f, "code"));
        if (!strcmp(code, "citation.unknown"))
            continue;
        const char *col = !color ? "" : !strcmp(sev, "error") ? "\033[31m" : !strcmp(sev, "warning") ? "\033[33m" : "\033[36m";
        fprintf(out, "  dòng %-5d %s%-9s%s %s\n", (int)json_integer_value(json_object_get(f, "line")), col, sev_vi(sev),
               color ? "\033[0m" : "", code);
        fprintf(out, "             %s\n", json_string_value(json_object_get(f, "message")));
        json_t *ev = json_object_get(f, "evidence");
        const char *pp = json_string_value(json_object_get(ev, "province_path"));
        if (pp) {
            const char *pl = json_string_value(json_object_get(ev, "province_label"));
            if (pl)
                fprintf(out, "             xem: %s\n", pl);
            fprintf(out, "             %s%s, dòng %d%s\n", pl ? "(" : "xem: ", lw_path_below(pp, cwd),
                   (int)json_integer_value(json_object_get(ev, "province_line")), pl ? ")" : "");
        }
        /* where the fact comes from: the registry entry as reviewers name it, or the
         * ingested document that states it; the file and line after */
        const char *rl = json_string_value(json_object_get(ev, "registry_label"));
        const char *src = json_string_value(json_object_get(ev, "registry_source"));
        if (rl)
            fprintf(out, "             theo danh mục: %s\n", rl);
        if (src)
            fprintf(out, "             nguồn danh mục: %s\n", src);
        const char *sp = json_string_value(json_object_get(ev, "source_path"));
        if (sp) {
            const char *sl = json_string_value(json_object_get(ev, "source_label"));
            fprintf(out, "             theo: %s\n             (%s, dòng %d)\n", sl ? sl : lw_path_below(sp, cwd),
                   lw_path_below(sp, cwd), (int)json_integer_value(json_object_get(ev, "source_line")));
        }
    }
    print_unknown(out, findings, i, j, all_unknown, color);
}

/* o[key] made relative to cwd when it lies below it; 0, or -1 when memory ran out. */
static int relative_key(json_t *o, const char *key, const char *cwd)
{
    const char *p = json_string_value(json_object_get(o, key));
    if (p && *cwd) {
        const char *r = lw_path_below(p, cwd);
        if (r != p)
            return json_object_set_new(o, key, json_string(r));
    }
    return 0;
}

static int is_unknown(json_t *f) { return !strcmp(json_string_value(json_object_get(f, "code")), "citation.unknown"); }

static void print_table(FILE *out, json_t *findings, int all_unknown, int color, const char *cwd)
{
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
                print_doc(out, findings, i, j, all_unknown, color, cwd);
            i = j;
        }
    }
    size_t n_info = lw_check_count(findings, "info") - n_unknown;
    fprintf(out, "%s%zu phát hiện: %zu lỗi, %zu cảnh báo, %zu thông tin (findings: errors, warnings, info)\n",
           nf ? "\n" : "", nf - n_unknown, lw_check_count(findings, "error"), lw_check_count(findings, "warning"),
           n_info);
    if (n_unknown)
        fprintf(out, "%zu văn bản được viện dẫn chưa có trong danh mục, ở %zu văn bản (trong đó %zu có số hiệu có thể do lỗi "
               "nhận dạng (OCR)) (citations not in the registry)\n", n_unknown, n_docs_unknown, n_ocr);
}


/* ---- check ---- */

/* The findings of the stored documents (*findings owned, json_decref): the registry of the
 * rules folder and opt's files over it, a unit that names no issuer refused (it would print
 * a false all-clear), then the checks. */
static lw_status run_check(lawwatch_db *db, const lawwatch_engine *eng, const lawwatch_check_options *opt,
                           json_t **findings, lw_error *ie)
{
    *findings = NULL;
    lw_check_options o = {0};
    if (opt) {
        o.unit = opt->unit;
        o.year = opt->year;
    }
    lw_registry *reg = NULL;
    lw_status st = lw_registry_load_dir(eng->rules_dir, &reg, ie);
    for (size_t k = 0; !st && opt && k < opt->n_registries; k++)
        st = lw_registry_add_file(reg, opt->registries[k], ie);
    if (!st)
        st = lw_docset_check_unit(db->store, o.unit, LW_DS_UNITS_ISSUERS, ie);
    if (!st)
        st = lw_check_run(db->store, eng->eng, reg, &o, findings, ie);
    lw_registry_free(reg);
    return st;
}

lawwatch_status lawwatch_check(lawwatch_db *db, const lawwatch_engine *eng, const lawwatch_check_options *opt,
                               char **json, size_t *n_errors, lawwatch_error *err)
{
    *json = NULL;
    if (n_errors)
        *n_errors = 0;
    json_t *findings = NULL;
    lw_error ie;
    lw_error_clear(&ie);
    lw_status st = run_check(db, eng, opt, &findings, &ie);
    if (!st && !(*json = json_dumps(findings, JSON_INDENT(1))))
        st = lw_error_msg(&ie, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    if (!st && n_errors)
        *n_errors = lw_check_count(findings, "error");
    json_decref(findings);
    return st ? lw_api_out_error(err, &ie) : LAWWATCH_OK;
}

lawwatch_status lawwatch_check_write(lawwatch_db *db, const lawwatch_engine *eng, const lawwatch_check_options *opt,
                                     const lawwatch_view *v, FILE *out, size_t *n_errors, lawwatch_error *err)
{
    if (n_errors)
        *n_errors = 0;
    if (v && v->format != LAWWATCH_FORMAT_TEXT && v->format != LAWWATCH_FORMAT_JSON)
        return lw_api_fail(err, LW_ERR_USAGE, LW_MSG_API_FORMAT_TABLE);
    const char *cwd = v && v->cwd ? v->cwd : "";
    json_t *findings = NULL;
    lw_error ie;
    lw_error_clear(&ie);
    lw_status st = run_check(db, eng, opt, &findings, &ie);
    if (st) {
        json_decref(findings);
        return lw_api_out_error(err, &ie);
    }
    if (v && v->format == LAWWATCH_FORMAT_JSON) {
        /* paths as the report's JSON gives them: relative below the working folder */
        size_t k;
        json_t *f;
        json_array_foreach(findings, k, f) {
            if (relative_key(f, "path", cwd) || relative_key(json_object_get(f, "evidence"), "source_path", cwd))
                st = LW_ERR_NOMEM;
        }
        char *text = st ? NULL : json_dumps(findings, JSON_INDENT(1));
        if (!text) {
            json_decref(findings);
            return LAWWATCH_NOMEM(err);
        }
        fputs(text, out);
        fputc('\n', out);
        free(text);
    } else {
        print_table(out, findings, opt && opt->list_unknown, v && v->color, cwd);
    }
    if (n_errors)
        *n_errors = lw_check_count(findings, "error");
    json_decref(findings);
    return LAWWATCH_OK;
}

/* ---- report ---- */

struct lawwatch_report {
    lw_report *r;
};

int lawwatch_date_valid(const char *iso)
{
    lw_date d;
    return iso && !lw_date_parse_iso(iso, &d) && lw_date_valid(d);
}

int lawwatch_format_parse(const char *name) { return name ? lw_report_format_parse(name) : -1; }

lawwatch_status lawwatch_report_build(lawwatch_db *db, const lawwatch_engine *eng,
                                      const lawwatch_report_options *opt, lawwatch_report **out,
                                      lawwatch_error *err)
{
    *out = NULL;
    lw_date d;
    if (!opt || !opt->as_of || lw_date_parse_iso(opt->as_of, &d) || !lw_date_valid(d))
        return lw_api_fail(err, LW_ERR_USAGE, LW_MSG_API_AS_OF);
    if (opt->since && (lw_date_parse_iso(opt->since, &d) || !lw_date_valid(d)))
        return lw_api_fail(err, LW_ERR_USAGE, LW_MSG_API_SINCE);
    lawwatch_report *r = calloc(1, sizeof *r);
    if (!r)
        return LAWWATCH_NOMEM(err);
    lw_report_options o = {.as_of = opt->as_of, .window = opt->window, .since = opt->since, .all = opt->all,
                           .unit = opt->unit, .english = opt->english, .color = opt->color};
    lw_error ie;
    lw_error_clear(&ie);
    if (lw_report_build(db->store, eng->eng, &o, &r->r, &ie)) {
        free(r);
        return lw_api_out_error(err, &ie);
    }
    /* a unit that matches nothing would say "nothing needs attention": an error naming the
     * nearest units, unless the filter matched an item (the report's own names, such as
     * "Sở Nội vụ tỉnh Hậu Giang" for a plan's "Sở Nội vụ", are not all in the database) */
    size_t nitems = 0;
    for (int st = 0; st < LW_RS_COUNT; st++)
        nitems += lw_report_count(r->r, (lw_report_status)st);
    if (!nitems && lw_docset_check_unit(db->store, opt->unit, LW_DS_UNITS_ISSUERS | LW_DS_UNITS_DUTIES, &ie)) {
        lawwatch_report_free(r);
        return lw_api_out_error(err, &ie);
    }
    *out = r;
    return LAWWATCH_OK;
}

void lawwatch_report_free(lawwatch_report *r)
{
    if (!r)
        return;
    lw_report_free(r->r);
    free(r);
}

size_t lawwatch_report_count(const lawwatch_report *r, lawwatch_report_status st)
{
    if (!r || (int)st < 0 || st >= LAWWATCH_REPORT_STATUS_COUNT)
        return 0;
    return lw_report_count(r->r, (lw_report_status)st);
}

static int format_ok(lawwatch_format fmt) { return (int)fmt >= 0 && fmt <= LAWWATCH_FORMAT_JSON; }

lawwatch_status lawwatch_report_write(const lawwatch_report *r, lawwatch_format fmt, FILE *out,
                                      lawwatch_error *err)
{
    if (!format_ok(fmt))
        return lw_api_fail(err, LW_ERR_USAGE, LW_MSG_API_FORMAT);
    lw_error ie;
    lw_error_clear(&ie);
    if (lw_report_write(r->r, (lw_report_format)fmt, out, &ie))
        return lw_api_out_error(err, &ie);
    return LAWWATCH_OK;
}

lawwatch_status lawwatch_report_string(const lawwatch_report *r, lawwatch_format fmt, char **text,
                                       lawwatch_error *err)
{
    *text = NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return LAWWATCH_NOMEM(err);
    lawwatch_status st = lawwatch_report_write(r, fmt, f, err);
    if (fclose(f) && !st)
        st = LAWWATCH_NOMEM(err);
    if (st || !buf) {
        free(buf);
        return st ? st : LAWWATCH_NOMEM(err);
    }
    *text = buf;
    return LAWWATCH_OK;
}

lawwatch_status lawwatch_report_write_file(const lawwatch_report *r, lawwatch_format fmt, const char *path,
                                           lawwatch_error *err)
{
    if (!format_ok(fmt))
        return lw_api_fail(err, LW_ERR_USAGE, LW_MSG_API_FORMAT);
    /* whole or not at all: a temporary file beside path (same file system), renamed */
    size_t n = strlen(path) + LW_API_TMP_SUFFIX_MAX;
    char *tmp = malloc(n);
    if (!tmp)
        return LAWWATCH_NOMEM(err);
    snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
    lw_error ie;
    lw_error_clear(&ie);
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        free(tmp);
        lw_error_msg(&ie, LW_ERR_IO, path, 0, 0, LW_MSG_FILE_CREATE);
        return lw_api_out_error(err, &ie);
    }
    lw_status st = lw_report_write(r->r, (lw_report_format)fmt, f, &ie);
    if (st)
        snprintf(ie.file, sizeof ie.file, "%s", path);
    int bad = fclose(f) != 0;
    if (!st && (bad || rename(tmp, path)))
        st = lw_error_msg(&ie, LW_ERR_IO, path, 0, 0, LW_MSG_FILE_WRITE);
    if (st)
        unlink(tmp);
    free(tmp);
    return st ? lw_api_out_error(err, &ie) : LAWWATCH_OK;
}
