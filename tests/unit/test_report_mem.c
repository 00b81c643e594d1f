/* Test that the deadline report's memory does not grow with its items (issue 20: 100000
 * documents make some five million items; the report held every one, 40 bytes and its sort
 * index each, and every document's duties, until it was written). Now a document's duties
 * are read with its group, each item is judged and handed to lw_extsort at once, and the
 * writing reads them back merged from a temporary file.
 *
 * Over one generated database (bench/gen_corpus.py), two reports: a narrow one (as of a date
 * early in the corpus's years, duties due since then: few items) and --all (every duty:
 * tens of thousands). Each is built and written as text with the sort's buffer and fan-in
 * made small (LAWWATCH_SORT_BYTES, LAWWATCH_SORT_FANIN), so that the wide one spills to
 * many runs merged in several passes. The heap in use (glibc's mallinfo2, every arena) is
 * read once the report is built, less the heap before the build: the difference between
 * the two reports, divided by the difference of their items, must stay under
 * LW_BYTES_PER_ITEM_MAX (what the two share, the documents and the sort's buffer, cancels
 * out; main's items alone were 40 bytes each). Then the heap is read at every write of the
 * text (a FILE of our own): writing may add at most LW_WRITE_HEAP_MAX to the built report,
 * whatever its items (the merge's read buffers, the names of the documents written, which
 * are made in a fixed number of slots, and the output's buffer). The documents are loaded
 * once for both (as the report loads them), and a first wide report, not measured, makes
 * what they remember of the units asked for (lw_docset_covered). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <cmocka.h>

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "lw_report.h"
#include "lw_report_write.h"
#include "lw_store_ingest.h"
#include "test_dir.h"

#ifndef LW_PYTHON
#define LW_PYTHON "python3"
#endif
/* Documents generated: enough that the wide report has tens of thousands of items. */
#define LW_REPORT_DOCS 1500
/* Heap bytes an item may add to a built report: the items live in the temporary file, not
 * in memory (a document's own items are judged together: some hundreds at most). */
#define LW_BYTES_PER_ITEM_MAX 20
/* Heap bytes writing may add: 16 KB a merged run (8 here), the output's buffer (flushed at
 * 256 KB, grown by doubling) and the names of the documents written (here 1500 at most,
 * some 250 bytes each). */
#define LW_WRITE_HEAP_MAX (1536u * 1024u)
/* The sort's buffer and fan-in for the test: some hundred runs, merged in three passes. */
#define LW_TEST_SORT_BYTES "65536"
#define LW_TEST_SORT_FANIN "8"

static char tmpdir[256];
static lw_store *store;
static lw_engine *engine;

static size_t heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/lw_test_report_mem_XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    char cmd[2048], docs[512], db[512], rules[1200];
    snprintf(docs, sizeof docs, "%s/docs", tmpdir);
    snprintf(db, sizeof db, "%s/report.db", tmpdir);
    snprintf(cmd, sizeof cmd, "'%s' '%s/bench/gen_corpus.py' --out '%s' --n %d --seed 20 --jobs 2 >/dev/null",
             LW_PYTHON, source_dir(), docs, LW_REPORT_DOCS);
    if (system(cmd))
        return -1;
    snprintf(rules, sizeof rules, "%s/rules", source_dir());
    lw_error err;
    lw_error_clear(&err);
    if (lw_engine_create(rules, &engine, &err))
        return -1;
    lw_ingest_options o;
    lw_ingest_options_default(&o);
    o.jobs = 2;
    lw_ingest_report rep;
    const char *paths[] = {docs};
    lw_status rc = lw_store_open(db, LW_STORE_CREATE, &store, &err);
    if (!rc)
        rc = lw_store_ingest(store, engine, paths, 1, &o, &rep, &err);
    lw_ingest_report_free(&rep);
    return rc ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    lw_store_close(store);
    lw_engine_free(engine);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) ? -1 : 0;
}

/* The text's bytes counted, the heap's largest value seen at each write. */
typedef struct {
    size_t bytes, peak;
} sampler;

static ssize_t sample_write(void *c, const char *buf, size_t n)
{
    sampler *s = c;
    (void)buf;
    size_t h = heap_in_use();
    if (h > s->peak)
        s->peak = h;
    s->bytes += n;
    return (ssize_t)n;
}

/* One report built and written as text: its items, the heap it held once built and at its
 * largest while written (less the heap before), the bytes written. */
static void measure(const lw_report_options *opt, size_t *items, size_t *built, size_t *heap, size_t *bytes)
{
    lw_error err;
    lw_error_clear(&err);
    malloc_trim(0);
    size_t before = heap_in_use();
    lw_report *r = NULL;
    assert_int_equal(lw_report_build(store, engine, opt, &r, &err), LW_OK);
    sampler s = {0, heap_in_use()};
    *built = s.peak > before ? s.peak - before : 0;
    cookie_io_functions_t io = {.write = sample_write};
    FILE *f = fopencookie(&s, "w", io);
    assert_non_null(f);
    assert_int_equal(lw_report_write(r, LW_FMT_TEXT, f, &err), LW_OK);
    fclose(f);
    *items = lw_report_summary_of(r)->n_items;
    *heap = s.peak > before ? s.peak - before : 0;
    *bytes = s.bytes;
    lw_report_free(r);
}

static void test_heap_per_item(void **state)
{
    (void)state;
    setenv("LAWWATCH_SORT_BYTES", LW_TEST_SORT_BYTES, 1);
    setenv("LAWWATCH_SORT_FANIN", LW_TEST_SORT_FANIN, 1);
    /* the documents loaded once, as the report loads them, and shared by the reports: what
     * they remember of the units asked for (lw_docset_covered) is made by a first, wide
     * report, not measured, so that both measured reports find it made */
    lw_docset *ds = NULL;
    lw_error err;
    assert_int_equal(lw_docset_load(store, lw_engine_rules(engine), LW_DS_REFS_IDS | LW_DS_DUTIES_LAZY, &ds, &err),
                     LW_OK);
    lw_report_options narrow = {.as_of = "2026-06-30", .window = 14, .since = "2026-06-01", .ds = ds};
    lw_report_options wide = {.as_of = "2026-06-30", .window = 14, .all = 1, .ds = ds};
    size_t n1, u1, h1, b1, n2, u2, h2, b2;
    measure(&wide, &n2, &u2, &h2, &b2);
    measure(&narrow, &n1, &u1, &h1, &b1);
    measure(&wide, &n2, &u2, &h2, &b2);
    lw_docset_free(ds);
    unsetenv("LAWWATCH_SORT_BYTES");
    unsetenv("LAWWATCH_SORT_FANIN");
    fprintf(stderr,
            "report: narrow %zu items, %zu heap bytes built, %zu writing, %zu text bytes; "
            "wide %zu items, %zu heap bytes built, %zu writing, %zu text bytes\n",
            n1, u1, h1, b1, n2, u2, h2, b2);
    assert_true(n2 >= n1 + 10000); /* the wide report has far more items to hold */
    assert_true(b2 > b1);
#if defined(__SANITIZE_ADDRESS__)
    /* the sanitizer's allocator is not glibc's: mallinfo2 sees none of it. The reports above
     * still run under it (leaks, overruns, the temporary file read back); the bound is
     * checked in the plain build. */
    (void)u1;
    (void)u2;
#else
    assert_true(u1 > 0 && u2 > 0); /* the samples measured something */
    size_t per_item = u2 > u1 ? (u2 - u1) / (n2 - n1) : 0;
    fprintf(stderr, "report: %zu heap bytes per item more once built (at most %d); writing added %zu and %zu (at most %u)\n",
            per_item, LW_BYTES_PER_ITEM_MAX, h1 - u1, h2 - u2, LW_WRITE_HEAP_MAX);
    assert_true(per_item <= LW_BYTES_PER_ITEM_MAX);
    assert_true(h1 - u1 <= LW_WRITE_HEAP_MAX && h2 - u2 <= LW_WRITE_HEAP_MAX);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_heap_per_item),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
