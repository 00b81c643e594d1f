/* alloc_run.c: the allocation-failure runs (issue 16): for every N up to an operation's count
 * of allocations, the operation with its Nth allocation failing must end cleanly: LW_OK with
 * the same output as without failure, or an out-of-memory error with a message; no crash,
 * no leak, and after a failed ingest the database intact (integrity_check, the FTS index's
 * own check, foreign keys), the document stored before unchanged with its facts, each new
 * document either absent or whole.
 *
 *   alloc_run SRC_DIR WORK_DIR [STEP...]     STEP: extract ingest search check report
 *
 * Environment: LW_ALLOC_FAIL_AT=N runs that N only (in a child, as always);
 * LW_ALLOC_PERSIST=1 fails every allocation after the Nth too (as SQLite's test allocator
 * can); LW_ALLOC_VERBOSE=1 prints each child's outcome; LW_ALLOC_BACKTRACE=1 prints the stack
 * of the allocation made to fail; LW_ALLOC_STRIDE=S runs N = 1, 1+S, 1+2S... only.
 *
 * The stride is for the ASan build alone (tests/CMakeLists.txt sets 7 there): a child costs
 * ten times as much under ASan and LeakSanitizer, and the normal build already runs every N
 * with the same checks but ASan's (crash, clean error, same output, live blocks of ours,
 * jansson's and SQLite's, the database). What ASan adds, memory errors and leaks of the
 * libraries that are not counted (PCRE2, utf8proc, ICU) on the error paths, is sampled at
 * every 7th N: prime, so that a loop allocating k blocks a turn is hit at each of its k
 * places unless k is a multiple of 7.
 *
 * The operations are the public library's (include/lawwatch.h, linked statically here with
 * the core so that -Wl,--wrap reaches every call; see alloc_fail.h for what is counted).
 * Setup runs uncounted: the rules are loaded once, a template database gets one document.
 * Each operation then runs twice in this process, a warm-up (lazy one-time setup is then
 * not taken for a leak) and a counted reference run that gives the count and the expected
 * output; then one child per N is forked (a crash shows as a signal; a leak as live blocks
 * of the child's epoch, and by LeakSanitizer at the child's exit in the ASan build). Each
 * operation starts from the state the previous left, so a child runs one operation, not
 * the whole scenario: every N of every operation, and the test stays a few minutes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc_fail.h"
#include "lawwatch.h"
#include "lw_common.h"
#include "lw_fts.h"

void *__real_realloc(void *p, size_t n);
void __real_free(void *p);

/* A child's outcome, its exit status. */
enum {
    OUT_SAME = 0,      /* LW_OK, output as the reference's, a failure was injected */
    OUT_CLEAN = 1,     /* a clean out-of-memory error */
    OUT_DIFF = 2,      /* LW_OK but another output: something was dropped silently */
    OUT_LEAK = 3,      /* blocks of the operation still live after everything was freed */
    OUT_BADERR = 4,    /* an error that is not out of memory, or without a message */
    OUT_NOFAIL = 10    /* N is past the operation's count: nothing failed */
};

/* Past this many allocations an operation is taken for a runaway (the scenario's largest
 * has a few tens of thousands). */
#define ALLOC_RUN_MAX_N 2000000UL

/* ---- a string builder on libc's own allocator, so the driver's output is not counted ---- */

typedef struct {
    char *s;
    size_t n, cap;
} sb;

static void sb_add(sb *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        size_t room = b->cap - b->n;
        va_start(ap, fmt);
        int k = vsnprintf(b->s ? b->s + b->n : NULL, room, fmt, ap);
        va_end(ap);
        if (k < 0)
            abort();
        if ((size_t)k < room) {
            b->n += (size_t)k;
            return;
        }
        size_t cap = (b->cap + (size_t)k + 1) * 2;
        char *s = __real_realloc(b->s, cap);
        if (!s)
            abort();
        b->s = s;
        b->cap = cap;
    }
}

static void sb_free(sb *b)
{
    __real_free(b->s);
    *b = (sb){0};
}

static const char *sb_str(const sb *b) { return b->s ? b->s : ""; }

/* ---- the scenario ---- */

static char src_dir[2048], work_dir[2048];
static char rules_dir[2300], doc_before[2300], doc_new1[2300], doc_new2[2300], doc_extract[2300];
static char template_db[2300], ref_db[2300], child_db[2300], warm_db[2300];
static lawwatch_engine *engine;
static int verbose, persist;
static unsigned long stride = 1;

typedef lawwatch_status (*step_fn)(const char *db, sb *out, lawwatch_error *err);

static lawwatch_status step_extract(const char *db, sb *out, lawwatch_error *err)
{
    char *json = NULL;
    lawwatch_status st = lawwatch_extract_file(engine, doc_extract, &json, err);
    if (!st)
        sb_add(out, "%s", json);
    lawwatch_free(json);
    return st;
}

/* The outcome of an ingest: its counts and problems. A file that failed for want of memory
 * is listed there with its reason: not silent, so a clean end (OUT_CLEAN). */
static int ingest_listed_problem;

static lawwatch_status step_ingest(const char *db_path, sb *out, lawwatch_error *err)
{
    lawwatch_db *db = NULL;
    lawwatch_status st = lawwatch_db_open(db_path, 0, &db, err);
    if (st)
        return st;
    const char *paths[] = {doc_new1, doc_new2};
    lawwatch_ingest_result *r = NULL;
    st = lawwatch_ingest(db, engine, paths, 2, 0, 1, &r, err);
    if (r) {
        lawwatch_ingest_counts c = lawwatch_ingest_result_counts(r);
        sb_add(out, "ingested %zu unchanged %zu duplicates %zu failed %zu skipped %zu unrecorded %zu\n",
               c.ingested, c.unchanged, c.duplicates, c.failed, c.skipped, c.unrecorded);
        for (size_t i = 0; i < c.failed; i++) {
            const char *path, *reason;
            lawwatch_ingest_result_problem(r, LAWWATCH_PROBLEM_FAILED, i, &path, &reason);
            sb_add(out, "failed %s: %s\n", path, reason);
        }
        if (c.failed || c.unrecorded)
            ingest_listed_problem = 1;
    }
    lawwatch_ingest_result_free(r);
    lawwatch_db_close(db);
    return st;
}

static lawwatch_status step_search(const char *db_path, sb *out, lawwatch_error *err)
{
    lawwatch_db *db = NULL;
    lawwatch_status st = lawwatch_db_open(db_path, LAWWATCH_DB_READONLY, &db, err);
    if (st)
        return st;
    lawwatch_search_query q = {.query = "kế hoạch hòa giải", .limit = 10};
    lawwatch_hits *h = NULL;
    st = lawwatch_search(db, &q, &h, err);
    for (size_t i = 0; !st && i < lawwatch_hits_count(h); i++) {
        const lawwatch_hit *x = lawwatch_hits_get(h, i);
        sb_add(out, "%s\t%s\t%.6f\t%s\n", x->path, x->label, x->score, x->snippet);
    }
    lawwatch_hits_free(h);
    char *json = NULL;
    if (!st)
        st = lawwatch_cites(db, "52/2010/NĐ-CP", 0, &json, err);
    if (!st)
        sb_add(out, "%s\n", json);
    lawwatch_free(json);
    json = NULL;
    if (!st)
        st = lawwatch_deadlines_in(db, "2024", 0, &json, err);
    if (!st)
        sb_add(out, "%s\n", json);
    lawwatch_free(json);
    lawwatch_db_close(db);
    return st;
}

static lawwatch_status step_check(const char *db_path, sb *out, lawwatch_error *err)
{
    lawwatch_db *db = NULL;
    lawwatch_status st = lawwatch_db_open(db_path, LAWWATCH_DB_READONLY, &db, err);
    if (st)
        return st;
    char *json = NULL;
    size_t n_errors = 0;
    st = lawwatch_check(db, engine, NULL, &json, &n_errors, err);
    if (!st)
        sb_add(out, "%zu errors\n%s\n", n_errors, json);
    lawwatch_free(json);
    lawwatch_db_close(db);
    return st;
}

static lawwatch_status step_report(const char *db_path, sb *out, lawwatch_error *err)
{
    lawwatch_db *db = NULL;
    lawwatch_status st = lawwatch_db_open(db_path, LAWWATCH_DB_READONLY, &db, err);
    if (st)
        return st;
    lawwatch_report_options o = {.as_of = "2024-11-16", .window = 14};
    lawwatch_report *r = NULL;
    st = lawwatch_report_build(db, engine, &o, &r, err);
    for (int f = LAWWATCH_FORMAT_TEXT; !st && f <= LAWWATCH_FORMAT_JSON; f++) {
        char *text = NULL;
        st = lawwatch_report_string(r, (lawwatch_format)f, &text, err);
        if (!st)
            sb_add(out, "%s\n", text);
        lawwatch_free(text);
    }
    lawwatch_report_free(r);
    lawwatch_db_close(db);
    return st;
}

static void die(const char *fmt, ...);

/* The registry (issue 19): the list with citing counts, an entry with its chain and citing
 * documents, and an id cited but not listed, in JSON and as the table. */
static lawwatch_status step_registry(const char *db_path, sb *out, lawwatch_error *err)
{
    lawwatch_db *db = NULL;
    lawwatch_status st = lawwatch_db_open(db_path, LAWWATCH_DB_READONLY, &db, err);
    if (st)
        return st;
    /* the list (JSON), a chain of two levels with citing documents (the table), an id cited
     * but not listed, or not found (JSON): each call reads the registry file again */
    static const struct {
        const char *id;
        int json;
    } calls[] = {{"59/2012/nd-cp", 1}};
    for (size_t i = 0; !st && i < sizeof calls / sizeof *calls; i++) {
        char *text = NULL;
        size_t size = 0;
        FILE *m = open_memstream(&text, &size);
        if (!m)
            die("open_memstream: %s", strerror(errno));
        lawwatch_view v = {calls[i].json ? LAWWATCH_FORMAT_JSON : LAWWATCH_FORMAT_TEXT, 0, NULL};
        st = lawwatch_registry_write(engine, db, calls[i].id, &v, m, NULL, err);
        fclose(m);
        if (!st)
            sb_add(out, "%s\n", text);
        __real_free(text); /* open_memstream's, not counted */
        if (st == LAWWATCH_ERR_NOT_FOUND) { /* the template's document may not cite it */
            sb_add(out, "not found: %s\n", calls[i].id);
            st = LAWWATCH_OK;
        }
    }
    lawwatch_db_close(db);
    return st;
}

typedef struct {
    const char *name;
    step_fn fn;
    int writes; /* runs on a fresh copy of the template database, checked after */
    /* with a stride (the ASan build), this one instead (0: the stride): the registry step's
     * ten thousand allocations are mostly the registry file's loading, which check's step
     * already samples; a prime, for the reason the stride is one */
    unsigned long sampled_stride;
} step;

static const step steps[] = {
    {"extract", step_extract, 0, 0},
    {"ingest", step_ingest, 1, 0},
    {"search", step_search, 0, 0},
    {"check", step_check, 0, 0},
    {"report", step_report, 0, 0},
    {"registry", step_registry, 0, 31},
};

/* ---- files ---- */

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("alloc_run: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(99);
}

static void remove_db(const char *path)
{
    char p[2400];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-journal", path);
    unlink(p);
}

static void copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY);
    if (in < 0)
        die("%s: %s", from, strerror(errno));
    int o = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (o < 0)
        die("%s: %s", to, strerror(errno));
    char buf[1 << 16];
    ssize_t k;
    while ((k = read(in, buf, sizeof buf)) > 0)
        if (write(o, buf, (size_t)k) != k)
            die("%s: %s", to, strerror(errno));
    close(in);
    if (close(o) != 0 || k < 0)
        die("copy %s: %s", to, strerror(errno));
}

/* The template (closed, so checkpointed: one file) copied to a fresh database at path. */
static void fresh_db(const char *path)
{
    remove_db(path);
    copy_file(template_db, path);
}

/* ---- the database checks (uncounted) ---- */

static sqlite3 *open_raw(const char *path, int rw)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, rw ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        die("%s: %s", path, db ? sqlite3_errmsg(db) : "cannot open");
    lw_error e;
    lw_error_clear(&e);
    if (lw_fts_register(db, &e))
        die("%s: %s", path, e.msg);
    return db;
}

/* Appends the values of one statement's rows, leaving out the columns that differ between
 * two ingests of the same files (row ids, the time of ingest). */
static void dump_rows(sqlite3 *db, const char *sql, sqlite3_int64 id, sb *out)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
        die("%s: %s", sql, sqlite3_errmsg(db));
    sqlite3_bind_int64(q, 1, id);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(q); i++) {
            const char *c = sqlite3_column_name(q, i);
            if (!strcmp(c, "id") || !strcmp(c, "doc_id") || !strcmp(c, "fact_id") || !strcmp(c, "ingested_at"))
                continue;
            const unsigned char *v = sqlite3_column_text(q, i);
            sb_add(out, "%s=%s|", c, v ? (const char *)v : "NULL");
        }
        sb_add(out, "\n");
    }
    if (rc != SQLITE_DONE)
        die("%s: %s", sql, sqlite3_errmsg(db));
    sqlite3_finalize(q);
}

/* Everything stored of the document at path: its row, every row of every table that has a
 * doc_id, its text in the FTS table. Empty when the document is not there. */
static void doc_fingerprint(sqlite3 *db, const char *path, sb *out)
{
    sqlite3_stmt *q = NULL;
    sqlite3_int64 id = -1;
    if (sqlite3_prepare_v2(db, "SELECT doc_id FROM doc_paths WHERE path = ?", -1, &q, NULL) != SQLITE_OK)
        die("doc_paths: %s", sqlite3_errmsg(db));
    sqlite3_bind_text(q, 1, path, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW)
        id = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    if (id < 0)
        return;
    dump_rows(db, "SELECT * FROM documents WHERE id = ?", id, out);
    dump_rows(db, "SELECT subject, body FROM doc_text WHERE rowid = ?", id, out);
    sqlite3_stmt *t = NULL;
    if (sqlite3_prepare_v2(db, "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c"
                               " WHERE m.type = 'table' AND c.name = 'doc_id' ORDER BY m.name",
                           -1, &t, NULL) != SQLITE_OK)
        die("sqlite_master: %s", sqlite3_errmsg(db));
    while (sqlite3_step(t) == SQLITE_ROW) {
        char sql[512];
        snprintf(sql, sizeof sql, "SELECT * FROM \"%s\" WHERE doc_id = ? ORDER BY rowid",
                 (const char *)sqlite3_column_text(t, 0));
        sb_add(out, "[%s]\n", (const char *)sqlite3_column_text(t, 0));
        dump_rows(db, sql, id, out);
    }
    sqlite3_finalize(t);
}

/* The first row's text of sql, into buf. */
static void query_text(sqlite3 *db, const char *sql, char *buf, size_t size)
{
    sqlite3_stmt *q = NULL;
    buf[0] = '\0';
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
        snprintf(buf, size, "error: %s", sqlite3_errmsg(db));
        return;
    }
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        snprintf(buf, size, "%s", sqlite3_column_text(q, 0) ? (const char *)sqlite3_column_text(q, 0) : "NULL");
    else if (rc != SQLITE_DONE)
        snprintf(buf, size, "error: %s", sqlite3_errmsg(db));
    sqlite3_finalize(q);
}

static sb fp_before, fp_new1, fp_new2; /* as the reference ingest left them */

/* After a child's ingest into child_db: NULL when the database is intact, else what is
 * wrong (static). whole: the child ended with LW_OK and no listed problem, so every document
 * must be there. */
static const char *check_db(int whole)
{
    static char why[600];
    char buf[256];
    sqlite3 *db = open_raw(child_db, 1);
    query_text(db, "PRAGMA integrity_check", buf, sizeof buf);
    if (strcmp(buf, "ok")) {
        snprintf(why, sizeof why, "integrity_check: %s", buf);
        goto out;
    }
    query_text(db, "PRAGMA foreign_key_check", buf, sizeof buf);
    if (buf[0]) {
        snprintf(why, sizeof why, "foreign_key_check: %s", buf);
        goto out;
    }
    if (sqlite3_exec(db, "INSERT INTO doc_text(doc_text) VALUES ('integrity-check')", NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(why, sizeof why, "the FTS index's integrity-check: %s", sqlite3_errmsg(db));
        goto out;
    }
    const char *paths[] = {doc_before, doc_new1, doc_new2};
    const sb *want[] = {&fp_before, &fp_new1, &fp_new2};
    for (int i = 0; i < 3; i++) {
        sb got = {0};
        doc_fingerprint(db, paths[i], &got);
        int absent = got.n == 0;
        int same = got.n == want[i]->n && !memcmp(sb_str(&got), sb_str(want[i]), got.n);
        sb_free(&got);
        if (same || (absent && i > 0 && !whole))
            continue;
        snprintf(why, sizeof why, "%s is %s", paths[i], absent ? "missing" : "stored otherwise than without failure");
        goto out;
    }
    why[0] = '\0';
out:
    sqlite3_close(db);
    return why[0] ? why : NULL;
}

/* ---- the runs ---- */

/* Runs a step counted (fail_at 0: nothing fails) in this process; its output into out. */
static lawwatch_status run_counted(const step *s, unsigned long fail_at, sb *out, lawwatch_error *err,
                                   unsigned long *count, size_t *live)
{
    const char *db = s->writes ? (fail_at ? child_db : ref_db) : ref_db;
    ingest_listed_problem = 0;
    memset(err, 0, sizeof *err);
    alf_begin(fail_at, persist);
    lawwatch_status st = s->fn(db, out, err);
    alf_end();
    *count = alf_count();
    *live = alf_live(NULL);
    return st;
}

/* The child for N: exits with its outcome. */
static void child(const step *s, unsigned long n, const sb *ref)
{
    if (s->writes)
        fresh_db(child_db);
    sb out = {0};
    lawwatch_error err;
    unsigned long count;
    size_t live;
    lawwatch_status st = run_counted(s, n, &out, &err, &count, &live);
    int outcome;
    if (live) {
        fprintf(stderr, "%s N=%lu: %zu blocks leaked (status %d: %s)\n", s->name, n, live, (int)st, err.msg);
        alf_dump_live(5);
        outcome = OUT_LEAK;
    } else if (st == LAWWATCH_OK && ingest_listed_problem) {
        /* the reasons name the want of memory: ours, or the C library's strerror(ENOMEM) */
        outcome = strstr(sb_str(&out), "out of memory") || strstr(sb_str(&out), "Cannot allocate memory")
                      ? OUT_CLEAN
                      : OUT_BADERR;
        if (outcome != OUT_CLEAN || verbose)
            fprintf(stderr, "%s N=%lu: listed: %s", s->name, n, sb_str(&out));
    } else if (st == LAWWATCH_OK) {
        int same = out.n == ref->n && !memcmp(sb_str(&out), sb_str(ref), out.n);
        outcome = !same ? OUT_DIFF : alf_failed() ? OUT_SAME : OUT_NOFAIL;
        if (!same) {
            size_t i = 0;
            while (i < out.n && i < ref->n && out.s[i] == ref->s[i])
                i++;
            size_t from = i > 60 ? i - 60 : 0;
            fprintf(stderr, "%s N=%lu: LW_OK, but the output differs from the run without failure at byte %zu:\n"
                    "  got:  %.120s\n  want: %.120s\n", s->name, n, i, sb_str(&out) + (from < out.n ? from : out.n),
                    sb_str(ref) + from);
        }
    } else {
        char buf[2200];
        int oom = st == LAWWATCH_ERR_NOMEM || (st == LAWWATCH_ERR_DB && strstr(err.msg, "out of memory"));
        outcome = oom && err.msg[0] && alf_failed() ? OUT_CLEAN : OUT_BADERR;
        if (outcome != OUT_CLEAN || verbose)
            fprintf(stderr, "%s N=%lu: %s: %s\n", s->name, n, lawwatch_status_str(st),
                    lawwatch_error_format(&err, buf, sizeof buf));
    }
    sb_free(&out);
    fflush(NULL);
    exit(outcome); /* exit, not _exit: LeakSanitizer runs at exit in the ASan build */
}

/* One N in a child; returns its outcome, or -1 (printed) when it failed otherwise. */
static int fork_one(const step *s, unsigned long n, const sb *ref)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        die("fork: %s", strerror(errno));
    if (pid == 0)
        child(s, n, ref);
    int ws;
    while (waitpid(pid, &ws, 0) < 0)
        if (errno != EINTR)
            die("waitpid: %s", strerror(errno));
    if (WIFSIGNALED(ws)) {
        fprintf(stderr, "%s N=%lu: crashed (signal %d)\n", s->name, n, WTERMSIG(ws));
        return -1;
    }
    int outcome = WEXITSTATUS(ws);
    if (outcome != OUT_SAME && outcome != OUT_CLEAN && outcome != OUT_NOFAIL) {
        fprintf(stderr, "%s N=%lu: failed (outcome %d)\n", s->name, n, outcome);
        return -1;
    }
    if (s->writes) {
        const char *why = check_db(outcome != OUT_CLEAN);
        if (why) {
            fprintf(stderr, "%s N=%lu: database not intact: %s\n", s->name, n, why);
            return -1;
        }
    }
    if (verbose)
        fprintf(stderr, "%s N=%lu: outcome %d\n", s->name, n, outcome);
    return outcome;
}

static void setup(void)
{
    snprintf(rules_dir, sizeof rules_dir, "%s/rules", src_dir);
    /* a province plan stored before; a district plan and the district's report to ingest;
     * a letter to extract */
    snprintf(doc_before, sizeof doc_before, "%s/tests/data/report/01_province_plan_2024.txt", src_dir);
    snprintf(doc_new1, sizeof doc_new1, "%s/tests/data/report/02_district_plan_chau_thanh_a_2024.txt", src_dir);
    snprintf(doc_new2, sizeof doc_new2, "%s/tests/data/report/05_district_report_chau_thanh_a_2024.txt", src_dir);
    snprintf(doc_extract, sizeof doc_extract, "%s/tests/data/check/25_letter_wrong_date_same_year.txt", src_dir);
    snprintf(template_db, sizeof template_db, "%s/template.db", work_dir);
    snprintf(ref_db, sizeof ref_db, "%s/ref.db", work_dir);
    snprintf(child_db, sizeof child_db, "%s/child.db", work_dir);
    snprintf(warm_db, sizeof warm_db, "%s/warm.db", work_dir);
    char *p;
    if (!(p = realpath(doc_before, NULL)))
        die("%s: %s", doc_before, strerror(errno));
    snprintf(doc_before, sizeof doc_before, "%s", p);
    free(p);
    if (!(p = realpath(doc_new1, NULL)))
        die("%s: %s", doc_new1, strerror(errno));
    snprintf(doc_new1, sizeof doc_new1, "%s", p);
    free(p);
    if (!(p = realpath(doc_new2, NULL)))
        die("%s: %s", doc_new2, strerror(errno));
    snprintf(doc_new2, sizeof doc_new2, "%s", p);
    free(p);

    lawwatch_error err;
    char buf[2200];
    if (lawwatch_engine_open(rules_dir, &engine, &err))
        die("rules: %s", lawwatch_error_format(&err, buf, sizeof buf));
    remove_db(template_db);
    lawwatch_db *db = NULL;
    if (lawwatch_db_open(template_db, LAWWATCH_DB_CREATE, &db, &err))
        die("%s: %s", template_db, lawwatch_error_format(&err, buf, sizeof buf));
    const char *paths[] = {doc_before};
    lawwatch_ingest_result *r = NULL;
    if (lawwatch_ingest(db, engine, paths, 1, 0, 1, &r, &err) || lawwatch_ingest_result_counts(r).ingested != 1)
        die("template ingest: %s", lawwatch_error_format(&err, buf, sizeof buf));
    lawwatch_ingest_result_free(r);
    lawwatch_db_close(db);
    /* the ingest step's reference runs on ref.db; the read steps read it after */
    fresh_db(ref_db);
}

/* Runs every N of one step; returns the number of failures. */
static int run_step(const step *s, unsigned long only)
{
    sb warm = {0}, ref = {0};
    lawwatch_error err;
    unsigned long count;
    size_t live;
    char buf[2200];
    if (s->writes)
        fresh_db(warm_db);
    /* the warm-up: writes go to warm.db */
    ingest_listed_problem = 0;
    lawwatch_status st = s->fn(s->writes ? warm_db : ref_db, &warm, &err);
    if (st || ingest_listed_problem)
        die("%s: %s %s", s->name, lawwatch_error_format(&err, buf, sizeof buf), sb_str(&warm));
    sb_free(&warm);
    st = run_counted(s, 0, &ref, &err, &count, &live);
    if (st || ingest_listed_problem)
        die("%s: %s %s", s->name, lawwatch_error_format(&err, buf, sizeof buf), sb_str(&ref));
    int failures = 0;
    if (live) {
        fprintf(stderr, "%s: %zu blocks leaked without any failure\n", s->name, live);
        alf_dump_live(5);
        failures++;
    }
    if (s->writes) {
        sqlite3 *db = open_raw(template_db, 0);
        doc_fingerprint(db, doc_before, &fp_before);
        sqlite3_close(db);
        db = open_raw(ref_db, 0);
        sb now = {0};
        doc_fingerprint(db, doc_before, &now);
        doc_fingerprint(db, doc_new1, &fp_new1);
        doc_fingerprint(db, doc_new2, &fp_new2);
        sqlite3_close(db);
        if (!fp_before.n || !fp_new1.n || !fp_new2.n || strcmp(sb_str(&now), sb_str(&fp_before)))
            die("ingest: the reference database is not as expected");
        sb_free(&now);
    }
    printf("%s: %lu allocations\n", s->name, count);
    fflush(stdout);
    unsigned long same = 0, clean = 0, last = 0;
    unsigned long step_stride = stride > 1 && s->sampled_stride ? s->sampled_stride : stride;
    for (unsigned long n = only ? only : 1;; n += step_stride) {
        int o = fork_one(s, n, &ref);
        last = n;
        if (o < 0)
            failures++;
        else if (o == OUT_SAME)
            same++;
        else if (o == OUT_CLEAN)
            clean++;
        if (only || o == OUT_NOFAIL)
            break;
        if (n > 2 * count + 1000 + step_stride || n >= ALLOC_RUN_MAX_N) {
            fprintf(stderr, "%s: N=%lu is past twice the count and allocations still fail\n", s->name, n);
            failures++;
            break;
        }
    }
    printf("%s: N=%s%lu%s: %lu clean errors, %lu recovered with the same output, %d failures\n", s->name,
           only ? "" : "1..", last, step_stride > 1 && !only ? " by a stride" : "", clean, same, failures);
    fflush(stdout);
    sb_free(&ref);
    return failures;
}

int main(int argc, char **argv)
{
    if (alf_install() != 0)
        die("SQLite refused the test allocator");
    if (argc < 3) {
        fprintf(stderr, "usage: alloc_run SRC_DIR WORK_DIR [extract|ingest|search|check|report ...]\n");
        return 99;
    }
    snprintf(src_dir, sizeof src_dir, "%s", argv[1]);
    snprintf(work_dir, sizeof work_dir, "%s", argv[2]);
    if (mkdir(work_dir, 0755) != 0 && errno != EEXIST)
        die("%s: %s", work_dir, strerror(errno));
    const char *e = getenv("LW_ALLOC_FAIL_AT");
    unsigned long only = e && *e ? strtoul(e, NULL, 10) : 0;
    persist = (e = getenv("LW_ALLOC_PERSIST")) && *e && strcmp(e, "0");
    verbose = (e = getenv("LW_ALLOC_VERBOSE")) && *e && strcmp(e, "0");
    if ((e = getenv("LW_ALLOC_STRIDE")) && strtoul(e, NULL, 10) > 1)
        stride = strtoul(e, NULL, 10);
    setup();
    int failures = 0;
    size_t n_steps = sizeof steps / sizeof steps[0];
    for (size_t i = 0; i < n_steps; i++) {
        int chosen = argc == 3;
        for (int a = 3; a < argc; a++)
            chosen |= !strcmp(argv[a], steps[i].name);
        /* the read steps need the ingest's reference run on ref.db */
        if (chosen || (steps[i].writes && argc > 3))
            failures += run_step(&steps[i], chosen ? only : (unsigned long)-1);
    }
    lawwatch_engine_free(engine);
    printf("%s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
