/* lw_check_ocr: whether a cited id that the registry does not know looks damaged by OCR
 * rather than unknown: a year after the citing document's, a character no symbol uses, a
 * digit read for a letter, a lost hyphen, a short code of no known body. The symbol is
 * judged by its parts (rules/symbols.yaml symbol_parts and the type codes of lexicon.yaml's
 * doc_types; see the top of symbols.yaml). The reason is evidence for check's finding
 * "citation.unknown" (lw_check.h). */
#ifndef LW_CHECK_OCR_H
#define LW_CHECK_OCR_H

#include "lw_common.h"
#include "lw_docset.h"
#include "lw_rules.h"

typedef struct lw_check_ocr lw_check_ocr;

/* The known symbol parts of rs. *out owned (lw_check_ocr_free); LW_ERR_NOMEM (and *out
 * NULL) when out of memory. */
lw_status lw_check_ocr_create(const lw_ruleset *rs, lw_check_ocr **out, lw_error *err);
void lw_check_ocr_free(lw_check_ocr *o);

/* Why citation r of document d (both of ds) looks damaged by OCR: a static Vietnamese text
 * from the message table, or NULL when it does not. *nomem is set to 1 when memory ran out
 * (the answer is then not to be trusted). */
const char *lw_check_ocr_reason(const lw_check_ocr *o, const lw_docset *ds, const lw_ds_doc *d, const lw_ds_ref *r,
                                int *nomem);

#endif
