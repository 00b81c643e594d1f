/* rank_check: the search's bounded ranking (lw_rank, issue 20) against the full bm25 ranking
 * on a real-size database, the bench's side of tests/unit/test_rank.c. For every query of
 * QUERIES, without a filter and with each filter (the most frequent year, kind, issuer and
 * duty unit of the database), on three pages (offset 0 and 20 of 20, offset 57 of 7), runs
 * lw_store_search twice, bounded and with full_rank (every match scored by FTS5's bm25 in
 * SQL, ORDER BY bm25, path), and compares the pages field by field: ids, order, scores
 * (to the bit, and within 1e-9), paths, snippets. Prints one JSON object a line per query
 * and filter: {"query", "filter", "hits", "fast_ms", "full_ms"} (the three pages' sum, one
 * run each), then {"searches", "hits", "bit_equal", "mismatches"}. Exit status 1 on any
 * mismatch.
 *
 *   rank_check DB QUERIES
 *
 * Built by bench/rank_check.sh; not part of the project's build. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "lw_store.h"
#include "lw_store_sqlite.h" /* the connection, to look into the database */

#define MAX_HITS 64

typedef struct {
    size_t n;
    long long id[MAX_HITS];
    double score[MAX_HITS];
    char *text[MAX_HITS]; /* path, number, snippet and paths, joined */
} page;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int on_hit(void *ud, const lw_search_hit *h)
{
    page *p = ud;
    if (p->n == MAX_HITS)
        return 1;
    size_t i = p->n++, len = 4;
    p->id[i] = h->id;
    p->score[i] = h->score;
    const char *parts[] = {h->path, h->number, h->snippet};
    for (size_t k = 0; k < 3; k++)
        len += (parts[k] ? strlen(parts[k]) : 0) + 1;
    for (size_t k = 0; k < h->n_paths; k++)
        len += strlen(h->paths[k]) + 1;
    char *t = malloc(len + 1);
    if (!t) {
        p->text[i] = NULL;
        return 1;
    }
    t[0] = '\0';
    for (size_t k = 0; k < 3; k++) {
        strcat(t, parts[k] ? parts[k] : "(null)");
        strcat(t, "\x1f");
    }
    for (size_t k = 0; k < h->n_paths; k++) {
        strcat(t, h->paths[k]);
        strcat(t, "\x1f");
    }
    p->text[i] = t;
    return 0;
}

static void page_free(page *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->text[i]);
    p->n = 0;
}

static void first_text(sqlite3 *db, const char *sql, char *out, size_t n)
{
    sqlite3_stmt *st;
    out[0] = '\0';
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL))
        return;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
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
    if (argc != 3) {
        fprintf(stderr, "usage: rank_check DB QUERIES\n");
        return 2;
    }
    FILE *qf = fopen(argv[2], "r");
    if (!qf) {
        perror(argv[2]);
        return 2;
    }
    lw_error err;
    lw_error_clear(&err);
    lw_store *s;
    if (lw_store_open(argv[1], LW_STORE_READONLY, &s, &err)) {
        fprintf(stderr, "rank_check: %s\n", err.msg);
        return 2;
    }
    sqlite3 *db = lw_store_sqlite_db(s);
    char year[16], kind[200], issuer[400], unit[400];
    first_text(db, "SELECT substr(date, 1, 4) FROM documents WHERE date IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC",
               year, sizeof year);
    first_text(db, "SELECT kind FROM documents WHERE kind <> '' GROUP BY 1 ORDER BY count(*) DESC", kind, sizeof kind);
    first_text(db, "SELECT issuer FROM documents WHERE issuer <> '' GROUP BY 1 ORDER BY count(*) DESC", issuer,
               sizeof issuer);
    first_text(db, "SELECT name_key FROM duty_units GROUP BY 1 ORDER BY count(*) DESC", unit, sizeof unit);
    static const char *const fname[] = {"none", "year", "kind", "issuer", "unit"};
    static const int offsets[] = {0, 20, 57};
    size_t searches = 0, hits = 0, bit_equal = 0, mismatches = 0;
    char line[4096];
    while (fgets(line, sizeof line, qf)) {
        line[strcspn(line, "\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        for (int filter = 0; filter < 5; filter++) {
            double fast_ms = 0, full_ms = 0;
            size_t qhits = 0;
            for (size_t o = 0; o < 3; o++) {
                lw_search_query q;
                memset(&q, 0, sizeof q);
                q.query = line;
                q.offset = offsets[o];
                q.limit = o == 2 ? 7 : 20;
                q.year = filter == 1 ? year : NULL;
                q.kind = filter == 2 ? kind : NULL;
                q.issuer = filter == 3 ? issuer : NULL;
                q.unit = filter == 4 ? unit : NULL;
                page fast = {0}, full = {0};
                double a = now_ms();
                lw_status r1 = lw_store_search(s, &q, on_hit, &fast, NULL, &err);
                double b = now_ms();
                q.full_rank = 1;
                lw_status r2 = r1 ? r1 : lw_store_search(s, &q, on_hit, &full, NULL, &err);
                double c = now_ms();
                fast_ms += b - a;
                full_ms += c - b;
                searches++;
                if (r1 || r2) {
                    fprintf(stderr, "rank_check: '%s': %s\n", line, err.msg);
                    mismatches++;
                } else if (fast.n != full.n) {
                    fprintf(stderr, "rank_check: '%s' %s offset %d: %zu hits, full %zu\n", line, fname[filter],
                            q.offset, fast.n, full.n);
                    mismatches++;
                } else
                    for (size_t i = 0; i < fast.n; i++) {
                        int same = fast.id[i] == full.id[i] && fabs(fast.score[i] - full.score[i]) <= 1e-9 &&
                                   fast.text[i] && full.text[i] && !strcmp(fast.text[i], full.text[i]);
                        if (!same) {
                            fprintf(stderr, "rank_check: '%s' %s offset %d hit %zu: id %lld %.17g, full %lld %.17g\n",
                                    line, fname[filter], q.offset, i, fast.id[i], fast.score[i], full.id[i],
                                    full.score[i]);
                            mismatches++;
                            break;
                        }
                        bit_equal += memcmp(&fast.score[i], &full.score[i], sizeof(double)) == 0;
                    }
                hits += fast.n;
                qhits += fast.n;
                page_free(&fast);
                page_free(&full);
            }
            fputs("{\"query\": ", stdout);
            json_str(line);
            printf(", \"filter\": \"%s\", \"hits\": %zu, \"fast_ms\": %.3f, \"full_ms\": %.3f}\n", fname[filter], qhits,
                   fast_ms, full_ms);
            fflush(stdout);
        }
    }
    fclose(qf);
    printf("{\"searches\": %zu, \"hits\": %zu, \"bit_equal\": %zu, \"mismatches\": %zu}\n", searches, hits, bit_equal,
           mismatches);
    lw_store_close(s);
    return mismatches ? 1 : 0;
}
