/* lw_pg_tsquery: a search's FTS5 MATCH expression (what lw_fts_query_build writes) read as
 * FTS5 reads it, for the PostgreSQL back end (issue 21), with no server: its phrases (each
 * tokenized by lawwatch's tokenizer in query mode, as FTS5 does), its boolean tree with FTS5's
 * precedence (NOT, then AND, then OR, all left-associative), the tsquery texts PostgreSQL
 * filters with, and the exact match of a document's text: per phrase and column, the number
 * of instances FTS5's xInst would give bm25.
 *
 * Why an exact match is done here too. A tsvector keeps at most 256 positions per lexeme and
 * none past 16383, so on long documents PostgreSQL's phrase operator (<->) can miss a phrase,
 * and bm25 needs every instance. PostgreSQL narrows the documents down (GIN index) with a
 * tsquery that can never leave a real match out, decides the match with the exact one where
 * the tsvector kept every position, and counts the phrases it can (lw_pg_query_count_tsquery);
 * for the other documents and phrases, the match and the counts are decided here from the
 * document's own text:
 *   exact    the expression's own meaning: phrases as <->, a prefix as :*, AND &, OR |,
 *            "a NOT b" as a & !b. Exact on a tsvector whose positions are all there.
 *   relaxed  a superset on any tsvector, positions or not: a phrase of several tokens is the
 *            AND of its tokens, and under NOT only what is certain (a one-token phrase) is
 *            excluded ("a NOT "b c"" keeps every document with a).
 * Tokens are quoted as tsvector/tsquery lexemes ('hanh`', 'soc''' ...), never parsed by a
 * text search configuration. */
#ifndef LW_PG_TSQUERY_H
#define LW_PG_TSQUERY_H

#include <stddef.h>

#include "lw_common.h"

/* Columns of doc_text as FTS5 has them: 0 subject, 1 body. */
#define LW_PG_NCOL 2

typedef struct lw_pg_query lw_pg_query;

/* Reads expr (from lw_fts_query_build; any valid FTS5 expression of strings, AND, OR, NOT and
 * parentheses). *out owned (lw_pg_query_free). LW_ERR_QUERY for an expression that is not
 * of that form (never one lw_fts_query_build wrote), LW_ERR_NOMEM. */
lw_status lw_pg_query_parse(const char *expr, lw_pg_query **out, lw_error *err);
void lw_pg_query_free(lw_pg_query *q);

/* The phrases in the order FTS5 numbers them (left to right): bm25 sums over them so. */
int lw_pg_query_nphrase(const lw_pg_query *q);

enum { LW_PG_TSQ_EXACT = 0, LW_PG_TSQ_RELAXED = 1 };

/* The tsquery text (see above) of the whole expression (phrase < 0) or of phrase i alone.
 * Owned (free()); *none set and NULL returned when nothing can match (a phrase with no
 * token); NULL with *none 0 when out of memory. */
char *lw_pg_query_tsquery(const lw_pg_query *q, int phrase, int which, int *none);

/* A document's tokens (subject and body), as FTS5 indexed them: built once per document,
 * matched against a query. Owned by its creator (lw_pg_doc_free). */
typedef struct lw_pg_doc lw_pg_doc;

lw_pg_doc *lw_pg_doc_new(void);
void lw_pg_doc_free(lw_pg_doc *d);
/* Tokenizes the two columns (either may be NULL) into d, replacing what it held.
 * 0, or -1 when out of memory. */
int lw_pg_doc_set(lw_pg_doc *d, const char *subject, size_t nsubject, const char *body, size_t nbody);
/* Tokens (positions) of column c, as FTS5's column size counts them. */
int lw_pg_doc_size(const lw_pg_doc *d, int c);

/* Whether the document matches q; counts (nphrase * LW_PG_NCOL, may be NULL) gets each
 * phrase's instances per column, phrase-major. */
int lw_pg_doc_match(const lw_pg_query *q, const lw_pg_doc *d, int *counts);
/* The same from counts the caller has (the text's instances of each phrase per column, as
 * lw_pg_doc_match would count them): whether the document matches; counts are then those
 * FTS5 reports (the phrases it does not report set to 0). */
int lw_pg_counts_match(const lw_pg_query *q, int *counts);
/* The tsquery whose ts_rank_cd over a tsvector that kept every position counts phrase i's
 * instances (lw_store_pg_search.c says how), or NULL (*oom 0) when it cannot: a phrase two of
 * whose lexemes may stand at one position (ts_rank_cd then sees one cover as two items). A
 * prefix is restricted to the one kind of form it can begin (lw_pg_query_phrase_kind:
 * ":*BC" folded forms, ":*AD" exact forms), so that it is one lexeme a position too.
 * Owned (free()). */
char *lw_pg_query_count_tsquery(const lw_pg_query *q, int i, int *oom);
/* Of a one-token phrase: 0 a word (not a prefix); a prefix: 1 when it has no mark nor tone
 * (its text is as a folded form is), 2 when it has (only an exact form can begin with it). */
int lw_pg_query_phrase_kind(const lw_pg_query *q, int i);
/* Whether phrase i of q occurs in the document (any column). */
int lw_pg_doc_has_phrase(const lw_pg_query *q, const lw_pg_doc *d, int i);

/* Token counts of a text as FTS5 counts a column's size (tokens; colocated forms not
 * counted), for doc_text's n_subject and n_body. */
int lw_pg_token_count(const char *text, size_t len);

#endif
