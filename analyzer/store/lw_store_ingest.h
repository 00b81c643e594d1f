/* lw_store_ingest: ingest, over the store's handle: walking the PATH arguments (folders in
 * name order, *.txt only, everything not read reported), a pool of worker threads that read,
 * decode, normalize and extract while one writer stores, and batched transactions (a commit
 * every batch documents, second or LW_STORE_FTS_HELD bytes of text). Incremental: see
 * lw_store.h. Uses lw_store.h only, so it runs over any storage back end. */
#ifndef LW_STORE_INGEST_H
#define LW_STORE_INGEST_H

#include "lw_store.h"

typedef struct {
    size_t done, total;   /* files handled so far / files to handle */
    uint64_t bytes;       /* bytes read so far */
    double elapsed;       /* seconds since the start */
} lw_ingest_progress;

typedef struct {
    int prune;            /* delete documents whose files are gone */
    int reextract;        /* recompute facts of documents stored with other rules */
    int jobs;             /* worker threads for load + extract (1 = none) */
    size_t batch;         /* documents per transaction (default 200) */
    lw_doc_options doc;
    void (*progress)(void *ud, const lw_ingest_progress *p); /* optional */
    void *progress_ud;
} lw_ingest_options;

void lw_ingest_options_default(lw_ingest_options *o);

typedef struct {
    char *path;
    char *reason;         /* plain-language message, names the file */
} lw_ingest_problem;

typedef struct {
    size_t ingested;      /* new or changed documents stored */
    size_t unchanged;     /* same size and mtime, or same content (mtime updated) */
    size_t touched;       /* of unchanged: content read, same hash, mtime updated */
    size_t reextracted;   /* facts recomputed from stored bytes (--reextract) */
    size_t duplicates;    /* files whose content was already stored: a path added to it */
    size_t pruned;        /* paths removed (--prune): their files are gone */
    size_t pruned_docs;   /* of those, documents removed with their last path */
    size_t files_read;    /* files whose contents were read */
    lw_ingest_problem *skipped; /* not .txt; owned */
    size_t n_skipped;
    lw_ingest_problem *failed;  /* could not be read, decoded or extracted; owned */
    size_t n_failed;
    size_t n_unrecorded;        /* problems that memory ran out to record: counted, not listed */
} lw_ingest_report;

/* Ingests files and folders (recursive; *.txt only, other files are reported as skipped).
 * Returns LW_OK when the batch ran (per-file problems are in rep), or an error that stopped
 * it (database failure): what was committed before stays. rep is owned by the caller and
 * released with lw_ingest_report_free. */
lw_status lw_store_ingest(lw_store *s, const lw_engine *eng, const char *const *paths, size_t n,
                          const lw_ingest_options *opt, lw_ingest_report *rep, lw_error *err);
void lw_ingest_report_free(lw_ingest_report *rep);

#endif
