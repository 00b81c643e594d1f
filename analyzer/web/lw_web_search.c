/* lw_web_search: / and /search (the hits of a query as reviewers know them, facet counts over
 * every match, pages of 20: only the page's hits are asked for) and /api/search (the JSON of `lawwatch search --format json`). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lw_web_pages.h"

/* Hits per page of /search. */
#define PAGE_SIZE 20
/* The last page /search serves: a bound on the rows SQLite skips, never reached by a reader
 * (the page asks for its 20 hits only, offset by the pages before). */
#define PAGE_MAX 5000

/* The hits asked of write_search: limit of them after the best offset. */
typedef struct {
    int limit, offset;
} hits_range;

/* The writer of /api/search: `lawwatch search --format json` with req's arguments. */
static lawwatch_status write_search(lawwatch_db *db, const lw_web_request *req, void *ctx, FILE *out,
                                    lawwatch_error *err)
{
    const hits_range *r = ctx;
    lawwatch_search_query q = {lw_web_arg(req, "q"), lw_web_arg(req, "year"), lw_web_arg(req, "kind"),
                               lw_web_arg(req, "issuer"), r->limit, lw_web_arg(req, "unit"), r->offset};
    lawwatch_view v = {LAWWATCH_FORMAT_JSON, 0, NULL};
    return lawwatch_search_write(db, &q, &v, out, NULL, err);
}

/* The writer of /search's data, over one opening of the database: {"hits": the JSON of
 * `lawwatch search --format json` for the page (ctx: its hits_range), "facets": those of the
 * search over all its matches (lawwatch_search_facets)}. */
static lawwatch_status write_page_json(lawwatch_db *db, const lw_web_request *req, void *ctx, FILE *out,
                                       lawwatch_error *err)
{
    fputs("{\"hits\": ", out);
    lawwatch_status st = write_search(db, req, ctx, out, err);
    if (st)
        return st;
    lawwatch_search_query q = {lw_web_arg(req, "q"), lw_web_arg(req, "year"), lw_web_arg(req, "kind"),
                               lw_web_arg(req, "issuer"), 0, lw_web_arg(req, "unit"), 0};
    char *json;
    st = lawwatch_search_facets(db, &q, &json, err);
    if (st)
        return st;
    fprintf(out, ", \"facets\": %s}", json);
    lawwatch_free(json);
    return LAWWATCH_OK;
}

/* /api/search?q=&year=&kind=&issuer=&unit=: the CLI's JSON (its default limit, 20). */
void lw_web_page_api_search(const lw_web_request *req, lw_web_response *res)
{
    if (!lw_web_arg(req, "q")) {
        lw_web_api_error(res, 400, "missing q");
        return;
    }
    hits_range r = {0, 0}; /* the CLI's default limit */
    lw_web_api_answer(req, write_search, &r, res);
}


/* One hit: kind, number, date, issuer, then the subject, the snippet and the path. */
static void write_hit(lw_web_buf *b, const lw_web_request *req, const json_t *h)
{
    const char *kind = lw_web_field(h, "kind"), *number = lw_web_field(h, "number"), *date = lw_web_field(h, "date"),
               *issuer = lw_web_field(h, "issuer"), *subject = lw_web_field(h, "subject"), *label = lw_web_field(h, "label");
    lw_web_buf_puts(b, "<article class=\"hit\"><div class=\"meta\">");
    if (kind || number || date || issuer) {
        lw_web_html_text(b, kind ? kind : L(req, "Văn bản", "Document"));
        if (number && *number) {
            lw_web_buf_puts(b, L(req, " số <b>", " no. <b>"));
            lw_web_html_text(b, number);
            lw_web_buf_puts(b, "</b>");
        }
        if (date && *date) {
            lw_web_buf_puts(b, L(req, " ngày <time>", " of <time>"));
            lw_web_html_text(b, date);
            lw_web_buf_puts(b, "</time>");
        }
        if (issuer && *issuer) {
            lw_web_buf_puts(b, " — ");
            lw_web_html_text(b, issuer);
        }
    } else {
        lw_web_html_text(b, label ? label : L(req, "Văn bản", "Document"));
    }
    lw_web_buf_puts(b, "</div><h3>");
    /* the subject, else the document as reviewers name it, else its path; a link to the
     * document when the hit has its id */
    json_int_t id = json_integer_value(json_object_get(h, "id"));
    if (id > 0)
        lw_web_buf_printf(b, "<a href=\"/doc/%lld%s\">", (long long)id, req->en ? "?lang=en" : "");
    lw_web_html_text(b, subject && *subject ? subject : label && *label ? label : lw_web_field(h, "path"));
    lw_web_buf_puts(b, id > 0 ? "</a></h3><p>" : "</h3><p>");
    lw_web_html_snippet(b, lw_web_field(h, "snippet"));
    lw_web_buf_puts(b, "</p><div class=\"path\">");
    lw_web_html_text(b, lw_web_field(h, "path"));
    lw_web_buf_puts(b, "</div></article>\n");
}

/* The filters of a search (year, kind, issuer, unit) as a form repeating the query. */
static void write_filters(lw_web_buf *b, const lw_web_request *req)
{
    static const char *const names[] = {"year", "kind", "issuer", "unit"};
    static const char *const labels[2][4] = {{"Năm", "Loại văn bản", "Cơ quan ban hành", "Đơn vị"},
                                             {"Year", "Kind", "Issuer", "Unit"}};
    const char *vals[] = {lw_web_arg(req, "year"), lw_web_arg(req, "kind"), lw_web_arg(req, "issuer"),
                          lw_web_arg(req, "unit")};
    lw_web_buf_puts(b, "<form action=\"/search\" method=\"get\" class=\"meta\"><input type=\"hidden\" name=\"q\" value=\"");
    lw_web_html_text(b, lw_web_arg(req, "q"));
    lw_web_buf_puts(b, req->en ? "\"><input type=\"hidden\" name=\"lang\" value=\"en\">" : "\">");
    for (int i = 0; i < 4; i++) {
        lw_web_buf_printf(b, "<label>%s <input name=\"%s\" size=\"%d\" maxlength=\"200\" value=\"", labels[!!req->en][i], names[i],
                          i ? 14 : 4);
        lw_web_html_text(b, vals[i]);
        lw_web_buf_puts(b, "\"></label> ");
    }
    lw_web_buf_printf(b, "<button type=\"submit\">%s</button></form>\n", L(req, "Lọc", "Filter"));
}

/* A link to /search with req's query and filters, one filter replaced (name NULL: none) and
 * page (0: none): the href's value, escaped for the attribute. */
static void search_href(lw_web_buf *b, const lw_web_request *req, const char *name, const char *value, long page)
{
    static const char *const names[] = {"year", "kind", "issuer", "unit"};
    const char *vals[] = {lw_web_arg(req, "year"), lw_web_arg(req, "kind"), lw_web_arg(req, "issuer"),
                          lw_web_arg(req, "unit")};
    lw_web_buf_puts(b, "/search?q=");
    lw_web_url_arg(b, lw_web_arg(req, "q"));
    for (int j = 0; j < 4; j++) {
        const char *v = name && !strcmp(name, names[j]) ? value : vals[j];
        if (v && *v) {
            lw_web_buf_printf(b, "&amp;%s=", names[j]);
            lw_web_url_arg(b, v);
        }
    }
    if (req->en)
        lw_web_buf_puts(b, "&amp;lang=en");
    if (page)
        lw_web_buf_printf(b, "&amp;page=%ld", page);
}

/* One facet of the counts (lawwatch_search_facets: its values, the most frequent first), each
 * a link that filters on it. */
static void write_facet(lw_web_buf *b, const lw_web_request *req, const json_t *facets, const char *name,
                        const char *title)
{
    const json_t *vals = json_object_get(facets, name), *e;
    size_t i;
    if (!json_array_size(vals))
        return;
    lw_web_buf_printf(b, "<section><h4>%s</h4><ul>", title);
    json_array_foreach(vals, i, e) {
        const char *value = lw_web_field(e, "value");
        if (!value)
            continue;
        lw_web_buf_puts(b, "<li><a href=\"");
        search_href(b, req, name, value, 0);
        lw_web_buf_puts(b, "\">");
        lw_web_html_text(b, value);
        lw_web_buf_printf(b, "</a> (%lld)</li>", (long long)json_integer_value(json_object_get(e, "count")));
    }
    lw_web_buf_puts(b, "</ul></section>");
}

/* The facet counts by year, kind and issuer over all the matches. */
static void write_facets(lw_web_buf *b, const lw_web_request *req, const json_t *facets)
{
    lw_web_buf_puts(b, "<aside class=\"facets\">");
    write_facet(b, req, facets, "year", L(req, "Năm", "Year"));
    write_facet(b, req, facets, "kind", L(req, "Loại văn bản", "Kind"));
    write_facet(b, req, facets, "issuer", L(req, "Cơ quan ban hành", "Issuer"));
    lw_web_buf_puts(b, "</aside>\n");
}

/* / and /search?q=&year=&kind=&issuer=&unit=&page=: the form, then the hits, 20 a page. */
void lw_web_page_search(const lw_web_request *req, lw_web_response *res)
{
    lw_web_buf *b = &res->body;
    res->status = 200;
    res->content_type = LW_WEB_CT_HTML;
    if (!lw_web_arg(req, "q")) {
        const char *title = L(req, "Tìm kiếm văn bản", "Search the documents");
        lw_web_page_begin(b, title, NULL, req->en);
        lw_web_buf_printf(b, "<h1>%s</h1>", title);
        lw_web_buf_puts(b, L(req,
                             "<p>Nhập từ khoá (có hoặc không dấu), số hiệu văn bản (59/2012/NĐ-CP), "
                             "\"cụm từ\", AND, OR, NOT.</p>",
                             "<p>Type words (with or without diacritics), a document number "
                             "(59/2012/NĐ-CP), \"a phrase\", AND, OR, NOT.</p>"));
        lw_web_page_end(b);
        return;
    }
    long page;
    if (lw_web_page_number(req, PAGE_MAX, &page, res))
        return;
    /* this page's hits only (with their snippets), and the facets counted in the database */
    char *json;
    lawwatch_error err = {0};
    hits_range range = {PAGE_SIZE, (int)(page - 1) * PAGE_SIZE};
    lawwatch_status st = lw_web_capture(req, write_page_json, &range, &json, &err);
    if (st) {
        lw_web_fail(res, 0, st, &err);
        return;
    }
    json_t *all = json_loads(json, 0, NULL);
    free(json);
    const json_t *hits = json_object_get(all, "hits"), *facets = json_object_get(all, "facets");
    if (!json_is_array(hits) || !json_is_object(facets)) {
        json_decref(all);
        lw_web_fail(res, 0, LAWWATCH_ERR_DB, &err);
        return;
    }
    lw_web_page_begin(b, lw_web_arg(req, "q"), lw_web_arg(req, "q"), req->en);
    write_filters(b, req);
    write_facets(b, req, facets);
    size_t total = (size_t)json_integer_value(json_object_get(facets, "total"));
    size_t first = (size_t)(page - 1) * PAGE_SIZE, shown = json_array_size(hits);
    if (!total)
        lw_web_buf_puts(b, L(req, "<p>Không tìm thấy văn bản nào.</p>", "<p>No document found.</p>"));
    else if (!shown)
        lw_web_buf_printf(b, "<p class=\"meta\">%s %zu</p>\n",
                          L(req, "Không có kết quả ở trang này; tổng số kết quả:", "No result on this page; results in all:"),
                          total);
    else
        lw_web_buf_printf(b, "<p class=\"meta\">%s %zu–%zu %s %zu</p>\n", L(req, "Kết quả", "Results"), first + 1,
                          first + shown, L(req, "trong", "of"), total);
    for (size_t i = 0; i < shown; i++)
        write_hit(b, req, json_array_get(hits, i));
    /* pages: previous, next (when more hits follow this page's) */
    lw_web_buf_puts(b, "<nav>");
    for (int k = 0; k < 2; k++) {
        long to = k ? page + 1 : page - 1;
        if (to < 1 || to > PAGE_MAX || (k && total <= (size_t)page * PAGE_SIZE))
            continue;
        lw_web_buf_puts(b, "<a href=\"");
        search_href(b, req, NULL, NULL, to);
        lw_web_buf_printf(b, "\">%s</a> ", 
                          k ? L(req, "Trang sau →", "Next →") : L(req, "← Trang trước", "← Previous"));
    }
    lw_web_buf_puts(b, "</nav>");
    lw_web_page_end(b);
    json_decref(all);
}
