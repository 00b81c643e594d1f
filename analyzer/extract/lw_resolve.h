/* lw_resolve: turns the pieces a rule captured into canonical values: dates and date
 * intervals (quarters, months, halves, "trước ngày" = the day before), document-type names,
 * symbols and canonical ids, and the text helpers they need (case folding, diacritics
 * folding, title case). The vocabulary (type names, symbol codes, mixed-case symbols)
 * comes from rules/lexicon.yaml, never from C. */
#ifndef LW_RESOLVE_H
#define LW_RESOLVE_H

#include <jansson.h>

#include "lw_common.h"
#include "lw_rules.h"

typedef struct {
    int y, m, d;
} lw_date;

int lw_date_valid(lw_date d);
int lw_days_in_month(int y, int m);
lw_date lw_date_add_days(lw_date d, int n);
int lw_date_cmp(lw_date a, lw_date b);
/* "YYYY-MM-DD" into buf (11 bytes); returns buf. */
const char *lw_date_iso(lw_date d, char *buf);
/* Parses "YYYY-MM-DD"; 0 ok, -1 bad. */
int lw_date_parse_iso(const char *s, lw_date *out);
/* Roman (I..XII) or Arabic numeral text to an int; -1 when neither. */
int lw_parse_numeral(const char *s, size_t n);

/* Text helpers: each returns an owned, NUL-terminated string (free()). */
/* Case-folded NFC with runs of white space as one space, trimmed. */
char *lw_text_fold_case(const char *s, size_t n);
/* As lw_text_fold_case, and without any diacritics (đ -> d): the OCR-proof key. */
char *lw_text_fold_all(const char *s, size_t n);
/* Each space-separated syllable with its first letter upper case, the rest lower. */
char *lw_text_title_case(const char *s, size_t n);
/* Upper case (utf8proc). */
char *lw_text_upper(const char *s, size_t n);
/* White space collapsed to one space, trimmed, stray markup (*, trailing ;,.) removed. */
char *lw_text_clean(const char *s, size_t n);

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
 * fixed ("ND" -> "NĐ"), ASCII hyphen, no spaces. Owned (free()). */
char *lw_lexicon_symbol(const lw_lexicon *lx, const char *sym, size_t n);

/* Canonical id: "59/2012/NĐ-CP" (number zero-padded to two digits when there is a year),
 * "924/BTP-QLXLVPHC&TDTHPL" without a year, "18-NQ/TW" for party documents (party != 0).
 * num is digits as written. Owned (free()). */
char *lw_make_id(const char *num, int year, const char *symbol, int party);

#endif
