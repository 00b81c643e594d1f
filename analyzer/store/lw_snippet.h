/* lw_snippet: the words of a document around a search's matches, the matches marked. Made
 * with lawwatch's own tokenizer from the document's text and the MATCH expression that
 * lw_fts_query_build wrote, so a word matches here exactly when it matched in FTS5 (its exact
 * or its folded form, a prefix for a starred word). FTS5's snippet() does the same job but
 * sets the whole query up again for each row, which costs a prefix query its expansion once
 * per hit (a third of a second for twenty hits of "thi hành*" over 20000 documents).
 *
 *   lw_snippet_terms *t;
 *   lw_snippet_terms_create(expr, &t);
 *   char *s = lw_snippet_make(t, subject, n1, body, n2, "«", "»", 24);   (owned; free())
 *   lw_snippet_terms_free(t);
 */
#ifndef LW_SNIPPET_H
#define LW_SNIPPET_H

#include <stddef.h>

#include "lw_common.h"

typedef struct lw_snippet_terms lw_snippet_terms;

/* The searched words of an FTS5 expression made by lw_fts_query_build (quoted strings, a '*'
 * after one making its last word a prefix; operators and parentheses are skipped). *out owned
 * (lw_snippet_terms_free). LW_ERR_NOMEM only. */
lw_status lw_snippet_terms_create(const char *match_expr, lw_snippet_terms **out);
void lw_snippet_terms_free(lw_snippet_terms *t);

/* Up to ntokens tokens of the column (subject or body) whose best window holds the most
 * distinct searched words (the subject on a tie), each match between open and close, "…"
 * where the text is cut, on one line. Either text may be NULL. Owned (free()); NULL when out
 * of memory. */
char *lw_snippet_make(const lw_snippet_terms *t, const char *subject, size_t nsubject, const char *body,
                      size_t nbody, const char *open, const char *close, int ntokens);

#endif
