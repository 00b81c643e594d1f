/* Tests of the ingest lock and the database's own files (lw_store.h, issue 17), over every
 * back end in backends[]: two handles on one database exclude each other's ingests (the
 * second told LW_ERR_BUSY at once, or let in once the first unlocks or closes), a reader
 * is never held up, and lw_store_files names the files an ingest must never read. An
 * ingest refused (busy) leaves the database as it was and its lock free. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lw_store_ingest.h"
#include "lw_store_sqlite_backend.h"
#include "test_support.h"

/* Every back end the cases run over. */
static const lw_store_backend *const backends[] = {
    &lw_sqlite_backend,
};

/* A path in a fresh temporary folder (removed by hand: the test leaves files behind only
 * when it fails). */
static char tmpdir[256];

static int make_tmp(void **state)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/lw_test_lock_XXXXXX");
    return mkdtemp(tmpdir) ? setup(state) : -1;
}

static int remove_tmp(void **state)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", tmpdir);
    return teardown(state);
}

static int collect_file(void *ud, const char *path)
{
    char *names = ud;
    const char *slash = strrchr(path, '/');
    strcat(names, slash ? slash + 1 : path);
    strcat(names, ";");
    return 0;
}

static void test_lock(void **state)
{
    (void)state;
    for (size_t b = 0; b < sizeof backends / sizeof *backends; b++) {
        char db[400], doc[400];
        snprintf(db, sizeof db, "%s/lock%zu.db", tmpdir, b);
        snprintf(doc, sizeof doc, "%s/doc%zu.txt", tmpdir, b);
        FILE *f = fopen(doc, "w");
        assert_non_null(f);
        fputs("Kế hoạch số 12/KH-UBND về theo dõi thi hành pháp luật.\n", f);
        fclose(f);
        lw_error err;
        lw_store *one, *two, *reader;
        assert_int_equal(lw_store_open_with(backends[b], db, LW_STORE_CREATE, &one, &err), LW_OK);
        assert_int_equal(lw_store_open_with(backends[b], db, 0, &two, &err), LW_OK);

        /* the database's files, the lock file among them */
        char names[400] = "";
        assert_int_equal(lw_store_files(one, collect_file, names), 0);
        char want[400];
        snprintf(want, sizeof want, "lock%zu.db;lock%zu.db-wal;lock%zu.db-shm;lock%zu.db-journal;lock%zu.db.lock;", b,
                 b, b, b, b);
        assert_string_equal(names, want);

        /* one holds it: the other is told at once, as is its ingest, which stores nothing */
        assert_int_equal(lw_store_lock(one, 0, &err), LW_OK);
        assert_int_equal(lw_store_lock(one, 0, &err), LW_OK); /* held already: fine */
        assert_int_equal(lw_store_lock(two, 0, &err), LW_ERR_BUSY);
        assert_non_null(strstr(err.msg, "another ingest is running"));
        lw_ingest_options o;
        lw_ingest_options_default(&o);
        o.nowait = 1;
        lw_ingest_report rep;
        const char *paths[] = {doc};
        assert_int_equal(lw_store_ingest(two, engine, paths, 1, &o, &rep, &err), LW_ERR_BUSY);
        assert_int_equal(rep.ingested, 0);
        lw_ingest_report_free(&rep);
        assert_int_equal(lw_store_count(one), 0);

        /* a reader is not held up by it */
        assert_int_equal(lw_store_open_with(backends[b], db, LW_STORE_READONLY, &reader, &err), LW_OK);
        assert_int_equal(lw_store_count(reader), 0);
        lw_store_close(reader);

        /* released: the other's ingest runs, and releases it in turn */
        lw_store_unlock(one);
        assert_int_equal(lw_store_ingest(two, engine, paths, 1, &o, &rep, &err), LW_OK);
        assert_int_equal(rep.ingested, 1);
        lw_ingest_report_free(&rep);
        assert_int_equal(lw_store_lock(one, 0, &err), LW_OK);
        /* closing a handle releases its lock */
        lw_store_close(one);
        assert_int_equal(lw_store_lock(two, 0, &err), LW_OK);
        lw_store_close(two);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lock),
    };
    return cmocka_run_group_tests(tests, make_tmp, remove_tmp);
}
