/* test_sandbox: lw_sandbox_run with fake readers, one per way a reading can end: a source
 * (with progress), the reader's own error, memory exhausted (returned, or aborting as C++ and
 * glib do), CPU spent, wall time spent, a crash, an exit, garbage or a cut answer on the pipe.
 * Each case: the status, the words of the message, the file named; after each, no zombie
 * (waitpid(-1) is ECHILD) and no descriptor left open. Then several threads at once, one of
 * them waiting on a child that sleeps past its wall time, the others not held up by it. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "lw_sandbox.h"

#if defined(__SANITIZE_ADDRESS__)
#define ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASAN 1
#endif
#endif
#ifndef ASAN
#define ASAN 0
#endif

/* ---- the fake readers (they run in the child) ---- */

static lw_status ok_reader(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out,
                           lw_error *err)
{
    lw_source *s = lw_source_create(LW_SOURCE_PDF_OCR);
    if (!s)
        return lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "nomem");
    /* the file's bytes reached the child */
    lw_source_add_line(s, (const char *)raw, len, 1, 0);
    lw_source_add_word(s, 0, 4, 57);
    if (opt->progress)
        opt->progress(opt->progress_ud, 1, 2);
    lw_source_add_line(s, "trang hai", 9, 2, 0);
    if (opt->progress)
        opt->progress(opt->progress_ud, 2, 2);
    snprintf(s->ocr_engine, sizeof s->ocr_engine, "fake 1.0");
    /* a library's chatter on stdout must not reach the command's output */
    printf("chatter on stdout\n");
    fflush(stdout);
    *out = s;
    return LW_OK;
}

/* ok_reader after a second: its parent is waiting on its pipe meanwhile */
static lw_status slow_ok_reader(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out,
                                lw_error *err)
{
    sleep(1);
    return ok_reader(raw, len, opt, out, err);
}

/* A page announced, then two seconds on it: past a wall limit of one second, within the
 * page's allowance (LW_SANDBOX_SECONDS_PER_PAGE). */
static lw_status paged_reader(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out,
                              lw_error *err)
{
    opt->progress(opt->progress_ud, 0, 1);
    sleep(2);
    return ok_reader(raw, len, opt, out, err);
}

static lw_status error_reader(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out,
                              lw_error *err)
{
    *out = NULL;
    return lw_error_set(err, LW_ERR_LIMIT, NULL, 7, 0, "tệp có 600 trang, quá giới hạn %d trang", opt->max_pages);
}

/* Allocates until the address space is gone, then says so (as lw_source does). */
static lw_status hog_reader(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out,
                            lw_error *err)
{
    *out = NULL;
    for (;;) {
        void *p = malloc(1024 * 1024);
        if (!p)
            return lw_error_set(err, LW_ERR_NOMEM, NULL, 0, 0, "out of memory");
        ((volatile char *)p)[0] = 1;
    }
}

/* Allocates until it fails, then aborts (C++'s uncaught bad_alloc, glib's g_malloc). */
static lw_status hog_abort_reader(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out,
                                  lw_error *err)
{
    *out = NULL;
    for (;;) {
        void *p = malloc(1024 * 1024);
        if (!p)
            abort();
        ((volatile char *)p)[0] = 1;
    }
}

static lw_status spin_reader(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out,
                             lw_error *err)
{
    *out = NULL;
    for (volatile unsigned long i = 0;; i++)
        ;
    return LW_OK;
}

static lw_status sleep_reader(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out,
                              lw_error *err)
{
    *out = NULL;
    sleep(30);
    return LW_OK;
}

static lw_status crash_reader(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out,
                              lw_error *err)
{
    *out = NULL;
    raise(SIGSEGV);
    return LW_OK;
}

static lw_status exit_reader(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out,
                             lw_error *err)
{
    *out = NULL;
    exit(3); /* a library that exits */
}

/* The child's pipe is descriptor 3 (lw_sandbox.c): these write on it what a damaged or
 * hostile child might. */
static lw_status garbage_reader(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out,
                                lw_error *err)
{
    ssize_t k = write(3, "Zgarbage", 8);
    (void)k;
    _exit(0);
}

static lw_status cut_reader(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out,
                            lw_error *err)
{
    /* a source of 100 bytes announced, 4 sent */
    ssize_t k = write(3, "S\x64\0\0\0\0\0\0\0LWSR", 13);
    (void)k;
    _exit(0);
}

static lw_status forged_reader(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out,
                               lw_error *err)
{
    /* a complete message whose bytes are no serialized source */
    ssize_t k = write(3, "S\x08\0\0\0\0\0\0\0notasrc!", 17);
    (void)k;
    _exit(0);
}

static lw_status huge_reader(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out,
                             lw_error *err)
{
    /* announces more than any source may be */
    ssize_t k = write(3, "S\0\0\0\0\x01\0\0\0", 9);
    (void)k;
    sleep(30);
    _exit(0);
}

/* ---- checks ---- */

/* The open descriptors of this process. */
static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void no_zombie(void)
{
    errno = 0;
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
    assert_int_equal(errno, ECHILD);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* How each way of ending must be told. */
typedef struct {
    const char *name;
    lw_reader_fn fn;
    int cpu, wall, mem_mb; /* limits (0: default) */
    int asan_skip;         /* no address-space limit under ASan: the case cannot end */
    lw_status want;
    const char *words; /* in err.msg */
    double max_seconds;
} sandbox_case;

static const sandbox_case cases[] = {
    {"reader error", error_reader, 0, 0, 0, 0, LW_ERR_LIMIT, "tệp có 600 trang, quá giới hạn 500 trang", 5},
    {"memory, returned", hog_reader, 0, 20, 256, 1, LW_ERR_LIMIT, "đọc tệp cần quá nhiều bộ nhớ (giới hạn 256 MB)", 20},
    {"memory, aborted", hog_abort_reader, 0, 20, 256, 1, LW_ERR_LIMIT, "đọc tệp cần quá nhiều bộ nhớ (giới hạn 256 MB)",
     20},
    {"cpu", spin_reader, 1, 20, 0, 0, LW_ERR_LIMIT, "vượt quá giới hạn thời gian CPU (1 giây)", 10},
    {"wall", sleep_reader, 0, 1, 0, 0, LW_ERR_LIMIT, "đọc tệp quá lâu (quá 1 giây)", 5},
    {"crash", crash_reader, 0, 0, 0, 0, LW_ERR_DATA, "tệp hỏng hoặc không đọc được (tiến trình đọc tệp bị dừng bởi tín hiệu SIGSEGV", 5},
    {"exit", exit_reader, 0, 0, 0, 0, LW_ERR_DATA, "tiến trình đọc tệp thoát với mã 3", 5},
    {"garbage", garbage_reader, 0, 0, 0, 0, LW_ERR_DATA, "văn bản đọc từ tệp gốc bị hỏng", 5},
    {"cut", cut_reader, 0, 0, 0, 0, LW_ERR_DATA, "văn bản đọc từ tệp gốc bị hỏng", 5},
    {"forged", forged_reader, 0, 0, 0, 0, LW_ERR_DATA, "văn bản đọc từ tệp gốc bị hỏng", 5},
    {"huge", huge_reader, 0, 10, 0, 0, LW_ERR_DATA, "văn bản đọc từ tệp gốc bị hỏng", 5},
};

static void test_endings(void **state)
{
    (void)state;
    int fds = count_fds();
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const sandbox_case *c = &cases[i];
        if (c->asan_skip && ASAN) {
            print_message("skipped under AddressSanitizer: %s\n", c->name);
            continue;
        }
        lw_read_options o;
        lw_read_options_default(&o);
        if (c->cpu)
            o.max_cpu = c->cpu;
        if (c->wall)
            o.max_wall = c->wall;
        if (c->mem_mb)
            o.max_memory = (size_t)c->mem_mb * 1024 * 1024;
        lw_source *s = (lw_source *)1;
        lw_error err;
        lw_error_clear(&err);
        double t0 = now();
        lw_status st = lw_sandbox_run("hỏng.pdf", c->fn, (const unsigned char *)"abc", 3, &o, &s, &err);
        double took = now() - t0;
        if (st != c->want || !strstr(err.msg, c->words) || strcmp(err.file, "hỏng.pdf") || s || took > c->max_seconds)
            fail_msg("%s: status %d (want %d), %.1f s, file '%s', message: %s\nwant the words: %s", c->name, st,
                     c->want, took, err.file, err.msg, c->words);
        no_zombie();
        assert_int_equal(count_fds(), fds);
    }
}

typedef struct {
    unsigned calls, last_done, last_total;
} progress_seen;

static void on_progress(void *ud, unsigned done, unsigned total)
{
    progress_seen *p = ud;
    p->calls++;
    p->last_done = done;
    p->last_total = total;
}

static void test_source_and_progress(void **state)
{
    (void)state;
    int fds = count_fds();
    lw_read_options o;
    lw_read_options_default(&o);
    progress_seen seen = {0, 0, 0};
    o.progress = on_progress;
    o.progress_ud = &seen;
    lw_source *s = NULL;
    lw_error err;
    assert_int_equal(lw_sandbox_run("a.pdf", ok_reader, (const unsigned char *)"Căn cứ", strlen("Căn cứ"), &o, &s, &err),
                     LW_OK);
    assert_non_null(s);
    assert_string_equal(s->text, "Căn cứ\ntrang hai\n");
    assert_int_equal(s->format, LW_SOURCE_PDF_OCR);
    assert_int_equal(s->pages, 2);
    assert_int_equal(s->n_lines, 2);
    assert_int_equal(s->lines[1].page, 2);
    assert_int_equal(s->n_words, 1);
    assert_int_equal(s->words[0].conf, 57);
    assert_string_equal(s->ocr_engine, "fake 1.0");
    lw_source_free(s);
    /* progress came to this process, in order */
    assert_int_equal(seen.calls, 2);
    assert_int_equal(seen.last_done, 2);
    assert_int_equal(seen.last_total, 2);
    no_zombie();
    assert_int_equal(count_fds(), fds);
}

/* The time limits follow the pages a reader announces (even with no progress callback of
 * the caller's): one page buys LW_SANDBOX_SECONDS_PER_PAGE more seconds. */
static void test_pages_extend_limits(void **state)
{
    (void)state;
    lw_read_options o;
    lw_read_options_default(&o);
    o.max_wall = 1;
    o.max_cpu = 1;
    lw_source *s = NULL;
    lw_error err;
    lw_error_clear(&err);
    double t0 = now();
    lw_status st = lw_sandbox_run("a.pdf", paged_reader, (const unsigned char *)"x", 1, &o, &s, &err);
    if (st != LW_OK)
        fail_msg("a page announced: %s", err.msg);
    assert_true(now() - t0 >= 1.9);
    lw_source_free(s);
    /* the message says the seconds the file had: its own and its page's */
    o.max_pages = 5;
    st = lw_sandbox_run("a.pdf", sleep_reader, (const unsigned char *)"x", 1, &o, &s, &err);
    assert_int_equal(st, LW_ERR_LIMIT);
    assert_non_null(strstr(err.msg, "quá 1 giây"));
    no_zombie();
}

/* ---- several threads at once ---- */

typedef struct {
    lw_reader_fn fn;
    int wall;
    lw_status st;
    double took;
    char text[64];
} job;

static void *run_job(void *arg)
{
    job *j = arg;
    lw_read_options o;
    lw_read_options_default(&o);
    o.max_wall = j->wall;
    lw_source *s = NULL;
    lw_error err;
    double t0 = now();
    j->st = lw_sandbox_run("t.pdf", j->fn, (const unsigned char *)"xin chào", strlen("xin chào"), &o, &s, &err);
    j->took = now() - t0;
    if (s)
        snprintf(j->text, sizeof j->text, "%s", s->text);
    lw_source_free(s);
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    int fds = count_fds();
    enum { N = 6 };
    job jobs[N];
    pthread_t th[N];
    memset(jobs, 0, sizeof jobs);
    /* the others wait a second on their pipes; meanwhile a child is forked that sleeps past
     * its 3 s: they end after about a second, not three, each with its own answer, and the
     * sleeper is killed and reaped by its own thread. (A child forked while another thread
     * holds a fresh pipe's write end would keep that pipe open: the child closes every
     * descriptor but its own at its start; that window is too short to hit here.) */
    jobs[0].fn = sleep_reader;
    jobs[0].wall = 3;
    for (int i = 1; i < N; i++)
        jobs[i].fn = slow_ok_reader;
    for (int i = 1; i < N; i++)
        assert_int_equal(pthread_create(&th[i], NULL, run_job, &jobs[i]), 0);
    struct timespec pause = {0, 300 * 1000 * 1000};
    nanosleep(&pause, NULL);
    assert_int_equal(pthread_create(&th[0], NULL, run_job, &jobs[0]), 0);
    for (int i = 0; i < N; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(jobs[0].st, LW_ERR_LIMIT);
    for (int i = 1; i < N; i++) {
        assert_int_equal(jobs[i].st, LW_OK);
        assert_string_equal(jobs[i].text, "xin chào\ntrang hai\n");
        if (jobs[i].took > 2.5)
            fail_msg("job %d took %.1f s: held up by the sleeping child", i, jobs[i].took);
    }
    no_zombie();
    assert_int_equal(count_fds(), fds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_source_and_progress),
        cmocka_unit_test(test_endings),
        cmocka_unit_test(test_pages_extend_limits),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
