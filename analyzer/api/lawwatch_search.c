/* lawwatch_search.c: the public search and fact queries (include/lawwatch.h): full-text
 * search, the documents citing a legal document, deadlines in a period; as rows for a program
 * (lawwatch_search, lawwatch_cites, lawwatch_deadlines_in) and written as the lawwatch
 * command shows them (lawwatch_search_write, lawwatch_cites_write, lawwatch_deadlines_write):
 * a table naming each document as reviewers do, or the design's JSON. */
#include "lawwatch_impl.h"

#include <stdlib.h>
#include <string.h>

#include "lw_registry.h"
#include "lw_store_text.h"

/* The subject after a label is cut near this many bytes (at a space, not before the
 * minimum): an OCR'd subject can run over a whole paragraph. */
#define LW_API_SUBJECT_MAX 200
#define LW_API_SUBJECT_MIN 120
/* How many paths of one content the table lists ("cũng ở / also at"). */
#define LW_API_PATHS_SHOWN 64
/* Room for an error's "file:line:col: " around its file and message. */
#define LW_API_PLACE_MAX 64
/* A short note of the message table (the registry left out). */
#define LW_API_NOTE_MAX 256
/* "danh mục FILE:LINE": a path and a line number. */
#define LW_API_SOURCE_MAX 4200

struct lawwatch_hits {
    lawwatch_hit *hits;
    size_t n, cap;
    lw_status st; /* sticky: out of memory while collecting */
};

/* ---- search ---- */

static char *dup_or_empty(const char *s) { return strdup(s ? s : ""); }

static int on_hit(void *ud, const lw_search_hit *h)
{
    lawwatch_hits *r = ud;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        lawwatch_hit *p = realloc(r->hits, cap * sizeof *p);
        if (!p) {
            r->st = LW_ERR_NOMEM;
            return 1;
        }
        r->hits = p;
        r->cap = cap;
    }
    lw_buf label = {0};
    int rc = lw_doc_label(&label, h->kind, h->number, h->date, h->issuer);
    if (rc < 0) {
        lw_buf_free(&label);
        r->st = LW_ERR_NOMEM;
        return 1;
    }
    lawwatch_hit *x = &r->hits[r->n];
    x->path = dup_or_empty(h->path);
    x->label = rc == 0 ? lw_buf_detach(&label, NULL) : dup_or_empty(h->path);
    lw_buf_free(&label);
    x->snippet = dup_or_empty(h->snippet);
    x->score = h->score;
    r->n++; /* counted before the check, so that lawwatch_hits_free releases what was made */
    if (!x->path || !x->label || !x->snippet) {
        r->st = LW_ERR_NOMEM;
        return 1;
    }
    return 0;
}

lawwatch_status lawwatch_search(lawwatch_db *db, const lawwatch_search_query *q, lawwatch_hits **out,
                                lawwatch_error *err)
{
    *out = NULL;
    if (!q || !q->query || !*q->query)
        return lw_api_fail(err, LW_ERR_USAGE, LW_MSG_API_NO_QUERY);
    lawwatch_hits *r = calloc(1, sizeof *r);
    if (!r)
        return LAWWATCH_NOMEM(err);
    lw_search_query iq = {.query = q->query, .year = q->year, .kind = q->kind, .issuer = q->issuer,
                          .limit = q->limit, .unit = q->unit, .offset = q->offset};
    lw_error ie;
    lw_error_clear(&ie);
    unsigned long oom = lw_oom_mark();
    lw_status st = lw_store_search(db->store, &iq, on_hit, r, NULL, &ie);
    if (!st && lw_oom_since(oom))
        r->st = LW_ERR_NOMEM; /* a snippet or a label cut short (lw_oom) */
    if (!st && r->st)
        st = lw_error_msg(&ie, r->st, NULL, 0, 0, LW_MSG_NOMEM);
    if (st) {
        lawwatch_hits_free(r);
        return lw_api_out_error(err, &ie);
    }
    *out = r;
    return LAWWATCH_OK;
}

lawwatch_status lawwatch_search_facets(lawwatch_db *db, const lawwatch_search_query *q, char **json,
                                       lawwatch_error *err)
{
    *json = NULL;
    if (!q || !q->query || !*q->query)
        return lw_api_fail(err, LW_ERR_USAGE, LW_MSG_API_NO_QUERY);
    lw_search_query iq = {.query = q->query, .year = q->year, .kind = q->kind, .issuer = q->issuer, .unit = q->unit};
    lw_error ie;
    lw_error_clear(&ie);
    json_t *o = NULL;
    unsigned long oom = lw_oom_mark();
    lw_status st = lw_store_search_facets(db->store, &iq, &o, &ie);
    if (!st && (lw_oom_since(oom) || !(*json = lw_json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER))))
        st = lw_error_msg(&ie, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    json_decref(o);
    return st ? lw_api_out_error(err, &ie) : LAWWATCH_OK;
}

void lawwatch_hits_free(lawwatch_hits *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n; i++) {
        free((char *)h->hits[i].path);
        free((char *)h->hits[i].label);
        free((char *)h->hits[i].snippet);
    }
    free(h->hits);
    free(h);
}

size_t lawwatch_hits_count(const lawwatch_hits *h) { return h ? h->n : 0; }

const lawwatch_hit *lawwatch_hits_get(const lawwatch_hits *h, size_t i)
{
    return h && i < h->n ? &h->hits[i] : NULL;
}

/* ---- cites, deadlines ---- */

/* Collects the rows of a fact query into one JSON array. */
static int on_row(void *ud, json_t *row) { return json_array_append(ud, row) != 0; }

/* Failures noted since oom (lw_oom) fail it: a row may lack a key. */
static lawwatch_status rows_to_text(json_t *rows, lw_status st, lw_error *ie, unsigned long oom, char **json,
                                    lawwatch_error *err)
{
    if (!st && lw_oom_since(oom))
        st = lw_error_msg(ie, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    if (!st && !(*json = lw_json_dumps(rows, JSON_INDENT(1) | JSON_PRESERVE_ORDER)))
        st = lw_error_msg(ie, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    json_decref(rows);
    return st ? lw_api_out_error(err, ie) : LAWWATCH_OK;
}

lawwatch_status lawwatch_cites(lawwatch_db *db, const char *id, int limit, char **json, lawwatch_error *err)
{
    *json = NULL;
    if (!id || !*id)
        return lw_api_fail(err, LW_ERR_USAGE, LW_MSG_API_NO_ID);
    unsigned long oom = lw_oom_mark();
    json_t *rows = json_array();
    if (!rows)
        return LAWWATCH_NOMEM(err);
    lw_error ie;
    lw_error_clear(&ie);
    size_t n = 0;
    lw_status st = lw_store_cites(db->store, id, limit, on_row, rows, &n, &ie);
    if (!st && n != json_array_size(rows))
        st = lw_error_msg(&ie, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    return rows_to_text(rows, st, &ie, oom, json, err);
}

lawwatch_status lawwatch_deadlines_in(lawwatch_db *db, const char *period, int limit, char **json,
                                      lawwatch_error *err)
{
    *json = NULL;
    char from[11], to[11];
    if (!period || lw_period_parse(period, from, to))
        return lw_api_fail(err, LW_ERR_USAGE, LW_MSG_API_BAD_PERIOD);
    unsigned long oom = lw_oom_mark();
    json_t *rows = json_array();
    if (!rows)
        return LAWWATCH_NOMEM(err);
    lw_error ie;
    lw_error_clear(&ie);
    size_t n = 0;
    lw_status st = lw_store_deadlines_in(db->store, from, to, limit, on_row, rows, &n, &ie);
    if (!st && n != json_array_size(rows))
        st = lw_error_msg(&ie, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    return rows_to_text(rows, st, &ie, oom, json, err);
}

/* ---- written as the command shows them ---- */

/* The state of one written query: where to, how, and the rows so far. */
typedef struct {
    int json;
    json_t *arr;     /* JSON: the rows, written at the end */
    size_t n;
    const char *cwd; /* paths below it shown relative ("" : as stored) */
    FILE *out;
    json_t *changes; /* --cites: what amends or replaces the cited document (array) */
    int nomem;       /* sticky: memory ran out while making a row */
    unsigned long oom; /* lw_oom's mark at the start: failures noted since fail the query */
    size_t first;      /* search: the rows skipped before (offset), for their numbers */
} out_state;

/* Marks o out of memory when an lw_buf or jansson call gave a negative status; what was
 * made goes on being freed as usual, and the query ends with LAWWATCH_ERR_NOMEM. */
#define CHK(o, call) ((o)->nomem |= (call) < 0)

static json_t *str_or_null(const char *s) { return lw_store_json_text(s); }

/* A path as reports show it: relative when below the working folder. Borrowed. */
static const char *shown(const out_state *o, const char *path) { return path ? lw_path_below(path, o->cwd) : "-"; }

/* One line: white space runs squeezed to one space, Markdown emphasis (** and __, what
 * text converted from PDFs carries around bold words) dropped; appended to b. */
static int put_flat(lw_buf *b, const char *s)
{
    int sp = b->len == 0, rc = 0;
    for (; s && *s; s++) {
        if ((s[0] == '*' || s[0] == '_') && s[1] == s[0]) {
            while (s[1] == s[0])
                s++;
            continue;
        }
        if (*s == '\n' || *s == '\r' || *s == '\t' || *s == ' ') {
            if (!sp)
                rc |= lw_buf_putc(b, ' ');
            sp = 1;
        } else {
            rc |= lw_buf_putc(b, *s);
            sp = 0;
        }
    }
    while (b->len && b->data[b->len - 1] == ' ')
        b->data[--b->len] = '\0';
    return rc < 0 ? -1 : 0;
}

/* put_flat into a new string; owned (free()), never NULL unless out of memory. */
static char *flat(const char *s)
{
    lw_buf b = {0};
    if (put_flat(&b, s ? s : "")) {
        lw_buf_free(&b);
        return NULL;
    }
    return b.len ? lw_buf_detach(&b, NULL) : (lw_buf_free(&b), strdup(""));
}

/* The subject after a label: one line, at most about 200 bytes, cut at a space ("…").
 * 0, or -1 when memory ran out. */
static int put_subject(lw_buf *b, const char *subj)
{
    char *f = flat(subj);
    if (!f)
        return -1;
    size_t n = strlen(f);
    int rc;
    if (n > LW_API_SUBJECT_MAX) {
        size_t k = LW_API_SUBJECT_MAX;
        while (k > LW_API_SUBJECT_MIN && f[k] != ' ')
            k--;
        while (k && ((unsigned char)f[k] & 0xC0) == 0x80) /* on a character's first byte */
            k--;
        rc = lw_buf_append(b, f, k) | lw_buf_printf(b, "…");
    } else {
        rc = lw_buf_append(b, f, n);
    }
    free(f);
    return rc < 0 ? -1 : 0;
}

/* A document as reviewers name it, from a row's kind, number, date, issuer and subject:
 * "Kế hoạch số 48/KH-UBND ngày 10/01/2025 của Ủy ban nhân dân tỉnh Sóc Trăng: <subject>".
 * label (may be NULL) gets the label alone (owned, NULL when the header names nothing).
 * Returns owned; NULL when the header gives neither label nor subject (show the path).
 * *nomem is set when memory ran out (then both may be NULL). */
static char *doc_name(const char *kind, const char *number, const char *date, const char *issuer,
                      const char *subject, char **label, int *nomem)
{
    lw_buf b = {0};
    int rc = lw_doc_label(&b, kind, number, date, issuer), bad = rc < 0;
    if (label) {
        *label = rc == 0 && b.len ? strdup(b.data) : NULL;
        bad |= rc == 0 && b.len && !*label;
    }
    if (subject && *subject) {
        if (rc == 0 && b.len)
            bad |= lw_buf_append(&b, ": ", 2) < 0;
        bad |= put_subject(&b, subject) < 0;
    }
    *nomem |= bad;
    return b.len ? lw_buf_detach(&b, NULL) : (lw_buf_free(&b), NULL);
}

/* What the table says of a document whose header gives no number, date, issuer nor subject
 * (a scan read badly): "(vi / en)"; its path follows on the next line. */
static int put_no_name(lw_buf *b) { return lw_buf_printf(b, "(%s / %s)", LW_VI(API_NO_NAME), LW_EN(API_NO_NAME)); }

static const char *js(json_t *row, const char *k)
{
    const char *s = json_string_value(json_object_get(row, k));
    return s ? s : NULL;
}

/* "15/11/2025" from "2025-11-15" into buf (11 bytes); the input when not ISO. */
static const char *date_vi(const char *iso, char *buf)
{
    int y, m, d;
    if (!iso || sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return iso ? iso : "?";
    snprintf(buf, 11, "%02u/%02u/%04u", (unsigned)d % 100u, (unsigned)m % 100u, (unsigned)y % 10000u);
    return buf;
}

/* The name of a row's document (label: subject) into b, and for JSON the keys every row
 * naming a document carries: label, path and paths as shown. */
static void name_row(out_state *o, json_t *row, lw_buf *b)
{
    char *label = NULL;
    char *name = doc_name(js(row, "kind"), js(row, "number"), js(row, "date"), js(row, "issuer"), js(row, "subject"),
                          &label, &o->nomem);
    if (o->json) {
        CHK(o, json_object_set_new(row, "label", str_or_null(label)));
        CHK(o, json_object_set_new(row, "path", str_or_null(shown(o, js(row, "path")))));
        json_t *paths = json_object_get(row, "paths");
        size_t i;
        json_t *p;
        json_array_foreach(paths, i, p) if (json_is_string(p))
            CHK(o, json_array_set_new(paths, i, str_or_null(shown(o, json_string_value(p)))));
    } else if (b) {
        CHK(o, name ? lw_buf_printf(b, "%s", name) : put_no_name(b));
    }
    free(label);
    free(name);
}

/* The document's other paths, for the table: " (cũng ở / also at: a, b)". */
static void put_also(out_state *o, lw_buf *b, const char *const *paths, size_t n)
{
    for (size_t i = 1; i < n; i++)
        CHK(o, i == 1 ? lw_buf_printf(b, " (%s / %s: %s", LW_VI(API_ALSO_AT), LW_EN(API_ALSO_AT), shown(o, paths[i]))
                      : lw_buf_printf(b, ", %s", shown(o, paths[i])));
    if (n > 1)
        CHK(o, lw_buf_putc(b, ')'));
}

static void put_also_json(out_state *o, lw_buf *b, json_t *row)
{
    json_t *paths = json_object_get(row, "paths");
    const char *v[LW_API_PATHS_SHOWN];
    size_t n = 0, i;
    json_t *p;
    json_array_foreach(paths, i, p) if (n < LW_API_PATHS_SHOWN && json_is_string(p)) v[n++] = json_string_value(p);
    put_also(o, b, v, n);
}

static int write_hit(void *ud, const lw_search_hit *h)
{
    out_state *o = ud;
    o->n++;
    char *label = NULL;
    char *name = doc_name(h->kind, h->number, h->date, h->issuer, h->subject, &label, &o->nomem);
    if (o->json) {
        json_t *r = json_object();
        CHK(o, json_object_set_new(r, "path", str_or_null(h->path ? shown(o, h->path) : NULL)));
        CHK(o, json_object_set_new(r, "number", str_or_null(h->number)));
        CHK(o, json_object_set_new(r, "kind", str_or_null(h->kind)));
        CHK(o, json_object_set_new(r, "issuer", str_or_null(h->issuer)));
        CHK(o, json_object_set_new(r, "date", str_or_null(h->date)));
        /* four significant digits: bm25 of words found in nearly every document is of the
         * order of 1e-6, which rounding to decimals made 0.0 */
        char sc[32];
        snprintf(sc, sizeof sc, "%.4g", h->score);
        CHK(o, json_object_set_new(r, "score", json_real(strtod(sc, NULL))));
        CHK(o, json_object_set_new(r, "snippet", str_or_null(h->snippet)));
        CHK(o, json_object_set_new(r, "label", str_or_null(label)));
        CHK(o, json_object_set_new(r, "id", json_integer(h->id)));
        CHK(o, json_object_set_new(r, "subject", str_or_null(h->subject)));
        json_t *paths = json_array();
        for (size_t i = 0; i < h->n_paths; i++)
            CHK(o, json_array_append_new(paths, str_or_null(shown(o, h->paths[i]))));
        CHK(o, json_object_set_new(r, "paths", paths));
        CHK(o, json_array_append_new(o->arr, r));
    } else {
        lw_buf b = {0};
        CHK(o, lw_buf_printf(&b, "%zu. ", o->first + o->n));
        CHK(o, name ? lw_buf_printf(&b, "%s", name) : put_no_name(&b));
        CHK(o, lw_buf_printf(&b, "  (%.3g)\n   %s", h->score, shown(o, h->path)));
        put_also(o, &b, h->paths, h->n_paths);
        CHK(o, lw_buf_printf(&b, "\n   "));
        CHK(o, put_flat(&b, h->snippet));
        fprintf(o->out, "%s\n", b.data ? b.data : "");
        lw_buf_free(&b);
    }
    free(label);
    free(name);
    return o->nomem; /* out of memory: stop */
}


/* ", dòng N" of a row's fact, or where it is in a PDF or image (", trang P, dòng N": the
 * line on the page) or a Word/ODT file (", đoạn K"), with the OCR confidence of its words
 * when the page was OCR'd, so that a reviewer opens the right page of the scan. */
static void put_where(out_state *o, lw_buf *b, json_t *row)
{
    long long line = (long long)json_integer_value(json_object_get(row, "line"));
    json_t *page = json_object_get(row, "page"), *para = json_object_get(row, "paragraph");
    json_t *conf = json_object_get(row, "ocr_conf");
    if (json_is_integer(page))
        CHK(o, lw_buf_printf(b, ", %s %lld, %s %lld", LW_VI(API_PAGE), (long long)json_integer_value(page),
                             LW_VI(API_LINE), line));
    else if (json_is_integer(para))
        CHK(o, lw_buf_printf(b, ", %s %lld", LW_VI(API_PARAGRAPH), (long long)json_integer_value(para)));
    else
        CHK(o, lw_buf_printf(b, ", %s %lld", LW_VI(API_LINE), line));
    if (json_is_integer(conf))
        CHK(o, lw_buf_printf(b, " (OCR %lld%%)", (long long)json_integer_value(conf)));
}

static int on_cite(void *ud, json_t *row)
{
    out_state *o = ud;
    o->n++;
    char *text = flat(js(row, "text"));
    if (!text)
        o->nomem = 1;
    else
        CHK(o, json_object_set_new(row, "text", json_string(text)));
    if (o->json) {
        name_row(o, row, NULL);
        CHK(o, json_object_set(row, "cited_changes", o->changes));
        CHK(o, json_array_append(o->arr, row));
        free(text);
        return o->nomem;
    }
    lw_buf b = {0};
    CHK(o, lw_buf_printf(&b, "%zu. ", o->n));
    name_row(o, row, &b);
    long long mentions = (long long)json_integer_value(json_object_get(row, "mentions"));
    CHK(o, lw_buf_printf(&b, "\n   %s", shown(o, js(row, "path"))));
    put_also_json(o, &b, row);
    put_where(o, &b, row);
    if (mentions > 1) { /* " (vi / en)", each with the count */
        CHK(o, lw_buf_printf(&b, " ("));
        CHK(o, lw_buf_printf(&b, LW_VI(API_FIRST_MENTION), mentions));
        CHK(o, lw_buf_printf(&b, " / "));
        CHK(o, lw_buf_printf(&b, LW_EN(API_FIRST_MENTION), mentions));
        CHK(o, lw_buf_putc(&b, ')'));
    }
    CHK(o, lw_buf_printf(&b, ": %s", text ? text : ""));
    if (js(row, "pinpoint") && !strstr(text ? text : "", js(row, "pinpoint")))
        CHK(o, lw_buf_printf(&b, " (%s)", js(row, "pinpoint")));
    fprintf(o->out, "%s\n", b.data ? b.data : "");
    lw_buf_free(&b);
    free(text);
    return o->nomem;
}

static int on_deadline(void *ud, json_t *row)
{
    out_state *o = ud;
    o->n++;
    char *text = flat(js(row, "text"));
    if (!text)
        o->nomem = 1;
    else
        CHK(o, json_object_set_new(row, "text", json_string(text)));
    if (o->json) {
        name_row(o, row, NULL);
        CHK(o, json_array_append(o->arr, row));
        free(text);
        return o->nomem;
    }
    const char *from = js(row, "from"), *to = js(row, "to"), *q = js(row, "qualifier");
    const char *unit = js(row, "unit"), *near = js(row, "nearby_agency");
    char d1[11], d2[11];
    lw_buf b = {0};
    if (q && !strcmp(q, "recurring"))
        CHK(o, lw_buf_printf(&b, "%s, ", LW_VI(API_RECURRING)));
    if (!from || (to && !strcmp(from, to)))
        CHK(o, lw_buf_printf(&b, "%s %s", from ? LW_VI(API_DATE_ON) : LW_VI(API_UNTIL), date_vi(to, d2)));
    else
        CHK(o, lw_buf_printf(&b, LW_VI(API_FROM_TO), date_vi(from, d1), date_vi(to, d2)));
    /* a unit only when a duty names it; the agency named nearby is a guess, said as one */
    if (unit)
        CHK(o, lw_buf_printf(&b, "   %s", unit));
    else
        CHK(o, lw_buf_printf(&b, "   %s", LW_VI(API_NO_UNIT)));
    if (!unit && near) {
        CHK(o, lw_buf_printf(&b, " ("));
        CHK(o, lw_buf_printf(&b, LW_VI(API_NEARBY), near));
        CHK(o, lw_buf_putc(&b, ')'));
    }
    CHK(o, lw_buf_printf(&b, "\n   "));
    name_row(o, row, &b);
    CHK(o, lw_buf_printf(&b, "\n   %s", shown(o, js(row, "path"))));
    put_also_json(o, &b, row);
    put_where(o, &b, row);
    CHK(o, lw_buf_printf(&b, ": %s", text ? text : ""));
    fprintf(o->out, "%s\n", b.data ? b.data : "");
    lw_buf_free(&b);
    free(text);
    return o->nomem;
}

/* Collects a row; stops (1) when memory runs out, which the caller tells from the count. */
static int collect_row(void *ud, json_t *row) { return json_array_append(ud, row) != 0; }

/* 1 when changes already lists type and id (compared folded); -1 when memory ran out. */
static int has_change(json_t *changes, const char *type, const char *id)
{
    size_t i;
    json_t *c;
    char *k = lw_store_fold(id);
    if (!k)
        return -1;
    int found = 0;
    json_array_foreach(changes, i, c) {
        char *ck = lw_store_fold(json_string_value(json_object_get(c, "id")));
        if (!ck) {
            found = -1;
            break;
        }
        found = !strcmp(ck, k) && !strcmp(json_string_value(json_object_get(c, "type")), type);
        free(ck);
        if (found)
            break;
    }
    free(k);
    return found;
}

/* One change stated by an ingested document (a row of lw_store_changes_of) into o->changes,
 * unless it is there already. */
static void add_stated_change(out_state *o, json_t *r)
{
    const char *type = !strcmp(js(r, "type"), "replaces") ? "replaced_by" : "amended_by", *by = js(r, "by");
    int known = by ? has_change(o->changes, type, by) : 1;
    if (known) {
        o->nomem |= known < 0;
        return;
    }
    lw_buf src = {0};
    char *label = NULL,
         *dn = doc_name(js(r, "kind"), js(r, "number"), js(r, "date"), js(r, "issuer"), NULL, &label, &o->nomem);
    CHK(o, lw_buf_printf(&src, "%s%s%s", dn ? dn : "", dn ? ", " : "", shown(o, js(r, "path"))));
    put_where(o, &src, r);
    json_t *ch = json_pack("{s:s,s:s,s:s,s:I}", "type", type, "id", by, "source", src.data ? src.data : "",
                           "doc_id", (json_int_t)json_integer_value(json_object_get(r, "id")));
    /* "Thông tư này thay thế ...": the amending document is the stating one */
    char *kb = lw_store_fold(by), *kn = lw_store_fold(js(r, "number"));
    lw_buf bl = {0};
    if (!ch || !kb || (js(r, "number") && !kn)) {
        o->nomem = 1;
    } else if (label && kn && !strcmp(kb, kn)) {
        CHK(o, json_object_set_new(ch, "label", json_string(label)));
    } else if (js(r, "by_type")) {
        int rc = lw_doc_label(&bl, js(r, "by_type"), by, js(r, "by_date"), NULL);
        if (rc == 0) /* as the stating document cites it */
            CHK(o, json_object_set_new(ch, "label", json_string(bl.data)));
        o->nomem |= rc < 0;
    }
    lw_buf_free(&bl);
    free(kb);
    free(kn);
    CHK(o, json_array_append_new(o->changes, ch));
    free(label);
    free(dn);
    lw_buf_free(&src);
}

/* What amends or replaces the cited document id, into o->changes (an array of {"type":
 * "amended_by"|"replaced_by", "id", "source"}), and for the table into head: from the
 * registry (rules/registry.yaml, with the entry's place), then from what ingested
 * documents state (the stating document and its line), each change once. reg may be NULL.
 * Memory running out marks o (o->nomem). */
static lw_status cited_changes(out_state *o, lw_store *s, const lw_registry *reg, const char *id, lw_buf *head,
                               lw_error *err)
{
    const lw_registry_entry *e = reg ? lw_registry_find(reg, id) : NULL;
    const char *name = e ? e->id : id;
    if (!(o->changes = json_array())) {
        o->nomem = 1;
        return LW_OK;
    }
    if (e) {
        CHK(o, lw_buf_printf(head, "%s (%s): ", LW_VI(API_CITED), LW_EN(API_CITED)));
        int rc = lw_doc_label(head, e->type, e->id, e->issued, e->issuer);
        o->nomem |= rc < 0;
        if (rc != 0)
            CHK(o, lw_buf_printf(head, "%s", e->id));
        if (e->title) {
            CHK(o, lw_buf_printf(head, ": "));
            CHK(o, put_subject(head, e->title));
        }
        CHK(o, lw_buf_putc(head, '\n'));
        char src[LW_API_SOURCE_MAX];
        snprintf(src, sizeof src, LW_VI(API_REGISTRY_AT), shown(o, e->file), e->line);
        for (size_t i = 0; i < e->n_amended_by; i++)
            CHK(o, json_array_append_new(o->changes, json_pack("{s:s,s:s,s:s}", "type", "amended_by", "id",
                                                               e->amended_by[i], "source", src)));
        if (e->replaced_by)
            CHK(o, json_array_append_new(o->changes, json_pack("{s:s,s:s,s:s}", "type", "replaced_by", "id",
                                                               e->replaced_by, "source", src)));
    }
    json_t *rows = json_array();
    if (!rows) {
        o->nomem = 1;
        return LW_OK;
    }
    size_t nrows = 0;
    lw_status st = lw_store_changes_of(s, id, collect_row, rows, &nrows, err);
    o->nomem |= !st && nrows != json_array_size(rows);
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        if (o->nomem)
            break;
        add_stated_change(o, r);
    }
    /* not in the registry: named as the documents write it, not as typed */
    if (!e && json_array_size(rows) && js(json_array_get(rows, 0), "of"))
        name = js(json_array_get(rows, 0), "of");
    json_t *c;
    json_array_foreach(o->changes, i, c) {
        if (o->nomem)
            break;
        /* the amending document named with its dates when the registry knows it */
        const lw_registry_entry *by = reg ? lw_registry_find(reg, json_string_value(json_object_get(c, "id"))) : NULL;
        lw_buf bl = {0};
        char d1[11];
        int rc = by ? lw_doc_label(&bl, by->type, by->id, by->issued, by->issuer) : 1;
        o->nomem |= rc < 0;
        if (rc == 0 && bl.len) {
            CHK(o, json_object_set_new(c, "label", json_string(bl.data)));
            if (by->effective) {
                CHK(o, json_object_set_new(c, "effective", json_string(by->effective)));
                CHK(o, lw_buf_printf(&bl, ", "));
                CHK(o, lw_buf_printf(&bl, LW_VI(API_IN_FORCE_FROM), date_vi(by->effective, d1)));
            }
        } else if (json_is_string(json_object_get(c, "label"))) {
            CHK(o, lw_buf_printf(&bl, "%s", json_string_value(json_object_get(c, "label"))));
        } else {
            CHK(o, lw_buf_printf(&bl, "%s", json_string_value(json_object_get(c, "id"))));
        }
        int repl = !strcmp(json_string_value(json_object_get(c, "type")), "replaced_by");
        if (!o->nomem) {
            CHK(o, lw_buf_printf(head, LW_VI(API_CHANGED_BY), name, repl ? LW_VI(API_REPLACED) : LW_VI(API_AMENDED),
                                 bl.data, json_string_value(json_object_get(c, "source"))));
            CHK(o, lw_buf_putc(head, '\n'));
        }
        lw_buf_free(&bl);
    }
    if (e && !strcmp(e->status, "expired") && !json_array_size(o->changes)) {
        CHK(o, lw_buf_printf(head, LW_VI(API_EXPIRED), name, shown(o, e->file), e->line));
        CHK(o, lw_buf_putc(head, '\n'));
    }
    json_decref(rows);
    return st;
}

/* Starts the state of a written query; 0, or -1 when memory ran out. */
static int out_init(out_state *o, const lawwatch_view *v, FILE *out)
{
    memset(o, 0, sizeof *o);
    o->oom = lw_oom_mark();
    o->json = v && v->format == LAWWATCH_FORMAT_JSON;
    o->cwd = v && v->cwd ? v->cwd : "";
    o->out = out;
    if (o->json && !(o->arr = json_array()))
        return -1;
    return 0;
}

/* Ends a written query: the JSON array when all went well; frees the state. */
static lawwatch_status out_end(out_state *o, lw_status st, lw_error *ie, size_t *n, lawwatch_error *err)
{
    if (!st && (o->nomem || lw_oom_since(o->oom))) /* a row may lack a key, a line be cut short */
        st = lw_error_msg(ie, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    if (!st && o->json) {
        char *text = lw_json_dumps(o->arr, JSON_INDENT(2) | JSON_REAL_PRECISION(4));
        if (!text) {
            st = lw_error_msg(ie, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
        } else {
            fputs(text, o->out);
            fputc('\n', o->out);
            free(text);
        }
    }
    if (n)
        *n = st ? 0 : o->n;
    json_decref(o->arr);
    json_decref(o->changes);
    return st ? lw_api_out_error(err, ie) : LAWWATCH_OK;
}

static int view_ok(const lawwatch_view *v)
{
    return !v || v->format == LAWWATCH_FORMAT_TEXT || v->format == LAWWATCH_FORMAT_JSON;
}

lawwatch_status lawwatch_search_write(lawwatch_db *db, const lawwatch_search_query *q, const lawwatch_view *v,
                                      FILE *out, size_t *n, lawwatch_error *err)
{
    if (n)
        *n = 0;
    if (!view_ok(v))
        return lw_api_fail(err, LW_ERR_USAGE, LW_MSG_API_FORMAT_TABLE);
    if (!q || !q->query || !*q->query)
        return lw_api_fail(err, LW_ERR_USAGE, LW_MSG_API_NO_QUERY);
    out_state o;
    if (out_init(&o, v, out))
        return LAWWATCH_NOMEM(err);
    o.first = q->offset > 0 ? (size_t)q->offset : 0;
    int color = !o.json && v && v->color;
    lw_search_query iq = {.query = q->query, .year = q->year, .kind = q->kind, .issuer = q->issuer,
                          .limit = q->limit, .mark_open = color ? "\033[1;31m" : "«",
                          .mark_close = color ? "\033[0m" : "»", .unit = q->unit, .offset = q->offset};
    lw_error ie;
    lw_error_clear(&ie);
    lw_status st = lw_store_search(db->store, &iq, write_hit, &o, NULL, &ie);
    return out_end(&o, st, &ie, n, err);
}

int lawwatch_period_valid(const char *period)
{
    char from[11], to[11];
    return period && !lw_period_parse(period, from, to);
}

lawwatch_status lawwatch_cites_write(lawwatch_db *db, const char *rules_dir, const char *id, int limit,
                                     const lawwatch_view *v, FILE *out, FILE *diag, size_t *n, lawwatch_error *err)
{
    if (n)
        *n = 0;
    if (!view_ok(v))
        return lw_api_fail(err, LW_ERR_USAGE, LW_MSG_API_FORMAT_TABLE);
    if (!id || !*id)
        return lw_api_fail(err, LW_ERR_USAGE, LW_MSG_API_NO_ID);
    out_state o;
    if (out_init(&o, v, out))
        return LAWWATCH_NOMEM(err);
    /* the registry says what amends or replaces the cited document; without it (a broken
     * rules folder) the citing documents are still listed */
    lw_registry *reg = NULL;
    lw_error ie;
    lw_error_clear(&ie);
    if (rules_dir) {
        lw_error rerr;
        lw_error_clear(&rerr);
        lw_status rst = lw_registry_load_dir(rules_dir, &reg, &rerr);
        if (rst == LW_ERR_NOMEM)
            o.nomem = 1; /* out of memory is no broken rules folder: the query fails */
        else if (rst && diag) {
            char buf[sizeof rerr.file + sizeof rerr.msg + LW_API_PLACE_MAX], msg[LW_API_NOTE_MAX];
            fprintf(diag, "lawwatch search: %s: %s\n", lw_msg_format(msg, sizeof msg, LW_MSG_API_REGISTRY_LEFT_OUT),
                    lw_error_format(&rerr, buf, sizeof buf));
        }
    }
    lw_buf head = {0};
    lw_status st = cited_changes(&o, db->store, reg, id, &head, &ie);
    if (!st && !o.nomem && !o.json && head.len)
        fputs(head.data, out);
    lw_buf_free(&head);
    if (!st && !o.nomem)
        st = lw_store_cites(db->store, id, limit, on_cite, &o, NULL, &ie);
    lw_registry_free(reg);
    return out_end(&o, st, &ie, n, err);
}

lawwatch_status lawwatch_deadlines_write(lawwatch_db *db, const char *period, int limit, const lawwatch_view *v,
                                         FILE *out, size_t *n, lawwatch_error *err)
{
    if (n)
        *n = 0;
    if (!view_ok(v))
        return lw_api_fail(err, LW_ERR_USAGE, LW_MSG_API_FORMAT_TABLE);
    char from[11], to[11];
    if (!period || lw_period_parse(period, from, to))
        return lw_api_fail(err, LW_ERR_USAGE, LW_MSG_API_BAD_PERIOD);
    out_state o;
    if (out_init(&o, v, out))
        return LAWWATCH_NOMEM(err);
    lw_error ie;
    lw_error_clear(&ie);
    lw_status st = lw_store_deadlines_in(db->store, from, to, limit, on_deadline, &o, NULL, &ie);
    return out_end(&o, st, &ie, n, err);
}
