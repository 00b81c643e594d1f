/* lw_web_pages: the pages of `lawwatch serve`, found by path (lw_web_route), and what they
 * share. Each page reads the database through the public API (lawwatch.h) and writes its body
 * through the escaping layer of lw_web_html.h. The database is opened read-only for each
 * request (lw_web_db_open), so documents ingested while the server runs appear without a
 * restart. Each page lives in its own file: lw_web_search.c (/, /search, /api/search),
 * lw_web_doc.c (/doc/ID, /doc/ID/original, /api/doc/ID), lw_web_report.c (/report,
 * /api/report), lw_web_check.c (/check, /api/check), lw_web_registry.c (/registry,
 * /registry/ID), lw_web_calendar.c (/calendar/UNIT.ics). */
#ifndef LW_WEB_PAGES_H
#define LW_WEB_PAGES_H

#include <stdio.h>

#include <jansson.h>

#include "lawwatch.h"
#include "lw_web_html.h"

/* A label in the request's language. */
#define L(req, in_vi, in_en) ((req)->en ? (in_en) : (in_vi))

#define LW_WEB_CT_HTML "text/html; charset=utf-8"
#define LW_WEB_CT_JSON "application/json; charset=utf-8"

/* The request as the server hands it over: borrowed, valid during lw_web_route. */
typedef struct {
    const char *db_path;         /* the database */
    const lawwatch_engine *eng;  /* the rules (registry, check, report): shared, read-only */
    const char *path;            /* the URL path, percent-decoded, without the query string */
    /* the query argument name (NULL when absent), through the server */
    const char *(*arg)(void *ctx, const char *name);
    void *arg_ctx;
    const char *user;  /* the user signed in (--auth), or NULL */
    unsigned time_ms;  /* the time a request may take in the database (0: unbounded) */
    int en;            /* ?lang=en: English labels (else Vietnamese) */
} lw_web_request;

/* What a page answers: status, content type (static string), body (owned, binary allowed)
 * and, for a download, the file name offered (owned, NULL: shown inline). Freed with
 * lw_web_response_free. */
typedef struct {
    unsigned status;
    const char *content_type;
    lw_web_buf body;
    char *filename;
} lw_web_response;

void lw_web_response_free(lw_web_response *res);

/* Answers req into res (zeroed by the caller). Always fills res: an unknown path is a 404
 * page, a failure a 500 page. */
void lw_web_route(const lw_web_request *req, lw_web_response *res);

/* The query argument name of req, or NULL when absent or empty. Borrowed. */
const char *lw_web_arg(const lw_web_request *req, const char *name);

/* The page= argument of req (1 when absent) into *page: 0, or -1 when it is not a number
 * from 1 to max, after answering res with a 400 page. */
int lw_web_page_number(const lw_web_request *req, long max, long *page, lw_web_response *res);

/* A plain error page (status, then a Vietnamese and an English sentence) into res, replacing
 * whatever body it had. */
void lw_web_error_page(lw_web_response *res, unsigned status, const char *vi, const char *en);

/* An /api/ error: {"error": msg} with status into res, replacing its body. */
void lw_web_api_error(lw_web_response *res, unsigned status, const char *msg);

/* Opens the database of req read-only, bounded by req->time_ms. *db owned
 * (lawwatch_db_close). */
lawwatch_status lw_web_db_open(const lw_web_request *req, lawwatch_db **db, lawwatch_error *err);

/* Writes what a CLI verb writes to a stream into *text (owned, free; NUL-terminated): the
 * database of req opened (lw_web_db_open), write(db, ctx, stream, err) called, the database
 * closed. The status of write, or of opening. */
typedef lawwatch_status (*lw_web_writer)(lawwatch_db *db, const lw_web_request *req, void *ctx, FILE *out,
                                         lawwatch_error *err);
lawwatch_status lw_web_capture(const lw_web_request *req, lw_web_writer write, void *ctx, char **text,
                               lawwatch_error *err);

/* An /api/ page: the JSON write(db, ctx, ...) gives (lw_web_capture) as a 200 answer, or
 * its failure as lw_web_fail's JSON. */
void lw_web_api_answer(const lw_web_request *req, lw_web_writer write, void *ctx, lw_web_response *res);

/* A database failure as a page: a timeout is 503, a missing thing 404, a bad argument 400,
 * the rest 500; the message of err shown. For /api/ (api set), the same as JSON. */
void lw_web_fail(lw_web_response *res, int api, lawwatch_status st, const lawwatch_error *err);

/* A string field of a JSON object the library gave (NULL when absent or not a string). */
static inline const char *lw_web_field(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* One finding of check's JSON as an <li> of a <ul class="findings">: its severity as a word
 * on its colour, code, page and line, message, what it rests on (the registry, the stating
 * document), an OCR doubt; every text escaped. LW_WEB_FINDING_STYLE is its style. */
void lw_web_finding(lw_web_buf *b, const lw_web_request *req, const json_t *f);
#define LW_WEB_FINDING_STYLE                                                                                \
    ".sev{font-weight:bold;padding:0 .3em;border-radius:3px}"                                               \
    ".sev-error .sev{background:#b71c1c;color:#fff}.sev-warning .sev{background:#f9a825;color:#000}"         \
    ".sev-info .sev{background:#cfd8dc;color:#000}.findings{padding-left:1.2em}.finding{margin:.4em 0}"

/* The report's options from req's arguments, as `lawwatch report` takes them (as_of, since,
 * window, all, unit; as_of default today, window 14); today is today's storage. 0, or -1
 * with the reason into *vi and *en (static strings). lw_web_report.c, for /report,
 * /api/report and the calendars. */
int lw_web_report_options(const lw_web_request *req, lawwatch_report_options *opt, char today[11], const char **vi,
                          const char **en);

/* What lw_web_write_report is given: the options, and the format (JSON) or the page's body. */
typedef struct {
    const lawwatch_report_options *opt;
    int body; /* the HTML body with links, else JSON */
} lw_web_report_job;

/* A writer (lw_web_capture) building the report of ctx (an lw_web_report_job) and writing it
 * as the job says. */
lawwatch_status lw_web_write_report(lawwatch_db *db, const lw_web_request *req, void *ctx, FILE *out,
                                    lawwatch_error *err);

/* The pages (each answers one path or a family of them; rest is the path after the prefix). */
void lw_web_page_search(const lw_web_request *req, lw_web_response *res);
void lw_web_page_api_search(const lw_web_request *req, lw_web_response *res);
void lw_web_page_doc(const lw_web_request *req, const char *rest, lw_web_response *res);
void lw_web_page_api_doc(const lw_web_request *req, const char *rest, lw_web_response *res);
void lw_web_page_report(const lw_web_request *req, lw_web_response *res);
void lw_web_page_api_report(const lw_web_request *req, lw_web_response *res);
void lw_web_page_check(const lw_web_request *req, lw_web_response *res);
void lw_web_page_api_check(const lw_web_request *req, lw_web_response *res);
void lw_web_page_registry(const lw_web_request *req, const char *rest, lw_web_response *res);
void lw_web_page_calendar(const lw_web_request *req, const char *rest, lw_web_response *res);
/* /api/registry and /api/registry/ID: the JSON of `lawwatch registry --format json [ID]`. */
void lw_web_page_api_registry(const lw_web_request *req, const char *rest, lw_web_response *res);

#endif
