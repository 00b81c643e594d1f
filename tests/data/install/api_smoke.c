/* api_smoke: the parts of lawwatch.h examples/count_deadlines.c does not use, built by
 * tests/scripts/t_install.sh against the installed library only.
 *
 *   api_smoke DB DOC CITED_ID
 *
 * DB is a database count_deadlines filled. Prints one line per call, in a form the test
 * compares with the lawwatch command's own output:
 *   extract DOC: sha256 <hex> facts <n>
 *   cites CITED_ID: <n>
 *   check: findings <n> errors <n>
 *   deadlines 2025: <n>
 *   error <call>: <status name>      (each misuse must fail with the right status) */
#include <lawwatch.h>

#include <stdio.h>
#include <string.h>

/* Counts occurrences of needle in s: enough to count the rows of a JSON array of objects by
 * a key every row has once, without a JSON parser in a smoke test. */
static size_t count(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static int expect(const char *call, lawwatch_status got, lawwatch_status want, const lawwatch_error *err)
{
    if (got != want) {
        char buf[2200];
        fprintf(stderr, "api_smoke: %s gave %s, not %s: %s\n", call, lawwatch_status_str(got),
                lawwatch_status_str(want), lawwatch_error_format(err, buf, sizeof buf));
        return 1;
    }
    printf("error %s: %s\n", call, lawwatch_status_str(got));
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: api_smoke DB DOC CITED_ID\n");
        return 2;
    }
    lawwatch_error err;
    lawwatch_engine *eng = NULL;
    lawwatch_db *db = NULL;
    char *json = NULL;
    int bad = 0;
    if (lawwatch_engine_open(NULL, &eng, &err) || lawwatch_db_open(argv[1], LAWWATCH_DB_READONLY, &db, &err)) {
        char buf[2200];
        fprintf(stderr, "api_smoke: %s\n", lawwatch_error_format(&err, buf, sizeof buf));
        lawwatch_engine_free(eng);
        return 2;
    }

    if (lawwatch_extract_file(eng, argv[2], &json, &err) == LAWWATCH_OK) {
        const char *h = strstr(json, "\"sha256\":\"");
        printf("extract %s: sha256 %.64s facts %zu\n", argv[2], h ? h + 10 : "?", count(json, "\"span\":"));
    } else {
        bad++;
    }
    lawwatch_free(json);

    if (lawwatch_cites(db, argv[3], 0, &json, &err) == LAWWATCH_OK)
        printf("cites %s: %zu\n", argv[3], count(json, "\"mentions\":"));
    else
        bad++;
    lawwatch_free(json);

    size_t n_errors = 0;
    if (lawwatch_check(db, eng, NULL, &json, &n_errors, &err) == LAWWATCH_OK)
        printf("check: findings %zu errors %zu\n", count(json, "\"severity\":"), n_errors);
    else
        bad++;
    lawwatch_free(json);

    if (lawwatch_deadlines_in(db, "2025", 0, &json, &err) == LAWWATCH_OK)
        printf("deadlines 2025: %zu\n", count(json, "\"precision\":"));
    else
        bad++;
    lawwatch_free(json);

    /* misuse: each a clean error with the right status, nothing handed over */
    lawwatch_db *none = NULL;
    bad += expect("db_open", lawwatch_db_open("/nonexistent/lawwatch.db", 0, &none, &err), LAWWATCH_ERR_DB, &err);
    lawwatch_report *rep = NULL;
    lawwatch_report_options ro = {.as_of = "2025-02-30"};
    bad += expect("report_build", lawwatch_report_build(db, eng, &ro, &rep, &err), LAWWATCH_ERR_USAGE, &err);
    lawwatch_hits *hits = NULL;
    lawwatch_search_query q = {.query = "AND OR"};
    bad += expect("search", lawwatch_search(db, &q, &hits, &err), LAWWATCH_ERR_QUERY, &err);
    bad += expect("deadlines_in", lawwatch_deadlines_in(db, "2025Q9", 0, &json, &err), LAWWATCH_ERR_USAGE, &err);
    bad += expect("extract_file", lawwatch_extract_file(eng, "/nonexistent.txt", &json, &err), LAWWATCH_ERR_IO, &err);
    lawwatch_engine *e2 = NULL;
    bad += expect("engine_open", lawwatch_engine_open("/nonexistent-rules", &e2, &err), LAWWATCH_ERR_IO, &err);
    if (none || rep || hits || json || e2) {
        fprintf(stderr, "api_smoke: a failed call handed something over\n");
        bad++;
    }

    lawwatch_db_close(db);
    lawwatch_engine_free(eng);
    return bad ? 1 : 0;
}
