/* lw_web_pages: the pages of `lawwatch serve`, found by path (lw_web_route). Each page reads
 * the database through the public API (lawwatch.h) and writes its body through the escaping
 * layer of lw_web_html.h. The database is opened read-only for each request, so documents
 * ingested while the server runs appear without a restart. */
#ifndef LW_WEB_PAGES_H
#define LW_WEB_PAGES_H

#include "lw_web_html.h"

/* The request as the server hands it over: borrowed, valid during lw_web_route. */
typedef struct {
    const char *db_path; /* the database */
    const char *path;    /* the URL path, without the query string */
    /* the query arguments the pages take (NULL when absent) */
    const char *q, *year, *kind, *issuer, *page;
    int en; /* ?lang=en: English labels (else Vietnamese) */
} lw_web_request;

/* What a page answers: status, content type (static string) and body (owned by the caller,
 * lw_web_buf_free). */
typedef struct {
    unsigned status;
    const char *content_type;
    lw_web_buf body;
} lw_web_response;

/* Answers req into res (zeroed by the caller). Always fills res: an unknown path is a 404
 * page, a failure a 500 page. */
void lw_web_route(const lw_web_request *req, lw_web_response *res);

/* A plain error page (status, then a Vietnamese and an English sentence) into res. */
void lw_web_error_page(lw_web_response *res, unsigned status, const char *vi, const char *en);

#endif
