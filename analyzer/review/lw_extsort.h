/* lw_extsort: records sorted in bounded memory (issue 20: the deadline report of 100000
 * documents has some five million items, and its output is in their order over the whole
 * database). Records are byte strings added one at a time; they gather in a buffer of a
 * fixed size, which, when full, is sorted and written to a temporary file as a run. Reading
 * them back merges the runs (a heap over the runs' first records, at most 256 runs at once:
 * more are first merged by groups into longer ones), so the memory is the buffer, then 4 MB
 * of read buffers, whatever the number of records. When every record fits in the buffer,
 * nothing is written and the buffer is read in place.
 *
 * The comparison must be a total order (ties broken by something unique to each record,
 * such as the order they were added in): the runs are not stable. Records are 8-byte
 * aligned when handed back, so a record that begins with a struct may be read in place. */
#ifndef LW_EXTSORT_H
#define LW_EXTSORT_H

#include <stddef.h>

#include "lw_common.h"

typedef struct lw_extsort lw_extsort;

/* Compares two records (their bytes; ctx as given to lw_extsort_create). */
typedef int (*lw_extsort_cmp)(const void *a, const void *b, void *ctx);

/* The buffer's size when the caller gives 0, and the smallest one taken. The environment's
 * LAWWATCH_SORT_BYTES, when set, replaces 0 (tests force many runs with a small one). */
#define LW_EXTSORT_DEFAULT_BYTES (8u * 1024u * 1024u)
#define LW_EXTSORT_MIN_BYTES 1024u

/* A sorter whose buffer holds about run_bytes of records (0: the default). The temporary
 * file, made when the first run is written, goes in $TMPDIR, else /tmp, and is unlinked at
 * once (nothing is left behind, even on a crash). *out owned (lw_extsort_free). */
lw_status lw_extsort_create(size_t run_bytes, lw_extsort_cmp cmp, void *ctx, lw_extsort **out, lw_error *err);
void lw_extsort_free(lw_extsort *x);

/* Adds a copy of n bytes of rec. LW_ERR_NOMEM, or LW_ERR_IO when a run cannot be written. */
lw_status lw_extsort_add(lw_extsort *x, const void *rec, size_t n, lw_error *err);
/* Ends the adding: the last records are sorted (and written, when runs were). After it,
 * only reading. */
lw_status lw_extsort_finish(lw_extsort *x, lw_error *err);

/* Starts (again) reading from the first record in order: the records may be read any number
 * of times. LW_ERR_NOMEM or LW_ERR_IO. */
lw_status lw_extsort_rewind(lw_extsort *x, lw_error *err);
/* The next record (borrowed: valid until the next call, rewind or free) and its length in
 * *n, or NULL at the end or on a read error (lw_extsort_failed then says which). */
const void *lw_extsort_next(lw_extsort *x, size_t *n);
/* 0, or the status of a read that failed in lw_extsort_next (LW_ERR_IO, LW_ERR_NOMEM). */
lw_status lw_extsort_failed(const lw_extsort *x);

/* The records added, and the runs written (0: all in memory). */
size_t lw_extsort_count(const lw_extsort *x);
size_t lw_extsort_runs(const lw_extsort *x);

#endif
