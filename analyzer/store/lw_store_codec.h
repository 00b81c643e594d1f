/* lw_store_codec: how a fact is stored once (schema 7). A fact's keys live in the columns of
 * facts (kind, text, span, page, line, paragraph, ocr_conf, rule) and of its kind's typed
 * table (legal_refs, deadlines, agencies, relations, dates, duties with duty_units); what no
 * column holds (a duty's lead and partners, an alias flag, ...) goes to facts.rest as a small
 * JSON object. The JSON `lawwatch extract` prints for the fact (every key, every value, the
 * key order) is rebuilt from them when asked for. A fact the columns cannot give back exactly
 * (a key they do not know, a value of another type, another key order) is kept whole in
 * facts.rest instead: then rest holds kind (a remainder never does: kind is a column), and
 * as lawwatch makes its facts with kind first, rest starts with {"kind":. */
#ifndef LW_STORE_CODEC_H
#define LW_STORE_CODEC_H

#include <jansson.h>
#include <sqlite3.h>

/* fact's remainder into *rest: owned JSON text (free), NULL when the columns hold every key;
 * the whole fact when they cannot give it back (see above). *whole (may be NULL) says which.
 * The columns must be filled from fact by lw_store_facts.c's table, as ingest does.
 * 0, or -1 when out of memory. */
int lw_codec_rest(json_t *fact, char **rest, int *whole);

/* Rebuilds the facts of document doc_id from db, in fact order (facts.id): fn gets each
 * fact's id and its object (borrowed for the call; json_incref to keep it). fn returns
 * nonzero to stop, which is returned. 0, -1 out of memory, or SQLite's error code. */
int lw_codec_read_doc(sqlite3 *db, long long doc_id, int (*fn)(void *ud, long long id, json_t *fact), void *ud);

/* ---- the same rebuild for another back end (issue 21: PostgreSQL, lw_store_pg_query.c) ---- */

/* What a column holds. */
typedef enum { LW_CODEC_NULL, LW_CODEC_INT, LW_CODEC_REAL, LW_CODEC_TEXT } lw_codec_type;
/* A back end's row as the rebuild reads it: column c's type and value (int64 of NULL is 0;
 * text is borrowed, *len its bytes, NULL when out of memory). */
typedef struct {
    lw_codec_type (*type)(void *row, int c);
    long long (*int64)(void *row, int c);
    double (*real)(void *row, int c);
    const char *(*text)(void *row, int c, size_t *len);
} lw_codec_cols;
/* The statement reading one document's facts in fact order on PostgreSQL: $1 the document's
 * id, $2 its partition (documents.doc_province); column 0 is facts.id; a row is then what
 * lw_codec_rebuild reads. A static string. */
const char *lw_codec_facts_sql_pg(void);
/* The fact of row (a row of lw_codec_facts_sql_pg's statement) with units, its duty's units
 * (borrowed, NULL: none). New reference; NULL when out of memory or its remainder does not
 * read (*bad set). */
json_t *lw_codec_rebuild(const lw_codec_cols *cols, void *row, json_t *units, int *bad);
/* Appends to *units (made when NULL; owned by the caller) the unit of row, a row of
 * duty_units whose columns 1 to 4 are name, level, role and line (column 0 its fact_id),
 * in the order of the duty's array. 0, -1 when out of memory. */
int lw_codec_unit_add(const lw_codec_cols *cols, void *row, json_t **units);

#endif
