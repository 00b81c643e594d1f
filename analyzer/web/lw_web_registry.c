/* lw_web_registry: /registry (every known legal document with its status, a small filter
 * form), /registry/ID (one entry: its card, the chain of amendments and replacements both
 * ways, the ingested documents citing it, each linked to /doc/ID), and /api/registry,
 * /api/registry/ID (the JSON of `lawwatch registry --format json [ID]`). Every page is made
 * from that same JSON (lawwatch_registry_write), so the page and the API never disagree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lw_web_pages.h"

/* The longest filter text the form takes. */
#define FILTER_MAX 200

/* The writer of lw_web_capture: `lawwatch registry --format json [ID]`; ctx points to the id
 * or to NULL. */
static lawwatch_status write_registry(lawwatch_db *db, const lw_web_request *req, void *ctx, FILE *out,
                                      lawwatch_error *err)
{
    lawwatch_view v = {LAWWATCH_FORMAT_JSON, 0, NULL};
    return lawwatch_registry_write(req->eng, db, *(const char *const *)ctx, &v, out, NULL, err);
}

/* The id of rest ("" or "/" alone: the list, NULL). */
static const char *id_of(const char *rest) { return rest && *rest && strcmp(rest, "/") ? rest : NULL; }

void lw_web_page_api_registry(const lw_web_request *req, const char *rest, lw_web_response *res)
{
    const char *id = id_of(rest);
    lw_web_api_answer(req, write_registry, &id, res);
}

/* The page's own style: the status colours, the table, the chain. */
static const char style[] = "<style>"
                            ".st{padding:0 .4em;border-radius:3px;white-space:nowrap;font-size:.9em}"
                            ".st-in_force{background:#d8f0d8;color:#174d17}"
                            ".st-amended{background:#fff0c2;color:#6b4a00}"
                            ".st-replaced,.st-expired{background:#f8d7d7;color:#7a1212}"
                            ".st-unknown{background:#e8e8e8;color:#444}"
                            ".st-unlisted{background:#fff;color:#444;border:1px dashed #999}"
                            ".wrap{overflow-x:auto}table.reg{border-collapse:collapse;width:100%;background:#fff}"
                            ".reg th,.reg td{border-bottom:1px solid #ddd;padding:.3em .4em;text-align:left;"
                            "vertical-align:top}.reg td.n{text-align:right}"
                            ".card{background:#fff;border:1px solid #ddd;border-radius:4px;padding:.6em .8em}"
                            ".card dt{font-weight:bold;margin-top:.3em}.card dd{margin-left:1em}"
                            ".chain li{list-style:none;margin:.2em 0}.reg time{white-space:nowrap}"
                            /* a phone: each row a block (number, date, status, then the title below),
                             * no sideways scrolling; the rest is on the entry's page */
                            "@media (max-width:40em){.reg .opt,.reg thead{display:none}"
                            ".reg tr{display:block;border-bottom:1px solid #ddd;padding:.3em 0}"
                            ".reg td{display:inline-block;border:0;padding:.1em .4em}.reg td.t{display:block}}"
                            "</style>";

/* The registry's status codes and their English words (the Vietnamese ones are the data's
 * status_label). */
static const char *const status_en[][2] = {{"in_force", "in force"},
                                           {"amended", "amended"},
                                           {"replaced", "replaced"},
                                           {"expired", "expired"},
                                           {"unknown", "status unknown"}};
#define N_STATUS (sizeof status_en / sizeof *status_en)

/* The English words of a status code, NULL when it is none. */
static const char *status_word_en(const char *code)
{
    for (size_t i = 0; code && i < N_STATUS; i++)
        if (!strcmp(code, status_en[i][0]))
            return status_en[i][1];
    return NULL;
}

/* A status as a coloured word: the registry's code gives the colour, the word is the data's
 * (Vietnamese) or, with ?lang=en, its English. */
static void write_status(lw_web_buf *b, const lw_web_request *req, const json_t *o)
{
    const char *code = lw_web_field(o, "status") ? lw_web_field(o, "status") : "unknown";
    int listed = !json_is_false(json_object_get(o, "in_registry")), known = status_word_en(code) != NULL;
    const char *word = lw_web_field(o, "status_label");
    if (req->en)
        word = !listed ? "not in the registry" : known ? status_word_en(code) : "status unknown";
    lw_web_buf_printf(b, "<span class=\"st st-%s\">", !listed ? "unlisted" : known ? code : "unknown");
    lw_web_html_text(b, word);
    lw_web_buf_puts(b, "</span>");
}

/* An ISO date as reviewers write it, 23/07/2012, in a <time>; the text as it is when not ISO. */
static void write_date(lw_web_buf *b, const char *iso)
{
    int y, m, d;
    if (!iso)
        return;
    lw_web_buf_puts(b, "<time datetime=\"");
    lw_web_html_text(b, iso);
    lw_web_buf_puts(b, "\">");
    if (strlen(iso) == 10 && sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) == 3)
        lw_web_buf_printf(b, "%02d/%02d/%04d", d, m, y);
    else
        lw_web_html_text(b, iso);
    lw_web_buf_puts(b, "</time>");
}

/* href="/registry/ID" (the id URL-encoded, lang kept), then the id as the link's text. */
static void write_id_link(lw_web_buf *b, const lw_web_request *req, const char *id)
{
    lw_web_buf_puts(b, "<a href=\"/registry/");
    lw_web_url_arg(b, id);
    lw_web_buf_puts(b, req->en ? "?lang=en\">" : "\">");
    lw_web_html_text(b, id);
    lw_web_buf_puts(b, "</a>");
}

/* The id, linked (write_id_link) or as text. */
static void write_id(lw_web_buf *b, const lw_web_request *req, const char *id, int link)
{
    if (link)
        write_id_link(b, req, id);
    else
        lw_web_html_text(b, id);
}

/* 1 when the entry passes the form's filters: text in its id, title or issuer (diacritics
 * and case ignored), type and status equal. */
static int passes(const lw_web_request *req, const json_t *o)
{
    const char *q = lw_web_arg(req, "q"), *type = lw_web_arg(req, "type"), *status = lw_web_arg(req, "status");
    if (type && (!lw_web_field(o, "type") || strcmp(type, lw_web_field(o, "type"))))
        return 0;
    if (status && (!lw_web_field(o, "status") || strcmp(status, lw_web_field(o, "status"))))
        return 0;
    return !q || lawwatch_text_contains(lw_web_field(o, "id"), q) || lawwatch_text_contains(lw_web_field(o, "title"), q) ||
           lawwatch_text_contains(lw_web_field(o, "issuer"), q);
}

/* A <select> of the values of key among the entries (in their order, each once), the one
 * chosen selected; labels from the status when key is "status". */
static void write_select(lw_web_buf *b, const lw_web_request *req, const json_t *arr, const char *key,
                         const char *label)
{
    const char *chosen = lw_web_arg(req, key);
    lw_web_buf_printf(b, "<label>%s <select name=\"%s\"><option value=\"\">%s</option>", label, key,
                      L(req, "tất cả", "all"));
    json_t *seen = json_object();
    size_t i;
    const json_t *o;
    json_array_foreach(arr, i, o) {
        const char *v = lw_web_field(o, key);
        if (!v || !seen || json_object_get(seen, v))
            continue;
        json_object_set_new(seen, v, json_true());
        lw_web_buf_puts(b, "<option value=\"");
        lw_web_html_text(b, v);
        lw_web_buf_puts(b, chosen && !strcmp(chosen, v) ? "\" selected>" : "\">");
        if (!strcmp(key, "status"))
            lw_web_html_text(b, req->en && status_word_en(v) ? status_word_en(v) : lw_web_field(o, "status_label"));
        else
            lw_web_html_text(b, v);
        lw_web_buf_puts(b, "</option>");
    }
    json_decref(seen);
    lw_web_buf_puts(b, "</select></label> ");
}

/* /registry: the filter form and the table. */
static void page_list(const lw_web_request *req, const json_t *arr, lw_web_response *res)
{
    lw_web_buf *b = &res->body;
    const char *title = L(req, "Danh mục văn bản pháp luật", "Registry of legal documents");
    lw_web_page_begin(b, title, NULL, req->en);
    lw_web_buf_puts(b, style);
    lw_web_buf_printf(b, "<h1>%s</h1>\n", title);
    lw_web_buf_puts(b, "<form action=\"/registry\" method=\"get\" class=\"meta\">");
    if (req->en)
        lw_web_buf_puts(b, "<input type=\"hidden\" name=\"lang\" value=\"en\">");
    lw_web_buf_printf(b, "<label>%s <input name=\"q\" size=\"16\" maxlength=\"%d\" value=\"",
                      L(req, "Số hiệu, trích yếu", "Number, title"), FILTER_MAX);
    lw_web_html_text(b, lw_web_arg(req, "q"));
    lw_web_buf_puts(b, "\"></label> ");
    write_select(b, req, arr, "type", L(req, "Loại", "Type"));
    write_select(b, req, arr, "status", L(req, "Tình trạng", "Status"));
    lw_web_buf_printf(b, "<button type=\"submit\">%s</button></form>\n", L(req, "Lọc", "Filter"));
    lw_web_buf_printf(b,
                      "<div class=\"wrap\"><table class=\"reg\"><thead><tr><th>%s</th><th class=\"opt\">%s</th>"
                      "<th>%s</th><th>%s</th><th class=\"opt\">%s</th><th>%s</th><th class=\"opt\">%s</th></tr>"
                      "</thead><tbody>\n",
                      L(req, "Số hiệu", "Number"), L(req, "Loại", "Type"), L(req, "Trích yếu", "Title"),
                      L(req, "Ngày ban hành", "Issued"), L(req, "Hiệu lực từ", "Effective"),
                      L(req, "Tình trạng", "Status"), L(req, "Văn bản trích dẫn", "Citing documents"));
    size_t i, shown = 0;
    const json_t *o;
    json_array_foreach(arr, i, o) {
        if (!passes(req, o))
            continue;
        shown++;
        lw_web_buf_puts(b, "<tr><td>");
        write_id_link(b, req, lw_web_field(o, "id"));
        lw_web_buf_puts(b, "</td><td class=\"opt\">");
        lw_web_html_text(b, lw_web_field(o, "type"));
        lw_web_buf_puts(b, "</td><td class=\"t\">");
        lw_web_html_text(b, lw_web_field(o, "title"));
        lw_web_buf_puts(b, "</td><td>");
        write_date(b, lw_web_field(o, "issued"));
        lw_web_buf_puts(b, "</td><td class=\"opt\">");
        write_date(b, lw_web_field(o, "effective"));
        lw_web_buf_puts(b, "</td><td>");
        write_status(b, req, o);
        json_t *n = json_object_get(o, "cited_by_count");
        lw_web_buf_printf(b, "</td><td class=\"n opt\">%lld</td></tr>\n", (long long)json_integer_value(n));
    }
    lw_web_buf_puts(b, "</tbody></table></div>\n");
    lw_web_buf_printf(b, "<p class=\"meta\">%zu / %zu %s</p>", shown, json_array_size(arr),
                      L(req, "văn bản", "documents"));
    lw_web_page_end(b);
}

/* A "dt/dd" line of the card, when value is: a date (ISO) written as reviewers write it, a
 * path allowed to break anywhere. */
enum { CARD_TEXT, CARD_DATE, CARD_PATH };
static void card_line(lw_web_buf *b, const char *label, const char *value, int how)
{
    if (!value)
        return;
    lw_web_buf_printf(b, "<dt>%s</dt><dd%s>", label, how == CARD_PATH ? " class=\"path\"" : "");
    if (how == CARD_DATE)
        write_date(b, value);
    else
        lw_web_html_text(b, value);
    lw_web_buf_puts(b, "</dd>");
}

/* One side of the chain: "by amends of", the described document's status, indented by depth.
 * Each id links to its page, but the described document's only when the registry lists it
 * (one named only in an amended_by has no page: a link would be a 404); the other end is the
 * entry shown or one listed before it in the chain. */
static void write_chain(lw_web_buf *b, const lw_web_request *req, const json_t *items, const char *heading)
{
    lw_web_buf_printf(b, "<h3>%s</h3>", heading);
    if (!json_array_size(items)) {
        lw_web_buf_printf(b, "<p class=\"meta\">%s</p>", L(req, "Không có.", "None."));
        return;
    }
    lw_web_buf_puts(b, "<ul class=\"chain\">");
    size_t i;
    const json_t *x;
    json_array_foreach(items, i, x) {
        long long depth = (long long)json_integer_value(json_object_get(x, "depth"));
        int repl = lw_web_field(x, "relation") && !strcmp(lw_web_field(x, "relation"), "replaces");
        int listed = json_is_true(json_object_get(x, "in_registry"));
        int by_is_it = lw_web_field(x, "by") && lw_web_field(x, "id") && !strcmp(lw_web_field(x, "by"), lw_web_field(x, "id"));
        lw_web_buf_printf(b, "<li style=\"margin-left:%lldem\">", depth > 1 ? 2 * (depth - 1) : 0);
        write_id(b, req, lw_web_field(x, "by"), listed || !by_is_it);
        lw_web_buf_printf(b, " %s ", repl ? L(req, "thay thế", "replaces") : L(req, "sửa đổi, bổ sung", "amends"));
        write_id(b, req, lw_web_field(x, "of"), listed || by_is_it);
        lw_web_buf_puts(b, " — ");
        lw_web_html_text(b, lw_web_field(x, "id"));
        lw_web_buf_puts(b, ": ");
        write_status(b, req, x);
        if (lw_web_field(x, "title")) {
            lw_web_buf_puts(b, "<br><span class=\"meta\">");
            lw_web_html_text(b, lw_web_field(x, "title"));
            lw_web_buf_puts(b, "</span>");
        }
        lw_web_buf_puts(b, "</li>");
    }
    lw_web_buf_puts(b, "</ul>");
}

/* The documents citing the entry, as reviewers name them, each linked to /doc/ID. */
static void write_citing(lw_web_buf *b, const lw_web_request *req, const json_t *rows)
{
    lw_web_buf_printf(b, "<h2>%s (%zu)</h2>", L(req, "Văn bản đã nhập trích dẫn", "Ingested documents citing it"),
                      json_array_size(rows));
    size_t i;
    const json_t *r;
    json_array_foreach(rows, i, r) {
        const char *label = lw_web_field(r, "label"), *subject = lw_web_field(r, "subject");
        lw_web_buf_printf(b, "<article class=\"hit\"><div class=\"meta\"><a href=\"/doc/%lld%s\">",
                          (long long)json_integer_value(json_object_get(r, "id")), req->en ? "?lang=en" : "");
        lw_web_html_text(b, label ? label : lw_web_field(r, "path"));
        lw_web_buf_puts(b, "</a></div>");
        if (subject) {
            lw_web_buf_puts(b, "<h3>");
            lw_web_html_text(b, subject);
            lw_web_buf_puts(b, "</h3>");
        }
        json_t *line = json_object_get(r, "line"), *mentions = json_object_get(r, "mentions");
        lw_web_buf_puts(b, "<p>");
        if (json_is_integer(line))
            lw_web_buf_printf(b, "%s %lld: ", L(req, "Dòng", "Line"), (long long)json_integer_value(line));
        lw_web_html_text(b, lw_web_field(r, "text"));
        if (json_integer_value(mentions) > 1)
            lw_web_buf_printf(b, " <span class=\"meta\">(%lld %s)</span>", (long long)json_integer_value(mentions),
                              L(req, "lần trích dẫn", "mentions"));
        lw_web_buf_puts(b, "</p><div class=\"path\">");
        lw_web_html_text(b, lw_web_field(r, "path"));
        lw_web_buf_puts(b, "</div></article>\n");
    }
}

/* /registry/ID: the card, the chain, the citing documents. */
static void page_entry(const lw_web_request *req, const json_t *o, lw_web_response *res)
{
    lw_web_buf *b = &res->body;
    const char *id = lw_web_field(o, "id"), *type = lw_web_field(o, "type");
    lw_web_page_begin(b, id, NULL, req->en);
    lw_web_buf_puts(b, style);
    lw_web_buf_puts(b, "<h1>");
    if (type) {
        lw_web_html_text(b, type);
        lw_web_buf_puts(b, L(req, " số ", " no. "));
    }
    lw_web_html_text(b, id);
    lw_web_buf_puts(b, "</h1>\n<dl class=\"card\">");
    card_line(b, L(req, "Trích yếu", "Title"), lw_web_field(o, "title"), CARD_TEXT);
    card_line(b, L(req, "Cơ quan ban hành", "Issuer"), lw_web_field(o, "issuer"), CARD_TEXT);
    card_line(b, L(req, "Ngày ban hành", "Issued"), lw_web_field(o, "issued"), CARD_DATE);
    card_line(b, L(req, "Ngày có hiệu lực", "Effective"), lw_web_field(o, "effective"), CARD_DATE);
    lw_web_buf_printf(b, "<dt>%s</dt><dd>", L(req, "Tình trạng", "Status"));
    write_status(b, req, o);
    lw_web_buf_puts(b, "</dd>");
    card_line(b, L(req, "Ghi chú", "Note"), lw_web_field(o, "note"), CARD_TEXT);
    card_line(b, L(req, "Danh mục", "Registry entry"), lw_web_field(o, "registry"), CARD_PATH);
    lw_web_buf_puts(b, "</dl>\n");
    lw_web_buf_printf(b, "<h2>%s</h2>", L(req, "Sửa đổi, bổ sung và thay thế", "Amendments and replacements"));
    write_chain(b, req, json_object_get(o, "changed_by"),
                L(req, "Văn bản sửa đổi, thay thế văn bản này", "What amends or replaces it"));
    write_chain(b, req, json_object_get(o, "changes"),
                L(req, "Văn bản này sửa đổi, thay thế", "What it amends or replaces"));
    write_citing(b, req, json_object_get(o, "cited_by"));
    lw_web_buf_printf(b, "<p><a href=\"/registry%s\">%s</a></p>", req->en ? "?lang=en" : "",
                      L(req, "← Danh mục văn bản", "← Registry"));
    lw_web_page_end(b);
}

void lw_web_page_registry(const lw_web_request *req, const char *rest, lw_web_response *res)
{
    const char *id = id_of(rest);
    char *text;
    lawwatch_error err = {0};
    lawwatch_status st = lw_web_capture(req, write_registry, &id, &text, &err);
    if (st) {
        lw_web_fail(res, 0, st, &err);
        return;
    }
    json_t *doc = json_loads(text, 0, NULL);
    free(text);
    if (id ? !json_is_object(doc) : !json_is_array(doc)) {
        json_decref(doc);
        lw_web_error_page(res, 500, "Hết bộ nhớ.", "Out of memory.");
        return;
    }
    res->status = 200;
    res->content_type = LW_WEB_CT_HTML;
    if (id)
        page_entry(req, doc, res);
    else
        page_list(req, doc, res);
    json_decref(doc);
}
