/* lw_cli_search: the search verb: full-text search, and two fact queries (--cites,
 * --deadline-in). Options are parsed here; the library runs the query and writes the rows
 * (lawwatch_search_write, lawwatch_cites_write, lawwatch_deadlines_write). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lw_cli_common.h"
#include "lw_cli_verbs.h"

/* The most rows --limit may ask for. */
#define LIMIT_MAX 100000
/* A query longer than this is not echoed with a caret under a syntax error. */
#define CARET_QUERY_MAX 200

static const char search_usage[] =
    "Usage: lawwatch search [--db PATH] [--year Y] [--kind K] [--issuer TEXT] [--unit TEXT]\n"
    "                       [--limit N] [--offset N] [--format table|json] QUERY...\n"
    "       lawwatch search [--db PATH] [--rules DIR] [--format table|json] --cites ID\n"
    "       lawwatch search [--db PATH] [--format table|json] --deadline-in PERIOD\n"
    "Full-text search of the ingested documents, best first (bm25). Words without diacritics\n"
    "match every accented form (\"thi hanh\" finds \"thi hành\"); with diacritics, that form\n"
    "only. \"a phrase\", prefix*, AND, OR, NOT and ( ) work; a document number (59/2012/NĐ-CP)\n"
    "is searched as a phrase. --kind and --issuer ignore diacritics and case (--kind \"ke hoach\").\n"
    "  --unit TEXT           only the documents of a unit: those whose issuer contains TEXT or\n"
    "                        whose duties name a unit containing TEXT (diacritics and case\n"
    "                        ignored, as check's --unit)\n"
    "  --offset N            skip the N best hits first (pages: --limit 20 --offset 20 is the\n"
    "                        second page of 20, numbered from 21)\n"
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

/* The words of the query joined by spaces, in a growing string. */
typedef struct {
    char *data;
    size_t len, cap;
} words;

/* Appends a word; 0, or -1 when memory ran out. */
static int add_word(words *w, const char *s)
{
    size_t n = strlen(s), need = w->len + (w->len ? 1 : 0) + n + 1;
    if (need > w->cap) {
        size_t cap = need * 2;
        char *d = realloc(w->data, cap);
        if (!d)
            return -1;
        w->data = d;
        w->cap = cap;
    }
    if (w->len)
        w->data[w->len++] = ' ';
    memcpy(w->data + w->len, s, n + 1);
    w->len += n;
    return 0;
}

int lw_cli_search(int argc, char **argv)
{
    lw_cli_common co;
    lw_cli_common_init(&co);
    const char *format = "table", *cites = NULL, *period = NULL;
    lawwatch_search_query q = {0};
    words query = {0};
    int limit_given = 0;
    static const struct option longopts[] = {LW_CLI_OPT_HELP, LW_CLI_OPT_DB, LW_CLI_OPT_RULES,
                                             {"year", required_argument, NULL, 'y'},
                                             {"kind", required_argument, NULL, 'k'},
                                             {"issuer", required_argument, NULL, 'i'},
                                             {"unit", required_argument, NULL, 'u'},
                                             {"limit", required_argument, NULL, 'l'},
                                             {"offset", required_argument, NULL, 'O'},
                                             {"format", required_argument, NULL, 'f'},
                                             {"cites", required_argument, NULL, 'c'},
                                             {"deadline-in", required_argument, NULL, 'D'}, LW_CLI_OPT_END};
    lw_cli_parser p;
    /* a query word may start with '-' (NOT is spelled NOT, but let it through) */
    lw_cli_parse_init(&p, "search", search_usage, "h", longopts, LW_CLI_DASH_WORDS, argc, argv);
    for (int c; (c = lw_cli_next_own(&p, &co)) != LW_CLI_DONE;) {
        int bad = 0;
        switch (c) {
        case 'y':
            q.year = p.arg;
            if (strlen(q.year) != 4 || strspn(q.year, "0123456789") != 4) {
                lw_cli_say("search", "CLI_YEAR", q.year);
                bad = 1;
            }
            break;
        case 'k':
            q.kind = p.arg;
            break;
        case 'i':
            q.issuer = p.arg;
            break;
        case 'u':
            q.unit = p.arg;
            break;
        case 'l': {
            char *end;
            long n = strtol(p.arg, &end, 10);
            if (*end || n < 1 || n > LIMIT_MAX) {
                lw_cli_say("search", "CLI_LIMIT", p.arg);
                bad = 1;
            }
            q.limit = (int)n;
            limit_given = 1;
            break;
        }
        case 'O': {
            char *end;
            long n = strtol(p.arg, &end, 10);
            if (*end || n < 0 || n > LIMIT_MAX) {
                lw_cli_say("search", "CLI_OFFSET", p.arg);
                bad = 1;
            }
            q.offset = (int)n;
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
            if (add_word(&query, p.arg)) {
                lw_cli_say("search", "NOMEM");
                bad = 1;
            }
            break;
        default: /* help, or an unknown option */
            free(query.data);
            return c == LW_CLI_HELP ? LW_EXIT_OK : LW_EXIT_FATAL;
        }
        if (bad) {
            free(query.data);
            return LW_EXIT_FATAL;
        }
    }
    int json = !strcmp(format, "json");
    if (!json && strcmp(format, "table")) {
        lw_cli_say("search", "CLI_FORMAT_TABLE", format);
        free(query.data);
        return LW_EXIT_FATAL;
    }
    int modes = !!cites + !!period + !!query.len;
    if (modes != 1) {
        lw_cli_say("search", modes ? "CLI_SEARCH_MODES" : "CLI_SEARCH_NOTHING");
        fputs(search_usage, stderr);
        free(query.data);
        return LW_EXIT_FATAL;
    }
    if (period && !lawwatch_period_valid(period)) {
        lw_cli_say("search", "CLI_PERIOD", period);
        free(query.data);
        return LW_EXIT_FATAL;
    }
    lawwatch_db *db = lw_cli_db(co.db, LAWWATCH_DB_READONLY);
    if (!db) {
        free(query.data);
        return LW_EXIT_FATAL;
    }
    char cwd[LW_CLI_PATH_MAX];
    lawwatch_view v = {json ? LAWWATCH_FORMAT_JSON : LAWWATCH_FORMAT_TEXT,
                       !json && lw_cli_color(stdout), lw_cli_cwd(cwd, sizeof cwd)};
    lawwatch_error err;
    lawwatch_status st;
    size_t n = 0;
    if (cites) {
        st = lawwatch_cites_write(db, lw_cli_rules_dir(co.rules), cites, limit_given ? q.limit : 0, &v, stdout, stderr,
                                  &n, &err);
    } else if (period) {
        st = lawwatch_deadlines_write(db, period, limit_given ? q.limit : 0, &v, stdout, &n, &err);
    } else {
        q.query = query.data;
        st = lawwatch_search_write(db, &q, &v, stdout, &n, &err);
    }
    int rc = LW_EXIT_OK;
    if (st == LAWWATCH_ERR_QUERY) {
        fprintf(stderr, "lawwatch search: %s\n", err.msg);
        if (err.col > 0 && query.len < CARET_QUERY_MAX) /* the query and a caret under the column */
            fprintf(stderr, "  %s\n  %*s^\n", query.data, err.col - 1, "");
        rc = LW_EXIT_FATAL;
    } else if (st) {
        lw_cli_error(&err);
        rc = LW_EXIT_FATAL;
    } else if (!json && !n) {
    {
        char buf[LW_CLI_PATH_MAX];
        fprintf(stderr, "%s\n", lawwatch_message(buf, sizeof buf, "CLI_NO_RESULTS"));
    }
    }
    lawwatch_db_close(db);
    free(query.data);
    return rc;
}
