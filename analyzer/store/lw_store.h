/* lw_store: the SQLite store. One database file (WAL mode) holds every ingested document
 * (hash, header fields, the original bytes, every path it was found at with its size and
 * mtime: one content is one document, byte-identical files are paths of it), its facts
 * (a generic facts table plus typed tables for legal references, deadlines, agencies,
 * relations and dates), the normalized text in an FTS5 table using the "lawwatch" tokenizer,
 * and views a reviewer can query in the sqlite3 shell (v_documents, v_citations,
 * v_deadlines). The schema SQL, with comments, is in lw_store.c.
 *
 * Ingest is incremental: a file whose path, size and mtime match the stored ones costs a
 * stat and an index lookup; a file with the bytes of a stored document becomes one more
 * path of it; a changed file leaves its document (which goes with its last path) for the
 * document of its new content, new or stored; each file is stored inside its own
 * savepoint, so a bad file rolls back only itself. One writer (this process); readers may
 * search concurrently (WAL). */
#ifndef LW_STORE_H
#define LW_STORE_H

#include <sqlite3.h>
#include <stdint.h>

#include "lw_common.h"
#include "lw_doc.h"
#include "lw_extract.h"

/* The schema version written to PRAGMA user_version. */
#define LW_STORE_SCHEMA_VERSION 4

typedef struct lw_store lw_store;

enum {
    LW_STORE_CREATE = 1,  /* create the file and the schema when missing */
    LW_STORE_READONLY = 2 /* open for queries only */
};

/* Opens (and with LW_STORE_CREATE creates) the database at path, registers the "lawwatch"
 * FTS5 tokenizer, checks the schema version. Errors (LW_ERR_DB, err->file = path): the file
 * is missing (without CREATE), is not a SQLite database, is not a lawwatch database, or was
 * made by another schema version. On success *out is owned (lw_store_close); on error NULL. */
lw_status lw_store_open(const char *path, int flags, lw_store **out, lw_error *err);
void lw_store_close(lw_store *s);
/* The connection; borrowed, valid until lw_store_close. */
sqlite3 *lw_store_db(lw_store *s);
/* Number of documents stored. */
long long lw_store_count(lw_store *s);

/* s as a JSON string (json_null() for NULL): a file name is bytes, not always UTF-8 (a
 * folder copied from an old Windows share), and json_string refuses invalid UTF-8, which
 * would drop the key; each invalid byte becomes U+FFFD instead. Returns a new reference,
 * NULL only when out of memory. */
json_t *lw_store_json_text(const char *s);

/* Folds text for diacritics- and case-insensitive comparison: NFD, combining marks
 * dropped, case folded, đ/Đ to d. Returns owned (free()), NULL when out of memory. */
char *lw_store_fold(const char *s);

/* ---- ingest ---- */

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

/* Stores one loaded and extracted document found at doc->path, in one savepoint. size and
 * mtime_ns describe the file. One content is one document:
 *  - content already stored under another document: doc->path becomes one more path of
 *    it (nothing else is stored) and *duplicate (may be NULL) is set to 1;
 *  - content already stored under this path's document: its facts are stored again, the
 *    document keeps its id and paths (how --reextract recomputes facts);
 *  - new content: a new document. In both other cases the path leaves the document it
 *    had (that document goes with its last path).
 * Used by ingest and by tests. Inside an ingest's transaction the full-text row is
 * written when the transaction commits. */
lw_status lw_store_put(lw_store *s, const lw_doc *doc, const lw_extraction *x, const char *rules_version,
                       int64_t size, int64_t mtime_ns, int *duplicate, lw_error *err);
/* Removes path from the document stored under it; the document, with its facts and text,
 * goes only with its last path (else documents.path moves to its first remaining path).
 * 0 no such path, 1 path removed, 2 path and document removed, -1 database error. */
int lw_store_delete_path(lw_store *s, const char *path, lw_error *err);

/* ---- search ---- */

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

/* Full-text search ranked by bm25 (subject weighs 4, body 1). fn is called per hit, best
 * first; nonzero stops. *n_hits (may be NULL) gets the number delivered. Errors:
 * LW_ERR_QUERY with a plain-language message and hint for a malformed query; LW_ERR_DB. */
lw_status lw_store_search(lw_store *s, const lw_search_query *q,
                          int (*fn)(void *ud, const lw_search_hit *h), void *ud, size_t *n_hits,
                          lw_error *err);

/* Parses a period: "2025Q3" / "2025-Q3", "2025H2", "2025-07", "2025" into inclusive ISO
 * dates from[11], to[11]. 0 ok, -1 not a period. */
int lw_period_parse(const char *s, char from[11], char to[11]);

/* Fact queries: each row is a JSON object (borrowed for the callback); fn nonzero stops.
 * Every row names its document: id, path (the first), paths (array, every path), kind,
 * number, issuer, date, subject.
 * cites: one row per document citing id (compared folded: "59/2012/nd-cp" =
 * "59/2012/NĐ-CP"), newest first (undated last); mentions (how many times it cites id) and
 * the first mention's line, type, cited_id, cited_date, pinpoint, text.
 * deadlines_in: deadlines whose interval overlaps [from, to], by deadline (to) then
 * document (its date, then path) then line; unit (the duty's lead units, NULL when no duty
 * names them), nearby_agency (a hint only: the agency named closest before), from, to,
 * precision, qualifier, line, text.
 * changes_of: what ingested documents state amends or replaces id ("amends"/"replaces"
 * relations whose amending document is not older than id by its number's year), one row
 * per (type, by): type, by (the amending id; by_type and by_date as the stating document
 * cites it, when it does), and the first stating document with line. */
lw_status lw_store_cites(lw_store *s, const char *id, int limit, int (*fn)(void *ud, json_t *row),
                         void *ud, size_t *n, lw_error *err);
lw_status lw_store_deadlines_in(lw_store *s, const char *from, const char *to, int limit,
                                int (*fn)(void *ud, json_t *row), void *ud, size_t *n, lw_error *err);
lw_status lw_store_changes_of(lw_store *s, const char *id, int (*fn)(void *ud, json_t *row), void *ud,
                              size_t *n, lw_error *err);

#endif
