/* test_pg_reads: the PostgreSQL back end's reads (analyzer/store/lw_store_pg_query.c) give
 * the SQLite back end's rows, in the same order, field by field (issue 21). The same files
 * (corpus/ with its real documents, a generated set, a PDF and a Word file, byte-identical
 * copies for documents with several paths) are ingested into a new SQLite database and into
 * a new PostgreSQL database; then every read of the store (lw_store.h: each_*, each_*_of,
 * cites, deadlines_in, changes_of, cite_counts, stale_ids, each_path, doc_read) is written
 * out as text over both, one line per row, and the two texts must be the same line for line.
 *
 * Ids are the servers': documents.id and facts.id are not promised to be the same numbers
 * (a PostgreSQL sequence skips what a rolled-back insert took), so every document id is
 * written as the document's path and every fact id as its document's path and its place
 * among the document's facts (doc_read's order); the order of the rows is compared as is.
 *
 * The PostgreSQL server is LW_TEST_PG_URI (ctest's fixture pg_cluster, lw_test_pg.h): the
 * documents go to a fresh database beside the test's own (test_pg_reads_data, dropped and
 * made again at each run). Without LW_TEST_PG_URI the test fails. LW_TEST_PG_SQLITE=FILE
 * compares FILE with the database of LW_TEST_PG_URI as they are (no ingest, nothing made or
 * dropped): a check of a large pair made once (bench). LW_TEST_PG_DUMP=FOLDER keeps both
 * texts there (sqlite.txt, postgresql.txt). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <cmocka.h>

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lw_oom.h"
#include "lw_test_pg.h"
#include "lw_store_doc.h"
#include "lw_store_ingest.h"
#include "test_support.h"

/* Generated documents added to the corpus (bench/gen_corpus.py, fixed seed). */
#define GEN_DOCS 150

/* ---- ids as names ---- */

typedef struct {
    long long id;
    char *name;
} id_name;

typedef struct {
    id_name *v;
    size_t n, cap;
} id_map;

static void map_add(id_map *m, long long id, const char *name)
{
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 256;
        m->v = realloc(m->v, m->cap * sizeof *m->v);
        assert_non_null(m->v);
    }
    m->v[m->n].id = id;
    m->v[m->n].name = strdup(name);
    assert_non_null(m->v[m->n].name);
    m->n++;
}

static int cmp_id(const void *a, const void *b)
{
    long long x = ((const id_name *)a)->id, y = ((const id_name *)b)->id;
    return x < y ? -1 : x > y;
}

static void map_sort(id_map *m)
{
    if (m->n)
        qsort(m->v, m->n, sizeof *m->v, cmp_id);
}

/* The name of id: an id the map does not know is written as such, and differs. */
static const char *map_name(const id_map *m, long long id, char buf[40])
{
    id_name k = {id, NULL};
    const id_name *f = m->n ? bsearch(&k, m->v, m->n, sizeof *m->v, cmp_id) : NULL;
    if (f)
        return f->name;
    snprintf(buf, 40, "?id%lld", id);
    return buf;
}

static void map_free(id_map *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->v[i].name);
    free(m->v);
}

/* One back end's database as the dump sees it. */
typedef struct {
    lw_store *s;
    id_map docs, facts;
    lw_buf out;
    char b1[40], b2[40];
} dump;

static const char *doc_name(dump *d, long long id) { return map_name(&d->docs, id, d->b1); }
static const char *fact_name(dump *d, long long id) { return map_name(&d->facts, id, d->b2); }

/* A field: NULL is written \N, tabs and new lines escaped. */
static void field(lw_buf *b, const char *s)
{
    if (!s) {
        lw_buf_printf(b, "\t\\N");
        return;
    }
    lw_buf_printf(b, "\t");
    for (; *s; s++)
        if (*s == '\t')
            lw_buf_printf(b, "\\t");
        else if (*s == '\n')
            lw_buf_printf(b, "\\n");
        else if (*s == '\\')
            lw_buf_printf(b, "\\\\");
        else
            lw_buf_append(b, s, 1);
}

static void num(lw_buf *b, long long v) { lw_buf_printf(b, "\t%lld", v); }
static void line_start(lw_buf *b, const char *what) { lw_buf_printf(b, "%s", what); }
static void line_end(lw_buf *b) { lw_buf_printf(b, "\n"); }

/* ---- the reads ---- */

static int on_doc(void *ud, const lw_store_doc_row *r)
{
    dump *d = ud;
    lw_buf *b = &d->out;
    line_start(b, "document");
    field(b, doc_name(d, r->id));
    field(b, r->path);
    field(b, r->kind);
    field(b, r->number);
    field(b, r->issuer);
    field(b, r->date);
    field(b, r->subject);
    field(b, r->kind_key);
    field(b, r->topic);
    line_end(b);
    return 0;
}

static int on_value(void *ud, const lw_store_doc_value *r)
{
    dump *d = ud;
    line_start(&d->out, "value");
    field(&d->out, doc_name(d, r->doc_id));
    field(&d->out, r->value);
    line_end(&d->out);
    return 0;
}

static int on_duty(void *ud, const lw_store_duty_row *r)
{
    dump *d = ud;
    lw_buf *b = &d->out;
    line_start(b, "duty");
    field(b, fact_name(d, r->fact_id));
    field(b, doc_name(d, r->doc_id));
    num(b, r->line);
    num(b, r->deadline_line);
    const char *f[] = {r->activity, r->topic, r->section, r->source, r->output, r->from, r->to, r->precision,
                       r->qualifier, r->deadline_text};
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        field(b, f[i]);
    num(b, r->page);
    line_end(b);
    return 0;
}

static int on_unit(void *ud, const lw_store_unit_row *r)
{
    dump *d = ud;
    lw_buf *b = &d->out;
    line_start(b, "unit");
    field(b, fact_name(d, r->fact_id));
    field(b, r->role);
    field(b, r->name);
    field(b, r->level);
    num(b, r->line);
    line_end(b);
    return 0;
}

static int on_ref(void *ud, const lw_store_ref_row *r)
{
    dump *d = ud;
    lw_buf *b = &d->out;
    line_start(b, "ref");
    field(b, doc_name(d, r->doc_id));
    const char *f[] = {r->cited_id, r->cited_key, r->cited_date, r->type, r->symbol, r->text};
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        field(b, f[i]);
    num(b, r->year);
    num(b, r->line);
    num(b, r->year_mismatch);
    num(b, r->page);
    line_end(b);
    return 0;
}

static int on_relation(void *ud, const lw_store_relation_row *r)
{
    dump *d = ud;
    lw_buf *b = &d->out;
    line_start(b, "relation");
    field(b, doc_name(d, r->doc_id));
    field(b, r->type);
    field(b, r->from_id);
    field(b, r->to_id);
    field(b, r->since);
    num(b, r->line);
    line_end(b);
    return 0;
}

/* Names "in no particular order": collected, then written sorted. */
typedef struct {
    char **v;
    size_t n, cap;
} names;

static int on_name(void *ud, const char *name)
{
    names *l = ud;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        assert_non_null(l->v);
    }
    l->v[l->n++] = strdup(name);
    return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static int cmp_name(const void *a, const void *b) { return strcmp(((const id_name *)a)->name, ((const id_name *)b)->name); }

static int on_path(void *ud, const char *path)
{
    dump *d = ud;
    line_start(&d->out, "path");
    field(&d->out, path);
    line_end(&d->out);
    return 0;
}

static int on_count(void *ud, const char *key, long long n)
{
    dump *d = ud;
    line_start(&d->out, "cite_count");
    field(&d->out, key);
    num(&d->out, n);
    line_end(&d->out);
    return 0;
}

/* A row of cites, deadlines_in or changes_of: its JSON with id named. */
static int on_json(void *ud, json_t *row)
{
    dump *d = ud;
    json_t *c = json_deep_copy(row);
    assert_non_null(c);
    json_t *id = json_object_get(c, "id");
    if (json_is_integer(id))
        json_object_set_new(c, "id", json_string(doc_name(d, json_integer_value(id))));
    char *t = json_dumps(c, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    assert_non_null(t);
    line_start(&d->out, "row\t");
    lw_buf_printf(&d->out, "%s", t);
    line_end(&d->out);
    free(t);
    json_decref(c);
    return 0;
}

static void on_doc_full(void *ud, const lw_store_doc_full *f)
{
    dump *d = ud;
    lw_buf *b = &d->out;
    line_start(b, "doc_read");
    field(b, doc_name(d, f->id));
    const char *s[] = {f->path,   f->sha256, f->encoding,      f->kind, f->number,        f->issuer,
                       f->place,  f->date,   f->subject,       f->source_format, f->note, f->rules_version};
    for (size_t i = 0; i < sizeof s / sizeof *s; i++)
        field(b, s[i]);
    num(b, f->size);
    num(b, f->pages);
    line_end(b);
    for (size_t i = 0; i < f->n_paths; i++) {
        line_start(b, "doc_path");
        field(b, f->paths[i]);
        line_end(b);
    }
    for (size_t i = 0; i < f->n_facts; i++) {
        line_start(b, "doc_fact");
        field(b, fact_name(d, f->fact_ids[i]));
        field(b, f->facts[i]);
        line_end(b);
    }
}

/* doc_read's first pass: the facts' names (path#k) from their order. */
static void on_doc_facts(void *ud, const lw_store_doc_full *f)
{
    dump *d = ud;
    char name[5000];
    for (size_t i = 0; i < f->n_facts; i++) {
        snprintf(name, sizeof name, "%s#%zu", f->path, i);
        map_add(&d->facts, f->fact_ids[i], name);
    }
}

static int on_doc_id(void *ud, const lw_store_doc_row *r)
{
    dump *d = ud;
    map_add(&d->docs, r->id, r->path);
    return 0;
}

/* Stops after its third row: the next read on the connection must still work. */
static int stop_at_3(void *ud, const lw_store_duty_row *r)
{
    (void)r;
    return ++*(int *)ud == 3;
}

#define OK(call)                                                                                        \
    do {                                                                                                \
        lw_error err_;                                                                                  \
        lw_error_clear(&err_);                                                                          \
        lw_status st_ = (call);                                                                         \
        if (st_)                                                                                        \
            fail_msg("%s: %s failed: %s", lw_store_backend_name(d->s), #call, err_.msg);                \
    } while (0)
#define E (&err_)

static void section(dump *d, const char *what) { lw_buf_printf(&d->out, "== %s\n", what); }

/* Every read of d's store, written out. */
static void dump_all(dump *d)
{
    lw_store *s = d->s;
    /* the names first: documents by id, facts by their order in doc_read */
    OK(lw_store_each_document(s, on_doc_id, d, E));
    map_sort(&d->docs);
    for (size_t i = 0; i < d->docs.n; i++) {
        int found = 0;
        OK(lw_store_doc_read(s, d->docs.v[i].id, on_doc_facts, d, &found, E));
        assert_true(found);
    }
    map_sort(&d->facts);

    section(d, "each_document");
    OK(lw_store_each_document(s, on_doc, d, E));
    section(d, "each_topic_todo");
    OK(lw_store_each_topic_todo(s, on_doc, d, E));
    section(d, "each_issuer_level");
    OK(lw_store_each_issuer_level(s, on_value, d, E));
    section(d, "each_doc_province");
    OK(lw_store_each_doc_province(s, on_value, d, E));
    section(d, "each_duty");
    OK(lw_store_each_duty(s, on_duty, d, E));
    section(d, "each_duty_unit");
    OK(lw_store_each_duty_unit(s, on_unit, d, E));
    section(d, "each_ref full");
    OK(lw_store_each_ref(s, LW_STORE_REFS_FULL, on_ref, d, E));
    section(d, "each_ref ids");
    OK(lw_store_each_ref(s, LW_STORE_REFS_IDS, on_ref, d, E));
    section(d, "each_ref keys");
    OK(lw_store_each_ref(s, LW_STORE_REFS_KEYS, on_ref, d, E));
    section(d, "each_relation");
    OK(lw_store_each_relation(s, on_relation, d, E));
    const int which[] = {LW_STORE_NAMES_ISSUERS, LW_STORE_NAMES_UNITS, LW_STORE_NAMES_ISSUERS | LW_STORE_NAMES_UNITS};
    for (size_t w = 0; w < 3; w++) {
        names l = {0};
        OK(lw_store_each_unit_name(s, which[w], on_name, &l, E));
        if (l.n)
            qsort(l.v, l.n, sizeof *l.v, cmp_str);
        lw_buf_printf(&d->out, "== each_unit_name %d\n", which[w]);
        for (size_t i = 0; i < l.n; i++) {
            lw_buf_printf(&d->out, "name");
            field(&d->out, l.v[i]);
            line_end(&d->out);
            free(l.v[i]);
        }
        free(l.v);
    }
    for (int all = 0; all < 2; all++) {
        long long *ids = NULL;
        size_t n = 0;
        OK(lw_store_stale_ids(s, "no-such-rules", all, &ids, &n, E));
        lw_buf_printf(&d->out, "== stale_ids %d\n", all);
        for (size_t i = 0; i < n; i++) {
            lw_buf_printf(&d->out, "stale");
            field(&d->out, doc_name(d, ids[i]));
            line_end(&d->out);
        }
        free(ids);
    }
    section(d, "each_path");
    OK(lw_store_each_path(s, on_path, d, E));
    section(d, "cite_counts");
    size_t before = d->out.len;
    OK(lw_store_cite_counts(s, on_count, d, E));

    /* cites of every cited key, whole and its first two */
    char *counts = strndup(d->out.data + before, d->out.len - before);
    assert_non_null(counts);
    for (char *line = counts, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char *key = strchr(line, '\t'), *end = key ? strchr(key + 1, '\t') : NULL;
        assert_non_null(end);
        *end = '\0';
        for (int limit = 0; limit <= 2; limit += 2) {
            lw_buf_printf(&d->out, "== cites %s %d\n", key + 1, limit);
            OK(lw_store_cites(s, key + 1, limit, on_json, d, NULL, E));
        }
    }
    free(counts);

    /* deadlines in every year, every quarter of 2025, all of them, the first three */
    static const char *const periods[] = {"2025Q1", "2025Q2", "2025Q3", "2025Q4", "2025-07", "2024H2"};
    for (int y = 2010; y <= 2031; y++) {
        char from[11], to[11];
        snprintf(from, sizeof from, "%d-01-01", y);
        snprintf(to, sizeof to, "%d-12-31", y);
        lw_buf_printf(&d->out, "== deadlines_in %d\n", y);
        OK(lw_store_deadlines_in(s, from, to, 0, on_json, d, NULL, E));
    }
    for (size_t i = 0; i < sizeof periods / sizeof *periods; i++) {
        char from[11], to[11];
        assert_int_equal(lw_period_parse(periods[i], from, to), 0);
        lw_buf_printf(&d->out, "== deadlines_in %s\n", periods[i]);
        OK(lw_store_deadlines_in(s, from, to, 0, on_json, d, NULL, E));
    }
    section(d, "deadlines_in all");
    OK(lw_store_deadlines_in(s, "0000-01-01", "9999-12-31", 0, on_json, d, NULL, E));
    section(d, "deadlines_in all 3");
    OK(lw_store_deadlines_in(s, "0000-01-01", "9999-12-31", 3, on_json, d, NULL, E));

    /* changes_of every id a relation names, as written and lower-cased */
    names ids = {0};
    {
        dump tmp = *d;
        tmp.out = (lw_buf){0};
        OK(lw_store_each_relation(s, on_relation, &tmp, E));
        for (char *line = tmp.out.data, *next; line && *line; line = next) {
            next = strchr(line, '\n');
            if (next)
                *next++ = '\0';
            char *f[7] = {0};
            int k = 0;
            for (char *p = line; p && k < 7; k++) {
                f[k] = p;
                p = strchr(p, '\t');
                if (p)
                    *p++ = '\0';
            }
            for (int j = 3; j <= 4; j++)
                if (f[j] && strcmp(f[j], "\\N"))
                    on_name(&ids, f[j]);
        }
        lw_buf_free(&tmp.out);
    }
    if (ids.n)
        qsort(ids.v, ids.n, sizeof *ids.v, cmp_str);
    for (size_t i = 0; i < ids.n; i++) {
        if (i && !strcmp(ids.v[i], ids.v[i - 1]))
            continue;
        lw_buf_printf(&d->out, "== changes_of %s\n", ids.v[i]);
        OK(lw_store_changes_of(s, ids.v[i], on_json, d, NULL, E));
        char *low = lw_store_fold(ids.v[i]);
        lw_buf_printf(&d->out, "== changes_of %s\n", low);
        OK(lw_store_changes_of(s, low, on_json, d, NULL, E));
        free(low);
    }
    for (size_t i = 0; i < ids.n; i++)
        free(ids.v[i]);
    free(ids.v);

    /* every document read whole (by path order: the ids differ), and one not stored */
    section(d, "doc_read");
    for (size_t i = 0; i < d->docs.n; i++) {
        int found = 0;
        OK(lw_store_doc_read(s, d->docs.v[i].id, on_doc_full, d, &found, E));
    }
    long long nowhere = d->docs.n ? d->docs.v[d->docs.n - 1].id + 1000 : 1000;
    int found = 1;
    OK(lw_store_doc_read(s, nowhere, on_doc_full, d, &found, E));
    assert_false(found);

    /* the reads of a group of documents: every other one by path, and none */
    id_name *by_path = calloc(d->docs.n + 1, sizeof *by_path);
    assert_non_null(by_path);
    if (d->docs.n)
        memcpy(by_path, d->docs.v, d->docs.n * sizeof *by_path);
    if (d->docs.n)
        qsort(by_path, d->docs.n, sizeof *by_path, cmp_name);
    long long *group = calloc(d->docs.n + 1, sizeof *group);
    assert_non_null(group);
    size_t ng = 0;
    for (size_t i = 0; i < d->docs.n; i += 2)
        group[ng++] = by_path[i].id;
    for (size_t g = 0; g < 2; g++) {
        size_t n = g ? 0 : ng;
        lw_buf_printf(&d->out, "== of %zu\n", n);
        OK(lw_store_each_document_of(s, group, n, on_doc, d, E));
        OK(lw_store_each_duty_of(s, group, n, on_duty, d, E));
        OK(lw_store_each_duty_unit_of(s, group, n, on_unit, d, E));
        OK(lw_store_each_ref_of(s, group, n, on_ref, d, E));
    }
    free(group);
    free(by_path);

    /* a read stopped by its callback, then another on the same connection */
    int k = 0;
    OK(lw_store_each_duty(s, stop_at_3, &k, E));
    assert_int_equal(k, 3);
    section(d, "after a stop");
    OK(lw_store_each_issuer_level(s, on_value, d, E));
}

/* The texts of the two back ends, line by line; the first difference fails the test. */
static void compare(const char *a, const char *b, const char *name_a, const char *name_b)
{
    size_t line = 1;
    const char *sec = "";
    size_t sec_len = 0;
    while (*a || *b) {
        const char *ea = strchr(a, '\n'), *eb = strchr(b, '\n');
        size_t la = ea ? (size_t)(ea - a) : strlen(a), lb = eb ? (size_t)(eb - b) : strlen(b);
        if (la != lb || memcmp(a, b, la))
            fail_msg("line %zu (section %.*s) differs:\n  %s: %.*s\n  %s: %.*s", line, (int)sec_len, sec, name_a,
                     (int)(la > 600 ? 600 : la), a, name_b, (int)(lb > 600 ? 600 : lb), b);
        if (la > 3 && !memcmp(a, "== ", 3)) {
            sec = a + 3;
            sec_len = la - 3;
        }
        a += la + (ea != NULL);
        b += lb + (eb != NULL);
        line++;
    }
}

/* How many lines of text begin with prefix: the comparison must have compared something. */
static size_t count_lines(const char *text, const char *prefix)
{
    size_t n = 0, pl = strlen(prefix);
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        n += !strncmp(p, prefix, pl);
    return n;
}

/* ---- the databases ---- */

static char tmpdir[256];

static void run(const char *cmd)
{
    if (system(cmd) != 0)
        fail_msg("failed: %s", cmd);
}

static void ingest(lw_store *s, const char *const *paths, size_t n)
{
    lw_ingest_report rep;
    lw_error err;
    lw_error_clear(&err);
    if (lw_store_ingest(s, engine, paths, n, NULL, &rep, &err))
        fail_msg("%s: ingest failed: %s", lw_store_backend_name(s), err.msg);
    if (rep.n_failed)
        fail_msg("%s: %zu files failed", lw_store_backend_name(s), rep.n_failed);
    assert_true(rep.ingested > 100);
    lw_ingest_report_free(&rep);
}

static void open_store(const char *name, int flags, lw_store **s)
{
    lw_error err;
    lw_error_clear(&err);
    if (lw_store_open(name, flags, s, &err))
        fail_msg("cannot open %s: %s", name, err.msg);
}

static void test_same_reads(void **state)
{
    (void)state;
    const char *uri = getenv("LW_TEST_PG_URI");
    if (!uri || !*uri) /* never skipped (lw_test_pg.h) */
        fail_msg("LW_TEST_PG_URI is not set: run under ctest (fixture pg_cluster) or start a cluster with"
                 " scripts/pg_cluster.sh start DIR");
    const char *src = getenv("LW_SOURCE_DIR");
    src = src && *src ? src : LW_SOURCE_DIR;
    const char *given = getenv("LW_TEST_PG_SQLITE");
    lw_store *sq = NULL, *pg = NULL;
    char *pg_uri = NULL;
    if (given && *given) {
        open_store(given, LW_STORE_READONLY, &sq);
        pg_uri = strdup(uri);
        open_store(pg_uri, LW_STORE_READONLY, &pg);
    } else {
        snprintf(tmpdir, sizeof tmpdir, "/tmp/lw_test_pg_reads_XXXXXX");
        assert_non_null(mkdtemp(tmpdir));
        char cmd[2400];
        /* the documents: corpus/ (its real documents in extra/), a generated set, a PDF
         * with a text layer and a Word file (pages, paragraphs), and copies of two files
         * (documents with several paths) */
        snprintf(cmd, sizeof cmd,
                 "mkdir -p '%s/gen' '%s/copies' && cp '%s/corpus/000_16978144406cea88.txt' '%s/copies/a.txt'"
                 " && cp '%s/corpus/000_16978144406cea88.txt' '%s/copies/b.txt'"
                 " && cp '%s/corpus/extra/ext-014.txt' '%s/copies/c.txt'"
                 " && '%s' '%s/bench/gen_corpus.py' --out '%s/gen' --n %d --seed pgread --jobs 1 >/dev/null",
                 tmpdir, tmpdir, src, tmpdir, src, tmpdir, src, tmpdir, LW_PYTHON, src, tmpdir, GEN_DOCS);
        run(cmd);
        char corpus[1200], gen[400], copies[400], pdf[1200], docx[1200];
        snprintf(corpus, sizeof corpus, "%s/corpus", src);
        snprintf(gen, sizeof gen, "%s/gen", tmpdir);
        snprintf(copies, sizeof copies, "%s/copies", tmpdir);
        snprintf(pdf, sizeof pdf, "%s/tests/data/real-files/ext-018.pdf", src);
        snprintf(docx, sizeof docx, "%s/tests/data/real-files/doc-01.docx", src);
        const char *paths[] = {corpus, gen, copies, pdf, docx};
        size_t np = sizeof paths / sizeof *paths;

        char sqp[400];
        snprintf(sqp, sizeof sqp, "%s/s.db", tmpdir);
        open_store(sqp, LW_STORE_CREATE, &sq);
        ingest(sq, paths, np);

        /* a fresh database beside the test's own, so that a second run starts empty too */
        if (!(pg_uri = lw_test_pg_fresh("test_pg_reads_data")))
            fail_msg("cannot make a fresh PostgreSQL database (above)");
        open_store(pg_uri, LW_STORE_CREATE, &pg);
        ingest(pg, paths, np);
    }

    dump a = {sq, {0}, {0}, {0}, "", ""}, b = {pg, {0}, {0}, {0}, "", ""};
    dump_all(&a);
    dump_all(&b);
    const char *ta = a.out.data ? a.out.data : "", *tb = b.out.data ? b.out.data : "";
    const char *keep = getenv("LW_TEST_PG_DUMP"); /* a folder: both texts written there, to read */
    if (keep && *keep) {
        char p[1200];
        for (int k = 0; k < 2; k++) {
            snprintf(p, sizeof p, "%s/%s.txt", keep, k ? "postgresql" : "sqlite");
            FILE *f = fopen(p, "wb");
            assert_non_null(f);
            fputs(k ? tb : ta, f);
            fclose(f);
        }
    }
    compare(ta, tb, "sqlite", "postgresql");
    /* the comparison compared rows of every kind */
    static const char *const kinds[] = {"document\t", "duty\t", "unit\t", "ref\t", "relation\t", "value\t",
                                        "row\t", "doc_fact\t", "doc_path\t", "cite_count\t", "path\t", "name\t"};
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (!count_lines(ta, kinds[i]))
            fail_msg("no row of kind %s was compared", kinds[i]);
    print_message("compared %zu lines (%zu bytes)\n", count_lines(ta, ""), a.out.len);

    lw_buf_free(&a.out);
    lw_buf_free(&b.out);
    map_free(&a.docs);
    map_free(&a.facts);
    map_free(&b.docs);
    map_free(&b.facts);
    lw_store_close(sq);
    lw_store_close(pg);
    free(pg_uri);
    if (tmpdir[0]) {
        char cmd[400];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        run(cmd);
        tmpdir[0] = '\0';
    }
}

/* The group's teardown: the rules, and the documents' folder even when the test failed
 * (fail_msg leaves the test at once). */
static int teardown_all(void **state)
{
    if (tmpdir[0]) {
        char cmd[400];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
            fprintf(stderr, "cannot remove %s\n", tmpdir);
        tmpdir[0] = '\0';
    }
    return teardown(state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_reads),
    };
    return cmocka_run_group_tests(tests, setup, teardown_all);
}
