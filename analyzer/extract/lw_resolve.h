/* lw_resolve: turns the pieces a rule captured into canonical values: document-type names,
 * symbols and canonical ids. The vocabulary (type names, symbol codes, mixed-case symbols)
 * comes from rules/lexicon.yaml, never from C. Dates are lw_date's, the folding of text
 * lw_fold's and the case mapping lw_text's. */
#ifndef LW_RESOLVE_H
#define LW_RESOLVE_H

#include <jansson.h>

#include "lw_common.h"
#include "lw_rules.h"

/* The lexicon: document types and symbols, built from the rule set's data sections. */
typedef struct lw_lexicon lw_lexicon;
/* Owned (lw_lexicon_free). Errors name the rule file and line of a bad entry. */
lw_status lw_lexicon_create(const lw_ruleset *rs, lw_lexicon **out, lw_error *err);
void lw_lexicon_free(lw_lexicon *lx);
/* Canonical type name ("Nghị định") for a type word as written ("NGHỊ ĐỊNH", "nghi dinh"),
 * or NULL. Borrowed. */
const char *lw_lexicon_type(const lw_lexicon *lx, const char *word, size_t n);
/* Canonical type name for the type code that opens a symbol ("NĐ-CP" -> "Nghị định"),
 * or NULL when the symbol carries no type code (a Công văn's "UBND-NC"). Borrowed. */
const char *lw_lexicon_type_of_symbol(const lw_lexicon *lx, const char *symbol);
/* The symbol code of a type ("Nghị định" -> "NĐ"), or NULL. Borrowed. */
const char *lw_lexicon_code_of_type(const lw_lexicon *lx, const char *type);
/* Canonical symbol: upper case but the mixed-case codes ("QĐ-TTg"), OCR look-alike codes
 * fixed ("ND" -> "NĐ"), ASCII hyphen, no spaces. Owned (free()); NULL when out of memory. */
char *lw_lexicon_symbol(const lw_lexicon *lx, const char *sym, size_t n);

/* Canonical id: "59/2012/NĐ-CP" (number zero-padded to two digits when there is a year),
 * "924/BTP-QLXLVPHC&TDTHPL" without a year, "18-NQ/TW" for party documents (party != 0).
 * num is digits as written. Owned (free()); NULL when out of memory. */
char *lw_make_id(const char *num, int year, const char *symbol, int party);

#endif
