/* lw_store: the store's handle. One database (SQLite today: one file in WAL mode) holds
 * every ingested document (hash, header fields, the topic its subject is about, the
 * original bytes, every path it was found at with its size and mtime: one content is one
 * document, byte-identical files are paths of it), its facts (a generic facts table plus
 * typed tables for legal references, deadlines, agencies, relations, dates and duties), the
 * normalized text for full-text search (FTS5 with the "lawwatch" tokenizer), and views a
 * reviewer can query in the sqlite3 shell (v_documents, v_citations, v_deadlines,
 * v_duties). The schema, with comments, is analyzer/store/schema.sql.
 *
 * Ingest is incremental: a file whose path, size and mtime match the stored ones costs a
 * stat and an index lookup; a file with the bytes of a stored document becomes one more
 * path of it; a changed file leaves its document (which goes with its last path) for the
 * document of its new content, new or stored; each file is stored inside its own
 * savepoint, so a bad file rolls back only itself. One writer (this process); readers may
 * search concurrently (WAL).
 *
 * The handle is opaque and this header names no SQLite type. Every function hands its work
 * to the handle's back end through the table of lw_store_backend.h (which states what a back
 * end guarantees); the SQLite back end is lw_store_sqlite_backend over lw_store_sqlite (the
 * connection), lw_store_schema (schema.sql, upgrades), lw_store_facts (documents and facts
 * to rows) and lw_store_query (search and the reads of check and report). Ingest (walk,
 * workers, batches) is lw_store_ingest.h, above this header. */
#ifndef LW_STORE_H
#define LW_STORE_H

#include <stdint.h>

#include "lw_common.h"
#include "lw_doc.h"
#include "lw_extract.h"
#include "lw_source.h"
#include "lw_store_backend.h"
#include "lw_store_text.h"

typedef struct lw_store lw_store;

/* Opens (and with LW_STORE_CREATE creates) the database at path, registers the "lawwatch"
 * FTS5 tokenizer, checks the schema version. Errors (LW_ERR_DB, err->file = path): the file
 * is missing (without CREATE), is not a SQLite database, is not a lawwatch database, or was
 * made by another schema version. On success *out is owned (lw_store_close); on error NULL. */
lw_status lw_store_open(const char *path, int flags, lw_store **out, lw_error *err);
/* lw_store_open over back end be (a test runs its cases over each back end this way). */
lw_status lw_store_open_with(const lw_store_backend *be, const char *path, int flags, lw_store **out,
                             lw_error *err);
void lw_store_close(lw_store *s);
/* The schema version the database holds (-1 when it cannot be read); the back end's name. */
int lw_store_schema_version(lw_store *s);
const char *lw_store_backend_name(lw_store *s);
/* The database's name (its file), for messages; borrowed. */
const char *lw_store_path(lw_store *s);
/* Number of documents stored. */
long long lw_store_count(lw_store *s);

/* ---- writing (ingest, lw_store_ingest.h, drives these) ---- */

/* The ingest lock: one ingest at a time per database (lw_store_ingest holds it throughout).
 * With wait, blocks until the ingest holding it ends; else LW_ERR_BUSY at once (err names
 * the database). Readers never take it nor wait for it. Released by lw_store_unlock or
 * lw_store_close. */
lw_status lw_store_lock(lw_store *s, int wait, lw_error *err);
void lw_store_unlock(lw_store *s);
/* Calls fn with the path of each file the database consists of on disk (the database, its
 * journals, its lock file), whether it exists or not; fn nonzero stops. -1 when out of
 * memory, else 0. */
int lw_store_files(lw_store *s, int (*fn)(void *ud, const char *path), void *ud);
/* Bounds the time the handle may still spend in the database: a statement running ms
 * milliseconds from now is interrupted and its call fails with LW_ERR_TIMEOUT (so does every
 * later one); 0 removes the limit. A back end without it ignores it. */
void lw_store_set_time_limit(lw_store *s, unsigned ms);

/* Starts a write transaction (when none is open). LW_ERR_DB: another writer holds it. */
lw_status lw_store_begin(lw_store *s, lw_error *err);
/* Commits the open transaction (none open: LW_OK). On failure it is rolled back and err
 * says whether the disk is full; what was committed before stays. */
lw_status lw_store_commit(lw_store *s, lw_error *err);
int lw_store_in_txn(lw_store *s);
/* Bytes of text the open transaction holds back for the full-text index (a commit is due
 * when they grow large). */
size_t lw_store_pending_bytes(lw_store *s);
/* After a failed lw_store_put or lw_store_delete_path: 0 the document's own problem (go on),
 * 1 the database's (stop), 2 the database's and most likely the disk (full, I/O error). */
int lw_store_failure(lw_store *s);
/* The stored document at path: *id (0 when none), size, mtime_ns and sha256 (65 bytes). */
lw_status lw_store_lookup(lw_store *s, const char *path, long long *id, int64_t *size, int64_t *mtime_ns,
                          char sha[65], lw_error *err);
/* A stored path's new size and mtime (same content). */
lw_status lw_store_touch(lw_store *s, const char *path, int64_t size, int64_t mtime_ns, lw_error *err);

/* Stores one loaded and extracted document found at doc->path, in one savepoint, with its
 * topic (lw_duty_topic of its subject, NULL for none; ingest classifies it with the rules
 * so that report never runs them again). size and mtime_ns describe the file. One content is one document:
 *  - content already stored under another document: doc->path becomes one more path of
 *    it (nothing else is stored) and *duplicate (may be NULL) is set to 1;
 *  - content already stored under this path's document: its facts are stored again, the
 *    document keeps its id and paths (how --reextract recomputes facts);
 *  - new content: a new document. In both other cases the path leaves the document it
 *    had (that document goes with its last path).
 * Used by ingest and by tests. Inside an ingest's transaction the full-text row is
 * written when the transaction commits. */
lw_status lw_store_put(lw_store *s, const lw_doc *doc, const lw_extraction *x, const char *rules_version,
                       const char *topic, int64_t size, int64_t mtime_ns, int *duplicate, lw_error *err);
/* Removes path from the document stored under it; the document, with its facts and text,
 * goes only with its last path (else documents.path moves to its first remaining path).
 * 0 no such path, 1 path removed, 2 path and document removed, -1 database error. */
int lw_store_delete_path(lw_store *s, const char *path, lw_error *err);

/* Documents to extract again, ascending: with all, every one stored with rules other than
 * rules_version; else only those an upgrade marked for it. *ids owned (free()), NULL when
 * none. */
lw_status lw_store_stale_ids(lw_store *s, const char *rules_version, int all, long long **ids, size_t *n,
                             lw_error *err);

/* Calls fn once with document id's source, or not at all when id is not stored. */
lw_status lw_store_read_source(lw_store *s, long long id, void (*fn)(void *ud, const lw_store_source *src),
                               void *ud, lw_error *err);
/* Calls fn with every stored path (in the order they were stored); nonzero stops. */
lw_status lw_store_each_path(lw_store *s, int (*fn)(void *ud, const char *path), void *ud, lw_error *err);

/* The documents whose topic is not classified yet (after the upgrade to schema 5), by id;
 * only id and subject are set. */
lw_status lw_store_each_topic_todo(lw_store *s, int (*fn)(void *ud, const lw_store_doc_row *r), void *ud,
                                   lw_error *err);
/* Sets document id's topic (NULL: none). */
lw_status lw_store_set_topic(lw_store *s, long long id, const char *topic, lw_error *err);

/* The source cache (schema 6): what a reader got out of an original file (PDF, image, DOCX,
 * ODT), by the sha256 of the file's bytes (64 hex digits), so that re-extracting never
 * reads or OCRs the file again.
 * get: LW_OK and *out owned (lw_source_free) when cached; LW_OK and *out NULL when not;
 * LW_ERR_DATA (err: SOURCE_BAD) when the row is there but does not read back (the caller
 * reads the file again and puts the new source); LW_ERR_DB when the database fails.
 * put: inserts or replaces sha's row (in the open transaction, if any). */
lw_status lw_store_cache_get(lw_store *s, const char *sha, lw_source **out, lw_error *err);
lw_status lw_store_cache_put(lw_store *s, const char *sha, const lw_source *src, lw_error *err);

/* ---- search ---- */

/* Full-text search ranked by bm25 (subject weighs 4, body 1). fn is called per hit, best
 * first; nonzero stops. *n_hits (may be NULL) gets the number delivered. Errors:
 * LW_ERR_QUERY with a plain-language message and hint for a malformed query; LW_ERR_DB. */
lw_status lw_store_search(lw_store *s, const lw_search_query *q,
                          int (*fn)(void *ud, const lw_search_hit *h), void *ud, size_t *n_hits,
                          lw_error *err);

/* issue 19: the facets of q's matches, all of them (q's limit and offset do not count):
 * *out (owned) is {"total": N, "year": [{"value", "count"}...], "kind": [...], "issuer":
 * [...]}, each facet its LW_SEARCH_FACET_TOP most frequent values (ties by value), exact
 * counts; year is the date's first four characters. Errors as lw_store_search. */
lw_status lw_store_search_facets(lw_store *s, const lw_search_query *q, json_t **out, lw_error *err);

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
/* How many documents cite each legal document, in one pass (the registry's list): fn per
 * cited id with its folded key (as lw_store_fold makes it: the key lw_store_cites compares)
 * and the number of documents citing it, by key; nonzero stops. */
lw_status lw_store_cite_counts(lw_store *s, int (*fn)(void *ud, const char *key, long long n), void *ud,
                               lw_error *err);

/* ---- the reads of check and report: fn is called per row (borrowed for the call);
 * nonzero stops without an error. LW_ERR_DB when the database cannot be read. ---- */

/* Every document, by id. */
lw_status lw_store_each_document(lw_store *s, int (*fn)(void *ud, const lw_store_doc_row *r), void *ud,
                                 lw_error *err);
/* The level (central, province, ...) of each document's issuer agencies, by document then
 * fact; several rows for one document: the first counts. */
lw_status lw_store_each_issuer_level(lw_store *s, int (*fn)(void *ud, const lw_store_doc_value *r), void *ud,
                                     lw_error *err);
/* The provinces each document's agencies name, by document, the most named first (then by
 * name). */
lw_status lw_store_each_doc_province(lw_store *s, int (*fn)(void *ud, const lw_store_doc_value *r), void *ud,
                                     lw_error *err);
/* Every duty, by document then text order. */
lw_status lw_store_each_duty(lw_store *s, int (*fn)(void *ud, const lw_store_duty_row *r), void *ud,
                             lw_error *err);
/* Every unit a duty names, by duty (fact_id) then the order the duty names them. */
lw_status lw_store_each_duty_unit(lw_store *s, int (*fn)(void *ud, const lw_store_unit_row *r), void *ud,
                                  lw_error *err);
/* issue 19: lw_store_each_duty and lw_store_each_duty_unit for the documents ids[0..n) only
 * (the same rows of those documents, in the same order): what judging one document needs. */
lw_status lw_store_each_duty_of(lw_store *s, const long long *ids, size_t n,
                                int (*fn)(void *ud, const lw_store_duty_row *r), void *ud, lw_error *err);
lw_status lw_store_each_duty_unit_of(lw_store *s, const long long *ids, size_t n,
                                     int (*fn)(void *ud, const lw_store_unit_row *r), void *ud, lw_error *err);
/* Every legal reference: what (LW_STORE_REFS_FULL, _IDS or _KEYS) says which fields and order. */
lw_status lw_store_each_ref(lw_store *s, int what, int (*fn)(void *ud, const lw_store_ref_row *r), void *ud,
                            lw_error *err);
/* issue 20: lw_store_each_document for the documents ids[0..n) only (the same rows, in the
 * same order). */
lw_status lw_store_each_document_of(lw_store *s, const long long *ids, size_t n,
                                    int (*fn)(void *ud, const lw_store_doc_row *r), void *ud, lw_error *err);
/* issue 20: lw_store_each_ref LW_STORE_REFS_FULL for the documents ids[0..n) only (the same
 * rows of those documents, in the same order): check reads a group of documents at a time. */
lw_status lw_store_each_ref_of(lw_store *s, const long long *ids, size_t n,
                               int (*fn)(void *ud, const lw_store_ref_row *r), void *ud, lw_error *err);
/* The relations that can make a citation outdated (replaces, amends, repeals) with the id
 * acted on known; in no particular order. */
lw_status lw_store_each_relation(lw_store *s, int (*fn)(void *ud, const lw_store_relation_row *r), void *ud,
                                 lw_error *err);
/* The distinct names of issuers and/or units duties name (which: LW_STORE_NAMES_*), in no
 * particular order. */
lw_status lw_store_each_unit_name(lw_store *s, int which, int (*fn)(void *ud, const char *name), void *ud,
                                  lw_error *err);

#endif
