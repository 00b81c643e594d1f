/* lw_extsort: runs sorted in a buffer, written to one temporary file, merged when read back
 * (see the header). */
#define _GNU_SOURCE /* qsort_r */
#include "lw_extsort.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lw_msg.h"

/* A record as kept: its length, padding to 8 bytes, then its bytes, padded to 8. */
typedef struct {
    uint64_t n;
} rec_head;

#define LW_EXTSORT_ALIGN(n) (((n) + 7u) & ~(size_t)7u)
/* Each run's read buffer while merging, and the most runs merged at once: the merge holds at
 * most LW_EXTSORT_FANIN * LW_EXTSORT_READ_BYTES (4 MB), whatever the number of records; more
 * runs are first merged by groups into longer ones (a pass over the file). A report of
 * 100000 documents makes some hundred and fifty runs of 8 MB: one merge. The environment's
 * LAWWATCH_SORT_FANIN, when set, replaces the fan-in (tests force several passes). */
#define LW_EXTSORT_READ_BYTES (16u * 1024u)
#define LW_EXTSORT_FANIN 256u
/* What a run is written through. */
#define LW_EXTSORT_WRITE_BYTES (64u * 1024u)

/* A run while merging: its part of the file [pos, end), a read buffer, its current record. */
typedef struct {
    off_t pos, end;
    unsigned char *buf; /* LW_EXTSORT_READ_BYTES */
    size_t bpos, blen;
    unsigned char *rec; /* the current record (8-aligned: malloc's) */
    size_t nrec, caprec;
} run_t;

/* Bytes on their way to the end of the file. */
typedef struct {
    unsigned char *b; /* LW_EXTSORT_WRITE_BYTES */
    size_t n;
} out_t;

struct lw_extsort {
    lw_extsort_cmp cmp;
    void *ctx;
    size_t run_bytes, fanin;
    /* the buffer: records (rec_head and bytes) and where each starts */
    unsigned char *arena;
    size_t used, cap;
    size_t *offs;
    size_t noffs, capoffs;
    size_t count;
    int finished;
    /* runs written: the file and each run's [start, end) in it */
    int fd;
    off_t *bounds; /* 2 per run */
    size_t nruns, capruns;
    off_t fsize;
    char dir[4096]; /* where the file is, for the messages */
    /* merging: up to fanin runs (rd), a heap of their indexes by first record */
    run_t *rd;
    size_t *heap;
    size_t nheap;
    size_t last;  /* the run whose record was handed out last ((size_t)-1 none): advanced at
                     the next call, so that the record stays valid until then */
    size_t at;    /* in memory: the next offset */
    lw_status failed;
};

static int cmp_offs(const void *a, const void *b, void *ctx)
{
    const lw_extsort *x = ctx;
    const unsigned char *ra = x->arena + *(const size_t *)a, *rb = x->arena + *(const size_t *)b;
    return x->cmp(ra + sizeof(rec_head), rb + sizeof(rec_head), x->ctx);
}

lw_status lw_extsort_create(size_t run_bytes, lw_extsort_cmp cmp, void *ctx, lw_extsort **out, lw_error *err)
{
    *out = NULL;
    lw_extsort *x = calloc(1, sizeof *x);
    if (!x)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    if (!run_bytes) {
        const char *e = getenv("LAWWATCH_SORT_BYTES");
        run_bytes = e && *e ? (size_t)strtoull(e, NULL, 10) : LW_EXTSORT_DEFAULT_BYTES;
    }
    if (run_bytes < LW_EXTSORT_MIN_BYTES)
        run_bytes = LW_EXTSORT_MIN_BYTES;
    x->cmp = cmp;
    x->ctx = ctx;
    x->run_bytes = run_bytes;
    const char *f = getenv("LAWWATCH_SORT_FANIN");
    x->fanin = f && *f ? (size_t)strtoull(f, NULL, 10) : LW_EXTSORT_FANIN;
    if (x->fanin < 2)
        x->fanin = 2;
    x->fd = -1;
    x->last = (size_t)-1;
    *out = x;
    return LW_OK;
}

void lw_extsort_free(lw_extsort *x)
{
    if (!x)
        return;
    for (size_t i = 0; x->rd && i < x->fanin; i++) {
        free(x->rd[i].buf);
        free(x->rd[i].rec);
    }
    free(x->rd);
    free(x->heap);
    free(x->arena);
    free(x->offs);
    free(x->bounds);
    if (x->fd >= 0)
        close(x->fd);
    free(x);
}

/* The temporary file, made once and unlinked at once. */
static lw_status open_file(lw_extsort *x, lw_error *err)
{
    if (x->fd >= 0)
        return LW_OK;
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    snprintf(x->dir, sizeof x->dir, "%s", dir);
    char path[sizeof x->dir + 32];
    snprintf(path, sizeof path, "%s/lawwatch-sort-XXXXXX", x->dir);
    x->fd = mkstemp(path);
    if (x->fd < 0)
        return lw_error_msg(err, LW_ERR_IO, NULL, 0, 0, LW_MSG_RPB_TEMP, x->dir, strerror(errno));
    unlink(path);
    return LW_OK;
}

/* n bytes of p to the end of the file, through o (p NULL: o's bytes written out). */
static lw_status put_out(lw_extsort *x, out_t *o, const void *p, size_t n, lw_error *err)
{
    if (p && o->n + n <= LW_EXTSORT_WRITE_BYTES) {
        memcpy(o->b + o->n, p, n);
        o->n += n;
        return LW_OK;
    }
    /* the buffer, then (when it does not fit) the bytes themselves */
    for (int k = 0; k < 2; k++) {
        const unsigned char *q = k ? p : o->b;
        size_t m = k ? n : o->n, done = 0;
        if (k && p && n <= LW_EXTSORT_WRITE_BYTES) {
            memcpy(o->b, p, n);
            o->n = n;
            break;
        }
        while (q && done < m) {
            ssize_t w = pwrite(x->fd, q + done, m - done, x->fsize);
            if (w <= 0)
                return lw_error_msg(err, LW_ERR_IO, NULL, 0, 0, LW_MSG_RPB_TEMP, x->dir,
                                    strerror(w < 0 ? errno : ENOSPC));
            done += (size_t)w;
            x->fsize += w;
        }
        if (!k)
            o->n = 0;
    }
    return LW_OK;
}

/* Room for one more run's bounds. */
static lw_status more_bounds(lw_extsort *x, lw_error *err)
{
    if (x->nruns < x->capruns)
        return LW_OK;
    size_t cap = x->capruns ? 2 * x->capruns : 16;
    off_t *b = realloc(x->bounds, 2 * cap * sizeof *b);
    if (!b)
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    x->bounds = b;
    x->capruns = cap;
    return LW_OK;
}

/* The buffer's records sorted and written as a run; the buffer emptied. */
static lw_status write_run(lw_extsort *x, lw_error *err)
{
    if (!x->noffs)
        return LW_OK;
    lw_status st = open_file(x, err);
    if (!st)
        st = more_bounds(x, err);
    out_t o = {malloc(LW_EXTSORT_WRITE_BYTES), 0};
    if (!st && !o.b)
        st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    if (st) {
        free(o.b);
        return st;
    }
    qsort_r(x->offs, x->noffs, sizeof *x->offs, cmp_offs, x);
    off_t start = x->fsize;
    for (size_t i = 0; i < x->noffs && !st; i++) {
        const unsigned char *r = x->arena + x->offs[i];
        st = put_out(x, &o, r, sizeof(rec_head) + LW_EXTSORT_ALIGN(((const rec_head *)r)->n), err);
    }
    if (!st)
        st = put_out(x, &o, NULL, 0, err);
    free(o.b);
    if (st)
        return st;
    x->bounds[2 * x->nruns] = start;
    x->bounds[2 * x->nruns + 1] = x->fsize;
    x->nruns++;
    x->used = 0;
    x->noffs = 0;
    return LW_OK;
}

lw_status lw_extsort_add(lw_extsort *x, const void *rec, size_t n, lw_error *err)
{
    size_t need = sizeof(rec_head) + LW_EXTSORT_ALIGN(n);
    if (x->noffs && x->used + need > x->run_bytes) {
        lw_status st = write_run(x, err);
        if (st)
            return st;
    }
    if (x->used + need > x->cap) {
        size_t cap = x->cap ? x->cap : 4096;
        while (cap < x->used + need)
            cap *= 2;
        unsigned char *a = realloc(x->arena, cap);
        if (!a)
            return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
        x->arena = a;
        x->cap = cap;
    }
    if (x->noffs == x->capoffs) {
        size_t cap = x->capoffs ? 2 * x->capoffs : 1024;
        size_t *o = realloc(x->offs, cap * sizeof *o);
        if (!o)
            return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
        x->offs = o;
        x->capoffs = cap;
    }
    unsigned char *p = x->arena + x->used;
    ((rec_head *)p)->n = n;
    memcpy(p + sizeof(rec_head), rec, n);
    memset(p + sizeof(rec_head) + n, 0, LW_EXTSORT_ALIGN(n) - n);
    x->offs[x->noffs++] = x->used;
    x->used += need;
    x->count++;
    return LW_OK;
}

static lw_status merge_open(lw_extsort *x, size_t first, size_t n, lw_error *err);
static const void *merged_next(lw_extsort *x, size_t *n);

/* Runs merged by groups of fanin into longer runs at the end of the file, until at most
 * fanin are left. */
static lw_status merge_passes(lw_extsort *x, lw_error *err)
{
    out_t o = {NULL, 0};
    lw_status st = LW_OK;
    while (!st && x->nruns > x->fanin) {
        size_t old = x->nruns, made = 0;
        if (!o.b && !(o.b = malloc(LW_EXTSORT_WRITE_BYTES)))
            st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
        /* the new runs' bounds go after the old ones', then take their place */
        for (size_t g = 0; !st && g < old; g += x->fanin) {
            size_t n = old - g < x->fanin ? old - g : x->fanin;
            off_t start = x->fsize;
            st = merge_open(x, g, n, err);
            const void *r;
            size_t len;
            while (!st && (r = merged_next(x, &len))) {
                rec_head h = {len};
                if (!(st = put_out(x, &o, &h, sizeof h, err)))
                    st = put_out(x, &o, r, LW_EXTSORT_ALIGN(len), err);
            }
            if (!st && x->failed)
                st = lw_error_msg(err, x->failed, NULL, 0, 0, x->failed == LW_ERR_NOMEM ? LW_MSG_NOMEM : LW_MSG_RPB_READ);
            if (!st)
                st = put_out(x, &o, NULL, 0, err);
            x->nruns = old + made; /* more_bounds grows past the old and the new so far */
            if (!st)
                st = more_bounds(x, err);
            if (!st) {
                x->bounds[2 * (old + made)] = start;
                x->bounds[2 * (old + made) + 1] = x->fsize;
                made++;
            }
            x->nruns = old;
        }
        if (!st) {
            memmove(x->bounds, x->bounds + 2 * old, 2 * made * sizeof *x->bounds);
            x->nruns = made;
        }
    }
    free(o.b);
    return st;
}

lw_status lw_extsort_finish(lw_extsort *x, lw_error *err)
{
    if (x->finished)
        return LW_OK;
    x->finished = 1;
    if (x->nruns) {
        lw_status st = write_run(x, err);
        /* the buffer is not needed again: reading merges the runs */
        free(x->arena);
        free(x->offs);
        x->arena = NULL;
        x->offs = NULL;
        x->cap = x->capoffs = 0;
        return st ? st : merge_passes(x, err);
    }
    if (x->noffs > 1)
        qsort_r(x->offs, x->noffs, sizeof *x->offs, cmp_offs, x);
    return LW_OK;
}

/* n bytes of run r into dst; -1 on a read error or a run cut short. */
static int run_read(lw_extsort *x, run_t *r, void *dst, size_t n)
{
    unsigned char *d = dst;
    while (n) {
        if (r->bpos == r->blen) {
            size_t want = LW_EXTSORT_READ_BYTES;
            if ((off_t)want > r->end - r->pos)
                want = (size_t)(r->end - r->pos);
            if (!want)
                return -1;
            ssize_t got = pread(x->fd, r->buf, want, r->pos);
            if (got <= 0)
                return -1;
            r->pos += got;
            r->bpos = 0;
            r->blen = (size_t)got;
        }
        size_t k = r->blen - r->bpos < n ? r->blen - r->bpos : n;
        memcpy(d, r->buf + r->bpos, k);
        r->bpos += k;
        d += k;
        n -= k;
    }
    return 0;
}

/* The next record of run r into r->rec: 1 read, 0 at the run's end, -1 failed (x->failed). */
static int run_next(lw_extsort *x, run_t *r)
{
    if (r->pos == r->end && r->bpos == r->blen)
        return 0;
    rec_head h;
    if (run_read(x, r, &h, sizeof h)) {
        x->failed = LW_ERR_IO;
        return -1;
    }
    size_t n = LW_EXTSORT_ALIGN(h.n);
    if (n > r->caprec) {
        unsigned char *p = realloc(r->rec, n ? n : 8);
        if (!p) {
            x->failed = LW_ERR_NOMEM;
            return -1;
        }
        r->rec = p;
        r->caprec = n;
    }
    if (run_read(x, r, r->rec, n)) {
        x->failed = LW_ERR_IO;
        return -1;
    }
    r->nrec = (size_t)h.n;
    return 1;
}

static int heap_less(lw_extsort *x, size_t a, size_t b)
{
    return x->cmp(x->rd[a].rec, x->rd[b].rec, x->ctx) < 0;
}

static void sift_down(lw_extsort *x, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < x->nheap && heap_less(x, x->heap[l], x->heap[m]))
            m = l;
        if (l + 1 < x->nheap && heap_less(x, x->heap[l + 1], x->heap[m]))
            m = l + 1;
        if (m == i)
            return;
        size_t t = x->heap[i];
        x->heap[i] = x->heap[m];
        x->heap[m] = t;
        i = m;
    }
}

/* Reading set to merge runs [first, first + n) (n <= fanin): each one's first record read,
 * the heap made. */
static lw_status merge_open(lw_extsort *x, size_t first, size_t n, lw_error *err)
{
    x->failed = LW_OK;
    x->last = (size_t)-1;
    x->nheap = 0;
    if (!x->rd) {
        x->rd = calloc(x->fanin, sizeof *x->rd);
        x->heap = calloc(x->fanin, sizeof *x->heap);
        if (!x->rd || !x->heap) {
            free(x->rd);
            free(x->heap);
            x->rd = NULL;
            x->heap = NULL;
            x->failed = LW_ERR_NOMEM;
            return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
        }
    }
    for (size_t i = 0; i < n; i++) {
        run_t *r = &x->rd[i];
        if (!r->buf && !(r->buf = malloc(LW_EXTSORT_READ_BYTES))) {
            x->failed = LW_ERR_NOMEM;
            return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
        }
        r->pos = x->bounds[2 * (first + i)];
        r->end = x->bounds[2 * (first + i) + 1];
        r->bpos = r->blen = 0;
        int got = run_next(x, r);
        if (got < 0)
            return lw_error_msg(err, x->failed, NULL, 0, 0, x->failed == LW_ERR_NOMEM ? LW_MSG_NOMEM : LW_MSG_RPB_READ);
        if (got)
            x->heap[x->nheap++] = i;
    }
    for (size_t i = x->nheap / 2; i-- > 0;)
        sift_down(x, i);
    return LW_OK;
}

/* The next record of the runs being merged, or NULL (at their end, or x->failed). */
static const void *merged_next(lw_extsort *x, size_t *n)
{
    if (x->failed)
        return NULL;
    if (x->last != (size_t)-1) {
        /* the record handed out last was the top's: its run moves on */
        int got = run_next(x, &x->rd[x->last]);
        if (got < 0)
            return NULL;
        if (!got)
            x->heap[0] = x->heap[--x->nheap];
        if (x->nheap)
            sift_down(x, 0);
        x->last = (size_t)-1;
    }
    if (!x->nheap)
        return NULL;
    x->last = x->heap[0];
    *n = x->rd[x->last].nrec;
    return x->rd[x->last].rec;
}

lw_status lw_extsort_rewind(lw_extsort *x, lw_error *err)
{
    x->failed = LW_OK;
    x->at = 0;
    return x->nruns ? merge_open(x, 0, x->nruns, err) : LW_OK;
}

const void *lw_extsort_next(lw_extsort *x, size_t *n)
{
    if (x->failed)
        return NULL;
    if (!x->nruns) {
        if (x->at >= x->noffs)
            return NULL;
        const unsigned char *p = x->arena + x->offs[x->at++];
        *n = (size_t)((const rec_head *)p)->n;
        return p + sizeof(rec_head);
    }
    return merged_next(x, n);
}

lw_status lw_extsort_failed(const lw_extsort *x) { return x->failed; }
size_t lw_extsort_count(const lw_extsort *x) { return x->count; }
size_t lw_extsort_runs(const lw_extsort *x) { return x->nruns; }
