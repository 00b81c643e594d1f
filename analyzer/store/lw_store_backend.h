/* lw_store_backend: the storage interface. A back end (SQLite today: lw_store_sqlite*.c;
 * PostgreSQL next, issue 21) is a table of functions, as SQLite's VFS and FTS5's tokenizer
 * API are; the store (lw_store.c) holds one back end per handle and calls it only through
 * this table, and everything above the store (ingest, check, report, the API, the CLI) sees
 * only lw_store.h. Also here: the open flags and the plain rows the back ends hand out.
 *
 * What a back end must guarantee (tests/unit/test_store_backend.c runs the same cases over
 * every back end listed there):
 *  - Status: every function returns a status or says on its own terms (-1, 0) and fills err
 *    (file = the database) with a plain-language message; out of memory is LW_ERR_NOMEM.
 *  - Transactions: put and delete_path are all or nothing for their document, inside or
 *    outside a transaction; begin opens one write transaction (a second writer is refused,
 *    not waited for forever); commit makes the batch durable or, failing, rolls all of it
 *    back; a reader never sees half a batch. failure says after a failed put whether to go
 *    on (the document's own fault) or stop (the database's, 2: most likely the disk).
 *  - One content is one document (sha256 unique), with every path it was found at, the
 *    first path first (lw_store_put's rules).
 *  - Folded keys: kind_key, issuer_key, cited_key and unit name keys are lw_store_fold of
 *    the text, computed by the store's code (not a database collation), and every
 *    comparison that lw_store.h calls "folded" compares them.
 *  - Ordering: rows come in the order lw_store.h states for each function (ties broken as
 *    stated, so that output is the same on every run); "in no particular order" is a
 *    promise to the caller only.
 *  - Strings in rows and hits are borrowed for the callback's duration; a nonzero return
 *    of the callback stops the read without an error.
 *  - Schema: open creates the schema (LW_STORE_CREATE), upgrades an older one when it may
 *    write, refuses a foreign or newer one, and reports the version it holds.
 *  - Ingest lock: lock excludes every other ingest on the same database, in this process
 *    or another, until unlock or close (waiting, or LW_ERR_BUSY at once without wait);
 *    readers never wait for it. files names what the database consists of on disk (none
 *    for a server's database), so that an ingest never reads them as documents. */
#ifndef LW_STORE_BACKEND_H
#define LW_STORE_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "lw_common.h"
#include "lw_doc.h"
#include "lw_extract.h"

/* A message of the table (lw_messages.def) formatted in both languages: as long as an
 * lw_error's message can be. */
#define LW_STORE_MSG_MAX 1024

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
    const char *sha256; /* of raw: the key of its cached source (schema 6) */
} lw_store_source;

/* A row of the source cache (schema 6): what a reader got out of an original file (PDF,
 * image, DOCX, ODT), by the file's sha256. bytes is lw_source_serialize's; the other fields
 * repeat what it holds, for a reviewer's SQL. Borrowed for the callback. */
typedef struct {
    const void *bytes;
    size_t len;
    const char *format;     /* lw_source_format_name */
    int pages;              /* 0: none (Word, ODT) */
    const char *ocr_engine; /* NULL when not OCR'd */
    const char *note;       /* NULL or why this reading was chosen */
} lw_store_cached;

typedef struct {
    const char *query;    /* the reviewer's words, turned into a MATCH by lw_fts_query_build */
    const char *year;     /* "2025" or NULL */
    const char *kind;     /* compared folded ("ke hoach" = "Kế hoạch") or NULL */
    const char *issuer;   /* folded substring or NULL */
    int limit;            /* <= 0: 20 */
    const char *mark_open, *mark_close; /* snippet highlight markers; default « and » */
    const char *unit;     /* folded substring of the issuer or of a unit a duty names, or NULL */
    int offset;           /* issue 19: the best hits skipped first (<= 0: none) */
    int full_rank;        /* issue 20: nonzero scores every match in SQL (ORDER BY bm25, path):
                           * the reference the bounded ranking (lw_rank) is tested against */
} lw_search_query;

/* The values of each facet lw_store_search_facets gives (issue 19). */
#define LW_SEARCH_FACET_TOP 10

typedef struct {
    const char *path, *number, *kind, *issuer, *date; /* borrowed for the callback; may be NULL */
    double score;         /* -bm25: higher is more relevant */
    const char *snippet;
    long long id;         /* documents.id */
    const char *subject;  /* may be NULL */
    const char *const *paths; /* every path of the document, the first (= path) first */
    size_t n_paths;
} lw_search_hit;

/* ---- the reads of check and report (lw_docset, lw_check): plain rows, no SQL above the
 * store. Strings are borrowed for the callback and NULL when the field is unknown. ---- */

typedef struct {
    long long id;
    const char *path, *kind, *number, *issuer, *date, *subject;
    const char *kind_key; /* kind folded ("ke hoach") */
    const char *topic;    /* the subject's duty topic, classified at ingest */
} lw_store_doc_row;

/* One value named for a document: its issuer's level, or a province it names. */
typedef struct {
    long long doc_id;
    const char *value;
} lw_store_doc_value;

typedef struct {
    long long fact_id, doc_id;
    int line, deadline_line;
    const char *activity, *topic, *section, *source, *output;
    const char *from, *to, *precision, *qualifier, *deadline_text; /* the deadline, NULL without */
    int page; /* of a PDF or image (line and deadline_line are on it), else 0 */
} lw_store_duty_row;

typedef struct {
    long long fact_id; /* its duty */
    const char *role, *name, *level;
    int line;
} lw_store_unit_row;

typedef struct {
    long long doc_id;
    const char *cited_id, *cited_key, *cited_date;
    /* only with LW_STORE_REFS_FULL (type also with LW_STORE_REFS_KEYS): */
    const char *type, *symbol, *text;
    int year, line, year_mismatch;
    int page; /* of a PDF or image (line is on it), else 0 */
} lw_store_ref_row;

typedef struct {
    long long doc_id;
    const char *type, *from_id, *to_id; /* from_id NULL: the stating document itself */
    const char *since;                  /* the date the relation takes effect, as stated */
    int line;
} lw_store_relation_row;

/* What lw_store_each_ref reads: every field in text order (check), or the cited ids only,
 * by document (report: which documents a document cites). */
enum { LW_STORE_REFS_FULL = 0, LW_STORE_REFS_IDS = 1,
       /* issue 20: every reference's ids, date and type, in FULL's order (check's compact
        * state: the full rows then come a group of documents at a time, lw_store_each_ref_of) */
       LW_STORE_REFS_KEYS = 2 };
/* Which names lw_store_each_unit_name lists (or-ed). */
enum { LW_STORE_NAMES_ISSUERS = 1, LW_STORE_NAMES_UNITS = 2 };

/* ---- the table of a back end ---- */

/* A back end's connection, as its open made it; each back end knows its own type. */
typedef struct lw_store_conn lw_store_conn;

struct lw_store_doc_full; /* lw_store_doc.h */

typedef struct lw_store_backend {
    const char *name; /* "sqlite" */
    /* Opens (with LW_STORE_CREATE creates) the database named by path. *out owned (close). */
    lw_status (*open)(const char *path, int flags, lw_store_conn **out, lw_error *err);
    void (*close)(lw_store_conn *c);
    const char *(*path)(lw_store_conn *c);
    int (*schema_version)(lw_store_conn *c);
    long long (*count)(lw_store_conn *c);

    lw_status (*begin)(lw_store_conn *c, lw_error *err);
    lw_status (*commit)(lw_store_conn *c, lw_error *err);
    int (*in_txn)(lw_store_conn *c);
    size_t (*pending_bytes)(lw_store_conn *c);
    int (*failure)(lw_store_conn *c);

    lw_status (*lookup)(lw_store_conn *c, const char *path, long long *id, int64_t *size, int64_t *mtime_ns,
                        char sha[65], lw_error *err);
    lw_status (*touch)(lw_store_conn *c, const char *path, int64_t size, int64_t mtime_ns, lw_error *err);
    lw_status (*put)(lw_store_conn *c, const lw_doc *doc, const lw_extraction *x, const char *rules_version,
                     const char *topic, int64_t size, int64_t mtime_ns, int *duplicate, lw_error *err);
    int (*delete_path)(lw_store_conn *c, const char *path, lw_error *err);
    lw_status (*stale_ids)(lw_store_conn *c, const char *rules_version, int all, long long **ids, size_t *n,
                           lw_error *err);
    lw_status (*read_source)(lw_store_conn *c, long long id, void (*fn)(void *ud, const lw_store_source *src),
                             void *ud, lw_error *err);
    lw_status (*each_path)(lw_store_conn *c, int (*fn)(void *ud, const char *path), void *ud, lw_error *err);
    lw_status (*each_topic_todo)(lw_store_conn *c, int (*fn)(void *ud, const lw_store_doc_row *r), void *ud,
                                 lw_error *err);
    lw_status (*set_topic)(lw_store_conn *c, long long id, const char *topic, lw_error *err);
    /* the source cache: fn once with the row of sha (64 hex digits), or not at all; put
     * inserts or replaces it (inside the open transaction, if any) */
    lw_status (*cache_get)(lw_store_conn *c, const char *sha, void (*fn)(void *ud, const lw_store_cached *row),
                           void *ud, lw_error *err);
    lw_status (*cache_put)(lw_store_conn *c, const char *sha, const lw_store_cached *row, lw_error *err);

    lw_status (*search)(lw_store_conn *c, const lw_search_query *q, int (*fn)(void *ud, const lw_search_hit *h),
                        void *ud, size_t *n_hits, lw_error *err);
    lw_status (*cites)(lw_store_conn *c, const char *id, int limit, int (*fn)(void *ud, json_t *row), void *ud,
                       size_t *n, lw_error *err);
    lw_status (*deadlines_in)(lw_store_conn *c, const char *from, const char *to, int limit,
                              int (*fn)(void *ud, json_t *row), void *ud, size_t *n, lw_error *err);
    lw_status (*changes_of)(lw_store_conn *c, const char *id, int (*fn)(void *ud, json_t *row), void *ud,
                            size_t *n, lw_error *err);

    lw_status (*each_document)(lw_store_conn *c, int (*fn)(void *ud, const lw_store_doc_row *r), void *ud,
                               lw_error *err);
    lw_status (*each_issuer_level)(lw_store_conn *c, int (*fn)(void *ud, const lw_store_doc_value *r), void *ud,
                                   lw_error *err);
    lw_status (*each_doc_province)(lw_store_conn *c, int (*fn)(void *ud, const lw_store_doc_value *r), void *ud,
                                   lw_error *err);
    lw_status (*each_duty)(lw_store_conn *c, int (*fn)(void *ud, const lw_store_duty_row *r), void *ud,
                           lw_error *err);
    lw_status (*each_duty_unit)(lw_store_conn *c, int (*fn)(void *ud, const lw_store_unit_row *r), void *ud,
                                lw_error *err);
    lw_status (*each_ref)(lw_store_conn *c, int what, int (*fn)(void *ud, const lw_store_ref_row *r), void *ud,
                          lw_error *err);
    lw_status (*each_relation)(lw_store_conn *c, int (*fn)(void *ud, const lw_store_relation_row *r), void *ud,
                               lw_error *err);
    lw_status (*each_unit_name)(lw_store_conn *c, int which, int (*fn)(void *ud, const char *name), void *ud,
                                lw_error *err);

    /* the ingest lock (see above) */
    lw_status (*lock)(lw_store_conn *c, int wait, lw_error *err);
    void (*unlock)(lw_store_conn *c);
    /* fn per file of the database on disk (which may not exist); -1 when out of memory */
    int (*files)(lw_store_conn *c, int (*fn)(void *ud, const char *path), void *ud);

    /* issue 19: one document read whole (lw_store_doc.h: lw_store_doc_read) */
    lw_status (*doc_read)(lw_store_conn *c, long long id, void (*fn)(void *ud, const struct lw_store_doc_full *d),
                          void *ud, int *found, lw_error *err);
    /* issue 19: from now on, interrupt a statement running ms milliseconds from now (and
     * every later one), failing with LW_ERR_TIMEOUT; 0: no limit. NULL: not supported. */
    void (*set_time_limit)(lw_store_conn *c, unsigned ms);
    /* issue 19: per cited id (folded), the documents citing it (lw_store_cite_counts) */
    lw_status (*cite_counts)(lw_store_conn *c, int (*fn)(void *ud, const char *key, long long n), void *ud,
                             lw_error *err);
    /* issue 19: the facet counts of q over all its matches (lw_store_search_facets) */
    lw_status (*search_facets)(lw_store_conn *c, const lw_search_query *q, json_t **out, lw_error *err);
    /* issue 19: each_duty and each_duty_unit of the documents ids only (lw_store_each_duty_of) */
    lw_status (*each_duty_of)(lw_store_conn *c, const long long *ids, size_t n,
                              int (*fn)(void *ud, const lw_store_duty_row *r), void *ud, lw_error *err);
    lw_status (*each_duty_unit_of)(lw_store_conn *c, const long long *ids, size_t n,
                                   int (*fn)(void *ud, const lw_store_unit_row *r), void *ud, lw_error *err);
    /* issue 20: each_document of the documents ids only (lw_store_each_document_of) */
    lw_status (*each_document_of)(lw_store_conn *c, const long long *ids, size_t n,
                                  int (*fn)(void *ud, const lw_store_doc_row *r), void *ud, lw_error *err);
    /* issue 20: each_ref LW_STORE_REFS_FULL of the documents ids only (lw_store_each_ref_of) */
    lw_status (*each_ref_of)(lw_store_conn *c, const long long *ids, size_t n,
                             int (*fn)(void *ud, const lw_store_ref_row *r), void *ud, lw_error *err);
} lw_store_backend;

#endif
