/* alloc_fail.c: the failing allocator of the allocation-failure runs (see alloc_fail.h).
 * The __wrap_* functions replace our code's calls by the linker's --wrap; __real_* are
 * libc's (or the sanitizer's) own. One mutex guards the counter and the table of blocks,
 * so an ingest with worker threads would still count every allocation once. */
#define _GNU_SOURCE
#include "alloc_fail.h"

#include <errno.h>
#include <execinfo.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t a, size_t b);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
int __real_vasprintf(char **out, const char *fmt, va_list ap);
char *__real_realpath(const char *path, char *resolved);

void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t a, size_t b);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
int __wrap_vasprintf(char **out, const char *fmt, va_list ap);
int __wrap_asprintf(char **out, const char *fmt, ...);
char *__wrap_realpath(const char *path, char *resolved);

/* The table starts at this many slots and doubles at half full: the scenario's live blocks
 * number in the thousands (a document's facts as jansson objects, SQLite's pages). */
#define ALF_TABLE_MIN 4096

/* Frames printed for the failing allocation with LW_ALLOC_BACKTRACE=1: enough to reach the
 * public function from the wrapper. */
#define ALF_TRACE_MAX 24

typedef struct {
    uintptr_t key; /* the block; 0: empty slot */
    size_t size;
    unsigned epoch;
} alf_slot;

static pthread_mutex_t alf_mu = PTHREAD_MUTEX_INITIALIZER;
static alf_slot *alf_tab;
static size_t alf_cap, alf_used;
static unsigned alf_epoch;
static int alf_counting, alf_persist, alf_did_fail;
static unsigned long alf_n, alf_fail_at;

static size_t slot_of(uintptr_t key, size_t cap)
{
    uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 20) & (cap - 1);
}

/* Under alf_mu. Returns 0, or -1 when the table could not grow (the block then goes
 * untracked: its size is unknown to xSize, so that is fatal for the test, reported). */
static int grow(void)
{
    size_t cap = alf_cap ? alf_cap * 2 : ALF_TABLE_MIN;
    alf_slot *t = __real_calloc(cap, sizeof *t);
    if (!t)
        return -1;
    for (size_t i = 0; i < alf_cap; i++) {
        if (!alf_tab[i].key)
            continue;
        size_t j = slot_of(alf_tab[i].key, cap);
        while (t[j].key)
            j = (j + 1) & (cap - 1);
        t[j] = alf_tab[i];
    }
    __real_free(alf_tab);
    alf_tab = t;
    alf_cap = cap;
    return 0;
}

static void track(void *p, size_t size, unsigned epoch)
{
    if (!p)
        return;
    pthread_mutex_lock(&alf_mu);
    if ((alf_used + 1) * 2 > alf_cap && grow() != 0) {
        pthread_mutex_unlock(&alf_mu);
        fputs("alloc_fail: the block table could not grow\n", stderr);
        abort();
    }
    size_t j = slot_of((uintptr_t)p, alf_cap);
    while (alf_tab[j].key && alf_tab[j].key != (uintptr_t)p)
        j = (j + 1) & (alf_cap - 1);
    if (!alf_tab[j].key)
        alf_used++;
    alf_tab[j] = (alf_slot){(uintptr_t)p, size, epoch};
    pthread_mutex_unlock(&alf_mu);
}

/* Under alf_mu: the slot of p, or (size_t)-1. */
static size_t find(const void *p)
{
    if (!alf_cap || !p)
        return (size_t)-1;
    size_t j = slot_of((uintptr_t)p, alf_cap);
    while (alf_tab[j].key) {
        if (alf_tab[j].key == (uintptr_t)p)
            return j;
        j = (j + 1) & (alf_cap - 1);
    }
    return (size_t)-1;
}

/* Forgets p (a block of ours, or one libc made, which was never tracked). Linear probing's
 * deletion by backward shift, so no tombstones. Returns the epoch p had, or alf_epoch. */
static unsigned untrack(const void *p)
{
    pthread_mutex_lock(&alf_mu);
    unsigned epoch = alf_epoch;
    size_t i = find(p);
    if (i != (size_t)-1) {
        epoch = alf_tab[i].epoch;
        alf_tab[i].key = 0;
        alf_used--;
        size_t j = i;
        for (;;) {
            j = (j + 1) & (alf_cap - 1);
            if (!alf_tab[j].key)
                break;
            size_t home = slot_of(alf_tab[j].key, alf_cap);
            /* j's entry may move to the hole i unless its home lies cyclically in (i, j] */
            int stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (!stays) {
                alf_tab[i] = alf_tab[j];
                alf_tab[j].key = 0;
                i = j;
            }
        }
    }
    pthread_mutex_unlock(&alf_mu);
    return epoch;
}

/* One allocation: nonzero when it is to fail. */
static int tick(void)
{
    int fail = 0;
    pthread_mutex_lock(&alf_mu);
    if (alf_counting) {
        alf_n++;
        if (alf_fail_at && (alf_n == alf_fail_at || (alf_persist && alf_n > alf_fail_at))) {
            fail = 1;
            alf_did_fail = 1;
        }
    }
    pthread_mutex_unlock(&alf_mu);
    if (fail) {
        static int want_trace = -1;
        if (want_trace < 0) {
            const char *e = getenv("LW_ALLOC_BACKTRACE");
            want_trace = e && *e && strcmp(e, "0");
        }
        if (want_trace) {
            void *frames[ALF_TRACE_MAX];
            fputs("alloc_fail: this allocation fails:\n", stderr);
            backtrace_symbols_fd(frames, backtrace(frames, ALF_TRACE_MAX), 2);
        }
        errno = ENOMEM;
    }
    return fail;
}

static unsigned epoch_now(void)
{
    pthread_mutex_lock(&alf_mu);
    unsigned e = alf_epoch;
    pthread_mutex_unlock(&alf_mu);
    return e;
}

void *__wrap_malloc(size_t n)
{
    if (tick())
        return NULL;
    void *p = __real_malloc(n);
    track(p, n, epoch_now());
    return p;
}

void *__wrap_calloc(size_t a, size_t b)
{
    if (tick())
        return NULL;
    void *p = __real_calloc(a, b);
    track(p, a * b, epoch_now());
    return p;
}

void *__wrap_realloc(void *p, size_t n)
{
    if (!p)
        return __wrap_malloc(n);
    if (tick())
        return NULL;
    void *q = __real_realloc(p, n);
    if (q || n == 0) {
        /* a block keeps its epoch when it moves: growing a setup block is no leak */
        unsigned epoch = untrack(p);
        track(q, n, epoch);
    }
    return q;
}

void __wrap_free(void *p)
{
    if (!p)
        return;
    untrack(p);
    __real_free(p);
}

char *__wrap_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = __wrap_malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

char *__wrap_strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = __wrap_malloc(len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

int __wrap_vasprintf(char **out, const char *fmt, va_list ap)
{
    if (tick())
        return -1;
    int r = __real_vasprintf(out, fmt, ap);
    if (r >= 0)
        track(*out, (size_t)r + 1, epoch_now());
    return r;
}

int __wrap_asprintf(char **out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = __wrap_vasprintf(out, fmt, ap);
    va_end(ap);
    return r;
}

char *__wrap_realpath(const char *path, char *resolved)
{
    if (resolved)
        return __real_realpath(path, resolved);
    if (tick())
        return NULL;
    char *r = __real_realpath(path, NULL);
    if (r)
        track(r, strlen(r) + 1, epoch_now());
    return r;
}

/* ---- SQLite ---- */

static void *s_malloc(int n) { return __wrap_malloc((size_t)n); }
static void s_free(void *p) { __wrap_free(p); }
static void *s_realloc(void *p, int n) { return __wrap_realloc(p, (size_t)n); }
static int s_size(void *p)
{
    pthread_mutex_lock(&alf_mu);
    size_t i = find(p);
    size_t n = i == (size_t)-1 ? 0 : alf_tab[i].size;
    pthread_mutex_unlock(&alf_mu);
    return (int)n;
}
static int s_roundup(int n) { return (n + 7) & ~7; }
static int s_init(void *ud) { return SQLITE_OK; }
static void s_shutdown(void *ud) {}

int alf_install(void)
{
    static const sqlite3_mem_methods m = {s_malloc, s_free, s_realloc, s_size, s_roundup, s_init, s_shutdown, NULL};
    return sqlite3_config(SQLITE_CONFIG_MALLOC, &m) == SQLITE_OK ? 0 : -1;
}

void alf_begin(unsigned long fail_at, int persist)
{
    pthread_mutex_lock(&alf_mu);
    alf_n = 0;
    alf_fail_at = fail_at;
    alf_persist = persist;
    alf_did_fail = 0;
    alf_epoch++;
    alf_counting = 1;
    pthread_mutex_unlock(&alf_mu);
}

void alf_end(void)
{
    pthread_mutex_lock(&alf_mu);
    alf_counting = 0;
    pthread_mutex_unlock(&alf_mu);
}

unsigned long alf_count(void)
{
    pthread_mutex_lock(&alf_mu);
    unsigned long n = alf_n;
    pthread_mutex_unlock(&alf_mu);
    return n;
}

int alf_failed(void)
{
    pthread_mutex_lock(&alf_mu);
    int f = alf_did_fail;
    pthread_mutex_unlock(&alf_mu);
    return f;
}

size_t alf_live(size_t *bytes)
{
    size_t n = 0, b = 0;
    pthread_mutex_lock(&alf_mu);
    for (size_t i = 0; i < alf_cap; i++)
        if (alf_tab[i].key && alf_tab[i].epoch == alf_epoch) {
            n++;
            b += alf_tab[i].size;
        }
    pthread_mutex_unlock(&alf_mu);
    if (bytes)
        *bytes = b;
    return n;
}

void alf_dump_live(int max)
{
    pthread_mutex_lock(&alf_mu);
    for (size_t i = 0; i < alf_cap && max > 0; i++) {
        if (!alf_tab[i].key || alf_tab[i].epoch != alf_epoch)
            continue;
        const unsigned char *p = (const unsigned char *)alf_tab[i].key;
        size_t k = alf_tab[i].size < 24 ? alf_tab[i].size : 24;
        fprintf(stderr, "  live block of %zu bytes:", alf_tab[i].size);
        for (size_t j = 0; j < k; j++)
            fputc(p[j] >= 32 && p[j] < 127 ? p[j] : '.', stderr);
        fputc('\n', stderr);
        max--;
    }
    pthread_mutex_unlock(&alf_mu);
}
