/* lw_store_ingest: ingest, over the store's handle: walking the PATH arguments (folders in
 * name order, *.txt and, by content, PDFs, images, DOCX and ODT (read after the text files,
 * one at a time with every job for their pages, their sources cached by content hash),
 * everything not read reported; symbolic links kept inside the
 * folders given; the database's own files never read), one ingest at a time per database
 * (lw_store_lock), a prune refused when it looks like a mistake, a pool of worker threads that read,
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
    /* pages of PDFs and images (issue 18): of the file being read now (0/0 when none), and
     * read so far in all (cumulative, the current file's done pages included) */
    unsigned file_pages_done, file_pages_total;
    uint64_t pages_done;
    double pages_elapsed; /* seconds spent reading paged files (for pages per second) */
} lw_ingest_progress;

/* The share of the stored documents a prune may remove unless forced (percent). */
#define LW_STORE_PRUNE_MAX_DEFAULT 20

typedef struct {
    int prune;            /* delete documents whose files are gone */
    int reextract;        /* recompute facts of documents stored with other rules */
    int jobs;             /* worker threads for load + extract (1 = none) */
    size_t batch;         /* documents per transaction (default 200) */
    lw_doc_options doc;
    void (*progress)(void *ud, const lw_ingest_progress *p); /* optional */
    void *progress_ud;
    int follow_symlinks;  /* follow links out of the folders given, and into linked folders */
    int nowait;           /* another ingest holds the database: LW_ERR_BUSY at once, not wait */
    int force;            /* prune even more than prune_max_percent of the documents */
    int prune_max_percent; /* 1..100; 0: LW_STORE_PRUNE_MAX_DEFAULT; else LW_ERR_USAGE */
    /* files of the database besides those lw_store_files names (the copy made before a
     * schema upgrade): never read as documents; borrowed, NULL entries ignored */
    const char *const *own_files;
    size_t n_own_files;
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
    lw_ingest_problem *skipped; /* not documents (not .txt, not text, a link out of the
                                   folder, the database's own files ...): owned */
    size_t n_skipped;
    lw_ingest_problem *failed;  /* documents that could not be read, decoded, extracted or
                                   stored, PATH arguments missing or unreadable; owned */
    size_t n_failed;
    size_t n_unrecorded;        /* problems that memory ran out to record: counted, not listed */
    /* issue 18: files of other formats than plain text (PDF, image, DOCX, ODT) */
    size_t sources_read;        /* read by their reader (not taken from the cache) */
    size_t sources_cached;      /* their text taken from the source cache instead */
    size_t pages_read;          /* pages of the PDFs and images read (not cached) */
    size_t ocr_files;           /* of sources_read, files OCR'd (scanned PDFs, images) */
    lw_ingest_problem *warned;  /* a document stored, but something to know (a damaged cache
                                   row read again...); owned */
    size_t n_warned;
} lw_ingest_report;

/* Ingests files and folders (recursive; *.txt, and PDFs, images, DOCX and ODT by content;
 * other files are reported as skipped).
 * Holds the database's ingest lock throughout: waits for another ingest, or with
 * opt->nowait returns LW_ERR_BUSY at once. A symbolic link found in a folder is followed
 * only when its target stays below that PATH argument (or with opt->follow_symlinks; a
 * PATH argument that is a link is always followed). With opt->prune, LW_ERR_REFUSED before
 * any work when a PATH given is missing, unreadable or an empty folder, or when the prune
 * would remove more than opt->prune_max_percent of the stored documents (unless
 * opt->force); nothing is deleted then. Returns LW_OK when the batch ran (per-file problems
 * are in rep), or an error that stopped it (database failure): what was committed before
 * stays. rep is owned by the caller and released with lw_ingest_report_free (also after an
 * error). */
lw_status lw_store_ingest(lw_store *s, const lw_engine *eng, const char *const *paths, size_t n,
                          const lw_ingest_options *opt, lw_ingest_report *rep, lw_error *err);
void lw_ingest_report_free(lw_ingest_report *rep);

#endif
