/* search_lat: in-process search latency, the part of `lawwatch search` a long-lived
 * process (a web front end) would pay per query. Links liblawwatch_core.a, opens the
 * database once (read-only, as the CLI does) and runs each query of QUERIES (one a line,
 * exactly what the CLI's QUERY words would be after joining with spaces) RUNS times
 * through lw_store_search with the CLI's settings (limit 20, snippets). Prints one JSON
 * object a line: {"query", "hits", "ms": [..], "matches", "match_ms", "bm25_ms"}: besides
 * ours, the floors of FTS5 itself on the same expression, the best of RUNS: matching alone
 * (SELECT count(*) ... MATCH) and FTS5's bm25 top 20 without snippets or the documents.
 *
 *   search_lat DB QUERIES RUNS
 *
 * Built by bench/run.sh; not part of the project's build. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "lw_fts.h"
#include "lw_store.h"
#include "lw_store_sqlite.h" /* the connection, to look into the database */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Consumes the hits as the CLI's json output would: touches every string. */
static int on_hit(void *ud, const lw_search_hit *h)
{
    size_t *sum = ud;
    *sum += (h->path ? strlen(h->path) : 0) + (h->snippet ? strlen(h->snippet) : 0);
    return 0;
}

/* Best of runs of sql over the expression of query; *n the first column of the last row. */
static double floor_ms(lw_store *s, const char *sql, const char *query, int runs, long long *n)
{
    char *expr = NULL;
    lw_error err;
    double best = -1;
    if (lw_fts_query_build(query, &expr, &err))
        return -1;
    for (int r = 0; r < runs; r++) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(lw_store_sqlite_db(s), sql, -1, &st, NULL))
            break;
        sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
        double a = now_ms();
        while (sqlite3_step(st) == SQLITE_ROW)
            *n = sqlite3_column_int64(st, 0);
        double t = now_ms() - a;
        sqlite3_finalize(st);
        if (best < 0 || t < best)
            best = t;
    }
    free(expr);
    return best;
}

static void json_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            printf("\\u%04x", *s);
        else
            putchar(*s);
    }
    putchar('"');
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: search_lat DB QUERIES RUNS\n");
        return 2;
    }
    int runs = atoi(argv[3]);
    FILE *qf = fopen(argv[2], "r");
    if (!qf) {
        perror(argv[2]);
        return 2;
    }
    lw_error err;
    lw_error_clear(&err);
    lw_store *s;
    double t0 = now_ms();
    if (lw_store_open(argv[1], LW_STORE_READONLY, &s, &err)) {
        fprintf(stderr, "search_lat: %s\n", err.msg);
        return 2;
    }
    fprintf(stderr, "search_lat: open %.2f ms\n", now_ms() - t0);
    char line[4096];
    int bad = 0;
    while (fgets(line, sizeof line, qf)) {
        line[strcspn(line, "\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        double *ms = calloc((size_t)runs + 1, sizeof *ms);
        size_t hits = 0, sum = 0;
        lw_status st = LW_OK;
        /* one warm-up run, not counted: the first touch of the pages */
        for (int r = -1; r < runs && !st; r++) {
            lw_search_query q;
            memset(&q, 0, sizeof q);
            q.query = line;
            q.mark_open = "«";
            q.mark_close = "»";
            double a = now_ms();
            st = lw_store_search(s, &q, on_hit, &sum, &hits, &err);
            double b = now_ms();
            if (r >= 0)
                ms[r] = b - a;
        }
        if (st) {
            fprintf(stderr, "search_lat: query '%s': %s\n", line, err.msg);
            bad = 1;
            free(ms);
            continue;
        }
        fputs("{\"query\": ", stdout);
        json_str(line);
        printf(", \"hits\": %zu, \"ms\": [", hits);
        for (int r = 0; r < runs; r++)
            printf("%s%.4f", r ? ", " : "", ms[r]);
        long long matches = 0, top = 0;
        int fr = runs < 5 ? runs : 5;
        double m_ms = floor_ms(s, "SELECT count(*) FROM doc_text WHERE doc_text MATCH ?1", line, fr, &matches);
        double b_ms = floor_ms(s, "SELECT count(*) FROM (SELECT rowid FROM doc_text WHERE doc_text MATCH ?1"
                                  " ORDER BY bm25(doc_text, 4.0, 1.0) LIMIT 20)", line, fr, &top);
        printf("], \"matches\": %lld, \"match_ms\": %.4f, \"bm25_ms\": %.4f}\n", matches, m_ms, b_ms);
        free(ms);
    }
    fclose(qf);
    lw_store_close(s);
    return bad;
}
