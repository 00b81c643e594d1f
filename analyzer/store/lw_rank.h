/* lw_rank: the first page of FTS5's bm25 ranking of doc_text without ranking every match
 * (issue 20). The same scores, to the bit, as bm25(doc_text, W0, W1) gives, for the best k
 * matches; found by bounds, not by computing every match's score.
 *
 * Why it is faster. FTS5's bm25 pays, for every matching row, a lookup of the row's length
 * in doc_text_docsize and, once per query, one whole scan of every phrase's matches for its
 * document frequency (nHit). lw_rank collects, in one pass over the matches, each row's
 * weighted phrase frequencies and a lower bound of its length (the last matched position of
 * each column + 1, free with the positions); then:
 *   - a phrase found in at least half the rows of the table has the idf 1e-6 (FTS5 clamps
 *     log((N - nHit + 0.5) / (nHit + 0.5)) <= 0 to 1e-6): the rows collected that hold it
 *     prove that without the scan. Only the other phrases are counted, as FTS5 counts them
 *     (xQueryPhrase), and the count stops where it reaches that floor (with filters, the
 *     rows collected are only some of the phrase's).
 *   - the score is increasing in each frequency and decreasing in the length, so the score
 *     with the length's lower bound is an upper bound (in floating point too: every IEEE
 *     operation is monotone). A row's real length is read (doc_text_docsize) only when that
 *     bound is not below the k-th best exact score so far.
 * Every row whose score is at least the final k-th best is therefore scored exactly: the
 * result is that of the full ranking, ties included. */
#ifndef LW_RANK_H
#define LW_RANK_H

#include <sqlite3.h>

#include "lw_common.h"

/* One ranked match: its doc_text rowid and its score, -bm25 (bigger is better). */
typedef struct {
    sqlite3_int64 id;
    double score;
} lw_rank_hit;

/* Registers the FTS5 auxiliary functions lw_rank_collect and lw_rank_idf with db (call once
 * per connection, after lw_fts_register). db is borrowed. */
lw_status lw_rank_register(sqlite3 *db, lw_error *err);

/* Ranks the matches that collect visits. collect is a statement prepared by the caller, its
 * filters and MATCH expression bound, whose first column is
 *     lw_rank_collect(doc_text, :rank, W0, W1)
 * (W0, W1 the column weights as for bm25) over doc_text rows matching expr; its parameter
 * :rank is bound here, and collect is stepped to its end and reset, its bindings cleared
 * (not finalized): the pointer bound does not outlive the call. The matches and the phrase
 * counts are read in one read transaction (begun here when none is open). expr is the MATCH
 * expression itself (the phrases' document frequencies are counted over the whole table).
 * On LW_OK *out is owned (free()) and holds every visited row whose score is at least the
 * k-th best one (so more than k rows when scores tie there), best first, ties by rowid;
 * *n_out their number, *n_matches the rows visited. Errors: LW_ERR_NOMEM (err filled), or
 * LW_ERR_DB with err NOT filled and *db_rc the SQLite result code that stopped it
 * (SQLITE_ERROR: FTS5 refused the expression; SQLITE_INTERRUPT: a time limit), for the
 * caller to word as its other database errors. */
lw_status lw_rank_top(sqlite3 *db, sqlite3_stmt *collect, const char *expr, size_t k, lw_rank_hit **out,
                      size_t *n_out, size_t *n_matches, int *db_rc, lw_error *err);

#endif
