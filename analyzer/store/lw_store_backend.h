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

/* ---- the reads of check and report (lw_docset, lw_check): plain rows, no SQL above the
 * store. Strings are borrowed for the callback and NULL when the field is unknown. ---- */

typedef struct {
    long long id;
    const char *path, *kind, *number, *issuer, *date, *subject;
    const char *kind_key; /* kind folded ("ke hoach") */
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
} lw_store_duty_row;

typedef struct {
    long long fact_id; /* its duty */
    const char *role, *name, *level;
    int line;
} lw_store_unit_row;

typedef struct {
    long long doc_id;
    const char *cited_id, *cited_key, *cited_date;
    /* only with LW_STORE_REFS_FULL: */
    const char *type, *symbol, *text;
    int year, line, year_mismatch;
} lw_store_ref_row;

typedef struct {
    long long doc_id;
    const char *type, *from_id, *to_id; /* from_id NULL: the stating document itself */
    const char *since;                  /* the date the relation takes effect, as stated */
    int line;
} lw_store_relation_row;

/* What lw_store_each_ref reads: every field in text order (check), or the cited ids only,
 * by document (report: which documents a document cites). */
enum { LW_STORE_REFS_FULL = 0, LW_STORE_REFS_IDS = 1 };
/* Which names lw_store_each_unit_name lists (or-ed). */
enum { LW_STORE_NAMES_ISSUERS = 1, LW_STORE_NAMES_UNITS = 2 };

#endif
