/* lw_cli_search: the search verb: full-text search, and two fact queries (--cites,
 * --deadline-in). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lw_cli_common.h"
#include "lw_cli_verbs.h"
#include "lw_registry.h"
#include "lw_store.h"

static const char search_usage[] =
    "Usage: lawwatch search [--db PATH] [--year Y] [--kind K] [--issuer TEXT] [--limit N]\n"
    "                       [--format table|json] QUERY...\n"
    "       lawwatch search [--db PATH] [--rules DIR] [--format table|json] --cites ID\n"
    "       lawwatch search [--db PATH] [--format table|json] --deadline-in PERIOD\n"
    "Full-text search of the ingested documents, best first (bm25). Words without diacritics\n"
    "match every accented form (\"thi hanh\" finds \"thi hành\"); with diacritics, that form\n"
    "only. \"a phrase\", prefix*, AND, OR, NOT and ( ) work; a document number (59/2012/NĐ-CP)\n"
    "is searched as a phrase. --kind and --issuer ignore diacritics and case (--kind \"ke hoach\").\n"
    "Matches are highlighted in colour on a terminal, else between « and ».\n"
    "A document is named as reviewers name it (kind, number, date, issuer: subject), then its\n"
    "path (relative to the working folder when below it) and the other paths of the same\n"
    "content.\n"
    "  --cites ID            documents citing ID (59/2012/NĐ-CP; case and diacritics ignored),\n"
    "                        one row each, newest first, with the number of mentions and the\n"
    "                        first; first what amends or replaces ID, from the registry\n"
    "                        (DIR/registry.yaml, --rules as for check) and from the documents\n"
    "  --deadline-in PERIOD  deadlines overlapping PERIOD: 2025, 2025Q3, 2025H2 or 2025-07,\n"
    "                        by deadline then document, with the unit the duty names\n"
    "json: an array of {\"path\",\"number\",\"kind\",\"issuer\",\"date\",\"score\",\"snippet\",\n"
    "\"label\",\"id\",\"subject\",\"paths\"} (score: higher is more relevant); for --cites and\n"
    "--deadline-in, an array of rows, each with label, id, path and paths.\n";

typedef struct {
    int json;
    json_t *arr;
    size_t n;
    char cwd[4096];
    json_t *changes; /* --cites: what amends or replaces the cited document (array) */
} out_state;

static json_t *str_or_null(const char *s) { return lw_store_json_text(s); }

/* A path as reports show it: relative when below the working folder. Borrowed. */
static const char *shown(const out_state *o, const char *path) { return path ? lw_path_below(path, o->cwd) : "-"; }

/* One line: white space runs squeezed to one space, Markdown emphasis (** and __, what
 * text converted from PDFs carries around bold words) dropped; appended to b. */
static void put_flat(lw_buf *b, const char *s)
{
    int sp = b->len == 0;
    for (; s && *s; s++) {
        if ((s[0] == '*' || s[0] == '_') && s[1] == s[0]) {
            while (s[1] == s[0])
                s++;
            continue;
        }
        if (*s == '\n' || *s == '\r' || *s == '\t' || *s == ' ') {
            if (!sp)
                lw_buf_putc(b, ' ');
            sp = 1;
        } else {
            lw_buf_putc(b, *s);
            sp = 0;
        }
    }
    while (b->len && b->data[b->len - 1] == ' ')
        b->data[--b->len] = '\0';
}

/* put_flat into a new string; owned (free()), never NULL unless out of memory. */
static char *flat(const char *s)
{
    lw_buf b = {0};
    put_flat(&b, s ? s : "");
    return b.len ? lw_buf_detach(&b, NULL) : (lw_buf_free(&b), strdup(""));
}

/* The subject after a label: one line, at most about 200 bytes, cut at a space ("…"). */
static void put_subject(lw_buf *b, const char *subj)
{
    char *f = flat(subj);
    if (!f)
        return;
    size_t n = strlen(f);
    if (n > 200) {
        size_t k = 200;
        while (k > 120 && f[k] != ' ')
            k--;
        while (k && ((unsigned char)f[k] & 0xC0) == 0x80) /* on a character's first byte */
            k--;
        lw_buf_append(b, f, k);
        lw_buf_printf(b, "…");
    } else {
        lw_buf_append(b, f, n);
    }
    free(f);
}

/* A document as reviewers name it, from a row's kind, number, date, issuer and subject:
 * "Kế hoạch số 48/KH-UBND ngày 10/01/2025 của Ủy ban nhân dân tỉnh Sóc Trăng: <subject>".
 * label (may be NULL) gets the label alone (owned, NULL when the header names nothing).
 * Returns owned; NULL when the header gives neither label nor subject (show the path). */
static char *doc_name(const char *kind, const char *number, const char *date, const char *issuer,
                      const char *subject, char **label)
{
    lw_buf b = {0};
    int rc = lw_doc_label(&b, kind, number, date, issuer);
    if (label)
        *label = rc == 0 && b.len ? strdup(b.data) : NULL;
    if (subject && *subject) {
        if (rc == 0 && b.len)
            lw_buf_append(&b, ": ", 2);
        put_subject(&b, subject);
    }
    return b.len ? lw_buf_detach(&b, NULL) : (lw_buf_free(&b), NULL);
}

/* What the table says of a document whose header gives no number, date, issuer nor subject
 * (a scan read badly): its path follows on the next line. */
#define NO_NAME "(văn bản chưa rõ số, ngày, cơ quan ban hành / no number, date or issuer read)"

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
                          &label);
    if (o->json) {
        json_object_set_new(row, "label", str_or_null(label));
        json_object_set_new(row, "path", str_or_null(shown(o, js(row, "path"))));
        json_t *paths = json_object_get(row, "paths");
        size_t i;
        json_t *p;
        json_array_foreach(paths, i, p) if (json_is_string(p))
            json_array_set_new(paths, i, str_or_null(shown(o, json_string_value(p))));
    } else if (b) {
        lw_buf_printf(b, "%s", name ? name : NO_NAME);
    }
    free(label);
    free(name);
}

/* The document's other paths, for the table: " (cũng ở / also at: a, b)". */
static void put_also(out_state *o, lw_buf *b, const char *const *paths, size_t n)
{
    for (size_t i = 1; i < n; i++)
        lw_buf_printf(b, "%s%s", i == 1 ? " (cũng ở / also at: " : ", ", shown(o, paths[i]));
    if (n > 1)
        lw_buf_putc(b, ')');
}

static void put_also_json(out_state *o, lw_buf *b, json_t *row)
{
    json_t *paths = json_object_get(row, "paths");
    const char *v[64];
    size_t n = 0, i;
    json_t *p;
    json_array_foreach(paths, i, p) if (n < 64 && json_is_string(p)) v[n++] = json_string_value(p);
    put_also(o, b, v, n);
}

static int on_hit(void *ud, const lw_search_hit *h)
{
    out_state *o = ud;
    o->n++;
    char *label = NULL;
    char *name = doc_name(h->kind, h->number, h->date, h->issuer, h->subject, &label);
    if (o->json) {
        json_t *r = json_object();
        json_object_set_new(r, "path", str_or_null(h->path ? shown(o, h->path) : NULL));
        json_object_set_new(r, "number", str_or_null(h->number));
        json_object_set_new(r, "kind", str_or_null(h->kind));
        json_object_set_new(r, "issuer", str_or_null(h->issuer));
        json_object_set_new(r, "date", str_or_null(h->date));
        /* four significant digits: bm25 of words found in nearly every document is of the
         * order of 1e-6, which rounding to decimals made 0.0 */
        char sc[32];
        snprintf(sc, sizeof sc, "%.4g", h->score);
        json_object_set_new(r, "score", json_real(strtod(sc, NULL)));
        json_object_set_new(r, "snippet", str_or_null(h->snippet));
        json_object_set_new(r, "label", str_or_null(label));
        json_object_set_new(r, "id", json_integer(h->id));
        json_object_set_new(r, "subject", str_or_null(h->subject));
        json_t *paths = json_array();
        for (size_t i = 0; i < h->n_paths; i++)
            json_array_append_new(paths, str_or_null(shown(o, h->paths[i])));
        json_object_set_new(r, "paths", paths);
        json_array_append_new(o->arr, r);
    } else {
        lw_buf b = {0};
        lw_buf_printf(&b, "%zu. %s  (%.3g)\n   %s", o->n, name ? name : NO_NAME, h->score, shown(o, h->path));
        put_also(o, &b, h->paths, h->n_paths);
        lw_buf_printf(&b, "\n   ");
        put_flat(&b, h->snippet);
        printf("%s\n", b.data ? b.data : "");
        lw_buf_free(&b);
    }
    free(label);
    free(name);
    return 0;
}

static int on_cite(void *ud, json_t *row)
{
    out_state *o = ud;
    o->n++;
    char *text = flat(js(row, "text"));
    if (text)
        json_object_set_new(row, "text", json_string(text));
    if (o->json) {
        name_row(o, row, NULL);
        json_object_set(row, "cited_changes", o->changes);
        json_array_append(o->arr, row);
        free(text);
        return 0;
    }
    lw_buf b = {0};
    lw_buf_printf(&b, "%zu. ", o->n);
    name_row(o, row, &b);
    long long mentions = (long long)json_integer_value(json_object_get(row, "mentions"));
    lw_buf_printf(&b, "\n   %s", shown(o, js(row, "path")));
    put_also_json(o, &b, row);
    lw_buf_printf(&b, ", dòng %lld", (long long)json_integer_value(json_object_get(row, "line")));
    if (mentions > 1)
        lw_buf_printf(&b, " (lần đầu trong %lld lần trích dẫn / first of %lld mentions)", mentions, mentions);
    lw_buf_printf(&b, ": %s", text ? text : "");
    if (js(row, "pinpoint") && !strstr(text ? text : "", js(row, "pinpoint")))
        lw_buf_printf(&b, " (%s)", js(row, "pinpoint"));
    printf("%s\n", b.data ? b.data : "");
    lw_buf_free(&b);
    free(text);
    return 0;
}

static int on_deadline(void *ud, json_t *row)
{
    out_state *o = ud;
    o->n++;
    char *text = flat(js(row, "text"));
    if (text)
        json_object_set_new(row, "text", json_string(text));
    if (o->json) {
        name_row(o, row, NULL);
        json_array_append(o->arr, row);
        free(text);
        return 0;
    }
    const char *from = js(row, "from"), *to = js(row, "to"), *q = js(row, "qualifier");
    const char *unit = js(row, "unit"), *near = js(row, "nearby_agency");
    char d1[11], d2[11];
    lw_buf b = {0};
    if (q && !strcmp(q, "recurring"))
        lw_buf_printf(&b, "thường xuyên, ");
    if (!from || (to && !strcmp(from, to)))
        lw_buf_printf(&b, "%s %s", from ? "ngày" : "đến", date_vi(to, d2));
    else
        lw_buf_printf(&b, "từ %s đến %s", date_vi(from, d1), date_vi(to, d2));
    /* a unit only when a duty names it; the agency named nearby is a guess, said as one */
    if (unit)
        lw_buf_printf(&b, "   %s", unit);
    else if (near)
        lw_buf_printf(&b, "   chưa rõ đơn vị (cơ quan nêu gần đó: %s)", near);
    else
        lw_buf_printf(&b, "   chưa rõ đơn vị");
    lw_buf_printf(&b, "\n   ");
    name_row(o, row, &b);
    lw_buf_printf(&b, "\n   %s", shown(o, js(row, "path")));
    put_also_json(o, &b, row);
    lw_buf_printf(&b, ", dòng %lld: %s", (long long)json_integer_value(json_object_get(row, "line")), text ? text : "");
    printf("%s\n", b.data ? b.data : "");
    lw_buf_free(&b);
    free(text);
    return 0;
}

static int collect_row(void *ud, json_t *row) { return json_array_append(ud, row), 0; }

/* 1 when changes already lists type and id (compared folded). */
static int has_change(json_t *changes, const char *type, const char *id)
{
    size_t i;
    json_t *c;
    char *k = lw_store_fold(id);
    int found = 0;
    json_array_foreach(changes, i, c) {
        char *ck = lw_store_fold(json_string_value(json_object_get(c, "id")));
        found = k && ck && !strcmp(ck, k) && !strcmp(json_string_value(json_object_get(c, "type")), type);
        free(ck);
        if (found)
            break;
    }
    free(k);
    return found;
}

/* What amends or replaces the cited document id, into o->changes (an array of {"type":
 * "amended_by"|"replaced_by", "id", "source"}), and for the table into head: from the
 * registry (rules/registry.yaml, with the entry's place), then from what ingested
 * documents state (the stating document and its line), each change once. reg may be NULL. */
static lw_status cited_changes(out_state *o, lw_store *s, const lw_registry *reg, const char *id, lw_buf *head,
                               lw_error *err)
{
    const lw_registry_entry *e = reg ? lw_registry_find(reg, id) : NULL;
    const char *name = e ? e->id : id;
    o->changes = json_array();
    if (e) {
        lw_buf_printf(head, "Văn bản được trích dẫn (cited): ");
        if (lw_doc_label(head, e->type, e->id, e->issued, e->issuer) != 0)
            lw_buf_printf(head, "%s", e->id);
        if (e->title) {
            lw_buf_printf(head, ": ");
            put_subject(head, e->title);
        }
        lw_buf_putc(head, '\n');
        char src[4200];
        snprintf(src, sizeof src, "danh mục %s:%d", shown(o, e->file), e->line);
        for (size_t i = 0; i < e->n_amended_by; i++)
            json_array_append_new(o->changes, json_pack("{s:s,s:s,s:s}", "type", "amended_by", "id",
                                                        e->amended_by[i], "source", src));
        if (e->replaced_by)
            json_array_append_new(o->changes, json_pack("{s:s,s:s,s:s}", "type", "replaced_by", "id",
                                                        e->replaced_by, "source", src));
    }
    json_t *rows = json_array();
    lw_status st = lw_store_changes_of(s, id, collect_row, rows, NULL, err);
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        const char *type = !strcmp(js(r, "type"), "replaces") ? "replaced_by" : "amended_by", *by = js(r, "by");
        if (!by || has_change(o->changes, type, by))
            continue;
        lw_buf src = {0};
        char *label = NULL, *dn = doc_name(js(r, "kind"), js(r, "number"), js(r, "date"), js(r, "issuer"), NULL, &label);
        lw_buf_printf(&src, "%s%s%s, dòng %lld", dn ? dn : "", dn ? ", " : "", shown(o, js(r, "path")),
                      (long long)json_integer_value(json_object_get(r, "line")));
        json_t *ch = json_pack("{s:s,s:s,s:s,s:I}", "type", type, "id", by, "source", src.data ? src.data : "",
                               "doc_id", (json_int_t)json_integer_value(json_object_get(r, "id")));
        /* "Thông tư này thay thế ...": the amending document is the stating one */
        char *kb = lw_store_fold(by), *kn = lw_store_fold(js(r, "number"));
        lw_buf bl = {0};
        if (ch && label && kb && kn && !strcmp(kb, kn))
            json_object_set_new(ch, "label", json_string(label));
        else if (ch && js(r, "by_type") && lw_doc_label(&bl, js(r, "by_type"), by, js(r, "by_date"), NULL) == 0)
            json_object_set_new(ch, "label", json_string(bl.data)); /* as the stating document cites it */
        lw_buf_free(&bl);
        free(kb);
        free(kn);
        json_array_append_new(o->changes, ch);
        free(label);
        free(dn);
        lw_buf_free(&src);
    }
    /* not in the registry: named as the documents write it, not as typed */
    if (!e && json_array_size(rows) && js(json_array_get(rows, 0), "of"))
        name = js(json_array_get(rows, 0), "of");
    json_t *c;
    json_array_foreach(o->changes, i, c) {
        /* the amending document named with its dates when the registry knows it */
        const lw_registry_entry *by = reg ? lw_registry_find(reg, json_string_value(json_object_get(c, "id"))) : NULL;
        lw_buf bl = {0};
        char d1[11];
        if (by && lw_doc_label(&bl, by->type, by->id, by->issued, by->issuer) == 0 && bl.len) {
            json_object_set_new(c, "label", json_string(bl.data));
            if (by->effective) {
                json_object_set_new(c, "effective", json_string(by->effective));
                lw_buf_printf(&bl, ", có hiệu lực từ %s", date_vi(by->effective, d1));
            }
        } else if (json_is_string(json_object_get(c, "label"))) {
            lw_buf_printf(&bl, "%s", json_string_value(json_object_get(c, "label")));
        } else {
            lw_buf_printf(&bl, "%s", json_string_value(json_object_get(c, "id")));
        }
        int repl = !strcmp(json_string_value(json_object_get(c, "type")), "replaced_by");
        lw_buf_printf(head, "%s đã được %s bởi %s (theo %s)\n", name, repl ? "thay thế" : "sửa đổi", bl.data,
                      json_string_value(json_object_get(c, "source")));
        lw_buf_free(&bl);
    }
    if (e && !strcmp(e->status, "expired") && !json_array_size(o->changes))
        lw_buf_printf(head, "%s đã hết hiệu lực (theo danh mục %s:%d)\n", name, shown(o, e->file), e->line);
    json_decref(rows);
    return st;
}

int lw_cli_search(int argc, char **argv)
{
    const char *db = "lawwatch.db", *format = "table", *cites = NULL, *period = NULL, *rules = NULL;
    lw_search_query q = {0};
    lw_buf query = {0};
    int limit_given = 0;
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                             {"db", required_argument, NULL, 'd'},
                                             {"rules", required_argument, NULL, 'r'},
                                             {"year", required_argument, NULL, 'y'},
                                             {"kind", required_argument, NULL, 'k'},
                                             {"issuer", required_argument, NULL, 'i'},
                                             {"limit", required_argument, NULL, 'l'},
                                             {"format", required_argument, NULL, 'f'},
                                             {"cites", required_argument, NULL, 'c'},
                                             {"deadline-in", required_argument, NULL, 'D'},
                                             {NULL, 0, NULL, 0}};
    lw_cli_parser p;
    /* a query word may start with '-' (NOT is spelled NOT, but let it through) */
    lw_cli_parse_init(&p, "search", search_usage, "h", longopts, LW_CLI_DASH_WORDS, argc, argv);
    for (int c; (c = lw_cli_next(&p)) != LW_CLI_DONE;) {
        int bad = 0;
        switch (c) {
        case 'd':
            db = p.arg;
            break;
        case 'r':
            rules = p.arg;
            break;
        case 'y':
            q.year = p.arg;
            if (strlen(q.year) != 4 || strspn(q.year, "0123456789") != 4) {
                fprintf(stderr, "lawwatch search: --year wants a year such as 2025, not '%s'\n", q.year);
                bad = 1;
            }
            break;
        case 'k':
            q.kind = p.arg;
            break;
        case 'i':
            q.issuer = p.arg;
            break;
        case 'l': {
            char *end;
            long n = strtol(p.arg, &end, 10);
            if (*end || n < 1 || n > 100000) {
                fprintf(stderr, "lawwatch search: --limit wants a positive number, not '%s'\n", p.arg);
                bad = 1;
            }
            q.limit = (int)n;
            limit_given = 1;
            break;
        }
        case 'f':
            format = p.arg;
            break;
        case 'c':
            cites = p.arg;
            break;
        case 'D':
            period = p.arg;
            break;
        case LW_CLI_OPERAND:
            lw_buf_printf(&query, "%s%s", query.len ? " " : "", p.arg);
            break;
        default: /* help, or an unknown option */
            lw_buf_free(&query);
            return c == LW_CLI_HELP ? LW_EXIT_OK : LW_EXIT_FATAL;
        }
        if (bad) {
            lw_buf_free(&query);
            return LW_EXIT_FATAL;
        }
    }
    int json = !strcmp(format, "json");
    if (!json && strcmp(format, "table")) {
        fprintf(stderr, "lawwatch search: --format must be table or json, not '%s'\n", format);
        lw_buf_free(&query);
        return LW_EXIT_FATAL;
    }
    int modes = !!cites + !!period + !!query.len;
    if (modes != 1) {
        fprintf(stderr, modes ? "lawwatch search: give a QUERY, --cites or --deadline-in, one at a time\n"
                              : "lawwatch search: nothing to search for\n");
        fputs(search_usage, stderr);
        lw_buf_free(&query);
        return LW_EXIT_FATAL;
    }
    char from[11], to[11];
    if (period && lw_period_parse(period, from, to)) {
        fprintf(stderr, "lawwatch search: '%s' is not a period; use 2025, 2025Q3, 2025H2 or 2025-07\n", period);
        lw_buf_free(&query);
        return LW_EXIT_FATAL;
    }
    lw_error err;
    lw_error_clear(&err);
    lw_store *s;
    if (lw_store_open(db, LW_STORE_READONLY, &s, &err)) {
        lw_cli_error(&err);
        lw_buf_free(&query);
        return LW_EXIT_FATAL;
    }
    out_state o = {json, json ? json_array() : NULL, 0, "", NULL};
    if (!getcwd(o.cwd, sizeof o.cwd))
        o.cwd[0] = '\0';
    lw_status st;
    int color = !json && isatty(1) && !getenv("NO_COLOR");
    if (cites) {
        /* the registry says what amends or replaces the cited document; without it (a
         * broken rules folder) the citing documents are still listed */
        lw_registry *reg = NULL;
        lw_error rerr;
        lw_error_clear(&rerr);
        if (lw_registry_load_dir(lw_cli_rules_dir(rules), &reg, &rerr)) {
            char buf[2400];
            fprintf(stderr, "lawwatch search: không đọc được danh mục văn bản, bỏ qua (cannot read the registry, "
                            "left out): %s\n", lw_error_format(&rerr, buf, sizeof buf));
        }
        lw_buf head = {0};
        st = cited_changes(&o, s, reg, cites, &head, &err);
        if (!st && !json && head.len)
            fputs(head.data, stdout);
        lw_buf_free(&head);
        if (!st)
            st = lw_store_cites(s, cites, limit_given ? q.limit : 0, on_cite, &o, NULL, &err);
        lw_registry_free(reg);
    } else if (period) {
        st = lw_store_deadlines_in(s, from, to, limit_given ? q.limit : 0, on_deadline, &o, NULL, &err);
    } else {
        q.query = query.data;
        q.mark_open = color ? "\033[1;31m" : "«";
        q.mark_close = color ? "\033[0m" : "»";
        st = lw_store_search(s, &q, on_hit, &o, NULL, &err);
    }
    int rc = LW_EXIT_OK;
    if (st == LW_ERR_QUERY) {
        fprintf(stderr, "lawwatch search: %s\n", err.msg);
        if (err.col > 0 && query.len < 200) { /* the query and a caret under the column */
            fprintf(stderr, "  %s\n  %*s^\n", query.data, err.col - 1, "");
        }
        rc = LW_EXIT_FATAL;
    } else if (st) {
        lw_cli_error(&err);
        rc = LW_EXIT_FATAL;
    } else if (json) {
        char *out = json_dumps(o.arr, JSON_INDENT(2) | JSON_REAL_PRECISION(4));
        puts(out);
        free(out);
    } else if (!o.n) {
        fputs("không tìm thấy kết quả (no results)\n", stderr);
    }
    json_decref(o.arr);
    json_decref(o.changes);
    lw_store_close(s);
    lw_buf_free(&query);
    return rc;
}
