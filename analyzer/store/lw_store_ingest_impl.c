/* lw_store_ingest_impl: the problems of an ingest (skipped, failed, warned) recorded in its
 * report, shared by the walk (lw_store_walk) and the writer (lw_store_ingest). */
#define _GNU_SOURCE
#include "lw_store_ingest_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Records a problem in list; one that memory runs out to record is still counted
 * (rep->n_unrecorded), so the summary and the exit status never hide it. */
void lw_ingest_add_problem(lw_ingest_report *rep, lw_ingest_problem **list, size_t *n, const char *path,
                           const char *fmt, ...)
{
    lw_ingest_problem *p = realloc(*list, (*n + 1) * sizeof *p);
    if (!p) {
        rep->n_unrecorded++;
        return;
    }
    *list = p;
    va_list ap;
    va_start(ap, fmt);
    char *reason = NULL;
    if (vasprintf(&reason, fmt, ap) < 0)
        reason = NULL;
    va_end(ap);
    char *copy = strdup(path);
    if (!reason || !copy) {
        free(reason);
        free(copy);
        rep->n_unrecorded++;
        return;
    }
    p[*n].path = copy;
    p[*n].reason = reason;
    (*n)++;
}

/* A formatted error: its file (PATH_MAX at most in practice), place and message. */
#define LW_STORE_ERROR_TEXT_MAX 2400

void lw_ingest_add_failure(lw_ingest_report *rep, const char *path, const lw_error *e)
{
    char buf[LW_STORE_ERROR_TEXT_MAX];
    lw_error copy = *e;
    if (!copy.file[0])
        snprintf(copy.file, sizeof copy.file, "%s", path);
    lw_ingest_add_problem(rep, &rep->failed, &rep->n_failed, path, "%s", lw_error_format(&copy, buf, sizeof buf));
}
