/* pg_search_check: the PostgreSQL back end's search (issue 21) against the SQLite back end's
 * on a real-size database, the bench's side of tests/unit/test_pg_search.c. Loads DB's
 * documents into a schema of the server (lw_pgsearch_bench; doc_text by lw_pg_text_put from
 * FTS5's text, documents, doc_paths and duty_units the columns a search reads) unless it is
 * there already, then for every query of QUERIES, without a filter and with the most
 * frequent duty unit's, first page of 20: both searches, their pages compared field by field
 * (ids, order, scores to the bit, path, number, snippet, paths), and their times. One JSON
 * object a line per query and filter:
 *   {"query", "filter", "hits", "sqlite_ms", "pg_ms", "pg_cpu_ms"}
 * (pg_cpu_ms: this process's CPU during the PostgreSQL search: matching and scoring here;
 * the server's is pg_ms minus it, roughly, on an idle machine), then a summary line
 * {"searches", "hits", "mismatches", "load_s"}. Exit status 1 on any mismatch.
 *
 *   pg_search_check DB URI QUERIES [--reload]
 *
 * Built by bench/pg_search_check.sh; not part of the project's build. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "lw_store.h"
#include "lw_store_pg.h"
#include "lw_store_sqlite.h"

#define MAX_HITS 64

static lw_store *store;
static lw_pg *pg;

static double now_ms(clockid_t clk)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

typedef struct {
    size_t n;
    long long id[MAX_HITS];
    double score[MAX_HITS];
    char *text[MAX_HITS];
} page;

static int on_hit(void *ud, const lw_search_hit *h)
{
    page *p = ud;
    if (p->n == MAX_HITS)
        return 1;
    size_t i = p->n++;
    p->id[i] = h->id;
    p->score[i] = h->score;
    lw_buf b = {0};
    lw_buf_printf(&b, "%s|%s|%s", h->path ? h->path : "", h->number ? h->number : "", h->snippet ? h->snippet : "");
    for (size_t k = 0; k < h->n_paths; k++)
        lw_buf_printf(&b, "|%s", h->paths[k]);
    p->text[i] = lw_buf_detach(&b, NULL);
    return 0;
}

static void page_free(page *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->text[i]);
    p->n = 0;
}

static int exec_ok(const char *sql)
{
    PGresult *r = PQexec(pg->pg, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok)
        fprintf(stderr, "%s: %s", sql, PQerrorMessage(pg->pg));
    PQclear(r);
    return ok ? 0 : -1;
}

static int copy_rows(const char *sqlite_sql, const char *pg_sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(lw_store_sqlite_db(store), sqlite_sql, -1, &st, NULL))
        return -1;
    int n = sqlite3_column_count(st), bad = 0;
    while (!bad && sqlite3_step(st) == SQLITE_ROW) {
        const char *v[16];
        for (int i = 0; i < n; i++)
            v[i] = (const char *)sqlite3_column_text(st, i);
        PGresult *r = PQexecParams(pg->pg, pg_sql, n, NULL, v, NULL, NULL, 0);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            fprintf(stderr, "%s: %s", pg_sql, PQerrorMessage(pg->pg));
            bad = 1;
        }
        PQclear(r);
    }
    sqlite3_finalize(st);
    return bad ? -1 : 0;
}

static int load(void)
{
    if (exec_ok("DROP SCHEMA IF EXISTS lw_pgsearch_bench CASCADE") || exec_ok("CREATE SCHEMA lw_pgsearch_bench") ||
        exec_ok("SET search_path = lw_pgsearch_bench") ||
        exec_ok("CREATE TABLE documents (id bigint PRIMARY KEY, path text, number text, kind text, issuer text,"
                " date text, subject text, kind_key text, issuer_key text)") ||
        exec_ok("CREATE TABLE doc_paths (seq bigint PRIMARY KEY, doc_id bigint, path text)") ||
        exec_ok("CREATE INDEX ON doc_paths (doc_id)") ||
        exec_ok("CREATE TABLE duty_units (doc_id bigint, name_key text)") || exec_ok(lw_pg_text_schema_sql()) ||
        exec_ok("CREATE TABLE doc_text_p_default PARTITION OF doc_text DEFAULT") ||
        exec_ok("BEGIN") ||
        copy_rows("SELECT id, path, number, kind, issuer, date, subject, kind_key, issuer_key FROM documents",
                  "INSERT INTO documents VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)") ||
        copy_rows("SELECT rowid, doc_id, path FROM doc_paths", "INSERT INTO doc_paths VALUES ($1, $2, $3)") ||
        copy_rows("SELECT doc_id, name_key FROM duty_units", "INSERT INTO duty_units VALUES ($1, $2)"))
        return -1;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(lw_store_sqlite_db(store), "SELECT rowid, subject, body FROM doc_text", -1, &st, NULL))
        return -1;
    lw_error err;
    int bad = 0;
    while (!bad && sqlite3_step(st) == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text(st, 1), *b = (const char *)sqlite3_column_text(st, 2);
        if (lw_pg_text_put(pg, sqlite3_column_int64(st, 0), NULL, s, s ? strlen(s) : 0, b, b ? strlen(b) : 0, &err)) {
            fprintf(stderr, "lw_pg_text_put: %s\n", err.msg);
            bad = 1;
        }
    }
    sqlite3_finalize(st);
    return bad || exec_ok("COMMIT") || exec_ok("ANALYZE") ? -1 : 0;
}

static void json_str(const char *s)
{
    putchar('"');
    for (; *s; s++)
        if (*s == '"' || *s == '\\')
            printf("\\%c", *s);
        else
            putchar(*s);
    putchar('"');
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: pg_search_check DB URI QUERIES [--reload]\n");
        return 2;
    }
    lw_error err;
    if (lw_store_open(argv[1], 0, &store, &err)) {
        fprintf(stderr, "%s: %s\n", argv[1], err.msg);
        return 2;
    }
    pg = calloc(1, sizeof *pg);
    pg->url = strdup(argv[2]);
    pg->shown = lw_pg_uri_shown(argv[2]);
    pg->pg = PQconnectdb(argv[2]);
    if (PQstatus(pg->pg) != CONNECTION_OK) {
        fprintf(stderr, "%s\n", PQerrorMessage(pg->pg));
        return 2;
    }
    PQclear(PQexec(pg->pg, "SET client_min_messages = warning"));
    PGresult *r = PQexec(pg->pg, "SELECT 1 FROM pg_namespace WHERE nspname = 'lw_pgsearch_bench'");
    int have = PQntuples(r) == 1;
    PQclear(r);
    double t0 = now_ms(CLOCK_MONOTONIC), load_s = 0;
    if (!have || (argc > 4 && !strcmp(argv[4], "--reload"))) {
        if (load())
            return 2;
        load_s = (now_ms(CLOCK_MONOTONIC) - t0) / 1e3;
    }
    exec_ok("SET search_path = lw_pgsearch_bench");

    char unit[400] = "";
    sqlite3_stmt *st;
    if (!sqlite3_prepare_v2(lw_store_sqlite_db(store),
                            "SELECT name_key FROM duty_units GROUP BY 1 ORDER BY count(*) DESC LIMIT 1", -1, &st,
                            NULL) &&
        sqlite3_step(st) == SQLITE_ROW)
        snprintf(unit, sizeof unit, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);

    FILE *f = fopen(argv[3], "r");
    if (!f)
        return 2;
    char line[1024];
    size_t searches = 0, hits = 0, mismatches = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        for (int filter = 0; filter < 2; filter++) {
            lw_search_query q;
            memset(&q, 0, sizeof q);
            q.query = line;
            q.limit = 20;
            q.unit = filter ? unit : NULL;
            page a = {0}, b = {0};
            lw_error ea, eb;
            size_t na, nb;
            double s0 = now_ms(CLOCK_MONOTONIC);
            lw_status ra = lw_store_search(store, &q, on_hit, &a, &na, &ea);
            double s1 = now_ms(CLOCK_MONOTONIC), c1 = now_ms(CLOCK_PROCESS_CPUTIME_ID);
            lw_status rb = lw_pg_search((lw_store_conn *)pg, &q, on_hit, &b, &nb, &eb);
            double s2 = now_ms(CLOCK_MONOTONIC), c2 = now_ms(CLOCK_PROCESS_CPUTIME_ID);
            int same = ra == rb && a.n == b.n;
            for (size_t i = 0; same && i < a.n; i++)
                same = a.id[i] == b.id[i] && !memcmp(&a.score[i], &b.score[i], sizeof(double)) &&
                       !strcmp(a.text[i], b.text[i]);
            if (!same) {
                mismatches++;
                fprintf(stderr, "MISMATCH query '%s' filter %s: SQLite %d/%zu hits, PostgreSQL %d/%zu%s%s\n", line,
                        filter ? unit : "-", ra, a.n, rb, b.n, rb ? ": " : "", rb ? eb.msg : "");
            }
            searches++;
            hits += a.n;
            printf("{\"query\": ");
            json_str(line);
            printf(", \"filter\": \"%s\", \"hits\": %zu, \"sqlite_ms\": %.1f, \"pg_ms\": %.1f, \"pg_cpu_ms\": %.1f}\n",
                   filter ? "unit" : "none", a.n, s1 - s0, s2 - s1, c2 - c1);
            fflush(stdout);
            page_free(&a);
            page_free(&b);
        }
    }
    fclose(f);
    printf("{\"searches\": %zu, \"hits\": %zu, \"mismatches\": %zu, \"load_s\": %.1f}\n", searches, hits, mismatches,
           load_s);
    PQfinish(pg->pg);
    lw_store_close(store);
    return mismatches ? 1 : 0;
}
