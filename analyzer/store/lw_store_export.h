/* lw_store_export: every document of one database into another (issue 21: `lawwatch export
 * --db FILE.db --to postgresql://...` moves a SQLite database to a PostgreSQL server; any
 * back end to any other, as both are reached through lw_store.h only).
 *
 * What moves: each document with every path it was found at (first path first, so the
 * target's documents.path is the source's), each path's size and mtime, the document's
 * original bytes and the encoding ingest was told, its topic, its facts, and the cached
 * source of a PDF, image or Word file (so that nothing is read or OCR'd again). The facts
 * are made again from the stored original by the engine's rules: extraction is pure, so
 * with the rules the source's documents were extracted with (same ruleset version) they
 * are the stored facts exactly. Documents stored with other rules are refused
 * (LW_ERR_REFUSED, before any work) unless opt->reextract: then the target holds what these
 * rules extract, as `ingest --reextract` would make it.
 *
 * Documents go in the source's id order (the target numbers them in that order), a batch
 * per transaction. Idempotent: a path the target already holds with the same content is
 * left as it is (its size and mtime set to the source's), so a second run adds nothing; a
 * path the target holds with other content (ingested there since) is kept as the target has
 * it and reported as a conflict. A document that cannot be made or stored is reported and
 * the export goes on; a database failure stops it (what was committed stays; run it again). */
#ifndef LW_STORE_EXPORT_H
#define LW_STORE_EXPORT_H

#include "lw_store.h"

typedef struct {
    int reextract; /* documents stored with other rules: extract them with eng's (else refused) */
    size_t batch;  /* documents per transaction; 0: LW_EXPORT_BATCH_DEFAULT */
    /* documents handled so far of total (may be NULL) */
    void (*progress)(void *ud, size_t done, size_t total);
    void *progress_ud;
    /* a document that failed, a path in conflict, a source read again: its path and a
     * message (may be NULL; both borrowed for the call) */
    void (*problem)(void *ud, int failed, const char *path, const char *msg);
    void *problem_ud;
} lw_export_options;

#define LW_EXPORT_BATCH_DEFAULT 200

typedef struct {
    size_t documents;      /* documents of the source handled */
    size_t created;        /* documents the target did not have (by content) */
    size_t paths_added;    /* paths added to the target */
    size_t paths_present;  /* paths the target held with the same content */
    size_t touched;        /* of those, size or mtime set to the source's */
    size_t conflicts;      /* paths the target holds with other content: kept */
    size_t failed;         /* documents that could not be made or stored */
    size_t stale;          /* documents the source holds extracted with other rules */
    size_t sources_copied; /* cached sources (PDF, image, Word) copied across */
    size_t sources_read;   /* sources read again (not in the source's cache) */
} lw_export_report;

/* Exports every document of from into to (see above); eng: the rules. Holds to's ingest
 * lock throughout (waits for an ingest running there). rep is filled also on error. */
lw_status lw_store_export(lw_store *from, lw_store *to, const lw_engine *eng, const lw_export_options *opt,
                          lw_export_report *rep, lw_error *err);

#endif
