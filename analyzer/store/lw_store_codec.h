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

#endif
