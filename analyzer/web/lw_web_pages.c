/* lw_web_pages: routing by path, and what every page shares: the arguments, opening the
 * database, capturing a CLI writer's output, error pages and API errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lw_web_pages.h"

void lw_web_response_free(lw_web_response *res)
{
    lw_web_buf_free(&res->body);
    free(res->filename);
    res->filename = NULL;
}

const char *lw_web_arg(const lw_web_request *req, const char *name)
{
    const char *v = req->arg ? req->arg(req->arg_ctx, name) : NULL;
    return v && *v ? v : NULL;
}

int lw_web_page_number(const lw_web_request *req, long max, long *page, lw_web_response *res)
{
    const char *arg = lw_web_arg(req, "page");
    *page = 1;
    if (!arg)
        return 0;
    char *end;
    *page = strtol(arg, &end, 10);
    if (*end || *page < 1 || *page > max) {
        lw_web_error_page(res, 400, "Trang không hợp lệ.", "Invalid page number.");
        return -1;
    }
    return 0;
}

void lw_web_error_page(lw_web_response *res, unsigned status, const char *vi, const char *en)
{
    char title[32];
    snprintf(title, sizeof title, "%u", status);
    lw_web_response_free(res);
    res->body.oom = 0;
    res->status = status;
    res->content_type = LW_WEB_CT_HTML;
    lw_web_page_begin(&res->body, title, NULL, 0);
    lw_web_buf_printf(&res->body, "<h1>%u</h1><p class=\"err\">", status);
    lw_web_html_text(&res->body, vi);
    lw_web_buf_puts(&res->body, "</p><p lang=\"en\">");
    lw_web_html_text(&res->body, en);
    lw_web_buf_puts(&res->body, "</p><p><a href=\"/\">Trang chủ (home)</a></p>");
    lw_web_page_end(&res->body);
}

void lw_web_api_error(lw_web_response *res, unsigned status, const char *msg)
{
    lw_web_response_free(res);
    res->body.oom = 0;
    res->status = status;
    res->content_type = LW_WEB_CT_JSON;
    json_t *e = json_pack("{s:s}", "error", msg ? msg : "");
    char *s = e ? json_dumps(e, JSON_COMPACT) : NULL;
    lw_web_buf_puts(&res->body, s ? s : "{\"error\":\"\"}");
    lw_web_buf_puts(&res->body, "\n");
    free(s);
    json_decref(e);
}

void lw_web_fail(lw_web_response *res, int api, lawwatch_status st, const lawwatch_error *err)
{
    unsigned status = st == LAWWATCH_ERR_TIMEOUT ? 503
                      : st == LAWWATCH_ERR_NOT_FOUND ? 404
                      : st == LAWWATCH_ERR_QUERY || st == LAWWATCH_ERR_USAGE ? 400
                                                                               : 500;
    const char *msg = err && err->msg[0] ? err->msg : lawwatch_status_str(st);
    if (api) {
        lw_web_api_error(res, status, msg);
        return;
    }
    switch (status) {
    case 503:
        lw_web_error_page(res, status, "Câu hỏi chạy quá lâu, đã dừng. Hãy thu hẹp câu hỏi.",
                          "The request took too long and was stopped. Narrow it down.");
        break;
    case 500:
        lw_web_error_page(res, status, "Không đọc được cơ sở dữ liệu.", msg);
        break;
    default: /* the reviewer's: the library's message says what is wrong, in both languages */
        lw_web_error_page(res, status, msg, "");
    }
}

lawwatch_status lw_web_db_open(const lw_web_request *req, lawwatch_db **db, lawwatch_error *err)
{
    lawwatch_status st = lawwatch_db_open(req->db_path, LAWWATCH_DB_READONLY, db, err);
    if (!st)
        lawwatch_db_set_time_limit(*db, req->time_ms);
    return st;
}

lawwatch_status lw_web_capture(const lw_web_request *req, lw_web_writer write, void *ctx, char **text,
                               lawwatch_error *err)
{
    *text = NULL;
    lawwatch_db *db;
    lawwatch_status st = lw_web_db_open(req, &db, err);
    if (st)
        return st;
    size_t size = 0;
    FILE *f = open_memstream(text, &size);
    if (!f) {
        lawwatch_db_close(db);
        err->code = LAWWATCH_ERR_NOMEM;
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return LAWWATCH_ERR_NOMEM;
    }
    st = write(db, req, ctx, f, err);
    if (fclose(f) && !st) {
        err->code = st = LAWWATCH_ERR_NOMEM;
        snprintf(err->msg, sizeof err->msg, "out of memory");
    }
    lawwatch_db_close(db);
    if (st) {
        free(*text);
        *text = NULL;
    }
    return st;
}

void lw_web_api_answer(const lw_web_request *req, lw_web_writer write, void *ctx, lw_web_response *res)
{
    char *json;
    lawwatch_error err = {0};
    lawwatch_status st = lw_web_capture(req, write, ctx, &json, &err);
    if (st) {
        lw_web_fail(res, 1, st, &err);
        return;
    }
    res->status = 200;
    res->content_type = LW_WEB_CT_JSON;
    /* the text is the body (a growing buffer's data is malloc'd and NUL-terminated too) */
    lw_web_buf_free(&res->body);
    size_t n = strlen(json);
    res->body = (lw_web_buf){.data = json, .len = n, .cap = n + 1};
}

/* The severity as a word (a colour alone says nothing to some readers and to a printer). */
static const char *severity_word(const lw_web_request *req, const char *sev)
{
    if (sev && !strcmp(sev, "error"))
        return L(req, "Lỗi", "Error");
    if (sev && !strcmp(sev, "warning"))
        return L(req, "Cảnh báo", "Warning");
    return L(req, "Thông tin", "Info");
}

/* The class of a severity (its colour in the page's style). */
static const char *severity_class(const char *sev)
{
    return sev && !strcmp(sev, "error") ? "sev-error" : sev && !strcmp(sev, "warning") ? "sev-warning" : "sev-info";
}

/* One finding: line (and page), severity word with its colour, code, message, and where the
 * fact it rests on comes from (the registry entry or the document that states it). */
void lw_web_finding(lw_web_buf *b, const lw_web_request *req, const json_t *f)
{
    const char *sev = lw_web_field(f, "severity");
    const json_t *ev = json_object_get(f, "evidence");
    lw_web_buf_printf(b, "<li class=\"finding %s\"><span class=\"sev\">", severity_class(sev));
    lw_web_html_text(b, severity_word(req, sev));
    lw_web_buf_puts(b, "</span> <code>");
    lw_web_html_text(b, lw_web_field(f, "code"));
    lw_web_buf_puts(b, "</code>");
    json_int_t line = json_integer_value(json_object_get(f, "line")),
               page = json_integer_value(json_object_get(f, "page"));
    if (page > 0)
        lw_web_buf_printf(b, " <span class=\"meta\">%s %lld,</span>", L(req, "trang", "page"), (long long)page);
    if (line > 0)
        lw_web_buf_printf(b, " <span class=\"meta\">%s %lld</span>", L(req, "dòng", "line"), (long long)line);
    lw_web_buf_puts(b, "<br>");
    lw_web_html_text(b, lw_web_field(f, "message"));
    if (json_is_true(json_object_get(ev, "ocr_suspect")))
        lw_web_buf_printf(b, " <i>(%s)</i>", L(req, "số hiệu có thể do lỗi nhận dạng OCR", "the number is probably damaged by OCR"));
    const char *reg = lw_web_field(ev, "registry_label"), *src = lw_web_field(ev, "source_label"), *sp = lw_web_field(ev, "source_path");
    if (reg) {
        lw_web_buf_printf(b, "<br><span class=\"meta\">%s ", L(req, "Theo danh mục:", "Per the registry:"));
        lw_web_html_text(b, reg);
        lw_web_buf_puts(b, "</span>");
    }
    if (src || sp) {
        lw_web_buf_printf(b, "<br><span class=\"meta\">%s ", L(req, "Theo:", "Per:"));
        lw_web_html_text(b, src ? src : sp);
        lw_web_buf_puts(b, "</span>");
    }
    lw_web_buf_puts(b, "</li>\n");
}

/* True when year is absent or four digits (as `search --year` takes it). */
static int year_ok(const char *year)
{
    return !year || (strlen(year) == 4 && strspn(year, "0123456789") == 4);
}

/* The routes: a path answered exactly, or a prefix whose rest (after it) the page reads. */
typedef struct {
    const char *path;
    int prefix;
    void (*page)(const lw_web_request *req, lw_web_response *res);
    void (*page_rest)(const lw_web_request *req, const char *rest, lw_web_response *res);
} route;

static const route routes[] = {
    {"/", 0, lw_web_page_search, NULL},
    {"/search", 0, lw_web_page_search, NULL},
    {"/api/search", 0, lw_web_page_api_search, NULL},
    {"/doc/", 1, NULL, lw_web_page_doc},
    {"/api/doc/", 1, NULL, lw_web_page_api_doc},
    {"/report", 0, lw_web_page_report, NULL},
    {"/api/report", 0, lw_web_page_api_report, NULL},
    {"/check", 0, lw_web_page_check, NULL},
    {"/api/check", 0, lw_web_page_api_check, NULL},
    {"/registry", 0, NULL, lw_web_page_registry},
    {"/registry/", 1, NULL, lw_web_page_registry},
    {"/calendar/", 1, NULL, lw_web_page_calendar},
    {"/api/registry", 0, NULL, lw_web_page_api_registry},
    {"/api/registry/", 1, NULL, lw_web_page_api_registry},
};

void lw_web_route(const lw_web_request *req, lw_web_response *res)
{
    const route *r = NULL;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0] && !r; i++) {
        size_t n = strlen(routes[i].path);
        if (routes[i].prefix ? !strncmp(req->path, routes[i].path, n) : !strcmp(req->path, routes[i].path))
            r = &routes[i];
    }
    int bad_year = r && !year_ok(lw_web_arg(req, "year"));
    if (!r)
        lw_web_error_page(res, 404, "Không có trang này.", "No such page.");
    else if (bad_year && !strncmp(req->path, "/api/", 5))
        lw_web_api_error(res, 400, "the year must be four digits");
    else if (bad_year)
        lw_web_error_page(res, 400, "Năm phải có 4 chữ số.", "The year must be four digits.");
    else if (r->page)
        r->page(req, res);
    else
        r->page_rest(req, req->path + (r->prefix ? strlen(r->path) : strlen(req->path)), res);
    if (res->body.oom)
        lw_web_error_page(res, 500, "Hết bộ nhớ.", "Out of memory.");
}
