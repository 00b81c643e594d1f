/* lw_web_report: /report?as_of=&unit=&window=&since=&all= (the nightly deadline report, live:
 * a form to change it, then the report's own HTML body with its summary, a timeline and a
 * table per unit, each document linked to /doc/ID and each unit to its calendar) and
 * /api/report (the JSON of `lawwatch report --format json` with the same options). The
 * report is drawn by the library (lawwatch_report_write_html_body), the renderer of `report
 * --format html`: one renderer, one escaping. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lw_web_pages.h"

/* The CLI's default and largest window (lw_cli_report.c): due soon within two weeks. */
#define WINDOW_DEFAULT 14
#define WINDOW_MAX 3660

int lw_web_report_options(const lw_web_request *req, lawwatch_report_options *opt, char today[11], const char **vi,
                          const char **en)
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(today, 11, "%Y-%m-%d", &tm);
    *opt = (lawwatch_report_options){.as_of = today, .window = WINDOW_DEFAULT, .english = req->en};
    const char *as_of = lw_web_arg(req, "as_of"), *since = lw_web_arg(req, "since"), *window = lw_web_arg(req, "window"),
               *all = lw_web_arg(req, "all");
    if (as_of && !lawwatch_date_valid(as_of)) {
        *vi = "as_of phải là một ngày có thật, dạng YYYY-MM-DD (ví dụ 2025-06-30).";
        *en = "as_of must be a date that exists, as YYYY-MM-DD (e.g. 2025-06-30).";
        return -1;
    }
    if (since && !lawwatch_date_valid(since)) {
        *vi = "since phải là một ngày có thật, dạng YYYY-MM-DD.";
        *en = "since must be a date that exists, as YYYY-MM-DD.";
        return -1;
    }
    if (window) {
        char *end;
        long w = strtol(window, &end, 10);
        if (*end || w < 0 || w > WINDOW_MAX) {
            *vi = "window phải là số ngày từ 0 đến 3660.";
            *en = "window must be a number of days from 0 to 3660.";
            return -1;
        }
        opt->window = (int)w;
    }
    if (all && strcmp(all, "1") && strcmp(all, "0")) {
        *vi = "all là 1 hoặc 0.";
        *en = "all is 1 or 0.";
        return -1;
    }
    if (as_of)
        opt->as_of = as_of;
    opt->since = since;
    opt->all = all && !strcmp(all, "1");
    opt->unit = lw_web_arg(req, "unit");
    return 0;
}

lawwatch_status lw_web_write_report(lawwatch_db *db, const lw_web_request *req, void *ctx, FILE *out,
                                    lawwatch_error *err)
{
    const lw_web_report_job *job = ctx;
    lawwatch_report *r = NULL;
    lawwatch_status st = lawwatch_report_build(db, req->eng, job->opt, &r, err);
    if (!st && job->body) {
        lawwatch_report_links links = {"/doc/", req->en ? "?lang=en" : NULL, "/calendar/", ".ics",
                                       L(req, "lịch (.ics)", "calendar (.ics)")};
        st = lawwatch_report_write_html_body(r, &links, out, err);
    } else if (!st) {
        st = lawwatch_report_write(r, LAWWATCH_FORMAT_JSON, out, err);
    }
    lawwatch_report_free(r);
    return st;
}

/* /api/report?as_of=&unit=&window=&since=&all=1: `lawwatch report --format json` with --as-of,
 * --unit, --window, --since, --all. */
void lw_web_page_api_report(const lw_web_request *req, lw_web_response *res)
{
    lawwatch_report_options opt;
    char today[11];
    const char *vi, *en;
    if (lw_web_report_options(req, &opt, today, &vi, &en)) {
        lw_web_api_error(res, 400, en);
        return;
    }
    lw_web_report_job job = {&opt, 0};
    lw_web_api_answer(req, lw_web_write_report, &job, res);
}

/* The form that changes the report: as_of, unit, window, since, all. */
static void write_form(lw_web_buf *b, const lw_web_request *req, const lawwatch_report_options *opt)
{
    lw_web_buf_puts(b, "<form action=\"/report\" method=\"get\" class=\"meta\">");
    if (req->en)
        lw_web_buf_puts(b, "<input type=\"hidden\" name=\"lang\" value=\"en\">");
    lw_web_buf_printf(b, "<label>%s <input type=\"date\" name=\"as_of\" value=\"", L(req, "Tính đến ngày", "As of"));
    lw_web_html_text(b, opt->as_of);
    lw_web_buf_printf(b, "\"></label> <label>%s <input name=\"unit\" size=\"24\" maxlength=\"200\" value=\"",
                      L(req, "Đơn vị", "Unit"));
    lw_web_html_text(b, opt->unit);
    lw_web_buf_printf(b, "\"></label> <label>%s <input type=\"number\" name=\"window\" min=\"0\" max=\"%d\" "
                         "size=\"4\" value=\"%d\"></label> ",
                      L(req, "Sắp đến hạn trong (ngày)", "Due within (days)"), WINDOW_MAX, opt->window);
    lw_web_buf_printf(b, "<label>%s <input type=\"date\" name=\"since\" value=\"", L(req, "Từ ngày", "Since"));
    lw_web_html_text(b, opt->since);
    lw_web_buf_printf(b, "\"></label> <label><input type=\"checkbox\" name=\"all\" value=\"1\"%s> %s</label> ",
                      opt->all ? " checked" : "", L(req, "mọi thời hạn", "every deadline"));
    lw_web_buf_printf(b, "<button type=\"submit\">%s</button></form>\n", L(req, "Xem", "Show"));
}

/* /report?as_of=&unit=&window=&since=&all=1: the form, then the report. A bad argument is a
 * 400 page saying which; a unit that names none a 400 page with the nearest names. */
void lw_web_page_report(const lw_web_request *req, lw_web_response *res)
{
    lawwatch_report_options opt;
    char today[11];
    const char *vi, *en;
    if (lw_web_report_options(req, &opt, today, &vi, &en)) {
        lw_web_error_page(res, 400, vi, en);
        return;
    }
    lw_web_report_job job = {&opt, 1};
    char *html;
    lawwatch_error err = {0};
    lawwatch_status st = lw_web_capture(req, lw_web_write_report, &job, &html, &err);
    if (st) {
        lw_web_fail(res, 0, st, &err);
        return;
    }
    lw_web_buf *b = &res->body;
    res->status = 200;
    res->content_type = LW_WEB_CT_HTML;
    lw_web_page_begin(b, L(req, "Báo cáo thời hạn", "Deadline report"), NULL, req->en);
    write_form(b, req, &opt);
    lw_web_buf_puts(b, html); /* the library's renderer: every text in it escaped there */
    free(html);
    lw_web_buf_puts(b, "<p class=\"meta\"><a href=\"/api/report?as_of=");
    lw_web_url_arg(b, opt.as_of);
    lw_web_buf_printf(b, "&amp;window=%d", opt.window);
    if (opt.unit) {
        lw_web_buf_puts(b, "&amp;unit=");
        lw_web_url_arg(b, opt.unit);
    }
    if (opt.since) {
        lw_web_buf_puts(b, "&amp;since=");
        lw_web_url_arg(b, opt.since);
    }
    lw_web_buf_printf(b, "%s\">JSON</a></p>", opt.all ? "&amp;all=1" : "");
    lw_web_page_end(b);
}
