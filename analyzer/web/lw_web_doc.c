/* lw_web_doc: /doc/ID (the header card, the stored text with every fact highlighted by kind,
 * a legend, the facts listed by kind, the findings, the duties, the original to download),
 * /doc/ID/original (the stored document's original file, only while it holds the stored
 * content: lawwatch_doc_original) and /api/doc/ID (the JSON of `lawwatch show --format json
 * ID`). The page is made from that same JSON.
 *
 * The highlighting contract (DESIGN.md, "Web routes"): each fact is one element
 * <span class="fact fact-KIND" data-fact="INDEX" id="f-INDEX" title="fields">, INDEX its index
 * in the JSON's facts. Facts nest (a deadline inside a duty, a date inside a citation); two
 * facts that cross (neither holds the other) are cut where the inner one's parent ends: the
 * rest of it is <span class="fact fact-KIND cont" data-cont="INDEX">, so the markup always
 * nests and every data-fact is there once; a fact's text is its element's text followed by
 * its data-cont pieces. A legal reference's element holds a link to the cited document when
 * it is stored, else to its registry entry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lw_web_pages.h"

/* The kinds a page knows by name, with their labels; another kind shows as itself. */
static const char *const kinds[][3] = {
    {"legal_ref", "Trích dẫn văn bản", "Legal references"}, {"relation", "Quan hệ văn bản", "Relations"},
    {"date", "Ngày tháng", "Dates"},                         {"deadline", "Thời hạn", "Deadlines"},
    {"agency", "Cơ quan", "Agencies"},                       {"duty", "Nhiệm vụ", "Duties"},
};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

/* The style of this page (the frame's is lw_web_html.c's): inline, as the CSP allows. */
static const char doc_style[] =
    "<style>"
    ".doc{display:grid;grid-template-columns:minmax(0,1fr);gap:1em}"
    "@media(min-width:70em){main{max-width:90em}.doc{grid-template-columns:minmax(0,3fr) minmax(0,2fr)}}"
    ".card{background:#fff;border:1px solid #ddd;border-radius:4px;padding:.6em .8em}"
    ".card dt{font-weight:bold;color:#555;font-size:.85em}.card dd{margin:0 0 .4em 0;overflow-wrap:anywhere}"
    ".doctext{white-space:pre-wrap;overflow-wrap:anywhere;background:#fff;border:1px solid #ddd;padding:1em;"
    "line-height:1.6}"
    ".fact{border-radius:2px}.fact-legal_ref{background:#cfe3ff}.fact-relation{background:#e2dcff}"
    ".fact-date{background:#ffd9ec}.fact-deadline{background:#ffe08a}.fact-agency{background:#d3f5dc}"
    ".fact-duty{border-bottom:2px solid #9b51e0}.fact-other{background:#eee}"
    ".fact a{color:inherit}.sw{display:inline-block;min-width:1.2em;padding:0 .3em}"
    ".legend{list-style:none;padding:0}.legend li{display:inline-block;margin:0 1em .3em 0}"
    ".side{font-size:.9em}.side li{margin-bottom:.3em;overflow-wrap:anywhere}"
    "table{border-collapse:collapse;width:100%;background:#fff}"
    "td,th{border:1px solid #ddd;padding:.3em;text-align:left;vertical-align:top;overflow-wrap:anywhere}"
    LW_WEB_FINDING_STYLE
    ".scroll{overflow-x:auto}"
    "</style>";

/* ---- /doc/ID parsing ---- */

/* The id at the start of rest ("12", "12/original"): > 0 and *tail after it, 0 when rest is
 * no number (a 400), -1 when it is a number no document can have (a 404). */
static long long parse_id(const char *rest, const char **tail)
{
    size_t n = strspn(rest, "0123456789");
    *tail = rest + n;
    if (!n)
        return 0;
    if (n > 18)
        return -1;
    long long id = strtoll(rest, NULL, 10);
    return id > 0 ? id : -1;
}

/* ---- reading the JSON ---- */

typedef struct {
    long long id;
} doc_ctx;

static lawwatch_status write_doc(lawwatch_db *db, const lw_web_request *req, void *ctx, FILE *out,
                                 lawwatch_error *err)
{
    const doc_ctx *d = ctx;
    lawwatch_view v = {LAWWATCH_FORMAT_JSON, 0, NULL};
    return lawwatch_doc_write(db, req->eng, d->id, &v, out, err);
}

/* The CSS kind of a fact's kind: the kind itself when it is [a-z_] only, else "other". */
static const char *css_kind(const char *k)
{
    return k && *k && strspn(k, "abcdefghijklmnopqrstuvwxyz_") == strlen(k) && strlen(k) < 32 ? k : "other";
}

static const char *kind_label(const lw_web_request *req, const char *k)
{
    for (size_t i = 0; i < N_KINDS; i++)
        if (k && !strcmp(kinds[i][0], k))
            return kinds[i][req->en ? 2 : 1];
    return k ? k : "?";
}

/* A JSON value as words (escaped into b): strings as they are, numbers, arrays joined by
 * ", ", objects as "key value" pairs; null is nothing. */
static void value_text(lw_web_buf *b, const json_t *v)
{
    size_t i;
    const char *k;
    const json_t *x;
    switch (json_typeof(v)) {
    case JSON_STRING:
        lw_web_html_text(b, json_string_value(v));
        break;
    case JSON_INTEGER:
        lw_web_buf_printf(b, "%lld", (long long)json_integer_value(v));
        break;
    case JSON_REAL:
        lw_web_buf_printf(b, "%g", json_real_value(v));
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        lw_web_buf_puts(b, json_is_true(v) ? "true" : "false");
        break;
    case JSON_ARRAY:
        json_array_foreach(v, i, x) {
            if (i)
                lw_web_buf_puts(b, ", ");
            value_text(b, x);
        }
        break;
    case JSON_OBJECT: {
        int first = 1;
        json_object_foreach((json_t *)v, k, x) {
            if (json_is_null(x))
                continue;
            lw_web_buf_puts(b, first ? "" : ", ");
            lw_web_html_text(b, k);
            lw_web_buf_puts(b, " ");
            value_text(b, x);
            first = 0;
        }
        break;
    }
    default:
        break;
    }
}

/* The Vietnamese name of a fact's field (the JSON keys are English, a contract); NULL when
 * there is none (the key is shown). */
static const char *field_vi(const char *key)
{
    static const char *const names[][2] = {
        {"activity", "công việc"}, {"cited_doc_id", "văn bản trong cơ sở dữ liệu"}, {"concerns", "liên quan"},
        {"date", "ngày"}, {"deadline", "thời hạn"}, {"from", "từ"}, {"id", "số hiệu"}, {"lead", "chủ trì"},
        {"level", "cấp"}, {"line", "dòng"}, {"name", "tên"}, {"number", "số"}, {"ocr_conf", "độ tin cậy OCR"},
        {"output", "sản phẩm"}, {"page", "trang"}, {"paragraph", "đoạn"}, {"partners", "phối hợp"},
        {"pinpoint", "điều, khoản"}, {"precision", "độ chính xác"}, {"province", "tỉnh"}, {"qualifier", "loại hạn"},
        {"role", "vai trò"}, {"section", "mục"}, {"source", "nguồn"}, {"symbol", "ký hiệu"}, {"title", "trích yếu"},
        {"to", "đến"}, {"topic", "chủ đề"}, {"type", "loại"}, {"units", "đơn vị"}, {"value", "giá trị"},
        {"year", "năm"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(key, names[i][0]))
            return names[i][1];
    return NULL;
}

/* A fact's fields (all but kind, text, span, rule) as "key: value" lines, escaped; the keys
 * in Vietnamese unless en. */
static void fact_fields(lw_web_buf *b, const json_t *f, const char *sep, int en)
{
    const char *k;
    const json_t *x;
    int first = 1;
    json_object_foreach((json_t *)f, k, x) {
        if (!strcmp(k, "kind") || !strcmp(k, "text") || !strcmp(k, "span") || !strcmp(k, "rule") || json_is_null(x) ||
            (json_is_array(x) && !json_array_size(x)))
            continue;
        lw_web_buf_puts(b, first ? "" : sep);
        lw_web_html_text(b, !en && field_vi(k) ? field_vi(k) : k);
        lw_web_buf_puts(b, ": ");
        value_text(b, x);
        first = 0;
    }
}

/* The href of a legal reference: the cited document when it is stored, else its registry
 * entry; 0 when it has neither (a law cited by name only). */
static int ref_href(lw_web_buf *b, const lw_web_request *req, const json_t *f)
{
    const json_t *cd = json_object_get(f, "cited_doc_id");
    const char *id = lw_web_field(f, "id");
    if (json_is_integer(cd))
        lw_web_buf_printf(b, "/doc/%lld", (long long)json_integer_value(cd));
    else if (id && *id) {
        lw_web_buf_puts(b, "/registry/");
        lw_web_url_arg(b, id);
    } else
        return 0;
    if (req->en)
        lw_web_buf_puts(b, "?lang=en");
    return 1;
}

/* ---- the text with its facts ---- */

typedef struct {
    size_t idx, start, end;
} fspan;

typedef struct {
    size_t idx, end;
    int link; /* this element holds an <a> */
} open_el;

static int by_start(const void *a, const void *b)
{
    const fspan *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end > y->end ? -1 : 1; /* the outer first */
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Back to the first byte of the UTF-8 character at p (a span never cuts a character). */
static size_t char_start(const char *t, size_t len, size_t p)
{
    if (p > len)
        p = len;
    while (p > 0 && p < len && ((unsigned char)t[p] & 0xC0) == 0x80)
        p--;
    return p;
}

/* Opens the element of fact i (cont: a continuation piece of it); *link set when it holds a
 * link (never inside another link). */
static void open_fact(lw_web_buf *b, const lw_web_request *req, const json_t *facts, size_t i, int cont, int in_link,
                      int *link)
{
    const json_t *f = json_array_get(facts, i);
    const char *kind = lw_web_field(f, "kind");
    lw_web_buf_printf(b, "<span class=\"fact fact-%s%s\" ", css_kind(kind), cont ? " cont" : "");
    if (cont)
        lw_web_buf_printf(b, "data-cont=\"%zu\">", i);
    else {
        lw_web_buf_printf(b, "data-fact=\"%zu\" id=\"f-%zu\" title=\"", i, i);
        lw_web_html_text(b, kind_label(req, kind));
        lw_web_buf_puts(b, "&#10;");
        fact_fields(b, f, "&#10;", req->en);
        lw_web_buf_puts(b, "\">");
    }
    *link = 0;
    if (!in_link && kind && !strcmp(kind, "legal_ref")) {
        lw_web_buf t = {0};
        if (ref_href(&t, req, f) && !t.oom) {
            lw_web_buf_puts(b, "<a href=\"");
            lw_web_buf_add(b, t.data, t.len);
            lw_web_buf_puts(b, "\">");
            *link = 1;
        }
        b->oom |= t.oom;
        lw_web_buf_free(&t);
    }
}

static void close_fact(lw_web_buf *b, const open_el *e) { lw_web_buf_puts(b, e->link ? "</a></span>" : "</span>"); }

/* Opens fact idx (ending at end; cont: a continued piece) inside the *depth open ones of st
 * and pushes it; a link is not opened inside another link. */
static void push_fact(lw_web_buf *b, const lw_web_request *req, const json_t *facts, open_el *st, size_t *depth,
                      size_t idx, size_t end, int cont)
{
    int in_link = 0;
    for (size_t u = 0; u < *depth; u++)
        in_link |= st[u].link;
    open_el e = {idx, end, 0};
    open_fact(b, req, facts, idx, cont, in_link, &e.link);
    st[(*depth)++] = e;
}

/* The text with every fact's element, nested (see the top of the file). */
static void write_text(lw_web_buf *b, const lw_web_request *req, const char *text, size_t len, const json_t *facts,
                       const json_t *spans)
{
    size_t n = json_array_size(facts);
    fspan *fs = calloc(n + 1, sizeof *fs);
    open_el *st = calloc(n + 1, sizeof *st);
    if (!fs || !st) {
        free(fs);
        free(st);
        b->oom = 1;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const json_t *sp = json_array_get(spans, i);
        json_int_t s = json_integer_value(json_array_get(sp, 0)), e = json_integer_value(json_array_get(sp, 1));
        size_t a = char_start(text, len, s > 0 ? (size_t)s : 0), z = char_start(text, len, e > 0 ? (size_t)e : 0);
        fs[i] = (fspan){i, a, z < a ? a : z};
    }
    qsort(fs, n, sizeof *fs, by_start);
    size_t pos = 0, k = 0, depth = 0;
    lw_web_buf_puts(b, "<div class=\"doctext\">");
    for (;;) {
        size_t p = k < n ? fs[k].start : (size_t)-1;
        for (size_t j = 0; j < depth; j++)
            if (st[j].end < p)
                p = st[j].end;
        if (p == (size_t)-1)
            break;
        if (p > pos) {
            lw_web_html_text_n(b, text + pos, p - pos);
            pos = p;
        }
        /* close what ends here: the outermost such element with everything inside it, then
         * open again (as pieces) those inside it that go on */
        for (;;) {
            size_t j = 0;
            while (j < depth && st[j].end > p)
                j++;
            if (j == depth)
                break;
            for (size_t t = depth; t-- > j;)
                close_fact(b, &st[t]);
            size_t top = depth;
            depth = j;
            for (size_t t = j + 1; t < top; t++)
                if (st[t].end > p)
                    push_fact(b, req, facts, st, &depth, st[t].idx, st[t].end, 1);
        }
        for (; k < n && fs[k].start == p; k++)
            push_fact(b, req, facts, st, &depth, fs[k].idx, fs[k].end, 0);
    }
    if (pos < len)
        lw_web_html_text(b, text + pos);
    lw_web_buf_puts(b, "</div>");
    free(fs);
    free(st);
}

/* ---- the parts of the page ---- */

static void card_row(lw_web_buf *b, const char *label, const char *value)
{
    if (!value || !*value)
        return;
    lw_web_buf_printf(b, "<dt>%s</dt><dd>", label);
    lw_web_html_text(b, value);
    lw_web_buf_puts(b, "</dd>");
}

static void write_card(lw_web_buf *b, const lw_web_request *req, const json_t *d)
{
    const json_t *h = json_object_get(d, "header");
    lw_web_buf_puts(b, "<dl class=\"card\">");
    card_row(b, L(req, "Loại văn bản", "Kind"), lw_web_field(h, "kind"));
    card_row(b, L(req, "Số, ký hiệu", "Number"), lw_web_field(h, "number"));
    card_row(b, L(req, "Ngày ban hành", "Date"), lw_web_field(h, "date"));
    card_row(b, L(req, "Cơ quan ban hành", "Issuer"), lw_web_field(h, "issuer"));
    card_row(b, L(req, "Địa danh", "Place"), lw_web_field(h, "place"));
    card_row(b, L(req, "Trích yếu", "Subject"), lw_web_field(h, "subject"));
    const json_t *sg = json_object_get(h, "signer");
    if (json_is_object(sg)) {
        lw_web_buf_printf(b, "<dt>%s</dt><dd>", L(req, "Người ký", "Signer"));
        const char *parts[] = {lw_web_field(sg, "authority"), lw_web_field(sg, "position"), lw_web_field(sg, "name")};
        for (int i = 0; i < 3; i++)
            if (parts[i] && *parts[i]) {
                lw_web_html_text(b, parts[i]);
                lw_web_buf_puts(b, i < 2 ? " " : "");
            }
        lw_web_buf_puts(b, "</dd>");
    }
    const json_t *rc = json_object_get(h, "recipients");
    if (json_array_size(rc)) {
        lw_web_buf_printf(b, "<dt>%s</dt><dd><ul>", L(req, "Nơi nhận", "Recipients"));
        size_t i;
        const json_t *x;
        json_array_foreach(rc, i, x) {
            lw_web_buf_puts(b, "<li>");
            lw_web_html_text(b, json_string_value(x));
            lw_web_buf_puts(b, "</li>");
        }
        lw_web_buf_puts(b, "</ul></dd>");
    }
    lw_web_buf_printf(b, "<dt>%s</dt><dd>", L(req, "Đọc từ", "Read as"));
    lw_web_html_text(b, lw_web_field(d, "source_format"));
    const json_t *pages = json_object_get(d, "pages");
    if (json_is_integer(pages))
        lw_web_buf_printf(b, ", %lld %s", (long long)json_integer_value(pages), L(req, "trang", "pages"));
    lw_web_buf_puts(b, " (");
    lw_web_html_text(b, lw_web_field(d, "encoding"));
    lw_web_buf_puts(b, ")");
    if (lw_web_field(d, "note")) {
        lw_web_buf_puts(b, "<br>");
        lw_web_html_text(b, lw_web_field(d, "note"));
    }
    lw_web_buf_puts(b, "</dd>");
    lw_web_buf_printf(b, "<dt>%s</dt><dd class=\"path\">", L(req, "Tệp", "Files"));
    size_t i;
    const json_t *x;
    json_array_foreach(json_object_get(d, "paths"), i, x) {
        lw_web_buf_puts(b, i ? "<br>" : "");
        lw_web_html_text(b, json_string_value(x));
    }
    lw_web_buf_puts(b, "</dd>");
    const json_t *orig = json_object_get(d, "original");
    lw_web_buf_printf(b, "<dt>%s</dt><dd>", L(req, "Bản gốc", "Original"));
    if (json_is_true(json_object_get(orig, "available"))) {
        lw_web_buf_printf(b, "<a href=\"/doc/%lld/original\" download>%s</a> (", (long long)json_integer_value(json_object_get(d, "id")),
                          L(req, "Tải bản gốc", "Download the original"));
        lw_web_html_text(b, lw_web_field(orig, "name"));
        lw_web_buf_printf(b, ", %lld B)", (long long)json_integer_value(json_object_get(orig, "size")));
    } else {
        lw_web_html_text(b, lw_web_field(orig, "name"));
        lw_web_buf_printf(b, " — %s", L(req, "không còn: tệp đã thay đổi hoặc bị chuyển đi từ khi nhập",
                                        "not available: the file changed or moved since it was ingested"));
    }
    lw_web_buf_puts(b, "</dd></dl>\n");
}

/* The kinds of the facts with their counts (the legend), in the order of kinds[] then as
 * they come. */
static void write_legend(lw_web_buf *b, const lw_web_request *req, const json_t *facts, json_t *counts)
{
    size_t i;
    const json_t *f;
    json_array_foreach(facts, i, f) {
        const char *k = lw_web_field(f, "kind");
        if (k)
            json_object_set_new(counts, k, json_integer(json_integer_value(json_object_get(counts, k)) + 1));
    }
    lw_web_buf_printf(b, "<ul class=\"legend\" aria-label=\"%s\">", L(req, "Chú giải", "Legend"));
    const char *k;
    json_t *n;
    json_object_foreach(counts, k, n) {
        lw_web_buf_printf(b, "<li><span class=\"sw fact-%s\">", css_kind(k));
        lw_web_html_text(b, kind_label(req, k));
        lw_web_buf_printf(b, "</span> (%lld)</li>", (long long)json_integer_value(n));
    }
    lw_web_buf_puts(b, "</ul>\n");
}

/* The facts by kind: each its text linked to its place, its fields, and for a legal
 * reference the links to its registry entry and to the cited document when stored. */
static void write_side(lw_web_buf *b, const lw_web_request *req, const json_t *facts, const json_t *counts)
{
    const char *k;
    json_t *n;
    lw_web_buf_printf(b, "<aside class=\"side\"><h2>%s</h2>", L(req, "Dữ kiện", "Facts"));
    json_object_foreach((json_t *)counts, k, n) {
        lw_web_buf_puts(b, "<h3>");
        lw_web_html_text(b, kind_label(req, k));
        lw_web_buf_printf(b, " (%lld)</h3><ol>", (long long)json_integer_value(n));
        size_t i;
        const json_t *f;
        json_array_foreach(facts, i, f) {
            const char *fk = lw_web_field(f, "kind");
            if (!fk || strcmp(fk, k))
                continue;
            lw_web_buf_printf(b, "<li value=\"%zu\"><a href=\"#f-%zu\">", i, i);
            lw_web_html_text(b, lw_web_field(f, "text"));
            lw_web_buf_puts(b, "</a>");
            lw_web_buf_puts(b, "<div class=\"meta\">");
            fact_fields(b, f, "; ", req->en);
            if (!strcmp(fk, "legal_ref")) {
                const char *id = lw_web_field(f, "id");
                const json_t *cd = json_object_get(f, "cited_doc_id");
                if (id && *id) {
                    lw_web_buf_puts(b, " · <a class=\"registry\" href=\"/registry/");
                    lw_web_url_arg(b, id);
                    lw_web_buf_printf(b, "%s\">%s</a>", req->en ? "?lang=en" : "", L(req, "danh mục", "registry"));
                }
                if (json_is_integer(cd))
                    lw_web_buf_printf(b, " · <a class=\"cited\" href=\"/doc/%lld%s\">%s</a>",
                                      (long long)json_integer_value(cd), req->en ? "?lang=en" : "",
                                      L(req, "văn bản trong cơ sở dữ liệu", "the document, stored"));
            }
            lw_web_buf_puts(b, "</div></li>");
        }
        lw_web_buf_puts(b, "</ol>");
    }
    lw_web_buf_puts(b, "</aside>\n");
}

static void write_findings(lw_web_buf *b, const lw_web_request *req, const json_t *fs)
{
    lw_web_buf_printf(b, "<section id=\"findings\"><h2>%s (%zu)</h2>", L(req, "Phát hiện", "Findings"),
                      json_array_size(fs));
    if (!json_array_size(fs)) {
        lw_web_buf_printf(b, "<p>%s</p></section>\n", L(req, "Không có phát hiện nào.", "No findings."));
        return;
    }
    lw_web_buf_puts(b, "<ul class=\"findings\">\n");
    size_t i;
    const json_t *f;
    json_array_foreach(fs, i, f)
        lw_web_finding(b, req, f);
    lw_web_buf_puts(b, "</ul></section>\n");
}

static void write_duties(lw_web_buf *b, const lw_web_request *req, const json_t *d)
{
    const json_t *du = json_object_get(d, "duties");
    lw_web_buf_printf(b, "<section id=\"duties\"><h2>%s (%zu)</h2>", L(req, "Nhiệm vụ", "Duties"), json_array_size(du));
    if (!json_array_size(du)) {
        lw_web_buf_printf(b, "<p>%s</p></section>\n", L(req, "Văn bản không giao nhiệm vụ nào.", "The document sets no duty."));
        return;
    }
    lw_web_buf_printf(b, "<p class=\"meta\">%s ", L(req, "Tình trạng ngày", "Status as of"));
    lw_web_html_text(b, lw_web_field(d, "as_of"));
    lw_web_buf_puts(b, "</p>");
    lw_web_buf_printf(b, "<div class=\"scroll\"><table><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>",
                      L(req, "Dòng", "Line"), L(req, "Nhiệm vụ", "Duty"), L(req, "Chủ trì, phối hợp", "Lead, partners"),
                      L(req, "Thời hạn", "Deadline"), L(req, "Tình trạng", "Status"));
    size_t i;
    const json_t *u;
    json_array_foreach(du, i, u) {
        const json_t *fi = json_object_get(u, "fact");
        lw_web_buf_puts(b, "<tr><td>");
        if (json_is_integer(fi))
            lw_web_buf_printf(b, "<a href=\"#f-%lld\">", (long long)json_integer_value(fi));
        value_text(b, json_object_get(u, "line"));
        lw_web_buf_puts(b, json_is_integer(fi) ? "</a></td><td>" : "</td><td>");
        lw_web_html_text(b, lw_web_field(u, "activity"));
        lw_web_buf_puts(b, "</td><td>");
        value_text(b, json_object_get(u, "lead"));
        if (json_array_size(json_object_get(u, "partners"))) {
            lw_web_buf_printf(b, "<br><span class=\"meta\">%s: ", L(req, "phối hợp", "partners"));
            value_text(b, json_object_get(u, "partners"));
            lw_web_buf_puts(b, "</span>");
        }
        lw_web_buf_puts(b, "</td><td>");
        const json_t *dl = json_object_get(u, "deadline");
        if (json_is_object(dl)) {
            lw_web_html_text(b, lw_web_field(dl, "to"));
            if (lw_web_field(dl, "text")) {
                lw_web_buf_puts(b, "<br><span class=\"meta\">");
                lw_web_html_text(b, lw_web_field(dl, "text"));
                lw_web_buf_puts(b, "</span>");
            }
        } else {
            lw_web_buf_puts(b, L(req, "chưa có thời hạn", "no deadline"));
        }
        lw_web_buf_puts(b, "</td><td>");
        const json_t *rp = json_object_get(u, "report"), *r;
        size_t j;
        if (!json_array_size(rp))
            lw_web_buf_puts(b, L(req, "không xét", "not judged"));
        json_array_foreach(rp, j, r) {
            lw_web_buf_puts(b, j ? "<br>" : "");
            lw_web_html_text(b, lw_web_field(r, "unit") ? lw_web_field(r, "unit") : "?");
            lw_web_buf_puts(b, ": <b>");
            lw_web_html_text(b, lw_web_field(r, "status"));
            lw_web_buf_puts(b, "</b>");
            const json_t *a = json_object_get(r, "answer");
            if (json_is_object(a)) {
                lw_web_buf_printf(b, " — <a href=\"/doc/%lld%s\">", (long long)json_integer_value(json_object_get(a, "id")),
                                  req->en ? "?lang=en" : "");
                lw_web_html_text(b, lw_web_field(a, "label") ? lw_web_field(a, "label") : L(req, "văn bản trả lời", "the answer"));
                lw_web_buf_puts(b, "</a>");
            }
        }
        lw_web_buf_puts(b, "</td></tr>");
    }
    lw_web_buf_puts(b, "</table></div></section>\n");
}

/* ---- the pages ---- */

/* The document's JSON (`show --format json`) into *out: LAWWATCH_OK, or the status and err. */
static lawwatch_status doc_json(const lw_web_request *req, long long id, char **out, lawwatch_error *err)
{
    doc_ctx c = {id};
    return lw_web_capture(req, write_doc, &c, out, err);
}

static void page_html(const lw_web_request *req, long long id, lw_web_response *res)
{
    char *text;
    lawwatch_error err = {0};
    lawwatch_status st = doc_json(req, id, &text, &err);
    if (st) {
        lw_web_fail(res, 0, st, &err);
        return;
    }
    json_t *d = json_loads(text, 0, NULL);
    free(text);
    json_t *counts = json_object();
    if (!json_is_object(d) || !counts) {
        json_decref(d);
        json_decref(counts);
        lw_web_fail(res, 0, LAWWATCH_ERR_NOMEM, &err);
        return;
    }
    lw_web_buf *b = &res->body;
    res->status = 200;
    res->content_type = LW_WEB_CT_HTML;
    const char *label = lw_web_field(d, "label"), *subject = lw_web_field(json_object_get(d, "header"), "subject");
    lw_web_page_begin(b, label ? label : lw_web_field(d, "path"), NULL, req->en);
    lw_web_buf_puts(b, doc_style);
    lw_web_buf_puts(b, "<h1>");
    lw_web_html_text(b, label ? label : lw_web_field(d, "path"));
    lw_web_buf_puts(b, "</h1>");
    if (subject) {
        lw_web_buf_puts(b, "<p><b>");
        lw_web_html_text(b, subject);
        lw_web_buf_puts(b, "</b></p>");
    }
    write_card(b, req, d);
    const json_t *facts = json_object_get(d, "facts");
    write_legend(b, req, facts, counts);
    lw_web_buf_puts(b, "<div class=\"doc\"><section>");
    lw_web_buf_printf(b, "<h2>%s</h2>", L(req, "Toàn văn", "Full text"));
    const json_t *tj = json_object_get(d, "text");
    if (json_is_string(tj))
        write_text(b, req, json_string_value(tj), json_string_length(tj), facts, json_object_get(d, "text_spans"));
    else
        lw_web_buf_printf(b, "<p class=\"err\">%s</p>",
                          L(req, "Văn bản đọc từ tệp gốc không còn trong bộ đệm; hãy nhập lại tệp gốc.",
                            "The text read from the original file is no longer cached; ingest the file again."));
    lw_web_buf_puts(b, "</section>");
    write_side(b, req, facts, counts);
    lw_web_buf_puts(b, "</div>");
    write_findings(b, req, json_object_get(d, "findings"));
    write_duties(b, req, d);
    lw_web_page_end(b);
    json_decref(counts);
    json_decref(d);
}

static void page_original(const lw_web_request *req, long long id, lw_web_response *res)
{
    lawwatch_db *db;
    lawwatch_error err = {0};
    lawwatch_status st = lw_web_db_open(req, &db, &err);
    void *bytes = NULL;
    size_t len = 0;
    char *name = NULL;
    if (!st) {
        st = lawwatch_doc_original(db, id, &bytes, &len, &name, &err);
        lawwatch_db_close(db);
    }
    if (st) {
        lw_web_fail(res, 0, st == LAWWATCH_ERR_TOO_LARGE ? LAWWATCH_ERR_NOT_FOUND : st, &err);
        return;
    }
    res->status = 200;
    res->content_type = lawwatch_media_type(bytes, len);
    /* handed over as the body, not copied: an original may be large (a NUL follows it, as a
     * buffer's data has one; both are freed with free) */
    lw_web_buf_free(&res->body);
    res->body = (lw_web_buf){.data = bytes, .len = len, .cap = len + 1};
    res->filename = name;
}

void lw_web_page_doc(const lw_web_request *req, const char *rest, lw_web_response *res)
{
    const char *tail;
    long long id = parse_id(rest, &tail);
    if (!id) {
        lw_web_error_page(res, 400, "Mã văn bản phải là một số.", "The document id must be a number.");
        return;
    }
    if (*tail && strcmp(tail, "/original")) {
        lw_web_error_page(res, 404, "Không có trang này.", "No such page.");
        return;
    }
    if (id < 0) {
        lw_web_error_page(res, 404, "Không có văn bản này.", "No such document.");
        return;
    }
    if (*tail)
        page_original(req, id, res);
    else
        page_html(req, id, res);
}

void lw_web_page_api_doc(const lw_web_request *req, const char *rest, lw_web_response *res)
{
    const char *tail;
    long long id = parse_id(rest, &tail);
    if (!id || *tail) {
        lw_web_api_error(res, id ? 404 : 400, id ? "no such path" : "the document id must be a number");
        return;
    }
    if (id < 0) {
        lw_web_api_error(res, 404, "no such document");
        return;
    }
    doc_ctx c = {id};
    lw_web_api_answer(req, write_doc, &c, res);
}
