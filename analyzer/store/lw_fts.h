/* lw_fts: the Vietnamese-aware FTS5 tokenizer "lawwatch" and the search-query front end that
 * turns what a reviewer types into a safe FTS5 MATCH expression.
 *
 * Token forms. Text is split on every character that is not a letter or a digit (Unicode
 * categories from utf8proc); combining marks continue a token, and format characters (soft
 * hyphen U+00AD, zero-width space/joiners U+200B-U+200D, word joiner U+2060, BOM, LRM/RLM) are
 * skipped inside a token without splitting it. Each token is lowercased, Ð/ð/Ɖ/ɖ are read as
 * đ, and it is decomposed; from that:
 *   exact  = the letters with their shape marks (â ă ê ô ơ ư, đ) recomposed, no tone mark on
 *            any letter, and each tone appended as a VIQR-style ASCII suffix in the order met:
 *            acute '\'', grave '`', hook '?', tilde '~', dot below '.'. "Nghị" -> "nghi.",
 *            "hoà" and "hòa" -> "hoa`", "Uỷ" and "Ủy" -> "uy?", "NĐ" -> "nđ".
 *            Tone placement is therefore irrelevant, and a suffix can never come from text
 *            (tokens hold only letters and digits).
 *   folded = every mark removed and đ -> d: "nghi", "hoa", "uy", "nd".
 * A token of ASCII digits only loses its leading zeros ("04" -> "4"), so a document number
 * is found whether or not it was written zero-padded.
 * Documents (FTS5_TOKENIZE_DOCUMENT, and _AUX for highlight()/snippet()) index the exact form
 * and, when it differs, the folded form as FTS5_TOKEN_COLOCATED. Queries emit the exact form,
 * which for a word typed without diacritics is the folded form: so "nghi dinh" finds every
 * accented form and "bản" finds "bản" only (never "bán"), in either tone style. In a prefix
 * query (word*) the last token drops its tone suffix (shape marks and đ still count), because
 * a suffix cannot be a prefix: "hàn*" finds "hành", and also "hạnh".
 * Terms are capped at LW_FTS_TERM_MAX bytes (cut at a character boundary, in documents and
 * queries alike); offsets always cover the whole token in the input. The tokenizer never
 * allocates. Bytes that are not valid UTF-8 are separators. */
#ifndef LW_FTS_H
#define LW_FTS_H

#include <sqlite3.h>

#include "lw_common.h"

#define LW_FTS_TERM_MAX 256          /* bytes of one emitted term */
#define LW_FTS_QUERY_MAX 2048        /* bytes of a query accepted by lw_fts_query_build */
#define LW_FTS_QUERY_MAX_DEPTH 32    /* nesting of parentheses in a query */

/* Registers the tokenizer "lawwatch" (no arguments) with the FTS5 of db, through the fts5_api
 * pointer from `SELECT fts5(?1)`. Tables then use `tokenize='lawwatch'`. Call once per
 * connection, before the first statement that touches such a table. db is borrowed.
 * Returns LW_ERR_DB (with SQLite's message) if FTS5 is missing or registration fails. */
lw_status lw_fts_register(sqlite3 *db, lw_error *err);

/* The callback of lw_fts_tokenize: the same shape as FTS5's xToken. token is borrowed, valid
 * only during the call, not NUL-terminated; [start, end) are byte offsets in the input.
 * Return 0 to go on; any other value stops the tokenizer, which returns it. */
typedef int (*lw_fts_token_fn)(void *ctx, int tflags, const char *token, int ntoken, int start,
                               int end);

/* The tokenizer itself (what FTS5 calls), exposed for tests and other modules. flags are
 * FTS5_TOKENIZE_* (DOCUMENT, AUX, QUERY, QUERY|PREFIX). text (len bytes) is borrowed.
 * Returns 0, or the first non-zero value returned by cb. */
int lw_fts_tokenize(const char *text, int len, int flags, lw_fts_token_fn cb, void *ctx);

/* Builds an FTS5 MATCH expression from a reviewer's query. On success *match_expr_out is owned
 * by the caller (free()); on error it is NULL and err (may be NULL) holds a message in
 * Vietnamese with a hint ("Gợi ý: …") and an English gloss in brackets, and err->col is the
 * 1-based character column in user_query where it applies (0 if none).
 *
 * Grammar (what the reviewer types):
 *   word         any run of characters other than spaces, ( ) and quotes; always searched as
 *                a quoted FTS5 string, so a bare document number (59/2012/NĐ-CP, 18-NQ/TW)
 *                is a phrase and punctuation is inert. Words with no letter or digit (";",
 *                "--", "*") are dropped.
 *   "a phrase"   also “…” (curly quotes); an unclosed quote runs to the end of the query.
 *                Inside the quotes punctuation separates tokens; a trailing '*' makes a prefix.
 *   word*        prefix; "a phrase"* is a phrase whose last token is a prefix; and bare words
 *                directly before a starred word form one such phrase with it ("thi hành*" is
 *                "thi hành"*; write "luật AND thi hành*" to keep "luật" apart).
 *   AND OR NOT   operators, upper case only (lower-case "and" is a word). "a AND NOT b" is
 *                read as "a NOT b"; "-word" after a term is "NOT word". Precedence as FTS5:
 *                NOT, then AND (explicit or implicit between terms), then OR; ( ) group.
 *   anything else between terms is an implicit AND.
 * Errors (LW_ERR_QUERY): empty query or one with no searchable word; only operators; input
 * that is not valid UTF-8; longer than LW_FTS_QUERY_MAX bytes or nested deeper than
 * LW_FTS_QUERY_MAX_DEPTH; unbalanced or empty parentheses; an operator without a term on
 * either side (including NOT or "-word" at the start: FTS5 cannot search "everything but");
 * two operators in a row (including "OR NOT"). LW_ERR_NOMEM if memory runs out.
 * Every expression returned is accepted by FTS5 with the "lawwatch" tokenizer. */
lw_status lw_fts_query_build(const char *user_query, char **match_expr_out, lw_error *err);

#endif
