/* lw_store_doc: one stored document read whole, for `lawwatch show` and the web's /doc/ID:
 * its row of documents (header fields, hash, how it was read), every path it was found at
 * and every fact's JSON (rebuilt from its columns), in the order extraction gave them (facts.id), which is
 * the order of `lawwatch extract`. The SQLite side is lw_sqlite_doc_read, reached through the
 * back end's table (lw_store_backend.h: doc_read); lw_store_doc_read (lw_store.c) calls it. */
#ifndef LW_STORE_DOC_H
#define LW_STORE_DOC_H

#include <stdint.h>

#include "lw_common.h"
#include "lw_store_backend.h"

struct lw_store;

/* A stored document with its paths and facts. Every string is borrowed for the callback;
 * a header field the document lacks is NULL. */
typedef struct lw_store_doc_full {
    long long id;
    const char *path;                 /* the first path */
    const char *sha256;               /* of the original file's bytes (documents.sha256) */
    int64_t size;                     /* bytes of the file at path when ingested */
    const char *encoding;             /* as decoded: utf-8, windows-1258, ... */
    const char *kind, *number, *issuer, *place, *date, *subject;
    const char *source_format;        /* text, pdf-text, pdf-ocr, image-ocr, docx, odt */
    int pages;                        /* pages read (PDF, image); 0: none */
    const char *note;                 /* why the reading was chosen, or NULL */
    const char *rules_version;
    const char *const *paths;         /* every path, the first (= path) first */
    size_t n_paths;
    const char *const *facts;         /* each fact's JSON object (as extract prints it), in fact order */
    const long long *fact_ids;        /* facts.id of each (what duties and check rows name) */
    size_t n_facts;
} lw_store_doc_full;

/* Calls fn once with document id read whole, or not at all when no document has that id
 * (*found, may be NULL, says which). LW_ERR_DB when the database fails, LW_ERR_NOMEM. */
lw_status lw_store_doc_read(struct lw_store *s, long long id, void (*fn)(void *ud, const lw_store_doc_full *d),
                            void *ud, int *found, lw_error *err);

/* The SQLite back end's doc_read (lw_store_sqlite.h's connection). */
struct lw_sqlite;
lw_status lw_sqlite_doc_read(struct lw_sqlite *s, long long id, void (*fn)(void *ud, const lw_store_doc_full *d),
                             void *ud, int *found, lw_error *err);

#endif
