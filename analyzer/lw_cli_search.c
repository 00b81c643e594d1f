/* lw_cli_search: the search verb: full-text search, and two fact queries (--cites,
 * --deadline-in). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lw_cli.h"
#include "lw_store.h"

static const char search_usage[] =
    "Usage: lawwatch search [--db PATH] [--year Y] [--kind K] [--issuer TEXT] [--limit N]\n"
    "                       [--format table|json] QUERY...\n"
    "       lawwatch search [--db PATH] [--format table|json] --cites ID\n"
    "       lawwatch search [--db PATH] [--format table|json] --deadline-in PERIOD\n"
    "Full-text search of the ingested documents, best first (bm25). Words without diacritics\n"
    "match every accented form (\"thi hanh\" finds \"thi hành\"); with diacritics, that form\n"
    "only. \"a phrase\", prefix*, AND, OR, NOT and ( ) work; a document number (59/2012/NĐ-CP)\n"
    "is searched as a phrase. --kind and --issuer ignore diacritics and case (--kind \"ke hoach\").\n"
    "Matches are highlighted in colour on a terminal, else between « and ».\n"
    "  --cites ID            documents citing ID (59/2012/NĐ-CP; case and diacritics ignored),\n"
    "                        with the line, the citation's date and pinpoint\n"
    "  --deadline-in PERIOD  deadlines overlapping PERIOD: 2025, 2025Q3, 2025H2 or 2025-07\n"
    "json: an array of {\"path\",\"number\",\"kind\",\"issuer\",\"date\",\"score\",\"snippet\"}\n"
    "(score: higher is more relevant); for --cites and --deadline-in, an array of rows.\n";

typedef struct {
    int json;
    json_t *arr;
    size_t n;
} out_state;

static void print_flat(const char *s)
{
    /* one line: newlines and tabs as spaces, runs of spaces collapsed */
    int sp = 0;
    for (; s && *s; s++) {
        if (*s == '\n' || *s == '\r' || *s == '\t' || *s == ' ') {
            if (!sp)
                putchar(' ');
            sp = 1;
        } else {
            putchar(*s);
            sp = 0;
        }
    }
}

static json_t *str_or_null(const char *s) { return s ? json_string(s) : json_null(); }

static int on_hit(void *ud, const lw_search_hit *h)
{
    out_state *o = ud;
    o->n++;
    if (o->json) {
        json_t *r = json_object();
        json_object_set_new(r, "path", str_or_null(h->path));
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
        json_array_append_new(o->arr, r);
        return 0;
    }
    printf("%zu. %s  %s%s%s  %s  (%.3g)\n   %s\n   ", o->n, h->date ? h->date : "----------",
           h->kind ? h->kind : "-", h->number ? " " : "", h->number ? h->number : "", h->issuer ? h->issuer : "-",
           h->score, h->path);
    print_flat(h->snippet);
    putchar('\n');
    return 0;
}

static const char *js(json_t *row, const char *k)
{
    const char *s = json_string_value(json_object_get(row, k));
    return s ? s : "-";
}

static int on_cite(void *ud, json_t *row)
{
    out_state *o = ud;
    o->n++;
    if (o->json)
        return json_array_append(o->arr, row), 0;
    printf("%s:%lld  %s  %s %s%s%s%s%s\n", js(row, "path"), (long long)json_integer_value(json_object_get(row, "line")),
           js(row, "date"), js(row, "type"), js(row, "cited_id"),
           json_is_string(json_object_get(row, "cited_date")) ? " ngày " : "",
           json_is_string(json_object_get(row, "cited_date")) ? js(row, "cited_date") : "",
           json_is_string(json_object_get(row, "pinpoint")) ? ", " : "",
           json_is_string(json_object_get(row, "pinpoint")) ? js(row, "pinpoint") : "");
    return 0;
}

static int on_deadline(void *ud, json_t *row)
{
    out_state *o = ud;
    o->n++;
    if (o->json)
        return json_array_append(o->arr, row), 0;
    const char *unit = json_string_value(json_object_get(row, "unit"));
    const char *near = json_string_value(json_object_get(row, "nearby_agency"));
    printf("%s..%s  %-9s  %s%s  %s:%lld\n   ", js(row, "from"), js(row, "to"), js(row, "qualifier"),
           unit ? unit : near ? near : "(không rõ đơn vị / unit unknown)", !unit && near ? " (?)" : "",
           js(row, "path"), (long long)json_integer_value(json_object_get(row, "line")));
    print_flat(js(row, "text"));
    putchar('\n');
    return 0;
}

int lw_cli_search(int argc, char **argv)
{
    const char *db = "lawwatch.db", *format = "table", *cites = NULL, *period = NULL;
    lw_search_query q = {0};
    lw_buf query = {0};
    int limit_given = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (lw_cli_is_help(a)) {
            fputs(search_usage, stdout);
            lw_buf_free(&query);
            return LW_EXIT_OK;
        } else if (!strcmp(a, "--db") && more) {
            db = argv[++i];
        } else if (!strcmp(a, "--year") && more) {
            q.year = argv[++i];
            if (strlen(q.year) != 4 || strspn(q.year, "0123456789") != 4) {
                fprintf(stderr, "lawwatch search: --year wants a year such as 2025, not '%s'\n", q.year);
                lw_buf_free(&query);
                return LW_EXIT_FATAL;
            }
        } else if (!strcmp(a, "--kind") && more) {
            q.kind = argv[++i];
        } else if (!strcmp(a, "--issuer") && more) {
            q.issuer = argv[++i];
        } else if (!strcmp(a, "--limit") && more) {
            char *end;
            long n = strtol(argv[++i], &end, 10);
            if (*end || n < 1 || n > 100000) {
                fprintf(stderr, "lawwatch search: --limit wants a positive number, not '%s'\n", argv[i]);
                lw_buf_free(&query);
                return LW_EXIT_FATAL;
            }
            q.limit = (int)n;
            limit_given = 1;
        } else if (!strcmp(a, "--format") && more) {
            format = argv[++i];
        } else if (!strcmp(a, "--cites") && more) {
            cites = argv[++i];
        } else if (!strcmp(a, "--deadline-in") && more) {
            period = argv[++i];
        } else if (!strcmp(a, "--")) {
            while (++i < argc)
                lw_buf_printf(&query, "%s%s", query.len ? " " : "", argv[i]);
        } else if (a[0] == '-' && a[1] == '-' && a[2]) {
            fprintf(stderr, "lawwatch search: unknown option '%s'\n%s", a, search_usage);
            lw_buf_free(&query);
            return LW_EXIT_FATAL;
        } else {
            /* a query word may start with '-' (NOT is spelled NOT, but let it through) */
            lw_buf_printf(&query, "%s%s", query.len ? " " : "", a);
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
    out_state o = {json, json ? json_array() : NULL, 0};
    lw_status st;
    int color = !json && isatty(1) && !getenv("NO_COLOR");
    if (cites) {
        st = lw_store_cites(s, cites, limit_given ? q.limit : 0, on_cite, &o, NULL, &err);
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
    lw_store_close(s);
    lw_buf_free(&query);
    return rc;
}
