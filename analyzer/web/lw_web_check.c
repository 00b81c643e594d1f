/* lw_web_check: /check?unit=&year=&code= (the findings of `lawwatch check` grouped by
 * document, as its table: the documents with errors or warnings first, those with only
 * citations not in the registry after; each document linked to /doc/ID; the severity as a
 * word and a colour; the codes as filter links with their counts) and /api/check (the JSON of
 * `lawwatch check --format json` with --unit, --year and --code). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lw_web_pages.h"

/* The years `check --year` takes (lw_cli_check.c). */
#define YEAR_MIN 1900
#define YEAR_MAX 2200
/* The codes a code= argument may list (a comma list, as `check --code`). */
#define CODES_MAX 16
/* The longest code= argument kept (the server caps a query at 2 KB anyway). */
#define CODE_ARG_MAX 512

/* The check's options from req: unit, year, code (its comma list cut into codes, copied
 * into text). 0, or -1 with the reason into *vi and *en (static strings). */
static int check_options(const lw_web_request *req, lawwatch_check_options *opt, const char *codes[CODES_MAX],
                         char text[CODE_ARG_MAX], const char **vi, const char **en)
{
    *opt = (lawwatch_check_options){0};
    opt->unit = lw_web_arg(req, "unit");
    const char *year = lw_web_arg(req, "year"), *code = lw_web_arg(req, "code");
    if (year) {
        char *end;
        long y = strtol(year, &end, 10);
        if (*end || y < YEAR_MIN || y > YEAR_MAX) {
            *vi = "Năm phải từ 1900 đến 2200.";
            *en = "The year must be from 1900 to 2200.";
            return -1;
        }
        opt->year = (int)y;
    }
    if (code) {
        if (strlen(code) >= CODE_ARG_MAX) {
            *vi = "Mã quá dài.";
            *en = "The code is too long.";
            return -1;
        }
        strcpy(text, code);
        size_t n = 0;
        char *save = NULL;
        for (char *t = strtok_r(text, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            if (n == CODES_MAX) {
                *vi = "Quá nhiều mã.";
                *en = "Too many codes.";
                return -1;
            }
            codes[n++] = t;
        }
        if (!n) { /* "," alone: no code, which the library would take as none asked */
            *vi = "Mã trống.";
            *en = "The code is empty.";
            return -1;
        }
        opt->codes = codes;
        opt->n_codes = n;
    }
    return 0;
}

/* The writer: `lawwatch check --format json` with the options of ctx, paths as stored. */
static lawwatch_status write_check(lawwatch_db *db, const lw_web_request *req, void *ctx, FILE *out,
                                   lawwatch_error *err)
{
    lawwatch_view v = {LAWWATCH_FORMAT_JSON, 0, NULL};
    return lawwatch_check_write(db, req->eng, ctx, &v, out, NULL, err);
}

/* /api/check?unit=&year=&code=: the CLI's JSON. */
void lw_web_page_api_check(const lw_web_request *req, lw_web_response *res)
{
    lawwatch_check_options opt;
    const char *codes[CODES_MAX], *vi, *en;
    char text[CODE_ARG_MAX];
    if (check_options(req, &opt, codes, text, &vi, &en)) {
        lw_web_api_error(res, 400, en);
        return;
    }
    lw_web_api_answer(req, write_check, &opt, res);
}

/* Documents a page of /check shows (with all their findings). */
#define DOCS_PER_PAGE 50

/* A link to /check with req's unit and year, code replaced (NULL: none), and page (0: the
 * first); the href escaped. */
static void check_href_page(lw_web_buf *b, const lw_web_request *req, const char *code, long page)
{
    const char *unit = lw_web_arg(req, "unit"), *year = lw_web_arg(req, "year");
    lw_web_buf_puts(b, "/check");
    const char *sep = "?";
    if (unit) {
        lw_web_buf_printf(b, "%sunit=", sep);
        lw_web_url_arg(b, unit);
        sep = "&amp;";
    }
    if (year) {
        lw_web_buf_printf(b, "%syear=", sep);
        lw_web_url_arg(b, year);
        sep = "&amp;";
    }
    if (code) {
        lw_web_buf_printf(b, "%scode=", sep);
        lw_web_url_arg(b, code);
        sep = "&amp;";
    }
    if (req->en) {
        lw_web_buf_printf(b, "%slang=en", sep);
        sep = "&amp;";
    }
    if (page > 1)
        lw_web_buf_printf(b, "%spage=%ld", sep, page);
}

static void check_href(lw_web_buf *b, const lw_web_request *req, const char *code)
{
    check_href_page(b, req, code, 0);
}

/* True when one of opt's codes names code (every code when none is asked). */
static int wanted(const lawwatch_check_options *opt, const char *code)
{
    if (!opt->n_codes)
        return 1;
    for (size_t k = 0; k < opt->n_codes; k++)
        if (lawwatch_check_code_match(opt->codes[k], code))
            return 1;
    return 0;
}

/* The code filter: every code found with its count, each a link; "all" first. */
static void write_codes(lw_web_buf *b, const lw_web_request *req, const json_t *all, const lawwatch_check_options *opt)
{
    json_t *counts = json_object();
    if (!counts) {
        b->oom = 1;
        return;
    }
    size_t i;
    const json_t *f;
    json_array_foreach(all, i, f) {
        const char *c = lw_web_field(f, "code");
        if (!c)
            continue;
        json_t *n = json_object_get(counts, c);
        json_object_set_new(counts, c, json_integer(n ? json_integer_value(n) + 1 : 1));
    }
    lw_web_buf_printf(b, "<nav class=\"codes\"><b>%s</b> ", L(req, "Mã:", "Codes:"));
    lw_web_buf_puts(b, "<a href=\"");
    check_href(b, req, NULL);
    lw_web_buf_printf(b, "\"%s>%s</a> (%zu)", opt->n_codes ? "" : " aria-current=\"page\"", L(req, "tất cả", "all"),
                      json_array_size(all));
    /* by name: jansson keeps keys in insertion order; the findings come sorted by document */
    const char **keys = calloc(json_object_size(counts) + 1, sizeof *keys);
    size_t nk = 0;
    const char *key;
    json_t *v;
    if (!keys) {
        b->oom = 1;
        json_decref(counts);
        return;
    }
    json_object_foreach(counts, key, v) keys[nk++] = key;
    for (size_t a = 1; a < nk; a++) /* insertion sort: a dozen codes at most */
        for (size_t z = a; z > 0 && strcmp(keys[z - 1], keys[z]) > 0; z--) {
            const char *t = keys[z];
            keys[z] = keys[z - 1];
            keys[z - 1] = t;
        }
    for (size_t k = 0; k < nk; k++) {
        int current = opt->n_codes == 1 && !strcmp(opt->codes[0], keys[k]);
        lw_web_buf_puts(b, " · <a href=\"");
        check_href(b, req, keys[k]);
        lw_web_buf_printf(b, "\"%s>", current ? " aria-current=\"page\"" : "");
        lw_web_html_text(b, keys[k]);
        lw_web_buf_printf(b, "</a> (%lld)", (long long)json_integer_value(json_object_get(counts, keys[k])));
    }
    lw_web_buf_puts(b, "</nav>\n");
    free(keys);
    json_decref(counts);
}

/* One document's findings [i, j) of shown: its name linked to /doc/ID, subject, path. */
static void write_doc(lw_web_buf *b, const lw_web_request *req, const json_t *shown, size_t i, size_t j)
{
    const json_t *f0 = json_array_get(shown, i);
    const char *label = lw_web_field(f0, "label"), *subject = lw_web_field(f0, "subject"), *path = lw_web_field(f0, "path");
    json_int_t id = json_integer_value(json_object_get(f0, "id"));
    lw_web_buf_puts(b, "<article class=\"hit\"><h3>");
    if (id > 0)
        lw_web_buf_printf(b, "<a href=\"/doc/%lld%s\">", (long long)id, req->en ? "?lang=en" : "");
    lw_web_html_text(b, label ? label : path);
    if (id > 0)
        lw_web_buf_puts(b, "</a>");
    lw_web_buf_puts(b, "</h3>");
    if (label && subject && *subject) {
        lw_web_buf_puts(b, "<p>");
        lw_web_html_text(b, subject);
        lw_web_buf_puts(b, "</p>");
    }
    if (label) { /* else the path is the heading already */
        lw_web_buf_puts(b, "<div class=\"path\">");
        lw_web_html_text(b, path);
        lw_web_buf_puts(b, "</div>");
    }
    lw_web_buf_puts(b, "<ul class=\"findings\">\n");
    for (size_t k = i; k < j; k++)
        lw_web_finding(b, req, json_array_get(shown, k));
    lw_web_buf_puts(b, "</ul></article>\n");
}

/* The documents of shown (findings sorted by document, as the library gives them): those
 * with a finding other than citation.unknown first, then the others, as the CLI's table;
 * only the documents numbered [first, first + DOCS_PER_PAGE) in that order are written.
 * Returns how many documents there are. */
static size_t write_docs(lw_web_buf *b, const lw_web_request *req, const json_t *shown, size_t first)
{
    size_t nf = json_array_size(shown), n_docs = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < nf;) {
            const json_t *fi = json_array_get(shown, i);
            json_int_t id = json_integer_value(json_object_get(fi, "id"));
            const char *path = lw_web_field(fi, "path");
            size_t j = i;
            int real = 0;
            for (; j < nf; j++) {
                const json_t *f = json_array_get(shown, j);
                const char *p = lw_web_field(f, "path");
                if (json_integer_value(json_object_get(f, "id")) != id || strcmp(p ? p : "", path ? path : ""))
                    break;
                real |= strcmp(lw_web_field(f, "code") ? lw_web_field(f, "code") : "", "citation.unknown") != 0;
            }
            if ((pass == 0) == real) {
                if (n_docs >= first && n_docs < first + DOCS_PER_PAGE)
                    write_doc(b, req, shown, i, j);
                n_docs++;
            }
            i = j;
        }
    return n_docs;
}

/* /check?unit=&year=&code=: the filter form and code links, the counts, the findings by
 * document. A bad year or code is a 400 page; a unit that names no issuer too, with the
 * nearest names. */
void lw_web_page_check(const lw_web_request *req, lw_web_response *res)
{
    lawwatch_check_options opt;
    const char *codes[CODES_MAX], *vi, *en;
    char text[CODE_ARG_MAX];
    if (check_options(req, &opt, codes, text, &vi, &en)) {
        lw_web_error_page(res, 400, vi, en);
        return;
    }
    long page;
    if (lw_web_page_number(req, 100000, &page, res))
        return;
    /* every finding, for the counts per code; the page shows those the codes name, as the
     * library chooses them (lawwatch_check_code_match) */
    /* a code that names no finding code is the reviewer's typo, said as the library says it
     * (a 400), never a false all-clear; known before any work */
    lawwatch_error err = {0};
    lawwatch_status st = lawwatch_check_codes_known(opt.codes, opt.n_codes, &err);
    if (st) {
        lw_web_fail(res, 0, st, &err);
        return;
    }
    lawwatch_check_options every = opt;
    every.codes = NULL;
    every.n_codes = 0;
    char *json;
    st = lw_web_capture(req, write_check, &every, &json, &err);
    if (st) {
        lw_web_fail(res, 0, st, &err);
        return;
    }
    json_t *all = json_loads(json, 0, NULL), *shown = json_array();
    free(json);
    if (!json_is_array(all) || !shown) {
        json_decref(all);
        json_decref(shown);
        lw_web_fail(res, 0, LAWWATCH_ERR_NOMEM, &err);
        return;
    }
    size_t i, n_err = 0, n_warn = 0;
    json_t *f;
    json_array_foreach(all, i, f) {
        if (!wanted(&opt, lw_web_field(f, "code")))
            continue;
        json_array_append(shown, f);
        const char *sev = lw_web_field(f, "severity");
        n_err += sev && !strcmp(sev, "error");
        n_warn += sev && !strcmp(sev, "warning");
    }
    lw_web_buf *b = &res->body;
    res->status = 200;
    res->content_type = LW_WEB_CT_HTML;
    lw_web_page_begin(b, L(req, "Kiểm tra văn bản", "Check"), NULL, req->en);
    lw_web_buf_puts(b, "<style>" LW_WEB_FINDING_STYLE ".codes{display:block;margin:.6em 0}"
                       ".codes a[aria-current]{font-weight:bold}.hit h3{overflow-wrap:anywhere}</style>");
    lw_web_buf_printf(b, "<h1>%s</h1>", L(req, "Kiểm tra văn bản", "Check"));
    lw_web_buf_printf(b, "<form action=\"/check\" method=\"get\" class=\"meta\">%s",
                      req->en ? "<input type=\"hidden\" name=\"lang\" value=\"en\">" : "");
    lw_web_buf_printf(b, "<label>%s <input name=\"unit\" size=\"24\" maxlength=\"200\" value=\"",
                      L(req, "Cơ quan ban hành", "Issuer"));
    lw_web_html_text(b, opt.unit);
    lw_web_buf_printf(b, "\"></label> <label>%s <input name=\"year\" size=\"4\" maxlength=\"4\" value=\"",
                      L(req, "Năm", "Year"));
    lw_web_html_text(b, lw_web_arg(req, "year"));
    lw_web_buf_printf(b, "\"></label> <label>%s <input name=\"code\" size=\"20\" maxlength=\"200\" value=\"",
                      L(req, "Mã", "Code"));
    lw_web_html_text(b, lw_web_arg(req, "code"));
    lw_web_buf_printf(b, "\"></label> <button type=\"submit\">%s</button></form>\n", L(req, "Lọc", "Filter"));
    write_codes(b, req, all, &opt);
    lw_web_buf_printf(b, "<p class=\"meta\">%zu %s: %zu %s, %zu %s, %zu %s</p>\n", json_array_size(shown),
                      L(req, "phát hiện", "findings"), n_err, L(req, "lỗi", "errors"), n_warn,
                      L(req, "cảnh báo", "warnings"), json_array_size(shown) - n_err - n_warn,
                      L(req, "thông tin", "info"));
    if (!json_array_size(shown))
        lw_web_buf_puts(b, L(req, "<p>Không có phát hiện nào.</p>", "<p>No finding.</p>"));
    /* the documents, DOCS_PER_PAGE a page: a large database has thousands of findings */
    size_t first = (size_t)(page - 1) * DOCS_PER_PAGE;
    size_t n_docs = write_docs(b, req, shown, first);
    if (n_docs > DOCS_PER_PAGE) {
        /* the range and the links to the neighbours, said after the count, under the list */
        lw_web_buf_printf(b, "<nav class=\"meta\">%s %zu–%zu %s %zu ", L(req, "Văn bản", "Documents"),
                          first < n_docs ? first + 1 : n_docs,
                          first + DOCS_PER_PAGE < n_docs ? first + DOCS_PER_PAGE : n_docs, L(req, "trong", "of"),
                          n_docs);
        if (page > 1) {
            lw_web_buf_puts(b, "<a rel=\"prev\" href=\"");
            check_href_page(b, req, lw_web_arg(req, "code"), page - 1);
            lw_web_buf_printf(b, "\">%s</a> ", L(req, "← Trang trước", "← Previous"));
        }
        if (first + DOCS_PER_PAGE < n_docs) {
            lw_web_buf_puts(b, "<a rel=\"next\" href=\"");
            check_href_page(b, req, lw_web_arg(req, "code"), page + 1);
            lw_web_buf_printf(b, "\">%s</a>", L(req, "Trang sau →", "Next →"));
        }
        lw_web_buf_puts(b, "</nav>\n");
    }
    lw_web_buf_puts(b, "<p class=\"meta\"><a href=\"/api");
    check_href(b, req, lw_web_arg(req, "code"));
    lw_web_buf_puts(b, "\">JSON</a></p>");
    lw_web_page_end(b);
    json_decref(all);
    json_decref(shown);
}
