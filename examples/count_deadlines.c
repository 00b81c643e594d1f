/* count_deadlines: a small program built against the installed lawwatch library.
 *
 *   count_deadlines DB AS_OF QUERY PATH...
 *
 * ingests the documents of PATH (files or folders of .txt) into the database DB (created
 * when missing), lists the files it could not take with their reasons, searches QUERY,
 * counts the deadline report's statuses as of AS_OF (YYYY-MM-DD) and prints the report in
 * Markdown. Exit status: 0 ok, 1 something is overdue, 2 an error.
 *
 * Build it against an installed lawwatch:
 *   cc count_deadlines.c $(pkg-config --cflags --libs lawwatch) -o count_deadlines */
#include <lawwatch.h>

#include <stdio.h>

static int die(const char *what, const lawwatch_error *err)
{
    char buf[2200];
    fprintf(stderr, "count_deadlines: %s: %s\n", what, lawwatch_error_format(err, buf, sizeof buf));
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: count_deadlines DB AS_OF QUERY PATH...\n");
        return 2;
    }
    const char *db_path = argv[1], *as_of = argv[2], *query = argv[3];
    lawwatch_error err;
    lawwatch_engine *eng = NULL;
    lawwatch_db *db = NULL;
    lawwatch_ingest_result *ing = NULL;
    lawwatch_hits *hits = NULL;
    lawwatch_report *rep = NULL;
    int rc = 2;

    /* NULL: the rules installed with the library (or $LAWWATCH_RULES) */
    if (lawwatch_engine_open(NULL, &eng, &err)) {
        rc = die("rules", &err);
        goto done;
    }
    if (lawwatch_db_open(db_path, LAWWATCH_DB_CREATE, &db, &err)) {
        rc = die("database", &err);
        goto done;
    }

    /* ingest: a file that cannot be read is listed with its reason, the others go on */
    if (lawwatch_ingest(db, eng, (const char *const *)argv + 4, (size_t)argc - 4, 0, 1, &ing, &err)) {
        rc = die("ingest", &err);
        goto done;
    }
    lawwatch_ingest_counts c = lawwatch_ingest_result_counts(ing);
    printf("ingested %zu, unchanged %zu, duplicates %zu, skipped %zu, failed %zu\n", c.ingested, c.unchanged,
           c.duplicates, c.skipped, c.failed);
    const char *path, *reason;
    for (size_t i = 0; lawwatch_ingest_result_problem(ing, LAWWATCH_PROBLEM_FAILED, i, &path, &reason) == 0; i++)
        printf("failed: %s: %s\n", path, reason);
    for (size_t i = 0; lawwatch_ingest_result_problem(ing, LAWWATCH_PROBLEM_SKIPPED, i, &path, &reason) == 0; i++)
        printf("skipped: %s: %s\n", path, reason);
    printf("documents %lld\n", lawwatch_db_count(db));

    /* search: rows borrowed from hits until lawwatch_hits_free */
    lawwatch_search_query q = {.query = query, .limit = 5};
    if (lawwatch_search(db, &q, &hits, &err)) {
        rc = die("search", &err);
        goto done;
    }
    printf("search \"%s\": %zu hits\n", query, lawwatch_hits_count(hits));
    for (size_t i = 0; i < lawwatch_hits_count(hits); i++) {
        const lawwatch_hit *h = lawwatch_hits_get(hits, i);
        printf("  %zu. %s (%s)\n", i + 1, h->label, h->path);
    }

    /* the deadline report */
    lawwatch_report_options ro = {.as_of = as_of, .window = 14};
    if (lawwatch_report_build(db, eng, &ro, &rep, &err)) {
        rc = die("report", &err);
        goto done;
    }
    static const char *const names[LAWWATCH_REPORT_STATUS_COUNT] = {
        "overdue", "late", "due_soon", "no_deadline", "no_unit", "done", "upcoming"};
    printf("report as of %s:", as_of);
    for (int st = 0; st < LAWWATCH_REPORT_STATUS_COUNT; st++)
        printf(" %s %zu%s", names[st], lawwatch_report_count(rep, (lawwatch_report_status)st),
               st + 1 < LAWWATCH_REPORT_STATUS_COUNT ? "," : "\n");
    fflush(stdout);
    if (lawwatch_report_write(rep, LAWWATCH_FORMAT_MD, stdout, &err)) {
        rc = die("report", &err);
        goto done;
    }
    rc = lawwatch_report_count(rep, LAWWATCH_REPORT_OVERDUE) ? 1 : 0;
done:
    lawwatch_report_free(rep);
    lawwatch_hits_free(hits);
    lawwatch_ingest_result_free(ing);
    lawwatch_db_close(db);
    lawwatch_engine_free(eng);
    return rc;
}
