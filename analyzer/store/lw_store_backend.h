/* lw_store_backend: what every storage back end shares with the store above it: the open
 * flags, and (see below) the table of functions a back end implements. The store
 * (lw_store.c) holds one back end per handle and calls it only through this table. */
#ifndef LW_STORE_BACKEND_H
#define LW_STORE_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "lw_common.h"

enum {
    LW_STORE_CREATE = 1,  /* create the file and the schema when missing */
    LW_STORE_READONLY = 2 /* open for queries only */
};

/* ---- rows: what a back end hands out, borrowed for the callback ---- */

/* A stored document's original bytes and what ingest knew of its file. */
typedef struct {
    const char *path, *encoding; /* borrowed for the callback */
    int64_t size, mtime_ns;
    const void *raw;
    size_t raw_len;
} lw_store_source;

typedef struct {
    const char *query;    /* the reviewer's words, turned into a MATCH by lw_fts_query_build */
    const char *year;     /* "2025" or NULL */
    const char *kind;     /* compared folded ("ke hoach" = "Kế hoạch") or NULL */
    const char *issuer;   /* folded substring or NULL */
    int limit;            /* <= 0: 20 */
    const char *mark_open, *mark_close; /* snippet highlight markers; default « and » */
} lw_search_query;

typedef struct {
    const char *path, *number, *kind, *issuer, *date; /* borrowed for the callback; may be NULL */
    double score;         /* -bm25: higher is more relevant */
    const char *snippet;
    long long id;         /* documents.id */
    const char *subject;  /* may be NULL */
    const char *const *paths; /* every path of the document, the first (= path) first */
    size_t n_paths;
} lw_search_hit;

#endif
